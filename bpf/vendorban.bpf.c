// SPDX-License-Identifier: GPL-2.0
/*
 * vendorban: deny exec and executable mappings of files from banned vendors.
 *
 * Two ways into the kernel, chosen by the daemon at load time:
 *  - BPF LSM (lsm/, lsm.s/) when "bpf" is in the active lsm= list;
 *  - fmod_ret/fentry on the security_* functions when it is not: BPF LSM programs then attach
 *    without error and never run, so they must not be used (see user/kernel/attach.c).
 * The kernel side only looks things up and decides; user space compiles everything else.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include <bpf/bpf_core_read.h>
#include "vendorban.h"

char LICENSE[] SEC("license") = "GPL";

#define EPERM		1
#define EACCES		13
#define PROT_WRITE	0x2
#define PROT_EXEC	0x4
#define MAP_SHARED	0x01
#define VM_EXEC		0x4
#define FMODE_WRITE	0x2
#define __FMODE_EXEC	0x20	/* open_exec() opens with this in f_flags */
#define HASH_ALGO_SHA256 4
#define FS_OPEN_PERM	0x00010000	/* fsnotify: a listener judges opens (fanotify) */
#define FS_OPEN_EXEC_PERM 0x00040000	/* fsnotify: a listener judges exec opens (fanotify) */
#define SB_NOUSER	(1UL << 31)	/* a kernel-internal filesystem (memfds' tmpfs, pipes) */
#define S_IFMT		00170000
#define S_IFREG		0100000

/* Policy rule sets come in two slots; the daemon fills the idle one, then flips
 * policy_state.seq, whose low bit names the active slot. A hook reads seq once, so it sees one
 * whole policy, never half of each.
 * The inner templates are declared by size, without BTF types: the daemon creates the inner maps
 * without BTF, and 6.1 refuses an inner map whose BTF-derived layout (timer_off) differs from
 * the template's. Read-only to programs as well as frozen: no program, ours or one that found
 * the map by id, can change a policy once it is built. */
struct hash_rules {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, VB_MAX_HASH_RULES);
	__uint(map_flags, VB_RULES_MAP_FLAGS);
	__uint(key_size, VB_SHA256_LEN);
	__uint(value_size, sizeof(struct vb_rule_ref));
};

struct path_rules {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, VB_MAX_PATH_RULES);
	__uint(map_flags, VB_RULES_MAP_FLAGS);
	__uint(key_size, sizeof(struct vb_path_key));
	__uint(value_size, sizeof(struct vb_rule_ref));
};

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY_OF_MAPS);
	__uint(max_entries, 2);
	__type(key, __u32);
	__array(values, struct hash_rules);
} hash_slots SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY_OF_MAPS);
	__uint(max_entries, 2);
	__type(key, __u32);
	__array(values, struct path_rules);
} path_slots SEC(".maps");

/* Per rule slot, what a path may match at all (vb_path_filter): most lookups are never made. */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 2);
	__type(key, __u32);
	__type(value, struct vb_path_filter);
} path_filter SEC(".maps");

struct signer_keys {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, VB_MAX_SIGNER_KEYS);
	__uint(map_flags, VB_RULES_MAP_FLAGS);
	__uint(key_size, sizeof(struct vb_signer_key));
	__uint(value_size, sizeof(struct vb_rule_ref));
};

struct module_names {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, VB_MAX_MODULE_NAMES);
	__uint(map_flags, VB_RULES_MAP_FLAGS);
	__uint(key_size, sizeof(struct vb_module_key));
	__uint(value_size, sizeof(struct vb_rule_ref));
};

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY_OF_MAPS);
	__uint(max_entries, 2);
	__type(key, __u32);
	__array(values, struct signer_keys);
} signer_slots SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY_OF_MAPS);
	__uint(max_entries, 2);
	__type(key, __u32);
	__array(values, struct module_names);
} module_slots SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 2);
	__type(key, __u32);
	__type(value, struct vb_slot_info);
} slot_info SEC(".maps");

/* Files the scanner identified by evidence the kernel cannot see (a signer, a package); each
 * entry counts only for the policy it was computed for. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, VB_MAX_FILE_VERDICTS);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, struct vb_dev_ino);
	__type(value, struct vb_file_verdict);
} file_verdicts SEC(".maps");

/* Content verdicts the daemon computed by hashing on the fmod_ret path, where the kernel cannot
 * (fanotify, user/daemon/fanotify.c): the hooks turn one into a verdict_cache entry when the
 * content still shows the version the daemon hashed. */
struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, VB_MAX_CONTENT_VERDICTS);
	__type(key, struct vb_dev_ino);
	__type(value, struct vb_content_verdict);
} content_verdicts SEC(".maps");

/* Files whose unjudged exec was reported, and the version then: once each, not per exec. */
struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, VB_MAX_UNJUDGED);
	__type(key, struct vb_inode_key);
	__type(value, struct vb_content_ver);
} unjudged_seen SEC(".maps");

/* Files opened, on the fmod_ret path while the daemon judges content, where fanotify did not
 * ask it (a filesystem or memfd it did not watch yet): their open was never judged, so an
 * executable mapping of one is refused even once the filesystem is watched. Key: the struct
 * file, forgotten when it is freed; value: its inode, so a reused struct never inherits it.
 * Not an LRU: an attacker's opens must not push one out. When it is full, the file's whole
 * filesystem is remembered instead (unobserved_sbs): refused rather than forgotten. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, VB_MAX_UNOBSERVED);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, __u64);
	__type(value, __u64);
} unobserved_files SEC(".maps");

/* Not an LRU either: an attacker's thousand tmpfs mounts must not push one out. Forgotten when
 * the superblock shuts down; when full, every file is taken as unobserved (fan_state.all). */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, VB_MAX_UNOBSERVED_SBS);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, __u64);		/* struct super_block * */
	__type(value, __u32);
} unobserved_sbs SEC(".maps");

/* The fmod_ret path's view of the daemon's fanotify (struct vb_fan_state). A map, not a global:
 * the guard refuses writable fds to named maps only. */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct vb_fan_state);
} fan_state SEC(".maps");

/* What guard.bpf.h protects, and who may change it; here so judge() can ask whether a daemon
 * lives to judge content. */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct vb_guard);
} guard SEC(".maps");

/* Mapped by the daemon so the flip is one atomic 8-byte store. */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__uint(map_flags, BPF_F_MMAPABLE);
	__type(key, __u32);
	__type(value, struct vb_policy_state);
} policy_state SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct vb_settings);
} settings SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, VB_MAX_CACHE);
	__type(key, struct vb_inode_key);
	__type(value, struct vb_cache_val);
} verdict_cache SEC(".maps");

/* The daemon's self-test: files it creates to prove, by a real exec, that the hooks run. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 16);
	__type(key, struct vb_dev_ino);
	__type(value, __u32);
} canary_inodes SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 16);
	__type(key, __u8[VB_SHA256_LEN]);
	__type(value, __u32);
} canary_hashes SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, VB_STAT_MAX);
	__type(key, __u32);
	__type(value, __u64);
} stats SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, VB_RINGBUF_SIZE);
} events SEC(".maps");

/* The last file this task was allowed to map or run, as judge() saw it: an exec judges its
 * program twice (bprm_check, then the loader's mmap of the same struct file, with write access
 * held off in between), so the second look is one compare. Used once, then forgotten. */
struct vb_memo {
	__u64 file, dentry, inode, seq;
	struct vb_content_ver ver;
	__u32 verified;		/* its content had a verdict (hashed or cached) */
	__u32 pad;
};

/* Scratch space too big for the 512-byte stack. Task-local rather than per-CPU: a sleepable
 * program can be preempted (it sleeps inside bpf_ima_file_hash), and another task on the same
 * CPU would overwrite a per-CPU buffer under it. */
struct vb_scratch {
	struct vb_path_key key;
	char path[VB_EV_PATH_MAX];
	struct vb_memo memo;
};

struct {
	__uint(type, BPF_MAP_TYPE_TASK_STORAGE);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, int);
	__type(value, struct vb_scratch);
} scratch SEC(".maps");

/*
 * On the lsm path a cached exec creates no task storage (on 6.1 creating it cost more than the
 * rest of the exec's judging): the d_path buffer is this CPU's, taken with an atomic flag
 * (hooks run with migration off; a task preempted while it holds the buffer makes the next
 * one on this CPU fall back to task storage), and the memo lives in exec_memo, keyed by thread.
 */
struct vb_pcpu_scratch {
	__u32 busy;
	__u32 pad;
	struct vb_scratch s;
};

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct vb_pcpu_scratch);
} pcpu_scratch SEC(".maps");

/* The memo of an exec's bprm_check, for the loader's mmap of the same struct file into the
 * new mm (the mm bprm_check saw as bprm->mm): only that mapping can be the exec's own, and a
 * failed exec's mm is never any task's current one. An LRU: a memo forgotten costs a full
 * judgement of the mapping, never a verdict. */
struct vb_exec_memo {
	struct vb_memo m;
	__u64 mm;
};

struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, VB_MAX_EXEC_MEMO);
	__type(key, __u64);		/* pid_tgid */
	__type(value, struct vb_exec_memo);
} exec_memo SEC(".maps");

/* guard.bpf.h, included last, decides who may read the iterators. */
static __always_inline bool guard_iter_reader_ok(void);

#include "module.bpf.h"
#include "flood.bpf.h"
#include "fileid.bpf.h"
#include "pathid.bpf.h"

static __always_inline void stat_inc(__u32 idx)
{
	__u64 *v = bpf_map_lookup_elem(&stats, &idx);

	if (v)
		__sync_fetch_and_add(v, 1);
}

struct verdict {
	struct vb_rule_ref rule;
	__u8 match;
	__u8 op;
	__u8 flags;
	__u8 sha256[VB_SHA256_LEN];
	int path_len;		/* bytes in scratch->path, 0 if not resolved */
};

static __always_inline void cache_drop(struct inode *inode)
{
	struct vb_inode_key k = {
		.inode = (__u64)inode,
		.ino = BPF_CORE_READ(inode, i_ino),
	};

	bpf_map_delete_elem(&verdict_cache, &k);
}

/* A file's own inode and, for an overlayfs file, the backing inode the cache is keyed on. */
static __always_inline void cache_drop_file(struct file *file)
{
	struct inode *inode = BPF_CORE_READ(file, f_inode);
	struct inode *real = BPF_CORE_READ(real_file(file), f_inode);

	cache_drop(inode);
	if (real != inode)
		cache_drop(real);
}

/* Keep a verdict about this version of the content, where a hit can prove it unchanged. */
static __always_inline void cache_store(struct inode *inode, __u64 seq, struct verdict *v,
					const struct vb_content_ver *ver, __s64 tai_offset)
{
	struct vb_inode_key k = {
		.inode = (__u64)inode,
		.ino = BPF_CORE_READ(inode, i_ino),
	};
	struct vb_cache_val cv = {
		.policy_seq = seq,
		.rule = v->rule,
		.verdict = v->match ? VB_VERDICT_BANNED : VB_VERDICT_CLEAN,
		.ver = *ver,
	};

	if (!content_cacheable(inode, ver, tai_offset))
		return;
	__builtin_memcpy(cv.sha256, v->sha256, VB_SHA256_LEN);
	bpf_map_update_elem(&verdict_cache, &k, &cv, BPF_ANY);
	/* A writer that opened between the check above and the store has already run its
	 * invalidation (it takes write access before security_file_open); catch it here. */
	if (inode_writable(inode))
		bpf_map_delete_elem(&verdict_cache, &k);
}

struct path_scan {
	struct vb_scratch *s;
	const __u64 *bits;	/* the slot's name filter */
	void *rules;
	struct vb_rule_ref *found;
	__u32 h;		/* FNV-1a of the bytes read so far */
	__u32 len;		/* bytes of the path a rule can name (rules are < VB_PATH_MAX) */
	int hit;
};

/* Are the path's first n bytes a rule? Asked only where the filter says they may be. */
static __always_inline int path_lookup(struct path_scan *w, __u32 n)
{
	struct vb_rule_ref *r;

	/* For the verifier, whatever the compiler knows of n from the caller. */
	barrier_var(n);
	n &= VB_PATH_MAX - 1;
	if (!n)
		return 0;
	/* Keys are NUL-padded. */
	__builtin_memset(&w->s->key, 0, sizeof(w->s->key));
	if (bpf_probe_read_kernel(&w->s->key.path, n, w->s->path))
		return 0;
	r = bpf_map_lookup_elem(w->rules, &w->s->key);
	if (!r)
		return 0;
	*w->found = *r;
	return 1;
}

/* Read the path forwards, hashing as we go: at every directory prefix ("/a/", "/a/b/"; not the
 * root) the filter says whether a rule may name it, and only then is the rule map asked. A
 * later hit is a longer prefix, which wins. Eight bytes a call: one bounded callback keeps the
 * verifier's work linear in VB_PATH_MAX, and a call per byte cost more than the bytes. */
static long path_scan_step(__u32 i, struct path_scan *w)
{
	__u32 base = i * 8, h = w->h;
	__u64 word;
	long ret = 0;

	if (base >= w->len || base >= VB_PATH_MAX)
		return 1;
	word = *(__u64 *)&w->s->path[base & (VB_PATH_MAX - 8)];
#pragma unroll
	for (int k = 0; k < 8; k++) {
		__u32 pos = base + k;
		__u8 c = word >> (8 * k);

		if (pos >= w->len) {
			ret = 1;
			break;
		}
		h = vb_path_hash_step(h, c);
		if (c == '/' && pos >= 1 && vb_filter_has(w->bits, vb_filter_mix(h)) &&
		    path_lookup(w, pos + 1))
			w->hit = 1;
	}
	w->h = h;
	return ret;
}

/* The path bpf_d_path left in s->path (path_len counts its NUL): the longest directory rule
 * above it, or an exact rule, which comes first. */
static __always_inline int match_path(struct vb_scratch *s, void *rules,
				      const struct vb_path_filter *f, int path_len,
				      struct vb_rule_ref *out)
{
	struct path_scan w = {
		.s = s, .bits = f->name, .rules = rules, .found = out, .h = VB_PATH_HASH_INIT,
	};

	if (path_len <= 1)
		return 0;
	w.len = path_len - 1;
	if (w.len > VB_PATH_MAX - 1)
		w.len = VB_PATH_MAX - 1;
	bpf_loop(VB_PATH_MAX / 8, path_scan_step, &w, 0);
	/* The whole path, if a rule can be that long; w.h has hashed all of it then. */
	if (path_len - 1 <= VB_PATH_MAX - 1 && vb_filter_has(f->name, vb_filter_mix(w.h)) &&
	    path_lookup(&w, path_len - 1))
		return 1;
	return w.hit;
}

static __always_inline void emit(struct file *file, struct inode *inode, struct verdict *v,
				 struct vb_scratch *s, __u64 seq, int ret,
				 const struct vb_module_info *mi, const char *mod_path)
{
	struct task_struct *task = bpf_get_current_task_btf();
	__u32 ppid = BPF_CORE_READ(task, real_parent, tgid);
	struct vb_flood_val *fv = NULL;
	struct vb_event *e;
	__u64 id;

	/* An unjudged exec is not an attempt on a rule: reported once per file version anyway. */
	if (v->op != VB_OP_SELFTEST && !(v->flags & VB_EV_F_UNJUDGED)) {
		struct vb_flood_key fk = {
			.ino = inode ? BPF_CORE_READ(inode, i_ino) : 0,
			.dev = inode ? BPF_CORE_READ(inode, i_sb, s_dev) : 0,
			.uid = (__u32)bpf_get_current_uid_gid(),
			.rule_idx = v->rule.rule_idx,
			.op = v->op,
			.match = v->match,
			.mode = v->rule.mode,
			.denied = ret != 0,
			.seq = (__u32)seq,
		};

		if (!flood_admit(&fk, bpf_get_current_pid_tgid() >> 32, &fv)) {
			stat_inc(VB_STAT_REPEATS);
			return;
		}
	}
	e = bpf_ringbuf_reserve(&events, sizeof(*e), 0);
	if (!e) {
		/* The verdict stands; the gap is counted and reported by the daemon. A canary's
		 * event is not a denial: it is not counted among the lost ones. */
		if (flood_unsent(fv))
			stat_inc(VB_STAT_REPEATS);
		else if (v->op != VB_OP_SELFTEST)
			stat_inc(VB_STAT_DROPPED);
		return;
	}
	id = bpf_get_current_pid_tgid();
	e->ktime_ns = bpf_ktime_get_boot_ns();
	e->policy_seq = seq;
	e->ino = inode ? BPF_CORE_READ(inode, i_ino) : 0;
	e->dev = inode ? BPF_CORE_READ(inode, i_sb, s_dev) : 0;
	e->pid = id >> 32;
	e->tid = (__u32)id;
	e->ppid = ppid;
	e->uid = (__u32)bpf_get_current_uid_gid();
	e->rule_idx = v->rule.rule_idx;
	e->ret = ret;
	e->op = v->op;
	e->match = v->match;
	e->mode = v->rule.mode;
	e->flags = v->flags | (ret ? VB_EV_F_DENIED : 0);
	__builtin_memcpy(e->sha256, v->sha256, VB_SHA256_LEN);
	bpf_get_current_comm(e->comm, sizeof(e->comm));
	BPF_CORE_READ_STR_INTO(&e->pcomm, task, real_parent, comm);
	if (mi)
		__builtin_memcpy(&e->module, mi, sizeof(*mi));
	else
		__builtin_memset(&e->module, 0, sizeof(e->module));
	e->path[0] = 0;
	if (s && v->path_len > 0) {
		bpf_probe_read_kernel_str(e->path, sizeof(e->path), s->path);
	} else if (mod_path) {
		bpf_probe_read_kernel_str(e->path, sizeof(e->path), mod_path);
	} else if (!file) {
		e->flags |= VB_EV_F_NAME_ONLY;	/* a buffer: no file at all */
	} else {
		/* No full path here (the hook may not call bpf_d_path): the file's name at least.
		 * d_name.name is a pointer: read it, then the string it points to. */
		const unsigned char *name = BPF_CORE_READ(file, f_path.dentry, d_name.name);

		bpf_probe_read_kernel_str(e->path, sizeof(e->path), name);
		e->flags |= VB_EV_F_NAME_ONLY;
	}
	bpf_ringbuf_submit(e, 0);
	flood_sent(fv, bpf_get_current_pid_tgid() >> 32);
}

/* The daemon's verdict about this version of the content (fmod_ret path): it hashed the file
 * fanotify handed it, keyed by what fstat showed of that fd, which is the opened inode's
 * (dev, ino) (an overlay's own, for an overlayfs file), or the backing inode's. Its size and
 * times must still be those of the inode that holds the bytes. */
static __always_inline struct vb_content_verdict *
daemon_verdict(struct inode *inode, struct inode *real, __u64 seq, const struct vb_content_ver *ver)
{
	struct vb_dev_ino di = {
		.dev = BPF_CORE_READ(inode, i_sb, s_dev),
		.ino = BPF_CORE_READ(inode, i_ino),
	};
	struct vb_content_verdict *dv = bpf_map_lookup_elem(&content_verdicts, &di);

	if (!dv && real != inode) {
		di.dev = BPF_CORE_READ(real, i_sb, s_dev);
		di.ino = BPF_CORE_READ(real, i_ino);
		dv = bpf_map_lookup_elem(&content_verdicts, &di);
	}
	if (!dv || dv->seq != seq || dv->size != ver->size || dv->ctime_sec != ver->ctime_sec ||
	    dv->ctime_nsec != ver->ctime_nsec || dv->mtime_sec != ver->mtime_sec ||
	    dv->mtime_nsec != ver->mtime_nsec)
		return NULL;
	/* A shared writable mapping changes bytes without always moving the times: a clean
	 * verdict does not hold while one may exist. A banned one is refused either way. */
	if (dv->verdict != VB_VERDICT_BANNED && inode_writable(real))
		return NULL;
	return dv;
}

/* Does a daemon judge content through fanotify? Only one that says it does (guard.
 * content_tgid) and still lives (the guard clears daemon_tgid when it is freed). A stopped
 * daemon still does: fanotify holds the opens it is asked about until it answers. */
static __always_inline bool daemon_judges(void)
{
	__u32 zero = 0;
	struct vb_guard *g = bpf_map_lookup_elem(&guard, &zero);

	return g && g->daemon_tgid && g->daemon_tgid == g->content_tgid;
}

static __always_inline struct vb_fan_state *fan_state_get(void)
{
	__u32 zero = 0;

	return bpf_map_lookup_elem(&fan_state, &zero);
}

/* Does the daemon's own fanotify group mark this object for one of mask's events? The object's
 * summary mask would say yes for any group's mark: root's own group could then make the kernel
 * believe the daemon watches a filesystem it never saw. Marks are listed by group priority; one
 * hidden behind more than VB_FAN_MARK_WALK others is not found (refused, never let through). */
static __always_inline bool daemon_marks(struct fsnotify_mark_connector *conn, __u64 group,
					 __u32 mask)
{
	struct hlist_node *node;
	struct fsnotify_mark *m;

	if (!conn || !group)
		return false;
	node = BPF_CORE_READ(conn, list.first);
	for (int i = 0; i < VB_FAN_MARK_WALK && node; i++) {
		m = (void *)node - bpf_core_field_offset(struct fsnotify_mark, obj_list);
		if ((__u64)BPF_CORE_READ(m, group) == group)
			return BPF_CORE_READ(m, mask) & mask;
		node = BPF_CORE_READ(node, next);
	}
	return false;
}

/* 6.1 keeps a superblock's marks in s_fsnotify_marks; 6.9 moved them into s_fsnotify_info. */
struct super_block___v61 {
	struct fsnotify_mark_connector *s_fsnotify_marks;
} __attribute__((preserve_access_index));

static __always_inline struct fsnotify_mark_connector *sb_marks(struct super_block *sb)
{
	if (bpf_core_field_exists(sb->s_fsnotify_info))
		return BPF_CORE_READ(sb, s_fsnotify_info, sb_marks);
	return BPF_CORE_READ((struct super_block___v61 *)sb, s_fsnotify_marks);
}

/* Will the daemon's fanotify be asked about this inode's opens (mask: FS_OPEN_EXEC_PERM or
 * FS_OPEN_PERM)? Only if its permission mark covers the filesystem, or the inode itself (a
 * memfd: fanotify cannot mark the kernel's internal tmpfs, only each memfd on it). The summary
 * masks first: an object no group marks costs two loads. */
static __always_inline bool fan_watched(struct inode *inode, __u32 mask)
{
	struct super_block *sb = BPF_CORE_READ(inode, i_sb);
	__u32 in_sb = BPF_CORE_READ(sb, s_fsnotify_mask) & mask;
	__u32 in_inode = BPF_CORE_READ(inode, i_fsnotify_mask) & mask;
	struct vb_fan_state *st;

	if (!in_sb && !in_inode)
		return false;
	st = fan_state_get();
	if (!st)
		return false;
	return (in_sb && daemon_marks(sb_marks(sb), st->group, mask)) ||
	       (in_inode && daemon_marks(BPF_CORE_READ(inode, i_fsnotify_marks), st->group, mask));
}

/* A file fanotify opened to hand to a listener (an event's fd) makes no fanotify events: its
 * open was never judged by the daemon, whatever marks its filesystem. Root's own fanotify
 * group could otherwise receive a fresh banned library's fd at close-write and map it. Files
 * overlayfs opens beneath its own are not the caller's: mmap_file judges the overlay's. 6.14
 * split the flag in two (FMODE_NONOTIFY alone, FMODE_NONOTIFY_PERM alone: no open permission
 * event). */
extern int LINUX_KERNEL_VERSION __kconfig;

static __always_inline bool fan_unasked(struct file *file, struct inode *inode)
{
	__u32 mode = BPF_CORE_READ(file, f_mode);

	/* overlayfs before 6.5: the file beneath, opened under the overlay's path; since:
	 * FMODE_BACKING (bit 25, bit 24 from 6.14). */
	if (BPF_CORE_READ(file, f_path.dentry, d_inode) != inode)
		return false;
	if (LINUX_KERNEL_VERSION < KERNEL_VERSION(6, 14, 0))
		return (mode & (1U << 26)) && !(mode & (1U << 25));
	if (mode & (1U << 24))
		return false;
	mode &= (1U << 25) | (1U << 26);
	return mode == (1U << 25) || mode == (1U << 26);
}

/* Content is meant to be judged by the daemon: the fmod_ret path, enforcing, no kernel hash. */
static __always_inline bool content_by_daemon(void)
{
	__u32 zero = 0;
	struct vb_settings *cfg = bpf_map_lookup_elem(&settings, &zero);

	return cfg && cfg->enabled && cfg->path == VB_PATH_FMOD_RET && !cfg->can_hash;
}

/* Is the current task one of the daemon's threads? */
static __always_inline bool in_daemon(void)
{
	__u32 zero = 0;
	struct vb_guard *g = bpf_map_lookup_elem(&guard, &zero);

	return g && g->daemon_tgid && g->daemon_tgid == bpf_get_current_pid_tgid() >> 32;
}

/* An open fanotify did not ask the judging daemon about is remembered (unobserved_files); one
 * it will ask about forgets what an earlier struct file at the same address left. */
static __always_inline void note_open(struct file *file)
{
	struct inode *inode = BPF_CORE_READ(file, f_inode);
	__u64 key = (__u64)file, ino = (__u64)inode, sb;
	struct vb_fan_state *st;
	__u32 one = 1;

	if ((BPF_CORE_READ(inode, i_mode) & S_IFMT) != S_IFREG)
		return;
	st = fan_state_get();
	if (!st)
		return;
	/* No daemon judges now, but one is meant to (the kernel cannot hash here): this open
	 * is asked of no one, and its mapping after a daemon is back must not pass for judged.
	 * The daemon's own event fds are unasked too, and never mapped: no map churn for them. */
	if (!daemon_judges() ? content_by_daemon() :
	    (!fan_watched(inode, FS_OPEN_PERM) || (fan_unasked(file, inode) && !in_daemon()))) {
		st->unobserved_ever = 1;
		if (bpf_map_update_elem(&unobserved_files, &key, &ino, BPF_ANY)) {
			sb = (__u64)BPF_CORE_READ(inode, i_sb);
			if (bpf_map_update_elem(&unobserved_sbs, &sb, &one, BPF_ANY))
				st->all = 1;
		}
	} else if (st->unobserved_ever) {
		bpf_map_delete_elem(&unobserved_files, &key);
	}
}

static __always_inline bool file_unobserved(struct file *file)
{
	struct inode *inode = BPF_CORE_READ(file, f_inode);
	__u64 key = (__u64)file, *ino = bpf_map_lookup_elem(&unobserved_files, &key), sb;
	struct vb_fan_state *st;

	if (ino && *ino == (__u64)inode)
		return true;
	st = fan_state_get();
	if (!st || st->all)
		return true;
	if (!st->unobserved_ever)
		return false;
	sb = (__u64)BPF_CORE_READ(inode, i_sb);
	return bpf_map_lookup_elem(&unobserved_sbs, &sb);
}

/* Report this unjudged exec? Once per file version (the LRU may forget, and report again). */
static __always_inline bool unjudged_first(struct inode *real, const struct vb_content_ver *ver)
{
	struct vb_inode_key k = { .inode = (__u64)real, .ino = BPF_CORE_READ(real, i_ino) };
	struct vb_content_ver *seen = bpf_map_lookup_elem(&unjudged_seen, &k);

	if (seen && content_same(seen, ver))
		return false;
	bpf_map_update_elem(&unjudged_seen, &k, ver, BPF_ANY);
	return true;
}

/* The registered vendorband executable (the guard's): what brings judging back, and what
 * `vendorban disable` runs, must not be refused for want of a judge. */
static __always_inline bool daemon_exe(struct inode *inode)
{
	__u32 zero = 0;
	struct vb_guard *g = bpf_map_lookup_elem(&guard, &zero);

	return g && g->exe.ino && BPF_CORE_READ(inode, i_ino) == g->exe.ino &&
	       BPF_CORE_READ(inode, i_sb, s_dev) == g->exe.dev &&
	       BPF_CORE_READ(inode, i_generation) == g->exe_gen;
}

/* The registered vendorband starting as root: its libraries map while no daemon judges, or
 * under option unjudged-exec deny no daemon could come back. (Root running it with
 * LD_PRELOAD is the class the guard names in its header.) */
static __always_inline bool daemon_starting(void)
{
	struct task_struct *task = bpf_get_current_task_btf();
	struct inode *exe = BPF_CORE_READ(task, mm, exe_file, f_inode);

	return exe && (__u32)bpf_get_current_uid_gid() == 0 && daemon_exe(exe);
}

static __always_inline bool memo_hit(const struct vb_memo *m, struct file *file,
				     struct inode *real, __u64 seq, const struct vb_content_ver *ver,
				     int deny_unknown)
{
	return m->file == (__u64)file && m->inode == (__u64)real && m->seq == seq &&
	       m->dentry == (__u64)file->f_path.dentry &&
	       content_same(&m->ver, ver) && (m->verified || !deny_unknown);
}

static __always_inline void memo_store(struct vb_memo *m, struct file *file, struct inode *real,
				       __u64 seq, const struct vb_content_ver *ver, __u32 verified)
{
	m->file = (__u64)file;
	m->dentry = (__u64)file->f_path.dentry;
	m->inode = (__u64)real;
	m->seq = seq;
	m->ver = *ver;
	m->verified = verified;
}

/* Scratch for d_path: this CPU's if no one holds it, else the task's own. */
static __always_inline struct vb_scratch *scratch_get(struct vb_pcpu_scratch **held)
{
	__u32 zero = 0;
	struct vb_pcpu_scratch *p = bpf_map_lookup_elem(&pcpu_scratch, &zero);

	if (p && !__sync_lock_test_and_set(&p->busy, 1)) {
		*held = p;
		return &p->s;
	}
	return bpf_task_storage_get(&scratch, bpf_get_current_task_btf(), 0,
				    BPF_LOCAL_STORAGE_GET_F_CREATE);
}

static __always_inline void scratch_put(struct vb_pcpu_scratch *held)
{
	if (held)
		__sync_lock_test_and_set(&held->busy, 0);	/* a full barrier, then free */
}

/*
 * The one verdict function. Its flags are compile-time constants at each call site, so the
 * helpers a hook may not call (bpf_ima_file_hash outside sleepable hooks, bpf_d_path outside
 * its allow-list) are not even in that program.
 *   can_hash: sleepable, may compute the SHA-256 of the content in the kernel;
 *   can_path: may resolve the full path with bpf_d_path.
 */
static __always_inline int judge_in(struct file *file, __u8 op, bool can_hash, bool can_path,
				    int deny_unknown, __u8 *digest, struct mm_struct *exec_mm)
{
	struct vb_pcpu_scratch *held = NULL;
	struct vb_policy_state *st;
	struct vb_slot_info *si;
	struct vb_cache_val *cv;
	struct vb_content_verdict *dv;
	struct vb_path_filter *pf;
	struct vb_scratch *s = NULL;
	struct vb_settings *cfg;
	struct verdict v = { .op = op };
	struct vb_content_ver ver;
	struct inode *inode, *real;
	__u32 zero = 0, slot, verified = 0;
	__u64 seq, real_ino;
	int ret;

	cfg = bpf_map_lookup_elem(&settings, &zero);
	st = bpf_map_lookup_elem(&policy_state, &zero);
	if (!cfg || !st || !cfg->enabled || !file)
		return 0;
	seq = *(volatile __u64 *)&st->seq;
	slot = seq & 1;
	/* Every caller hands judge() a struct file it may read in place (a BTF pointer): the
	 * common case reads no field through a helper call. */
	inode = file->f_inode;
	/* The inode that holds the bytes: the verdict cache is about content, and writes that
	 * bypass an overlay land there, not on the overlay's inode. Read before hashing: a write
	 * during the hash then leaves the entry stale, never a verdict on old bytes filed under
	 * the new version. */
	if (inode->i_sb->s_magic != OVERLAYFS_SUPER_MAGIC) {
		real = inode;
		real_ino = inode->i_ino;
		content_version_btf(real, &ver);
	} else {
		real = BPF_CORE_READ(real_file(file), f_inode);
		real_ino = BPF_CORE_READ(real, i_ino);
		content_version(real, &ver);
	}
	if (can_hash) {
		/* The lsm path: the exec's own mapping, in the exec's new mm. */
		__u64 tid = bpf_get_current_pid_tgid();
		struct vb_exec_memo *em = op == VB_OP_MMAP ?
					  bpf_map_lookup_elem(&exec_memo, &tid) : NULL;

		if (em && em->mm == (__u64)bpf_get_current_task_btf()->mm &&
		    memo_hit(&em->m, file, real, seq, &ver, deny_unknown)) {
			bpf_map_delete_elem(&exec_memo, &tid);	/* once */
			stat_inc(VB_STAT_CACHE_HIT);
			stat_inc(VB_STAT_CHECKED);
			return 0;
		}
	} else {
		s = bpf_task_storage_get(&scratch, bpf_get_current_task_btf(), 0,
					 BPF_LOCAL_STORAGE_GET_F_CREATE);
		if (s && memo_hit(&s->memo, file, real, seq, &ver, deny_unknown)) {
			s->memo.file = 0;	/* once: the exec's own mmap, not what comes later */
			stat_inc(VB_STAT_CACHE_HIT);
			stat_inc(VB_STAT_CHECKED);
			return 0;
		}
	}

	struct vb_dev_ino di = {
		.dev = inode->i_sb->s_dev,
		.ino = inode->i_ino,
	};
	if (bpf_map_lookup_elem(&canary_inodes, &di)) {
		v.op = VB_OP_SELFTEST;
		v.match = VB_MATCH_PATH;
		goto decided;
	}

	struct vb_file_verdict *fv = bpf_map_lookup_elem(&file_verdicts, &di);

	if (!(fv && fv->seq == seq) && real != inode) {
		di.dev = BPF_CORE_READ(real, i_sb, s_dev);
		di.ino = BPF_CORE_READ(real, i_ino);
		fv = bpf_map_lookup_elem(&file_verdicts, &di);
	}
	if (fv && fv->seq == seq) {
		v.rule = fv->rule;
		v.match = VB_MATCH_FILE;
		goto decided;
	}

	struct vb_inode_key ik = { .inode = (__u64)real, .ino = real_ino };
	cv = bpf_map_lookup_elem(&verdict_cache, &ik);
	if (cv && cv->policy_seq == seq && content_same(&cv->ver, &ver)) {
		verified = 1;
		stat_inc(VB_STAT_CACHE_HIT);
		if (digest)
			__builtin_memcpy(digest, cv->sha256, VB_SHA256_LEN);
		if (cv->verdict == VB_VERDICT_BANNED) {
			v.rule = cv->rule;
			v.match = VB_MATCH_HASH;
			/* On the fmod_ret path only the daemon can have hashed it. */
			v.flags = VB_EV_F_CACHED | VB_EV_F_HAS_SHA256 |
				  (cfg->path == VB_PATH_FMOD_RET ? VB_EV_F_DAEMON : 0);
			__builtin_memcpy(v.sha256, cv->sha256, VB_SHA256_LEN);
		}
	} else if (!can_hash && (dv = daemon_verdict(inode, real, seq, &ver))) {
		verified = 1;
		stat_inc(VB_STAT_CACHE_HIT);
		__builtin_memcpy(v.sha256, dv->sha256, VB_SHA256_LEN);
		if (digest)
			__builtin_memcpy(digest, dv->sha256, VB_SHA256_LEN);
		if (dv->verdict == VB_VERDICT_BANNED) {
			v.rule = dv->rule;
			v.match = VB_MATCH_HASH;
			v.flags = VB_EV_F_DAEMON | VB_EV_F_HAS_SHA256;
		}
		/* Kept by inode from now on, with the checks a cache entry gets. */
		cache_store(real, seq, &v, &ver, cfg->tai_offset_ns);
	} else if (can_hash) {
		long alg;

		/* Straight into the verdict: IMA copies min(digest, buffer) bytes, and SHA-256 is
		 * the only algorithm kept (a 64-byte buffer on the stack would not fit beside
		 * everything else judge() holds). */
		alg = bpf_ima_file_hash(file, v.sha256, sizeof(v.sha256));
		/* Hashing sleeps, and reloads go on meanwhile: take the policy snapshot only now,
		 * so that no sleep separates reading seq from the rule lookups below. A slot is
		 * refilled only two reloads after it was active, and nothing from here on sleeps. */
		seq = *(volatile __u64 *)&st->seq;
		slot = seq & 1;
		if (alg == HASH_ALGO_SHA256) {
			struct vb_rule_ref *r;
			void *rules;

			stat_inc(VB_STAT_HASHED);
			verified = 1;
			if (digest)
				__builtin_memcpy(digest, v.sha256, VB_SHA256_LEN);
			v.flags |= VB_EV_F_HAS_SHA256;
			if (bpf_map_lookup_elem(&canary_hashes, v.sha256)) {
				v.op = VB_OP_SELFTEST;
				v.match = VB_MATCH_HASH;
				goto decided;
			}
			rules = bpf_map_lookup_elem(&hash_slots, &slot);
			r = rules ? bpf_map_lookup_elem(rules, v.sha256) : NULL;
			if (r) {
				v.rule = *r;
				v.match = VB_MATCH_HASH;
			}
			cache_store(real, seq, &v, &ver, cfg->tai_offset_ns);
		} else {
			__builtin_memset(v.sha256, 0, sizeof(v.sha256));
			stat_inc(VB_STAT_HASH_ERR);
		}
	} else if (deny_unknown) {
		v.match = VB_MATCH_UNVERIFIED;
		v.rule.mode = VB_MODE_ENFORCE;
		v.rule.rule_idx = VB_RULE_NONE;
	}

	si = bpf_map_lookup_elem(&slot_info, &slot);
	pf = bpf_map_lookup_elem(&path_filter, &slot);
	/* By identity first: the name a caller reached the file by may not be the rule's. */
	if ((v.match == VB_MATCH_NONE || v.match == VB_MATCH_UNVERIFIED) && si && pf &&
	    si->n_path_idents && match_pathid(file, real, pf, seq, &v.rule)) {
		v.match = VB_MATCH_PATH;
		v.flags |= VB_EV_F_PATH_IDENT;
	}
	if (can_path && (v.match == VB_MATCH_NONE || v.match == VB_MATCH_UNVERIFIED) && si &&
	    si->n_path_rules) {
		void *rules = bpf_map_lookup_elem(&path_slots, &slot);

		if (!s)
			s = scratch_get(&held);
		if (s && rules && pf) {
			v.path_len = bpf_d_path((struct path *)&file->f_path, s->path, sizeof(s->path));
			if (v.path_len > 0 && match_path(s, rules, pf, v.path_len, &v.rule))
				v.match = VB_MATCH_PATH;
		} else {
			stat_inc(VB_STAT_PATH_ERR);
		}
	}
	/* No content verdict, and the kernel cannot hash here. */
	if (v.match == VB_MATCH_NONE && !verified && !can_hash && si && !daemon_exe(inode) &&
	    (op == VB_OP_EXEC || (op == VB_OP_MMAP && !daemon_starting()))) {
		if (daemon_judges()) {
			/* The daemon judges, but fanotify will not ask it: an exec from a
			 * filesystem (or memfd) it does not watch yet, or the mapping of a file
			 * opened there. Refused (EACCES), never run unjudged; the record tells
			 * the daemon to watch it. Files never opened (a memfd mapped through the
			 * descriptor memfd_create gave) are anonymous memory, as on the lsm
			 * path's limits. */
			if (si->n_hash_rules && (op == VB_OP_EXEC ?
			    !fan_watched(inode, FS_OPEN_EXEC_PERM) : file_unobserved(file))) {
				v.match = VB_MATCH_UNVERIFIED;
				v.rule.mode = VB_MODE_ENFORCE;
				v.rule.rule_idx = VB_RULE_NONE;
			}
		} else if (si->deny_unjudged_exec) {
			/* No daemon judges: refused under option unjudged-exec deny (a
			 * library's mapping is code run as much as an exec is); */
			v.match = VB_MATCH_UNVERIFIED;
			v.rule.mode = VB_MODE_ENFORCE;
			v.rule.rule_idx = VB_RULE_NONE;
		} else if (op == VB_OP_EXEC && unjudged_first(real, &ver)) {
			/* else it runs, and the next daemon hashes it (the record says it ran)
			 * and watches its filesystem. A library maps unrecorded: this hook
			 * cannot name the file for the next daemon to open. */
			v.flags |= VB_EV_F_UNJUDGED;
			v.rule.rule_idx = VB_RULE_NONE;
		}
	}
	stat_inc(VB_STAT_CHECKED);
	if (v.match == VB_MATCH_NONE) {
		if (v.flags & VB_EV_F_UNJUDGED) {
			if (can_path && s && !v.path_len)
				v.path_len = bpf_d_path((struct path *)&file->f_path, s->path,
							sizeof(s->path));
			emit(file, inode, &v, s, seq, 0, NULL, NULL);
		}
		scratch_put(held);
		if (can_hash) {
			if (exec_mm) {
				__u64 tid = bpf_get_current_pid_tgid();
				struct vb_exec_memo em = { .mm = (__u64)exec_mm };

				memo_store(&em.m, file, real, seq, &ver, verified);
				bpf_map_update_elem(&exec_memo, &tid, &em, BPF_ANY);
			}
		} else if (s) {
			memo_store(&s->memo, file, real, seq, &ver, verified);
		}
		return 0;
	}

decided:
	/* The canaries the daemon installs with each policy (status proves the policy in force
	 * by running them): refused like a denial, never logged as one. */
	if (v.rule.rule_idx == VB_RULE_CANARY)
		v.op = VB_OP_SELFTEST;
	if (v.op == VB_OP_SELFTEST) {
		v.rule.mode = VB_MODE_ENFORCE;
		v.rule.rule_idx = VB_RULE_NONE;
	}
	if (can_path && !v.path_len) {
		if (!s)
			s = bpf_task_storage_get(&scratch, bpf_get_current_task_btf(), 0,
						 BPF_LOCAL_STORAGE_GET_F_CREATE);
		if (s)
			v.path_len = bpf_d_path((struct path *)&file->f_path, s->path, sizeof(s->path));
	}
	if (v.rule.mode == VB_MODE_ENFORCE) {
		ret = v.match == VB_MATCH_UNVERIFIED ? -EACCES : -EPERM;
		if (v.op != VB_OP_SELFTEST)
			stat_inc(VB_STAT_DENIED);
	} else {
		ret = 0;
		stat_inc(VB_STAT_AUDITED);
	}
	emit(file, inode, &v, s, seq, ret, NULL, NULL);
	scratch_put(held);
	return ret;
}

static __always_inline int judge(struct file *file, __u8 op, bool can_hash, bool can_path,
				 int deny_unknown, __u8 *digest)
{
	return judge_in(file, op, can_hash, can_path, deny_unknown, digest, NULL);
}

static __always_inline int judge_mprotect(struct vm_area_struct *vma, unsigned long prot,
					  bool can_path)
{
	struct vb_settings *cfg;
	__u32 zero = 0;

	/* Only a file mapping that gains PROT_EXEC: one mapped executable was judged by mmap. */
	if (!(prot & PROT_EXEC) || (BPF_CORE_READ(vma, vm_flags) & VM_EXEC))
		return 0;
	cfg = bpf_map_lookup_elem(&settings, &zero);
	if (!cfg)
		return 0;
	/* Not sleepable (mmap_lock is held): a cached verdict, or none. */
	return judge(vma->vm_file, VB_OP_MPROTECT, false, can_path,
		     cfg->mprotect_unverified_deny, NULL);
}

/* A shared writable mapping can change the file under its verdict; only PROT_EXEC is judged. */
static __always_inline int judge_mmap(struct file *file, unsigned long prot, unsigned long flags,
				      bool can_hash, bool can_path)
{
	if (!file)
		return 0;
	if ((flags & MAP_SHARED) && (prot & PROT_WRITE))
		cache_drop_file(file);
	if (!(prot & PROT_EXEC))
		return 0;
	return judge(file, VB_OP_MMAP, can_hash, can_path, 0, NULL);
}

/* A buffer is compressed when 6.12's finit_module(MODULE_INIT_COMPRESSED_FILE) passes the
 * file's bytes: gzip, xz or zstd magic. */
static __always_inline bool module_compressed(const char *buf, __u64 size)
{
	__u8 m[4];

	if (size < 4 || bpf_probe_read_kernel(m, sizeof(m), buf))
		return false;
	return (m[0] == 0x1f && m[1] == 0x8b) || (m[0] == 0xfd && m[1] == '7' && m[2] == 'z') ||
	       (m[0] == 0x28 && m[1] == 0xb5 && m[2] == 0x2f && m[3] == 0xfd);
}

/*
 * A module's bytes, from finit_module (file set) or init_module (file NULL): judged by its
 * name and by the signer its appended signature names, against the active policy slot.
 */
/* fmod_ret: the kernel cannot hash the compressed file, but it can tell it is the very file,
 * unchanged, that the daemon read and vetted for this policy (vetted_files). */
static __always_inline bool vetted_as_is(struct file *file, __u64 seq)
{
	struct inode *inode = BPF_CORE_READ(file, f_inode);
	struct vb_dev_ino di = {
		.dev = BPF_CORE_READ(inode, i_sb, s_dev),
		.ino = BPF_CORE_READ(inode, i_ino),
	};
	struct vb_vetted_file *vf = bpf_map_lookup_elem(&vetted_files, &di);
	struct vb_content_ver ver;

	if (!vf || vf->seq[seq & 1] != seq)
		return false;
	content_version(inode, &ver);
	return vf->size == ver.size && vf->ctime_sec == ver.ctime_sec &&
	       vf->ctime_nsec == ver.ctime_nsec && vf->mtime_sec == ver.mtime_sec &&
	       vf->mtime_nsec == ver.mtime_nsec;
}

static __always_inline int judge_module_buf(struct file *file, const char *buf, __u64 size,
					    __u8 load)
{
	struct vb_module_info mi = { .load = load };
	struct verdict v = { .op = VB_OP_MODULE };
	struct vb_modscratch *ms;
	struct vb_policy_state *st;
	struct vb_settings *cfg;
	struct vb_slot_info *si;
	struct vb_rule_ref *r;
	const char *mod_path = NULL;
	__u32 zero = 0, slot;
	bool is_signed, compressed;
	void *rules;
	__u64 seq;
	int ret;

	cfg = bpf_map_lookup_elem(&settings, &zero);
	st = bpf_map_lookup_elem(&policy_state, &zero);
	if (!cfg || !st || !cfg->enabled || !buf)
		return 0;
	seq = *(volatile __u64 *)&st->seq;
	slot = seq & 1;
	si = bpf_map_lookup_elem(&slot_info, &slot);
	ms = bpf_task_storage_get(&modscratch, bpf_get_current_task_btf(), 0,
				  BPF_LOCAL_STORAGE_GET_F_CREATE);
	if (!si || !ms) {
		stat_inc(VB_STAT_PATH_ERR);
		return 0;
	}
	is_signed = !module_signer(buf, size, ms, &mi);
	module_name(buf, size, ms, &mi);

	/* What the scanner identified this file as (on the lsm path kernel_read_file already
	 * judged it; on fmod_ret this is the first look, and the event gets the buffer's name
	 * and signer with it). */
	if (file) {
		struct inode *inode = BPF_CORE_READ(file, f_inode);
		struct vb_dev_ino di = {
			.dev = BPF_CORE_READ(inode, i_sb, s_dev),
			.ino = BPF_CORE_READ(inode, i_ino),
		};
		struct vb_file_verdict *fv = bpf_map_lookup_elem(&file_verdicts, &di);

		if (fv && fv->seq == seq) {
			v.rule = fv->rule;
			v.match = VB_MATCH_FILE;
		}
	}
	rules = bpf_map_lookup_elem(&module_slots, &slot);
	r = rules && mi.name[0] && !v.match ? bpf_map_lookup_elem(rules, mi.name) : NULL;
	/* Under another name in .modinfo: the name modprobe and the kernel's blacklist see. */
	if (!r && rules && ms->modinfo_name[0] && !v.match)
		r = bpf_map_lookup_elem(rules, ms->modinfo_name);
	if (r) {
		v.rule = *r;
		v.match = VB_MATCH_MODULE_NAME;
	}
	rules = bpf_map_lookup_elem(&signer_slots, &slot);
	r = rules && is_signed && !v.match ? bpf_map_lookup_elem(rules, &mi.signer) : NULL;
	if (r) {
		v.rule = *r;
		v.match = VB_MATCH_SIGNER;
	}
	compressed = module_compressed(buf, size);
	if (!v.match && !is_signed && si->deny_unsigned_modules && !compressed) {
		v.match = VB_MATCH_UNSIGNED;
		v.rule.mode = VB_MODE_ENFORCE;
		v.rule.rule_idx = VB_RULE_NONE;
	}
	/* 6.12's MODULE_INIT_COMPRESSED_FILE decompresses after every hook: the signer and the
	 * names are out of sight here. Where the policy judges modules by them, a compressed
	 * module passes only if the daemon read the one inside and vetted this very file (its
	 * hash, taken by kernel_read_file; the fmod_ret path cannot hash, so never there).
	 * kmod and busybox insmod load compressed modules from a buffer they decompressed, which
	 * the kernel reads in full, so normal loading does not come this way. */
	if (!v.match && compressed && file &&
	    (si->n_signer_keys || si->n_module_names || si->deny_unsigned_modules) &&
	    ms->vetted_file != (__u64)file && !vetted_as_is(file, seq)) {
		v.match = VB_MATCH_COMPRESSED;
		v.rule.mode = VB_MODE_ENFORCE;
		v.rule.rule_idx = VB_RULE_NONE;
	}
	stat_inc(VB_STAT_CHECKED);
	if (!v.match)
		return 0;
	if (v.rule.mode == VB_MODE_ENFORCE) {
		ret = -EPERM;
		stat_inc(VB_STAT_DENIED);
	} else {
		ret = 0;
		stat_inc(VB_STAT_AUDITED);
	}
	if (file && ms->file == (__u64)file)
		mod_path = ms->path;
	emit(file, file ? BPF_CORE_READ(file, f_inode) : NULL, &v, NULL, seq, ret, &mi, mod_path);
	return ret;
}

/* init_module(2): a buffer from user space, no file behind it. */
static __always_inline int judge_module_load_data(void)
{
	struct verdict v = { .op = VB_OP_MODULE, .match = VB_MATCH_BUFFER_LOAD };
	struct vb_module_info mi = { .load = 2 };
	struct vb_policy_state *st;
	struct vb_settings *cfg;
	struct vb_slot_info *si;
	__u32 zero = 0, slot;
	__u64 seq;

	cfg = bpf_map_lookup_elem(&settings, &zero);
	st = bpf_map_lookup_elem(&policy_state, &zero);
	if (!cfg || !st || !cfg->enabled)
		return 0;
	seq = *(volatile __u64 *)&st->seq;
	slot = seq & 1;
	si = bpf_map_lookup_elem(&slot_info, &slot);
	if (!si || !si->deny_init_module)
		return 0;
	v.rule.mode = VB_MODE_ENFORCE;
	v.rule.rule_idx = VB_RULE_NONE;
	stat_inc(VB_STAT_DENIED);
	emit(NULL, NULL, &v, NULL, seq, -EPERM, &mi, NULL);
	return -EPERM;
}

/* Only module reads are ours: firmware, kexec images and policies pass untouched. */
static __always_inline bool reading_module(enum kernel_read_file_id id)
{
	return id == bpf_core_enum_value(enum kernel_read_file_id, READING_MODULE);
}

static __always_inline bool loading_module(enum kernel_load_data_id id)
{
	return id == bpf_core_enum_value(enum kernel_load_data_id, LOADING_MODULE);
}

static __always_inline void file_gone(struct inode *inode)
{
	struct super_block *sb = inode->i_sb;

	/* The key is the inode's address: it must not outlive the inode. Only cache_store()
	 * makes entries, and only for an inode whose filesystem keeps verdicts (content_
	 * cacheable()): nearly every inode an exec frees has none to drop. The hook's own
	 * argument is read directly, without a helper call per field. */
	if (!sb || sb_cacheable(sb->s_magic, sb->s_dev))
		cache_drop(inode);
	pathid_drop(inode);
	/* A deleted file's (dev, ino) will name another file; an inode merely evicted from
	 * memory keeps its verdict. */
	if (!inode->i_nlink) {
		struct vb_dev_ino di = {
			.dev = BPF_CORE_READ(inode, i_sb, s_dev),
			.ino = BPF_CORE_READ(inode, i_ino),
		};

		bpf_map_delete_elem(&file_verdicts, &di);
		bpf_map_delete_elem(&content_verdicts, &di);
	}
}

static __always_inline void invalidate_file_write(struct file *file)
{
	if (BPF_CORE_READ(file, f_mode) & FMODE_WRITE)
		cache_drop_file(file);
}

/* ---- The hooks: each one's BPF LSM program and its fmod_ret twin, side by side --------- */

/*
 * One body and two thin entry points per hook, as Tetragon's bpf_enforcer.c does: the BPF LSM
 * program (vb_lsm_NAME) and its twin on the security_* function that calls the hook
 * (vb_fr_NAME), for kernels booted without bpf in lsm=, where LSM programs attach without an
 * error and never run. The daemon loads one set or the other, by program type
 * (user/kernel/attach.c).
 *
 * Both entry points see the same arguments, with the verdict so far as a last `int ret` where
 * the function returns one; `lsm` is a constant in each, so a body may differ by path and the
 * branch it does not take is not in that program. This is BPF_PROG() with one body for two
 * programs: ___bpf_ctx_cast() is how BPF_PROG() itself turns the context into the arguments.
 */
#define VB_HOOK(name, lsm_sec, fr_sec, args...)					\
static __always_inline int ____vb_##name(const bool lsm, unsigned long long *ctx, ##args); \
static __always_inline int __vb_##name(const bool lsm, unsigned long long *ctx)	\
{										\
	_Pragma("GCC diagnostic push")						\
	_Pragma("GCC diagnostic ignored \"-Wint-conversion\"")			\
	return ____vb_##name(lsm, ___bpf_ctx_cast(args));			\
	_Pragma("GCC diagnostic pop")						\
}										\
SEC(lsm_sec) int vb_lsm_##name(unsigned long long *ctx)			\
{										\
	return __vb_##name(true, ctx);						\
}										\
SEC(fr_sec) int vb_fr_##name(unsigned long long *ctx)				\
{										\
	return __vb_##name(false, ctx);						\
}										\
static __always_inline int ____vb_##name(const bool lsm, unsigned long long *ctx, ##args)

/*
 * exec: bprm_check_security is sleepable, so the LSM path hashes the content there. Its
 * fmod_ret twin is security_file_open below: open_exec() passes through it for the program and
 * for a script's interpreter, and bpf_d_path is allowed in it, unlike in security_bprm_check.
 */
SEC("lsm.s/bprm_check_security")
int BPF_PROG(vb_lsm_bprm_check, struct linux_binprm *bprm, int ret)
{
	if (ret)
		return ret;
	return judge_in(bprm->file, VB_OP_EXEC, true, true, 0, NULL, bprm->mm);
}

VB_HOOK(file_open, "lsm/file_open", "fmod_ret/security_file_open", struct file *file, int ret)
{
	invalidate_file_write(file);
	if (ret || lsm)
		return ret;
	note_open(file);
	if (!(BPF_CORE_READ(file, f_flags) & __FMODE_EXEC))
		return 0;
	return judge(file, VB_OP_EXEC, false, true, 0, NULL);
}

/*
 * fmod_ret: exec judged its program at security_file_open (and the daemon, through fanotify,
 * just after), but exec holds writers off only later (deny_write_access), so the bytes could
 * change in between. By bprm_check they cannot: the content must still show the version the
 * open was judged at (the task's memo), or the exec is refused (EACCES), never run on bytes
 * no one judged. (On the lsm path the hash is taken here, after the freeze.)
 */
SEC("fmod_ret/security_bprm_check")
int BPF_PROG(vb_fr_bprm_check, struct linux_binprm *bprm, int ret)
{
	struct file *file = bprm->file;
	struct vb_content_ver now;
	struct vb_settings *cfg;
	struct vb_scratch *s;
	struct inode *real;
	__u32 zero = 0;

	if (ret)
		return ret;
	cfg = bpf_map_lookup_elem(&settings, &zero);
	s = bpf_task_storage_get(&scratch, bpf_get_current_task_btf(), 0, 0);
	if (!cfg || !cfg->enabled || !s || s->memo.file != (__u64)file)
		return 0;
	real = BPF_CORE_READ(real_file(file), f_inode);
	content_version(real, &now);
	if (s->memo.inode == (__u64)real && content_same(&s->memo.ver, &now))
		return 0;
	struct verdict v = {
		.op = VB_OP_EXEC,
		.match = VB_MATCH_UNVERIFIED,
		.rule = { .rule_idx = VB_RULE_NONE, .mode = VB_MODE_ENFORCE },
	};

	s->memo.file = 0;
	stat_inc(VB_STAT_DENIED);
	emit(file, BPF_CORE_READ(file, f_inode), &v, NULL, s->memo.seq, -EACCES, NULL, NULL);
	return -EACCES;
}

/* The hook has reqprot before prot, the function does not: two argument lists, one body. */
SEC("lsm.s/mmap_file")
int BPF_PROG(vb_lsm_mmap_file, struct file *file, unsigned long reqprot, unsigned long prot,
	     unsigned long flags, int ret)
{
	if (ret)
		return ret;
	return judge_mmap(file, prot, flags, true, true);
}

SEC("fmod_ret/security_mmap_file")
int BPF_PROG(vb_fr_mmap_file, struct file *file, unsigned long prot, unsigned long flags,
	     int ret)
{
	if (ret)
		return ret;
	return judge_mmap(file, prot, flags, false, false);
}

VB_HOOK(file_mprotect, "lsm/file_mprotect", "fmod_ret/security_file_mprotect",
	struct vm_area_struct *vma, unsigned long reqprot, unsigned long prot, int ret)
{
	if (ret)
		return ret;
	return judge_mprotect(vma, prot, false);
}

/* ---- fmod_ret path: what the daemon's fanotify must watch before anything runs from it -- */

/* A struct file freed: whatever unobserved_files said of it is about no file any more. */
SEC("fentry/security_file_free")
int BPF_PROG(vb_fr_file_free, struct file *file)
{
	struct vb_fan_state *st = fan_state_get();
	__u64 key = (__u64)file;

	if (st && st->unobserved_ever)
		bpf_map_delete_elem(&unobserved_files, &key);
	return 0;
}

/* A superblock shut down: its address may come back as another's. */
SEC("fentry/generic_shutdown_super")
int BPF_PROG(vb_fr_sb_shutdown, struct super_block *sb)
{
	struct vb_fan_state *st = fan_state_get();
	__u64 key = (__u64)sb;

	if (st && st->unobserved_ever)
		bpf_map_delete_elem(&unobserved_sbs, &key);
	return 0;
}

/* The daemon's fanotify group, learnt as it marks: fan_watched() asks for its marks, not any
 * group's. A daemon that takes over has a new group, and says so with its first mark. Its
 * inotify watches (the policy file, the pins) are marks too, of groups that cannot judge:
 * only a group of a permission class (priority above plain notification) is the one. */
struct fsnotify_group___v61 {		/* 6.1: an unsigned int; later an enum */
	unsigned int priority;
} __attribute__((preserve_access_index));

SEC("fentry/fsnotify_add_mark_locked")
int BPF_PROG(vb_fr_fan_mark, struct fsnotify_mark *mark)
{
	struct vb_fan_state *st = fan_state_get();
	struct fsnotify_group *group;
	unsigned int prio;

	if (!st || !in_daemon())
		return 0;
	group = BPF_CORE_READ(mark, group);
	if (bpf_core_field_exists(((struct fsnotify_group___v61 *)0)->priority))
		prio = BPF_CORE_READ((struct fsnotify_group___v61 *)group, priority);
	else
		prio = BPF_CORE_READ(group, priority);
	if (prio > 0)
		st->group = (__u64)group;
	return 0;
}

/* Not a denial: a filesystem or memfd made while a daemon judges content, for it to watch
 * (user/daemon/content.c). Until it does, judge() refuses an exec from it with EACCES. */
static __always_inline void emit_watch(struct inode *inode, __u32 what)
{
	struct task_struct *task = bpf_get_current_task_btf();
	struct vb_event *e;

	/* Half the ring buffer stays for denials: a flood of memfds must not push their records
	 * out. An unsent one is simply not watched, so an exec from it is refused: no loss. */
	if (bpf_ringbuf_query(&events, BPF_RB_AVAIL_DATA) > VB_RINGBUF_SIZE / 2)
		return;
	e = bpf_ringbuf_reserve(&events, sizeof(*e), 0);
	if (!e)
		return;
	e->ktime_ns = bpf_ktime_get_boot_ns();
	e->policy_seq = 0;
	e->ret = 0;
	e->match = 0;
	e->mode = 0;
	e->flags = 0;
	__builtin_memset(e->sha256, 0, sizeof(e->sha256));
	__builtin_memset(&e->module, 0, sizeof(e->module));
	e->pcomm[0] = 0;
	e->path[0] = 0;
	e->pid = bpf_get_current_pid_tgid() >> 32;
	e->tid = (__u32)bpf_get_current_pid_tgid();
	e->ppid = BPF_CORE_READ(task, real_parent, tgid);
	e->uid = (__u32)bpf_get_current_uid_gid();
	e->dev = BPF_CORE_READ(inode, i_sb, s_dev);
	e->ino = BPF_CORE_READ(inode, i_ino);
	e->rule_idx = what;
	e->op = VB_OP_WATCH;
	bpf_get_current_comm(e->comm, sizeof(e->comm));
	bpf_ringbuf_submit(e, 0);
}

/* A superblock made for a mount (mount(2), fsconfig): in a namespace of a user's own, the
 * daemon would not otherwise see it. One already watched (a second mount of the same device)
 * and the kernel's internal ones (no mount of a user can show them) need nothing. */
SEC("fexit/vfs_get_tree")
int BPF_PROG(vb_fr_watch_tree, struct fs_context *fc, int ret)
{
	struct inode *root;

	if (ret || !daemon_judges())
		return 0;
	root = BPF_CORE_READ(fc, root, d_inode);
	if (!root || (BPF_CORE_READ(root, i_sb, s_flags) & SB_NOUSER) ||
	    fan_watched(root, FS_OPEN_EXEC_PERM))
		return 0;
	emit_watch(root, VB_WATCH_FS);
	return 0;
}

/* The file at one of the current task's descriptors, or NULL. Another thread sharing the table
 * may change it right after: callers decide nothing a swap could turn (guard.bpf.h says why). */
static __always_inline struct file *current_fd_file(long fd)
{
	struct task_struct *task = bpf_get_current_task_btf();
	struct file **fds, *file = NULL;
	unsigned int max;

	fds = BPF_CORE_READ(task, files, fdt, fd);
	max = BPF_CORE_READ(task, files, fdt, max_fds);
	if (fd < 0 || (unsigned long)fd >= max ||
	    bpf_probe_read_kernel(&file, sizeof(file), fds + fd))
		return NULL;
	return file;
}

/* A memfd lives on the kernel's internal tmpfs, which fanotify marks only file by file. */
SEC("fexit/__x64_sys_memfd_create")
int BPF_PROG(vb_fr_watch_memfd, struct pt_regs *regs, long ret)
{
	struct file *file;

	if (ret < 0 || !daemon_judges())
		return 0;
	file = current_fd_file(ret);
	if (file)
		emit_watch(BPF_CORE_READ(file, f_inode), (__u32)ret);
	return 0;
}

/* The cache invalidations below decide nothing: they hand on the verdict they were given (an
 * LSM program's return is the hook's; an fmod_ret program's 0 lets the function run). */
VB_HOOK(path_truncate, "lsm/path_truncate", "fmod_ret/security_path_truncate",
	struct path *path, int ret)
{
	cache_drop(BPF_CORE_READ(path, dentry, d_inode));
	return ret;
}

/* inode_setattr gained a leading idmap argument (security_inode_setattr in 6.3, the LSM hook
 * later: 6.1 has neither, 6.12 both); the daemon loads the one that fits each. */
VB_HOOK(inode_setattr, "lsm/inode_setattr", "fmod_ret/security_inode_setattr",
	struct dentry *dentry, struct iattr *attr, int ret)
{
	cache_drop(BPF_CORE_READ(dentry, d_inode));
	return ret;
}

VB_HOOK(inode_setattr_idmap, "lsm/inode_setattr", "fmod_ret/security_inode_setattr",
	void *idmap, struct dentry *dentry, struct iattr *attr, int ret)
{
	cache_drop(BPF_CORE_READ(dentry, d_inode));
	return ret;
}

/* Both return void: no verdict to hand on, and fentry on the function (fmod_ret needs an int
 * return). */
VB_HOOK(inode_free, "lsm/inode_free_security", "fentry/security_inode_free", struct inode *inode)
{
	file_gone(inode);
	return 0;
}

/* finit_module(2), before the read: the file's hash, path and scanner verdict. Sleepable, so
 * it can hash; it also keeps the full path for the buffer check that follows. No fmod_ret
 * twin: not sleepable and no bpf_d_path in security_kernel_read_file, it could only look up
 * the scanner's verdict, which post_read_file does with the module's name and signer in hand. */
SEC("lsm.s/kernel_read_file")
int BPF_PROG(vb_lsm_kernel_read_file, struct file *file, enum kernel_read_file_id id,
	     bool contents, int ret)
{
	struct vb_modscratch *ms;
	struct vb_vetted_val *vv;
	struct vb_policy_state *st;
	__u32 zero = 0;

	if (ret || !reading_module(id))
		return ret;
	ms = bpf_task_storage_get(&modscratch, bpf_get_current_task_btf(), 0,
				  BPF_LOCAL_STORAGE_GET_F_CREATE);
	if (!ms)
		return judge(file, VB_OP_MODULE, true, true, 0, NULL);
	ms->file = 0;
	ms->vetted_file = 0;
	__builtin_memset(ms->sha256, 0, sizeof(ms->sha256));
	ret = judge(file, VB_OP_MODULE, true, true, 0, ms->sha256);
	if (ret)
		return ret;
	ms->file = (__u64)file;
	if (bpf_d_path((struct path *)&file->f_path, ms->path, sizeof(ms->path)) <= 0)
		ms->file = 0;
	/* The file the kernel is about to read and, if compressed, decompress after every hook:
	 * its hash says whether the daemon read the module inside and found it clean. The kernel
	 * holds write access off the file until the read is done (kernel_read_file). */
	st = bpf_map_lookup_elem(&policy_state, &zero);
	vv = bpf_map_lookup_elem(&vetted_modules, ms->sha256);
	if (st && vv) {
		__u64 seq = *(volatile __u64 *)&st->seq;

		if (vv->seq[seq & 1] == seq)
			ms->vetted_file = (__u64)file;
	}
	return 0;
}

VB_HOOK(kernel_post_read_file, "lsm/kernel_post_read_file",
	"fmod_ret/security_kernel_post_read_file", struct file *file, char *buf, loff_t size,
	enum kernel_read_file_id id, int ret)
{
	if (ret || !reading_module(id))
		return ret;
	return judge_module_buf(file, buf, size, 1);
}

VB_HOOK(kernel_load_data, "lsm/kernel_load_data", "fmod_ret/security_kernel_load_data",
	enum kernel_load_data_id id, bool contents, int ret)
{
	if (ret || !loading_module(id))
		return ret;
	return judge_module_load_data();
}

VB_HOOK(kernel_post_load_data, "lsm/kernel_post_load_data",
	"fmod_ret/security_kernel_post_load_data", char *buf, loff_t size,
	enum kernel_load_data_id id, char *description, int ret)
{
	if (ret || !loading_module(id))
		return ret;
	return judge_module_buf(NULL, buf, size, 2);
}

#include "guard.bpf.h"
