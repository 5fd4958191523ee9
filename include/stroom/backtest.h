/*
 * stroom/backtest.h: how well the model forecasts, measured on its own record
 * (docs/model.md section 11).
 *
 * For each forecast origin (a month) the scenario's priors are fitted
 * (stroom_calibrate_run, the expected-value engine) to the observed rows dated up
 * to the origin: a stock counted on the origin's 1st or earlier, a flow whose
 * period ends by the origin. Then every observed row the model produces that is
 * dated in a horizon window after the origin (a stock on its day, a flow at the
 * end of its period, the whole period after the origin) is forecast: the median
 * and the 90% interval of the posterior predictive (posterior draws through the
 * engine, plus the likelihood's observation noise for that row's unit; keyed
 * random numbers, so nothing depends on the threads). Horizon windows are
 * disjoint: with horizons 6, 12, 24 a row 1-6 months after the origin belongs to
 * 6, 7-12 months to 12, 13-24 to 24.
 *
 * Each forecast stands beside two baselines computed from the record alone, per
 * series (indicator, group, period length; households and benefits counted
 * together, shares apart):
 *  - no change: the series' last value dated up to the origin;
 *  - a straight line fitted by least squares to the series' values dated in the
 *    `line_months` (24) up to the origin (x = the month a stock is counted, or a
 *    flow's period ends; a yearly flow: a line through the yearly values), with a
 *    90% prediction interval from the residual sd (Student t, n - 2 degrees of
 *    freedom) when it has at least 3 points, else no interval.
 * Scores per origin and horizon (and over all origins): the mean absolute
 * percentage error of the model's median and of each baseline, and the share of
 * observations inside the model's and the line's 90% intervals.
 */
#ifndef STROOM_BACKTEST_H
#define STROOM_BACKTEST_H

#include <stroom/calibrate.h>
#include <stroom/common.h>
#include <stroom/observed.h>
#include <stroom/population.h>
#include <stroom/scenario.h>
#include <stroom/sim.h>

#ifdef __cplusplus
extern "C" {
#endif

#define STROOM_BACKTEST_MAX_ORIGINS 64
#define STROOM_BACKTEST_MAX_HORIZONS 8

typedef struct stroom_backtest_options {
	unsigned int version;          /* STROOM_BACKTEST_OPTIONS_VERSION */
	int n_origins;                 /* 1 to STROOM_BACKTEST_MAX_ORIGINS, ascending, distinct */
	const stroom_month *origins;
	int n_horizons;                /* 0 = 6, 12, 24 */
	const int *horizons;           /* months after the origin, ascending, 1 to 120 */
	int line_months;               /* the line baseline's window; 0 = 24 */
	int draws;                     /* posterior draws run through the engine per origin; 0 = 400 */
	stroom_calibrate_options calibrate; /* the fit at each origin (its seed keys the forecast) */
} stroom_backtest_options;
#define STROOM_BACKTEST_OPTIONS_VERSION 1
#define STROOM_BACKTEST_OPTIONS_INIT \
	{STROOM_BACKTEST_OPTIONS_VERSION, 0, NULL, 0, NULL, 0, 0, STROOM_CALIBRATE_OPTIONS_INIT}

/* One observed row forecast from one origin. */
typedef struct stroom_backtest_row {
	int origin;                    /* index into the options' origins */
	int horizon;                   /* index into the horizons */
	int ahead;                     /* months from the origin to the row's date */
	const stroom_obs_row *row;     /* borrowed from the caller's rows */
	double observed;
	double median, q05, q95;       /* the model's posterior predictive */
	double nochange;               /* NAN: the series has no value up to the origin */
	double line, line_q05, line_q95; /* NAN: fewer than 2 (interval: 3) points in the window */
	int line_points;
} stroom_backtest_row;

/* Scores of one origin (or all, origin -1) at one horizon. A MAPE is in percent,
 * over the rows where the forecast exists and the observed value is not 0 (NAN
 * when there is none); a coverage is a share in [0, 1] over the rows with an
 * interval (NAN when none). */
typedef struct stroom_backtest_score {
	int n;                         /* rows scored */
	double mape_model, mape_nochange, mape_line;
	int n_nochange, n_line;        /* rows with that baseline */
	double cover_model, cover_line;
	int n_line_interval;           /* rows with the line's interval */
} stroom_backtest_score;

typedef struct stroom_backtest stroom_backtest;

/*
 * Checks everything before any work: the options (origins ascending and distinct,
 * horizons), and each origin, refused with STROOM_EINVAL and one line naming it
 * when it is not inside the scenario's months (after its start, before its end),
 * when fewer than 2 stocks of a series (counts) are dated in the line_months up to
 * it (the line needs two), when the fit has nothing to fit before it
 * (stroom_calibrate_check), or when no observed row the model produces is dated
 * in its horizons.
 */
STROOM_API int stroom_backtest_check(const stroom_params *p, const stroom_population *pop,
				     const stroom_obs_row *rows, size_t n_rows,
				     const stroom_backtest_options *opts);

/* Runs the backtest (one fit per origin). rows must outlive *out. Returns 0,
 * STROOM_EINVAL (as stroom_backtest_check), STROOM_EINTR (the calibration's
 * progress callback cancelled: it is called by each fit, and every 50 forecast
 * draws with (draws done, draws)), STROOM_ENOMEM. */
STROOM_API int stroom_backtest_run(stroom_backtest **out, const stroom_params *p,
				   const stroom_population *pop, const stroom_obs_row *rows,
				   size_t n_rows, const stroom_backtest_options *opts);
STROOM_API void stroom_backtest_free(stroom_backtest *b);

STROOM_API int stroom_backtest_origin_count(const stroom_backtest *b);
STROOM_API stroom_month stroom_backtest_origin(const stroom_backtest *b, int k);
STROOM_API int stroom_backtest_horizon_count(const stroom_backtest *b);
STROOM_API int stroom_backtest_horizon(const stroom_backtest *b, int h);
/* The fit at origin k: rows fitted, converged (1/0), the worst parameter's R-hat. */
STROOM_API void stroom_backtest_fit_info(const stroom_backtest *b, int k, size_t *fitted,
					 int *converged, double *worst_rhat);
STROOM_API size_t stroom_backtest_row_count(const stroom_backtest *b);
STROOM_API const stroom_backtest_row *stroom_backtest_row_at(const stroom_backtest *b, size_t i);
/* Scores of origin k (-1: all origins) at horizon index h. */
STROOM_API void stroom_backtest_scores(const stroom_backtest *b, int k, int h,
				       stroom_backtest_score *s);

/* Texts (snprintf convention: the length needed): the readable table (what
 * `stroom backtest` prints), summary.txt (the table, the settings, each fit's
 * convergence) and backtest.csv (one row per forecast row). */
STROOM_API size_t stroom_backtest_table(const stroom_backtest *b, char *buf, size_t size);
STROOM_API size_t stroom_backtest_summary(const stroom_backtest *b, char *buf, size_t size);
STROOM_API size_t stroom_backtest_csv(const stroom_backtest *b, char *buf, size_t size);

/* What the output directory records: the fit's record (stroom_calibrate_write:
 * the scenario, the observed file and its SHA-256, computed when NULL, the wall
 * time, the cancel callback). */
typedef stroom_calibrate_write stroom_backtest_write;

/* Writes backtest.csv, summary.txt and manifest.json into out (all or nothing;
 * out must not exist; runs/<UTC time>-<name>-backtest when NULL). */
STROOM_API int stroom_backtest_write_dir(const stroom_backtest *b, const stroom_backtest_write *w,
					 const char *out, char *path_out, size_t path_size);
STROOM_API void stroom_backtest_default_dir(const char *name, char *buf, size_t size);

#ifdef __cplusplus
}
#endif
#endif
