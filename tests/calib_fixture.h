/*
 * calib_fixture.h: what the calibration tests share (tests/test_calibrate.c,
 * tests/test_recovery.c, tests/test_backtest.c). Include after <cmocka.h> and
 * "calib_fit.h".
 */
#ifndef STROOM_TEST_CALIB_FIXTURE_H
#define STROOM_TEST_CALIB_FIXTURE_H

#include <stdio.h>
#include <string.h>

/* An observed row: period from m over months (0: a stock on that day), indicator
 * ind (STROOM_IND_* or STROOM_OBS_IND_*), group, value v in unit, at line. */
static stroom_obs_row obs_row(stroom_month m, int months, int ind, const char *group, double v,
			      int unit, int line)
{
	stroom_obs_row r;
	memset(&r, 0, sizeof r);
	r.month = m;
	r.months = months;
	r.indicator = ind;
	snprintf(r.group, sizeof r.group, "%s", group);
	r.value = v;
	r.unit = unit;
	r.line = line;
	return r;
}

/*
 * With CALIB_FIXTURE_TOY defined before the include (tests/test_calibrate.c,
 * tests/test_backtest.c): a toy model, one stock with one exit hazard
 * (hazard.other.base) and an inflow (inflow.per_year times inflow.shock, which is
 * 1 where the scenario has no shock), 48 months from the scenario's start; groups "all" and "short" (a tenth of everything); toy_keys
 * the two parameters it reads; its record at given values and the rows of its
 * yearly exits.
 */
#ifdef CALIB_FIXTURE_TOY
#include <math.h>
#include <stdlib.h>

typedef struct toy {
	int months;
	stroom_month start;
	double s0;
	double stock[200], inflow[200], exits[200];
} toy;

static int toy_group(void *ctx, const char *name)
{
	(void)ctx;
	return !strcmp(name, "all") ? 0 : !strcmp(name, "short") ? 1 : -1;
}
static void *toy_new(void *ctx)
{
	toy *t = malloc(sizeof *t);
	*t = *(const toy *)ctx;
	return t;
}
static void toy_free(void *ctx, void *ws) { (void)ctx, free(ws); }
static int toy_run(void *ws, const stroom_params *q)
{
	toy *t = ws;
	int m;
	t->stock[0] = t->s0;
	for (m = 0; m < t->months; m++) {
		t->inflow[m] = q->inflow_per_year / 12 *
			       stroom_series_at(&q->inflow_shock, t->start + m, 1.0);
		t->exits[m] = t->stock[m] * q->other_base;
		t->stock[m + 1] = t->stock[m] + t->inflow[m] - t->exits[m];
	}
	return 0;
}
static double toy_value(const void *ws, int t, int ind, int group)
{
	const toy *w = ws;
	double f = group == 1 ? 0.1 : 1.0;
	switch (ind) {
	case STROOM_IND_CASELOAD: return f * w->stock[t];
	case STROOM_IND_INFLOW_NEW: return f * w->inflow[t];
	case STROOM_IND_EXIT_OTHER: return f * w->exits[t];
	default: return 0;
	}
}

static toy toy_proto;
static calib_model toy_model(const stroom_params *p)
{
	calib_model m;
	toy_proto.months = 48;
	toy_proto.start = p->start;
	toy_proto.s0 = p->population_households;
	m.ctx = &toy_proto;
	m.start = p->start;
	m.months = 48;
	m.group_index = toy_group;
	m.ws_new = toy_new;
	m.ws_free = toy_free;
	m.run = toy_run;
	m.value = toy_value;
	m.limit = NULL;
	return m;
}

static const char *const toy_keys[] = {"inflow.per_year", "hazard.other"};

/* The toy model's record (after toy_model(p)) at the inflow and the hazard h. */
static void toy_record(const stroom_params *p, double inflow, double h, toy *w)
{
	stroom_params q = *p;
	*w = toy_proto;
	q.inflow_per_year = inflow;
	q.other_base = h;
	toy_run(w, &q);
}

/* Appends to rows (n of them so far) the other exits of each of the record's four
 * years, rounded, as rows of lines n + 2 on; returns the new count. */
static int toy_exit_rows(const stroom_params *p, const toy *w, stroom_obs_row *rows, int n)
{
	int y, t;
	for (y = 0; y < 4; y++) {
		double e = 0;
		for (t = 12 * y; t < 12 * y + 12; t++)
			e += w->exits[t];
		rows[n] = obs_row(p->start + 12 * y, 12, STROOM_IND_EXIT_OTHER, "all", floor(e + 0.5),
				  STROOM_OBS_UNIT_HOUSEHOLDS, n + 2), n++;
	}
	return n;
}
#endif

#endif
