/* SPDX-License-Identifier: GPL-2.0 */
/* The repeats the kernel counted instead of sending in full (bpf/flood.bpf.h), handed over. */
#ifndef VB_FLOOD_H
#define VB_FLOOD_H

#include <stdbool.h>
#include <stddef.h>
#include "vendorban.h"
#include "kernel/attach.h"

/* The repeats the kernel counted and the log does not have yet: one struct vb_flood_rec each
 * in *out (malloc'd, caller frees; n in *n). Nothing is forgotten until vb_flood_commit().
 * 0 or -errno. */
int vb_flood_offer(struct vb_kernel *k, struct vb_flood_rec **out, size_t *n);
/* The last offer's repeats are in the log: the kernel may forget them (and attempts idle since
 * VB_FLOOD_IDLE_NS). 0 or -errno. */
int vb_flood_commit(struct vb_kernel *k);
/* No attempt in the flood map: nothing counted to hand over, nothing to retire. An error
 * reads as not empty. */
bool vb_flood_empty(struct vb_kernel *k);

#endif
