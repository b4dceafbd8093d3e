// SPDX-License-Identifier: GPL-2.0
/* vendorban log ...: what auditors run on the denial log: verify, show, summary, report. */
#include <errno.h>
#include <fnmatch.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include <json-c/json.h>
#include "cli/cli.h"
#include "cli/opterr.h"
#include "log/denylog.h"
#include "log/chain.h"
#include "log/logtime.h"
#include "log/query.h"
#include "log/report.h"
#include "log/rotate.h"
#include "log/verify.h"
#include "util/atomic.h"
#include "util/msg.h"

#define FILTER_USAGE \
	"  filters (all must hold; strings are shell patterns, * matches / too):\n" \
	"    --since T --until T   time range, until exclusive: 2026-05-01, 2026-05-01T10:00Z,\n" \
	"                          @EPOCH, today, yesterday, or an age (2h, 7d) before now\n" \
	"    --vendor V  --rule R  --uid N  --path GLOB  --host H\n" \
	"    --op exec|mmap|mprotect|module-load|selftest|tamper\n" \
	"    --action deny|would-deny|repeat|gap|open|running|killed|loaded\n" \
	"  FILE...: plain or gzip logs, oldest first; default: --log FILE (default\n" \
	"  " VB_DENYLOG_DEFAULT ") and its rotated FILE.N.gz\n"

#define LOG_USAGE \
	"usage: vendorban [--json] log verify [--head FILE | --no-head] [--log FILE] [FILE...]\n" \
	"       vendorban [--json] log show [FILTERS] [--csv] [--log FILE] [FILE...]\n" \
	"       vendorban [--json] log summary [--by vendor|rule|day|host|op|path|user|hour]...\n" \
	"                                      [FILTERS] [--log FILE] [FILE...]\n" \
	"       vendorban [--json] log report --html OUT [--title TEXT] [--head FILE | --no-head]\n" \
	"                                     [FILTERS] [--log FILE] [FILE...]\n" \
	FILTER_USAGE \
	"  verify exit: 0 intact, 1 tampered (the first bad record's file:line and what is\n" \
	"  wrong), 2 error. report exit: 0 written, 1 written but the chain is broken (the page\n" \
	"  says where, in red), 2 error; --html - writes the page to stdout.\n" \
	"  Without FILEs, verify and report also check the chain head the\n" \
	"  daemon keeps in " VB_DENYLOG_HEAD_DIR ", so that records cut from the end show.\n"

enum {
	OPT_SINCE = 256, OPT_UNTIL, OPT_VENDOR, OPT_RULE, OPT_OP, OPT_UID, OPT_PATH, OPT_HOST,
	OPT_ACTION, OPT_LOG, OPT_HEAD, OPT_NO_HEAD, OPT_CSV, OPT_BY, OPT_HTML, OPT_TITLE,
	OPT_HELP,
};

/* The operations a record names (log/event.c vb_op_name). */
#define KNOWN_OPS	"exec, mmap, mprotect, module-load, selftest, tamper"

/* A filter is a shell pattern: it must match at least one operation, or it selects nothing. */
static bool known_op(const char *pattern)
{
	static const char *const ops[] = {
		"exec", "mmap", "mprotect", "module-load", "selftest", "tamper",
	};

	for (size_t i = 0; i < sizeof(ops) / sizeof(ops[0]); i++)
		if (!fnmatch(pattern, ops[i], 0))
			return true;
	return false;
}

/* Which options a subcommand takes. */
enum {
	TAKES_FILTER	= 1,
	TAKES_HEAD	= 2,
	TAKES_CSV	= 4,
	TAKES_BY	= 8,
	TAKES_HTML	= 16,
};

struct log_args {
	struct vb_log_filter f;
	const char *log;
	const char *head;
	bool no_head;
	bool csv;
	const char *html;
	const char *title;
	unsigned int by;		/* 1 << enum vb_log_by */
	char selection[1024];		/* the filters in words */
	char **files;
	size_t n_files;
	bool default_files;
};

static void add_selection(struct log_args *a, const char *what, const char *value)
{
	size_t n = strlen(a->selection);

	snprintf(a->selection + n, sizeof(a->selection) - n, "%s%s %s", n ? ", " : "", what,
		 value);
}

static int parse_args(const char *cmd, int argc, char **argv, unsigned int takes,
		      struct log_args *a)
{
	static const struct option opts[] = {
		{ "since", required_argument, NULL, OPT_SINCE },
		{ "until", required_argument, NULL, OPT_UNTIL },
		{ "vendor", required_argument, NULL, OPT_VENDOR },
		{ "rule", required_argument, NULL, OPT_RULE },
		{ "op", required_argument, NULL, OPT_OP },
		{ "uid", required_argument, NULL, OPT_UID },
		{ "path", required_argument, NULL, OPT_PATH },
		{ "host", required_argument, NULL, OPT_HOST },
		{ "action", required_argument, NULL, OPT_ACTION },
		{ "log", required_argument, NULL, OPT_LOG },
		{ "head", required_argument, NULL, OPT_HEAD },
		{ "no-head", no_argument, NULL, OPT_NO_HEAD },
		{ "csv", no_argument, NULL, OPT_CSV },
		{ "by", required_argument, NULL, OPT_BY },
		{ "html", required_argument, NULL, OPT_HTML },
		{ "title", required_argument, NULL, OPT_TITLE },
		{ "help", no_argument, NULL, OPT_HELP },
		{},
	};
	int64_t now = vb_time_now_us();
	unsigned int need;
	char *end, what[32];
	int c, by;

	memset(a, 0, sizeof(*a));
	vb_log_filter_init(&a->f);
	a->log = VB_DENYLOG_DEFAULT;
	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "+:", opts, NULL)) != -1) {
		need = c >= OPT_SINCE && c <= OPT_ACTION ? TAKES_FILTER :
		       c == OPT_HEAD || c == OPT_NO_HEAD ? TAKES_HEAD :
		       c == OPT_CSV ? TAKES_CSV : c == OPT_BY ? TAKES_BY :
		       c == OPT_HTML || c == OPT_TITLE ? TAKES_HTML : 0;
		if (need && !(takes & need)) {
			vb_err("log %s: %s does not apply here", cmd, argv[optind - 1]);
			return -EINVAL;
		}
		switch (c) {
		case OPT_SINCE:
		case OPT_UNTIL:
			if (vb_log_time_arg(optarg, now, c == OPT_SINCE ? &a->f.since_us :
					    &a->f.until_us)) {
				vb_err("log %s: '%s' is not a time (2026-05-01, 2026-05-01T10:00Z, "
				       "@EPOCH, today, or an age such as 2h)", cmd, optarg);
				return -EINVAL;
			}
			add_selection(a, c == OPT_SINCE ? "since" : "until", optarg);
			break;
		case OPT_VENDOR:
			a->f.vendor = optarg;
			add_selection(a, "vendor", optarg);
			break;
		case OPT_RULE:
			a->f.rule = optarg;
			add_selection(a, "rule", optarg);
			break;
		case OPT_OP:
			if (!known_op(optarg)) {
				vb_err("log %s: --op '%s' matches no operation (known: %s)", cmd,
				       optarg, KNOWN_OPS);
				return -EINVAL;
			}
			a->f.op = optarg;
			add_selection(a, "operation", optarg);
			break;
		case OPT_UID:
			errno = 0;
			a->f.uid = strtoll(optarg, &end, 10);
			if (errno || *end || end == optarg || a->f.uid < 0) {
				vb_err("log %s: --uid takes a number, not '%s'", cmd, optarg);
				return -EINVAL;
			}
			add_selection(a, "uid", optarg);
			break;
		case OPT_PATH:
			a->f.path = optarg;
			add_selection(a, "path", optarg);
			break;
		case OPT_HOST:
			a->f.host = optarg;
			add_selection(a, "host", optarg);
			break;
		case OPT_ACTION:
			a->f.action = optarg;
			add_selection(a, "action", optarg);
			break;
		case OPT_LOG:
			a->log = optarg;
			break;
		case OPT_HEAD:
			a->head = optarg;
			break;
		case OPT_NO_HEAD:
			a->no_head = true;
			break;
		case OPT_CSV:
			a->csv = true;
			break;
		case OPT_BY:
			by = vb_log_by_parse(optarg);
			if (by < 0) {
				vb_err("log %s: --by takes vendor, rule, day, host, op, path, user or "
				       "hour, not '%s'", cmd, optarg);
				return -EINVAL;
			}
			a->by |= 1u << by;
			break;
		case OPT_HTML:
			a->html = optarg;
			break;
		case OPT_TITLE:
			a->title = optarg;
			break;
		case OPT_HELP:
			fputs(LOG_USAGE, stdout);
			return 1;
		default:
			snprintf(what, sizeof(what), "log %s", cmd);
			cli_option_error(what, c, argv);
			return -EINVAL;
		}
	}
	if (a->csv && cli_json) {
		vb_err("log %s: --csv or --json, not both", cmd);
		return -EINVAL;
	}
	if (optind < argc) {
		a->files = argv + optind;
		a->n_files = argc - optind;
		return 0;
	}
	a->default_files = true;
	c = vb_rotate_list(a->log, &a->files, &a->n_files);
	if (c || !a->n_files) {
		vb_err("log %s: no denial log at %s%s%s", cmd, a->log, c ? ": " : "",
		       c ? strerror(-c) : "");
		if (!c)
			vb_rotate_free_list(a->files, a->n_files);
		a->files = NULL;
		return -ENOENT;
	}
	return 0;
}

static void free_args(struct log_args *a)
{
	if (a->default_files)
		vb_rotate_free_list(a->files, a->n_files);
	a->files = NULL;
}

/* The chain head to check: --head, or with the default files the daemon's, if it is there. */
static const char *head_for(struct log_args *a, char *buf, size_t len)
{
	if (a->no_head)
		return NULL;
	if (a->head)
		return a->head;
	if (!a->default_files)
		return NULL;
	vb_denylog_head_path(a->log, buf, len);
	return access(buf, R_OK) ? NULL : buf;
}

static void print_json(struct json_object *o)
{
	cli_json_print(o);
	json_object_put(o);
}

static void verify_json(const struct log_args *a, const char *head, const struct vb_verify *v)
{
	struct json_object *o = json_object_new_object(), *files = json_object_new_array();
	char hex[VB_CHAIN_HEX_LEN + 1];

	for (size_t i = 0; i < a->n_files; i++)
		json_object_array_add(files, json_object_new_string(a->files[i]));
	json_object_object_add(o, "intact", json_object_new_boolean(!v->tampered));
	json_object_object_add(o, "files", files);
	json_object_object_add(o, "records", json_object_new_uint64(v->records));
	json_object_object_add(o, "first_seq", json_object_new_uint64(v->first_seq));
	json_object_object_add(o, "last_seq", json_object_new_uint64(v->last_seq));
	vb_hex(v->last_hash, VB_CHAIN_HASH_LEN, hex);
	json_object_object_add(o, "last_hash", v->records ? json_object_new_string(hex) : NULL);
	json_object_object_add(o, "from_genesis", json_object_new_boolean(v->from_genesis));
	json_object_object_add(o, "gaps", json_object_new_uint64(v->gaps));
	json_object_object_add(o, "lost", json_object_new_uint64(v->lost));
	json_object_object_add(o, "damaged_lines", json_object_new_uint64(v->damaged_lines));
	json_object_object_add(o, "attempts", json_object_new_uint64(v->full + v->repeats + v->lost));
	json_object_object_add(o, "full", json_object_new_uint64(v->full));
	json_object_object_add(o, "repeats", json_object_new_uint64(v->repeats));
	json_object_object_add(o, "repeat_records", json_object_new_uint64(v->repeat_records));
	if (v->head_used) {
		struct json_object *h = json_object_new_object();

		vb_hex(v->head.hash, VB_CHAIN_HASH_LEN, hex);
		json_object_object_add(h, "file", json_object_new_string(head));
		json_object_object_add(h, "seq", json_object_new_uint64(v->head.seq));
		json_object_object_add(h, "hash", json_object_new_string(hex));
		json_object_object_add(h, "matched", json_object_new_boolean(v->head_matched));
		json_object_object_add(o, "head", h);
	} else {
		json_object_object_add(o, "head", NULL);
	}
	if (v->tampered) {
		struct json_object *p = json_object_new_object();

		json_object_object_add(p, "kind", json_object_new_string(v->kind));
		json_object_object_add(p, "message", json_object_new_string(v->problem));
		json_object_object_add(p, "file", json_object_new_string(v->file));
		json_object_object_add(p, "line", v->line ? json_object_new_uint64(v->line) : NULL);
		json_object_object_add(o, "problem", p);
	} else {
		json_object_object_add(o, "problem", NULL);
	}
	print_json(o);
}

static void verify_text(const struct log_args *a, const char *head, const struct vb_verify *v)
{
	if (v->tampered) {
		if (v->line)
			printf("%s:%lu: %s\n", v->file, v->line, v->problem);
		else
			printf("%s: %s\n", v->file, v->problem);
		printf("chain broken: %" PRIu64 " records checked before it\n", v->records);
		return;
	}
	if (!v->records) {
		printf("no records in %zu file%s\n", a->n_files, a->n_files == 1 ? "" : "s");
		return;
	}
	printf("chain intact: %" PRIu64 " records (seq %" PRIu64 "..%" PRIu64 ") in %zu file%s\n",
	       v->records, v->first_seq, v->last_seq, a->n_files, a->n_files == 1 ? "" : "s");
	/* The verdict on stdout, notes on stderr: a script reads the one, people see both. */
	if (!v->from_genesis)
		fprintf(stderr, "note: the chain begins at record %" PRIu64 " (earlier records were "
			"rotated away, or are in files not given)\n", v->first_seq);
	if (v->head_used)
		printf("chain head %s: record %" PRIu64 "%s\n", head, v->head.seq,
		       v->head_matched ? " matches" : " is before these files");
	else
		fprintf(stderr,
			"note: no chain head checked: records cut from the end would not show\n");
	if (v->gaps)
		printf("%" PRIu64 " gap record%s declare%s %" PRIu64 " lost record%s\n", v->gaps,
		       v->gaps == 1 ? "" : "s", v->gaps == 1 ? "s" : "", v->lost,
		       v->lost == 1 ? "" : "s");
	if (v->repeats || v->lost)
		printf("%" PRIu64 " attempt%s: %" PRIu64 " recorded in full, %" PRIu64 " repeat%s "
		       "counted in %" PRIu64 " repeat record%s, %" PRIu64 " lost\n",
		       v->full + v->repeats + v->lost, v->full + v->repeats + v->lost == 1 ? "" : "s",
		       v->full, v->repeats, v->repeats == 1 ? "" : "s", v->repeat_records,
		       v->repeat_records == 1 ? "" : "s", v->lost);
	if (v->damaged_lines)
		printf("%" PRIu64 " damaged line%s, each declared by the gap record after it\n",
		       v->damaged_lines, v->damaged_lines == 1 ? "" : "s");
	if (v->empty_files)
		fprintf(stderr, "note: %zu empty file%s\n", v->empty_files,
			v->empty_files == 1 ? "" : "s");
}

static int log_verify(int argc, char **argv)
{
	struct log_args a;
	struct vb_verify v;
	char hbuf[4200];
	const char *head;
	int err;

	err = parse_args("verify", argc, argv, TAKES_HEAD, &a);
	if (err)
		return err > 0 ? 0 : 2;
	head = head_for(&a, hbuf, sizeof(hbuf));
	err = vb_log_verify(a.files, a.n_files, head, &v);
	if (err) {
		vb_err("log verify: %s", v.error);
		free_args(&a);
		return 2;
	}
	if (cli_json)
		verify_json(&a, head, &v);
	else
		verify_text(&a, head, &v);
	free_args(&a);
	return v.tampered ? 1 : 0;
}

struct show_state {
	bool csv, json;
	uint64_t n;
};

static int show_one(struct json_object *rec, const char *line, size_t len, void *arg)
{
	struct show_state *s = arg;

	if (s->json) {
		/* The records as written: an auditor can hash them again. */
		fputs(s->n ? ",\n" : "\n", stdout);
		fwrite(line, 1, len, stdout);
	} else if (s->csv) {
		vb_log_csv_row(stdout, rec);
	} else {
		vb_log_text_row(stdout, rec);
	}
	s->n++;
	return ferror(stdout) ? -EIO : 0;
}

static int log_show(int argc, char **argv)
{
	struct show_state s = { .json = cli_json };
	struct log_args a;
	uint64_t bad;
	int err;

	err = parse_args("show", argc, argv, TAKES_FILTER | TAKES_CSV, &a);
	if (err)
		return err > 0 ? 0 : 2;
	s.csv = a.csv;
	if (s.json)
		fputs("[", stdout);
	else if (s.csv)
		vb_log_csv_header(stdout);
	err = vb_log_scan(a.files, a.n_files, &a.f, show_one, &s, &bad);
	if (s.json)
		fputs(s.n ? "\n]\n" : "]\n", stdout);
	free_args(&a);
	if (fflush(stdout) || err)
		return 2;
	return 0;
}

static int stats_one(struct json_object *rec, const char *line, size_t len, void *arg)
{
	vb_log_stats_add(arg, rec);
	return 0;
}

static const enum vb_log_by summary_default[] = { VB_BY_VENDOR, VB_BY_RULE, VB_BY_DAY,
						  VB_BY_HOST };

static bool by_wanted(const struct log_args *a, enum vb_log_by by)
{
	if (a->by)
		return a->by & (1u << by);
	for (size_t i = 0; i < sizeof(summary_default) / sizeof(summary_default[0]); i++)
		if (summary_default[i] == by)
			return true;
	return false;
}

static void summary_json(const struct log_args *a, struct vb_log_stats *s)
{
	struct json_object *o = json_object_new_object();
	char t[VB_TIME_LEN];

	json_object_object_add(o, "denials", json_object_new_uint64(s->denials + s->would_deny));
	json_object_object_add(o, "deny", json_object_new_uint64(s->denials));
	json_object_object_add(o, "would_deny", json_object_new_uint64(s->would_deny));
	json_object_object_add(o, "gaps", json_object_new_uint64(s->gaps));
	json_object_object_add(o, "lost", json_object_new_uint64(s->lost));
	vb_time_format(s->first_us, t, sizeof(t));
	json_object_object_add(o, "first", s->have_span ? json_object_new_string(t) : NULL);
	vb_time_format(s->last_us, t, sizeof(t));
	json_object_object_add(o, "last", s->have_span ? json_object_new_string(t) : NULL);
	for (int by = 0; by < VB_BY__N; by++) {
		struct json_object *arr;
		char key[32];

		if (!by_wanted(a, by))
			continue;
		arr = json_object_new_array();
		if (by == VB_BY_DAY || by == VB_BY_HOUR)
			vb_tally_sort_key(&s->by[by]);
		else
			vb_tally_sort_count(&s->by[by]);
		for (size_t i = 0; i < s->by[by].n; i++) {
			const struct vb_tally_ent *e = &s->by[by].ents[i];
			struct json_object *j = json_object_new_object();

			json_object_object_add(j, "key", json_object_new_string(e->key));
			if (e->label)
				json_object_object_add(j, "label", json_object_new_string(e->label));
			json_object_object_add(j, "count", json_object_new_uint64(e->count));
			json_object_array_add(arr, j);
		}
		snprintf(key, sizeof(key), "by_%s", vb_log_by_name(by));
		json_object_object_add(o, key, arr);
	}
	print_json(o);
}

static void summary_text(const struct log_args *a, struct vb_log_stats *s)
{
	char t0[VB_TIME_LEN], t1[VB_TIME_LEN];

	printf("%" PRIu64 " denials (%" PRIu64 " deny, %" PRIu64 " would-deny)",
	       s->denials + s->would_deny, s->denials, s->would_deny);
	if (s->have_span) {
		vb_time_format(s->first_us, t0, sizeof(t0));
		vb_time_format(s->last_us, t1, sizeof(t1));
		printf(", %s to %s", t0, t1);
	}
	printf("\n%" PRIu64 " gap record%s declaring %" PRIu64 " lost record%s\n", s->gaps,
	       s->gaps == 1 ? "" : "s", s->lost, s->lost == 1 ? "" : "s");
	for (int by = 0; by < VB_BY__N; by++) {
		if (!by_wanted(a, by))
			continue;
		if (by == VB_BY_DAY || by == VB_BY_HOUR)
			vb_tally_sort_key(&s->by[by]);
		else
			vb_tally_sort_count(&s->by[by]);
		printf("\nby %s:\n", vb_log_by_name(by));
		for (size_t i = 0; i < s->by[by].n; i++) {
			const struct vb_tally_ent *e = &s->by[by].ents[i];

			printf("%10" PRIu64 "  ", e->count);
			vb_log_text_value(stdout, e->key);
			if (e->label && by != VB_BY_RULE) {
				fputs("  (", stdout);
				vb_log_text_value(stdout, e->label);
				fputc(')', stdout);
			}
			putchar('\n');
		}
	}
}

static int log_summary(int argc, char **argv)
{
	struct vb_log_stats s = {};
	struct log_args a;
	uint64_t bad;
	int err;

	err = parse_args("summary", argc, argv, TAKES_FILTER | TAKES_BY, &a);
	if (err)
		return err > 0 ? 0 : 2;
	err = vb_log_scan(a.files, a.n_files, &a.f, stats_one, &s, &bad);
	if (!err) {
		if (cli_json)
			summary_json(&a, &s);
		else
			summary_text(&a, &s);
	}
	vb_log_stats_free(&s);
	free_args(&a);
	return err || fflush(stdout) ? 2 : 0;
}

static int fill_report(FILE *f, void *arg)
{
	return vb_report_html(f, arg);
}

static const char *report_chain(const struct vb_report *r, const struct vb_verify *v)
{
	if (!r->verify)
		return "not checked";
	if (v->tampered)
		return "TAMPERED (see the page)";
	return v->records ? "intact" : "empty: no records to check";
}

static int log_report(int argc, char **argv)
{
	struct vb_log_stats s = {};
	struct vb_report r = {};
	struct log_args a;
	struct vb_verify v;
	char hbuf[4200];
	const char *head;
	bool broken = false;
	uint64_t bad;
	int err;

	err = parse_args("report", argc, argv, TAKES_FILTER | TAKES_HTML | TAKES_HEAD, &a);
	if (err)
		return err > 0 ? 0 : 2;
	if (!a.html) {
		vb_err("log report: --html OUT is needed (the page to write)");
		free_args(&a);
		return 2;
	}
	err = vb_log_scan(a.files, a.n_files, &a.f, stats_one, &s, &bad);
	if (err)
		goto out;
	/* The page says whether the records it counts are the ones the daemon wrote. */
	head = head_for(&a, hbuf, sizeof(hbuf));
	r.verify = vb_log_verify(a.files, a.n_files, head, &v) ? NULL : &v;
	r.title = a.title;
	r.stats = &s;
	r.files = a.files;
	r.n_files = a.n_files;
	r.selection = a.selection;
	r.generated_us = vb_time_now_us();
	if (!strcmp(a.html, "-")) {
		err = vb_report_html(stdout, &r);
		if (!err && fflush(stdout))
			err = -errno;
	} else {
		/* Atomic: a browser reloading the page, or a copy job, never gets half of it. */
		err = vb_atomic_write_file(a.html, 0666, fill_report, &r);
	}
	if (err) {
		vb_err("log report: cannot write %s: %s", a.html, strerror(-err));
		goto out;
	}
	broken = r.verify && v.tampered;
	/* The page went to stdout: what would be said about it goes to stderr. */
	if (!strcmp(a.html, "-")) {
		fprintf(stderr, "report: %" PRIu64 " denial%s, %" PRIu64 " gap record%s; chain %s\n",
			s.denials + s.would_deny, s.denials + s.would_deny == 1 ? "" : "s", s.gaps,
			s.gaps == 1 ? "" : "s", report_chain(&r, &v));
	} else if (cli_json) {
		struct json_object *o = json_object_new_object();

		json_object_object_add(o, "file", json_object_new_string(a.html));
		json_object_object_add(o, "denials",
				       json_object_new_uint64(s.denials + s.would_deny));
		json_object_object_add(o, "gaps", json_object_new_uint64(s.gaps));
		json_object_object_add(o, "intact", r.verify ?
				       json_object_new_boolean(!v.tampered) : NULL);
		print_json(o);
	} else {
		printf("%s: %" PRIu64 " denial%s, %" PRIu64 " gap record%s; chain %s\n", a.html,
		       s.denials + s.would_deny, s.denials + s.would_deny == 1 ? "" : "s", s.gaps,
		       s.gaps == 1 ? "" : "s", report_chain(&r, &v));
	}
out:
	vb_log_stats_free(&s);
	free_args(&a);
	return err ? 2 : broken ? 1 : 0;
}

static const struct cli_cmd log_cmds[] = {
	{ "verify", log_verify, "check the hash chain: intact, or the first bad record" },
	{ "show", log_show, "print records, filtered; --json or --csv" },
	{ "summary", log_summary, "count denials per vendor, rule, day, host" },
	{ "report", log_report, "write a self-contained HTML report (--html FILE)" },
	{},
};

int do_log(int argc, char **argv)
{
	return cli_dispatch(log_cmds, "log command", LOG_USAGE, argc - 1, argv + 1);
}
