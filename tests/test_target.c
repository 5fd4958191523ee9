/*
 * test_target.c: the goal-seek (src/engines/target.c) on a small rotterdam
 * (600 households, 2024-01 to 2025-06). The found setting is the smallest: with it as
 * the scenario's own setting the target is already met and the answer is that
 * setting; one step less does not meet it. A target already met returns the
 * current setting; one no setting within the bounds reaches is reported as
 * such with P at the bound; the levers resolve to the scenario's values and bad
 * requests are refused with the key.
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

typedef struct fixture {
	stroom_params p;
	stroom_population *pop;
	stroom_target_result res;
} fixture;

static int setup(void **state)
{
	fixture *f = calloc(1, sizeof *f);
	assert_non_null(f);
	f->p = small_params_fixing(600, 8, "2025-06", "inflow.per_year");
	assert_int_equal(stroom_population_synthesise(&f->pop, &f->p, NULL, NULL), 0);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	fixture *f = *state;
	stroom_population_free(f->pop);
	free(f);
	return 0;
}

static stroom_target_options options(int households, double prob)
{
	stroom_target_options o = STROOM_TARGET_OPTIONS_INIT;
	o.households = households;
	assert_int_equal(stroom_month_parse(&o.date, "2025-04"), 0);
	o.probability = prob;
	o.draws = 8;
	o.replicates = -1;
	return o;
}

static int search(fixture *f, const stroom_params *p, const char *lever, const stroom_target_options *o)
{
	const char *levers[1];
	levers[0] = lever;
	return stroom_target_search(&f->res, p, f->pop, levers, 1, o);
}

/* The answer is the smallest setting: as the scenario's own setting it meets the
 * target already (and is answered as it is), one step less does not. */
static void check_smallest(fixture *f, const char *lever)
{
	stroom_target_options o;
	stroom_target_lever lv;
	stroom_params q;
	double found, base_caseload;
	int n;
	/* the baseline's mean caseload, then a target 4% below it */
	o = options(1, 0.5);
	assert_int_equal(search(f, &f->p, lever, &o), 0);
	base_caseload = f->res.caseload_current;
	assert_true(base_caseload > 500 && base_caseload < 800);
	n = (int)(base_caseload * 0.96);
	o = options(n, 0.5);
	o.replicates = 8; /* the microsimulation's check */
	assert_int_equal(search(f, &f->p, lever, &o), 0);
	assert_true(f->res.p_current < 0.5);
	assert_int_equal(f->res.alone[0].reached, 1);
	assert_true(f->res.alone[0].p_ev >= 0.5);
	assert_true(f->res.alone[0].p_ev_less < 0.5);
	assert_true(f->res.alone[0].caseload_ev < base_caseload);
	assert_int_equal(f->res.alone[0].sim_replicates, 8);
	/* a shock lever is no purchase: no execution cost */
	assert_int_equal(f->res.alone[0].not_purchase, 1);
	assert_int_equal(f->res.alone[0].purchased, 0);
	assert_true(f->res.alone[0].cost_per_year_eurocent == 0);
	assert_true(f->res.alone[0].p_sim >= 0 && f->res.alone[0].p_sim <= 1);
	assert_true(f->res.alone[0].caseload_sim < base_caseload);
	found = f->res.alone[0].setting[0];
	lv = f->res.lever[0];
	/* a whole number of steps away from the current setting */
	assert_true(fabs(remainder(found - lv.current, lv.step)) < 1e-9);
	assert_true((found - lv.current) * lv.direction > 0);

	/* as the scenario's own setting: already met, the answer is that setting */
	q = f->p;
	assert_int_equal(stroom_target_lever_apply(&lv, &q, found), 0);
	o.replicates = -1;
	assert_int_equal(search(f, &q, lever, &o), 0);
	assert_true(f->res.p_current >= 0.5);
	assert_int_equal(f->res.alone[0].reached, 1);
	assert_true(fabs(f->res.alone[0].setting[0] - found) < 1e-12);
	assert_true(isnan(f->res.alone[0].p_ev_less));

	/* one step less: not met */
	q = f->p;
	assert_int_equal(stroom_target_lever_apply(&lv, &q, found - lv.direction * lv.step), 0);
	assert_int_equal(search(f, &q, lever, &o), 0);
	assert_true(f->res.p_current < 0.5);
	assert_true(fabs(f->res.alone[0].setting[0] - found) < 1e-12);
}

static void test_smallest_work(void **state)
{
	check_smallest(*state, "hazard.work.shock");
}

static void test_smallest_inflow(void **state)
{
	check_smallest(*state, "inflow.shock");
}

/* A target the baseline meets: the current setting, no step less. */
static void test_already_met(void **state)
{
	fixture *f = *state;
	stroom_target_options o = options(5000, 0.5);
	assert_int_equal(search(f, &f->p, "teams.werk_zuid.fte", &o), 0);
	assert_true(f->res.p_current > 0.99);
	assert_int_equal(f->res.alone[0].reached, 1);
	assert_true(f->res.alone[0].setting[0] == f->res.lever[0].current);
	assert_true(fabs(f->res.lever[0].current - stroom_series_at(&f->p.team[1].fte, f->p.start, 0)) < 1e-12);
	assert_true(isnan(f->res.alone[0].p_ev_less));
	assert_int_equal(f->res.alone[0].sim_replicates, 0);
}

/* Unreachable: the gate alone cannot halve the caseload in 18 months. */
static void test_unreachable(void **state)
{
	fixture *f = *state;
	stroom_target_options o = options(100, 0.5);
	assert_int_equal(search(f, &f->p, "gate.search_share", &o), 0);
	assert_int_equal(f->res.alone[0].reached, 0);
	assert_true(f->res.alone[0].setting[0] == 1.0); /* the schema's bound */
	assert_true(f->res.alone[0].p_ev < 0.01);
	assert_true(f->res.alone[0].caseload_ev > 300);
}

/* Levers resolve to the scenario's values; bad requests name the key. */
static void test_levers_and_errors(void **state)
{
	fixture *f = *state;
	stroom_target_lever lv;
	stroom_target_options o = options(550, 0.5);
	const char *two[2] = {"inflow.shock", "inflow.shock"};
	stroom_params q = f->p;
	assert_int_equal(stroom_target_lever_resolve(&lv, &f->p, "teams.jongeren.fte", 0), 0);
	assert_true(fabs(lv.current - stroom_series_at(&f->p.team[0].fte, f->p.start, 0)) < 1e-12);
	assert_int_equal(lv.direction, 1);
	assert_true(lv.bound == 100000);
	assert_int_equal(stroom_target_lever_resolve(&lv, &f->p, "inflow.shock", 0), 0);
	assert_true(lv.current == 1.0 && lv.direction == -1 && lv.bound == 0);
	/* a setting from a later month keeps the months before */
	assert_int_equal(stroom_target_lever_resolve(&lv, &f->p, "enforcement.controls", f->p.start + 6), 0);
	assert_int_equal(stroom_target_lever_apply(&lv, &q, 250), 0);
	assert_true(stroom_series_at(&q.enforcement_controls, f->p.start + 5, 0) ==
		    stroom_series_at(&f->p.enforcement_controls, f->p.start + 5, 0));
	assert_true(stroom_series_at(&q.enforcement_controls, f->p.start + 6, 0) == 250);
	assert_int_equal(stroom_target_lever_apply(&lv, &q, -1), STROOM_EINVAL);
	/* every team times a factor */
	assert_int_equal(stroom_target_lever_resolve(&lv, &f->p, "teams.all.fte", 0), 0);
	q = f->p;
	assert_int_equal(stroom_target_lever_apply(&lv, &q, 1.5), 0);
	assert_true(fabs(stroom_series_at(&q.team[0].fte, q.start, 0) -
			 1.5 * stroom_series_at(&f->p.team[0].fte, f->p.start, 0)) < 1e-9);

	assert_int_equal(stroom_target_lever_resolve(&lv, &f->p, "teams.nobody.fte", 0), STROOM_ENOTFOUND);
	assert_non_null(strstr(stroom_error_last(), "teams.nobody.fte: expected a lever"));
	assert_non_null(strstr(stroom_error_last(), "jongeren"));
	assert_int_equal(stroom_target_lever_resolve(&lv, &f->p, "hazard.other.base", 0), STROOM_ENOTFOUND);
	assert_int_equal(stroom_target_lever_resolve(&lv, &f->p, "instruments.x.slots", 0), STROOM_EINVAL);
	assert_non_null(strstr(stroom_error_last(), "instrument places"));
	assert_int_equal(search(f, &f->p, "nope", &o), STROOM_ENOTFOUND);
	assert_int_equal(stroom_target_search(&f->res, &f->p, f->pop, two, 2, &o), STROOM_EINVAL);
	assert_non_null(strstr(stroom_error_last(), "given twice"));
	o.probability = 1.0;
	assert_int_equal(search(f, &f->p, "inflow.shock", &o), STROOM_EINVAL);
	assert_non_null(strstr(stroom_error_last(), "--probability"));
	o = options(550, 0.5);
	assert_int_equal(stroom_month_parse(&o.date, "2027-01"), 0);
	assert_int_equal(search(f, &f->p, "inflow.shock", &o), STROOM_EINVAL);
	assert_non_null(strstr(stroom_error_last(), "--date: expected a month from 2024-02 to 2025-07"));
	o = options(0, 0.5);
	assert_int_equal(search(f, &f->p, "inflow.shock", &o), STROOM_EINVAL);
	assert_non_null(strstr(stroom_error_last(), "--households"));
	assert_non_null(strstr(stroom_target_lever_help(), "hazard.work.shock"));
}

/* Two levers: each alone, and combinations of the first two that reach P. */
static void test_two_levers(void **state)
{
	fixture *f = *state;
	stroom_target_options o = options(1, 0.5);
	const char *levers[2] = {"hazard.work.shock", "inflow.shock"};
	int i;
	assert_int_equal(stroom_target_search(&f->res, &f->p, f->pop, levers, 1, &o), 0);
	o = options((int)(f->res.caseload_current * 0.96), 0.5);
	assert_int_equal(stroom_target_search(&f->res, &f->p, f->pop, levers, 2, &o), 0);
	assert_int_equal(f->res.alone[0].reached, 1);
	assert_int_equal(f->res.alone[1].reached, 1);
	assert_true(f->res.ncombo >= 3);
	for (i = 0; i < f->res.ncombo; i++) {
		assert_true(f->res.combo[i].p_ev >= 0.5);
		assert_true(f->res.combo[i].p_ev_less < 0.5 || isnan(f->res.combo[i].p_ev_less));
	}
	/* the first combination is the second lever alone */
	assert_true(f->res.combo[0].setting[0] == 1.0);
	assert_true(fabs(f->res.combo[0].setting[1] - f->res.alone[1].setting[1]) < 1e-12);
	/* more of the first lever needs less of the second */
	for (i = 1; i < f->res.ncombo; i++)
		assert_true(f->res.combo[i].setting[1] >= f->res.combo[i - 1].setting[1]);
	/* shock levers are no purchase: the combinations are not ranked by cost */
	assert_int_equal(f->res.combo_ranked, 0);
	for (i = 0; i < f->res.ncombo; i++)
		assert_true(f->res.combo[i].not_purchase >= 1 && f->res.combo[i].purchased == 0);
}

/* generic (1,000 households, teams by distance, costs.fte_eur) to 2025-06: its
 * teams' FTE moves the caseload. */
static void use_generic(fixture *f)
{
	stroom_scenario *sc = NULL;
	assert_int_equal(stroom_scenario_load(&sc, "generic", NULL), 0);
	f->p = *stroom_scenario_params(sc);
	stroom_scenario_free(sc);
	f->p.replicates = 4;
	assert_int_equal(stroom_month_parse(&f->p.end, "2025-06"), 0);
	stroom_population_free(f->pop);
	f->pop = NULL;
	assert_int_equal(stroom_population_synthesise(&f->pop, &f->p, NULL, NULL), 0);
}

/* Options for generic with P halfway between the current setting's and the
 * bound's (more FTE moves its caseload by a few households only). */
static stroom_target_options generic_options(fixture *f, const char *lever)
{
	stroom_target_options o = options(1, 0.5);
	double p0;
	o.draws = 4;
	assert_int_equal(search(f, &f->p, lever, &o), 0);
	o = options((int)f->res.caseload_current - 3, 0.99);
	o.draws = 4;
	assert_int_equal(search(f, &f->p, lever, &o), 0);
	assert_int_equal(f->res.alone[0].reached, 0);
	p0 = f->res.p_current;
	assert_true(f->res.alone[0].p_ev > p0 + 0.02);
	o.probability = (p0 + f->res.alone[0].p_ev) / 2;
	return o;
}

/* An FTE answer costs the added FTE x costs.fte_eur a year, to the cent. */
static void test_cost_fte(void **state)
{
	fixture *f = *state;
	stroom_target_options o;
	const stroom_target_answer *a;
	double added;
	use_generic(f);
	f->p.cost_fte_eur = 97123.45;
	o = generic_options(f, "teams.medium.fte");
	assert_int_equal(search(f, &f->p, "teams.medium.fte", &o), 0);
	a = &f->res.alone[0];
	assert_int_equal(a->reached, 1);
	added = a->setting[0] - f->res.lever[0].current;
	assert_true(added >= 1);
	assert_int_equal(a->purchased, 1);
	assert_int_equal(a->not_purchase, 0);
	/* whole FTE steps: exactly added x 9712345 eurocent */
	assert_true(a->cost_per_year_eurocent == (int64_t)llround(added) * 9712345);
	assert_true(a->cost_per_year_eurocent == stroom_cost_team(added * 12, 9712345));
}

/* Two purchased levers: the combinations ranked by cost a year, cheapest first;
 * two teams share one cost category, so each costs its added FTE in total. (The
 * short team as the second: since generic starts with its pool of past leavers,
 * the long team reaches P at only one point of the curve.) */
static void test_cost_ranking(void **state)
{
	fixture *f = *state;
	stroom_target_options o;
	const char *levers[2] = {"teams.medium.fte", "teams.short.fte"};
	int i;
	use_generic(f);
	f->p.cost_fte_eur = 90000;
	o = generic_options(f, levers[0]);
	assert_int_equal(stroom_target_search(&f->res, &f->p, f->pop, levers, 2, &o), 0);
	assert_int_equal(f->res.alone[0].reached, 1);
	assert_true(f->res.ncombo >= 2);
	assert_int_equal(f->res.combo_ranked, 1);
	for (i = 0; i < f->res.ncombo; i++) {
		const stroom_target_answer *a = &f->res.combo[i];
		double added = a->setting[0] - f->res.lever[0].current + a->setting[1] -
			       f->res.lever[1].current;
		assert_int_equal(a->not_purchase, 0);
		assert_true(a->cost_per_year_eurocent == (int64_t)llround(added) * 9000000);
		if (i)
			assert_true(a->cost_per_year_eurocent >= f->res.combo[i - 1].cost_per_year_eurocent);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_smallest_work, setup, teardown),
		cmocka_unit_test_setup_teardown(test_smallest_inflow, setup, teardown),
		cmocka_unit_test_setup_teardown(test_already_met, setup, teardown),
		cmocka_unit_test_setup_teardown(test_unreachable, setup, teardown),
		cmocka_unit_test_setup_teardown(test_levers_and_errors, setup, teardown),
		cmocka_unit_test_setup_teardown(test_two_levers, setup, teardown),
		cmocka_unit_test_setup_teardown(test_cost_fte, setup, teardown),
		cmocka_unit_test_setup_teardown(test_cost_ranking, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
