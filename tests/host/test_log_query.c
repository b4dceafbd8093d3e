// SPDX-License-Identifier: GPL-2.0
/*
 * vendorban log show and summary: each filter on its own and together, the time arguments,
 * CSV that a spreadsheet reads back field for field (commas, quotes and newlines in paths, and
 * no formula run from a process name), JSON that parses, and counts per vendor, rule, day and
 * host.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/wait.h>
#include <json-c/json.h>
#include "kselftest_harness.h"
#include "hostutil.h"
#include "cli/cli.h"
#include "log/denylog.h"
#include "log/logtime.h"
#include "log/query.h"

int do_log(int argc, char **argv);

#define NASTY_PATH	"/opt/acme/bin/a,b \"q\"\nx"
#define NASTY_COMM	"=cmd|' /C calc'!A0"

struct sample {
	const char *time, *host, *action, *op, *vendor, *rule, *path, *user, *comm;
	int uid;
};

/* Five denials over three days and two hosts, and a gap. */
static const struct sample samples[] = {
	{ "2026-05-01T09:00:00.000000Z", "h1", "deny", "exec", "acme", "acme-ctl",
	  "/usr/bin/acme-ctl", "alice", "acme-ctl", 1000 },
	{ "2026-05-01T10:30:00.000000Z", "h1", "deny", "mmap", "acme", "acme-lib",
	  "/opt/acme/lib/libacme.so", "alice", "python3", 1000 },
	{ "2026-05-02T11:00:00.000000Z", "h2", "would-deny", "exec", "beta", "beta-path",
	  "/opt/beta/run", "root", "sh", 0 },
	{ "2026-05-02T12:00:00.000000Z", "h2", "deny", "exec", "acme", "acme-ctl", NASTY_PATH,
	  NULL, NASTY_COMM, 1001 },
	{ "2026-05-02T13:00:00.000000Z", "h2", "gap" },
	{ "2026-05-03T08:00:00.000000Z", "h1", "deny", "mprotect", "beta", "beta-hash",
	  "/home/bob/beta.bin", NULL, "loader", 1001 },
};

#define N_SAMPLES	(sizeof(samples) / sizeof(samples[0]))

static char *record(const struct sample *s, int i)
{
	struct json_object *o = json_object_new_object();
	char *text;

	json_object_object_add(o, "time", json_object_new_string(s->time));
	json_object_object_add(o, "host", json_object_new_string(s->host));
	json_object_object_add(o, "action", json_object_new_string(s->action));
	if (!strcmp(s->action, "gap")) {
		json_object_object_add(o, "lost", json_object_new_int(3));
		json_object_object_add(o, "reason",
				       json_object_new_string("kernel ring buffer full"));
	} else {
		json_object_object_add(o, "mode", json_object_new_string(
			strcmp(s->action, "deny") ? "audit" : "enforce"));
		json_object_object_add(o, "operation", json_object_new_string(s->op));
		json_object_object_add(o, "path", json_object_new_string(s->path));
		json_object_object_add(o, "vendor", json_object_new_string(s->vendor));
		json_object_object_add(o, "rule", json_object_new_string(s->rule));
		json_object_object_add(o, "pid", json_object_new_int(10 + i));
		json_object_object_add(o, "uid", json_object_new_int(s->uid));
		json_object_object_add(o, "user", s->user ? json_object_new_string(s->user) : NULL);
		json_object_object_add(o, "comm", json_object_new_string(s->comm));
	}
	text = strdup(json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN |
						     JSON_C_TO_STRING_NOSLASHESCAPE));
	json_object_put(o);
	return text;
}

FIXTURE(query) {
	char dir[64];
	char log[128];
	char out[128];
	char *files[1];
};

FIXTURE_SETUP(query)
{
	struct vb_denylog_opts o = { 0, 0, 30, "", true };
	struct vb_denylog l;

	strcpy(self->dir, "/tmp/vb-query-XXXXXX");
	ASSERT_NE(NULL, mkdtemp(self->dir));
	snprintf(self->log, sizeof(self->log), "%s/denials.jsonl", self->dir);
	snprintf(self->out, sizeof(self->out), "%s/out.txt", self->dir);
	self->files[0] = self->log;
	ASSERT_EQ(0, vb_denylog_open(&l, self->log, &o));
	for (size_t i = 0; i < N_SAMPLES; i++) {
		char *r = record(&samples[i], i);

		ASSERT_EQ(0, vb_denylog_append(&l, r));
		free(r);
	}
	vb_denylog_close(&l);
}

FIXTURE_TEARDOWN(query)
{
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", self->dir);
	if (system(cmd))
		TH_LOG("cleanup of %s failed", self->dir);
}

static int count_one(struct json_object *rec, const char *line, size_t len, void *arg)
{
	(*(int *)arg)++;
	return 0;
}

static int count(FIXTURE_DATA(query) *self, const struct vb_log_filter *f)
{
	uint64_t bad;
	int n = 0;

	if (vb_log_scan(self->files, 1, f, count_one, &n, &bad) || bad)
		return -1;
	return n;
}

TEST_F(query, each_filter)
{
	struct vb_log_filter f;

	vb_log_filter_init(&f);
	EXPECT_EQ(1 + (int)N_SAMPLES, count(self, &f));		/* and the opening record */
	f.vendor = "acme";
	EXPECT_EQ(3, count(self, &f));
	vb_log_filter_init(&f);
	f.rule = "acme-ctl";
	EXPECT_EQ(2, count(self, &f));
	vb_log_filter_init(&f);
	f.op = "exec";
	EXPECT_EQ(3, count(self, &f));
	vb_log_filter_init(&f);
	f.uid = 1001;
	EXPECT_EQ(2, count(self, &f));
	vb_log_filter_init(&f);
	f.uid = 0;
	EXPECT_EQ(1, count(self, &f));
	vb_log_filter_init(&f);
	f.path = "/opt/acme/*";			/* * goes across / */
	EXPECT_EQ(2, count(self, &f));
	f.path = "/opt/*/run";
	EXPECT_EQ(1, count(self, &f));
	f.path = "/usr/bin/acme-ctl";
	EXPECT_EQ(1, count(self, &f));
	vb_log_filter_init(&f);
	f.host = "h2";
	EXPECT_EQ(3, count(self, &f));			/* two denials and the gap */
	vb_log_filter_init(&f);
	f.action = "gap";
	EXPECT_EQ(1, count(self, &f));
	f.action = "*deny";
	EXPECT_EQ(5, count(self, &f));
	vb_log_filter_init(&f);
	ASSERT_EQ(0, vb_time_parse("2026-05-02", &f.since_us));
	ASSERT_EQ(0, vb_time_parse("2026-05-03", &f.until_us));	/* until is exclusive */
	EXPECT_EQ(3, count(self, &f));
	ASSERT_EQ(0, vb_time_parse("2026-05-02T12:00:00Z", &f.since_us));
	EXPECT_EQ(2, count(self, &f));			/* a record at since is in */
	/* Together: every condition holds. */
	vb_log_filter_init(&f);
	f.vendor = "acme";
	f.op = "exec";
	f.host = "h1";
	EXPECT_EQ(1, count(self, &f));
	f.uid = 1001;
	EXPECT_EQ(0, count(self, &f));
}

TEST(time_arguments)
{
	int64_t now = 1777629600LL * VB_US_PER_SEC + 123, us;	/* 2026-05-01T10:00:00Z */

	ASSERT_EQ(0, vb_log_time_arg("2026-05-01", now, &us));
	EXPECT_EQ(1777593600LL * VB_US_PER_SEC, us);
	ASSERT_EQ(0, vb_log_time_arg("2026-05-01T10:00Z", now, &us));
	EXPECT_EQ(1777629600LL * VB_US_PER_SEC, us);
	ASSERT_EQ(0, vb_log_time_arg("2026-05-01T12:00:00+02:00", now, &us));
	EXPECT_EQ(1777629600LL * VB_US_PER_SEC, us);
	ASSERT_EQ(0, vb_log_time_arg("2026-05-01 10:00:00.5", now, &us));
	EXPECT_EQ(1777629600LL * VB_US_PER_SEC + 500000, us);
	ASSERT_EQ(0, vb_log_time_arg("2h", now, &us));
	EXPECT_EQ(now - 7200 * VB_US_PER_SEC, us);
	ASSERT_EQ(0, vb_log_time_arg("-7d", now, &us));
	EXPECT_EQ(now - 7 * 86400 * VB_US_PER_SEC, us);
	ASSERT_EQ(0, vb_log_time_arg("today", now, &us));
	EXPECT_EQ(1777593600LL * VB_US_PER_SEC, us);
	ASSERT_EQ(0, vb_log_time_arg("yesterday", now, &us));
	EXPECT_EQ(1777507200LL * VB_US_PER_SEC, us);
	ASSERT_EQ(0, vb_log_time_arg("@86400", now, &us));
	EXPECT_EQ(86400 * VB_US_PER_SEC, us);
	EXPECT_EQ(-EINVAL, vb_log_time_arg("2026-02-30", now, &us));
	EXPECT_EQ(-EINVAL, vb_log_time_arg("2026-05-01T25:00Z", now, &us));
	EXPECT_EQ(-EINVAL, vb_log_time_arg("last week", now, &us));
	EXPECT_EQ(-EINVAL, vb_log_time_arg("@", now, &us));
}

static int run_log(const char *out, bool json, char **argv, char **text)
{
	int status = cli_run(do_log, json, argv, out, "/dev/null");

	*text = slurp(out) ?: strdup("");
	return status;
}

TEST_F(query, show_text_rows)
{
	char *argv[] = { "log", "show", "--host", "h1", self->log, NULL }, *text;

	ASSERT_EQ(0, run_log(self->out, false, argv, &text));
	EXPECT_STREQ("2026-05-01T09:00:00.000000Z h1 deny exec acme/acme-ctl /usr/bin/acme-ctl "
		     "uid=1000(alice) pid=10 comm=acme-ctl\n"
		     "2026-05-01T10:30:00.000000Z h1 deny mmap acme/acme-lib "
		     "/opt/acme/lib/libacme.so uid=1000(alice) pid=11 comm=python3\n"
		     "2026-05-03T08:00:00.000000Z h1 deny mprotect beta/beta-hash "
		     "/home/bob/beta.bin uid=1001 pid=15 comm=loader\n", text);
	free(text);

	/* A newline in a path cannot start a forged row on a terminal. */
	char *nasty[] = { "log", "show", "--uid", "1001", "--op", "exec", self->log, NULL };

	ASSERT_EQ(0, run_log(self->out, false, nasty, &text));
	EXPECT_STREQ("2026-05-02T12:00:00.000000Z h2 deny exec acme/acme-ctl "
		     "/opt/acme/bin/a,b \"q\"\\x0ax uid=1001 pid=13 comm=" NASTY_COMM "\n", text);
	free(text);
}

/* RFC 4180, as a spreadsheet reads it: rows of fields, "" in a quoted field is one ". */
static int csv_parse(const char *s, char *rows[][32], int max_rows)
{
	int r = 0, f = 0;

	while (*s && r < max_rows) {
		char *field = malloc(strlen(s) + 1), *o = field;

		if (*s == '"') {
			for (s++; *s && !(*s == '"' && s[1] != '"'); s++) {
				if (*s == '"')
					s++;
				*o++ = *s;
			}
			if (*s == '"')
				s++;
		} else {
			while (*s && *s != ',' && *s != '\r')
				*o++ = *s++;
		}
		*o = 0;
		if (f < 32)
			rows[r][f++] = field;
		else
			free(field);
		if (*s == ',') {
			s++;
		} else if (*s == '\r' && s[1] == '\n') {
			s += 2;
			rows[r][f] = NULL;
			r++;
			f = 0;
		} else {
			return -1;
		}
	}
	return r;
}

TEST_F(query, csv_quotes_and_defuses)
{
	char *argv[] = { "log", "show", "--csv", "--action", "deny", self->log, NULL }, *text;
	char *rows[8][32] = {};
	int n, cols;

	ASSERT_EQ(0, run_log(self->out, false, argv, &text));
#define HEADER	"seq,time,host,action,mode,operation,vendor,vendor_name,rule,rule_source," \
		"policy_version,path,dev,ino,sha256,match,cached,uid,user,pid,ppid,comm," \
		"parent_comm,parent_exe,errno,lost,reason,count,first,last\r\n"
	EXPECT_EQ(0, strncmp(text, HEADER, strlen(HEADER)));
	/* The path's quotes doubled inside one quoted field, its newline kept. */
	EXPECT_NE(NULL, strstr(text, ",\"/opt/acme/bin/a,b \"\"q\"\"\nx\","));
	n = csv_parse(text, rows, 8);
	ASSERT_EQ(5, n);			/* header and 4 denials */
	for (cols = 0; rows[0][cols]; cols++)
		;
	EXPECT_EQ(30, cols);
	for (int r = 1; r < n; r++) {
		int c = 0;

		while (rows[r][c])
			c++;
		EXPECT_EQ(cols, c) TH_LOG("row %d", r);
	}
	EXPECT_STREQ("path", rows[0][11]);
	EXPECT_STREQ(NASTY_PATH, rows[3][11]);
	EXPECT_STREQ("comm", rows[0][21]);
	EXPECT_STREQ("'" NASTY_COMM, rows[3][21]);	/* shown, not run */
	EXPECT_STREQ("2", rows[1][0]);		/* record 1 opens the file */
	EXPECT_STREQ("1000", rows[1][17]);
	EXPECT_STREQ("", rows[3][18]);		/* null user: empty */
	for (int r = 0; r < n; r++)
		for (int c = 0; rows[r][c]; c++)
			free(rows[r][c]);
	free(text);
}

TEST_F(query, json_is_an_array_of_the_records_as_written)
{
	char *argv[] = { "log", "show", "--vendor", "beta", self->log, NULL }, *text;
	struct json_object *o, *e, *v;
	FILE *f;
	char line[2048];
	int found = 0;

	ASSERT_EQ(0, run_log(self->out, true, argv, &text));
	o = json_tokener_parse(text);
	ASSERT_NE(NULL, o) TH_LOG("%s", text);
	ASSERT_TRUE(json_object_is_type(o, json_type_array));
	ASSERT_EQ(2u, json_object_array_length(o));
	e = json_object_array_get_idx(o, 1);
	ASSERT_TRUE(json_object_object_get_ex(e, "path", &v));
	EXPECT_STREQ("/home/bob/beta.bin", json_object_get_string(v));
	ASSERT_TRUE(json_object_object_get_ex(e, "seq", &v));
	EXPECT_EQ(7, json_object_get_int(v));
	EXPECT_TRUE(json_object_object_get_ex(e, "prev", &v));
	json_object_put(o);
	/* Byte for byte the log's lines: their hashes can be checked from this output. */
	f = fopen(self->log, "r");
	ASSERT_NE(NULL, f);
	while (fgets(line, sizeof(line), f)) {
		line[strcspn(line, "\n")] = 0;
		if (strstr(line, "\"vendor\":\"beta\""))
			found += strstr(text, line) != NULL;
	}
	fclose(f);
	EXPECT_EQ(2, found);
	free(text);

	char *none[] = { "log", "show", "--vendor", "nobody", self->log, NULL };

	ASSERT_EQ(0, run_log(self->out, true, none, &text));
	o = json_tokener_parse(text);
	ASSERT_NE(NULL, o);
	EXPECT_EQ(0u, json_object_array_length(o));
	json_object_put(o);
	free(text);
}

static int64_t tally_of(struct json_object *o, const char *by, const char *key)
{
	struct json_object *arr, *e, *v;

	if (!json_object_object_get_ex(o, by, &arr))
		return -1;
	for (size_t i = 0; i < json_object_array_length(arr); i++) {
		e = json_object_array_get_idx(arr, i);
		if (json_object_object_get_ex(e, "key", &v) &&
		    !strcmp(json_object_get_string(v), key) &&
		    json_object_object_get_ex(e, "count", &v))
			return json_object_get_int64(v);
	}
	return 0;
}

TEST_F(query, summary_counts_per_vendor_rule_day_host)
{
	char *argv[] = { "log", "summary", self->log, NULL }, *text;
	char *by[] = { "log", "summary", "--by", "user", "--by", "op", "--vendor", "acme",
		       self->log, NULL };
	struct json_object *o, *v;

	ASSERT_EQ(0, run_log(self->out, true, argv, &text));
	o = json_tokener_parse(text);
	ASSERT_NE(NULL, o) TH_LOG("%s", text);
	ASSERT_TRUE(json_object_object_get_ex(o, "denials", &v));
	EXPECT_EQ(5, json_object_get_int(v));
	ASSERT_TRUE(json_object_object_get_ex(o, "would_deny", &v));
	EXPECT_EQ(1, json_object_get_int(v));
	ASSERT_TRUE(json_object_object_get_ex(o, "gaps", &v));
	EXPECT_EQ(1, json_object_get_int(v));
	ASSERT_TRUE(json_object_object_get_ex(o, "lost", &v));
	EXPECT_EQ(3, json_object_get_int(v));
	ASSERT_TRUE(json_object_object_get_ex(o, "first", &v));
	EXPECT_STREQ("2026-05-01T09:00:00.000000Z", json_object_get_string(v));
	EXPECT_EQ(3, tally_of(o, "by_vendor", "acme"));
	EXPECT_EQ(2, tally_of(o, "by_vendor", "beta"));
	EXPECT_EQ(2, tally_of(o, "by_rule", "acme-ctl"));
	EXPECT_EQ(1, tally_of(o, "by_rule", "beta-hash"));
	EXPECT_EQ(2, tally_of(o, "by_day", "2026-05-01"));
	EXPECT_EQ(2, tally_of(o, "by_day", "2026-05-02"));
	EXPECT_EQ(1, tally_of(o, "by_day", "2026-05-03"));
	EXPECT_EQ(3, tally_of(o, "by_host", "h1"));
	EXPECT_EQ(2, tally_of(o, "by_host", "h2"));
	EXPECT_EQ(-1, tally_of(o, "by_path", "/opt/beta/run"));	/* not asked for */
	json_object_put(o);
	free(text);

	ASSERT_EQ(0, run_log(self->out, true, by, &text));
	o = json_tokener_parse(text);
	ASSERT_NE(NULL, o);
	EXPECT_EQ(2, tally_of(o, "by_user", "1000"));
	EXPECT_EQ(1, tally_of(o, "by_user", "1001"));
	EXPECT_EQ(2, tally_of(o, "by_op", "exec"));
	EXPECT_EQ(-1, tally_of(o, "by_vendor", "acme"));
	json_object_put(o);
	free(text);

	ASSERT_EQ(0, run_log(self->out, false, argv, &text));
	EXPECT_EQ(0, strncmp(text, "5 denials (4 deny, 1 would-deny), 2026-05-01T09:00:00.000000Z "
			     "to 2026-05-03T08:00:00.000000Z\n1 gap record declaring 3 lost "
			     "records\n\nby vendor:\n         3  acme\n         2  beta\n", 163))
		TH_LOG("%s", text);
	EXPECT_NE(NULL, strstr(text, "\nby day:\n         2  2026-05-01\n         2  2026-05-02\n"
			       "         1  2026-05-03\n"));
	free(text);
}

TEST_F(query, lines_that_are_not_records_are_skipped_and_named)
{
	char *argv[] = { "log", "show", "--action", "deny", self->log, NULL }, *text;
	int fd = open(self->log, O_WRONLY | O_APPEND), rows = 0;

	ASSERT_LE(0, fd);
	ASSERT_EQ(6, write(fd, "junk\n{", 6));
	close(fd);
	ASSERT_EQ(0, run_log(self->out, false, argv, &text));
	for (char *p = text; (p = strchr(p, '\n')); p++)
		rows++;
	EXPECT_EQ(4, rows);
	free(text);
}

TEST_F(query, usage_errors_exit_2)
{
	char *bad_time[] = { "log", "show", "--since", "last tuesday", self->log, NULL };
	char *bad_by[] = { "log", "summary", "--by", "colour", self->log, NULL };
	char *bad_uid[] = { "log", "show", "--uid", "root", self->log, NULL };
	char *not_here[] = { "log", "show", "--head", "x", self->log, NULL };
	char *csv_json[] = { "log", "show", "--csv", self->log, NULL };
	char *missing[] = { "log", "show", "/nonexistent", NULL };
	char *no_log[] = { "log", "show", "--log", "/nonexistent/denials.jsonl", NULL };
	char *unknown[] = { "log", "frobnicate", NULL };
	char *text;

	EXPECT_EQ(2, run_log(self->out, false, bad_time, &text));
	free(text);
	EXPECT_EQ(2, run_log(self->out, false, bad_by, &text));
	free(text);
	EXPECT_EQ(2, run_log(self->out, false, bad_uid, &text));
	free(text);
	EXPECT_EQ(2, run_log(self->out, false, not_here, &text));
	free(text);
	EXPECT_EQ(2, run_log(self->out, true, csv_json, &text));
	free(text);
	EXPECT_EQ(2, run_log(self->out, false, missing, &text));
	free(text);
	EXPECT_EQ(2, run_log(self->out, false, no_log, &text));
	free(text);
	EXPECT_EQ(2, run_log(self->out, false, unknown, &text));
	free(text);
}

/* --op must name an operation (a pattern matching one); module-load is one. */
TEST_F(query, op_filter_names_the_valid_ops)
{
	char *bogus[] = { "log", "show", "--op", "bogus", self->log, NULL };
	char *module[] = { "log", "show", "--op", "module-load", self->log, NULL };
	char *pattern[] = { "log", "show", "--op", "m*", self->log, NULL };
	char err[160], *text;

	snprintf(err, sizeof(err), "%s/err.txt", self->dir);
	EXPECT_EQ(2, cli_run(do_log, false, bogus, self->out, err));
	text = slurp(err);
	EXPECT_NE(NULL, strstr(text, "log show: --op 'bogus' matches no operation (known: exec, "
				     "mmap, mprotect, module-load, selftest, tamper)")) TH_LOG("%s", text);
	free(text);
	EXPECT_EQ(0, cli_run(do_log, false, module, self->out, err));
	EXPECT_EQ(0, cli_run(do_log, false, pattern, self->out, err));
}

/* The daemon's own records (start, reload) read as what they say, not as a denial with no path;
 * a denial still reads as one. */
static char *text_row(const char *json)
{
	struct json_object *rec = json_tokener_parse(json);
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	vb_log_text_row(f, rec);
	fclose(f);
	json_object_put(rec);
	return buf;
}

TEST(text_rows_of_daemon_records)
{
	char *row;

	row = text_row("{\"seq\":3,\"prev\":\"ab\",\"time\":\"2026-12-06T05:18:24Z\","
		       "\"host\":\"h\",\"action\":\"start\",\"pid\":222,"
		       "\"policy_file\":\"/etc/p\",\"policy\":{\"version\":7,\"sha256\":\"e1\"},"
		       "\"kernel_path\":\"lsm\",\"took_over\":false}");
	EXPECT_STREQ("2026-12-06T05:18:24Z h start pid=222 policy_file=/etc/p policy=7 "
		     "kernel_path=lsm took_over=false\n", row);
	free(row);
	row = text_row("{\"time\":\"T\",\"host\":\"h\",\"action\":\"reload\",\"ok\":false,"
		       "\"in_force\":{\"version\":7},\"messages\":[\"x\"]}");
	EXPECT_STREQ("T h reload ok=false in_force=7\n", row);
	free(row);
	row = text_row("{\"time\":\"T\",\"host\":\"h\",\"action\":\"deny\",\"operation\":\"exec\","
		       "\"vendor\":\"acme\",\"rule\":\"r1\",\"path\":\"/opt/a\",\"uid\":0,"
		       "\"pid\":5,\"comm\":\"sh\"}");
	EXPECT_STREQ("T h deny exec acme/r1 /opt/a uid=0 pid=5 comm=sh\n", row);
	free(row);
}

TEST_HARNESS_MAIN
