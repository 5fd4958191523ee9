/*
 * national.c: national runs (stroom/national.h): the municipalities table, the
 * per-municipality parameters and budget, the balanced split into blocks, and the
 * reduction of each municipality's run into the national totals and its summary
 * row as soon as it finishes.
 */
#include "csv.h"
#include "internal.h"

#include <stroom/national.h>
#include <stroom/population.h>
#include <stroom/posterior.h>

#include <errno.h>
#include <gsl/gsl_sort.h>
#include <gsl/gsl_statistics_double.h>
#include <stdlib.h>
#include <string.h>

struct stroom_national {
	stroom_allocator alloc;
	char path[STROOM_PATH_LEN];
	int n;
	int64_t households;
	stroom_municipality *rows;
};

static const char *const muni_cols[] = {"name", "households", "inflow_per_year", "budget_eur",
					"posterior"};

/* Fields of the header (the first line that is not a comment or blank); the CSV
 * holds no quoted commas. */
static int header_fields(const char *t)
{
	if ((unsigned char)t[0] == 0xEF && (unsigned char)t[1] == 0xBB && (unsigned char)t[2] == 0xBF)
		t += 3;
	while (*t) {
		const char *e = strchr(t, '\n');
		size_t len = e ? (size_t)(e - t) : strlen(t);
		if (len > 0 && t[len - 1] == '\r')
			len--;
		if (len > 0 && t[0] != '#') {
			int n = 1;
			size_t i;
			for (i = 0; i < len; i++)
				n += t[i] == ',';
			return n;
		}
		if (!e)
			break;
		t = e + 1;
	}
	return 0;
}

/* rel against the directory of the file `origin` (absolute rel unchanged). 0 or -1
 * when it does not fit. */
static int resolve_beside(char *out, size_t size, const char *origin, const char *rel)
{
	const char *slash = strrchr(origin, '/');
	int n = rel[0] == '/' || !slash ? snprintf(out, size, "%s", rel)
					: snprintf(out, size, "%.*s/%s", (int)(slash - origin), origin, rel);
	return n < 0 || (size_t)n >= size ? -1 : 0;
}

/* An amount in EUR with at most 2 decimals, exactly, into eurocent. -1 if not. */
static int64_t parse_eur(const char *s)
{
	int64_t v = 0;
	int dec = -1;
	if (!*s)
		return -1;
	for (; *s; s++) {
		if (*s == '.' && dec < 0) {
			dec = 0;
			continue;
		}
		if (*s < '0' || *s > '9' || dec >= 2 || v > STROOM_BUDGET_MAX_EUROCENT)
			return -1;
		v = v * 10 + (*s - '0');
		if (dec >= 0)
			dec++;
	}
	if (dec == 0)
		return -1; /* "12." */
	if (dec < 0)
		dec = 0;
	for (; dec < 2; dec++)
		v *= 10;
	return v > STROOM_BUDGET_MAX_EUROCENT ? -1 : v;
}

int stroom_national_load(stroom_national **out, const stroom_params *p, const stroom_allocator *a)
{
	stroom_national *n;
	stroom_csv c;
	char *text = NULL;
	size_t len, cap;
	int err, r, i, has_budget = p->budget_table[0] || p->budget_csv[0];
	*out = NULL;
	if (!p->municipalities_csv[0])
		return stroom_error_set(STROOM_EINVAL, "municipalities.csv: expected a file, got ''");
	if (p->population_csv[0])
		return stroom_error_set(STROOM_EINVAL,
					"population.csv: a national run synthesises each municipality's "
					"households; expected no population.csv, got '%s'",
					p->population_csv);
	if ((err = stroom_read_file(a, p->municipalities_csv, STROOM_INPUT_MUNICIPALITIES,
				    "municipalities.csv: ", &text, &len)) != 0)
		return err;
	cap = stroom_csv_count_lines(text);
	n = stroom_calloc(a, 1, sizeof *n);
	if (n)
		n->rows = stroom_calloc(a, cap, sizeof *n->rows);
	if (!n || !n->rows) {
		if (n)
			stroom_free(a, n);
		stroom_free(a, text);
		return STROOM_ENOMEM;
	}
	n->alloc = *stroom_alloc_or_default(a);
	snprintf(n->path, sizeof n->path, "%s", p->municipalities_csv);
	/* name,households,inflow_per_year[,budget_eur[,posterior]] */
	err = header_fields(text) >= 5
		? stroom_csv_open(&c, text, n->path, muni_cols, 5, 5, STROOM_CSV_WITH_COL)
		: stroom_csv_open(&c, text, n->path, muni_cols, 4, 3, STROOM_CSV_WITH_COL);
	while (!err && (r = stroom_csv_row(&c)) == 1) {
		stroom_municipality *m = &n->rows[n->n];
		char *end;
		long hh;
		double in;
		if (!c.f[0][0] || strlen(c.f[0]) >= sizeof m->name) {
			err = stroom_csv_bad(&c, STROOM_EPARSE, 0, "a name of 1 to 63 characters");
			break;
		}
		for (i = 0; i < n->n; i++)
			if (!strcmp(n->rows[i].name, c.f[0])) {
				err = stroom_csv_bad(&c, STROOM_EINVAL, 0, "a name not used on an earlier row");
				break;
			}
		if (err)
			break;
		errno = 0;
		hh = strtol(c.f[1], &end, 10);
		if (errno || end == c.f[1] || *end || hh < 1 || hh > 10000000) {
			err = stroom_csv_bad(&c, STROOM_EPARSE, 1, "a whole number of households from 1 to 10000000");
			break;
		}
		errno = 0;
		in = strtod(c.f[2], &end);
		if (errno || end == c.f[2] || *end || !(in >= 0 && in <= 1e7)) {
			err = stroom_csv_bad(&c, STROOM_EPARSE, 2, "new households a year from 0 to 1e7");
			break;
		}
		snprintf(m->name, sizeof m->name, "%s", c.f[0]);
		m->households = (int)hh;
		m->inflow_per_year = in;
		m->line = c.line;
		m->budget_eurocent = 0;
		if (c.ncols > 3 && c.f[3][0]) {
			int64_t b = parse_eur(c.f[3]);
			if (b <= 0) {
				err = stroom_csv_bad(&c, STROOM_EPARSE, 3,
						     "an amount in EUR above 0 with at most 2 decimals");
				break;
			}
			m->budget_eurocent = b;
		} else if (has_budget) {
			err = c.ncols > 3 ? stroom_csv_bad(&c, STROOM_EINVAL, 3,
							   "the municipality's BUIG budget in EUR (the scenario has a budget)")
					  : stroom_error_set(STROOM_EINVAL,
							     "%s:%d: column budget_eur: expected the column (the scenario "
							     "has a budget), got none", n->path, c.line);
			break;
		}
		m->posterior[0] = '\0';
		if (c.ncols > 4 && c.f[4][0] &&
		    resolve_beside(m->posterior, sizeof m->posterior, n->path, c.f[4]) != 0) {
			err = stroom_csv_bad(&c, STROOM_EINVAL, 4,
					     "a path of a posterior.csv relative to this file, shorter");
			break;
		}
		n->households += m->households;
		n->n++;
	}
	if (!err && r < 0)
		err = r;
	if (!err && n->n == 0)
		err = stroom_error_set(STROOM_EINVAL, "%s: expected at least one municipality, got none",
				       n->path);
	stroom_free(a, text);
	if (err) {
		stroom_national_free(n);
		return err;
	}
	*out = n;
	return 0;
}

void stroom_national_free(stroom_national *n)
{
	stroom_allocator a;
	if (!n)
		return;
	a = n->alloc;
	stroom_free(&a, n->rows);
	stroom_free(&a, n);
}

int stroom_national_count(const stroom_national *n) { return n->n; }

const stroom_municipality *stroom_national_row(const stroom_national *n, int i)
{
	return i >= 0 && i < n->n ? &n->rows[i] : NULL;
}

int64_t stroom_national_households(const stroom_national *n) { return n->households; }

void stroom_national_params(const stroom_national *n, int i, const stroom_params *base,
			    stroom_params *out)
{
	const stroom_municipality *m = &n->rows[i];
	double f = (double)m->households / (double)base->population_households;
	int k, j;
	*out = *base;
	snprintf(out->name, sizeof out->name, "%.*s", (int)sizeof out->name - 1, m->name);
	out->population_households = m->households;
	/* a prior on the inflow keeps its relative spread, scaled to the municipality's
	 * inflow (and every municipality draws the same quantile of it) */
	if (base->inflow_per_year > 0)
		stroom_params_scale(out, "inflow.per_year", m->inflow_per_year / base->inflow_per_year);
	else
		stroom_params_fix(out, "inflow.per_year");
	out->inflow_per_year = m->inflow_per_year;
	for (k = 0; k < out->budget_other_spending.n; k++)
		out->budget_other_spending.value[k] = base->budget_other_spending.value[k] * f;
	/* the scenario's teams and instrument places, in proportion to its size */
	for (k = 0; k < out->n_teams; k++)
		for (j = 0; j < out->team[k].fte.n; j++)
			out->team[k].fte.value[j] = base->team[k].fte.value[j] * f;
	for (k = 0; k < out->n_instruments; k++)
		for (j = 0; j < out->instrument[k].slots.n; j++)
			out->instrument[k].slots.value[j] = base->instrument[k].slots.value[j] * f;
}

void stroom_national_split(const stroom_national *n, int parts, int part, int *first, int *count)
{
	int i = 0, k, start = 0;
	int64_t sum = 0;
	for (k = 0; k <= part; k++) {
		/* block k: rows until the running sum reaches (k + 1) / parts of the total */
		int64_t goal = (n->households * (k + 1) + parts - 1) / parts;
		start = i;
		while (i < n->n && (sum < goal || k == parts - 1)) {
			sum += n->rows[i].households;
			i++;
		}
	}
	*first = start;
	*count = i - start;
}

/* One municipality's summary row. */
typedef struct muni_row {
	int32_t households, filled, year, has_budget;
	stroom_month date;
	double caseload[3];  /* p05, p50, p95 */
	double spending_eur; /* mean over replicates */
	double budget_eur;
	double result_eur[3];
	double p_safety_net;
} muni_row;

struct stroom_national_run {
	int nmuni;
	stroom_results *total, *central;
	stroom_budget_run *budget;
	muni_row *rows; /* [nmuni] */
};

void stroom_national_run_free(stroom_national_run *r)
{
	if (!r)
		return;
	stroom_results_free(r->total);
	stroom_results_free(r->central);
	stroom_output_budget_free(r->budget);
	free(r->rows);
	free(r);
}

const stroom_results *stroom_national_run_total(const stroom_national_run *r) { return r->total; }
const stroom_results *stroom_national_run_central(const stroom_national_run *r) { return r->central; }
const stroom_budget_run *stroom_national_run_budget(const stroom_national_run *r) { return r->budget; }

/* Adds *src into *dst, or moves it there when dst is empty; src is consumed. */
static int add_results(stroom_results **dst, stroom_results **src)
{
	int err = 0;
	if (!*dst) {
		*dst = *src;
		*src = NULL;
		return 0;
	}
	err = stroom_results_add(*dst, *src);
	stroom_results_free(*src);
	*src = NULL;
	return err;
}

static int add_budget(stroom_budget_run **dst, stroom_budget_run **src)
{
	int err;
	if (!*dst) {
		*dst = *src;
		*src = NULL;
		return 0;
	}
	err = stroom_output_budget_add(*dst, *src);
	stroom_output_budget_free(*src);
	*src = NULL;
	return err;
}

/* The summary row of one municipality's run. */
static int summarise(muni_row *row, const stroom_results *res, const stroom_params *p,
		     const stroom_budget_run *br)
{
	int R = stroom_results_replicates(res), T = stroom_results_months(res), rep, t, y;
	stroom_month start = stroom_results_start(res), date = start + T;
	double mean, q[STROOM_NQUANT], *buf;
	if (p->target_households > 0 && p->target_month >= start && p->target_month <= start + T)
		date = p->target_month;
	stroom_output_stats(res, date - start, STROOM_IND_CASELOAD, 0, &mean, q);
	row->date = date;
	row->caseload[0] = q[0];
	row->caseload[1] = q[2];
	row->caseload[2] = q[4];
	row->year = stroom_month_year(start + T) - 1; /* the last full year */
	if (stroom_month_year(start) > row->year ||
	    (stroom_month_year(start) == row->year && stroom_month_of_year(start) != 1))
		row->year = 0;
	row->spending_eur = 0;
	if (row->year) {
		int64_t sum = 0;
		for (rep = 0; rep < R; rep++)
			for (t = 0; t < T; t++)
				if (stroom_month_year(start + t) == row->year)
					sum += stroom_results_money(res, rep, t, STROOM_MONEY_BENEFIT, 0) +
					       stroom_results_money(res, rep, t, STROOM_MONEY_LKS, 0) +
					       stroom_results_money(res, rep, t, STROOM_MONEY_INSTRUMENTS, 0);
		row->spending_eur = (double)sum / 100.0 / R;
	}
	row->has_budget = 0;
	if (!br || !row->year)
		return 0;
	for (y = 0; y < stroom_output_budget_years(br); y++)
		if (stroom_output_budget_result(br, 0, y)->year == row->year)
			break;
	if (y == stroom_output_budget_years(br))
		return 0;
	buf = malloc((size_t)R * sizeof *buf);
	if (!buf)
		return stroom_error_set(STROOM_ENOMEM, "out of memory");
	row->has_budget = 1;
	row->budget_eur = (double)stroom_output_budget_result(br, 0, y)->budget_eurocent / 100.0;
	row->p_safety_net = 0;
	for (rep = 0; rep < R; rep++) {
		const stroom_budget_result *x = stroom_output_budget_result(br, rep, y);
		buf[rep] = (double)x->result_eurocent / 100.0;
		row->p_safety_net += x->safety_net_eurocent > 0;
	}
	row->p_safety_net /= R;
	gsl_sort(buf, 1, (size_t)R);
	row->result_eur[0] = gsl_stats_quantile_from_sorted_data(buf, 1, (size_t)R, 0.05);
	row->result_eur[1] = gsl_stats_quantile_from_sorted_data(buf, 1, (size_t)R, 0.50);
	row->result_eur[2] = gsl_stats_quantile_from_sorted_data(buf, 1, (size_t)R, 0.95);
	free(buf);
	return 0;
}

/* Runs municipality i and adds it into r. */
static int run_one(stroom_national_run *r, const stroom_national *n, const stroom_params *base, int i,
		   const stroom_national_options *o, stroom_params *mp)
{
	const stroom_municipality *m = &n->rows[i];
	stroom_population *pop = NULL;
	stroom_results *res = NULL, *cen = NULL;
	stroom_budget_run *br = NULL;
	stroom_sim_options so = STROOM_SIM_OPTIONS_INIT;
	stroom_posterior *own = NULL;
	int err;
	stroom_national_params(n, i, base, mp);
	so.threads = o->threads;
	so.rules = o->rules;
	so.stream = (uint32_t)i + 1;
	so.fixed_parameters = o->fixed_parameters;
	so.posterior = o->posterior;
	if (m->posterior[0]) {
		/* the municipality's own joint draws, checked against its parameters */
		if ((err = stroom_posterior_load(&own, m->posterior, mp, NULL)) != 0)
			goto done;
		so.posterior = own;
	}
	if ((err = stroom_population_synthesise(&pop, mp, o->rules, NULL)) != 0)
		goto done;
	if ((err = stroom_sim_run(&res, mp, pop, &so)) != 0)
		goto done;
	if (o->central) {
		so.fixed_parameters = 1;
		if ((err = stroom_sim_run(&cen, mp, pop, &so)) != 0)
			goto done;
	}
	if (mp->budget_table[0] || mp->budget_csv[0]) {
		stroom_budget *bud = NULL;
		err = stroom_budget_load(&bud, mp->budget_csv[0] ? NULL : mp->budget_table,
					 mp->budget_csv[0] ? mp->budget_csv : NULL, NULL);
		if (!err)
			err = stroom_budget_scale(bud, stroom_month_year(mp->start), m->budget_eurocent);
		if (!err)
			err = stroom_output_budget_compute(&br, res, mp, bud);
		stroom_budget_free(bud);
		if (err)
			goto done;
	}
	if ((err = summarise(&r->rows[i], res, mp, br)) != 0)
		goto done;
	r->rows[i].households = m->households;
	r->rows[i].filled = 1;
	if ((err = add_results(&r->total, &res)) != 0 || (cen && (err = add_results(&r->central, &cen)) != 0) ||
	    (br && (err = add_budget(&r->budget, &br)) != 0))
		goto done;
done:
	stroom_population_free(pop);
	stroom_results_free(res);
	stroom_results_free(cen);
	stroom_output_budget_free(br);
	stroom_posterior_free(own);
	if (err && err != STROOM_EINTR) {
		char detail[512];
		snprintf(detail, sizeof detail, "%s", stroom_error_last());
		err = stroom_error_set(err, "%s:%d: municipality %s: %s", n->path, m->line, m->name, detail);
	}
	return err;
}

int stroom_national_run_block(stroom_national_run **out, const stroom_national *n, const stroom_params *p,
			int first, int count, const stroom_national_options *opts)
{
	stroom_national_options o = STROOM_NATIONAL_OPTIONS_INIT;
	stroom_national_run *r;
	stroom_params *mp;
	int i, err = 0;
	*out = NULL;
	if (opts)
		o = *opts;
	if (first < 0 || count < 1 || first > n->n - count)
		return stroom_error_set(STROOM_EINVAL, "municipalities: block %d+%d is not within the %d rows",
					first, count, n->n);
	r = calloc(1, sizeof *r);
	mp = malloc(sizeof *mp);
	if (r)
		r->rows = calloc((size_t)n->n, sizeof *r->rows);
	if (!r || !mp || !r->rows) {
		free(mp);
		stroom_national_run_free(r);
		return stroom_error_set(STROOM_ENOMEM, "out of memory");
	}
	r->nmuni = n->n;
	for (i = first; i < first + count && !err; i++) {
		err = run_one(r, n, p, i, &o, mp);
		if (!err && o.progress && o.progress(i - first + 1, count, o.payload))
			err = stroom_error_set(STROOM_EINTR, "run cancelled");
	}
	free(mp);
	if (err) {
		stroom_national_run_free(r);
		return err;
	}
	*out = r;
	return 0;
}

int stroom_national_run_add(stroom_national_run *dst, const stroom_national_run *src)
{
	int i, err = 0;
	if (dst->nmuni != src->nmuni)
		return stroom_error_set(STROOM_EINVAL, "national: runs of different tables");
	if (src->total) {
		if (dst->total)
			err = stroom_results_add(dst->total, src->total);
		else
			return stroom_error_set(STROOM_EINVAL, "national: add into an empty run");
	}
	if (!err && src->central && dst->central)
		err = stroom_results_add(dst->central, src->central);
	if (!err && src->budget && dst->budget)
		err = stroom_output_budget_add(dst->budget, src->budget);
	if (err)
		return err;
	for (i = 0; i < src->nmuni; i++)
		if (src->rows[i].filled)
			dst->rows[i] = src->rows[i];
	return 0;
}

/* A pack: the header, the rows, then the packs of total, central and budget. */
typedef struct national_header {
	uint32_t magic;
	int32_t nmuni;
	uint64_t n_total, n_central, n_budget;
} national_header;
#define NATIONAL_MAGIC 0x4e41544eu /* "NATN" */

size_t stroom_national_run_pack(const stroom_national_run *r, void *buf, size_t size)
{
	national_header h;
	unsigned char *p = buf;
	size_t rows = (size_t)r->nmuni * sizeof *r->rows, need;
	int R;
	memset(&h, 0, sizeof h);
	h.magic = NATIONAL_MAGIC;
	h.nmuni = r->nmuni;
	R = r->total ? stroom_results_replicates(r->total) : 0;
	h.n_total = r->total ? stroom_results_pack(r->total, 0, R, NULL, 0) : 0;
	h.n_central = r->central ? stroom_results_pack(r->central, 0, R, NULL, 0) : 0;
	h.n_budget = r->budget ? stroom_output_budget_pack(r->budget, NULL, 0) : 0;
	need = sizeof h + rows + h.n_total + h.n_central + h.n_budget;
	if (!buf || size < need)
		return need;
	memcpy(p, &h, sizeof h);
	p += sizeof h;
	memcpy(p, r->rows, rows);
	p += rows;
	if (r->total)
		p += stroom_results_pack(r->total, 0, R, p, h.n_total);
	if (r->central)
		p += stroom_results_pack(r->central, 0, R, p, h.n_central);
	if (r->budget)
		stroom_output_budget_pack(r->budget, p, h.n_budget);
	return need;
}

int stroom_national_run_unpack(stroom_national_run **out, const void *buf, size_t size)
{
	national_header h;
	const unsigned char *p = buf;
	stroom_national_run *r;
	size_t rows;
	int err = 0;
	*out = NULL;
	if (size < sizeof h)
		return stroom_error_set(STROOM_EINVAL, "national pack: too short");
	memcpy(&h, p, sizeof h);
	if (h.magic != NATIONAL_MAGIC || h.nmuni < 1)
		return stroom_error_set(STROOM_EINVAL, "national pack: not a pack of a national run");
	rows = (size_t)h.nmuni * sizeof(muni_row);
	if (size != sizeof h + rows + h.n_total + h.n_central + h.n_budget)
		return stroom_error_set(STROOM_EINVAL, "national pack: wrong size");
	r = calloc(1, sizeof *r);
	if (r)
		r->rows = malloc(rows);
	if (!r || !r->rows) {
		stroom_national_run_free(r);
		return stroom_error_set(STROOM_ENOMEM, "out of memory");
	}
	r->nmuni = h.nmuni;
	p += sizeof h;
	memcpy(r->rows, p, rows);
	p += rows;
	if (h.n_total)
		err = stroom_results_unpack(&r->total, p, h.n_total, NULL);
	p += h.n_total;
	if (!err && h.n_central)
		err = stroom_results_unpack(&r->central, p, h.n_central, NULL);
	p += h.n_central;
	if (!err && h.n_budget)
		err = stroom_output_budget_unpack(&r->budget, p, h.n_budget);
	if (err) {
		stroom_national_run_free(r);
		return err;
	}
	*out = r;
	return 0;
}

size_t stroom_national_run_csv(const stroom_national_run *r, const stroom_national *n, char *buf,
			       size_t size)
{
	stroom_sbuf b = {buf, size, 0};
	int i;
	if (buf && size)
		buf[0] = '\0';
	stroom_sbuf_printf(&b, "name,households,caseload_date,caseload_p05,caseload_p50,caseload_p95,"
			       "year,spending_eur,budget_eur,result_eur_p05,result_eur_p50,"
			       "result_eur_p95,p_safety_net\n");
	for (i = 0; i < r->nmuni && i < n->n; i++) {
		const muni_row *x = &r->rows[i];
		char date[16];
		if (!x->filled)
			continue;
		stroom_sbuf_printf(&b, "%s,%d,%s,%.1f,%.1f,%.1f,", n->rows[i].name, x->households,
				   stroom_month_format(x->date, date, sizeof date), x->caseload[0],
				   x->caseload[1], x->caseload[2]);
		if (x->year)
			stroom_sbuf_printf(&b, "%d,%.2f,", x->year, x->spending_eur);
		else
			stroom_sbuf_printf(&b, ",,");
		if (x->has_budget)
			stroom_sbuf_printf(&b, "%.2f,%.2f,%.2f,%.2f,%.3f\n", x->budget_eur, x->result_eur[0],
					   x->result_eur[1], x->result_eur[2], x->p_safety_net);
		else
			stroom_sbuf_printf(&b, ",,,,\n");
	}
	return b.len;
}
