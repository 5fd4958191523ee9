/*
 * common.c: the thread-local error detail, the default allocator, months and the
 * version. The error detail is the only per-thread state in the library; there is
 * no process-global mutable state.
 */
#include "internal.h"
#include "utf8.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static _Thread_local char error_detail[1024];

const char *stroom_error_last(void) { return error_detail; }

void stroom_error_clear(void) { error_detail[0] = '\0'; }

int stroom_error_set(int code, const char *fmt, ...)
{
	char raw[sizeof error_detail];
	va_list ap;
	int n;
	va_start(ap, fmt);
	n = vsnprintf(raw, sizeof raw, fmt, ap); /* raw may quote error_detail itself */
	va_end(ap);
	if (n < 0)
		raw[0] = '\0';
	stroom_utf8_escape(error_detail, sizeof error_detail, raw,
			   n >= 0 && (size_t)n >= sizeof raw);
	return code;
}

const char *stroom_version(void) { return STROOM_VERSION_STRING; }

static void *default_malloc(size_t size, void *payload)
{
	(void)payload;
	return malloc(size);
}
static void *default_realloc(void *ptr, size_t size, void *payload)
{
	(void)payload;
	return realloc(ptr, size);
}
static void default_free(void *ptr, void *payload)
{
	(void)payload;
	free(ptr);
}

static const stroom_allocator default_allocator = {default_malloc, default_realloc,
						   default_free, NULL};

const stroom_allocator *stroom_alloc_or_default(const stroom_allocator *a)
{
	return a ? a : &default_allocator;
}

void *stroom_malloc(const stroom_allocator *a, size_t size)
{
	void *p;
	a = stroom_alloc_or_default(a);
	p = a->malloc_fn(size ? size : 1, a->payload);
	if (!p)
		stroom_error_set(STROOM_ENOMEM, "out of memory (%zu bytes)", size);
	return p;
}

void *stroom_calloc(const stroom_allocator *a, size_t n, size_t size)
{
	void *p;
	if (size && n > SIZE_MAX / size) {
		stroom_error_set(STROOM_ENOMEM, "allocation size overflow");
		return NULL;
	}
	p = stroom_malloc(a, n * size);
	if (p)
		memset(p, 0, n * size);
	return p;
}

void *stroom_realloc(const stroom_allocator *a, void *ptr, size_t size)
{
	void *p;
	a = stroom_alloc_or_default(a);
	p = a->realloc_fn(ptr, size ? size : 1, a->payload);
	if (!p)
		stroom_error_set(STROOM_ENOMEM, "out of memory (%zu bytes)", size);
	return p;
}

void stroom_free(const stroom_allocator *a, void *ptr)
{
	if (!ptr)
		return;
	a = stroom_alloc_or_default(a);
	a->free_fn(ptr, a->payload);
}

char *stroom_strdup(const stroom_allocator *a, const char *s)
{
	size_t n = strlen(s) + 1;
	char *p = stroom_malloc(a, n);
	if (p)
		memcpy(p, s, n);
	return p;
}

int stroom_month_parse(stroom_month *out, const char *text)
{
	int y, m, d, n = 0;
	if (sscanf(text, "%4d-%2d%n", &y, &m, &n) == 2 && text[n] == '\0') {
		/* YYYY-MM */
	} else if (sscanf(text, "%4d-%2d-%2d%n", &y, &m, &d, &n) == 3 && text[n] == '\0') {
		if (d != 1)
			return STROOM_EPARSE;
	} else {
		return STROOM_EPARSE;
	}
	if (y < 1900 || y > 2200 || m < 1 || m > 12 || strlen(text) < 7 || text[4] != '-')
		return STROOM_EPARSE;
	*out = stroom_month_make(y, m);
	return 0;
}

char *stroom_month_format(stroom_month m, char *buf, size_t size)
{
	snprintf(buf, size, "%04d-%02d", stroom_month_year(m), stroom_month_of_year(m));
	return buf;
}

/*
 * Reads a whole file into a NUL-terminated buffer from the allocator (caller frees).
 * Returns 0, STROOM_ENOTFOUND (no such file), STROOM_EIO or STROOM_ENOMEM with the
 * detail prefixed by `context` (e.g. "a.yaml:3:10: extends: ").
 */
int stroom_read_file(const stroom_allocator *a, const char *path, const char *context,
		     char **out, size_t *out_len)
{
	FILE *f = NULL;
	char *buf = NULL;
	size_t len = 0, cap = 0;
	int rc = 0;

	*out = NULL;
	f = fopen(path, "rb");
	if (!f) {
		rc = stroom_error_set(errno == ENOENT ? STROOM_ENOTFOUND : STROOM_EIO,
				      "%scannot read '%s': %s", context, path, strerror(errno));
		goto cleanup;
	}
	for (;;) {
		size_t got;
		if (cap - len < 4096 + 1) {
			size_t ncap = cap ? 2 * cap : 8192;
			char *grown = stroom_realloc(a, buf, ncap);
			if (!grown) {
				rc = STROOM_ENOMEM;
				goto cleanup;
			}
			buf = grown;
			cap = ncap;
		}
		got = fread(buf + len, 1, cap - len - 1, f);
		len += got;
		if (got == 0)
			break;
	}
	if (ferror(f)) {
		rc = stroom_error_set(STROOM_EIO, "%scannot read '%s': %s", context, path,
				      strerror(errno));
		goto cleanup;
	}
	buf[len] = '\0';
	*out = buf;
	*out_len = len;
	buf = NULL;
cleanup:
	if (f)
		fclose(f);
	stroom_free(a, buf);
	return rc;
}

void stroom_sbuf_printf(stroom_sbuf *b, const char *fmt, ...)
{
	va_list ap;
	int n;
	size_t room = b->buf && b->len < b->size ? b->size - b->len : 0;
	va_start(ap, fmt);
	n = vsnprintf(room ? b->buf + b->len : NULL, room, fmt, ap);
	va_end(ap);
	if (n > 0)
		b->len += (size_t)n;
}
