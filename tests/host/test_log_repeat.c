// SPDX-License-Identifier: GPL-2.0
/*
 * Repeat records, as an auditor meets them: what one says (the attempt it repeats, how many
 * more, when; never a process), and that `log verify`, `summary` and `show` count each repeat
 * as an attempt, so full records + repeats + lost add up to every attempt made.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <json-c/json.h>
#include "kselftest_harness.h"
#include "hostutil.h"
#include "vendorban.h"
#include "log/denylog.h"
#include "log/event.h"
#include "policy/policy.h"

int do_log(int argc, char **argv);

#define SEQ	0x100000006ull	/* past 32 bits: the key keeps the low half only */

static const char policy_text[] =
	"version 3\n"
	"vendor acme \"Acme Corp\"\n"
	"\tpath /opt/acme/ id=acme-dir\n";

static const char *field(struct json_object *o, const char *key)
{
	struct json_object *v;

	if (!json_object_object_get_ex(o, key, &v))
		return "<absent>";
	return v ? json_object_get_string(v) : "<null>";
}

FIXTURE(repeat) {
	struct vb_policy *p;
	struct vb_event_ctx ctx;
	struct vb_flood_rec r;
};

FIXTURE_SETUP(repeat)
{
	struct vb_diag d = {};

	ASSERT_EQ(0, vb_policy_parse("/etc/vendorban/vendorban.policy", policy_text,
				     strlen(policy_text), &self->p, &d));
	vb_diag_free(&d);
	self->ctx.policy = self->p;
	self->ctx.policy_seq = SEQ;
	snprintf(self->ctx.host, sizeof(self->ctx.host), "web-01");
	self->r.key.ino = 4711;
	self->r.key.dev = (8u << 20) | 2;
	self->r.key.uid = 0;
	self->r.key.rule_idx = 0;
	self->r.key.op = VB_OP_EXEC;
	self->r.key.match = VB_MATCH_PATH;
	self->r.key.mode = VB_MODE_ENFORCE;
	self->r.key.denied = 1;
	self->r.key.seq = (__u32)SEQ;
	self->r.count = 2999;
	self->r.first_ns = 1000000000ull;
	self->r.last_ns = 61000000000ull;
}

FIXTURE_TEARDOWN(repeat)
{
	vb_policy_free(self->p);
}

TEST_F(repeat, names_the_attempt_and_how_many_more)
{
	struct json_object *o = vb_repeat_json(&self->ctx, &self->r, "/opt/acme/agent", NULL);

	ASSERT_NE(NULL, o);
	EXPECT_STREQ("repeat", field(o, "action"));
	EXPECT_STREQ("deny", field(o, "of"));
	EXPECT_STREQ("2999", field(o, "count"));
	EXPECT_STREQ("exec", field(o, "operation"));
	EXPECT_STREQ("/opt/acme/agent", field(o, "path"));
	EXPECT_STREQ("8:2", field(o, "dev"));
	EXPECT_STREQ("4711", field(o, "ino"));
	EXPECT_STREQ("acme", field(o, "vendor"));
	EXPECT_STREQ("acme-dir", field(o, "rule"));
	EXPECT_STREQ("/etc/vendorban/vendorban.policy:3", field(o, "rule_source"));
	EXPECT_STREQ("0", field(o, "uid"));
	EXPECT_STREQ("EPERM", field(o, "errno"));
	/* A minute apart, in the record's own time format. */
	EXPECT_EQ(27, (int)strlen(field(o, "first")));
	EXPECT_STRNE(field(o, "first"), field(o, "last"));
	EXPECT_STREQ(field(o, "last"), field(o, "time"));
	/* Many processes: none of them is named. */
	EXPECT_STREQ("<absent>", field(o, "pid"));
	EXPECT_STREQ("<absent>", field(o, "comm"));
	EXPECT_STREQ("<absent>", field(o, "parent_exe"));
	EXPECT_STREQ("<null>", field(o, "sha256"));
	json_object_put(o);
}

TEST_F(repeat, audit_tamper_and_unknown_file)
{
	__u8 sha[VB_SHA256_LEN];
	struct json_object *o;

	memset(sha, 0xab, sizeof(sha));
	self->r.key.denied = 0;
	self->r.key.mode = VB_MODE_AUDIT;
	o = vb_repeat_json(&self->ctx, &self->r, NULL, sha);
	ASSERT_NE(NULL, o);
	EXPECT_STREQ("would-deny", field(o, "of"));
	EXPECT_STREQ("<null>", field(o, "errno"));
	EXPECT_STREQ("true", field(o, "path_is_name_only"));
	EXPECT_EQ(64, (int)strlen(field(o, "sha256")));
	json_object_put(o);

	/* A policy the daemon does not know (seq of neither): the rule is not guessed. */
	self->r.key.seq = 99;
	o = vb_repeat_json(&self->ctx, &self->r, NULL, NULL);
	ASSERT_NE(NULL, o);
	EXPECT_STREQ("<null>", field(o, "rule"));
	json_object_put(o);

	self->r.key.op = VB_OP_TAMPER;
	self->r.key.match = VB_TAMPER_MAP_WRITE;
	self->r.key.rule_idx = 3;
	self->r.key.denied = 1;
	o = vb_repeat_json(&self->ctx, &self->r, "settings", NULL);
	ASSERT_NE(NULL, o);
	EXPECT_STREQ("repeat", field(o, "action"));
	EXPECT_STREQ("tamper", field(o, "operation"));
	EXPECT_STREQ("map-write", field(o, "tried"));
	EXPECT_STREQ("settings", field(o, "target"));
	EXPECT_STREQ("2999", field(o, "count"));
	EXPECT_STREQ("<absent>", field(o, "pid"));
	json_object_put(o);
}

/* Full records, repeats and a gap in a chained log, as the daemon writes them. */
static void write_log(struct __test_metadata *_metadata, const char *log)
{
	static const char *const lines[] = {
		"{\"time\":\"2026-05-01T09:00:00.000000Z\",\"host\":\"h1\",\"action\":\"deny\","
		"\"operation\":\"exec\",\"vendor\":\"acme\",\"rule\":\"acme-dir\","
		"\"path\":\"/opt/acme/agent\",\"uid\":0,\"pid\":10,\"comm\":\"sh\"}",
		"{\"time\":\"2026-05-01T09:00:01.000000Z\",\"host\":\"h1\",\"action\":\"repeat\","
		"\"of\":\"deny\",\"operation\":\"exec\",\"vendor\":\"acme\",\"rule\":\"acme-dir\","
		"\"path\":\"/opt/acme/agent\",\"uid\":0,\"count\":41,"
		"\"first\":\"2026-05-01T09:00:00.100000Z\",\"last\":\"2026-05-01T09:00:01.000000Z\"}",
		"{\"time\":\"2026-05-01T09:00:02.000000Z\",\"host\":\"h1\",\"action\":\"would-deny\","
		"\"operation\":\"exec\",\"vendor\":\"beta\",\"rule\":\"beta-1\","
		"\"path\":\"/opt/beta/run\",\"uid\":1000,\"pid\":11,\"comm\":\"run\"}",
		"{\"time\":\"2026-05-01T09:00:03.000000Z\",\"host\":\"h1\",\"action\":\"repeat\","
		"\"of\":\"would-deny\",\"operation\":\"exec\",\"vendor\":\"beta\","
		"\"rule\":\"beta-1\",\"path\":\"/opt/beta/run\",\"uid\":1000,\"count\":2}",
		"{\"time\":\"2026-05-01T09:00:04.000000Z\",\"host\":\"h1\",\"action\":\"gap\","
		"\"lost\":3,\"reason\":\"kernel ring buffer full\"}",
	};
	struct vb_denylog_opts o = { 0, 0, 30, "", true };
	struct vb_denylog l;

	ASSERT_EQ(0, vb_denylog_open(&l, log, &o));
	for (size_t i = 0; i < sizeof(lines) / sizeof(lines[0]); i++)
		ASSERT_EQ(0, vb_denylog_append(&l, lines[i]));
	vb_denylog_close(&l);
}

TEST(verify_summary_and_show_count_every_attempt)
{
	char dir[] = "/tmp/vb-repeat-XXXXXX", log[64], out[64], *text;
	char *verify[] = { "log", "verify", log, NULL };
	char *summary[] = { "log", "summary", log, NULL };
	char *show[] = { "log", "show", "--action", "repeat", log, NULL };
	struct json_object *o;

	ASSERT_NE(NULL, mkdtemp(dir));
	snprintf(log, sizeof(log), "%s/denials.jsonl", dir);
	snprintf(out, sizeof(out), "%s/out", dir);
	write_log(_metadata, log);

	ASSERT_EQ(0, cli_run(do_log, true, verify, out, "/dev/null"));
	text = slurp(out);
	o = json_tokener_parse(text ?: "");
	ASSERT_NE(NULL, o) TH_LOG("%s", text);
	EXPECT_STREQ("true", field(o, "intact"));
	EXPECT_STREQ("48", field(o, "attempts"));	/* 2 full + 41 + 2 repeats + 3 lost */
	EXPECT_STREQ("2", field(o, "full"));
	EXPECT_STREQ("43", field(o, "repeats"));
	EXPECT_STREQ("2", field(o, "repeat_records"));
	json_object_put(o);
	free(text);

	ASSERT_EQ(0, cli_run(do_log, false, verify, out, "/dev/null"));
	text = slurp(out);
	EXPECT_NE(NULL, strstr(text ?: "", "48 attempts: 2 recorded in full, 43 repeats counted in "
				"2 repeat records, 3 lost\n")) TH_LOG("%s", text);
	free(text);

	ASSERT_EQ(0, cli_run(do_log, true, summary, out, "/dev/null"));
	text = slurp(out);
	o = json_tokener_parse(text ?: "");
	ASSERT_NE(NULL, o) TH_LOG("%s", text);
	EXPECT_STREQ("45", field(o, "denials"));	/* 1 + 41 deny, 1 + 2 would-deny */
	EXPECT_STREQ("3", field(o, "would_deny"));
	json_object_put(o);
	free(text);

	ASSERT_EQ(0, cli_run(do_log, false, show, out, "/dev/null"));
	text = slurp(out);
	EXPECT_STREQ("2026-05-01T09:00:01.000000Z h1 repeat exec acme/acme-dir /opt/acme/agent "
		     "uid=0 count=41 first=2026-05-01T09:00:00.100000Z\n"
		     "2026-05-01T09:00:03.000000Z h1 repeat exec beta/beta-1 /opt/beta/run "
		     "uid=1000 count=2 first=-\n", text ?: "");
	free(text);
	sh("rm -rf '%s'", dir);
}

TEST_HARNESS_MAIN
