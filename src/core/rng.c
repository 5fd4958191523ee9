/*
 * rng.c: keyed Philox draws and a GSL generator type over them. The GSL type lets
 * the engine use GSL's tested samplers (gsl_ran_poisson) while every draw stays a
 * pure function of its key and counter: pointing the generator at a stream resets
 * it completely, so nothing carries over between streams.
 */
#include "rng_int.h"

#include <string.h>

void stroom_rng_raw(const uint32_t ctr[4], const uint32_t key[2], uint32_t out[4])
{
	philox4x32_ctr_t c = {{ctr[0], ctr[1], ctr[2], ctr[3]}};
	philox4x32_key_t k = {{key[0], key[1]}};
	philox4x32_ctr_t r = philox4x32_R(10, c, k);
	memcpy(out, r.v, sizeof r.v);
}

void stroom_rng_uniform4(uint64_t seed, uint32_t replicate, uint32_t household, uint32_t month,
			 uint32_t purpose, uint32_t block, double out[4])
{
	stroom_rng_draw(stroom_rng_key(seed), replicate, household, month, purpose, block, out);
}

static unsigned long philox_get(void *vstate)
{
	stroom_philox_state *s = vstate;
	if (s->used >= 4) {
		s->out = philox4x32_R(10, s->ctr, s->key);
		s->ctr.v[3]++;
		s->used = 0;
	}
	return s->out.v[s->used++];
}

static double philox_get_double(void *vstate) { return stroom_u01((uint32_t)philox_get(vstate)); }

static void philox_set(void *vstate, unsigned long seed)
{
	stroom_philox_state *s = vstate;
	memset(s, 0, sizeof *s);
	s->key.v[0] = (uint32_t)seed;
	s->key.v[1] = (uint32_t)((uint64_t)seed >> 32);
	s->used = 4;
}

static const gsl_rng_type philox_type = {"stroom-philox4x32-10", 0xffffffffUL, 0,
					 sizeof(stroom_philox_state), philox_set, philox_get,
					 philox_get_double};

void stroom_gsl_philox_init(stroom_gsl_philox *g)
{
	g->rng.type = &philox_type;
	g->rng.state = &g->state;
	philox_set(&g->state, 0);
}

void stroom_gsl_philox_stream(stroom_gsl_philox *g, uint64_t seed, uint32_t replicate,
			      uint32_t household, uint32_t month, uint32_t purpose)
{
	stroom_philox_state *s = &g->state;
	s->key = stroom_rng_key(seed);
	s->ctr.v[0] = household;
	s->ctr.v[1] = replicate;
	s->ctr.v[2] = (month & 0xffffu) | (purpose << 16);
	s->ctr.v[3] = 0;
	s->used = 4;
}
