/*
 * test_ev.c: the expected-value engine (src/engines/ev.c). Its groups are the
 * microsimulation's; the accounting identity holds in the chain every month and
 * group; it allocates nothing when it runs and frees everything; a scenario it
 * cannot model (instrument places) is refused with the key; and its path equals
 * the mean of the microsimulation's replicates (every prior at its central
 * value) within Monte Carlo error per month, series and group, for every builtin
 * scenario: small here (3,000 households, 48 months, 100 replicates), at full
 * size when STROOM_EV_BUILTINS is set to the replicates (tests/slow_ev.sh,
 * release only). The bound is stated at `tol` below and in docs/model.md
 * section 10. For measuring: STROOM_EV_MEASURE=1 prints without failing,
 * STROOM_EV_ONLY=NAME runs one builtin at full size, STROOM_EV_SERIES=INDEX
 * STROOM_EV_GROUP=NAME prints that series.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_cdf.h>
#include <stroom/stroom.h>

#include "builtin.h"
#include "sim_fixture.h"
#include "failing_alloc.h"

/* The classes of the output groups (sim_int.h's layout: all | distance | areas |
 * duration | age | type). */
enum { GC_ALL, GC_DIST, GC_AREA, GC_DUR, GC_AGE, GC_TYPE, NGCLASS };
static const char *const gclass_name[NGCLASS] = {"all", "distance", "area", "duration", "age", "type"};

static int gclass(int g, int G)
{
	const int na = G - (1 + STROOM_NDIST + STROOM_NDUR + STROOM_NAGE + STROOM_NTYPE);
	return g == 0 ? GC_ALL : g < 1 + STROOM_NDIST ? GC_DIST : g < 1 + STROOM_NDIST + na ? GC_AREA
	     : g < 1 + STROOM_NDIST + na + STROOM_NDUR ? GC_DUR
	     : g < 1 + STROOM_NDIST + na + STROOM_NDUR + STROOM_NAGE ? GC_AGE : GC_TYPE;
}

#define NSERIES (STROOM_NIND + STROOM_NMONEY)
/* The agreement (docs/model.md section 10, "Agreement"): for every month t,
 * group g and series k, |mean - ev| <= z se + tol[k][class of g] max(|ev|, 1)
 * (max(|ev|, 100) for money in eurocent), with se
 * the standard error of the replicates' mean (at least sqrt(|ev| / R) for a
 * count, the Poisson error of a rare count) and z the two-sided quantile of
 * Student's t with R - 1 degrees of freedom at ALPHA / N for N comparisons
 * (Bonferroni: a path equal to the mean fails the whole test with probability
 * at most ALPHA). tol is 0 wherever the chain is exact; it is not 0 only for
 * what the chain approximates, named beside each value: the ages of the
 * households in the cells taken, within a type, area, duration band and age
 * band, as independent of distance, stream, part-time state and month of spell
 * (band crossings, the share under 21 that sets the benefit, the pension of
 * households who are not starting units). Set from the measured bias with the
 * full builtins (tests/slow_ev.sh), rounded up. */
#define ALPHA 1e-3
static const double tol[NSERIES][NGCLASS] = {
	/* all, distance, area, duration, age, type (largest measured beyond z se: 0.0124, 0.0139) */
	[STROOM_IND_CASELOAD] = {0, 0, 0, 0.02, 0.02, 0},      /* band crossings; pension by duration */
	[STROOM_IND_EXIT_PENSION] = {0, 0.01, 0, 0.25, 0, 0},  /* 0.0049, 0.213: pension of the cells */
	[STROOM_IND_PARTTIME] = {0, 0, 0, 0.005, 0.03, 0},     /* 0.0034, 0.0203: part-time by age */
	[STROOM_NIND + STROOM_MONEY_BENEFIT] = {0.0002, 0.01, 0.001, 0.01, 0.015, 0.001}, /* share under
	   21: 0.0001, 0.0074, 0.0005, 0.0082, 0.0099, 0.0008 */
};

typedef struct agreement {
	double zmax[NSERIES];               /* largest |mean - ev| / se */
	int zt[NSERIES], zg[NSERIES];       /* where it is */
	double over[NSERIES][NGCLASS];      /* largest (|mean - ev| - z se) / |ev| */
	long fails[NSERIES];                /* comparisons outside the bound */
	double z;                           /* the bound's quantile */
	long n;
} agreement;

static double series_of(const stroom_results *r, int rep, int t, int k, int T, int g)
{
	return k < STROOM_NIND ? (t == T ? (double)stroom_results_final_caseload(r, rep, g)
				       : (double)stroom_results_value(r, rep, t, k, g))
			       : (double)stroom_results_money(r, rep, t, k - STROOM_NIND, g);
}

static const char *series_name(int k)
{
	return k < STROOM_NIND ? stroom_indicator_name(k) : stroom_money_name(k - STROOM_NIND);
}

/* Compares the replicates' mean with the chain for every month, group and
 * series; prints, per series, the largest z-score and the largest excess over
 * z se by class of group. */
static void compare(const char *label, const stroom_results *r, const stroom_ev *ev, agreement *ag)
{
	const int R = stroom_results_replicates(r), T = stroom_results_months(r), G = stroom_results_groups(r);
	const long N = (long)G * ((long)T * NSERIES + 1);
	int t, g, k, rep, c;
	memset(ag, 0, sizeof *ag);
	assert_int_equal(T, stroom_ev_months(ev));
	assert_int_equal(G, stroom_ev_groups(ev));
	assert_true(R >= 20);
	ag->z = gsl_cdf_tdist_Qinv(ALPHA / (2.0 * (double)N), R - 1);
	for (k = 0; k < NSERIES; k++)
		for (t = 0; t <= T; t++)
			for (g = 0; g < G; g++) {
				double s1 = 0, s2 = 0, mean, var, se, ev_v, diff, scale, over;
				if (t == T && k != STROOM_IND_CASELOAD)
					continue;
				for (rep = 0; rep < R; rep++) {
					double x = series_of(r, rep, t, k, T, g);
					s1 += x;
					s2 += x * x;
				}
				mean = s1 / R;
				var = (s2 - s1 * mean) / (R - 1);
				se = sqrt((var > 0 ? var : 0) / R);
				ev_v = k < STROOM_NIND ? stroom_ev_value(ev, t, k, g) : stroom_ev_money(ev, t, k - STROOM_NIND, g);
				if (k < STROOM_NIND && se < sqrt(fabs(ev_v) / R))
					se = sqrt(fabs(ev_v) / R); /* a rare count: its Poisson error */
				diff = fabs(mean - ev_v);
				if (getenv("STROOM_EV_SERIES") && k == atoi(getenv("STROOM_EV_SERIES")) &&
				    getenv("STROOM_EV_GROUP") && strcmp(getenv("STROOM_EV_GROUP"), stroom_ev_group_name(ev, g)) == 0)
					printf("## %s t=%d mean %.2f ev %.2f se %.2f z %.1f\n", label, t, mean, ev_v, se, (mean - ev_v) / se);
				/* a count of at least one household, a sum of at least a euro */
				scale = k < STROOM_NIND ? (fabs(ev_v) > 1 ? fabs(ev_v) : 1) : (fabs(ev_v) > 100 ? fabs(ev_v) : 100);
				c = gclass(g, G);
				over = (diff - ag->z * se) / scale;
				if (over > ag->over[k][c])
					ag->over[k][c] = over;
				if (diff > 1e-9 * scale && (se > 0 ? diff / se : INFINITY) > ag->zmax[k]) {
					ag->zmax[k] = se > 0 ? diff / se : INFINITY;
					ag->zt[k] = t;
					ag->zg[k] = g;
				}
				if (diff > ag->z * se + (tol[k][c] + 1e-9) * scale) {
					if (ag->fails[k] < 3)
						printf("# %s: %s t=%d %s: mean %.3f ev %.3f se %.3f\n", label, series_name(k),
						       t, stroom_ev_group_name(ev, g), mean, ev_v, se);
					ag->fails[k]++;
				}
				ag->n++;
			}
	printf("# %s: %ld comparisons, %d replicates, bound %.2f se\n", label, ag->n, R, ag->z);
	for (k = 0; k < NSERIES; k++) {
		printf("# %s: %-30s largest z %6.2f (t=%d %s); beyond %.2f se:", label, series_name(k), ag->zmax[k],
		       ag->zt[k], stroom_ev_group_name(ev, ag->zg[k]), ag->z);
		for (c = 0; c < NGCLASS; c++)
			printf(" %s %.4f", gclass_name[c], ag->over[k][c]);
		printf("; outside %ld\n", ag->fails[k]);
	}
}

/* Runs both engines on p (the microsimulation with every prior at its central
 * value) and asserts their agreement. */
static void check_agreement(const char *label, const stroom_params *p)
{
	stroom_population *pop = NULL;
	stroom_results *r = NULL;
	stroom_ev *ev = NULL;
	stroom_sim_options o = STROOM_SIM_OPTIONS_INIT;
	agreement ag;
	int k;
	o.fixed_parameters = 1;
	assert_int_equal(stroom_population_synthesise(&pop, p, NULL, NULL), 0);
	assert_int_equal(stroom_sim_run(&r, p, pop, &o), 0);
	assert_int_equal(stroom_ev_new(&ev, p, pop, NULL, NULL), 0);
	assert_int_equal(stroom_ev_run(ev, p), 0);
	compare(label, r, ev, &ag);
	for (k = 0; k < NSERIES; k++)
		if (getenv("STROOM_EV_MEASURE") == NULL)
			assert_int_equal(ag.fails[k], 0);
	stroom_ev_free(ev);
	stroom_results_free(r);
	stroom_population_free(pop);
}

/* Every builtin scenario (src/core/builtin.h's table, as `stroom scenarios` lists them). */
static int n_builtins(void)
{
	int n = 0;
	while (stroom_builtins[n].name)
		n++;
	return n;
}

/* A builtin scenario at `households` households (its inflow, team FTE and
 * enforcement controls scaled alike, so that rates and intensities are the
 * full scenario's) over its first `months` months (0: all). */
static stroom_params builtin_scaled(const char *name, int households, int months, int replicates)
{
	stroom_params p;
	double f;
	int k, i;
	p = scenario_params(name);
	if (households > 0 && households < p.population_households) {
		f = (double)households / (double)p.population_households;
		p.population_households = households;
		if (stroom_params_scale(&p, "inflow.per_year", f) == 0) /* its prior and value, or the value */
			p.inflow_per_year *= f;
		for (k = 0; k < p.n_teams; k++)
			for (i = 0; i < p.team[k].fte.n; i++)
				p.team[k].fte.value[i] *= f;
		for (i = 0; i < p.enforcement_controls.n; i++)
			p.enforcement_controls.value[i] *= f;
	}
	if (months > 0 && p.end - p.start + 1 > months)
		p.end = p.start + months - 1;
	p.replicates = replicates;
	return p;
}

/* Every builtin scenario, small (3,000 households, 48 months, 100 replicates):
 * the ASan build runs it in seconds. */
static void test_builtins_small_agree(void **state)
{
	int i;
	(void)state;
	assert_true(n_builtins() >= 5);
	for (i = 0; i < n_builtins(); i++) {
		char label[64];
		stroom_params p = builtin_scaled(stroom_builtins[i].name, 3000, 48, 100);
		snprintf(label, sizeof label, "small %s", stroom_builtins[i].name);
		check_agreement(label, &p);
	}
}

/* Every builtin scenario at its full size (tests/slow_ev.sh sets STROOM_EV_BUILTINS
 * to the replicates). */
static void test_builtins_agree(void **state)
{
	const char *env = getenv("STROOM_EV_BUILTINS");
	int i;
	(void)state;
	if (!env || !*env)
		skip();
	for (i = 0; i < n_builtins(); i++) {
		const char *only = getenv("STROOM_EV_ONLY"), *name = stroom_builtins[i].name;
		stroom_params p;
		if (only && *only && strcmp(only, name) != 0)
			continue;
		p = builtin_scaled(name, 0, 0, atoi(env) > 19 ? atoi(env) : 200);
		check_agreement(name, &p);
	}
}

/* Yearly sums of series k (group all) in the chain and the replicates' mean, with
 * the standard error of the mean, for year y (months 12y .. 12y + 11). */
static void year_sums(const stroom_results *r, const stroom_ev *ev, int k, int y, double *ev_sum,
		      double *mean, double *se)
{
	const int R = stroom_results_replicates(r);
	double s1 = 0, s2 = 0;
	int rep, t;
	*ev_sum = 0;
	for (t = 12 * y; t < 12 * y + 12; t++)
		*ev_sum += stroom_ev_value(ev, t, k, 0);
	for (rep = 0; rep < R; rep++) {
		double x = 0;
		for (t = 12 * y; t < 12 * y + 12; t++)
			x += (double)stroom_results_value(r, rep, t, k, 0);
		s1 += x;
		s2 += x * x;
	}
	*mean = s1 / R;
	*se = sqrt(fmax(s2 / R - *mean * *mean, 0) * R / (R - 1) / R);
}

/* returns.start_pool: steady on a scenario that does not set it (aef-annex-a,
 * with Rotterdam's returns): the two engines agree month by month (as every
 * builtin), and year by year the chain's caseload on 1 January and returns are
 * within 0.5% of the replicates' mean (plus three standard errors); the pool
 * raises the first year's returns (with `none` they start from zero). */
static void test_start_pool_agrees(void **state)
{
	stroom_params p = builtin_scaled("aef-annex-a", 3000, 36, 100);
	stroom_population *pop = NULL;
	stroom_results *r = NULL;
	stroom_ev *ev = NULL;
	stroom_sim_options o = STROOM_SIM_OPTIONS_INIT;
	double ev_sum, mean, se, with_pool;
	int y;
	(void)state;
	assert_int_equal(p.return_start_pool, STROOM_START_POOL_NONE);
	p.return_within_12m = 0.12;
	p.return_nondurable_share = 0.15;
	p.return_start_pool = STROOM_START_POOL_STEADY;
	check_agreement("aef-annex-a with the start pool", &p);

	o.fixed_parameters = 1;
	assert_int_equal(stroom_population_synthesise(&pop, &p, NULL, NULL), 0);
	assert_int_equal(stroom_sim_run(&r, &p, pop, &o), 0);
	assert_int_equal(stroom_ev_new(&ev, &p, pop, NULL, NULL), 0);
	assert_int_equal(stroom_ev_run(ev, &p), 0);
	for (y = 0; y < 3; y++) {
		year_sums(r, ev, STROOM_IND_INFLOW_RETURN, y, &ev_sum, &mean, &se);
		printf("# start pool: year %d returns: chain %.2f, replicates %.2f (se %.2f)\n", y + 1, ev_sum, mean, se);
		assert_true(fabs(mean - ev_sum) <= 0.005 * ev_sum + 3.0 * se);
		if (y == 0)
			with_pool = ev_sum;
		{
			const int R = stroom_results_replicates(r);
			double c = stroom_ev_value(ev, 12 * (y + 1), STROOM_IND_CASELOAD, 0), s1 = 0, s2 = 0, x;
			int rep;
			for (rep = 0; rep < R; rep++) {
				x = y < 2 ? (double)stroom_results_value(r, rep, 12 * (y + 1), STROOM_IND_CASELOAD, 0)
					  : (double)stroom_results_final_caseload(r, rep, 0);
				s1 += x;
				s2 += x * x;
			}
			mean = s1 / R;
			se = sqrt(fmax(s2 / R - mean * mean, 0) * R / (R - 1) / R);
			printf("# start pool: caseload after year %d: chain %.1f, replicates %.1f (se %.1f)\n", y + 1, c,
			       mean, se);
			assert_true(fabs(mean - c) <= 0.005 * c + 3.0 * se);
		}
	}
	p.return_start_pool = STROOM_START_POOL_NONE;
	assert_int_equal(stroom_ev_run(ev, &p), 0);
	year_sums(r, ev, STROOM_IND_INFLOW_RETURN, 0, &ev_sum, &mean, &se);
	assert_true(ev_sum < 0.75 * with_pool);
	stroom_ev_free(ev);
	stroom_results_free(r);
	stroom_population_free(pop);
}

/* The groups are the microsimulation's, in the same order; every month the
 * chain's stock moves by its inflow less its exits (all and every group but the
 * duration bands, which households also leave by growing older in the spell,
 * and distance, which they leave by drift); ages and types move only by flows. */
static void test_groups_and_identity(void **state)
{
	stroom_params p = small_params_fixing(2000, 2, "2026-12", NULL);
	stroom_population *pop = NULL;
	stroom_results *r = NULL;
	stroom_ev *ev = NULL;
	stroom_sim_options o = STROOM_SIM_OPTIONS_INIT;
	int g, t, T;
	(void)state;
	o.fixed_parameters = 1;
	assert_int_equal(stroom_population_synthesise(&pop, &p, NULL, NULL), 0);
	assert_int_equal(stroom_sim_run(&r, &p, pop, &o), 0);
	assert_int_equal(stroom_ev_new(&ev, &p, pop, NULL, NULL), 0);
	assert_int_equal(stroom_ev_run(ev, &p), 0);
	T = stroom_ev_months(ev);
	assert_int_equal(T, stroom_results_months(r));
	assert_int_equal(stroom_ev_groups(ev), stroom_results_groups(r));
	for (g = 0; g < stroom_ev_groups(ev); g++) {
		assert_string_equal(stroom_ev_group_name(ev, g), stroom_results_group_name(r, g));
		assert_int_equal(stroom_ev_group_index(ev, stroom_ev_group_name(ev, g)), g);
	}
	assert_int_equal(stroom_ev_group_index(ev, "nowhere"), -1);
	assert_null(stroom_ev_group_name(ev, stroom_ev_groups(ev)));
	/* the starting stock is the population's, exactly */
	assert_true(fabs(stroom_ev_value(ev, 0, STROOM_IND_CASELOAD, 0) - (double)p.population_households) < 1e-9);
	for (t = 0; t < T; t++) {
		static const char *const groups[] = {"all", "zuid", "noord", "single", "couple", "single_parent"};
		size_t k;
		for (k = 0; k < sizeof groups / sizeof groups[0]; k++) {
			int gg = stroom_ev_group_index(ev, groups[k]);
			double s0 = stroom_ev_value(ev, t, STROOM_IND_CASELOAD, gg);
			double s1 = stroom_ev_value(ev, t + 1, STROOM_IND_CASELOAD, gg);
			double in = stroom_ev_value(ev, t, STROOM_IND_INFLOW_NEW, gg) +
				    stroom_ev_value(ev, t, STROOM_IND_INFLOW_RETURN, gg);
			double out = stroom_ev_value(ev, t, STROOM_IND_EXIT_WORK, gg) +
				     stroom_ev_value(ev, t, STROOM_IND_EXIT_LKS, gg) +
				     stroom_ev_value(ev, t, STROOM_IND_EXIT_OTHER, gg) +
				     stroom_ev_value(ev, t, STROOM_IND_EXIT_ENFORCEMENT, gg) +
				     stroom_ev_value(ev, t, STROOM_IND_EXIT_PENSION, gg);
			assert_true(gg >= 0);
			assert_true(fabs(s1 - (s0 + in - out)) <= 1e-9 * s0);
		}
		/* the groups of a classification add up to all */
		{
			double all = stroom_ev_value(ev, t, STROOM_IND_CASELOAD, 0), sum = 0;
			for (g = stroom_ev_group_index(ev, "<27"); g <= stroom_ev_group_index(ev, "55+"); g++)
				sum += stroom_ev_value(ev, t, STROOM_IND_CASELOAD, g);
			assert_true(fabs(sum - all) <= 1e-9 * all);
		}
	}
	/* out of range: 0 */
	assert_true(stroom_ev_value(ev, T + 1, STROOM_IND_CASELOAD, 0) == 0.0);
	assert_true(stroom_ev_value(ev, T, STROOM_IND_EXIT_WORK, 0) == 0.0);
	assert_true(stroom_ev_money(ev, T, STROOM_MONEY_BENEFIT, 0) == 0.0);
	assert_true(stroom_ev_money(ev, 0, STROOM_MONEY_BENEFIT, 0) > 0.0);
	stroom_ev_free(ev);
	stroom_results_free(r);
	stroom_population_free(pop);
}

/* stroom_ev_run allocates nothing, gives the same path every time, and takes a
 * changed parameter set of the same shape; every allocation of stroom_ev_new
 * failing gives STROOM_ENOMEM without a leak. */
static void test_no_allocation_and_reuse(void **state)
{
	stroom_params p = small_params_fixing(1000, 2, "2025-12", NULL), q;
	stroom_population *pop = NULL;
	stroom_ev *ev = NULL;
	failing fl = {0, 0, 0};
	stroom_allocator al = {f_malloc, f_realloc, f_free, &fl};
	double first, second, higher;
	long count, n;
	int err;
	(void)state;
	assert_int_equal(stroom_population_synthesise(&pop, &p, NULL, NULL), 0);
	assert_int_equal(stroom_ev_new(&ev, &p, pop, NULL, &al), 0);
	count = fl.count;
	assert_int_equal(stroom_ev_run(ev, &p), 0);
	first = stroom_ev_value(ev, stroom_ev_months(ev), STROOM_IND_CASELOAD, 0);
	q = p;
	q.work_distance[STROOM_DIST_SHORT] *= 0.5;
	assert_int_equal(stroom_ev_run(ev, &q), 0);
	higher = stroom_ev_value(ev, stroom_ev_months(ev), STROOM_IND_CASELOAD, 0);
	assert_int_equal(stroom_ev_run(ev, &p), 0);
	second = stroom_ev_value(ev, stroom_ev_months(ev), STROOM_IND_CASELOAD, 0);
	assert_int_equal(fl.count, count);
	assert_true(first == second);
	assert_true(higher > first);
	stroom_ev_free(ev);
	assert_int_equal(fl.live, 0);
	for (n = 1;; n++) {
		failing f2 = {n, 0, 0};
		stroom_allocator a2 = {f_malloc, f_realloc, f_free, &f2};
		ev = NULL;
		err = stroom_ev_new(&ev, &p, pop, NULL, &a2);
		if (err == 0) {
			stroom_ev_free(ev);
			assert_int_equal(f2.live, 0);
			break;
		}
		assert_int_equal(err, STROOM_ENOMEM);
		assert_null(ev);
		assert_int_equal(f2.live, 0);
	}
	stroom_population_free(pop);
}

/* Counts only (a calibration's runs): every count the same bit for bit, the
 * money 0; switched back, the money again as before. */
static void test_counts_only(void **state)
{
	stroom_params p = small_params_fixing(1000, 2, "2025-12", NULL);
	stroom_population *pop = NULL;
	stroom_ev *ev = NULL, *co = NULL;
	int t, ind, g, money, T;
	double benefit;
	(void)state;
	assert_int_equal(stroom_population_synthesise(&pop, &p, NULL, NULL), 0);
	assert_int_equal(stroom_ev_new(&ev, &p, pop, NULL, NULL), 0);
	assert_int_equal(stroom_ev_new(&co, &p, pop, NULL, NULL), 0);
	stroom_ev_counts_only(co, 1);
	assert_int_equal(stroom_ev_run(ev, &p), 0);
	assert_int_equal(stroom_ev_run(co, &p), 0);
	T = stroom_ev_months(ev);
	for (t = 0; t <= T; t++)
		for (ind = 0; ind < STROOM_NIND; ind++)
			for (g = 0; g < stroom_ev_groups(ev); g++)
				assert_true(stroom_ev_value(ev, t, ind, g) == stroom_ev_value(co, t, ind, g));
	for (t = 0; t < T; t++)
		for (money = 0; money < STROOM_NMONEY; money++)
			assert_true(stroom_ev_money(co, t, money, 0) == 0.0);
	benefit = stroom_ev_money(ev, T - 1, STROOM_MONEY_BENEFIT, 0);
	assert_true(benefit > 0);
	stroom_ev_counts_only(co, 0);
	assert_int_equal(stroom_ev_run(co, &p), 0);
	assert_true(stroom_ev_money(co, T - 1, STROOM_MONEY_BENEFIT, 0) == benefit);
	stroom_ev_free(ev);
	stroom_ev_free(co);
	stroom_population_free(pop);
}

/* Instrument places are refused with the key; a parameter set of another shape too. */
static void test_refusals(void **state)
{
	stroom_params p = small_params_fixing(500, 2, "2025-12", NULL), q;
	stroom_population *pop = NULL;
	stroom_ev *ev = NULL;
	(void)state;
	assert_true(p.n_instruments > 0);
	assert_int_equal(stroom_population_synthesise(&pop, &p, NULL, NULL), 0);
	q = p;
	q.instrument[0].slots.n = 1;
	q.instrument[0].slots.month[0] = q.start;
	q.instrument[0].slots.value[0] = 600;
	assert_int_equal(stroom_ev_new(&ev, &q, pop, NULL, NULL), STROOM_EINVAL);
	assert_null(ev);
	assert_non_null(strstr(stroom_error_last(), "slots"));
	assert_non_null(strstr(stroom_error_last(), p.instrument[0].name));
	assert_int_equal(stroom_ev_new(&ev, &p, pop, NULL, NULL), 0);
	assert_int_equal(stroom_ev_run(ev, &q), STROOM_EINVAL);
	q = p;
	q.end += 1;
	assert_int_equal(stroom_ev_run(ev, &q), STROOM_EINVAL);
	stroom_ev_free(ev);
	stroom_population_free(pop);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_groups_and_identity),
		cmocka_unit_test(test_no_allocation_and_reuse),
		cmocka_unit_test(test_counts_only),
		cmocka_unit_test(test_refusals),
		cmocka_unit_test(test_builtins_small_agree),
		cmocka_unit_test(test_start_pool_agrees),
		cmocka_unit_test(test_builtins_agree),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
