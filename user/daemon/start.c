// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <string.h>
#include <unistd.h>
#include "daemon/daemon.h"
#include "daemon/runstate.h"
#include "daemon/selftest.h"
#include "identify/match.h"
#include "kernel/facts.h"
#include "kernel/guard.h"
#include "kernel/hashdrv.h"
#include "util/hex.h"
#include "util/msg.h"

void daemon_write_installed(struct daemon *d)
{
	struct json_object *o;
	struct vb_slot_info info;
	char digest[65];
	__u64 seq;
	int err;

	if (vb_rules_active(&d->k, &info, &seq))
		return;
	o = json_object_new_object();
	vb_hex(info.digest, sizeof(info.digest), digest);
	json_object_object_add(o, "pid", json_object_new_int(getpid()));
	json_object_object_add(o, "seq", json_object_new_uint64(seq));
	json_object_object_add(o, "version", json_object_new_uint64(info.version));
	json_object_object_add(o, "sha256", json_object_new_string(digest));
	json_object_object_add(o, "log", json_object_new_string(d->log.path));
	err = vb_daemon_write_run_json(VB_INSTALLED, o);
	if (err)
		vb_err("cannot write %s: %s (status cannot tell the policy in force is this "
		       "daemon's)", VB_INSTALLED, strerror(-err));
}

/* p, or its scan results with it, is now in force as seq: events name its rules. */
static void now_in_force(struct daemon *d, struct vb_policy *p)
{
	/* After a takeover the policy in force may be ours already (same_text_in_force()). */
	if (d->ectx.prev_policy != d->ectx.policy)
		vb_policy_free((struct vb_policy *)d->ectx.prev_policy);
	d->ectx.prev_policy = d->ectx.policy;
	d->ectx.prev_seq = d->ectx.policy_seq;
	d->ectx.policy = p;
	d->ectx.policy_seq = __atomic_load_n(&d->k.state->seq, __ATOMIC_ACQUIRE);
	d->ectx.policy_seq_early = 0;
	d->policy = p;
	daemon_write_installed(d);
}

int daemon_install(struct daemon *d, struct vb_policy *p)
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
		err = daemon_scan_and_flip(d);
		if (err < 0)
			vb_err("NOT ENFORCING the files the scan identified (%s): the policy's hash, "
			       "path, module signer and name rules are enforced, its scan-only "
			       "identities are not", strerror(-err));
		return 0;
	}
	err = vb_derive(p, d->scan_paths, d->n_scan_paths, &d->derived, &derived);
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
		err = daemon_install(d, p);
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

/* The kernel keeps which trust store the programs enforce policies of: a root shell cannot
 * take them over with another one (or none) and load its own policy. */
static int set_signer(struct daemon *d, struct vb_kernel *k)
{
	__u8 digest[VB_SHA256_LEN];
	int err = vb_trust_digest(&d->trust, digest);

	if (!err)
		err = vb_guard_set_signer(k, digest);
	if (err)
		vb_err("cannot record the trusted signers in the kernel: %s", strerror(-err));
	return err;
}

static int start_fresh(struct daemon *d, struct vb_policy *p, const struct vb_canaries *canary)
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
		if (!err) {
			vb_info("attached; installing the policy and running the self-test");
			d->k.canary = *canary;
			err = vb_guard_claim(&d->k);
			if (!err && d->n_signers)
				err = set_signer(d, &d->k);
		}
		if (!err)
			err = enable_and_verify(d, p, &st);
		if (!err && st.enforcing) {
			err = vb_kernel_pin(&d->k);
			return err ? err : vb_guard_arm(&d->k);
		}
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

/* The records a killed daemon left in the ring buffer name the rules of the policy it had in
 * force. Where that is the text of ours (its digest in the active slot), ours names them: they
 * are logged with their vendor and rule, not as of an unknown policy. */
static void same_text_in_force(struct daemon *d, const struct vb_policy *p)
{
	struct vb_slot_info info;
	__u64 seq;

	if (!vb_rules_active(&d->k, &info, &seq) && seq &&
	    !memcmp(info.digest, p->digest, sizeof(info.digest))) {
		d->ectx.policy = p;
		d->ectx.policy_seq = seq;
	}
}

/* Take over the pinned programs if they are ours and still enforce, else load ours. */
static int take_over_or_load(struct daemon *d, struct vb_policy *p)
{
	struct vb_canaries canary;
	struct vb_kernel old;
	struct vb_selftest st;
	char missing[64];
	int err;

	if (vb_canaries_create(&canary))
		memset(&canary, 0, sizeof(canary));
	err = vb_guard_take_over(&old, VB_TAKEOVER_WAIT_MS);
	if (err && err != -ENOENT)
		return err;
	/* Loaded for signed policies only: only that trust store may take over (or replace). */
	if (!err) {
		err = vb_guard_check_signer(&old, d->n_signers ? &d->trust : NULL);
		if (!err && d->n_signers)
			err = set_signer(d, &old);
		if (err) {
			vb_kernel_close(&old);
			return err;
		}
	}
	if (!err && old.settings.object_id == vb_object_id() && old.settings.enabled &&
	    (d->want_path == VB_PATH_NONE || d->want_path == old.settings.path) &&
	    vb_kernel_missing_links(old.settings.path, missing, sizeof(missing)) == 0) {
		/* A previous daemon's programs are attached and enforcing its policy: keep them,
		 * switch to our policy in one step. Nothing is detached, nothing attached twice. */
		d->k = old;
		d->k.took_over = true;
		d->k.canary = canary;
		d->dedupe_first = d->k.settings.last_logged_ktime != 0;
		/* Drops after the last daemon's last gap record, while none ran, are ours. */
		d->dropped_seen = old.settings.drops_declared;
		same_text_in_force(d, p);
		err = enable_and_verify(d, p, &st);
		if (!err && st.enforcing)
			return 0;
		vb_err("the pinned programs do not enforce any more; loading them again");
		d->ectx.policy = NULL;
		if (d->ectx.prev_policy == p)	/* same_text_in_force(): not a policy of its own */
			d->ectx.prev_policy = NULL;
		d->k.took_over = false;
		old = d->k;
		memset(&d->k, 0, sizeof(d->k));
	}
	/* Either nothing is pinned, or it is another build, or it is broken: load ours, and only
	 * once ours enforces, replace the pinned one (both judge for that moment). */
	err = start_fresh(d, p, &canary);
	vb_kernel_close(&old);
	return err;
}

/* Content the kernel hashes at first sight: with the fastest SHA-256 it has (hashdrv.c). */
static void fast_first_sight(struct daemon *d)
{
	char driver[64] = "";
	int err;

	if (d->k.settings.path != VB_PATH_LSM || !d->k.settings.can_hash)
		return;
	err = vb_kernel_fast_hash(driver, sizeof(driver));
	if (err)
		vb_warn("the kernel hashes every never-seen file with the SHA-256 it took at boot "
			"(%s: %s)", VB_IMA_AHASH_MINSIZE, strerror(-err));
	else
		vb_info("the kernel hashes never-seen files of %d KiB and more with %s "
			"(ima.ahash_minsize)", VB_AHASH_MINSIZE / 1024, driver[0] ? driver : "sha256");
}

int daemon_start(struct daemon *d, struct vb_policy *p)
{
	int err;

	err = take_over_or_load(d, p);
	if (err)
		return err;
	fast_first_sight(d);
	/* Enforced even if its floor cannot be recorded: refusing to run would leave the host
	 * with no enforcement, or with a policy the operator has replaced. The error says what
	 * a reboot could do meanwhile. */
	if (daemon_record_floor(d, d->policy))
		vb_err("until the floor is recorded, a start after a reboot would accept a signed "
		       "policy older than version %llu", (unsigned long long)d->policy->version);
	return 0;
}
