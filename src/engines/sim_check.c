/*
 * sim_check.c: what a run of the engine needs, checked without running it.
 *
 * stroom_sim_run starts with stroom_sim_check, and so does every command that
 * checks a scenario before running it (src/scenario/check.c), so the two cannot disagree.
 * It checks what the engine needs beyond the schema's bounds (areas, months,
 * the returns' shares in every replicate's draws), the memory of the results,
 * and the quantities a run derives from several keys: the households it must
 * hold (the starting stock plus the horizon's inflow at its largest plausible
 * size, in every replicate's draws) and the most money it can pay in a year.
 * Each limit is in include/stroom/sim.h; docs/architecture.md ("Guarantees")
 * lists them.
 *
 * A message about a derived quantity starts with the keys that produce it
 * ("inflow.per_year, inflow.shock, ...: "), so a caller with the scenario can
 * prefix the position of the first of them (stroom_check_run does).
 */
#include "internal.h"
#include "sim_int.h"
#include "model.h"

#include <stroom/rules.h>
#include <stroom/sim.h>

#include <math.h>
#include <stdio.h>
#include <string.h>

/* The benefit classes' ages (as the engine pays them: 18-20, 21-26, 27+). */
static const int class_age[] = {19, 24, 40};

double stroom_sim_capacity(const stroom_params *p, size_t n0, stroom_month until)
{
	double extra = 1024;
	stroom_month m;
	for (m = p->start; m <= p->end && m <= until; m++) {
		double mu = stroom_model_inflow_mean(p, m);
		extra += mu + 10.0 * sqrt(mu) + 10.0;
	}
	return (double)n0 + extra;
}

size_t stroom_sim_result_bytes(const stroom_params *p)
{
	/* the groups of a run: all, distance, areas, duration, age, type (sim.c's
	 * layout_for) */
	size_t ng = (size_t)(1 + STROOM_NDIST + p->n_areas + STROOM_NDUR + STROOM_NAGE + STROOM_NTYPE);
	size_t per_month = STROOM_NIND * ng * sizeof(int32_t) + STROOM_NMONEY * ng * sizeof(int64_t) +
			   (STROOM_MAX_TEAMS + 2 * STROOM_MAX_INSTRUMENTS) * sizeof(int32_t);
	double months = (double)p->end - (double)p->start + 1;
	double bytes = (double)p->replicates * (months * (double)per_month + (double)ng * sizeof(int32_t) +
						  (double)STROOM_DRAW_MAX * sizeof(double));
	return bytes > (double)SIZE_MAX / 2 ? SIZE_MAX / 2 : (size_t)bytes;
}

/* Fails with the keys that make the run's households (q: replicate rep's draws of p). */
static int too_many_households(const stroom_params *p, const stroom_params *q, double need,
			       size_t n0, int rep)
{
	char m0[16], m1[16], r[48] = "";
	if (q->inflow_per_year != p->inflow_per_year ||
	    q->labour_inflow_elasticity != p->labour_inflow_elasticity)
		snprintf(r, sizeof r, " (replicate %d's draws)", rep);
	return stroom_error_set(
		STROOM_EINVAL,
		"inflow.per_year, inflow.shock, labour_market.index, labour_market.inflow_elasticity: "
		"the run needs room for %.3g households%s: %zu at the start plus the inflow of %s to "
		"%s with room for 10 standard deviations a month; a run holds at most %d",
		need, r, n0, stroom_month_format(p->start, m0, sizeof m0),
		stroom_month_format(p->end, m1, sizeof m1), STROOM_SIM_MAX_HOUSEHOLDS);
}

/* The largest monthly benefit of any class of the engine in month m. */
static int max_benefit(const stroom_rules *rules, stroom_month m, int64_t *out)
{
	int type, ac, err;
	char mb[16];
	*out = 0;
	for (type = 0; type < STROOM_NTYPE; type++)
		for (ac = 0; ac < (int)STROOM_ARRAY_LEN(class_age); ac++) {
			stroom_household_input h = STROOM_HOUSEHOLD_INPUT_INIT;
			stroom_benefit b;
			h.type = type;
			h.age = h.partner_age = class_age[ac];
			h.skip_trace = 1;
			if ((err = stroom_rules_benefit(rules, m, &h, &b)) != 0)
				return stroom_error_set(STROOM_EINVAL, "start: benefit rules for %s: %s",
							stroom_month_format(m, mb, sizeof mb),
							stroom_error_last());
			if (b.amount_eurocent > *out)
				*out = b.amount_eurocent;
		}
	return 0;
}

/* The most pool members (returns.start_pool: steady) replicate parameters q can
 * bring: every one of the n0 starting households leaving at the largest
 * probability, its steady pool's share that returns within the run, and 10
 * standard deviations (sim.c draws the members who return within the run). */
static double pool_bound(const stroom_params *q, size_t n0)
{
	double per = stroom_model_start_pool_per_exit(q), lam, hz, mu;
	if (!(per > 0.0))
		return 0.0;
	lam = stroom_model_return_hazard(q);
	hz = lam >= 1.0 ? 1.0 : -expm1(((double)q->end - (double)q->start + 1.0) * log1p(-lam));
	mu = (double)n0 * STROOM_MODEL_MAX_EXIT_PROB * per * hz;
	return mu + 10.0 * sqrt(mu) + 10.0;
}

/*
 * The households replicate parameters q can hold and the most money they can
 * pay in a calendar year: every household the run can hold by the year's end
 * paid the largest benefit and an LKS every month, plus the other spending;
 * recoveries: every control a finding (at most one a household a month). Raises
 * b's maxima; returns the households.
 */
static double replicate_bounds(const stroom_params *q, size_t n0, const int64_t *bmax,
			       stroom_sim_bounds *b)
{
	double hh = (double)n0 + pool_bound(q, n0) + 1024, spend = 0, controls = 0;
	stroom_month m;
	for (m = q->start; m <= q->end; m++) {
		double mu = stroom_model_inflow_mean(q, m);
		hh += mu + 10.0 * sqrt(mu) + 10.0;
		/* the stock in month m is at most hh: paid the largest benefit and an LKS */
		spend += hh * ((double)bmax[m - q->start] + (double)q->lks_cost_eurocent);
		controls += stroom_series_at(&q->enforcement_controls, m, 0.0) / 12.0;
		if (stroom_month_of_year(m) == 12 || m == q->end) {
			int y = stroom_month_year(m);
			double rec = (controls < 12 * hh ? controls : 12 * hh) *
				     (double)q->enforcement_recovery_eurocent;
			spend += 100.0 * stroom_series_at(&q->budget_other_spending,
							  stroom_month_make(y, 1), 0.0);
			/* spending outside the engine: ratio x caseload x price */
			spend += 100.0 * q->budget_other_ratio * hh *
				 stroom_series_at(&q->budget_other_price, stroom_month_make(y, 1), 0.0);
			if (spend > b->spending_eurocent) {
				b->spending_eurocent = spend;
				b->spending_year = y;
			}
			if (rec > b->recoveries_eurocent) {
				b->recoveries_eurocent = rec;
				b->recoveries_year = y;
			}
			spend = controls = 0;
		}
	}
	return hh;
}

int stroom_sim_check(const stroom_params *p, size_t n0, const stroom_sim_options *opts,
		     stroom_sim_bounds *bounds)
{
	stroom_sim_options o = STROOM_SIM_OPTIONS_INIT;
	const stroom_allocator *a;
	stroom_rules *own_rules = NULL;
	const stroom_rules *rules;
	stroom_params *tmp = NULL;
	stroom_sim_bounds b;
	int64_t *bmax = NULL;
	double v[STROOM_DRAW_MAX];
	int err = 0, rep, T, y, central;
	size_t bytes;

	if (opts)
		o = *opts;
	a = o.allocator;
	central = o.fixed_parameters;
	memset(&b, 0, sizeof b);
	if (p->n_areas < 1 || p->n_areas > STROOM_MAX_AREAS)
		return stroom_error_set(STROOM_EINVAL, "areas: expected 1 to %d areas, got %d",
					STROOM_MAX_AREAS, p->n_areas);
	if (p->end < p->start)
		return stroom_error_set(STROOM_EINVAL, "end: expected a month at or after start");
	if (p->replicates < 1)
		return stroom_error_set(STROOM_EINVAL, "replicates: expected at least 1, got %d",
					p->replicates);
	if (n0 > STROOM_SIM_MAX_HOUSEHOLDS)
		return stroom_error_set(STROOM_EINVAL,
					"population.households: a run holds at most %d households; "
					"the starting stock has %zu",
					STROOM_SIM_MAX_HOUSEHOLDS, n0);
	bytes = stroom_sim_result_bytes(p);
	if (bytes > STROOM_SIM_MAX_RESULT_BYTES)
		return stroom_error_set(STROOM_EINVAL,
					"replicates, start, end: %d replicates of %d months need %.1f "
					"GiB of results; a run keeps at most %.0f GiB (fewer "
					"replicates or a shorter horizon)",
					p->replicates, (int)(p->end - p->start + 1),
					(double)bytes / (1 << 30),
					(double)STROOM_SIM_MAX_RESULT_BYTES / (1 << 30));
	if (!(p->return_within_12m < p->return_nondurable_share) && p->return_within_12m > 0)
		return stroom_error_set(STROOM_EINVAL,
					"returns.within_12m: expected less than returns.nondurable_share "
					"(%g), got %g",
					p->return_nondurable_share, p->return_within_12m);
	b.result_bytes = bytes;
	T = p->end - p->start + 1;

	rules = o.rules;
	if (!rules) {
		if ((err = stroom_rules_load(&own_rules, NULL, NULL, a)) != 0)
			goto cleanup;
		rules = own_rules;
	}
	bmax = stroom_malloc(a, (size_t)T * sizeof *bmax);
	tmp = stroom_malloc(a, sizeof *tmp);
	if (!bmax || !tmp) {
		err = STROOM_ENOMEM;
		goto cleanup;
	}
	for (y = 0; y < T; y++)
		if ((err = max_benefit(rules, p->start + y, &bmax[y])) != 0)
			goto cleanup;

	memcpy(tmp, p, sizeof *tmp);
	for (rep = 0; rep < p->replicates; rep++) {
		double need;
		stroom_params_draw_values_post(p, o.posterior, (uint32_t)rep, central, v);
		stroom_params_apply_values(p, v, tmp);
		if (!(tmp->return_within_12m < tmp->return_nondurable_share) &&
		    tmp->return_within_12m > 0) {
			err = stroom_error_set(STROOM_EINVAL,
					       "returns.within_12m: expected less than "
					       "returns.nondurable_share in every replicate's draw, got "
					       "%g and %g in replicate %d (narrow their priors so that "
					       "they cannot overlap)",
					       tmp->return_within_12m, tmp->return_nondurable_share, rep);
			goto cleanup;
		}
		need = replicate_bounds(tmp, n0, bmax, &b);
		if (!(need <= STROOM_SIM_MAX_HOUSEHOLDS)) {
			err = too_many_households(p, tmp, need, n0, rep);
			goto cleanup;
		}
		if (need > b.households)
			b.households = need;
	}
	if (bounds)
		*bounds = b;
cleanup:
	stroom_free(a, tmp);
	stroom_free(a, bmax);
	stroom_rules_free(own_rules);
	return err;
}
