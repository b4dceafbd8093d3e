// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target for gzip, xz and zstd decompression, with a small output limit so that
 * bombs are found quickly and each run stays fast; what decompresses goes on to the module
 * signature and ELF readers, as a .ko.xz would.
 *
 *   make fuzz FUZZ_SECONDS=20
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "identify/decompress.h"
#include "identify/elf.h"
#include "identify/modsig.h"

#define FUZZ_MAX_OUT	((size_t)1 << 20)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct vb_evidence *ev;
	const char *format;
	size_t out_len;
	uint8_t *out;
	int ret;

	ret = vb_decompress(data, size, FUZZ_MAX_OUT, &out, &out_len, &format);
	if (ret != 0 && ret != -ENODATA && ret != -EBADMSG && ret != -EFBIG && ret != -ENOMEM)
		abort();
	if ((ret == -ENODATA) != (format == NULL))
		abort();
	if (ret) {
		if (out || out_len)
			abort();
		return 0;
	}
	if (!out || out_len > FUZZ_MAX_OUT)
		abort();
	ev = calloc(1, sizeof(*ev));
	if (!ev)
		abort();
	vb_modsig_read(out, out_len, ev);
	vb_elf_read(out, out_len, ev);
	free(ev);
	free(out);
	return 0;
}
