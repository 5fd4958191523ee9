/*
 * model.h: the model's hazards, multipliers and policy effects, defined once.
 *
 * Every number the engines turn into an event probability comes from here: the
 * labour-market factor, the exit hazards of a cell, the teams' intensity, the
 * instruments' and targets' multipliers, the competing-risk scaling, durability,
 * returns, the inflow and its gate and prevention, the enforcement lever's
 * controls, the sanctions' cut and the aftercare cover. Each is a pure function
 * of the scenario's parameters (one replicate's, its draws applied) and plain
 * numbers: no workspace, no random numbers. The microsimulation (sim.c) draws
 * against these probabilities household by household; the expected-value
 * engine chains them over the same cells. docs/model.md section 3 gives the
 * steps (named beside each function) and docs/policy.md the levers.
 *
 * Where does a caseload norm change the work hazard? stroom_model_team_intensity
 * (the caseload against the team's reference) and stroom_model_team_multiplier
 * (intensity ^ capacity.elasticity), multiplied into the cell's work hazard
 * before stroom_model_risks.
 *
 * The functions the monthly loop calls per household are static inline here;
 * those called once a month or a run are in model.c.
 */
#ifndef STROOM_MODEL_H
#define STROOM_MODEL_H

#include "internal.h"

#include <stdint.h>

/* Largest combined monthly probability of the competing events (exits and a
 * part-time change); the rest always stays. The events' hazards are scaled
 * proportionally so that their sum is at most this, whatever multipliers a
 * scenario stacks up (docs/model.md, step 4). */
#define STROOM_MODEL_MAX_EXIT_PROB 0.95
/* Every hazard the competing-risk draw and the candidate bounds use is taken
 * within [0, STROOM_MODEL_HAZARD_MAX]: NaN or negative counts as 0, above it as
 * it. Within the schema's bounds no hazard comes near it (the largest work hazard
 * is about 1e37: a base of 1 times four multipliers of 100, the part-time
 * multiplier 100, index^elasticity 1e20, a shock of 100, targets 10, team
 * intensity 10^3 and an instrument 10), so it never changes a result there; it
 * keeps the sum of five hazards finite, and so the draw free of inf * 0,
 * whatever a caller of the library sets. */
#define STROOM_MODEL_HAZARD_MAX 1e300

/* Hazard cells: distance x age band x duration band x type x area x part-time.
 * A group cell is a hazard cell without part-time: the classes of the output
 * groups. */
#define STROOM_MODEL_NGC_MAX (STROOM_NDIST * STROOM_NAGE * STROOM_NDUR * STROOM_NTYPE * STROOM_MAX_AREAS)
#define STROOM_MODEL_NCELL_MAX (STROOM_MODEL_NGC_MAX * 2)

static inline int stroom_model_group_cell(int n_areas, int d, int a, int u, int ty, int ar)
{
	return (((d * STROOM_NAGE + a) * STROOM_NDUR + u) * STROOM_NTYPE + ty) * n_areas + ar;
}

static inline int stroom_model_cell(int n_areas, int d, int a, int u, int ty, int ar, int pt)
{
	return stroom_model_group_cell(n_areas, d, a, u, ty, ar) * 2 + pt;
}

/* The bands of bands.c, inlined for the monthly loop (same rules): the age band
 * of a head born in `birth`, and the duration band of a spell started in
 * spell_start, on the 1st of month m. */
static inline int stroom_model_age_band(stroom_month birth, stroom_month m)
{
	int32_t a = m - birth;
	return a < 27 * 12 ? STROOM_AGE_LT27 : a < 40 * 12 ? STROOM_AGE_27_39
	     : a < 55 * 12 ? STROOM_AGE_40_54 : STROOM_AGE_55P;
}

static inline int stroom_model_duration_band(stroom_month spell_start, stroom_month m)
{
	int32_t d = m - spell_start;
	return d < 12 ? STROOM_DUR_LT1 : d < 24 ? STROOM_DUR_1_2 : d < 60 ? STROOM_DUR_2_5 : STROOM_DUR_GT5;
}

/* Does the selector (of a team, an instrument's eligibility, prevention's target)
 * admit a household of distance d, duration band u, age band a, type ty, area
 * ar and stream str? An empty list admits every class. */
static inline int stroom_model_selects(const stroom_selector *s, int d, int u, int a, int ty, int ar,
				       int str)
{
	return (!s->distance || (s->distance >> d & 1u)) && (!s->duration || (s->duration >> u & 1u)) &&
	       (!s->age || (s->age >> a & 1u)) && (!s->type || (s->type >> ty & 1u)) &&
	       (!s->area || (s->area >> ar & 1u)) && (!s->stream || (s->stream >> str & 1u));
}

/* Step 9: the stream of a new household: other under 27, otherwise prestatie010
 * for long distance and werk for the rest. */
static inline int stroom_model_entry_stream(int age_band, int dist)
{
	return age_band == STROOM_AGE_LT27 ? STROOM_STREAM_OTHER
	     : dist == STROOM_DIST_LONG ? STROOM_STREAM_PRESTATIE : STROOM_STREAM_WERK;
}

/* Step 8: the distance (returns.distance) and stream of a household that returns. */
static inline int stroom_model_return_distance(const stroom_params *p)
{
	return p->return_distance;
}

static inline int stroom_model_return_stream(int dist)
{
	return dist == STROOM_DIST_LONG ? STROOM_STREAM_PRESTATIE : STROOM_STREAM_WERK;
}

/* Step 7: the distance after month m of a household of distance dist that stays
 * on benefit, dur_next months in the approach on the 1st of m + 1 (its spell's
 * months, or from stroom_model_clock_origin): one class further when dur_next is
 * drift.short_to_medium_months (short) or drift.medium_to_long_months (medium),
 * else dist. */
static inline int stroom_model_drift(const stroom_params *p, int dist, int32_t dur_next)
{
	if (dist == STROOM_DIST_SHORT && dur_next == p->drift_short_months)
		return STROOM_DIST_MEDIUM;
	if (dist == STROOM_DIST_MEDIUM && dur_next == p->drift_medium_months)
		return STROOM_DIST_LONG;
	return dist;
}

/* Step 7: whether a household at the medium-to-long boundary drifts, given a
 * uniform u in [0, 1): with probability drift.medium_to_long_share. */
static inline int stroom_model_drift_long(const stroom_params *p, double u)
{
	return u < p->drift_long_share;
}

/* Step 7: the stream after a drift to distance `to`: werk becomes prestatie010
 * when the drift is to long distance. */
static inline int stroom_model_drift_stream(int stream, int to)
{
	return to == STROOM_DIST_LONG && stream == STROOM_STREAM_WERK ? STROOM_STREAM_PRESTATIE : stream;
}

/* Step 1: the labour-market factor on exits to work in month m,
 * f(m) = index(m) ^ labour_market.work_elasticity x hazard.work.shock(m). */
double stroom_model_month_factor(const stroom_params *p, stroom_month m);

/* approach_clock: the month from which a household whose spell began in
 * `spell` counts its time in the approach (for the work hazard's duration and
 * the drift): its spell's start, or with `start` the run's start if later. */
static inline stroom_month stroom_model_clock_origin(const stroom_params *p, stroom_month spell)
{
	return p->approach_clock == STROOM_CLOCK_START && spell < p->start ? p->start : spell;
}

/* The same in months: the time in the approach of a household d months into its
 * spell, t months after the run's start (min(d, t) with `start`: d > t exactly
 * when the spell began before the start). */
static inline int32_t stroom_model_clock_months(const stroom_params *p, int32_t d, int32_t t)
{
	return p->approach_clock == STROOM_CLOCK_START && d > t ? t : d;
}

/* Step 4: the duration band whose hazard.work.duration multiplier applies in
 * month m to a household of spell duration band u. With approach_clock spell it
 * is u. With start, a household on benefit at the run's start counts from the
 * start: its clock is min(d, t) for spell duration d and t = m - start months
 * since the start (d > t exactly when its spell began before the start), and
 * the bands being monotone, band(min(d, t)) = min(u, band(t)): one band for
 * every household of band u, so the engines keep their cells by spell band. */
static inline int stroom_model_work_band(const stroom_params *p, stroom_month m, int u)
{
	int ut;
	if (p->approach_clock != STROOM_CLOCK_START)
		return u;
	ut = stroom_model_duration_band(p->start, m);
	return ut < u ? ut : u;
}

/* Step 4: the hazards of one cell in a month with factor f (month_factor):
 * h[0] work (before the team, instrument and target multipliers) with the
 * duration multiplier of band uw (stroom_model_work_band), h[1] other, h[2]
 * enforcement (hazard.enforcement, the base rate; the lever's controls are
 * stroom_model_control_prob). */
static inline void stroom_model_cell_hazards(const stroom_params *p, double f, int d, int a, int u,
					     int uw, int ty, int ar, int pt, double h[3])
{
	h[0] = p->work_distance[d] * p->work_age[a] * p->work_duration[uw] * p->work_type[ty] *
	       p->work_area[ar] * (pt ? p->parttime_work_multiplier : 1.0) * f;
	h[1] = p->other_base * p->other_age[a] * p->other_duration[u];
	h[2] = p->enforcement;
}

/* Step 1 and 4: the hazards of every cell in month m into haz[stroom_model_cell(...)]. */
void stroom_model_month_hazards(const stroom_params *p, stroom_month m, double (*haz)[3]);

/* A hazard within [0, STROOM_MODEL_HAZARD_MAX] (NaN counts as 0). */
static inline double stroom_model_hazard_clamp(double h)
{
	return h > 0.0 ? (h < STROOM_MODEL_HAZARD_MAX ? h : STROOM_MODEL_HAZARD_MAX) : 0.0;
}

/* Step 4 with the levers of docs/policy.md: the competing risks of a household
 * whose work hazard, every multiplier applied (cell x targets x team x
 * instrument), is hw, whose other and enforcement hazards are ho and he, with
 * part-time flag pt. Each hazard is clamped, the LKS hazard is hazard.lks_share x
 * the work hazard, the part-time change competes (parttime.stop or .start), and
 * the five are scaled in proportion so that their sum is at most
 * STROOM_MODEL_MAX_EXIT_PROB. th[] gets the cumulative probabilities of exit to
 * work, + LKS, + other, + enforcement, + part-time change: th[0] is P(work),
 * th[1] - th[0] P(LKS), ..., th[4] the probability of any event. */
static inline void stroom_model_risks(const stroom_params *p, double hw, double ho, double he, int pt,
				      double th[5])
{
	double hl, hp, tot, scale;
	hw = stroom_model_hazard_clamp(hw);
	hl = stroom_model_hazard_clamp(hw * p->lks_share);
	ho = stroom_model_hazard_clamp(ho);
	he = stroom_model_hazard_clamp(he);
	hp = stroom_model_hazard_clamp(pt ? p->parttime_stop : p->parttime_start);
	tot = hw + hl + ho + he + hp;
	scale = tot > STROOM_MODEL_MAX_EXIT_PROB ? STROOM_MODEL_MAX_EXIT_PROB / tot : 1.0;
	th[0] = hw * scale;
	th[1] = (hw + hl) * scale;
	th[2] = (hw + hl + ho) * scale;
	th[3] = (hw + hl + ho + he) * scale;
	th[4] = tot * scale;
}

/* The targets lever (docs/policy.md): the multiplier 1 + pressure x (drawn - 1)
 * of a target effect `drawn` (targets.work on the work hazard, targets.nondurable
 * on the non-durable share) at pressure `pressure` (stroom_model_targets_pressure). */
static inline double stroom_model_targets(double pressure, double drawn)
{
	return 1.0 + pressure * (drawn - 1.0);
}

/* targets.pressure in month m (0 before its first value). */
double stroom_model_targets_pressure(const stroom_params *p, stroom_month m);

/* The capacity lever (docs/policy.md): a team's intensity in month m, its
 * reference caseload x FTE over its clients on the 1st, kept within
 * [1 / cap, cap] (capacity.intensity_cap); no clients give cap, no FTE 1 / cap. */
double stroom_model_team_intensity(double reference, double fte, int32_t clients, double cap);
/* Which team serves each group cell and stream in month m: teamtab[group cell x
 * STROOM_NSTREAM + stream] = k + 1 for team k, 0 for none. A team without FTE
 * this month serves nobody (so teams can hand over on a date); a household goes
 * to the first active team that selects it. */
void stroom_model_team_table(const stroom_params *p, stroom_month m, uint8_t *teamtab);
/* Its multiplier on the work hazard: intensity ^ capacity.elasticity. */
double stroom_model_team_multiplier(double intensity, double elasticity);
/* The largest work multiplier any team can give (1 without teams). */
double stroom_model_team_bound(const stroom_params *p, double elasticity);

/* The instruments (docs/policy.md): a household's phase in its instrument. */
enum { STROOM_MODEL_INSTR_NONE, STROOM_MODEL_INSTR_LOCKIN, STROOM_MODEL_INSTR_AFTER };

/* The work-hazard multiplier of an instrument with drawn lockin and effect in
 * phase `phase`: lockin while in it, effect during its after-effect, else 1. */
static inline double stroom_model_instrument_work(int phase, double lockin, double effect)
{
	return phase == STROOM_MODEL_INSTR_LOCKIN ? lockin
	     : phase == STROOM_MODEL_INSTR_AFTER ? effect : 1.0;
}

/* Step 5: the non-durable share of an exit to work or with LKS:
 * returns.nondurable_share x the targets' multiplier tnd x the durability
 * multipliers of the instrument the household was in (durability, 1 if none:
 * stroom_model_instrument_nondurable) and of the aftercare that takes it
 * (aftercare, 1 if none), taken at most 1. */
static inline double stroom_model_nondurable(const stroom_params *p, double tnd, double durability,
					     double aftercare)
{
	double nd = p->return_nondurable_share * tnd * durability * aftercare;
	return nd > 1.0 ? 1.0 : nd;
}

/* The durability multiplier of an instrument in phase `phase`: durability while
 * in it or during its after-effect, else 1. */
static inline double stroom_model_instrument_nondurable(int phase, double durability)
{
	return phase != STROOM_MODEL_INSTR_NONE ? durability : 1.0;
}

/* Step 8: the monthly return hazard of a household off after a non-durable exit,
 * 1 - (1 - within_12m / nondurable_share) ^ (1/12). */
double stroom_model_return_hazard(const stroom_params *p);

/* Step 8 with returns.start_pool: steady, the pool of households off benefit
 * after a non-durable exit before the start: the probability that a starting
 * household exits to work or with LKS in the first month, from its cell's
 * hazards h in that month (stroom_model_cell_hazards at the start month's
 * factor; the levers left out: no team, instrument or target multiplier), with
 * part-time flag pt. Its weight in the pool's size and composition. */
static inline double stroom_model_start_exit(const stroom_params *p, const double h[3], int pt)
{
	double th[5];
	stroom_model_risks(p, h[0], h[1], h[2], pt, th);
	return th[1];
}

/* The steady pool per exit a month, q / lambda (q the non-durable share, lambda
 * the return hazard): with E exits to work or with LKS a month the pool holds
 * E q / lambda, whose returns a month, lambda times it, are the E q that join
 * it. 0 with returns.start_pool: none or no returns (lambda 0). */
double stroom_model_start_pool_per_exit(const stroom_params *p);

/* Step 9: the mean count of new households in month m (before the gate and
 * prevention), inflow.per_year / 12 x inflow.shock x index ^ -inflow_elasticity. */
double stroom_model_inflow_mean(const stroom_params *p, stroom_month m);

/* The gate lever: the probability that an applicant under 27 is sent on the
 * search period, gate.search_share x gate.search_effect (drawn). Every applicant
 * is also turned away by selection with probability gate.selection (drawn);
 * the two are independent. */
static inline double stroom_model_gate_search(const stroom_params *p, double search_effect)
{
	return p->gate_search_share * search_effect;
}

/* The probability that an applicant passes the gate (young: under 27). */
double stroom_model_gate_pass(const stroom_params *p, int young, double search_effect,
			      double selection);

/* The prevention lever: the probability that a new household of the target
 * group is prevented in month m, prevention.reach(m) x prevention.effect (drawn);
 * 0 when reach is not positive. */
double stroom_model_prevention_prob(const stroom_params *p, stroom_month m, double effect);

/* The enforcement lever: the probability that a household on benefit is
 * controlled and an irregularity found in month m, enforcement.controls(m) / 12
 * over the stock on the 1st of the previous month x enforcement.detection
 * (drawn), at most 1; 0 without a stock. Of the findings
 * enforcement.termination_share end the benefit; the rest get a sanction. */
double stroom_model_control_prob(const stroom_params *p, stroom_month m, int32_t prev_stock,
				 double detection);

/* The month's benefit of a household with benefit `benefit` and norm `norm`
 * (eurocent) while a sanction runs: less enforcement.sanction_pct of the norm,
 * rounded, never below 0. */
static inline int64_t stroom_model_sanctioned(const stroom_params *p, int64_t benefit, int64_t norm)
{
	int64_t cut = (norm * p->enforcement_sanction_pct + 50) / 100;
	return cut >= benefit ? 0 : benefit - cut;
}

/* Aftercare: the share of this month's exits to work or with LKS an instrument
 * offering aftercare (after_exit) can take, with `slots` places this month and
 * prev_exits such exits last month. */
double stroom_model_aftercare_cover(int after_exit, int32_t slots, int prev_exits);

/* LKS: a household that leaves with LKS in month m is paid lks.cost_eurocent a
 * month up to (not including) this month. */
static inline int32_t stroom_model_lks_end(const stroom_params *p, stroom_month m)
{
	return m + 1 + p->lks_duration_months;
}

/* Share of the new applicants prevention.target selects, from the inflow's class
 * shares (the execution cost of prevention: src/output/output.c, src/engines/target.c). */
double stroom_model_prevention_share(const stroom_params *p);

#endif
