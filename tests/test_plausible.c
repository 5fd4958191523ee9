/*
 * test_plausible.c: the plausibility warnings (stroom/plausible.h). Issue 12's
 * Utrecht example (rotterdam with only population.households changed to 10,800)
 * warns on every team, the budget and the other spending, naming the keys and the
 * figures; no builtin scenario warns; a scenario scaled as stroom init scales it
 * does not warn; the ranges' edges; bad arguments.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <stroom/check.h>
#include <stroom/stroom.h>

/* The warnings of a checked scenario (a builtin name or a path). */
static int check_warnings(const char *scen, stroom_plausible_warning *w, int max)
{
	stroom_check_options co = STROOM_CHECK_OPTIONS_INIT;
	stroom_run_inputs *in = NULL;
	int n;
	co.replicates = 2;
	assert_int_equal(stroom_check_run(&in, scen, &co), 0);
	n = stroom_plausible_check(stroom_run_inputs_params(in),
				   stroom_population_households(stroom_run_inputs_population(in)),
				   stroom_run_inputs_budget(in), w, max);
	stroom_run_inputs_free(in);
	return n;
}

/* The warnings of a scenario given as text (written to a temporary file). */
static int text_warnings(const char *text, stroom_plausible_warning *w, int max)
{
	char path[] = "/tmp/stroom_plausibleXXXXXX";
	int fd = mkstemp(path), n;
	FILE *f;
	assert_true(fd >= 0);
	f = fdopen(fd, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
	n = check_warnings(path, w, max);
	unlink(path);
	return n;
}

static const stroom_plausible_warning *find(const stroom_plausible_warning *w, int n,
					    const char *keys)
{
	int i;
	for (i = 0; i < n; i++)
		if (!strcmp(w[i].keys, keys))
			return &w[i];
	return NULL;
}

/* Does warning x exist and hold s? */
static int has(const stroom_plausible_warning *x, const char *s)
{
	return x && strstr(x->text, s) != NULL;
}

static void test_utrecht_example(void **state)
{
	stroom_plausible_warning w[16];
	const stroom_plausible_warning *x;
	int n;
	(void)state;
	n = text_warnings("extends: rotterdam\nname: utrecht\npopulation:\n  households: 10800\n", w,
			  16);
	assert_int_equal(n, 5);
	/* every team: rotterdam's FTE for a third of its households */
	x = find(w, n, "teams.werk_zuid.fte, population.households");
	assert_non_null(x);
	assert_true(has(x, "26.5 households per FTE on 2024-01"));
	assert_true(has(x, "norm of 80"));
	assert_non_null(find(w, n, "teams.jongeren.fte, population.households"));
	assert_non_null(find(w, n, "teams.werk_noord.fte, population.households"));
	x = find(w, n, "teams.prestatie010.fte, population.households");
	assert_non_null(x); /* 99 per FTE is plausible in itself, but a third of its norm 300 */
	assert_true(has(x, "norm of 300"));
	/* the EUR 604m budget; the spending outside the engine is a ratio to the
	 * caseload (budget.other_ratio), so it scales and draws no warning */
	x = find(w, n, "budget.table, population.households");
	assert_non_null(x);
	assert_true(has(x, "EUR 55935 a household on benefit in 2024 (EUR 604.1m over "
					 "10800 households)"));
	assert_null(find(w, n, "budget.other_spending_eur, population.households"));
	/* every line starts with its keys */
	for (int i = 0; i < n; i++)
		assert_memory_equal(w[i].text, w[i].keys, strlen(w[i].keys));
	/* max limits what is written, not what is counted */
	assert_int_equal(text_warnings("extends: rotterdam\nname: utrecht\npopulation:\n"
				       "  households: 10800\n", w, 2), 5);
}

static void test_builtins_quiet(void **state)
{
	stroom_plausible_warning w[16];
	size_t i;
	(void)state;
	for (i = 0; i < stroom_scenario_builtin_count(); i++) {
		int n = check_warnings(stroom_scenario_builtin_name(i), w, 16);
		if (n != 0)
			fail_msg("%s: %d warnings, the first: %s", stroom_scenario_builtin_name(i), n,
				 w[0].text);
	}
}

/* generic scaled as stroom init scales it (FTE and budget x N / 1,000; its other
 * spending is a ratio to the caseload and scales by itself) is quiet; generic at
 * 10,800 households without scaling is not: its teams and its budget. */
static void test_generic_scaled(void **state)
{
	stroom_plausible_warning w[16];
	int n;
	(void)state;
	assert_int_equal(text_warnings("extends: generic\nname: u\npopulation:\n  households: 10800\n"
				       "budget:\n  start_eur: 198185400\n"
				       "teams:\n  short: {fte: {2024-01: 10.368}}\n"
				       "  medium: {fte: {2024-01: 58.32}}\n"
				       "  long: {fte: {2024-01: 18.7164}}\n", w, 16), 0);
	n = text_warnings("extends: generic\nname: u\npopulation:\n  households: 10800\n", w, 16);
	assert_int_equal(n, 4);
	assert_null(find(w, n, "budget.other_spending_eur, population.households"));
	assert_non_null(find(w, n, "teams.short.fte, population.households"));
	assert_non_null(find(w, n, "budget.table, population.households"));
	/* a fixed sum on top of the ratio: EUR 100m / 10,800 + 0.1553 x EUR 18,350 a
	 * household, above EUR 8,000 */
	n = text_warnings("extends: generic\nname: u\npopulation:\n  households: 10800\n"
			  "budget:\n  start_eur: 198185400\n  other_spending_eur: {2024-01: 100000000}\n"
			  "teams:\n  short: {fte: {2024-01: 10.368}}\n  medium: {fte: {2024-01: 58.32}}\n"
			  "  long: {fte: {2024-01: 18.7164}}\n", w, 16);
	assert_int_equal(n, 1);
	assert_string_equal(w[0].keys, "budget.other_spending_eur, population.households");
	assert_true(has(&w[0], "EUR 12109 a household"));
	/* a budget given with budget.start_eur is named so */
	n = text_warnings("extends: generic\nname: u\nbudget:\n  start_eur: 90000000\n", w, 16);
	assert_int_equal(n, 1);
	assert_string_equal(w[0].keys, "budget.start_eur, population.households");
	assert_true(has(&w[0], "EUR 90000 a household"));
	/* a team at twice its norm and one more: the norm check */
	n = text_warnings("extends: generic\nname: u\nteams:\n  medium: {fte: {2024-01: 1.5}}\n", w,
			  16);
	assert_int_equal(n, 1);
	assert_true(has(&w[0], "288.0 households per FTE"));
}

static void test_bad_arguments(void **state)
{
	stroom_plausible_warning w[1];
	stroom_households h;
	stroom_params p;
	(void)state;
	memset(&h, 0, sizeof h);
	memset(&p, 0, sizeof p);
	assert_int_equal(stroom_plausible_check(NULL, &h, NULL, w, 1), STROOM_EINVAL);
	assert_int_equal(stroom_plausible_check(&p, NULL, NULL, w, 1), STROOM_EINVAL);
	assert_int_equal(stroom_plausible_check(&p, &h, NULL, NULL, 1), STROOM_EINVAL);
	/* no households: nothing per household to say */
	assert_int_equal(stroom_plausible_check(&p, &h, NULL, NULL, 0), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_utrecht_example),
		cmocka_unit_test(test_builtins_quiet),
		cmocka_unit_test(test_generic_scaled),
		cmocka_unit_test(test_bad_arguments),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
