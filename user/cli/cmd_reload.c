// SPDX-License-Identifier: GPL-2.0
/* vendorban reload: ask the daemon to load the policy again, and say what came of it. */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <json-c/json.h>
#include "cli/cli.h"
#include "util/msg.h"
#include "daemon/runstate.h"

#define VB_RELOAD_WAIT_MS	60000
#define RELOAD_USAGE \
	"usage: vendorban [--json] reload\n" \
	"  Loads the daemon's policy file again; exit 0 if it is now in force,\n" \
	"  1 if it was refused (the policy in force stays; the reasons are printed),\n" \
	"  2 if no daemon runs or it did not answer.\n"

static struct json_object *read_report(void)
{
	return json_object_from_file(VB_RELOAD_REPORT);
}

static int64_t report_attempt(struct json_object *o)
{
	struct json_object *v;

	return o && json_object_object_get_ex(o, "attempt", &v) ? json_object_get_int64(v) : -1;
}

int do_reload(int argc, char **argv)
{
	struct json_object *r = NULL, *v;
	int64_t before;
	bool ok;
	int pid;

	if (cli_wants_help(argc, argv, RELOAD_USAGE))
		return 0;
	if (argc != 1) {
		vb_err("reload: unexpected argument '%s'", argv[1]);
		fputs(RELOAD_USAGE, stderr);
		return 2;
	}
	pid = vb_daemon_pid();
	if (!pid) {
		vb_err("vendorband is not running: nothing to reload (the kernel keeps the last "
		       "policy it was given)");
		return 2;
	}
	r = read_report();
	before = report_attempt(r);
	json_object_put(r);
	r = NULL;
	if (kill(pid, SIGHUP)) {
		vb_err("cannot signal vendorband (pid %d): %s", pid, strerror(errno));
		return 2;
	}
	for (int t = 0; t < VB_RELOAD_WAIT_MS; t += 100) {
		r = read_report();
		if (report_attempt(r) > before)
			break;
		json_object_put(r);
		r = NULL;
		usleep(100000);
	}
	if (!r) {
		vb_err("vendorband did not report the reload within %d s", VB_RELOAD_WAIT_MS / 1000);
		return 2;
	}
	ok = json_object_object_get_ex(r, "ok", &v) && json_object_get_boolean(v);
	if (cli_json) {
		cli_json_print(r);
	} else {
		if (json_object_object_get_ex(r, "messages", &v))
			for (size_t i = 0; i < json_object_array_length(v); i++)
				printf("%s\n", json_object_get_string(json_object_array_get_idx(v, i)));
		json_object_object_get_ex(r, "version_in_force", &v);
		printf(ok ? "reloaded: policy version %s in force\n" :
			    "refused: policy version %s stays in force\n", json_object_get_string(v));
	}
	json_object_put(r);
	return ok ? 0 : 1;
}
