/*
 * sim.c: the monthly engine. One replicate is a loop over months; each month is
 * two passes over the households (struct of arrays; docs/model.md gives the
 * order of events and docs/policy.md the levers):
 *
 *   pass 1, every active household:
 *     on benefit: count the stock (1st of the month) by count cell and pay the
 *                 month's benefit; when nothing can change this month (the
 *                 cached next_chg lies ahead) that is all (the fast path);
 *                 otherwise pension-age exit, band changes, and, unless this is
 *                 its candidate month, a control (extra enforcement) and the
 *                 distance drift;
 *     off after work/LKS and not durable: return in the month drawn at the exit;
 *   teams:       clients from the counts, and each team's intensity multiplier;
 *   pass 2, the month's candidates: one competing-risk draw among exit to work,
 *                exit with LKS, other exit, enforcement and a part-time change,
 *                against the household's candidate probability (thinning, see
 *                "Candidate months" in docs/model.md); then as pass 1;
 *   instruments: free slots go to eligible households by the instrument's
 *                priority rule;
 *   then the month's new households arrive (Poisson count, composition mix),
 *   less those turned away at the gate or reached by prevention.
 *
 * Every household on benefit is paid by the rules module (stroom/rules.h) at the
 * month's date. Its amount depends only on (type, age class 18-20 / 21-26 / 27+,
 * part-time state: none / within the disregard months / after them), so the
 * amounts of all 27 classes for every month are computed once before the
 * replicates start and a household costs one table lookup.
 *
 * Every hazard, multiplier and policy effect is a function of the model module
 * (src/model/model.h), which the expected-value engine shares: this file only
 * draws against them, household by household. Exit hazards depend on (distance,
 * age band, duration band, type, area, part-time) and on the month (labour
 * market, shocks): precomputed per month into a table by cell. The work hazard is
 * then multiplied per household by its team's intensity, its instrument (lock-in
 * or after-effect) and target pressure.
 * Every prior (policy effects and uncertain base parameters) is drawn once per
 * replicate, before the run (prior.c); each replicate runs on its own copy of the
 * parameters with its draws applied, in its thread's workspace. Workspaces are
 * sized up front from the population and the largest inflow any replicate's
 * draws can plausibly bring; nothing is allocated inside the monthly loop.
 * Replicates run in threads that pull replicate indexes from an atomic counter;
 * each writes only its own result slot.
 */
#include "internal.h"
#include "sim_int.h"
#include "model.h"
#include "workspace.h"
#include "rng_int.h"

#include <stroom/sim.h>

#include <gsl/gsl_randist.h>
#include <math.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

enum { ST_ON = 0, ST_OFF_NONDURABLE = 1, ST_GONE = 2 };

/* The model's bands, cells and limits (model.h) under the engine's short names. */
#define age_band stroom_model_age_band
#define duration_band stroom_model_duration_band
#define group_cell stroom_model_group_cell
#define cell_index stroom_model_cell
#define MAX_EXIT_PROB STROOM_MODEL_MAX_EXIT_PROB

#define INFLOW_HOUSEHOLD 0xffffffffu
/* Household ids of the keyed draws of new households: the month's arrival
 * number j, offset so they never meet a slot index. */
#define NEW_ID(j) (0x80000000u | (uint32_t)(j))
#define NO_END INT32_MIN

/* Parameters drawn from priors once per replicate, in the order of prior.c
 * (internal.h): the policy priors, then for instrument k DRAW_FIXED_COUNT + 3k +
 * {0 lockin, 1 effect, 2 durability}, then the uncertain parameters. */
enum {
	DRAW_ELASTICITY = STROOM_DRAW_ELASTICITY,
	DRAW_SEARCH_EFFECT = STROOM_DRAW_SEARCH_EFFECT,
	DRAW_SELECTION = STROOM_DRAW_SELECTION,
	DRAW_PREVENTION = STROOM_DRAW_PREVENTION,
	DRAW_DETECTION = STROOM_DRAW_DETECTION,
	DRAW_TARGETS_WORK = STROOM_DRAW_TARGETS_WORK,
	DRAW_TARGETS_NONDURABLE = STROOM_DRAW_TARGETS_NONDURABLE,
	DRAW_FIXED_COUNT = STROOM_DRAW_FIXED_COUNT,
	DRAW_MAX = STROOM_DRAW_MAX
};

typedef struct shared {
	const stroom_params *p;
	const int64_t *benefit;   /* [month][BEN_CELLS] eurocent incl. holiday allowance */
	const int64_t *norm;      /* [month][BEN_CELLS] the norm, for sanctions */
	const stroom_rules *rules;
	const int32_t *pension0;  /* pension month of each starting household */
	const int32_t *aow_entry; /* [month]: age in months at which people reach pension age */
	const int32_t *slots;     /* [month][instrument]: starts allowed */
	const stroom_households *h0;
	/* returns.start_pool: steady (NULL otherwise): the starting households that
	 * can leave in the first month, grouped by their hazard cell then
	 * (pool_first[c] .. pool_first[c + 1] - 1 in pool_order), and each
	 * replicate's count of pool members who return within the run */
	const int32_t *pool_first;
	const uint32_t *pool_order;
	const int32_t *pool_n;
	stroom_results *res;
	group_layout gl;
	size_t cap;
	int rep_first, rep_end;   /* the block of replicates computed */
	atomic_int next, done, cancel, failed;
	atomic_int stop;          /* cancel or failed: the workers stop within a month */
	char error[256];
	pthread_mutex_t error_lock;
} shared;

/* Index of the first cumulative share exceeding u (shares sum to 1). */
static inline int pick(const double *shares, int n, double u)
{
	double c = 0;
	int i;
	for (i = 0; i < n - 1; i++) {
		c += shares[i];
		if (u < c)
			return i;
	}
	return n - 1;
}

/* Age in months at which a band starts and ends (55+ ends at the pension age). */
static void age_band_bounds(int band, int32_t pension_months, int32_t *lo, int32_t *hi)
{
	static const int32_t lo_years[STROOM_NAGE] = {18, 27, 40, 55};
	static const int32_t hi_years[STROOM_NAGE] = {27, 40, 55, 0};
	*lo = lo_years[band] * 12;
	*hi = band == STROOM_AGE_55P ? pension_months : hi_years[band] * 12;
	if (*hi <= *lo)
		*hi = *lo + 1;
}

/* Does the selector admit household i in month m? */
static inline int selects(const stroom_selector *s, const workspace *w, size_t i, stroom_month m)
{
	return stroom_model_selects(s, w->dist[i], duration_band(w->spell[i], m), age_band(w->birth[i], m),
			       w->type[i], w->area[i], w->stream[i]);
}

static int compare_candidates(const void *a, const void *b)
{
	const candidate *x = a, *y = b;
	if (x->key != y->key)
		return x->key < y->key ? -1 : 1;
	return x->slot < y->slot ? -1 : x->slot > y->slot;
}

/* The parameters of one replicate: the scenario's with the replicate's draws v
 * (made before the run) applied, in the workspace's copy. */
static const stroom_params *replicate_params(const shared *sh, workspace *w, const double *v)
{
	stroom_params_apply_values(sh->p, v, w->params);
	return w->params;
}

#define COUNT(ind, g) (cm[(ind) * ng + (g)]++)

/* Fills g[6] with a household's group indexes in month m. */
static inline void groups_of(const group_layout *gl, const workspace *w, size_t i, stroom_month m,
			     int g[6])
{
	g[0] = 0;
	g[1] = gl->dist + w->dist[i];
	g[2] = gl->area + w->area[i];
	g[3] = gl->dur + duration_band(w->spell[i], m);
	g[4] = gl->age + age_band(w->birth[i], m);
	g[5] = gl->type + w->type[i];
}

/*
 * The candidate probabilities of one replicate (see docs/model.md, "Candidate
 * months"): for each month t and bound class (distance, age band, duration band,
 * part-time), an upper bound of the total probability of the events a household
 * of that class can have in month t (exits and a part-time change), whatever its
 * type, area, team or instrument; capped at MAX_EXIT_PROB like the events
 * themselves. Then the cumulative -log(1 - bound) per class, for drawing the next
 * candidate month at once. Instruments count only when they have places.
 */
static void replicate_bounds(const shared *sh, const stroom_params *p, const double *v, workspace *w,
			     int T)
{
	const int na = p->n_areas;
	const double tb = stroom_model_team_bound(p, v[DRAW_ELASTICITY]);
	double ib = 1.0;
	int t, d, a, u, ty, ar, pt, k, c;
	for (k = 0; k < p->n_instruments; k++) {
		const double *iv = v + DRAW_FIXED_COUNT + 3 * k;
		int used = 0;
		for (t = 0; t < T && !used; t++)
			used = sh->slots[(size_t)t * STROOM_MAX_INSTRUMENTS + (size_t)k] > 0;
		if (!used)
			continue;
		if (iv[0] > ib)
			ib = iv[0];
		if (iv[1] > ib)
			ib = iv[1];
	}
	for (t = 0; t < T; t++) {
		stroom_month m = sh->res->start + t;
		double tw = stroom_model_targets(stroom_model_targets_pressure(p, m), v[DRAW_TARGETS_WORK]);
		double *bt = w->bound + (size_t)t * NBOUND;
		stroom_model_month_hazards(p, m, w->haz);
		for (d = 0; d < STROOM_NDIST; d++)
		for (a = 0; a < STROOM_NAGE; a++)
		for (u = 0; u < STROOM_NDUR; u++)
		for (pt = 0; pt < 2; pt++) {
			double hw = 0, ho = 0, he = 0, b;
			for (ty = 0; ty < STROOM_NTYPE; ty++)
				for (ar = 0; ar < na; ar++) {
					c = cell_index(na, d, a, u, ty, ar, pt);
					if (w->haz[c][0] > hw)
						hw = w->haz[c][0];
					if (w->haz[c][1] > ho)
						ho = w->haz[c][1];
					if (w->haz[c][2] > he)
						he = w->haz[c][2];
				}
			hw *= (tw > 0 ? tw : 0) * tb * ib;
			b = hw * (1.0 + p->lks_share) + ho + he + (pt ? p->parttime_stop : p->parttime_start);
			/* a hair above the exact sum, so rounding never puts the events'
			 * probability above their bound; then capped like the events. An
			 * infinite or NaN sum (impossible within the schema's bounds) gives
			 * the cap: a bound errs on the high side. */
			b = b * (1.0 + 1e-12) + 1e-300;
			bt[bound_class(d, a, u, pt)] = b < MAX_EXIT_PROB ? b : MAX_EXIT_PROB;
		}
		/* a household's age and duration bands only rise within a spell: the
		 * bound of a class covers every later band too (a suffix maximum), so
		 * candidate months need no redraw when a band changes */
		for (d = 0; d < STROOM_NDIST; d++)
		for (pt = 0; pt < 2; pt++)
		for (a = STROOM_NAGE - 1; a >= 0; a--)
		for (u = STROOM_NDUR - 1; u >= 0; u--) {
			double *b = &bt[bound_class(d, a, u, pt)];
			if (a + 1 < STROOM_NAGE && bt[bound_class(d, a + 1, u, pt)] > *b)
				*b = bt[bound_class(d, a + 1, u, pt)];
			if (u + 1 < STROOM_NDUR && bt[bound_class(d, a, u + 1, pt)] > *b)
				*b = bt[bound_class(d, a, u + 1, pt)];
		}
	}
	for (c = 0; c < NBOUND; c++) {
		double *cum = w->cum + (size_t)c * ((size_t)T + 1);
		cum[0] = 0;
		for (t = 0; t < T; t++)
			cum[t + 1] = cum[t] - log1p(-w->bound[(size_t)t * NBOUND + (size_t)c]);
	}
}

/*
 * The first candidate month at or after `from` for bound class c: each month t
 * is a candidate with probability bound[t][c], independently, so the first one
 * is found at once by inverting the cumulative hazard with one uniform u: the
 * first t with cum[t + 1] - cum[from] >= -log(u). NEVER when none falls within
 * the horizon.
 */
static int32_t next_candidate(const workspace *w, int c, stroom_month from, double u)
{
	const stroom_month start = w->start;
	const int T = w->T;
	const double *cum = w->cum + (size_t)c * ((size_t)T + 1);
	int lo = from - start, hi = T;
	double target;
	if (lo >= T)
		return NEVER;
	if (lo < 0)
		lo = 0;
	target = cum[lo] - log(u);
	if (cum[T] < target)
		return NEVER;
	/* smallest k in (lo, T] with cum[k] >= target; the candidate month is k - 1 */
	lo++;
	while (lo < hi) {
		int mid = lo + (hi - lo) / 2;
		if (cum[mid] >= target)
			hi = mid;
		else
			lo = mid + 1;
	}
	return start + lo - 1;
}

/* Draws household i's next candidate month from month `from` on, for its bound
 * class in that month (kept in gcls); keyed by (i, from). */
static inline void draw_gap(workspace *w, size_t i, stroom_month from)
{
	double r[4];
	int c = bound_class(w->dist[i], age_band(w->birth[i], from), duration_band(w->spell[i], from),
			    w->pt[i]);
	stroom_rng_draw(w->key, w->urep, (uint32_t)i, (uint32_t)from, STROOM_PURPOSE_GAP, 0, r);
	w->next_ev[i] = next_candidate(w, c, from, r[0]);
	w->gcls[i] = (uint8_t)c;
}

/* The month of return after a non-durable exit in month m: a constant monthly
 * hazard lam from month m + 1 on, drawn at once (geometric). */
static inline int32_t return_month(const workspace *w, size_t i, stroom_month m, double lam)
{
	double r[4], g;
	if (lam <= 0.0)
		return NEVER;
	if (lam >= 1.0)
		return m + 1;
	stroom_rng_draw(w->key, w->urep, (uint32_t)i, (uint32_t)m, STROOM_PURPOSE_RETURN, 0, r);
	g = floor(log(r[0]) / log1p(-lam));
	return g >= (double)(NEVER - m - 1) ? NEVER : m + 1 + (int32_t)g;
}

/* The hazard cells of a run with n_areas areas (stroom_model_cell). */
static inline int n_cells(int n_areas)
{
	return NCELL_MAX / STROOM_MAX_AREAS * n_areas;
}

/*
 * returns.start_pool: steady (docs/model.md step 8): the pool's weights by
 * hazard cell, cum[c] the sum over the cells up to c of the starting households
 * in the cell (first[c + 1] - first[c]) times their probability of an exit to
 * work or with LKS in the first month (stroom_model_start_exit, the levers left
 * out). Returns the total, E, the expected such exits. haz: a hazard table,
 * overwritten.
 */
static double pool_weights(const stroom_params *p, const int32_t *first, double (*haz)[3],
			   double *cum)
{
	const int nc = n_cells(p->n_areas);
	double e = 0;
	int c;
	stroom_model_month_hazards(p, p->start, haz);
	for (c = 0; c < nc; c++) {
		int32_t n = first[c + 1] - first[c];
		if (n > 0)
			e += (double)n * stroom_model_start_exit(p, haz[c], c & 1);
		cum[c] = e;
	}
	return e;
}

/* The share of the pool that returns within the run's T months: a return
 * hazard lam from the first month on. */
static inline double pool_horizon(double lam, int T)
{
	return lam >= 1.0 ? 1.0 : lam > 0.0 ? -expm1((double)T * log1p(-lam)) : 0.0;
}

/* The mean count of pool members who return within the run: E q / lam (the
 * steady pool, stroom_model_start_pool_per_exit) times the share that returns
 * within its T months. */
static double pool_mean(const stroom_params *p, const int32_t *first, double (*haz)[3], double *cum,
			int T)
{
	double per = stroom_model_start_pool_per_exit(p);
	if (!(per > 0.0))
		return 0.0;
	return pool_weights(p, first, haz, cum) * per * pool_horizon(stroom_model_return_hazard(p), T);
}

/* Still needs a visit next month: on benefit, may return, or still paid for (LKS, aftercare). */
static inline int keep(const workspace *w, size_t i, stroom_month m)
{
	return w->status[i] != ST_GONE || w->lks_end[i] > m + 1 || (w->instr[i] && w->instr_end[i] > m + 1);
}

/*
 * The part of a month that follows a household's events (or the absence of them)
 * while it stays on benefit: an extra control, the distance drift, the start of
 * an instrument's after-effect, and a new candidate month when its class changed
 * or its candidate month has passed (redraw).
 */
static inline void stay(const stroom_params *p, workspace *w, size_t i, stroom_month m, int ki,
			double control_p, int redraw, const group_layout *gl, int32_t *cm, int64_t *mm)
{
	const int ng = gl->n;
	int g[6], q;
	if (control_p > 0.0) {
		/* a control finds an irregularity with probability control_p; of the
		 * findings a share ends the benefit, the rest get a sanction; each
		 * finding recovers money */
		double r[4];
		stroom_rng_draw(w->key, w->urep, (uint32_t)i, (uint32_t)m, STROOM_PURPOSE_CONTROL, 0, r);
		if (r[0] < control_p) {
			int64_t rec = p->enforcement_recovery_eurocent;
			int64_t *mr = mm + STROOM_MONEY_RECOVERIES * ng;
			groups_of(gl, w, i, m, g);
			for (q = 0; q < 6; q++)
				mr[g[q]] += rec;
			if (r[1] < p->enforcement_termination_share) {
				for (q = 0; q < 6; q++) {
					COUNT(STROOM_IND_EXIT_ENFORCEMENT, g[q]);
					COUNT(STROOM_IND_TERMINATIONS, g[q]);
				}
				w->status[i] = ST_GONE;
				w->instr_end[i] = NO_END;
				return;
			}
			if (p->enforcement_sanction_months > 0) {
				w->sanction_end[i] = m + 1 + p->enforcement_sanction_months;
				for (q = 0; q < 6; q++)
					COUNT(STROOM_IND_SANCTIONS, g[q]);
			}
		}
	}
	/* distance drift when the spell crosses the herijking's boundaries (9 and
	 * 24 months): a household still on benefit when work was expected is
	 * reassessed one class further; households assessed otherwise keep their
	 * class */
	{
		int to = stroom_model_drift(p, w->dist[i], m + 1 - stroom_model_clock_origin(p, w->spell[i]));
		if (to == STROOM_DIST_LONG && p->drift_long_share < 1.0) {
			/* only a share of those reaching the boundary drifts; the rest
			 * stay medium (and in their stream) */
			double r[4];
			stroom_rng_draw(w->key, w->urep, (uint32_t)i, (uint32_t)m, STROOM_PURPOSE_DRIFT, 0, r);
			if (!stroom_model_drift_long(p, r[0]))
				to = w->dist[i];
		}
		if (to != w->dist[i]) {
			w->dist[i] = (uint8_t)to;
			w->stream[i] = (uint8_t)stroom_model_drift_stream(w->stream[i], to);
			redraw = 1;
		}
	}
	/* an instrument that ends now starts its after-effect */
	if (ki >= 0 && w->instr_end[i] == m + 1)
		w->effect_end[i] = m + 1 + p->instrument[ki].effect_months;
	if (redraw)
		draw_gap(w, i, m + 1);
}

/*
 * After month m, for a household still on benefit: its group cell and benefit
 * class in month m + 1, and the first month from m + 1 on in which anything
 * about it can change, so the months before are a counted stock and a paid
 * benefit and nothing else (the fast path of pass 1). Changes: its candidate
 * month, an age or duration band or the benefit's age class (21) starting, a
 * drift (at the end of its month), pension, the end of a sanction, the
 * disregard months of part-time work running, an instrument or its
 * after-effect.
 */
static inline void refresh(const stroom_params *p, workspace *w, size_t i, stroom_month m)
{
	static const int32_t dur_at[] = {12, 24, 60};
	static const int32_t age_at[] = {21 * 12, 27 * 12, 40 * 12, 55 * 12};
	const stroom_month n1 = m + 1;
	const int32_t birth = w->birth[i], spell = w->spell[i];
	const int32_t origin = stroom_model_clock_origin(p, spell);
	int32_t nc = w->pension[i] < w->next_ev[i] ? w->pension[i] : w->next_ev[i], e;
	int sanctioned = w->sanction_end[i] > n1;
	size_t k;
	w->ccell[i] = (uint16_t)count_cell(group_cell(p->n_areas, w->dist[i], age_band(birth, n1),
						      duration_band(spell, n1), w->type[i], w->area[i]),
					   w->pt[i], w->stream[i]);
	w->bcls[i] = (uint8_t)(ben_cell(w->type[i], n1 - birth, w->pt[i], w->ptm[i]) +
			       (sanctioned ? BEN_CELLS : 0));
	for (k = 0; k < STROOM_ARRAY_LEN(dur_at); k++)
		if ((e = spell + dur_at[k]) >= n1 && e < nc)
			nc = e;
	for (k = 0; k < STROOM_ARRAY_LEN(age_at); k++)
		if ((e = birth + age_at[k]) >= n1 && e < nc)
			nc = e;
	if (w->dist[i] == STROOM_DIST_SHORT && (e = origin + p->drift_short_months - 1) >= n1 && e < nc)
		nc = e;
	if (w->dist[i] == STROOM_DIST_MEDIUM && (e = origin + p->drift_medium_months - 1) >= n1 && e < nc)
		nc = e;
	if (sanctioned && w->sanction_end[i] < nc)
		nc = w->sanction_end[i];
	if ((w->pt[i] && w->ptm[i] < BEN_DISREGARD_MONTHS) ||
	    (w->instr[i] && (w->instr_end[i] >= n1 || w->effect_end[i] > n1)))
		nc = n1;
	w->next_chg[i] = nc < n1 ? n1 : nc;
}

/*
 * One replicate's constants and what carries from month to month (the parts of
 * run_replicate below share it).
 */
typedef struct replicate {
	shared *sh;
	workspace *w;
	stroom_results *res;
	const stroom_params *p;  /* the replicate's parameters, its draws applied */
	const double *v;         /* its draws (prior.c's order, the DRAW_* above) */
	group_layout gl;
	int rep, ng, na, T, NT, NI;
	int ngc;                 /* group cells with na areas */
	double lam;              /* the return hazard (model.h) */
	size_t n;                /* household slots in use */
	int prev_exits;          /* last month's exits to work or with LKS (aftercare) */
	int prev_stock;          /* the stock on the 1st of last month, all (controls) */
} replicate;

/* One month's tables and what its parts hand on to each other. */
typedef struct month_ctx {
	stroom_month m;
	int t;
	int32_t *cm;             /* the month's counts [indicator][group] */
	int64_t *mm;             /* the month's money [money][group] */
	int32_t *ipart, *istart; /* instruments' participants and starts */
	const int64_t *ben;      /* [BEN_CELLS]: the month's benefit by class */
	const int64_t *nrm;      /* [BEN_CELLS]: the norm, for sanctions */
	int64_t bens[2 * BEN_CELLS]; /* by cached class: as paid, then less a sanction */
	const double *bound;     /* [bound class]: the candidate probabilities */
	double tw, tnd;          /* the targets' multipliers (work, non-durable share) */
	double control_p;        /* the enforcement lever's control probability */
	int slow_month;          /* every household takes the slow path (controls) */
	double team_mult[STROOM_MAX_TEAMS];
	double aftercare_cover[STROOM_MAX_INSTRUMENTS];
	int32_t clients[STROOM_MAX_TEAMS + 1]; /* [0]: no team */
	size_t nn;               /* households on next month's active list */
	size_t nev;              /* the month's candidates (in w->cand) */
	int exits;               /* exits to work or with LKS */
} month_ctx;

/*
 * returns.start_pool: steady: the replicate's nm pool members who return within
 * the run, off benefit after a non-durable exit before the start, in the slots
 * after the starting households. Member j's draws are keyed by (j, the start
 * month, STROOM_PURPOSE_START_POOL): its household of origin, picked with
 * probability in proportion to its exit probability in the first month, whose
 * birth month (and so pension month), type and area it takes; and its month of
 * return, the geometric time of step 8 from the first month on (a return in the
 * first month at the earliest: the exits were before the start), conditioned on
 * a return within the run. On return it is as any returner (step 8).
 */
static void pool_start(replicate *r, workspace *w, size_t nm)
{
	const shared *sh = r->sh;
	const stroom_params *p = r->p;
	const stroom_month start = w->start;
	const int nc = n_cells(r->na);
	const double lam = r->lam, hz = pool_horizon(lam, r->T);
	const double e = pool_weights(p, sh->pool_first, w->haz, w->pool_cum);
	const int rd = stroom_model_return_distance(p);
	size_t j, i;
	for (j = 0; j < nm; j++) {
		double u[4], x, g;
		int lo = 0, hi = nc - 1, c;
		int32_t n, k;
		uint32_t h;
		stroom_rng_draw(w->key, w->urep, (uint32_t)j, (uint32_t)start, STROOM_PURPOSE_START_POOL, 0, u);
		/* the first cell whose cumulative weight exceeds u e */
		x = u[0] * e;
		while (lo < hi) {
			int mid = lo + (hi - lo) / 2;
			if (w->pool_cum[mid] > x)
				hi = mid;
			else
				lo = mid + 1;
		}
		c = lo;
		n = sh->pool_first[c + 1] - sh->pool_first[c];
		k = (int32_t)(u[1] * (double)n);
		h = sh->pool_order[sh->pool_first[c] + (k < n ? k : n - 1)];
		i = r->n + j;
		w->birth[i] = sh->h0->birth_month[h];
		w->pension[i] = sh->pension0[h];
		w->type[i] = sh->h0->type[h];
		w->area[i] = sh->h0->area[h];
		w->spell[i] = start;
		w->dist[i] = (uint8_t)rd;
		w->stream[i] = (uint8_t)stroom_model_return_stream(rd);
		w->pt[i] = 0;
		w->ptm[i] = 0;
		w->status[i] = ST_OFF_NONDURABLE;
		w->lks_end[i] = 0; /* an LKS before the start is not in the model */
		w->instr[i] = 0;
		w->instr_end[i] = w->effect_end[i] = w->sanction_end[i] = NO_END;
		w->next_chg[i] = start;
		/* the month of return: 1 - (1 - lam)^(g + 1) is the share returned by
		 * month g, so g = floor(log(1 - u hz) / log(1 - lam)) given a return
		 * within the run's months (hz) */
		g = lam >= 1.0 ? 0.0 : floor(log1p(-u[2] * hz) / log1p(-lam));
		w->next_ev[i] = start + (g < (double)(r->T - 1) ? (int32_t)g : r->T - 1);
		w->act[w->n_act++] = (uint32_t)i;
	}
	r->n += nm;
}

/* The replicate's start: its parameters and candidate probabilities, and the
 * starting households copied into the workspace, each with its first candidate
 * month; then the pool off benefit (returns.start_pool). */
static void replicate_start(replicate *r, shared *sh, workspace *w, int rep)
{
	stroom_results *res = sh->res;
	const double *v = res->drawn + (size_t)rep * (size_t)res->draw_stride;
	const stroom_params *p = replicate_params(sh, w, v); /* this replicate's draws */
	const stroom_households *h0 = sh->h0;
	const size_t n = h0->n;
	size_t i;
	r->sh = sh;
	r->w = w;
	r->res = res;
	r->p = p;
	r->v = v;
	r->gl = sh->gl;
	r->rep = rep;
	r->ng = sh->gl.n;
	r->na = p->n_areas;
	r->T = res->months;
	r->NT = p->n_teams;
	r->NI = p->n_instruments;
	r->ngc = NGC_MAX / STROOM_MAX_AREAS * p->n_areas;
	r->lam = stroom_model_return_hazard(p);
	r->n = n;
	r->prev_exits = 0;
	r->prev_stock = (int)n;

	w->start = res->start;
	w->T = r->T;
	w->key = stroom_rng_key(p->seed);
	w->urep = (uint32_t)rep;
	replicate_bounds(sh, p, v, w, r->T);
	memcpy(w->birth, h0->birth_month, n * sizeof(int32_t));
	memcpy(w->spell, h0->spell_start, n * sizeof(int32_t));
	memcpy(w->type, h0->type, n);
	memcpy(w->area, h0->area, n);
	memcpy(w->dist, h0->distance, n);
	memcpy(w->stream, h0->stream, n);
	memcpy(w->pt, h0->parttime, n);
	memset(w->status, ST_ON, n);
	memset(w->lks_end, 0, n * sizeof(int32_t));
	memcpy(w->pension, sh->pension0, n * sizeof(int32_t));
	/* starting part-timers are taken to have used their disregard months already */
	memset(w->ptm, BEN_DISREGARD_MONTHS, n);
	memset(w->instr, 0, n);
	w->act = w->act_block; /* a replicate starts from the block's first half */
	w->act_next = w->act_block + w->cap;
	for (i = 0; i < n; i++) {
		w->instr_end[i] = w->effect_end[i] = w->sanction_end[i] = NO_END;
		w->next_chg[i] = res->start; /* the first month takes the slow path */
		w->act[i] = (uint32_t)i;
		draw_gap(w, i, res->start);
	}
	w->n_act = n;
	if (sh->pool_n && sh->pool_n[rep] > 0)
		pool_start(r, w, (size_t)sh->pool_n[rep]);
}

/*
 * The month's setup (docs/model.md step 1 and the levers of docs/policy.md):
 * where its counts go, the hazard table, which team serves which cell,
 * aftercare's cover, the targets' multipliers, the control probability and the
 * benefit by class.
 */
static void month_setup(const replicate *r, month_ctx *mo, int t)
{
	const shared *sh = r->sh;
	const stroom_params *p = r->p;
	const double *v = r->v;
	stroom_results *res = r->res;
	workspace *w = r->w;
	const size_t rt = (size_t)r->rep * (size_t)r->T + (size_t)t, ng = (size_t)r->ng;
	const stroom_month m = res->start + t;
	double pressure;
	int k;
	mo->m = m;
	mo->t = t;
	mo->cm = res->counts + rt * STROOM_NIND * ng;
	mo->mm = res->money + rt * STROOM_NMONEY * ng;
	mo->ipart = res->ipart + rt * STROOM_MAX_INSTRUMENTS;
	mo->istart = res->istart + rt * STROOM_MAX_INSTRUMENTS;
	mo->ben = sh->benefit + (size_t)t * BEN_CELLS;
	mo->nrm = sh->norm + (size_t)t * BEN_CELLS;
	mo->bound = w->bound + (size_t)t * NBOUND;
	mo->nn = 0;
	mo->nev = 0;
	mo->exits = 0;
	stroom_model_month_hazards(p, m, w->haz);
	if (r->NT > 0) {
		stroom_model_team_table(p, m, w->teamtab);
		memset(mo->clients, 0, sizeof mo->clients);
	}
	/* aftercare: the share of this month's exits to work it can take */
	for (k = 0; k < r->NI; k++)
		mo->aftercare_cover[k] = stroom_model_aftercare_cover(
			p->instrument[k].after_exit, sh->slots[(size_t)t * STROOM_MAX_INSTRUMENTS + (size_t)k],
			r->prev_exits);
	pressure = stroom_model_targets_pressure(p, m);
	mo->tw = stroom_model_targets(pressure, v[DRAW_TARGETS_WORK]);
	mo->tnd = stroom_model_targets(pressure, v[DRAW_TARGETS_NONDURABLE]);
	mo->control_p = stroom_model_control_prob(p, m, r->prev_stock, v[DRAW_DETECTION]);
	/* the month's benefit by cached class: [0, BEN_CELLS) as paid, then the
	 * same classes less a sanction (a share of the norm) */
	for (k = 0; k < BEN_CELLS; k++) {
		mo->bens[k] = mo->ben[k];
		mo->bens[BEN_CELLS + k] = stroom_model_sanctioned(p, mo->ben[k], mo->nrm[k]);
	}
	mo->slow_month = mo->control_p > 0.0;
}

/*
 * Pass 1 (docs/model.md steps 2, 2b, 3 and 8; 7 and the controls for those that
 * are not candidates): every active household. On benefit: counted in the stock
 * by count cell and paid; when nothing can change this month that is all (the
 * fast path); otherwise pension, the rest of its month, and onto the candidate
 * list when this is its candidate month. Off benefit: LKS and aftercare paid,
 * and a return in the month drawn at the exit. Households still active go onto
 * next month's list.
 */
static void pass1(const replicate *r, month_ctx *mo)
{
	const stroom_params *p = r->p;
	workspace *w = r->w;
	const group_layout gl = r->gl;
	const int ng = gl.n, na = r->na;
	const stroom_month m = mo->m;
	int32_t *const cm = mo->cm;
	int64_t *const mm = mo->mm;
	int32_t *const ipart = mo->ipart;
	const int64_t *const ben = mo->ben, *const nrm = mo->nrm, *const bens = mo->bens;
	const double control_p = mo->control_p;
	const int slow_month = mo->slow_month;
	uint32_t *const evlist = (uint32_t *)(void *)w->cand;
	uint32_t *const act = w->act, *const act_next = w->act_next;
	const size_t n_act = w->n_act;
	size_t nn = 0, nev = 0, i, ii;
	/* the workspace's arrays as locals: stores through uint8_t pointers could
	 * otherwise alias the workspace's fields and force reloads every household */
	int32_t *const birth = w->birth, *const spell = w->spell, *const lks_end = w->lks_end;
	int32_t *const pension = w->pension, *const instr_end = w->instr_end;
	int32_t *const effect_end = w->effect_end, *const sanction_end = w->sanction_end;
	int32_t *const next_ev = w->next_ev, *const next_chg = w->next_chg;
	const uint16_t *const ccell = w->ccell;
	const uint8_t *const bcls = w->bcls;
	uint8_t *const type = w->type, *const area = w->area, *const dist = w->dist;
	uint8_t *const stream = w->stream, *const pt = w->pt, *const status = w->status;
	uint8_t *const ptm = w->ptm, *const instr = w->instr;
	int32_t *const gcase = w->gcase;
	int64_t *const gben = w->gben, *const ginstr = w->ginstr;

	for (ii = 0; ii < n_act; ii++) {
		uint8_t st;
		int32_t age_m;
		int a, u, g[6], q, ki, cc, gc;
		i = act[ii];
		st = status[i];
		if (st == ST_ON && m < next_chg[i] && !slow_month) {
			/* the fast path: nothing can change this month; count and pay
			 * by the cached cell and class */
			const int c = ccell[i];
			gcase[c]++;
			gben[c] += bens[bcls[i]];
			act_next[nn++] = (uint32_t)i;
			continue;
		}
		if (st != ST_ON) {
			if (lks_end[i] > m) {
				/* the wage-cost subsidy runs on after an exit with LKS;
				 * counted by the household's area, age band and type */
				const int64_t c = p->lks_cost_eurocent;
				int64_t *ml = mm + STROOM_MONEY_LKS * ng;
				ml[0] += c;
				ml[gl.area + area[i]] += c;
				ml[gl.age + age_band(birth[i], m)] += c;
				ml[gl.type + type[i]] += c;
			}
			if (instr[i] && instr_end[i] > m) {
				/* aftercare after an exit: participants and cost */
				int64_t c = p->instrument[instr[i] - 1].cost_eurocent;
				int64_t *mi = mm + STROOM_MONEY_INSTRUMENTS * ng;
				ipart[instr[i] - 1]++;
				mi[0] += c;
				mi[gl.area + area[i]] += c;
				mi[gl.age + age_band(birth[i], m)] += c;
				mi[gl.type + type[i]] += c;
			}
			if (st == ST_OFF_NONDURABLE) {
				if (m >= pension[i]) {
					status[i] = ST_GONE;
				} else if (next_ev[i] == m) {
					/* returns: on benefit from the 1st of next month */
					status[i] = ST_ON;
					spell[i] = m + 1;
					dist[i] = (uint8_t)stroom_model_return_distance(p);
					stream[i] = (uint8_t)stroom_model_return_stream(dist[i]);
					pt[i] = 0;
					ptm[i] = 0;
					lks_end[i] = 0;
					instr[i] = 0;
					instr_end[i] = effect_end[i] = sanction_end[i] = NO_END;
					groups_of(&gl, w, i, m, g);
					g[3] = gl.dur + STROOM_DUR_LT1;
					for (q = 0; q < 6; q++)
						COUNT(STROOM_IND_INFLOW_RETURN, g[q]);
					draw_gap(w, i, m + 1);
					next_chg[i] = m + 1;
				}
			}
			if (keep(w, i, m))
				act_next[nn++] = (uint32_t)i;
			continue;
		}

		/* on benefit: the stock on the 1st of the month, by group cell */
		age_m = m - birth[i];
		a = age_band(birth[i], m);
		u = duration_band(spell[i], m);
		gc = group_cell(na, dist[i], a, u, type[i], area[i]);
		cc = count_cell(gc, pt[i], stream[i]);
		gcase[cc]++;
		{ /* this month's benefit, paid to everyone on benefit on the 1st,
		     less a sanction (a share of the norm) while one runs */
			int bc = ben_cell(type[i], age_m, pt[i], ptm[i]);
			int64_t amount = ben[bc];
			if (sanction_end[i] > m)
				amount = stroom_model_sanctioned(p, amount, nrm[bc]);
			gben[cc] += amount;
			if (pt[i] && ptm[i] < 255)
				ptm[i]++;
		}
		ki = instr[i] ? instr[i] - 1 : -1;
		if (ki >= 0 && instr_end[i] > m) {
			ipart[ki]++;
			ginstr[cc] += p->instrument[ki].cost_eurocent;
		}
		if (m >= pension[i]) {
			status[i] = ST_GONE;
			groups_of(&gl, w, i, m, g);
			for (q = 0; q < 6; q++)
				COUNT(STROOM_IND_EXIT_PENSION, g[q]);
			if (keep(w, i, m))
				act_next[nn++] = (uint32_t)i;
			continue;
		}
		act_next[nn++] = (uint32_t)i;
		if (next_ev[i] == m) {
			evlist[nev++] = (uint32_t)i; /* its events are drawn in pass 2 */
			continue;
		}
		/* the rest of the month, when anything can happen in it */
		if (control_p > 0.0 || (ki >= 0 && instr_end[i] == m + 1) ||
		    stroom_model_drift(p, dist[i], m + 1 - stroom_model_clock_origin(p, spell[i])) != dist[i])
			stay(p, w, i, m, ki, control_p, 0, &gl, cm, mm);
		if (status[i] == ST_ON)
			refresh(p, w, i, m);
	}
	mo->nn = nn;
	mo->nev = nev;
}

/* The teams (docs/policy.md, capacity): each team's clients on the 1st from the
 * stock by count cell, and its intensity multiplier on the work hazard. */
static void teams(const replicate *r, month_ctx *mo)
{
	const stroom_params *p = r->p;
	const workspace *w = r->w;
	const uint8_t *const teamtab = w->teamtab;
	const int32_t *const gcase = w->gcase;
	int32_t *const clients = mo->clients;
	const size_t rt = (size_t)r->rep * (size_t)r->T + (size_t)mo->t;
	int c, k, ncc = 2 * STROOM_NSTREAM * r->ngc;
	if (r->NT <= 0)
		return;
	for (c = 0; c < ncc; c++) /* slot 0: no team */
		clients[teamtab[(c / (2 * STROOM_NSTREAM)) * STROOM_NSTREAM + c % STROOM_NSTREAM]] +=
			gcase[c];
	for (k = 0; k < r->NT; k++) {
		double fte = stroom_series_at(&p->team[k].fte, mo->m, 0.0);
		int32_t nk = clients[k + 1];
		mo->team_mult[k] = stroom_model_team_multiplier(
			stroom_model_team_intensity(p->team[k].reference, fte, nk,
						    p->capacity_intensity_cap),
			r->v[DRAW_ELASTICITY]);
		r->res->team[rt * STROOM_MAX_TEAMS + (size_t)k] = nk;
	}
}

/*
 * Pass 2 (docs/model.md steps 4-7): the candidates' events. One competing-risk
 * draw among exit to work, exit with LKS, other exit, enforcement and a
 * part-time change, each with its probability this month (model.h); the rest
 * of the candidate probability is no event. After an exit to work or with LKS:
 * aftercare where it has room, and durability.
 */
static void pass2(const replicate *r, month_ctx *mo)
{
	const stroom_params *p = r->p;
	const double *const v = r->v;
	workspace *w = r->w;
	const group_layout gl = r->gl;
	const int ng = gl.n, na = r->na, NT = r->NT, NI = r->NI;
	const stroom_month m = mo->m;
	const philox4x32_key_t key = w->key;
	const uint32_t urep = w->urep;
	int32_t *const cm = mo->cm;
	int64_t *const mm = mo->mm;
	int32_t *const istart = mo->istart;
	const double *const bound = mo->bound;
	const double tw = mo->tw, tnd = mo->tnd, control_p = mo->control_p, lam = r->lam;
	const uint32_t *const evlist = (const uint32_t *)(const void *)w->cand;
	const size_t nev = mo->nev;
	int32_t *const birth = w->birth, *const spell = w->spell, *const lks_end = w->lks_end;
	int32_t *const instr_end = w->instr_end, *const effect_end = w->effect_end;
	int32_t *const next_ev = w->next_ev, *const next_chg = w->next_chg;
	uint8_t *const type = w->type, *const area = w->area, *const dist = w->dist;
	uint8_t *const stream = w->stream, *const pt = w->pt, *const status = w->status;
	uint8_t *const ptm = w->ptm, *const instr = w->instr;
	const uint8_t *const teamtab = w->teamtab;
	int exits = 0, k;
	size_t e, i;

	for (e = 0; e < nev; e++) {
		double aft = 1.0;
		double r4[4], hw, nd, dur, x, b, th[5];
		const double *hz;
		int a, u, g[6], q, ev, ki, phase, gc;
		i = evlist[e];
		a = age_band(birth[i], m);
		u = duration_band(spell[i], m);
		gc = group_cell(na, dist[i], a, u, type[i], area[i]);
		ki = instr[i] ? instr[i] - 1 : -1;
		stroom_rng_draw(key, urep, (uint32_t)i, (uint32_t)m, STROOM_PURPOSE_EXIT, 0, r4);
		hz = w->haz[gc * 2 + pt[i]];
		hw = hz[0] * tw;
		if (NT > 0) {
			int tm = teamtab[gc * STROOM_NSTREAM + stream[i]];
			if (tm)
				hw *= mo->team_mult[tm - 1];
		}
		dur = 1.0;
		if (ki >= 0) {
			const double *iv = v + DRAW_FIXED_COUNT + 3 * ki;
			phase = instr_end[i] > m ? STROOM_MODEL_INSTR_LOCKIN
			      : effect_end[i] > m ? STROOM_MODEL_INSTR_AFTER : STROOM_MODEL_INSTR_NONE;
			hw *= stroom_model_instrument_work(phase, iv[0], iv[1]);
			dur = stroom_model_instrument_nondurable(phase, iv[2]);
		}
		/* the competing risks (model.h) */
		stroom_model_risks(p, hw, hz[1], hz[2], pt[i], th);
		/* the cumulative thresholds, clamped to the candidate probability
		 * b: b bounds the scaled sum (replicate_bounds), but where both are
		 * at MAX_EXIT_PROB, tot * (MAX_EXIT_PROB / tot) can round one ulp
		 * above it; the clamp makes x < b decide it, which it always does
		 * (x = u b with u < 1), so the draw is the same and the bound holds
		 * exactly */
		b = bound[w->gcls[i]];
		for (q = 0; q < 5; q++)
			if (th[q] > b)
				th[q] = b;
		x = r4[0] * b;
		ev = x < th[0] ? STROOM_IND_EXIT_WORK
		   : x < th[1] ? STROOM_IND_EXIT_LKS
		   : x < th[2] ? STROOM_IND_EXIT_OTHER
		   : x < th[3] ? STROOM_IND_EXIT_ENFORCEMENT
		   : x < th[4] ? STROOM_IND_PARTTIME : -1;
		if (ev == STROOM_IND_PARTTIME) {
			pt[i] ^= 1;
			ptm[i] = 0;
			ev = -1;
		}
		next_chg[i] = m + 1; /* next month takes the slow path */
		if (ev < 0) {
			stay(p, w, i, m, ki, control_p, 1, &gl, cm, mm);
			continue;
		}
		groups_of(&gl, w, i, m, g);
		for (q = 0; q < 6; q++)
			COUNT(ev, g[q]);
		instr_end[i] = NO_END;
		if (ev == STROOM_IND_EXIT_WORK || ev == STROOM_IND_EXIT_LKS) {
			exits++;
			/* aftercare, where an instrument offers it and has room */
			for (k = 0; k < NI; k++) {
				double r2[4];
				if (mo->aftercare_cover[k] <= 0.0)
					continue;
				stroom_rng_draw(key, urep, (uint32_t)i, (uint32_t)m, STROOM_PURPOSE_POLICY,
						(uint32_t)k + 1, r2);
				if (r2[0] < mo->aftercare_cover[k] &&
				    selects(&p->instrument[k].eligible, w, i, m)) {
					instr[i] = (uint8_t)(k + 1);
					instr_end[i] = m + 1 + p->instrument[k].duration_months;
					effect_end[i] = NO_END;
					istart[k]++;
					aft = v[DRAW_FIXED_COUNT + 3 * k + 2];
					break;
				}
			}
		}
		/* durability (step 5) */
		nd = stroom_model_nondurable(p, tnd, dur, aft);
		if ((ev == STROOM_IND_EXIT_WORK || ev == STROOM_IND_EXIT_LKS) && r4[2] < nd) {
			status[i] = ST_OFF_NONDURABLE;
			next_ev[i] = return_month(w, i, m, lam);
		} else {
			status[i] = ST_GONE;
		}
		if (ev == STROOM_IND_EXIT_LKS)
			lks_end[i] = stroom_model_lks_end(p, m);
	}
	mo->exits = exits;
}

/* The month's stock, part-timers and payments by count cell into the groups
 * (step 2), and the cells cleared for next month. */
static void stock_into_groups(const replicate *r, month_ctx *mo)
{
	const group_layout gl = r->gl;
	const int ng = gl.n, na = r->na;
	workspace *w = r->w;
	const int32_t *const gcase = w->gcase;
	const int64_t *const gben = w->gben, *const ginstr = w->ginstr;
	int32_t *cc = mo->cm + STROOM_IND_CASELOAD * ng, *cp = mo->cm + STROOM_IND_PARTTIME * ng;
	int64_t *mb = mo->mm + STROOM_MONEY_BENEFIT * ng, *mi = mo->mm + STROOM_MONEY_INSTRUMENTS * ng;
	int d, a, u, ty, ar;
	for (d = 0; d < STROOM_NDIST; d++)
	for (a = 0; a < STROOM_NAGE; a++)
	for (u = 0; u < STROOM_NDUR; u++)
	for (ty = 0; ty < STROOM_NTYPE; ty++)
	for (ar = 0; ar < na; ar++) {
		const int g[6] = {0, gl.dist + d, gl.area + ar, gl.dur + u, gl.age + a, gl.type + ty};
		int q, c, c0 = count_cell(group_cell(na, d, a, u, ty, ar), 0, 0);
		int32_t n_all = 0, n_pt = 0;
		int64_t b_all = 0, i_all = 0;
		for (c = c0; c < c0 + 2 * STROOM_NSTREAM; c++) {
			n_all += gcase[c];
			b_all += gben[c];
			i_all += ginstr[c];
			if (c >= c0 + STROOM_NSTREAM)
				n_pt += gcase[c];
		}
		if (!n_all)
			continue;
		for (q = 0; q < 6; q++) {
			cc[g[q]] += n_all;
			cp[g[q]] += n_pt;
			mb[g[q]] += b_all;
			mi[g[q]] += i_all;
		}
	}
	memset(w->gcase, 0, 2 * STROOM_NSTREAM * (size_t)r->ngc * sizeof *w->gcase);
	memset(w->gben, 0, 2 * STROOM_NSTREAM * (size_t)r->ngc * sizeof *w->gben);
	memset(w->ginstr, 0, 2 * STROOM_NSTREAM * (size_t)r->ngc * sizeof *w->ginstr);
}

/* Instruments on benefit (docs/policy.md): this month's starts go to eligible
 * households on next month's list not in an instrument, by the instrument's
 * priority rule. */
static void instrument_starts(const replicate *r, month_ctx *mo)
{
	const stroom_params *p = r->p;
	workspace *w = r->w;
	const stroom_month m = mo->m;
	const uint32_t um = (uint32_t)m;
	const int na = r->na;
	int32_t *const birth = w->birth, *const spell = w->spell;
	int32_t *const instr_end = w->instr_end, *const effect_end = w->effect_end;
	int32_t *const next_chg = w->next_chg;
	const uint8_t *const type = w->type, *const area = w->area, *const dist = w->dist;
	const uint8_t *const pt = w->pt, *const status = w->status;
	uint8_t *const instr = w->instr;
	int k;
	for (k = 0; k < r->NI; k++) {
		const stroom_instrument *ins = &p->instrument[k];
		int32_t s = r->sh->slots[(size_t)mo->t * STROOM_MAX_INSTRUMENTS + (size_t)k];
		size_t nc = 0, c, ii, i;
		if (ins->after_exit || s <= 0)
			continue;
		for (ii = 0; ii < mo->nn; ii++) {
			double rk[4];
			i = w->act_next[ii];
			if (status[i] != ST_ON || instr_end[i] > m + 1 || !selects(&ins->eligible, w, i, m + 1))
				continue;
			stroom_rng_draw(w->key, w->urep, (uint32_t)i, um, STROOM_PURPOSE_POLICY, 0, rk);
			w->cand[nc].slot = (uint32_t)i;
			if (ins->priority == STROOM_PRIORITY_DURATION) /* shortest spell first */
				w->cand[nc].key = (float)((m + 1 - spell[i]) + 0.5 * rk[0]);
			else if (ins->priority == STROOM_PRIORITY_GAIN) /* highest work hazard first */
				/* ties in random order: a relative perturbation of at most
				 * 1e-5, above float's resolution; the hazard clamped as
				 * the draw takes it, so a key is never NaN */
				w->cand[nc].key = (float)(-stroom_model_hazard_clamp(
					w->haz[cell_index(na, dist[i], age_band(birth[i], m),
							  duration_band(spell[i], m), type[i], area[i],
							  pt[i])][0]) * (1.0 + 1e-5 * rk[0]));
			else /* first come: in a random arrival order */
				w->cand[nc].key = (float)rk[0];
			nc++;
		}
		if ((size_t)s < nc)
			qsort(w->cand, nc, sizeof *w->cand, compare_candidates);
		for (c = 0; c < nc && c < (size_t)s; c++) {
			uint32_t h = w->cand[c].slot;
			instr[h] = (uint8_t)(k + 1);
			instr_end[h] = m + 1 + ins->duration_months;
			effect_end[h] = NO_END;
			next_chg[h] = m + 1; /* in an instrument: the slow path */
			mo->istart[k]++;
		}
	}
}

/*
 * New households (docs/model.md step 9): a Poisson count, then each one's
 * composition, the gate and prevention; those that pass are on benefit from the
 * 1st of next month. Returns 0, or STROOM_ERROR when the inflow outgrows the
 * workspace (detail set in sh).
 */
static int new_households(replicate *r, month_ctx *mo)
{
	shared *sh = r->sh;
	const stroom_params *p = r->p;
	const double *const v = r->v;
	workspace *w = r->w;
	const group_layout gl = r->gl;
	const int ng = gl.n, na = r->na, t = mo->t;
	const stroom_month m = mo->m;
	const uint32_t um = (uint32_t)m;
	const philox4x32_key_t key = w->key;
	const uint32_t urep = w->urep;
	const double search = stroom_model_gate_search(p, v[DRAW_SEARCH_EFFECT]);
	const double prevent = stroom_model_prevention_prob(p, m, v[DRAW_PREVENTION]);
	int32_t *const cm = mo->cm;
	int32_t *const birth = w->birth, *const spell = w->spell, *const lks_end = w->lks_end;
	int32_t *const pension = w->pension, *const instr_end = w->instr_end;
	int32_t *const effect_end = w->effect_end, *const sanction_end = w->sanction_end;
	int32_t *const next_chg = w->next_chg;
	uint8_t *const type = w->type, *const area = w->area, *const dist = w->dist;
	uint8_t *const stream = w->stream, *const pt = w->pt, *const status = w->status;
	uint8_t *const ptm = w->ptm, *const instr = w->instr;
	size_t n = r->n;
	unsigned n_new, j;

	stroom_gsl_philox_stream(&w->gsl, p->seed, urep, INFLOW_HOUSEHOLD, um,
				 STROOM_PURPOSE_INFLOW_COUNT);
	n_new = gsl_ran_poisson(&w->gsl.rng, stroom_model_inflow_mean(p, m));
	if (n + n_new > w->cap) {
		pthread_mutex_lock(&sh->error_lock);
		snprintf(sh->error, sizeof sh->error,
			 "replicate %d: inflow exceeded the workspace of %zu households", r->rep, w->cap);
		pthread_mutex_unlock(&sh->error_lock);
		return STROOM_ERROR;
	}
	for (j = 0; j < n_new; j++) {
		double r1[4], r2[4];
		int a, g[6], q;
		int32_t lo, hi, age_m;
		stroom_rng_draw(key, urep, NEW_ID(j), um, STROOM_PURPOSE_NEW, 0, r1);
		stroom_rng_draw(key, urep, NEW_ID(j), um, STROOM_PURPOSE_NEW, 1, r2);
		a = pick(p->inflow_age, STROOM_NAGE, r1[0]);
		age_band_bounds(a, sh->aow_entry[t], &lo, &hi);
		age_m = lo + (int32_t)(r2[0] * (double)(hi - lo));
		birth[n] = m + 1 - age_m;
		spell[n] = m + 1;
		pension[n] = birth[n] + stroom_rules_pension_age_months(sh->rules, birth[n]);
		type[n] = (uint8_t)pick(p->inflow_type, STROOM_NTYPE, r1[1]);
		area[n] = (uint8_t)pick(p->inflow_area, na, r1[2]);
		dist[n] = (uint8_t)pick(p->inflow_distance, STROOM_NDIST, r1[3]);
		stream[n] = (uint8_t)stroom_model_entry_stream(a, dist[n]);
		pt[n] = 0;
		ptm[n] = 0;
		lks_end[n] = 0;
		instr[n] = 0;
		instr_end[n] = effect_end[n] = sanction_end[n] = NO_END;
		groups_of(&gl, w, n, m + 1, g);
		/* the gate: the search period for a share of the young, selection */
		if ((a == STROOM_AGE_LT27 && r2[1] < search) || r2[2] < v[DRAW_SELECTION]) {
			for (q = 0; q < 6; q++)
				COUNT(STROOM_IND_GATE_DETERRED, g[q]);
			continue;
		}
		/* prevention reaches a share of its target group */
		if (r2[3] < prevent && selects(&p->prevention_target, w, n, m + 1)) {
			for (q = 0; q < 6; q++)
				COUNT(STROOM_IND_INFLOW_PREVENTED, g[q]);
			continue;
		}
		status[n] = ST_ON;
		draw_gap(w, n, m + 1);
		next_chg[n] = m + 1;
		for (q = 0; q < 6; q++)
			COUNT(STROOM_IND_INFLOW_NEW, g[q]);
		w->act_next[mo->nn++] = (uint32_t)n;
		n++;
	}
	r->n = n;
	return 0;
}

/* The stock on the 1st after the last month, into the replicate's final counts. */
static void final_stock(const replicate *r)
{
	const workspace *w = r->w;
	const stroom_month m = r->res->start + r->T;
	int32_t *cm = r->res->final + (size_t)r->rep * (size_t)r->ng;
	size_t ii;
	for (ii = 0; ii < w->n_act; ii++) {
		int g[6], q;
		size_t i = w->act[ii];
		if (w->status[i] != ST_ON)
			continue;
		groups_of(&r->gl, w, i, m, g);
		for (q = 0; q < 6; q++)
			cm[g[q]]++;
	}
}

/*
 * Runs replicate rep in workspace w, writing its counts. Returns 0, STROOM_ERROR
 * when the inflow outgrows the workspace (detail set in sh), or STROOM_EINTR when
 * the run was stopped (sh->stop, looked at once a simulated month, so a cancel
 * takes effect within a month however long the replicate).
 *
 * Each month runs the order of events of docs/model.md section 3. Pass 1 visits
 * every active household: it counts the stock by count cell and pays the month
 * (for most households, by their cached cell and class and nothing else) and
 * handles the deterministic changes; a household whose candidate month this is
 * goes on a list. Teams' clients and intensities follow from the counts. Pass 2
 * draws the competing-risk event of each candidate. The candidate months thin
 * the monthly event draws: most household-months need no random number at all.
 */
static int run_replicate(shared *sh, workspace *w, int rep)
{
	replicate r;
	month_ctx mo;
	int t, rc;
	replicate_start(&r, sh, w, rep);
	for (t = 0; t < r.T; t++) {
		/* cancelled, or another replicate failed: stop now (a relaxed load, a
		 * few nanoseconds a month; the replicate's results are discarded) */
		if (atomic_load_explicit(&sh->stop, memory_order_relaxed))
			return STROOM_EINTR;
		month_setup(&r, &mo, t);      /* step 1: tables, teams, levers, benefit */
		pass1(&r, &mo);               /* steps 2-3, 7-8: stock, pay, pension, returns */
		teams(&r, &mo);               /* clients and intensities from the stock */
		pass2(&r, &mo);               /* steps 4-7: the candidates' events */
		stock_into_groups(&r, &mo);   /* step 2: the stock and money into groups */
		r.prev_exits = mo.exits;
		r.prev_stock = mo.cm[STROOM_IND_CASELOAD * r.ng]; /* the stock on the 1st, all */
		instrument_starts(&r, &mo);   /* instruments' places for next month */
		rc = new_households(&r, &mo); /* step 9 */
		if (rc < 0)
			return rc;
		{ /* next month visits the households still active, in slot order */
			uint32_t *swap = w->act;
			w->act = w->act_next;
			w->act_next = swap;
			w->n_act = mo.nn;
		}
	}
	if (atomic_load_explicit(&sh->stop, memory_order_relaxed))
		return STROOM_EINTR;
	final_stock(&r);
	return 0;
}

typedef struct worker {
	shared *sh;
	workspace ws;
	pthread_t thread;
	int started;
} worker;

static void *worker_main(void *arg)
{
	worker *wk = arg;
	shared *sh = wk->sh;
	for (;;) {
		int rep, err;
		if (atomic_load(&sh->stop))
			break;
		rep = sh->rep_first + atomic_fetch_add(&sh->next, 1);
		if (rep >= sh->rep_end)
			break;
		if ((err = run_replicate(sh, &wk->ws, rep)) != 0) {
			if (err != STROOM_EINTR) { /* stopped: cancel or failed is set already */
				atomic_store(&sh->failed, 1);
				atomic_store(&sh->stop, 1);
			}
			break;
		}
		atomic_fetch_add(&sh->done, 1);
	}
	return NULL;
}

/*
 * Fills benefit[t][cell] for every simulated month from the rules: one household
 * of each type, age class and part-time state, with no cost-sharers, no children
 * counted for the 18-20 couple norms or the single-parent disregard, partners of
 * the head's age, and parttime.earnings_eurocent when working part-time
 * (docs/model.md lists these assumptions). Returns 0 or STROOM_EINVAL naming the
 * month the rules do not cover.
 */
int stroom_sim_benefit_tables(const stroom_rules *rules, const stroom_params *p, int T,
			      int64_t *benefit, int64_t *norm)
{
	static const int class_age[BEN_AGE] = {19, 24, 40};
	int t, type, ac, ps;
	for (t = 0; t < T; t++) {
		stroom_month m = p->start + t;
		for (type = 0; type < STROOM_NTYPE; type++)
			for (ac = 0; ac < BEN_AGE; ac++)
				for (ps = 0; ps < BEN_PT; ps++) {
					stroom_household_input h = STROOM_HOUSEHOLD_INPUT_INIT;
					stroom_benefit b;
					char mb[16];
					int err;
					h.type = type;
					h.age = h.partner_age = class_age[ac];
					h.earnings_eurocent = ps ? p->parttime_earnings_eurocent : 0;
					h.disregard_months_used = ps == 2 ? BEN_DISREGARD_MONTHS : 0;
					h.skip_trace = 1;
					if ((err = stroom_rules_benefit(rules, m, &h, &b)) != 0)
						return stroom_error_set(STROOM_EINVAL, "start: benefit rules for %s: %s",
									stroom_month_format(m, mb, sizeof mb),
									stroom_error_last());
					benefit[t * BEN_CELLS + (type * BEN_AGE + ac) * BEN_PT + ps] =
						b.amount_eurocent;
					norm[t * BEN_CELLS + (type * BEN_AGE + ac) * BEN_PT + ps] =
						b.norm_eurocent;
				}
	}
	return 0;
}

/*
 * Starts allowed per month for each instrument: slots per year / 12 accumulated
 * from the start, whole starts only (floor of the running total minus the starts
 * already given), so fractional slots are not lost.
 */
static void build_slots(const stroom_params *p, int T, int32_t *slots)
{
	int k, t;
	for (k = 0; k < p->n_instruments; k++) {
		double cum = 0;
		int64_t given = 0;
		for (t = 0; t < T; t++) {
			cum += stroom_series_at(&p->instrument[k].slots, p->start + t, 0.0) / 12.0;
			slots[(size_t)t * STROOM_MAX_INSTRUMENTS + (size_t)k] = (int32_t)((int64_t)floor(cum + 1e-9) - given);
			given += slots[(size_t)t * STROOM_MAX_INSTRUMENTS + (size_t)k];
		}
	}
}

/* Checks the starting households' classes (the parameters: stroom_sim_check). */
static int check_households(const stroom_params *p, const stroom_households *h)
{
	size_t i;
	if (h->n > 0x7fffffffu)
		return stroom_error_set(STROOM_EINVAL, "population: too many households");
	for (i = 0; i < h->n; i++)
		if (h->area[i] >= p->n_areas || h->type[i] >= STROOM_NTYPE ||
		    h->distance[i] >= STROOM_NDIST || h->stream[i] >= STROOM_NSTREAM)
			return stroom_error_set(STROOM_EINVAL,
						"population: household %zu has a class out of range", i);
	return 0;
}

/* The pool's scratch space at setup (returns.start_pool: steady). */
typedef struct pool_setup {
	const int32_t *first;   /* [cell + 1]: sh.pool_first */
	int32_t *n;             /* [replicate]: members who return within the run */
	double (*haz)[3];       /* [cell]: a hazard table */
	double *cum;            /* [cell]: cumulative weights */
	uint64_t seed;          /* the household draws' seed (the run's stream) */
	stroom_gsl_philox gsl;
} pool_setup;

/*
 * Draws every replicate's parameters (or their central values) into res->drawn,
 * the posterior's columns from its row for the replicate (post may be NULL),
 * before the run (stroom_sim_check has checked each drawn set); with a pool
 * (ps not NULL), each replicate's count of pool members, a Poisson draw keyed by
 * (seed, replicate, STROOM_PURPOSE_START_POOL). Sets *cap to the workspace
 * capacity the largest drawn inflow and pool need. tmp is scratch space for one
 * parameter set.
 */
static void draw_replicates(const stroom_params *p, const stroom_posterior *post,
			    stroom_results *res, int central, size_t n0, stroom_params *tmp,
			    pool_setup *ps, size_t *cap)
{
	int rep;
	*cap = 0;
	memcpy(tmp, p, sizeof *tmp);
	for (rep = 0; rep < res->replicates; rep++) {
		double *v = res->drawn + (size_t)rep * (size_t)res->draw_stride;
		size_t c, nm = 0;
		stroom_params_draw_values_post(p, post, (uint32_t)rep, central, v);
		stroom_params_apply_values(p, v, tmp);
		if (ps) {
			double mu = pool_mean(tmp, ps->first, ps->haz, ps->cum, res->months);
			stroom_gsl_philox_stream(&ps->gsl, ps->seed, (uint32_t)rep, INFLOW_HOUSEHOLD,
						 (uint32_t)p->start, STROOM_PURPOSE_START_POOL);
			nm = mu > 0.0 ? gsl_ran_poisson(&ps->gsl.rng, mu) : 0;
			ps->n[rep] = (int32_t)nm;
		}
		c = (size_t)stroom_sim_capacity(tmp, n0 + nm, tmp->end);
		if (c > *cap)
			*cap = c;
	}
}

/*
 * returns.start_pool: steady: the starting households that can leave in the
 * first month (pension later), grouped by their hazard cell on the start date:
 * first[c] .. first[c + 1] - 1 index their slots in order. first has
 * n_cells + 1 entries, order h0->n.
 */
static void pool_cells(const stroom_params *p, const stroom_households *h0, const int32_t *pension0,
		       int32_t *first, uint32_t *order)
{
	const int na = p->n_areas, nc = n_cells(na);
	const stroom_month m = p->start;
	size_t h;
	int c;
	memset(first, 0, ((size_t)nc + 1) * sizeof *first);
	for (h = 0; h < h0->n; h++)
		if (pension0[h] > m)
			first[cell_index(na, h0->distance[h], age_band(h0->birth_month[h], m),
					 duration_band(h0->spell_start[h], m), h0->type[h], h0->area[h],
					 h0->parttime[h] ? 1 : 0) + 1]++;
	for (c = 0; c < nc; c++)
		first[c + 1] += first[c];
	for (h = 0; h < h0->n; h++)
		if (pension0[h] > m) {
			int32_t *f = &first[cell_index(na, h0->distance[h], age_band(h0->birth_month[h], m),
						       duration_band(h0->spell_start[h], m), h0->type[h],
						       h0->area[h], h0->parttime[h] ? 1 : 0)];
			order[(*f)++] = (uint32_t)h;
		}
	/* each first[c] now holds the end of cell c: shift back by one cell */
	for (c = nc; c > 0; c--)
		first[c] = first[c - 1];
	first[0] = 0;
}

/* The seed of the household draws of stream k (k > 0): the scenario's seed and
 * k mixed by two rounds of splitmix64's finaliser (any fixed bijective mix would do). */
static uint64_t mix64(uint64_t z)
{
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

static uint64_t stream_seed(uint64_t seed, uint32_t stream)
{
	return stream ? mix64(seed ^ mix64(0x9e3779b97f4a7c15ull * stream)) : seed;
}

static int online_cpus(void)
{
	long n = sysconf(_SC_NPROCESSORS_ONLN);
	return n < 1 ? 1 : (int)n;
}

int stroom_sim_run(stroom_results **out, const stroom_params *params, const stroom_population *pop,
		   const stroom_sim_options *opts)
{
	stroom_sim_options o = STROOM_SIM_OPTIONS_INIT;
	const stroom_allocator *a;
	const stroom_households *h0 = stroom_population_households(pop);
	stroom_results *res = NULL;
	worker *workers = NULL;
	stroom_rules *own_rules = NULL;
	const stroom_rules *rules;
	int64_t *benefit = NULL, *norm = NULL;
	int32_t *pension0 = NULL, *aow_entry = NULL, *slots = NULL, *pool_first = NULL, *pool_n = NULL;
	uint32_t *pool_order = NULL;
	pool_setup *ps = NULL;
	stroom_params *tmp = NULL, *streamed = NULL;
	shared sh;
	int err = 0, nthreads, i, k, count;
	size_t cells;

	*out = NULL;
	if (opts)
		o = *opts;
	a = o.allocator;
	memset(&sh, 0, sizeof sh);
	if ((err = stroom_sim_check(params, h0->n, &o, NULL)) != 0 ||
	    (err = check_households(params, h0)) != 0)
		return err;
	count = o.replicate_count ? o.replicate_count : params->replicates - o.first_replicate;
	if (o.first_replicate < 0 || count < 1 || o.first_replicate > params->replicates - count)
		return stroom_error_set(STROOM_EINVAL,
					"replicates: block %d+%d is not within the %d replicates",
					o.first_replicate, count, params->replicates);

	res = stroom_calloc(a, 1, sizeof *res);
	if (!res)
		return STROOM_ENOMEM;
	res->alloc = a;
	res->replicates = params->replicates;
	res->months = params->end - params->start + 1;
	res->start = params->start;
	res->n_areas = params->n_areas;
	sh.gl = stroom_group_layout(params->n_areas);
	res->ngroups = sh.gl.n;
	snprintf(res->group_name[0], STROOM_NAME_LEN, "all");
	for (k = 0; k < STROOM_NDIST; k++)
		snprintf(res->group_name[sh.gl.dist + k], STROOM_NAME_LEN, "%s", stroom_distance_name(k));
	for (k = 0; k < params->n_areas; k++)
		snprintf(res->group_name[sh.gl.area + k], STROOM_NAME_LEN, "%s", params->area_name[k]);
	for (k = 0; k < STROOM_NDUR; k++)
		snprintf(res->group_name[sh.gl.dur + k], STROOM_NAME_LEN, "%s", stroom_duration_band_name(k));
	for (k = 0; k < STROOM_NAGE; k++)
		snprintf(res->group_name[sh.gl.age + k], STROOM_NAME_LEN, "%s", stroom_age_band_name(k));
	for (k = 0; k < STROOM_NTYPE; k++)
		snprintf(res->group_name[sh.gl.type + k], STROOM_NAME_LEN, "%s", stroom_type_name(k));

	cells = (size_t)res->replicates * (size_t)res->months * STROOM_NIND * (size_t)res->ngroups;
	res->counts = stroom_calloc(a, cells, sizeof(int32_t));
	res->final = stroom_calloc(a, (size_t)res->replicates * (size_t)res->ngroups, sizeof(int32_t));
	res->money = stroom_calloc(a, (size_t)res->replicates * (size_t)res->months * STROOM_NMONEY *
					      (size_t)res->ngroups, sizeof(int64_t));
	res->n_teams = params->n_teams;
	res->n_instruments = params->n_instruments;
	res->n_drawn = stroom_params_draw_names(params, res->drawn_name);
	res->draw_stride = res->n_drawn > 0 ? res->n_drawn : 1;
	cells = (size_t)res->replicates * (size_t)res->months;
	res->team = stroom_calloc(a, cells * STROOM_MAX_TEAMS, sizeof(int32_t));
	res->istart = stroom_calloc(a, cells * STROOM_MAX_INSTRUMENTS, sizeof(int32_t));
	res->ipart = stroom_calloc(a, cells * STROOM_MAX_INSTRUMENTS, sizeof(int32_t));
	res->drawn = stroom_calloc(a, (size_t)res->replicates * (size_t)res->draw_stride,
				   sizeof(double));
	if (!res->counts || !res->final || !res->money || !res->team || !res->istart || !res->ipart ||
	    !res->drawn) {
		err = STROOM_ENOMEM;
		goto cleanup;
	}

	rules = o.rules;
	if (!rules) {
		if ((err = stroom_rules_load(&own_rules, NULL, NULL, a)) != 0)
			goto cleanup;
		rules = own_rules;
	}
	benefit = stroom_malloc(a, (size_t)res->months * BEN_CELLS * sizeof(int64_t));
	norm = stroom_malloc(a, (size_t)res->months * BEN_CELLS * sizeof(int64_t));
	slots = stroom_calloc(a, (size_t)res->months * STROOM_MAX_INSTRUMENTS, sizeof(int32_t));
	if (!benefit || !norm || !slots) {
		err = STROOM_ENOMEM;
		goto cleanup;
	}
	if ((err = stroom_sim_benefit_tables(rules, params, res->months, benefit, norm)) != 0)
		goto cleanup;
	build_slots(params, res->months, slots);
	/* pension months by the rules' AOW table, by birth month */
	pension0 = stroom_malloc(a, (h0->n ? h0->n : 1) * sizeof(int32_t));
	aow_entry = stroom_malloc(a, (size_t)res->months * sizeof(int32_t));
	if (!pension0 || !aow_entry) {
		err = STROOM_ENOMEM;
		goto cleanup;
	}
	{
		size_t h;
		for (h = 0; h < h0->n; h++)
			pension0[h] = h0->birth_month[h] +
				      stroom_rules_pension_age_months(rules, h0->birth_month[h]);
		for (k = 0; k < res->months; k++)
			aow_entry[k] = stroom_rules_pension_age_in_month(rules, params->start + k + 1);
	}

	nthreads = o.threads > 0 ? o.threads : online_cpus();
	if (nthreads > count)
		nthreads = count;
	res->threads = nthreads;

	/* a stream of its own: the same parameters with the household seed mixed */
	if (o.stream) {
		streamed = stroom_malloc(a, sizeof *streamed);
		if (!streamed) {
			err = STROOM_ENOMEM;
			goto cleanup;
		}
		*streamed = *params;
		streamed->seed = stream_seed(params->seed, o.stream);
	}
	sh.p = streamed ? streamed : params;
	sh.rep_first = o.first_replicate;
	sh.rep_end = o.first_replicate + count;
	sh.benefit = benefit;
	sh.norm = norm;
	sh.slots = slots;
	sh.rules = rules;
	sh.pension0 = pension0;
	sh.aow_entry = aow_entry;
	sh.h0 = h0;
	sh.res = res;
	/* every replicate's parameter set, drawn up front: the workspaces must hold
	 * the largest inflow any replicate draws */
	tmp = stroom_malloc(a, sizeof *tmp);
	if (!tmp) {
		err = STROOM_ENOMEM;
		goto cleanup;
	}
	if (params->return_start_pool == STROOM_START_POOL_STEADY) {
		/* the pool off benefit at the start: its households of origin by cell
		 * and each replicate's count, drawn with the parameters */
		const size_t nc = (size_t)n_cells(params->n_areas);
		pool_first = stroom_malloc(a, (nc + 1) * sizeof *pool_first);
		pool_order = stroom_malloc(a, (h0->n ? h0->n : 1) * sizeof *pool_order);
		pool_n = stroom_calloc(a, (size_t)res->replicates, sizeof *pool_n);
		ps = stroom_malloc(a, sizeof *ps);
		if (ps)
			ps->haz = stroom_malloc(a, NCELL_MAX * sizeof *ps->haz + nc * sizeof(double));
		if (!pool_first || !pool_order || !pool_n || !ps || !ps->haz) {
			err = STROOM_ENOMEM;
			goto cleanup;
		}
		pool_cells(params, h0, pension0, pool_first, pool_order);
		ps->cum = (double *)(void *)(ps->haz + NCELL_MAX);
		ps->first = pool_first;
		ps->n = pool_n;
		ps->seed = sh.p->seed;
		stroom_gsl_philox_init(&ps->gsl);
		sh.pool_first = pool_first;
		sh.pool_order = pool_order;
		sh.pool_n = pool_n;
	}
	draw_replicates(params, o.posterior, res, o.fixed_parameters, h0->n, tmp, ps, &sh.cap);
	pthread_mutex_init(&sh.error_lock, NULL);

	workers = stroom_calloc(a, (size_t)nthreads, sizeof *workers);
	if (!workers) {
		err = STROOM_ENOMEM;
		goto cleanup_mutex;
	}
	for (i = 0; i < nthreads; i++) {
		workers[i].sh = &sh;
		if ((err = stroom_workspace_init(a, &workers[i].ws, sh.cap, res->months, sh.p)) != 0)
			goto cleanup_workers;
	}
	for (i = 0; i < nthreads; i++) {
		if (pthread_create(&workers[i].thread, NULL, worker_main, &workers[i]) != 0) {
			atomic_store(&sh.cancel, 1);
			atomic_store(&sh.stop, 1);
			err = stroom_error_set(STROOM_ERROR, "could not start thread %d", i);
			break;
		}
		workers[i].started = 1;
	}
	/* the calling thread reports progress while the workers run (without a
	 * callback it only joins them: no polling delay for short runs, e.g. the many
	 * small municipalities of a national run) */
	while (!err && o.progress) {
		int done = atomic_load(&sh.done);
		struct timespec ts = {0, 100 * 1000 * 1000};
		if (done >= count || atomic_load(&sh.failed))
			break;
		if (o.progress && o.progress(done, count, o.payload)) {
			atomic_store(&sh.cancel, 1);
			atomic_store(&sh.stop, 1); /* the workers see it within a month */
			break;
		}
		nanosleep(&ts, NULL);
	}
	for (i = 0; i < nthreads; i++)
		if (workers[i].started)
			pthread_join(workers[i].thread, NULL);
	if (!err && atomic_load(&sh.failed))
		err = stroom_error_set(STROOM_ERROR, "%s", sh.error);
	else if (!err && atomic_load(&sh.cancel))
		err = stroom_error_set(STROOM_EINTR, "run cancelled");
	else if (!err && o.progress)
		o.progress(count, count, o.payload);

cleanup_workers:
	for (i = 0; i < nthreads; i++)
		stroom_workspace_free(a, &workers[i].ws);
	stroom_free(a, workers);
cleanup_mutex:
	pthread_mutex_destroy(&sh.error_lock);
cleanup:
	stroom_free(a, benefit);
	stroom_free(a, norm);
	stroom_free(a, slots);
	stroom_free(a, pension0);
	stroom_free(a, aow_entry);
	stroom_free(a, tmp);
	stroom_free(a, streamed);
	stroom_free(a, pool_first);
	stroom_free(a, pool_order);
	stroom_free(a, pool_n);
	if (ps)
		stroom_free(a, ps->haz);
	stroom_free(a, ps);
	stroom_rules_free(own_rules);
	if (err) {
		stroom_results_free(res);
		return err;
	}
	*out = res;
	return 0;
}
