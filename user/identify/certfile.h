/* SPDX-License-Identifier: GPL-2.0 */
/* A vendor's certificate named in a policy: PEM (or DER) file beside the policy. */
#ifndef VB_CERTFILE_H
#define VB_CERTFILE_H

#include <stdbool.h>
#include <time.h>
#include "identify/evidence.h"

#define VB_CERTFILE_MAX	(256u << 10)	/* a certificate file larger than this is not one */

/* 0 and the identity, or -errno with a reason in why ("not a certificate: ..."). *expired
 * tells whether notAfter is before now; file_sha256 gets the digest of the bytes read, which a
 * policy signature covers. */
int vb_certfile_load(const char *path, struct vb_signer *id, bool *expired,
		     uint8_t file_sha256[32], char *why, size_t why_len);

#endif
