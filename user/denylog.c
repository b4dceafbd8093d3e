// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include "denylog.h"
#include "msg.h"

static int mkdir_parent(const char *path)
{
	char dir[4096];

	snprintf(dir, sizeof(dir), "%s", path);
	if (mkdir(dirname(dir), 0750) && errno != EEXIST)
		return -errno;
	return 0;
}

int vb_denylog_open(struct vb_denylog *l, const char *path)
{
	memset(l, 0, sizeof(*l));
	snprintf(l->path, sizeof(l->path), "%s", path);
	mkdir_parent(path);
	l->fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0640);
	if (l->fd < 0) {
		int err = -errno;

		vb_err("cannot open the denial log %s: %s", path, strerror(errno));
		return err;
	}
	return 0;
}

int vb_denylog_append(struct vb_denylog *l, const char *line)
{
	struct iovec iov[2] = {
		{ .iov_base = (void *)line, .iov_len = strlen(line) },
		{ .iov_base = "\n", .iov_len = 1 },
	};
	ssize_t want = iov[0].iov_len + 1, n;

	/* One writev with O_APPEND: a record is never interleaved with another writer's. */
	n = writev(l->fd, iov, 2);
	if (n == want)
		return 0;
	l->write_errors++;
	return n < 0 ? -errno : -EIO;
}

int vb_denylog_flush(struct vb_denylog *l)
{
	if (fdatasync(l->fd)) {
		l->write_errors++;
		return -errno;
	}
	return 0;
}

void vb_denylog_close(struct vb_denylog *l)
{
	if (l->fd > 0)
		close(l->fd);
	l->fd = -1;
}
