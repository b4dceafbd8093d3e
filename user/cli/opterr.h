/* SPDX-License-Identifier: GPL-2.0 */
/* What getopt_long's refusals mean, said once for every command. */
#ifndef VB_CLI_OPTERR_H
#define VB_CLI_OPTERR_H

/*
 * Say why getopt_long returned c ('?' or, with ':' leading the option string, ':') for the
 * option at argv[optind - 1]: "CMD: option '--policy' needs an argument" or "CMD: unknown
 * option '--x'".
 */
void cli_option_error(const char *cmd, int c, char **argv);

#endif
