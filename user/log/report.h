/* SPDX-License-Identifier: GPL-2.0 */
/*
 * `vendorban log report --html`: one self-contained page for auditors, readable offline: no
 * script, no external URL (a Content-Security-Policy of default-src 'none' says so to the
 * browser too), an inline SVG timeline of denials per hour or day with the gaps marked, and
 * tables of the top vendors, rules, paths, hosts and users. Every value from the log is
 * HTML-escaped: paths and process names are chosen by whoever was denied.
 */
#ifndef VB_LOG_REPORT_H
#define VB_LOG_REPORT_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include "log/query.h"
#include "log/verify.h"

#define VB_REPORT_TOP		10	/* rows per table */
#define VB_REPORT_MAX_BARS	400	/* past this many days, a bar is several days */

struct vb_report {
	const char *title;		/* NULL: "Denial report" */
	struct vb_log_stats *stats;	/* its tallies get sorted */
	const struct vb_verify *verify;	/* the chain over the same files; NULL: not checked */
	char *const *files;
	size_t n_files;
	const char *selection;		/* the filters in words, "" for all records */
	int64_t generated_us;
};

/* Write the page to out. 0, or -EIO if out failed. */
int vb_report_html(FILE *out, struct vb_report *r);
/* Text with & < > " ' as entities and control characters as \xHH. */
void vb_html_escape(FILE *out, const char *s);
/* The report's stylesheet, for other offline pages in the same style (attest summary). */
extern const char vb_report_style[];

#endif
