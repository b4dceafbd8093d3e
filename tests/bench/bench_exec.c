// SPDX-License-Identifier: GPL-2.0
/*
 * bench_exec: time fork+exec+exit+wait of a do-nothing program, for `make bench` (run inside
 * the test VM by tests/bench/payload.sh).
 *
 *   bench_exec same N FILE        exec FILE N times (after one warm-up exec that is not timed)
 *   bench_exec fresh N DIR        exec DIR/t0 .. DIR/t{N-1} once each, in that order
 *   bench_exec mkfresh N DIR SRC [SIZE]
 *                                 create DIR/t0 .. DIR/t{N-1}: copies of SRC, each with a
 *                                 distinct tag appended, so each has its own SHA-256; with
 *                                 SIZE, zeros after the tag make each file SIZE bytes
 *   bench_exec deny 1 FILE        exit 0 if exec of FILE fails with EPERM, 1 otherwise
 *
 * same and fresh print one line of key=value pairs (times in ns per exec) and exit non-zero if
 * any exec failed or the program exited with a status other than 0: a denied or broken exec
 * must never be averaged into a figure.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <spawn.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/stat.h>
#include <sys/wait.h>

#define BENCH_MAX_N	100000
#define BENCH_COPY_BUF	65536

extern char **environ;

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + ts.tv_nsec;
}

/*
 * One exec, timed from before the spawn to after the child has been reaped. glibc's
 * posix_spawn is clone(CLONE_VM | CLONE_VFORK) + execve and hands back the execve error, so an
 * exec refused by the kernel is seen here as a return value, not as a lost exit status.
 * Returns 0 or a positive errno; *ns is set only on success.
 */
static int spawn_once(const char *path, uint64_t *ns)
{
	char *const argv[] = { (char *)path, NULL };
	uint64_t t0, t1;
	int status, err;
	pid_t pid;

	t0 = now_ns();
	err = posix_spawn(&pid, path, NULL, NULL, argv, environ);
	if (err)
		return err;
	if (waitpid(pid, &status, 0) < 0)
		return errno;
	t1 = now_ns();
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
		fprintf(stderr, "bench_exec: %s exited with status 0x%x\n", path, status);
		return ECHILD;
	}
	*ns = t1 - t0;
	return 0;
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

static void report(const char *mode, const char *what, uint64_t *ns, long n)
{
	uint64_t sum = 0, median;

	for (long i = 0; i < n; i++)
		sum += ns[i];
	qsort(ns, n, sizeof(*ns), cmp_u64);
	median = n % 2 ? ns[n / 2] : (ns[n / 2 - 1] + ns[n / 2]) / 2;
	printf("bench_exec mode=%s n=%ld median_ns=%llu mean_ns=%llu min_ns=%llu max_ns=%llu "
	       "path=%s\n", mode, n, (unsigned long long)median, (unsigned long long)(sum / n),
	       (unsigned long long)ns[0], (unsigned long long)ns[n - 1], what);
}

static int run_same(long n, const char *file)
{
	uint64_t *ns, warm;
	int err;

	ns = calloc(n, sizeof(*ns));
	if (!ns)
		return 1;
	/* The first exec of a file is the "fresh" case; here only the repeated ones count. */
	err = spawn_once(file, &warm);
	for (long i = 0; !err && i < n; i++)
		err = spawn_once(file, &ns[i]);
	if (err) {
		fprintf(stderr, "bench_exec: exec %s: %s\n", file, strerror(err));
		free(ns);
		return 1;
	}
	report("same", file, ns, n);
	free(ns);
	return 0;
}

static int run_fresh(long n, const char *dir)
{
	char path[PATH_MAX];
	uint64_t *ns;
	int err = 0;

	ns = calloc(n, sizeof(*ns));
	if (!ns)
		return 1;
	for (long i = 0; !err && i < n; i++) {
		snprintf(path, sizeof(path), "%s/t%ld", dir, i);
		err = spawn_once(path, &ns[i]);
	}
	if (err) {
		fprintf(stderr, "bench_exec: exec %s: %s\n", path, strerror(err));
		free(ns);
		return 1;
	}
	report("fresh", dir, ns, n);
	free(ns);
	return 0;
}

static int write_all(int fd, const char *buf, size_t len)
{
	while (len) {
		ssize_t w = write(fd, buf, len);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return -1;
		buf += w;
		len -= w;
	}
	return 0;
}

/*
 * Bytes after an ELF file's last section are never mapped or read by the loader, so the copy
 * runs exactly like SRC while its SHA-256 is its own. The tag names DIR too, so files made
 * for different runs never share content either.
 */
static int make_fresh(long n, const char *dir, const char *src, long long size)
{
	static char buf[BENCH_COPY_BUF];
	char path[PATH_MAX], tag[PATH_MAX + 64];
	int in, out, ret = 1;
	ssize_t r;

	if (mkdir(dir, 0755) && errno != EEXIST) {
		fprintf(stderr, "bench_exec: mkdir %s: %s\n", dir, strerror(errno));
		return 1;
	}
	in = open(src, O_RDONLY | O_CLOEXEC);
	if (in < 0) {
		fprintf(stderr, "bench_exec: %s: %s\n", src, strerror(errno));
		return 1;
	}
	for (long i = 0; i < n; i++) {
		snprintf(path, sizeof(path), "%s/t%ld", dir, i);
		out = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0755);
		if (out < 0)
			goto fail;
		if (lseek(in, 0, SEEK_SET) < 0)
			goto fail_out;
		while ((r = read(in, buf, sizeof(buf))) > 0)
			if (write_all(out, buf, r))
				goto fail_out;
		if (r < 0)
			goto fail_out;
		snprintf(tag, sizeof(tag), "\nvendorban-bench %s %ld\n", dir, i);
		if (write_all(out, tag, strlen(tag)))
			goto fail_out;
		/* Written, not a hole: a hash reads a hole as fast as the page cache allows. */
		memset(buf, 0, sizeof(buf));
		for (off_t at = lseek(out, 0, SEEK_CUR); at >= 0 && at < size; ) {
			size_t len = size - at < (long long)sizeof(buf) ? (size_t)(size - at) : sizeof(buf);

			if (write_all(out, buf, len))
				goto fail_out;
			at += len;
		}
		/* Closed before any exec: a file open for writing cannot be run (ETXTBSY). */
		if (close(out))
			goto fail;
	}
	ret = 0;
	goto out;

fail_out:
	close(out);
fail:
	fprintf(stderr, "bench_exec: %s: %s\n", path, strerror(errno));
out:
	close(in);
	return ret;
}

static int expect_eperm(const char *file)
{
	uint64_t ns;
	int err = spawn_once(file, &ns);

	if (err == EPERM)
		return 0;
	fprintf(stderr, "bench_exec: exec %s: expected EPERM, got %s\n", file,
		err ? strerror(err) : "success (it ran)");
	return 1;
}

static void usage(void)
{
	fprintf(stderr,
		"usage: bench_exec same N FILE\n"
		"       bench_exec fresh N DIR\n"
		"       bench_exec mkfresh N DIR SRC [SIZE]\n"
		"       bench_exec deny 1 FILE\n");
}

int main(int argc, char **argv)
{
	const char *mode;
	char *end;
	long n;

	if (argc < 4)
		goto bad_usage;
	mode = argv[1];
	n = strtol(argv[2], &end, 10);
	if (*end || n < 1 || n > BENCH_MAX_N)
		goto bad_usage;
	if (!strcmp(mode, "same") && argc == 4)
		return run_same(n, argv[3]);
	if (!strcmp(mode, "fresh") && argc == 4)
		return run_fresh(n, argv[3]);
	if (!strcmp(mode, "mkfresh") && (argc == 5 || argc == 6)) {
		long long size = argc == 6 ? strtoll(argv[5], &end, 10) : 0;

		if (argc == 6 && (*end || size < 0))
			goto bad_usage;
		return make_fresh(n, argv[3], argv[4], size);
	}
	if (!strcmp(mode, "deny") && argc == 4 && n == 1)
		return expect_eperm(argv[3]);

bad_usage:
	usage();
	return 2;
}
