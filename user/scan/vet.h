/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Compressed kernel modules the daemon read and found clean. 6.12 decompresses a module handed
 * over whole (MODULE_INIT_COMPRESSED_FILE) after every LSM hook has run, so the kernel side
 * never sees its signer or names; it lets such a file load only if its hash is vetted here.
 */
#ifndef VB_VET_H
#define VB_VET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include "policy/policy.h"

struct vb_vetted_module {
	dev_t dev;
	ino_t ino;
	off_t size;
	struct timespec mtime, ctime;
	uint8_t sha256[32];
	bool clean;		/* read, and no rule of the policy names what it holds */
};

struct vb_vetted {
	struct vb_vetted_module *mods;
	size_t n;
	uint8_t policy_digest[32];	/* the policy the verdicts are for */
};

/* Whether p judges modules by what the kernel cannot see in a compressed one. */
bool vb_vet_needed(const struct vb_policy *p);
/*
 * Every compressed module file (*.ko.xz, *.ko.zst, *.ko.gz) under paths, judged against p.
 * prev (may be NULL) is the last result: files unchanged since (dev, ino, size, mtime, ctime)
 * and judged for the same policy are not read again. 0 and *out, or -ENOMEM.
 */
int vb_vet_modules(const struct vb_policy *p, char *const *paths, size_t n_paths,
		   const struct vb_vetted *prev, struct vb_vetted *out);
size_t vb_vetted_clean(const struct vb_vetted *v);
void vb_vetted_free(struct vb_vetted *v);

#endif
