/*
 * test_posterior.c: the posterior file (include/stroom/posterior.h). The loader's
 * errors with their line and column; the row a replicate takes is a pure
 * function of (seed, replicate) and uses every row about equally; a run keeps
 * two perfectly correlated parameters perfectly correlated, takes the column
 * means in its central run, and leaves every other parameter's draws as they are
 * without the posterior.
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

static stroom_params params(void)
{
	return small_params_fixing(300, 24, "2024-06", "inflow.per_year");
}

/* Loads text; returns the code (and *out on success). */
static int load(stroom_posterior **out, const char *text)
{
	stroom_params p = params();
	return stroom_posterior_load_string(out, text, strlen(text), "post.csv", &p, NULL);
}

/* The load of text fails with code and a detail containing want. */
static void fails(const char *text, int code, const char *want)
{
	stroom_posterior *post = NULL;
	int rc = load(&post, text);
	if (rc != code || !strstr(stroom_error_last(), want))
		fail_msg("got %d '%s', expected %d '%s'", rc, stroom_error_last(), code, want);
	assert_null(post);
}

static void test_loads(void **state)
{
	stroom_posterior *post = NULL;
	(void)state;
	assert_int_equal(load(&post, "# fit of rotterdam\n# converged: yes\n"
				     "draw,chain,hazard.work.distance.short,capacity.elasticity\r\n"
				     "0,0,0.06,0.1\r\n1,0,0.08,0.3\n\n2,1,0.07,0.2\n"),
			 0);
	assert_int_equal(stroom_posterior_rows(post), 3);
	assert_int_equal(stroom_posterior_columns(post), 2);
	assert_string_equal(stroom_posterior_column(post, 0), "hazard.work.distance.short");
	assert_int_equal(stroom_posterior_column_index(post, "capacity.elasticity"), 1);
	assert_int_equal(stroom_posterior_column_index(post, "inflow.per_year"), -1);
	assert_true(stroom_posterior_value(post, 1, 0) == 0.08);
	assert_true(fabs(stroom_posterior_mean(post, 0) - 0.07) < 1e-15);
	assert_true(fabs(stroom_posterior_mean(post, 1) - 0.2) < 1e-15);
	stroom_posterior_free(post);
}

static void test_errors(void **state)
{
	(void)state;
	/* a column that is not a drawn parameter: the names that exist are listed */
	fails("draw,chain,hazard.work.distance.short,hazard.work.bogus\n0,0,0.06,1\n", STROOM_EPARSE,
	      "post.csv:1:39: header: expected a drawn parameter of scenario rotterdam "
	      "(capacity.elasticity, ");
	fails("#c\ndraw,chain,capacity.elasticity,capacity.elasticity\n0,0,0.1,0.1\n", STROOM_EPARSE,
	      "post.csv:2:32: header: expected each parameter once, got 'capacity.elasticity' a second "
	      "time");
	fails("draws,chain,capacity.elasticity\n", STROOM_EPARSE,
	      "post.csv:1:1: header: expected column 'draw', got 'draws'");
	fails("draw,chain\n0,0\n", STROOM_EPARSE, "post.csv:1:11: header: expected at least one parameter");
	/* a value outside the parameter's bounds, non-finite, not a number */
	fails("draw,chain,hazard.work.distance.short\n0,0,0.06\n1,0,1.5\n", STROOM_EINVAL,
	      "post.csv:3:5: hazard.work.distance.short: expected a value from 0 to 1 (its bounds), got 1.5");
	fails("draw,chain,hazard.work.distance.short\n0,0,inf\n", STROOM_EPARSE,
	      "post.csv:2:5: hazard.work.distance.short: expected a finite number, got 'inf'");
	fails("draw,chain,hazard.work.distance.short\n0,0,nan\n", STROOM_EPARSE,
	      "post.csv:2:5: hazard.work.distance.short: expected a finite number, got 'nan'");
	fails("draw,chain,hazard.work.distance.short\n0,0,0.06x\n", STROOM_EPARSE,
	      "post.csv:2:5: hazard.work.distance.short: expected a finite number, got '0.06x'");
	/* ragged rows: too many and too few fields */
	fails("draw,chain,capacity.elasticity\n0,0,0.1\n1,0,0.2,0.3\n", STROOM_EPARSE,
	      "post.csv:3:9: expected 3 fields as in the header, got 4");
	fails("draw,chain,capacity.elasticity\n0,0\n", STROOM_EPARSE,
	      "post.csv:2:4: expected 3 fields as in the header, got 2");
	fails("draw,chain,capacity.elasticity\n-1,0,0.1\n", STROOM_EPARSE,
	      "post.csv:2:1: draw: expected a whole number 0 or more, got '-1'");
	/* no rows, no header */
	fails("# only a comment\ndraw,chain,capacity.elasticity\n", STROOM_EPARSE,
	      "post.csv:2:1: expected at least one row after the header, got none");
	fails("# only a comment\n", STROOM_EPARSE, "post.csv:1:1: expected a header line");
	fails("", STROOM_EPARSE, "expected a header line");
}

static void test_row_limit(void **state)
{
	size_t n = STROOM_POSTERIOR_MAX_ROWS + 1, i, len = 0;
	char *text = malloc(64 + n * 12);
	char want[64];
	(void)state;
	assert_non_null(text);
	len += (size_t)sprintf(text, "draw,chain,capacity.elasticity\n");
	for (i = 0; i < n; i++)
		len += (size_t)sprintf(text + len, "%zu,0,0.1\n", i % 1000);
	snprintf(want, sizeof want, "post.csv:%zu:1: expected at most %d rows", n + 1,
		 STROOM_POSTERIOR_MAX_ROWS);
	fails(text, STROOM_EINVAL, want);
	free(text);
}

static void test_row_choice(void **state)
{
	stroom_posterior *post = NULL;
	char text[4096];
	int counts[10] = {0}, rep, k, len;
	(void)state;
	len = snprintf(text, sizeof text, "draw,chain,capacity.elasticity\n");
	for (k = 0; k < 10; k++)
		len += snprintf(text + len, sizeof text - (size_t)len, "%d,0,0.%d\n", k, k);
	assert_int_equal(load(&post, text), 0);
	for (rep = 0; rep < 20000; rep++) {
		size_t j = stroom_posterior_row(post, 42, (uint32_t)rep);
		assert_true(j < 10);
		/* a pure function of (seed, replicate) */
		assert_int_equal(stroom_posterior_row(post, 42, (uint32_t)rep), j);
		counts[j]++;
	}
	/* every row about equally: 2,000 each, sd 42; within 6 sd */
	for (k = 0; k < 10; k++)
		assert_true(abs(counts[k] - 2000) < 255);
	/* another seed chooses other rows */
	for (k = 0, rep = 0; rep < 100; rep++)
		k += stroom_posterior_row(post, 42, (uint32_t)rep) != stroom_posterior_row(post, 43, (uint32_t)rep);
	assert_true(k > 50);
	stroom_posterior_free(post);
}

static int drawn_index(const stroom_results *r, const char *name)
{
	int i;
	for (i = 0; i < stroom_results_drawn_count(r); i++)
		if (!strcmp(stroom_results_drawn_name(r, i), name))
			return i;
	fail_msg("no drawn parameter %s", name);
	return -1;
}

static stroom_results *run(const stroom_params *p, const stroom_population *pop,
			   const stroom_posterior *post, int fixed)
{
	stroom_sim_options o = STROOM_SIM_OPTIONS_INIT;
	stroom_results *r = NULL;
	o.threads = 2;
	o.posterior = post;
	o.fixed_parameters = fixed;
	assert_int_equal(stroom_sim_run(&r, p, pop, &o), 0);
	return r;
}

static void test_run_keeps_correlation(void **state)
{
	stroom_params p = params();
	stroom_posterior *post = NULL;
	stroom_population *pop = NULL;
	stroom_results *r, *plain, *cen;
	char text[8192];
	int len, k, rep, is, im, ie, il, cs, cm;
	double sx = 0, sy = 0, sxx = 0, syy = 0, sxy = 0, n, cor;
	(void)state;
	/* medium = short / 3 exactly as written, short spread over 40 rows */
	len = snprintf(text, sizeof text,
		       "# two perfectly correlated parameters\n"
		       "draw,chain,hazard.work.distance.short,hazard.work.distance.medium\n");
	for (k = 0; k < 40; k++) {
		double s = 0.05 + 0.001 * k;
		len += snprintf(text + len, sizeof text - (size_t)len, "%d,%d,%.17g,%.17g\n", k, k % 2, s,
				s / 3);
	}
	assert_int_equal(stroom_posterior_load_string(&post, text, (size_t)len, "post.csv", &p, NULL), 0);
	assert_int_equal(stroom_population_synthesise(&pop, &p, NULL, NULL), 0);
	r = run(&p, pop, post, 0);
	plain = run(&p, pop, NULL, 0);
	is = drawn_index(r, "hazard.work.distance.short");
	im = drawn_index(r, "hazard.work.distance.medium");
	ie = drawn_index(r, "capacity.elasticity");
	il = drawn_index(r, "hazard.work.distance.long");
	cs = stroom_posterior_column_index(post, "hazard.work.distance.short");
	cm = stroom_posterior_column_index(post, "hazard.work.distance.medium");
	for (rep = 0; rep < p.replicates; rep++) {
		size_t j = stroom_posterior_row(post, p.seed, (uint32_t)rep);
		double x = stroom_results_drawn_value(r, rep, is), y = stroom_results_drawn_value(r, rep, im);
		/* the replicate's row, exactly */
		assert_true(x == stroom_posterior_value(post, j, cs));
		assert_true(y == stroom_posterior_value(post, j, cm));
		/* the parameters without a column: the same draws as without a posterior */
		assert_true(stroom_results_drawn_value(r, rep, ie) ==
			    stroom_results_drawn_value(plain, rep, ie));
		assert_true(stroom_results_drawn_value(r, rep, il) ==
			    stroom_results_drawn_value(plain, rep, il));
		sx += x;
		sy += y;
		sxx += x * x;
		syy += y * y;
		sxy += x * y;
	}
	n = p.replicates;
	cor = (sxy - sx * sy / n) / sqrt((sxx - sx * sx / n) * (syy - sy * sy / n));
	assert_true(cor > 1 - 1e-9);
	/* without the posterior they are drawn independently */
	sx = sy = sxx = syy = sxy = 0;
	for (rep = 0; rep < p.replicates; rep++) {
		double x = stroom_results_drawn_value(plain, rep, is),
		       y = stroom_results_drawn_value(plain, rep, im);
		sx += x;
		sy += y;
		sxx += x * x;
		syy += y * y;
		sxy += x * y;
	}
	cor = (sxy - sx * sy / n) / sqrt((sxx - sx * sx / n) * (syy - sy * sy / n));
	assert_true(cor < 0.9);
	/* the central run: the column means */
	cen = run(&p, pop, post, 1);
	assert_true(stroom_results_drawn_value(cen, 0, is) == stroom_posterior_mean(post, cs));
	assert_true(stroom_results_drawn_value(cen, 3, im) == stroom_posterior_mean(post, cm));
	stroom_results_free(cen);
	stroom_results_free(plain);
	stroom_results_free(r);
	stroom_population_free(pop);
	stroom_posterior_free(post);
}

/*
 * A posterior column for a value of a shock series (`inflow.shock.2024-03`):
 * loaded against the scenario's draw names, applied to each replicate's series
 * value (the drawn value is the row's), and the run follows it: an inflow shock
 * of 2 to 3 from March 2024 gives far more new households in March to June than
 * the prior's shock near 1.
 */
static void test_series_column(void **state)
{
	stroom_scenario *s = NULL;
	stroom_params p;
	stroom_posterior *post = NULL;
	stroom_population *pop = NULL;
	stroom_results *r, *plain, *cen;
	char text[4096];
	int len, k, rep, t, id, c, t0;
	double with = 0, without = 0;
	(void)state;
	assert_int_equal(stroom_scenario_load_string(&s, "extends: rotterdam\ninflow:\n  shock: "
							 "{2024-03: {lognormal: [0, 0.05]}}\n",
						     "shock.yaml", NULL),
			 0);
	p = *stroom_scenario_params(s);
	stroom_scenario_free(s);
	p.population_households = 300;
	p.inflow_per_year = p.inflow_per_year * 300 / 32649.0;
	stroom_params_fix(&p, "inflow.per_year");
	p.replicates = 24;
	assert_int_equal(stroom_month_parse(&p.end, "2024-06"), 0);

	len = snprintf(text, sizeof text, "draw,chain,inflow.shock.2024-03\n");
	for (k = 0; k < 20; k++)
		len += snprintf(text + len, sizeof text - (size_t)len, "%d,0,%.17g\n", k, 2.0 + 0.05 * k);
	assert_int_equal(stroom_posterior_load_string(&post, text, (size_t)len, "post.csv", &p, NULL), 0);
	c = stroom_posterior_column_index(post, "inflow.shock.2024-03");
	assert_int_equal(c, 0);
	assert_int_equal(stroom_population_synthesise(&pop, &p, NULL, NULL), 0);
	r = run(&p, pop, post, 0);
	plain = run(&p, pop, NULL, 0);
	id = drawn_index(r, "inflow.shock.2024-03");
	t0 = stroom_month_make(2024, 3) - p.start;
	for (rep = 0; rep < p.replicates; rep++) {
		size_t j = stroom_posterior_row(post, p.seed, (uint32_t)rep);
		double x = stroom_results_drawn_value(r, rep, id);
		assert_true(x == stroom_posterior_value(post, j, c));
		assert_true(stroom_results_drawn_value(plain, rep, id) < 1.5);
		for (t = t0; t < stroom_results_months(r); t++) {
			with += stroom_results_value(r, rep, t, STROOM_IND_INFLOW_NEW, 0);
			without += stroom_results_value(plain, rep, t, STROOM_IND_INFLOW_NEW, 0);
		}
	}
	assert_true(without > 0);
	assert_true(with > 1.8 * without);
	/* the central run: the column's mean */
	cen = run(&p, pop, post, 1);
	assert_true(stroom_results_drawn_value(cen, 0, id) == stroom_posterior_mean(post, c));
	stroom_results_free(cen);
	stroom_results_free(plain);
	stroom_results_free(r);
	stroom_population_free(pop);
	stroom_posterior_free(post);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_loads),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_row_limit),
		cmocka_unit_test(test_row_choice),
		cmocka_unit_test(test_run_keeps_correlation),
		cmocka_unit_test(test_series_column),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
