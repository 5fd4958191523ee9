/*
 * csv.c: the small CSV reader of the library's data files (see csv.h): one pass
 * over a text that is cut into lines and fields in place, without allocating.
 * Users: rules.c (data/rules), budget.c (data/budget and the panel table) and
 * national.c (municipalities.csv).
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

/* The characters of the UTF-8 text s (its bytes other than continuation bytes). */
static int chars(const char *s)
{
	int n = 0;
	for (; *s; s++)
		n += ((unsigned char)*s & 0xC0) != 0x80;
	return n;
}

/* Cuts line at its commas: c->n is the number of fields, the first
 * STROOM_CSV_MAX_FIELDS of them are kept in c->f with their columns (counted in
 * characters, as stroom_text_check counts) in c->col. */
static void split(stroom_csv *c, char *line)
{
	char *s = line;
	int col = 1;
	c->n = 0;
	for (;;) {
		char *e = strchr(s, ',');
		if (c->n < STROOM_CSV_MAX_FIELDS) {
			c->f[c->n] = s;
			c->col[c->n] = col;
		}
		c->n++;
		if (!e)
			break;
		*e = '\0';
		col += chars(s) + 1;
		s = e + 1;
	}
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
	int i;
	memset(c, 0, sizeof *c);
	c->path = path;
	c->cols = cols;
	c->flags = flags;
	c->p = text;
	if ((unsigned char)text[0] == 0xEF && (unsigned char)text[1] == 0xBB &&
	    (unsigned char)text[2] == 0xBF)
		c->p += 3;
	line = next_content_line(c);
	if (!line)
		return stroom_error_set(STROOM_EPARSE, "%s: no header line (expected '%s,...')",
					path, cols[0]);
	split(c, line);
	for (i = 0; i < ncols && i < STROOM_CSV_MAX_FIELDS; i++) {
		if (i >= c->n) {
			if (!(flags & STROOM_CSV_MISSING_AS_COLUMN) || c->n >= nmin)
				break;
			/* a missing column is reported just past the end of the line */
			return stroom_error_set(
				STROOM_EPARSE, "%s: header: expected column '%s', got ''",
				where(c, c->col[c->n - 1] + chars(c->f[c->n - 1]) + 1, w, sizeof w),
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

int stroom_csv_row(stroom_csv *c)
{
	char *line = next_content_line(c);
	if (!line)
		return 0;
	split(c, line);
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
