// SPDX-License-Identifier: GPL-2.0
/*
 * Denial records: what an auditor reads for a kernel event, field by field, including the
 * events judged under the policy before a reload and the ones whose strings fill their buffers.
 */
#include <errno.h>
#include <limits.h>
#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <linux/types.h>
#include <json-c/json.h>

#include "kselftest_harness.h"

#include "vendorban.h"
#include "policy/policy.h"
#include "log/event.h"

#define H1	"3a7bd3e2360a3d29eea436fcfb7e44c735d117c42d1c1835420b6b9942dd4f1b"
#define SEQ_CUR		8	/* policy_state.seq of the policy the daemon installed */
#define SEQ_PREV	7	/* the one before the reload */
#define RFC3339_LEN	27	/* 2026-11-23T10:56:00.123456Z */

/* The installed policy; rule_idx: 0 acme-sha256-1 (line 3), 1 acme-dir (4), 2 beta-path-1 (6). */
static const char cur_text[] =
	"version 2026112301\n"
	"vendor acme \"Acme Corp\"\n"
	"\tsha256 " H1 "\n"
	"\tpath /opt/acme/ audit id=acme-dir\n"
	"vendor beta \"Beta \\\"B\\\" Ltd\"\n"
	"\tpath /usr/bin/beta-ctl\n";

/* The policy before the reload: two rules only, so rule_idx 2 exists only in cur_text. */
static const char prev_text[] =
	"version 7\n"
	"vendor old \"Old Vendor\"\n"
	"\tpath /opt/old/ id=old-rule\n"
	"\tsha256 " H1 "\n";

/* A field as a string, or a marker that says why it is not one: comparisons stay readable. */
static const char *field(struct json_object *o, const char *key)
{
	struct json_object *v;

	if (!json_object_object_get_ex(o, key, &v))
		return "<absent>";
	if (!v)
		return "<null>";
	if (!json_object_is_type(v, json_type_string))
		return "<not a string>";
	return json_object_get_string(v);
}

/* A field's JSON type, or -1 when it is absent. */
static int field_type(struct json_object *o, const char *key)
{
	struct json_object *v;

	if (!json_object_object_get_ex(o, key, &v))
		return -1;
	return json_object_get_type(v);
}

static int64_t field_int(struct json_object *o, const char *key)
{
	struct json_object *v;

	if (!json_object_object_get_ex(o, key, &v) || !json_object_is_type(v, json_type_int))
		return INT64_MIN;
	return json_object_get_int64(v);
}

static int field_bool(struct json_object *o, const char *key)
{
	struct json_object *v;

	if (!json_object_object_get_ex(o, key, &v) || !json_object_is_type(v, json_type_boolean))
		return -1;
	return json_object_get_boolean(v);
}

static __u64 boot_ns_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_BOOTTIME, &ts);
	return (__u64)ts.tv_sec * 1000000000ull + ts.tv_nsec;
}

/* Parse our own RFC 3339 output back into microseconds since the epoch; -1 if malformed. */
static long long rfc3339_us(const char *s)
{
	struct tm tm = {};
	long usec;
	char z;

	if (strlen(s) != RFC3339_LEN)
		return -1;
	if (sscanf(s, "%4d-%2d-%2dT%2d:%2d:%2d.%6ld%c", &tm.tm_year, &tm.tm_mon, &tm.tm_mday,
		   &tm.tm_hour, &tm.tm_min, &tm.tm_sec, &usec, &z) != 8 || z != 'Z')
		return -1;
	tm.tm_year -= 1900;
	tm.tm_mon -= 1;
	return (long long)timegm(&tm) * 1000000 + usec;
}

static int is_rfc3339_utc_us(const char *s)
{
	regex_t re;
	int ok;

	if (regcomp(&re, "^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}\\.[0-9]{6}Z$",
		    REG_EXTENDED | REG_NOSUB))
		return 0;
	ok = !regexec(&re, s, 0, NULL, 0);
	regfree(&re);
	return ok;
}

FIXTURE(event) {
	struct vb_policy *cur, *prev;
	struct vb_event_ctx ctx;
	struct vb_event *e;	/* heap, exact size: ASan sees any read past its end */
	struct json_object *o;
};

FIXTURE_SETUP(event)
{
	struct vb_diag d = {};

	ASSERT_EQ(0, vb_policy_parse("/etc/vendorban/current.policy", cur_text, strlen(cur_text),
				     &self->cur, &d));
	vb_diag_free(&d);
	ASSERT_EQ(0, vb_policy_parse("/etc/vendorban/old.policy", prev_text, strlen(prev_text),
				     &self->prev, &d));
	vb_diag_free(&d);
	ASSERT_EQ((size_t)3, self->cur->n_rules);
	ASSERT_EQ((size_t)2, self->prev->n_rules);

	self->ctx.policy = self->cur;
	self->ctx.policy_seq = SEQ_CUR;
	self->ctx.prev_policy = self->prev;
	self->ctx.prev_seq = SEQ_PREV;
	snprintf(self->ctx.host, sizeof(self->ctx.host), "build-07.example.net");

	self->e = malloc(sizeof(*self->e));
	ASSERT_NE(NULL, self->e);
	memset(self->e, 0, sizeof(*self->e));
	/* An enforced exec denial by a content hash, fresh from the kernel. */
	self->e->ktime_ns = boot_ns_now();
	self->e->policy_seq = SEQ_CUR;
	self->e->ino = 1234567;
	self->e->dev = (8u << 20) | 1;
	self->e->pid = 4242;
	self->e->tid = 4243;
	self->e->ppid = 0;		/* no such process: parent_exe is null */
	self->e->uid = 0;
	self->e->rule_idx = 0;
	self->e->ret = -EPERM;
	self->e->op = VB_OP_EXEC;
	self->e->match = VB_MATCH_HASH;
	self->e->mode = VB_MODE_ENFORCE;
	self->e->flags = VB_EV_F_DENIED | VB_EV_F_HAS_SHA256;
	for (int i = 0; i < VB_SHA256_LEN; i++)
		self->e->sha256[i] = 0xa0 + i;
	strcpy(self->e->comm, "agent");
	strcpy(self->e->pcomm, "bash");
	strcpy(self->e->path, "/opt/acme/bin/agent");
}

FIXTURE_TEARDOWN(event)
{
	json_object_put(self->o);
	free(self->e);
	vb_policy_free(self->cur);
	vb_policy_free(self->prev);
}

/* Render self->e; the previous record, if any, is released. */
static struct json_object *render(FIXTURE_DATA(event) *self)
{
	json_object_put(self->o);
	self->o = vb_event_json(&self->ctx, self->e);
	return self->o;
}

#define EXPECT_NO_RULE(o) do { \
	EXPECT_STREQ("<null>", field((o), "vendor")); \
	EXPECT_STREQ("<null>", field((o), "vendor_name")); \
	EXPECT_STREQ("<null>", field((o), "rule")); \
	EXPECT_STREQ("<null>", field((o), "rule_source")); \
	EXPECT_EQ((int)json_type_null, field_type((o), "policy_version")); \
} while (0)

TEST_F(event, enforced_exec_every_field)
{
	static const char *const keys[] = {
		"time", "host", "action", "mode", "operation", "path", "dev", "ino", "sha256",
		"hashed_by", "match", "cached", "vendor", "vendor_name", "rule", "rule_source", "policy_version",
		"pid", "ppid", "uid", "user", "comm", "parent_comm", "parent_exe", "errno",
	};
	struct json_object *o = render(self);
	const char *t;

	ASSERT_NE(NULL, o);
	ASSERT_TRUE(json_object_is_type(o, json_type_object));
	for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
		EXPECT_TRUE(json_object_object_get_ex(o, keys[i], NULL)) TH_LOG("no \"%s\"", keys[i]);
	}
	/* Nothing else: in particular no name-only marker on a full path. */
	EXPECT_EQ(sizeof(keys) / sizeof(keys[0]), (size_t)json_object_object_length(o));
	EXPECT_FALSE(json_object_object_get_ex(o, "path_is_name_only", NULL));

	t = field(o, "time");
	EXPECT_EQ((size_t)RFC3339_LEN, strlen(t));
	EXPECT_TRUE(is_rfc3339_utc_us(t)) TH_LOG("time \"%s\"", t);
	EXPECT_STREQ("build-07.example.net", field(o, "host"));
	EXPECT_STREQ("deny", field(o, "action"));
	EXPECT_STREQ("enforce", field(o, "mode"));
	EXPECT_STREQ("exec", field(o, "operation"));
	EXPECT_STREQ("/opt/acme/bin/agent", field(o, "path"));
	EXPECT_STREQ("8:1", field(o, "dev"));
	EXPECT_EQ(1234567, field_int(o, "ino"));
	EXPECT_STREQ("a0a1a2a3a4a5a6a7a8a9aaabacadaeafb0b1b2b3b4b5b6b7b8b9babbbcbdbebf",
		     field(o, "sha256"));
	EXPECT_STREQ("kernel", field(o, "hashed_by"));
	EXPECT_STREQ("sha256", field(o, "match"));
	EXPECT_EQ(0, field_bool(o, "cached"));
	EXPECT_STREQ("acme", field(o, "vendor"));
	EXPECT_STREQ("Acme Corp", field(o, "vendor_name"));
	EXPECT_STREQ("acme-sha256-1", field(o, "rule"));
	EXPECT_STREQ("/etc/vendorban/current.policy:3", field(o, "rule_source"));
	EXPECT_EQ(2026112301, field_int(o, "policy_version"));
	EXPECT_EQ(4242, field_int(o, "pid"));
	EXPECT_EQ(0, field_int(o, "ppid"));
	EXPECT_EQ(0, field_int(o, "uid"));
	EXPECT_STREQ("root", field(o, "user"));
	EXPECT_STREQ("agent", field(o, "comm"));
	EXPECT_STREQ("bash", field(o, "parent_comm"));
	EXPECT_STREQ("<null>", field(o, "parent_exe"));
	EXPECT_STREQ("EPERM", field(o, "errno"));
}

/* Audit mode: the same file, allowed and logged; no hash, so sha256 is null, not zeros. */
/* The fmod_ret path: the daemon hashed it (fanotify); the record says so, the rest is alike. */
TEST_F(event, daemon_hashed_says_so)
{
	struct json_object *o;

	self->e->flags |= VB_EV_F_DAEMON;
	o = render(self);
	ASSERT_NE(NULL, o);
	EXPECT_STREQ("daemon", field(o, "hashed_by"));
	EXPECT_STREQ("sha256", field(o, "match"));
	EXPECT_STREQ("acme-sha256-1", field(o, "rule"));
	EXPECT_STREQ("deny", field(o, "action"));

	/* No digest, no claim about who computed one. */
	self->e->flags &= ~VB_EV_F_HAS_SHA256;
	o = render(self);
	ASSERT_NE(NULL, o);
	EXPECT_FALSE(json_object_object_get_ex(o, "hashed_by", NULL));
}

TEST_F(event, audit_would_deny)
{
	struct json_object *o;

	self->e->flags = VB_EV_F_CACHED;
	self->e->mode = VB_MODE_AUDIT;
	self->e->ret = 0;
	self->e->match = VB_MATCH_PATH;
	self->e->rule_idx = 1;
	self->e->op = VB_OP_MMAP;
	self->e->uid = 1000;
	o = render(self);
	ASSERT_NE(NULL, o);
	EXPECT_STREQ("would-deny", field(o, "action"));
	EXPECT_STREQ("audit", field(o, "mode"));
	EXPECT_STREQ("mmap", field(o, "operation"));
	EXPECT_STREQ("<null>", field(o, "sha256"));
	EXPECT_STREQ("path", field(o, "match"));
	EXPECT_EQ(1, field_bool(o, "cached"));
	EXPECT_STREQ("acme", field(o, "vendor"));
	EXPECT_STREQ("acme-dir", field(o, "rule"));
	EXPECT_STREQ("/etc/vendorban/current.policy:4", field(o, "rule_source"));
	EXPECT_EQ(1000, field_int(o, "uid"));
	EXPECT_STREQ("<null>", field(o, "errno"));
}

/* The flag decides the action, not the mode: an audit rule can still be denied by another. */
TEST_F(event, action_follows_denied_flag)
{
	self->e->mode = VB_MODE_AUDIT;
	ASSERT_NE(NULL, render(self));
	EXPECT_STREQ("deny", field(self->o, "action"));
	EXPECT_STREQ("audit", field(self->o, "mode"));
	self->e->mode = VB_MODE_ENFORCE;
	self->e->flags &= ~VB_EV_F_DENIED;
	ASSERT_NE(NULL, render(self));
	EXPECT_STREQ("would-deny", field(self->o, "action"));
	EXPECT_STREQ("enforce", field(self->o, "mode"));
}

TEST_F(event, operation_names)
{
	static const struct {
		__u8 op;
		const char *name;
	} ops[] = {
		{ VB_OP_EXEC, "exec" },
		{ VB_OP_MMAP, "mmap" },
		{ VB_OP_MPROTECT, "mprotect" },
		{ VB_OP_MODULE, "module-load" },
		{ VB_OP_SELFTEST, "selftest" },
		{ VB_OP_TAMPER, "tamper" },
		{ 0, "unknown" },
		{ 6, "unknown" },
		{ 255, "unknown" },
	};

	for (size_t i = 0; i < sizeof(ops) / sizeof(ops[0]); i++) {
		self->e->op = ops[i].op;
		EXPECT_STREQ(ops[i].name, vb_op_name(ops[i].op));
		ASSERT_NE(NULL, render(self));
		EXPECT_STREQ(ops[i].name, field(self->o, "operation"));
	}
}

/* An attempt on vendorban itself: what was tried, at what, by whom, and nothing of a file. */
TEST_F(event, tamper_record_names_what_and_who)
{
	static const struct {
		__u8 kind;
		const char *tried;
	} kinds[] = {
		{ VB_TAMPER_MAP_WRITE, "map-write" }, { VB_TAMPER_PIN, "pin-change" },
		{ VB_TAMPER_LINK_FD, "link-fd" }, { VB_TAMPER_SIGNAL, "signal" },
		{ VB_TAMPER_PTRACE, "ptrace" }, { VB_TAMPER_UMOUNT, "umount" },
		{ VB_TAMPER_PROG, "prog-load" }, { VB_TAMPER_ITER, "iterator" },
		{ 0, "unknown" },
	};
	char line[512];

	self->e->op = VB_OP_TAMPER;
	self->e->rule_idx = 9;
	self->e->flags = VB_EV_F_DENIED | VB_EV_F_NAME_ONLY;
	memset(self->e->path, 0, sizeof(self->e->path));
	strcpy(self->e->path, "vendorband");
	for (size_t i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++) {
		self->e->match = kinds[i].kind;
		ASSERT_NE(NULL, render(self));
		EXPECT_STREQ("tamper", field(self->o, "operation"));
		EXPECT_STREQ("deny", field(self->o, "action"));
		EXPECT_STREQ(kinds[i].tried, field(self->o, "tried"));
		EXPECT_EQ((int)json_type_int, field_type(self->o, "detail"));
		EXPECT_STREQ("vendorband", field(self->o, "target"));
		EXPECT_EQ((int)json_type_int, field_type(self->o, "pid"));
		EXPECT_STREQ("agent", field(self->o, "comm"));
		EXPECT_STREQ("EPERM", field(self->o, "errno"));
		EXPECT_STREQ("<absent>", field(self->o, "sha256"));
		EXPECT_STREQ("<absent>", field(self->o, "rule"));
	}
	vb_event_summary(&self->ctx, self->e, line, sizeof(line));
	EXPECT_NE(NULL, strstr(line, "refused tamper (unknown 9 on vendorband) by pid 4242"));
}

TEST_F(event, match_names)
{
	static const struct {
		__u8 match;
		const char *name;
	} m[] = {
		{ VB_MATCH_NONE, "none" },
		{ VB_MATCH_HASH, "sha256" },
		{ VB_MATCH_PATH, "path" },
		{ VB_MATCH_UNVERIFIED, "unverified" },
		{ 200, "none" },
	};

	for (size_t i = 0; i < sizeof(m) / sizeof(m[0]); i++) {
		self->e->match = m[i].match;
		EXPECT_STREQ(m[i].name, vb_match_name(m[i].match));
		ASSERT_NE(NULL, render(self));
		EXPECT_STREQ(m[i].name, field(self->o, "match"));
	}
}

/* dev is the kernel's MAJOR << 20 | MINOR, printed as the user-space "MAJOR:MINOR". */
TEST_F(event, dev_encoding)
{
	static const struct {
		__u32 kdev;
		const char *text;
	} d[] = {
		{ 0, "0:0" },
		{ (8u << 20) | 17, "8:17" },
		{ (259u << 20) | 70000, "259:70000" },	/* nvme partitions: minor > 255 */
		{ (0u << 20) | 45, "0:45" },		/* overlayfs, tmpfs: anonymous devices */
		{ 0xffffffffu, "4095:1048575" },
	};

	for (size_t i = 0; i < sizeof(d) / sizeof(d[0]); i++) {
		self->e->dev = d[i].kdev;
		ASSERT_NE(NULL, render(self));
		EXPECT_STREQ(d[i].text, field(self->o, "dev"));
	}
	self->e->ino = UINT64_MAX >> 1;
	ASSERT_NE(NULL, render(self));
	EXPECT_EQ((int64_t)(UINT64_MAX >> 1), field_int(self->o, "ino"));
}

/* Judged just before a reload, logged just after: named by the policy it was judged under. */
TEST_F(event, previous_policy)
{
	struct json_object *o;

	self->e->policy_seq = SEQ_PREV;
	self->e->rule_idx = 0;
	self->e->match = VB_MATCH_PATH;
	strcpy(self->e->path, "/opt/old/bin/x");
	o = render(self);
	ASSERT_NE(NULL, o);
	EXPECT_STREQ("old", field(o, "vendor"));
	EXPECT_STREQ("Old Vendor", field(o, "vendor_name"));
	EXPECT_STREQ("old-rule", field(o, "rule"));
	EXPECT_STREQ("/etc/vendorban/old.policy:3", field(o, "rule_source"));
	EXPECT_EQ(7, field_int(o, "policy_version"));

	self->e->rule_idx = 1;
	o = render(self);
	ASSERT_NE(NULL, o);
	EXPECT_STREQ("old-sha256-1", field(o, "rule"));
	EXPECT_STREQ("/etc/vendorban/old.policy:4", field(o, "rule_source"));

	/* In range for the current policy, not for the one the event was judged under. */
	self->e->rule_idx = 2;
	o = render(self);
	ASSERT_NE(NULL, o);
	EXPECT_NO_RULE(o);

	/* The current policy's rule 2, for comparison. */
	self->e->policy_seq = SEQ_CUR;
	o = render(self);
	ASSERT_NE(NULL, o);
	EXPECT_STREQ("beta", field(o, "vendor"));
	EXPECT_STREQ("Beta \"B\" Ltd", field(o, "vendor_name"));
	EXPECT_STREQ("beta-path-1", field(o, "rule"));
	EXPECT_STREQ("/etc/vendorban/current.policy:6", field(o, "rule_source"));
}

/* A seq that names neither policy (two reloads in a row): no rule rather than a wrong one. */
TEST_F(event, unknown_policy_seq)
{
	static const __u64 seqs[] = { 0, SEQ_PREV - 1, SEQ_CUR + 1, SEQ_CUR | (1ull << 63) };

	for (size_t i = 0; i < sizeof(seqs) / sizeof(seqs[0]); i++) {
		self->e->policy_seq = seqs[i];
		for (__u32 idx = 0; idx < 3; idx++) {
			self->e->rule_idx = idx;
			ASSERT_NE(NULL, render(self));
			EXPECT_NO_RULE(self->o);
			/* Everything the kernel reported is still there. */
			EXPECT_STREQ("deny", field(self->o, "action"));
			EXPECT_STREQ("/opt/acme/bin/agent", field(self->o, "path"));
		}
	}

	/* No previous policy known (first load): its seq resolves to nothing. */
	self->ctx.prev_policy = NULL;
	self->e->policy_seq = SEQ_PREV;
	self->e->rule_idx = 0;
	ASSERT_NE(NULL, render(self));
	EXPECT_NO_RULE(self->o);

	/* No policy at all. */
	self->ctx.policy = NULL;
	self->e->policy_seq = SEQ_CUR;
	ASSERT_NE(NULL, render(self));
	EXPECT_NO_RULE(self->o);
}

TEST_F(event, rule_idx_none_and_out_of_range)
{
	static const __u32 idx[] = { VB_RULE_NONE, 3, 4, 1000, VB_RULE_NONE - 1, 0x80000000u };

	for (size_t i = 0; i < sizeof(idx) / sizeof(idx[0]); i++) {
		self->e->rule_idx = idx[i];
		ASSERT_NE(NULL, render(self));
		EXPECT_NO_RULE(self->o);
		EXPECT_STREQ("EPERM", field(self->o, "errno"));
	}
	/* The self-test canary: op selftest, no rule. */
	self->e->op = VB_OP_SELFTEST;
	self->e->rule_idx = VB_RULE_NONE;
	ASSERT_NE(NULL, render(self));
	EXPECT_STREQ("selftest", field(self->o, "operation"));
	EXPECT_NO_RULE(self->o);
}

/* The kernel fills path to the last byte when the path is that long: no NUL to stop at. */
TEST_F(event, path_fills_buffer)
{
	char want[VB_EV_PATH_MAX + 1], line[4096], expect[4096];

	memset(self->e->path, 'p', VB_EV_PATH_MAX);
	self->e->path[0] = '/';
	memcpy(want, self->e->path, VB_EV_PATH_MAX);
	want[VB_EV_PATH_MAX] = '\0';
	self->e->flags |= VB_EV_F_PATH_TRUNC;
	ASSERT_NE(NULL, render(self));
	EXPECT_EQ((size_t)VB_EV_PATH_MAX, strlen(field(self->o, "path")));
	EXPECT_STREQ(want, field(self->o, "path"));

	snprintf(expect, sizeof(expect), "denied exec of %s: vendor acme, rule acme-sha256-1 "
		 "(sha256), pid 4242 uid 0 comm agent", want);
	vb_event_summary(&self->ctx, self->e, line, sizeof(line));
	EXPECT_STREQ(expect, line);
}

/*
 * The same event followed by non-NUL bytes, as in a ring buffer where the next record starts
 * right after it: a read past the path would show in the output (ASan sees only redzones).
 */
TEST_F(event, path_fills_buffer_then_more_data)
{
	char want[VB_EV_PATH_MAX + 1], line[4096], expect[4096];
	size_t size = sizeof(struct vb_event) + 64;
	char *raw = malloc(size);
	struct vb_event *e = (struct vb_event *)raw;
	struct json_object *o;

	ASSERT_NE(NULL, raw);
	memset(raw, 'Z', size);
	memcpy(e, self->e, sizeof(*e));
	memset(e->path, 'p', VB_EV_PATH_MAX);
	memset(e->comm, 'c', VB_COMM_LEN);
	memcpy(want, e->path, VB_EV_PATH_MAX);
	want[VB_EV_PATH_MAX] = '\0';

	o = vb_event_json(&self->ctx, e);
	ASSERT_NE(NULL, o);
	EXPECT_STREQ(want, field(o, "path"));
	EXPECT_STREQ("cccccccccccccccc", field(o, "comm"));
	json_object_put(o);
	snprintf(expect, sizeof(expect), "denied exec of %s: vendor acme, rule acme-sha256-1 "
		 "(sha256), pid 4242 uid 0 comm cccccccccccccccc", want);
	vb_event_summary(&self->ctx, e, line, sizeof(line));
	EXPECT_STREQ(expect, line);
	free(raw);
}

/* Bytes after the first NUL are left over from an earlier event on the same buffer. */
TEST_F(event, path_stops_at_nul)
{
	memset(self->e->path, 'x', VB_EV_PATH_MAX);
	memcpy(self->e->path, "/usr/bin/a\0", 11);
	ASSERT_NE(NULL, render(self));
	EXPECT_STREQ("/usr/bin/a", field(self->o, "path"));
}

/* comm is TASK_COMM_LEN bytes and the kernel does not promise a NUL in it. */
TEST_F(event, comm_fills_buffer)
{
	char line[2048];

	memset(self->e->comm, 'C', VB_COMM_LEN);
	memset(self->e->pcomm, 'P', VB_COMM_LEN);
	memset(self->e->path, 'p', VB_EV_PATH_MAX);
	ASSERT_NE(NULL, render(self));
	EXPECT_STREQ("CCCCCCCCCCCCCCCC", field(self->o, "comm"));
	EXPECT_STREQ("PPPPPPPPPPPPPPPP", field(self->o, "parent_comm"));

	vb_event_summary(&self->ctx, self->e, line, sizeof(line));
	EXPECT_NE(NULL, strstr(line, "comm CCCCCCCCCCCCCCCC"));
	/* Ends there: nothing of pcomm (or beyond) leaks in. */
	EXPECT_EQ(0, strcmp(line + strlen(line) - strlen(" CCCCCCCCCCCCCCCC"),
			    " CCCCCCCCCCCCCCCC")) TH_LOG("%s", line);
}

/* Where bpf_d_path cannot run, the kernel sends the file name alone, and says so. */
TEST_F(event, name_only)
{
	self->e->flags |= VB_EV_F_NAME_ONLY;
	self->e->op = VB_OP_MPROTECT;
	self->e->match = VB_MATCH_UNVERIFIED;
	self->e->rule_idx = VB_RULE_NONE;
	strcpy(self->e->path, "libacme.so.1");
	ASSERT_NE(NULL, render(self));
	EXPECT_EQ(1, field_bool(self->o, "path_is_name_only"));
	EXPECT_STREQ("libacme.so.1", field(self->o, "path"));
	EXPECT_STREQ("mprotect", field(self->o, "operation"));
	EXPECT_STREQ("unverified", field(self->o, "match"));
}

/* File names are bytes chosen by whoever made the file: the record must stay one valid object. */
TEST_F(event, hostile_path_round_trips)
{
	static const char path[] = "/tmp/a\"b\\c\nd\x1b[2Je/f,\"vendor\":\"none\"}";
	struct json_object *back, *v;
	const char *text;

	strcpy(self->e->path, path);
	strcpy(self->e->comm, "x\"y\n");
	ASSERT_NE(NULL, render(self));
	text = json_object_to_json_string_ext(self->o, JSON_C_TO_STRING_PLAIN |
						       JSON_C_TO_STRING_NOSLASHESCAPE);
	ASSERT_NE(NULL, text);
	EXPECT_EQ(NULL, strchr(text, '\n'));	/* one record, one line */
	back = json_tokener_parse(text);
	ASSERT_NE(NULL, back);
	EXPECT_STREQ(path, field(back, "path"));
	EXPECT_STREQ("x\"y\n", field(back, "comm"));
	EXPECT_STREQ("acme", field(back, "vendor"));
	ASSERT_TRUE(json_object_object_get_ex(back, "rule", &v));
	EXPECT_STREQ("acme-sha256-1", json_object_get_string(v));
	json_object_put(back);
}

/*
 * The format allows versions up to 2^64 - 1, and overlayfs with xino puts the layer in the top
 * bits of st_ino: both must print as the unsigned numbers they are, never negative.
 */
TEST_F(event, u64_fields_unsigned)
{
	static const char text[] = "version 18446744073709551615\nvendor a \"A\"\npath /a\n";
	struct vb_diag d = {};
	const char *json;

	vb_policy_free(self->cur);
	self->cur = NULL;
	ASSERT_EQ(0, vb_policy_parse("big.policy", text, strlen(text), &self->cur, &d));
	vb_diag_free(&d);
	self->ctx.policy = self->cur;
	self->e->ino = 0x8000000000000001ull;
	ASSERT_NE(NULL, render(self));
	EXPECT_STREQ("a-path-1", field(self->o, "rule"));
	json = json_object_to_json_string_ext(self->o, JSON_C_TO_STRING_PLAIN);
	ASSERT_NE(NULL, json);
	EXPECT_NE(NULL, strstr(json, "\"policy_version\":18446744073709551615,"))
		TH_LOG("%s", json);
	EXPECT_NE(NULL, strstr(json, "\"ino\":9223372036854775809,")) TH_LOG("%s", json);
}

TEST_F(event, user_and_parent_exe)
{
	char exe[PATH_MAX];
	ssize_t n;

	/* A live parent: its executable is read from /proc when the event is logged. */
	n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	ASSERT_LT(0, n);
	exe[n] = '\0';
	self->e->ppid = getpid();
	self->e->uid = 4000000000u;	/* no such user */
	ASSERT_NE(NULL, render(self));
	EXPECT_STREQ(exe, field(self->o, "parent_exe"));
	EXPECT_EQ(4000000000ll, field_int(self->o, "uid"));
	EXPECT_STREQ("<null>", field(self->o, "user"));
}

TEST_F(event, errno_names)
{
	self->e->ret = -EPERM;
	ASSERT_NE(NULL, render(self));
	EXPECT_STREQ("EPERM", field(self->o, "errno"));
	self->e->ret = -EACCES;
	ASSERT_NE(NULL, render(self));
	EXPECT_STREQ("EACCES", field(self->o, "errno"));
	self->e->ret = 0;
	ASSERT_NE(NULL, render(self));
	EXPECT_STREQ("<null>", field(self->o, "errno"));
	self->e->ret = -100000;		/* no such errno: null, not a made-up name */
	ASSERT_NE(NULL, render(self));
	EXPECT_STREQ("<null>", field(self->o, "errno"));
}

TEST_F(event, summary)
{
	char line[2048];

	vb_event_summary(&self->ctx, self->e, line, sizeof(line));
	EXPECT_STREQ("denied exec of /opt/acme/bin/agent: vendor acme, rule acme-sha256-1 (sha256), "
		     "pid 4242 uid 0 comm agent", line);

	self->e->flags = 0;
	self->e->op = VB_OP_MMAP;
	self->e->match = VB_MATCH_PATH;
	self->e->rule_idx = 1;
	self->e->uid = 1000;
	strcpy(self->e->path, "/opt/acme/lib/libx.so");
	vb_event_summary(&self->ctx, self->e, line, sizeof(line));
	EXPECT_STREQ("would deny mmap of /opt/acme/lib/libx.so: vendor acme, rule acme-dir (path), "
		     "pid 4242 uid 1000 comm agent", line);

	self->e->policy_seq = SEQ_PREV;
	self->e->rule_idx = 0;
	vb_event_summary(&self->ctx, self->e, line, sizeof(line));
	EXPECT_STREQ("would deny mmap of /opt/acme/lib/libx.so: vendor old, rule old-rule (path), "
		     "pid 4242 uid 1000 comm agent", line);

	self->e->policy_seq = SEQ_CUR + 5;
	vb_event_summary(&self->ctx, self->e, line, sizeof(line));
	EXPECT_STREQ("would deny mmap of /opt/acme/lib/libx.so: vendor ?, rule ? (path), "
		     "pid 4242 uid 1000 comm agent", line);
}

/* A short buffer truncates; it is never written past. */
TEST_F(event, summary_short_buffer)
{
	char *line = malloc(17);

	ASSERT_NE(NULL, line);
	vb_event_summary(&self->ctx, self->e, line, 17);
	EXPECT_STREQ("denied exec of /", line);
	free(line);
}

TEST(boot_ns_to_rfc3339_now)
{
	struct timespec real;
	char buf[64];
	long long us, now_us;

	vb_boot_ns_to_rfc3339(boot_ns_now(), buf, sizeof(buf));
	clock_gettime(CLOCK_REALTIME, &real);
	ASSERT_TRUE(is_rfc3339_utc_us(buf)) TH_LOG("\"%s\"", buf);
	us = rfc3339_us(buf);
	ASSERT_LT(0, us);
	now_us = (long long)real.tv_sec * 1000000 + real.tv_nsec / 1000;
	EXPECT_GE(3000000, llabs(now_us - us)) TH_LOG("%s is %lld us from now", buf, now_us - us);
}

/* Differences in boot time are differences in wall time, down to the microsecond. */
TEST(boot_ns_to_rfc3339_offsets)
{
	__u64 b = boot_ns_now();
	char t0[64], t1[64], t2[64];
	long long d;

	vb_boot_ns_to_rfc3339(b, t0, sizeof(t0));
	vb_boot_ns_to_rfc3339(b + 1500000, t1, sizeof(t1));		/* 1.5 ms later */
	vb_boot_ns_to_rfc3339(b + 3 * 86400 * 1000000000ull, t2, sizeof(t2));	/* 3 days */
	d = rfc3339_us(t1) - rfc3339_us(t0);
	EXPECT_GE(100, llabs(d - 1500)) TH_LOG("%s -> %s: %lld us", t0, t1, d);
	d = rfc3339_us(t2) - rfc3339_us(t0);
	EXPECT_GE(100, llabs(d - 3 * 86400 * 1000000ll)) TH_LOG("%s -> %s: %lld us", t0, t2, d);

	/* An event from long ago (boot_ns 0: the moment of boot) is still a valid time. */
	vb_boot_ns_to_rfc3339(0, t0, sizeof(t0));
	EXPECT_TRUE(is_rfc3339_utc_us(t0)) TH_LOG("\"%s\"", t0);
	EXPECT_GE(rfc3339_us(t1), rfc3339_us(t0));
}

TEST(boot_ns_to_rfc3339_short_buffer)
{
	char *buf = malloc(11);

	ASSERT_NE(NULL, buf);
	vb_boot_ns_to_rfc3339(boot_ns_now(), buf, 11);
	EXPECT_EQ((size_t)10, strlen(buf));	/* the date, cut; nothing written past */
	EXPECT_EQ('-', buf[4]);
	free(buf);
}

TEST_HARNESS_MAIN
