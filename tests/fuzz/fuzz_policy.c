// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target for the policy parser: any bytes in, no crash, no leak, no read outside the
 * buffer. libFuzzer hands over a buffer of exactly `size` bytes, so ASan catches a parser that
 * looks for a NUL terminator.
 *
 *   make build/fuzz/fuzz_policy && build/fuzz/fuzz_policy -max_total_time=60 policy/examples/
 */
#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "policy/policy.h"

/* What the daemon trusts about an accepted policy without checking again. */
static void check_policy(const struct vb_policy *p)
{
	size_t i;

	if (!p)
		return;
	if (p->version < 1 || p->mode > 1)
		abort();
	for (i = 0; i < p->n_vendors; i++)
		if (!p->vendors[i].id[0] || !p->vendors[i].name[0] || p->vendors[i].mode > 1)
			abort();
	for (i = 0; i < p->n_rules; i++) {
		const struct vb_rule *r = &p->rules[i];

		if (r->vendor_idx >= p->n_vendors || r->mode > 1 || !r->id[0])
			abort();
		if (r->kind == VB_RULE_PATH &&
		    (r->path[0] != '/' || strnlen(r->path, sizeof(r->path)) == sizeof(r->path)))
			abort();
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct vb_diag diag = { 0 };
	struct vb_policy *p = NULL;
	int ret;

	ret = vb_policy_parse("fuzz.policy", (const char *)data, size, &p, &diag);
	/* The contract callers rely on: a policy exactly when 0, a reason whenever refused. */
	if ((ret == 0) != (p != NULL))
		abort();
	if (ret == -EINVAL && diag.n == 0)
		abort();
	if (diag.n > VB_DIAG_MAX || diag.n > diag.n_total)
		abort();
	check_policy(p);
	vb_policy_free(p);
	vb_diag_free(&diag);
	return 0;
}
