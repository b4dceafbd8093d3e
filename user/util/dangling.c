// SPDX-License-Identifier: GPL-2.0
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#include "util/dangling.h"

bool vb_link_target(int dirfd, const char *path, char *buf, size_t len)
{
	struct stat st;
	ssize_t n;

	if (!len || fstatat(dirfd, path, &st, AT_SYMLINK_NOFOLLOW) || !S_ISLNK(st.st_mode))
		return false;
	n = readlinkat(dirfd, path, buf, len - 1);
	if (n < 0)
		return false;
	buf[n] = '\0';
	return true;
}
