/* SPDX-License-Identifier: GPL-2.0 */
/* Stop enforcing on purpose: `vendorband --disable`, which `vendorban disable` runs. */
#ifndef VB_DISABLE_H
#define VB_DISABLE_H

#include "log/denylog.h"

/* Take over the pinned programs (only the registered vendorband may, while no daemon lives),
 * write a "disable" record into the chained log at log_path, then unpin everything and wait
 * until the programs are gone. 0: no longer enforcing (or never was); 1: refused or failed,
 * with the reason said. */
int vb_disable(const char *log_path, const struct vb_denylog_opts *log_opts);

#endif
