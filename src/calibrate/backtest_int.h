/*
 * backtest_int.h: the backtest's parts shared with its tests (src/calibrate/backtest.c);
 * not part of the API.
 */
#ifndef STROOM_BACKTEST_INT_H
#define STROOM_BACKTEST_INT_H

#include "calib_int.h"

#include <stroom/backtest.h>

/* The backtest over the model m (stroom_backtest_run with the expected-value
 * engine; the tests with toy models). check_only: the checks of
 * stroom_backtest_check, *out stays NULL. */
int backtest_run_model(stroom_backtest **out, const stroom_params *p, const calib_model *m,
		       const stroom_obs_row *rows, size_t n_rows, const stroom_backtest_options *o,
		       int check_only);

/*
 * The line baseline: least squares through the n points (x, y), evaluated at
 * `at`: *pred, and with at least 3 points the 90% prediction interval
 * pred -+ t(0.95, n-2) s sqrt(1 + 1/n + (at - mean x)^2 / Sxx), s the residual sd
 * (*lo, *hi; NAN with fewer). Returns n, or 0 (all NAN) when fewer than 2
 * distinct x.
 */
int backtest_line(const double *x, const double *y, int n, double at, double *pred, double *lo,
		  double *hi);

#endif
