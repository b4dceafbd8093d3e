/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Whether only root can change what a path names between install-check reading it and the
 * installer reading it again. A hook judges a file by name and dpkg (or apt, or rpm) opens it
 * by name afterwards: if a user can replace the file, or rename anything on the way to it, that
 * user can have a clean package judged and a banned one installed.
 */
#ifndef VB_INSTALL_PATHSAFE_H
#define VB_INSTALL_PATHSAFE_H

#include <stddef.h>

#define VB_PATHSAFE_LINKS_MAX	8	/* symbolic links followed while checking */

/*
 * 0 when path is a regular file owned by root and writable by no one else, and every directory
 * on the way to it (as written, and through any symbolic link) is owned by root and writable by
 * no one else, or sticky (/tmp) with the entry in it owned by root. Otherwise -EPERM with why
 * saying which component and whose, or -errno.
 */
int vb_install_path_safe(const char *path, char *why, size_t why_len);

#endif
