// SPDX-License-Identifier: GPL-2.0
/* vendorban status: says "enforcing" only when the kernel's state is the daemon's, every refusal
 * goes on record, and the policy in force has just refused its canary exec. */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <json-c/json.h>
#include "util/hex.h"
#include "kernel/attach.h"
#include "cli/cli.h"
#include "kernel/facts.h"
#include "util/msg.h"
#include "kernel/rules.h"
#include "daemon/runstate.h"
#include "daemon/selftest.h"
#include "kernel/guard.h"
#include "log/denylog.h"
#include "daemon/watch.h"
#include <bpf/bpf.h>

struct status {
	bool loaded, enabled, probed, enforcing, armed;
	int lsm_active, missing_links;
	char lsm[256], missing[64], reason[512];
	struct vb_selftest st;
	struct vb_settings set;
	struct vb_slot_info slot;
	struct vb_guard guard;
	__u64 seq, stats[VB_STAT_MAX];
	int daemon_pid;
	__u64 watch_seen, watch_restored;	/* what the daemon's watch found and undid */
	struct json_object *fan;		/* VB_FAN_REPORT of the live daemon, or NULL */
	char watch_last[512];
};

static const char *const stat_names[VB_STAT_MAX] = {
	[VB_STAT_DENIED] = "denied",
	[VB_STAT_AUDITED] = "would_deny",
	[VB_STAT_DROPPED] = "events_dropped",
	[VB_STAT_HASHED] = "hashed",
	[VB_STAT_CACHE_HIT] = "cache_hits",
	[VB_STAT_HASH_ERR] = "hash_errors",
	[VB_STAT_CHECKED] = "checked",
	[VB_STAT_PATH_ERR] = "path_errors",
	[VB_STAT_TAMPER] = "tamper_refused",
	[VB_STAT_REPEATS] = "repeats_counted",
};

/* Does a live daemon judge content (the fmod_ret path, fanotify)? It says so only once its
 * content canary was refused, and it counts only while the guard knows it alive. */
static bool daemon_judges(const struct status *s)
{
	return s->set.path == VB_PATH_FMOD_RET && s->guard.content_tgid &&
	       s->guard.content_tgid == s->guard.daemon_tgid;
}

/* How content (sha256) rules are checked, as status says it. */
static const char *content_check(const struct status *s)
{
	if (s->set.can_hash && (!s->probed || s->st.hashing))
		return "in the kernel (SHA-256)";
	if (daemon_judges(s) && (!s->probed || s->st.hashing))
		return "in the daemon (fanotify); not while the daemon is down";
	if (s->set.path == VB_PATH_FMOD_RET)
		return s->slot.deny_unjudged_exec ?
		       "in the daemon (fanotify), which is NOT judging now: files judged before "
		       "keep their verdict, any other exec is refused (option unjudged-exec deny)" :
		       "in the daemon (fanotify), which is NOT judging now: files judged before "
		       "keep their verdict, any other file runs unjudged (sha256 rules are not "
		       "enforced on it)";
	return "NOT CHECKED: the kernel does not hash content here";
}

#define WHY(s, ...)	(snprintf((s)->reason, sizeof((s)->reason), __VA_ARGS__), false)

/* Every link the guard recorded still exists: one detached would be gone from the id list. */
static bool links_alive(const struct vb_guard *g, __u32 *gone)
{
	for (__u32 i = 0; i < g->n_links && i < VB_GUARD_MAX_LINKS; i++) {
		__u32 id = 0;
		bool found = false;

		while (!found && !bpf_link_get_next_id(id, &id))
			found = id == g->link_ids[i];
		if (!found) {
			*gone = g->link_ids[i];
			return false;
		}
	}
	return true;
}

static struct json_object *read_json(const char *path)
{
	struct json_object *o = json_object_from_file(path);

	if (o && !json_object_is_type(o, json_type_object)) {
		json_object_put(o);
		o = NULL;
	}
	return o;
}

static __u64 json_u64(struct json_object *o, const char *key)
{
	struct json_object *v;

	return json_object_object_get_ex(o, key, &v) ? json_object_get_uint64(v) : 0;
}

/* The daemon's fanotify counters, if the running daemon wrote them (not a dead one's). */
static void read_fan(struct status *s)
{
	s->fan = read_json(VB_FAN_REPORT);
	if (s->fan && (int)json_u64(s->fan, "pid") != vb_daemon_pid()) {
		json_object_put(s->fan);
		s->fan = NULL;
	}
}

static const char *json_str(struct json_object *o, const char *key)
{
	struct json_object *v;

	return json_object_object_get_ex(o, key, &v) ? json_object_get_string(v) : NULL;
}

/* The active slot is what the daemon last installed: same seq, version and policy digest. */
static bool slot_is_installed(struct status *s, struct json_object *inst)
{
	char digest[65];
	const char *want;

	if (!inst)
		return WHY(s, "the daemon recorded no policy it installed (%s)", VB_INSTALLED);
	if ((int)json_u64(inst, "pid") != s->daemon_pid)
		return WHY(s, "%s was written by pid %llu, not by the running daemon (pid %d)",
			   VB_INSTALLED, (unsigned long long)json_u64(inst, "pid"), s->daemon_pid);
	vb_hex(s->slot.digest, sizeof(s->slot.digest), digest);
	want = json_str(inst, "sha256");
	if (json_u64(inst, "seq") != s->seq || json_u64(inst, "version") != s->slot.version ||
	    !want || strcmp(want, digest))
		return WHY(s, "the active policy slot (load %llu, version %llu) is not what the "
			   "daemon installed (load %llu, version %llu)", (unsigned long long)s->seq,
			   (unsigned long long)s->slot.version,
			   (unsigned long long)json_u64(inst, "seq"),
			   (unsigned long long)json_u64(inst, "version"));
	return true;
}

/* The denial log the daemon writes lost nothing: its head file counts failures since it
 * opened the log (user/log/denylog.c). */
static bool log_healthy(struct status *s, struct json_object *inst)
{
	const char *log = json_str(inst, "log");
	struct json_object *head;
	char path[4096];
	__u64 errors, lost;

	if (!log)
		return true;
	vb_denylog_head_path(log, path, sizeof(path));
	head = read_json(path);
	if (!head)
		return true;	/* nothing flushed yet */
	errors = json_u64(head, "write_errors");
	lost = json_u64(head, "lost");
	json_object_put(head);
	if (errors || lost)
		return WHY(s, "the denial log %s failed %llu writes and lost %llu records since the "
			   "daemon opened it: denials are not all on record", log,
			   (unsigned long long)errors, (unsigned long long)lost);
	return true;
}

/* Everything that must hold for the kernel to refuse under the daemon's policy and for every
 * refusal to be on record; the first that does not is the reason. */
static bool consistent(struct status *s, struct vb_kernel *k)
{
	struct json_object *inst;
	__u32 gone;
	bool ok;

	if (!s->enabled)
		return WHY(s, "programs are loaded but disabled");
	if (s->missing_links)
		return WHY(s, "%d program(s) not attached (%s)", s->missing_links, s->missing);
	if (k->settings.path == VB_PATH_LSM && s->lsm_active != 1)
		return WHY(s, "attached as BPF LSM but bpf is not in the active LSM list (%s)",
			   s->lsm);
	if (!links_alive(&s->guard, &gone))
		return WHY(s, "link %u of vendorban's programs is gone: a program was detached",
			   gone);
	if (!s->seq)
		return WHY(s, "no policy is loaded");
	if (!s->daemon_pid)
		return WHY(s, "vendorband is not running: the kernel refuses, but nothing logs or "
			   "watches (start vendorband)");
	if (!s->armed)
		return WHY(s, "self-protection is not armed: root can change the policy in force");
	if (s->guard.daemon_tgid != (__u32)s->daemon_pid)
		return WHY(s, "the running vendorband (pid %d) is not the daemon the kernel knows "
			   "(pid %u)", s->daemon_pid, s->guard.daemon_tgid);
	inst = read_json(VB_INSTALLED);
	ok = slot_is_installed(s, inst) && log_healthy(s, inst);
	json_object_put(inst);
	if (ok && s->watch_seen > s->watch_restored)
		return WHY(s, "the daemon saw tampering it could not undo (%.400s)", s->watch_last);
	return ok;
}

/* What the running daemon's watch found (daemon/watch.h); a report by another pid is stale. */
static void read_watch(struct status *s)
{
	struct json_object *w = read_json(VB_WATCH_REPORT);
	const char *last;

	if (w && s->daemon_pid && (int)json_u64(w, "pid") == s->daemon_pid) {
		s->watch_seen = json_u64(w, "seen");
		s->watch_restored = json_u64(w, "restored");
		last = json_str(w, "last");
		snprintf(s->watch_last, sizeof(s->watch_last), "%s", last ? last : "");
	}
	json_object_put(w);
}

static void gather(struct status *s, bool probe)
{
	struct vb_kernel k;
	int err;

	s->lsm_active = vb_bpf_lsm_active(s->lsm, sizeof(s->lsm));
	s->daemon_pid = vb_daemon_pid();
	read_watch(s);
	read_fan(s);
	err = vb_kernel_open_pinned_ro(&k);
	if (err) {
		snprintf(s->reason, sizeof(s->reason), err == -ENOENT ?
			 "no vendorban programs are loaded (start vendorband)" :
			 "cannot read the pinned programs: %s", strerror(-err));
		return;
	}
	s->loaded = true;
	s->set = k.settings;
	s->enabled = k.settings.enabled;
	vb_rules_active(&k, &s->slot, &s->seq);
	vb_guard_read(&k, &s->guard);
	s->armed = s->guard.exe.ino != 0;
	for (int i = 0; i < VB_STAT_MAX; i++)
		vb_stat_read(&k, i, &s->stats[i]);
	s->missing_links = vb_kernel_missing_links(k.settings.path, s->missing,
						    sizeof(s->missing));
	if (!consistent(s, &k)) {
		/* the reason is said */
	} else if (!probe) {
		s->enforcing = true;
	} else if (vb_selftest_policy(k.settings.can_hash || daemon_judges(s), &s->st)) {
		snprintf(s->reason, sizeof(s->reason), "the policy's canaries could not be run "
			 "(%s, %s)", VB_CANARY_ID_FILE, VB_CANARY_HASH_FILE);
	} else if (!s->st.enforcing) {
		s->probed = true;
		snprintf(s->reason, sizeof(s->reason),
			 "the policy in force did not refuse its canary exec (%s)",
			 s->st.exec_errno ? strerror(s->st.exec_errno) : "it ran");
	} else if ((k.settings.can_hash || daemon_judges(s)) && !s->st.hashing) {
		s->probed = true;
		snprintf(s->reason, sizeof(s->reason),
			 "the active slot's content rules did not refuse the policy's content "
			 "canary (%s): they are not the daemon's", s->st.hash_errno ?
			 strerror(s->st.hash_errno) : "it ran");
	} else {
		s->probed = true;
		s->enforcing = true;
	}
	vb_kernel_close(&k);
}

static struct json_object *status_object(const struct status *s)
{
	struct json_object *o = json_object_new_object(), *c = json_object_new_object();
	char digest[65];

	json_object_object_add(o, "enforcing", json_object_new_boolean(s->enforcing));
	json_object_object_add(o, "verified_by_canary", json_object_new_boolean(s->probed));
	json_object_object_add(o, "reason", s->enforcing ? NULL :
			       json_object_new_string(s->reason));
	json_object_object_add(o, "kernel_path",
			       json_object_new_string(vb_path_name(s->set.path)));
	json_object_object_add(o, "bpf_in_lsm_list", json_object_new_boolean(s->lsm_active == 1));
	json_object_object_add(o, "lsm_list", json_object_new_string(s->lsm));
	json_object_object_add(o, "content_hashing",
			       json_object_new_boolean(s->loaded && s->set.can_hash &&
						       (!s->probed || s->st.hashing)));
	json_object_object_add(o, "content_checked",
			       json_object_new_string(!s->loaded ? "no" :
						      s->set.can_hash ? "kernel" :
						      daemon_judges(s) ? "daemon" : "no"));
	json_object_object_add(o, "content_check", s->loaded ?
			       json_object_new_string(content_check(s)) : NULL);
	json_object_object_add(o, "unjudged_exec", s->set.path != VB_PATH_FMOD_RET ? NULL :
			       json_object_new_string(s->slot.deny_unjudged_exec ? "deny" :
						      "allow"));
	json_object_object_add(o, "policy_version", s->seq ?
			       json_object_new_uint64(s->slot.version) : NULL);
	vb_hex(s->slot.digest, 32, digest);
	json_object_object_add(o, "policy_sha256", s->seq ? json_object_new_string(digest) : NULL);
	json_object_object_add(o, "policy_loads", json_object_new_int64(s->seq));
	json_object_object_add(o, "hash_rules", json_object_new_int64(s->slot.n_hash_rules));
	json_object_object_add(o, "path_rules", json_object_new_int64(s->slot.n_path_rules));
	json_object_object_add(o, "module_signer_keys",
			       json_object_new_int64(s->slot.n_signer_keys));
	json_object_object_add(o, "module_names", json_object_new_int64(s->slot.n_module_names));
	json_object_object_add(o, "deny_unsigned_modules",
			       json_object_new_boolean(s->slot.deny_unsigned_modules));
	json_object_object_add(o, "deny_init_module",
			       json_object_new_boolean(s->slot.deny_init_module));
	for (int i = 0; i < VB_STAT_MAX; i++)
		json_object_object_add(c, stat_names[i], json_object_new_int64(s->stats[i]));
	json_object_object_add(o, "counters", c);
	json_object_object_add(o, "self_protection", json_object_new_boolean(s->armed));
	json_object_object_add(o, "tampering_seen", json_object_new_uint64(s->watch_seen));
	/* The daemon's half of content judging (fmod_ret path): null where it does none. */
	json_object_object_add(o, "daemon_content", s->fan ? json_object_get(s->fan) : NULL);
	json_object_object_add(o, "tampering_restored",
			       json_object_new_uint64(s->watch_restored));
	json_object_object_add(o, "tampering_last", s->watch_seen ?
			       json_object_new_string(s->watch_last) : NULL);
	json_object_object_add(o, "daemon_pid", s->daemon_pid ?
			       json_object_new_int(s->daemon_pid) : NULL);
	return o;
}

static void print_json(const struct status *s)
{
	struct json_object *o = status_object(s);

	cli_json_print(o);
	json_object_put(o);
}

struct json_object *vb_status_json(bool probe)
{
	struct status s = {};

	struct json_object *o;

	gather(&s, probe);
	o = status_object(&s);
	json_object_put(s.fan);
	return o;
}

static void print_text(const struct status *s)
{
	if (s->enforcing && s->probed)
		printf("enforcing:        yes (the policy in force just refused its canary exec "
		       "with EPERM)\n");
	else if (s->enforcing)
		printf("enforcing:        yes (by the kernel's state; not proven by a canary exec: "
		       "--no-probe)\n");
	else
		printf("enforcing:        NO: %s\n", s->reason);
	if (!s->loaded)
		return;
	printf("kernel path:      %s (active LSMs: %s)\n", vb_path_name(s->set.path), s->lsm);
	printf("content checked:  %s\n", content_check(s));
	if (s->set.path == VB_PATH_FMOD_RET)
		printf("unjudged exec:    %s\n", s->slot.deny_unjudged_exec ?
		       "refused (EACCES) while no daemon judges it (option unjudged-exec deny)" :
		       "runs unjudged while no daemon judges it (option unjudged-exec allow)");
	if (s->seq) {
		printf("policy:           version %llu, %u sha256 rules (with the scan's), %u path "
		       "rules\n", (unsigned long long)s->slot.version, s->slot.n_hash_rules,
		       s->slot.n_path_rules);
		printf("modules:          %u signer keys, %u names%s%s\n", s->slot.n_signer_keys,
		       s->slot.n_module_names,
		       s->slot.deny_unsigned_modules ? ", unsigned modules refused" : "",
		       s->slot.deny_init_module ? ", init_module refused" : "");
	} else {
		printf("policy:           none loaded\n");
	}
	printf("denied:           %llu (would deny in audit: %llu)\n",
	       (unsigned long long)s->stats[VB_STAT_DENIED],
	       (unsigned long long)s->stats[VB_STAT_AUDITED]);
	printf("events dropped:   %llu (repeats counted instead of sent in full: %llu)\n",
	       (unsigned long long)s->stats[VB_STAT_DROPPED],
	       (unsigned long long)s->stats[VB_STAT_REPEATS]);
	printf("files hashed:     %llu (cache hits %llu, hash errors %llu)\n",
	       (unsigned long long)s->stats[VB_STAT_HASHED],
	       (unsigned long long)s->stats[VB_STAT_CACHE_HIT],
	       (unsigned long long)s->stats[VB_STAT_HASH_ERR]);
	if (s->fan)
		printf("daemon content:   %llu opens judged, %llu files hashed, %llu denied, %llu "
		       "errors; watching %llu filesystems (%llu since start) and %llu memfds, "
		       "%llu could not be watched\n",
		       (unsigned long long)json_u64(s->fan, "opens_judged"),
		       (unsigned long long)json_u64(s->fan, "files_hashed"),
		       (unsigned long long)json_u64(s->fan, "refused"),
		       (unsigned long long)json_u64(s->fan, "read_errors"),
		       (unsigned long long)(json_u64(s->fan, "filesystems_at_start") +
					    json_u64(s->fan, "filesystems_since")),
		       (unsigned long long)json_u64(s->fan, "filesystems_since"),
		       (unsigned long long)json_u64(s->fan, "memfds"),
		       (unsigned long long)json_u64(s->fan, "watch_failed"));
	printf("self-protection:  %s (attempts refused: %llu)\n", s->armed ? "armed" :
	       "NOT ARMED", (unsigned long long)s->stats[VB_STAT_TAMPER]);
	if (s->watch_seen)
		printf("tampering seen:   %llu by the daemon, %llu restored; last: %s\n",
		       (unsigned long long)s->watch_seen, (unsigned long long)s->watch_restored,
		       s->watch_last);
	if (s->daemon_pid)
		printf("daemon:           running (pid %d)\n", s->daemon_pid);
	else
		printf("daemon:           not running: the kernel goes on enforcing, denials wait "
		       "in the ring buffer until it is restarted\n");
}

#define STATUS_USAGE \
	"usage: vendorban [--json] status [--no-probe]\n" \
	"  Is the kernel enforcing right now, with which policy: proven by a canary exec the\n" \
	"  policy in force must refuse (--no-probe: by the kernel's state only).\n" \
	"  exit: 0 enforcing, 1 not enforcing, 2 usage error or not root\n"

int do_status(int argc, char **argv)
{
	struct status s = {};
	bool probe = true;

	if (cli_wants_help(argc, argv, STATUS_USAGE))
		return 0;
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--no-probe")) {
			probe = false;
		} else {
			vb_err("status: unknown argument '%s'", argv[i]);
			fputs(STATUS_USAGE, stderr);
			return 2;
		}
	}
	if (geteuid()) {
		vb_err("status needs root: it reads the kernel's BPF maps and runs a canary exec");
		return 2;
	}
	gather(&s, probe);
	if (cli_json)
		print_json(&s);
	else
		print_text(&s);
	json_object_put(s.fan);
	return s.enforcing ? 0 : 1;
}
