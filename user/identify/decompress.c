// SPDX-License-Identifier: GPL-2.0
/*
 * Decompression for module evidence. kbuild and kmod write exactly one gzip member, xz stream
 * or zstd frame per module, and the kernel's own decompressor (kernel/module/decompress.c, 6.1)
 * reads only the first one. Bytes after it are refused rather than ignored or decoded as a
 * second part: they are where a crafted file would hide a payload that one reader sees and
 * another does not, and a refusal lets the caller decide.
 *
 * We check more than the kernel does: it inflates gzip as raw deflate and never looks at the
 * CRC-32, so a .ko.gz with a bad CRC loads but is -EBADMSG here.
 */
#include <errno.h>
#include <limits.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <lzma.h>
#include <zlib.h>
#include <zstd.h>
#include <zstd_errors.h>
#include "identify/decompress.h"

#define VB_OUT_FIRST		((size_t)64 << 10)	/* first output buffer */
#define VB_XZ_MEMLIMIT		((uint64_t)128 << 20)	/* xz -9 needs 65 MiB to decode */
#define VB_ZSTD_WINDOW_LOG_MAX	27			/* zstd's default decoder limit */

static const uint8_t gzip_magic[] = { 0x1f, 0x8b };
static const uint8_t xz_magic[] = { 0xfd, '7', 'z', 'X', 'Z', 0x00 };
static const uint8_t zstd_magic[] = { 0x28, 0xb5, 0x2f, 0xfd };

/* Output that grows to limit = max_out + 1 bytes: reaching the last byte means too much. */
struct outbuf {
	uint8_t *data;
	size_t len;
	size_t cap;
	size_t limit;
};

/* Room for at least one more byte. */
static int out_room(struct outbuf *o)
{
	size_t cap;
	uint8_t *p;

	if (o->len < o->cap)
		return 0;
	if (o->cap == o->limit)
		return -EFBIG;
	cap = o->cap ? o->cap * 2 : VB_OUT_FIRST;
	if (cap > o->limit || cap < o->cap)
		cap = o->limit;
	p = realloc(o->data, cap);
	if (!p)
		return -ENOMEM;
	o->data = p;
	o->cap = cap;
	return 0;
}

static int gunzip(const uint8_t *buf, size_t len, struct outbuf *o, size_t *used)
{
	size_t in_left = len, before;
	z_stream zs = { 0 };
	int zret, err;

	if (inflateInit2(&zs, 16 + MAX_WBITS) != Z_OK)
		return -ENOMEM;
	zs.next_in = (Bytef *)buf;
	for (;;) {
		err = out_room(o);
		if (err)
			break;
		/* zlib counts in uInt; feed a larger buffer in pieces. */
		if (!zs.avail_in && in_left) {
			zs.avail_in = in_left > UINT_MAX ? UINT_MAX : in_left;
			in_left -= zs.avail_in;
		}
		before = o->cap - o->len > UINT_MAX ? UINT_MAX : o->cap - o->len;
		zs.next_out = o->data + o->len;
		zs.avail_out = before;
		zret = inflate(&zs, Z_NO_FLUSH);
		o->len += before - zs.avail_out;
		if (zret == Z_STREAM_END)
			break;
		if (zret == Z_OK)
			continue;
		/* Z_BUF_ERROR with room to write: the input ended inside the member. */
		err = zret == Z_MEM_ERROR ? -ENOMEM : -EBADMSG;
		break;
	}
	*used = len - in_left - zs.avail_in;
	inflateEnd(&zs);
	return err;
}

static int unxz(const uint8_t *buf, size_t len, struct outbuf *o, size_t *used)
{
	lzma_stream strm = LZMA_STREAM_INIT;
	lzma_ret ret;
	size_t before;
	int err;

	/* No LZMA_CONCATENATED: one stream, as the kernel reads it. */
	if (lzma_stream_decoder(&strm, VB_XZ_MEMLIMIT, 0) != LZMA_OK)
		return -ENOMEM;
	strm.next_in = buf;
	strm.avail_in = len;
	for (;;) {
		err = out_room(o);
		if (err)
			break;
		before = o->cap - o->len;
		strm.next_out = o->data + o->len;
		strm.avail_out = before;
		ret = lzma_code(&strm, LZMA_FINISH);
		o->len += before - strm.avail_out;
		if (ret == LZMA_STREAM_END)
			break;
		if (ret == LZMA_OK)
			continue;
		if (ret == LZMA_MEM_ERROR)
			err = -ENOMEM;
		else if (ret == LZMA_MEMLIMIT_ERROR)
			err = -EFBIG;
		else	/* LZMA_BUF_ERROR (truncated), LZMA_DATA_ERROR, LZMA_FORMAT_ERROR... */
			err = -EBADMSG;
		break;
	}
	*used = len - strm.avail_in;
	lzma_end(&strm);
	return err;
}

static int unzstd(const uint8_t *buf, size_t len, struct outbuf *o, size_t *used)
{
	ZSTD_inBuffer in = { buf, len, 0 };
	ZSTD_outBuffer out;
	ZSTD_DCtx *dctx;
	size_t ret;
	int err;

	dctx = ZSTD_createDCtx();
	if (!dctx)
		return -ENOMEM;
	if (ZSTD_isError(ZSTD_DCtx_setParameter(dctx, ZSTD_d_windowLogMax,
						VB_ZSTD_WINDOW_LOG_MAX))) {
		ZSTD_freeDCtx(dctx);
		return -ENOMEM;
	}
	for (;;) {
		err = out_room(o);
		if (err)
			break;
		out.dst = o->data;
		out.size = o->cap;
		out.pos = o->len;
		ret = ZSTD_decompressStream(dctx, &out, &in);
		o->len = out.pos;
		if (ZSTD_isError(ret)) {
			switch (ZSTD_getErrorCode(ret)) {
			case ZSTD_error_memory_allocation:
				err = -ENOMEM;
				break;
			case ZSTD_error_frameParameter_windowTooLarge:
				err = -EFBIG;
				break;
			default:
				err = -EBADMSG;
			}
			break;
		}
		if (ret == 0)		/* the frame is decoded and flushed */
			break;
		/* Room left and no input left, yet the frame goes on: truncated. */
		if (in.pos == in.size && out.pos < out.size) {
			err = -EBADMSG;
			break;
		}
	}
	*used = in.pos;
	ZSTD_freeDCtx(dctx);
	return err;
}

static bool has_magic(const uint8_t *buf, size_t len, const uint8_t *magic, size_t n)
{
	return len >= n && !memcmp(buf, magic, n);
}

int vb_decompress(const uint8_t *buf, size_t len, size_t max_out, uint8_t **out,
		  size_t *out_len, const char **format)
{
	int (*decode)(const uint8_t *, size_t, struct outbuf *, size_t *);
	struct outbuf o = { 0 };
	size_t used = 0;
	int err;

	*out = NULL;
	*out_len = 0;
	if (has_magic(buf, len, gzip_magic, sizeof(gzip_magic))) {
		*format = "gzip";
		decode = gunzip;
	} else if (has_magic(buf, len, xz_magic, sizeof(xz_magic))) {
		*format = "xz";
		decode = unxz;
	} else if (has_magic(buf, len, zstd_magic, sizeof(zstd_magic))) {
		*format = "zstd";
		decode = unzstd;
	} else {
		*format = NULL;
		return -ENODATA;
	}
	if (!max_out)
		max_out = VB_DECOMPRESS_MAX_DEFAULT;
	o.limit = max_out == SIZE_MAX ? SIZE_MAX : max_out + 1;
	err = decode(buf, len, &o, &used);
	if (!err && o.len > max_out)
		err = -EFBIG;
	if (!err && used != len)
		err = -EBADMSG;
	if (err) {
		free(o.data);
		return err;
	}
	*out = o.data;
	*out_len = o.len;
	return 0;
}
