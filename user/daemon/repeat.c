// SPDX-License-Identifier: GPL-2.0
/*
 * Repeats the kernel counted instead of sending (bpf/flood.bpf.h) become "repeat" records, each
 * after the full record of the attempt it repeats. The kernel's key names the file by (dev,
 * ino); what the full record said of it (path, sha256) is remembered here so the repeat can say
 * it too.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "daemon/daemon.h"
#include "kernel/flood.h"
#include "util/fnv.h"
#include "util/msg.h"

#define NOTES 1024	/* attempts whose file is remembered; a repeat past it names dev:ino */

struct note {
	bool used;
	bool has_sha256;
	struct vb_flood_key key;
	__u8 sha256[VB_SHA256_LEN];
	char path[VB_EV_PATH_MAX + 1];
};

static struct note notes[NOTES];

/* The kernel's key of an event, as bpf/vendorban.bpf.c emit() and guard_refuse() make it. */
static void event_key(const struct vb_event *e, struct vb_flood_key *k)
{
	memset(k, 0, sizeof(*k));
	k->ino = e->ino;
	k->dev = e->dev;
	k->uid = e->uid;
	k->rule_idx = e->rule_idx;
	k->op = e->op;
	k->match = e->match;
	k->mode = e->mode;
	k->denied = !!(e->flags & VB_EV_F_DENIED);
	k->seq = (__u32)e->policy_seq;
	if (e->op == VB_OP_TAMPER && e->path[0])
		k->name_hash = vb_fnv1a32_str(e->path, VB_COMM_LEN);
}

static struct note *note_slot(const struct vb_flood_key *k)
{
	return &notes[vb_fnv1a64(k, sizeof(*k)) % NOTES];
}

void daemon_repeat_note(const struct vb_event *e)
{
	struct vb_flood_key k;
	struct note *n;

	event_key(e, &k);
	n = note_slot(&k);
	n->used = true;
	n->key = k;
	n->has_sha256 = !!(e->flags & VB_EV_F_HAS_SHA256);
	memcpy(n->sha256, e->sha256, VB_SHA256_LEN);
	memcpy(n->path, e->path, VB_EV_PATH_MAX);
	n->path[VB_EV_PATH_MAX] = 0;
}

/* The offer in the log is handed over, whoever logged it; then it no longer needs to be. */
static int commit(struct daemon *d)
{
	int err = vb_flood_commit(&d->k);

	if (err || !d->k.settings.flood_uncommitted)
		return err;
	d->k.settings.flood_uncommitted = 0;
	return vb_settings_write(&d->k);
}

/*
 * Whether a pass would find nothing: no offer left uncommitted, no repeat counted since the
 * last pass (every count the hooks add is followed by VB_STAT_REPEATS), and no attempt in the
 * map to hand over or retire. Then it is skipped: a pass costs a 1 MiB buffer and two iterator
 * runs, every second. A count that races the check is in the map by the next one.
 */
static bool flood_idle(struct daemon *d, __u64 *repeats)
{
	if (vb_stat_read(&d->k, VB_STAT_REPEATS, repeats)) {
		*repeats = 0;
		return false;
	}
	return d->flood_passed && !d->k.settings.flood_uncommitted &&
	       *repeats == d->flood_repeats_seen && vb_flood_empty(&d->k);
}

static int flush_repeats(struct daemon *d, struct ring_buffer *rb);

int daemon_flush_repeats(struct daemon *d, struct ring_buffer *rb)
{
	__u64 repeats;
	int err;

	if (flood_idle(d, &repeats))
		return 0;
	err = flush_repeats(d, rb);
	/* The count read before the pass: one added during it is seen as new next time. */
	if (!err) {
		d->flood_repeats_seen = repeats;
		d->flood_passed = true;
	}
	return err;
}

static int flush_repeats(struct daemon *d, struct ring_buffer *rb)
{
	struct vb_flood_rec *recs;
	int err, failed = 0;
	bool logged = false;
	size_t n;

	/* Only the offer a killed daemon logged: an offer that did not get into the log stays
	 * uncommitted, and the next offer has it again. */
	err = d->k.settings.flood_uncommitted ? commit(d) : 0;
	if (err)
		return err;
	err = vb_flood_offer(&d->k, &recs, &n);
	if (err)
		return err;
	/* Every full record was sent before its first repeat was counted: what the ring buffer
	 * holds now goes first. */
	if (n)
		ring_buffer__consume(rb);
	for (size_t i = 0; i < n; i++) {
		const struct vb_flood_rec *r = &recs[i];
		const struct note *nt = note_slot(&r->key);
		bool known = nt->used && !memcmp(&nt->key, &r->key, sizeof(r->key));
		const char *path = known ? nt->path : NULL;
		struct json_object *o;
		char msg[VB_EV_PATH_MAX + 128];

		if (!r->count)
			continue;	/* retired, deleted by vb_flood_offer() */
		if (!path && r->key.op != VB_OP_TAMPER && d->ectx.scanned_path)
			path = d->ectx.scanned_path(d->ectx.scanned_arg, r->key.dev, r->key.ino);
		o = vb_repeat_json(&d->ectx, r, path, known && nt->has_sha256 ? nt->sha256 : NULL);
		if (!o) {
			failed = -ENOMEM;
			break;
		}
		snprintf(msg, sizeof(msg), "%llu more %s of %s by uid %u",
			 (unsigned long long)r->count, r->key.denied ? "denials" : "would-denies",
			 path ? path : "(a file known by dev:ino)", r->key.uid);
		if (daemon_log_record(d, o, msg))
			failed = -EIO;
		logged = true;
		json_object_put(o);
	}
	free(recs);
	/* Not all in the log: the kernel keeps the counts, and the next offer has them all
	 * again (those that did get in are then written twice: never lost). */
	if (failed)
		return failed;
	if (logged) {
		/* From here a daemon killed before the commit leaves it to the next one, which
		 * commits this very offer (nothing offered since) instead of writing it twice. */
		d->k.settings.flood_uncommitted = 1;
		err = vb_settings_write(&d->k);
		if (err)
			return err;
	}
	return commit(d);
}
