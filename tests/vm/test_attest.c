// SPDX-License-Identifier: GPL-2.0
/*
 * The directive's "report" step on a host that enforces: `vendorban attest` proves the ban in
 * force (status with its canaries), finds nothing banned in a clean tree, checks the denial
 * log's chain, and says COMPLIANT in a statement that verifies; a banned file in the tree
 * makes the next statement NOT COMPLIANT, saying so. Runs last, with a daemon on test.policy.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include "kselftest_harness.h"
#include "vmutil.h"

#define KEY	VB "attest/host.key"	/* made on the host by tests/vm/mkpayload.sh */
#define CERT	VB "attest/host.pem"
#define STMT	"/tmp/host.cms"
#define CLEAN	"/tmp/attest-clean"
#define DIRTY	"/tmp/attest-dirty"

static int run(const char *fmt, const char *arg, char *out, size_t len)
{
	char cmd[1024];
	size_t n = 0;
	FILE *p;
	int rc;

	snprintf(cmd, sizeof(cmd), fmt, arg);
	p = popen(cmd, "r");
	if (!p)
		return -1;
	if (out) {
		n = fread(out, 1, len - 1, p);
		out[n] = 0;
	} else {
		while (fgetc(p) != EOF)
			;
	}
	rc = pclose(p);
	return WIFEXITED(rc) ? WEXITSTATUS(rc) : -1;
}

#define ATTEST VB "vendorban attest --policy " VB "test.policy --key " KEY " --cert " CERT \
	" -o " STMT " --skip packages,processes,modules --no-cache %s 2>&1"

FIXTURE(attest) {
	int dummy;
};

FIXTURE_SETUP(attest)
{
	mkdir(CLEAN, 0755);
	mkdir(DIRTY, 0755);
	if (daemon_pid() <= 0) {
		ASSERT_EQ(0, stop_daemon_with(SIGTERM));
		ASSERT_EQ(0, start_daemon_with("--policy /vb/test.policy",
					       "/tmp/vendorband-attest.log"));
	}
}

FIXTURE_TEARDOWN(attest)
{
}

TEST_F(attest, enforcing_clean_host_is_compliant_and_verifies)
{
	char out[8192];

	ASSERT_EQ(0, access(KEY, R_OK)) TH_LOG("the payload has no host key");
	EXPECT_EQ(0, run(ATTEST, CLEAN, out, sizeof(out))) TH_LOG("%s", out);
	EXPECT_NE(NULL, strstr(out, "COMPLIANT"));
	EXPECT_EQ(0, run(VB "vendorban attest verify --ca " CERT " %s", STMT, out, sizeof(out)))
		TH_LOG("%s", out);
	EXPECT_NE(NULL, strstr(out, ": COMPLIANT\n")) TH_LOG("%s", out);
	EXPECT_EQ(0, run(VB "vendorban --json attest verify --ca " CERT " %s | grep -q "
			 "'\"enforcing\":true'", STMT, NULL, 0));
	EXPECT_EQ(0, run(VB "vendorban --json attest verify --ca " CERT " %s | grep -q "
			 "'\"verified_by_canary\":true'", STMT, NULL, 0));
}

TEST_F(attest, banned_file_makes_it_not_compliant)
{
	char out[8192], cmd[256];

	snprintf(cmd, sizeof(cmd), "cp %s %s/agent", BANNED, DIRTY);
	ASSERT_EQ(0, system(cmd));
	EXPECT_EQ(1, run(ATTEST, DIRTY, out, sizeof(out))) TH_LOG("%s", out);
	/* Verified (exit 0): the statement is intact and trusted; what it says is the verdict. */
	EXPECT_EQ(0, run(VB "vendorban attest verify --ca " CERT " %s", STMT, out, sizeof(out)));
	EXPECT_NE(NULL, strstr(out, "NOT COMPLIANT: banned software present: 1 file"))
		TH_LOG("%s", out);
}

TEST_HARNESS_MAIN
