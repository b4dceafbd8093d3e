/* SPDX-License-Identifier: GPL-2.0 */
/* A batch of independent jobs on a few threads: the scan hashes files on every core. */
#ifndef VB_SCAN_POOL_H
#define VB_SCAN_POOL_H

#include <stddef.h>

#define VB_POOL_MAX_THREADS	64	/* --jobs above this is refused */

/* Job i of a batch, run by worker w (0 .. threads-1; the caller's own thread is worker 0). */
typedef void (*vb_pool_fn)(void *arg, size_t i, unsigned int w);

/*
 * Run fn(arg, i, w) for every i in [0, n), on threads workers (the caller's thread and
 * threads - 1 more), each job once, in no set order; returns when all are done. A worker that
 * cannot be started leaves its share to the others. 1 thread: in order, on the caller's thread.
 */
void vb_pool_run(size_t n, unsigned int threads, vb_pool_fn fn, void *arg);

/* Online CPUs, at least 1 and at most VB_POOL_MAX_THREADS: the default number of workers. */
unsigned int vb_pool_default_threads(void);

#endif
