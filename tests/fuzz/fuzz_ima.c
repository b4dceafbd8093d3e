// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target for security.ima values.
 *
 *   make fuzz FUZZ_SECONDS=20
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "identify/ima.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct vb_evidence *ev = calloc(1, sizeof(*ev));
	int ret;

	if (!ev)
		abort();
	ret = vb_ima_read_xattr(data, size, ev);
	if (ret != 0 && ret != -ENODATA && ret != -EBADMSG)
		abort();
	/* One signer exactly when 0: a v2 signature whose sizes agree, named by 8 hex digits. */
	if ((ret == 0) != (ev->n_signers == 1))
		abort();
	if (!ret && (size < 10 || data[0] != 0x03 || data[1] != 2 ||
		     ((size_t)data[7] << 8 | data[8]) != size - 9 ||
		     strlen(ev->signers[0].skid) != 8 || ev->signers[0].format != VB_SIG_IMA))
		abort();
	if ((ret == -EBADMSG) != (ev->error[0] != '\0'))
		abort();
	free(ev);
	return 0;
}
