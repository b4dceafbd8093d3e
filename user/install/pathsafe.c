// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "install/pathsafe.h"

static int say(char *why, size_t len, int err, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(why, len, fmt, ap);
	va_end(ap);
	return err;
}

/* Can someone other than root replace the entry `child` (whose owner is child_uid) of dir? */
static int dir_safe(const char *dir, const struct stat *st, uid_t child_uid, char *why,
		    size_t len)
{
	if (st->st_uid != 0)
		return say(why, len, -EPERM, "directory %s belongs to uid %u", dir,
			   (unsigned int)st->st_uid);
	if ((st->st_mode & 022) && !((st->st_mode & S_ISVTX) && child_uid == 0))
		return say(why, len, -EPERM, "directory %s is writable by %s", dir,
			   st->st_mode & 002 ? "every user" : "its group");
	return 0;
}

static int check(const char *path, int depth, char *why, size_t len)
{
	char prefix[PATH_MAX], target[PATH_MAX];
	struct stat dst, st;
	size_t n = strlen(path);
	int err;

	if (path[0] != '/')
		return say(why, len, -EINVAL, "%s is not an absolute path", path);
	if (n >= sizeof(prefix))
		return -ENAMETOOLONG;
	if (lstat("/", &dst))
		return -errno;
	for (size_t i = 1; i <= n; i++) {
		if (path[i] != '/' && path[i] != '\0')
			continue;
		if (path[i - 1] == '/')
			continue;
		memcpy(prefix, path, i);
		prefix[i] = '\0';
		if (lstat(prefix, &st))
			return say(why, len, -errno, "%s: %s", prefix, strerror(errno));
		/* The directory holding this component decides who can swap it. */
		{
			char parent[PATH_MAX];
			char *slash;

			memcpy(parent, prefix, i + 1);
			slash = strrchr(parent, '/');
			if (slash == parent)
				slash[1] = '\0';
			else
				*slash = '\0';
			err = dir_safe(parent, &dst, st.st_uid, why, len);
			if (err)
				return err;
		}
		if (S_ISLNK(st.st_mode)) {
			ssize_t k;

			if (depth >= VB_PATHSAFE_LINKS_MAX)
				return say(why, len, -ELOOP, "%s: too many symbolic links", path);
			k = readlink(prefix, target, sizeof(target) - 1);
			if (k < 0)
				return -errno;
			target[k] = '\0';
			/* Each hop is checked like the path itself: a link in a user's directory
			 * can be pointed elsewhere after the check. */
			if (target[0] != '/') {
				char joined[PATH_MAX];
				char *slash = strrchr(prefix, '/');

				slash[1] = '\0';
				if (snprintf(joined, sizeof(joined), "%s%s", prefix, target) >=
				    (int)sizeof(joined))
					return -ENAMETOOLONG;
				strcpy(target, joined);
			}
			if (strlen(target) + strlen(path + i) >= sizeof(target))
				return -ENAMETOOLONG;
			strcat(target, path + i);
			return check(target, depth + 1, why, len);
		}
		if (path[i] == '\0') {
			if (!S_ISREG(st.st_mode))
				return say(why, len, -EPERM, "%s is not a regular file", prefix);
			if (st.st_uid != 0 || (st.st_mode & 022))
				return say(why, len, -EPERM, "%s %s", prefix, st.st_uid ?
					   "belongs to a user other than root" :
					   "is writable by users other than root");
			return 0;
		}
		if (!S_ISDIR(st.st_mode))
			return say(why, len, -ENOTDIR, "%s is not a directory", prefix);
		dst = st;
	}
	return say(why, len, -EINVAL, "%s names a directory", path);
}

int vb_install_path_safe(const char *path, char *why, size_t why_len)
{
	why[0] = '\0';
	return check(path, 0, why, why_len);
}
