/*
 * sim.c: the monthly engine. One replicate is a loop over months; each month
 * visits every household once (struct of arrays, see docs/model.md for the order
 * of events):
 *
 *   on benefit:  count the stock (1st of the month) -> pension-age exit ->
 *                one competing-risk draw among exit to work, exit with LKS, other
 *                exit and enforcement -> if staying: part-time change and distance
 *                drift by spell duration;
 *   off after work/LKS and not durable: return with a constant monthly hazard;
 *   then the month's new households arrive (Poisson count, composition mix).
 *
 * Every household on benefit is paid by the rules module (stroom/rules.h) at the
 * month's date. Its amount depends only on (type, age class 18-20 / 21-26 / 27+,
 * part-time state: none / within the disregard months / after them), so the
 * amounts of all 27 classes for every month are computed once before the
 * replicates start and a household costs one table lookup.
 *
 * Exit hazards depend on (distance, age band, duration band, type, area,
 * part-time) and on the month (labour market, shocks). They are precomputed into a
 * table of cumulative thresholds at the start of each month, so a household costs
 * one table lookup and one keyed Philox call. Workspaces are sized up front from
 * the population and the largest inflow the horizon can plausibly bring; nothing
 * is allocated inside the monthly loop. Replicates run in threads that pull
 * replicate indexes from an atomic counter; each writes only its own result slot.
 */
#include "internal.h"
#include "rng_int.h"

#include <stroom/sim.h>

#include <gsl/gsl_randist.h>
#include <math.h>
#include <pthread.h>
#include <stdatomic.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

enum { ST_ON = 0, ST_OFF_NONDURABLE = 1, ST_GONE = 2 };

/* Largest combined monthly exit probability; the rest always stays. Keeps the
 * competing-risk draw well defined whatever multipliers a scenario stacks up. */
#define MAX_EXIT_PROB 0.95
#define NCELL_MAX (STROOM_NDIST * STROOM_NAGE * STROOM_NDUR * STROOM_NTYPE * STROOM_MAX_AREAS * 2)
#define INFLOW_HOUSEHOLD 0xffffffffu

static const char *const indicator_names[STROOM_NIND] = {
	"caseload", "inflow_new", "inflow_return", "exit_work", "exit_lks",
	"exit_other", "exit_enforcement", "exit_pension", "parttime"};

static const char *const money_names[STROOM_NMONEY] = {"spending_benefit_eurocent",
							   "spending_lks_eurocent"};

const char *stroom_money_name(int money)
{
	return money >= 0 && money < STROOM_NMONEY ? money_names[money] : NULL;
}

const char *stroom_indicator_name(int indicator)
{
	return indicator >= 0 && indicator < STROOM_NIND ? indicator_names[indicator] : NULL;
}

struct stroom_results {
	const stroom_allocator *alloc;
	int replicates, months, ngroups, threads, n_areas;
	stroom_month start;
	char group_name[15 + STROOM_MAX_AREAS][STROOM_NAME_LEN];
	int32_t *counts;  /* [rep][month][indicator][group] */
	int32_t *final;   /* [rep][group]: caseload on the 1st after the last month */
	int64_t *money;   /* [rep][month][money indicator][group], eurocent */
};

/* Group offsets: all | distance | areas | duration | age | type. */
typedef struct group_layout {
	int dist, area, dur, age, type, n;
} group_layout;

static group_layout layout_for(int n_areas)
{
	group_layout g;
	g.dist = 1;
	g.area = g.dist + STROOM_NDIST;
	g.dur = g.area + n_areas;
	g.age = g.dur + STROOM_NDUR;
	g.type = g.age + STROOM_NAGE;
	g.n = g.type + STROOM_NTYPE;
	return g;
}

/* Per-thread workspace: the households of one replicate and the month's tables. */
typedef struct workspace {
	size_t cap;
	int32_t *birth, *spell, *lks_end; /* lks_end: first month the LKS is no longer paid */
	int32_t *pension;        /* month the head reaches pension age (AOW) */
	uint8_t *type, *area, *dist, *stream, *pt, *prev, *status;
	uint8_t *ptm;            /* months of part-time work in this spell (capped at 255) */
	double (*thr)[4];        /* [cell][4]: cumulative exit thresholds this month */
	stroom_gsl_philox gsl;
} workspace;

/* Benefit classes: household type x age class x part-time state. */
#define BEN_AGE 3   /* 18-20, 21-26, 27 and older */
#define BEN_PT 3    /* no part-time work, within the disregard months, after them */
#define BEN_CELLS (STROOM_NTYPE * BEN_AGE * BEN_PT)
/* Months of part-time work after which the disregard of art. 31 lid 2 n is used
 * up; must match the rules' disregard_months (checked when the tables are built). */
#define BEN_DISREGARD_MONTHS 6

static inline int ben_cell(int type, int32_t age_months, int pt, int ptm)
{
	int ac = age_months < 21 * 12 ? 0 : age_months < 27 * 12 ? 1 : 2;
	int ps = !pt ? 0 : ptm < BEN_DISREGARD_MONTHS ? 1 : 2;
	return (type * BEN_AGE + ac) * BEN_PT + ps;
}

typedef struct shared {
	const stroom_params *p;
	const int64_t *benefit;   /* [month][BEN_CELLS] eurocent incl. holiday allowance */
	const stroom_rules *rules;
	const int32_t *pension0;  /* pension month of each starting household */
	const int32_t *aow_entry; /* [month]: age in months at which people reach pension age */
	const stroom_households *h0;
	stroom_results *res;
	group_layout gl;
	size_t cap;
	double return_hazard;
	atomic_int next, done, cancel, failed;
	char error[256];
	pthread_mutex_t error_lock;
} shared;

static void workspace_free(const stroom_allocator *a, workspace *w)
{
	stroom_free(a, w->birth);
	stroom_free(a, w->spell);
	stroom_free(a, w->lks_end);
	stroom_free(a, w->pension);
	stroom_free(a, w->type);
	stroom_free(a, w->thr);
	memset(w, 0, sizeof *w);
}

/* Allocates a workspace for cap households. Returns 0 or STROOM_ENOMEM. */
static int workspace_init(const stroom_allocator *a, workspace *w, size_t cap)
{
	memset(w, 0, sizeof *w);
	w->cap = cap;
	w->birth = stroom_malloc(a, cap * sizeof(int32_t));
	w->spell = stroom_malloc(a, cap * sizeof(int32_t));
	w->lks_end = stroom_malloc(a, cap * sizeof(int32_t));
	w->pension = stroom_malloc(a, cap * sizeof(int32_t));
	w->type = stroom_malloc(a, cap * 8);
	w->thr = stroom_malloc(a, NCELL_MAX * sizeof *w->thr);
	if (!w->birth || !w->spell || !w->lks_end || !w->pension || !w->type || !w->thr) {
		workspace_free(a, w);
		return STROOM_ENOMEM;
	}
	w->area = w->type + cap;
	w->dist = w->area + cap;
	w->stream = w->dist + cap;
	w->pt = w->stream + cap;
	w->prev = w->pt + cap;
	w->status = w->prev + cap;
	w->ptm = w->status + cap;
	stroom_gsl_philox_init(&w->gsl);
	return 0;
}

static inline int cell_index(int n_areas, int d, int a, int u, int ty, int ar, int pt)
{
	return ((((d * STROOM_NAGE + a) * STROOM_NDUR + u) * STROOM_NTYPE + ty) * n_areas + ar) * 2 + pt;
}

/* Expected new households in month m (before the Poisson draw). */
static double inflow_mean(const stroom_params *p, stroom_month m)
{
	double index = stroom_series_at(&p->labour_index, m, 1.0);
	double shock = stroom_series_at(&p->inflow_shock, m, 1.0);
	return p->inflow_per_year / 12.0 * shock * pow(index, -p->labour_inflow_elasticity);
}

/* Fills the month's cumulative exit thresholds for every cell. */
static void month_tables(const stroom_params *p, stroom_month m, double (*thr)[4])
{
	double index = stroom_series_at(&p->labour_index, m, 1.0);
	double month_factor = pow(index, p->labour_work_elasticity) *
			      stroom_series_at(&p->work_shock, m, 1.0);
	int na = p->n_areas, d, a, u, ty, ar, pt;
	for (d = 0; d < STROOM_NDIST; d++)
	for (a = 0; a < STROOM_NAGE; a++)
	for (u = 0; u < STROOM_NDUR; u++)
	for (ty = 0; ty < STROOM_NTYPE; ty++)
	for (ar = 0; ar < na; ar++)
	for (pt = 0; pt < 2; pt++) {
		double hw = p->work_distance[d] * p->work_age[a] * p->work_duration[u] *
			    p->work_type[ty] * p->work_area[ar] *
			    (pt ? p->parttime_work_multiplier : 1.0) * month_factor;
		double hl = hw * p->lks_share;
		double ho = p->other_base * p->other_age[a] * p->other_duration[u];
		double he = p->enforcement;
		double tot = hw + hl + ho + he;
		double scale = tot > MAX_EXIT_PROB ? MAX_EXIT_PROB / tot : 1.0;
		double *t = thr[cell_index(na, d, a, u, ty, ar, pt)];
		t[0] = hw * scale;
		t[1] = t[0] + hl * scale;
		t[2] = t[1] + ho * scale;
		t[3] = t[2] + he * scale;
	}
}

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

#define COUNT(ind, g) (cm[(ind) * ng + (g)]++)

/*
 * Runs replicate rep in workspace w, writing its counts. Returns 0, or
 * STROOM_ERROR when the inflow outgrows the workspace (detail set in sh).
 */
static int run_replicate(shared *sh, workspace *w, int rep)
{
	const stroom_params *p = sh->p;
	const stroom_households *h0 = sh->h0;
	stroom_results *res = sh->res;
	const group_layout gl = sh->gl;
	const int ng = gl.n, na = p->n_areas, T = res->months;
	const philox4x32_key_t key = stroom_rng_key(p->seed);
	const uint32_t urep = (uint32_t)rep;
	const double q = p->return_nondurable_share, lam = sh->return_hazard;
	size_t n = h0->n, i;
	int t;

	memcpy(w->birth, h0->birth_month, n * sizeof(int32_t));
	memcpy(w->spell, h0->spell_start, n * sizeof(int32_t));
	memcpy(w->type, h0->type, n);
	memcpy(w->area, h0->area, n);
	memcpy(w->dist, h0->distance, n);
	memcpy(w->stream, h0->stream, n);
	memcpy(w->pt, h0->parttime, n);
	memcpy(w->prev, h0->prev_spells, n);
	memset(w->status, ST_ON, n);
	memset(w->lks_end, 0, n * sizeof(int32_t));
	memcpy(w->pension, sh->pension0, n * sizeof(int32_t));
	/* starting part-timers are taken to have used their disregard months already */
	memset(w->ptm, BEN_DISREGARD_MONTHS, n);

	for (t = 0; t <= T; t++) {
		const stroom_month m = res->start + t;
		const uint32_t um = (uint32_t)m;
		const int64_t *ben = t < T ? sh->benefit + (size_t)t * BEN_CELLS : NULL;
		int32_t *cm = t < T ? res->counts + ((size_t)rep * (size_t)T + (size_t)t) * STROOM_NIND * (size_t)ng
				    : res->final + (size_t)rep * (size_t)ng;
		int64_t *mm = t < T ? res->money + ((size_t)rep * (size_t)T + (size_t)t) * STROOM_NMONEY * (size_t)ng
				    : NULL;
		unsigned n_new, j;

		if (t == T) { /* the stock on the 1st after the last month */
			for (i = 0; i < n; i++) {
				if (w->status[i] != ST_ON)
					continue;
				cm[0]++;
				cm[gl.dist + w->dist[i]]++;
				cm[gl.area + w->area[i]]++;
				cm[gl.dur + stroom_duration_band(w->spell[i], m)]++;
				cm[gl.age + stroom_age_band(w->birth[i], m)]++;
				cm[gl.type + w->type[i]]++;
			}
			break;
		}
		month_tables(p, m, w->thr);

		for (i = 0; i < n; i++) {
			const uint8_t st = w->status[i];
			int32_t age_m;
			int a, u, g[6], k, ev;
			double r[4];
			const double *thr;

			if (st != ST_ON && w->lks_end[i] > m) {
				/* the wage-cost subsidy runs on after an exit with LKS; counted by
				 * the household's area, age band and type */
				const int64_t c = p->lks_cost_eurocent;
				int64_t *ml = mm + STROOM_MONEY_LKS * ng;
				ml[0] += c;
				ml[gl.area + w->area[i]] += c;
				ml[gl.age + stroom_age_band(w->birth[i], m)] += c;
				ml[gl.type + w->type[i]] += c;
			}
			if (st == ST_GONE)
				continue;
			age_m = m - w->birth[i];
			if (st == ST_OFF_NONDURABLE) {
				if (m >= w->pension[i]) {
					w->status[i] = ST_GONE;
					continue;
				}
				stroom_rng_draw(key, urep, (uint32_t)i, um, STROOM_PURPOSE_EXIT, 0, r);
				if (r[3] < lam) {
					w->status[i] = ST_ON;
					w->spell[i] = m + 1;
					w->dist[i] = (uint8_t)p->return_distance;
					w->stream[i] = p->return_distance == STROOM_DIST_LONG ? STROOM_STREAM_PRESTATIE
											       : STROOM_STREAM_WERK;
					w->pt[i] = 0;
					w->ptm[i] = 0;
					w->lks_end[i] = 0;
					if (w->prev[i] < 255)
						w->prev[i]++;
					g[0] = 0;
					g[1] = gl.dist + w->dist[i];
					g[2] = gl.area + w->area[i];
					g[3] = gl.dur + STROOM_DUR_LT1;
					g[4] = gl.age + stroom_age_band(w->birth[i], m);
					g[5] = gl.type + w->type[i];
					for (k = 0; k < 6; k++)
						COUNT(STROOM_IND_INFLOW_RETURN, g[k]);
				}
				continue;
			}

			/* on benefit: the stock on the 1st of the month */
			a = stroom_age_band(w->birth[i], m);
			u = stroom_duration_band(w->spell[i], m);
			g[0] = 0;
			g[1] = gl.dist + w->dist[i];
			g[2] = gl.area + w->area[i];
			g[3] = gl.dur + u;
			g[4] = gl.age + a;
			g[5] = gl.type + w->type[i];
			for (k = 0; k < 6; k++)
				COUNT(STROOM_IND_CASELOAD, g[k]);
			if (w->pt[i])
				for (k = 0; k < 6; k++)
					COUNT(STROOM_IND_PARTTIME, g[k]);
			{ /* this month's benefit, paid to everyone on benefit on the 1st */
				int64_t amount = ben[ben_cell(w->type[i], age_m, w->pt[i], w->ptm[i])];
				int64_t *mb = mm + STROOM_MONEY_BENEFIT * ng;
				for (k = 0; k < 6; k++)
					mb[g[k]] += amount;
				if (w->pt[i] && w->ptm[i] < 255)
					w->ptm[i]++;
			}

			if (m >= w->pension[i]) {
				w->status[i] = ST_GONE;
				for (k = 0; k < 6; k++)
					COUNT(STROOM_IND_EXIT_PENSION, g[k]);
				continue;
			}
			stroom_rng_draw(key, urep, (uint32_t)i, um, STROOM_PURPOSE_EXIT, 0, r);
			thr = w->thr[cell_index(na, w->dist[i], a, u, w->type[i], w->area[i], w->pt[i])];
			ev = r[0] < thr[0] ? STROOM_IND_EXIT_WORK
			   : r[0] < thr[1] ? STROOM_IND_EXIT_LKS
			   : r[0] < thr[2] ? STROOM_IND_EXIT_OTHER
			   : r[0] < thr[3] ? STROOM_IND_EXIT_ENFORCEMENT : -1;
			if (ev >= 0) {
				for (k = 0; k < 6; k++)
					COUNT(ev, g[k]);
				w->status[i] = (ev == STROOM_IND_EXIT_WORK || ev == STROOM_IND_EXIT_LKS) && r[2] < q
						       ? ST_OFF_NONDURABLE : ST_GONE;
				if (ev == STROOM_IND_EXIT_LKS)
					w->lks_end[i] = m + 1 + p->lks_duration_months;
				continue;
			}
			/* stays: part-time work changes, then distance drift when the spell
			 * crosses the herijking's boundaries (9 and 24 months): a household
			 * still on benefit when work was expected is reassessed one class
			 * further. Households assessed otherwise keep their class. */
			if (w->pt[i] ? r[1] < p->parttime_stop : r[1] < p->parttime_start) {
				w->pt[i] ^= 1;
				w->ptm[i] = 0;
			}
			{
				int32_t dur_next = m + 1 - w->spell[i];
				if (w->dist[i] == STROOM_DIST_SHORT && dur_next == p->drift_short_months)
					w->dist[i] = STROOM_DIST_MEDIUM;
				else if (w->dist[i] == STROOM_DIST_MEDIUM && dur_next == p->drift_medium_months) {
					w->dist[i] = STROOM_DIST_LONG;
					if (w->stream[i] == STROOM_STREAM_WERK)
						w->stream[i] = STROOM_STREAM_PRESTATIE;
				}
			}
		}

		/* new households: a Poisson count, then their composition */
		stroom_gsl_philox_stream(&w->gsl, p->seed, urep, INFLOW_HOUSEHOLD, um,
					 STROOM_PURPOSE_INFLOW_COUNT);
		n_new = gsl_ran_poisson(&w->gsl.rng, inflow_mean(p, m));
		if (n + n_new > w->cap) {
			pthread_mutex_lock(&sh->error_lock);
			snprintf(sh->error, sizeof sh->error,
				 "replicate %d: inflow exceeded the workspace of %zu households", rep, w->cap);
			pthread_mutex_unlock(&sh->error_lock);
			return STROOM_ERROR;
		}
		for (j = 0; j < n_new; j++, n++) {
			double r[4], r2[4];
			int a, g[6], k;
			int32_t lo, hi, age_m;
			stroom_rng_draw(key, urep, (uint32_t)n, um, STROOM_PURPOSE_NEW, 0, r);
			stroom_rng_draw(key, urep, (uint32_t)n, um, STROOM_PURPOSE_NEW, 1, r2);
			a = pick(p->inflow_age, STROOM_NAGE, r[0]);
			age_band_bounds(a, sh->aow_entry[t], &lo, &hi);
			age_m = lo + (int32_t)(r2[0] * (double)(hi - lo));
			w->birth[n] = m + 1 - age_m;
			w->spell[n] = m + 1;
			w->pension[n] = w->birth[n] + stroom_rules_pension_age_months(sh->rules, w->birth[n]);
			w->type[n] = (uint8_t)pick(p->inflow_type, STROOM_NTYPE, r[1]);
			w->area[n] = (uint8_t)pick(p->inflow_area, na, r[2]);
			w->dist[n] = (uint8_t)pick(p->inflow_distance, STROOM_NDIST, r[3]);
			w->stream[n] = a == STROOM_AGE_LT27 ? STROOM_STREAM_OTHER
				     : w->dist[n] == STROOM_DIST_LONG ? STROOM_STREAM_PRESTATIE : STROOM_STREAM_WERK;
			w->pt[n] = 0;
			w->ptm[n] = 0;
			w->prev[n] = 0;
			w->status[n] = ST_ON;
			w->lks_end[n] = 0;
			g[0] = 0;
			g[1] = gl.dist + w->dist[n];
			g[2] = gl.area + w->area[n];
			g[3] = gl.dur + STROOM_DUR_LT1;
			g[4] = gl.age + stroom_age_band(w->birth[n], m + 1);
			g[5] = gl.type + w->type[n];
			for (k = 0; k < 6; k++)
				COUNT(STROOM_IND_INFLOW_NEW, g[k]);
		}
	}
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
		int rep;
		if (atomic_load(&sh->cancel) || atomic_load(&sh->failed))
			break;
		rep = atomic_fetch_add(&sh->next, 1);
		if (rep >= sh->res->replicates)
			break;
		if (run_replicate(sh, &wk->ws, rep) != 0) {
			atomic_store(&sh->failed, 1);
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
static int build_benefit_tables(const stroom_rules *rules, const stroom_params *p, int T,
				int64_t *benefit)
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
				}
	}
	return 0;
}

/* Checks what the engine needs beyond the schema's bounds. */
static int check_params(const stroom_params *p, const stroom_households *h)
{
	size_t i;
	if (p->n_areas < 1 || p->n_areas > STROOM_MAX_AREAS)
		return stroom_error_set(STROOM_EINVAL, "areas: expected 1 to %d areas, got %d",
					STROOM_MAX_AREAS, p->n_areas);
	if (p->end < p->start)
		return stroom_error_set(STROOM_EINVAL, "end: expected a month at or after start");
	if (p->replicates < 1)
		return stroom_error_set(STROOM_EINVAL, "replicates: expected at least 1, got %d",
					p->replicates);
	if (!(p->return_within_12m < p->return_nondurable_share) && p->return_within_12m > 0)
		return stroom_error_set(STROOM_EINVAL,
					"returns.within_12m: expected less than returns.nondurable_share (%g), got %g",
					p->return_nondurable_share, p->return_within_12m);
	if (h->n > 0x7fffffffu)
		return stroom_error_set(STROOM_EINVAL, "population: too many households");
	for (i = 0; i < h->n; i++)
		if (h->area[i] >= p->n_areas || h->type[i] >= STROOM_NTYPE ||
		    h->distance[i] >= STROOM_NDIST || h->stream[i] >= STROOM_NSTREAM)
			return stroom_error_set(STROOM_EINVAL,
						"population: household %zu has a class out of range", i);
	return 0;
}

/* Capacity for the starting households plus every new household the horizon can
 * bring: the mean inflow plus 10 standard deviations each month, plus slack. */
static size_t capacity_for(const stroom_params *p, size_t n0)
{
	double extra = 1024;
	stroom_month m;
	for (m = p->start; m <= p->end; m++) {
		double mu = inflow_mean(p, m);
		extra += mu + 10.0 * sqrt(mu) + 10.0;
	}
	return n0 + (size_t)extra;
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
	int64_t *benefit = NULL;
	int32_t *pension0 = NULL, *aow_entry = NULL;
	shared sh;
	int err = 0, nthreads, i, k;
	size_t cells;

	*out = NULL;
	if (opts)
		o = *opts;
	a = o.allocator;
	memset(&sh, 0, sizeof sh);
	if ((err = check_params(params, h0)) != 0)
		return err;

	res = stroom_calloc(a, 1, sizeof *res);
	if (!res)
		return STROOM_ENOMEM;
	res->alloc = a;
	res->replicates = params->replicates;
	res->months = params->end - params->start + 1;
	res->start = params->start;
	res->n_areas = params->n_areas;
	sh.gl = layout_for(params->n_areas);
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
	if (!res->counts || !res->final || !res->money) {
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
	if (!benefit) {
		err = STROOM_ENOMEM;
		goto cleanup;
	}
	if ((err = build_benefit_tables(rules, params, res->months, benefit)) != 0)
		goto cleanup;
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
	if (nthreads > res->replicates)
		nthreads = res->replicates;
	res->threads = nthreads;

	sh.p = params;
	sh.benefit = benefit;
	sh.rules = rules;
	sh.pension0 = pension0;
	sh.aow_entry = aow_entry;
	sh.h0 = h0;
	sh.res = res;
	sh.cap = capacity_for(params, h0->n);
	sh.return_hazard = params->return_within_12m > 0
		? 1.0 - pow(1.0 - params->return_within_12m / params->return_nondurable_share, 1.0 / 12.0)
		: 0.0;
	pthread_mutex_init(&sh.error_lock, NULL);

	workers = stroom_calloc(a, (size_t)nthreads, sizeof *workers);
	if (!workers) {
		err = STROOM_ENOMEM;
		goto cleanup_mutex;
	}
	for (i = 0; i < nthreads; i++) {
		workers[i].sh = &sh;
		if ((err = workspace_init(a, &workers[i].ws, sh.cap)) != 0)
			goto cleanup_workers;
	}
	for (i = 0; i < nthreads; i++) {
		if (pthread_create(&workers[i].thread, NULL, worker_main, &workers[i]) != 0) {
			atomic_store(&sh.cancel, 1);
			err = stroom_error_set(STROOM_ERROR, "could not start thread %d", i);
			break;
		}
		workers[i].started = 1;
	}
	/* the calling thread reports progress while the workers run */
	while (!err) {
		int done = atomic_load(&sh.done);
		struct timespec ts = {0, 100 * 1000 * 1000};
		if (done >= res->replicates || atomic_load(&sh.failed))
			break;
		if (o.progress && o.progress(done, res->replicates, o.payload)) {
			atomic_store(&sh.cancel, 1);
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
		o.progress(res->replicates, res->replicates, o.payload);

cleanup_workers:
	for (i = 0; i < nthreads; i++)
		workspace_free(a, &workers[i].ws);
	stroom_free(a, workers);
cleanup_mutex:
	pthread_mutex_destroy(&sh.error_lock);
cleanup:
	stroom_free(a, benefit);
	stroom_free(a, pension0);
	stroom_free(a, aow_entry);
	stroom_rules_free(own_rules);
	if (err) {
		stroom_results_free(res);
		return err;
	}
	*out = res;
	return 0;
}

void stroom_results_free(stroom_results *r)
{
	if (!r)
		return;
	stroom_free(r->alloc, r->counts);
	stroom_free(r->alloc, r->final);
	stroom_free(r->alloc, r->money);
	stroom_free(r->alloc, r);
}

int stroom_results_replicates(const stroom_results *r) { return r->replicates; }
int stroom_results_months(const stroom_results *r) { return r->months; }
stroom_month stroom_results_start(const stroom_results *r) { return r->start; }
int stroom_results_threads(const stroom_results *r) { return r->threads; }
int stroom_results_groups(const stroom_results *r) { return r->ngroups; }

const char *stroom_results_group_name(const stroom_results *r, int group)
{
	return group >= 0 && group < r->ngroups ? r->group_name[group] : NULL;
}

int stroom_results_group_index(const stroom_results *r, const char *name)
{
	int g;
	for (g = 0; g < r->ngroups; g++)
		if (strcmp(r->group_name[g], name) == 0)
			return g;
	return -1;
}

int32_t stroom_results_value(const stroom_results *r, int rep, int t, int indicator, int group)
{
	size_t idx = (((size_t)rep * (size_t)r->months + (size_t)t) * STROOM_NIND + (size_t)indicator) *
		     (size_t)r->ngroups + (size_t)group;
	return r->counts[idx];
}

int64_t stroom_results_money(const stroom_results *r, int rep, int t, int money, int group)
{
	size_t idx = (((size_t)rep * (size_t)r->months + (size_t)t) * STROOM_NMONEY + (size_t)money) *
		     (size_t)r->ngroups + (size_t)group;
	return r->money[idx];
}

int32_t stroom_results_final_caseload(const stroom_results *r, int rep, int group)
{
	return r->final[(size_t)rep * (size_t)r->ngroups + (size_t)group];
}
