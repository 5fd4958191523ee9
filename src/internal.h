/*
 * internal.h: helpers shared by the library's .c files, not part of the API.
 */
#ifndef STROOM_INTERNAL_H
#define STROOM_INTERNAL_H

#include <stroom/common.h>

/* Sets the thread's error detail (printf format) and returns code. */
int stroom_error_set(int code, const char *fmt, ...)
#if defined(__GNUC__)
	__attribute__((format(printf, 2, 3)))
#endif
	;

const stroom_allocator *stroom_alloc_or_default(const stroom_allocator *a);
/* Allocation wrappers: on failure they set STROOM_ENOMEM's detail and return NULL. */
void *stroom_malloc(const stroom_allocator *a, size_t size);
void *stroom_calloc(const stroom_allocator *a, size_t n, size_t size);
void *stroom_realloc(const stroom_allocator *a, void *ptr, size_t size);
void stroom_free(const stroom_allocator *a, void *ptr);
char *stroom_strdup(const stroom_allocator *a, const char *s);

#define STROOM_ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

#endif
