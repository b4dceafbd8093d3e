// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "identify/identify.h"
#include "identify/match.h"
#include "scan/scan.h"
#include "sweep/judge.h"
#include "util/msg.h"
#include "vendorban.h"

/* What a file's content says, whatever it is called. */
struct vb_judge_entry {
	dev_t dev;
	ino_t ino;
	off_t size;
	struct timespec mtime, ctime;
	int err;			/* reading it failed: -errno */
	uint8_t sha256[32];
	const struct vb_rule *id_rule;
	char *evidence;
	struct vb_modinfo modinfo;
	char build_id[VB_KEYID_MAX];
};

int vb_judge_init(struct vb_judge *j, const struct vb_policy *p, unsigned int extra)
{
	int err;

	memset(j, 0, sizeof(*j));
	j->p = p;
	j->what = vb_match_needs(p) | extra;
	j->ev = calloc(1, sizeof(*j->ev));
	if (!j->ev)
		return -ENOMEM;
	if (j->what & VB_ID_PACKAGE) {
		err = vb_pkgdb_open(NULL, &j->db);
		if (err == -ENOMEM)
			return err;
		if (err && err != -ENOENT)
			vb_warn("cannot read the package databases (%s): package rules are not "
				"matched", strerror(-err));
		if (err)
			j->db = NULL;
	}
	return 0;
}

void vb_judge_free(struct vb_judge *j)
{
	for (size_t i = 0; i < j->n; i++)
		free(j->cache[i].evidence);
	free(j->cache);
	free(j->ev);
	if (j->db)
		vb_pkgdb_close(j->db);
	memset(j, 0, sizeof(*j));
}

void vb_rule_source(const struct vb_policy *p, const struct vb_rule *r, char *buf, size_t len)
{
	snprintf(buf, len, "%s:%u", p->file, r->line);
}

static char *describe(const struct vb_id_match *m)
{
	const struct vb_signer *s = m->signer;
	char *out = NULL;
	int n;

	if (s)
		n = asprintf(&out, "%s signature, %s: issuer %s, serial %s%s%s",
			     vb_sig_format_name(s->format), m->how, s->issuer[0] ? s->issuer : "?",
			     s->serial[0] ? s->serial : "?", s->skid[0] ? ", skid " : "", s->skid);
	else
		n = asprintf(&out, "%s %s", m->how, m->rule->value ? m->rule->value : "");
	return n < 0 ? NULL : out;
}

static bool same_file(const struct vb_judge_entry *e, const struct stat *st)
{
	return e->dev == st->st_dev && e->ino == st->st_ino && e->size == st->st_size &&
	       e->mtime.tv_sec == st->st_mtim.tv_sec && e->mtime.tv_nsec == st->st_mtim.tv_nsec &&
	       e->ctime.tv_sec == st->st_ctim.tv_sec && e->ctime.tv_nsec == st->st_ctim.tv_nsec;
}

/* Read the file (once per sweep) for its hash and identities. */
static int content(struct vb_judge *j, int fd, const char *path, const struct stat *st,
		   struct vb_judge_entry **out)
{
	struct vb_judge_entry *e;
	struct vb_id_match im;
	int err;

	for (size_t i = 0; i < j->n; i++) {
		if (same_file(&j->cache[i], st)) {
			*out = &j->cache[i];
			return j->cache[i].err;
		}
	}
	if (j->n == j->cap) {
		size_t cap = j->cap ? j->cap * 2 : 64;

		e = realloc(j->cache, cap * sizeof(*e));
		if (!e)
			return -ENOMEM;
		j->cache = e;
		j->cap = cap;
	}
	e = &j->cache[j->n];
	memset(e, 0, sizeof(*e));
	e->dev = st->st_dev;
	e->ino = st->st_ino;
	e->size = st->st_size;
	e->mtime = st->st_mtim;
	e->ctime = st->st_ctim;
	/* The package databases know files by the name they installed. */
	err = vb_identify_fd(fd, path ? path : "", path ? j->db : NULL, j->what, j->ev);
	if (err == -ENOMEM)
		return err;
	e->err = err;
	if (!err) {
		j->bytes_read += st->st_size;
		memcpy(e->sha256, j->ev->sha256, 32);
		e->modinfo = j->ev->modinfo;
		memcpy(e->build_id, j->ev->elf.build_id, sizeof(e->build_id));
		if (vb_match_evidence(j->p, j->ev, &im, 1)) {
			e->id_rule = im.rule;
			e->evidence = describe(&im);
			if (!e->evidence)
				return -ENOMEM;
		}
	}
	j->n++;
	*out = e;
	return err;
}

int vb_judge_fd(struct vb_judge *j, int fd, const char *path, struct vb_judgement *out)
{
	const struct vb_rule *hr, *pr, *ir, *cand[3];
	static const char *const how[2] = { "sha256", "path" };
	struct vb_judge_entry *e;
	struct stat st;
	int err;

	memset(out, 0, sizeof(*out));
	if (fstat(fd, &st))
		return -errno;
	if (!S_ISREG(st.st_mode))
		return 0;
	/* Seek back: the same open file may be judged for another name. */
	lseek(fd, 0, SEEK_SET);
	err = content(j, fd, path, &st, &e);
	if (err)
		return err;
	memcpy(out->sha256, e->sha256, 32);
	out->modinfo = e->modinfo;
	memcpy(out->build_id, e->build_id, sizeof(out->build_id));
	hr = vb_policy_hash_rule(j->p, e->sha256);
	pr = path ? vb_policy_path_rule(j->p, path) : NULL;
	ir = e->id_rule;
	cand[0] = hr;
	cand[1] = pr;
	cand[2] = ir;
	/* As the kernel orders them: the first rule in enforce mode decides, else the first. */
	for (int pass = 0; pass < 2 && !out->rule; pass++) {
		for (int i = 0; i < 3; i++) {
			if (!cand[i] || (pass == 0 && cand[i]->mode != VB_MODE_ENFORCE))
				continue;
			out->rule = cand[i];
			out->match = i < 2 ? how[i] : vb_rule_kind_name(cand[i]->kind);
			if (i == 2 && e->evidence) {
				out->evidence = strdup(e->evidence);
				if (!out->evidence)
					return -ENOMEM;
			}
			break;
		}
	}
	return out->rule != NULL;
}
