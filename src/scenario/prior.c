/*
 * prior.c: drawing uncertain parameters from their priors. Each replicate draws
 * each prior once from its own keyed Philox stream (seed, replicate, prior id),
 * through GSL's samplers, so a replicate's parameter set is a pure function of
 * the seed and does not depend on threads or on which other priors exist.
 * Draws outside the key's bounds are redrawn (truncation); after 1,000 misses
 * (a prior almost entirely outside its bounds) the draw is clamped.
 *
 * A scenario has two kinds of priors, drawn by the same code: the policy priors
 * (typed stroom_prior fields: capacity.elasticity, instrument effects, ...; draw id
 * = their position, as before uncertain parameters existed) and the uncertain
 * parameters (any number or non-share list entry written as a prior, in
 * stroom_params.uncertain; draw id = a hash of the key). stroom_params_draw turns
 * a scenario into the fixed parameter set of one replicate.
 */
#include "internal.h"
#include "rng_int.h"

#include <stroom/scenario.h>

#include <gsl/gsl_randist.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

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

uint32_t stroom_prior_key_id(const char *key)
{
	uint32_t h = 2166136261u;
	for (; *key; key++) {
		h ^= (unsigned char)*key;
		h *= 16777619u;
	}
	return h | 0x80000000u;
}

/*
 * The priors of p in draw order: the policy priors (their position is their
 * draw id), each instrument's three, then the uncertain table. Fills pr (and
 * name when not NULL); returns the count.
 */
static int priors_of(const stroom_params *p, const stroom_prior **pr,
		     char (*name)[STROOM_DRAW_NAME_LEN])
{
	static const char *const fixed[STROOM_DRAW_FIXED_COUNT] = {
		"capacity.elasticity", "gate.search_effect", "gate.selection", "prevention.effect",
		"enforcement.detection", "targets.work", "targets.nondurable"};
	static const char *const per[3] = {"lockin", "effect", "durability"};
	int n = 0, k, i, ni = p->n_instruments, nu = p->n_uncertain;
	if (ni < 0 || ni > STROOM_MAX_INSTRUMENTS)
		ni = 0;
	if (nu < 0 || nu > STROOM_MAX_UNCERTAIN)
		nu = 0;
	pr[STROOM_DRAW_ELASTICITY] = &p->capacity_elasticity;
	pr[STROOM_DRAW_SEARCH_EFFECT] = &p->gate_search_effect;
	pr[STROOM_DRAW_SELECTION] = &p->gate_selection;
	pr[STROOM_DRAW_PREVENTION] = &p->prevention_effect;
	pr[STROOM_DRAW_DETECTION] = &p->enforcement_detection;
	pr[STROOM_DRAW_TARGETS_WORK] = &p->targets_work;
	pr[STROOM_DRAW_TARGETS_NONDURABLE] = &p->targets_nondurable;
	for (; n < STROOM_DRAW_FIXED_COUNT; n++)
		if (name)
			snprintf(name[n], sizeof name[n], "%s", fixed[n]);
	for (k = 0; k < ni; k++) {
		pr[n++] = &p->instrument[k].lockin;
		pr[n++] = &p->instrument[k].effect;
		pr[n++] = &p->instrument[k].durability;
		if (name)
			for (i = 0; i < 3; i++)
				snprintf(name[n - 3 + i], sizeof name[0], "instruments.%s.%s",
					 p->instrument[k].name, per[i]);
	}
	for (i = 0; i < nu; i++) {
		pr[n] = &p->uncertain[i].prior;
		if (name)
			snprintf(name[n], sizeof name[n], "%.*s", STROOM_KEY_LEN - 1, p->uncertain[i].key);
		n++;
	}
	return n;
}

int stroom_params_draw_names(const stroom_params *p, char (*names)[STROOM_DRAW_NAME_LEN])
{
	const stroom_prior *pr[STROOM_DRAW_MAX];
	return priors_of(p, pr, names);
}

int stroom_params_draw_bounds(const stroom_params *p, double *lo, double *hi, int *fixed)
{
	const stroom_prior *pr[STROOM_DRAW_MAX];
	int n = priors_of(p, pr, NULL), i;
	for (i = 0; i < n; i++) {
		lo[i] = pr[i]->lo;
		hi[i] = pr[i]->hi;
		if (fixed)
			fixed[i] = pr[i]->dist == STROOM_PRIOR_FIXED;
	}
	return n;
}

int stroom_params_draw_values(const stroom_params *p, uint32_t rep, int central, double *v)
{
	const stroom_prior *pr[STROOM_DRAW_MAX];
	int n = priors_of(p, pr, NULL), i, nfixed = n - (p->n_uncertain > 0 ? p->n_uncertain : 0);
	for (i = 0; i < n; i++) {
		uint32_t id = i < nfixed ? (uint32_t)i
					 : stroom_prior_key_id(p->uncertain[i - nfixed].key);
		v[i] = central ? stroom_prior_central(pr[i]) : stroom_prior_draw(pr[i], p->seed, rep, id);
	}
	return n;
}

void stroom_params_apply_values(const stroom_params *p, const double *v, stroom_params *out)
{
	const stroom_prior *pr[STROOM_DRAW_MAX];
	int n = priors_of(p, pr, NULL), i, nfixed = n - (p->n_uncertain > 0 ? p->n_uncertain : 0);
	for (i = 0; i < n; i++) {
		if (i < nfixed) {
			/* a policy prior: fixed at the value, in the same place of out */
			stroom_prior *q = (stroom_prior *)(void *)((char *)out +
								   ((const char *)pr[i] - (const char *)p));
			double lo = pr[i]->lo, hi = pr[i]->hi;
			memset(q, 0, sizeof *q);
			q->dist = STROOM_PRIOR_FIXED;
			q->a = v[i];
			q->lo = lo;
			q->hi = hi;
		} else {
			size_t off = p->uncertain[i - nfixed].offset;
			if (off + sizeof(double) <= sizeof *out)
				memcpy((char *)out + off, &v[i], sizeof v[i]);
		}
	}
	out->n_uncertain = 0;
	memset(out->uncertain, 0, sizeof out->uncertain);
}

int stroom_params_prior_count(const stroom_params *p)
{
	const stroom_prior *pr[STROOM_DRAW_MAX];
	int n = priors_of(p, pr, NULL), i, drawn = 0;
	for (i = 0; i < n; i++)
		drawn += pr[i]->dist != STROOM_PRIOR_FIXED;
	return drawn;
}

void stroom_params_draw(const stroom_params *p, stroom_params *out, uint32_t replicate, int central)
{
	double v[STROOM_DRAW_MAX];
	stroom_params_draw_values(p, replicate, central, v);
	if (out != p)
		memcpy(out, p, sizeof *out);
	stroom_params_apply_values(p, v, out);
}

/* Is k the key `key` (of length len) or one of its entries ("key.label")? NULL
 * names every key. */
static int key_names(const char *k, const char *key, size_t len)
{
	return !key || (strncmp(k, key, len) == 0 && (k[len] == '\0' || k[len] == '.'));
}

int stroom_params_fix(stroom_params *p, const char *key)
{
	int i, kept = 0, n = p->n_uncertain < 0 || p->n_uncertain > STROOM_MAX_UNCERTAIN ? 0
										  : p->n_uncertain;
	size_t len = key ? strlen(key) : 0;
	for (i = 0; i < n; i++) {
		if (!key_names(p->uncertain[i].key, key, len))
			p->uncertain[kept++] = p->uncertain[i];
	}
	if (kept < STROOM_MAX_UNCERTAIN)
		memset(&p->uncertain[kept], 0, (size_t)(STROOM_MAX_UNCERTAIN - kept) * sizeof p->uncertain[0]);
	p->n_uncertain = kept;
	return n - kept;
}

int stroom_params_scale(stroom_params *p, const char *key, double g)
{
	size_t len = strlen(key);
	int i, j, n = 0;
	for (i = 0; i < p->n_uncertain; i++) {
		stroom_uncertain *u = &p->uncertain[i];
		stroom_prior *pr = &u->prior;
		if (!key_names(u->key, key, len))
			continue;
		*(double *)(void *)((char *)p + u->offset) *= g;
		if (pr->dist == STROOM_PRIOR_LOGNORMAL) {
			pr->a += log(g);
		} else if (pr->dist == STROOM_PRIOR_VALUES) {
			for (j = 0; j < pr->nvalues; j++)
				pr->values[j] *= g;
		} else { /* fixed: the value; normal: mean, sd; uniform: min, max; beta: scale-free */
			if (pr->dist != STROOM_PRIOR_BETA) {
				pr->a *= g;
				if (pr->dist != STROOM_PRIOR_FIXED)
					pr->b *= g;
			}
		}
		n++;
	}
	return n;
}
