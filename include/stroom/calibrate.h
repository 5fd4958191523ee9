/*
 * stroom/calibrate.h: fitting a scenario's uncertain parameters to observed series.
 *
 * posterior = prior x likelihood (docs/model.md section 7). The parameters are the
 * scenario's drawn priors (or the keys chosen), sampled in an unconstrained space
 * (logit of each prior's support). The likelihood compares the expected-value
 * engine's stocks and flows with the observed rows: negative binomial for flow
 * counts, lognormal for stocks (an observation error by unit plus the process's
 * own chance variation), normal for shares. Rows the model does not produce are
 * not fitted and are listed with the reason. The posterior mode is found with
 * GSL's Nelder-Mead simplex (nmsimplex2, restarted), then several adaptive
 * Metropolis chains (Haario et al. 2001) sample the posterior in threads, each
 * chain's random numbers keyed by (seed, chain, iteration), so the draws do not
 * depend on the number of threads. Convergence is judged by the rank-normalised
 * split R-hat and the bulk effective sample size (Vehtari et al. 2021), checked
 * every 250 kept iterations: the chains stop at the first check that passes, or
 * at the iterations asked for (then not converged).
 */
#ifndef STROOM_CALIBRATE_H
#define STROOM_CALIBRATE_H

#include <stroom/common.h>
#include <stroom/observed.h>
#include <stroom/population.h>
#include <stroom/rules.h>
#include <stroom/scenario.h>
#include <stroom/sim.h>

#ifdef __cplusplus
extern "C" {
#endif

#define STROOM_CALIBRATE_MAX_KEYS 64

typedef struct stroom_calibrate_options {
	unsigned int version;         /* STROOM_CALIBRATE_OPTIONS_VERSION */
	int chains;                   /* 0 = 4 */
	int iterations;               /* kept per chain after the warm-up, at most; 0 = 40000. The
					 chains stop at the first check (every 250 kept) where every
					 fitted parameter has converged (rhat_max, ess_min) */
	int warmup;                   /* per chain, adapting the proposals; 0 = iterations / 4,
					 at least 200 and at most 500 */
	uint64_t seed;                /* of the chains' random numbers */
	int threads;                  /* 0 = one per online CPU; the draws do not depend on it */
	int draws;                    /* rows of posterior.csv (thinned); 0 = 1000 */
	int n_keys;                   /* keys chosen (--param): a key or a prefix; 0 = every prior */
	const char *const *keys;
	double rhat_max;              /* converged when every R-hat is below; 0 = 1.01 */
	double ess_min;               /* ... and every bulk ESS at least; 0 = 400 */
	/* the likelihood (docs/model.md section 7); 0 = the stated default */
	double sd_households;         /* stock sd on the log scale, unit households: 0.01 */
	double sd_benefits;           /* ... unit benefits: 0.025 */
	double sd_share;              /* sd of a share: 0.025 */
	double phi_households;        /* flows: relative overdispersion (NB size 1/phi^2): 0.05 */
	double phi_benefits;          /* ... unit benefits: 0.10 */
	const stroom_rules *rules;    /* NULL = builtin */
	stroom_progress_cb progress;  /* (iterations done, total); nonzero cancels (STROOM_EINTR) */
	void *payload;
	const stroom_allocator *allocator; /* NULL = malloc */
} stroom_calibrate_options;
#define STROOM_CALIBRATE_OPTIONS_VERSION 1
#define STROOM_CALIBRATE_OPTIONS_INIT \
	{STROOM_CALIBRATE_OPTIONS_VERSION, 0, 0, 0, 0, 0, 0, 0, NULL, 0, 0, 0, 0, 0, 0, 0, NULL, NULL, NULL, NULL}

typedef struct stroom_calibration stroom_calibration;

/*
 * What would be fitted, checked before any work: the parameters (a chosen key
 * without a prior, or with a `values` prior, is STROOM_EINVAL naming it), the
 * rows (nothing fittable is STROOM_EINVAL; a row whose value is more than ten
 * times off the model at the priors' central values is STROOM_EINVAL naming its
 * line: a wrong unit). Cheap: one run of the expected-value engine.
 */
STROOM_API int stroom_calibrate_check(const stroom_params *p, const stroom_population *pop,
				      const stroom_obs_row *rows, size_t n_rows,
				      const stroom_calibrate_options *opts);

/*
 * Fits p's parameters to the rows. Returns 0 and *out (also when the chains did
 * not converge: see stroom_calibration_converged), STROOM_EINVAL for input the
 * fit cannot use (as stroom_calibrate_check), STROOM_EINTR when the progress
 * callback cancelled it, STROOM_ENOMEM.
 */
STROOM_API int stroom_calibrate_run(stroom_calibration **out, const stroom_params *p,
				    const stroom_population *pop, const stroom_obs_row *rows,
				    size_t n_rows, const stroom_calibrate_options *opts);
STROOM_API void stroom_calibration_free(stroom_calibration *c);

/* 1 when every R-hat < rhat_max and every bulk ESS >= ess_min. */
STROOM_API int stroom_calibration_converged(const stroom_calibration *c);
/* The parameter that is furthest from convergence (largest R-hat, else smallest
 * ESS), with its R-hat and ESS. */
STROOM_API const char *stroom_calibration_worst(const stroom_calibration *c, double *rhat,
						double *ess);
/* Fitted parameters: count, draw name (as stroom_params_draw_names), and the
 * posterior mean, sd, R-hat and bulk ESS of parameter i. */
STROOM_API int stroom_calibration_param_count(const stroom_calibration *c);
STROOM_API const char *stroom_calibration_param_name(const stroom_calibration *c, int i);
STROOM_API void stroom_calibration_param_summary(const stroom_calibration *c, int i, double *mean,
						 double *sd, double *rhat, double *ess);
/* The posterior's 5% and 95% quantiles of parameter i. */
STROOM_API void stroom_calibration_param_interval(const stroom_calibration *c, int i, double *q05,
						  double *q95);
/* Rows not fitted: count and "line N: period indicator group: why" (borrowed). */
STROOM_API size_t stroom_calibration_skipped_count(const stroom_calibration *c);
STROOM_API const char *stroom_calibration_skipped(const stroom_calibration *c, size_t i);
/* Rows fitted. */
STROOM_API size_t stroom_calibration_fitted_count(const stroom_calibration *c);

/* The files of the output directory into buf (snprintf convention: returns the
 * length needed). provenance: comment lines for posterior.csv's head, without
 * "# " (may be NULL). */
STROOM_API size_t stroom_calibration_posterior_csv(const stroom_calibration *c, const char *provenance,
						   char *buf, size_t size);
STROOM_API size_t stroom_calibration_report(const stroom_calibration *c, char *buf, size_t size);
STROOM_API size_t stroom_calibration_fit_csv(const stroom_calibration *c, char *buf, size_t size);

/* What the output directory records besides the fit. */
typedef struct stroom_calibrate_write {
	const stroom_scenario *scenario;  /* its inputs are listed with their SHA-256 */
	const char *observed_path;
	const char *observed_sha256;      /* 64 hex digits; NULL: computed from observed_path */
	double seconds;                   /* the fit's wall time */
	/* asked before every file and before the rename (step NULL); nonzero stops
	 * (STROOM_EINTR, nothing written) */
	int (*cancelled)(const char *step, void *payload);
	void *payload;
} stroom_calibrate_write;

/*
 * Writes posterior.csv, fit.txt, fit.csv and manifest.json into the directory
 * out (runs/<UTC time>-<name>-calibrate when NULL), all or nothing: the files go
 * into a temporary directory beside it, renamed when complete; out must not
 * exist. The final path into path_out.
 */
STROOM_API int stroom_calibration_write_dir(const stroom_calibration *c, const stroom_calibrate_write *w,
					    const char *out, char *path_out, size_t path_size);
/* The directory stroom_calibration_write_dir(c, w, out, ...) would write, for a
 * check before any work (stroom_output_check_dir). */
STROOM_API void stroom_calibrate_default_dir(const char *name, char *buf, size_t size);

#ifdef __cplusplus
}
#endif
#endif
