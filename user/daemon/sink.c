// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include "daemon/daemon.h"
#include "util/msg.h"

/* A record goes to the log, then to the journal (or syslog) and audit with its place in the
 * chain; a copy that reaches only some of them is still a copy. */
static void log_record(struct daemon *d, struct json_object *o, const char *message,
		       const struct vb_event *e)
{
	const char *line = json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN |
							 JSON_C_TO_STRING_NOSLASHESCAPE);
	int err = vb_denylog_append(&d->log, line);

	if (err && d->log.lost_pending == 1)
		vb_err("cannot write to the denial log %s: %s (denials go on; the loss is counted "
		       "and declared in the log once it can be written)", d->log.path,
		       strerror(-err));
	/* Said right after the write, before anything slower: a daemon killed between the write
	 * and the ring buffer letting go of the event leaves the next one able to tell. */
	if (!err && e) {
		d->k.settings.last_logged_ktime = e->ktime_ns;
		d->k.settings.last_logged_tid = e->tid;
		vb_settings_write(&d->k);
	}
	vb_forward_record(&d->fwd, o, err ? 0 : d->log.chain.seq, d->log.chain.hash, message);
}

int daemon_on_event(void *ctx, void *data, size_t len)
{
	struct daemon *d = ctx;
	const struct vb_event *e = data;
	struct json_object *o;
	char summary[VB_EV_PATH_MAX + 256];

	if (len < sizeof(*e))
		return 0;
	if (e->op == VB_OP_SELFTEST) {
		d->selftest_events++;
		return 0;
	}
	/* The first event after a takeover may be the one the killed daemon had just written. */
	if (d->dedupe_first) {
		d->dedupe_first = false;
		if (e->ktime_ns == d->k.settings.last_logged_ktime &&
		    e->tid == d->k.settings.last_logged_tid)
			return 0;
	}
	o = vb_event_json(&d->ectx, e);
	if (!o)
		return -ENOMEM;
	vb_event_summary(&d->ectx, e, summary, sizeof(summary));
	log_record(d, o, summary, e);
	json_object_put(o);
	return 0;
}

/* Events the kernel could not send are counted there; say so in the log itself. */
void daemon_report_drops(struct daemon *d)
{
	struct json_object *o;
	struct timespec ts;
	char now[64], msg[128];
	__u64 dropped;

	if (vb_stat_read(&d->k, VB_STAT_DROPPED, &dropped) || dropped <= d->dropped_seen)
		return;
	o = json_object_new_object();
	clock_gettime(CLOCK_BOOTTIME, &ts);
	vb_boot_ns_to_rfc3339((__u64)ts.tv_sec * 1000000000 + ts.tv_nsec, now, sizeof(now));
	json_object_object_add(o, "time", json_object_new_string(now));
	json_object_object_add(o, "host", json_object_new_string(d->ectx.host));
	json_object_object_add(o, "action", json_object_new_string("gap"));
	json_object_object_add(o, "lost", json_object_new_int64(dropped - d->dropped_seen));
	json_object_object_add(o, "reason", json_object_new_string("kernel ring buffer full"));
	snprintf(msg, sizeof(msg), "%llu denial records lost: kernel ring buffer full",
		 (unsigned long long)(dropped - d->dropped_seen));
	log_record(d, o, msg, NULL);
	json_object_put(o);
	vb_err("%llu denial records were lost (ring buffer full); the verdicts stood",
	       (unsigned long long)(dropped - d->dropped_seen));
	d->dropped_seen = dropped;
	d->k.settings.drops_declared = dropped;
	vb_settings_write(&d->k);
}
