// SPDX-License-Identifier: GPL-2.0
/*
 * Policy checks that need the whole policy: what the kernel's maps can hold, and path rules that
 * another rule already decides for.
 */
#include <string.h>

#include <linux/types.h>

#include "vendorban.h"
#include "policy/policy.h"
#include "policy/parser.h"

/* The kernel's rule maps have fixed sizes: a policy they cannot hold is refused here, where
 * policy staff see it, not at load time on every host. */
static void check_limits(struct parser *ps, const struct vb_policy *pol)
{
	size_t n_hash = 0, n_path = 0;

	for (size_t i = 0; i < pol->n_rules; i++) {
		const struct vb_rule *r = &pol->rules[i];

		if (r->kind == VB_RULE_SHA256 && ++n_hash == VB_MAX_HASH_RULES + 1)
			error_at(ps, r->line, r->col, "too many sha256 rules (the limit is %u)",
				 VB_MAX_HASH_RULES);
		if (r->kind == VB_RULE_PATH && ++n_path == VB_MAX_PATH_RULES + 1)
			error_at(ps, r->line, r->col, "too many path rules (the limit is %u)",
				 VB_MAX_PATH_RULES);
	}
}

/* The mode a rule will have once resolve_modes() ran; usable while the parse is going on. */
static uint8_t effective_mode(const struct vb_policy *pol, const struct vb_rule *r)
{
	if (r->mode != VB_MODE_UNSET)
		return r->mode;
	if (pol->vendors[r->vendor_idx].mode != VB_MODE_UNSET)
		return pol->vendors[r->vendor_idx].mode;
	return pol->mode;
}

/*
 * The kernel decides a file by the longest prefix rule above it (an exact rule first). A rule
 * whose nearest covering prefix has the same vendor and mode therefore changes no verdict and no
 * denial record's vendor: it only makes staff believe it matters. Under another vendor's or
 * mode's prefix the inner rule does decide for its files, so it is left alone.
 */
static void check_shadowed(struct parser *ps)
{
	const struct vb_policy *pol = ps->pol;
	size_t i, len, first = 0;

	for (i = 0; i < pol->n_rules && !ps->oom; i++) {
		const struct vb_rule *r = &pol->rules[i], *o;

		/* A path that failed its checks is empty; a duplicate already has an error. */
		if (r->kind != VB_RULE_PATH || r->path[0] != '/' ||
		    index_find(ps, IDX_PATH, r->path, strlen(r->path)) != i + 1)
			continue;
		len = strlen(r->path) - 1;	/* proper prefixes only: not the rule itself */
		while (len > 1) {
			while (len > 1 && r->path[len - 1] != '/')
				len--;
			if (len <= 1)
				break;
			first = index_find(ps, IDX_PATH, r->path, len);
			if (first)
				break;
			len--;
		}
		if (len <= 1)
			continue;
		o = &pol->rules[first - 1];
		if (o->vendor_idx != r->vendor_idx ||
		    effective_mode(pol, o) != effective_mode(pol, r))
			continue;
		warning_at(ps, r->line, r->col, "path '%s' is already covered by 'path %s' (line %u)",
			   show(ps, 0, r->path, strlen(r->path)),
			   show(ps, 1, o->path, strlen(o->path)), o->line);
	}
}

void check_policy(struct parser *ps)
{
	check_limits(ps, ps->pol);
	check_shadowed(ps);
}
