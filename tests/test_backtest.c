/*
 * test_backtest.c: the backtest (src/calibrate/backtest.c) over a toy model (a
 * stock with one exit hazard and a constant inflow: tests/calib_fixture.h).
 * The line baseline against closed forms; a straight-line record: the line
 * baseline's error is 0 and no change's is the known value; a record made by
 * the model itself at known parameters: the refitted model forecasts it, its 90%
 * interval covers it, and it beats both baselines on the curve; the forecasts do
 * not depend on the threads; origins without enough data before them (or nothing
 * after) are refused with a line naming them; the CSV and the table.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "backtest_int.h"
#include "calib_fit.h"
#define CALIB_FIXTURE_TOY
#include "calib_fixture.h"

#include <gsl/gsl_cdf.h>
#include <gsl/gsl_fit.h>

/* ---- the toy model (tests/calib_fixture.h) ---- */

static void toy_options(stroom_backtest_options *o, const stroom_month *origins, int n)
{
	stroom_backtest_options init = STROOM_BACKTEST_OPTIONS_INIT;
	*o = init;
	o->origins = origins;
	o->n_origins = n;
	o->draws = 200;
	o->calibrate.keys = toy_keys;
	o->calibrate.n_keys = 2;
	o->calibrate.chains = 2;
	o->calibrate.iterations = 300;
	o->calibrate.seed = 11;
}

/* ---- the line baseline ---- */

static void test_line(void **state)
{
	double x[5] = {-24, -18, -12, -6, 0}, y[5] = {100, 130, 160, 190, 220}, pred, lo, hi;
	double y2[5] = {100, 135, 155, 195, 215};
	(void)state;
	/* an exact line: the forecast is on it, the interval has width 0 */
	assert_int_equal(backtest_line(x, y, 5, 12, &pred, &lo, &hi), 5);
	assert_true(fabs(pred - 280) < 1e-9);
	assert_true(fabs(hi - lo) < 1e-9);
	/* with residuals: GSL's least squares and the t prediction interval */
	assert_int_equal(backtest_line(x, y2, 5, 12, &pred, &lo, &hi), 5);
	{
		double c0, c1, cov00, cov01, cov11, ss, s, se, mx = -12, sxx = 360, t;
		gsl_fit_linear(x, 1, y2, 1, 5, &c0, &c1, &cov00, &cov01, &cov11, &ss);
		s = sqrt(ss / 3);
		se = s * sqrt(1 + 1.0 / 5 + (12 - mx) * (12 - mx) / sxx);
		t = gsl_cdf_tdist_Pinv(0.95, 3);
		assert_true(fabs(pred - (c0 + 12 * c1)) < 1e-9);
		assert_true(fabs(lo - (pred - t * se)) < 1e-9);
		assert_true(fabs(hi - (pred + t * se)) < 1e-9);
	}
	/* two points: a line, no interval; one point or one x: nothing */
	assert_int_equal(backtest_line(x + 3, y + 3, 2, 12, &pred, &lo, &hi), 2);
	assert_true(fabs(pred - 280) < 1e-9);
	assert_true(isnan(lo) && isnan(hi));
	assert_int_equal(backtest_line(x, y, 1, 12, &pred, &lo, &hi), 0);
	assert_true(isnan(pred));
	{
		double xx[2] = {-6, -6};
		assert_int_equal(backtest_line(xx, y, 2, 12, &pred, &lo, &hi), 0);
	}
}

/* ---- a straight-line record ---- */

static void test_straight_line(void **state)
{
	stroom_scenario *s = NULL;
	const stroom_params *p;
	calib_model m;
	stroom_obs_row rows[64];
	stroom_backtest_options o;
	stroom_backtest *b = NULL;
	stroom_month origin;
	int n = 0, t, h;
	size_t i;
	double s0;
	(void)state;
	assert_int_equal(stroom_scenario_load(&s, "rotterdam", NULL), 0);
	p = stroom_scenario_params(s);
	m = toy_model(p);
	s0 = p->population_households;
	/* monthly stocks on a line rising 50 a month */
	for (t = 0; t <= 48; t++)
		rows[n] = obs_row(p->start + t, 0, STROOM_IND_CASELOAD, "all", s0 + 50.0 * t,
				  STROOM_OBS_UNIT_HOUSEHOLDS, n + 2), n++;
	origin = p->start + 24;
	toy_options(&o, &origin, 1);
	assert_int_equal(backtest_run_model(&b, p, &m, rows, (size_t)n, &o, 0), 0);
	assert_int_equal(stroom_backtest_origin_count(b), 1);
	assert_int_equal(stroom_backtest_horizon_count(b), 3);
	assert_int_equal(stroom_backtest_row_count(b), 24);
	for (i = 0; i < stroom_backtest_row_count(b); i++) {
		const stroom_backtest_row *r = stroom_backtest_row_at(b, i);
		assert_int_equal(r->ahead, (int)i + 1);
		assert_int_equal(r->horizon, r->ahead <= 6 ? 0 : r->ahead <= 12 ? 1 : 2);
		assert_true(r->observed == s0 + 50.0 * (24 + r->ahead));
		assert_true(r->nochange == s0 + 50.0 * 24);
		assert_int_equal(r->line_points, 25);
		assert_true(fabs(r->line - r->observed) < 1e-6 * r->observed);
		assert_true(r->q05 <= r->median && r->median <= r->q95);
	}
	/* the scores: the line's error ~0, no change's the known mean */
	for (h = 0; h < 3; h++) {
		static const int lo[3] = {1, 7, 13}, hi[3] = {6, 12, 24};
		stroom_backtest_score sc, all;
		double want = 0;
		int a;
		for (a = lo[h]; a <= hi[h]; a++)
			want += 100.0 * 50 * a / (s0 + 50.0 * (24 + a));
		want /= hi[h] - lo[h] + 1;
		stroom_backtest_scores(b, 0, h, &sc);
		stroom_backtest_scores(b, -1, h, &all);
		assert_int_equal(sc.n, hi[h] - lo[h] + 1);
		assert_int_equal(sc.n_nochange, sc.n);
		assert_int_equal(sc.n_line, sc.n);
		assert_true(sc.mape_line < 1e-6);
		assert_true(fabs(sc.mape_nochange - want) < 1e-9);
		assert_true(sc.mape_model >= 0 && isfinite(sc.mape_model));
		assert_memory_equal(&sc, &all, sizeof sc);
	}
	/* the CSV: a header and one line per row */
	{
		size_t len = stroom_backtest_csv(b, NULL, 0);
		char *text = malloc(len + 1), *l;
		int lines = 0;
		stroom_backtest_csv(b, text, len + 1);
		assert_int_equal(strlen(text), len);
		for (l = text; (l = strchr(l, '\n')); l++)
			lines++;
		assert_int_equal(lines, 25);
		assert_non_null(strstr(text, "origin,horizon,months_ahead,indicator,group,unit,period,line,"
					     "observed,median,q05,q95,nochange,line_forecast"));
		assert_non_null(strstr(text, "\n2026-01,6,1,caseload,\"all\",households,2026-02-01,"));
		free(text);
	}
	stroom_backtest_free(b);
	stroom_scenario_free(s);
}

/* ---- a record made by the model itself ---- */

static int make_rows(const stroom_params *p, double inflow, double h, stroom_obs_row *rows)
{
	toy w;
	int n = 0, t;
	toy_record(p, inflow, h, &w);
	for (t = 0; t <= 48; t += 3)
		rows[n] = obs_row(p->start + t, 0, STROOM_IND_CASELOAD, "all", w.stock[t],
				  STROOM_OBS_UNIT_HOUSEHOLDS, n + 2), n++;
	return toy_exit_rows(p, &w, rows, n);
}

static void test_model_record(void **state)
{
	stroom_scenario *s = NULL;
	const stroom_params *p;
	calib_model m;
	stroom_obs_row rows[64];
	stroom_backtest_options o;
	stroom_backtest *b = NULL, *b2 = NULL;
	stroom_month origins[2];
	int n, h;
	size_t i;
	(void)state;
	assert_int_equal(stroom_scenario_load(&s, "rotterdam", NULL), 0);
	p = stroom_scenario_params(s);
	m = toy_model(p);
	n = make_rows(p, 7300, 0.0095, rows);
	origins[0] = p->start + 12;
	origins[1] = p->start + 24;
	toy_options(&o, origins, 2);
	o.calibrate.threads = 1;
	assert_int_equal(backtest_run_model(&b, p, &m, rows, (size_t)n, &o, 0), 0);
	/* origin 12: the stocks 15..36 (8) and the flows of years 2 and 3; origin
	 * 24: the stocks 27..48 (8) and the flows of years 3 and 4 */
	assert_int_equal(stroom_backtest_row_count(b), 20);
	for (h = 0; h < 3; h++) {
		stroom_backtest_score sc;
		stroom_backtest_scores(b, -1, h, &sc);
		assert_true(sc.n > 0);
		/* the refitted model forecasts its own record within 2% (about 0.2-0.8%: the
		 * prior's centre, 7000, pulls the inflow), its interval covers it, and it
		 * beats no change on the rising curve */
		assert_true(sc.mape_model < 2.0);
		assert_true(sc.cover_model == 1.0);
		assert_true(sc.mape_model < sc.mape_nochange);
	}
	{
		stroom_backtest_score sc;
		stroom_backtest_scores(b, -1, 2, &sc);
		assert_true(sc.mape_model < sc.mape_line); /* the curve bends away from the line */
	}
	for (i = 0; i < stroom_backtest_row_count(b); i++) {
		const stroom_backtest_row *r = stroom_backtest_row_at(b, i);
		if (r->row->months == 12) {
			/* a yearly flow: no change is last year's, the line has 1 or 2 years */
			assert_true(r->nochange == rows[n - 4 + (r->origin ? 1 : 0)].value);
			assert_int_equal(r->line_points, r->origin ? 2 : 0);
		}
	}
	{
		size_t fitted;
		int conv;
		double rh;
		stroom_backtest_fit_info(b, 0, &fitted, &conv, &rh);
		assert_int_equal(fitted, 6); /* stocks 0..12 (5) and year 1's flow */
		assert_true(rh > 0.9 && rh < 1.2);
	}
	/* the same forecasts on two threads */
	o.calibrate.threads = 2;
	assert_int_equal(backtest_run_model(&b2, p, &m, rows, (size_t)n, &o, 0), 0);
	assert_int_equal(stroom_backtest_row_count(b2), stroom_backtest_row_count(b));
	for (i = 0; i < stroom_backtest_row_count(b); i++) {
		const stroom_backtest_row *r = stroom_backtest_row_at(b, i), *r2 = stroom_backtest_row_at(b2, i);
		assert_true(r->median == r2->median && r->q05 == r2->q05 && r->q95 == r2->q95);
	}
	/* the table: a line per origin and horizon, then all */
	{
		size_t len = stroom_backtest_table(b, NULL, 0);
		char *text = malloc(len + 1);
		stroom_backtest_table(b, text, len + 1);
		assert_non_null(strstr(text, "origin   horizon    n  MAPE model"));
		assert_non_null(strstr(text, "\n2025-01        6    2 "));
		assert_non_null(strstr(text, "\nall           24   10 "));
		free(text);
	}
	stroom_backtest_free(b2);
	stroom_backtest_free(b);
	stroom_scenario_free(s);
}

/* ---- refusals ---- */

static void test_refused(void **state)
{
	stroom_scenario *s = NULL;
	const stroom_params *p;
	calib_model m;
	stroom_obs_row rows[64];
	stroom_backtest_options o;
	stroom_backtest *b = NULL;
	stroom_month origins[2];
	int n;
	(void)state;
	assert_int_equal(stroom_scenario_load(&s, "rotterdam", NULL), 0);
	p = stroom_scenario_params(s);
	m = toy_model(p);
	n = make_rows(p, 7300, 0.0095, rows);
	/* at the start: nothing before it */
	origins[0] = p->start;
	toy_options(&o, origins, 1);
	assert_int_equal(backtest_run_model(&b, p, &m, rows, (size_t)n, &o, 0), STROOM_EINVAL);
	assert_null(b);
	assert_non_null(strstr(stroom_error_last(), "origin 2024-01: not inside the scenario's months"));
	/* a line window of 2 months holds 1 quarterly stock */
	origins[0] = p->start + 12;
	o.line_months = 2;
	assert_int_equal(backtest_run_model(&b, p, &m, rows, (size_t)n, &o, 1), STROOM_EINVAL);
	assert_string_equal(stroom_error_last(), "origin 2025-01: only 1 observed stock of one series "
			    "counted from 2024-11-01 to 2025-01-01 (the 2 months up to it); the line "
			    "baseline needs two");
	o.line_months = 0;
	/* the record ends before the second origin's horizons */
	origins[1] = p->start + 36;
	toy_options(&o, origins, 2);
	n = 9; /* the stocks 0..24 only */
	assert_int_equal(backtest_run_model(&b, p, &m, rows, (size_t)n, &o, 1), STROOM_EINVAL);
	assert_non_null(strstr(stroom_error_last(), "origin 2027-01: no observed row the model produces "
				"is dated from 2027-02-01 to 2029-01-01"));
	/* origins not ascending */
	origins[0] = p->start + 24;
	origins[1] = p->start + 12;
	assert_int_equal(backtest_run_model(&b, p, &m, rows, (size_t)n, &o, 1), STROOM_EINVAL);
	assert_non_null(strstr(stroom_error_last(), "ascending and distinct"));
	/* the check passes a good origin */
	n = make_rows(p, 7300, 0.0095, rows);
	toy_options(&o, origins, 1);
	assert_int_equal(backtest_run_model(&b, p, &m, rows, (size_t)n, &o, 1), 0);
	assert_null(b);
	stroom_scenario_free(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_line),
		cmocka_unit_test(test_straight_line),
		cmocka_unit_test(test_model_record),
		cmocka_unit_test(test_refused),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
