/* SPDX-License-Identifier: GPL-2.0 */
/* Stop enforcing on purpose: `vendorband --disable`, which `vendorban disable` runs. */
#ifndef VB_DISABLE_H
#define VB_DISABLE_H

#include "kernel/attach.h"
#include "log/denylog.h"
#include "policy/sig.h"

struct vb_disable_opts {
	const char *log_path;
	const struct vb_denylog_opts *log_opts;
	const struct vb_trust *trust;	/* --trusted-signer, NULL if none */
	const char *order;		/* a signed disable order (policy/order.h), or NULL */
	int json;			/* the outcome as JSON, with these json-c flags; 0: text */
};

/* Take over the pinned programs (only the registered vendorband may, while no daemon lives);
 * where they were loaded to enforce signed policies only, check the disable order against the
 * same trust store and the policy in force; write a "disable" record into the chained log;
 * then unpin everything and wait until the programs are gone. 0: no longer enforcing (or never
 * was); 1: refused or failed, with the reason said. */
int vb_disable(const struct vb_disable_opts *o);
#endif
