// SPDX-License-Identifier: GPL-2.0
/*
 * The daemon's half of content rules on the fmod_ret path. The kernel's hook on
 * security_file_open runs first and decides what it can (path, scan, cached content verdicts);
 * fanotify then asks this thread about the open:
 *  - FAN_OPEN_EXEC_PERM (execve, a script's interpreter, uselib): hashed, refused with FAN_DENY
 *    (the caller sees EPERM) and recorded when a sha256 rule names the content;
 *  - FAN_OPEN_PERM of an ELF file (ld.so, LD_PRELOAD, dlopen open a library before they map
 *    it): the open is allowed, reading a banned file is not refused, but the verdict is handed
 *    to the kernel (content_verdicts) before the answer, so the fmod_ret hook on
 *    security_mmap_file refuses the executable mapping that follows, and records it.
 * Every verdict goes to the kernel, so both layers agree and the kernel keeps it (verdict_cache,
 * with its integrity checks) while no daemon runs.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <linux/magic.h>
#include <sys/fanotify.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/sysmacros.h>
#include <bpf/bpf.h>
#include <openssl/evp.h>
#include <json-c/json.h>
#include "daemon/fanotify.h"
#include "daemon/runstate.h"
#include "kernel/facts.h"
#include "util/clock.h"
#include "util/msg.h"
#include "util/mountinfo.h"

#define FAN_EVENT_BUF		8192
#define FAN_MARK_EVENTS		(FAN_OPEN_PERM | FAN_OPEN_EXEC_PERM)
#define MOUNTINFO_MAX		(1 << 20)
#define LOOP_MAJOR		7
#define NBD_MAJOR		43

/* Filesystems whose files never run anything, or where fanotify refuses permission events
 * (procfs takes locks an open would deadlock on). Everything else is marked. */
static const char *const unmarked_fs[] = {
	"proc", "sysfs", "cgroup", "cgroup2", "devpts", "mqueue", "bpf", "securityfs",
	"debugfs", "tracefs", "pstore", "configfs", "fusectl", "binfmt_misc", "efivarfs",
	"nsfs", "rpc_pipefs", "autofs", "selinuxfs", NULL,
};

static bool fs_unmarked(const char *type)
{
	for (int i = 0; unmarked_fs[i]; i++)
		if (!strcmp(type, unmarked_fs[i]))
			return true;
	return false;
}

/* Mark the filesystems mounted in the namespace whose mountinfo fd reads, reached through
 * root: every one (only_dev 0), or the one with that device (a kernel dev_t, as in the
 * kernel's events); one marked already just keeps its mark. The number marked, or -errno. */
static int mark_from(struct vb_fan *f, int fd, const char *root, __u32 only_dev)
{
	char *buf = malloc(MOUNTINFO_MAX), *line, *save = NULL, path[PATH_MAX];
	ssize_t n, got = 0;
	int marked = 0;

	if (!buf)
		return -ENOMEM;
	if (lseek(fd, 0, SEEK_SET) < 0) {
		free(buf);
		return -errno;
	}
	while (got < MOUNTINFO_MAX - 1 &&
	       (n = read(fd, buf + got, MOUNTINFO_MAX - 1 - got)) > 0)
		got += n;
	buf[got] = 0;
	for (line = strtok_r(buf, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char *fld[5], *sep, *type, *s = line;
		unsigned int maj, min;
		int i;

		for (i = 0; i < 5 && s; i++) {
			fld[i] = s;
			s = strchr(s, ' ');
			if (s)
				*s++ = 0;
		}
		sep = s ? strstr(s, "- ") : NULL;
		if (i < 5 || !sep)
			continue;
		if (only_dev && (sscanf(fld[2], "%u:%u", &maj, &min) != 2 ||
				 vb_kdev(makedev(maj, min)) != only_dev))
			continue;
		type = sep + 2;
		*strchrnul(type, ' ') = 0;
		if (fs_unmarked(type))
			continue;
		vb_mountinfo_unescape(fld[4]);
		if ((size_t)snprintf(path, sizeof(path), "%s%s", root, fld[4]) >= sizeof(path))
			continue;
		if (!fanotify_mark(f->fd, FAN_MARK_ADD | FAN_MARK_FILESYSTEM, FAN_MARK_EVENTS,
				   AT_FDCWD, path))
			marked++;
		else if (errno != ENOENT && errno != EACCES &&
			 __atomic_add_fetch(&f->mark_failed, 1, __ATOMIC_RELAXED))
			vb_warn("fanotify: cannot watch %s (%s) for exec: %s; what runs from it is "
				"refused while the daemon runs", fld[4], type, strerror(errno));
		if (only_dev)
			break;
	}
	free(buf);
	return marked;
}

static int mark_pid(struct vb_fan *f, pid_t pid, __u32 only_dev)
{
	char path[64], root[64];
	int fd, n;

	snprintf(path, sizeof(path), "/proc/%d/mountinfo", pid);
	snprintf(root, sizeof(root), "/proc/%d/root", pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	n = mark_from(f, fd, root, only_dev);
	close(fd);
	return n;
}

/*
 * Every mount namespace's, one process of each: ours, PID 1's (a unit's PrivateTmp= gives the
 * daemon a /tmp of its own, and a program run from the host's /tmp would go unjudged), and
 * those of containers and of users' own namespaces made before the daemon started. Made
 * later, a filesystem is reported by the kernel (VB_OP_WATCH) and marked by vb_fan_watch_dev().
 */
static int mark_mounts(struct vb_fan *f)
{
	int marked = mark_from(f, f->mountinfo_fd, "", 0), more;
	ino_t seen[256];
	size_t n_seen = 0;
	struct dirent *de;
	struct stat st;
	DIR *d;

	if (marked < 0)
		return marked;
	if (!stat("/proc/self/ns/mnt", &st))
		seen[n_seen++] = st.st_ino;
	d = opendir("/proc");
	if (!d)
		return marked;
	while ((de = readdir(d))) {
		char ns[64];
		size_t i;
		int pid = atoi(de->d_name);

		if (pid <= 0)
			continue;
		snprintf(ns, sizeof(ns), "/proc/%d/ns/mnt", pid);
		if (stat(ns, &st))
			continue;
		for (i = 0; i < n_seen && seen[i] != st.st_ino; i++)
			;
		if (i < n_seen)
			continue;
		if (n_seen < sizeof(seen) / sizeof(seen[0]))
			seen[n_seen++] = st.st_ino;
		more = mark_pid(f, pid, 0);
		if (more > 0)
			marked += more;
	}
	closedir(d);
	return marked;
}

/* PID 1's mountinfo, when its mount namespace is not ours (its mounts come and go after
 * start: POLLPRI on this fd); -1 when it is. */
static int open_init_mountinfo(void)
{
	struct stat mine, init;

	if (stat("/proc/self/ns/mnt", &mine) || stat("/proc/1/ns/mnt", &init) ||
	    mine.st_ino == init.st_ino)
		return -1;
	return open("/proc/1/mountinfo", O_RDONLY | O_CLOEXEC);
}

static bool is_elf(int fd)
{
	unsigned char m[4];

	return pread(fd, m, sizeof(m), 0) == sizeof(m) && !memcmp(m, "\x7f" "ELF", 4);
}

static int hash_fd(struct vb_fan *f, int fd, __u8 *md)
{
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();
	off_t off = 0;
	ssize_t n;
	int err = 0;

	if (!ctx || !EVP_DigestInit_ex(ctx, EVP_sha256(), NULL)) {
		EVP_MD_CTX_free(ctx);
		return -ENOMEM;
	}
	while ((n = pread(fd, f->buf, sizeof(f->buf), off)) > 0) {
		EVP_DigestUpdate(ctx, f->buf, n);
		off += n;
	}
	if (n < 0)
		err = -errno;
	else if (!EVP_DigestFinal_ex(ctx, md, NULL))
		err = -EIO;
	EVP_MD_CTX_free(ctx);
	return err;
}

/* The hash rules of the slot active as seq: the kernel's own map, so the daemon judges by
 * exactly the rules the kernel holds (the policy's and the scan's). */
static int rules_fd(struct vb_fan *f, __u64 seq)
{
	__u32 slot = seq & 1, id;
	int fd;

	if (f->rules_fd >= 0 && f->rules_seq == seq)
		return f->rules_fd;
	if (bpf_map_lookup_elem(f->k->map_fd[VB_MAP_HASH_SLOTS], &slot, &id))
		return -errno;
	fd = bpf_map_get_fd_by_id(id);
	if (fd < 0)
		return -errno;
	if (f->rules_fd >= 0)
		close(f->rules_fd);
	f->rules_fd = fd;
	f->rules_seq = seq;
	return fd;
}

static void version_of(const struct statx *sx, struct vb_content_verdict *v)
{
	v->size = sx->stx_size;
	v->ctime_sec = sx->stx_ctime.tv_sec;
	v->ctime_nsec = sx->stx_ctime.tv_nsec;
	v->mtime_sec = sx->stx_mtime.tv_sec;
	v->mtime_nsec = sx->stx_mtime.tv_nsec;
}

static bool same_version(const struct vb_content_verdict *a, const struct vb_content_verdict *b)
{
	return a->size == b->size && a->ctime_sec == b->ctime_sec &&
	       a->ctime_nsec == b->ctime_nsec && a->mtime_sec == b->mtime_sec &&
	       a->mtime_nsec == b->mtime_nsec;
}

/*
 * The device the kernel names the file's superblock by (its hooks key content_verdicts by
 * i_sb->s_dev). stat's is the same but on btrfs, which gives each subvolume a device of its
 * own: there, the mount's line in mountinfo says, the mount found by its id in the daemon's
 * namespace or else the caller's.
 */
#define SB_DEV_CACHE		64	/* btrfs mounts remembered, by mount id and st_dev */
#define SB_DEV_CACHE_MS		1000	/* a mount id comes back after an unmount: not for long */

static struct {
	__u64 mnt_id, at_ms;
	__u32 st_dev, sb_dev;
} sb_dev_cache[SB_DEV_CACHE];

static __u32 sb_dev(int fd, int pid, const struct statx *sx)
{
	__u32 dev = vb_kdev(makedev(sx->stx_dev_major, sx->stx_dev_minor));
	size_t slot = sx->stx_mnt_id % SB_DEV_CACHE;
	char path[64], line[1024];
	unsigned int maj, min;
	struct statfs sf;
	__u64 id, now;

	if (fstatfs(fd, &sf) || (unsigned long)sf.f_type != BTRFS_SUPER_MAGIC ||
	    !(sx->stx_mask & STATX_MNT_ID))
		return dev;
	/* Every judged open on btrfs comes here: mountinfo is read once a second per mount. */
	now = vb_monotonic_ms();
	if (sb_dev_cache[slot].mnt_id == sx->stx_mnt_id && sb_dev_cache[slot].st_dev == dev &&
	    now - sb_dev_cache[slot].at_ms < SB_DEV_CACHE_MS)
		return sb_dev_cache[slot].sb_dev;
	for (int i = 0; i < 2; i++) {
		FILE *f;

		if (i)
			snprintf(path, sizeof(path), "/proc/%d/mountinfo", pid);
		else
			snprintf(path, sizeof(path), "/proc/self/mountinfo");
		f = fopen(path, "re");
		if (!f)
			continue;
		while (fgets(line, sizeof(line), f)) {
			if (sscanf(line, "%llu %*u %u:%u", (unsigned long long *)&id, &maj,
				   &min) == 3 && id == sx->stx_mnt_id) {
				fclose(f);
				sb_dev_cache[slot].mnt_id = id;
				sb_dev_cache[slot].st_dev = dev;
				sb_dev_cache[slot].sb_dev = vb_kdev(makedev(maj, min));
				sb_dev_cache[slot].at_ms = now;
				return sb_dev_cache[slot].sb_dev;
			}
		}
		fclose(f);
	}
	return dev;
}

/*
 * May this version be trusted to be what a later open reads? The rules of content_cacheable()
 * in bpf/fileid.bpf.h, as far as user space sees them: a local filesystem that changes only
 * through this kernel, not on a loop or nbd device, a file with a name, and no change within
 * VB_RACY_NS of now (a second write in the same clock tick leaves the times as they were).
 * Anything else is hashed on every open.
 */
static bool version_stable(int fd, const struct statx *sx)
{
	struct statfs sf;
	struct timespec now;
	__s64 changed, t;

	if (fstatfs(fd, &sf) || !sx->stx_nlink || sx->stx_dev_major == LOOP_MAJOR ||
	    sx->stx_dev_major == NBD_MAJOR)
		return false;
	switch ((unsigned long)sf.f_type) {
	case EXT4_SUPER_MAGIC: case XFS_SUPER_MAGIC: case BTRFS_SUPER_MAGIC: case TMPFS_MAGIC:
	case RAMFS_MAGIC: case SQUASHFS_MAGIC: case EROFS_SUPER_MAGIC_V1: case F2FS_SUPER_MAGIC:
		break;
	default:
		return false;
	}
	clock_gettime(CLOCK_REALTIME, &now);
	changed = sx->stx_ctime.tv_sec * 1000000000LL + sx->stx_ctime.tv_nsec;
	t = now.tv_sec * 1000000000LL + now.tv_nsec;
	return changed + VB_RACY_NS < t;
}

/* The record of a denial (or would-deny) the daemon decided: the fields the kernel fills for
 * its own, read from /proc while the caller waits for the answer. */
static void proc_field(int pid, const char *file, const char *key, char *out, size_t len)
{
	char path[64], line[256];
	size_t klen = key ? strlen(key) : 0;
	FILE *fp;

	out[0] = 0;
	snprintf(path, sizeof(path), "/proc/%d/%s", pid, file);
	fp = fopen(path, "re");
	if (!fp)
		return;
	while (fgets(line, sizeof(line), fp)) {
		if (key && strncmp(line, key, klen))
			continue;
		line[strcspn(line, "\n")] = 0;
		snprintf(out, len, "%s", line + klen + strspn(line + klen, " \t"));
		break;
	}
	fclose(fp);
}

static void fill_record(struct vb_event *e, const struct fanotify_event_metadata *md,
			const struct statx *sx, const struct vb_content_verdict *v, bool denied)
{
	char buf[64], link[64];
	struct timespec ts;
	ssize_t n;

	memset(e, 0, sizeof(*e));
	clock_gettime(CLOCK_BOOTTIME, &ts);
	e->ktime_ns = (__u64)ts.tv_sec * 1000000000 + ts.tv_nsec;
	e->policy_seq = v->seq;
	e->ino = sx->stx_ino;
	e->dev = sb_dev(md->fd, md->pid, sx);
	e->pid = md->pid;
	e->tid = md->pid;
	proc_field(md->pid, "status", "PPid:", buf, sizeof(buf));
	e->ppid = strtoul(buf, NULL, 10);
	proc_field(md->pid, "status", "Uid:", buf, sizeof(buf));
	e->uid = strtoul(buf, NULL, 10);
	e->rule_idx = v->rule.rule_idx;
	e->ret = denied ? -EPERM : 0;
	e->op = VB_OP_EXEC;
	e->match = VB_MATCH_HASH;
	e->mode = v->rule.mode;
	e->flags = VB_EV_F_HAS_SHA256 | VB_EV_F_DAEMON | (denied ? VB_EV_F_DENIED : 0);
	memcpy(e->sha256, v->sha256, VB_SHA256_LEN);
	proc_field(md->pid, "comm", NULL, e->comm, sizeof(e->comm));
	proc_field(e->ppid, "comm", NULL, e->pcomm, sizeof(e->pcomm));
	snprintf(link, sizeof(link), "/proc/self/fd/%d", md->fd);
	n = readlink(link, e->path, sizeof(e->path) - 1);
	e->path[n > 0 ? n : 0] = 0;
	if (n == (ssize_t)sizeof(e->path) - 1)
		e->flags |= VB_EV_F_PATH_TRUNC;
}

static void push_record(struct vb_fan *f, const struct vb_event *e)
{
	/* Below PIPE_BUF: one record per write, whole or not at all. */
	_Static_assert(sizeof(*e) <= 4096, "a record must fit one atomic pipe write");
	if (write(f->out[1], e, sizeof(*e)) != sizeof(*e))
		__atomic_add_fetch(&f->lost, 1, __ATOMIC_RELAXED);
}

/* The verdict on this version of the file, from the daemon's cache or by hashing it. 0, 1 if
 * it is a canary (refuse, record nothing), or -errno. */
static int verdict_of(struct vb_fan *f, int fd, int pid, const struct statx *sx, __u64 seq,
		      struct vb_content_verdict *v, struct vb_dev_ino *id)
{
	struct vb_fan_cached *c;
	struct vb_rule_ref ref;
	__u32 one;
	int rfd, err;

	id->dev = sb_dev(fd, pid, sx);
	id->ino = sx->stx_ino;
	memset(v, 0, sizeof(*v));
	v->seq = seq;
	version_of(sx, v);
	c = &f->cache[(id->ino * 31 + id->dev) % VB_FAN_CACHE];
	if (c->id.dev == id->dev && c->id.ino == id->ino && c->v.seq == seq &&
	    same_version(&c->v, v)) {
		*v = c->v;
		return 0;
	}
	err = hash_fd(f, fd, v->sha256);
	if (err)
		return err;
	__atomic_add_fetch(&f->hashed, 1, __ATOMIC_RELAXED);
	if (!bpf_map_lookup_elem(f->k->map_fd[VB_MAP_CANARY_HASHES], v->sha256, &one))
		return 1;
	rfd = rules_fd(f, seq);
	if (rfd < 0)
		return rfd;
	v->verdict = VB_VERDICT_CLEAN;
	if (!bpf_map_lookup_elem(rfd, v->sha256, &ref)) {
		if (ref.rule_idx == VB_RULE_CANARY)
			return 1;
		v->verdict = VB_VERDICT_BANNED;
		v->rule = ref;
	}
	if (version_stable(fd, sx)) {
		c->id = *id;
		c->v = *v;
	}
	return 0;
}

/* What to answer about one open. */
static __u32 judge_open(struct vb_fan *f, const struct fanotify_event_metadata *md)
{
	bool exec = md->mask & FAN_OPEN_EXEC_PERM;
	struct vb_content_verdict v;
	struct vb_dev_ino id;
	struct statx sx;
	struct vb_event e;
	__u64 seq;
	int err;

	if (statx(md->fd, "", AT_EMPTY_PATH, STATX_BASIC_STATS | STATX_MNT_ID, &sx) ||
	    !S_ISREG(sx.stx_mode))
		return FAN_ALLOW;
	/* ld.so maps only ELF files: reading anything else is none of ours. */
	if (!exec && !is_elf(md->fd))
		return FAN_ALLOW;
	__atomic_add_fetch(&f->judged, 1, __ATOMIC_RELAXED);
	seq = __atomic_load_n(&f->k->state->seq, __ATOMIC_ACQUIRE);
	err = verdict_of(f, md->fd, md->pid, &sx, seq, &v, &id);
	if (err == 1)
		return exec ? FAN_DENY : FAN_ALLOW;
	if (err) {
		/* Never a silent allow of a program no one could read: refused, and said. */
		__atomic_add_fetch(&f->errors, 1, __ATOMIC_RELAXED);
		if (!exec)
			return FAN_ALLOW;
		vb_err("fanotify: cannot hash the program pid %d runs (%s): refused", md->pid,
		       strerror(-err));
		return FAN_DENY;
	}
	/* Before the answer: the mapping that follows the open finds it. A clean verdict is kept
	 * only where the version can be trusted; a banned one always (refusing a rewritten file
	 * by its old content is the safe error). */
	if (v.verdict == VB_VERDICT_BANNED || version_stable(md->fd, &sx))
		bpf_map_update_elem(f->k->map_fd[VB_MAP_CONTENT_VERDICTS], &id, &v, BPF_ANY);
	if (v.verdict != VB_VERDICT_BANNED || !exec)
		return FAN_ALLOW;
	fill_record(&e, md, &sx, &v, v.rule.mode == VB_MODE_ENFORCE);
	push_record(f, &e);
	if (v.rule.mode != VB_MODE_ENFORCE)
		return FAN_ALLOW;
	__atomic_add_fetch(&f->denied, 1, __ATOMIC_RELAXED);
	return FAN_DENY;
}

static void answer_events(struct vb_fan *f)
{
	char buf[FAN_EVENT_BUF] __attribute__((aligned(__alignof__(struct fanotify_event_metadata))));
	const struct fanotify_event_metadata *md;
	ssize_t n;

	while ((n = read(f->fd, buf, sizeof(buf))) > 0) {
		for (md = (void *)buf; FAN_EVENT_OK(md, n); md = FAN_EVENT_NEXT(md, n)) {
			struct fanotify_response r = { .fd = md->fd, .response = FAN_ALLOW };

			if (md->vers != FANOTIFY_METADATA_VERSION || md->fd < 0)
				continue;
			if (md->mask & (FAN_OPEN_PERM | FAN_OPEN_EXEC_PERM)) {
				r.response = judge_open(f, md);
				if (write(f->fd, &r, sizeof(r)) != sizeof(r))
					vb_err("fanotify: cannot answer pid %d: %s", md->pid,
					       strerror(errno));
			}
			close(md->fd);
		}
	}
}

static void *fan_thread(void *arg)
{
	struct vb_fan *f = arg;
	struct pollfd p[4] = {
		{ .fd = f->fd, .events = POLLIN },
		{ .fd = f->mountinfo_fd, .events = POLLPRI },
		{ .fd = f->wake[0], .events = POLLIN },
		{ .fd = f->init_mountinfo_fd, .events = POLLPRI },	/* -1: ignored */
	};

	for (;;) {
		if (poll(p, 4, -1) < 0) {
			if (errno == EINTR)
				continue;
			vb_err("fanotify: poll: %s; content is no longer judged by the daemon",
			       strerror(errno));
			break;
		}
		if (p[2].revents)
			break;
		if (p[1].revents & (POLLPRI | POLLERR))
			mark_from(f, f->mountinfo_fd, "", 0);
		if (p[3].revents & (POLLPRI | POLLERR))
			mark_from(f, f->init_mountinfo_fd, "/proc/1/root", 0);
		if (p[0].revents & POLLIN)
			answer_events(f);
	}
	return NULL;
}

int vb_fan_start(struct vb_fan *f, struct vb_kernel *k)
{
	int err, marked;

	memset(f, 0, sizeof(*f));
	f->k = k;
	f->rules_fd = f->mountinfo_fd = f->init_mountinfo_fd = -1;
	f->wake[0] = f->wake[1] = f->out[0] = f->out[1] = -1;
	f->fd = fanotify_init(FAN_CLASS_CONTENT | FAN_CLOEXEC | FAN_NONBLOCK,
			      O_RDONLY | O_LARGEFILE | O_CLOEXEC);
	if (f->fd < 0) {
		err = -errno;
		vb_err("fanotify_init: %s", strerror(-err));
		return err;
	}
	f->mountinfo_fd = open("/proc/self/mountinfo", O_RDONLY | O_CLOEXEC);
	f->init_mountinfo_fd = open_init_mountinfo();
	if (f->mountinfo_fd < 0 || pipe2(f->wake, O_CLOEXEC) ||
	    pipe2(f->out, O_CLOEXEC | O_NONBLOCK)) {
		err = -errno;
		vb_err("fanotify: %s", strerror(-err));
		goto fail;
	}
	marked = mark_mounts(f);
	f->fs_start = marked > 0 ? marked : 0;
	if (marked <= 0) {
		err = marked < 0 ? marked : -ENOENT;
		vb_err("fanotify: no filesystem could be watched: %s", strerror(-err));
		goto fail;
	}
	err = pthread_create(&f->thread, NULL, fan_thread, f);
	if (err) {
		err = -err;
		vb_err("fanotify: cannot start its thread: %s", strerror(-err));
		goto fail;
	}
	f->running = true;
	vb_info("content rules: judged by the daemon through fanotify (%d filesystems watched)",
		marked);
	return 0;
fail:
	vb_fan_stop(f);
	return err;
}

int vb_fan_mark(struct vb_fan *f, const char *path)
{
	if (fanotify_mark(f->fd, FAN_MARK_ADD | FAN_MARK_FILESYSTEM, FAN_MARK_EVENTS, AT_FDCWD,
			  path))
		return -errno;
	return 0;
}

#ifndef FAN_MARK_EVICTABLE
#define FAN_MARK_EVICTABLE	0x00000200
#endif

int vb_fan_mark_inode(struct vb_fan *f, const char *path)
{
	/* Evictable: the mark must not keep a memfd alive once nothing else does (an inode mark
	 * otherwise pins it, and a user could fill memory with closed memfds). Evicted, the file
	 * is gone: nothing can run it any more. */
	if (fanotify_mark(f->fd, FAN_MARK_ADD | FAN_MARK_EVICTABLE, FAN_MARK_EVENTS, AT_FDCWD,
			  path)) {
		__atomic_add_fetch(&f->mark_failed, 1, __ATOMIC_RELAXED);
		return -errno;
	}
	__atomic_add_fetch(&f->memfds, 1, __ATOMIC_RELAXED);
	return 0;
}

int vb_fan_watch_dev(struct vb_fan *f, pid_t pid, __u32 dev)
{
	int n = mark_pid(f, pid, dev);

	if (n > 0)
		__atomic_add_fetch(&f->fs_later, 1, __ATOMIC_RELAXED);
	return n < 0 ? n : n ? 0 : -ENOENT;
}

void vb_fan_report(struct vb_fan *f)
{
	__u64 now[] = { f->judged, f->hashed, f->denied, f->errors, f->lost, f->fs_start,
			f->fs_later, f->memfds, f->mark_failed };
	/* Names of their own: status's JSON has "hashed" and "denied" for the kernel's. */
	static const char *const names[] = { "opens_judged", "files_hashed", "refused",
					     "read_errors", "records_lost",
					     "filesystems_at_start", "filesystems_since",
					     "memfds", "watch_failed" };
	static __u64 last[sizeof(now) / sizeof(now[0])];
	static bool written;
	struct json_object *o;

	if (written && !memcmp(now, last, sizeof(now)))
		return;
	o = json_object_new_object();
	if (!o)
		return;
	for (size_t i = 0; i < sizeof(now) / sizeof(now[0]); i++)
		json_object_object_add(o, names[i], json_object_new_uint64(now[i]));
	json_object_object_add(o, "pid", json_object_new_int(getpid()));
	if (!vb_daemon_write_run_json(VB_FAN_REPORT, o)) {	/* takes o */
		memcpy(last, now, sizeof(now));
		written = true;
	}
}

void vb_fan_drain(struct vb_fan *f, void (*fn)(void *arg, const struct vb_event *e), void *arg)
{
	struct vb_event e;

	if (f->out[0] < 0)
		return;
	while (read(f->out[0], &e, sizeof(e)) == sizeof(e))
		fn(arg, &e);
}

void vb_fan_stop(struct vb_fan *f)
{
	if (f->running) {
		if (write(f->wake[1], "x", 1) != 1)
			pthread_cancel(f->thread);
		pthread_join(f->thread, NULL);
		f->running = false;
	}
	for (int *fd = &f->wake[0]; fd <= &f->out[1]; fd++) {
		if (*fd >= 0)
			close(*fd);
		*fd = -1;
	}
	if (f->mountinfo_fd >= 0)
		close(f->mountinfo_fd);
	if (f->init_mountinfo_fd >= 0)
		close(f->init_mountinfo_fd);
	if (f->rules_fd >= 0)
		close(f->rules_fd);
	if (f->fd >= 0)
		close(f->fd);
	f->fd = f->mountinfo_fd = f->init_mountinfo_fd = f->rules_fd = -1;
}
