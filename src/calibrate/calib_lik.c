/*
 * calib_lik.c: which observed rows are fitted, and the likelihood of each
 * (docs/model.md section 7, "The likelihood").
 *
 * - A stock (households or benefits) is lognormal around the expected stock:
 *   log(observed) ~ N(log(mu), sd_unit^2 + v/mu^2). sd_unit is the record's own
 *   error (1% for households, 2.5% for benefits); v is the process's chance
 *   variation, so a small scenario is not fitted as if it were exact. The
 *   starting households are known, so only the turnover since the start varies:
 *   the stock is the starting households that stayed (independent stays, p_i)
 *   plus the arrivals that stayed (Poisson), of variance sum p_i (1 - p_i) plus
 *   the arrivals' mean, at most A + X - X^2 / N0 (A arrivals and X exits before
 *   the stock's month, N0 the starting stock; the bound holds with every exit a
 *   starting household's) and at most the mean mu. The fit fixes v per stock at
 *   the priors' central values (calib_items_process_var); for a group other
 *   than "all" (households also move between groups) v is mu. Without it (the
 *   backtest's items) v is mu.
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

void calib_items_process_var(calib_item *items, size_t n, const calib_model *m, const void *ws)
{
	static const int in[] = {STROOM_IND_INFLOW_NEW, STROOM_IND_INFLOW_RETURN};
	static const int out[] = {STROOM_IND_EXIT_WORK, STROOM_IND_EXIT_LKS, STROOM_IND_EXIT_OTHER,
				  STROOM_IND_EXIT_ENFORCEMENT, STROOM_IND_EXIT_PENSION};
	size_t i;
	for (i = 0; i < n; i++) {
		calib_item *it = &items[i];
		double a = 0, x = 0, n0, l, mu, v;
		int t, k;
		if (it->kind != CALIB_STOCK)
			continue;
		mu = m->value(ws, it->t, it->ind[0], it->group);
		if (it->group != it->all || it->ind[0] != STROOM_IND_CASELOAD) {
			it->has_pvar = 0;
			continue;
		}
		n0 = m->value(ws, 0, STROOM_IND_CASELOAD, it->all);
		for (t = 0; t < it->t; t++) {
			for (k = 0; k < 2; k++)
				a += m->value(ws, t, in[k], it->all);
			for (k = 0; k < 5; k++)
				x += m->value(ws, t, out[k], it->all);
		}
		l = x < n0 ? x : n0; /* the starting households' exits, at most */
		v = n0 > 0 ? a - x + 2 * l - l * l / n0 : mu;
		if (!(v >= 0) || !isfinite(v))
			v = 0;
		it->pvar = mu > 0 && v > mu ? mu : v;
		it->has_pvar = 1;
	}
}

/* The chance variation of a stock on the log scale at mean mu. */
static double stock_pvar_log(const calib_item *it, double mu)
{
	if (!(mu > 0))
		return 0.0;
	return it->has_pvar ? it->pvar / (mu * mu) : 1.0 / mu;
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
	case CALIB_STOCK: return sqrt(it->sd * it->sd + stock_pvar_log(it, mu));
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
		v = it->sd * it->sd + stock_pvar_log(it, mu);
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
