/*
 * common.c: the thread-local error detail, the default allocator, months, the
 * version, and reading input files (size limits, text checks). The error detail is
 * the only per-thread state in the library; there is no process-global mutable
 * state.
 */
#include "internal.h"
#include "utf8.h"

#include <errno.h>
#include <fcntl.h>
#include <sha2.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

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

/* ---- input files ---- */

static const struct {
	size_t limit;
	const char *name;
} input_kinds[] = {
	[STROOM_INPUT_SCENARIO] = {STROOM_LIMIT_SCENARIO, "a scenario YAML"},
	[STROOM_INPUT_HOUSEHOLDS] = {STROOM_LIMIT_HOUSEHOLDS, "a household CSV"},
	[STROOM_INPUT_MUNICIPALITIES] = {STROOM_LIMIT_MUNICIPALITIES, "a municipalities CSV"},
	[STROOM_INPUT_BUDGET] = {STROOM_LIMIT_BUDGET, "a budget table"},
	[STROOM_INPUT_RULES] = {STROOM_LIMIT_RULES, "a rules table"},
	[STROOM_INPUT_PANEL] = {STROOM_LIMIT_PANEL, "a budget panel table"},
	[STROOM_INPUT_OBSERVED] = {STROOM_LIMIT_OBSERVED, "an observed-series CSV"},
	[STROOM_INPUT_CBS] = {STROOM_LIMIT_CBS, "a CBS StatLine export"},
	[STROOM_INPUT_POSTERIOR] = {STROOM_LIMIT_POSTERIOR, "a posterior CSV"},
	[STROOM_INPUT_RUN_FILE] = {STROOM_LIMIT_RUN_FILE, "a file of a run directory"},
};

size_t stroom_input_limit(stroom_input_kind kind) { return input_kinds[kind].limit; }

const char *stroom_input_name(stroom_input_kind kind) { return input_kinds[kind].name; }

static const char *file_type(mode_t m)
{
	return S_ISDIR(m)    ? "a directory"
	       : S_ISCHR(m)  ? "a character device"
	       : S_ISBLK(m)  ? "a block device"
	       : S_ISFIFO(m) ? "a FIFO"
	       : S_ISSOCK(m) ? "a socket"
			     : "another kind of file";
}

static int not_regular(const char *context, const char *path, mode_t m)
{
	return stroom_error_set(STROOM_EINVAL, "%s'%s' is not a regular file (%s)", context, path,
				file_type(m));
}

static int too_large(const char *context, const char *path, stroom_input_kind kind)
{
	return stroom_error_set(STROOM_EINVAL, "%s'%s' is larger than the limit of %zu MiB for %s",
				context, path, stroom_input_limit(kind) >> 20, stroom_input_name(kind));
}

/*
 * Opens the input file at path for reading into *fd, its size by fstat in *size.
 * A path that is not a regular file is refused before it is opened when stat can
 * tell, and after (fstat) in any case; O_NONBLOCK keeps a FIFO from blocking the
 * open. `readable` selects the message of a file that cannot be opened:
 * "<context>cannot read 'PATH': <reason>" (0) or "<context>expected a readable
 * file, got 'PATH' (<reason>)" (1).
 */
static int open_input(const char *path, stroom_input_kind kind, const char *context,
		      int readable, int *fd, size_t *size)
{
	struct stat sb;
	int e;
	*fd = -1;
	if (stat(path, &sb) == 0 && !S_ISREG(sb.st_mode))
		return not_regular(context, path, sb.st_mode);
	*fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	if (*fd < 0) {
		e = errno;
		return stroom_error_set(e == ENOENT || e == ENOTDIR ? STROOM_ENOTFOUND : STROOM_EIO,
					readable ? "%sexpected a readable file, got '%s' (%s)"
						 : "%scannot read '%s': %s",
					context, path, strerror(e));
	}
	if (fstat(*fd, &sb) != 0) {
		e = errno;
		close(*fd);
		*fd = -1;
		return stroom_error_set(STROOM_EIO, "%scannot read '%s': %s", context, path,
					strerror(e));
	}
	if (!S_ISREG(sb.st_mode) || (uintmax_t)sb.st_size > stroom_input_limit(kind)) {
		close(*fd);
		*fd = -1;
		return !S_ISREG(sb.st_mode) ? not_regular(context, path, sb.st_mode)
					    : too_large(context, path, kind);
	}
	*size = (size_t)sb.st_size;
	return 0;
}

/* read(2) of up to n bytes, retried when interrupted; 0 at the end, -1 on error. */
static ssize_t read_some(int fd, void *buf, size_t n)
{
	ssize_t got;
	do
		got = read(fd, buf, n);
	while (got < 0 && errno == EINTR);
	return got;
}

int stroom_read_file(const stroom_allocator *a, const char *path, stroom_input_kind kind,
		     const char *context, char **out, size_t *out_len)
{
	size_t limit = stroom_input_limit(kind), size = 0, len = 0, cap;
	char *buf = NULL;
	int fd = -1, rc;

	*out = NULL;
	if ((rc = open_input(path, kind, context, 0, &fd, &size)) != 0)
		return rc;
	/* One allocation for the size fstat gave, a byte more to see the end there and
	 * the NUL; the buffer grows only when the file grew meanwhile (or has no size,
	 * as under /proc), and never beyond limit + 1 bytes of text. */
	cap = size + 2;
	buf = stroom_malloc(a, cap);
	if (!buf) {
		rc = STROOM_ENOMEM;
		goto cleanup;
	}
	for (;;) {
		ssize_t got;
		if (len == cap - 1) {
			size_t ncap = cap < 4096 ? 8192 : 2 * cap;
			char *grown;
			if (ncap > limit + 2)
				ncap = limit + 2;
			grown = stroom_realloc(a, buf, ncap);
			if (!grown) {
				rc = STROOM_ENOMEM;
				goto cleanup;
			}
			buf = grown;
			cap = ncap;
		}
		got = read_some(fd, buf + len, cap - 1 - len);
		if (got < 0) {
			rc = stroom_error_set(STROOM_EIO, "%scannot read '%s': %s", context, path,
					      strerror(errno));
			goto cleanup;
		}
		if (got == 0)
			break;
		len += (size_t)got;
		if (len > limit) {
			rc = too_large(context, path, kind);
			goto cleanup;
		}
	}
	buf[len] = '\0';
	if ((rc = stroom_text_check(buf, len, path,
				    kind == STROOM_INPUT_SCENARIO ? STROOM_TEXT_YAML : 0)) != 0)
		goto cleanup;
	*out = buf;
	*out_len = len;
	buf = NULL;
cleanup:
	close(fd);
	stroom_free(a, buf);
	return rc;
}

int stroom_hash_file(const char *path, stroom_input_kind kind, const char *context, char *hex)
{
	unsigned char buf[16384];
	size_t size, len = 0;
	SHA2_CTX ctx;
	int fd, rc;

	if ((rc = open_input(path, kind, context, 1, &fd, &size)) != 0)
		return rc;
	SHA256Init(&ctx);
	for (;;) {
		ssize_t got = read_some(fd, buf, sizeof buf);
		if (got < 0) {
			rc = stroom_error_set(STROOM_EIO, "%scannot read '%s': %s", context, path,
					      strerror(errno));
			break;
		}
		if (got == 0) {
			SHA256End(&ctx, hex);
			break;
		}
		len += (size_t)got;
		if (len > stroom_input_limit(kind)) {
			rc = too_large(context, path, kind);
			break;
		}
		SHA256Update(&ctx, buf, (size_t)got);
	}
	close(fd);
	return rc;
}

int stroom_text_check(const char *text, size_t len, const char *name, int flags)
{
	const unsigned char *s = (const unsigned char *)text;
	size_t i = 0, line = 1, col = 1;
	if (len >= 3 && s[0] == 0xEF && s[1] == 0xBB && s[2] == 0xBF)
		i = 3; /* a byte order mark: not a column */
	while (i < len) {
		uint32_t cp;
		size_t n;
		if (s[i] == '\n') {
			line++;
			col = 1;
			i++;
			continue;
		}
		if (s[i] >= 0x20 && s[i] < 0x7F) { /* the usual case, quickly */
			col++;
			i++;
			continue;
		}
		if (s[i] == 0)
			return stroom_error_set(STROOM_EPARSE, "%s:%zu:%zu: NUL byte", name, line, col);
		n = stroom_utf8_decode(s + i, len - i, &cp);
		if (n == 0)
			return stroom_error_set(STROOM_EPARSE, "%s:%zu:%zu: invalid UTF-8 byte 0x%02x",
						name, line, col, s[i]);
		if ((flags & STROOM_TEXT_YAML) &&
		    ((cp < 0x20 && cp != '\t' && cp != '\r') || (cp >= 0x7F && cp < 0xA0 && cp != 0x85) ||
		     cp == 0xFFFE || cp == 0xFFFF))
			return stroom_error_set(STROOM_EPARSE,
						"%s:%zu:%zu: invalid YAML: character U+%04X is not "
						"allowed",
						name, line, col, (unsigned)cp);
		col++;
		i += n;
	}
	return 0;
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
