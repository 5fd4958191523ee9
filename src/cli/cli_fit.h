/*
 * cli_fit.h: what `stroom calibrate` (src/cli/cli_calibrate.c) and `stroom backtest`
 * (src/cli/cli_backtest.c) share: their common options and the loading of the
 * observed rows (src/cli/cli_util.c).
 */
#ifndef STROOM_CLI_FIT_H
#define STROOM_CLI_FIT_H

#include <stroom/calibrate.h>
#include <stroom/check.h>
#include <stroom/observed.h>

/* The fit options' values that are not in stroom_calibrate_options. */
typedef struct stroom_cli_fit_args {
	const char *observed, *out;
	const char *keys[STROOM_CALIBRATE_MAX_KEYS];
	int n_keys;
} stroom_cli_fit_args;

/*
 * argv[*i] is an option. When it is one of the fit options, --observed FILE,
 * --out DIR, --param KEY (repeated, at most STROOM_CALIBRATE_MAX_KEYS),
 * --chains N (2-64), --iterations N (20-10,000,000), --seed N (0 to 2^64 - 1) or
 * --threads N (1-1024), its value argv[*i + 1] goes into f or o (o->keys and
 * o->n_keys point at f's), *i moves onto it and 1 is returned. 0: another
 * option (the caller's own, or unknown). -1: one line printed ("stroom: CMD: OPT
 * needs a value", "stroom: OPT: expected ..., got '...'"); exit 2.
 */
int stroom_cli_fit_option(const char *cmd, int argc, char **argv, int *i, stroom_cli_fit_args *f,
			  stroom_calibrate_options *o);

/* s as a whole number from lo to hi (no sign, no leading space) into *out: 0, or
 * EXIT_BADINPUT after "stroom: OPT: expected a whole number ..., got 'S'". */
int stroom_cli_whole(const char *opt, const char *s, long lo, long hi, long *out);

/* A writer's cancel callback (stroom_calibrate_write, stroom_backtest_write):
 * nonzero once a signal came (stroom_cli_interrupted). */
int stroom_cli_write_cancelled(const char *step, void *payload);

/* The rows of obs copied into a new array (*rows, the caller frees; one spare
 * element so that it is never a zero-size allocation): 0, or EXIT_FAILED after
 * "stroom: out of memory". */
int stroom_cli_observed_rows(const stroom_observed *obs, stroom_obs_row **rows, size_t *n_rows);

/* What calibrate and backtest load before any work. */
typedef struct stroom_cli_fit_inputs {
	stroom_run_inputs *in;
	const stroom_params *p;
	stroom_observed *obs;
	stroom_obs_row *rows;
	size_t n_rows;
} stroom_cli_fit_inputs;

/*
 * The loading both commands share: the scenario scen and what its run reads
 * (fixed parameters), refused when it is a national run, then the observed
 * series f->observed and its rows; o->rules set to the scenario's. 0, or an exit
 * code after one line (cmd names the command). Free fi with
 * stroom_cli_fit_inputs_free in either case.
 */
int stroom_cli_fit_load(const char *cmd, const char *scen, const stroom_cli_fit_args *f,
			stroom_calibrate_options *o, stroom_cli_fit_inputs *fi);
void stroom_cli_fit_inputs_free(stroom_cli_fit_inputs *fi);

/*
 * The outcome of a fit's run (run = 1) or of writing its directory (run = 0):
 * a cancel (STROOM_EINTR, or a signal while the run ended well) prints
 * "interrupted; nothing written" and gives 128 + the signal; another error prints
 * its detail and gives its exit code; else 0.
 */
int stroom_cli_fit_outcome(int err, int run);

#endif
