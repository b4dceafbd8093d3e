/* SPDX-License-Identifier: GPL-2.0 */
/* What the host tests share: running a CLI command as a user would, files in and out, and a
 * shell. Include after kselftest_harness.h. */
#ifndef VB_HOSTUTIL_H
#define VB_HOSTUTIL_H

#include <stdbool.h>
#include <stddef.h>

/* The CLI's --json switch, cli_json (user/cli/dispatch.c). */
#include "cli/cli.h"

/*
 * Run cmd(argc, argv) in a child, as `vendorban [-j] ARGV...` would: stdout into out_file,
 * stderr into err_file (NULL: the test's own stderr). Its exit status, or -1 if it did not
 * exit.
 */
int cli_run(int (*cmd)(int, char **), bool json, char **argv, const char *out_file,
	    const char *err_file);
/* A whole file, NUL-terminated (free it); NULL if it cannot be read. */
char *slurp(const char *path);
/* Write len bytes to path (created or truncated). 0 or -errno. */
int write_file(const char *path, const void *data, size_t len);
/* Run a shell command made like printf; its exit status, -1 if it did not exit. */
int sh(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* $(BUILD)/rel into buf, $(BUILD) being where this test binary was built. 0 or -errno. */
int build_path(char *buf, size_t len, const char *rel);
/* Run a shell command made like printf, as a user would: its stdout and stderr (free both),
 * and its exit status. */
int run_capture(char **out, char **err, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* The SHA-256 of the file at path, as 64 lower-case hex digits: 0 or -1. */
int sha256_file_hex(const char *path, char hex[65]);

#endif
