/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Policy diff: what a change adds, removes and changes, per vendor and rule, for review before
 * a policy ships (vendorban policy diff OLD NEW).
 */
#ifndef VB_POLICY_DIFF_H
#define VB_POLICY_DIFF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "policy/policy.h"

struct json_object;

enum vb_change {
	VB_CHANGE_NONE = 0,
	VB_CHANGE_ADDED,
	VB_CHANGE_REMOVED,
	VB_CHANGE_CHANGED,
};

/* What differs in a rule found in both policies (same kind and value). */
#define VB_RULE_DIFF_VENDOR	(1u << 0)
#define VB_RULE_DIFF_MODE	(1u << 1)
#define VB_RULE_DIFF_ID		(1u << 2)

/* A rule is the same rule in both policies when kind and value (hash bytes or path) match. */
struct vb_rule_change {
	enum vb_change change;		/* ADDED, REMOVED or CHANGED */
	const struct vb_rule *old;	/* NULL when added */
	const struct vb_rule *new;	/* NULL when removed */
	unsigned int what;		/* CHANGED: VB_RULE_DIFF_* */
};

/* One vendor, by id, that changed itself or has rule changes filed under it. */
struct vb_vendor_change {
	const char *id;
	enum vb_change change;		/* NONE: only its rules changed */
	const struct vb_vendor *old;	/* NULL when added */
	const struct vb_vendor *new;	/* NULL when removed */
	bool name_changed, mode_changed;
	size_t first_rule, n_rules;	/* range of diff->rules filed under this vendor */
};

/*
 * The diff points into both policies: they must outlive it. Vendors are sorted by id; rules by
 * the vendor they are filed under (the new one, or the old one for a removed rule), then kind
 * name, then value.
 */
struct vb_policy_diff {
	const struct vb_policy *old, *new;
	bool version_changed;
	bool version_not_raised;	/* new <= old: hosts refuse a rollback */
	bool mode_changed;		/* the policy-wide default mode */
	struct vb_vendor_change *vendors;
	size_t n_vendors;
	struct vb_rule_change *rules;
	size_t n_rules;
	size_t vendors_added, vendors_removed, vendors_changed;
	size_t rules_added, rules_removed, rules_changed;
};

/* Returns 0 and *out, or -ENOMEM. */
int vb_policy_diff(const struct vb_policy *old, const struct vb_policy *new,
		   struct vb_policy_diff **out);
void vb_policy_diff_free(struct vb_policy_diff *d);
bool vb_policy_diff_empty(const struct vb_policy_diff *d);

/* For people: one line per change, then a summary line. Returns 0 or -EIO. */
int vb_policy_diff_print(const struct vb_policy_diff *d, FILE *f);
/* For programs: a new JSON object (put it with json_object_put), or NULL on -ENOMEM. */
struct json_object *vb_policy_diff_json(const struct vb_policy_diff *d);

/*
 * The whole `vendorban policy diff OLD NEW`: load both files, write the diff to out (JSON when
 * json, json-c's flags: NOSLASHESCAPE at least; 0 for text), diagnostics of a refused policy to
 * err (and under JSON its {"error"} to out). Returns the exit status: 0 no differences,
 * 1 differences, 2 error (a policy refused, or out of memory).
 */
int vb_policy_diff_files(const char *old_path, const char *new_path, int json, FILE *out,
			 FILE *err);

#endif /* VB_POLICY_DIFF_H */
