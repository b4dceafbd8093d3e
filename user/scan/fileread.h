/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Reading one file for a scan (scan.c), on any of the scan's threads: each thread has its own
 * reader, and everything the file taught stays in its item until the walk's thread applies it
 * (result lists, the cache, the matches), in walk order, whatever thread read it.
 */
#ifndef VB_SCAN_FILEREAD_H
#define VB_SCAN_FILEREAD_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/stat.h>
#include <openssl/evp.h>
#include "identify/identify.h"
#include "identify/match.h"
#include "policy/policy.h"
#include "scan/cache.h"

/* Readers whose findings depend only on the file's bytes (and xattrs): what the cache keeps.
 * Package ownership depends on the path and the databases, and is looked up every time. */
#define SCAN_CONTENT_READERS	(VB_ID_SIGNATURES | VB_ID_ELF)

#define SCAN_ITEM_CANNOT_EXEC	1	/* scan_item.err: not read beyond its first bytes */

struct scan_reader {
	EVP_MD_CTX *md;
	unsigned char *buf;			/* VB_SCAN_BUF */
	struct vb_evidence *ev;			/* when the policy needs evidence */
};

/* What every reader shares, read-only while they run. */
struct scan_read_env {
	const struct vb_policy *p;
	const struct vb_pkgdb *db;
	unsigned int what;			/* VB_ID_*: evidence the policy can match */
	bool all_files;				/* read files that cannot execute too */
	bool cache;				/* fill scan_item.ce */
	uint64_t content_key;			/* the policy's content rules, for the cache */
};

struct scan_item {
	char *fpath;				/* as nftw gave it; owned */
	const char *shown;			/* as seen from the root: inside fpath, or "/" */
	struct stat sb;				/* nftw's */
	int err;				/* 0, SCAN_ITEM_CANNOT_EXEC or -errno */
	struct stat st;				/* before the read: the cache's key */
	uint64_t bytes;				/* read */
	uint8_t sha256[32];
	const struct vb_rule *id_rule;		/* the first identity rule it matched */
	char *evidence;				/* how, for people; owned */
	char *malformed;			/* a reader's complaint; owned, or NULL */
	struct vb_scan_cache_entry ce;		/* what the cache learns (when env->cache) */
	char *ce_evidence;			/* the string ce.evidence points to; owned */
};

int scan_reader_init(struct scan_reader *r, unsigned int what);
void scan_reader_free(struct scan_reader *r);
/* Read it->fpath, if it can run or load or env->all_files: fills it->err and the rest. */
void scan_read_item(const struct scan_read_env *env, struct scan_reader *r, struct scan_item *it);
void scan_item_free(struct scan_item *it);

/* An identity match, for people: "module signature issuer+serial: CN=..., 4b1a2f0001". */
char *scan_describe_match(const struct vb_id_match *m);
bool scan_is_content_rule(const struct vb_rule *r);

#endif
