/* SPDX-License-Identifier: GPL-2.0 */
/* Load, attach and pin the BPF programs, or take over the ones a previous daemon pinned. */
#ifndef VB_ATTACH_H
#define VB_ATTACH_H

#include <stdbool.h>
#include <linux/types.h>
#include "vendorban.h"
#include "kernel/pathid.h"

#define VB_PIN_DIR	"/sys/fs/bpf/vendorban"
#define VB_PIN_PATHID_ITER VB_PIN_DIR "/prog_pathid_iter"
#define VB_PIN_FLOOD_OFFER VB_PIN_DIR "/prog_flood_offer"
#define VB_PIN_FLOOD_COMMIT VB_PIN_DIR "/prog_flood_commit"
/* Links apart from maps: the guard refuses lookups in this one (a link fd detaches). */
#define VB_PIN_LINK_DIR	VB_PIN_DIR "/links"

enum vb_map_id {
	VB_MAP_SETTINGS,
	VB_MAP_POLICY_STATE,
	VB_MAP_HASH_SLOTS,
	VB_MAP_PATH_SLOTS,
	VB_MAP_SLOT_INFO,
	VB_MAP_VERDICT_CACHE,
	VB_MAP_CANARY_INODES,
	VB_MAP_CANARY_HASHES,
	VB_MAP_STATS,
	VB_MAP_EVENTS,
	VB_MAP_SCRATCH,
	VB_MAP_SIGNER_SLOTS,
	VB_MAP_MODULE_SLOTS,
	VB_MAP_FILE_VERDICTS,
	VB_MAP_MODSCRATCH,
	VB_MAP_PATH_IDENTS,
	VB_MAP_PATHID_PENDING,
	VB_MAP_GUARD,
	VB_MAP_GUARD_MARK,
	VB_MAP_VETTED_MODULES,
	VB_MAP_FLOOD,
	VB_MAP_CONTENT_VERDICTS,
	VB_MAP_VETTED_FILES,
	VB_MAP_PATH_FILTER,
	VB_MAP_MAX,
};

struct vendorban;

/* What the daemon's canaries are to the kernel: installed with every policy (rules.c). */
struct vb_canaries {
	bool set;
	__u8 sha256[VB_SHA256_LEN];	/* the content canary's, in each slot's hash rules */
	struct vb_dev_ino file;		/* the identity canary's, in file_verdicts */
};

struct vb_kernel {
	struct vendorban *skel;		/* set when this process loaded the programs */
	int map_fd[VB_MAP_MAX];
	struct vb_policy_state *state;	/* the policy_state map, mapped */
	int pathid_iter_fd;		/* the iter/task_file program that registers path idents */
	int flood_offer_fd;		/* the iter/bpf_map_elem programs that hand repeat */
	int flood_commit_fd;		/* counts over (bpf/flood.bpf.h) */
	struct vb_pathids pathids;	/* the policy in force's path rules, held open */
	struct vb_settings settings;	/* as last read or written */
	bool took_over;			/* programs were already attached: nothing re-attached */
	bool read_only;			/* opened for reading (the CLI): no map is writable */
	struct vb_canaries canary;
};

const char *vb_path_name(enum vb_path path);	/* "lsm", "fmod_ret", "none" */
const char *vb_map_name(enum vb_map_id id);	/* its pin's name under VB_PIN_DIR */

/* Open the maps a daemon pinned, for writing (the daemon). -ENOENT if there are none, -EPERM if
 * the guard refuses (a daemon lives, or this is not the registered vendorband). */
int vb_kernel_open_pinned(struct vb_kernel *k);
/* The same for reading only: what status and other readers need, which the guard allows. */
int vb_kernel_open_pinned_ro(struct vb_kernel *k);
/* The links the attached path needs that are not pinned: 0 if all are, else how many, and the
 * first one's name in `missing`. */
int vb_kernel_missing_links(enum vb_path path, char *missing, size_t len);
/* Mark the programs `path` attaches for loading, and no others: chosen by program type (LSM, or
 * tracing on security_* functions) and, for inode_setattr, by the form this kernel's BTF has.
 * How many were chosen, or -EINVAL for a path that is neither. */
int vb_kernel_select(struct vendorban *skel, enum vb_path path);
/* Load the programs for `path`, attach them, and keep them unpinned until vb_kernel_pin(). The
 * programs do nothing until settings.enabled is set. */
int vb_kernel_load(struct vb_kernel *k, enum vb_path path);
/* Replace whatever is pinned with what k loaded. Called once k enforces, so the handover has
 * no gap: for a moment both the old and the new programs judge. */
int vb_kernel_pin(struct vb_kernel *k);
/* Drop every pin: the programs detach when the last holder lets go. */
int vb_kernel_unpin_all(void);
void vb_kernel_close(struct vb_kernel *k);

int vb_settings_read(struct vb_kernel *k);
int vb_settings_write(struct vb_kernel *k);
/* Sum of one per-CPU counter. */
int vb_stat_read(struct vb_kernel *k, enum vb_stat stat, __u64 *out);
/* The identity of this build's BPF object (settings.object_id). */
__u64 vb_object_id(void);

#endif
