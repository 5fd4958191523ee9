/*
 * stroom/population.h: the households on benefit at the start of a run.
 *
 * A population is either synthesised from the marginal shares in the scenario
 * (population.* keys) by iterative proportional fitting (IPF) and integerised
 * reproducibly from the scenario seed, or loaded from a household CSV (columns in
 * docs/population.md). Households are stored as a struct of arrays.
 */
#ifndef STROOM_POPULATION_H
#define STROOM_POPULATION_H

#include <stroom/common.h>
#include <stroom/rules.h>
#include <stroom/scenario.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Struct of arrays, n households, all arrays of length n. Borrowed from the population. */
typedef struct stroom_households {
	size_t n;
	int32_t *birth_month;   /* head's birth month (stroom_month) */
	int32_t *spell_start;   /* first month of the current benefit spell */
	uint8_t *type;          /* STROOM_TYPE_* */
	uint8_t *area;          /* index into params->area_name */
	uint8_t *distance;      /* STROOM_DIST_* */
	uint8_t *stream;        /* STROOM_STREAM_*: werk, prestatie010, other */
	uint8_t *parttime;      /* 1 = has part-time earnings alongside the benefit */
	uint8_t *prev_spells;   /* earlier benefit spells (capped at 255) */
} stroom_households;

typedef struct stroom_population stroom_population;

/*
 * Synthesises p->population_households households on p->start (the stock on the
 * first of that month) from the population.* marginals by IPF over the joint table
 * age x duration x type x area x stream, then integerises reproducibly from
 * p->seed. Nobody is at or above pension age on p->start by the rules' AOW table
 * (rules NULL = the builtin rules). Caller frees. Returns 0, STROOM_EINVAL
 * (marginals that cannot be fitted) or STROOM_ENOMEM.
 */
STROOM_API int stroom_population_synthesise(stroom_population **out, const stroom_params *p,
					    const stroom_rules *rules, const stroom_allocator *alloc);

/*
 * Loads households from a CSV file (header row required; columns in
 * docs/population.md). Area names must be among p->area_name. On a malformed
 * row returns STROOM_EPARSE with "FILE:LINE: column NAME: expected ..., got ...".
 */
STROOM_API int stroom_population_load_csv(stroom_population **out, const char *path,
					  const stroom_params *p, const stroom_allocator *alloc);

/*
 * Writes the population as CSV in the load_csv format, all or nothing: into a
 * temporary file beside path, renamed over path when complete (an existing path
 * is replaced). Returns 0, STROOM_EINVAL (a household's code is outside its
 * classification) or STROOM_EIO ("cannot write 'PATH': REASON"; no file is left).
 */
STROOM_API int stroom_population_write_csv(const stroom_population *pop, const char *path,
					   const stroom_params *p);
/*
 * As stroom_population_write_csv; with replace 0 an existing path is never
 * replaced: STROOM_EINVAL when it exists at the start, STROOM_EIO when it appears
 * while the file is written. cancelled (may be NULL) is asked before the file is
 * written (step = path) and just before the rename (step = NULL); nonzero stops
 * the write with STROOM_EINTR and nothing written.
 */
STROOM_API int stroom_population_write_csv_ext(const stroom_population *pop, const char *path,
					       const stroom_params *p, int replace,
					       int (*cancelled)(const char *step, void *payload),
					       void *payload);

/* The flows of population.start: steady (docs/population.md, "The steady state"). */
typedef struct stroom_steady_flows {
	double inflow_per_year;  /* the inflow.per_year whose steady state holds
				    population.households on benefit (the level that keeps
				    a steady start flat) */
	double returns_per_year; /* returns after exits to work or LKS a year in that state */
	double return_hazard;    /* their monthly hazard (returns.*) */
} stroom_steady_flows;
/*
 * The steady state's flows for p at the start month's labour-market index and
 * pension age, without shocks (rules NULL = the builtin rules), its priors at
 * their central values. Returns 0, STROOM_EINVAL or STROOM_ENOMEM.
 */
STROOM_API int stroom_population_steady_flows(const stroom_params *p, const stroom_rules *rules,
					      stroom_steady_flows *out,
					      const stroom_allocator *alloc);
/* The households (borrowed). */
STROOM_API const stroom_households *stroom_population_households(const stroom_population *pop);

STROOM_API void stroom_population_free(stroom_population *pop);

/* Age band of a head born in birth_month, in month m (STROOM_AGE_*). */
STROOM_API int stroom_age_band(stroom_month birth_month, stroom_month m);
/* Duration band of a spell started in spell_start, in month m (STROOM_DUR_*). */
STROOM_API int stroom_duration_band(stroom_month spell_start, stroom_month m);

#ifdef __cplusplus
}
#endif
#endif
