// SPDX-License-Identifier: GPL-2.0
/* Scan: the inventory of what a policy would deny, with the kernel's matching rules. */
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <unistd.h>
#include <openssl/evp.h>
#include <linux/types.h>
#include "util/dangling.h"
#include "util/msg.h"
#include "scan/scan.h"
#include "scan/cache.h"
#include "scan/canexec.h"
#include "scan/fileread.h"
#include "scan/fstype.h"
#include "scan/pool.h"
#include "vendorban.h"
#include "identify/identify.h"
#include "identify/match.h"
#include "identify/pkgdb.h"

#define SCAN_BATCH	1024	/* files read on the threads between two merges */

struct scan_hash {
	uint8_t sha256[32];
	const struct vb_rule *rule;
};

struct scan_ctx {
	const struct vb_policy *p;
	struct vb_scan_result *res;
	struct scan_hash *hashes;		/* sorted by sha256 */
	size_t n_hashes;
	const struct vb_rule **paths;		/* sorted by path */
	size_t n_paths;
	size_t root_len;			/* strip this much of nftw's paths */
	unsigned int what;			/* VB_ID_*: evidence the policy can match */
	struct vb_pkgdb *db;			/* when it has package rules */
	struct vb_evidence *pkg_ev;		/* zero but for the package: cache hits */
	struct vb_scan_cache *cache;		/* NULL: every file is read */
	uint64_t content_key;			/* the policy's content rules, for the cache */
	vb_scan_progress_fn progress;
	void *arg;
	bool one_fs;
	bool all_files;				/* read files that cannot execute too */
	struct scan_read_env env;		/* what the readers share */
	struct scan_reader *readers;		/* [jobs], one per thread */
	unsigned int jobs;
	struct scan_item *batch;		/* [SCAN_BATCH]: files to read, in walk order */
	size_t n_batch;
	dev_t *level_dev;			/* the device of each directory above */
	size_t n_level_dev;
	int err;				/* -ENOMEM stops the walk */
};

static struct scan_ctx *scan_cur;		/* nftw has no context pointer */

/* What one file gave: its digest and the first identity rule (in policy order) it matched. */
struct file_result {
	uint8_t sha256[32];
	const struct vb_rule *id_rule;
	char *evidence;				/* how id_rule matched, for people; owned */
};

static int hash_cmp(const void *a, const void *b)
{
	return memcmp(((const struct scan_hash *)a)->sha256, ((const struct scan_hash *)b)->sha256,
		      32);
}

static int path_cmp(const void *a, const void *b)
{
	return strcmp((*(const struct vb_rule *const *)a)->path,
		      (*(const struct vb_rule *const *)b)->path);
}

static int path_key_cmp(const void *key, const void *elem)
{
	return strcmp(key, (*(const struct vb_rule *const *)elem)->path);
}

/* Kernel semantics: the exact path, else the longest prefix rule ("/opt/acme/") above it. */
static const struct vb_rule *match_path(const struct scan_ctx *c, const char *path)
{
	const struct vb_rule **r;
	char buf[VB_RULE_PATH_MAX + 1];
	size_t len = strlen(path);

	if (!c->n_paths)
		return NULL;
	r = bsearch(path, c->paths, c->n_paths, sizeof(*c->paths), path_key_cmp);
	if (r)
		return *r;
	if (len > VB_RULE_PATH_MAX)
		len = VB_RULE_PATH_MAX;
	memcpy(buf, path, len);
	for (size_t i = len; i > 1; i--) {
		if (buf[i - 1] != '/')
			continue;
		buf[i] = '\0';
		r = bsearch(buf, c->paths, c->n_paths, sizeof(*c->paths), path_key_cmp);
		if (r)
			return *r;
	}
	return NULL;
}

static int add_problem(struct vb_scan_problem **list, size_t *n, const char *path,
		       const char *why)
{
	struct vb_scan_problem *l;

	if (*n >= VB_SCAN_LIST_MAX)
		return 0;
	l = realloc(*list, (*n + 1) * sizeof(**list));
	if (!l)
		return -ENOMEM;
	*list = l;
	l[*n].path = strdup(path);
	l[*n].why = strdup(why);
	if (!l[*n].path || !l[*n].why) {
		free(l[*n].path);
		free(l[*n].why);
		return -ENOMEM;
	}
	(*n)++;
	return 0;
}

static int note_unreadable(struct scan_ctx *c, const char *shown, int err)
{
	c->res->unreadable++;
	return add_problem(&c->res->unreadable_list, &c->res->n_unreadable_list, shown,
			   strerror(err));
}

/*
 * What a cached "content evidence matched nothing" or "matched rule X" depends on: the content
 * readers that ran and every content rule, with what a cert rule's file said. Package rules
 * are matched afresh and do not count; nor do hash and path rules.
 */
static int content_key(const struct vb_policy *p, unsigned int what, uint64_t *key)
{
	EVP_MD_CTX *md = EVP_MD_CTX_new();
	uint8_t d[32], w = what & SCAN_CONTENT_READERS;
	int ok = md && EVP_DigestInit_ex(md, EVP_sha256(), NULL) && EVP_DigestUpdate(md, &w, 1);

	for (size_t i = 0; ok && i < p->n_rules; i++) {
		const struct vb_rule *r = &p->rules[i];
		const struct vb_signer *s = r->ident;
		const char *v = r->value ? r->value : "";
		uint8_t kf[4] = { r->kind, r->field };

		if (!scan_is_content_rule(r))
			continue;
		if (s) {
			kf[2] = s->has_tbs;
			kf[3] = s->has_issuer_serial;
		}
		ok = EVP_DigestUpdate(md, r->id, strlen(r->id) + 1) &&
		     EVP_DigestUpdate(md, kf, sizeof(kf)) && EVP_DigestUpdate(md, v, strlen(v) + 1);
		if (ok && s)
			ok = EVP_DigestUpdate(md, s->issuer, strlen(s->issuer) + 1) &&
			     EVP_DigestUpdate(md, s->subject, strlen(s->subject) + 1) &&
			     EVP_DigestUpdate(md, s->serial, strlen(s->serial) + 1) &&
			     EVP_DigestUpdate(md, s->skid, strlen(s->skid) + 1) &&
			     EVP_DigestUpdate(md, s->tbs_sha256, 32);
	}
	ok = ok && EVP_DigestFinal_ex(md, d, NULL);
	EVP_MD_CTX_free(md);
	if (!ok)
		return -ENOMEM;
	memcpy(key, d, sizeof(*key));
	return 0;
}

static int note_malformed(struct scan_ctx *c, const char *shown, const char *why)
{
	c->res->malformed++;
	return add_problem(&c->res->malformed_list, &c->res->n_malformed_list, shown, why);
}

static const struct vb_rule *rule_by_id(const struct vb_policy *p, const char *id)
{
	for (size_t i = 0; i < p->n_rules; i++)
		if (!strcmp(p->rules[i].id, id))
			return &p->rules[i];
	return NULL;
}

/*
 * Decide the file from the cache: 1 (fr filled), 2 when it cannot execute (not read), or 0 when
 * it must be read because the cache does not know it, or knows it under other stamps, another
 * policy's content rules, without a reader this policy needs, or only as unread. -ENOMEM.
 */
static int cached_file(struct scan_ctx *c, const struct stat *sb, const char *shown,
		       struct file_result *fr)
{
	unsigned int need = c->what & SCAN_CONTENT_READERS;
	const struct vb_rule *content = NULL;
	struct vb_scan_cache_entry e;
	struct vb_id_match pm;
	bool by_pkg = false;
	int err;

	if (!vb_scan_cache_lookup(c->cache, sb, &e))
		return 0;
	/* The same answer as a read would give: the magic is the content's, whose stamps hold;
	 * a chmod gives the file a new ctime, so sb's mode is the one the entry was made with. */
	if (!c->all_files && !vb_mode_can_exec(sb->st_mode) &&
	    !(e.flags & VB_SCAN_CACHE_EXEC_MAGIC)) {
		err = vb_scan_cache_put(c->cache, sb, &e);
		return err ? err : 2;
	}
	if ((e.flags & VB_SCAN_CACHE_NOT_READ) || (need & ~e.checked))
		return 0;
	if (e.found & need) {
		if (e.content_key != c->content_key)
			return 0;
		if (e.flags & VB_SCAN_CACHE_MATCHED) {
			content = rule_by_id(c->p, e.rule_id);
			if (!content)
				return 0;
		}
	}
	if ((c->what & VB_ID_PACKAGE) && c->db) {
		memset(&c->pkg_ev->package, 0, sizeof(c->pkg_ev->package));
		vb_pkgdb_owner(c->db, shown, &c->pkg_ev->package);
		by_pkg = vb_match_evidence(c->p, c->pkg_ev, &pm, 1) &&
			 (!content || pm.rule < content);
	}
	memcpy(fr->sha256, e.sha256, 32);
	if (by_pkg) {
		fr->id_rule = pm.rule;
		fr->evidence = scan_describe_match(&pm);
	} else if (content) {
		fr->id_rule = content;
		fr->evidence = strdup(e.evidence);
	}
	if (fr->id_rule && !fr->evidence)
		return -ENOMEM;
	if (c->what && (e.flags & VB_SCAN_CACHE_MALFORMED)) {
		err = note_malformed(c, shown, e.error);
		if (err)
			return err;
	}
	/* Seen again: kept in the cache, and its age starts over. */
	err = vb_scan_cache_put(c->cache, sb, &e);
	return err ? err : 1;
}

/* A matching file into the result; takes fr->evidence. */
static int add_match(struct scan_ctx *c, const char *shown, struct file_result *fr,
		     const struct vb_rule *hr, const struct vb_rule *pr, const struct stat *sb)
{
	const struct vb_rule *ir = fr->id_rule;
	struct vb_scan_result *res = c->res;
	struct vb_scan_match *m;
	struct vb_scan_count *v;

	if (res->n_matches == res->cap) {
		size_t cap = res->cap ? res->cap * 2 : 64;

		m = realloc(res->matches, cap * sizeof(*m));
		if (!m)
			return -ENOMEM;
		res->matches = m;
		res->cap = cap;
	}
	m = &res->matches[res->n_matches];
	memset(m, 0, sizeof(*m));
	m->path = strdup(shown);
	if (!m->path)
		return -ENOMEM;
	memcpy(m->sha256, fr->sha256, 32);
	m->hash_rule = hr;
	m->path_rule = pr;
	m->id_rule = ir;
	m->dev = sb->st_dev;
	m->ino = sb->st_ino;
	m->evidence = fr->evidence;
	fr->evidence = NULL;
	m->vendor_idx = hr ? hr->vendor_idx : pr ? pr->vendor_idx : ir->vendor_idx;
	m->deny = (hr && hr->mode == VB_MODE_ENFORCE) || (pr && pr->mode == VB_MODE_ENFORCE) ||
		  (ir && ir->mode == VB_MODE_ENFORCE);
	res->n_matches++;
	v = &res->vendors[m->vendor_idx];
	v->files++;
	m->deny ? v->deny++ : v->audit++;
	return 0;
}

static int note_skip(struct scan_ctx *c, const char *shown, unsigned long magic, bool pseudo)
{
	struct vb_scan_result *res = c->res;
	const char *name = vb_fs_name(magic);
	struct vb_scan_skip *l;
	char hex[24];

	res->skips++;
	if (res->n_skipped >= VB_SCAN_LIST_MAX)
		return 0;
	l = realloc(res->skipped, (res->n_skipped + 1) * sizeof(*l));
	if (!l)
		return -ENOMEM;
	res->skipped = l;
	snprintf(hex, sizeof(hex), "0x%lx", magic);
	l += res->n_skipped;
	l->pseudo = pseudo;
	l->path = strdup(shown);
	l->fs = strdup(name ? name : hex);
	if (!l->path || !l->fs) {
		free(l->path);
		free(l->fs);
		return -ENOMEM;
	}
	res->n_skipped++;
	return 0;
}

/*
 * A directory on another device than the one above it is a mount point (or the start): enter
 * it unless it is a pseudo filesystem, or --one-file-system. 1 to enter, 0 to skip, -ENOMEM.
 */
static int enter_dir(struct scan_ctx *c, const char *fpath, const char *shown,
		     const struct stat *sb, int level)
{
	struct statfs sf;
	dev_t *d;
	bool pseudo;

	if ((size_t)level >= c->n_level_dev) {
		d = reallocarray(c->level_dev, level + 64, sizeof(*d));
		if (!d)
			return -ENOMEM;
		c->level_dev = d;
		c->n_level_dev = level + 64;
	}
	c->level_dev[level] = sb->st_dev;
	if (level && c->level_dev[level - 1] == sb->st_dev)
		return 1;
	if (statfs(fpath, &sf))
		return 1;	/* cannot tell: walk it, as before we asked */
	pseudo = vb_fs_is_pseudo(sf.f_type);
	if (!pseudo && (!level || !c->one_fs))
		return 1;
	return note_skip(c, shown, sf.f_type, pseudo) ?: 0;
}

/* A file read or known: counted, and matched against the hash and path rules. Takes
 * fr->evidence. 0 or -ENOMEM. */
static int judge_file(struct scan_ctx *c, const char *shown, const struct stat *sb,
		      struct file_result *fr)
{
	const struct vb_rule *hr = NULL, *pr;
	struct scan_hash *h;
	int err = 0;

	c->res->files_scanned++;
	c->res->bytes_total += sb->st_size;
	if (c->n_hashes) {
		struct scan_hash key;

		memcpy(key.sha256, fr->sha256, 32);
		h = bsearch(&key, c->hashes, c->n_hashes, sizeof(key), hash_cmp);
		if (h)
			hr = h->rule;
	}
	pr = match_path(c, shown);
	if (hr || pr || fr->id_rule)
		err = add_match(c, shown, fr, hr, pr, sb);
	if (!err && c->progress)
		c->progress(c->res, c->arg);
	free(fr->evidence);
	fr->evidence = NULL;
	return err;
}

/* What a reader learnt, into the result and the cache, on the walk's thread. 0 or -ENOMEM. */
static int apply_item(struct scan_ctx *c, struct scan_item *it)
{
	struct file_result fr = { .id_rule = it->id_rule, .evidence = it->evidence };
	int err;

	if (it->err == -ENOMEM)
		return -ENOMEM;
	if (it->err < 0)
		return note_unreadable(c, it->shown, -it->err);
	if (c->cache) {
		err = vb_scan_cache_put(c->cache, &it->st, &it->ce);
		if (err)
			return err;
	}
	if (it->err == SCAN_ITEM_CANNOT_EXEC) {
		c->res->cannot_exec++;
		return 0;
	}
	c->res->bytes_hashed += it->bytes;
	if (it->malformed) {
		err = note_malformed(c, it->shown, it->malformed);
		if (err)
			return err;
	}
	memcpy(fr.sha256, it->sha256, 32);
	it->evidence = NULL;
	return judge_file(c, it->shown, &it->sb, &fr);
}

static void read_one(void *arg, size_t i, unsigned int w)
{
	struct scan_ctx *c = arg;

	scan_read_item(&c->env, &c->readers[w], &c->batch[i]);
}

/* Read the batch on every thread, then apply it in walk order: the result does not depend on
 * how many threads read it, nor on which finished first. 0 or -ENOMEM. */
static int run_batch(struct scan_ctx *c)
{
	int err = 0;

	vb_pool_run(c->n_batch, c->jobs, read_one, c);
	for (size_t i = 0; i < c->n_batch; i++) {
		if (!err)
			err = apply_item(c, &c->batch[i]);
		scan_item_free(&c->batch[i]);
	}
	c->n_batch = 0;
	return err;
}

static int queue_file(struct scan_ctx *c, const char *fpath, const struct stat *sb)
{
	struct scan_item *it = &c->batch[c->n_batch];
	const char *shown;

	memset(it, 0, sizeof(*it));
	it->fpath = strdup(fpath);
	if (!it->fpath)
		return -ENOMEM;
	shown = it->fpath + c->root_len;
	it->shown = *shown ? shown : "/";
	it->sb = *sb;
	return ++c->n_batch == SCAN_BATCH ? run_batch(c) : 0;
}

static int scan_visit(const char *fpath, const struct stat *sb, int type, struct FTW *ftw)
{
	struct scan_ctx *c = scan_cur;
	const char *shown = fpath + c->root_len;
	struct file_result fr = {};
	int err = 0;

	if (!*shown)
		shown = "/";
	if (type == FTW_DNR || type == FTW_NS) {
		err = note_unreadable(c, shown, type == FTW_DNR ? EACCES : errno);
		goto out;
	}
	if (type == FTW_D) {
		err = enter_dir(c, fpath, shown, sb, ftw->level);
		if (err < 0)
			goto out;
		return err ? FTW_CONTINUE : FTW_SKIP_SUBTREE;
	}
	if (type != FTW_F || !S_ISREG(sb->st_mode))
		return 0;
	if (c->cache)
		err = cached_file(c, sb, shown, &fr);
	if (err == 2) {
		c->res->cannot_exec++;
		err = 0;
	} else if (err > 0) {
		c->res->cache_hits++;
		err = judge_file(c, shown, sb, &fr);
	} else if (!err) {
		err = queue_file(c, fpath, sb);
	}
out:
	free(fr.evidence);
	if (err) {
		c->err = err;
		return FTW_STOP;
	}
	return FTW_CONTINUE;
}

static int problem_cmp(const void *a, const void *b)
{
	return strcmp(((const struct vb_scan_problem *)a)->path,
		      ((const struct vb_scan_problem *)b)->path);
}

static int match_cmp(const void *a, const void *b)
{
	return strcmp(((const struct vb_scan_match *)a)->path,
		      ((const struct vb_scan_match *)b)->path);
}

static int skip_cmp(const void *a, const void *b)
{
	return strcmp(((const struct vb_scan_skip *)a)->path, ((const struct vb_scan_skip *)b)->path);
}

/* Where to start nftw: root + PATH, without trailing slashes. NULL on ENOMEM/ENAMETOOLONG. */
static char *start_path(const char *root, const char *path, int *err)
{
	char *out, *abs = NULL;
	size_t len;

	if (!root) {
		abs = realpath(path, NULL);
		if (!abs) {
			*err = -errno;
			return NULL;
		}
		return abs;
	}
	if (asprintf(&out, "%s%s%s", root, path[0] == '/' ? "" : "/", path) < 0) {
		*err = -ENOMEM;
		return NULL;
	}
	len = strlen(out);
	while (len > 1 && out[len - 1] == '/')
		out[--len] = '\0';
	return out;
}

/* An unprivileged user cannot use the system's cache: nothing to warn about. */
static bool cache_quiet(const char *cache, int err)
{
	return !strcmp(cache, VB_SCAN_CACHE_DEFAULT) &&
	       (err == -EACCES || err == -EPERM || err == -EROFS);
}

static int open_cache(struct scan_ctx *c, const char *cache)
{
	char why[256];
	int err = vb_scan_cache_open(cache, &c->cache, why, sizeof(why));

	if (err == -ENOMEM)
		return err;
	if (err) {
		if (!cache_quiet(cache, err))
			vb_warn("scan cache %s: %s: every file is read", cache, strerror(-err));
		return 0;
	}
	if (why[0])
		vb_warn("scan cache %s ignored (%s): every file is read, and the cache rebuilt",
			cache, why);
	c->pkg_ev = calloc(1, sizeof(*c->pkg_ev));
	if (!c->pkg_ev)
		return -ENOMEM;
	return content_key(c->p, c->what, &c->content_key);
}

int vb_scan(const struct vb_policy *p, const char *root, char *const *paths, size_t n_paths,
	    vb_scan_progress_fn progress, void *arg, struct vb_scan_result *res)
{
	return vb_scan_cached(p, root, paths, n_paths, NULL, progress, arg, res);
}

int vb_scan_cached(const struct vb_policy *p, const char *root, char *const *paths,
		   size_t n_paths, const char *cache, vb_scan_progress_fn progress, void *arg,
		   struct vb_scan_result *res)
{
	struct vb_scan_opts o = { .root = root, .cache = cache, .progress = progress, .arg = arg };

	return vb_scan_run(p, &o, paths, n_paths, res);
}

int vb_scan_run(const struct vb_policy *p, const struct vb_scan_opts *o, char *const *paths,
		size_t n_paths, struct vb_scan_result *res)
{
	struct scan_ctx c = { .p = p, .res = res, .progress = o->progress, .arg = o->arg,
			      .one_fs = o->one_file_system, .all_files = o->all_files };
	const char *root = o->root, *cache = o->cache;
	char *rootdir = NULL;
	int ret = 0;

	memset(res, 0, sizeof(*res));
	res->vendors = calloc(p->n_vendors ? p->n_vendors : 1, sizeof(*res->vendors));
	c.hashes = calloc(p->n_rules ? p->n_rules : 1, sizeof(*c.hashes));
	c.paths = calloc(p->n_rules ? p->n_rules : 1, sizeof(*c.paths));
	c.what = vb_match_needs(p);
	c.jobs = o->jobs ? o->jobs : vb_pool_default_threads();
	if (c.jobs > VB_POOL_MAX_THREADS)
		c.jobs = VB_POOL_MAX_THREADS;
	c.readers = calloc(c.jobs, sizeof(*c.readers));
	c.batch = calloc(SCAN_BATCH, sizeof(*c.batch));
	if (!res->vendors || !c.hashes || !c.paths || !c.readers || !c.batch) {
		ret = -ENOMEM;
		goto out;
	}
	for (unsigned int i = 0; i < c.jobs; i++) {
		ret = scan_reader_init(&c.readers[i], c.what);
		if (ret)
			goto out;
	}
	if (cache) {
		ret = open_cache(&c, cache);
		if (ret)
			goto out;
	}
	if (c.what & VB_ID_PACKAGE) {
		int err = vb_pkgdb_open(root, &c.db);

		/* No package database under the root: nothing is owned, not an error. */
		if (err && err != -ENOENT) {
			vb_err("scan: cannot read the package databases under %s: %s",
			       root ? root : "/", strerror(-err));
			ret = err;
			goto out;
		}
	}
	for (size_t i = 0; i < p->n_rules; i++) {
		const struct vb_rule *r = &p->rules[i];

		if (r->kind == VB_RULE_SHA256) {
			memcpy(c.hashes[c.n_hashes].sha256, r->sha256, 32);
			c.hashes[c.n_hashes++].rule = r;
		} else if (r->kind == VB_RULE_PATH) {
			c.paths[c.n_paths++] = r;
		}
	}
	if (c.n_hashes)
		qsort(c.hashes, c.n_hashes, sizeof(*c.hashes), hash_cmp);
	if (c.n_paths)
		qsort(c.paths, c.n_paths, sizeof(*c.paths), path_cmp);
	c.env = (struct scan_read_env){ .p = p, .db = c.db, .what = c.what,
					.all_files = c.all_files, .cache = c.cache != NULL,
					.content_key = c.content_key };

	if (root && *root) {
		size_t len;

		rootdir = strdup(root);
		if (!rootdir) {
			ret = -ENOMEM;
			goto out;
		}
		len = strlen(rootdir);
		while (len > 0 && rootdir[len - 1] == '/')
			rootdir[--len] = '\0';
		c.root_len = len;	/* "/" -> "": the real root */
	}

	scan_cur = &c;
	for (size_t i = 0; i < n_paths; i++) {
		int err = 0;
		char *start = start_path(rootdir && *rootdir ? rootdir : NULL, paths[i], &err);

		if (!start) {
			if (err == -ENOMEM) {
				ret = err;
				break;
			}
			char target[PATH_MAX];

			if (err == -ENOENT && !(rootdir && *rootdir) &&
			    vb_link_target(AT_FDCWD, paths[i], target, sizeof(target)))
				vb_err("scan: %s: dangling symbolic link to '%s', which does not exist",
				       paths[i], target);
			else
				vb_err("scan: %s: %s", paths[i], strerror(-err));
			if (!ret)
				ret = err;
			continue;
		}
		if (nftw(start, scan_visit, 32, FTW_PHYS | FTW_ACTIONRETVAL) < 0) {
			err = -errno;
			vb_err("scan: %s: %s", paths[i], strerror(-err));
			if (!ret)
				ret = err;
		}
		free(start);
		if (!c.err && c.n_batch)
			c.err = run_batch(&c);
		if (c.err) {
			ret = c.err;
			break;
		}
	}
	scan_cur = NULL;
	/* Sorted, as matches are: the lists read the same whatever order the walk met them. */
	if (res->n_unreadable_list)
		qsort(res->unreadable_list, res->n_unreadable_list,
		      sizeof(*res->unreadable_list), problem_cmp);
	if (res->n_malformed_list)
		qsort(res->malformed_list, res->n_malformed_list, sizeof(*res->malformed_list),
		      problem_cmp);
	if (res->n_skipped)
		qsort(res->skipped, res->n_skipped, sizeof(*res->skipped), skip_cmp);
	if (res->n_matches)
		qsort(res->matches, res->n_matches, sizeof(*res->matches), match_cmp);
	if (c.cache && ret != -ENOMEM) {
		int err = vb_scan_cache_save(c.cache);

		if (err && !cache_quiet(cache, err))
			vb_warn("scan cache %s not saved: %s", cache, strerror(-err));
	}
out:
	vb_scan_cache_free(c.cache);
	free(c.level_dev);
	free(c.pkg_ev);
	free(rootdir);
	vb_pkgdb_close(c.db);
	for (size_t i = 0; c.batch && i < c.n_batch; i++)
		scan_item_free(&c.batch[i]);
	free(c.batch);
	for (unsigned int i = 0; c.readers && i < c.jobs; i++)
		scan_reader_free(&c.readers[i]);
	free(c.readers);
	free(c.paths);
	free(c.hashes);
	return ret;
}

void vb_scan_result_free(struct vb_scan_result *res)
{
	for (size_t i = 0; i < res->n_matches; i++) {
		free(res->matches[i].path);
		free(res->matches[i].evidence);
	}
	free(res->matches);
	for (size_t i = 0; i < res->n_malformed_list; i++) {
		free(res->malformed_list[i].path);
		free(res->malformed_list[i].why);
	}
	free(res->malformed_list);
	for (size_t i = 0; i < res->n_unreadable_list; i++) {
		free(res->unreadable_list[i].path);
		free(res->unreadable_list[i].why);
	}
	free(res->unreadable_list);
	for (size_t i = 0; i < res->n_skipped; i++) {
		free(res->skipped[i].path);
		free(res->skipped[i].fs);
	}
	free(res->skipped);
	free(res->vendors);
	memset(res, 0, sizeof(*res));
}

bool vb_scan_complete(const struct vb_scan_result *res)
{
	return !res->unreadable && !res->malformed;
}

const struct vb_rule *vb_policy_hash_rule(const struct vb_policy *p, const uint8_t sha256[32])
{
	for (size_t i = 0; i < p->n_rules; i++)
		if (p->rules[i].kind == VB_RULE_SHA256 && !memcmp(p->rules[i].sha256, sha256, 32))
			return &p->rules[i];
	return NULL;
}

const struct vb_rule *vb_policy_path_rule(const struct vb_policy *p, const char *path)
{
	const struct vb_rule *best = NULL;
	size_t best_len = 0;

	for (size_t i = 0; i < p->n_rules; i++) {
		const struct vb_rule *r = &p->rules[i];
		size_t len;

		if (r->kind != VB_RULE_PATH)
			continue;
		if (!strcmp(r->path, path))
			return r;
		len = strlen(r->path);
		if (len > best_len && r->path[len - 1] == '/' && !strncmp(r->path, path, len)) {
			best = r;
			best_len = len;
		}
	}
	return best;
}
