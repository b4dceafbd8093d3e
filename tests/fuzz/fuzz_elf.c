// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target for the ELF reader (libelf underneath). libFuzzer also checks that the
 * const input was not written: elf_memory() takes a char *.
 *
 *   make fuzz FUZZ_SECONDS=20
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "identify/elf.h"

static bool terminated(const char *s, size_t size)
{
	return strnlen(s, size) < size;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct vb_evidence *ev = calloc(1, sizeof(*ev));
	const struct vb_modinfo *mi;
	int ret;

	if (!ev)
		abort();
	mi = &ev->modinfo;
	ret = vb_elf_read(data, size, ev);
	if (ret != 0 && ret != -ENODATA && ret != -EBADMSG)
		abort();
	/* Evidence exactly when 0; a reason exactly when refused as malformed. */
	if ((ret == 0) != ev->elf.present || (ret != 0 && mi->present))
		abort();
	if ((ret == -EBADMSG) != (ev->error[0] != '\0'))
		abort();
	if (!terminated(ev->elf.build_id, sizeof(ev->elf.build_id)) ||
	    strlen(ev->elf.build_id) % 2 ||
	    !terminated(ev->elf.interp, sizeof(ev->elf.interp)) ||
	    !terminated(mi->name, sizeof(mi->name)) ||
	    !terminated(mi->author, sizeof(mi->author)) ||
	    !terminated(mi->description, sizeof(mi->description)) ||
	    !terminated(mi->license, sizeof(mi->license)) ||
	    !terminated(mi->vermagic, sizeof(mi->vermagic)))
		abort();
	free(ev);
	return 0;
}
