// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <string.h>
#include "daemon/daemon.h"
#include "daemon/selftest.h"
#include "identify/match.h"
#include "kernel/facts.h"
#include "util/msg.h"

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

/* Take over the pinned programs if they are ours and still enforce, else load ours. */
static int take_over_or_load(struct daemon *d, struct vb_policy *p)
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

int daemon_start(struct daemon *d, struct vb_policy *p)
{
	int err;

	err = take_over_or_load(d, p);
	if (err)
		return err;
	/* Enforced even if its floor cannot be recorded: refusing to run would leave the host
	 * with no enforcement, or with a policy the operator has replaced. The error says what
	 * a reboot could do meanwhile. */
	if (daemon_record_floor(d, d->policy))
		vb_err("until the floor is recorded, a start after a reboot would accept a signed "
		       "policy older than version %llu", (unsigned long long)d->policy->version);
	return 0;
}
