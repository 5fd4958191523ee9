/*
 * calib_lik.c: which observed rows are fitted, and the likelihood of each
 * (docs/model.md section 7, "The likelihood").
 *
 * - A stock (households or benefits) is lognormal around the expected stock:
 *   log(observed) ~ N(log(mu), sd_unit^2 + 1/mu). sd_unit is the record's own
 *   error (1% for households, 2.5% for benefits); 1/mu is the process's chance
 *   variation (a stock of independent stays and Poisson arrivals has a variance
 *   of at most its mean), so a small scenario is not fitted as if it were exact.
 * - A flow (a count over 1, 3 or 12 months: the engine's months summed) is
 *   negative binomial with mean mu and variance mu + (phi mu)^2: Poisson inflow
 *   plus the record's overdispersion phi (5% households, 10% benefits).
 * - A share (unit share) is normal around the model's share, sd 0.025.
 * - Not fitted, each with its reason: persons (the model counts households),
 *   applications and re-examinations (not in the model), a group the scenario's
 *   results lack, a period outside the simulated months, a stock of a flow
 *   indicator or a flow of a stock.
 */
#include "calib_int.h"

#include <gsl/gsl_math.h>
#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>
#include <gsl/gsl_sf_gamma.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

void calib_lik_settings_from(calib_lik_settings *s, const stroom_calibrate_options *o)
{
	s->sd_households = o && o->sd_households > 0 ? o->sd_households : 0.01;
	s->sd_benefits = o && o->sd_benefits > 0 ? o->sd_benefits : 0.025;
	s->sd_share = o && o->sd_share > 0 ? o->sd_share : 0.025;
	s->phi_households = o && o->phi_households > 0 ? o->phi_households : 0.05;
	s->phi_benefits = o && o->phi_benefits > 0 ? o->phi_benefits : 0.10;
}

static const char *ind_name(int ind)
{
	switch (ind) {
	case STROOM_OBS_IND_INFLOW: return "inflow";
	case STROOM_OBS_IND_EXITS: return "exits";
	case STROOM_OBS_IND_APPLICATIONS: return "applications";
	case STROOM_OBS_IND_REEXAMINATIONS: return "reexaminations";
	default: return ind >= 0 && ind < STROOM_NIND ? stroom_indicator_name(ind) : "indicator";
	}
}

static const char *unit_name(int unit)
{
	static const char *const n[] = {"households", "benefits", "persons", "share"};
	return unit >= 0 && unit < 4 ? n[unit] : "unit";
}

void calib_row_label(const stroom_obs_row *r, char *buf, size_t size)
{
	char m[16];
	stroom_month_format(r->month, m, sizeof m);
	if (r->months == 0)
		snprintf(buf, size, "%s-01 %s %s (%s)", m, ind_name(r->indicator), r->group,
			 unit_name(r->unit));
	else
		snprintf(buf, size, "%s +%dm %s %s (%s)", m, r->months, ind_name(r->indicator), r->group,
			 unit_name(r->unit));
}

static int is_stock_indicator(int ind) { return ind == STROOM_IND_CASELOAD || ind == STROOM_IND_PARTTIME; }

/* The reason a row is not fitted into why, or 0 with the item filled. */
static int classify(const stroom_obs_row *r, const calib_model *m, const calib_lik_settings *s,
		    calib_item *it, char *why, size_t size)
{
	int t = (int)(r->month - m->start);
	memset(it, 0, sizeof *it);
	if (r->indicator == STROOM_OBS_IND_APPLICATIONS || r->indicator == STROOM_OBS_IND_REEXAMINATIONS) {
		snprintf(why, size, "%s are not in the model (it simulates the households that enter "
			 "and leave, not applications or re-examinations)", ind_name(r->indicator));
		return -1;
	}
	if (r->indicator == STROOM_OBS_IND_INFLOW) {
		it->nind = 2;
		it->ind[0] = STROOM_IND_INFLOW_NEW;
		it->ind[1] = STROOM_IND_INFLOW_RETURN;
	} else if (r->indicator == STROOM_OBS_IND_EXITS) {
		static const int ex[] = {STROOM_IND_EXIT_WORK, STROOM_IND_EXIT_LKS, STROOM_IND_EXIT_OTHER,
					 STROOM_IND_EXIT_ENFORCEMENT, STROOM_IND_EXIT_PENSION};
		it->nind = 5;
		memcpy(it->ind, ex, sizeof ex);
	} else if (r->indicator >= 0 && r->indicator < STROOM_NIND) {
		it->nind = 1;
		it->ind[0] = r->indicator;
	} else {
		snprintf(why, size, "the model does not produce this indicator (%d)", r->indicator);
		return -1;
	}
	if (r->unit == STROOM_OBS_UNIT_PERSONS) {
		snprintf(why, size, "unit persons: the model counts households (a couple is one "
			 "household and two persons) and no conversion is stated");
		return -1;
	}
	if (r->unit != STROOM_OBS_UNIT_HOUSEHOLDS && r->unit != STROOM_OBS_UNIT_BENEFITS &&
	    r->unit != STROOM_OBS_UNIT_SHARE) {
		snprintf(why, size, "unknown unit (%d)", r->unit);
		return -1;
	}
	if (r->months == 0 && !(it->nind == 1 && is_stock_indicator(it->ind[0]))) {
		snprintf(why, size, "%s is a flow (a count over a period), the row is a stock on a day",
			 ind_name(r->indicator));
		return -1;
	}
	if (r->months > 0 && it->nind == 1 && is_stock_indicator(it->ind[0])) {
		snprintf(why, size, "%s is a stock (counted on a day), the row is a flow over %d "
			 "months", ind_name(r->indicator), r->months);
		return -1;
	}
	if (r->months < 0) {
		snprintf(why, size, "a period of %d months", r->months);
		return -1;
	}
	if (r->months == 0 ? (t < 0 || t > m->months) : (t < 0 || t + r->months > m->months)) {
		char a[16], b[16];
		stroom_month_format(m->start, a, sizeof a);
		stroom_month_format(m->start + m->months, b, sizeof b);
		if (r->months == 0)
			snprintf(why, size, "outside the scenario's months (stocks from %s-01 to %s-01)", a,
				 b);
		else
			snprintf(why, size, "the period is not inside the scenario's months (flows from "
				 "%s to the month before %s)", a, b);
		return -1;
	}
	it->group = m->group_index(m->ctx, r->group);
	it->all = m->group_index(m->ctx, "all");
	if (it->group < 0 || it->all < 0) {
		snprintf(why, size, "group '%s' is not among the scenario's results groups", r->group);
		return -1;
	}
	it->t = t;
	it->months = r->months;
	it->value = r->value;
	if (r->unit == STROOM_OBS_UNIT_SHARE) {
		if (!(r->value >= 0 && r->value <= 1)) {
			snprintf(why, size, "a share must lie in [0, 1], got %g", r->value);
			return -1;
		}
		it->kind = CALIB_SHARE;
		it->share_flow = r->months > 0;
		it->sd = s->sd_share;
		return 0;
	}
	if (!(r->value >= 0) || !isfinite(r->value)) {
		snprintf(why, size, "a count must be at least 0, got %g", r->value);
		return -1;
	}
	if (r->months == 0) {
		if (r->value <= 0) {
			snprintf(why, size, "a stock of 0 cannot be fitted on the log scale");
			return -1;
		}
		it->kind = CALIB_STOCK;
		it->sd = r->unit == STROOM_OBS_UNIT_BENEFITS ? s->sd_benefits : s->sd_households;
	} else {
		it->kind = CALIB_FLOW;
		it->sd = r->unit == STROOM_OBS_UNIT_BENEFITS ? s->phi_benefits : s->phi_households;
	}
	return 0;
}

size_t calib_items_build(const stroom_obs_row *rows, size_t n, const calib_model *m,
			 const calib_lik_settings *s, calib_item *items, calib_skip *skips,
			 size_t *n_skips)
{
	size_t i, ni = 0, ns = 0;
	for (i = 0; i < n; i++) {
		char why[200];
		if (classify(&rows[i], m, s, &items[ni], why, sizeof why) == 0) {
			items[ni++].row = i;
		} else {
			skips[ns].row = i;
			snprintf(skips[ns].why, sizeof skips[ns].why, "%s", why);
			ns++;
		}
	}
	*n_skips = ns;
	return ni;
}

/* The sum of the item's indicators in group g over its months (a stock: at t). */
static double item_sum(const calib_item *it, const calib_model *m, const void *ws, int g)
{
	double v = 0;
	int k, t;
	if (it->months == 0)
		return m->value(ws, it->t, it->ind[0], g);
	for (t = it->t; t < it->t + it->months; t++)
		for (k = 0; k < it->nind; k++)
			v += m->value(ws, t, it->ind[k], g);
	return v;
}

double calib_item_expect(const calib_item *it, const calib_model *m, const void *ws)
{
	double num = item_sum(it, m, ws, it->group), den;
	if (it->kind != CALIB_SHARE)
		return num;
	if (it->share_flow)
		den = item_sum(it, m, ws, it->all);
	else
		den = m->value(ws, it->t, STROOM_IND_CASELOAD, it->all);
	return den > 0 ? num / den : 0.0;
}

double calib_item_sd(const calib_item *it, double mu)
{
	switch (it->kind) {
	case CALIB_STOCK: return sqrt(it->sd * it->sd + (mu > 0 ? 1.0 / mu : 0.0));
	case CALIB_FLOW: return sqrt(mu + it->sd * it->sd * mu * mu);
	default: return it->sd;
	}
}

double calib_item_loglik(const calib_item *it, double mu)
{
	double y = it->value, z, v, r;
	if (!isfinite(mu))
		return -HUGE_VAL;
	switch (it->kind) {
	case CALIB_STOCK:
		if (!(mu > 0))
			return -HUGE_VAL;
		v = it->sd * it->sd + 1.0 / mu;
		z = log(y) - log(mu);
		return -0.5 * z * z / v - 0.5 * log(2 * M_PI * v) - log(y);
	case CALIB_FLOW:
		if (!(mu > 0))
			return y == 0 ? 0.0 : -HUGE_VAL;
		r = 1.0 / (it->sd * it->sd); /* size: variance mu + mu^2 / r */
		return gsl_sf_lngamma(y + r) - gsl_sf_lngamma(r) - gsl_sf_lngamma(y + 1) +
		       r * log(r / (r + mu)) + y * log(mu / (r + mu));
	default:
		z = (y - mu) / it->sd;
		return -0.5 * z * z - log(it->sd) - 0.5 * log(2 * M_PI);
	}
}

double calib_item_draw(const calib_item *it, double mu, const gsl_rng *r)
{
	switch (it->kind) {
	case CALIB_STOCK:
		return mu > 0 ? exp(log(mu) + gsl_ran_gaussian_ziggurat(r, calib_item_sd(it, mu))) : 0;
	case CALIB_FLOW: {
		/* negative binomial as a gamma-Poisson mixture */
		double size = 1.0 / (it->sd * it->sd);
		return mu > 0 ? (double)gsl_ran_poisson(r, gsl_ran_gamma(r, size, mu / size)) : 0;
	}
	default: return mu + gsl_ran_gaussian_ziggurat(r, it->sd);
	}
}
