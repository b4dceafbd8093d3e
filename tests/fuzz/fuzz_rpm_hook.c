// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target for the stream the rpm plugin sends install-check (user/install/rpmhook.c):
 * package and file lines, tab-separated fields, %XX escapes, hex digests.
 *
 *   make fuzz FUZZ_SECONDS=20
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "install/rpmhook.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct vb_rpm_set set = {};
	char why[256];
	FILE *f;

	if (!size)
		return 0;
	f = fmemopen((void *)data, size, "r");
	if (!f)
		return 0;
	/* Every file belongs to a package and has an absolute path. */
	if (!vb_rpm_hook_parse(f, &set, why, sizeof(why)))
		for (size_t i = 0; i < set.n; i++)
			for (size_t j = 0; j < set.pkgs[i].n_files; j++)
				if (set.pkgs[i].files[j].path[0] != '/')
					abort();
	vb_rpm_set_free(&set);
	fclose(f);
	return 0;
}
