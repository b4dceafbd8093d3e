// SPDX-License-Identifier: GPL-2.0
#include <fnmatch.h>
#include <string.h>
#include "identify/dn.h"
#include "identify/identify.h"
#include "identify/match.h"

/* An IMA signature carries only the low 32 bits of the key's SKID (8 hex digits). */
static bool skid_matches(const struct vb_signer *s, const char *skid)
{
	size_t n = strlen(s->skid), m = strlen(skid);

	if (!n || !m)
		return false;
	if (s->format == VB_SIG_IMA && n == 8 && m >= 8)
		return !strcmp(skid + m - 8, s->skid);
	return !strcmp(s->skid, skid);
}

static bool issuer_serial_matches(const struct vb_signer *s, const struct vb_signer *want,
				  const struct vb_dn *want_dn)
{
	struct vb_dn have, dn;
	char why[64];

	if (!s->has_issuer_serial || !want->has_issuer_serial || strcmp(s->serial, want->serial))
		return false;
	if (vb_dn_parse(s->issuer, &have, why, sizeof(why)))
		return false;
	if (!want_dn) {
		if (vb_dn_parse(want->issuer, &dn, why, sizeof(why)))
			return false;
		want_dn = &dn;
	}
	return vb_dn_equal(&have, want_dn);
}

/* A certificate names its signatures every way a signature can name a signer. */
static const char *cert_matches(const struct vb_signer *s, const struct vb_signer *cert)
{
	if (s->has_tbs && cert->has_tbs && !memcmp(s->tbs_sha256, cert->tbs_sha256, 32))
		return "tbs";
	if (issuer_serial_matches(s, cert, NULL))
		return "issuer+serial";
	if (skid_matches(s, cert->skid))
		return "skid";
	return NULL;
}

/* Signatures that carry no certificate (modules, IMA) get their subject from a certificate
 * of the policy's that names the same signer. */
static const char *signer_subject(const struct vb_policy *p, const struct vb_signer *s)
{
	if (s->subject[0])
		return s->subject;
	for (size_t i = 0; i < p->n_rules; i++) {
		const struct vb_rule *r = &p->rules[i];

		if (r->kind == VB_RULE_CERT && r->ident && cert_matches(s, r->ident))
			return r->ident->subject;
	}
	return NULL;
}

static bool subject_matches(const struct vb_policy *p, const struct vb_signer *s,
			    const struct vb_dn *want)
{
	const char *subject = signer_subject(p, s);
	struct vb_dn have;
	char why[64];

	return subject && subject[0] && !vb_dn_parse(subject, &have, why, sizeof(why)) &&
	       vb_dn_contains(&have, want);
}

static const char *signer_rule_matches(const struct vb_policy *p, const struct vb_rule *r,
				       const struct vb_signer *s)
{
	if (r->kind == VB_RULE_CERT)
		return r->ident ? cert_matches(s, r->ident) : NULL;
	switch (r->field) {
	case VB_FIELD_SUBJECT:
		return r->dn && subject_matches(p, s, r->dn) ? "subject" : NULL;
	case VB_FIELD_ISSUER_SERIAL:
		return r->ident && issuer_serial_matches(s, r->ident, r->dn) ? "issuer+serial" :
									      NULL;
	case VB_FIELD_SKID:
		return r->ident && skid_matches(s, r->ident->skid) ? "skid" : NULL;
	case VB_FIELD_TBS:
		return r->ident && s->has_tbs && !memcmp(s->tbs_sha256, r->ident->tbs_sha256, 32) ?
			       "tbs" : NULL;
	default:
		return NULL;
	}
}

/* Key ids are compared by their tail: a policy may give the full fingerprint, rpm shows the
 * last 8 or 16 hex digits. */
static bool key_matches(const char *have, const char *want)
{
	size_t n = strlen(have), m = strlen(want);

	if (!n || !m)
		return false;
	return n <= m ? !strcasecmp(want + m - n, have) : !strcasecmp(have + n - m, want);
}

static const char *package_rule_matches(const struct vb_rule *r, const struct vb_package *pkg)
{
	if (!pkg->manager[0] || !r->value)
		return NULL;
	switch (r->field) {
	case VB_FIELD_NAME:
		return !fnmatch(r->value, pkg->name, 0) ? "package name" : NULL;
	case VB_FIELD_MAINTAINER:
		return !fnmatch(r->value, pkg->maintainer, 0) ? "package maintainer" : NULL;
	case VB_FIELD_VENDOR:
		return !fnmatch(r->value, pkg->vendor, 0) ? "package vendor" : NULL;
	case VB_FIELD_KEY:
		return key_matches(pkg->key_id, r->value) ? "package key" : NULL;
	default:
		return NULL;
	}
}

static bool module_name_matches(const char *want, const char *name)
{
	for (; *want && *name; want++, name++)
		if (*want != *name && !((*want == '_' || *want == '-') &&
					(*name == '_' || *name == '-')))
			return false;
	return !*want && !*name;
}

size_t vb_match_evidence(const struct vb_policy *p, const struct vb_evidence *ev,
			 struct vb_id_match *out, size_t max)
{
	size_t n = 0;

	for (size_t i = 0; i < p->n_rules && n < max; i++) {
		const struct vb_rule *r = &p->rules[i];
		const char *how = NULL;
		const struct vb_signer *sig = NULL;

		switch (r->kind) {
		case VB_RULE_CERT:
		case VB_RULE_SIGNER:
			for (size_t j = 0; j < ev->n_signers && !how; j++) {
				how = signer_rule_matches(p, r, &ev->signers[j]);
				sig = &ev->signers[j];
			}
			break;
		case VB_RULE_PACKAGE:
			how = package_rule_matches(r, &ev->package);
			break;
		case VB_RULE_MODULE:
			if (ev->modinfo.present && r->value &&
			    module_name_matches(r->value, ev->modinfo.name))
				how = "module name";
			break;
		default:
			break;
		}
		if (how) {
			out[n].rule = r;
			out[n].signer = r->kind == VB_RULE_CERT || r->kind == VB_RULE_SIGNER ? sig :
												NULL;
			out[n].how = how;
			n++;
		}
	}
	return n;
}

unsigned int vb_match_needs(const struct vb_policy *p)
{
	unsigned int what = 0;

	for (size_t i = 0; i < p->n_rules; i++) {
		switch (p->rules[i].kind) {
		case VB_RULE_CERT:
		case VB_RULE_SIGNER:
			what |= VB_ID_SIGNATURES;
			break;
		case VB_RULE_PACKAGE:
			what |= VB_ID_PACKAGE;
			break;
		case VB_RULE_MODULE:
			what |= VB_ID_ELF;
			break;
		default:
			break;
		}
	}
	return what;
}
