/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A .deb archive read as dpkg will unpack it: the control fields, then every member of the
 * control and data tarballs, each with its content, before anything is installed. Read with
 * libarchive (ar, tar, and each compression dpkg-deb writes).
 */
#ifndef VB_INSTALL_DEB_H
#define VB_INSTALL_DEB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "identify/evidence.h"

#define VB_DEB_CONTROL_MAX	((size_t)1 << 20)	/* the control file: dpkg's own limit is lower */

/* One regular file inside the package. */
struct vb_deb_file {
	const char *path;	/* where it will be installed ("/opt/x/bin/agent"), or "DEBIAN/preinst" */
	bool control;		/* a member of control.tar: a maintainer script or control file */
	const uint8_t *buf;	/* the whole content; NULL when larger than VB_IDENTIFY_READ_MAX */
	size_t len;
	uint8_t sha256[32];	/* of the whole content */
	bool has_content;	/* false for a hard link: its content is another member's */
};

/* Called with the package's control fields first (file NULL), then once per regular file.
 * A non-zero return stops the walk and is returned. */
typedef int (*vb_deb_fn)(const struct vb_package *pkg, const struct vb_deb_file *file,
			 void *arg);

/*
 * Walk the .deb at path. pkg gets manager "dpkg", Package, Version, Maintainer and Origin (as
 * vendor); arch its Architecture. 0; -EBADMSG with why filled when the archive is not one
 * dpkg would unpack the same way (members out of order or repeated, no control file, a
 * damaged tarball); -ENOMEM; or -errno when it cannot be read.
 */
int vb_deb_walk(const char *path, struct vb_package *pkg, char *arch, size_t arch_len,
		vb_deb_fn fn, void *arg, char *why, size_t why_len);

/* The control file's fields buf[0..len) into pkg and arch (exposed for the fuzz target). */
void vb_deb_control_parse(const char *buf, size_t len, struct vb_package *pkg, char *arch,
			  size_t arch_len);

#endif
