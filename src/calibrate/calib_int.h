/*
 * calib_int.h: the calibration's parts (src/calibrate/), shared by its files and
 * its tests; not part of the API.
 *
 *   calib_prior.c  the parameters: supports, the logit transform and its Jacobian,
 *                  prior log densities (truncated to the support)
 *   calib_lik.c    observed rows -> fitted items (or "not fitted: why"), the
 *                  likelihood of each unit
 *   calib_mcmc.c   the posterior mode (GSL nmsimplex2), the Laplace covariance,
 *                  adaptive Metropolis chains in threads, R-hat and ESS
 *   calibrate.c    the fit: parameters chosen, the model, the chains, the summaries
 *   calib_write.c  posterior.csv, fit.txt, fit.csv, manifest.json, the directory
 *                  (calib_write_texts: the fit's and the backtest's)
 *   calib_ev.c     the model the fit runs: the expected-value engine
 */
#ifndef STROOM_CALIB_INT_H
#define STROOM_CALIB_INT_H

#include "internal.h"

#include <stroom/calibrate.h>
#include <stroom/observed.h>
#include <stroom/sim.h>

#include <gsl/gsl_rng.h>

/* The random streams of a fit (stroom_rng purposes beyond those of rng.h). */
/* The calibration's random-number purposes are STROOM_PURPOSE_CALIB_* in include/stroom/rng.h. */

/* ---- parameters (calib_prior.c) ---- */
enum { CALIB_TR_NONE, CALIB_TR_LOGIT };
typedef struct calib_param {
	char name[STROOM_DRAW_NAME_LEN];
	int draw;            /* position in the draw vector (stroom_params_draw_values) */
	stroom_prior prior;
	double lo, hi;       /* the support: the key's bounds within the distribution's */
	int tr;              /* CALIB_TR_LOGIT when lo < hi are finite */
	double step;         /* a scale in the unconstrained space: about one prior sd */
	int seen;            /* the likelihood depends on it (else drawn from its prior) */
} calib_param;

/* Fills c's support, transform and step from its prior; STROOM_EINVAL for a prior
 * that cannot be fitted continuously (values, fixed, an empty support). */
int calib_param_init(calib_param *c, const char *name, int draw, const stroom_prior *pr);
double calib_to_x(const calib_param *c, double y);
double calib_to_y(const calib_param *c, double x);
/* log |dx/dy| at y. */
double calib_log_jacobian(const calib_param *c, double y);
/* The prior's log density at x, normalised over its truncation to [lo, hi];
 * -HUGE_VAL outside. */
double calib_log_prior(const stroom_prior *pr, double lo, double hi, double x);

/* ---- the model the likelihood compares with ---- */
typedef struct calib_model {
	void *ctx;
	stroom_month start;
	int months;          /* flows in months 0..months-1, stocks 0..months */
	int (*group_index)(void *ctx, const char *name); /* or -1 */
	void *(*ws_new)(void *ctx);                     /* NULL on failure (detail set) */
	void (*ws_free)(void *ctx, void *ws);
	int (*run)(void *ws, const stroom_params *q);
	double (*value)(const void *ws, int t, int indicator, int group);
	/* NULL, or: workspaces made after this call need to give values for stocks
	 * at 0..months and flows in 0..months-1 only (run may stop there) */
	void (*limit)(void *ctx, int months);
} calib_model;

/* ---- likelihood (calib_lik.c) ---- */
enum { CALIB_STOCK, CALIB_FLOW, CALIB_SHARE };
typedef struct calib_lik_settings {
	double sd_households, sd_benefits, sd_share, phi_households, phi_benefits;
} calib_lik_settings;
/* The stated defaults (docs/model.md section 7), where opts leaves 0. */
void calib_lik_settings_from(calib_lik_settings *s, const stroom_calibrate_options *o);

typedef struct calib_item {
	size_t row;          /* index in the rows */
	int kind;            /* CALIB_STOCK (lognormal), CALIB_FLOW (negative binomial), CALIB_SHARE */
	int t, months;       /* first month index; 0 for a stock */
	int nind, ind[8];    /* indicators summed (inflow = new + return, exits = five) */
	int group, all;      /* the model's group, and "all" (a share's denominator) */
	int share_flow;      /* a share of a flow (of the same flow of "all") */
	double value;
	double sd;           /* stock: sd of the log (unit part); share: sd; flow: phi */
	/* a stock's chance variation (households squared) when has_pvar (set by
	 * calib_items_process_var); otherwise its bound, the expected stock */
	int has_pvar;
	double pvar;
} calib_item;

typedef struct calib_skip {
	size_t row;
	char why[200];
} calib_skip;

/*
 * Sorts rows into items the model produces and skips ("not fitted: why"); both
 * arrays hold n entries (allocated by the caller). Returns the number of items.
 */
size_t calib_items_build(const stroom_obs_row *rows, size_t n, const calib_model *m,
			 const calib_lik_settings *s, calib_item *items, calib_skip *skips,
			 size_t *n_skips);
/* The model's expectation of an item (a count, or a share). */
double calib_item_expect(const calib_item *it, const calib_model *m, const void *ws);
/*
 * Fixes each stock item's chance variation from the model's run in ws (the fit
 * calls it at the priors' central values): for the group "all" the bound
 * A + X - X^2 / N0 (A the arrivals and X the exits before the stock's month, N0
 * the starting stock), at most the expected stock; for other groups, whose
 * households also move between groups, the expected stock.
 */
void calib_items_process_var(calib_item *items, size_t n, const calib_model *m, const void *ws);
/* The log likelihood of an item's observed value given the expectation mu. */
double calib_item_loglik(const calib_item *it, double mu);
/* The sd of an item's observation on its scale (log for stocks) given mu, for
 * the report's standardised residuals. */
double calib_item_sd(const calib_item *it, double mu);
/* One draw of the observation given mu (posterior predictive), from g. */
double calib_item_draw(const calib_item *it, double mu, const gsl_rng *g);
/* "2018-01-01 caseload all (benefits)" for messages. */
void calib_row_label(const stroom_obs_row *r, char *buf, size_t size);

/* ---- the sampler (calib_mcmc.c) ---- */
typedef struct calib_target {
	int d;                 /* dimension */
	size_t aux_len;        /* doubles an evaluation may leave in aux (predictions) */
	void *ctx;
	void *(*ws_new)(void *ctx);
	void (*ws_free)(void *ctx, void *ws);
	/* log density at y; fills aux (aux_len doubles) when not NULL */
	double (*logdens)(void *ws, const double *y, double *aux);
} calib_target;

/* Nelder-Mead (nmsimplex2) from y (d values, overwritten by the mode) with
 * initial steps step; restarts until the improvement is below 1e-6 (at most
 * `restarts` times). Returns the log density at the mode. */
double calib_find_mode(const calib_target *t, void *ws, double *y, const double *step, int restarts,
		       int max_iter);
/* The covariance of the Laplace approximation at y (d x d into cov) from a
 * central-difference Hessian with steps h; 0, or -1 when the Hessian is not
 * negative definite (cov is then diagonal from h). */
int calib_laplace(const calib_target *t, void *ws, const double *y, const double *h, double *cov);

typedef struct calib_mcmc_options {
	int chains, warmup, iterations, threads;  /* iterations: kept per chain, at most */
	uint64_t seed;
	const double *start;   /* chains x d starting points */
	const double *cov0;    /* d x d: the initial proposal covariance (unscaled) */
	const double *center;  /* d: the independence proposal's first centre; NULL = random walk only */
	/* the stopping rule: after every check_every kept iterations per chain (0:
	 * none, run all), converged(y, chains, n, stride, payload) is asked about the
	 * kept draws so far (chain c's draw i of dimension j at y[(c * stride + i) *
	 * d + j]); nonzero stops the sampling there */
	int check_every;
	int (*converged)(const double *y, int chains, int n, int stride, void *payload);
	void *check_payload;
	stroom_progress_cb progress;
	void *payload;
} calib_mcmc_options;

/* The warm-up's stages: from iteration CALIB_STAGE_FIRST on, every
 * CALIB_STAGE_LEN iterations the independence proposal is refitted to the second
 * halves of every chain's history so far (calib_mcmc.c). */
#define CALIB_STAGE_FIRST 200
#define CALIB_STAGE_LEN 100

typedef struct calib_chains {
	int chains, n, d;      /* n kept iterations per chain */
	int cap;               /* the iterations asked for; n < cap: stopped at convergence */
	size_t aux_len;
	double *y;             /* [chain][n][d] */
	double *lp;            /* [chain][n] */
	double *aux;           /* [chain][n][aux_len] */
	double *accept;        /* per chain, over the kept iterations */
	int threads;           /* threads used */
} calib_chains;

/* Runs the chains; fills ch (free with calib_chains_free). 0, STROOM_EINTR,
 * STROOM_ENOMEM or the detail of a failed workspace. */
int calib_mcmc_run(const calib_target *t, const calib_mcmc_options *o, calib_chains *ch,
		   const stroom_allocator *al);
void calib_chains_free(calib_chains *ch, const stroom_allocator *al);

/* Rank-normalised split R-hat (the larger of bulk and folded; Vehtari et al.
 * 2021) and bulk ESS of x: chains x n values, chain after chain. */
double calib_rhat(const double *x, int chains, int n);
double calib_ess(const double *x, int chains, int n);

/* ---- output directories (calib_write.c) ---- */
/* The text of file k of an output directory into buf (snprintf convention:
 * returns the length needed). */
typedef size_t (*calib_text_fn)(const void *obj, int k, char *buf, size_t size);
/*
 * Writes the n (at most 8) files named files[k], each the text text(obj, k),
 * into the directory out (runs/<UTC time>-<name><suffix> when NULL) all or
 * nothing (stroom_write_dir; what: "this fit was written"); cancelled as in
 * stroom_calibrate_write. The final path into path_out.
 */
int calib_write_texts(const char *out, const char *name, const char *suffix, const char *what,
		      const char *const *files, int n, calib_text_fn text, const void *obj,
		      int (*cancelled)(const char *step, void *payload), void *payload, char *path_out,
		      size_t path_size);

#endif
