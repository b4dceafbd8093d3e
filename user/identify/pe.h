/* SPDX-License-Identifier: GPL-2.0 */
/*
 * PE/COFF Authenticode: who signed a Windows executable, driver or DLL. Identification only:
 * the signature is parsed, never verified, so an expired, revoked or tampered signature still
 * names its signer.
 */
#ifndef VB_PE_H
#define VB_PE_H

#include <stddef.h>
#include <stdint.h>
#include "identify/evidence.h"

/*
 * Append the signers of every PKCS#7 entry in the certificate table of the PE file in buf
 * (VB_SIG_AUTHENTICODE; chain_depth 0 for each signer, then its chain from the embedded
 * certificates), including signatures nested in the primary one.
 * 0: at least one signer found; -ENODATA: not a PE file, or not signed; -EBADMSG: malformed
 * headers or certificate table, or no entry parses; -ENOMEM.
 */
int vb_pe_read(const uint8_t *buf, size_t len, struct vb_evidence *ev);

#endif /* VB_PE_H */
