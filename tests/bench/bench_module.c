// SPDX-License-Identifier: GPL-2.0
/*
 * bench_module FILE NAME N: load (finit_module) and unload one module N times and print the
 * median nanoseconds of one load (the unload, untimed, waits for RCU grace periods that would
 * drown the difference); with --buffer, init_module from memory instead.
 * bench_module --expect-eperm FILE NAME: exit 0 if finit_module of FILE fails with EPERM (and
 * unload it and exit 1 if it loads).
 * Runs inside the VM (tests/bench/module_payload.sh); the enforcer is started and stopped
 * around it.
 */
#include <errno.h>
#include <stdbool.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/syscall.h>

static long long now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000ll + ts.tv_nsec;
}

static int cmp(const void *a, const void *b)
{
	long long x = *(const long long *)a, y = *(const long long *)b;

	return x < y ? -1 : x > y;
}

int main(int argc, char **argv)
{
	static char buf[8 << 20];
	bool buffer = argc > 1 && !strcmp(argv[1], "--buffer");
	long long *t;
	ssize_t len = 0;
	int n, fd;

	if (argc == 4 && !strcmp(argv[1], "--expect-eperm")) {
		fd = open(argv[2], O_RDONLY | O_CLOEXEC);
		if (fd < 0)
			return perror(argv[2]), 2;
		if (syscall(SYS_finit_module, fd, "", 0) == 0) {
			syscall(SYS_delete_module, argv[3], O_NONBLOCK);
			return fprintf(stderr, "bench_module: %s loaded\n", argv[2]), 1;
		}
		if (errno != EPERM)
			return fprintf(stderr, "bench_module: %s: %s, not EPERM\n", argv[2],
				       strerror(errno)), 1;
		return 0;
	}
	if (buffer) {
		argv++;
		argc--;
	}
	if (argc != 4 || (n = atoi(argv[3])) < 1)
		return fprintf(stderr, "usage: bench_module [--buffer] FILE NAME N\n"), 2;
	t = calloc(n, sizeof(*t));
	fd = open(argv[1], O_RDONLY | O_CLOEXEC);
	if (!t || fd < 0)
		return perror(argv[1]), 2;
	if (buffer && (len = read(fd, buf, sizeof(buf))) <= 0)
		return perror(argv[1]), 2;
	for (int i = 0; i < n; i++) {
		long long t0 = now_ns();
		int err = buffer ? syscall(SYS_init_module, buf, (unsigned long)len, "") :
				   syscall(SYS_finit_module, fd, "", 0);

		t[i] = now_ns() - t0;
		if (err || syscall(SYS_delete_module, argv[2], O_NONBLOCK))
			return fprintf(stderr, "bench_module: %s: %s\n", argv[1], strerror(errno)), 1;
	}
	qsort(t, n, sizeof(*t), cmp);
	printf("%lld\n", t[n / 2]);
	return 0;
}
