// SPDX-License-Identifier: GPL-2.0
/*
 * Policy identity values: what follows "signer", "cert", "package" and "module" on a rule line,
 * checked and put in the form identify/ matches evidence against (a parsed DN, lower-case hex,
 * the identities a certificate gives).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <linux/types.h>

#include "util/hex.h"
#include "vendorban.h"
#include "policy/policy.h"
#include "policy/parser.h"
#include "identify/certfile.h"
#include "identify/dn.h"
#include "identify/evidence.h"

static char *tok_dup(const struct token *t)
{
	return strndup(t->s, t->len);
}

/*
 * Hex as staff paste it from openssl (upper case, ':' between bytes) into the form evidence
 * uses: lower case, no separators, no leading zero bytes when strip_zeros (serial numbers
 * have a DER sign byte that OpenSSL does not show). Returns the number of bytes, or 0.
 */
static size_t parse_hex_id(struct parser *ps, unsigned int line, const struct token *t,
			   const char *what, size_t min, size_t max, bool strip_zeros, char *out)
{
	uint8_t bytes[64];
	size_t n = 0, i, digits = 0;
	int hi = -1;

	for (i = 0; i < t->len; i++) {
		int v = hex_value(t->s[i]);

		if (t->s[i] == ':' && hi < 0)
			continue;
		if (v < 0) {
			error_at(ps, line, t->col + i, "%s must be hex digits ('%s' is not one)",
				 what, show(ps, 0, &t->s[i], 1));
			return 0;
		}
		digits++;
		if (hi < 0) {
			hi = v;
			continue;
		}
		if (n == sizeof(bytes) || n == max) {
			error_at(ps, line, t->col, "%s is longer than %zu bytes", what, max);
			return 0;
		}
		bytes[n++] = hi << 4 | v;
		hi = -1;
	}
	if (hi >= 0 || n < min) {
		error_at(ps, line, t->col, "%s must be %zu to %zu bytes in hex (this has %zu digits)",
			 what, min, max, digits);
		return 0;
	}
	i = 0;
	while (strip_zeros && n - i > 1 && !bytes[i])
		i++;
	vb_hex(bytes + i, n - i, out);
	return n - i;
}

static bool valid_module_name(const char *s, size_t len)
{
	if (!len || len > VB_MODULE_NAME_MAX - 1)
		return false;
	for (size_t i = 0; i < len; i++)
		if (!(s[i] == '_' || s[i] == '-' || (s[i] >= '0' && s[i] <= '9') ||
		      (s[i] >= 'a' && s[i] <= 'z') || (s[i] >= 'A' && s[i] <= 'Z')))
			return false;
	return true;
}

/* Certificate files are named relative to the policy file, so a bundle can move as a whole. */
static void cert_path(const struct parser *ps, const char *file, char *out, size_t len)
{
	const char *slash = strrchr(ps->name, '/');

	if (file[0] == '/' || !slash)
		snprintf(out, len, "%s", file);
	else
		snprintf(out, len, "%.*s/%s", (int)(slash - ps->name), ps->name, file);
}

bool cert_value(struct parser *ps, struct lexer *lx, struct vb_rule *r, const struct token *t)
{
	unsigned int line = lx->lineno;
	char path[4096], why[256];
	bool expired = false;
	int err;

	r->value = tok_dup(t);
	r->ident = calloc(1, sizeof(*r->ident));
	if (!r->value || !r->ident) {
		ps->oom = true;
		return false;
	}
	cert_path(ps, r->value, path, sizeof(path));
	err = vb_certfile_load(path, r->ident, &expired, r->file_sha256, why, sizeof(why));
	if (err == -ENOMEM) {
		ps->oom = true;
		return false;
	}
	if (err) {
		error_at(ps, line, t->col, "cert '%s': %s", show_tok(ps, 0, t), why);
		return false;
	}
	if (expired)
		warning_at(ps, line, t->col,
			   "cert '%s' has expired (it still identifies what it signed while valid)",
			   show_tok(ps, 0, t));
	return true;
}

static bool parse_dn_value(struct parser *ps, unsigned int line, const struct token *t,
			   struct vb_rule *r)
{
	char why[128];

	r->value = tok_dup(t);
	r->dn = calloc(1, sizeof(*r->dn));
	if (!r->value || !r->dn) {
		ps->oom = true;
		return false;
	}
	if (vb_dn_parse(r->value, r->dn, why, sizeof(why))) {
		error_at(ps, line, t->col, "bad distinguished name '%s': %s", show_tok(ps, 0, t),
			 why);
		return false;
	}
	return true;
}

/* "signer issuer DN serial HEX": the DN is kept before the tokens are reused. */
static bool parse_issuer_serial(struct parser *ps, struct lexer *lx, struct vb_rule *r,
				const struct token *dn)
{
	struct token *t = &ps->tok[1], *hex = &ps->tok[2];
	unsigned int col = dn->col;
	int ret;

	if (!parse_dn_value(ps, lx->lineno, dn, r))
		return false;
	r->ident = calloc(1, sizeof(*r->ident));
	if (!r->ident) {
		ps->oom = true;
		return false;
	}
	ret = next_token(ps, lx, t);
	if (ret == 1 && tok_is(t, "serial"))
		ret = next_token(ps, lx, hex);
	else if (ret >= 0)
		ret = 0;
	if (ret <= 0) {
		if (!ret)
			error_at(ps, lx->lineno, col, "'signer issuer' needs a serial: %s",
				 rule_syntax[VB_RULE_SIGNER].usage);
		return false;
	}
	if (!parse_hex_id(ps, lx->lineno, hex, "serial", 1, 20, true, r->ident->serial))
		return false;
	snprintf(r->ident->issuer, sizeof(r->ident->issuer), "%s", r->value);
	r->ident->has_issuer_serial = true;
	/* The kernel matches module signatures by the issuer's DER; see vb_dn_der(). */
	if (vb_dn_der(r->dn, r->ident->issuer_der, sizeof(r->ident->issuer_der),
		      &r->ident->issuer_der_len))
		r->ident->issuer_der_len = 0;
	return true;
}

/* The field word after "signer", "package" or "module"; NULL after reporting an unknown one. */
static const struct rule_field *find_field(struct parser *ps, struct lexer *lx,
					   enum vb_rule_kind kind, const struct token *t)
{
	char known[96] = "";
	size_t i;

	for (i = 0; i < n_rule_fields; i++) {
		if (rule_fields[i].kind != kind)
			continue;
		if (tok_is(t, rule_fields[i].word))
			return &rule_fields[i];
		snprintf(known + strlen(known), sizeof(known) - strlen(known), "%s%s",
			 known[0] ? ", " : "", rule_fields[i].word);
	}
	error_at(ps, lx->lineno, t->col, "unknown %s attribute '%s' (known: %s)",
		 vb_rule_kind_name(kind), show_tok(ps, 0, t), known);
	lx->pos = lx->len;	/* the rest would only be misread as options */
	return NULL;
}

/* signer skid, signer tbs, package key: hex as pasted, kept as lower-case hex. */
static bool parse_hex_field(struct parser *ps, unsigned int line, struct vb_rule *r,
			    const struct token *v)
{
	r->value = malloc(2 * 64 + 1);
	r->ident = calloc(1, sizeof(*r->ident));
	if (!r->value || !r->ident) {
		ps->oom = true;
		return false;
	}
	if (r->field == VB_FIELD_SKID)
		return parse_hex_id(ps, line, v, "skid", 4, 64, false, r->ident->skid) &&
		       strcpy(r->value, r->ident->skid);
	if (r->field == VB_FIELD_KEY)
		return parse_hex_id(ps, line, v, "key id", 4, 32, false, r->value);
	if (!parse_hex_id(ps, line, v, "tbs", 32, 32, false, r->value))
		return false;
	/* parse_hex_id() wrote 64 lower-case digits: exactly what vb_unhex() reads back. */
	vb_unhex(r->value, r->ident->tbs_sha256, sizeof(r->ident->tbs_sha256));
	r->ident->has_tbs = true;
	return true;
}

/* package name, maintainer and vendor (globs), module name. */
static bool parse_word_field(struct parser *ps, unsigned int line, struct vb_rule *r,
			     const struct token *v, const char *word)
{
	const char *kind_name = vb_rule_kind_name(r->kind);

	if (r->kind == VB_RULE_MODULE && !valid_module_name(v->s, v->len)) {
		error_at(ps, line, v->col, "bad module name '%s': use 1 to %d of A-Z a-z 0-9 _ -",
			 show_tok(ps, 0, v), VB_MODULE_NAME_MAX - 1);
		return false;
	}
	if (!v->len || v->len > VB_FIELD_MAX - 1) {
		error_at(ps, line, v->col, "%s %s must be 1 to %d bytes", kind_name, word,
			 VB_FIELD_MAX - 1);
		return false;
	}
	/* Like path '/': a glob of nothing but wildcards names every package there is. */
	if (r->kind == VB_RULE_PACKAGE && strspn(v->s, "*?") >= v->len) {
		error_at(ps, line, v->col,
			 "package %s '%s' would ban every package; name the vendor's own", word,
			 show_tok(ps, 0, v));
		return false;
	}
	r->value = tok_dup(v);
	if (!r->value) {
		ps->oom = true;
		return false;
	}
	/* The kernel treats '-' and '_' in module names as the same character. */
	if (r->kind == VB_RULE_MODULE)
		for (char *c = r->value; *c; c++)
			if (*c == '-')
				*c = '_';
	return true;
}

bool identity_value(struct parser *ps, struct lexer *lx, struct vb_rule *r,
		    const struct token *t)
{
	const struct rule_field *f = find_field(ps, lx, r->kind, t);
	struct token *v = &ps->tok[2];
	int ret;

	if (!f)
		return false;
	r->field = f->field;
	ret = next_token(ps, lx, v);
	if (ret <= 0) {
		if (!ret)
			error_at(ps, lx->lineno, t->col, "'%s %s' needs a value: %s",
				 vb_rule_kind_name(r->kind), f->word, rule_syntax[r->kind].usage);
		return false;
	}
	switch (r->field) {
	case VB_FIELD_SUBJECT:
		return parse_dn_value(ps, lx->lineno, v, r);
	case VB_FIELD_ISSUER_SERIAL:
		return parse_issuer_serial(ps, lx, r, v);
	case VB_FIELD_SKID:
	case VB_FIELD_TBS:
	case VB_FIELD_KEY:
		return parse_hex_field(ps, lx->lineno, r, v);
	default:
		return parse_word_field(ps, lx->lineno, r, v, f->word);
	}
}
