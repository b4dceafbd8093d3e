// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target for the Authenticode reader. Random bytes seldom get past the PE headers,
 * so an input whose first byte is odd is taken as a certificate table and put behind valid
 * PE32+ headers (tests/fixtures/mkpe.h); otherwise the input is the whole file.
 *
 *   make fuzz FUZZ_SECONDS=20
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../fixtures/mkpe.h"
#include "identify/evidence.h"
#include "identify/pe.h"
#include "fuzz_evidence.h"

#define FUZZ_TABLE_MAX	(1 << 20)	/* certificate table bytes put behind the headers */
#define DIR_SECURITY	(MKPE_LFANEW + 24 + 112 + 4 * 8)

static void check(const struct vb_evidence *ev, int ret)
{
	if (ret == 0 && ev->n_signers + ev->signers_dropped == 0)
		abort();
	if (ret != 0 && ev->n_signers + ev->signers_dropped != 0 && ret != -ENOMEM)
		abort();
	fuzz_check_signers(ev, VB_SIG_AUTHENTICODE);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct vb_evidence ev;
	uint8_t *pe;
	size_t len;
	int ret;

	memset(&ev, 0, sizeof(ev));
	if (!size || !(data[0] & 1) || size - 1 > FUZZ_TABLE_MAX) {
		check(&ev, vb_pe_read(data, size, &ev));
		return 0;
	}
	len = MKPE_LEN + size - 1;
	pe = malloc(len);
	if (!pe)
		return 0;
	mkpe_build(pe, true);
	memcpy(pe + MKPE_LEN, data + 1, size - 1);
	mkpe_put32(pe + DIR_SECURITY, MKPE_LEN);
	mkpe_put32(pe + DIR_SECURITY + 4, size - 1);
	ret = vb_pe_read(pe, len, &ev);
	check(&ev, ret);
	free(pe);
	return 0;
}
