// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <openssl/bio.h>
#include <openssl/pem.h>	/* before cms.h: it declares PEM_{read,write}_bio_CMS with pem.h's macro */
#include <openssl/cms.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/x509.h>
#include "attest/seal.h"
#include "util/hex.h"

static void say(char *why, size_t len, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

static void say(char *why, size_t len, const char *fmt, ...)
{
	va_list ap;

	if (!why || !len)
		return;
	va_start(ap, fmt);
	vsnprintf(why, len, fmt, ap);
	va_end(ap);
}

/* OpenSSL's last reason, for a message; the queue is cleared. */
static const char *ssl_why(void)
{
	static char buf[256];
	unsigned long e = ERR_peek_last_error();

	snprintf(buf, sizeof(buf), "%s", e ? ERR_reason_error_string(e) ?: "unknown" : "unknown");
	ERR_clear_error();
	return buf;
}

int vb_seal(const char *data, size_t len, const char *key_file, const char *cert_file,
	    char **pem, size_t *pem_len, char *why, size_t why_len)
{
	BIO *kb = NULL, *cb = NULL, *in = NULL, *out = NULL;
	CMS_ContentInfo *cms = NULL;
	EVP_PKEY *key = NULL;
	X509 *cert = NULL;
	char *mem;
	long n;
	int err = -EINVAL;

	*pem = NULL;
	kb = BIO_new_file(key_file, "r");
	key = kb ? PEM_read_bio_PrivateKey(kb, NULL, NULL, NULL) : NULL;
	if (!key) {
		say(why, why_len, "%s: cannot read a PEM private key: %s", key_file,
		    kb ? ssl_why() : strerror(errno));
		goto out;
	}
	cb = BIO_new_file(cert_file, "r");
	cert = cb ? PEM_read_bio_X509(cb, NULL, NULL, NULL) : NULL;
	if (!cert) {
		say(why, why_len, "%s: cannot read a PEM certificate: %s", cert_file,
		    cb ? ssl_why() : strerror(errno));
		goto out;
	}
	if (!X509_check_private_key(cert, key)) {
		say(why, why_len, "%s is not the certificate of the key %s", cert_file, key_file);
		ERR_clear_error();
		goto out;
	}
	/* A statement signed with a certificate out of its dates fails every verification:
	 * refuse it now, where it can still be fixed. */
	if (X509_cmp_current_time(X509_get0_notBefore(cert)) >= 0 ||
	    X509_cmp_current_time(X509_get0_notAfter(cert)) <= 0) {
		say(why, why_len, "%s is not valid now (expired, or not yet valid)", cert_file);
		goto out;
	}
	in = BIO_new_mem_buf(data, len);
	cms = in ? CMS_sign(cert, key, NULL, in, CMS_BINARY) : NULL;
	out = BIO_new(BIO_s_mem());
	if (!cms || !out || !PEM_write_bio_CMS(out, cms)) {
		say(why, why_len, "cannot sign the statement: %s", ssl_why());
		err = -EIO;
		goto out;
	}
	n = BIO_get_mem_data(out, &mem);
	*pem = malloc(n + 1);
	if (!*pem) {
		err = -ENOMEM;
		goto out;
	}
	memcpy(*pem, mem, n);
	(*pem)[n] = 0;
	*pem_len = n;
	err = 0;
out:
	CMS_ContentInfo_free(cms);
	BIO_free(in);
	BIO_free(out);
	BIO_free(kb);
	BIO_free(cb);
	EVP_PKEY_free(key);
	X509_free(cert);
	return err;
}

/* Does the signer chain to the trust store? If not, why, in out->untrusted_why. */
static void check_trust(CMS_ContentInfo *cms, X509 *signer, const struct vb_trust *t,
			struct vb_sealed *out)
{
	STACK_OF(X509) *certs = CMS_get1_certs(cms);
	X509_STORE_CTX *ctx = X509_STORE_CTX_new();

	if (ctx && X509_STORE_CTX_init(ctx, t->store, signer, certs) &&
	    X509_verify_cert(ctx) == 1)
		out->trusted = true;
	else
		say(out->untrusted_why, sizeof(out->untrusted_why), "the signer is not trusted: %s",
		    ctx ? X509_verify_cert_error_string(X509_STORE_CTX_get_error(ctx)) :
			  "out of memory");
	X509_STORE_CTX_free(ctx);
	sk_X509_pop_free(certs, X509_free);
	ERR_clear_error();
}

int vb_unseal(const char *pem, size_t len, const struct vb_trust *t, struct vb_sealed *out,
	      char *why, size_t why_len)
{
	BIO *in = BIO_new_mem_buf(pem, len), *content = BIO_new(BIO_s_mem());
	CMS_ContentInfo *cms = NULL;
	STACK_OF(X509) *signers = NULL;
	unsigned char md[32];
	unsigned int mdlen = sizeof(md);
	X509_NAME *name;
	BIO *nb = NULL;
	char *mem;
	long n;
	int err = -EBADMSG;

	memset(out, 0, sizeof(*out));
	if (!in || !content) {
		err = -ENOMEM;
		goto out;
	}
	cms = PEM_read_bio_CMS(in, NULL, NULL, NULL);
	if (!cms) {
		say(why, why_len, "not a sealed statement (no PEM CMS in it): %s", ssl_why());
		goto out;
	}
	/* The content against its signature, first: the chain is a separate question. */
	if (CMS_verify(cms, NULL, NULL, NULL, content, CMS_NO_SIGNER_CERT_VERIFY | CMS_BINARY) !=
	    1) {
		say(why, why_len, "the signature does not match the statement (it was edited after "
		    "signing): %s", ssl_why());
		goto out;
	}
	signers = CMS_get0_signers(cms);
	if (!signers || sk_X509_num(signers) != 1) {
		say(why, why_len, "expected one signer, found %d", signers ? sk_X509_num(signers) : 0);
		goto out;
	}
	name = X509_get_subject_name(sk_X509_value(signers, 0));
	nb = BIO_new(BIO_s_mem());
	if (nb && X509_NAME_print_ex(nb, name, 0, XN_FLAG_RFC2253) >= 0) {
		n = BIO_get_mem_data(nb, &mem);
		snprintf(out->signer, sizeof(out->signer), "%.*s", (int)n, mem);
	}
	if (X509_digest(sk_X509_value(signers, 0), EVP_sha256(), md, &mdlen))
		vb_hex(md, mdlen, out->fingerprint);
	if (t)
		check_trust(cms, sk_X509_value(signers, 0), t, out);
	else
		say(out->untrusted_why, sizeof(out->untrusted_why),
		    "the signer was not checked against a trusted certificate (--ca)");
	n = BIO_get_mem_data(content, &mem);
	out->data = malloc(n + 1);
	if (!out->data) {
		err = -ENOMEM;
		goto out;
	}
	memcpy(out->data, mem, n);
	out->data[n] = 0;
	out->len = n;
	err = 0;
out:
	sk_X509_free(signers);
	CMS_ContentInfo_free(cms);
	BIO_free(in);
	BIO_free(content);
	BIO_free(nb);
	ERR_clear_error();
	return err;
}

void vb_sealed_free(struct vb_sealed *s)
{
	free(s->data);
	s->data = NULL;
}
