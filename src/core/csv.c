/*
 * csv.c: the small CSV reader of the library's data files (see csv.h): one pass
 * over a text that is cut into lines and fields in place, without allocating.
 * Users: rules.c (data/rules), budget.c (data/budget and the panel table),
 * national.c (municipalities.csv) and observed.c (observed series).
 */
#include "csv.h"

#include "internal.h"

#include <stdio.h>
#include <string.h>

/* Splits the next line off c->p and counts it in c->line. Returns the line
 * (NUL-terminated, a trailing CR removed), or NULL at the end of the text. */
static char *next_line(stroom_csv *c)
{
	char *s = c->p, *e;
	size_t n;
	if (!s || !*s)
		return NULL;
	e = strchr(s, '\n');
	if (e) {
		*e = '\0';
		c->p = e + 1;
	} else {
		c->p = s + strlen(s);
	}
	n = strlen(s);
	if (n && s[n - 1] == '\r')
		s[n - 1] = '\0';
	c->line++;
	return s;
}

/* 1 when line s is a comment ('#' first) or holds only spaces and tabs, else 0. */
static int skip_line(const char *s)
{
	if (*s == '#')
		return 1;
	for (; *s; s++)
		if (*s != ' ' && *s != '\t')
			return 0;
	return 1;
}

/* The next line that is not skipped (skip_line), or NULL at the end of the text. */
static char *next_content_line(stroom_csv *c)
{
	char *line;
	while ((line = next_line(c)) != NULL && skip_line(line))
		;
	return line;
}

/* The characters of the UTF-8 bytes s..e (not the continuation bytes). */
static int chars_n(const char *s, const char *e)
{
	int n = 0;
	for (; s < e; s++)
		n += ((unsigned char)*s & 0xC0) != 0x80;
	return n;
}

/*
 * Cuts line at its commas, RFC 4180 within a line: a field that starts with '"'
 * is quoted (commas inside it are its own, a quote inside is doubled) and is
 * unquoted in place; a quote inside an unquoted field is an error. c->n is the
 * number of fields, the first STROOM_CSV_MAX_FIELDS of them are kept in c->f with
 * their columns (counted in characters, as stroom_text_check counts) in c->col;
 * c->end_col is the column just past the end of the line. Returns 0 or
 * STROOM_EPARSE ("PATH:LINE:COL: expected a closing '\"' ...").
 */
static int split(stroom_csv *c, char *line)
{
	char *s = line, *w;
	c->n = 0;
	for (;;) {
		char *start = s;
		int col = 1 + chars_n(line, s);
		if (*s == '"') {
			w = s;
			s++;
			for (;;) {
				if (!*s)
					return stroom_error_set(STROOM_EPARSE,
								"%s:%d:%d: expected a closing '\"' of "
								"the quoted field, got the end of the line",
								c->path, c->line, col);
				if (*s == '"') {
					if (s[1] == '"') {
						*w++ = '"';
						s += 2;
						continue;
					}
					s++;
					break;
				}
				*w++ = *s++;
			}
			if (*s && *s != ',')
				return stroom_error_set(STROOM_EPARSE,
							"%s:%d:%d: expected ',' after the quoted field, "
							"got '%c'",
							c->path, c->line, 1 + chars_n(line, s), *s);
			*w = '\0';
		} else {
			while (*s && *s != ',') {
				if (*s == '"')
					return stroom_error_set(
						STROOM_EPARSE,
						"%s:%d:%d: expected no '\"' inside an unquoted field "
						"(quote the whole field)",
						c->path, c->line, 1 + chars_n(line, s));
				s++;
			}
		}
		if (c->n < STROOM_CSV_MAX_FIELDS) {
			c->f[c->n] = start;
			c->col[c->n] = col;
		}
		c->n++;
		if (!*s) {
			c->end_col = 1 + chars_n(line, s);
			break;
		}
		*s++ = '\0';
	}
	return 0;
}

/* Column col of the current line as a message's place: "PATH:LINE:COL" with
 * STROOM_CSV_WITH_COL, else "PATH:LINE". Returns buf. */
static const char *where(const stroom_csv *c, int col, char *buf, size_t size)
{
	if (c->flags & STROOM_CSV_WITH_COL)
		snprintf(buf, size, "%s:%d:%d", c->path, c->line, col);
	else
		snprintf(buf, size, "%s:%d", c->path, c->line);
	return buf;
}

int stroom_csv_open(stroom_csv *c, char *text, const char *path, const char *const *cols,
		    int ncols, int nmin, int flags)
{
	char *line, w[600];
	int i, err;
	memset(c, 0, sizeof *c);
	c->path = path;
	c->cols = cols;
	c->flags = flags;
	c->p = text;
	if ((unsigned char)text[0] == 0xEF && (unsigned char)text[1] == 0xBB &&
	    (unsigned char)text[2] == 0xBF)
		c->p += 3;
	line = next_content_line(c);
	if (!line) {
		char all[600];
		stroom_sbuf b = {all, sizeof all, 0};
		if (!(flags & STROOM_CSV_NAME_COLUMNS))
			return stroom_error_set(STROOM_EPARSE, "%s: no header line (expected '%s,...')",
						path, cols[0]);
		for (i = 0; i < ncols; i++)
			stroom_sbuf_printf(&b, "%s%s", i ? "," : "", cols[i]);
		return stroom_error_set(STROOM_EPARSE, "%s: no header line (expected '%s')", path, all);
	}
	if ((err = split(c, line)) != 0)
		return err;
	for (i = 0; i < ncols && i < STROOM_CSV_MAX_FIELDS; i++) {
		if (i >= c->n) {
			if (!(flags & STROOM_CSV_MISSING_AS_COLUMN) || c->n >= nmin)
				break;
			/* a missing column is reported where it would start after a comma,
			 * or just past the end of the line (STROOM_CSV_MISSING_AT_END) */
			return stroom_error_set(
				STROOM_EPARSE, "%s: header: expected column '%s', got ''",
				where(c, c->end_col + !(flags & STROOM_CSV_MISSING_AT_END), w, sizeof w),
				cols[i]);
		}
		if (strcmp(c->f[i], cols[i]))
			return stroom_error_set(STROOM_EPARSE,
						"%s: header: expected column '%s', got '%s'",
						where(c, c->col[i], w, sizeof w), cols[i], c->f[i]);
	}
	if (c->n != ncols && c->n != nmin) {
		if (nmin < ncols)
			return stroom_error_set(STROOM_EPARSE,
						"%s:%d: header: expected %d or %d columns, got %d",
						path, c->line, nmin, ncols, c->n);
		return stroom_error_set(STROOM_EPARSE, "%s:%d: header: expected %d columns, got %d",
					path, c->line, ncols, c->n);
	}
	c->ncols = c->n;
	return 0;
}

int stroom_csv_next(stroom_csv *c)
{
	char *line = next_content_line(c);
	int err;
	if (!line)
		return 0;
	if ((err = split(c, line)) != 0)
		return err;
	return 1;
}

int stroom_csv_row(stroom_csv *c)
{
	int r = stroom_csv_next(c);
	if (r <= 0)
		return r;
	if (c->n != c->ncols)
		return stroom_error_set(STROOM_EPARSE, "%s:%d: expected %d fields, got %d", c->path,
					c->line, c->ncols, c->n);
	return 1;
}

int stroom_csv_bad(const stroom_csv *c, int code, int i, const char *expected)
{
	char w[600];
	return stroom_error_set(code, "%s: column %s: expected %s, got '%s'",
				where(c, i < STROOM_CSV_MAX_FIELDS ? c->col[i] : 0, w, sizeof w),
				c->cols[i], expected, c->f[i]);
}

size_t stroom_csv_count_lines(const char *text)
{
	size_t n = 1;
	for (; *text; text++)
		n += *text == '\n';
	return n;
}
