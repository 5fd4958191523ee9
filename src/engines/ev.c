/*
 * ev.c: the expected-value engine (include/stroom/ev.h; docs/model.md, "The
 * expected-value engine").
 *
 * The microsimulation's model as a deterministic monthly chain over expected
 * masses. The state on the 1st of a month is the expected number of households on
 * benefit per cell: age band x distance x spell duration in months (0..D, D the
 * last month that matters, absorbing) x stream x type x area x part-time. Each
 * month mirrors the order of events of docs/model.md section 3:
 *
 *   pass A: the stock by hazard key (the cell with its duration band instead of
 *           its months): counts, benefits, the teams' clients;
 *   ages:   the month's pension exits and band crossings from the households'
 *           birth months, kept per type and area in a histogram that follows
 *           the stock (within a type, area and age band, age is taken to be
 *           independent of the other classes);
 *   pass B: every cell's mass moves along the events of the month with their
 *           probabilities (the competing-risk draw, the control, the drift,
 *           a band crossing) into next month's cells;
 *   units:  the starting households who reach pension age within the run are
 *           not in the cells but in units (class and birth month): their
 *           classes move as the households' do, their mass by part-time state
 *           goes through the same per-key events, and each leaves whole in its
 *           own pension month (exact, where the histograms are not); at the
 *           medium-to-long drift month a medium unit splits into the share
 *           that drifts and the rest, which it carries on as two branches;
 *   then:   the flows by group, the returns from the pool of households off
 *           benefit after a non-durable exit (by birth month), the LKS paid, the
 *           new households (inflow x composition x gate x prevention).
 *
 * Everything is sized in stroom_ev_new; stroom_ev_run only writes the
 * workspace's arrays.
 */
#include "internal.h"
#include "model.h"
#include "sim_int.h"

#include <stroom/ev.h>
#include <stroom/sim.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define NA STROOM_NAGE
#define ND STROOM_NDIST
#define NU STROOM_NDUR
#define NS STROOM_NSTREAM
#define NTY STROOM_NTYPE
/* As the microsimulation (sim.c): the benefit classes and the disregard months. */
#define NGROUPS_MAX (15 + STROOM_MAX_AREAS)

/* One month of the chain: the ages' part (pension, crossings, the 21-year line)
 * per type, area and duration band, from the histograms. */
typedef struct ages {
	double fpen[NTY][STROOM_MAX_AREAS][NU];         /* share of 55+ reaching pension */
	double cross[NTY][STROOM_MAX_AREAS][NU][NA];    /* share of a band crossing into the next */
	double crossA[NTY][STROOM_MAX_AREAS][NA];       /* ... over all durations */
	double f21[NTY][STROOM_MAX_AREAS][NU];          /* share of <27 under 21 */
	double B[NTY][STROOM_MAX_AREAS][NU][NA];        /* the histograms' band totals (after pension) */
} ages;

/* A starting household class whose age event (pension) falls within the run:
 * followed on its own, exactly (its classes move deterministically but for
 * part-time and the partial drift to long distance; x: its mass by part-time
 * state). The drift at drift.medium_to_long_months splits a medium class by
 * drift.medium_to_long_share: from then on the unit carries two branches, x
 * staying medium (1 - share of the mass) and y drifted to long distance (share,
 * in stream stroom_model_drift_stream(s), key kl); both age alike. */
typedef struct unit {
	double x[2], y[2];
	int32_t birth;
	int32_t c;                   /* month index of its event */
	int32_t k, kl;               /* the hazard keys (part-time 0) of x and y this month */
	uint8_t a, dist, d, s, ty, ar, split;
} unit;

/* returns.start_pool: steady: starting households of one class on the start
 * date (hazard cell and birth month) that can leave in the first month, n of
 * them: the pool's composition (docs/model.md step 8). */
typedef struct pool_seed {
	double n;
	int32_t birth;
	uint8_t dist, a, u, ty, ar, pt, pad[2];
} pool_seed;

static int cmp_seed(const void *x, const void *y)
{
	const pool_seed *p = x, *q = y;
	if (p->birth != q->birth)
		return p->birth < q->birth ? -1 : 1;
	return memcmp(&p->dist, &q->dist, 6);
}

/* The classes of a hazard key (looked up, not divided out, in the monthly loops). */
typedef struct keycls {
	uint8_t a, dist, u, s, ty, ar, pt, pad;
} keycls;

struct stroom_ev {
	const stroom_allocator *al;
	int T, na, ng, D, K, L, SM;   /* months, areas, groups, duration bins, LKS and sanction months */
	stroom_month start;
	int g_dist, g_area, g_dur, g_age, g_type;
	char group_name[NGROUPS_MAX][STROOM_NAME_LEN];
	/* the shape the workspace was built for */
	int n_teams, n_instruments, earnings;
	int counts_only;              /* stroom_ev_counts_only */
	size_t ncell, nkey, ngc;
	int nb;                       /* histogram bins: birth months bmin .. bmin + nb - 1 */
	stroom_month bmin;
	double n0;
	double *cell0, *cur, *nxt;    /* [cell] */
	double *S, *SL;               /* [key]: the stock on the 1st; its part in a duration
					 band's last month */
	double *ks0, *kf0, *ks1, *kf1;/* [key]: share kept in its part-time state / flipped,
					 in its age band / crossed into the next one */
	double *pev;                  /* [key][5]: work, lks, other, enforcement, part-time change */
	int *key_gc;                  /* [key]: group cell */
	keycls *kc;                   /* [key]: its classes */
	double *F;                    /* [indicator][gc]: the month's counts by group cell */
	double *FM;                   /* [money][gc] */
	double *H0, *H;               /* [ty][ar][duration band][bin]: on benefit (start, now) */
	double *P, *Pn;               /* [ty][ar][bin]: off after a non-durable exit (this
					 month's exits, the pool) */
	int32_t *pens;                /* [bin]: pension month of a birth month */
	int32_t *pensmax;             /* [bin]: the largest of pens up to the bin */
	int32_t *aow_entry;           /* [t]: age in months reaching pension age in month t + 1 */
	int64_t *ben, *norm;          /* [t][BEN_CELLS] */
	double *lks_dur, *lks_nd;     /* [L][ty][ar][a]: LKS paid by exit month (ring) */
	double *dreg;                 /* [6][ty][ar][a]: part-timers within the disregard (ring) */
	double *sanc;                 /* [SM]: sanctioned mass by month (ring) */
	uint8_t *teamtab;             /* [gc][stream]: team k + 1 */
	double *val;                  /* [t][indicator][group], t = 0..T */
	double *mon;                  /* [t][money][group] */
	stroom_params par;            /* the run's parameters, priors at their central values */
	double v[STROOM_DRAW_MAX];
	ages *agp;
	unit *u0, *u;                 /* [nu]: the starting households' units (start, running) */
	size_t nu;
	size_t *nlive;                /* [t], t = 0..T: units whose event is in month t or later
					 (they come first: sorted by event month, latest first) */
	double *SU;                   /* [key]: the units' stock on the 1st */
	pool_seed *seed;              /* [nseed]: the start pool's composition */
	size_t nseed;
};

static inline int dur_band(int d)
{
	return d < 12 ? STROOM_DUR_LT1 : d < 24 ? STROOM_DUR_1_2 : d < 60 ? STROOM_DUR_2_5 : STROOM_DUR_GT5;
}

static inline int age_band_of(int32_t age_months)
{
	return age_months < 27 * 12 ? STROOM_AGE_LT27 : age_months < 40 * 12 ? STROOM_AGE_27_39
	     : age_months < 55 * 12 ? STROOM_AGE_40_54 : STROOM_AGE_55P;
}

/* A cell: age band x distance x months on benefit, then a block of part-time x
 * stream x type x area (part-time outermost, so the half-blocks of the two
 * part-time states line up for the monthly pass). */
static inline size_t cell_of(const stroom_ev *e, int a, int dist, int d, int s, int ty, int ar, int pt)
{
	return ((((((size_t)a * ND + (size_t)dist) * (size_t)e->K + (size_t)d) * 2 + (size_t)pt) * NS +
		 (size_t)s) * NTY + (size_t)ty) * (size_t)e->na + (size_t)ar;
}

/* A hazard key: a cell with its duration band instead of its months. */
static inline size_t key_of(const stroom_ev *e, int a, int dist, int u, int s, int ty, int ar, int pt)
{
	return ((((((size_t)a * ND + (size_t)dist) * NU + (size_t)u) * 2 + (size_t)pt) * NS + (size_t)s) *
		NTY + (size_t)ty) * (size_t)e->na + (size_t)ar;
}


/* Group cell: age band x distance x duration band x type x area. */
static inline size_t gc_of(const stroom_ev *e, int a, int dist, int u, int ty, int ar)
{
	return ((((size_t)a * ND + (size_t)dist) * NU + (size_t)u) * NTY + (size_t)ty) * (size_t)e->na +
	       (size_t)ar;
}


/* [ty][ar][a] index of the small per-class tables. */
static inline size_t tra(const stroom_ev *e, int ty, int ar, int a)
{
	return ((size_t)ty * (size_t)e->na + (size_t)ar) * NA + (size_t)a;
}

static inline double clamp01(double x)
{
	return x > 0.0 ? (x < 1.0 ? x : 1.0) : 0.0;
}


/* What the engine cannot model, or a parameter set not of the workspace's shape. */
static int check_shape(const stroom_ev *e, const stroom_params *q)
{
	int k, i;
	if (q->start != e->start || q->end - q->start + 1 != e->T || q->n_areas != e->na ||
	    q->n_teams != e->n_teams || q->n_instruments != e->n_instruments)
		return stroom_error_set(STROOM_EINVAL,
					"start, end, areas, teams, instruments: not the shape of the workspace");
	for (k = 0; k < q->n_instruments; k++)
		for (i = 0; i < q->instrument[k].slots.n; i++)
			if (q->instrument[k].slots.value[i] > 0)
				return stroom_error_set(STROOM_EINVAL,
							"instruments.%s.slots: the expected-value engine does not "
							"model instrument places yet", q->instrument[k].name);
	if (q->drift_short_months > e->D || q->drift_medium_months > e->D)
		return stroom_error_set(STROOM_EINVAL, "drift: months beyond the workspace's %d", e->D);
	if (q->lks_duration_months != e->L)
		return stroom_error_set(STROOM_EINVAL, "lks.duration_months: not the workspace's %d", e->L);
	if (q->enforcement_sanction_months != e->SM)
		return stroom_error_set(STROOM_EINVAL, "enforcement.sanction_months: not the workspace's %d",
					e->SM);
	if (q->parttime_earnings_eurocent != e->earnings)
		return stroom_error_set(STROOM_EINVAL,
					"parttime.earnings_eurocent: not the workspace's (the benefit tables)");
	if (q->return_distance < 0 || q->return_distance >= ND)
		return stroom_error_set(STROOM_EINVAL, "returns.distance: out of range");
	return 0;
}

/* Units of the same class and birth month are one. */
static int cmp_unit(const void *x, const void *y)
{
	const unit *p = x, *q = y;
	if (p->birth != q->birth)
		return p->birth < q->birth ? -1 : 1;
	if (p->a != q->a)
		return p->a < q->a ? -1 : 1;
	if (p->dist != q->dist)
		return p->dist < q->dist ? -1 : 1;
	if (p->d != q->d)
		return p->d < q->d ? -1 : 1;
	if (p->s != q->s)
		return p->s < q->s ? -1 : 1;
	if (p->ty != q->ty)
		return p->ty < q->ty ? -1 : 1;
	return p->ar < q->ar ? -1 : p->ar > q->ar;
}

/* Latest event month first. */
static int cmp_unit_event(const void *x, const void *y)
{
	const unit *p = x, *q = y;
	return p->c > q->c ? -1 : p->c < q->c;
}

void stroom_ev_free(stroom_ev *e)
{
	const stroom_allocator *al;
	if (!e)
		return;
	al = e->al;
	stroom_free(al, e->cell0);
	stroom_free(al, e->S);
	stroom_free(al, e->key_gc);
	stroom_free(al, e->F);
	stroom_free(al, e->H0);
	stroom_free(al, e->pens);
	stroom_free(al, e->aow_entry);
	stroom_free(al, e->ben);
	stroom_free(al, e->lks_dur);
	stroom_free(al, e->teamtab);
	stroom_free(al, e->val);
	stroom_free(al, e->mon);
	stroom_free(al, e->agp);
	stroom_free(al, e->u0);
	stroom_free(al, e->SU);
	stroom_free(al, e->nlive);
	stroom_free(al, e->seed);
	stroom_free(al, e);
}

int stroom_ev_new(stroom_ev **out, const stroom_params *p, const stroom_population *pop,
		  const stroom_rules *rules, const stroom_allocator *al)
{
	const stroom_households *h0 = stroom_population_households(pop);
	stroom_rules *own = NULL;
	stroom_ev *e;
	int err, k, t;
	size_t i, nsmall, nlks;
	stroom_month bmin, bmax;

	*out = NULL;
	if (p->end < p->start || p->n_areas < 1 || p->n_areas > STROOM_MAX_AREAS)
		return stroom_error_set(STROOM_EINVAL, "start, end, areas: no months or areas to run");
	e = stroom_calloc(al, 1, sizeof *e);
	if (!e)
		return STROOM_ENOMEM;
	e->al = al;
	e->T = p->end - p->start + 1;
	e->start = p->start;
	e->na = p->n_areas;
	e->n_teams = p->n_teams;
	e->n_instruments = p->n_instruments;
	e->earnings = p->parttime_earnings_eurocent;
	e->L = p->lks_duration_months > 0 ? p->lks_duration_months : 0;
	e->SM = p->enforcement_sanction_months > 0 ? p->enforcement_sanction_months : 0;
	e->D = 60;
	if (p->drift_short_months > e->D)
		e->D = p->drift_short_months;
	if (p->drift_medium_months > e->D)
		e->D = p->drift_medium_months;
	e->K = e->D + 1;
	if ((err = check_shape(e, p)) != 0)
		goto fail;
	for (i = 0; i < h0->n; i++)
		if (h0->area[i] >= p->n_areas || h0->type[i] >= NTY || h0->distance[i] >= ND ||
		    h0->stream[i] >= NS) {
			err = stroom_error_set(STROOM_EINVAL, "population: household %zu has a class out of range", i);
			goto fail;
		}
	{ /* the results' group layout (sim_int.h): all | distance | areas | duration | age | type */
		const group_layout gl = stroom_group_layout(e->na);
		e->g_dist = gl.dist;
		e->g_area = gl.area;
		e->g_dur = gl.dur;
		e->g_age = gl.age;
		e->g_type = gl.type;
		e->ng = gl.n;
	}
	snprintf(e->group_name[0], STROOM_NAME_LEN, "all");
	for (k = 0; k < ND; k++)
		snprintf(e->group_name[e->g_dist + k], STROOM_NAME_LEN, "%s", stroom_distance_name(k));
	for (k = 0; k < e->na; k++)
		snprintf(e->group_name[e->g_area + k], STROOM_NAME_LEN, "%s", p->area_name[k]);
	for (k = 0; k < NU; k++)
		snprintf(e->group_name[e->g_dur + k], STROOM_NAME_LEN, "%s", stroom_duration_band_name(k));
	for (k = 0; k < NA; k++)
		snprintf(e->group_name[e->g_age + k], STROOM_NAME_LEN, "%s", stroom_age_band_name(k));
	for (k = 0; k < NTY; k++)
		snprintf(e->group_name[e->g_type + k], STROOM_NAME_LEN, "%s", stroom_type_name(k));

	if (!rules) {
		if ((err = stroom_rules_load(&own, NULL, NULL, al)) != 0)
			goto fail;
		rules = own;
	}
	e->ncell = (size_t)NA * ND * (size_t)e->K * NS * NTY * (size_t)e->na * 2;
	e->nkey = (size_t)NA * ND * NU * NS * NTY * (size_t)e->na * 2;
	e->ngc = (size_t)NA * ND * NU * NTY * (size_t)e->na;
	/* birth months: the starting households' and every new household's */
	e->aow_entry = stroom_malloc(al, (size_t)e->T * sizeof(int32_t));
	if (!e->aow_entry) {
		err = STROOM_ENOMEM;
		goto fail;
	}
	bmax = p->end + 1 - 18 * 12;
	bmin = bmax;
	for (t = 0; t < e->T; t++) {
		e->aow_entry[t] = stroom_rules_pension_age_in_month(rules, p->start + t + 1);
		if (p->start + t + 1 - e->aow_entry[t] < bmin)
			bmin = p->start + t + 1 - e->aow_entry[t];
	}
	for (i = 0; i < h0->n; i++) {
		if (h0->birth_month[i] < bmin)
			bmin = h0->birth_month[i];
		if (h0->birth_month[i] > bmax)
			bmax = h0->birth_month[i];
	}
	e->bmin = bmin;
	e->nb = bmax - bmin + 1;
	nsmall = (size_t)NTY * (size_t)e->na * NA;
	nlks = (size_t)(e->L > 0 ? e->L : 1) * nsmall;

	e->cell0 = stroom_calloc(al, 3 * e->ncell, sizeof(double));
	e->S = stroom_calloc(al, 11 * e->nkey, sizeof(double));
	e->key_gc = stroom_malloc(al, e->nkey * (sizeof(int) + sizeof(keycls)));
	e->F = stroom_calloc(al, (STROOM_NIND + STROOM_NMONEY) * e->ngc, sizeof(double));
	e->H0 = stroom_calloc(al, (2 * NU + 2) * (size_t)NTY * (size_t)e->na * (size_t)e->nb, sizeof(double));
	e->agp = stroom_malloc(al, sizeof *e->agp);
	e->pens = stroom_malloc(al, 2 * (size_t)e->nb * sizeof(int32_t));
	e->ben = stroom_malloc(al, 2 * (size_t)e->T * BEN_CELLS * sizeof(int64_t));
	e->lks_dur = stroom_calloc(al, 2 * nlks + BEN_DISREGARD_MONTHS * nsmall + (size_t)(e->SM + 1),
				   sizeof(double));
	e->teamtab = stroom_calloc(al, e->ngc * NS, 1);
	e->val = stroom_calloc(al, ((size_t)e->T + 1) * STROOM_NIND * (size_t)e->ng, sizeof(double));
	e->mon = stroom_calloc(al, (size_t)e->T * STROOM_NMONEY * (size_t)e->ng, sizeof(double));
	if (!e->cell0 || !e->S || !e->key_gc || !e->F || !e->H0 || !e->pens || !e->ben || !e->lks_dur ||
	    !e->teamtab || !e->val || !e->mon || !e->agp) {
		err = STROOM_ENOMEM;
		goto fail;
	}
	e->cur = e->cell0 + e->ncell;
	e->nxt = e->cur + e->ncell;
	e->kc = (keycls *)(void *)(e->key_gc + e->nkey);
	e->SL = e->S + e->nkey;
	e->ks0 = e->SL + e->nkey;
	e->kf0 = e->ks0 + e->nkey;
	e->ks1 = e->kf0 + e->nkey;
	e->kf1 = e->ks1 + e->nkey;
	e->pev = e->kf1 + e->nkey; /* 5 per key */
	e->FM = e->F + STROOM_NIND * e->ngc;
	e->H = e->H0 + (size_t)NTY * (size_t)e->na * NU * (size_t)e->nb;
	e->P = e->H + (size_t)NTY * (size_t)e->na * NU * (size_t)e->nb;
	e->Pn = e->P + (size_t)NTY * (size_t)e->na * (size_t)e->nb;
	e->norm = e->ben + (size_t)e->T * BEN_CELLS;
	e->lks_nd = e->lks_dur + nlks;
	e->dreg = e->lks_nd + nlks;
	e->sanc = e->dreg + BEN_DISREGARD_MONTHS * nsmall;
	{
		int a, dist, u, s, ty, ar, pt;
		for (a = 0; a < NA; a++)
			for (dist = 0; dist < ND; dist++)
				for (u = 0; u < NU; u++)
					for (s = 0; s < NS; s++)
						for (ty = 0; ty < NTY; ty++)
							for (ar = 0; ar < e->na; ar++)
								for (pt = 0; pt < 2; pt++) {
									size_t kk = key_of(e, a, dist, u, s, ty, ar, pt);
									keycls c = {(uint8_t)a, (uint8_t)dist, (uint8_t)u, (uint8_t)s,
										    (uint8_t)ty, (uint8_t)ar, (uint8_t)pt, 0};
									e->key_gc[kk] = (int)gc_of(e, a, dist, u, ty, ar);
									e->kc[kk] = c;
								}
	}
	e->pensmax = e->pens + e->nb;
	for (k = 0; k < e->nb; k++) {
		e->pens[k] = bmin + k + stroom_rules_pension_age_months(rules, bmin + k);
		e->pensmax[k] = k > 0 && e->pensmax[k - 1] > e->pens[k] ? e->pensmax[k - 1] : e->pens[k];
	}
	if ((err = stroom_sim_benefit_tables(rules, p, e->T, e->ben, e->norm)) != 0)
		goto fail;
	/* the starting households: those whose age event falls within the run as
	 * units (one per class and birth month), the others into the cells */
	e->SU = stroom_calloc(al, e->nkey, sizeof(double));
	e->u0 = stroom_malloc(al, 2 * (h0->n ? h0->n : 1) * sizeof(unit)); /* at the start and running */
	e->nlive = stroom_calloc(al, (size_t)e->T + 2, sizeof(size_t));
	if (!e->SU || !e->u0 || !e->nlive) {
		err = STROOM_ENOMEM;
		goto fail;
	}
	for (i = 0; i < h0->n; i++) {
		static const int32_t top[NA - 1] = {27 * 12, 40 * 12, 55 * 12};
		int32_t d = p->start - h0->spell_start[i], b = h0->birth_month[i], tc;
		int ty = h0->type[i], ar = h0->area[i], a = age_band_of(p->start - b), pt = h0->parttime[i] ? 1 : 0;
		if (d < 0)
			d = 0;
		if (d > e->D)
			d = e->D;
		tc = a == NA - 1 ? b + stroom_rules_pension_age_months(rules, b) - p->start
				 : b + top[a] - 1 - p->start;
		if (tc < 0)
			tc = 0;
		if (a == NA - 1 && tc < e->T) {
			unit un;
			memset(&un, 0, sizeof un);
			un.x[pt] = 1.0;
			un.birth = b;
			un.c = tc;
			un.a = (uint8_t)a;
			un.dist = h0->distance[i];
			un.d = (uint8_t)d;
			un.s = h0->stream[i];
			un.ty = (uint8_t)ty;
			un.ar = (uint8_t)ar;
			un.k = (int32_t)key_of(e, a, un.dist, dur_band(d), un.s, ty, ar, 0);
			un.kl = -1;
			e->u0[e->nu++] = un;
			continue;
		}
		e->cell0[cell_of(e, a, h0->distance[i], d, h0->stream[i], ty, ar, pt)] += 1.0;
		e->H0[(((size_t)ty * (size_t)e->na + (size_t)ar) * NU + (size_t)dur_band(d)) * (size_t)e->nb +
		      (size_t)(b - bmin)] += 1.0;
	}
	if (e->nu > 0) { /* one unit per class and birth month */
		size_t j, n = 0;
		qsort(e->u0, e->nu, sizeof(unit), cmp_unit);
		for (j = 0; j < e->nu; j++) {
			if (n > 0 && cmp_unit(&e->u0[n - 1], &e->u0[j]) == 0) {
				e->u0[n - 1].x[0] += e->u0[j].x[0];
				e->u0[n - 1].x[1] += e->u0[j].x[1];
			} else {
				e->u0[n++] = e->u0[j];
			}
		}
		e->nu = n;
		qsort(e->u0, e->nu, sizeof(unit), cmp_unit_event);
	}
	for (k = 0; k <= e->T; k++) {
		size_t j = 0;
		while (j < e->nu && e->u0[j].c >= k)
			j++;
		e->nlive[k] = j;
	}
	e->u = e->u0 + e->nu;
	e->n0 = (double)h0->n;
	{
		/* the start pool's composition (returns.start_pool: steady, which
		 * stroom_ev_run's parameters may set): the starting households that can
		 * leave in the first month (pension later), one seed per hazard cell and
		 * birth month */
		size_t j, n = 0;
		e->seed = stroom_malloc(al, (h0->n ? h0->n : 1) * sizeof *e->seed);
		if (!e->seed) {
			err = STROOM_ENOMEM;
			goto fail;
		}
		for (i = 0; i < h0->n; i++) {
			const int32_t b = h0->birth_month[i];
			pool_seed sd;
			if (b + stroom_rules_pension_age_months(rules, b) <= p->start)
				continue;
			memset(&sd, 0, sizeof sd);
			sd.n = 1.0;
			sd.birth = b;
			sd.dist = h0->distance[i];
			sd.a = (uint8_t)age_band_of(p->start - b);
			sd.u = (uint8_t)dur_band(p->start - h0->spell_start[i] > 0 ? p->start - h0->spell_start[i] : 0);
			sd.ty = h0->type[i];
			sd.ar = h0->area[i];
			sd.pt = h0->parttime[i] ? 1 : 0;
			e->seed[e->nseed++] = sd;
		}
		qsort(e->seed, e->nseed, sizeof *e->seed, cmp_seed);
		for (j = 0; j < e->nseed; j++) {
			if (n > 0 && cmp_seed(&e->seed[n - 1], &e->seed[j]) == 0)
				e->seed[n - 1].n += 1.0;
			else
				e->seed[n++] = e->seed[j];
		}
		e->nseed = n;
	}
	stroom_rules_free(own);
	*out = e;
	return 0;
fail:
	stroom_rules_free(own);
	stroom_ev_free(e);
	return err;
}

void stroom_ev_counts_only(stroom_ev *e, int on) { e->counts_only = on != 0; }

int stroom_ev_months(const stroom_ev *e) { return e->T; }
int stroom_ev_groups(const stroom_ev *e) { return e->ng; }

const char *stroom_ev_group_name(const stroom_ev *e, int group)
{
	return group >= 0 && group < e->ng ? e->group_name[group] : NULL;
}

int stroom_ev_group_index(const stroom_ev *e, const char *name)
{
	int g;
	for (g = 0; g < e->ng; g++)
		if (strcmp(e->group_name[g], name) == 0)
			return g;
	return -1;
}

double stroom_ev_value(const stroom_ev *e, int t, int indicator, int group)
{
	if (t < 0 || t > e->T || indicator < 0 || indicator >= STROOM_NIND || group < 0 || group >= e->ng ||
	    (t == e->T && indicator != STROOM_IND_CASELOAD))
		return 0.0;
	return e->val[((size_t)t * STROOM_NIND + (size_t)indicator) * (size_t)e->ng + (size_t)group];
}

double stroom_ev_money(const stroom_ev *e, int t, int money, int group)
{
	if (t < 0 || t >= e->T || money < 0 || money >= STROOM_NMONEY || group < 0 || group >= e->ng)
		return 0.0;
	return e->mon[((size_t)t * STROOM_NMONEY + (size_t)money) * (size_t)e->ng + (size_t)group];
}

/* Adds x to the six groups of a group cell. */
static inline void add_groups(const stroom_ev *e, double *row, int a, int dist, int u, int ty, int ar, double x)
{
	row[0] += x;
	row[e->g_dist + dist] += x;
	row[e->g_area + ar] += x;
	row[e->g_dur + u] += x;
	row[e->g_age + a] += x;
	row[e->g_type + ty] += x;
}

/* Band ranges of birth months in month m: band a holds births [lo, hi]. */
static void band_births(stroom_month m, stroom_month bmin, stroom_month bmax, stroom_month lo[NA],
			stroom_month hi[NA])
{
	static const int32_t top[NA] = {27 * 12, 40 * 12, 55 * 12, 0};
	int a;
	for (a = 0; a < NA; a++) {
		hi[a] = a == 0 ? bmax : m - top[a - 1];
		lo[a] = a == NA - 1 ? bmin : m - top[a] + 1;
		if (lo[a] < bmin)
			lo[a] = bmin;
		if (hi[a] > bmax)
			hi[a] = bmax;
	}
}


/*
 * The month's ages from the histograms: the pension exits (birth months whose
 * pension month has come: bins [*pz, end of the prefix), zeroed in the
 * histograms and the pool), the share of each band crossing into the next on the
 * 1st of m + 1 (one birth month per band), the share under 21. Sb: the stock by
 * type, area, duration band and age band (from the chain).
 */
static void month_ages(stroom_ev *e, stroom_month m, const stroom_month blo[NA], const stroom_month bhi[NA],
		       const double Sb[NTY][STROOM_MAX_AREAS][NU][NA], int *pz, ages *g)
{
	static const int32_t top[NA - 1] = {27 * 12, 40 * 12, 55 * 12};
	const int na = e->na, nb = e->nb;
	int ty, ar, u, a, pe = *pz, b;
	while (pe < nb && e->pensmax[pe] <= m)
		pe++;
	for (ty = 0; ty < NTY; ty++)
		for (ar = 0; ar < na; ar++) {
			double cm[NA] = {0, 0, 0, 0}, bm[NA] = {0, 0, 0, 0};
			double *pn = e->Pn + ((size_t)ty * (size_t)na + (size_t)ar) * (size_t)nb;
			for (b = *pz; b < pe; b++)
				pn[b] = 0;
			for (u = 0; u < NU; u++) {
				double *h = e->H + (((size_t)ty * (size_t)na + (size_t)ar) * NU + (size_t)u) * (size_t)nb;
				double pen = 0, young = 0, B3 = Sb[ty][ar][u][NA - 1];
				stroom_month bb;
				for (b = *pz; b < pe; b++) {
					pen += h[b];
					h[b] = 0;
				}
				for (a = 0; a < NA; a++)
					g->B[ty][ar][u][a] = Sb[ty][ar][u][a];
				g->fpen[ty][ar][u] = B3 > 0 ? (pen < B3 ? pen / B3 : 1.0) : 0.0;
				g->B[ty][ar][u][NA - 1] = B3 > pen ? B3 - pen : 0.0;
				for (a = 0; a < NA - 1; a++) {
					/* the birth month reaching the band's top age on the 1st of m + 1 */
					stroom_month bc = m + 1 - top[a];
					double x = bc >= blo[a] && bc <= bhi[a] ? h[bc - e->bmin] : 0.0;
					double B = g->B[ty][ar][u][a];
					g->cross[ty][ar][u][a] = B > 0 ? (x < B ? x / B : 1.0) : 0.0;
					cm[a] += x;
					bm[a] += B;
				}
				g->cross[ty][ar][u][NA - 1] = 0;
				for (bb = m - 21 * 12 + 1 > blo[0] ? m - 21 * 12 + 1 : blo[0]; bb <= bhi[0]; bb++)
					young += h[bb - e->bmin];
				g->f21[ty][ar][u] = g->B[ty][ar][u][0] > 0 ? young / g->B[ty][ar][u][0] : 0.0;
				if (g->f21[ty][ar][u] > 1)
					g->f21[ty][ar][u] = 1;
			}
			for (a = 0; a < NA; a++)
				g->crossA[ty][ar][a] = bm[a] > 0 ? cm[a] / bm[a] : 0.0;
		}
	*pz = pe;
}

int stroom_ev_run(stroom_ev *e, const stroom_params *q)
{
	stroom_params *p = &e->par;
	const int T = e->T, na = e->na, ng = e->ng, K = e->K, D = e->D, nb = e->nb;
	const size_t HB = (size_t)NS * NTY * (size_t)na, IB = 2 * HB, JB = (size_t)NTY * (size_t)na;
	const size_t nsmall = (size_t)NTY * (size_t)na * NA, nh = (size_t)NTY * (size_t)na * NU * (size_t)nb;
	const stroom_month bmax = e->bmin + nb - 1;
	double lam, prev_stock;
	ages *g = e->agp;
	int err, t, pz = 0;
	size_t i;

	if ((err = check_shape(e, q)) != 0)
		return err;
	memcpy(p, q, sizeof *p);
	stroom_params_draw_values(q, 0, 1, e->v);
	stroom_params_apply_values(q, e->v, p);
	lam = stroom_model_return_hazard(p);
	memcpy(e->cur, e->cell0, e->ncell * sizeof(double));
	memcpy(e->H, e->H0, nh * sizeof(double));
	if (e->nu > 0)
		memcpy(e->u, e->u0, e->nu * sizeof(unit));
	memset(e->P, 0, 2 * (size_t)NTY * (size_t)na * (size_t)nb * sizeof(double));
	{ /* returns.start_pool: steady: the pool off benefit at the start by type,
	     area and birth month, each starting household's probability of an exit to
	     work or with LKS in the first month times q / lambda (as sim.c's
	     pool_weights and pool_mean; there the members who return after the run
	     are not drawn) */
		const double per = e->nseed > 0 ? stroom_model_start_pool_per_exit(p) : 0.0;
		if (per > 0.0) {
			const double f = stroom_model_month_factor(p, e->start);
			for (i = 0; i < e->nseed; i++) {
				const pool_seed *sd = &e->seed[i];
				double h[3];
				stroom_model_cell_hazards(p, f, sd->dist, sd->a, sd->u,
							  stroom_model_work_band(p, e->start, sd->u), sd->ty, sd->ar,
							  sd->pt, h);
				e->Pn[((size_t)sd->ty * (size_t)na + (size_t)sd->ar) * (size_t)nb +
				      (size_t)(sd->birth - e->bmin)] += sd->n * stroom_model_start_exit(p, h, sd->pt) * per;
			}
		}
	}
	memset(e->lks_dur, 0, (2 * (size_t)(e->L > 0 ? e->L : 1) * nsmall + BEN_DISREGARD_MONTHS * nsmall +
			       (size_t)(e->SM + 1)) * sizeof(double));
	memset(e->val, 0, ((size_t)T + 1) * STROOM_NIND * (size_t)ng * sizeof(double));
	memset(e->mon, 0, (size_t)T * STROOM_NMONEY * (size_t)ng * sizeof(double));
	prev_stock = e->n0;

	for (t = 0; t <= T; t++) {
		const stroom_month m = e->start + t;
		double *S = e->S, *SL = e->SL, *cur = e->cur, *nxt = e->nxt;
		double *row = e->val + (size_t)t * STROOM_NIND * (size_t)ng;
		double survU[NTY][STROOM_MAX_AREAS][NU][NA], moveU[NTY][STROOM_MAX_AREAS][NU][NA];
		double ndexit[NTY][STROOM_MAX_AREAS][NU][NA];
		double ptkeep[NTY][STROOM_MAX_AREAS][NA], ptmass[NTY][STROOM_MAX_AREAS][NA];
		double pton[NTY][STROOM_MAX_AREAS][NA], lksexit[NTY][STROOM_MAX_AREAS][NA];
		double team_mult[STROOM_MAX_TEAMS], clients[STROOM_MAX_TEAMS + 1];
		double bk[NTY][STROOM_MAX_AREAS][NU][NA][2];
		stroom_month blo[NA], bhi[NA];
		double dcut[BEN_CELLS], delta[NTY][STROOM_MAX_AREAS][NA];
		const int64_t *bn = e->ben + (size_t)t * BEN_CELLS;
		double stock = 0, tw, tnd, nd, control_p, cut_ts, month_factor, sigma;
		int a, dist, d, u, s, ty, ar, pt, k;

		/* pass A: the stock on the 1st by hazard key; SL: the part in a duration
		 * band's last month (it moves to the next band) */
		memset(S, 0, 2 * e->nkey * sizeof(double));
		for (a = 0; a < NA; a++)
			for (dist = 0; dist < ND; dist++)
				for (d = 0; d < K; d++) {
					const double *c = cur + cell_of(e, a, dist, d, 0, 0, 0, 0);
					size_t kb = key_of(e, a, dist, dur_band(d), 0, 0, 0, 0);
					double *sk = S + kb;
					for (i = 0; i < IB; i++)
						sk[i] += c[i];
					if (d == 11 || d == 23 || d == 59) {
						double *sl = SL + kb;
						for (i = 0; i < IB; i++)
							sl[i] += c[i];
					}
				}
		/* the units' stock by hazard key */
		memset(e->SU, 0, e->nkey * sizeof(double));
		for (i = 0; i < e->nlive[t]; i++) {
			const unit *un = &e->u[i];
			size_t kk;
			kk = (size_t)un->k;
			e->SU[kk] += un->x[0];
			e->SU[kk + HB] += un->x[1];
			if (un->split) {
				kk = (size_t)un->kl;
				e->SU[kk] += un->y[0];
				e->SU[kk + HB] += un->y[1];
			}
		}
		memset(e->F, 0, (STROOM_NIND + STROOM_NMONEY) * e->ngc * sizeof(double));
		for (i = 0; i < e->nkey; i++) {
			const double x = S[i] + e->SU[i];
			e->F[STROOM_IND_CASELOAD * e->ngc + (size_t)e->key_gc[i]] += x;
			if (e->kc[i].pt)
				e->F[STROOM_IND_PARTTIME * e->ngc + (size_t)e->key_gc[i]] += x;
			stock += x;
		}
		if (t == T) {
			for (a = 0; a < NA; a++)
				for (dist = 0; dist < ND; dist++)
					for (u = 0; u < NU; u++)
						for (ty = 0; ty < NTY; ty++)
							for (ar = 0; ar < na; ar++)
								add_groups(e, row, a, dist, u, ty, ar,
									   e->F[STROOM_IND_CASELOAD * e->ngc +
										gc_of(e, a, dist, u, ty, ar)]);
			break;
		}

		/* ages: pension, band crossings and the 21-year line from the histograms */
		band_births(m, e->bmin, bmax, blo, bhi);
		{
			double Sb[NTY][STROOM_MAX_AREAS][NU][NA];
			memset(Sb, 0, sizeof Sb);
			for (i = 0; i < e->nkey; i++) {
				const keycls c = e->kc[i];
				Sb[c.ty][c.ar][c.u][c.a] += S[i];
			}
			month_ages(e, m, blo, bhi, (const double(*)[STROOM_MAX_AREAS][NU][NA])Sb, &pz, g);
		}

		/* teams: which team serves each group cell and stream, their clients on
		 * the 1st (the expected stock) and their multiplier */
		if (p->n_teams > 0) {
			int active[STROOM_MAX_TEAMS];
			for (k = 0; k < p->n_teams; k++)
				active[k] = stroom_series_at(&p->team[k].fte, m, 0.0) > 0.0;
			memset(clients, 0, sizeof clients);
			for (a = 0; a < NA; a++)
				for (dist = 0; dist < ND; dist++)
					for (u = 0; u < NU; u++)
						for (ty = 0; ty < NTY; ty++)
							for (ar = 0; ar < na; ar++)
								for (s = 0; s < NS; s++) {
									uint8_t tm = 0;
									size_t kk = key_of(e, a, dist, u, s, ty, ar, 0);
									for (k = 0; k < p->n_teams; k++)
										if (active[k] &&
										    stroom_model_selects(&p->team[k].serves, dist, u, a,
												    ty, ar, s)) {
											tm = (uint8_t)(k + 1);
											break;
										}
									e->teamtab[gc_of(e, a, dist, u, ty, ar) * NS + (size_t)s] = tm;
									clients[tm] += S[kk] + S[kk + HB] + e->SU[kk] +
										       e->SU[kk + HB];
								}
			for (k = 0; k < p->n_teams; k++) {
				double nk = floor(clients[k + 1] + 0.5);
				double intensity = stroom_model_team_intensity(
					p->team[k].reference, stroom_series_at(&p->team[k].fte, m, 0.0),
					(int32_t)(nk < 2e9 ? nk : 2e9), p->capacity_intensity_cap);
				team_mult[k] = stroom_model_team_multiplier(intensity, e->v[STROOM_DRAW_ELASTICITY]);
			}
		}
		{
			double pressure = stroom_model_targets_pressure(p, m), ps = floor(prev_stock + 0.5);
			tw = stroom_model_targets(pressure, e->v[STROOM_DRAW_TARGETS_WORK]);
			tnd = stroom_model_targets(pressure, e->v[STROOM_DRAW_TARGETS_NONDURABLE]);
			nd = clamp01(stroom_model_nondurable(p, tnd, 1.0, 1.0));
			control_p = clamp01(stroom_model_control_prob(p, m, (int32_t)(ps < 2e9 ? ps : 2e9),
								      e->v[STROOM_DRAW_DETECTION]));
			cut_ts = control_p * clamp01(p->enforcement_termination_share);
			month_factor = stroom_model_month_factor(p, m);
		}

		/* the events' probabilities and the shares kept, by hazard key */
		for (a = 0; a < NA; a++)
			for (dist = 0; dist < ND; dist++)
				for (u = 0; u < NU; u++)
					for (s = 0; s < NS; s++)
						for (ty = 0; ty < NTY; ty++)
							for (ar = 0; ar < na; ar++)
								for (pt = 0; pt < 2; pt++) {
									size_t kk = key_of(e, a, dist, u, s, ty, ar, pt);
									double *pe = e->pev + 5 * kk, h[3], th[5], fp, c, keep, flip;
									/* an empty key: its cells are 0 (its shares
									 * from an earlier month, finite, multiply 0) */
									if (S[kk] == 0 && e->SU[kk] == 0)
										continue;
									stroom_model_cell_hazards(p, month_factor, dist, a, u,
												  stroom_model_work_band(p, m, u),
												  ty, ar, pt, h);
									h[0] *= tw;
									if (p->n_teams > 0) {
										int tm = e->teamtab[gc_of(e, a, dist, u, ty, ar) * NS +
												    (size_t)s];
										if (tm)
											h[0] *= team_mult[tm - 1];
									}
									stroom_model_risks(p, h[0], h[1], h[2], pt, th);
									pe[0] = th[0];
									pe[1] = th[1] - th[0];
									pe[2] = th[2] - th[1];
									pe[3] = th[3] - th[2];
									pe[4] = th[4] - th[3];
									fp = a == NA - 1 ? g->fpen[ty][ar][u] : 0.0;
									c = g->cross[ty][ar][u][a];
									keep = (1 - fp) * (1 - th[4]) * (1 - cut_ts);
									flip = (1 - fp) * pe[4] * (1 - cut_ts);
									e->ks0[kk] = keep * (1 - c);
									e->kf0[kk] = flip * (1 - c);
									e->ks1[kk] = keep * c;
									e->kf1[kk] = flip * c;
								}

		/* money: the expected benefit of a household on benefit by type, area,
		 * duration and age band and part-time state (the disregard months and
		 * sanctions as shares of the class) */
		if (!e->counts_only) {
			const int64_t *nr = e->norm + (size_t)t * BEN_CELLS;
			double sanctioned = 0;
			for (k = 0; k < e->SM; k++)
				sanctioned += e->sanc[k];
			sigma = stock > 0 ? sanctioned / stock : 0.0;
			for (k = 0; k < BEN_CELLS; k++)
				dcut[k] = (double)(bn[k] - stroom_model_sanctioned(p, bn[k], nr[k]));
			memset(ptmass, 0, sizeof ptmass);
			for (i = 0; i < e->nkey; i++) {
				const keycls c = e->kc[i];
				if (c.pt)
					ptmass[c.ty][c.ar][c.a] += S[i] + e->SU[i];
			}
			for (ty = 0; ty < NTY; ty++)
				for (ar = 0; ar < na; ar++)
					for (a = 0; a < NA; a++) {
						double dsum = 0;
						for (k = 0; k < BEN_DISREGARD_MONTHS; k++)
							dsum += e->dreg[(size_t)k * nsmall + tra(e, ty, ar, a)];
						delta[ty][ar][a] = ptmass[ty][ar][a] > 0 ? dsum / ptmass[ty][ar][a] : 0.0;
						if (delta[ty][ar][a] > 1)
							delta[ty][ar][a] = 1;
					}
			for (ty = 0; ty < NTY; ty++)
				for (ar = 0; ar < na; ar++)
					for (u = 0; u < NU; u++)
						for (a = 0; a < NA; a++) {
							double wac[BEN_AGE] = {0, 0, 0};
							int ac, ps;
							if (a == 0) {
								wac[0] = g->f21[ty][ar][u];
								wac[1] = 1 - g->f21[ty][ar][u];
							} else {
								wac[2] = 1;
							}
							for (pt = 0; pt < 2; pt++) {
								double amt = 0, dl = delta[ty][ar][a];
								for (ac = 0; ac < BEN_AGE; ac++)
									for (ps = 0; ps < BEN_PT; ps++) {
										double wp = !pt ? (ps == 0) : ps == 1 ? dl : ps == 2 ? 1 - dl : 0;
										int bc = (ty * BEN_AGE + ac) * BEN_PT + ps;
										if (wac[ac] * wp > 0)
											amt += wac[ac] * wp * ((double)bn[bc] - sigma * dcut[bc]);
									}
								bk[ty][ar][u][a][pt] = amt;
							}
						}
			for (i = 0; i < e->nkey; i++) {
				size_t gg = (size_t)e->key_gc[i];
				if (S[i] == 0 && e->SU[i] == 0)
					continue;
				e->FM[STROOM_MONEY_BENEFIT * e->ngc + gg] +=
					(S[i] + e->SU[i]) * bk[e->kc[i].ty][e->kc[i].ar][e->kc[i].u][e->kc[i].a][e->kc[i].pt];
			}
		}

		/* pass B: every cell's mass into next month's cells: one month older in
		 * its spell, drifted, part-time changed, into the next age band */
		memset(nxt, 0, e->ncell * sizeof(double));
		for (a = 0; a < NA; a++)
			for (dist = 0; dist < ND; dist++)
				for (d = 0; d < K; d++) {
					int d1 = d < D ? d + 1 : D, dist1 = dist, str_change = 0;
					int dc = stroom_model_clock_months(p, d, t); /* approach_clock */
					u = dur_band(d);
					if (dist == STROOM_DIST_SHORT && dc + 1 == p->drift_short_months)
						dist1 = STROOM_DIST_MEDIUM;
					else if (dist == STROOM_DIST_MEDIUM && dc + 1 == p->drift_medium_months) {
						dist1 = STROOM_DIST_LONG;
						str_change = 1;
					}
					{
						const double *c = cur + cell_of(e, a, dist, d, 0, 0, 0, 0);
						const size_t kb = key_of(e, a, dist, u, 0, 0, 0, 0);
						const double *ks0 = e->ks0 + kb, *kf0 = e->kf0 + kb;
						const double *ks1 = e->ks1 + kb, *kf1 = e->kf1 + kb;
						double *n0 = nxt + cell_of(e, a, dist1, d1, 0, 0, 0, 0);
						double *n1 = a + 1 < NA ? nxt + cell_of(e, a + 1, dist1, d1, 0, 0, 0, 0) : NULL;
						size_t j;
						if (!str_change && n1) {
							for (j = 0; j < HB; j++) {
								double x0 = c[j], x1 = c[HB + j];
								n0[j] += x0 * ks0[j] + x1 * kf0[HB + j];
								n0[HB + j] += x1 * ks0[HB + j] + x0 * kf0[j];
								n1[j] += x0 * ks1[j] + x1 * kf1[HB + j];
								n1[HB + j] += x1 * ks1[HB + j] + x0 * kf1[j];
							}
						} else if (!str_change) {
							for (j = 0; j < HB; j++) {
								double x0 = c[j], x1 = c[HB + j];
								n0[j] += x0 * ks0[j] + x1 * kf0[HB + j];
								n0[HB + j] += x1 * ks0[HB + j] + x0 * kf0[j];
							}
						} else {
							/* the drift to long distance (a share drift.medium_to_long_share;
							 * the rest stay medium, in m0 and m1): the werk stream goes to
							 * prestatie010 */
							const double sh = p->drift_long_share, st = 1.0 - sh;
							double *m0 = nxt + cell_of(e, a, dist, d1, 0, 0, 0, 0);
							double *m1 = n1 ? nxt + cell_of(e, a + 1, dist, d1, 0, 0, 0, 0) : NULL;
							for (j = 0; j < HB; j++) {
								double x0 = c[j], x1 = c[HB + j], v0, v1;
								size_t j1 = j / JB == STROOM_STREAM_WERK ? j + (STROOM_STREAM_PRESTATIE -
													     STROOM_STREAM_WERK) * JB : j;
								v0 = x0 * ks0[j] + x1 * kf0[HB + j];
								v1 = x1 * ks0[HB + j] + x0 * kf0[j];
								n0[j1] += sh * v0, n0[HB + j1] += sh * v1;
								m0[j] += st * v0, m0[HB + j] += st * v1;
								if (n1) {
									v0 = x0 * ks1[j] + x1 * kf1[HB + j];
									v1 = x1 * ks1[HB + j] + x0 * kf1[j];
									n1[j1] += sh * v0, n1[HB + j1] += sh * v1;
									m1[j] += st * v0, m1[HB + j] += st * v1;
								}
							}
						}
					}
				}

		/* the month's flows by group cell, and by type, area (duration) and age
		 * band for the histograms, the pool, the LKS and the disregard months */
		/* the units reaching pension age: counted and paid, then out */
		for (i = e->nlive[t + 1]; i < e->nlive[t]; i++) {
			const unit *un = &e->u[i];
			e->F[STROOM_IND_EXIT_PENSION * e->ngc + (size_t)e->key_gc[un->k]] += un->x[0] + un->x[1];
			e->SU[un->k] -= un->x[0];
			e->SU[(size_t)un->k + HB] -= un->x[1];
			if (un->split) {
				e->F[STROOM_IND_EXIT_PENSION * e->ngc + (size_t)e->key_gc[un->kl]] += un->y[0] + un->y[1];
				e->SU[un->kl] -= un->y[0];
				e->SU[(size_t)un->kl + HB] -= un->y[1];
			}
		}
		memset(survU, 0, sizeof survU);
		memset(moveU, 0, sizeof moveU);
		memset(ndexit, 0, sizeof ndexit);
		memset(ptkeep, 0, sizeof ptkeep);
		memset(pton, 0, sizeof pton);
		memset(lksexit, 0, sizeof lksexit);
		{
			double sanctions_new = 0, surv_all = 0;
			for (i = 0; i < e->nkey; i++) {
				const double x = S[i], *pe = e->pev + 5 * i;
				const size_t gg = (size_t)e->key_gc[i];
				double fp, xm, xo, stay, found, kept;
				if (x == 0 && e->SU[i] == 0)
					continue;
				ty = e->kc[i].ty;
				ar = e->kc[i].ar;
				a = e->kc[i].a;
				u = e->kc[i].u;
				fp = a == NA - 1 ? g->fpen[ty][ar][u] : 0.0;
				xm = x * (1 - fp);
				xo = xm + e->SU[i]; /* the cells' and the units' (their pension is out) */
				e->F[STROOM_IND_EXIT_PENSION * e->ngc + gg] += x * fp;
				e->F[STROOM_IND_EXIT_WORK * e->ngc + gg] += xo * pe[0];
				e->F[STROOM_IND_EXIT_LKS * e->ngc + gg] += xo * pe[1];
				e->F[STROOM_IND_EXIT_OTHER * e->ngc + gg] += xo * pe[2];
				stay = xo * (1 - pe[0] - pe[1] - pe[2] - pe[3]);
				found = stay * control_p;
				e->F[STROOM_IND_EXIT_ENFORCEMENT * e->ngc + gg] += xo * pe[3] + stay * cut_ts;
				e->F[STROOM_IND_TERMINATIONS * e->ngc + gg] += stay * cut_ts;
				if (e->SM > 0)
					e->F[STROOM_IND_SANCTIONS * e->ngc + gg] += found - stay * cut_ts;
				e->FM[STROOM_MONEY_RECOVERIES * e->ngc + gg] +=
					found * (double)p->enforcement_recovery_eurocent;
				kept = stay * (1 - cut_ts);
				survU[ty][ar][u][a] += xm * (1 - pe[0] - pe[1] - pe[2] - pe[3]) * (1 - cut_ts);
				if (SL[i] > 0)
					moveU[ty][ar][u][a] += SL[i] * (1 - fp) * (1 - pe[0] - pe[1] - pe[2] - pe[3]) *
							       (1 - cut_ts);
				surv_all += kept;
				ndexit[ty][ar][u][a] += xm * (pe[0] + pe[1]) * nd;
				lksexit[ty][ar][a] += xo * pe[1];
				if (e->kc[i].pt)
					ptkeep[ty][ar][a] += xo * (1 - pe[0] - pe[1] - pe[2] - pe[3] - pe[4]) * (1 - cut_ts);
				else
					pton[ty][ar][a] += xo * pe[4] * (1 - cut_ts);
				if (e->SM > 0)
					sanctions_new += found - stay * cut_ts;
			}
			/* the units that stay: their non-durable exits into the pool by
			 * birth month, their survivors one month on, drifted */
			for (i = 0; i < e->nlive[t + 1]; i++) {
				unit *un = &e->u[i];
				const double *p0 = e->pev + 5 * (size_t)un->k, *p1 = p0 + 5 * HB;
				const double x0 = un->x[0], x1 = un->x[1];
				double *pl = e->P + ((size_t)un->ty * (size_t)na + (size_t)un->ar) * (size_t)nb +
					     (size_t)(un->birth - e->bmin);
				int d1, dist1, s1, dc;
				*pl += (x0 * (p0[0] + p0[1]) + x1 * (p1[0] + p1[1])) * nd;
				un->x[0] = (x0 * (1 - p0[0] - p0[1] - p0[2] - p0[3] - p0[4]) + x1 * p1[4]) * (1 - cut_ts);
				un->x[1] = (x1 * (1 - p1[0] - p1[1] - p1[2] - p1[3] - p1[4]) + x0 * p0[4]) * (1 - cut_ts);
				if (un->split) { /* the branch drifted to long distance */
					const double *q0 = e->pev + 5 * (size_t)un->kl, *q1 = q0 + 5 * HB;
					const double y0 = un->y[0], y1 = un->y[1];
					*pl += (y0 * (q0[0] + q0[1]) + y1 * (q1[0] + q1[1])) * nd;
					un->y[0] = (y0 * (1 - q0[0] - q0[1] - q0[2] - q0[3] - q0[4]) + y1 * q1[4]) * (1 - cut_ts);
					un->y[1] = (y1 * (1 - q1[0] - q1[1] - q1[2] - q1[3] - q1[4]) + y0 * q0[4]) * (1 - cut_ts);
				}
				d1 = un->d < D ? un->d + 1 : D;
				dc = stroom_model_clock_months(p, un->d, t); /* approach_clock */
				dist1 = un->dist;
				s1 = un->s;
				if (un->dist == STROOM_DIST_SHORT && dc + 1 == p->drift_short_months) {
					dist1 = STROOM_DIST_MEDIUM;
				} else if (un->dist == STROOM_DIST_MEDIUM && !un->split &&
					   dc + 1 == p->drift_medium_months) {
					/* drift.medium_to_long_share of it drifts (sim.c's draw) */
					const double sh = clamp01(p->drift_long_share);
					if (sh >= 1.0) {
						dist1 = STROOM_DIST_LONG;
						s1 = stroom_model_drift_stream(s1, dist1);
					} else if (sh > 0.0) {
						un->split = 1;
						un->y[0] = un->x[0] * sh;
						un->y[1] = un->x[1] * sh;
						un->x[0] *= 1.0 - sh;
						un->x[1] *= 1.0 - sh;
					}
				}
				if (d1 != un->d || dist1 != un->dist || (un->split && un->kl < 0)) {
					un->d = (uint8_t)d1;
					un->dist = (uint8_t)dist1;
					un->s = (uint8_t)s1;
					un->k = (int32_t)key_of(e, NA - 1, dist1, dur_band(d1), s1, un->ty, un->ar, 0);
					if (un->split)
						un->kl = (int32_t)key_of(e, NA - 1, STROOM_DIST_LONG, dur_band(d1),
									 stroom_model_drift_stream(s1, STROOM_DIST_LONG),
									 un->ty, un->ar, 0);
				}
			}
			/* sanctions run on for those still on benefit: the stock's survival */
			if (e->SM > 0) {
				double sv = stock > 0 ? surv_all / stock : 0.0;
				for (k = 0; k < e->SM; k++)
					e->sanc[k] *= sv;
				e->sanc[t % e->SM] = sanctions_new;
			}
		}

		/* money: LKS paid this month for the exits with LKS of the months before
		 * (the non-durable ones until they return); by area, age band and type */
		if (!e->counts_only) {
			double *ml = e->mon + ((size_t)t * STROOM_NMONEY + STROOM_MONEY_LKS) * (size_t)ng;
			int slot;
			for (slot = 0; slot < e->L; slot++)
				for (ty = 0; ty < NTY; ty++)
					for (ar = 0; ar < na; ar++)
						for (a = 0; a < NA; a++) {
							size_t at = (size_t)slot * nsmall + tra(e, ty, ar, a);
							double x = (e->lks_dur[at] + e->lks_nd[at]) * (double)p->lks_cost_eurocent;
							if (x == 0)
								continue;
							ml[0] += x;
							ml[e->g_area + ar] += x;
							ml[e->g_age + a] += x;
							ml[e->g_type + ty] += x;
						}
			/* then the non-durable ones may return; everyone's age band moves on */
			for (slot = 0; slot < e->L; slot++)
				for (ty = 0; ty < NTY; ty++)
					for (ar = 0; ar < na; ar++)
						for (a = NA - 2; a >= 0; a--) {
							size_t at = (size_t)slot * nsmall + tra(e, ty, ar, a);
							double c = g->crossA[ty][ar][a], x;
							x = e->lks_dur[at] * c;
							e->lks_dur[at] -= x;
							e->lks_dur[at + 1] += x;
							x = e->lks_nd[at] * c;
							e->lks_nd[at] -= x;
							e->lks_nd[at + 1] += x;
						}
			for (i = 0; i < (size_t)e->L * nsmall; i++)
				e->lks_nd[i] *= 1 - lam;
			if (e->L > 0)
				for (ty = 0; ty < NTY; ty++)
					for (ar = 0; ar < na; ar++)
						for (a = 0; a < NA; a++) {
							size_t at = (size_t)(t % e->L) * nsmall + tra(e, ty, ar, a);
							e->lks_dur[at] = lksexit[ty][ar][a] * (1 - nd);
							e->lks_nd[at] = lksexit[ty][ar][a] * nd;
						}
		}
		if (!e->counts_only) {
			/* the disregard months: part-timers who stay part-time and on benefit */
			for (ty = 0; ty < NTY; ty++)
				for (ar = 0; ar < na; ar++)
					for (a = NA - 1; a >= 0; a--) {
						double sv = ptmass[ty][ar][a] > 0 ? ptkeep[ty][ar][a] / ptmass[ty][ar][a] : 0.0;
						double c = g->crossA[ty][ar][a];
						for (k = 0; k < BEN_DISREGARD_MONTHS; k++) {
							double *x = &e->dreg[(size_t)k * nsmall + tra(e, ty, ar, a)];
							*x *= sv;
							if (a + 1 < NA) {
								x[1] += *x * c;
								*x *= 1 - c;
							}
						}
					}
			for (ty = 0; ty < NTY; ty++)
				for (ar = 0; ar < na; ar++)
					for (a = 0; a < NA; a++)
						e->dreg[(size_t)(t % BEN_DISREGARD_MONTHS) * nsmall + tra(e, ty, ar, a)] =
							pton[ty][ar][a] * (1 - g->crossA[ty][ar][a]) +
							(a > 0 ? pton[ty][ar][a - 1] * g->crossA[ty][ar][a - 1] : 0.0);
		}

		/* the histograms: the stock's survivors by birth month (moving on to the
		 * next duration band with their cells); the pool of households off after
		 * a non-durable exit: its pension exits and returns in month m (on benefit
		 * from the 1st of m + 1, with their age band then), then the month's new
		 * non-durable exits */
		{
			const int rd = p->return_distance;
			const int rs = rd == STROOM_DIST_LONG ? STROOM_STREAM_PRESTATIE : STROOM_STREAM_WERK;
			double *rr = row + STROOM_IND_INFLOW_RETURN * (size_t)ng;
			for (ty = 0; ty < NTY; ty++)
				for (ar = 0; ar < na; ar++) {
					double *h0 = e->H + ((size_t)ty * (size_t)na + (size_t)ar) * NU * (size_t)nb;
					double *pl = e->P + ((size_t)ty * (size_t)na + (size_t)ar) * (size_t)nb;
					for (u = NU - 1; u >= 0; u--) {
						double *h = h0 + (size_t)u * (size_t)nb, *hn = h + nb;
						for (a = 0; a < NA; a++) {
							const double B = g->B[ty][ar][u][a];
							const double sv = B > 0 ? survU[ty][ar][u][a] / B : 0.0;
							const double sn = B > 0 ? ndexit[ty][ar][u][a] / B : 0.0;
							const double mv = survU[ty][ar][u][a] > 0 && u + 1 < NU
										  ? moveU[ty][ar][u][a] / survU[ty][ar][u][a] : 0.0;
							const double svk = sv * (1 - mv), svm = sv * mv;
							const size_t lo = (size_t)(blo[a] - e->bmin), hi = (size_t)(bhi[a] - e->bmin);
							size_t bi;
							if (blo[a] > bhi[a])
								continue;
							if (u + 1 < NU)
								for (bi = lo; bi <= hi; bi++) {
									const double x = h[bi];
									pl[bi] += x * sn;
									hn[bi] += x * svm;
									h[bi] = x * svk;
								}
							else
								for (bi = lo; bi <= hi; bi++) {
									const double x = h[bi];
									pl[bi] += x * sn;
									h[bi] = x * svk;
								}
						}
					}
				}
			for (ty = 0; ty < NTY; ty++)
				for (ar = 0; ar < na; ar++) {
					double *h = e->H + ((size_t)ty * (size_t)na + (size_t)ar) * NU * (size_t)nb;
					double *pl = e->P + ((size_t)ty * (size_t)na + (size_t)ar) * (size_t)nb;
					double *pn = e->Pn + ((size_t)ty * (size_t)na + (size_t)ar) * (size_t)nb;
					double retn[NA] = {0, 0, 0, 0};
					static const int32_t top[NA - 1] = {27 * 12, 40 * 12, 55 * 12};
					for (a = 0; a < NA; a++) {
						const stroom_month bc = m + 1 - (a < NA - 1 ? top[a] : 0);
						const size_t lo = (size_t)(blo[a] - e->bmin), hi = (size_t)(bhi[a] - e->bmin);
						double rsum = 0, rc;
						size_t bi;
						if (blo[a] > bhi[a])
							continue;
						rc = a < NA - 1 && bc >= blo[a] && bc <= bhi[a] ? pn[bc - e->bmin] * lam : 0.0;
						for (bi = lo; bi <= hi; bi++) {
							const double r = pn[bi] * lam;
							pn[bi] += pl[bi] - r;
							pl[bi] = 0;
							h[bi] += r; /* duration band <1y */
							rsum += r;
						}
						retn[a] += rsum - rc;
						if (a + 1 < NA)
							retn[a + 1] += rc;
						if (rsum > 0) {
							rr[0] += rsum;
							rr[e->g_dist + rd] += rsum;
							rr[e->g_area + ar] += rsum;
							rr[e->g_dur + STROOM_DUR_LT1] += rsum;
							rr[e->g_age + a] += rsum;
							rr[e->g_type + ty] += rsum;
						}
					}
					for (a = 0; a < NA; a++)
						nxt[cell_of(e, a, rd, 0, rs, ty, ar, 0)] += retn[a];
				}
		}

		/* new households: the mean inflow by composition, less the gate and
		 * prevention; on benefit from the 1st of m + 1 with their age then */
		{
			const double mean = stroom_model_inflow_mean(p, m);
			const double prev = clamp01(stroom_model_prevention_prob(p, m, e->v[STROOM_DRAW_PREVENTION]));
			double *rn = row + STROOM_IND_INFLOW_NEW * (size_t)ng;
			double *rg = row + STROOM_IND_GATE_DETERRED * (size_t)ng;
			double *rp = row + STROOM_IND_INFLOW_PREVENTED * (size_t)ng;
			static const int32_t lo_y[NA] = {18, 27, 40, 55}, hi_y[NA] = {27, 40, 55, 0};
			for (a = 0; a < NA; a++) {
				double pass = stroom_model_gate_pass(p, a == STROOM_AGE_LT27, e->v[STROOM_DRAW_SEARCH_EFFECT],
								     e->v[STROOM_DRAW_SELECTION]);
				int32_t lo = lo_y[a] * 12, hi = a == NA - 1 ? e->aow_entry[t] : hi_y[a] * 12;
				if (hi <= lo)
					hi = lo + 1;
				for (ty = 0; ty < NTY; ty++)
					for (ar = 0; ar < na; ar++) {
						double entered = 0;
						double *h = e->H + ((size_t)ty * (size_t)na + (size_t)ar) * NU * (size_t)nb;
						int32_t age;
						for (dist = 0; dist < ND; dist++) {
							double x = mean * p->inflow_age[a] * p->inflow_type[ty] * p->inflow_area[ar] *
								   p->inflow_distance[dist];
							int str = a == STROOM_AGE_LT27 ? STROOM_STREAM_OTHER
								: dist == STROOM_DIST_LONG ? STROOM_STREAM_PRESTATIE : STROOM_STREAM_WERK;
							double xpass = x * clamp01(pass), xp, xn;
							if (x == 0)
								continue;
							xp = stroom_model_selects(&p->prevention_target, dist, STROOM_DUR_LT1, a, ty, ar, str)
								     ? xpass * prev : 0.0;
							xn = xpass - xp;
							add_groups(e, rg, a, dist, STROOM_DUR_LT1, ty, ar, x - xpass);
							add_groups(e, rp, a, dist, STROOM_DUR_LT1, ty, ar, xp);
							add_groups(e, rn, a, dist, STROOM_DUR_LT1, ty, ar, xn);
							nxt[cell_of(e, a, dist, 0, str, ty, ar, 0)] += xn;
							entered += xn;
						}
						if (entered > 0)
							for (age = lo; age < hi; age++) {
								stroom_month b = m + 1 - age;
								if (b >= e->bmin && b <= bmax)
									h[b - e->bmin] += entered / (double)(hi - lo);
							}
					}
			}
		}

		/* the month's counts and money by group cell into the groups */
		for (a = 0; a < NA; a++)
			for (dist = 0; dist < ND; dist++)
				for (u = 0; u < NU; u++)
					for (ty = 0; ty < NTY; ty++)
						for (ar = 0; ar < na; ar++) {
							size_t gg = gc_of(e, a, dist, u, ty, ar);
							int ind;
							if (e->F[STROOM_IND_CASELOAD * e->ngc + gg] == 0)
								continue;
							for (ind = 0; ind < STROOM_NIND; ind++) {
								double x = e->F[(size_t)ind * e->ngc + gg];
								if (x != 0)
									add_groups(e, row + (size_t)ind * (size_t)ng, a, dist, u, ty, ar, x);
							}
							for (ind = 0; ind < STROOM_NMONEY && !e->counts_only; ind++) {
								double x = e->FM[(size_t)ind * e->ngc + gg];
								if (x != 0)
									add_groups(e, e->mon + ((size_t)t * STROOM_NMONEY + (size_t)ind) *
												       (size_t)ng,
										   a, dist, u, ty, ar, x);
							}
						}
		e->cur = nxt;
		e->nxt = cur;
		prev_stock = stock;
	}
	return 0;
}
