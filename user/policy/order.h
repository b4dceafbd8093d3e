/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A disable order: where policies must be signed (vendorband --trusted-signer), stopping
 * enforcement needs an order signed the same way (a detached FILE.sig, user/policy/sig.h) and
 * never older than the policy in force. Plain text:
 *
 *	vendorban-disable 1
 *	host build-07.example.net	(or *: any host)
 *	version 21			(the newest policy version it may end)
 *
 * '#' starts a comment line; each keyword once; nothing else.
 */
#ifndef VB_ORDER_H
#define VB_ORDER_H

#include <stddef.h>
#include <stdint.h>

#define VB_ORDER_MAGIC		"vendorban-disable"
#define VB_ORDER_FORMAT		1
#define VB_ORDER_MAX_SIZE	4096
#define VB_ORDER_HOST_MAX	256

struct vb_order {
	char host[VB_ORDER_HOST_MAX];	/* "*" for any */
	uint64_t version;
};

/* Parse buf[0..len). 0, or -EINVAL with the reason in why. */
int vb_order_parse(const char *buf, size_t len, struct vb_order *o, char *why, size_t why_len);
/* May o end enforcement of the policy version in force on host? 0, or -EPERM with why. */
int vb_order_check(const struct vb_order *o, const char *host, uint64_t in_force, char *why,
		   size_t why_len);

#endif
