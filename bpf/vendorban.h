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
#define VB_MAX_PATH_RULES	16384	/* a prefix map per slot, not preallocated */
#define VB_MAX_CACHE		65536	/* verdict cache entries (LRU) */
#define VB_RINGBUF_SIZE		(1024 * 1024)
#define VB_RULE_NONE		0xffffffffu	/* rule_idx of self-test and unverified events */
#define VB_MODULE_NAME_MAX	56	/* the kernel's MODULE_NAME_LEN on 64-bit */
#define VB_MAX_SIGNER_KEYS	4096	/* module signers the kernel matches */
#define VB_MAX_MODULE_NAMES	1024
#define VB_MAX_FILE_VERDICTS	(1 << 16)	/* files the scanner identified, by dev/ino */
#define VB_SIGNER_ID_MAX	32	/* serial number or SKID bytes in a signer key */
#define VB_MAX_PATH_IDENTS	32768	/* directories and files path rules name, by inode */
#define VB_MAX_VETTED_MODULES	65536	/* compressed modules the daemon read and found clean */
#define VB_MAX_CONTENT_VERDICTS	65536	/* files the daemon hashed on the fmod_ret path (LRU) */
#define VB_MAX_UNJUDGED		8192	/* unjudged execs reported once per file version (LRU) */
#define VB_MAX_EXEC_MEMO	8192	/* execs between bprm_check and their mmap (LRU) */
#define VB_MAX_UNOBSERVED	65536	/* files open where fanotify did not ask */
#define VB_MAX_UNOBSERVED_SBS	4096	/* filesystems holding more of them */
#define VB_FAN_MARK_WALK	16	/* fanotify marks looked at per object */
#define VB_WATCH_FS		0xffffffffu /* vb_event.rule_idx of a VB_OP_WATCH: a filesystem */
#define VB_PATHID_DEPTH		64	/* dentry ancestors a hook walks looking for one */
#define VB_RACY_NS		2000000000LL /* see content_cacheable() in bpf/fileid.bpf.h */
#define VB_GUARD_MAX_LINKS	32	/* links the guard refuses fds to (one per program) */
#define VB_RULES_MAP_FLAGS	(BPF_F_NO_PREALLOC | BPF_F_RDONLY_PROG) /* inner rule maps */
#define VB_RULE_CANARY		0xfffffffeu /* rule_idx of the canaries installed with a policy */
#define VB_MAX_FLOOD		16384	/* distinct attempts counted at once (bpf/flood.bpf.h) */
#define VB_FLOOD_WINDOW_NS	10000000000ULL /* full records of one attempt: per window, */
#define VB_FLOOD_BURST		16		/* at most this many, each of a new process */
#define VB_FLOOD_IDLE_NS	60000000000ULL /* an attempt unseen this long is forgotten */
#define VB_FLOOD_RETIRED	(1ULL << 63)	/* vb_flood_val.pending: being forgotten */

/* Operations the kernel judges. */
enum vb_op {
	VB_OP_EXEC = 1,		/* execve/execveat/fexecve, script interpreters */
	VB_OP_MMAP = 2,		/* mmap with PROT_EXEC: ld.so, dlopen, LD_PRELOAD */
	VB_OP_MPROTECT = 3,	/* mprotect adding PROT_EXEC to a file mapping */
	VB_OP_MODULE = 4,	/* finit_module(2) / init_module(2): a kernel module */
	VB_OP_TAMPER = 5,	/* an attempt on vendorban itself (bpf/guard.bpf.h), refused */
	VB_OP_WATCH = 6,	/* fmod_ret path, never a denial: a new filesystem (rule_idx
				 * VB_WATCH_FS, dev) or memfd (rule_idx: its fd in pid) for the
				 * daemon's fanotify to watch before anything runs from it */
	VB_OP_SELFTEST = 15,	/* the daemon's canary exec; never a real denial */
};

/* How a file matched. */
enum vb_match {
	VB_MATCH_NONE = 0,
	VB_MATCH_HASH = 1,	/* in-kernel SHA-256 of the content */
	VB_MATCH_PATH = 2,	/* path prefix or exact path */
	VB_MATCH_UNVERIFIED = 3, /* no cached verdict where the kernel cannot hash (mprotect) */
	VB_MATCH_FILE = 4,	/* the scanner identified this file (signer, package...) */
	VB_MATCH_SIGNER = 5,	/* the module's appended signature names a banned signer */
	VB_MATCH_MODULE_NAME = 6, /* the module's name is banned */
	VB_MATCH_UNSIGNED = 7,	/* option unsigned-modules deny: no signature */
	VB_MATCH_BUFFER_LOAD = 8, /* option init-module deny: init_module(2) from a buffer */
	VB_MATCH_COMPRESSED = 9, /* a compressed module the kernel cannot read the signer or
				  * name of, which the daemon has not vetted */
};

/* What a VB_OP_TAMPER event says was tried: carried in vb_event.match, with its detail in
 * vb_event.rule_idx and what it aimed at in vb_event.path. */
enum vb_tamper {
	VB_TAMPER_MAP_WRITE = 1,	/* a writable fd to a vendorban map; path: the map */
	VB_TAMPER_PIN = 2,		/* a change in a pin directory; detail: MAY_* mask */
	VB_TAMPER_LINK_FD = 3,		/* an fd to a vendorban link; detail: the link id */
	VB_TAMPER_SIGNAL = 4,		/* a signal to the daemon; detail: the signal */
	VB_TAMPER_PTRACE = 5,		/* ptrace, /proc/PID/mem, pidfd_getfd of the daemon */
	VB_TAMPER_UMOUNT = 6,		/* unmounting the bpffs that holds the pins */
	VB_TAMPER_PROG = 7,		/* loading a program that uses vendorban's maps */
	VB_TAMPER_ITER = 8,		/* an iterator of vendorban's made (BPF_ITER_CREATE);
					 * detail: its program's id; path: its name */
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

/* What identifies one version of a file's content: a cache hit must show the same, so a write
 * that slipped past every invalidation hook still makes the verdict stale. */
struct vb_content_ver {
	__u64 i_version;	/* where the filesystem keeps it (ext4, btrfs, xfs); else 0 */
	__s64 size;
	__s64 ctime_sec;
	__s64 mtime_sec;
	__u32 ctime_nsec;
	__u32 mtime_nsec;
};

struct vb_cache_val {
	__u64 policy_seq;	/* config.policy_seq when computed; stale after a reload */
	struct vb_rule_ref rule;
	__u8 verdict;		/* enum vb_verdict */
	__u8 pad[7];
	__u8 sha256[VB_SHA256_LEN];
	struct vb_content_ver ver;	/* of the inode that holds the content (the backing
					 * inode of an overlayfs file) when computed */
};

/* settings map, slot 0: written by the daemon only. */
struct vb_settings {
	__u64 policy_seq;	/* bumped on every policy load; invalidates the verdict cache */
	__u32 enabled;
	__u32 path;		/* enum vb_path actually carrying verdicts */
	__u32 mprotect_unverified_deny; /* deny mprotect(PROT_EXEC) when no verdict is cached */
	__u32 can_hash;		/* the attached programs hash content in the kernel */
	__u64 object_id;	/* first bytes of the BPF object's SHA-256: which build is attached */
	__u64 drops_declared;	/* stats[DROPPED] as far as a daemon wrote it into the log: kept
				 * here, pinned, so drops while no daemon ran are declared too */
	__u64 last_logged_ktime; /* the last event written to the log (ktime_ns, tid): after a */
	__u32 last_logged_tid;	 /* crash, the next daemon may be handed it again */
	__u32 flood_uncommitted; /* the last flood offer is in the log, not yet committed: the
				  * next daemon commits it before it offers (flood.bpf.h) */
	__s64 tai_offset_ns;	/* CLOCK_TAI - CLOCK_REALTIME: a BPF program reads only TAI */
};

/* policy_state map, slot 0: the daemon stores seq with one atomic 8-byte write. */
struct vb_policy_state {
	__u64 seq;		/* policy load counter; seq & 1 is the active rule slot */
};

/* slot_info map, one per rule slot: filled before the slot becomes active. */
struct vb_slot_info {
	__u32 n_hash_rules;
	__u32 n_path_rules;	/* 0: skip path resolution entirely */
	__u32 n_signer_keys;
	__u32 n_module_names;
	__u32 deny_unsigned_modules;	/* option unsigned-modules deny */
	__u32 deny_init_module;		/* option init-module deny */
	__u32 n_path_idents;	/* path rules the kernel knows by inode (path_idents) */
	__u32 deny_unjudged_exec;	/* option unjudged-exec deny: on the fmod_ret path, refuse
					 * an exec with no content verdict that no daemon will judge */
	__u64 seq;		/* policy_state.seq this slot was filled for */
	__u64 version;		/* the policy's "version" */
	__u8 digest[32];	/* SHA-256 of the policy text: names the policy in events */
};

/* Value of path_idents: the rule naming this directory or file, for each policy slot. */
struct vb_pathid_val {
	struct vb_rule_ref rule[2];
	__u64 seq[2];		/* policy_state.seq rule[seq & 1] was registered for */
};

/*
 * Value of path_filter, one per rule slot: Bloom filters that let a hook skip the lookups that
 * cannot hit. `name` holds every path rule's key as the daemon loads it (each rule's bytes,
 * vb_path_hash()), `ident` every inode the iterator puts in path_idents for that slot
 * (vb_inode_hash()). A bit set for no rule costs one lookup that misses; a rule whose bits
 * were not set would never match, so every writer of a rule sets its bits first.
 */
#define VB_PATH_FILTER_BITS	65536
struct vb_path_filter {
	__u64 name[VB_PATH_FILTER_BITS / 64];
	__u64 ident[VB_PATH_FILTER_BITS / 64];
};

/* FNV-1a, one byte at a time (the kernel hashes a path's prefixes as it reads it). */
#define VB_PATH_HASH_INIT	2166136261u
static inline __u32 vb_path_hash_step(__u32 h, __u8 c)
{
	return (h ^ c) * 16777619u;
}

/* Two bit indexes from one hash, mixed (murmur3's finaliser) so both halves are good. */
static inline __u32 vb_filter_mix(__u32 h)
{
	h ^= h >> 16;
	h *= 0x85ebca6bu;
	h ^= h >> 13;
	h *= 0xc2b2ae35u;
	h ^= h >> 16;
	return h;
}

static inline __u32 vb_inode_hash(__u64 inode)
{
	return (__u32)((inode * 0x9e3779b97f4a7c15ull) >> 32);
}

static inline int vb_filter_has(const __u64 *bits, __u32 h)
{
	__u32 a = h & (VB_PATH_FILTER_BITS - 1), b = (h >> 16) & (VB_PATH_FILTER_BITS - 1);

	return ((bits[a / 64] >> (a % 64)) & 1) && ((bits[b / 64] >> (b % 64)) & 1);
}

static inline void vb_filter_add(__u64 *bits, __u32 h)
{
	__u32 a = h & (VB_PATH_FILTER_BITS - 1), b = (h >> 16) & (VB_PATH_FILTER_BITS - 1);

	bits[a / 64] |= 1ull << (a % 64);
	bits[b / 64] |= 1ull << (b % 64);
}

/* Value of vetted_modules (key: the SHA-256 of a compressed module file): the daemon read the
 * module inside and found no rule of the policy loaded as seq[slot] against it. */
struct vb_vetted_val {
	__u64 seq[2];
};

/* Value of vetted_files (key: the compressed module file's (dev, ino)): the same verdict, for
 * the fmod_ret path, where the kernel cannot hash the file. It holds only while the file shows
 * the version the daemon read. */
struct vb_vetted_file {
	__u64 seq[2];
	__u64 size;
	__s64 ctime_sec, mtime_sec;
	__u32 ctime_nsec, mtime_nsec;
};

/* What the daemon asks the kernel to learn of one of its open fds. */
enum vb_fd_kind {
	VB_FD_PATH_RULE = 0,	/* a path rule's directory or file -> path_idents */
	VB_FD_PIN_DIR = 1,	/* the maps' pin directory -> guard.pin_dir, guard.pin_sb */
	VB_FD_LINK_DIR = 2,	/* the links' pin directory -> guard.link_dir */
	VB_FD_EXE = 3,		/* the vendorband executable -> guard.exe */
};

/* Value of pathid_pending: one of the daemon's open fds to register (key: the fd). */
struct vb_pathid_pending {
	struct vb_rule_ref rule;
	__u64 seq;
	__u32 tgid;		/* the daemon's */
	__u16 registered;	/* set by the iterator: the kernel now knows the inode */
	__u16 kind;		/* enum vb_fd_kind */
};

/* A file as user space names it (stat), with dev converted to the kernel's encoding. */
struct vb_dev_ino {
	__u32 dev;
	__u32 pad;
	__u64 ino;
};

/* guard map, slot 0: what the kernel protects and who may change it (bpf/guard.bpf.h). The
 * inode and superblock pointers are written by the iterator, never taken from user space. */
struct vb_guard {
	__u64 pin_dir;		/* struct inode * of VB_PIN_DIR; 0: not registered */
	__u64 link_dir;		/* struct inode * of VB_PIN_DIR/links */
	__u64 pin_sb;		/* struct super_block * of the bpffs holding them */
	struct vb_dev_ino exe;	/* the vendorband executable that may take over; ino 0: the
				 * guard is not armed yet (between load and registration) */
	__u32 exe_gen;		/* its i_generation: another file at the same ino is not it */
	__u32 daemon_tgid;	/* the marked daemon; 0 while none lives (task_free clears it) */
	__u32 n_links;
	__u32 content_tgid;	/* the daemon judging content by fanotify (fmod_ret path), when
				 * it is daemon_tgid; 0 while none (task_free clears it) */
	__u32 link_ids[VB_GUARD_MAX_LINKS];
	__u8 signer[VB_SHA256_LEN]; /* SHA-256 of the trusted policy signer's certificate (DER)
				     * the programs were loaded for; zero: unsigned policies */
};

/* guard_mark task storage: set by the daemon on itself (key: a pidfd of itself). */
struct vb_guard_mark {
	__u32 tgid;
	__u32 pad;
};

/* fan_state: the fmod_ret path's view of the daemon's fanotify, written by the kernel only. */
struct vb_fan_state {
	__u64 group;		/* struct fsnotify_group * of the daemon's fanotify; 0: none known */
	__u32 unobserved_ever;	/* a file was put in unobserved_files: opens pay for deletes */
	__u32 all;		/* unobserved_sbs was full: every file counts as unobserved */
};

/* Key of signer_keys: how a module's PKCS#7 SignerInfo names its signer. */
enum vb_signer_kind {
	VB_SIGNER_ISSUER_SERIAL = 1,
	VB_SIGNER_SKID = 2,
};

struct vb_signer_key {
	__u8 kind;		/* enum vb_signer_kind */
	__u8 len;		/* bytes of id in use */
	__u8 pad[6];
	__u64 issuer_hash;	/* ISSUER_SERIAL: FNV-1a 64 of the issuer Name's DER; else 0 */
	__u8 id[VB_SIGNER_ID_MAX]; /* serial (without a DER sign byte) or SKID, zero padded */
};

struct vb_module_key {
	char name[VB_MODULE_NAME_MAX];	/* as the kernel will name it: '-' written as '_' */
};

/* Value of file_verdicts: a file the scanner identified for the policy loaded as seq. */
struct vb_file_verdict {
	__u64 seq;		/* policy_state.seq it was computed for; ignored for any other */
	struct vb_rule_ref rule;
};

/* Key of flood: one distinct attempt, as an auditor tells attempts apart (rule, file, user). */
struct vb_flood_key {
	__u64 ino;
	__u32 dev;
	__u32 uid;
	__u32 rule_idx;		/* for VB_OP_TAMPER: the detail */
	__u8 op;		/* enum vb_op */
	__u8 match;		/* enum vb_match, or enum vb_tamper */
	__u8 mode;		/* enum vb_mode */
	__u8 denied;		/* the operation was refused */
	__u32 name_hash;	/* FNV-1a 32 of the target's name where there is no file (tamper) */
	__u32 seq;		/* policy_state.seq's low 32 bits: which policy rule_idx is of */
};

/* Value of flood. The hook only adds to pending (atomically); the iterators move offered and
 * handed, so a count is in the log before the kernel forgets it (bpf/flood.bpf.h). */
struct vb_flood_val {
	__u64 pending;		/* repeats ever counted for this key; VB_FLOOD_RETIRED */
	__u64 offered;		/* pending as the last offer pass read it */
	__u64 handed;		/* repeats the daemon has put in the log */
	__u64 first_ns;		/* ktime (boot) of the first repeat after handed */
	__u64 last_ns;		/* of the latest attempt, full or counted */
	__u64 window_ns;	/* when this window's first full record went out; 0: none yet */
	__u32 last_tgid;	/* the process of the latest full record */
	__u32 burst;		/* full records in this window */
};

/* What the flood iterators hand the daemon: an attempt's repeats not yet in the log (offer),
 * or an attempt to forget (retired). */
struct vb_flood_rec {
	struct vb_flood_key key;
	__u64 count;		/* repeats since the last hand-over, exactly */
	__u64 first_ns;
	__u64 last_ns;
	__u32 retired;		/* idle and all handed over: the daemon deletes the key */
	__u32 pad;
};

/* Value of content_verdicts (key: the file's vb_dev_ino as fstat(2) shows the fd fanotify
 * gave): the daemon hashed it where the kernel cannot (the fmod_ret path). It counts for the
 * policy loaded as seq, and only while the inode holding the bytes still shows the size and
 * times the daemon saw (statx of the same fd). */
struct vb_content_verdict {
	__u64 seq;
	struct vb_rule_ref rule;	/* the hash rule that matched (verdict BANNED) */
	__u8 verdict;			/* enum vb_verdict */
	__u8 pad[7];
	__u8 sha256[VB_SHA256_LEN];
	__s64 size;
	__s64 ctime_sec;
	__s64 mtime_sec;
	__u32 ctime_nsec;
	__u32 mtime_nsec;
};

/* A module event's extra: what the module said about itself. */
struct vb_module_info {
	char name[VB_MODULE_NAME_MAX];
	struct vb_signer_key signer;	/* kind 0: no signature found in the buffer */
	__u8 hash_oid_last;	/* last byte of the signature's digest OID (sha256: 1) */
	__u8 load;		/* 1: finit_module (a file), 2: init_module (a buffer) */
	__u8 pad[6];
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
	VB_STAT_TAMPER,		/* attempts on vendorban itself refused (guard.bpf.h) */
	VB_STAT_REPEATS,	/* attempts counted in flood instead of sent in full */
	VB_STAT_MAX,
};

#define VB_EV_F_DENIED		0x1	/* the operation was refused (otherwise: audit) */
#define VB_EV_F_HAS_SHA256	0x2
#define VB_EV_F_CACHED		0x4	/* verdict came from the cache */
#define VB_EV_F_PATH_TRUNC	0x8
#define VB_EV_F_NAME_ONLY	0x10	/* path holds the file name only: no bpf_d_path there */
#define VB_EV_F_PATH_IDENT	0x20	/* a path rule matched by the inode of a directory above
					 * the file (or the file's own), not by its name */
#define VB_EV_F_DAEMON		0x40	/* the content was hashed by the daemon (fanotify) */
#define VB_EV_F_UNJUDGED	0x80	/* fmod_ret path: an exec no one judged by content (no
					 * daemon, or a filesystem it does not watch) was let
					 * run; the daemon hashes the file later, and watches it */

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
	struct vb_module_info module;	/* VB_OP_MODULE only */
	char path[VB_EV_PATH_MAX];
};

/*
 * The layouts above are an ABI between two compilers (clang -target bpf and the host's cc) and
 * between builds (a daemon takes over maps another build pinned). Both sides compile these
 * checks: a field added, widened or left with implicit padding stops both builds, instead of one
 * side reading the other's keys, values or events at the wrong offsets.
 */
#define VB_SHARED_SIZE(type, size)						\
	_Static_assert(sizeof(struct type) == (size), "struct " #type " is shared with the " \
		       "other side: update both, and its size here")
VB_SHARED_SIZE(vb_rule_ref, 8);
VB_SHARED_SIZE(vb_path_key, VB_PATH_MAX);
VB_SHARED_SIZE(vb_inode_key, 16);
VB_SHARED_SIZE(vb_content_ver, 40);
VB_SHARED_SIZE(vb_cache_val, 24 + VB_SHA256_LEN + sizeof(struct vb_content_ver));
VB_SHARED_SIZE(vb_settings, 64);
VB_SHARED_SIZE(vb_policy_state, 8);
VB_SHARED_SIZE(vb_slot_info, 80);
VB_SHARED_SIZE(vb_pathid_val, 32);
VB_SHARED_SIZE(vb_vetted_val, 16);
VB_SHARED_SIZE(vb_path_filter, 2 * VB_PATH_FILTER_BITS / 8);
VB_SHARED_SIZE(vb_vetted_file, 48);
VB_SHARED_SIZE(vb_pathid_pending, 24);
VB_SHARED_SIZE(vb_dev_ino, 16);
VB_SHARED_SIZE(vb_guard, 24 + sizeof(struct vb_dev_ino) + 16 + 4 * VB_GUARD_MAX_LINKS +
			 VB_SHA256_LEN);
VB_SHARED_SIZE(vb_guard_mark, 8);
VB_SHARED_SIZE(vb_fan_state, 16);
VB_SHARED_SIZE(vb_signer_key, 16 + VB_SIGNER_ID_MAX);
VB_SHARED_SIZE(vb_module_key, VB_MODULE_NAME_MAX);
VB_SHARED_SIZE(vb_file_verdict, 16);
VB_SHARED_SIZE(vb_flood_key, 32);
VB_SHARED_SIZE(vb_flood_val, 56);
VB_SHARED_SIZE(vb_flood_rec, sizeof(struct vb_flood_key) + 32);
VB_SHARED_SIZE(vb_content_verdict, 56 + VB_SHA256_LEN);
VB_SHARED_SIZE(vb_module_info, VB_MODULE_NAME_MAX + sizeof(struct vb_signer_key) + 8);
VB_SHARED_SIZE(vb_event, 56 + VB_SHA256_LEN + 2 * VB_COMM_LEN + sizeof(struct vb_module_info) +
			 VB_EV_PATH_MAX);

#endif /* VENDORBAN_H */
