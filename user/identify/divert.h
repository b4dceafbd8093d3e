/* SPDX-License-Identifier: GPL-2.0 */
/*
 * dpkg diversions (/var/lib/dpkg/diversions, dpkg-divert(1)): "install FROM as TO, unless the
 * package installing it is BY". The package lists still name FROM, so without this table the
 * file at FROM is wrongly given to the package whose file now sits at TO, and the diverter,
 * whose file is the one at FROM, is named for nothing.
 */
#ifndef VB_DIVERT_H
#define VB_DIVERT_H

#include <stddef.h>
#include <stdint.h>

struct vb_diversion {
	const char *from;
	const char *to;
	const char *by;		/* the diverting package; "" for a local diversion (--local) */
};

struct vb_diversions {
	struct vb_diversion *d;
	size_t n, cap;
	uint32_t *by_from, *by_to;	/* indices into d[], sorted by from and by to */
};

/* Add one (the strings must outlive the table). 0, -EBADMSG (empty path), -EFBIG, -ENOMEM. */
int vb_diversions_add(struct vb_diversions *t, const char *from, const char *to, const char *by);
/* Sort for lookups, once every diversion is added. 0 or -ENOMEM. */
int vb_diversions_index(struct vb_diversions *t);
/* The diversion of path away from where it is listed, or the one that put a file at path. */
const struct vb_diversion *vb_diversion_from(const struct vb_diversions *t, const char *path);
const struct vb_diversion *vb_diversion_to(const struct vb_diversions *t, const char *path);
void vb_diversions_free(struct vb_diversions *t);

#endif /* VB_DIVERT_H */
