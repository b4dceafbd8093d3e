// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include "kernel/facts.h"
#include "kernel/rules.h"
#include "util/hex.h"
#include "util/fnv.h"
#include "util/msg.h"
#include "identify/evidence.h"

static int rules_map_create(const char *name, __u32 key_size, __u32 max)
{
	LIBBPF_OPTS(bpf_map_create_opts, opts, .map_flags = VB_RULES_MAP_FLAGS);
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

void vb_path_filter_name(struct vb_path_filter *f, const char *path)
{
	size_t n = strnlen(path, VB_PATH_MAX - 1);	/* the bytes its key holds */
	__u32 h = VB_PATH_HASH_INIT;

	for (size_t j = 0; j < n; j++)
		h = vb_path_hash_step(h, (__u8)path[j]);
	vb_filter_add(f->name, vb_filter_mix(h));
}

/* The slot's path filter (vb_path_filter): every path rule's key in `name`, and `ident` empty
 * for the iterator to fill (fill_pathids). Written before the slot's rules are looked up by
 * any hook: a rule without its bits would never be asked for. */
static int fill_path_filter(int fd, const struct vb_policy *p, __u32 slot)
{
	struct vb_path_filter *f = calloc(1, sizeof(*f));
	int err = 0;

	if (!f)
		return -ENOMEM;
	for (size_t i = 0; i < p->n_rules; i++) {
		if (p->rules[i].kind == VB_RULE_PATH)
			vb_path_filter_name(f, p->rules[i].path);
	}
	if (bpf_map_update_elem(fd, &slot, f, BPF_ANY)) {
		err = -errno;
		vb_err("cannot load the path rules' filter: %s", strerror(-err));
	}
	free(f);
	return err;
}

/* A derived hash never overrides a policy's own sha256 rule: its rule is the more direct. */
static int fill_derived_hashes(int fd, const struct vb_derived *d, const struct vb_policy *p,
			       __u32 *count)
{
	for (size_t i = 0; d && i < d->n_hashes; i++) {
		const struct vb_derived_hash *h = &d->hashes[i];
		struct vb_rule_ref ref = { .rule_idx = h->rule_idx,
					   .mode = p->rules[h->rule_idx].mode };

		if (!bpf_map_update_elem(fd, h->sha256, &ref, BPF_NOEXIST))
			(*count)++;
		else if (errno != EEXIST) {
			int err = -errno;

			vb_err("cannot load a scanned file's hash into the kernel: %s",
			       strerror(-err));
			return err;
		}
	}
	return 0;
}

int vb_rules_signer_keys(const struct vb_rule *r, struct vb_signer_key keys[2], int *n)
{
	const struct vb_signer *id = r->ident;
	int len;

	*n = 0;
	if ((r->kind != VB_RULE_SIGNER && r->kind != VB_RULE_CERT) || !id)
		return -ENOENT;
	if (id->has_issuer_serial && id->issuer_der_len && id->serial[0]) {
		memset(&keys[*n], 0, sizeof(keys[*n]));
		len = vb_unhex(id->serial, keys[*n].id, VB_SIGNER_ID_MAX);
		if (len > 0) {
			keys[*n].kind = VB_SIGNER_ISSUER_SERIAL;
			keys[*n].len = len;
			keys[*n].issuer_hash = vb_fnv1a64(id->issuer_der, id->issuer_der_len);
			(*n)++;
		}
	}
	if (id->skid[0]) {
		memset(&keys[*n], 0, sizeof(keys[*n]));
		len = vb_unhex(id->skid, keys[*n].id, VB_SIGNER_ID_MAX);
		if (len > 0) {
			keys[*n].kind = VB_SIGNER_SKID;
			keys[*n].len = len;
			(*n)++;
		}
	}
	return *n ? 0 : -ENOENT;
}

static int fill_signers(int fd, const struct vb_policy *p, __u32 *count)
{
	for (size_t i = 0; i < p->n_rules; i++) {
		struct vb_rule_ref ref = { .rule_idx = i, .mode = p->rules[i].mode };
		struct vb_signer_key keys[2];
		int n;

		if (vb_rules_signer_keys(&p->rules[i], keys, &n))
			continue;
		for (int j = 0; j < n; j++) {
			/* The same certificate under two rules: the first one names it. */
			if (!bpf_map_update_elem(fd, &keys[j], &ref, BPF_NOEXIST))
				(*count)++;
			else if (errno != EEXIST) {
				int err = -errno;

				vb_err("cannot load signer rule %s: %s", p->rules[i].id,
				       strerror(-err));
				return err;
			}
		}
	}
	return 0;
}

static int fill_module_names(int fd, const struct vb_policy *p, __u32 *count)
{
	for (size_t i = 0; i < p->n_rules; i++) {
		const struct vb_rule *r = &p->rules[i];
		struct vb_rule_ref ref = { .rule_idx = i, .mode = r->mode };
		struct vb_module_key key = {};

		if (r->kind != VB_RULE_MODULE || !r->value)
			continue;
		strncpy(key.name, r->value, sizeof(key.name) - 1);
		if (!bpf_map_update_elem(fd, &key, &ref, BPF_NOEXIST))
			(*count)++;
		else if (errno != EEXIST) {
			int err = -errno;

			vb_err("cannot load module rule %s: %s", r->id, strerror(-err));
			return err;
		}
	}
	return 0;
}

/* Tagged with the policy's seq, so they count from the flip on and not a moment before. */
static int fill_file_verdicts(struct vb_kernel *k, const struct vb_derived *d,
			      const struct vb_policy *p, __u64 seq)
{
	for (size_t i = 0; d && i < d->n_files; i++) {
		struct vb_file_verdict fv = {
			.seq = seq,
			.rule = { .rule_idx = d->files[i].rule_idx,
				  .mode = p->rules[d->files[i].rule_idx].mode },
		};

		if (bpf_map_update_elem(k->map_fd[VB_MAP_FILE_VERDICTS], &d->files[i].file, &fv,
					BPF_ANY)) {
			int err = -errno;

			vb_err("cannot load the verdict of a scanned file: %s%s", strerror(-err),
			       err == -E2BIG ? " (more files identified than the kernel holds)" :
			       "");
			return err;
		}
	}
	return 0;
}

/* The daemon's canaries go in with every policy, in the same frozen maps and under the same
 * seq: a refused canary proves the active slot holds what this daemon installed (status). */
static int fill_canaries(struct vb_kernel *k, int hash_fd, __u64 seq)
{
	struct vb_rule_ref ref = { .rule_idx = VB_RULE_CANARY, .mode = VB_MODE_ENFORCE };
	struct vb_file_verdict fv = { .seq = seq, .rule = ref };

	if (!k->canary.set)
		return 0;
	if ((bpf_map_update_elem(hash_fd, k->canary.sha256, &ref, BPF_NOEXIST) &&
	     errno != EEXIST) ||
	    bpf_map_update_elem(k->map_fd[VB_MAP_FILE_VERDICTS], &k->canary.file, &fv, BPF_ANY)) {
		int err = -errno;

		vb_err("cannot install the policy's canaries: %s", strerror(-err));
		return err;
	}
	return 0;
}

/*
 * Entries for older policies are dead weight (hooks ignore them): drop the ones stale() says are
 * after a flip to seq. Collected first, then deleted: a deleted key cannot anchor
 * get_next_key, and restarting the walk after each delete would make this quadratic in the
 * map's size.
 */
static void prune_stale(int fd, size_t key_size, size_t value_size,
			bool (*stale)(const void *val, __u64 seq), __u64 seq)
{
	__u8 key[64], prev[64], val[64];
	__u8 (*keys)[64] = NULL;
	size_t n = 0, cap = 0;
	bool first = true;

	if (key_size > sizeof(key) || value_size > sizeof(val))
		return;
	while (!bpf_map_get_next_key(fd, first ? NULL : prev, key)) {
		first = false;
		memcpy(prev, key, key_size);
		if (bpf_map_lookup_elem(fd, key, val) || !stale(val, seq))
			continue;
		if (n == cap) {
			void *more = realloc(keys, (cap = cap ? 2 * cap : 256) * sizeof(*keys));

			if (!more)
				break;	/* the rest stay: ignored by the hooks, pruned next time */
			keys = more;
		}
		memcpy(keys[n++], key, key_size);
	}
	for (size_t i = 0; i < n; i++)
		bpf_map_delete_elem(fd, keys[i]);
	free(keys);
}

/* A file verdict counts for the one policy it was computed for. */
static bool file_verdict_stale(const void *val, __u64 seq)
{
	return ((const struct vb_file_verdict *)val)->seq != seq;
}

/* Maps keyed outside the slots carry, per slot, the seq that half was written for: an entry
 * of neither the policy in force nor the one before it (whose slot hooks that started before
 * the flip may still read) is stale. */
static bool halves_stale(const __u64 s[2], __u64 seq)
{
	return s[seq & 1] != seq && s[(seq - 1) & 1] != seq - 1;
}

static bool pathid_stale(const void *val, __u64 seq)
{
	return halves_stale(((const struct vb_pathid_val *)val)->seq, seq);
}

static bool vetted_stale(const void *val, __u64 seq)
{
	return halves_stale(((const struct vb_vetted_val *)val)->seq, seq);
}

static bool vetted_file_stale(const void *val, __u64 seq)
{
	return halves_stale(((const struct vb_vetted_file *)val)->seq, seq);
}

/* Run the iterator over this process's files: each fd in pathid_pending becomes what its kind
 * says (a path rule's entry in path_idents, an inode the guard protects). */
static int run_fd_iter(struct vb_kernel *k)
{
	union bpf_iter_link_info linfo = { .task.pid = getpid() };
	LIBBPF_OPTS(bpf_link_create_opts, lopts, .iter_info = &linfo,
		    .iter_info_len = sizeof(linfo));
	int link, iter, err = 0;
	char buf[64];

	link = bpf_link_create(k->pathid_iter_fd, 0, BPF_TRACE_ITER, &lopts);
	/* Before task-parameterized iterators: every task's files, filtered by the program. */
	if (link < 0 && errno == EINVAL)
		link = bpf_link_create(k->pathid_iter_fd, 0, BPF_TRACE_ITER, NULL);
	if (link < 0)
		return -errno;
	iter = bpf_iter_create(link);
	if (iter < 0) {
		err = -errno;
		goto out;
	}
	while (read(iter, buf, sizeof(buf)) > 0)
		;
	close(iter);
out:
	close(link);
	return err;
}

int vb_kernel_learn_fds(struct vb_kernel *k, const int *fds, struct vb_pathid_pending *pp,
			size_t n)
{
	int fd = k->map_fd[VB_MAP_PATHID_PENDING], err = 0;
	size_t i;

	if (k->pathid_iter_fd < 0)
		return -EOPNOTSUPP;
	for (i = 0; i < n; i++) {
		__u32 key = fds[i];

		pp[i].tgid = getpid();
		pp[i].registered = 0;
		if (bpf_map_update_elem(fd, &key, &pp[i], BPF_ANY)) {
			err = -errno;
			goto out;
		}
	}
	err = run_fd_iter(k);
	for (i = 0; !err && i < n; i++) {
		__u32 key = fds[i];

		if (bpf_map_lookup_elem(fd, &key, &pp[i]))
			pp[i].registered = 0;
	}
out:
	for (i = 0; i < n; i++) {
		__u32 key = fds[i];

		bpf_map_delete_elem(fd, &key);
	}
	return err;
}

/*
 * Path rules by identity for the policy about to be loaded as seq: open each rule's directory
 * or file (and the mounts beneath), have the kernel learn their inodes, and keep them open
 * while the policy is in force, so the inodes the kernel knows cannot be freed and reused.
 * A rule the kernel could not learn stays matched by name, and is said once.
 */
static int fill_pathids(struct vb_kernel *k, const struct vb_policy *p, __u64 seq,
			struct vb_pathids *ids, __u32 *count)
{
	struct vb_pathid_pending *pp = NULL;
	int *fds = NULL, err;
	size_t i;

	*count = 0;
	err = vb_pathids_open(p, ids);
	if (err || !ids->n)
		return err;
	if (k->pathid_iter_fd < 0) {
		vb_warn("path rules match by name only: the programs in the kernel predate "
			"matching by identity (restart vendorband after 'vendorban disable')");
		return 0;
	}
	pp = calloc(ids->n, sizeof(*pp));
	fds = calloc(ids->n, sizeof(*fds));
	if (!pp || !fds) {
		err = -ENOMEM;
		goto out;
	}
	for (i = 0; i < ids->n; i++) {
		pp[i] = (struct vb_pathid_pending){
			.rule = { .rule_idx = ids->ids[i].rule_idx, .mode = ids->ids[i].mode },
			.seq = seq,
			.kind = VB_FD_PATH_RULE,
		};
		fds[i] = ids->ids[i].fd;
	}
	err = vb_kernel_learn_fds(k, fds, pp, ids->n);
	if (err) {
		vb_err("cannot register path rules by identity: %s", strerror(-err));
		goto out;
	}
	for (i = 0; i < ids->n; i++) {
		if (pp[i].registered)
			(*count)++;
		else
			vb_warn("path rule %s: %s matches by name only (the kernel did not "
				"learn its inode)", p->rules[ids->ids[i].rule_idx].id,
				ids->ids[i].path);
	}
out:
	free(pp);
	free(fds);
	return err;
}

/* The same, by identity and version, for the fmod_ret path, where the kernel cannot hash. */
static int fill_vetted_file(struct vb_kernel *k, const struct vb_vetted_module *m, __u64 seq)
{
	int fd = k->map_fd[VB_MAP_VETTED_FILES];
	struct vb_dev_ino id = { .dev = vb_kdev(m->dev), .ino = m->ino };
	struct vb_vetted_file v = {};

	bpf_map_lookup_elem(fd, &id, &v);
	v.seq[seq & 1] = seq;
	v.size = m->size;
	v.ctime_sec = m->ctime.tv_sec;
	v.ctime_nsec = m->ctime.tv_nsec;
	v.mtime_sec = m->mtime.tv_sec;
	v.mtime_nsec = m->mtime.tv_nsec;
	if (bpf_map_update_elem(fd, &id, &v, BPF_ANY)) {
		vb_err("cannot hand the kernel a vetted module file: %s", strerror(errno));
		return -1;
	}
	return 0;
}

/* Compressed modules the scan read and found clean: the kernel lets them load whole. */
static int fill_vetted(struct vb_kernel *k, const struct vb_derived *d, __u64 seq)
{
	int fd = k->map_fd[VB_MAP_VETTED_MODULES];

	for (size_t i = 0; d && i < d->vetted.n; i++) {
		const struct vb_vetted_module *m = &d->vetted.mods[i];
		struct vb_vetted_val v = {};

		if (!m->clean)
			continue;
		bpf_map_lookup_elem(fd, m->sha256, &v);	/* keep the other slot's half */
		v.seq[seq & 1] = seq;
		if (bpf_map_update_elem(fd, m->sha256, &v, BPF_ANY)) {
			int err = -errno;

			vb_err("cannot hand the kernel a vetted module's hash: %s", strerror(-err));
			return err;
		}
		if (fill_vetted_file(k, m, seq))
			return -errno;
	}
	return 0;
}

int vb_rules_install(struct vb_kernel *k, const struct vb_policy *p, const struct vb_derived *d)
{
	__u64 seq = __atomic_load_n(&k->state->seq, __ATOMIC_ACQUIRE), next = seq + 1;
	__u32 slot = next & 1;
	struct vb_slot_info info = {
		.seq = next,
		.version = p->version,
		.deny_unsigned_modules = p->deny_unsigned_modules,
		.deny_init_module = p->deny_init_module,
		.deny_unjudged_exec = p->deny_unjudged_exec,
	};
	int fds[4] = { -1, -1, -1, -1 }, err;
	enum { HASH, PATH, SIGNER, MODULE };
	struct vb_pathids ids = {};

	fds[HASH] = rules_map_create("vb_hash_rules", VB_SHA256_LEN, VB_MAX_HASH_RULES);
	fds[PATH] = rules_map_create("vb_path_rules", sizeof(struct vb_path_key),
				     VB_MAX_PATH_RULES);
	fds[SIGNER] = rules_map_create("vb_signer_keys", sizeof(struct vb_signer_key),
				       VB_MAX_SIGNER_KEYS);
	fds[MODULE] = rules_map_create("vb_module_names", sizeof(struct vb_module_key),
				       VB_MAX_MODULE_NAMES);
	for (int i = 0; i < 4; i++) {
		if (fds[i] < 0) {
			err = fds[i];
			goto out;
		}
	}
	err = fill_hashes(fds[HASH], p, &info.n_hash_rules);
	if (!err)
		err = fill_derived_hashes(fds[HASH], d, p, &info.n_hash_rules);
	if (!err)
		err = fill_canaries(k, fds[HASH], next);
	if (!err)
		err = fill_paths(fds[PATH], p, &info.n_path_rules);
	if (!err)
		err = fill_path_filter(k->map_fd[VB_MAP_PATH_FILTER], p, slot);
	if (!err)
		err = fill_signers(fds[SIGNER], p, &info.n_signer_keys);
	if (!err)
		err = fill_module_names(fds[MODULE], p, &info.n_module_names);
	if (!err)
		err = fill_file_verdicts(k, d, p, next);
	if (!err)
		err = fill_pathids(k, p, next, &ids, &info.n_path_idents);
	if (!err)
		err = fill_vetted(k, d, next);
	if (err)
		goto out;
	/* Frozen: no syscall can change a policy once it is built, not even ours. */
	for (int i = 0; i < 4; i++) {
		if (bpf_map_freeze(fds[i])) {
			err = -errno;
			vb_err("cannot freeze the rule maps: %s", strerror(-err));
			goto out;
		}
	}
	memcpy(info.digest, p->digest, sizeof(info.digest));
	if (bpf_map_update_elem(k->map_fd[VB_MAP_HASH_SLOTS], &slot, &fds[HASH], BPF_ANY) ||
	    bpf_map_update_elem(k->map_fd[VB_MAP_PATH_SLOTS], &slot, &fds[PATH], BPF_ANY) ||
	    bpf_map_update_elem(k->map_fd[VB_MAP_SIGNER_SLOTS], &slot, &fds[SIGNER], BPF_ANY) ||
	    bpf_map_update_elem(k->map_fd[VB_MAP_MODULE_SLOTS], &slot, &fds[MODULE], BPF_ANY) ||
	    bpf_map_update_elem(k->map_fd[VB_MAP_SLOT_INFO], &slot, &info, BPF_ANY)) {
		err = -errno;
		vb_err("cannot stage the new policy: %s", strerror(-err));
		goto out;
	}
	/* The switch: everything above is in the idle slot, which no hook reads until now. */
	__atomic_store_n(&k->state->seq, next, __ATOMIC_RELEASE);
	prune_stale(k->map_fd[VB_MAP_FILE_VERDICTS], sizeof(struct vb_dev_ino),
		    sizeof(struct vb_file_verdict), file_verdict_stale, next);
	prune_stale(k->map_fd[VB_MAP_PATH_IDENTS], sizeof(struct vb_inode_key),
		    sizeof(struct vb_pathid_val), pathid_stale, next);
	prune_stale(k->map_fd[VB_MAP_VETTED_MODULES], VB_SHA256_LEN,
		    sizeof(struct vb_vetted_val), vetted_stale, next);
	prune_stale(k->map_fd[VB_MAP_VETTED_FILES], sizeof(struct vb_dev_ino),
		    sizeof(struct vb_vetted_file), vetted_file_stale, next);
	/* The new policy's directories are held now; the old one's may go. */
	vb_pathids_close(&k->pathids);
	k->pathids = ids;
	ids = (struct vb_pathids){};
out:
	vb_pathids_close(&ids);
	for (int i = 0; i < 4; i++)
		if (fds[i] >= 0)
			close(fds[i]);
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
	struct vb_policy_state st = {};
	__u32 zero = 0;

	if (k->state)
		*seq = __atomic_load_n(&k->state->seq, __ATOMIC_ACQUIRE);
	else if (!bpf_map_lookup_elem(k->map_fd[VB_MAP_POLICY_STATE], &zero, &st))
		*seq = st.seq;
	else
		*seq = 0;
	if (!*seq) {
		memset(info, 0, sizeof(*info));
		return -ENOENT;
	}
	return vb_rules_slot(k, *seq & 1, info);
}
