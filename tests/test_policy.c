/*
 * test_policy.c: each policy lever moves what it should and nothing else.
 * Sanctions change money, not the caseload; instrument starts never exceed the
 * slots; doubling a team's FTE halves its actual caseload; the gate and
 * prevention lower inflow; target pressure raises exits to work and returns;
 * priors drawn per replicate stay within their support and match their
 * distribution; the Annex A illustration has AEF's timing and cohort profile.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <math.h>
#include <string.h>

#include <stroom/stroom.h>

#include "sim_fixture.h"

static stroom_params base(const char *scenario, int households, int replicates, const char *end)
{
	stroom_params p = scenario_params(scenario);
	if (households) {
		int k;
		p.inflow_per_year = p.inflow_per_year * households / p.population_households;
		stroom_params_fix(&p, "inflow.per_year"); /* scaled: its prior no longer fits */
		for (k = 0; k < p.n_teams; k++) { /* keep the teams at their norms */
			int j;
			for (j = 0; j < p.team[k].fte.n; j++)
				p.team[k].fte.value[j] *= (double)households / p.population_households;
		}
		p.population_households = households;
	}
	p.replicates = replicates;
	assert_int_equal(stroom_month_parse(&p.end, end), 0);
	return p;
}

static double total(const stroom_results *r, int ind, int g)
{
	double s = 0;
	int rep, t;
	for (rep = 0; rep < stroom_results_replicates(r); rep++)
		for (t = 0; t < stroom_results_months(r); t++)
			s += stroom_results_value(r, rep, t, ind, g);
	return s;
}

static double money(const stroom_results *r, int m)
{
	double s = 0;
	int rep, t;
	for (rep = 0; rep < stroom_results_replicates(r); rep++)
		for (t = 0; t < stroom_results_months(r); t++)
			s += (double)stroom_results_money(r, rep, t, m, 0);
	return s;
}

static stroom_prior fixed(double v, double lo, double hi)
{
	stroom_prior p;
	memset(&p, 0, sizeof p);
	p.dist = STROOM_PRIOR_FIXED;
	p.a = v;
	p.lo = lo;
	p.hi = hi;
	return p;
}

/* Sanctions: money, not volume. The control's draw is a uniform the household
 * uses for nothing else, so everything but money must be identical. */
static void test_sanctions_money_not_volume(void **state)
{
	stroom_params p = base("rotterdam", 2311, 6, "2025-06"), q;
	stroom_results *a, *b;
	int rep, t;
	(void)state;
	q = p;
	q.enforcement_controls.n = 1;
	q.enforcement_controls.month[0] = p.start;
	q.enforcement_controls.value[0] = 817.0; /* controls a year */
	q.enforcement_detection = fixed(0.6, 0, 1);
	q.enforcement_termination_share = 0.0;
	q.enforcement_sanction_pct = 30;
	q.enforcement_sanction_months = 1;
	q.enforcement_recovery_eurocent = 73150;
	a = run_sim(&p, 2);
	b = run_sim(&q, 2);
	for (rep = 0; rep < 6; rep++)
		for (t = 0; t < stroom_results_months(a); t++)
			assert_int_equal(stroom_results_value(a, rep, t, STROOM_IND_CASELOAD, 0),
					 stroom_results_value(b, rep, t, STROOM_IND_CASELOAD, 0));
	assert_true(total(b, STROOM_IND_SANCTIONS, 0) > 0);
	assert_true(total(a, STROOM_IND_SANCTIONS, 0) == 0);
	assert_true(total(b, STROOM_IND_TERMINATIONS, 0) == 0);
	assert_true(money(b, STROOM_MONEY_BENEFIT) < money(a, STROOM_MONEY_BENEFIT));
	/* each finding recovers the same amount */
	assert_true(money(b, STROOM_MONEY_RECOVERIES) ==
		    73150.0 * total(b, STROOM_IND_SANCTIONS, 0));
	stroom_results_free(a);
	stroom_results_free(b);
}

/* Terminations lower the caseload and are counted as enforcement exits. */
static void test_terminations_volume(void **state)
{
	stroom_params p = base("rotterdam", 2311, 6, "2025-06"), q;
	stroom_results *a, *b;
	(void)state;
	q = p;
	q.enforcement_controls.n = 1;
	q.enforcement_controls.month[0] = p.start;
	q.enforcement_controls.value[0] = 1200.0;
	q.enforcement_detection = fixed(0.5, 0, 1);
	q.enforcement_termination_share = 0.4;
	a = run_sim(&p, 2);
	b = run_sim(&q, 2);
	assert_true(total(b, STROOM_IND_TERMINATIONS, 0) > 0);
	assert_true(total(b, STROOM_IND_EXIT_ENFORCEMENT, 0) > total(a, STROOM_IND_EXIT_ENFORCEMENT, 0));
	assert_true(stroom_results_final_caseload(b, 0, 0) < stroom_results_final_caseload(a, 0, 0));
	stroom_results_free(a);
	stroom_results_free(b);
}

/* Instrument starts never exceed the slots; with more eligible than slots every
 * slot is used. */
static void test_slots_never_exceeded(void **state)
{
	stroom_params p = base("rotterdam", 2311, 5, "2025-12");
	stroom_instrument *ins = &p.instrument[0];
	stroom_results *r;
	int rep, t;
	(void)state;
	memset(ins, 0, sizeof *ins);
	strcpy(ins->name, "test");
	ins->slots.n = 1;
	ins->slots.month[0] = p.start;
	ins->slots.value[0] = 173.0; /* 14.4 a month: 14 or 15 */
	ins->duration_months = 3;
	ins->lockin = fixed(0.8, 0, 10);
	ins->effect = fixed(1.3, 0, 10);
	ins->effect_months = 6;
	ins->durability = fixed(1, 0, 10);
	ins->priority = STROOM_PRIORITY_GAIN;
	p.n_instruments = 1;
	r = run_sim(&p, 2);
	for (rep = 0; rep < 5; rep++) {
		int sum = 0;
		for (t = 0; t < stroom_results_months(r); t++) {
			int s = stroom_results_instrument_starts(r, rep, t, 0);
			assert_true(s == 14 || s == 15);
			sum += s;
			/* participants never exceed three months of starts */
			assert_true(stroom_results_instrument_participants(r, rep, t, 0) <= 45);
		}
		assert_int_equal(sum, (int)floor(173.0 * 24 / 12 + 1e-9));
	}
	assert_true(money(r, STROOM_MONEY_INSTRUMENTS) == 0); /* cost 0 */
	stroom_results_free(r);
}

/* With the elasticity at 0 nobody behaves differently, so doubling a team's FTE
 * halves its actual caseload exactly and changes nothing else. */
static void test_double_fte_halves_caseload(void **state)
{
	stroom_params p = base("rotterdam", 3000, 4, "2024-12"), q;
	stroom_results *a, *b;
	int rep, t, j;
	(void)state;
	assert_true(p.n_teams >= 2);
	p.capacity_elasticity = fixed(0, 0, 3);
	q = p;
	for (j = 0; j < q.team[1].fte.n; j++)
		q.team[1].fte.value[j] *= 2;
	a = run_sim(&p, 2);
	b = run_sim(&q, 2);
	for (rep = 0; rep < 4; rep++)
		for (t = 0; t < stroom_results_months(a); t++) {
			double fa = stroom_series_at(&p.team[1].fte, p.start + t, 0);
			double fb = stroom_series_at(&q.team[1].fte, p.start + t, 0);
			int ca = stroom_results_team_clients(a, rep, t, 1);
			assert_int_equal(ca, stroom_results_team_clients(b, rep, t, 1));
			assert_true(fabs(ca / fb - 0.5 * (ca / fa)) < 1e-9);
			assert_int_equal(stroom_results_value(a, rep, t, STROOM_IND_CASELOAD, 0),
					 stroom_results_value(b, rep, t, STROOM_IND_CASELOAD, 0));
		}
	stroom_results_free(a);
	stroom_results_free(b);
	/* with a positive elasticity, more FTE means more exits to work */
	p.capacity_elasticity = fixed(0.8, 0, 3);
	q.capacity_elasticity = p.capacity_elasticity;
	a = run_sim(&p, 2);
	b = run_sim(&q, 2);
	assert_true(total(b, STROOM_IND_EXIT_WORK, 0) > total(a, STROOM_IND_EXIT_WORK, 0));
	stroom_results_free(a);
	stroom_results_free(b);
}

/* The gate and prevention lower inflow and count who they turned away. */
static void test_gate_and_prevention(void **state)
{
	stroom_params p = base("rotterdam", 2311, 6, "2025-06"), q;
	stroom_results *a, *b;
	(void)state;
	q = p;
	q.gate_search_share = 0.5;
	q.gate_search_effect = fixed(0.3, 0, 1);
	q.prevention_target.age = 1u << STROOM_AGE_55P;
	q.prevention_reach.n = 1;
	q.prevention_reach.month[0] = p.start;
	q.prevention_reach.value[0] = 0.6;
	q.prevention_effect = fixed(0.5, 0, 1);
	a = run_sim(&p, 2);
	b = run_sim(&q, 2);
	assert_true(total(b, STROOM_IND_INFLOW_NEW, 0) < total(a, STROOM_IND_INFLOW_NEW, 0));
	assert_true(total(b, STROOM_IND_GATE_DETERRED, 0) > 0);
	assert_true(total(b, STROOM_IND_INFLOW_PREVENTED, 0) > 0);
	/* the search period only turns away the young, prevention only its target */
	assert_true(total(b, STROOM_IND_GATE_DETERRED, stroom_results_group_index(b, "55+")) == 0);
	assert_true(total(b, STROOM_IND_INFLOW_PREVENTED, stroom_results_group_index(b, "<27")) == 0);
	/* new + turned away = the same applicants as without the levers */
	assert_true(total(b, STROOM_IND_INFLOW_NEW, 0) + total(b, STROOM_IND_GATE_DETERRED, 0) +
			    total(b, STROOM_IND_INFLOW_PREVENTED, 0) ==
		    total(a, STROOM_IND_INFLOW_NEW, 0));
	stroom_results_free(a);
	stroom_results_free(b);
}

/* Target pressure: more exits to work, and a larger non-durable share. */
static void test_target_pressure(void **state)
{
	stroom_params p = base("rotterdam", 3000, 10, "2025-12"), q;
	stroom_results *a, *b;
	(void)state;
	q = p;
	q.targets_pressure.n = 1;
	q.targets_pressure.month[0] = p.start;
	q.targets_pressure.value[0] = 1.0;
	q.targets_work = fixed(1.3, 0, 10);
	q.targets_nondurable = fixed(1.6, 0, 10);
	a = run_sim(&p, 2);
	b = run_sim(&q, 2);
	assert_true(total(b, STROOM_IND_EXIT_WORK, 0) > 1.15 * total(a, STROOM_IND_EXIT_WORK, 0));
	assert_true(total(b, STROOM_IND_INFLOW_RETURN, 0) / total(b, STROOM_IND_EXIT_WORK, 0) >
		    total(a, STROOM_IND_INFLOW_RETURN, 0) / total(a, STROOM_IND_EXIT_WORK, 0));
	stroom_results_free(a);
	stroom_results_free(b);
}

/* Priors: every draw within the support; a uniform's mean within 4 sigma. */
static void test_priors_in_support(void **state)
{
	stroom_params p = base("rotterdam", 800, 300, "2024-02");
	stroom_results *r;
	int rep, i, found = -1;
	double sum = 0;
	(void)state;
	p.capacity_elasticity.dist = STROOM_PRIOR_UNIFORM;
	p.capacity_elasticity.a = 0.1;
	p.capacity_elasticity.b = 0.5;
	p.gate_selection.dist = STROOM_PRIOR_BETA;
	p.gate_selection.a = 2;
	p.gate_selection.b = 30;
	p.targets_work.dist = STROOM_PRIOR_NORMAL; /* truncated to its bounds */
	p.targets_work.a = 0.2;
	p.targets_work.b = 1.0;
	r = run_sim(&p, 2);
	for (i = 0; i < stroom_results_drawn_count(r); i++)
		if (!strcmp(stroom_results_drawn_name(r, i), "capacity.elasticity"))
			found = i;
	assert_true(found >= 0);
	for (rep = 0; rep < 300; rep++) {
		double e = stroom_results_drawn_value(r, rep, found);
		assert_true(e >= 0.1 && e <= 0.5);
		sum += e;
		for (i = 0; i < stroom_results_drawn_count(r); i++) {
			const char *n = stroom_results_drawn_name(r, i);
			double v = stroom_results_drawn_value(r, rep, i);
			if (!strcmp(n, "gate.selection"))
				assert_true(v >= 0 && v <= 1);
			if (!strcmp(n, "targets.work"))
				assert_true(v >= p.targets_work.lo && v <= p.targets_work.hi);
		}
	}
	/* uniform(0.1, 0.5): mean 0.3, sd 0.4/sqrt(12) */
	assert_true(fabs(sum / 300 - 0.3) < 4 * (0.4 / sqrt(12.0)) / sqrt(300.0));
	stroom_results_free(r);
}

/* fixed_parameters: every replicate gets each prior's central value. */
static void test_fixed_parameters(void **state)
{
	stroom_params p = base("rotterdam", 700, 6, "2024-03");
	stroom_population *pop = NULL;
	stroom_results *r = NULL;
	stroom_sim_options o = STROOM_SIM_OPTIONS_INIT;
	int rep, i;
	(void)state;
	o.fixed_parameters = 1;
	assert_int_equal(stroom_population_synthesise(&pop, &p, NULL, NULL), 0);
	assert_int_equal(stroom_sim_run(&r, &p, pop, &o), 0);
	for (i = 0; i < stroom_results_drawn_count(r); i++)
		if (!strcmp(stroom_results_drawn_name(r, i), "capacity.elasticity"))
			for (rep = 0; rep < 6; rep++)
				assert_true(stroom_results_drawn_value(r, rep, i) ==
					    stroom_prior_central(&p.capacity_elasticity));
	/* rotterdam's elasticity prior is normal(0.2, 0.1): central 0.2 */
	assert_true(stroom_prior_central(&p.capacity_elasticity) == 0.2);
	stroom_results_free(r);
	stroom_population_free(pop);
}

/* The median over replicates of the caseload of group g on the 1st of month t. */
static double median_caseload(const stroom_results *r, int t, int g)
{
	double v[64], x;
	int n = stroom_results_replicates(r), i, j;
	assert_true(n <= 64);
	for (i = 0; i < n; i++) { /* insertion sort */
		x = stroom_results_value(r, i, t, STROOM_IND_CASELOAD, g);
		for (j = i; j > 0 && v[j - 1] > x; j--)
			v[j] = v[j - 1];
		v[j] = x;
	}
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

/*
 * AEF Annex A (seed 000 L1614-1670, L2844-2971), its timing. The caseload on
 * 1 January of year k (k = 0 the start) from the medians of 20 replicates:
 * above the target of 30,000 after year 1 and below it after year 2 (L2940:
 * "zakt het bestand onder het doel" in year 2), lowest after year 3 (L2953-2955:
 * in- and outflow close together), growing in year 4 (L2958-2960), still below
 * the target after year 4 and above it after year 5 (L2969-2971: "weer boven het
 * doel" in year 5); the share of large distance rising every year (L1656-1668).
 * Each year within 2% of AEF's own arithmetic with the run's starting stock and
 * inflow (docs/model.md, "The Annex A illustration"; measured: within 0.7%):
 * short 0 from year 1 (L1624-1626); each medium cohort, the starting stock in
 * year 1 and the entrants of a year counting it as their first, leaves 1/5, 3/5
 * and 1/5 (L1628-1632); large distance L(k) = 0.9 L(k-1) + its inflow
 * (L1634-1636).
 */
static void test_annex_a_timing(void **state)
{
	stroom_params p = base("aef-annex-a", 0, 20, "2030-12");
	stroom_results *r = run_sim(&p, 2);
	int gs = stroom_results_group_index(r, "short"), gm = stroom_results_group_index(r, "medium");
	int gl = stroom_results_group_index(r, "long"), k, kmin = 0;
	double c[7], share[7], aef[7], im = p.inflow_per_year * p.inflow_distance[STROOM_DIST_MEDIUM];
	double il = p.inflow_per_year * p.inflow_distance[STROOM_DIST_LONG], m0, l;
	(void)state;
	assert_int_equal(stroom_results_months(r), 84);
	for (k = 0; k <= 6; k++) {
		c[k] = median_caseload(r, 12 * k, 0);
		share[k] = median_caseload(r, 12 * k, gl) / c[k];
		if (c[k] < c[kmin])
			kmin = k;
	}
	assert_int_equal(kmin, 3);
	assert_true(c[1] > 30000 && c[2] < 30000);
	assert_true(c[4] > c[3] && c[4] < 30000 && c[5] > 30000 && c[6] > c[5]);
	for (k = 1; k <= 6; k++)
		assert_true(share[k] > share[k - 1]);
	assert_true(share[6] > share[0] + 0.25);
	/* AEF's arithmetic from the run's starting stock */
	m0 = stroom_results_value(r, 0, 0, STROOM_IND_CASELOAD, gm);
	l = stroom_results_value(r, 0, 0, STROOM_IND_CASELOAD, gl);
	assert_true(stroom_results_value(r, 0, 0, STROOM_IND_CASELOAD, gs) > 3000);
	aef[0] = c[0];
	for (k = 1; k <= 6; k++) {
		double m = (k == 1 ? 0.8 : k == 2 ? 0.2 : 0.0) * m0 + /* the starting stock */
			   0.8 * im + (k >= 2 ? 0.2 * im : 0.0);      /* this and last year's entrants */
		l = 0.9 * l + il;
		aef[k] = m + l;
		assert_true(fabs(c[k] - aef[k]) <= 0.02 * aef[k]);
	}
	/* AEF's timing holds in its own arithmetic too */
	assert_true(aef[1] > 30000 && aef[2] < 30000 && aef[3] < aef[2] && aef[4] > aef[3] &&
		    aef[4] < 30000 && aef[5] > 30000);
	stroom_results_free(r);
}

/* The mechanism: without inflow, the starting 9-24 months group (medium) leaves
 * 1/5, 3/5 and 1/5 of itself in the three years (seed 000 L1628-1632, year 1 at
 * L2917-2919), whatever its spells' durations, and the unserved large distance
 * 10% a year, AOW age included (L1634-1636, L2919-2921): within 3 points (the
 * short households still on benefit at 9 months join the medium group, about
 * 1.6% of it). The expected-value engine, which follows the same model. */
static void test_annex_a_cohorts(void **state)
{
	stroom_params p = base("aef-annex-a", 0, 1, "2027-12");
	stroom_population *pop = NULL;
	stroom_ev *ev = NULL;
	int gm, gl, gs, k;
	double m0, l0;
	(void)state;
	p.inflow_per_year = 0;
	assert_int_equal(stroom_population_synthesise(&pop, &p, NULL, NULL), 0);
	assert_int_equal(stroom_ev_new(&ev, &p, pop, NULL, NULL), 0);
	assert_int_equal(stroom_ev_run(ev, &p), 0);
	gm = stroom_ev_group_index(ev, "medium");
	gl = stroom_ev_group_index(ev, "long");
	gs = stroom_ev_group_index(ev, "short");
	m0 = stroom_ev_value(ev, 0, STROOM_IND_CASELOAD, gm);
	l0 = stroom_ev_value(ev, 0, STROOM_IND_CASELOAD, gl);
	assert_true(m0 > 8000);
	assert_true(fabs(stroom_ev_value(ev, 12, STROOM_IND_CASELOAD, gm) / m0 - 0.8) < 0.03);
	assert_true(fabs(stroom_ev_value(ev, 24, STROOM_IND_CASELOAD, gm) / m0 - 0.2) < 0.03);
	assert_true(stroom_ev_value(ev, 36, STROOM_IND_CASELOAD, gm) / m0 < 0.03);
	assert_true(stroom_ev_value(ev, 12, STROOM_IND_CASELOAD, gs) < 0.001 * m0);
	for (k = 1; k <= 3; k++)
		assert_true(fabs(stroom_ev_value(ev, 12 * k, STROOM_IND_CASELOAD, gl) / l0 - pow(0.9, k)) <
			    0.03);
	stroom_ev_free(ev);
	stroom_population_free(pop);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sanctions_money_not_volume),
		cmocka_unit_test(test_terminations_volume),
		cmocka_unit_test(test_slots_never_exceeded),
		cmocka_unit_test(test_double_fte_halves_caseload),
		cmocka_unit_test(test_gate_and_prevention),
		cmocka_unit_test(test_target_pressure),
		cmocka_unit_test(test_priors_in_support),
		cmocka_unit_test(test_fixed_parameters),
		cmocka_unit_test(test_annex_a_timing),
		cmocka_unit_test(test_annex_a_cohorts),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
