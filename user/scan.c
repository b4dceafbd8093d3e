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
#include <unistd.h>
#include <openssl/evp.h>
#include <linux/types.h>
#include "msg.h"
#include "scan.h"
#include "vendorban.h"

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
	unsigned char *buf;			/* VB_SCAN_BUF */
	EVP_MD_CTX *md;
	vb_scan_progress_fn progress;
	void *arg;
	int err;				/* -ENOMEM stops the walk */
};

static struct scan_ctx *scan_cur;		/* nftw has no context pointer */

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

static int note_unreadable(struct scan_ctx *c, const char *shown, int err)
{
	struct vb_scan_result *res = c->res;

	res->unreadable++;
	if (res->first_unreadable)
		return 0;
	res->first_unreadable = strdup(shown);
	res->first_errno = err;
	return res->first_unreadable ? 0 : -ENOMEM;
}

/* 0 and the digest, or -errno. Streams: never holds more than VB_SCAN_BUF of the file. */
static int hash_file(struct scan_ctx *c, const char *fpath, uint8_t out[32])
{
	struct stat st;
	ssize_t n;
	int fd, err = 0;

	fd = open(fpath, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
	if (fd < 0)
		return -errno;
	if (fstat(fd, &st)) {
		err = -errno;
		goto out;
	}
	if (!S_ISREG(st.st_mode)) {	/* replaced since nftw looked */
		err = -EINVAL;
		goto out;
	}
	if (!EVP_DigestInit_ex(c->md, EVP_sha256(), NULL)) {
		err = -ENOMEM;
		goto out;
	}
	while ((n = read(fd, c->buf, VB_SCAN_BUF)) != 0) {
		if (n < 0) {
			if (errno == EINTR)
				continue;
			err = -errno;
			goto out;
		}
		EVP_DigestUpdate(c->md, c->buf, n);
		c->res->bytes_hashed += n;
	}
	if (!EVP_DigestFinal_ex(c->md, out, NULL))
		err = -ENOMEM;
out:
	close(fd);
	return err;
}

static int add_match(struct scan_ctx *c, const char *shown, const uint8_t sha[32],
		     const struct vb_rule *hr, const struct vb_rule *pr)
{
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
	memcpy(m->sha256, sha, 32);
	m->hash_rule = hr;
	m->path_rule = pr;
	m->vendor_idx = hr ? hr->vendor_idx : pr->vendor_idx;
	m->deny = (hr && hr->mode == VB_MODE_ENFORCE) || (pr && pr->mode == VB_MODE_ENFORCE);
	res->n_matches++;
	v = &res->vendors[m->vendor_idx];
	v->files++;
	m->deny ? v->deny++ : v->audit++;
	return 0;
}

static int scan_visit(const char *fpath, const struct stat *sb, int type, struct FTW *ftw)
{
	struct scan_ctx *c = scan_cur;
	const char *shown = fpath + c->root_len;
	const struct vb_rule *hr = NULL, *pr;
	struct scan_hash key, *h;
	int err;

	if (!*shown)
		shown = "/";
	if (type == FTW_DNR || type == FTW_NS) {
		err = note_unreadable(c, shown, type == FTW_DNR ? EACCES : errno);
		goto out;
	}
	if (type != FTW_F || !S_ISREG(sb->st_mode))
		return 0;
	err = hash_file(c, fpath, key.sha256);
	if (err == -ENOMEM)
		goto out;
	if (err) {
		err = note_unreadable(c, shown, -err);
		goto out;
	}
	c->res->files_scanned++;
	h = c->n_hashes ? bsearch(&key, c->hashes, c->n_hashes, sizeof(key), hash_cmp) : NULL;
	if (h)
		hr = h->rule;
	pr = match_path(c, shown);
	if (hr || pr)
		err = add_match(c, shown, key.sha256, hr, pr);
	if (!err && c->progress)
		c->progress(c->res, c->arg);
out:
	if (err) {
		c->err = err;
		return 1;	/* stop the walk */
	}
	return 0;
}

static int match_cmp(const void *a, const void *b)
{
	return strcmp(((const struct vb_scan_match *)a)->path,
		      ((const struct vb_scan_match *)b)->path);
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

int vb_scan(const struct vb_policy *p, const char *root, char *const *paths, size_t n_paths,
	    vb_scan_progress_fn progress, void *arg, struct vb_scan_result *res)
{
	struct scan_ctx c = { .p = p, .res = res, .progress = progress, .arg = arg };
	char *rootdir = NULL;
	int ret = 0;

	memset(res, 0, sizeof(*res));
	res->vendors = calloc(p->n_vendors ? p->n_vendors : 1, sizeof(*res->vendors));
	c.hashes = calloc(p->n_rules ? p->n_rules : 1, sizeof(*c.hashes));
	c.paths = calloc(p->n_rules ? p->n_rules : 1, sizeof(*c.paths));
	c.buf = malloc(VB_SCAN_BUF);
	c.md = EVP_MD_CTX_new();
	if (!res->vendors || !c.hashes || !c.paths || !c.buf || !c.md) {
		ret = -ENOMEM;
		goto out;
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
			vb_err("scan: %s: %s", paths[i], strerror(-err));
			if (!ret)
				ret = err;
			continue;
		}
		if (nftw(start, scan_visit, 32, FTW_PHYS | FTW_MOUNT) < 0) {
			err = -errno;
			vb_err("scan: %s: %s", paths[i], strerror(-err));
			if (!ret)
				ret = err;
		}
		free(start);
		if (c.err) {
			ret = c.err;
			break;
		}
	}
	scan_cur = NULL;
	if (res->n_matches)
		qsort(res->matches, res->n_matches, sizeof(*res->matches), match_cmp);
out:
	free(rootdir);
	EVP_MD_CTX_free(c.md);
	free(c.buf);
	free(c.paths);
	free(c.hashes);
	return ret;
}

void vb_scan_result_free(struct vb_scan_result *res)
{
	for (size_t i = 0; i < res->n_matches; i++)
		free(res->matches[i].path);
	free(res->matches);
	free(res->vendors);
	free(res->first_unreadable);
	memset(res, 0, sizeof(*res));
}
