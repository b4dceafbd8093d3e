// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/random.h>
#include "util/atomic.h"

/* Names tried before giving up: another one taken this often means something else is wrong. */
#define ATOMIC_TMP_TRIES	64
#define ATOMIC_TMP_HEX		8

struct buf_arg {
	const void *buf;
	size_t len;
};

struct file_arg {
	vb_atomic_fill_file fill;
	void *arg;
};

int vb_write_all(int fd, const void *buf, size_t len)
{
	const uint8_t *p = buf;
	ssize_t n;

	while (len) {
		n = write(fd, p, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		if (n == 0)
			return -EIO;
		p += n;
		len -= n;
	}
	return 0;
}

int vb_fsync_dir(const char *path)
{
	char dir[4096];
	int fd, err = 0;

	snprintf(dir, sizeof(dir), "%s", path);
	fd = open(dirname(dir), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	if (fsync(fd))
		err = -errno;
	close(fd);
	return err;
}

static uint32_t tmp_suffix(unsigned int attempt)
{
	struct timespec ts;
	uint32_t r;

	/* Never blocks, even at early boot before the pool is ready: O_EXCL makes any name
	 * safe, the randomness only makes a collision with a second writer unlikely. */
	if (getrandom(&r, sizeof(r), GRND_NONBLOCK) == sizeof(r))
		return r;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint32_t)getpid() * 2654435761u ^ (uint32_t)ts.tv_nsec ^ attempt;
}

/*
 * A new file beside path, PATH.tmp.XXXXXXXX: fd, with its name in *tmp (malloc'd, also on
 * failure), or -errno. A name of its own, not PATH.tmp: two writers of the same target (two
 * `vendorban log report` runs) never write into one file.
 */
static int open_temp(const char *path, mode_t mode, char **tmp)
{
	size_t n = strlen(path);
	int fd;

	*tmp = malloc(n + sizeof(VB_ATOMIC_TMP_SUFFIX) + ATOMIC_TMP_HEX);
	if (!*tmp)
		return -ENOMEM;
	memcpy(*tmp, path, n);
	for (unsigned int i = 0; i < ATOMIC_TMP_TRIES; i++) {
		snprintf(*tmp + n, sizeof(VB_ATOMIC_TMP_SUFFIX) + ATOMIC_TMP_HEX,
			 VB_ATOMIC_TMP_SUFFIX "%08x", tmp_suffix(i));
		fd = open(*tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, mode);
		if (fd >= 0)
			return fd;
		if (errno != EEXIST)
			return -errno;
	}
	return -EEXIST;
}

int vb_atomic_write_fd(const char *path, mode_t mode, vb_atomic_fill_fd fill, void *arg)
{
	char *tmp = NULL;
	int fd, err;

	fd = open_temp(path, mode, &tmp);
	if (fd < 0) {
		err = fd;
		goto out;
	}
	err = fill(fd, arg);
	/* Synced before the rename: after a crash the target is the old file or the new one,
	 * never a new name on a torn file. */
	if (!err && fsync(fd))
		err = -errno;
	/* Closed once, whatever close() says: on Linux the fd is gone even when it fails. */
	if (close(fd) && !err)
		err = -errno;
	if (!err && rename(tmp, path))
		err = -errno;
	if (err) {
		unlink(tmp);
		goto out;
	}
	/* The rename is durable only once the directory is. A filesystem that cannot sync a
	 * directory says EINVAL: there is nothing more to do there. */
	err = vb_fsync_dir(path);
	if (err == -EINVAL)
		err = 0;
out:
	free(tmp);
	return err;
}

static int fill_buf(int fd, void *arg)
{
	const struct buf_arg *b = arg;

	return vb_write_all(fd, b->buf, b->len);
}

int vb_atomic_write(const char *path, const void *buf, size_t len, mode_t mode)
{
	struct buf_arg b = { buf, len };

	return vb_atomic_write_fd(path, mode, fill_buf, &b);
}

static int fill_file(int fd, void *arg)
{
	const struct file_arg *a = arg;
	int dfd, err;
	FILE *f;

	/* stdio gets a dup: fclose closes that one, and fd stays ours to sync and close. */
	dfd = dup(fd);
	if (dfd < 0)
		return -errno;
	f = fdopen(dfd, "w");
	if (!f) {
		err = -errno;
		close(dfd);
		return err;
	}
	err = a->fill(f, a->arg);
	errno = 0;
	if (fflush(f) && !err)
		err = errno ? -errno : -EIO;
	if (ferror(f) && !err)
		err = -EIO;
	errno = 0;
	if (fclose(f) && !err)
		err = errno ? -errno : -EIO;
	return err;
}

int vb_atomic_write_file(const char *path, mode_t mode, vb_atomic_fill_file fill, void *arg)
{
	struct file_arg a = { fill, arg };

	return vb_atomic_write_fd(path, mode, fill_file, &a);
}
