// SPDX-License-Identifier: GPL-2.0
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <sys/inotify.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <bpf/bpf.h>
#include "daemon/watch.h"
#include "kernel/guard.h"

#define VB_UNSHADOW_TRIES	4	/* mounts stacked over the pins that are taken off */
#define VB_PIN_EVENTS	(IN_CREATE | IN_DELETE | IN_MOVED_FROM | IN_MOVED_TO | IN_DELETE_SELF | \
			 IN_MOVE_SELF)

static __u32 obj_id(int fd)
{
	struct bpf_map_info info = {};
	__u32 len = sizeof(info);

	return bpf_obj_get_info_by_fd(fd, &info, &len) ? 0 : info.id;
}

static __u32 link_id(int fd)
{
	struct bpf_link_info info = {};
	__u32 len = sizeof(info);

	return bpf_obj_get_info_by_fd(fd, &info, &len) ? 0 : info.id;
}

static int pin_name(char *buf, size_t len, const char *dir, const char *name)
{
	return snprintf(buf, len, "%s/%s", dir, name) >= (int)len ? -ENAMETOOLONG : 0;
}

int vb_watch_start(struct vb_watch *w, struct vb_kernel *k)
{
	struct dirent *de;
	struct stat st;
	char pin[512];
	DIR *d;

	memset(w, 0, sizeof(*w));
	w->inotify_fd = -1;
	if (stat(VB_PIN_DIR, &st))
		return -errno;
	w->pin_dev = st.st_dev;
	w->pin_ino = st.st_ino;
	for (int i = 0; i < VB_MAP_MAX; i++)
		w->map_ids[i] = obj_id(k->map_fd[i]);
	/* Links by their pins' names: a daemon that took over holds no link of its own. */
	d = opendir(VB_PIN_LINK_DIR);
	while (d && (de = readdir(d)) && w->n_links < VB_WATCH_LINKS_MAX) {
		int fd;

		if (strncmp(de->d_name, "link_", 5) ||
		    pin_name(pin, sizeof(pin), VB_PIN_LINK_DIR, de->d_name))
			continue;
		fd = bpf_obj_get(pin);
		if (fd < 0)
			continue;
		w->links[w->n_links].id = link_id(fd);
		snprintf(w->links[w->n_links].name, sizeof(w->links[0].name), "%.63s", de->d_name);
		w->n_links++;
		close(fd);
	}
	if (d)
		closedir(d);
	w->inotify_fd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
	if (w->inotify_fd >= 0) {
		inotify_add_watch(w->inotify_fd, VB_PIN_DIR, VB_PIN_EVENTS);
		inotify_add_watch(w->inotify_fd, VB_PIN_LINK_DIR, VB_PIN_EVENTS);
	}
	return 0;
}

void vb_watch_stop(struct vb_watch *w)
{
	if (w->inotify_fd >= 0)
		close(w->inotify_fd);
	w->inotify_fd = -1;
}

static bool pins_visible(const struct vb_watch *w)
{
	struct stat st;

	return !stat(VB_PIN_DIR, &st) && st.st_dev == w->pin_dev && st.st_ino == w->pin_ino;
}

/*
 * Under systemd's ProtectSystem= the daemon has a mount namespace of its own, a slave of the
 * host's: a mount laid over the pins in the host's reaches it, but taking it off only here
 * would leave it there, hiding the pins from status and disable. So it is taken off where it
 * was laid, in PID 1's namespace, by a child (the daemon stays in its own; setns needs
 * CAP_SYS_ADMIN and CAP_SYS_CHROOT, opening PID 1's namespace CAP_SYS_PTRACE), then here.
 */
static bool shadowed(const struct vb_watch *w, const char *path)
{
	struct stat st;

	return !stat(path, &st) && st.st_dev != w->pin_dev;
}

/* Each side checks again first: once the host's mount is gone (and its removal propagated),
 * path is the pins' own bpffs, which must stay. */
static void umount_everywhere(const struct vb_watch *w, const char *path)
{
	struct stat self_ns, init_ns;
	int fd, status;
	pid_t pid;

	if (!stat("/proc/self/ns/mnt", &self_ns) && !stat("/proc/1/ns/mnt", &init_ns) &&
	    self_ns.st_ino != init_ns.st_ino) {
		fd = open("/proc/1/ns/mnt", O_RDONLY | O_CLOEXEC);
		pid = fd < 0 ? -1 : fork();
		if (pid == 0)
			_exit(setns(fd, CLONE_NEWNS) ||
			      (shadowed(w, path) && umount2(path, MNT_DETACH)) ? 1 : 0);
		if (fd >= 0)
			close(fd);
		if (pid > 0)
			waitpid(pid, &status, 0);
	}
	if (shadowed(w, path))
		umount2(path, MNT_DETACH);
}

/* Something mounted over the pins (or over the bpffs holding them) hides them from every
 * reader, status and the next daemon included, while the kernel goes on enforcing. The guard
 * cannot refuse a mount; the daemon takes it off again. */
static void unshadow(struct vb_watch *w, vb_watch_report_fn report, void *arg)
{
	struct stat st;

	if (pins_visible(w))
		return;
	for (int i = 0; i < VB_UNSHADOW_TRIES && !pins_visible(w); i++) {
		if (!stat(VB_PIN_DIR, &st) && st.st_dev != w->pin_dev)
			umount_everywhere(w, VB_PIN_DIR);
		else if (!stat("/sys/fs/bpf", &st) && st.st_dev != w->pin_dev)
			umount_everywhere(w, "/sys/fs/bpf");
		else
			break;
	}
	report(arg, "the pins were hidden by a mount", pins_visible(w));
}

/* A pin that is gone while the pins are hidden again (a mount since unshadow()) was not
 * removed: nothing is pinned into the mount, and the next check takes it off. */
static bool hidden_again(const struct vb_watch *w, int fd)
{
	return fd < 0 && !pins_visible(w);
}

/* 0, or -EAGAIN when the pins were hidden again midway. */
static int check_map_pins(struct vb_watch *w, struct vb_kernel *k, vb_watch_report_fn report,
			  void *arg)
{
	LIBBPF_OPTS(bpf_obj_get_opts, ro, .file_flags = BPF_F_RDONLY);
	char pin[512], what[600];

	for (int i = 0; i < VB_MAP_MAX; i++) {
		const char *name = vb_map_name(i);
		int fd;
		__u32 id = 0;

		if (pin_name(pin, sizeof(pin), VB_PIN_DIR, name))
			continue;
		fd = bpf_obj_get_opts(pin, &ro);
		if (fd >= 0) {
			id = obj_id(fd);
			close(fd);
		}
		if (id == w->map_ids[i])
			continue;
		if (hidden_again(w, fd))
			return -EAGAIN;
		if (fd >= 0)
			unlink(pin);
		snprintf(what, sizeof(what), "pin %s was %s", pin, fd >= 0 ? "replaced" : "removed");
		report(arg, what, !bpf_obj_pin(k->map_fd[i], pin));
	}
	return 0;
}

/* 0, or -EAGAIN as check_map_pins(). */
static int check_links(struct vb_watch *w, vb_watch_report_fn report, void *arg)
{
	char pin[512], what[600];

	for (int i = 0; i < w->n_links; i++) {
		int fd, byid;
		__u32 id = 0;

		if (pin_name(pin, sizeof(pin), VB_PIN_LINK_DIR, w->links[i].name))
			continue;
		fd = bpf_obj_get(pin);
		if (fd >= 0) {
			id = link_id(fd);
			close(fd);
		}
		if (id == w->links[i].id)
			continue;
		if (hidden_again(w, fd))
			return -EAGAIN;
		/* Pinned again from the link itself, while it is attached. */
		byid = bpf_link_get_fd_by_id(w->links[i].id);
		if (byid < 0) {
			snprintf(what, sizeof(what), "program link %u (%s) was detached: restart "
				 "vendorband to attach it again", w->links[i].id, w->links[i].name);
			report(arg, what, false);
			w->links[i].id = 0;	/* said once */
			continue;
		}
		if (fd >= 0)
			unlink(pin);
		snprintf(what, sizeof(what), "link pin %s was %s", pin, fd >= 0 ? "replaced" :
			 "removed");
		report(arg, what, !bpf_obj_pin(byid, pin));
		close(byid);
	}
	return 0;
}

/* The active slot and the switch are the daemon's to set; so is the guard's idea of who the
 * daemon is. */
static void check_state(struct vb_kernel *k, __u64 seq, vb_watch_report_fn report, void *arg)
{
	struct vb_settings set;
	struct vb_guard g;
	__u32 zero = 0;
	char what[160];
	__u64 now = __atomic_load_n(&k->state->seq, __ATOMIC_ACQUIRE);

	if (now != seq) {
		__atomic_store_n(&k->state->seq, seq, __ATOMIC_RELEASE);
		snprintf(what, sizeof(what), "the active policy slot was switched (load %llu, not "
			 "%llu)", (unsigned long long)now, (unsigned long long)seq);
		report(arg, what, true);
	}
	if (!bpf_map_lookup_elem(k->map_fd[VB_MAP_SETTINGS], &zero, &set) && !set.enabled) {
		report(arg, "enforcement was switched off in settings",
		       !vb_settings_write(k));
	}
	if (!vb_guard_read(k, &g) && g.daemon_tgid != (__u32)getpid())
		report(arg, "the kernel no longer knows this process as the daemon",
		       !vb_guard_claim(k));
}

void vb_watch_check(struct vb_watch *w, struct vb_kernel *k, __u64 seq, __u64 now_ms,
		    vb_watch_report_fn report, void *arg)
{
	char buf[4096] __attribute__((aligned(__alignof__(struct inotify_event))));
	bool changed = false;

	if (!w->pin_ino)
		return;		/* vb_watch_start() failed: nothing noted to compare with */
	while (w->inotify_fd >= 0 && read(w->inotify_fd, buf, sizeof(buf)) > 0)
		changed = true;
	if (!changed && now_ms < w->next_ms)
		return;
	w->next_ms = now_ms + VB_WATCH_MS;
	unshadow(w, report, arg);
	if (!pins_visible(w))
		return;
	if (check_map_pins(w, k, report, arg) || check_links(w, report, arg)) {
		w->next_ms = 0;		/* at the next tick: the mount comes off then */
		return;
	}
	check_state(k, seq, report, arg);
}
