// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "log/reader.h"

int vb_log_reader_open(struct vb_log_reader *r, const char *path, int fd)
{
	memset(r, 0, sizeof(*r));
	snprintf(r->path, sizeof(r->path), "%s", path);
	if (fd < 0)
		fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	r->buf = malloc(VB_LOG_LINE_MAX);
	r->chunk = malloc(VB_LOG_READ_CHUNK);
	r->gz = r->buf && r->chunk ? gzdopen(fd, "rb") : NULL;
	if (!r->gz) {
		close(fd);
		free(r->buf);
		free(r->chunk);
		r->buf = r->chunk = NULL;
		return -ENOMEM;
	}
	gzbuffer(r->gz, VB_LOG_READ_CHUNK);
	return 0;
}

/* Refill the read-ahead; 0 at the end, -errno on error. */
static int refill(struct vb_log_reader *r)
{
	int n, zerr;

	if (r->eof)
		return 0;
	n = gzread(r->gz, r->chunk, VB_LOG_READ_CHUNK);
	if (!r->compressed)
		r->compressed = !gzdirect(r->gz);
	if (n < 0) {
		gzerror(r->gz, &zerr);
		return zerr == Z_ERRNO ? -errno : -EIO;
	}
	r->pos = 0;
	r->fill = n;
	if (!n) {
		/* gzread returns what it has and then 0; an early end is only told by gzerror. */
		gzerror(r->gz, &zerr);
		r->eof = true;
		if (zerr != Z_OK)
			return -EIO;
	}
	return n;
}

int vb_log_reader_next(struct vb_log_reader *r, const char **line, size_t *len,
		       unsigned int *flags)
{
	bool any = false;
	int err;

	r->len = 0;
	*flags = 0;
	for (;;) {
		char *nl;
		size_t take, n;

		if (r->pos == r->fill) {
			err = refill(r);
			if (err < 0)
				return err;
			if (!err) {
				if (!any)
					return 0;
				*flags |= VB_LINE_NO_NEWLINE;
				break;
			}
		}
		any = true;
		nl = memchr(r->chunk + r->pos, '\n', r->fill - r->pos);
		n = (nl ? (size_t)(nl - r->chunk) : r->fill) - r->pos;
		take = n;
		if (r->len + take > VB_LOG_LINE_MAX) {
			take = VB_LOG_LINE_MAX - r->len;
			*flags |= VB_LINE_TOO_LONG;
		}
		memcpy(r->buf + r->len, r->chunk + r->pos, take);
		r->len += take;
		r->pos += n;
		if (nl) {
			r->pos++;
			break;
		}
	}
	r->line++;
	*line = r->buf;
	*len = r->len;
	return 1;
}

const char *vb_log_reader_error(struct vb_log_reader *r)
{
	int zerr;
	const char *msg = gzerror(r->gz, &zerr);

	if (zerr == Z_BUF_ERROR)
		return "compressed data ends early";
	return zerr == Z_OK ? "no error" : msg;
}

void vb_log_reader_close(struct vb_log_reader *r)
{
	if (r->gz)
		gzclose_r(r->gz);
	free(r->buf);
	free(r->chunk);
	memset(r, 0, sizeof(*r));
}
