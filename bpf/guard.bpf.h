/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Self-protection: root may not lift the ban silently. Included by vendorban.bpf.c after every
 * map and after VB_HOOK, so it can name all the maps and emit both paths' entry points.
 *
 * Who may change vendorban: the daemon, known by a task-local mark it sets on itself with a
 * pidfd when it loads or takes over (guard_mark); the kernel forgets the mark when that task is
 * freed (task_free). While no marked daemon lives, a process running the registered vendorband
 * executable (dev, ino, i_generation, learnt by the iterator from the daemon's O_PATH fd of
 * /proc/self/exe) may take over: that is how systemd restarts it and how `vendorband --disable`
 * stops enforcing on purpose. PID 1 of the initial pid namespace may signal the daemon to stop.
 *
 * What this does not stop, and how it still shows:
 *  - root stopping the daemon through PID 1 (systemctl stop), then running the registered
 *    executable with LD_PRELOAD, /etc/ld.so.preload, a debugger attached from the start, or a
 *    rewritten copy of its file in place: the guard sees vendorband's inode, not its code. The
 *    daemon writes its stop into the chained log first, so the gap is on record.
 *  - anything that changes kernel memory (a module, kexec, /dev/mem where allowed), a raw write
 *    to the block device under a mounted filesystem, and bpf_override_return on the hooks'
 *    callers where CONFIG_BPF_KPROBE_OVERRIDE is set.
 *
 * Both paths run every hook here: LSM programs where bpf is in lsm=, fmod_ret on the security_*
 * functions (all return int) and fentry on security_task_free (void) where it is not.
 */
#ifndef VB_GUARD_BPF_H
#define VB_GUARD_BPF_H

#define MAY_WRITE		0x2
#define PTRACE_MODE_ATTACH	0x2
#define SIGHUP			1
#define SIGUSR1			10
#define SIGCHLD			17
#define SIGCONT			18
#define SIGURG			23
#define SIGWINCH		28
#define VB_GUARD_MAX_PROG_MAPS	64	/* maps of a program being loaded that are looked at */
/* The address of a kernel string field, relocated like BPF_CORE_READ (which would copy it). */
#define FIELD_PTR(p, f)		((const char *)__builtin_preserve_access_index(&(p)->f))

/* The guard map itself is declared in vendorban.bpf.c: judge() asks it whether a daemon lives. */
struct {
	__uint(type, BPF_MAP_TYPE_TASK_STORAGE);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, int);
	__type(value, struct vb_guard_mark);
} guard_mark SEC(".maps");

/*
 * All of them, the slot maps included: a writable fd to any is the power to change a verdict,
 * the log (events' consumer position, settings.last_logged_*) or the guard itself. The inner
 * rule maps are frozen and BPF_F_RDONLY_PROG. X: a map with a key and a value; O: an outer
 * (map-in-map) one; R: the ring buffer; T: task storage.
 */
#define VB_GUARDED_MAPS(X, O, R, T)						\
	X(settings) X(policy_state) O(hash_slots) O(path_slots) X(path_filter)		\
	X(exec_memo) X(pcpu_scratch) O(signer_slots) O(module_slots) X(slot_info)	\
	X(verdict_cache) X(canary_inodes) X(canary_hashes) X(stats) R(events)		\
	T(scratch) T(modscratch) X(file_verdicts) X(path_idents) X(pathid_pending)	\
	X(vetted_modules) X(vetted_files) X(flood) X(guard) X(content_verdicts)		\
	X(unjudged_seen) X(unobserved_files) X(unobserved_sbs) X(fan_state) T(guard_mark)

#define VB_IS_MAP(m)	map == (void *)&m ||

static __always_inline bool guard_map_ours(const void *map)
{
	return VB_GUARDED_MAPS(VB_IS_MAP, VB_IS_MAP, VB_IS_MAP, VB_IS_MAP) false;
}

/* What map-in-map compares when a map is put in an outer one (the kernel's map_meta_equal:
 * type, key and value size, flags; an array's size too, unless the template is
 * BPF_F_INNER_MAP). Flags are not compared: a stricter test. Outer maps cannot be inner ones. */
struct vb_map_shape {
	__u32 type, key, value, max;
};

#define VB_SHAPE(m)	{ sizeof(*m.type) / sizeof(int), sizeof(*m.key), sizeof(*m.value),	\
			  sizeof(*m.max_entries) / sizeof(int) },
#define VB_SHAPE_RB(m)	{ BPF_MAP_TYPE_RINGBUF, 0, 0, sizeof(*m.max_entries) / sizeof(int) },
#define VB_SHAPE_TS(m)	{ BPF_MAP_TYPE_TASK_STORAGE, sizeof(*m.key), sizeof(*m.value), 0 },
#define VB_NO_SHAPE(m)
#define BPF_F_INNER_MAP	(1U << 12)

static const struct vb_map_shape guard_shapes[] = {
	VB_GUARDED_MAPS(VB_SHAPE, VB_NO_SHAPE, VB_SHAPE_RB, VB_SHAPE_TS)
};

/* Could a map of ours be put in this outer map, for a program of someone else's to write it
 * (a read-only fd of ours is enough for BPF_MAP_UPDATE_ELEM on their outer map)? */
static __always_inline bool guard_outer_fits_ours(struct bpf_map *outer)
{
	__u32 t = BPF_CORE_READ(outer, map_type), type, key, value, max;
	struct bpf_map *meta;
	bool sized;

	if (t != BPF_MAP_TYPE_ARRAY_OF_MAPS && t != BPF_MAP_TYPE_HASH_OF_MAPS)
		return false;
	meta = BPF_CORE_READ(outer, inner_map_meta);
	type = BPF_CORE_READ(meta, map_type);
	key = BPF_CORE_READ(meta, key_size);
	value = BPF_CORE_READ(meta, value_size);
	max = BPF_CORE_READ(meta, max_entries);
	sized = (type == BPF_MAP_TYPE_ARRAY || type == BPF_MAP_TYPE_PERCPU_ARRAY) &&
		!(BPF_CORE_READ(meta, map_flags) & BPF_F_INNER_MAP);
	for (__u32 i = 0; i < sizeof(guard_shapes) / sizeof(guard_shapes[0]); i++) {
		if (guard_shapes[i].type == type && guard_shapes[i].key == key &&
		    guard_shapes[i].value == value && (!sized || guard_shapes[i].max == max))
			return true;
	}
	return false;
}

static __always_inline struct vb_guard *guard_get(void)
{
	__u32 zero = 0;

	return bpf_map_lookup_elem(&guard, &zero);
}

/* Armed once the daemon registered its executable: before that (the moment between loading
 * the programs and registering) nothing is refused. */
static __always_inline bool guard_armed(const struct vb_guard *g)
{
	return g && g->exe.ino;
}

static __always_inline bool guard_is_daemon(const struct vb_guard *g)
{
	struct vb_guard_mark *m;

	if (!g->daemon_tgid)
		return false;
	m = bpf_task_storage_get(&guard_mark, bpf_get_current_task_btf(), 0, 0);
	return m && m->tgid == g->daemon_tgid;
}

/* No marked daemon lives, and this process runs the registered vendorband executable. */
static __always_inline bool guard_may_take_over(const struct vb_guard *g)
{
	struct task_struct *task = bpf_get_current_task_btf();
	struct inode *exe;

	if (g->daemon_tgid)
		return false;
	exe = BPF_CORE_READ(task, mm, exe_file, f_inode);
	return exe && BPF_CORE_READ(exe, i_ino) == g->exe.ino &&
	       BPF_CORE_READ(exe, i_sb, s_dev) == g->exe.dev &&
	       BPF_CORE_READ(exe, i_generation) == g->exe_gen;
}

static __always_inline bool guard_may_write(const struct vb_guard *g)
{
	return guard_is_daemon(g) || guard_may_take_over(g);
}

/* The refusal, and its event: the daemon writes it into the chained log as a tamper record. */
static __always_inline int guard_refuse(__u8 kind, __u32 detail, const char *name)
{
	struct task_struct *task = bpf_get_current_task_btf();
	__u32 ppid = BPF_CORE_READ(task, real_parent, tgid);
	struct vb_flood_key fk = {
		.uid = (__u32)bpf_get_current_uid_gid(),
		.rule_idx = detail,
		.op = VB_OP_TAMPER,
		.match = kind,
		.mode = VB_MODE_ENFORCE,
		.denied = 1,
		.name_hash = flood_name_hash(name),
	};
	struct vb_flood_val *fv;
	struct vb_policy_state *st;
	struct vb_event *e;
	__u32 zero = 0;
	__u64 id;

	stat_inc(VB_STAT_TAMPER);
	st = bpf_map_lookup_elem(&policy_state, &zero);
	fk.seq = st ? (__u32)st->seq : 0;
	if (!flood_admit(&fk, bpf_get_current_pid_tgid() >> 32, &fv)) {
		stat_inc(VB_STAT_REPEATS);
		return -EPERM;
	}
	e = bpf_ringbuf_reserve(&events, sizeof(*e), 0);
	if (!e) {
		stat_inc(flood_unsent(fv) ? VB_STAT_REPEATS : VB_STAT_DROPPED);
		return -EPERM;
	}
	id = bpf_get_current_pid_tgid();
	e->ktime_ns = bpf_ktime_get_boot_ns();
	e->policy_seq = st ? st->seq : 0;
	e->ino = 0;
	e->dev = 0;
	e->pid = id >> 32;
	e->tid = (__u32)id;
	e->ppid = ppid;
	e->uid = (__u32)bpf_get_current_uid_gid();
	e->rule_idx = detail;
	e->ret = -EPERM;
	e->op = VB_OP_TAMPER;
	e->match = kind;
	e->mode = VB_MODE_ENFORCE;
	e->flags = VB_EV_F_DENIED | VB_EV_F_NAME_ONLY;
	__builtin_memset(e->sha256, 0, VB_SHA256_LEN);
	bpf_get_current_comm(e->comm, sizeof(e->comm));
	BPF_CORE_READ_STR_INTO(&e->pcomm, task, real_parent, comm);
	__builtin_memset(&e->module, 0, sizeof(e->module));
	e->path[0] = 0;
	if (name)
		bpf_probe_read_kernel_str(e->path, VB_COMM_LEN, name);
	bpf_ringbuf_submit(e, 0);
	flood_sent(fv, bpf_get_current_pid_tgid() >> 32);
	return -EPERM;
}

/* Called by the iterator (pathid.bpf.h) for a pending fd that is not a path rule's. */
static __always_inline int guard_register_fd(const struct vb_pathid_pending *p, struct file *file)
{
	struct vb_guard *g = guard_get();
	struct inode *inode = BPF_CORE_READ(file, f_inode);

	if (!g || !inode)
		return 0;
	switch (p->kind) {
	case VB_FD_PIN_DIR:
		g->pin_dir = (__u64)inode;
		g->pin_sb = (__u64)BPF_CORE_READ(inode, i_sb);
		return 1;
	case VB_FD_LINK_DIR:
		g->link_dir = (__u64)inode;
		return 1;
	case VB_FD_EXE:
		g->exe.dev = BPF_CORE_READ(inode, i_sb, s_dev);
		g->exe_gen = BPF_CORE_READ(inode, i_generation);
		g->exe.ino = BPF_CORE_READ(inode, i_ino);
		return 1;
	}
	return 0;
}

/* A writable fd to one of our maps: from bpf_obj_get, BPF_MAP_GET_FD_BY_ID or a new map. Read-only
 * fds (status, bpftool map show/dump) pass. */
VB_HOOK(bpf_map, "lsm/bpf_map", "fmod_ret/security_bpf_map", struct bpf_map *map,
	unsigned int fmode, int ret)
{
	struct vb_guard *g;

	if (ret || !(fmode & FMODE_WRITE) || !guard_map_ours(map))
		return ret;
	g = guard_get();
	if (!guard_armed(g) || guard_may_write(g))
		return 0;
	return guard_refuse(VB_TAMPER_MAP_WRITE, fmode, FIELD_PTR(map, name));
}

struct prog_maps_walk {
	struct bpf_map **used;
	__u32 n;
	bool outer;
	__u32 idx;
	struct bpf_map *found;
};

/* One used map: a callback of bpf_loop, so the verifier walks the shape table once, not once
 * per map a program may use. */
static long prog_maps_step(__u32 i, struct prog_maps_walk *w)
{
	struct bpf_map *m = NULL;

	if (i >= w->n)
		return 1;
	bpf_probe_read_kernel(&m, sizeof(m), &w->used[i]);
	if (guard_map_ours(m) || (w->outer && guard_outer_fits_ours(m))) {
		w->idx = i;
		w->found = m;
		return 1;
	}
	return 0;
}

/* The first of our maps a program uses (its index in *idx), or NULL; with outer, also the
 * first outer map a map of ours would fit in. */
static __always_inline struct bpf_map *guard_prog_map_ours(struct bpf_prog *prog, __u32 *idx,
							   bool outer)
{
	struct bpf_prog_aux *aux = BPF_CORE_READ(prog, aux);
	struct prog_maps_walk w = {
		.used = BPF_CORE_READ(aux, used_maps),
		.n = BPF_CORE_READ(aux, used_map_cnt),
		.outer = outer,
	};

	bpf_loop(VB_GUARD_MAX_PROG_MAPS, prog_maps_step, &w, 0);
	*idx = w.idx;
	return w.found;
}

/*
 * A program that uses our maps can write them from the kernel whatever its fds allowed: refused
 * at load, and so is one that could reach them without naming them:
 *  - through an outer map of its own a map of ours fits in (inserted with a read-only fd);
 *  - as a map element iterator that touches values (ctx->value is writable, and the map is
 *    bound when it is linked, with any fd): refused whatever map it will be linked to.
 * Only a load is judged: a program's first fd is made while the loader holds its only reference;
 * BPF_PROG_GET_FD_BY_ID and bpf_obj_get take another first (bpftool prog show still works).
 */
VB_HOOK(bpf_prog, "lsm/bpf_prog", "fmod_ret/security_bpf_prog", struct bpf_prog *prog, int ret)
{
	struct bpf_prog_aux *aux = BPF_CORE_READ(prog, aux);
	struct bpf_map *m;
	struct vb_guard *g;
	__u32 i = 0;

	if (ret || BPF_CORE_READ(aux, refcnt.counter) != 1)
		return ret;
	g = guard_get();
	if (!guard_armed(g) || guard_may_write(g))
		return 0;
	m = guard_prog_map_ours(prog, &i, true);
	if (m)
		return guard_refuse(VB_TAMPER_PROG, i, FIELD_PTR(m, name));
	if (BPF_CORE_READ(prog, expected_attach_type) == BPF_TRACE_ITER &&
	    BPF_CORE_READ(aux, max_rdwr_access))
		return guard_refuse(VB_TAMPER_PROG, BPF_CORE_READ(aux, max_rdwr_access),
				    FIELD_PTR(aux, name));
	return 0;
}

/* The iterators run in whoever reads them, and the flood ones hand repeat counts over: one
 * read by root would mark as logged what the log never got. Only the daemon (or anyone before
 * the guard is armed) gets them to do anything; the bpf hook refuses making one (EPERM), this
 * catches a link fd swapped in after that check. */
static __always_inline bool guard_iter_reader_ok(void)
{
	struct vb_guard *g = guard_get();

	return !guard_armed(g) || guard_is_daemon(g);
}

/* The link at one of the caller's fds: any file's private_data read as one. An fd that is not a
 * link fails in the kernel anyway (EINVAL), so a stray match only changes that errno. */
static __always_inline struct bpf_link *current_fd_link(long fd)
{
	struct file *file = current_fd_file(fd);

	return file ? BPF_CORE_READ(file, private_data) : NULL;
}

static __always_inline bool guard_link_ours(const struct vb_guard *g, __u32 id)
{
	for (__u32 i = 0; i < VB_GUARD_MAX_LINKS && i < g->n_links; i++) {
		if (g->link_ids[i] == id)
			return true;
	}
	return false;
}

/*
 * Our links. A fresh fd to one (BPF_LINK_GET_FD_BY_ID, what bpftool link show asks for) is
 * refused; and so are the two commands that could take a hook away, BPF_LINK_DETACH and
 * BPF_LINK_UPDATE, on an fd of one however it was got (bpf_obj_get of its pin is allowed). The
 * kernels vendorban runs on (6.1, 6.12) give a tracing or LSM link neither (EOPNOTSUPP, EINVAL:
 * test_tamper asserts it with a link of its own), so a descriptor swapped in by another thread
 * after this check still finds nothing to detach; this refusal is for a kernel that would.
 */
VB_HOOK(bpf, "lsm/bpf", "fmod_ret/security_bpf", int cmd, union bpf_attr *attr,
	unsigned int size, int ret)
{
	struct bpf_link *link;
	struct vb_guard *g;
	__u32 id;

	if (ret || (cmd != BPF_LINK_GET_FD_BY_ID && cmd != BPF_LINK_DETACH &&
		    cmd != BPF_LINK_UPDATE && cmd != BPF_ITER_CREATE))
		return ret;
	g = guard_get();
	if (!guard_armed(g))
		return 0;
	if (cmd == BPF_ITER_CREATE) {
		struct bpf_prog_aux *aux;
		struct bpf_prog *prog;
		__u32 i = 0;

		/* Ours: its program uses our maps (no one else's may, bpf_prog sees to it). */
		link = current_fd_link(BPF_CORE_READ(attr, iter_create.link_fd));
		prog = link ? BPF_CORE_READ(link, prog) : NULL;
		if (!prog || !guard_prog_map_ours(prog, &i, false) || guard_is_daemon(g))
			return 0;
		aux = BPF_CORE_READ(prog, aux);
		return guard_refuse(VB_TAMPER_ITER, BPF_CORE_READ(aux, id), FIELD_PTR(aux, name));
	}
	if (cmd == BPF_LINK_GET_FD_BY_ID) {
		id = BPF_CORE_READ(attr, link_id);
	} else {
		link = current_fd_link(cmd == BPF_LINK_DETACH ?
				       BPF_CORE_READ(attr, link_detach.link_fd) :
				       BPF_CORE_READ(attr, link_update.link_fd));
		if (!link)
			return 0;
		id = BPF_CORE_READ(link, id);
	}
	if (!guard_link_ours(g, id) || guard_is_daemon(g))
		return 0;
	return guard_refuse(VB_TAMPER_LINK_FD, id, NULL);
}

/*
 * The pin directories: nothing made, removed or renamed in either. These hooks run only when a
 * directory's entries change, not on every lookup as inode_permission would: a path walk pays
 * nothing for the guard. Looking up a pin is allowed: its map fds are judged by bpf_map, its
 * link fds by bpf above, its program fds carry no power over a hook.
 */
static __always_inline int guard_dir_change(struct inode *dir, int ret)
{
	struct vb_guard *g;
	bool links;

	if (ret)
		return ret;
	g = guard_get();
	if (!g || !g->pin_dir || ((__u64)dir != g->pin_dir && (__u64)dir != g->link_dir))
		return 0;
	if (guard_is_daemon(g))
		return 0;
	links = (__u64)dir == g->link_dir;
	return guard_refuse(VB_TAMPER_PIN, MAY_WRITE, links ? "links" : "vendorban");
}

/* bpf_obj_pin makes its pin through vfs_mkobj, which asks inode_create. */
VB_HOOK(inode_create, "lsm/inode_create", "fmod_ret/security_inode_create",
	struct inode *dir, struct dentry *dentry, umode_t mode, int ret)
{
	return guard_dir_change(dir, ret);
}

VB_HOOK(inode_link, "lsm/inode_link", "fmod_ret/security_inode_link",
	struct dentry *old_dentry, struct inode *dir, struct dentry *new_dentry, int ret)
{
	return guard_dir_change(dir, ret);
}

VB_HOOK(inode_unlink, "lsm/inode_unlink", "fmod_ret/security_inode_unlink",
	struct inode *dir, struct dentry *dentry, int ret)
{
	return guard_dir_change(dir, ret);
}

VB_HOOK(inode_symlink, "lsm/inode_symlink", "fmod_ret/security_inode_symlink",
	struct inode *dir, struct dentry *dentry, const char *old_name, int ret)
{
	return guard_dir_change(dir, ret);
}

VB_HOOK(inode_mkdir, "lsm/inode_mkdir", "fmod_ret/security_inode_mkdir",
	struct inode *dir, struct dentry *dentry, umode_t mode, int ret)
{
	return guard_dir_change(dir, ret);
}

VB_HOOK(inode_rmdir, "lsm/inode_rmdir", "fmod_ret/security_inode_rmdir",
	struct inode *dir, struct dentry *dentry, int ret)
{
	return guard_dir_change(dir, ret);
}

/* An entry moved into or out of a pin directory, or a pin directory itself moved. The hook has
 * no flags argument, security_inode_rename has: the verdict so far is read by index. */
VB_HOOK(inode_rename, "lsm/inode_rename", "fmod_ret/security_inode_rename",
	struct inode *old_dir, struct dentry *old_dentry, struct inode *new_dir,
	struct dentry *new_dentry)
{
	int ret = lsm ? (int)ctx[4] : (int)ctx[5];
	struct vb_guard *g = guard_get();
	__u64 from = (__u64)BPF_CORE_READ(old_dentry, d_inode);
	__u64 to = (__u64)BPF_CORE_READ(new_dentry, d_inode);

	if (ret || !g || !g->pin_dir)
		return ret;
	if (from != g->pin_dir && from != g->link_dir && to != g->pin_dir && to != g->link_dir) {
		ret = guard_dir_change(old_dir, 0);
		return ret ? ret : guard_dir_change(new_dir, 0);
	}
	if (guard_is_daemon(g))
		return 0;
	return guard_refuse(VB_TAMPER_PIN, MAY_WRITE, "rename");
}

/* Unmounting the bpffs would drop every pin at once. */
VB_HOOK(sb_umount, "lsm/sb_umount", "fmod_ret/security_sb_umount", struct vfsmount *mnt,
	int flags, int ret)
{
	struct vb_guard *g = guard_get();

	if (ret || !g || !g->pin_sb || (__u64)BPF_CORE_READ(mnt, mnt_sb) != g->pin_sb)
		return ret;
	if (guard_is_daemon(g))
		return 0;
	return guard_refuse(VB_TAMPER_UMOUNT, flags, "bpf");
}

/* A signal the daemon survives passes: 0 (is it alive?), SIGHUP (reload), SIGUSR1 (rescan),
 * SIGCONT, and those ignored by default. Any other kills or stops it. */
static __always_inline bool signal_harmless(int sig)
{
	return sig == 0 || sig == SIGHUP || sig == SIGUSR1 || sig == SIGCONT || sig == SIGCHLD ||
	       sig == SIGURG || sig == SIGWINCH;
}

static __always_inline bool is_daemon_task(const struct vb_guard *g, struct task_struct *t)
{
	return g && g->daemon_tgid && BPF_CORE_READ(t, tgid) == g->daemon_tgid;
}

/* Only PID 1 of the initial pid namespace (task->tgid is the global pid: one process has 1)
 * may stop the daemon, so systemd can; and the daemon itself. */
VB_HOOK(task_kill, "lsm/task_kill", "fmod_ret/security_task_kill", struct task_struct *p,
	struct kernel_siginfo *info, int sig, const struct cred *cred, int ret)
{
	struct vb_guard *g;

	if (ret || signal_harmless(sig))
		return ret;
	g = guard_get();
	if (!is_daemon_task(g, p) || (bpf_get_current_pid_tgid() >> 32) == 1 ||
	    guard_is_daemon(g))
		return 0;
	return guard_refuse(VB_TAMPER_SIGNAL, sig, FIELD_PTR(p, comm));
}

/* PTRACE_ATTACH/SEIZE, /proc/PID/mem, pidfd_getfd, process_vm_writev: all ask for ATTACH. */
VB_HOOK(ptrace_access_check, "lsm/ptrace_access_check", "fmod_ret/security_ptrace_access_check",
	struct task_struct *child, unsigned int mode, int ret)
{
	struct vb_guard *g;

	if (ret || !(mode & PTRACE_MODE_ATTACH))
		return ret;
	g = guard_get();
	if (!is_daemon_task(g, child) || guard_is_daemon(g))
		return 0;
	return guard_refuse(VB_TAMPER_PTRACE, mode, FIELD_PTR(child, comm));
}

/* The daemon is gone: a new one may take over. Freed, not exited: a zombie is still listed. */
VB_HOOK(task_free, "lsm/task_free", "fentry/security_task_free", struct task_struct *task)
{
	struct vb_guard_mark *m = bpf_task_storage_get(&guard_mark, task, 0, 0);
	struct vb_guard *g;

	if (!m)
		return 0;
	g = guard_get();
	if (g && g->daemon_tgid == m->tgid) {
		struct vb_fan_state *st = fan_state_get();

		g->daemon_tgid = 0;
		g->content_tgid = 0;
		if (st) {
			st->group = 0;
			st->all = 0;
		}
	}
	return 0;
}

#endif /* VB_GUARD_BPF_H */
