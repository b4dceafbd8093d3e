// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/stat.h>
#include "identify/identify.h"
#include "identify/match.h"
#include "identify/pkgdb.h"
#include "log/event.h"
#include "scan/derive.h"
#include "sweep/sweep.h"
#include "util/hex.h"
#include "util/msg.h"
#include "vendorban.h"

static void note(struct vb_sweep *s, const char *fmt, ...)
{
	va_list ap;
	char *msg;
	int n;

	if (s->n_incomplete == VB_SWEEP_NOTES_MAX)
		return;
	va_start(ap, fmt);
	n = vasprintf(&msg, fmt, ap);
	va_end(ap);
	if (n >= 0)
		s->incomplete[s->n_incomplete++] = msg;
}

static void progress(const struct vb_sweep_opts *o, const char *stage,
		     const struct vb_scan_result *files)
{
	if (o->progress)
		o->progress(stage, files, o->arg);
}

struct pkg_ctx {
	const struct vb_policy *p;
	struct vb_sweep *s;
	struct vb_evidence *ev;
};

static int pkg_visit(const struct vb_package *pkg, const char *const *files, size_t n_files,
		     void *arg)
{
	struct pkg_ctx *c = arg;
	struct vb_sweep *s = c->s;
	struct vb_pkg_finding *f;
	struct vb_id_match im;

	s->pkgs_seen++;
	c->ev->package = *pkg;
	if (!vb_match_evidence(c->p, c->ev, &im, 1))
		return 0;
	if (s->n_pkgs == s->pkgs_cap) {
		size_t cap = s->pkgs_cap ? s->pkgs_cap * 2 : 8;

		f = realloc(s->pkgs, cap * sizeof(*f));
		if (!f)
			return -ENOMEM;
		s->pkgs = f;
		s->pkgs_cap = cap;
	}
	f = &s->pkgs[s->n_pkgs];
	memset(f, 0, sizeof(*f));
	f->pkg = *pkg;
	f->rule = im.rule;
	f->n_files = n_files;
	if (asprintf(&f->evidence, "%s %s", im.how, im.rule->value ? im.rule->value : "") < 0)
		return -ENOMEM;
	s->n_pkgs++;
	return 0;
}

static int sweep_packages(const struct vb_policy *p, struct vb_sweep *s)
{
	struct pkg_ctx c = { p, s, calloc(1, sizeof(*c.ev)) };
	struct vb_pkgdb *db = NULL;
	int err;

	if (!c.ev)
		return -ENOMEM;
	err = vb_pkgdb_open(NULL, &db);
	/* A host with neither dpkg nor rpm has no packages to look at: that is complete. */
	if (err && err != -ENOENT && err != -ENOMEM)
		note(s, "packages: the package databases could not be read (%s)", strerror(-err));
	if (!err) {
		err = vb_pkgdb_each(db, NULL, pkg_visit, &c);
		vb_pkgdb_close(db);
	}
	free(c.ev);
	return err == -ENOMEM ? err : 0;
}

static void scan_progress(const struct vb_scan_result *res, void *arg)
{
	progress(arg, "files", res);
}

static int sweep_files(const struct vb_policy *p, const struct vb_sweep_opts *o,
		       struct vb_sweep *s)
{
	/* Every file, as before scans read only what can execute: the sweep is the inventory an
	 * auditor signs, and a banned vendor's data files are its software too. */
	struct vb_scan_opts so = { .cache = o->cache, .all_files = true,
				   .progress = o->progress ? scan_progress : NULL,
				   .arg = (void *)o };
	int err = vb_scan_run(p, &so, o->paths, o->n_paths, &s->files);

	if (err == -ENOMEM)
		return err;
	if (err)
		note(s, "files: a path could not be walked (%s)", strerror(-err));
	if (s->files.unreadable)
		note(s, "files: %llu could not be read (first: %s: %s)",
		     (unsigned long long)s->files.unreadable,
		     s->files.n_unreadable_list ? s->files.unreadable_list[0].path : "?",
		     s->files.n_unreadable_list ? s->files.unreadable_list[0].why : "?");
	/* A signature that could not be parsed may be a banned signer's: not an answer either. */
	if (s->files.malformed)
		note(s, "files: %llu could not be parsed (first: %s: %s)",
		     (unsigned long long)s->files.malformed,
		     s->files.n_malformed_list ? s->files.malformed_list[0].path : "?",
		     s->files.n_malformed_list ? s->files.malformed_list[0].why : "?");
	return 0;
}

static int sweep_live(const struct vb_policy *p, const struct vb_sweep_opts *o,
		      struct vb_sweep *s)
{
	struct vb_judge j;
	int err = vb_judge_init(&j, p, VB_ID_ELF | VB_ID_SIGNATURES);

	if (!err && (o->what & VB_SWEEP_PROCESSES)) {
		progress(o, "processes", NULL);
		err = vb_procs_sweep(&j, &s->procs);
		if (err && err != -ENOMEM) {
			note(s, "processes: /proc could not be listed (%s)", strerror(-err));
			err = 0;
		}
		if (s->procs.unreadable)
			note(s, "processes: %llu could not be read%s (first: %s)",
			     (unsigned long long)s->procs.unreadable,
			     geteuid() ? ": run as root" : "", s->procs.first_unreadable);
		s->what |= VB_SWEEP_PROCESSES;
	}
	if (!err && (o->what & VB_SWEEP_MODULES)) {
		progress(o, "modules", NULL);
		err = vb_modules_sweep(&j, &s->mods);
		if (err && err != -ENOMEM) {
			note(s, "modules: the loaded modules could not be listed (%s)",
			     strerror(-err));
			err = 0;
		}
		if (s->mods.unreadable)
			note(s, "modules: %llu module files could not be read (first: %s)",
			     (unsigned long long)s->mods.unreadable, s->mods.first_unreadable);
		s->what |= VB_SWEEP_MODULES;
	}
	vb_judge_free(&j);
	return err;
}

int vb_sweep_run(const struct vb_policy *p, const struct vb_sweep_opts *o, struct vb_sweep *s)
{
	struct timespec ts;
	int err = 0;

	memset(s, 0, sizeof(*s));
	gethostname(s->host, sizeof(s->host) - 1);
	clock_gettime(CLOCK_BOOTTIME, &ts);
	vb_boot_ns_to_rfc3339((__u64)ts.tv_sec * 1000000000 + ts.tv_nsec, s->time,
			      sizeof(s->time));
	if (o->what & VB_SWEEP_FILES) {
		progress(o, "files", &s->files);
		err = sweep_files(p, o, s);
		s->what |= VB_SWEEP_FILES;
	}
	if (!err && (o->what & VB_SWEEP_PACKAGES)) {
		progress(o, "packages", NULL);
		err = sweep_packages(p, s);
		s->what |= VB_SWEEP_PACKAGES;
	}
	if (!err && (o->what & (VB_SWEEP_PROCESSES | VB_SWEEP_MODULES)))
		err = sweep_live(p, o, s);
	return err;
}

void vb_sweep_free(struct vb_sweep *s)
{
	vb_scan_result_free(&s->files);
	for (size_t i = 0; i < s->n_pkgs; i++)
		free(s->pkgs[i].evidence);
	free(s->pkgs);
	vb_procs_free(&s->procs);
	vb_modules_free(&s->mods);
	for (size_t i = 0; i < s->n_incomplete; i++)
		free(s->incomplete[i]);
	memset(s, 0, sizeof(*s));
}

bool vb_sweep_found(const struct vb_sweep *s)
{
	return s->files.n_matches || s->n_pkgs || s->procs.n || s->mods.n;
}

void vb_sweep_count(const struct vb_sweep *s, unsigned int vendor_idx, size_t counts[4])
{
	counts[0] = s->files.vendors ? s->files.vendors[vendor_idx].files : 0;
	counts[1] = counts[2] = counts[3] = 0;
	for (size_t i = 0; i < s->n_pkgs; i++)
		counts[1] += s->pkgs[i].rule->vendor_idx == vendor_idx;
	for (size_t i = 0; i < s->procs.n; i++)
		counts[2] += s->procs.f[i].j.rule->vendor_idx == vendor_idx;
	for (size_t i = 0; i < s->mods.n; i++)
		counts[3] += s->mods.f[i].j.rule->vendor_idx == vendor_idx;
}

static void add_str(struct json_object *o, const char *k, const char *v)
{
	json_object_object_add(o, k, v ? json_object_new_string(v) : NULL);
}

static void add_rule(struct json_object *o, const struct vb_policy *p, const struct vb_rule *r)
{
	const struct vb_vendor *v = vb_rule_vendor(p, r);
	char src[4200];

	add_str(o, "vendor", v->id);
	add_str(o, "vendor_name", v->name);
	add_str(o, "rule", r->id);
	vb_rule_source(p, r, src, sizeof(src));
	add_str(o, "rule_source", src);
	add_str(o, "mode", vb_mode_name(r->mode));
}

/* As the kernel orders a file's rules: the first in enforce mode decides, else the first. */
static const struct vb_rule *file_rule(const struct vb_scan_match *m, const char **match)
{
	const struct vb_rule *r[] = { m->hash_rule, m->path_rule, m->id_rule };
	static const char *const how[] = { "sha256", "path", NULL };

	for (int pass = 0; pass < 2; pass++) {
		for (int i = 0; i < 3; i++) {
			if (!r[i] || (!pass && r[i]->mode != VB_MODE_ENFORCE))
				continue;
			*match = how[i] ? how[i] : vb_rule_kind_name(r[i]->kind);
			return r[i];
		}
	}
	return NULL;
}

static struct json_object *files_json(const struct vb_policy *p, const struct vb_sweep *s)
{
	struct json_object *a = json_object_new_array();
	char h[65];

	for (size_t i = 0; i < s->files.n_matches; i++) {
		const struct vb_scan_match *m = &s->files.matches[i];
		struct json_object *o = json_object_new_object();
		const char *match = NULL;
		const struct vb_rule *r = file_rule(m, &match);

		add_str(o, "path", m->path);
		vb_hex(m->sha256, 32, h);
		add_str(o, "sha256", h);
		add_str(o, "match", match);
		add_str(o, "evidence", r == m->id_rule ? m->evidence : NULL);
		add_rule(o, p, r);
		json_object_array_add(a, o);
	}
	return a;
}

static struct json_object *packages_json(const struct vb_policy *p, const struct vb_sweep *s)
{
	struct json_object *a = json_object_new_array();

	for (size_t i = 0; i < s->n_pkgs; i++) {
		const struct vb_pkg_finding *f = &s->pkgs[i];
		struct json_object *o = json_object_new_object(), *k = json_object_new_object();

		add_str(k, "manager", f->pkg.manager);
		add_str(k, "name", f->pkg.name);
		add_str(k, "version", f->pkg.version);
		add_str(k, "maintainer", f->pkg.maintainer[0] ? f->pkg.maintainer : NULL);
		add_str(k, "vendor", f->pkg.vendor[0] ? f->pkg.vendor : NULL);
		add_str(k, "key_id", f->pkg.key_id[0] ? f->pkg.key_id : NULL);
		json_object_object_add(k, "files", json_object_new_uint64(f->n_files));
		json_object_object_add(o, "package", k);
		add_str(o, "match", "package");
		add_str(o, "evidence", f->evidence);
		add_rule(o, p, f->rule);
		json_object_array_add(a, o);
	}
	return a;
}

struct json_object *vb_sweep_json(const struct vb_policy *p, const struct vb_sweep *s)
{
	struct json_object *o = json_object_new_object(), *pol = json_object_new_object();
	struct json_object *a, *sum = json_object_new_array();
	char h[65];

	add_str(o, "host", s->host);
	add_str(o, "time", s->time);
	add_str(pol, "file", p->file);
	json_object_object_add(pol, "version", json_object_new_uint64(p->version));
	vb_hex(p->digest, 32, h);
	add_str(pol, "sha256", h);
	json_object_object_add(o, "policy", pol);
	json_object_object_add(o, "found", json_object_new_boolean(vb_sweep_found(s)));
	json_object_object_add(o, "complete", json_object_new_boolean(!s->n_incomplete));
	a = json_object_new_array();
	for (size_t i = 0; i < s->n_incomplete; i++)
		json_object_array_add(a, json_object_new_string(s->incomplete[i]));
	json_object_object_add(o, "incomplete", a);
	for (size_t v = 0; v < p->n_vendors; v++) {
		struct json_object *j = json_object_new_object();
		size_t c[4];

		vb_sweep_count(s, v, c);
		add_str(j, "vendor", p->vendors[v].id);
		add_str(j, "vendor_name", p->vendors[v].name);
		json_object_object_add(j, "files", json_object_new_uint64(c[0]));
		json_object_object_add(j, "packages", json_object_new_uint64(c[1]));
		json_object_object_add(j, "processes", json_object_new_uint64(c[2]));
		json_object_object_add(j, "modules", json_object_new_uint64(c[3]));
		json_object_array_add(sum, j);
	}
	json_object_object_add(o, "summary", sum);
	/* A part that did not run is null, not an empty list: nothing was looked for there. */
	json_object_object_add(o, "files", (s->what & VB_SWEEP_FILES) ? files_json(p, s) : NULL);
	json_object_object_add(o, "packages",
			       (s->what & VB_SWEEP_PACKAGES) ? packages_json(p, s) : NULL);
	a = (s->what & VB_SWEEP_PROCESSES) ? json_object_new_array() : NULL;
	for (size_t i = 0; a && i < s->procs.n; i++)
		json_object_array_add(a, vb_proc_finding_json(p, &s->procs.f[i]));
	json_object_object_add(o, "processes", a);
	a = (s->what & VB_SWEEP_MODULES) ? json_object_new_array() : NULL;
	for (size_t i = 0; a && i < s->mods.n; i++)
		json_object_array_add(a, vb_module_finding_json(p, &s->mods.f[i]));
	json_object_object_add(o, "modules", a);
	a = json_object_new_object();
	json_object_object_add(a, "files", json_object_new_uint64(s->files.files_scanned));
	json_object_object_add(a, "packages", json_object_new_uint64(s->pkgs_seen));
	json_object_object_add(a, "processes", json_object_new_uint64(s->procs.seen));
	json_object_object_add(a, "modules", json_object_new_uint64(s->mods.seen));
	json_object_object_add(o, "looked_at", a);
	return o;
}

static const char *const part_names[] = { "files", "packages", "processes", "modules" };

int vb_sweep_parse_skip(const char *arg, unsigned int *what)
{
	char *copy = strdup(arg), *save = NULL;
	int err = copy ? 0 : -ENOMEM;

	for (char *t = copy ? strtok_r(copy, ",", &save) : NULL; t && !err;
	     t = strtok_r(NULL, ",", &save)) {
		size_t i;

		for (i = 0; i < 4 && strcmp(t, part_names[i]); i++)
			;
		if (i == 4) {
			vb_err("--skip: unknown part '%s' (known: files, packages, "
			       "processes, modules)", t);
			err = -EINVAL;
		} else {
			*what &= ~(1u << i);
		}
	}
	free(copy);
	return err;
}

size_t vb_sweep_default_paths(char **paths)
{
	/* Copied afresh each call: strtok_r cuts it up. */
	static char defaults[sizeof(VB_SCAN_DEFAULT_PATHS)];
	char *save = NULL;
	size_t n = 0;

	memcpy(defaults, VB_SCAN_DEFAULT_PATHS, sizeof(defaults));
	for (char *dir = strtok_r(defaults, ":", &save); dir && n < VB_SCAN_PATHS_MAX;
	     dir = strtok_r(NULL, ":", &save)) {
		struct stat st;

		if (!lstat(dir, &st) && S_ISDIR(st.st_mode))
			paths[n++] = dir;
	}
	return n;
}
