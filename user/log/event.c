// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <stdlib.h>
#include <limits.h>
#include <pwd.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include "util/hex.h"
#include "log/event.h"
#include "log/pathview.h"
#include "util/readfile.h"
#include "identify/decompress.h"
#include "identify/elf.h"
#include "identify/evidence.h"
#include "identify/modsig.h"

#define MODULE_READ_MAX	(64u << 20)	/* module files read back for a denial record */

const char *vb_op_name(__u8 op)
{
	switch (op) {
	case VB_OP_EXEC:
		return "exec";
	case VB_OP_MMAP:
		return "mmap";
	case VB_OP_MPROTECT:
		return "mprotect";
	case VB_OP_MODULE:
		return "module-load";
	case VB_OP_SELFTEST:
		return "selftest";
	case VB_OP_TAMPER:
		return "tamper";
	default:
		return "unknown";
	}
}

const char *vb_tamper_name(__u8 kind)
{
	switch (kind) {
	case VB_TAMPER_MAP_WRITE:
		return "map-write";
	case VB_TAMPER_PIN:
		return "pin-change";
	case VB_TAMPER_LINK_FD:
		return "link-fd";
	case VB_TAMPER_SIGNAL:
		return "signal";
	case VB_TAMPER_PTRACE:
		return "ptrace";
	case VB_TAMPER_UMOUNT:
		return "umount";
	case VB_TAMPER_PROG:
		return "prog-load";
	case VB_TAMPER_ITER:
		return "iterator";
	default:
		return "unknown";
	}
}

const char *vb_match_name(__u8 match)
{
	switch (match) {
	case VB_MATCH_HASH:
		return "sha256";
	case VB_MATCH_PATH:
		return "path";
	case VB_MATCH_UNVERIFIED:
		return "unverified";
	case VB_MATCH_FILE:
		return "scan";
	case VB_MATCH_SIGNER:
		return "signer";
	case VB_MATCH_MODULE_NAME:
		return "module-name";
	case VB_MATCH_UNSIGNED:
		return "unsigned";
	case VB_MATCH_COMPRESSED:
		return "compressed-unvetted";
	case VB_MATCH_BUFFER_LOAD:
		return "init-module";
	default:
		return "none";
	}
}

void vb_boot_ns_to_rfc3339(__u64 boot_ns, char *buf, size_t len)
{
	struct timespec boot, real;
	__s64 ns;
	time_t sec;
	struct tm tm;

	/* Both clocks read back to back: the offset is good to microseconds. */
	clock_gettime(CLOCK_BOOTTIME, &boot);
	clock_gettime(CLOCK_REALTIME, &real);
	ns = (__s64)real.tv_sec * 1000000000 + real.tv_nsec -
	     ((__s64)boot.tv_sec * 1000000000 + boot.tv_nsec) + (__s64)boot_ns;
	sec = ns / 1000000000;
	gmtime_r(&sec, &tm);
	snprintf(buf, len, "%04d-%02d-%02dT%02d:%02d:%02d.%06ldZ", tm.tm_year + 1900,
		 tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec,
		 (long)(ns % 1000000000) / 1000);
}

static const struct vb_policy *event_policy(const struct vb_event_ctx *ctx,
					   const struct vb_event *e)
{
	if (ctx->policy && (e->policy_seq == ctx->policy_seq ||
			    (ctx->policy_seq_early && e->policy_seq == ctx->policy_seq_early)))
		return ctx->policy;
	if (ctx->prev_policy && e->policy_seq == ctx->prev_seq)
		return ctx->prev_policy;
	return NULL;
}

static const struct vb_rule *event_rule(const struct vb_event_ctx *ctx, const struct vb_event *e)
{
	const struct vb_policy *p = event_policy(ctx, e);

	/* rule_idx indexes the policy the event was judged under; only that one can name it. */
	if (!p || e->rule_idx == VB_RULE_NONE || e->rule_idx >= p->n_rules)
		return NULL;
	return &p->rules[e->rule_idx];
}


static void add_str(struct json_object *o, const char *k, const char *v)
{
	json_object_object_add(o, k, v ? json_object_new_string(v) : NULL);
}

static void add_int(struct json_object *o, const char *k, int64_t v)
{
	json_object_object_add(o, k, json_object_new_int64(v));
}

static const char *hash_algo_name(__u8 oid_last)
{
	/* 2.16.840.1.101.3.4.2.N */
	switch (oid_last) {
	case 1:
		return "sha256";
	case 2:
		return "sha384";
	case 3:
		return "sha512";
	case 4:
		return "sha224";
	default:
		return NULL;
	}
}

/*
 * What the kernel saw of a module is the signer's key (serial or SKID, and a hash of the
 * issuer). A signer rule names the issuer in full; otherwise, where the kernel judged the file
 * before reading it (hash, path, scan), the file is read back here for its signature.
 */
static void module_from_file(const char *path, struct vb_evidence *ev)
{
	uint8_t *raw = NULL, *plain = NULL;
	size_t len, plain_len;
	const char *fmt;

	if (path[0] != '/' || vb_read_file(path, MODULE_READ_MAX, (char **)&raw, &len))
		return;
	if (!vb_decompress(raw, len, VB_DECOMPRESS_MAX_DEFAULT, &plain, &plain_len, &fmt)) {
		vb_modsig_read(plain, plain_len, ev);
		vb_elf_read(plain, plain_len, ev);
	} else {
		vb_modsig_read(raw, len, ev);
		vb_elf_read(raw, len, ev);
	}
	free(plain);
	free(raw);
}

static void add_module(struct json_object *o, const struct vb_event_ctx *ctx,
		       const struct vb_event *e, const struct vb_rule *r, const char *path)
{
	const struct vb_module_info *mi = &e->module;
	struct json_object *m = json_object_new_object(), *sg;
	struct vb_evidence *ev = NULL;
	const struct vb_signer *s = NULL;
	char name[VB_MODULE_NAME_MAX + 1], hex[2 * VB_SIGNER_ID_MAX + 1];

	if (!m)
		return;
	memcpy(name, mi->name, VB_MODULE_NAME_MAX);
	name[VB_MODULE_NAME_MAX] = 0;
	add_str(m, "load", mi->load == 2 ? "init_module" : "finit_module");
	if (!mi->signer.kind && e->op == VB_OP_MODULE && mi->load != 2) {
		const char *known = path[0] == '/' ? path : NULL;

		if (!known && ctx->scanned_path)
			known = ctx->scanned_path(ctx->scanned_arg, e->dev, e->ino);
		ev = calloc(1, sizeof(*ev));
		if (ev && known)
			module_from_file(known, ev);
		if (ev && !name[0])
			snprintf(name, sizeof(name), "%.*s", VB_MODULE_NAME_MAX, ev->modinfo.name);
		if (ev && ev->n_signers)
			s = &ev->signers[0];
	}
	add_str(m, "name", name[0] ? name : NULL);
	sg = json_object_new_object();
	if (s) {
		add_str(sg, "issuer", s->issuer[0] ? s->issuer : NULL);
		add_str(sg, "serial", s->serial[0] ? s->serial : NULL);
		add_str(sg, "skid", s->skid[0] ? s->skid : NULL);
		add_str(sg, "hash_algo", s->hash_algo[0] ? s->hash_algo : NULL);
	} else if (mi->signer.kind) {
		bool serial = mi->signer.kind == VB_SIGNER_ISSUER_SERIAL;

		vb_hex(mi->signer.id, mi->signer.len, hex);
		add_str(sg, "issuer", serial && r && r->ident && r->ident->has_issuer_serial ?
				      r->ident->issuer : NULL);
		add_str(sg, "serial", serial ? hex : NULL);
		add_str(sg, "skid", serial ? NULL : hex);
		add_str(sg, "hash_algo", hash_algo_name(mi->hash_oid_last));
	} else {
		json_object_put(sg);
		sg = NULL;
	}
	json_object_object_add(m, "signer", sg);
	json_object_object_add(o, "module", m);
	free(ev);
}

/* Who did it, as every record says it. */
static void add_actor(struct json_object *o, const struct vb_event *e)
{
	char buf[VB_COMM_LEN + 1];
	struct passwd *pw;

	add_int(o, "pid", e->pid);
	add_int(o, "ppid", e->ppid);
	add_int(o, "uid", e->uid);
	pw = getpwuid(e->uid);
	add_str(o, "user", pw ? pw->pw_name : NULL);
	memcpy(buf, e->comm, VB_COMM_LEN);
	buf[VB_COMM_LEN] = 0;
	add_str(o, "comm", buf);
	memcpy(buf, e->pcomm, VB_COMM_LEN);
	buf[VB_COMM_LEN] = 0;
	add_str(o, "parent_comm", buf);
}

/* An attempt on vendorban itself (bpf/guard.bpf.h): what was tried, at what, by whom. */
static struct json_object *tamper_json(const struct vb_event_ctx *ctx, const struct vb_event *e)
{
	struct json_object *o = json_object_new_object();
	char buf[64], target[VB_COMM_LEN + 1];

	if (!o)
		return NULL;
	vb_boot_ns_to_rfc3339(e->ktime_ns, buf, sizeof(buf));
	add_str(o, "time", buf);
	add_str(o, "host", ctx->host);
	add_str(o, "action", "deny");
	add_str(o, "operation", "tamper");
	add_str(o, "tried", vb_tamper_name(e->match));
	/* The signal, the MAY_* or ptrace mode, the link id, the fd's FMODE_*. */
	json_object_object_add(o, "detail", json_object_new_uint64(e->rule_idx));
	memcpy(target, e->path, VB_COMM_LEN);
	target[VB_COMM_LEN] = 0;
	add_str(o, "target", target[0] ? target : NULL);
	add_actor(o, e);
	add_str(o, "errno", strerrorname_np(-e->ret));
	return o;
}

/* A file a path rule matched by its directory's identity, as the daemon sees it (the rule's
 * own path is the daemon's): NULL when that is the caller's path too, or is not found. */
static const char *identity_view(const struct vb_event *e, const struct vb_rule *r,
				 const char *path)
{
	const char *view;

	if (e->match != VB_MATCH_PATH || !(e->flags & VB_EV_F_PATH_IDENT) || !r ||
	    r->kind != VB_RULE_PATH)
		return NULL;
	view = vb_pathview_find(r->path, e->dev, e->ino);
	return view && strcmp(view, path) ? view : NULL;
}

struct json_object *vb_event_json(const struct vb_event_ctx *ctx, const struct vb_event *e)
{
	const struct vb_policy *p = event_policy(ctx, e);
	const struct vb_rule *r = event_rule(ctx, e);
	const struct vb_vendor *v = r ? vb_rule_vendor(p, r) : NULL;
	struct json_object *o = json_object_new_object();
	char buf[PATH_MAX + 16], link[64], path[VB_EV_PATH_MAX + 1];
	const char *view;
	ssize_t n;

	if (e->op == VB_OP_TAMPER) {
		json_object_put(o);
		return tamper_json(ctx, e);
	}
	if (!o)
		return NULL;
	vb_boot_ns_to_rfc3339(e->ktime_ns, buf, sizeof(buf));
	add_str(o, "time", buf);
	add_str(o, "host", ctx->host);
	add_str(o, "action", (e->flags & VB_EV_F_DENIED) ? "deny" : "would-deny");
	add_str(o, "mode", e->mode == VB_MODE_AUDIT ? "audit" : "enforce");
	add_str(o, "operation", vb_op_name(e->op));
	memcpy(path, e->path, VB_EV_PATH_MAX);
	path[VB_EV_PATH_MAX] = 0;
	view = identity_view(e, r, path);
	add_str(o, "path", view ?: path);
	/* The caller's name for it, where it differs: a bind mount, a chroot, a namespace. */
	if (view)
		add_str(o, "caller_path", path);
	if (e->flags & VB_EV_F_NAME_ONLY)
		json_object_object_add(o, "path_is_name_only", json_object_new_boolean(1));
	snprintf(buf, sizeof(buf), "%u:%u", e->dev >> 20, e->dev & 0xfffff);
	add_str(o, "dev", buf);
	json_object_object_add(o, "ino", json_object_new_uint64(e->ino));
	if (e->flags & VB_EV_F_HAS_SHA256) {
		vb_hex(e->sha256, VB_SHA256_LEN, buf);
		add_str(o, "sha256", buf);
		/* The fmod_ret path hashes in the daemon (fanotify): say where the digest came from. */
		add_str(o, "hashed_by", (e->flags & VB_EV_F_DAEMON) ? "daemon" : "kernel");
	} else {
		add_str(o, "sha256", NULL);
	}
	add_str(o, "match", vb_match_name(e->match));
	/* Which way a path rule matched: by the identity of the directory it names (whatever the
	 * caller called the file: a bind mount, a chroot, another mount namespace), or by name. */
	if (e->match == VB_MATCH_PATH && e->op != VB_OP_SELFTEST)
		add_str(o, "path_match", (e->flags & VB_EV_F_PATH_IDENT) ? "identity" : "name");
	json_object_object_add(o, "cached", json_object_new_boolean(!!(e->flags & VB_EV_F_CACHED)));
	/* Judged after it ran: no one could judge it then (fmod_ret path, daemon/content.c). */
	if (e->flags & VB_EV_F_UNJUDGED)
		json_object_object_add(o, "ran_unjudged", json_object_new_boolean(1));
	add_str(o, "vendor", v ? v->id : NULL);
	add_str(o, "vendor_name", v ? v->name : NULL);
	add_str(o, "rule", r ? r->id : NULL);
	if (r) {
		snprintf(buf, sizeof(buf), "%s:%u", p->file, r->line);
		add_str(o, "rule_source", buf);
		json_object_object_add(o, "policy_version", json_object_new_uint64(p->version));
	} else {
		add_str(o, "rule_source", NULL);
		json_object_object_add(o, "policy_version", NULL);
	}
	add_actor(o, e);
	/* Read now, not in the kernel: the parent usually outlives the refused child. */
	snprintf(link, sizeof(link), "/proc/%u/exe", e->ppid);
	n = readlink(link, buf, sizeof(buf) - 1);
	if (n > 0)
		buf[n] = 0;
	add_str(o, "parent_exe", n > 0 ? buf : NULL);
	add_str(o, "errno", e->ret ? strerrorname_np(-e->ret) : NULL);
	if (e->op == VB_OP_MODULE)
		add_module(o, ctx, e, r, path);
	return o;
}

void vb_event_summary(const struct vb_event_ctx *ctx, const struct vb_event *e, char *buf,
		      size_t len)
{
	const struct vb_rule *r = event_rule(ctx, e);
	const struct vb_vendor *v = r ? vb_rule_vendor(event_policy(ctx, e), r) : NULL;
	char comm[VB_COMM_LEN + 1];

	memcpy(comm, e->comm, VB_COMM_LEN);
	comm[VB_COMM_LEN] = 0;
	if (e->op == VB_OP_TAMPER) {
		snprintf(buf, len, "refused tamper (%s %u on %.*s) by pid %u uid %u comm %s",
			 vb_tamper_name(e->match), e->rule_idx, VB_COMM_LEN, e->path, e->pid,
			 e->uid, comm);
		return;
	}
	snprintf(buf, len, "%s %s of %.*s: vendor %s, rule %s (%s), pid %u uid %u comm %s",
		 (e->flags & VB_EV_F_DENIED) ? "denied" : "would deny", vb_op_name(e->op),
		 VB_EV_PATH_MAX, e->path, v ? v->id : "?", r ? r->id : "?",
		 vb_match_name(e->match), e->pid, e->uid, comm);
}

/* The full 64-bit seq a flood key's low 32 bits are of: the policy in force's, or the one
 * before it (a reload while attempts were being counted). */
static __u64 key_seq(const struct vb_event_ctx *ctx, __u32 lo)
{
	const __u64 cand[] = { ctx->policy_seq, ctx->policy_seq_early, ctx->prev_seq };

	for (size_t i = 0; i < sizeof(cand) / sizeof(cand[0]); i++)
		if (cand[i] && (__u32)cand[i] == lo)
			return cand[i];
	return 0;
}

struct json_object *vb_repeat_json(const struct vb_event_ctx *ctx, const struct vb_flood_rec *r,
				   const char *path, const __u8 *sha256)
{
	const struct vb_flood_key *k = &r->key;
	struct vb_event e = {
		.ktime_ns = r->last_ns,
		.policy_seq = key_seq(ctx, k->seq),
		.ino = k->ino,
		.dev = k->dev,
		.uid = k->uid,
		.rule_idx = k->rule_idx,
		.op = k->op,
		.match = k->match,
		.mode = k->mode,
		.flags = (k->denied ? VB_EV_F_DENIED : 0) | (sha256 ? VB_EV_F_HAS_SHA256 : 0),
	};
	static const char *const actor[] = { "pid", "ppid", "comm", "parent_comm", "parent_exe",
					     "cached", "path_match", "caller_path" };
	struct json_object *o;
	char buf[64];

	if (k->denied)
		e.ret = k->match == VB_MATCH_UNVERIFIED && k->op != VB_OP_TAMPER ? -EACCES : -EPERM;
	if (path)
		snprintf(e.path, sizeof(e.path), "%s", path);
	else
		e.flags |= VB_EV_F_NAME_ONLY;
	if (sha256)
		memcpy(e.sha256, sha256, VB_SHA256_LEN);
	o = vb_event_json(ctx, &e);
	if (!o)
		return NULL;
	/* Repeats have no one process: who they were is in the full record before them. */
	for (size_t i = 0; i < sizeof(actor) / sizeof(actor[0]); i++)
		json_object_object_del(o, actor[i]);
	add_str(o, "action", "repeat");
	add_str(o, "of", k->denied ? "deny" : "would-deny");
	json_object_object_add(o, "count", json_object_new_uint64(r->count));
	vb_boot_ns_to_rfc3339(r->first_ns, buf, sizeof(buf));
	add_str(o, "first", buf);
	vb_boot_ns_to_rfc3339(r->last_ns, buf, sizeof(buf));
	add_str(o, "last", buf);
	return o;
}
