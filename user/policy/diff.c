// SPDX-License-Identifier: GPL-2.0
/*
 * Policy diff: what a change adds, removes and changes, per vendor and rule.
 *
 * Both policies are compared as the kernel will see them: modes resolved (a vendor's mode line
 * shows up as a mode change on each of its rules, because that is what changes on the hosts) and
 * rule ids as generated (a shifted generated id changes what denial records say). A rule is
 * identified by kind and value: the hash bytes, or the path.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "util/hex.h"
#include "policy/diff.h"
#include "identify/evidence.h"

static const char not_raised_msg[] =
	"not raised: hosts that verify policy signatures (vendorband --trusted-signer) refuse "
	"a policy whose version is not above the one they enforce; other hosts load it";

/* A rule's value as written after its keyword: "subject \"O=...\"", "name kesl*", a path. */
static void rule_value(const struct vb_rule *r, char *buf, size_t len)
{
	char all[VB_POLICY_MAX_LINE + 64];
	const char *sp;

	vb_rule_describe(r, all, sizeof(all));
	sp = strchr(all, ' ');
	snprintf(buf, len, "%s", sp ? sp + 1 : all);
}

static int rule_key_cmp(const struct vb_rule *a, const struct vb_rule *b)
{
	char va[VB_POLICY_MAX_LINE + 64], vb[VB_POLICY_MAX_LINE + 64];
	int c = strcmp(vb_rule_kind_name(a->kind), vb_rule_kind_name(b->kind));

	if (c)
		return c;
	if (a->kind == VB_RULE_SHA256)
		return memcmp(a->sha256, b->sha256, sizeof(a->sha256));
	if (a->kind == VB_RULE_PATH)
		return strcmp(a->path, b->path);
	/* A certificate is the same rule under another file name, and another rule under the
	 * same one: what it identifies is its TBS. */
	if (a->kind == VB_RULE_CERT && a->ident && b->ident)
		return memcmp(a->ident->tbs_sha256, b->ident->tbs_sha256, 32);
	rule_value(a, va, sizeof(va));
	rule_value(b, vb, sizeof(vb));
	return strcmp(va, vb);
}

static int rule_ptr_cmp(const void *a, const void *b)
{
	return rule_key_cmp(*(const struct vb_rule *const *)a, *(const struct vb_rule *const *)b);
}

static int vendor_ptr_cmp(const void *a, const void *b)
{
	return strcmp((*(const struct vb_vendor *const *)a)->id,
		      (*(const struct vb_vendor *const *)b)->id);
}

/* The vendor a rule change is filed under: where the rule is now, or where it was. */
static const char *filed_under(const struct vb_policy_diff *d, const struct vb_rule_change *rc)
{
	if (rc->new)
		return vb_rule_vendor(d->new, rc->new)->id;
	return vb_rule_vendor(d->old, rc->old)->id;
}

static int rule_change_cmp(const void *a, const void *b, void *arg)
{
	const struct vb_rule_change *x = a, *y = b;
	int c = strcmp(filed_under(arg, x), filed_under(arg, y));

	if (c)
		return c;
	return rule_key_cmp(x->new ? x->new : x->old, y->new ? y->new : y->old);
}

static const struct vb_rule **sorted_rules(const struct vb_policy *p)
{
	const struct vb_rule **v = calloc(p->n_rules + 1, sizeof(*v));
	size_t i;

	if (!v)
		return NULL;
	for (i = 0; i < p->n_rules; i++)
		v[i] = &p->rules[i];
	qsort(v, p->n_rules, sizeof(*v), rule_ptr_cmp);
	return v;
}

static const struct vb_vendor **sorted_vendors(const struct vb_policy *p)
{
	const struct vb_vendor **v = calloc(p->n_vendors + 1, sizeof(*v));
	size_t i;

	if (!v)
		return NULL;
	for (i = 0; i < p->n_vendors; i++)
		v[i] = &p->vendors[i];
	qsort(v, p->n_vendors, sizeof(*v), vendor_ptr_cmp);
	return v;
}

static unsigned int rule_differences(const struct vb_policy_diff *d, const struct vb_rule *o,
				     const struct vb_rule *n)
{
	unsigned int what = 0;

	if (strcmp(vb_rule_vendor(d->old, o)->id, vb_rule_vendor(d->new, n)->id))
		what |= VB_RULE_DIFF_VENDOR;
	if (o->mode != n->mode)
		what |= VB_RULE_DIFF_MODE;
	if (strcmp(o->id, n->id))
		what |= VB_RULE_DIFF_ID;
	return what;
}

/* Both rule lists sorted by key, walked side by side. */
static int diff_rules(struct vb_policy_diff *d)
{
	const struct vb_rule **o = sorted_rules(d->old), **n = sorted_rules(d->new);
	size_t i = 0, j = 0;
	int err = -ENOMEM;

	d->rules = calloc(d->old->n_rules + d->new->n_rules + 1, sizeof(*d->rules));
	if (!o || !n || !d->rules)
		goto out;
	while (i < d->old->n_rules || j < d->new->n_rules) {
		struct vb_rule_change *rc = &d->rules[d->n_rules];
		int c;

		if (i == d->old->n_rules)
			c = 1;
		else if (j == d->new->n_rules)
			c = -1;
		else
			c = rule_key_cmp(o[i], n[j]);
		if (c < 0) {
			rc->change = VB_CHANGE_REMOVED;
			rc->old = o[i++];
			d->rules_removed++;
		} else if (c > 0) {
			rc->change = VB_CHANGE_ADDED;
			rc->new = n[j++];
			d->rules_added++;
		} else {
			rc->what = rule_differences(d, o[i], n[j]);
			rc->old = o[i++];
			rc->new = n[j++];
			if (!rc->what)
				continue;
			rc->change = VB_CHANGE_CHANGED;
			d->rules_changed++;
		}
		d->n_rules++;
	}
	qsort_r(d->rules, d->n_rules, sizeof(*d->rules), rule_change_cmp, d);
	err = 0;
out:
	free(o);
	free(n);
	return err;
}

/* Vendors of both policies by id; each takes the run of rule changes filed under it. */
static int diff_vendors(struct vb_policy_diff *d)
{
	const struct vb_vendor **o = sorted_vendors(d->old), **n = sorted_vendors(d->new);
	size_t i = 0, j = 0, r = 0;
	int err = -ENOMEM;

	d->vendors = calloc(d->old->n_vendors + d->new->n_vendors + 1, sizeof(*d->vendors));
	if (!o || !n || !d->vendors)
		goto out;
	while (i < d->old->n_vendors || j < d->new->n_vendors) {
		struct vb_vendor_change *vc = &d->vendors[d->n_vendors];
		int c;

		memset(vc, 0, sizeof(*vc));
		if (i == d->old->n_vendors)
			c = 1;
		else if (j == d->new->n_vendors)
			c = -1;
		else
			c = strcmp(o[i]->id, n[j]->id);
		if (c <= 0)
			vc->old = o[i++];
		if (c >= 0)
			vc->new = n[j++];
		vc->id = vc->new ? vc->new->id : vc->old->id;
		if (!vc->old) {
			vc->change = VB_CHANGE_ADDED;
			d->vendors_added++;
		} else if (!vc->new) {
			vc->change = VB_CHANGE_REMOVED;
			d->vendors_removed++;
		} else {
			vc->name_changed = strcmp(vc->old->name, vc->new->name) != 0;
			vc->mode_changed = vc->old->mode != vc->new->mode;
			if (vc->name_changed || vc->mode_changed) {
				vc->change = VB_CHANGE_CHANGED;
				d->vendors_changed++;
			}
		}
		vc->first_rule = r;
		while (r < d->n_rules && !strcmp(filed_under(d, &d->rules[r]), vc->id))
			r++;
		vc->n_rules = r - vc->first_rule;
		if (vc->change != VB_CHANGE_NONE || vc->n_rules)
			d->n_vendors++;
	}
	err = 0;
out:
	free(o);
	free(n);
	return err;
}

int vb_policy_diff(const struct vb_policy *old, const struct vb_policy *new,
		   struct vb_policy_diff **out)
{
	struct vb_policy_diff *d;
	int err;

	*out = NULL;
	d = calloc(1, sizeof(*d));
	if (!d)
		return -ENOMEM;
	d->old = old;
	d->new = new;
	d->version_changed = old->version != new->version;
	d->mode_changed = old->mode != new->mode;
	err = diff_rules(d);
	if (!err)
		err = diff_vendors(d);
	if (err) {
		vb_policy_diff_free(d);
		return err;
	}
	/* Identical policies under one version are fine; a change that keeps it is not. */
	d->version_not_raised = new->version <= old->version && !vb_policy_diff_empty(d);
	*out = d;
	return 0;
}

void vb_policy_diff_free(struct vb_policy_diff *d)
{
	if (!d)
		return;
	free(d->vendors);
	free(d->rules);
	free(d);
}

bool vb_policy_diff_empty(const struct vb_policy_diff *d)
{
	return !d->version_changed && !d->mode_changed && !d->n_vendors;
}

/* Written as in the policy, quoted when it has to be; control bytes never reach the terminal. */
static void print_quoted(FILE *f, const char *s, bool always)
{
	const unsigned char *u = (const unsigned char *)s;
	bool quote = always || !*s;
	size_t i;

	for (i = 0; u[i] && !quote; i++)
		if (u[i] <= ' ' || u[i] == '"' || u[i] == '\\' || u[i] == 0x7f)
			quote = true;
	if (quote)
		fputc('"', f);
	for (i = 0; u[i]; i++) {
		if (u[i] < ' ' || u[i] == 0x7f)
			fprintf(f, "\\x%02x", u[i]);
		else if (quote && (u[i] == '"' || u[i] == '\\'))
			fprintf(f, "\\%c", u[i]);
		else
			fputc(u[i], f);
	}
	if (quote)
		fputc('"', f);
}


static void print_rule_key(FILE *f, const struct vb_rule *r)
{
	char h[65];

	fprintf(f, "%s ", vb_rule_kind_name(r->kind));
	if (r->kind == VB_RULE_SHA256) {
		vb_hex(r->sha256, 32, h);
		fputs(h, f);
	} else if (r->kind == VB_RULE_PATH) {
		print_quoted(f, r->path, false);
	} else {
		char v[VB_POLICY_MAX_LINE + 64];

		rule_value(r, v, sizeof(v));
		fputs(v, f);
	}
}

static void print_rule_change(const struct vb_policy_diff *d, const struct vb_rule_change *rc,
			      FILE *f)
{
	const struct vb_rule *o = rc->old, *n = rc->new;
	const char *sep = "";

	switch (rc->change) {
	case VB_CHANGE_ADDED:
		fputs("  + ", f);
		print_rule_key(f, n);
		fprintf(f, " (%s, %s, line %u)\n", n->id, vb_mode_name(n->mode), n->line);
		break;
	case VB_CHANGE_REMOVED:
		fputs("  - ", f);
		print_rule_key(f, o);
		fprintf(f, " (%s, was line %u)\n", o->id, o->line);
		break;
	default:
		fputs("  ~ ", f);
		print_rule_key(f, n);
		if (rc->what & VB_RULE_DIFF_VENDOR) {
			fprintf(f, " vendor %s -> %s", vb_rule_vendor(d->old, o)->id,
				vb_rule_vendor(d->new, n)->id);
			sep = ",";
		}
		if (rc->what & VB_RULE_DIFF_MODE) {
			fprintf(f, "%s mode %s -> %s", sep, vb_mode_name(o->mode),
				vb_mode_name(n->mode));
			sep = ",";
		}
		if (rc->what & VB_RULE_DIFF_ID)
			fprintf(f, "%s id %s -> %s", sep, o->id, n->id);
		fprintf(f, " (line %u)\n", n->line);
		break;
	}
}

static size_t vendor_rule_count(const struct vb_policy *p, const struct vb_vendor *v)
{
	size_t i, n = 0;

	for (i = 0; i < p->n_rules; i++)
		n += vb_rule_vendor(p, &p->rules[i]) == v;
	return n;
}

static void print_vendor(const struct vb_policy_diff *d, const struct vb_vendor_change *vc,
			 FILE *f)
{
	const struct vb_vendor *v = vc->new ? vc->new : vc->old;
	size_t i, n;

	if (vc->change == VB_CHANGE_ADDED || vc->change == VB_CHANGE_REMOVED) {
		n = vendor_rule_count(vc->new ? d->new : d->old, v);
		fprintf(f, "%c vendor %s ", vc->change == VB_CHANGE_ADDED ? '+' : '-', v->id);
		print_quoted(f, v->name, true);
		fprintf(f, " (%zu rule%s, %s)\n", n, n == 1 ? "" : "s", vb_mode_name(v->mode));
	} else {
		fprintf(f, "vendor %s ", v->id);
		print_quoted(f, v->name, true);
		fputc('\n', f);
	}
	if (vc->name_changed) {
		fputs("  ~ name ", f);
		print_quoted(f, vc->old->name, true);
		fputs(" -> ", f);
		print_quoted(f, vc->new->name, true);
		fputc('\n', f);
	}
	if (vc->mode_changed)
		fprintf(f, "  ~ mode %s -> %s\n", vb_mode_name(vc->old->mode),
			vb_mode_name(vc->new->mode));
	for (i = vc->first_rule; i < vc->first_rule + vc->n_rules; i++) {
		const struct vb_rule_change *rc = &d->rules[i];

		/* The header counts them: a new vendor's own rules are all new. */
		if ((vc->change == VB_CHANGE_ADDED && rc->change == VB_CHANGE_ADDED) ||
		    (vc->change == VB_CHANGE_REMOVED && rc->change == VB_CHANGE_REMOVED))
			continue;
		print_rule_change(d, rc, f);
	}
}

static const char *plural(size_t n, const char *one, const char *many)
{
	return n == 1 ? one : many;
}

int vb_policy_diff_print(const struct vb_policy_diff *d, FILE *f)
{
	unsigned long long ov = d->old->version, nv = d->new->version;
	size_t i;

	if (vb_policy_diff_empty(d)) {
		fprintf(f, "no differences (version %llu)\n", nv);
		return ferror(f) ? -EIO : 0;
	}
	if (d->version_changed)
		fprintf(f, "version %llu -> %llu", ov, nv);
	else
		fprintf(f, "version %llu", nv);
	if (d->version_not_raised)
		fprintf(f, " (%s)", not_raised_msg);
	fputc('\n', f);
	if (d->mode_changed)
		fprintf(f, "mode %s -> %s\n", vb_mode_name(d->old->mode), vb_mode_name(d->new->mode));
	for (i = 0; i < d->n_vendors; i++)
		print_vendor(d, &d->vendors[i], f);
	fprintf(f, "summary: %zu %s added, %zu removed, %zu changed; %zu %s added, %zu removed, %zu changed\n",
		d->vendors_added, plural(d->vendors_added, "vendor", "vendors"), d->vendors_removed,
		d->vendors_changed, d->rules_added, plural(d->rules_added, "rule", "rules"),
		d->rules_removed, d->rules_changed);
	return ferror(f) ? -EIO : 0;
}

static const char *change_name(enum vb_change c)
{
	switch (c) {
	case VB_CHANGE_ADDED:
		return "added";
	case VB_CHANGE_REMOVED:
		return "removed";
	case VB_CHANGE_CHANGED:
		return "changed";
	default:
		return "none";
	}
}

/* json-c objects take ownership of what is added to them; NULL makes the caller give up. */
static bool add(struct json_object *o, const char *key, struct json_object *v)
{
	if (!v)
		return false;
	if (json_object_object_add(o, key, v)) {
		json_object_put(v);
		return false;
	}
	return true;
}

static bool add_str(struct json_object *o, const char *key, const char *s)
{
	return add(o, key, json_object_new_string(s));
}

static struct json_object *rule_side_json(const struct vb_policy *p, const struct vb_rule *r)
{
	struct json_object *o = json_object_new_object();

	if (!o)
		return NULL;
	if (!add_str(o, "vendor", vb_rule_vendor(p, r)->id) ||
	    !add_str(o, "mode", vb_mode_name(r->mode)) || !add_str(o, "id", r->id) ||
	    !add(o, "line", json_object_new_int64(r->line))) {
		json_object_put(o);
		return NULL;
	}
	return o;
}

static struct json_object *rule_change_json(const struct vb_policy_diff *d,
					    const struct vb_rule_change *rc)
{
	const struct vb_rule *r = rc->new ? rc->new : rc->old;
	struct json_object *o = json_object_new_object(), *what;
	char h[VB_POLICY_MAX_LINE + 64];

	if (!o)
		return NULL;
	if (r->kind == VB_RULE_SHA256)
		vb_hex(r->sha256, 32, h);
	else if (r->kind == VB_RULE_PATH)
		snprintf(h, sizeof(h), "%s", r->path);
	else
		rule_value(r, h, sizeof(h));
	if (!add_str(o, "change", change_name(rc->change)) ||
	    !add_str(o, "kind", vb_rule_kind_name(r->kind)) ||
	    !add_str(o, "value", h))
		goto fail;
	if (rc->change == VB_CHANGE_CHANGED) {
		what = json_object_new_array();
		if (!add(o, "changes", what))
			goto fail;
		if (((rc->what & VB_RULE_DIFF_VENDOR) &&
		     json_object_array_add(what, json_object_new_string("vendor"))) ||
		    ((rc->what & VB_RULE_DIFF_MODE) &&
		     json_object_array_add(what, json_object_new_string("mode"))) ||
		    ((rc->what & VB_RULE_DIFF_ID) &&
		     json_object_array_add(what, json_object_new_string("id"))))
			goto fail;
	}
	if (rc->old && !add(o, "old", rule_side_json(d->old, rc->old)))
		goto fail;
	if (rc->new && !add(o, "new", rule_side_json(d->new, rc->new)))
		goto fail;
	return o;
fail:
	json_object_put(o);
	return NULL;
}

static struct json_object *vendor_change_json(const struct vb_policy_diff *d,
					      const struct vb_vendor_change *vc)
{
	const struct vb_vendor *v = vc->new ? vc->new : vc->old;
	struct json_object *o = json_object_new_object(), *rules;
	size_t i;

	if (!o)
		return NULL;
	if (!add_str(o, "id", vc->id) || !add_str(o, "change", change_name(vc->change)) ||
	    !add_str(o, "name", v->name) || !add_str(o, "mode", vb_mode_name(v->mode)))
		goto fail;
	if (vc->name_changed && !add_str(o, "old_name", vc->old->name))
		goto fail;
	if (vc->mode_changed && !add_str(o, "old_mode", vb_mode_name(vc->old->mode)))
		goto fail;
	rules = json_object_new_array();
	if (!add(o, "rules", rules))
		goto fail;
	for (i = vc->first_rule; i < vc->first_rule + vc->n_rules; i++) {
		struct json_object *r = rule_change_json(d, &d->rules[i]);

		if (!r || json_object_array_add(rules, r)) {
			json_object_put(r);
			goto fail;
		}
	}
	return o;
fail:
	json_object_put(o);
	return NULL;
}

static struct json_object *side_json(const struct vb_policy *p)
{
	struct json_object *o = json_object_new_object();

	if (!o)
		return NULL;
	if (!add_str(o, "file", p->file) || !add(o, "version", json_object_new_uint64(p->version)) ||
	    !add_str(o, "mode", vb_mode_name(p->mode))) {
		json_object_put(o);
		return NULL;
	}
	return o;
}

struct json_object *vb_policy_diff_json(const struct vb_policy_diff *d)
{
	struct json_object *o = json_object_new_object(), *vendors, *sum;
	size_t i;

	if (!o)
		return NULL;
	if (!add(o, "old", side_json(d->old)) || !add(o, "new", side_json(d->new)) ||
	    !add(o, "differences", json_object_new_boolean(!vb_policy_diff_empty(d))) ||
	    !add(o, "version_changed", json_object_new_boolean(d->version_changed)) ||
	    !add(o, "version_not_raised", json_object_new_boolean(d->version_not_raised)) ||
	    !add(o, "mode_changed", json_object_new_boolean(d->mode_changed)))
		goto fail;
	vendors = json_object_new_array();
	if (!add(o, "vendors", vendors))
		goto fail;
	for (i = 0; i < d->n_vendors; i++) {
		struct json_object *v = vendor_change_json(d, &d->vendors[i]);

		if (!v || json_object_array_add(vendors, v)) {
			json_object_put(v);
			goto fail;
		}
	}
	sum = json_object_new_object();
	if (!add(o, "summary", sum) ||
	    !add(sum, "vendors_added", json_object_new_uint64(d->vendors_added)) ||
	    !add(sum, "vendors_removed", json_object_new_uint64(d->vendors_removed)) ||
	    !add(sum, "vendors_changed", json_object_new_uint64(d->vendors_changed)) ||
	    !add(sum, "rules_added", json_object_new_uint64(d->rules_added)) ||
	    !add(sum, "rules_removed", json_object_new_uint64(d->rules_removed)) ||
	    !add(sum, "rules_changed", json_object_new_uint64(d->rules_changed)))
		goto fail;
	return o;
fail:
	json_object_put(o);
	return NULL;
}

/* A refused policy gets its diagnostics printed, as `policy check` would show them. */
/* The diagnostics go to err; under JSON (json: its flags), the verdict is an {"error"} on out. */
static int load_for_diff(const char *path, struct vb_policy **pol, int json, FILE *out,
			 FILE *err)
{
	struct vb_diag diag = {};
	char why[512] = "";
	int ret;

	ret = vb_policy_load(path, pol, &diag);
	if (ret) {
		vb_diag_print(&diag, path, err);
		if (ret == -EINVAL)
			snprintf(why, sizeof(why), "%s: refused (%zu error%s)", path, diag.n_errors,
				 diag.n_errors == 1 ? "" : "s");
		else if (ret == -ENOMEM)
			snprintf(why, sizeof(why), "%s: out of memory", path);
	}
	if (why[0] && json) {
		struct json_object *o = json_object_new_object();

		json_object_object_add(o, "error", json_object_new_string(why));
		fprintf(out, "%s\n", json_object_to_json_string_ext(o, json));
		json_object_put(o);
	} else if (why[0]) {
		fprintf(err, "%s\n", why);
	}
	vb_diag_free(&diag);
	return ret;
}

int vb_policy_diff_files(const char *old_path, const char *new_path, int json, FILE *out,
			 FILE *err)
{
	struct vb_policy *old = NULL, *new = NULL;
	struct vb_policy_diff *d = NULL;
	struct json_object *o;
	int status = 2;

	/* Both, even if the first is refused: staff fix both files at once. */
	if (load_for_diff(old_path, &old, json, out, err) |
	    load_for_diff(new_path, &new, json, out, err))
		goto out;
	if (vb_policy_diff(old, new, &d)) {
		fprintf(err, "policy diff: out of memory\n");
		goto out;
	}
	if (json) {
		o = vb_policy_diff_json(d);
		if (!o) {
			fprintf(err, "policy diff: out of memory\n");
			goto out;
		}
		fprintf(out, "%s\n", json_object_to_json_string_ext(o, json));
		json_object_put(o);
	} else if (vb_policy_diff_print(d, out)) {
		fprintf(err, "policy diff: cannot write the output\n");
		goto out;
	}
	status = vb_policy_diff_empty(d) ? 0 : 1;
out:
	vb_policy_diff_free(d);
	vb_policy_free(old);
	vb_policy_free(new);
	return status;
}
