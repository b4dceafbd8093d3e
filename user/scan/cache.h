/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The scan cache: what a scan learnt about each file, keyed by the file's identity and change
 * stamps (st_dev, st_ino, st_size, st_mtim, st_ctim), so that a rescan of an unchanged tree reads
 * (almost) nothing. Any write, truncation, chmod, chown, xattr change or rename-over gives the
 * file a new ctime or inode, and with it a miss.
 *
 * File: a header (magic, version, record size, counts, SHA-256 of the rest), fixed-size records
 * sorted by (dev, ino), then a blob of the records' strings. Written to a temporary file, synced
 * and renamed over the old one. A file that fails any check is ignored whole, never trusted in
 * part. Host byte order: the cache never leaves the host (another order fails the version).
 */
#ifndef VB_SCAN_CACHE_H
#define VB_SCAN_CACHE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/stat.h>
#include <time.h>

#define VB_SCAN_CACHE_DEFAULT	"/var/cache/vendorban/scan.cache"
/* Bump when a reader or the matcher changes what it finds in the same bytes. */
#define VB_SCAN_CACHE_VERSION	2	/* 2: EXEC_MAGIC and NOT_READ; a version 1 entry
					 * does not say whether its file can execute */
#define VB_SCAN_CACHE_MAX	(16u << 20)	/* records: larger counts are a corrupt header */
#define VB_SCAN_CACHE_BLOB_MAX	(1u << 30)	/* bytes of strings */
#define VB_SCAN_CACHE_STR_MAX	2048		/* bytes of one record's strings */
#define VB_SCAN_CACHE_KEEP_DAYS	30		/* files not seen by a scan for this long go */
/*
 * A file changed within this long before the scan started may change again within the same
 * timestamp tick after it is read (coarse clocks, one-second filesystems) and keep its stamps:
 * it is not cached, as git treats "racily clean" index entries.
 */
#define VB_SCAN_CACHE_RACY_NS	1000000000LL

/* Content flags of an entry: which content readers ran, which found something (VB_ID_*). */
enum {
	VB_SCAN_CACHE_MALFORMED = 0x1,	/* a reader refused its input: error says why */
	VB_SCAN_CACHE_MATCHED = 0x2,	/* content evidence matched rule_id under content_key */
	VB_SCAN_CACHE_EXEC_MAGIC = 0x4,	/* starts like something that runs or loads
					 * (scan/canexec.h): read even without an exec bit */
	VB_SCAN_CACHE_NOT_READ = 0x8,	/* no exec bit, no such magic: skipped unread, sha256
					 * is not the file's; a scan of all files reads it */
};

/* What a scan needs to know about a file without reading it. */
struct vb_scan_cache_entry {
	uint8_t sha256[32];
	uint8_t checked;		/* VB_ID_SIGNATURES | VB_ID_ELF readers that ran */
	uint8_t found;			/* ... and found signers or .modinfo */
	uint8_t flags;			/* VB_SCAN_CACHE_* */
	uint64_t content_key;		/* the policy's content rules when it was matched */
	const char *rule_id;		/* the first content rule it matched, or "" */
	const char *evidence;		/* what that rule matched, for people, or "" */
	const char *error;		/* the reader's complaint, or "" */
};

struct vb_scan_cache;

/*
 * Open the cache at path for a scan starting now. Always gives a cache (possibly empty) unless
 * -ENOMEM: a missing file is an empty cache; a file that cannot be trusted (corrupt,
 * truncated, another version, writable by others) is ignored and why is set (one line for a
 * warning); otherwise why is "". -EACCES (and other open errors but ENOENT) come back as
 * -errno with no cache: the caller scans without one.
 */
int vb_scan_cache_open(const char *path, struct vb_scan_cache **out, char *why, size_t why_len);
/* The entry for the file st describes, if its stamps are unchanged. Strings live as long as
 * the cache. */
bool vb_scan_cache_lookup(const struct vb_scan_cache *c, const struct stat *st,
			  struct vb_scan_cache_entry *out);
/* Record what this scan knows of the file st describes (stat taken before reading it). Racy
 * files are left out. 0 or -ENOMEM. */
int vb_scan_cache_put(struct vb_scan_cache *c, const struct stat *st,
		      const struct vb_scan_cache_entry *e);
/* Write this scan's entries and the old ones it did not visit (unless too old) back to the
 * path given at open, atomically. Nothing is written when nothing changed. 0 or -errno. */
int vb_scan_cache_save(struct vb_scan_cache *c);
void vb_scan_cache_free(struct vb_scan_cache *c);

#endif /* VB_SCAN_CACHE_H */
