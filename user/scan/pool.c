// SPDX-License-Identifier: GPL-2.0
/* Threads for one batch at a time: started per batch, so nothing outlives a scan, and a batch
 * (thousands of files) costs far more than starting a thread. */
#include <pthread.h>
#include <stdbool.h>
#include <unistd.h>
#include "scan/pool.h"

struct pool {
	size_t n, next;				/* next: the next job to take (atomic) */
	vb_pool_fn fn;
	void *arg;
};

struct pool_worker {
	struct pool *pool;
	unsigned int w;
};

static void *pool_work(void *p)
{
	struct pool_worker *pw = p;
	struct pool *pool = pw->pool;
	size_t i;

	while ((i = __atomic_fetch_add(&pool->next, 1, __ATOMIC_RELAXED)) < pool->n)
		pool->fn(pool->arg, i, pw->w);
	return NULL;
}

void vb_pool_run(size_t n, unsigned int threads, vb_pool_fn fn, void *arg)
{
	struct pool pool = { .n = n, .fn = fn, .arg = arg };
	struct pool_worker workers[VB_POOL_MAX_THREADS];
	pthread_t tids[VB_POOL_MAX_THREADS];
	bool started[VB_POOL_MAX_THREADS] = {};

	if (threads > VB_POOL_MAX_THREADS)
		threads = VB_POOL_MAX_THREADS;
	if (threads > n)
		threads = n ? n : 1;
	for (unsigned int w = 0; w < threads; w++)
		workers[w] = (struct pool_worker){ .pool = &pool, .w = w };
	for (unsigned int w = 1; w < threads; w++)
		started[w] = !pthread_create(&tids[w], NULL, pool_work, &workers[w]);
	pool_work(&workers[0]);
	for (unsigned int w = 1; w < threads; w++)
		if (started[w])
			pthread_join(tids[w], NULL);
}

unsigned int vb_pool_default_threads(void)
{
	long n = sysconf(_SC_NPROCESSORS_ONLN);

	return n < 1 ? 1 : n > VB_POOL_MAX_THREADS ? VB_POOL_MAX_THREADS : (unsigned int)n;
}
