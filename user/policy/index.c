// SPDX-License-Identifier: GPL-2.0
/*
 * Policy duplicate index: the hashes, paths, rule ids and vendor ids seen so far, so that a
 * second one is found in O(1) however long the policy is.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "policy/policy.h"
#include "policy/parser.h"
#include "util/fnv.h"

/* FNV-1a: policies come from staff, not attackers, so a keyed hash buys nothing. */
static uint64_t key_hash(const void *key, size_t len)
{
	return vb_fnv1a64(key, len);
}

static const void *index_key(const struct parser *ps, enum index_kind kind, size_t i, size_t *len)
{
	const struct vb_policy *pol = ps->pol;

	switch (kind) {
	case IDX_SHA256:
		*len = sizeof(pol->rules[i].sha256);
		return pol->rules[i].sha256;
	case IDX_PATH:
		*len = strlen(pol->rules[i].path);
		return pol->rules[i].path;
	case IDX_RULE_ID:
		*len = strlen(pol->rules[i].id);
		return pol->rules[i].id;
	case IDX_VENDOR_ID:
	default:
		*len = strlen(pol->vendors[i].id);
		return pol->vendors[i].id;
	}
}

size_t index_find(const struct parser *ps, enum index_kind kind, const void *key, size_t len)
{
	const struct index *ix = &ps->idx[kind];
	uint64_t h = key_hash(key, len);
	size_t i, klen;

	if (!ix->cap)
		return 0;
	for (i = h & (ix->cap - 1); ix->slots[i].ref; i = (i + 1) & (ix->cap - 1)) {
		const void *k;

		if (ix->slots[i].hash != h)
			continue;
		k = index_key(ps, kind, ix->slots[i].ref - 1, &klen);
		if (klen == len && !memcmp(k, key, len))
			return ix->slots[i].ref;
	}
	return 0;
}

static void index_put(struct index_slot *slots, size_t cap, uint64_t h, size_t ref)
{
	size_t i;

	for (i = h & (cap - 1); slots[i].ref; i = (i + 1) & (cap - 1))
		;
	slots[i].hash = h;
	slots[i].ref = ref;
}

static int index_add(struct parser *ps, enum index_kind kind, size_t elem)
{
	struct index *ix = &ps->idx[kind];
	const void *key;
	size_t len, i;

	/* At most half full, so probe runs stay short and a free slot always exists. */
	if ((ix->n + 1) * 2 > ix->cap) {
		size_t new_cap = ix->cap ? ix->cap * 2 : 64;
		struct index_slot *slots = calloc(new_cap, sizeof(*slots));

		if (!slots)
			return -ENOMEM;
		for (i = 0; i < ix->cap; i++)
			if (ix->slots[i].ref)
				index_put(slots, new_cap, ix->slots[i].hash, ix->slots[i].ref);
		free(ix->slots);
		ix->slots = slots;
		ix->cap = new_cap;
	}
	key = index_key(ps, kind, elem, &len);
	index_put(ix->slots, ix->cap, key_hash(key, len), elem + 1);
	ix->n++;
	return 0;
}

void index_add_or_oom(struct parser *ps, enum index_kind kind, size_t elem)
{
	if (index_add(ps, kind, elem))
		ps->oom = true;
}

void index_free(struct parser *ps)
{
	for (int i = 0; i < IDX_COUNT; i++)
		free(ps->idx[i].slots);
}
