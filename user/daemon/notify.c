// SPDX-License-Identifier: GPL-2.0
/*
 * What systemd is told (Type=notify): READY=1 only once the ban is enforced and proven, so
 * units ordered after vendorband start into an enforcing kernel; STATUS= lines for
 * `systemctl status`; and the watchdog, fed only while the daemon's own checks hold.
 */
#include <stdarg.h>
#include <stdio.h>
#include <systemd/sd-daemon.h>
#include "daemon/daemon.h"
#include "daemon/notify.h"
#include "util/msg.h"

void daemon_notify_status(const char *fmt, ...)
{
	char status[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(status, sizeof(status), fmt, ap);
	va_end(ap);
	sd_notifyf(0, "STATUS=%s", status);
}

void daemon_notify_ready(struct daemon *d)
{
	uint64_t usec = 0;

	/* Half the period systemd waits, so one late tick is not a restart. */
	if (sd_watchdog_enabled(0, &usec) > 0)
		d->watchdog_ms = usec / 2000 ? usec / 2000 : 1;
	sd_notifyf(0, "READY=1\nSTATUS=enforcing policy version %llu (%s path)",
		   (unsigned long long)d->policy->version, vb_path_name(d->k.settings.path));
}

void daemon_notify_unhealthy(struct daemon *d, __u64 now_ms)
{
	d->unhealthy_ms = now_ms;
}

void daemon_watchdog_tick(struct daemon *d, __u64 now_ms)
{
	if (!d->watchdog_ms || now_ms - d->watchdog_last_ms < d->watchdog_ms)
		return;
	/* Something the watch could not restore in the last checks: let systemd restart us,
	 * and the new daemon take the programs over (or load them again) and prove them. */
	if (d->unhealthy_ms && now_ms - d->unhealthy_ms < VB_UNHEALTHY_HOLD_MS)
		return;
	d->watchdog_last_ms = now_ms;
	sd_notify(0, "WATCHDOG=1");
}

void daemon_notify_stopping(void)
{
	sd_notify(0, "STOPPING=1\nSTATUS=stopping: the kernel goes on enforcing, unwatched");
}
