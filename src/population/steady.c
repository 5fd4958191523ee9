/*
 * steady.c: population.start: steady, the starting households in the
 * composition the scenario's own inflow and hazards reach in the long run
 * (docs/population.md, "The steady state").
 *
 * With constant inflow and hazards the stock on the 1st of a month is the sum,
 * over the months since entry, of what is left of each month's entrants. A spell
 * that began at age A0 is d months later aged A0 + d with duration d, so the
 * chain runs per (type, area, entry age in months) along the spell's months,
 * with the model's own monthly probabilities (src/model/model.h): pension at the
 * AOW age, the competing risks of step 4, part-time changes, the drift of step 7.
 * Returns (step 8) are cohorts too: an exit to work or with LKS at age a comes
 * back at age a + k + 1 with probability q x lambda (1 - lambda)^(k - 1) while
 * the head is under pension age, so the cohorts are taken in increasing entry
 * age and each one's returns are known from the exits of the younger ones. The
 * stock is then sampled to population.households by systematic sampling in the
 * order type, area, distance, duration band, age, duration, stream, part-time
 * (every run of that order gets its expected count within one), from one keyed
 * random start. Nothing else is random: the same scenario gives the same
 * households.
 *
 * What the steady state leaves out: the levers (teams are taken at their
 * reference caseload, so the team multiplier is 1; no instrument, target, gate,
 * prevention or control), the shocks (inflow.shock, hazard.work.shock), and the
 * month-by-month series after the start: the labour-market index and the
 * pension age are the start month's.
 */
#include "model.h"
#include "population_int.h"
#include "rng_int.h"

#include <math.h>
#include <string.h>

#define MONTHS_18Y (18 * 12)
/* A cohort is followed until its mass falls below this share of what entered. */
#define STEADY_NEGLIGIBLE 1e-13

/* A state of a cohort: distance x stream x part-time. */
#define NSTATE (STROOM_NDIST * STROOM_NSTREAM * 2)
#define STATE(d, s, pt) (((d) * STROOM_NSTREAM + (s)) * 2 + (pt))
#define NSUB (STROOM_NSTREAM * 2) /* the states of one distance */

typedef struct {
	const stroom_params *p; /* own: the scenario's parameters without inflow.shock
				   and hazard.work.shock */
	stroom_params *own;
	int32_t aow;  /* pension age in months on start */
	double q;     /* non-durable share of exits to work or with LKS */
	double lam;   /* monthly return hazard */
	/* per type x area: th[dist][age band][duration band][pt][5] (stroom_model_risks) */
	double th[STROOM_NDIST][STROOM_NAGE][STROOM_NDUR][2][5];
	double *exits; /* [aow + 1]: exits to work or with LKS by age (months), this type x area */
	/* pass 1 sums the stock; pass 2 keeps this type x area's stock on the 1st by
	 * distance, (age, duration) and stream x part-time, new spells and returns
	 * apart: [(dist * ntri + tri(a, d)) * NSUB + stream * 2 + pt] */
	double *stock[2];
	int32_t *last[2]; /* [a0 - 18 years]: the last duration written of that cohort
			     (-1 none): the cells after it hold nothing */
	size_t ntri;
	/* emission */
	int sample;        /* 0: sum the stock; 1: sample households */
	double total;      /* the stock per new household a month (pass 0) */
	double returns;    /* returns a month per new household a month (pass 0) */
	double cum, step, u0;
	size_t n_out, n_target;
	const stroom_households *h;
	/* the last unit emitted (rounding at the end of the sample) */
	int last_t, last_r, last_a, last_d, last_state, last_prev;
} steady_ctx;

static void put_household(steady_ctx *c, int t, int r, int32_t a, int32_t d, int state, int prev)
{
	const stroom_households *h = c->h;
	size_t i = c->n_out++;
	h->birth_month[i] = c->p->start - a;
	h->spell_start[i] = c->p->start - d;
	h->type[i] = (uint8_t)t;
	h->area[i] = (uint8_t)r;
	h->distance[i] = (uint8_t)(state / (2 * STROOM_NSTREAM));
	h->stream[i] = (uint8_t)(state / 2 % STROOM_NSTREAM);
	h->parttime[i] = (uint8_t)(state % 2);
	h->prev_spells[i] = (uint8_t)prev;
}

/* The cell of age a and duration d in the triangle d <= a - 18 years, by age:
 * rows of 1, 2, ... cells. */
static size_t tri(int32_t a, int32_t d)
{
	size_t i = (size_t)(a - MONTHS_18Y);
	return i * (i + 1) / 2 + (size_t)d;
}

/* The slot of state s of cell (a, d). */
static size_t slot(const steady_ctx *c, int32_t a, int32_t d, int s)
{
	return ((size_t)(s / NSUB) * c->ntri + tri(a, d)) * NSUB + (size_t)(s % NSUB);
}

/* The stock's mass m of one unit, sampled at the points u0, u0 + 1, ... (in
 * units of the step) that fall within it. */
static void emit(steady_ctx *c, int t, int r, int32_t a, int32_t d, int state, int prev, double m)
{
	c->cum += m;
	while (c->n_out < c->n_target && (c->u0 + (double)c->n_out) * c->step < c->cum)
		put_household(c, t, r, a, d, state, prev);
	c->last_t = t, c->last_r = r, c->last_a = a, c->last_d = d;
	c->last_state = state, c->last_prev = prev;
}

/* One type and area's stock in the order of the sample: distance, duration
 * band, age (months), duration, stream, part-time, new spells before returns.
 * Systematic sampling holds the expected count of any run of this order within
 * one, so every distance x duration band class is exact to one household and
 * within it the ages (and so the pension exits by year) nearly so. */
static void emit_stock(steady_ctx *c, int t, int r)
{
	static const int32_t dur_lo[STROOM_NDUR] = {0, 12, 24, 60};
	int32_t a, d, top;
	int dist, u, str, pt, k;
	for (dist = 0; dist < STROOM_NDIST; dist++)
		for (u = 0; u < STROOM_NDUR; u++)
			for (a = MONTHS_18Y + dur_lo[u]; a <= c->aow; a++) {
				top = u + 1 < STROOM_NDUR ? dur_lo[u + 1] - 1 : a - MONTHS_18Y;
				if (top > a - MONTHS_18Y)
					top = a - MONTHS_18Y;
				for (d = dur_lo[u]; d <= top; d++) {
					size_t at = slot(c, a, d, STATE(dist, 0, 0));
					for (str = 0; str < STROOM_NSTREAM; str++)
						for (pt = 0; pt < 2; pt++)
							for (k = 0; k < 2; k++) {
								double m;
								if (d > c->last[k][a - d - MONTHS_18Y])
									continue;
								m = c->stock[k][at + (size_t)(str * 2 + pt)];
								if (m > 0.0)
									emit(c, t, r, a, d, STATE(dist, str, pt), k, m);
							}
				}
			}
}

/* One cohort of this type and area that entered the stock at age a0 (months) with
 * masses x[state], followed month by month to the pension age. */
static void follow(steady_ctx *c, int32_t a0, double *x, int prev)
{
	const stroom_params *p = c->p;
	double y[NSTATE], in = 0.0, tot;
	int32_t d, a;
	int s;

	for (s = 0; s < NSTATE; s++)
		in += x[s];
	if (!(in > 0.0))
		return;
	for (d = 0, a = a0; a <= c->aow; d++, a++) {
		int ab, u, dist, str, pt;
		tot = 0.0;
		for (s = 0; s < NSTATE; s++) {
			if (c->sample)
				c->stock[prev][slot(c, a, d, s)] = x[s];
			if (x[s] > 0.0)
				tot += x[s];
		}
		if (c->sample)
			c->last[prev][a0 - MONTHS_18Y] = d;
		if (!c->sample)
			c->total += tot;
		if (a >= c->aow || tot < STEADY_NEGLIGIBLE * in)
			break; /* pension (step 3), or nothing left */
		ab = stroom_model_age_band(0, a);
		u = stroom_model_duration_band(0, d);
		memset(y, 0, sizeof y);
		for (dist = 0; dist < STROOM_NDIST; dist++)
			for (pt = 0; pt < 2; pt++) {
				const double *th = c->th[dist][ab][u][pt];
				for (str = 0; str < STROOM_NSTREAM; str++) {
					double m = x[STATE(dist, str, pt)];
					int to, nd;
					if (!(m > 0.0))
						continue;
					/* step 4: exits to work or with LKS come back as returns */
					c->exits[a] += m * th[1];
					/* step 6: a part-time change, or nothing, and the household
					 * stays; step 7: the drift at the next month's duration */
					to = stroom_model_drift(p, dist, d + 1);
					if (to == STROOM_DIST_LONG && dist == STROOM_DIST_MEDIUM) {
						double sh = p->drift_long_share;
						int ls = stroom_model_drift_stream(str, STROOM_DIST_LONG);
						y[STATE(dist, str, pt)] += (1.0 - sh) * m * (1.0 - th[4]);
						y[STATE(dist, str, 1 - pt)] += (1.0 - sh) * m * (th[4] - th[3]);
						y[STATE(to, ls, pt)] += sh * m * (1.0 - th[4]);
						y[STATE(to, ls, 1 - pt)] += sh * m * (th[4] - th[3]);
						continue;
					}
					nd = to != dist ? stroom_model_drift_stream(str, to) : str;
					y[STATE(to, nd, pt)] += m * (1.0 - th[4]);
					y[STATE(to, nd, 1 - pt)] += m * (th[4] - th[3]);
				}
			}
		memcpy(x, y, sizeof y);
	}
}

/* The whole chain, every type, area and entry age; emits the stock on the 1st
 * of start per new household a month. */
static void walk(steady_ctx *c)
{
	const stroom_params *p = c->p;
	const double f = stroom_model_month_factor(p, p->start);
	static const int32_t lo_years[STROOM_NAGE] = {18, 27, 40, 55};
	static const int32_t hi_years[STROOM_NAGE] = {27, 40, 55, 0};
	int t, r;

	for (t = 0; t < STROOM_NTYPE; t++)
		for (r = 0; r < p->n_areas; r++) {
			double w = p->inflow_type[t] * p->inflow_area[r], ret_sum = 0.0;
			int dist, ab, u, pt, b;
			int32_t a0, n = MONTHS_18Y - 1;
			if (!(w > 0.0))
				continue;
			for (dist = 0; dist < STROOM_NDIST; dist++)
				for (ab = 0; ab < STROOM_NAGE; ab++)
					for (u = 0; u < STROOM_NDUR; u++)
						for (pt = 0; pt < 2; pt++) {
							double h[3];
							stroom_model_cell_hazards(p, f, dist, ab, u, u, t, r, pt, h);
							stroom_model_risks(p, h[0], h[1], h[2], pt,
									   c->th[dist][ab][u][pt]);
						}
			memset(c->exits, 0, (size_t)(c->aow + 1) * sizeof *c->exits);
			if (c->sample)
				for (a0 = MONTHS_18Y; a0 <= c->aow; a0++)
					c->last[0][a0 - MONTHS_18Y] = c->last[1][a0 - MONTHS_18Y] = -1;
			for (a0 = MONTHS_18Y; a0 <= c->aow; a0++) {
				double x[NSTATE];
				/* new households (step 9): in the stock from the month after
				 * their entry at an age uniform within their band */
				memset(x, 0, sizeof x);
				for (b = 0; b < STROOM_NAGE; b++) {
					int32_t lo = lo_years[b] * 12;
					int32_t hi = b == STROOM_AGE_55P ? c->aow : hi_years[b] * 12;
					if (hi <= lo)
						hi = lo + 1;
					if (a0 < lo || a0 >= hi || !(p->inflow_age[b] > 0.0))
						continue;
					for (dist = 0; dist < STROOM_NDIST; dist++)
						x[STATE(dist, stroom_model_entry_stream(b, dist), 0)] +=
							w * p->inflow_age[b] / (double)(hi - lo) *
							p->inflow_distance[dist];
				}
				follow(c, a0, x, 0);
				/* returns (step 8): an exit at age a returns in month k >= 1
				 * after it while under pension age, in the stock at a + k + 1:
				 * ret_sum = sum over a <= a0 - 2 of exits[a] (1 - lam)^(a0 - 2 - a) */
				while (n < a0 - 2) {
					n++;
					ret_sum = (1.0 - c->lam) * ret_sum + c->exits[n];
				}
				memset(x, 0, sizeof x);
				dist = stroom_model_return_distance(p);
				x[STATE(dist, stroom_model_return_stream(dist), 0)] = c->q * c->lam * ret_sum;
				if (!c->sample)
					c->returns += c->q * c->lam * ret_sum;
				follow(c, a0, x, 1);
			}
			if (c->sample)
				emit_stock(c, t, r);
		}
}

/* Checks what the chain reads. */
static int check_steady(const stroom_params *p, int32_t aow)
{
	int rc;
	if (p->approach_clock != STROOM_CLOCK_SPELL)
		return stroom_error_set(STROOM_EINVAL,
					"population.start: steady needs approach_clock: spell (with "
					"start the stock's time in the approach begins at the start, "
					"which no steady state has)");
	if ((rc = population_check_size(p)) < 0)
		return rc;
	if (aow <= MONTHS_18Y || aow > 100 * 12)
		return stroom_error_set(STROOM_EINVAL,
					"population.start: steady: the pension age on the start (%d "
					"months) is outside 18 to 100 years", aow);
	return 0;
}

static void steady_release(steady_ctx *c, const stroom_allocator *alloc)
{
	stroom_free(alloc, c->own);
	c->own = NULL;
	c->p = NULL;
	stroom_free(alloc, c->exits);
	stroom_free(alloc, c->stock[0]);
	stroom_free(alloc, c->stock[1]);
	stroom_free(alloc, c->last[0]);
	stroom_free(alloc, c->last[1]);
	c->exits = c->stock[0] = c->stock[1] = NULL;
	c->last[0] = c->last[1] = NULL;
}

/* Runs the chain once: c->total, the stock per new household a month. */
static int steady_total(steady_ctx *c, const stroom_params *p, int32_t aow,
			const stroom_allocator *alloc)
{
	stroom_params *q;
	memset(c, 0, sizeof *c);
	/* a steady state has no shocks: they are departures from the steady flows */
	if (!(q = stroom_malloc(alloc, sizeof *q)))
		return STROOM_ENOMEM;
	memcpy(q, p, sizeof *q);
	q->inflow_shock.n = 0;
	q->work_shock.n = 0;
	c->p = c->own = q;
	c->aow = aow;
	c->q = stroom_model_nondurable(p, 1.0, 1.0, 1.0);
	c->lam = stroom_model_return_hazard(p);
	c->exits = stroom_calloc(alloc, (size_t)aow + 1, sizeof *c->exits);
	if (!c->exits) {
		steady_release(c, alloc);
		return STROOM_ENOMEM;
	}
	walk(c);
	if (!(c->total > 0.0) || !isfinite(c->total)) {
		steady_release(c, alloc);
		return stroom_error_set(STROOM_EINVAL,
					"population.start: steady: the inflow (inflow.age, inflow.type, "
					"inflow.area, inflow.distance) leaves no household on benefit");
	}
	return 0;
}

int population_synthesise_steady(stroom_population **out, const stroom_params *p,
				 const stroom_rules *rules, int32_t aow,
				 const stroom_allocator *alloc)
{
	steady_ctx *c;
	stroom_population *pop = NULL;
	double u[4];
	int rc;

	(void)rules;
	*out = NULL;
	if ((rc = check_steady(p, aow)) < 0)
		return rc;
	c = stroom_malloc(alloc, sizeof *c);
	if (!c)
		return STROOM_ENOMEM;
	if ((rc = steady_total(c, p, aow, alloc)) < 0)
		goto cleanup;
	if ((rc = population_new(&pop, (size_t)p->population_households, alloc)) < 0)
		goto cleanup;

	/* pass 2: the same chain, its stock kept and sampled at N equally spaced
	 * points from a keyed start */
	c->ntri = (size_t)(aow - MONTHS_18Y + 1) * (size_t)(aow - MONTHS_18Y + 2) / 2;
	c->stock[0] = stroom_malloc(alloc, c->ntri * NSTATE * sizeof *c->stock[0]);
	c->stock[1] = stroom_malloc(alloc, c->ntri * NSTATE * sizeof *c->stock[1]);
	c->last[0] = stroom_malloc(alloc, (size_t)(aow - MONTHS_18Y + 1) * sizeof *c->last[0]);
	c->last[1] = stroom_malloc(alloc, (size_t)(aow - MONTHS_18Y + 1) * sizeof *c->last[1]);
	if (!c->stock[0] || !c->stock[1] || !c->last[0] || !c->last[1]) {
		rc = STROOM_ENOMEM;
		goto cleanup;
	}
	stroom_rng_draw(stroom_rng_key(p->seed), 0, 0, 0, STROOM_PURPOSE_SYNTH_CELL, 0, u);
	c->sample = 1;
	c->n_target = (size_t)p->population_households;
	c->step = c->total / (double)c->n_target;
	c->u0 = u[0];
	c->h = stroom_population_households(pop);
	walk(c);
	while (c->n_out < c->n_target) /* rounding at the end of the cumulative sum */
		put_household(c, c->last_t, c->last_r, c->last_a, c->last_d, c->last_state,
			      c->last_prev);
	*out = pop;
	pop = NULL;
	rc = 0;
cleanup:
	steady_release(c, alloc);
	stroom_free(alloc, c);
	stroom_population_free(pop);
	return rc;
}

int stroom_population_steady_flows(const stroom_params *p, const stroom_rules *rules,
				   stroom_steady_flows *out, const stroom_allocator *alloc)
{
	stroom_rules *own_rules = NULL;
	steady_ctx *c;
	int32_t aow;
	double mean;
	int rc;

	memset(out, 0, sizeof *out);
	if (!rules) {
		if ((rc = stroom_rules_load(&own_rules, NULL, NULL, alloc)) < 0)
			return rc;
		rules = own_rules;
	}
	aow = stroom_rules_pension_age_in_month(rules, p->start);
	stroom_rules_free(own_rules);
	if ((rc = check_steady(p, aow)) < 0)
		return rc;
	c = stroom_malloc(alloc, sizeof *c);
	if (!c)
		return STROOM_ENOMEM;
	if ((rc = steady_total(c, p, aow, alloc)) == 0) {
		/* new households a month that hold population.households: N / total;
		 * inflow.per_year x factor is the start month's inflow a year at its
		 * labour market, without shocks */
		double month = (double)p->population_households / c->total;
		mean = stroom_model_inflow_mean(c->p, p->start);
		if (mean > 0.0 && p->inflow_per_year > 0.0) {
			out->inflow_per_year = month * 12.0 / (mean * 12.0 / p->inflow_per_year);
			out->returns_per_year = c->returns * month * 12.0;
			out->return_hazard = c->lam;
		} else {
			rc = stroom_error_set(STROOM_EINVAL,
					      "inflow: the start month's inflow is 0, so no inflow "
					      "level keeps population.households on benefit");
		}
	}
	steady_release(c, alloc);
	stroom_free(alloc, c);
	return rc;
}
