// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target for the module signature reader. Each input is tried twice: as a whole file,
 * and as the PKCS#7 of a module with a trailer that agrees, so the CMS parsing is reached
 * without the fuzzer having to find a consistent trailer first.
 *
 *   make fuzz FUZZ_SECONDS=20
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "identify/modsig.h"
#include "fuzz_evidence.h"

/* The contract callers rely on: signers exactly when 0, a reason whenever malformed. */
static void read_one(const uint8_t *buf, size_t len)
{
	struct vb_evidence *ev = calloc(1, sizeof(*ev));
	struct vb_modsig_layout lay;
	int ret, lret;

	if (!ev)
		abort();
	ret = vb_modsig_read(buf, len, ev);
	lret = vb_modsig_layout(buf, len, &lay);
	if (ret != 0 && ret != -ENODATA && ret != -EBADMSG && ret != -ENOPKG &&
	    ret != -ENAMETOOLONG && ret != -ENOMEM && ret != -EFBIG)
		abort();
	if ((ret == 0) != (ev->n_signers + ev->signers_dropped > 0))
		abort();
	if ((ret == -EBADMSG || ret == -ENOPKG) && !ev->error[0])
		abort();
	if (ret == -ENODATA && (ev->error[0] || lret != -ENODATA))
		abort();
	if (!lret && (lay.body_len < 1 || lay.sig_off != lay.body_len ||
		      lay.sig_off + lay.sig_len + VB_MODSIG_TRAILER_LEN + VB_MODSIG_MARKER_LEN != len))
		abort();
	fuzz_check_signers(ev, VB_SIG_MODULE);
	free(ev);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	size_t len = 1 + size + VB_MODSIG_TRAILER_LEN + VB_MODSIG_MARKER_LEN;
	uint8_t *mod, *t;

	read_one(data, size);
	if (size > UINT32_MAX)
		return 0;
	mod = malloc(len);
	if (!mod)
		abort();
	mod[0] = 0x7f;
	memcpy(mod + 1, data, size);
	t = mod + 1 + size;
	memset(t, 0, VB_MODSIG_TRAILER_LEN);
	t[2] = VB_MODSIG_ID_PKCS7;
	t[8] = size >> 24;
	t[9] = size >> 16;
	t[10] = size >> 8;
	t[11] = size;
	memcpy(t + VB_MODSIG_TRAILER_LEN, VB_MODSIG_MARKER, VB_MODSIG_MARKER_LEN);
	read_one(mod, len);
	free(mod);
	return 0;
}
