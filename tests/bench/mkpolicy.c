// SPDX-License-Identifier: GPL-2.0
/*
 * mkpolicy: write a large random policy for the scale figure of the reload benchmark
 * (tests/bench/reload_payload.sh), inside the test VM: a policy of a million rules is 70 MB of
 * text, which is cheaper to make where it is used than to carry in the initramfs.
 *
 *   mkpolicy OUT VERSION N_HASH N_PATH [SHA256...]
 *       one vendor with N_HASH sha256 rules, the SHA256s given first and random ones after,
 *       and N_PATH path rules: /opt/benchvendor/ (the banned directory every bench policy
 *       names) and N_PATH - 1 directories under /opt/scalevendor/ that do not exist, as most
 *       of a large policy's paths do not on any one host.
 *
 * Random hashes come from getrandom(2); a duplicate among 2^256 is not worth a check here (the
 * parser refuses one, and the bench would stop saying so).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>

#define MKPOLICY_BATCH	4096	/* random hashes drawn per getrandom call */
#define SHA256_LEN	32

static int fill_random(unsigned char *buf, size_t len)
{
	size_t got = 0;
	ssize_t n;

	while (got < len) {
		n = getrandom(buf + got, len - got, 0);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		got += n;
	}
	return 0;
}

static int write_random_hashes(FILE *f, unsigned long n)
{
	static unsigned char buf[MKPOLICY_BATCH * SHA256_LEN];
	static const char hex[] = "0123456789abcdef";
	char line[8 + 2 * SHA256_LEN + 2] = "\tsha256 ";
	unsigned long done = 0;
	int err;

	while (done < n) {
		unsigned long batch = n - done < MKPOLICY_BATCH ? n - done : MKPOLICY_BATCH;

		err = fill_random(buf, batch * SHA256_LEN);
		if (err)
			return err;
		for (unsigned long i = 0; i < batch; i++) {
			const unsigned char *h = buf + i * SHA256_LEN;

			for (int j = 0; j < SHA256_LEN; j++) {
				line[8 + 2 * j] = hex[h[j] >> 4];
				line[9 + 2 * j] = hex[h[j] & 15];
			}
			line[8 + 2 * SHA256_LEN] = '\n';
			if (fwrite(line, 1, 9 + 2 * SHA256_LEN, f) != 9 + 2 * SHA256_LEN)
				return -EIO;
		}
		done += batch;
	}
	return 0;
}

int main(int argc, char **argv)
{
	unsigned long n_hash, n_path, n_given;
	FILE *f;
	int err;

	if (argc < 5) {
		fprintf(stderr, "usage: mkpolicy OUT VERSION N_HASH N_PATH [SHA256...]\n");
		return 2;
	}
	n_hash = strtoul(argv[3], NULL, 10);
	n_path = strtoul(argv[4], NULL, 10);
	n_given = argc - 5;
	if (n_given > n_hash || n_path < 1) {
		fprintf(stderr, "mkpolicy: N_HASH must cover the %lu given hashes, N_PATH >= 1\n",
			n_given);
		return 2;
	}
	f = fopen(argv[1], "w");
	if (!f) {
		fprintf(stderr, "mkpolicy: %s: %s\n", argv[1], strerror(errno));
		return 1;
	}
	fprintf(f, "# vendorban bench: %lu sha256 rules, %lu path rules\nversion %s\n"
		"vendor scalevendor \"Scale Bench Vendor\"\n", n_hash, n_path, argv[2]);
	for (unsigned long i = 0; i < n_given; i++)
		fprintf(f, "\tsha256 %s\n", argv[5 + i]);
	err = write_random_hashes(f, n_hash - n_given);
	fprintf(f, "\tpath /opt/benchvendor/\n");
	for (unsigned long i = 1; i < n_path; i++)
		fprintf(f, "\tpath /opt/scalevendor/d%06lu/\n", i);
	if (fclose(f) || err) {
		fprintf(stderr, "mkpolicy: %s: %s\n", argv[1], strerror(err ? -err : errno));
		return 1;
	}
	return 0;
}
