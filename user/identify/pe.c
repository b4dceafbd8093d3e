// SPDX-License-Identifier: GPL-2.0
/*
 * Authenticode signers of a PE/COFF file (Microsoft PE Format, "The Attribute Certificate
 * Table"). The certificate table is the one data directory whose address is a file offset, not
 * an RVA, so no section mapping is needed: headers, one directory entry, then a list of
 * WIN_CERTIFICATE entries each holding a PKCS#7 SignedData.
 */
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <string.h>
#include <openssl/err.h>
#include <openssl/objects.h>
#include <openssl/pkcs7.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>
#include "identify/pe.h"
#include "identify/x509id.h"

#define DOS_HDR_LEN		64
#define DOS_MAGIC		0x5a4d		/* "MZ" */
#define DOS_LFANEW_OFF		0x3c
#define PE_SIG_LEN		4
#define COFF_HDR_LEN		20
#define COFF_OPT_SIZE_OFF	16
#define OPT_MAGIC_PE32		0x10b
#define OPT_MAGIC_PE32PLUS	0x20b
#define OPT_NDIRS_OFF_PE32	92		/* NumberOfRvaAndSizes */
#define OPT_NDIRS_OFF_PE32PLUS	108
#define DATA_DIR_LEN		8
#define DIR_SECURITY		4		/* IMAGE_DIRECTORY_ENTRY_SECURITY */

#define WIN_CERT_HDR_LEN	8		/* dwLength, wRevision, wCertificateType */
#define WIN_CERT_ALIGN		8		/* entries start on 8-byte boundaries */
#define WIN_CERT_REVISION_2_0	0x0200
#define WIN_CERT_TYPE_PKCS	0x0002		/* WIN_CERT_TYPE_PKCS_SIGNED_DATA */
#define WIN_CERTS_MAX		16		/* certificate table entries looked at */

#define PE_CHAIN_MAX		8		/* certificates followed up from one signer */
#define PE_NEST_DEPTH_MAX	4		/* signatures nested in nested signatures */
#define PE_NESTED_MAX		8		/* nested signatures per signer */

/* 1.3.6.1.4.1.311.2.4.1, SPC_NESTED_SIGNATURE_OBJID, as DER content octets. */
static const uint8_t spc_nested_oid[] = { 0x2b, 0x06, 0x01, 0x04, 0x01, 0x82, 0x37, 0x02, 0x04,
					  0x01 };

static uint16_t le16(const uint8_t *p)
{
	return p[0] | p[1] << 8;
}

static uint32_t le32(const uint8_t *p)
{
	return p[0] | p[1] << 8 | p[2] << 16 | (uint32_t)p[3] << 24;
}

/* "SHA256" -> "sha256": the names `openssl dgst` and sha256sum users know. */
static void digest_name(const X509_ALGOR *alg, char *buf, size_t size)
{
	const ASN1_OBJECT *obj;
	const char *sn;
	size_t i;

	X509_ALGOR_get0(&obj, NULL, NULL, alg);
	sn = OBJ_nid2sn(OBJ_obj2nid(obj));
	if (!sn || strlen(sn) >= size)
		return;
	for (i = 0; sn[i]; i++)
		buf[i] = tolower((unsigned char)sn[i]);
	buf[i] = '\0';
}

/* Fill a signer slot from a certificate; NULL slot (evidence full) is counted, not an error. */
static int add_cert(struct vb_evidence *ev, X509 *cert, unsigned int depth)
{
	struct vb_signer *s = vb_evidence_add_signer(ev, VB_SIG_AUTHENTICODE);
	int err;

	if (!s)
		return 0;
	s->chain_depth = depth;
	/*
	 * A name too long for the evidence model leaves the later fields empty; the slot stays,
	 * so the file still shows as signed by a certificate we could not name in full.
	 */
	err = vb_x509id_from_cert(s, cert);
	return err == -ENOMEM ? err : 0;
}

static X509 *find_issuer(STACK_OF(X509) *certs, X509 *cert)
{
	X509 *by_name = NULL;

	for (int i = 0; i < sk_X509_num(certs); i++) {
		X509 *c = sk_X509_value(certs, i);

		if (c == cert)
			continue;
		/* Name plus AKID/SKID, so a renewed CA with the same name picks the right key. */
		if (X509_check_issued(c, cert) == X509_V_OK)
			return c;
		if (!by_name && !X509_NAME_cmp(X509_get_subject_name(c), X509_get_issuer_name(cert)))
			by_name = c;
	}
	return by_name;
}

/* The certificates above the signer's, nearest first, until a root or a missing issuer. */
static int add_chain(struct vb_evidence *ev, STACK_OF(X509) *certs, X509 *leaf)
{
	X509 *seen[PE_CHAIN_MAX + 1] = { leaf };
	X509 *cur = leaf, *next;
	unsigned int depth, i;
	int err;

	for (depth = 1; depth <= PE_CHAIN_MAX; depth++) {
		if (X509_check_issued(cur, cur) == X509_V_OK)
			break;
		next = find_issuer(certs, cur);
		if (!next)
			break;
		for (i = 0; i < depth && seen[i] != next; i++)
			;
		if (i < depth)
			break;		/* a loop of certificates issuing each other */
		err = add_cert(ev, next, depth);
		if (err)
			return err;
		seen[depth] = cur = next;
	}
	return 0;
}

static int add_signer_info(struct vb_evidence *ev, PKCS7_SIGNER_INFO *si, STACK_OF(X509) *certs)
{
	PKCS7_ISSUER_AND_SERIAL *ias = si->issuer_and_serial;
	struct vb_signer *s;
	X509 *cert = NULL;
	int err;

	if (!ias || !ias->issuer || !ias->serial)
		return -EBADMSG;
	if (certs)
		cert = X509_find_by_issuer_and_serial(certs, ias->issuer, ias->serial);
	s = vb_evidence_add_signer(ev, VB_SIG_AUTHENTICODE);
	if (s) {
		if (si->digest_alg)
			digest_name(si->digest_alg, s->hash_algo, sizeof(s->hash_algo));
		/* Without its certificate, named by issuer and serial as the SignerInfo does. */
		if (cert)
			err = vb_x509id_from_cert(s, cert);
		else
			err = vb_x509id_issuer_serial(s, ias->issuer, ias->serial);
		if (err == -ENOMEM)
			return err;
	}
	/* Walked even when the evidence is full, so that what is dropped is counted. */
	return cert ? add_chain(ev, certs, cert) : 0;
}

static int pkcs7_read(const uint8_t *der, size_t len, struct vb_evidence *ev, unsigned int nest);

static bool is_nested_signature(const X509_ATTRIBUTE *attr)
{
	const ASN1_OBJECT *obj = X509_ATTRIBUTE_get0_object((X509_ATTRIBUTE *)attr);

	return OBJ_length(obj) == sizeof(spc_nested_oid) &&
	       !memcmp(OBJ_get0_data(obj), spc_nested_oid, sizeof(spc_nested_oid));
}

/*
 * `osslsigncode -nest` and signtool /as put further signatures (often SHA-1 beside SHA-256) in
 * an unauthenticated attribute of the primary signer. Nothing about them is checked by
 * Windows either, but a vendor's second certificate named there is still the vendor's.
 */
static int add_nested(struct vb_evidence *ev, PKCS7_SIGNER_INFO *si, unsigned int nest)
{
	STACK_OF(X509_ATTRIBUTE) *attrs = si->unauth_attr;
	unsigned int found = 0;
	int err;

	for (int i = 0; i < sk_X509_ATTRIBUTE_num(attrs); i++) {
		X509_ATTRIBUTE *attr = sk_X509_ATTRIBUTE_value(attrs, i);

		if (!is_nested_signature(attr))
			continue;
		for (int j = 0; j < X509_ATTRIBUTE_count(attr) && found < PE_NESTED_MAX; j++) {
			ASN1_TYPE *t = X509_ATTRIBUTE_get0_type(attr, j);

			if (!t || t->type != V_ASN1_SEQUENCE || !t->value.sequence)
				continue;
			found++;
			err = pkcs7_read(t->value.sequence->data, t->value.sequence->length, ev,
					 nest + 1);
			/* A malformed nested signature does not undo the primary one. */
			if (err == -ENOMEM)
				return err;
		}
	}
	return 0;
}

static int pkcs7_read(const uint8_t *der, size_t len, struct vb_evidence *ev, unsigned int nest)
{
	STACK_OF(PKCS7_SIGNER_INFO) *infos;
	const unsigned char *p = der;
	PKCS7 *p7;
	int err = 0, n;

	if (len > LONG_MAX)
		return -EBADMSG;
	p7 = d2i_PKCS7(NULL, &p, (long)len);
	if (!p7) {
		ERR_clear_error();
		return -EBADMSG;
	}
	if (!PKCS7_type_is_signed(p7) || !p7->d.sign) {
		err = -EBADMSG;
		goto out;
	}
	infos = PKCS7_get_signer_info(p7);
	n = sk_PKCS7_SIGNER_INFO_num(infos);
	if (n <= 0) {
		err = -EBADMSG;
		goto out;
	}
	for (int i = 0; i < n; i++) {
		PKCS7_SIGNER_INFO *si = sk_PKCS7_SIGNER_INFO_value(infos, i);

		err = add_signer_info(ev, si, p7->d.sign->cert);
		if (err)
			goto out;
		if (nest < PE_NEST_DEPTH_MAX) {
			err = add_nested(ev, si, nest);
			if (err)
				goto out;
		}
	}
out:
	PKCS7_free(p7);
	ERR_clear_error();
	return err;
}

/*
 * The certificate table's file offset and size; -ENODATA when the file is not a signed PE,
 * -EBADMSG with the reason in ev->error when its headers are wrong.
 */
static int pe_cert_table(const uint8_t *buf, size_t len, struct vb_evidence *ev, size_t *off,
			 size_t *size)
{
	size_t lfanew, opt, opt_len, ndirs_off, dir;
	uint32_t va, sz;
	uint16_t magic;

	if (len < DOS_HDR_LEN || le16(buf) != DOS_MAGIC)
		return -ENODATA;
	lfanew = le32(buf + DOS_LFANEW_OFF);
	if (lfanew > len || len - lfanew < PE_SIG_LEN + COFF_HDR_LEN) {
		vb_evidence_error(ev, "PE: e_lfanew %zu leaves no room for the PE header in the %zu-byte file",
				  lfanew, len);
		return -EBADMSG;
	}
	/* An MZ stub without "PE\0\0" is a DOS, NE or LE program: no Authenticode there. */
	if (memcmp(buf + lfanew, "PE\0\0", PE_SIG_LEN))
		return -ENODATA;
	opt = lfanew + PE_SIG_LEN + COFF_HDR_LEN;
	opt_len = le16(buf + lfanew + PE_SIG_LEN + COFF_OPT_SIZE_OFF);
	if (opt_len > len - opt || opt_len < 2) {
		vb_evidence_error(ev, "PE: optional header of %zu bytes at offset %zu is not in the %zu-byte file",
				  opt_len, opt, len);
		return -EBADMSG;
	}
	magic = le16(buf + opt);
	if (magic == OPT_MAGIC_PE32) {
		ndirs_off = OPT_NDIRS_OFF_PE32;
	} else if (magic == OPT_MAGIC_PE32PLUS) {
		ndirs_off = OPT_NDIRS_OFF_PE32PLUS;
	} else {
		vb_evidence_error(ev, "PE: optional header magic 0x%x is neither PE32 nor PE32+",
				  magic);
		return -EBADMSG;
	}
	if (opt_len < ndirs_off + 4) {
		vb_evidence_error(ev, "PE: optional header of %zu bytes ends before its data directories",
				  opt_len);
		return -EBADMSG;
	}
	dir = ndirs_off + 4 + DIR_SECURITY * DATA_DIR_LEN;
	if (le32(buf + opt + ndirs_off) <= DIR_SECURITY || opt_len < dir + DATA_DIR_LEN)
		return -ENODATA;	/* no directory entry, so no certificate table */
	va = le32(buf + opt + dir);
	sz = le32(buf + opt + dir + 4);
	if (!sz)
		return -ENODATA;	/* what a stripped signature leaves, whatever the address */
	if (!va || sz < WIN_CERT_HDR_LEN || va > len || sz > len - va) {
		vb_evidence_error(ev, "PE: certificate table at offset %u, %u bytes, is not in the %zu-byte file",
				  va, sz, len);
		return -EBADMSG;
	}
	*off = va;
	*size = sz;
	return 0;
}

int vb_pe_read(const uint8_t *buf, size_t len, struct vb_evidence *ev)
{
	size_t off, size, end, dw, bad_off = 0, bad_len = 0;
	bool bad_length = false;
	size_t n_before = ev->n_signers + ev->signers_dropped;
	int err, first_err = 0;
	unsigned int i;

	err = pe_cert_table(buf, len, ev, &off, &size);
	if (err)
		return err;
	end = off + size;
	for (i = 0; i < WIN_CERTS_MAX && end - off >= WIN_CERT_HDR_LEN; i++) {
		dw = le32(buf + off);
		if (dw < WIN_CERT_HDR_LEN || dw > end - off) {
			if (!first_err) {
				first_err = -EBADMSG;
				bad_off = off;
				bad_len = dw;
				bad_length = true;
			}
			break;
		}
		if (le16(buf + off + 4) == WIN_CERT_REVISION_2_0 &&
		    le16(buf + off + 6) == WIN_CERT_TYPE_PKCS) {
			err = pkcs7_read(buf + off + WIN_CERT_HDR_LEN, dw - WIN_CERT_HDR_LEN, ev, 0);
			if (err == -ENOMEM)
				return err;
			if (err && !first_err) {
				first_err = err;
				bad_off = off;
			}
		}
		dw = (dw + WIN_CERT_ALIGN - 1) & ~(size_t)(WIN_CERT_ALIGN - 1);
		if (dw >= end - off)
			break;
		off += dw;
	}
	/*
	 * Whatever was found stands even when a later entry is malformed: junk appended to the
	 * table must not hide the vendor who signed the first entry, the one Windows checks.
	 */
	if (ev->n_signers + ev->signers_dropped > n_before)
		return 0;
	if (!first_err)
		return -ENODATA;
	if (bad_length)
		vb_evidence_error(ev, "PE: certificate entry at offset %zu has length %zu, not 8 to %zu",
				  bad_off, bad_len, end - bad_off);
	else
		vb_evidence_error(ev, "PE: certificate entry at offset %zu is not a PKCS#7 SignedData",
				  bad_off);
	return first_err;
}
