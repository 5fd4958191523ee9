/*
 * stroom/rng.h: keyed counter-based random numbers (Random123 Philox4x32-10).
 *
 * A draw is a pure function of (seed, replicate, household, month, purpose): no
 * generator state is carried from one draw to the next, so results do not depend
 * on the order in which replicates or households are processed, nor on the
 * number of threads or processes. Layout: key = (seed low 32 bits, seed high 32
 * bits); counter = (household, replicate, month | purpose << 16, lane block).
 */
#ifndef STROOM_RNG_H
#define STROOM_RNG_H

#include <stroom/common.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Purposes: each kind of decision draws from its own stream. */
enum {
	STROOM_PURPOSE_EXIT = 1,        /* a candidate month's competing-risk event and durability */
	STROOM_PURPOSE_INFLOW_COUNT = 2,/* the month's number of new households */
	STROOM_PURPOSE_NEW = 3,         /* attributes of a new household */
	STROOM_PURPOSE_SYNTH = 4,       /* population synthesis */
	STROOM_PURPOSE_SYNTH_CELL = 5,  /* population integerisation */
	STROOM_PURPOSE_PRIOR = 6,       /* a parameter drawn from its prior, once per replicate */
	STROOM_PURPOSE_POLICY = 7,      /* policy draws: instrument allocation, gate */
	STROOM_PURPOSE_GAP = 8,         /* the time to a household's next candidate month */
	STROOM_PURPOSE_RETURN = 9,      /* the month of return after a non-durable exit */
	STROOM_PURPOSE_CONTROL = 10,    /* an extra control (enforcement) in a month */
	STROOM_PURPOSE_POSTERIOR = 11,  /* the posterior row of a replicate, once per replicate */
	STROOM_PURPOSE_CALIB_CHAIN = 12,/* calibration: a chain's proposal and acceptance, per iteration */
	STROOM_PURPOSE_CALIB_START = 13,/* calibration: a chain's dispersed start */
	STROOM_PURPOSE_CALIB_PRED = 14, /* calibration: posterior predictive draws */
	STROOM_PURPOSE_DRIFT = 15,      /* whether a medium-distance household drifts to long */
	STROOM_PURPOSE_START_POOL = 16  /* the pool off benefit at the start: its size, each
					   member's household of origin and month of return */
};

/* The four raw 32-bit outputs of Philox4x32-10 for the given counter and key. */
STROOM_API void stroom_rng_raw(const uint32_t ctr[4], const uint32_t key[2], uint32_t out[4]);

/*
 * Four independent uniforms in the open interval (0, 1) for
 * (seed, replicate, household, month, purpose); `block` selects further groups of
 * four for the same tuple. month is taken modulo 2^16 and purpose must be < 2^16.
 */
STROOM_API void stroom_rng_uniform4(uint64_t seed, uint32_t replicate, uint32_t household,
				    uint32_t month, uint32_t purpose, uint32_t block, double out[4]);

#ifdef __cplusplus
}
#endif
#endif
