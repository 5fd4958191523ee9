/*
 * stroom/output.h: the run directory, the output contract users' scripts rely on.
 *
 *   <dir>/manifest.json  stroom version, the scenario with every default resolved,
 *                        seed, replicates, threads, input files with SHA-256
 *   <dir>/series.csv     month,indicator,group,mean,p05,p25,p50,p75,p95
 *   <dir>/groups.csv     group,dimension,label: what each group of series.csv is
 *   <dir>/indicators.csv file,indicator,unit,label: each indicator of series.csv
 *                        and budget.csv with its unit (series.csv: eurocent,
 *                        budget.csv: EUR)
 *   <dir>/summary.txt    the text stroom run prints
 *   <dir>/budget.csv     year,indicator,mean,p05,p25,p50,p75,p95 (when the scenario
 *                        has a budget table)
 *
 * The directory is written under a temporary name next to its final place and
 * renamed into place only when every file is complete, so a failed or interrupted
 * run leaves nothing behind: no temporary directory, and none of the parent
 * directories the writer created for it.
 */
#ifndef STROOM_OUTPUT_H
#define STROOM_OUTPUT_H

#include <stdio.h>
#include <stroom/budget.h>
#include <stroom/common.h>
#include <stroom/posterior.h>
#include <stroom/scenario.h>
#include <stroom/sim.h>

#ifdef __cplusplus
extern "C" {
#endif

/* The probabilities at which series.csv reports quantiles. */
#define STROOM_NQUANT 5
STROOM_API double stroom_output_quantile_prob(int i); /* 0.05, 0.25, 0.50, 0.75, 0.95 */

/*
 * Quantiles (STROOM_NQUANT, at stroom_output_quantile_prob) and mean of indicator
 * for group in month index t over the replicates (t == months gives the caseload
 * on the 1st after the last month). indicator is a STROOM_IND_* count or
 * STROOM_NIND + a STROOM_MONEY_* amount. GSL's interpolated quantiles of sorted data.
 */
STROOM_API void stroom_output_stats(const stroom_results *r, int t, int indicator, int group,
				    double *mean, double quant[STROOM_NQUANT]);

/* Writes series.csv to f: every indicator for every group, then per team
 * team_clients and team_caseload (clients per FTE) and per instrument
 * instrument_starts and instrument_participants (group = the team's or the
 * instrument's name), then the execution costs in eurocent: cost_LEVER_eurocent
 * and execution_cost_eurocent (group all), team_cost_eurocent and
 * instrument_cost_eurocent (group = the name). Returns 0, STROOM_ENOMEM or STROOM_EIO (it stops at the
 * first failed write; the detail and errno give the reason). */
STROOM_API int stroom_output_series_csv(const stroom_results *r, const stroom_params *p, FILE *f);

/* Writes groups.csv to f: group,dimension,label, one row for each group of
 * series.csv in the order it first appears there: all, the distances, the
 * areas, the duration bands, the age bands and the household types
 * (stroom_results_group_dimension), then dimension team (team_clients,
 * team_caseload, team_cost_eurocent) and instrument (instrument_starts,
 * instrument_participants, instrument_cost_eurocent) for the scenario's teams
 * and instruments. label is English text ("on benefit 2 to 5 years"). A team
 * or instrument may share its name with an area: its dimension then follows from
 * the indicator. Returns 0 or STROOM_EIO (as stroom_output_series_csv). */
STROOM_API int stroom_output_groups_csv(const stroom_results *r, const stroom_params *p, FILE *f);
/* Writes indicators.csv to f: file,indicator,unit,label, one row for each
 * indicator of series.csv (in its order) and, with has_budget, of budget.csv;
 * unit is "households", "households per month", "eurocent per month", "EUR per
 * year", "percent of the budget", ... Returns 0, STROOM_ERROR (an indicator
 * without a unit: a bug) or STROOM_EIO. */
STROOM_API int stroom_output_indicators_csv(const stroom_results *r, const stroom_params *p,
					    int has_budget, FILE *f);

/*
 * The budget of a run: for every replicate and every full simulated year with a
 * budget row, the BUIG result by stroom_budget_compute. Spending = benefits + LKS
 * of the run + budget.other_spending_eur; recoveries = the run's recoveries + the
 * table's; households = the year's average caseload; the base price is each
 * replicate's own net spending per household in budget.base_year (0 = the first
 * such year); the safety net's multi-year condition sees the replicate's own
 * earlier years of the run. Caller frees. Returns 0, STROOM_EINVAL (no rule for a
 * year) or STROOM_ENOMEM.
 */
typedef struct stroom_budget_run stroom_budget_run;
STROOM_API int stroom_output_budget_compute(stroom_budget_run **out, const stroom_results *r,
					    const stroom_params *p, const stroom_budget *b);
STROOM_API void stroom_output_budget_free(stroom_budget_run *br);
/* Years covered, and one replicate's result for year index y. */
STROOM_API int stroom_output_budget_years(const stroom_budget_run *br);
STROOM_API const stroom_budget_result *stroom_output_budget_result(const stroom_budget_run *br,
								   int rep, int y);
/* The execution costs of replicate rep in year index y, eurocent: lever
 * STROOM_COST_* (budget.h), or any other value for their total. They are paid from
 * the municipality's own means and never enter the BUIG result. */
STROOM_API int64_t stroom_output_budget_cost(const stroom_budget_run *br, int rep, int y, int lever);
/* budget.csv: year,indicator,mean,p05,p25,p50,p75,p95 with indicators budget,
 * spending, net_spending, result, safety_net, own_risk, volume_part, price_part
 * (EUR) and result_pct (% of the budget), then, after every year's BUIG rows, the
 * execution costs execution_cost_LEVER (teams, instruments, enforcement,
 * prevention, gate) and execution_cost (their total), EUR. Returns 0, STROOM_ENOMEM or STROOM_EIO
 * (as stroom_output_series_csv). */
STROOM_API int stroom_output_budget_csv(const stroom_budget_run *br, FILE *f);

/*
 * The summary text (with the budget section when br is not NULL). central, when
 * not NULL, is the same run with every prior at its central value (same seed and
 * replicates): the summary then splits the 90% interval of the caseload on the
 * target date into the part from the priors and the part from Monte Carlo noise
 * (law of total variance, with the central run's spread standing for the Monte
 * Carlo variance). Returns the length needed (excluding NUL), like snprintf.
 */
STROOM_API size_t stroom_output_summary(const stroom_results *r, const stroom_params *p,
					const stroom_budget_run *br, const stroom_results *central,
					char *buf, size_t size);

/*
 * The comparison of two runs of the same months (B minus A), paired by replicate:
 * run with the same seed, replicate k of A and of B share their random numbers,
 * so the differences carry little Monte Carlo noise. Per year: caseload on 1
 * January, flows, returns, money; median and 90% interval of the differences.
 * Returns the length needed (excluding NUL), like snprintf; 0 and a detail in
 * stroom_error_last() when the runs do not cover the same months and replicates.
 */
STROOM_API size_t stroom_output_compare(const stroom_results *a, const stroom_params *pa,
					const stroom_results *b, const stroom_params *pb, char *buf,
					size_t size);

/*
 * Writes the run directory. dir: the final directory, or NULL for
 * runs/<UTC time>-<scenario name>/ under the current directory. Missing parents of
 * dir are created. The chosen path is copied to path_out (if not NULL). Returns 0,
 * STROOM_EIO or STROOM_ENOMEM; on failure nothing is left behind (the temporary
 * directory and the parents created for dir are removed) and the detail names the
 * path and the reason: "cannot write 'runs/x/series.csv': No space left on
 * device". An existing dir is an error ("'DIR' already exists; ..."), also when
 * it appears while the files are written: it is never replaced.
 */
STROOM_API int stroom_output_write_run(const stroom_results *r, const stroom_scenario *s,
				       const stroom_params *p, const stroom_budget_run *br,
				       const stroom_results *central, const char *dir, char *path_out,
				       size_t path_size);

/*
 * Whether a run directory can be written to dir (NULL: the default under runs/),
 * before the run rather than after it: STROOM_EINVAL when dir already exists (a
 * directory or anything else), or when the nearest existing ancestor, where the
 * writer would create it, is not a directory or not writable; otherwise 0. The
 * writer checks again (another process may make dir in between).
 */
STROOM_API int stroom_output_check_dir(const char *dir);

/*
 * What a run directory may carry beyond the four files: a file of the caller's
 * (the national run's municipalities.csv) and the number of MPI ranks that made
 * the run (manifest.json then has "mpi_ranks"; 0 = not an MPI run, no key).
 *
 * Version 2 adds a cancel hook: cancelled(step, payload) is asked before each
 * file (step = its name) and once more just before the rename (step = NULL);
 * when it returns nonzero, the writer removes what it wrote and the parents it
 * created and returns STROOM_EINTR. Once renamed, the directory is complete and
 * nothing undoes it. The library installs no signal handler: a caller that wants
 * Ctrl-C to stop the write sets a flag in its handler and returns it here.
 */
typedef struct stroom_output_extra {
	unsigned int version;   /* STROOM_OUTPUT_EXTRA_VERSION */
	const char *file_name;  /* NULL = none */
	const char *file_text;
	size_t file_len;
	int mpi_ranks;
	/* version >= 2 */
	int (*cancelled)(const char *step, void *payload); /* NULL = never */
	void *payload;
	/* version >= 3: the scenario's posterior (NULL = none) and the same run with
	 * the posterior ignored, every parameter from its prior (priors_only, same
	 * seed; NULL = not run). With both, the summary and manifest.json say how much
	 * the posterior narrowed the 90% interval of the caseload on the target date. */
	const stroom_posterior *posterior;
	const stroom_results *priors_only;
} stroom_output_extra;
#define STROOM_OUTPUT_EXTRA_VERSION 3
#define STROOM_OUTPUT_EXTRA_INIT {STROOM_OUTPUT_EXTRA_VERSION, NULL, NULL, 0, 0, NULL, NULL, NULL, NULL}

/* As stroom_output_summary, with extra (NULL = none; see stroom_output_extra's
 * posterior and priors_only). */
STROOM_API size_t stroom_output_summary_ext(const stroom_results *r, const stroom_params *p,
					    const stroom_budget_run *br, const stroom_results *central,
					    const stroom_output_extra *extra, char *buf,
					    size_t size);

/* As stroom_output_write_run, with extra (NULL = none); STROOM_EINTR when extra's
 * hook cancelled the write. */
STROOM_API int stroom_output_write_run_ext(const stroom_results *r, const stroom_scenario *s,
					   const stroom_params *p, const stroom_budget_run *br,
					   const stroom_results *central, const stroom_output_extra *extra,
					   const char *dir, char *path_out, size_t path_size);

/*
 * Budget runs of several municipalities added up (the national total), replicate
 * by replicate and year by year: every eurocent amount is an integer sum, so the
 * order of the additions cannot change it; result_pct is then 100 x result /
 * budget of the sums and the volume/price split the sum of the parts.
 * stroom_output_budget_add adds src into dst (STROOM_EINVAL when the replicates
 * or years differ). pack/unpack move a budget run between processes (MPI), bit
 * for bit, with the conventions of stroom_results_pack.
 */
STROOM_API int stroom_output_budget_add(stroom_budget_run *dst, const stroom_budget_run *src);
STROOM_API size_t stroom_output_budget_pack(const stroom_budget_run *br, void *buf, size_t size);
STROOM_API int stroom_output_budget_unpack(stroom_budget_run **out, const void *buf, size_t size);

#ifdef __cplusplus
}
#endif
#endif
