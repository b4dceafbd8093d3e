// SPDX-License-Identifier: GPL-2.0
#include <stdarg.h>
#include <stdio.h>
#include <json-c/json.h>
#include "util/msg.h"

static const char *msg_ident = "vendorban";
static int msg_syslog;
static void (*msg_sink_fn)(int prio, const char *msg, void *arg);
static void *msg_sink_arg;
static int msg_json_flags;

void vb_msg_json(int json_c_flags)
{
	msg_json_flags = json_c_flags;
}

/* Under --json, as bpftool's p_err: one {"error": ...} document on stdout, so a script that
 * reads stdout sees the failure in the format it parses. Warnings stay text on stderr. */
static void msg_json_error(const char *fmt, va_list ap)
{
	struct json_object *o = json_object_new_object();
	char buf[1024];

	vsnprintf(buf, sizeof(buf), fmt, ap);
	json_object_object_add(o, "error", json_object_new_string(buf));
	puts(json_object_to_json_string_ext(o, msg_json_flags));
	fflush(stdout);
	json_object_put(o);
}

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
	if (msg_json_flags && prio <= LOG_ERR) {
		msg_json_error(fmt, ap);
	} else {
		fprintf(stderr, "%s: %s", msg_ident,
			prio <= LOG_ERR ? "error: " : prio == LOG_WARNING ? "warning: " : "");
		vfprintf(stderr, fmt, ap);
		fputc('\n', stderr);
	}
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
