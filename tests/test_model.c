/*
 * test_model.c: the model's hazards, multipliers and policy effects
 * (src/model/model.h), each against its formula in docs/model.md and
 * docs/policy.md worked by hand on the builtin rotterdam's parameters.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <math.h>
#include <string.h>

#include <stroom/stroom.h>

#include "model.h"
#include "sim_fixture.h"

/* a and b within eps (cmocka's float assertion works in single precision) */
#define assert_near(a, b, eps) near_(a, b, eps, __FILE__, __LINE__)
static void near_(double a, double b, double eps, const char *file, int line)
{
	if (!(fabs(a - b) <= eps)) {
		print_error("%s:%d: %.17g != %.17g (within %g)\n", file, line, a, b, eps);
		fail();
	}
}

static stroom_params rotterdam(void)
{
	stroom_params p = scenario_params("rotterdam");
	stroom_params_fix(&p, NULL);
	return p;
}

static void set_series(stroom_series *s, stroom_month m, double v)
{
	memset(s, 0, sizeof *s);
	s->n = 1;
	s->month[0] = m;
	s->value[0] = v;
}

/* Step 1 and 4: f(m) = index^elasticity x shock, the cell's work hazard the
 * product of its class multipliers x f, other and enforcement. */
static void test_cell_hazards(void **state)
{
	stroom_params p = rotterdam();
	static double haz[STROOM_MODEL_NCELL_MAX][3];
	double h[3], f;
	int c;
	(void)state;
	set_series(&p.labour_index, p.start, 1.1);
	set_series(&p.work_shock, p.start, 0.9);
	p.labour_work_elasticity = 2.0;
	f = stroom_model_month_factor(&p, p.start);
	assert_near(f, 1.21 * 0.9, 1e-12);
	assert_near(stroom_model_month_factor(&p, p.start - 1), 1.0, 0); /* before: neutral */
	stroom_model_cell_hazards(&p, f, STROOM_DIST_MEDIUM, STROOM_AGE_27_39, STROOM_DUR_1_2,
				  STROOM_DUR_1_2, STROOM_TYPE_SINGLE_PARENT, 0, 1, h);
	assert_near(h[0], p.work_distance[STROOM_DIST_MEDIUM] * p.work_age[STROOM_AGE_27_39] *
					 p.work_duration[STROOM_DUR_1_2] *
					 p.work_type[STROOM_TYPE_SINGLE_PARENT] * p.work_area[0] *
					 p.parttime_work_multiplier * f,
			   1e-15);
	assert_near(h[1], p.other_base * p.other_age[STROOM_AGE_27_39] *
					 p.other_duration[STROOM_DUR_1_2], 1e-15);
	assert_near(h[2], p.enforcement, 0);
	stroom_model_month_hazards(&p, p.start, haz);
	c = stroom_model_cell(p.n_areas, STROOM_DIST_MEDIUM, STROOM_AGE_27_39, STROOM_DUR_1_2,
			      STROOM_TYPE_SINGLE_PARENT, 0, 1);
	assert_memory_equal(haz[c], h, sizeof h);
}

/* Step 4: the five competing risks, scaled to 0.95 when they add up to more. */
/* hazard.work.duration_clock: spell keeps the spell's band; start gives
 * min(spell band, band of the months since the start), which is the band of
 * min(d, t) for every spell duration d and month t (the clock of a household on
 * benefit at the start is t, of one that came later its spell's d). */
static void test_work_band(void **state)
{
	stroom_params p = rotterdam();
	int d, t;
	(void)state;
	assert_int_equal(p.approach_clock, STROOM_CLOCK_SPELL);
	for (t = 0; t < 100; t++)
		for (d = 0; d < 100; d++)
			assert_int_equal(stroom_model_work_band(&p, p.start + t, stroom_model_duration_band(
								     p.start + t - d, p.start + t)),
					 stroom_model_duration_band(p.start + t - d, p.start + t));
	p.approach_clock = STROOM_CLOCK_START;
	for (t = 0; t < 100; t++)
		for (d = 0; d < 100; d++) {
			int clock = d < t ? d : t;
			assert_int_equal(stroom_model_work_band(&p, p.start + t, stroom_model_duration_band(
								     p.start + t - d, p.start + t)),
					 stroom_model_duration_band(p.start, p.start + clock));
		}
	/* a household 7 years on benefit, 13 months after the start: band 1-2 years */
	assert_int_equal(stroom_model_work_band(&p, p.start + 13, STROOM_DUR_GT5), STROOM_DUR_1_2);
}

static void test_risks(void **state)
{
	stroom_params p = rotterdam();
	double th[5];
	(void)state;
	p.lks_share = 0.1;
	p.parttime_start = 0.02;
	p.parttime_stop = 0.05;
	stroom_model_risks(&p, 0.1, 0.01, 0.002, 0, th);
	assert_near(th[0], 0.1, 1e-15);
	assert_near(th[1] - th[0], 0.01, 1e-15);
	assert_near(th[2] - th[1], 0.01, 1e-15);
	assert_near(th[3] - th[2], 0.002, 1e-15);
	assert_near(th[4] - th[3], 0.02, 1e-15);
	/* a part-timer stops; hazards adding up to 1.9 are halved */
	stroom_model_risks(&p, 1.0, 0.35, 0.4, 1, th);
	assert_near(th[4], STROOM_MODEL_MAX_EXIT_PROB, 1e-15);
	assert_near(th[0], 1.0 * 0.95 / 1.9, 1e-15);
	assert_near(th[4] - th[3], 0.05 * 0.95 / 1.9, 1e-15);
	/* NaN and negative hazards count as 0, an infinite one as the clamp */
	stroom_model_risks(&p, NAN, -1.0, 0.0, 0, th);
	assert_near(th[3], 0.0, 0);
	assert_near(th[4], 0.02, 1e-15);
	stroom_model_risks(&p, INFINITY, 0.0, 0.0, 0, th);
	assert_true(isfinite(th[4]) && th[4] <= STROOM_MODEL_MAX_EXIT_PROB * (1 + 1e-15));
}

/* The capacity lever: intensity reference x FTE / clients within [1/cap, cap],
 * its multiplier intensity ^ elasticity. */
static void test_teams(void **state)
{
	(void)state;
	assert_near(stroom_model_team_intensity(80, 10, 1000, 2.0), 0.8, 1e-15);
	assert_near(stroom_model_team_intensity(80, 10, 100, 2.0), 2.0, 0);   /* capped */
	assert_near(stroom_model_team_intensity(80, 10, 10000, 2.0), 0.5, 0); /* 1 / cap */
	assert_near(stroom_model_team_intensity(80, 10, 0, 2.0), 2.0, 0);     /* no clients */
	assert_near(stroom_model_team_intensity(80, 0, 10, 2.0), 0.5, 0);     /* no FTE */
	assert_near(stroom_model_team_multiplier(0.8, 0.5), sqrt(0.8), 1e-15);
}

/* Instruments, targets and durability. */
static void test_multipliers(void **state)
{
	stroom_params p = rotterdam();
	(void)state;
	assert_near(stroom_model_instrument_work(STROOM_MODEL_INSTR_LOCKIN, 0.7, 1.2), 0.7, 0);
	assert_near(stroom_model_instrument_work(STROOM_MODEL_INSTR_AFTER, 0.7, 1.2), 1.2, 0);
	assert_near(stroom_model_instrument_work(STROOM_MODEL_INSTR_NONE, 0.7, 1.2), 1.0, 0);
	assert_near(stroom_model_instrument_nondurable(STROOM_MODEL_INSTR_NONE, 0.8), 1.0, 0);
	assert_near(stroom_model_instrument_nondurable(STROOM_MODEL_INSTR_AFTER, 0.8), 0.8, 0);
	assert_near(stroom_model_targets(0.5, 1.2), 1.1, 1e-15);
	assert_near(stroom_model_targets(0.0, 1.2), 1.0, 0);
	p.return_nondurable_share = 0.15;
	assert_near(stroom_model_nondurable(&p, 1.2, 0.5, 1.0), 0.09, 1e-15);
	p.return_nondurable_share = 0.9;
	assert_near(stroom_model_nondurable(&p, 1.5, 1.0, 1.0), 1.0, 0); /* at most 1 */
}

/* Step 8: lambda = 1 - (1 - p12 / q)^(1/12); Rotterdam's 0.12 and 0.15 give 0.1255. */
static void test_return_hazard(void **state)
{
	stroom_params p = rotterdam();
	double lam;
	(void)state;
	p.return_within_12m = 0.12;
	p.return_nondurable_share = 0.15;
	lam = stroom_model_return_hazard(&p);
	assert_near(lam, 0.1255, 1e-4);
	assert_near(1.0 - pow(1.0 - lam, 12), 0.8, 1e-12);
	p.return_within_12m = 0;
	assert_near(stroom_model_return_hazard(&p), 0.0, 0);
}

/* Step 9 and the gate, prevention and enforcement levers. */
static void test_inflow_and_levers(void **state)
{
	stroom_params p = rotterdam();
	(void)state;
	p.inflow_per_year = 1200;
	set_series(&p.inflow_shock, p.start, 1.5);
	set_series(&p.labour_index, p.start, 1.25);
	p.labour_inflow_elasticity = 1.0;
	assert_near(stroom_model_inflow_mean(&p, p.start), 100 * 1.5 / 1.25, 1e-12);
	p.gate_search_share = 0.6;
	assert_near(stroom_model_gate_search(&p, 0.5), 0.3, 1e-15);
	assert_near(stroom_model_gate_pass(&p, 1, 0.5, 0.1), 0.7 * 0.9, 1e-15);
	assert_near(stroom_model_gate_pass(&p, 0, 0.5, 0.1), 0.9, 1e-15);
	set_series(&p.prevention_reach, p.start, 0.4);
	assert_near(stroom_model_prevention_prob(&p, p.start, 0.25), 0.1, 1e-15);
	assert_near(stroom_model_prevention_prob(&p, p.start - 1, 0.25), 0.0, 0);
	set_series(&p.enforcement_controls, p.start, 2400);
	assert_near(stroom_model_control_prob(&p, p.start, 1000, 0.5), 0.1, 1e-15);
	assert_near(stroom_model_control_prob(&p, p.start, 10, 0.5), 1.0, 0);
	assert_near(stroom_model_control_prob(&p, p.start, 0, 0.5), 0.0, 0);
	p.enforcement_sanction_pct = 20;
	assert_int_equal(stroom_model_sanctioned(&p, 100000, 120000), 76000);
	assert_int_equal(stroom_model_sanctioned(&p, 20000, 120000), 0);
	assert_near(stroom_model_aftercare_cover(1, 50, 200), 0.25, 0);
	assert_near(stroom_model_aftercare_cover(1, 500, 200), 1.0, 0);
	assert_near(stroom_model_aftercare_cover(1, 5, 0), 1.0, 0);
	assert_near(stroom_model_aftercare_cover(0, 500, 200), 0.0, 0);
}

/* Steps 7-9: drift, and the streams of entrants, returns and drifters. */
static void test_drift_and_streams(void **state)
{
	stroom_params p = rotterdam();
	(void)state;
	p.drift_short_months = 9;
	p.drift_medium_months = 24;
	assert_int_equal(stroom_model_drift(&p, STROOM_DIST_SHORT, 9), STROOM_DIST_MEDIUM);
	assert_int_equal(stroom_model_drift(&p, STROOM_DIST_SHORT, 10), STROOM_DIST_SHORT);
	assert_int_equal(stroom_model_drift(&p, STROOM_DIST_MEDIUM, 24), STROOM_DIST_LONG);
	assert_int_equal(stroom_model_drift(&p, STROOM_DIST_LONG, 24), STROOM_DIST_LONG);
	assert_int_equal(stroom_model_drift_stream(STROOM_STREAM_WERK, STROOM_DIST_LONG),
			 STROOM_STREAM_PRESTATIE);
	assert_int_equal(stroom_model_drift_stream(STROOM_STREAM_WERK, STROOM_DIST_MEDIUM),
			 STROOM_STREAM_WERK);
	assert_int_equal(stroom_model_entry_stream(STROOM_AGE_LT27, STROOM_DIST_LONG), STROOM_STREAM_OTHER);
	assert_int_equal(stroom_model_entry_stream(STROOM_AGE_40_54, STROOM_DIST_LONG),
			 STROOM_STREAM_PRESTATIE);
	assert_int_equal(stroom_model_entry_stream(STROOM_AGE_40_54, STROOM_DIST_SHORT), STROOM_STREAM_WERK);
	assert_int_equal(stroom_model_return_stream(STROOM_DIST_MEDIUM), STROOM_STREAM_WERK);
	assert_int_equal(stroom_model_age_band(0, 27 * 12 - 1), STROOM_AGE_LT27);
	assert_int_equal(stroom_model_age_band(0, 27 * 12), STROOM_AGE_27_39);
	assert_int_equal(stroom_model_duration_band(0, 60), STROOM_DUR_GT5);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cell_hazards),      cmocka_unit_test(test_risks),
		cmocka_unit_test(test_teams),             cmocka_unit_test(test_multipliers),
		cmocka_unit_test(test_return_hazard),     cmocka_unit_test(test_inflow_and_levers),
		cmocka_unit_test(test_drift_and_streams), cmocka_unit_test(test_work_band),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
