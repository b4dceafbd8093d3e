// SPDX-License-Identifier: GPL-2.0
/*
 * The denial log at open: finish what a crash interrupted, and find where the chain stands (the
 * last whole record of the log, of its newest rotated file, or the head file), declaring every
 * damaged byte and missing record for the writer to write down.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <libgen.h>
#include <sys/stat.h>
#include <json-c/json.h>
#include "log/denylog.h"
#include "log/logtime.h"
#include "log/reader.h"
#include "log/recover.h"
#include "log/rotate.h"
#include "util/msg.h"

/* Where to look back for the last whole record at start: many records' worth. Past it (a
 * longer damaged tail) the whole file is read. */
#define DENYLOG_RECOVER_WINDOW	(1u << 20)

/* The last whole record of buf[0..len) (buf starts a line if at_start): its chain and end. */
static int last_record_in(const char *buf, size_t len, bool at_start, struct vb_chain *c,
			  size_t *end)
{
	const char *why;
	size_t e = len;

	/* Whatever follows the last '\n' is not a whole line. */
	while (e > 0 && buf[e - 1] != '\n')
		e--;
	while (e > 0) {
		struct vb_chain_rec r;
		size_t s = e - 1;

		while (s > 0 && buf[s - 1] != '\n')
			s--;
		if (s == 0 && !at_start)
			return -ENOENT;	/* this line began before the window */
		if (!vb_chain_parse(buf + s, e - 1 - s, &r, &why)) {
			json_object_put(r.obj);
			c->seq = r.seq;
			memcpy(c->hash, r.hash, VB_CHAIN_HASH_LEN);
			*end = e;
			return 0;
		}
		e = s;
	}
	return -ENOENT;
}

/* Read r to its end: the chain at its last whole record and, if end, the offset after it.
 * Closes r. 0, or -ENOENT when it holds no record. */
static int last_record_read_through(struct vb_log_reader *r, struct vb_chain *c, uint64_t *end)
{
	uint64_t off = 0;
	const char *line;
	unsigned int flags;
	size_t len;
	int err = -ENOENT;

	while (vb_log_reader_next(r, &line, &len, &flags) > 0) {
		struct vb_chain_rec rec;
		const char *why;

		off += len + !(flags & VB_LINE_NO_NEWLINE);
		if (flags || vb_chain_parse(line, len, &rec, &why))
			continue;
		json_object_put(rec.obj);
		c->seq = rec.seq;
		memcpy(c->hash, rec.hash, VB_CHAIN_HASH_LEN);
		if (end)
			*end = off;
		err = 0;
	}
	vb_log_reader_close(r);
	return err;
}

/* The last whole record of an open file of size bytes: chain and the offset after it. */
static int last_record_fd(int fd, uint64_t size, struct vb_chain *c, uint64_t *end)
{
	size_t win = size < DENYLOG_RECOVER_WINDOW ? size : DENYLOG_RECOVER_WINDOW, e;
	struct vb_log_reader r;
	char *buf = malloc(win ? win : 1);
	int err, dfd;

	if (!buf)
		return -ENOMEM;
	err = pread(fd, buf, win, size - win) == (ssize_t)win ? 0 : -EIO;
	if (!err)
		err = last_record_in(buf, win, win == size, c, &e);
	free(buf);
	if (!err) {
		*end = size - win + e;
		return 0;
	}
	if (err != -ENOENT || win == size)
		return err;
	/* A damaged tail longer than the window: read the whole file. */
	dfd = dup(fd);
	if (dfd < 0 || lseek(dfd, 0, SEEK_SET))
		return -errno;
	err = vb_log_reader_open(&r, "", dfd);
	if (err)
		return err;
	return last_record_read_through(&r, c, end);
}

/* The last record of a (rotated, maybe compressed) file, read through. */
static int last_record_file(const char *path, struct vb_chain *c)
{
	struct vb_log_reader r;
	int err = vb_log_reader_open(&r, path, -1);

	return err ? err : last_record_read_through(&r, c, NULL);
}

static int64_t first_record_time(int fd)
{
	char buf[4096], *nl;
	struct vb_chain_rec r;
	const char *why, *t;
	int64_t us = vb_time_now_us();
	ssize_t n = pread(fd, buf, sizeof(buf), 0);

	nl = n > 0 ? memchr(buf, '\n', n) : NULL;
	if (nl && !vb_chain_parse(buf, nl - buf, &r, &why)) {
		t = vb_rec_str(r.obj, "time");
		if (t)
			vb_time_parse(t, &us);
		json_object_put(r.obj);
	}
	return us;
}

/* Does the file begin with a JSON object that is not a chained record: a log written before
 * the chain. */
static bool first_line_unchained(int fd)
{
	char *buf = malloc(VB_LOG_LINE_MAX), *nl;
	struct json_tokener *tok;
	struct json_object *o = NULL;
	bool old = false;
	ssize_t n;

	if (!buf)
		return false;
	n = pread(fd, buf, VB_LOG_LINE_MAX, 0);
	nl = n > 0 ? memchr(buf, '\n', n) : NULL;
	tok = nl ? json_tokener_new() : NULL;
	if (tok)
		o = json_tokener_parse_ex(tok, buf, nl - buf);
	if (o && json_tokener_get_parse_end(tok) == (size_t)(nl - buf) &&
	    json_object_is_type(o, json_type_object) &&
	    !json_object_object_get_ex(o, "seq", NULL))
		old = true;
	json_object_put(o);
	if (tok)
		json_tokener_free(tok);
	free(buf);
	return old;
}

/* Where the chain stands when the current file has no record: the newest rotated file, or
 * the head file, or the genesis. Returns the reason for the opening record. */
static const char *chain_from_elsewhere(struct vb_denylog *l, char *prev_file, size_t len)
{
	char **files, name[4096];
	size_t n;
	int err = -ENOENT;

	if (!vb_rotate_list(l->path, &files, &n)) {
		for (size_t i = n; err && i-- > 0;) {
			if (!strcmp(files[i], l->path))
				continue;
			err = last_record_file(files[i], &l->chain);
			if (!err) {
				snprintf(name, sizeof(name), "%s", files[i]);
				snprintf(prev_file, len, "%s", basename(name));
			}
			break;
		}
		vb_rotate_free_list(files, n);
	}
	if (!err)
		return "continue";
	if (l->head[0] && !vb_chain_head_read(l->head, &l->chain)) {
		denylog_add_reason(l, "the log files are gone: the chain goes on from the head "
				   "file %s", l->head);
		vb_err("denial log %s: %s", l->path, l->lost_reason);
		return "continue";
	}
	vb_chain_genesis(&l->chain);
	return "start";
}

/* The head says how far the chain got. If the files end before it, say so. */
static void check_head(struct vb_denylog *l)
{
	struct vb_chain h;

	if (!l->head[0] || vb_chain_head_read(l->head, &h))
		return;
	l->head_seq = h.seq;
	if (h.seq > l->chain.seq) {
		l->lost_pending += h.seq - l->chain.seq;
		l->lost += h.seq - l->chain.seq;
		denylog_add_reason(l, "the log ends at record %" PRIu64 " but its head file %s "
				   "recorded %" PRIu64 ": the records after it are missing",
				   l->chain.seq, l->head, h.seq);
		vb_err("denial log %s: %s", l->path, l->lost_reason);
	} else if (h.seq == l->chain.seq && memcmp(h.hash, l->chain.hash, VB_CHAIN_HASH_LEN)) {
		denylog_add_reason(l, "record %" PRIu64 " differs from the one the head file %s "
				   "recorded", l->chain.seq, l->head);
		vb_err("denial log %s: %s", l->path, l->lost_reason);
	}
}

static uint64_t count_lines_after(int fd, uint64_t from, uint64_t to)
{
	char buf[1 << 16];
	uint64_t lines = 1;
	ssize_t n;

	while (from < to && (n = pread(fd, buf, to - from < sizeof(buf) ? to - from :
				       sizeof(buf), from)) > 0) {
		for (ssize_t i = 0; i < n; i++)
			lines += buf[i] == '\n' && from + i + 1 < to;
		from += n;
	}
	return lines;
}

int denylog_recover(struct vb_denylog *l, const char **reason, char *prev_file, size_t len)
{
	char aside[4200];
	struct stat st;
	uint64_t end = 0;
	int err;

	*reason = "restart";
	/* A rotation cut short by a crash: its plain copy is compressed now, before anything moves. */
	err = vb_rotate_compress_pending(l->path);
	if (err && err != -ENOENT)
		denylog_warn_once(l, WARNED_COMPRESS,
				  "cannot compress a rotated file (it stays plain)", err);
	l->fd = open(l->path, O_RDWR | O_APPEND | O_CREAT | O_CLOEXEC, 0640);
	if (l->fd < 0 || fstat(l->fd, &st)) {
		err = -errno;
		vb_err("cannot open the denial log %s: %s", l->path, strerror(errno));
		if (l->fd >= 0)
			close(l->fd);
		l->fd = -1;
		return err;
	}
	err = st.st_size ? last_record_fd(l->fd, st.st_size, &l->chain, &end) : -ENOENT;
	if (err == -ENOENT && st.st_size) {
		/* Bytes but not one record: not ours to edit, not ours to chain onto. A log
		 * from before the chain (JSON lines without seq) is the usual case. */
		bool old = first_line_unchained(l->fd);

		snprintf(aside, sizeof(aside), "%s.%s-%lld", l->path, old ? "unchained" : "damaged",
			 (long long)(vb_time_now_us() / VB_US_PER_SEC));
		if (old)
			vb_warn("denial log %s was written before the hash chain: kept as %s, a "
				"chained log begins", l->path, aside);
		else
			vb_err("denial log %s has no whole record: kept as %s, a new log begins",
			       l->path, aside);
		close(l->fd);
		l->fd = -1;
		if (rename(l->path, aside))
			return -errno;
		l->fd = open(l->path, O_RDWR | O_APPEND | O_CREAT | O_CLOEXEC, 0640);
		if (l->fd < 0)
			return -errno;
		st.st_size = 0;
		denylog_add_reason(l, old ? "the records before this one are in %s, written "
				   "before the hash chain" : "the log file had no whole record: it was "
				   "kept as %s", aside);
	} else if (err && err != -ENOENT) {
		vb_err("cannot read the denial log %s: %s", l->path, strerror(-err));
		close(l->fd);
		l->fd = -1;
		return err;
	}
	if (st.st_size) {
		l->size = end;
		l->file_start_us = first_record_time(l->fd);
		l->file_has_records = true;
		if ((uint64_t)st.st_size > end) {
			uint64_t n = count_lines_after(l->fd, end, st.st_size);

			l->damage_pending = true;
			l->lost_pending += n;
			l->lost += n;
			denylog_add_reason(l, "%" PRIu64 " damaged line%s at the end of the log "
					   "(the daemon stopped while writing)", n, n == 1 ? "" : "s");
		}
	} else {
		*reason = chain_from_elsewhere(l, prev_file, len);
		l->file_start_us = vb_time_now_us();
	}
	check_head(l);
	return 0;
}
