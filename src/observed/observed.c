/*
 * observed.c: the reader of observed series (include/stroom/observed.h, the
 * format in docs/observed.md). One pass of the CSV reader (src/core/csv.c) over a
 * private copy of the text, which is cut into fields in place (quoted fields
 * unquoted in place, so a row's source points into it); every row is checked as it is read and duplicates are found
 * with a small hash table of the rows' keys.
 */
#include <stroom/observed.h>
#include <stroom/sim.h>

#include "csv.h"
#include "internal.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct stroom_observed {
	stroom_allocator al;
	char *path;
	char *text; /* the copy the rows' sources point into */
	stroom_obs_row *rows;
	size_t n, cap;
};

enum { NCOLS = 6 };
static const char *const columns[NCOLS] = {"period", "indicator", "group",
					   "value",  "unit",      "source"};
enum { C_PERIOD, C_INDICATOR, C_GROUP, C_VALUE, C_UNIT, C_SOURCE };

static const struct {
	const char *name;
	int id, stock;
} indicators[] = {
	{"caseload", STROOM_IND_CASELOAD, 1},
	{"inflow_new", STROOM_IND_INFLOW_NEW, 0},
	{"inflow_return", STROOM_IND_INFLOW_RETURN, 0},
	{"exit_work", STROOM_IND_EXIT_WORK, 0},
	{"exit_lks", STROOM_IND_EXIT_LKS, 0},
	{"exit_other", STROOM_IND_EXIT_OTHER, 0},
	{"exit_enforcement", STROOM_IND_EXIT_ENFORCEMENT, 0},
	{"exit_pension", STROOM_IND_EXIT_PENSION, 0},
	{"inflow", STROOM_OBS_IND_INFLOW, 0},
	{"exits", STROOM_OBS_IND_EXITS, 0},
	{"applications", STROOM_OBS_IND_APPLICATIONS, 0},
	{"reexaminations", STROOM_OBS_IND_REEXAMINATIONS, 0},
};
#define INDICATOR_LIST                                                                        \
	"caseload, inflow_new, inflow_return, exit_work, exit_lks, exit_other, "              \
	"exit_enforcement, exit_pension, inflow, exits, applications or reexaminations"

static const char *const units[] = {"households", "benefits", "persons", "share"};

/* Group names of the results that are not of the form [a-z0-9_]+. */
static const char *const special_groups[] = {"<1y", "1-2y", "2-5y", ">5y",
					     "<27", "27-39", "40-54", "55+"};

const char *stroom_observed_unit_name(int unit)
{
	return unit >= 0 && (size_t)unit < STROOM_ARRAY_LEN(units) ? units[unit] : NULL;
}

const char *stroom_observed_indicator_name(int ind)
{
	size_t i;
	for (i = 0; i < STROOM_ARRAY_LEN(indicators); i++)
		if (indicators[i].id == ind)
			return indicators[i].name;
	return NULL;
}

size_t stroom_observed_count(const stroom_observed *o) { return o ? o->n : 0; }

const stroom_obs_row *stroom_observed_row(const stroom_observed *o, size_t i)
{
	return o && i < o->n ? &o->rows[i] : NULL;
}

const char *stroom_observed_path(const stroom_observed *o) { return o ? o->path : NULL; }

void stroom_observed_free(stroom_observed *o)
{
	stroom_allocator al;
	if (!o)
		return;
	al = o->al;
	stroom_free(&al, o->rows);
	stroom_free(&al, o->text);
	stroom_free(&al, o->path);
	stroom_free(&al, o);
}

/* ---- values ---- */

static int bad(const stroom_csv *r, int i, const char *expected)
{
	return stroom_csv_bad(r, STROOM_EINVAL, i, expected);
}

static int digits(const char *s, int n)
{
	int i, v = 0;
	for (i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	return v;
}

static int days_in_month(int y, int m)
{
	static const int d[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	if (m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0))
		return 29;
	return d[m - 1];
}

/* Parses a period: YYYY-MM-DD (months 0), YYYY-MM (1), YYYY-Qn (3), YYYY (12).
 * A day other than the 1st counts on the 1st of the next month. 0 or -1. */
static int parse_period(const char *s, stroom_month *m, int *months)
{
	size_t n = strlen(s);
	int y = digits(s, 4), mo, d;
	if (n < 4 || y < 1900 || y > 2199)
		return -1;
	if (n == 4) {
		*m = stroom_month_make(y, 1);
		*months = 12;
		return 0;
	}
	if (s[4] != '-')
		return -1;
	if (n == 7 && s[5] == 'Q') {
		int q = digits(s + 6, 1);
		if (q < 1 || q > 4)
			return -1;
		*m = stroom_month_make(y, 3 * q - 2);
		*months = 3;
		return 0;
	}
	mo = n >= 7 ? digits(s + 5, 2) : -1;
	if (mo < 1 || mo > 12)
		return -1;
	if (n == 7) {
		*m = stroom_month_make(y, mo);
		*months = 1;
		return 0;
	}
	if (n != 10 || s[7] != '-')
		return -1;
	d = digits(s + 8, 2);
	if (d < 1 || d > days_in_month(y, mo))
		return -1;
	*m = stroom_month_make(y, mo) + (d > 1);
	*months = 0;
	return 0;
}

static int group_ok(const char *g)
{
	size_t i, n = strlen(g);
	for (i = 0; i < STROOM_ARRAY_LEN(special_groups); i++)
		if (!strcmp(g, special_groups[i]))
			return 1;
	if (n == 0 || n >= sizeof(((stroom_obs_row *)0)->group))
		return 0;
	for (i = 0; i < n; i++)
		if (!((g[i] >= 'a' && g[i] <= 'z') || (g[i] >= '0' && g[i] <= '9') || g[i] == '_'))
			return 0;
	return 1;
}

/* ---- duplicates ---- */

static uint64_t row_hash(const stroom_obs_row *r)
{
	uint64_t h = 1469598103934665603ull;
	const char *g;
	h = (h ^ (uint64_t)(uint32_t)r->month) * 1099511628211ull;
	h = (h ^ (uint64_t)(uint32_t)r->months) * 1099511628211ull;
	h = (h ^ (uint64_t)(uint32_t)r->indicator) * 1099511628211ull;
	h = (h ^ (uint64_t)(uint32_t)r->unit) * 1099511628211ull;
	for (g = r->group; *g; g++)
		h = (h ^ (unsigned char)*g) * 1099511628211ull;
	return h;
}

static int same_key(const stroom_obs_row *a, const stroom_obs_row *b)
{
	return a->month == b->month && a->months == b->months && a->indicator == b->indicator &&
	       a->unit == b->unit && !strcmp(a->group, b->group);
}

/* Reports the first row that repeats an earlier row's key. */
static int check_duplicates(const stroom_observed *o, const stroom_csv *r)
{
	size_t cap = 16, i, *slot;
	int err = 0;
	while (cap < 2 * o->n)
		cap *= 2;
	slot = stroom_malloc(&o->al, cap * sizeof *slot);
	if (!slot)
		return STROOM_ENOMEM;
	for (i = 0; i < cap; i++)
		slot[i] = (size_t)-1;
	for (i = 0; i < o->n && !err; i++) {
		size_t k = (size_t)row_hash(&o->rows[i]) & (cap - 1);
		while (slot[k] != (size_t)-1 && !same_key(&o->rows[slot[k]], &o->rows[i]))
			k = (k + 1) & (cap - 1);
		if (slot[k] == (size_t)-1) {
			slot[k] = i;
		} else {
			const stroom_obs_row *a = &o->rows[slot[k]], *b = &o->rows[i];
			char when[8];
			err = stroom_error_set(
				STROOM_EINVAL,
				"%s:%d:1: column period: expected one row per period, indicator, "
				"group and unit, got a second %s %s of %s for %s %s (line %d%s)",
				r->path, b->line, b->months ? "flow" : "stock",
				stroom_observed_indicator_name(b->indicator),
				stroom_month_format(b->month, when, sizeof when), b->group,
				units[b->unit], a->line,
				b->months ? "" : "; a stock on a day after the 1st counts on the 1st "
						 "of the next month");
		}
	}
	stroom_free(&o->al, slot);
	return err;
}

/* ---- rows ---- */

static int parse_row(stroom_csv *r, stroom_obs_row *row)
{
	size_t i;
	int ind = -1, stock = 0;
	char *end;
	const char *src;
	memset(row, 0, sizeof *row);
	row->line = r->line;
	if (parse_period(r->f[C_PERIOD], &row->month, &row->months))
		return bad(r, C_PERIOD,
			   "a period YYYY-MM-DD (a stock on that day), YYYY-MM, YYYY-Qn or YYYY "
			   "(a flow), years 1900-2199");
	for (i = 0; i < STROOM_ARRAY_LEN(indicators); i++)
		if (!strcmp(r->f[C_INDICATOR], indicators[i].name)) {
			ind = indicators[i].id;
			stock = indicators[i].stock;
		}
	if (ind < 0)
		return bad(r, C_INDICATOR, "one of " INDICATOR_LIST);
	row->indicator = ind;
	if (stock && row->months)
		return stroom_error_set(STROOM_EINVAL,
					"%s:%d:%d: column period: expected a day YYYY-MM-DD for the "
					"stock '%s' (counted on that day), got '%s'",
					r->path, r->line, r->col[C_PERIOD], r->f[C_INDICATOR],
					r->f[C_PERIOD]);
	if (!stock && !row->months)
		return stroom_error_set(STROOM_EINVAL,
					"%s:%d:%d: column period: expected a month YYYY-MM, quarter "
					"YYYY-Qn or year YYYY for the flow '%s', got '%s'",
					r->path, r->line, r->col[C_PERIOD], r->f[C_INDICATOR],
					r->f[C_PERIOD]);
	if (!group_ok(r->f[C_GROUP]))
		return bad(r, C_GROUP,
			   "'all' or a results group name (short, >5y, <27, single, an area, ...: "
			   "[a-z0-9_]+, at most 31 characters)");
	snprintf(row->group, sizeof row->group, "%s", r->f[C_GROUP]);
	row->unit = -1;
	for (i = 0; i < STROOM_ARRAY_LEN(units); i++)
		if (!strcmp(r->f[C_UNIT], units[i]))
			row->unit = (int)i;
	if (row->unit < 0)
		return bad(r, C_UNIT, "households, benefits, persons or share");
	{
		const char *v = r->f[C_VALUE];
		int ok = *v && !(*v == ' ' || *v == '\t' || *v == '+');
		if (ok) {
			row->value = strtod(v, &end);
			ok = *end == '\0' && isfinite(row->value);
		}
		if (!ok)
			return bad(r, C_VALUE, "a number");
		if (row->value < 0)
			return bad(r, C_VALUE, "a count or share >= 0");
		if (row->unit == STROOM_OBS_UNIT_SHARE) {
			if (row->months)
				return stroom_error_set(
					STROOM_EINVAL,
					"%s:%d:%d: column unit: expected households, benefits or "
					"persons for the flow '%s' (a share is of a stock), got 'share'",
					r->path, r->line, r->col[C_UNIT], r->f[C_INDICATOR]);
			if (row->value > 1)
				return bad(r, C_VALUE, "a share in [0, 1]");
		}
	}
	for (src = r->f[C_SOURCE]; *src == ' ' || *src == '\t'; src++)
		;
	if (!*src)
		return bad(r, C_SOURCE, "the source of the value (a document, table or page)");
	row->source = r->f[C_SOURCE];
	return 0;
}

static int parse(stroom_observed *o)
{
	stroom_csv r;
	int err;
	if ((err = stroom_csv_open(&r, o->text, o->path, columns, NCOLS, NCOLS,
				   STROOM_CSV_WITH_COL | STROOM_CSV_MISSING_AS_COLUMN |
					   STROOM_CSV_NAME_COLUMNS | STROOM_CSV_MISSING_AT_END)) != 0)
		return err;
	while ((err = stroom_csv_next(&r)) > 0) {
		if (r.n != NCOLS)
			return stroom_error_set(STROOM_EPARSE,
						"%s:%d:%d: expected %d fields "
						"(period,indicator,group,value,unit,source), got %d",
						o->path, r.line, r.n > NCOLS ? r.col[NCOLS - 1] : r.end_col,
						NCOLS, r.n);
		if (o->n >= STROOM_LIMIT_OBSERVED_ROWS)
			return stroom_error_set(STROOM_EINVAL,
						"%s:%d:1: expected at most %d rows, got more",
						o->path, r.line, STROOM_LIMIT_OBSERVED_ROWS);
		if (o->n == o->cap) {
			size_t cap = o->cap ? 2 * o->cap : 64;
			stroom_obs_row *rows = stroom_realloc(&o->al, o->rows, cap * sizeof *rows);
			if (!rows)
				return STROOM_ENOMEM;
			o->rows = rows;
			o->cap = cap;
		}
		if ((err = parse_row(&r, &o->rows[o->n])) != 0)
			return err;
		o->n++;
	}
	if (err < 0)
		return err;
	return check_duplicates(o, &r);
}

int stroom_observed_load_string(stroom_observed **out, const char *text, size_t len,
				const char *name, const stroom_allocator *al)
{
	stroom_observed *o;
	int err;
	*out = NULL;
	if (!name)
		name = "observed";
	if (len > STROOM_LIMIT_OBSERVED)
		return stroom_error_set(STROOM_EINVAL,
					"'%s' is larger than the limit of %zu MiB for %s", name,
					STROOM_LIMIT_OBSERVED >> 20,
					stroom_input_name(STROOM_INPUT_OBSERVED));
	if ((err = stroom_text_check(text, len, name, 0)) != 0)
		return err;
	al = stroom_alloc_or_default(al);
	o = stroom_calloc(al, 1, sizeof *o);
	if (!o)
		return STROOM_ENOMEM;
	o->al = *al;
	o->path = stroom_strdup(al, name);
	o->text = stroom_malloc(al, len + 1);
	if (!o->path || !o->text) {
		stroom_observed_free(o);
		return STROOM_ENOMEM;
	}
	if (len)
		memcpy(o->text, text, len);
	o->text[len] = '\0';
	if ((err = parse(o)) != 0) {
		stroom_observed_free(o);
		return err;
	}
	*out = o;
	return 0;
}

int stroom_observed_load(stroom_observed **out, const char *path, const stroom_allocator *al)
{
	char *text = NULL;
	size_t len = 0;
	int err;
	*out = NULL;
	al = stroom_alloc_or_default(al);
	err = stroom_read_file(al, path, STROOM_INPUT_OBSERVED, "observed: ", &text, &len);
	if (err)
		return err;
	err = stroom_observed_load_string(out, text, len, path, al);
	stroom_free(al, text);
	return err;
}
