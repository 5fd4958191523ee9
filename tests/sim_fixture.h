/*
 * sim_fixture.h: the engine tests' small rotterdam (tests/test_sim.c,
 * tests/test_sim_extremes.c). Include after <cmocka.h> and <stroom/stroom.h>.
 */
#ifndef STROOM_TEST_SIM_FIXTURE_H
#define STROOM_TEST_SIM_FIXTURE_H

/*
 * The builtin rotterdam's parameters with `households` starting households, its
 * inflow scaled with them, `replicates` replicates and the last month `end`. The
 * prior of `fix` is fixed at its central value (inflow.per_year: scaled, its
 * prior no longer fits); NULL fixes every prior, so the fields a test sets are the
 * values the run uses.
 */
static stroom_params small_params_fixing(int households, int replicates, const char *end,
					 const char *fix)
{
	stroom_scenario *s = NULL;
	stroom_params p;
	assert_int_equal(stroom_scenario_load(&s, "rotterdam", NULL), 0);
	p = *stroom_scenario_params(s);
	stroom_scenario_free(s);
	p.population_households = households;
	p.inflow_per_year = p.inflow_per_year * households / 32649.0;
	stroom_params_fix(&p, fix);
	p.replicates = replicates;
	assert_int_equal(stroom_month_parse(&p.end, end), 0);
	return p;
}

#endif
