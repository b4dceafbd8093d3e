// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include "scan/vet.h"
#include "scan/scan.h"
#include "identify/identify.h"
#include "identify/match.h"
#include "util/msg.h"

#define VET_FDS		16	/* nftw's open directories */

struct vet_ctx {
	const struct vb_policy *p;
	const struct vb_vetted *prev;
	struct vb_vetted *out;
	size_t cap;
	struct vb_evidence ev;
	int err;
};

static struct vet_ctx *vet_cur;		/* nftw has no context pointer */

bool vb_vet_needed(const struct vb_policy *p)
{
	if (p->deny_unsigned_modules)
		return true;
	for (size_t i = 0; i < p->n_rules; i++)
		if (p->rules[i].kind == VB_RULE_SIGNER || p->rules[i].kind == VB_RULE_CERT ||
		    p->rules[i].kind == VB_RULE_MODULE)
			return true;
	return false;
}

static bool compressed_module_name(const char *path)
{
	static const char *const ext[] = { ".ko.xz", ".ko.zst", ".ko.gz" };
	size_t n = strlen(path);

	for (size_t i = 0; i < sizeof(ext) / sizeof(ext[0]); i++) {
		size_t e = strlen(ext[i]);

		if (n > e && !strcmp(path + n - e, ext[i]))
			return true;
	}
	return false;
}

static bool same_file(const struct vb_vetted_module *m, const struct stat *st)
{
	return m->dev == st->st_dev && m->ino == st->st_ino && m->size == st->st_size &&
	       m->mtime.tv_sec == st->st_mtim.tv_sec && m->mtime.tv_nsec == st->st_mtim.tv_nsec &&
	       m->ctime.tv_sec == st->st_ctim.tv_sec && m->ctime.tv_nsec == st->st_ctim.tv_nsec;
}

static const struct vb_vetted_module *known(const struct vet_ctx *c, const struct stat *st)
{
	if (!c->prev || memcmp(c->prev->policy_digest, c->p->digest, sizeof(c->p->digest)))
		return NULL;
	for (size_t i = 0; i < c->prev->n; i++)
		if (same_file(&c->prev->mods[i], st))
			return &c->prev->mods[i];
	return NULL;
}

/* Clean: the module inside was read whole, has a name, and no rule names its signer, its name
 * or its content; and under unsigned-modules deny, it is signed. */
static bool judge_clean(const struct vb_policy *p, const struct vb_evidence *ev, const char *path)
{
	struct vb_id_match m;

	if (ev->error[0] || !ev->compression[0] || !ev->has_sha256 || !ev->modinfo.name[0])
		return false;
	if (p->deny_unsigned_modules && !ev->n_signers)
		return false;
	return !vb_match_evidence(p, ev, &m, 1) && !vb_policy_hash_rule(p, ev->sha256) &&
	       !vb_policy_path_rule(p, path);
}

static int vet_file(struct vet_ctx *c, const char *path, const struct stat *sb)
{
	const struct vb_vetted_module *k = known(c, sb);
	struct vb_vetted_module m = {
		.dev = sb->st_dev, .ino = sb->st_ino, .size = sb->st_size,
		.mtime = sb->st_mtim, .ctime = sb->st_ctim,
	};
	struct stat after;
	int fd, err;

	if (k) {
		m = *k;
	} else {
		fd = open(path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
		if (fd < 0)
			return 0;	/* unreadable: not vetted, the kernel refuses it */
		err = vb_identify_fd(fd, path, NULL, VB_ID_SIGNATURES | VB_ID_ELF, &c->ev);
		/* Changed while read: what was read is not what the kernel would be handed. */
		if (!err && (fstat(fd, &after) || !same_file(&m, &after)))
			err = -EAGAIN;
		close(fd);
		if (err)
			return 0;
		memcpy(m.sha256, c->ev.sha256, sizeof(m.sha256));
		m.clean = judge_clean(c->p, &c->ev, path);
	}
	if (c->out->n == c->cap) {
		size_t cap = c->cap ? 2 * c->cap : 256;
		struct vb_vetted_module *mods = realloc(c->out->mods, cap * sizeof(*mods));

		if (!mods)
			return -ENOMEM;
		c->out->mods = mods;
		c->cap = cap;
	}
	c->out->mods[c->out->n++] = m;
	return 0;
}

static int vet_visit(const char *path, const struct stat *sb, int type, struct FTW *ftw)
{
	if (type != FTW_F || !S_ISREG(sb->st_mode) || !compressed_module_name(path))
		return FTW_CONTINUE;
	vet_cur->err = vet_file(vet_cur, path, sb);
	return vet_cur->err ? FTW_STOP : FTW_CONTINUE;
}

int vb_vet_modules(const struct vb_policy *p, char *const *paths, size_t n_paths,
		   const struct vb_vetted *prev, struct vb_vetted *out)
{
	struct vet_ctx *c = calloc(1, sizeof(*c));
	int err = 0;

	memset(out, 0, sizeof(*out));
	if (!c)
		return -ENOMEM;
	memcpy(out->policy_digest, p->digest, sizeof(out->policy_digest));
	*c = (struct vet_ctx){ .p = p, .prev = prev, .out = out };
	vet_cur = c;
	for (size_t i = 0; i < n_paths && !c->err; i++)
		nftw(paths[i], vet_visit, VET_FDS, FTW_PHYS | FTW_ACTIONRETVAL);
	vet_cur = NULL;
	err = c->err;
	free(c);
	if (err)
		vb_vetted_free(out);
	return err;
}

size_t vb_vetted_clean(const struct vb_vetted *v)
{
	size_t n = 0;

	for (size_t i = 0; v && i < v->n; i++)
		n += v->mods[i].clean;
	return n;
}

void vb_vetted_free(struct vb_vetted *v)
{
	free(v->mods);
	memset(v, 0, sizeof(*v));
}
