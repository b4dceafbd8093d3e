// SPDX-License-Identifier: GPL-2.0
/*
 * Policy names: rule kinds, fields and modes as the policy text spells them, a rule as one line
 * of text, and the vendor a rule belongs to.
 */
#include <stdio.h>

#include <linux/types.h>

#include "util/hex.h"
#include "vendorban.h"
#include "policy/policy.h"
#include "policy/parser.h"
#include "identify/evidence.h"

const struct rule_field rule_fields[] = {
	{ VB_RULE_SIGNER, VB_FIELD_SUBJECT, "subject" },
	{ VB_RULE_SIGNER, VB_FIELD_ISSUER_SERIAL, "issuer" },
	{ VB_RULE_SIGNER, VB_FIELD_SKID, "skid" },
	{ VB_RULE_SIGNER, VB_FIELD_TBS, "tbs" },
	{ VB_RULE_PACKAGE, VB_FIELD_NAME, "name" },
	{ VB_RULE_PACKAGE, VB_FIELD_MAINTAINER, "maintainer" },
	{ VB_RULE_PACKAGE, VB_FIELD_VENDOR, "vendor" },
	{ VB_RULE_PACKAGE, VB_FIELD_KEY, "key" },
	{ VB_RULE_MODULE, VB_FIELD_NAME, "name" },
};

const size_t n_rule_fields = ARRAY_SIZE(rule_fields);

static const char *const kind_names[] = {
	[VB_RULE_SHA256] = "sha256",
	[VB_RULE_PATH] = "path",
	[VB_RULE_SIGNER] = "signer",
	[VB_RULE_CERT] = "cert",
	[VB_RULE_PACKAGE] = "package",
	[VB_RULE_MODULE] = "module",
};

static const char *const mode_names[] = {
	[VB_MODE_ENFORCE] = "enforce",
	[VB_MODE_AUDIT] = "audit",
};

/* Callers pass numbers straight from records and maps: one with no name is "unknown". */
static const char *name_of(const char *const *names, size_t n, unsigned int i)
{
	return i < n && names[i] ? names[i] : "unknown";
}

const struct vb_vendor *vb_rule_vendor(const struct vb_policy *p, const struct vb_rule *r)
{
	if (!p || !r || r->vendor_idx >= p->n_vendors)
		return NULL;
	return &p->vendors[r->vendor_idx];
}

const char *vb_rule_kind_name(enum vb_rule_kind kind)
{
	return name_of(kind_names, ARRAY_SIZE(kind_names), kind);
}

const char *vb_rule_field_name(enum vb_rule_field field)
{
	for (size_t i = 0; i < n_rule_fields; i++)
		if (rule_fields[i].field == field)
			return rule_fields[i].word;
	return "";
}

void vb_rule_describe(const struct vb_rule *r, char *buf, size_t len)
{
	char hex[65];

	switch (r->kind) {
	case VB_RULE_SHA256:
		vb_hex(r->sha256, 32, hex);
		snprintf(buf, len, "sha256 %s", hex);
		break;
	case VB_RULE_PATH:
		snprintf(buf, len, "path %s", r->path);
		break;
	case VB_RULE_CERT:
		snprintf(buf, len, "cert %s", r->value ? r->value : "");
		break;
	case VB_RULE_SIGNER:
		if (r->field == VB_FIELD_ISSUER_SERIAL && r->ident) {
			snprintf(buf, len, "signer issuer \"%s\" serial %s", r->value, r->ident->serial);
			break;
		}
		/* fall through */
	default:
		snprintf(buf, len, "%s %s %s%s%s", vb_rule_kind_name(r->kind),
			 vb_rule_field_name(r->field), r->field == VB_FIELD_SUBJECT ? "\"" : "",
			 r->value ? r->value : "", r->field == VB_FIELD_SUBJECT ? "\"" : "");
		break;
	}
}

const char *vb_mode_name(uint8_t mode)
{
	return name_of(mode_names, ARRAY_SIZE(mode_names), mode);
}
