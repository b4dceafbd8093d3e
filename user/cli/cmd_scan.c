// SPDX-License-Identifier: GPL-2.0
/* vendorban scan: what the policy would deny on this system (or on a mounted image). */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <json-c/json.h>
#include <linux/types.h>
#include "util/hex.h"
#include "cli/cli.h"
#include "cli/opterr.h"
#include "util/msg.h"
#include "policy/policy.h"
#include "scan/scan.h"
#include "scan/cache.h"
#include "scan/pool.h"
#include "vendorban.h"

#define SCAN_DEFAULT_POLICY	"/etc/vendorban/vendorban.policy"
#define SCAN_USAGE \
	"usage: vendorban [--json] scan [--policy FILE] [--root DIR] [--summary]\n" \
	"                 [--one-file-system] [--all-files] [--jobs N]\n" \
	"                 [--cache FILE | --no-cache] PATH...\n" \
	"  list the regular files below each PATH that the policy would deny or audit, with the\n" \
	"  evidence that matched: content hash, path, signer, certificate, package, module name\n" \
	"  --policy FILE  the policy to apply (default " SCAN_DEFAULT_POLICY ")\n" \
	"  --root DIR     treat DIR as / (a mounted image): PATHs and path rules are under it\n" \
	"  --summary      only the per-vendor summary (unread files are still listed)\n" \
	"  --one-file-system  do not cross mount points (pseudo filesystems such as proc\n" \
	"                 and sysfs are never entered); what was not entered is listed\n" \
	"  --all-files    hash every regular file; by default only files that can run or load\n" \
	"                 are: an exec bit, or ELF, PE, a #! script or a compressed (module)\n" \
	"                 file; the others are counted as skipped\n" \
	"  --jobs N       read files on N threads (default: one per online CPU, at most 64);\n" \
	"                 the output is the same for any N\n" \
	"  --cache FILE   skip reading files unchanged since a scan recorded them in FILE\n" \
	"                 (default " VB_SCAN_CACHE_DEFAULT ")\n" \
	"  --no-cache     read every file\n" \
	"  exit: 0 nothing matches, 1 some file matches, 2 error, 3 incomplete: some file\n" \
	"        could not be read or its signature or ELF headers parsed (they are listed;\n" \
	"        so are the matches among the files that were read)\n"

/* Exit codes, as SCAN_USAGE and the README say. */
#define SCAN_EXIT_CLEAN		0
#define SCAN_EXIT_MATCH		1
#define SCAN_EXIT_ERROR		2
#define SCAN_EXIT_INCOMPLETE	3

struct progress {
	struct timespec last;
	bool shown;
};

static void scan_progress(const struct vb_scan_result *res, void *arg)
{
	struct progress *pr = arg;
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	if (pr->shown && (now.tv_sec - pr->last.tv_sec) * 1000000000L +
			 (now.tv_nsec - pr->last.tv_nsec) < 250000000L)
		return;
	pr->last = now;
	pr->shown = true;
	fprintf(stderr, "\rscanning: %llu files (%llu from cache), %llu MB read, %zu match%s\033[K",
		(unsigned long long)res->files_scanned, (unsigned long long)res->cache_hits,
		(unsigned long long)(res->bytes_hashed / 1000000), res->n_matches,
		res->n_matches == 1 ? "" : "es");
}


static const char *plural(size_t n)
{
	return n == 1 ? "" : "s";
}

/* Vendors sorted by id (the parser keeps them in file order): order[0..n_vendors). */
static void vendor_order(const struct vb_policy *p, size_t *order)
{
	for (size_t i = 0; i < p->n_vendors; i++) {
		size_t j = i;

		while (j > 0 && strcmp(p->vendors[order[j - 1]].id, p->vendors[i].id) > 0) {
			order[j] = order[j - 1];
			j--;
		}
		order[j] = i;
	}
}

static void print_text(const struct vb_policy *p, const struct vb_scan_result *res,
		       const size_t *order, bool summary_only)
{
	char h[65];

	for (size_t i = 0; !summary_only && i < res->n_matches; i++) {
		const struct vb_scan_match *m = &res->matches[i];

		printf("%s %s  %s  ", m->deny ? "DENY" : "AUDIT", p->vendors[m->vendor_idx].id,
		       m->path);
		if (m->hash_rule) {
			vb_hex(m->sha256, 32, h);
			printf("sha256 %s rule %s (%s:%u)", h, m->hash_rule->id, p->file,
			       m->hash_rule->line);
		}
		if (m->path_rule)
			printf("%spath %s rule %s (%s:%u)", m->hash_rule ? "; " : "",
			       m->path_rule->path, m->path_rule->id, p->file, m->path_rule->line);
		if (m->id_rule)
			printf("%s%s rule %s (%s:%u): %s",
			       m->hash_rule || m->path_rule ? "; " : "",
			       vb_rule_kind_name(m->id_rule->kind), m->id_rule->id, p->file,
			       m->id_rule->line, m->evidence ? m->evidence : "");
		putchar('\n');
	}
	for (size_t i = 0; i < res->n_unreadable_list; i++)
		printf("UNREADABLE  %s: %s\n", res->unreadable_list[i].path,
		       res->unreadable_list[i].why);
	for (size_t i = 0; i < res->n_malformed_list; i++)
		printf("MALFORMED  %s: %s\n", res->malformed_list[i].path,
		       res->malformed_list[i].why);
	for (size_t i = 0; i < res->n_skipped; i++)
		printf("NOT ENTERED  %s: %s (%s)\n", res->skipped[i].path, res->skipped[i].fs,
		       res->skipped[i].pseudo ? "pseudo filesystem" : "other filesystem, "
		       "--one-file-system");
	for (size_t i = 0; i < p->n_vendors; i++) {
		const struct vb_vendor *v = &p->vendors[order[i]];
		const struct vb_scan_count *c = &res->vendors[order[i]];

		if (c->files)
			printf("%s \"%s\": %zu file%s (%zu deny, %zu audit)\n", v->id, v->name,
			       c->files, plural(c->files), c->deny, c->audit);
		else
			printf("%s \"%s\": no files%s\n", v->id, v->name,
			       vb_scan_complete(res) ? "" : " among those read");
	}
	/* The cache's share only when it had one: without it, every file counted was read. */
	if (res->cache_hits)
		printf("scanned %llu file%s (%llu from cache), %llu MB read",
		       (unsigned long long)res->files_scanned, plural(res->files_scanned),
		       (unsigned long long)res->cache_hits,
		       (unsigned long long)((res->bytes_hashed + 500000) / 1000000));
	else
		printf("scanned %llu file%s, %llu MB", (unsigned long long)res->files_scanned,
		       plural(res->files_scanned),
		       (unsigned long long)((res->bytes_hashed + 500000) / 1000000));
	printf("; %zu file%s match%s the policy\n", res->n_matches, plural(res->n_matches),
	       res->n_matches == 1 ? "es" : "");
	if (res->cannot_exec)
		printf("%llu file%s skipped: cannot execute (no exec bit; not ELF, PE, a #! script "
		       "or compressed; --all-files reads them)\n",
		       (unsigned long long)res->cannot_exec, plural(res->cannot_exec));
	if (!vb_scan_complete(res))
		printf("incomplete: %llu file%s could not be read, %llu could not be parsed\n",
		       (unsigned long long)res->unreadable, plural(res->unreadable),
		       (unsigned long long)res->malformed);
}

static struct json_object *problems_json(const struct vb_scan_problem *l, size_t n,
					 const char *why)
{
	struct json_object *a = json_object_new_array();

	for (size_t i = 0; i < n; i++) {
		struct json_object *o = json_object_new_object();

		json_object_object_add(o, "path", json_object_new_string(l[i].path));
		json_object_object_add(o, why, json_object_new_string(l[i].why));
		json_object_array_add(a, o);
	}
	return a;
}

static struct json_object *skipped_json(const struct vb_scan_result *res)
{
	struct json_object *a = json_object_new_array();

	for (size_t i = 0; i < res->n_skipped; i++) {
		struct json_object *o = json_object_new_object();

		json_object_object_add(o, "path", json_object_new_string(res->skipped[i].path));
		json_object_object_add(o, "filesystem", json_object_new_string(res->skipped[i].fs));
		json_object_object_add(o, "reason", json_object_new_string(
			res->skipped[i].pseudo ? "pseudo filesystem" : "one-file-system"));
		json_object_array_add(a, o);
	}
	return a;
}

static struct json_object *evidence_json(const struct vb_policy *p, const char *kind,
					 const struct vb_rule *r)
{
	struct json_object *e = json_object_new_object();
	char src[4200];

	snprintf(src, sizeof(src), "%s:%u", p->file, r->line);
	json_object_object_add(e, "match", json_object_new_string(kind));
	json_object_object_add(e, "rule", json_object_new_string(r->id));
	json_object_object_add(e, "rule_source", json_object_new_string(src));
	json_object_object_add(e, "mode", json_object_new_string(vb_mode_name(r->mode)));
	return e;
}

static struct json_object *id_evidence_json(const struct vb_policy *p,
					    const struct vb_scan_match *m)
{
	struct json_object *e = evidence_json(p, vb_rule_kind_name(m->id_rule->kind), m->id_rule);
	char rule[600];

	vb_rule_describe(m->id_rule, rule, sizeof(rule));
	json_object_object_add(e, "value", json_object_new_string(rule));
	json_object_object_add(e, "how", json_object_new_string(m->evidence ? m->evidence : ""));
	return e;
}

/* The rule that decides: the first in enforce mode, else the first; as the kernel orders
 * them (content hash, path, then the file's identity). */
static const struct vb_rule *deciding_rule(const struct vb_scan_match *m)
{
	const struct vb_rule *r[] = { m->hash_rule, m->path_rule, m->id_rule };

	for (size_t i = 0; i < 3; i++)
		if (r[i] && r[i]->mode == VB_MODE_ENFORCE)
			return r[i];
	return m->hash_rule ? m->hash_rule : m->path_rule ? m->path_rule : m->id_rule;
}

static void print_json(const struct vb_policy *p, const struct vb_scan_result *res,
		       const size_t *order, bool summary_only, const char *cache, bool all_files)
{
	struct json_object *o = json_object_new_object();
	struct json_object *ms = json_object_new_array(), *sum = json_object_new_array();
	char h[65];

	for (size_t i = 0; i < res->n_matches; i++) {
		const struct vb_scan_match *m = &res->matches[i];
		const struct vb_vendor *v = &p->vendors[m->vendor_idx];
		struct json_object *j = json_object_new_object(), *ev = json_object_new_array();

		vb_hex(m->sha256, 32, h);
		json_object_object_add(j, "path", json_object_new_string(m->path));
		json_object_object_add(j, "sha256", json_object_new_string(h));
		json_object_object_add(j, "vendor", json_object_new_string(v->id));
		json_object_object_add(j, "vendor_name", json_object_new_string(v->name));
		json_object_object_add(j, "mode", json_object_new_string(m->deny ? "enforce" :
									   "audit"));
		json_object_object_add(j, "verdict", json_object_new_string(m->deny ? "deny" :
									      "audit"));
		json_object_object_add(j, "rule", json_object_new_string(deciding_rule(m)->id));
		if (m->hash_rule)
			json_object_array_add(ev, evidence_json(p, "sha256", m->hash_rule));
		if (m->path_rule)
			json_object_array_add(ev, evidence_json(p, "path", m->path_rule));
		if (m->id_rule)
			json_object_array_add(ev, id_evidence_json(p, m));
		json_object_object_add(j, "evidence", ev);
		json_object_array_add(ms, j);
	}
	for (size_t i = 0; i < p->n_vendors; i++) {
		const struct vb_scan_count *c = &res->vendors[order[i]];
		const struct vb_vendor *v = &p->vendors[order[i]];
		struct json_object *j = json_object_new_object();

		json_object_object_add(j, "vendor", json_object_new_string(v->id));
		json_object_object_add(j, "vendor_name", json_object_new_string(v->name));
		json_object_object_add(j, "files", json_object_new_uint64(c->files));
		json_object_object_add(j, "deny", json_object_new_uint64(c->deny));
		json_object_object_add(j, "audit", json_object_new_uint64(c->audit));
		json_object_array_add(sum, j);
	}
	if (summary_only)
		json_object_put(ms);
	else
		json_object_object_add(o, "matches", ms);
	json_object_object_add(o, "summary", sum);
	json_object_object_add(o, "files_scanned", json_object_new_uint64(res->files_scanned));
	json_object_object_add(o, "bytes_hashed", json_object_new_uint64(res->bytes_hashed));
	json_object_object_add(o, "bytes_total", json_object_new_uint64(res->bytes_total));
	json_object_object_add(o, "cache", cache ? json_object_new_string(cache) : NULL);
	json_object_object_add(o, "cache_hits", json_object_new_uint64(res->cache_hits));
	json_object_object_add(o, "all_files", json_object_new_boolean(all_files));
	json_object_object_add(o, "skipped_cannot_execute",
			       json_object_new_uint64(res->cannot_exec));
	json_object_object_add(o, "unreadable", json_object_new_uint64(res->unreadable));
	json_object_object_add(o, "malformed", json_object_new_uint64(res->malformed));
	json_object_object_add(o, "complete", json_object_new_boolean(vb_scan_complete(res)));
	json_object_object_add(o, "unreadable_files", problems_json(res->unreadable_list,
								     res->n_unreadable_list, "error"));
	json_object_object_add(o, "malformed_files", problems_json(res->malformed_list,
								    res->n_malformed_list, "reason"));
	json_object_object_add(o, "not_entered", skipped_json(res));
	json_object_object_add(o, "not_entered_count", json_object_new_uint64(res->skips));
	cli_json_print(o);
	json_object_put(o);
}

/* Exit 0: nothing matches; 1: some file matches; 2: bad arguments, policy refused, PATH error;
 * 3: some file could not be read or parsed. */
int do_scan(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "policy", required_argument, NULL, 'p' },
		{ "root", required_argument, NULL, 'r' },
		{ "summary", no_argument, NULL, 's' },
		{ "cache", required_argument, NULL, 'c' },
		{ "no-cache", no_argument, NULL, 'n' },
		{ "one-file-system", no_argument, NULL, 'x' },
		{ "all-files", no_argument, NULL, 'a' },
		{ "jobs", required_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{},
	};
	const char *policy = SCAN_DEFAULT_POLICY;
	struct vb_scan_opts o = { .cache = VB_SCAN_CACHE_DEFAULT };
	struct vb_scan_result res = {};
	struct vb_policy *p = NULL;
	struct vb_diag diag = {};
	struct progress prog = {};
	size_t *order = NULL;
	bool summary = false;
	int c, err, ret = 2;

	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "+:", opts, NULL)) != -1) {
		switch (c) {
		case 'p':
			policy = optarg;
			break;
		case 'r':
			o.root = optarg;
			break;
		case 's':
			summary = true;
			break;
		case 'c':
			o.cache = optarg;
			break;
		case 'n':
			o.cache = NULL;
			break;
		case 'x':
			o.one_file_system = true;
			break;
		case 'a':
			o.all_files = true;
			break;
		case 'j': {
			char *end;
			unsigned long n;

			errno = 0;
			n = strtoul(optarg, &end, 10);
			if (errno || *end || end == optarg || optarg[0] == '-' || n < 1 ||
			    n > VB_POOL_MAX_THREADS) {
				vb_err("scan: --jobs takes a number from 1 to %u, not '%s'",
				       VB_POOL_MAX_THREADS, optarg);
				return 2;
			}
			o.jobs = n;
			break;
		}
		case 'h':
			fputs(SCAN_USAGE, stdout);
			return 0;
		default:
			cli_option_error("scan", c, argv);
			fputs(SCAN_USAGE, stderr);
			return 2;
		}
	}
	if (optind >= argc) {
		vb_err("scan: no PATH to scan");
		fputs(SCAN_USAGE, stderr);
		return 2;
	}

	err = vb_policy_load(policy, &p, &diag);
	vb_diag_print(&diag, policy, stderr);
	if (err) {
		vb_err("policy %s refused: nothing scanned", policy);
		goto out;
	}

	o.progress = isatty(STDERR_FILENO) ? scan_progress : NULL;
	o.arg = &prog;
	err = vb_scan_run(p, &o, argv + optind, argc - optind, &res);
	if (prog.shown)
		fputs("\r\033[K", stderr);
	if (err == -ENOMEM) {
		vb_err("scan: out of memory");
		goto out;
	}
	order = malloc((p->n_vendors ? p->n_vendors : 1) * sizeof(*order));
	if (!order) {
		vb_err("scan: out of memory");
		goto out;
	}
	vendor_order(p, order);
	if (cli_json)
		print_json(p, &res, order, summary, o.cache, o.all_files);
	else
		print_text(p, &res, order, summary);
	if (!vb_scan_complete(&res))
		vb_warn("scan incomplete: %llu file%s could not be read, %llu could not be parsed%s",
			(unsigned long long)res.unreadable, plural(res.unreadable),
			(unsigned long long)res.malformed,
			res.n_unreadable_list + res.n_malformed_list <
				res.unreadable + res.malformed ? " (the first ones are listed)" : "");
	ret = err ? SCAN_EXIT_ERROR : !vb_scan_complete(&res) ? SCAN_EXIT_INCOMPLETE :
	      res.n_matches ? SCAN_EXIT_MATCH : SCAN_EXIT_CLEAN;
out:
	free(order);
	vb_scan_result_free(&res);
	vb_policy_free(p);
	vb_diag_free(&diag);
	return ret;
}
