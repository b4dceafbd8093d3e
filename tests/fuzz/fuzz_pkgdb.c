// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target for the package index: the record stream the dpkg and rpm reader child
 * sends (user/identify/pkgdb_stream.h) is the one thing parsed by hand. dpkg's status and list
 * files themselves are parsed by libdpkg, in that child.
 *
 *   make fuzz FUZZ_SECONDS=20
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "identify/pkgdb.h"
#include "identify/pkgdb_stream.h"

struct walk {
	const struct vb_pkgdb *db;
	size_t pkgs, files;
};

static int check_fields(const struct vb_package *p)
{
	return !p->manager[0] || !p->name[0] ||
	       strnlen(p->manager, sizeof(p->manager)) == sizeof(p->manager) ||
	       strnlen(p->name, sizeof(p->name)) == sizeof(p->name) ||
	       strnlen(p->version, sizeof(p->version)) == sizeof(p->version) ||
	       strnlen(p->maintainer, sizeof(p->maintainer)) == sizeof(p->maintainer) ||
	       strnlen(p->vendor, sizeof(p->vendor)) == sizeof(p->vendor) ||
	       strnlen(p->key_id, sizeof(p->key_id)) == sizeof(p->key_id);
}

/* Every listed path is found again, owned by a package that lists it. */
static int visit(const struct vb_package *pkg, const char *const *files, size_t n_files,
		 void *arg)
{
	struct walk *w = arg;
	struct vb_package owner;

	if (check_fields(pkg))
		abort();
	for (size_t i = 0; i < n_files; i++) {
		if (!files[i][0] || vb_pkgdb_owner(w->db, files[i], &owner) || check_fields(&owner))
			abort();
	}
	w->pkgs++;
	w->files += n_files;
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct vb_pkgdb *db = NULL;
	struct walk w = { 0 };
	size_t n_files, n_pkgs;
	int ret;

	ret = vb_pkgdb_from_stream(data, size, &db);
	if ((ret == 0) != (db != NULL) || ret > 0)
		abort();
	if (!db)
		return 0;
	w.db = db;
	if (vb_pkgdb_each(db, NULL, visit, &w))
		abort();
	n_pkgs = vb_pkgdb_count(db, &n_files);
	if (n_pkgs != w.pkgs || n_files != w.files)
		abort();
	vb_pkgdb_close(db);
	return 0;
}
