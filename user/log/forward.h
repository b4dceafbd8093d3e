/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Every denial (and every gap) also goes where a fleet already collects logs: to the journal
 * with structured VENDORBAN_* fields (or, with no journald, to syslog(3) as an RFC 5424-style
 * structured message), and to the Linux audit subsystem as a USER_AVC record, which auditd
 * writes, ausearch and aureport read, and audisp-remote forwards. Each copy carries the
 * record's seq and hash, so a copy held elsewhere anchors the local chain. A channel that is
 * missing or refuses is counted and reported once; it never stops anything.
 */
#ifndef VB_LOG_FORWARD_H
#define VB_LOG_FORWARD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <json-c/json.h>

#define VB_JOURNAL_SOCKET	"/run/systemd/journal/socket"
#define VB_SYSLOG_IDENT		"vendorband"
/* journalctl MESSAGE_ID=... finds every denial, or every gap, whatever the text says. */
#define VB_MSGID_DENIAL		"5c4f2b0e8d8a4c1f9a6e3d7b1c2a9f40"
#define VB_MSGID_GAP		"8e1d6a3b5f7c4e2a9b0d1c3e5f7a9b21"
/* The structured-data ID of the syslog copy. 32473 is the enterprise number RFC 5612 sets
 * aside for examples: vendorban has none of its own. */
#define VB_SD_ID		"vendorban@32473"
#define VB_AUDIT_MSG_MAX	8192

enum vb_forward_flags {
	VB_FWD_SYSLOG	= 1,	/* journal or syslog */
	VB_FWD_AUDIT	= 2,
};

struct vb_forward {
	unsigned int flags;
	bool journal;		/* journald is there: structured fields; else syslog(3) */
	int audit_fd;		/* -1: audit is off or unavailable */
	char host[256];
	uint64_t sent_journal, sent_syslog, sent_audit;
	uint64_t journal_errors;	/* records journald refused (they went to syslog instead) */
	uint64_t audit_errors;		/* records the audit subsystem did not take */
	bool audit_reported, journal_reported;
};

int vb_forward_open(struct vb_forward *f, unsigned int flags, const char *host);
/* Forward one record (a denial or a gap; others are ignored). seq and hash: where it stands in
 * the chain, or seq 0 if it did not reach the log. message: the one line for people. */
void vb_forward_record(struct vb_forward *f, struct json_object *rec, uint64_t seq,
		       const uint8_t *hash, const char *message);
void vb_forward_close(struct vb_forward *f);

/* The texts, built apart from sending so that tests can read them. 0 or -ENOSPC. */
int vb_forward_audit_text(struct json_object *rec, uint64_t seq, const uint8_t *hash, char *buf,
			  size_t len);
int vb_forward_syslog_text(struct json_object *rec, uint64_t seq, const uint8_t *hash,
			   const char *message, char *buf, size_t len);
/* The journal fields, "NAME=value" each, malloc'd (free with vb_forward_free_fields). */
int vb_forward_journal_fields(struct json_object *rec, uint64_t seq, const uint8_t *hash,
			      const char *message, char ***fields, size_t *n);
void vb_forward_free_fields(char **fields, size_t n);

#endif
