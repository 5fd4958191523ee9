/*
 * test_sim.c: the monthly engine. Conservation of the stock every month of every
 * replicate (all and each area); identical results for 1, 2 and 3 threads;
 * simulated exit rates within k sigma of the configured hazards; reproducibility
 * from the seed; cancellation; allocation failure; and a golden small scenario
 * with exact expected numbers at a fixed seed.
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

#include "sim_fixture.h"
#include "failing_alloc.h"

static stroom_params small_params(int households, int replicates, const char *end)
{
	return small_params_fixing(households, replicates, end, "inflow.per_year");
}

static void test_conservation(void **state)
{
	stroom_params p = small_params(2817, 6, "2026-11") /* 35 months: an odd count */;
	stroom_results *r = run_sim(&p, 2);
	int rep, t, a, T = stroom_results_months(r);
	(void)state;
	assert_int_equal(stock(r, 0, 0, 0), 2817);
	for (rep = 0; rep < 6; rep++)
		for (t = 0; t < T; t++)
			for (a = -1; a < p.n_areas + STROOM_NTYPE; a++) {
				/* all, each area, each household type: groups nobody moves between */
				int g = a < 0 ? 0
				      : a < p.n_areas ? stroom_results_group_index(r, p.area_name[a])
						      : stroom_results_group_index(r, stroom_type_name(a - p.n_areas));
				int32_t in = stroom_results_value(r, rep, t, STROOM_IND_INFLOW_NEW, g) +
					     stroom_results_value(r, rep, t, STROOM_IND_INFLOW_RETURN, g);
				int32_t out = 0;
				int ind;
				for (ind = STROOM_IND_EXIT_WORK; ind <= STROOM_IND_EXIT_PENSION; ind++)
					out += stroom_results_value(r, rep, t, ind, g);
				assert_int_equal(stock(r, rep, t + 1, g), stock(r, rep, t, g) + in - out);
			}
	/* every grouping partitions the stock */
	for (t = 0; t <= T; t++) {
		int32_t all = stock(r, 0, t, 0), sum = 0, k;
		for (k = 0; k < 4; k++)
			sum += stock(r, 0, t, stroom_results_group_index(r, stroom_duration_band_name(k)));
		assert_int_equal(sum, all);
		sum = 0;
		for (k = 0; k < 4; k++)
			sum += stock(r, 0, t, stroom_results_group_index(r, stroom_age_band_name(k)));
		assert_int_equal(sum, all);
		sum = 0;
		for (k = 0; k < 3; k++)
			sum += stock(r, 0, t, stroom_results_group_index(r, stroom_distance_name(k)));
		assert_int_equal(sum, all);
	}
	stroom_results_free(r);
}

/* One thread, 3 replicates of 35 months: the active-list buffers swap an odd
 * number of times, which once freed the wrong pointer. Must run clean (ASan). */
static void test_odd_swaps(void **state)
{
	stroom_params p = small_params(900, 3, "2026-11");
	stroom_results *r = run_sim(&p, 1);
	(void)state;
	assert_int_equal(stroom_results_months(r), 35);
	stroom_results_free(r);
}

static int same_results(const stroom_results *a, const stroom_results *b)
{
	int R = stroom_results_replicates(a), T = stroom_results_months(a), G = stroom_results_groups(a);
	int rep, t, ind, g;
	for (rep = 0; rep < R; rep++) {
		for (t = 0; t < T; t++)
			for (ind = 0; ind < STROOM_NIND; ind++)
				for (g = 0; g < G; g++)
					if (stroom_results_value(a, rep, t, ind, g) !=
					    stroom_results_value(b, rep, t, ind, g))
						return 0;
		for (g = 0; g < G; g++)
			if (stroom_results_final_caseload(a, rep, g) != stroom_results_final_caseload(b, rep, g))
				return 0;
	}
	return 1;
}

static void test_threads_identical(void **state)
{
	stroom_params p = small_params(1931, 7, "2025-06");
	stroom_results *r1 = run_sim(&p, 1), *r2 = run_sim(&p, 2), *r3 = run_sim(&p, 3);
	int i, rep;
	(void)state;
	/* rotterdam's uncertain parameters are drawn, and identically */
	assert_true(p.n_uncertain >= 10);
	assert_int_equal(stroom_results_drawn_count(r1), stroom_results_drawn_count(r3));
	for (rep = 0; rep < 7; rep++)
		for (i = 0; i < stroom_results_drawn_count(r1); i++)
			assert_true(stroom_results_drawn_value(r1, rep, i) ==
				    stroom_results_drawn_value(r3, rep, i));
	assert_int_equal(stroom_results_threads(r1), 1);
	assert_int_equal(stroom_results_threads(r2), 2);
	assert_true(same_results(r1, r2));
	assert_true(same_results(r1, r3));
	stroom_results_free(r1);
	stroom_results_free(r2);
	stroom_results_free(r3);
}

static stroom_results *run_block(const stroom_params *p, int first, int count, uint32_t stream)
{
	stroom_population *pop = NULL;
	stroom_results *r = NULL;
	stroom_sim_options o = STROOM_SIM_OPTIONS_INIT;
	o.threads = 2;
	o.first_replicate = first;
	o.replicate_count = count;
	o.stream = stream;
	assert_int_equal(stroom_population_synthesise(&pop, p, NULL, NULL), 0);
	assert_int_equal(stroom_sim_run(&r, p, pop, &o), 0);
	stroom_population_free(pop);
	return r;
}

static int same_money_and_draws(const stroom_results *a, const stroom_results *b)
{
	int R = stroom_results_replicates(a), T = stroom_results_months(a), G = stroom_results_groups(a);
	int rep, t, m, g, i;
	for (rep = 0; rep < R; rep++) {
		for (t = 0; t < T; t++)
			for (m = 0; m < STROOM_NMONEY; m++)
				for (g = 0; g < G; g++)
					if (stroom_results_money(a, rep, t, m, g) != stroom_results_money(b, rep, t, m, g))
						return 0;
		for (i = 0; i < stroom_results_drawn_count(a); i++)
			if (memcmp(&(double){stroom_results_drawn_value(a, rep, i)},
				   &(double){stroom_results_drawn_value(b, rep, i)}, sizeof(double)))
				return 0;
	}
	return 1;
}

/* Replicate blocks (MPI ranks) put together by pack, unpack and copy equal the
 * whole run bit for bit; a bad block is EINVAL; a stream changes the households
 * but not the drawn parameters; add sums. */
static void test_blocks(void **state)
{
	stroom_params p = small_params(1931, 7, "2025-06");
	stroom_results *whole = run_sim(&p, 1), *b0 = run_block(&p, 0, 3, 0), *b1 = run_block(&p, 3, 0, 0);
	stroom_results *joined = NULL, *s5 = NULL, *sum = NULL, *bad = NULL;
	stroom_population *pop = NULL;
	stroom_sim_options o = STROOM_SIM_OPTIONS_INIT;
	size_t n = stroom_results_pack(b1, 3, 4, NULL, 0);
	void *buf = malloc(n);
	(void)state;
	assert_int_equal(stroom_results_replicates(b1), 7);
	assert_int_equal(stroom_results_value(b1, 0, 3, STROOM_IND_EXIT_WORK, 0), 0); /* not computed */
	assert_int_equal(stroom_results_pack(b1, 3, 4, buf, n), n);
	assert_int_equal(stroom_results_unpack(&joined, buf, n, NULL), 0);
	assert_int_not_equal(stroom_results_unpack(&bad, buf, n - 1, NULL), 0);
	assert_int_equal(stroom_results_copy_replicates(joined, b0, 0, 3), 0);
	assert_true(same_results(whole, joined));
	assert_true(same_money_and_draws(whole, joined));
	/* a block outside the replicates */
	o.first_replicate = 5;
	o.replicate_count = 3;
	assert_int_equal(stroom_population_synthesise(&pop, &p, NULL, NULL), 0);
	assert_int_equal(stroom_sim_run(&bad, &p, pop, &o), STROOM_EINVAL);
	stroom_population_free(pop);
	/* a stream of its own: other households, the same priors */
	s5 = run_block(&p, 0, 0, 5);
	assert_false(same_results(whole, s5));
	{
		int i;
		for (i = 0; i < stroom_results_drawn_count(s5); i++)
			assert_true(stroom_results_drawn_value(s5, 6, i) == stroom_results_drawn_value(whole, 6, i));
	}
	/* add: whole + s5, replicate by replicate */
	assert_int_equal(stroom_results_unpack(&sum, buf, n, NULL), 0);
	assert_int_equal(stroom_results_copy_replicates(sum, whole, 0, 7), 0);
	assert_int_equal(stroom_results_add(sum, s5), 0);
	assert_int_equal(stroom_results_value(sum, 4, 5, STROOM_IND_EXIT_WORK, 0),
			 stroom_results_value(whole, 4, 5, STROOM_IND_EXIT_WORK, 0) +
				 stroom_results_value(s5, 4, 5, STROOM_IND_EXIT_WORK, 0));
	assert_true(stroom_results_money(sum, 6, 2, STROOM_MONEY_BENEFIT, 0) ==
		    stroom_results_money(whole, 6, 2, STROOM_MONEY_BENEFIT, 0) +
			    stroom_results_money(s5, 6, 2, STROOM_MONEY_BENEFIT, 0));
	free(buf);
	stroom_results_free(whole);
	stroom_results_free(b0);
	stroom_results_free(b1);
	stroom_results_free(joined);
	stroom_results_free(s5);
	stroom_results_free(sum);
}

static void test_seed(void **state)
{
	stroom_params p = small_params(1500, 3, "2024-12");
	stroom_results *a = run_sim(&p, 2), *b;
	(void)state;
	p.seed += 1;
	b = run_sim(&p, 2);
	assert_false(same_results(a, b));
	stroom_results_free(b);
	p.seed -= 1;
	b = run_sim(&p, 1);
	assert_true(same_results(a, b));
	stroom_results_free(a);
	stroom_results_free(b);
}

/*
 * One cell: every household single, aged 30, short distance, area noord, no
 * part-time work, no drift, no inflow, all multipliers 1. Then the expected exits
 * of each kind in month t are caseload(t) x hazard; summed over months and
 * replicates the observed count must lie within 4 sigma (binomial) of it.
 */
static void test_hazards_k_sigma(void **state)
{
	stroom_params p = small_params(4000, 40, "2025-12");
	char path[] = "/tmp/stroom-test-cellXXXXXX";
	int fd = mkstemp(path), i, k, rep, t, T;
	FILE *f = fdopen(fd, "w");
	stroom_population *pop = NULL;
	stroom_results *r = NULL;
	double hazard[4], expected[4] = {0}, observed[4] = {0}, var[4] = {0};
	(void)state;
	assert_non_null(f);
	fprintf(f, "id,birth_month,type,area,distance,stream,spell_start,parttime,previous_spells\n");
	for (i = 0; i < 4000; i++)
		fprintf(f, "%d,1994-03,single,noord,short,werk,2023-%02d,0,0\n", i + 1, 1 + i % 12);
	fclose(f);
	stroom_params_fix(&p, NULL); /* no priors: the configured hazards are the hazards */
	p.inflow_per_year = 0;
	p.drift_short_months = 600;
	p.drift_medium_months = 600;
	p.parttime_start = 0;
	p.return_within_12m = 0;
	for (k = 0; k < STROOM_NAGE; k++)
		p.work_age[k] = p.other_age[k] = 1;
	for (k = 0; k < STROOM_NDUR; k++)
		p.work_duration[k] = p.other_duration[k] = 1;
	for (k = 0; k < p.n_areas; k++)
		p.work_area[k] = 1;
	p.work_type[STROOM_TYPE_SINGLE] = 1;
	p.n_teams = 0; /* no capacity effect: the configured hazards are the hazards */
	p.labour_index.n = 0;
	p.work_shock.n = 0;
	p.work_distance[STROOM_DIST_SHORT] = 0.0317;
	p.lks_share = 0.21;
	p.other_base = 0.0113;
	p.enforcement = 0.0041;
	hazard[0] = 0.0317;
	hazard[1] = 0.0317 * 0.21;
	hazard[2] = 0.0113;
	hazard[3] = 0.0041;
	assert_int_equal(stroom_population_load_csv(&pop, path, &p, NULL), 0);
	unlink(path);
	assert_int_equal(stroom_sim_run(&r, &p, pop, NULL), 0);
	T = stroom_results_months(r);
	for (rep = 0; rep < 40; rep++)
		for (t = 0; t < T; t++) {
			double n = stroom_results_value(r, rep, t, STROOM_IND_CASELOAD, 0);
			for (k = 0; k < 4; k++) {
				expected[k] += n * hazard[k];
				var[k] += n * hazard[k] * (1 - hazard[k]);
				observed[k] += stroom_results_value(r, rep, t, STROOM_IND_EXIT_WORK + k, 0);
			}
		}
	for (k = 0; k < 4; k++) {
		double z = (observed[k] - expected[k]) / sqrt(var[k]);
		print_message("exit kind %d: observed %.0f expected %.1f z %.2f\n", k, observed[k],
			      expected[k], z);
		assert_true(fabs(z) < 4.0);
	}
	assert_int_equal(stroom_results_value(r, 0, 3, STROOM_IND_INFLOW_NEW, 0), 0);
	stroom_results_free(r);
	stroom_population_free(pop);
}


/*
 * Exit rates that differ by duration band (work) and age band (other), with
 * part-time changes competing, distance drift and households crossing bands
 * during the run: the engine draws events only in candidate months (thinning,
 * docs/model.md), redrawn whenever a household's class changes, so this checks
 * that the thinned draws give each month exactly the configured hazards. The
 * expected exits per month are the stock of each band times its hazard; summed
 * over months and replicates, the observed exits lie within 4 sigma.
 */
static void test_hazards_by_band_k_sigma(void **state)
{
	static const double wdur[STROOM_NDUR] = {1.6, 1.0, 0.5, 0.2};
	static const double oage[STROOM_NAGE] = {2.0, 1.0, 0.6, 0.3};
	stroom_params p = small_params(4000, 24, "2026-12");
	stroom_results *r;
	double ew = 0, vw = 0, ow = 0, eo = 0, vo = 0, oo = 0, base = 0.03;
	int k, rep, t, T;
	(void)state;
	stroom_params_fix(&p, NULL); /* no priors: the configured hazards are the hazards */
	p.n_teams = 0;
	p.labour_index.n = 0;
	p.work_shock.n = 0;
	for (k = 0; k < STROOM_NDIST; k++)
		p.work_distance[k] = base;
	for (k = 0; k < STROOM_NAGE; k++) {
		p.work_age[k] = 1;
		p.other_age[k] = oage[k];
	}
	for (k = 0; k < STROOM_NDUR; k++) {
		p.work_duration[k] = wdur[k];
		p.other_duration[k] = 1;
	}
	for (k = 0; k < STROOM_NTYPE; k++)
		p.work_type[k] = 1;
	for (k = 0; k < p.n_areas; k++)
		p.work_area[k] = 1;
	p.parttime_work_multiplier = 1;
	p.parttime_start = 0.02;
	p.parttime_stop = 0.08;
	/* nobody reaches pension age within the horizon */
	p.pop_age[STROOM_AGE_40_54] += p.pop_age[STROOM_AGE_55P];
	p.pop_age[STROOM_AGE_55P] = 0;
	p.inflow_age[STROOM_AGE_40_54] += p.inflow_age[STROOM_AGE_55P];
	p.inflow_age[STROOM_AGE_55P] = 0;
	p.pop_age_x_duration_long = 1.0;
	r = run_sim(&p, 2);
	T = stroom_results_months(r);
	for (rep = 0; rep < 24; rep++)
		for (t = 0; t < T; t++) {
			for (k = 0; k < STROOM_NDUR; k++) {
				double n = stroom_results_value(r, rep, t, STROOM_IND_CASELOAD,
					stroom_results_group_index(r, stroom_duration_band_name(k)));
				double h = base * wdur[k] * (1 + p.lks_share);
				ew += n * h;
				vw += n * h * (1 - h);
			}
			for (k = 0; k < STROOM_NAGE; k++) {
				double n = stroom_results_value(r, rep, t, STROOM_IND_CASELOAD,
					stroom_results_group_index(r, stroom_age_band_name(k)));
				double h = p.other_base * oage[k];
				eo += n * h;
				vo += n * h * (1 - h);
			}
			ow += stroom_results_value(r, rep, t, STROOM_IND_EXIT_WORK, 0) +
			      stroom_results_value(r, rep, t, STROOM_IND_EXIT_LKS, 0);
			oo += stroom_results_value(r, rep, t, STROOM_IND_EXIT_OTHER, 0);
			assert_int_equal(stroom_results_value(r, rep, t, STROOM_IND_EXIT_PENSION, 0), 0);
		}
	print_message("work+lks exits: observed %.0f expected %.1f z %.2f\n", ow, ew, (ow - ew) / sqrt(vw));
	print_message("other exits: observed %.0f expected %.1f z %.2f\n", oo, eo, (oo - eo) / sqrt(vo));
	assert_true(ew > 10000 && eo > 10000);
	assert_true(fabs(ow - ew) < 4.0 * sqrt(vw));
	assert_true(fabs(oo - eo) < 4.0 * sqrt(vo));
	stroom_results_free(r);
}


/*
 * Returns: a non-durable exit (probability q) comes back with the monthly hazard
 * lambda = 1 - (1 - p12/q)^(1/12). Given the exits to work and LKS observed in
 * each month s, the expected returns in month t are
 *   sum over s < t of exits(s) * q * lambda * (1 - lambda)^(t - s - 1),
 * less those who reach pension age first (none here: everyone is 30). Summed
 * over months and replicates, the observed returns must lie within 4 sigma
 * (Poisson) of that.
 */
static void test_returns_k_sigma(void **state)
{
	stroom_params p = small_params(3000, 30, "2026-12");
	stroom_results *r;
	double q = 0.2311, p12 = 0.1733, lambda, expected = 0, observed = 0;
	int rep, t, s, T, k;
	(void)state;
	stroom_params_fix(&p, NULL); /* no priors: these returns are the returns */
	p.return_start_pool = STROOM_START_POOL_NONE; /* only the run's own exits return */
	p.return_within_12m = p12;
	p.return_nondurable_share = q;
	for (k = 0; k < STROOM_NAGE; k++)
		p.pop_age[k] = k == STROOM_AGE_27_39 ? 1.0 : 0.0;
	for (k = 0; k < STROOM_NAGE; k++)
		p.inflow_age[k] = k == STROOM_AGE_27_39 ? 1.0 : 0.0;
	p.pop_age_x_duration_long = 1.0;
	lambda = 1.0 - pow(1.0 - p12 / q, 1.0 / 12.0);
	r = run_sim(&p, 2);
	T = stroom_results_months(r);
	for (rep = 0; rep < 30; rep++)
		for (t = 0; t < T; t++) {
			observed += stroom_results_value(r, rep, t, STROOM_IND_INFLOW_RETURN, 0);
			for (s = 0; s < t; s++) {
				double exits = stroom_results_value(r, rep, s, STROOM_IND_EXIT_WORK, 0) +
					       stroom_results_value(r, rep, s, STROOM_IND_EXIT_LKS, 0);
				expected += exits * q * lambda * pow(1.0 - lambda, t - s - 1);
			}
		}
	print_message("returns: observed %.0f expected %.1f z %.2f\n", observed, expected,
		      (observed - expected) / sqrt(expected));
	assert_true(expected > 1000);
	assert_true(fabs(observed - expected) < 4.0 * sqrt(expected));
	stroom_results_free(r);
}


/*
 * A prior on inflow.per_year: each replicate draws its own value (listed among
 * the drawn parameters under its key), fixed_parameters gives exactly the central
 * value, the same seed reproduces the run bit for bit, and the workspaces hold
 * the largest inflow drawn.
 */
static void test_uncertain_inflow(void **state)
{
	stroom_scenario *s = NULL;
	stroom_population *pop = NULL;
	stroom_results *r = NULL, *r2 = NULL, *fx = NULL;
	stroom_sim_options o = STROOM_SIM_OPTIONS_INIT;
	stroom_params p;
	int i, k = -1, rep, n_new_min = 1 << 30, n_new_max = 0;
	(void)state;
	assert_int_equal(stroom_scenario_load_string(&s,
		"extends: rotterdam\npopulation:\n  households: 700\n"
		"inflow:\n  per_year: {uniform: [50, 2000]}\n"
		"replicates: 12\nend: 2024-12\ntarget:\n  households: 0\n", "inline.yaml", NULL), 0);
	p = *stroom_scenario_params(s);
	stroom_scenario_free(s);
	assert_true(p.inflow_per_year == 1025);
	assert_int_equal(stroom_population_synthesise(&pop, &p, NULL, NULL), 0);
	o.threads = 2;
	assert_int_equal(stroom_sim_run(&r, &p, pop, &o), 0);
	for (i = 0; i < stroom_results_drawn_count(r); i++)
		if (!strcmp(stroom_results_drawn_name(r, i), "inflow.per_year"))
			k = i;
	assert_true(k >= 0);
	for (i = 0; i < stroom_results_drawn_count(r); i++)
		if (!strcmp(stroom_results_drawn_name(r, i), "hazard.work.distance.short"))
			break;
	assert_true(i < stroom_results_drawn_count(r)); /* rotterdam's own priors too */
	for (rep = 0; rep < 12; rep++) {
		double v = stroom_results_drawn_value(r, rep, k);
		stroom_params d;
		int t, n_new = 0;
		assert_true(v >= 50 && v <= 2000);
		if (rep > 0)
			assert_true(v != stroom_results_drawn_value(r, rep - 1, k));
		/* the helper gives the engine's draw */
		stroom_params_draw(&p, &d, (uint32_t)rep, 0);
		assert_true(d.inflow_per_year == v);
		for (t = 0; t < stroom_results_months(r); t++)
			n_new += stroom_results_value(r, rep, t, STROOM_IND_INFLOW_NEW, 0);
		if (n_new < n_new_min)
			n_new_min = n_new;
		if (n_new > n_new_max)
			n_new_max = n_new;
	}
	assert_true(n_new_max > 2 * n_new_min); /* the draws reach the engine */
	/* the same seed: bit for bit, whatever the threads */
	o.threads = 1;
	assert_int_equal(stroom_sim_run(&r2, &p, pop, &o), 0);
	assert_true(same_results(r, r2));
	for (rep = 0; rep < 12; rep++)
		for (i = 0; i < stroom_results_drawn_count(r); i++)
			assert_true(stroom_results_drawn_value(r, rep, i) ==
				    stroom_results_drawn_value(r2, rep, i));
	/* fixed parameters: the central value in every replicate */
	o.fixed_parameters = 1;
	assert_int_equal(stroom_sim_run(&fx, &p, pop, &o), 0);
	for (rep = 0; rep < 12; rep++) {
		assert_true(stroom_results_drawn_value(fx, rep, k) == 1025);
		for (i = 0; i < stroom_results_drawn_count(fx); i++)
			assert_true(stroom_results_drawn_value(fx, rep, i) ==
				    stroom_results_drawn_value(fx, 0, i));
	}
	assert_false(same_results(r, fx));
	stroom_results_free(r);
	stroom_results_free(r2);
	stroom_results_free(fx);
	stroom_population_free(pop);
}

/* Every replicate's draw must keep returns.within_12m below the non-durable share. */
static void test_uncertain_returns_overlap(void **state)
{
	stroom_params p = small_params(500, 40, "2024-03");
	stroom_population *pop = NULL;
	stroom_results *r = NULL;
	stroom_scenario *s = NULL;
	(void)state;
	assert_int_equal(stroom_scenario_load_string(&s,
		"extends: rotterdam\nreturns:\n  within_12m: {uniform: [0.05, 0.2]}\n"
		"  nondurable_share: {uniform: [0.13, 0.19]}\n", "inline.yaml", NULL), 0);
	p.return_within_12m = stroom_scenario_params(s)->return_within_12m;
	p.return_nondurable_share = stroom_scenario_params(s)->return_nondurable_share;
	p.n_uncertain = stroom_scenario_params(s)->n_uncertain;
	memcpy(p.uncertain, stroom_scenario_params(s)->uncertain, sizeof p.uncertain);
	stroom_scenario_free(s);
	assert_int_equal(stroom_population_synthesise(&pop, &p, NULL, NULL), 0);
	assert_int_equal(stroom_sim_run(&r, &p, pop, NULL), STROOM_EINVAL);
	assert_null(r);
	assert_non_null(strstr(stroom_error_last(), "returns.within_12m: expected less than "
						    "returns.nondurable_share in every replicate's draw"));
	stroom_population_free(pop);
}

static int cancel_at_once(int done, int total, void *payload)
{
	(void)done;
	(void)total;
	++*(int *)payload;
	return 1;
}

static void test_cancel(void **state)
{
	stroom_params p = small_params(20000, 64, "2030-12");
	stroom_population *pop = NULL;
	stroom_results *r = NULL;
	stroom_sim_options o = STROOM_SIM_OPTIONS_INIT;
	int calls = 0;
	(void)state;
	o.threads = 2;
	o.progress = cancel_at_once;
	o.payload = &calls;
	assert_int_equal(stroom_population_synthesise(&pop, &p, NULL, NULL), 0);
	assert_int_equal(stroom_sim_run(&r, &p, pop, &o), STROOM_EINTR);
	assert_null(r);
	assert_true(calls >= 1);
	stroom_population_free(pop);
}


static void test_enomem(void **state)
{
	stroom_params p = small_params(800, 3, "2024-06");
	stroom_population *pop = NULL;
	int n, err = -1;
	(void)state;
	assert_int_equal(stroom_population_synthesise(&pop, &p, NULL, NULL), 0);
	for (n = 0; n < 100 && err != 0; n++) {
		failing fl = {n + 1, 0, 0}; /* allocations 1..n succeed */
		stroom_allocator al = {f_malloc, f_realloc, f_free, &fl};
		stroom_sim_options o = STROOM_SIM_OPTIONS_INIT;
		stroom_results *r = NULL;
		o.allocator = &al;
		o.threads = 2;
		err = stroom_sim_run(&r, &p, pop, &o);
		if (err) {
			assert_int_equal(err, STROOM_ENOMEM);
			assert_null(r);
		}
		stroom_results_free(r);
	}
	assert_int_equal(err, 0);
	stroom_population_free(pop);
}

/* The bound: at most 64 bytes of state per simulated household. */
static void test_state_bytes(void **state)
{
	(void)state;
	print_message("state per household slot: %zu bytes\n", stroom_sim_state_bytes());
	assert_true(stroom_sim_state_bytes() <= 64);
}

static void test_bad_params(void **state)
{
	stroom_params p = small_params(500, 2, "2024-06");
	stroom_population *pop = NULL;
	stroom_results *r = NULL;
	(void)state;
	assert_int_equal(stroom_population_synthesise(&pop, &p, NULL, NULL), 0);
	p.return_within_12m = 0.4;
	p.return_nondurable_share = 0.3;
	assert_int_equal(stroom_sim_run(&r, &p, pop, NULL), STROOM_EINVAL);
	assert_non_null(strstr(stroom_error_last(), "returns.within_12m"));
	stroom_population_free(pop);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_conservation),
		cmocka_unit_test(test_odd_swaps),
		cmocka_unit_test(test_threads_identical),
		cmocka_unit_test(test_blocks),
		cmocka_unit_test(test_seed),
		cmocka_unit_test(test_hazards_k_sigma),
		cmocka_unit_test(test_hazards_by_band_k_sigma),
		cmocka_unit_test(test_returns_k_sigma),
		cmocka_unit_test(test_uncertain_inflow),
		cmocka_unit_test(test_uncertain_returns_overlap),
		cmocka_unit_test(test_cancel),
		cmocka_unit_test(test_enomem),
		cmocka_unit_test(test_bad_params),
		cmocka_unit_test(test_state_bytes),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
