// SPDX-License-Identifier: GPL-2.0
/*
 * Kernel module signatures. The trailer checks copy the kernel's (kernel/module_signature.c,
 * mod_check_sig(), unchanged from 5.4 to 6.12) so that what we call malformed is what the
 * kernel refuses. The PKCS#7 is read with OpenSSL's CMS code rather than d2i_PKCS7(): sign-file
 * -k names the signer by SubjectKeyIdentifier (a version 3 SignerInfo), which only CMS parses.
 */
#include <errno.h>
#include <limits.h>
#include <string.h>
#include <openssl/cms.h>
#include <openssl/objects.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>
#include "identify/modsig.h"
#include "identify/x509id.h"

/* include/linux/module_signature.h */
struct module_signature {
	uint8_t algo;		/* 0: the PKCS#7 says it */
	uint8_t hash;		/* 0: the PKCS#7 says it */
	uint8_t id_type;	/* VB_MODSIG_ID_PKCS7 */
	uint8_t signer_len;	/* 0 */
	uint8_t key_id_len;	/* 0 */
	uint8_t pad[3];
	uint8_t sig_len[4];	/* big endian */
};

_Static_assert(sizeof(struct module_signature) == VB_MODSIG_TRAILER_LEN, "module_signature");

static int modsig_trailer(const uint8_t *buf, size_t len, struct vb_modsig_layout *lay,
			  struct vb_evidence *ev)
{
	struct module_signature ms;
	size_t modlen, off;
	uint32_t sig_len;

	if (len < VB_MODSIG_MARKER_LEN ||
	    memcmp(buf + len - VB_MODSIG_MARKER_LEN, VB_MODSIG_MARKER, VB_MODSIG_MARKER_LEN))
		return -ENODATA;
	modlen = len - VB_MODSIG_MARKER_LEN;
	if (modlen <= sizeof(ms)) {
		vb_evidence_error(ev, "module signature: marker at offset %zu, no room for a trailer",
				  modlen);
		return -EBADMSG;
	}
	off = modlen - sizeof(ms);
	memcpy(&ms, buf + off, sizeof(ms));
	sig_len = (uint32_t)ms.sig_len[0] << 24 | (uint32_t)ms.sig_len[1] << 16 |
		  (uint32_t)ms.sig_len[2] << 8 | ms.sig_len[3];
	/* The kernel wants at least one byte of module before the signature; so do we. */
	if (sig_len >= off) {
		vb_evidence_error(ev, "module signature: sig_len %u at offset %zu, but %zu bytes before it",
				  sig_len, off + 8, off);
		return -EBADMSG;
	}
	if (ms.id_type != VB_MODSIG_ID_PKCS7) {
		vb_evidence_error(ev, "module signature: id_type %u at offset %zu is not PKCS#7 (%u)",
				  ms.id_type, off + 2, VB_MODSIG_ID_PKCS7);
		return -ENOPKG;
	}
	if (ms.algo || ms.hash || ms.signer_len || ms.key_id_len || ms.pad[0] || ms.pad[1] ||
	    ms.pad[2]) {
		vb_evidence_error(ev, "module signature: nonzero algo, hash or key fields at offset %zu",
				  off);
		return -EBADMSG;
	}
	lay->sig_len = sig_len;
	lay->sig_off = off - sig_len;
	lay->body_len = lay->sig_off;
	return 0;
}

int vb_modsig_layout(const uint8_t *buf, size_t len, struct vb_modsig_layout *lay)
{
	return modsig_trailer(buf, len, lay, NULL);
}

/* "sha256" from a digest AlgorithmIdentifier; "" for an OID OpenSSL has no name for. */
static void digest_name(const X509_ALGOR *alg, char *buf, size_t size)
{
	const ASN1_OBJECT *obj;
	const char *name;
	size_t i;

	buf[0] = '\0';
	X509_ALGOR_get0(&obj, NULL, NULL, alg);
	name = OBJ_nid2ln(OBJ_obj2nid(obj));
	if (!name || strlen(name) >= size)
		return;
	for (i = 0; name[i]; i++)
		buf[i] = name[i] >= 'A' && name[i] <= 'Z' ? name[i] - 'A' + 'a' : name[i];
	buf[i] = '\0';
}

/* The certificate in certs that issued cert (names and key identifiers agree); not cert. */
static X509 *find_issuer(STACK_OF(X509) *certs, X509 *cert)
{
	for (int i = 0; i < sk_X509_num(certs); i++) {
		X509 *x = sk_X509_value(certs, i);

		if (x != cert && X509_check_issued(x, cert) == X509_V_OK)
			return x;
	}
	return NULL;
}

/*
 * The embedded certificates above the signer's, nearest first. Bounded by the number of
 * certificates, so a cross-signed pair that issued each other cannot loop.
 */
static int add_chain(struct vb_evidence *ev, STACK_OF(X509) *certs, X509 *leaf)
{
	X509 *cur = leaf, *next;
	unsigned int depth;
	struct vb_signer *s;
	int err;

	for (depth = 1; depth <= (unsigned int)sk_X509_num(certs); depth++) {
		if (X509_check_issued(cur, cur) == X509_V_OK)
			break;
		next = find_issuer(certs, cur);
		if (!next)
			break;
		s = vb_evidence_add_signer(ev, VB_SIG_MODULE);
		if (!s)
			break;
		s->chain_depth = depth;
		err = vb_x509id_from_cert(s, next);
		if (err)
			return err;
		cur = next;
	}
	return 0;
}

static X509 *signer_cert(STACK_OF(X509) *certs, CMS_SignerInfo *si)
{
	for (int i = 0; i < sk_X509_num(certs); i++)
		if (!CMS_SignerInfo_cert_cmp(si, sk_X509_value(certs, i)))
			return sk_X509_value(certs, i);
	return NULL;
}

static int add_signer(struct vb_evidence *ev, CMS_SignerInfo *si, STACK_OF(X509) *certs)
{
	ASN1_OCTET_STRING *keyid = NULL;
	ASN1_INTEGER *serial = NULL;
	X509_NAME *issuer = NULL;
	X509_ALGOR *digest;
	struct vb_signer *s;
	X509 *cert;
	int err;

	if (CMS_SignerInfo_get0_signer_id(si, &keyid, &issuer, &serial) != 1)
		return -EBADMSG;
	s = vb_evidence_add_signer(ev, VB_SIG_MODULE);
	if (!s)
		return 0;
	CMS_SignerInfo_get0_algs(si, NULL, NULL, &digest, NULL);
	digest_name(digest, s->hash_algo, sizeof(s->hash_algo));
	cert = signer_cert(certs, si);
	if (cert) {
		err = vb_x509id_from_cert(s, cert);
		return err ? err : add_chain(ev, certs, cert);
	}
	if (issuer && serial)
		return vb_x509id_issuer_serial(s, issuer, serial);
	if (!keyid)
		return -EBADMSG;
	if (ASN1_STRING_length(keyid) * 2 + 1 > (int)sizeof(s->skid))
		return -ENAMETOOLONG;
	vb_hex(ASN1_STRING_get0_data(keyid), ASN1_STRING_length(keyid), s->skid);
	return 0;
}

static int read_pkcs7(const uint8_t *der, size_t len, size_t off, struct vb_evidence *ev)
{
	const unsigned char *p = der;
	STACK_OF(CMS_SignerInfo) *sis;
	STACK_OF(X509) *certs = NULL;
	CMS_ContentInfo *cms;
	int err = 0, n;

	if (len > LONG_MAX)
		return -EFBIG;
	cms = d2i_CMS_ContentInfo(NULL, &p, (long)len);
	/* Bytes after the DER would be a second message the kernel never reads: refuse. */
	if (!cms || p != der + len) {
		vb_evidence_error(ev, "module signature: %zu bytes at offset %zu are not one DER PKCS#7 message",
				  len, off);
		err = -EBADMSG;
		goto out;
	}
	sis = CMS_get0_SignerInfos(cms);
	n = sis ? sk_CMS_SignerInfo_num(sis) : 0;
	if (n <= 0) {
		vb_evidence_error(ev, "module signature: PKCS#7 at offset %zu is not SignedData with a signer",
				  off);
		err = -EBADMSG;
		goto out;
	}
	certs = CMS_get1_certs(cms);
	for (int i = 0; i < n && !err; i++) {
		err = add_signer(ev, sk_CMS_SignerInfo_value(sis, i), certs);
		if (err)
			vb_evidence_error(ev, "module signature: signer %d of the PKCS#7 at offset %zu: %s",
					  i, off, strerror(-err));
	}
out:
	sk_X509_pop_free(certs, X509_free);
	CMS_ContentInfo_free(cms);
	return err;
}

int vb_modsig_read(const uint8_t *buf, size_t len, struct vb_evidence *ev)
{
	size_t n_signers = ev->n_signers, dropped = ev->signers_dropped;
	struct vb_modsig_layout lay;
	int err;

	err = modsig_trailer(buf, len, &lay, ev);
	if (err)
		return err;
	err = read_pkcs7(buf + lay.sig_off, lay.sig_len, lay.sig_off, ev);
	if (err) {
		ev->n_signers = n_signers;
		ev->signers_dropped = dropped;
	}
	return err;
}
