/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Inside the policy parser: what its files share, and nothing anyone else should use (the
 * public interface is policy.h). One struct parser carries a parse from the first line to the
 * checks at the end; the files each do one step of it.
 */
#ifndef VB_POLICY_PARSER_H
#define VB_POLICY_PARSER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "policy/policy.h"
#include "util/grow.h"

/* Parse time only: "inherit". Resolved before a policy is handed out. */
#define VB_MODE_UNSET		0xff
/* User text quoted in a message is cut to this many bytes: a message is one terminal line. */
#define SHOW_MAX		64
#define SHOW_BUF		(SHOW_MAX * 4 + 4)
#define MSG_MAX			1024

#define ARRAY_SIZE(a)		(sizeof(a) / sizeof((a)[0]))

/*
 * Duplicate checks must stay O(1) per rule: a policy may list a million hashes. The index holds
 * element numbers (into rules[] or vendors[]), not pointers, because those arrays move when
 * they grow.
 */
enum index_kind {
	IDX_SHA256,
	IDX_PATH,
	IDX_RULE_ID,
	IDX_VENDOR_ID,
	IDX_COUNT,
};

struct index_slot {
	uint64_t hash;
	size_t ref;			/* element number + 1; 0: empty slot */
};

struct index {
	struct index_slot *slots;
	size_t cap;			/* a power of two, or 0 */
	size_t n;
};

struct token {
	const char *s;			/* bare words point into the line, quoted ones into buf */
	size_t len;
	unsigned int col;		/* 1-based byte column of the token's first byte */
	bool quoted;
	char buf[VB_POLICY_MAX_LINE];
};

struct lexer {
	const char *next, *end;		/* the text not yet cut into lines */
	const char *line;		/* without the line end */
	size_t len;
	size_t pos;
	unsigned int lineno;
};

/* What the parser needs to know about a vendor block beyond struct vb_vendor. */
struct vendor_state {
	unsigned int id_col;
	unsigned int mode_line;		/* 0: no "mode" line in the block yet */
	unsigned int n_kind[VB_RULE_MODULE + 1];	/* rule lines of each kind, for generated ids */
	unsigned int n_rule_lines;	/* any identity line, valid or not */
	bool bad_id;			/* no usable id: messages about the block would be noise */
	bool dup_id;			/* its generated rule ids collide with the first one's */
};

struct parser {
	const char *name;
	struct vb_policy *pol;
	struct vb_diag *diag;
	size_t diag_first;		/* diag->n when this parse started */
	unsigned int diag_pos[VB_DIAG_MAX][2];	/* line, col of each message this parse kept */
	size_t n_errors;
	bool oom;
	unsigned int version_line;
	unsigned int mode_line;
	unsigned int first_vendor_line;
	size_t cap_vendors;
	size_t cap_vstate;
	size_t cap_rules;
	struct vendor_state *vstate;	/* parallel to pol->vendors */
	struct index idx[IDX_COUNT];
	char show[3][SHOW_BUF];
	struct token tok[3];		/* keyword, value, option: all a line needs at once */
};

/* A vendor line has been read: every line from here on is in the last vendor's block. */
static inline bool in_vendor(const struct parser *ps)
{
	return ps->pol->n_vendors > 0;
}

/* lexer.c */
extern const char id_help[];		/* what valid_id() takes, for messages */
/* Moves lx to the next line that can be read (too long or NUL bytes: reported, skipped);
 * false at the end of the text. */
bool next_line(struct parser *ps, struct lexer *lx);
/* Returns 1 with a token, 0 at the end of the line or at a comment, -1 after reporting an error. */
int next_token(struct parser *ps, struct lexer *lx, struct token *t);
/* The token after keyword kw into t: 1, or 0 for none ("'KW' needs a value: USAGE"), or -1
 * after a lexer error. */
int next_value(struct parser *ps, struct lexer *lx, const struct token *kw, struct token *t,
	       const char *usage);
/* A line's value is complete: anything further is a mistake worth pointing at. */
void expect_end(struct parser *ps, struct lexer *lx, const char *after);
bool tok_is(const struct token *t, const char *word);
bool valid_id(const char *s, size_t len);	/* a vendor or rule id */
int hex_value(char c);				/* 0 to 15, or -1 */
int mode_value(const struct token *t);		/* VB_MODE_ENFORCE, VB_MODE_AUDIT, or -1 */

/* parse.c */
/* Every line of buf[0..len) into ps->pol, every problem into ps->diag. */
void parse_text(struct parser *ps, const char *buf, size_t len);

/*
 * rule.c: the handler of every rule keyword (kw, a kind's name: "sha256", "path", ...), and each
 * kind's syntax. A value reader fills r from t and what follows it in lx, and returns whether r
 * can be used; a value that cannot has had its error reported.
 */
void parse_rule(struct parser *ps, struct lexer *lx, const struct token *kw);

struct rule_syntax {
	const char *usage;		/* how the kind is written, for messages */
	bool (*value)(struct parser *ps, struct lexer *lx, struct vb_rule *r, const struct token *t);
};
extern const struct rule_syntax rule_syntax[];

/* identity.c: value readers for signer, package and module rules (t is the field word, the
 * value follows in lx), and for cert rules (t names the file). */
bool identity_value(struct parser *ps, struct lexer *lx, struct vb_rule *r,
		    const struct token *t);
bool cert_value(struct parser *ps, struct lexer *lx, struct vb_rule *r, const struct token *t);

/* index.c */
/* Returns the element number + 1 of an equal key, or 0. */
size_t index_find(const struct parser *ps, enum index_kind kind, const void *key, size_t len);
/* Element elem (of rules[] or vendors[]) is now in the index; sets ps->oom if it cannot be. */
void index_add_or_oom(struct parser *ps, enum index_kind kind, size_t elem);
void index_free(struct parser *ps);

/* checks.c: after the last line, the checks that need every rule. */
void check_policy(struct parser *ps);

/* describe.c */
/* The word for each field of each rule kind: "signer skid", "package name", ... */
struct rule_field {
	enum vb_rule_kind kind;
	enum vb_rule_field field;
	const char *word;
};
extern const struct rule_field rule_fields[];
extern const size_t n_rule_fields;

/* diag.c */
/* One message into d ("FILE: error: TEXT" when line is 0); -ENOMEM, or 0 even when only counted. */
int diag_add(struct vb_diag *d, bool warning, const char *file, unsigned int line,
	     unsigned int col, const char *text);
/* An error refuses the policy. */
__attribute__((format(printf, 4, 5)))
void error_at(struct parser *ps, unsigned int line, unsigned int col, const char *fmt, ...);
/* The policy is still accepted: a warning names a rule that can never decide anything. */
__attribute__((format(printf, 4, 5)))
void warning_at(struct parser *ps, unsigned int line, unsigned int col, const char *fmt, ...);
/* This parse's messages in line and column order. */
void sort_diags(struct parser *ps);
/* User text as a message may quote it; the result lives in ps->show[slot] (slot 0 to 2). */
const char *show(struct parser *ps, int slot, const char *s, size_t len);
const char *show_tok(struct parser *ps, int slot, const struct token *t);

#endif /* VB_POLICY_PARSER_H */
