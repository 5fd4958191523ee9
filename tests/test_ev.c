/*
 * test_ev.c: the expected-value engine (src/engines/ev.c). Its groups are the
 * microsimulation's; the accounting identity holds in the chain every month and
 * group; it allocates nothing when it runs and frees everything; a scenario it
 * cannot model is refused with the key; and its path equals the mean of the
 * microsimulation's replicates (every prior at its central value) within Monte
 * Carlo error per month, indicator and group, on a small rotterdam here and on
 * every builtin scenario when STROOM_EV_BUILTINS is set (tests/slow_ev.sh, release
 * only). The agreement is judged as docs/model.md, "The expected-value engine",
 * states: |mean - ev| <= 4 se + tol max(|ev|, 1), with se the replicates' standard
 * error (at least that of a Poisson count of mean |ev|, for rare counts) and tol
 * the stated tolerance of what the chain approximates. For measuring:
 * STROOM_EV_MEASURE=1 prints without failing, STROOM_EV_ONLY=NAME runs one
 * builtin, STROOM_EV_SERIES=INDICATOR STROOM_EV_GROUP=NAME prints that series.
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
#include "failing_alloc.h"

/* The tolerances of docs/model.md ("The expected-value engine"): what the chain
 * approximates (the ages of the households other than the starting ones reaching
 * pension age within the run taken, within a type, area, duration band and age
 * band, as independent of the other classes; the disregard months and LKS by
 * band), as a share of the value. Indexed by STROOM_IND_*, then STROOM_MONEY_*. */
static const double tol_ind[STROOM_NIND] = {
	0.03,  /* caseload: the <27 and 27-39 groups by the end of an 84-month run */
	0.01,  /* inflow_new */
	0.03,  /* inflow_return */
	0.03,  /* exit_work */
	0.03,  /* exit_lks */
	0.03,  /* exit_other */
	0.03,  /* exit_enforcement */
	0.05,  /* exit_pension: pension by duration band (new households' pension) */
	0.06,  /* parttime: the <27 group of the small rotterdam (0.057 measured) */
	0.01,  /* gate_deterred */
	0.01,  /* inflow_prevented */
	0.03,  /* sanctions */
	0.03,  /* terminations */
};
/* ... and as a share of the month's value for all: the pension of households
 * other than the starting ones is spread over the groups of a type, area and
 * duration band as the histograms have it (the starting households' is exact). */
static double tol_all[STROOM_NIND] = {
	0, 0, 0, 0, 0, 0, 0,
	0.05, /* exit_pension (0 for the small rotterdam's 3,000 households: within 4 se) */
	0, 0, 0, 0, 0,
};
static const double tol_money[STROOM_NMONEY] = {
	0.03, /* benefit */
	0.05, /* LKS */
	0.0,  /* instruments (none) */
	0.03, /* recoveries */
};

typedef struct agreement {
	double zmax[STROOM_NIND + STROOM_NMONEY];   /* largest |mean - ev| / se */
	double rmax[STROOM_NIND + STROOM_NMONEY];   /* largest |mean - ev| / max(|ev|, 1) */
	double need[STROOM_NIND + STROOM_NMONEY];   /* largest (|mean - ev| - 4 se) / max(|ev|, 1) */
	double need_all[STROOM_NIND + STROOM_NMONEY]; /* largest (|mean - ev| - 4 se) / |ev of all| */
	long fails[STROOM_NIND + STROOM_NMONEY];    /* comparisons outside the bound */
	int zt[STROOM_NIND + STROOM_NMONEY], zg[STROOM_NIND + STROOM_NMONEY]; /* where the largest z is */
	long n;
} agreement;

/* Compares the replicates' mean with the chain for every month, group,
 * indicator and money; prints the largest z-score and relative difference of
 * each. */
static void compare(const char *label, const stroom_results *r, const stroom_ev *ev, agreement *ag)
{
	const int R = stroom_results_replicates(r), T = stroom_results_months(r), G = stroom_results_groups(r);
	int t, g, k, rep;
	memset(ag, 0, sizeof *ag);
	assert_int_equal(T, stroom_ev_months(ev));
	assert_int_equal(G, stroom_ev_groups(ev));
	for (k = 0; k < STROOM_NIND + STROOM_NMONEY; k++)
		for (t = 0; t <= T; t++)
			for (g = 0; g < G; g++) {
				double s1 = 0, s2 = 0, mean, var, se, ev_v, diff, tol, tol_a, scale, all, over;
				if (t == T && k != STROOM_IND_CASELOAD)
					continue;
				for (rep = 0; rep < R; rep++) {
					double x = k < STROOM_NIND
							   ? (t == T ? (double)stroom_results_final_caseload(r, rep, g)
								     : (double)stroom_results_value(r, rep, t, k, g))
							   : (double)stroom_results_money(r, rep, t, k - STROOM_NIND, g);
					s1 += x;
					s2 += x * x;
				}
				mean = s1 / R;
				var = (s2 - s1 * mean) / (R > 1 ? R - 1 : 1);
				se = sqrt((var > 0 ? var : 0) / R);
				ev_v = k < STROOM_NIND ? stroom_ev_value(ev, t, k, g) : stroom_ev_money(ev, t, k - STROOM_NIND, g);
				if (k < STROOM_NIND && se < sqrt(fabs(ev_v) / R))
					se = sqrt(fabs(ev_v) / R); /* a rare count: its Poisson error */
				diff = fabs(mean - ev_v);
				if (getenv("STROOM_EV_SERIES") && k == atoi(getenv("STROOM_EV_SERIES")) &&
				    getenv("STROOM_EV_GROUP") && strcmp(getenv("STROOM_EV_GROUP"), stroom_ev_group_name(ev, g)) == 0)
					printf("## %s t=%d mean %.2f ev %.2f se %.2f z %.1f\n", label, t, mean, ev_v, se, (mean - ev_v) / se);
				scale = fabs(ev_v) > 1 ? fabs(ev_v) : 1;
				tol = k < STROOM_NIND ? tol_ind[k] : tol_money[k - STROOM_NIND];
				tol_a = k < STROOM_NIND ? tol_all[k] : 0.0;
				all = fabs(k < STROOM_NIND ? stroom_ev_value(ev, t, k, 0) : stroom_ev_money(ev, t, k - STROOM_NIND, 0));
				if (k >= STROOM_NIND)
					scale = fabs(ev_v) > 100 ? fabs(ev_v) : 100; /* a euro */
				over = diff - 4 * se;
				if (over / scale > ag->need[k])
					ag->need[k] = over / scale;
				if (all > 0 && over / all > ag->need_all[k])
					ag->need_all[k] = over / all;
				if (diff > 1e-9 * scale && (se > 0 ? diff / se : INFINITY) > ag->zmax[k]) {
					ag->zmax[k] = se > 0 ? diff / se : INFINITY;
					ag->zt[k] = t;
					ag->zg[k] = g;
				}
				if (diff / scale > ag->rmax[k])
					ag->rmax[k] = diff / scale;
				if (diff > 4 * se + tol * scale + tol_a * all + 1e-9 * scale) {
					if (ag->fails[k] < 3)
						printf("# %s: %s t=%d %s: mean %.3f ev %.3f se %.3f\n", label,
						       k < STROOM_NIND ? stroom_indicator_name(k)
								       : stroom_money_name(k - STROOM_NIND),
						       t, stroom_ev_group_name(ev, g), mean, ev_v, se);
					ag->fails[k]++;
				}
				ag->n++;
			}
	for (k = 0; k < STROOM_NIND + STROOM_NMONEY; k++)
		printf("# %s: %-30s largest z %6.2f (t=%d %s), relative difference %.4f, beyond 4 se: %.4f of the "
		       "value, %.4f of all; outside %ld\n",
		       label, k < STROOM_NIND ? stroom_indicator_name(k) : stroom_money_name(k - STROOM_NIND),
		       ag->zmax[k], ag->zt[k], stroom_ev_group_name(ev, ag->zg[k]), ag->rmax[k], ag->need[k],
		       ag->need_all[k], ag->fails[k]);
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
	for (k = 0; k < STROOM_NIND + STROOM_NMONEY; k++)
		if (getenv("STROOM_EV_MEASURE") == NULL)
			assert_int_equal(ag.fails[k], 0);
	stroom_ev_free(ev);
	stroom_results_free(r);
	stroom_population_free(pop);
}

static void test_small_rotterdam_agrees(void **state)
{
	stroom_params p = small_params_fixing(3000, 120, "2026-12", NULL);
	(void)state;
	tol_all[STROOM_IND_EXIT_PENSION] = 0.0;
	check_agreement("small rotterdam", &p);
	tol_all[STROOM_IND_EXIT_PENSION] = 0.05;
}

/* Every builtin scenario at its full size (tests/slow_ev.sh sets STROOM_EV_BUILTINS). */
static void test_builtins_agree(void **state)
{
	static const char *const names[] = {"rotterdam", "rotterdam-2017", "rotterdam-herijking", "aef-annex-a"};
	const char *env = getenv("STROOM_EV_BUILTINS");
	size_t i;
	(void)state;
	if (!env || !*env)
		skip();
	for (i = 0; i < sizeof names / sizeof names[0]; i++) {
		stroom_scenario *s = NULL;
		stroom_params p;
		const char *only = getenv("STROOM_EV_ONLY");
		if (only && *only && strcmp(only, names[i]) != 0)
			continue;
		assert_int_equal(stroom_scenario_load(&s, names[i], NULL), 0);
		p = *stroom_scenario_params(s);
		stroom_scenario_free(s);
		p.replicates = atoi(env) > 1 ? atoi(env) : 200;
		check_agreement(names[i], &p);
	}
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
		cmocka_unit_test(test_refusals),
		cmocka_unit_test(test_small_rotterdam_agrees),
		cmocka_unit_test(test_builtins_agree),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
