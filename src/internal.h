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

/*
 * Reads a whole file into a NUL-terminated buffer from the allocator (caller
 * frees). Returns 0, STROOM_ENOTFOUND (no such file), STROOM_EIO or STROOM_ENOMEM;
 * the detail is "<context>cannot read 'PATH': <reason>".
 */
int stroom_read_file(const stroom_allocator *a, const char *path, const char *context,
		     char **out, size_t *out_len);

/* A growing text buffer for snprintf-style output: writes what fits into buf
 * (size bytes, may be NULL/0) and counts in len what the whole text needs. */
typedef struct stroom_sbuf {
	char *buf;
	size_t size, len;
} stroom_sbuf;
void stroom_sbuf_printf(stroom_sbuf *b, const char *fmt, ...)
#if defined(__GNUC__)
	__attribute__((format(printf, 2, 3)))
#endif
	;

#define STROOM_ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

#endif
