/* SPDX-License-Identifier: GPL-2.0 */
/* Whole-file reads with a size bound, for policies and their signatures. */
#ifndef VB_READFILE_H
#define VB_READFILE_H

#include <stddef.h>

/* Read all of path (at most max bytes) into a malloc'd *out. 0, -EFBIG when larger than max
 * (found out without reading it all), or -errno. */
int vb_read_file(const char *path, size_t max, char **out, size_t *out_len);

#endif
