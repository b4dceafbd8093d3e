/* SPDX-License-Identifier: GPL-2.0 */
/* What an ELF file says about itself: build-id, interpreter, machine, and a module's .modinfo. */
#ifndef VB_ELF_H
#define VB_ELF_H

#include <stddef.h>
#include <stdint.h>
#include "identify/evidence.h"

#define VB_ELF_BUILD_ID_MAX	((VB_KEYID_MAX - 1) / 2)	/* bytes; GNU ld makes 8 to 20 */

/*
 * Fill ev->elf (build-id from the first NT_GNU_BUILD_ID note, in sections or else in PT_NOTE
 * segments; PT_INTERP; e_machine; e_type) and, when there is a .modinfo section, ev->modinfo
 * (name, author, description, license, vermagic; the first value of each key wins, longer values
 * are cut to fit). 32- and 64-bit, either byte order. 0; -ENODATA: not ELF; -EBADMSG: libelf
 * refuses it, a section or segment lies outside the buffer, or a note is malformed, and then
 * ev->elf and ev->modinfo are as before and ev->error says why.
 */
int vb_elf_read(const uint8_t *buf, size_t len, struct vb_evidence *ev);

#endif /* VB_ELF_H */
