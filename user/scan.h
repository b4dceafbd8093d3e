/* SPDX-License-Identifier: GPL-2.0 */
/* Scan: walk trees and report which regular files a policy would deny (by path or by SHA-256). */
#ifndef VB_SCAN_H
#define VB_SCAN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "policy.h"

#define VB_SCAN_BUF	(64u << 10)	/* hashing reads this much at a time */

struct vb_scan_match {
	char *path;				/* as seen from the root */
	uint8_t sha256[32];
	const struct vb_rule *hash_rule;	/* NULL: no sha256 rule matched */
	const struct vb_rule *path_rule;	/* NULL: no path rule matched */
	unsigned int vendor_idx;		/* the hash rule's vendor, else the path rule's */
	bool deny;				/* some matching rule is in enforce mode */
};

struct vb_scan_count {
	size_t files, deny, audit;
};

struct vb_scan_result {
	struct vb_scan_match *matches;		/* sorted by path once vb_scan returns */
	size_t n_matches, cap;
	struct vb_scan_count *vendors;		/* [policy->n_vendors] */
	uint64_t files_scanned, bytes_hashed, unreadable;
	char *first_unreadable;			/* path as seen from the root */
	int first_errno;			/* its errno */
};

/* Called now and then during the walk (the caller rate-limits what it shows). */
typedef void (*vb_scan_progress_fn)(const struct vb_scan_result *res, void *arg);

/*
 * Walk each of paths[0..n) below root (NULL or "/": the real root; PATHs and path rules are
 * resolved under it, reported paths are without it). Symlinks are not followed, mount points
 * not crossed. Fills *res (free with vb_scan_result_free even on error). Returns 0, -ENOMEM, or
 * the -errno of the first PATH that could not be walked (the other PATHs are still walked).
 * Not thread-safe: nftw has no context pointer.
 */
int vb_scan(const struct vb_policy *p, const char *root, char *const *paths, size_t n_paths,
	    vb_scan_progress_fn progress, void *arg, struct vb_scan_result *res);
void vb_scan_result_free(struct vb_scan_result *res);

#endif /* VB_SCAN_H */
