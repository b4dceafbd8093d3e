/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Banned kernel modules that are already loaded: by the name the kernel knows them by, and by
 * the file modprobe would load for that name (/lib/modules/$(uname -r), through libkmod): its
 * hash, path, signer and .modinfo. The kernel keeps no signature of a loaded module, so the
 * file is checked against what is loaded by its GNU build-id (/sys/module/NAME/notes).
 * Modules are reported, never unloaded: the finding says how.
 */
#ifndef VB_SWEEP_MODULES_H
#define VB_SWEEP_MODULES_H

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <json-c/json.h>
#include "sweep/judge.h"

#define VB_MODULE_HOLDERS_MAX	256	/* "a,b,c": modules that use this one */

enum vb_module_file {
	VB_MODFILE_NONE = 0,	/* modprobe knows no file for the name (loaded from elsewhere) */
	VB_MODFILE_SAME,	/* the file's build-id is the loaded module's */
	VB_MODFILE_DIFFERS,	/* it is not: the file on disk changed since the load */
	VB_MODFILE_UNCHECKED,	/* no build-id on one side to compare */
};

struct vb_module_finding {
	char name[64];
	char file[PATH_MAX];
	enum vb_module_file file_state;
	char taint[16];			/* /sys/module/NAME/taint: O out of tree, E unsigned... */
	int refcnt;
	char holders[VB_MODULE_HOLDERS_MAX];
	struct vb_judgement j;
};

struct vb_modules {
	struct vb_module_finding *f;
	size_t n, cap;
	uint64_t seen;
	bool unsupported;		/* a kernel without loadable modules (no /proc/modules) */
	uint64_t unreadable;		/* module files that could not be read */
	char first_unreadable[PATH_MAX + 64];
};

/* Every loaded module against j's policy (j needs VB_ID_ELF | VB_ID_SIGNATURES). 0, -ENOMEM,
 * or -errno when the loaded modules cannot be listed. */
int vb_modules_sweep(struct vb_judge *j, struct vb_modules *out);
void vb_modules_free(struct vb_modules *out);
/* name, file, file_matches_loaded, taint, refcnt, holders, signer evidence, rule, vendor,
 * remove (the command that unloads it). */
struct json_object *vb_module_finding_json(const struct vb_policy *p,
					   const struct vb_module_finding *f);
/* "modprobe -r NAME" (or rmmod NAME when modprobe knows no file), and what holds it first. */
void vb_module_remedy(const struct vb_module_finding *f, char *buf, size_t len);

#endif
