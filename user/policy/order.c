// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "policy/order.h"

static int fail(char *why, size_t len, unsigned int line, const char *fmt, ...)
{
	va_list ap;
	int n = snprintf(why, len, "disable order line %u: ", line);

	va_start(ap, fmt);
	if (n >= 0 && (size_t)n < len)
		vsnprintf(why + n, len - n, fmt, ap);
	va_end(ap);
	return -EINVAL;
}

/* One line's keyword and its single value, both NUL-terminated in place. */
static int split(char *l, char **key, char **val)
{
	*key = l;
	*val = strchr(l, ' ');
	if (!*val)
		return -EINVAL;
	*(*val)++ = 0;
	return **val && !strchr(*val, ' ') ? 0 : -EINVAL;
}

int vb_order_parse(const char *buf, size_t len, struct vb_order *o, char *why, size_t why_len)
{
	char line[VB_ORDER_HOST_MAX + 32], *key, *val, *end;
	bool magic = false, host = false, version = false;
	unsigned int lineno = 0;
	size_t pos = 0;

	memset(o, 0, sizeof(*o));
	if (len > VB_ORDER_MAX_SIZE)
		return fail(why, why_len, 0, "over %u bytes", VB_ORDER_MAX_SIZE);
	while (pos < len) {
		const char *nl = memchr(buf + pos, '\n', len - pos);
		size_t n = (nl ? (size_t)(nl - buf) : len) - pos;

		lineno++;
		if (n >= sizeof(line))
			return fail(why, why_len, lineno, "too long");
		memcpy(line, buf + pos, n);
		line[n] = 0;
		pos += n + 1;
		if (memchr(line, 0, n))
			return fail(why, why_len, lineno, "a NUL byte");
		if (!line[0] || line[0] == '#')
			continue;
		if (split(line, &key, &val))
			return fail(why, why_len, lineno, "expected 'keyword value'");
		if (!magic) {
			if (strcmp(key, VB_ORDER_MAGIC) || strcmp(val, "1"))
				return fail(why, why_len, lineno, "not a disable order (expected '"
					    VB_ORDER_MAGIC " %d')", VB_ORDER_FORMAT);
			magic = true;
		} else if (!strcmp(key, "host") && !host) {
			snprintf(o->host, sizeof(o->host), "%s", val);
			host = true;
		} else if (!strcmp(key, "version") && !version) {
			errno = 0;
			o->version = strtoull(val, &end, 10);
			if (errno || *end || val[0] == '-')
				return fail(why, why_len, lineno, "version is not a number");
			version = true;
		} else {
			return fail(why, why_len, lineno, "unexpected or repeated '%s'", key);
		}
	}
	if (!magic || !host || !version)
		return fail(why, why_len, lineno, "an order needs '" VB_ORDER_MAGIC " 1', 'host' "
			    "and 'version'");
	return 0;
}

int vb_order_check(const struct vb_order *o, const char *host, uint64_t in_force, char *why,
		   size_t why_len)
{
	if (strcmp(o->host, "*") && strcmp(o->host, host)) {
		snprintf(why, why_len, "the disable order is for host %s, this is %s", o->host,
			 host);
		return -EPERM;
	}
	if (o->version < in_force) {
		snprintf(why, why_len, "the disable order (version %" PRIu64 ") is older than the "
			 "policy in force (version %" PRIu64 ")", o->version, in_force);
		return -EPERM;
	}
	return 0;
}
