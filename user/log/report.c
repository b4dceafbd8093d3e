// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include "log/logtime.h"
#include "log/report.h"

/* The chart's drawing area, in SVG user units (the page scales it to its width). */
#define CHART_W		960
#define CHART_H		300
#define CHART_LEFT	56
#define CHART_RIGHT	12
#define CHART_TOP	14
#define CHART_BOTTOM	44
#define CHART_LABELS	8	/* x-axis labels at most */

const char vb_report_style[] =
	"body{font:15px/1.45 system-ui,-apple-system,'Segoe UI',Roboto,sans-serif;margin:0;"
	"color:#1d2330;background:#f4f6fa}\n"
	"header{background:#1d2b4f;color:#fff;padding:22px 32px}\n"
	"header h1{margin:0;font-size:24px}\nheader p{margin:4px 0 0;opacity:.8}\n"
	"main{padding:20px 32px;max-width:1200px}\n"
	"section{background:#fff;border-radius:8px;box-shadow:0 1px 3px rgba(0,0,0,.12);"
	"padding:16px 20px;margin:0 0 18px}\n"
	"h2{font-size:17px;margin:0 0 10px}\n"
	".cards{display:flex;gap:14px;flex-wrap:wrap;background:none;box-shadow:none;padding:0}\n"
	".card{background:#fff;border-radius:8px;box-shadow:0 1px 3px rgba(0,0,0,.12);"
	"padding:12px 18px;flex:1 1 120px}\n"
	".card .num{font-size:28px;font-weight:650}\n.card .lbl{color:#5b6478}\n"
	".ok{color:#17663a;font-weight:600}\n.bad{color:#b3261e;font-weight:700}\n"
	".warn{color:#8a5a00}\n.none{color:#555}\n"
	"svg text{font:12px system-ui,sans-serif;fill:#5b6478}\n"
	".bar{fill:#3a63c8}\n.bar:hover{fill:#1d3f99}\n.gap-mark{fill:#d93025}\n"
	".grid{stroke:#e3e7ef}\n.axis{stroke:#8a93a6}\n"
	".tables{display:grid;grid-template-columns:repeat(auto-fit,minmax(520px,1fr));gap:18px;"
	"background:none;box-shadow:none;padding:0}\n"
	".tables section{margin:0}\n"
	"table{border-collapse:collapse;width:100%}\n"
	"th,td{text-align:left;padding:5px 8px;border-bottom:1px solid #e8ebf1;"
	"vertical-align:top}\n"
	"th{font-size:13px;color:#5b6478;font-weight:600}\n"
	"td.n{text-align:right;font-variant-numeric:tabular-nums}\n"
	"td.key{word-break:break-all;font-family:ui-monospace,Menlo,Consolas,monospace;"
	"font-size:13px}\n"
	".label{display:block;color:#5b6478;font-family:system-ui,sans-serif}\n"
	".share{background:#dbe4fa;height:8px;border-radius:4px;margin-top:6px}\n"
	".share div{background:#3a63c8;height:8px;border-radius:4px}\n"
	"footer{color:#5b6478;font-size:13px;padding:0 32px 28px}\n"
	"footer code{word-break:break-all}\n";

void vb_html_escape(FILE *out, const char *s)
{
	for (; s && *s; s++) {
		unsigned char c = *s;

		switch (c) {
		case '&':
			fputs("&amp;", out);
			break;
		case '<':
			fputs("&lt;", out);
			break;
		case '>':
			fputs("&gt;", out);
			break;
		case '"':
			fputs("&quot;", out);
			break;
		case '\'':
			fputs("&#39;", out);
			break;
		default:
			if (c < 0x20 || c == 0x7f)
				fprintf(out, "\\x%02x", c);
			else
				fputc(c, out);
		}
	}
}

static void card(FILE *out, const char *id, uint64_t n, const char *label)
{
	fprintf(out, "<div class=\"card\"><div class=\"num\" id=\"%s\">%" PRIu64
		"</div><div class=\"lbl\">%s</div></div>\n", id, n, label);
}

/* The y axis has four steps; a step is the smallest of 1, 2, 2.5, 5 times a power of ten (in
 * whole numbers) that lets four of them reach v. */
static uint64_t axis_top(uint64_t v)
{
	uint64_t want = (v + 3) / 4, p = 1;

	if (!want)
		return 4;
	for (;;) {
		if (p >= want)
			return 4 * p;
		if (2 * p >= want)
			return 8 * p;
		if (p >= 10 && 5 * p / 2 >= want)
			return 10 * p;
		if (5 * p >= want)
			return 20 * p;
		p *= 10;
	}
}

/* "2026-05-01" or "2026-05-01T13" as the start of that day or hour. */
static int bucket_time(const char *key, int64_t *us)
{
	char buf[32];

	if (strlen(key) == 13)
		snprintf(buf, sizeof(buf), "%s:00Z", key);
	else
		snprintf(buf, sizeof(buf), "%s", key);
	return vb_time_parse(buf, us);
}

struct buckets {
	int64_t start_us, width_us;
	size_t n;
	uint64_t *count, *gaps;
	bool hourly;
};

static int fill_buckets(struct buckets *b, const struct vb_tally *t, uint64_t *into)
{
	for (size_t i = 0; i < t->n; i++) {
		int64_t us;
		int64_t k;

		if (bucket_time(t->ents[i].key, &us))
			continue;
		k = (us - b->start_us) / b->width_us;
		if (k >= 0 && (size_t)k < b->n)
			into[k] += t->ents[i].count;
	}
	return 0;
}

static int make_buckets(struct buckets *b, struct vb_log_stats *s)
{
	const int64_t hour = 3600 * VB_US_PER_SEC, day = 24 * hour;
	int64_t first = s->first_us, last = s->last_us, days;

	memset(b, 0, sizeof(*b));
	if (!s->have_span)
		return 0;
	b->hourly = last - first <= 2 * day;
	if (b->hourly) {
		b->width_us = hour;
		b->start_us = first - ((first % hour) + hour) % hour;
	} else {
		b->start_us = first - ((first % day) + day) % day;
		days = (last - b->start_us) / day + 1;
		b->width_us = day * ((days + VB_REPORT_MAX_BARS - 1) / VB_REPORT_MAX_BARS);
	}
	b->n = (last - b->start_us) / b->width_us + 1;
	b->count = calloc(b->n, sizeof(*b->count));
	b->gaps = calloc(b->n, sizeof(*b->gaps));
	if (!b->count || !b->gaps)
		return -ENOMEM;
	fill_buckets(b, &s->by[b->hourly ? VB_BY_HOUR : VB_BY_DAY], b->count);
	fill_buckets(b, b->hourly ? &s->gaps_by_hour : &s->gaps_by_day, b->gaps);
	return 0;
}

static void bucket_label(const struct buckets *b, size_t i, char *buf, size_t len)
{
	char t[VB_TIME_LEN];

	vb_time_format(b->start_us + (int64_t)i * b->width_us, t, sizeof(t));
	if (b->hourly)
		snprintf(buf, len, "%.10s %.5s", t, t + 11);
	else
		snprintf(buf, len, "%.10s", t);
}

static void chart(FILE *out, struct buckets *b)
{
	const double pw = CHART_W - CHART_LEFT - CHART_RIGHT, ph = CHART_H - CHART_TOP - CHART_BOTTOM;
	uint64_t max = 0, top;
	double slot;
	char label[64];
	size_t step;

	fprintf(out, "<svg id=\"timeline-chart\" viewBox=\"0 0 %d %d\" width=\"100%%\" role=\"img\" "
		"aria-label=\"denials per %s\">\n", CHART_W,
		CHART_H, b->hourly ? "hour" : "day");
	if (!b->n) {
		fprintf(out, "<text x=\"%d\" y=\"%d\">No denials in this selection.</text>\n</svg>\n",
			CHART_LEFT, CHART_H / 2);
		return;
	}
	for (size_t i = 0; i < b->n; i++)
		if (b->count[i] > max)
			max = b->count[i];
	top = axis_top(max);
	for (int g = 0; g <= 4; g++) {
		double y = CHART_TOP + ph - ph * g / 4;

		fprintf(out, "<line class=\"%s\" x1=\"%d\" x2=\"%d\" y1=\"%.1f\" y2=\"%.1f\"/>"
			"<text x=\"%d\" y=\"%.1f\" text-anchor=\"end\">%" PRIu64 "</text>\n",
			g ? "grid" : "axis", CHART_LEFT, CHART_W - CHART_RIGHT, y, y, CHART_LEFT - 6,
			y + 4, top * g / 4);
	}
	slot = pw / b->n;
	for (size_t i = 0; i < b->n; i++) {
		double x = CHART_LEFT + slot * i + slot * 0.1, w = slot * 0.8, h;

		if (w < 1)
			w = 1;
		bucket_label(b, i, label, sizeof(label));
		if (b->count[i]) {
			h = ph * b->count[i] / top;
			if (h < 1)
				h = 1;
			fprintf(out, "<rect class=\"bar\" x=\"%.2f\" y=\"%.2f\" width=\"%.2f\" "
				"height=\"%.2f\" data-bucket=\"%s\" data-count=\"%" PRIu64 "\">"
				"<title>%s: %" PRIu64 " denial%s</title></rect>\n", x,
				CHART_TOP + ph - h, w, h, label, b->count[i], label, b->count[i],
				b->count[i] == 1 ? "" : "s");
		}
		if (b->gaps[i])
			fprintf(out, "<path class=\"gap-mark\" d=\"M%.2f %d l6 10 h-12 z\" "
				"data-bucket=\"%s\"><title>%s: %" PRIu64 " gap record%s (records "
				"lost)</title></path>\n", x + w / 2, CHART_TOP + (int)ph + 2, label,
				label, b->gaps[i], b->gaps[i] == 1 ? "" : "s");
	}
	step = (b->n + CHART_LABELS - 1) / CHART_LABELS;
	for (size_t i = 0; i < b->n; i += step) {
		bucket_label(b, i, label, sizeof(label));
		fprintf(out, "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">%s</text>\n",
			CHART_LEFT + slot * (i + 0.5), CHART_H - 14, label);
	}
	fputs("</svg>\n", out);
}

static void table(FILE *out, const char *id, const char *title, const char *what,
		  struct vb_tally *t, uint64_t total)
{
	vb_tally_sort_count(t);
	fprintf(out, "<section><h2>%s</h2>\n<table id=\"%s\">\n<thead><tr><th>#</th><th>%s</th>"
		"<th>denials</th><th>share</th></tr></thead>\n<tbody>\n", title, id, what);
	if (!t->n)
		fputs("<tr><td colspan=\"4\">none</td></tr>\n", out);
	for (size_t i = 0; i < t->n && i < VB_REPORT_TOP; i++) {
		const struct vb_tally_ent *e = &t->ents[i];
		double share = total ? 100.0 * e->count / total : 0;

		fprintf(out, "<tr data-key=\"");
		vb_html_escape(out, e->key);
		fprintf(out, "\"><td class=\"n\">%zu</td><td class=\"key\">", i + 1);
		vb_html_escape(out, e->key);
		if (e->label) {
			fputs("<span class=\"label\">", out);
			vb_html_escape(out, e->label);
			fputs("</span>", out);
		}
		fprintf(out, "</td><td class=\"n\">%" PRIu64 "</td><td class=\"n\">%.1f%%"
			"<div class=\"share\"><div style=\"width:%.1f%%\"></div></div></td></tr>\n",
			e->count, share, share);
	}
	if (t->n > VB_REPORT_TOP)
		fprintf(out, "<tr><td></td><td colspan=\"3\">and %zu more</td></tr>\n",
			t->n - VB_REPORT_TOP);
	fputs("</tbody>\n</table>\n</section>\n", out);
}

static void integrity(FILE *out, const struct vb_verify *v)
{
	fputs("<section id=\"integrity\"><h2>Log integrity</h2>\n", out);
	if (!v) {
		fputs("<p class=\"warn\">The hash chain was not checked.</p>\n", out);
	} else if (v->tampered) {
		fputs("<p class=\"bad\" id=\"chain-verdict\">TAMPERED: ", out);
		vb_html_escape(out, v->problem);
		fputs(" (", out);
		vb_html_escape(out, v->file);
		fprintf(out, ":%lu)</p>\n", v->line);
	} else if (!v->records) {
		/* Nothing was checked: not a green verdict. */
		fputs("<p class=\"none\" id=\"chain-verdict\">The log holds no records: there is "
		      "no chain to check.</p>\n", out);
	} else {
		fprintf(out, "<p class=\"ok\" id=\"chain-verdict\">Chain intact: %" PRIu64
			" records, seq %" PRIu64 "..%" PRIu64 ", in %zu file%s%s.</p>\n",
			v->records, v->first_seq, v->last_seq, v->files, v->files == 1 ? "" : "s",
			v->head_matched ? "; the chain head matches" : "");
		if (!v->from_genesis && v->records)
			fprintf(out, "<p class=\"warn\">The files begin at record %" PRIu64
				": earlier records were rotated away or are in files not read.</p>\n",
				v->first_seq);
		if (!v->head_used)
			fputs("<p class=\"warn\">No chain head was given: records cut from the end "
			      "would not show.</p>\n", out);
	}
	if (v && (v->gaps || v->damaged_lines))
		fprintf(out, "<p class=\"warn\">%" PRIu64 " gap record%s declare%s %" PRIu64
			" lost record%s; %" PRIu64 " damaged line%s declared.</p>\n", v->gaps,
			v->gaps == 1 ? "" : "s", v->gaps == 1 ? "s" : "", v->lost,
			v->lost == 1 ? "" : "s", v->damaged_lines, v->damaged_lines == 1 ? "" : "s");
	fputs("</section>\n", out);
}

int vb_report_html(FILE *out, struct vb_report *r)
{
	struct vb_log_stats *s = r->stats;
	uint64_t total = s->denials + s->would_deny;
	char t0[VB_TIME_LEN], t1[VB_TIME_LEN], gen[VB_TIME_LEN];
	struct buckets b;
	int err;

	err = make_buckets(&b, s);
	if (err)
		goto out;
	vb_time_format(r->generated_us, gen, sizeof(gen));
	fputs("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
	      "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
	      "style-src 'unsafe-inline'\">\n"
	      "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
	      "<meta name=\"generator\" content=\"vendorban log report\">\n<title>", out);
	vb_html_escape(out, r->title ? r->title : "Denial report");
	fprintf(out, "</title>\n<style>\n%s</style>\n</head>\n<body>\n<header><h1>",
		vb_report_style);
	vb_html_escape(out, r->title ? r->title : "Denial report");
	fputs("</h1><p>vendorban denial log", out);
	if (s->have_span) {
		vb_time_format(s->first_us, t0, sizeof(t0));
		vb_time_format(s->last_us, t1, sizeof(t1));
		fprintf(out, ", %s to %s (UTC)", t0, t1);
	}
	fprintf(out, "; generated %s</p></header>\n<main>\n<section class=\"cards\">\n", gen);
	card(out, "n-deny", s->denials, "denied");
	card(out, "n-would-deny", s->would_deny, "would deny (audit mode)");
	card(out, "n-hosts", s->by[VB_BY_HOST].n, "hosts");
	card(out, "n-vendors", s->by[VB_BY_VENDOR].n, "vendors");
	card(out, "n-gaps", s->gaps, "gap records");
	card(out, "n-lost", s->lost, "records declared lost");
	fputs("</section>\n", out);
	integrity(out, r->verify);
	fprintf(out, "<section id=\"timeline\"><h2>Denials per %s%s</h2>\n",
		b.hourly ? "hour" : b.width_us > 86400 * VB_US_PER_SEC ? "period" : "day",
		b.n ? " (UTC)" : "");
	chart(out, &b);
	if (b.width_us > 86400 * VB_US_PER_SEC)
		fprintf(out, "<p>Each bar is %" PRId64 " days.</p>\n",
			(int64_t)(b.width_us / (86400 * VB_US_PER_SEC)));
	fputs("</section>\n<div class=\"tables\">\n", out);
	table(out, "top-vendors", "Top vendors", "vendor", &s->by[VB_BY_VENDOR], total);
	table(out, "top-rules", "Top rules", "rule", &s->by[VB_BY_RULE], total);
	table(out, "top-paths", "Top paths", "path", &s->by[VB_BY_PATH], total);
	table(out, "top-hosts", "Top hosts", "host", &s->by[VB_BY_HOST], total);
	table(out, "top-users", "Top users", "uid", &s->by[VB_BY_USER], total);
	fputs("</div>\n</main>\n<footer><p>Records: ", out);
	vb_html_escape(out, r->selection && *r->selection ? r->selection : "all");
	fputs(".</p><p>Files read:", out);
	for (size_t i = 0; i < r->n_files; i++) {
		fputs(i ? ", <code>" : " <code>", out);
		vb_html_escape(out, r->files[i]);
		fputs("</code>", out);
	}
	fputs(".</p></footer>\n</body>\n</html>\n", out);
out:
	free(b.count);
	free(b.gaps);
	if (!err && (fflush(out) || ferror(out)))
		err = -EIO;
	return err;
}
