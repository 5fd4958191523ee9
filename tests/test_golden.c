/*
 * test_golden.c: a small scenario at a fixed seed with exact expected numbers.
 * Any change to the engine, the population synthesis, the benefit rules or the
 * random streams that moves a single household or a single cent shows up here. When a change is intended, run with
 * STROOM_PRINT_GOLDEN=1 to print the new numbers, check them, and update the
 * table (say why in the commit).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>

#include <stroom/stroom.h>

#include "sim_fixture.h"

/* rotterdam with 617 households, 3 replicates, 2024-01 to 2024-06, seed 4242 */
/* per replicate and month: the STROOM_NIND counts, then the STROOM_NMONEY amounts */
static const int64_t expected[3][6][STROOM_NIND + STROOM_NMONEY] = {
#include "golden_expected.inc"
};

static void test_golden(void **state)
{
	stroom_population *pop = NULL;
	stroom_results *r = NULL;
	stroom_params p;
	int rep, t, ind, print = getenv("STROOM_PRINT_GOLDEN") != NULL;
	(void)state;
	p = scenario_params("rotterdam");
	p.population_households = 617;
	p.inflow_per_year = 131.7;
	/* the engine as before uncertain parameters existed: only the policy priors drawn */
	stroom_params_fix(&p, NULL);
	/* and before the pool of past leavers at the start (returns.start_pool: none
	 * reproduces it to the household and the cent) */
	p.return_start_pool = STROOM_START_POOL_NONE;
	p.replicates = 3;
	p.seed = 4242;
	assert_int_equal(stroom_month_parse(&p.end, "2024-06"), 0);
	assert_int_equal(stroom_population_synthesise(&pop, &p, NULL, NULL), 0);
	assert_int_equal(stroom_sim_run(&r, &p, pop, NULL), 0);
	for (rep = 0; rep < 3; rep++) {
		if (print)
			printf("{\n");
		for (t = 0; t < 6; t++) {
			if (print) {
				printf("  {");
				for (ind = 0; ind < STROOM_NIND; ind++)
					printf("%s%d", ind ? ", " : "", stroom_results_value(r, rep, t, ind, 0));
				for (ind = 0; ind < STROOM_NMONEY; ind++)
					printf(", %lld", (long long)stroom_results_money(r, rep, t, ind, 0));
				printf("},\n");
			} else {
				for (ind = 0; ind < STROOM_NIND; ind++)
					assert_int_equal(stroom_results_value(r, rep, t, ind, 0),
							 expected[rep][t][ind]);
				for (ind = 0; ind < STROOM_NMONEY; ind++)
					assert_int_equal(stroom_results_money(r, rep, t, ind, 0),
							 expected[rep][t][STROOM_NIND + ind]);
			}
		}
		if (print)
			printf("},\n");
	}
	stroom_results_free(r);
	stroom_population_free(pop);
}

int main(void)
{
	const struct CMUnitTest tests[] = {cmocka_unit_test(test_golden)};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
