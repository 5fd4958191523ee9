/*
 * backtest.c: forecasts from past origins scored against the record
 * (include/stroom/backtest.h, docs/model.md section 11). Per origin: the fit on the
 * rows dated up to it (calib_fit, calibrate.c), the posterior predictive of every
 * row dated in its horizons (posterior draws through the model plus the
 * likelihood's observation noise, calib_item_draw, keyed by (seed, draw, row,
 * origin)), and the two baselines from the record alone (no change, a straight
 * line). Then the scores, the texts and the output directory (all or nothing,
 * src/output/outfile.c).
 */
#include "backtest_int.h"
#include "calib_fit.h"
#include "outfile.h"
#include "rng_int.h"

#include <stroom/ev.h>
#include <stroom/output.h>

#include <errno.h>
#include <gsl/gsl_cdf.h>
#include <gsl/gsl_sort.h>
#include <gsl/gsl_statistics_double.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define BT_SKIP_TEXTS 200

struct stroom_backtest {
	const stroom_allocator *al;
	char name[STROOM_NAME_LEN];
	stroom_month start;
	int months;
	int no, nh, line_months, draws, chains, iterations;
	uint64_t seed;
	stroom_month origins[STROOM_BACKTEST_MAX_ORIGINS];
	int horizons[STROOM_BACKTEST_MAX_HORIZONS];
	size_t fitted[STROOM_BACKTEST_MAX_ORIGINS];
	int converged[STROOM_BACKTEST_MAX_ORIGINS];
	double worst_rhat[STROOM_BACKTEST_MAX_ORIGINS];
	char worst[STROOM_BACKTEST_MAX_ORIGINS][STROOM_DRAW_NAME_LEN];
	size_t nrows, nskips;
	stroom_backtest_row *rows;
	char (*skips)[320];           /* the first BT_SKIP_TEXTS rows not forecast, with why */
	double seconds;
};

static double now_seconds(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static uint64_t mix(uint64_t z)
{
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

/* The month a row is dated at: a stock's day, the end of a flow's period. */
static stroom_month row_end(const stroom_obs_row *r) { return r->month + r->months; }

static int unit_class(int unit)
{
	return unit == STROOM_OBS_UNIT_SHARE ? 2 : unit == STROOM_OBS_UNIT_PERSONS ? 1 : 0;
}

/* One series: indicator, group, period length, households and benefits together. */
static int same_series(const stroom_obs_row *a, const stroom_obs_row *b)
{
	return a->indicator == b->indicator && a->months == b->months &&
	       unit_class(a->unit) == unit_class(b->unit) && !strcmp(a->group, b->group);
}

static const char *ind_label(int ind)
{
	const char *n = stroom_observed_indicator_name(ind);
	return n ? n : "?";
}

static void month_text(stroom_month m, char *buf, size_t size) { stroom_month_format(m, buf, size); }

/* "2018-01-01" for a stock, "2018" for a year's flow, "2018-01+3m" otherwise */
static void period_label(const stroom_obs_row *r, char *buf, size_t size)
{
	int y = stroom_month_year(r->month), m = stroom_month_of_year(r->month);
	if (r->months == 0)
		snprintf(buf, size, "%04d-%02d-01", y, m);
	else if (r->months == 12 && m == 1)
		snprintf(buf, size, "%04d", y);
	else if (r->months == 1)
		snprintf(buf, size, "%04d-%02d", y, m);
	else
		snprintf(buf, size, "%04d-%02d+%dm", y, m, r->months);
}

/* ---- the baselines ---- */

int backtest_line(const double *x, const double *y, int n, double at, double *pred, double *lo,
		  double *hi)
{
	double mx = 0, my = 0, sxx = 0, sxy = 0, b, a, rss = 0;
	int i, distinct = 0;
	*pred = *lo = *hi = NAN;
	for (i = 0; i < n; i++) {
		mx += x[i];
		my += y[i];
		if (i > 0 && x[i] != x[0])
			distinct = 1;
	}
	if (n < 2 || !distinct)
		return 0;
	mx /= n;
	my /= n;
	for (i = 0; i < n; i++) {
		sxx += (x[i] - mx) * (x[i] - mx);
		sxy += (x[i] - mx) * (y[i] - my);
	}
	b = sxy / sxx;
	a = my - b * mx;
	*pred = a + b * at;
	if (n < 3)
		return n;
	for (i = 0; i < n; i++) {
		double e = y[i] - (a + b * x[i]);
		rss += e * e;
	}
	{
		double s = sqrt(rss / (n - 2)), t = gsl_cdf_tdist_Pinv(0.95, (double)(n - 2));
		double se = s * sqrt(1.0 + 1.0 / n + (at - mx) * (at - mx) / sxx);
		*lo = *pred - t * se;
		*hi = *pred + t * se;
	}
	return n;
}

/* The baselines of target r at origin o (line window L months) into br. */
static void baselines(const stroom_obs_row *rows, size_t n_rows, const stroom_obs_row *r,
		      stroom_month o, int L, double *xs, double *ys, stroom_backtest_row *br)
{
	size_t i;
	int np = 0;
	stroom_month best = 0;
	int have = 0;
	br->nochange = NAN;
	for (i = 0; i < n_rows; i++) {
		const stroom_obs_row *q = &rows[i];
		stroom_month e = row_end(q);
		if (!same_series(q, r) || e > o)
			continue;
		if (!have || e >= best) {
			best = e;
			br->nochange = q->value;
			have = 1;
		}
		if (e >= o - L) {
			xs[np] = (double)(e - o);
			ys[np] = q->value;
			np++;
		}
	}
	br->line_points = backtest_line(xs, ys, np, (double)(row_end(r) - o), &br->line, &br->line_q05,
					&br->line_q95);
}

/* Count stocks of one series dated in [o - L, o]: the most of any series. */
static int stock_points(const stroom_obs_row *rows, size_t n_rows, stroom_month o, int L)
{
	size_t i, j;
	int best = 0;
	for (i = 0; i < n_rows; i++) {
		int k = 0;
		if (rows[i].months != 0 || unit_class(rows[i].unit) != 0)
			continue;
		for (j = 0; j < n_rows; j++)
			if (same_series(&rows[j], &rows[i]) && rows[j].month <= o && rows[j].month >= o - L)
				k++;
		if (k > best)
			best = k;
	}
	return best;
}

/* ---- options ---- */

static const int default_horizons[] = {6, 12, 24};

static int check_options(const stroom_backtest_options *o, const int **hz, int *nh)
{
	int k;
	if (!o || o->version != STROOM_BACKTEST_OPTIONS_VERSION)
		return stroom_error_set(STROOM_EINVAL, "backtest: options of another version");
	if (o->n_origins < 1 || o->n_origins > STROOM_BACKTEST_MAX_ORIGINS || !o->origins)
		return stroom_error_set(STROOM_EINVAL, "backtest: give 1 to %d origins",
					STROOM_BACKTEST_MAX_ORIGINS);
	for (k = 1; k < o->n_origins; k++)
		if (o->origins[k] <= o->origins[k - 1]) {
			char a[16], b[16];
			month_text(o->origins[k - 1], a, sizeof a);
			month_text(o->origins[k], b, sizeof b);
			return stroom_error_set(STROOM_EINVAL, "backtest: the origins must be ascending and "
						"distinct (%s, then %s)", a, b);
		}
	*hz = o->n_horizons > 0 ? o->horizons : default_horizons;
	*nh = o->n_horizons > 0 ? o->n_horizons : 3;
	if (*nh > STROOM_BACKTEST_MAX_HORIZONS || !*hz)
		return stroom_error_set(STROOM_EINVAL, "backtest: at most %d horizons",
					STROOM_BACKTEST_MAX_HORIZONS);
	for (k = 0; k < *nh; k++)
		if ((*hz)[k] < 1 || (*hz)[k] > 120 || (k > 0 && (*hz)[k] <= (*hz)[k - 1]))
			return stroom_error_set(STROOM_EINVAL, "backtest: the horizons must be ascending "
						"whole months from 1 to 120 (got %d)", (*hz)[k]);
	if (o->line_months < 0 || o->line_months == 1 || o->line_months > 240)
		return stroom_error_set(STROOM_EINVAL, "backtest: line_months must be 2 to 240 (got %d)",
					o->line_months);
	if (o->draws < 0 || (o->draws > 0 && o->draws < 20) || o->draws > 100000)
		return stroom_error_set(STROOM_EINVAL, "backtest: draws must be 20 to 100000 (got %d)",
					o->draws);
	return 0;
}

/* The horizon index of a row dated `ahead` months after the origin, or -1. */
static int horizon_of(const int *hz, int nh, int ahead)
{
	int k;
	for (k = 0; k < nh; k++)
		if (ahead > (k ? hz[k - 1] : 0) && ahead <= hz[k])
			return k;
	return -1;
}

void stroom_backtest_free(stroom_backtest *b)
{
	if (!b)
		return;
	stroom_free(b->al, b->rows);
	stroom_free(b->al, b->skips);
	stroom_free(b->al, b);
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

/* Splits the rows for origin o: fit rows (dated up to o) into fit; the targets
 * (dated in the horizons, a flow's whole period after o) into tgt (their index in
 * rows into tidx). */
static void split_rows(const stroom_obs_row *rows, size_t n_rows, stroom_month o, const int *hz, int nh,
		       stroom_obs_row *fit, size_t *nfit, stroom_obs_row *tgt, size_t *tidx, size_t *ntgt)
{
	size_t i;
	*nfit = *ntgt = 0;
	for (i = 0; i < n_rows; i++) {
		stroom_month e = row_end(&rows[i]);
		if (e <= o) {
			fit[(*nfit)++] = rows[i];
		} else if (rows[i].month >= o && horizon_of(hz, nh, (int)(e - o)) >= 0) {
			tidx[*ntgt] = i;
			tgt[(*ntgt)++] = rows[i];
		}
	}
}

int backtest_run_model(stroom_backtest **out, const stroom_params *p, const calib_model *m,
		       const stroom_obs_row *rows, size_t n_rows, const stroom_backtest_options *o,
		       int check_only)
{
	const stroom_allocator *al = stroom_alloc_or_default(o ? o->calibrate.allocator : NULL);
	const int *hz = NULL;
	int nh = 0, k, err, L;
	stroom_backtest *b = NULL;
	stroom_calibration *dummy = NULL;
	stroom_obs_row *fit = NULL, *tgt = NULL;
	size_t *tidx = NULL, nfit, ntgt, i;
	calib_item *items = NULL;
	calib_skip *skips = NULL;
	calib_lik_settings ls;
	stroom_params *q = NULL;
	void *ws = NULL;
	double *pred = NULL, *xs = NULL, *ys = NULL, t0 = now_seconds();

	if (out)
		*out = NULL;
	if ((err = check_options(o, &hz, &nh)) != 0)
		return err;
	L = o->line_months > 0 ? o->line_months : 24;
	calib_lik_settings_from(&ls, &o->calibrate);
	fit = calloc(n_rows + 1, sizeof *fit);
	tgt = calloc(n_rows + 1, sizeof *tgt);
	tidx = calloc(n_rows + 1, sizeof *tidx);
	items = calloc(n_rows + 1, sizeof *items);
	skips = calloc(n_rows + 1, sizeof *skips);
	xs = calloc(n_rows + 1, sizeof *xs);
	ys = calloc(n_rows + 1, sizeof *ys);
	if (!fit || !tgt || !tidx || !items || !skips || !xs || !ys) {
		err = stroom_error_set(STROOM_ENOMEM, "out of memory");
		goto done;
	}

	/* every origin checked before any work */
	for (k = 0; k < o->n_origins; k++) {
		stroom_month og = o->origins[k];
		char os[16], a[16], z[16];
		size_t nit, nsk;
		int pts;
		month_text(og, os, sizeof os);
		if (og <= m->start || og >= m->start + m->months) {
			month_text(m->start, a, sizeof a);
			month_text(m->start + m->months, z, sizeof z);
			err = stroom_error_set(STROOM_EINVAL, "origin %s: not inside the scenario's months "
					       "(after its start %s and before its end %s): nothing to "
					       "fit before it or to forecast after it", os, a, z);
			goto done;
		}
		if ((pts = stock_points(rows, n_rows, og, L)) < 2) {
			month_text(og - L, a, sizeof a);
			err = stroom_error_set(STROOM_EINVAL, "origin %s: %s observed stock%s of one series "
					       "counted from %s-01 to %s-01 (the %d months up to it); the "
					       "line baseline needs two", os, pts ? "only 1" : "no",
					       pts ? "" : "s", a, os, L);
			goto done;
		}
		split_rows(rows, n_rows, og, hz, nh, fit, &nfit, tgt, tidx, &ntgt);
		nit = calib_items_build(tgt, ntgt, m, &ls, items, skips, &nsk);
		if (nit == 0) {
			month_text(og + 1, a, sizeof a);
			month_text(og + hz[nh - 1], z, sizeof z);
			err = stroom_error_set(STROOM_EINVAL, "origin %s: no observed row the model "
					       "produces is dated from %s-01 to %s-01 (the %d months after "
					       "it): nothing to score", os, a, z, hz[nh - 1]);
			goto done;
		}
		if ((err = calib_fit(&dummy, p, m, fit, nfit, &o->calibrate, 1)) != 0) {
			char detail[900];
			snprintf(detail, sizeof detail, "%s", stroom_error_last());
			err = stroom_error_set(err, "origin %s: the rows dated up to it: %s", os, detail);
			goto done;
		}
	}
	if (check_only)
		goto done;

	b = stroom_calloc(al, 1, sizeof *b);
	if (!b) {
		err = stroom_error_set(STROOM_ENOMEM, "out of memory");
		goto done;
	}
	b->al = al;
	snprintf(b->name, sizeof b->name, "%s", p->name);
	b->start = m->start;
	b->months = m->months;
	b->no = o->n_origins;
	b->nh = nh;
	b->line_months = L;
	b->draws = o->draws > 0 ? o->draws : 400;
	{
		calib_settings cs;
		calib_settings_from(&cs, &o->calibrate);
		b->chains = cs.chains;
		b->iterations = cs.iterations;
		b->seed = cs.seed;
	}
	memcpy(b->origins, o->origins, (size_t)b->no * sizeof *b->origins);
	memcpy(b->horizons, hz, (size_t)nh * sizeof *hz);
	b->skips = stroom_calloc(al, BT_SKIP_TEXTS, sizeof *b->skips);
	q = malloc(sizeof *q);
	if (!b->skips || !q) {
		err = stroom_error_set(STROOM_ENOMEM, "out of memory");
		goto done;
	}
	if (!(ws = m->ws_new(m->ctx))) {
		err = STROOM_ENOMEM;
		goto done;
	}

	for (k = 0; k < b->no; k++) {
		stroom_month og = b->origins[k];
		stroom_calibration *c = NULL;
		size_t nit, nsk, S, D, d;
		uint64_t key = mix(b->seed ^ 0x6261636b74657374ULL);
		stroom_gsl_philox g;
		double v[STROOM_DRAW_MAX];
		char os[16];
		month_text(og, os, sizeof os);
		split_rows(rows, n_rows, og, hz, nh, fit, &nfit, tgt, tidx, &ntgt);
		nit = calib_items_build(tgt, ntgt, m, &ls, items, skips, &nsk);
		for (i = 0; i < nsk; i++, b->nskips++) {
			const stroom_obs_row *r = &tgt[skips[i].row];
			char per[40];
			if (b->nskips >= BT_SKIP_TEXTS)
				continue;
			period_label(r, per, sizeof per);
			snprintf(b->skips[b->nskips], sizeof b->skips[b->nskips],
				 "origin %s: line %d: %s %s %s: not forecast: %s", os, r->line, per,
				 ind_label(r->indicator), r->group, skips[i].why);
		}
		for (i = 0; i < n_rows; i++) { /* flows that straddle the origin */
			const stroom_obs_row *r = &rows[i];
			char per[40];
			if (!(r->month < og && row_end(r) > og &&
			      horizon_of(hz, nh, (int)(row_end(r) - og)) >= 0))
				continue;
			if (b->nskips++ >= BT_SKIP_TEXTS)
				continue;
			period_label(r, per, sizeof per);
			snprintf(b->skips[b->nskips - 1], sizeof b->skips[b->nskips - 1],
				 "origin %s: line %d: %s %s %s: not forecast: the period begins before "
				 "the origin", os, r->line, per, ind_label(r->indicator), r->group);
		}
		if ((err = calib_fit(&c, p, m, fit, nfit, &o->calibrate, 0)) != 0) {
			if (err != STROOM_EINTR) {
				char detail[900];
				snprintf(detail, sizeof detail, "%s", stroom_error_last());
				err = stroom_error_set(err, "origin %s: %s", os, detail);
			}
			goto done;
		}
		b->fitted[k] = c->nitems;
		b->converged[k] = c->converged;
		b->worst_rhat[k] = c->psum[c->worst].rhat;
		snprintf(b->worst[k], sizeof b->worst[k], "%s", c->par[c->worst].name);
		/* the posterior predictive: D draws evenly over the chains' */
		S = c->S;
		D = S < (size_t)b->draws ? S : (size_t)b->draws;
		free(pred);
		if (!(pred = malloc((D * nit + 1) * sizeof *pred))) {
			err = stroom_error_set(STROOM_ENOMEM, "out of memory");
			stroom_calibration_free(c);
			goto done;
		}
		stroom_gsl_philox_init(&g);
		*q = *p;
		stroom_params_draw_values(p, 0, 1, v);
		for (d = 0; d < D; d++) {
			size_t s = (size_t)((double)d * (double)S / (double)D);
			int j;
			for (j = 0; j < c->np; j++)
				v[c->par[j].draw] = c->x[s * (size_t)c->np + (size_t)j];
			stroom_params_apply_values(p, v, q);
			if (d % 50 == 49 && o->calibrate.progress &&
			    o->calibrate.progress((int)d, (int)D, o->calibrate.payload)) {
				err = stroom_error_set(STROOM_EINTR, "interrupted");
				stroom_calibration_free(c);
				goto done;
			}
			if (m->run(ws, q) != 0) {
				err = stroom_error_set(STROOM_ERROR, "origin %s: the model failed at a "
						       "posterior draw: %s", os, stroom_error_last());
				stroom_calibration_free(c);
				goto done;
			}
			for (i = 0; i < nit; i++) {
				double mu = calib_item_expect(&items[i], m, ws);
				stroom_gsl_philox_stream(&g, key, (uint32_t)d, (uint32_t)tidx[items[i].row],
							 (uint32_t)(og - b->start) & 0xffffu,
							 STROOM_PURPOSE_CALIB_PRED);
				pred[i * D + d] = calib_item_draw(&items[i], mu, &g.rng);
			}
		}
		stroom_calibration_free(c);
		{
			stroom_backtest_row *grown =
				stroom_realloc(al, b->rows, (b->nrows + nit + 1) * sizeof *grown);
			if (!grown) {
				err = stroom_error_set(STROOM_ENOMEM, "out of memory");
				goto done;
			}
			b->rows = grown;
			memset(b->rows + b->nrows, 0, (nit + 1) * sizeof *grown);
		}
		for (i = 0; i < nit; i++) {
			stroom_backtest_row *br = &b->rows[b->nrows++];
			const stroom_obs_row *r = &rows[tidx[items[i].row]];
			double *pv = pred + i * D;
			br->origin = k;
			br->ahead = (int)(row_end(r) - og);
			br->horizon = horizon_of(hz, nh, br->ahead);
			br->row = r;
			br->observed = r->value;
			qsort(pv, D, sizeof *pv, cmp_double);
			br->median = gsl_stats_quantile_from_sorted_data(pv, 1, D, 0.50);
			br->q05 = gsl_stats_quantile_from_sorted_data(pv, 1, D, 0.05);
			br->q95 = gsl_stats_quantile_from_sorted_data(pv, 1, D, 0.95);
			baselines(rows, n_rows, r, og, L, xs, ys, br);
		}
	}
	b->seconds = now_seconds() - t0;
	err = 0;
done:
	if (ws)
		m->ws_free(m->ctx, ws);
	free(q);
	free(pred);
	free(fit);
	free(tgt);
	free(tidx);
	free(items);
	free(skips);
	free(xs);
	free(ys);
	if (err || check_only) {
		stroom_backtest_free(b);
		return err;
	}
	*out = b;
	return 0;
}

/* ---- the expected-value engine as the model ---- */

typedef struct bt_ev_ctx {
	const stroom_params *p;
	const stroom_population *pop;
	const stroom_rules *rules;
	const stroom_allocator *al;
	stroom_ev *first;
} bt_ev_ctx;

static int bt_group(void *ctx, const char *name)
{
	return stroom_ev_group_index(((bt_ev_ctx *)ctx)->first, name);
}
static void *bt_ws_new(void *ctx)
{
	bt_ev_ctx *c = ctx;
	stroom_ev *ev = NULL;
	return stroom_ev_new(&ev, c->p, c->pop, c->rules, c->al) == 0 ? ev : NULL;
}
static void bt_ws_free(void *ctx, void *ws)
{
	(void)ctx;
	stroom_ev_free(ws);
}
static int bt_run(void *ws, const stroom_params *q) { return stroom_ev_run(ws, q); }
static double bt_value(const void *ws, int t, int ind, int group) { return stroom_ev_value(ws, t, ind, group); }

static int bt_ev(const stroom_params *p, const stroom_population *pop, const stroom_obs_row *rows,
		 size_t n_rows, const stroom_backtest_options *o, stroom_backtest **out)
{
	bt_ev_ctx c;
	calib_model m;
	int err;
	if (p->municipalities_csv[0])
		return stroom_error_set(STROOM_EINVAL, "backtest fits one municipality; this scenario is a "
					"national run (municipalities.csv)");
	if (!pop)
		return stroom_error_set(STROOM_EINVAL, "backtest needs the scenario's starting households");
	memset(&c, 0, sizeof c);
	c.p = p;
	c.pop = pop;
	c.rules = o ? o->calibrate.rules : NULL;
	c.al = o ? o->calibrate.allocator : NULL;
	if ((err = stroom_ev_new(&c.first, p, pop, c.rules, c.al)) != 0)
		return err;
	memset(&m, 0, sizeof m); /* limit stays NULL: the forecasts read past the fitted rows */
	m.ctx = &c;
	m.start = p->start;
	m.months = stroom_ev_months(c.first);
	m.group_index = bt_group;
	m.ws_new = bt_ws_new;
	m.ws_free = bt_ws_free;
	m.run = bt_run;
	m.value = bt_value;
	err = backtest_run_model(out, p, &m, rows, n_rows, o, out == NULL);
	stroom_ev_free(c.first);
	return err;
}

int stroom_backtest_check(const stroom_params *p, const stroom_population *pop, const stroom_obs_row *rows,
			  size_t n_rows, const stroom_backtest_options *opts)
{
	return bt_ev(p, pop, rows, n_rows, opts, NULL);
}

int stroom_backtest_run(stroom_backtest **out, const stroom_params *p, const stroom_population *pop,
			const stroom_obs_row *rows, size_t n_rows, const stroom_backtest_options *opts)
{
	*out = NULL;
	return bt_ev(p, pop, rows, n_rows, opts, out);
}

/* ---- accessors and scores ---- */

int stroom_backtest_origin_count(const stroom_backtest *b) { return b->no; }
stroom_month stroom_backtest_origin(const stroom_backtest *b, int k) { return b->origins[k]; }
int stroom_backtest_horizon_count(const stroom_backtest *b) { return b->nh; }
int stroom_backtest_horizon(const stroom_backtest *b, int h) { return b->horizons[h]; }
size_t stroom_backtest_row_count(const stroom_backtest *b) { return b->nrows; }

const stroom_backtest_row *stroom_backtest_row_at(const stroom_backtest *b, size_t i)
{
	return i < b->nrows ? &b->rows[i] : NULL;
}

void stroom_backtest_fit_info(const stroom_backtest *b, int k, size_t *fitted, int *converged,
			      double *worst_rhat)
{
	if (fitted)
		*fitted = b->fitted[k];
	if (converged)
		*converged = b->converged[k];
	if (worst_rhat)
		*worst_rhat = b->worst_rhat[k];
}

static double ape(double f, double y) { return 100.0 * fabs(f - y) / fabs(y); }

void stroom_backtest_scores(const stroom_backtest *b, int k, int h, stroom_backtest_score *s)
{
	double sm = 0, sn = 0, sl = 0, cm = 0, cl = 0;
	int nm = 0;
	size_t i;
	memset(s, 0, sizeof *s);
	for (i = 0; i < b->nrows; i++) {
		const stroom_backtest_row *r = &b->rows[i];
		if ((k >= 0 && r->origin != k) || r->horizon != h)
			continue;
		s->n++;
		cm += r->observed >= r->q05 && r->observed <= r->q95;
		if (!isnan(r->line_q05)) {
			s->n_line_interval++;
			cl += r->observed >= r->line_q05 && r->observed <= r->line_q95;
		}
		if (r->observed == 0)
			continue;
		nm++;
		sm += ape(r->median, r->observed);
		if (!isnan(r->nochange)) {
			s->n_nochange++;
			sn += ape(r->nochange, r->observed);
		}
		if (!isnan(r->line)) {
			s->n_line++;
			sl += ape(r->line, r->observed);
		}
	}
	s->mape_model = nm ? sm / nm : NAN;
	s->mape_nochange = s->n_nochange ? sn / s->n_nochange : NAN;
	s->mape_line = s->n_line ? sl / s->n_line : NAN;
	s->cover_model = s->n ? cm / s->n : NAN;
	s->cover_line = s->n_line_interval ? cl / s->n_line_interval : NAN;
}

/* ---- texts ---- */

static void pct(stroom_sbuf *b, double v, int width, int fewer)
{
	char t[32];
	if (isnan(v))
		snprintf(t, sizeof t, "-");
	else
		snprintf(t, sizeof t, "%.1f%%%s", v, fewer ? "*" : "");
	stroom_sbuf_printf(b, " %*s", width, t);
}

static void table_line(const stroom_backtest *b, stroom_sbuf *sb, int k, int h, int *fewer_any)
{
	stroom_backtest_score s;
	char os[16];
	int fn, fl;
	stroom_backtest_scores(b, k, h, &s);
	if (k >= 0)
		month_text(b->origins[k], os, sizeof os);
	else
		snprintf(os, sizeof os, "all");
	fn = s.n_nochange < s.n;
	fl = s.n_line < s.n;
	*fewer_any |= (fn && s.n_nochange > 0) || (fl && s.n_line > 0);
	stroom_sbuf_printf(sb, "%-8s %7d %4d", os, b->horizons[h], s.n);
	pct(sb, s.mape_model, 11, 0);
	pct(sb, s.mape_nochange, 10, fn);
	pct(sb, s.mape_line, 10, fl);
	pct(sb, 100 * s.cover_model, 12, 0);
	pct(sb, 100 * s.cover_line, 10, s.n_line_interval < s.n && s.n_line_interval > 0);
	stroom_sbuf_printf(sb, "\n");
}

size_t stroom_backtest_table(const stroom_backtest *b, char *buf, size_t size)
{
	stroom_sbuf sb = {buf, size, 0};
	int k, h, fewer = 0;
	stroom_sbuf_printf(&sb, "%-8s %7s %4s %11s %10s %10s %12s %10s\n", "origin", "horizon", "n",
			   "MAPE model", "no change", "line", "cover model", "line");
	for (k = 0; k < b->no; k++)
		for (h = 0; h < b->nh; h++)
			table_line(b, &sb, k, h, &fewer);
	if (b->no > 1)
		for (h = 0; h < b->nh; h++)
			table_line(b, &sb, -1, h, &fewer);
	stroom_sbuf_printf(&sb, "horizon: months after the origin (a window: 1-%d, ...); MAPE: mean absolute "
			   "percentage error of the\nmedian; cover: share of observations in the 90%% "
			   "interval; -: none", b->horizons[0]);
	if (fewer)
		stroom_sbuf_printf(&sb, "; *: over fewer rows than n\n(the baseline is not defined "
				   "for every row: backtest.csv)");
	stroom_sbuf_printf(&sb, "\n");
	if (size > 0 && sb.len >= size)
		buf[size - 1] = '\0';
	return sb.len;
}

size_t stroom_backtest_summary(const stroom_backtest *b, char *buf, size_t size)
{
	stroom_sbuf sb = {buf, size, 0};
	int k, h;
	size_t i, need;
	stroom_sbuf_printf(&sb, "stroom %s backtest: scenario %s\n", stroom_version(), b->name);
	stroom_sbuf_printf(&sb, "origins:");
	for (k = 0; k < b->no; k++) {
		char os[16];
		month_text(b->origins[k], os, sizeof os);
		stroom_sbuf_printf(&sb, " %s", os);
	}
	stroom_sbuf_printf(&sb, "; horizons:");
	for (h = 0; h < b->nh; h++)
		stroom_sbuf_printf(&sb, " %d", b->horizons[h]);
	stroom_sbuf_printf(&sb, " months\nfit per origin: %d chains x at most %d iterations (stopping when converged), seed %llu; forecast: "
			   "%d posterior draws through the expected-value engine plus the\n"
			   "likelihood's observation noise; line baseline: the %d months up to the "
			   "origin\n\n", b->chains, b->iterations, (unsigned long long)b->seed, b->draws,
			   b->line_months);
	/* the table */
	need = stroom_backtest_table(b, NULL, 0);
	if (sb.buf && sb.len + need < sb.size)
		stroom_backtest_table(b, sb.buf + sb.len, sb.size - sb.len);
	sb.len += need;
	stroom_sbuf_printf(&sb, "\nFits\n");
	for (k = 0; k < b->no; k++) {
		char os[16];
		month_text(b->origins[k], os, sizeof os);
		stroom_sbuf_printf(&sb, "  %s: %zu rows fitted, converged: %s (worst: %s, R-hat %.4f)\n", os,
				   b->fitted[k], b->converged[k] ? "yes" : "no", b->worst[k],
				   b->worst_rhat[k]);
	}
	stroom_sbuf_printf(&sb, "\nRows forecast: %zu; dated in the horizons but not forecast: %zu\n",
			   b->nrows, b->nskips);
	for (i = 0; i < b->nskips && i < BT_SKIP_TEXTS; i++)
		stroom_sbuf_printf(&sb, "  %s\n", b->skips[i]);
	if (b->nskips > BT_SKIP_TEXTS)
		stroom_sbuf_printf(&sb, "  ... and %zu more\n", b->nskips - BT_SKIP_TEXTS);
	if (size > 0 && sb.len >= size)
		buf[size - 1] = '\0';
	return sb.len;
}

static void num(stroom_sbuf *b, double v)
{
	if (isnan(v))
		stroom_sbuf_printf(b, ",");
	else
		stroom_sbuf_printf(b, ",%.6g", v);
}

size_t stroom_backtest_csv(const stroom_backtest *b, char *buf, size_t size)
{
	stroom_sbuf sb = {buf, size, 0};
	size_t i;
	stroom_sbuf_printf(&sb, "origin,horizon,months_ahead,indicator,group,unit,period,line,observed,"
			   "median,q05,q95,nochange,line_forecast,line_q05,line_q95,line_points\n");
	for (i = 0; i < b->nrows; i++) {
		const stroom_backtest_row *r = &b->rows[i];
		char os[16], per[40];
		const char *unit = stroom_observed_unit_name(r->row->unit);
		month_text(b->origins[r->origin], os, sizeof os);
		period_label(r->row, per, sizeof per);
		stroom_sbuf_printf(&sb, "%s,%d,%d,%s,\"%s\",%s,%s,%d", os, b->horizons[r->horizon], r->ahead,
				   ind_label(r->row->indicator), r->row->group, unit ? unit : "?", per,
				   r->row->line);
		num(&sb, r->observed);
		num(&sb, r->median);
		num(&sb, r->q05);
		num(&sb, r->q95);
		num(&sb, r->nochange);
		num(&sb, r->line);
		num(&sb, r->line_q05);
		num(&sb, r->line_q95);
		stroom_sbuf_printf(&sb, ",%d\n", r->line_points);
	}
	if (size > 0 && sb.len >= size)
		buf[size - 1] = '\0';
	return sb.len;
}

/* ---- the output directory ---- */

static size_t manifest(const stroom_backtest *b, const stroom_backtest_write *w, const char *sha,
		       char *buf, size_t size)
{
	stroom_sbuf sb = {buf, size, 0};
	int k, h;
	stroom_manifest_head(&sb, "backtest", b->name, w ? w->scenario : NULL,
			     w && w->observed_path ? w->observed_path : "", sha ? sha : "");
	stroom_sbuf_printf(&sb, "},\n  \"settings\": {\"chains\": %d, \"iterations\": %d, \"seed\": %llu, "
			   "\"draws\": %d, \"line_months\": %d, \"horizons\": [", b->chains,
			   b->iterations, (unsigned long long)b->seed, b->draws, b->line_months);
	for (h = 0; h < b->nh; h++)
		stroom_sbuf_printf(&sb, "%s%d", h ? ", " : "", b->horizons[h]);
	stroom_sbuf_printf(&sb, "]},\n  \"origins\": [");
	for (k = 0; k < b->no; k++) {
		char os[16];
		month_text(b->origins[k], os, sizeof os);
		stroom_sbuf_printf(&sb, "%s\n    {\"origin\": \"%s\", \"fitted\": %zu, \"converged\": %s, "
				   "\"worst\": ", k ? "," : "", os, b->fitted[k],
				   b->converged[k] ? "true" : "false");
		stroom_json_string(&sb, b->worst[k]);
		stroom_sbuf_printf(&sb, ", \"worst_rhat\": ");
		stroom_json_num(&sb, b->worst_rhat[k]);
		stroom_sbuf_printf(&sb, "}");
	}
	stroom_sbuf_printf(&sb, "\n  ],\n  \"scores_all_origins\": [");
	for (h = 0; h < b->nh; h++) {
		stroom_backtest_score s;
		stroom_backtest_scores(b, -1, h, &s);
		stroom_sbuf_printf(&sb, "%s\n    {\"horizon\": %d, \"n\": %d, \"mape_model\": ", h ? "," : "",
				   b->horizons[h], s.n);
		stroom_json_num(&sb, s.mape_model);
		stroom_sbuf_printf(&sb, ", \"mape_nochange\": ");
		stroom_json_num(&sb, s.mape_nochange);
		stroom_sbuf_printf(&sb, ", \"mape_line\": ");
		stroom_json_num(&sb, s.mape_line);
		stroom_sbuf_printf(&sb, ", \"cover_model\": ");
		stroom_json_num(&sb, s.cover_model);
		stroom_sbuf_printf(&sb, ", \"cover_line\": ");
		stroom_json_num(&sb, s.cover_line);
		stroom_sbuf_printf(&sb, "}");
	}
	stroom_sbuf_printf(&sb, "\n  ],\n  \"seconds\": ");
	stroom_json_num(&sb, w && w->seconds > 0 ? w->seconds : b->seconds);
	stroom_sbuf_printf(&sb, ",\n  \"files\": [\"backtest.csv\", \"summary.txt\", \"manifest.json\"]\n}\n");
	if (size > 0 && sb.len >= size)
		buf[size - 1] = '\0';
	return sb.len;
}

void stroom_backtest_default_dir(const char *name, char *buf, size_t size)
{
	stroom_out_dir(NULL, name, "-backtest", buf, size);
}

static const char *const files[] = {"backtest.csv", "summary.txt", "manifest.json"};

/* What the backtest's files are made from. */
typedef struct bt_texts {
	const stroom_backtest *b;
	const stroom_backtest_write *w;
	const char *sha;
} bt_texts;

static size_t bt_text(const void *obj, int k, char *buf, size_t size)
{
	const bt_texts *x = obj;
	switch (k) {
	case 0: return stroom_backtest_csv(x->b, buf, size);
	case 1: return stroom_backtest_summary(x->b, buf, size);
	default: return manifest(x->b, x->w, x->sha, buf, size);
	}
}

int stroom_backtest_write_dir(const stroom_backtest *b, const stroom_backtest_write *w, const char *out,
			      char *path_out, size_t path_size)
{
	char sha[65] = "";
	bt_texts x = {b, w, sha};
	int err;

	if (w && w->observed_sha256)
		snprintf(sha, sizeof sha, "%s", w->observed_sha256);
	else if (w && w->observed_path &&
		 (err = stroom_hash_file(w->observed_path, STROOM_INPUT_OBSERVED, "", sha)) != 0)
		return err;
	return calib_write_texts(out, b->name, "-backtest", "this backtest was written", files,
				 (int)STROOM_ARRAY_LEN(files), bt_text, &x, w ? w->cancelled : NULL,
				 w ? w->payload : NULL, path_out, path_size);
}
