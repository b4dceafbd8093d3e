/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The denial log writer: one JSON line per record, each chained to the one before it by seq and
 * hash (log/chain.h), rotated by size and age into gzip files that keep the chain, flushed per
 * short batch, with every loss declared in the log itself. docs/denial-log.md is the reference.
 */
#ifndef VB_DENYLOG_H
#define VB_DENYLOG_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include "log/chain.h"

#define VB_DENYLOG_DEFAULT	"/var/log/vendorban/denials.jsonl"
#define VB_DENYLOG_HEAD_DIR	"/var/lib/vendorban"	/* chain heads, vb_denylog_head_path() */
#define VB_DENYLOG_MAX_SIZE	(64ull << 20)
#define VB_DENYLOG_MAX_AGE	(7ull * 86400)
#define VB_DENYLOG_KEEP		30
#define VB_DENYLOG_KEEP_MAX	1000
#define VB_DENYLOG_MIN_SIZE	65536	/* --log-max-size: a rotation per few records is no log */
/* Records appended between two fdatasync calls at most, however long a burst of events is:
 * bounds what a power cut can take. */
#define VB_DENYLOG_SYNC_BATCH	64
/* The chain head file is rewritten (util/atomic.c: write, fsync, rename) at most this often, and on
 * close: per batch it would cost as much as the log's own sync. So it may lag the log by this
 * much, and records cut from the end within it would not show against it. */
#define VB_DENYLOG_HEAD_INTERVAL_MS	1000

struct vb_denylog_opts {
	uint64_t max_size;	/* bytes: rotate before a record would pass it; 0 never */
	uint64_t max_age;	/* seconds since the file was begun: rotate then; 0 never */
	unsigned int keep;	/* rotated files kept, 1..VB_DENYLOG_KEEP_MAX */
	const char *head;	/* chain head file; NULL: vb_denylog_head_path(); "": none */
	bool compress_inline;	/* compress a rotated file before returning (tests, benchmarks) */
};

struct vb_denylog {
	int fd;
	char path[4096];
	char head[4096];		/* "" if none */
	struct vb_denylog_opts opts;
	struct vb_chain chain;		/* the last record written */
	uint64_t head_seq;		/* what the head file holds */
	int64_t head_written_us;	/* when */
	uint64_t size;			/* bytes of whole records in the current file */
	int64_t file_start_us;		/* when the current file was begun */
	bool file_has_records;		/* more than its opening record: worth rotating */
	unsigned int unsynced;		/* records appended since the last fdatasync */
	char *buf;			/* the line being sealed */
	size_t cap;
	char host[256];
	/* Losses not yet declared by a gap record: the next append or flush writes one. */
	bool gap_pending;
	uint64_t lost_pending;
	char lost_reason[512];
	bool damage_pending;		/* bytes past `size` that are not records */
	/* Counted, never fatal; the head file carries them. */
	uint64_t records;		/* written since open */
	uint64_t write_errors;		/* failed writes and syncs */
	uint64_t lost;			/* records that did not reach the file, since open */
	uint64_t rotations;
	uint64_t rotate_errors;
	unsigned int warned;		/* WARNED_* (log/recover.h): each kind is told once */
	/* The compression of the last rotated file runs beside the daemon's event loop. */
	pthread_t compressor;
	bool compressing;
	int compress_err;
};

/* Open (creating) the log, finish a rotation a crash interrupted, and take up the chain where
 * the log, its newest rotated file, or the head file left it; damage at the end of the file
 * (a record torn by a crash) is declared in a gap record. o NULL: defaults. 0 or -errno. */
int vb_denylog_open(struct vb_denylog *l, const char *path, const struct vb_denylog_opts *o);
/* Append one record: obj is the JSON text of an object (one line); seq and prev are put in
 * front of its members. On success l->chain is the record's seq and hash. A failure is
 * counted, declared in the log by the next gap record, and returned; enforcement is not
 * affected by it. */
int vb_denylog_append(struct vb_denylog *l, const char *obj);
/* Make what was appended durable, write a pending gap record, and update the head file (at
 * most every VB_DENYLOG_HEAD_INTERVAL_MS; close always does). Cheap when there is nothing to
 * do: call it after each batch of events and on each idle tick. */
int vb_denylog_flush(struct vb_denylog *l);
void vb_denylog_close(struct vb_denylog *l);
/* VB_DENYLOG_HEAD_DIR/<the log's absolute path, '/' as '-'>.head:
 * /var/lib/vendorban/var-log-vendorban-denials.jsonl.head for the default log. */
void vb_denylog_head_path(const char *log, char *buf, size_t len);

#endif
