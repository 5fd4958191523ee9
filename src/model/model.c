/*
 * model.c: the parts of the model (model.h) computed once a month or once a
 * run: the month's factor and hazard table, the teams' intensity, returns,
 * inflow, gate, prevention, controls and aftercare. docs/model.md section 3
 * gives the steps; docs/policy.md the levers.
 */
#include "model.h"

#include <math.h>

double stroom_model_month_factor(const stroom_params *p, stroom_month m)
{
	double index = stroom_series_at(&p->labour_index, m, 1.0);
	return pow(index, p->labour_work_elasticity) * stroom_series_at(&p->work_shock, m, 1.0);
}

void stroom_model_month_hazards(const stroom_params *p, stroom_month m, double (*haz)[3])
{
	const double f = stroom_model_month_factor(p, m);
	int na = p->n_areas, d, a, u, ty, ar, pt;
	for (d = 0; d < STROOM_NDIST; d++)
	for (a = 0; a < STROOM_NAGE; a++)
	for (u = 0; u < STROOM_NDUR; u++)
	for (ty = 0; ty < STROOM_NTYPE; ty++)
	for (ar = 0; ar < na; ar++)
	for (pt = 0; pt < 2; pt++)
		stroom_model_cell_hazards(p, f, d, a, u, stroom_model_work_band(p, m, u), ty, ar, pt,
					  haz[stroom_model_cell(na, d, a, u, ty, ar, pt)]);
}

double stroom_model_targets_pressure(const stroom_params *p, stroom_month m)
{
	return stroom_series_at(&p->targets_pressure, m, 0.0);
}

double stroom_model_team_intensity(double reference, double fte, int32_t clients, double cap)
{
	double intensity = clients > 0 ? (fte > 0 ? reference * fte / clients : 0.0) : cap;
	if (intensity > cap)
		intensity = cap;
	if (intensity < 1.0 / cap)
		intensity = 1.0 / cap;
	return intensity;
}

void stroom_model_team_table(const stroom_params *p, stroom_month m, uint8_t *teamtab)
{
	int active[STROOM_MAX_TEAMS], na = p->n_areas, nt = p->n_teams, k, d, a, u, ty, ar, s;
	for (k = 0; k < nt; k++)
		active[k] = stroom_series_at(&p->team[k].fte, m, 0.0) > 0.0;
	for (d = 0; d < STROOM_NDIST; d++)
	for (a = 0; a < STROOM_NAGE; a++)
	for (u = 0; u < STROOM_NDUR; u++)
	for (ty = 0; ty < STROOM_NTYPE; ty++)
	for (ar = 0; ar < na; ar++)
	for (s = 0; s < STROOM_NSTREAM; s++) {
		uint8_t tm = 0;
		for (k = 0; k < nt; k++)
			if (active[k] && stroom_model_selects(&p->team[k].serves, d, u, a, ty, ar, s)) {
				tm = (uint8_t)(k + 1);
				break;
			}
		teamtab[stroom_model_group_cell(na, d, a, u, ty, ar) * STROOM_NSTREAM + s] = tm;
	}
}

double stroom_model_team_multiplier(double intensity, double elasticity)
{
	return pow(intensity, elasticity);
}

/* Intensity is kept within [1/cap, cap], so the multiplier within cap^-e and cap^e. */
double stroom_model_team_bound(const stroom_params *p, double elasticity)
{
	double hi, lo;
	if (p->n_teams == 0)
		return 1.0;
	hi = pow(p->capacity_intensity_cap, elasticity);
	lo = pow(p->capacity_intensity_cap, -elasticity);
	return hi > 1.0 ? (hi > lo ? hi : lo) : (lo > 1.0 ? lo : 1.0);
}

/* The ratio is taken within [0, 1]: stroom_sim_check requires within_12m below
 * nondurable_share, so it is below 1 and the hazard below 1 (a ratio of 1, or a
 * nondurable_share of 0, would mean every non-durable household returns the
 * next month: hazard 1). */
double stroom_model_return_hazard(const stroom_params *p)
{
	double ratio;
	if (!(p->return_within_12m > 0))
		return 0.0;
	ratio = p->return_within_12m / p->return_nondurable_share;
	return ratio < 1.0 ? 1.0 - pow(1.0 - ratio, 1.0 / 12.0) : 1.0;
}

double stroom_model_start_pool_per_exit(const stroom_params *p)
{
	double lam = stroom_model_return_hazard(p);
	if (p->return_start_pool != STROOM_START_POOL_STEADY || !(lam > 0.0))
		return 0.0;
	return stroom_model_nondurable(p, 1.0, 1.0, 1.0) / lam;
}

double stroom_model_inflow_mean(const stroom_params *p, stroom_month m)
{
	double index = stroom_series_at(&p->labour_index, m, 1.0);
	double shock = stroom_series_at(&p->inflow_shock, m, 1.0);
	return p->inflow_per_year / 12.0 * shock * pow(index, -p->labour_inflow_elasticity);
}

/* A probability within [0, 1] (NaN counts as 0). */
static double prob(double x)
{
	return x > 0.0 ? (x < 1.0 ? x : 1.0) : 0.0;
}

double stroom_model_gate_pass(const stroom_params *p, int young, double search_effect,
			      double selection)
{
	double search = young ? prob(stroom_model_gate_search(p, search_effect)) : 0.0;
	return (1.0 - search) * (1.0 - prob(selection));
}

double stroom_model_prevention_prob(const stroom_params *p, stroom_month m, double effect)
{
	double reach = stroom_series_at(&p->prevention_reach, m, 0.0);
	return reach > 0 ? reach * effect : 0.0;
}

double stroom_model_control_prob(const stroom_params *p, stroom_month m, int32_t prev_stock,
				 double detection)
{
	double c = prev_stock > 0 ? stroom_series_at(&p->enforcement_controls, m, 0.0) / 12.0 /
					    prev_stock * detection
				  : 0.0;
	return c > 1.0 ? 1.0 : c;
}

double stroom_model_aftercare_cover(int after_exit, int32_t slots, int prev_exits)
{
	if (!after_exit)
		return 0.0;
	if (prev_exits > 0)
		return slots >= prev_exits ? 1.0 : (double)slots / prev_exits;
	return slots > 0 ? 1.0 : 0.0;
}

/* Share of the new applicants that prevention.target selects: the product over the
 * classes of the inflow's shares in the selected classes (the classes drawn
 * independently, as the engine draws them); new applicants are in their first
 * year; the stream is not selected on. */
double stroom_model_prevention_share(const stroom_params *p)
{
	const stroom_selector *s = &p->prevention_target;
	double share = 1.0, x;
	int i;
#define SEL_SHARE(mask, arr, n)                                           \
	if (mask) {                                                       \
		for (x = 0, i = 0; i < (n); i++)                          \
			if ((mask) & (1u << i))                           \
				x += (arr)[i];                            \
		share *= x;                                               \
	}
	SEL_SHARE(s->distance, p->inflow_distance, STROOM_NDIST)
	SEL_SHARE(s->age, p->inflow_age, STROOM_NAGE)
	SEL_SHARE(s->type, p->inflow_type, STROOM_NTYPE)
	SEL_SHARE(s->area, p->inflow_area, p->n_areas)
#undef SEL_SHARE
	if (s->duration && !(s->duration & (1u << STROOM_DUR_LT1)))
		share = 0.0;
	return share;
}
