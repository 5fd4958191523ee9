/*
 * rng_int.h: the inline hot-path form of stroom_rng_uniform4 and a GSL generator
 * backed by keyed Philox, so GSL's samplers (Poisson, ...) can draw from a keyed
 * stream. Internal to the library.
 */
#ifndef STROOM_RNG_INT_H
#define STROOM_RNG_INT_H

#include <stroom/rng.h>

#include <Random123/philox.h>
#include <gsl/gsl_rng.h>

/* (x + 0.5) / 2^32: a uniform strictly inside (0, 1). */
static inline double stroom_u01(uint32_t x) { return ((double)x + 0.5) * (1.0 / 4294967296.0); }

static inline philox4x32_key_t stroom_rng_key(uint64_t seed)
{
	philox4x32_key_t k = {{(uint32_t)seed, (uint32_t)(seed >> 32)}};
	return k;
}

/* Forced inline: it is called once per household-month in the engine's loop. */
#if defined(__GNUC__)
__attribute__((always_inline))
#endif
static inline void stroom_rng_draw(philox4x32_key_t key, uint32_t replicate, uint32_t household,
				   uint32_t month, uint32_t purpose, uint32_t block, double out[4])
{
	philox4x32_ctr_t c = {{household, replicate, (month & 0xffffu) | (purpose << 16), block}};
	philox4x32_ctr_t r = philox4x32_R(10, c, key);
	out[0] = stroom_u01(r.v[0]);
	out[1] = stroom_u01(r.v[1]);
	out[2] = stroom_u01(r.v[2]);
	out[3] = stroom_u01(r.v[3]);
}

/* The state of the keyed-Philox GSL generator. */
typedef struct stroom_philox_state {
	philox4x32_key_t key;
	philox4x32_ctr_t ctr;  /* v[3] counts blocks within the stream */
	philox4x32_ctr_t out;
	unsigned used;         /* outputs of `out` already returned (4 = refill) */
} stroom_philox_state;

/* A gsl_rng and its state in one object, embedded in a workspace (no allocation). */
typedef struct stroom_gsl_philox {
	gsl_rng rng;
	stroom_philox_state state;
} stroom_gsl_philox;

/* Initialises g; g->rng is then a valid gsl_rng for GSL's samplers. */
void stroom_gsl_philox_init(stroom_gsl_philox *g);
/* Points g at the stream (seed, replicate, household, month, purpose), lane block 0. */
void stroom_gsl_philox_stream(stroom_gsl_philox *g, uint64_t seed, uint32_t replicate,
			      uint32_t household, uint32_t month, uint32_t purpose);

#endif
