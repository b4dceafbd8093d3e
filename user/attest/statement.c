// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/utsname.h>
#include "attest/statement.h"
#include "cli/cli.h"
#include "log/denylog.h"
#include "log/rotate.h"
#include "log/verify.h"
#include "util/hex.h"

static const char *str_of(struct json_object *o, const char *key)
{
	struct json_object *v;

	return json_object_object_get_ex(o, key, &v) && v ? json_object_get_string(v) : NULL;
}

static bool bool_of(struct json_object *o, const char *key)
{
	struct json_object *v;

	return json_object_object_get_ex(o, key, &v) && v && json_object_get_boolean(v);
}

static void reason(struct json_object *reasons, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void reason(struct json_object *reasons, const char *fmt, ...)
{
	char buf[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	json_object_array_add(reasons, json_object_new_string(buf));
}

/* The denial log as `log verify` judges it, with the chain head the writer keeps. */
static struct json_object *log_state(const char *log, struct json_object *reasons)
{
	struct json_object *o = json_object_new_object();
	char head[4200], hex[VB_CHAIN_HEX_LEN + 1];
	struct vb_verify v;
	char **files = NULL;
	size_t n = 0;
	int err;

	json_object_object_add(o, "file", json_object_new_string(log));
	err = vb_rotate_list(log, &files, &n);
	if (err || !n) {
		json_object_object_add(o, "present", json_object_new_boolean(false));
		reason(reasons, "no denial log at %s%s%s", log, err ? ": " : "",
		       err ? strerror(-err) : "");
		if (!err)
			vb_rotate_free_list(files, n);
		return o;
	}
	json_object_object_add(o, "present", json_object_new_boolean(true));
	vb_denylog_head_path(log, head, sizeof(head));
	err = vb_log_verify(files, n, access(head, R_OK) ? NULL : head, &v);
	vb_rotate_free_list(files, n);
	if (err) {
		json_object_object_add(o, "intact", NULL);
		reason(reasons, "the denial log could not be verified: %s", v.error);
		return o;
	}
	json_object_object_add(o, "intact", json_object_new_boolean(!v.tampered));
	json_object_object_add(o, "records", json_object_new_uint64(v.records));
	json_object_object_add(o, "last_seq", json_object_new_uint64(v.last_seq));
	vb_hex(v.last_hash, VB_CHAIN_HASH_LEN, hex);
	json_object_object_add(o, "last_hash", v.records ? json_object_new_string(hex) : NULL);
	json_object_object_add(o, "head_matched", v.head_used ?
			       json_object_new_boolean(v.head_matched) : NULL);
	json_object_object_add(o, "lost", json_object_new_uint64(v.lost));
	json_object_object_add(o, "problem", v.tampered ? json_object_new_string(v.problem) : NULL);
	if (v.tampered)
		reason(reasons, "the denial log's chain is broken: %s", v.problem);
	return o;
}

static struct json_object *kernel_state(struct json_object *status)
{
	struct json_object *o = json_object_new_object();
	struct utsname u;

	json_object_object_add(o, "release", uname(&u) ? NULL : json_object_new_string(u.release));
	json_object_object_add(o, "path", json_object_new_string(str_of(status, "kernel_path") ?:
								   "none"));
	json_object_object_add(o, "bpf_in_lsm_list",
			       json_object_new_boolean(bool_of(status, "bpf_in_lsm_list")));
	return o;
}

static void judge(struct json_object *st, const struct vb_policy *p, const struct vb_sweep *s,
		  struct json_object *reasons)
{
	const char *in_force = str_of(st, "policy_sha256");
	char want[65];
	size_t c[4] = {}, all[4] = {};

	if (!bool_of(st, "enforcing"))
		reason(reasons, "not enforcing: %s", str_of(st, "reason") ?: "(no reason given)");
	vb_hex(p->digest, 32, want);
	if (in_force && strcmp(in_force, want))
		reason(reasons, "the policy in force (sha256 %.16s..., version %s) is not %s "
		       "(sha256 %.16s..., version %llu)", in_force,
		       str_of(st, "policy_version") ?: "?", p->file, want,
		       (unsigned long long)p->version);
	for (size_t v = 0; v < p->n_vendors; v++) {
		vb_sweep_count(s, v, c);
		for (int i = 0; i < 4; i++)
			all[i] += c[i];
	}
	if (vb_sweep_found(s))
		reason(reasons, "banned software present: %zu file%s, %zu package%s, %zu "
		       "process%s, %zu module%s", all[0], all[0] == 1 ? "" : "s", all[1],
		       all[1] == 1 ? "" : "s", all[2], all[2] == 1 ? "" : "es", all[3],
		       all[3] == 1 ? "" : "s");
	for (size_t i = 0; i < s->n_incomplete; i++)
		reason(reasons, "the sweep is incomplete: %s", s->incomplete[i]);
}

int vb_attest_statement(const struct vb_attest_opts *o, struct json_object **out, char *why,
			size_t why_len)
{
	struct json_object *st, *reasons, *log, *j;
	struct vb_policy *p = NULL;
	struct vb_diag diag = {};
	struct vb_sweep s = {};
	int err;

	*out = NULL;
	err = vb_policy_load(o->policy, &p, &diag);
	vb_diag_print(&diag, o->policy, stderr);
	vb_diag_free(&diag);
	if (err) {
		snprintf(why, why_len, "policy %s refused: no statement made", o->policy);
		return err;
	}
	err = vb_sweep_run(p, &o->sweep, &s);
	if (err) {
		snprintf(why, why_len, "the sweep failed: %s", strerror(-err));
		goto out;
	}
	st = vb_status_json(o->probe);
	reasons = json_object_new_array();
	judge(st, p, &s, reasons);
	log = log_state(o->log, reasons);
	j = json_object_new_object();
	json_object_object_add(j, "statement",
			       json_object_new_string("vendorban compliance statement"));
	json_object_object_add(j, "format", json_object_new_int(VB_ATTEST_FORMAT));
	json_object_object_add(j, "host", json_object_new_string(s.host));
	json_object_object_add(j, "time", json_object_new_string(s.time));
	json_object_object_add(j, "compliant",
			       json_object_new_boolean(!json_object_array_length(reasons)));
	json_object_object_add(j, "reasons", reasons);
	json_object_object_add(j, "kernel", kernel_state(st));
	json_object_object_add(j, "enforcement", st);
	json_object_object_add(j, "log", log);
	json_object_object_add(j, "sweep", vb_sweep_json(p, &s));
	*out = j;
out:
	vb_sweep_free(&s);
	vb_policy_free(p);
	return err;
}

int vb_attest_row(struct json_object *o, struct vb_attest_row *r)
{
	static const char *const parts[4] = { "files", "packages", "processes", "modules" };
	struct json_object *v, *sweep, *sum, *enf, *pol;
	size_t off = 0;

	memset(r, 0, sizeof(*r));
	if (!json_object_is_type(o, json_type_object) ||
	    strcmp(str_of(o, "statement") ?: "", "vendorban compliance statement") ||
	    !json_object_object_get_ex(o, "format", &v) || json_object_get_int(v) != VB_ATTEST_FORMAT)
		return -EBADMSG;
	r->host = str_of(o, "host") ?: "?";
	r->time = str_of(o, "time") ?: "?";
	r->compliant = bool_of(o, "compliant");
	r->policy_version = -1;
	if (json_object_object_get_ex(o, "enforcement", &enf))
		r->enforcing = bool_of(enf, "enforcing");
	if (json_object_object_get_ex(o, "kernel", &v))
		r->kernel = str_of(v, "release");
	if (json_object_object_get_ex(o, "sweep", &sweep)) {
		if (json_object_object_get_ex(sweep, "policy", &pol)) {
			r->policy_file = str_of(pol, "file");
			if (json_object_object_get_ex(pol, "version", &v) && v)
				r->policy_version = json_object_get_int64(v);
		}
		if (json_object_object_get_ex(sweep, "summary", &sum) &&
		    json_object_is_type(sum, json_type_array))
			for (size_t i = 0; i < json_object_array_length(sum); i++)
				for (int k = 0; k < 4; k++)
					if (json_object_object_get_ex(json_object_array_get_idx(
						sum, i), parts[k], &v) && v)
						r->found[k] += json_object_get_int64(v);
	}
	if (json_object_object_get_ex(o, "reasons", &v) && json_object_is_type(v, json_type_array))
		for (size_t i = 0; i < json_object_array_length(v) && off < sizeof(r->reasons);
		     i++)
			off += snprintf(r->reasons + off, sizeof(r->reasons) - off, "%s%s",
					i ? "; " : "",
					json_object_get_string(json_object_array_get_idx(v, i)));
	return 0;
}
