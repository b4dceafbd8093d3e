// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target for apt's Pre-Install-Pkgs protocol reader (user/install/hookin.c): the
 * version line, the configuration space, and the package lines of versions 1 to 3.
 *
 *   make fuzz FUZZ_SECONDS=20
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "install/hookin.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct vb_strv debs = {};
	char why[256];
	FILE *f;

	if (!size)
		return 0;
	f = fmemopen((void *)data, size, "r");
	if (!f)
		return 0;
	/* Every archive named is a non-empty path: empty lines name nothing. */
	if (!vb_apt_hook_parse(f, &debs, why, sizeof(why)))
		for (size_t i = 0; i < debs.n; i++)
			if (!debs.v[i][0])
				abort();
	vb_strv_free(&debs);
	fclose(f);
	return 0;
}
