// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "scan/derive.h"
#include "kernel/facts.h"
#include "util/msg.h"
#include "scan/scan.h"
#include "scan/cache.h"
#include "identify/match.h"

void vb_derive_report(const struct vb_policy *p, const struct vb_scan_result *res)
{
	size_t said = 0;

	for (size_t i = 0; i < res->n_matches; i++) {
		const struct vb_scan_match *m = &res->matches[i];
		const struct vb_rule *r = m->hash_rule ? m->hash_rule :
					  m->path_rule ? m->path_rule : m->id_rule;

		if (said++ == VB_DERIVE_REPORT_MAX)
			break;
		vb_warn("scan: banned file present: %s (vendor %s, rule %s by %s%s)", m->path,
			p->vendors[m->vendor_idx].id, r->id,
			r == m->hash_rule ? "sha256" : r == m->path_rule ? "path" :
			vb_rule_kind_name(r->kind), m->deny ? "" : ", audit mode");
	}
	if (res->n_matches > VB_DERIVE_REPORT_MAX)
		vb_warn("scan: %zu more banned files present: `vendorban sweep` lists them all",
			res->n_matches - VB_DERIVE_REPORT_MAX);
}

int vb_derive(const struct vb_policy *p, char *const *paths, size_t n_paths,
	      const struct vb_derived *prev, struct vb_derived *out)
{
	struct vb_scan_result res;
	size_t n = 0;
	int err;

	memset(out, 0, sizeof(*out));
	if (!vb_match_needs(p) || !n_paths)
		return 0;
	if (vb_vet_needed(p)) {
		err = vb_vet_modules(p, paths, n_paths, prev ? &prev->vetted : NULL, &out->vetted);
		if (err)
			return err;
		if (out->vetted.n)
			vb_info("scan: %zu compressed modules, %zu read and found clean",
				out->vetted.n, vb_vetted_clean(&out->vetted));
	}
	/* The cache makes a reload's rescan of unchanged trees cost a walk, not a read. */
	err = vb_scan_cached(p, NULL, paths, n_paths, VB_SCAN_CACHE_DEFAULT, NULL, NULL, &res);
	/* A path that does not exist on this host is normal; the rest was still scanned. */
	if (err == -ENOMEM)
		goto out;
	err = 0;
	for (size_t i = 0; i < res.n_matches; i++)
		n += res.matches[i].id_rule != NULL;
	out->hashes = calloc(n ? n : 1, sizeof(*out->hashes));
	out->files = calloc(n ? n : 1, sizeof(*out->files));
	if (!out->hashes || !out->files) {
		err = -ENOMEM;
		goto out;
	}
	for (size_t i = 0; i < res.n_matches; i++) {
		const struct vb_scan_match *m = &res.matches[i];
		__u32 rule = m->id_rule - p->rules;

		if (!m->id_rule)
			continue;
		/* The hash denies copies of the file wherever they appear; dev/ino covers the
		 * file itself where the kernel cannot hash (the fmod_ret path). */
		memcpy(out->hashes[out->n_hashes].sha256, m->sha256, VB_SHA256_LEN);
		out->hashes[out->n_hashes++].rule_idx = rule;
		out->files[out->n_files].file.dev = vb_kdev(m->dev);
		out->files[out->n_files].file.ino = m->ino;
		out->files[out->n_files].path = strdup(m->path);
		if (!out->files[out->n_files].path) {
			err = -ENOMEM;
			goto out;
		}
		out->files[out->n_files++].rule_idx = rule;
	}
	vb_info("scan: %llu files (%llu from the scan cache), %zu identified by signer, package "
		"or module name", (unsigned long long)res.files_scanned,
		(unsigned long long)res.cache_hits, n);
	vb_derive_report(p, &res);
	if (res.malformed)
		vb_warn("scan: %llu files with unreadable signatures or ELF headers (first: %s: %s)",
			(unsigned long long)res.malformed, res.malformed_list[0].path,
			res.malformed_list[0].why);
out:
	vb_scan_result_free(&res);
	if (err)
		vb_derived_free(out);
	return err;
}

static int hash_cmp(const void *a, const void *b)
{
	const struct vb_derived_hash *x = a, *y = b;
	int c = memcmp(x->sha256, y->sha256, VB_SHA256_LEN);

	return c ? c : (x->rule_idx > y->rule_idx) - (x->rule_idx < y->rule_idx);
}

static int file_cmp(const void *a, const void *b)
{
	const struct vb_derived_file *x = a, *y = b;

	if (x->file.dev != y->file.dev)
		return x->file.dev < y->file.dev ? -1 : 1;
	if (x->file.ino != y->file.ino)
		return x->file.ino < y->file.ino ? -1 : 1;
	return (x->rule_idx > y->rule_idx) - (x->rule_idx < y->rule_idx);
}

static bool vetted_equal(const struct vb_vetted *a, const struct vb_vetted *b)
{
	if (a->n != b->n)
		return false;
	for (size_t i = 0; i < a->n; i++)
		if (a->mods[i].clean != b->mods[i].clean ||
		    memcmp(a->mods[i].sha256, b->mods[i].sha256, sizeof(a->mods[i].sha256)))
			return false;
	return true;
}

bool vb_derived_equal(const struct vb_derived *a, const struct vb_derived *b)
{
	if (a->n_hashes != b->n_hashes || a->n_files != b->n_files ||
	    !vetted_equal(&a->vetted, &b->vetted))
		return false;
	/* Sorted in place: their order means nothing to the kernel or to lookups. */
	qsort(a->hashes, a->n_hashes, sizeof(*a->hashes), hash_cmp);
	qsort(b->hashes, b->n_hashes, sizeof(*b->hashes), hash_cmp);
	qsort(a->files, a->n_files, sizeof(*a->files), file_cmp);
	qsort(b->files, b->n_files, sizeof(*b->files), file_cmp);
	for (size_t i = 0; i < a->n_hashes; i++)
		if (hash_cmp(&a->hashes[i], &b->hashes[i]))
			return false;
	for (size_t i = 0; i < a->n_files; i++)
		if (file_cmp(&a->files[i], &b->files[i]))
			return false;
	return true;
}

const char *vb_derived_path(const struct vb_derived *d, __u32 dev, __u64 ino)
{
	for (size_t i = 0; d && i < d->n_files; i++)
		if (d->files[i].file.dev == dev && d->files[i].file.ino == ino)
			return d->files[i].path;
	return NULL;
}

void vb_derived_free(struct vb_derived *d)
{
	for (size_t i = 0; i < d->n_files; i++)
		free(d->files[i].path);
	free(d->hashes);
	free(d->files);
	vb_vetted_free(&d->vetted);
	memset(d, 0, sizeof(*d));
}
