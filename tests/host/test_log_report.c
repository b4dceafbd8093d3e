// SPDX-License-Identifier: GPL-2.0
/*
 * vendorban log report --html: one self-contained page (no script, no URL, everything from the
 * log escaped) with a timeline of denials and the top offenders, and proof that a browser
 * renders it: headless Chromium takes a screenshot and dumps the DOM it built.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <json-c/json.h>
#include "kselftest_harness.h"
#include "hostutil.h"
#include "cli/cli.h"
#include "log/denylog.h"
#include "log/query.h"
#include "log/report.h"

int do_log(int argc, char **argv);

#define CHROMIUM		"/usr/bin/chromium"
#define CHROMIUM_TIMEOUT_S	120
#define SCREEN_W		1280
#define SCREEN_H		900
#define HOSTILE_PATH		"/tmp/<script>alert(1)</script>&x=\"1\""

/* Denials on four of five days (none on 2026-05-02), a gap on 05-03; acme the top vendor. */
static const struct {
	const char *day;
	int n;
	const char *vendor, *vendor_name, *rule, *host;
	int uid;
} batches[] = {
	{ "2026-05-01", 3, "acme", "Acme & Sons <Ltd>", "acme-ctl", "h1", 1000 },
	{ "2026-05-03", 4, "acme", "Acme & Sons <Ltd>", "acme-lib", "h2", 1000 },
	{ "2026-05-03", 1, "beta", "Beta Corp", "beta-path", "h2", 0 },
	{ "2026-05-04", 1, "beta", "Beta Corp", "beta-path", "h1", 1001 },
	{ "2026-05-05", 2, "gamma", "Gamma", "gamma-hash", "h3", 1002 },
};

#define N_BARS		4
#define N_DENIALS	11

static char *denial(const char *day, int i, const char *vendor, const char *name,
		    const char *rule, const char *host, int uid)
{
	struct json_object *o = json_object_new_object();
	char t[64], path[128], *s;

	snprintf(t, sizeof(t), "%sT%02d:15:00.000000Z", day, 8 + i);
	if (!strcmp(vendor, "beta"))
		snprintf(path, sizeof(path), "%s", HOSTILE_PATH);
	else
		snprintf(path, sizeof(path), "/opt/%s/bin/tool-%d", vendor, i % 2);
	json_object_object_add(o, "time", json_object_new_string(t));
	json_object_object_add(o, "host", json_object_new_string(host));
	json_object_object_add(o, "action", json_object_new_string("deny"));
	json_object_object_add(o, "mode", json_object_new_string("enforce"));
	json_object_object_add(o, "operation", json_object_new_string("exec"));
	json_object_object_add(o, "path", json_object_new_string(path));
	json_object_object_add(o, "vendor", json_object_new_string(vendor));
	json_object_object_add(o, "vendor_name", json_object_new_string(name));
	json_object_object_add(o, "rule", json_object_new_string(rule));
	json_object_object_add(o, "uid", json_object_new_int(uid));
	json_object_object_add(o, "comm", json_object_new_string("tool"));
	s = strdup(json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN |
						  JSON_C_TO_STRING_NOSLASHESCAPE));
	json_object_put(o);
	return s;
}

FIXTURE(report) {
	char dir[64];
	char log[128];
	char head[128];
	char html[128];
	char out[128];
	char *page;
};

static int run_log(const char *out, bool json, char **argv)
{
	return cli_run(do_log, json, argv, out, "/dev/null");
}

FIXTURE_SETUP(report)
{
	struct vb_denylog_opts o = { 0, 0, 30, NULL, true };
	char *argv[] = { "log", "report", "--html", self->html, "--title", "Fleet <A> report",
			 "--head", self->head, self->log, NULL };
	struct vb_denylog l;

	strcpy(self->dir, "/tmp/vb-report-XXXXXX");
	ASSERT_NE(NULL, mkdtemp(self->dir));
	snprintf(self->log, sizeof(self->log), "%s/denials.jsonl", self->dir);
	snprintf(self->head, sizeof(self->head), "%s/denials.head", self->dir);
	snprintf(self->html, sizeof(self->html), "%s/report.html", self->dir);
	snprintf(self->out, sizeof(self->out), "%s/out.txt", self->dir);
	o.head = self->head;
	ASSERT_EQ(0, vb_denylog_open(&l, self->log, &o));
	for (size_t b = 0; b < sizeof(batches) / sizeof(batches[0]); b++) {
		for (int i = 0; i < batches[b].n; i++) {
			char *s = denial(batches[b].day, i, batches[b].vendor,
					 batches[b].vendor_name, batches[b].rule, batches[b].host,
					 batches[b].uid);

			ASSERT_EQ(0, vb_denylog_append(&l, s));
			free(s);
		}
		if (!strcmp(batches[b].vendor, "beta") && !strcmp(batches[b].day, "2026-05-03"))
			ASSERT_EQ(0, vb_denylog_append(&l, "{\"time\":\"2026-05-03T20:00:00.000000Z\","
						       "\"host\":\"h2\",\"action\":\"gap\","
						       "\"lost\":7,\"reason\":\"kernel ring buffer "
						       "full\"}"));
	}
	vb_denylog_close(&l);
	ASSERT_EQ(0, run_log(self->out, false, argv));
	self->page = slurp(self->html);
	ASSERT_NE(NULL, self->page);
}

FIXTURE_TEARDOWN(report)
{
	char cmd[128];

	free(self->page);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", self->dir);
	if (system(cmd))
		TH_LOG("cleanup of %s failed", self->dir);
}

static int occurrences(const char *text, const char *s)
{
	int n = 0;

	for (const char *p = text; (p = strstr(p, s)); p += strlen(s))
		n++;
	return n;
}

/* The rows of a table as the keys they show, in order, from its data-key attributes. */
static int table_keys(const char *html, const char *id, char keys[][128], int max)
{
	char start[64];
	const char *p, *end;
	int n = 0;

	snprintf(start, sizeof(start), "id=\"%s\"", id);
	p = strstr(html, start);
	if (!p)
		return -1;
	end = strstr(p, "</table>");
	while (n < max && (p = strstr(p, "data-key=\"")) && p < end) {
		p += strlen("data-key=\"");
		snprintf(keys[n], 128, "%.*s", (int)strcspn(p, "\""), p);
		n++;
	}
	return n;
}

static void check_page(struct __test_metadata *_metadata, const char *page)
{
	char keys[16][128];

	EXPECT_EQ(N_BARS, occurrences(page, "class=\"bar\""));
	EXPECT_EQ(1, occurrences(page, "class=\"gap-mark\""));
	EXPECT_NE(NULL, strstr(page, "data-bucket=\"2026-05-03\" data-count=\"5\""));
	EXPECT_EQ(3, table_keys(page, "top-vendors", keys, 16));
	EXPECT_STREQ("acme", keys[0]);
	EXPECT_STREQ("beta", keys[1]);		/* 2 each: by key */
	EXPECT_STREQ("gamma", keys[2]);
	EXPECT_EQ(3, table_keys(page, "top-hosts", keys, 16));
	EXPECT_STREQ("h2", keys[0]);
	EXPECT_EQ(4, table_keys(page, "top-users", keys, 16));
	EXPECT_STREQ("1000", keys[0]);
	EXPECT_NE(NULL, strstr(page, "id=\"n-deny\">11<"));
	EXPECT_NE(NULL, strstr(page, "id=\"n-lost\">7<"));
	EXPECT_NE(NULL, strstr(page, "Chain intact: 13 records, seq 1..13, in 1 file; the chain "
			       "head matches."))
		TH_LOG("%.400s", strstr(page, "<section id=\"integrity\"") ?: "no integrity");
}

TEST_F(report, self_contained_and_escaped)
{
	char *out = slurp(self->out), want[256];

	snprintf(want, sizeof(want), "%s: %d denials, 1 gap record; chain intact\n", self->html,
		 N_DENIALS);
	EXPECT_STREQ(want, out);
	free(out);
	check_page(_metadata, self->page);
	/* Nothing to fetch, nothing to run: readable offline, and the browser is told so. */
	EXPECT_EQ(NULL, strstr(self->page, "http:"));
	EXPECT_EQ(NULL, strstr(self->page, "https:"));
	EXPECT_EQ(NULL, strstr(self->page, "src="));
	EXPECT_EQ(NULL, strstr(self->page, "url("));
	EXPECT_EQ(NULL, strstr(self->page, "<script"));
	EXPECT_NE(NULL, strstr(self->page, "content=\"default-src 'none'; style-src "
			       "'unsafe-inline'\""));
	/* What the log holds is text on the page, never markup. */
	EXPECT_NE(NULL, strstr(self->page, "&lt;script&gt;alert(1)&lt;/script&gt;&amp;x=&quot;1"
			       "&quot;"));
	EXPECT_NE(NULL, strstr(self->page, "Acme &amp; Sons &lt;Ltd&gt;"));
	EXPECT_NE(NULL, strstr(self->page, "<title>Fleet &lt;A&gt; report</title>"));
}

TEST_F(report, filters_apply_and_tampering_shows)
{
	char *argv[] = { "log", "report", "--html", self->html, "--vendor", "beta", "--head",
			 self->head, self->log, NULL };
	char keys[4][128];
	FILE *f;

	ASSERT_EQ(0, run_log(self->out, false, argv));
	free(self->page);
	self->page = slurp(self->html);
	ASSERT_NE(NULL, self->page);
	EXPECT_EQ(2, occurrences(self->page, "class=\"bar\""));
	EXPECT_EQ(1, table_keys(self->page, "top-vendors", keys, 4));
	EXPECT_NE(NULL, strstr(self->page, "Records: vendor beta."));

	f = fopen(self->log, "a");
	ASSERT_NE(NULL, f);
	fputs("{\"seq\":99}\n", f);
	fclose(f);
	/* The page is still written, with the break; the exit says the chain is broken. */
	ASSERT_EQ(1, run_log(self->out, false, argv));
	free(self->page);
	self->page = slurp(self->html);
	EXPECT_NE(NULL, strstr(self->page, "<p class=\"bad\" id=\"chain-verdict\">TAMPERED: record "
			       "14 altered (line is not a record: no &quot;prev&quot;"))
		TH_LOG("%.400s", strstr(self->page, "<section id=\"integrity\"") ?: "none");
}

/* Run argv with stdout to out, under a time limit; its exit status. */
static int run(char *const argv[], const char *out)
{
	int status, fd;
	pid_t pid;

	pid = fork();
	if (pid == 0) {
		fd = open(out, O_WRONLY | O_CREAT | O_TRUNC, 0600);
		dup2(fd, STDOUT_FILENO);
		fd = open("/dev/null", O_WRONLY);
		dup2(fd, STDERR_FILENO);
		alarm(CHROMIUM_TIMEOUT_S);
		execv(argv[0], argv);
		_exit(127);
	}
	if (pid < 0 || waitpid(pid, &status, 0) != pid)
		return -1;
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

static uint32_t be32(const unsigned char *p)
{
	return (uint32_t)p[0] << 24 | p[1] << 16 | p[2] << 8 | p[3];
}

/*
 * One screenshot and one DOM dump: Chromium is slow to start. As root it needs --no-sandbox;
 * its profile goes to the test's directory, not $HOME.
 */
TEST_F(report, chromium_renders_it)
{
	char url[256], png[160], dom[160], profile[160], shot[192], size[64], prof[192];
	unsigned char head[33];
	char keys[8][128], *text;
	struct stat st;
	FILE *f;

	ASSERT_EQ(0, access(CHROMIUM, X_OK))
		TH_LOG("%s is not installed (make setup installs chromium)", CHROMIUM);
	snprintf(url, sizeof(url), "file://%s", self->html);
	snprintf(png, sizeof(png), "%s/report.png", self->dir);
	snprintf(dom, sizeof(dom), "%s/dom.html", self->dir);
	snprintf(profile, sizeof(profile), "%s/chromium", self->dir);
	snprintf(shot, sizeof(shot), "--screenshot=%s", png);
	snprintf(size, sizeof(size), "--window-size=%d,%d", SCREEN_W, SCREEN_H);
	snprintf(prof, sizeof(prof), "--user-data-dir=%s", profile);

	char *screenshot[] = { CHROMIUM, "--headless=new", "--no-sandbox", "--disable-gpu",
			       "--no-first-run", "--hide-scrollbars", prof, shot, size, url, NULL };
	char *dump[] = { CHROMIUM, "--headless=new", "--no-sandbox", "--disable-gpu",
			 "--no-first-run", prof, "--dump-dom", url, NULL };

	ASSERT_EQ(0, run(screenshot, self->out));
	ASSERT_EQ(0, stat(png, &st)) TH_LOG("no screenshot at %s", png);
	/* A page of text, chart and tables is tens of KB as PNG; a blank one a few. */
	EXPECT_LT(20000, st.st_size) TH_LOG("screenshot is only %lld bytes",
					    (long long)st.st_size);
	f = fopen(png, "rb");
	ASSERT_NE(NULL, f);
	ASSERT_EQ(sizeof(head), fread(head, 1, sizeof(head), f));
	fclose(f);
	EXPECT_EQ(0, memcmp(head, "\x89PNG\r\n\x1a\n", 8));
	EXPECT_EQ(0, memcmp(head + 12, "IHDR", 4));
	EXPECT_EQ((uint32_t)SCREEN_W, be32(head + 16));
	EXPECT_EQ((uint32_t)SCREEN_H, be32(head + 20));
	TH_LOG("screenshot: %s (%lld bytes)", png, (long long)st.st_size);

	/* The DOM Chromium built: the chart's bars inside the SVG, the tables in order, and the
	 * log's <script> still text. */
	ASSERT_EQ(0, run(dump, dom));
	text = slurp(dom);
	ASSERT_NE(NULL, text);
	check_page(_metadata, text);
	EXPECT_NE(NULL, strstr(text, "<svg id=\"timeline-chart\""));
	EXPECT_NE(NULL, strstr(strstr(text, "<svg id=\"timeline-chart\""), "class=\"bar\""));
	EXPECT_EQ(NULL, strstr(text, "<script"));
	EXPECT_EQ(2, table_keys(text, "top-rules", keys, 2));
	EXPECT_STREQ("acme-lib", keys[0]);
	free(text);
	/* Kept for people to look at when VB_KEEP_SCREENSHOT names a place. */
	if (getenv("VB_KEEP_SCREENSHOT")) {
		char cmd[512];

		snprintf(cmd, sizeof(cmd), "cp '%s' '%s'", png, getenv("VB_KEEP_SCREENSHOT"));
		if (system(cmd))
			TH_LOG("cannot copy the screenshot to %s", getenv("VB_KEEP_SCREENSHOT"));
	}
}

/* --html - is the page on stdout (no file named "-"); the summary line goes to stderr. */
TEST_F(report, html_dash_is_stdout)
{
	char *argv[] = { "log", "report", "--html", "-", "--head", self->head, self->log, NULL };
	char err[160], *text;

	snprintf(err, sizeof(err), "%s/err.txt", self->dir);
	ASSERT_EQ(0, chdir(self->dir));
	ASSERT_EQ(0, cli_run(do_log, false, argv, self->out, err));
	EXPECT_NE(0, access("-", F_OK));
	text = slurp(self->out);
	ASSERT_NE(NULL, text);
	EXPECT_EQ(0, strncmp(text, "<!DOCTYPE html>", 15));
	EXPECT_NE(NULL, strstr(text, "id=\"chain-verdict\">Chain intact"));
	free(text);
	text = slurp(err);
	EXPECT_NE(NULL, strstr(text, "report: 11 denials, 1 gap record; chain intact\n"))
		TH_LOG("%s", text);
	free(text);
}

/* An empty log is not a green "Chain intact": it says there was nothing to check. */
TEST_F(report, empty_log_is_said_neutrally)
{
	char empty[160];
	char *argv[] = { "log", "report", "--html", self->html, "--no-head", empty, NULL };

	snprintf(empty, sizeof(empty), "%s/empty.jsonl", self->dir);
	ASSERT_EQ(0, write_file(empty, "", 0));
	ASSERT_EQ(0, run_log(self->out, false, argv));
	free(self->page);
	self->page = slurp(self->html);
	ASSERT_NE(NULL, self->page);
	EXPECT_NE(NULL, strstr(self->page, "<p class=\"none\" id=\"chain-verdict\">The log holds "
				      "no records: there is no chain to check.</p>"));
	EXPECT_EQ(NULL, strstr(self->page, "Chain intact"));
	EXPECT_EQ(NULL, strstr(self->page, "class=\"ok\""));
}

TEST(empty_selection_renders)
{
	struct vb_log_stats s = {};
	struct vb_report r = { .stats = &s, .selection = "vendor nobody" };
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	ASSERT_NE(NULL, f);
	ASSERT_EQ(0, vb_report_html(f, &r));
	fclose(f);
	EXPECT_NE(NULL, strstr(buf, "No denials in this selection."));
	EXPECT_NE(NULL, strstr(buf, "The hash chain was not checked."));
	EXPECT_EQ(0, occurrences(buf, "class=\"bar\""));
	free(buf);
}

TEST_HARNESS_MAIN
