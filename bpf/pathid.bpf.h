/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Path rules by identity. bpf_d_path() names a file as the caller sees it: through a bind mount,
 * in a private mount namespace or under chroot, a banned directory has another name. Its dentry
 * is the same, so the daemon opens each rule's directory (and every filesystem mounted beneath
 * it), an iterator over the daemon's own open files turns each into its inode's key, and a hook
 * walks a file's dentry ancestors looking for one. Included by vendorban.bpf.c.
 */
#ifndef VB_PATHID_BPF_H
#define VB_PATHID_BPF_H

/* Inode (as in the verdict cache) -> the rule that names it, per policy slot: the daemon fills
 * the idle slot's half before it flips, so a hook sees the identities of the policy it reads. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, VB_MAX_PATH_IDENTS);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, struct vb_inode_key);
	__type(value, struct vb_pathid_val);
} path_idents SEC(".maps");

/* The daemon's open fds to register, set just before it runs the iterator. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, VB_MAX_PATH_IDENTS);
	__type(key, __u32);
	__type(value, struct vb_pathid_pending);
} pathid_pending SEC(".maps");

static __always_inline int guard_register_fd(const struct vb_pathid_pending *p, struct file *file);

/* Of an inode's address as a number: the verifier allows no arithmetic on a kernel pointer
 * the hook was handed, so callers pass one read with bpf_probe_read_kernel. */
static __always_inline __u32 inode_filter_hash(__u64 inode)
{
	return vb_filter_mix(vb_inode_hash(inode));
}

/* Runs only when the daemon reads an iterator link made of it: over every task's files, it
 * keeps the ones the daemon named in pathid_pending, in the daemon's own process. */
SEC("iter/task_file")
int vb_iter_pathids(struct bpf_iter__task_file *ctx)
{
	struct task_struct *task = ctx->task;
	struct file *file = ctx->file;
	struct vb_pathid_pending *p;
	struct vb_path_filter *f;
	struct vb_pathid_val *val;
	struct vb_inode_key key;
	struct inode *inode;
	__u32 fd = ctx->fd, slot;

	if (!task || !file)
		return 0;
	if (!guard_iter_reader_ok())
		return 1;
	p = bpf_map_lookup_elem(&pathid_pending, &fd);
	if (!p || p->tgid != task->tgid)
		return 0;
	/* The same way in for the inodes the guard protects (guard.bpf.h). */
	if (p->kind != VB_FD_PATH_RULE) {
		p->registered = guard_register_fd(p, file);
		return 0;
	}
	inode = file->f_inode;
	if (!inode)
		return 0;
	/* The slot's filter first: a walk looks up only the inodes it names (the daemon cleared
	 * it when it began filling this slot). */
	slot = p->seq & 1;
	f = bpf_map_lookup_elem(&path_filter, &slot);
	if (!f)
		return 0;
	vb_filter_add(f->ident, inode_filter_hash((__u64)BPF_CORE_READ(file, f_inode)));
	key.inode = (__u64)inode;
	key.ino = inode->i_ino;
	slot = p->seq & 1;
	val = bpf_map_lookup_elem(&path_idents, &key);
	if (val) {
		val->rule[slot] = p->rule;
		val->seq[slot] = p->seq;
	} else {
		struct vb_pathid_val nv = {};

		nv.rule[slot] = p->rule;
		nv.seq[slot] = p->seq;
		if (bpf_map_update_elem(&path_idents, &key, &nv, BPF_NOEXIST))
			return 0;
	}
	p->registered = 1;
	return 0;
}

struct pathid_walk {
	struct dentry *d;
	const __u64 *bits;	/* the slot's ident filter */
	__u64 seq;
	struct vb_rule_ref *out;
	int hit;
};

/* Only an inode the slot's filter names is looked up: most ancestors cost a hash and two bits. */
static long pathid_step(__u32 i, struct pathid_walk *w)
{
	/* A local copy: inside BPF_CORE_READ, w->d would be relocated as a kernel type. */
	struct dentry *d = w->d, *parent;
	struct inode *inode = BPF_CORE_READ(d, d_inode);
	struct vb_pathid_val *v;
	__u32 slot = w->seq & 1;

	if (inode && vb_filter_has(w->bits, inode_filter_hash((__u64)inode))) {
		struct vb_inode_key k = { .inode = (__u64)inode, .ino = BPF_CORE_READ(inode, i_ino) };

		v = bpf_map_lookup_elem(&path_idents, &k);
		if (v && slot < 2 && v->seq[slot] == w->seq) {
			*w->out = v->rule[slot];
			w->hit = 1;
			return 1;
		}
	}
	parent = BPF_CORE_READ(d, d_parent);
	if (!parent || parent == d)
		return 1;	/* the root of this filesystem */
	w->d = parent;
	return 0;
}

static __always_inline int pathid_walk(struct dentry *d, const struct vb_path_filter *f,
				       __u64 seq, struct vb_rule_ref *out)
{
	struct pathid_walk w = { .d = d, .bits = f->ident, .seq = seq, .out = out };

	if (!d)
		return 0;
	bpf_loop(VB_PATHID_DEPTH, pathid_step, &w, 0);
	return w.hit;
}

/* Any dentry of an inode: for an overlayfs file, its backing inode's own place in the lower or
 * upper filesystem, which a banned directory there contains whatever the overlay is called. */
static __always_inline struct dentry *inode_alias(struct inode *inode)
{
	struct hlist_node *first = BPF_CORE_READ(inode, i_dentry.first);

	if (!first)
		return NULL;
	return (void *)first - bpf_core_field_offset(struct dentry, d_u.d_alias);
}

/* Is file, or a directory above it, named by a path rule of the policy loaded as seq? */
static __always_inline int match_pathid(struct file *file, struct inode *real,
					const struct vb_path_filter *f, __u64 seq,
					struct vb_rule_ref *out)
{
	struct dentry *d = BPF_CORE_READ(file, f_path.dentry);

	if (pathid_walk(d, f, seq, out))
		return 1;
	if (real && real != BPF_CORE_READ(d, d_inode))
		return pathid_walk(inode_alias(real), f, seq, out);
	return 0;
}

/* An inode freed: its key must not outlive it. Every inode in path_idents has its bits in the
 * filter of the slot it was registered for, until the daemon refills that slot, and it prunes
 * the entries of older policies then: an inode in neither filter has no entry to drop. */
static __always_inline void pathid_drop(struct inode *inode)
{
	struct vb_path_filter *f0, *f1;
	struct vb_inode_key k;
	__u32 h, s0 = 0, s1 = 1;
	__u64 addr;

	f0 = bpf_map_lookup_elem(&path_filter, &s0);
	f1 = bpf_map_lookup_elem(&path_filter, &s1);
	if (f0 && f1 && !bpf_probe_read_kernel(&addr, sizeof(addr), &inode)) {
		h = inode_filter_hash(addr);
		if (!vb_filter_has(f0->ident, h) && !vb_filter_has(f1->ident, h))
			return;
	}
	k.inode = (__u64)inode;
	k.ino = BPF_CORE_READ(inode, i_ino);
	bpf_map_delete_elem(&path_idents, &k);
}

#endif /* VB_PATHID_BPF_H */
