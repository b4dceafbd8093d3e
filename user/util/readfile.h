/* SPDX-License-Identifier: GPL-2.0 */
/* Whole-file reads with a size bound: policies and their signatures, the scan cache, and the
 * package database readers' pipes. */
#ifndef VB_READFILE_H
#define VB_READFILE_H

#include <stddef.h>

/* Read fd to its end (at most max bytes) into a malloc'd *out, aligned as malloc aligns. 0,
 * -EFBIG when larger than max (found out without reading it all when fd is a regular file),
 * or -errno. fd stays open. */
int vb_read_fd(int fd, size_t max, char **out, size_t *out_len);
/* Read all of path (at most max bytes) the same way. */
int vb_read_file(const char *path, size_t max, char **out, size_t *out_len);

#endif
