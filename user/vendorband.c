// SPDX-License-Identifier: GPL-2.0
/*
 * vendorband: the enforcement daemon. It loads (or takes over) the pinned BPF programs, compiles
 * the policy into their maps, proves by a self-test that the kernel enforces, and writes every
 * denial to the log. Enforcement lives in the kernel: if this process dies, it goes on.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <libgen.h>
#include <sys/inotify.h>
#include <sys/stat.h>
#include <time.h>
#include <bpf/libbpf.h>
#include "kernel/attach.h"
#include "scan/derive.h"
#include "identify/match.h"
#include "log/denylog.h"
#include "log/forward.h"
#include "log/logtime.h"
#include "log/event.h"
#include "kernel/facts.h"
#include "util/atomic.h"
#include "util/hex.h"
#include "util/msg.h"
#include "policy/policy.h"
#include "policy/sig.h"
#include "kernel/rules.h"
#include "daemon/runstate.h"
#include "daemon/selftest.h"

#define VB_POLICY_DEFAULT	"/etc/vendorban/vendorban.policy"
#define VB_POLL_MS		200
#define VB_STATE_DIR		"/var/lib/vendorban"
#define VB_VERSION_FLOOR	VB_STATE_DIR "/policy-version"	/* survives reboots */
#define VB_MAX_SIGNERS		16
#define VB_SETTLE_MS		500	/* quiet time after a policy file changes before reloading */
#define VB_FLOOR_DIGEST_LEN	32	/* SHA-256, struct vb_policy's digest */

struct daemon {
	struct vb_kernel k;
	struct vb_policy *policy;
	struct vb_event_ctx ectx;
	struct vb_denylog log;
	struct vb_forward fwd;		/* copies to the journal (or syslog) and to audit */
	const char *policy_path;
	enum vb_path want_path;		/* VB_PATH_NONE: choose */
	int mprotect_deny;		/* -1: default for the path */
	__u64 dropped_seen;
	bool dedupe_first;		/* compare the first event with settings.last_logged_* */
	struct vb_derived derived;	/* what the last scan gave the kernel */
	__u64 selftest_events;
	/* With trusted signers, only policies they signed are enforced, and never an older one. */
	const char *signer_files[VB_MAX_SIGNERS];
	int n_signers;
	struct vb_trust trust;
	int inotify_fd;			/* watches the policy's directory, -1 if it cannot */
	char policy_base[256];
	__u64 change_seen_ms;		/* when the policy or its .sig last changed, 0 if not */
	unsigned int reload_attempts;
	/* Where the vendor identities' files are looked for, at start and on every reload. */
	char *scan_paths[VB_SCAN_PATHS_MAX];
	size_t n_scan_paths;
	__u64 rescan_ms;		/* scan again this often (0: only at reload, SIGUSR1) */
};

static void collect_msg(int prio, const char *msg, void *arg)
{
	json_object_array_add(arg, json_object_new_string(msg));
}

/* For `vendorban reload`: the outcome of the last load, and every reason, as one file. */
static void write_reload_report(struct daemon *d, bool ok, struct json_object *msgs)
{
	struct json_object *o = json_object_new_object();
	const char *text;
	int err;

	json_object_object_add(o, "attempt", json_object_new_int64(d->reload_attempts));
	json_object_object_add(o, "ok", json_object_new_boolean(ok));
	json_object_object_add(o, "file", json_object_new_string(d->policy_path));
	json_object_object_add(o, "version_in_force", json_object_new_uint64(d->policy->version));
	json_object_object_add(o, "messages", msgs ? json_object_get(msgs) :
			       json_object_new_array());
	text = json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN |
					      JSON_C_TO_STRING_NOSLASHESCAPE);
	mkdir(VB_RUN_DIR, 0755);
	err = vb_atomic_write(VB_RELOAD_REPORT, text, strlen(text), 0644);
	if (err)
		vb_err("cannot write %s: %s (`vendorban reload` cannot tell how the load went)",
		       VB_RELOAD_REPORT, strerror(-err));
	json_object_put(o);
}

static volatile sig_atomic_t stop_requested, reload_requested, rescan_requested;

static void on_signal(int sig)
{
	if (sig == SIGHUP)
		reload_requested = 1;
	else if (sig == SIGUSR1)
		rescan_requested = 1;
	else
		stop_requested = 1;
}

static int load_policy(struct daemon *d, const char *path, struct vb_policy **out)
{
	char signer[512] = "", why[512] = "";
	struct vb_diag diag = {};
	int err;

	if (d->n_signers)
		err = vb_policy_load_verified(&d->trust, path, out, &diag, signer, sizeof(signer),
					      why, sizeof(why));
	else
		err = vb_policy_load(path, out, &diag);
	vb_diag_log(&diag, path);
	vb_diag_free(&diag);
	if (err && why[0])
		vb_err("%s", why);
	if (err)
		vb_err("policy %s refused: nothing in it was applied", path);
	else if (signer[0])
		vb_info("policy %s is signed by %s", path, signer);
	return err;
}

/*
 * The rollback floor: "VERSION DIGEST", the newest policy enforced here, kept across reboots.
 * The digest lets that same policy be loaded again (after a reboot, or a reload whose install
 * failed after its floor was written); a floor without one (older files) admits only newer.
 */
static __u64 read_version_floor(__u8 *digest, bool *has_digest)
{
	char hex[2 * VB_FLOOR_DIGEST_LEN + 2] = "";
	unsigned long long v = 0;
	FILE *f;
	int n;

	*has_digest = false;
	f = fopen(VB_VERSION_FLOOR, "r");
	if (!f)
		return 0;
	n = fscanf(f, "%llu %65s", &v, hex);
	if (n < 1)
		v = 0;
	else if (n == 2 && vb_unhex(hex, digest, VB_FLOOR_DIGEST_LEN) == VB_FLOOR_DIGEST_LEN)
		*has_digest = true;
	fclose(f);
	return v;
}

_Static_assert(VB_FLOOR_DIGEST_LEN == sizeof(((struct vb_policy *)0)->digest),
	       "the floor holds a policy's digest");

static int write_version_floor(const struct vb_policy *p)
{
	char hex[2 * VB_FLOOR_DIGEST_LEN + 1], text[128];
	int n;

	if (mkdir(VB_STATE_DIR, 0700) && errno != EEXIST)
		return -errno;
	vb_hex(p->digest, VB_FLOOR_DIGEST_LEN, hex);
	n = snprintf(text, sizeof(text), "%llu %s\n", (unsigned long long)p->version, hex);
	return vb_atomic_write(VB_VERSION_FLOOR, text, n, 0644);
}

/* Record p as the rollback floor. 0 or -errno, said here: a floor that silently stays behind
 * lets an older signed policy back in after a reboot. */
static int record_floor(struct daemon *d, const struct vb_policy *p)
{
	int err;

	if (!d->n_signers)
		return 0;
	err = write_version_floor(p);
	if (err)
		vb_err("cannot record policy version %llu as the rollback floor in %s: %s",
		       (unsigned long long)p->version, VB_VERSION_FLOOR, strerror(-err));
	return err;
}

/* No rollback where policies are signed: an older signed policy is still validly signed.
 * The same version is fine only if it is the same policy (a restart reloads it). */
static int check_rollback(struct daemon *d, const struct vb_policy *p, __u64 version,
			  const __u8 *digest)
{
	__u8 floor_digest[VB_FLOOR_DIGEST_LEN];
	bool floor_has_digest;
	char why[256];
	__u64 floor;

	if (!d->n_signers)
		return 0;
	floor = read_version_floor(floor_digest, &floor_has_digest);
	if (floor > version) {
		version = floor;
		digest = floor_has_digest ? floor_digest : NULL;
	}
	if (p->version == version && digest && !memcmp(p->digest, digest, sizeof(p->digest)))
		return 0;
	if (!vb_policy_version_check(p->version, version, why, sizeof(why)))
		return 0;
	vb_err("policy %s refused: %s", p->file, why);
	return -ESTALE;
}

/* The version in force before this daemon: in the kernel if it is enforcing, else on disk. */
static int check_rollback_at_start(struct daemon *d, const struct vb_policy *p)
{
	struct vb_slot_info info = {};
	struct vb_kernel k;
	__u64 seq;

	if (!d->n_signers)
		return 0;
	if (!vb_kernel_open_pinned(&k)) {
		if (vb_rules_active(&k, &info, &seq))
			memset(&info, 0, sizeof(info));
		vb_kernel_close(&k);
	}
	return check_rollback(d, p, info.version, info.version ? info.digest : NULL);
}

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

static int on_event(void *ctx, void *data, size_t len)
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
static void report_drops(struct daemon *d)
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

static const char *scanned_path(void *arg, __u32 dev, __u64 ino)
{
	return vb_derived_path(&((struct daemon *)arg)->derived, dev, ino);
}

/*
 * Scan for the policy in force and hand the kernel what changed, with the same policy, in one
 * flip. Unchanged results change nothing in the kernel (a flip would empty the verdict cache
 * for nothing). 1 if it flipped, 0 if nothing changed, or -errno: the kernel keeps the last
 * scan's verdicts.
 */
static int scan_and_flip(struct daemon *d)
{
	struct vb_derived derived;
	__u64 before;
	int err;

	err = vb_derive(d->policy, d->scan_paths, d->n_scan_paths, &derived);
	if (err)
		return err;
	if (vb_derived_equal(&derived, &d->derived)) {
		vb_derived_free(&derived);
		return 0;
	}
	before = d->ectx.policy_seq;
	err = vb_rules_install(&d->k, d->policy, &derived);
	if (err) {
		vb_derived_free(&derived);
		return err;
	}
	vb_derived_free(&d->derived);
	d->derived = derived;
	/* Same policy, new seq: events of either seq name its rules. */
	d->ectx.policy_seq_early = before;
	d->ectx.policy_seq = __atomic_load_n(&d->k.state->seq, __ATOMIC_ACQUIRE);
	return 1;
}

/* Software installed after the last scan is known to the kernel only once it is scanned: look
 * again now and then (and on SIGUSR1). */
static void rescan(struct daemon *d)
{
	size_t were = d->derived.n_files;
	int ret;

	if (!d->policy || !d->n_scan_paths || !vb_match_needs(d->policy))
		return;
	ret = scan_and_flip(d);
	if (ret < 0)
		vb_err("rescan failed (%s): the last scan's verdicts stay", strerror(-ret));
	else if (ret)
		vb_info("rescan: %zu files identified now (were %zu); policy version %llu "
			"re-installed", d->derived.n_files, were,
			(unsigned long long)d->policy->version);
}

/* p, or its scan results with it, is now in force as seq: events name its rules. */
static void now_in_force(struct daemon *d, struct vb_policy *p)
{
	vb_policy_free((struct vb_policy *)d->ectx.prev_policy);
	d->ectx.prev_policy = d->ectx.policy;
	d->ectx.prev_seq = d->ectx.policy_seq;
	d->ectx.policy = p;
	d->ectx.policy_seq = __atomic_load_n(&d->k.state->seq, __ATOMIC_ACQUIRE);
	d->ectx.policy_seq_early = 0;
	d->policy = p;
}

static int install(struct daemon *d, struct vb_policy *p)
{
	struct vb_derived derived;
	int err;

	/* Nothing enforces yet (a first start): enforce what needs no scan now, and what the scan
	 * finds a moment later, as a rescan would. A reload or a takeover keeps the old policy in
	 * force meanwhile, and the new one comes with its scan in one flip. */
	if (!__atomic_load_n(&d->k.state->seq, __ATOMIC_ACQUIRE) && d->n_scan_paths &&
	    vb_match_needs(p)) {
		err = vb_rules_install(&d->k, p, NULL);
		if (err)
			return err;
		now_in_force(d, p);
		vb_info("policy installed; scanning for files of its signers, packages and modules");
		err = scan_and_flip(d);
		if (err < 0)
			vb_err("NOT ENFORCING the files the scan identified (%s): the policy's hash, "
			       "path, module signer and name rules are enforced, its scan-only "
			       "identities are not", strerror(-err));
		return 0;
	}
	err = vb_derive(p, d->scan_paths, d->n_scan_paths, &derived);
	if (!err)
		err = vb_rules_install(&d->k, p, &derived);
	if (err) {
		vb_derived_free(&derived);
		return err;
	}
	vb_derived_free(&d->derived);
	d->derived = derived;
	now_in_force(d, p);
	return 0;
}

/* Enable the loaded programs with the policy and prove they deny. */
static int enable_and_verify(struct daemon *d, struct vb_policy *p, struct vb_selftest *st)
{
	int err;

	d->k.settings.enabled = 1;
	d->k.settings.mprotect_unverified_deny =
		d->mprotect_deny >= 0 ? d->mprotect_deny : d->k.settings.path == VB_PATH_LSM;
	err = vb_settings_write(&d->k);
	if (!err)
		err = install(d, p);
	if (!err)
		err = vb_selftest_run(&d->k, d->k.settings.path == VB_PATH_LSM, st);
	if (err)
		return err;
	if (st->enforcing && d->k.settings.path == VB_PATH_LSM && !st->hashing) {
		vb_err("the kernel does not hash content (canary exec: %s): content-hash rules "
		       "cannot be enforced", strerror(st->hash_errno));
		d->k.settings.can_hash = 0;
		vb_settings_write(&d->k);
	}
	return 0;
}

static int start_fresh(struct daemon *d, struct vb_policy *p)
{
	enum vb_path paths[2];
	char lsm[256] = "";
	int n = 0, active, err = -ENOTSUP;

	active = vb_bpf_lsm_active(lsm, sizeof(lsm));
	if (d->want_path != VB_PATH_NONE) {
		paths[n++] = d->want_path;
	} else {
		/* With bpf missing from lsm=, LSM programs attach and never run: skip them. */
		if (active == 1)
			paths[n++] = VB_PATH_LSM;
		else
			vb_info("bpf is not in the active LSM list (%s): using fmod_ret", lsm);
		paths[n++] = VB_PATH_FMOD_RET;
	}
	for (int i = 0; i < n; i++) {
		struct vb_selftest st;

		vb_info("loading the BPF programs for the %s path", vb_path_name(paths[i]));
		err = vb_kernel_load(&d->k, paths[i]);
		if (!err)
			vb_info("attached; installing the policy and running the self-test");
		if (!err)
			err = enable_and_verify(d, p, &st);
		if (!err && st.enforcing)
			return vb_kernel_pin(&d->k);
		if (!err) {
			vb_err("the %s path attached but does not enforce (self-test exec returned "
			       "%s, expected EPERM)", vb_path_name(paths[i]),
			       st.exec_errno ? strerror(st.exec_errno) : "success");
			err = -ENOTSUP;
		}
		vb_kernel_close(&d->k);
		d->ectx.policy = NULL;
	}
	return err;
}

static int start(struct daemon *d, struct vb_policy *p)
{
	struct vb_kernel old;
	struct vb_selftest st;
	char missing[64];
	int err;

	err = vb_kernel_open_pinned(&old);
	if (err && err != -ENOENT)
		return err;
	if (!err && old.settings.object_id == vb_object_id() && old.settings.enabled &&
	    (d->want_path == VB_PATH_NONE || d->want_path == old.settings.path) &&
	    vb_kernel_missing_links(old.settings.path, missing, sizeof(missing)) == 0) {
		/* A previous daemon's programs are attached and enforcing its policy: keep them,
		 * switch to our policy in one step. Nothing is detached, nothing attached twice. */
		d->k = old;
		d->k.took_over = true;
		d->dedupe_first = d->k.settings.last_logged_ktime != 0;
		/* Drops after the last daemon's last gap record, while none ran, are ours. */
		d->dropped_seen = old.settings.drops_declared;
		err = enable_and_verify(d, p, &st);
		if (!err && st.enforcing)
			return 0;
		vb_err("the pinned programs do not enforce any more; loading them again");
		d->ectx.policy = NULL;
		d->k.took_over = false;
		old = d->k;
		memset(&d->k, 0, sizeof(d->k));
	}
	/* Either nothing is pinned, or it is another build, or it is broken: load ours, and only
	 * once ours enforces, replace the pinned one (both judge for that moment). */
	err = start_fresh(d, p);
	vb_kernel_close(&old);
	return err;
}

static void reload(struct daemon *d)
{
	struct json_object *msgs = json_object_new_array();
	struct vb_policy *p = NULL;
	bool ok = false;

	d->reload_attempts++;
	vb_msg_sink(collect_msg, msgs);
	vb_info("reloading %s", d->policy_path);
	/*
	 * The floor is written before the kernel gets the policy, and a floor that cannot be
	 * written refuses the reload: a policy enforced without its floor on disk would, after a
	 * reboot, let an older signed one back in. The one in force stays, with its floor.
	 */
	if (load_policy(d, d->policy_path, &p) ||
	    check_rollback(d, p, d->policy->version, d->policy->digest) ||
	    record_floor(d, p)) {
		vb_err("reload refused: the policy in force stays (version %llu)",
		       (unsigned long long)d->policy->version);
		vb_policy_free(p);
	} else if (install(d, p)) {
		vb_err("reload failed: the policy in force stays (version %llu)",
		       (unsigned long long)d->policy->version);
		vb_policy_free(p);
	} else {
		vb_info("policy version %llu in force", (unsigned long long)p->version);
		ok = true;
	}
	vb_msg_sink(NULL, NULL);
	write_reload_report(d, ok, msgs);
	json_object_put(msgs);
}


static __u64 now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (__u64)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Sites ship policy by dropping files with the configuration management they already use;
 * watching the directory picks up both in-place writes and atomic renames. */
static void watch_policy(struct daemon *d)
{
	char dir[4096], base[4096];

	snprintf(dir, sizeof(dir), "%s", d->policy_path);
	snprintf(base, sizeof(base), "%s", d->policy_path);
	snprintf(d->policy_base, sizeof(d->policy_base), "%s", basename(base));
	d->inotify_fd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
	if (d->inotify_fd < 0 ||
	    inotify_add_watch(d->inotify_fd, dirname(dir), IN_CLOSE_WRITE | IN_MOVED_TO) < 0) {
		vb_warn("cannot watch %s for changes (%s): reload with SIGHUP", d->policy_path,
			strerror(errno));
		if (d->inotify_fd >= 0)
			close(d->inotify_fd);
		d->inotify_fd = -1;
	}
}

static void check_policy_changed(struct daemon *d)
{
	char buf[4096] __attribute__((aligned(__alignof__(struct inotify_event))));
	size_t blen = strlen(d->policy_base);
	ssize_t n;

	if (d->inotify_fd < 0)
		return;
	while ((n = read(d->inotify_fd, buf, sizeof(buf))) > 0) {
		for (char *p = buf; p < buf + n;) {
			struct inotify_event *ev = (struct inotify_event *)p;

			if (ev->len && !strncmp(ev->name, d->policy_base, blen) &&
			    (!ev->name[blen] || !strcmp(ev->name + blen, ".sig")))
				d->change_seen_ms = now_ms();
			p += sizeof(*ev) + ev->len;
		}
	}
	if (d->change_seen_ms && now_ms() - d->change_seen_ms >= VB_SETTLE_MS) {
		d->change_seen_ms = 0;
		reload_requested = 1;
	}
}

static void write_pidfile(void)
{
	char text[32];
	int n, err;

	n = snprintf(text, sizeof(text), "%d\n", getpid());
	mkdir(VB_RUN_DIR, 0755);
	err = vb_atomic_write(VB_PIDFILE, text, n, 0644);
	if (err)
		vb_err("cannot write %s: %s (the CLI will not find this daemon)", VB_PIDFILE,
		       strerror(-err));
}

/* The default places a vendor's files live, those of them this host has. */
static void default_scan_paths(struct daemon *d)
{
	static char defaults[] = VB_SCAN_DEFAULT_PATHS;
	char *save = NULL;

	for (char *dir = strtok_r(defaults, ":", &save); dir && d->n_scan_paths < VB_SCAN_PATHS_MAX;
	     dir = strtok_r(NULL, ":", &save)) {
		struct stat st;

		if (!lstat(dir, &st) && S_ISDIR(st.st_mode))
			d->scan_paths[d->n_scan_paths++] = dir;
	}
}

/* Long options without a short one: values past any character, so none can collide. */
enum {
	OPT_LOG_MAX_SIZE = 0x100,
	OPT_LOG_MAX_AGE,
	OPT_LOG_KEEP,
	OPT_NO_AUDIT,
	OPT_RESCAN,
};

static void usage(FILE *f)
{
	fprintf(f,
		"usage: vendorband [OPTIONS]\n"
		"  -p, --policy FILE            policy to enforce (default " VB_POLICY_DEFAULT ")\n"
		"  -l, --log FILE               denial log (default " VB_DENYLOG_DEFAULT ")\n"
		"      --log-max-size SIZE      rotate the log before it passes SIZE (K, M, G;\n"
		"                               default 64M, at least 64K; 0: never)\n"
		"      --log-max-age AGE        rotate the log when it is AGE old (s, m, h, d, w;\n"
		"                               default 7d; 0: never)\n"
		"      --log-keep N             rotated logs kept, compressed (default 30)\n"
		"      --no-audit               do not send denials to the Linux audit subsystem\n"
		"      --path auto|lsm|fmod_ret how to hook the kernel (default auto)\n"
		"      --mprotect-unverified deny|allow\n"
		"                               mprotect(PROT_EXEC) on a file with no verdict\n"
		"                               (default: deny where the kernel hashes content)\n"
		"      --trusted-signer CERT    enforce only policies signed by CERT (PEM; repeat\n"
		"                               for more), never one older than the one in force\n"
		"      --no-syslog              do not copy messages and denials to syslog\n"
		"      --scan DIR               look for files of the policy's signers, packages and\n"
		"                               modules below DIR (repeat for more; 'none' for no\n"
		"                               scan; default " VB_SCAN_DEFAULT_PATHS ")\n"
		"      --rescan AGE             scan again this often, for software installed since\n"
		"                               (s, m, h, d; default 1h; 0: only on reload and\n"
		"                               SIGUSR1); unchanged files are not read again\n"
		"  -h, --help\n");
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "policy", required_argument, NULL, 'p' },
		{ "log", required_argument, NULL, 'l' },
		{ "log-max-size", required_argument, NULL, OPT_LOG_MAX_SIZE },
		{ "log-max-age", required_argument, NULL, OPT_LOG_MAX_AGE },
		{ "log-keep", required_argument, NULL, OPT_LOG_KEEP },
		{ "no-audit", no_argument, NULL, OPT_NO_AUDIT },
		{ "rescan", required_argument, NULL, OPT_RESCAN },
		{ "path", required_argument, NULL, 'P' },
		{ "mprotect-unverified", required_argument, NULL, 'M' },
		{ "no-syslog", no_argument, NULL, 'S' },
		{ "trusted-signer", required_argument, NULL, 'T' },
		{ "scan", required_argument, NULL, 'D' },
		{ "help", no_argument, NULL, 'h' },
		{},
	};
	struct daemon d = { .policy_path = VB_POLICY_DEFAULT, .mprotect_deny = -1,
			    .rescan_ms = VB_RESCAN_DEFAULT_MS };
	const char *log_path = VB_DENYLOG_DEFAULT;
	struct vb_denylog_opts log_opts = { VB_DENYLOG_MAX_SIZE, VB_DENYLOG_MAX_AGE,
					    VB_DENYLOG_KEEP };
	bool no_audit = false;
	char *end;
	struct ring_buffer *rb = NULL;
	struct vb_policy *p;
	int c, use_syslog = 1, err;
	bool scan_given = false;
	__u64 last_scan_ms;

	while ((c = getopt_long(argc, argv, "p:l:h", opts, NULL)) != -1) {
		switch (c) {
		case 'p':
			d.policy_path = optarg;
			break;
		case 'l':
			log_path = optarg;
			break;
		case OPT_LOG_MAX_SIZE:
			if (vb_size_parse(optarg, &log_opts.max_size) ||
			    (log_opts.max_size && log_opts.max_size < 65536))
				goto bad_usage;
			break;
		case OPT_LOG_MAX_AGE:
			if (vb_duration_parse(optarg, &log_opts.max_age))
				goto bad_usage;
			break;
		case OPT_LOG_KEEP:
			log_opts.keep = strtoul(optarg, &end, 10);
			if (*end || end == optarg || !log_opts.keep ||
			    log_opts.keep > VB_DENYLOG_KEEP_MAX)
				goto bad_usage;
			break;
		case OPT_NO_AUDIT:
			no_audit = true;
			break;
		case OPT_RESCAN: {
			uint64_t secs;

			if (vb_duration_parse(optarg, &secs))
				goto bad_usage;
			d.rescan_ms = secs * 1000;
			break;
		}
		case 'P':
			if (!strcmp(optarg, "lsm"))
				d.want_path = VB_PATH_LSM;
			else if (!strcmp(optarg, "fmod_ret"))
				d.want_path = VB_PATH_FMOD_RET;
			else if (strcmp(optarg, "auto"))
				goto bad_usage;
			break;
		case 'M':
			if (strcmp(optarg, "deny") && strcmp(optarg, "allow"))
				goto bad_usage;
			d.mprotect_deny = !strcmp(optarg, "deny");
			break;
		case 'S':
			use_syslog = 0;
			break;
		case 'T':
			if (d.n_signers == VB_MAX_SIGNERS)
				goto bad_usage;
			d.signer_files[d.n_signers++] = optarg;
			break;
		case 'D':
			scan_given = true;
			if (!strcmp(optarg, "none"))
				break;
			if (d.n_scan_paths == VB_SCAN_PATHS_MAX)
				goto bad_usage;
			d.scan_paths[d.n_scan_paths++] = optarg;
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			goto bad_usage;
		}
	}
	if (optind != argc)
		goto bad_usage;
	if (!scan_given)
		default_scan_paths(&d);
	vb_msg_init("vendorband", use_syslog);
	if (geteuid()) {
		vb_err("must run as root (it loads BPF programs)");
		return 1;
	}
	gethostname(d.ectx.host, sizeof(d.ectx.host) - 1);
	d.ectx.scanned_path = scanned_path;
	d.ectx.scanned_arg = &d;
	if (d.n_signers && vb_trust_load(&d.trust, d.signer_files, d.n_signers))
		return 1;
	p = NULL;
	if (load_policy(&d, d.policy_path, &p) || check_rollback_at_start(&d, p))
		return 1;
	if (vb_denylog_open(&d.log, log_path, &log_opts))
		return 1;
	vb_forward_open(&d.fwd, (use_syslog ? VB_FWD_SYSLOG : 0) | (no_audit ? 0 : VB_FWD_AUDIT),
			d.ectx.host);
	signal(SIGHUP, on_signal);
	signal(SIGUSR1, on_signal);
	signal(SIGTERM, on_signal);
	signal(SIGINT, on_signal);

	err = start(&d, p);
	if (err) {
		vb_err("NOT ENFORCING: cannot make this kernel deny anything (%s). Check that the "
		       "kernel has CONFIG_BPF_LSM=y and BTF, and see the messages above.",
		       strerror(-err));
		return 1;
	}
	/* Enforced even so: refusing to run would leave the host with no enforcement, or with a
	 * policy the operator has replaced. The error says that a reboot could go back. */
	if (record_floor(&d, d.policy))
		vb_err("until the floor is recorded, a restart after a reboot would accept a "
		       "signed policy older than version %llu", (unsigned long long)d.policy->version);
	vb_info("enforcing: path %s%s, content hashing in kernel: %s, policy %s version %llu",
		vb_path_name(d.k.settings.path), d.k.took_over ? " (taken over)" : "",
		d.k.settings.can_hash ? "yes" : "no", d.policy_path,
		(unsigned long long)d.policy->version);

	rb = ring_buffer__new(d.k.map_fd[VB_MAP_EVENTS], on_event, &d, NULL);
	if (!rb) {
		vb_err("cannot read denial events: %s (enforcement goes on)", strerror(errno));
		return 1;
	}
	watch_policy(&d);
	write_reload_report(&d, true, NULL);
	write_pidfile();
	last_scan_ms = now_ms();
	while (!stop_requested) {
		err = ring_buffer__poll(rb, VB_POLL_MS);
		if (err < 0 && err != -EINTR) {
			vb_err("reading events failed: %s", strerror(-err));
			break;
		}
		/* Idle ticks too: a pending gap record goes in as soon as the disk takes it. */
		vb_denylog_flush(&d.log);
		report_drops(&d);
		check_policy_changed(&d);
		if (reload_requested) {
			reload_requested = 0;
			reload(&d);
			last_scan_ms = now_ms();
		}
		if (rescan_requested ||
		    (d.rescan_ms && now_ms() - last_scan_ms >= d.rescan_ms)) {
			rescan_requested = 0;
			rescan(&d);
			last_scan_ms = now_ms();
		}
	}
	/* Whatever is already in the ring buffer is written before we go. */
	ring_buffer__consume(rb);
	vb_denylog_flush(&d.log);
	ring_buffer__free(rb);
	vb_info("stopping; the kernel goes on enforcing policy version %llu",
		(unsigned long long)d.policy->version);
	unlink(VB_PIDFILE);
	vb_kernel_close(&d.k);
	vb_denylog_close(&d.log);
	vb_forward_close(&d.fwd);
	return 0;

bad_usage:
	usage(stderr);
	return 2;
}
