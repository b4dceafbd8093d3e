/* SPDX-License-Identifier: GPL-2.0 */
/* Which filesystems a scan walks into: statfs(2) magic numbers, named for people. */
#ifndef VB_FSTYPE_H
#define VB_FSTYPE_H

#include <stdbool.h>

/* The filesystem's name ("ext4", "proc", ...), or NULL when the magic is not in our table. */
const char *vb_fs_name(unsigned long magic);
/* A kernel interface, not storage: no package installs a program there, so a scan skips it. */
bool vb_fs_is_pseudo(unsigned long magic);

#endif
