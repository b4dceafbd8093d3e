// SPDX-License-Identifier: GPL-2.0
/*
 * security.ima values (security/integrity/integrity.h). A v2 signature names its key by a 32-bit
 * key id: the low 4 bytes of the signing certificate's SubjectKeyIdentifier, which is how the
 * kernel finds the key in the .ima keyring ("id:" lookup, asymmetric_verify()) and what evmctl
 * writes, from the key or from --keyid-from-cert. It is therefore the tail of a SKID, not a
 * whole one: match it against the last 8 hex digits of a certificate's skid.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/xattr.h>
#include <linux/hash_info.h>
#include "identify/ima.h"
#include "identify/x509id.h"

/* enum evm_ima_xattr_type */
#define IMA_XATTR_DIGEST		0x01
#define EVM_XATTR_HMAC			0x02
#define EVM_IMA_XATTR_DIGSIG		0x03
#define IMA_XATTR_DIGEST_NG		0x04
#define EVM_XATTR_PORTABLE_DIGSIG	0x05
#define IMA_VERITY_DIGSIG		0x06

#define DIGSIG_VERSION_1		1	/* RSA only, 64-bit key id; not a SKID */
#define DIGSIG_VERSION_2		2
#define DIGSIG_VERSION_3		3	/* signs an ima_file_id; fs-verity */

/* struct signature_v2_hdr: type, version, hash_algo, __be32 keyid, __be16 sig_size, sig[] */
#define SIG_V2_HDR_LEN			9
#define MD5_DIGEST_XATTR_LEN		17	/* type + MD5, kept for old files */
#define SHA1_DIGEST_XATTR_LEN		21	/* type + SHA-1 (or MD5 padded with zeros) */

/* enum hash_algo: SHA-3 came in Linux 6.7, after the uapi header this builds against. */
#define VB_HASH_ALGO_SHA3_256		(HASH_ALGO_STREEBOG_512 + 1)
#define VB_HASH_ALGO_SHA3_384		(HASH_ALGO_STREEBOG_512 + 2)
#define VB_HASH_ALGO_SHA3_512		(HASH_ALGO_STREEBOG_512 + 3)
#define VB_HASH_ALGO_LAST		(HASH_ALGO_STREEBOG_512 + 4)

/* The kernel's hash_algo_name[] and hash_digest_size[] (crypto/hash_info.c). */
static const struct {
	const char *name;
	size_t size;
} hash_algos[VB_HASH_ALGO_LAST] = {
	[HASH_ALGO_MD4] = { "md4", 16 },
	[HASH_ALGO_MD5] = { "md5", 16 },
	[HASH_ALGO_SHA1] = { "sha1", 20 },
	[HASH_ALGO_RIPE_MD_160] = { "rmd160", 20 },
	[HASH_ALGO_SHA256] = { "sha256", 32 },
	[HASH_ALGO_SHA384] = { "sha384", 48 },
	[HASH_ALGO_SHA512] = { "sha512", 64 },
	[HASH_ALGO_SHA224] = { "sha224", 28 },
	[HASH_ALGO_RIPE_MD_128] = { "rmd128", 16 },
	[HASH_ALGO_RIPE_MD_256] = { "rmd256", 32 },
	[HASH_ALGO_RIPE_MD_320] = { "rmd320", 40 },
	[HASH_ALGO_WP_256] = { "wp256", 32 },
	[HASH_ALGO_WP_384] = { "wp384", 48 },
	[HASH_ALGO_WP_512] = { "wp512", 64 },
	[HASH_ALGO_TGR_128] = { "tgr128", 16 },
	[HASH_ALGO_TGR_160] = { "tgr160", 20 },
	[HASH_ALGO_TGR_192] = { "tgr192", 24 },
	[HASH_ALGO_SM3_256] = { "sm3", 32 },
	[HASH_ALGO_STREEBOG_256] = { "streebog256", 32 },
	[HASH_ALGO_STREEBOG_512] = { "streebog512", 64 },
	[VB_HASH_ALGO_SHA3_256] = { "sha3-256", 32 },
	[VB_HASH_ALGO_SHA3_384] = { "sha3-384", 48 },
	[VB_HASH_ALGO_SHA3_512] = { "sha3-512", 64 },
};

static int bad(struct vb_evidence *ev, const char *why, size_t len)
{
	vb_evidence_error(ev, "security.ima: %s (%zu bytes)", why, len);
	return -EBADMSG;
}

/* The v2/v3 header is shared; the kernel wants sig_size to be exactly what follows it. */
static int check_sig_hdr(const uint8_t *val, size_t len, struct vb_evidence *ev)
{
	size_t sig_size;

	if (len <= SIG_V2_HDR_LEN)
		return bad(ev, "signature shorter than its header", len);
	sig_size = (size_t)val[7] << 8 | val[8];
	if (sig_size != len - SIG_V2_HDR_LEN) {
		vb_evidence_error(ev, "security.ima: sig_size %zu at offset 7 but %zu bytes follow",
				  sig_size, len - SIG_V2_HDR_LEN);
		return -EBADMSG;
	}
	return 0;
}

static int read_digsig(const uint8_t *val, size_t len, struct vb_evidence *ev)
{
	struct vb_signer *s;
	int err;

	if (len < 2)
		return bad(ev, "signature without a version", len);
	switch (val[1]) {
	case DIGSIG_VERSION_1:
		return -ENODATA;
	case DIGSIG_VERSION_3:
		/* The kernel refuses v3 in a type 0x03 value (ima_appraise.c, 6.1). */
		err = check_sig_hdr(val, len, ev);
		return err ? err : -ENODATA;
	case DIGSIG_VERSION_2:
		break;
	default:
		vb_evidence_error(ev, "security.ima: signature version %u at offset 1", val[1]);
		return -EBADMSG;
	}
	err = check_sig_hdr(val, len, ev);
	if (err)
		return err;
	s = vb_evidence_add_signer(ev, VB_SIG_IMA);
	if (!s)
		return 0;
	if (val[2] < VB_HASH_ALGO_LAST && hash_algos[val[2]].name)
		strcpy(s->hash_algo, hash_algos[val[2]].name);
	/* keyid is big-endian on disk: its bytes in order are the SKID's last four. */
	vb_hex(val + 3, 4, s->skid);
	return 0;
}

static int check_digest_ng(const uint8_t *val, size_t len, struct vb_evidence *ev)
{
	if (len < 2)
		return bad(ev, "digest without an algorithm", len);
	if (val[1] >= VB_HASH_ALGO_LAST || !hash_algos[val[1]].name) {
		vb_evidence_error(ev, "security.ima: digest algorithm %u at offset 1", val[1]);
		return -EBADMSG;
	}
	if (len != 2 + hash_algos[val[1]].size)
		return bad(ev, "digest length does not match its algorithm", len);
	return -ENODATA;
}

int vb_ima_read_xattr(const uint8_t *val, size_t len, struct vb_evidence *ev)
{
	int err;

	if (!len)
		return bad(ev, "empty value", len);
	switch (val[0]) {
	case EVM_IMA_XATTR_DIGSIG:
		return read_digsig(val, len, ev);
	case IMA_VERITY_DIGSIG:
		if (len < 2 || val[1] != DIGSIG_VERSION_3)
			return bad(ev, "fs-verity signature that is not version 3", len);
		err = check_sig_hdr(val, len, ev);
		return err ? err : -ENODATA;
	case IMA_XATTR_DIGEST:
		if (len != MD5_DIGEST_XATTR_LEN && len != SHA1_DIGEST_XATTR_LEN)
			return bad(ev, "legacy digest that is neither MD5 nor SHA-1", len);
		return -ENODATA;
	case IMA_XATTR_DIGEST_NG:
		return check_digest_ng(val, len, ev);
	case EVM_XATTR_HMAC:
	case EVM_XATTR_PORTABLE_DIGSIG:
		return bad(ev, "an EVM value where IMA's belongs", len);
	}
	vb_evidence_error(ev, "security.ima: unknown type 0x%02x at offset 0", val[0]);
	return -EBADMSG;
}

int vb_ima_read_fd(int fd, struct vb_evidence *ev)
{
	uint8_t *val = malloc(VB_IMA_XATTR_MAX);
	ssize_t n;
	int err;

	if (!val)
		return -ENOMEM;
	n = fgetxattr(fd, VB_IMA_XATTR, val, VB_IMA_XATTR_MAX);
	if (n < 0)
		err = errno == ENODATA || errno == ENOTSUP ? -ENODATA : -errno;
	else
		err = vb_ima_read_xattr(val, n, ev);
	free(val);
	return err;
}
