// SPDX-License-Identifier: GPL-2.0
/*
 * Kernel module signatures and compressed modules, on modules signed by the kernel's sign-file
 * (issuer+serial and -k SKID forms), openssl cms (embedded chain, two signers) and compressed
 * by gzip, xz and zstd as kbuild does. Each refusal has an accepted twin.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <openssl/evp.h>
#include "kselftest_harness.h"
#include "identify_fixture.h"
#include "identify/decompress.h"
#include "identify/evidence.h"
#include "identify/modsig.h"

#define TRAILER_LEN	(VB_MODSIG_TRAILER_LEN + VB_MODSIG_MARKER_LEN)

FIXTURE(modsig) {
	char dir[PATH_MAX];
	struct vb_evidence ev;
	uint8_t *buf;
	size_t len;
	char banned_skid[VB_KEYID_MAX];
};

FIXTURE_SETUP(modsig)
{
	memset(&self->ev, 0, sizeof(self->ev));
	self->buf = NULL;
	ASSERT_EQ(0, identify_fixtures(self->dir, sizeof(self->dir))) {
		TH_LOG("cannot make fixtures with " FIXTURE_SCRIPT " (run from the top of the tree "
		       "after make setup)");
	}
	fixture_skid(self->dir, "banned", self->banned_skid);
	ASSERT_EQ(40u, strlen(self->banned_skid));
}

FIXTURE_TEARDOWN(modsig)
{
	free(self->buf);
}

static uint8_t *load(FIXTURE_DATA(modsig) *self, const char *name)
{
	free(self->buf);
	self->buf = fixture_read(self->dir, name, &self->len);
	return self->buf;
}

/* A copy of buf[0, body) + der[0, der_len) + a trailer saying sig_len, with the marker. */
static uint8_t *build(const uint8_t *body, size_t body_len, const uint8_t *der, size_t der_len,
		      uint32_t sig_len, uint8_t id_type, size_t *len)
{
	uint8_t *p = malloc(body_len + der_len + TRAILER_LEN), *t;

	if (!p)
		abort();
	memcpy(p, body, body_len);
	memcpy(p + body_len, der, der_len);
	t = p + body_len + der_len;
	memset(t, 0, VB_MODSIG_TRAILER_LEN);
	t[2] = id_type;
	t[8] = sig_len >> 24;
	t[9] = sig_len >> 16;
	t[10] = sig_len >> 8;
	t[11] = sig_len;
	memcpy(t + VB_MODSIG_TRAILER_LEN, VB_MODSIG_MARKER, VB_MODSIG_MARKER_LEN);
	*len = body_len + der_len + TRAILER_LEN;
	return p;
}

static bool is_modsig_errno(int err)
{
	return err == 0 || err == -EBADMSG || err == -ENODATA || err == -ENOPKG ||
	       err == -ENAMETOOLONG;
}

TEST_F(modsig, banned_by_issuer_and_serial)
{
	const struct vb_signer *s = &self->ev.signers[0];
	const unsigned char *der;
	size_t der_len;
	X509 *ca;

	ASSERT_NE(NULL, load(self, "banned.ko"));
	ASSERT_EQ(0, vb_modsig_read(self->buf, self->len, &self->ev));
	ASSERT_EQ(1u, self->ev.n_signers);
	EXPECT_TRUE(s->format == VB_SIG_MODULE);
	EXPECT_EQ(0u, s->chain_depth);
	EXPECT_STREQ(CA_DN, s->issuer);
	EXPECT_STREQ(BANNED_SERIAL, s->serial);
	EXPECT_STREQ("sha256", s->hash_algo);
	EXPECT_TRUE(s->has_issuer_serial);
	/* sign-file embeds no certificate: nothing else is known. */
	EXPECT_STREQ("", s->subject);
	EXPECT_STREQ("", s->skid);
	EXPECT_FALSE(s->has_tbs);
	EXPECT_STREQ("", self->ev.error);
	/* The issuer as DER is the CA's subject, byte for byte, as the kernel compares it. */
	ca = fixture_cert(self->dir, "ca");
	ASSERT_NE(NULL, ca);
	ASSERT_EQ(1, X509_NAME_get0_der(X509_get_subject_name(ca), &der, &der_len));
	ASSERT_EQ(der_len, s->issuer_der_len);
	EXPECT_EQ(0, memcmp(der, s->issuer_der, der_len));
	X509_free(ca);
}

TEST_F(modsig, banned_by_skid)
{
	const struct vb_signer *s = &self->ev.signers[0];

	ASSERT_NE(NULL, load(self, "banned-skid.ko"));
	ASSERT_EQ(0, vb_modsig_read(self->buf, self->len, &self->ev));
	ASSERT_EQ(1u, self->ev.n_signers);
	EXPECT_STREQ(self->banned_skid, s->skid);
	EXPECT_STREQ("sha256", s->hash_algo);
	EXPECT_STREQ("", s->issuer);
	EXPECT_STREQ("", s->serial);
	EXPECT_FALSE(s->has_issuer_serial);
}

TEST_F(modsig, allowed_names_allowed_serial)
{
	ASSERT_NE(NULL, load(self, "allowed.ko"));
	ASSERT_EQ(0, vb_modsig_read(self->buf, self->len, &self->ev));
	ASSERT_EQ(1u, self->ev.n_signers);
	EXPECT_STREQ(ALLOWED_SERIAL, self->ev.signers[0].serial);
	EXPECT_STREQ(CA_DN, self->ev.signers[0].issuer);
}

TEST_F(modsig, sha512)
{
	ASSERT_NE(NULL, load(self, "banned-sha512.ko"));
	ASSERT_EQ(0, vb_modsig_read(self->buf, self->len, &self->ev));
	ASSERT_EQ(1u, self->ev.n_signers);
	EXPECT_STREQ("sha512", self->ev.signers[0].hash_algo);
	EXPECT_STREQ(BANNED_SERIAL, self->ev.signers[0].serial);
}

TEST_F(modsig, elf32_module)
{
	ASSERT_NE(NULL, load(self, "banned32.ko"));
	ASSERT_EQ(0, vb_modsig_read(self->buf, self->len, &self->ev));
	ASSERT_EQ(1u, self->ev.n_signers);
	EXPECT_STREQ(BANNED_SERIAL, self->ev.signers[0].serial);
}

/* openssl cms puts the signer's certificate and the CA in: the whole chain is evidence. */
TEST_F(modsig, embedded_chain)
{
	const struct vb_signer *s = &self->ev.signers[0], *ca = &self->ev.signers[1];
	unsigned char *tbs = NULL, md[32];
	X509 *cert;
	int tbs_len;

	ASSERT_NE(NULL, load(self, "banned-certs.ko"));
	ASSERT_EQ(0, vb_modsig_read(self->buf, self->len, &self->ev));
	ASSERT_EQ(2u, self->ev.n_signers);
	EXPECT_EQ(0u, s->chain_depth);
	EXPECT_STREQ(BANNED_DN, s->subject);
	EXPECT_STREQ(CA_DN, s->issuer);
	EXPECT_STREQ(BANNED_SERIAL, s->serial);
	EXPECT_STREQ(self->banned_skid, s->skid);
	EXPECT_STREQ("sha256", s->hash_algo);
	ASSERT_TRUE(s->has_tbs);
	cert = fixture_cert(self->dir, "banned");
	ASSERT_NE(NULL, cert);
	tbs_len = i2d_re_X509_tbs(cert, &tbs);
	ASSERT_LT(0, tbs_len);
	ASSERT_EQ(1, EVP_Digest(tbs, tbs_len, md, NULL, EVP_sha256(), NULL));
	EXPECT_EQ(0, memcmp(md, s->tbs_sha256, 32));
	OPENSSL_free(tbs);
	X509_free(cert);

	EXPECT_TRUE(ca->format == VB_SIG_MODULE);
	EXPECT_EQ(1u, ca->chain_depth);
	EXPECT_STREQ(CA_DN, ca->subject);
	EXPECT_STREQ(CA_DN, ca->issuer);
	EXPECT_TRUE(ca->has_tbs);
}

/* A SET OF SignerInfo is sorted by its DER, not by who signed first: check both are there. */
static bool has_serial(const struct vb_evidence *ev, size_t from, const char *serial)
{
	for (size_t i = from; i < ev->n_signers; i++)
		if (!strcmp(ev->signers[i].serial, serial) && !ev->signers[i].chain_depth)
			return true;
	return false;
}

TEST_F(modsig, two_signers)
{
	ASSERT_NE(NULL, load(self, "dual.ko"));
	ASSERT_EQ(0, vb_modsig_read(self->buf, self->len, &self->ev));
	ASSERT_EQ(2u, self->ev.n_signers);
	EXPECT_TRUE(has_serial(&self->ev, 0, BANNED_SERIAL));
	EXPECT_TRUE(has_serial(&self->ev, 0, ALLOWED_SERIAL));
}

/* Readers append: a second signed file adds to what the first gave. */
TEST_F(modsig, appends)
{
	ASSERT_NE(NULL, load(self, "banned.ko"));
	ASSERT_EQ(0, vb_modsig_read(self->buf, self->len, &self->ev));
	ASSERT_NE(NULL, load(self, "allowed.ko"));
	ASSERT_EQ(0, vb_modsig_read(self->buf, self->len, &self->ev));
	ASSERT_EQ(2u, self->ev.n_signers);
	EXPECT_STREQ(BANNED_SERIAL, self->ev.signers[0].serial);
	EXPECT_STREQ(ALLOWED_SERIAL, self->ev.signers[1].serial);
}

TEST_F(modsig, full_evidence_counts_dropped)
{
	ASSERT_NE(NULL, load(self, "dual.ko"));
	self->ev.n_signers = VB_SIGNERS_MAX - 1;
	ASSERT_EQ(0, vb_modsig_read(self->buf, self->len, &self->ev));
	EXPECT_EQ((size_t)VB_SIGNERS_MAX, self->ev.n_signers);
	EXPECT_EQ(1u, self->ev.signers_dropped);
	EXPECT_TRUE(has_serial(&self->ev, VB_SIGNERS_MAX - 1, BANNED_SERIAL) ||
		    has_serial(&self->ev, VB_SIGNERS_MAX - 1, ALLOWED_SERIAL));
}

TEST_F(modsig, layout_gives_the_unsigned_module)
{
	struct vb_modsig_layout lay;
	size_t unsigned_len;
	uint8_t *orig;

	orig = fixture_read(self->dir, "vbtest.ko", &unsigned_len);
	ASSERT_NE(NULL, orig);
	ASSERT_NE(NULL, load(self, "banned.ko"));
	ASSERT_EQ(0, vb_modsig_layout(self->buf, self->len, &lay));
	EXPECT_EQ(unsigned_len, lay.body_len);
	EXPECT_EQ(0, memcmp(orig, self->buf, unsigned_len));
	EXPECT_EQ(lay.body_len, lay.sig_off);
	EXPECT_EQ(self->len, lay.sig_off + lay.sig_len + TRAILER_LEN);
	EXPECT_EQ(0x30, self->buf[lay.sig_off]);	/* DER SEQUENCE */
	free(orig);
}

TEST_F(modsig, unsigned_module)
{
	struct vb_modsig_layout lay;

	ASSERT_NE(NULL, load(self, "vbtest.ko"));
	EXPECT_EQ(-ENODATA, vb_modsig_read(self->buf, self->len, &self->ev));
	EXPECT_EQ(-ENODATA, vb_modsig_layout(self->buf, self->len, &lay));
	EXPECT_EQ(-ENODATA, vb_modsig_read(self->buf, 0, &self->ev));
	EXPECT_EQ(0u, self->ev.n_signers);
	EXPECT_STREQ("", self->ev.error);
}

/* Cut at the end: the marker is gone, so every prefix is an unsigned module. */
TEST_F(modsig, every_prefix)
{
	ASSERT_NE(NULL, load(self, "banned.ko"));
	for (size_t n = 0; n < self->len; n++) {
		ASSERT_EQ(-ENODATA, vb_modsig_read(self->buf, n, &self->ev)) {
			TH_LOG("prefix of %zu bytes", n);
		}
	}
	EXPECT_EQ(0u, self->ev.n_signers);
	EXPECT_EQ(0, vb_modsig_read(self->buf, self->len, &self->ev));
}

/*
 * Cut at the start: the trailer is there, but what it counts is not. Like the kernel we want at
 * least one byte of module before the signature.
 */
TEST_F(modsig, every_suffix)
{
	struct vb_modsig_layout lay;
	size_t need, parsed = 0;

	ASSERT_NE(NULL, load(self, "banned.ko"));
	ASSERT_EQ(0, vb_modsig_layout(self->buf, self->len, &lay));
	need = lay.sig_len + TRAILER_LEN + 1;
	for (size_t n = 0; n <= self->len; n++) {
		const uint8_t *tail = self->buf + self->len - n;
		int want = n < VB_MODSIG_MARKER_LEN ? -ENODATA : n < need ? -EBADMSG : 0;

		memset(&self->ev, 0, sizeof(self->ev));
		ASSERT_EQ(want, vb_modsig_read(tail, n, &self->ev)) {
			TH_LOG("last %zu bytes", n);
		}
		parsed += self->ev.n_signers;
	}
	EXPECT_EQ(self->len - need + 1, parsed);
	memset(&self->ev, 0, sizeof(self->ev));
	EXPECT_EQ(-EBADMSG, vb_modsig_read(self->buf + self->len - need + 1, need - 1, &self->ev));
	EXPECT_NE(NULL, strstr(self->ev.error, "sig_len"));
}

/* The PKCS#7 cut short with a trailer that agrees: every length is refused, nothing appended. */
TEST_F(modsig, every_truncated_pkcs7)
{
	struct vb_modsig_layout lay;
	size_t len;
	uint8_t *mod;

	ASSERT_NE(NULL, load(self, "banned.ko"));
	ASSERT_EQ(0, vb_modsig_layout(self->buf, self->len, &lay));
	ASSERT_EQ(0, vb_modsig_read(self->buf, self->len, &self->ev));
	for (size_t k = 0; k < lay.sig_len; k++) {
		mod = build(self->buf, lay.body_len, self->buf + lay.sig_off, k, k,
			    VB_MODSIG_ID_PKCS7, &len);
		ASSERT_EQ(-EBADMSG, vb_modsig_read(mod, len, &self->ev)) {
			TH_LOG("PKCS#7 cut to %zu of %zu bytes", k, lay.sig_len);
		}
		free(mod);
	}
	EXPECT_EQ(1u, self->ev.n_signers);
	EXPECT_NE(NULL, strstr(self->ev.error, "not one DER PKCS#7 message"));
}

TEST_F(modsig, sig_len_larger_than_file)
{
	struct vb_modsig_layout lay;
	static const uint32_t lens[] = { 0xffffffff, 0x7fffffff };
	size_t len;
	uint8_t *mod;

	ASSERT_NE(NULL, load(self, "banned.ko"));
	ASSERT_EQ(0, vb_modsig_layout(self->buf, self->len, &lay));
	for (size_t i = 0; i < sizeof(lens) / sizeof(lens[0]); i++) {
		mod = build(self->buf, lay.body_len, self->buf + lay.sig_off, lay.sig_len, lens[i],
			    VB_MODSIG_ID_PKCS7, &len);
		EXPECT_EQ(-EBADMSG, vb_modsig_read(mod, len, &self->ev));
		EXPECT_EQ(-EBADMSG, vb_modsig_layout(mod, len, &lay));
		free(mod);
	}
	/* Exactly all bytes before the trailer: no module left, as the kernel refuses. */
	mod = build(self->buf, lay.body_len, self->buf + lay.sig_off, lay.sig_len,
		    lay.body_len + lay.sig_len, VB_MODSIG_ID_PKCS7, &len);
	EXPECT_EQ(-EBADMSG, vb_modsig_read(mod, len, &self->ev));
	free(mod);
	/* One byte of module is enough. */
	mod = build(self->buf, 1, self->buf + lay.sig_off, lay.sig_len, lay.sig_len,
		    VB_MODSIG_ID_PKCS7, &len);
	EXPECT_EQ(0, vb_modsig_read(mod, len, &self->ev));
	free(mod);
	EXPECT_EQ(1u, self->ev.n_signers);
	EXPECT_NE(NULL, strstr(self->ev.error, "sig_len 4294967295"));
}

/* The kernel's mod_check_sig(): a trailer that is not PKCS#7 is -ENOPKG. */
TEST_F(modsig, wrong_id_type)
{
	struct vb_modsig_layout lay;
	char want[VB_ERROR_MAX];
	size_t len;
	uint8_t *mod;

	ASSERT_NE(NULL, load(self, "banned.ko"));
	ASSERT_EQ(0, vb_modsig_layout(self->buf, self->len, &lay));
	snprintf(want, sizeof(want), "module signature: id_type 0 at offset %zu is not PKCS#7 (2)",
		 self->len - TRAILER_LEN + 2);
	for (int id = 0; id < 256; id++) {
		mod = build(self->buf, lay.body_len, self->buf + lay.sig_off, lay.sig_len,
			    lay.sig_len, id, &len);
		EXPECT_EQ(id == VB_MODSIG_ID_PKCS7 ? 0 : -ENOPKG,
			  vb_modsig_read(mod, len, &self->ev));
		free(mod);
	}
	EXPECT_EQ(1u, self->ev.n_signers);
	EXPECT_STREQ(want, self->ev.error);
}

TEST_F(modsig, nonzero_legacy_fields)
{
	const size_t trailer = self->len - TRAILER_LEN;
	static const int fields[] = { 0, 1, 3, 4, 5, 6, 7 };	/* all but id_type, sig_len */

	ASSERT_NE(NULL, load(self, "banned.ko"));
	for (size_t i = 0; i < sizeof(fields) / sizeof(fields[0]); i++) {
		self->buf[self->len - TRAILER_LEN + fields[i]] = 1;
		EXPECT_EQ(-EBADMSG, vb_modsig_read(self->buf, self->len, &self->ev));
		self->buf[self->len - TRAILER_LEN + fields[i]] = 0;
	}
	EXPECT_EQ(0u, self->ev.n_signers);
	EXPECT_NE(NULL, strstr(self->ev.error, "nonzero")) {
		TH_LOG("trailer at %zu: %s", trailer, self->ev.error);
	}
	EXPECT_EQ(0, vb_modsig_read(self->buf, self->len, &self->ev));
}

TEST_F(modsig, garbage_der)
{
	struct vb_modsig_layout lay;
	uint8_t junk[512];
	size_t len;
	uint8_t *mod;

	ASSERT_NE(NULL, load(self, "banned.ko"));
	ASSERT_EQ(0, vb_modsig_layout(self->buf, self->len, &lay));
	for (size_t i = 0; i < sizeof(junk); i++)
		junk[i] = (uint8_t)(i * 131 + 7);
	mod = build(self->buf, lay.body_len, junk, sizeof(junk), sizeof(junk),
		    VB_MODSIG_ID_PKCS7, &len);
	EXPECT_EQ(-EBADMSG, vb_modsig_read(mod, len, &self->ev));
	free(mod);
	/* A DER SEQUENCE that claims more than there is. */
	junk[0] = 0x30;
	junk[1] = 0x84;
	mod = build(self->buf, lay.body_len, junk, 16, 16, VB_MODSIG_ID_PKCS7, &len);
	EXPECT_EQ(-EBADMSG, vb_modsig_read(mod, len, &self->ev));
	free(mod);
	EXPECT_EQ(0u, self->ev.n_signers);
	EXPECT_NE(NULL, strstr(self->ev.error, "not one DER PKCS#7 message"));
}

/* Well-formed DER that is not a signature: the signer's certificate put there instead. */
TEST_F(modsig, certificate_instead_of_pkcs7)
{
	X509 *cert = fixture_cert(self->dir, "banned");
	unsigned char *der = NULL;
	size_t len;
	uint8_t *mod;
	int der_len;

	ASSERT_NE(NULL, cert);
	der_len = i2d_X509(cert, &der);
	ASSERT_LT(0, der_len);
	ASSERT_NE(NULL, load(self, "vbtest.ko"));
	mod = build(self->buf, self->len, der, der_len, der_len, VB_MODSIG_ID_PKCS7, &len);
	EXPECT_EQ(-EBADMSG, vb_modsig_read(mod, len, &self->ev));
	EXPECT_EQ(0u, self->ev.n_signers);
	free(mod);
	OPENSSL_free(der);
	X509_free(cert);
}

/* A second message hidden after the first inside sig_len. */
TEST_F(modsig, bytes_after_der)
{
	struct vb_modsig_layout lay;
	uint8_t *der, *mod;
	size_t len;

	ASSERT_NE(NULL, load(self, "banned.ko"));
	ASSERT_EQ(0, vb_modsig_layout(self->buf, self->len, &lay));
	der = malloc(lay.sig_len + 1);
	ASSERT_NE(NULL, der);
	memcpy(der, self->buf + lay.sig_off, lay.sig_len);
	der[lay.sig_len] = 0;
	mod = build(self->buf, lay.body_len, der, lay.sig_len + 1, lay.sig_len + 1,
		    VB_MODSIG_ID_PKCS7, &len);
	EXPECT_EQ(-EBADMSG, vb_modsig_read(mod, len, &self->ev));
	free(mod);
	free(der);
}

/*
 * Each byte of the signature and trailer changed two ways (one bit, all bits): an answer, never
 * a crash, and nothing appended unless it parsed.
 */
TEST_F(modsig, byte_changes)
{
	struct vb_modsig_layout lay;
	int ok = 0, refused = 0, err;
	uint8_t mask[2];

	ASSERT_NE(NULL, load(self, "banned-certs.ko"));
	ASSERT_EQ(0, vb_modsig_layout(self->buf, self->len, &lay));
	for (size_t i = lay.sig_off; i < self->len; i++) {
		mask[0] = 1 << (i % 8);
		mask[1] = 0xff;
		for (int m = 0; m < 2; m++) {
			self->buf[i] ^= mask[m];
			memset(&self->ev, 0, sizeof(self->ev));
			err = vb_modsig_read(self->buf, self->len, &self->ev);
			self->buf[i] ^= mask[m];
			ASSERT_TRUE(is_modsig_errno(err)) {
				TH_LOG("byte %zu ^ 0x%02x: %d", i, mask[m], err);
			}
			if (err) {
				EXPECT_EQ(0u, self->ev.n_signers);
				refused++;
			} else {
				EXPECT_LT(0u, self->ev.n_signers);
				ok++;
			}
		}
	}
	TH_LOG("%d changes refused, %d still parse (signatures are not verified here)",
	       refused, ok);
}

/* Compressed modules: the same signer once decompressed. */
TEST_F(modsig, compressed_same_signer)
{
	static const char *const names[] = { "banned.ko.gz", "banned.ko.xz", "banned.ko.zst" };
	static const char *const formats[] = { "gzip", "xz", "zstd" };
	size_t plain_len, out_len;
	const char *format;
	uint8_t *plain, *out;

	plain = fixture_read(self->dir, "banned.ko", &plain_len);
	ASSERT_NE(NULL, plain);
	for (int i = 0; i < 3; i++) {
		ASSERT_NE(NULL, load(self, names[i]));
		/* The signature is inside the payload, not at the end of the file. */
		EXPECT_EQ(-ENODATA, vb_modsig_read(self->buf, self->len, &self->ev));
		ASSERT_EQ(0, vb_decompress(self->buf, self->len, VB_DECOMPRESS_MAX_DEFAULT, &out,
					   &out_len, &format));
		EXPECT_STREQ(formats[i], format);
		ASSERT_EQ(plain_len, out_len);
		EXPECT_EQ(0, memcmp(plain, out, out_len));
		memset(&self->ev, 0, sizeof(self->ev));
		ASSERT_EQ(0, vb_modsig_read(out, out_len, &self->ev));
		ASSERT_EQ(1u, self->ev.n_signers);
		EXPECT_STREQ(CA_DN, self->ev.signers[0].issuer);
		EXPECT_STREQ(BANNED_SERIAL, self->ev.signers[0].serial);
		EXPECT_STREQ("sha256", self->ev.signers[0].hash_algo);
		free(out);
	}
	free(plain);
}

TEST_F(modsig, decompress_not_compressed)
{
	const char *format = "unset";
	size_t out_len = 1;
	uint8_t *out = (uint8_t *)1;

	ASSERT_NE(NULL, load(self, "banned.ko"));
	EXPECT_EQ(-ENODATA, vb_decompress(self->buf, self->len, 0, &out, &out_len, &format));
	EXPECT_EQ(NULL, out);
	EXPECT_EQ(0u, out_len);
	EXPECT_EQ(NULL, format);
	EXPECT_EQ(-ENODATA, vb_decompress(self->buf, 0, 0, &out, &out_len, &format));
	/* One byte of the gzip magic is not gzip. */
	EXPECT_EQ(-ENODATA, vb_decompress((const uint8_t *)"\x1f", 1, 0, &out, &out_len, &format));
}

/* Every prefix of each compressed module: not the format yet, or truncated; never data. */
TEST_F(modsig, decompress_every_prefix)
{
	static const char *const names[] = { "banned.ko.gz", "banned.ko.xz", "banned.ko.zst" };
	static const size_t magic[] = { 2, 6, 4 };
	const char *format;
	size_t out_len;
	uint8_t *out;

	for (int i = 0; i < 3; i++) {
		ASSERT_NE(NULL, load(self, names[i]));
		for (size_t n = 0; n < self->len; n++) {
			ASSERT_EQ(n < magic[i] ? -ENODATA : -EBADMSG,
				  vb_decompress(self->buf, n, 0, &out, &out_len, &format)) {
				TH_LOG("%s cut to %zu bytes", names[i], n);
			}
			ASSERT_EQ(NULL, out);
		}
	}
}

/* gzip's CRC-32 and size, xz's CRC-32 and zstd's XXH64 are checked. */
TEST_F(modsig, decompress_checksums)
{
	static const char *const names[] = { "banned.ko.gz", "banned.ko.gz", "banned.ko.xz",
					     "banned.ko.zst" };
	/* From the end: gzip CRC-32, gzip ISIZE, xz block check (before index and footer). */
	static const size_t back[] = { 8, 1, 0, 1 };
	const char *format;
	size_t out_len, at;
	uint8_t *out;

	for (int i = 0; i < 4; i++) {
		ASSERT_NE(NULL, load(self, names[i]));
		if (i == 2) {
			/* xz: the last 4 bytes of the block are its CRC-32; the block ends
			 * where the index (a zero byte) starts: find it from the footer's
			 * backward size.
			 */
			size_t index_size = ((size_t)self->buf[self->len - 8] |
					     (size_t)self->buf[self->len - 7] << 8 |
					     (size_t)self->buf[self->len - 6] << 16 |
					     (size_t)self->buf[self->len - 5] << 24) * 4 + 4;

			at = self->len - 12 - index_size - 1;
			ASSERT_EQ(0, self->buf[at + 1]);	/* index indicator */
		} else {
			at = self->len - back[i];
		}
		ASSERT_EQ(0, vb_decompress(self->buf, self->len, 0, &out, &out_len, &format));
		free(out);
		self->buf[at] ^= 0x55;
		EXPECT_EQ(-EBADMSG, vb_decompress(self->buf, self->len, 0, &out, &out_len,
						  &format)) {
			TH_LOG("%s with byte %zu of %zu changed", names[i], at, self->len);
		}
		EXPECT_EQ(NULL, out);
	}
}

TEST_F(modsig, decompress_garbage_after_magic)
{
	static const uint8_t magics[][6] = {
		{ 0x1f, 0x8b }, { 0xfd, '7', 'z', 'X', 'Z', 0 }, { 0x28, 0xb5, 0x2f, 0xfd },
	};
	static const size_t magic_len[] = { 2, 6, 4 };
	uint8_t junk[256];
	const char *format;
	size_t out_len;
	uint8_t *out;

	for (int i = 0; i < 3; i++) {
		for (size_t j = 0; j < sizeof(junk); j++)
			junk[j] = (uint8_t)(j * 131 + 7);
		memcpy(junk, magics[i], magic_len[i]);
		EXPECT_EQ(-EBADMSG, vb_decompress(junk, sizeof(junk), 0, &out, &out_len, &format));
		EXPECT_NE(NULL, format);
	}
}

/* One member, stream or frame, as the kernel reads: anything after it is refused. */
TEST_F(modsig, decompress_trailing_bytes)
{
	static const char *const names[] = { "banned.ko.gz", "banned.ko.xz", "banned.ko.zst" };
	const char *format;
	size_t out_len;
	uint8_t *out, *two;

	for (int i = 0; i < 3; i++) {
		ASSERT_NE(NULL, load(self, names[i]));
		self->buf[self->len] = 0;
		EXPECT_EQ(-EBADMSG, vb_decompress(self->buf, self->len + 1, 0, &out, &out_len,
						  &format));
		/* The same member twice, which gzip -d and xz -d would both decode. */
		two = malloc(2 * self->len);
		ASSERT_NE(NULL, two);
		memcpy(two, self->buf, self->len);
		memcpy(two + self->len, self->buf, self->len);
		EXPECT_EQ(-EBADMSG, vb_decompress(two, 2 * self->len, 0, &out, &out_len, &format));
		free(two);
	}
}

/* 257 MiB of zeros in 8 KiB of zstd: more than any module, refused without making it all. */
TEST_F(modsig, decompress_bomb)
{
	const char *format;
	size_t out_len;
	uint8_t *out;

	ASSERT_NE(NULL, load(self, "bomb.zst"));
	EXPECT_EQ(-EFBIG, vb_decompress(self->buf, self->len, 0, &out, &out_len, &format));
	EXPECT_EQ(NULL, out);
	EXPECT_STREQ("zstd", format);
	EXPECT_EQ(-EFBIG, vb_decompress(self->buf, self->len, VB_DECOMPRESS_MAX_DEFAULT, &out,
					&out_len, &format));
}

/* max_out is a hard edge: exactly that many bytes pass, one more is refused. */
TEST_F(modsig, decompress_max_out_edge)
{
	static const char *const names[] = { "bomb2m.gz", "bomb2m.xz", "banned.ko.zst" };
	const char *format;
	size_t out_len, size;
	uint8_t *out;

	for (int i = 0; i < 3; i++) {
		ASSERT_NE(NULL, load(self, names[i]));
		ASSERT_EQ(0, vb_decompress(self->buf, self->len, 0, &out, &out_len, &format));
		free(out);
		size = out_len;
		ASSERT_EQ(0, vb_decompress(self->buf, self->len, size, &out, &out_len, &format));
		EXPECT_EQ(size, out_len);
		free(out);
		EXPECT_EQ(-EFBIG, vb_decompress(self->buf, self->len, size - 1, &out, &out_len,
						&format)) {
			TH_LOG("%s with max_out %zu", names[i], size - 1);
		}
		EXPECT_EQ(-EFBIG, vb_decompress(self->buf, self->len, 1, &out, &out_len,
						&format));
		EXPECT_EQ(NULL, out);
	}
}

TEST_HARNESS_MAIN
