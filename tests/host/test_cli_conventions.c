// SPDX-License-Identifier: GPL-2.0
/* What an operator who knows bpftool and fapolicyd expects of the command line: --help and
 * --version at every level, one JSON style, errors as JSON under --json. The real binaries run,
 * as a user runs them. */
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <json-c/json.h>
#include "kselftest_harness.h"
#include "hostutil.h"

FIXTURE(cli)
{
	char vb[PATH_MAX], vbd[PATH_MAX], dir[64], good[128], bad[128];
	char *out, *err;
};

FIXTURE_SETUP(cli)
{
	ASSERT_EQ(0, build_path(self->vb, sizeof(self->vb), "vendorban"));
	ASSERT_EQ(0, build_path(self->vbd, sizeof(self->vbd), "vendorband"));
	strcpy(self->dir, "/tmp/vb-cli.XXXXXX");
	ASSERT_NE(NULL, mkdtemp(self->dir));
	snprintf(self->good, sizeof(self->good), "%s/good.policy", self->dir);
	snprintf(self->bad, sizeof(self->bad), "%s/bad.policy", self->dir);
	ASSERT_EQ(0, sh("printf 'version 3\\nvendor acme \"Acme\"\\n\\tpath /opt/acme/\\n' > %s",
			self->good));
	ASSERT_EQ(0, sh("printf 'version 3\\nvendor acme \"Acme\"\\n\\tpath opt/acme\\n' > %s",
			self->bad));
	self->out = self->err = NULL;
}

FIXTURE_TEARDOWN(cli)
{
	free(self->out);
	free(self->err);
	sh("rm -rf %s", self->dir);
}

#define RUN(...)                                                                                 \
	({                                                                                       \
		free(self->out);                                                                 \
		free(self->err);                                                                 \
		run_capture(&self->out, &self->err, __VA_ARGS__);                                \
	})

/* The version debian/changelog gives, which dpkg gives the package. */
static void changelog_version(char *buf, size_t len)
{
	char *out = NULL, *err = NULL;

	run_capture(&out, &err, "dpkg-parsechangelog -l debian/changelog -S Version");
	snprintf(buf, len, "%s", out ? out : "");
	buf[strcspn(buf, "\n")] = 0;
	free(out);
	free(err);
}

TEST_F(cli, help_at_the_top_lists_every_command)
{
	static const char *const cmds[] = { "status", "policy", "scan", "sweep", "identify",
					    "reload", "log", "install-check", "attest", "disable" };

	for (int h = 0; h < 2; h++) {
		ASSERT_EQ(0, RUN("%s %s", self->vb, h ? "-h" : "--help"));
		EXPECT_STREQ("", self->err);
		EXPECT_EQ(0, strncmp(self->out, "usage: vendorban", 16));
		for (size_t i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++) {
			char line[32];

			snprintf(line, sizeof(line), "\n  %s ", cmds[i]);
			EXPECT_NE(NULL, strstr(self->out, line)) TH_LOG("%s missing", cmds[i]);
		}
	}
	/* Its twin: an unknown word is an error on stderr, exit 2, nothing on stdout. */
	EXPECT_EQ(2, RUN("%s --hlep", self->vb));
	EXPECT_STREQ("", self->out);
	EXPECT_NE(NULL, strstr(self->err, "unknown command '--hlep'"));
}

TEST_F(cli, version_is_the_changelogs)
{
	char want[128], line[160];

	changelog_version(want, sizeof(want));
	ASSERT_NE(0, want[0]);
	snprintf(line, sizeof(line), "vendorban %s\n", want);
	EXPECT_EQ(0, RUN("%s --version", self->vb));
	EXPECT_STREQ(line, self->out);
	snprintf(line, sizeof(line), "vendorband %s\n", want);
	EXPECT_EQ(0, RUN("%s --version", self->vbd));
	EXPECT_STREQ(line, self->out);
	EXPECT_EQ(0, RUN("%s --help", self->vbd));
	EXPECT_EQ(0, strncmp(self->out, "usage: vendorband", 17));
	EXPECT_STREQ("", self->err);
	EXPECT_EQ(2, RUN("%s --bogus", self->vbd));
	EXPECT_STREQ("", self->out);
}

TEST_F(cli, every_command_help_exits_0_on_stdout)
{
	static const char *const cmds[] = {
		"status", "reload", "disable", "scan", "identify", "log", "log show",
		"log verify", "log summary", "log report", "policy", "policy check",
		"policy diff", "policy sign", "policy verify", "install-check", "sweep", "attest",
	};

	for (size_t i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++) {
		EXPECT_EQ(0, RUN("%s %s --help", self->vb, cmds[i])) TH_LOG("%s", cmds[i]);
		EXPECT_EQ(0, strncmp(self->out, "usage:", 6)) TH_LOG("%s: %s", cmds[i], self->out);
		EXPECT_STREQ("", self->err) TH_LOG("%s", cmds[i]);
	}
}

TEST_F(cli, policy_check_help_is_not_a_file)
{
	EXPECT_EQ(0, RUN("%s policy check --help", self->vb));
	EXPECT_NE(NULL, strstr(self->out, "policy check [--strict]"));
	/* After --, it is a file name like any other: there is no such file. */
	EXPECT_EQ(1, RUN("cd %s && %s policy check -- --help", self->dir, self->vb));
	EXPECT_NE(NULL, strstr(self->out, "--help: refused"));
}

TEST_F(cli, policy_check_of_several_files_is_one_json_document)
{
	struct json_tokener *tok = json_tokener_new();
	struct json_object *o, *files, *v;

	EXPECT_EQ(1, RUN("%s --json policy check %s %s", self->vb, self->good, self->bad));
	o = json_tokener_parse_ex(tok, self->out, strlen(self->out));
	ASSERT_NE(NULL, o) TH_LOG("%s", self->out);
	/* Nothing after the document but white space. */
	EXPECT_EQ(strlen(self->out), json_tokener_get_parse_end(tok) +
		  strspn(self->out + json_tokener_get_parse_end(tok), " \n"));
	ASSERT_TRUE(json_object_object_get_ex(o, "files", &files));
	ASSERT_EQ((size_t)2, json_object_array_length(files));
	json_object_object_get_ex(o, "ok", &v);
	EXPECT_FALSE(json_object_get_boolean(v));
	json_object_object_get_ex(json_object_array_get_idx(files, 0), "ok", &v);
	EXPECT_TRUE(json_object_get_boolean(v));
	json_object_object_get_ex(json_object_array_get_idx(files, 1), "ok", &v);
	EXPECT_FALSE(json_object_get_boolean(v));
	json_object_put(o);
	json_tokener_free(tok);

	/* The twin: both accepted, exit 0, "ok": true. */
	EXPECT_EQ(0, RUN("%s --json policy check %s %s", self->vb, self->good, self->good));
	EXPECT_EQ(0, strncmp(self->out, "{\"ok\":true,\"files\":[", 20));
}

TEST_F(cli, compact_by_default_indented_with_pretty)
{
	struct json_object *a, *b;
	char *compact;

	ASSERT_EQ(0, RUN("%s --json policy check %s", self->vb, self->good));
	EXPECT_EQ(NULL, strchr(self->out, ' '));
	EXPECT_EQ('\n', self->out[strlen(self->out) - 1]);
	EXPECT_EQ(NULL, memchr(self->out, '\n', strlen(self->out) - 1));
	compact = strdup(self->out);
	ASSERT_EQ(0, RUN("%s --pretty policy check %s", self->vb, self->good));
	EXPECT_NE(NULL, strstr(self->out, "{\n  \"ok\": true,\n"));
	a = json_tokener_parse(compact);
	b = json_tokener_parse(self->out);
	ASSERT_NE(NULL, a);
	ASSERT_NE(NULL, b);
	EXPECT_TRUE(json_object_equal(a, b));
	json_object_put(a);
	json_object_put(b);
	free(compact);
}

/* bpftool's p_err: the error in the format the script parses, the exit status unchanged. */
TEST_F(cli, errors_are_json_under_json)
{
	struct json_object *o, *e;

	EXPECT_EQ(2, RUN("%s --json disable", self->vb));
	o = json_tokener_parse(self->out);
	ASSERT_NE(NULL, o) TH_LOG("%s", self->out);
	ASSERT_TRUE(json_object_object_get_ex(o, "error", &e));
	EXPECT_STREQ("disable: it stops enforcing: say so with --yes", json_object_get_string(e));
	json_object_put(o);
	/* The twin without --json: the same words on stderr, nothing on stdout. */
	EXPECT_EQ(2, RUN("%s disable", self->vb));
	EXPECT_STREQ("", self->out);
	EXPECT_NE(NULL, strstr(self->err, "vendorban: error: disable: it stops enforcing: say so "
				       "with --yes\n"));

	EXPECT_EQ(2, RUN("%s --json policy diff %s", self->vb, self->good));
	EXPECT_EQ(0, strcmp(self->out, "{\"error\":\"policy diff: needs OLD and NEW\"}\n"));
	EXPECT_EQ(2, RUN("%s --json policy diff %s %s", self->vb, self->good, self->bad));
	o = json_tokener_parse(self->out);
	ASSERT_NE(NULL, o) TH_LOG("%s", self->out);
	ASSERT_TRUE(json_object_object_get_ex(o, "error", &e));
	EXPECT_NE(NULL, strstr(json_object_get_string(e), "bad.policy: refused (1 error)"));
	json_object_put(o);
	EXPECT_EQ(0, RUN("%s --json policy diff %s %s", self->vb, self->good, self->good));
	EXPECT_EQ('{', self->out[0]);
	EXPECT_EQ(NULL, strstr(self->out, "\"error\""));

	/* No command at all, and none under log: the error a script can parse, usage on stderr. */
	EXPECT_EQ(2, RUN("%s --json", self->vb));
	EXPECT_STREQ("{\"error\":\"no command given\"}\n", self->out);
	EXPECT_NE(NULL, strstr(self->err, "usage: vendorban"));
	EXPECT_EQ(2, RUN("%s --json log", self->vb));
	EXPECT_EQ(0, strncmp(self->out, "{\"error\":\"no ", 13)) TH_LOG("%s", self->out);
}

/* disable prints data too: as JSON under --json. Only where nothing is pinned (the host kernel
 * cannot run LSM programs): this must never stop enforcement anywhere. */
TEST_F(cli, disable_says_what_it_did_in_json)
{
	struct json_object *o, *v;

	if (!access("/sys/fs/bpf/vendorban", F_OK) || geteuid())
		SKIP(return, "vendorban is pinned here, or not root: not disabling it in a test");
	EXPECT_EQ(0, RUN("%s --json disable --yes --log %s/log.jsonl", self->vb, self->dir));
	o = json_tokener_parse(self->out);
	ASSERT_NE(NULL, o) TH_LOG("%s / %s", self->out, self->err);
	ASSERT_TRUE(json_object_object_get_ex(o, "enforcing", &v));
	EXPECT_FALSE(json_object_get_boolean(v));
	ASSERT_TRUE(json_object_object_get_ex(o, "was_enforcing", &v));
	EXPECT_FALSE(json_object_get_boolean(v));
	json_object_put(o);
	EXPECT_EQ(0, RUN("%s disable --yes --log %s/log.jsonl", self->vb, self->dir));
	EXPECT_STREQ("vendorban was not enforcing (nothing pinned under /sys/fs/bpf/vendorban)\n",
		     self->out);
}

TEST_HARNESS_MAIN
