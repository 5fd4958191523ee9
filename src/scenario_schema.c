/*
 * scenario_schema.c: the one table that declares every scenario key, and the code
 * it drives: converting a YAML value into its stroom_params field with bounds
 * checks, defaults, the checks across keys after a scenario is resolved, and the
 * "did you mean" hint for unknown keys. The dump (YAML, JSON) and docs/scenario.md
 * are generated from the same table in scenario_dump.c; the loader that walks
 * YAML files and follows extends is scenario.c.
 *
 * Only technical keys have defaults. Policy and model numbers (hazards, shares,
 * inflow) are required: the builtin scenarios set them, and a user scenario
 * normally starts with `extends: rotterdam`.
 */
#include "internal.h"
#include "scenario_int.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Field of stroom_params: offset and size. */
#define F(field) .offset = offsetof(stroom_params, field), \
		 .size = sizeof(((stroom_params *)0)->field)
#define HAZARD .min = 0, .max = 1, .unit = "per month"
#define SHARE .min = 0, .max = 1, .unit = "share"
#define SHARES .min = 0, .max = 1, .unit = "share", .flags = KEY_SHARES
#define MULT .min = 0, .max = 100, .unit = "multiplier"
#define ELASTICITY .min = -10, .max = 10, .unit = "elasticity"
#define LIST_OF(n, fn) .type = KEY_LIST, .length = (n), .label = (fn)
#define SHOCK .type = KEY_SERIES, .min = 0, .max = 100, .def = "{}", .empty_value = 1.0, \
	      .unit = "multiplier"

const scenario_key scenario_keys[] = {
	{.path = "name", .type = KEY_NAME, F(name), .min = 1, .max = STROOM_NAME_LEN - 1,
	 .unit = "", .doc = "scenario name ([A-Za-z0-9_.-]); a scenario that extends another "
			    "inherits its name unless it sets its own"},
	{.path = "description", .type = KEY_STRING, F(description), .min = 0, .max = 255,
	 .def = "", .unit = "", .doc = "one line on what the scenario assumes"},
	{.path = "start", .type = KEY_MONTH, F(start), .unit = "month YYYY-MM",
	 .doc = "first month simulated; the starting stock is counted on its 1st"},
	{.path = "end", .type = KEY_MONTH, F(end), .unit = "month YYYY-MM",
	 .doc = "last month simulated (not before start)"},
	{.path = "seed", .type = KEY_UINT64, F(seed), .def = "1", .unit = "",
	 .doc = "random seed: the same scenario and seed give the same results"},
	{.path = "replicates", .type = KEY_INT, F(replicates), .min = 1, .max = 100000,
	 .def = "200", .unit = "runs", .doc = "number of replicate runs (for the p05/p95 bands)"},
	{.path = "target.households", .type = KEY_INT, F(target_households), .min = 0,
	 .max = 10000000, .def = "0", .unit = "households",
	 .doc = "policy target: at most this many households on benefit; 0 = no target"},
	{.path = "target.date", .type = KEY_MONTH, F(target_month), .unit = "month YYYY-MM",
	 .doc = "the target applies to the caseload on the 1st of this month (from start to "
		"end + 1 when target.households > 0)"},

	{.path = "areas", .type = KEY_AREAS, F(area_name), .min = 1, .max = STROOM_MAX_AREAS,
	 .unit = "names", .doc = "area names ([a-z0-9_-], starting with a letter or digit); "
				 "keys marked 'one per area' list one value per area, in this order"},

	{.path = "population.csv", .type = KEY_STRING, F(population_csv), .min = 0,
	 .max = STROOM_PATH_LEN - 1, .def = "", .flags = KEY_FILE, .unit = "path",
	 .doc = "household CSV for the starting stock (columns in docs/population.md), "
		"relative to the scenario file; empty = synthesise from the population shares"},
	{.path = "population.households", .type = KEY_INT, F(population_households), .min = 1,
	 .max = 10000000, .unit = "households",
	 .doc = "households on benefit on the 1st of start (synthesised population)"},
	{.path = "population.age", LIST_OF(STROOM_NAGE, stroom_age_band_name), F(pop_age), SHARES,
	 .doc = "stock by age band of the head"},
	{.path = "population.duration", LIST_OF(STROOM_NDUR, stroom_duration_band_name),
	 F(pop_duration), SHARES, .doc = "stock by benefit duration"},
	{.path = "population.type", LIST_OF(STROOM_NTYPE, stroom_type_name), F(pop_type), SHARES,
	 .doc = "stock by household type"},
	{.path = "population.area", .type = KEY_AREA_LIST, F(pop_area), SHARES,
	 .doc = "stock by area"},
	{.path = "population.stream", LIST_OF(STROOM_NSTREAM, stroom_stream_name), F(pop_stream),
	 SHARES, .doc = "stock by stream: werk (work), prestatie010 (participation), other"},
	{.path = "population.parttime", .type = KEY_DOUBLE, F(pop_parttime), SHARE,
	 .doc = "share of the stock with part-time earnings alongside the benefit"},
	{.path = "population.older_long_duration", .type = KEY_DOUBLE,
	 F(pop_age_x_duration_long), MULT,
	 .doc = "odds multiplier linking heads aged 55+ with spells over 5 years (IPF seed)"},

	{.path = "inflow.per_year", .type = KEY_DOUBLE, F(inflow_per_year), .min = 0,
	 .max = 10000000, .unit = "households per year",
	 .doc = "new households a year at labour-market index 1 (first spells and "
		"re-applications after exits other than to work)"},
	{.path = "inflow.shock", SHOCK, F(inflow_shock),
	 .doc = "multiplier on inflow by month (e.g. covid)"},
	{.path = "inflow.age", LIST_OF(STROOM_NAGE, stroom_age_band_name), F(inflow_age), SHARES,
	 .doc = "inflow by age band of the head"},
	{.path = "inflow.type", LIST_OF(STROOM_NTYPE, stroom_type_name), F(inflow_type), SHARES,
	 .doc = "inflow by household type"},
	{.path = "inflow.area", .type = KEY_AREA_LIST, F(inflow_area), SHARES,
	 .doc = "inflow by area"},
	{.path = "inflow.distance", LIST_OF(STROOM_NDIST, stroom_distance_name),
	 F(inflow_distance), SHARES, .doc = "inflow by distance to work"},

	{.path = "labour_market.index", .type = KEY_SERIES, F(labour_index), .min = 0.01,
	 .max = 100, .def = "{}", .empty_value = 1.0, .unit = "index",
	 .doc = "labour-market tightness by month: 1 = reference, above 1 = tighter"},
	{.path = "labour_market.inflow_elasticity", .type = KEY_DOUBLE,
	 F(labour_inflow_elasticity), ELASTICITY, .doc = "inflow scales with index^-e"},
	{.path = "labour_market.work_elasticity", .type = KEY_DOUBLE, F(labour_work_elasticity),
	 ELASTICITY, .doc = "the hazard of an exit to work scales with index^e"},

	{.path = "hazard.work.distance", LIST_OF(STROOM_NDIST, stroom_distance_name),
	 F(work_distance), HAZARD, .doc = "base hazard of an exit to work, by distance to work"},
	{.path = "hazard.work.age", LIST_OF(STROOM_NAGE, stroom_age_band_name), F(work_age), MULT,
	 .doc = "work hazard by age band of the head"},
	{.path = "hazard.work.duration", LIST_OF(STROOM_NDUR, stroom_duration_band_name),
	 F(work_duration), MULT, .doc = "work hazard by benefit duration"},
	{.path = "hazard.work.type", LIST_OF(STROOM_NTYPE, stroom_type_name), F(work_type), MULT,
	 .doc = "work hazard by household type"},
	{.path = "hazard.work.area", .type = KEY_AREA_LIST, F(work_area), MULT,
	 .doc = "work hazard by area"},
	{.path = "hazard.work.shock", SHOCK, F(work_shock),
	 .doc = "multiplier on the work hazard by month (e.g. covid)"},
	{.path = "hazard.lks_share", .type = KEY_DOUBLE, F(lks_share), .min = 0, .max = 1,
	 .unit = "per work exit",
	 .doc = "exits with a wage-cost subsidy (LKS) per exit to work"},
	{.path = "hazard.other.base", .type = KEY_DOUBLE, F(other_base), HAZARD,
	 .doc = "hazard of an exit for other reasons (moving, partner income, education)"},
	{.path = "hazard.other.age", LIST_OF(STROOM_NAGE, stroom_age_band_name), F(other_age),
	 MULT, .doc = "other-exit hazard by age band of the head"},
	{.path = "hazard.other.duration", LIST_OF(STROOM_NDUR, stroom_duration_band_name),
	 F(other_duration), MULT, .doc = "other-exit hazard by benefit duration"},
	{.path = "hazard.enforcement", .type = KEY_DOUBLE, F(enforcement), HAZARD,
	 .doc = "hazard of an exit through enforcement (handhaving)"},

	{.path = "parttime.start", .type = KEY_DOUBLE, F(parttime_start), HAZARD,
	 .doc = "hazard of starting part-time work alongside the benefit"},
	{.path = "parttime.stop", .type = KEY_DOUBLE, F(parttime_stop), HAZARD,
	 .doc = "hazard of part-time work ending"},
	{.path = "parttime.work_multiplier", .type = KEY_DOUBLE, F(parttime_work_multiplier), MULT,
	 .doc = "work hazard while working part-time"},

	{.path = "parttime.earnings_eurocent", .type = KEY_INT, F(parttime_earnings_eurocent),
	 .min = 0, .max = 1000000, .unit = "eurocent per month",
	 .doc = "net earnings of a household working part-time alongside the benefit"},
	{.path = "lks.cost_eurocent", .type = KEY_INT, F(lks_cost_eurocent), .min = 0,
	 .max = 1000000, .unit = "eurocent per month",
	 .doc = "wage-cost subsidy (LKS) paid to the employer for a household that left with LKS"},
	{.path = "lks.duration_months", .type = KEY_INT, F(lks_duration_months), .min = 0,
	 .max = 600, .unit = "months", .doc = "months the LKS is paid after the exit"},

	{.path = "budget.table", .type = KEY_STRING, F(budget_table), .min = 0,
	 .max = STROOM_NAME_LEN - 1, .def = "", .unit = "name",
	 .doc = "builtin budget table (data/budget/NAME.csv: BUIG budget per year and its "
		"status); empty = no budget figures"},
	{.path = "budget.csv", .type = KEY_STRING, F(budget_csv), .min = 0,
	 .max = STROOM_PATH_LEN - 1, .def = "", .flags = KEY_FILE, .unit = "path",
	 .doc = "a budget table file in the same format, relative to the scenario file; "
		"overrides budget.table"},
	{.path = "budget.base_year", .type = KEY_INT, F(budget_base_year), .min = 0, .max = 2200,
	 .def = "0", .unit = "year",
	 .doc = "year whose average price per household defines the budgeted households of "
		"the volume/price split; 0 = the first simulated year"},

	{.path = "drift.short_to_medium_months", .type = KEY_INT, F(drift_short_months), .min = 1,
	 .max = 240, .def = "9", .unit = "months",
	 .doc = "spell duration at which short distance becomes medium (herijking "
		"definitions: short = work expected within 9 months)"},
	{.path = "drift.medium_to_long_months", .type = KEY_INT, F(drift_medium_months), .min = 1,
	 .max = 240, .def = "24", .unit = "months",
	 .doc = "spell duration at which medium distance becomes long (herijking: medium = "
		"9 to 24 months); not below drift.short_to_medium_months"},

	{.path = "returns.within_12m", .type = KEY_DOUBLE, F(return_within_12m), SHARE,
	 .doc = "share of exits to work or LKS that return within 12 months (below "
		"returns.nondurable_share)"},
	{.path = "returns.nondurable_share", .type = KEY_DOUBLE, F(return_nondurable_share), SHARE,
	 .doc = "share of exits to work or LKS that return at all"},
	{.path = "returns.distance", .type = KEY_ENUM, F(return_distance), .length = STROOM_NDIST,
	 .label = stroom_distance_name, .unit = "",
	 .doc = "distance class of a returning household"},

};

const size_t scenario_nkeys = STROOM_ARRAY_LEN(scenario_keys);

const scenario_key *scenario_key_find(const char *path)
{
	size_t i;
	for (i = 0; i < scenario_nkeys; i++)
		if (strcmp(scenario_keys[i].path, path) == 0)
			return &scenario_keys[i];
	return NULL;
}

int scenario_key_is_group(const char *path)
{
	size_t i, n = strlen(path);
	for (i = 0; i < scenario_nkeys; i++)
		if (strncmp(scenario_keys[i].path, path, n) == 0 && scenario_keys[i].path[n] == '.')
			return 1;
	return 0;
}

/* Levenshtein distance of a[0..na) and b[0..nb), both at most 127 characters. */
static size_t edit_distance(const char *a, size_t na, const char *b, size_t nb)
{
	size_t row[128], i, j;
	if (na > 127 || nb > 127)
		return (size_t)-1;
	for (j = 0; j <= nb; j++)
		row[j] = j;
	for (i = 1; i <= na; i++) {
		size_t diag = row[0];
		row[0] = i;
		for (j = 1; j <= nb; j++) {
			size_t up = row[j];
			size_t best = diag + (a[i - 1] != b[j - 1]);
			if (row[j - 1] + 1 < best)
				best = row[j - 1] + 1;
			if (up + 1 < best)
				best = up + 1;
			row[j] = best;
			diag = up;
		}
	}
	return row[nb];
}

static const char *last_segment(const char *s, size_t n)
{
	size_t i = n;
	while (i > 0 && s[i - 1] != '.')
		i--;
	return s + i;
}

/*
 * Close enough to suggest: at most 3 edits, or at most a third of the length (long
 * keys), and never a rewrite of the whole name ("foo" is not a typo of "end").
 */
static int close_enough(size_t d, size_t len) { return d < len && (d <= 3 || 3 * d <= len); }

/*
 * Candidates are every key and every group (each proper prefix ending before a
 * dot). A candidate matches on the full dotted path or on its last segment (a key
 * put in the wrong group); the best has the fewest edits, then the closest full
 * path, then comes first in the table.
 */
const char *scenario_key_suggest(const char *path, char *buf, size_t size)
{
	size_t np = strlen(path), best_d = (size_t)-1, best_full = (size_t)-1, i;
	const char *plast = last_segment(path, np);
	size_t nplast = np - (size_t)(plast - path);
	const char *best = NULL;
	size_t best_len = 0;

	for (i = 0; i < scenario_nkeys; i++) {
		const char *k = scenario_keys[i].path;
		size_t nk = strlen(k), end;
		/* The key itself (end == nk), then each group prefix of it. */
		for (end = nk; end > 0; end--) {
			const char *klast;
			size_t dfull, dlast, d = (size_t)-1;
			if (end != nk && k[end] != '.')
				continue;
			klast = last_segment(k, end);
			dfull = edit_distance(path, np, k, end);
			dlast = edit_distance(plast, nplast, klast, end - (size_t)(klast - k));
			if (close_enough(dfull, np))
				d = dfull;
			if (close_enough(dlast, nplast) && dlast < d)
				d = dlast;
			if (d == (size_t)-1)
				continue;
			if (d < best_d || (d == best_d && dfull < best_full)) {
				best_d = d;
				best_full = dfull;
				best = k;
				best_len = end;
			}
		}
	}
	if (!best || best_len >= size)
		return NULL;
	memcpy(buf, best, best_len);
	buf[best_len] = '\0';
	return buf;
}

/* ---- converting values ---- */

/* Where a value is, for messages. */
typedef struct where {
	const char *file;
	size_t line, col;
} where;

static where node_where(const char *file, const yaml_node_t *n)
{
	where w = {file, n->start_mark.line + 1, n->start_mark.column + 1};
	return w;
}

/* Sets the error detail "FILE:LINE:COL: " + fmt and returns code. */
static int fail(int code, where w, const char *fmt, ...)
#if defined(__GNUC__)
	__attribute__((format(printf, 3, 4)))
#endif
	;
static int fail(int code, where w, const char *fmt, ...)
{
	char msg[768];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	return stroom_error_set(code, "%s:%zu:%zu: %s", w.file, w.line, w.col, msg);
}

/* "a mapping", "a list" or the scalar in quotes, shortened, for "got ...". */
static const char *got_text(const yaml_node_t *n, char *buf, size_t size)
{
	if (n->type == YAML_MAPPING_NODE)
		return "a mapping";
	if (n->type == YAML_SEQUENCE_NODE)
		return "a list";
	if (n->type != YAML_SCALAR_NODE)
		return "nothing";
	if (n->data.scalar.length == 0 && n->data.scalar.style == YAML_PLAIN_SCALAR_STYLE)
		return "nothing";
	if (n->data.scalar.length > 40)
		snprintf(buf, size, "'%.37s...'", (const char *)n->data.scalar.value);
	else
		snprintf(buf, size, "'%.*s'", (int)n->data.scalar.length,
			 (const char *)n->data.scalar.value);
	return buf;
}

/* "nothing" or the text in quotes, for "got ..." of a scalar. */
static const char *got_scalar(const char *text, char *buf, size_t size)
{
	if (!*text)
		return "nothing";
	if (strlen(text) > 40)
		snprintf(buf, size, "'%.37s...'", text);
	else
		snprintf(buf, size, "'%s'", text);
	return buf;
}

/* Bounds as text: "[0, 1]". */
static const char *bounds_text(const scenario_key *k, char *buf, size_t size)
{
	snprintf(buf, size, "[%.15g, %.15g]", k->min, k->max);
	return buf;
}

/*
 * Parses a whole decimal number (no hex, inf or nan). Returns 0 or -1.
 * Assumes the C locale's decimal point, as the rest of the library does.
 */
static int parse_double(const char *s, double *out)
{
	char *end;
	double v;
	if (!*s || strpbrk(s, "xXnNiI") || !(isdigit((unsigned char)*s) || strchr("+-.", *s)))
		return -1;
	errno = 0;
	v = strtod(s, &end);
	if (*end || !isfinite(v))
		return -1;
	*out = v;
	return 0;
}

/* Parses a decimal integer. Returns 0, -1 (not an integer) or 1 (out of range). */
static int parse_int(const char *s, long long *out)
{
	char *end;
	long long v;
	const char *d = (*s == '-' || *s == '+') ? s + 1 : s;
	if (!isdigit((unsigned char)*d))
		return -1;
	errno = 0;
	v = strtoll(s, &end, 10);
	if (*end)
		return -1;
	if (errno == ERANGE)
		return 1;
	*out = v;
	return 0;
}

/* Parses "YYYY-MM" or "YYYY-MM-01". Returns 0, -1 (malformed) or 1 (year out of range). */
static int parse_month(const char *s, stroom_month *out)
{
	int y, m, i;
	size_t n = strlen(s);
	if (n != 7 && !(n == 10 && strcmp(s + 7, "-01") == 0))
		return -1;
	for (i = 0; i < 7; i++)
		if (i == 4 ? s[i] != '-' : !isdigit((unsigned char)s[i]))
			return -1;
	y = (s[0] - '0') * 1000 + (s[1] - '0') * 100 + (s[2] - '0') * 10 + (s[3] - '0');
	m = (s[5] - '0') * 10 + (s[6] - '0');
	if (m < 1 || m > 12)
		return -1;
	if (y < 1900 || y > 2200)
		return 1;
	*out = stroom_month_make(y, m);
	return 0;
}

static void *field(stroom_params *p, const scenario_key *k) { return (char *)p + k->offset; }

/* Copies a scalar node's text into buf (NUL-terminated); errors if it does not fit. */
static int scalar_text(const char *label, const yaml_node_t *n, const char *file, char *buf,
		       size_t size)
{
	size_t len = n->data.scalar.length;
	if (len >= size)
		return fail(STROOM_EINVAL, node_where(file, n),
			    "%s: expected at most %zu characters, got %zu", label, size - 1, len);
	memcpy(buf, n->data.scalar.value, len);
	buf[len] = '\0';
	if (strlen(buf) != len)
		return fail(STROOM_EPARSE, node_where(file, n),
			    "%s: expected text, got a NUL character", label);
	return 0;
}

/* Parses one number of key k (a plain scalar) for a list entry or a value. */
static int number_value(const scenario_key *k, const char *label, const yaml_node_t *n,
			const char *file, double *out)
{
	char text[128], got[64], bounds[64];
	double v;
	int rc;
	if (n->type != YAML_SCALAR_NODE || n->data.scalar.style != YAML_PLAIN_SCALAR_STYLE ||
	    n->data.scalar.length >= sizeof text)
		return fail(STROOM_EPARSE, node_where(file, n), "%s: expected a number, got %s",
			    label, got_text(n, got, sizeof got));
	if ((rc = scalar_text(label, n, file, text, sizeof text)) != 0)
		return rc;
	if (parse_double(text, &v) != 0)
		return fail(STROOM_EPARSE, node_where(file, n), "%s: expected a number, got %s",
			    label, got_text(n, got, sizeof got));
	if (v < k->min || v > k->max)
		return fail(STROOM_EINVAL, node_where(file, n),
			    "%s: expected a number in %s, got %s", label,
			    bounds_text(k, bounds, sizeof bounds), text);
	*out = v;
	return 0;
}

static int valid_name_char(int c, int first, int upper_dot)
{
	if (isdigit(c) || (c >= 'a' && c <= 'z'))
		return 1;
	if (upper_dot && c >= 'A' && c <= 'Z')
		return 1;
	if (first)
		return 0;
	return c == '_' || c == '-' || (upper_dot && c == '.');
}

/* Nonzero when s is a valid name: scenario names allow A-Z and '.', area names do not. */
static int valid_name(const char *s, int upper_dot)
{
	size_t i;
	if (!*s)
		return 0;
	for (i = 0; s[i]; i++)
		if (!valid_name_char((unsigned char)s[i], i == 0, upper_dot))
			return 0;
	return 1;
}

/*
 * Converts the text of a scalar value of key k. `plain` says the YAML scalar was
 * unquoted (numbers must be). Used for values in files and for the table's defaults.
 */
static int set_scalar(const scenario_key *k, stroom_params *p, const char *text, int plain,
		      where w)
{
	char bounds[64], got[64];
	long long iv;
	stroom_month m;
	int rc, i;
	size_t len = strlen(text);

	switch (k->type) {
	case KEY_STRING:
	case KEY_NAME:
		if (len < (size_t)k->min)
			return fail(STROOM_EINVAL, w, "%s: expected at least %.0f character, got ''",
				    k->path, k->min);
		if (len > (size_t)k->max)
			return fail(STROOM_EINVAL, w, "%s: expected at most %.0f characters, got %zu",
				    k->path, k->max, len);
		if (k->type == KEY_NAME && !valid_name(text, 1))
			return fail(STROOM_EINVAL, w,
				    "%s: expected a name of A-Z, a-z, 0-9, '_', '-' and '.' "
				    "starting with a letter or digit, got '%s'", k->path, text);
		memset(field(p, k), 0, k->size);
		memcpy(field(p, k), text, len);
		return 0;
	case KEY_INT:
		rc = plain ? parse_int(text, &iv) : -1;
		if (rc < 0)
			return fail(STROOM_EPARSE, w, "%s: expected an integer, got %s", k->path,
				    got_scalar(text, got, sizeof got));
		if (rc > 0 || (double)iv < k->min || (double)iv > k->max)
			return fail(STROOM_EINVAL, w, "%s: expected an integer in %s, got %s",
				    k->path, bounds_text(k, bounds, sizeof bounds), text);
		*(int *)field(p, k) = (int)iv;
		return 0;
	case KEY_UINT64: {
		char *end;
		unsigned long long u;
		if (!plain || !isdigit((unsigned char)text[0]))
			return fail(STROOM_EPARSE, w,
				    "%s: expected an integer from 0 to 2^64 - 1, got %s", k->path,
				    got_scalar(text, got, sizeof got));
		errno = 0;
		u = strtoull(text, &end, 10);
		if (*end)
			return fail(STROOM_EPARSE, w,
				    "%s: expected an integer from 0 to 2^64 - 1, got %s", k->path,
				    got_scalar(text, got, sizeof got));
		if (errno == ERANGE)
			return fail(STROOM_EINVAL, w,
				    "%s: expected an integer from 0 to 2^64 - 1, got %s", k->path, text);
		*(uint64_t *)field(p, k) = (uint64_t)u;
		return 0;
	}
	case KEY_DOUBLE: {
		double v;
		if (!plain || parse_double(text, &v) != 0)
			return fail(STROOM_EPARSE, w, "%s: expected a number, got %s", k->path,
				    got_scalar(text, got, sizeof got));
		if (v < k->min || v > k->max)
			return fail(STROOM_EINVAL, w, "%s: expected a number in %s, got %s", k->path,
				    bounds_text(k, bounds, sizeof bounds), text);
		*(double *)field(p, k) = v;
		return 0;
	}
	case KEY_MONTH:
		rc = parse_month(text, &m);
		if (rc < 0)
			return fail(STROOM_EPARSE, w, "%s: expected a month YYYY-MM, got %s",
				    k->path, got_scalar(text, got, sizeof got));
		if (rc > 0)
			return fail(STROOM_EINVAL, w,
				    "%s: expected a month from 1900-01 to 2200-12, got %s", k->path,
				    text);
		*(stroom_month *)field(p, k) = m;
		return 0;
	case KEY_ENUM:
		for (i = 0; i < k->length; i++) {
			if (strcmp(text, k->label(i)) == 0) {
				*(int *)field(p, k) = i;
				return 0;
			}
		}
		{
			char names[128] = "";
			for (i = 0; i < k->length; i++) {
				if (i)
					strcat(names, i == k->length - 1 ? " or " : ", ");
				strcat(names, k->label(i));
			}
			return fail(STROOM_EINVAL, w, "%s: expected %s, got %s", k->path, names,
				    got_scalar(text, got, sizeof got));
		}
	case KEY_LIST:
	case KEY_AREA_LIST:
	case KEY_AREAS:
	case KEY_SERIES:
		break;
	}
	return stroom_error_set(STROOM_ERROR, "%s: not a scalar key", k->path);
}

/* A list of numbers: fixed length (KEY_LIST) or one per area (KEY_AREA_LIST). */
static int set_list(const scenario_key *k, stroom_params *p, scenario_keystate *st,
		    yaml_document_t *doc, yaml_node_t *node, const char *file)
{
	double v[STROOM_MAX_AREAS]; /* fixed lists are shorter (checked by a test) */
	char label[160], got[64];
	yaml_node_item_t *item;
	int n = 0, rc;
	size_t len;

	if (node->type != YAML_SEQUENCE_NODE) {
		if (k->type == KEY_LIST)
			return fail(STROOM_EPARSE, node_where(file, node),
				    "%s: expected a list of %d numbers, got %s", k->path, k->length,
				    got_text(node, got, sizeof got));
		return fail(STROOM_EPARSE, node_where(file, node),
			    "%s: expected a list of numbers (one per area), got %s", k->path,
			    got_text(node, got, sizeof got));
	}
	len = (size_t)(node->data.sequence.items.top - node->data.sequence.items.start);
	if (k->type == KEY_LIST && len != (size_t)k->length)
		return fail(STROOM_EINVAL, node_where(file, node),
			    "%s: expected a list of %d numbers, got %zu", k->path, k->length, len);
	if (k->type == KEY_AREA_LIST && (len < 1 || len > STROOM_MAX_AREAS))
		return fail(STROOM_EINVAL, node_where(file, node),
			    "%s: expected a list of 1 to %d numbers (one per area), got %zu",
			    k->path, STROOM_MAX_AREAS, len);
	for (item = node->data.sequence.items.start; item < node->data.sequence.items.top;
	     item++, n++) {
		yaml_node_t *e = yaml_document_get_node(doc, *item);
		snprintf(label, sizeof label, "%s[%d]", k->path, n);
		if ((rc = number_value(k, label, e, file, &v[n])) != 0)
			return rc;
	}
	memset(field(p, k), 0, k->size);
	memcpy(field(p, k), v, (size_t)n * sizeof v[0]);
	st->count = n;
	return 0;
}

/* The area names: 1 to STROOM_MAX_AREAS unique names. */
static int set_areas(const scenario_key *k, stroom_params *p, scenario_keystate *st,
		     yaml_document_t *doc, yaml_node_t *node, const char *file)
{
	char names[STROOM_MAX_AREAS][STROOM_NAME_LEN], label[160], got[64];
	yaml_node_item_t *item;
	size_t len;
	int n = 0, i, rc;

	if (node->type != YAML_SEQUENCE_NODE)
		return fail(STROOM_EPARSE, node_where(file, node),
			    "%s: expected a list of area names, got %s", k->path,
			    got_text(node, got, sizeof got));
	len = (size_t)(node->data.sequence.items.top - node->data.sequence.items.start);
	if (len < 1 || len > STROOM_MAX_AREAS)
		return fail(STROOM_EINVAL, node_where(file, node),
			    "%s: expected 1 to %d area names, got %zu", k->path, STROOM_MAX_AREAS,
			    len);
	memset(names, 0, sizeof names);
	for (item = node->data.sequence.items.start; item < node->data.sequence.items.top;
	     item++, n++) {
		yaml_node_t *e = yaml_document_get_node(doc, *item);
		snprintf(label, sizeof label, "%s[%d]", k->path, n);
		if (e->type != YAML_SCALAR_NODE)
			return fail(STROOM_EPARSE, node_where(file, e),
				    "%s: expected an area name, got %s", label,
				    got_text(e, got, sizeof got));
		if ((rc = scalar_text(label, e, file, names[n], sizeof names[n])) != 0)
			return rc;
		if (!valid_name(names[n], 0))
			return fail(STROOM_EINVAL, node_where(file, e),
				    "%s: expected a name of a-z, 0-9, '_' and '-' starting with a "
				    "letter or digit, got '%s'", label, names[n]);
		for (i = 0; i < n; i++)
			if (strcmp(names[i], names[n]) == 0)
				return fail(STROOM_EINVAL, node_where(file, e),
					    "%s: expected a name not used before, got '%s' again",
					    label, names[n]);
	}
	memcpy(p->area_name, names, sizeof names);
	p->n_areas = n;
	st->count = n;
	return 0;
}

/* A series: a mapping of strictly increasing months to numbers ({} = empty). */
static int set_series(const scenario_key *k, stroom_params *p, scenario_keystate *st,
		      yaml_document_t *doc, yaml_node_t *node, const char *file)
{
	stroom_series s;
	yaml_node_pair_t *pair;
	char text[64], label[160], got[64], prev[16];
	size_t len;
	int rc;

	if (node->type != YAML_MAPPING_NODE)
		return fail(STROOM_EPARSE, node_where(file, node),
			    "%s: expected a mapping of YYYY-MM: number, got %s", k->path,
			    got_text(node, got, sizeof got));
	len = (size_t)(node->data.mapping.pairs.top - node->data.mapping.pairs.start);
	if (len > STROOM_MAX_SERIES)
		return fail(STROOM_EINVAL, node_where(file, node),
			    "%s: expected at most %d months, got %zu", k->path, STROOM_MAX_SERIES,
			    len);
	if (len == 0 && (k->flags & KEY_NONEMPTY))
		return fail(STROOM_EINVAL, node_where(file, node),
			    "%s: expected at least one month, got {}", k->path);
	memset(&s, 0, sizeof s);
	for (pair = node->data.mapping.pairs.start; pair < node->data.mapping.pairs.top; pair++) {
		yaml_node_t *kn = yaml_document_get_node(doc, pair->key);
		yaml_node_t *vn = yaml_document_get_node(doc, pair->value);
		stroom_month m;
		if (kn->type != YAML_SCALAR_NODE || kn->data.scalar.length >= sizeof text)
			return fail(STROOM_EPARSE, node_where(file, kn),
				    "%s: expected a month YYYY-MM as key, got %s", k->path,
				    got_text(kn, got, sizeof got));
		if ((rc = scalar_text(k->path, kn, file, text, sizeof text)) != 0)
			return rc;
		rc = parse_month(text, &m);
		if (rc < 0)
			return fail(STROOM_EPARSE, node_where(file, kn),
				    "%s: expected a month YYYY-MM as key, got '%s'", k->path, text);
		if (rc > 0)
			return fail(STROOM_EINVAL, node_where(file, kn),
				    "%s: expected a month from 1900-01 to 2200-12, got %s", k->path,
				    text);
		if (s.n > 0 && m <= s.month[s.n - 1])
			return fail(STROOM_EINVAL, node_where(file, kn),
				    "%s: expected months in increasing order, got %s after %s",
				    k->path, text,
				    stroom_month_format(s.month[s.n - 1], prev, sizeof prev));
		snprintf(label, sizeof label, "%s[%s]", k->path, text);
		if ((rc = number_value(k, label, vn, file, &s.value[s.n])) != 0)
			return rc;
		s.month[s.n++] = m;
	}
	memcpy(field(p, k), &s, sizeof s);
	st->count = s.n;
	return 0;
}

int scenario_key_set(const scenario_key *k, stroom_params *p, scenario_keystate *st,
		     yaml_document_t *doc, yaml_node_t *node, const char *file)
{
	char text[1024], got[64];
	const char *what;
	int rc;

	switch (k->type) {
	case KEY_LIST:
	case KEY_AREA_LIST:
		return set_list(k, p, st, doc, node, file);
	case KEY_AREAS:
		return set_areas(k, p, st, doc, node, file);
	case KEY_SERIES:
		return set_series(k, p, st, doc, node, file);
	default:
		break;
	}
	what = k->type == KEY_DOUBLE   ? "a number"
	       : k->type == KEY_MONTH  ? "a month YYYY-MM"
	       : k->type == KEY_INT    ? "an integer"
	       : k->type == KEY_UINT64 ? "an integer"
	       : k->type == KEY_ENUM   ? "a name"
				       : "text";
	if (node->type != YAML_SCALAR_NODE)
		return fail(STROOM_EPARSE, node_where(file, node), "%s: expected %s, got %s",
			    k->path, what, got_text(node, got, sizeof got));
	if ((k->type == KEY_STRING || k->type == KEY_NAME) &&
	    node->data.scalar.length > (size_t)k->max)
		return fail(STROOM_EINVAL, node_where(file, node),
			    "%s: expected at most %.0f characters, got %zu", k->path, k->max,
			    node->data.scalar.length);
	if (node->data.scalar.length >= sizeof text)
		return fail(STROOM_EPARSE, node_where(file, node), "%s: expected %s, got %s",
			    k->path, what, got_text(node, got, sizeof got));
	if ((rc = scalar_text(k->path, node, file, text, sizeof text)) != 0)
		return rc;
	rc = set_scalar(k, p, text, node->data.scalar.style == YAML_PLAIN_SCALAR_STYLE,
			node_where(file, node));
	if (rc == 0)
		st->count = 1;
	return rc;
}

int scenario_set_defaults(stroom_params *p, scenario_keystate *st)
{
	size_t i;
	for (i = 0; i < scenario_nkeys; i++) {
		const scenario_key *k = &scenario_keys[i];
		where w = {"(schema default)", 1, 1};
		int rc;
		if (!k->def)
			continue;
		if (k->type == KEY_SERIES) {
			/* The only series default is {}. */
			memset(field(p, k), 0, k->size);
			rc = strcmp(k->def, "{}") == 0
				     ? 0
				     : stroom_error_set(STROOM_ERROR, "%s: bad default", k->path);
		} else {
			rc = set_scalar(k, p, k->def, 1, w);
		}
		if (rc != 0)
			return rc;
		st[i].set = 1;
		st[i].count = 0;
		st[i].file = NULL;
	}
	return 0;
}

/* ---- checks across keys ---- */

static where key_where(const scenario_keystate *st, const scenario_key *k, const char *top)
{
	const scenario_keystate *s = &st[k - scenario_keys];
	where w = {top, 1, 1};
	if (s->file) {
		w.file = s->file;
		w.line = s->line;
		w.col = s->col;
	}
	return w;
}

static const void *cfield(const stroom_params *p, const scenario_key *k)
{
	return (const char *)p + k->offset;
}

static int check_lists(const stroom_params *p, const scenario_keystate *st, const char *top)
{
	size_t i;
	for (i = 0; i < scenario_nkeys; i++) {
		const scenario_key *k = &scenario_keys[i];
		const double *v = cfield(p, k);
		double sum = 0;
		int n = k->length, j;
		if (k->type == KEY_AREA_LIST) {
			n = st[i].count;
			if (n != p->n_areas)
				return fail(STROOM_EINVAL, key_where(st, k, top),
					    "%s: expected %d numbers (one per area in areas), got %d",
					    k->path, p->n_areas, n);
		}
		if (!(k->flags & KEY_SHARES))
			continue;
		for (j = 0; j < n; j++)
			sum += v[j];
		if (fabs(sum - 1.0) > 1e-6)
			return fail(STROOM_EINVAL, key_where(st, k, top),
				    "%s: expected shares summing to 1, got %.10g", k->path, sum);
	}
	return 0;
}

static const scenario_key *key_of(const char *path) { return scenario_key_find(path); }

int scenario_validate(const stroom_params *p, const scenario_keystate *st, const char *top)
{
	char a[16], b[16];
	size_t i, missing = 0, first = 0;
	int rc;

	for (i = 0; i < scenario_nkeys; i++) {
		if (st[i].set)
			continue;
		if (missing++ == 0)
			first = i;
	}
	if (missing == 1)
		return stroom_error_set(STROOM_EINVAL, "%s:1:1: %s: required key missing", top,
					scenario_keys[first].path);
	if (missing > 1)
		return stroom_error_set(STROOM_EINVAL,
					"%s:1:1: %s: required key missing (and %zu more; most "
					"scenarios start with 'extends: rotterdam')",
					top, scenario_keys[first].path, missing - 1);

	if ((rc = check_lists(p, st, top)) != 0)
		return rc;
	if (p->end < p->start)
		return fail(STROOM_EINVAL, key_where(st, key_of("end"), top),
			    "end: expected a month not before start (%s), got %s",
			    stroom_month_format(p->start, a, sizeof a),
			    stroom_month_format(p->end, b, sizeof b));
	if (p->target_households > 0 &&
	    (p->target_month < p->start || p->target_month > p->end + 1)) {
		char c[16];
		return fail(STROOM_EINVAL, key_where(st, key_of("target.date"), top),
			    "target.date: expected a month from start (%s) to end + 1 (%s), got %s",
			    stroom_month_format(p->start, a, sizeof a),
			    stroom_month_format(p->end + 1, b, sizeof b),
			    stroom_month_format(p->target_month, c, sizeof c));
	}
	if (p->drift_medium_months < p->drift_short_months) {
		const scenario_key *k = key_of("drift.medium_to_long_months");
		if (!st[k - scenario_keys].file)
			k = key_of("drift.short_to_medium_months");
		return fail(STROOM_EINVAL, key_where(st, k, top),
			    "drift.medium_to_long_months: expected at least "
			    "drift.short_to_medium_months (%d), got %d",
			    p->drift_short_months, p->drift_medium_months);
	}
	if (!(p->return_within_12m < p->return_nondurable_share))
		return fail(STROOM_EINVAL, key_where(st, key_of("returns.within_12m"), top),
			    "returns.within_12m: expected less than returns.nondurable_share "
			    "(%.10g), got %.10g",
			    p->return_nondurable_share, p->return_within_12m);
	return 0;
}
