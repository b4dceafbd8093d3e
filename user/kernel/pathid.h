/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Path rules by identity: each rule's directory or file, opened, so the kernel can match a file
 * by its dentry's ancestors instead of by the name a caller reached it by (bind mounts, chroot,
 * mount namespaces, renamed parents). Every filesystem mounted beneath a banned directory is
 * opened too: its root stands for the directory the ban names.
 */
#ifndef VB_PATHID_H
#define VB_PATHID_H

#include <stddef.h>
#include <linux/types.h>
#include "policy/policy.h"

struct vb_pathid {
	int fd;			/* O_PATH: keeps the dentry, so the kernel's key stays valid */
	__u32 rule_idx;
	__u8 mode;
	char *path;		/* the rule's path, or the mount point beneath it */
};

struct vb_pathids {
	struct vb_pathid *ids;
	size_t n;
	size_t n_missing;	/* rules whose path does not exist (yet): matched by name only */
};

/* Open every path rule of p that exists, and every mount beneath a directory rule. 0, or
 * -ENOMEM / -EMFILE (a rule that does not exist is not an error: it is counted). */
int vb_pathids_open(const struct vb_policy *p, struct vb_pathids *out);
void vb_pathids_close(struct vb_pathids *ids);

#endif
