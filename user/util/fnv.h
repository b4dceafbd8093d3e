/* SPDX-License-Identifier: GPL-2.0 */
/* FNV-1a, 64 bits: a fast unkeyed hash, and the one bpf/module.bpf.h computes over a module
 * signature's issuer name, so the two must stay the same function. */
#ifndef VB_FNV_H
#define VB_FNV_H

#include <stddef.h>
#include <stdint.h>

static inline uint64_t vb_fnv1a64(const void *data, size_t len)
{
	const unsigned char *p = data;
	uint64_t h = 0xcbf29ce484222325ull;

	for (size_t i = 0; i < len; i++) {
		h ^= p[i];
		h *= 0x100000001b3ull;
	}
	return h;
}

#endif
