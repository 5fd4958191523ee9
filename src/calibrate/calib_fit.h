/*
 * calib_fit.h: a finished fit (struct stroom_calibration), shared by calibrate.c,
 * which makes it, calib_write.c, which writes it, and the tests; not part of the API.
 */
#ifndef STROOM_CALIB_FIT_H
#define STROOM_CALIB_FIT_H

#include "calib_int.h"

typedef struct calib_settings {
	int chains, iterations, warmup, threads, draws;
	uint64_t seed;
	double rhat_max, ess_min;
	calib_lik_settings lik;
} calib_settings;

/* The defaults (include/stroom/calibrate.h): the kept iterations per chain at
 * most, the warm-up's longest default, and the kept iterations per chain between
 * two checks of the stopping rule (docs/model.md section 7). */
#define CALIB_ITERATIONS 40000
#define CALIB_WARMUP 500
#define CALIB_CHECK_EVERY 250

/* The settings of o, its zeros replaced by the defaults (include/stroom/calibrate.h). */
void calib_settings_from(calib_settings *s, const stroom_calibrate_options *o);

typedef struct calib_summary {
	double mean, sd, q05, q50, q95;
} calib_summary;

typedef struct calib_param_sum {
	calib_summary prior, post;
	double rhat, ess;
} calib_param_sum;

typedef struct calib_item_sum {
	double mean;            /* the fitted expectation: the posterior mean of the model's value */
	double q05, q50, q95;   /* the posterior predictive quantiles of the observation */
	double sd;              /* the observation's sd at the fitted mean (log scale for stocks) */
} calib_item_sum;

struct stroom_calibration {
	const stroom_allocator *al;
	char name[STROOM_NAME_LEN];
	stroom_month start;
	int months;
	calib_settings set;
	/* parameters */
	int np, nseen;
	calib_param *par;
	double x0[STROOM_DRAW_MAX];      /* the priors' central values */
	double mode_x[STROOM_DRAW_MAX];  /* the posterior mode */
	double mode_lp;
	calib_param_sum psum[STROOM_DRAW_MAX];
	int nheld;                       /* values priors held at their central value */
	char held[STROOM_DRAW_MAX][STROOM_DRAW_NAME_LEN];
	/* rows */
	size_t nrows, nitems, nskips;
	stroom_obs_row *rows;
	calib_item *items;
	calib_skip *skips;
	char (*skip_text)[400];
	/* draws */
	size_t S;                        /* chains x n */
	int n;
	double *x;                       /* [S][np] */
	double *pred;                    /* [S][nitems]: the model's expectation per draw */
	calib_item_sum *item_sum;
	double *corr;                    /* [np][np] */
	double *accept;                  /* per chain */
	int converged, worst, threads;
	long evals, evals_mode;          /* the engine's runs: all, and before the chains */
	double seconds, seconds_mode, seconds_chains;
};

/* The fit of p to rows over the model m (stroom_calibrate_run with the
 * expected-value engine; the tests with toy models). check_only: stop after the
 * checks (parameters, rows, units), *out stays NULL. */
int calib_fit(stroom_calibration **out, const stroom_params *p, const calib_model *m,
	      const stroom_obs_row *rows, size_t n_rows, const stroom_calibrate_options *o,
	      int check_only);

#endif
