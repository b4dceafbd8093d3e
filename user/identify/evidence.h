/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Evidence: what a file says about who made it. Each reader (modsig, elf, ima, pe, dpkg, rpm)
 * takes a buffer or a path and appends what it found to one struct vb_evidence, which
 * `vendorban identify` prints and the policy's vendor identities are matched against.
 */
#ifndef VB_EVIDENCE_H
#define VB_EVIDENCE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define VB_DN_MAX		512	/* an RFC 2253 distinguished name, NUL included */
#define VB_SERIAL_MAX		41	/* 20-byte serial number as hex, NUL included (RFC 5280) */
#define VB_KEYID_MAX		129	/* subject key identifier or key id as hex, NUL included */
#define VB_FIELD_MAX		256	/* package and modinfo fields, NUL included */
#define VB_SIGNERS_MAX		16	/* signatures and chain certificates kept per file */
#define VB_NAME_DER_MAX		256	/* issuer Name DER the kernel can match (bytes) */
#define VB_ERROR_MAX		256	/* why a reader refused its input, NUL included */

enum vb_sig_format {
	VB_SIG_MODULE,		/* kernel module appended PKCS#7 (~Module signature appended~) */
	VB_SIG_IMA,		/* security.ima xattr, type 0x03 v2 */
	VB_SIG_AUTHENTICODE,	/* PE/COFF certificate table */
};

/*
 * One signature, or one certificate of a signature's chain (chain_depth > 0). Fields that the
 * format does not carry are empty strings: a module signature names its signer by issuer and
 * serial or by SKID only, an IMA signature by a 32-bit key id only.
 */
struct vb_signer {
	enum vb_sig_format format;
	unsigned int chain_depth;		/* 0: the signing certificate or signer info */
	char issuer[VB_DN_MAX];			/* RFC 2253, as `openssl x509 -nameopt RFC2253` */
	char subject[VB_DN_MAX];		/* "" when the certificate is not in the signature */
	char serial[VB_SERIAL_MAX];		/* lower-case hex, no separators or sign byte */
	char skid[VB_KEYID_MAX];		/* lower-case hex, no separators */
	char hash_algo[16];			/* "sha256", "sha512", ... */
	uint8_t tbs_sha256[32];			/* SHA-256 of the certificate's TBSCertificate */
	bool has_tbs;				/* only when the certificate itself was present */
	bool has_issuer_serial;
	uint8_t issuer_der[VB_NAME_DER_MAX];	/* the issuer Name as DER, for the kernel key */
	size_t issuer_der_len;			/* 0: longer than VB_NAME_DER_MAX */
};

struct vb_package {
	char manager[8];			/* "dpkg" or "rpm"; "" when no package owns it */
	char name[VB_FIELD_MAX];
	char version[VB_FIELD_MAX];
	char maintainer[VB_FIELD_MAX];		/* dpkg Maintainer, rpm Packager */
	char vendor[VB_FIELD_MAX];		/* rpm Vendor, dpkg Origin when present */
	char key_id[VB_KEYID_MAX];		/* rpm header signature key id, lower-case hex */
	char diversion[VB_FIELD_MAX];		/* dpkg: the diversion that decided the owner */
};

struct vb_modinfo {
	bool present;
	char name[VB_FIELD_MAX];
	char author[VB_FIELD_MAX];
	char description[VB_FIELD_MAX];
	char license[VB_FIELD_MAX];
	char vermagic[VB_FIELD_MAX];
};

struct vb_elfinfo {
	bool present;
	char build_id[VB_KEYID_MAX];		/* lower-case hex of NT_GNU_BUILD_ID */
	char interp[VB_FIELD_MAX];		/* PT_INTERP */
	uint16_t machine;			/* e_machine */
	uint16_t type;				/* e_type: ET_EXEC, ET_DYN, ET_REL (modules) */
};

struct vb_evidence {
	uint8_t sha256[32];			/* of the file's bytes as stored (compressed) */
	bool has_sha256;
	char compression[8];			/* "", "gzip", "xz", "zstd" */
	struct vb_signer signers[VB_SIGNERS_MAX];
	size_t n_signers;
	size_t signers_dropped;			/* more than VB_SIGNERS_MAX */
	struct vb_modinfo modinfo;
	struct vb_elfinfo elf;
	struct vb_package package;
	char error[VB_ERROR_MAX];		/* the first reader's "what at which offset", or "" */
};

/* The next free signer slot, zeroed and with format set; NULL (counted) when full. */
struct vb_signer *vb_evidence_add_signer(struct vb_evidence *ev, enum vb_sig_format format);
const char *vb_sig_format_name(enum vb_sig_format format);
/*
 * Say why a reader refused its input, as "what at which offset". Only the first error is kept:
 * it is the cause, later ones are usually its consequences. ev may be NULL: nothing is kept.
 */
void vb_evidence_error(struct vb_evidence *ev, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

#endif /* VB_EVIDENCE_H */
