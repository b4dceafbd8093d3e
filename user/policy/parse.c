// SPDX-License-Identifier: GPL-2.0
/*
 * Policy statements: each line's first word picks its handler from keywords[], as bpftool's
 * command tables do. This file has the statements that shape the policy (version, mode, option,
 * vendor); the rule keywords' handlers are in rule.c.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <linux/types.h>

#include "vendorban.h"
#include "policy/policy.h"
#include "policy/parser.h"

static const char known_identities[] = "sha256, path, signer, cert, package, module, mode";

/* A serial in decimal digits that fits in 64 bits; false for anything else. */
static bool serial_value(const struct token *t, uint64_t *out)
{
	uint64_t v = 0;
	size_t i;

	for (i = 0; i < t->len; i++) {
		unsigned int digit = (unsigned char)t->s[i] - '0';

		if (digit > 9 || v > (UINT64_MAX - digit) / 10)
			break;
		v = v * 10 + digit;
	}
	*out = v;
	return t->len && i == t->len;
}

static void parse_version(struct parser *ps, struct lexer *lx, const struct token *kw)
{
	struct token *t = &ps->tok[1];
	uint64_t v;

	if (ps->version_line) {
		error_at(ps, lx->lineno, kw->col, "version given twice (first on line %u)",
			 ps->version_line);
		return;
	}
	/* Set even if the line is bad: "missing version" on top would only add noise. */
	ps->version_line = lx->lineno;
	if (next_value(ps, lx, kw, t, "version SERIAL") <= 0)
		return;
	if (in_vendor(ps))
		error_at(ps, lx->lineno, kw->col,
			 "'version' must come before the first vendor (line %u)",
			 ps->first_vendor_line);
	if (!serial_value(t, &v)) {
		error_at(ps, lx->lineno, t->col,
			 "bad version '%s': want a serial number from 1 to %llu",
			 show_tok(ps, 0, t), (unsigned long long)UINT64_MAX);
		return;
	}
	if (v == 0) {
		error_at(ps, lx->lineno, t->col, "version must be at least 1");
		return;
	}
	ps->pol->version = v;
	expect_end(ps, lx, "the version");
}

/*
 * A mode line sets the current vendor's mode, or before any vendor the policy's. Returns where
 * the mode goes, or NULL for a second mode line in the same place (reported).
 */
static uint8_t *mode_target(struct parser *ps, unsigned int line, unsigned int col)
{
	struct vendor_state *vs;
	struct vb_vendor *v;

	if (!in_vendor(ps)) {
		if (ps->mode_line) {
			error_at(ps, line, col, "mode given twice (first on line %u)", ps->mode_line);
			return NULL;
		}
		ps->mode_line = line;
		return &ps->pol->mode;
	}
	vs = &ps->vstate[ps->pol->n_vendors - 1];
	v = &ps->pol->vendors[ps->pol->n_vendors - 1];
	if (vs->mode_line) {
		error_at(ps, line, col, "mode for vendor '%s' given twice (first on line %u)", v->id,
			 vs->mode_line);
		return NULL;
	}
	vs->mode_line = line;
	return &v->mode;
}

static void parse_mode(struct parser *ps, struct lexer *lx, const struct token *kw)
{
	struct token *t = &ps->tok[1];
	uint8_t *target;
	int mode;

	if (next_value(ps, lx, kw, t, "enforce or audit") <= 0)
		return;
	mode = mode_value(t);
	if (mode < 0)
		error_at(ps, lx->lineno, t->col, "unknown mode '%s' (known: enforce, audit)",
			 show_tok(ps, 0, t));
	target = mode_target(ps, lx->lineno, kw->col);
	if (!target || mode < 0)
		return;
	*target = mode;
	expect_end(ps, lx, "the mode");
}

/* What the daemon does with a banned process it finds running (daemon/running.c). */
static void parse_running(struct parser *ps, struct lexer *lx, const struct token *val)
{
	if (tok_is(val, "kill")) {
		ps->pol->kill_running = true;
	} else if (tok_is(val, "report")) {
		ps->pol->kill_running = false;
	} else {
		error_at(ps, lx->lineno, val->col, "option running must be report or kill, not '%s'",
			 show_tok(ps, 0, val));
		return;
	}
	expect_end(ps, lx, "the option");
}

/* Policy-wide switches: for kernel modules (both off unless a policy turns them on), for
 * banned processes found running, and for what the fmod_ret path does with an exec no one can
 * judge by content (allow unless set). */
static void parse_option(struct parser *ps, struct lexer *lx, const struct token *kw)
{
	struct token *name = &ps->tok[1], *val = &ps->tok[2];
	bool *flag = NULL;
	int ret;

	if (in_vendor(ps)) {
		error_at(ps, lx->lineno, kw->col, "'option' must come before the first vendor (line %u)",
			 ps->first_vendor_line);
		return;
	}
	ret = next_token(ps, lx, name);
	if (ret == 1)
		ret = next_token(ps, lx, val);
	if (ret <= 0) {
		if (!ret)
			error_at(ps, lx->lineno, kw->col,
				 "'option' needs a name and a value: option unsigned-modules deny|allow, option init-module deny|allow, option running report|kill, option unjudged-exec deny|allow");
		return;
	}
	if (tok_is(name, "unsigned-modules"))
		flag = &ps->pol->deny_unsigned_modules;
	else if (tok_is(name, "init-module"))
		flag = &ps->pol->deny_init_module;
	else if (tok_is(name, "unjudged-exec"))
		flag = &ps->pol->deny_unjudged_exec;
	else if (tok_is(name, "running")) {
		parse_running(ps, lx, val);
		return;
	} else {
		error_at(ps, lx->lineno, name->col,
			 "unknown option '%s' (known: unsigned-modules, init-module, running, unjudged-exec)",
			 show_tok(ps, 0, name));
		return;
	}
	if (tok_is(val, "deny"))
		*flag = true;
	else if (tok_is(val, "allow"))
		*flag = false;
	else {
		error_at(ps, lx->lineno, val->col, "option value must be deny or allow, not '%s'",
			 show_tok(ps, 0, val));
		return;
	}
	expect_end(ps, lx, "the option");
}
/* A block ends at the next vendor line or at the end of the file. */
static void close_vendor(struct parser *ps)
{
	const struct vendor_state *vs;
	const struct vb_vendor *v;

	if (!in_vendor(ps))
		return;
	vs = &ps->vstate[ps->pol->n_vendors - 1];
	v = &ps->pol->vendors[ps->pol->n_vendors - 1];
	if (!vs->bad_id && !vs->n_rule_lines)
		error_at(ps, v->line, vs->id_col, "vendor '%s' has no rules", v->id);
}

/*
 * Even a broken vendor line opens a block, so its rules are checked and not mistaken for rules
 * before any vendor or rules of the previous vendor. False when memory ran out.
 */
static bool open_vendor(struct parser *ps, unsigned int line, unsigned int col)
{
	struct vb_policy *pol = ps->pol;
	struct vendor_state *vs;
	struct vb_vendor *v;

	if (vb_grow_array((void **)&pol->vendors, &ps->cap_vendors, pol->n_vendors, sizeof(*v)) ||
	    vb_grow_array((void **)&ps->vstate, &ps->cap_vstate, pol->n_vendors, sizeof(*vs))) {
		ps->oom = true;
		return false;
	}
	v = &pol->vendors[pol->n_vendors];
	vs = &ps->vstate[pol->n_vendors];
	memset(v, 0, sizeof(*v));
	memset(vs, 0, sizeof(*vs));
	v->line = line;
	v->mode = VB_MODE_UNSET;
	vs->id_col = col;
	pol->n_vendors++;
	if (!ps->first_vendor_line)
		ps->first_vendor_line = line;
	return true;
}

/* The id of the block just opened: valid, and not another vendor's. */
static void vendor_id(struct parser *ps, unsigned int line, const struct token *id)
{
	struct vb_policy *pol = ps->pol;
	struct vendor_state *vs = &ps->vstate[pol->n_vendors - 1];
	struct vb_vendor *v = &pol->vendors[pol->n_vendors - 1];
	size_t first;

	vs->id_col = id->col;
	if (!valid_id(id->s, id->len)) {
		error_at(ps, line, id->col, "bad vendor id '%s': %s", show_tok(ps, 0, id), id_help);
		vs->bad_id = true;
		return;
	}
	memcpy(v->id, id->s, id->len);
	first = index_find(ps, IDX_VENDOR_ID, id->s, id->len);
	if (first) {
		error_at(ps, line, id->col, "duplicate vendor '%s' (first on line %u)", v->id,
			 pol->vendors[first - 1].line);
		vs->dup_id = true;
	} else {
		index_add_or_oom(ps, IDX_VENDOR_ID, pol->n_vendors - 1);
	}
}

/* The display name of the block just opened, already known to be quoted. */
static void vendor_name(struct parser *ps, unsigned int line, const struct token *name)
{
	struct vb_vendor *v = &ps->pol->vendors[ps->pol->n_vendors - 1];

	if (!name->len) {
		error_at(ps, line, name->col, "vendor name is empty");
	} else if (name->len > VB_NAME_MAX - 1) {
		error_at(ps, line, name->col, "vendor name is %zu bytes long (the limit is %d)",
			 name->len, VB_NAME_MAX - 1);
	} else {
		/* The lexer refuses lines with NUL bytes, so the name is one C string. */
		memcpy(v->name, name->s, name->len);
		v->name[name->len] = '\0';
	}
}

static void parse_vendor(struct parser *ps, struct lexer *lx, const struct token *kw)
{
	struct token *id = &ps->tok[1], *name = &ps->tok[2];
	int ret;

	close_vendor(ps);
	if (!open_vendor(ps, lx->lineno, kw->col))
		return;
	ret = next_token(ps, lx, id);
	if (ret <= 0) {
		if (ret == 0)
			error_at(ps, lx->lineno, kw->col,
				 "'vendor' needs an id and a quoted name: vendor ID \"Name\"");
		ps->vstate[ps->pol->n_vendors - 1].bad_id = true;
		return;
	}
	vendor_id(ps, lx->lineno, id);

	ret = next_token(ps, lx, name);
	if (ret < 0)
		return;
	if (ret == 0) {
		error_at(ps, lx->lineno, kw->col,
			 "vendor '%s' needs a quoted name: vendor %s \"Name\"", show_tok(ps, 0, id),
			 show_tok(ps, 1, id));
		return;
	}
	if (!name->quoted) {
		error_at(ps, lx->lineno, name->col,
			 "vendor name must be in double quotes: vendor ID \"Name\"");
		return;
	}
	vendor_name(ps, lx->lineno, name);
	expect_end(ps, lx, "the vendor name");
}

static const struct keyword {
	const char *word;
	void (*parse)(struct parser *ps, struct lexer *lx, const struct token *kw);
} keywords[] = {
	{ "version", parse_version },
	{ "mode", parse_mode },
	{ "option", parse_option },
	{ "vendor", parse_vendor },
	{ "sha256", parse_rule },
	{ "path", parse_rule },
	{ "signer", parse_rule },
	{ "cert", parse_rule },
	{ "package", parse_rule },
	{ "module", parse_rule },
};

static void parse_unknown(struct parser *ps, struct lexer *lx, const struct token *kw)
{
	if (!in_vendor(ps)) {
		error_at(ps, lx->lineno, kw->col,
			 "unknown keyword '%s' (known: version, mode, option, vendor)",
			 show_tok(ps, 0, kw));
		return;
	}
	/* Most likely a rule with a typo in it: the block is not empty, so don't say so. */
	ps->vstate[ps->pol->n_vendors - 1].n_rule_lines++;
	error_at(ps, lx->lineno, kw->col, "unknown identity '%s' (known: %s)",
		 show_tok(ps, 0, kw), known_identities);
}

static void parse_line(struct parser *ps, struct lexer *lx)
{
	struct token *kw = &ps->tok[0];
	size_t i;

	if (next_token(ps, lx, kw) <= 0)
		return;
	for (i = 0; i < ARRAY_SIZE(keywords); i++) {
		if (tok_is(kw, keywords[i].word)) {
			keywords[i].parse(ps, lx, kw);
			return;
		}
	}
	parse_unknown(ps, lx, kw);
}

void parse_text(struct parser *ps, const char *buf, size_t len)
{
	struct lexer lx = { .next = buf, .end = buf + len };

	while (!ps->oom && next_line(ps, &lx))
		parse_line(ps, &lx);
	if (ps->oom)
		return;
	close_vendor(ps);
	if (!ps->version_line)
		error_at(ps, 1, 1, "missing 'version' line (it must come before the first vendor)");
}
