/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A compliance statement sealed for auditors: the statement's exact bytes inside a CMS
 * SignedData (PEM, "-----BEGIN CMS-----"), signed with the host's key, its certificate
 * included. One file carries both, so a statement cannot travel without its signature.
 */
#ifndef VB_ATTEST_SEAL_H
#define VB_ATTEST_SEAL_H

#include <stdbool.h>
#include <stddef.h>
#include "policy/sig.h"

#define VB_SEAL_WHY_MAX		512

/* Sign data with the key and certificate (PEM files): *pem (malloc'd, NUL-terminated, *pem_len
 * bytes) is the sealed statement. 0 or -errno, with why. */
int vb_seal(const char *data, size_t len, const char *key_file, const char *cert_file,
	    char **pem, size_t *pem_len, char *why, size_t why_len);

struct vb_sealed {
	char *data;		/* the statement's bytes, NUL-terminated (malloc'd) */
	size_t len;
	char signer[512];	/* the signing certificate's subject (RFC 2253) */
	char fingerprint[65];	/* SHA-256 of its DER, hex */
	bool trusted;		/* its chain ends in the trust store given */
	char untrusted_why[VB_SEAL_WHY_MAX]; /* when not trusted (or no store was given) */
};

/*
 * Open a sealed statement: the signature must match the content (-EBADMSG otherwise: the file
 * was edited, or is not a sealed statement). With a trust store, out->trusted says whether the
 * signer chains to it; without one it is false and untrusted_why says so. 0 or -errno, why.
 */
int vb_unseal(const char *pem, size_t len, const struct vb_trust *t, struct vb_sealed *out,
	      char *why, size_t why_len);
void vb_sealed_free(struct vb_sealed *s);

#endif
