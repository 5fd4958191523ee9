/*
 * report.c: a run or compare directory read into the report's model (report_int.h):
 * series.csv and budget.csv as tables of (indicator, group) by period, compare.csv
 * as rows, manifest.json through jansson (the scenario, the target, P(target) and
 * the caseload then, where the interval comes from, the conditions the levers
 * touch, the posterior's widths), summary.txt's text for these only in a
 * directory written before manifest.json had them, and the comments of the
 * scenario file as the sources of its key assumptions. Also the all-or-nothing
 * write of the page.
 */
#include "report_int.h"

#include "csv.h"
#include "internal.h"
#include "outfile.h"

#include <stroom/conditions.h>

#include <errno.h>
#include <jansson.h>
#include <math.h>
#include <sha2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "builtin.h"

const rp_series *rp_find(const rp_table *t, const char *ind, const char *grp)
{
	int i;
	for (i = 0; i < t->n; i++)
		if (!strcmp(t->s[i].ind, ind) && !strcmp(t->s[i].grp, grp))
			return &t->s[i];
	return NULL;
}

static void table_free(rp_table *t)
{
	int i;
	for (i = 0; i < t->n; i++)
		free(t->s[i].v);
	free(t->s);
}

void stroom_report_free(stroom_report *r)
{
	if (!r)
		return;
	table_free(&r->series);
	table_free(&r->budget);
	free(r->cmp);
	free(r);
}

int stroom_report_is_compare(const stroom_report *r) { return r->compare; }

/* A number field: the whole field must be a number (empty = NaN when empty_ok). */
static int field_num(const stroom_csv *c, int i, int empty_ok, double *out)
{
	char *end;
	const char *s = c->f[i];
	if (!*s && empty_ok) {
		*out = NAN;
		return 0;
	}
	errno = 0;
	*out = strtod(s, &end);
	if (!*s || *end || errno == ERANGE || !isfinite(*out))
		return stroom_csv_bad(c, STROOM_EPARSE, i, "a number");
	return 0;
}

/* The series (ind, grp) of t into *out, made when new; hint: where the previous
 * period had the same position. 0, or an error code with its detail (too many
 * series, a name too long, out of memory). */
static int table_get(rp_table *t, const char *ind, const char *grp, int *hint, const stroom_csv *c,
		     rp_series **out)
{
	int i;
	if (*hint >= 0 && *hint < t->n && !strcmp(t->s[*hint].ind, ind) && !strcmp(t->s[*hint].grp, grp)) {
		*out = &t->s[(*hint)++];
		return 0;
	}
	for (i = 0; i < t->n; i++)
		if (!strcmp(t->s[i].ind, ind) && !strcmp(t->s[i].grp, grp)) {
			*hint = i + 1;
			*out = &t->s[i];
			return 0;
		}
	if (strlen(ind) >= RP_NAME || strlen(grp) >= RP_NAME)
		return stroom_error_set(STROOM_EPARSE, "%s:%d: indicator or group longer than %d characters",
					c->path, c->line, RP_NAME - 1);
	if (t->n >= RP_MAX_SERIES)
		return stroom_error_set(STROOM_EPARSE, "%s:%d: more than %d series", c->path, c->line,
					RP_MAX_SERIES);
	if (t->n == t->cap) {
		int cap = t->cap ? 2 * t->cap : 64;
		rp_series *ns = realloc(t->s, (size_t)cap * sizeof *ns);
		if (!ns)
			return stroom_error_set(STROOM_ENOMEM, "out of memory");
		t->s = ns;
		t->cap = cap;
	}
	memset(&t->s[t->n], 0, sizeof t->s[t->n]);
	snprintf(t->s[t->n].ind, RP_NAME, "%s", ind);
	snprintf(t->s[t->n].grp, RP_NAME, "%s", grp);
	*hint = t->n + 1;
	*out = &t->s[t->n++];
	return 0;
}

/* Stores the RP_NQ values at period index k of s (grown with NaN as needed). */
static int series_put(rp_series *s, int k, const double *v)
{
	int j;
	if (k >= s->cap) { /* doubling, within RP_MAX_PERIODS */
		int cap = s->cap ? 2 * s->cap : 16;
		double *nv;
		while (cap <= k)
			cap *= 2;
		if (cap > RP_MAX_PERIODS)
			cap = RP_MAX_PERIODS;
		if (!(nv = realloc(s->v, (size_t)cap * RP_NQ * sizeof *nv)))
			return stroom_error_set(STROOM_ENOMEM, "out of memory");
		s->v = nv;
		s->cap = cap;
	}
	if (k >= s->n) {
		for (j = s->n * RP_NQ; j < (k + 1) * RP_NQ; j++)
			s->v[j] = NAN;
		s->n = k + 1;
	}
	memcpy(&s->v[(size_t)k * RP_NQ], v, RP_NQ * sizeof *v);
	return 0;
}

/*
 * series.csv (yearly == 0) or budget.csv (yearly == 1) into t. Periods must not go
 * back (the writers' order), and stay within RP_MAX_PERIODS of the first.
 */
static int parse_table(rp_table *t, char *text, const char *path, int yearly)
{
	static const char *const scols[] = {"month", "indicator", "group", "mean", "p05",
					    "p25",   "p50",       "p75",   "p95"};
	static const char *const bcols[] = {"year", "indicator", "mean", "p05",
					    "p25",  "p50",       "p75",  "p95"};
	stroom_csv c;
	int err, hint = 0, last = -1, q0 = yearly ? 2 : 3, rows = 0;
	err = yearly ? stroom_csv_open(&c, text, path, bcols, 8, 8, 0)
		     : stroom_csv_open(&c, text, path, scols, 9, 9, 0);
	if (err)
		return err;
	while ((err = stroom_csv_row(&c)) == 1) {
		double v[RP_NQ];
		int period, k, j;
		rp_series *s = NULL;
		if (++rows > RP_MAX_ROWS)
			return stroom_error_set(STROOM_EPARSE, "%s:%d: more than %d rows", path, c.line,
						RP_MAX_ROWS);
		if (yearly) {
			char *end;
			long y = strtol(c.f[0], &end, 10);
			if (!c.f[0][0] || *end || y < 1900 || y > 2200)
				return stroom_csv_bad(&c, STROOM_EPARSE, 0, "a year from 1900 to 2200");
			period = (int)y;
		} else {
			stroom_month m;
			if (stroom_month_parse(&m, c.f[0]) || strlen(c.f[0]) != 7)
				return stroom_csv_bad(&c, STROOM_EPARSE, 0, "a month YYYY-MM");
			period = (int)m;
		}
		if (last < 0)
			t->first = period;
		else if (period < (yearly ? t->first : last)) /* budget.csv: each part goes by year */
			return stroom_error_set(STROOM_EPARSE, "%s:%d: column %s: '%s' comes after a later "
						"one (the rows go by period)", path, c.line,
						yearly ? "year" : "month", c.f[0]);
		if (period != last)
			hint = 0;
		last = period;
		k = period - t->first;
		if (k >= RP_MAX_PERIODS)
			return stroom_error_set(STROOM_EPARSE, "%s:%d: more than %d %s", path, c.line,
						RP_MAX_PERIODS, yearly ? "years" : "months");
		for (j = 0; j < RP_NQ; j++)
			if ((err = field_num(&c, q0 + j, 0, &v[j])) != 0)
				return err;
		if (!c.f[1][0])
			return stroom_csv_bad(&c, STROOM_EPARSE, 1, "an indicator");
		if ((err = table_get(t, c.f[1], yearly ? "" : c.f[2], &hint, &c, &s)) != 0)
			return err;
		if ((err = series_put(s, k, v)) != 0)
			return err;
		if (k + 1 > t->periods)
			t->periods = k + 1;
	}
	if (err < 0)
		return err;
	if (!rows)
		return stroom_error_set(STROOM_EPARSE, "%s: no rows after the header", path);
	return 0;
}

static int parse_compare(stroom_report *r, char *text, const char *path)
{
	static const char *const cols[] = {"period",   "indicator", "a_mean",   "b_mean",  "diff_mean",
					   "diff_se",  "diff_p05",  "diff_p50", "diff_p95"};
	stroom_csv c;
	size_t cap = 0;
	int err;
	if ((err = stroom_csv_open(&c, text, path, cols, 9, 9, 0)) != 0)
		return err;
	while ((err = stroom_csv_row(&c)) == 1) {
		rp_cmp_row *row;
		double v[7];
		int j;
		if (r->ncmp >= RP_MAX_ROWS)
			return stroom_error_set(STROOM_EPARSE, "%s:%d: more than %d rows", path, c.line,
						RP_MAX_ROWS);
		if (!c.f[0][0] || strlen(c.f[0]) >= sizeof row->period)
			return stroom_csv_bad(&c, STROOM_EPARSE, 0, "a period (YYYY, YYYY-MM or all)");
		if (!c.f[1][0] || strlen(c.f[1]) >= RP_NAME)
			return stroom_csv_bad(&c, STROOM_EPARSE, 1, "an indicator");
		for (j = 0; j < 7; j++)
			if ((err = field_num(&c, 2 + j, 1, &v[j])) != 0)
				return err;
		if (r->ncmp == cap) {
			size_t nc = cap ? 2 * cap : 256;
			rp_cmp_row *nr = realloc(r->cmp, nc * sizeof *nr);
			if (!nr)
				return stroom_error_set(STROOM_ENOMEM, "out of memory");
			r->cmp = nr;
			cap = nc;
		}
		row = &r->cmp[r->ncmp++];
		snprintf(row->period, sizeof row->period, "%s", c.f[0]);
		snprintf(row->ind, sizeof row->ind, "%s", c.f[1]);
		row->a = v[0];
		row->b = v[1];
		row->mean = v[2];
		row->se = v[3];
		row->q05 = v[4];
		row->q50 = v[5];
		row->q95 = v[6];
	}
	if (err < 0)
		return err;
	if (!r->ncmp)
		return stroom_error_set(STROOM_EPARSE, "%s: no rows after the header", path);
	return 0;
}

/* ---- manifest.json ---- */

static void copy_str(char *dst, size_t size, json_t *v)
{
	if (json_is_string(v))
		snprintf(dst, size, "%s", json_string_value(v));
}

/* A JSON value as short text for the assumptions table (numbers, strings, a
 * series or prior object compact). */
static void json_text(char *dst, size_t size, json_t *v)
{
	char *s;
	if (!v) {
		snprintf(dst, size, "-");
		return;
	}
	if (json_is_string(v)) {
		snprintf(dst, size, "%s", json_string_value(v));
		return;
	}
	if (json_is_object(v) && json_object_size(v) > 0) {
		/* a series by month or a prior: "2024-01: 34.9; 2025-01: 40", "normal: [7450,370]" */
		const char *k;
		json_t *x;
		size_t n = 0;
		dst[0] = 0;
		json_object_foreach(v, k, x)
		{
			char *t = json_dumps(x, JSON_COMPACT | JSON_ENCODE_ANY | JSON_REAL_PRECISION(6));
			int w = snprintf(dst + n, size - n, "%s%s: %s", n ? "; " : "", k, t ? t : "-");
			free(t);
			if (w < 0 || (size_t)w >= size - n) {
				if (size > 4)
					memcpy(dst + size - 4, "...", 4);
				return;
			}
			n += (size_t)w;
		}
		return;
	}
	s = json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY | JSON_REAL_PRECISION(6));
	snprintf(dst, size, "%s", s ? s : "-");
	if (s && strlen(s) >= size && size > 4)
		memcpy(dst + size - 4, "...", 4);
	free(s);
}

/* The value at a dotted path of obj, or NULL. */
static json_t *json_path(json_t *obj, const char *path)
{
	char key[128];
	const char *p = path;
	while (obj && *p) {
		const char *dot = strchr(p, '.');
		size_t n = dot ? (size_t)(dot - p) : strlen(p);
		if (n >= sizeof key)
			return NULL;
		memcpy(key, p, n);
		key[n] = 0;
		obj = json_is_object(obj) ? json_object_get(obj, key) : NULL;
		p += n + (dot ? 1 : 0);
	}
	return obj;
}

static void add_assumption(stroom_report *r, const char *key, json_t *v)
{
	rp_assumption *a;
	if (r->nassume >= RP_MAX_ASSUMPTIONS || !v)
		return;
	a = &r->assume[r->nassume++];
	snprintf(a->key, sizeof a->key, "%s", key);
	json_text(a->value, sizeof a->value, v);
	a->source[0] = 0;
}

/* The key assumptions of a scenario object (sc) in the order the page lists them. */
static void scenario_assumptions(stroom_report *r, json_t *sc)
{
	static const char *const keys[] = {
		"target.households", "target.date", "start", "end", "replicates", "posterior",
		"population.households", "inflow.per_year", "labour_market.index",
		"capacity.elasticity", "budget.table", "budget.csv", "budget.path_from",
		"budget.national_caseload", "budget.share_trend", "costs.fte_eur"};
	size_t i;
	const char *k;
	json_t *v;
	for (i = 0; i < STROOM_ARRAY_LEN(keys); i++) {
		json_t *x = json_path(sc, keys[i]);
		if (!x || (json_is_string(x) && !json_string_value(x)[0]) ||
		    (json_is_integer(x) && !json_integer_value(x) && strncmp(keys[i], "target", 6) == 0))
			continue;
		add_assumption(r, keys[i], x);
	}
	/* every team: its FTE and caseload norm */
	json_object_foreach(json_object_get(sc, "teams"), k, v)
	{
		char key[64];
		snprintf(key, sizeof key, "teams.%s.fte", k);
		add_assumption(r, key, json_object_get(v, "fte"));
		snprintf(key, sizeof key, "teams.%s.norm", k);
		add_assumption(r, key, json_object_get(v, "norm"));
	}
}

/* The assumptions' sources from manifest.json's "scenario_sources" (each key's
 * comment in whichever file set it: the scenario file or a base it extends);
 * a manifest without the key leaves them to the scenario file's comments. */
static void manifest_sources(stroom_report *r, json_t *src)
{
	int i;
	if (!json_is_object(src))
		return;
	r->sources_manifest = 1;
	r->sources_checked = 1;
	for (i = 0; i < r->nassume; i++) {
		json_t *e = json_object_get(src, r->assume[i].key);
		if (strncmp(r->assume[i].key, "teams.", 6) && json_is_object(e))
			copy_str(r->assume[i].source, sizeof r->assume[i].source,
				 json_object_get(e, "comment"));
	}
}

/* A number of a JSON object, or NAN. */
static double json_num(json_t *obj, const char *key)
{
	json_t *v = json_object_get(obj, key);
	return json_is_number(v) ? json_number_value(v) : NAN;
}

/* What only the run knew, from a run's manifest.json: the caseload on the target
 * date ("target"), where the interval comes from ("interval") and the conditions
 * the levers touch ("conditions"). A directory written before manifest.json had
 * "conditions" has them only as summary.txt's text: r->summary_text is then set,
 * and parse_summary reads them from there. */
static void manifest_run_results(stroom_report *r, json_t *root)
{
	json_t *t = json_object_get(root, "target"), *iv = json_object_get(root, "interval"),
	       *conds = json_object_get(root, "conditions"), *c, *lever;
	size_t i, j;
	if (!json_is_array(conds)) {
		r->summary_text = 1;
		return;
	}
	r->target_med = json_num(t, "caseload_median");
	r->target_lo = json_num(t, "caseload_p05");
	r->target_hi = json_num(t, "caseload_p95");
	r->has_target_q = isfinite(r->target_med) && isfinite(r->target_lo) && isfinite(r->target_hi);
	if (json_is_object(iv)) {
		r->width_drawn = json_num(iv, "width");
		r->width_central = json_num(iv, "width_central");
		r->central_replicates = (int)json_integer_value(json_object_get(iv, "central_replicates"));
		r->share_params = json_num(iv, "share_parameters_pct");
		r->share_mc = json_num(iv, "share_chance_pct");
		r->has_split = isfinite(r->width_drawn) && isfinite(r->width_central) &&
			       isfinite(r->share_params) && isfinite(r->share_mc);
	}
	json_array_foreach(conds, i, c)
	{
		const char *code = json_string_value(json_object_get(c, "code"));
		size_t len = 0;
		if (!code || r->ncond >= RP_MAX_CONDITIONS)
			continue;
		snprintf(r->cond_code[r->ncond], sizeof r->cond_code[0], "%s", code);
		r->cond_levers[r->ncond][0] = 0;
		json_array_foreach(json_object_get(c, "levers"), j, lever)
		{
			if (!json_is_string(lever) || len >= sizeof r->cond_levers[0])
				continue;
			len += (size_t)snprintf(r->cond_levers[r->ncond] + len,
						sizeof r->cond_levers[0] - len, "%s%s", len ? ", " : "",
						json_string_value(lever));
		}
		r->ncond++;
	}
}

static int parse_manifest(stroom_report *r, const char *text, const char *path)
{
	json_error_t je;
	json_t *root = json_loads(text, 0, &je), *sc, *post, *t;
	if (!root)
		return stroom_error_set(STROOM_EPARSE, "%s:%d:%d: invalid JSON: %s", path, je.line,
					je.column, je.text);
	if (!json_is_object(root)) {
		json_decref(root);
		return stroom_error_set(STROOM_EPARSE, "%s:1: expected a JSON object", path);
	}
	copy_str(r->version, sizeof r->version, json_object_get(root, "stroom_version"));
	copy_str(r->created, sizeof r->created, json_object_get(root, "created_utc"));
	r->seed = json_integer_value(json_object_get(root, "seed"));
	r->replicates = (int)json_integer_value(json_object_get(root, "replicates"));
	if (r->compare) {
		json_t *a = json_object_get(root, "a"), *b = json_object_get(root, "b");
		sc = json_object_get(a, "scenario");
		copy_str(r->name, sizeof r->name, json_object_get(sc, "name"));
		copy_str(r->name_b, sizeof r->name_b,
			 json_object_get(json_object_get(b, "scenario"), "name"));
		t = json_object_get(root, "target");
		if (json_is_object(t)) {
			json_int_t h = json_integer_value(json_object_get(t, "households"));
			r->target = h > 0 && h < 100000000 ? (int)h : 0;
			copy_str(r->target_date, sizeof r->target_date, json_object_get(t, "date"));
		}
	} else {
		sc = json_object_get(root, "scenario");
		copy_str(r->name, sizeof r->name, json_object_get(root, "scenario_name"));
		t = json_object_get(sc, "target");
		if (json_is_object(t)) {
			json_int_t h = json_integer_value(json_object_get(t, "households"));
			r->target = h > 0 && h < 100000000 ? (int)h : 0;
			copy_str(r->target_date, sizeof r->target_date, json_object_get(t, "date"));
		}
		post = json_object_get(root, "posterior");
		if (json_is_object(post)) {
			r->has_posterior = 1;
			copy_str(r->posterior_path, sizeof r->posterior_path, json_object_get(post, "path"));
			r->posterior_rows = (long)json_integer_value(json_object_get(post, "rows"));
			r->posterior_columns = (int)json_array_size(json_object_get(post, "columns"));
			r->width_post = json_is_number(json_object_get(post, "interval_width"))
						? json_number_value(json_object_get(post, "interval_width"))
						: NAN;
			r->width_prior =
				json_is_number(json_object_get(post, "interval_width_priors_alone"))
					? json_number_value(json_object_get(post, "interval_width_priors_alone"))
					: NAN;
			r->narrowed_pct = json_is_number(json_object_get(post, "narrowed_pct"))
						  ? json_number_value(json_object_get(post, "narrowed_pct"))
						  : NAN;
			copy_str(r->interval_date, sizeof r->interval_date,
				 json_object_get(post, "interval_date"));
		}
		{
			json_t *in0 = json_array_get(json_object_get(root, "inputs"), 0);
			copy_str(r->scenario_file, sizeof r->scenario_file, json_object_get(in0, "path"));
		}
		{ /* P(caseload <= target) from manifest.json's "target"; summary.txt's line
		   * is the fallback for a directory written before the key existed */
			json_t *hits = json_object_get(json_object_get(root, "target"), "replicates_at_or_below");
			json_int_t h = json_is_integer(hits) ? json_integer_value(hits) : -1;
			if (r->replicates > 0 && h >= 0 && h <= r->replicates) {
				r->p_hits = (int)h;
				r->p_of = r->replicates;
				r->p_target = (double)h / r->replicates;
				r->has_p = 1;
			}
		}
		manifest_run_results(r, root);
	}
	if (!json_is_object(sc)) {
		json_decref(root);
		return stroom_error_set(STROOM_EPARSE, "%s: expected the resolved scenario under "
					"\"%s\"", path, r->compare ? "a.scenario" : "scenario");
	}
	copy_str(r->description, sizeof r->description, json_object_get(sc, "description"));
	copy_str(r->start, sizeof r->start, json_object_get(sc, "start"));
	copy_str(r->end, sizeof r->end, json_object_get(sc, "end"));
	if (!r->name[0])
		copy_str(r->name, sizeof r->name, json_object_get(sc, "name"));
	scenario_assumptions(r, sc);
	if (!r->compare)
		manifest_sources(r, json_object_get(root, "scenario_sources"));
	if (!r->compare) {
		/* the scenario file's sha256, to tell whether its comments still describe this run */
		json_t *in0 = json_array_get(json_object_get(root, "inputs"), 0);
		const char *sha = json_string_value(json_object_get(in0, "sha256"));
		if (sha && strlen(sha) == 64)
			snprintf(r->scenario_file + strlen(r->scenario_file) + 1,
				 sizeof r->scenario_file - strlen(r->scenario_file) - 1, "%s", sha);
	}
	json_decref(root);
	return 0;
}

/* ---- summary.txt ---- */

/* A number written with thousands commas ("32,987") at s: the value, and the end. */
static double num_commas(const char *s, const char **end)
{
	char buf[64];
	size_t n = 0;
	while (*s == ' ')
		s++;
	while ((*s == '-' || *s == '.' || *s == ',' || (*s >= '0' && *s <= '9')) && n + 1 < sizeof buf) {
		if (*s != ',')
			buf[n++] = *s;
		s++;
	}
	buf[n] = 0;
	if (end)
		*end = s;
	return n ? strtod(buf, NULL) : NAN;
}

static void parse_summary(stroom_report *r, const char *text)
{
	const char *line = text;
	int in_cond = 0, nlines = 0;
	while (*line && nlines++ < 100000) {
		const char *nl = strchr(line, '\n');
		size_t len = nl ? (size_t)(nl - line) : strlen(line);
		char l[1024];
		const char *p;
		snprintf(l, sizeof l, "%.*s", (int)(len < sizeof l ? len : sizeof l - 1), line);
		if (in_cond) {
			char code[8];
			const char *open = strrchr(l, '('), *close = strrchr(l, ')');
			if (sscanf(l, "%7s", code) == 1 && strchr(code, '.') && r->ncond < RP_MAX_CONDITIONS &&
			    code[0] >= '0' && code[0] <= '9') {
				snprintf(r->cond_code[r->ncond], sizeof r->cond_code[0], "%s", code);
				r->cond_levers[r->ncond][0] = 0;
				if (open && close && close > open)
					snprintf(r->cond_levers[r->ncond], sizeof r->cond_levers[0], "%.*s",
						 (int)(close - open - 1), open + 1);
				r->ncond++;
			} else {
				in_cond = 0;
			}
		}
		if (!strncmp(l, "AEF conditions the scenario's levers touch", 42))
			in_cond = 1;
		if (!r->has_p && (p = strstr(l, "P(caseload <= target) = ")) != NULL &&
		    sscanf(p, "P(caseload <= target) = %lf (%d of %d", &r->p_target, &r->p_hits, &r->p_of) == 3)
			r->has_p = 1;
		if ((p = strstr(l, "caseload then: median ")) != NULL) {
			const char *e;
			r->target_med = num_commas(p + 22, &e);
			if ((e = strstr(e, "[90%: ")) != NULL) {
				r->target_lo = num_commas(e + 6, &e);
				if ((e = strstr(e, " - ")) != NULL) {
					r->target_hi = num_commas(e + 3, NULL);
					r->has_target_q = isfinite(r->target_med) && isfinite(r->target_lo) &&
							  isfinite(r->target_hi);
				}
			}
		}
		if (!strncmp(l, "  width with ", 13) && (p = strstr(l, ": ")) != NULL) {
			const char *e, *c;
			r->width_drawn = num_commas(p + 2, &e);
			if ((c = strstr(e, "Monte Carlo alone, ")) != NULL &&
			    sscanf(c, "Monte Carlo alone, %d", &r->central_replicates) == 1 &&
			    (c = strstr(c, "): ")) != NULL)
				r->width_central = num_commas(c + 3, NULL);
		}
		if ((p = strstr(l, "share of the variance: ")) != NULL) {
			double a, b;
			const char *m = strstr(p, "from Monte Carlo");
			if (sscanf(p, "share of the variance: %lf%%", &a) == 1 && m) {
				const char *q = m;
				while (q > p && q[-1] != ',')
					q--;
				if (sscanf(q, " %lf%%", &b) == 1) {
					r->share_params = a;
					r->share_mc = b;
					r->has_split = isfinite(r->width_drawn) && isfinite(r->width_central);
				}
			}
		}
		line = nl ? nl + 1 : line + len;
	}
}

/* ---- the scenario file's comments: the sources of the key assumptions ---- */

/* The trailing comment of the line that sets the dotted key (two levels at most:
 * "top:" at column 1, "  sub:" indented under it) into out; "" when none. */
static void key_comment(const char *text, const char *key, char *out, size_t size)
{
	char top[64], sub[64];
	const char *dot = strchr(key, '.'), *line = text;
	int in_top = 0, nlines = 0;
	out[0] = 0;
	if (dot) {
		snprintf(top, sizeof top, "%.*s:", (int)(dot - key), key);
		snprintf(sub, sizeof sub, "%s:", dot + 1);
		if (strchr(sub, '.'))
			return;
	} else {
		snprintf(top, sizeof top, "%s:", key);
		sub[0] = 0;
	}
	while (*line && nlines++ < 200000) {
		const char *nl = strchr(line, '\n');
		size_t len = nl ? (size_t)(nl - line) : strlen(line), ind = 0;
		const char *hit = NULL;
		while (ind < len && line[ind] == ' ')
			ind++;
		if (ind == 0 && len && line[0] != '#') {
			in_top = !strncmp(line, top, strlen(top));
			if (in_top && !dot)
				hit = line;
		} else if (in_top && dot && ind > 0 && !strncmp(line + ind, sub, strlen(sub))) {
			hit = line;
		}
		if (hit) {
			const char *h = hit;
			while (h < line + len && !(*h == '#' && h > line && h[-1] == ' '))
				h++;
			if (h < line + len) {
				h++;
				while (*h == ' ')
					h++;
				size_t n = (size_t)(line + len - h);
				snprintf(out, size, "%.*s", (int)n, h);
				if (n >= size && size > 4)
					memcpy(out + size - 4, "...", 4);
			}
			return;
		}
		line = nl ? nl + 1 : line + len;
	}
}

static void sha256_hex(const char *text, size_t len, char hex[65])
{
	SHA2_CTX ctx;
	uint8_t d[32];
	int i;
	SHA256Init(&ctx);
	SHA256Update(&ctx, (const uint8_t *)text, len);
	SHA256Final(d, &ctx);
	for (i = 0; i < 32; i++)
		snprintf(hex + 2 * i, 3, "%02x", d[i]);
}

/* Fills the assumptions' sources from the scenario file the manifest names, when
 * it is still there (a builtin, or the file) and its sha256 matches. */
static void assumption_sources(stroom_report *r)
{
	const char *path = r->scenario_file, *sha = path + strlen(path) + 1;
	const stroom_builtin *b;
	char *text = NULL, hex[65];
	size_t len = 0;
	int i;
	if (!path[0] || strlen(sha) != 64)
		return;
	if ((b = stroom_builtin_find(stroom_builtins, path)) != NULL) {
		text = stroom_strdup(NULL, b->text);
		len = b->size;
	} else if (stroom_read_file(NULL, path, STROOM_INPUT_SCENARIO, "", &text, &len) != 0) {
		stroom_error_clear();
		return;
	}
	if (!text)
		return;
	sha256_hex(text, len, hex);
	if (!strcmp(hex, sha)) {
		r->sources_checked = 1;
		for (i = 0; i < r->nassume; i++)
			if (strncmp(r->assume[i].key, "teams.", 6))
				key_comment(text, r->assume[i].key, r->assume[i].source,
					    sizeof r->assume[i].source);
	}
	free(text);
}

/* ---- loading ---- */

int stroom_report_load_texts(stroom_report **out, const stroom_report_texts *t)
{
	stroom_report *r = calloc(1, sizeof *r);
	char path[1200];
	char *copy = NULL;
	int err = 0;
	*out = NULL;
	if (!r)
		return stroom_error_set(STROOM_ENOMEM, "out of memory");
	r->compare = t->compare != NULL;
	snprintf(r->dir, sizeof r->dir, "%s", t->dir ? t->dir : ".");
	r->width_drawn = r->width_central = r->width_post = r->width_prior = r->narrowed_pct = NAN;
#define RP_PATH(name) (snprintf(path, sizeof path, "%s/%s", r->dir, name), path)
	if (!t->manifest || !t->summary || (!t->series && !t->compare)) {
		err = stroom_error_set(STROOM_ENOTFOUND, "%s: no %s", RP_PATH(""),
				       !t->manifest  ? "manifest.json"
				       : !t->summary ? "summary.txt"
						     : "series.csv (nor compare.csv): not a run directory");
		goto done;
	}
	if ((err = parse_manifest(r, t->manifest, RP_PATH("manifest.json"))) != 0)
		goto done;
	if (r->summary_text)
		parse_summary(r, t->summary);
	if (r->compare) {
		if (!(copy = stroom_strdup(NULL, t->compare))) {
			err = STROOM_ENOMEM;
			goto done;
		}
		if ((err = parse_compare(r, copy, RP_PATH("compare.csv"))) != 0)
			goto done;
	} else {
		if (!(copy = stroom_strdup(NULL, t->series))) {
			err = STROOM_ENOMEM;
			goto done;
		}
		if ((err = parse_table(&r->series, copy, RP_PATH("series.csv"), 0)) != 0)
			goto done;
		if (!rp_find(&r->series, "caseload", "all")) {
			err = stroom_error_set(STROOM_EPARSE, "%s: no caseload of group all", path);
			goto done;
		}
		if (t->budget) {
			free(copy);
			if (!(copy = stroom_strdup(NULL, t->budget))) {
				err = STROOM_ENOMEM;
				goto done;
			}
			if ((err = parse_table(&r->budget, copy, RP_PATH("budget.csv"), 1)) != 0)
				goto done;
		}
		if (!r->sources_manifest)
			assumption_sources(r);
	}
#undef RP_PATH
done:
	free(copy);
	if (err) {
		stroom_report_free(r);
		return err;
	}
	*out = r;
	return 0;
}

/* Reads DIR/name into *text (NULL when absent and not required). */
static int read_one(const char *dir, const char *name, int required, char **text)
{
	char path[1200];
	size_t len;
	int err;
	*text = NULL;
	snprintf(path, sizeof path, "%s/%s", dir, name);
	err = stroom_read_file(NULL, path, STROOM_INPUT_RUN_FILE, "", text, &len);
	if (err == STROOM_ENOTFOUND && !required) {
		stroom_error_clear();
		return 0;
	}
	if (err == STROOM_ENOTFOUND)
		return stroom_error_set(STROOM_ENOTFOUND, "%s: no such file: '%s' is not a run or "
					"compare directory of stroom", path, dir);
	return err;
}

int stroom_report_load_dir(stroom_report **out, const char *dir)
{
	stroom_report_texts t;
	char *series = NULL, *budget = NULL, *compare = NULL, *summary = NULL, *manifest = NULL;
	struct stat st;
	int err;
	*out = NULL;
	if (stat(dir, &st) != 0)
		return stroom_error_set(errno == ENOENT || errno == ENOTDIR ? STROOM_ENOTFOUND : STROOM_EIO,
					"'%s': %s", dir, strerror(errno));
	if (!S_ISDIR(st.st_mode))
		return stroom_error_set(STROOM_EINVAL, "'%s' is not a directory (a run or compare "
					"directory of stroom)", dir);
	if ((err = read_one(dir, "compare.csv", 0, &compare)) == 0 &&
	    (compare || (err = read_one(dir, "series.csv", 1, &series)) == 0) &&
	    (compare || (err = read_one(dir, "budget.csv", 0, &budget)) == 0) &&
	    (err = read_one(dir, "summary.txt", 1, &summary)) == 0 &&
	    (err = read_one(dir, "manifest.json", 1, &manifest)) == 0) {
		memset(&t, 0, sizeof t);
		t.dir = dir;
		t.series = series;
		t.budget = budget;
		t.compare = compare;
		t.summary = summary;
		t.manifest = manifest;
		err = stroom_report_load_texts(out, &t);
	}
	free(series);
	free(budget);
	free(compare);
	free(summary);
	free(manifest);
	return err;
}

int stroom_report_write_file(const char *path, const char *text, size_t len)
{
	char dir[4096], tmp[4200];
	const char *base;
	struct stat st;
	FILE *f;
	int fd, err;
	if (lstat(path, &st) == 0)
		return stroom_error_set(STROOM_EINVAL, "'%s' already exists; remove it or choose "
					"another --out", path);
	stroom_path_split(path, dir, sizeof dir, &base);
	snprintf(tmp, sizeof tmp, "%s/.%s.XXXXXX", dir, base);
	fd = mkstemp(tmp);
	if (fd >= 0)
		(void)fchmod(fd, 0644); /* a page to share, not mkstemp's 0600 */
	if (fd < 0 || (f = fdopen(fd, "w")) == NULL) {
		err = errno;
		if (fd >= 0) {
			close(fd);
			unlink(tmp);
		}
		return stroom_error_set(STROOM_EIO, "cannot write '%s': %s", path, strerror(err));
	}
	errno = 0;
	err = fwrite(text, 1, len, f) == len ? 0 : errno ? errno : EIO;
	err = stroom_close_checked(f, err);
	if (!err && stroom_rename_noreplace(tmp, path) != 0)
		err = errno;
	if (err) {
		unlink(tmp);
		if (err == EEXIST)
			return stroom_error_set(STROOM_EINVAL, "'%s' already exists (made while it was "
						"written); it is left as it was", path);
		return stroom_error_set(STROOM_EIO, "cannot write '%s': %s", path, strerror(err));
	}
	return 0;
}
