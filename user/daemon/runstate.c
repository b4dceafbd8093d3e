// SPDX-License-Identifier: GPL-2.0
#include <signal.h>
#include <stdio.h>
#include <unistd.h>
#include <sys/stat.h>
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
