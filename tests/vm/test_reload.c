// SPDX-License-Identifier: GPL-2.0
/*
 * Policy reloads, inside the VM, after test_exec (which leaves vendorban disabled). This file
 * starts its own daemon on /vb/reload.policy.
 *
 * The switch between policies must be atomic: with an exec loop running during many reloads,
 * not one banned exec gets through and not one allowed exec is refused.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include "kselftest_harness.h"
#include "vmutil.h"

#define RELOAD_POLICY	VB "reload.policy"
#define PATH_BANNED	"/opt/reload/agent"
#define RELOADS		12

/* Rules the next write_policy() adds (a test sets it, and clears it after). */
static const char *extra_rules = "";

/* Every reload adds filler hashes, so each switch installs a really different rule set. */
static int write_policy(unsigned int version, const char *audited_opt)
{
	char banned[65], audited[65], *text, *p;
	int err;

	if (sha256_file_hex(BANNED, banned) || sha256_file_hex(AUDITED, audited))
		return -1;
	text = malloc(4096 + version * 80 + strlen(extra_rules));
	if (!text)
		return -1;
	p = text + sprintf(text,
			   "version %u\n"
			   "vendor acme \"ACME Banned Corp\"\n"
			   "\tsha256 %s\n"
			   "\tsha256 %s %s id=acme-watched\n"
			   "\tpath /opt/reload/\n",
			   version, banned, audited, audited_opt);
	for (unsigned int i = 0; i < version; i++)
		p += sprintf(p, "\tsha256 %060x%04x\n", version, i);
	strcpy(p, extra_rules);
	err = write_text(RELOAD_POLICY ".tmp", text);
	free(text);
	if (!err)
		err = rename(RELOAD_POLICY ".tmp", RELOAD_POLICY);
	return err;
}

static int start_daemon(void)
{
	return start_daemon_with("--policy " RELOAD_POLICY, "/tmp/vendorband-reload.log");
}

static int reload_to(unsigned int version, const char *audited_opt)
{
	if (write_policy(version, audited_opt) || kill(daemon_pid(), SIGHUP))
		return -1;
	for (int i = 0; i < 200; i++) {
		if (status_policy_version() == (int)version)
			return 0;
		usleep(50000);
	}
	return -1;
}

/* One fixture for every test, so that they run in the order written: each goes on from the
 * state the one before left (the daemon, its policy, signed or not). */
FIXTURE(reload) {
	int unused;
};

FIXTURE_SETUP(reload)
{
}

FIXTURE_TEARDOWN(reload)
{
}

TEST_F(reload, daemon_starts_on_reload_policy)
{
	mkdir("/opt", 0755);
	mkdir("/opt/reload", 0755);
	ASSERT_EQ(0, copy_file(ALLOWED, PATH_BANNED));
	ASSERT_EQ(0, write_policy(1, "audit"));
	ASSERT_EQ(0, start_daemon());
	EXPECT_EQ(1, status_policy_version());
}

/* A vendor that enforces, with one rule being watched before it blocks. */
TEST_F(reload, per_rule_audit_mode)
{
	struct json_object *rec;

	EXPECT_RAN(probe_execve(AUDITED, NULL, NULL), "rule in audit mode");
	EXPECT_DENIED(probe_execve(BANNED, NULL, NULL), "same vendor, enforcing rule");
	rec = find_record(AUDITED, "exec", "would-deny", 10);
	ASSERT_NE(NULL, rec);
	EXPECT_STREQ("audit", field(rec, "mode"));
	EXPECT_STREQ("acme-watched", field(rec, "rule"));
	json_object_put(rec);

	/* The staff promote the rule: the same file is now refused. */
	ASSERT_EQ(0, reload_to(2, "enforce"));
	EXPECT_DENIED(probe_execve(AUDITED, NULL, NULL), "rule promoted to enforce");
	rec = find_record(AUDITED, "exec", "deny", 10);
	ASSERT_NE(NULL, rec);
	EXPECT_STREQ("acme-watched", field(rec, "rule"));
	EXPECT_EQ(2, strtol(field(rec, "policy_version") ?: "0", NULL, 10));
	json_object_put(rec);
}

struct loop_result {
	int banned_ran, banned_refused, banned_other;
	int allowed_ran, allowed_other;
	int rounds;
};

/* Exec the banned and the allowed program in turn until told to stop. */
static void exec_loop(volatile int *stop, struct loop_result *out)
{
	const char *banned = lsm_path() ? BANNED : PATH_BANNED;

	while (!*stop) {
		struct probe b = probe_execve(banned, NULL, NULL);
		struct probe a = probe_execve(ALLOWED, NULL, NULL);

		if (b.outcome == PROBE_RAN)
			out->banned_ran++;
		else if (DENIED_EPERM(b))
			out->banned_refused++;
		else
			out->banned_other++;
		if (a.outcome == PROBE_RAN)
			out->allowed_ran++;
		else
			out->allowed_other++;
		out->rounds++;
	}
}

/* Twelve reloads, each rehashing what the loop execs, under TCG on a shared host: more than the
 * harness's default 30 s when the host is busy. */
TEST_F_TIMEOUT(reload, reload_under_exec_loop_is_atomic, 150)
{
	struct loop_result *res;
	volatile int *stop;
	pid_t pid;
	int done = 0;

	/* Shared with the looping child, which reports into it. */
	res = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, res);
	memset(res, 0, 4096);
	stop = (volatile int *)(res + 1);
	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0) {
		exec_loop(stop, res);
		_exit(0);
	}
	for (unsigned int v = 3; v < 3 + RELOADS; v++)
		done += reload_to(v, "enforce") == 0;
	usleep(300000);
	*stop = 1;
	waitpid(pid, NULL, 0);
	TH_LOG("%d reloads during %d rounds: banned refused %d, ran %d, other %d; "
	       "allowed ran %d, other %d", done, res->rounds, res->banned_refused,
	       res->banned_ran, res->banned_other, res->allowed_ran, res->allowed_other);
	EXPECT_EQ(RELOADS, done);
	EXPECT_LT(RELOADS, res->rounds);	/* the loop really ran across the reloads */
	EXPECT_EQ(0, res->banned_ran);
	EXPECT_EQ(0, res->banned_other);
	EXPECT_EQ(0, res->allowed_other);
	EXPECT_EQ(res->rounds, res->banned_refused);
	EXPECT_EQ(res->rounds, res->allowed_ran);
	munmap(res, 4096);
}

/* What configuration management does: write the file into place, send no signal. */
TEST_F(reload, dropped_in_policy_is_picked_up_without_a_signal)
{
	const char *victim = lsm_path() ? BANNED : PATH_BANNED;
	int i;

	ASSERT_EQ(0, write_policy(15, "enforce"));	/* renamed into place */
	for (i = 0; i < 100 && status_policy_version() != 15; i++)
		usleep(100000);
	EXPECT_EQ(15, status_policy_version());
	EXPECT_DENIED(probe_execve(victim, NULL, NULL), "after the drop-in");
	EXPECT_RAN(probe_execve(ALLOWED, NULL, NULL), "allowed, after the drop-in");
}

/* The operator's command: it waits for the outcome and prints the reasons of a refusal. */
TEST_F(reload, reload_command_reports_the_outcome)
{
	FILE *f;
	int rc;

	ASSERT_EQ(0, write_policy(16, "enforce"));
	f = fopen(RELOAD_POLICY, "a");
	ASSERT_NE(NULL, f);
	fputs("\tsha256 12345\n", f);	/* line 22: 5 lines, 16 filler hashes, then this */
	fclose(f);
	rc = system("/vb/vendorban reload > /tmp/reload-bad.out 2>&1");
	EXPECT_EQ(1, WEXITSTATUS(rc));
	EXPECT_TRUE(file_contains("/tmp/reload-bad.out",
				  "/vb/reload.policy:22:9: error: sha256 must be 64 hex digits"));
	EXPECT_TRUE(file_contains("/tmp/reload-bad.out",
				  "refused: policy version 15 stays in force"));
	EXPECT_EQ(15, status_policy_version());

	ASSERT_EQ(0, write_policy(16, "enforce"));
	rc = system("/vb/vendorban reload > /tmp/reload-good.out 2>&1");
	EXPECT_EQ(0, WEXITSTATUS(rc));
	EXPECT_TRUE(file_contains("/tmp/reload-good.out", "reloaded: policy version 16 in force"));
	EXPECT_EQ(16, status_policy_version());
}

static int count_in_file(const char *path, const char *needle)
{
	char line[4096];
	FILE *f = fopen(path, "r");
	int n = 0;

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		n += strstr(line, needle) != NULL;
	fclose(f);
	return n;
}

/* A rename and a SIGHUP right after it (an edit, then `vendorban reload`) is one change: one
 * load, not one for the signal and another for the file watch (with a million rules each load
 * took 11 s and the second doubled the daemon's memory). */
TEST_F(reload, rename_then_signal_loads_once)
{
	ASSERT_EQ(0, reload_to(17, "enforce"));
	usleep(1500000);	/* three times the watch's settle time: any second load is done */
	EXPECT_EQ(1, count_in_file("/tmp/vendorband-reload.log", "policy version 17 in force"));
	/* The twin: a change after that load is still picked up by the watch alone. */
	ASSERT_EQ(0, write_policy(18, "enforce"));
	for (int i = 0; i < 100 && status_policy_version() != 18; i++)
		usleep(100000);
	EXPECT_EQ(18, status_policy_version());
}

/* Each path rule whose directory exists holds an fd in the daemon (kernel/pathid.c): more of
 * them than the soft open-file limit (1024 here, as under systemd) still load. */
TEST_F(reload, path_rules_beyond_the_soft_fd_limit_load)
{
	const int n = 2000;
	struct rlimit rl;
	char dir[64], *rules, *p;

	ASSERT_EQ(0, getrlimit(RLIMIT_NOFILE, &rl));
	if (rl.rlim_cur > (rlim_t)n || rl.rlim_max < (rlim_t)n + 1024)
		SKIP(return, "open-file limits %llu/%llu: the test needs soft < %d < hard",
		     (unsigned long long)rl.rlim_cur, (unsigned long long)rl.rlim_max, n);
	mkdir("/tmp/manypaths", 0755);
	rules = malloc(n * 48);
	ASSERT_NE(NULL, rules);
	p = rules;
	for (int i = 0; i < n; i++) {
		snprintf(dir, sizeof(dir), "/tmp/manypaths/d%04d", i);
		ASSERT_EQ(0, mkdir(dir, 0755) && errno != EEXIST ? -1 : 0);
		p += sprintf(p, "\tpath %s/\n", dir);
	}
	extra_rules = rules;
	EXPECT_EQ(0, reload_to(19, "enforce"));
	extra_rules = "";
	free(rules);
	EXPECT_EQ(19, status_policy_version());
	EXPECT_DENIED(probe_execve(PATH_BANNED, NULL, NULL), "under the policy of 2000 path rules");
	EXPECT_RAN(probe_execve(ALLOWED, NULL, NULL), "allowed, under that policy");
}

static int install_signed(const char *name, bool with_sig)
{
	char src[128];

	snprintf(src, sizeof(src), VB "signed/%s.policy", name);
	if (copy_file(src, VB "signed.policy"))
		return -1;
	unlink(VB "signed.policy.sig");
	if (!with_sig)
		return 0;
	snprintf(src, sizeof(src), VB "signed/%s.policy.sig", name);
	return copy_file(src, VB "signed.policy.sig");
}

/* A refused policy leaves version 20 in force, and banned software still refused. */
static void expect_still_v20(struct __test_metadata *_metadata, const char *why)
{
	const char *victim = lsm_path() ? BANNED : PATH_BANNED;

	ASSERT_EQ(0, kill(daemon_pid(), SIGHUP));
	sleep(2);
	EXPECT_EQ(20, status_policy_version()) TH_LOG("%s", why);
	EXPECT_DENIED(probe_execve(victim, NULL, NULL), why);
	EXPECT_RAN(probe_execve(ALLOWED, NULL, NULL), why);
}

TEST_F(reload, signed_policies_only_and_no_rollback)
{
	int pid = daemon_pid();

	ASSERT_LT(0, pid);
	ASSERT_EQ(0, stop_daemon_with(SIGTERM));
	ASSERT_EQ(0, install_signed("v20", true));
	unlink("/run/vendorban/vendorband.pid");
	ASSERT_EQ(0, system("/vb/vendorband --policy /vb/signed.policy --trusted-signer "
			    "/vb/signer.pem --no-syslog > /tmp/vendorband-signed.log 2>&1 &"));
	for (int i = 0; i < 600 && !daemon_pid(); i++)
		usleep(100000);
	ASSERT_LT(0, daemon_pid());
	EXPECT_EQ(20, status_policy_version());
	EXPECT_TRUE(file_contains("/tmp/vendorband-signed.log",
				  "is signed by CN=policy signer,O=vendorban tests"));

	ASSERT_EQ(0, install_signed("v19", true));
	expect_still_v20(_metadata, "older but validly signed (rollback)");
	EXPECT_TRUE(file_contains("/tmp/vendorband-signed.log",
				  "version 19 is not newer than version 20 in force"));
	ASSERT_EQ(0, install_signed("v22", true));
	expect_still_v20(_metadata, "edited after signing");
	EXPECT_TRUE(file_contains("/tmp/vendorband-signed.log", "was it edited after signing?"));
	ASSERT_EQ(0, install_signed("v23", false));
	expect_still_v20(_metadata, "unsigned");
	EXPECT_TRUE(file_contains("/tmp/vendorband-signed.log", "policy is not signed"));

	ASSERT_EQ(0, install_signed("v21", true));
	ASSERT_EQ(0, kill(daemon_pid(), SIGHUP));
	for (int i = 0; i < 100 && status_policy_version() != 21; i++)
		usleep(100000);
	EXPECT_EQ(21, status_policy_version());

	/* A restart may not go back either: v20 is refused at start, 21 stays in force. */
	ASSERT_EQ(0, install_signed("v20", true));
	EXPECT_EQ(1, WEXITSTATUS(system("/vb/vendorband --policy /vb/signed.policy "
					"--trusted-signer /vb/signer.pem --no-syslog "
					"> /tmp/vendorband-rollback.log 2>&1")));
	EXPECT_TRUE(file_contains("/tmp/vendorband-rollback.log", "rollback refused"));
	EXPECT_EQ(21, status_policy_version());
}

static int disable_with(const char *args)
{
	char cmd[512];

	snprintf(cmd, sizeof(cmd), "/vb/vendorban disable --yes %s > /tmp/disable.out 2>&1", args);
	return WEXITSTATUS(system(cmd));
}

static bool disable_record(struct json_object *rec, void *arg)
{
	struct json_object *o, *v;

	return !strcmp(field(rec, "action") ?: "", "disable") &&
	       json_object_object_get_ex(rec, "order", &o) && o &&
	       json_object_object_get_ex(o, "version", &v) && json_object_get_int(v) == 21;
}

/* The programs were loaded for signed policies only: no other trust store (or none) may take
 * them over, and stopping enforcement needs an order signed the same way, for this host, never
 * older than the policy in force. Leaves vendorban disabled for test_log. */
TEST_F(reload, signed_disable_order_not_older_than_the_policy)
{
	static const struct {
		const char *args, *why;
	} refused[] = {
		{ "", "has no --trusted-signer" },
		{ "--trusted-signer /vb/signer.pem", "needs a signed order" },
		{ "--order /vb/signed/disable-v20.order --trusted-signer /vb/signer.pem",
		  "older than the policy in force" },
		{ "--order /vb/signed/disable-otherhost.order --trusted-signer /vb/signer.pem",
		  "is for host elsewhere" },
		{ "--order /vb/signed/disable-unsigned.order --trusted-signer /vb/signer.pem",
		  "not signed" },
		{ "--order /vb/signed/disable-v21.order --trusted-signer /vb/other.pem",
		  "are another store" },
	};
	const char *victim = lsm_path() ? BANNED : PATH_BANNED;
	struct json_object *rec;

	ASSERT_EQ(21, status_policy_version());
	ASSERT_EQ(0, stop_daemon_with(SIGTERM));
	EXPECT_DENIED(probe_execve(victim, NULL, NULL), "signed policy, daemon stopped");

	EXPECT_EQ(1, WEXITSTATUS(system("/vb/vendorband --policy /vb/test.policy --no-syslog "
					"> /tmp/vb-unsigned.log 2>&1")));
	EXPECT_TRUE(file_contains("/tmp/vb-unsigned.log", "has no --trusted-signer"));
	EXPECT_EQ(1, WEXITSTATUS(system("/vb/vendorband --policy /vb/signed/other.policy "
					"--trusted-signer /vb/other.pem --no-syslog "
					"> /tmp/vb-other.log 2>&1")));
	EXPECT_TRUE(file_contains("/tmp/vb-other.log", "are another store"));
	EXPECT_EQ(21, status_policy_version());

	for (size_t i = 0; i < sizeof(refused) / sizeof(refused[0]); i++) {
		EXPECT_EQ(1, disable_with(refused[i].args)) TH_LOG("%s", refused[i].args);
		EXPECT_TRUE(file_contains("/tmp/disable.out", refused[i].why))
			TH_LOG("'%s' did not say '%s'", refused[i].args, refused[i].why);
	}
	EXPECT_DENIED(probe_execve(victim, NULL, NULL), "after every refused disable");

	EXPECT_EQ(0, disable_with("--order /vb/signed/disable-v21.order "
				  "--trusted-signer /vb/signer.pem"));
	rec = find_record_where(disable_record, NULL, 0, 50);
	EXPECT_NE(NULL, rec);
	json_object_put(rec);
	EXPECT_RAN(probe_execve(victim, NULL, NULL), "after the signed disable");
}

TEST_HARNESS_MAIN
