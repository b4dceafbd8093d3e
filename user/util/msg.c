// SPDX-License-Identifier: GPL-2.0
#include <stdarg.h>
#include <stdio.h>
#include "util/msg.h"

static const char *msg_ident = "vendorban";
static int msg_syslog;
static void (*msg_sink_fn)(int prio, const char *msg, void *arg);
static void *msg_sink_arg;

void vb_msg_sink(void (*fn)(int prio, const char *msg, void *arg), void *arg)
{
	msg_sink_fn = fn;
	msg_sink_arg = arg;
}

void vb_msg_init(const char *ident, int use_syslog)
{
	msg_ident = ident;
	msg_syslog = use_syslog;
	if (use_syslog)
		openlog(ident, LOG_PID, LOG_DAEMON);
}

void vb_msg(int prio, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	fprintf(stderr, "%s: %s", msg_ident,
		prio <= LOG_ERR ? "error: " : prio == LOG_WARNING ? "warning: " : "");
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
	if (msg_syslog) {
		va_start(ap, fmt);
		vsyslog(prio, fmt, ap);
		va_end(ap);
	}
	if (msg_sink_fn && prio <= LOG_WARNING) {
		char buf[1024];

		va_start(ap, fmt);
		vsnprintf(buf, sizeof(buf), fmt, ap);
		va_end(ap);
		msg_sink_fn(prio, buf, msg_sink_arg);
	}
}
