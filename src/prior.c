/*
 * prior.c: drawing uncertain parameters from their priors. Each replicate draws
 * each prior once from its own keyed Philox stream (seed, replicate, prior id),
 * through GSL's samplers, so a replicate's parameter set is a pure function of
 * the seed and does not depend on threads or on which other priors exist.
 * Draws outside the key's bounds are redrawn (truncation); after 1,000 misses
 * (a prior almost entirely outside its bounds) the draw is clamped.
 */
#include "internal.h"
#include "rng_int.h"

#include <stroom/scenario.h>

#include <gsl/gsl_randist.h>
#include <math.h>

static double clamp(double x, double lo, double hi) { return x < lo ? lo : x > hi ? hi : x; }

double stroom_prior_central(const stroom_prior *p)
{
	double v, sum = 0;
	int i;
	switch (p->dist) {
	case STROOM_PRIOR_NORMAL: v = p->a; break;
	case STROOM_PRIOR_LOGNORMAL: v = exp(p->a); break;
	case STROOM_PRIOR_BETA: v = p->a / (p->a + p->b); break;
	case STROOM_PRIOR_UNIFORM: v = 0.5 * (p->a + p->b); break;
	case STROOM_PRIOR_VALUES:
		for (i = 0; i < p->nvalues; i++)
			sum += p->values[i];
		v = p->nvalues > 0 ? sum / p->nvalues : 0.0;
		break;
	default: v = p->a; break;
	}
	return clamp(v, p->lo, p->hi);
}

static double draw_once(const stroom_prior *p, gsl_rng *r)
{
	switch (p->dist) {
	case STROOM_PRIOR_NORMAL: return p->a + gsl_ran_gaussian(r, p->b);
	case STROOM_PRIOR_LOGNORMAL: return gsl_ran_lognormal(r, p->a, p->b);
	case STROOM_PRIOR_BETA: return gsl_ran_beta(r, p->a, p->b);
	case STROOM_PRIOR_UNIFORM: return gsl_ran_flat(r, p->a, p->b);
	case STROOM_PRIOR_VALUES: {
		int k = (int)(gsl_rng_uniform(r) * p->nvalues);
		return p->values[k < p->nvalues ? k : p->nvalues - 1];
	}
	default: return p->a;
	}
}

double stroom_prior_draw(const stroom_prior *p, uint64_t seed, uint32_t replicate, uint32_t id)
{
	stroom_gsl_philox g;
	double v = 0;
	int tries;
	if (p->dist == STROOM_PRIOR_FIXED)
		return clamp(p->a, p->lo, p->hi);
	stroom_gsl_philox_init(&g);
	stroom_gsl_philox_stream(&g, seed, replicate, id, 0, STROOM_PURPOSE_PRIOR);
	for (tries = 0; tries < 1000; tries++) {
		v = draw_once(p, &g.rng);
		if (v >= p->lo && v <= p->hi)
			return v;
	}
	return clamp(v, p->lo, p->hi);
}
