/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Package ownership: which installed dpkg or rpm package a file belongs to, and who made that
 * package. The databases are read once, at open, into an index (a sorted array of every
 * listed path), so a scan of a whole tree costs one binary search per file. The index does
 * not change after open: lookups from several threads need no lock.
 */
#ifndef VB_PKGDB_H
#define VB_PKGDB_H

#include <stddef.h>
#include "identify/evidence.h"

struct vb_pkgdb;

/*
 * Read the dpkg database (ROOT/var/lib/dpkg) and the rpm database (ROOT/var/lib/rpm or
 * ROOT/usr/lib/sysimage/rpm) under root; NULL or "/" is the running system. Either database
 * may be missing. 0, -ENOENT (root missing, or neither database there), -EBADMSG (a database
 * is malformed: status, list files, rpmdb), -ENOMEM, -EFBIG (beyond the limits in pkgdb.c), or
 * another -errno. Nothing is printed.
 */
int vb_pkgdb_open(const char *root, struct vb_pkgdb **out);
void vb_pkgdb_close(struct vb_pkgdb *db);

/*
 * The package that lists path ("/usr/bin/foo", as seen from the root) into *pkg. On a merged
 * /usr (ROOT/bin -> usr/bin, ...) "/usr/bin/foo" and "/bin/foo" are the same file whichever
 * one the package lists. When several packages list a path (directories, Multi-Arch: same
 * files), the first one read is returned. 0 or -ENOENT.
 */
int vb_pkgdb_owner(const struct vb_pkgdb *db, const char *path, struct vb_package *pkg);

/*
 * Call fn for each package whose name matches name_glob (fnmatch(3); NULL: every package)
 * with the paths it lists, in the order the database lists them (files is NULL when n_files
 * is 0). A non-zero return from fn stops the walk and is returned.
 */
typedef int (*vb_pkgdb_fn)(const struct vb_package *pkg, const char *const *files,
			   size_t n_files, void *arg);
int vb_pkgdb_each(const struct vb_pkgdb *db, const char *name_glob, vb_pkgdb_fn fn, void *arg);

/* Packages and listed paths in the index. */
size_t vb_pkgdb_count(const struct vb_pkgdb *db, size_t *n_files);

#endif /* VB_PKGDB_H */
