// SPDX-License-Identifier: GPL-2.0
/*
 * Authenticode signers of PE files, as `vendorban identify` shows them. Executables are built
 * in memory (tests/fixtures/mkpe.h) and signed with osslsigncode using the test PKI
 * (tests/pki/mkpki.sh); expected identities are computed here from the PEM files with
 * libcrypto. Every malformed header, length and signature gives an error, never a crash.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/pkcs7.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include "kselftest_harness.h"
#include "hostutil.h"
#include "../fixtures/mkpe.h"

#include "identify/evidence.h"
#include "identify/pe.h"

#define MKPKI		"tests/pki/mkpki.sh"
#define CA_DN		"CN=vendorban Test Root CA,O=vendorban Test PKI,C=US"
#define BANNED_DN	"CN=Banned Test Vendor Code Signing,serialNumber=1027700067328," \
			"O=Banned Test Vendor,C=RU"
#define ALLOWED_DN	"CN=Allowed Test Vendor Code Signing,O=Allowed Test Vendor,C=US"
#define CACHE_FMT	"/tmp/vb-test-pe-%d"
#define WIN_CERT_ENTRY(der_len) (((der_len) + 8 + 7) & ~(size_t)7)
#define DIR_SECURITY_OFF(pe32plus) (MKPE_LFANEW + 24 + ((pe32plus) ? 112 : 96) + 4 * 8)

struct blob {
	uint8_t *data;
	size_t len;
};

/* Signed files are made once per run, shared by the forked tests, removed at exit. */
static void __attribute__((destructor)) remove_cache(void)
{
	char cmd[64];

	snprintf(cmd, sizeof(cmd), "rm -rf " CACHE_FMT, (int)getpid());
	if (system(cmd))
		fprintf(stderr, "test_pe: %s failed\n", cmd);
}

static int read_blob(const char *dir, const char *name, struct blob *b)
{
	char path[256];
	struct stat st;
	int fd;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	if (fstat(fd, &st) || !(b->data = malloc(st.st_size ? st.st_size : 1)) ||
	    read(fd, b->data, st.st_size) != st.st_size) {
		close(fd);
		return -EIO;
	}
	b->len = st.st_size;
	close(fd);
	return 0;
}

static int run(const char *fmt, const char *dir)
{
	char cmd[1024];

	snprintf(cmd, sizeof(cmd), fmt, dir, dir, dir, dir, dir, dir, dir, dir);
	return system(cmd);
}

/* The PKI and the signed files; a reason on failure. */
static const char *make_fixtures(const char *dir)
{
	uint8_t pe[MKPE_LEN];
	char path[256];

	if (access(MKPKI, R_OK))
		return "tests/pki/mkpki.sh not found: run from the top of the tree";
	if (run("command -v osslsigncode >/dev/null && command -v openssl >/dev/null", ""))
		return "osslsigncode or openssl not installed (make setup)";
	snprintf(path, sizeof(path), "%s/.done", dir);
	if (!access(path, F_OK))
		return NULL;
	mkdir(dir, 0700);
	if (run("bash " MKPKI " %s/pki", dir))
		return "mkpki.sh failed";
	mkpe_build(pe, true);
	snprintf(path, sizeof(path), "%s/unsigned64.exe", dir);
	if (write_file(path, pe, sizeof(pe)))
		return "cannot write the PE32+ file";
	mkpe_build(pe, false);
	snprintf(path, sizeof(path), "%s/unsigned32.exe", dir);
	if (write_file(path, pe, sizeof(pe)))
		return "cannot write the PE32 file";
	if (run("cd %s && cat pki/banned.pem pki/ca.pem > banned-chain.pem && "
		"cat pki/banned-renewed.pem pki/ca.pem > renewed-chain.pem && "
		"cat pki/allowed.pem pki/ca.pem > allowed-chain.pem", dir))
		return "cannot write certificate chains";
	if (run("cd %s && osslsigncode sign -certs banned-chain.pem -key pki/banned.key "
		"-in unsigned64.exe -out signed64.exe >/dev/null", dir) ||
	    run("cd %s && osslsigncode sign -certs renewed-chain.pem -key pki/banned-renewed.key "
		"-in unsigned32.exe -out signed32.exe >/dev/null", dir))
		return "osslsigncode sign failed";
	if (run("cd %s && osslsigncode sign -nest -h sha512 -certs allowed-chain.pem "
		"-key pki/allowed.key -in signed64.exe -out nested.exe >/dev/null", dir))
		return "osslsigncode sign -nest failed";
	snprintf(path, sizeof(path), "%s/.done", dir);
	if (write_file(path, "", 0))
		return "cannot mark fixtures done";
	return NULL;
}

static X509 *load_cert(const char *dir, const char *name)
{
	char path[256];
	BIO *b;
	X509 *x;

	snprintf(path, sizeof(path), "%s/pki/%s.pem", dir, name);
	b = BIO_new_file(path, "r");
	x = b ? PEM_read_bio_X509(b, NULL, NULL, NULL) : NULL;
	BIO_free(b);
	return x;
}

static EVP_PKEY *load_key(const char *dir, const char *name)
{
	char path[256];
	EVP_PKEY *k;
	BIO *b;

	snprintf(path, sizeof(path), "%s/pki/%s.key", dir, name);
	b = BIO_new_file(path, "r");
	k = b ? PEM_read_bio_PrivateKey(b, NULL, NULL, NULL) : NULL;
	BIO_free(b);
	return k;
}

/* Length of a DER header and its content at p, or 0 when malformed. */
static size_t der_header(const uint8_t *p, size_t len, size_t *content)
{
	size_t n, i, hdr;

	if (len < 2)
		return 0;
	if (!(p[1] & 0x80)) {
		*content = p[1];
		hdr = 2;
	} else {
		n = p[1] & 0x7f;
		if (n == 0 || n > 4 || len < 2 + n)
			return 0;
		for (*content = 0, i = 0; i < n; i++)
			*content = *content << 8 | p[2 + i];
		hdr = 2 + n;
	}
	return hdr + *content <= len ? hdr : 0;
}

/* SHA-256 of the TBSCertificate, taken straight from the DER rather than re-encoded. */
static int tbs_sha256(X509 *x, uint8_t md[32])
{
	unsigned char *der = NULL;
	size_t hdr, body, tbs_hdr, tbs_body;
	unsigned int md_len;
	int len = i2d_X509(x, &der), ok;

	if (len <= 0)
		return -1;
	hdr = der_header(der, len, &body);
	tbs_hdr = hdr ? der_header(der + hdr, body, &tbs_body) : 0;
	ok = tbs_hdr && EVP_Digest(der + hdr, tbs_hdr + tbs_body, md, &md_len, EVP_sha256(), NULL);
	OPENSSL_free(der);
	return ok ? 0 : -1;
}

static void skid_hex(X509 *x, char *out)
{
	const ASN1_OCTET_STRING *skid = X509_get0_subject_key_id(x);

	out[0] = '\0';
	for (int i = 0; skid && i < ASN1_STRING_length(skid); i++)
		sprintf(out + 2 * i, "%02x", ASN1_STRING_get0_data(skid)[i]);
}

/* What OpenSSL says about the certificate equals what the reader found. */
static void expect_cert(struct __test_metadata *_metadata, const struct vb_signer *s, X509 *x)
{
	char skid[VB_KEYID_MAX];
	uint8_t md[32];

	skid_hex(x, skid);
	ASSERT_EQ(0, tbs_sha256(x, md));
	EXPECT_NE('\0', skid[0]);
	EXPECT_STREQ(skid, s->skid);
	EXPECT_TRUE(s->has_tbs);
	EXPECT_EQ(0, memcmp(md, s->tbs_sha256, sizeof(md)));
	EXPECT_TRUE(s->has_issuer_serial);
	EXPECT_LT(0u, s->issuer_der_len);
}

static uint32_t get32(const uint8_t *p)
{
	return p[0] | p[1] << 8 | p[2] << 16 | (uint32_t)p[3] << 24;
}

/* An unsigned PE with a certificate table of one entry holding der (type and revision given). */
static struct blob pe_with_entry(const uint8_t *der, size_t der_len, uint16_t rev, uint16_t type)
{
	size_t entry = WIN_CERT_ENTRY(der_len);
	struct blob b = { .len = MKPE_LEN + entry };

	b.data = calloc(1, b.len);
	if (!b.data)
		return b;
	mkpe_build(b.data, true);
	mkpe_put32(b.data + DIR_SECURITY_OFF(true), MKPE_LEN);
	mkpe_put32(b.data + DIR_SECURITY_OFF(true) + 4, entry);
	mkpe_put32(b.data + MKPE_LEN, 8 + der_len);
	mkpe_put16(b.data + MKPE_LEN + 4, rev);
	mkpe_put16(b.data + MKPE_LEN + 6, type);
	memcpy(b.data + MKPE_LEN + 8, der, der_len);
	return b;
}

/* A PKCS#7 signature by signer over some bytes, with extra certificates (NULL: none at all). */
static int sign_der(X509 *signer, EVP_PKEY *key, STACK_OF(X509) *extra, bool with_signer,
		    uint8_t **der, size_t *len)
{
	BIO *data = BIO_new_mem_buf("vendorban", -1);
	int flags = PKCS7_BINARY | (with_signer ? 0 : PKCS7_NOCERTS);
	PKCS7 *p7 = data ? PKCS7_sign(signer, key, extra, data, flags) : NULL;
	unsigned char *out = NULL;
	int n = p7 ? i2d_PKCS7(p7, &out) : -1;

	PKCS7_free(p7);
	BIO_free(data);
	if (n <= 0)
		return -1;
	*der = out;
	*len = n;
	return 0;
}

FIXTURE(pe) {
	char dir[64];
	const char *unmade;	/* why the fixtures could not be made */
	struct blob unsigned64, signed64, signed32, nested;
	struct vb_evidence ev;
};

FIXTURE_SETUP(pe)
{
	snprintf(self->dir, sizeof(self->dir), CACHE_FMT, (int)getppid());
	self->unmade = make_fixtures(self->dir);
	if (self->unmade)
		return;
	ASSERT_EQ(0, read_blob(self->dir, "unsigned64.exe", &self->unsigned64));
	ASSERT_EQ(0, read_blob(self->dir, "signed64.exe", &self->signed64));
	ASSERT_EQ(0, read_blob(self->dir, "signed32.exe", &self->signed32));
	ASSERT_EQ(0, read_blob(self->dir, "nested.exe", &self->nested));
}

FIXTURE_TEARDOWN(pe)
{
	free(self->unsigned64.data);
	free(self->signed64.data);
	free(self->signed32.data);
	free(self->nested.data);
}

/* The harness runs the body even after setup returned early: fail here, with the reason. */
#define NEED_FIXTURES() \
	ASSERT_EQ(NULL, self->unmade) TH_LOG("%s", self->unmade)

TEST_F(pe, pe32plus_signer_then_chain)
{
	X509 *banned, *ca;

	NEED_FIXTURES();
	banned = load_cert(self->dir, "banned");
	ca = load_cert(self->dir, "ca");
	ASSERT_NE(NULL, banned);
	ASSERT_NE(NULL, ca);
	ASSERT_EQ(0, vb_pe_read(self->signed64.data, self->signed64.len, &self->ev));
	ASSERT_EQ(2u, self->ev.n_signers);
	EXPECT_EQ(0u, self->ev.signers_dropped);

	EXPECT_STREQ("authenticode", vb_sig_format_name(self->ev.signers[0].format));
	EXPECT_EQ(0u, self->ev.signers[0].chain_depth);
	EXPECT_STREQ(BANNED_DN, self->ev.signers[0].subject);
	EXPECT_STREQ(CA_DN, self->ev.signers[0].issuer);
	EXPECT_STREQ("4b1a2f0001", self->ev.signers[0].serial);
	EXPECT_STREQ("sha256", self->ev.signers[0].hash_algo);
	expect_cert(_metadata, &self->ev.signers[0], banned);

	EXPECT_STREQ("authenticode", vb_sig_format_name(self->ev.signers[1].format));
	EXPECT_EQ(1u, self->ev.signers[1].chain_depth);
	EXPECT_STREQ(CA_DN, self->ev.signers[1].subject);
	EXPECT_STREQ(CA_DN, self->ev.signers[1].issuer);
	EXPECT_STREQ("", self->ev.signers[1].hash_algo);
	expect_cert(_metadata, &self->ev.signers[1], ca);
	X509_free(banned);
	X509_free(ca);
}

/* The renewed certificate: same subject, new serial and key, and a PE32 header this time. */
TEST_F(pe, pe32_renewed_certificate)
{
	X509 *renewed;

	NEED_FIXTURES();
	renewed = load_cert(self->dir, "banned-renewed");
	ASSERT_NE(NULL, renewed);
	ASSERT_EQ(0, vb_pe_read(self->signed32.data, self->signed32.len, &self->ev));
	ASSERT_EQ(2u, self->ev.n_signers);
	EXPECT_STREQ(BANNED_DN, self->ev.signers[0].subject);
	EXPECT_STREQ("4b1a2f0002", self->ev.signers[0].serial);
	expect_cert(_metadata, &self->ev.signers[0], renewed);
	EXPECT_STREQ(CA_DN, self->ev.signers[1].subject);
	X509_free(renewed);
}

TEST_F(pe, nested_signature_follows_primary)
{
	X509 *allowed;

	NEED_FIXTURES();
	allowed = load_cert(self->dir, "allowed");
	ASSERT_NE(NULL, allowed);
	ASSERT_EQ(0, vb_pe_read(self->nested.data, self->nested.len, &self->ev));
	ASSERT_EQ(4u, self->ev.n_signers);
	EXPECT_STREQ(BANNED_DN, self->ev.signers[0].subject);
	EXPECT_STREQ("sha256", self->ev.signers[0].hash_algo);
	EXPECT_EQ(0u, self->ev.signers[0].chain_depth);
	EXPECT_STREQ(CA_DN, self->ev.signers[1].subject);
	EXPECT_EQ(1u, self->ev.signers[1].chain_depth);
	EXPECT_STREQ(ALLOWED_DN, self->ev.signers[2].subject);
	EXPECT_STREQ("0a11ed0001", self->ev.signers[2].serial);
	EXPECT_STREQ("sha512", self->ev.signers[2].hash_algo);
	EXPECT_EQ(0u, self->ev.signers[2].chain_depth);
	expect_cert(_metadata, &self->ev.signers[2], allowed);
	EXPECT_STREQ(CA_DN, self->ev.signers[3].subject);
	EXPECT_EQ(1u, self->ev.signers[3].chain_depth);
	X509_free(allowed);
}

TEST_F(pe, unsigned_or_not_pe_is_enodata)
{
	static const uint8_t elf[64] = { 0x7f, 'E', 'L', 'F', 2, 1, 1 };
	uint8_t pe[MKPE_LEN];

	NEED_FIXTURES();
	EXPECT_EQ(-ENODATA, vb_pe_read(self->unsigned64.data, self->unsigned64.len, &self->ev));
	EXPECT_EQ(-ENODATA, vb_pe_read(elf, sizeof(elf), &self->ev));
	EXPECT_EQ(-ENODATA, vb_pe_read((const uint8_t *)"MZ", 2, &self->ev));
	EXPECT_EQ(-ENODATA, vb_pe_read(elf, 0, &self->ev));
	/* A DOS program: MZ, but no "PE\0\0" where e_lfanew points. */
	mkpe_build(pe, true);
	memcpy(pe + MKPE_LFANEW, "NE\0\0", 4);
	EXPECT_EQ(-ENODATA, vb_pe_read(pe, sizeof(pe), &self->ev));
	/* Fewer data directories than the security one. */
	mkpe_build(pe, false);
	mkpe_put32(pe + MKPE_LFANEW + 24 + 92, 4);
	EXPECT_EQ(-ENODATA, vb_pe_read(pe, sizeof(pe), &self->ev));
	EXPECT_EQ(0u, self->ev.n_signers);
}

TEST_F(pe, every_prefix_of_a_signed_file_is_refused)
{
	const struct blob *files[] = { &self->signed64, &self->signed32, &self->nested };

	NEED_FIXTURES();
	for (size_t f = 0; f < 3; f++) {
		for (size_t len = 0; len < files[f]->len; len++) {
			/* A copy of exactly len bytes, so ASan sees any read past the end. */
			uint8_t *copy = malloc(len ? len : 1);
			int ret;

			ASSERT_NE(NULL, copy);
			memcpy(copy, files[f]->data, len);
			ret = vb_pe_read(copy, len, &self->ev);
			free(copy);
			ASSERT_TRUE(ret == -ENODATA || ret == -EBADMSG)
				TH_LOG("file %zu prefix %zu: %d", f, len, ret);
			ASSERT_EQ(0u, self->ev.n_signers);
		}
	}
}

TEST_F(pe, bad_e_lfanew_and_optional_header)
{
	struct blob *s = &self->signed64;
	uint8_t *pe;

	NEED_FIXTURES();
	pe = s->data;
	mkpe_put32(pe + 0x3c, 0xfffffff0);
	EXPECT_EQ(-EBADMSG, vb_pe_read(pe, s->len, &self->ev));
	EXPECT_EQ(0, strncmp("PE: e_lfanew 4294967280 leaves no room", self->ev.error, 38))
		TH_LOG("%s", self->ev.error);
	mkpe_put32(pe + 0x3c, s->len - 10);	/* no room for the COFF header */
	EXPECT_EQ(-EBADMSG, vb_pe_read(pe, s->len, &self->ev));
	mkpe_put32(pe + 0x3c, s->len);
	EXPECT_EQ(-EBADMSG, vb_pe_read(pe, s->len, &self->ev));
	mkpe_put32(pe + 0x3c, MKPE_LFANEW);
	ASSERT_EQ(0, vb_pe_read(pe, s->len, &self->ev));
	self->ev.n_signers = 0;

	/* SizeOfOptionalHeader past the end of the file, and too small for the directories. */
	mkpe_put16(pe + MKPE_LFANEW + 4 + 16, 0xffff);
	EXPECT_EQ(-EBADMSG, vb_pe_read(pe, MKPE_LEN, &self->ev));
	mkpe_put16(pe + MKPE_LFANEW + 4 + 16, 100);
	EXPECT_EQ(-EBADMSG, vb_pe_read(pe, s->len, &self->ev));
	mkpe_put16(pe + MKPE_LFANEW + 4 + 16, 112 + 8 * 4);	/* ends before directory 4 */
	EXPECT_EQ(-ENODATA, vb_pe_read(pe, s->len, &self->ev));
	mkpe_put16(pe + MKPE_LFANEW + 4 + 16, 112 + 8 * MKPE_NDIRS);
	/* Neither PE32 nor PE32+. */
	mkpe_put16(pe + MKPE_LFANEW + 24, 0x107);
	EXPECT_EQ(-EBADMSG, vb_pe_read(pe, s->len, &self->ev));
	EXPECT_EQ(0u, self->ev.n_signers);
}

TEST_F(pe, security_directory_outside_the_file)
{
	struct blob *s = &self->signed64;
	char want[VB_ERROR_MAX];
	uint8_t *dir;
	uint32_t va, size;

	NEED_FIXTURES();
	dir = s->data + DIR_SECURITY_OFF(true);
	va = get32(dir);
	size = get32(dir + 4);
	ASSERT_EQ((uint32_t)MKPE_LEN, va);
	ASSERT_EQ(s->len, va + size);

	mkpe_put32(dir, s->len);			/* starts at the end */
	EXPECT_EQ(-EBADMSG, vb_pe_read(s->data, s->len, &self->ev));
	snprintf(want, sizeof(want),
		 "PE: certificate table at offset %zu, %u bytes, is not in the %zu-byte file",
		 s->len, size, s->len);
	EXPECT_STREQ(want, self->ev.error);
	mkpe_put32(dir, 0xfffffff8);			/* va + size wraps around */
	EXPECT_EQ(-EBADMSG, vb_pe_read(s->data, s->len, &self->ev));
	mkpe_put32(dir, 0);				/* at offset 0, over the headers */
	EXPECT_EQ(-EBADMSG, vb_pe_read(s->data, s->len, &self->ev));
	mkpe_put32(dir, va);
	mkpe_put32(dir + 4, size + 1);			/* one byte past the end */
	EXPECT_EQ(-EBADMSG, vb_pe_read(s->data, s->len, &self->ev));
	mkpe_put32(dir + 4, 0xffffffff);
	EXPECT_EQ(-EBADMSG, vb_pe_read(s->data, s->len, &self->ev));
	mkpe_put32(dir + 4, 7);				/* smaller than one entry header */
	EXPECT_EQ(-EBADMSG, vb_pe_read(s->data, s->len, &self->ev));
	mkpe_put32(dir + 4, 0);				/* address but no size: unsigned */
	EXPECT_EQ(-ENODATA, vb_pe_read(s->data, s->len, &self->ev));
	EXPECT_EQ(0u, self->ev.n_signers);
}

TEST_F(pe, win_certificate_lengths)
{
	struct blob *s = &self->signed64;
	char want[VB_ERROR_MAX];
	uint8_t *entry;
	uint32_t dw;

	NEED_FIXTURES();
	entry = s->data + MKPE_LEN;
	dw = get32(entry);
	ASSERT_EQ(0x0200, entry[4] | entry[5] << 8);
	ASSERT_EQ(0x0002, entry[6] | entry[7] << 8);

	static const uint32_t bad[] = { 0, 1, 7, 0xffffffff, 0x80000000 };

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		mkpe_put32(entry, bad[i]);
		self->ev.error[0] = '\0';
		EXPECT_EQ(-EBADMSG, vb_pe_read(s->data, s->len, &self->ev)) TH_LOG("dwLength %u",
										   bad[i]);
		snprintf(want, sizeof(want),
			 "PE: certificate entry at offset %u has length %u, not 8 to %zu",
			 MKPE_LEN, bad[i], s->len - MKPE_LEN);
		EXPECT_STREQ(want, self->ev.error);
	}
	mkpe_put32(entry, s->len - MKPE_LEN + 1);	/* one past the table */
	EXPECT_EQ(-EBADMSG, vb_pe_read(s->data, s->len, &self->ev));
	mkpe_put32(entry, 8);				/* an empty signature */
	EXPECT_EQ(-EBADMSG, vb_pe_read(s->data, s->len, &self->ev));
	mkpe_put32(entry, dw - 64);			/* the DER cut short */
	EXPECT_EQ(-EBADMSG, vb_pe_read(s->data, s->len, &self->ev));
	EXPECT_EQ(0u, self->ev.n_signers);
	mkpe_put32(entry, dw);
	EXPECT_EQ(0, vb_pe_read(s->data, s->len, &self->ev));
}

TEST_F(pe, garbage_pkcs7_and_other_entry_types)
{
	struct blob *s = &self->signed64;
	uint8_t *entry, *copy;
	uint32_t dw;

	NEED_FIXTURES();
	entry = s->data + MKPE_LEN;
	dw = get32(entry);
	copy = malloc(dw);
	ASSERT_NE(NULL, copy);
	memcpy(copy, entry, dw);

	/* X.509 (type 1) and revision 1.0 entries are not PKCS#7: nothing to read. */
	mkpe_put16(entry + 6, 0x0001);
	EXPECT_EQ(-ENODATA, vb_pe_read(s->data, s->len, &self->ev));
	mkpe_put16(entry + 6, 0x0002);
	mkpe_put16(entry + 4, 0x0100);
	EXPECT_EQ(-ENODATA, vb_pe_read(s->data, s->len, &self->ev));
	mkpe_put16(entry + 4, 0x0200);

	/* Random bytes; then a DER SEQUENCE of the right length holding junk. */
	srandom(1);
	for (uint32_t i = 8; i < dw; i++)
		entry[i] = random();
	EXPECT_EQ(-EBADMSG, vb_pe_read(s->data, s->len, &self->ev));
	EXPECT_STREQ("PE: certificate entry at offset 1024 is not a PKCS#7 SignedData",
		     self->ev.error);
	entry[8] = 0x30;
	entry[9] = 0x82;
	entry[10] = (dw - 12) >> 8;
	entry[11] = (dw - 12) & 0xff;
	EXPECT_EQ(-EBADMSG, vb_pe_read(s->data, s->len, &self->ev));
	/* Flip single bytes through the real signature: an error or a result, never a crash. */
	memcpy(entry, copy, dw);
	for (uint32_t i = 8; i < dw; i += 7) {
		int ret;

		entry[i] ^= 0x55;
		self->ev.n_signers = 0;
		ret = vb_pe_read(s->data, s->len, &self->ev);
		EXPECT_TRUE(ret == 0 || ret == -EBADMSG) TH_LOG("byte %u: %d", i, ret);
		entry[i] ^= 0x55;
	}
	free(copy);
}

/* Junk appended after the real entry must not hide who signed it. */
TEST_F(pe, junk_entry_after_signature_keeps_signer)
{
	struct blob *s = &self->signed64;
	size_t len = s->len + 24;
	uint8_t *pe = calloc(1, len), *dir;

	NEED_FIXTURES();
	ASSERT_NE(NULL, pe);
	memcpy(pe, s->data, s->len);
	dir = pe + DIR_SECURITY_OFF(true);
	mkpe_put32(dir + 4, get32(dir + 4) + 24);
	mkpe_put32(pe + s->len, 24);
	mkpe_put16(pe + s->len + 4, 0x0200);
	mkpe_put16(pe + s->len + 6, 0x0002);
	memset(pe + s->len + 8, 0xa5, 16);
	EXPECT_EQ(0, vb_pe_read(pe, len, &self->ev));
	ASSERT_EQ(2u, self->ev.n_signers);
	EXPECT_STREQ(BANNED_DN, self->ev.signers[0].subject);

	/* The same junk entry on its own is an error. */
	self->ev.n_signers = 0;
	mkpe_put32(dir, s->len);
	mkpe_put32(dir + 4, 24);
	EXPECT_EQ(-EBADMSG, vb_pe_read(pe, len, &self->ev));
	EXPECT_EQ(0u, self->ev.n_signers);
	free(pe);
}

/* Without its certificate a signer is still named, by issuer and serial. */
TEST_F(pe, signer_without_certificate)
{
	X509 *banned;
	EVP_PKEY *key;
	uint8_t *der;
	size_t der_len;
	struct blob pe;

	NEED_FIXTURES();
	banned = load_cert(self->dir, "banned");
	key = load_key(self->dir, "banned");
	ASSERT_NE(NULL, banned);
	ASSERT_NE(NULL, key);
	ASSERT_EQ(0, sign_der(banned, key, NULL, false, &der, &der_len));
	pe = pe_with_entry(der, der_len, 0x0200, 0x0002);
	ASSERT_NE(NULL, pe.data);
	ASSERT_EQ(0, vb_pe_read(pe.data, pe.len, &self->ev));
	ASSERT_EQ(1u, self->ev.n_signers);
	EXPECT_STREQ(CA_DN, self->ev.signers[0].issuer);
	EXPECT_STREQ("4b1a2f0001", self->ev.signers[0].serial);
	EXPECT_STREQ("", self->ev.signers[0].subject);
	EXPECT_STREQ("", self->ev.signers[0].skid);
	EXPECT_FALSE(self->ev.signers[0].has_tbs);
	EXPECT_TRUE(self->ev.signers[0].has_issuer_serial);
	EXPECT_STREQ("sha256", self->ev.signers[0].hash_algo);
	free(pe.data);
	OPENSSL_free(der);
	EVP_PKEY_free(key);
	X509_free(banned);
}

static X509 *make_cert(const char *cn, const char *issuer_cn, EVP_PKEY *key, EVP_PKEY *signer)
{
	X509 *x = X509_new();
	X509_NAME *sub = X509_get_subject_name(x), *iss = X509_get_issuer_name(x);

	if (!x || !X509_set_version(x, 2) || !ASN1_INTEGER_set(X509_get_serialNumber(x), 7) ||
	    !X509_gmtime_adj(X509_getm_notBefore(x), 0) ||
	    !X509_gmtime_adj(X509_getm_notAfter(x), 3600) ||
	    !X509_NAME_add_entry_by_txt(sub, "CN", MBSTRING_ASC, (const uint8_t *)cn, -1, -1, 0) ||
	    !X509_NAME_add_entry_by_txt(iss, "CN", MBSTRING_ASC, (const uint8_t *)issuer_cn, -1,
					-1, 0) ||
	    !X509_set_pubkey(x, key) || X509_sign(x, signer, EVP_sha256()) <= 0) {
		X509_free(x);
		return NULL;
	}
	return x;
}

/* Two CAs that name each other as issuer: the chain ends, it does not go round. */
TEST_F(pe, certificates_issuing_each_other)
{
	EVP_PKEY *ka = EVP_EC_gen("P-256"), *kb = EVP_EC_gen("P-256"), *kl = EVP_EC_gen("P-256");
	X509 *a, *b, *leaf;
	STACK_OF(X509) *extra = sk_X509_new_null();
	uint8_t *der;
	size_t der_len;
	struct blob pe;

	NEED_FIXTURES();
	ASSERT_NE(NULL, ka);
	ASSERT_NE(NULL, kb);
	ASSERT_NE(NULL, kl);
	a = make_cert("Loop A", "Loop B", ka, kb);
	b = make_cert("Loop B", "Loop A", kb, ka);
	leaf = make_cert("Loop Leaf", "Loop A", kl, ka);
	ASSERT_NE(NULL, a);
	ASSERT_NE(NULL, b);
	ASSERT_NE(NULL, leaf);
	ASSERT_TRUE(sk_X509_push(extra, a) && sk_X509_push(extra, b));
	ASSERT_EQ(0, sign_der(leaf, kl, extra, true, &der, &der_len));
	pe = pe_with_entry(der, der_len, 0x0200, 0x0002);
	ASSERT_NE(NULL, pe.data);
	ASSERT_EQ(0, vb_pe_read(pe.data, pe.len, &self->ev));
	ASSERT_EQ(3u, self->ev.n_signers);
	EXPECT_STREQ("CN=Loop Leaf", self->ev.signers[0].subject);
	EXPECT_STREQ("CN=Loop A", self->ev.signers[1].subject);
	EXPECT_EQ(1u, self->ev.signers[1].chain_depth);
	EXPECT_STREQ("CN=Loop B", self->ev.signers[2].subject);
	EXPECT_EQ(2u, self->ev.signers[2].chain_depth);
	free(pe.data);
	OPENSSL_free(der);
	sk_X509_free(extra);
	X509_free(a);
	X509_free(b);
	X509_free(leaf);
	EVP_PKEY_free(ka);
	EVP_PKEY_free(kb);
	EVP_PKEY_free(kl);
}

/* A full evidence record counts what it could not keep; the file still reads as signed. */
TEST_F(pe, full_evidence_counts_dropped_signers)
{
	NEED_FIXTURES();
	for (size_t i = 0; i < VB_SIGNERS_MAX - 1; i++)
		ASSERT_NE(NULL, vb_evidence_add_signer(&self->ev, VB_SIG_MODULE));
	EXPECT_EQ(0, vb_pe_read(self->nested.data, self->nested.len, &self->ev));
	EXPECT_EQ((size_t)VB_SIGNERS_MAX, self->ev.n_signers);
	EXPECT_EQ(3u, self->ev.signers_dropped);
	EXPECT_STREQ(BANNED_DN, self->ev.signers[VB_SIGNERS_MAX - 1].subject);

	/* Even with no room at all, the signature is found and counted. */
	memset(&self->ev, 0, sizeof(self->ev));
	self->ev.n_signers = VB_SIGNERS_MAX;
	EXPECT_EQ(0, vb_pe_read(self->signed64.data, self->signed64.len, &self->ev));
	EXPECT_EQ(2u, self->ev.signers_dropped);
}

TEST_HARNESS_MAIN
