/* SPDX-License-Identifier: GPL-2.0 */
/* Where the daemon says it is running, for the CLI to find. */
#ifndef VB_RUNSTATE_H
#define VB_RUNSTATE_H

#define VB_RUN_DIR	"/run/vendorban"
#define VB_PIDFILE	VB_RUN_DIR "/vendorband.pid"

/* The running daemon's pid, or 0 if none is running. */
int vb_daemon_pid(void);

#endif
