// SPDX-License-Identifier: GPL-2.0
/* Where the kernel cannot hash (the fmod_ret path), the daemon judges content through fanotify
 * (fanotify.c) and tells the kernel so (guard.content_tgid), for option unjudged-exec;
 * it keeps saying so only if its content canary is refused. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include <bpf/bpf.h>
#include <openssl/evp.h>
#include "daemon/daemon.h"
#include "daemon/selftest.h"
#include "kernel/facts.h"
#include "kernel/guard.h"
#include "util/msg.h"

void daemon_judge_content(struct daemon *d)
{
	struct vb_selftest st;
	int err, result = 0;

	/* Until proven below, no daemon judges content: not a previous one either. */
	vb_guard_set_content(&d->k, 0);
	if (d->k.settings.path != VB_PATH_FMOD_RET || d->k.settings.can_hash)
		return;
	d->fan = calloc(1, sizeof(*d->fan));
	if (!d->fan || vb_fan_start(d->fan, &d->k)) {
		free(d->fan);
		d->fan = NULL;
		goto not_checked;
	}
	/* Said before the proof: under option unjudged-exec deny the kernel would refuse the
	 * canary itself (EACCES) while no daemon judges; taken back if the proof fails. */
	vb_guard_set_content(&d->k, getpid());
	/* The policy's own content canary, a file (fanotify cannot watch the memfds the
	 * daemon's other canaries are: their filesystem is the kernel's internal one). */
	err = vb_selftest_policy(true, &st);
	result = st.hash_errno;
	if (err || !st.hashing) {
		vb_err("fanotify runs but did not refuse the content canary %s (%s)",
		       VB_CANARY_HASH_FILE, err ? strerror(-err) : result ? strerror(result) :
		       "it ran");
		daemon_stop_judging_content(d);
		goto not_checked;
	}
	/* Where content is judged, a file mapped executable with no verdict is as on the lsm
	 * path: mprotect(PROT_EXEC) of it is refused unless told otherwise. */
	if (d->mprotect_deny < 0)
		d->k.settings.mprotect_unverified_deny = 1;
	vb_settings_write(&d->k);
	vb_info("content rules: checked in the daemon (fanotify), proven by the content canary; "
		"not while the daemon is down");
	return;
not_checked:
	vb_err("NOT ENFORCING sha256 rules on this path: the kernel cannot hash content and the "
	       "daemon cannot either; path, scan and module rules are enforced");
}

void daemon_stop_judging_content(struct daemon *d)
{
	if (!d->fan)
		return;
	vb_fan_stop(d->fan);
	free(d->fan);
	d->fan = NULL;
	vb_guard_set_content(&d->k, 0);
}

/* The file as the process that ran it sees it: through its root, in its mount namespace
 * (the parent's, if it is gone already). An fd, or -errno. */
static int open_as_seen(const struct vb_event *e, char *via, size_t len)
{
	const __u32 pids[] = { e->pid, e->ppid };
	char path[VB_EV_PATH_MAX + 1];
	int fd = -ENOENT;

	memcpy(path, e->path, VB_EV_PATH_MAX);
	path[VB_EV_PATH_MAX] = 0;
	/* A memfd has no path to open again: the program the process runs is the file. */
	if (!strncmp(path, "/memfd:", 7)) {
		struct stat st;

		snprintf(via, len, "/proc/%u/exe", e->pid);
		fd = open(via, O_RDONLY | O_CLOEXEC);
		if (fd >= 0 && (fstat(fd, &st) || (__u64)st.st_ino != e->ino)) {
			close(fd);
			fd = -ESTALE;
		}
		return fd < 0 ? (fd == -ESTALE ? fd : -errno) : fd;
	}
	if (path[0] != '/' || (e->flags & (VB_EV_F_NAME_ONLY | VB_EV_F_PATH_TRUNC)))
		return -ENOENT;
	for (size_t i = 0; i < sizeof(pids) / sizeof(pids[0]) && fd < 0; i++) {
		struct stat st;

		snprintf(via, len, "/proc/%u/root%s", pids[i], path);
		fd = open(via, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
		if (fd < 0) {
			fd = -errno;
		} else if (fstat(fd, &st) || (__u64)st.st_ino != e->ino) {
			close(fd);	/* another file by now: not the one that ran */
			fd = -ESTALE;
		}
	}
	return fd;
}

static int sha256_fd(int fd, __u8 *md)
{
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();
	unsigned char buf[16384];
	ssize_t n;
	int err = 0;

	if (!ctx || !EVP_DigestInit_ex(ctx, EVP_sha256(), NULL)) {
		EVP_MD_CTX_free(ctx);
		return -ENOMEM;
	}
	while ((n = read(fd, buf, sizeof(buf))) > 0)
		EVP_DigestUpdate(ctx, buf, n);
	if (n < 0 || !EVP_DigestFinal_ex(ctx, md, NULL))
		err = n < 0 ? -errno : -EIO;
	EVP_MD_CTX_free(ctx);
	return err;
}

/* The active slot's hash rule for md: 0 and *ref, -ENOENT, or another -errno. */
static int hash_rule(struct daemon *d, const __u8 *md, struct vb_rule_ref *ref)
{
	__u64 seq = __atomic_load_n(&d->k.state->seq, __ATOMIC_ACQUIRE);
	__u32 slot = seq & 1, id;
	int fd, err = 0;

	if (bpf_map_lookup_elem(d->k.map_fd[VB_MAP_HASH_SLOTS], &slot, &id))
		return -errno;
	fd = bpf_map_get_fd_by_id(id);
	if (fd < 0)
		return -errno;
	if (bpf_map_lookup_elem(fd, md, ref))
		err = -errno;
	close(fd);
	return err;
}

/*
 * The kernel let an exec run that no one could judge by its content: no daemon judged (the
 * event waited in the ring buffer), or the file is on a filesystem fanotify was not watching
 * (mounted in another mount namespace). Now: watch that filesystem, so its next exec is
 * judged, and hash the file; if a sha256 rule names it, the log says it ran.
 */
void daemon_judge_later(struct daemon *d, const struct vb_event *e)
{
	struct vb_event rec = *e;
	struct vb_rule_ref ref;
	char via[VB_EV_PATH_MAX + 64];
	int fd, err;

	fd = open_as_seen(e, via, sizeof(via));
	if (fd < 0)
		return;
	if (d->fan && vb_fan_mark(d->fan, via) == 0)
		vb_info("content rules: watching the filesystem of %s (pid %u ran it before anyone "
			"could judge it)", via, e->pid);
	err = sha256_fd(fd, rec.sha256);
	close(fd);
	if (err || hash_rule(d, rec.sha256, &ref) || ref.rule_idx == VB_RULE_CANARY)
		return;
	/* It ran: the record says what the policy says of it, and that it was too late. */
	rec.match = VB_MATCH_HASH;
	rec.rule_idx = ref.rule_idx;
	rec.mode = ref.mode;
	rec.ret = 0;
	rec.flags = (e->flags & ~VB_EV_F_DENIED) | VB_EV_F_HAS_SHA256 | VB_EV_F_DAEMON;
	vb_err("%s ran unjudged (pid %u) and a sha256 rule names it", via, e->pid);
	daemon_on_own_event(d, &rec);
}

#define VB_WATCH_PENDING	64	/* filesystems made but not yet found mounted */
#define VB_WATCH_PENDING_MS	10000	/* looked for this long, then left to the first exec */
#define VB_WATCH_EAGER_MS	50	/* looked for every millisecond this long (mount(2) attaches
					 * a moment after the kernel tells), then every turn */

static struct {
	__u32 pid, ppid, dev;
	__u64 since_ms, next_ms;
} pending[VB_WATCH_PENDING];

static int watch_dev(struct daemon *d, __u32 pid, __u32 ppid, __u32 dev)
{
	int err = vb_fan_watch_dev(d->fan, pid, dev);

	return err ? vb_fan_watch_dev(d->fan, ppid, dev) : 0;
}

/* Never a sleep here: a user making detached mounts in a loop would stall the ring-buffer
 * reader. The main loop polls sooner instead, by what this returns. */
int daemon_watch_pending(struct daemon *d, int wait_ms)
{
	__u64 now = daemon_now_ms();

	for (size_t i = 0; i < VB_WATCH_PENDING; i++) {
		if (!pending[i].dev)
			continue;
		if (!d->fan || now > pending[i].since_ms + VB_WATCH_PENDING_MS) {
			pending[i].dev = 0;
			continue;
		}
		if (now >= pending[i].next_ms) {
			if (!watch_dev(d, pending[i].pid, pending[i].ppid, pending[i].dev)) {
				pending[i].dev = 0;
				continue;
			}
			pending[i].next_ms = now + (now - pending[i].since_ms < VB_WATCH_EAGER_MS ?
						    1 : (__u64)wait_ms);
		}
		if (pending[i].next_ms <= now)
			wait_ms = 0;
		else if (pending[i].next_ms - now < (__u64)wait_ms)
			wait_ms = (int)(pending[i].next_ms - now);
	}
	return wait_ms;
}

static void watch_later(const struct vb_event *e)
{
	size_t i;

	/* Full: the newest replaces the last. What is not watched is refused at exec
	 * (EACCES), and that refusal has it watched (sink.c): nothing runs unjudged. */
	for (i = 0; i < VB_WATCH_PENDING - 1 && pending[i].dev; i++)
		;
	pending[i].pid = e->pid;
	pending[i].ppid = e->ppid;
	pending[i].dev = e->dev;
	pending[i].since_ms = daemon_now_ms();
	pending[i].next_ms = pending[i].since_ms + 1;
}

/*
 * The kernel made a filesystem or memfd while this daemon judges content (VB_OP_WATCH), or
 * refused an exec from one fanotify did not ask about (match "unverified"): watch it, so what
 * runs from it is judged by content from now on. Until then the kernel refuses such an exec
 * with EACCES rather than let it run unjudged.
 */
void daemon_watch(struct daemon *d, const struct vb_event *e)
{
	char via[VB_EV_PATH_MAX + 64];
	struct stat st;
	int fd, err;

	if (!d->fan)
		return;
	if (e->op == VB_OP_WATCH && e->rule_idx != VB_WATCH_FS) {
		/* A memfd, by the descriptor memfd_create gave: still that file? */
		snprintf(via, sizeof(via), "/proc/%u/fd/%u", e->pid, e->rule_idx);
		if (stat(via, &st) || (__u64)st.st_ino != e->ino || vb_kdev(st.st_dev) != e->dev)
			return;
		err = vb_fan_mark_inode(d->fan, via);
		if (err)
			vb_warn("fanotify: cannot watch memfd %s of pid %u: %s; it is refused as a "
				"program while the daemon runs", via, e->pid, strerror(-err));
		return;
	}
	if (e->op == VB_OP_WATCH) {
		/* The kernel tells as it makes the filesystem, before mount(2) attaches it: a
		 * moment later it is there, in the maker's namespace (or its parent's, once the
		 * maker is gone). One made by fsmount(2) stays detached until move_mount(2). */
		if (watch_dev(d, e->pid, e->ppid, e->dev))
			watch_later(e);
		return;
	}
	fd = open_as_seen(e, via, sizeof(via));
	if (fd < 0)
		return;
	close(fd);
	if (vb_fan_mark(d->fan, via) == 0)
		vb_info("content rules: watching the filesystem of %s (pid %u ran it before it "
			"was watched: refused)", via, e->pid);
}
