// SPDX-License-Identifier: GPL-2.0
/* Where the kernel cannot hash (the fmod_ret path), the daemon judges content through fanotify
 * (fanotify.c) and tells the kernel so (guard.content_tgid), for option unjudged-exec;
 * it keeps saying so only if its content canary is refused. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "daemon/daemon.h"
#include "daemon/selftest.h"
#include "kernel/guard.h"
#include "util/msg.h"

void daemon_judge_content(struct daemon *d)
{
	struct vb_selftest st;
	int err, result = 0;

	/* Until proven below, no daemon judges content: not a previous one either. */
	vb_guard_set_content(&d->k, 0);
	if (d->k.settings.path != VB_PATH_FMOD_RET || d->k.settings.can_hash)
		return;
	d->fan = calloc(1, sizeof(*d->fan));
	if (!d->fan || vb_fan_start(d->fan, &d->k)) {
		free(d->fan);
		d->fan = NULL;
		goto not_checked;
	}
	/* Said before the proof: under option unjudged-exec deny the kernel would refuse the
	 * canary itself (EACCES) while no daemon judges; taken back if the proof fails. */
	vb_guard_set_content(&d->k, getpid());
	/* The policy's own content canary, a file (fanotify cannot watch the memfds the
	 * daemon's other canaries are: their filesystem is the kernel's internal one). */
	err = vb_selftest_policy(true, &st);
	result = st.hash_errno;
	if (err || !st.hashing) {
		vb_err("fanotify runs but did not refuse the content canary %s (%s)",
		       VB_CANARY_HASH_FILE, err ? strerror(-err) : result ? strerror(result) :
		       "it ran");
		daemon_stop_judging_content(d);
		goto not_checked;
	}
	/* Where content is judged, a file mapped executable with no verdict is as on the lsm
	 * path: mprotect(PROT_EXEC) of it is refused unless told otherwise. */
	if (d->mprotect_deny < 0)
		d->k.settings.mprotect_unverified_deny = 1;
	vb_settings_write(&d->k);
	vb_info("content rules: checked in the daemon (fanotify), proven by the content canary; "
		"not while the daemon is down");
	return;
not_checked:
	vb_err("NOT ENFORCING sha256 rules on this path: the kernel cannot hash content and the "
	       "daemon cannot either; path, scan and module rules are enforced");
}

void daemon_stop_judging_content(struct daemon *d)
{
	if (!d->fan)
		return;
	vb_fan_stop(d->fan);
	free(d->fan);
	d->fan = NULL;
	vb_guard_set_content(&d->k, 0);
}
