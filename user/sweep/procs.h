/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Banned programs that are already running: every process whose executable, or any file it has
 * mapped executable (a library, an LD_PRELOAD, a memfd), a rule matches. Files are reached
 * through /proc/PID/exe and /proc/PID/map_files, which open the very file the process runs,
 * deleted, renamed or anonymous (memfd) as it may be; names (comm, argv) are never trusted.
 */
#ifndef VB_SWEEP_PROCS_H
#define VB_SWEEP_PROCS_H

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include <json-c/json.h>
#include "sweep/judge.h"

#define VB_PROC_PASSES_MAX	8	/* stop-and-look-again rounds before the kill (forks) */
#define VB_PROC_GONE_MS		5000	/* how long a killed process has to be gone */

enum vb_proc_kill {
	VB_KILL_NONE = 0,	/* not asked, or the rule is in audit mode */
	VB_KILL_GONE,		/* SIGKILL sent, and the process is gone */
	VB_KILL_FAILED,		/* sent, or tried: kill_err says why it is not gone */
	VB_KILL_EXEMPT,		/* PID 1 or the sweeping process itself: never killed */
};

struct vb_proc_finding {
	pid_t pid, ppid;
	uid_t uid;
	char comm[17];
	char exe[PATH_MAX];		/* /proc/PID/exe, without " (deleted)" */
	bool exe_deleted;
	char file[PATH_MAX];		/* the file that matched, as /proc names it */
	bool file_deleted;
	const char *mapping;		/* "exe", "library" (a file mapped executable), "memfd" */
	uint64_t start_ticks;		/* /proc/PID/stat starttime: clock ticks after boot */
	struct vb_judgement j;
	enum vb_proc_kill kill;
	int kill_err;			/* -errno, VB_KILL_FAILED */
};

struct vb_procs {
	struct vb_proc_finding *f;
	size_t n, cap;
	uint64_t seen;			/* processes looked at (kernel threads not counted) */
	uint64_t unreadable;		/* processes or mappings that could not be read */
	char first_unreadable[128];	/* "/proc/PID/...: why" */
};

/* Every process of the host (but the caller) against j's policy, into *out (free with
 * vb_procs_free even on error). 0, or -ENOMEM, or -errno when /proc cannot be listed. */
int vb_procs_sweep(struct vb_judge *j, struct vb_procs *out);
/*
 * Kill what out found matched by enforce-mode rules: stop each one (SIGSTOP through a pidfd,
 * after checking it is still the process found), look again for what they forked meanwhile
 * (added to out), then SIGKILL all and wait until each is gone. Sets each finding's kill. 0 or
 * -ENOMEM.
 */
int vb_procs_kill(struct vb_judge *j, struct vb_procs *out);
void vb_procs_free(struct vb_procs *out);

/* The finding as a JSON object: pid, ppid, uid, user, comm, exe, started, file, sha256, match,
 * rule, vendor... (docs/denial-log.md, "running"). */
struct json_object *vb_proc_finding_json(const struct vb_policy *p,
					 const struct vb_proc_finding *f);
/* "killed" when gone, else "running". */
const char *vb_proc_action(const struct vb_proc_finding *f);

#endif
