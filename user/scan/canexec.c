// SPDX-License-Identifier: GPL-2.0
/* The magic numbers of what can run or load (scan/canexec.h). */
#include <string.h>
#include "scan/canexec.h"

static const struct {
	const char *magic;
	size_t len;
} exec_magics[] = {
	{ "\x7f" "ELF", 4 },		/* programs, shared objects, .ko */
	{ "MZ", 2 },			/* PE: Windows programs, EFI binaries (binfmt_misc, wine) */
	{ "#!", 2 },			/* scripts */
	{ "\xfd" "7zXZ\0", 6 },		/* xz: .ko.xz */
	{ "\x28\xb5\x2f\xfd", 4 },	/* zstd: .ko.zst */
	{ "\x1f\x8b", 2 },		/* gzip: .ko.gz */
};

_Static_assert(VB_EXEC_MAGIC_LEN == 6, "the longest magic is xz's");

bool vb_exec_magic(const uint8_t *buf, size_t len)
{
	for (size_t i = 0; i < sizeof(exec_magics) / sizeof(exec_magics[0]); i++)
		if (len >= exec_magics[i].len && !memcmp(buf, exec_magics[i].magic, exec_magics[i].len))
			return true;
	return false;
}
