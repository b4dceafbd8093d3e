// SPDX-License-Identifier: GPL-2.0
/*
 * Signed policies: detached CMS (PKCS#7) signatures over the policy file's exact bytes.
 *
 * CMS_verify() is the gate. When it says no, the same checks are re-run one at a time only to
 * tell the person which one failed: edited file, untrusted signer, expired certificate.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/bio.h>
#include <openssl/cms.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include "util/atomic.h"
#include "util/hex.h"
#include "util/msg.h"
#include "policy/policy.h"
#include "policy/sig.h"
#include "policy/order.h"
#include "util/readfile.h"


static void set_why(char *why, size_t len, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void set_why(char *why, size_t len, const char *fmt, ...)
{
	va_list ap;

	if (!why || !len)
		return;
	va_start(ap, fmt);
	vsnprintf(why, len, fmt, ap);
	va_end(ap);
}

static void set_str(char *dst, size_t len, const char *src)
{
	if (dst && len)
		snprintf(dst, len, "%s", src);
}

/* The first queued OpenSSL error as text, for messages; clears the queue. */
static const char *ssl_reason(char *buf, size_t len)
{
	unsigned long e = ERR_peek_last_error();

	if (!e)
		snprintf(buf, len, "unknown error");
	else
		ERR_error_string_n(e, buf, len);
	ERR_clear_error();
	return buf;
}


static char *default_sig_path(const char *policy_path)
{
	char *s;

	if (asprintf(&s, "%s%s", policy_path, VB_SIG_SUFFIX) < 0)
		return NULL;
	return s;
}

static void subject_of(X509 *x, char *out, size_t len)
{
	BIO *b = BIO_new(BIO_s_mem());
	char *data;
	long n;

	set_str(out, len, "(unknown subject)");
	if (!b)
		return;
	if (X509_NAME_print_ex(b, X509_get_subject_name(x), 0, XN_FLAG_RFC2253) >= 0) {
		n = BIO_get_mem_data(b, &data);
		if (out && len && n >= 0) {
			if ((size_t)n >= len)
				n = len - 1;
			memcpy(out, data, n);
			out[n] = '\0';
		}
	}
	BIO_free(b);
}

/* keyUsage, when present, must allow digitalSignature (a CA-only key does not sign policy). */
static bool may_sign(X509 *x)
{
	if (!(X509_get_extension_flags(x) & EXFLAG_KUSAGE))
		return true;
	return X509_get_key_usage(x) & KU_DIGITAL_SIGNATURE;
}

/* ---- trust store ---- */

void vb_trust_free(struct vb_trust *t)
{
	if (!t)
		return;
	X509_STORE_free(t->store);
	for (int i = 0; i < t->n; i++)
		free(t->subjects[i]);
	free(t->subjects);
	memset(t, 0, sizeof(*t));
}

static int trust_add_file(struct vb_trust *t, const char *file, char *why, size_t why_len)
{
	char subj[VB_SUBJECT_MAX], ebuf[256];
	int found = 0, err = 0;
	X509 *x;
	BIO *b;

	b = BIO_new_file(file, "r");
	if (!b) {
		err = errno ? -errno : -ENOENT;
		set_why(why, why_len, "cannot read trusted certificate %s: %s", file,
			strerror(-err));
		ERR_clear_error();
		return err;
	}
	while ((x = PEM_read_bio_X509(b, NULL, NULL, NULL))) {
		char **s;

		if (t->n >= VB_TRUST_MAX_CERTS) {
			X509_free(x);
			set_why(why, why_len, "%s: more than %d trusted certificates", file,
				VB_TRUST_MAX_CERTS);
			err = -E2BIG;
			goto out;
		}
		subject_of(x, subj, sizeof(subj));
		s = realloc(t->subjects, (t->n + 1) * sizeof(*s));
		if (!s) {
			X509_free(x);
			err = -ENOMEM;
			goto out;
		}
		t->subjects = s;
		t->subjects[t->n] = strdup(subj);
		if (!t->subjects[t->n] || !X509_STORE_add_cert(t->store, x)) {
			free(t->subjects[t->n]);
			X509_free(x);
			err = -ENOMEM;
			goto out;
		}
		t->n++;
		found++;
		X509_free(x);	/* the store holds its own reference */
	}
	/* Reading stops at end of file (PEM_R_NO_START_LINE) or at something that is not PEM. */
	if (ERR_GET_REASON(ERR_peek_last_error()) != PEM_R_NO_START_LINE) {
		set_why(why, why_len, "%s: bad certificate: %s", file,
			ssl_reason(ebuf, sizeof(ebuf)));
		err = -EBADMSG;
		goto out;
	}
	if (!found) {
		set_why(why, why_len, "%s: no PEM certificate in it", file);
		err = -EBADMSG;
	}
out:
	ERR_clear_error();
	BIO_free(b);
	return err;
}

int vb_trust_load_why(struct vb_trust *t, const char *const *cert_files, int n, char *why,
		      size_t why_len)
{
	int err;

	memset(t, 0, sizeof(*t));
	if (n <= 0) {
		set_why(why, why_len, "no trusted policy signer configured");
		return -EINVAL;
	}
	t->store = X509_STORE_new();
	if (!t->store)
		return -ENOMEM;
	/*
	 * The trusted signer certificate itself may be the anchor (it need not be self-signed), and
	 * a policy-signing certificate rarely carries the S/MIME usage CMS_verify() would ask for,
	 * so the purpose is "any"; keyUsage is checked by may_sign().
	 */
	if (!X509_STORE_set_flags(t->store, X509_V_FLAG_PARTIAL_CHAIN) ||
	    !X509_STORE_set_purpose(t->store, X509_PURPOSE_ANY)) {
		err = -ENOMEM;
		goto fail;
	}
	for (int i = 0; i < n; i++) {
		err = trust_add_file(t, cert_files[i], why, why_len);
		if (err)
			goto fail;
	}
	return 0;
fail:
	if (err == -ENOMEM)
		set_why(why, why_len, "out of memory loading trusted certificates");
	vb_trust_free(t);
	return err;
}

int vb_trust_load(struct vb_trust *t, const char *const *cert_files, int n)
{
	char why[VB_WHY_MAX];
	int err;

	err = vb_trust_load_why(t, cert_files, n, why, sizeof(why));
	if (err)
		vb_err("%s", why);
	return err;
}

/* ---- verification ---- */

/*
 * CMS_verify() consumes its content BIO, so each call gets a fresh one over the same bytes. The
 * memory BIO sits under a null filter: OpenSSL 3.0 copies a bare memory BIO and leaks the copy
 * when CMS_dataInit() fails (e.g. an unknown digest OID), fixed in later releases.
 */
static int cms_verify_once(CMS_ContentInfo *cms, X509_STORE *store, const char *buf, size_t len,
			   unsigned int flags)
{
	BIO *mem = BIO_new_mem_buf(buf, len), *data = BIO_new(BIO_f_null());
	int ok;

	if (!mem || !data) {
		BIO_free(mem);
		BIO_free(data);
		return -ENOMEM;
	}
	data = BIO_push(data, mem);
	ok = CMS_verify(cms, NULL, store, data, NULL, flags | CMS_BINARY);
	BIO_free_all(data);
	return ok == 1 ? 0 : -EBADMSG;
}

/* CMS_verify() failed: find out which check it was, for the person reading the message. */
static int explain_failure(const struct vb_trust *t, CMS_ContentInfo *cms, const char *policy_path,
			   const char *sig_path, const char *buf, size_t len, char *why,
			   size_t why_len)
{
	char subj[VB_SUBJECT_MAX], ebuf[256];
	STACK_OF(X509) *signers = NULL, *certs = NULL;
	X509_STORE_CTX *ctx = NULL;
	X509 *signer;
	int err, verr;

	ERR_clear_error();
	if (cms_verify_once(cms, t->store, buf, len, CMS_NO_SIGNER_CERT_VERIFY)) {
		unsigned long e = ERR_peek_last_error();

		if (ERR_GET_LIB(e) == ERR_LIB_CMS &&
		    ERR_GET_REASON(e) == CMS_R_SIGNER_CERTIFICATE_NOT_FOUND)
			set_why(why, why_len, "%s does not include the signer's certificate",
				sig_path);
		else
			set_why(why, why_len,
				"signature does not match the policy file %s (was it edited after signing?)",
				policy_path);
		ERR_clear_error();
		return -EBADMSG;
	}
	signers = CMS_get0_signers(cms);
	if (!signers || sk_X509_num(signers) != 1) {
		set_why(why, why_len, "%s: expected one signer", sig_path);
		err = -EBADMSG;
		goto out;
	}
	signer = sk_X509_value(signers, 0);
	subject_of(signer, subj, sizeof(subj));
	certs = CMS_get1_certs(cms);
	ctx = X509_STORE_CTX_new();
	if (!ctx || !X509_STORE_CTX_init(ctx, t->store, signer, certs)) {
		err = -ENOMEM;
		set_why(why, why_len, "out of memory verifying %s", sig_path);
		goto out;
	}
	if (X509_verify_cert(ctx) == 1) {
		/* Chain is fine now; CMS_verify() refused something else. */
		set_why(why, why_len, "%s: signature refused: %s", sig_path,
			ssl_reason(ebuf, sizeof(ebuf)));
		err = -EBADMSG;
		goto out;
	}
	verr = X509_STORE_CTX_get_error(ctx);
	switch (verr) {
	case X509_V_ERR_CERT_HAS_EXPIRED:
	case X509_V_ERR_CERT_NOT_YET_VALID:
		subject_of(X509_STORE_CTX_get_current_cert(ctx), ebuf, sizeof(ebuf));
		set_why(why, why_len, "signed by '%s' but certificate '%s' %s", subj, ebuf,
			verr == X509_V_ERR_CERT_HAS_EXPIRED ? "has expired" : "is not yet valid");
		err = -EKEYEXPIRED;
		break;
	case X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT:
	case X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY:
	case X509_V_ERR_DEPTH_ZERO_SELF_SIGNED_CERT:
	case X509_V_ERR_SELF_SIGNED_CERT_IN_CHAIN:
	case X509_V_ERR_UNABLE_TO_VERIFY_LEAF_SIGNATURE:
	case X509_V_ERR_CERT_UNTRUSTED:
		set_why(why, why_len, "signed by '%s' which is not a trusted policy signer", subj);
		err = -EKEYREJECTED;
		break;
	case X509_V_ERR_CERT_SIGNATURE_FAILURE:
		set_why(why, why_len,
			"signed by '%s' which is not a trusted policy signer (a certificate in its chain has a bad signature: forged?)",
			subj);
		err = -EKEYREJECTED;
		break;
	default:
		set_why(why, why_len, "signed by '%s' whose certificate is refused: %s", subj,
			X509_verify_cert_error_string(verr));
		err = -EKEYREJECTED;
		break;
	}
out:
	ERR_clear_error();
	X509_STORE_CTX_free(ctx);
	sk_X509_pop_free(certs, X509_free);
	sk_X509_free(signers);
	return err;
}

/*
 * What a policy signature covers: the policy text and, when it names certificate files, the
 * SHA-256 of each as the parser read it. A certificate swapped beside a signed policy would
 * otherwise change what is banned without touching the signed text. Policies without cert
 * rules are signed exactly as before: their text alone (*out stays NULL).
 */
static int signed_bytes(const char *buf, size_t len, const struct vb_policy *p, char **out,
			size_t *out_len)
{
	static const char sep[] = "\n#vendorban: certificate files of this policy\n";
	size_t n = 0, cap;
	char *s;

	*out = NULL;
	*out_len = len;
	for (size_t i = 0; p && i < p->n_rules; i++)
		n += p->rules[i].kind == VB_RULE_CERT;
	if (!n)
		return 0;
	cap = len + sizeof(sep) + n * (VB_POLICY_MAX_LINE + 80);
	s = malloc(cap);
	if (!s)
		return -ENOMEM;
	memcpy(s, buf, len);
	memcpy(s + len, sep, sizeof(sep) - 1);
	*out_len = len + sizeof(sep) - 1;
	for (size_t i = 0; i < p->n_rules; i++) {
		const struct vb_rule *r = &p->rules[i];
		char hex[65];

		if (r->kind != VB_RULE_CERT)
			continue;
		vb_hex(r->file_sha256, 32, hex);
		*out_len += snprintf(s + *out_len, cap - *out_len, "cert %s sha256 %s\n",
				     r->value ? r->value : "", hex);
	}
	*out = s;
	return 0;
}

int vb_policy_verify_buf(const struct vb_trust *t, const char *policy_path, const char *buf,
			 size_t len, const char *sig_path, char *signer, size_t signer_len,
			 char *why, size_t why_len)
{
	char *own_sig = NULL, *der = NULL, subj[VB_SUBJECT_MAX];
	STACK_OF(X509) *signers = NULL;
	CMS_ContentInfo *cms = NULL;
	const unsigned char *p;
	size_t der_len;
	int err;

	set_str(signer, signer_len, "");
	set_str(why, why_len, "");
	if (!t || !t->store) {
		set_why(why, why_len, "no trusted policy signer configured");
		return -EINVAL;
	}
	if (!sig_path) {
		own_sig = default_sig_path(policy_path);
		if (!own_sig)
			return -ENOMEM;
		sig_path = own_sig;
	}
	err = vb_read_file(sig_path, VB_SIG_MAX_SIZE, &der, &der_len);
	if (err == -ENOENT) {
		set_why(why, why_len, "policy is not signed: %s is missing", sig_path);
		goto out;
	}
	if (err == -EFBIG) {
		set_why(why, why_len, "%s is larger than %u bytes: not a policy signature",
			sig_path, VB_SIG_MAX_SIZE);
		goto out;
	}
	if (err) {
		set_why(why, why_len, "cannot read %s: %s", sig_path, strerror(-err));
		goto out;
	}
	p = (const unsigned char *)der;
	cms = d2i_CMS_ContentInfo(NULL, &p, der_len);
	if (!cms || p != (const unsigned char *)der + der_len) {
		set_why(why, why_len,
			"%s is not a DER CMS signature (truncated, corrupt or PEM?)", sig_path);
		err = -EBADMSG;
		goto out;
	}
	if (OBJ_obj2nid(CMS_get0_type(cms)) != NID_pkcs7_signed) {
		set_why(why, why_len, "%s is CMS but not SignedData", sig_path);
		err = -EBADMSG;
		goto out;
	}
	/* An attached signature would carry its own copy of the policy: not what we enforce. */
	if (CMS_is_detached(cms) != 1) {
		set_why(why, why_len, "%s is not a detached signature", sig_path);
		err = -EBADMSG;
		goto out;
	}
	/* The signed contentType attribute is checked against this; both must say "data". */
	if (OBJ_obj2nid(CMS_get0_eContentType(cms)) != NID_pkcs7_data) {
		set_why(why, why_len, "%s does not sign plain data", sig_path);
		err = -EBADMSG;
		goto out;
	}
	if (sk_CMS_SignerInfo_num(CMS_get0_SignerInfos(cms)) != 1) {
		set_why(why, why_len, "%s: expected exactly one signer", sig_path);
		err = -EBADMSG;
		goto out;
	}
	err = cms_verify_once(cms, t->store, buf, len, 0);
	if (err) {
		err = explain_failure(t, cms, policy_path, sig_path, buf, len, why, why_len);
		goto out;
	}
	signers = CMS_get0_signers(cms);
	if (!signers || sk_X509_num(signers) != 1) {
		set_why(why, why_len, "%s: expected one signer", sig_path);
		err = -EBADMSG;
		goto out;
	}
	subject_of(sk_X509_value(signers, 0), subj, sizeof(subj));
	if (!may_sign(sk_X509_value(signers, 0))) {
		set_why(why, why_len,
			"signed by '%s' whose keyUsage does not allow digitalSignature", subj);
		err = -EKEYREJECTED;
		goto out;
	}
	set_str(signer, signer_len, subj);
	err = 0;
out:
	ERR_clear_error();
	sk_X509_free(signers);
	CMS_ContentInfo_free(cms);
	free(der);
	free(own_sig);
	return err;
}

static int read_policy(const char *policy_path, char **buf, size_t *len, char *why,
		       size_t why_len)
{
	int err = vb_read_file(policy_path, VB_POLICY_MAX_SIZE, buf, len);

	if (err == -EFBIG)
		set_why(why, why_len, "%s is larger than %u bytes", policy_path,
			VB_POLICY_MAX_SIZE);
	else if (err)
		set_why(why, why_len, "cannot read %s: %s", policy_path, strerror(-err));
	return err;
}

/* Verify buf[0..len) as parsed into p (NULL: text only). */
static int verify_parsed(const struct vb_trust *t, const char *policy_path, const char *buf,
			 size_t len, const struct vb_policy *p, const char *sig_path, char *signer,
			 size_t signer_len, char *why, size_t why_len)
{
	size_t n;
	char *all;
	int err = signed_bytes(buf, len, p, &all, &n);

	if (err)
		return err;
	err = vb_policy_verify_buf(t, policy_path, all ? all : buf, n, sig_path, signer,
				   signer_len, why, why_len);
	if (err == -EBADMSG && all && strstr(why, "edited after signing") &&
	    strlen(why) + 40 < why_len)
		strcpy(strstr(why, "edited after signing"),
		       "edited, or a certificate file it names replaced, after signing?)");
	free(all);
	return err;
}

int vb_policy_verify(const struct vb_trust *t, const char *policy_path, const char *sig_path,
		     char *signer, size_t signer_len, char *why, size_t why_len)
{
	struct vb_policy *p = NULL;
	struct vb_diag diag = {};
	size_t len;
	char *buf;
	int err;

	set_str(signer, signer_len, "");
	err = read_policy(policy_path, &buf, &len, why, why_len);
	if (err)
		return err;
	/* A policy that does not parse is verified as text: its signer is still worth naming. */
	if (vb_policy_parse(policy_path, buf, len, &p, &diag) == -ENOMEM)
		err = -ENOMEM;
	else
		err = verify_parsed(t, policy_path, buf, len, p, sig_path, signer, signer_len, why,
				    why_len);
	vb_policy_free(p);
	vb_diag_free(&diag);
	free(buf);
	return err;
}

/* Move src's messages to the end of dst (as many as fit; the rest are counted). */
static void diag_take(struct vb_diag *dst, struct vb_diag *src)
{
	if (!dst)
		return;
	for (size_t i = 0; i < src->n; i++) {
		if (dst->n < VB_DIAG_MAX) {
			dst->msgs[dst->n] = src->msgs[i];
			dst->warning[dst->n++] = src->warning[i];
			src->msgs[i] = NULL;
		}
	}
	dst->n_total += src->n_total;
	dst->n_errors += src->n_errors;
}

int vb_policy_load_verified(const struct vb_trust *t, const char *policy_path,
			    struct vb_policy **out, struct vb_diag *diag, char *signer,
			    size_t slen, char *why, size_t wlen)
{
	struct vb_diag pd = {};
	size_t len;
	char *buf;
	int err;

	*out = NULL;
	set_str(signer, slen, "");
	err = read_policy(policy_path, &buf, &len, why, wlen);
	if (err)
		return err;
	/* Parsed first: the signature covers the certificate files as the parser read them. But
	 * what an unsigned or edited text says is nobody's business: its diagnostics are kept only
	 * once its signature holds. */
	err = vb_policy_parse(policy_path, buf, len, out, &pd);
	if (err == -ENOMEM)
		goto out;
	if (!err) {
		err = verify_parsed(t, policy_path, buf, len, *out, NULL, signer, slen, why, wlen);
	} else {
		int verr = verify_parsed(t, policy_path, buf, len, NULL, NULL, signer, slen, why,
					 wlen);

		if (!verr)
			set_why(why, wlen, "%s is signed by '%s' but does not parse", policy_path,
				signer);
		else
			err = verr;
	}
	if (!err || err == -EINVAL)
		diag_take(diag, &pd);
	if (err) {
		vb_policy_free(*out);
		*out = NULL;
	}
out:
	vb_diag_free(&pd);
	free(buf);
	return err;
}

int vb_policy_version_check(uint64_t new_version, uint64_t enforced_version, char *why,
			    size_t len)
{
	if (new_version > enforced_version)
		return 0;
	set_why(why, len, "version %llu is not newer than version %llu in force (rollback refused)",
		(unsigned long long)new_version, (unsigned long long)enforced_version);
	return -ESTALE;
}

/* ---- signing ---- */

static EVP_PKEY *load_key(const char *path)
{
	EVP_PKEY *k = NULL;
	BIO *b = BIO_new_file(path, "r");

	if (b)
		k = PEM_read_bio_PrivateKey(b, NULL, NULL, NULL);
	BIO_free(b);
	return k;
}

static X509 *load_cert(const char *path)
{
	X509 *x = NULL;
	BIO *b = BIO_new_file(path, "r");

	if (b)
		x = PEM_read_bio_X509(b, NULL, NULL, NULL);
	BIO_free(b);
	return x;
}

/* An ASN.1 time as OpenSSL prints it ("Dec  6 05:07:18 2026 GMT"). */
static void time_text(const ASN1_TIME *t, char *out, size_t len)
{
	BIO *b = BIO_new(BIO_s_mem());
	int n = 0;

	out[0] = '\0';
	if (b && ASN1_TIME_print(b, t))
		n = BIO_read(b, out, len - 1);
	out[n > 0 ? n : 0] = '\0';
	BIO_free(b);
}

/*
 * Verifiers refuse a signature whose certificate is outside its validity period, so signing
 * with one would only make a signature that every host refuses at the next reload. 0, or
 * -EKEYEXPIRED said here with the dates.
 */
static int check_validity(X509 *cert, const char *cert_pem)
{
	const ASN1_TIME *nb = X509_get0_notBefore(cert), *na = X509_get0_notAfter(cert);
	char from[64], to[64];
	bool early = X509_cmp_current_time(nb) > 0, late = X509_cmp_current_time(na) < 0;

	if (!early && !late)
		return 0;
	time_text(nb, from, sizeof(from));
	time_text(na, to, sizeof(to));
	vb_err("%s: the certificate %s (valid from %s until %s): verifiers would refuse the "
	       "signature", cert_pem, late ? "has expired" : "is not yet valid", from, to);
	return -EKEYEXPIRED;
}

static int fill_sig(int fd, void *arg)
{
	CMS_ContentInfo *cms = arg;
	BIO *b;
	int err = 0;

	/* A signature is public: readable whatever the signer's umask, as it always was. */
	if (fchmod(fd, 0644))
		return -errno;
	b = BIO_new_fd(fd, BIO_NOCLOSE);
	if (!b || i2d_CMS_bio(b, cms) != 1 || BIO_flush(b) != 1)
		err = -EIO;
	BIO_free(b);
	return err;
}

static int cmp_digest(const void *a, const void *b)
{
	return memcmp(a, b, 32);
}

int vb_trust_digest(const struct vb_trust *t, uint8_t out[32])
{
	STACK_OF(X509_OBJECT) *objs = X509_STORE_get0_objects(t->store);
	int n = sk_X509_OBJECT_num(objs), k = 0;
	uint8_t (*d)[32] = calloc(n > 0 ? n : 1, 32);

	if (!d)
		return -ENOMEM;
	for (int i = 0; i < n; i++) {
		X509 *x = X509_OBJECT_get0_X509(sk_X509_OBJECT_value(objs, i));
		unsigned char *der = NULL;
		int len = x ? i2d_X509(x, &der) : -1;

		if (len > 0)
			EVP_Digest(der, len, d[k++], NULL, EVP_sha256(), NULL);
		OPENSSL_free(der);
	}
	/* The same certificates in any order, from any files, are the same trust. */
	qsort(d, k, 32, cmp_digest);
	EVP_Digest(d, (size_t)k * 32, out, NULL, EVP_sha256(), NULL);
	free(d);
	return k ? 0 : -ENOENT;
}

int vb_policy_sign(const char *policy_path, const char *key_pem, const char *cert_pem,
		   const char *sig_out)
{
	const unsigned int flags = CMS_DETACHED | CMS_BINARY | CMS_PARTIAL;
	char *buf = NULL, *own_out = NULL, *all = NULL, why[VB_WHY_MAX], ebuf[256];
	size_t all_len;
	struct vb_policy *pol = NULL;
	struct vb_diag diag = {};
	CMS_ContentInfo *cms = NULL;
	EVP_PKEY *key = NULL;
	X509 *cert = NULL;
	BIO *data = NULL;
	size_t len;
	int err;

	err = read_policy(policy_path, &buf, &len, why, sizeof(why));
	if (err) {
		vb_err("%s", why);
		return err;
	}
	/* Sign the bytes that were checked, not a second read of the file. A disable order
	 * (policy/order.h) is signed the same way. */
	err = vb_policy_parse(policy_path, buf, len, &pol, &diag);
	if (err && err != -ENOMEM && len >= sizeof(VB_ORDER_MAGIC) - 1 &&
	    !memcmp(buf, VB_ORDER_MAGIC, sizeof(VB_ORDER_MAGIC) - 1)) {
		struct vb_order order;

		err = vb_order_parse(buf, len, &order, why, sizeof(why));
		if (err)
			vb_err("%s: refusing to sign a disable order that does not parse: %s",
			       policy_path, why);
		if (err)
			goto out;
	} else if (err) {
		vb_diag_log(&diag, policy_path);
		vb_err("%s: refusing to sign a policy that does not parse", policy_path);
		goto out;
	}
	key = load_key(key_pem);
	if (!key) {
		vb_err("%s: cannot load private key: %s", key_pem, ssl_reason(ebuf, sizeof(ebuf)));
		err = -EINVAL;
		goto out;
	}
	cert = load_cert(cert_pem);
	if (!cert) {
		vb_err("%s: cannot load certificate: %s", cert_pem, ssl_reason(ebuf, sizeof(ebuf)));
		err = -EINVAL;
		goto out;
	}
	if (X509_check_private_key(cert, key) != 1) {
		ERR_clear_error();
		vb_err("%s does not match the certificate %s", key_pem, cert_pem);
		err = -EINVAL;
		goto out;
	}
	if (!may_sign(cert)) {
		vb_err("%s: keyUsage does not allow digitalSignature; verifiers would refuse it",
		       cert_pem);
		err = -EINVAL;
		goto out;
	}
	err = check_validity(cert, cert_pem);
	if (err)
		goto out;
	err = signed_bytes(buf, len, pol, &all, &all_len);
	if (err)
		goto out;
	data = BIO_new_mem_buf(all ? all : buf, all_len);
	cms = CMS_sign(NULL, NULL, NULL, NULL, flags);
	if (!data || !cms || !CMS_add1_signer(cms, cert, key, EVP_sha256(), flags) ||
	    CMS_final(cms, data, NULL, flags) != 1) {
		vb_err("%s: signing failed: %s", policy_path, ssl_reason(ebuf, sizeof(ebuf)));
		err = -EINVAL;
		goto out;
	}
	if (!sig_out) {
		own_out = default_sig_path(policy_path);
		if (!own_out) {
			err = -ENOMEM;
			goto out;
		}
		sig_out = own_out;
	}
	/* Atomic: a reader (the daemon, woken by inotify) never sees half a signature. */
	err = vb_atomic_write_fd(sig_out, 0644, fill_sig, cms);
	if (err)
		vb_err("%s: cannot write signature: %s", sig_out, strerror(-err));
out:
	ERR_clear_error();
	BIO_free(data);
	CMS_ContentInfo_free(cms);
	X509_free(cert);
	EVP_PKEY_free(key);
	vb_policy_free(pol);
	vb_diag_free(&diag);
	free(own_out);
	free(all);
	free(buf);
	return err;
}
