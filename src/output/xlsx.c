/*
 * xlsx.c: the Excel workbook of a run or compare directory (stroom_xlsx_from_dir,
 * include/stroom/xlsx.h; docs/xlsx.md), made with libxlsxwriter from the
 * directory's files alone: series.csv, budget.csv and manifest.json of a run,
 * compare.csv and manifest.json of a compare. Every number goes into a cell as a
 * number with a number format chosen by its unit; the headers say the unit. The
 * workbook is written in libxlsxwriter's constant-memory mode (row by row, each
 * sheet's rows in order), into a temporary file beside the target that is synced
 * and renamed without replacing anything.
 */
#include "csv.h"
#include "internal.h"
#include "outfile.h"

#include <stroom/xlsx.h>

#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <xlsxwriter.h>

/* A sheet's limits (Excel): rows with the header row, columns with the first. */
#define SHEET_ROWS 1048576u
#define SHEET_COLS 16384
/* Cells of a wide series table (months x columns) we index. */
#define WIDE_CELLS_MAX ((size_t)16 << 20)
/* Longest text a cell holds (Excel: 32,767 characters). */
#define CELL_TEXT_MAX 32000
/* Deepest nesting of the scenario object that is flattened. */
#define FLAT_DEPTH_MAX 16

/* ---- a set of string pairs (indicator and group, year and indicator, months) ---- */

typedef struct pairset {
	const char **a, **b;
	int n, max;
	int *slot; /* index + 1, 0 = empty */
	size_t mask;
} pairset;

static int pairset_init(pairset *s, int max)
{
	size_t cap = 16;
	memset(s, 0, sizeof *s);
	while (cap < 2 * (size_t)max)
		cap *= 2;
	s->a = malloc((size_t)max * sizeof *s->a);
	s->b = malloc((size_t)max * sizeof *s->b);
	s->slot = calloc(cap, sizeof *s->slot);
	s->max = max;
	s->mask = cap - 1;
	return s->a && s->b && s->slot ? 0 : stroom_error_set(STROOM_ENOMEM, "out of memory");
}

static void pairset_free(pairset *s)
{
	free(s->a);
	free(s->b);
	free(s->slot);
}

static size_t pair_hash(const char *a, const char *b)
{
	uint64_t h = 1469598103934665603ull;
	for (; *a; a++)
		h = (h ^ (unsigned char)*a) * 1099511628211ull;
	h = (h ^ 0xffu) * 1099511628211ull;
	for (; *b; b++)
		h = (h ^ (unsigned char)*b) * 1099511628211ull;
	return (size_t)h;
}

/* The index of (a, b), added when add is set and it is new; -1 when absent (or full). */
static int pairset_find(pairset *s, const char *a, const char *b, int add)
{
	size_t i = pair_hash(a, b) & s->mask;
	while (s->slot[i]) {
		int k = s->slot[i] - 1;
		if (!strcmp(s->a[k], a) && !strcmp(s->b[k], b))
			return k;
		i = (i + 1) & s->mask;
	}
	if (!add || s->n >= s->max)
		return -1;
	s->a[s->n] = a;
	s->b[s->n] = b;
	s->slot[i] = ++s->n;
	return s->n - 1;
}

/* ---- the directory's files ---- */

/* Reads dir/name into *text (malloc'd through the default allocator). */
static int read_dir_file(const char *dir, const char *name, char **text, char *path, size_t size)
{
	size_t len;
	snprintf(path, size, "%s/%s", dir, name);
	return stroom_read_file(stroom_alloc_or_default(NULL), path, STROOM_INPUT_RUN_FILE, "", text,
				&len);
}

static void free_text(char *text)
{
	stroom_free(stroom_alloc_or_default(NULL), text);
}

/* Field i of the current row as a number: NAN when empty or "nan" (the cell is left
 * blank), else a finite number or STROOM_EPARSE at its FILE:LINE:COL. */
static int field_num(const stroom_csv *c, int i, double *v)
{
	const char *s = c->f[i];
	char *end;
	if (!*s || !strcmp(s, "nan") || !strcmp(s, "-nan")) {
		*v = NAN;
		return 0;
	}
	errno = 0;
	*v = strtod(s, &end);
	if (*end || errno == ERANGE || !isfinite(*v))
		return stroom_csv_bad(c, STROOM_EPARSE, i, "a number");
	return 0;
}

/* A table of CSV rows: text fields (kept in the text) and numbers. */
#define TAB_MAX_NUM 7
typedef struct table {
	char *text;
	char path[4200];
	int nrows, nkeys, nnum;
	const char *const *cols;
	struct trow {
		const char *key[3];
		double v[TAB_MAX_NUM];
	} *row;
} table;

/*
 * Reads dir/name, whose header is cols (nkeys text columns, then nnum numbers),
 * into t. present is set to 0 (and 0 returned) when the file does not exist and
 * optional is set.
 */
static int table_read(table *t, const char *dir, const char *name, const char *const *cols,
		      int nkeys, int nnum, int optional, int *present)
{
	stroom_csv c;
	size_t lines;
	int err, i, r;
	memset(t, 0, sizeof *t);
	t->cols = cols;
	t->nkeys = nkeys;
	t->nnum = nnum;
	if (present)
		*present = 1;
	err = read_dir_file(dir, name, &t->text, t->path, sizeof t->path);
	if (err == STROOM_ENOTFOUND && optional) {
		if (present)
			*present = 0;
		return 0;
	}
	if (err)
		return err;
	lines = stroom_csv_count_lines(t->text);
	if (lines > SHEET_ROWS - 1)
		return stroom_error_set(STROOM_EINVAL, "%s: %zu lines, more than a sheet's %u rows",
					t->path, lines, SHEET_ROWS - 1);
	t->row = malloc(lines * sizeof *t->row);
	if (!t->row)
		return stroom_error_set(STROOM_ENOMEM, "out of memory");
	if ((err = stroom_csv_open(&c, t->text, t->path, cols, nkeys + nnum, nkeys + nnum,
				   STROOM_CSV_WITH_COL)) != 0)
		return err;
	while ((r = stroom_csv_row(&c)) == 1) {
		struct trow *row = &t->row[t->nrows];
		for (i = 0; i < nkeys; i++)
			row->key[i] = c.f[i];
		for (i = 0; i < nnum; i++)
			if ((err = field_num(&c, nkeys + i, &row->v[i])) != 0)
				return err;
		t->nrows++;
	}
	return r;
}

static void table_free(table *t)
{
	free_text(t->text);
	free(t->row);
}

/* The JSON file dir/name into *root. */
static int json_read(const char *dir, const char *name, json_t **root)
{
	char path[4200], *text = NULL;
	json_error_t je;
	int err = read_dir_file(dir, name, &text, path, sizeof path);
	if (err)
		return err;
	*root = json_loads(text, 0, &je);
	free_text(text);
	if (!*root || !json_is_object(*root)) {
		json_decref(*root);
		*root = NULL;
		return stroom_error_set(STROOM_EPARSE, "%s:%d:%d: expected a JSON object: %s", path,
					je.line, je.column, je.text);
	}
	return 0;
}

/* ---- the workbook ---- */

enum { F_HEAD, F_HEAD_WRAP, F_TEXT, F_BOLD, F_COUNT, F_EUROCENT, F_EUR, F_SHARE, F_PCT, F_INT, F_PLAIN,
       F_N };

typedef struct book {
	lxw_workbook *wb;
	lxw_format *f[F_N];
	lxw_error err; /* the first error of a write */
} book;

static void note(book *b, lxw_error e)
{
	if (e != LXW_NO_ERROR && b->err == LXW_NO_ERROR)
		b->err = e;
}

static lxw_worksheet *sheet(book *b, const char *name)
{
	lxw_worksheet *ws = workbook_add_worksheet(b->wb, name);
	if (!ws)
		note(b, LXW_ERROR_MEMORY_MALLOC_FAILED);
	return ws;
}

static void put_num(book *b, lxw_worksheet *ws, uint32_t row, int col, double v, int fmt)
{
	if (ws && isfinite(v))
		note(b, worksheet_write_number(ws, row, (lxw_col_t)col, v, b->f[fmt]));
}

static void put_text(book *b, lxw_worksheet *ws, uint32_t row, int col, const char *s, int fmt)
{
	char cut[CELL_TEXT_MAX + 1];
	size_t n;
	if (!ws || !s || !*s)
		return;
	n = strlen(s);
	if (n > CELL_TEXT_MAX) { /* cut on a character boundary */
		n = CELL_TEXT_MAX;
		while (n > 0 && ((unsigned char)s[n] & 0xC0) == 0x80)
			n--;
		memcpy(cut, s, n);
		cut[n] = '\0';
		s = cut;
	}
	note(b, worksheet_write_string(ws, row, (lxw_col_t)col, s, b->f[fmt]));
}

/* A header row (row 0, frozen with freeze_cols columns) and the columns' widths. */
static void header(book *b, lxw_worksheet *ws, const char *const *names, const double *widths, int n,
		   int freeze_cols)
{
	int i;
	if (!ws)
		return;
	for (i = 0; i < n; i++)
		note(b, worksheet_set_column(ws, (lxw_col_t)i, (lxw_col_t)i, widths[i], NULL));
	worksheet_freeze_panes(ws, 1, (lxw_col_t)freeze_cols);
	for (i = 0; i < n; i++)
		put_text(b, ws, 0, i, names[i], F_HEAD);
}

static int book_open(book *b, const char *path, const char *tmpdir_in)
{
	static const char *const numfmt[F_N] = {
		[F_COUNT] = "#,##0.0", [F_EUROCENT] = "#,##0", [F_EUR] = "#,##0",
		[F_SHARE] = "0.000", [F_PCT] = "0.00", [F_INT] = "0"};
	char tmpdir[4200];
	lxw_workbook_options opt;
	int i;
	memset(b, 0, sizeof *b);
	snprintf(tmpdir, sizeof tmpdir, "%s", tmpdir_in);
	memset(&opt, 0, sizeof opt);
	opt.constant_memory = LXW_TRUE;
	opt.tmpdir = tmpdir;
	b->wb = workbook_new_opt(path, &opt);
	if (!b->wb)
		return stroom_error_set(STROOM_ENOMEM, "out of memory");
	for (i = 0; i < F_N; i++) {
		b->f[i] = workbook_add_format(b->wb);
		if (!b->f[i])
			return stroom_error_set(STROOM_ENOMEM, "out of memory");
		if (numfmt[i])
			format_set_num_format(b->f[i], numfmt[i]);
	}
	format_set_bold(b->f[F_HEAD]);
	format_set_bottom(b->f[F_HEAD], LXW_BORDER_THIN);
	format_set_bg_color(b->f[F_HEAD], 0xDDEBF7);
	format_set_bold(b->f[F_HEAD_WRAP]);
	format_set_bottom(b->f[F_HEAD_WRAP], LXW_BORDER_THIN);
	format_set_bg_color(b->f[F_HEAD_WRAP], 0xDDEBF7);
	format_set_text_wrap(b->f[F_HEAD_WRAP]);
	format_set_align(b->f[F_HEAD_WRAP], LXW_ALIGN_VERTICAL_TOP);
	format_set_bold(b->f[F_BOLD]);
	format_set_text_wrap(b->f[F_TEXT]);
	format_set_align(b->f[F_TEXT], LXW_ALIGN_VERTICAL_TOP);
	return 0;
}

/* ---- units ---- */

static int ends_with(const char *s, const char *suffix)
{
	size_t n = strlen(s), m = strlen(suffix);
	return n >= m && !strcmp(s + n - m, suffix);
}

/* The unit of a series.csv indicator (docs/model.md section 8). */
static const char *series_unit(const char *ind)
{
	static const char *const stocks[] = {"caseload", "parttime", "team_clients",
					     "instrument_participants"};
	static const char *const flows[] = {"inflow_new", "inflow_return", "exit_work", "exit_lks",
					    "exit_other", "exit_enforcement", "exit_pension",
					    "gate_deterred", "inflow_prevented", "sanctions",
					    "terminations", "instrument_starts"};
	size_t i;
	if (ends_with(ind, "_eurocent"))
		return "eurocent";
	for (i = 0; i < STROOM_ARRAY_LEN(stocks); i++)
		if (!strcmp(ind, stocks[i]))
			return "households";
	for (i = 0; i < STROOM_ARRAY_LEN(flows); i++)
		if (!strcmp(ind, flows[i]))
			return "households per month";
	if (!strcmp(ind, "team_caseload"))
		return "households per FTE";
	return "see docs/model.md section 8";
}

/* The unit of a budget.csv indicator (docs/budget.md): EUR but the result in percent. */
static const char *budget_unit(const char *ind)
{
	return ends_with(ind, "_pct") ? "percent" : "EUR";
}

/* The unit of a compare.csv indicator (docs/compare.md). */
static const char *compare_unit(const char *ind)
{
	if (!strncmp(ind, "p_", 2))
		return "share of replicates";
	if (!strncmp(ind, "net_cost_per_household_year", 27))
		return "EUR per household-year";
	if (ends_with(ind, "_eur"))
		return "EUR";
	if (ends_with(ind, "_pct"))
		return "percent";
	if (!strcmp(ind, "household_years"))
		return "household-years";
	if (ends_with(ind, "_1jan") || !strcmp(ind, "caseload"))
		return "households";
	return "households per year";
}

static int unit_format(const char *unit)
{
	if (!strcmp(unit, "eurocent"))
		return F_EUROCENT;
	if (!strncmp(unit, "EUR", 3))
		return F_EUR;
	if (!strcmp(unit, "percent"))
		return F_PCT;
	if (!strncmp(unit, "share", 5))
		return F_SHARE;
	return F_COUNT;
}

/* A period or year as a number when it is a whole year, else as text. */
static void put_period(book *b, lxw_worksheet *ws, uint32_t row, int col, const char *s)
{
	char *end;
	long y = strtol(s, &end, 10);
	if (*s && !*end && y >= 1000 && y <= 9999)
		put_num(b, ws, row, col, (double)y, F_INT);
	else
		put_text(b, ws, row, col, s, F_TEXT);
}

/* ---- key/value rows: the summary sheets ---- */

typedef struct kv {
	book *b;
	lxw_worksheet *ws;
	uint32_t row;
} kv;

static void kv_text(kv *k, const char *key, const char *value)
{
	put_text(k->b, k->ws, k->row, 0, key, F_BOLD);
	put_text(k->b, k->ws, k->row, 1, value, F_TEXT);
	k->row++;
}

static void kv_num(kv *k, const char *key, double v, int fmt, const char *unit)
{
	put_text(k->b, k->ws, k->row, 0, key, F_BOLD);
	put_num(k->b, k->ws, k->row, 1, v, fmt);
	put_text(k->b, k->ws, k->row, 2, unit, F_TEXT);
	k->row++;
}

/* A JSON value of obj (dotted path) as a row: numbers as numbers. */
static void kv_json(kv *k, const char *label, const json_t *obj, const char *path, int fmt,
		    const char *unit)
{
	char buf[256], *dot;
	const json_t *v = obj;
	const char *p = path;
	while (v && p) {
		snprintf(buf, sizeof buf, "%s", p);
		dot = strchr(buf, '.');
		if (dot)
			*dot = '\0';
		v = json_is_object(v) ? json_object_get(v, buf) : NULL;
		p = strchr(p, '.');
		if (p)
			p++;
	}
	if (!v)
		return;
	if (json_is_number(v))
		kv_num(k, label, json_number_value(v), fmt, unit);
	else if (json_is_string(v))
		kv_text(k, label, json_string_value(v));
}

/* A summary sheet (a run's or a compare's): its columns key, value and unit, the
 * title in the first row; the rows follow with kv_*. k.ws is NULL when the sheet
 * could not be added. */
static kv summary_sheet(book *b, const char *title)
{
	kv k = {b, sheet(b, "summary"), 0};
	if (!k.ws)
		return k;
	note(b, worksheet_set_column(k.ws, 0, 0, 36, NULL));
	note(b, worksheet_set_column(k.ws, 1, 1, 60, NULL));
	note(b, worksheet_set_column(k.ws, 2, 2, 14, NULL));
	put_text(b, k.ws, k.row++, 0, title, F_HEAD);
	return k;
}

/* The inputs of a manifest (each path and its SHA-256). */
static void kv_inputs(kv *k, const json_t *inputs, const char *label)
{
	size_t i;
	const json_t *in;
	json_array_foreach(inputs, i, in)
	{
		char v[4400];
		const json_t *p = json_object_get(in, "path"), *h = json_object_get(in, "sha256");
		snprintf(v, sizeof v, "%s (sha256 %s)", json_is_string(p) ? json_string_value(p) : "",
			 json_is_string(h) ? json_string_value(h) : "");
		kv_text(k, label, v);
	}
}

/* ---- the scenario sheet: the manifest's scenario flattened, with sources ---- */

typedef struct flat {
	book *b;
	lxw_worksheet *ws;
	uint32_t row;
	const json_t *sources; /* manifest "scenario_sources", or NULL */
} flat;

/* The source entry of the schema key that path (with [i] indices) falls under. */
static const json_t *source_of(const json_t *sources, const char *path)
{
	char key[1024];
	size_t n = 0;
	const char *p;
	char *dot;
	if (!sources)
		return NULL;
	for (p = path; *p && n + 1 < sizeof key; p++) { /* drop the [i] of lists */
		if (*p == '[') {
			while (*p && *p != ']')
				p++;
			if (!*p)
				break;
			continue;
		}
		key[n++] = *p;
	}
	key[n] = '\0';
	for (;;) {
		const json_t *e = json_object_get(sources, key);
		if (e)
			return e;
		dot = strrchr(key, '.');
		if (!dot)
			return NULL;
		*dot = '\0';
	}
}

static void flat_row(flat *f, const char *path, const json_t *v)
{
	const json_t *src = source_of(f->sources, path);
	const json_t *unit = src ? json_object_get(src, "unit") : NULL;
	const json_t *file = src ? json_object_get(src, "file") : NULL;
	const json_t *line = src ? json_object_get(src, "line") : NULL;
	const json_t *comment = src ? json_object_get(src, "comment") : NULL;
	char where[CELL_TEXT_MAX + 1];
	put_text(f->b, f->ws, f->row, 0, path, F_TEXT);
	if (json_is_number(v))
		put_num(f->b, f->ws, f->row, 1, json_number_value(v), F_PLAIN);
	else if (json_is_string(v))
		put_text(f->b, f->ws, f->row, 1, json_string_value(v), F_TEXT);
	else if (json_is_boolean(v))
		note(f->b, worksheet_write_boolean(f->ws, f->row, 1, json_is_true(v), NULL));
	else if (json_is_object(v))
		put_text(f->b, f->ws, f->row, 1, "{}", F_TEXT); /* an empty map: a series not set */
	else if (json_is_array(v))
		put_text(f->b, f->ws, f->row, 1, "[]", F_TEXT);
	if (json_is_string(unit))
		put_text(f->b, f->ws, f->row, 2, json_string_value(unit), F_TEXT);
	if (json_is_string(file)) {
		int n = snprintf(where, sizeof where, "%s:%lld", json_string_value(file),
				 json_is_integer(line) ? (long long)json_integer_value(line) : 0LL);
		if (json_is_string(comment) && n > 0 && (size_t)n < sizeof where)
			snprintf(where + n, sizeof where - (size_t)n, ": %s", json_string_value(comment));
		put_text(f->b, f->ws, f->row, 3, where, F_TEXT);
	} else if (src) {
		put_text(f->b, f->ws, f->row, 3, "default (docs/scenario.md)", F_TEXT);
	}
	f->row++;
}

static void flatten(flat *f, const char *path, const json_t *v, int depth)
{
	char sub[1024];
	if (f->row >= SHEET_ROWS) {
		note(f->b, LXW_ERROR_WORKSHEET_INDEX_OUT_OF_RANGE);
		return;
	}
	if (depth < FLAT_DEPTH_MAX && json_is_object(v) && json_object_size(v) > 0) {
		const char *key;
		const json_t *x;
		json_object_foreach((json_t *)v, key, x)
		{
			snprintf(sub, sizeof sub, "%s%s%s", path, *path ? "." : "", key);
			flatten(f, sub, x, depth + 1);
		}
	} else if (depth < FLAT_DEPTH_MAX && json_is_array(v) && json_array_size(v) > 0) {
		size_t i;
		const json_t *x;
		json_array_foreach(v, i, x)
		{
			snprintf(sub, sizeof sub, "%s[%zu]", path, i);
			flatten(f, sub, x, depth + 1);
		}
	} else {
		flat_row(f, path, v);
	}
}

static void scenario_sheet(book *b, const char *name, const json_t *scenario, const json_t *sources)
{
	static const char *const cols[] = {"key", "value", "unit", "source (FILE:LINE: comment)"};
	static const double widths[] = {42, 22, 22, 120};
	flat f = {b, sheet(b, name), 1, json_is_object(sources) ? sources : NULL};
	if (!f.ws)
		return;
	header(b, f.ws, cols, widths, 4, 1);
	if (scenario)
		flatten(&f, "", scenario, 0);
}

/* ---- a run ---- */

static const char *const series_cols[] = {"month", "indicator", "group", "mean",
					  "p05",   "p25",       "p50",   "p75", "p95"};
static const char *const budget_cols[] = {"year", "indicator", "mean", "p05",
					  "p25",  "p50",       "p75",  "p95"};
enum { S_MEAN, S_P05, S_P25, S_P50, S_P75, S_P95 };

typedef struct run {
	table series, budget;
	int has_budget;
	pairset months, cols; /* months (a = month, b = ""), columns (indicator, group) */
	int *cell;            /* [month * ncols + col]: row of series, or -1 */
	pairset brows;        /* budget rows by (year, indicator) */
	json_t *manifest;
} run;

static int run_load(run *r, const char *dir)
{
	int err, i, nc;
	size_t cells, k;
	if ((err = table_read(&r->series, dir, "series.csv", series_cols, 3, 6, 0, NULL)) != 0 ||
	    (err = table_read(&r->budget, dir, "budget.csv", budget_cols, 2, 6, 1, &r->has_budget)) != 0 ||
	    (err = json_read(dir, "manifest.json", &r->manifest)) != 0)
		return err;
	if ((err = pairset_init(&r->months, r->series.nrows + 1)) != 0 ||
	    (err = pairset_init(&r->cols, SHEET_COLS - 1)) != 0 ||
	    (err = pairset_init(&r->brows, r->budget.nrows + 1)) != 0)
		return err;
	for (i = 0; i < r->series.nrows; i++) {
		const struct trow *row = &r->series.row[i];
		pairset_find(&r->months, row->key[0], "", 1);
		if (pairset_find(&r->cols, row->key[1], row->key[2], 1) < 0)
			return stroom_error_set(STROOM_EINVAL, "%s: more than %d indicators and groups, "
						"the columns a sheet holds", r->series.path, SHEET_COLS - 1);
	}
	nc = r->cols.n;
	cells = (size_t)r->months.n * (size_t)nc;
	if (cells > WIDE_CELLS_MAX)
		return stroom_error_set(STROOM_EINVAL, "%s: %d months of %d indicators and groups are "
					"more than the %zu cells a wide sheet is given here",
					r->series.path, r->months.n, nc, WIDE_CELLS_MAX);
	r->cell = malloc((cells ? cells : 1) * sizeof *r->cell);
	if (!r->cell)
		return stroom_error_set(STROOM_ENOMEM, "out of memory");
	for (k = 0; k < cells; k++)
		r->cell[k] = -1;
	for (i = 0; i < r->series.nrows; i++) {
		const struct trow *row = &r->series.row[i];
		int m = pairset_find(&r->months, row->key[0], "", 0);
		int c = pairset_find(&r->cols, row->key[1], row->key[2], 0);
		r->cell[(size_t)m * (size_t)nc + (size_t)c] = i;
	}
	for (i = 0; i < r->budget.nrows; i++)
		pairset_find(&r->brows, r->budget.row[i].key[0], r->budget.row[i].key[1], 1);
	return 0;
}

static void run_free(run *r)
{
	table_free(&r->series);
	table_free(&r->budget);
	pairset_free(&r->months);
	pairset_free(&r->cols);
	pairset_free(&r->brows);
	free(r->cell);
	json_decref(r->manifest);
}

/* Statistic s of (indicator, group) in month m, NAN when series.csv has no such row. */
static double sval(const run *r, int m, const char *ind, const char *group, int s)
{
	int c = pairset_find((pairset *)&r->cols, ind, group, 0), i;
	if (c < 0 || m < 0 || m >= r->months.n)
		return NAN;
	i = r->cell[(size_t)m * (size_t)r->cols.n + (size_t)c];
	return i < 0 ? NAN : r->series.row[i].v[s];
}

static double bval(const run *r, const char *year, const char *ind, int s)
{
	int k = pairset_find((pairset *)&r->brows, year, ind, 0);
	return k < 0 ? NAN : r->budget.row[k].v[s];
}

static void run_summary(book *b, const run *r, const char *dir)
{
	const json_t *m = r->manifest, *sc = json_object_get(m, "scenario");
	kv k = summary_sheet(b, "stroom run");
	if (!k.ws)
		return;
	kv_json(&k, "scenario", m, "scenario_name", F_TEXT, "");
	kv_json(&k, "description", sc, "description", F_TEXT, "");
	kv_json(&k, "first month", sc, "start", F_TEXT, "");
	kv_json(&k, "last month", sc, "end", F_TEXT, "");
	kv_json(&k, "replicates", m, "replicates", F_INT, "");
	kv_json(&k, "seed", m, "seed", F_INT, "");
	kv_json(&k, "target", m, "target.households", F_COUNT, "households");
	kv_json(&k, "target date", m, "target.date", F_TEXT, "");
	kv_json(&k, "P(caseload <= target)", m, "target.p", F_SHARE, "share of replicates");
	kv_json(&k, "replicates at or below the target", m, "target.replicates_at_or_below", F_INT, "");
	kv_json(&k, "posterior", m, "posterior.path", F_TEXT, "");
	kv_json(&k, "90% interval on the split date", m, "posterior.interval_date", F_TEXT, "");
	kv_json(&k, "90% interval width, posterior", m, "posterior.interval_width", F_COUNT, "households");
	kv_json(&k, "90% interval width, priors alone", m, "posterior.interval_width_priors_alone",
		F_COUNT, "households");
	kv_json(&k, "stroom version", m, "stroom_version", F_TEXT, "");
	kv_json(&k, "created (UTC)", m, "created_utc", F_TEXT, "");
	kv_text(&k, "run directory", dir);
	kv_inputs(&k, json_object_get(m, "inputs"), "input file");
	k.row++;
	kv_text(&k, "sheets", "per_year: the key results per year (summary.txt); series_p50, series_mean, "
			      "series_p05, series_p95: series.csv wide, one row per month and one column "
			      "per indicator and group; series: series.csv long with every statistic; "
			      "budget: budget.csv; scenario: every resolved value with its source "
			      "(docs/xlsx.md)");
}

/* The per-year sheet: summary.txt's tables, from the files. */
static void run_per_year(book *b, const run *r)
{
	static const char *const cols[] = {
		"year", "caseload 1 Jan p50 (households)", "caseload 1 Jan p05 (households)",
		"caseload 1 Jan p95 (households)", ">5y share 1 Jan (ratio of means)",
		"long distance share 1 Jan (ratio of means)", "inflow new (households, mean)",
		"returns (households, mean)", "exits to work (households, mean)",
		"exits to LKS (households, mean)", "other exits (households, mean)",
		"enforcement exits (households, mean)", "pension exits (households, mean)",
		"benefits (EUR, mean)", "LKS (EUR, mean)", "instruments (EUR, mean)",
		"recoveries (EUR, mean)", "BUIG budget (EUR, p50)", "BUIG result (EUR, p50)",
		"BUIG result p05 (EUR)", "BUIG result p95 (EUR)", "BUIG result (percent, p50)",
		"safety net (EUR, mean)", "execution costs (EUR, mean)", "months simulated"};
	static const char *const flows[] = {"inflow_new", "exit_work", "exit_lks", "exit_other",
					    "exit_enforcement", "exit_pension"};
	static const char *const money[] = {"spending_benefit_eurocent", "spending_lks_eurocent",
					    "spending_instruments_eurocent", "recoveries_eurocent"};
	static const int fmts[] = {F_INT,   F_COUNT, F_COUNT, F_COUNT, F_SHARE, F_SHARE, F_COUNT,
				   F_COUNT, F_COUNT, F_COUNT, F_COUNT, F_COUNT, F_COUNT, F_EUR,
				   F_EUR,   F_EUR,   F_EUR,   F_EUR,   F_EUR,   F_EUR,   F_EUR,
				   F_PCT,   F_EUR,   F_EUR,   F_INT};
	double widths[STROOM_ARRAY_LEN(cols)];
	lxw_worksheet *ws = sheet(b, "per_year");
	uint32_t row = 1;
	int y, y0, y1, m, i;
	if (!ws || r->months.n == 0)
		return;
	for (i = 0; i < (int)STROOM_ARRAY_LEN(cols); i++)
		widths[i] = i ? 16 : 8;
	header(b, ws, cols, widths, (int)STROOM_ARRAY_LEN(cols), 1);
	note(b, worksheet_set_row(ws, 0, 60, b->f[F_HEAD_WRAP]));
	y0 = atoi(r->months.a[0]);
	y1 = atoi(r->months.a[r->months.n - 1]);
	for (y = y0; y <= y1 && y - y0 < 1000; y++, row++) {
		double v[STROOM_ARRAY_LEN(cols)];
		char jan[16], year[16];
		int months = 0, jm;
		for (i = 0; i < (int)STROOM_ARRAY_LEN(cols); i++)
			v[i] = NAN;
		v[0] = y;
		snprintf(jan, sizeof jan, "%04d-01", y);
		snprintf(year, sizeof year, "%d", y);
		jm = pairset_find((pairset *)&r->months, jan, "", 0);
		if (jm >= 0) {
			double all = sval(r, jm, "caseload", "all", S_MEAN);
			v[1] = sval(r, jm, "caseload", "all", S_P50);
			v[2] = sval(r, jm, "caseload", "all", S_P05);
			v[3] = sval(r, jm, "caseload", "all", S_P95);
			if (all > 0) {
				v[4] = sval(r, jm, "caseload", ">5y", S_MEAN) / all;
				v[5] = sval(r, jm, "caseload", "long", S_MEAN) / all;
			}
		}
		for (i = 6; i < 17; i++)
			v[i] = 0;
		for (m = 0; m < r->months.n; m++) {
			if (atoi(r->months.a[m]) != y)
				continue;
			months++;
			v[6] += sval(r, m, "inflow_new", "all", S_MEAN);
			v[7] += sval(r, m, "inflow_return", "all", S_MEAN);
			for (i = 1; i < (int)STROOM_ARRAY_LEN(flows); i++)
				v[7 + i] += sval(r, m, flows[i], "all", S_MEAN);
			for (i = 0; i < (int)STROOM_ARRAY_LEN(money); i++)
				v[13 + i] += sval(r, m, money[i], "all", S_MEAN) / 100.0;
		}
		v[17] = bval(r, year, "budget", S_P50);
		v[18] = bval(r, year, "result", S_P50);
		v[19] = bval(r, year, "result", S_P05);
		v[20] = bval(r, year, "result", S_P95);
		v[21] = bval(r, year, "result_pct", S_P50);
		v[22] = bval(r, year, "safety_net", S_MEAN);
		v[23] = bval(r, year, "execution_cost", S_MEAN);
		v[24] = months;
		for (i = 0; i < (int)STROOM_ARRAY_LEN(cols); i++)
			put_num(b, ws, row, i, v[i], fmts[i]);
	}
}

/* series_STAT: one row per month, one column per indicator and group. */
static void run_wide(book *b, const run *r, const char *name, int s)
{
	lxw_worksheet *ws = sheet(b, name);
	char head[600];
	int c, m;
	if (!ws)
		return;
	note(b, worksheet_set_column(ws, 0, 0, 9, NULL));
	if (r->cols.n > 0)
		note(b, worksheet_set_column(ws, 1, (lxw_col_t)r->cols.n, 15, NULL));
	worksheet_freeze_panes(ws, 1, 1);
	note(b, worksheet_set_row(ws, 0, 75, b->f[F_HEAD_WRAP]));
	put_text(b, ws, 0, 0, "month", F_HEAD_WRAP);
	for (c = 0; c < r->cols.n; c++) {
		snprintf(head, sizeof head, "%s: %s (%s)", r->cols.a[c], r->cols.b[c],
			 series_unit(r->cols.a[c]));
		put_text(b, ws, 0, c + 1, head, F_HEAD_WRAP);
	}
	for (m = 0; m < r->months.n; m++) {
		put_text(b, ws, (uint32_t)m + 1, 0, r->months.a[m], F_TEXT);
		for (c = 0; c < r->cols.n; c++) {
			int i = r->cell[(size_t)m * (size_t)r->cols.n + (size_t)c];
			if (i >= 0)
				put_num(b, ws, (uint32_t)m + 1, c + 1, r->series.row[i].v[s],
					unit_format(series_unit(r->cols.a[c])));
		}
	}
}

/* A long table: its key columns, a unit column (the unit of the indicator in key
 * column ind), then the numbers (series, budget, compare). */
static void long_sheet(book *b, const table *t, const char *name, int ind,
		       const char *(*unit)(const char *), int period_first)
{
	const char *cols[3 + 1 + TAB_MAX_NUM];
	double widths[3 + 1 + TAB_MAX_NUM];
	lxw_worksheet *ws = sheet(b, name);
	int i, j, n = t->nkeys + 1 + t->nnum;
	if (!ws)
		return;
	for (i = 0; i < n; i++) {
		int from = i < t->nkeys ? i : i - 1;
		cols[i] = i == t->nkeys ? "unit" : t->cols[from];
		widths[i] = i == 0 ? 10 : i == ind ? 30 : i < t->nkeys ? 14 : i == t->nkeys ? 22 : 16;
	}
	header(b, ws, cols, widths, n, t->nkeys);
	for (i = 0; i < t->nrows; i++) {
		const struct trow *row = &t->row[i];
		const char *u = unit(row->key[ind]);
		uint32_t rr = (uint32_t)i + 1;
		if (period_first)
			put_period(b, ws, rr, 0, row->key[0]);
		else
			put_text(b, ws, rr, 0, row->key[0], F_TEXT);
		for (j = 1; j < t->nkeys; j++)
			put_text(b, ws, rr, j, row->key[j], F_TEXT);
		put_text(b, ws, rr, t->nkeys, u, F_TEXT);
		for (j = 0; j < t->nnum; j++)
			put_num(b, ws, rr, t->nkeys + 1 + j, row->v[j], unit_format(u));
	}
}

static int run_book(book *b, const char *dir)
{
	run r;
	int err;
	memset(&r, 0, sizeof r);
	if ((err = run_load(&r, dir)) == 0) {
		run_summary(b, &r, dir);
		run_per_year(b, &r);
		run_wide(b, &r, "series_p50", S_P50);
		run_wide(b, &r, "series_mean", S_MEAN);
		run_wide(b, &r, "series_p05", S_P05);
		run_wide(b, &r, "series_p95", S_P95);
		long_sheet(b, &r.series, "series", 1, series_unit, 0);
		if (r.has_budget)
			long_sheet(b, &r.budget, "budget", 1, budget_unit, 1);
		scenario_sheet(b, "scenario", json_object_get(r.manifest, "scenario"),
			       json_object_get(r.manifest, "scenario_sources"));
	}
	run_free(&r);
	return err;
}

/* ---- a compare ---- */

static const char *const compare_cols[] = {"period",   "indicator", "a_mean",   "b_mean",  "diff_mean",
					   "diff_se",  "diff_p05",  "diff_p50", "diff_p95"};
enum { C_A, C_B, C_MEAN, C_SE, C_P05, C_P50, C_P95 };

static void compare_summary(book *b, const json_t *m, const char *dir)
{
	kv k = summary_sheet(b, "stroom compare");
	const json_t *a = json_object_get(json_object_get(m, "a"), "scenario");
	const json_t *bb = json_object_get(json_object_get(m, "b"), "scenario");
	if (!k.ws)
		return;
	kv_json(&k, "A", a, "name", F_TEXT, "");
	kv_json(&k, "A description", a, "description", F_TEXT, "");
	kv_json(&k, "B", bb, "name", F_TEXT, "");
	kv_json(&k, "B description", bb, "description", F_TEXT, "");
	kv_json(&k, "first month", a, "start", F_TEXT, "");
	kv_json(&k, "last month", a, "end", F_TEXT, "");
	kv_json(&k, "replicates", m, "replicates", F_INT, "");
	kv_json(&k, "seed", m, "seed", F_INT, "");
	kv_json(&k, "paired", m, "paired", F_TEXT, "");
	kv_json(&k, "target", m, "target.households", F_COUNT, "households");
	kv_json(&k, "target date", m, "target.date", F_TEXT, "");
	kv_json(&k, "net cost basis", m, "net_cost_basis", F_TEXT, "");
	kv_json(&k, "stroom version", m, "stroom_version", F_TEXT, "");
	kv_text(&k, "compare directory", dir);
	kv_inputs(&k, json_object_get(json_object_get(m, "a"), "inputs"), "input file of A");
	kv_inputs(&k, json_object_get(json_object_get(m, "b"), "inputs"), "input file of B");
	k.row++;
	kv_text(&k, "sheets", "per_year: key rows of compare.csv per year (A, B and the paired "
			      "difference B - A); compare: compare.csv with units; scenario_a, "
			      "scenario_b: every resolved value with its source (docs/xlsx.md)");
}

/* per_year of a compare: a few indicators of compare.csv, one row per period. */
static void compare_per_year(book *b, const table *t)
{
	static const char *const inds[] = {"caseload_1jan", "p_caseload_1jan_le_target", "exit_work",
					   "spending_benefit_eur", "budget_result_eur",
					   "execution_cost_eur"};
	static const char *const stat[] = {"A mean", "B mean", "B - A mean", "B - A p05", "B - A p95"};
	static const int si[] = {C_A, C_B, C_MEAN, C_P05, C_P95};
	enum { NI = STROOM_ARRAY_LEN(inds), NS = STROOM_ARRAY_LEN(stat) };
	char names[NI * NS][160];
	const char *cols[1 + NI * NS];
	double widths[1 + NI * NS];
	lxw_worksheet *ws = sheet(b, "per_year");
	pairset rows;
	uint32_t row = 0;
	const char *last = NULL;
	int i, j, s;
	if (!ws || pairset_init(&rows, t->nrows + 1) != 0) {
		note(b, LXW_ERROR_MEMORY_MALLOC_FAILED);
		if (ws)
			pairset_free(&rows);
		return;
	}
	cols[0] = "period";
	widths[0] = 9;
	for (i = 0; i < NI; i++)
		for (s = 0; s < NS; s++) {
			snprintf(names[i * NS + s], sizeof names[0], "%s %s (%s)", inds[i], stat[s],
				 compare_unit(inds[i]));
			cols[1 + i * NS + s] = names[i * NS + s];
			widths[1 + i * NS + s] = 15;
		}
	header(b, ws, cols, widths, 1 + NI * NS, 1);
	note(b, worksheet_set_row(ws, 0, 75, b->f[F_HEAD_WRAP]));
	for (i = 0; i < t->nrows; i++)
		pairset_find(&rows, t->row[i].key[0], t->row[i].key[1], 1);
	for (i = 0; i < t->nrows; i++) {
		const char *period = t->row[i].key[0];
		if (last && !strcmp(last, period))
			continue;
		last = period;
		for (j = 0; j < NI; j++)
			if (pairset_find(&rows, period, inds[j], 0) >= 0)
				break;
		if (j == NI)
			continue; /* a period without these rows (the target date, "all") */
		row++;
		put_period(b, ws, row, 0, period);
		for (j = 0; j < NI; j++) {
			int k = pairset_find(&rows, period, inds[j], 0);
			if (k < 0)
				continue;
			for (s = 0; s < NS; s++)
				put_num(b, ws, row, 1 + j * NS + s, t->row[k].v[si[s]],
					unit_format(compare_unit(inds[j])));
		}
	}
	pairset_free(&rows);
}

static int compare_book(book *b, const char *dir)
{
	table t;
	json_t *m = NULL;
	int err;
	if ((err = table_read(&t, dir, "compare.csv", compare_cols, 2, 7, 0, NULL)) == 0 &&
	    (err = json_read(dir, "manifest.json", &m)) == 0) {
		const json_t *a = json_object_get(m, "a"), *bb = json_object_get(m, "b");
		compare_summary(b, m, dir);
		compare_per_year(b, &t);
		long_sheet(b, &t, "compare", 1, compare_unit, 1);
		scenario_sheet(b, "scenario_a", json_object_get(a, "scenario"),
			       json_object_get(a, "scenario_sources"));
		scenario_sheet(b, "scenario_b", json_object_get(bb, "scenario"),
			       json_object_get(bb, "scenario_sources"));
	}
	json_decref(m);
	table_free(&t);
	return err;
}

/* ---- the file ---- */

int stroom_xlsx_check_path(const char *path)
{
	char dir[4096];
	const char *base;
	struct stat st;
	if (!path || !*path)
		return stroom_error_set(STROOM_EINVAL, "--xlsx: expected a file name ending in .xlsx, got ''");
	if (!ends_with(path, ".xlsx"))
		return stroom_error_set(STROOM_EINVAL, "--xlsx: expected a file name ending in .xlsx, "
						       "got '%s'", path);
	if (lstat(path, &st) == 0)
		return stroom_error_set(STROOM_EINVAL, "'%s' already exists; remove it or choose "
						       "another --xlsx", path);
	stroom_path_split(path, dir, sizeof dir, &base);
	if (strlen(path) >= 4000 || !*base)
		return stroom_error_set(STROOM_EINVAL, "--xlsx: '%s' is not a file name", path);
	if (stat(dir, &st) != 0)
		return stroom_error_set(STROOM_EINVAL, "cannot write '%s': '%s': %s", path, dir,
					strerror(errno));
	if (!S_ISDIR(st.st_mode))
		return stroom_error_set(STROOM_EINVAL, "cannot write '%s': '%s' is not a directory",
					path, dir);
	if (access(dir, W_OK | X_OK) != 0)
		return stroom_error_set(STROOM_EINVAL, "cannot write '%s': %s", path, strerror(errno));
	return 0;
}

/* Flushes the closed file at path to disk: 0, or the errno. */
static int sync_file(const char *path)
{
	int fd = open(path, O_RDONLY), e = 0;
	if (fd < 0)
		return errno;
	if (fsync(fd) != 0)
		e = errno;
	if (close(fd) != 0 && !e)
		e = errno;
	return e;
}

int stroom_xlsx_from_dir(const char *dir, const char *xlsx_path)
{
	char parent[4096], tmp[4400], probe[4200];
	const char *base;
	struct stat st;
	book b;
	lxw_error le;
	int err, is_compare, e;

	if (!dir || !xlsx_path)
		return stroom_error_set(STROOM_EINVAL, "stroom_xlsx_from_dir: expected a directory "
						       "and a file, got NULL");
	if ((err = stroom_xlsx_check_path(xlsx_path)) != 0)
		return err;
	snprintf(probe, sizeof probe, "%s/compare.csv", dir);
	is_compare = stat(probe, &st) == 0;
	stroom_path_split(xlsx_path, parent, sizeof parent, &base);
	snprintf(tmp, sizeof tmp, "%s/.%s.tmp-%ld", parent, base, (long)getpid());
	if ((err = book_open(&b, tmp, parent)) != 0) {
		if (b.wb)
			lxw_workbook_free(b.wb);
		return err;
	}
	workbook_set_properties(b.wb, &(lxw_doc_properties){
					      .title = is_compare ? "stroom compare" : "stroom run",
					      .comments = "made by stroom from a run directory"});
	err = is_compare ? compare_book(&b, dir) : run_book(&b, dir);
	le = workbook_close(b.wb); /* frees the workbook, also after an error */
	if (!err && b.err != LXW_NO_ERROR)
		err = stroom_error_set(b.err == LXW_ERROR_MEMORY_MALLOC_FAILED ? STROOM_ENOMEM
										: STROOM_EINVAL,
				       "cannot write '%s': %s", xlsx_path, lxw_strerror(b.err));
	if (!err && le != LXW_NO_ERROR)
		err = stroom_error_set(STROOM_EIO, "cannot write '%s': %s", xlsx_path,
				       lxw_strerror(le));
	if (!err && (e = sync_file(tmp)) != 0)
		err = stroom_error_set(STROOM_EIO, "cannot write '%s': %s", xlsx_path, strerror(e));
	if (!err && stroom_rename_noreplace(tmp, xlsx_path) != 0)
		err = errno == EEXIST
			      ? stroom_error_set(STROOM_EIO, "'%s' was made meanwhile by another process; "
							     "this workbook was not written", xlsx_path)
			      : stroom_error_set(STROOM_EIO, "cannot write '%s': %s", xlsx_path,
						 strerror(errno));
	if (err)
		unlink(tmp);
	return err;
}
