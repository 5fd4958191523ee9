/*
 * budget.c: the BUIG budget against spending. Loading reads a budget table
 * (data/budget/NAME.csv, compiled in by cmake/embed.cmake, or a file) and
 * the safety-net rules (data/budget/safety-net.csv) into arrays of rows that
 * point into one private copy of each text. stroom_budget_compute() is the pure
 * one-year computation the run calls per replicate and year: result, safety net,
 * own risk and the volume/price split, all in int64 eurocent without allocating.
 * The panel part reads a many-municipality table and computes seed 003's
 * analysis: results per year, multi-year counts, and deficit/surplus groups on
 * the volume component with the univariate R-squared (GSL).
 *
 * The CSV files are read with the library's small reader (csv.c, shared with
 * data/rules): comments (#), blank lines, a UTF-8 BOM and CRLF are allowed; fields
 * hold no commas and no quotes.
 */
#include "builtin.h"
#include "csv.h"
#include "internal.h"

#include <stroom/budget.h>

#include <gsl/gsl_statistics_double.h>

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PPM STROOM_BUDGET_PPM

/* The builtin data (generated budget_data.c): names without ".csv", NULL-terminated. */

#define SAFETY_NET_NAME "safety-net"

/* ---- field parsers ------------------------------------------------------------- */

#define MONEY_EXPECTED "an amount in euro with at most 2 decimals, like 817350000.00"

/* Euro with at most 2 decimals and an optional '-' into eurocent, |v| within
 * STROOM_BUDGET_MAX_EUROCENT. Returns 0, or 1 when malformed. */
static int parse_money(const char *s, int64_t *out)
{
	int64_t v = 0;
	int neg = 0, digits = 0, dec = 0;
	if (*s == '-') {
		neg = 1;
		s++;
	}
	for (; *s >= '0' && *s <= '9'; s++) {
		if (++digits > 13)
			return 1;
		v = v * 10 + (*s - '0');
	}
	v *= 100;
	if (*s == '.') {
		for (s++; *s >= '0' && *s <= '9'; s++, dec++) {
			if (dec >= 2)
				return 1;
			v += (*s - '0') * (dec ? 1 : 10);
		}
		if (!dec)
			return 1;
	}
	if (*s || !digits || v > STROOM_BUDGET_MAX_EUROCENT)
		return 1;
	*out = neg ? -v : v;
	return 0;
}

static int field_money(const stroom_csv *c, int i, int allow_empty, int64_t *out)
{
	if (allow_empty && !c->f[i][0]) {
		*out = STROOM_BUDGET_UNKNOWN;
		return 0;
	}
	if (parse_money(c->f[i], out))
		return stroom_csv_bad(c, STROOM_EPARSE, i,
				      allow_empty ? MONEY_EXPECTED " or empty" : MONEY_EXPECTED);
	return 0;
}

/* A share from 0 to 1 ("0.075" or "7.5%"), at most 6 decimals of a unit, in ppm.
 * Returns 0, or 1 when malformed or above 1. */
static int parse_share(const char *s, int32_t *out)
{
	int64_t v = 0, scale = PPM;
	int digits = 0, dec = 0;
	for (; *s >= '0' && *s <= '9'; s++) {
		if (++digits > 4)
			return 1;
		v = v * 10 + (*s - '0');
	}
	v *= PPM;
	if (*s == '.') {
		for (s++; *s >= '0' && *s <= '9'; s++, dec++) {
			if (dec >= 6)
				return 1;
			scale /= 10;
			v += (*s - '0') * scale;
		}
		if (!dec)
			return 1;
	}
	if (!digits)
		return 1;
	if (*s == '%') {
		s++;
		if (v % 100)
			return 1;
		v /= 100;
	}
	if (*s || v > PPM)
		return 1;
	*out = (int32_t)v;
	return 0;
}

#define SHARE_EXPECTED "a share from 0 to 1 (e.g. 0.075) or a percentage (7.5%)"

static int field_share(const stroom_csv *c, int i, int allow_empty, int32_t *out)
{
	if (allow_empty && !c->f[i][0]) {
		*out = -1;
		return 0;
	}
	if (parse_share(c->f[i], out))
		return stroom_csv_bad(c, STROOM_EPARSE, i,
				      allow_empty ? SHARE_EXPECTED " or empty" : SHARE_EXPECTED);
	return 0;
}

static int field_year(const stroom_csv *c, int i, int *out)
{
	const char *s = c->f[i];
	int v = 0, n = 0;
	for (; *s >= '0' && *s <= '9' && n < 5; s++, n++)
		v = v * 10 + (*s - '0');
	if (*s || n != 4 || v < 1900 || v > 2200)
		return stroom_csv_bad(c, STROOM_EPARSE, i, "a year from 1900 to 2200");
	*out = v;
	return 0;
}

/* A non-negative decimal number (households), at most 1e9. */
static int field_count(const stroom_csv *c, int i, double *out)
{
	const char *s = c->f[i];
	int digits = 0, dec = 0;
	for (; *s >= '0' && *s <= '9'; s++)
		digits++;
	if (*s == '.')
		for (s++; *s >= '0' && *s <= '9'; s++)
			dec++;
	if (*s || !digits || (s[-1] == '.') || digits > 9 || dec > 6)
		return stroom_csv_bad(c, STROOM_EPARSE, i,
				      "a number of households of 0 or more with at most 6 decimals, like "
				      "31250.5");
	*out = strtod(c->f[i], NULL);
	return 0;
}

/* ---- the budget ---------------------------------------------------------------- */

struct stroom_budget {
	stroom_allocator alloc;
	char *table_text;
	char *rules_text;
	char table_path[512];
	char rules_path[512];
	stroom_budget_year *years; /* sorted by year */
	size_t nyears;
	stroom_safety_net_rule *rules; /* sorted by from_year */
	size_t nrules;
};

const char *stroom_budget_status_name(int status)
{
	switch (status) {
	case STROOM_BUDGET_PROVISIONAL:
		return "provisional";
	case STROOM_BUDGET_FURTHER_PROVISIONAL:
		return "further_provisional";
	case STROOM_BUDGET_FINAL:
		return "final";
	case STROOM_BUDGET_ASSUMPTION:
		return "assumption";
	default:
		return "?";
	}
}

/* Lists the builtin budget tables into buf ("rotterdam, ..."). */
static void builtin_list(char *buf, size_t size)
{
	stroom_sbuf b = {buf, size, 0};
	size_t i;
	int first = 1;
	buf[0] = '\0';
	for (i = 0; stroom_builtin_budgets[i].name; i++) {
		if (!strcmp(stroom_builtin_budgets[i].name, SAFETY_NET_NAME))
			continue;
		stroom_sbuf_printf(&b, "%s%s", first ? "" : ", ", stroom_builtin_budgets[i].name);
		first = 0;
	}
	if (first)
		stroom_sbuf_printf(&b, "none");
}

/* Copies the text of a file (path) or of the builtin name into *text. */
static int read_text(stroom_budget *b, const char *name, const char *path, char **text,
		     char *pathbuf, size_t pathsize)
{
	const stroom_builtin *e;
	size_t len;
	if (path) {
		snprintf(pathbuf, pathsize, "%s", path);
		return stroom_read_file(&b->alloc, path, STROOM_INPUT_BUDGET, "budget: ", text, &len);
	}
	e = stroom_builtin_find(stroom_builtin_budgets, name);
	if (!e || strcmp(e->name, name) != 0) {
		char list[256];
		builtin_list(list, sizeof list);
		if (!strcmp(name, SAFETY_NET_NAME))
			return stroom_error_set(
				STROOM_ENOTFOUND,
				"budget: no builtin data/budget/%s.csv (the file did "
				"not exist when the library was built)",
				name);
		return stroom_error_set(STROOM_ENOTFOUND,
					"budget: no builtin budget table '%s' (builtin: %s)", name,
					list);
	}
	snprintf(pathbuf, pathsize, "%s", e->path);
	*text = stroom_malloc(&b->alloc, e->size + 1);
	if (!*text)
		return STROOM_ENOMEM;
	memcpy(*text, e->text, e->size + 1);
	return 0;
}

static int cmp_year(const void *x, const void *y)
{
	const stroom_budget_year *a = x, *b = y;
	if (a->year != b->year)
		return a->year < b->year ? -1 : 1;
	return a->line < b->line ? -1 : a->line > b->line;
}

static int cmp_rule(const void *x, const void *y)
{
	const stroom_safety_net_rule *a = x, *b = y;
	if (a->from_year != b->from_year)
		return a->from_year < b->from_year ? -1 : 1;
	return a->line < b->line ? -1 : a->line > b->line;
}

static int load_table(stroom_budget *b)
{
	static const char *const cols[] = {
		"year",  "budget_eur",       "status",         "macro_budget_eur",
		"share", "other_income_eur", "recoveries_eur", "source",
		"note"};
	stroom_csv c;
	int err, rc;
	size_t i;
	const char *path = b->table_path;
	size_t nlines = stroom_csv_count_lines(b->table_text);
	if ((err = stroom_csv_open(&c, b->table_text, path, cols, 9, 9, STROOM_CSV_WITH_COL)) != 0)
		return err;
	b->years = stroom_calloc(&b->alloc, nlines, sizeof *b->years);
	if (!b->years)
		return STROOM_ENOMEM;
	while ((rc = stroom_csv_row(&c)) == 1) {
		stroom_budget_year *y = &b->years[b->nyears];
		const char *st = c.f[2];
		if ((err = field_year(&c, 0, &y->year)) != 0 ||
		    (err = field_money(&c, 1, 0, &y->budget_eurocent)) != 0)
			return err;
		if (y->budget_eurocent <= 0)
			return stroom_csv_bad(&c, STROOM_EINVAL, 1, "an amount above 0");
		if (!strcmp(st, "provisional"))
			y->status = STROOM_BUDGET_PROVISIONAL;
		else if (!strcmp(st, "further_provisional"))
			y->status = STROOM_BUDGET_FURTHER_PROVISIONAL;
		else if (!strcmp(st, "final"))
			y->status = STROOM_BUDGET_FINAL;
		else if (!strcmp(st, "assumption"))
			y->status = STROOM_BUDGET_ASSUMPTION;
		else
			return stroom_csv_bad(&c, STROOM_EPARSE, 2,
					      "provisional, further_provisional, final or assumption");
		if ((err = field_money(&c, 3, 1, &y->macro_budget_eurocent)) != 0 ||
		    (err = field_share(&c, 4, 1, &y->share_ppm)) != 0 ||
		    (err = field_money(&c, 5, 1, &y->other_income_eurocent)) != 0 ||
		    (err = field_money(&c, 6, 1, &y->recoveries_eurocent)) != 0)
			return err;
		if (y->macro_budget_eurocent != STROOM_BUDGET_UNKNOWN &&
		    y->macro_budget_eurocent <= 0)
			return stroom_csv_bad(&c, STROOM_EINVAL, 3, "an amount above 0 or empty");
		if (y->other_income_eurocent == STROOM_BUDGET_UNKNOWN)
			y->other_income_eurocent = 0;
		else if (y->other_income_eurocent < 0)
			return stroom_csv_bad(&c, STROOM_EINVAL, 5, "an amount of 0 or more or empty");
		if (y->recoveries_eurocent == STROOM_BUDGET_UNKNOWN)
			y->recoveries_eurocent = 0;
		else if (y->recoveries_eurocent < 0)
			return stroom_csv_bad(&c, STROOM_EINVAL, 6, "an amount of 0 or more or empty");
		if (y->status == STROOM_BUDGET_ASSUMPTION && strncmp(c.f[8], "assumption", 10))
			return stroom_csv_bad(&c, STROOM_EINVAL, 8,
					      "a note starting 'assumption' for status assumption");
		y->source = c.f[7];
		y->note = c.f[8];
		y->line = c.line;
		b->nyears++;
	}
	if (rc < 0)
		return rc;
	if (b->nyears == 0)
		return stroom_error_set(STROOM_EPARSE, "%s: no rows", path);
	qsort(b->years, b->nyears, sizeof *b->years, cmp_year);
	for (i = 1; i < b->nyears; i++)
		if (b->years[i].year == b->years[i - 1].year)
			return stroom_error_set(STROOM_EINVAL, "%s:%d: year %d repeats line %d",
						path, b->years[i].line, b->years[i].year,
						b->years[i - 1].line);
	return 0;
}

static int load_rules(stroom_budget *b)
{
	static const char *const cols[] = {"from_year",
					   "first_threshold",
					   "second_threshold",
					   "first_share",
					   "second_share",
					   "third_threshold",
					   "third_share",
					   "applies",
					   "article",
					   "source",
					   "note"};
	stroom_csv c;
	int err, rc;
	size_t i;
	const char *path = b->rules_path;
	size_t nlines = stroom_csv_count_lines(b->rules_text);
	if ((err = stroom_csv_open(&c, b->rules_text, path, cols, 11, 11, STROOM_CSV_WITH_COL)) != 0)
		return err;
	b->rules = stroom_calloc(&b->alloc, nlines, sizeof *b->rules);
	if (!b->rules)
		return STROOM_ENOMEM;
	while ((rc = stroom_csv_row(&c)) == 1) {
		stroom_safety_net_rule *r = &b->rules[b->nrules];
		int32_t third_t, third_s;
		if ((err = field_year(&c, 0, &r->from_year)) != 0 ||
		    (err = field_share(&c, 1, 0, &r->threshold_ppm[0])) != 0 ||
		    (err = field_share(&c, 2, 0, &r->threshold_ppm[1])) != 0 ||
		    (err = field_share(&c, 3, 0, &r->share_ppm[0])) != 0 ||
		    (err = field_share(&c, 4, 0, &r->share_ppm[1])) != 0 ||
		    (err = field_share(&c, 5, 1, &third_t)) != 0 ||
		    (err = field_share(&c, 6, 1, &third_s)) != 0)
			return err;
		if (r->threshold_ppm[1] <= r->threshold_ppm[0])
			return stroom_csv_bad(&c, STROOM_EINVAL, 2, "a threshold above first_threshold");
		if ((third_t < 0) != (third_s < 0))
			return stroom_csv_bad(&c, STROOM_EINVAL, third_t < 0 ? 5 : 6,
					      "third_threshold and third_share both given or both empty");
		r->nbands = 2;
		if (third_t >= 0) {
			if (third_t <= r->threshold_ppm[1])
				return stroom_csv_bad(&c, STROOM_EINVAL, 5,
						      "a threshold above second_threshold");
			r->threshold_ppm[2] = third_t;
			r->share_ppm[2] = third_s;
			r->nbands = 3;
		}
		if (!strcmp(c.f[7], "yes"))
			r->applies = STROOM_SAFETY_NET_YES;
		else if (!strcmp(c.f[7], "multi_year"))
			r->applies = STROOM_SAFETY_NET_MULTI_YEAR;
		else if (!strcmp(c.f[7], "no"))
			r->applies = STROOM_SAFETY_NET_NO;
		else
			return stroom_csv_bad(&c, STROOM_EPARSE, 7, "yes, multi_year or no");
		r->article = c.f[8];
		r->source = c.f[9];
		r->note = c.f[10];
		r->line = c.line;
		b->nrules++;
	}
	if (rc < 0)
		return rc;
	if (b->nrules == 0)
		return stroom_error_set(STROOM_EPARSE, "%s: no rows", path);
	qsort(b->rules, b->nrules, sizeof *b->rules, cmp_rule);
	for (i = 1; i < b->nrules; i++)
		if (b->rules[i].from_year == b->rules[i - 1].from_year)
			return stroom_error_set(
				STROOM_EINVAL, "%s:%d: from_year %d repeats line %d", path,
				b->rules[i].line, b->rules[i].from_year, b->rules[i - 1].line);
	return 0;
}

int stroom_budget_load_ext(stroom_budget **out, const stroom_budget_options *opts,
			   const stroom_allocator *a)
{
	stroom_budget_options none = STROOM_BUDGET_OPTIONS_INIT;
	stroom_budget *b;
	int err = 0;
	if (!out)
		return stroom_error_set(STROOM_EINVAL, "budget: out is NULL");
	*out = NULL;
	if (!opts)
		opts = &none;
	if (opts->version != STROOM_BUDGET_OPTIONS_VERSION)
		return stroom_error_set(STROOM_EINVAL, "budget: options version %u, expected %u",
					opts->version, STROOM_BUDGET_OPTIONS_VERSION);
	b = stroom_calloc(a, 1, sizeof *b);
	if (!b)
		return STROOM_ENOMEM;
	b->alloc = *stroom_alloc_or_default(a);
	err = read_text(b, SAFETY_NET_NAME, opts->safety_net_path, &b->rules_text, b->rules_path,
			sizeof b->rules_path);
	if (!err)
		err = load_rules(b);
	if (!err && (opts->csv_path || opts->table_name)) {
		err = read_text(b, opts->table_name, opts->csv_path, &b->table_text, b->table_path,
				sizeof b->table_path);
		if (!err)
			err = load_table(b);
	}
	if (err) {
		stroom_budget_free(b);
		return err;
	}
	*out = b;
	return 0;
}

int stroom_budget_load(stroom_budget **out, const char *table_name, const char *csv_path,
		       const stroom_allocator *a)
{
	stroom_budget_options o = STROOM_BUDGET_OPTIONS_INIT;
	o.table_name = table_name;
	o.csv_path = csv_path;
	return stroom_budget_load_ext(out, &o, a);
}

void stroom_budget_free(stroom_budget *b)
{
	stroom_allocator a;
	if (!b)
		return;
	a = b->alloc;
	stroom_free(&a, b->table_text);
	stroom_free(&a, b->rules_text);
	stroom_free(&a, b->years);
	stroom_free(&a, b->rules);
	stroom_free(&a, b);
}

size_t stroom_budget_count(const stroom_budget *b) { return b->nyears; }

const stroom_budget_year *stroom_budget_row(const stroom_budget *b, size_t i)
{
	return i < b->nyears ? &b->years[i] : NULL;
}

int stroom_budget_first_year(const stroom_budget *b) { return b->nyears ? b->years[0].year : 0; }

int stroom_budget_last_year(const stroom_budget *b)
{
	return b->nyears ? b->years[b->nyears - 1].year : 0;
}

const char *stroom_budget_path(const stroom_budget *b) { return b->table_path; }

int stroom_budget_lookup(const stroom_budget *b, int year, const stroom_budget_year **out)
{
	size_t i;
	*out = NULL;
	for (i = 0; i < b->nyears; i++)
		if (b->years[i].year == year) {
			*out = &b->years[i];
			return 0;
		}
	if (!b->nyears)
		return stroom_error_set(STROOM_ENOTFOUND,
					"budget: no row for %d (no budget table "
					"loaded)",
					year);
	return stroom_error_set(STROOM_ENOTFOUND, "budget: no row for %d in %s (covers %d-%d)",
				year, b->table_path, b->years[0].year,
				b->years[b->nyears - 1].year);
}

int stroom_budget_rule(const stroom_budget *b, int year, const stroom_safety_net_rule **out)
{
	size_t i;
	*out = NULL;
	for (i = 0; i < b->nrules && b->rules[i].from_year <= year; i++)
		*out = &b->rules[i];
	if (!*out)
		return stroom_error_set(STROOM_EINVAL,
					"year %d: no safety-net rule (%s starts in %d)", year,
					b->rules_path, b->rules[0].from_year);
	return 0;
}

int stroom_budget_rules_first_year(const stroom_budget *b) { return b->rules[0].from_year; }

int stroom_budget_rules_last_year(const stroom_budget *b)
{
	return b->rules[b->nrules - 1].from_year;
}

/* ---- the computation ----------------------------------------------------------- */

/* "-5.00" for messages. */
static const char *eur(char *buf, size_t size, int64_t cents)
{
	uint64_t u = cents < 0 ? (uint64_t)0 - (uint64_t)cents : (uint64_t)cents;
	snprintf(buf, size, "%s%llu.%02llu", cents < 0 ? "-" : "", (unsigned long long)(u / 100),
		 (unsigned long long)(u % 100));
	return buf;
}

int64_t stroom_budget_price(int64_t net_spending_eurocent, double households)
{
	if (!(households > 0))
		return 0;
	return (int64_t)llround((double)net_spending_eurocent / households);
}

/* amount x ppm / 1e6 rounded to the nearest cent, halves up; amount >= 0. */
static int64_t part_of(int64_t amount, int32_t ppm) { return (amount * ppm + PPM / 2) / PPM; }

/* x > amount x ppm / 1e6 exactly, for amount >= 0 (no overflow: compares with the
 * floor of the product). */
static int above(int64_t x, int64_t amount, int32_t ppm) { return x > (amount * ppm) / PPM; }

static int amount_ok(int64_t v, int allow_zero)
{
	return (allow_zero ? v >= 0 : v > 0) && v <= STROOM_BUDGET_MAX_EUROCENT;
}

int stroom_budget_compute(const stroom_budget_input *in, const stroom_safety_net_rule *rule,
			  stroom_budget_result *out)
{
	char v[40];
	int64_t net, result, deficit, comp = 0;
	int k;
	if (!in || !rule || !out)
		return stroom_error_set(STROOM_EINVAL, "budget: input, rule or output is NULL");
	if (in->version != STROOM_BUDGET_INPUT_VERSION)
		return stroom_error_set(STROOM_EINVAL, "budget: input version %u, expected %u",
					in->version, STROOM_BUDGET_INPUT_VERSION);
	if (!amount_ok(in->budget_eurocent, 0))
		return stroom_error_set(
			STROOM_EINVAL,
			in->budget_eurocent > 0
				? "budget %s: expected an amount up to 10000000000.00"
				: "budget %s: expected an amount above 0",
			eur(v, sizeof v, in->budget_eurocent));
	if (!amount_ok(in->spending_eurocent, 1))
		return stroom_error_set(STROOM_EINVAL,
					"spending %s: expected an amount of 0 or more, "
					"up to 10000000000.00",
					eur(v, sizeof v, in->spending_eurocent));
	if (!amount_ok(in->recoveries_eurocent, 1))
		return stroom_error_set(STROOM_EINVAL,
					"recoveries %s: expected an amount of 0 or more, "
					"up to 10000000000.00",
					eur(v, sizeof v, in->recoveries_eurocent));
	if (!amount_ok(in->other_income_eurocent, 1))
		return stroom_error_set(STROOM_EINVAL,
					"other income %s: expected an amount of 0 or more, up to "
					"10000000000.00",
					eur(v, sizeof v, in->other_income_eurocent));
	if (!(in->households >= 0) || in->households > 1e9)
		return stroom_error_set(STROOM_EINVAL,
					"households %g: expected a number from 0 to 1e9",
					in->households);
	if (in->base_price_eurocent < 0 || in->base_price_eurocent > STROOM_BUDGET_MAX_EUROCENT)
		return stroom_error_set(STROOM_EINVAL,
					"base price %s: expected an amount of 0 or more",
					eur(v, sizeof v, in->base_price_eurocent));
	/* households x base price must stay far inside int64 (EUR 10,000 billion) */
	if (in->households * (double)in->base_price_eurocent > 1e15)
		return stroom_error_set(
			STROOM_EINVAL,
			"households %g x base price %s: expected at most 10000000000000.00",
			in->households, eur(v, sizeof v, in->base_price_eurocent));
	if (in->nprior < 0 || in->nprior > 2)
		return stroom_error_set(STROOM_EINVAL, "nprior %d: expected 0, 1 or 2", in->nprior);
	for (k = 0; k < in->nprior; k++)
		if (in->prior_result_eurocent[k] < -3 * STROOM_BUDGET_MAX_EUROCENT ||
		    in->prior_result_eurocent[k] > 3 * STROOM_BUDGET_MAX_EUROCENT)
			return stroom_error_set(STROOM_EINVAL,
						"prior result %s: expected an amount within "
						"+-30000000000.00",
						eur(v, sizeof v, in->prior_result_eurocent[k]));
	if (rule->from_year > in->year)
		return stroom_error_set(STROOM_EINVAL, "year %d: the rule given starts in %d",
					in->year, rule->from_year);

	memset(out, 0, sizeof *out);
	out->year = in->year;
	out->rule_from_year = rule->from_year;
	net = in->spending_eurocent - in->recoveries_eurocent - in->other_income_eurocent;
	result = in->budget_eurocent - net;
	deficit = result < 0 ? -result : 0;
	out->budget_eurocent = in->budget_eurocent;
	out->spending_eurocent = in->spending_eurocent;
	out->net_spending_eurocent = net;
	out->result_eurocent = result;
	out->result_pct = 100.0 * (double)result / (double)in->budget_eurocent;
	out->deficit_eurocent = deficit;

	/* The safety net: the deficit must exceed the first threshold, and for a
	 * multi-year rule so must the cumulative deficit of the known years. */
	out->eligible = rule->applies != STROOM_SAFETY_NET_NO &&
			above(deficit, in->budget_eurocent, rule->threshold_ppm[0]);
	if (out->eligible && rule->applies == STROOM_SAFETY_NET_MULTI_YEAR) {
		int64_t cum = result;
		for (k = 0; k < in->nprior; k++)
			cum += in->prior_result_eurocent[k];
		out->eligible = cum < 0 && above(-cum, in->budget_eurocent, rule->threshold_ppm[0]);
	}
	if (out->eligible) {
		int64_t sum = 0; /* eurocent x ppm: at most 3e12 x 1e6 */
		for (k = 0; k < rule->nbands; k++) {
			int64_t lo = part_of(in->budget_eurocent, rule->threshold_ppm[k]);
			int64_t part = deficit - lo;
			if (k + 1 < rule->nbands) {
				int64_t width =
					part_of(in->budget_eurocent, rule->threshold_ppm[k + 1]) -
					lo;
				if (part > width)
					part = width;
			}
			if (part > 0)
				sum += part * rule->share_ppm[k];
		}
		comp = (sum + PPM / 2) / PPM;
	}
	out->safety_net_eurocent = comp;
	out->own_risk_eurocent = deficit - comp;
	out->result_after_safety_net_eurocent = result + comp;

	if (in->base_price_eurocent > 0) {
		int64_t expected =
			(int64_t)llround(in->households * (double)in->base_price_eurocent);
		out->has_split = 1;
		out->budgeted_households =
			(double)in->budget_eurocent / (double)in->base_price_eurocent;
		out->volume_part_eurocent = in->budget_eurocent - expected;
		out->price_part_eurocent = result - out->volume_part_eurocent;
	}
	return 0;
}

/* ---- the panel: many municipalities ---------------------------------------------- */

typedef struct prow {
	stroom_budget_panel_row r;
	size_t m; /* municipality */
} prow;

struct stroom_budget_panel {
	stroom_allocator alloc;
	char *text;
	char path[512];
	int has_rates;
	prow *rows; /* sorted by (m, year) */
	size_t nrows;
	size_t nmun;
	const char **codes;
	const char **names;
	int *name_line; /* line of each municipality's first row */
	size_t *first;  /* first row of each municipality */
	size_t *count;  /* its rows */
	int first_year, last_year;
};

static int cmp_prow(const void *x, const void *y)
{
	const prow *a = x, *b = y;
	if (a->m != b->m)
		return a->m < b->m ? -1 : 1;
	if (a->r.year != b->r.year)
		return a->r.year < b->r.year ? -1 : 1;
	return a->r.line < b->r.line ? -1 : a->r.line > b->r.line;
}

static int panel_rows(stroom_budget_panel *p)
{
	static const char *const cols[] = {"code",        "name",         "year",
					   "budget_eur",  "spending_eur", "households",
					   "inflow_rate", "outflow_rate"};
	stroom_csv c;
	int err, rc;
	size_t nlines = stroom_csv_count_lines(p->text), i;
	if ((err = stroom_csv_open(&c, p->text, p->path, cols, 8, 6, 0)) != 0)
		return err;
	p->has_rates = c.ncols == 8;
	p->rows = stroom_calloc(&p->alloc, nlines, sizeof *p->rows);
	p->codes = stroom_calloc(&p->alloc, nlines, sizeof *p->codes);
	p->names = stroom_calloc(&p->alloc, nlines, sizeof *p->names);
	p->name_line = stroom_calloc(&p->alloc, nlines, sizeof *p->name_line);
	if (!p->rows || !p->codes || !p->names || !p->name_line)
		return STROOM_ENOMEM;
	while ((rc = stroom_csv_row(&c)) == 1) {
		prow *w = &p->rows[p->nrows];
		stroom_budget_panel_row *r = &w->r;
		if (!c.f[0][0])
			return stroom_csv_bad(&c, STROOM_EPARSE, 0, "a municipality code");
		if (!c.f[1][0])
			return stroom_csv_bad(&c, STROOM_EPARSE, 1, "a municipality name");
		if ((err = field_year(&c, 2, &r->year)) != 0 ||
		    (err = field_money(&c, 3, 0, &r->budget_eurocent)) != 0)
			return err;
		if (r->budget_eurocent <= 0)
			return stroom_csv_bad(&c, STROOM_EINVAL, 3, "an amount above 0");
		if ((err = field_money(&c, 4, 0, &r->spending_eurocent)) != 0)
			return err;
		if (r->spending_eurocent < 0)
			return stroom_csv_bad(&c, STROOM_EINVAL, 4, "an amount of 0 or more");
		if ((err = field_count(&c, 5, &r->households)) != 0)
			return err;
		r->inflow_rate = r->outflow_rate = NAN;
		if (p->has_rates) {
			int32_t ppm;
			int j;
			for (j = 6; j <= 7; j++) {
				if (!c.f[j][0])
					continue; /* a missing rate: left out of the comparison */
				if (parse_share(c.f[j], &ppm))
					return stroom_csv_bad(
						&c, STROOM_EPARSE, j,
						"a share of the caseload from 0 to 1 (e.g. 0.302), "
						"a percentage (30.2%) or empty");
				*(j == 6 ? &r->inflow_rate : &r->outflow_rate) = (double)ppm / PPM;
			}
		}
		r->line = c.line;
		for (i = 0; i < p->nmun && strcmp(p->codes[i], c.f[0]); i++)
			;
		if (i == p->nmun) {
			p->codes[i] = c.f[0];
			p->names[i] = c.f[1];
			p->name_line[i] = c.line;
			p->nmun++;
		} else if (strcmp(p->names[i], c.f[1])) {
			char expected[600];
			snprintf(expected, sizeof expected, "'%s' (the name of %s on line %d)",
				 p->names[i], p->codes[i], p->name_line[i]);
			return stroom_csv_bad(&c, STROOM_EINVAL, 1, expected);
		}
		w->m = i;
		p->nrows++;
	}
	if (rc < 0)
		return rc;
	if (!p->nrows)
		return stroom_error_set(STROOM_EINVAL, "%s: no rows", p->path);
	return 0;
}

int stroom_budget_panel_load(stroom_budget_panel **out, const char *path, const stroom_budget *b,
			     const stroom_allocator *a)
{
	stroom_budget_panel *p;
	size_t len, i, j;
	int err, y;
	if (!out || !path || !b)
		return stroom_error_set(STROOM_EINVAL, "budget: panel: out, path or rules is NULL");
	*out = NULL;
	p = stroom_calloc(a, 1, sizeof *p);
	if (!p)
		return STROOM_ENOMEM;
	p->alloc = *stroom_alloc_or_default(a);
	snprintf(p->path, sizeof p->path, "%s", path);
	err = stroom_read_file(&p->alloc, path, STROOM_INPUT_PANEL, "budget: ", &p->text, &len);
	if (!err)
		err = panel_rows(p);
	if (err)
		goto fail;
	qsort(p->rows, p->nrows, sizeof *p->rows, cmp_prow);
	p->first = stroom_calloc(&p->alloc, p->nmun, sizeof *p->first);
	p->count = stroom_calloc(&p->alloc, p->nmun, sizeof *p->count);
	if (!p->first || !p->count) {
		err = STROOM_ENOMEM;
		goto fail;
	}
	p->first_year = p->rows[0].r.year;
	p->last_year = p->rows[0].r.year;
	for (i = 0; i < p->nrows; i++) {
		prow *w = &p->rows[i];
		if (i && w->m == p->rows[i - 1].m && w->r.year == p->rows[i - 1].r.year) {
			char e[64], year[8];
			snprintf(year, sizeof year, "%d", w->r.year);
			snprintf(e, sizeof e, "each year once per code (also on line %d)",
				 p->rows[i - 1].r.line);
			err = stroom_error_set(STROOM_EINVAL,
					       "%s:%d: column year: expected %s, got '%s'", p->path,
					       w->r.line, e, year);
			goto fail;
		}
		if (!p->count[w->m]++)
			p->first[w->m] = i;
		if (w->r.year < p->first_year)
			p->first_year = w->r.year;
		if (w->r.year > p->last_year)
			p->last_year = w->r.year;
	}
	/* Each year's average price over the table: the base of the volume parts. */
	for (y = p->first_year; y <= p->last_year; y++) {
		int64_t spend = 0;
		double hh = 0;
		int64_t price;
		for (i = 0; i < p->nrows; i++)
			if (p->rows[i].r.year == y) {
				spend += p->rows[i].r.spending_eurocent;
				hh += p->rows[i].r.households;
			}
		price = stroom_budget_price(spend, hh);
		for (i = 0; i < p->nrows; i++) {
			stroom_budget_panel_row *r = &p->rows[i].r;
			stroom_budget_input in = STROOM_BUDGET_INPUT_INIT;
			const stroom_safety_net_rule *rule;
			if (r->year != y)
				continue;
			if (stroom_budget_rule(b, y, &rule)) {
				err = stroom_error_set(STROOM_EINVAL,
						       "%s:%d: column year: expected a year with "
						       "safety-net rules (from %d), got '%d'",
						       p->path, r->line,
						       stroom_budget_rules_first_year(b), y);
				goto fail;
			}
			in.year = y;
			in.budget_eurocent = r->budget_eurocent;
			in.spending_eurocent = r->spending_eurocent;
			in.households = r->households;
			in.base_price_eurocent = price;
			/* the municipality's own results of the two years before */
			for (j = 1; j <= 2 && j <= i; j++) {
				const prow *q = &p->rows[i - j];
				if (q->m != p->rows[i].m || q->r.year != y - (int)j)
					break;
				in.prior_result_eurocent[j - 1] = q->r.result.result_eurocent;
				in.nprior = (int)j;
			}
			if ((err = stroom_budget_compute(&in, rule, &r->result)) != 0) {
				char detail[512];
				snprintf(detail, sizeof detail, "%s", stroom_error_last());
				err = stroom_error_set(err, "%s:%d: %s", p->path, r->line, detail);
				goto fail;
			}
			r->volume_pct = r->result.has_split
						? 100.0 * (double)r->result.volume_part_eurocent /
							  (double)r->budget_eurocent
						: NAN;
		}
	}
	*out = p;
	return 0;
fail:
	stroom_budget_panel_free(p);
	return err;
}

void stroom_budget_panel_free(stroom_budget_panel *p)
{
	stroom_allocator a;
	if (!p)
		return;
	a = p->alloc;
	stroom_free(&a, p->text);
	stroom_free(&a, p->rows);
	stroom_free(&a, (void *)p->codes);
	stroom_free(&a, (void *)p->names);
	stroom_free(&a, p->name_line);
	stroom_free(&a, p->first);
	stroom_free(&a, p->count);
	stroom_free(&a, p);
}

size_t stroom_budget_panel_count(const stroom_budget_panel *p) { return p->nmun; }

const char *stroom_budget_panel_code(const stroom_budget_panel *p, size_t m)
{
	return m < p->nmun ? p->codes[m] : NULL;
}

const char *stroom_budget_panel_name(const stroom_budget_panel *p, size_t m)
{
	return m < p->nmun ? p->names[m] : NULL;
}

int stroom_budget_panel_first_year(const stroom_budget_panel *p) { return p->first_year; }
int stroom_budget_panel_last_year(const stroom_budget_panel *p) { return p->last_year; }
int stroom_budget_panel_has_rates(const stroom_budget_panel *p) { return p->has_rates; }

const stroom_budget_panel_row *stroom_budget_panel_get(const stroom_budget_panel *p, size_t m,
						       int year)
{
	size_t i;
	if (m >= p->nmun)
		return NULL;
	for (i = p->first[m]; i < p->first[m] + p->count[m]; i++)
		if (p->rows[i].r.year == year)
			return &p->rows[i].r;
	return NULL;
}

double stroom_budget_panel_average_pct(const stroom_budget_panel *p, size_t m)
{
	double s = 0;
	size_t i;
	if (m >= p->nmun || !p->count[m])
		return NAN;
	for (i = p->first[m]; i < p->first[m] + p->count[m]; i++)
		s += p->rows[i].r.result.result_pct;
	return s / (double)p->count[m];
}

void stroom_budget_panel_years_beyond(const stroom_budget_panel *p, size_t m, double deficit_pct,
				      double surplus_pct, int *deficit_years, int *surplus_years)
{
	/* Exact: percentages to ppm of the budget, compared in integers. */
	int32_t dppm = (int32_t)llround(deficit_pct * 10000.0);
	int32_t sppm = (int32_t)llround(surplus_pct * 10000.0);
	size_t i;
	*deficit_years = *surplus_years = 0;
	if (m >= p->nmun)
		return;
	for (i = p->first[m]; i < p->first[m] + p->count[m]; i++) {
		const stroom_budget_result *r = &p->rows[i].r.result;
		if (r->result_eurocent < 0 && above(-r->result_eurocent, r->budget_eurocent, dppm))
			(*deficit_years)++;
		if (r->result_eurocent > 0 && above(r->result_eurocent, r->budget_eurocent, sppm))
			(*surplus_years)++;
	}
}

static double rate_of(const stroom_budget_panel_row *r, int indicator)
{
	return indicator == STROOM_PANEL_INFLOW ? r->inflow_rate : r->outflow_rate;
}

/* Groups and R-squared over n points (x = rate, y = volume_pct). */
static void compare_points(const double *x, const double *y, size_t n,
			   stroom_budget_comparison *out)
{
	double sd = 0, ss = 0;
	size_t i;
	out->n_deficit = out->n_surplus = 0;
	for (i = 0; i < n; i++) {
		if (y[i] < 0) {
			out->n_deficit++;
			sd += x[i];
		} else {
			out->n_surplus++;
			ss += x[i];
		}
	}
	out->deficit_mean = out->n_deficit ? sd / out->n_deficit : NAN;
	out->surplus_mean = out->n_surplus ? ss / out->n_surplus : NAN;
	out->r2 = NAN;
	if (n >= 3 && gsl_stats_variance(x, 1, n) > 0 && gsl_stats_variance(y, 1, n) > 0) {
		double r = gsl_stats_correlation(x, 1, y, 1, n);
		out->r2 = r * r;
	}
}

int stroom_budget_panel_compare(const stroom_budget_panel *p, int indicator, int year,
				stroom_budget_comparison *out)
{
	double *x, *y;
	size_t n = 0, m, i;
	out->n_deficit = out->n_surplus = 0;
	out->deficit_mean = out->surplus_mean = out->r2 = NAN;
	if (!p->has_rates)
		return stroom_error_set(STROOM_EINVAL,
					"%s: no inflow_rate and outflow_rate columns", p->path);
	if (indicator != STROOM_PANEL_INFLOW && indicator != STROOM_PANEL_OUTFLOW)
		return stroom_error_set(STROOM_EINVAL, "budget: unknown indicator %d", indicator);
	if (year && (year < p->first_year || year > p->last_year))
		return stroom_error_set(STROOM_EINVAL, "year %d: the table covers %d-%d", year,
					p->first_year, p->last_year);
	x = stroom_calloc(&p->alloc, p->nmun ? 2 * p->nmun : 1, sizeof *x);
	if (!x)
		return STROOM_ENOMEM;
	y = x + p->nmun;
	if (year) {
		for (m = 0; m < p->nmun; m++) {
			const stroom_budget_panel_row *r = stroom_budget_panel_get(p, m, year);
			if (r && !isnan(rate_of(r, indicator)) && !isnan(r->volume_pct)) {
				x[n] = rate_of(r, indicator);
				y[n] = r->volume_pct;
				n++;
			}
		}
		compare_points(x, y, n, out);
	} else {
		/* Groups and R-squared on the municipalities' period averages; the group
		 * means as the mean of the yearly group means (seed 003's "Avg"). */
		double dsum = 0, ssum = 0;
		int dn = 0, sn = 0, t;
		for (m = 0; m < p->nmun; m++) {
			double sx = 0, sy = 0;
			int k = 0;
			for (i = p->first[m]; i < p->first[m] + p->count[m]; i++) {
				const stroom_budget_panel_row *r = &p->rows[i].r;
				if (!isnan(rate_of(r, indicator)) && !isnan(r->volume_pct)) {
					sx += rate_of(r, indicator);
					sy += r->volume_pct;
					k++;
				}
			}
			if (k) {
				x[n] = sx / k;
				y[n] = sy / k;
				n++;
			}
		}
		compare_points(x, y, n, out);
		for (t = p->first_year; t <= p->last_year; t++) {
			stroom_budget_comparison c;
			size_t k = 0;
			for (m = 0; m < p->nmun; m++) {
				const stroom_budget_panel_row *r = stroom_budget_panel_get(p, m, t);
				if (r && !isnan(rate_of(r, indicator)) && !isnan(r->volume_pct)) {
					x[k] = rate_of(r, indicator);
					y[k] = r->volume_pct;
					k++;
				}
			}
			compare_points(x, y, k, &c);
			if (c.n_deficit) {
				dsum += c.deficit_mean;
				dn++;
			}
			if (c.n_surplus) {
				ssum += c.surplus_mean;
				sn++;
			}
		}
		out->deficit_mean = dn ? dsum / dn : NAN;
		out->surplus_mean = sn ? ssum / sn : NAN;
	}
	stroom_free(&p->alloc, x);
	return 0;
}

int stroom_budget_scale(stroom_budget *b, int base_year, int64_t budget_eurocent)
{
	const stroom_budget_year *base;
	double size, macro0, budget0;
	size_t i;
	int err;
	if (budget_eurocent <= 0 || budget_eurocent > STROOM_BUDGET_MAX_EUROCENT)
		return stroom_error_set(STROOM_EINVAL, "budget: expected an amount above 0 and at most "
							"EUR 10 billion, got %lld eurocent", (long long)budget_eurocent);
	if ((err = stroom_budget_lookup(b, base_year, &base)) != 0)
		return err;
	/* copies: the loop below rewrites the base row too */
	budget0 = (double)base->budget_eurocent;
	size = (double)budget_eurocent / budget0;
	macro0 = base->macro_budget_eurocent != STROOM_BUDGET_UNKNOWN
		? (double)base->macro_budget_eurocent : 0.0;
	for (i = 0; i < b->nyears; i++) {
		stroom_budget_year *y = &b->years[i];
		double f = macro0 > 0 && y->macro_budget_eurocent != STROOM_BUDGET_UNKNOWN
			? (double)y->macro_budget_eurocent / macro0
			: (double)y->budget_eurocent / budget0;
		y->budget_eurocent = llround((double)budget_eurocent * f);
		y->other_income_eurocent = llround((double)y->other_income_eurocent * size);
		y->recoveries_eurocent = llround((double)y->recoveries_eurocent * size);
		y->share_ppm = -1;
	}
	return 0;
}

/* ---- the budget path's mechanism and the execution costs --------------------- */

int stroom_budget_project(int64_t base_budget_eurocent, int nyears, const double *national,
		       const double *indexation, double share_trend, int64_t *budget_eurocent)
{
	double f = 1.0;
	int i;
	if (base_budget_eurocent <= 0 || base_budget_eurocent > STROOM_BUDGET_MAX_EUROCENT)
		return stroom_error_set(STROOM_EINVAL, "budget path: a base budget of %.2f: expected "
				       "an amount above 0 and at most EUR 10 billion",
				       (double)base_budget_eurocent / 100.0);
	if (!(share_trend > -1.0 && share_trend < 1.0))
		return stroom_error_set(STROOM_EINVAL, "budget path: share trend %g: expected "
				       "between -1 and 1", share_trend);
	for (i = 0; i < nyears; i++) {
		double b;
		if (!(national[i] > 0.0) || !(national[i + 1] > 0.0) || !isfinite(national[i + 1]))
			return stroom_error_set(STROOM_EINVAL, "budget path: national caseload index "
					       "%g in year %d of the path: expected above 0",
					       national[i] > 0.0 ? national[i + 1] : national[i], i);
		if (!(indexation[i] > -1.0) || !isfinite(indexation[i]))
			return stroom_error_set(STROOM_EINVAL, "budget path: indexation %g in year "
					       "%d of the path: expected above -1", indexation[i], i);
		f *= national[i + 1] / national[i] * (1.0 + indexation[i]) * (1.0 + share_trend);
		b = (double)base_budget_eurocent * f;
		if (!(b > 0.0) || b > (double)STROOM_BUDGET_MAX_EUROCENT)
			return stroom_error_set(STROOM_EINVAL, "budget path: the budget of year %d of "
					       "the path (%.2f) is out of range", i, b / 100.0);
		budget_eurocent[i] = (int64_t)llround(b);
	}
	return 0;
}

const char *stroom_cost_name(int lever)
{
	static const char *const names[STROOM_NCOST] = {"teams", "instruments", "enforcement",
							 "prevention", "gate"};
	return lever >= 0 && lever < STROOM_NCOST ? names[lever] : NULL;
}

int64_t stroom_cost_team(double fte_months, int64_t fte_year_eurocent)
{
	if (!(fte_months > 0.0) || fte_year_eurocent <= 0)
		return 0;
	return (int64_t)llround(fte_months * (double)fte_year_eurocent / 12.0);
}
