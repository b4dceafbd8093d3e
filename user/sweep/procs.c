// SPDX-License-Identifier: GPL-2.0
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/syscall.h>
#include "log/event.h"
#include "util/grow.h"
#include "sweep/procs.h"
#include "util/hex.h"
#include "vendorban.h"

#define PF_KTHREAD		0x00200000	/* include/linux/sched.h */
#define DELETED_SUFFIX		" (deleted)"
#define MEMFD_PREFIX		"/memfd:"
#define MAPPINGS_MAX		512		/* distinct files judged per process */

struct proc_stat {
	char comm[17];
	pid_t ppid;
	unsigned long flags;
	uint64_t start_ticks;
};

/* /proc/PID/stat: the comm is in parentheses and may hold anything, ')' included. */
static int read_stat(pid_t pid, struct proc_stat *st)
{
	char path[64], buf[1024], *open_paren, *close_paren;
	unsigned long long start;
	int fd, n, ppid;

	snprintf(path, sizeof(path), "/proc/%d/stat", pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return n < 0 ? -errno : -ESRCH;
	buf[n] = 0;
	open_paren = strchr(buf, '(');
	close_paren = strrchr(buf, ')');
	if (!open_paren || !close_paren || close_paren < open_paren)
		return -EBADMSG;
	snprintf(st->comm, sizeof(st->comm), "%.*s", (int)(close_paren - open_paren - 1),
		 open_paren + 1);
	/* Fields 3 on: state ppid pgrp session tty tpgid flags ... starttime (22). */
	if (sscanf(close_paren + 2, "%*c %d %*d %*d %*d %*d %lu %*u %*u %*u %*u %*u %*u %*d %*d "
		   "%*d %*d %*d %*d %llu", &ppid, &st->flags, &start) != 3)
		return -EBADMSG;
	st->ppid = ppid;
	st->start_ticks = start;
	return 0;
}

static uid_t read_uid(pid_t pid)
{
	char path[64], line[256];
	unsigned int uid = (unsigned int)-1;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/status", pid);
	f = fopen(path, "re");
	while (f && fgets(line, sizeof(line), f))
		if (sscanf(line, "Uid: %u", &uid) == 1)
			break;
	if (f)
		fclose(f);
	return uid;
}

static void note_unreadable(struct vb_procs *out, const char *what, int err)
{
	if (!out->unreadable++)
		snprintf(out->first_unreadable, sizeof(out->first_unreadable), "%s: %s", what,
			 strerror(-err));
}

/* A name as /proc shows it: " (deleted)" taken off and said; a memfd has no name a rule could
 * match. */
static const char *rule_name(const char *shown, char *name, size_t len, bool *deleted,
			     bool *memfd)
{
	size_t n = strlen(shown), sl = strlen(DELETED_SUFFIX);

	*deleted = n > sl && !strcmp(shown + n - sl, DELETED_SUFFIX);
	if (*deleted)
		n -= sl;
	snprintf(name, len, "%.*s", (int)n, shown);
	*memfd = !strncmp(name, MEMFD_PREFIX, strlen(MEMFD_PREFIX));
	return *memfd || name[0] != '/' ? NULL : name;
}

/* Is cand a better finding than best: any match beats none, enforce beats audit. */
static bool better(const struct vb_judgement *cand, const struct vb_proc_finding *best,
		   bool have)
{
	return !have || (cand->rule->mode == VB_MODE_ENFORCE &&
			 best->j.rule->mode != VB_MODE_ENFORCE);
}

struct proc_ctx {
	struct vb_judge *j;
	struct vb_procs *out;
	pid_t pid;
	struct vb_proc_finding best;
	bool have;
	struct { dev_t dev; ino_t ino; } seen[MAPPINGS_MAX];
	size_t n_seen;
	bool warned;
};

/* Judge the file open at fd for the process; keeps the best finding. */
static int judge_one(struct proc_ctx *c, int fd, const char *shown, const char *mapping)
{
	struct vb_judgement jm;
	char name[PATH_MAX];
	bool deleted, memfd;
	const char *path = rule_name(shown, name, sizeof(name), &deleted, &memfd);
	struct stat st;
	int ret;

	if (fstat(fd, &st))
		return 0;
	for (size_t i = 0; i < c->n_seen; i++)
		if (c->seen[i].dev == st.st_dev && c->seen[i].ino == st.st_ino)
			return 0;
	if (c->n_seen < MAPPINGS_MAX) {
		c->seen[c->n_seen].dev = st.st_dev;
		c->seen[c->n_seen++].ino = st.st_ino;
	}
	ret = vb_judge_fd(c->j, fd, path, &jm);
	if (ret == -ENOMEM)
		return ret;
	if (ret < 0) {
		char what[80];

		snprintf(what, sizeof(what), "/proc/%d %s", c->pid, mapping);
		note_unreadable(c->out, what, ret);
		return 0;
	}
	if (!ret)
		return 0;
	if (!better(&jm, &c->best, c->have)) {
		free(jm.evidence);
		return 0;
	}
	free(c->best.j.evidence);
	c->best.j = jm;
	c->have = true;
	snprintf(c->best.file, sizeof(c->best.file), "%s", name);
	c->best.file_deleted = deleted;
	c->best.mapping = memfd ? "memfd" : mapping;
	return 0;
}

/* Every file the process has mapped executable, through map_files (deleted ones too). */
static int judge_mappings(struct proc_ctx *c)
{
	char path[96], line[PATH_MAX + 128];
	FILE *f;
	int ret = 0;

	snprintf(path, sizeof(path), "/proc/%d/maps", c->pid);
	f = fopen(path, "re");
	if (!f) {
		if (errno != ENOENT && errno != ESRCH)
			note_unreadable(c->out, path, -errno);
		return 0;
	}
	while (!ret && fgets(line, sizeof(line), f)) {
		unsigned long start, end, ino;
		char perms[5];
		int off = 0, fd;

		line[strcspn(line, "\n")] = 0;
		if (sscanf(line, "%lx-%lx %4s %*s %*s %lu %n", &start, &end, perms, &ino, &off) < 4 ||
		    !off || perms[2] != 'x' || !ino)
			continue;
		snprintf(path, sizeof(path), "/proc/%d/map_files/%lx-%lx", c->pid, start, end);
		fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
		if (fd < 0) {
			/* map_files needs CAP_SYS_ADMIN: a sweep without it is incomplete. */
			if (errno != ENOENT && errno != ESRCH && !c->warned) {
				note_unreadable(c->out, path, -errno);
				c->warned = true;
			}
			continue;
		}
		ret = judge_one(c, fd, line + off, "library");
		close(fd);
	}
	fclose(f);
	return ret;
}

static int add_finding(struct vb_procs *out, struct vb_proc_finding *f)
{
	if (vb_grow_array((void **)&out->f, &out->cap, out->n, sizeof(*out->f)))
		return -ENOMEM;
	out->f[out->n++] = *f;
	return 0;
}

static int sweep_pid(struct vb_judge *j, pid_t pid, struct vb_procs *out)
{
	struct proc_ctx *c;
	struct proc_stat st;
	char path[64], shown[PATH_MAX];
	bool memfd;
	ssize_t n;
	int fd, ret;

	ret = read_stat(pid, &st);
	/* Gone meanwhile, or a kernel thread: nothing runs from a file there. */
	if (ret || (st.flags & PF_KTHREAD))
		return 0;
	c = calloc(1, sizeof(*c));
	if (!c)
		return -ENOMEM;
	c->j = j;
	c->out = out;
	c->pid = pid;
	out->seen++;
	snprintf(path, sizeof(path), "/proc/%d/exe", pid);
	n = readlink(path, shown, sizeof(shown) - 1);
	if (n < 0) {
		if (errno != ENOENT && errno != ESRCH)
			note_unreadable(out, path, -errno);
		goto out;	/* a zombie has no exe */
	}
	shown[n] = 0;
	rule_name(shown, c->best.exe, sizeof(c->best.exe), &c->best.exe_deleted, &memfd);
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	if (fd >= 0) {
		ret = judge_one(c, fd, shown, "exe");
		close(fd);
	} else if (errno != ENOENT && errno != ESRCH) {
		note_unreadable(out, path, -errno);
	}
	if (!ret)
		ret = judge_mappings(c);
	if (!ret && c->have) {
		c->best.pid = pid;
		c->best.ppid = st.ppid;
		c->best.uid = read_uid(pid);
		c->best.start_ticks = st.start_ticks;
		memcpy(c->best.comm, st.comm, sizeof(c->best.comm));
		ret = add_finding(out, &c->best);
		if (!ret)
			c->have = false;
	}
out:
	if (c->have)
		free(c->best.j.evidence);
	free(c);
	return ret;
}

int vb_procs_sweep(struct vb_judge *j, struct vb_procs *out)
{
	struct dirent *de;
	DIR *d;
	int ret = 0;

	memset(out, 0, sizeof(*out));
	d = opendir("/proc");
	if (!d)
		return -errno;
	while (!ret && (de = readdir(d))) {
		char *end;
		long pid = strtol(de->d_name, &end, 10);

		if (*end || pid <= 0 || pid == getpid())
			continue;
		ret = sweep_pid(j, pid, out);
	}
	closedir(d);
	return ret;
}

void vb_procs_free(struct vb_procs *out)
{
	for (size_t i = 0; i < out->n; i++)
		free(out->f[i].j.evidence);
	free(out->f);
	memset(out, 0, sizeof(*out));
}

static int pidfd_open(pid_t pid)
{
	return syscall(SYS_pidfd_open, pid, 0);
}

static int pidfd_signal(int pidfd, int sig)
{
	return syscall(SYS_pidfd_send_signal, pidfd, sig, NULL, 0) ? -errno : 0;
}

/* A pidfd for the process found, not for another that took its pid since. */
static int open_same(const struct vb_proc_finding *f, int *err)
{
	struct proc_stat st;
	int fd = pidfd_open(f->pid);

	if (fd < 0) {
		*err = -errno;
		return -1;
	}
	if (read_stat(f->pid, &st) || st.start_ticks != f->start_ticks) {
		close(fd);
		*err = -ESRCH;
		return -1;
	}
	return fd;
}

static bool found(const struct vb_procs *out, const struct vb_proc_finding *f)
{
	for (size_t i = 0; i < out->n; i++)
		if (out->f[i].pid == f->pid && out->f[i].start_ticks == f->start_ticks)
			return true;
	return false;
}

/* Stop each new enforce-mode finding from `from` on; how many were stopped. */
static size_t stop_new(struct vb_procs *out, size_t from, int *fds)
{
	size_t stopped = 0;

	for (size_t i = from; i < out->n; i++) {
		struct vb_proc_finding *f = &out->f[i];
		int err = 0;

		fds[i] = -1;
		if (f->j.rule->mode != VB_MODE_ENFORCE)
			continue;
		if (f->pid == 1 || f->pid == getpid()) {
			f->kill = VB_KILL_EXEMPT;
			continue;
		}
		fds[i] = open_same(f, &err);
		if (fds[i] < 0 || (err = pidfd_signal(fds[i], SIGSTOP))) {
			/* Gone already: it exited on its own, which is what a kill is for. */
			f->kill = err == -ESRCH ? VB_KILL_GONE : VB_KILL_FAILED;
			f->kill_err = err;
			if (fds[i] >= 0)
				close(fds[i]);
			fds[i] = -1;
			continue;
		}
		stopped++;
	}
	return stopped;
}

/* What the stopped ones forked before they stopped: added to out. */
static int look_again(struct vb_judge *j, struct vb_procs *out, int **fds)
{
	struct vb_procs again;
	int ret = vb_procs_sweep(j, &again);

	for (size_t i = 0; !ret && i < again.n; i++) {
		if (found(out, &again.f[i]))
			continue;
		ret = add_finding(out, &again.f[i]);
		if (!ret)
			again.f[i].j.evidence = NULL;
	}
	if (!ret) {
		int *n = realloc(*fds, (out->cap ? out->cap : 1) * sizeof(**fds));

		if (!n)
			ret = -ENOMEM;
		else
			*fds = n;
	}
	vb_procs_free(&again);
	return ret;
}

static void wait_gone(struct vb_procs *out, int *fds)
{
	struct timespec t0, now;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (size_t i = 0; i < out->n; i++) {
		struct vb_proc_finding *f = &out->f[i];
		struct pollfd pfd = { .fd = fds[i], .events = POLLIN };
		long left;

		if (fds[i] < 0)
			continue;
		clock_gettime(CLOCK_MONOTONIC, &now);
		left = VB_PROC_GONE_MS - ((now.tv_sec - t0.tv_sec) * 1000 +
					  (now.tv_nsec - t0.tv_nsec) / 1000000);
		/* A pidfd polls readable once the process has exited. */
		if (poll(&pfd, 1, left > 0 ? left : 0) == 1) {
			f->kill = VB_KILL_GONE;
		} else {
			f->kill = VB_KILL_FAILED;
			f->kill_err = -ETIMEDOUT;
		}
		close(fds[i]);
		fds[i] = -1;
	}
}

int vb_procs_kill(struct vb_judge *j, struct vb_procs *out)
{
	size_t from = 0;
	int *fds = malloc((out->cap ? out->cap : 1) * sizeof(*fds)), ret = 0;

	if (!fds)
		return -ENOMEM;
	/* Stopped processes cannot fork: stop, look again for children forked before the stop,
	 * until a look finds none; then kill them all at once. */
	for (int pass = 0; pass < VB_PROC_PASSES_MAX; pass++) {
		size_t n = out->n, stopped = stop_new(out, from, fds);

		from = n;
		if (!stopped)
			break;
		ret = look_again(j, out, &fds);
		if (ret)
			break;
		if (out->n == n)
			break;
	}
	/* Found by the last look, after the last pass: not stopped, so not killed either. */
	for (size_t i = from; i < out->n; i++) {
		fds[i] = -1;
		if (out->f[i].j.rule->mode == VB_MODE_ENFORCE) {
			out->f[i].kill = VB_KILL_FAILED;
			out->f[i].kill_err = -EAGAIN;
		}
	}
	for (size_t i = 0; i < out->n; i++) {
		int err;

		if (fds[i] < 0)
			continue;
		err = pidfd_signal(fds[i], SIGKILL);
		if (err && err != -ESRCH) {
			out->f[i].kill = VB_KILL_FAILED;
			out->f[i].kill_err = err;
			close(fds[i]);
			fds[i] = -1;
		}
	}
	wait_gone(out, fds);
	free(fds);
	return ret;
}

const char *vb_proc_action(const struct vb_proc_finding *f)
{
	return f->kill == VB_KILL_GONE ? "killed" : "running";
}

static void add_str(struct json_object *o, const char *k, const char *v)
{
	json_object_object_add(o, k, v ? json_object_new_string(v) : NULL);
}

struct json_object *vb_proc_finding_json(const struct vb_policy *p,
					 const struct vb_proc_finding *f)
{
	struct json_object *o = json_object_new_object();
	const struct vb_vendor *v = vb_rule_vendor(p, f->j.rule);
	long tick = sysconf(_SC_CLK_TCK);
	struct passwd *pw = getpwuid(f->uid);
	char buf[PATH_MAX + 64];

	if (!o)
		return NULL;
	json_object_object_add(o, "pid", json_object_new_int(f->pid));
	json_object_object_add(o, "ppid", json_object_new_int(f->ppid));
	json_object_object_add(o, "uid", json_object_new_int64(f->uid));
	add_str(o, "user", pw ? pw->pw_name : NULL);
	add_str(o, "comm", f->comm);
	/* starttime counts from boot, as CLOCK_BOOTTIME does (since 5.5). */
	vb_boot_ns_to_rfc3339(f->start_ticks * (1000000000ull / (tick > 0 ? tick : 100)), buf,
			      sizeof(buf));
	add_str(o, "started", buf);
	add_str(o, "exe", f->exe);
	json_object_object_add(o, "exe_deleted", json_object_new_boolean(f->exe_deleted));
	add_str(o, "file", f->file);
	json_object_object_add(o, "file_deleted", json_object_new_boolean(f->file_deleted));
	add_str(o, "mapping", f->mapping);
	vb_hex(f->j.sha256, 32, buf);
	add_str(o, "sha256", buf);
	add_str(o, "match", f->j.match);
	add_str(o, "evidence", f->j.evidence);
	add_str(o, "vendor", v ? v->id : NULL);
	add_str(o, "vendor_name", v ? v->name : NULL);
	add_str(o, "rule", f->j.rule->id);
	vb_rule_source(p, f->j.rule, buf, sizeof(buf));
	add_str(o, "rule_source", buf);
	add_str(o, "mode", vb_mode_name(f->j.rule->mode));
	if (f->kill == VB_KILL_GONE) {
		/* kill_err -ESRCH: it exited on its own between the sweep and the kill. */
		add_str(o, "signal", f->kill_err ? NULL : "SIGKILL");
		json_object_object_add(o, "gone", json_object_new_boolean(true));
	} else if (f->kill == VB_KILL_FAILED) {
		add_str(o, "kill_error", f->kill_err == -ETIMEDOUT ? "still running after SIGKILL" :
				       strerrorname_np(-f->kill_err));
	} else if (f->kill == VB_KILL_EXEMPT) {
		add_str(o, "kill_error", f->pid == 1 ? "not killed: PID 1" :
						     "not killed: the sweeping process itself");
	}
	return o;
}
