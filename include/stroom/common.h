/*
 * stroom/common.h: what every module shares: error codes, the one-line error
 * detail, the swappable allocator, calendar months and the version.
 *
 * Error convention (after libgit2): functions return 0 on success or one of the
 * negative STROOM_E* codes; stroom_error_last() gives a one-line detail for the
 * calling thread, for input errors in the form "FILE:LINE:COL: key: expected ...,
 * got ...". The library never prints to stdout/stderr and never exits.
 */
#ifndef STROOM_COMMON_H
#define STROOM_COMMON_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#if defined(__GNUC__)
#define STROOM_API __attribute__((visibility("default")))
#else
#define STROOM_API
#endif

enum {
	STROOM_OK = 0,
	STROOM_ERROR = -1,     /* generic failure (a bug or an unexpected state) */
	STROOM_ENOMEM = -2,    /* an allocation failed */
	STROOM_EIO = -3,       /* reading or writing a file failed */
	STROOM_EPARSE = -4,    /* input text is malformed (YAML, CSV) */
	STROOM_EINVAL = -5,    /* input is well formed but a value is not allowed */
	STROOM_ENOTFOUND = -6, /* a named scenario, file or key does not exist */
	STROOM_EINTR = -7      /* the run was cancelled by its progress callback */
};

/* The calling thread's last error detail (never NULL; "" when none). */
STROOM_API const char *stroom_error_last(void);
/* Clears the calling thread's error detail. */
STROOM_API void stroom_error_clear(void);
/* The library's version string, e.g. "0.1.0". */
STROOM_API const char *stroom_version(void);

/*
 * All library allocations go through one of these (after Lua's lua_Alloc), so a
 * test can fail the Nth allocation. NULL wherever an allocator is asked for means
 * the C library's malloc/realloc/free.
 */
typedef struct stroom_allocator {
	void *(*malloc_fn)(size_t size, void *payload);
	void *(*realloc_fn)(void *ptr, size_t size, void *payload);
	void (*free_fn)(void *ptr, void *payload);
	void *payload;
} stroom_allocator;

/*
 * Calendar months are int32 month indexes: year * 12 + (month - 1). The caseload
 * is counted on the first day of a month; a flow "in month m" happens between the
 * first of m and the first of m + 1.
 */
typedef int32_t stroom_month;

/* Parses "YYYY-MM" or "YYYY-MM-01". Returns 0 or STROOM_EPARSE. */
STROOM_API int stroom_month_parse(stroom_month *out, const char *text);
/* Writes "YYYY-MM" into buf (at least 8 bytes). Returns buf. */
STROOM_API char *stroom_month_format(stroom_month m, char *buf, size_t size);
static inline int stroom_month_year(stroom_month m) { return (int)(m / 12); }
static inline int stroom_month_of_year(stroom_month m) { return (int)(m % 12) + 1; }
static inline stroom_month stroom_month_make(int year, int month) {
	return (stroom_month)(year * 12 + month - 1);
}

#ifdef __cplusplus
}
#endif
#endif
