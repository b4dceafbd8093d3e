/* SPDX-License-Identifier: GPL-2.0 */
/* The one atomic write-and-rename: readers see the old file or the new one, never half. */
#ifndef VB_WRITEFILE_H
#define VB_WRITEFILE_H

/* Write text to path.tmp, then rename it over path. 0 or -errno (path untouched). */
int vb_write_file_atomic(const char *path, const char *text);

#endif
