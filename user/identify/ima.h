/* SPDX-License-Identifier: GPL-2.0 */
/* IMA file signatures: the security.ima extended attribute that evmctl ima_sign writes. */
#ifndef VB_IMA_H
#define VB_IMA_H

#include <stddef.h>
#include <stdint.h>
#include "identify/evidence.h"

#define VB_IMA_XATTR		"security.ima"
#define VB_IMA_XATTR_MAX	65536	/* XATTR_SIZE_MAX: no value can be longer */

/*
 * Append one VB_SIG_IMA signer for a type 0x03 (EVM_IMA_XATTR_DIGSIG) version 2 signature, with
 * hash_algo ("" for an algorithm number this code does not know) and skid: the signature's
 * 32-bit key id as 8 hex digits. -ENODATA: a value that names no signer (a digest, a v1 RSA or
 * a v3 fs-verity signature); -EBADMSG: truncated, sizes that disagree, an unknown type or
 * version, or an EVM type, and ev->error says why.
 */
int vb_ima_read_xattr(const uint8_t *val, size_t len, struct vb_evidence *ev);

/*
 * The same for an open file's security.ima. -ENODATA also when the file has no security.ima or
 * its file system has no extended attributes; other fgetxattr() errors as -errno.
 */
int vb_ima_read_fd(int fd, struct vb_evidence *ev);

#endif /* VB_IMA_H */
