/*
 * csv.h: the one small CSV reader of the library's data files (data/rules,
 * data/budget, municipalities.csv and observed series). Internal to the library, not part of the
 * API. The text is read in one pass and modified in place (fields become
 * NUL-terminated strings that point into it), so it allocates nothing: comments
 * (lines starting with '#'), blank lines, a UTF-8 BOM and CRLF are allowed; the
 * first other line is the header, which must equal the expected columns. Fields
 * are quoted as RFC 4180 says, within one line: a field that starts with '"' ends
 * at the next single '"' (a quote inside it doubled, commas its own) and is
 * unquoted in place; a quote inside an unquoted field, text after a closing quote
 * and a quote not closed on its line are errors at their LINE:COL. Error messages point at FILE:LINE:COL or
 * FILE:LINE, columns counted in characters. A text read from a file has passed
 * stroom_read_file's checks (no NUL byte, valid UTF-8, within the size limit of
 * its kind) before it gets here.
 */
#ifndef STROOM_CSV_H
#define STROOM_CSV_H

#include <stddef.h>

/* Fields kept per line; a line may have more (they are counted, not kept). */
#define STROOM_CSV_MAX_FIELDS 16

/* Options of stroom_csv_open(). */
enum {
	/* Messages about a field or a header column point at FILE:LINE:COL (else FILE:LINE). */
	STROOM_CSV_WITH_COL = 1,
	/* A header with fewer than nmin columns is reported at its first missing column
	 * ("header: expected column 'X', got ''", where it would start) instead
	 * of as a wrong number of columns. */
	STROOM_CSV_MISSING_AS_COLUMN = 2,
	/* A text without a header line is reported with every expected column
	 * ("expected 'a,b,c'") instead of the first ("expected 'a,...'"). */
	STROOM_CSV_NAME_COLUMNS = 4,
	/* With STROOM_CSV_MISSING_AS_COLUMN: the missing column is reported just past
	 * the end of the line (observed series) rather than where it would start after
	 * a comma (the data files). */
	STROOM_CSV_MISSING_AT_END = 8
};

/* The reader's state: one pass over one text. */
typedef struct stroom_csv {
	const char *path;        /* for messages */
	const char *const *cols; /* the expected header */
	int ncols;               /* columns of this file (after the header) */
	int flags;               /* STROOM_CSV_* */
	char *p;                 /* next line */
	int line;                /* 1-based line number of the current row */
	int n;                   /* fields of the current row (may exceed the kept ones) */
	char *f[STROOM_CSV_MAX_FIELDS];
	int col[STROOM_CSV_MAX_FIELDS]; /* 1-based column of each field, in characters */
	int end_col;             /* the column just past the end of the current line */
} stroom_csv;

/*
 * Starts reading text (NUL-terminated, modified in place; c points into it) and
 * reads its header: it must start with the expected cols[0..ncols-1] and have
 * ncols columns, or exactly nmin of them when nmin < ncols (optional trailing
 * columns); c->ncols is then the number the file has. Requires 1 <= nmin <= ncols
 * <= STROOM_CSV_MAX_FIELDS; cols and path must outlive c. Returns 0, or
 * STROOM_EPARSE with the error detail set ("PATH: no header line ...", "PATH:LINE:COL:
 * header: expected column ...", "PATH:LINE: header: expected N columns, got M", or
 * a quoting error).
 */
int stroom_csv_open(stroom_csv *c, char *text, const char *path, const char *const *cols,
		    int ncols, int nmin, int flags);

/*
 * Reads the next row after skipping comments and blank lines: c->f[0..c->ncols-1]
 * are its fields and c->line its line. Returns 1, 0 at the end of the text, or
 * STROOM_EPARSE ("PATH:LINE: expected N fields, got M") when the row does not have
 * c->ncols fields, or when its quoting is wrong ("PATH:LINE:COL: ...").
 */
int stroom_csv_row(stroom_csv *c);

/* As stroom_csv_row, without the check of the number of fields (c->n, which the
 * caller checks): 1, 0 at the end of the text, or STROOM_EPARSE (a quoting error). */
int stroom_csv_next(stroom_csv *c);

/*
 * Reports that field i (< c->ncols) of the current row is not what was expected:
 * sets the error detail "WHERE: column NAME: expected EXPECTED, got 'VALUE'", WHERE
 * being PATH:LINE:COL or PATH:LINE (STROOM_CSV_WITH_COL), and returns code.
 */
int stroom_csv_bad(const stroom_csv *c, int code, int i, const char *expected);

/* Counts the lines of a NUL-terminated text (at least 1): an upper bound on its
 * rows. Call it before stroom_csv_open(), which cuts the text into lines. */
size_t stroom_csv_count_lines(const char *text);

#endif
