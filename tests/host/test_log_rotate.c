// SPDX-License-Identifier: GPL-2.0
/*
 * Rotation: by size and by age into LOG.N.gz (gzip, via zlib), the chain going on across the
 * files, the oldest dropped past --log-keep, a crash at any step of it leaving every record in
 * exactly one complete file, and readers taking plain and compressed files alike. Tampering
 * inside a compressed file is found as in a plain one.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <json-c/json.h>
#include <zlib.h>
#include "kselftest_harness.h"
#include "hostutil.h"
#include "cli/cli.h"
#include "log/denylog.h"
#include "log/logtime.h"
#include "log/reader.h"
#include "log/rotate.h"
#include "log/verify.h"

int do_log(int argc, char **argv);

#define MAX_SIZE	4096	/* about a dozen records a file */
#define N_RECORDS	100

static char *denial(int i)
{
	struct json_object *o = json_object_new_object();
	char path[96], *s;

	snprintf(path, sizeof(path), "/opt/acme/lib/libacme-%03d.so", i);
	json_object_object_add(o, "time", json_object_new_string("2026-05-01T10:00:00.000000Z"));
	json_object_object_add(o, "host", json_object_new_string("h1"));
	json_object_object_add(o, "action", json_object_new_string("deny"));
	json_object_object_add(o, "operation", json_object_new_string("mmap"));
	json_object_object_add(o, "path", json_object_new_string(path));
	json_object_object_add(o, "vendor", json_object_new_string("acme"));
	json_object_object_add(o, "rule", json_object_new_string("acme-lib"));
	json_object_object_add(o, "uid", json_object_new_int(i));
	s = strdup(json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN |
						  JSON_C_TO_STRING_NOSLASHESCAPE));
	json_object_put(o);
	return s;
}

FIXTURE(rotate) {
	char dir[64];
	char log[128];
	char head[128];
	char out[128];
	struct vb_denylog_opts opts;
	struct vb_verify v;
};

FIXTURE_SETUP(rotate)
{
	strcpy(self->dir, "/tmp/vb-rotate-XXXXXX");
	ASSERT_NE(NULL, mkdtemp(self->dir));
	snprintf(self->log, sizeof(self->log), "%s/denials.jsonl", self->dir);
	snprintf(self->head, sizeof(self->head), "%s/denials.head", self->dir);
	snprintf(self->out, sizeof(self->out), "%s/out.txt", self->dir);
	self->opts = (struct vb_denylog_opts){ MAX_SIZE, 0, 30, self->head, true };
}

FIXTURE_TEARDOWN(rotate)
{
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", self->dir);
	if (system(cmd))
		TH_LOG("cleanup of %s failed", self->dir);
}

static int append_n(struct vb_denylog *l, int from, int n)
{
	for (int i = from; i < from + n; i++) {
		char *s = denial(i);
		int err = vb_denylog_append(l, s);

		free(s);
		if (err)
			return err;
	}
	return vb_denylog_flush(l);
}

static int write_log(FIXTURE_DATA(rotate) *self, int n)
{
	struct vb_denylog l;
	int err = vb_denylog_open(&l, self->log, &self->opts);

	if (!err)
		err = append_n(&l, 0, n);
	vb_denylog_close(&l);
	return err;
}

static int verify_all(FIXTURE_DATA(rotate) *self, const char *head, size_t *n_files)
{
	char **files;
	size_t n;
	int err = vb_rotate_list(self->log, &files, &n);

	if (err)
		return err;
	err = vb_log_verify(files, n, head, &self->v);
	vb_rotate_free_list(files, n);
	if (n_files)
		*n_files = n;
	return err;
}

static bool is_gzip(const char *path)
{
	unsigned char m[2] = { 0 };
	FILE *f = fopen(path, "rb");

	if (!f)
		return false;
	if (fread(m, 1, 2, f) != 2)
		m[0] = 0;
	fclose(f);
	return m[0] == 0x1f && m[1] == 0x8b;
}

/* The first line of a plain or gzip file. */
static int first_line(const char *path, char *buf, size_t len)
{
	gzFile gz = gzopen(path, "rb");
	char *nl;

	if (!gz)
		return -errno;
	if (!gzgets(gz, buf, len)) {
		gzclose(gz);
		return -EIO;
	}
	gzclose(gz);
	nl = strchr(buf, '\n');
	if (nl)
		*nl = 0;
	return 0;
}

static int count_lines(const char *path)
{
	struct vb_log_reader r;
	const char *line;
	unsigned int flags;
	size_t len;
	int n = 0;

	if (vb_log_reader_open(&r, path, -1))
		return -1;
	while (vb_log_reader_next(&r, &line, &len, &flags) > 0)
		n++;
	vb_log_reader_close(&r);
	return n;
}

TEST_F(rotate, by_size_into_gzip_and_the_chain_goes_on)
{
	char path[256], line[1024];
	char **files;
	size_t n, total = 0;
	struct stat st;

	ASSERT_EQ(0, write_log(self, N_RECORDS));
	ASSERT_EQ(0, vb_rotate_list(self->log, &files, &n));
	ASSERT_LT(5u, n) TH_LOG("only %zu files", n);
	for (size_t i = 0; i < n; i++) {
		bool current = i == n - 1;

		/* Oldest first: LOG.<n-1>.gz ... LOG.1.gz, then LOG. */
		if (current)
			snprintf(path, sizeof(path), "%s", self->log);
		else
			vb_rotate_name(self->log, n - 1 - i, true, path, sizeof(path));
		EXPECT_STREQ(path, files[i]);
		EXPECT_EQ(!current, is_gzip(files[i])) TH_LOG("%s", files[i]);
		ASSERT_EQ(0, stat(files[i], &st));
		EXPECT_EQ(0640u, st.st_mode & 0777);
		/* Each file begins with its opening record; after the first, one that names the
		 * file before it, whose last record it chains to. */
		ASSERT_EQ(0, first_line(files[i], line, sizeof(line)));
		EXPECT_NE(NULL, strstr(line, "\"action\":\"open\"")) TH_LOG("%s", line);
		if (i) {
			EXPECT_NE(NULL, strstr(line, "\"reason\":\"rotate\""));
			EXPECT_NE(NULL, strstr(line, "\"previous_file\":\"denials.jsonl.1.gz\""));
		}
		total += count_lines(files[i]);
		/* A rotated file does not pass the size (a record never straddles two). */
		if (!current) {
			char plain[256];

			vb_rotate_name(self->log, n - 1 - i, false, plain, sizeof(plain));
			EXPECT_NE(0, access(plain, F_OK));	/* no plain copy left */
		}
	}
	EXPECT_EQ(N_RECORDS + n, total);
	vb_rotate_free_list(files, n);

	ASSERT_EQ(0, verify_all(self, self->head, NULL));
	EXPECT_FALSE(self->v.tampered) TH_LOG("%s:%lu: %s", self->v.file, self->v.line,
					      self->v.problem);
	EXPECT_TRUE(self->v.from_genesis);
	EXPECT_TRUE(self->v.head_matched);
	EXPECT_EQ(total, self->v.records);
	EXPECT_EQ(total, self->v.last_seq);
}

TEST_F(rotate, sizes_are_kept)
{
	char **files;
	size_t n;
	struct stat st;

	ASSERT_EQ(0, write_log(self, N_RECORDS));
	ASSERT_EQ(0, vb_rotate_list(self->log, &files, &n));
	for (size_t i = 0; i + 1 < n; i++) {
		gzFile gz = gzopen(files[i], "rb");
		char buf[8192];
		int len = gz ? gzread(gz, buf, sizeof(buf)) : -1;

		if (gz)
			gzclose(gz);
		EXPECT_GE(MAX_SIZE, len) TH_LOG("%s holds %d bytes", files[i], len);
	}
	ASSERT_EQ(0, stat(self->log, &st));
	EXPECT_GE(MAX_SIZE, st.st_size);
	vb_rotate_free_list(files, n);
}

TEST_F(rotate, keep_drops_the_oldest_and_the_rest_still_verifies)
{
	char path[256];
	size_t n;

	self->opts.keep = 3;
	ASSERT_EQ(0, write_log(self, N_RECORDS));
	for (unsigned int i = 1; i <= 3; i++) {
		vb_rotate_name(self->log, i, true, path, sizeof(path));
		EXPECT_EQ(0, access(path, F_OK)) TH_LOG("%s", path);
	}
	vb_rotate_name(self->log, 4, true, path, sizeof(path));
	EXPECT_NE(0, access(path, F_OK));
	ASSERT_EQ(0, verify_all(self, self->head, &n));
	EXPECT_EQ(4u, n);
	EXPECT_FALSE(self->v.tampered) TH_LOG("%s", self->v.problem);
	EXPECT_FALSE(self->v.from_genesis);	/* records 1.. went with the dropped files */
	EXPECT_LT(1u, self->v.first_seq);
	EXPECT_TRUE(self->v.head_matched);
}

TEST_F(rotate, by_age)
{
	struct vb_denylog l;
	char path[256];

	self->opts.max_size = 0;
	self->opts.max_age = 3600;
	ASSERT_EQ(0, vb_denylog_open(&l, self->log, &self->opts));
	ASSERT_EQ(0, append_n(&l, 0, 3));
	vb_rotate_name(self->log, 1, true, path, sizeof(path));
	EXPECT_NE(0, access(path, F_OK));
	l.file_start_us -= 3601 * VB_US_PER_SEC;	/* an hour on */
	ASSERT_EQ(0, append_n(&l, 3, 1));
	EXPECT_EQ(1u, l.rotations);
	EXPECT_TRUE(is_gzip(path));
	vb_denylog_close(&l);
	EXPECT_EQ(4, count_lines(path));		/* open + 3 */
	EXPECT_EQ(2, count_lines(self->log));		/* open + 1 */
	ASSERT_EQ(0, verify_all(self, self->head, NULL));
	EXPECT_FALSE(self->v.tampered) TH_LOG("%s", self->v.problem);
}

/* The age of a file the daemon finds at start is that of its first record. */
TEST_F(rotate, age_survives_a_restart)
{
	struct vb_denylog l;
	char path[256];
	int fd;

	self->opts.max_size = 0;
	self->opts.max_age = 3600;
	fd = open(self->log, O_WRONLY | O_CREAT, 0640);
	ASSERT_LE(0, fd);
	dprintf(fd, "{\"seq\":1,\"prev\":\"%064d\",\"time\":\"2020-01-01T00:00:00.000000Z\","
		"\"action\":\"open\"}\n", 0);
	close(fd);
	ASSERT_EQ(0, vb_denylog_open(&l, self->log, &self->opts));
	EXPECT_EQ(0u, l.rotations);
	ASSERT_EQ(0, append_n(&l, 0, 1));
	EXPECT_EQ(1u, l.rotations);
	vb_denylog_close(&l);
	vb_rotate_name(self->log, 1, true, path, sizeof(path));
	EXPECT_TRUE(is_gzip(path));
}

/* Rotation moved LOG to LOG.1 and the daemon died before the new LOG had a record: the next
 * one takes the chain from the newest rotated file. */
TEST_F(rotate, crash_between_rename_and_new_file)
{
	struct vb_denylog l;
	char line[1024], plain[256];

	ASSERT_EQ(0, write_log(self, 30));
	vb_rotate_name(self->log, 1, false, plain, sizeof(plain));
	ASSERT_EQ(0, vb_rotate_shift(self->log, self->opts.keep));
	ASSERT_EQ(0, rename(self->log, plain));
	ASSERT_EQ(0, vb_denylog_open(&l, self->log, &self->opts));
	ASSERT_EQ(0, append_n(&l, 100, 2));
	vb_denylog_close(&l);
	ASSERT_EQ(0, first_line(self->log, line, sizeof(line)));
	EXPECT_NE(NULL, strstr(line, "\"reason\":\"continue\",\"file\":\"denials.jsonl\","
			       "\"previous_file\":\"denials.jsonl.1.gz\"")) TH_LOG("%s", line);
	ASSERT_EQ(0, verify_all(self, self->head, NULL));
	EXPECT_FALSE(self->v.tampered) TH_LOG("%s", self->v.problem);
	EXPECT_TRUE(self->v.from_genesis);
}

/* The compression was cut short: LOG.1 plain and a partial LOG.1.gz.tmp. Or it had completed
 * LOG.1.gz and not yet removed LOG.1. Either way every record is read once, and the next start
 * finishes the job. */
TEST_F(rotate, crash_during_compression)
{
	char plain[256], gz[256], tmp[300], cmd[2048];
	struct vb_denylog l;
	char **files;
	size_t n;

	ASSERT_EQ(0, write_log(self, 30));
	vb_rotate_name(self->log, 1, false, plain, sizeof(plain));
	vb_rotate_name(self->log, 1, true, gz, sizeof(gz));
	snprintf(tmp, sizeof(tmp), "%s.tmp", gz);
	snprintf(cmd, sizeof(cmd), "gzip -dc '%s' > '%s' && rm '%s' && head -c 20 '%s' > '%s'",
		 gz, plain, gz, plain, tmp);
	ASSERT_EQ(0, system(cmd));
	ASSERT_EQ(0, vb_rotate_list(self->log, &files, &n));
	EXPECT_STREQ(plain, files[n - 2]);	/* the .tmp is never read */
	vb_rotate_free_list(files, n);
	ASSERT_EQ(0, verify_all(self, self->head, NULL));
	EXPECT_FALSE(self->v.tampered) TH_LOG("%s", self->v.problem);

	ASSERT_EQ(0, vb_denylog_open(&l, self->log, &self->opts));
	vb_denylog_close(&l);
	EXPECT_TRUE(is_gzip(gz));
	EXPECT_NE(0, access(plain, F_OK));
	EXPECT_NE(0, access(tmp, F_OK));

	/* Both copies: the .gz is complete (renamed after its fsync), so it is the one read,
	 * whatever the plain one holds, and the next start drops the plain one. */
	snprintf(cmd, sizeof(cmd), "echo garbage > '%s'", plain);
	ASSERT_EQ(0, system(cmd));
	ASSERT_EQ(0, vb_rotate_list(self->log, &files, &n));
	EXPECT_STREQ(gz, files[n - 2]);
	vb_rotate_free_list(files, n);
	ASSERT_EQ(0, verify_all(self, self->head, NULL));
	EXPECT_FALSE(self->v.tampered) TH_LOG("%s", self->v.problem);
	ASSERT_EQ(0, vb_denylog_open(&l, self->log, &self->opts));
	vb_denylog_close(&l);
	EXPECT_NE(0, access(plain, F_OK));
	ASSERT_EQ(0, verify_all(self, self->head, NULL));
	EXPECT_FALSE(self->v.tampered) TH_LOG("%s", self->v.problem);
}

/* The files and the head are gone: the chain goes on from the head file, and says so. */
TEST_F(rotate, files_gone_chain_goes_on_from_the_head)
{
	struct vb_denylog l;
	char cmd[256], line[2048];
	FILE *f;

	ASSERT_EQ(0, write_log(self, 10));
	snprintf(cmd, sizeof(cmd), "rm -f %s/denials.jsonl*", self->dir);
	ASSERT_EQ(0, system(cmd));
	ASSERT_EQ(0, vb_denylog_open(&l, self->log, &self->opts));
	EXPECT_LT(10u, l.chain.seq);
	vb_denylog_close(&l);
	f = fopen(self->log, "r");
	ASSERT_NE(NULL, f);
	ASSERT_NE(NULL, fgets(line, sizeof(line), f));
	EXPECT_NE(NULL, strstr(line, "\"reason\":\"continue\""));
	ASSERT_NE(NULL, fgets(line, sizeof(line), f));
	EXPECT_NE(NULL, strstr(line, "\"action\":\"gap\""));
	EXPECT_NE(NULL, strstr(line, "the log files are gone"));
	fclose(f);
	ASSERT_EQ(0, verify_all(self, self->head, NULL));
	EXPECT_FALSE(self->v.tampered) TH_LOG("%s", self->v.problem);
	EXPECT_FALSE(self->v.from_genesis);
}

/* A log from before the chain (the same records, no seq or prev) is kept aside under a name
 * the chain's readers do not take, and the gap record of the new log points at it. */
TEST_F(rotate, unchained_log_from_before_is_kept_aside)
{
	struct vb_denylog l;
	char cmd[256], line[2048];
	FILE *f = fopen(self->log, "w");

	ASSERT_NE(NULL, f);
	fputs("{\"time\":\"2026-01-01T00:00:00.000000Z\",\"action\":\"deny\"}\n", f);
	fclose(f);
	ASSERT_EQ(0, vb_denylog_open(&l, self->log, &self->opts));
	vb_denylog_close(&l);
	snprintf(cmd, sizeof(cmd), "ls %s/denials.jsonl.unchained-* >/dev/null", self->dir);
	EXPECT_EQ(0, system(cmd));
	f = fopen(self->log, "r");
	ASSERT_NE(NULL, f);
	ASSERT_NE(NULL, fgets(line, sizeof(line), f));
	EXPECT_NE(NULL, strstr(line, "\"seq\":1,"));
	EXPECT_NE(NULL, strstr(line, "\"reason\":\"start\""));
	ASSERT_NE(NULL, fgets(line, sizeof(line), f));
	EXPECT_NE(NULL, strstr(line, "written before the hash chain")) TH_LOG("%s", line);
	fclose(f);
	ASSERT_EQ(0, verify_all(self, self->head, NULL));
	EXPECT_FALSE(self->v.tampered) TH_LOG("%s", self->v.problem);
	EXPECT_TRUE(self->v.from_genesis);
}

static int run_log(const char *out, bool json, char **argv, char **text)
{
	int status = cli_run(do_log, json, argv, out, "/dev/null");

	*text = slurp(out) ?: strdup("");
	return status;
}

/* Altered inside a .gz: found there, at the line of the decompressed text. */
TEST_F(rotate, tampered_inside_a_gzip_file)
{
	char gz[256], cmd[2048], *text, want[512];
	char *argv[] = { "log", "verify", "--log", self->log, "--head", self->head, NULL };

	ASSERT_EQ(0, write_log(self, N_RECORDS));
	vb_rotate_name(self->log, 2, true, gz, sizeof(gz));
	/* One byte of the third line's path, then compressed again. */
	snprintf(cmd, sizeof(cmd), "gzip -dc '%s' | sed '3s/libacme-/libacme_/' | gzip > '%s.new' "
		 "&& mv '%s.new' '%s'", gz, gz, gz, gz);
	ASSERT_EQ(0, system(cmd));
	ASSERT_EQ(1, run_log(self->out, false, argv, &text));
	EXPECT_EQ(0, strncmp(text, gz, strlen(gz))) TH_LOG("%s", text);
	EXPECT_NE(NULL, strstr(text, ":3: record ")) TH_LOG("%s", text);
	EXPECT_NE(NULL, strstr(text, " altered (hash mismatch")) TH_LOG("%s", text);
	free(text);

	/* A .gz cut short. */
	snprintf(cmd, sizeof(cmd), "rm -f %s/denials.*", self->dir);
	ASSERT_EQ(0, system(cmd));
	ASSERT_EQ(0, write_log(self, N_RECORDS));
	snprintf(cmd, sizeof(cmd), "truncate -s -10 '%s'", gz);
	ASSERT_EQ(0, system(cmd));
	ASSERT_EQ(1, run_log(self->out, false, argv, &text));
	snprintf(want, sizeof(want), "%s:", gz);
	EXPECT_EQ(0, strncmp(text, want, strlen(want))) TH_LOG("%s", text);
	EXPECT_NE(NULL, strstr(text, "truncated: compressed data ends early")) TH_LOG("%s", text);
	free(text);
}

/* show reads .gz and plain alike, oldest first: every denial once, in order. */
TEST_F(rotate, show_reads_plain_and_gzip_in_order)
{
	char *argv[] = { "log", "show", "--log", self->log, "--action", "deny", NULL };
	char *text, *p, want[64];
	int i = 0;

	ASSERT_EQ(0, write_log(self, N_RECORDS));
	ASSERT_EQ(0, run_log(self->out, false, argv, &text));
	for (p = text; (p = strstr(p, "libacme-")); p++) {
		snprintf(want, sizeof(want), "libacme-%03d.so", i++);
		EXPECT_EQ(0, strncmp(p, want, strlen(want)));
	}
	EXPECT_EQ(N_RECORDS, i);
	free(text);
}

/* The daemon compresses beside its event loop; close waits for it. */
TEST_F(rotate, background_compression)
{
	char gz[256];
	size_t n;

	self->opts.compress_inline = false;
	ASSERT_EQ(0, write_log(self, N_RECORDS));
	vb_rotate_name(self->log, 1, true, gz, sizeof(gz));
	EXPECT_TRUE(is_gzip(gz));
	ASSERT_EQ(0, verify_all(self, self->head, &n));
	EXPECT_FALSE(self->v.tampered) TH_LOG("%s", self->v.problem);
	EXPECT_LT(5u, n);
}

TEST(size_and_age_arguments)
{
	uint64_t v;

	EXPECT_EQ(0, vb_size_parse("64M", &v));
	EXPECT_EQ(64ull << 20, v);
	EXPECT_EQ(0, vb_size_parse("4096", &v));
	EXPECT_EQ(4096u, v);
	EXPECT_EQ(0, vb_size_parse("1G", &v));
	EXPECT_EQ(1ull << 30, v);
	EXPECT_EQ(-EINVAL, vb_size_parse("64MB", &v));
	EXPECT_EQ(-EINVAL, vb_size_parse("-1", &v));
	EXPECT_EQ(-EINVAL, vb_size_parse("99999999999T", &v));
	EXPECT_EQ(0, vb_duration_parse("7d", &v));
	EXPECT_EQ(7u * 86400, v);
	EXPECT_EQ(0, vb_duration_parse("90", &v));
	EXPECT_EQ(90u, v);
	EXPECT_EQ(0, vb_duration_parse("2w", &v));
	EXPECT_EQ(14u * 86400, v);
	EXPECT_EQ(-EINVAL, vb_duration_parse("7 d", &v));
	EXPECT_EQ(-EINVAL, vb_duration_parse("", &v));
}

TEST_HARNESS_MAIN
