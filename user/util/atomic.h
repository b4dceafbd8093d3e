/* SPDX-License-Identifier: GPL-2.0 */
/*
 * One atomic write-and-rename: the content goes to a temporary file beside the target
 * (PATH.tmp.XXXXXXXX), is fsync'd, renamed over the target, and the directory is fsync'd. A
 * reader sees the old file or the new one, whole; after a crash the same holds on disk.
 */
#ifndef VB_ATOMIC_H
#define VB_ATOMIC_H

#include <stddef.h>
#include <stdio.h>
#include <sys/types.h>

/* What follows PATH in the temporary file's name: ".tmp." and a random suffix. */
#define VB_ATOMIC_TMP_SUFFIX	".tmp."

/* Fill the temporary file open as fd (or f). 0 or -errno; a failure leaves the target as it was. */
typedef int (*vb_atomic_fill_fd)(int fd, void *arg);
typedef int (*vb_atomic_fill_file)(FILE *f, void *arg);

/* Replace path with len bytes of buf. mode is that of a new file, as for open(2) (the umask
 * applies). 0, or -errno with path unchanged and no temporary file left behind. */
int vb_atomic_write(const char *path, const void *buf, size_t len, mode_t mode);
/* The same with the content written by fill into fd. fill must not close fd. */
int vb_atomic_write_fd(const char *path, mode_t mode, vb_atomic_fill_fd fill, void *arg);
/* The same through stdio: fill writes to f, which is flushed and closed here. */
int vb_atomic_write_file(const char *path, mode_t mode, vb_atomic_fill_file fill, void *arg);

/* All of buf to fd, through short writes and EINTR. 0 or -errno. */
int vb_write_all(int fd, const void *buf, size_t len);
/* fsync the directory holding path: renames in it become durable. 0 or -errno. */
int vb_fsync_dir(const char *path);

#endif
