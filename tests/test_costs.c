/*
 * test_costs.c: execution costs per lever and the budget path's mechanism
 * (docs/policy.md "Costs", docs/budget.md section 5). The cost of 10 FTE added is
 * 10 x the cost per FTE-year x the years, to the cent; execution costs never enter
 * the BUIG result; the path reproduces its inputs in hand-checked cases; spending
 * outside the engine is ratio x caseload x price.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <stroom/stroom.h>

#include "sim_fixture.h"

/* tests/data/small.yaml (a small rotterdam, 2024-01 to 2025-12), 2 replicates,
 * every prior fixed so the fields set here are the values the run uses. */
static stroom_params small(void)
{
	stroom_params p = scenario_params(STROOM_SOURCE_DIR "/tests/data/small.yaml");
	stroom_params_fix(&p, NULL);
	p.replicates = 2;
	/* no costs, no path, no spending outside the engine: each test sets its own */
	p.cost_fte_eur = p.cost_fte_spread = p.cost_control_eur = 0;
	p.cost_prevention_eur = p.cost_gate_eur = 0;
	p.budget_path_from = 0;
	p.budget_share_trend = p.budget_share_trend_sd = 0;
	p.budget_national.n = p.budget_indexation.n = 0;
	p.budget_other_ratio = 0;
	p.budget_other_spending.n = 0;
	return p;
}

static stroom_budget_run *budget_of(const stroom_results *r, const stroom_params *p)
{
	stroom_budget *b = NULL;
	stroom_budget_run *br = NULL;
	assert_int_equal(stroom_budget_load(&b, p->budget_table, NULL, NULL), 0);
	if (p->budget_start_eur > 0)
		assert_int_equal(stroom_budget_scale(b, stroom_month_year(p->start),
						     (int64_t)llround(p->budget_start_eur * 100.0)), 0);
	assert_int_equal(stroom_output_budget_compute(&br, r, p, b), 0);
	stroom_budget_free(b);
	return br;
}

/* The pure team cost: FTE-months x cost / 12, rounded once. */
static void test_team_cost_exact(void **state)
{
	(void)state;
	assert_int_equal(stroom_cost_team(10.0 * 12, 9700000), 97000000);     /* 10 x EUR 97,000 */
	assert_int_equal(stroom_cost_team(10.0 * 12, 8123457), 81234570);     /* 10 x EUR 81,234.57 */
	assert_int_equal(stroom_cost_team(10.0 * 36, 8123457), 3 * 81234570); /* three years */
	assert_int_equal(stroom_cost_team(41.5 * 12, 8123457), 337123466);    /* 415 x 812,345.7 = 337,123,465.5, rounded up */
	assert_int_equal(stroom_cost_team(1.0, 1200), 100);                   /* one FTE-month */
	assert_int_equal(stroom_cost_team(0.0, 8123457), 0);
	assert_int_equal(stroom_cost_team(12.0, 0), 0);
	assert_string_equal(stroom_cost_name(STROOM_COST_TEAMS), "teams");
	assert_string_equal(stroom_cost_name(STROOM_COST_GATE), "gate");
	assert_null(stroom_cost_name(STROOM_NCOST));
}

/* A run with 10 FTE added to a team costs 10 x the cost per FTE-year more in every
 * full year and replicate, to the cent; the total moves by the same amount plus
 * the instruments' difference (none here: no slots). */
static void test_ten_fte_added(void **state)
{
	stroom_params a = small(), b;
	stroom_results *ra, *rb;
	stroom_budget_run *ba, *bb;
	int k, y, rep;
	(void)state;
	a.cost_fte_eur = 81234.57;
	b = a;
	for (k = 0; k < b.team[1].fte.n; k++)
		b.team[1].fte.value[k] += 10.0;
	ra = run_sim(&a, 0);
	rb = run_sim(&b, 0);
	ba = budget_of(ra, &a);
	bb = budget_of(rb, &b);
	assert_int_equal(stroom_output_budget_years(ba), 2); /* 2024 and 2025 */
	for (y = 0; y < 2; y++)
		for (rep = 0; rep < 2; rep++) {
			int64_t ta = stroom_output_budget_cost(ba, rep, y, STROOM_COST_TEAMS);
			int64_t tb = stroom_output_budget_cost(bb, rep, y, STROOM_COST_TEAMS);
			assert_int_equal(tb - ta, 10 * 8123457);
			assert_int_equal(stroom_output_budget_cost(bb, rep, y, -1) -
						 stroom_output_budget_cost(ba, rep, y, -1),
					 10 * 8123457);
			/* small's teams: 1.6216 + 2.3185 + 2.7507 + 2.681 = 9.3718 FTE, a year
			 * 761,314.14 (to a cent: the FTE added up in floating point) */
			assert_true(llabs(ta - 76131414) <= 1);
		}
	stroom_output_budget_free(ba);
	stroom_output_budget_free(bb);
	stroom_results_free(ra);
	stroom_results_free(rb);
}

/* Execution costs of every lever leave every BUIG figure as it was. */
static void test_costs_not_in_buig(void **state)
{
	stroom_params a = small(), b;
	stroom_results *r;
	stroom_budget_run *ba, *bb;
	int y, rep, k;
	(void)state;
	/* levers on, so each cost is counted: controls, prevention, the gate, slots */
	a.enforcement_controls.n = 1;
	a.enforcement_controls.month[0] = a.start;
	a.enforcement_controls.value[0] = 1200;
	a.prevention_reach.n = 1;
	a.prevention_reach.month[0] = a.start;
	a.prevention_reach.value[0] = 0.5;
	a.gate_search_share = 0.5;
	a.instrument[0].slots.n = 1;
	a.instrument[0].slots.month[0] = a.start;
	a.instrument[0].slots.value[0] = 120;
	b = a;
	b.cost_fte_eur = 97000;
	b.cost_fte_spread = 0.15;
	b.cost_control_eur = 350;
	b.cost_prevention_eur = 250;
	b.cost_gate_eur = 175;
	r = run_sim(&a, 0);
	ba = budget_of(r, &a);
	bb = budget_of(r, &b);
	for (y = 0; y < stroom_output_budget_years(ba); y++)
		for (rep = 0; rep < 2; rep++) {
			const stroom_budget_result *x = stroom_output_budget_result(ba, rep, y);
			const stroom_budget_result *z = stroom_output_budget_result(bb, rep, y);
			int64_t sum = 0;
			assert_memory_equal(x, z, sizeof *x);
			/* a's costs: only the instruments (their cost is in the scenario) */
			assert_int_equal(stroom_output_budget_cost(ba, rep, y, STROOM_COST_TEAMS), 0);
			assert_int_equal(stroom_output_budget_cost(ba, rep, y, STROOM_COST_ENFORCEMENT), 0);
			/* b's: every lever, and the parts add up to the total */
			for (k = 0; k < STROOM_NCOST; k++) {
				int64_t c = stroom_output_budget_cost(bb, rep, y, k);
				assert_true(c > 0);
				sum += c;
			}
			assert_int_equal(sum, stroom_output_budget_cost(bb, rep, y, -1));
			/* 1,200 controls a year at EUR 350 */
			assert_int_equal(stroom_output_budget_cost(bb, rep, y, STROOM_COST_ENFORCEMENT),
					 1200 * 35000);
			/* the FTE cost is drawn within +-15% of EUR 97,000 a year */
			{
				double t = (double)stroom_output_budget_cost(bb, rep, y, STROOM_COST_TEAMS);
				assert_true(t >= 9.3718 * 82450 * 100 - 1 && t <= 9.3718 * 111550 * 100 + 1);
			}
		}
	/* the draw differs between replicates but not between years */
	assert_true(stroom_output_budget_cost(bb, 0, 0, STROOM_COST_TEAMS) !=
		    stroom_output_budget_cost(bb, 1, 0, STROOM_COST_TEAMS));
	assert_int_equal(stroom_output_budget_cost(bb, 0, 0, STROOM_COST_TEAMS),
			 stroom_output_budget_cost(bb, 0, 1, STROOM_COST_TEAMS));
	stroom_output_budget_free(ba);
	stroom_output_budget_free(bb);
	stroom_results_free(r);
}

/* The path by hand: EUR 100 million; national 1, 1.02, 1.02; indexation 3%, 0;
 * share -1% a year: 100m x 1.02 x 1.03 x 0.99 = 104,009,400.00, then x 0.99 =
 * 102,969,306.00. With no movement it reproduces the base. */
static void test_path_by_hand(void **state)
{
	const double national[] = {1.0, 1.02, 1.02}, idx[] = {0.03, 0.0};
	const double flat[] = {1.0, 1.0, 1.0, 1.0}, zero[] = {0, 0, 0};
	int64_t out[3];
	(void)state;
	assert_int_equal(stroom_budget_project(10000000000, 2, national, idx, -0.01, out), 0);
	assert_int_equal(out[0], 10400940000);
	assert_int_equal(out[1], 10296930600);
	assert_int_equal(stroom_budget_project(64918820000, 3, flat, zero, 0.0, out), 0);
	assert_int_equal(out[0], 64918820000);
	assert_int_equal(out[2], 64918820000);
	/* a national index is a ratio: a level of 400,000 households works as well */
	{
		const double level[] = {400000, 396000};
		assert_int_equal(stroom_budget_project(10000000000, 1, level, zero, 0.0, out), 0);
		assert_int_equal(out[0], 9900000000);
	}
	assert_int_equal(stroom_budget_project(0, 1, flat, zero, 0.0, out), STROOM_EINVAL);
	{
		const double bad[] = {1.0, 0.0};
		assert_int_equal(stroom_budget_project(100, 1, bad, zero, 0.0, out), STROOM_EINVAL);
		assert_non_null(strstr(stroom_error_last(), "national caseload index"));
	}
}

/* In a run: the years from budget.path_from follow the table's year before;
 * spending outside the engine is ratio x the year's caseload x price. */
static void test_path_in_run(void **state)
{
	stroom_params a = small(), b;
	stroom_results *r;
	stroom_budget_run *ba, *bb;
	int rep, t;
	(void)state;
	a.budget_other_spending.n = 0;
	a.budget_other_ratio = 0;
	r = run_sim(&a, 0);
	b = a;
	b.budget_path_from = 2025;
	b.budget_share_trend = -0.01;
	b.budget_national.n = 2;
	b.budget_national.month[0] = stroom_month_make(2024, 1);
	b.budget_national.value[0] = 1.0;
	b.budget_national.month[1] = stroom_month_make(2025, 1);
	b.budget_national.value[1] = 0.98;
	b.budget_other_ratio = 0.25;
	b.budget_other_price.n = 1;
	b.budget_other_price.month[0] = stroom_month_make(2024, 1);
	b.budget_other_price.value[0] = 20000;
	ba = budget_of(r, &a);
	bb = budget_of(r, &b);
	for (rep = 0; rep < 2; rep++) {
		const stroom_budget_result *a24 = stroom_output_budget_result(ba, rep, 0);
		const stroom_budget_result *b24 = stroom_output_budget_result(bb, rep, 0);
		const stroom_budget_result *b25 = stroom_output_budget_result(bb, rep, 1);
		double hh24 = 0, hh25 = 0;
		int64_t engine24 = 0;
		for (t = 0; t < 24; t++) {
			double c = stroom_results_value(r, rep, t, STROOM_IND_CASELOAD, 0) / 12.0;
			if (t < 12) {
				hh24 += c;
				engine24 += stroom_results_money(r, rep, t, STROOM_MONEY_BENEFIT, 0) +
					    stroom_results_money(r, rep, t, STROOM_MONEY_LKS, 0);
			} else
				hh25 += c;
		}
		assert_int_equal(b24->budget_eurocent, a24->budget_eurocent);
		assert_int_equal(b25->budget_eurocent,
				 (int64_t)llround((double)a24->budget_eurocent * 0.98 * 0.99));
		assert_int_equal(b24->spending_eurocent,
				 engine24 + (int64_t)llround(100.0 * 0.25 * hh24 * 20000));
		assert_int_equal(b25->spending_eurocent - stroom_output_budget_result(ba, rep, 1)->spending_eurocent,
				 (int64_t)llround(100.0 * 0.25 * hh25 * 20000));
	}
	stroom_output_budget_free(bb);
	/* a path needs the table's year before */
	b.budget_path_from = 2016;
	b.budget_start_eur = 0;
	{
		stroom_budget *tb = NULL;
		assert_int_equal(stroom_budget_load(&tb, b.budget_table, NULL, NULL), 0);
		assert_int_equal(stroom_output_budget_compute(&bb, r, &b, tb), 0); /* 2015 exists */
		stroom_output_budget_free(bb);
		b.budget_path_from = 2015;
		assert_int_equal(stroom_output_budget_compute(&bb, r, &b, tb), STROOM_EINVAL);
		assert_non_null(strstr(stroom_error_last(), "no row for 2014"));
		stroom_budget_free(tb);
	}
	stroom_output_budget_free(ba);
	stroom_results_free(r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_team_cost_exact),
		cmocka_unit_test(test_ten_fte_added),
		cmocka_unit_test(test_costs_not_in_buig),
		cmocka_unit_test(test_path_by_hand),
		cmocka_unit_test(test_path_in_run),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
