/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Signed policies: the policy file plus a detached CMS signature next to it, FILE.sig (DER CMS
 * SignedData over the file's exact bytes, SHA-256, signer certificate included). The fleet only
 * enforces a policy whose signer is, or chains to, one of the configured trusted certificates.
 */
#ifndef VB_POLICY_SIG_H
#define VB_POLICY_SIG_H

#include <stddef.h>
#include <stdint.h>

#include "policy/policy.h"

#define VB_SIG_SUFFIX		".sig"
#define VB_SIG_MAX_SIZE		(1u << 20)	/* bytes of DER signature */
#define VB_TRUST_MAX_CERTS	64		/* trusted signer certificates, all files */
#define VB_SUBJECT_MAX		512		/* subject DN as text, NUL included */
#define VB_WHY_MAX		1024		/* a comfortable size for the why buffers */

struct x509_store_st;

/* Trusted policy signers: only these certificates are trust anchors (not the system store). */
struct vb_trust {
	struct x509_store_st *store;
	char **subjects;		/* subject DN of each loaded certificate, for messages */
	int n;
};

/*
 * Sign policy_path with key_pem/cert_pem into sig_out (NULL: policy_path + ".sig"), written
 * atomically. Refuses a policy that does not parse. Reports its own errors through vb_err().
 */
int vb_policy_sign(const char *policy_path, const char *key_pem, const char *cert_pem,
		   const char *sig_out);

/* Load every certificate of each PEM file. Returns 0, or -errno with the reason in why. */
int vb_trust_load(struct vb_trust *t, const char *const *cert_files, int n);
int vb_trust_load_why(struct vb_trust *t, const char *const *cert_files, int n, char *why,
		      size_t why_len);
void vb_trust_free(struct vb_trust *t);
/* SHA-256 over the sorted SHA-256 digests of the trusted certificates (DER): names the trust
 * store, so the kernel can keep what the programs were loaded for (guard.signer). 0, or
 * -ENOENT for an empty store. */
int vb_trust_digest(const struct vb_trust *t, uint8_t out[32]);

/*
 * Verify the detached signature sig_path (NULL: policy_path + ".sig") over policy_path.
 * Returns 0 and the signer's subject DN in signer, or a negative errno with a reason in why:
 *   -ENOENT	   no signature file ("policy is not signed: ...")
 *   -EBADMSG	   signature does not parse, or does not match the policy bytes
 *   -EKEYREJECTED signer is not (and does not chain to) a trusted signer, or may not sign
 *   -EKEYEXPIRED  signer certificate (or one in its chain) is expired or not yet valid
 *   -EFBIG	   a file is over its size limit; other -errno: a file could not be read
 */
int vb_policy_verify(const struct vb_trust *t, const char *policy_path, const char *sig_path,
		     char *signer, size_t signer_len, char *why, size_t why_len);

/* Verify buf[0..len) (the bytes of policy_path as already read) against sig_path. */
int vb_policy_verify_buf(const struct vb_trust *t, const char *policy_path, const char *buf,
			 size_t len, const char *sig_path, char *signer, size_t signer_len,
			 char *why, size_t why_len);

/*
 * Read policy_path once, verify its signature (policy_path + ".sig") over those bytes, then parse
 * the same bytes: what is enforced is exactly what was signed. Returns 0 and *out, a signature
 * error as vb_policy_verify() (why set, diag empty), or a parse error as vb_policy_parse().
 */
int vb_policy_load_verified(const struct vb_trust *t, const char *policy_path,
			    struct vb_policy **out, struct vb_diag *diag, char *signer,
			    size_t slen, char *why, size_t wlen);

/* Rollback guard: -ESTALE unless new_version > enforced_version. */
int vb_policy_version_check(uint64_t new_version, uint64_t enforced_version, char *why,
			    size_t len);

#endif /* VB_POLICY_SIG_H */
