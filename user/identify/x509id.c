// SPDX-License-Identifier: GPL-2.0
/*
 * Certificate identities. The TBS hash is SHA-256 over the DER TBSCertificate, the value the
 * kernel's .blacklist keyring lists as "tbs:" and Windows App Control as a certificate's TBS;
 * unlike a fingerprint it does not change when a CA re-signs the same certificate.
 */
#include <errno.h>
#include <string.h>
#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/x509v3.h>
#include "identify/x509id.h"


int vb_x509id_name(const X509_NAME *name, char *buf, size_t size)
{
	BIO *b = BIO_new(BIO_s_mem());
	char *data;
	long n;
	int err = 0;

	if (!b)
		return -ENOMEM;
	if (X509_NAME_print_ex(b, name, 0, XN_FLAG_RFC2253 & ~ASN1_STRFLGS_ESC_MSB) < 0) {
		err = -ENOMEM;
		goto out;
	}
	n = BIO_get_mem_data(b, &data);
	if (n < 0 || (size_t)n >= size) {
		err = -ENAMETOOLONG;
		goto out;
	}
	memcpy(buf, data, n);
	buf[n] = '\0';
out:
	BIO_free(b);
	return err;
}

int vb_x509id_issuer_serial(struct vb_signer *s, const X509_NAME *issuer,
			    const ASN1_INTEGER *serial)
{
	const unsigned char *der;
	size_t der_len;
	const uint8_t *mag = ASN1_STRING_get0_data(serial);
	int len = ASN1_STRING_length(serial);
	int err;

	err = vb_x509id_name(issuer, s->issuer, sizeof(s->issuer));
	if (err)
		return err;
	/* OpenSSL keeps the magnitude without the DER sign byte; so does our text. */
	while (len > 1 && !*mag) {
		mag++;
		len--;
	}
	if (len * 2 + 1 > (int)sizeof(s->serial))
		return -ENAMETOOLONG;
	vb_hex(mag, len, s->serial);
	if (X509_NAME_get0_der((X509_NAME *)issuer, &der, &der_len) != 1)
		return -ENOMEM;
	if (der_len <= sizeof(s->issuer_der)) {
		memcpy(s->issuer_der, der, der_len);
		s->issuer_der_len = der_len;
	}
	s->has_issuer_serial = true;
	return 0;
}

int vb_x509id_from_cert(struct vb_signer *s, X509 *cert)
{
	const ASN1_OCTET_STRING *skid;
	unsigned char *tbs = NULL;
	unsigned int md_len;
	int len, err;

	err = vb_x509id_issuer_serial(s, X509_get_issuer_name(cert), X509_get0_serialNumber(cert));
	if (err)
		return err;
	err = vb_x509id_name(X509_get_subject_name(cert), s->subject, sizeof(s->subject));
	if (err)
		return err;
	skid = X509_get0_subject_key_id(cert);
	if (skid && ASN1_STRING_length(skid) * 2 + 1 <= (int)sizeof(s->skid))
		vb_hex(ASN1_STRING_get0_data(skid), ASN1_STRING_length(skid), s->skid);
	len = i2d_re_X509_tbs(cert, &tbs);
	if (len <= 0)
		return -EINVAL;
	if (!EVP_Digest(tbs, len, s->tbs_sha256, &md_len, EVP_sha256(), NULL))
		err = -ENOMEM;
	else
		s->has_tbs = true;
	OPENSSL_free(tbs);
	return err;
}
