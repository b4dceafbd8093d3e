// SPDX-License-Identifier: GPL-2.0
/*
 * Policy: the plain-text deny list (format: policy/README.md) read into a struct vb_policy, and
 * freed. The steps of a parse are in their own files: lexer.c (lines and words), parse.c
 * (statements, from a keyword table), rule.c and identity.c (rule lines and their values),
 * index.c (duplicates), checks.c (what needs the whole policy) and diag.c (messages).
 *
 * The parser takes (buffer, length) and is fuzzed (tests/fuzz/fuzz_policy.c): the text is never
 * NUL terminated and any byte may be anything. It does not stop at the first problem: policy
 * staff fix a whole file at once, so every problem is reported as "FILE:LINE:COL: error: ..."
 * and the policy is refused whole if there is any.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE		/* strerror_r() that returns the message */
#endif
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <linux/types.h>
#include <openssl/evp.h>

#include "vendorban.h"
#include "policy/policy.h"
#include "policy/parser.h"
#include "util/readfile.h"

static const char too_large_msg[] = "policy is larger than the limit of 134217728 bytes";
_Static_assert(VB_POLICY_MAX_SIZE == 134217728, "too_large_msg states the limit");
_Static_assert(VB_MAX_HASH_RULES * 72ull < VB_POLICY_MAX_SIZE,
	       "a policy as large as the kernel's hash rule map fits in the text limit");

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

static struct parser *parser_new(const char *name, struct vb_diag *diag)
{
	struct parser *ps = calloc(1, sizeof(*ps));

	if (!ps)
		return NULL;
	ps->pol = calloc(1, sizeof(*ps->pol));
	if (!ps->pol) {
		free(ps);
		return NULL;
	}
	ps->name = name;
	ps->diag = diag;
	ps->diag_first = diag ? diag->n : 0;
	snprintf(ps->pol->file, sizeof(ps->pol->file), "%s", name);
	ps->pol->mode = VB_MODE_ENFORCE;
	return ps;
}

/* The parser's own state; the policy is freed or handed out by the caller. */
static void parser_free(struct parser *ps)
{
	index_free(ps);
	free(ps->vstate);
	free(ps);
}

static const char utf8_bom[] = { '\xef', '\xbb', '\xbf' };

int vb_policy_parse(const char *name, const char *buf, size_t len, struct vb_policy **out,
		    struct vb_diag *diag)
{
	struct vb_policy *pol;
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

	ps = parser_new(name, diag);
	if (!ps)
		return -ENOMEM;
	pol = ps->pol;
	if (len > VB_POLICY_MAX_SIZE) {
		error_at(ps, 0, 0, "%s", too_large_msg);
	} else {
		/* EVP_Digest fails only when OpenSSL cannot allocate its context. */
		if (!EVP_Digest(buf, len, pol->digest, NULL, EVP_sha256(), NULL)) {
			err = -ENOMEM;
			goto out;
		}
		/* Windows editors start UTF-8 files with a byte order mark: it is no keyword. The
		 * digest above still covers it: it is what the file holds. */
		if (len >= sizeof(utf8_bom) && !memcmp(buf, utf8_bom, sizeof(utf8_bom)))
			parse_text(ps, buf + sizeof(utf8_bom), len - sizeof(utf8_bom));
		else
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
	parser_free(ps);
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
