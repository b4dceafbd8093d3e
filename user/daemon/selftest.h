/* SPDX-License-Identifier: GPL-2.0 */
/* Prove enforcement by doing what an attacker would: exec files the kernel must refuse. */
#ifndef VB_SELFTEST_H
#define VB_SELFTEST_H

#include <stdbool.h>
#include "kernel/attach.h"

struct vb_selftest {
	int exec_errno;		/* errno of the canary exec marked by inode: EPERM means enforcing */
	int hash_errno;		/* errno of the canary exec marked by content hash, 0 if not tried */
	bool enforcing;		/* the hooks run and deny */
	bool hashing;		/* the kernel hashes content */
};

/* The canaries installed with every policy (vb_rules_install): a file known by its content, in
 * each slot's frozen hash rules, and one known by its identity, in file_verdicts under the
 * policy's seq. Any process may exec them; a refusal proves the policy in force is the one the
 * daemon installed with them. */
#define VB_CANARY_HASH_FILE	VB_STATE_DIR "/canary-hash"
#define VB_CANARY_ID_FILE	VB_STATE_DIR "/canary-file"

/* Write new canary files and say what they are to the kernel. */
int vb_canaries_create(struct vb_canaries *c);
/* Exec the policy's canaries (the content one if try_hash): r as vb_selftest_run's. */
int vb_selftest_policy(bool try_hash, struct vb_selftest *r);

/* The daemon's own canaries, marked in canary_inodes/canary_hashes for the moment of the test:
 * they prove the hooks run before any policy is trusted. Returns 0 when the test ran (see r for what it found), -errno when it could
 * not run at all. */
int vb_selftest_run(struct vb_kernel *k, bool try_hash, struct vb_selftest *r);

#endif
