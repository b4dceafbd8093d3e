// SPDX-License-Identifier: GPL-2.0
/* vendorban disable: the one deliberate way to stop enforcing. Stopping the daemon is not it. */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include "attach.h"
#include "cli.h"
#include "msg.h"

#define VB_PIDFILE	"/run/vendorban/vendorband.pid"

int do_disable(int argc, char **argv)
{
	FILE *f;
	int pid = 0, err;

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
	f = fopen(VB_PIDFILE, "r");
	if (f) {
		if (fscanf(f, "%d", &pid) != 1)
			pid = 0;
		fclose(f);
	}
	/* The daemon holds the programs too: unpinning under it would leave them attached while
	 * we report them gone. */
	if (pid > 0 && !kill(pid, 0)) {
		vb_err("vendorband is running (pid %d): stop it first; nothing was changed", pid);
		return 1;
	}
	if (access(VB_PIN_DIR, F_OK)) {
		printf("vendorban was not enforcing (nothing pinned under %s)\n", VB_PIN_DIR);
		return 0;
	}
	err = vb_kernel_unpin_all();
	if (err) {
		vb_err("cannot detach: %s; vendorban may still be enforcing (check: vendorban "
		       "status)", strerror(-err));
		return 1;
	}
	printf("vendorban is no longer enforcing: programs detached, policy maps released\n");
	return 0;
}
