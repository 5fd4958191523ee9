/*
 * target.c: the goal-seek (include/stroom/target.h, docs/compare.md). The
 * expected-value engine over the scenario's parameter draws gives
 * P(caseload <= N on a date) for a lever setting; a bisection over the lever's
 * steps finds the smallest setting that reaches P; a microsimulation run checks it.
 */
#include <stroom/budget.h>
#include <stroom/ev.h>
#include <stroom/sim.h>
#include <stroom/target.h>

#include "internal.h"
#include "model.h"

#include <math.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* What a lever is in the parameters. */
enum { LV_TEAM_FTE, LV_TEAMS_SCALE, LV_SERIES, LV_DOUBLE, LV_PRIOR };

typedef struct lever_kind {
	const char *key;   /* NULL for teams.NAME.fte */
	int kind;
	size_t offset;     /* of the series, double or prior in stroom_params */
	double neutral;    /* a series' value before its first month */
	double lo, hi;     /* the schema's bounds (src/scenario/scenario_schema.c) */
	double step;
	int direction;
	const char *unit;
} lever_kind;

#define OFF(f) offsetof(stroom_params, f)
static const lever_kind kinds[] = {
	{"teams.all.fte", LV_TEAMS_SCALE, 0, 1.0, 0, 100, 0.01, +1, "x every team's FTE"},
	{"prevention.reach", LV_SERIES, OFF(prevention_reach), 0.0, 0, 1, 0.01, +1, "share"},
	{"enforcement.controls", LV_SERIES, OFF(enforcement_controls), 0.0, 0, 10000000, 1, +1,
	 "controls a year"},
	{"gate.search_share", LV_DOUBLE, OFF(gate_search_share), 0.0, 0, 1, 0.01, +1, "share"},
	{"gate.selection", LV_PRIOR, OFF(gate_selection), 0.0, 0, 1, 0.01, +1, "share"},
	{"inflow.shock", LV_SERIES, OFF(inflow_shock), 1.0, 0, 100, 0.01, -1, "multiplier"},
	{"hazard.work.shock", LV_SERIES, OFF(work_shock), 1.0, 0, 100, 0.01, +1, "multiplier"},
};
static const lever_kind team_fte = {NULL, LV_TEAM_FTE, 0, 0.0, 0, 100000, 1, +1, "FTE"};

static const char lever_help[] =
	"teams.NAME.fte        FTE of a team (step 1, up to 100000)\n"
	"teams.all.fte         every team's FTE times a factor (step 0.01, up to 100)\n"
	"prevention.reach      share of the targeted inflow prevention reaches (step 0.01, up to 1)\n"
	"enforcement.controls  extra controls a year (step 1, up to 10000000)\n"
	"gate.search_share     share of applicants under 27 given the search period (step 0.01, up to 1)\n"
	"gate.selection        share of all applicants turned away (step 0.01, up to 1; its prior becomes fixed)\n"
	"inflow.shock          multiplier on the inflow, lowered (step 0.01, down to 0)\n"
	"hazard.work.shock     multiplier on every exit to work: extra outflow to work (step 0.01, up to 100)\n";

const char *stroom_target_lever_help(void)
{
	return lever_help;
}

static const lever_kind *kind_of(const stroom_params *p, const char *key, int *team)
{
	size_t i;
	*team = -1;
	for (i = 0; i < STROOM_ARRAY_LEN(kinds); i++)
		if (!strcmp(key, kinds[i].key))
			return &kinds[i];
	if (!strncmp(key, "teams.", 6)) {
		const char *name = key + 6, *dot = strrchr(name, '.');
		int t;
		if (!dot || strcmp(dot, ".fte"))
			return NULL;
		for (t = 0; t < p->n_teams; t++)
			if (strlen(p->team[t].name) == (size_t)(dot - name) &&
			    !strncmp(p->team[t].name, name, (size_t)(dot - name))) {
				*team = t;
				return &team_fte;
			}
	}
	return NULL;
}

static stroom_series *series_of(stroom_params *q, const lever_kind *k, int team)
{
	if (k->kind == LV_TEAM_FTE)
		return &q->team[team].fte;
	return (stroom_series *)(void *)((char *)q + k->offset);
}

static int team_list(const stroom_params *p, char *buf, size_t size)
{
	stroom_sbuf b = {buf, size, 0};
	int t;
	if (size)
		buf[0] = '\0';
	for (t = 0; t < p->n_teams; t++)
		stroom_sbuf_printf(&b, "%s%s", t ? ", " : "", p->team[t].name);
	if (!p->n_teams)
		stroom_sbuf_printf(&b, "none");
	return 0;
}

int stroom_target_lever_resolve(stroom_target_lever *out, const stroom_params *p, const char *key,
				stroom_month from)
{
	int team;
	const lever_kind *k;
	memset(out, 0, sizeof *out);
	if (!from)
		from = p->start;
	if (!strncmp(key, "instruments.", 12))
		return stroom_error_set(STROOM_EINVAL, "%s: the expected-value engine does not model "
				        "instrument places yet, so the goal-seek cannot move them", key);
	k = kind_of(p, key, &team);
	if (!k) {
		char teams[600];
		team_list(p, teams, sizeof teams);
		return stroom_error_set(STROOM_ENOTFOUND, "%s: expected a lever: teams.NAME.fte (teams: "
				        "%s), teams.all.fte, prevention.reach, enforcement.controls, gate.search_share, "
				        "gate.selection, inflow.shock or hazard.work.shock", key, teams);
	}
	if (from < p->start || from > p->end) {
		char a[16], b[16];
		return stroom_error_set(STROOM_EINVAL, "from: expected a month from %s to %s",
				        stroom_month_format(p->start, a, sizeof a),
				        stroom_month_format(p->end, b, sizeof b));
	}
	snprintf(out->key, sizeof out->key, "%s", key);
	out->unit = k->unit;
	out->from = from;
	out->step = k->step;
	out->direction = k->direction;
	out->bound = k->direction > 0 ? k->hi : k->lo;
	if (k->kind == LV_TEAMS_SCALE && !p->n_teams)
		return stroom_error_set(STROOM_EINVAL, "%s: the scenario has no teams", key);
	switch (k->kind) {
	case LV_TEAMS_SCALE:
		out->current = 1.0;
		break;
	case LV_TEAM_FTE:
	case LV_SERIES:
		out->current = stroom_series_at(k->kind == LV_TEAM_FTE
							? &p->team[team].fte
							: (const stroom_series *)(const void *)((const char *)p +
												k->offset),
						from, k->neutral);
		break;
	case LV_DOUBLE:
		memcpy(&out->current, (const char *)p + k->offset, sizeof out->current);
		break;
	default:
		out->current = stroom_prior_central((const stroom_prior *)(const void *)((const char *)p +
											 k->offset));
		break;
	}
	return 0;
}

/* The series s takes value from lv's month on (its earlier months stay). */
static int set_from(stroom_series *s, const stroom_target_lever *lv, double value)
{
	int n = 0;
	while (n < s->n && s->month[n] < lv->from)
		n++;
	if (n >= STROOM_MAX_SERIES)
		return stroom_error_set(STROOM_EINVAL, "%s: the series has no room for another month",
				        lv->key);
	s->month[n] = lv->from;
	s->value[n] = value;
	s->n = n + 1;
	return 0;
}

int stroom_target_lever_apply(const stroom_target_lever *lv, stroom_params *q, double value)
{
	int team;
	const lever_kind *k = kind_of(q, lv->key, &team);
	if (!k || !isfinite(value) || value < k->lo || value > k->hi)
		return stroom_error_set(STROOM_EINVAL, "%s: expected a setting from %g to %g, got %g",
				        lv->key, k ? k->lo : 0.0, k ? k->hi : 0.0, value);
	switch (k->kind) {
	case LV_TEAMS_SCALE: {
		int t;
		for (t = 0; t < q->n_teams; t++) {
			stroom_series *s = &q->team[t].fte;
			double x = stroom_series_at(s, lv->from, 0.0) * value;
			int err = set_from(s, lv, x > team_fte.hi ? team_fte.hi : x);
			if (err)
				return err;
		}
		break;
	}
	case LV_TEAM_FTE:
	case LV_SERIES: {
		int err = set_from(series_of(q, k, team), lv, value);
		if (err)
			return err;
		break;
	}
	case LV_DOUBLE:
		memcpy((char *)q + k->offset, &value, sizeof value);
		break;
	default: {
		stroom_prior *pr = (stroom_prior *)(void *)((char *)q + k->offset);
		double lo = pr->lo, hi = pr->hi;
		memset(pr, 0, sizeof *pr);
		pr->dist = STROOM_PRIOR_FIXED;
		pr->a = value;
		pr->lo = lo;
		pr->hi = hi;
		break;
	}
	}
	return 0;
}

/* ---- the search ----------------------------------------------------------- */

typedef struct search {
	const stroom_params *p;
	const stroom_target_options *o;
	const stroom_target_result *res;
	const stroom_population *pop;
	stroom_ev *ev;
	stroom_params *q, *d;   /* the levers applied; one draw of it */
	double *v;
	int draws, t;           /* month index of the date */
	double logn;
	int evaluations;
} search;

static double phi(double x)
{
	return 0.5 * erfc(-x / sqrt(2.0));
}

/* q = p with the levers at setting[]. */
static int set_levers(search *s, const double *setting)
{
	int i, err;
	memcpy(s->q, s->p, sizeof *s->q);
	for (i = 0; i < s->res->nlevers; i++)
		if ((err = stroom_target_lever_apply(&s->res->lever[i], s->q, setting[i])) != 0)
			return err;
	return 0;
}

/* P over the draws at setting[] (and its standard error, the mean caseload). */
static int prob_at(search *s, const double *setting, double *pr, double *se, double *mean)
{
	double sum = 0, sum2 = 0, cs = 0;
	int d, err;
	if ((err = set_levers(s, setting)) != 0)
		return err;
	if (s->o->progress && s->o->progress(s->evaluations, 0, s->o->payload))
		return stroom_error_set(STROOM_EINTR, "interrupted");
	s->evaluations++;
	for (d = 0; d < s->draws; d++) {
		double c, x;
		stroom_params_draw_values_post(s->q, s->o->posterior, (uint32_t)d, 0, s->v);
		memcpy(s->d, s->q, sizeof *s->d);
		stroom_params_apply_values(s->q, s->v, s->d);
		if ((err = stroom_ev_run(s->ev, s->d)) != 0)
			return err;
		c = stroom_ev_value(s->ev, s->t, STROOM_IND_CASELOAD, 0);
		if (c < 1e-9)
			c = 1e-9;
		x = phi((s->logn - log(c)) * sqrt(c));
		sum += x;
		sum2 += x * x;
		cs += c;
	}
	*pr = sum / s->draws;
	if (se) {
		double var = s->draws > 1 ? (sum2 - sum * sum / s->draws) / (s->draws - 1) : 0;
		*se = sqrt(var > 0 ? var : 0) / sqrt((double)s->draws);
	}
	if (mean)
		*mean = cs / s->draws;
	return 0;
}

/* ---- execution costs (docs/policy.md "Costs"; as src/output/output.c counts them) */

/* The cost category (STROOM_COST_*) of a lever, or -1: no purchase. */
static int cost_category(const char *key)
{
	if (!strncmp(key, "teams.", 6))
		return STROOM_COST_TEAMS;
	if (!strcmp(key, "enforcement.controls"))
		return STROOM_COST_ENFORCEMENT;
	if (!strcmp(key, "prevention.reach"))
		return STROOM_COST_PREVENTION;
	if (!strncmp(key, "gate.", 5))
		return STROOM_COST_GATE;
	return -1; /* inflow.shock, hazard.work.shock: a change of circumstances */
}

/*
 * Execution costs of the 12 months from `from` (those within the run, scaled to a
 * year) with the levers of s->q and the expected-value run just made: c[] by
 * STROOM_COST_* in eurocent (unrounded; instruments 0: no lever moves them),
 * fte_months the teams' FTE-months of that year.
 */
static void year_costs(const search *s, stroom_month from, double c[STROOM_NCOST],
		       double *fte_months)
{
	const stroom_params *q = s->q;
	int T = stroom_ev_months(s->ev), t0 = from - q->start, t, n = 0, k;
	double prev_share = stroom_model_prevention_share(q);
	for (k = 0; k < STROOM_NCOST; k++)
		c[k] = 0;
	*fte_months = 0;
	for (t = t0; t < t0 + 12 && t < T; t++, n++) {
		stroom_month m = q->start + t;
		double reached, applicants;
		for (k = 0; k < q->n_teams; k++)
			*fte_months += stroom_series_at(&q->team[k].fte, m, 0.0);
		c[STROOM_COST_ENFORCEMENT] += stroom_series_at(&q->enforcement_controls, m, 0.0) /
					      12.0 * q->cost_control_eur * 100.0;
		reached = stroom_ev_value(s->ev, t, STROOM_IND_INFLOW_NEW, 0) +
			  stroom_ev_value(s->ev, t, STROOM_IND_INFLOW_PREVENTED, 0);
		applicants = reached + stroom_ev_value(s->ev, t, STROOM_IND_GATE_DETERRED, 0);
		c[STROOM_COST_GATE] += applicants * q->inflow_age[STROOM_AGE_LT27] *
				       q->gate_search_share * q->cost_gate_eur * 100.0;
		c[STROOM_COST_PREVENTION] += reached * stroom_series_at(&q->prevention_reach, m, 0.0) *
					     prev_share * q->cost_prevention_eur * 100.0;
	}
	if (n && n < 12) {
		for (k = 0; k < STROOM_NCOST; k++)
			c[k] *= 12.0 / n;
		*fte_months *= 12.0 / n;
	}
	c[STROOM_COST_TEAMS] = 0; /* from fte_months, exactly: see answer_cost */
}

/* The team cost of a change in FTE-months, eurocent (stroom_cost_team, signed). */
static int64_t team_cost(double dfte_months, const stroom_params *p)
{
	int64_t price = (int64_t)llround(p->cost_fte_eur * 100.0);
	return dfte_months < 0 ? -stroom_cost_team(-dfte_months, price)
			       : stroom_cost_team(dfte_months, price);
}

/* Mean monthly exits and entries from `from` to the date at the central values,
 * and the year's execution costs (year_costs). */
static int flows_at(search *s, const double *setting, stroom_month from, double *exits,
		    double *entries, double cost[STROOM_NCOST], double *fte_months)
{
	int err, t, t0 = from - s->p->start, n = 0;
	*exits = *entries = 0;
	if ((err = set_levers(s, setting)) != 0)
		return err;
	stroom_params_draw_values_post(s->q, s->o->posterior, 0, 1, s->v);
	memcpy(s->d, s->q, sizeof *s->d);
	stroom_params_apply_values(s->q, s->v, s->d);
	if ((err = stroom_ev_run(s->ev, s->d)) != 0)
		return err;
	for (t = t0; t < s->t; t++, n++) {
		*exits += stroom_ev_value(s->ev, t, STROOM_IND_EXIT_WORK, 0) +
			  stroom_ev_value(s->ev, t, STROOM_IND_EXIT_LKS, 0) +
			  stroom_ev_value(s->ev, t, STROOM_IND_EXIT_OTHER, 0) +
			  stroom_ev_value(s->ev, t, STROOM_IND_EXIT_ENFORCEMENT, 0) +
			  stroom_ev_value(s->ev, t, STROOM_IND_EXIT_PENSION, 0);
		*entries += stroom_ev_value(s->ev, t, STROOM_IND_INFLOW_NEW, 0) +
			    stroom_ev_value(s->ev, t, STROOM_IND_INFLOW_RETURN, 0);
	}
	if (n) {
		*exits /= n;
		*entries /= n;
	}
	year_costs(s, from, cost, fte_months);
	return 0;
}

/* a's cost a year against the current setting: each changed lever's category
 * once (a shock lever: not a purchase). */
static void answer_cost(search *s, const double *current, stroom_target_answer *a,
			const double c0[STROOM_NCOST], double f0, const double c1[STROOM_NCOST],
			double f1)
{
	int used[STROOM_NCOST] = {0}, i, k;
	double sum = 0;
	a->cost_per_year_eurocent = 0;
	a->not_purchase = a->purchased = 0;
	for (i = 0; i < s->res->nlevers; i++) {
		if (a->setting[i] == current[i])
			continue;
		k = cost_category(s->res->lever[i].key);
		if (k < 0) {
			a->not_purchase++;
			continue;
		}
		a->purchased++;
		if (used[k]++)
			continue;
		if (k == STROOM_COST_TEAMS)
			a->cost_per_year_eurocent += team_cost(f1 - f0, s->p);
		else
			sum += c1[k] - c0[k];
	}
	a->cost_per_year_eurocent += (int64_t)llround(sum);
}

/* combo[] by cost a year, cheapest first (a stable insertion sort). */
static void rank_combos(stroom_target_result *r)
{
	int i, j;
	for (i = 0; i < r->ncombo; i++)
		if (r->combo[i].not_purchase)
			return;
	for (i = 1; i < r->ncombo; i++) {
		stroom_target_answer x = r->combo[i];
		for (j = i; j > 0 && r->combo[j - 1].cost_per_year_eurocent > x.cost_per_year_eurocent; j--)
			r->combo[j] = r->combo[j - 1];
		r->combo[j] = x;
	}
	r->combo_ranked = r->ncombo > 0;
}

/* The setting of lever i after k steps from base (clamped at the bound). */
static double step_value(const stroom_target_lever *lv, double base, long k)
{
	double v = base + lv->direction * (double)k * lv->step;
	if ((lv->direction > 0 && v > lv->bound) || (lv->direction < 0 && v < lv->bound))
		v = lv->bound;
	return v;
}

/* Steps from base to the bound. */
static long steps_to_bound(const stroom_target_lever *lv, double base)
{
	double n = ceil((lv->bound - base) * lv->direction / lv->step - 1e-9);
	return n > 0 ? (long)n : 0;
}

/*
 * Searches lever i from the setting base[] (the others as base has them): the
 * smallest number of steps with P >= the probability. Fills a (not the check).
 */
static int search_lever(search *s, const double *base, int i, stroom_target_answer *a)
{
	const stroom_target_lever *lv = &s->res->lever[i];
	double set[STROOM_TARGET_MAX_LEVERS], pr, se, mean, p_lo = NAN;
	long lo = 0, hi = steps_to_bound(lv, base[i]);
	int err, n = s->res->nlevers, j;
	for (j = 0; j < n; j++)
		set[j] = base[j];
	memset(a, 0, sizeof *a);
	a->p_ev_less = NAN;
	if ((err = prob_at(s, set, &pr, &se, &mean)) != 0)
		return err;
	if (pr >= s->o->probability || hi == 0) {
		a->reached = pr >= s->o->probability;
		goto found;
	}
	set[i] = step_value(lv, base[i], hi);
	if ((err = prob_at(s, set, &pr, &se, &mean)) != 0)
		return err;
	if (pr < s->o->probability) {
		a->reached = 0;
		goto found;
	}
	p_lo = NAN;
	{
		double plo_val = NAN, phi_val = pr, sehi = se, mhi = mean;
		/* invariant: P(lo) < target <= P(hi) */
		while (hi - lo > 1) {
			long mid = lo + (hi - lo) / 2;
			set[i] = step_value(lv, base[i], mid);
			if ((err = prob_at(s, set, &pr, &se, &mean)) != 0)
				return err;
			if (pr >= s->o->probability) {
				hi = mid;
				phi_val = pr;
				sehi = se;
				mhi = mean;
			} else {
				lo = mid;
				plo_val = pr;
			}
		}
		if (isnan(plo_val)) { /* lo is the base: P there was computed first */
			set[i] = base[i];
			if ((err = prob_at(s, set, &plo_val, NULL, NULL)) != 0)
				return err;
		}
		set[i] = step_value(lv, base[i], hi);
		pr = phi_val;
		se = sehi;
		mean = mhi;
		p_lo = plo_val;
		a->reached = 1;
	}
found:
	for (j = 0; j < n; j++)
		a->setting[j] = set[j];
	a->p_ev = pr;
	a->p_ev_se = se;
	a->p_ev_less = p_lo;
	a->caseload_ev = mean;
	return 0;
}

/* The plain question and the microsimulation check of answer a. */
static int finish(search *s, const double *current, stroom_target_answer *a)
{
	double e0, n0, e1, n1, c0[STROOM_NCOST], c1[STROOM_NCOST], f0, f1;
	int err;
	a->evaluations = s->evaluations;
	if ((err = flows_at(s, current, s->res->lever[0].from, &e0, &n0, c0, &f0)) != 0 ||
	    (err = flows_at(s, a->setting, s->res->lever[0].from, &e1, &n1, c1, &f1)) != 0)
		return err;
	answer_cost(s, current, a, c0, f0, c1, f1);
	a->more_exits_per_month = e1 - e0;
	a->fewer_entries_per_month = n0 - n1;
	if (s->o->replicates >= 0) {
		stroom_sim_options so = STROOM_SIM_OPTIONS_INIT;
		stroom_results *r = NULL;
		int R, rep, below = 0, T;
		double cs = 0;
		if ((err = set_levers(s, a->setting)) != 0)
			return err;
		if (s->o->replicates > 0)
			s->q->replicates = s->o->replicates;
		so.threads = s->o->threads;
		so.rules = s->o->rules;
		so.posterior = s->o->posterior;
		so.progress = s->o->progress;
		so.payload = s->o->payload;
		if ((err = stroom_sim_run(&r, s->q, s->pop, &so)) != 0)
			return err;
		R = stroom_results_replicates(r);
		T = stroom_results_months(r);
		for (rep = 0; rep < R; rep++) {
			int32_t c = s->t >= T ? stroom_results_final_caseload(r, rep, 0)
					      : stroom_results_value(r, rep, s->t, STROOM_IND_CASELOAD, 0);
			below += c <= s->o->households;
			cs += c;
		}
		stroom_results_free(r);
		a->sim_replicates = R;
		a->p_sim = (double)below / R;
		a->p_sim_se = sqrt(a->p_sim * (1 - a->p_sim) / R);
		a->caseload_sim = cs / R;
	}
	return 0;
}

int stroom_target_search(stroom_target_result *out, const stroom_params *p,
			 const stroom_population *pop, const char *const *levers, int nlevers,
			 const stroom_target_options *o)
{
	search s;
	double current[STROOM_TARGET_MAX_LEVERS];
	int i, j, err = 0, months = p->end - p->start + 1;
	memset(out, 0, sizeof *out);
	memset(&s, 0, sizeof s);
	if (!o || o->version != STROOM_TARGET_OPTIONS_VERSION)
		return stroom_error_set(STROOM_EINVAL, "target: options of an unknown version");
	if (nlevers < 1 || nlevers > STROOM_TARGET_MAX_LEVERS)
		return stroom_error_set(STROOM_EINVAL, "--lever: expected 1 to %d levers, got %d",
				        STROOM_TARGET_MAX_LEVERS, nlevers);
	if (o->households < 1)
		return stroom_error_set(STROOM_EINVAL, "--households: expected a whole number of 1 or "
				        "more, got %d", o->households);
	if (!(o->probability > 0 && o->probability < 1))
		return stroom_error_set(STROOM_EINVAL, "--probability: expected a number between 0 and "
				        "1 (exclusive), got %g", o->probability);
	if (o->date <= p->start || o->date > p->start + months) {
		char a[16], b[16], c[16];
		return stroom_error_set(STROOM_EINVAL, "--date: expected a month from %s to %s (the "
				        "scenario's run), got %s",
				        stroom_month_format(p->start + 1, a, sizeof a),
				        stroom_month_format(p->start + months, b, sizeof b),
				        stroom_month_format(o->date, c, sizeof c));
	}
	if (o->from && o->from >= o->date)
		return stroom_error_set(STROOM_EINVAL, "--from: expected a month before --date");
	for (i = 0; i < nlevers; i++) {
		if ((err = stroom_target_lever_resolve(&out->lever[i], p, levers[i], o->from)) != 0)
			return err;
		for (j = 0; j < i; j++)
			if (!strcmp(out->lever[j].key, out->lever[i].key))
				return stroom_error_set(STROOM_EINVAL, "--lever %s: given twice",
						        levers[i]);
		current[i] = out->lever[i].current;
	}
	out->nlevers = nlevers;
	s.p = p;
	s.o = o;
	s.res = out;
	s.pop = pop;
	s.draws = o->draws > 0 ? o->draws : p->replicates;
	s.t = o->date - p->start;
	s.logn = log(o->households + 0.5);
	out->draws = s.draws;
	s.q = malloc(sizeof *s.q);
	s.d = malloc(sizeof *s.d);
	s.v = malloc(STROOM_DRAW_MAX * sizeof *s.v);
	if (!s.q || !s.d || !s.v) {
		err = stroom_error_set(STROOM_ENOMEM, "out of memory");
		goto done;
	}
	if ((err = stroom_ev_new(&s.ev, p, pop, o->rules, NULL)) != 0)
		goto done;
	if ((err = prob_at(&s, current, &out->p_current, NULL, &out->caseload_current)) != 0)
		goto done;
	for (i = 0; i < nlevers; i++) {
		s.evaluations = 0;
		if ((err = search_lever(&s, current, i, &out->alone[i])) != 0 ||
		    (err = finish(&s, current, &out->alone[i])) != 0)
			goto done;
	}
	/* the iso-probability curve of the first two levers */
	if (nlevers >= 2 && out->alone[0].reached && out->p_current < o->probability) {
		const stroom_target_lever *l0 = &out->lever[0];
		long k0 = (long)floor((out->alone[0].setting[0] - current[0]) * l0->direction /
					  l0->step + 0.5);
		long last = -1;
		for (i = 0; i < 4; i++) {
			double base[STROOM_TARGET_MAX_LEVERS];
			stroom_target_answer *a = &out->combo[out->ncombo];
			if (k0 * i / 4 == last)
				continue; /* fewer than 4 steps: each once */
			last = k0 * i / 4;
			for (j = 0; j < nlevers; j++)
				base[j] = current[j];
			base[0] = step_value(l0, current[0], last);
			s.evaluations = 0;
			if ((err = search_lever(&s, base, 1, a)) != 0)
				goto done;
			if (!a->reached)
				continue;
			if ((err = finish(&s, current, a)) != 0)
				goto done;
			out->ncombo++;
		}
		rank_combos(out);
	}
done:
	stroom_ev_free(s.ev);
	free(s.q);
	free(s.d);
	free(s.v);
	return err;
}
