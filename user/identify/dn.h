/* SPDX-License-Identifier: GPL-2.0 */
/* Distinguished names as policy staff write them ("C=RU, O=AO Kaspersky Lab") and as
 * OpenSSL prints them (RFC 2253), compared attribute by attribute, not as strings. */
#ifndef VB_DN_H
#define VB_DN_H

#include <stdbool.h>
#include <stddef.h>
#include <openssl/x509.h>

#define VB_DN_ATTRS_MAX	16

struct vb_dn_attr {
	int nid;			/* NID_countryName, NID_organizationName, ... */
	char value[256];
};

struct vb_dn {
	struct vb_dn_attr attrs[VB_DN_ATTRS_MAX];
	size_t n;
};

/* Parse "TYPE=value, TYPE=value" (',' or ';' between attributes, '\' escapes, spaces around
 * separators ignored; TYPE is a short or long name or a dotted OID). 0, or -EINVAL with a
 * reason in why. */
int vb_dn_parse(const char *text, struct vb_dn *dn, char *why, size_t why_len);
/* Every attribute of want appears in have with the same value (case-sensitive). */
bool vb_dn_contains(const struct vb_dn *have, const struct vb_dn *want);
/* The same attributes, in any order. */
bool vb_dn_equal(const struct vb_dn *a, const struct vb_dn *b);
/* The DER a CA following OpenSSL's defaults would have written for this name, given in
 * RFC 2253 order (most significant last). 0 or -errno. */
int vb_dn_der(const struct vb_dn *dn, unsigned char *out, size_t size, size_t *len);

#endif
