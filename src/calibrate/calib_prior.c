/*
 * calib_prior.c: a fitted parameter's support, its logit transform with the
 * Jacobian, and the prior's log density truncated to the support.
 *
 * The support of a prior is the key's bounds [lo, hi] (the schema's) within the
 * distribution's own: (0, inf) for a lognormal, [0, 1] for a beta, [min, max] for
 * a uniform. Every key of the schema is bounded, so the sampler works on
 * y = logit((x - lo) / (hi - lo)), which maps the support onto the real line; the
 * density of y is the density of x times |dx/dy| = (hi - lo) s (1 - s), s the
 * logistic of y.
 */
#include "calib_int.h"

#include <gsl/gsl_cdf.h>
#include <gsl/gsl_math.h>
#include <gsl/gsl_sf_gamma.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

static double maxd(double a, double b) { return a > b ? a : b; }
static double mind(double a, double b) { return a < b ? a : b; }

/* The distribution's own support within [lo, hi]. */
static void support(const stroom_prior *pr, double *lo, double *hi)
{
	*lo = pr->lo;
	*hi = pr->hi;
	switch (pr->dist) {
	case STROOM_PRIOR_LOGNORMAL: *lo = maxd(*lo, 0.0); break;
	case STROOM_PRIOR_BETA:
		*lo = maxd(*lo, 0.0);
		*hi = mind(*hi, 1.0);
		break;
	case STROOM_PRIOR_UNIFORM:
		*lo = maxd(*lo, pr->a);
		*hi = mind(*hi, pr->b);
		break;
	default: break;
	}
}

/* The prior's sd (before truncation), for step sizes. */
static double prior_sd(const stroom_prior *pr)
{
	switch (pr->dist) {
	case STROOM_PRIOR_NORMAL: return pr->b;
	case STROOM_PRIOR_LOGNORMAL: return exp(pr->a + 0.5 * pr->b * pr->b) * sqrt(expm1(pr->b * pr->b));
	case STROOM_PRIOR_BETA: {
		double s = pr->a + pr->b;
		return sqrt(pr->a * pr->b / (s * s * (s + 1)));
	}
	case STROOM_PRIOR_UNIFORM: return (pr->b - pr->a) / sqrt(12.0);
	default: return 0;
	}
}

int calib_param_init(calib_param *c, const char *name, int draw, const stroom_prior *pr)
{
	double sd, x0, h;
	memset(c, 0, sizeof *c);
	snprintf(c->name, sizeof c->name, "%s", name);
	c->draw = draw;
	c->prior = *pr;
	if (pr->dist == STROOM_PRIOR_VALUES)
		return stroom_error_set(STROOM_EINVAL, "%s: a 'values' prior (a few discrete values) "
					"cannot be fitted continuously; write it as a normal, lognormal, "
					"beta or uniform prior, or leave it out of --param", name);
	if (pr->dist == STROOM_PRIOR_FIXED)
		return stroom_error_set(STROOM_EINVAL, "%s: has no prior (a fixed value); only a key "
					"written as a prior can be fitted", name);
	support(pr, &c->lo, &c->hi);
	if (!(c->lo < c->hi) || !isfinite(c->lo) || !isfinite(c->hi))
		return stroom_error_set(STROOM_EINVAL, "%s: the prior has no room within the key's "
					"bounds [%g, %g]", name, pr->lo, pr->hi);
	c->tr = CALIB_TR_LOGIT;
	/* the step: the prior sd carried into y at the central value */
	sd = prior_sd(pr);
	x0 = stroom_prior_central(pr);
	if (!(x0 > c->lo && x0 < c->hi))
		x0 = 0.5 * (c->lo + c->hi);
	{
		double s = (x0 - c->lo) / (c->hi - c->lo);
		h = sd / ((c->hi - c->lo) * s * (1 - s)); /* dy/dx = 1 / ((hi - lo) s (1 - s)) */
	}
	c->step = isfinite(h) && h > 1e-6 ? mind(h, 3.0) : 1.0;
	c->seen = 1;
	return 0;
}

double calib_to_x(const calib_param *c, double y)
{
	double s;
	if (c->tr == CALIB_TR_NONE)
		return y;
	s = y >= 0 ? 1.0 / (1.0 + exp(-y)) : exp(y) / (1.0 + exp(y));
	return c->lo + (c->hi - c->lo) * s;
}

double calib_to_y(const calib_param *c, double x)
{
	double s;
	if (c->tr == CALIB_TR_NONE)
		return x;
	s = (x - c->lo) / (c->hi - c->lo);
	if (s <= 0)
		return -40.0;
	if (s >= 1)
		return 40.0;
	return log(s) - log1p(-s);
}

double calib_log_jacobian(const calib_param *c, double y)
{
	double ay = fabs(y);
	if (c->tr == CALIB_TR_NONE)
		return 0;
	/* log s + log(1 - s) = -|y| - 2 log(1 + e^-|y|) */
	return log(c->hi - c->lo) - ay - 2.0 * log1p(exp(-ay));
}

double calib_log_prior(const stroom_prior *pr, double lo, double hi, double x)
{
	double z, mass = 1.0, ld;
	if (!(x >= lo && x <= hi))
		return -HUGE_VAL;
	switch (pr->dist) {
	case STROOM_PRIOR_NORMAL:
		z = (x - pr->a) / pr->b;
		ld = -0.5 * z * z - log(pr->b) - 0.5 * log(2 * M_PI);
		mass = gsl_cdf_gaussian_P(hi - pr->a, pr->b) - gsl_cdf_gaussian_P(lo - pr->a, pr->b);
		break;
	case STROOM_PRIOR_LOGNORMAL:
		if (x <= 0)
			return -HUGE_VAL;
		z = (log(x) - pr->a) / pr->b;
		ld = -0.5 * z * z - log(x) - log(pr->b) - 0.5 * log(2 * M_PI);
		mass = gsl_cdf_lognormal_P(hi, pr->a, pr->b) -
		       (lo > 0 ? gsl_cdf_lognormal_P(lo, pr->a, pr->b) : 0.0);
		break;
	case STROOM_PRIOR_BETA:
		if (x <= 0 || x >= 1) {
			/* the density's ends: finite only for a, b >= 1 */
			if ((x <= 0 && pr->a > 1) || (x >= 1 && pr->b > 1))
				return -HUGE_VAL;
			if ((x <= 0 && pr->a < 1) || (x >= 1 && pr->b < 1))
				return HUGE_VAL;
		}
		ld = (pr->a - 1) * (x > 0 ? log(x) : 0) + (pr->b - 1) * (x < 1 ? log1p(-x) : 0) -
		     gsl_sf_lnbeta(pr->a, pr->b);
		mass = gsl_cdf_beta_P(mind(hi, 1.0), pr->a, pr->b) -
		       gsl_cdf_beta_P(maxd(lo, 0.0), pr->a, pr->b);
		break;
	case STROOM_PRIOR_UNIFORM:
		if (x < pr->a || x > pr->b)
			return -HUGE_VAL;
		ld = -log(pr->b - pr->a);
		mass = (mind(hi, pr->b) - maxd(lo, pr->a)) / (pr->b - pr->a);
		break;
	default: return -HUGE_VAL;
	}
	return mass > 0 ? ld - log(mass) : -HUGE_VAL;
}
