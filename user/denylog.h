/* SPDX-License-Identifier: GPL-2.0 */
/* The denial log: one JSON line per denial, appended and flushed, and a copy to syslog. */
#ifndef VB_DENYLOG_H
#define VB_DENYLOG_H

#include <stdbool.h>
#include <stdint.h>

#define VB_DENYLOG_DEFAULT	"/var/log/vendorban/denials.jsonl"

struct vb_denylog {
	int fd;
	char path[4096];
	uint64_t write_errors;	/* records that could not be written: reported, never fatal */
};

int vb_denylog_open(struct vb_denylog *l, const char *path);
/* Append one line (no newline in `line`). Failure is counted and returned; enforcement is not
 * affected by it. */
int vb_denylog_append(struct vb_denylog *l, const char *line);
/* Make what was appended durable: called after each batch of events. */
int vb_denylog_flush(struct vb_denylog *l);
void vb_denylog_close(struct vb_denylog *l);

#endif
