// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <libgen.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <json-c/json.h>
#include <openssl/evp.h>
#include "log/denylog.h"
#include "log/logtime.h"
#include "log/recover.h"
#include "log/rotate.h"
#include "util/atomic.h"
#include "util/msg.h"

/* mkdir -p of path's directory; the ones made get mode (a minimal root may lack /var/lib). */
static int mkdir_parent(const char *path, mode_t mode)
{
	char buf[4096], dir[4096], *p;
	bool last;

	snprintf(buf, sizeof(buf), "%s", path);
	snprintf(dir, sizeof(dir), "%s", dirname(buf));
	for (p = dir + 1;; p++) {
		if (*p && *p != '/')
			continue;
		last = !*p;
		*p = 0;
		if (mkdir(dir, last ? mode : 0755) && errno != EEXIST)
			return -errno;
		if (last)
			return 0;
		*p = '/';
	}
}

void vb_denylog_head_path(const char *log, char *buf, size_t len)
{
	char dir[4096], base[4096], real[4096], *p;
	size_t n;

	/* Named after the log's absolute path, so that a second log (a test, another --log)
	 * never shares the head of the one in /var/log. */
	snprintf(dir, sizeof(dir), "%s", log);
	snprintf(base, sizeof(base), "%s", log);
	if (!realpath(dirname(dir), real))
		snprintf(real, sizeof(real), "%s", dir);
	n = snprintf(buf, len, "%s/", VB_DENYLOG_HEAD_DIR);
	if (n >= len)
		return;
	snprintf(buf + n, len - n, "%s/%s.head", real[0] == '/' ? real + 1 : real, basename(base));
	for (p = buf + n; *p; p++)
		if (*p == '/')
			*p = '-';
}

void denylog_warn_once(struct vb_denylog *l, unsigned int kind, const char *what, int err)
{
	if (l->warned & kind)
		return;
	l->warned |= kind;
	vb_warn("denial log %s: %s: %s (counted; enforcement goes on)", l->path, what,
		strerror(-err));
}

/* Why the next gap record is written; reasons add up until it is. */
void denylog_add_reason(struct vb_denylog *l, const char *fmt, ...)
{
	size_t n = strlen(l->lost_reason);
	char text[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(text, sizeof(text), fmt, ap);
	va_end(ap);
	l->gap_pending = true;
	if (strstr(l->lost_reason, text))
		return;
	snprintf(l->lost_reason + n, sizeof(l->lost_reason) - n, "%s%s", n ? "; " : "", text);
}

static void note_loss(struct vb_denylog *l, int err, const char *what)
{
	l->lost++;
	l->lost_pending++;
	denylog_add_reason(l, "%s: %s", what, strerror(-err));
}

/* Write line + '\n' (after a '\n' that ends a damaged line, with lead). On a short write the
 * partial record is cut off again, so the file holds whole records only. */
static int write_line(struct vb_denylog *l, const char *line, size_t len, bool lead)
{
	struct iovec iov[3] = {
		{ .iov_base = "\n", .iov_len = 1 },
		{ .iov_base = (void *)line, .iov_len = len },
		{ .iov_base = "\n", .iov_len = 1 },
	};
	ssize_t want = len + 1 + lead, n, more;
	struct iovec *v = lead ? iov : iov + 1;
	int nv = lead ? 3 : 2, err;

	/* One writev with O_APPEND: a record is never interleaved with another writer's. */
	errno = 0;
	n = writev(l->fd, v, nv);
	/* A short write (a signal, the disk filling up): the rest once more, which either
	 * completes the record or says why it cannot. */
	while (n > 0 && n < want) {
		ssize_t skip = n;

		for (; skip >= (ssize_t)v->iov_len; nv--)
			skip -= (v++)->iov_len;
		v->iov_base = (char *)v->iov_base + skip;
		v->iov_len -= skip;
		more = writev(l->fd, v, nv);
		if (more <= 0)
			break;
		n += more;
	}
	if (n == want) {
		l->size += n;
		vb_chain_advance(&l->chain, line, len);
		l->records++;
		if (++l->unsynced >= VB_DENYLOG_SYNC_BATCH && fdatasync(l->fd) == 0)
			l->unsynced = 0;
		return 0;
	}
	err = n < want && errno ? -errno : -ENOSPC;
	l->write_errors++;
	if (n > 0 && ftruncate(l->fd, l->size))
		l->damage_pending = true;	/* declared, with its hash, by the next gap record */
	return err;
}

static int seal_and_write(struct vb_denylog *l, const char *obj, bool lead)
{
	size_t len;
	int err;

	err = vb_chain_seal(&l->chain, obj, strlen(obj), &l->buf, &l->cap, &len);
	if (err)
		return err;
	return write_line(l, l->buf, len, lead);
}

static const char *json_text(struct json_object *o)
{
	return json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN |
					      JSON_C_TO_STRING_NOSLASHESCAPE);
}

static struct json_object *new_record(struct vb_denylog *l, const char *action)
{
	struct json_object *o = json_object_new_object();
	char now[VB_TIME_LEN];

	vb_time_format(vb_time_now_us(), now, sizeof(now));
	json_object_object_add(o, "time", json_object_new_string(now));
	json_object_object_add(o, "host", json_object_new_string(l->host));
	json_object_object_add(o, "action", json_object_new_string(action));
	return o;
}

/*
 * The bytes past the last whole record ("damage": a record torn by a crash, or one a failed
 * write could not cut off) stay in the file: an audit log is not edited. The gap record that
 * follows them carries their length and SHA-256, so verification accepts exactly those bytes.
 * The region is every byte after the last record's '\n' up to the '\n' before the gap record.
 */
static int measure_damage(struct vb_denylog *l, struct json_object *gap, bool *lead)
{
	uint8_t md[VB_CHAIN_HASH_LEN], buf[1 << 16];
	char hex[VB_CHAIN_HEX_LEN + 1];
	uint64_t off = l->size, end, lines = 1;
	EVP_MD_CTX *ctx;
	struct stat st;
	ssize_t n;
	char last = 0;

	if (fstat(l->fd, &st))
		return -errno;
	end = st.st_size;
	if (end <= l->size) {
		l->damage_pending = false;
		*lead = false;
		return 0;
	}
	/* A region that already ends in '\n' is hashed without it; else we write one. */
	if (pread(l->fd, &last, 1, end - 1) == 1 && last == '\n')
		end--;
	*lead = last != '\n';
	ctx = EVP_MD_CTX_new();
	if (!ctx || !EVP_DigestInit_ex(ctx, EVP_sha256(), NULL)) {
		EVP_MD_CTX_free(ctx);
		return -ENOMEM;
	}
	while (off < end) {
		n = pread(l->fd, buf, end - off < sizeof(buf) ? end - off : sizeof(buf), off);
		if (n <= 0) {
			EVP_MD_CTX_free(ctx);
			return n < 0 ? -errno : -EIO;
		}
		EVP_DigestUpdate(ctx, buf, n);
		for (ssize_t i = 0; i < n; i++)
			lines += buf[i] == '\n';
		off += n;
	}
	EVP_DigestFinal_ex(ctx, md, NULL);
	EVP_MD_CTX_free(ctx);
	vb_hex(md, sizeof(md), hex);
	json_object_object_add(gap, "damaged_bytes", json_object_new_uint64(end - l->size));
	json_object_object_add(gap, "damaged_lines", json_object_new_uint64(lines));
	json_object_object_add(gap, "damaged_sha256", json_object_new_string(hex));
	l->size = st.st_size;	/* the damage is part of the file from now on */
	return 0;
}

/* Declare what is pending in one gap record. 0 if nothing was pending or it is written. */
static int declare_losses(struct vb_denylog *l)
{
	struct json_object *gap;
	uint64_t size0 = l->size;
	bool lead = false;
	int err = 0;

	if (!l->gap_pending && !l->damage_pending)
		return 0;
	gap = new_record(l, "gap");
	json_object_object_add(gap, "lost", json_object_new_uint64(l->lost_pending));
	json_object_object_add(gap, "reason", json_object_new_string(l->lost_reason[0] ?
				l->lost_reason : "damaged bytes at the end of the log"));
	if (l->damage_pending)
		err = measure_damage(l, gap, &lead);
	if (!err)
		err = seal_and_write(l, json_text(gap), lead);
	json_object_put(gap);
	if (err) {
		l->size = size0;
		return err;
	}
	if (l->lost_pending)
		vb_warn("denial log %s: %" PRIu64 " lost record%s declared by gap record %" PRIu64,
			l->path, l->lost_pending, l->lost_pending == 1 ? "" : "s", l->chain.seq);
	l->lost_pending = 0;
	l->lost_reason[0] = 0;
	l->gap_pending = false;
	l->damage_pending = false;
	return 0;
}

static int write_open_record(struct vb_denylog *l, const char *reason, const char *previous)
{
	struct json_object *o = new_record(l, "open");
	char name[4096];
	int err;

	snprintf(name, sizeof(name), "%s", l->path);
	json_object_object_add(o, "reason", json_object_new_string(reason));
	json_object_object_add(o, "file", json_object_new_string(basename(name)));
	if (previous)
		json_object_object_add(o, "previous_file", json_object_new_string(previous));
	json_object_object_add(o, "log_format", json_object_new_int(VB_LOG_FORMAT));
	json_object_object_add(o, "pid", json_object_new_int(getpid()));
	err = seal_and_write(l, json_text(o), false);
	json_object_put(o);
	return err;
}

static void *compress_main(void *arg)
{
	struct vb_denylog *l = arg;

	l->compress_err = vb_rotate_compress_pending(l->path);
	return NULL;
}

static void compress_reap(struct vb_denylog *l, bool wait)
{
	if (!l->compressing)
		return;
	if (wait)
		pthread_join(l->compressor, NULL);
	else if (pthread_tryjoin_np(l->compressor, NULL))
		return;
	l->compressing = false;
	if (l->compress_err) {
		l->rotate_errors++;
		denylog_warn_once(l, WARNED_COMPRESS,
				  "cannot compress the rotated file (it stays plain)", l->compress_err);
	}
}

static void compress_start(struct vb_denylog *l)
{
	if (!l->opts.compress_inline && !pthread_create(&l->compressor, NULL, compress_main, l)) {
		l->compressing = true;
		return;
	}
	l->compressing = false;
	compress_main(l);
	if (l->compress_err) {
		l->rotate_errors++;
		denylog_warn_once(l, WARNED_COMPRESS,
				  "cannot compress the rotated file (it stays plain)", l->compress_err);
	}
}

/* LOG becomes LOG.1 (compressed beside us into LOG.1.gz) and a new LOG goes on with the chain:
 * its opening record's prev is the hash of LOG.1's last record. */
static int rotate(struct vb_denylog *l)
{
	char first[4200], gz[4200], name[4200];
	int fd, err;

	compress_reap(l, true);
	if (fdatasync(l->fd))
		l->write_errors++;
	l->unsynced = 0;
	vb_rotate_name(l->path, 1, false, first, sizeof(first));
	err = vb_rotate_shift(l->path, l->opts.keep);
	if (!err && rename(l->path, first))
		err = -errno;
	if (err)
		return err;
	fd = open(l->path, O_RDWR | O_APPEND | O_CREAT | O_EXCL | O_CLOEXEC, 0640);
	if (fd < 0) {
		err = -errno;
		rename(first, l->path);
		return err;
	}
	close(l->fd);
	l->fd = fd;
	l->size = 0;
	l->file_start_us = vb_time_now_us();
	l->file_has_records = false;
	l->rotations++;
	vb_rotate_name(l->path, 1, true, gz, sizeof(gz));
	snprintf(name, sizeof(name), "%s", gz);
	err = write_open_record(l, "rotate", basename(name));
	if (!err && fdatasync(l->fd))
		err = -errno;
	vb_fsync_dir(l->path);
	compress_start(l);
	return err;
}

static void maybe_rotate(struct vb_denylog *l, size_t next_len)
{
	const struct vb_denylog_opts *o = &l->opts;
	bool big = o->max_size && l->size + next_len + 1 > o->max_size;
	bool old = o->max_age &&
		   vb_time_now_us() - l->file_start_us >= (int64_t)o->max_age * VB_US_PER_SEC;
	int err;

	if (!l->file_has_records || (!big && !old))
		return;
	err = rotate(l);
	if (err) {
		l->rotate_errors++;
		denylog_warn_once(l, WARNED_ROTATE, "cannot rotate", err);
	}
}

int vb_denylog_append(struct vb_denylog *l, const char *obj)
{
	int err;

	if (l->fd < 0) {
		note_loss(l, -EBADF, "the log is not open");
		return -EBADF;
	}
	err = declare_losses(l);
	if (err) {
		note_loss(l, err, "write failed");
		return err;
	}
	maybe_rotate(l, strlen(obj) + 128);
	err = seal_and_write(l, obj, false);
	if (err) {
		note_loss(l, err, err == -EINVAL ? "record refused (not one JSON line, or too long)"
						  : "write failed");
		return err;
	}
	l->file_has_records = true;
	return 0;
}

static int write_head(struct vb_denylog *l, bool force)
{
	char hex[VB_CHAIN_HEX_LEN + 1], now[VB_TIME_LEN], text[1024];
	int64_t t = vb_time_now_us();
	int n, err;

	if (!l->head[0] || l->chain.seq == l->head_seq)
		return 0;
	if (!force && t - l->head_written_us < VB_DENYLOG_HEAD_INTERVAL_MS * 1000LL &&
	    t >= l->head_written_us)
		return 0;
	vb_hex(l->chain.hash, VB_CHAIN_HASH_LEN, hex);
	vb_time_format(vb_time_now_us(), now, sizeof(now));
	n = snprintf(text, sizeof(text),
		     "{\"seq\":%" PRIu64 ",\"hash\":\"%s\",\"time\":\"%s\",\"records_written\":%"
		     PRIu64 ",\"write_errors\":%" PRIu64 ",\"lost\":%" PRIu64 ",\"rotations\":%"
		     PRIu64 "}\n", l->chain.seq, hex, now, l->records, l->write_errors, l->lost,
		     l->rotations);
	/* Atomic: after a crash the head is an older one, never a torn one. */
	err = vb_atomic_write(l->head, text, n, 0640);
	if (err)
		return err;
	l->head_seq = l->chain.seq;
	l->head_written_us = t;
	return 0;
}

static int flush(struct vb_denylog *l, bool head_now)
{
	int err = 0, e;

	compress_reap(l, false);
	if (l->fd < 0)
		return -EBADF;
	e = declare_losses(l);
	if (e)
		err = e;
	if (l->unsynced) {
		if (fdatasync(l->fd)) {
			err = -errno;
			l->write_errors++;
			denylog_warn_once(l, WARNED_SYNC, "fdatasync failed", err);
		} else {
			l->unsynced = 0;
		}
	}
	/* The head never runs ahead of what is on disk: it is written after the sync. */
	if (!l->unsynced) {
		e = write_head(l, head_now);
		if (e) {
			denylog_warn_once(l, WARNED_HEAD, "cannot write the chain head file", e);
			if (!err)
				err = e;
		}
	}
	return err;
}

int vb_denylog_flush(struct vb_denylog *l)
{
	return flush(l, false);
}

int vb_denylog_open(struct vb_denylog *l, const char *path, const struct vb_denylog_opts *o)
{
	char prev_file[4096] = "";
	const char *reason;
	int err;

	memset(l, 0, sizeof(*l));
	l->fd = -1;
	if (o)
		l->opts = *o;
	else
		l->opts = (struct vb_denylog_opts){ VB_DENYLOG_MAX_SIZE, VB_DENYLOG_MAX_AGE,
						    VB_DENYLOG_KEEP };
	if (l->opts.keep < 1)
		l->opts.keep = 1;
	if (l->opts.keep > VB_DENYLOG_KEEP_MAX)
		l->opts.keep = VB_DENYLOG_KEEP_MAX;
	snprintf(l->path, sizeof(l->path), "%s", path);
	if (!l->opts.head)
		vb_denylog_head_path(path, l->head, sizeof(l->head));
	else
		snprintf(l->head, sizeof(l->head), "%s", l->opts.head);
	gethostname(l->host, sizeof(l->host) - 1);
	mkdir_parent(path, 0750);
	if (l->head[0])
		mkdir_parent(l->head, 0700);
	err = denylog_recover(l, &reason, prev_file, sizeof(prev_file));
	if (err)
		return err;
	/* Damage is declared right after it; a new file begins with its opening record. */
	if (l->size) {
		err = declare_losses(l);
		if (!err)
			err = write_open_record(l, reason, prev_file[0] ? prev_file : NULL);
	} else {
		err = write_open_record(l, reason, prev_file[0] ? prev_file : NULL);
		if (!err)
			err = declare_losses(l);
	}
	if (err)
		vb_err("cannot write to the denial log %s: %s (denials go on; counted)", path,
		       strerror(-err));
	flush(l, true);
	return 0;
}

void vb_denylog_close(struct vb_denylog *l)
{
	if (l->fd >= 0) {
		flush(l, true);
		close(l->fd);
	}
	compress_reap(l, true);
	l->fd = -1;
	free(l->buf);
	l->buf = NULL;
	l->cap = 0;
}
