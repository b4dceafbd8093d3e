/* SPDX-License-Identifier: GPL-2.0 */
/* What identifies a certificate, derived the way signatures and revocation lists name it. */
#ifndef VB_X509ID_H
#define VB_X509ID_H

#include <openssl/asn1.h>
#include <openssl/x509.h>
#include "identify/evidence.h"
#include "util/hex.h"

/* Fill issuer (text and DER) and serial. 0 or -ENOMEM. */
int vb_x509id_issuer_serial(struct vb_signer *s, const X509_NAME *issuer,
			    const ASN1_INTEGER *serial);
/* Fill every field a certificate gives: issuer, serial, subject, SKID, TBS hash. 0 or -errno. */
int vb_x509id_from_cert(struct vb_signer *s, X509 *cert);
/* RFC 2253 text of a name into buf. 0 or -ENOMEM / -ENAMETOOLONG. */
int vb_x509id_name(const X509_NAME *name, char *buf, size_t size);

#endif
