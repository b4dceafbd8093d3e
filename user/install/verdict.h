/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What a policy makes of a package about to be installed: its control fields against the
 * `package` rules, and every file in it against sha256, path and signer/cert/module rules, as
 * `vendorban identify` would judge the file once installed.
 */
#ifndef VB_INSTALL_VERDICT_H
#define VB_INSTALL_VERDICT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "identify/evidence.h"
#include "policy/policy.h"

#define VB_INSTALL_HITS_MAX	16	/* matches kept per package; more are counted */

struct vb_install_hit {
	const struct vb_rule *rule;
	const char *how;		/* "package name", "sha256", "path prefix", "skid", ... */
	char file[VB_FIELD_MAX];	/* the member that matched; "" for the control fields */
	uint8_t sha256[32];
	bool has_sha256;
};

struct vb_install_pkg {
	struct vb_package pkg;		/* manager, name, version, maintainer, vendor, key_id */
	char arch[64];
	char archive[4096];		/* the package file as named to the installer */
	struct vb_install_hit hits[VB_INSTALL_HITS_MAX];
	size_t n_hits, hits_dropped;
	size_t files;			/* regular files judged */
	char error[512];		/* why the archive could not be judged, or "" */
};

/* Judge the .deb at path into out (zeroed first). 0, or -errno with out->error saying why
 * (a package that cannot be read is not judged: callers refuse it). */
int vb_install_check_deb(const struct vb_policy *p, const char *path,
			 struct vb_install_pkg *out);

/* Judge a package's own fields (out->pkg), then each of its files: its path, its digest
 * (sha256 NULL: none), and its content buf[0..len) when it was read (has_content with a NULL
 * buf: too large to read, refused with out->error when the policy needs signatures). 0,
 * -ENOMEM, or -EFBIG. */
int vb_install_judge_fields(const struct vb_policy *p, struct vb_install_pkg *out);
int vb_install_judge_file(const struct vb_policy *p, struct vb_install_pkg *out,
			  const char *path, const uint8_t *buf, size_t len,
			  const uint8_t sha256[32], bool has_content);

/* The hit that decides, as the kernel decides: the first in enforce mode, else the first
 * (audit). NULL: the package is allowed. */
const struct vb_install_hit *vb_install_deciding(const struct vb_install_pkg *out);

#endif
