/*
 * failing_alloc.h: an allocator for tests that fails allocation number fail_at
 * (1-based; 0 = never) and counts live blocks, so a test can walk fail_at = 1,
 * 2, ... until the call succeeds and check STROOM_ENOMEM and no leak each time.
 */
#ifndef STROOM_TEST_FAILING_ALLOC_H
#define STROOM_TEST_FAILING_ALLOC_H

#include <stdlib.h>

typedef struct failing {
	long fail_at; /* the allocation that fails, 1-based */
	long count;   /* allocations asked for so far */
	long live;    /* blocks allocated and not freed */
} failing;

static void *f_malloc(size_t n, void *payload)
{
	failing *f = payload;
	void *p;
	if (++f->count == f->fail_at)
		return NULL;
	p = malloc(n);
	if (p)
		f->live++;
	return p;
}

static void *f_realloc(void *old, size_t n, void *payload)
{
	failing *f = payload;
	void *p;
	if (++f->count == f->fail_at)
		return NULL;
	p = realloc(old, n);
	if (p && !old)
		f->live++;
	return p;
}

static void f_free(void *p, void *payload)
{
	failing *f = payload;
	if (p)
		f->live--;
	free(p);
}

#endif
