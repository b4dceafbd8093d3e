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

/* Run the canaries. Returns 0 when the test ran (see r for what it found), -errno when it could
 * not run at all. */
int vb_selftest_run(struct vb_kernel *k, bool try_hash, struct vb_selftest *r);

#endif
