// SPDX-License-Identifier: GPL-2.0
/* Reading one file for a scan: what can run or load is hashed and read for evidence. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "scan/canexec.h"
#include "scan/fileread.h"
#include "scan/scan.h"

int scan_reader_init(struct scan_reader *r, unsigned int what)
{
	r->md = EVP_MD_CTX_new();
	r->buf = malloc(VB_SCAN_BUF);
	r->ev = what ? malloc(sizeof(*r->ev)) : NULL;
	if (!r->md || !r->buf || (what && !r->ev)) {
		scan_reader_free(r);
		return -ENOMEM;
	}
	return 0;
}

void scan_reader_free(struct scan_reader *r)
{
	EVP_MD_CTX_free(r->md);
	free(r->buf);
	free(r->ev);
	memset(r, 0, sizeof(*r));
}

void scan_item_free(struct scan_item *it)
{
	free(it->fpath);
	free(it->evidence);
	free(it->malformed);
	free(it->ce_evidence);
	memset(it, 0, sizeof(*it));
}

char *scan_describe_match(const struct vb_id_match *m)
{
	const struct vb_signer *s = m->signer;
	char *out = NULL;
	int n;

	if (s)
		n = asprintf(&out, "%s signature, %s: issuer %s, serial %s%s%s%s%s",
			     vb_sig_format_name(s->format), m->how, s->issuer[0] ? s->issuer : "?",
			     s->serial[0] ? s->serial : "?", s->skid[0] ? ", skid " : "", s->skid,
			     s->subject[0] ? ", subject " : "", s->subject);
	else
		n = asprintf(&out, "%s %s", m->how, m->rule->value ? m->rule->value : "");
	return n < 0 ? NULL : out;
}

bool scan_is_content_rule(const struct vb_rule *r)
{
	return r->kind == VB_RULE_SIGNER || r->kind == VB_RULE_CERT || r->kind == VB_RULE_MODULE;
}

/* 0 and the digest of the file open at fd, or -errno. Streams: never holds more than
 * VB_SCAN_BUF of the file. */
static int hash_fd(struct scan_reader *r, int fd, struct scan_item *it)
{
	ssize_t n;

	if (!EVP_DigestInit_ex(r->md, EVP_sha256(), NULL))
		return -ENOMEM;
	while ((n = read(fd, r->buf, VB_SCAN_BUF)) != 0) {
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		EVP_DigestUpdate(r->md, r->buf, n);
		it->bytes += n;
	}
	return EVP_DigestFinal_ex(r->md, it->sha256, NULL) ? 0 : -ENOMEM;
}

/* What the cache learns from the evidence: which content readers found something, and the
 * first content rule that matched, package rules aside (those are matched afresh each time, by
 * path). 0 or -ENOMEM. */
static int cache_entry(const struct scan_read_env *env, struct vb_evidence *ev,
		       struct scan_item *it)
{
	struct vb_scan_cache_entry *e = &it->ce;
	struct vb_id_match cm;

	e->checked = env->what & SCAN_CONTENT_READERS;
	e->content_key = env->content_key;
	e->found = (ev->n_signers ? VB_ID_SIGNATURES : 0) | (ev->modinfo.present ? VB_ID_ELF : 0);
	if (it->malformed) {
		e->flags |= VB_SCAN_CACHE_MALFORMED;
		e->error = it->malformed;
	}
	if (!(e->found & e->checked) || !it->id_rule)
		return 0;
	if (scan_is_content_rule(it->id_rule)) {
		it->ce_evidence = strdup(it->evidence);
		e->rule_id = it->id_rule->id;
	} else {
		struct vb_package pkg = ev->package;
		bool m;

		memset(&ev->package, 0, sizeof(ev->package));
		m = vb_match_evidence(env->p, ev, &cm, 1);
		ev->package = pkg;
		if (!m)
			return 0;
		it->ce_evidence = scan_describe_match(&cm);
		e->rule_id = cm.rule->id;
	}
	if (!it->ce_evidence)
		return -ENOMEM;
	e->evidence = it->ce_evidence;
	e->flags |= VB_SCAN_CACHE_MATCHED;
	return 0;
}

/* Every reader the policy needs, in one read of the file open at fd. 0 or -errno. */
static int identify_fd(const struct scan_read_env *env, struct scan_reader *r, int fd,
		       struct scan_item *it)
{
	struct vb_id_match im;
	int err;

	err = vb_identify_fd(fd, it->shown, env->db, env->what, r->ev);
	if (err)
		return err;
	it->bytes = it->st.st_size;
	memcpy(it->sha256, r->ev->sha256, 32);
	if (r->ev->error[0]) {
		it->malformed = strdup(r->ev->error);
		if (!it->malformed)
			return -ENOMEM;
	}
	if (vb_match_evidence(env->p, r->ev, &im, 1)) {
		it->id_rule = im.rule;
		it->evidence = scan_describe_match(&im);
		if (!it->evidence)
			return -ENOMEM;
	}
	return env->cache ? cache_entry(env, r->ev, it) : 0;
}

static int read_item(const struct scan_read_env *env, struct scan_reader *r, struct scan_item *it)
{
	uint8_t head[VB_EXEC_MAGIC_LEN];
	ssize_t n;
	int fd, err;

	it->ce = (struct vb_scan_cache_entry){ .rule_id = "", .evidence = "", .error = "" };
	fd = open(it->fpath, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
	if (fd < 0)
		return -errno;
	if (fstat(fd, &it->st)) {
		err = -errno;
		goto out;
	}
	if (!S_ISREG(it->st.st_mode)) {	/* replaced since nftw looked */
		err = -EINVAL;
		goto out;
	}
	/* pread: the readers and the hash start at offset 0 all the same. */
	do
		n = pread(fd, head, sizeof(head), 0);
	while (n < 0 && errno == EINTR);
	if (n < 0) {
		err = -errno;
		goto out;
	}
	if (vb_exec_magic(head, n))
		it->ce.flags = VB_SCAN_CACHE_EXEC_MAGIC;
	if (!env->all_files && !it->ce.flags && !vb_mode_can_exec(it->st.st_mode)) {
		/* Unread, and said so in the cache: never a clean entry a banned file could
		 * hide behind once every file is read. */
		it->ce.flags = VB_SCAN_CACHE_NOT_READ;
		err = SCAN_ITEM_CANNOT_EXEC;
		goto out;
	}
	if (env->what) {
		err = identify_fd(env, r, fd, it);
	} else {
		err = hash_fd(r, fd, it);
	}
	if (!err)
		memcpy(it->ce.sha256, it->sha256, 32);
out:
	close(fd);
	return err;
}

void scan_read_item(const struct scan_read_env *env, struct scan_reader *r, struct scan_item *it)
{
	it->err = read_item(env, r, it);
}
