/* SPDX-License-Identifier: GPL-2.0 */
/* What every signature reader must leave behind, whatever its input: signers of its own
 * format, every text field NUL-terminated inside its buffer, the issuer DER within bounds. */
#ifndef VB_FUZZ_EVIDENCE_H
#define VB_FUZZ_EVIDENCE_H

#include <stdlib.h>
#include <string.h>
#include "identify/evidence.h"

static inline void fuzz_check_signers(const struct vb_evidence *ev, enum vb_sig_format format)
{
	if (ev->n_signers > VB_SIGNERS_MAX)
		abort();
	for (size_t i = 0; i < ev->n_signers; i++) {
		const struct vb_signer *s = &ev->signers[i];

		if (s->format != format ||
		    strnlen(s->issuer, sizeof(s->issuer)) == sizeof(s->issuer) ||
		    strnlen(s->subject, sizeof(s->subject)) == sizeof(s->subject) ||
		    strnlen(s->serial, sizeof(s->serial)) == sizeof(s->serial) ||
		    strnlen(s->skid, sizeof(s->skid)) == sizeof(s->skid) ||
		    strnlen(s->hash_algo, sizeof(s->hash_algo)) == sizeof(s->hash_algo) ||
		    s->issuer_der_len > sizeof(s->issuer_der))
			abort();
	}
}

#endif
