// SPDX-License-Identifier: GPL-2.0
/*
 * log_rate: denial log records per second with the hash chain against plain appends of the
 * same lines, measured side by side in one run (tests/bench/log.sh builds and runs it).
 *
 *   log_rate [-n RECORDS] [-b BATCH] [-r ROUNDS] -d DIR
 *
 * Two measurements, each as rounds that alternate plain and chained so that both see the same
 * disk and cache state; the median round of each is printed with the ratio:
 *   durable:  the daemon's pattern. Plain is writev(line "\n") with O_APPEND and fdatasync
 *             every BATCH records; chained is vb_denylog_append() with vb_denylog_flush()
 *             every BATCH records, which adds seq and prev, hashes the line, syncs, and
 *             rewrites the chain head file (write, fdatasync, rename).
 *   cpu:      no sync at all: plain write() against vb_chain_seal() + write() +
 *             vb_chain_advance(): what the chain costs the processor.
 * Rotation is off (a 64 MiB file is minutes of denials at these rates; its cost is one
 * rename and a background compression per file).
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include "log/denylog.h"
#include "log/chain.h"

#define MAX_ROUNDS	15

/* A denial as vendorband writes it (user/event.c), about 700 bytes. */
static const char record[] =
	"{\"time\":\"2026-05-01T10:00:00.123456Z\",\"host\":\"build-worker-17.example.net\","
	"\"action\":\"deny\",\"mode\":\"enforce\",\"operation\":\"exec\","
	"\"path\":\"/opt/kaspersky/kesl/libexec/kesl-control-helper\",\"dev\":\"259:3\","
	"\"ino\":1835221,\"sha256\":\"3a7bd3e2360a3d29eea436fcfb7e44c735d117c42d1c1835420b6b9942dd"
	"4f1b\",\"match\":\"sha256\",\"cached\":false,\"vendor\":\"kaspersky\",\"vendor_name\":"
	"\"AO Kaspersky Lab\",\"rule\":\"kaspersky-sha256-112\",\"rule_source\":"
	"\"/etc/vendorban/vendorban.policy:131\",\"policy_version\":2026050101,\"pid\":482211,"
	"\"ppid\":482190,\"uid\":1000,\"user\":\"alice\",\"comm\":\"kesl-control-he\","
	"\"parent_comm\":\"bash\",\"parent_exe\":\"/usr/bin/bash\",\"errno\":\"EPERM\"}";

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static void fresh(const char *dir, char *log, char *head, size_t len)
{
	char cmd[4200];

	snprintf(cmd, sizeof(cmd), "rm -f '%s'/bench.jsonl* '%s'/bench.head*", dir, dir);
	if (system(cmd))
		fprintf(stderr, "log_rate: cannot clean %s\n", dir);
	snprintf(log, len, "%s/bench.jsonl", dir);
	snprintf(head, len, "%s/bench.head", dir);
}

static double plain_durable(const char *dir, long n, int batch)
{
	char log[4096], head[4096];
	struct iovec iov[2] = { { (void *)record, strlen(record) }, { "\n", 1 } };
	double t;
	int fd;

	fresh(dir, log, head, sizeof(log));
	fd = open(log, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0640);
	if (fd < 0)
		return -1;
	t = now_s();
	for (long i = 1; i <= n; i++) {
		if (writev(fd, iov, 2) != (ssize_t)(iov[0].iov_len + 1))
			return -1;
		if (i % batch == 0 && fdatasync(fd))
			return -1;
	}
	if (fdatasync(fd))
		return -1;
	t = now_s() - t;
	close(fd);
	return n / t;
}

static double chained_durable(const char *dir, long n, int batch)
{
	char log[4096], head[4096];
	struct vb_denylog l;
	struct vb_denylog_opts o = { 0, 0, 30, head, true };
	double t;

	fresh(dir, log, head, sizeof(log));
	if (vb_denylog_open(&l, log, &o))
		return -1;
	t = now_s();
	for (long i = 1; i <= n; i++) {
		if (vb_denylog_append(&l, record))
			return -1;
		if (i % batch == 0 && vb_denylog_flush(&l))
			return -1;
	}
	if (vb_denylog_flush(&l))
		return -1;
	t = now_s() - t;
	vb_denylog_close(&l);
	return n / t;
}

static double plain_cpu(const char *dir, long n)
{
	char log[4096], head[4096], line[sizeof(record) + 1];
	size_t len = strlen(record);
	double t;
	int fd;

	fresh(dir, log, head, sizeof(log));
	fd = open(log, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0640);
	if (fd < 0)
		return -1;
	memcpy(line, record, len);
	line[len] = '\n';
	t = now_s();
	for (long i = 0; i < n; i++)
		if (write(fd, line, len + 1) != (ssize_t)len + 1)
			return -1;
	t = now_s() - t;
	close(fd);
	return n / t;
}

static double chained_cpu(const char *dir, long n)
{
	char log[4096], head[4096], *buf = NULL;
	size_t cap = 0, len, rlen = strlen(record);
	struct vb_chain c;
	double t;
	int fd;

	fresh(dir, log, head, sizeof(log));
	fd = open(log, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0640);
	if (fd < 0)
		return -1;
	vb_chain_genesis(&c);
	t = now_s();
	for (long i = 0; i < n; i++) {
		if (vb_chain_seal(&c, record, rlen, &buf, &cap, &len))
			return -1;
		buf[len] = '\n';
		if (write(fd, buf, len + 1) != (ssize_t)len + 1)
			return -1;
		vb_chain_advance(&c, buf, len);
	}
	t = now_s() - t;
	close(fd);
	free(buf);
	return n / t;
}

static void row(const char *what, double *plain, double *chained, int rounds)
{
	double p, c;

	qsort(plain, rounds, sizeof(*plain), cmp_double);
	qsort(chained, rounds, sizeof(*chained), cmp_double);
	p = plain[rounds / 2];
	c = chained[rounds / 2];
	printf("%-34s %12.0f %14.0f %14.2f\n", what, p, c, c / p);
}

int main(int argc, char **argv)
{
	double plain[MAX_ROUNDS], chained[MAX_ROUNDS];
	long n = 100000;
	int batch = 64, rounds = 3, c;
	const char *dir = NULL;
	char what[64], log[4096], head[4096];

	while ((c = getopt(argc, argv, "n:b:r:d:")) != -1) {
		switch (c) {
		case 'n':
			n = atol(optarg);
			break;
		case 'b':
			batch = atoi(optarg);
			break;
		case 'r':
			rounds = atoi(optarg);
			break;
		case 'd':
			dir = optarg;
			break;
		default:
			goto usage;
		}
	}
	if (!dir || n < 1 || batch < 1 || rounds < 1 || rounds > MAX_ROUNDS)
		goto usage;
	if (mkdir(dir, 0755) && errno != EEXIST) {
		fprintf(stderr, "log_rate: %s: %s\n", dir, strerror(errno));
		return 2;
	}
	printf("log bench: %ld records of %zu bytes a round, %d rounds (median), in %s\n", n,
	       strlen(record) + 1, rounds, dir);
	printf("%-34s %12s %14s %14s\n", "", "plain rec/s", "chained rec/s", "chained/plain");
	for (int r = 0; r < rounds; r++) {
		plain[r] = plain_durable(dir, n, batch);
		chained[r] = chained_durable(dir, n, batch);
		if (plain[r] < 0 || chained[r] < 0) {
			fprintf(stderr, "log_rate: a write failed in %s: %s\n", dir, strerror(errno));
			return 1;
		}
	}
	snprintf(what, sizeof(what), "durable (fdatasync every %d)", batch);
	row(what, plain, chained, rounds);
	for (int r = 0; r < rounds; r++) {
		plain[r] = plain_cpu(dir, n);
		chained[r] = chained_cpu(dir, n);
		if (plain[r] < 0 || chained[r] < 0) {
			fprintf(stderr, "log_rate: a write failed in %s: %s\n", dir, strerror(errno));
			return 1;
		}
	}
	row("cpu (no sync: seal + SHA-256)", plain, chained, rounds);
	fresh(dir, log, head, sizeof(log));
	return 0;
usage:
	fprintf(stderr, "usage: log_rate [-n RECORDS] [-b BATCH] [-r ROUNDS(1..%d)] -d DIR\n",
		MAX_ROUNDS);
	return 2;
}
