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
 * Input files. Every file the library reads is of one of these kinds, and each
 * kind has a size limit (docs/architecture.md, "Input files", says why these):
 * a file above its limit, or one that is not a regular file (a directory, a
 * device, a FIFO, a socket), is refused with STROOM_EINVAL before it is read.
 */
typedef enum stroom_input_kind {
	STROOM_INPUT_SCENARIO,       /* a scenario YAML, extends: bases included */
	STROOM_INPUT_HOUSEHOLDS,     /* population.csv: the starting households */
	STROOM_INPUT_MUNICIPALITIES, /* municipalities.csv of a national run */
	STROOM_INPUT_BUDGET,         /* a budget table (budget.csv) or safety-net rules */
	STROOM_INPUT_RULES,          /* a rules table (norms.csv, constants.csv, ...) */
	STROOM_INPUT_PANEL,          /* the many-municipality table of `stroom budget --table` */
	STROOM_INPUT_OBSERVED,       /* an observed-series CSV (docs/observed.md) */
	STROOM_INPUT_CBS,            /* a CBS StatLine export read by `stroom import cbs` */
	STROOM_INPUT_POSTERIOR,      /* posterior.csv: joint draws of the drawn parameters */
	STROOM_INPUT_RUN_FILE        /* a run or compare directory's file (--xlsx, stroom report) */
} stroom_input_kind;

#define STROOM_LIMIT_SCENARIO ((size_t)4 << 20)         /* 4 MiB */
#define STROOM_LIMIT_HOUSEHOLDS ((size_t)512 << 20)     /* 512 MiB */
#define STROOM_LIMIT_MUNICIPALITIES ((size_t)16 << 20)  /* 16 MiB */
#define STROOM_LIMIT_BUDGET ((size_t)16 << 20)          /* 16 MiB */
#define STROOM_LIMIT_RULES ((size_t)16 << 20)           /* 16 MiB */
#define STROOM_LIMIT_PANEL ((size_t)64 << 20)           /* 64 MiB */
#define STROOM_LIMIT_OBSERVED ((size_t)16 << 20)        /* 16 MiB */
#define STROOM_LIMIT_CBS ((size_t)64 << 20)             /* 64 MiB */
/* Rows of an observed-series CSV (docs/observed.md). */
#define STROOM_LIMIT_OBSERVED_ROWS 100000
#define STROOM_LIMIT_POSTERIOR ((size_t)16 << 20)       /* 16 MiB */
#define STROOM_LIMIT_RUN_FILE ((size_t)512 << 20)       /* 512 MiB */

/* The size limit of a kind of input file, and its name for messages ("a household CSV"). */
size_t stroom_input_limit(stroom_input_kind kind);
const char *stroom_input_name(stroom_input_kind kind);

/*
 * Reads the whole input file at path into a NUL-terminated buffer from the
 * allocator (caller frees) and checks that it is text (stroom_text_check; a
 * scenario also as YAML). The file is opened without blocking (a FIFO does not
 * hang) and only when it is a regular file; reading stops one byte past the
 * kind's limit, so a file that grows while it is read is refused too. Returns 0,
 * STROOM_ENOTFOUND (no such file), STROOM_EINVAL ("<context>'PATH' is not a
 * regular file (a directory)", "<context>'PATH' is larger than the limit of 4 MiB
 * for a scenario YAML"), STROOM_EPARSE (not text: the detail names PATH:LINE:COL),
 * STROOM_EIO ("<context>cannot read 'PATH': <reason>") or STROOM_ENOMEM. context
 * prefixes the messages about the file as a whole, e.g. "a.yaml:3:10: extends: ".
 */
int stroom_read_file(const stroom_allocator *a, const char *path, stroom_input_kind kind,
		     const char *context, char **out, size_t *out_len);

/*
 * The SHA-256 of the input file at path as 64 hex digits and a NUL into hex (65
 * bytes), read in pieces, with the same checks of the file as stroom_read_file but
 * not of its text; a file that cannot be opened is reported as "<context>expected a
 * readable file, got 'PATH' (<reason>)".
 */
int stroom_hash_file(const char *path, stroom_input_kind kind, const char *context, char *hex);

/* Options of stroom_text_check(). */
enum {
	/* Also refuse the characters YAML does not allow: control characters other than
	 * tab, LF and CR (C1 ones but U+0085 too), U+FFFE and U+FFFF. */
	STROOM_TEXT_YAML = 1
};

/*
 * Checks that text (len bytes) is text: no NUL byte and well-formed UTF-8 (no
 * overlong forms, surrogates, code points above U+10FFFF or sequences cut short).
 * Returns 0 or STROOM_EPARSE with the detail "NAME:LINE:COL: NUL byte",
 * "NAME:LINE:COL: invalid UTF-8 byte 0xNN" (the first byte of the bad sequence) or,
 * with STROOM_TEXT_YAML, "NAME:LINE:COL: invalid YAML: character U+001B is not
 * allowed". Lines are counted by LF from 1; columns in characters from 1, a byte
 * order mark at the start of the text not counted (as libyaml and csv.c count).
 */
int stroom_text_check(const char *text, size_t len, const char *name, int flags);

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
/* The bounds [lo, hi] of each draw of p (as stroom_params_draw_names) and whether
 * its prior is fixed (fixed may be NULL); returns their number. */
int stroom_params_draw_bounds(const stroom_params *p, double *lo, double *hi, int *fixed);
/* As stroom_params_draw_values, then (post not NULL) the posterior's columns from
 * replicate rep's row (stroom_posterior_row), or their means when central. */
typedef struct stroom_posterior stroom_posterior;
int stroom_params_draw_values_post(const stroom_params *p, const stroom_posterior *post,
				   uint32_t rep, int central, double *v);

#endif
