/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Records made outside the daemon (install refusals by `vendorband install-check`), handed to
 * the daemon to write. The chain has one writer: vendorband keeps the last seq and hash in
 * memory and appends without re-reading the file, so a second process appending to the same
 * file would fork the chain (two records with one seq) and `log verify` would call it
 * tampering. Instead the CLI drops each record, whole, into a root-only directory (one file per
 * record, written and renamed atomically); the daemon appends them in name order at start and
 * at every tick, then removes them. A record made while no daemon runs waits there and is
 * written at the next start. Nothing is lost: a record is removed only once written, so a
 * daemon killed between the two writes it again at its next start (the copy has the same
 * time and pid: a duplicate, not a second attempt).
 */
#ifndef VB_LOG_SPOOL_H
#define VB_LOG_SPOOL_H

#include <json-c/json.h>

#define VB_SPOOL_DIR		"/var/lib/vendorban/spool"
#define VB_SPOOL_RECORD_MAX	(64u << 10)	/* bytes of one spooled record */

/* Put record o into dir (created 0700 if missing) as "<time>-<pid>-<n>.json". 0 or -errno. */
int vb_spool_put(const char *dir, struct json_object *o);

/* Hand each spooled record, oldest first, to fn; remove it once fn returned 0 (a failed fn
 * leaves it and the rest for the next call). A file that is not a root-owned regular file
 * holding one JSON object with "operation":"install" is not a record: it is removed and said
 * once. Returns the number handed over, or -errno when dir cannot be read (-ENOENT: none). */
int vb_spool_drain(const char *dir, int (*fn)(struct json_object *o, void *arg), void *arg);

#endif
