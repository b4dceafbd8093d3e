/* SPDX-License-Identifier: GPL-2.0 */
/* Turn a kernel event into the denial record auditors read. */
#ifndef VB_EVENT_H
#define VB_EVENT_H

#include <stdint.h>
#include <json-c/json.h>
#include <linux/types.h>
#include "vendorban.h"
#include "policy/policy.h"

struct vb_event_ctx {
	const struct vb_policy *policy;		/* the policy the daemon installed */
	__u64 policy_seq;			/* its policy_state.seq */
	__u64 policy_seq_early;			/* the same policy, installed before its scan */
	const struct vb_policy *prev_policy;	/* the one before a reload: events in flight */
	__u64 prev_seq;
	char host[256];
	/* Where a file the kernel names only by dev/ino and base name was found by the scan,
	 * so its record can say what the file is (NULL: not known). */
	const char *(*scanned_path)(void *arg, __u32 dev, __u64 ino);
	void *scanned_arg;
};

const char *vb_op_name(__u8 op);		/* "exec", "mmap", "mprotect", "selftest" */
const char *vb_match_name(__u8 match);		/* "sha256", "path", "unverified" */
const char *vb_tamper_name(__u8 kind);		/* "map-write", "signal", ... */

/* The JSON record of one event (caller puts it). Fields: docs in README.md, "Denial log". */
struct json_object *vb_event_json(const struct vb_event_ctx *ctx, const struct vb_event *e);
/* The record of r->count repeats of one attempt the kernel counted (bpf/flood.bpf.h) instead
 * of sending: "action":"repeat", with what the full record of it said of the file (path and
 * sha256: NULL where the daemon did not see it). */
struct json_object *vb_repeat_json(const struct vb_event_ctx *ctx, const struct vb_flood_rec *r,
				   const char *path, const __u8 *sha256);
/* One line for syslog: who was denied what, and by which rule. */
void vb_event_summary(const struct vb_event_ctx *ctx, const struct vb_event *e, char *buf,
		      size_t len);
/* RFC 3339 UTC with microseconds for a bpf_ktime_get_boot_ns() value. */
void vb_boot_ns_to_rfc3339(__u64 boot_ns, char *buf, size_t len);

#endif
