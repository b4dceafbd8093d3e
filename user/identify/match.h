/* SPDX-License-Identifier: GPL-2.0 */
/* Which of a policy's vendor identities (signer, cert, package, module) a file's evidence
 * matches, and through what. Content hashes and paths are matched elsewhere (scan.c). */
#ifndef VB_MATCH_H
#define VB_MATCH_H

#include "identify/evidence.h"
#include "policy/policy.h"

#define VB_MATCHES_MAX	8

struct vb_id_match {
	const struct vb_rule *rule;
	const struct vb_signer *signer;	/* the signature that matched; NULL for package/module */
	const char *how;		/* "issuer+serial", "skid", "tbs", "subject", "package name"... */
};

/* Fill out[0..max) in policy order; returns how many matched (at most max). */
size_t vb_match_evidence(const struct vb_policy *p, const struct vb_evidence *ev,
			 struct vb_id_match *out, size_t max);
/* Which evidence readers a policy needs (VB_ID_*): none when it has only hashes and paths. */
unsigned int vb_match_needs(const struct vb_policy *p);

#endif
