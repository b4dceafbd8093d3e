/* SPDX-License-Identifier: GPL-2.0 */
/* systemd's notify protocol (sd_notify): readiness, status lines and the watchdog. Without
 * NOTIFY_SOCKET (not under systemd) every call does nothing. */
#ifndef VB_NOTIFY_H
#define VB_NOTIFY_H

#include <linux/types.h>
#include "daemon/watch.h"

/* An unrestored finding withholds the watchdog this long: longer than two watch periods, so a
 * finding the next check still sees keeps it withheld. */
#define VB_UNHEALTHY_HOLD_MS	(3 * VB_WATCH_MS)

struct daemon;

/* READY=1 with what is enforced: call only once the self-test has proven enforcement. Reads
 * the watchdog period systemd asks for. */
void daemon_notify_ready(struct daemon *d);
void daemon_notify_status(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* The watch found something it could not restore. */
void daemon_notify_unhealthy(struct daemon *d, __u64 now_ms);
/* WATCHDOG=1 when due, unless something was found unrestored lately. */
void daemon_watchdog_tick(struct daemon *d, __u64 now_ms);
void daemon_notify_stopping(void);

#endif
