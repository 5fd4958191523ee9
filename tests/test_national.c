/*
 * test_national.c: national runs (stroom/national.h). The municipalities table and
 * its errors (one line FILE:LINE:COL); the split into blocks balanced by
 * households; each municipality's parameters; the budget scaled to a
 * municipality; and blocks run apart and added up (as MPI ranks do) equal the
 * whole run, and a total starts at the sum of the households.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <stroom/stroom.h>

#define NATIONAL STROOM_SOURCE_DIR "/tests/data/national/"

static stroom_params national_params(void)
{
	stroom_scenario *s = NULL;
	stroom_params p;
	assert_int_equal(stroom_scenario_load(&s, NATIONAL "national.yaml", NULL), 0);
	p = *stroom_scenario_params(s);
	assert_int_equal(stroom_scenario_input_count(s), 4); /* national, rotterdam, its posterior, the table */
	stroom_scenario_free(s);
	return p;
}

static void test_load(void **state)
{
	stroom_params p = national_params();
	stroom_national *n = NULL;
	(void)state;
	assert_int_equal(stroom_national_load(&n, &p, NULL), 0);
	assert_int_equal(stroom_national_count(n), 5);
	assert_string_equal(stroom_national_row(n, 1)->name, "Beekstad");
	assert_int_equal(stroom_national_row(n, 1)->households, 2300);
	assert_true(stroom_national_row(n, 1)->budget_eurocent == 4100000050);
	assert_true(stroom_national_row(n, 0)->budget_eurocent == 1650000000);
	assert_true(stroom_national_households(n) == 5350);
	assert_null(stroom_national_row(n, 5));
	stroom_national_free(n);
}

/* Writes text to a temporary table and loads it; returns the error. */
static int load_text(const char *text, stroom_params *p)
{
	char path[] = "/tmp/stroom-national-XXXXXX";
	int fd = mkstemp(path), err;
	stroom_national *n = NULL;
	FILE *f;
	assert_true(fd >= 0);
	f = fdopen(fd, "w");
	fputs(text, f);
	fclose(f);
	snprintf(p->municipalities_csv, sizeof p->municipalities_csv, "%s", path);
	err = stroom_national_load(&n, p, NULL);
	stroom_national_free(n);
	unlink(path);
	return err;
}

static void test_errors(void **state)
{
	stroom_params p = national_params();
	(void)state;
	assert_int_equal(load_text("name,households,inflow_per_year,budget_eur\nA,lots,1,1\n", &p),
			 STROOM_EPARSE);
	assert_non_null(strstr(stroom_error_last(), ":2:3: column households: expected a whole number"));
	assert_int_equal(load_text("name,households,inflow_per_year,budget_eur\nA,10,1,1.234\n", &p),
			 STROOM_EPARSE);
	assert_non_null(strstr(stroom_error_last(), "column budget_eur: expected an amount in EUR"));
	assert_int_equal(load_text("name,households,inflow_per_year,budget_eur\nA,10,1,\n", &p),
			 STROOM_EINVAL); /* the scenario has a budget */
	assert_int_equal(load_text("name,households,inflow_per_year,budget_eur\nA,10,1,5\nA,10,1,5\n", &p),
			 STROOM_EINVAL);
	assert_non_null(strstr(stroom_error_last(), "a name not used on an earlier row"));
	assert_int_equal(load_text("name,households,inflow_per_year,budget_eur\n", &p), STROOM_EINVAL);
	assert_int_equal(load_text("name,size\nA,10\n", &p), STROOM_EPARSE);
	/* without a budget the column may be left out */
	p.budget_table[0] = p.budget_csv[0] = '\0';
	assert_int_equal(load_text("name,households,inflow_per_year\nA,10,1.5\n", &p), 0);
}

static void test_split(void **state)
{
	stroom_params p = national_params();
	stroom_national *n = NULL;
	int parts, part, first, count, next;
	(void)state;
	assert_int_equal(stroom_national_load(&n, &p, NULL), 0);
	for (parts = 1; parts <= 7; parts++) {
		next = 0;
		for (part = 0; part < parts; part++) {
			stroom_national_split(n, parts, part, &first, &count);
			assert_int_equal(first, next); /* contiguous, in order */
			next = first + count;
		}
		assert_int_equal(next, 5); /* every row once */
	}
	/* 900 2300 | 300 1200 650: the first block reaches half of 5350 */
	stroom_national_split(n, 2, 0, &first, &count);
	assert_int_equal(count, 2);
	stroom_national_split(n, 2, 1, &first, &count);
	assert_int_equal(first, 2);
	assert_int_equal(count, 3);
	stroom_national_free(n);
}

static void test_params_and_budget(void **state)
{
	stroom_params p = national_params(), m;
	stroom_national *n = NULL;
	stroom_budget *b = NULL;
	const stroom_budget_year *y24, *y25, *r24, *r25;
	stroom_budget *orig = NULL;
	(void)state;
	assert_int_equal(stroom_national_load(&n, &p, NULL), 0);
	stroom_national_params(n, 2, &p, &m);
	assert_int_equal(m.population_households, 300);
	assert_true(m.inflow_per_year == 70);
	assert_true(m.team[0].fte.value[0] == p.team[0].fte.value[0] * (300.0 / p.population_households));
	{ /* the inflow prior keeps its relative spread, and each municipality draws the
	     same quantile of it in a replicate */
		stroom_params dp, dm;
		int k, found = 0;
		for (k = 0; k < m.n_uncertain; k++)
			if (strcmp(m.uncertain[k].key, "inflow.per_year") == 0) {
				assert_true(fabs(m.uncertain[k].prior.a - 70.0) < 1e-9);
				assert_true(fabs(m.uncertain[k].prior.b - 70.0 * 370.0 / 7450.0) < 1e-9);
				found = 1;
			}
		assert_true(found);
		stroom_params_draw(&p, &dp, 3, 0);
		stroom_params_draw(&m, &dm, 3, 0);
		assert_true(dm.inflow_per_year != 70.0);
		assert_true(fabs(dm.inflow_per_year - dp.inflow_per_year * (70.0 / p.inflow_per_year)) < 1e-9);
		assert_true(dm.work_distance[0] == dp.work_distance[0]); /* the same base hazards */
	}
	assert_int_equal(stroom_budget_load(&b, "rotterdam", NULL, NULL), 0);
	assert_int_equal(stroom_budget_load(&orig, "rotterdam", NULL, NULL), 0);
	assert_int_equal(stroom_budget_scale(b, 2024, 560000000), 0);
	assert_int_equal(stroom_budget_lookup(b, 2024, &y24), 0);
	assert_int_equal(stroom_budget_lookup(b, 2025, &y25), 0);
	assert_int_equal(stroom_budget_lookup(orig, 2024, &r24), 0);
	assert_int_equal(stroom_budget_lookup(orig, 2025, &r25), 0);
	assert_true(y24->budget_eurocent == 560000000);
	/* 2025 follows the macro budget: 7779.8 / 7340.2 */
	assert_true(y25->budget_eurocent ==
		    llround(560000000.0 * (double)r25->macro_budget_eurocent / (double)r24->macro_budget_eurocent));
	assert_int_equal(stroom_budget_scale(b, 2099, 1), STROOM_ENOTFOUND);
	assert_int_equal(stroom_budget_scale(b, 2024, 0), STROOM_EINVAL);
	stroom_budget_free(b);
	stroom_budget_free(orig);
	stroom_national_free(n);
}

static void test_blocks_add_up(void **state)
{
	stroom_params p = national_params();
	stroom_national *n = NULL;
	stroom_national_run *whole = NULL, *a = NULL, *b = NULL, *b2 = NULL;
	stroom_national_options o = STROOM_NATIONAL_OPTIONS_INIT;
	size_t len, l1, l2;
	void *buf;
	char *c1, *c2;
	int t, rep;
	(void)state;
	p.replicates = 3;
	assert_int_equal(stroom_month_parse(&p.end, "2024-12"), 0);
	assert_int_equal(stroom_national_load(&n, &p, NULL), 0);
	o.threads = 2;
	o.central = 1;
	assert_int_equal(stroom_national_run_block(&whole, n, &p, 0, 5, &o), 0);
	assert_int_equal(stroom_national_run_block(&a, n, &p, 0, 2, &o), 0);
	assert_int_equal(stroom_national_run_block(&b, n, &p, 2, 3, &o), 0);
	assert_int_equal(stroom_national_run_block(&b2, n, &p, 4, 2, &o), STROOM_EINVAL);
	/* b travels as bytes, as from another rank */
	len = stroom_national_run_pack(b, NULL, 0);
	buf = malloc(len);
	assert_int_equal(stroom_national_run_pack(b, buf, len), len);
	assert_int_equal(stroom_national_run_unpack(&b2, buf, len), 0);
	assert_int_equal(stroom_national_run_add(a, b2), 0);
	for (rep = 0; rep < 3; rep++)
		for (t = 0; t < 12; t++)
			assert_true(stroom_results_money(stroom_national_run_total(a), rep, t, STROOM_MONEY_BENEFIT, 0) ==
				    stroom_results_money(stroom_national_run_total(whole), rep, t,
							 STROOM_MONEY_BENEFIT, 0));
	assert_int_equal(stroom_results_value(stroom_national_run_total(whole), 0, 0, STROOM_IND_CASELOAD, 0),
			 5350);
	l1 = stroom_national_run_csv(whole, n, NULL, 0);
	l2 = stroom_national_run_csv(a, n, NULL, 0);
	assert_int_equal(l1, l2);
	c1 = malloc(l1 + 1);
	c2 = malloc(l2 + 1);
	stroom_national_run_csv(whole, n, c1, l1 + 1);
	stroom_national_run_csv(a, n, c2, l2 + 1);
	assert_string_equal(c1, c2);
	free(c1);
	free(c2);
	free(buf);
	stroom_national_run_free(whole);
	stroom_national_run_free(a);
	stroom_national_run_free(b);
	stroom_national_run_free(b2);
	stroom_national_free(n);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_load),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_split),
		cmocka_unit_test(test_params_and_budget),
		cmocka_unit_test(test_blocks_add_up),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
