// SPDX-License-Identifier: GPL-2.0
#include <signal.h>
#include <stdio.h>
#include "daemon/runstate.h"

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
