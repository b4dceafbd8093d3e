/* SPDX-License-Identifier: GPL-2.0 */
/* What the kernel must know beyond a policy's own rules: the files its vendor identities
 * (signer, cert, package, module) name, found by a scan and handed over by content hash and by
 * dev/ino. */
#ifndef VB_DERIVE_H
#define VB_DERIVE_H

#include "policy/policy.h"
#include "kernel/rules.h"

#define VB_SCAN_DEFAULT_PATHS	"/opt:/usr/local:/usr/bin:/usr/sbin:/usr/lib/modules:/lib/modules"
#define VB_SCAN_PATHS_MAX	16
#define VB_DERIVE_REPORT_MAX	50	/* banned files named one by one in the daemon's log */
#define VB_RESCAN_DEFAULT_MS	(3600ull * 1000)	/* --rescan: software installed since */

/* Scan paths (under the real root) for p's identities, and vet the compressed modules there.
 * prev (may be NULL): the last result, whose unchanged modules are not read again. 0 and *out
 * (free with vb_derived_free), or -errno. A policy with no identities scans nothing. */
int vb_derive(const struct vb_policy *p, char *const *paths, size_t n_paths,
	      const struct vb_derived *prev, struct vb_derived *out);
void vb_derived_free(struct vb_derived *d);
struct vb_scan_result;
/* Every banned file a scan found, said (warnings), whichever rule matched it: the kernel needs
 * only the identified ones, but an operator needs to know what is on the host. */
void vb_derive_report(const struct vb_policy *p, const struct vb_scan_result *res);
/* The same verdicts (hashes, files, rules), whatever their order and paths. */
bool vb_derived_equal(const struct vb_derived *a, const struct vb_derived *b);
/* Where the scan found the file (dev in the kernel's encoding), or NULL. */
const char *vb_derived_path(const struct vb_derived *d, __u32 dev, __u64 ino);

#endif
