// SPDX-License-Identifier: GPL-2.0
/*
 * The denial log under pressure, as an auditor would check it: a flood of one attempt is one
 * record and an exact count of its repeats; a flood of distinct attempts beyond the ring buffer
 * names each of them; a flood cannot bury the attempt that matters; `log verify` adds them all
 * up to the exact number made; a daemon killed with SIGKILL during a burst loses nothing; the
 * chain still verifies; and the Linux audit trail (ausearch) has the denials. Runs after test_exec, with the daemon payload.sh started (test_reload's if later).
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
#include <time.h>
#include <sys/wait.h>
#include "kselftest_harness.h"
#include "vmutil.h"

#define VICTIM		"/opt/acme/burst-victim"	/* under test.policy's path rule */
#define BURST		3000	/* denials of ~1.2 KiB events: about 3.5 times the ring buffer */
#define DISTINCT	1200	/* attempts by as many users: more than the ring buffer holds */
#define AUDIT_DIR	"/tmp/audit"

struct tally {
	long records;		/* deny records of our children for VICTIM, one per full record */
	long duplicates;	/* the same denial written twice (see kill9 below) */
	long repeats;		/* "count" of repeat records of denials of VICTIM */
	long lost;		/* "lost" in gap records */
	long lines;		/* lines read */
	long uid_seen[DISTINCT]; /* users 30000 + i named by a record or a repeat record */
};

static char victim_ino[32];

/* Count from line `from` on: the records of this burst (execs by children of `parent`), the
 * repeats the kernel counted for VICTIM (known by its inode: a repeat has no process) and the
 * gaps declared meanwhile. */
static struct tally count_from(long from, pid_t parent)
{
	static long pids[BURST + DISTINCT];
	static struct tally t;
	char me[16], line[8192];
	FILE *f = fopen(LOG, "r");

	memset(&t, 0, sizeof(t));
	snprintf(me, sizeof(me), "%d", parent);
	while (f && fgets(line, sizeof(line), f)) {
		struct json_object *o;
		const char *a;
		long uid;

		if (t.lines++ < from)
			continue;
		o = json_tokener_parse(line);
		if (!o)
			continue;
		a = field(o, "action") ?: "";
		uid = strtol(field(o, "uid") ?: "-1", NULL, 10);
		if (!strcmp(a, "gap")) {
			t.lost += strtol(field(o, "lost") ?: "0", NULL, 10);
		} else if (!strcmp(a, "repeat") && !strcmp(field(o, "of") ?: "", "deny") &&
			   !strcmp(field(o, "ino") ?: "", victim_ino)) {
			t.repeats += strtol(field(o, "count") ?: "0", NULL, 10);
			if (uid >= 30000 && uid < 30000 + DISTINCT)
				t.uid_seen[uid - 30000]++;
		} else if (!strcmp(a, "deny") && !strcmp(field(o, "path") ?: "", VICTIM) &&
			   !strcmp(field(o, "ppid") ?: "", me)) {
			/* Each denied exec is its own child: its pid names the denial. */
			long pid = strtol(field(o, "pid") ?: "0", NULL, 10);
			bool seen = false;

			for (long i = 0; i < t.records && !seen; i++)
				seen = pids[i] == pid;
			if (seen)
				t.duplicates++;
			else if (t.records < BURST + DISTINCT)
				pids[t.records++] = pid;
			if (uid >= 30000 && uid < 30000 + DISTINCT)
				t.uid_seen[uid - 30000]++;
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

static int last_failure;	/* how the last attempt that was not refused ended */

/* One child execs VICTIM, as uid (-1: as this process); true if it was refused with EPERM.
 * Otherwise last_failure is 1000 + the errno it got, 999 if setresuid failed, or its exit
 * status if it ran. */
static bool attempt(int uid)
{
	pid_t pid = fork();
	int status;

	if (pid == 0) {
		if (uid >= 0 && setresuid(uid, uid, uid))
			_exit(254);
		execl(VICTIM, VICTIM, (char *)NULL);
		_exit(errno == EPERM ? 100 : errno > 150 ? 253 : 100 + errno);
	}
	if (pid > 0 && waitpid(pid, &status, 0) == pid && WIFEXITED(status) &&
	    WEXITSTATUS(status) == 100)
		return true;
	last_failure = !WIFEXITED(status) ? -1 : WEXITSTATUS(status) == 254 ? 999 :
		       WEXITSTATUS(status) > 100 ? 1000 + WEXITSTATUS(status) - 100 :
		       WEXITSTATUS(status);
	return false;
}

/* n denied execs, each in its own child of this process; returns how many were refused. */
static int burst(int n)
{
	int refused = 0;

	for (int i = 0; i < n; i++)
		refused += attempt(-1);
	return refused;
}

/* Wait until the log accounts for `want` attempts, or stops growing. */
static struct tally settle(long from, pid_t parent, long want)
{
	struct tally t = { 0 };
	long prev = -1;

	for (int i = 0; i < 600; i++) {
		t = count_from(from, parent);
		if (t.records + t.repeats + t.lost >= want || (t.lines == prev && i > 20))
			break;
		prev = t.lines;
		usleep(200000);
	}
	return t;
}

/* What `vendorban log verify` says every attempt in the log adds up to. */
static long verify_attempts(void)
{
	char buf[4096];
	struct json_object *o;
	long n = -1;
	size_t len;
	FILE *p = popen("/vb/vendorban log verify --json " LOG, "r");

	if (!p)
		return -1;
	len = fread(buf, 1, sizeof(buf) - 1, p);
	buf[len] = 0;
	pclose(p);
	o = json_tokener_parse(buf);
	if (o && field(o, "attempts"))
		n = strtol(field(o, "attempts"), NULL, 10);
	json_object_put(o);
	return n;
}

/*
 * Stop the daemon so that no one drains the ring buffer: the worst case for a flood. Only on
 * the BPF LSM path: on the fmod_ret path the daemon answers fanotify permission events, and
 * a stopped daemon holds every open and exec on the host until it runs again (as fapolicyd
 * does), the flood's execs included. There the flood runs against a running daemon.
 */
static int hold_daemon(int pid)
{
	return lsm_path() ? init_kill(pid, SIGSTOP) : 0;
}

static int release_daemon(int pid)
{
	return lsm_path() ? kill(pid, SIGCONT) : 0;
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
	struct stat st;

	mkdir("/opt", 0755);
	mkdir("/opt/acme", 0755);
	ASSERT_EQ(0, copy_file(ALLOWED, VICTIM));
	/* Anyone may run it, as far as the mode bits go: the refusal is the policy's. */
	ASSERT_EQ(0, chmod(VICTIM, 0755));
	ASSERT_EQ(0, stat(VICTIM, &st));
	snprintf(victim_ino, sizeof(victim_ino), "%lu", (unsigned long)st.st_ino);
	/* One daemon reads the events, on the policy whose path rule covers VICTIM. */
	ASSERT_EQ(0, stop_daemon_with(SIGTERM));
	ASSERT_EQ(0, start_daemon());
}

FIXTURE_TEARDOWN(log)
{
}

/* One attempt repeated while no one drains the ring buffer (the daemon stopped): it used to
 * overflow and leave a gap; now it is a full record and an exact count of its repeats. */
TEST_F_TIMEOUT(log, flood_of_one_attempt_is_a_record_and_an_exact_count, 180)
{
	long from = log_lines(), before = verify_attempts();
	struct timespec t0, t1;
	struct tally t;
	int pid = daemon_pid();

	ASSERT_LT(0, pid);
	ASSERT_LE(0, before);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	/* Stopping it is PID 1's to do; continuing it anyone's. */
	ASSERT_EQ(0, hold_daemon(pid));
	EXPECT_EQ(BURST, burst(BURST));
	ASSERT_EQ(0, release_daemon(pid));
	clock_gettime(CLOCK_MONOTONIC, &t1);
	t = settle(from, getpid(), BURST);
	TH_LOG("%ld full records, %ld repeats, %ld declared lost in %lds", t.records, t.repeats,
	       t.lost, (long)(t1.tv_sec - t0.tv_sec));
	EXPECT_EQ(0, t.lost);
	/* Each exec is a new process: at most VB_FLOOD_BURST (16) in full per 10 s window. */
	EXPECT_LE(1, t.records);
	EXPECT_GE(16 * (1 + (t1.tv_sec - t0.tv_sec) / 10 + 1), t.records);
	EXPECT_EQ(BURST, t.records + t.repeats);
	EXPECT_EQ(0, t.duplicates);
	EXPECT_EQ(before + BURST, verify_attempts());
}

/* As many distinct attempts (users) as the ring buffer cannot hold while no one drains it:
 * the ones that found no room still reach the log, as repeat records naming their user. */
TEST_F_TIMEOUT(log, distinct_attempts_beyond_ring_buffer_are_each_in_the_log, 240)
{
	long from = log_lines(), before = verify_attempts(), missing = 0;
	struct tally t;
	int pid = daemon_pid(), refused = 0;

	ASSERT_LT(0, pid);
	if (!lsm_path())
		SKIP(return, "on the fmod_ret path a stopped daemon holds every exec (fanotify "
		     "permission events), so the ring buffer cannot be left undrained to overflow");
	ASSERT_EQ(0, hold_daemon(pid));
	for (int i = 0; i < DISTINCT; i++)
		refused += attempt(30000 + i);
	ASSERT_EQ(0, release_daemon(pid));
	EXPECT_EQ(DISTINCT, refused) TH_LOG("last not refused: %d", last_failure);
	t = settle(from, getpid(), DISTINCT);
	for (int i = 0; i < DISTINCT; i++)
		missing += !t.uid_seen[i];
	TH_LOG("%ld full records, %ld as repeats, %ld lost, %ld users not named", t.records,
	       t.repeats, t.lost, missing);
	EXPECT_GT(DISTINCT, t.records);	/* the ring buffer did fill */
	EXPECT_EQ(0, t.lost);
	EXPECT_EQ(DISTINCT, t.records + t.repeats);
	EXPECT_EQ(0, missing);
	EXPECT_EQ(before + DISTINCT, verify_attempts());
}

/* The attack the counting is for: a flood before and after the attempt that matters, while the
 * ring buffer cannot drain. That attempt keeps its full record: who, what, from where. */
TEST_F_TIMEOUT(log, flood_cannot_bury_a_real_attempt, 240)
{
	long from = log_lines(), before = verify_attempts();
	struct json_object *real = NULL;
	struct tally t;
	char line[8192], me[16];
	int pid = daemon_pid();
	FILE *f;

	ASSERT_LT(0, pid);
	ASSERT_EQ(0, hold_daemon(pid));
	EXPECT_EQ(BURST / 2, burst(BURST / 2));
	EXPECT_TRUE(attempt(4242)) TH_LOG("not refused: %d", last_failure);
	EXPECT_EQ(BURST / 2, burst(BURST / 2));
	ASSERT_EQ(0, release_daemon(pid));
	t = settle(from, getpid(), BURST + 1);
	EXPECT_EQ(0, t.lost);
	EXPECT_EQ(BURST + 1, t.records + t.repeats);
	EXPECT_EQ(before + BURST + 1, verify_attempts());
	snprintf(me, sizeof(me), "%d", getpid());
	f = fopen(LOG, "r");
	ASSERT_NE(NULL, f);
	for (long n = 0; fgets(line, sizeof(line), f); n++) {
		struct json_object *o = n >= from ? json_tokener_parse(line) : NULL;

		if (o && !strcmp(field(o, "action") ?: "", "deny") &&
		    !strcmp(field(o, "uid") ?: "", "4242") &&
		    !strcmp(field(o, "path") ?: "", VICTIM) && !strcmp(field(o, "ppid") ?: "", me) &&
		    field(o, "pid") && field(o, "comm")) {
			json_object_put(real);
			real = o;
		} else {
			json_object_put(o);
		}
	}
	fclose(f);
	EXPECT_NE(NULL, real) TH_LOG("the attempt by uid 4242 has no full record");
	json_object_put(real);
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
	TH_LOG("%ld records, %ld repeats, %ld declared lost, %ld written twice", t.records,
	       t.repeats, t.lost, t.duplicates);
	EXPECT_EQ(BURST / 3, t.records + t.repeats + t.lost);
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
