// SPDX-License-Identifier: GPL-2.0
/* vendorban disable: the one deliberate way to stop enforcing. Stopping the daemon is not it. */
#include <dirent.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include "kernel/attach.h"
#include "cli/cli.h"
#include "util/msg.h"
#include "daemon/runstate.h"

#define VB_MAX_LINKS	32
#define VB_DETACH_WAIT_MS 30000

/* The programs behind the pinned links: the kernel frees them once nothing attaches them. */
static int pinned_prog_ids(__u32 *ids, int max)
{
	struct dirent *de;
	char pin[512];
	int n = 0;
	DIR *d = opendir(VB_PIN_DIR);

	while (d && (de = readdir(d)) && n < max) {
		struct bpf_link_info info = {};
		__u32 len = sizeof(info);
		int fd;

		if (strncmp(de->d_name, "link_", 5))
			continue;
		snprintf(pin, sizeof(pin), VB_PIN_DIR "/%s", de->d_name);
		fd = bpf_obj_get(pin);
		if (fd < 0)
			continue;
		if (!bpf_obj_get_info_by_fd(fd, &info, &len))
			ids[n++] = info.prog_id;
		close(fd);
	}
	if (d)
		closedir(d);
	return n;
}

/* Detaching is not immediate everywhere (6.12 frees sleepable programs after an RCU tasks
 * trace grace period): report success only once every program is gone. */
static int wait_progs_gone(const __u32 *ids, int n)
{
	for (int t = 0; t < VB_DETACH_WAIT_MS; t += 100) {
		int alive = 0;

		for (int i = 0; i < n; i++) {
			int fd = bpf_prog_get_fd_by_id(ids[i]);

			if (fd >= 0) {
				alive++;
				close(fd);
			}
		}
		if (!alive)
			return 0;
		usleep(100000);
	}
	return -ETIMEDOUT;
}

int do_disable(int argc, char **argv)
{
	__u32 ids[VB_MAX_LINKS];
	int pid, err, n;

	if (argc != 2 || strcmp(argv[1], "--yes")) {
		fprintf(stderr, "usage: vendorban disable --yes\n"
			"  Detaches vendorban from the kernel: banned software can run again.\n"
			"  Stop vendorband first (systemctl stop vendorband).\n");
		return 2;
	}
	if (geteuid()) {
		vb_err("disable needs root");
		return 2;
	}
	/* The daemon holds the programs too: unpinning under it would leave them attached while
	 * we report them gone. */
	pid = vb_daemon_pid();
	if (pid) {
		vb_err("vendorband is running (pid %d): stop it first; nothing was changed", pid);
		return 1;
	}
	if (access(VB_PIN_DIR, F_OK)) {
		printf("vendorban was not enforcing (nothing pinned under %s)\n", VB_PIN_DIR);
		return 0;
	}
	n = pinned_prog_ids(ids, VB_MAX_LINKS);
	err = vb_kernel_unpin_all();
	if (!err)
		err = wait_progs_gone(ids, n);
	if (err) {
		vb_err("cannot detach: %s; vendorban may still be enforcing (check: vendorban "
		       "status)", strerror(-err));
		return 1;
	}
	printf("vendorban is no longer enforcing: programs detached, policy maps released\n");
	return 0;
}
