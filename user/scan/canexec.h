/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Which files a scan reads: those that can run or load. execve(2) needs an exec bit, whatever the
 * format (binfmt_misc included); without one a file can still be mapped as code by ld.so or
 * dlopen (ELF), loaded as a kernel module by finit_module(2) (ELF, or compressed: the kernel
 * decompresses by content, whatever the name), or be given an exec bit later, which the kernel
 * judges at that exec. The magic numbers below name what a scan reads without an exec bit.
 */
#ifndef VB_CANEXEC_H
#define VB_CANEXEC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/* Bytes of a file's start that vb_exec_magic() needs: the longest magic below (xz). */
#define VB_EXEC_MAGIC_LEN	6

/* Any exec bit: execve(2) refuses a file without one, even to root. */
static inline bool vb_mode_can_exec(mode_t mode)
{
	return mode & 0111;
}

/*
 * Whether a file starting with buf[0..len) can run or load without an exec bit, or is a kind
 * that runs once given one: ELF (programs, libraries, modules), PE ("MZ"), a "#!" script, or a
 * compressed kernel module (xz, zstd or gzip: any file so compressed is read, since
 * finit_module(MODULE_INIT_COMPRESSED_FILE) does not look at the name).
 */
bool vb_exec_magic(const uint8_t *buf, size_t len);

#endif
