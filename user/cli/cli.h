/* SPDX-License-Identifier: GPL-2.0 */
/* What every CLI command shares: output mode and the command signature. */
#ifndef VB_CLI_H
#define VB_CLI_H

#include <stdbool.h>
#include <json-c/json.h>

extern bool cli_json;	/* -j/--json: machine-readable output on stdout */
extern bool cli_pretty;	/* --pretty: that JSON indented for a person */

/* -j/--json (pretty: --pretty): JSON output, and errors as {"error": ...} on stdout. */
void cli_json_mode(bool pretty);
/* json-c flags for the one style: compact, or indented under --pretty. */
int cli_json_flags(void);
/* o as one line (or indented) on stdout. */
void cli_json_print(struct json_object *o);
/* If argv[1] asks for help (--help, -h), print usage on stdout and return true. */
bool cli_wants_help(int argc, char **argv, const char *usage);

struct cli_cmd {
	const char *name;
	int (*fn)(int argc, char **argv);
	const char *help;
};

/* Run argv[0] from a command table. --help, -h or help print usage (NULL: the table) on stdout
 * and return 0; no command or an unknown one prints it on stderr and returns 2. */
int cli_dispatch(const struct cli_cmd *cmds, const char *what, const char *usage, int argc,
		 char **argv);

int do_status(int argc, char **argv);
/* What `status --json` prints, as an object (caller puts it): "enforcing" is the verdict. Needs
 * root; probe runs the canary execs. */
struct json_object *vb_status_json(bool probe);
int do_policy(int argc, char **argv);
int do_disable(int argc, char **argv);
int do_reload(int argc, char **argv);
int do_scan(int argc, char **argv);
int do_identify(int argc, char **argv);
int do_log(int argc, char **argv);
int do_install_check(int argc, char **argv);
int do_sweep(int argc, char **argv);
int do_attest(int argc, char **argv);

#endif
