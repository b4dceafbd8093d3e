// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include "daemon/daemon.h"
#include "daemon/notify.h"
#include "daemon/runstate.h"
#include "util/hex.h"
#include "util/msg.h"

/* A record goes to the log, then to the journal (or syslog) and audit with its place in the
 * chain; a copy that reaches only some of them is still a copy. */
static int log_record(struct daemon *d, struct json_object *o, const char *message,
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
	return err;
}

int daemon_on_event(void *ctx, void *data, size_t len)
{
	struct daemon *d = ctx;
	const struct vb_event *e = data;
	struct json_object *o;
	char summary[VB_EV_PATH_MAX + 256];

	if (len < sizeof(*e))
		return 0;
	if (e->op == VB_OP_WATCH) {
		daemon_watch(d, e);
		return 0;
	}
	if (e->match == VB_MATCH_UNVERIFIED && e->op == VB_OP_EXEC && d->fan)
		daemon_watch(d, e);
	if (e->op == VB_OP_SELFTEST) {
		d->selftest_events++;
		return 0;
	}
	/* Not a denial: an exec no one could judge by content, for content.c to judge now. */
	if (e->flags & VB_EV_F_UNJUDGED) {
		daemon_judge_later(d, e);
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
	daemon_repeat_note(e);
	vb_event_summary(&d->ectx, e, summary, sizeof(summary));
	log_record(d, o, summary, e);
	json_object_put(o);
	return 0;
}

int daemon_log_record(struct daemon *d, struct json_object *o, const char *message)
{
	return log_record(d, o, message, NULL);
}

void daemon_on_own_event(void *arg, const struct vb_event *e)
{
	struct daemon *d = arg;
	struct json_object *o = vb_event_json(&d->ectx, e);
	char summary[VB_EV_PATH_MAX + 256];

	if (!o)
		return;
	vb_event_summary(&d->ectx, e, summary, sizeof(summary));
	/* Not the kernel's ring buffer: settings.last_logged_* stay about that. */
	log_record(d, o, summary, NULL);
	json_object_put(o);
}

/* A record of the daemon's own, not of an event: time, host and action. */
struct json_object *daemon_new_record(struct daemon *d, const char *action)
{
	struct json_object *o = json_object_new_object();
	struct timespec ts;
	char now[64];

	clock_gettime(CLOCK_BOOTTIME, &ts);
	vb_boot_ns_to_rfc3339((__u64)ts.tv_sec * 1000000000 + ts.tv_nsec, now, sizeof(now));
	json_object_object_add(o, "time", json_object_new_string(now));
	json_object_object_add(o, "host", json_object_new_string(d->ectx.host));
	json_object_object_add(o, "action", json_object_new_string(action));
	return o;
}

/* Events the kernel could not send are counted there; say so in the log itself. */
void daemon_report_drops(struct daemon *d)
{
	struct json_object *o;
	char msg[128];
	__u64 dropped;

	if (vb_stat_read(&d->k, VB_STAT_DROPPED, &dropped) || dropped <= d->dropped_seen)
		return;
	o = daemon_new_record(d, "gap");
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

/* The comm of a process, for a record that names who did something ("?" once it is gone). */
static void proc_comm(int pid, char *buf, size_t len)
{
	char path[64];
	FILE *f;

	snprintf(buf, len, "?");
	snprintf(path, sizeof(path), "/proc/%d/comm", pid);
	f = fopen(path, "r");
	if (f && fgets(buf, len, f))
		buf[strcspn(buf, "\n")] = 0;
	if (f)
		fclose(f);
}

/* Stopped on purpose or not, the log says so before enforcement loses its witness: the
 * kernel goes on refusing, but nothing is logged or watched until a daemon runs again. */
void daemon_record_stop(struct daemon *d, int sig, int sender)
{
	struct json_object *o = daemon_new_record(d, "stop");
	char comm[64] = "", msg[256];

	if (sender > 0)
		proc_comm(sender, comm, sizeof(comm));
	json_object_object_add(o, "signal", json_object_new_int(sig));
	json_object_object_add(o, "sender_pid", json_object_new_int(sender));
	json_object_object_add(o, "sender_comm", comm[0] ? json_object_new_string(comm) : NULL);
	json_object_object_add(o, "policy_version", json_object_new_uint64(d->policy->version));
	snprintf(msg, sizeof(msg), "vendorband stopping (signal %d from pid %d %s): the kernel "
		 "goes on enforcing policy version %llu, unwatched", sig, sender, comm,
		 (unsigned long long)d->policy->version);
	log_record(d, o, msg, NULL);
	json_object_put(o);
}

void daemon_on_tamper(void *arg, const char *what, bool restored)
{
	struct daemon *d = arg;
	struct json_object *o = daemon_new_record(d, "tamper");
	char msg[512];
	int err;

	json_object_object_add(o, "what", json_object_new_string(what));
	json_object_object_add(o, "restored", json_object_new_boolean(restored));
	snprintf(msg, sizeof(msg), "tampering seen: %s (%s)", what,
		 restored ? "restored" : "NOT restored");
	log_record(d, o, msg, NULL);
	vb_err("%s", msg);
	json_object_put(o);
	if (!restored)
		daemon_notify_unhealthy(d, daemon_now_ms());
	d->watch.seen++;
	d->watch.restored += restored;
	snprintf(d->watch_last, sizeof(d->watch_last), "%s", msg);
	o = json_object_new_object();
	json_object_object_add(o, "seen", json_object_new_uint64(d->watch.seen));
	json_object_object_add(o, "restored", json_object_new_uint64(d->watch.restored));
	json_object_object_add(o, "last", json_object_new_string(d->watch_last));
	json_object_object_add(o, "pid", json_object_new_int(getpid()));
	err = vb_daemon_write_run_json(VB_WATCH_REPORT, o);
	if (err)
		vb_err("cannot write %s: %s (status cannot tell what the watch saw)",
		       VB_WATCH_REPORT, strerror(-err));
}

/* A record made outside the daemon (log/spool.h), written as it came, in the chain. */
int daemon_on_spooled(struct json_object *o, void *arg)
{
	struct daemon *d = arg;
	const char *pkg = NULL, *rule = NULL, *action = NULL;
	struct json_object *v;
	char summary[512];

	if (json_object_object_get_ex(o, "package", &v))
		pkg = json_object_get_string(v);
	if (json_object_object_get_ex(o, "rule", &v))
		rule = json_object_get_string(v);
	if (json_object_object_get_ex(o, "action", &v))
		action = json_object_get_string(v);
	snprintf(summary, sizeof(summary), "install %s: package %s, rule %s",
		 action ? action : "?", pkg ? pkg : "?", rule ? rule : "?");
	log_record(d, o, summary, NULL);
	return 0;
}

static void add_policy(struct json_object *o, const char *key, const struct vb_policy *p)
{
	struct json_object *j = json_object_new_object();
	char digest[65];

	vb_hex(p->digest, sizeof(p->digest), digest);
	json_object_object_add(j, "version", json_object_new_uint64(p->version));
	json_object_object_add(j, "sha256", json_object_new_string(digest));
	json_object_object_add(o, key, j);
}

/* As auditd's DAEMON_START and CONFIG_CHANGE: what is enforced, from when, on the record. */
void daemon_record_start(struct daemon *d)
{
	struct json_object *o = daemon_new_record(d, "start");
	char msg[512];

	json_object_object_add(o, "pid", json_object_new_int(getpid()));
	json_object_object_add(o, "policy_file", json_object_new_string(d->policy_path));
	add_policy(o, "policy", d->policy);
	json_object_object_add(o, "kernel_path",
			       json_object_new_string(vb_path_name(d->k.settings.path)));
	json_object_object_add(o, "took_over", json_object_new_boolean(d->k.took_over));
	json_object_object_add(o, "content_hashing",
			       json_object_new_boolean(d->k.settings.can_hash));
	snprintf(msg, sizeof(msg), "vendorband started: enforcing policy %s version %llu (%s "
		 "path%s)", d->policy_path, (unsigned long long)d->policy->version,
		 vb_path_name(d->k.settings.path), d->k.took_over ? ", taken over" : "");
	log_record(d, o, msg, NULL);
	json_object_put(o);
}

void daemon_record_reload(struct daemon *d, bool ok, const struct vb_policy *tried,
			  struct json_object *msgs)
{
	struct json_object *o = daemon_new_record(d, "reload");
	char msg[512];

	json_object_object_add(o, "ok", json_object_new_boolean(ok));
	json_object_object_add(o, "policy_file", json_object_new_string(d->policy_path));
	if (tried)
		add_policy(o, "tried", tried);
	add_policy(o, "in_force", d->policy);
	json_object_object_add(o, "messages", json_object_get(msgs));
	snprintf(msg, sizeof(msg), ok ? "policy reloaded: version %llu in force" :
		 "policy reload refused: version %llu stays in force",
		 (unsigned long long)d->policy->version);
	log_record(d, o, msg, NULL);
	json_object_put(o);
}
