/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Inside the denial log: what its writer (log/denylog.c) and its open-time recovery
 * (log/recover.c) share. Not for other callers: they use log/denylog.h.
 */
#ifndef VB_LOG_RECOVER_H
#define VB_LOG_RECOVER_H

#include <stddef.h>
#include "log/denylog.h"

/* Kinds of trouble in struct vb_denylog's warned: each is told once. */
enum {
	WARNED_ROTATE	= 1,
	WARNED_COMPRESS	= 2,
	WARNED_HEAD	= 4,
	WARNED_SYNC	= 8,
};

/* Warn about this kind of trouble, the first time only; it is counted either way. */
void denylog_warn_once(struct vb_denylog *l, unsigned int kind, const char *what, int err);
/* Why the next gap record is written; reasons add up until it is. */
void denylog_add_reason(struct vb_denylog *l, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/*
 * Open l->path (l set up by vb_denylog_open) and find where the chain stands: l->fd, size,
 * chain and file times, with damage and missing records pending for a gap record. *reason is
 * that of the opening record ("restart", "continue", "start"), prev_file the rotated file it
 * continues ("" if none). 0, or -errno with l->fd closed.
 */
int denylog_recover(struct vb_denylog *l, const char **reason, char *prev_file, size_t len);

#endif
