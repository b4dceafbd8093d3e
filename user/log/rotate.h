/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Rotated denial logs: LOG.1.gz is the newest, LOG.<keep>.gz the oldest kept. A rotated file is
 * plain (LOG.1) only until its compressed copy is complete: that copy is written to a temporary
 * file beside it (util/atomic.h), synced, and renamed, and only then is LOG.1 removed, so a crash at any point leaves every
 * record in exactly one complete file (a stale LOG.N next to a complete LOG.N.gz is dropped).
 */
#ifndef VB_LOG_ROTATE_H
#define VB_LOG_ROTATE_H

#include <stdbool.h>
#include <stddef.h>

#define VB_GZIP_LEVEL	6

/* "LOG.<n>.gz" or, with gz false, "LOG.<n>". */
int vb_rotate_name(const char *log, unsigned int n, bool gz, char *buf, size_t len);
/* Make room for LOG.1: drop LOG.<keep>, move LOG.<n> to LOG.<n+1> (plain and .gz alike). */
int vb_rotate_shift(const char *log, unsigned int keep);
/* gzip src into dst (written atomically), then remove src. 0 or -errno. */
int vb_rotate_compress(const char *src, const char *dst);
/* Finish what a crash interrupted: drop stale .tmp files and plain copies whose .gz is complete,
 * compress the plain ones that have none. 0, or the first -errno (the rest are still tried). */
int vb_rotate_compress_pending(const char *log);
/* The log and its rotated siblings, oldest first (LOG.<highest>, ..., LOG.1, LOG), each as a
 * malloc'd path in *files (free with vb_rotate_free_list); LOG itself only if it exists. */
int vb_rotate_list(const char *log, char ***files, size_t *n);
void vb_rotate_free_list(char **files, size_t n);
#endif
