// SPDX-License-Identifier: GPL-2.0
/*
 * Policy: parse and check the plain-text deny list (format: policy/README.md).
 *
 * The parser takes (buffer, length) and is fuzzed (tests/fuzz/fuzz_policy.c): the text is never
 * NUL terminated and any byte may be anything. It does not stop at the first problem: policy
 * staff fix a whole file at once, so every problem is reported as "FILE:LINE:COL: error: ..."
 * and the policy is refused whole if there is any.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <linux/types.h>
#include <openssl/evp.h>

#include "util/hex.h"
#include "vendorban.h"
#include "policy/policy.h"
#include "policy/parser.h"
#include "util/readfile.h"
#include "identify/certfile.h"
#include "identify/dn.h"
#include "identify/evidence.h"

static const char too_large_msg[] = "policy is larger than the limit of 67108864 bytes";
_Static_assert(VB_POLICY_MAX_SIZE == 67108864, "too_large_msg states the limit");

int grow_array(void **arr, size_t *cap, size_t n, size_t size)
{
	size_t new_cap;
	void *p;

	if (n < *cap)
		return 0;
	new_cap = *cap ? *cap * 2 : 16;
	p = reallocarray(*arr, new_cap, size);
	if (!p)
		return -ENOMEM;
	*arr = p;
	*cap = new_cap;
	return 0;
}

static void parse_version(struct parser *ps, struct lexer *lx, const struct token *kw)
{
	struct token *t = &ps->tok[1];
	uint64_t v = 0;
	size_t i;
	int ret;

	if (ps->version_line) {
		error_at(ps, lx->lineno, kw->col, "version given twice (first on line %u)",
			 ps->version_line);
		return;
	}
	/* Set even if the line is bad: "missing version" on top would only add noise. */
	ps->version_line = lx->lineno;
	ret = next_token(ps, lx, t);
	if (ret < 0)
		return;
	if (ret == 0) {
		error_at(ps, lx->lineno, kw->col, "'version' needs a value: version SERIAL");
		return;
	}
	if (in_vendor(ps))
		error_at(ps, lx->lineno, kw->col,
			 "'version' must come before the first vendor (line %u)",
			 ps->first_vendor_line);

	for (i = 0; i < t->len; i++) {
		unsigned int digit = (unsigned char)t->s[i] - '0';

		if (digit > 9 || v > (UINT64_MAX - digit) / 10)
			break;
		v = v * 10 + digit;
	}
	if (!t->len || i < t->len) {
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

static void parse_mode(struct parser *ps, struct lexer *lx, const struct token *kw)
{
	struct token *t = &ps->tok[1];
	int ret, mode;

	ret = next_token(ps, lx, t);
	if (ret < 0)
		return;
	if (ret == 0) {
		error_at(ps, lx->lineno, kw->col, "'mode' needs a value: enforce or audit");
		return;
	}
	mode = mode_value(t);
	if (mode < 0)
		error_at(ps, lx->lineno, t->col, "unknown mode '%s' (known: enforce, audit)",
			 show_tok(ps, 0, t));

	if (in_vendor(ps)) {
		struct vendor_state *vs = &ps->vstate[ps->pol->n_vendors - 1];
		struct vb_vendor *v = &ps->pol->vendors[ps->pol->n_vendors - 1];

		if (vs->mode_line) {
			error_at(ps, lx->lineno, kw->col,
				 "mode for vendor '%s' given twice (first on line %u)", v->id,
				 vs->mode_line);
			return;
		}
		vs->mode_line = lx->lineno;
		if (mode >= 0)
			v->mode = mode;
	} else {
		if (ps->mode_line) {
			error_at(ps, lx->lineno, kw->col, "mode given twice (first on line %u)",
				 ps->mode_line);
			return;
		}
		ps->mode_line = lx->lineno;
		if (mode >= 0)
			ps->pol->mode = mode;
	}
	if (mode >= 0)
		expect_end(ps, lx, "the mode");
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

static void parse_vendor(struct parser *ps, struct lexer *lx, const struct token *kw)
{
	struct token *id = &ps->tok[1], *name = &ps->tok[2];
	struct vb_policy *pol = ps->pol;
	struct vendor_state *vs;
	struct vb_vendor *v;
	size_t first;
	int ret;

	close_vendor(ps);
	if (grow_array((void **)&pol->vendors, &ps->cap_vendors, pol->n_vendors, sizeof(*v)) ||
	    grow_array((void **)&ps->vstate, &ps->cap_vstate, pol->n_vendors, sizeof(*vs))) {
		ps->oom = true;
		return;
	}
	/* Even a broken vendor line opens a block, so its rules are checked and not mistaken for
	 * rules before any vendor or rules of the previous vendor. */
	v = &pol->vendors[pol->n_vendors];
	vs = &ps->vstate[pol->n_vendors];
	memset(v, 0, sizeof(*v));
	memset(vs, 0, sizeof(*vs));
	v->line = lx->lineno;
	v->mode = VB_MODE_UNSET;
	vs->id_col = kw->col;
	pol->n_vendors++;
	if (!ps->first_vendor_line)
		ps->first_vendor_line = lx->lineno;

	ret = next_token(ps, lx, id);
	if (ret <= 0) {
		if (ret == 0)
			error_at(ps, lx->lineno, kw->col,
				 "'vendor' needs an id and a quoted name: vendor ID \"Name\"");
		vs->bad_id = true;
		return;
	}
	vs->id_col = id->col;
	if (!valid_id(id->s, id->len)) {
		error_at(ps, lx->lineno, id->col, "bad vendor id '%s': %s", show_tok(ps, 0, id),
			 id_help);
		vs->bad_id = true;
	} else {
		memcpy(v->id, id->s, id->len);
		first = index_find(ps, IDX_VENDOR_ID, id->s, id->len);
		if (first) {
			error_at(ps, lx->lineno, id->col,
				 "duplicate vendor '%s' (first on line %u)", v->id,
				 pol->vendors[first - 1].line);
			vs->dup_id = true;
		} else {
			index_add_or_oom(ps, IDX_VENDOR_ID, pol->n_vendors - 1);
		}
	}

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
	if (!name->len) {
		error_at(ps, lx->lineno, name->col, "vendor name is empty");
	} else if (name->len > VB_NAME_MAX - 1) {
		error_at(ps, lx->lineno, name->col,
			 "vendor name is %zu bytes long (the limit is %d)", name->len,
			 VB_NAME_MAX - 1);
	} else {
		/* The lexer refuses lines with NUL bytes, so the name is one C string. */
		memcpy(v->name, name->s, name->len);
		v->name[name->len] = '\0';
	}
	expect_end(ps, lx, "the vendor name");
}

static const char known_identities[] = "sha256, path, signer, cert, package, module, mode";

/* Policy-wide switches for kernel modules; both are off unless a policy turns them on. */
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
				 "'option' needs a name and a value: option unsigned-modules deny|allow, option init-module deny|allow");
		return;
	}
	if (tok_is(name, "unsigned-modules"))
		flag = &ps->pol->deny_unsigned_modules;
	else if (tok_is(name, "init-module"))
		flag = &ps->pol->deny_init_module;
	else {
		error_at(ps, lx->lineno, name->col,
			 "unknown option '%s' (known: unsigned-modules, init-module)",
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



static void parse_line(struct parser *ps, struct lexer *lx)
{
	struct token *kw = &ps->tok[0];

	if (next_token(ps, lx, kw) <= 0)
		return;
	if (tok_is(kw, "version")) {
		parse_version(ps, lx, kw);
	} else if (tok_is(kw, "mode")) {
		parse_mode(ps, lx, kw);
	} else if (tok_is(kw, "vendor")) {
		parse_vendor(ps, lx, kw);
	} else if (tok_is(kw, "sha256")) {
		parse_sha256(ps, lx, kw);
	} else if (tok_is(kw, "path")) {
		parse_path(ps, lx, kw);
	} else if (tok_is(kw, "signer")) {
		parse_signer(ps, lx, kw);
	} else if (tok_is(kw, "cert")) {
		parse_cert(ps, lx, kw);
	} else if (tok_is(kw, "package")) {
		parse_package(ps, lx, kw);
	} else if (tok_is(kw, "module")) {
		parse_module(ps, lx, kw);
	} else if (tok_is(kw, "option")) {
		parse_option(ps, lx, kw);
	} else {
		/* Most likely a rule with a typo in it: the block is not empty, so don't say so. */
		if (in_vendor(ps))
			ps->vstate[ps->pol->n_vendors - 1].n_rule_lines++;
		if (in_vendor(ps))
			error_at(ps, lx->lineno, kw->col,
				 "unknown identity '%s' (known: %s)", show_tok(ps, 0, kw),
				 known_identities);
		else
			error_at(ps, lx->lineno, kw->col,
				 "unknown keyword '%s' (known: version, mode, option, vendor)",
				 show_tok(ps, 0, kw));
	}
}

static void parse_text(struct parser *ps, const char *buf, size_t len)
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

/* Every vendor and rule gets a concrete mode, so nobody downstream deals with inheritance. */
static void resolve_modes(struct vb_policy *pol)
{
	size_t i;

	for (i = 0; i < pol->n_vendors; i++)
		if (pol->vendors[i].mode == VB_MODE_UNSET)
			pol->vendors[i].mode = pol->mode;
	for (i = 0; i < pol->n_rules; i++)
		if (pol->rules[i].mode == VB_MODE_UNSET)
			pol->rules[i].mode = pol->vendors[pol->rules[i].vendor_idx].mode;
}

int vb_policy_parse(const char *name, const char *buf, size_t len, struct vb_policy **out,
		    struct vb_diag *diag)
{
	struct vb_policy *pol = NULL;
	struct parser *ps;
	int err;

	*out = NULL;
	if (!name)
		name = "(policy)";
	if (!buf) {
		if (len)
			return -EINVAL;
		buf = "";
	}

	ps = calloc(1, sizeof(*ps));
	if (!ps)
		return -ENOMEM;
	pol = calloc(1, sizeof(*pol));
	if (!pol) {
		err = -ENOMEM;
		goto out;
	}
	ps->name = name;
	ps->pol = pol;
	ps->diag = diag;
	ps->diag_first = diag ? diag->n : 0;
	snprintf(pol->file, sizeof(pol->file), "%s", name);
	pol->mode = VB_MODE_ENFORCE;

	if (len > VB_POLICY_MAX_SIZE) {
		error_at(ps, 0, 0, "%s", too_large_msg);
	} else {
		/* EVP_Digest fails only when OpenSSL cannot allocate its context. */
		if (!EVP_Digest(buf, len, pol->digest, NULL, EVP_sha256(), NULL)) {
			err = -ENOMEM;
			goto out;
		}
		parse_text(ps, buf, len);
		check_policy(ps);
	}
	sort_diags(ps);

	if (ps->oom) {
		err = -ENOMEM;
		goto out;
	}
	if (ps->n_errors) {
		err = -EINVAL;
		goto out;
	}
	resolve_modes(pol);
	*out = pol;
	pol = NULL;
	err = 0;
out:
	vb_policy_free(pol);
	index_free(ps);
	free(ps->vstate);
	free(ps);
	return err;
}

static int report_file_error(struct vb_diag *diag, const char *path, int err)
{
	char buf[256];

	if (diag_add(diag, false, path, 0, 0, strerror_r(-err, buf, sizeof(buf))))
		return -ENOMEM;
	return err;
}

static int report_too_large(struct vb_diag *diag, const char *path)
{
	if (diag_add(diag, false, path, 0, 0, too_large_msg))
		return -ENOMEM;
	return -EINVAL;
}

int vb_policy_load(const char *path, struct vb_policy **out, struct vb_diag *diag)
{
	char *buf;
	size_t len;
	int err;

	*out = NULL;
	err = vb_read_file(path, VB_POLICY_MAX_SIZE, &buf, &len);
	if (err == -EFBIG)
		return report_too_large(diag, path);
	if (err == -ENOMEM)
		return err;
	if (err)
		return report_file_error(diag, path, err);
	err = vb_policy_parse(path, buf, len, out, diag);
	free(buf);
	return err;
}

void vb_policy_free(struct vb_policy *p)
{
	if (!p)
		return;
	for (size_t i = 0; i < p->n_rules; i++) {
		free(p->rules[i].value);
		free(p->rules[i].ident);
		free(p->rules[i].dn);
	}
	free(p->vendors);
	free(p->rules);
	free(p);
}
