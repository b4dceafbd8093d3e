/* SPDX-License-Identifier: GPL-2.0 */
/* Bytes as people and logs see them: lower-case hex. */
#ifndef VB_HEX_H
#define VB_HEX_H

#include <stddef.h>
#include <stdint.h>

/* len bytes of in as 2 * len lower-case hex digits and a NUL into out. */
void vb_hex(const uint8_t *in, size_t len, char *out);

#endif
