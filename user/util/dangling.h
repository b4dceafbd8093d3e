/* SPDX-License-Identifier: GPL-2.0 */
/* Saying where a dangling symbolic link points, for a "No such file" that is one. */
#ifndef VB_DANGLING_H
#define VB_DANGLING_H

#include <stdbool.h>
#include <stddef.h>

/*
 * When path (relative to dirfd, or absolute; AT_FDCWD for the working directory) is itself a
 * symbolic link, its target into buf (cut to len - 1 bytes) and true; else false. A caller
 * that got ENOENT opening path then knows the link, not the name, is what points nowhere.
 */
bool vb_link_target(int dirfd, const char *path, char *buf, size_t len);

#endif
