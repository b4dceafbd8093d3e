/* SPDX-License-Identifier: GPL-2.0 */
/* Scan: walk trees and report which regular files a policy would deny: by path, by SHA-256, and
 * by the vendor identities (signer, cert, package, module) their evidence shows. */
#ifndef VB_SCAN_H
#define VB_SCAN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "policy/policy.h"

#define VB_SCAN_BUF	(64u << 10)	/* hashing reads this much at a time */

struct vb_scan_match {
	char *path;				/* as seen from the root */
	uint8_t sha256[32];
	const struct vb_rule *hash_rule;	/* NULL: no sha256 rule matched */
	const struct vb_rule *path_rule;	/* NULL: no path rule matched */
	const struct vb_rule *id_rule;		/* NULL: no signer/cert/package/module rule */
	char *evidence;				/* what id_rule matched, for people: "module
						 * signature issuer+serial: CN=..., 4b1a2f0001" */
	uint64_t dev, ino;			/* st_dev, st_ino: the kernel's file verdict */
	unsigned int vendor_idx;		/* the hash rule's vendor, else the path rule's */
	bool deny;				/* some matching rule is in enforce mode */
};

struct vb_scan_result;
/* Called now and then during the walk (the caller rate-limits what it shows). */
typedef void (*vb_scan_progress_fn)(const struct vb_scan_result *res, void *arg);

struct vb_scan_count {
	size_t files, deny, audit;
};

/* A file the scan could not read, or whose evidence it could not parse. */
struct vb_scan_problem {
	char *path;				/* as seen from the root */
	char *why;				/* strerror, or the reader's "what at which offset" */
};

/* A mount point the walk did not enter. */
struct vb_scan_skip {
	char *path;				/* as seen from the root */
	char *fs;				/* "proc", or "0x..." when not in our table */
	bool pseudo;				/* a kernel interface; else --one-file-system */
};

#define VB_SCAN_LIST_MAX	1000		/* problems and skips listed; all are counted */

struct vb_scan_result {
	struct vb_scan_match *matches;		/* sorted by path once vb_scan returns */
	size_t n_matches, cap;
	struct vb_scan_count *vendors;		/* [policy->n_vendors] */
	uint64_t files_scanned, unreadable;
	uint64_t bytes_hashed;			/* read by this scan: 0 for a file from the cache */
	uint64_t bytes_total;			/* size of every file scanned, read or not */
	uint64_t cache_hits;			/* files the scan cache knew: not opened at all */
	uint64_t cannot_exec;			/* not hashed: no exec bit, and they do not start
						 * like anything that runs or loads (canexec.h);
						 * not in files_scanned */
	uint64_t malformed;			/* files whose signature or ELF could not be read */
	struct vb_scan_problem *unreadable_list, *malformed_list;	/* the first ones */
	size_t n_unreadable_list, n_malformed_list;
	struct vb_scan_skip *skipped;		/* mount points not entered, the first ones */
	size_t n_skipped;
	uint64_t skips;				/* all of them */
};

/* How to walk. Zero is the default: cross mount points but into pseudo filesystems. */
struct vb_scan_opts {
	const char *root;			/* NULL or "/": the real root */
	const char *cache;			/* NULL: no scan cache */
	bool one_file_system;			/* stay on each PATH's filesystem */
	bool all_files;				/* hash every file, not only those that can
						 * execute (scan/canexec.h) */
	unsigned int jobs;			/* threads reading files; 0: one per online CPU */
	vb_scan_progress_fn progress;
	void *arg;
};


/*
 * Walk each of paths[0..n) below root (NULL or "/": the real root; PATHs and path rules are
 * resolved under it, reported paths are without it). Symlinks are not followed; mount points
 * are crossed, but for pseudo filesystems (proc, sysfs, ...: scan/fstype.c), which are
 * listed in res->skipped. Unreadable and malformed files are counted and listed. Only files
 * that can run or load are read (scan/canexec.h): the rest are counted in res->cannot_exec and
 * not matched; vb_scan_run with all_files reads every one. Fills *res (free with
 * vb_scan_result_free even on error). Returns 0, -ENOMEM, or
 * the -errno of the first PATH that could not be walked (the other PATHs are still walked).
 * Files are read on o->jobs threads, and the result is the same for any number of them.
 * Not reentrant: nftw has no context pointer.
 */
int vb_scan(const struct vb_policy *p, const char *root, char *const *paths, size_t n_paths,
	    vb_scan_progress_fn progress, void *arg, struct vb_scan_result *res);
/*
 * vb_scan with the scan cache at cache (NULL: none; see scan_cache.h). Unchanged files the cache
 * knows are decided without being opened; what the walk learnt is saved back when it ends. A
 * cache that cannot be read, trusted or saved costs a warning and a full read, never the scan.
 */
int vb_scan_cached(const struct vb_policy *p, const char *root, char *const *paths,
		   size_t n_paths, const char *cache, vb_scan_progress_fn progress, void *arg,
		   struct vb_scan_result *res);
/* The walk with every option. */
int vb_scan_run(const struct vb_policy *p, const struct vb_scan_opts *o, char *const *paths,
		size_t n_paths, struct vb_scan_result *res);
/* Whether the scan read and parsed every file it walked. */
bool vb_scan_complete(const struct vb_scan_result *res);
void vb_scan_result_free(struct vb_scan_result *res);

/* One file's rules, as the kernel matches them: the sha256 rule for a digest, and the path rule
 * for a path as seen from the root (the exact path, else the longest prefix rule above it).
 * NULL when none. Linear in the rules: for a few files; vb_scan indexes them. */
const struct vb_rule *vb_policy_hash_rule(const struct vb_policy *p, const uint8_t sha256[32]);
const struct vb_rule *vb_policy_path_rule(const struct vb_policy *p, const char *path);

#endif /* VB_SCAN_H */
