// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <fnmatch.h>
#include <stdlib.h>
#include <string.h>
#include "log/chain.h"
#include "log/logtime.h"
#include "log/query.h"
#include "log/reader.h"
#include "util/msg.h"

void vb_log_filter_init(struct vb_log_filter *f)
{
	memset(f, 0, sizeof(*f));
	f->since_us = INT64_MIN;
	f->until_us = INT64_MAX;
	f->uid = -1;
}

int vb_log_time_arg(const char *s, int64_t now_us, int64_t *us)
{
	int64_t day = now_us / (86400 * VB_US_PER_SEC) * (86400 * VB_US_PER_SEC);
	uint64_t secs;
	char *end;

	if (!strcmp(s, "now")) {
		*us = now_us;
	} else if (!strcmp(s, "today")) {
		*us = day;
	} else if (!strcmp(s, "yesterday")) {
		*us = day - 86400 * VB_US_PER_SEC;
	} else if (s[0] == '@') {
		long long v;

		errno = 0;
		v = strtoll(s + 1, &end, 10);
		if (errno || end == s + 1 || *end)
			return -EINVAL;
		*us = v * VB_US_PER_SEC;
	} else if (strlen(s) < 10 || s[4] != '-') {
		/* An age: "2h" is two hours ago; "-2h" reads the same. */
		if (vb_duration_parse(s[0] == '-' ? s + 1 : s, &secs) ||
		    secs > (uint64_t)(now_us / VB_US_PER_SEC))
			return -EINVAL;
		*us = now_us - (int64_t)secs * VB_US_PER_SEC;
	} else {
		return vb_time_parse(s, us);
	}
	return 0;
}

static bool str_match(const char *pattern, const char *value)
{
	if (!pattern)
		return true;
	return value && !fnmatch(pattern, value, 0);
}

bool vb_log_filter_match(const struct vb_log_filter *f, struct json_object *rec)
{
	const char *t = vb_rec_str(rec, "time");
	int64_t us;

	if (f->since_us != INT64_MIN || f->until_us != INT64_MAX) {
		if (!t || vb_time_parse(t, &us) || us < f->since_us || us >= f->until_us)
			return false;
	}
	if (f->uid >= 0 && vb_rec_int(rec, "uid", -1) != f->uid)
		return false;
	return str_match(f->vendor, vb_rec_str(rec, "vendor")) &&
	       str_match(f->rule, vb_rec_str(rec, "rule")) &&
	       str_match(f->op, vb_rec_str(rec, "operation")) &&
	       str_match(f->host, vb_rec_str(rec, "host")) &&
	       str_match(f->path, vb_rec_str(rec, "path")) &&
	       str_match(f->action, vb_rec_str(rec, "action"));
}

bool vb_log_is_denial(struct json_object *rec)
{
	const char *a = vb_rec_str(rec, "action");

	return a && (!strcmp(a, "deny") || !strcmp(a, "would-deny"));
}

/* Counting */

static uint64_t hash_str(const char *s)
{
	uint64_t h = 1469598103934665603ull;

	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211ull;
	return h;
}

static int tally_reindex(struct vb_tally *t, size_t cap)
{
	size_t *idx = calloc(cap, sizeof(*idx));

	if (!idx)
		return -ENOMEM;
	for (size_t i = 0; i < t->n; i++) {
		size_t j = hash_str(t->ents[i].key) & (cap - 1);

		while (idx[j])
			j = (j + 1) & (cap - 1);
		idx[j] = i + 1;
	}
	free(t->index);
	t->index = idx;
	t->index_cap = cap;
	return 0;
}

int vb_tally_add(struct vb_tally *t, const char *key, const char *label, uint64_t n)
{
	struct vb_tally_ent *e;
	size_t j;

	if (!t->index_cap || 2 * (t->n + 1) > t->index_cap) {
		if (tally_reindex(t, t->index_cap ? 2 * t->index_cap : 64))
			return -ENOMEM;
	}
	for (j = hash_str(key) & (t->index_cap - 1); t->index[j]; j = (j + 1) & (t->index_cap - 1)) {
		e = &t->ents[t->index[j] - 1];
		if (!strcmp(e->key, key)) {
			e->count += n;
			if (!e->label && label)
				e->label = strdup(label);
			return 0;
		}
	}
	if (t->n == t->cap) {
		size_t cap = t->cap ? 2 * t->cap : 32;
		struct vb_tally_ent *ne = realloc(t->ents, cap * sizeof(*ne));

		if (!ne)
			return -ENOMEM;
		t->ents = ne;
		t->cap = cap;
	}
	e = &t->ents[t->n];
	e->key = strdup(key);
	e->label = label ? strdup(label) : NULL;
	e->count = n;
	if (!e->key) {
		free(e->label);
		return -ENOMEM;
	}
	t->index[j] = ++t->n;
	return 0;
}

static int by_count(const void *a, const void *b)
{
	const struct vb_tally_ent *x = a, *y = b;

	if (x->count != y->count)
		return x->count > y->count ? -1 : 1;
	return strcmp(x->key, y->key);
}

static int by_key(const void *a, const void *b)
{
	return strcmp(((const struct vb_tally_ent *)a)->key, ((const struct vb_tally_ent *)b)->key);
}

void vb_tally_sort_count(struct vb_tally *t)
{
	if (t->n)
		qsort(t->ents, t->n, sizeof(*t->ents), by_count);
	tally_reindex(t, t->index_cap ? t->index_cap : 64);
}

void vb_tally_sort_key(struct vb_tally *t)
{
	if (t->n)
		qsort(t->ents, t->n, sizeof(*t->ents), by_key);
	tally_reindex(t, t->index_cap ? t->index_cap : 64);
}

void vb_tally_free(struct vb_tally *t)
{
	for (size_t i = 0; i < t->n; i++) {
		free(t->ents[i].key);
		free(t->ents[i].label);
	}
	free(t->ents);
	free(t->index);
	memset(t, 0, sizeof(*t));
}

static const char *const by_names[VB_BY__N] = {
	[VB_BY_VENDOR] = "vendor", [VB_BY_RULE] = "rule", [VB_BY_DAY] = "day",
	[VB_BY_HOST] = "host", [VB_BY_OP] = "op", [VB_BY_PATH] = "path", [VB_BY_USER] = "user",
	[VB_BY_HOUR] = "hour",
};

const char *vb_log_by_name(enum vb_log_by by)
{
	return by < VB_BY__N ? by_names[by] : "?";
}

int vb_log_by_parse(const char *s)
{
	for (int i = 0; i < VB_BY__N; i++)
		if (!strcmp(s, by_names[i]))
			return i;
	return -EINVAL;
}

static const char *or_unknown(const char *s)
{
	return s && *s ? s : "(unknown)";
}

void vb_log_stats_add(struct vb_log_stats *s, struct json_object *rec)
{
	const char *t = vb_rec_str(rec, "time"), *a = vb_rec_str(rec, "action");
	char day[11] = "(no time)", hour[14] = "(no time)", uid[32];
	uint64_t w = 1;
	int64_t us;

	s->records++;
	if (t && strlen(t) >= 13) {
		snprintf(day, sizeof(day), "%.10s", t);
		snprintf(hour, sizeof(hour), "%.13s", t);
	}
	if (a && !strcmp(a, "gap")) {
		s->gaps++;
		if (vb_rec_int(rec, "lost", 0) > 0)
			s->lost += vb_rec_int(rec, "lost", 0);
		vb_tally_add(&s->gaps_by_day, day, NULL, 1);
		vb_tally_add(&s->gaps_by_hour, hour, NULL, 1);
		return;
	}
	/* A repeat record stands for count attempts like the full record before it. */
	if (a && !strcmp(a, "repeat")) {
		w = vb_rec_int(rec, "count", 0) > 0 ? (uint64_t)vb_rec_int(rec, "count", 0) : 0;
		a = vb_rec_str(rec, "of");
		if (!a || (strcmp(a, "deny") && strcmp(a, "would-deny")))
			return;
	} else if (!vb_log_is_denial(rec)) {
		return;
	}
	if (!strcmp(a, "deny"))
		s->denials += w;
	else
		s->would_deny += w;
	if (t && !vb_time_parse(t, &us)) {
		if (!s->have_span || us < s->first_us)
			s->first_us = us;
		if (!s->have_span || us > s->last_us)
			s->last_us = us;
		s->have_span = true;
	}
	if (vb_rec_int(rec, "uid", -1) >= 0)
		snprintf(uid, sizeof(uid), "%lld", (long long)vb_rec_int(rec, "uid", -1));
	else
		snprintf(uid, sizeof(uid), "(unknown)");
	vb_tally_add(&s->by[VB_BY_VENDOR], or_unknown(vb_rec_str(rec, "vendor")),
		     vb_rec_str(rec, "vendor_name"), w);
	vb_tally_add(&s->by[VB_BY_RULE], or_unknown(vb_rec_str(rec, "rule")),
		     vb_rec_str(rec, "rule_source"), w);
	vb_tally_add(&s->by[VB_BY_DAY], day, NULL, w);
	vb_tally_add(&s->by[VB_BY_HOUR], hour, NULL, w);
	vb_tally_add(&s->by[VB_BY_HOST], or_unknown(vb_rec_str(rec, "host")), NULL, w);
	vb_tally_add(&s->by[VB_BY_OP], or_unknown(vb_rec_str(rec, "operation")), NULL, w);
	vb_tally_add(&s->by[VB_BY_PATH], or_unknown(vb_rec_str(rec, "path")), NULL, w);
	vb_tally_add(&s->by[VB_BY_USER], uid, vb_rec_str(rec, "user"), w);
}

void vb_log_stats_free(struct vb_log_stats *s)
{
	for (int i = 0; i < VB_BY__N; i++)
		vb_tally_free(&s->by[i]);
	vb_tally_free(&s->gaps_by_day);
	vb_tally_free(&s->gaps_by_hour);
	memset(s, 0, sizeof(*s));
}

int vb_log_scan(char *const *files, size_t n, const struct vb_log_filter *f,
		vb_log_record_fn fn, void *arg, uint64_t *bad)
{
	int err = 0;

	struct json_tokener *tok = json_tokener_new();

	*bad = 0;
	if (!tok)
		return -ENOMEM;
	for (size_t i = 0; i < n && !err; i++) {
		struct vb_log_reader r;
		const char *line;
		unsigned int flags;
		size_t len;
		int rc = 0;

		err = vb_log_reader_open(&r, files[i], -1);
		if (err) {
			vb_err("%s: %s", files[i], strerror(-err));
			break;
		}
		while (!err && (rc = vb_log_reader_next(&r, &line, &len, &flags)) > 0) {
			struct json_object *o;

			json_tokener_reset(tok);
			o = json_tokener_parse_ex(tok, line, len);
			if (!o || flags || json_tokener_get_parse_end(tok) != len ||
			    !json_object_is_type(o, json_type_object)) {
				fprintf(stderr, "vendorban: warning: %s:%lu: not a record, skipped%s\n",
					files[i], r.line, flags & VB_LINE_NO_NEWLINE ?
					" (incomplete last line)" : "");
				(*bad)++;
			} else if (vb_log_filter_match(f, o)) {
				err = fn(o, line, len, arg);
			}
			json_object_put(o);
		}
		if (!err && rc < 0) {
			vb_err("%s: %s", files[i],
			       rc == -EIO ? vb_log_reader_error(&r) : strerror(-rc));
			err = rc;
		}
		vb_log_reader_close(&r);
	}
	json_tokener_free(tok);
	return err;
}

/* Output */

const char *const vb_log_csv_columns[] = {
	"seq", "time", "host", "action", "mode", "operation", "vendor", "vendor_name", "rule",
	"rule_source", "policy_version", "path", "dev", "ino", "sha256", "match", "cached", "uid",
	"user", "pid", "ppid", "comm", "parent_comm", "parent_exe", "errno", "lost", "reason",
	"count", "first", "last",
	NULL,
};

void vb_log_csv_header(FILE *out)
{
	for (int i = 0; vb_log_csv_columns[i]; i++)
		fprintf(out, "%s%s", i ? "," : "", vb_log_csv_columns[i]);
	fputs("\r\n", out);
}

void vb_csv_field(FILE *out, const char *s, bool text)
{
	bool quote = strpbrk(s, ",\"\r\n") != NULL;
	bool defuse = text && strchr("=+-@\t", s[0]) && s[0];

	if (!quote && !defuse) {
		fputs(s, out);
		return;
	}
	if (quote)
		fputc('"', out);
	if (defuse)
		fputc('\'', out);
	for (; *s; s++) {
		if (*s == '"')
			fputc('"', out);
		fputc(*s, out);
	}
	if (quote)
		fputc('"', out);
}

void vb_log_csv_row(FILE *out, struct json_object *rec)
{
	for (int i = 0; vb_log_csv_columns[i]; i++) {
		struct json_object *v;

		if (i)
			fputc(',', out);
		if (!json_object_object_get_ex(rec, vb_log_csv_columns[i], &v) || !v)
			continue;
		if (json_object_is_type(v, json_type_string))
			vb_csv_field(out, json_object_get_string(v), true);
		else
			vb_csv_field(out, json_object_to_json_string_ext(v, JSON_C_TO_STRING_PLAIN),
				  false);
	}
	fputs("\r\n", out);
}

void vb_log_text_value(FILE *out, const char *s)
{
	if (!s) {
		fputc('-', out);
		return;
	}
	for (; *s; s++) {
		unsigned char c = *s;

		if (c < 0x20 || c == 0x7f || c == '\\')
			fprintf(out, c == '\\' ? "\\\\" : "\\x%02x", c);
		else
			fputc(c, out);
	}
}

/* A record of the daemon's own (start, reload, stop, disable, tamper): what it says, as
 * key=value, nested objects (a policy) by their version. */
static void text_daemon_record(FILE *out, struct json_object *rec)
{
	static const char *const skip[] = { "seq", "prev", "time", "host", "action", "messages" };

	json_object_object_foreach(rec, k, v) {
		struct json_object *ver;
		size_t i;

		for (i = 0; i < sizeof(skip) / sizeof(skip[0]) && strcmp(k, skip[i]); i++)
			;
		if (i < sizeof(skip) / sizeof(skip[0]) || !v)
			continue;
		if (json_object_is_type(v, json_type_object)) {
			if (!json_object_object_get_ex(v, "version", &ver))
				continue;
			v = ver;
		}
		fprintf(out, " %s=", k);
		vb_log_text_value(out, json_object_get_string(v));
	}
}

static bool is_daemon_record(const char *a)
{
	static const char *const acts[] = { "start", "reload", "stop", "disable", "tamper" };

	for (size_t i = 0; a && i < sizeof(acts) / sizeof(acts[0]); i++)
		if (!strcmp(a, acts[i]))
			return true;
	return false;
}

void vb_log_text_row(FILE *out, struct json_object *rec)
{
	const char *a = vb_rec_str(rec, "action");

	vb_log_text_value(out, vb_rec_str(rec, "time"));
	fputc(' ', out);
	vb_log_text_value(out, vb_rec_str(rec, "host"));
	fputc(' ', out);
	vb_log_text_value(out, a);
	if (a && !strcmp(a, "gap")) {
		fprintf(out, " lost=%lld ", (long long)vb_rec_int(rec, "lost", 0));
		vb_log_text_value(out, vb_rec_str(rec, "reason"));
	} else if (a && !strcmp(a, "open")) {
		fputc(' ', out);
		vb_log_text_value(out, vb_rec_str(rec, "reason"));
		fputc(' ', out);
		vb_log_text_value(out, vb_rec_str(rec, "file"));
	} else if (is_daemon_record(a)) {
		text_daemon_record(out, rec);
	} else {
		fputc(' ', out);
		vb_log_text_value(out, vb_rec_str(rec, "operation"));
		fputc(' ', out);
		vb_log_text_value(out, vb_rec_str(rec, "vendor"));
		fputc('/', out);
		vb_log_text_value(out, vb_rec_str(rec, "rule"));
		fputc(' ', out);
		vb_log_text_value(out, vb_rec_str(rec, "path"));
		fprintf(out, " uid=%lld", (long long)vb_rec_int(rec, "uid", -1));
		if (vb_rec_str(rec, "user")) {
			fputc('(', out);
			vb_log_text_value(out, vb_rec_str(rec, "user"));
			fputc(')', out);
		}
		if (a && !strcmp(a, "repeat")) {
			fprintf(out, " count=%lld first=", (long long)vb_rec_int(rec, "count", 0));
			vb_log_text_value(out, vb_rec_str(rec, "first"));
		} else {
			fprintf(out, " pid=%lld comm=", (long long)vb_rec_int(rec, "pid", -1));
			vb_log_text_value(out, vb_rec_str(rec, "comm"));
		}
	}
	fputc('\n', out);
}
