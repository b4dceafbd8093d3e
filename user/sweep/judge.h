/* SPDX-License-Identifier: GPL-2.0 */
/*
 * One open file judged against a policy the way the kernel and the scan judge it: content hash,
 * path, and the vendor identities its evidence shows. For what is already running or loaded,
 * where the file is reached through /proc (deleted and memfd files included), not by a walk.
 * Files are read once per sweep: a cache keyed by (dev, ino, size, mtime, ctime) keeps what
 * their content said.
 */
#ifndef VB_SWEEP_JUDGE_H
#define VB_SWEEP_JUDGE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/stat.h>
#include "identify/evidence.h"
#include "identify/pkgdb.h"
#include "policy/policy.h"

struct vb_judgement {
	uint8_t sha256[32];
	const struct vb_rule *rule;	/* the deciding rule: enforce first; hash, path, identity */
	const char *match;		/* "sha256", "path", or the identity rule's kind */
	char *evidence;			/* an identity rule's "what matched", else NULL */
	struct vb_modinfo modinfo;	/* what .modinfo said (modules) */
	char build_id[VB_KEYID_MAX];	/* NT_GNU_BUILD_ID as hex, "" if none */
};

struct vb_judge_entry;

struct vb_judge {
	const struct vb_policy *p;
	struct vb_pkgdb *db;		/* when the policy has package rules; may be NULL */
	unsigned int what;		/* evidence readers (VB_ID_*) */
	struct vb_judge_entry *cache;
	size_t n, cap;
	struct vb_evidence *ev;		/* scratch: large */
	uint64_t bytes_read;
};

/* Ready to judge files against p, with extra readers (VB_ID_*) on top of what p needs. 0 or
 * -ENOMEM; a package database that cannot be read costs package rules only (warned once). */
int vb_judge_init(struct vb_judge *j, const struct vb_policy *p, unsigned int extra);
void vb_judge_free(struct vb_judge *j);

/*
 * Judge the regular file open at fd, whose name is path (NULL: it has none a rule could name,
 * as for a memfd). 1 and *out when a rule matches (free out->evidence), 0 when none does
 * (out->sha256 and modinfo still filled), or -errno when it could not be read.
 */
int vb_judge_fd(struct vb_judge *j, int fd, const char *path, struct vb_judgement *out);

/* The rule's source as "FILE:LINE". */
void vb_rule_source(const struct vb_policy *p, const struct vb_rule *r, char *buf, size_t len);

#endif
