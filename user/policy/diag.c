// SPDX-License-Identifier: GPL-2.0
/*
 * Policy diagnostics: "FILE:LINE:COL: error: TEXT" messages, kept in line order, and the user
 * text they quote made safe to show on a terminal.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "policy/policy.h"
#include "policy/parser.h"
#include "util/msg.h"

int diag_add(struct vb_diag *d, bool warning, const char *file, unsigned int line,
	     unsigned int col, const char *text)
{
	const char *sev = warning ? "warning" : "error";
	char *msg;
	int ret;

	if (!d)
		return 0;
	d->n_total++;
	if (!warning)
		d->n_errors++;
	if (d->n >= VB_DIAG_MAX)
		return 0;
	if (line)
		ret = asprintf(&msg, "%s:%u:%u: %s: %s", file, line, col, sev, text);
	else
		ret = asprintf(&msg, "%s: %s: %s", file, sev, text);
	if (ret < 0)
		return -ENOMEM;
	d->warning[d->n] = warning;
	d->msgs[d->n++] = msg;
	return 0;
}

static void vreport_at(struct parser *ps, bool warning, unsigned int line, unsigned int col,
		       const char *fmt, va_list ap)
{
	struct vb_diag *d = ps->diag;
	char text[MSG_MAX];
	size_t kept;

	if (!warning)
		ps->n_errors++;
	if (!d)
		return;
	/* A binary file is millions of errors: don't format those nobody will see. */
	if (d->n >= VB_DIAG_MAX) {
		d->n_total++;
		if (!warning)
			d->n_errors++;
		return;
	}
	vsnprintf(text, sizeof(text), fmt, ap);
	kept = d->n;
	if (diag_add(d, warning, ps->name, line, col, text)) {
		ps->oom = true;
		return;
	}
	if (d->n > kept) {
		ps->diag_pos[kept - ps->diag_first][0] = line;
		ps->diag_pos[kept - ps->diag_first][1] = col;
	}
}

void error_at(struct parser *ps, unsigned int line, unsigned int col, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vreport_at(ps, false, line, col, fmt, ap);
	va_end(ap);
}

void warning_at(struct parser *ps, unsigned int line, unsigned int col, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vreport_at(ps, true, line, col, fmt, ap);
	va_end(ap);
}

/*
 * Messages are produced in reading order except those only known at the end of a block or of
 * the file ("has no rules", "missing version"); users read them top to bottom, so sort.
 */
void sort_diags(struct parser *ps)
{
	struct vb_diag *d = ps->diag;
	size_t n, i, j;

	if (!d)
		return;
	n = d->n - ps->diag_first;
	for (i = 1; i < n; i++) {
		char *msg = d->msgs[ps->diag_first + i];
		bool warning = d->warning[ps->diag_first + i];
		unsigned int line = ps->diag_pos[i][0], col = ps->diag_pos[i][1];

		for (j = i; j > 0; j--) {
			unsigned int pl = ps->diag_pos[j - 1][0], pc = ps->diag_pos[j - 1][1];

			if (pl < line || (pl == line && pc <= col))
				break;
			d->msgs[ps->diag_first + j] = d->msgs[ps->diag_first + j - 1];
			d->warning[ps->diag_first + j] = d->warning[ps->diag_first + j - 1];
			ps->diag_pos[j][0] = pl;
			ps->diag_pos[j][1] = pc;
		}
		d->msgs[ps->diag_first + j] = msg;
		d->warning[ps->diag_first + j] = warning;
		ps->diag_pos[j][0] = line;
		ps->diag_pos[j][1] = col;
	}
}

/*
 * User text for a message: cut short, and every byte outside printable ASCII shown as \xNN. A
 * control byte could drive the terminal showing the message (some act on U+009B, a C1 CSI); a
 * byte order mark, a zero-width space or a bidi override would make the quoted word look like
 * another; a stray Latin-1 byte is not text at all. Messages are for finding the byte at fault.
 */
const char *show(struct parser *ps, int slot, const char *s, size_t len)
{
	const unsigned char *u = (const unsigned char *)s;
	char *out = ps->show[slot];
	size_t i, o = 0;

	for (i = 0; i < len && i < SHOW_MAX; i++) {
		if (u[i] < 0x20 || u[i] >= 0x7f)
			o += snprintf(out + o, SHOW_BUF - o, "\\x%02x", u[i]);
		else
			out[o++] = u[i];
	}
	if (i < len)
		memcpy(out + o, "...", 4);
	else
		out[o] = '\0';
	return out;
}

const char *show_tok(struct parser *ps, int slot, const struct token *t)
{
	return show(ps, slot, t->s, t->len);
}

void vb_diag_print(const struct vb_diag *d, const char *name, FILE *f)
{
	for (size_t i = 0; i < d->n; i++)
		fprintf(f, "%s\n", d->msgs[i]);
	if (d->n_total > d->n)
		fprintf(f, "%s: %zu more messages not shown\n", name, d->n_total - d->n);
}

void vb_diag_log(const struct vb_diag *d, const char *name)
{
	for (size_t i = 0; i < d->n; i++)
		vb_msg(d->warning[i] ? LOG_WARNING : LOG_ERR, "%s", d->msgs[i]);
	if (d->n_total > d->n)
		vb_err("%s: %zu more messages not shown", name, d->n_total - d->n);
}

void vb_diag_free(struct vb_diag *d)
{
	size_t i;

	if (!d)
		return;
	for (i = 0; i < d->n; i++)
		free(d->msgs[i]);
	memset(d, 0, sizeof(*d));
}
