/* SPDX-License-Identifier: GPL-2.0 */
/* Check a denial log's hash chain across its files: the first record deleted, altered,
 * reordered or cut off, or that the chain is intact (docs/denial-log.md, "Verifying"). */
#ifndef VB_LOG_VERIFY_H
#define VB_LOG_VERIFY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "log/chain.h"

struct vb_verify {
	/* The verdict: the first problem, where it is. */
	bool tampered;
	const char *kind;	/* "deleted", "altered", "reordered", "duplicated", "truncated" */
	char problem[512];	/* "record 42 deleted (seq jumps 41 -> 43)" */
	char file[4096];
	unsigned long line;
	/* What was read. */
	size_t files;
	size_t empty_files;
	uint64_t records;
	uint64_t first_seq, last_seq;
	uint8_t last_hash[VB_CHAIN_HASH_LEN];
	bool from_genesis;	/* the first record is record 1 */
	uint64_t gaps;		/* gap records */
	uint64_t lost;		/* the records they declare lost */
	uint64_t damaged_lines;	/* lines that are not records, each declared by a gap record */
	/* Every attempt the kernel refused (or would have) is one of: a full record, a repeat
	 * counted in a repeat record, or lost in a gap. */
	uint64_t full;		/* deny and would-deny records */
	uint64_t repeats;	/* the counts of the repeat records */
	uint64_t repeat_records;
	bool head_used;
	struct vb_chain head;
	bool head_matched;	/* the record the head names was read, with the head's hash */
	char error[4200];	/* why -errno was returned */
};

/* Verify files (oldest first) as one chain; head: the chain head file, or NULL. 0 when the
 * files could be read (v->tampered is the verdict), else -errno with v->error. */
int vb_log_verify(char *const *files, size_t n, const char *head, struct vb_verify *v);

#endif
