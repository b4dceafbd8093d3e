// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <unistd.h>
#include <sys/uio.h>
#include <libaudit.h>
#include <systemd/sd-journal.h>
#include "log/chain.h"
#include "log/forward.h"
#include "util/msg.h"

/*
 * The audit record type is AUDIT_USER_AVC: an access decision made for the kernel's sake by
 * a user-space enforcer, as AppArmor's D-Bus mediation and SELinux object managers send
 * theirs. People who look for denials run `ausearch -m AVC,USER_AVC` and `aureport --avc`,
 * and auparse files it as a "mac-decision"; and the kernel records USER_AVC even with
 * auditing disabled (auditctl -e 0), where AUDIT_USER and AUDIT_TRUSTED_APP messages are
 * dropped (kernel/audit.c, audit_receive_msg).
 */
#define VB_AUDIT_TYPE	AUDIT_USER_AVC

/* Record fields copied to the journal as VENDORBAN_<NAME>. */
static const char *const journal_keys[][2] = {
	{ "time", "TIME" }, { "action", "ACTION" }, { "mode", "MODE" },
	{ "operation", "OP" }, { "vendor", "VENDOR" }, { "vendor_name", "VENDOR_NAME" },
	{ "rule", "RULE" }, { "rule_source", "RULE_SOURCE" },
	{ "policy_version", "POLICY_VERSION" }, { "path", "PATH" }, { "dev", "DEV" },
	{ "ino", "INO" }, { "sha256", "SHA256" }, { "match", "MATCH" }, { "uid", "UID" },
	{ "user", "USER" }, { "pid", "PID" }, { "ppid", "PPID" }, { "comm", "COMM" },
	{ "parent_exe", "PARENT_EXE" }, { "errno", "ERRNO" }, { "lost", "LOST" },
	{ "reason", "REASON" },
};

static bool is_gap(struct json_object *rec)
{
	const char *a = vb_rec_str(rec, "action");

	return a && !strcmp(a, "gap");
}

static bool forwarded(struct json_object *rec)
{
	const char *a = vb_rec_str(rec, "action");

	return a && (!strcmp(a, "deny") || !strcmp(a, "would-deny") || !strcmp(a, "gap"));
}

static int priority(struct json_object *rec)
{
	const char *a = vb_rec_str(rec, "action");

	if (a && !strcmp(a, "gap"))
		return LOG_ERR;
	return a && !strcmp(a, "deny") ? LOG_WARNING : LOG_NOTICE;
}

/* A field's value as text: strings as they are, numbers and booleans in JSON. NULL if null. */
static const char *value_text(struct json_object *rec, const char *key)
{
	struct json_object *v;

	if (!json_object_object_get_ex(rec, key, &v) || !v)
		return NULL;
	if (json_object_is_type(v, json_type_string))
		return json_object_get_string(v);
	return json_object_to_json_string_ext(v, JSON_C_TO_STRING_PLAIN);
}

struct out {
	char *buf;
	size_t len, used;
	bool full;
};

static void put(struct out *o, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (o->full)
		return;
	va_start(ap, fmt);
	n = vsnprintf(o->buf + o->used, o->len - o->used, fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= o->len - o->used)
		o->full = true;
	else
		o->used += n;
}

/* name="value", or name=HEX where the value has anything auparse would split on: spaces,
 * quotes, control bytes, and '=' (a path holding " uid=0" must not read as a uid field). */
static void audit_field(struct out *o, const char *name, const char *value)
{
	size_t n = value ? strlen(value) : 0;
	char *hex;

	if (!value) {
		put(o, " %s=?", name);
		return;
	}
	if (!audit_value_needs_encoding(value, n) && !strchr(value, '=')) {
		put(o, " %s=\"%s\"", name, value);
		return;
	}
	hex = malloc(2 * n + 1);
	if (!hex) {
		o->full = true;
		return;
	}
	audit_encode_value(hex, value, n);
	put(o, " %s=%s", name, hex);
	free(hex);
}

int vb_forward_audit_text(struct json_object *rec, uint64_t seq, const uint8_t *hash, char *buf,
			  size_t len)
{
	struct out o = { buf, len, 0, false };
	char hex[VB_CHAIN_HEX_LEN + 1];
	const char *a = vb_rec_str(rec, "action");

	/* uid first: ausearch -ui takes the first uid= after the header's, and the values after
	 * it are the denied process's, not the daemon's. */
	put(&o, "op=%s", a && strchr(a, ' ') == NULL ? a : "?");
	if (is_gap(rec)) {
		put(&o, " lost=%" PRId64, vb_rec_int(rec, "lost", 0));
		audit_field(&o, "reason", vb_rec_str(rec, "reason"));
	} else {
		put(&o, " uid=%" PRId64 " pid=%" PRId64, vb_rec_int(rec, "uid", -1),
		    vb_rec_int(rec, "pid", -1));
		audit_field(&o, "operation", vb_rec_str(rec, "operation"));
		audit_field(&o, "vendor", vb_rec_str(rec, "vendor"));
		audit_field(&o, "rule", vb_rec_str(rec, "rule"));
		audit_field(&o, "path", vb_rec_str(rec, "path"));
		audit_field(&o, "sha256", vb_rec_str(rec, "sha256"));
		audit_field(&o, "match", vb_rec_str(rec, "match"));
		/* Not "mode": auparse reads that as a file mode. */
		audit_field(&o, "policy_mode", vb_rec_str(rec, "mode"));
		audit_field(&o, "comm", vb_rec_str(rec, "comm"));
	}
	if (seq) {
		vb_hex(hash, VB_CHAIN_HASH_LEN, hex);
		put(&o, " seq=%" PRIu64 " hash=%s", seq, hex);
	} else {
		put(&o, " seq=? hash=?");
	}
	return o.full ? -ENOSPC : 0;
}

/* RFC 5424 PARAM-VALUE: '"', '\' and ']' escaped; control bytes as \xHH (kept on one line). */
static void sd_param(struct out *o, const char *name, const char *value)
{
	if (!value)
		return;
	put(o, " %s=\"", name);
	for (; *value && !o->full; value++) {
		unsigned char c = *value;

		if (c == '"' || c == '\\' || c == ']')
			put(o, "\\%c", c);
		else if (c < 0x20 || c == 0x7f)
			put(o, "\\x%02x", c);
		else
			put(o, "%c", c);
	}
	put(o, "\"");
}

int vb_forward_syslog_text(struct json_object *rec, uint64_t seq, const uint8_t *hash,
			   const char *message, char *buf, size_t len)
{
	struct out o = { buf, len, 0, false };
	char hex[VB_CHAIN_HEX_LEN + 1], num[32];

	put(&o, "[" VB_SD_ID);
	if (seq) {
		snprintf(num, sizeof(num), "%" PRIu64, seq);
		vb_hex(hash, VB_CHAIN_HASH_LEN, hex);
		sd_param(&o, "seq", num);
		sd_param(&o, "hash", hex);
	}
	for (size_t i = 0; i < sizeof(journal_keys) / sizeof(journal_keys[0]); i++) {
		const char *k = journal_keys[i][0];

		/* The long and derived ones stay in the log and the journal. */
		if (!strcmp(k, "rule_source") || !strcmp(k, "parent_exe") || !strcmp(k, "dev") ||
		    !strcmp(k, "ino") || !strcmp(k, "vendor_name"))
			continue;
		sd_param(&o, k, value_text(rec, k));
	}
	put(&o, "] ");
	for (const char *m = message ? message : ""; *m && !o.full; m++)
		put(&o, (unsigned char)*m < 0x20 ? "\\x%02x" : "%c", (unsigned char)*m);
	return o.full ? -ENOSPC : 0;
}

void vb_forward_free_fields(char **fields, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(fields[i]);
	free(fields);
}

int vb_forward_journal_fields(struct json_object *rec, uint64_t seq, const uint8_t *hash,
			      const char *message, char ***fields, size_t *n)
{
	size_t cap = sizeof(journal_keys) / sizeof(journal_keys[0]) + 8, k = 0;
	char **f = calloc(cap, sizeof(*f)), hex[VB_CHAIN_HEX_LEN + 1];
	bool ok = f;

	if (ok) {
		ok &= asprintf(&f[k++], "MESSAGE=%s", message ? message : "") > 0;
		ok &= asprintf(&f[k++], "PRIORITY=%d", priority(rec)) > 0;
		ok &= asprintf(&f[k++], "SYSLOG_IDENTIFIER=" VB_SYSLOG_IDENT) > 0;
		ok &= asprintf(&f[k++], "SYSLOG_FACILITY=%d", LOG_AUTHPRIV >> 3) > 0;
		ok &= asprintf(&f[k++], "MESSAGE_ID=%s", is_gap(rec) ? VB_MSGID_GAP :
			       VB_MSGID_DENIAL) > 0;
	}
	if (ok && seq) {
		vb_hex(hash, VB_CHAIN_HASH_LEN, hex);
		ok &= asprintf(&f[k++], "VENDORBAN_SEQ=%" PRIu64, seq) > 0;
		ok &= asprintf(&f[k++], "VENDORBAN_HASH=%s", hex) > 0;
	}
	for (size_t i = 0; ok && i < sizeof(journal_keys) / sizeof(journal_keys[0]); i++) {
		const char *v = value_text(rec, journal_keys[i][0]);

		if (v)
			ok &= asprintf(&f[k++], "VENDORBAN_%s=%s", journal_keys[i][1], v) > 0;
	}
	if (!ok) {
		vb_forward_free_fields(f, k);
		return -ENOMEM;
	}
	*fields = f;
	*n = k;
	return 0;
}

int vb_forward_open(struct vb_forward *f, unsigned int flags, const char *host)
{
	memset(f, 0, sizeof(*f));
	f->flags = flags;
	f->audit_fd = -1;
	snprintf(f->host, sizeof(f->host), "%s", host ? host : "");
	/* journald takes structured fields; without it, syslog(3) gets them in the message. */
	f->journal = (flags & VB_FWD_SYSLOG) && !access(VB_JOURNAL_SOCKET, W_OK);
	if (!(flags & VB_FWD_AUDIT))
		return 0;
	/* libaudit reports its own failures on stderr and syslog unless told not to: we report
	 * them, once. */
	set_aumessage_mode(MSG_QUIET, DBG_NO);
	f->audit_fd = audit_open();
	if (f->audit_fd < 0) {
		vb_warn("the Linux audit subsystem is not available (%s): denials are not sent to "
			"it (they are in the denial log%s)", strerror(errno),
			flags & VB_FWD_SYSLOG ? " and the journal" : "");
		f->audit_reported = true;
		f->audit_fd = -1;
	}
	return 0;
}

static void to_audit(struct vb_forward *f, struct json_object *rec, uint64_t seq,
		     const uint8_t *hash)
{
	char msg[VB_AUDIT_MSG_MAX];
	int rc;

	if (!(f->flags & VB_FWD_AUDIT))
		return;
	if (f->audit_fd < 0) {
		f->audit_errors++;
		return;
	}
	if (vb_forward_audit_text(rec, seq, hash, msg, sizeof(msg))) {
		f->audit_errors++;
		return;
	}
	/* result 0 (res=failed): the access was refused. */
	rc = audit_log_user_message(f->audit_fd, VB_AUDIT_TYPE, msg, f->host[0] ? f->host : NULL,
				    NULL, NULL, 0);
	if (rc > 0) {
		f->sent_audit++;
		return;
	}
	/* libaudit hides "nobody listens" and "not allowed" as 0: both mean not recorded. */
	f->audit_errors++;
	if (!f->audit_reported) {
		f->audit_reported = true;
		vb_warn("the audit subsystem did not take a denial (%s): counted; the denial log "
			"has it (without CAP_AUDIT_WRITE, or in a container, audit refuses)",
			rc < 0 ? strerror(-rc) : "refused or not listening");
	}
}

static void to_syslog(struct vb_forward *f, struct json_object *rec, uint64_t seq,
		      const uint8_t *hash, const char *message)
{
	char buf[8192];

	if (vb_forward_syslog_text(rec, seq, hash, message, buf, sizeof(buf)))
		snprintf(buf, sizeof(buf), "%s", message ? message : "");
	syslog(LOG_AUTHPRIV | priority(rec), "%s", buf);
	f->sent_syslog++;
}

void vb_forward_record(struct vb_forward *f, struct json_object *rec, uint64_t seq,
		       const uint8_t *hash, const char *message)
{
	if (!forwarded(rec))
		return;
	if (f->flags & VB_FWD_SYSLOG) {
		char **fields;
		size_t n;
		int rc = -ENOENT;

		if (f->journal && !vb_forward_journal_fields(rec, seq, hash, message, &fields, &n)) {
			struct iovec iov[64];

			for (size_t i = 0; i < n && i < 64; i++)
				iov[i] = (struct iovec){ fields[i], strlen(fields[i]) };
			rc = sd_journal_sendv(iov, n < 64 ? n : 64);
			vb_forward_free_fields(fields, n);
			if (rc >= 0)
				f->sent_journal++;
			else
				f->journal_errors++;
			if (rc < 0 && !f->journal_reported) {
				f->journal_reported = true;
				vb_warn("journald refused a denial (%s): sending to syslog instead",
					strerror(-rc));
			}
		}
		if (rc < 0)
			to_syslog(f, rec, seq, hash, message);
	}
	to_audit(f, rec, seq, hash);
}

void vb_forward_close(struct vb_forward *f)
{
	if (f->audit_fd >= 0)
		audit_close(f->audit_fd);
	f->audit_fd = -1;
}
