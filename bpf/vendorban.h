/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Shared by the BPF programs (bpf/) and user space (user/): map keys, values, events, limits.
 * Everything here crosses the user/kernel boundary, so every struct has a fixed layout with
 * explicit padding.
 */
#ifndef VENDORBAN_H
#define VENDORBAN_H

#define VB_SHA256_LEN		32
#define VB_PATH_MAX		256	/* path rule key: rules are at most 255 bytes */
#define VB_EV_PATH_MAX		1024	/* path in an event; longer paths are cut (flagged) */
#define VB_COMM_LEN		16
#define VB_MAX_HASH_RULES	(1 << 20)
#define VB_MAX_PATH_RULES	4096
#define VB_MAX_CACHE		65536	/* verdict cache entries (LRU) */
#define VB_RINGBUF_SIZE		(1024 * 1024)
#define VB_RULE_NONE		0xffffffffu	/* rule_idx of self-test and unverified events */

/* Operations the kernel judges. */
enum vb_op {
	VB_OP_EXEC = 1,		/* execve/execveat/fexecve, script interpreters */
	VB_OP_MMAP = 2,		/* mmap with PROT_EXEC: ld.so, dlopen, LD_PRELOAD */
	VB_OP_MPROTECT = 3,	/* mprotect adding PROT_EXEC to a file mapping */
	VB_OP_SELFTEST = 15,	/* the daemon's canary exec; never a real denial */
};

/* How a file matched. */
enum vb_match {
	VB_MATCH_NONE = 0,
	VB_MATCH_HASH = 1,	/* in-kernel SHA-256 of the content */
	VB_MATCH_PATH = 2,	/* path prefix or exact path */
	VB_MATCH_UNVERIFIED = 3, /* no cached verdict where the kernel cannot hash (mprotect) */
};

enum vb_mode {
	VB_MODE_ENFORCE = 0,
	VB_MODE_AUDIT = 1,	/* log "would deny", allow */
};

/* Which kernel mechanism carries the verdicts (config.path). */
enum vb_path {
	VB_PATH_NONE = 0,
	VB_PATH_LSM = 1,	/* BPF LSM: bpf is in the active lsm= list */
	VB_PATH_FMOD_RET = 2,	/* fmod_ret on security_* functions: bpf not in lsm= */
};

/* What a policy rule resolves to in the kernel. */
struct vb_rule_ref {
	__u32 rule_idx;		/* index into the compiled policy's rule table */
	__u8 mode;		/* enum vb_mode */
	__u8 pad[3];
};

/* Key of path_rules: a NUL-padded path. A key ending in '/' is a directory prefix; any other key
 * is an exact path. */
struct vb_path_key {
	char path[VB_PATH_MAX];
};

/* Key of the verdict cache. The inode pointer is unique among live inodes (entries are dropped
 * when the inode is freed), which is what keeps overlayfs and other anonymous-device filesystems,
 * whose (dev, ino) pairs can repeat, from aliasing two files. */
struct vb_inode_key {
	__u64 inode;		/* struct inode * */
	__u64 ino;
};

enum vb_verdict {
	VB_VERDICT_CLEAN = 1,
	VB_VERDICT_BANNED = 2,
};

struct vb_cache_val {
	__u64 policy_seq;	/* config.policy_seq when computed; stale after a reload */
	struct vb_rule_ref rule;
	__u8 verdict;		/* enum vb_verdict */
	__u8 pad[7];
	__u8 sha256[VB_SHA256_LEN];
};

/* settings map, slot 0: written by the daemon only. */
struct vb_settings {
	__u64 policy_seq;	/* bumped on every policy load; invalidates the verdict cache */
	__u32 enabled;
	__u32 path;		/* enum vb_path actually carrying verdicts */
	__u32 mprotect_unverified_deny; /* deny mprotect(PROT_EXEC) when no verdict is cached */
	__u32 can_hash;		/* the attached programs hash content in the kernel */
	__u64 object_id;	/* first bytes of the BPF object's SHA-256: which build is attached */
};

/* policy_state map, slot 0: the daemon stores seq with one atomic 8-byte write. */
struct vb_policy_state {
	__u64 seq;		/* policy load counter; seq & 1 is the active rule slot */
};

/* slot_info map, one per rule slot: filled before the slot becomes active. */
struct vb_slot_info {
	__u32 n_hash_rules;
	__u32 n_path_rules;	/* 0: skip path resolution entirely */
	__u64 seq;		/* policy_state.seq this slot was filled for */
	__u64 version;		/* the policy's "version" */
	__u8 digest[32];	/* SHA-256 of the policy text: names the policy in events */
};

/* A file as user space names it (stat), with dev converted to the kernel's encoding. */
struct vb_dev_ino {
	__u32 dev;
	__u32 pad;
	__u64 ino;
};

/* stats map (per-CPU array), one slot each. */
enum vb_stat {
	VB_STAT_DENIED = 0,	/* enforced denials */
	VB_STAT_AUDITED,	/* would-deny in audit mode */
	VB_STAT_DROPPED,	/* events that could not be sent: ring buffer full */
	VB_STAT_HASHED,		/* in-kernel hashes computed */
	VB_STAT_CACHE_HIT,
	VB_STAT_HASH_ERR,	/* bpf_ima_file_hash failed: file judged by path only */
	VB_STAT_CHECKED,	/* hook invocations that reached a verdict */
	VB_STAT_PATH_ERR,	/* path rules could not be checked (no scratch memory) */
	VB_STAT_MAX,
};

#define VB_EV_F_DENIED		0x1	/* the operation was refused (otherwise: audit) */
#define VB_EV_F_HAS_SHA256	0x2
#define VB_EV_F_CACHED		0x4	/* verdict came from the cache */
#define VB_EV_F_PATH_TRUNC	0x8
#define VB_EV_F_NAME_ONLY	0x10	/* path holds the file name only: no bpf_d_path there */

/* Ring-buffer event: one per denial or would-deny. */
struct vb_event {
	__u64 ktime_ns;		/* bpf_ktime_get_boot_ns() */
	__u64 policy_seq;
	__u64 ino;
	__u32 dev;		/* kernel dev_t (MAJOR << 20 | MINOR) */
	__u32 pid;		/* tgid */
	__u32 tid;
	__u32 ppid;
	__u32 uid;
	__u32 rule_idx;
	__s32 ret;		/* what the hook returned: -EPERM, or 0 in audit */
	__u8 op;		/* enum vb_op */
	__u8 match;		/* enum vb_match */
	__u8 mode;		/* enum vb_mode */
	__u8 flags;		/* VB_EV_F_* */
	__u8 sha256[VB_SHA256_LEN];
	char comm[VB_COMM_LEN];
	char pcomm[VB_COMM_LEN];
	char path[VB_EV_PATH_MAX];
};

#endif /* VENDORBAN_H */
