/* SPDX-License-Identifier: GPL-2.0 */
/* One file's evidence, from every reader that applies to it: what `vendorban identify` shows
 * and what the scanner matches a policy's vendor identities against. */
#ifndef VB_IDENTIFY_H
#define VB_IDENTIFY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "identify/evidence.h"
#include "identify/pkgdb.h"

#define VB_IDENTIFY_READ_MAX	((size_t)256 << 20)	/* larger files: hash and xattr only */

/* Which readers to run: a scan asks only for what its policy can match. */
enum {
	VB_ID_SIGNATURES = 0x1,		/* module, PE and IMA signatures */
	VB_ID_ELF = 0x2,		/* build-id, interpreter, .modinfo */
	VB_ID_PACKAGE = 0x4,		/* owner in the package databases */
	VB_ID_ALL = 0x7,
};

/*
 * Identify the open regular file fd, shown as `shown` (the path as seen from the scan's root,
 * for package lookups). db may be NULL. Reads the file once; fills ev (zeroed first). Returns
 * 0 (a reader's complaint about malformed content is in ev->error, and the rest still ran),
 * or -errno when the file could not be read.
 */
int vb_identify_fd(int fd, const char *shown, const struct vb_pkgdb *db, unsigned int what,
		   struct vb_evidence *ev);

/*
 * The same for content already in memory (a member of a package archive), shown as the path it
 * will have once installed: hash, signatures and ELF only (no xattrs, no package owner). 0 or
 * -ENOMEM.
 */
int vb_identify_buf(const uint8_t *buf, size_t len, const char *shown, unsigned int what,
		    struct vb_evidence *ev);

/* Whether a reader found anything worth matching beyond the hash. */
bool vb_evidence_has_identity(const struct vb_evidence *ev);

#endif
