// SPDX-License-Identifier: GPL-2.0
/*
 * Policy rule lines: "KIND VALUE [audit|enforce] [id=ID]" inside a vendor block. A rule gets its
 * value read by its kind's reader, its options, an id, and is checked against the rules before
 * it for the same hash, path or id.
 */
#include <stdio.h>
#include <string.h>

#include <linux/types.h>

#include "vendorban.h"
#include "policy/policy.h"
#include "policy/parser.h"

static bool sha256_value(struct parser *ps, struct lexer *lx, struct vb_rule *r,
			 const struct token *t)
{
	unsigned int line = lx->lineno;
	size_t i;

	for (i = 0; i < t->len; i++) {
		if (hex_value(t->s[i]) < 0) {
			error_at(ps, line, t->col,
				 "sha256 must be 64 hex digits ('%s' at character %zu is not one)",
				 show(ps, 0, &t->s[i], 1), i + 1);
			return false;
		}
	}
	if (t->len != 64) {
		error_at(ps, line, t->col, "sha256 must be 64 hex digits (this one has %zu)",
			 t->len);
		return false;
	}
	for (i = 0; i < 32; i++)
		r->sha256[i] = hex_value(t->s[2 * i]) << 4 | hex_value(t->s[2 * i + 1]);
	return true;
}

static bool has_dot_component(const char *s, size_t n)
{
	return memmem(s, n, "/./", 3) || memmem(s, n, "/../", 4) ||
	       (n >= 2 && !memcmp(s + n - 2, "/.", 2)) || (n >= 3 && !memcmp(s + n - 3, "/..", 3));
}

/*
 * The kernel matches the path it gets from d_path(): absolute, normalised, at most 255 bytes
 * (its map key is 256 with the NUL). A rule it can never see would ban nothing, silently.
 */
static bool path_value(struct parser *ps, struct lexer *lx, struct vb_rule *r,
		       const struct token *t)
{
	unsigned int line = lx->lineno;
	const char *s = t->s;
	size_t n = t->len;

	if (!n || s[0] != '/')
		error_at(ps, line, t->col, "path '%s' is not absolute (it must start with '/')",
			 show_tok(ps, 0, t));
	else if (n == 1)
		error_at(ps, line, t->col,
			 "path '/' would ban every program on the system; list the vendor's own directories instead");
	else if (n > VB_RULE_PATH_MAX)
		error_at(ps, line, t->col, "path is %zu bytes long (the limit is %d)", n,
			 VB_RULE_PATH_MAX);
	else if (memchr(s, '\0', n))
		error_at(ps, line, t->col, "path contains a NUL byte");
	else if (memmem(s, n, "//", 2))
		error_at(ps, line, t->col, "path '%s' contains '//'", show_tok(ps, 0, t));
	else if (has_dot_component(s, n))
		error_at(ps, line, t->col,
			 "path '%s' has a '.' or '..' component (write the real path)",
			 show_tok(ps, 0, t));
	else {
		memcpy(r->path, s, n);
		r->path[n] = '\0';
		return true;
	}
	return false;
}

/* How each kind of rule is written (for messages) and the reader of its value. */
const struct rule_syntax rule_syntax[] = {
	[VB_RULE_SHA256] = { "sha256 HEX64", sha256_value },
	[VB_RULE_PATH] = { "path /ABSOLUTE/PATH", path_value },
	[VB_RULE_SIGNER] = { "signer subject \"C=..,O=..\" | signer issuer \"DN\" serial HEX | signer skid HEX | signer tbs HEX64",
			     identity_value },
	[VB_RULE_CERT] = { "cert FILE.pem", cert_value },
	[VB_RULE_PACKAGE] = { "package name GLOB | package maintainer GLOB | package vendor GLOB | package key HEX",
			      identity_value },
	[VB_RULE_MODULE] = { "module name NAME", identity_value },
};

/* Options after a rule's value: "audit", "enforce", "id=TOKEN". Sets *id_col for an id=. */
static void parse_rule_options(struct parser *ps, struct lexer *lx, struct vb_rule *r,
			       unsigned int *id_col)
{
	struct token *t = &ps->tok[2];
	int mode;

	while (next_token(ps, lx, t) > 0) {
		mode = mode_value(t);
		if (mode >= 0) {
			if (r->mode != VB_MODE_UNSET)
				error_at(ps, lx->lineno, t->col, "mode given twice on this rule");
			r->mode = mode;
		} else if (t->len >= 3 && !memcmp(t->s, "id=", 3)) {
			if (*id_col) {
				error_at(ps, lx->lineno, t->col, "id given twice on this rule");
			} else if (!valid_id(t->s + 3, t->len - 3)) {
				error_at(ps, lx->lineno, t->col, "bad rule id '%s': %s",
					 show(ps, 0, t->s + 3, t->len - 3), id_help);
			} else {
				memcpy(r->id, t->s + 3, t->len - 3);
				r->id[t->len - 3] = '\0';
				*id_col = t->col;
			}
		} else {
			error_at(ps, lx->lineno, t->col,
				 "unknown option '%s' (known: audit, enforce, id=ID)",
				 show_tok(ps, 0, t));
		}
	}
}

/* The same hash or path twice, in one vendor or across two: the kernel's maps hold one rule
 * for each. */
static void check_value_dup(struct parser *ps, const struct vb_rule *r)
{
	enum index_kind kind = r->kind == VB_RULE_SHA256 ? IDX_SHA256 : IDX_PATH;
	const struct vb_vendor *vendors = ps->pol->vendors;
	char what[SHOW_BUF + 8];
	const struct vb_rule *o;
	const void *key;
	size_t len, first;

	if (r->kind == VB_RULE_SHA256) {
		key = r->sha256;
		len = sizeof(r->sha256);
		snprintf(what, sizeof(what), "sha256");
	} else {
		key = r->path;
		len = strlen(r->path);
		snprintf(what, sizeof(what), "path '%s'", show(ps, 0, r->path, len));
	}
	first = index_find(ps, kind, key, len);
	if (!first) {
		index_add_or_oom(ps, kind, ps->pol->n_rules - 1);
		return;
	}
	o = &ps->pol->rules[first - 1];
	if (o->vendor_idx == r->vendor_idx)
		error_at(ps, r->line, r->col, "duplicate %s in vendor '%s' (first on line %u)", what,
			 vendors[r->vendor_idx].id, o->line);
	else
		error_at(ps, r->line, r->col,
			 "%s is already listed under vendor '%s' (line %u); it cannot also be listed under vendor '%s'",
			 what, vendors[o->vendor_idx].id, o->line, vendors[r->vendor_idx].id);
}

/* id_col: where an explicit id= is; 0 for a generated id. */
static void check_id_dup(struct parser *ps, const struct vb_rule *r, unsigned int id_col)
{
	size_t first;

	/* A duplicate vendor's generated ids collide with the first one's; one error will do. */
	if (!r->id[0] || (!id_col && ps->vstate[r->vendor_idx].dup_id))
		return;
	first = index_find(ps, IDX_RULE_ID, r->id, strlen(r->id));
	if (!first)
		index_add_or_oom(ps, IDX_RULE_ID, ps->pol->n_rules - 1);
	else if (!id_col)
		error_at(ps, r->line, r->col,
			 "generated rule id '%s' is already used on line %u (give one of the rules another id=)",
			 r->id, ps->pol->rules[first - 1].line);
	else
		error_at(ps, r->line, id_col, "duplicate rule id '%s' (first on line %u)", r->id,
			 ps->pol->rules[first - 1].line);
}

/* "VENDOR-KIND-N": nth counts the block's lines of this kind, bad ones included. */
static void generate_id(struct parser *ps, struct vb_rule *r, unsigned int nth)
{
	const struct vb_vendor *v = &ps->pol->vendors[r->vendor_idx];
	char gen[VB_ID_MAX + 32];

	snprintf(gen, sizeof(gen), "%s-%s-%u", v->id, vb_rule_kind_name(r->kind), nth);
	if (strlen(gen) > VB_ID_MAX - 1)
		error_at(ps, r->line, r->col,
			 "generated rule id '%s' is longer than %d bytes (shorten the vendor id or give the rule an id=)",
			 gen, VB_ID_MAX - 1);
	else
		strcpy(r->id, gen);
}

/* The rule a line with a value adds, kept even if the line is bad: the index refers to rules by
 * number. NULL when memory ran out. */
static struct vb_rule *new_rule(struct parser *ps, enum vb_rule_kind kind, unsigned int line,
				unsigned int col)
{
	struct vb_policy *pol = ps->pol;
	struct vb_rule *r;

	if (vb_grow_array((void **)&pol->rules, &ps->cap_rules, pol->n_rules, sizeof(*r))) {
		ps->oom = true;
		return NULL;
	}
	r = &pol->rules[pol->n_rules++];
	memset(r, 0, sizeof(*r));
	r->kind = kind;
	r->vendor_idx = pol->n_vendors - 1;
	r->mode = VB_MODE_UNSET;
	r->line = line;
	r->col = col;
	return r;
}

/* A rule keyword is its kind's name; keywords[] sends only those here. */
static enum vb_rule_kind rule_kind(const struct token *kw)
{
	enum vb_rule_kind kind;

	for (kind = VB_RULE_SHA256; kind < ARRAY_SIZE(rule_syntax); kind++)
		if (tok_is(kw, vb_rule_kind_name(kind)))
			break;
	return kind;
}

void parse_rule(struct parser *ps, struct lexer *lx, const struct token *kw)
{
	enum vb_rule_kind kind = rule_kind(kw);
	const char *kind_name = vb_rule_kind_name(kind);
	struct token *t = &ps->tok[1];
	unsigned int nth, id_col = 0;
	struct vendor_state *vs;
	struct vb_rule *r;
	bool value_ok;

	if (!in_vendor(ps)) {
		error_at(ps, lx->lineno, kw->col, "'%s' rule before any 'vendor' line", kind_name);
		return;
	}
	vs = &ps->vstate[ps->pol->n_vendors - 1];
	vs->n_rule_lines++;
	/* Counted before the line is checked, so "-path-3" is the block's third path line. */
	nth = ++vs->n_kind[kind];

	if (next_value(ps, lx, kw, t, rule_syntax[kind].usage) <= 0)
		return;
	r = new_rule(ps, kind, lx->lineno, t->col);
	if (!r)
		return;
	value_ok = rule_syntax[kind].value(ps, lx, r, t);
	parse_rule_options(ps, lx, r, &id_col);
	if (!id_col && !vs->bad_id)
		generate_id(ps, r, nth);
	if (value_ok && (kind == VB_RULE_SHA256 || kind == VB_RULE_PATH))
		check_value_dup(ps, r);
	check_id_dup(ps, r, id_col);
}
