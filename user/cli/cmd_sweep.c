// SPDX-License-Identifier: GPL-2.0
/* vendorban sweep: everything of the banned vendors on this host, in one command. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/stat.h>
#include <json-c/json.h>
#include "cli/cli.h"
#include "cli/opterr.h"
#include "policy/policy.h"
#include "scan/cache.h"
#include "scan/derive.h"
#include "sweep/sweep.h"
#include "util/msg.h"
#include "vendorban.h"

#define SWEEP_DEFAULT_POLICY	"/etc/vendorban/vendorban.policy"
#define SWEEP_EXIT_CLEAN	0
#define SWEEP_EXIT_FOUND	1
#define SWEEP_EXIT_ERROR	2
#define SWEEP_EXIT_INCOMPLETE	3
#define SWEEP_USAGE \
	"usage: vendorban [--json] sweep [--policy FILE] [--skip PART,...]\n" \
	"                 [--cache FILE | --no-cache] [PATH...]\n" \
	"  the banned vendors' software on this host: files below each PATH (default the\n" \
	"  existing ones of " VB_SCAN_DEFAULT_PATHS "),\n" \
	"  installed packages, running processes (deleted and memfd executables, libraries\n" \
	"  mapped in), loaded kernel modules; a table by vendor, then each finding\n" \
	"  --policy FILE  the policy (default " SWEEP_DEFAULT_POLICY ")\n" \
	"  --skip PARTS   leave out files, packages, processes or modules (comma-separated)\n" \
	"  --cache FILE   the scan cache (default " VB_SCAN_CACHE_DEFAULT ")\n" \
	"  --no-cache     read every file\n" \
	"  exit: 0 nothing banned found and the sweep complete; 1 banned software found (even\n" \
	"  if the sweep is incomplete); 2 bad arguments or policy; 3 nothing found but the\n" \
	"  sweep incomplete (unreadable files or /proc entries: run as root)\n"

struct progress {
	struct timespec last;
	bool shown;
};

static void sweep_progress(const char *stage, const struct vb_scan_result *files, void *arg)
{
	struct progress *pr = arg;
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	if (files && pr->shown && (now.tv_sec - pr->last.tv_sec) * 1000000000L +
				  (now.tv_nsec - pr->last.tv_nsec) < 250000000L)
		return;
	pr->last = now;
	pr->shown = true;
	if (files)
		fprintf(stderr, "\rsweep: files: %llu (%llu from cache), %zu match%s\033[K",
			(unsigned long long)files->files_scanned,
			(unsigned long long)files->cache_hits, files->n_matches,
			files->n_matches == 1 ? "" : "es");
	else
		fprintf(stderr, "\rsweep: %s\033[K", stage);
}

static const char *mark(const struct vb_rule *r)
{
	return r->mode == VB_MODE_ENFORCE ? "DENY " : "AUDIT";
}

static void print_details(const struct vb_policy *p, const struct vb_sweep *s)
{
	char src[4200];

	for (size_t i = 0; i < s->files.n_matches; i++) {
		const struct vb_scan_match *m = &s->files.matches[i];
		const struct vb_rule *r = m->hash_rule ? m->hash_rule :
					  m->path_rule ? m->path_rule : m->id_rule;

		vb_rule_source(p, r, src, sizeof(src));
		printf("%s file     %s  %s  %s rule %s (%s)\n", m->deny ? "DENY " : "AUDIT",
		       p->vendors[m->vendor_idx].id, m->path,
		       r == m->id_rule ? vb_rule_kind_name(r->kind) :
		       r == m->hash_rule ? "sha256" : "path", r->id, src);
	}
	for (size_t i = 0; i < s->n_pkgs; i++) {
		const struct vb_pkg_finding *f = &s->pkgs[i];

		vb_rule_source(p, f->rule, src, sizeof(src));
		printf("%s package  %s  %s %s (%s)  rule %s (%s): %s\n", mark(f->rule),
		       vb_rule_vendor(p, f->rule)->id, f->pkg.name, f->pkg.version,
		       f->pkg.manager, f->rule->id, src, f->evidence);
	}
	for (size_t i = 0; i < s->procs.n; i++) {
		const struct vb_proc_finding *f = &s->procs.f[i];

		vb_rule_source(p, f->j.rule, src, sizeof(src));
		printf("%s process  %s  pid %d comm %s exe %s%s: %s %s%s, %s rule %s (%s)\n",
		       mark(f->j.rule), vb_rule_vendor(p, f->j.rule)->id, f->pid, f->comm, f->exe,
		       f->exe_deleted ? " (deleted)" : "", f->mapping, f->file,
		       f->file_deleted ? " (deleted)" : "", f->j.match, f->j.rule->id, src);
	}
	for (size_t i = 0; i < s->mods.n; i++) {
		const struct vb_module_finding *f = &s->mods.f[i];
		char remedy[512];

		vb_rule_source(p, f->j.rule, src, sizeof(src));
		vb_module_remedy(f, remedy, sizeof(remedy));
		printf("%s module   %s  %s %s: %s rule %s (%s); remove: %s\n", mark(f->j.rule),
		       vb_rule_vendor(p, f->j.rule)->id, f->name, f->file[0] ? f->file : "(no file)",
		       f->j.match, f->j.rule->id, src, remedy);
	}
}

static void print_text(const struct vb_policy *p, const struct vb_sweep *s)
{
	size_t width = 6;

	for (size_t v = 0; v < p->n_vendors; v++)
		if (strlen(p->vendors[v].id) > width)
			width = strlen(p->vendors[v].id);
	printf("%-*s  %8s %9s %10s %8s  %s\n", (int)width, "VENDOR", "FILES", "PACKAGES",
	       "PROCESSES", "MODULES", "NAME");
	for (size_t v = 0; v < p->n_vendors; v++) {
		size_t c[4];

		vb_sweep_count(s, v, c);
		printf("%-*s  %8zu %9zu %10zu %8zu  %s\n", (int)width, p->vendors[v].id, c[0], c[1],
		       c[2], c[3], p->vendors[v].name);
	}
	if (vb_sweep_found(s))
		putchar('\n');
	print_details(p, s);
	printf("\nlooked at %llu files, %zu packages, %llu processes, %llu modules: %s%s\n",
	       (unsigned long long)s->files.files_scanned, s->pkgs_seen,
	       (unsigned long long)s->procs.seen, (unsigned long long)s->mods.seen,
	       vb_sweep_found(s) ? "BANNED SOFTWARE PRESENT" : "nothing banned found",
	       s->n_incomplete ? " (sweep incomplete, see above)" : "");
}

int do_sweep(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "policy", required_argument, NULL, 'p' },
		{ "skip", required_argument, NULL, 's' },
		{ "cache", required_argument, NULL, 'c' },
		{ "no-cache", no_argument, NULL, 'n' },
		{ "help", no_argument, NULL, 'h' },
		{},
	};
	struct vb_sweep_opts o = { .what = VB_SWEEP_ALL, .cache = VB_SCAN_CACHE_DEFAULT };
	const char *policy = SWEEP_DEFAULT_POLICY;
	char *paths[VB_SCAN_PATHS_MAX];
	struct vb_policy *p = NULL;
	struct vb_diag diag = {};
	struct progress prog = {};
	struct vb_sweep s = {};
	int c, err, ret = SWEEP_EXIT_ERROR;

	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "+:", opts, NULL)) != -1) {
		switch (c) {
		case 'p':
			policy = optarg;
			break;
		case 's':
			if (vb_sweep_parse_skip(optarg, &o.what))
				return SWEEP_EXIT_ERROR;
			break;
		case 'c':
			o.cache = optarg;
			break;
		case 'n':
			o.cache = NULL;
			break;
		case 'h':
			fputs(SWEEP_USAGE, stdout);
			return 0;
		default:
			cli_option_error("sweep", c, argv);
			fputs(SWEEP_USAGE, stderr);
			return SWEEP_EXIT_ERROR;
		}
	}
	if (optind < argc) {
		o.paths = argv + optind;
		o.n_paths = argc - optind;
	} else {
		o.paths = paths;
		o.n_paths = vb_sweep_default_paths(paths);
	}
	if (!o.n_paths)
		o.what &= ~VB_SWEEP_FILES;
	err = vb_policy_load(policy, &p, &diag);
	vb_diag_print(&diag, policy, stderr);
	if (err) {
		vb_err("policy %s refused: nothing swept", policy);
		goto out;
	}
	if (isatty(STDERR_FILENO)) {
		o.progress = sweep_progress;
		o.arg = &prog;
	}
	err = vb_sweep_run(p, &o, &s);
	if (prog.shown)
		fputs("\r\033[K", stderr);
	if (err) {
		vb_err("sweep: %s", strerror(-err));
		goto out;
	}
	for (size_t i = 0; i < s.n_incomplete; i++)
		vb_warn("sweep incomplete: %s", s.incomplete[i]);
	if (cli_json) {
		struct json_object *j = vb_sweep_json(p, &s);

		cli_json_print(j);
		json_object_put(j);
	} else {
		print_text(p, &s);
	}
	ret = vb_sweep_found(&s) ? SWEEP_EXIT_FOUND :
	      s.n_incomplete ? SWEEP_EXIT_INCOMPLETE : SWEEP_EXIT_CLEAN;
out:
	vb_sweep_free(&s);
	vb_policy_free(p);
	vb_diag_free(&diag);
	return ret;
}
