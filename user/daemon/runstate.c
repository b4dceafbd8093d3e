// SPDX-License-Identifier: GPL-2.0
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include <json-c/json.h>
#include "daemon/runstate.h"
#include "util/atomic.h"

int vb_daemon_pid(void)
{
	FILE *f = fopen(VB_PIDFILE, "r");
	int pid = 0;

	if (!f)
		return 0;
	/* A pidfile left by a daemon killed with -9 names a process that is gone. */
	if (fscanf(f, "%d", &pid) != 1 || pid <= 0 || kill(pid, 0))
		pid = 0;
	fclose(f);
	return pid;
}

int vb_daemon_write_pidfile(void)
{
	char text[32];
	int n;

	n = snprintf(text, sizeof(text), "%d\n", getpid());
	mkdir(VB_RUN_DIR, 0755);
	return vb_atomic_write(VB_PIDFILE, text, n, 0644);
}

int vb_daemon_write_run_json(const char *path, struct json_object *o)
{
	const char *text = json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN |
							 JSON_C_TO_STRING_NOSLASHESCAPE);
	int err;

	mkdir(VB_RUN_DIR, 0755);
	err = vb_atomic_write(path, text, strlen(text), 0644);
	json_object_put(o);
	return err;
}
