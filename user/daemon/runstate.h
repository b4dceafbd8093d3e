/* SPDX-License-Identifier: GPL-2.0 */
/* Where the daemon says it is running, for the CLI to find. */
#ifndef VB_RUNSTATE_H
#define VB_RUNSTATE_H

struct json_object;

#define VB_RUN_DIR	"/run/vendorban"
#define VB_STATE_DIR	"/var/lib/vendorban"	/* survives reboots */
#define VB_PIDFILE	VB_RUN_DIR "/vendorband.pid"
/* The outcome of the daemon's last policy load: {"attempt", "ok", "file", "version_in_force",
 * "messages"}. attempt counts loads since the daemon started (0: the one at start). */
#define VB_RELOAD_REPORT VB_RUN_DIR "/reload.json"

/* What the daemon last put in force, for status to compare with the kernel's active slot:
 * {"pid", "seq", "version", "sha256", "log"}. */
#define VB_INSTALLED	VB_RUN_DIR "/installed.json"

/* The fmod_ret path's content judging in the daemon (fanotify), for status: {"opens_judged",
 * "files_hashed", "refused", "read_errors", "records_lost", "filesystems_at_start",
 * "filesystems_since", "memfds", "watch_failed", "pid"}. */
#define VB_FAN_REPORT	VB_RUN_DIR "/content.json"

/* The running daemon's pid, or 0 if none is running. */
int vb_daemon_pid(void);
/* Say that this process is the running daemon (atomically: the CLI never reads half). 0 or
 * -errno. */
int vb_daemon_write_pidfile(void);
/* What the daemon tells the CLI, as a JSON file under VB_RUN_DIR (atomically). Takes o. 0 or
 * -errno. */
int vb_daemon_write_run_json(const char *path, struct json_object *o);

#endif
