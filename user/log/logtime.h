/* SPDX-License-Identifier: GPL-2.0 */
/* Times, sizes and ages as the denial log and its commands read and write them. */
#ifndef VB_LOG_LOGTIME_H
#define VB_LOG_LOGTIME_H

#include <stddef.h>
#include <stdint.h>

#define VB_TIME_LEN	28	/* "2026-11-23T10:56:00.123456Z" and its NUL */
#define VB_US_PER_SEC	1000000LL

int64_t vb_time_now_us(void);
/* RFC 3339 UTC with microseconds, as every record's "time" is written. */
void vb_time_format(int64_t us, char *buf, size_t len);
/* "YYYY-MM-DD", "YYYY-MM-DDTHH:MM[:SS[.frac]]" with "Z" or "+hh:mm"/"-hh:mm" (no zone: UTC;
 * ' ' may stand for 'T'). 0 or -EINVAL. */
int vb_time_parse(const char *s, int64_t *us);
/* "90", "90s", "15m", "12h", "7d", "2w" as seconds. 0 or -EINVAL (also on overflow). */
int vb_duration_parse(const char *s, uint64_t *secs);
/* "4096", "512K", "64M", "1G" (powers of 1024) as bytes. 0 or -EINVAL. */
int vb_size_parse(const char *s, uint64_t *bytes);

#endif
