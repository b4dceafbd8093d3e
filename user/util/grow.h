/* SPDX-License-Identifier: GPL-2.0 */
/* Arrays that grow by doubling: the one helper for every list the code builds. */
#ifndef VB_GROW_H
#define VB_GROW_H

#include <stddef.h>

/* Room in *arr (of *cap elements of size bytes) for element n; 0 or -ENOMEM. */
int vb_grow_array(void **arr, size_t *cap, size_t n, size_t size);

#endif
