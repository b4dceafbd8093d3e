// SPDX-License-Identifier: GPL-2.0
/* vendorban attest: a signed compliance statement for auditors; verify one; roll many up. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <json-c/json.h>
#include "attest/seal.h"
#include "attest/statement.h"
#include "cli/cli.h"
#include "cli/opterr.h"
#include "log/denylog.h"
#include "log/logtime.h"
#include "log/query.h"
#include "log/report.h"
#include "scan/cache.h"
#include "scan/derive.h"
#include "util/atomic.h"
#include "util/msg.h"
#include "util/readfile.h"

#define ATTEST_KEY	"/etc/vendorban/attest.key"
#define ATTEST_CERT	"/etc/vendorban/attest.pem"
#define ATTEST_POLICY	"/etc/vendorban/vendorban.policy"
#define ATTEST_MAX_CA	16
#define ATTEST_MAX_SIZE	(64 << 20)	/* a statement lists findings: large, not unbounded */

#define ATTEST_USAGE \
	"usage: vendorban [--json] attest [--policy FILE] [--key KEY] [--cert CERT] [-o OUT]\n" \
	"                 [--log LOG] [--no-probe] [--skip PART,...] [--no-cache] [PATH...]\n" \
	"       vendorban [--json] attest verify [--ca CERT]... FILE\n" \
	"       vendorban [--json] attest summary [--ca CERT]... [--csv | --html OUT] FILE...\n" \
	"  attest   sweep this host (PATH...: as `sweep`), prove enforcement as `status` does,\n" \
	"           check the denial log's chain, and write the statement signed (CMS, PEM)\n" \
	"           with the host key (default " ATTEST_KEY ", " ATTEST_CERT ") to OUT\n" \
	"           (default: stdout); exit 0 compliant, 1 not compliant (why is in it), 2 error\n" \
	"  verify   check FILE's signature (and, with --ca, that its signer is trusted) and show\n" \
	"           the statement; exit 0 intact and trusted, 1 edited or untrusted, 2 error\n" \
	"  summary  one row per host: verified, compliant, why; exit 0 when every statement is\n" \
	"           verified and compliant, else 1\n"

static int usage_error(const char *fmt, const char *arg)
{
	vb_err(fmt, arg);
	fputs(ATTEST_USAGE, stderr);
	return 2;
}

static int write_out(const char *out, const char *pem, size_t len)
{
	int err;

	if (!out || !strcmp(out, "-"))
		return fwrite(pem, 1, len, stdout) == len ? 0 : -EIO;
	err = vb_atomic_write(out, pem, len, 0644);
	if (err)
		vb_err("cannot write %s: %s", out, strerror(-err));
	return err;
}

static int attest_make(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "policy", required_argument, NULL, 'p' },
		{ "key", required_argument, NULL, 'k' },
		{ "cert", required_argument, NULL, 'c' },
		{ "output", required_argument, NULL, 'o' },
		{ "log", required_argument, NULL, 'l' },
		{ "no-probe", no_argument, NULL, 'P' },
		{ "skip", required_argument, NULL, 's' },
		{ "no-cache", no_argument, NULL, 'n' },
		{ "help", no_argument, NULL, 'h' },
		{},
	};
	struct vb_attest_opts o = {
		.policy = ATTEST_POLICY, .log = VB_DENYLOG_DEFAULT, .probe = true,
		.sweep = { .what = VB_SWEEP_ALL, .cache = VB_SCAN_CACHE_DEFAULT },
	};
	const char *key = ATTEST_KEY, *cert = ATTEST_CERT, *out = NULL;
	char *paths[VB_SCAN_PATHS_MAX], why[VB_SEAL_WHY_MAX], *pem = NULL;
	struct json_object *st = NULL;
	const char *text;
	size_t pem_len;
	int c, err;

	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "+:o:", opts, NULL)) != -1) {
		switch (c) {
		case 'p': o.policy = optarg; break;
		case 'k': key = optarg; break;
		case 'c': cert = optarg; break;
		case 'o': out = optarg; break;
		case 'l': o.log = optarg; break;
		case 'P': o.probe = false; break;
		case 'n': o.sweep.cache = NULL; break;
		case 's':
			if (vb_sweep_parse_skip(optarg, &o.sweep.what))
				return 2;
			break;
		case 'h':
			fputs(ATTEST_USAGE, stdout);
			return 0;
		default:
			cli_option_error("attest", c, argv);
			fputs(ATTEST_USAGE, stderr);
			return 2;
		}
	}
	if (geteuid()) {
		vb_err("attest needs root: it reads every process and the kernel's BPF maps, and "
		       "runs the canary execs");
		return 2;
	}
	if (optind < argc) {
		o.sweep.paths = argv + optind;
		o.sweep.n_paths = argc - optind;
	} else {
		o.sweep.paths = paths;
		o.sweep.n_paths = vb_sweep_default_paths(paths);
	}
	if (!o.sweep.n_paths)
		o.sweep.what &= ~VB_SWEEP_FILES;
	/* The key first: a statement that cannot be signed is not worth the sweep. */
	if (access(key, R_OK) || access(cert, R_OK)) {
		vb_err("attest: cannot read the host key %s or its certificate %s: %s (make them, "
		       "e.g. with openssl req -x509, or give --key and --cert)", key, cert,
		       strerror(errno));
		return 2;
	}
	err = vb_attest_statement(&o, &st, why, sizeof(why));
	if (err) {
		vb_err("attest: %s", why);
		return 2;
	}
	text = json_object_to_json_string_ext(st, JSON_C_TO_STRING_PRETTY |
					      JSON_C_TO_STRING_NOSLASHESCAPE);
	err = vb_seal(text, strlen(text), key, cert, &pem, &pem_len, why, sizeof(why));
	if (err) {
		vb_err("attest: %s", why);
		json_object_put(st);
		return 2;
	}
	err = write_out(out, pem, pem_len);
	if (!err && out)
		fprintf(stderr, "attest: wrote %s: %s\n", out, json_object_get_boolean(
			json_object_object_get(st, "compliant")) ? "COMPLIANT" : "NOT COMPLIANT");
	c = err ? 2 : json_object_get_boolean(json_object_object_get(st, "compliant")) ? 0 : 1;
	free(pem);
	json_object_put(st);
	return c;
}

/* --ca files into a trust store; *t stays unset (NULL) when none was given. */
static int load_cas(const char **cas, int n, struct vb_trust *store, struct vb_trust **t)
{
	char why[VB_SEAL_WHY_MAX];

	*t = NULL;
	if (!n)
		return 0;
	if (vb_trust_load_why(store, cas, n, why, sizeof(why))) {
		vb_err("attest: %s", why);
		return -EINVAL;
	}
	*t = store;
	return 0;
}

/* Read and open one sealed statement. 0 (s and *o set), or -errno, said, with why. */
static int open_file(const char *file, const struct vb_trust *t, struct vb_sealed *s,
		     struct json_object **o, char *why, size_t why_len)
{
	char *buf;
	size_t len;
	int err;

	*o = NULL;
	err = vb_read_file(file, ATTEST_MAX_SIZE, &buf, &len);
	if (err) {
		snprintf(why, why_len, "cannot read it: %s", strerror(-err));
		return err;
	}
	err = vb_unseal(buf, len, t, s, why, why_len);
	free(buf);
	if (err)
		return err;
	*o = json_tokener_parse(s->data);
	if (!*o) {
		snprintf(why, why_len, "signed, but its content is not a statement (not JSON)");
		vb_sealed_free(s);
		return -EBADMSG;
	}
	return 0;
}

/* The options of verify and summary (summary also takes --csv and --html). */
struct check_args {
	const char *cas[ATTEST_MAX_CA];
	int n_ca;
	bool csv;
	const char *html;
};

/* 0 parsed, 1 help printed, 2 a usage error said. */
static int parse_check_args(const char *cmd, bool summary, int argc, char **argv,
			    struct check_args *a)
{
	static const struct option opts[] = {
		{ "ca", required_argument, NULL, 'a' },
		{ "csv", no_argument, NULL, 'c' },
		{ "html", required_argument, NULL, 'H' },
		{ "help", no_argument, NULL, 'h' },
		{},
	};
	int c;

	memset(a, 0, sizeof(*a));
	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "+:", opts, NULL)) != -1) {
		if ((c == 'c' || c == 'H') && !summary)
			c = '?';
		switch (c) {
		case 'a':
			if (a->n_ca == ATTEST_MAX_CA) {
				vb_err("%s: more than %d --ca", cmd, ATTEST_MAX_CA);
				return 2;
			}
			a->cas[a->n_ca++] = optarg;
			break;
		case 'c':
			a->csv = true;
			break;
		case 'H':
			a->html = optarg;
			break;
		case 'h':
			fputs(ATTEST_USAGE, stdout);
			return 1;
		default:
			cli_option_error(cmd, c, argv);
			fputs(ATTEST_USAGE, stderr);
			return 2;
		}
	}
	return 0;
}

static int attest_verify(int argc, char **argv)
{
	struct vb_trust store, *t;
	struct vb_attest_row r;
	struct check_args a;
	struct json_object *o;
	struct vb_sealed s;
	char why[VB_SEAL_WHY_MAX];
	int err, rc;

	rc = parse_check_args("attest verify", false, argc, argv, &a);
	if (rc)
		return rc == 1 ? 0 : 2;
	if (optind != argc - 1)
		return usage_error("attest verify: %s", "give one FILE");
	if (load_cas(a.cas, a.n_ca, &store, &t))
		return 2;
	err = open_file(argv[optind], t, &s, &o, why, sizeof(why));
	if (t)
		vb_trust_free(t);
	if (err) {
		if (cli_json) {
			struct json_object *j = json_object_new_object();

			json_object_object_add(j, "file", json_object_new_string(argv[optind]));
			json_object_object_add(j, "intact", json_object_new_boolean(false));
			json_object_object_add(j, "problem", json_object_new_string(why));
			cli_json_print(j);
			json_object_put(j);
		} else {
			printf("%s: NOT VERIFIED: %s\n", argv[optind], why);
		}
		return err == -EBADMSG ? 1 : 2;
	}
	if (vb_attest_row(o, &r)) {
		printf("%s: NOT VERIFIED: signed, but not a statement of format %d\n",
		       argv[optind], VB_ATTEST_FORMAT);
		json_object_put(o);
		vb_sealed_free(&s);
		return 1;
	}
	rc = s.trusted ? 0 : 1;
	if (cli_json) {
		struct json_object *j = json_object_new_object();

		json_object_object_add(j, "file", json_object_new_string(argv[optind]));
		json_object_object_add(j, "intact", json_object_new_boolean(true));
		json_object_object_add(j, "signer", json_object_new_string(s.signer));
		json_object_object_add(j, "signer_sha256", json_object_new_string(s.fingerprint));
		json_object_object_add(j, "trusted", json_object_new_boolean(s.trusted));
		json_object_object_add(j, "problem", s.trusted ? NULL :
				       json_object_new_string(s.untrusted_why));
		json_object_object_add(j, "statement", o);
		cli_json_print(j);
		json_object_put(j);
	} else {
		printf("%s: signature intact, signed by '%s' (certificate sha256 %s)\n",
		       argv[optind], s.signer, s.fingerprint);
		printf("signer: %s\n", s.trusted ? "trusted" : s.untrusted_why);
		printf("host %s at %s: %s%s%s\n", r.host, r.time,
		       r.compliant ? "COMPLIANT" : "NOT COMPLIANT",
		       r.compliant ? "" : ": ", r.reasons);
		json_object_put(o);
	}
	vb_sealed_free(&s);
	return rc;
}

struct row {
	const char *file;
	bool verified;		/* intact and, where --ca was given, trusted */
	char problem[VB_SEAL_WHY_MAX];
	struct vb_attest_row r;
	struct json_object *o;	/* owns r's strings */
};

static const char *row_verdict(const struct row *w)
{
	if (!w->verified)
		return "NOT VERIFIED";
	return w->r.compliant ? "compliant" : "NOT COMPLIANT";
}

static const char *row_why(const struct row *w)
{
	return !w->verified ? w->problem : w->r.compliant ? "" : w->r.reasons;
}

static void summary_text(const struct row *rows, size_t n)
{
	printf("%-24s %-27s %-13s %7s %6s %6s %6s %6s  %s\n", "HOST", "TIME", "VERDICT", "POLICY",
	       "FILES", "PKGS", "PROCS", "MODS", "WHY");
	for (size_t i = 0; i < n; i++) {
		const struct row *w = &rows[i];

		printf("%-24s %-27s %-13s %7lld %6llu %6llu %6llu %6llu  %s\n",
		       w->verified ? w->r.host : w->file, w->verified ? w->r.time : "-",
		       row_verdict(w), w->verified ? w->r.policy_version : -1, w->r.found[0],
		       w->r.found[1], w->r.found[2], w->r.found[3], row_why(w));
	}
}

static void summary_csv(FILE *out, const struct row *rows, size_t n)
{
	fputs("file,host,time,verdict,policy_version,files,packages,processes,modules,why\r\n",
	      out);
	for (size_t i = 0; i < n; i++) {
		const struct row *w = &rows[i];
		char num[32];

		vb_csv_field(out, w->file, true);
		fputc(',', out);
		vb_csv_field(out, w->verified ? w->r.host : "", true);
		fputc(',', out);
		vb_csv_field(out, w->verified ? w->r.time : "", true);
		fputc(',', out);
		vb_csv_field(out, row_verdict(w), true);
		snprintf(num, sizeof(num), ",%lld,%llu,%llu,%llu,%llu,", w->r.policy_version,
			 w->r.found[0], w->r.found[1], w->r.found[2], w->r.found[3]);
		fputs(num, out);
		vb_csv_field(out, row_why(w), true);
		fputs("\r\n", out);
	}
}

static void summary_html(FILE *out, const struct row *rows, size_t n, size_t ok)
{
	char now[VB_TIME_LEN];

	vb_time_format(vb_time_now_us(), now, sizeof(now));
	fputs("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
	      "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
	      "style-src 'unsafe-inline'\">\n<meta name=\"generator\" content=\"vendorban "
	      "attest summary\">\n<title>Compliance summary</title>\n<style>\n", out);
	fputs(vb_report_style, out);
	fprintf(out, "</style>\n</head>\n<body>\n<header><h1>Compliance summary</h1><p>%zu host "
		"statement%s; generated %s</p></header>\n<main>\n<section class=\"cards\">\n"
		"<div class=\"card\"><div class=\"num ok\">%zu</div><div class=\"lbl\">verified "
		"and compliant</div></div>\n<div class=\"card\"><div class=\"num%s\">%zu</div>"
		"<div class=\"lbl\">not compliant or not verified</div></div>\n</section>\n"
		"<section><h2>Hosts</h2>\n<table>\n<tr><th>host</th><th>time</th><th>verdict</th>"
		"<th>policy</th><th>files</th><th>packages</th><th>processes</th><th>modules</th>"
		"<th>why</th></tr>\n", n, n == 1 ? "" : "s", now, ok, n - ok ? " bad" : "", n - ok);
	for (size_t i = 0; i < n; i++) {
		const struct row *w = &rows[i];

		fputs("<tr><td class=\"key\">", out);
		vb_html_escape(out, w->verified ? w->r.host : w->file);
		fputs("</td><td>", out);
		vb_html_escape(out, w->verified ? w->r.time : "-");
		fprintf(out, "</td><td class=\"%s\">%s</td><td class=\"n\">%lld</td>"
			"<td class=\"n\">%llu</td><td class=\"n\">%llu</td><td class=\"n\">%llu</td>"
			"<td class=\"n\">%llu</td><td>", w->verified && w->r.compliant ? "ok" : "bad",
			row_verdict(w), w->r.policy_version, w->r.found[0], w->r.found[1],
			w->r.found[2], w->r.found[3]);
		vb_html_escape(out, row_why(w));
		fputs("</td></tr>\n", out);
	}
	fputs("</table>\n</section>\n</main>\n</body>\n</html>\n", out);
}

static int attest_summary(int argc, char **argv)
{
	struct vb_trust store, *t;
	struct check_args a;
	struct row *rows;
	size_t n, ok = 0;
	int rc;

	rc = parse_check_args("attest summary", true, argc, argv, &a);
	if (rc)
		return rc == 1 ? 0 : 2;
	if (optind == argc)
		return usage_error("attest summary: %s", "give the statement FILEs");
	if (!!a.csv + !!a.html + cli_json > 1)
		return usage_error("attest summary: %s", "one of --json, --csv, --html");
	if (load_cas(a.cas, a.n_ca, &store, &t))
		return 2;
	n = argc - optind;
	rows = calloc(n, sizeof(*rows));
	if (!rows)
		return 2;
	for (size_t i = 0; i < n; i++) {
		struct row *w = &rows[i];
		struct vb_sealed s;

		w->file = argv[optind + i];
		if (open_file(w->file, t, &s, &w->o, w->problem, sizeof(w->problem)))
			continue;
		if (vb_attest_row(w->o, &w->r))
			snprintf(w->problem, sizeof(w->problem), "not a statement of format %d",
				 VB_ATTEST_FORMAT);
		else if (t && !s.trusted)
			snprintf(w->problem, sizeof(w->problem), "%s", s.untrusted_why);
		else
			w->verified = true;
		vb_sealed_free(&s);
		ok += w->verified && w->r.compliant;
	}
	if (t)
		vb_trust_free(t);
	if (cli_json) {
		struct json_object *a = json_object_new_array();

		for (size_t i = 0; i < n; i++) {
			struct json_object *j = json_object_new_object();

			json_object_object_add(j, "file", json_object_new_string(rows[i].file));
			json_object_object_add(j, "verified",
					       json_object_new_boolean(rows[i].verified));
			json_object_object_add(j, "problem", rows[i].verified ? NULL :
					       json_object_new_string(rows[i].problem));
			json_object_object_add(j, "statement", rows[i].verified ?
					       json_object_get(rows[i].o) : NULL);
			json_object_array_add(a, j);
		}
		cli_json_print(a);
		json_object_put(a);
	} else if (a.csv) {
		summary_csv(stdout, rows, n);
	} else if (a.html) {
		FILE *f = strcmp(a.html, "-") ? fopen(a.html, "w") : stdout;

		if (!f) {
			vb_err("cannot write %s: %s", a.html, strerror(errno));
			rc = 2;
		} else {
			summary_html(f, rows, n, ok);
			if (f != stdout && fclose(f)) {
				vb_err("cannot write %s: %s", a.html, strerror(errno));
				rc = 2;
			}
		}
	} else {
		summary_text(rows, n);
		printf("\n%zu of %zu host%s verified and compliant\n", ok, n, n == 1 ? "" : "s");
	}
	for (size_t i = 0; i < n; i++)
		json_object_put(rows[i].o);
	free(rows);
	return rc ? rc : ok == n ? 0 : 1;
}

int do_attest(int argc, char **argv)
{
	if (argc > 1 && !strcmp(argv[1], "verify"))
		return attest_verify(argc - 1, argv + 1);
	if (argc > 1 && !strcmp(argv[1], "summary"))
		return attest_summary(argc - 1, argv + 1);
	return attest_make(argc, argv);
}
