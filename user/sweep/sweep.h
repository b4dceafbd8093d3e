/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The whole inventory of a host against a policy, in one pass: files (the scan), packages (the
 * dpkg and rpm databases), running processes and loaded modules. What `vendorban sweep` shows
 * and what a compliance statement is built from (vb_sweep_json).
 */
#ifndef VB_SWEEP_H
#define VB_SWEEP_H

#include <stdbool.h>
#include <stddef.h>
#include <json-c/json.h>
#include "identify/evidence.h"
#include "policy/policy.h"
#include "scan/scan.h"
#include "sweep/modules.h"
#include "sweep/procs.h"

#define VB_SWEEP_NOTES_MAX	16	/* reasons a sweep is incomplete, kept */

enum {
	VB_SWEEP_FILES = 0x1,
	VB_SWEEP_PACKAGES = 0x2,
	VB_SWEEP_PROCESSES = 0x4,
	VB_SWEEP_MODULES = 0x8,
	VB_SWEEP_ALL = 0xf,
};

struct vb_pkg_finding {
	struct vb_package pkg;
	const struct vb_rule *rule;
	char *evidence;
	size_t n_files;			/* paths the package lists */
};

/* Which part is running, and how far it got (stage "files" passes the scan's counts). */
typedef void (*vb_sweep_progress_fn)(const char *stage, const struct vb_scan_result *files,
				     void *arg);

struct vb_sweep_opts {
	unsigned int what;		/* VB_SWEEP_*: the parts to run */
	char *const *paths;		/* the file scan's trees (under /) */
	size_t n_paths;
	const char *cache;		/* the scan cache (NULL: none) */
	vb_sweep_progress_fn progress;	/* may be NULL */
	void *arg;
};

struct vb_sweep {
	unsigned int what;		/* the parts that ran */
	struct vb_scan_result files;
	struct vb_pkg_finding *pkgs;
	size_t n_pkgs, pkgs_cap, pkgs_seen;
	struct vb_procs procs;
	struct vb_modules mods;
	char *incomplete[VB_SWEEP_NOTES_MAX];	/* why the sweep may have missed something */
	size_t n_incomplete;
	char host[256];
	char time[64];			/* RFC 3339, when it began */
};

/* Run the parts o asks for. 0 (what could not be looked at is in s->incomplete), or -ENOMEM.
 * Free s with vb_sweep_free even on error. */
int vb_sweep_run(const struct vb_policy *p, const struct vb_sweep_opts *o, struct vb_sweep *s);
void vb_sweep_free(struct vb_sweep *s);
/* Anything found, in any part, in either mode. */
bool vb_sweep_found(const struct vb_sweep *s);
/* Findings of vendor v: counts[0..4) = files, packages, processes, modules. */
void vb_sweep_count(const struct vb_sweep *s, unsigned int vendor_idx, size_t counts[4]);
/*
 * The findings as one JSON object: host, time, policy {file, version, sha256}, found,
 * complete, incomplete [reasons], summary [per vendor], files, packages, processes, modules
 * (docs: README.md, "Identify and remove"). Caller puts it.
 */
struct json_object *vb_sweep_json(const struct vb_policy *p, const struct vb_sweep *s);

/* --skip PARTS (files, packages, processes, modules; comma-separated): clear them in *what.
 * 0, or -EINVAL said. */
int vb_sweep_parse_skip(const char *arg, unsigned int *what);
/* The trees a vendor's files live in by default (VB_SCAN_DEFAULT_PATHS), those this host has:
 * at most VB_SCAN_PATHS_MAX pointers into static storage. */
size_t vb_sweep_default_paths(char **paths);

#endif
