/*
 * sim_fixture.h: what the engine tests share: a scenario's parameters, the small
 * rotterdam of tests/test_sim.c, test_sim_extremes.c, test_target.c and
 * test_ev.c, a run from a synthesised population and the stock of a month.
 * Include after <cmocka.h> and <stroom/stroom.h>.
 */
#ifndef STROOM_TEST_SIM_FIXTURE_H
#define STROOM_TEST_SIM_FIXTURE_H

/* The parameters of the scenario name (a builtin or a file), as loaded. */
static inline stroom_params scenario_params(const char *name)
{
	stroom_scenario *s = NULL;
	stroom_params p;
	assert_int_equal(stroom_scenario_load(&s, name, NULL), 0);
	p = *stroom_scenario_params(s);
	stroom_scenario_free(s);
	return p;
}

/*
 * The builtin rotterdam's parameters with `households` starting households, its
 * inflow scaled with them, `replicates` replicates and the last month `end`. The
 * prior of `fix` is fixed at its central value (inflow.per_year: scaled, its
 * prior no longer fits); NULL fixes every prior, so the fields a test sets are the
 * values the run uses.
 */
static inline stroom_params small_params_fixing(int households, int replicates, const char *end,
						const char *fix)
{
	stroom_params p = scenario_params("rotterdam");
	p.population_households = households;
	p.inflow_per_year = p.inflow_per_year * households / 32649.0;
	stroom_params_fix(&p, fix);
	p.replicates = replicates;
	assert_int_equal(stroom_month_parse(&p.end, end), 0);
	return p;
}

/* p run on the households synthesised from it, in `threads` threads (0: one per
 * online CPU). */
static inline stroom_results *run_sim(const stroom_params *p, int threads)
{
	stroom_population *pop = NULL;
	stroom_results *r = NULL;
	stroom_sim_options o = STROOM_SIM_OPTIONS_INIT;
	o.threads = threads;
	assert_int_equal(stroom_population_synthesise(&pop, p, NULL, NULL), 0);
	assert_int_equal(stroom_sim_run(&r, p, pop, &o), 0);
	stroom_population_free(pop);
	return r;
}

/* The caseload of group g at the start of month t of replicate rep (t = the
 * number of months: at the end of the run). */
static inline int32_t stock(const stroom_results *r, int rep, int t, int g)
{
	return t < stroom_results_months(r) ? stroom_results_value(r, rep, t, STROOM_IND_CASELOAD, g)
					     : stroom_results_final_caseload(r, rep, g);
}

#endif
