// SPDX-License-Identifier: GPL-2.0
/*
 * Signed policies: each refusal (edited, unsigned, untrusted, expired, corrupt, rollback) has an
 * accepted twin. Keys and certificates are made at test time with libcrypto in a mkdtemp()
 * directory: a CA, a signer it issued, a sibling signer, self-signed "Mallory", an expired
 * signer and a certificate whose keyUsage does not allow signing.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/bio.h>
#include <openssl/cms.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include "kselftest_harness.h"
#include "hostutil.h"

#include "policy/policy.h"
#include "policy/sig.h"
#include "cli/cmd_policy_sign.h"

#define GOOD_POLICY	"version 7\nvendor acme \"Acme\"\n\tpath /opt/acme/\n"
#define DAY		(24 * 60 * 60L)

struct ident {
	EVP_PKEY *key;
	X509 *cert;
};

static char *read_all(const char *path, size_t *len)
{
	struct stat st;
	char *buf;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0 || fstat(fd, &st)) {
		if (fd >= 0)
			close(fd);
		return NULL;
	}
	buf = malloc(st.st_size + 1);
	if (buf && read(fd, buf, st.st_size) != st.st_size) {
		free(buf);
		buf = NULL;
	}
	close(fd);
	if (buf)
		*len = st.st_size;
	return buf;
}

static bool add_ext(X509 *x, X509 *issuer, int nid, const char *value)
{
	X509V3_CTX ctx;
	X509_EXTENSION *ext;
	bool ok;

	X509V3_set_ctx(&ctx, issuer, x, NULL, NULL, 0);
	ext = X509V3_EXT_conf_nid(NULL, &ctx, nid, value);
	if (!ext)
		return false;
	ok = X509_add_ext(x, ext, -1) == 1;
	X509_EXTENSION_free(ext);
	return ok;
}

/*
 * A certificate for cn, valid from now+from to now+to seconds, issued by issuer (NULL: self).
 * ku: keyUsage value or NULL for none.
 */
static bool make_ident(struct ident *id, const char *cn, const struct ident *issuer, long from,
		       long to, bool ca, const char *ku)
{
	static long serial = 1;
	X509 *x;

	id->key = EVP_EC_gen("P-256");
	id->cert = x = X509_new();
	if (!id->key || !x)
		return false;
	if (!X509_set_version(x, 2) || !ASN1_INTEGER_set(X509_get_serialNumber(x), serial++) ||
	    !X509_gmtime_adj(X509_getm_notBefore(x), from) ||
	    !X509_gmtime_adj(X509_getm_notAfter(x), to) ||
	    !X509_NAME_add_entry_by_txt(X509_get_subject_name(x), "CN", MBSTRING_ASC,
					(const unsigned char *)cn, -1, -1, 0) ||
	    !X509_set_issuer_name(x, X509_get_subject_name(issuer ? issuer->cert : x)) ||
	    !X509_set_pubkey(x, id->key))
		return false;
	if (!add_ext(x, issuer ? issuer->cert : x, NID_basic_constraints,
		     ca ? "critical,CA:TRUE" : "critical,CA:FALSE"))
		return false;
	if (ku && !add_ext(x, issuer ? issuer->cert : x, NID_key_usage, ku))
		return false;
	return X509_sign(x, issuer ? issuer->key : id->key, EVP_sha256()) > 0;
}

static void free_ident(struct ident *id)
{
	EVP_PKEY_free(id->key);
	X509_free(id->cert);
}

static bool save_ident(const struct ident *id, const char *key_path, const char *crt_path)
{
	BIO *k = BIO_new_file(key_path, "w"), *c = BIO_new_file(crt_path, "w");
	bool ok = k && c && PEM_write_bio_PrivateKey(k, id->key, NULL, NULL, 0, NULL, NULL) &&
		  PEM_write_bio_X509(c, id->cert);

	BIO_free(k);
	BIO_free(c);
	return ok;
}

/* A signature made without vb_policy_sign(), for what it refuses to produce. */
static bool raw_sign(const char *policy, const char *key_path, const char *crt_path,
		     const char *sig, unsigned int flags)
{
	BIO *kb = BIO_new_file(key_path, "r"), *cb = BIO_new_file(crt_path, "r");
	BIO *in = BIO_new_file(policy, "rb"), *out = BIO_new_file(sig, "wb");
	EVP_PKEY *key = kb ? PEM_read_bio_PrivateKey(kb, NULL, NULL, NULL) : NULL;
	X509 *crt = cb ? PEM_read_bio_X509(cb, NULL, NULL, NULL) : NULL;
	CMS_ContentInfo *cms = NULL;
	bool ok = false;

	if (key && crt && in && out)
		cms = CMS_sign(crt, key, NULL, in, flags | CMS_BINARY);
	if (cms)
		ok = i2d_CMS_bio(out, cms) == 1;
	CMS_ContentInfo_free(cms);
	X509_free(crt);
	EVP_PKEY_free(key);
	BIO_free(kb);
	BIO_free(cb);
	BIO_free(in);
	BIO_free(out);
	return ok;
}

FIXTURE(sig) {
	char dir[64];
	char paths[32][256];
	int n_paths;
	struct vb_trust trust;
	char signer[VB_SUBJECT_MAX];
	char why[VB_WHY_MAX];
};

/* A path inside the fixture's directory; good until teardown. */
static const char *P(FIXTURE_DATA(sig) *self, const char *name)
{
	char buf[sizeof(self->paths[0])];

	for (int i = 0; i < self->n_paths; i++)
		if (!strcmp(strrchr(self->paths[i], '/') + 1, name))
			return self->paths[i];
	if (self->n_paths == 32)
		abort();
	snprintf(buf, sizeof(buf), "%s/%s", self->dir, name);
	memcpy(self->paths[self->n_paths], buf, sizeof(buf));
	return self->paths[self->n_paths++];
}

static int trust(FIXTURE_DATA(sig) *self, const char *a, const char *b)
{
	const char *files[2] = { P(self, a), b ? P(self, b) : NULL };

	vb_trust_free(&self->trust);
	return vb_trust_load(&self->trust, files, b ? 2 : 1);
}

static int verify(FIXTURE_DATA(sig) *self)
{
	int err = vb_policy_verify(&self->trust, P(self, "x.policy"), NULL, self->signer,
				   sizeof(self->signer), self->why, sizeof(self->why));

	if (err)
		fprintf(stderr, "#   why: %s\n", self->why);
	return err;
}

FIXTURE_SETUP(sig)
{
	struct ident ca = {}, signer = {}, sibling = {}, mallory = {}, expired = {}, nosign = {};
	struct ident future = {};
	struct ident fake_ca = {}, impostor = {}, forged = {};
	const long year = 365 * DAY;

	memset(self, 0, sizeof(*self));
	strcpy(self->dir, "/tmp/vb-sig-XXXXXX");
	ASSERT_NE(NULL, mkdtemp(self->dir));
	ASSERT_TRUE(make_ident(&ca, "Vendorban Test CA", NULL, -DAY, year, true,
			       "critical,keyCertSign,cRLSign"));
	ASSERT_TRUE(make_ident(&signer, "Policy Signer", &ca, -DAY, year, false,
			       "critical,digitalSignature"));
	ASSERT_TRUE(make_ident(&sibling, "Other Signer", &ca, -DAY, year, false, NULL));
	ASSERT_TRUE(make_ident(&mallory, "Mallory", NULL, -DAY, year, false, NULL));
	ASSERT_TRUE(make_ident(&expired, "Old Signer", &ca, -30 * DAY, -DAY, false,
			       "digitalSignature"));
	ASSERT_TRUE(make_ident(&future, "New Signer", &ca, DAY, year, false,
			       "digitalSignature"));
	ASSERT_TRUE(make_ident(&nosign, "Encrypt Only", &ca, -DAY, year, false,
			       "keyEncipherment"));
	/* Same names as the real ones, other keys. */
	ASSERT_TRUE(make_ident(&impostor, "Policy Signer", NULL, -DAY, year, false, NULL));
	ASSERT_TRUE(make_ident(&fake_ca, "Vendorban Test CA", NULL, -DAY, year, true, NULL));
	ASSERT_TRUE(make_ident(&forged, "Policy Signer", &fake_ca, -DAY, year, false, NULL));
	ASSERT_TRUE(save_ident(&impostor, P(self, "impostor.key"), P(self, "impostor.pem")));
	ASSERT_TRUE(save_ident(&forged, P(self, "forged.key"), P(self, "forged.pem")));
	free_ident(&impostor);
	free_ident(&fake_ca);
	free_ident(&forged);
	ASSERT_TRUE(save_ident(&ca, P(self, "ca.key"), P(self, "ca.pem")));
	ASSERT_TRUE(save_ident(&signer, P(self, "signer.key"), P(self, "signer.pem")));
	ASSERT_TRUE(save_ident(&sibling, P(self, "sibling.key"), P(self, "sibling.pem")));
	ASSERT_TRUE(save_ident(&mallory, P(self, "mallory.key"), P(self, "mallory.pem")));
	ASSERT_TRUE(save_ident(&expired, P(self, "expired.key"), P(self, "expired.pem")));
	ASSERT_TRUE(save_ident(&future, P(self, "future.key"), P(self, "future.pem")));
	free_ident(&future);
	ASSERT_TRUE(save_ident(&nosign, P(self, "nosign.key"), P(self, "nosign.pem")));
	free_ident(&ca);
	free_ident(&signer);
	free_ident(&sibling);
	free_ident(&mallory);
	free_ident(&expired);
	free_ident(&nosign);
	ASSERT_EQ(0, write_file(P(self, "x.policy"), GOOD_POLICY, strlen(GOOD_POLICY)));
	ASSERT_EQ(0, trust(self, "ca.pem", NULL));
}

FIXTURE_TEARDOWN(sig)
{
	DIR *d = opendir(self->dir);
	struct dirent *e;
	char path[512];

	vb_trust_free(&self->trust);
	while (d && (e = readdir(d))) {
		if (e->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "%s/%s", self->dir, e->d_name);
		unlink(path);
	}
	if (d)
		closedir(d);
	rmdir(self->dir);
}

#define SIGN_AS(who) \
	vb_policy_sign(P(self, "x.policy"), P(self, who ".key"), P(self, who ".pem"), NULL)

TEST_F(sig, good_trust_ca)
{
	ASSERT_EQ(0, SIGN_AS("signer"));
	ASSERT_EQ(0, verify(self));
	EXPECT_STREQ("CN=Policy Signer", self->signer);
	EXPECT_STREQ("", self->why);
}

/* A disable order (policy/order.h) is signed and verified like a policy; text that is neither
 * a policy nor an order is not signed. */
TEST_F(sig, disable_order_signed_like_a_policy)
{
	static const char order[] = "vendorban-disable 1\nhost *\nversion 3\n";
	static const char broken[] = "vendorban-disable 1\nhost *\n";

	ASSERT_EQ(0, write_file(P(self, "x.policy"), order, strlen(order)));
	ASSERT_EQ(0, SIGN_AS("signer"));
	ASSERT_EQ(0, verify(self));
	EXPECT_STREQ("CN=Policy Signer", self->signer);
	ASSERT_EQ(0, write_file(P(self, "x.policy"), broken, strlen(broken)));
	unlink(P(self, "x.policy.sig"));
	EXPECT_NE(0, SIGN_AS("signer"));
	EXPECT_NE(0, access(P(self, "x.policy.sig"), F_OK));
}

/* The trust store's name in the kernel: the same certificates in any order are the same store,
 * another certificate another one. */
TEST_F(sig, trust_digest_names_the_store)
{
	__u8 a[32], b[32], c[32];

	ASSERT_EQ(0, trust(self, "mallory.pem", "signer.pem"));
	ASSERT_EQ(0, vb_trust_digest(&self->trust, a));
	ASSERT_EQ(0, trust(self, "signer.pem", "mallory.pem"));
	ASSERT_EQ(0, vb_trust_digest(&self->trust, b));
	EXPECT_EQ(0, memcmp(a, b, sizeof(a)));
	ASSERT_EQ(0, trust(self, "signer.pem", NULL));
	ASSERT_EQ(0, vb_trust_digest(&self->trust, c));
	EXPECT_NE(0, memcmp(a, c, sizeof(a)));
}

TEST_F(sig, good_trust_signer_cert_only)
{
	ASSERT_EQ(0, trust(self, "signer.pem", NULL));
	ASSERT_EQ(0, SIGN_AS("signer"));
	ASSERT_EQ(0, verify(self));
	EXPECT_STREQ("CN=Policy Signer", self->signer);
}

TEST_F(sig, good_one_of_several_trusted)
{
	ASSERT_EQ(0, trust(self, "mallory.pem", "signer.pem"));
	EXPECT_EQ(2, self->trust.n);
	EXPECT_STREQ("CN=Mallory", self->trust.subjects[0]);
	ASSERT_EQ(0, SIGN_AS("signer"));
	ASSERT_EQ(0, verify(self));
}

/* Trusting one signer certificate does not trust what its CA issued to someone else. */
TEST_F(sig, sibling_of_trusted_signer_refused)
{
	ASSERT_EQ(0, trust(self, "signer.pem", NULL));
	ASSERT_EQ(0, SIGN_AS("sibling"));
	ASSERT_EQ(-EKEYREJECTED, verify(self));
	EXPECT_STREQ("signed by 'CN=Other Signer' which is not a trusted policy signer", self->why);
	EXPECT_STREQ("", self->signer);
}

TEST_F(sig, sig_is_detached_der_sha256)
{
	CMS_ContentInfo *cms;
	X509_ALGOR *dig;
	BIO *b;

	ASSERT_EQ(0, SIGN_AS("signer"));
	b = BIO_new_file(P(self, "x.policy.sig"), "rb");
	ASSERT_NE(NULL, b);
	cms = d2i_CMS_bio(b, NULL);
	BIO_free(b);
	ASSERT_NE(NULL, cms);
	EXPECT_EQ(NID_pkcs7_signed, OBJ_obj2nid(CMS_get0_type(cms)));
	EXPECT_EQ(1, CMS_is_detached(cms));
	ASSERT_EQ(1, sk_CMS_SignerInfo_num(CMS_get0_SignerInfos(cms)));
	CMS_SignerInfo_get0_algs(sk_CMS_SignerInfo_value(CMS_get0_SignerInfos(cms), 0), NULL,
				 NULL, &dig, NULL);
	EXPECT_EQ(NID_sha256, OBJ_obj2nid(dig->algorithm));
	CMS_ContentInfo_free(cms);
}

TEST_F(sig, explicit_sig_path)
{
	ASSERT_EQ(0, vb_policy_sign(P(self, "x.policy"), P(self, "signer.key"),
				    P(self, "signer.pem"), P(self, "elsewhere.sig")));
	EXPECT_NE(0, access(P(self, "x.policy.sig"), F_OK));
	ASSERT_EQ(0, vb_policy_verify(&self->trust, P(self, "x.policy"), P(self, "elsewhere.sig"),
				      self->signer, sizeof(self->signer), self->why,
				      sizeof(self->why)));
	EXPECT_STREQ("CN=Policy Signer", self->signer);
}

TEST_F(sig, edited_after_signing)
{
	static const char edited[] = GOOD_POLICY "\tpath /opt/acme2/\n";
	char want[VB_WHY_MAX];

	ASSERT_EQ(0, SIGN_AS("signer"));
	ASSERT_EQ(0, write_file(P(self, "x.policy"), edited, strlen(edited)));
	ASSERT_EQ(-EBADMSG, verify(self));
	snprintf(want, sizeof(want),
		 "signature does not match the policy file %s (was it edited after signing?)",
		 P(self, "x.policy"));
	EXPECT_STREQ(want, self->why);
	EXPECT_STREQ("", self->signer);
}

/* One byte, even a trailing newline removed, is an edit: CMS_BINARY, no canonicalisation. */
TEST_F(sig, one_byte_edit)
{
	static const char edited[] = "version 7\nvendor acme \"Acme\"\n\tpath /opt/acme/";

	ASSERT_EQ(0, SIGN_AS("signer"));
	ASSERT_EQ(0, write_file(P(self, "x.policy"), edited, strlen(edited)));
	ASSERT_EQ(-EBADMSG, verify(self));
	EXPECT_NE(NULL, strstr(self->why, "does not match"));
}

TEST_F(sig, crlf_edit)
{
	static const char edited[] = "version 7\r\nvendor acme \"Acme\"\r\n\tpath /opt/acme/\r\n";

	ASSERT_EQ(0, SIGN_AS("signer"));
	ASSERT_EQ(0, write_file(P(self, "x.policy"), edited, strlen(edited)));
	ASSERT_EQ(-EBADMSG, verify(self));
}

TEST_F(sig, not_signed)
{
	char want[VB_WHY_MAX];

	ASSERT_EQ(-ENOENT, verify(self));
	snprintf(want, sizeof(want), "policy is not signed: %s.sig is missing", P(self, "x.policy"));
	EXPECT_STREQ(want, self->why);
}

TEST_F(sig, policy_missing)
{
	ASSERT_EQ(0, SIGN_AS("signer"));
	ASSERT_EQ(0, unlink(P(self, "x.policy")));
	ASSERT_EQ(-ENOENT, verify(self));
	EXPECT_NE(NULL, strstr(self->why, "cannot read"));
}

TEST_F(sig, mallory_refused)
{
	ASSERT_EQ(0, SIGN_AS("mallory"));
	ASSERT_EQ(-EKEYREJECTED, verify(self));
	EXPECT_STREQ("signed by 'CN=Mallory' which is not a trusted policy signer", self->why);
}

/* The system trust store plays no part: only the configured certificates are anchors. */
TEST_F(sig, mallory_refused_with_signer_trust)
{
	ASSERT_EQ(0, trust(self, "signer.pem", NULL));
	ASSERT_EQ(0, SIGN_AS("mallory"));
	ASSERT_EQ(-EKEYREJECTED, verify(self));
	EXPECT_NE(NULL, strstr(self->why, "'CN=Mallory'"));
}

/* A copied subject name is not trust: the trusted certificate is compared whole. */
TEST_F(sig, impostor_with_trusted_name_refused)
{
	ASSERT_EQ(0, trust(self, "signer.pem", NULL));
	ASSERT_EQ(0, SIGN_AS("impostor"));
	ASSERT_EQ(-EKEYREJECTED, verify(self));
	EXPECT_NE(NULL, strstr(self->why, "not a trusted policy signer"));
}

/* Issued by a CA that has the trusted CA's name but not its key. */
TEST_F(sig, forged_issuer_refused)
{
	ASSERT_EQ(0, SIGN_AS("forged"));
	ASSERT_EQ(-EKEYREJECTED, verify(self));
	EXPECT_STREQ("signed by 'CN=Policy Signer' which is not a trusted policy signer "
		     "(a certificate in its chain has a bad signature: forged?)", self->why);
}

/* A signature made while the certificate was valid, verified after it expired. */
#define SIGNED_BEFORE_EXPIRY() \
	ASSERT_TRUE(raw_sign(P(self, "x.policy"), P(self, "expired.key"), P(self, "expired.pem"), \
			     P(self, "x.policy.sig"), CMS_DETACHED | CMS_BINARY))

TEST_F(sig, expired_signer_refused)
{
	SIGNED_BEFORE_EXPIRY();
	ASSERT_EQ(-EKEYEXPIRED, verify(self));
	EXPECT_STREQ("signed by 'CN=Old Signer' but certificate 'CN=Old Signer' has expired",
		     self->why);
}

TEST_F(sig, expired_signer_refused_even_if_trusted_directly)
{
	ASSERT_EQ(0, trust(self, "expired.pem", NULL));
	SIGNED_BEFORE_EXPIRY();
	ASSERT_EQ(-EKEYEXPIRED, verify(self));
}

/* Signing refuses a certificate outside its validity period, with the dates; the twin, a
 * valid one, signs (good_trust_ca). */
TEST_F(sig, sign_refuses_expired_and_not_yet_valid)
{
	char *argv[] = { "sign", "--key", NULL, "--cert", NULL, NULL, NULL };
	char *text;

	EXPECT_EQ(-EKEYEXPIRED, SIGN_AS("expired"));
	EXPECT_EQ(-EKEYEXPIRED, SIGN_AS("future"));
	EXPECT_NE(0, access(P(self, "x.policy.sig"), F_OK));

	argv[2] = (char *)P(self, "expired.key");
	argv[4] = (char *)P(self, "expired.pem");
	argv[5] = (char *)P(self, "x.policy");
	EXPECT_EQ(1, cli_run(policy_sign_cmd, false, argv, P(self, "out"), P(self, "err")));
	text = slurp(P(self, "err"));
	ASSERT_NE(NULL, text);
	EXPECT_NE(NULL, strstr(text, "expired.pem: the certificate has expired (valid from "))
		TH_LOG("%s", text);
	EXPECT_NE(NULL, strstr(text, " GMT until ")) TH_LOG("%s", text);
	EXPECT_NE(NULL, strstr(text, "): verifiers would refuse the signature\n"));
	free(text);

	argv[2] = (char *)P(self, "future.key");
	argv[4] = (char *)P(self, "future.pem");
	EXPECT_EQ(1, cli_run(policy_sign_cmd, false, argv, P(self, "out"), P(self, "err")));
	text = slurp(P(self, "err"));
	ASSERT_NE(NULL, text);
	EXPECT_NE(NULL, strstr(text, "future.pem: the certificate is not yet valid (valid from "))
		TH_LOG("%s", text);
	free(text);
}

TEST_F(sig, keyusage_without_digital_signature)
{
	/* vb_policy_sign() will not make it; a hand-made one is refused on verification. */
	EXPECT_EQ(-EINVAL, SIGN_AS("nosign"));
	EXPECT_NE(0, access(P(self, "x.policy.sig"), F_OK));
	ASSERT_TRUE(raw_sign(P(self, "x.policy"), P(self, "nosign.key"), P(self, "nosign.pem"),
			     P(self, "x.policy.sig"), CMS_DETACHED));
	ASSERT_EQ(-EKEYREJECTED, verify(self));
	EXPECT_STREQ("signed by 'CN=Encrypt Only' whose keyUsage does not allow digitalSignature",
		     self->why);
}

TEST_F(sig, attached_signature_refused)
{
	ASSERT_TRUE(raw_sign(P(self, "x.policy"), P(self, "signer.key"), P(self, "signer.pem"),
			     P(self, "x.policy.sig"), 0));
	ASSERT_EQ(-EBADMSG, verify(self));
	EXPECT_NE(NULL, strstr(self->why, "not a detached signature"));
}

TEST_F(sig, truncated_sig)
{
	size_t len;
	char *der;

	ASSERT_EQ(0, SIGN_AS("signer"));
	der = read_all(P(self, "x.policy.sig"), &len);
	ASSERT_NE(NULL, der);
	for (size_t cut = 0; cut < len; cut += 1 + cut / 4) {
		ASSERT_EQ(0, write_file(P(self, "x.policy.sig"), der, cut));
		ASSERT_EQ(-EBADMSG, verify(self));
		EXPECT_NE(NULL, strstr(self->why, "is not a DER CMS signature"));
	}
	free(der);
}

TEST_F(sig, trailing_bytes_refused)
{
	size_t len;
	char *der;

	ASSERT_EQ(0, SIGN_AS("signer"));
	der = read_all(P(self, "x.policy.sig"), &len);
	ASSERT_NE(NULL, der);
	der[len] = '\n';
	ASSERT_EQ(0, write_file(P(self, "x.policy.sig"), der, len + 1));
	free(der);
	ASSERT_EQ(-EBADMSG, verify(self));
}

TEST_F(sig, garbage_sig)
{
	static const char pem_by_mistake[] = "-----BEGIN CMS-----\nMIIB\n-----END CMS-----\n";
	unsigned char junk[512];

	for (size_t i = 0; i < sizeof(junk); i++)
		junk[i] = (unsigned char)(i * 131 + 7);
	ASSERT_EQ(0, write_file(P(self, "x.policy.sig"), junk, sizeof(junk)));
	ASSERT_EQ(-EBADMSG, verify(self));
	EXPECT_NE(NULL, strstr(self->why, "is not a DER CMS signature"));
	ASSERT_EQ(0, write_file(P(self, "x.policy.sig"), pem_by_mistake,
				strlen(pem_by_mistake)));
	ASSERT_EQ(-EBADMSG, verify(self));
}

/*
 * Flip a bit in each byte in turn: every result is a refusal with a reason, never a crash. The
 * few flips that pass land in fields nothing authenticates (CMSVersion, the SignerInfo's
 * signatureAlgorithm, which OpenSSL takes from the key): they must not change who signed.
 */
TEST_F(sig, bit_flips)
{
	int passed = 0, refused = 0;
	size_t len;
	char *der;

	ASSERT_EQ(0, SIGN_AS("signer"));
	der = read_all(P(self, "x.policy.sig"), &len);
	ASSERT_NE(NULL, der);
	for (size_t i = 0; i < len; i++) {
		der[i] ^= 0x01;
		ASSERT_EQ(0, write_file(P(self, "x.policy.sig"), der, len));
		der[i] ^= 0x01;
		if (vb_policy_verify(&self->trust, P(self, "x.policy"), NULL, self->signer,
				     sizeof(self->signer), self->why, sizeof(self->why))) {
			EXPECT_NE(0, self->why[0]);
			refused++;
			continue;
		}
		EXPECT_STREQ("CN=Policy Signer", self->signer);
		passed++;
	}
	free(der);
	TH_LOG("%d of %zu flips refused, %d harmless", refused, len, passed);
	EXPECT_GT(refused, (int)len * 9 / 10);
}

TEST_F(sig, load_verified_parses_the_verified_bytes)
{
	unsigned char digest[32];
	struct vb_policy *p = NULL;
	struct vb_diag d = {};

	ASSERT_EQ(0, SIGN_AS("signer"));
	ASSERT_EQ(0, vb_policy_load_verified(&self->trust, P(self, "x.policy"), &p, &d,
					     self->signer, sizeof(self->signer), self->why,
					     sizeof(self->why)));
	ASSERT_NE(NULL, p);
	EXPECT_EQ((uint64_t)7, p->version);
	EXPECT_EQ((size_t)1, p->n_rules);
	EXPECT_STREQ("CN=Policy Signer", self->signer);
	ASSERT_EQ(1, EVP_Digest(GOOD_POLICY, strlen(GOOD_POLICY), digest, NULL, EVP_sha256(),
				NULL));
	EXPECT_EQ(0, memcmp(digest, p->digest, 32));
	vb_policy_free(p);
	vb_diag_free(&d);
}

TEST_F(sig, load_verified_refuses_edited)
{
	static const char edited[] = "version 8\nvendor acme \"Acme\"\n";
	struct vb_policy *p = (void *)1;
	struct vb_diag d = {};

	ASSERT_EQ(0, SIGN_AS("signer"));
	ASSERT_EQ(0, write_file(P(self, "x.policy"), edited, strlen(edited)));
	ASSERT_EQ(-EBADMSG, vb_policy_load_verified(&self->trust, P(self, "x.policy"), &p, &d,
						    self->signer, sizeof(self->signer),
						    self->why, sizeof(self->why)));
	EXPECT_EQ(NULL, p);
	EXPECT_EQ((size_t)0, d.n_total);
	EXPECT_NE(NULL, strstr(self->why, "does not match"));
	vb_diag_free(&d);
}

/* A vendor certificate named by the policy is part of what is signed: swapping the file beside a
 * signed policy would change what is banned without touching the signed text. */
TEST_F(sig, cert_files_are_covered_by_the_signature)
{
	char text[256], cmd[512];
	struct vb_policy *p = NULL;
	struct vb_diag d = {};

	for (int i = 0; i < 2; i++) {
		snprintf(cmd, sizeof(cmd),
			 "openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes "
			 "-days 30 -subj /O=Vendor%d/CN=code -keyout %s/v%d.key -out %s/v%d.pem "
			 "2>/dev/null", i, self->dir, i, self->dir, i);
		ASSERT_EQ(0, system(cmd));
	}
	snprintf(cmd, sizeof(cmd), "cp %s/v0.pem %s/vendor.pem", self->dir, self->dir);
	ASSERT_EQ(0, system(cmd));
	snprintf(text, sizeof(text), "version 9\nvendor v \"V\"\n\tcert vendor.pem\n");
	ASSERT_EQ(0, write_file(P(self, "x.policy"), text, strlen(text)));
	ASSERT_EQ(0, SIGN_AS("signer"));
	ASSERT_EQ(0, verify(self));
	ASSERT_EQ(0, vb_policy_load_verified(&self->trust, P(self, "x.policy"), &p, &d,
					     self->signer, sizeof(self->signer), self->why,
					     sizeof(self->why)));
	vb_policy_free(p);
	p = NULL;

	/* Another vendor's certificate under the same name: the text is unchanged. */
	snprintf(cmd, sizeof(cmd), "cp %s/v1.pem %s/vendor.pem", self->dir, self->dir);
	ASSERT_EQ(0, system(cmd));
	EXPECT_EQ(-EBADMSG, verify(self));
	EXPECT_EQ(-EBADMSG, vb_policy_load_verified(&self->trust, P(self, "x.policy"), &p, &d,
						    self->signer, sizeof(self->signer),
						    self->why, sizeof(self->why)));
	EXPECT_EQ(NULL, p);
	EXPECT_NE(NULL, strstr(self->why, "does not match"));
	vb_diag_free(&d);
}

/* A signed policy that does not parse (signed by hand) is still refused, with diagnostics. */
TEST_F(sig, load_verified_signed_but_unparsable)
{
	static const char bad[] = "version 0\nvendor\n";
	struct vb_policy *p = NULL;
	struct vb_diag d = {};

	ASSERT_EQ(0, write_file(P(self, "x.policy"), bad, strlen(bad)));
	ASSERT_TRUE(raw_sign(P(self, "x.policy"), P(self, "signer.key"), P(self, "signer.pem"),
			     P(self, "x.policy.sig"), CMS_DETACHED));
	ASSERT_EQ(-EINVAL, vb_policy_load_verified(&self->trust, P(self, "x.policy"), &p, &d,
						   self->signer, sizeof(self->signer), self->why,
						   sizeof(self->why)));
	EXPECT_EQ(NULL, p);
	EXPECT_LT((size_t)0, d.n);
	vb_diag_free(&d);
}

TEST_F(sig, sign_refuses_unparsable_policy)
{
	static const char bad[] = "version 1\nvendor acme \"Acme\"\n\tsha256 nothex\n";

	ASSERT_EQ(0, write_file(P(self, "x.policy"), bad, strlen(bad)));
	EXPECT_EQ(-EINVAL, SIGN_AS("signer"));
	EXPECT_NE(0, access(P(self, "x.policy.sig"), F_OK));
}

TEST_F(sig, sign_refuses_mismatched_key)
{
	EXPECT_EQ(-EINVAL, vb_policy_sign(P(self, "x.policy"), P(self, "mallory.key"),
					  P(self, "signer.pem"), NULL));
	EXPECT_NE(0, access(P(self, "x.policy.sig"), F_OK));
}

TEST_F(sig, sign_missing_inputs)
{
	EXPECT_EQ(-EINVAL, vb_policy_sign(P(self, "x.policy"), P(self, "none.key"),
					  P(self, "signer.pem"), NULL));
	EXPECT_EQ(-ENOENT, vb_policy_sign(P(self, "none.policy"), P(self, "signer.key"),
					  P(self, "signer.pem"), NULL));
}

TEST_F(sig, trust_load_errors)
{
	const char *none = P(self, "none.pem"), *notpem = P(self, "x.policy");
	const char *key = P(self, "signer.key");

	vb_trust_free(&self->trust);
	EXPECT_EQ(-EINVAL, vb_trust_load_why(&self->trust, NULL, 0, self->why,
					     sizeof(self->why)));
	EXPECT_EQ(-ENOENT, vb_trust_load_why(&self->trust, &none, 1, self->why,
					     sizeof(self->why)));
	EXPECT_EQ(-EBADMSG, vb_trust_load_why(&self->trust, &notpem, 1, self->why,
					      sizeof(self->why)));
	EXPECT_NE(NULL, strstr(self->why, "no PEM certificate"));
	/* A private key is not a certificate. */
	EXPECT_EQ(-EBADMSG, vb_trust_load_why(&self->trust, &key, 1, self->why,
					      sizeof(self->why)));
	EXPECT_EQ(NULL, self->trust.store);
}

TEST_F(sig, verify_without_trust)
{
	vb_trust_free(&self->trust);
	ASSERT_EQ(0, SIGN_AS("signer"));
	ASSERT_EQ(-EINVAL, verify(self));
}

TEST(rollback)
{
	char why[128];

	EXPECT_EQ(-ESTALE, vb_policy_version_check(7, 7, why, sizeof(why)));
	EXPECT_STREQ("version 7 is not newer than version 7 in force (rollback refused)", why);
	EXPECT_EQ(-ESTALE, vb_policy_version_check(5, 7, why, sizeof(why)));
	EXPECT_STREQ("version 5 is not newer than version 7 in force (rollback refused)", why);
	EXPECT_EQ(0, vb_policy_version_check(8, 7, why, sizeof(why)));
	EXPECT_EQ(0, vb_policy_version_check(1, 0, why, sizeof(why)));
	EXPECT_EQ(-ESTALE, vb_policy_version_check(0, UINT64_MAX, why, sizeof(why)));
	EXPECT_EQ(0, vb_policy_version_check(UINT64_MAX, UINT64_MAX - 1, NULL, 0));
}

TEST_HARNESS_MAIN
