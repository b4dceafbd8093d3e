// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <openssl/objects.h>
#include "identify/dn.h"

static const char *skip_blanks(const char *s)
{
	while (*s == ' ' || *s == '\t')
		s++;
	return s;
}

int vb_dn_parse(const char *text, struct vb_dn *dn, char *why, size_t why_len)
{
	const char *s = skip_blanks(text);

	memset(dn, 0, sizeof(*dn));
	while (*s) {
		struct vb_dn_attr *a;
		char type[64];
		size_t n = 0, v = 0, last_nonblank = 0;

		if (dn->n == VB_DN_ATTRS_MAX) {
			snprintf(why, why_len, "more than %d attributes", VB_DN_ATTRS_MAX);
			return -EINVAL;
		}
		while (*s && *s != '=' && *s != ',' && *s != ';' && n < sizeof(type) - 1)
			type[n++] = *s++;
		while (n && (type[n - 1] == ' ' || type[n - 1] == '\t'))
			n--;
		type[n] = '\0';
		if (*s != '=' || !n) {
			snprintf(why, why_len, "expected TYPE=value at '%.32s'", text + (s - text));
			return -EINVAL;
		}
		a = &dn->attrs[dn->n];
		a->nid = OBJ_txt2nid(type);
		if (a->nid == NID_undef) {
			snprintf(why, why_len, "unknown attribute type '%s'", type);
			return -EINVAL;
		}
		s = skip_blanks(s + 1);
		while (*s && *s != ',' && *s != ';') {
			if (*s == '\\' && s[1])
				s++;
			else if (*s == '\\') {
				snprintf(why, why_len, "'\\' at the end of the name");
				return -EINVAL;
			}
			if (v == sizeof(a->value) - 1) {
				snprintf(why, why_len, "attribute value longer than %zu bytes",
					 sizeof(a->value) - 1);
				return -EINVAL;
			}
			a->value[v++] = *s;
			if (*s != ' ' && *s != '\t')
				last_nonblank = v;
			s++;
		}
		a->value[last_nonblank] = '\0';
		if (!last_nonblank) {
			snprintf(why, why_len, "empty value for '%s'", type);
			return -EINVAL;
		}
		dn->n++;
		if (*s)
			s = skip_blanks(s + 1);
	}
	if (!dn->n) {
		snprintf(why, why_len, "empty name");
		return -EINVAL;
	}
	return 0;
}

static bool has_attr(const struct vb_dn *dn, const struct vb_dn_attr *a, bool used[])
{
	for (size_t i = 0; i < dn->n; i++) {
		if (used && used[i])
			continue;
		if (dn->attrs[i].nid == a->nid && !strcmp(dn->attrs[i].value, a->value)) {
			if (used)
				used[i] = true;
			return true;
		}
	}
	return false;
}

bool vb_dn_contains(const struct vb_dn *have, const struct vb_dn *want)
{
	bool used[VB_DN_ATTRS_MAX] = { 0 };

	for (size_t i = 0; i < want->n; i++)
		if (!has_attr(have, &want->attrs[i], used))
			return false;
	return true;
}

bool vb_dn_equal(const struct vb_dn *a, const struct vb_dn *b)
{
	return a->n == b->n && vb_dn_contains(a, b);
}

int vb_dn_der(const struct vb_dn *dn, unsigned char *out, size_t size, size_t *len)
{
	X509_NAME *name = X509_NAME_new();
	unsigned char *p = out;
	int n, err = 0;

	if (!name)
		return -ENOMEM;
	/* RFC 2253 text lists the most specific RDN first; DER the other way round. */
	for (size_t i = dn->n; i-- > 0;) {
		if (!X509_NAME_add_entry_by_NID(name, dn->attrs[i].nid, MBSTRING_UTF8,
						(const unsigned char *)dn->attrs[i].value, -1, -1,
						0)) {
			err = -EINVAL;
			goto out;
		}
	}
	n = i2d_X509_NAME(name, NULL);
	if (n <= 0 || (size_t)n > size) {
		err = n <= 0 ? -EINVAL : -ENAMETOOLONG;
		goto out;
	}
	i2d_X509_NAME(name, &p);
	*len = n;
out:
	X509_NAME_free(name);
	return err;
}
