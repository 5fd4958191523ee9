/*
 * stroom/national.h: national runs, many municipalities in one run.
 *
 * A scenario with `municipalities.csv: PATH` names its municipalities, one row
 * each: name,households,inflow_per_year,budget_eur. Each municipality is the
 * scenario with its own population.households, inflow.per_year and budget (the
 * scenario's budget table scaled so its start year equals budget_eur;
 * budget.other_spending_eur, the teams' FTE and the instruments' slots scaled by
 * households / population.households), synthesised and run with every
 * replicate. Municipality k (0-based, file order) draws its households from
 * stream k + 1 (stroom_sim_options.stream): its own households, but the same
 * drawn priors in replicate r as every other municipality, since national
 * parameters are uncertain jointly.
 *
 * Each municipality is reduced as soon as it finishes, so memory does not grow
 * with the number of municipalities: its counts and money are added into the
 * national total per replicate (integer sums: the order of the additions cannot
 * change them), its budget result into the national budget, and one summary row
 * is kept (caseload interval, spending, budget result). A block of municipalities
 * can run anywhere (an MPI rank) and the blocks' runs be added up: the total is
 * the same bit for bit.
 */
#ifndef STROOM_NATIONAL_H
#define STROOM_NATIONAL_H

#include <stroom/budget.h>
#include <stroom/common.h>
#include <stroom/output.h>
#include <stroom/rules.h>
#include <stroom/scenario.h>
#include <stroom/sim.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct stroom_municipality {
	char name[64];
	int households;          /* on benefit on the 1st of start */
	double inflow_per_year;  /* new households a year (inflow.per_year) */
	int64_t budget_eurocent; /* BUIG budget of the start year; 0 = none given */
	int line;                /* line in the file */
	/* its own joint draws (column posterior: a posterior.csv relative to the
	 * municipalities CSV, e.g. from stroom calibrate on its record); "" = the
	 * scenario's posterior, or the priors */
	char posterior[STROOM_PATH_LEN];
} stroom_municipality;

typedef struct stroom_national stroom_national;

/*
 * Reads p->municipalities_csv. Returns 0, STROOM_ENOTFOUND / STROOM_EIO (file),
 * STROOM_EPARSE or STROOM_EINVAL ("FILE:LINE:COL: column NAME: expected ..., got
 * '...'"; a name twice; no rows; a population.csv in the scenario; a budget_eur
 * missing while the scenario has a budget), STROOM_ENOMEM.
 */
STROOM_API int stroom_national_load(stroom_national **out, const stroom_params *p,
				    const stroom_allocator *a);
STROOM_API void stroom_national_free(stroom_national *n);
STROOM_API int stroom_national_count(const stroom_national *n);
STROOM_API const stroom_municipality *stroom_national_row(const stroom_national *n, int i);
STROOM_API int64_t stroom_national_households(const stroom_national *n); /* the sum */

/* The parameters of municipality i (as described above; no budget scaling). */
STROOM_API void stroom_national_params(const stroom_national *n, int i, const stroom_params *base,
				       stroom_params *out);

/* Contiguous block of municipalities for part `part` of `parts`, balanced by
 * households: part k ends at the first row where the running sum of households
 * reaches (k + 1) / parts of the total. Deterministic; blocks may be empty. */
STROOM_API void stroom_national_split(const stroom_national *n, int parts, int part, int *first,
				      int *count);

typedef struct stroom_national_options {
	unsigned int version;       /* STROOM_NATIONAL_OPTIONS_VERSION */
	int threads;                /* per municipality run; 0 = one per CPU */
	const stroom_rules *rules;  /* NULL = the builtin rules */
	int central;                /* 1 = also run each municipality with every prior at
				       its central value (the summary's interval split) */
	int fixed_parameters;       /* 1 = every prior at its central value */
	/* called after each municipality: done and total of the block; nonzero cancels */
	int (*progress)(int done, int total, void *payload);
	void *payload;
	/* joint draws for every municipality (the scenario's posterior), or NULL: as
	 * stroom_sim_options.posterior */
	const struct stroom_posterior *posterior;
} stroom_national_options;
#define STROOM_NATIONAL_OPTIONS_VERSION 1
#define STROOM_NATIONAL_OPTIONS_INIT {STROOM_NATIONAL_OPTIONS_VERSION, 0, NULL, 0, 0, NULL, NULL, NULL}

typedef struct stroom_national_run stroom_national_run;

/*
 * Runs municipalities [first, first + count) of n with the scenario p (count >= 1).
 * Errors name the municipality ("FILE:LINE: municipality NAME: ..."); the codes
 * are those of stroom_sim_run, the population and the budget.
 */
STROOM_API int stroom_national_run_block(stroom_national_run **out, const stroom_national *n,
					 const stroom_params *p, int first, int count,
					 const stroom_national_options *o);
STROOM_API void stroom_national_run_free(stroom_national_run *r);
/* Adds the run of another block into dst (its rows and its totals). */
STROOM_API int stroom_national_run_add(stroom_national_run *dst, const stroom_national_run *src);
/* Moves a block's run between processes, bit for bit (stroom_results_pack's
 * conventions). */
STROOM_API size_t stroom_national_run_pack(const stroom_national_run *r, void *buf, size_t size);
STROOM_API int stroom_national_run_unpack(stroom_national_run **out, const void *buf, size_t size);

/* The national totals (borrowed): every replicate's sums over the municipalities
 * run; the central run's (NULL when not run); the budget's (NULL without budget). */
STROOM_API const stroom_results *stroom_national_run_total(const stroom_national_run *r);
STROOM_API const stroom_results *stroom_national_run_central(const stroom_national_run *r);
STROOM_API const stroom_budget_run *stroom_national_run_budget(const stroom_national_run *r);

/*
 * municipalities.csv of the run directory, one row per municipality in file
 * order: name,households,caseload_date,caseload_p05,caseload_p50,caseload_p95,year,
 * spending_eur,budget_eur,result_eur_p05,result_eur_p50,result_eur_p95,p_safety_net.
 * caseload_*: households on benefit on caseload_date (the target date when the
 * scenario has a target within the horizon, else the 1st after end); year: the
 * last full simulated year; spending_eur: mean spending that year (benefits, LKS,
 * instruments); budget and result columns empty without a budget; p_safety_net:
 * share of replicates with a safety-net payment that year. Like snprintf.
 */
STROOM_API size_t stroom_national_run_csv(const stroom_national_run *r, const stroom_national *n,
					  char *buf, size_t size);

#ifdef __cplusplus
}
#endif
#endif
