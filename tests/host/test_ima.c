// SPDX-License-Identifier: GPL-2.0
/*
 * security.ima values as evmctl writes them: v2 signatures (the key id is the tail of the
 * signing certificate's SKID), v1 RSA signatures and digests (no signer), and the same values
 * cut short or altered. The fd tests set real extended attributes with evmctl and skip, saying
 * why, where the file system or our privileges do not allow security.* attributes.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/xattr.h>
#include <unistd.h>
#include "kselftest_harness.h"
#include "identify_fixture.h"
#include "identify/evidence.h"
#include "identify/ima.h"

#define SKID_TAIL	8	/* hex digits of the 32-bit key id */

FIXTURE(ima) {
	char dir[PATH_MAX];
	struct vb_evidence ev;
	uint8_t *buf;
	size_t len;
	char banned_skid[VB_KEYID_MAX];
	char allowed_skid[VB_KEYID_MAX];
	char file[PATH_MAX];	/* a scratch file for the xattr tests */
	int xattr_err;		/* why security.ima cannot be set on it, or 0 */
};

FIXTURE_SETUP(ima)
{
	static const uint8_t probe[] = { 0x04, 0x04 };	/* type and algorithm: any value works */
	int fd;

	memset(&self->ev, 0, sizeof(self->ev));
	self->buf = NULL;
	ASSERT_EQ(0, identify_fixtures(self->dir, sizeof(self->dir))) {
		TH_LOG("cannot make fixtures with " FIXTURE_SCRIPT " (run from the top of the tree "
		       "after make setup)");
	}
	fixture_skid(self->dir, "banned", self->banned_skid);
	fixture_skid(self->dir, "allowed", self->allowed_skid);
	ASSERT_EQ(40u, strlen(self->banned_skid));
	ASSERT_EQ(40u, strlen(self->allowed_skid));
	/* Next to the fixtures: the build tree's file system is where a user would run this. */
	ASSERT_GT(sizeof(self->file), (size_t)snprintf(self->file, sizeof(self->file),
						       "%s.ima-XXXXXX", self->dir));
	fd = mkstemp(self->file);
	ASSERT_LE(0, fd);
	ASSERT_EQ(24, write(fd, "vendorban IMA fd test.\n\n", 24));
	self->xattr_err = fsetxattr(fd, VB_IMA_XATTR, probe, sizeof(probe), 0) ? errno : 0;
	if (!self->xattr_err)
		fremovexattr(fd, VB_IMA_XATTR);
	close(fd);
}

FIXTURE_TEARDOWN(ima)
{
	free(self->buf);
	unlink(self->file);
}

static uint8_t *load(FIXTURE_DATA(ima) *self, const char *name)
{
	free(self->buf);
	self->buf = fixture_read(self->dir, name, &self->len);
	return self->buf;
}

static const char *tail(const char *skid)
{
	return skid + strlen(skid) - SKID_TAIL;
}

#define NEED_XATTR() do { \
	if (self->xattr_err) \
		SKIP(return, "cannot set security.ima on %.200s: %s (needs CAP_SYS_ADMIN and " \
		     "a file system with security xattrs)", self->file, \
		     strerror(self->xattr_err)); \
} while (0)

TEST_F(ima, banned_v2_sha256)
{
	const struct vb_signer *s = &self->ev.signers[0];

	ASSERT_NE(NULL, load(self, "ima-banned.sig"));
	ASSERT_EQ(0, vb_ima_read_xattr(self->buf, self->len, &self->ev));
	ASSERT_EQ(1u, self->ev.n_signers);
	EXPECT_TRUE(s->format == VB_SIG_IMA);
	EXPECT_EQ(0u, s->chain_depth);
	EXPECT_STREQ("sha256", s->hash_algo);
	/* The low 32 bits of the certificate's SKID, and nothing else is known. */
	EXPECT_EQ((size_t)SKID_TAIL, strlen(s->skid));
	EXPECT_STREQ(tail(self->banned_skid), s->skid);
	EXPECT_STREQ("", s->issuer);
	EXPECT_STREQ("", s->serial);
	EXPECT_STREQ("", s->subject);
	EXPECT_FALSE(s->has_issuer_serial);
	EXPECT_FALSE(s->has_tbs);
	EXPECT_STREQ("", self->ev.error);
}

TEST_F(ima, banned_v2_sha512)
{
	ASSERT_NE(NULL, load(self, "ima-banned-sha512.sig"));
	ASSERT_EQ(0, vb_ima_read_xattr(self->buf, self->len, &self->ev));
	ASSERT_EQ(1u, self->ev.n_signers);
	EXPECT_STREQ("sha512", self->ev.signers[0].hash_algo);
	EXPECT_STREQ(tail(self->banned_skid), self->ev.signers[0].skid);
}

/* evmctl --keyid-from-cert takes the key id from the certificate's SKID, as the kernel does. */
TEST_F(ima, allowed_keyid_from_cert)
{
	ASSERT_NE(NULL, load(self, "ima-allowed.sig"));
	ASSERT_EQ(0, vb_ima_read_xattr(self->buf, self->len, &self->ev));
	ASSERT_EQ(1u, self->ev.n_signers);
	EXPECT_STREQ(tail(self->allowed_skid), self->ev.signers[0].skid);
	EXPECT_STRNE(tail(self->banned_skid), self->ev.signers[0].skid);
}

TEST_F(ima, no_signer_in_v1_and_digests)
{
	static const char *const names[] = { "ima-v1.sig", "ima-digest-ng.bin",
					     "ima-digest-sha1.bin" };

	for (int i = 0; i < 3; i++) {
		ASSERT_NE(NULL, load(self, names[i]));
		EXPECT_EQ(-ENODATA, vb_ima_read_xattr(self->buf, self->len, &self->ev)) {
			TH_LOG("%s", names[i]);
		}
	}
	EXPECT_EQ(0u, self->ev.n_signers);
	EXPECT_STREQ("", self->ev.error);
}

/* Signature v3 (fs-verity, type 0x06; refused by the kernel in type 0x03): no signer. */
TEST_F(ima, sigv3)
{
	ASSERT_NE(NULL, load(self, "ima-banned.sig"));
	self->buf[1] = 3;
	EXPECT_EQ(-ENODATA, vb_ima_read_xattr(self->buf, self->len, &self->ev));
	self->buf[0] = 0x06;
	EXPECT_EQ(-ENODATA, vb_ima_read_xattr(self->buf, self->len, &self->ev));
	EXPECT_EQ(0u, self->ev.n_signers);
	EXPECT_STREQ("", self->ev.error);
	/* fs-verity values are version 3 only, and truncated ones are still truncated. */
	EXPECT_EQ(-EBADMSG, vb_ima_read_xattr(self->buf, self->len - 1, &self->ev));
	self->buf[1] = 2;
	EXPECT_EQ(-EBADMSG, vb_ima_read_xattr(self->buf, self->len, &self->ev));
	EXPECT_EQ(0u, self->ev.n_signers);
}

TEST_F(ima, every_prefix)
{
	static const char *const names[] = { "ima-banned.sig", "ima-digest-ng.bin",
					     "ima-digest-sha1.bin" };
	int want;

	for (int i = 0; i < 3; i++) {
		ASSERT_NE(NULL, load(self, names[i]));
		for (size_t n = 0; n < self->len; n++) {
			/* 17 bytes of a legacy digest is a legacy MD5 digest */
			want = i == 2 && n == 17 ? -ENODATA : -EBADMSG;
			ASSERT_EQ(want, vb_ima_read_xattr(self->buf, n, &self->ev)) {
				TH_LOG("%s cut to %zu bytes", names[i], n);
			}
		}
	}
	EXPECT_EQ(0u, self->ev.n_signers);
	EXPECT_STREQ("security.ima: empty value (0 bytes)", self->ev.error);
}

TEST_F(ima, sig_size_disagrees)
{
	ASSERT_NE(NULL, load(self, "ima-banned.sig"));
	self->buf[self->len] = 0;
	EXPECT_EQ(-EBADMSG, vb_ima_read_xattr(self->buf, self->len + 1, &self->ev));
	EXPECT_STREQ("security.ima: sig_size 256 at offset 7 but 257 bytes follow",
		     self->ev.error);
	self->buf[8]++;
	EXPECT_EQ(-EBADMSG, vb_ima_read_xattr(self->buf, self->len, &self->ev));
	self->buf[8]--;
	self->buf[7] = 0xff;
	EXPECT_EQ(-EBADMSG, vb_ima_read_xattr(self->buf, self->len, &self->ev));
	EXPECT_EQ(0u, self->ev.n_signers);
}

TEST_F(ima, unknown_type_or_version)
{
	static const uint8_t types[] = { 0x00, 0x02, 0x05, 0x07, 0x80, 0xff };
	static const uint8_t versions[] = { 0, 4, 0xff };

	ASSERT_NE(NULL, load(self, "ima-banned.sig"));
	for (size_t i = 0; i < sizeof(types); i++) {
		self->buf[0] = types[i];
		EXPECT_EQ(-EBADMSG, vb_ima_read_xattr(self->buf, self->len, &self->ev)) {
			TH_LOG("type 0x%02x", types[i]);
		}
	}
	EXPECT_STREQ("security.ima: unknown type 0x00 at offset 0", self->ev.error);
	self->buf[0] = 0x03;
	for (size_t i = 0; i < sizeof(versions); i++) {
		self->buf[1] = versions[i];
		EXPECT_EQ(-EBADMSG, vb_ima_read_xattr(self->buf, self->len, &self->ev));
	}
	EXPECT_EQ(0u, self->ev.n_signers);
}

/* The kernel's enum hash_algo names; a number it may add later still gives the signer. */
TEST_F(ima, hash_algo_names)
{
	static const struct {
		uint8_t id;
		const char *name;
	} algos[] = {
		{ 0, "md4" }, { 2, "sha1" }, { 4, "sha256" }, { 5, "sha384" }, { 6, "sha512" },
		{ 7, "sha224" }, { 17, "sm3" }, { 18, "streebog256" }, { 19, "streebog512" },
		{ 20, "sha3-256" }, { 22, "sha3-512" }, { 23, "" }, { 200, "" },
	};

	ASSERT_NE(NULL, load(self, "ima-banned.sig"));
	for (size_t i = 0; i < sizeof(algos) / sizeof(algos[0]); i++) {
		self->buf[2] = algos[i].id;
		memset(&self->ev, 0, sizeof(self->ev));
		ASSERT_EQ(0, vb_ima_read_xattr(self->buf, self->len, &self->ev));
		EXPECT_STREQ(algos[i].name, self->ev.signers[0].hash_algo);
		EXPECT_STREQ(tail(self->banned_skid), self->ev.signers[0].skid);
	}
}

TEST_F(ima, digest_ng_inconsistent)
{
	ASSERT_NE(NULL, load(self, "ima-digest-ng.bin"));
	ASSERT_EQ(34u, self->len);	/* type, algorithm, SHA-256 */
	self->buf[1] = 6;		/* says SHA-512, has 32 bytes */
	EXPECT_EQ(-EBADMSG, vb_ima_read_xattr(self->buf, self->len, &self->ev));
	self->buf[1] = 99;
	EXPECT_EQ(-EBADMSG, vb_ima_read_xattr(self->buf, self->len, &self->ev));
	EXPECT_STREQ("security.ima: digest length does not match its algorithm (34 bytes)",
		     self->ev.error);
}

TEST_F(ima, full_evidence_counts_dropped)
{
	ASSERT_NE(NULL, load(self, "ima-banned.sig"));
	self->ev.n_signers = VB_SIGNERS_MAX;
	EXPECT_EQ(0, vb_ima_read_xattr(self->buf, self->len, &self->ev));
	EXPECT_EQ(1u, self->ev.signers_dropped);
}

/* Flip every bit: an answer, never a crash; a signer only when the header still agrees. */
TEST_F(ima, bit_flips)
{
	int err;

	ASSERT_NE(NULL, load(self, "ima-banned.sig"));
	for (size_t i = 0; i < self->len; i++) {
		for (int bit = 0; bit < 8; bit++) {
			self->buf[i] ^= 1 << bit;
			memset(&self->ev, 0, sizeof(self->ev));
			err = vb_ima_read_xattr(self->buf, self->len, &self->ev);
			ASSERT_TRUE(err == 0 || err == -EBADMSG || err == -ENODATA) {
				TH_LOG("byte %zu bit %d: %d", i, bit, err);
			}
			ASSERT_EQ(err == 0, self->ev.n_signers == 1);
			if (err == 0)
				ASSERT_TRUE(self->buf[0] == 0x03 && self->buf[1] == 2);
			self->buf[i] ^= 1 << bit;
		}
	}
}

static int run(const char *fmt, const char *a, const char *b)
{
	char cmd[3 * PATH_MAX];

	snprintf(cmd, sizeof(cmd), fmt, a, b);
	return system(cmd);
}

/* The real thing: evmctl sets security.ima, we read it from the open file. */
TEST_F(ima, fd_evmctl_signed)
{
	uint8_t val[VB_IMA_XATTR_MAX];
	ssize_t n;
	int fd;

	NEED_XATTR();
	ASSERT_EQ(0, run("evmctl ima_sign --key '%s/pki/banned.key' -a sha256 '%s' >/dev/null 2>&1",
			 self->dir, self->file));
	fd = open(self->file, O_RDONLY | O_CLOEXEC);
	ASSERT_LE(0, fd);
	ASSERT_EQ(0, vb_ima_read_fd(fd, &self->ev));
	ASSERT_EQ(1u, self->ev.n_signers);
	EXPECT_STREQ("sha256", self->ev.signers[0].hash_algo);
	EXPECT_STREQ(tail(self->banned_skid), self->ev.signers[0].skid);
	n = fgetxattr(fd, VB_IMA_XATTR, val, sizeof(val));
	close(fd);
	/* What getfattr would show: a type 0x03 version 2 value. */
	ASSERT_LT(9, n);
	EXPECT_EQ(0x03, val[0]);
	EXPECT_EQ(2, val[1]);
}

TEST_F(ima, fd_without_ima)
{
	int fd, p[2];

	/* Reading needs no privilege: this runs everywhere. */
	fd = open(self->file, O_RDONLY | O_CLOEXEC);
	ASSERT_LE(0, fd);
	EXPECT_EQ(-ENODATA, vb_ima_read_fd(fd, &self->ev));
	close(fd);
	/* A pipe has no extended attributes at all: the same answer. */
	ASSERT_EQ(0, pipe(p));
	EXPECT_EQ(-ENODATA, vb_ima_read_fd(p[0], &self->ev));
	close(p[0]);
	close(p[1]);
	EXPECT_EQ(-EBADF, vb_ima_read_fd(-1, &self->ev));
	EXPECT_EQ(0u, self->ev.n_signers);
	EXPECT_STREQ("", self->ev.error);
}

TEST_F(ima, fd_evmctl_digest)
{
	int fd;

	NEED_XATTR();
	ASSERT_EQ(0, run("evmctl ima_hash -a sha256 '%s' >/dev/null 2>&1%s", self->file, ""));
	fd = open(self->file, O_RDONLY | O_CLOEXEC);
	ASSERT_LE(0, fd);
	EXPECT_EQ(-ENODATA, vb_ima_read_fd(fd, &self->ev));
	close(fd);
	EXPECT_EQ(0u, self->ev.n_signers);
}

TEST_F(ima, fd_truncated_value)
{
	int fd;

	NEED_XATTR();
	ASSERT_NE(NULL, load(self, "ima-banned.sig"));
	fd = open(self->file, O_RDONLY | O_CLOEXEC);
	ASSERT_LE(0, fd);
	ASSERT_EQ(0, fsetxattr(fd, VB_IMA_XATTR, self->buf, self->len - 1, 0));
	EXPECT_EQ(-EBADMSG, vb_ima_read_fd(fd, &self->ev));
	close(fd);
	EXPECT_EQ(0u, self->ev.n_signers);
	EXPECT_NE(NULL, strstr(self->ev.error, "sig_size"));
}

TEST_HARNESS_MAIN
