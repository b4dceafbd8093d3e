// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>
#include <sys/syscall.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include "vendorban.skel.h"
#include "kernel/guard.h"
#include "kernel/rules.h"
#include "util/hex.h"
#include "util/msg.h"

int vb_guard_read(struct vb_kernel *k, struct vb_guard *g)
{
	__u32 zero = 0;

	if (bpf_map_lookup_elem(k->map_fd[VB_MAP_GUARD], &zero, g))
		return -errno;
	return 0;
}

static int guard_write(struct vb_kernel *k, const struct vb_guard *g)
{
	__u32 zero = 0;

	if (bpf_map_update_elem(k->map_fd[VB_MAP_GUARD], &zero, g, BPF_ANY))
		return -errno;
	return 0;
}

int vb_guard_set_content(struct vb_kernel *k, __u32 tgid)
{
	struct vb_guard g;
	int err = vb_guard_read(k, &g);

	if (err)
		return err;
	g.content_tgid = tgid;
	return guard_write(k, &g);
}

int vb_guard_claim(struct vb_kernel *k)
{
	struct vb_guard_mark m = { .tgid = getpid() };
	struct vb_guard g;
	int pidfd, err = 0;

	/* Task storage maps take a pidfd as the key from user space. */
	pidfd = syscall(SYS_pidfd_open, getpid(), 0);
	if (pidfd < 0)
		err = -errno;
	else if (bpf_map_update_elem(k->map_fd[VB_MAP_GUARD_MARK], &pidfd, &m, BPF_ANY))
		err = -errno;
	if (pidfd >= 0)
		close(pidfd);
	if (!err)
		err = vb_guard_read(k, &g);
	if (!err) {
		g.daemon_tgid = getpid();
		err = guard_write(k, &g);
	}
	if (err)
		vb_err("cannot mark this process as vendorban's daemon: %s", strerror(-err));
	return err;
}

int vb_guard_take_over(struct vb_kernel *k, int wait_ms)
{
	int err;

	for (int t = 0;; t += 100) {
		err = vb_kernel_open_pinned(k);
		if (err != -EPERM || t >= wait_ms)
			break;
		usleep(100000);
	}
	if (err == -EPERM)
		vb_err("the pinned programs are vendorban's guard's to refuse: another daemon "
		       "runs, or this is not the vendorband that loaded them (stop the daemon; "
		       "run the same vendorband; or reboot)");
	if (!err) {
		err = vb_guard_claim(k);
		if (err)
			vb_kernel_close(k);
	}
	return err;
}

int vb_guard_set_signer(struct vb_kernel *k, const __u8 digest[VB_SHA256_LEN])
{
	struct vb_guard g;
	int err = vb_guard_read(k, &g);

	if (!err) {
		memcpy(g.signer, digest, sizeof(g.signer));
		err = guard_write(k, &g);
	}
	return err;
}

int vb_guard_check_signer(struct vb_kernel *k, const struct vb_trust *trust)
{
	__u8 none[VB_SHA256_LEN] = {}, mine[VB_SHA256_LEN] = {};
	char hex[2 * VB_SHA256_LEN + 1];
	struct vb_guard g;
	int err = vb_guard_read(k, &g);

	if (err)
		return err;
	if (!memcmp(g.signer, none, sizeof(none)))
		return 0;
	if (trust && !vb_trust_digest(trust, mine) && !memcmp(g.signer, mine, sizeof(mine)))
		return 0;
	vb_hex(g.signer, VB_SHA256_LEN, hex);
	vb_err("the programs in the kernel were loaded to enforce only policies signed by the "
	       "trust store %.16s...; %s", hex, trust ? "these --trusted-signer certificates are "
	       "another store" : "this vendorband has no --trusted-signer");
	return -EKEYREJECTED;
}

int vb_guard_link_ids(struct vb_kernel *k, __u32 *ids, int max)
{
	int n = 0;

	for (int i = 0; k->skel && i < (int)k->skel->skeleton->prog_cnt && n < max; i++) {
		struct bpf_link *link = *k->skel->skeleton->progs[i].link;
		struct bpf_link_info info = {};
		__u32 len = sizeof(info);

		if (link && !bpf_obj_get_info_by_fd(bpf_link__fd(link), &info, &len))
			ids[n++] = info.id;
	}
	return n;
}

int vb_guard_arm(struct vb_kernel *k)
{
	struct vb_pathid_pending pp[3] = {
		{ .kind = VB_FD_PIN_DIR }, { .kind = VB_FD_LINK_DIR }, { .kind = VB_FD_EXE },
	};
	int fds[3], err, n;
	struct vb_guard g;

	err = vb_guard_read(k, &g);
	if (err)
		goto fail;
	n = vb_guard_link_ids(k, g.link_ids, VB_GUARD_MAX_LINKS);
	if (n) {
		g.n_links = n;
		err = guard_write(k, &g);
		if (err)
			goto fail;
	}
	/* The executable last: it arms the guard, once the rest is in place. */
	fds[0] = open(VB_PIN_DIR, O_PATH | O_DIRECTORY | O_CLOEXEC);
	fds[1] = open(VB_PIN_LINK_DIR, O_PATH | O_DIRECTORY | O_CLOEXEC);
	fds[2] = open("/proc/self/exe", O_PATH | O_CLOEXEC);
	if (fds[0] < 0 || fds[1] < 0 || fds[2] < 0)
		err = -errno;
	for (int i = 0; !err && i < 3; i++) {
		err = vb_kernel_learn_fds(k, &fds[i], &pp[i], 1);
		if (!err && !pp[i].registered)
			err = -ENOENT;
	}
	for (int i = 0; i < 3; i++)
		if (fds[i] >= 0)
			close(fds[i]);
	if (!err)
		return 0;
fail:
	vb_err("cannot arm vendorban's self-protection: %s (root can change the policy in force "
	       "without the daemon)", strerror(-err));
	return err;
}
