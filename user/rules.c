// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include "rules.h"
#include "msg.h"

static int rules_map_create(const char *name, __u32 key_size, __u32 max)
{
	LIBBPF_OPTS(bpf_map_create_opts, opts, .map_flags = BPF_F_NO_PREALLOC);
	int fd;

	/* Must match the inner map templates in vendorban.bpf.c exactly. */
	fd = bpf_map_create(BPF_MAP_TYPE_HASH, name, key_size, sizeof(struct vb_rule_ref), max,
			    &opts);
	if (fd < 0) {
		fd = -errno;	/* before vb_err, which may change errno */
		vb_err("cannot create the %s map: %s", name, strerror(-fd));
	}
	return fd;
}

static int fill_hashes(int fd, const struct vb_policy *p, __u32 *count)
{
	/* The generic batch update takes no flags but BPF_F_LOCK; the parser already refused
	 * duplicate hashes. */
	LIBBPF_OPTS(bpf_map_batch_opts, opts);
	struct vb_rule_ref *vals;
	__u8 (*keys)[VB_SHA256_LEN];
	__u32 n = 0;
	int err = 0;

	keys = calloc(p->n_rules ? p->n_rules : 1, sizeof(*keys));
	vals = calloc(p->n_rules ? p->n_rules : 1, sizeof(*vals));
	if (!keys || !vals) {
		err = -ENOMEM;
		goto out;
	}
	for (size_t i = 0; i < p->n_rules; i++) {
		if (p->rules[i].kind != VB_RULE_SHA256)
			continue;
		memcpy(keys[n], p->rules[i].sha256, VB_SHA256_LEN);
		vals[n].rule_idx = i;
		vals[n].mode = p->rules[i].mode;
		n++;
	}
	/* One syscall for the whole set: reloads of 100k-hash policies stay fast. */
	if (n) {
		__u32 done = n;

		if (bpf_map_update_batch(fd, keys, vals, &done, &opts)) {
			err = -errno;
			vb_err("cannot load %u content hashes into the kernel: %s", n,
			       strerror(-err));
		}
	}
	*count = n;
out:
	free(keys);
	free(vals);
	return err;
}

static int fill_paths(int fd, const struct vb_policy *p, __u32 *count)
{
	__u32 n = 0;

	for (size_t i = 0; i < p->n_rules; i++) {
		struct vb_path_key key = {};
		struct vb_rule_ref ref = { .rule_idx = i, .mode = p->rules[i].mode };

		if (p->rules[i].kind != VB_RULE_PATH)
			continue;
		/* The parser bounds rules to 255 bytes: the key keeps its NUL padding. */
		memcpy(key.path, p->rules[i].path, strnlen(p->rules[i].path, sizeof(key.path) - 1));
		if (bpf_map_update_elem(fd, &key, &ref, BPF_NOEXIST)) {
			int err = -errno;

			vb_err("cannot load path rule %s: %s", p->rules[i].id, strerror(-err));
			return err;
		}
		n++;
	}
	*count = n;
	return 0;
}

int vb_rules_install(struct vb_kernel *k, const struct vb_policy *p)
{
	__u64 seq = __atomic_load_n(&k->state->seq, __ATOMIC_ACQUIRE), next = seq + 1;
	__u32 slot = next & 1;
	struct vb_slot_info info = { .seq = next, .version = p->version };
	int hfd, pfd = -1, err;

	hfd = rules_map_create("vb_hash_rules", VB_SHA256_LEN, VB_MAX_HASH_RULES);
	if (hfd < 0)
		return hfd;
	pfd = rules_map_create("vb_path_rules", sizeof(struct vb_path_key), VB_MAX_PATH_RULES);
	if (pfd < 0) {
		err = pfd;
		goto out;
	}
	err = fill_hashes(hfd, p, &info.n_hash_rules);
	if (!err)
		err = fill_paths(pfd, p, &info.n_path_rules);
	if (err)
		goto out;
	/* Frozen: no syscall can change a policy once it is built, not even ours. */
	if (bpf_map_freeze(hfd) || bpf_map_freeze(pfd)) {
		err = -errno;
		vb_err("cannot freeze the rule maps: %s", strerror(-err));
		goto out;
	}
	memcpy(info.digest, p->digest, sizeof(info.digest));
	if (bpf_map_update_elem(k->map_fd[VB_MAP_HASH_SLOTS], &slot, &hfd, BPF_ANY) ||
	    bpf_map_update_elem(k->map_fd[VB_MAP_PATH_SLOTS], &slot, &pfd, BPF_ANY) ||
	    bpf_map_update_elem(k->map_fd[VB_MAP_SLOT_INFO], &slot, &info, BPF_ANY)) {
		err = -errno;
		vb_err("cannot stage the new policy: %s", strerror(-err));
		goto out;
	}
	/* The switch: everything above is in the idle slot, which no hook reads until now. */
	__atomic_store_n(&k->state->seq, next, __ATOMIC_RELEASE);
out:
	close(hfd);
	if (pfd >= 0)
		close(pfd);
	return err;
}

int vb_rules_slot(struct vb_kernel *k, __u32 slot, struct vb_slot_info *info)
{
	if (bpf_map_lookup_elem(k->map_fd[VB_MAP_SLOT_INFO], &slot, info))
		return -errno;
	return 0;
}

int vb_rules_active(struct vb_kernel *k, struct vb_slot_info *info, __u64 *seq)
{
	*seq = __atomic_load_n(&k->state->seq, __ATOMIC_ACQUIRE);
	if (!*seq) {
		memset(info, 0, sizeof(*info));
		return -ENOENT;
	}
	return vb_rules_slot(k, *seq & 1, info);
}
