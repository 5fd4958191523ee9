/*
 * plausible.c: warnings when a scenario's staffing or money does not fit its
 * population (include/stroom/plausible.h, docs/init.md). The ranges are
 * data/policy/plausible.csv, compiled in; the figures are derived on the start
 * month from the starting households, the teams' FTE and selectors, the budget
 * table and budget.other_spending_eur.
 */
#include "internal.h"
#include "csv.h"
#include "builtin.h"
#include "model.h"

#include <stroom/plausible.h>

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CATALOGUE "plausible.csv"

enum { TEAM_CASELOAD, TEAM_VS_NORM, BUDGET_PER_HH, OTHER_PER_HH, NCHECKS };

static const char *const check_names[NCHECKS] = {
	"team_caseload", "team_caseload_vs_norm", "budget_per_household",
	"other_spending_per_household"};

typedef struct ranges {
	double low[NCHECKS], high[NCHECKS];
} ranges;

/* The builtin ranges; every check must be there once. */
static int load_ranges(ranges *r)
{
	static const char *const cols[] = {"check", "low", "high", "unit", "source"};
	const stroom_builtin *e = stroom_builtin_find(stroom_builtin_policies, "data/policy/" CATALOGUE);
	const char *src = e ? e->text : NULL;
	int seen[NCHECKS] = {0}, rc, i;
	stroom_csv c;
	char *text;
	if (!src)
		return stroom_error_set(STROOM_ENOTFOUND, "data/policy/" CATALOGUE ": not built in");
	text = stroom_malloc(NULL, strlen(src) + 1);
	if (!text)
		return STROOM_ENOMEM;
	strcpy(text, src);
	rc = stroom_csv_open(&c, text, "data/policy/" CATALOGUE, cols, 5, 5, 0);
	while (rc == 0 && (rc = stroom_csv_row(&c)) == 1) {
		char *e1, *e2;
		double lo = strtod(c.f[1], &e1), hi = strtod(c.f[2], &e2);
		rc = 0;
		for (i = 0; i < NCHECKS; i++)
			if (!strcmp(c.f[0], check_names[i]))
				break;
		if (i == NCHECKS || seen[i] || *e1 || *e2 || !(lo <= hi))
			rc = stroom_error_set(STROOM_ERROR, "data/policy/" CATALOGUE ":%d: bad row",
					      c.line);
		else {
			seen[i] = 1;
			r->low[i] = lo;
			r->high[i] = hi;
		}
	}
	stroom_free(NULL, text);
	if (rc < 0)
		return rc;
	for (i = 0; i < NCHECKS; i++)
		if (!seen[i])
			return stroom_error_set(STROOM_ERROR, "data/policy/" CATALOGUE ": no row '%s'",
						check_names[i]);
	return 0;
}

/* Adds a warning (counted even when out is full). */
__attribute__((format(printf, 5, 6)))
static void warn(stroom_plausible_warning *out, int max, int *n, const char *keys,
		 const char *fmt, ...)
{
	if (*n < max) {
		stroom_plausible_warning *w = &out[*n];
		size_t len;
		va_list ap;
		snprintf(w->keys, sizeof w->keys, "%s", keys);
		len = (size_t)snprintf(w->text, sizeof w->text, "%s: ", keys);
		if (len < sizeof w->text) {
			va_start(ap, fmt);
			vsnprintf(w->text + len, sizeof w->text - len, fmt, ap);
			va_end(ap);
		}
	}
	(*n)++;
}

/* The clients of each team on the 1st of m: the first active team that selects a
 * household serves it (stroom_model_team_table). */
static void team_clients(const stroom_params *p, const stroom_households *h, stroom_month m,
			 long *clients)
{
	int active[STROOM_MAX_TEAMS], k;
	size_t i;
	for (k = 0; k < p->n_teams; k++) {
		active[k] = stroom_series_at(&p->team[k].fte, m, 0.0) > 0.0;
		clients[k] = 0;
	}
	for (i = 0; i < h->n; i++) {
		int a = stroom_model_age_band(h->birth_month[i], m);
		int u = stroom_model_duration_band(h->spell_start[i], m);
		for (k = 0; k < p->n_teams; k++)
			if (active[k] && stroom_model_selects(&p->team[k].serves, h->distance[i], u, a,
							      h->type[i], h->area[i], h->stream[i])) {
				clients[k]++;
				break;
			}
	}
}

int stroom_plausible_check(const stroom_params *p, const stroom_households *h,
			   const stroom_budget *bud, stroom_plausible_warning *out, int max)
{
	long clients[STROOM_MAX_TEAMS];
	char month[16], keys[160];
	double households;
	ranges r;
	int n = 0, k, rc;

	if (!p || !h || max < 0 || (max > 0 && !out))
		return stroom_error_set(STROOM_EINVAL, "plausible: no scenario or households");
	if ((rc = load_ranges(&r)) != 0)
		return rc;
	stroom_month_format(p->start, month, sizeof month);
	households = (double)h->n;
	if (h->n == 0)
		return 0;

	team_clients(p, h, p->start, clients);
	for (k = 0; k < p->n_teams; k++) {
		const stroom_team *t = &p->team[k];
		double fte = stroom_series_at(&t->fte, p->start, 0.0), caseload, vs;
		int out_abs, out_norm;
		if (fte <= 0.0 || clients[k] == 0)
			continue;
		caseload = (double)clients[k] / fte;
		vs = caseload / t->norm;
		out_abs = caseload < r.low[TEAM_CASELOAD] || caseload > r.high[TEAM_CASELOAD];
		out_norm = vs < r.low[TEAM_VS_NORM] || vs > r.high[TEAM_VS_NORM];
		if (!out_abs && !out_norm)
			continue;
		snprintf(keys, sizeof keys, "teams.%s.fte, population.households", t->name);
		warn(out, max, &n, keys,
		     "%.1f households per FTE on %s (%ld clients / %.4g FTE) against the team's "
		     "norm of %.4g; plausible: %g-%g per FTE and %g-%g times the norm "
		     "(data/policy/plausible.csv); scale the FTE with the households "
		     "(stroom init)",
		     caseload, month, clients[k], fte, t->norm, r.low[TEAM_CASELOAD],
		     r.high[TEAM_CASELOAD], r.low[TEAM_VS_NORM], r.high[TEAM_VS_NORM]);
	}

	if (bud) {
		const stroom_budget_year *y = NULL;
		if (stroom_budget_lookup(bud, stroom_month_year(p->start), &y) == 0 && y) {
			double per = (double)y->budget_eurocent / 100.0 / households;
			if (per < r.low[BUDGET_PER_HH] || per > r.high[BUDGET_PER_HH])
				warn(out, max, &n,
				     p->budget_start_eur > 0 ? "budget.start_eur, population.households"
				     : p->budget_csv[0]      ? "budget.csv, population.households"
							     : "budget.table, population.households",
				     "a BUIG budget of EUR %.0f a household on benefit in %d (EUR %.1fm "
				     "over %.0f households); plausible: EUR %g-%g "
				     "(data/policy/plausible.csv); set the municipality's own budget "
				     "(budget.start_eur, stroom init --budget)",
				     per, y->year, (double)y->budget_eurocent / 1e8, households,
				     r.low[BUDGET_PER_HH], r.high[BUDGET_PER_HH]);
		}
		stroom_error_clear();
	}
	{
		/* the fixed sum per household plus ratio x price (budget.other_ratio) */
		double other = stroom_series_at(&p->budget_other_spending, p->start, 0.0) +
			       p->budget_other_ratio * households *
				       stroom_series_at(&p->budget_other_price, p->start, 0.0);
		double per = other / households;
		if (per < r.low[OTHER_PER_HH] || per > r.high[OTHER_PER_HH])
			warn(out, max, &n, "budget.other_spending_eur, population.households",
			     "other BUIG spending of EUR %.0f a household on benefit on %s (EUR %.1fm "
			     "over %.0f households); plausible: EUR %g-%g "
			     "(data/policy/plausible.csv); scale it with the households "
			     "(stroom init)",
			     per, month, other / 1e6, households, r.low[OTHER_PER_HH],
			     r.high[OTHER_PER_HH]);
	}
	return n;
}
