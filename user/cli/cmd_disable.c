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

#define VB_DISABLE_MAX_ARGS	40	/* options passed on to vendorband --disable */
#define DISABLE_USAGE \
	"usage: vendorban [--json] disable --yes [--log FILE] [--order FILE " \
	"--trusted-signer CERT...]\n" \
	"  Detaches vendorban from the kernel: banned software can run again.\n" \
	"  Stop vendorband first (systemctl stop vendorband). The disable is\n" \
	"  written into the denial log first. Where vendorband enforces signed\n" \
	"  policies only, it needs a disable order signed the same way, for this\n" \
	"  host, not older than the policy in force (README: Stopping enforcement).\n" \
	"  exit: 0 not enforcing any more (or was not), 1 refused or failed, 2 usage error\n"

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
	char *args[VB_DISABLE_MAX_ARGS + 5] = { NULL, "--disable" }, bin[PATH_MAX + 16];
	int n = 2;

	if (cli_wants_help(argc, argv, DISABLE_USAGE))
		return 0;
	if (argc < 2 || strcmp(argv[1], "--yes") || argc - 2 > VB_DISABLE_MAX_ARGS) {
		vb_err(argc < 2 || strcmp(argv[1], "--yes") ?
		       "disable: it stops enforcing: say so with --yes" :
		       "disable: too many arguments");
		fputs(DISABLE_USAGE, stderr);
		return 2;
	}
	if (geteuid()) {
		vb_err("disable needs root");
		return 2;
	}
	/* Only the vendorband that loaded the programs may change them (bpf/guard.bpf.h): it
	 * checks the order, and records the disable in the chained log before enforcement
	 * stops. Its options are passed on as they are. */
	if (cli_json)
		args[n++] = cli_pretty ? "--pretty" : "--json";
	for (int i = 2; i < argc; i++)
		args[n++] = argv[i];
	daemon_binary(bin, sizeof(bin));
	args[0] = bin;
	fflush(NULL);
	execvp(bin, args);
	vb_err("cannot run %s: %s", bin, strerror(errno));
	return 1;
}
