// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include "identify/certfile.h"
#include "identify/x509id.h"
#include "util/readfile.h"

int vb_certfile_load(const char *path, struct vb_signer *id, bool *expired,
		     uint8_t file_sha256[32], char *why, size_t why_len)
{
	const unsigned char *der;
	X509 *cert = NULL;
	BIO *bio = NULL;
	char *buf;
	size_t len;
	int err;

	err = vb_read_file(path, VB_CERTFILE_MAX, &buf, &len);
	if (err) {
		snprintf(why, why_len, "%s", err == -EFBIG ? "larger than 256 KiB" : strerror(-err));
		return err;
	}
	bio = BIO_new_mem_buf(buf, len);
	if (!bio || !EVP_Digest(buf, len, file_sha256, NULL, EVP_sha256(), NULL)) {
		err = -ENOMEM;
		goto out;
	}
	cert = PEM_read_bio_X509(bio, NULL, NULL, NULL);
	if (!cert) {
		der = (const unsigned char *)buf;
		cert = d2i_X509(NULL, &der, len);
	}
	ERR_clear_error();
	if (!cert) {
		snprintf(why, why_len, "not a PEM or DER X.509 certificate");
		err = -EINVAL;
		goto out;
	}
	memset(id, 0, sizeof(*id));
	err = vb_x509id_from_cert(id, cert);
	if (err) {
		snprintf(why, why_len, "certificate fields unreadable (%s)", strerror(-err));
		goto out;
	}
	*expired = X509_cmp_current_time(X509_get0_notAfter(cert)) < 0;
out:
	X509_free(cert);
	BIO_free(bio);
	free(buf);
	return err;
}
