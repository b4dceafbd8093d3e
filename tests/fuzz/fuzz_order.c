// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target for disable orders (policy/order.h): whatever the bytes, the parser returns
 * 0 with a NUL-terminated host, or -EINVAL with a reason.
 *
 *   make fuzz FUZZ_SECONDS=20
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "policy/order.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct vb_order o;
	char why[256];
	int ret = vb_order_parse((const char *)data, size, &o, why, sizeof(why));

	if (ret && ret != -EINVAL)
		abort();
	if (!ret && (strnlen(o.host, sizeof(o.host)) == sizeof(o.host) || !o.host[0]))
		abort();
	if (!ret)
		vb_order_check(&o, "host", o.version, why, sizeof(why));
	return 0;
}
