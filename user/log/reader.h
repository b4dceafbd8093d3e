/* SPDX-License-Identifier: GPL-2.0 */
/* Read a denial log line by line, plain or gzip alike (zlib reads plain files through). */
#ifndef VB_LOG_READER_H
#define VB_LOG_READER_H

#include <stdbool.h>
#include <stddef.h>
#include <zlib.h>
#include "log/chain.h"

#define VB_LOG_READ_CHUNK	65536

enum {
	VB_LINE_NO_NEWLINE	= 1,	/* the file ends inside this line */
	VB_LINE_TOO_LONG	= 2,	/* longer than VB_LOG_LINE_MAX: only its start is returned */
};

struct vb_log_reader {
	gzFile gz;
	char path[4096];
	unsigned long line;		/* number of the line last returned, from 1 */
	bool compressed;
	bool eof;
	char *buf;			/* the line being returned */
	size_t len;
	char *chunk;			/* read ahead */
	size_t pos, fill;
};

/* Open path for reading (fd >= 0: read that fd instead, which is then owned). 0 or -errno. */
int vb_log_reader_open(struct vb_log_reader *r, const char *path, int fd);
/* 1: a line (no '\n') in *line[0..*len), valid until the next call, with VB_LINE_* *flags;
 * 0: end of file; -EIO: the compressed data is corrupt or ends early (vb_log_reader_error says
 * which), other -errno: a read error. */
int vb_log_reader_next(struct vb_log_reader *r, const char **line, size_t *len,
		       unsigned int *flags);
const char *vb_log_reader_error(struct vb_log_reader *r);
void vb_log_reader_close(struct vb_log_reader *r);

#endif
