// SPDX-License-Identifier: GPL-2.0
/* The one JSON writer of the CLI: every command's document, and its errors, in one style. */
#include <stdio.h>
#include "cli/cli.h"
#include "util/msg.h"

bool cli_json, cli_pretty;

int cli_json_flags(void)
{
	return JSON_C_TO_STRING_NOSLASHESCAPE |
	       (cli_pretty ? JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_SPACED :
			     JSON_C_TO_STRING_PLAIN);
}

void cli_json_mode(bool pretty)
{
	cli_json = true;
	cli_pretty = pretty;
	vb_msg_json(cli_json_flags());
}

void cli_json_print(struct json_object *o)
{
	puts(json_object_to_json_string_ext(o, cli_json_flags()));
}
