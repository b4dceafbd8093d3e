// SPDX-License-Identifier: GPL-2.0
/*
 * What the command line says when it is used wrong: each message names the problem (a missing
 * option argument, a bad size with its minimum, a dangling link with its target), each with
 * its twin that is right. The mains are run as built ($(BUILD)/vendorban, vendorband).
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "hostutil.h"

#define MISSING_ARG	"vendorban: error: identify: option '--policy' needs an argument\n"
#define SIZE_TOO_SMALL	"vendorband: --log-max-size '1K': want a size of at least 64K (K, M or G), " \
			"or 0 for no limit\n"

int do_identify(int argc, char **argv);
int do_policy(int argc, char **argv);

FIXTURE(cli) {
	char dir[64];
	char build[PATH_MAX];
	char out[128], err[128], policy[128], file[128];
	char *text, *errtext;
};

FIXTURE_SETUP(cli)
{
	static const char policy[] = "version 1\nvendor x \"X\"\n\tpath /opt/x/\n";
	ssize_t n = readlink("/proc/self/exe", self->build, sizeof(self->build) - 1);
	char *slash;

	ASSERT_LT(0, n);
	self->build[n] = '\0';
	/* $(BUILD)/tests/host/test_cli_messages -> $(BUILD) */
	for (int i = 0; i < 3; i++) {
		slash = strrchr(self->build, '/');
		ASSERT_NE(NULL, slash);
		*slash = '\0';
	}
	strcpy(self->dir, "/tmp/vb-cli-XXXXXX");
	ASSERT_NE(NULL, mkdtemp(self->dir));
	snprintf(self->out, sizeof(self->out), "%s/out", self->dir);
	snprintf(self->err, sizeof(self->err), "%s/err", self->dir);
	snprintf(self->policy, sizeof(self->policy), "%s/x.policy", self->dir);
	snprintf(self->file, sizeof(self->file), "%s/file", self->dir);
	ASSERT_EQ(0, write_file(self->policy, policy, strlen(policy)));
	ASSERT_EQ(0, write_file(self->file, "a file\n", 7));
}

FIXTURE_TEARDOWN(cli)
{
	free(self->text);
	free(self->errtext);
	if (sh("rm -rf '%s'", self->dir))
		TH_LOG("cleanup of %s failed", self->dir);
}

static int run(struct _test_data_cli *self, int (*cmd)(int, char **), char **argv)
{
	int status = cli_run(cmd, false, argv, self->out, self->err);

	free(self->text);
	free(self->errtext);
	self->text = slurp(self->out) ?: strdup("");
	self->errtext = slurp(self->err) ?: strdup("");
	return status;
}

/* A built program, run in the fixture's directory; its exit status. */
static int run_bin(struct _test_data_cli *self, const char *args)
{
	int status = sh("cd %s && %s/%s >%s 2>%s", self->dir, self->build, args, self->out,
			self->err);

	free(self->text);
	free(self->errtext);
	self->text = slurp(self->out) ?: strdup("");
	self->errtext = slurp(self->err) ?: strdup("");
	return status;
}

TEST_F(cli, policy_alone_prints_its_own_usage)
{
	char *none[] = { "policy", NULL };
	char *help[] = { "policy", "--help", NULL };

	EXPECT_EQ(2, run(self, do_policy, none));
	EXPECT_NE(NULL, strstr(self->errtext, "error: no policy command given\nusage: vendorban "
				"[--json] policy COMMAND [ARGS]\n")) TH_LOG("%s", self->errtext);
	EXPECT_NE(NULL, strstr(self->errtext, "  check [--strict] FILE..."));
	EXPECT_EQ(0, run(self, do_policy, help));
	EXPECT_EQ(0, strncmp(self->text, "usage: vendorban [--json] policy COMMAND", 40));
}

TEST_F(cli, missing_option_argument_is_named)
{
	char *missing[] = { "identify", "--policy", NULL };
	char *given[] = { "identify", "--policy", self->policy, self->file, NULL };

	EXPECT_EQ(2, run(self, do_identify, missing));
	EXPECT_EQ(0, strncmp(self->errtext, MISSING_ARG, strlen(MISSING_ARG)))
		TH_LOG("%s", self->errtext);
	EXPECT_EQ(0, run(self, do_identify, given)) TH_LOG("%s", self->errtext);
	EXPECT_EQ(NULL, strstr(self->errtext, "option"));
}

TEST_F(cli, log_max_size_says_its_minimum)
{
	EXPECT_EQ(2, run_bin(self, "vendorband --log-max-size 1K"));
	EXPECT_EQ(0, strncmp(self->errtext, SIZE_TOO_SMALL, strlen(SIZE_TOO_SMALL)))
		TH_LOG("%s", self->errtext);
	/* The smallest size that is taken: the options are read, then --help answers. */
	EXPECT_EQ(0, run_bin(self, "vendorband --log-max-size 64K --help"))
		TH_LOG("%s", self->errtext);
}

/* After "--" nothing is an option: a file named -j is a file, not --json. */
TEST_F(cli, double_dash_ends_the_options)
{
	char cmd[256];

	ASSERT_EQ(0, sh("cp %s %s/-j", self->file, self->dir));
	snprintf(cmd, sizeof(cmd), "vendorban identify --policy %s -- -j", self->policy);
	EXPECT_EQ(0, run_bin(self, cmd)) TH_LOG("%s", self->errtext);
	EXPECT_EQ(0, strncmp(self->text, "-j\n", 3)) TH_LOG("%s", self->text);
	/* The twin: before "--", -j is --json. */
	snprintf(cmd, sizeof(cmd), "vendorban identify -j --policy %s file", self->policy);
	EXPECT_EQ(0, run_bin(self, cmd)) TH_LOG("%s", self->errtext);
	EXPECT_EQ('[', self->text[0]) TH_LOG("%s", self->text);
}

TEST_F(cli, counts_are_plural_only_when_they_are)
{
	char cmd[256];

	snprintf(cmd, sizeof(cmd), "vendorban policy check %s", self->policy);
	EXPECT_EQ(0, run_bin(self, cmd));
	EXPECT_NE(NULL, strstr(self->text, ": ok: version 1, 1 vendor, 0 sha256 rules, 1 path "
					    "rule\n")) TH_LOG("%s", self->text);
	ASSERT_EQ(0, write_file(self->policy, "version 1\nvendor x \"X\"\n", 23));
	EXPECT_EQ(1, run_bin(self, cmd));
	EXPECT_NE(NULL, strstr(self->text, ": refused (1 error)\n")) TH_LOG("%s", self->text);
}

TEST_F(cli, dangling_link_names_its_target)
{
	char link[160];
	char *argv[] = { "identify", "--policy", self->policy, link, NULL };

	snprintf(link, sizeof(link), "%s/agent", self->dir);
	ASSERT_EQ(0, symlink("/nonexistent/vendor/agent", link));
	EXPECT_EQ(1, run(self, do_identify, argv));
	EXPECT_NE(NULL, strstr(self->errtext, "/agent: dangling symbolic link to "
					       "'/nonexistent/vendor/agent', which does not exist\n"))
		TH_LOG("%s", self->errtext);
	/* The twin: the same link to a file that is there. */
	ASSERT_EQ(0, unlink(link));
	ASSERT_EQ(0, symlink(self->file, link));
	EXPECT_EQ(0, run(self, do_identify, argv)) TH_LOG("%s", self->errtext);
}

TEST_HARNESS_MAIN
