// SPDX-License-Identifier: GPL-2.0
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "log/logtime.h"

int64_t vb_time_now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * VB_US_PER_SEC + ts.tv_nsec / 1000;
}

void vb_time_format(int64_t us, char *buf, size_t len)
{
	time_t sec = us / VB_US_PER_SEC;
	long frac = us % VB_US_PER_SEC;
	struct tm tm;

	if (frac < 0) {
		frac += VB_US_PER_SEC;
		sec--;
	}
	gmtime_r(&sec, &tm);
	snprintf(buf, len, "%04d-%02d-%02dT%02d:%02d:%02d.%06ldZ", tm.tm_year + 1900,
		 tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, frac);
}

/* n digits exactly; -1 if they are not there. */
static int digits(const char **p, int n)
{
	int v = 0;

	for (int i = 0; i < n; i++, (*p)++) {
		if (!isdigit((unsigned char)**p))
			return -1;
		v = v * 10 + (**p - '0');
	}
	return v;
}

int vb_time_parse(const char *s, int64_t *us)
{
	struct tm tm = {};
	const char *p = s;
	int64_t frac = 0, zone = 0;
	int y, mo, d, h = 0, mi = 0, sec = 0;
	time_t t;

	y = digits(&p, 4);
	if (y < 0 || *p++ != '-' || (mo = digits(&p, 2)) < 1 || mo > 12 || *p++ != '-' ||
	    (d = digits(&p, 2)) < 1 || d > 31)
		return -EINVAL;
	if (*p == 'T' || *p == 't' || *p == ' ') {
		p++;
		if ((h = digits(&p, 2)) < 0 || h > 23 || *p++ != ':' ||
		    (mi = digits(&p, 2)) < 0 || mi > 59)
			return -EINVAL;
		if (*p == ':') {
			p++;
			if ((sec = digits(&p, 2)) < 0 || sec > 60)
				return -EINVAL;
			if (*p == '.') {
				int64_t scale = VB_US_PER_SEC;

				p++;
				if (!isdigit((unsigned char)*p))
					return -EINVAL;
				/* Digits past microseconds are read and dropped. */
				for (; isdigit((unsigned char)*p); p++) {
					scale /= 10;
					frac += (*p - '0') * scale;
				}
			}
		}
		if (*p == 'Z' || *p == 'z') {
			p++;
		} else if (*p == '+' || *p == '-') {
			int sign = *p++ == '-' ? -1 : 1, zh, zm;

			if ((zh = digits(&p, 2)) < 0 || zh > 23 || *p++ != ':' ||
			    (zm = digits(&p, 2)) < 0 || zm > 59)
				return -EINVAL;
			zone = sign * (zh * 3600 + zm * 60);
		}
	}
	if (*p)
		return -EINVAL;
	tm.tm_year = y - 1900;
	tm.tm_mon = mo - 1;
	tm.tm_mday = d;
	tm.tm_hour = h;
	tm.tm_min = mi;
	tm.tm_sec = sec;
	t = timegm(&tm);
	/* timegm normalises 31 February into March: a date that moved was not a date. */
	if (tm.tm_mday != d || tm.tm_mon != mo - 1)
		return -EINVAL;
	*us = ((int64_t)t - zone) * VB_US_PER_SEC + frac;
	return 0;
}

static int scaled(const char *s, const char *units, const uint64_t *mult, uint64_t *out)
{
	const char *u;
	uint64_t v, m = mult[0];
	char *end;

	if (!isdigit((unsigned char)*s))
		return -EINVAL;
	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno)
		return -EINVAL;
	if (*end) {
		u = strchr(units, *end);
		if (!u || end[1])
			return -EINVAL;
		m = mult[u - units];
	}
	if (v > UINT64_MAX / m)
		return -EINVAL;
	*out = v * m;
	return 0;
}

int vb_duration_parse(const char *s, uint64_t *secs)
{
	static const uint64_t mult[] = { 1, 60, 3600, 86400, 604800 };

	return scaled(s, "smhdw", mult, secs);
}

int vb_size_parse(const char *s, uint64_t *bytes)
{
	static const uint64_t mult[] = { 1, 1ull << 10, 1ull << 20, 1ull << 30, 1ull << 40 };

	return scaled(s, "BKMGT", mult, bytes);
}
