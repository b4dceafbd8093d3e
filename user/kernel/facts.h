/* SPDX-License-Identifier: GPL-2.0 */
/* Facts about the running kernel that decide how vendorban can enforce. */
#ifndef VB_KERNEL_H
#define VB_KERNEL_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#define VB_LSM_FILE	"/sys/kernel/security/lsm"

/* 1 if "bpf" is in the active LSM list, 0 if not, -errno if the list cannot be read. */
int vb_bpf_lsm_active(char *list, size_t len);
/* The kernel's dev_t encoding (MAJOR << 20 | MINOR) of a user-space st_dev. */
uint32_t vb_kdev(dev_t dev);
/* Parameters of a kernel function in vmlinux BTF, or -errno. */
int vb_btf_func_nargs(const char *func);

#endif
