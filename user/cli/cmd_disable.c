// SPDX-License-Identifier: GPL-2.0
/* vendorban disable: the one deliberate way to stop enforcing. Stopping the daemon is not it. */
#include <errno.h>
#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include "cli/cli.h"
#include "util/msg.h"

/* vendorband beside this program, else the one on PATH. */
static void daemon_binary(char *buf, size_t len)
{
	char self[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 1);

	if (n > 0) {
		self[n] = 0;
		snprintf(buf, len, "%s/vendorband", dirname(self));
		if (!access(buf, X_OK))
			return;
	}
	snprintf(buf, len, "vendorband");
}

int do_disable(int argc, char **argv)
{
	char *args[6] = { NULL, "--disable" }, bin[PATH_MAX + 16];
	int n = 2;

	if ((argc != 2 && argc != 4) || strcmp(argv[1], "--yes") ||
	    (argc == 4 && strcmp(argv[2], "--log"))) {
		fprintf(stderr, "usage: vendorban disable --yes [--log FILE]\n"
			"  Detaches vendorban from the kernel: banned software can run again.\n"
			"  Stop vendorband first (systemctl stop vendorband). The disable is\n"
			"  written into the denial log (default " "/var/log/vendorban/denials.jsonl"
			") first.\n");
		return 2;
	}
	if (geteuid()) {
		vb_err("disable needs root");
		return 2;
	}
	/* Only the vendorband that loaded the programs may change them (bpf/guard.bpf.h): it
	 * does the work, and records it in the chained log before enforcement stops. */
	if (argc == 4) {
		args[n++] = "--log";
		args[n++] = argv[3];
	}
	daemon_binary(bin, sizeof(bin));
	args[0] = bin;
	fflush(NULL);
	execvp(bin, args);
	vb_err("cannot run %s: %s", bin, strerror(errno));
	return 1;
}
