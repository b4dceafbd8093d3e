// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <unistd.h>
#include <sys/stat.h>
#include "util/readfile.h"

#define READ_CHUNK	65536

int vb_read_fd(int fd, size_t max, char **out, size_t *out_len)
{
	char *buf = NULL, *p;
	size_t len = 0, cap = 0;
	struct stat st;
	ssize_t n;
	int err;

	*out = NULL;
	*out_len = 0;
	if (fstat(fd, &st))
		return -errno;
	if (S_ISREG(st.st_mode) && st.st_size > (off_t)max)
		return -EFBIG;
	for (;;) {
		if (len == cap) {
			/* max + 1 bytes read: more than max, whatever the file said. */
			if (len > max) {
				err = -EFBIG;
				goto out;
			}
			cap = cap ? cap * 2 : READ_CHUNK;
			if (S_ISREG(st.st_mode) && cap <= (size_t)st.st_size)
				cap = st.st_size + 1;
			if (cap > max + 1)
				cap = max + 1;
			p = realloc(buf, cap);
			if (!p) {
				err = -ENOMEM;
				goto out;
			}
			buf = p;
		}
		n = read(fd, buf + len, cap - len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			err = -errno;
			goto out;
		}
		if (n == 0)
			break;
		len += n;
	}
	if (len > max) {
		err = -EFBIG;
		goto out;
	}
	*out = buf;
	*out_len = len;
	buf = NULL;
	err = 0;
out:
	free(buf);
	return err;
}

/*
 * The one read of the policy: what is verified and what is parsed are this buffer.
 */
int vb_read_file(const char *path, size_t max, char **out, size_t *out_len)
{
	int fd, err;

	*out = NULL;
	*out_len = 0;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	err = vb_read_fd(fd, max, out, out_len);
	close(fd);
	return err;
}
