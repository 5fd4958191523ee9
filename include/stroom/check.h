/*
 * stroom/check.h: everything a run reads, loaded and checked before it starts.
 *
 * stroom_check_run loads a scenario and every input a run of it reads (the
 * household CSV or the synthesised population, the municipalities table and each
 * municipality's parameters, the budget table, the benefit rules, the posterior's
 * joint draws) and checks
 * every quantity the run derives from them (stroom_sim_check: the households it
 * holds, the memory of its results, the money it can pay against what the
 * budget computation takes), all before anything is simulated. `stroom
 * validate` is this call and nothing else; `stroom run` and `stroom compare`
 * start with it and run from what it loaded, so what validate calls ok, run
 * reads as it was checked. An error about a derived quantity names the
 * scenario key (file, line and column) that produces it.
 */
#ifndef STROOM_CHECK_H
#define STROOM_CHECK_H

#include <stroom/budget.h>
#include <stroom/common.h>
#include <stroom/national.h>
#include <stroom/population.h>
#include <stroom/posterior.h>
#include <stroom/rules.h>
#include <stroom/scenario.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct stroom_check_options {
	unsigned int version;              /* STROOM_CHECK_OPTIONS_VERSION */
	int replicates;                    /* > 0: instead of the scenario's */
	int have_seed;                     /* 1: seed instead of the scenario's */
	uint64_t seed;
	int fixed_parameters;              /* 1: the run uses only the priors' central values */
	const stroom_allocator *allocator; /* NULL = malloc */
} stroom_check_options;
#define STROOM_CHECK_OPTIONS_VERSION 1
#define STROOM_CHECK_OPTIONS_INIT {STROOM_CHECK_OPTIONS_VERSION, 0, 0, 0, 0, NULL}

typedef struct stroom_run_inputs stroom_run_inputs;

/*
 * Loads the scenario `name_or_path` and everything its run reads, and checks
 * it. Returns 0 and *out (free with stroom_run_inputs_free), or STROOM_EPARSE,
 * STROOM_EINVAL, STROOM_ENOTFOUND (bad input: the detail is one line naming the
 * file, line, column and key), STROOM_EIO or STROOM_ENOMEM.
 */
STROOM_API int stroom_check_run(stroom_run_inputs **out, const char *name_or_path,
				const stroom_check_options *opts);
STROOM_API void stroom_run_inputs_free(stroom_run_inputs *in);

STROOM_API const stroom_scenario *stroom_run_inputs_scenario(const stroom_run_inputs *in);
/* The scenario's parameters with the options' replicates and seed. */
STROOM_API const stroom_params *stroom_run_inputs_params(const stroom_run_inputs *in);
/* The starting households; NULL for a national run (municipalities.csv). */
STROOM_API const stroom_population *stroom_run_inputs_population(const stroom_run_inputs *in);
/* The municipalities of a national run, else NULL. */
STROOM_API const stroom_national *stroom_run_inputs_national(const stroom_run_inputs *in);
/* The budget table, or NULL when the scenario has none (or is national: each
 * municipality scales its own). */
STROOM_API const stroom_budget *stroom_run_inputs_budget(const stroom_run_inputs *in);
/* The benefit rules the run pays by. */
STROOM_API const stroom_rules *stroom_run_inputs_rules(const stroom_run_inputs *in);
/* The joint draws of the scenario's `posterior:` file, or NULL when it has none. */
STROOM_API const stroom_posterior *stroom_run_inputs_posterior(const stroom_run_inputs *in);

#ifdef __cplusplus
}
#endif
#endif
