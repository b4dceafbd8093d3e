/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The daemon watches what the guard (bpf/guard.bpf.h) protects, for what it cannot refuse (a
 * mount over the pins) and in case it failed: pins hidden, removed or replaced, the active slot
 * or settings.enabled changed by anyone else, programs detached, its own mark lost. It restores
 * what it can and reports every finding.
 */
#ifndef VB_WATCH_H
#define VB_WATCH_H

#include <stdbool.h>
#include <sys/types.h>
#include "daemon/runstate.h"
#include "kernel/attach.h"

#define VB_WATCH_MS		1000	/* the periodic check; a change in the pin dirs: at once */
#define VB_WATCH_LINKS_MAX	VB_GUARD_MAX_LINKS
/* What the daemon saw, for status: {"seen", "restored", "last", "time"}. */
#define VB_WATCH_REPORT		VB_RUN_DIR "/watch.json"

struct vb_watch_link {
	__u32 id;
	char name[64];		/* its pin under VB_PIN_LINK_DIR */
};

struct vb_watch {
	int inotify_fd;
	dev_t pin_dev;		/* VB_PIN_DIR as pinned: a mount over it changes what stat says */
	ino_t pin_ino;
	__u32 map_ids[VB_MAP_MAX];
	struct vb_watch_link links[VB_WATCH_LINKS_MAX];
	int n_links;
	__u64 next_ms;
	unsigned long seen, restored;
};

/* One finding: what was wrong, and whether it is put right. */
typedef void (*vb_watch_report_fn)(void *arg, const char *what, bool restored);

/* Note what is pinned now (the daemon pinned or took it over, and claimed it). 0 or -errno. */
int vb_watch_start(struct vb_watch *w, struct vb_kernel *k);
/* Check if due (or if the pin dirs changed): everything must be as noted, the active slot must
 * be seq. Each finding is reported; what can be restored is. */
void vb_watch_check(struct vb_watch *w, struct vb_kernel *k, __u64 seq, __u64 now_ms,
		    vb_watch_report_fn report, void *arg);
void vb_watch_stop(struct vb_watch *w);

#endif
