// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "identify/identify.h"
#include "identify/match.h"
#include "install/deb.h"
#include "install/verdict.h"
#include "scan/scan.h"
#include <linux/types.h>
#include "vendorban.h"

static void add_hit(struct vb_install_pkg *out, const struct vb_rule *r, const char *how,
		    const char *file, const uint8_t *sha256)
{
	struct vb_install_hit *h;

	/* One hit per rule is enough to name it; the first file that matched says where. */
	for (size_t i = 0; i < out->n_hits; i++)
		if (out->hits[i].rule == r)
			return;
	if (out->n_hits == VB_INSTALL_HITS_MAX) {
		out->hits_dropped++;
		return;
	}
	h = &out->hits[out->n_hits++];
	h->rule = r;
	h->how = how;
	snprintf(h->file, sizeof(h->file), "%s", file ? file : "");
	h->has_sha256 = sha256 != NULL;
	if (sha256)
		memcpy(h->sha256, sha256, 32);
}

int vb_install_judge_fields(const struct vb_policy *p, struct vb_install_pkg *out)
{
	struct vb_id_match m[VB_MATCHES_MAX];
	struct vb_evidence *ev = calloc(1, sizeof(*ev));
	size_t n;

	if (!ev)
		return -ENOMEM;
	ev->package = out->pkg;
	n = vb_match_evidence(p, ev, m, VB_MATCHES_MAX);
	for (size_t i = 0; i < n; i++)
		add_hit(out, m[i].rule, m[i].how, NULL, NULL);
	free(ev);
	return 0;
}

int vb_install_judge_file(const struct vb_policy *p, struct vb_install_pkg *out,
			  const char *path, const uint8_t *buf, size_t len,
			  const uint8_t sha256[32], bool has_content)
{
	unsigned int needs = vb_match_needs(p) & (VB_ID_SIGNATURES | VB_ID_ELF);
	const struct vb_rule *r;

	out->files++;
	if (sha256 && (r = vb_policy_hash_rule(p, sha256)))
		add_hit(out, r, "sha256", path, sha256);
	/* Maintainer scripts are not installed under a path of their own. */
	if (path[0] == '/' && (r = vb_policy_path_rule(p, path)))
		add_hit(out, r, strcmp(r->path, path) ? "path prefix" : "path", path, sha256);
	/* A file too large to read for signatures could hide a banned signer: refused. */
	if (needs && has_content && !buf) {
		snprintf(out->error, sizeof(out->error), "%.200s is larger than %zu MiB: its "
			 "signatures cannot be read for the policy's signer, cert and module rules",
			 path, VB_IDENTIFY_READ_MAX >> 20);
		return -EFBIG;
	}
	if (buf && needs) {
		struct vb_id_match m[VB_MATCHES_MAX];
		struct vb_evidence *ev = malloc(sizeof(*ev));
		size_t n;

		if (!ev || vb_identify_buf(buf, len, path, VB_ID_SIGNATURES | VB_ID_ELF, ev)) {
			free(ev);
			return -ENOMEM;
		}
		n = vb_match_evidence(p, ev, m, VB_MATCHES_MAX);
		for (size_t i = 0; i < n; i++)
			if (m[i].rule->kind != VB_RULE_PACKAGE)	/* judged once, on the fields */
				add_hit(out, m[i].rule, m[i].how, path, sha256);
		free(ev);
	}
	return 0;
}

struct deb_judge {
	const struct vb_policy *p;
	struct vb_install_pkg *out;
};

static int judge_deb_member(const struct vb_package *pkg, const struct vb_deb_file *f,
			    void *arg)
{
	struct deb_judge *j = arg;

	if (!f) {
		j->out->pkg = *pkg;
		return vb_install_judge_fields(j->p, j->out);
	}
	return vb_install_judge_file(j->p, j->out, f->path, f->buf, f->len,
				     f->has_content ? f->sha256 : NULL, f->has_content);
}

int vb_install_check_deb(const struct vb_policy *p, const char *path,
			 struct vb_install_pkg *out)
{
	struct deb_judge j = { p, out };
	struct vb_package pkg;
	char why[sizeof(out->error)];
	int err;

	memset(out, 0, sizeof(*out));
	snprintf(out->archive, sizeof(out->archive), "%s", path);
	err = vb_deb_walk(path, &pkg, out->arch, sizeof(out->arch), judge_deb_member, &j, why,
			  sizeof(why));
	/* The walk's reason, unless a judge said why it stopped the walk. */
	if (err && !out->error[0])
		snprintf(out->error, sizeof(out->error), "%s", why);
	return err;
}

const struct vb_install_hit *vb_install_deciding(const struct vb_install_pkg *out)
{
	for (size_t i = 0; i < out->n_hits; i++)
		if (out->hits[i].rule->mode == VB_MODE_ENFORCE)
			return &out->hits[i];
	return out->n_hits ? &out->hits[0] : NULL;
}
