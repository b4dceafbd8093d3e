// SPDX-License-Identifier: GPL-2.0
#include <getopt.h>
#include "cli/opterr.h"
#include "util/msg.h"

void cli_option_error(const char *cmd, int c, char **argv)
{
	const char *opt = argv[optind - 1];

	if (c == ':')
		vb_err("%s: option '%s' needs an argument", cmd, opt);
	else
		vb_err("%s: unknown option '%s'", cmd, opt);
}
