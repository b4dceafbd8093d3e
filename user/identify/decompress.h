/* SPDX-License-Identifier: GPL-2.0 */
/* Compressed kernel modules (.ko.gz, .ko.xz, .ko.zst): their signature is inside the payload. */
#ifndef VB_DECOMPRESS_H
#define VB_DECOMPRESS_H

#include <stddef.h>
#include <stdint.h>

/* max_out 0 means this: Debian's largest module is under 20 MiB uncompressed. */
#define VB_DECOMPRESS_MAX_DEFAULT	((size_t)256 << 20)
#define VB_DECOMPRESS_MAX_TEXT		"256 MiB"	/* the same, for messages */

/*
 * Decompress one gzip member, xz stream or zstd frame, told apart by magic. On 0, *out (free()
 * it) holds *out_len bytes. *format is "gzip", "xz" or "zstd" whenever the magic matched, even
 * on error, and NULL on -ENODATA. -ENODATA: not compressed in a format we know; -EFBIG: more
 * than max_out bytes, or more memory than our decoder limits; -EBADMSG: corrupt, truncated,
 * checksum mismatch, or bytes after the end (see decompress.c); -ENOMEM.
 */
int vb_decompress(const uint8_t *buf, size_t len, size_t max_out, uint8_t **out,
		  size_t *out_len, const char **format);

#endif /* VB_DECOMPRESS_H */
