/* SPDX-License-Identifier: GPL-2.0 */
/* Policy: parse and check the plain-text deny list (format: policy/README.md). */
#ifndef VB_POLICY_H
#define VB_POLICY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/* Bytes of policy text: room for the VB_MAX_HASH_RULES sha256 rules the kernel's map holds, at
 * 72 bytes a line ("\tsha256 " + 64 hex digits + newline), with their vendors and comments. */
#define VB_POLICY_MAX_SIZE	(128u << 20)
#define VB_POLICY_MAX_LINE	4096
#define VB_ID_MAX		64		/* vendor and rule ids, NUL included */
#define VB_NAME_MAX		256		/* vendor display names, NUL included */
#define VB_RULE_PATH_MAX	255		/* longest path rule (kernel key is 256 bytes) */
#define VB_DIAG_MAX		100		/* errors kept per parse; more are counted */

enum vb_rule_kind {
	VB_RULE_SHA256 = 1,
	VB_RULE_PATH = 2,
	VB_RULE_SIGNER = 3,		/* signer subject|issuer|skid|tbs ... */
	VB_RULE_CERT = 4,		/* cert FILE: every identity the certificate gives */
	VB_RULE_PACKAGE = 5,		/* package name|maintainer|vendor|key ... */
	VB_RULE_MODULE = 6,		/* module name NAME */
};

/* Which attribute a signer, package or module rule names. */
enum vb_rule_field {
	VB_FIELD_NONE = 0,
	VB_FIELD_SUBJECT,		/* signer subject "C=RU, O=..." (attributes must all match) */
	VB_FIELD_ISSUER_SERIAL,		/* signer issuer "DN" serial HEX */
	VB_FIELD_SKID,			/* signer skid HEX */
	VB_FIELD_TBS,			/* signer tbs HEX64 */
	VB_FIELD_NAME,			/* package name GLOB, module name NAME */
	VB_FIELD_MAINTAINER,		/* package maintainer GLOB */
	VB_FIELD_VENDOR,		/* package vendor GLOB */
	VB_FIELD_KEY,			/* package key HEX */
};

struct vb_signer;
struct vb_dn;

struct vb_vendor {
	char id[VB_ID_MAX];		/* short token: [A-Za-z0-9_.-]+ */
	char name[VB_NAME_MAX];		/* display name, e.g. "AO Kaspersky Lab" */
	uint8_t mode;			/* enum vb_mode: inherited from the policy if unset */
	unsigned int line;
};

struct vb_rule {
	enum vb_rule_kind kind;
	unsigned int vendor_idx;	/* index into policy->vendors */
	uint8_t mode;			/* enum vb_mode: inherited from the vendor if unset */
	char id[VB_ID_MAX];		/* explicit id=..., or "<vendor>-<kind>-<n>" */
	unsigned int line, col;		/* where the rule's value starts (1-based) */
	uint8_t sha256[32];		/* VB_RULE_SHA256 */
	char path[VB_RULE_PATH_MAX + 1]; /* VB_RULE_PATH: absolute; trailing '/' = prefix */
	uint8_t field;			/* enum vb_rule_field: signer, package, module rules */
	char *value;			/* their value as written (a DN, glob, name or hex); for
					 * cert, the file name as written */
	struct vb_signer *ident;	/* signer and cert rules: the identity to match */
	struct vb_dn *dn;		/* signer subject and issuer rules: the parsed name */
	uint8_t file_sha256[32];	/* cert: the file as read; a policy signature covers it */
};

struct vb_policy {
	char file[4096];		/* the name errors and logs cite */
	uint64_t version;		/* "version N": serial, must be >= 1 */
	uint8_t mode;			/* default mode for vendors */
	struct vb_vendor *vendors;
	size_t n_vendors;
	struct vb_rule *rules;
	size_t n_rules;
	uint8_t digest[32];		/* SHA-256 of the policy text as read */
	bool deny_unsigned_modules;	/* option unsigned-modules deny */
	bool deny_init_module;		/* option init-module deny: only finit_module(2) */
	bool kill_running;		/* option running kill: SIGKILL banned processes found
					 * running (default report: a record only) */
	bool deny_unjudged_exec;	/* option unjudged-exec deny: fmod_ret path, no daemon */
};

/*
 * Diagnostics: each message is "FILE:LINE:COL: error: TEXT" or "FILE:LINE:COL: warning: TEXT",
 * in line order. Errors refuse the policy; warnings point at rules that can never decide
 * anything, and the policy is still accepted with them.
 */
struct vb_diag {
	char *msgs[VB_DIAG_MAX];
	bool warning[VB_DIAG_MAX];	/* msgs[i] is a warning, not an error */
	size_t n;			/* messages kept */
	size_t n_total;			/* messages produced, kept or not */
	size_t n_errors;		/* errors produced, kept or not; the rest are warnings */
};

/* Parse policy text buf[0..len) named `name` (used in messages). Returns 0 and sets *out (diag
 * may then hold warnings), or -EINVAL with every problem found in diag (the policy is refused
 * whole), or -ENOMEM. */
int vb_policy_parse(const char *name, const char *buf, size_t len, struct vb_policy **out,
		    struct vb_diag *diag);
/* Read and parse a file. A file that cannot be read is one diagnostic ("FILE: error: ..."). */
int vb_policy_load(const char *path, struct vb_policy **out, struct vb_diag *diag);
void vb_policy_free(struct vb_policy *p);

/* Rule lookups used by the daemon and the CLI. */
const struct vb_vendor *vb_rule_vendor(const struct vb_policy *p, const struct vb_rule *r);
const char *vb_rule_kind_name(enum vb_rule_kind kind);	/* "sha256", "path", "signer", ... */
const char *vb_rule_field_name(enum vb_rule_field field);	/* "subject", "issuer", ... */
/* The rule as one line of policy text without options: "signer skid 55ed...". */
void vb_rule_describe(const struct vb_rule *r, char *buf, size_t len);
const char *vb_mode_name(uint8_t mode);			/* "enforce", "audit" */

/* Every kept message of d on its own line in f, then how many were not kept (name: the file). */
void vb_diag_print(const struct vb_diag *d, const char *name, FILE *f);
/* The same through vb_msg (the daemon's syslog): warnings as warnings, errors as errors. */
void vb_diag_log(const struct vb_diag *d, const char *name);
void vb_diag_free(struct vb_diag *d);

#endif /* VB_POLICY_H */
