// SPDX-License-Identifier: GPL-2.0
/*
 * Install refusals in the chained log, as an auditor reads them: `vendorban install-check`
 * refuses a banned vendor's package and hands the record to the running daemon, which writes
 * it into the chain (log/spool.h); a refusal made while no daemon runs is written when the
 * next one starts. The packages are real .deb files (tests/vm/mkpayload.sh, dpkg-deb); the
 * hooks themselves are tested on the host (tests/host/test_install.c), against apt and dpkg.
 */
#include <errno.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include "kselftest_harness.h"
#include "vmutil.h"

#define DEBS		VB "debs/"
#define BANNED_DEB	DEBS "opt-acme_1.0_all.deb"	/* installs /opt/acme/bin/run */
#define ALLOWED_DEB	DEBS "other-tool_1.0_all.deb"
#define SPOOL		"/var/lib/vendorban/spool"

static int install_check(const char *deb)
{
	char cmd[512];
	int st;

	snprintf(cmd, sizeof(cmd), VB "vendorban install-check --policy " VB "test.policy %s "
		 ">/tmp/install-check.out 2>&1", deb);
	st = system(cmd);
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

static bool install_of(struct json_object *rec, void *arg)
{
	return !strcmp(field(rec, "operation") ?: "", "install") &&
	       !strcmp(field(rec, "package") ?: "", arg);
}

static int spooled(void)
{
	int st = system("exit $(ls " SPOOL " 2>/dev/null | grep -c '\\.json$')");

	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

/* The daemon removes a spooled record right after writing it: give it a moment. */
static int spooled_after_drain(void)
{
	int n = spooled();

	for (int i = 0; i < 20 && n > 0; i++) {
		usleep(100000);
		n = spooled();
	}
	return n;
}

static int log_verify(void)
{
	int st = system(VB "vendorban log verify > /tmp/install-verify.out 2>&1");

	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

FIXTURE(install) {
	int dummy;
};

FIXTURE_SETUP(install)
{
	ASSERT_EQ(0, stop_daemon_with(SIGTERM));
	ASSERT_EQ(0, start_daemon_with("--policy " VB "test.policy",
				       "/tmp/vendorband-install.log"));
}

FIXTURE_TEARDOWN(install)
{
}

TEST_F(install, refusal_is_written_into_the_chain_by_the_daemon)
{
	long from = log_size();
	struct json_object *rec;

	ASSERT_EQ(1, install_check(BANNED_DEB)) TH_LOG("install-check did not refuse");
	EXPECT_TRUE(file_contains("/tmp/install-check.out", "refused: package opt-acme 1.0"));
	rec = find_record_where(install_of, "opt-acme", from, 50);
	ASSERT_NE(NULL, rec) TH_LOG("no install record within 5 s");
	EXPECT_STREQ("deny", field(rec, "action"));
	EXPECT_STREQ("acme", field(rec, "vendor"));
	EXPECT_STREQ("acme-path-1", field(rec, "rule"));
	EXPECT_STREQ("path prefix", field(rec, "match"));
	EXPECT_STREQ("/opt/acme/bin/run", field(rec, "file"));
	EXPECT_STREQ(BANNED_DEB, field(rec, "archive"));
	EXPECT_NE(NULL, field(rec, "seq"));
	json_object_put(rec);
	EXPECT_EQ(0, spooled_after_drain());
	EXPECT_EQ(0, log_verify());
	EXPECT_TRUE(file_contains("/tmp/install-verify.out", "chain intact"));

	/* The twin: allowed, and nothing recorded for it. */
	EXPECT_EQ(0, install_check(ALLOWED_DEB));
	usleep(600000);
	rec = find_record_where(install_of, "other-tool", from, 1);
	EXPECT_EQ(NULL, rec);
	json_object_put(rec);
}

TEST_F(install, refusal_while_no_daemon_runs_is_written_at_its_start)
{
	long from = log_size();
	struct json_object *rec;

	ASSERT_EQ(0, stop_daemon_with(SIGTERM));
	ASSERT_EQ(1, install_check(BANNED_DEB));
	EXPECT_EQ(1, spooled());
	rec = find_record_where(install_of, "opt-acme", from, 1);
	EXPECT_EQ(NULL, rec) TH_LOG("written with no daemon running: a second chain writer");
	json_object_put(rec);

	ASSERT_EQ(0, start_daemon_with("--policy " VB "test.policy",
				       "/tmp/vendorband-install.log"));
	rec = find_record_where(install_of, "opt-acme", from, 50);
	ASSERT_NE(NULL, rec) TH_LOG("the waiting record was not written at start");
	EXPECT_STREQ("acme-path-1", field(rec, "rule"));
	json_object_put(rec);
	EXPECT_EQ(0, spooled_after_drain());
	EXPECT_EQ(0, log_verify());
}

TEST_HARNESS_MAIN
