/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the daemon's jobs share: the state of one running vendorband. Each job has its file:
 * start.c (a fresh start or the takeover of pinned programs, enabled and proven to deny),
 * reload.c (loading a policy, the rollback floor, the watch on its file, the reload report),
 * sink.c (the ring buffer's events, and the daemon's own records, into the denial log),
 * rescan.c (scan again, flip once), content.c with fanotify.c (content verdicts where the
 * kernel cannot hash). What it watches of the guard's is in watch.c, and `vendorband
 * --disable` is disable.c.
 */
#ifndef VB_DAEMON_H
#define VB_DAEMON_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>
#include <json-c/json.h>
#include <bpf/libbpf.h>
#include "kernel/attach.h"
#include "kernel/rules.h"
#include "log/denylog.h"
#include "log/event.h"
#include "daemon/fanotify.h"
#include "util/clock.h"
#include "daemon/watch.h"
#include "log/forward.h"
#include "policy/policy.h"
#include "policy/sig.h"
#include "scan/derive.h"

#define VB_MAX_SIGNERS		16

struct daemon {
	struct vb_kernel k;
	struct vb_policy *policy;
	struct vb_event_ctx ectx;
	struct vb_denylog log;
	struct vb_forward fwd;		/* copies to the journal (or syslog) and to audit */
	const char *policy_path;
	enum vb_path want_path;		/* VB_PATH_NONE: choose */
	int mprotect_deny;		/* -1: default for the path */
	__u64 dropped_seen;
	__u64 flood_repeats_seen;	/* VB_STAT_REPEATS before the last flood pass that worked */
	bool flood_passed;		/* ... and there was one */
	bool dedupe_first;		/* compare the first event with settings.last_logged_* */
	struct vb_derived derived;	/* what the last scan gave the kernel */
	__u64 selftest_events;
	/* With trusted signers, only policies they signed are enforced, and never an older one. */
	const char *signer_files[VB_MAX_SIGNERS];
	int n_signers;
	struct vb_trust trust;
	int inotify_fd;			/* watches the policy's directory, -1 if it cannot */
	char policy_base[256];
	__u64 change_seen_ms;		/* when the policy or its .sig last changed, 0 if not */
	unsigned int reload_attempts;
	/* Where the vendor identities' files are looked for, at start and on every reload. */
	char *scan_paths[VB_SCAN_PATHS_MAX];
	size_t n_scan_paths;
	__u64 rescan_ms;		/* scan again this often (0: only at reload, SIGUSR1) */
	struct vb_watch watch;		/* the pins, the active slot, the links (daemon/watch.h) */
	char watch_last[512];		/* the last finding, for VB_WATCH_REPORT */
	struct vb_fan *fan;		/* content verdicts on the fmod_ret path, NULL if none */
	__u64 watchdog_ms;		/* feed systemd's watchdog this often (0: not asked) */
	__u64 watchdog_last_ms;
	__u64 unhealthy_ms;		/* when the watch last found something unrestored */
};

static inline __u64 daemon_now_ms(void)
{
	return vb_monotonic_ms();
}

/* sink.c: a record from the spool (log/spool.h); always 0, a failed write is counted. */
int daemon_on_spooled(struct json_object *o, void *arg);

/* start.c */
/* Take over the pinned programs if they are ours and enforce, else load, enable and prove
 * ours, with p in force, and record its rollback floor. 0 or -errno: nothing of ours
 * enforces. */
int daemon_start(struct daemon *d, struct vb_policy *p);
/* Put p in force with its scan's results, in one flip where something enforces already. */
int daemon_install(struct daemon *d, struct vb_policy *p);
/* For status: what this daemon put in force (VB_INSTALLED), to compare with the active slot. */
void daemon_write_installed(struct daemon *d);

/* reload.c */
/* Load (and, with trusted signers, verify) the policy at path, saying why when refused. */
int daemon_load_policy(struct daemon *d, const char *path, struct vb_policy **out);
/* -ESTALE, said, when p would roll back the version in force in the kernel or on disk. */
int daemon_check_rollback_at_start(struct daemon *d, const struct vb_policy *p);
/* Record p as the rollback floor (with trusted signers). 0 or -errno, said. */
int daemon_record_floor(struct daemon *d, const struct vb_policy *p);
/* Load the policy file again and, unless refused, put it in force; report how it went. */
void daemon_reload(struct daemon *d);
/* The outcome of the last load, and every reason in msgs, for `vendorban reload`. */
void daemon_write_reload_report(struct daemon *d, bool ok, struct json_object *msgs);
/* Watch the policy's directory; without a watch, SIGHUP still reloads. */
void daemon_watch_policy(struct daemon *d);
/* Has the policy or its signature changed, and then been quiet long enough to reload? */
bool daemon_policy_changed(struct daemon *d);
void daemon_policy_change_taken(struct daemon *d);

/* sink.c */
/* ring_buffer__new's callback: one event from the kernel into the log. */
int daemon_on_event(void *ctx, void *data, size_t len);
/* Declare in the log the events the kernel could not send since the last call. */
void daemon_report_drops(struct daemon *d);
/* The daemon stops (signal sig from pid sender, 0 if unknown): the log says so before
 * enforcement loses its witness. */
void daemon_record_stop(struct daemon *d, int sig, int sender);
/* A denial the daemon decided itself (fanotify, on the fmod_ret path): the same record as the
 * kernel's. Its arg is the daemon. */
void daemon_on_own_event(void *arg, const struct vb_event *e);
/* vb_watch_check's report (arg: the daemon): into the log, and for status in VB_WATCH_REPORT. */
void daemon_on_tamper(void *arg, const char *what, bool restored);
/* The daemon is enforcing (started fresh, or took over): the log says with what. */
void daemon_record_start(struct daemon *d);
/* A reload was tried: its outcome, the version in force after it, and the reasons (msgs). */
void daemon_record_reload(struct daemon *d, bool ok, const struct vb_policy *tried,
			  struct json_object *msgs);

/* A record of the daemon's own (no kernel event behind it) into the log and its copies. 0, or
 * the log's -errno (the copies went out anyway). */
int daemon_log_record(struct daemon *d, struct json_object *o, const char *message);

/* repeat.c */
/* Remember what a full record said of its file, for the repeats of the same attempt. */
void daemon_repeat_note(const struct vb_event *e);
/* Hand the kernel's repeat counts over as "repeat" records, after the ring buffer's events. 0
 * or -errno (the counts stay in the kernel for the next call). */
int daemon_flush_repeats(struct daemon *d, struct ring_buffer *rb);
/* A record of the daemon's own, begun: time, host and action (fill it, then daemon_log_record). */
struct json_object *daemon_new_record(struct daemon *d, const char *action);

/* running.c */
/* Banned processes running and modules loaded (why: "start", "reload", "rescan"): a record
 * for each; under option running kill, processes are killed and checked gone. */
void daemon_check_running(struct daemon *d, const char *why);

/* content.c */
/* On the fmod_ret path, judge content in the daemon (fanotify) and prove it with the content
 * canary; say what is and is not checked. */
void daemon_judge_content(struct daemon *d);
void daemon_stop_judging_content(struct daemon *d);
/* An exec the kernel let run unjudged (VB_EV_F_UNJUDGED): hash the file now and record it if
 * a sha256 rule names it, and watch its filesystem from now on. */
void daemon_judge_later(struct daemon *d, const struct vb_event *e);
/* Have fanotify watch the filesystem or memfd an event names (content.c). */
void daemon_watch(struct daemon *d, const struct vb_event *e);
/* Look again for the filesystems made but not mounted yet when the kernel told; the ms until
 * the next look is due, at most wait_ms. */
int daemon_watch_pending(struct daemon *d, int wait_ms);

/* rescan.c */
/* Scan for the policy in force and flip once if the results changed. 1 if it flipped, 0 if
 * nothing changed, or -errno: the kernel keeps the last scan's verdicts. */
int daemon_scan_and_flip(struct daemon *d);
/* Scan again (the period, SIGUSR1), saying what changed or why it failed. */
void daemon_rescan(struct daemon *d);
/* struct vb_event_ctx's scanned_path: where the last scan found (dev, ino). */
const char *daemon_scanned_path(void *arg, __u32 dev, __u64 ino);

#endif
