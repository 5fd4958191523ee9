/*
 * internal.h: helpers shared by the library's .c files, not part of the API.
 */
#ifndef STROOM_INTERNAL_H
#define STROOM_INTERNAL_H

#include <stroom/common.h>
#include <stroom/scenario.h>

/*
 * Sets the thread's error detail (printf format) and returns code. The detail is
 * made one printable line: control characters and bytes that are not valid UTF-8
 * (input echoed in a message) become "\xNN" (utf8.h, stroom_utf8_escape).
 */
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

/*
 * The draws of one replicate (prior.c), in the order of the results' drawn
 * parameters: the policy priors, then each instrument's lockin, effect and
 * durability (STROOM_DRAW_FIXED_COUNT + 3k + 0/1/2), then the uncertain table.
 * The position of a policy prior is also its draw id.
 */
enum {
	STROOM_DRAW_ELASTICITY,
	STROOM_DRAW_SEARCH_EFFECT,
	STROOM_DRAW_SELECTION,
	STROOM_DRAW_PREVENTION,
	STROOM_DRAW_DETECTION,
	STROOM_DRAW_TARGETS_WORK,
	STROOM_DRAW_TARGETS_NONDURABLE,
	STROOM_DRAW_FIXED_COUNT
};
#define STROOM_DRAW_MAX (STROOM_DRAW_FIXED_COUNT + 3 * STROOM_MAX_INSTRUMENTS + STROOM_MAX_UNCERTAIN)
#define STROOM_DRAW_NAME_LEN (2 * STROOM_NAME_LEN + 16)
/* Number of draws of p (every prior, fixed ones included) and their names. */
int stroom_params_draw_names(const stroom_params *p, char (*names)[STROOM_DRAW_NAME_LEN]);
/* The values of replicate rep's draws (or the central values) into v; returns their number. */
int stroom_params_draw_values(const stroom_params *p, uint32_t rep, int central, double *v);
/* Writes the values v (from stroom_params_draw_values(p, ...)) into out, a copy of p
 * (or a set already applied from p): the uncertain fields, the policy priors made
 * fixed; out's table emptied. */
void stroom_params_apply_values(const stroom_params *p, const double *v, stroom_params *out);

#endif
