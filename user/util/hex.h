/* SPDX-License-Identifier: GPL-2.0 */
/* Bytes as people and logs see them: lower-case hex. */
#ifndef VB_HEX_H
#define VB_HEX_H

#include <stddef.h>
#include <stdint.h>

/* len bytes of in as 2 * len lower-case hex digits and a NUL into out. */
void vb_hex(const uint8_t *in, size_t len, char *out);
/* The bytes of a NUL-terminated string of lower-case hex digit pairs (what vb_hex writes, and
 * nothing else: a changed case is a changed record) into out: their number, or -EINVAL for an odd
 * count, another character, or more than max bytes. */
int vb_unhex(const char *hex, uint8_t *out, size_t max);

#endif
