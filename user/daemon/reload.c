// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <libgen.h>
#include <unistd.h>
#include <sys/inotify.h>
#include <sys/stat.h>
#include "daemon/daemon.h"
#include "daemon/notify.h"
#include "daemon/runstate.h"
#include "util/atomic.h"
#include "util/hex.h"
#include "util/msg.h"

#define VB_VERSION_FLOOR	VB_STATE_DIR "/policy-version"	/* survives reboots */
#define VB_SETTLE_MS		500	/* quiet time after a policy file changes before reloading */
#define VB_FLOOR_DIGEST_LEN	32	/* SHA-256, struct vb_policy's digest */

static void collect_msg(int prio, const char *msg, void *arg)
{
	json_object_array_add(arg, json_object_new_string(msg));
}

/* For `vendorban reload`: the outcome of the last load, and every reason, as one file. */
void daemon_write_reload_report(struct daemon *d, bool ok, struct json_object *msgs)
{
	struct json_object *o = json_object_new_object();
	int err;

	json_object_object_add(o, "attempt", json_object_new_int64(d->reload_attempts));
	json_object_object_add(o, "ok", json_object_new_boolean(ok));
	json_object_object_add(o, "file", json_object_new_string(d->policy_path));
	json_object_object_add(o, "version_in_force", json_object_new_uint64(d->policy->version));
	json_object_object_add(o, "messages", msgs ? json_object_get(msgs) :
			       json_object_new_array());
	err = vb_daemon_write_run_json(VB_RELOAD_REPORT, o);
	if (err)
		vb_err("cannot write %s: %s (`vendorban reload` cannot tell how the load went)",
		       VB_RELOAD_REPORT, strerror(-err));
}

int daemon_load_policy(struct daemon *d, const char *path, struct vb_policy **out)
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
int daemon_record_floor(struct daemon *d, const struct vb_policy *p)
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
int daemon_check_rollback_at_start(struct daemon *d, const struct vb_policy *p)
{
	struct vb_slot_info info = {};
	struct vb_kernel k;
	__u64 seq;

	if (!d->n_signers)
		return 0;
	/* For reading: the guard refuses a writable fd while the last daemon lives. */
	if (!vb_kernel_open_pinned_ro(&k)) {
		if (vb_rules_active(&k, &info, &seq))
			memset(&info, 0, sizeof(info));
		vb_kernel_close(&k);
	}
	return check_rollback(d, p, info.version, info.version ? info.digest : NULL);
}

void daemon_reload(struct daemon *d)
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
	if (daemon_load_policy(d, d->policy_path, &p) ||
	    check_rollback(d, p, d->policy->version, d->policy->digest) ||
	    daemon_record_floor(d, p)) {
		vb_err("reload refused: the policy in force stays (version %llu)",
		       (unsigned long long)d->policy->version);
	} else if (daemon_install(d, p)) {
		vb_err("reload failed: the policy in force stays (version %llu)",
		       (unsigned long long)d->policy->version);
	} else {
		vb_info("policy version %llu in force", (unsigned long long)p->version);
		ok = true;
	}
	vb_msg_sink(NULL, NULL);
	daemon_record_reload(d, ok, p, msgs);
	if (!ok)
		vb_policy_free(p);
	daemon_write_reload_report(d, ok, msgs);
	daemon_notify_status("enforcing policy version %llu%s",
			     (unsigned long long)d->policy->version,
			     ok ? "" : " (the last reload was refused: vendorban reload says why)");
	json_object_put(msgs);
}

/* Sites ship policy by dropping files with the configuration management they already use;
 * watching the directory picks up both in-place writes and atomic renames. */
void daemon_watch_policy(struct daemon *d)
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

/* A reload reads the file as it is now: what the watch saw change before it needs no reload of
 * its own (a rename followed by SIGHUP, as `vendorban reload` after an edit, loaded the policy
 * twice: with a million rules, 11 s and twice the memory, measured). A change after this is
 * seen anew. */
void daemon_policy_change_taken(struct daemon *d)
{
	char buf[4096] __attribute__((aligned(__alignof__(struct inotify_event))));

	if (d->inotify_fd >= 0)
		while (read(d->inotify_fd, buf, sizeof(buf)) > 0)
			;
	d->change_seen_ms = 0;
}

bool daemon_policy_changed(struct daemon *d)
{
	char buf[4096] __attribute__((aligned(__alignof__(struct inotify_event))));
	size_t blen = strlen(d->policy_base);
	ssize_t n;

	if (d->inotify_fd < 0)
		return false;
	while ((n = read(d->inotify_fd, buf, sizeof(buf))) > 0) {
		for (char *p = buf; p < buf + n;) {
			struct inotify_event *ev = (struct inotify_event *)p;

			if (ev->len && !strncmp(ev->name, d->policy_base, blen) &&
			    (!ev->name[blen] || !strcmp(ev->name + blen, ".sig")))
				d->change_seen_ms = daemon_now_ms();
			p += sizeof(*ev) + ev->len;
		}
	}
	if (d->change_seen_ms && daemon_now_ms() - d->change_seen_ms >= VB_SETTLE_MS) {
		d->change_seen_ms = 0;
		return true;
	}
	return false;
}
