/* SPDX-License-Identifier: GPL-2.0 */
/* The kernel's SHA-256 for content first seen (bpf_ima_file_hash): the fastest it has. */
#ifndef VB_HASHDRV_H
#define VB_HASHDRV_H

#include <stddef.h>

#define VB_IMA_AHASH_MINSIZE	"/sys/module/ima/parameters/ahash_minsize"
#define VB_AHASH_MINSIZE	65536	/* below it, the generic code costs microseconds */

/*
 * Load the CPU's SHA-256 module where one exists and let IMA hash files of VB_AHASH_MINSIZE
 * bytes and more with it (ima.ahash_minsize, when 0). *driver: the driver it will use (from
 * /proc/crypto). 0, or -errno when the kernel keeps its boot-time transform for every file.
 */
int vb_kernel_fast_hash(char *driver, size_t len);

#endif
