// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include "kernel/flood.h"
#include "util/msg.h"

/* The iterator's output, read whole into a buffer big enough for one record per element (so
 * nothing taken is left unread in the kernel's buffer when the iterator is closed). */
static int read_all(int fd, struct vb_flood_rec *buf, size_t *n)
{
	size_t cap = (VB_MAX_FLOOD + 1) * sizeof(*buf), len = 0;
	ssize_t r;

	while (len < cap) {
		r = read(fd, (char *)buf + len, cap - len);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			return -errno;
		if (!r)
			break;
		len += r;
	}
	*n = len / sizeof(*buf);
	return 0;
}

/* Run one of the flood iterators; its records in *out (malloc'd before it runs, so what it
 * hands over has somewhere to go), retired attempts deleted. */
static int run_iter(struct vb_kernel *k, int prog_fd, struct vb_flood_rec **out, size_t *n)
{
	union bpf_iter_link_info linfo = { .map.map_fd = k->map_fd[VB_MAP_FLOOD] };
	LIBBPF_OPTS(bpf_link_create_opts, lopts, .iter_info = &linfo,
		    .iter_info_len = sizeof(linfo));
	int link, iter, err;

	*out = NULL;
	*n = 0;
	if (prog_fd < 0)
		return -EOPNOTSUPP;
	*out = malloc((VB_MAX_FLOOD + 1) * sizeof(**out));
	if (!*out)
		return -ENOMEM;
	link = bpf_link_create(prog_fd, 0, BPF_TRACE_ITER, &lopts);
	if (link < 0) {
		err = -errno;
		goto fail;
	}
	iter = bpf_iter_create(link);
	if (iter < 0) {
		err = -errno;
		close(link);
		goto fail;
	}
	err = read_all(iter, *out, n);
	close(iter);
	close(link);
	if (err)
		goto fail;
	/* Retired (compare-and-swap to VB_FLOOD_RETIRED, everything handed over): a hook that
	 * finds one sends in full, so deleting it loses no count. */
	for (size_t i = 0; i < *n; i++)
		if ((*out)[i].retired &&
		    bpf_map_delete_elem(k->map_fd[VB_MAP_FLOOD], &(*out)[i].key) && errno != ENOENT)
			vb_warn("cannot forget an idle attempt in the flood map: %s (it stays, "
				"sent in full)", strerror(errno));
	return 0;
fail:
	free(*out);
	*out = NULL;
	*n = 0;
	return err;
}

int vb_flood_offer(struct vb_kernel *k, struct vb_flood_rec **out, size_t *n)
{
	return run_iter(k, k->flood_offer_fd, out, n);
}

int vb_flood_commit(struct vb_kernel *k)
{
	struct vb_flood_rec *recs;
	size_t n;
	int err = run_iter(k, k->flood_commit_fd, &recs, &n);

	free(recs);
	return err;
}

bool vb_flood_empty(struct vb_kernel *k)
{
	struct vb_flood_key key;

	return bpf_map_get_next_key(k->map_fd[VB_MAP_FLOOD], NULL, &key) && errno == ENOENT;
}
