/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Where a file matched by a path rule's identity is, as the daemon's mount namespace sees it.
 * The kernel names the file as the caller reached it (a bind mount, a chroot, another mount
 * namespace); the rule's directory is the daemon's name for it, so the file is looked for
 * there, by device and inode. Bounded, and remembered: a flood of one denial walks once.
 */
#ifndef VB_PATHVIEW_H
#define VB_PATHVIEW_H

#include <linux/types.h>

#define VB_PATHVIEW_WALK_MAX	20000	/* entries looked at under one rule directory */
#define VB_PATHVIEW_CACHE	64

/* The path of (dev in the kernel's encoding, ino) under dir (a rule's path: a directory when
 * it ends in '/', else the file itself), or NULL when not found within the bound. The string
 * lives until the next calls push it out of the cache. */
const char *vb_pathview_find(const char *dir, __u32 dev, __u64 ino);

#endif
