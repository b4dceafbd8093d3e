/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What rpm is about to install, as the vendorban rpm plugin (dist/rpm/plugin.c) tells
 * `vendorban install-check --rpm-hook` on a pipe, before any scriptlet of the transaction runs,
 * %pretrans included. Each package's header facts, then its files with the digest rpm will
 * check their content against while unpacking:
 *
 *	VENDORBAN-RPM 1
 *	P <name> <[epoch:]version-release> <arch> <Vendor> <Packager> <key id> <source>
 *	F <sha256 hex, or "-"> <path>
 *	...
 *
 * Fields are separated by one tab; bytes below 0x20, 0x7f and '%' inside a field are written
 * %XX. The plugin is a small program of its own (it runs inside rpm): the policy is judged here.
 */
#ifndef VB_INSTALL_RPMHOOK_H
#define VB_INSTALL_RPMHOOK_H

#include <stdio.h>
#include "install/verdict.h"

#define VB_RPM_HOOK_MAGIC	"VENDORBAN-RPM 1"
#define VB_RPM_HOOK_LINE_MAX	16384
#define VB_RPM_HOOK_PKGS_MAX	100000

struct vb_rpm_file {
	char *path;
	unsigned char sha256[32];
	bool has_sha256;
};

struct vb_rpm_pkg {
	struct vb_package pkg;
	char arch[64];
	char source[4096];
	struct vb_rpm_file *files;
	size_t n_files;
	bool digests_unusable;	/* rpm digests of another algorithm: content not judged */
};

struct vb_rpm_set {
	struct vb_rpm_pkg *pkgs;
	size_t n;
};

void vb_rpm_set_free(struct vb_rpm_set *s);
/* Parse the plugin's stream from in. 0, -EBADMSG with why, or -ENOMEM. */
int vb_rpm_hook_parse(FILE *in, struct vb_rpm_set *s, char *why, size_t why_len);
/* The same facts from an .rpm file's header, read with librpm (no signature check: rpm checks
 * at install; this judges). 0, or -errno with why. */
int vb_rpm_read_file(const char *path, struct vb_rpm_set *s, char *why, size_t why_len);
/* Judge one package of the set into out (zeroed first) by its fields, file paths and file
 * digests. 0, or -EBADMSG with out->error when its digests are not SHA-256 and the policy has
 * sha256 rules (content that cannot be judged is refused). */
int vb_install_check_rpm(const struct vb_policy *p, const struct vb_rpm_pkg *rp,
			 struct vb_install_pkg *out);

#endif
