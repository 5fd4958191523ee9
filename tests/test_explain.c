/*
 * test_explain.c: why the caseload moved (src/engines/explain.c). Every
 * replicate's parts add up to its change exactly, on the builtin generic and on
 * a small rotterdam whose teams, prevention, controls, targets and labour market
 * all change; a factor that does not change has a part of exactly 0; a
 * labour-market shock takes most of the change; the Shapley parts do not depend
 * on the order of the factors (the sequential split does); the Shapley values of
 * a known game; bad dates and orders, and instrument places, are refused.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <stroom/stroom.h>

#include "sim_fixture.h"

static stroom_month month(const char *s)
{
	stroom_month m;
	assert_int_equal(stroom_month_parse(&m, s), 0);
	return m;
}

static void set_series(stroom_series *s, int n, const char *const *months, const double *values)
{
	int i;
	s->n = n;
	for (i = 0; i < n; i++) {
		s->month[i] = month(months[i]);
		s->value[i] = values[i];
	}
}

static void fix_prior(stroom_prior *pr, double value)
{
	double lo = pr->lo, hi = pr->hi;
	memset(pr, 0, sizeof *pr);
	pr->dist = STROOM_PRIOR_FIXED;
	pr->a = value;
	pr->lo = lo;
	pr->hi = hi;
}

/* Runs explain on p; returns the result (asserts success). */
static stroom_explain_result *explain(const stroom_params *p, const stroom_explain_options *o)
{
	stroom_population *pop = NULL;
	stroom_explain_result *r = NULL;
	assert_int_equal(stroom_population_synthesise(&pop, p, NULL, NULL), 0);
	assert_int_equal(stroom_explain_run(&r, p, pop, o), 0);
	stroom_population_free(pop);
	assert_non_null(r);
	return r;
}

static const stroom_explain_part *part(const stroom_explain_result *r, const char *name)
{
	int i;
	for (i = 0; i < r->nparts; i++)
		if (!strcmp(r->part[i].name, name))
			return &r->part[i];
	fail_msg("no part %s", name);
	return NULL;
}

static double value(const stroom_explain_result *r, int rep, const char *name)
{
	return r->value[(size_t)rep * (size_t)r->nparts + (size_t)(part(r, name) - r->part)];
}

/* Every replicate's parts add up to its change (to 1e-6 households), the change
 * is the microsimulation's, and the part means add up to the total mean. */
static void assert_adds_up(const stroom_explain_result *r)
{
	double mean = 0;
	int k, i;
	assert_true(r->replicates > 1);
	assert_string_equal(r->part[r->nparts - 2].name, "composition");
	assert_string_equal(r->part[r->nparts - 1].name, "chance");
	for (k = 0; k < r->replicates; k++) {
		double sum = 0;
		for (i = 0; i < r->nparts; i++)
			sum += r->value[(size_t)k * (size_t)r->nparts + (size_t)i];
		assert_true(fabs(sum - r->total_r[k]) < 1e-6);
		assert_true(r->total_r[k] == r->to_r[k] - r->from_r[k]);
		assert_true(r->from_r[k] > 0);
	}
	for (i = 0; i < r->nparts; i++)
		mean += r->part[i].mean;
	assert_true(fabs(mean - r->total.mean) < 1e-6);
	for (i = 0; i <= r->nparts; i++) {
		const stroom_explain_part *pt = i < r->nparts ? &r->part[i] : &r->total;
		assert_true(pt->p05 <= pt->p50 && pt->p50 <= pt->p95);
	}
}

/* The builtin generic (four replicates) with an inflow.shock that changes (its
 * own has none: returns.start_pool holds the past leavers). */
static void test_adds_up_generic(void **state)
{
	stroom_scenario *s = NULL;
	stroom_params p;
	stroom_explain_options o = STROOM_EXPLAIN_OPTIONS_INIT;
	stroom_explain_result *r;
	(void)state;
	assert_int_equal(stroom_scenario_load(&s, "generic", NULL), 0);
	p = *stroom_scenario_params(s);
	stroom_scenario_free(s);
	assert_int_equal(p.inflow_shock.n, 0);
	p.inflow_shock.n = 3;
	p.inflow_shock.month[0] = month("2024-01");
	p.inflow_shock.month[1] = month("2025-01");
	p.inflow_shock.month[2] = month("2026-01");
	p.inflow_shock.value[0] = 1.038;
	p.inflow_shock.value[1] = 1.0075;
	p.inflow_shock.value[2] = 1.0;
	o.replicates = 4;
	o.to = month("2027-01");
	r = explain(&p, &o);
	assert_int_equal(r->replicates, 4);
	assert_true(r->from == p.start);
	assert_adds_up(r);
	assert_true(part(r, "shocks")->changes);
	assert_false(part(r, "labour_market")->changes);
	assert_false(part(r, "teams")->changes);
	assert_int_equal(r->nplayers, 1);
	assert_int_equal(r->ev_runs, 4 * 2); /* 2^1 coalitions a replicate */
	assert_true(part(r, "shocks")->mean != 0);
	stroom_explain_free(r);
}

/* A small rotterdam in which the labour market, two teams, prevention, the
 * controls and the targets all change. */
static stroom_params levers_params(void)
{
	static const char *const m1[] = {"2024-01", "2024-07"};
	static const char *const m2[] = {"2024-03"};
	static const char *const m3[] = {"2024-09"};
	static const char *const m4[] = {"2024-01", "2024-10"};
	static const double fte[] = {40, 80}, reach[] = {0.5}, controls[] = {400}, pressure[] = {0, 1};
	stroom_params p = small_params_fixing(600, 6, "2025-06", "inflow.per_year");
	int t;
	for (t = 0; t < 2; t++) {
		double f[2];
		f[0] = p.team[t].fte.value[0] * 600 / 32649.0;
		f[1] = f[0] * fte[1] / fte[0];
		set_series(&p.team[t].fte, 2, m1, f);
	}
	set_series(&p.prevention_reach, 1, m2, reach);
	fix_prior(&p.prevention_effect, 0.3);
	set_series(&p.enforcement_controls, 1, m3, controls);
	fix_prior(&p.enforcement_detection, 0.2);
	p.enforcement_termination_share = 0.5;
	set_series(&p.targets_pressure, 2, m4, pressure);
	fix_prior(&p.targets_work, 1.3);
	return p;
}

static void test_adds_up_levers(void **state)
{
	stroom_params p = levers_params();
	stroom_explain_options o = STROOM_EXPLAIN_OPTIONS_INIT;
	stroom_explain_result *r;
	static const char *const moved[] = {"labour_market", "teams", "prevention", "enforcement",
					     "targets"};
	size_t i;
	(void)state;
	r = explain(&p, &o);
	assert_adds_up(r);
	assert_int_equal(r->nplayers, 5);
	assert_int_equal(r->ev_runs, 6L * 32);
	for (i = 0; i < sizeof moved / sizeof *moved; i++) {
		assert_true(part(r, moved[i])->changes);
		assert_true(part(r, moved[i])->mean != 0);
	}
	/* more FTE, prevention, controls and targets each lower the caseload */
	assert_true(part(r, "prevention")->mean < 0);
	assert_true(part(r, "enforcement")->mean < 0);
	assert_true(part(r, "targets")->mean < 0);
	assert_true(part(r, "teams")->mean < 0);
	assert_false(part(r, "shocks")->changes);
	stroom_explain_free(r);

	/* one factor per team: the two teams that change, the rest exactly 0 */
	o.each_team = 1;
	o.method = STROOM_EXPLAIN_SEQUENTIAL;
	r = explain(&p, &o);
	assert_adds_up(r);
	assert_int_equal(r->nplayers, 6);
	assert_int_equal(r->ev_runs, 6L * 7);
	{
		char name[64];
		int t;
		for (t = 0; t < p.n_teams; t++) {
			snprintf(name, sizeof name, "teams.%s", p.team[t].name);
			assert_int_equal(part(r, name)->changes, t < 2);
			if (t >= 2) {
				int k;
				for (k = 0; k < r->replicates; k++)
					assert_true(value(r, k, name) == 0.0);
			}
		}
	}
	stroom_explain_free(r);
}

/* No factor changes between the dates: every factor's part is exactly 0 in
 * every replicate, and composition and chance make the change. */
static void test_no_lever_change(void **state)
{
	stroom_params p = small_params_fixing(600, 6, "2025-06", "inflow.per_year");
	stroom_explain_options o = STROOM_EXPLAIN_OPTIONS_INIT;
	stroom_explain_result *r;
	int i, k;
	(void)state;
	/* rotterdam's labour market moves on 2025-01: explain up to then */
	o.to = month("2025-01");
	r = explain(&p, &o);
	assert_adds_up(r);
	assert_int_equal(r->nplayers, 0);
	assert_int_equal(r->ev_runs, 6);
	for (i = 0; i < r->nparts; i++) {
		if (r->part[i].kind != STROOM_EXPLAIN_FACTOR)
			continue;
		assert_false(r->part[i].changes);
		for (k = 0; k < r->replicates; k++)
			assert_true(r->value[(size_t)k * (size_t)r->nparts + (size_t)i] == 0.0);
	}
	for (k = 0; k < r->replicates; k++)
		assert_true(fabs(value(r, k, "composition") + value(r, k, "chance") - r->total_r[k]) < 1e-6);
	stroom_explain_free(r);
}

/* A labour-market shock (the index falls to 0.6 from 2024-03, elasticities 1:
 * more inflow, fewer exits to work) takes most of the change, which it makes
 * positive. */
static void test_labour_shock(void **state)
{
	static const char *const m[] = {"2024-03"};
	static const double idx[] = {0.6};
	stroom_params p = small_params_fixing(600, 6, "2025-06", "inflow.per_year");
	stroom_explain_options o = STROOM_EXPLAIN_OPTIONS_INIT;
	stroom_explain_result *r;
	int k;
	(void)state;
	set_series(&p.labour_index, 1, m, idx);
	p.labour_inflow_elasticity = 1.0;
	p.labour_work_elasticity = 1.0;
	stroom_params_fix(&p, "labour_market");
	r = explain(&p, &o);
	assert_adds_up(r);
	assert_true(r->total.mean > 0);
	assert_true(part(r, "labour_market")->mean > 0.6 * r->total.mean);
	for (k = 0; k < r->replicates; k++)
		assert_true(value(r, k, "labour_market") > 0.5 * fabs(r->total_r[k]));
	stroom_explain_free(r);
}

/* The Shapley parts are the same whatever the factors' order (each replicate's,
 * to rounding); the sequential split is not, on the same scenario. */
static void test_order(void **state)
{
	static const char *const rev[] = {"targets", "enforcement", "prevention", "teams",
					   "shocks", "labour_market"};
	stroom_params p = levers_params();
	stroom_explain_options o = STROOM_EXPLAIN_OPTIONS_INIT;
	stroom_explain_result *a, *b;
	double most = 0;
	int i, k;
	(void)state;
	a = explain(&p, &o);
	o.order = rev;
	o.norder = 6;
	b = explain(&p, &o);
	assert_string_equal(b->part[0].name, "targets");
	assert_string_equal(b->part[5].name, "labour_market");
	for (i = 0; i < a->nparts; i++)
		for (k = 0; k < a->replicates; k++) {
			const char *n = a->part[i].name;
			assert_true(fabs(value(a, k, n) - value(b, k, n)) < 1e-6);
		}
	stroom_explain_free(a);
	stroom_explain_free(b);
	/* sequential: the order moves the parts (the factors interact) */
	o.method = STROOM_EXPLAIN_SEQUENTIAL;
	o.norder = 0;
	a = explain(&p, &o);
	o.norder = 6;
	b = explain(&p, &o);
	assert_adds_up(a);
	assert_adds_up(b);
	for (i = 0; i < a->nparts; i++)
		for (k = 0; k < a->replicates; k++) {
			const char *n = a->part[i].name;
			double d = fabs(value(a, k, n) - value(b, k, n));
			if (d > most)
				most = d;
		}
	assert_true(most > 1e-3);
	stroom_explain_free(a);
	stroom_explain_free(b);
}

/* The Shapley values of known games. */
static void test_shapley(void **state)
{
	const double v2[4] = {0, 1, 2, 5};
	double v3[8], phi[3];
	unsigned int S;
	(void)state;
	stroom_explain_shapley(2, v2, phi);
	assert_true(fabs(phi[0] - 2.0) < 1e-12); /* (1 - 0)/2 + (5 - 2)/2 */
	assert_true(fabs(phi[1] - 3.0) < 1e-12); /* (2 - 0)/2 + (5 - 1)/2 */
	/* v(S) = |S|^2: symmetric players, 9 / 3 each */
	for (S = 0; S < 8; S++) {
		int n = (int)(S & 1) + (int)(S >> 1 & 1) + (int)(S >> 2 & 1);
		v3[S] = n * n;
	}
	stroom_explain_shapley(3, v3, phi);
	assert_true(fabs(phi[0] - 3.0) < 1e-12 && fabs(phi[1] - 3.0) < 1e-12 &&
		    fabs(phi[2] - 3.0) < 1e-12);
	/* an additive game: each player its own value */
	for (S = 0; S < 8; S++)
		v3[S] = (S & 1 ? 1.5 : 0) + (S & 2 ? -4 : 0) + (S & 4 ? 10 : 0) + 7;
	stroom_explain_shapley(3, v3, phi);
	assert_true(fabs(phi[0] - 1.5) < 1e-12 && fabs(phi[1] + 4) < 1e-12 && fabs(phi[2] - 10) < 1e-12);
}

/* Dates outside the run or out of order, an unknown factor in the order, too
 * many factors for Shapley: refused with the option named. */
static void test_refusals(void **state)
{
	stroom_params p = small_params_fixing(600, 2, "2025-06", "inflow.per_year");
	stroom_population *pop = NULL;
	stroom_explain_result *r = NULL;
	stroom_explain_options o;
	static const char *const bad_order[] = {"labour_market", "weather"};
	static const char *const twice[] = {"teams", "teams"};
	int t;
	(void)state;
	assert_int_equal(stroom_population_synthesise(&pop, &p, NULL, NULL), 0);
	o = (stroom_explain_options)STROOM_EXPLAIN_OPTIONS_INIT;
	o.from = month("2023-12");
	assert_int_equal(stroom_explain_run(&r, &p, pop, &o), STROOM_EINVAL);
	assert_null(r);
	assert_non_null(strstr(stroom_error_last(), "--from: expected a month from 2024-01 to 2025-06"));
	o.from = 0;
	o.to = month("2025-08");
	assert_int_equal(stroom_explain_run(&r, &p, pop, &o), STROOM_EINVAL);
	assert_non_null(strstr(stroom_error_last(), "--to: expected a month from 2024-02 to 2025-07"));
	o.from = month("2025-01");
	o.to = month("2025-01");
	assert_int_equal(stroom_explain_run(&r, &p, pop, &o), STROOM_EINVAL);
	assert_non_null(strstr(stroom_error_last(), "--to: expected a month after --from (2025-01)"));
	o = (stroom_explain_options)STROOM_EXPLAIN_OPTIONS_INIT;
	o.order = bad_order;
	o.norder = 2;
	assert_int_equal(stroom_explain_run(&r, &p, pop, &o), STROOM_EINVAL);
	assert_non_null(strstr(stroom_error_last(), "'weather' is not a factor"));
	o.order = twice;
	assert_int_equal(stroom_explain_run(&r, &p, pop, &o), STROOM_EINVAL);
	assert_non_null(strstr(stroom_error_last(), "given twice"));
	o = (stroom_explain_options)STROOM_EXPLAIN_OPTIONS_INIT;
	o.method = 7;
	assert_int_equal(stroom_explain_run(&r, &p, pop, &o), STROOM_EINVAL);
	/* instrument places: the expected-value engine does not model them */
	{
		stroom_params q = p;
		q.instrument[0].slots.n = 1;
		q.instrument[0].slots.month[0] = month("2024-03");
		q.instrument[0].slots.value[0] = 100;
		o = (stroom_explain_options)STROOM_EXPLAIN_OPTIONS_INIT;
		assert_int_equal(stroom_explain_run(&r, &q, pop, &o), STROOM_EINVAL);
		assert_null(r);
		assert_non_null(strstr(stroom_error_last(), "instruments."));
	}
	/* twelve teams, each changing, and the labour market: 13 factors */
	while (p.n_teams < STROOM_MAX_TEAMS) {
		p.team[p.n_teams] = p.team[0];
		snprintf(p.team[p.n_teams].name, sizeof p.team[p.n_teams].name, "extra%d", p.n_teams);
		p.n_teams++;
	}
	for (t = 0; t < p.n_teams; t++) {
		stroom_series *s = &p.team[t].fte;
		s->month[s->n] = month("2024-06");
		s->value[s->n] = s->value[s->n - 1] + 1;
		s->n++;
	}
	o = (stroom_explain_options)STROOM_EXPLAIN_OPTIONS_INIT;
	o.each_team = 1;
	assert_int_equal(stroom_explain_run(&r, &p, pop, &o), STROOM_EINVAL);
	assert_non_null(strstr(stroom_error_last(), "13 factors change between the dates"));
	o.method = STROOM_EXPLAIN_SEQUENTIAL;
	o.replicates = 2;
	assert_int_equal(stroom_explain_run(&r, &p, pop, &o), 0);
	assert_int_equal(r->nplayers, 13);
	assert_adds_up(r);
	stroom_explain_free(r);
	stroom_population_free(pop);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_shapley),
		cmocka_unit_test(test_adds_up_generic),
		cmocka_unit_test(test_adds_up_levers),
		cmocka_unit_test(test_no_lever_change),
		cmocka_unit_test(test_labour_shock),
		cmocka_unit_test(test_order),
		cmocka_unit_test(test_refusals),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
