// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <openssl/evp.h>
#include "log/reader.h"
#include "log/verify.h"

enum item_kind { ITEM_NONE, ITEM_REC, ITEM_BAD };

/* One line of the files, read one ahead: what a problem is judged by needs the next record. */
struct item {
	enum item_kind kind;
	struct vb_chain_rec rec;
	size_t file;
	unsigned long line;
	bool first_in_file;
	/* ITEM_BAD: */
	const char *why;
	unsigned int flags;
	char *bytes;
	size_t len;
};

struct damage {
	bool active;
	EVP_MD_CTX *ctx;
	uint64_t bytes, lines;
	size_t file;
	unsigned long line;
	const char *why;
	bool too_long;
};

struct walk {
	char *const *files;
	size_t n;
	struct vb_log_reader *r;
	size_t cur;
	bool at_file_start;
	struct vb_verify *v;
	const char *eio_why;	/* a compressed file ended early or is corrupt */
	size_t eio_file;
	unsigned long eio_line;
};

static void item_clear(struct item *it)
{
	json_object_put(it->rec.obj);
	free(it->bytes);
	memset(it, 0, sizeof(*it));
}

static void verdict(struct vb_verify *v, const char *kind, const char *file, unsigned long line,
		    const char *fmt, ...)
{
	va_list ap;

	v->tampered = true;
	v->kind = kind;
	snprintf(v->file, sizeof(v->file), "%s", file);
	v->line = line;
	va_start(ap, fmt);
	vsnprintf(v->problem, sizeof(v->problem), fmt, ap);
	va_end(ap);
}

/* The next line of the files as an item: 0, or -errno (v->error says which file). A
 * compressed file that ends early or is corrupt is a verdict, not an error. */
static int next_item(struct walk *w, struct item *it)
{
	const char *line;
	unsigned int flags;
	size_t len;
	int rc;

	memset(it, 0, sizeof(*it));
	while (w->cur < w->n) {
		struct vb_log_reader *r = &w->r[w->cur];

		rc = vb_log_reader_next(r, &line, &len, &flags);
		if (rc == -EIO) {
			/* Judged after the lines before it: they come first. */
			w->eio_why = vb_log_reader_error(r);
			w->eio_file = w->cur;
			w->eio_line = r->line;
			w->cur = w->n;
			return 0;
		}
		if (rc < 0) {
			snprintf(w->v->error, sizeof(w->v->error), "%s: %s", w->files[w->cur],
				 strerror(-rc));
			return rc;
		}
		if (rc == 0) {
			if (w->at_file_start)
				w->v->empty_files++;
			w->cur++;
			w->at_file_start = true;
			continue;
		}
		it->file = w->cur;
		it->line = r->line;
		it->first_in_file = w->at_file_start;
		w->at_file_start = false;
		if (!flags && !vb_chain_parse(line, len, &it->rec, &it->why)) {
			it->kind = ITEM_REC;
			return 0;
		}
		it->kind = ITEM_BAD;
		it->flags = flags;
		if (flags & VB_LINE_NO_NEWLINE)
			it->why = "incomplete (no end of line)";
		else if (flags & VB_LINE_TOO_LONG)
			it->why = "longer than any record";
		it->bytes = malloc(len ? len : 1);
		if (!it->bytes)
			return -ENOMEM;
		memcpy(it->bytes, line, len);
		it->len = len;
		return 0;
	}
	return 0;
}

static bool is_action(const struct item *it, const char *action)
{
	const char *a = vb_rec_str(it->rec.obj, "action");

	return a && !strcmp(a, action);
}

static void damage_add(struct damage *d, const struct item *it)
{
	if (!d->active) {
		d->active = true;
		d->ctx = EVP_MD_CTX_new();
		EVP_DigestInit_ex(d->ctx, EVP_sha256(), NULL);
		d->bytes = d->lines = 0;
		d->file = it->file;
		d->line = it->line;
		d->why = it->why;
		d->too_long = false;
	} else {
		EVP_DigestUpdate(d->ctx, "\n", 1);
		d->bytes++;
	}
	EVP_DigestUpdate(d->ctx, it->bytes, it->len);
	d->bytes += it->len;
	d->lines++;
	d->too_long |= !!(it->flags & VB_LINE_TOO_LONG);
}

/* Does the gap record it declare exactly the damaged lines before it? */
static bool damage_declared(struct damage *d, const struct item *it)
{
	uint8_t md[VB_CHAIN_HASH_LEN], want[VB_CHAIN_HASH_LEN];
	const char *hex = vb_rec_str(it->rec.obj, "damaged_sha256");

	EVP_DigestFinal_ex(d->ctx, md, NULL);
	EVP_MD_CTX_free(d->ctx);
	d->ctx = NULL;
	d->active = false;
	return is_action(it, "gap") && !d->too_long && hex && strlen(hex) == VB_CHAIN_HEX_LEN &&
	       !vb_chain_unhex(hex, want, sizeof(want)) && !memcmp(md, want, sizeof(md)) &&
	       vb_rec_int(it->rec.obj, "damaged_bytes", -1) == (int64_t)d->bytes;
}

struct last {
	bool have;
	struct vb_chain c;
	size_t file;
	unsigned long line;
};

/* r does not follow last: say how, from r and the record after it (next, if one). */
static void judge_link(struct walk *w, const struct last *l, const struct item *r,
		       const struct item *next)
{
	struct vb_verify *v = w->v;
	const char *rf = w->files[r->file], *lf = w->files[l->file];
	uint64_t e = l->c.seq + 1, s = r->rec.seq;
	bool prev_ok = !memcmp(r->rec.prev, l->c.hash, VB_CHAIN_HASH_LEN);
	bool nrec = next && next->kind == ITEM_REC;

	if (prev_ok) {
		verdict(v, "altered", rf, r->line, "record %" PRIu64 " altered (its seq reads %"
			PRIu64 ")", e, s);
	} else if (s == e) {
		bool next_ok = nrec && next->rec.seq == s + 1 &&
			       !memcmp(next->rec.prev, r->rec.hash, VB_CHAIN_HASH_LEN);
		bool head_ok = !next && v->head_used && v->head.seq == s &&
			       !memcmp(v->head.hash, r->rec.hash, VB_CHAIN_HASH_LEN);

		if (nrec && !next_ok)
			verdict(v, "altered", rf, r->line, "record %" PRIu64 " altered (its prev "
				"does not match record %" PRIu64 ")", s, l->c.seq);
		else if (next_ok || head_ok)
			verdict(v, "altered", lf, l->line, "record %" PRIu64 " altered (hash "
				"mismatch: record %" PRIu64 "'s prev does not match it)", l->c.seq, s);
		else
			verdict(v, "altered", lf, l->line, "record %" PRIu64 " altered (hash "
				"mismatch with record %" PRIu64 "'s prev; or that prev was altered)",
				l->c.seq, s);
	} else if (s > e) {
		if (nrec && next->rec.seq == e)
			verdict(v, "reordered", rf, r->line, "reordered: record %" PRIu64
				" comes before record %" PRIu64, s, e);
		else if (s == e + 1)
			verdict(v, "deleted", rf, r->line, "record %" PRIu64 " deleted (seq jumps %"
				PRIu64 " -> %" PRIu64 ")", e, l->c.seq, s);
		else
			verdict(v, "deleted", rf, r->line, "records %" PRIu64 "..%" PRIu64
				" deleted (seq jumps %" PRIu64 " -> %" PRIu64 ")", e, s - 1,
				l->c.seq, s);
	} else if (s == l->c.seq && !memcmp(r->rec.hash, l->c.hash, VB_CHAIN_HASH_LEN)) {
		verdict(v, "duplicated", rf, r->line, "record %" PRIu64 " duplicated", s);
	} else {
		verdict(v, "reordered", rf, r->line, "reordered: record %" PRIu64
			" comes after record %" PRIu64, s, l->c.seq);
	}
}

static void judge_damage(struct walk *w, struct damage *d, const struct last *l, bool at_end)
{
	const char *f = w->files[d->file];
	uint64_t e = l->have ? l->c.seq + 1 : 1;

	if (at_end && d->why && strstr(d->why, "incomplete"))
		verdict(w->v, "truncated", f, d->line, "truncated: last line incomplete%s",
			d->lines > 1 ? " (and lines before it are not records)" : "");
	else
		verdict(w->v, "altered", f, d->line, "record %" PRIu64 " altered (line is not a "
			"record: %s)", e, d->why);
}

static void take(struct walk *w, struct last *l, struct item *r)
{
	struct vb_verify *v = w->v;

	if (!v->records)
		v->first_seq = r->rec.seq;
	v->records++;
	v->last_seq = r->rec.seq;
	memcpy(v->last_hash, r->rec.hash, VB_CHAIN_HASH_LEN);
	if (is_action(r, "gap")) {
		v->gaps++;
		v->lost += vb_rec_int(r->rec.obj, "lost", 0) > 0 ? vb_rec_int(r->rec.obj, "lost", 0)
								  : 0;
	} else if (is_action(r, "deny") || is_action(r, "would-deny")) {
		v->full++;
	} else if (is_action(r, "repeat")) {
		v->repeat_records++;
		v->repeats += vb_rec_int(r->rec.obj, "count", 0) > 0 ?
			      vb_rec_int(r->rec.obj, "count", 0) : 0;
	}
	l->have = true;
	l->c.seq = r->rec.seq;
	memcpy(l->c.hash, r->rec.hash, VB_CHAIN_HASH_LEN);
	l->file = r->file;
	l->line = r->line;
}

static void judge_record(struct walk *w, struct last *l, struct damage *d, struct item *r,
			 const struct item *next)
{
	static const uint8_t genesis[VB_CHAIN_HASH_LEN];
	struct vb_verify *v = w->v;
	const char *f = w->files[r->file];

	if (d->active) {
		uint64_t lines = d->lines;

		if (!damage_declared(d, r)) {
			judge_damage(w, d, l, false);
			return;
		}
		v->damaged_lines += lines;
	}
	if (!l->have) {
		if (!memcmp(r->rec.prev, genesis, sizeof(genesis))) {
			if (r->rec.seq != 1) {
				verdict(v, "altered", f, r->line, "record %" PRIu64 " altered (its "
					"prev is the genesis value, its seq is not 1)", r->rec.seq);
				return;
			}
			v->from_genesis = true;
		}
		if (r->first_in_file && !is_action(r, "open")) {
			if (r->rec.seq == 2)
				verdict(v, "deleted", f, r->line, "record 1 deleted (the file begins "
					"with record 2, not an opening record)");
			else
				verdict(v, "deleted", f, r->line, "record %" PRIu64 " deleted (the "
					"file begins with record %" PRIu64 ", not an opening record)",
					r->rec.seq - 1, r->rec.seq);
			return;
		}
	} else if (!vb_chain_follows(&l->c, &r->rec)) {
		judge_link(w, l, r, next);
		return;
	}
	if (v->head_used && r->rec.seq == v->head.seq) {
		if (memcmp(r->rec.hash, v->head.hash, VB_CHAIN_HASH_LEN)) {
			verdict(v, "altered", f, r->line, "record %" PRIu64 " altered (it does not "
				"match the chain head)", r->rec.seq);
			return;
		}
		v->head_matched = true;
	}
	take(w, l, r);
}

static void judge_end(struct walk *w, struct last *l, struct damage *d)
{
	struct vb_verify *v = w->v;
	const char *f = w->n ? w->files[w->n - 1] : "";

	if (d->active) {
		EVP_MD_CTX_free(d->ctx);
		d->ctx = NULL;
		judge_damage(w, d, l, true);
		return;
	}
	if (w->eio_why) {
		bool early = strstr(w->eio_why, "early");

		verdict(v, early ? "truncated" : "altered", w->files[w->eio_file], w->eio_line + 1,
			"%s: %s (after line %lu)", early ? "truncated" : "altered", w->eio_why,
			w->eio_line);
		return;
	}
	if (!v->head_used || v->head.seq <= v->last_seq)
		return;
	if (v->head.seq == v->last_seq + 1)
		verdict(v, "truncated", f, 0, "truncated: record %" PRIu64 " missing at the end "
			"(the chain head records seq %" PRIu64 ")", v->head.seq, v->head.seq);
	else
		verdict(v, "truncated", f, 0, "truncated: records %" PRIu64 "..%" PRIu64
			" missing at the end (the chain head records seq %" PRIu64 ")",
			v->last_seq + 1, v->head.seq, v->head.seq);
}

int vb_log_verify(char *const *files, size_t n, const char *head, struct vb_verify *v)
{
	struct walk w = { .files = files, .n = n, .at_file_start = true, .v = v };
	struct item cur = {}, next = {};
	struct damage d = {};
	struct last l = {};
	int err = 0;

	memset(v, 0, sizeof(*v));
	v->files = n;
	/* The head first: the daemon writes it after the records it names, so records read
	 * after it are never older than it, even on a live log. */
	if (head) {
		err = vb_chain_head_read(head, &v->head);
		if (err) {
			snprintf(v->error, sizeof(v->error), "%s: %s", head, err == -EBADMSG ?
				 "not a chain head file" : strerror(-err));
			return err;
		}
		v->head_used = true;
	}
	/* Every file is opened before any is read: a rotation meanwhile renames, never
	 * changes, what we hold. */
	w.r = calloc(n ? n : 1, sizeof(*w.r));
	if (!w.r)
		return -ENOMEM;
	for (size_t i = 0; i < n; i++) {
		err = vb_log_reader_open(&w.r[i], files[i], -1);
		if (err) {
			snprintf(v->error, sizeof(v->error), "%s: %s", files[i], strerror(-err));
			for (size_t j = 0; j < i; j++)
				vb_log_reader_close(&w.r[j]);
			free(w.r);
			return err;
		}
	}
	err = next_item(&w, &cur);
	while (!err && !v->tampered && cur.kind != ITEM_NONE) {
		err = next_item(&w, &next);
		if (err || v->tampered)
			break;
		if (cur.kind == ITEM_BAD)
			damage_add(&d, &cur);
		else
			judge_record(&w, &l, &d, &cur, next.kind == ITEM_NONE ? NULL : &next);
		item_clear(&cur);
		cur = next;
		memset(&next, 0, sizeof(next));
	}
	if (!err && !v->tampered)
		judge_end(&w, &l, &d);
	if (d.ctx)
		EVP_MD_CTX_free(d.ctx);
	item_clear(&cur);
	item_clear(&next);
	for (size_t i = 0; i < n; i++)
		vb_log_reader_close(&w.r[i]);
	free(w.r);
	return err;
}
