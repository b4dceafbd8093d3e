/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Which package files an installer is about to unpack: from apt's Pre-Install-Pkgs protocol
 * (apt.conf(5): version 1, 2 or 3 on stdin), or from the command line of the dpkg that runs a
 * pre-invoke hook (dpkg gives its hooks no package list: the archives are read from dpkg's own
 * argv in /proc).
 */
#ifndef VB_INSTALL_HOOKIN_H
#define VB_INSTALL_HOOKIN_H

#include <stddef.h>
#include <stdio.h>

#define VB_HOOK_LINE_MAX	65536	/* apt's configuration lines can be long */
#define VB_HOOK_ARCHIVES_MAX	100000

struct vb_strv {
	char **v;
	size_t n;
};

void vb_strv_free(struct vb_strv *s);
/* Append a copy of str[0..len). 0, -E2BIG past VB_HOOK_ARCHIVES_MAX, or -ENOMEM. */
int vb_strv_add(struct vb_strv *s, const char *str, size_t len);

/*
 * The .deb files of an apt Pre-Install-Pkgs transcript read from in: the action field of each
 * package line that names a file (not **CONFIGURE** or **REMOVE**). 0, -EBADMSG with why (a
 * line that is not the protocol: a hook must not guess), or -ENOMEM.
 */
int vb_apt_hook_parse(FILE *in, struct vb_strv *debs, char *why, size_t why_len);

/*
 * The archives named on the command line of the dpkg process pid (the nearest dpkg above
 * the hook: dpkg runs hooks through sh -c), as paths this process can open
 * (/proc/PID/cwd/NAME for relative ones), directories under --recursive walked for *.deb as
 * dpkg walks them. 0; -ESRCH when no dpkg is found above; -EBADMSG with why.
 */
int vb_dpkg_hook_archives(struct vb_strv *out, char *why, size_t why_len);

/* The same from an argv (tests, and the fuzz target): argv[0] is dpkg, cwd its directory. */
int vb_dpkg_argv_archives(char *const *argv, size_t argc, const char *cwd, struct vb_strv *out,
			  char *why, size_t why_len);

#endif
