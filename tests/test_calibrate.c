/*
 * test_calibrate.c: the calibration's parts. Prior densities against GSL's pdfs
 * and their truncation integrating to 1; the logit transform and its Jacobian;
 * R-hat and ESS on chains with known answers (iid normal, two chains apart, an
 * AR(1)); the sampler on a Gaussian with a known mean, sd and correlation, and
 * the same draws whatever the threads; the likelihood of each unit against its
 * closed form and every kind of row not fitted; a whole fit over a toy model
 * (a stock with one exit hazard and a constant inflow) that recovers the
 * parameters the data were made with, and its report, posterior.csv and errors.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "calib_fit.h"
#define CALIB_FIXTURE_TOY
#include "calib_fixture.h"
#include "rng_int.h"

#include <gsl/gsl_cdf.h>
#include <gsl/gsl_randist.h>
#include <gsl/gsl_sf_gamma.h>

/* ---- priors and transforms ---- */

static stroom_prior prior(int dist, double a, double b, double lo, double hi)
{
	stroom_prior p;
	memset(&p, 0, sizeof p);
	p.dist = dist;
	p.a = a;
	p.b = b;
	p.lo = lo;
	p.hi = hi;
	return p;
}

/* The normalised truncated density integrates to 1 over the support (midpoint rule). */
static double integrate(const calib_param *c)
{
	int i, n = 200000;
	double h = (c->hi - c->lo) / n, s = 0;
	for (i = 0; i < n; i++)
		s += exp(calib_log_prior(&c->prior, c->lo, c->hi, c->lo + (i + 0.5) * h)) * h;
	return s;
}

static void test_prior_densities(void **state)
{
	stroom_prior n = prior(STROOM_PRIOR_NORMAL, 0.07, 0.0105, 0, 1);
	stroom_prior ln = prior(STROOM_PRIOR_LOGNORMAL, log(7000), 0.1, 0, 1e7);
	stroom_prior be = prior(STROOM_PRIOR_BETA, 2, 5, 0, 1);
	stroom_prior un = prior(STROOM_PRIOR_UNIFORM, 0.25, 0.75, -10, 10);
	stroom_prior tr = prior(STROOM_PRIOR_NORMAL, 0.0, 1.0, 0, 10); /* half-normal */
	calib_param c;
	(void)state;
	/* against GSL's pdfs where the truncation removes nothing */
	assert_true(fabs(calib_log_prior(&n, 0, 1, 0.08) - log(gsl_ran_gaussian_pdf(0.01, 0.0105))) < 1e-9);
	assert_true(fabs(calib_log_prior(&ln, 0, 1e7, 7500) -
			 log(gsl_ran_lognormal_pdf(7500, log(7000), 0.1))) < 1e-9);
	assert_true(fabs(calib_log_prior(&be, 0, 1, 0.3) - log(gsl_ran_beta_pdf(0.3, 2, 5))) < 1e-9);
	assert_true(fabs(calib_log_prior(&un, -10, 10, 0.5) - log(gsl_ran_flat_pdf(0.5, 0.25, 0.75))) < 1e-12);
	assert_true(calib_log_prior(&un, -10, 10, 0.8) == -HUGE_VAL);
	assert_true(calib_log_prior(&be, 0, 1, 1.2) == -HUGE_VAL);
	/* truncated at 0: twice the normal density */
	assert_true(fabs(calib_log_prior(&tr, 0, 10, 0.5) - log(2 * gsl_ran_ugaussian_pdf(0.5))) < 1e-9);
	/* each integrates to 1 over its support */
	assert_int_equal(calib_param_init(&c, "x", 0, &tr), 0);
	assert_true(fabs(integrate(&c) - 1) < 1e-4);
	assert_int_equal(calib_param_init(&c, "x", 0, &be), 0);
	assert_true(fabs(integrate(&c) - 1) < 1e-4);
	assert_int_equal(calib_param_init(&c, "x", 0, &un), 0);
	assert_true(c.lo == 0.25 && c.hi == 0.75);
	assert_true(fabs(integrate(&c) - 1) < 1e-6);
	/* a values prior or a fixed one cannot be fitted */
	{
		stroom_prior v = prior(STROOM_PRIOR_VALUES, 0, 0, 0, 1);
		v.nvalues = 2;
		v.values[0] = 0.1;
		v.values[1] = 0.2;
		assert_int_equal(calib_param_init(&c, "k", 0, &v), STROOM_EINVAL);
		assert_non_null(strstr(stroom_error_last(), "values"));
		v.dist = STROOM_PRIOR_FIXED;
		assert_int_equal(calib_param_init(&c, "k", 0, &v), STROOM_EINVAL);
	}
}

static void test_transform_jacobian(void **state)
{
	stroom_prior n = prior(STROOM_PRIOR_NORMAL, 0.0022, 0.00033, 0, 1);
	stroom_prior u = prior(STROOM_PRIOR_UNIFORM, 0.25, 0.75, -10, 10);
	const stroom_prior *ps[2] = {&n, &u};
	calib_param c;
	int k, i;
	(void)state;
	for (k = 0; k < 2; k++) {
		assert_int_equal(calib_param_init(&c, "x", 0, ps[k]), 0);
		for (i = -8; i <= 8; i++) {
			double y = i * 0.9 - 2, x = calib_to_x(&c, y), h = 1e-6;
			double num = (calib_to_x(&c, y + h) - calib_to_x(&c, y - h)) / (2 * h);
			assert_true(x > c.lo && x < c.hi);
			assert_true(fabs(calib_to_y(&c, x) - y) < 1e-6 * (1 + fabs(y)));
			assert_true(fabs(calib_log_jacobian(&c, y) - log(num)) < 1e-5);
		}
	}
}

/* ---- R-hat and ESS ---- */

static double *normal_chains(int chains, int n, double rho, const double *means, uint64_t seed)
{
	double *x = malloc((size_t)chains * (size_t)n * sizeof *x);
	stroom_gsl_philox g;
	int c, i;
	stroom_gsl_philox_init(&g);
	for (c = 0; c < chains; c++) {
		double prev = 0;
		stroom_gsl_philox_stream(&g, seed, (uint32_t)c, 0, 0, 1);
		for (i = 0; i < n; i++) {
			double e = gsl_ran_gaussian_ziggurat(&g.rng, 1.0);
			prev = i == 0 ? e : rho * prev + sqrt(1 - rho * rho) * e;
			x[c * n + i] = (means ? means[c] : 0) + prev;
		}
	}
	return x;
}

static void test_rhat_ess(void **state)
{
	double means[2] = {0, 3};
	double *iid = normal_chains(4, 1000, 0, NULL, 1), *apart = normal_chains(2, 1000, 0, means, 2),
	       *ar = normal_chains(4, 2000, 0.9, NULL, 3);
	double r, e;
	(void)state;
	r = calib_rhat(iid, 4, 1000);
	e = calib_ess(iid, 4, 1000);
	assert_true(r < 1.01 && r > 0.99);
	assert_true(e > 0.8 * 4000 && e < 1.25 * 4000);
	r = calib_rhat(apart, 2, 1000);
	assert_true(r > 1.5);
	/* AR(1): ESS = S (1 - rho) / (1 + rho) = 8000 x 0.0526 = 421 */
	e = calib_ess(ar, 4, 2000);
	assert_true(e > 421 * 0.7 && e < 421 * 1.3);
	assert_true(calib_rhat(ar, 4, 2000) < 1.05);
	free(iid);
	free(apart);
	free(ar);
}

/* ---- the sampler on a Gaussian ---- */

typedef struct gauss {
	double mean[2], sd[2], rho;
} gauss;

static void *g_new(void *ctx) { return ctx; }
static void g_free(void *ctx, void *ws) { (void)ctx, (void)ws; }
static double g_logdens(void *ws, const double *y, double *aux)
{
	const gauss *g = ws;
	double a = (y[0] - g->mean[0]) / g->sd[0], b = (y[1] - g->mean[1]) / g->sd[1];
	if (aux)
		aux[0] = y[0] + y[1];
	return -0.5 * (a * a - 2 * g->rho * a * b + b * b) / (1 - g->rho * g->rho);
}

static void run_gauss(calib_chains *ch, int threads)
{
	static gauss g = {{1.0, -2.0}, {0.5, 2.0}, 0.8};
	calib_target t = {2, 1, &g, g_new, g_free, g_logdens};
	double y[2] = {0, 0}, step[2] = {1, 1}, cov[4], start[8];
	calib_mcmc_options o;
	int c;
	calib_find_mode(&t, &g, y, step, 3, 2000);
	assert_true(fabs(y[0] - 1.0) < 1e-2 && fabs(y[1] + 2.0) < 1e-2);
	assert_int_equal(calib_laplace(&t, &g, y, step, cov), 0);
	assert_true(fabs(cov[0] - 0.25) < 1e-3 && fabs(cov[3] - 4.0) < 1e-2);
	assert_true(fabs(cov[1] - 0.8 * 0.5 * 2.0) < 1e-2);
	for (c = 0; c < 4; c++) {
		start[2 * c] = y[0] + (c - 1.5) * 0.5;
		start[2 * c + 1] = y[1] - (c - 1.5) * 2.0;
	}
	memset(&o, 0, sizeof o);
	o.chains = 4;
	o.warmup = 1000;
	o.iterations = 2000;
	o.threads = threads;
	o.seed = 42;
	o.start = start;
	o.cov0 = cov;
	o.center = y;
	assert_int_equal(calib_mcmc_run(&t, &o, ch, NULL), 0);
}

static void test_sampler_gaussian(void **state)
{
	calib_chains a, b;
	int j;
	size_t s, S;
	(void)state;
	run_gauss(&a, 1);
	run_gauss(&b, 2);
	S = (size_t)a.chains * (size_t)a.n;
	/* the same draws whatever the threads */
	assert_memory_equal(a.y, b.y, S * 2 * sizeof(double));
	for (j = 0; j < 2; j++) {
		double m = 0, v = 0, *col = malloc(S * sizeof *col);
		const double mean = j ? -2.0 : 1.0, sd = j ? 2.0 : 0.5;
		for (s = 0; s < S; s++)
			col[s] = a.y[s * 2 + (size_t)j], m += col[s];
		m /= (double)S;
		for (s = 0; s < S; s++)
			v += (col[s] - m) * (col[s] - m);
		v /= (double)(S - 1);
		assert_true(fabs(m - mean) < 0.1 * sd);
		assert_true(fabs(sqrt(v) - sd) < 0.1 * sd);
		assert_true(calib_rhat(col, a.chains, a.n) < 1.02);
		assert_true(calib_ess(col, a.chains, a.n) > 400);
		free(col);
	}
	/* the predictions follow the draws */
	assert_true(fabs(a.aux[17] - (a.y[34] + a.y[35])) < 1e-12);
	for (j = 0; j < a.chains; j++)
		assert_true(a.accept[j] > 0.15 && a.accept[j] < 0.9);
	calib_chains_free(&a, NULL);
	calib_chains_free(&b, NULL);
}

/* ---- the toy model of tests/calib_fixture.h ---- */

static void test_likelihood_units(void **state)
{
	stroom_scenario *s = NULL;
	const stroom_params *p;
	calib_model m;
	calib_lik_settings ls;
	stroom_obs_row rows[12];
	calib_item items[12];
	calib_skip skips[12];
	size_t n, ns, k;
	void *ws;
	stroom_month st;
	(void)state;
	assert_int_equal(stroom_scenario_load(&s, "rotterdam", NULL), 0);
	p = stroom_scenario_params(s);
	st = p->start;
	m = toy_model(p);
	calib_lik_settings_from(&ls, NULL);
	rows[0] = obs_row(st + 12, 0, STROOM_IND_CASELOAD, "all", 32000, STROOM_OBS_UNIT_HOUSEHOLDS, 2);
	rows[1] = obs_row(st + 12, 0, STROOM_IND_CASELOAD, "all", 33000, STROOM_OBS_UNIT_BENEFITS, 3);
	rows[2] = obs_row(st, 12, STROOM_OBS_IND_INFLOW, "all", 7100, STROOM_OBS_UNIT_HOUSEHOLDS, 4);
	rows[3] = obs_row(st + 12, 0, STROOM_IND_CASELOAD, "short", 0.11, STROOM_OBS_UNIT_SHARE, 5);
	rows[4] = obs_row(st + 12, 0, STROOM_IND_CASELOAD, "all", 60000, STROOM_OBS_UNIT_PERSONS, 6);
	rows[5] = obs_row(st, 12, STROOM_OBS_IND_APPLICATIONS, "all", 17000, STROOM_OBS_UNIT_HOUSEHOLDS, 7);
	rows[6] = obs_row(st - 12, 0, STROOM_IND_CASELOAD, "all", 36000, STROOM_OBS_UNIT_HOUSEHOLDS, 8);
	rows[7] = obs_row(st + 40, 12, STROOM_IND_EXIT_WORK, "all", 3000, STROOM_OBS_UNIT_HOUSEHOLDS, 9);
	rows[8] = obs_row(st + 12, 0, STROOM_IND_CASELOAD, "noord", 9000, STROOM_OBS_UNIT_HOUSEHOLDS, 10);
	rows[9] = obs_row(st + 12, 0, STROOM_IND_EXIT_WORK, "all", 300, STROOM_OBS_UNIT_HOUSEHOLDS, 11);
	rows[10] = obs_row(st, 3, STROOM_IND_CASELOAD, "all", 300, STROOM_OBS_UNIT_HOUSEHOLDS, 12);
	rows[11] = obs_row(st, 12, STROOM_OBS_IND_REEXAMINATIONS, "all", 2600, STROOM_OBS_UNIT_HOUSEHOLDS, 13);
	n = calib_items_build(rows, 12, &m, &ls, items, skips, &ns);
	assert_int_equal(n, 4);
	assert_int_equal(ns, 8);
	assert_non_null(strstr(skips[0].why, "persons"));
	assert_non_null(strstr(skips[1].why, "applications are not in the model"));
	assert_non_null(strstr(skips[2].why, "outside the scenario's months"));
	assert_non_null(strstr(skips[3].why, "not inside the scenario's months"));
	assert_non_null(strstr(skips[4].why, "group 'noord'"));
	assert_non_null(strstr(skips[5].why, "is a flow"));
	assert_non_null(strstr(skips[6].why, "is a stock"));
	assert_non_null(strstr(skips[7].why, "reexaminations"));
	assert_int_equal(items[0].kind, CALIB_STOCK);
	assert_true(items[0].sd == 0.01);
	assert_true(items[1].sd == 0.025);
	assert_int_equal(items[2].kind, CALIB_FLOW);
	assert_int_equal(items[2].nind, 2);
	assert_int_equal(items[3].kind, CALIB_SHARE);

	ws = m.ws_new(m.ctx);
	toy_run(ws, p);
	/* a stock: lognormal, variance sd^2 + 1/mu on the log scale */
	{
		double mu = calib_item_expect(&items[0], &m, ws), v = 0.01 * 0.01 + 1 / mu;
		double want = log(gsl_ran_lognormal_pdf(32000, log(mu), sqrt(v)));
		assert_true(fabs(mu - toy_value(ws, 12, STROOM_IND_CASELOAD, 0)) < 1e-9);
		assert_true(fabs(calib_item_loglik(&items[0], mu) - want) < 1e-9);
	}
	/* a flow: the months summed (new + return), negative binomial of size 1/phi^2 */
	{
		double mu = calib_item_expect(&items[2], &m, ws), r = 1 / (0.05 * 0.05);
		double want = log(gsl_ran_negative_binomial_pdf(7100, r / (r + mu), r));
		assert_true(fabs(mu - 12 * p->inflow_per_year / 12) < 1e-6);
		assert_true(fabs(calib_item_loglik(&items[2], mu) - want) < 1e-6);
		assert_true(fabs(calib_item_sd(&items[2], mu) - sqrt(mu + 0.0025 * mu * mu)) < 1e-9);
	}
	/* a share: of the caseload of all on the same day, normal with sd 0.025 */
	{
		double mu = calib_item_expect(&items[3], &m, ws);
		assert_true(fabs(mu - 0.1) < 1e-12);
		assert_true(fabs(calib_item_loglik(&items[3], mu) - log(gsl_ran_gaussian_pdf(0.01, 0.025))) <
			    1e-9);
	}
	for (k = 0; k < 2; k++) /* an impossible expectation has likelihood 0 */
		assert_true(calib_item_loglik(&items[k], 0) == -HUGE_VAL);
	/* the fit's chance variation of a stock of all: the turnover's bound
	 * A + X - X^2 / N0 over the 12 months before it, at most the stock */
	calib_items_process_var(items, n, &m, ws);
	{
		double a = 0, x = 0, n0 = toy_value(ws, 0, STROOM_IND_CASELOAD, 0), v, mu, want;
		int t;
		for (t = 0; t < 12; t++) {
			a += toy_value(ws, t, STROOM_IND_INFLOW_NEW, 0);
			x += toy_value(ws, t, STROOM_IND_EXIT_OTHER, 0);
		}
		v = a + x - x * x / n0;
		mu = calib_item_expect(&items[0], &m, ws);
		assert_true(items[0].has_pvar && fabs(items[0].pvar - v) < 1e-9 * v);
		assert_true(v > 0 && v < 0.5 * mu);
		want = log(gsl_ran_lognormal_pdf(32000, log(mu), sqrt(0.01 * 0.01 + v / (mu * mu))));
		assert_true(fabs(calib_item_loglik(&items[0], mu) - want) < 1e-9);
		assert_true(fabs(calib_item_sd(&items[0], mu) - sqrt(0.01 * 0.01 + v / (mu * mu))) < 1e-12);
		assert_false(items[2].has_pvar); /* a flow keeps its own */
	}
	toy_free(NULL, ws);
	stroom_scenario_free(s);
}

/* Data from the toy model at known values; the fit recovers them. */
static int make_toy_rows(const stroom_params *p, double inflow, double h, stroom_obs_row *rows)
{
	toy w;
	int n = 0, y;
	toy_record(p, inflow, h, &w);
	for (y = 1; y <= 4; y++)
		rows[n] = obs_row(p->start + 12 * y, 0, STROOM_IND_CASELOAD, "all", w.stock[12 * y],
			      STROOM_OBS_UNIT_HOUSEHOLDS, n + 2), n++;
	n = toy_exit_rows(p, &w, rows, n);
	rows[n] = obs_row(p->start, 12, STROOM_OBS_IND_APPLICATIONS, "all", 17000, STROOM_OBS_UNIT_HOUSEHOLDS,
		      n + 2), n++;
	return n;
}

/* rotterdam's parameters, the toy model over them and its record at inflow 7,300
 * and hazard 0.0095 (the values the fits below recover): the number of rows. */
static int toy_setup(stroom_scenario **s, const stroom_params **p, calib_model *m, stroom_obs_row *rows)
{
	assert_int_equal(stroom_scenario_load(s, "rotterdam", NULL), 0);
	*p = stroom_scenario_params(*s);
	*m = toy_model(*p);
	return make_toy_rows(*p, 7300, 0.0095, rows);
}

static void test_fit_toy(void **state)
{
	stroom_scenario *s = NULL;
	const stroom_params *p;
	stroom_calibration *c = NULL, *c2 = NULL;
	stroom_calibrate_options o = STROOM_CALIBRATE_OPTIONS_INIT;
	stroom_obs_row rows[16];
	calib_model m;
	int n, i;
	size_t len;
	char *text;
	double mean, sd, rhat, ess, q05, q95;
	(void)state;
	n = toy_setup(&s, &p, &m, rows);
	o.keys = toy_keys;
	o.n_keys = 2;
	o.chains = 4;
	o.iterations = 1000;
	o.seed = 7;
	o.ess_min = 200;
	o.rhat_max = 1.05;
	assert_int_equal(calib_fit(&c, p, &m, rows, (size_t)n, &o, 0), 0);
	assert_int_equal(stroom_calibration_param_count(c), 2);
	assert_string_equal(stroom_calibration_param_name(c, 0), "inflow.per_year");
	assert_string_equal(stroom_calibration_param_name(c, 1), "hazard.other.base");
	assert_int_equal(stroom_calibration_fitted_count(c), 8);
	assert_int_equal(stroom_calibration_skipped_count(c), 1);
	assert_non_null(strstr(stroom_calibration_skipped(c, 0), "line 10:"));
	assert_true(stroom_calibration_converged(c));
	/* recovered: the truth inside the 90% interval, the sd below the prior's */
	stroom_calibration_param_summary(c, 0, &mean, &sd, &rhat, &ess);
	stroom_calibration_param_interval(c, 0, &q05, &q95);
	assert_true(q05 < 7300 && 7300 < q95);
	assert_true(sd < 350);
	stroom_calibration_param_summary(c, 1, &mean, &sd, &rhat, &ess);
	stroom_calibration_param_interval(c, 1, &q05, &q95);
	assert_true(q05 < 0.0095 && 0.0095 < q95);
	assert_true(sd < 0.0017 * 0.5);
	assert_true(rhat < 1.05 && ess >= 200);
	/* the same fit on two threads gives the same posterior */
	o.threads = 2;
	assert_int_equal(calib_fit(&c2, p, &m, rows, (size_t)n, &o, 0), 0);
	assert_memory_equal(c->x, c2->x, c->S * (size_t)c->np * sizeof(double));
	stroom_calibration_free(c2);

	/* posterior.csv: the keys in the header, every value inside the support */
	len = stroom_calibration_posterior_csv(c, "scenario rotterdam", NULL, 0);
	text = malloc(len + 1);
	stroom_calibration_posterior_csv(c, "scenario rotterdam", text, len + 1);
	assert_non_null(strstr(text, "# scenario rotterdam\n# converged: yes\ndraw,chain,inflow.per_year,"
				     "hazard.other.base\n"));
	{
		int rows_n = 0;
		char *line = strstr(text, "hazard.other.base\n") + 18;
		while (*line) {
			long d, ch;
			double a, b;
			assert_int_equal(sscanf(line, "%ld,%ld,%lf,%lf", &d, &ch, &a, &b), 4);
			assert_int_equal(d, rows_n);
			assert_true(ch >= 0 && ch < 4);
			assert_true(a > 0 && a < 1e7 && b > 0 && b < 1);
			rows_n++;
			line = strchr(line, '\n') + 1;
		}
		assert_int_equal(rows_n, 1000);
	}
	free(text);
	/* the report has every section */
	len = stroom_calibration_report(c, NULL, 0);
	text = malloc(len + 1);
	stroom_calibration_report(c, text, len + 1);
	if (getenv("STROOM_TEST_SHOW"))
		fputs(text, stderr);
	{
		static const char *const sections[] = {"== Observed against fitted ==",
						       "== Prior against posterior ==",
						       "== Correlations (posterior) ==", "== Convergence ==",
						       "== What the data could not identify ==",
						       "== Rows not fitted ==", "applications are not in the model",
						       "Converged: yes"};
		for (i = 0; i < (int)(sizeof sections / sizeof sections[0]); i++)
			assert_non_null(strstr(text, sections[i]));
	}
	free(text);
	len = stroom_calibration_fit_csv(c, NULL, 0);
	text = malloc(len + 1);
	stroom_calibration_fit_csv(c, text, len + 1);
	assert_non_null(strstr(text, "line,period,months,indicator,group,unit,observed,fitted_mean"));
	assert_non_null(strstr(text, ",applications,all,households,17000,,,,,,no\n"));
	free(text);
	stroom_calibration_free(c);
	stroom_scenario_free(s);
}

/*
 * A value of a shock series as a fitted parameter: the toy model's record made
 * with an inflow shock of 1.35 in 2025 (and 1 after), the prior centred on 1
 * with sdlog 0.2; the fit over inflow.per_year, hazard.other and inflow.shock
 * recovers the shock (inside the 90% interval, within 0.05, sd below half the
 * prior's), and posterior.csv names its column after the key and the month.
 */
static void test_fit_shock(void **state)
{
	stroom_scenario *s = NULL;
	const stroom_params *p;
	stroom_params q;
	stroom_calibration *c = NULL;
	stroom_calibrate_options o = STROOM_CALIBRATE_OPTIONS_INIT;
	static const char *const keys[] = {"inflow.per_year", "hazard.other", "inflow.shock"};
	stroom_obs_row rows[32];
	calib_model m;
	toy w;
	int n = 0, t, k;
	size_t len;
	char *text;
	double mean, sd, rhat, ess, q05, q95;
	(void)state;
	assert_int_equal(stroom_scenario_load_string(&s, "extends: rotterdam\ninflow:\n  shock: "
							 "{2025-01: {lognormal: [0, 0.2]}, 2026-01: 1}\n",
						     "shock.yaml", NULL),
			 0);
	p = stroom_scenario_params(s);
	m = toy_model(p);
	/* the record: the stock every three months, the exits of each year */
	q = *p;
	q.inflow_shock.value[0] = 1.35;
	q.inflow_per_year = 7300;
	q.other_base = 0.0095;
	w = toy_proto;
	toy_run(&w, &q);
	for (t = 3; t <= 48; t += 3)
		rows[n] = obs_row(p->start + t, 0, STROOM_IND_CASELOAD, "all", w.stock[t],
				  STROOM_OBS_UNIT_HOUSEHOLDS, n + 2), n++;
	n = toy_exit_rows(p, &w, rows, n);
	o.keys = keys;
	o.n_keys = 3;
	o.chains = 4;
	o.iterations = 1000;
	o.seed = 11;
	o.ess_min = 200;
	o.rhat_max = 1.05;
	assert_int_equal(calib_fit(&c, p, &m, rows, (size_t)n, &o, 0), 0);
	assert_int_equal(stroom_calibration_param_count(c), 3);
	k = -1;
	for (t = 0; t < 3; t++)
		if (!strcmp(stroom_calibration_param_name(c, t), "inflow.shock.2025-01"))
			k = t;
	assert_true(k >= 0);
	assert_true(stroom_calibration_converged(c));
	stroom_calibration_param_summary(c, k, &mean, &sd, &rhat, &ess);
	stroom_calibration_param_interval(c, k, &q05, &q95);
	if (getenv("STROOM_TEST_SHOW"))
		fprintf(stderr, "inflow.shock.2025-01: mean %g sd %g 90%% %g-%g\n", mean, sd, q05, q95);
	assert_true(q05 < 1.35 && 1.35 < q95);
	assert_true(fabs(mean - 1.35) < 0.05);
	assert_true(sd < 0.2 * 0.5); /* the prior's sd is about 0.2 */
	len = stroom_calibration_posterior_csv(c, "scenario shock", NULL, 0);
	text = malloc(len + 1);
	stroom_calibration_posterior_csv(c, "scenario shock", text, len + 1);
	assert_non_null(strstr(text, "inflow.shock.2025-01"));
	free(text);
	stroom_calibration_free(c);
	stroom_scenario_free(s);
}

/* Bad input: each a clear error before any sampling. */
/* A fit far too short to converge (2 chains of 20 kept draws: the bulk ESS is
 * at most 40 log10(40) = 64, below the 400 required) is said to be not
 * converged, with its worst parameter named, and posterior.csv says so. */
static void test_fit_not_converged(void **state)
{
	stroom_scenario *s = NULL;
	const stroom_params *p;
	stroom_calibration *c = NULL;
	stroom_calibrate_options o = STROOM_CALIBRATE_OPTIONS_INIT;
	stroom_obs_row rows[16];
	calib_model m;
	double rhat, ess;
	const char *worst;
	size_t len;
	char *text;
	int n;
	(void)state;
	n = toy_setup(&s, &p, &m, rows);
	o.keys = toy_keys;
	o.n_keys = 2;
	o.chains = 2;
	o.iterations = 20;
	o.warmup = 20;
	o.seed = 7;
	assert_int_equal(calib_fit(&c, p, &m, rows, (size_t)n, &o, 0), 0);
	assert_false(stroom_calibration_converged(c));
	worst = stroom_calibration_worst(c, &rhat, &ess);
	assert_non_null(worst);
	assert_true(!strcmp(worst, "inflow.per_year") || !strcmp(worst, "hazard.other.base"));
	assert_true(ess < 400 || rhat >= 1.01);
	assert_true(ess <= 40 * log10(40.0) + 1e-9);
	len = stroom_calibration_posterior_csv(c, "scenario rotterdam", NULL, 0);
	text = malloc(len + 1);
	stroom_calibration_posterior_csv(c, "scenario rotterdam", text, len + 1);
	assert_non_null(strstr(text, "# converged: no\n"));
	free(text);
	stroom_calibration_free(c);
	stroom_scenario_free(s);
}

static void test_fit_errors(void **state)
{
	stroom_scenario *s = NULL;
	const stroom_params *p;
	stroom_calibration *c = NULL;
	stroom_calibrate_options o = STROOM_CALIBRATE_OPTIONS_INIT;
	stroom_obs_row rows[16];
	calib_model m;
	const char *bad_key[] = {"hazard.work.nothing"};
	const char *fixed_key[] = {"hazard.other.age"};
	int n;
	(void)state;
	n = toy_setup(&s, &p, &m, rows);
	o.keys = toy_keys;
	o.n_keys = 2;
	/* nothing fittable */
	assert_int_equal(calib_fit(&c, p, &m, rows + n - 1, 1, &o, 0), STROOM_EINVAL);
	assert_non_null(strstr(stroom_error_last(), "no row of the observed series can be fitted"));
	assert_null(c);
	/* a wrong unit: a stock in thousands */
	rows[1].value = 32.1;
	assert_int_equal(calib_fit(&c, p, &m, rows, (size_t)n, &o, 1), STROOM_EINVAL);
	assert_non_null(strstr(stroom_error_last(), "line 3: "));
	assert_non_null(strstr(stroom_error_last(), "is the unit right"));
	rows[1].value = 32100;
	assert_int_equal(calib_fit(&c, p, &m, rows, (size_t)n, &o, 1), 0);
	/* a key without a prior, or that names nothing */
	o.keys = bad_key;
	o.n_keys = 1;
	assert_int_equal(calib_fit(&c, p, &m, rows, (size_t)n, &o, 1), STROOM_EINVAL);
	assert_non_null(strstr(stroom_error_last(), "--param hazard.work.nothing: no key"));
	o.keys = fixed_key;
	assert_int_equal(calib_fit(&c, p, &m, rows, (size_t)n, &o, 1), STROOM_EINVAL);
	o.n_keys = 0; /* every prior: those the toy does not see are drawn from their priors */
	o.iterations = 300;
	o.chains = 2;
	assert_int_equal(calib_fit(&c, p, &m, rows, (size_t)n, &o, 0), 0);
	assert_true(stroom_calibration_param_count(c) > 2);
	assert_int_equal(c->nseen, 2);
	stroom_calibration_free(c);
	stroom_scenario_free(s);
}

/* The stopping rule: the chains stop at the first check (every 250 kept
 * iterations) where every R-hat is below 1.01 and every bulk ESS at least 400,
 * converged; on any number of threads at the same check with the same draws;
 * a shorter cap keeps the same draws up to it (the checks do not change them). */
static void test_fit_stops_when_converged(void **state)
{
	stroom_scenario *s = NULL;
	const stroom_params *p;
	stroom_calibration *c = NULL, *c2 = NULL, *c3 = NULL;
	stroom_calibrate_options o = STROOM_CALIBRATE_OPTIONS_INIT;
	stroom_obs_row rows[16];
	calib_model m;
	int n, j, ch;
	double mean, sd, rhat, ess;
	(void)state;
	n = toy_setup(&s, &p, &m, rows);
	o.keys = toy_keys;
	o.n_keys = 2;
	o.chains = 4;
	o.warmup = 300;
	o.iterations = 20000;
	o.seed = 3;
	o.threads = 1;
	assert_int_equal(calib_fit(&c, p, &m, rows, (size_t)n, &o, 0), 0);
	assert_true(stroom_calibration_converged(c));
	assert_true(c->n < 20000);
	assert_int_equal(c->n % CALIB_CHECK_EVERY, 0);
	assert_true(c->S == (size_t)4 * (size_t)c->n);
	for (j = 0; j < 2; j++) {
		stroom_calibration_param_summary(c, j, &mean, &sd, &rhat, &ess);
		assert_true(rhat < 1.01 && ess >= 400);
	}
	/* two threads: the same check, the same draws */
	o.threads = 2;
	assert_int_equal(calib_fit(&c2, p, &m, rows, (size_t)n, &o, 0), 0);
	assert_int_equal(c2->n, c->n);
	assert_memory_equal(c->x, c2->x, c->S * (size_t)c->np * sizeof(double));
	/* a cap below the stopping check: each chain's draws are the first of the
	 * longer fit's */
	if (c->n > CALIB_CHECK_EVERY) {
		o.iterations = c->n - CALIB_CHECK_EVERY / 2;
		assert_int_equal(calib_fit(&c3, p, &m, rows, (size_t)n, &o, 0), 0);
		assert_int_equal(c3->n, o.iterations);
		for (ch = 0; ch < 4; ch++)
			assert_memory_equal(c3->x + (size_t)ch * (size_t)c3->n * 2, c->x + (size_t)ch * (size_t)c->n * 2,
					    (size_t)c3->n * 2 * sizeof(double));
		stroom_calibration_free(c3);
	}
	stroom_calibration_free(c);
	stroom_calibration_free(c2);
	stroom_scenario_free(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_prior_densities), cmocka_unit_test(test_transform_jacobian),
		cmocka_unit_test(test_rhat_ess),        cmocka_unit_test(test_sampler_gaussian),
		cmocka_unit_test(test_likelihood_units), cmocka_unit_test(test_fit_toy),
		cmocka_unit_test(test_fit_not_converged), cmocka_unit_test(test_fit_errors),
		cmocka_unit_test(test_fit_stops_when_converged), cmocka_unit_test(test_fit_shock),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
