// SPDX-License-Identifier: GPL-2.0
/* The diversion table: two sorted index arrays over one list, searched per file. */
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include "identify/divert.h"

/* dpkg itself keeps them in a linked list; a few hundred is a lot on a real system. */
#define VB_DIVERSIONS_MAX	(1U << 16)
#define DIVERSIONS_FIRST	16

int vb_diversions_add(struct vb_diversions *t, const char *from, const char *to, const char *by)
{
	size_t cap;
	void *p;

	if (!from[0] || !to[0])
		return -EBADMSG;
	if (t->n == t->cap) {
		if (t->n >= VB_DIVERSIONS_MAX)
			return -EFBIG;
		cap = t->cap ? t->cap * 2 : DIVERSIONS_FIRST;
		p = reallocarray(t->d, cap, sizeof(*t->d));
		if (!p)
			return -ENOMEM;
		t->d = p;
		t->cap = cap;
	}
	t->d[t->n++] = (struct vb_diversion){ from, to, by };
	return 0;
}

static int cmp_from(const void *a, const void *b, void *arg)
{
	const struct vb_diversion *d = arg;

	return strcmp(d[*(const uint32_t *)a].from, d[*(const uint32_t *)b].from);
}

static int cmp_to(const void *a, const void *b, void *arg)
{
	const struct vb_diversion *d = arg;

	return strcmp(d[*(const uint32_t *)a].to, d[*(const uint32_t *)b].to);
}

int vb_diversions_index(struct vb_diversions *t)
{
	size_t n = t->n ? t->n : 1;

	free(t->by_from);
	free(t->by_to);
	t->by_from = reallocarray(NULL, n, sizeof(*t->by_from));
	t->by_to = reallocarray(NULL, n, sizeof(*t->by_to));
	if (!t->by_from || !t->by_to)
		return -ENOMEM;
	for (size_t i = 0; i < t->n; i++)
		t->by_from[i] = t->by_to[i] = i;
	qsort_r(t->by_from, t->n, sizeof(*t->by_from), cmp_from, t->d);
	qsort_r(t->by_to, t->n, sizeof(*t->by_to), cmp_to, t->d);
	return 0;
}

static const struct vb_diversion *search(const struct vb_diversions *t, const uint32_t *idx,
					 const char *path, bool to)
{
	size_t lo = 0, hi = t->n, mid;
	int c;

	if (!idx)
		return NULL;
	while (lo < hi) {
		const struct vb_diversion *d;

		mid = lo + (hi - lo) / 2;
		d = &t->d[idx[mid]];
		c = strcmp(to ? d->to : d->from, path);
		if (!c)
			return d;
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

const struct vb_diversion *vb_diversion_from(const struct vb_diversions *t, const char *path)
{
	return search(t, t->by_from, path, false);
}

const struct vb_diversion *vb_diversion_to(const struct vb_diversions *t, const char *path)
{
	return search(t, t->by_to, path, true);
}

void vb_diversions_free(struct vb_diversions *t)
{
	free(t->d);
	free(t->by_from);
	free(t->by_to);
	memset(t, 0, sizeof(*t));
}
