// SPDX-License-Identifier: GPL-2.0
/* vendorban: the command line for operators, policy staff and auditors. */
#include <stdio.h>
#include <string.h>
#include "cli/cli.h"
#include "util/msg.h"
#include "version.h"

/* help, -h and --help are the dispatcher's (cli/dispatch.c), at every level. */
static const struct cli_cmd commands[] = {
	{ "status", do_status, "is the kernel enforcing right now, with which policy" },
	{ "policy", do_policy, "check policy files" },
	{ "scan", do_scan, "list files a policy would deny: the inventory, or a preview (--summary)" },
	{ "sweep", do_sweep, "everything banned on this host: files, packages, processes, modules" },
	{ "identify", do_identify, "who made a file (signatures, package, module) and the verdict" },
	{ "reload", do_reload, "load the policy file again and report the outcome" },
	{ "log", do_log, "the denial log: verify its chain, show, summary, HTML report" },
	{ "install-check", do_install_check, "refuse a banned vendor's package before it is "
	  "installed (apt, dpkg and rpm hooks)" },
	{ "attest", do_attest, "a signed compliance statement for auditors; verify, summary" },
	{ "disable", do_disable, "stop enforcing: detach from the kernel (needs --yes)" },
	{},
};

int main(int argc, char **argv)
{
	bool json = false, pretty = false;
	int i, n = 0;

	vb_msg_init("vendorban", 0);
	/* -j/--json (and --pretty, which implies it) may stand anywhere, as in bpftool; but after
	 * "--" nothing is an option (a file may be named -j): "--" and the rest go to the command
	 * as they are. */
	for (i = 1; i < argc && strcmp(argv[i], "--"); i++) {
		if (!strcmp(argv[i], "-j") || !strcmp(argv[i], "--json"))
			json = true;
		else if (!strcmp(argv[i], "--pretty"))
			json = pretty = true;
		else
			argv[1 + n++] = argv[i];
	}
	while (i < argc)
		argv[1 + n++] = argv[i++];
	if (json)
		cli_json_mode(pretty);
	if (n >= 1 && !strcmp(argv[1], "--version")) {
		printf("vendorban %s\n", VB_VERSION);
		return 0;
	}
	return cli_dispatch(commands, "command", NULL, n, argv + 1);
}
