/*
 * calibrate.c: the fit. Chooses the parameters, sorts the rows into what is
 * fitted and what is not, checks the units against the model at the priors'
 * central values, finds which parameters the data can see at all, searches the
 * posterior mode, runs the chains and summarises them (calib_int.h has the
 * parts). The model is a calib_model: the expected-value engine (calib_ev.c) for
 * stroom_calibrate_run, any other for calib_fit (the tests' toy models).
 */
#include "calib_int.h"
#include "calib_fit.h"
#include "rng_int.h"

#include <gsl/gsl_linalg.h>
#include <gsl/gsl_randist.h>
#include <gsl/gsl_sort.h>
#include <gsl/gsl_statistics_double.h>
#include <math.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static double now_seconds(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* The prior of draw i of p, in the order of stroom_params_draw_names (internal.h). */
static const stroom_prior *draw_prior(const stroom_params *p, int i)
{
	const stroom_prior *fixed[STROOM_DRAW_FIXED_COUNT] = {
		&p->capacity_elasticity, &p->gate_search_effect, &p->gate_selection,
		&p->prevention_effect, &p->enforcement_detection, &p->targets_work,
		&p->targets_nondurable};
	int ni = p->n_instruments < 0 || p->n_instruments > STROOM_MAX_INSTRUMENTS ? 0 : p->n_instruments;
	if (i < STROOM_DRAW_FIXED_COUNT)
		return fixed[i];
	i -= STROOM_DRAW_FIXED_COUNT;
	if (i < 3 * ni) {
		const stroom_instrument *in = &p->instrument[i / 3];
		return i % 3 == 0 ? &in->lockin : i % 3 == 1 ? &in->effect : &in->durability;
	}
	i -= 3 * ni;
	return &p->uncertain[i].prior;
}

/* Does name equal key or lie under it ("key.")? */
static int key_matches(const char *name, const char *key)
{
	size_t n = strlen(key);
	return strncmp(name, key, n) == 0 && (name[n] == '\0' || name[n] == '.');
}

/*
 * The parameters to fit into par (STROOM_DRAW_MAX entries): the chosen keys, or
 * every drawn prior; `values` priors are held at their central value unless
 * chosen (an error then). Names of those held fixed into held (count *nheld).
 */
static int choose_params(const stroom_params *p, const stroom_calibrate_options *o, calib_param *par,
			 int *np, char (*held)[STROOM_DRAW_NAME_LEN], int *nheld)
{
	char (*nm)[STROOM_DRAW_NAME_LEN] = malloc(STROOM_DRAW_MAX * sizeof *nm);
	int n, i, k, err = 0;
	*np = 0;
	*nheld = 0;
	if (!nm)
		return stroom_error_set(STROOM_ENOMEM, "out of memory");
	n = stroom_params_draw_names(p, nm);
	if (o && o->n_keys > 0) {
		for (k = 0; k < o->n_keys && !err; k++) {
			int found = 0;
			for (i = 0; i < n && !err; i++) {
				const stroom_prior *pr = draw_prior(p, i);
				int dup = 0, j;
				if (!key_matches(nm[i], o->keys[k]))
					continue;
				if (pr->dist == STROOM_PRIOR_FIXED) {
					if (!strcmp(nm[i], o->keys[k]))
						err = stroom_error_set(STROOM_EINVAL, "--param %s: the key has no "
								       "prior in the scenario (a fixed value); "
								       "write it as a prior to fit it",
								       o->keys[k]);
					continue; /* under a prefix: only the keys with priors */
				}
				found = 1;
				for (j = 0; j < *np; j++)
					dup |= par[j].draw == i;
				if (!dup && calib_param_init(&par[*np], nm[i], i, pr) == 0)
					(*np)++;
				else if (!dup)
					err = stroom_error_set(STROOM_EINVAL, "--param %s", stroom_error_last());
			}
			if (!found && !err) {
				stroom_sbuf b = {NULL, 0, 0};
				char list[600];
				int shown = 0;
				b.buf = list;
				b.size = sizeof list;
				for (i = 0; i < n; i++)
					if (draw_prior(p, i)->dist != STROOM_PRIOR_FIXED && shown < 12)
						stroom_sbuf_printf(&b, "%s%s", shown++ ? ", " : "", nm[i]);
				err = stroom_error_set(STROOM_EINVAL, "--param %s: no key of the scenario with "
						       "a prior is named so or lies under it (its priors: %s%s)",
						       o->keys[k], shown ? list : "none",
						       stroom_params_prior_count(p) > shown ? ", ..." : "");
			}
		}
	} else {
		for (i = 0; i < n; i++) {
			const stroom_prior *pr = draw_prior(p, i);
			if (pr->dist == STROOM_PRIOR_FIXED)
				continue;
			if (pr->dist == STROOM_PRIOR_VALUES) {
				snprintf(held[(*nheld)++], STROOM_DRAW_NAME_LEN, "%s", nm[i]);
				continue;
			}
			if (calib_param_init(&par[*np], nm[i], i, pr) == 0)
				(*np)++;
			else
				snprintf(held[(*nheld)++], STROOM_DRAW_NAME_LEN, "%s", nm[i]);
		}
		if (*np == 0 && !err)
			err = stroom_error_set(STROOM_EINVAL, "the scenario has no prior to fit (write a "
					       "key as a prior, e.g. inflow.per_year: {normal: [7000, 350]})");
	}
	free(nm);
	return err;
}

/* ---- the log density ---- */

typedef struct fit_ctx {
	const stroom_params *p;
	const calib_model *m;
	const calib_param *par;
	int np, d;
	const int *seen;       /* the d seen parameters' indexes */
	const double *x0;      /* central values (np) */
	const calib_item *items;
	size_t nitems;
	atomic_long evals;     /* the engine's runs of the workspaces freed so far */
} fit_ctx;

typedef struct fit_ws {
	const fit_ctx *c;
	void *mws;
	double v[STROOM_DRAW_MAX];
	double x[STROOM_DRAW_MAX];
	long evals;            /* the engine's runs in this workspace */
	stroom_params q;
} fit_ws;

static void *fit_ws_new(void *ctx)
{
	const fit_ctx *c = ctx;
	fit_ws *w = calloc(1, sizeof *w);
	if (!w) {
		stroom_error_set(STROOM_ENOMEM, "out of memory");
		return NULL;
	}
	w->c = c;
	w->q = *c->p;
	stroom_params_draw_values(c->p, 0, 1, w->v);
	memcpy(w->x, c->x0, (size_t)c->np * sizeof(double));
	if (!(w->mws = c->m->ws_new(c->m->ctx))) {
		free(w);
		return NULL;
	}
	return w;
}

static void fit_ws_free(void *ctx, void *ws)
{
	fit_ctx *c = ctx;
	fit_ws *w = ws;
	if (!w)
		return;
	atomic_fetch_add(&c->evals, w->evals);
	c->m->ws_free(c->m->ctx, w->mws);
	free(w);
}

/* The log likelihood at the parameter values w->x (np); predictions into aux. */
static double loglik_x(fit_ws *w, double *aux)
{
	const fit_ctx *c = w->c;
	double ll = 0;
	size_t i;
	int j;
	for (j = 0; j < c->np; j++)
		w->v[c->par[j].draw] = w->x[j];
	stroom_params_apply_values(c->p, w->v, &w->q);
	w->evals++;
	if (c->m->run(w->mws, &w->q) != 0)
		return -HUGE_VAL;
	for (i = 0; i < c->nitems; i++) {
		double mu = calib_item_expect(&c->items[i], c->m, w->mws);
		if (aux)
			aux[i] = mu;
		ll += calib_item_loglik(&c->items[i], mu);
	}
	return isnan(ll) ? -HUGE_VAL : ll;
}

static double logdens(void *ws, const double *y, double *aux)
{
	fit_ws *w = ws;
	const fit_ctx *c = w->c;
	double lp = 0;
	int k;
	for (k = 0; k < c->d; k++) {
		const calib_param *pa = &c->par[c->seen[k]];
		double x = calib_to_x(pa, y[k]);
		w->x[c->seen[k]] = x;
		lp += calib_log_prior(&pa->prior, pa->lo, pa->hi, x) + calib_log_jacobian(pa, y[k]);
	}
	if (!isfinite(lp))
		return -HUGE_VAL;
	return lp + loglik_x(w, aux);
}

/* The stopping rule: is every seen parameter converged in the kept draws so far
 * (R-hat and bulk ESS on the parameters' own scale, as the summaries)? */
typedef struct stop_ctx {
	const stroom_calibration *c;
	const int *seen;
	int d;
	double *col;           /* chains x cap scratch */
} stop_ctx;

static int fit_converged(const double *y, int chains, int n, int stride, void *payload)
{
	const stop_ctx *sc = payload;
	int pass, k, cc, i;
	for (pass = 0; pass < 2; pass++) /* every R-hat first (cheaper), then every ESS */
		for (k = 0; k < sc->d; k++) {
			const calib_param *pa = &sc->c->par[sc->seen[k]];
			double v;
			for (cc = 0; cc < chains; cc++)
				for (i = 0; i < n; i++)
					sc->col[(size_t)cc * (size_t)n + (size_t)i] = calib_to_x(
						pa, y[((size_t)cc * (size_t)stride + (size_t)i) * (size_t)sc->d + (size_t)k]);
			if (pass == 0 && !((v = calib_rhat(sc->col, chains, n)) < sc->c->set.rhat_max))
				return 0;
			if (pass == 1 && !((v = calib_ess(sc->col, chains, n)) >= sc->c->set.ess_min))
				return 0;
		}
	return 1;
}

/* ---- summaries ---- */

static void quantiles(double *v, size_t n, double *q05, double *q50, double *q95)
{
	gsl_sort(v, 1, n);
	*q05 = gsl_stats_quantile_from_sorted_data(v, 1, n, 0.05);
	*q50 = gsl_stats_quantile_from_sorted_data(v, 1, n, 0.50);
	*q95 = gsl_stats_quantile_from_sorted_data(v, 1, n, 0.95);
}

static void summarise(const double *x, size_t stride, size_t n, double *tmp, calib_summary *s)
{
	size_t i;
	for (i = 0; i < n; i++)
		tmp[i] = x[i * stride];
	s->mean = gsl_stats_mean(tmp, 1, n);
	s->sd = n > 1 ? gsl_stats_sd(tmp, 1, n) : 0;
	quantiles(tmp, n, &s->q05, &s->q50, &s->q95);
}

/* a key for the keyed streams of one fit: the seed mixed (splitmix64's finaliser) */
static uint64_t mix(uint64_t z)
{
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

void stroom_calibration_free(stroom_calibration *c)
{
	const stroom_allocator *al;
	if (!c)
		return;
	al = c->al;
	stroom_free(al, c->par);
	stroom_free(al, c->rows);
	stroom_free(al, c->items);
	stroom_free(al, c->skips);
	stroom_free(al, c->skip_text);
	stroom_free(al, c->x);
	stroom_free(al, c->pred);
	stroom_free(al, c->item_sum);
	stroom_free(al, c->corr);
	stroom_free(al, c->accept);
	stroom_free(al, c);
}

void calib_settings_from(calib_settings *s, const stroom_calibrate_options *o)
{
	s->chains = o && o->chains > 0 ? o->chains : 4;
	s->iterations = o && o->iterations > 0 ? o->iterations : CALIB_ITERATIONS;
	s->warmup = o && o->warmup > 0 ? o->warmup
		  : s->iterations / 4 < 200 ? 200 : s->iterations / 4 > CALIB_WARMUP ? CALIB_WARMUP
		  : s->iterations / 4;
	s->seed = o ? o->seed : 0;
	s->threads = o ? o->threads : 0;
	s->draws = o && o->draws > 0 ? o->draws : 1000;
	s->rhat_max = o && o->rhat_max > 0 ? o->rhat_max : 1.01;
	s->ess_min = o && o->ess_min > 0 ? o->ess_min : 400;
	calib_lik_settings_from(&s->lik, o);
}

/* The first steps of a fit, shared by the check and the run: parameters, items,
 * the units checked at the central values. Fills c (allocated by the caller). */
static int fit_prepare(stroom_calibration *c, const stroom_params *p, const calib_model *m,
		       const stroom_obs_row *rows, size_t n_rows, const stroom_calibrate_options *o)
{
	const stroom_allocator *al = c->al;
	size_t i;
	int err, j;
	calib_settings_from(&c->set, o);
	snprintf(c->name, sizeof c->name, "%s", p->name);
	c->start = m->start;
	c->months = m->months;
	c->par = stroom_calloc(al, STROOM_DRAW_MAX, sizeof *c->par);
	c->rows = stroom_calloc(al, n_rows + 1, sizeof *c->rows);
	c->items = stroom_calloc(al, n_rows + 1, sizeof *c->items);
	c->skips = stroom_calloc(al, n_rows + 1, sizeof *c->skips);
	if (!c->par || !c->rows || !c->items || !c->skips)
		return STROOM_ENOMEM;
	if ((err = choose_params(p, o, c->par, &c->np, c->held, &c->nheld)) != 0)
		return err;
	for (i = 0; i < n_rows; i++) {
		c->rows[i] = rows[i];
		c->rows[i].source = NULL; /* borrowed from the caller: not kept */
	}
	c->nrows = n_rows;
	c->nitems = calib_items_build(rows, n_rows, m, &c->set.lik, c->items, c->skips, &c->nskips);
	c->skip_text = stroom_calloc(al, c->nskips + 1, sizeof *c->skip_text);
	if (!c->skip_text)
		return STROOM_ENOMEM;
	for (i = 0; i < c->nskips; i++) {
		char label[128];
		calib_row_label(&rows[c->skips[i].row], label, sizeof label);
		snprintf(c->skip_text[i], sizeof c->skip_text[i], "line %d: %s: %s",
			 rows[c->skips[i].row].line, label, c->skips[i].why);
	}
	if (c->nitems == 0) {
		char label[128];
		if (n_rows == 0)
			return stroom_error_set(STROOM_EINVAL, "the observed series has no rows to fit");
		calib_row_label(&rows[c->skips[0].row], label, sizeof label);
		return stroom_error_set(STROOM_EINVAL, "no row of the observed series can be fitted "
					"(%zu rows; line %d, %s: %s%s)", n_rows, rows[c->skips[0].row].line,
					label, c->skips[0].why, n_rows > 1 ? "; and the others likewise" : "");
	}
	for (j = 0; j < c->np; j++)
		c->x0[j] = stroom_prior_central(&c->par[j].prior);
	return 0;
}

/* Wrong units: a count more than ten times off the model at the central values. */
static int check_units(const stroom_calibration *c, const double *mu)
{
	size_t i;
	for (i = 0; i < c->nitems; i++) {
		const calib_item *it = &c->items[i];
		const stroom_obs_row *r = &c->rows[it->row];
		char label[128];
		if (it->kind == CALIB_SHARE)
			continue;
		if (mu[i] > 0 && it->value <= 10 * mu[i] && it->value >= mu[i] / 10)
			continue;
		if (!(mu[i] > 0) && it->value == 0)
			continue;
		calib_row_label(r, label, sizeof label);
		return stroom_error_set(STROOM_EINVAL, "line %d: %s: the observed %.6g is %s ten times the "
					"model's %.6g at the priors' central values; is the unit right "
					"(a count of %s, not thousands or a share)?", r->line, label,
					it->value, it->value > 10 * mu[i] ? "more than" : "under a tenth of",
					mu[i], r->unit == STROOM_OBS_UNIT_BENEFITS ? "benefits" : "households");
	}
	return 0;
}

int calib_fit(stroom_calibration **out, const stroom_params *p, const calib_model *m,
	      const stroom_obs_row *rows, size_t n_rows, const stroom_calibrate_options *o,
	      int check_only)
{
	const stroom_allocator *al = stroom_alloc_or_default(o ? o->allocator : NULL);
	stroom_calibration *c = stroom_calloc(al, 1, sizeof *c);
	fit_ctx fc;
	calib_target tg;
	calib_mcmc_options mo;
	calib_chains ch;
	stop_ctx sc;
	fit_ws *w0 = NULL;
	int seen[STROOM_DRAW_MAX], err = 0, j, k, d = 0;
	double *mu = NULL, *y = NULL, *step = NULL, *cov = NULL, *start = NULL, *tmp = NULL, ll0,
	       t0 = now_seconds();
	uint64_t key;
	size_t S, s, i;

	*out = NULL;
	memset(&ch, 0, sizeof ch);
	if (!c)
		return STROOM_ENOMEM;
	c->al = al;
	if ((err = fit_prepare(c, p, m, rows, n_rows, o)) != 0)
		goto fail;
	key = mix(c->set.seed ^ 0x63616c6962726174ULL);
	memset(&fc, 0, sizeof fc);
	atomic_init(&fc.evals, 0);
	fc.p = p;
	fc.m = m;
	fc.par = c->par;
	fc.np = c->np;
	fc.seen = seen;
	fc.x0 = c->x0;
	fc.items = c->items;
	fc.nitems = c->nitems;
	/* the engine runs only as far as the last month a fitted row reads */
	if (m->limit) {
		int need = 1;
		for (i = 0; i < c->nitems; i++) {
			int last = c->items[i].t + c->items[i].months;
			need = last > need ? last : need;
		}
		m->limit(m->ctx, need);
	}
	mu = calloc(c->nitems, sizeof *mu);
	if (!mu || !(w0 = fit_ws_new(&fc))) {
		err = mu ? (stroom_error_last()[0] ? STROOM_ENOMEM : STROOM_ENOMEM) : STROOM_ENOMEM;
		if (!mu)
			stroom_error_set(STROOM_ENOMEM, "out of memory");
		goto fail;
	}
	ll0 = loglik_x(w0, mu);
	if ((err = check_units(c, mu)) != 0)
		goto fail;
	/* each stock's chance variation from the turnover at the central values */
	calib_items_process_var(c->items, c->nitems, m, w0->mws);
	ll0 = loglik_x(w0, mu);
	if (!isfinite(ll0)) {
		err = stroom_error_set(STROOM_EINVAL, "the model cannot produce the observed series at the "
				       "priors' central values (the likelihood is 0)");
		goto fail;
	}
	if (check_only)
		goto done;

	/* which parameters the likelihood depends on: moved alone across its prior
	 * (1.5 prior sds either way and half one), does the likelihood change? */
	for (j = 0; j < c->np; j++) {
		static const double at[3] = {-1.5, 1.5, 0.5};
		double y0 = calib_to_y(&c->par[j], c->x0[j]);
		c->par[j].seen = 0;
		for (k = 0; k < 3 && !c->par[j].seen; k++) {
			w0->x[j] = calib_to_x(&c->par[j], y0 + at[k] * c->par[j].step);
			if (loglik_x(w0, NULL) != ll0)
				c->par[j].seen = 1;
		}
		w0->x[j] = c->x0[j];
		if (c->par[j].seen)
			seen[d++] = j;
	}
	fc.d = d;
	c->nseen = d;

	tg.d = d;
	tg.aux_len = c->nitems;
	tg.ctx = &fc;
	tg.ws_new = fit_ws_new;
	tg.ws_free = fit_ws_free;
	tg.logdens = logdens;
	y = calloc((size_t)d + 1, sizeof *y);
	step = calloc((size_t)d + 1, sizeof *step);
	cov = calloc((size_t)d * (size_t)d + 1, sizeof *cov);
	start = calloc((size_t)c->set.chains * (size_t)d + 1, sizeof *start);
	if (!y || !step || !cov || !start) {
		err = stroom_error_set(STROOM_ENOMEM, "out of memory");
		goto fail;
	}
	for (k = 0; k < d; k++) {
		y[k] = calib_to_y(&c->par[seen[k]], c->x0[seen[k]]);
		step[k] = c->par[seen[k]].step;
	}
	/* the mode, then the Laplace covariance there (twice: the second with
	 * steps from the first) */
	c->mode_lp = calib_find_mode(&tg, w0, y, step, 2, 150 * (d + 1));
	if (d > 0) {
		double *h = calloc((size_t)d, sizeof *h);
		if (!h) {
			err = stroom_error_set(STROOM_ENOMEM, "out of memory");
			goto fail;
		}
		for (k = 0; k < d; k++)
			h[k] = 0.05 * step[k];
		if (calib_laplace(&tg, w0, y, h, cov) == 0) {
			for (k = 0; k < d; k++)
				h[k] = 0.5 * sqrt(cov[k * d + k]);
			if (calib_laplace(&tg, w0, y, h, cov) != 0)
				for (k = 0; k < d; k++)
					for (j = 0; j < d; j++)
						cov[k * d + j] = k == j ? 4.0 * h[k] * h[k] : 0.0;
		}
		free(h);
	}
	for (k = 0; k < d; k++)
		c->mode_x[seen[k]] = calib_to_x(&c->par[seen[k]], y[k]);
	for (j = 0; j < c->np; j++)
		if (!c->par[j].seen)
			c->mode_x[j] = c->x0[j];
	c->seconds_mode = now_seconds() - t0;

	/* dispersed starts: the mode plus 1.5 Laplace sds (shrunk until finite) */
	{
		double *L = calloc((size_t)d * (size_t)d + 1, sizeof *L);
		stroom_gsl_philox g;
		if (!L) {
			err = stroom_error_set(STROOM_ENOMEM, "out of memory");
			goto fail;
		}
		memcpy(L, cov, (size_t)d * (size_t)d * sizeof *L);
		{
			gsl_matrix_view mv = gsl_matrix_view_array(L, (size_t)d, (size_t)d);
			if (d > 0 && gsl_linalg_cholesky_decomp1(&mv.matrix) != 0)
				for (k = 0; k < d; k++)
					for (j = 0; j < d; j++)
						L[k * d + j] = k == j ? sqrt(fabs(cov[k * d + k])) : 0.0;
		}
		stroom_gsl_philox_init(&g);
		for (int cc = 0; cc < c->set.chains; cc++) {
			double *st = start + (size_t)cc * (size_t)d, z[STROOM_DRAW_MAX], scale = 1.5;
			int tries;
			stroom_gsl_philox_stream(&g, key, (uint32_t)cc, 0, 0, STROOM_PURPOSE_CALIB_START);
			for (k = 0; k < d; k++)
				z[k] = gsl_ran_gaussian_ziggurat(&g.rng, 1.0);
			for (tries = 0; tries < 12; tries++, scale *= 0.5) {
				for (k = 0; k < d; k++) {
					double sum = 0;
					for (j = 0; j <= k; j++)
						sum += L[k * d + j] * z[j];
					st[k] = y[k] + scale * sum;
				}
				if (isfinite(logdens(w0, st, NULL)))
					break;
			}
			if (tries == 12)
				memcpy(st, y, (size_t)d * sizeof *st);
		}
		free(L);
	}
	fit_ws_free(&fc, w0);
	w0 = NULL;
	c->evals_mode = atomic_load(&fc.evals);

	mo.chains = c->set.chains;
	mo.warmup = c->set.warmup;
	mo.iterations = c->set.iterations;
	mo.threads = c->set.threads;
	mo.seed = key;
	mo.start = start;
	mo.cov0 = cov;
	mo.center = y;
	mo.progress = o ? o->progress : NULL;
	mo.payload = o ? o->payload : NULL;
	sc.c = c;
	sc.seen = seen;
	sc.d = d;
	sc.col = malloc(((size_t)c->set.chains * (size_t)c->set.iterations + 1) * sizeof *sc.col);
	if (!sc.col) {
		err = stroom_error_set(STROOM_ENOMEM, "out of memory");
		goto fail;
	}
	mo.check_every = CALIB_CHECK_EVERY;
	mo.converged = fit_converged;
	mo.check_payload = &sc;
	err = calib_mcmc_run(&tg, &mo, &ch, al);
	free(sc.col);
	if (err)
		goto fail;
	c->threads = ch.threads;
	c->evals = atomic_load(&fc.evals);
	c->seconds_chains = now_seconds() - t0 - c->seconds_mode;

	/* the draws on the parameters' own scale: the chains' for the seen ones, the
	 * prior's (keyed draws) for the others */
	S = (size_t)ch.chains * (size_t)ch.n;
	c->S = S;
	c->n = ch.n;
	c->x = stroom_calloc(al, S * (size_t)c->np + 1, sizeof *c->x);
	c->pred = stroom_calloc(al, S * c->nitems + 1, sizeof *c->pred);
	c->item_sum = stroom_calloc(al, c->nitems + 1, sizeof *c->item_sum);
	c->corr = stroom_calloc(al, (size_t)c->np * (size_t)c->np + 1, sizeof *c->corr);
	c->accept = stroom_calloc(al, (size_t)ch.chains, sizeof *c->accept);
	tmp = calloc(S + 4000, sizeof *tmp);
	if (!c->x || !c->pred || !c->item_sum || !c->corr || !c->accept || !tmp) {
		err = stroom_error_set(STROOM_ENOMEM, "out of memory");
		goto fail;
	}
	memcpy(c->accept, ch.accept, (size_t)ch.chains * sizeof *c->accept);
	for (s = 0; s < S; s++) {
		for (k = 0; k < d; k++)
			c->x[s * (size_t)c->np + (size_t)seen[k]] =
				calib_to_x(&c->par[seen[k]], ch.y[s * (size_t)d + (size_t)k]);
		for (j = 0; j < c->np; j++)
			if (!c->par[j].seen)
				c->x[s * (size_t)c->np + (size_t)j] = stroom_prior_draw(
					&c->par[j].prior, key, (uint32_t)s, (uint32_t)c->par[j].draw);
		memcpy(c->pred + s * c->nitems, ch.aux + s * c->nitems, c->nitems * sizeof *c->pred);
	}
	/* parameters: prior and posterior summaries, R-hat, ESS */
	c->converged = 1;
	c->worst = 0;
	for (j = 0; j < c->np; j++) {
		calib_param_sum *ps = &c->psum[j];
		for (s = 0; s < 4000; s++)
			tmp[s] = stroom_prior_draw(&c->par[j].prior, key ^ 0x5052494fULL, (uint32_t)s,
						   (uint32_t)c->par[j].draw);
		summarise(tmp, 1, 4000, tmp, &ps->prior);
		{
			double *col = malloc(S * sizeof *col);
			if (!col) {
				err = stroom_error_set(STROOM_ENOMEM, "out of memory");
				goto fail;
			}
			for (s = 0; s < S; s++)
				col[s] = c->x[s * (size_t)c->np + (size_t)j];
			ps->rhat = calib_rhat(col, ch.chains, ch.n);
			ps->ess = calib_ess(col, ch.chains, ch.n);
			summarise(col, 1, S, tmp, &ps->post);
			free(col);
		}
		if (!(ps->rhat < c->set.rhat_max) || !(ps->ess >= c->set.ess_min))
			c->converged = 0;
		{
			const calib_param_sum *wj = &c->psum[c->worst];
			double bad_j = ps->rhat - 1.0 - ps->ess * 1e-9, bad_w = wj->rhat - 1.0 - wj->ess * 1e-9;
			if (j == 0 || !(bad_j <= bad_w) ||
			    (ps->rhat < c->set.rhat_max && wj->rhat < c->set.rhat_max && ps->ess < wj->ess))
				c->worst = j;
		}
	}
	/* correlations */
	for (j = 0; j < c->np; j++)
		for (k = 0; k < c->np; k++) {
			double sj = c->psum[j].post.sd, sk = c->psum[k].post.sd, cv = 0;
			for (s = 0; s < S; s++)
				cv += (c->x[s * (size_t)c->np + (size_t)j] - c->psum[j].post.mean) *
				      (c->x[s * (size_t)c->np + (size_t)k] - c->psum[k].post.mean);
			cv /= (double)(S > 1 ? S - 1 : 1);
			c->corr[j * c->np + k] = sj > 0 && sk > 0 ? cv / (sj * sk) : (j == k ? 1.0 : 0.0);
		}
	/* items: the fitted mean and the 90% posterior predictive interval */
	{
		stroom_gsl_philox g;
		stroom_gsl_philox_init(&g);
		for (i = 0; i < c->nitems; i++) {
			calib_item_sum *is = &c->item_sum[i];
			double msum = 0;
			for (s = 0; s < S; s++) {
				double mu_s = c->pred[s * c->nitems + i];
				msum += mu_s;
				stroom_gsl_philox_stream(&g, key, (uint32_t)s, (uint32_t)i, 0,
							 STROOM_PURPOSE_CALIB_PRED);
				tmp[s] = calib_item_draw(&c->items[i], mu_s, &g.rng);
			}
			is->mean = msum / (double)S;
			quantiles(tmp, S, &is->q05, &is->q50, &is->q95);
			is->sd = calib_item_sd(&c->items[i], is->mean);
		}
	}
	c->seconds = now_seconds() - t0;
done:
	free(mu);
	free(y);
	free(step);
	free(cov);
	free(start);
	free(tmp);
	fit_ws_free(&fc, w0);
	calib_chains_free(&ch, al);
	if (check_only) {
		stroom_calibration_free(c);
		return 0;
	}
	*out = c;
	return 0;
fail:
	free(mu);
	free(y);
	free(step);
	free(cov);
	free(start);
	free(tmp);
	if (w0)
		fit_ws_free(&fc, w0);
	calib_chains_free(&ch, al);
	stroom_calibration_free(c);
	return err ? err : STROOM_ERROR;
}

/* ---- accessors ---- */

int stroom_calibration_converged(const stroom_calibration *c) { return c->converged; }

const char *stroom_calibration_worst(const stroom_calibration *c, double *rhat, double *ess)
{
	if (rhat)
		*rhat = c->psum[c->worst].rhat;
	if (ess)
		*ess = c->psum[c->worst].ess;
	return c->par[c->worst].name;
}

int stroom_calibration_param_count(const stroom_calibration *c) { return c->np; }

const char *stroom_calibration_param_name(const stroom_calibration *c, int i)
{
	return i >= 0 && i < c->np ? c->par[i].name : "";
}

void stroom_calibration_param_summary(const stroom_calibration *c, int i, double *mean, double *sd,
				      double *rhat, double *ess)
{
	const calib_param_sum *p = &c->psum[i];
	if (mean)
		*mean = p->post.mean;
	if (sd)
		*sd = p->post.sd;
	if (rhat)
		*rhat = p->rhat;
	if (ess)
		*ess = p->ess;
}

void stroom_calibration_param_interval(const stroom_calibration *c, int i, double *q05, double *q95)
{
	*q05 = c->psum[i].post.q05;
	*q95 = c->psum[i].post.q95;
}

size_t stroom_calibration_skipped_count(const stroom_calibration *c) { return c->nskips; }

const char *stroom_calibration_skipped(const stroom_calibration *c, size_t i)
{
	return i < c->nskips ? c->skip_text[i] : "";
}

size_t stroom_calibration_fitted_count(const stroom_calibration *c) { return c->nitems; }
