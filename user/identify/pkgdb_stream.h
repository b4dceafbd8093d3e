/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The record stream between a package database reader and the index. libdpkg and librpm keep
 * global state, print, and libdpkg ends the process on a malformed database (ohshit(),
 * internerr() -> abort()), so each reader runs in a forked child and writes what it found to a
 * pipe; the parent only parses this stream, which is what gets fuzzed.
 *
 * Records, each a type byte and NUL-terminated strings:
 *	'P' manager name version maintainer vendor key_id	a package
 *	'F' path						a path the last package lists
 *	'D' from to package					a dpkg diversion ("" package: local)
 *	'E' errno (decimal)					the end; 0 or what went wrong
 */
#ifndef VB_PKGDB_STREAM_H
#define VB_PKGDB_STREAM_H

#include <stddef.h>
#include <stdint.h>
#include "identify/evidence.h"
#include "identify/pkgdb.h"

#define VB_PKGDB_WRITE_BUF	(64 * 1024)
#define VB_PKGDB_PATH_MAX	4096		/* longer listed paths are left out */

struct vb_pkgdb_writer {
	int fd;
	int err;		/* the first write error, sticky */
	size_t used;
	char buf[VB_PKGDB_WRITE_BUF];
};

void vb_pkgdb_put_package(struct vb_pkgdb_writer *w, const struct vb_package *pkg);
void vb_pkgdb_put_file(struct vb_pkgdb_writer *w, const char *path);
void vb_pkgdb_put_diversion(struct vb_pkgdb_writer *w, const char *from, const char *to,
			    const char *by);

/* Copy src into a field of size bytes, cut at a UTF-8 character boundary if too long. */
void vb_pkgdb_field(char *dst, size_t size, const char *src);

/* Readers, run in the child: every installed package and the paths it lists. 0 or -errno. */
int vb_dpkg_export(const char *root, struct vb_pkgdb_writer *w);
int vb_rpm_export(const char *root, const char *dbpath, struct vb_pkgdb_writer *w);

/* An index from one stream (tests, fuzzing). 0, -EBADMSG, -ENOMEM, -EFBIG or the 'E' errno. */
int vb_pkgdb_from_stream(const uint8_t *buf, size_t len, struct vb_pkgdb **out);

#endif /* VB_PKGDB_STREAM_H */
