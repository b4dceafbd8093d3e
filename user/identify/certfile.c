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

/*
 * One file, one certificate: a bundle (leaf, intermediates, root, as servers and signing tools
 * keep them) would turn one reviewed line into several identities, one of them the CA's, which
 * would ban everything that CA ever signed for anyone.
 */
static size_t count_more_pem(BIO *bio)
{
	size_t n = 0;
	X509 *x;

	while ((x = PEM_read_bio_X509(bio, NULL, NULL, NULL))) {
		X509_free(x);
		n++;
	}
	return n;
}

int vb_certfile_load(const char *path, struct vb_signer *id, bool *expired,
		     uint8_t file_sha256[32], char *why, size_t why_len)
{
	const unsigned char *der;
	X509 *cert = NULL;
	BIO *bio = NULL;
	size_t len, n = 0;
	char *buf;
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
	if (cert) {
		n = count_more_pem(bio);
	} else {
		der = (const unsigned char *)buf;
		cert = d2i_X509(NULL, &der, len);
		if (cert && der != (const unsigned char *)buf + len) {
			snprintf(why, why_len, "%zu bytes after the DER certificate",
				 (size_t)((const unsigned char *)buf + len - der));
			err = -EINVAL;
			goto out;
		}
	}
	ERR_clear_error();
	if (!cert) {
		snprintf(why, why_len, "not a PEM or DER X.509 certificate");
		err = -EINVAL;
		goto out;
	}
	if (n) {
		snprintf(why, why_len, "holds %zu certificates, and a cert rule names one: put each "
			 "in a file of its own, with a cert rule each", n + 1);
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
