// SPDX-License-Identifier: GPL-2.0
/*
 * Policy lexer: the text cut into lines, each line into words and quoted strings, every piece
 * with the line and byte column that messages cite. The text is (buffer, length): never NUL
 * terminated, and any byte may be anything.
 */
#include <stdbool.h>
#include <string.h>

#include <linux/types.h>

#include "vendorban.h"
#include "policy/policy.h"
#include "policy/parser.h"

const char id_help[] = "use 1 to 63 of A-Z a-z 0-9 _ . -";

bool next_line(struct parser *ps, struct lexer *lx)
{
	while (lx->next < lx->end && !ps->oom) {
		const char *p = lx->next, *nl = memchr(p, '\n', lx->end - p);
		size_t n = (nl ? nl : lx->end) - p;
		const char *nul;

		lx->next = nl ? nl + 1 : lx->end;
		lx->lineno++;
		if (n && p[n - 1] == '\r')
			n--;
		if (n > VB_POLICY_MAX_LINE) {
			error_at(ps, lx->lineno, VB_POLICY_MAX_LINE + 1,
				 "line is %zu bytes long (the limit is %d)", n, VB_POLICY_MAX_LINE);
		} else if ((nul = memchr(p, '\0', n))) {
			error_at(ps, lx->lineno, nul - p + 1, "NUL byte in policy text");
		} else {
			lx->line = p;
			lx->len = n;
			lx->pos = 0;
			return true;
		}
	}
	return false;
}

static bool is_blank(char c)
{
	return c == ' ' || c == '\t';
}

/* A quoted string whose opening quote is at lx->pos, unescaped into t->buf. */
static int quoted_token(struct parser *ps, struct lexer *lx, struct token *t)
{
	size_t start = lx->pos, n = 0;

	lx->pos++;
	for (;;) {
		char c;

		if (lx->pos == lx->len)
			goto unterminated;
		c = lx->line[lx->pos++];
		if (c == '"')
			break;
		if (c == '\\') {
			if (lx->pos == lx->len)
				goto unterminated;
			c = lx->line[lx->pos];
			if (c != '"' && c != '\\') {
				error_at(ps, lx->lineno, lx->pos,
					 "unknown escape '\\%s' in quoted string (only \\\" and \\\\ are allowed)",
					 show(ps, 0, &c, 1));
				return -1;
			}
			lx->pos++;
		}
		/* n < lx->len <= VB_POLICY_MAX_LINE: the opening quote is not copied. */
		t->buf[n++] = c;
	}
	if (lx->pos < lx->len && !is_blank(lx->line[lx->pos])) {
		error_at(ps, lx->lineno, lx->pos + 1, "missing space after the closing quote");
		return -1;
	}
	t->s = t->buf;
	t->len = n;
	t->quoted = true;
	return 1;

unterminated:
	error_at(ps, lx->lineno, start + 1, "unterminated quoted string");
	return -1;
}

int next_token(struct parser *ps, struct lexer *lx, struct token *t)
{
	size_t start;

	while (lx->pos < lx->len && is_blank(lx->line[lx->pos]))
		lx->pos++;
	/* Only reached at the start of a token, i.e. after a blank or at the line start. */
	if (lx->pos == lx->len || lx->line[lx->pos] == '#')
		return 0;
	start = lx->pos;
	t->col = start + 1;
	if (lx->line[start] == '"')
		return quoted_token(ps, lx, t);
	while (lx->pos < lx->len && !is_blank(lx->line[lx->pos]))
		lx->pos++;
	t->s = lx->line + start;
	t->len = lx->pos - start;
	t->quoted = false;
	return 1;
}

int next_value(struct parser *ps, struct lexer *lx, const struct token *kw, struct token *t,
	       const char *usage)
{
	int ret = next_token(ps, lx, t);

	if (ret == 0)
		error_at(ps, lx->lineno, kw->col, "'%.*s' needs a value: %s", (int)kw->len, kw->s,
			 usage);
	return ret;
}

void expect_end(struct parser *ps, struct lexer *lx, const char *after)
{
	struct token *t = &ps->tok[2];

	if (next_token(ps, lx, t) == 1)
		error_at(ps, lx->lineno, t->col, "unexpected '%s' after %s", show_tok(ps, 0, t),
			 after);
}

bool tok_is(const struct token *t, const char *word)
{
	size_t n = strlen(word);

	return t->len == n && !memcmp(t->s, word, n);
}

bool valid_id(const char *s, size_t len)
{
	size_t i;

	if (len < 1 || len > VB_ID_MAX - 1)
		return false;
	for (i = 0; i < len; i++) {
		char c = s[i];

		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		      c == '_' || c == '.' || c == '-'))
			return false;
	}
	return true;
}

int hex_value(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

int mode_value(const struct token *t)
{
	if (tok_is(t, "enforce"))
		return VB_MODE_ENFORCE;
	if (tok_is(t, "audit"))
		return VB_MODE_AUDIT;
	return -1;
}
