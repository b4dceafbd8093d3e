// SPDX-License-Identifier: GPL-2.0
/* The one command dispatcher, for the top level and for every command with subcommands. */
#include <stdio.h>
#include <string.h>
#include "cli/cli.h"
#include "util/msg.h"

static void print_usage(FILE *f, const struct cli_cmd *cmds, const char *usage)
{
	if (usage) {
		fputs(usage, f);
		return;
	}
	fprintf(f, "usage: vendorban [--json | --pretty] COMMAND [ARGS]\n"
		"       vendorban --version | --help\ncommands:\n");
	for (const struct cli_cmd *c = cmds; c->name; c++)
		fprintf(f, "  %-10s %s\n", c->name, c->help);
	fprintf(f, "COMMAND --help says more; man vendorban(8) says everything.\n");
}

static bool is_help(const char *arg)
{
	return !strcmp(arg, "--help") || !strcmp(arg, "-h") || !strcmp(arg, "help");
}

bool cli_wants_help(int argc, char **argv, const char *usage)
{
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--"))
			break;
		if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
			fputs(usage, stdout);
			return true;
		}
	}
	return false;
}

int cli_dispatch(const struct cli_cmd *cmds, const char *what, const char *usage, int argc,
		 char **argv)
{
	if (argc < 1) {
		vb_err("no %s given", what);	/* under --json, the error object */
		print_usage(stderr, cmds, usage);
		return 2;
	}
	for (const struct cli_cmd *c = cmds; c->name; c++)
		if (!strcmp(argv[0], c->name))
			return c->fn(argc, argv);
	if (is_help(argv[0])) {
		print_usage(stdout, cmds, usage);
		return 0;
	}
	vb_err("unknown %s '%s'", what, argv[0]);
	print_usage(stderr, cmds, usage);
	return 2;
}
