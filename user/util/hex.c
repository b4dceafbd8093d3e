// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include "util/hex.h"

void vb_hex(const uint8_t *in, size_t len, char *out)
{
	static const char digits[] = "0123456789abcdef";

	for (size_t i = 0; i < len; i++) {
		out[2 * i] = digits[in[i] >> 4];
		out[2 * i + 1] = digits[in[i] & 15];
	}
	out[2 * len] = '\0';
}

static int nibble(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

int vb_unhex(const char *hex, uint8_t *out, size_t max)
{
	size_t n = 0;

	for (; hex[0]; hex += 2) {
		int hi = nibble(hex[0]), lo = hi < 0 ? -1 : nibble(hex[1]);

		if (lo < 0 || n == max)
			return -EINVAL;
		out[n++] = hi << 4 | lo;
	}
	return n;
}
