/*
 * explain.c: why the caseload moved (include/stroom/explain.h, docs/explain.md).
 * The factors are groups of the scenario's time series; a counterfactual holds a
 * factor's series at their value in the month `from`. Per replicate: its
 * parameter draw, the expected-value engine run for every coalition of the
 * changing factors (or every prefix of their order), the Shapley values (or the
 * sequential split), the composition (every factor held) and chance (the
 * microsimulation replicate's change less the full model's expected change).
 */
#include <stroom/ev.h>
#include <stroom/explain.h>
#include <stroom/sim.h>

#include "internal.h"

#include <gsl/gsl_sort.h>
#include <gsl/gsl_statistics_double.h>
#include <math.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

/* One series a factor holds: a field of stroom_params (team < 0) or a team's FTE. */
typedef struct held {
	size_t offset;
	int team;
	double neutral; /* its value before its first month */
} held;

typedef struct factor {
	char name[STROOM_EXPLAIN_NAME_LEN];
	char keys[STROOM_EXPLAIN_KEYS_LEN];
	int n;
	held s[STROOM_MAX_TEAMS];
} factor;

#define OFF(f) offsetof(stroom_params, f)

static stroom_series *series_of(stroom_params *q, const held *h)
{
	if (h->team >= 0)
		return &q->team[h->team].fte;
	return (stroom_series *)(void *)((char *)q + h->offset);
}

static const stroom_series *cseries_of(const stroom_params *q, const held *h)
{
	if (h->team >= 0)
		return &q->team[h->team].fte;
	return (const stroom_series *)(const void *)((const char *)q + h->offset);
}

/* Whether series s takes another value than its value in `from` in a month
 * after it and before `to` (the months whose flows reach the caseload on the
 * 1st of `to`). */
static int series_changes(const stroom_series *s, double neutral, stroom_month from, stroom_month to)
{
	double v = stroom_series_at(s, from, neutral);
	int i;
	for (i = 0; i < s->n; i++)
		if (s->month[i] > from && s->month[i] < to && s->value[i] != v)
			return 1;
	return 0;
}

/* The series keeps its value of `from` in every later month: its entries after
 * `from` are dropped (the last one up to `from` then holds on; none: the
 * neutral value, which is its value in `from` too). */
static void hold_series(stroom_series *s, stroom_month from)
{
	int n = 0;
	while (n < s->n && s->month[n] <= from)
		n++;
	s->n = n;
}

static void add_held(factor *f, size_t offset, int team, double neutral)
{
	f->s[f->n].offset = offset;
	f->s[f->n].team = team;
	f->s[f->n].neutral = neutral;
	f->n++;
}

static factor *new_factor(factor *fs, int *n, const char *name, const char *keys)
{
	factor *f = &fs[(*n)++];
	memset(f, 0, sizeof *f);
	snprintf(f->name, sizeof f->name, "%s", name);
	snprintf(f->keys, sizeof f->keys, "%s", keys);
	return f;
}

/* The factors of p, in the default order; returns their number. */
static int make_factors(const stroom_params *p, int each_team, factor *fs)
{
	int n = 0, t;
	factor *f;
	f = new_factor(fs, &n, "labour_market", "labour_market.index");
	add_held(f, OFF(labour_index), -1, 1.0);
	f = new_factor(fs, &n, "shocks", "inflow.shock, hazard.work.shock");
	add_held(f, OFF(inflow_shock), -1, 1.0);
	add_held(f, OFF(work_shock), -1, 1.0);
	if (p->n_teams > 0 && !each_team) {
		f = new_factor(fs, &n, "teams", "teams.*.fte");
		for (t = 0; t < p->n_teams; t++)
			add_held(f, 0, t, 0.0);
	}
	for (t = 0; each_team && t < p->n_teams; t++) {
		char name[STROOM_EXPLAIN_NAME_LEN], keys[STROOM_EXPLAIN_KEYS_LEN];
		snprintf(name, sizeof name, "teams.%s", p->team[t].name);
		snprintf(keys, sizeof keys, "teams.%s.fte", p->team[t].name);
		f = new_factor(fs, &n, name, keys);
		add_held(f, 0, t, 0.0);
	}
	if (p->prevention_reach.n > 0) {
		f = new_factor(fs, &n, "prevention", "prevention.reach");
		add_held(f, OFF(prevention_reach), -1, 0.0);
	}
	if (p->enforcement_controls.n > 0) {
		f = new_factor(fs, &n, "enforcement", "enforcement.controls");
		add_held(f, OFF(enforcement_controls), -1, 0.0);
	}
	if (p->targets_pressure.n > 0) {
		f = new_factor(fs, &n, "targets", "targets.pressure");
		add_held(f, OFF(targets_pressure), -1, 0.0);
	}
	return n;
}

static int factor_changes(const stroom_params *p, const factor *f, stroom_month from, stroom_month to)
{
	int i;
	for (i = 0; i < f->n; i++)
		if (series_changes(cseries_of(p, &f->s[i]), f->s[i].neutral, from, to))
			return 1;
	return 0;
}

static void hold_factor(stroom_params *q, const factor *f, stroom_month from)
{
	int i;
	for (i = 0; i < f->n; i++)
		hold_series(series_of(q, &f->s[i]), from);
}

static int popcount(unsigned int x)
{
	int n = 0;
	for (; x; x &= x - 1)
		n++;
	return n;
}

void stroom_explain_shapley(int k, const double *v, double *phi)
{
	double w[STROOM_EXPLAIN_MAX_SHAPLEY];
	unsigned int full = (1u << k) - 1u, S;
	int i, s;
	/* w[s] = s! (k - s - 1)! / k! */
	for (s = 0; s < k; s++) {
		double x = 1.0;
		int j;
		for (j = 1; j <= s; j++)
			x *= j;
		for (j = 1; j <= k - s - 1; j++)
			x *= j;
		for (j = 1; j <= k; j++)
			x /= j;
		w[s] = x;
	}
	for (i = 0; i < k; i++) {
		double sum = 0;
		unsigned int bit = 1u << i;
		for (S = 0; S <= full; S++)
			if (!(S & bit))
				sum += w[popcount(S)] * (v[S | bit] - v[S]);
		phi[i] = sum;
	}
}

/* ---- the expected-value runs, in threads ----------------------------------- */

typedef struct shared {
	const stroom_params *p;
	const stroom_population *pop;
	const stroom_explain_options *o;
	const factor *fs;
	stroom_explain_result *res;
	int t_from, t_to;
	atomic_int next, done, cancel, failed;
	atomic_long runs;
	pthread_mutex_t lock;
	char detail[512];
} shared;

/* The expected change from `from` to `to` of base with the players not in mask held. */
static int change(shared *sh, stroom_ev *ev, const stroom_params *base, stroom_params *q,
		  unsigned int mask, double *out)
{
	const stroom_explain_result *r = sh->res;
	int j, err;
	memcpy(q, base, sizeof *q);
	for (j = 0; j < r->nplayers; j++)
		if (!(mask >> j & 1u))
			hold_factor(q, &sh->fs[r->player[j]], r->from);
	if ((err = stroom_ev_run(ev, q)) != 0)
		return err;
	atomic_fetch_add(&sh->runs, 1);
	*out = stroom_ev_value(ev, sh->t_to, STROOM_IND_CASELOAD, 0) -
	       stroom_ev_value(ev, sh->t_from, STROOM_IND_CASELOAD, 0);
	return 0;
}

/* Replicate rep's parts (all but chance's microsimulation term: chance gets -v(all)). */
static int one_replicate(shared *sh, stroom_ev *ev, stroom_params *base, stroom_params *q,
			 double *draws, double *v, int rep)
{
	stroom_explain_result *r = sh->res;
	double *row = r->value + (size_t)rep * (size_t)r->nparts;
	double phi[STROOM_EXPLAIN_MAX_PARTS];
	int k = r->nplayers, j, err;
	unsigned int full = k ? (1u << k) - 1u : 0u;
	stroom_params_draw_values_post(sh->p, sh->o->posterior, (uint32_t)rep, 0, draws);
	memcpy(base, sh->p, sizeof *base);
	stroom_params_apply_values(sh->p, draws, base);
	for (j = 0; j < r->nparts; j++)
		row[j] = 0;
	if (r->method == STROOM_EXPLAIN_SHAPLEY && k > 0) {
		unsigned int S;
		for (S = 0; S <= full; S++)
			if ((err = change(sh, ev, base, q, S, &v[S])) != 0)
				return err;
		stroom_explain_shapley(k, v, phi);
	} else {
		/* v[j]: the first j players as the scenario has them */
		for (j = 0; j <= k; j++)
			if ((err = change(sh, ev, base, q, j ? (1u << j) - 1u : 0u, &v[j])) != 0)
				return err;
		for (j = 0; j < k; j++)
			phi[j] = v[j + 1] - v[j];
		full = (unsigned int)k; /* v[k]: every player */
	}
	for (j = 0; j < k; j++)
		row[r->player[j]] = phi[j];
	row[r->nparts - 2] = v[0];         /* composition */
	row[r->nparts - 1] = -v[full];     /* chance, less the replicate's change below */
	return 0;
}

static void fail(shared *sh, int err)
{
	pthread_mutex_lock(&sh->lock);
	if (!atomic_load(&sh->failed)) {
		snprintf(sh->detail, sizeof sh->detail, "%s", stroom_error_last());
		atomic_store(&sh->failed, err);
	}
	pthread_mutex_unlock(&sh->lock);
	atomic_store(&sh->cancel, 1);
}

static void *worker(void *arg)
{
	shared *sh = arg;
	stroom_ev *ev = NULL;
	stroom_params *base = malloc(sizeof *base), *q = malloc(sizeof *q);
	double *draws = malloc(STROOM_DRAW_MAX * sizeof *draws);
	double *v = malloc(((size_t)1 << STROOM_EXPLAIN_MAX_SHAPLEY) * sizeof *v +
			   STROOM_EXPLAIN_MAX_PARTS * sizeof *v);
	int rep, err;
	if (!base || !q || !draws || !v) {
		stroom_error_set(STROOM_ENOMEM, "out of memory");
		fail(sh, STROOM_ENOMEM);
		goto out;
	}
	if ((err = stroom_ev_new(&ev, sh->p, sh->pop, sh->o->rules, NULL)) != 0) {
		fail(sh, err);
		goto out;
	}
	while (!atomic_load(&sh->cancel) && (rep = atomic_fetch_add(&sh->next, 1)) < sh->res->replicates) {
		if ((err = one_replicate(sh, ev, base, q, draws, v, rep)) != 0) {
			fail(sh, err);
			break;
		}
		atomic_fetch_add(&sh->done, 1);
	}
out:
	stroom_ev_free(ev);
	free(base);
	free(q);
	free(draws);
	free(v);
	return NULL;
}

static int online_cpus(void)
{
	long n = sysconf(_SC_NPROCESSORS_ONLN);
	return n < 1 ? 1 : (int)n;
}

/* The expected-value runs of every replicate in nthreads threads. */
static int run_threads(shared *sh, int nthreads)
{
	pthread_t th[64];
	int i, started = 0;
	if (nthreads > 64)
		nthreads = 64;
	if (nthreads > sh->res->replicates)
		nthreads = sh->res->replicates;
	for (i = 0; i < nthreads; i++) {
		if (pthread_create(&th[i], NULL, worker, sh) != 0)
			break;
		started++;
	}
	if (!started) {
		worker(sh);
	} else {
		for (;;) {
			struct timespec ts = {0, 100 * 1000 * 1000};
			if (atomic_load(&sh->cancel) || atomic_load(&sh->done) >= sh->res->replicates)
				break;
			if (sh->o->progress &&
			    sh->o->progress(atomic_load(&sh->done), sh->res->replicates, sh->o->payload)) {
				atomic_store(&sh->cancel, 1);
				pthread_mutex_lock(&sh->lock);
				if (!atomic_load(&sh->failed)) {
					snprintf(sh->detail, sizeof sh->detail, "interrupted");
					atomic_store(&sh->failed, STROOM_EINTR);
				}
				pthread_mutex_unlock(&sh->lock);
			}
			nanosleep(&ts, NULL);
		}
		for (i = 0; i < started; i++)
			pthread_join(th[i], NULL);
	}
	sh->res->threads = started ? started : 1;
	if (atomic_load(&sh->failed))
		return stroom_error_set(atomic_load(&sh->failed), "%s", sh->detail);
	return 0;
}

/* ---- the summary over the replicates --------------------------------------- */

static void summarise(stroom_explain_part *pt, const double *x, size_t stride, int R, double *buf)
{
	int r;
	for (r = 0; r < R; r++)
		buf[r] = x[(size_t)r * stride];
	pt->mean = gsl_stats_mean(buf, 1, (size_t)R);
	gsl_sort(buf, 1, (size_t)R);
	pt->p05 = gsl_stats_quantile_from_sorted_data(buf, 1, (size_t)R, 0.05);
	pt->p50 = gsl_stats_quantile_from_sorted_data(buf, 1, (size_t)R, 0.50);
	pt->p95 = gsl_stats_quantile_from_sorted_data(buf, 1, (size_t)R, 0.95);
}

/* ---- checks and the order ----------------------------------------------------- */

static int check_dates(const stroom_params *p, stroom_month from, stroom_month to)
{
	char a[16], b[16], c[16];
	if (from < p->start || from > p->end)
		return stroom_error_set(STROOM_EINVAL, "--from: expected a month from %s to %s (the "
				        "scenario's run), got %s",
				        stroom_month_format(p->start, a, sizeof a),
				        stroom_month_format(p->end, b, sizeof b),
				        stroom_month_format(from, c, sizeof c));
	if (to <= p->start || to > p->end + 1)
		return stroom_error_set(STROOM_EINVAL, "--to: expected a month from %s to %s (the "
				        "scenario's run and the 1st after its last month), got %s",
				        stroom_month_format(p->start + 1, a, sizeof a),
				        stroom_month_format(p->end + 1, b, sizeof b),
				        stroom_month_format(to, c, sizeof c));
	if (to <= from)
		return stroom_error_set(STROOM_EINVAL, "--to: expected a month after --from (%s), got %s",
				        stroom_month_format(from, a, sizeof a),
				        stroom_month_format(to, b, sizeof b));
	return 0;
}

/* perm[]: the factors' indices in the order of o->order, then the rest. */
static int factor_order(const factor *fs, int nf, const stroom_explain_options *o, int *perm)
{
	int used[STROOM_EXPLAIN_MAX_PARTS] = {0}, n = 0, i, j;
	if (o->norder < 0 || o->norder > nf || (o->norder && !o->order))
		return stroom_error_set(STROOM_EINVAL, "order: expected at most %d factor names", nf);
	for (i = 0; i < o->norder; i++) {
		for (j = 0; j < nf && strcmp(fs[j].name, o->order[i] ? o->order[i] : ""); j++)
			;
		if (j == nf) {
			char list[512];
			stroom_sbuf b = {list, sizeof list, 0};
			int k;
			list[0] = '\0';
			for (k = 0; k < nf; k++)
				stroom_sbuf_printf(&b, "%s%s", k ? ", " : "", fs[k].name);
			return stroom_error_set(STROOM_EINVAL, "order: '%s' is not a factor of this scenario "
					        "(its factors: %s)", o->order[i] ? o->order[i] : "", list);
		}
		if (used[j])
			return stroom_error_set(STROOM_EINVAL, "order: '%s' given twice", fs[j].name);
		used[j] = 1;
		perm[n++] = j;
	}
	for (j = 0; j < nf; j++)
		if (!used[j])
			perm[n++] = j;
	return 0;
}

/* The caseload of replicate rep on the 1st of month index t (t == months included). */
static double sim_stock(const stroom_results *r, int rep, int t)
{
	if (t >= stroom_results_months(r))
		return stroom_results_final_caseload(r, rep, 0);
	return stroom_results_value(r, rep, t, STROOM_IND_CASELOAD, 0);
}

int stroom_explain_run(stroom_explain_result **out, const stroom_params *p,
		       const stroom_population *pop, const stroom_explain_options *o)
{
	factor fs[STROOM_EXPLAIN_MAX_PARTS];
	int perm[STROOM_EXPLAIN_MAX_PARTS];
	stroom_explain_result *r = NULL;
	stroom_results *sim = NULL;
	shared *sh = NULL;
	double *buf = NULL;
	int nf, i, j, R, err;
	*out = NULL;
	if (!o || o->version != STROOM_EXPLAIN_OPTIONS_VERSION)
		return stroom_error_set(STROOM_EINVAL, "explain: options of an unknown version");
	if (o->method != STROOM_EXPLAIN_SHAPLEY && o->method != STROOM_EXPLAIN_SEQUENTIAL)
		return stroom_error_set(STROOM_EINVAL, "--method: expected shapley or sequential");
	R = o->replicates > 0 ? o->replicates : p->replicates;
	if (R < 1)
		return stroom_error_set(STROOM_EINVAL, "replicates: expected 1 or more, got %d", R);
	if (!(r = calloc(1, sizeof *r)))
		return stroom_error_set(STROOM_ENOMEM, "out of memory");
	r->from = o->from ? o->from : p->start;
	r->to = o->to ? o->to : p->end + 1;
	r->method = o->method;
	r->replicates = R;
	if ((err = check_dates(p, r->from, r->to)) != 0)
		goto fail;
	nf = make_factors(p, o->each_team, fs);
	if ((err = factor_order(fs, nf, o, perm)) != 0)
		goto fail;
	/* the parts: the factors in their order, composition, chance */
	for (i = 0; i < nf; i++) {
		const factor *f = &fs[perm[i]];
		stroom_explain_part *pt = &r->part[i];
		snprintf(pt->name, sizeof pt->name, "%s", f->name);
		snprintf(pt->keys, sizeof pt->keys, "%s", f->keys);
		pt->kind = STROOM_EXPLAIN_FACTOR;
		pt->changes = factor_changes(p, f, r->from, r->to);
		if (pt->changes)
			r->player[r->nplayers++] = i;
	}
	/* fs in the parts' order, so that fs[part] is the part's factor */
	{
		factor tmp[STROOM_EXPLAIN_MAX_PARTS];
		for (i = 0; i < nf; i++)
			tmp[i] = fs[perm[i]];
		memcpy(fs, tmp, (size_t)nf * sizeof *fs);
	}
	snprintf(r->part[nf].name, sizeof r->part[nf].name, "composition");
	r->part[nf].kind = STROOM_EXPLAIN_COMPOSITION;
	snprintf(r->part[nf + 1].name, sizeof r->part[nf + 1].name, "chance");
	r->part[nf + 1].kind = STROOM_EXPLAIN_CHANCE;
	r->nparts = nf + 2;
	snprintf(r->total.name, sizeof r->total.name, "total");
	if (r->method == STROOM_EXPLAIN_SHAPLEY && r->nplayers > STROOM_EXPLAIN_MAX_SHAPLEY) {
		err = stroom_error_set(STROOM_EINVAL, "explain: %d factors change between the dates; the "
				       "Shapley split takes 2^%d expected-value runs a replicate and "
				       "allows at most %d factors: take the teams together (without "
				       "--each-team) or use --method sequential", r->nplayers,
				       r->nplayers, STROOM_EXPLAIN_MAX_SHAPLEY);
		goto fail;
	}
	r->value = calloc((size_t)R * (size_t)r->nparts, sizeof *r->value);
	r->total_r = calloc((size_t)R, sizeof *r->total_r);
	r->from_r = calloc((size_t)R, sizeof *r->from_r);
	r->to_r = calloc((size_t)R, sizeof *r->to_r);
	buf = malloc((size_t)R * sizeof *buf);
	sh = calloc(1, sizeof *sh);
	if (!r->value || !r->total_r || !r->from_r || !r->to_r || !buf || !sh) {
		err = stroom_error_set(STROOM_ENOMEM, "out of memory");
		goto fail;
	}
	/* the expected-value engine takes the scenario (instrument places: refused)
	 * before the microsimulation runs */
	{
		stroom_ev *ev = NULL;
		if ((err = stroom_ev_new(&ev, p, pop, o->rules, NULL)) != 0)
			goto fail;
		stroom_ev_free(ev);
	}
	/* the microsimulation: each replicate's change */
	{
		stroom_sim_options so = STROOM_SIM_OPTIONS_INIT;
		stroom_params *q = malloc(sizeof *q);
		if (!q) {
			err = stroom_error_set(STROOM_ENOMEM, "out of memory");
			goto fail;
		}
		memcpy(q, p, sizeof *q);
		q->replicates = R;
		so.threads = o->threads;
		so.rules = o->rules;
		so.posterior = o->posterior;
		so.progress = o->progress;
		so.payload = o->payload;
		err = stroom_sim_run(&sim, q, pop, &so);
		free(q);
		if (err)
			goto fail;
	}
	/* the expected-value runs */
	sh->p = p;
	sh->pop = pop;
	sh->o = o;
	sh->fs = fs;
	sh->res = r;
	atomic_init(&sh->next, 0);
	atomic_init(&sh->done, 0);
	atomic_init(&sh->cancel, 0);
	atomic_init(&sh->failed, 0);
	atomic_init(&sh->runs, 0);
	sh->t_from = r->from - p->start;
	sh->t_to = r->to - p->start;
	pthread_mutex_init(&sh->lock, NULL);
	err = run_threads(sh, o->threads > 0 ? o->threads : online_cpus());
	pthread_mutex_destroy(&sh->lock);
	r->ev_runs = atomic_load(&sh->runs);
	if (err)
		goto fail;
	/* chance: the replicate's change less the full model's expected change */
	for (i = 0; i < R; i++) {
		double *row = r->value + (size_t)i * (size_t)r->nparts;
		r->from_r[i] = sim_stock(sim, i, sh->t_from);
		r->to_r[i] = sim_stock(sim, i, sh->t_to);
		r->total_r[i] = r->to_r[i] - r->from_r[i];
		row[r->nparts - 1] += r->total_r[i];
	}
	for (j = 0; j < r->nparts; j++)
		summarise(&r->part[j], r->value + j, (size_t)r->nparts, R, buf);
	summarise(&r->total, r->total_r, 1, R, buf);
	r->caseload_from = gsl_stats_mean(r->from_r, 1, (size_t)R);
	r->caseload_to = gsl_stats_mean(r->to_r, 1, (size_t)R);
	stroom_results_free(sim);
	free(sh);
	free(buf);
	*out = r;
	return 0;
fail:
	stroom_results_free(sim);
	free(sh);
	free(buf);
	stroom_explain_free(r);
	return err;
}

void stroom_explain_free(stroom_explain_result *r)
{
	if (!r)
		return;
	free(r->value);
	free(r->total_r);
	free(r->from_r);
	free(r->to_r);
	free(r);
}
