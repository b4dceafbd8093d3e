/* SPDX-License-Identifier: GPL-2.0 */
#ifndef VB_UTIL_CLOCK_H
#define VB_UTIL_CLOCK_H
#include <time.h>
#include <linux/types.h>

/* Milliseconds of CLOCK_MONOTONIC: for intervals, never for record times. */
static inline __u64 vb_monotonic_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (__u64)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

#endif /* VB_UTIL_CLOCK_H */
