// SPDX-License-Identifier: GPL-2.0
/*
 * dpkg packages and the paths they list, read with libdpkg (1.21, LIBDPKG_VOLATILE_API) in
 * the reader child: status and updates/ through modstatdb_open(), then info/<pkg>[:arch].list
 * through ensure_packagefiles_available(), so the Multi-Arch and info database format rules
 * are dpkg's own.
 *
 * libdpkg reports a malformed database with ohshit(), which without an error context prints
 * and calls exit(2), and with internerr() -> abort(). The jump context below turns ohshit()
 * into -EBADMSG; the child process contains the rest (abort, exit, leaks, global state).
 *
 * Diversions come from the same database (ensure_diversions()): each one is a namenode whose
 * divert->useinstead names where other packages' copies of it went.
 *
 * dpkg keeps no signing key per installed package (apt checks the repository's Release
 * signature at download time and records nothing in the status file), so key_id stays empty.
 */
#include <errno.h>
#include <limits.h>
#include <setjmp.h>
#include <stdio.h>
#include <string.h>
#include <dpkg/dpkg.h>
#include <dpkg/dpkg-db.h>
#include <dpkg/db-fsys.h>
#include <dpkg/ehandle.h>
#include <dpkg/progname.h>
#include <dpkg/report.h>
#include "identify/pkgdb_stream.h"

static jmp_buf dpkg_failed;

static void dpkg_quiet_error(const char *emsg, const void *data)
{
}

static void dpkg_quiet_warning(const char *msg, void *data)
{
}

static void dpkg_package(struct pkginfo *pi, struct vb_package *pkg)
{
	memset(pkg, 0, sizeof(*pkg));
	strcpy(pkg->manager, "dpkg");
	/* The plain name: policies and globs name "libfoo", not "libfoo:amd64". */
	vb_pkgdb_field(pkg->name, sizeof(pkg->name), pi->set->name);
	vb_pkgdb_field(pkg->version, sizeof(pkg->version),
		       versiondescribe_c(&pi->installed.version, vdew_nonambig));
	vb_pkgdb_field(pkg->maintainer, sizeof(pkg->maintainer), pi->installed.maintainer);
	vb_pkgdb_field(pkg->vendor, sizeof(pkg->vendor), pi->installed.origin);
}

static void export_diversions(struct vb_pkgdb_writer *w)
{
	struct fsys_hash_iter *iter;
	struct fsys_namenode *n;

	ensure_diversions();
	iter = fsys_hash_iter_new();
	while ((n = fsys_hash_iter_next(iter)) && !w->err) {
		if (!n->divert || !n->divert->useinstead)
			continue;
		vb_pkgdb_put_diversion(w, n->name, n->divert->useinstead->name,
				       n->divert->pkgset ? n->divert->pkgset->name : "");
	}
	fsys_hash_iter_free(iter);
}

int vb_dpkg_export(const char *root, struct vb_pkgdb_writer *w)
{
	struct fsys_namenode_list *f;
	struct pkg_hash_iter *iter;
	char admindir[PATH_MAX];
	struct vb_package pkg;
	struct pkginfo *pi;

	if (snprintf(admindir, sizeof(admindir), "%s/var/lib/dpkg",
		     strcmp(root, "/") ? root : "") >= (int)sizeof(admindir))
		return -ENAMETOOLONG;
	dpkg_set_progname("vendorban");
	dpkg_set_warning_printer(dpkg_quiet_warning, NULL);
	if (setjmp(dpkg_failed))
		return -EBADMSG;
	push_error_context_jump(&dpkg_failed, dpkg_quiet_error, NULL);
	dpkg_db_set_dir(admindir);
	modstatdb_open(msdbrw_readonly);

	iter = pkg_hash_iter_new();
	while ((pi = pkg_hash_iter_next_pkg(iter)) && !w->err) {
		/* Removed but not purged (config-files) still owns its conffiles. */
		if (pi->status == PKG_STAT_NOTINSTALLED)
			continue;
		ensure_packagefiles_available(pi);
		dpkg_package(pi, &pkg);
		vb_pkgdb_put_package(w, &pkg);
		for (f = pi->files; f; f = f->next)
			vb_pkgdb_put_file(w, f->namenode->name);
	}
	pkg_hash_iter_free(iter);
	export_diversions(w);
	return w->err;
}
