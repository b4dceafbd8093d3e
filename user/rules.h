/* SPDX-License-Identifier: GPL-2.0 */
/* Compile a parsed policy into the kernel's rule maps and switch to it in one step. */
#ifndef VB_RULES_H
#define VB_RULES_H

#include "attach.h"
#include "policy.h"

/* Fill the idle slot with p's rules, freeze them, then flip policy_state.seq: hooks see either
 * the old policy or the new one, never a mix. On error the old policy stays active. */
int vb_rules_install(struct vb_kernel *k, const struct vb_policy *p);
/* The active slot's description. */
int vb_rules_active(struct vb_kernel *k, struct vb_slot_info *info, __u64 *seq);
/* Read one slot's description (an event names its slot through its policy_seq). */
int vb_rules_slot(struct vb_kernel *k, __u32 slot, struct vb_slot_info *info);

#endif
