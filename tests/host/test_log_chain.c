// SPDX-License-Identifier: GPL-2.0
/*
 * The denial log's hash chain: what the writer puts on each line, and that verification names
 * each kind of tampering (a record deleted, altered, reordered, duplicated, cut off) at its
 * file:line; the losses the writer declares itself (a torn line after a crash, writes that
 * failed) keep the chain verifiable; and the copies forwarded to audit and syslog carry the
 * chain and cannot be read as other fields.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <json-c/json.h>
#include <openssl/evp.h>
#include "kselftest_harness.h"
#include "hostutil.h"
#include "cli/cli.h"
#include "log/denylog.h"
#include "log/chain.h"
#include "log/forward.h"
#include "log/verify.h"

int do_log(int argc, char **argv);

#define N_DENIALS	5	/* records 2..6; record 1 opens the file */
#define MAX_LINES	64

static const char genesis[] = "0000000000000000000000000000000000000000000000000000000000000000";

static char *denial(int i)
{
	struct json_object *o = json_object_new_object();
	char path[64], *s;

	snprintf(path, sizeof(path), "/opt/acme/bin/tool-%d", i);
	json_object_object_add(o, "time", json_object_new_string("2026-05-01T10:00:00.000000Z"));
	json_object_object_add(o, "host", json_object_new_string("h1"));
	json_object_object_add(o, "action", json_object_new_string("deny"));
	json_object_object_add(o, "operation", json_object_new_string("exec"));
	json_object_object_add(o, "path", json_object_new_string(path));
	json_object_object_add(o, "vendor", json_object_new_string("acme"));
	json_object_object_add(o, "rule", json_object_new_string("acme-path-1"));
	json_object_object_add(o, "uid", json_object_new_int(1000 + i));
	s = strdup(json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN |
						  JSON_C_TO_STRING_NOSLASHESCAPE));
	json_object_put(o);
	return s;
}

/* The file's lines, each malloc'd with its '\n' if it had one. */
static int read_lines(const char *path, char **lines, int max)
{
	FILE *f = fopen(path, "r");
	size_t cap = 0;
	char *l = NULL;
	int n = 0;

	if (!f)
		return -1;
	while (n < max && getline(&l, &cap, f) > 0) {
		lines[n++] = l;
		l = NULL;
		cap = 0;
	}
	free(l);
	fclose(f);
	return n;
}

static int write_lines(const char *path, char **lines, int n)
{
	FILE *f = fopen(path, "w");

	if (!f)
		return -1;
	for (int i = 0; i < n; i++)
		if (lines[i])
			fputs(lines[i], f);
	return fclose(f);
}

static void free_lines(char **lines, int n)
{
	for (int i = 0; i < n; i++)
		free(lines[i]);
}

FIXTURE(chain) {
	char dir[64];
	char log[128];
	char head[128];
	char out[128];
	char *lines[MAX_LINES];
	int n;
	struct vb_verify v;
};

static void write_log(struct __test_metadata *_metadata, FIXTURE_DATA(chain) *self)
{
	struct vb_denylog_opts o = { 0, 0, 30, self->head, true };
	struct vb_denylog l;

	ASSERT_EQ(0, vb_denylog_open(&l, self->log, &o));
	for (int i = 0; i < N_DENIALS; i++) {
		char *s = denial(i);

		ASSERT_EQ(0, vb_denylog_append(&l, s));
		free(s);
	}
	ASSERT_EQ(0, vb_denylog_flush(&l));
	EXPECT_EQ(0u, l.write_errors);
	EXPECT_EQ(1u + N_DENIALS, l.chain.seq);
	vb_denylog_close(&l);
}

FIXTURE_SETUP(chain)
{
	strcpy(self->dir, "/tmp/vb-chain-XXXXXX");
	ASSERT_NE(NULL, mkdtemp(self->dir));
	snprintf(self->log, sizeof(self->log), "%s/denials.jsonl", self->dir);
	snprintf(self->head, sizeof(self->head), "%s/denials.head", self->dir);
	snprintf(self->out, sizeof(self->out), "%s/out.txt", self->dir);
	write_log(_metadata, self);
	self->n = read_lines(self->log, self->lines, MAX_LINES);
	ASSERT_EQ(1 + N_DENIALS, self->n);
}

FIXTURE_TEARDOWN(chain)
{
	char cmd[128];

	free_lines(self->lines, self->n);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", self->dir);
	if (system(cmd))
		TH_LOG("cleanup of %s failed", self->dir);
}

static int verify(FIXTURE_DATA(chain) *self, const char *head)
{
	char *files[] = { self->log };

	return vb_log_verify(files, 1, head, &self->v);
}

/* Rewrite the log as the fixture's lines, with line i (from 0) set to text (NULL: dropped). */
static int tamper(FIXTURE_DATA(chain) *self, int i, const char *text)
{
	char *saved = self->lines[i];
	int err;

	self->lines[i] = (char *)text;
	err = write_lines(self->log, self->lines, self->n);
	self->lines[i] = saved;
	return err;
}

static void sha256_hex(const char *s, size_t len, char out[65])
{
	unsigned char md[32];
	unsigned int n;

	EVP_Digest(s, len, md, &n, EVP_sha256(), NULL);
	for (int i = 0; i < 32; i++)
		sprintf(out + 2 * i, "%02x", md[i]);
}

TEST_F(chain, each_line_is_seq_prev_then_the_record_hashed_as_written)
{
	char want[128], hash[65];

	/* Record 1 opens the chain from the genesis value. */
	snprintf(want, sizeof(want), "{\"seq\":1,\"prev\":\"%s\",", genesis);
	EXPECT_EQ(0, strncmp(self->lines[0], want, strlen(want))) TH_LOG("%s", self->lines[0]);
	EXPECT_NE(NULL, strstr(self->lines[0], "\"action\":\"open\""));
	EXPECT_NE(NULL, strstr(self->lines[0], "\"reason\":\"start\""));
	/* Each prev is SHA-256 of the line before, every byte but its '\n': sha256sum can check. */
	for (int i = 1; i < self->n; i++) {
		sha256_hex(self->lines[i - 1], strlen(self->lines[i - 1]) - 1, hash);
		snprintf(want, sizeof(want), "{\"seq\":%d,\"prev\":\"%s\",\"time\":", i + 1, hash);
		EXPECT_EQ(0, strncmp(self->lines[i], want, strlen(want)))
			TH_LOG("line %d: %s", i + 1, self->lines[i]);
	}
	/* The other fields follow as they were given. */
	EXPECT_NE(NULL, strstr(self->lines[1], "\"path\":\"/opt/acme/bin/tool-0\",\"vendor\""));
}

TEST_F(chain, intact_from_genesis_and_the_head_matches)
{
	char hash[65], hex[65];

	ASSERT_EQ(0, verify(self, self->head));
	EXPECT_FALSE(self->v.tampered) TH_LOG("%s", self->v.problem);
	EXPECT_EQ(1u + N_DENIALS, self->v.records);
	EXPECT_EQ(1u, self->v.first_seq);
	EXPECT_EQ(1u + N_DENIALS, self->v.last_seq);
	EXPECT_TRUE(self->v.from_genesis);
	EXPECT_TRUE(self->v.head_matched);
	EXPECT_EQ(0u, self->v.gaps);
	sha256_hex(self->lines[self->n - 1], strlen(self->lines[self->n - 1]) - 1, hash);
	vb_hex(self->v.last_hash, 32, hex);
	EXPECT_STREQ(hash, hex);
}

TEST_F(chain, deleted_in_the_middle)
{
	ASSERT_EQ(0, tamper(self, 3, NULL));	/* record 4 */
	ASSERT_EQ(0, verify(self, self->head));
	EXPECT_TRUE(self->v.tampered);
	EXPECT_STREQ("deleted", self->v.kind);
	EXPECT_STREQ("record 4 deleted (seq jumps 3 -> 5)", self->v.problem);
	EXPECT_STREQ(self->log, self->v.file);
	EXPECT_EQ(4u, self->v.line);		/* where record 5 now is */
	EXPECT_EQ(3u, self->v.records);
}

TEST_F(chain, two_deleted_in_the_middle)
{
	char *saved = self->lines[3];

	self->lines[3] = NULL;
	ASSERT_EQ(0, tamper(self, 2, NULL));	/* records 3 and 4 */
	self->lines[3] = saved;
	ASSERT_EQ(0, verify(self, self->head));
	EXPECT_STREQ("records 3..4 deleted (seq jumps 2 -> 5)", self->v.problem);
}

TEST_F(chain, deleted_first_the_opening_record)
{
	ASSERT_EQ(0, tamper(self, 0, NULL));
	ASSERT_EQ(0, verify(self, self->head));
	EXPECT_TRUE(self->v.tampered);
	EXPECT_STREQ("deleted", self->v.kind);
	EXPECT_STREQ("record 1 deleted (the file begins with record 2, not an opening record)",
		     self->v.problem);
	EXPECT_EQ(1u, self->v.line);
}

TEST_F(chain, deleted_first_denial)
{
	ASSERT_EQ(0, tamper(self, 1, NULL));
	ASSERT_EQ(0, verify(self, self->head));
	EXPECT_STREQ("record 2 deleted (seq jumps 1 -> 3)", self->v.problem);
	EXPECT_EQ(2u, self->v.line);
}

/* The limit of any chain: the records are all consistent, fewer of them. Only the head the
 * writer keeps elsewhere shows that the last one is gone. */
TEST_F(chain, deleted_last_shows_only_with_the_head)
{
	ASSERT_EQ(0, tamper(self, self->n - 1, NULL));
	ASSERT_EQ(0, verify(self, NULL));
	EXPECT_FALSE(self->v.tampered);
	EXPECT_EQ((uint64_t)N_DENIALS, self->v.last_seq);

	ASSERT_EQ(0, verify(self, self->head));
	EXPECT_TRUE(self->v.tampered);
	EXPECT_STREQ("truncated", self->v.kind);
	EXPECT_STREQ("truncated: record 6 missing at the end (the chain head records seq 6)",
		     self->v.problem);
}

TEST_F(chain, altered_one_byte_of_a_field)
{
	char *l = strdup(self->lines[2]), *p = strstr(l, "tool-1");	/* record 3 */

	ASSERT_NE(NULL, p);
	p[5] = '7';
	ASSERT_EQ(0, tamper(self, 2, l));
	ASSERT_EQ(0, verify(self, self->head));
	EXPECT_TRUE(self->v.tampered);
	EXPECT_STREQ("altered", self->v.kind);
	EXPECT_STREQ("record 3 altered (hash mismatch: record 4's prev does not match it)",
		     self->v.problem);
	EXPECT_EQ(3u, self->v.line);
	free(l);
}

TEST_F(chain, altered_last_record_shows_against_the_head)
{
	char *l = strdup(self->lines[self->n - 1]), *p = strstr(l, "\"uid\":1004");

	ASSERT_NE(NULL, p);
	p[9] = '0';
	ASSERT_EQ(0, tamper(self, self->n - 1, l));
	ASSERT_EQ(0, verify(self, NULL));
	EXPECT_FALSE(self->v.tampered);
	ASSERT_EQ(0, verify(self, self->head));
	EXPECT_STREQ("record 6 altered (it does not match the chain head)", self->v.problem);
	EXPECT_EQ(6u, self->v.line);
	free(l);
}

TEST_F(chain, altered_seq_prev_and_json_itself)
{
	char *l = strdup(self->lines[2]);

	l[7] = '9';				/* {"seq":3 -> {"seq":9 */
	ASSERT_EQ(0, tamper(self, 2, l));
	ASSERT_EQ(0, verify(self, self->head));
	EXPECT_STREQ("record 3 altered (its seq reads 9)", self->v.problem);
	free(l);

	l = strdup(self->lines[3]);		/* record 4's prev: a valid hash, the wrong one */
	l[17] = l[17] == 'a' ? 'b' : 'a';
	ASSERT_EQ(0, tamper(self, 3, l));
	ASSERT_EQ(0, verify(self, self->head));
	EXPECT_STREQ("record 4 altered (its prev does not match record 3)", self->v.problem);
	free(l);

	l = strdup(self->lines[3]);
	*strstr(l, "\"vendor\"") = 'X';		/* no longer JSON */
	ASSERT_EQ(0, tamper(self, 3, l));
	ASSERT_EQ(0, verify(self, self->head));
	EXPECT_STREQ("altered", self->v.kind);
	EXPECT_STREQ("record 4 altered (line is not a record: not valid JSON)", self->v.problem);
	EXPECT_EQ(4u, self->v.line);
	free(l);
}

TEST_F(chain, reordered_two_records)
{
	char *a = self->lines[2];

	self->lines[2] = self->lines[3];
	self->lines[3] = a;
	ASSERT_EQ(0, write_lines(self->log, self->lines, self->n));
	ASSERT_EQ(0, verify(self, self->head));
	EXPECT_STREQ("reordered", self->v.kind);
	EXPECT_STREQ("reordered: record 4 comes before record 3", self->v.problem);
	EXPECT_EQ(3u, self->v.line);
}

TEST_F(chain, duplicated_record)
{
	char *copy = malloc(2 * strlen(self->lines[2]) + 1);

	strcpy(copy, self->lines[2]);
	strcat(copy, self->lines[2]);
	ASSERT_EQ(0, tamper(self, 2, copy));
	ASSERT_EQ(0, verify(self, self->head));
	EXPECT_STREQ("duplicated", self->v.kind);
	EXPECT_STREQ("record 3 duplicated", self->v.problem);
	EXPECT_EQ(4u, self->v.line);
	free(copy);
}

TEST_F(chain, truncated_last_line_cut)
{
	char *l = strndup(self->lines[self->n - 1], 40);

	ASSERT_EQ(0, tamper(self, self->n - 1, l));
	ASSERT_EQ(0, verify(self, NULL));
	EXPECT_TRUE(self->v.tampered);
	EXPECT_STREQ("truncated", self->v.kind);
	EXPECT_STREQ("truncated: last line incomplete", self->v.problem);
	EXPECT_EQ(6u, self->v.line);
	free(l);
}

/* A crash mid-write leaves a torn line. The restarted writer does not edit it away: it ends
 * the line and writes a gap record that declares exactly those bytes, so the chain verifies
 * and the loss is on record. */
TEST_F(chain, torn_line_after_a_crash_is_declared_and_verifies)
{
	struct vb_denylog_opts o = { 0, 0, 30, self->head, true };
	struct vb_denylog l;
	char *lines[MAX_LINES], *s;
	int fd, n;

	fd = open(self->log, O_WRONLY | O_APPEND);
	ASSERT_LE(0, fd);
	ASSERT_EQ(30, write(fd, "{\"seq\":7,\"prev\":\"0123456789abc", 30));
	close(fd);
	ASSERT_EQ(0, verify(self, self->head));
	EXPECT_STREQ("truncated: last line incomplete", self->v.problem);

	ASSERT_EQ(0, vb_denylog_open(&l, self->log, &o));
	EXPECT_EQ(8u, l.chain.seq);		/* the gap (7) and the restart's opening record */
	s = denial(9);
	ASSERT_EQ(0, vb_denylog_append(&l, s));
	free(s);
	vb_denylog_close(&l);

	n = read_lines(self->log, lines, MAX_LINES);
	ASSERT_EQ(10, n);
	EXPECT_STREQ("{\"seq\":7,\"prev\":\"0123456789abc\n", lines[6]);
	EXPECT_NE(NULL, strstr(lines[7], "\"seq\":7,"));
	EXPECT_NE(NULL, strstr(lines[7], "\"action\":\"gap\",\"lost\":1,"));
	EXPECT_NE(NULL, strstr(lines[7], "\"damaged_bytes\":30,\"damaged_lines\":1,"));
	EXPECT_NE(NULL, strstr(lines[8], "\"reason\":\"restart\""));
	free_lines(lines, n);

	ASSERT_EQ(0, verify(self, self->head));
	EXPECT_FALSE(self->v.tampered) TH_LOG("%s:%lu: %s", self->v.file, self->v.line,
					      self->v.problem);
	EXPECT_EQ(1u, self->v.damaged_lines);
	EXPECT_EQ(1u, self->v.gaps);
	EXPECT_EQ(1u, self->v.lost);
	EXPECT_EQ(9u, self->v.last_seq);
	EXPECT_TRUE(self->v.head_matched);

	/* Other bytes where the declared ones were: the declaration no longer holds. */
	n = read_lines(self->log, lines, MAX_LINES);
	lines[6][20] = 'X';
	ASSERT_EQ(0, write_lines(self->log, lines, n));
	free_lines(lines, n);
	ASSERT_EQ(0, verify(self, self->head));
	EXPECT_STREQ("record 7 altered (line is not a record: not valid JSON)", self->v.problem);
}

/* Writes that fail (here: the file size limit, as a full disk would) lose records; each is
 * counted, and the first write that works again is a gap record that says how many. */
TEST_F(chain, failed_writes_are_counted_and_declared_in_a_gap)
{
	struct vb_denylog_opts o = { 0, 0, 30, self->head, true };
	struct rlimit old, lim;
	struct vb_denylog l;
	struct stat st;
	char *lines[MAX_LINES], *s;
	int n;

	signal(SIGXFSZ, SIG_IGN);
	ASSERT_EQ(0, vb_denylog_open(&l, self->log, &o));
	ASSERT_EQ(0, fstat(l.fd, &st));
	ASSERT_EQ(0, getrlimit(RLIMIT_FSIZE, &old));
	lim = old;
	lim.rlim_cur = st.st_size + 40;		/* room for part of one record: a short write */
	ASSERT_EQ(0, setrlimit(RLIMIT_FSIZE, &lim));
	for (int i = 0; i < 3; i++) {
		s = denial(20 + i);
		EXPECT_EQ(-EFBIG, vb_denylog_append(&l, s));
		free(s);
	}
	EXPECT_NE(0, vb_denylog_flush(&l));
	ASSERT_EQ(0, setrlimit(RLIMIT_FSIZE, &old));
	EXPECT_EQ(3u, l.lost);
	EXPECT_EQ(3u, l.lost_pending);
	/* The short write was cut off again: the file holds whole records only. */
	ASSERT_EQ(0, stat(self->log, &st));
	EXPECT_EQ((off_t)l.size, st.st_size);

	s = denial(30);
	ASSERT_EQ(0, vb_denylog_append(&l, s));
	free(s);
	EXPECT_EQ(0u, l.lost_pending);
	vb_denylog_close(&l);

	n = read_lines(self->log, lines, MAX_LINES);
	ASSERT_EQ(9, n);		/* 6, the restart's opening record, the gap, the record */
	EXPECT_NE(NULL, strstr(lines[7], "\"action\":\"gap\",\"lost\":3,\"reason\":\"write "
			       "failed: File too large\""))
		TH_LOG("%s", lines[7]);
	EXPECT_NE(NULL, strstr(lines[8], "tool-30"));
	free_lines(lines, n);
	ASSERT_EQ(0, verify(self, self->head));
	EXPECT_FALSE(self->v.tampered) TH_LOG("%s", self->v.problem);
	EXPECT_EQ(3u, self->v.lost);
}

TEST_F(chain, restart_goes_on_with_the_chain)
{
	struct vb_denylog_opts o = { 0, 0, 30, self->head, true };
	struct vb_denylog l;
	char *s = denial(40);

	ASSERT_EQ(0, vb_denylog_open(&l, self->log, &o));
	EXPECT_EQ(7u, l.chain.seq);
	ASSERT_EQ(0, vb_denylog_append(&l, s));
	vb_denylog_close(&l);
	free(s);
	ASSERT_EQ(0, verify(self, self->head));
	EXPECT_FALSE(self->v.tampered);
	EXPECT_EQ(8u, self->v.last_seq);
	EXPECT_TRUE(self->v.head_matched);
}

/* Run do_log in a child with stdout in out; its exit code, output in *text. */
static int run_log(const char *out, bool json, char **argv, char **text)
{
	int status = cli_run(do_log, json, argv, out, "/dev/null");

	*text = slurp(out) ?: strdup("");
	return status;
}

TEST_F(chain, cli_verify_exit_codes_and_output)
{
	char *ok[] = { "log", "verify", "--head", self->head, self->log, NULL };
	char *missing[] = { "log", "verify", "/nonexistent/denials.jsonl", NULL };
	char *bad[] = { "log", "verify", "--frobnicate", NULL };
	char want[512], *text;
	struct json_object *o, *p, *v;

	ASSERT_EQ(0, run_log(self->out, false, ok, &text));
	snprintf(want, sizeof(want), "chain intact: 6 records (seq 1..6) in 1 file\n"
		 "chain head %s: record 6 matches\n", self->head);
	EXPECT_STREQ(want, text);
	free(text);

	ASSERT_EQ(0, tamper(self, 3, NULL));
	ASSERT_EQ(1, run_log(self->out, false, ok, &text));
	snprintf(want, sizeof(want), "%s:4: record 4 deleted (seq jumps 3 -> 5)\n"
		 "chain broken: 3 records checked before it\n", self->log);
	EXPECT_STREQ(want, text);
	free(text);

	ASSERT_EQ(1, run_log(self->out, true, ok, &text));
	o = json_tokener_parse(text);
	ASSERT_NE(NULL, o) TH_LOG("%s", text);
	ASSERT_TRUE(json_object_object_get_ex(o, "intact", &v));
	EXPECT_FALSE(json_object_get_boolean(v));
	ASSERT_TRUE(json_object_object_get_ex(o, "problem", &p));
	ASSERT_TRUE(json_object_object_get_ex(p, "kind", &v));
	EXPECT_STREQ("deleted", json_object_get_string(v));
	ASSERT_TRUE(json_object_object_get_ex(p, "line", &v));
	EXPECT_EQ(4, json_object_get_int(v));
	json_object_put(o);
	free(text);

	EXPECT_EQ(2, run_log(self->out, false, missing, &text));
	free(text);
	EXPECT_EQ(2, run_log(self->out, false, bad, &text));
	free(text);
}

/* The verdict on stdout, notes on stderr. */
TEST_F(chain, cli_verify_notes_go_to_stderr)
{
	char *nohead[] = { "log", "verify", "--no-head", self->log, NULL };
	char err[160], *text;

	snprintf(err, sizeof(err), "%s/err.txt", self->dir);
	ASSERT_EQ(0, cli_run(do_log, false, nohead, self->out, err));
	text = slurp(self->out);
	EXPECT_STREQ("chain intact: 6 records (seq 1..6) in 1 file\n", text);
	free(text);
	text = slurp(err);
	EXPECT_STREQ("note: no chain head checked: records cut from the end would not show\n",
		     text);
	free(text);
}

/* Only one JSON object on one line, without a seq or prev of its own, becomes a record. */
TEST(seal_takes_one_object_line)
{
	static const char *const refused[] = {
		"[1]", "{\"a\":\n1}", "{\"seq\":5}", "{\"x\":1,\"prev\":\"\"}", "not json",
	};
	/* "seq": inside a string is escaped, so it is no key. */
	static const char inner[] = "{\"a\":\"x\\\"seq\\\":1\"}";
	struct vb_chain c;
	char *buf = NULL, *big;
	size_t cap = 0, len;

	vb_chain_genesis(&c);
	ASSERT_EQ(0, vb_chain_seal(&c, "{}", 2, &buf, &cap, &len));
	EXPECT_EQ(0, strncmp(buf, "{\"seq\":1,\"prev\":\"0000", 20));
	EXPECT_EQ(0, strcmp(buf + len - 2, "\"}"));
	ASSERT_EQ(0, vb_chain_seal(&c, inner, strlen(inner), &buf, &cap, &len));
	EXPECT_EQ(0, strcmp(buf + 83, inner + 1)) TH_LOG("%s", buf);
	for (size_t i = 0; i < sizeof(refused) / sizeof(refused[0]); i++) {
		EXPECT_EQ(-EINVAL, vb_chain_seal(&c, refused[i], strlen(refused[i]), &buf, &cap,
						 &len)) TH_LOG("%s", refused[i]);
	}
	big = malloc(VB_LOG_LINE_MAX);
	memset(big, 'a', VB_LOG_LINE_MAX);
	memcpy(big, "{\"a\":\"", 6);
	memcpy(big + VB_LOG_LINE_MAX - 2, "\"}", 2);
	EXPECT_EQ(-EINVAL, vb_chain_seal(&c, big, VB_LOG_LINE_MAX, &buf, &cap, &len));
	free(big);
	free(buf);
}

/* The copies sent elsewhere: they carry seq and hash, and no value can pass for a field. */
static struct json_object *hostile_record(void)
{
	struct json_object *o = json_object_new_object();

	json_object_object_add(o, "time", json_object_new_string("2026-05-01T10:00:00.000000Z"));
	json_object_object_add(o, "action", json_object_new_string("deny"));
	json_object_object_add(o, "mode", json_object_new_string("enforce"));
	json_object_object_add(o, "operation", json_object_new_string("exec"));
	json_object_object_add(o, "vendor", json_object_new_string("acme"));
	json_object_object_add(o, "rule", json_object_new_string("acme-path-1"));
	json_object_object_add(o, "path", json_object_new_string("/tmp/x uid=0 res=success"));
	json_object_object_add(o, "uid", json_object_new_int(1000));
	json_object_object_add(o, "pid", json_object_new_int(4242));
	json_object_object_add(o, "comm", json_object_new_string("a\"b]c\n"));
	return o;
}

TEST(forward_audit_text_puts_uid_first_and_encodes_what_could_split)
{
	struct json_object *o = hostile_record();
	uint8_t hash[32];
	char buf[2048], hex[65];

	memset(hash, 0xab, sizeof(hash));
	vb_hex(hash, 32, hex);
	ASSERT_EQ(0, vb_forward_audit_text(o, 42, hash, buf, sizeof(buf)));
	/* "/tmp/x uid=0 res=success" and a\"b]c\n in hex, as auditd encodes untrusted values. */
	EXPECT_STREQ("op=deny uid=1000 pid=4242 operation=\"exec\" vendor=\"acme\" "
		     "rule=\"acme-path-1\" path=2F746D702F78207569643D30207265733D73756363657373 "
		     "sha256=? match=? policy_mode=\"enforce\" comm=6122625D630A seq=42 "
		     "hash=abababababababababababababababababababababababababababababababab", buf);
	EXPECT_EQ(-ENOSPC, vb_forward_audit_text(o, 42, hash, buf, 40));
	json_object_put(o);
}

TEST(forward_syslog_text_is_structured_data_on_one_line)
{
	struct json_object *o = hostile_record();
	uint8_t hash[32] = { 1 };
	char buf[2048];

	ASSERT_EQ(0, vb_forward_syslog_text(o, 7, hash, "denied exec of /tmp/x\n", buf,
					    sizeof(buf)));
	EXPECT_EQ(NULL, strchr(buf, '\n'));
	EXPECT_EQ(0, strncmp(buf, "[vendorban@32473 seq=\"7\" hash=\"0100", 35)) TH_LOG("%s", buf);
	EXPECT_NE(NULL, strstr(buf, " path=\"/tmp/x uid=0 res=success\""));
	EXPECT_NE(NULL, strstr(buf, " comm=\"a\\\"b\\]c\\x0a\"] denied exec of /tmp/x\\x0a"));
	json_object_put(o);
}

TEST(forward_journal_fields)
{
	struct json_object *o = hostile_record();
	uint8_t hash[32] = { 0 };
	char **f, all[4096] = "";
	size_t n;

	ASSERT_EQ(0, vb_forward_journal_fields(o, 9, hash, "denied exec", &f, &n));
	for (size_t i = 0; i < n; i++) {
		strcat(all, f[i]);
		strcat(all, "|");
	}
	vb_forward_free_fields(f, n);
	EXPECT_EQ(0, strncmp(all, "MESSAGE=denied exec|PRIORITY=4|SYSLOG_IDENTIFIER=vendorband|"
			     "SYSLOG_FACILITY=10|MESSAGE_ID=" VB_MSGID_DENIAL "|VENDORBAN_SEQ=9|"
			     "VENDORBAN_HASH=0000", 140)) TH_LOG("%s", all);
	EXPECT_NE(NULL, strstr(all, "|VENDORBAN_VENDOR=acme|VENDORBAN_RULE=acme-path-1|"));
	EXPECT_NE(NULL, strstr(all, "|VENDORBAN_OP=exec|"));
	EXPECT_NE(NULL, strstr(all, "|VENDORBAN_PATH=/tmp/x uid=0 res=success|"));
	EXPECT_NE(NULL, strstr(all, "|VENDORBAN_UID=1000|"));
	EXPECT_NE(NULL, strstr(all, "|VENDORBAN_COMM=a\"b]c\n|"));
	json_object_put(o);
}

/* What ausearch makes of the record the kernel writes for our message: found by type and by
 * the denied user, not by the uid=0 hidden in the path. */
TEST(forward_audit_record_is_found_by_ausearch)
{
	struct json_object *o = hostile_record();
	char dir[] = "/tmp/vb-ausearch-XXXXXX", path[128], cmd[512], msg[2048];
	uint8_t hash[32] = { 0 };
	FILE *f;

	ASSERT_TRUE(!access("/usr/sbin/ausearch", X_OK) || !access("/sbin/ausearch", X_OK))
		TH_LOG("ausearch is not installed (make setup installs auditd)");
	ASSERT_NE(NULL, mkdtemp(dir));
	ASSERT_EQ(0, vb_forward_audit_text(o, 42, hash, msg, sizeof(msg)));
	snprintf(path, sizeof(path), "%s/audit.log", dir);
	f = fopen(path, "w");
	ASSERT_NE(NULL, f);
	/* The kernel's header, then our text with what audit_log_user_message appends. */
	fprintf(f, "type=USER_AVC msg=audit(1777629600.123:77): pid=321 uid=0 auid=4294967295 "
		"ses=4294967295 subj=unconfined msg='%s exe=\"/usr/sbin/vendorband\" hostname=h1 "
		"addr=? terminal=? res=failed'\n", msg);
	fclose(f);
	snprintf(cmd, sizeof(cmd), "ausearch --input-logs -if %s -m USER_AVC -ui 1000 "
		 ">/dev/null 2>&1", path);
	EXPECT_EQ(0, system(cmd)) TH_LOG("%s", cmd);
	snprintf(cmd, sizeof(cmd), "ausearch --input-logs -if %s -m USER_AVC -ui 0 >/dev/null 2>&1",
		 path);
	EXPECT_NE(0, system(cmd));
	snprintf(cmd, sizeof(cmd), "ausearch -if %s -m USER_AVC --success no -i 2>/dev/null | "
		 "grep -q 'path=/tmp/x uid=0 res=success'", path);
	EXPECT_EQ(0, system(cmd)) TH_LOG("ausearch -i does not show the decoded path");
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	system(cmd);
	json_object_put(o);
}

TEST_HARNESS_MAIN
