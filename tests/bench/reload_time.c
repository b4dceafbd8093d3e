// SPDX-License-Identifier: GPL-2.0
/*
 * reload_time: the timing half of the reload benchmark (tests/bench/reload_payload.sh, run in
 * the test VM).
 *
 *   reload_time swap NEW POLICY PIDFILE VERSION [LOG]
 *       rename NEW over POLICY, send SIGHUP to the daemon in PIDFILE, then run
 *       `vendorban --json status --no-probe` every VB_POLL_MS until it reports VERSION.
 *       Prints "reload_ms=T upper_ms=U polls=N poll_ms=P hash_rules=H": T from the rename to
 *       the start of the first status run that saw VERSION, U to its end (the version was in
 *       force by then), P the median time of one status run. With LOG (the daemon's stderr),
 *       first waits, reading LOG every millisecond, for its line "policy version VERSION in
 *       force" and adds "log_ms=L" (and "pickup_ms=P", to its line "reloading"): a status
 *       run costs hundreds of ms under TCG, the log line
 *       is written right after the swap.
 *   reload_time cmd PROG ARG...   run PROG once, print "ms=T", exit with its status
 *   reload_time deny FILE         exit 0 if exec of FILE fails with EPERM, 1 otherwise
 *   reload_time runs FILE         exit 0 if FILE runs and exits 0, 1 otherwise
 *
 * The clock starts at the rename, not at the SIGHUP: from then on the new policy is the one on
 * disk, and the time to first enforcement is what a deployment sees. A poll is one fork+exec of
 * the CLI (it reads the pinned maps); its cost bounds the resolution and is printed with it.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/stat.h>
#include <sys/wait.h>

#define VB_CLI			"/vb/vendorban"
#define VB_POLL_MS		20
#define VB_RELOAD_TIMEOUT_MS	600000
#define VB_STATUS_MAX		16384
#define VB_MAX_POLLS		(VB_RELOAD_TIMEOUT_MS / VB_POLL_MS + 1)

extern char **environ;

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + ts.tv_nsec;
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

/* Runs `vendorban --json status --no-probe` and reads one number from its output. Its exit
 * status is ignored: without the probe it does not claim to enforce. Returns 0 or -errno. */
static int status_field(const char *key, unsigned long long *val)
{
	char *const argv[] = { VB_CLI, "--json", "status", "--no-probe", NULL };
	posix_spawn_file_actions_t fa;
	char buf[VB_STATUS_MAX], pat[64], *p;
	size_t len = 0;
	int fds[2], err, status;
	ssize_t n;
	pid_t pid;

	if (pipe(fds))
		return -errno;
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_adddup2(&fa, fds[1], STDOUT_FILENO);
	posix_spawn_file_actions_addclose(&fa, fds[0]);
	posix_spawn_file_actions_addclose(&fa, fds[1]);
	posix_spawn_file_actions_addopen(&fa, STDERR_FILENO, "/dev/null", O_WRONLY, 0);
	err = posix_spawn(&pid, VB_CLI, &fa, NULL, argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	close(fds[1]);
	if (err) {
		close(fds[0]);
		return -err;
	}
	while (len < sizeof(buf) - 1 && (n = read(fds[0], buf + len, sizeof(buf) - 1 - len)) > 0)
		len += n;
	buf[len] = '\0';
	close(fds[0]);
	waitpid(pid, &status, 0);

	snprintf(pat, sizeof(pat), "\"%s\":", key);
	p = strstr(buf, pat);
	if (!p)
		return -ENOENT;
	p += strlen(pat);
	while (*p == ' ')
		p++;
	if (*p < '0' || *p > '9')
		return -ENOENT;	/* null: no policy loaded */
	*val = strtoull(p, NULL, 10);
	return 0;
}

static pid_t read_pid(const char *pidfile)
{
	FILE *f = fopen(pidfile, "r");
	long pid = 0;

	if (!f)
		return -1;
	if (fscanf(f, "%ld", &pid) != 1)
		pid = -1;
	fclose(f);
	return pid > 0 ? (pid_t)pid : -1;
}

/* Waits for the daemon's line saying WANT is in force; returns ns since T0 or 0 on timeout.
 * *pickup: ns since T0 to its line "reloading ...", when the daemon took the signal up (0 if
 * both lines came in one read): what of a reload is waiting and what is work. */
static uint64_t wait_log(const char *log, off_t from, unsigned long long want, uint64_t t0,
			 uint64_t *pickup)
{
	static char buf[VB_STATUS_MAX * 4];
	struct timespec ms = { 0, 1000000 };
	char line[64];
	ssize_t n;
	int fd;

	snprintf(line, sizeof(line), "policy version %llu in force", want);
	fd = open(log, O_RDONLY);
	if (fd < 0)
		return 0;
	while (now_ns() - t0 < (uint64_t)VB_RELOAD_TIMEOUT_MS * 1000000) {
		n = pread(fd, buf, sizeof(buf) - 1, from);
		if (n > 0) {
			buf[n] = '\0';
			if (!*pickup && strstr(buf, "reloading ") && !strstr(buf, line))
				*pickup = now_ns() - t0;
			if (strstr(buf, line)) {
				close(fd);
				return now_ns() - t0;
			}
		}
		nanosleep(&ms, NULL);
	}
	close(fd);
	return 0;
}

static int do_swap(const char *new, const char *policy, const char *pidfile,
		   unsigned long long want, const char *log)
{
	uint64_t log_ns = 0, pickup_ns = 0;
	off_t log_from = 0;
	struct stat st;
	static uint64_t poll_ns[VB_MAX_POLLS];
	unsigned long long version = 0, rules = 0;
	uint64_t t0, start, end, next;
	struct timespec ts;
	int polls = 0, err;
	pid_t pid;

	pid = read_pid(pidfile);
	if (pid < 0) {
		fprintf(stderr, "reload_time: no daemon pid in %s\n", pidfile);
		return 1;
	}
	if (log && !stat(log, &st))
		log_from = st.st_size;
	t0 = now_ns();
	if (rename(new, policy)) {
		fprintf(stderr, "reload_time: rename %s %s: %s\n", new, policy, strerror(errno));
		return 1;
	}
	if (kill(pid, SIGHUP)) {
		fprintf(stderr, "reload_time: SIGHUP to %d: %s\n", (int)pid, strerror(errno));
		return 1;
	}
	if (log) {
		log_ns = wait_log(log, log_from, want, t0, &pickup_ns);
		if (!log_ns) {
			fprintf(stderr, "reload_time: %s never said version %llu is in force\n", log,
				want);
			return 1;
		}
	}
	for (next = t0;; ) {
		start = now_ns();
		err = status_field("policy_version", &version);
		end = now_ns();
		poll_ns[polls++] = end - start;
		if (!err && version == want)
			break;
		if (err && err != -ENOENT) {
			fprintf(stderr, "reload_time: %s status: %s\n", VB_CLI, strerror(-err));
			return 1;
		}
		if (kill(pid, 0)) {
			fprintf(stderr, "reload_time: the daemon (pid %d) is gone\n", (int)pid);
			return 1;
		}
		if (end - t0 > (uint64_t)VB_RELOAD_TIMEOUT_MS * 1000000 || polls == VB_MAX_POLLS) {
			fprintf(stderr, "reload_time: version %llu not in force after %d ms "
				"(status says %llu)\n", want, VB_RELOAD_TIMEOUT_MS, version);
			return 1;
		}
		/* Polls start on a fixed grid; one that overran its slot is followed at once. */
		next += (uint64_t)VB_POLL_MS * 1000000;
		if (next > end) {
			ts.tv_sec = next / 1000000000u;
			ts.tv_nsec = next % 1000000000u;
			clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL);
		} else {
			next = end;
		}
	}
	if (status_field("hash_rules", &rules))
		rules = 0;
	qsort(poll_ns, polls, sizeof(poll_ns[0]), cmp_u64);
	if (log)
		printf("log_ms=%.1f pickup_ms=%.1f ", log_ns / 1e6, pickup_ns / 1e6);
	printf("reload_ms=%.1f upper_ms=%.1f polls=%d poll_ms=%.1f hash_rules=%llu\n",
	       (start - t0) / 1e6, (end - t0) / 1e6, polls, poll_ns[polls / 2] / 1e6, rules);
	return 0;
}

static int do_cmd(char **argv)
{
	uint64_t t0, t1;
	int err, status;
	pid_t pid;

	t0 = now_ns();
	err = posix_spawn(&pid, argv[0], NULL, NULL, argv, environ);
	if (err) {
		fprintf(stderr, "reload_time: %s: %s\n", argv[0], strerror(err));
		return 1;
	}
	if (waitpid(pid, &status, 0) < 0)
		return 1;
	t1 = now_ns();
	printf("ms=%.1f\n", (t1 - t0) / 1e6);
	return WIFEXITED(status) ? WEXITSTATUS(status) : 1;
}

/* posix_spawn hands back the execve error, so a refusal is a return value here. */
static int spawn_wait(const char *path, int *status)
{
	char *const argv[] = { (char *)path, NULL };
	pid_t pid;
	int err;

	err = posix_spawn(&pid, path, NULL, NULL, argv, environ);
	if (err)
		return err;
	if (waitpid(pid, status, 0) < 0)
		return errno;
	return 0;
}

int main(int argc, char **argv)
{
	int err, status = 0;

	if ((argc == 6 || argc == 7) && !strcmp(argv[1], "swap"))
		return do_swap(argv[2], argv[3], argv[4], strtoull(argv[5], NULL, 10),
			       argc == 7 ? argv[6] : NULL);
	if (argc >= 3 && !strcmp(argv[1], "cmd"))
		return do_cmd(argv + 2);
	if (argc == 3 && !strcmp(argv[1], "deny")) {
		err = spawn_wait(argv[2], &status);
		if (err == EPERM)
			return 0;
		fprintf(stderr, "reload_time: %s: %s, not refused with EPERM\n", argv[2],
			err ? strerror(err) : "ran");
		return 1;
	}
	if (argc == 3 && !strcmp(argv[1], "runs")) {
		err = spawn_wait(argv[2], &status);
		if (!err && WIFEXITED(status) && !WEXITSTATUS(status))
			return 0;
		fprintf(stderr, "reload_time: %s does not run: %s\n", argv[2],
			err ? strerror(err) : "non-zero exit");
		return 1;
	}
	fprintf(stderr, "usage: reload_time swap NEW POLICY PIDFILE VERSION [LOG]\n"
		"       reload_time cmd PROG ARG...\n"
		"       reload_time deny FILE\n"
		"       reload_time runs FILE\n");
	return 2;
}
