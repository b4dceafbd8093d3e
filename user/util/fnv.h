/* SPDX-License-Identifier: GPL-2.0 */
/* FNV-1a: a fast unkeyed hash. 64 bits is the one bpf/module.bpf.h computes over a module
 * signature's issuer name, 32 bits the one bpf/flood.bpf.h computes over a tamper target's
 * name: each must stay the same function as its BPF twin. */
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

/* Over a NUL-terminated string of at most max bytes. */
static inline uint32_t vb_fnv1a32_str(const char *s, size_t max)
{
	uint32_t h = 2166136261u;

	for (size_t i = 0; i < max && s[i]; i++) {
		h ^= (unsigned char)s[i];
		h *= 16777619u;
	}
	return h;
}

#endif
