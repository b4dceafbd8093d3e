// SPDX-License-Identifier: GPL-2.0
#include <string.h>
#include "identify/evidence.h"

struct vb_signer *vb_evidence_add_signer(struct vb_evidence *ev, enum vb_sig_format format)
{
	struct vb_signer *s;

	if (ev->n_signers == VB_SIGNERS_MAX) {
		ev->signers_dropped++;
		return NULL;
	}
	s = &ev->signers[ev->n_signers++];
	memset(s, 0, sizeof(*s));
	s->format = format;
	return s;
}

const char *vb_sig_format_name(enum vb_sig_format format)
{
	switch (format) {
	case VB_SIG_MODULE:
		return "module";
	case VB_SIG_IMA:
		return "ima";
	case VB_SIG_AUTHENTICODE:
		return "authenticode";
	}
	return "unknown";
}
