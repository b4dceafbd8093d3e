/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Kernel module appended signatures, as scripts/sign-file writes them and the kernel's
 * module_sig_check() reads them:
 *
 *	module body | PKCS#7 DER, sig_len bytes | struct module_signature | VB_MODSIG_MARKER
 *
 * A compressed module (.ko.gz, .ko.xz, .ko.zst) carries this inside the compressed payload:
 * run vb_decompress() first.
 */
#ifndef VB_MODSIG_H
#define VB_MODSIG_H

#include <stddef.h>
#include <stdint.h>
#include "identify/evidence.h"

#define VB_MODSIG_MARKER	"~Module signature appended~\n"
#define VB_MODSIG_MARKER_LEN	(sizeof(VB_MODSIG_MARKER) - 1)
#define VB_MODSIG_TRAILER_LEN	12	/* sizeof(struct module_signature) */
#define VB_MODSIG_ID_PKCS7	2	/* PKEY_ID_PKCS7, the only kind the kernel accepts */

/* Where the parts of a signed module are in its buffer. */
struct vb_modsig_layout {
	size_t body_len;	/* the module as it was before signing: buf[0, body_len) */
	size_t sig_off;		/* PKCS#7 DER: buf[sig_off, sig_off + sig_len) */
	size_t sig_len;
};

/*
 * Find the signature without parsing it, with the kernel's own checks (mod_check_sig()).
 * 0; -ENODATA: no marker (unsigned); -EBADMSG: trailer truncated or inconsistent; -ENOPKG:
 * id_type is not PKCS#7, which the kernel refuses with the same errno.
 */
int vb_modsig_layout(const uint8_t *buf, size_t len, struct vb_modsig_layout *lay);

/*
 * Append one VB_SIG_MODULE signer per PKCS#7 SignerInfo (chain_depth 0), named by issuer and
 * serial or by SKID as the signature names it, with hash_algo. When the signature embeds the
 * signer's certificate (sign-file does not, `openssl cms -sign` does) its subject, SKID and TBS
 * hash are filled in too and the embedded certificates that issued it follow with chain_depth
 * 1, 2, ... Returns what vb_modsig_layout() returns, or -EBADMSG when the PKCS#7 is not a DER
 * CMS SignedData with at least one signer, -ENAMETOOLONG when a name or serial does not fit,
 * -ENOMEM. On error ev->signers is as before and ev->error says why.
 */
int vb_modsig_read(const uint8_t *buf, size_t len, struct vb_evidence *ev);

#endif /* VB_MODSIG_H */
