/* SPDX-License-Identifier: GPL-2.0 */
/* Compile a parsed policy into the kernel's rule maps and switch to it in one step. */
#ifndef VB_RULES_H
#define VB_RULES_H

#include "kernel/attach.h"
#include "policy/policy.h"
#include "scan/vet.h"

/* What a scan found for a policy beyond its own rules: files identified by evidence the kernel
 * cannot see (signer, package), by content hash (so copies are denied too) and by dev/ino. */
struct vb_derived_hash {
	__u8 sha256[VB_SHA256_LEN];
	__u32 rule_idx;
};

struct vb_derived_file {
	struct vb_dev_ino file;		/* dev in the kernel's encoding (vb_kdev) */
	__u32 rule_idx;
	char *path;			/* where the scan found it */
};

struct vb_derived {
	struct vb_derived_hash *hashes;
	size_t n_hashes;
	struct vb_derived_file *files;
	size_t n_files;
	struct vb_vetted vetted;	/* compressed modules read and judged (scan/vet.h) */
};

/* Fill the idle slot with p's rules (and what a scan derived from them, d may be NULL),
 * freeze them, then flip policy_state.seq: hooks see either the old policy or the new one,
 * never a mix. On error the old policy stays active. */
int vb_rules_install(struct vb_kernel *k, const struct vb_policy *p, const struct vb_derived *d);
/* Set a path rule's bits in a slot's filter (struct vb_path_filter): whoever loads a path
 * rule into a slot's map does this too, or the kernel never looks the rule up. */
void vb_path_filter_name(struct vb_path_filter *f, const char *path);
/* The kernel's key for a signer or cert rule's identity; 0, or -ENOENT when the kernel cannot
 * match it (a subject or TBS rule, an issuer too long to encode). Up to two keys. */
int vb_rules_signer_keys(const struct vb_rule *r, struct vb_signer_key keys[2], int *n);
/* Have the kernel learn the inodes behind n of this process's open fds, each as pp[i].kind
 * says, through the iterator over our own files; pp[i].registered says which it learnt. */
int vb_kernel_learn_fds(struct vb_kernel *k, const int *fds, struct vb_pathid_pending *pp,
			size_t n);
/* The active slot's description. */
int vb_rules_active(struct vb_kernel *k, struct vb_slot_info *info, __u64 *seq);
/* Read one slot's description (an event names its slot through its policy_seq). */
int vb_rules_slot(struct vb_kernel *k, __u32 slot, struct vb_slot_info *info);

#endif
