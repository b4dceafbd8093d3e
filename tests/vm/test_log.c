// SPDX-License-Identifier: GPL-2.0
/*
 * The denial log under pressure, as an auditor would check it: a burst larger than the kernel's
 * ring buffer leaves every record or an exact gap record; a daemon killed with SIGKILL during a
 * burst loses nothing; the chain still verifies; and the Linux audit trail (ausearch) has the
 * denials. Runs after test_exec, with the daemon payload.sh started (test_reload's if later).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include "kselftest_harness.h"
#include "vmutil.h"

#define VICTIM		"/opt/acme/burst-victim"	/* under test.policy's path rule */
#define BURST		3000	/* denials of ~1.2 KiB events: about 3.5 times the ring buffer */
#define AUDIT_DIR	"/tmp/audit"

struct tally {
	long records;		/* deny records of our children for VICTIM, one per denied exec */
	long duplicates;	/* the same denial written twice (see kill9 below) */
	long lost;		/* "lost" in gap records */
	long lines;		/* lines read */
};

/* Count from line `from` on: the records of this burst (execs by children of `parent`) and the
 * gaps declared meanwhile. */
static struct tally count_from(long from, pid_t parent)
{
	static long pids[BURST];
	struct tally t = { 0 };
	char me[16], line[8192];
	FILE *f = fopen(LOG, "r");

	snprintf(me, sizeof(me), "%d", parent);
	while (f && fgets(line, sizeof(line), f)) {
		struct json_object *o;
		const char *a;

		if (t.lines++ < from)
			continue;
		o = json_tokener_parse(line);
		if (!o)
			continue;
		a = field(o, "action") ?: "";
		if (!strcmp(a, "gap"))
			t.lost += strtol(field(o, "lost") ?: "0", NULL, 10);
		else if (!strcmp(a, "deny") && !strcmp(field(o, "path") ?: "", VICTIM) &&
			 !strcmp(field(o, "ppid") ?: "", me)) {
			/* Each denied exec is its own child: its pid names the denial. */
			long pid = strtol(field(o, "pid") ?: "0", NULL, 10);
			bool seen = false;

			for (long i = 0; i < t.records && !seen; i++)
				seen = pids[i] == pid;
			if (seen)
				t.duplicates++;
			else if (t.records < BURST)
				pids[t.records++] = pid;
		}
		json_object_put(o);
	}
	if (f)
		fclose(f);
	return t;
}

static long log_lines(void)
{
	return count_from(0, getpid()).lines;
}

/* n denied execs, each in its own child of this process; returns how many were refused. */
static int burst(int n)
{
	int refused = 0;

	for (int i = 0; i < n; i++) {
		pid_t pid = fork();
		int status;

		if (pid == 0) {
			execl(VICTIM, VICTIM, (char *)NULL);
			_exit(errno == EPERM ? 100 : 101);
		}
		if (pid > 0 && waitpid(pid, &status, 0) == pid && WIFEXITED(status) &&
		    WEXITSTATUS(status) == 100)
			refused++;
	}
	return refused;
}

/* Wait until the log stops growing: the daemon has written all it will write. */
static struct tally settle(long from, pid_t parent, long want)
{
	struct tally t = { 0 }, prev = { -1 };

	for (int i = 0; i < 600; i++) {
		t = count_from(from, parent);
		if (t.records + t.lost >= want || (t.lines == prev.lines && i > 20))
			break;
		prev = t;
		usleep(200000);
	}
	return t;
}


static int start_daemon(void)
{
	return start_daemon_with("--policy /vb/test.policy", "/tmp/vendorband-log.log");
}

FIXTURE(log) {
	int dummy;
};

FIXTURE_SETUP(log)
{
	mkdir("/opt", 0755);
	mkdir("/opt/acme", 0755);
	ASSERT_EQ(0, copy_file(ALLOWED, VICTIM));
	/* One daemon reads the events, on the policy whose path rule covers VICTIM. */
	ASSERT_EQ(0, stop_daemon_with(SIGTERM));
	ASSERT_EQ(0, start_daemon());
}

FIXTURE_TEARDOWN(log)
{
}

/* A stopped daemon cannot drain the ring buffer: most of the burst overflows it. */
TEST_F_TIMEOUT(log, burst_beyond_ring_buffer_is_counted_exactly, 180)
{
	long from = log_lines();
	struct tally t;
	int pid = daemon_pid();

	ASSERT_LT(0, pid);
	/* Stopping it is PID 1's to do; continuing it anyone's. */
	ASSERT_EQ(0, init_kill(pid, SIGSTOP));
	EXPECT_EQ(BURST, burst(BURST));
	ASSERT_EQ(0, kill(pid, SIGCONT));
	t = settle(from, getpid(), BURST);
	TH_LOG("%ld records, %ld declared lost", t.records, t.lost);
	EXPECT_LT(0, t.lost);		/* the buffer did overflow */
	EXPECT_LT(0, t.records);
	EXPECT_EQ(BURST, t.records + t.lost);
}

/* SIGKILL mid-burst: the kernel keeps enforcing, the pinned ring buffer keeps the events, and the
 * next daemon writes them. What was written before the kill is still there and verifies. */
TEST_F_TIMEOUT(log, kill9_during_burst_loses_nothing, 180)
{
	long from = log_lines();
	struct tally t;
	pid_t child;
	int status, rc;
	char out[256];
	FILE *p;

	child = fork();
	ASSERT_LE(0, child);
	if (child == 0)
		_exit(burst(BURST / 3) == BURST / 3 ? 0 : 1);
	usleep(300000);
	ASSERT_EQ(0, stop_daemon_with(SIGKILL));
	ASSERT_EQ(child, waitpid(child, &status, 0));
	EXPECT_EQ(0, WEXITSTATUS(status));	/* every exec refused while no daemon ran */
	ASSERT_EQ(0, start_daemon());
	t = settle(from, child, BURST / 3);
	TH_LOG("%ld records, %ld declared lost, %ld written twice", t.records, t.lost,
	       t.duplicates);
	EXPECT_EQ(BURST / 3, t.records + t.lost);
	/* The event being written at the kill comes back to the next daemon, which knows it
	 * from settings.last_logged_*: only a kill inside that one syscall writes it twice. */
	EXPECT_GE(1, t.duplicates);

	p = popen("/vb/vendorban log verify " LOG " 2>&1", "r");
	ASSERT_NE(NULL, p);
	out[0] = 0;
	if (!fgets(out, sizeof(out), p))
		out[0] = 0;
	rc = WEXITSTATUS(pclose(p));
	TH_LOG("log verify: %s", out);
	EXPECT_EQ(0, rc);
}

TEST_F(log, ausearch_finds_the_denial)
{
	char cmd[512];
	int pid;

	/* tests/vm/mkpayload.sh copies the host's, which make setup installs. */
	ASSERT_EQ(0, access("/vb/audit/auditd", X_OK)) TH_LOG("auditd is not in the payload");
	mkdir(AUDIT_DIR, 0700);
	mkdir("/var/run", 0755);
	ASSERT_EQ(0, write_text(AUDIT_DIR "/auditd.conf",
				"log_file = " AUDIT_DIR "/audit.log\nlog_format = ENRICHED\n"
				"flush = SYNC\nmax_log_file_action = IGNORE\nspace_left = 2\n"
				"admin_space_left = 1\ndisk_full_action = IGNORE\n"
				"disk_error_action = IGNORE\nwrite_logs = yes\n"));
	/* -n: stay in the foreground of its own shell, and write the log file. */
	ASSERT_EQ(0, system("/vb/audit/auditd -n -c " AUDIT_DIR " > /tmp/auditd.out 2>&1 &"));
	for (int i = 0; i < 100 && access(AUDIT_DIR "/audit.log", F_OK); i++)
		usleep(100000);
	ASSERT_EQ(0, access(AUDIT_DIR "/audit.log", F_OK));
	/* The daemon sends to the kernel's audit socket; auditd now collects from it. */
	pid = daemon_pid();
	ASSERT_LT(0, pid);
	EXPECT_EQ(1, burst(1));
	snprintf(cmd, sizeof(cmd),
		 "for i in $(seq 1 50); do /vb/audit/ausearch -if " AUDIT_DIR "/audit.log "
		 "-m USER_AVC 2>/dev/null | grep -q 'op=deny.*path=\"" VICTIM "\"' && exit 0; "
		 "sleep 0.2; done; exit 1");
	EXPECT_EQ(0, WEXITSTATUS(system(cmd)));
	snprintf(cmd, sizeof(cmd), "/vb/audit/ausearch -if " AUDIT_DIR "/audit.log -m USER_AVC "
		 "2>&1 | tail -3 | sed 's/^/# ausearch: /'");
	system(cmd);
}

TEST_HARNESS_MAIN
