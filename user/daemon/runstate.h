/* SPDX-License-Identifier: GPL-2.0 */
/* Where the daemon says it is running, for the CLI to find. */
#ifndef VB_RUNSTATE_H
#define VB_RUNSTATE_H

#define VB_RUN_DIR	"/run/vendorban"
#define VB_PIDFILE	VB_RUN_DIR "/vendorband.pid"
/* The outcome of the daemon's last policy load: {"attempt", "ok", "file", "version_in_force",
 * "messages"}. attempt counts loads since the daemon started (0: the one at start). */
#define VB_RELOAD_REPORT VB_RUN_DIR "/reload.json"

/* The running daemon's pid, or 0 if none is running. */
int vb_daemon_pid(void);
/* Say that this process is the running daemon (atomically: the CLI never reads half). 0 or
 * -errno. */
int vb_daemon_write_pidfile(void);

#endif
