/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Content verdicts on the fmod_ret path, where the kernel cannot hash (bpf_ima_file_hash is for
 * LSM programs only): fanotify permission events on every filesystem the daemon sees, answered
 * by a thread of their own after hashing with OpenSSL's SHA-256. See docs/design.md, "Content
 * on the fmod_ret path".
 */
#ifndef VB_DAEMON_FANOTIFY_H
#define VB_DAEMON_FANOTIFY_H

#include <pthread.h>
#include <sys/types.h>
#include <stdbool.h>
#include "kernel/attach.h"

#define VB_FAN_CACHE		4096	/* files whose verdict the daemon keeps, by (dev, ino) */
#define VB_FAN_HASH_BUF		(64 * 1024)

struct vb_fan_cached {
	struct vb_dev_ino id;
	struct vb_content_verdict v;
};

struct vb_fan {
	int fd;			/* the fanotify group; -1 while none runs */
	int mountinfo_fd;	/* /proc/self/mountinfo: POLLPRI when a mount comes or goes */
	int init_mountinfo_fd;	/* PID 1's, when its mount namespace is not ours; else -1 */
	int wake[2];		/* the main thread asks the thread to stop */
	int out[2];		/* denials for the log: one struct vb_event per write */
	pthread_t thread;
	bool running;
	struct vb_kernel *k;
	/* The thread's alone. */
	__u64 rules_seq;
	int rules_fd;		/* the hash rules of the slot active as rules_seq */
	struct vb_fan_cached cache[VB_FAN_CACHE];
	unsigned char buf[VB_FAN_HASH_BUF];
	/* Counted by the thread, read by the main thread. */
	__u64 judged, hashed, denied, lost, errors;
	/* Counted by whoever marks (vb_fan_watch_dev, vb_fan_mark_inode): what was watched
	 * since start beyond the filesystems marked then, and what could not be. */
	__u64 fs_start, fs_later, memfds, mark_failed;
};

/* Open a fanotify group, mark every filesystem mounted where the daemon runs, the memfd one
 * too, and start answering. 0 or -errno, said. */
int vb_fan_start(struct vb_fan *f, struct vb_kernel *k);
/* Watch the filesystem that holds path too (one in another mount namespace, reached through
 * /proc/PID/root). 0 or -errno. */
int vb_fan_mark(struct vb_fan *f, const char *path);
/* Watch one file (a memfd, whose filesystem fanotify cannot mark) through path. 0 or -errno. */
int vb_fan_mark_inode(struct vb_fan *f, const char *path);
/* Watch the filesystem of device dev (a kernel dev_t) as mounted in pid's mount namespace:
 * 0, -ENOENT where pid has no such mount (yet), or another -errno. */
int vb_fan_watch_dev(struct vb_fan *f, pid_t pid, __u32 dev);
/* The records of the denials the thread decided since the last call, each handed to fn. */
void vb_fan_drain(struct vb_fan *f, void (*fn)(void *arg, const struct vb_event *e), void *arg);
/* Write the counters to VB_FAN_REPORT when they moved since the last call. */
void vb_fan_report(struct vb_fan *f);
/* Stop answering. The kernel lets every event still pending through as fanotify does when
 * its group closes; the kernel's own verdicts stand. */
void vb_fan_stop(struct vb_fan *f);

#endif
