/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Floods cannot bury a real attempt. Someone who wants a denial unseen repeats a refused exec
 * until the ring buffer overflows, then makes the attempt that matters: its record would be lost
 * in the gap. So the kernel sends each distinct attempt (rule, file, user: struct vb_flood_key)
 * in full a bounded number of times per VB_FLOOD_WINDOW_NS (flood_admit()) and only counts its
 * repeats; the ring buffer then carries a few records per distinct attempt and window, whatever
 * the rate of each. An attempt whose full record finds no room is counted too: its identity
 * (rule, file, user, times) reaches the log in a repeat record even then.
 *
 * The counts are exact, and in the log before the kernel forgets them:
 *  - the hook only adds to pending, atomically;
 *  - the daemon runs vb_iter_flood_offer, which notes pending as offered and hands over
 *    offered - handed; the daemon writes those as "repeat" records;
 *  - then vb_iter_flood_commit, which makes handed = offered.
 * Both passes can run twice over one element (a record that does not fit in the iterator's
 * output is shown again on the next read) without changing the outcome. A daemon that dies
 * between the two passes leaves handed behind: the next one writes the same repeats again
 * (counted twice, never lost).
 * An attempt idle for VB_FLOOD_IDLE_NS with everything handed over is retired by the commit
 * pass: compare-and-swap of pending to pending | VB_FLOOD_RETIRED, after which a hook that
 * still finds the entry sends its attempt in full instead of counting it, and the daemon
 * deletes the entry. When the map is full, attempts go in full: a flood of more distinct
 * attempts than VB_MAX_FLOOD costs ring-buffer space, and what does not fit is counted as lost.
 */
#ifndef VB_FLOOD_BPF_H
#define VB_FLOOD_BPF_H

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, VB_MAX_FLOOD);
	/* Freed after an RCU grace period, not reused at once: a hook holding a retired
	 * entry's value never writes into another attempt's. */
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, struct vb_flood_key);
	__type(value, struct vb_flood_val);
} flood SEC(".maps");

/* FNV-1a 32 of a kernel string of at most 16 bytes (a map's name). */
static __always_inline __u32 flood_name_hash(const char *name)
{
	char buf[16] = {};
	__u32 h = 2166136261u;

	if (!name || bpf_probe_read_kernel_str(buf, sizeof(buf), name) <= 0)
		return 0;
	for (int i = 0; i < (int)sizeof(buf) && buf[i]; i++) {
		h ^= (__u8)buf[i];
		h *= 16777619u;
	}
	return h;
}

/* Count the attempt as a repeat. false if the entry is being retired: not counted there. */
static __always_inline bool flood_count(struct vb_flood_val *v, __u64 now)
{
	__u64 old = __sync_fetch_and_add(&v->pending, 1);

	if (old & VB_FLOOD_RETIRED)
		return false;
	if (old == v->handed)
		v->first_ns = now;
	v->last_ns = now;
	return true;
}

/*
 * Whether this attempt goes to the ring buffer in full (true) or was counted as a repeat of one
 * that did (false). Full: the first of a window, and up to VB_FLOOD_BURST in it where the
 * process differs from the last full one's (so a second program trying the same file is seen
 * as itself; one process retrying is one record a window, a loop of new ones at most
 * VB_FLOOD_BURST). For a full one, *out is the entry, for flood_sent() or flood_unsent() once
 * the caller knows whether the record got out.
 */
static __always_inline bool flood_admit(const struct vb_flood_key *k, __u32 tgid,
					struct vb_flood_val **out)
{
	__u64 now = bpf_ktime_get_boot_ns();
	struct vb_flood_val *v, init = { .last_ns = now };

	*out = NULL;
	v = bpf_map_lookup_elem(&flood, k);
	if (!v) {
		/* First sight (or a race with another CPU's first sight: then one of the two
		 * fails to insert, and both go in full, which is only one record too many). A
		 * full map: in full, and lost if the ring buffer has no room either. */
		if (bpf_map_update_elem(&flood, k, &init, BPF_NOEXIST))
			return true;
		*out = bpf_map_lookup_elem(&flood, k);
		return true;
	}
	if (v->pending & VB_FLOOD_RETIRED)
		return true;
	if (!v->window_ns || now - v->window_ns >= VB_FLOOD_WINDOW_NS ||
	    (tgid != v->last_tgid && v->burst < VB_FLOOD_BURST)) {
		*out = v;
		return true;
	}
	return !flood_count(v, now);
}

/* The full record got out: it opens a window, or is one more of its burst. */
static __always_inline void flood_sent(struct vb_flood_val *v, __u32 tgid)
{
	__u64 now = bpf_ktime_get_boot_ns();

	if (!v)
		return;
	if (!v->window_ns || now - v->window_ns >= VB_FLOOD_WINDOW_NS) {
		v->window_ns = now;
		v->burst = 0;
	}
	v->burst++;
	v->last_tgid = tgid;
	v->last_ns = now;
}

/* The ring buffer had no room for it: the attempt is still counted, by its key, as a repeat.
 * false when it cannot be (no entry: a full map), and then it is lost. */
static __always_inline bool flood_unsent(struct vb_flood_val *v)
{
	return v && flood_count(v, bpf_ktime_get_boot_ns());
}

/* The element as a map value (atomics are for map values, not iterator buffers), its key in r. */
static __always_inline struct vb_flood_val *flood_elem(struct bpf_iter__bpf_map_elem *ctx,
						       struct vb_flood_rec *r)
{
	/* Once into a register: the verifier knows a pointer it tested, not a second load. */
	const struct vb_flood_key *k = ctx->key;

	if (!k || !ctx->value)
		return NULL;
	bpf_probe_read_kernel(&r->key, sizeof(r->key), k);
	return bpf_map_lookup_elem(&flood, &r->key);
}

/* Run by the daemon, never attached: the repeats not yet handed over, one record each. */
SEC("iter/bpf_map_elem")
int vb_iter_flood_offer(struct bpf_iter__bpf_map_elem *ctx)
{
	struct vb_flood_rec r = {};
	struct vb_flood_val *v;
	__u64 p;

	if (!guard_iter_reader_ok())
		return 1;
	v = flood_elem(ctx, &r);
	if (!v)
		return 0;
	p = *(volatile __u64 *)&v->pending;
	if (p & VB_FLOOD_RETIRED) {
		r.retired = 1;	/* a daemon died before deleting it */
	} else {
		v->offered = p;
		r.count = p - v->handed;
		r.first_ns = v->first_ns;
		r.last_ns = v->last_ns;
	}
	if (r.count || r.retired)
		bpf_seq_write(ctx->meta->seq, &r, sizeof(r));
	return 0;
}

/* Run by the daemon once the offer's records are in the log: they are handed over. Idle
 * attempts are retired, one record each, for the daemon to delete. */
SEC("iter/bpf_map_elem")
int vb_iter_flood_commit(struct bpf_iter__bpf_map_elem *ctx)
{
	struct vb_flood_rec r = {};
	struct vb_flood_val *v;
	__u64 now = bpf_ktime_get_boot_ns(), h;

	if (!guard_iter_reader_ok())
		return 1;
	v = flood_elem(ctx, &r);
	if (!v)
		return 0;
	if (v->pending & VB_FLOOD_RETIRED) {
		r.retired = 1;
	} else {
		h = v->handed = v->offered;
		if (now - v->last_ns < VB_FLOOD_IDLE_NS ||
		    __sync_val_compare_and_swap(&v->pending, h, h | VB_FLOOD_RETIRED) != h)
			return 0;
		r.retired = 1;
	}
	/* A record that does not fit is not in the output (seq_write's test is strict), and the
	 * element is shown again on the next read, where it is found retired. */
	bpf_seq_write(ctx->meta->seq, &r, sizeof(r));
	return 0;
}

#endif /* VB_FLOOD_BPF_H */
