/* SPDX-License-Identifier: GPL-2.0 */
/* What auditors ask of a denial log: filters, counts, and the CSV and text rows. */
#ifndef VB_LOG_QUERY_H
#define VB_LOG_QUERY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <json-c/json.h>

/* Every given condition must hold. Strings are fnmatch(3) patterns without FNM_PATHNAME, so an
 * exact value matches itself, and /opt/acme/ followed by a star matches everything below it. */
struct vb_log_filter {
	int64_t since_us;		/* INT64_MIN: open */
	int64_t until_us;		/* INT64_MAX: open; exclusive */
	const char *vendor, *rule, *op, *host, *path, *action;
	int64_t uid;			/* -1: any */
};

void vb_log_filter_init(struct vb_log_filter *f);
/* --since/--until: vb_time_parse()'s forms, "@EPOCH", "now", "today", "yesterday" (UTC), or an
 * age ("2h", "7d") meaning that long before now. 0 or -EINVAL. */
int vb_log_time_arg(const char *s, int64_t now_us, int64_t *us);
bool vb_log_filter_match(const struct vb_log_filter *f, struct json_object *rec);
/* Is the record a denial (deny or would-deny), as opposed to a gap or an opening record. */
bool vb_log_is_denial(struct json_object *rec);

/* Counts by key. */
struct vb_tally_ent {
	char *key;
	char *label;		/* shown beside the key (a vendor's name), or NULL */
	uint64_t count;
};

struct vb_tally {
	struct vb_tally_ent *ents;
	size_t n, cap;
	size_t *index;		/* open addressing over ents, 2x n */
	size_t index_cap;
};

int vb_tally_add(struct vb_tally *t, const char *key, const char *label, uint64_t n);
/* Sort by count, largest first, then by key: for tables. */
void vb_tally_sort_count(struct vb_tally *t);
/* Sort by key: for time buckets. */
void vb_tally_sort_key(struct vb_tally *t);
void vb_tally_free(struct vb_tally *t);

enum vb_log_by {
	VB_BY_VENDOR, VB_BY_RULE, VB_BY_DAY, VB_BY_HOST, VB_BY_OP, VB_BY_PATH, VB_BY_USER,
	VB_BY_HOUR, VB_BY__N
};

const char *vb_log_by_name(enum vb_log_by by);
int vb_log_by_parse(const char *s);	/* enum vb_log_by, or -EINVAL */

struct vb_log_stats {
	uint64_t records;		/* that matched the filter */
	uint64_t denials, would_deny;
	uint64_t gaps, lost;
	bool have_span;
	int64_t first_us, last_us;	/* of the denials */
	struct vb_tally by[VB_BY__N];	/* denials only */
	struct vb_tally gaps_by_day, gaps_by_hour;
};

void vb_log_stats_add(struct vb_log_stats *s, struct json_object *rec);
void vb_log_stats_free(struct vb_log_stats *s);

/* Read files in order, calling fn for each record the filter passes (line: its text as
 * written). Lines that are not JSON objects are reported on stderr as file:line and counted
 * in *bad. fn returns 0 to go on. 0, or -errno of a file that cannot be read. */
typedef int (*vb_log_record_fn)(struct json_object *rec, const char *line, size_t len,
				void *arg);
int vb_log_scan(char *const *files, size_t n, const struct vb_log_filter *f,
		vb_log_record_fn fn, void *arg, uint64_t *bad);

/* The columns of `log show --csv`, in order. */
extern const char *const vb_log_csv_columns[];
void vb_log_csv_header(FILE *out);
/* One RFC 4180 row: fields with a comma, quote, CR or LF are quoted, quotes doubled; a text
 * field that begins with = + - @ or a tab gets a leading ' so that a spreadsheet shows it
 * rather than runs it (a process can name itself "=cmd|..."). */
void vb_log_csv_row(FILE *out, struct json_object *rec);
/* One field of such a row (text: defused as above). */
void vb_csv_field(FILE *out, const char *s, bool text);
/* One line for a person: time host action operation vendor/rule path uid pid comm. */
void vb_log_text_row(FILE *out, struct json_object *rec);
/* A value for a terminal: control characters as \xHH, backslash doubled; NULL as "-". */
void vb_log_text_value(FILE *out, const char *s);

#endif
