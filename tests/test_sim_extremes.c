/*
 * test_sim_extremes.c: the engine at the edges of the schema. Every hazard,
 * multiplier and elasticity at its schema maximum (alone and all at once), team
 * FTE tiny and huge, returns at the edge of their check, controls, gate and
 * prevention at their maxima: each run completes, with no NaN or infinity in any
 * output, no negative count or amount, and the stock identity (stock next month
 * = stock + inflow + returns - exits) in every month. Where the events' hazards
 * add up to more than 0.95 a month, the observed monthly shares are 0.95 split in
 * proportion (within 4 sigma). A cancel during a long replicate stops it within
 * a month (docs/model.md: step 4, "Candidate months" and "Stopping a run").
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include <stroom/stroom.h>

#include "sim_fixture.h"

static stroom_params small_params(int households, int replicates, const char *end)
{
	return small_params_fixing(households, replicates, end, NULL);
}

/* A policy prior fixed at v (its bounds kept). */
static void fix_prior(stroom_prior *pr, double v)
{
	pr->dist = STROOM_PRIOR_FIXED;
	pr->a = v;
	assert_true(v >= pr->lo && v <= pr->hi);
}

/* A series with one value from the start on. */
static void series_from_start(stroom_series *s, const stroom_params *p, double v)
{
	s->n = 1;
	s->month[0] = p->start;
	s->value[0] = v;
}

static int team_index(const stroom_params *p, const char *name)
{
	int k;
	for (k = 0; k < p->n_teams; k++)
		if (strcmp(p->team[k].name, name) == 0)
			return k;
	fail_msg("no team %s", name);
	return -1;
}

static int instrument_index(const stroom_params *p, const char *name)
{
	int k;
	for (k = 0; k < p->n_instruments; k++)
		if (strcmp(p->instrument[k].name, name) == 0)
			return k;
	fail_msg("no instrument %s", name);
	return -1;
}

static int word_char(char c) { return isalnum((unsigned char)c) || c == '_'; }

/* Is "nan", "inf" or "infinity" a word of text (in any case; not "inflow")? */
static int has_nonfinite(const char *text)
{
	const char *s;
	for (s = text; *s; s++) {
		size_t n = strncasecmp(s, "infinity", 8) == 0				 ? 8
			 : strncasecmp(s, "nan", 3) == 0 || strncasecmp(s, "inf", 3) == 0 ? 3
											   : 0;
		if (n && (s == text || !word_char(s[-1])) && !word_char(s[n]))
			return 1;
	}
	return 0;
}

static void test_has_nonfinite(void **state)
{
	(void)state;
	assert_false(has_nonfinite("month,inflow_new,all,1.00\n"));
	assert_true(has_nonfinite("2024-01,caseload,all,nan,1\n"));
	assert_true(has_nonfinite("2024-01,caseload,all,-inf,1\n"));
	assert_true(has_nonfinite("x [ Infinity ]"));
	assert_true(has_nonfinite("-NaN"));
}

/* Runs p and checks what every run must satisfy, whatever its parameters. */
static void run_and_check(const stroom_params *p)
{
	stroom_population *pop = NULL;
	stroom_results *r = NULL;
	stroom_sim_options o = STROOM_SIM_OPTIONS_INIT;
	char *buf = NULL, summary[1 << 15];
	size_t len = 0;
	FILE *f;
	int rep, t, ind, g, k, T, G;
	o.threads = 2;
	assert_int_equal(stroom_population_synthesise(&pop, p, NULL, NULL), 0);
	assert_int_equal(stroom_sim_run(&r, p, pop, &o), 0);
	T = stroom_results_months(r);
	G = stroom_results_groups(r);
	for (rep = 0; rep < p->replicates; rep++) {
		for (t = 0; t < T; t++) {
			for (ind = 0; ind < STROOM_NIND; ind++)
				for (g = 0; g < G; g++)
					assert_true(stroom_results_value(r, rep, t, ind, g) >= 0);
			for (ind = 0; ind < STROOM_NMONEY; ind++)
				for (g = 0; g < G; g++)
					assert_true(stroom_results_money(r, rep, t, ind, g) >= 0);
			for (k = 0; k < p->n_teams; k++)
				assert_true(stroom_results_team_clients(r, rep, t, k) >= 0);
			for (k = 0; k < p->n_instruments; k++) {
				assert_true(stroom_results_instrument_starts(r, rep, t, k) >= 0);
				assert_true(stroom_results_instrument_participants(r, rep, t, k) >= 0);
			}
			/* the stock identity, for all and for the groups nobody moves between
			 * (areas, household types) */
			for (g = -1; g < p->n_areas + STROOM_NTYPE; g++) {
				int gi = g < 0 ? 0
				       : g < p->n_areas ? stroom_results_group_index(r, p->area_name[g])
							: stroom_results_group_index(r, stroom_type_name(g - p->n_areas));
				int32_t in = stroom_results_value(r, rep, t, STROOM_IND_INFLOW_NEW, gi) +
					     stroom_results_value(r, rep, t, STROOM_IND_INFLOW_RETURN, gi);
				int32_t out = 0;
				for (ind = STROOM_IND_EXIT_WORK; ind <= STROOM_IND_EXIT_PENSION; ind++)
					out += stroom_results_value(r, rep, t, ind, gi);
				assert_int_equal(stock(r, rep, t + 1, gi), stock(r, rep, t, gi) + in - out);
			}
		}
		for (g = 0; g < G; g++)
			assert_true(stroom_results_final_caseload(r, rep, g) >= 0);
		for (k = 0; k < stroom_results_drawn_count(r); k++)
			assert_true(isfinite(stroom_results_drawn_value(r, rep, k)));
	}
	/* no NaN or infinity in what a run writes */
	f = open_memstream(&buf, &len);
	assert_non_null(f);
	assert_int_equal(stroom_output_series_csv(r, p, f), 0);
	assert_int_equal(fclose(f), 0);
	assert_false(has_nonfinite(buf));
	free(buf);
	assert_true(stroom_output_summary(r, p, NULL, NULL, summary, sizeof summary) < sizeof summary);
	assert_false(has_nonfinite(summary));
	stroom_results_free(r);
	stroom_population_free(pop);
}

/* The small run every case starts from: 1,500 households, 2 replicates, 12 months. */
static stroom_params base(void) { return small_params(1500, 2, "2024-12"); }

/* Sets the first n entries of array to v. */
#define FILL(array, n, v)                            \
	do {                                         \
		int i_;                              \
		for (i_ = 0; i_ < (n); i_++)         \
			(array)[i_] = (v);           \
	} while (0)

/* Every hazard, multiplier and elasticity at its schema maximum at once, the
 * labour-market factor at index^elasticity = 1e20 either way (1e20 with index
 * 100 and elasticity 10, or index 0.01 and elasticity -10). */
static void set_all_max(stroom_params *p, double index, double elasticity)
{
	int k = instrument_index(p, "scholing"), tz = team_index(p, "werk_zuid");
	FILL(p->work_distance, STROOM_NDIST, 1.0);
	FILL(p->work_age, STROOM_NAGE, 100.0);
	FILL(p->work_duration, STROOM_NDUR, 100.0);
	FILL(p->work_type, STROOM_NTYPE, 100.0);
	FILL(p->work_area, p->n_areas, 100.0);
	series_from_start(&p->work_shock, p, 100.0);
	p->lks_share = 1.0;
	p->other_base = 1.0;
	FILL(p->other_age, STROOM_NAGE, 100.0);
	FILL(p->other_duration, STROOM_NDUR, 100.0);
	p->enforcement = 1.0;
	p->parttime_start = p->parttime_stop = 1.0;
	p->parttime_work_multiplier = 100.0;
	series_from_start(&p->labour_index, p, index);
	p->labour_work_elasticity = elasticity;
	fix_prior(&p->capacity_elasticity, 3.0);
	p->capacity_intensity_cap = 10.0;
	series_from_start(&p->team[tz].fte, p, 100000.0);
	series_from_start(&p->targets_pressure, p, 1.0);
	fix_prior(&p->targets_work, 10.0);
	fix_prior(&p->targets_nondurable, 10.0);
	series_from_start(&p->instrument[k].slots, p, 600.0);
	fix_prior(&p->instrument[k].lockin, 10.0);
	fix_prior(&p->instrument[k].effect, 10.0);
}

static void test_extremes(void **state)
{
	enum {
		ENF095, ENF1, ELASTICITY3, ELASTICITY3_CAP10, WORK_DIST1, WORK_AGE100, WORK_DUR100,
		WORK_TYPE100, WORK_AREA100, OTHER_BASE1, OTHER_AGE100, OTHER_DUR100, PT_START1,
		PT_STOP1, PT_MULT100, LABOUR_HIGH, LABOUR_LOW_NEG, LABOUR_LOW_POS, SHOCK100, TARGETS,
		INSTRUMENTS, FTE_TINY, FTE_HUGE, FTE_TINY_ELASTICITY3, RETURNS_EDGE, RETURNS_ALL,
		CONTROLS, GATE, ALL_MAX_HIGH, ALL_MAX_LOW, NCASES
	};
	static const char *const names[NCASES] = {
		"hazard.enforcement 0.95", "hazard.enforcement 1", "capacity.elasticity 3",
		"capacity.elasticity 3, intensity_cap 10", "hazard.work.distance 1",
		"hazard.work.age 100", "hazard.work.duration 100", "hazard.work.type 100",
		"hazard.work.area 100", "hazard.other.base 1", "hazard.other.age 100",
		"hazard.other.duration 100", "parttime.start 1", "parttime.stop 1",
		"parttime.work_multiplier 100", "index 100, work_elasticity 10",
		"index 0.01, work_elasticity -10", "index 0.01, work_elasticity 10",
		"hazard.work.shock 100", "targets.work 10, pressure 1",
		"instrument lockin and effect 10", "team fte 1e-7", "team fte 100000, elasticity 3",
		"team fte 1e-7, elasticity 3, cap 10", "returns.within_12m just below nondurable_share",
		"returns 0.9999999 of 1", "controls, detection, sanctions at their maxima",
		"gate and prevention at their maxima", "all at their maxima, index 100",
		"all at their maxima, index 0.01"};
	int c;
	(void)state;
	for (c = 0; c < NCASES; c++) {
		stroom_params p = base();
		int tz = team_index(&p, "werk_zuid"), k;
		switch (c) {
		case ENF095: p.enforcement = 0.95; break;
		case ENF1: p.enforcement = 1.0; break;
		case ELASTICITY3: fix_prior(&p.capacity_elasticity, 3.0); break;
		case ELASTICITY3_CAP10:
			fix_prior(&p.capacity_elasticity, 3.0);
			p.capacity_intensity_cap = 10.0;
			break;
		case WORK_DIST1: FILL(p.work_distance, STROOM_NDIST, 1.0); break;
		case WORK_AGE100: FILL(p.work_age, STROOM_NAGE, 100.0); break;
		case WORK_DUR100: FILL(p.work_duration, STROOM_NDUR, 100.0); break;
		case WORK_TYPE100: FILL(p.work_type, STROOM_NTYPE, 100.0); break;
		case WORK_AREA100: FILL(p.work_area, p.n_areas, 100.0); break;
		case OTHER_BASE1: p.other_base = 1.0; break;
		case OTHER_AGE100: FILL(p.other_age, STROOM_NAGE, 100.0); break;
		case OTHER_DUR100: FILL(p.other_duration, STROOM_NDUR, 100.0); break;
		case PT_START1: p.parttime_start = 1.0; break;
		case PT_STOP1: p.parttime_stop = 1.0; break;
		case PT_MULT100: p.parttime_work_multiplier = 100.0; break;
		case LABOUR_HIGH:
			series_from_start(&p.labour_index, &p, 100.0);
			p.labour_work_elasticity = 10.0;
			break;
		case LABOUR_LOW_NEG:
			series_from_start(&p.labour_index, &p, 0.01);
			p.labour_work_elasticity = -10.0;
			break;
		case LABOUR_LOW_POS: /* a work hazard of 1e-20 of the usual */
			series_from_start(&p.labour_index, &p, 0.01);
			p.labour_work_elasticity = 10.0;
			break;
		case SHOCK100: series_from_start(&p.work_shock, &p, 100.0); break;
		case TARGETS:
			series_from_start(&p.targets_pressure, &p, 1.0);
			fix_prior(&p.targets_work, 10.0);
			break;
		case INSTRUMENTS: /* every instrument with places, lock-in and effect 10 */
			for (k = 0; k < p.n_instruments; k++) {
				series_from_start(&p.instrument[k].slots, &p, 600.0);
				fix_prior(&p.instrument[k].lockin, 10.0);
				fix_prior(&p.instrument[k].effect, 10.0);
			}
			break;
		case FTE_TINY: series_from_start(&p.team[tz].fte, &p, 1e-7); break;
		case FTE_HUGE:
			series_from_start(&p.team[tz].fte, &p, 100000.0);
			fix_prior(&p.capacity_elasticity, 3.0);
			break;
		case FTE_TINY_ELASTICITY3:
			series_from_start(&p.team[tz].fte, &p, 1e-7);
			fix_prior(&p.capacity_elasticity, 3.0);
			p.capacity_intensity_cap = 10.0;
			break;
		case RETURNS_EDGE: /* a return hazard of 1 - (1e-9 / 0.15)^(1/12), about 0.8 */
			FILL(p.work_distance, STROOM_NDIST, 0.5);
			p.return_within_12m = 0.149999999;
			p.return_nondurable_share = 0.15;
			break;
		case RETURNS_ALL:
			FILL(p.work_distance, STROOM_NDIST, 0.5);
			p.return_within_12m = 0.9999999;
			p.return_nondurable_share = 1.0;
			break;
		case CONTROLS:
			series_from_start(&p.enforcement_controls, &p, 10000000.0);
			fix_prior(&p.enforcement_detection, 1.0);
			p.enforcement_termination_share = 0.5;
			p.enforcement_sanction_pct = 100;
			p.enforcement_sanction_months = 12;
			p.enforcement_recovery_eurocent = 100000000;
			break;
		case GATE:
			p.gate_search_share = 1.0;
			fix_prior(&p.gate_search_effect, 1.0);
			fix_prior(&p.gate_selection, 1.0);
			series_from_start(&p.prevention_reach, &p, 1.0);
			fix_prior(&p.prevention_effect, 1.0);
			break;
		case ALL_MAX_HIGH: set_all_max(&p, 100.0, 10.0); break;
		case ALL_MAX_LOW: set_all_max(&p, 0.01, -10.0); break;
		default: fail();
		}
		print_message("%s\n", names[c]);
		run_and_check(&p);
	}
}

/*
 * Hazards adding up to 1.35 a month (work 0.6, LKS 0.15, other 0.3, enforcement
 * 0.2, part-time start or stop 0.1): each is scaled by 0.95 / 1.35, so the monthly
 * exit shares are 0.95 split in proportion. Summed over months and replicates,
 * the observed exits lie within 4 sigma of the stock times those shares.
 */
static void test_capped_shares_k_sigma(void **state)
{
	stroom_params p = small_params(4000, 10, "2024-06");
	char path[] = "/tmp/stroom-test-capXXXXXX";
	int fd = mkstemp(path), i, k, rep, t, T;
	FILE *f = fdopen(fd, "w");
	stroom_population *pop = NULL;
	stroom_results *r = NULL;
	const double h[4] = {0.6, 0.6 * 0.25, 0.3, 0.2}, tot = 0.6 + 0.15 + 0.3 + 0.2 + 0.1;
	double expected[4] = {0}, observed[4] = {0}, var[4] = {0};
	(void)state;
	assert_non_null(f);
	fprintf(f, "id,birth_month,type,area,distance,stream,spell_start,parttime,previous_spells\n");
	for (i = 0; i < 4000; i++)
		fprintf(f, "%d,1994-03,single,noord,short,werk,2023-%02d,%d,0\n", i + 1, 1 + i % 12, i % 2);
	fclose(f);
	p.inflow_per_year = 0;
	p.drift_short_months = 600;
	p.drift_medium_months = 600;
	p.return_within_12m = 0;
	FILL(p.work_age, STROOM_NAGE, 1.0);
	FILL(p.other_age, STROOM_NAGE, 1.0);
	FILL(p.work_duration, STROOM_NDUR, 1.0);
	FILL(p.other_duration, STROOM_NDUR, 1.0);
	FILL(p.work_area, p.n_areas, 1.0);
	p.work_type[STROOM_TYPE_SINGLE] = 1;
	p.n_teams = 0;
	p.labour_index.n = 0;
	p.work_shock.n = 0;
	p.work_distance[STROOM_DIST_SHORT] = h[0];
	p.lks_share = 0.25;
	p.other_base = h[2];
	p.enforcement = h[3];
	/* the same total with and without part-time work */
	p.parttime_start = p.parttime_stop = 0.1;
	p.parttime_work_multiplier = 1.0;
	assert_int_equal(stroom_population_load_csv(&pop, path, &p, NULL), 0);
	unlink(path);
	assert_int_equal(stroom_sim_run(&r, &p, pop, NULL), 0);
	T = stroom_results_months(r);
	for (rep = 0; rep < 10; rep++)
		for (t = 0; t < T; t++) {
			double n = stroom_results_value(r, rep, t, STROOM_IND_CASELOAD, 0);
			for (k = 0; k < 4; k++) {
				double q = h[k] * 0.95 / tot;
				expected[k] += n * q;
				var[k] += n * q * (1 - q);
				observed[k] += stroom_results_value(r, rep, t, STROOM_IND_EXIT_WORK + k, 0);
			}
		}
	for (k = 0; k < 4; k++) {
		double z = (observed[k] - expected[k]) / sqrt(var[k]);
		print_message("exit kind %d: observed %.0f expected %.1f z %.2f\n", k, observed[k],
			      expected[k], z);
		assert_true(expected[k] > 1000);
		assert_true(fabs(z) < 4.0);
	}
	stroom_results_free(r);
	stroom_population_free(pop);
}

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

/* Cancels at the progress callback's second call (about 100 ms in, while the
 * replicate runs) and notes when. */
typedef struct cancel_state {
	int calls;
	double at;
} cancel_state;

static int cancel_second(int done, int total, void *payload)
{
	cancel_state *cs = payload;
	(void)done;
	(void)total;
	if (++cs->calls < 2)
		return 0;
	cs->at = now();
	return 1;
}

/*
 * A run of one long replicate (at least 30,000 households over 21 years; more on
 * a machine fast enough to run that in under 0.8 s), cancelled while it runs:
 * the worker looks at the stop flag every simulated month, so the run returns
 * STROOM_EINTR within a small part of the time the replicate still had to run
 * (before, the worker finished the replicate first).
 */
static void test_cancel_within_replicate(void **state)
{
	stroom_population *pop = NULL;
	stroom_results *r = NULL;
	stroom_sim_options o = STROOM_SIM_OPTIONS_INIT;
	cancel_state cs = {0, 0};
	stroom_params p;
	double t0, full, left, latency;
	int households;
	(void)state;
	o.threads = 1;
	/* the whole run, for scale */
	for (households = 30000;; households *= 2) {
		p = small_params(households, 1, "2044-12");
		assert_int_equal(stroom_population_synthesise(&pop, &p, NULL, NULL), 0);
		t0 = now();
		assert_int_equal(stroom_sim_run(&r, &p, pop, &o), 0);
		full = now() - t0;
		stroom_results_free(r);
		r = NULL;
		if (full >= 0.8 || households >= 240000)
			break;
		stroom_population_free(pop);
	}
	o.progress = cancel_second;
	o.payload = &cs;
	t0 = now();
	assert_int_equal(stroom_sim_run(&r, &p, pop, &o), STROOM_EINTR);
	latency = now() - cs.at;
	left = full - (cs.at - t0); /* what the replicate still had to run */
	assert_null(r);
	assert_int_equal(cs.calls, 2);
	stroom_population_free(pop);
	print_message("%d households: run %.3f s, cancelled after %.3f s, stopped %.3f s later\n",
		      households, full, cs.at - t0, latency);
	if (left < 0.3) /* the cancel came too late to tell (a heavily loaded machine) */
		skip();
	assert_true(latency < left / 4);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_has_nonfinite),
		cmocka_unit_test(test_extremes),
		cmocka_unit_test(test_capped_shares_k_sigma),
		cmocka_unit_test(test_cancel_within_replicate),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
