// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <string.h>
#include "daemon/daemon.h"
#include "identify/match.h"
#include "util/msg.h"

const char *daemon_scanned_path(void *arg, __u32 dev, __u64 ino)
{
	return vb_derived_path(&((struct daemon *)arg)->derived, dev, ino);
}

/*
 * Scan for the policy in force and hand the kernel what changed, with the same policy, in one
 * flip. Unchanged results change nothing in the kernel (a flip would empty the verdict cache
 * for nothing). 1 if it flipped, 0 if nothing changed, or -errno: the kernel keeps the last
 * scan's verdicts.
 */
int daemon_scan_and_flip(struct daemon *d)
{
	struct vb_derived derived;
	__u64 before;
	int err;

	err = vb_derive(d->policy, d->scan_paths, d->n_scan_paths, &d->derived, &derived);
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
	daemon_write_installed(d);
	return 1;
}

/* Software installed after the last scan is known to the kernel only once it is scanned: look
 * again now and then (and on SIGUSR1). */
void daemon_rescan(struct daemon *d)
{
	size_t were = d->derived.n_files;
	int ret;

	if (!d->policy || !d->n_scan_paths || !vb_match_needs(d->policy))
		return;
	ret = daemon_scan_and_flip(d);
	if (ret < 0)
		vb_err("rescan failed (%s): the last scan's verdicts stay", strerror(-ret));
	else if (ret)
		vb_info("rescan: %zu files identified now (were %zu); policy version %llu "
			"re-installed", d->derived.n_files, were,
			(unsigned long long)d->policy->version);
}
