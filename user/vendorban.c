// SPDX-License-Identifier: GPL-2.0
/* vendorban: the command line for operators, policy staff and auditors. */
#include <stdio.h>
#include <string.h>
#include "cli.h"
#include "msg.h"

bool cli_json;

static int do_help(int argc, char **argv);

static const struct cli_cmd commands[] = {
	{ "status", do_status, "is the kernel enforcing right now, with which policy" },
	{ "policy", do_policy, "check policy files" },
	{ "scan", do_scan, "list files a policy would deny: the inventory, or a preview (--summary)" },
	{ "identify", do_identify, "who made a file (signatures, package, module) and the verdict" },
	{ "reload", do_reload, "load the policy file again and report the outcome" },
	{ "log", do_log, "the denial log: verify its chain, show, summary, HTML report" },
	{ "disable", do_disable, "stop enforcing: detach from the kernel (needs --yes)" },
	{ "help", do_help, "this list" },
	{},
};

int cli_dispatch(const struct cli_cmd *cmds, const char *what, int argc, char **argv)
{
	if (argc >= 1)
		for (const struct cli_cmd *c = cmds; c->name; c++)
			if (!strcmp(argv[0], c->name))
				return c->fn(argc, argv);
	if (argc >= 1)
		vb_err("unknown %s '%s'", what, argv[0]);
	fprintf(stderr, "%s:\n", argc >= 1 ? "commands" : "usage: vendorban [--json] COMMAND");
	for (const struct cli_cmd *c = cmds; c->name; c++)
		fprintf(stderr, "  %-10s %s\n", c->name, c->help);
	return 2;
}

static int do_help(int argc, char **argv)
{
	printf("usage: vendorban [-j|--json] COMMAND [ARGS]\n");
	for (const struct cli_cmd *c = commands; c->name; c++)
		printf("  %-10s %s\n", c->name, c->help);
	return 0;
}

int main(int argc, char **argv)
{
	int i, n = 0;

	vb_msg_init("vendorban", 0);
	/* -j/--json may stand anywhere, as in bpftool. */
	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "-j") || !strcmp(argv[i], "--json"))
			cli_json = true;
		else
			argv[1 + n++] = argv[i];
	}
	return cli_dispatch(commands, "command", n, argv + 1);
}
