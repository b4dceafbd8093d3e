/* SPDX-License-Identifier: GPL-2.0 */
/* The daemon's side of bpf/guard.bpf.h: say who the daemon is and what the kernel protects. */
#ifndef VB_GUARD_H
#define VB_GUARD_H

#include "kernel/attach.h"
#include "policy/sig.h"

/* Mark this process as the daemon of k's programs: a task-storage mark keyed by a pidfd of
 * itself, and guard.daemon_tgid. The kernel allows it only while no marked daemon lives, to the
 * registered vendorband executable (or before the guard is armed). */
int vb_guard_claim(struct vb_kernel *k);
/* Register what the guard protects (the link ids of a fresh load, the pin directories) and the
 * executable that may take over, which arms it. After vb_kernel_pin(). */
int vb_guard_arm(struct vb_kernel *k);
/* Say which daemon judges content by fanotify (0: none), for option unjudged-exec. 0 or
 * -errno. */
int vb_guard_set_content(struct vb_kernel *k, __u32 tgid);
/* A daemon stopped a moment ago keeps its mark until its task is freed (after its parent
 * reaps it): a takeover waits for that, this long at most. */
#define VB_TAKEOVER_WAIT_MS	5000

/* Open the pinned programs for writing and claim them: refused (-EPERM) while another daemon
 * lives, after waiting up to wait_ms for it to go, and to anything but the registered
 * vendorband. -ENOENT: nothing is pinned. */
int vb_guard_take_over(struct vb_kernel *k, int wait_ms);
int vb_guard_read(struct vb_kernel *k, struct vb_guard *g);
/* The programs in k enforce only policies signed by the trust store named in guard.signer:
 * 0 if trust (NULL: none) is that store, or if they have none; -EKEYREJECTED, said, if not. */
int vb_guard_check_signer(struct vb_kernel *k, const struct vb_trust *trust);
/* Keep the digest of the trust store the programs enforce policies of (vb_trust_digest). */
int vb_guard_set_signer(struct vb_kernel *k, const __u8 digest[VB_SHA256_LEN]);
/* The ids of the links k holds (a fresh load), or 0 if it holds none (a takeover). */
int vb_guard_link_ids(struct vb_kernel *k, __u32 *ids, int max);

#endif
