// SPDX-License-Identifier: GPL-2.0
/* The scan cache: the file format, its checks, and the merge of one scan into it. */
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <openssl/evp.h>
#include "scan/cache.h"
#include "util/atomic.h"
#include "util/readfile.h"

#define CACHE_MAGIC	"VBSCACHE"
#define EMPTY_STRS	3		/* offset 0 of every blob: "\0\0\0", shared by most files */

struct cache_hdr {
	char magic[8];
	uint32_t version;
	uint32_t rec_size;		/* another layout is another version, but say so clearly */
	uint64_t n_recs;
	uint64_t blob_len;
	uint8_t digest[32];		/* SHA-256 of the records and the blob */
};

/* On disk as in memory; padding is zeroed so the digest is of defined bytes. */
struct cache_rec {
	uint64_t dev, ino, size;
	int64_t mtime_sec, ctime_sec;
	uint32_t mtime_nsec, ctime_nsec;
	uint8_t sha256[32];
	uint64_t content_key;
	uint32_t seen_day;		/* days since the epoch when a scan last saw the file */
	uint32_t str_off, str_len;	/* rule id, evidence, error: three NUL-ended strings */
	uint8_t checked, found, flags, pad;
};

_Static_assert(sizeof(struct cache_hdr) == 64, "cache header layout");
_Static_assert(sizeof(struct cache_rec) == 104, "cache record layout");

struct vb_scan_cache {
	char *path;
	uint8_t *file;			/* the old cache as read; old and old_blob point into it */
	const struct cache_rec *old;	/* sorted by (dev, ino) */
	size_t n_old;
	const char *old_blob;
	size_t old_blob_len;
	struct cache_rec *cur;		/* this scan's, in walk order */
	size_t n_cur, cap_cur;
	char *blob;			/* this scan's strings */
	size_t blob_len, blob_cap;
	int64_t start_ns;		/* CLOCK_REALTIME when the scan started */
	uint32_t today;
	bool dirty;			/* the file on disk differs from what save would write */
	bool existed;			/* there was a file at path, trusted or not */
};

static int rec_cmp(const void *a, const void *b)
{
	const struct cache_rec *x = a, *y = b;

	if (x->dev != y->dev)
		return x->dev < y->dev ? -1 : 1;
	if (x->ino != y->ino)
		return x->ino < y->ino ? -1 : 1;
	return 0;
}

static void rec_key(struct cache_rec *r, const struct stat *st)
{
	r->dev = st->st_dev;
	r->ino = st->st_ino;
	r->size = st->st_size;
	r->mtime_sec = st->st_mtim.tv_sec;
	r->mtime_nsec = st->st_mtim.tv_nsec;
	r->ctime_sec = st->st_ctim.tv_sec;
	r->ctime_nsec = st->st_ctim.tv_nsec;
}

static bool same_stamps(const struct cache_rec *a, const struct cache_rec *b)
{
	return a->size == b->size && a->mtime_sec == b->mtime_sec &&
	       a->mtime_nsec == b->mtime_nsec && a->ctime_sec == b->ctime_sec &&
	       a->ctime_nsec == b->ctime_nsec;
}

/* Three NUL-ended strings exactly filling [off, off + len) of the blob. */
static bool strs_valid(const char *blob, size_t blob_len, uint32_t off, uint32_t len)
{
	size_t nul = 0;

	if (len < EMPTY_STRS || len > VB_SCAN_CACHE_STR_MAX || off > blob_len ||
	    len > blob_len - off || blob[off + len - 1])
		return false;
	for (size_t i = off; i < off + len; i++)
		nul += !blob[i];
	return nul == 3;
}

static int digest(const void *a, size_t a_len, const void *b, size_t b_len, uint8_t out[32])
{
	EVP_MD_CTX *md = EVP_MD_CTX_new();
	int ok = md && EVP_DigestInit_ex(md, EVP_sha256(), NULL) &&
		 EVP_DigestUpdate(md, a, a_len) && EVP_DigestUpdate(md, b, b_len) &&
		 EVP_DigestFinal_ex(md, out, NULL);

	EVP_MD_CTX_free(md);
	return ok ? 0 : -ENOMEM;
}

/* 0 when buf[0..len) is a cache this code may trust whole; else -EBADMSG and why. */
static int check_file(struct vb_scan_cache *c, const uint8_t *buf, size_t len, char *why,
		      size_t why_len)
{
	const struct cache_hdr *h = (const void *)buf;
	const struct cache_rec *r;
	uint8_t md[32];
	size_t recs_len;
	int err;

	if (len < sizeof(*h) || memcmp(h->magic, CACHE_MAGIC, 8)) {
		snprintf(why, why_len, "not a vendorban scan cache");
		return -EBADMSG;
	}
	if (h->version != VB_SCAN_CACHE_VERSION || h->rec_size != sizeof(*r)) {
		snprintf(why, why_len, "version %u, record size %u (this vendorban: %u, %zu)",
			 h->version, h->rec_size, VB_SCAN_CACHE_VERSION, sizeof(*r));
		return -EBADMSG;
	}
	if (h->n_recs > VB_SCAN_CACHE_MAX || h->blob_len > VB_SCAN_CACHE_BLOB_MAX ||
	    h->blob_len < EMPTY_STRS) {
		snprintf(why, why_len, "bad header (%llu records, %llu bytes of strings)",
			 (unsigned long long)h->n_recs, (unsigned long long)h->blob_len);
		return -EBADMSG;
	}
	recs_len = h->n_recs * sizeof(*r);
	if (len != sizeof(*h) + recs_len + h->blob_len) {
		snprintf(why, why_len, "truncated or extended: %zu bytes, the header says %zu",
			 len, sizeof(*h) + recs_len + (size_t)h->blob_len);
		return -EBADMSG;
	}
	err = digest(buf + sizeof(*h), recs_len, buf + sizeof(*h) + recs_len, h->blob_len, md);
	if (err)
		return err;
	if (memcmp(md, h->digest, 32)) {
		snprintf(why, why_len, "checksum mismatch");
		return -EBADMSG;
	}
	r = (const void *)(buf + sizeof(*h));
	c->old_blob = (const char *)buf + sizeof(*h) + recs_len;
	c->old_blob_len = h->blob_len;
	if (memcmp(c->old_blob, "\0\0\0", EMPTY_STRS)) {
		snprintf(why, why_len, "bad string table");
		return -EBADMSG;
	}
	for (size_t i = 0; i < h->n_recs; i++) {
		if ((i && rec_cmp(&r[i - 1], &r[i]) >= 0) ||
		    !strs_valid(c->old_blob, c->old_blob_len, r[i].str_off, r[i].str_len)) {
			snprintf(why, why_len, "record %zu is out of order or malformed", i);
			return -EBADMSG;
		}
	}
	c->old = r;
	c->n_old = h->n_recs;
	return 0;
}

/* Larger than this is no cache of ours. */
#define CACHE_FILE_MAX	(sizeof(struct cache_hdr) + \
			 (size_t)VB_SCAN_CACHE_MAX * sizeof(struct cache_rec) + VB_SCAN_CACHE_BLOB_MAX)

int vb_scan_cache_open(const char *path, struct vb_scan_cache **out, char *why, size_t why_len)
{
	struct vb_scan_cache *c;
	struct timespec now;
	struct stat st;
	size_t len = 0;
	int fd, err = 0;

	*out = NULL;
	why[0] = '\0';
	c = calloc(1, sizeof(*c));
	if (!c)
		return -ENOMEM;
	c->path = strdup(path);
	c->blob_cap = 4096;
	c->blob = malloc(c->blob_cap);
	if (!c->path || !c->blob) {
		err = -ENOMEM;
		goto fail;
	}
	memset(c->blob, 0, EMPTY_STRS);
	c->blob_len = EMPTY_STRS;
	clock_gettime(CLOCK_REALTIME, &now);
	c->start_ns = (int64_t)now.tv_sec * 1000000000LL + now.tv_nsec;
	c->today = now.tv_sec / 86400;

	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	if (fd < 0) {
		if (errno != ENOENT) {
			err = -errno;
			goto fail;
		}
		c->dirty = true;
		*out = c;
		return 0;
	}
	c->existed = true;
	/* Whoever can write the cache decides what a scan skips: only us or root. */
	if (fstat(fd, &st)) {
		err = -errno;
	} else if (!S_ISREG(st.st_mode)) {
		snprintf(why, why_len, "not a regular file");
	} else if ((st.st_uid != geteuid() && st.st_uid != 0) || (st.st_mode & 022)) {
		snprintf(why, why_len, "owned by uid %u with mode %04o: only its owner or root "
			 "may be able to write it", st.st_uid, st.st_mode & 07777);
	} else {
		char *file;

		/* malloc's alignment keeps the records after the 64-byte header aligned. */
		err = vb_read_fd(fd, CACHE_FILE_MAX, &file, &len);
		c->file = (uint8_t *)file;
		if (err == -EFBIG) {
			snprintf(why, why_len, "larger than any scan cache");
			err = 0;
		} else if (!err) {
			err = check_file(c, c->file, len, why, why_len);
			if (err == -EBADMSG)
				err = 0;
		}
	}
	close(fd);
	if (err)
		goto fail;
	if (why[0]) {
		/* Ignored whole: the next save replaces it. */
		c->old = NULL;
		c->n_old = 0;
		c->dirty = true;
	}
	*out = c;
	return 0;
fail:
	vb_scan_cache_free(c);
	return err;
}

static const struct cache_rec *find_old(const struct vb_scan_cache *c, const struct cache_rec *key)
{
	return c->n_old ? bsearch(key, c->old, c->n_old, sizeof(*key), rec_cmp) : NULL;
}

static void rec_strings(const char *blob, const struct cache_rec *r, const char **rule_id,
			const char **evidence, const char **error)
{
	const char *s = blob + r->str_off;

	*rule_id = s;
	s += strlen(s) + 1;
	*evidence = s;
	s += strlen(s) + 1;
	*error = s;
}

bool vb_scan_cache_lookup(const struct vb_scan_cache *c, const struct stat *st,
			  struct vb_scan_cache_entry *out)
{
	const struct cache_rec *r;
	struct cache_rec key;

	rec_key(&key, st);
	r = find_old(c, &key);
	if (!r || !same_stamps(r, &key))
		return false;
	memcpy(out->sha256, r->sha256, 32);
	out->checked = r->checked;
	out->found = r->found;
	out->flags = r->flags;
	out->content_key = r->content_key;
	rec_strings(c->old_blob, r, &out->rule_id, &out->evidence, &out->error);
	return true;
}

/* Append three strings to *blob (growing it); their offset and length, or -ENOMEM. Empty
 * triples share offset 0. The evidence gives way when they do not fit VB_SCAN_CACHE_STR_MAX. */
static int put_strings(char **blob, size_t *blob_len, size_t *blob_cap, const char *rule_id,
		       const char *evidence, const char *error, uint32_t *off, uint32_t *len)
{
	size_t a = strnlen(rule_id, 255), c = strnlen(error, 255), b = strlen(evidence);
	size_t need;

	if (!a && !b && !c) {
		*off = 0;
		*len = EMPTY_STRS;
		return 0;
	}
	if (a + b + c + 3 > VB_SCAN_CACHE_STR_MAX)
		b = VB_SCAN_CACHE_STR_MAX - 3 - a - c;
	need = a + b + c + 3;
	if (*blob_len + need > VB_SCAN_CACHE_BLOB_MAX)
		return -ENOSPC;
	if (*blob_len + need > *blob_cap) {
		size_t cap = *blob_cap * 2 > *blob_len + need ? *blob_cap * 2 : *blob_len + need;
		char *p = realloc(*blob, cap);

		if (!p)
			return -ENOMEM;
		*blob = p;
		*blob_cap = cap;
	}
	*off = *blob_len;
	*len = need;
	memcpy(*blob + *blob_len, rule_id, a);
	(*blob)[*blob_len + a] = '\0';
	memcpy(*blob + *blob_len + a + 1, evidence, b);
	(*blob)[*blob_len + a + 1 + b] = '\0';
	memcpy(*blob + *blob_len + a + b + 2, error, c);
	(*blob)[*blob_len + a + b + 2 + c] = '\0';
	*blob_len += need;
	return 0;
}

static bool same_entry(const struct vb_scan_cache *c, const struct cache_rec *old,
		       const struct cache_rec *r, const struct vb_scan_cache_entry *e)
{
	const char *rule_id, *evidence, *error;

	if (!same_stamps(old, r) || memcmp(old->sha256, r->sha256, 32) ||
	    old->content_key != r->content_key || old->seen_day != r->seen_day ||
	    old->checked != r->checked || old->found != r->found || old->flags != r->flags)
		return false;
	rec_strings(c->old_blob, old, &rule_id, &evidence, &error);
	return !strcmp(rule_id, e->rule_id) && !strcmp(evidence, e->evidence) &&
	       !strcmp(error, e->error);
}

int vb_scan_cache_put(struct vb_scan_cache *c, const struct stat *st,
		      const struct vb_scan_cache_entry *e)
{
	int64_t ctime_ns = (int64_t)st->st_ctim.tv_sec * 1000000000LL + st->st_ctim.tv_nsec;
	const struct cache_rec *old;
	struct cache_rec *r;
	int err;

	if (ctime_ns > c->start_ns - VB_SCAN_CACHE_RACY_NS)
		return 0;
	if (c->n_cur == c->cap_cur) {
		size_t cap = c->cap_cur ? c->cap_cur * 2 : 1024;

		if (cap > VB_SCAN_CACHE_MAX)
			return 0;	/* the cache is full: the rest is read every time */
		r = realloc(c->cur, cap * sizeof(*r));
		if (!r)
			return -ENOMEM;
		c->cur = r;
		c->cap_cur = cap;
	}
	r = &c->cur[c->n_cur];
	memset(r, 0, sizeof(*r));
	rec_key(r, st);
	memcpy(r->sha256, e->sha256, 32);
	r->content_key = e->content_key;
	r->seen_day = c->today;
	r->checked = e->checked;
	r->found = e->found;
	r->flags = e->flags;
	err = put_strings(&c->blob, &c->blob_len, &c->blob_cap, e->rule_id, e->evidence, e->error,
			  &r->str_off, &r->str_len);
	if (err == -ENOSPC)
		return 0;
	if (err)
		return err;
	old = find_old(c, r);
	if (!old || !same_entry(c, old, r, e))
		c->dirty = true;
	c->n_cur++;
	return 0;
}

struct cache_out {
	const struct cache_hdr *h;
	const struct cache_rec *recs;
	size_t n;
	const char *blob;
	size_t blob_len;
};

static int fill_cache(int fd, void *arg)
{
	const struct cache_out *o = arg;
	int err;

	err = vb_write_all(fd, o->h, sizeof(*o->h));
	if (!err)
		err = vb_write_all(fd, o->recs, o->n * sizeof(*o->recs));
	if (!err)
		err = vb_write_all(fd, o->blob, o->blob_len);
	return err;
}

static int write_file(const char *path, const struct cache_rec *recs, size_t n,
		      const char *blob, size_t blob_len)
{
	struct cache_hdr h = { .version = VB_SCAN_CACHE_VERSION, .rec_size = sizeof(*recs) };
	struct cache_out o = { &h, recs, n, blob, blob_len };
	char *dir;
	int err;

	memcpy(h.magic, CACHE_MAGIC, 8);
	h.n_recs = n;
	h.blob_len = blob_len;
	err = digest(recs, n * sizeof(*recs), blob, blob_len, h.digest);
	if (err)
		return err;
	/* Atomic: a crash leaves the old cache or the new one, whole. Mode 0600: whoever can
	 * write it decides what a scan skips. */
	err = vb_atomic_write_fd(path, 0600, fill_cache, &o);
	if (err != -ENOENT)
		return err;
	dir = strdup(path);
	if (!dir)
		return -ENOMEM;
	/* Only the last level is made: /var/cache exists on any FHS system. */
	if (mkdir(dirname(dir), 0700) && errno != EEXIST) {
		err = -errno;
		free(dir);
		return err;
	}
	free(dir);
	return vb_atomic_write_fd(path, 0600, fill_cache, &o);
}

/* Add rec (strings in from) to out, copying its strings into the output blob. */
static int emit(struct cache_rec *out, size_t *n, const struct cache_rec *rec, const char *from,
		char **blob, size_t *blob_len, size_t *blob_cap)
{
	const char *rule_id, *evidence, *error;
	struct cache_rec *r = &out[*n];
	int err;

	*r = *rec;
	rec_strings(from, rec, &rule_id, &evidence, &error);
	err = put_strings(blob, blob_len, blob_cap, rule_id, evidence, error, &r->str_off,
			  &r->str_len);
	if (err == -ENOSPC)	/* strings beyond the limit: that file is read next time */
		return 0;
	if (!err)
		(*n)++;
	return err;
}

/* Files no scan has seen for a while: deleted, or on a disk that is gone. A clock set back
 * keeps everything. */
static bool too_old(const struct vb_scan_cache *c, const struct cache_rec *r)
{
	return r->seen_day < c->today && c->today - r->seen_day > VB_SCAN_CACHE_KEEP_DAYS;
}

int vb_scan_cache_save(struct vb_scan_cache *c)
{
	struct cache_rec *out = NULL;
	char *blob = NULL;
	size_t n = 0, blob_len = EMPTY_STRS, blob_cap = c->blob_len + c->old_blob_len + 64;
	size_t i = 0, j = 0, cur_n = 0;
	bool dropped = false;
	int err = 0;

	if (c->n_cur) {
		qsort(c->cur, c->n_cur, sizeof(*c->cur), rec_cmp);
		/* One file seen twice (hard links, overlapping PATHs): keep one record. */
		for (size_t k = 0; k < c->n_cur; k++)
			if (!cur_n || rec_cmp(&c->cur[cur_n - 1], &c->cur[k]))
				c->cur[cur_n++] = c->cur[k];
	}
	for (size_t k = 0; k < c->n_old && !dropped; k++)
		dropped = too_old(c, &c->old[k]);
	if (!c->dirty && !dropped)
		return 0;

	out = malloc((cur_n + c->n_old ? cur_n + c->n_old : 1) * sizeof(*out));
	blob = malloc(blob_cap);
	if (!out || !blob) {
		err = -ENOMEM;
		goto out;
	}
	memset(blob, 0, EMPTY_STRS);
	while (!err && (i < cur_n || j < c->n_old)) {
		int cmp = i == cur_n ? 1 : j == c->n_old ? -1 : rec_cmp(&c->cur[i], &c->old[j]);

		if (cmp <= 0) {
			err = emit(out, &n, &c->cur[i++], c->blob, &blob, &blob_len, &blob_cap);
			if (!cmp)
				j++;	/* this scan's record replaces the old one */
		} else {
			const struct cache_rec *o = &c->old[j++];

			if (!too_old(c, o))
				err = emit(out, &n, o, c->old_blob, &blob, &blob_len, &blob_cap);
		}
	}
	/* Nothing to remember (a scan of files that all just changed): make no file. */
	if (!err && (n || c->existed))
		err = write_file(c->path, out, n, blob, blob_len);
out:
	free(out);
	free(blob);
	return err;
}

void vb_scan_cache_free(struct vb_scan_cache *c)
{
	if (!c)
		return;
	free(c->path);
	free(c->file);
	free(c->cur);
	free(c->blob);
	free(c);
}
