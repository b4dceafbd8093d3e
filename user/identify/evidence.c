// SPDX-License-Identifier: GPL-2.0
#include <stdarg.h>
#include <stdio.h>
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

void vb_evidence_error(struct vb_evidence *ev, const char *fmt, ...)
{
	va_list ap;

	if (!ev || ev->error[0])
		return;
	va_start(ap, fmt);
	vsnprintf(ev->error, sizeof(ev->error), fmt, ap);
	va_end(ap);
}
