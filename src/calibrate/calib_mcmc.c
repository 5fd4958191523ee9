/*
 * calib_mcmc.c: the posterior mode, the Laplace covariance there, adaptive
 * Metropolis chains in threads, and the convergence diagnostics.
 *
 * Each iteration proposes a random-walk step or (one time in two in the warm-up,
 * four in five in the sampling: IND_PROB) an
 * independence draw from a multivariate t (7 degrees of freedom) around the
 * posterior's centre (the mode and the Laplace covariance at first, the chain's
 * pooled mean and covariance from the second halves of every chain's warm-up,
 * inflated by 1.2): both are
 * Metropolis-Hastings kernels with the posterior as their invariant law, so their
 * mixture is too; the independence draws move a chain across the whole posterior
 * in one step when it is close to Gaussian (on the logit scale), the random walk
 * keeps it moving where it is not.
 *
 * Adaptive Metropolis (Haario, Saksman and Tamminen 2001): a Gaussian random
 * walk whose covariance is the chain's own history's, scaled by 2.38^2/d. Here
 * it adapts during the warm-up only, and a global scale is tuned towards an
 * acceptance rate of 0.234 meanwhile (Robbins-Monro); the sampling phase uses the
 * frozen proposal, so the kept draws come from a plain Metropolis chain. The
 * warm-up runs in stages (the first CALIB_STAGE_FIRST iterations, then
 * CALIB_STAGE_LEN each): after each the independence proposal is refitted to
 * the pooled second halves of the chains' histories. The sampling runs in
 * blocks of check_every kept iterations, after each of which the caller's
 * stopping rule may end it. Stages and blocks end at fixed iterations, and each
 * iteration's random numbers come from the keyed Philox stream (seed, chain,
 * iteration), so a chain is the same whichever thread runs it.
 *
 * Diagnostics (Vehtari, Gelman, Simpson, Carpenter and Buerkner 2021): split
 * R-hat on rank-normalised draws, the larger of the bulk and the folded one, and
 * the bulk effective sample size with Geyer's initial monotone sequence over the
 * chains' combined autocorrelation (BDA3, section 11.5).
 */
#include "calib_int.h"
#include "rng_int.h"

#include <gsl/gsl_cdf.h>
#include <gsl/gsl_linalg.h>
#include <gsl/gsl_multimin.h>
#include <gsl/gsl_randist.h>
#include <gsl/gsl_sort.h>
#include <math.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

/* ---- the mode ---- */

typedef struct mode_ctx {
	const calib_target *t;
	void *ws;
} mode_ctx;

static double neg_logdens(const gsl_vector *v, void *payload)
{
	mode_ctx *c = payload;
	double lp = c->t->logdens(c->ws, v->data, NULL);
	return isfinite(lp) ? -lp : 1e300;
}

static double nm_once(const calib_target *t, void *ws, double *y, const double *step, int max_iter)
{
	int d = t->d, i, it = 0, status;
	mode_ctx c = {t, ws};
	gsl_multimin_function f;
	gsl_multimin_fminimizer *s = gsl_multimin_fminimizer_alloc(gsl_multimin_fminimizer_nmsimplex2,
								    (size_t)d);
	gsl_vector *x = gsl_vector_alloc((size_t)d), *ss = gsl_vector_alloc((size_t)d);
	double best;
	if (!s || !x || !ss) {
		gsl_multimin_fminimizer_free(s);
		gsl_vector_free(x);
		gsl_vector_free(ss);
		return t->logdens(ws, y, NULL);
	}
	for (i = 0; i < d; i++) {
		gsl_vector_set(x, (size_t)i, y[i]);
		gsl_vector_set(ss, (size_t)i, step[i]);
	}
	f.n = (size_t)d;
	f.f = neg_logdens;
	f.params = &c;
	gsl_multimin_fminimizer_set(s, &f, x, ss);
	do {
		it++;
		if (gsl_multimin_fminimizer_iterate(s))
			break;
		status = gsl_multimin_test_size(gsl_multimin_fminimizer_size(s), 1e-3);
	} while (status == GSL_CONTINUE && it < max_iter);
	for (i = 0; i < d; i++)
		y[i] = gsl_vector_get(s->x, (size_t)i);
	best = -s->fval;
	gsl_multimin_fminimizer_free(s);
	gsl_vector_free(x);
	gsl_vector_free(ss);
	return best;
}

double calib_find_mode(const calib_target *t, void *ws, double *y, const double *step, int restarts,
		       int max_iter)
{
	double best = t->logdens(ws, y, NULL), lp;
	int k;
	if (t->d == 0)
		return best;
	for (k = 0; k <= restarts; k++) {
		lp = nm_once(t, ws, y, step, max_iter);
		if (k > 0 && lp - best < 1e-6) {
			best = lp > best ? lp : best;
			break;
		}
		best = lp;
	}
	return t->logdens(ws, y, NULL);
}

/* ---- the Laplace covariance ---- */

int calib_laplace(const calib_target *t, void *ws, const double *y0, const double *h, double *cov)
{
	int d = t->d, i, j, bad = 0;
	double *y = malloc((size_t)d * sizeof *y), f0;
	gsl_matrix *H = gsl_matrix_alloc((size_t)d, (size_t)d);
	if (!y || !H) {
		free(y);
		gsl_matrix_free(H);
		bad = 1;
		goto diag;
	}
	memcpy(y, y0, (size_t)d * sizeof *y);
	f0 = t->logdens(ws, y, NULL);
	for (i = 0; i < d && !bad; i++) {
		for (j = 0; j <= i; j++) {
			double v;
			if (i == j) {
				double fp, fm;
				y[i] = y0[i] + h[i];
				fp = t->logdens(ws, y, NULL);
				y[i] = y0[i] - h[i];
				fm = t->logdens(ws, y, NULL);
				y[i] = y0[i];
				v = -(fp - 2 * f0 + fm) / (h[i] * h[i]);
			} else {
				double fpp, fpm, fmp, fmm;
				y[i] = y0[i] + h[i], y[j] = y0[j] + h[j];
				fpp = t->logdens(ws, y, NULL);
				y[j] = y0[j] - h[j];
				fpm = t->logdens(ws, y, NULL);
				y[i] = y0[i] - h[i];
				fmm = t->logdens(ws, y, NULL);
				y[j] = y0[j] + h[j];
				fmp = t->logdens(ws, y, NULL);
				y[i] = y0[i], y[j] = y0[j];
				v = -(fpp - fpm - fmp + fmm) / (4 * h[i] * h[j]);
			}
			if (!isfinite(v))
				bad = 1;
			gsl_matrix_set(H, (size_t)i, (size_t)j, v);
			gsl_matrix_set(H, (size_t)j, (size_t)i, v);
		}
	}
	if (!bad) {
		gsl_set_error_handler_off();
		if (gsl_linalg_cholesky_decomp1(H) != 0 || gsl_linalg_cholesky_invert(H) != 0)
			bad = 1;
	}
	if (!bad)
		for (i = 0; i < d; i++)
			for (j = 0; j < d; j++)
				cov[i * d + j] = gsl_matrix_get(H, (size_t)i, (size_t)j);
	free(y);
	gsl_matrix_free(H);
diag:
	if (bad)
		for (i = 0; i < d; i++)
			for (j = 0; j < d; j++)
				cov[i * d + j] = i == j ? h[i] * h[i] * 25.0 : 0.0;
	return bad ? -1 : 0;
}

/* ---- the chains ---- */

/* The state a chain carries from the warm-up into the sampling. */
typedef struct chain_state {
	double *y, *aux, *L, *cov, *hist;
	double lp, lscale;
	int acc_kept;
} chain_state;

typedef struct shared {
	const calib_target *t;
	const calib_mcmc_options *o;
	calib_chains *ch;
	chain_state *cs;
	int phase;                /* 0 warm-up, 1 sampling */
	int first, last;          /* the iterations to run now, [first, last) */
	const double *im, *iL;    /* the independence proposal (NULL: none) */
	atomic_int next_chain;
	atomic_long done;
	atomic_int cancel;
	atomic_int failed;        /* an error code */
	char detail[512];
	pthread_mutex_t lock;
} shared;

/* Cholesky factor of (scale * cov + jitter): lower triangle into L (d x d). */
static void chol_of(const double *cov, double scale, int d, double *L)
{
	gsl_matrix_view m = gsl_matrix_view_array(L, (size_t)d, (size_t)d);
	double jitter = 0;
	int i, j, k;
	if (d == 0)
		return;
	gsl_set_error_handler_off();
	for (k = 0; k < 8; k++) {
		for (i = 0; i < d; i++)
			for (j = 0; j < d; j++)
				L[i * d + j] = scale * cov[i * d + j] + (i == j ? jitter : 0.0);
		if (gsl_linalg_cholesky_decomp1(&m.matrix) == 0)
			break;
		jitter = jitter > 0 ? jitter * 100 : 1e-10 * (1 + fabs(cov[0]));
	}
	if (k == 8) /* give up: a diagonal walk */
		for (i = 0; i < d; i++)
			for (j = 0; j < d; j++)
				L[i * d + j] = i == j ? sqrt(scale * fabs(cov[i * d + i]) + 1e-12) : 0.0;
	for (i = 0; i < d; i++) /* keep the lower triangle only */
		for (j = i + 1; j < d; j++)
			L[i * d + j] = 0;
}

/* The covariance of rows [a, b) of hist (each d values) into cov. */
static void emp_cov(const double *hist, int a, int b, int d, double *mean, double *cov)
{
	int i, j, k, n = b - a;
	for (j = 0; j < d; j++) {
		mean[j] = 0;
		for (k = a; k < b; k++)
			mean[j] += hist[(size_t)k * (size_t)d + (size_t)j];
		mean[j] /= n;
	}
	for (i = 0; i < d; i++)
		for (j = 0; j <= i; j++) {
			double s = 0;
			for (k = a; k < b; k++)
				s += (hist[(size_t)k * (size_t)d + (size_t)i] - mean[i]) *
				     (hist[(size_t)k * (size_t)d + (size_t)j] - mean[j]);
			cov[i * d + j] = cov[j * d + i] = s / (n > 1 ? n - 1 : 1);
		}
}

/* log density (up to a constant) of the multivariate t with nu degrees of
 * freedom, centre m and Cholesky factor L at y; tmp: d scratch values. */
static double t_logq(const double *y, const double *m, const double *L, int d, double nu, double *tmp)
{
	double q = 0;
	int i, k;
	for (i = 0; i < d; i++) { /* solve L u = y - m */
		double s = y[i] - m[i];
		for (k = 0; k < i; k++)
			s -= L[i * d + k] * tmp[k];
		tmp[i] = s / L[i * d + i];
		q += tmp[i] * tmp[i];
	}
	return -0.5 * (nu + d) * log1p(q / nu);
}

/* The independence proposal's degrees of freedom and its scale over the
 * covariance it is fitted to. */
#define IND_NU 7.0
#define IND_INFLATE 1.2
/* The chance that an iteration proposes an independence draw: one half in the
 * warm-up (the random walk's scale and shape adapt from its own moves), four in
 * five in the sampling, where the t is fitted to the pooled warm-up and an
 * accepted draw is a fresh one (on rotterdam-2017 it is accepted about half the
 * time against the random walk's fifth, and each of its moves spans the
 * posterior). */
#define IND_PROB_WARMUP 0.5
#define IND_PROB 0.8

/* Runs chain c's phase (warm-up or sampling) from its state. */
static int run_phase(shared *sh, int c, void *ws)
{
	const calib_target *t = sh->t;
	const calib_mcmc_options *o = sh->o;
	calib_chains *ch = sh->ch;
	chain_state *st = &sh->cs[c];
	int d = t->d, W = o->warmup, N = o->iterations, it, j, k, acc_batch = 0, rw_batch = 0;
	int first = sh->first, last = sh->last;
	size_t dd = (size_t)d;
	double *prop = calloc(dd + 1, sizeof(double)), *z = calloc(dd + 1, sizeof(double)),
	       *mean = calloc(dd + 1, sizeof(double)), *aux_prop = calloc(t->aux_len + 1, sizeof(double)),
	       *tmp = calloc(dd + 1, sizeof(double));
	stroom_gsl_philox g;
	int err = 0;
	if (!prop || !z || !mean || !aux_prop || !tmp) {
		err = STROOM_ENOMEM;
		goto out;
	}
	stroom_gsl_philox_init(&g);
	if (first == 0)
		st->lp = t->logdens(ws, st->y, st->aux);
	for (it = first; it < last; it++) {
		double u, kind, lpp, lq = 0;
		int ind;
		if (atomic_load(&sh->cancel))
			break;
		stroom_gsl_philox_stream(&g, o->seed, (uint32_t)c, (uint32_t)it, 0, STROOM_PURPOSE_CALIB_CHAIN);
		for (j = 0; j < d; j++)
			z[j] = gsl_ran_gaussian_ziggurat(&g.rng, 1.0);
		u = gsl_rng_uniform_pos(&g.rng);
		kind = gsl_rng_uniform(&g.rng);
		ind = sh->iL && kind < (sh->phase == 0 ? IND_PROB_WARMUP : IND_PROB);
		if (ind) {
			/* independence: y' from the t; the ratio of q enters the acceptance */
			double w = sqrt(IND_NU / gsl_ran_chisq(&g.rng, IND_NU));
			for (j = 0; j < d; j++) {
				double sum = 0;
				for (k = 0; k <= j; k++)
					sum += sh->iL[j * d + k] * z[k];
				prop[j] = sh->im[j] + w * sum;
			}
			lq = t_logq(st->y, sh->im, sh->iL, d, IND_NU, tmp) -
			     t_logq(prop, sh->im, sh->iL, d, IND_NU, tmp);
		} else {
			/* random walk */
			for (j = 0; j < d; j++) {
				double sum = 0;
				for (k = 0; k <= j; k++)
					sum += st->L[j * d + k] * z[k];
				prop[j] = st->y[j] + sum;
			}
			rw_batch++;
		}
		lpp = d > 0 ? t->logdens(ws, prop, aux_prop) : st->lp;
		if (d > 0 && isfinite(lpp) && (lpp + lq >= st->lp || log(u) < lpp + lq - st->lp)) {
			memcpy(st->y, prop, dd * sizeof *prop);
			memcpy(st->aux, aux_prop, t->aux_len * sizeof *aux_prop);
			st->lp = lpp;
			acc_batch += !ind;
			if (it >= W)
				st->acc_kept++;
		}
		if (it < W) {
			memcpy(st->hist + (size_t)it * dd, st->y, dd * sizeof *prop);
			/* adapt every 50 iterations: the random walk's scale towards an
			 * acceptance of 0.234, its shape from the second half of the
			 * history once it has 200 draws */
			if ((it + 1) % 50 == 0) {
				double rate = rw_batch ? (double)acc_batch / rw_batch : 0.234;
				int batch = (it + 1) / 50;
				st->lscale += (rate - 0.234) * 3.0 / pow(batch, 0.6);
				acc_batch = rw_batch = 0;
				if (it + 1 >= 200 && d > 0) {
					emp_cov(st->hist, (it + 1) / 2, it + 1, d, mean, st->cov);
					for (j = 0; j < d; j++) /* a floor: a stuck chain keeps moving */
						st->cov[j * d + j] += 1e-8 * (1.0 + fabs(o->cov0[j * d + j]));
				}
				chol_of(st->cov, exp(st->lscale), d, st->L);
			}
		} else {
			size_t row = (size_t)c * (size_t)N + (size_t)(it - W);
			memcpy(ch->y + row * dd, st->y, dd * sizeof *prop);
			ch->lp[row] = st->lp;
			if (t->aux_len)
				memcpy(ch->aux + row * t->aux_len, st->aux, t->aux_len * sizeof *aux_prop);
		}
		atomic_fetch_add(&sh->done, 1);
	}
out:
	free(prop);
	free(z);
	free(mean);
	free(aux_prop);
	free(tmp);
	return err;
}

static void *worker(void *arg)
{
	shared *sh = arg;
	void *ws = sh->t->ws_new(sh->t->ctx);
	int c, err;
	if (!ws) {
		pthread_mutex_lock(&sh->lock);
		if (!atomic_load(&sh->failed)) {
			snprintf(sh->detail, sizeof sh->detail, "%s", stroom_error_last());
			atomic_store(&sh->failed, STROOM_ENOMEM);
		}
		pthread_mutex_unlock(&sh->lock);
		atomic_store(&sh->cancel, 1);
		return NULL;
	}
	while ((c = atomic_fetch_add(&sh->next_chain, 1)) < sh->ch->chains) {
		if ((err = run_phase(sh, c, ws)) != 0) {
			atomic_store(&sh->failed, err);
			atomic_store(&sh->cancel, 1);
			break;
		}
	}
	sh->t->ws_free(sh->t->ctx, ws);
	return NULL;
}

void calib_chains_free(calib_chains *ch, const stroom_allocator *al)
{
	stroom_free(al, ch->y);
	stroom_free(al, ch->lp);
	stroom_free(al, ch->aux);
	stroom_free(al, ch->accept);
	memset(ch, 0, sizeof *ch);
}

/* Runs the phase sh->phase of every chain in nthreads threads, watching the
 * progress; 0 or the first error. */
static int run_threads(shared *sh, int nthreads, long total)
{
	pthread_t th[64];
	int i, started = 0;
	atomic_store(&sh->next_chain, 0);
	for (i = 0; i < nthreads; i++) {
		if (pthread_create(&th[i], NULL, worker, sh) != 0)
			break;
		started++;
	}
	if (started == 0) {
		worker(sh); /* no thread could start: run here */
	} else {
		for (;;) {
			struct timespec ts = {0, 100 * 1000 * 1000};
			long done = atomic_load(&sh->done);
			if (atomic_load(&sh->cancel) || atomic_load(&sh->next_chain) >= sh->ch->chains + started)
				break;
			if (sh->o->progress &&
			    sh->o->progress((int)(done > 2147483647L ? 2147483647L : done),
					    (int)(total > 2147483647L ? 2147483647L : total), sh->o->payload))
				atomic_store(&sh->cancel, 1);
			nanosleep(&ts, NULL);
		}
		for (i = 0; i < started; i++)
			pthread_join(th[i], NULL);
	}
	sh->ch->threads = started > 0 ? started : 1;
	return atomic_load(&sh->failed);
}

/* The mean and covariance of the second halves, [upto / 2, upto), of every
 * chain's warm-up history into mean and cov (pool: scratch for the rows), with a
 * small floor on the diagonal. */
static void pool_cov(const shared *sh, int upto, double *pool, double *mean, double *cov)
{
	const calib_mcmc_options *o = sh->o;
	int d = sh->t->d, h0 = upto / 2, n = upto - h0, c, j;
	size_t dd = (size_t)d;
	for (c = 0; c < o->chains; c++)
		memcpy(pool + (size_t)c * (size_t)n * dd, sh->cs[c].hist + (size_t)h0 * dd,
		       (size_t)n * dd * sizeof *pool);
	emp_cov(pool, 0, o->chains * n, d, mean, cov);
	for (j = 0; j < d; j++)
		cov[j * d + j] += 1e-10 * (1.0 + fabs(o->cov0[j * d + j]));
}

int calib_mcmc_run(const calib_target *t, const calib_mcmc_options *o, calib_chains *ch,
		   const stroom_allocator *al)
{
	shared sh;
	int nthreads = o->threads, i, c, err = 0, d = t->d, W = o->warmup, N = o->iterations, n = 0;
	size_t rows = (size_t)o->chains * (size_t)o->iterations, dd = (size_t)d;
	long total = (long)o->chains * (o->warmup + o->iterations);
	double *im = NULL, *iL = NULL, *pool = NULL, *mean = NULL, *cov = NULL;
	memset(ch, 0, sizeof *ch);
	memset(&sh, 0, sizeof sh);
	ch->chains = o->chains;
	ch->n = o->iterations;
	ch->cap = o->iterations;
	ch->d = d;
	ch->aux_len = t->aux_len;
	ch->y = stroom_calloc(al, rows * (dd ? dd : 1), sizeof(double));
	ch->lp = stroom_calloc(al, rows, sizeof(double));
	ch->aux = stroom_calloc(al, rows * (t->aux_len ? t->aux_len : 1), sizeof(double));
	ch->accept = stroom_calloc(al, (size_t)o->chains, sizeof(double));
	sh.cs = calloc((size_t)o->chains, sizeof *sh.cs);
	im = calloc(dd + 1, sizeof *im);
	iL = calloc(dd * dd + 1, sizeof *iL);
	mean = calloc(dd + 1, sizeof *mean);
	cov = calloc(dd * dd + 1, sizeof *cov);
	if (!ch->y || !ch->lp || !ch->aux || !ch->accept || !sh.cs || !im || !iL || !mean || !cov) {
		err = stroom_error_set(STROOM_ENOMEM, "out of memory");
		goto out;
	}
	for (c = 0; c < o->chains; c++) {
		chain_state *st = &sh.cs[c];
		st->y = calloc(dd + 1, sizeof(double));
		st->aux = calloc(t->aux_len + 1, sizeof(double));
		st->L = calloc(dd * dd + 1, sizeof(double));
		st->cov = calloc(dd * dd + 1, sizeof(double));
		st->hist = calloc((size_t)(W > 0 ? W : 1) * dd + 1, sizeof(double));
		if (!st->y || !st->aux || !st->L || !st->cov || !st->hist) {
			err = stroom_error_set(STROOM_ENOMEM, "out of memory");
			goto out;
		}
		memcpy(st->y, o->start + (size_t)c * dd, dd * sizeof(double));
		memcpy(st->cov, o->cov0, dd * dd * sizeof(double));
		st->lscale = log(2.38 * 2.38 / (d > 0 ? d : 1));
		chol_of(st->cov, exp(st->lscale), d, st->L);
	}
	if (nthreads <= 0) {
		long ncpu = sysconf(_SC_NPROCESSORS_ONLN);
		nthreads = ncpu > 0 ? (int)ncpu : 1;
	}
	if (nthreads > o->chains)
		nthreads = o->chains;
	if (nthreads > 64)
		nthreads = 64;
	sh.t = t;
	sh.o = o;
	sh.ch = ch;
	atomic_init(&sh.next_chain, 0);
	atomic_init(&sh.done, 0);
	atomic_init(&sh.cancel, 0);
	atomic_init(&sh.failed, 0);
	pthread_mutex_init(&sh.lock, NULL);
	/* the pooled history: every chain's second half of the warm-up */
	pool = malloc(((size_t)o->chains * (size_t)(W - W / 2) + 1) * (dd ? dd : 1) * sizeof *pool);
	if (!pool) {
		err = stroom_error_set(STROOM_ENOMEM, "out of memory");
		goto joined;
	}
	/* warm-up: the independence proposal around the mode, then refitted to the
	 * pooled history at the end of every stage */
	if (o->center && d > 0) {
		memcpy(im, o->center, dd * sizeof *im);
		chol_of(o->cov0, IND_INFLATE * IND_INFLATE, d, iL);
		sh.im = im;
		sh.iL = iL;
	}
	sh.phase = 0;
	for (sh.first = 0; !err && !atomic_load(&sh.cancel) && sh.first < W; sh.first = sh.last) {
		sh.last = sh.first < CALIB_STAGE_FIRST ? CALIB_STAGE_FIRST : sh.first + CALIB_STAGE_LEN;
		if (sh.last > W)
			sh.last = W;
		err = run_threads(&sh, nthreads, total);
		if (!err && !atomic_load(&sh.cancel) && sh.last < W && o->center && d > 0) {
			pool_cov(&sh, sh.last, pool, mean, cov);
			memcpy(im, mean, dd * sizeof *im);
			chol_of(cov, IND_INFLATE * IND_INFLATE, d, iL);
		}
	}
	/* sampling: both proposals from the second halves of every chain's warm-up */
	if (!err && !atomic_load(&sh.cancel) && W >= 100 && d > 0) {
		int j, k;
		pool_cov(&sh, W, pool, mean, cov);
		if (o->center) {
			memcpy(im, mean, dd * sizeof *im);
			chol_of(cov, IND_INFLATE * IND_INFLATE, d, iL);
		}
		for (c = 0; c < o->chains; c++) {
			for (j = 0; j < d; j++)
				for (k = 0; k < d; k++)
					sh.cs[c].cov[j * d + k] = cov[j * d + k];
			chol_of(sh.cs[c].cov, exp(sh.cs[c].lscale), d, sh.cs[c].L);
		}
	}
	/* the kept iterations, in blocks of check_every when there is a stopping
	 * rule: the blocks end at fixed iterations, so where it stops does not
	 * depend on the threads */
	sh.phase = 1;
	for (sh.first = W, n = 0; !err && !atomic_load(&sh.cancel) && n < N; sh.first = sh.last) {
		int step = o->check_every > 0 && o->converged ? o->check_every : N;
		sh.last = W + (N - n < step ? N : n + step);
		err = run_threads(&sh, nthreads, total);
		if (err || atomic_load(&sh.cancel))
			break;
		n = sh.last - W;
		if (n < N && step < N && o->converged(ch->y, o->chains, n, N, o->check_payload))
			break;
	}
	if (!err && !atomic_load(&sh.cancel)) {
		if (n < N) /* stopped: chain c's n draws moved to follow chain c - 1's */
			for (c = 1; c < o->chains; c++) {
				memmove(ch->y + (size_t)c * (size_t)n * dd, ch->y + (size_t)c * (size_t)N * dd,
					(size_t)n * dd * sizeof *ch->y);
				memmove(ch->lp + (size_t)c * (size_t)n, ch->lp + (size_t)c * (size_t)N,
					(size_t)n * sizeof *ch->lp);
				if (t->aux_len)
					memmove(ch->aux + (size_t)c * (size_t)n * t->aux_len,
						ch->aux + (size_t)c * (size_t)N * t->aux_len,
						(size_t)n * t->aux_len * sizeof *ch->aux);
			}
		ch->n = n;
		for (c = 0; c < o->chains; c++)
			ch->accept[c] = n > 0 ? (double)sh.cs[c].acc_kept / n : 0;
	}
joined:
	pthread_mutex_destroy(&sh.lock);
	if (err == STROOM_ENOMEM && sh.detail[0])
		stroom_error_set(err, "%s", sh.detail);
	else if (err && !stroom_error_last()[0])
		stroom_error_set(err, "out of memory");
	else if (!err && (atomic_load(&sh.cancel) ||
			  (o->progress && o->progress((int)total, (int)total, o->payload))))
		err = stroom_error_set(STROOM_EINTR, "calibration cancelled");
out:
	if (sh.cs)
		for (c = 0; c < o->chains; c++) {
			free(sh.cs[c].y);
			free(sh.cs[c].aux);
			free(sh.cs[c].L);
			free(sh.cs[c].cov);
			free(sh.cs[c].hist);
		}
	free(sh.cs);
	free(im);
	free(iL);
	free(pool);
	free(mean);
	free(cov);
	if (err)
		calib_chains_free(ch, al);
	(void)i;
	return err;
}

/* ---- diagnostics ---- */

typedef struct ranked {
	double v;
	size_t i;
} ranked;

static int cmp_ranked(const void *a, const void *b)
{
	double x = ((const ranked *)a)->v, y = ((const ranked *)b)->v;
	return x < y ? -1 : x > y;
}

/* x (S values) replaced by the normal scores of their ranks (ties: average rank). */
static int rank_normalise(double *x, size_t S)
{
	ranked *r = malloc(S * sizeof *r);
	size_t i, j;
	if (!r)
		return -1;
	for (i = 0; i < S; i++) {
		r[i].v = x[i];
		r[i].i = i;
	}
	qsort(r, S, sizeof *r, cmp_ranked);
	for (i = 0; i < S; i = j) {
		double rank;
		for (j = i + 1; j < S && r[j].v == r[i].v; j++)
			;
		rank = 0.5 * ((double)i + 1 + (double)j); /* average of ranks i+1 .. j */
		for (size_t k = i; k < j; k++)
			x[r[k].i] = gsl_cdf_ugaussian_Pinv((rank - 0.375) / ((double)S + 0.25));
	}
	free(r);
	return 0;
}

/* Split R-hat (BDA3) of m chains of n values. */
static double rhat_plain(const double *x, int m, int n)
{
	double W = 0, B, mean_all = 0, *means = malloc((size_t)m * sizeof(double));
	int c, i;
	if (!means)
		return NAN;
	for (c = 0; c < m; c++) {
		double s = 0, v = 0;
		for (i = 0; i < n; i++)
			s += x[(size_t)c * (size_t)n + (size_t)i];
		means[c] = s / n;
		for (i = 0; i < n; i++) {
			double e = x[(size_t)c * (size_t)n + (size_t)i] - means[c];
			v += e * e;
		}
		W += v / (n - 1);
		mean_all += means[c];
	}
	W /= m;
	mean_all /= m;
	B = 0;
	for (c = 0; c < m; c++)
		B += (means[c] - mean_all) * (means[c] - mean_all);
	B = B * n / (m - 1);
	free(means);
	if (!(W > 0))
		return B > 0 ? HUGE_VAL : 1.0;
	return sqrt(((n - 1.0) / n * W + B / n) / W);
}

/* The split chains (2 chains x n/2 each) of x into out; returns the half length. */
static int split(const double *x, int chains, int n, double *out)
{
	int h = n / 2, c, i;
	for (c = 0; c < chains; c++)
		for (i = 0; i < h; i++) {
			out[(size_t)(2 * c) * (size_t)h + (size_t)i] = x[(size_t)c * (size_t)n + (size_t)i];
			out[(size_t)(2 * c + 1) * (size_t)h + (size_t)i] =
				x[(size_t)c * (size_t)n + (size_t)(n - h + i)];
		}
	return h;
}

double calib_rhat(const double *x, int chains, int n)
{
	int h, m = 2 * chains;
	size_t S, i;
	double *s, *f, med, r1, r2;
	if (n < 4 || chains < 1)
		return NAN;
	h = n / 2;
	S = (size_t)m * (size_t)h;
	s = malloc(S * sizeof *s);
	f = malloc(S * sizeof *f);
	if (!s || !f) {
		free(s);
		free(f);
		return NAN;
	}
	split(x, chains, n, s);
	memcpy(f, s, S * sizeof *f);
	/* folded: |x - median| */
	gsl_sort(f, 1, S);
	med = S % 2 ? f[S / 2] : 0.5 * (f[S / 2 - 1] + f[S / 2]);
	for (i = 0; i < S; i++)
		f[i] = fabs(s[i] - med);
	if (rank_normalise(s, S) || rank_normalise(f, S)) {
		free(s);
		free(f);
		return NAN;
	}
	r1 = rhat_plain(s, m, h);
	r2 = rhat_plain(f, m, h);
	free(s);
	free(f);
	return r1 > r2 ? r1 : r2;
}

/* ESS of m chains of n values (BDA3 / Vehtari et al. 2021, Geyer's initial
 * monotone sequence). */
static double ess_plain(const double *x, int m, int n)
{
	double *mean = malloc((size_t)m * sizeof(double)), *var = malloc((size_t)m * sizeof(double));
	double W = 0, B = 0, mall = 0, varp, sum_rho = 0, prev_pair = HUGE_VAL, ess;
	int c, i, lag;
	if (!mean || !var) {
		free(mean);
		free(var);
		return NAN;
	}
	for (c = 0; c < m; c++) {
		const double *xc = x + (size_t)c * (size_t)n;
		double s = 0, v = 0;
		for (i = 0; i < n; i++)
			s += xc[i];
		mean[c] = s / n;
		for (i = 0; i < n; i++)
			v += (xc[i] - mean[c]) * (xc[i] - mean[c]);
		var[c] = v / n; /* the autocovariance at lag 0 (biased, as at every lag) */
		W += v / (n - 1);
		mall += mean[c];
	}
	W /= m;
	mall /= m;
	for (c = 0; c < m && m > 1; c++)
		B += (mean[c] - mall) * (mean[c] - mall);
	B = m > 1 ? B * n / (m - 1) : 0;
	varp = (n - 1.0) / n * W + B / n;
	if (!(varp > 0)) {
		free(mean);
		free(var);
		return (double)m * n;
	}
	/* rho_t = 1 - (W - mean_c acov_c(t)) / varp (Stan's estimator); Geyer: the
	 * pairs P_k = rho_2k + rho_2k+1 summed while positive, made monotone;
	 * tau = -1 + 2 sum_k P_k */
	for (lag = 0; lag + 1 < n; lag += 2) {
		double rho[2], pair;
		int k;
		for (k = 0; k < 2; k++) {
			int L = lag + k;
			double a = 0;
			for (c = 0; c < m; c++) {
				const double *xc = x + (size_t)c * (size_t)n;
				double s = 0;
				for (i = 0; i + L < n; i++)
					s += (xc[i] - mean[c]) * (xc[i + L] - mean[c]);
				a += s / n;
			}
			rho[k] = 1.0 - (W - a / m) / varp;
		}
		pair = rho[0] + rho[1];
		if (pair < 0)
			break;
		if (pair > prev_pair)
			pair = prev_pair;
		prev_pair = pair;
		sum_rho += pair;
	}
	free(mean);
	free(var);
	{
		/* as Stan: tau at least 1 / log10(S), so ESS at most S log10(S) */
		double S = (double)m * n, tau = -1.0 + 2.0 * sum_rho, floor_tau = 1.0 / log10(S);
		ess = S / (tau > floor_tau ? tau : floor_tau);
	}
	return ess;
}

double calib_ess(const double *x, int chains, int n)
{
	int h, m = 2 * chains;
	size_t S;
	double *s, e;
	if (n < 4 || chains < 1)
		return NAN;
	h = n / 2;
	S = (size_t)m * (size_t)h;
	s = malloc(S * sizeof *s);
	if (!s)
		return NAN;
	split(x, chains, n, s);
	if (rank_normalise(s, S)) {
		free(s);
		return NAN;
	}
	e = ess_plain(s, m, h);
	free(s);
	return e;
}
