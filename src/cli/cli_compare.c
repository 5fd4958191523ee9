/*
 * cli_compare.c: `stroom compare A B [--out DIR] [--json]` (docs/compare.md). Both
 * scenarios run with the same seed and replicates, so replicate k of A and of B
 * share their random numbers (common random numbers) and every difference is
 * taken replicate by replicate: per year the caseload and every stock on 1
 * January, the household-years on benefit, every flow and every money indicator
 * the results carry (summed over the year), the BUIG result and safety net when
 * both have a budget table, P(caseload <= the target) in both and its
 * difference, and the net cost per household-year off benefit.
 */
#include "cli.h"
#include "cli_archive.h"
#include "internal.h"
#include "outfile.h"

#include <stroom/check.h>
#include <stroom/output.h>
#include <stroom/report.h>
#include <stroom/scenario.h>
#include <stroom/sim.h>
#include <stroom/xlsx.h>

#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/*
 * The money counted as the spending of the net cost per household-year off
 * benefit: BUIG benefit spending (benefits and LKS) and, when both scenarios have
 * a budget, the levers' execution costs (teams, instruments, controls, prevention,
 * the gate: docs/policy.md "Costs"), which are paid from the municipality's own means.
 */
static const int spending_money[] = {STROOM_MONEY_BENEFIT, STROOM_MONEY_LKS};
#define SPENDING_BASIS_COSTS "benefit spending (benefits and LKS) plus the levers' execution costs"
#define SPENDING_BASIS_NO_COSTS "benefit spending only (benefits and LKS; a scenario without a budget has no execution costs)"
#define SPENDING_BASIS(c) ((c)->costs ? SPENDING_BASIS_COSTS : SPENDING_BASIS_NO_COSTS)

/* One row of compare.csv: a period ("2026" or "2026-01"), an indicator, the
 * means of A and B and the paired difference B - A (mean, 5%, 50%, 95%). */
typedef struct cmp_row {
	char period[12];
	char indicator[72];
	double a, b, mean, se, q05, q50, q95;
	double hy_off, spend; /* the net cost's parts (not in compare.csv) */
} cmp_row;

typedef struct cmp {
	cmp_row *row;
	size_t n, cap;
	double *va, *vb, *d; /* per replicate */
	int R;
	int target;          /* N, 0 = none */
	stroom_month target_month;
	int target_from;     /* 'A' or 'B': whose target */
	int costs;           /* execution costs counted in the net cost */
} cmp;

static int cmp_double(const void *x, const void *y)
{
	double a = *(const double *)x, b = *(const double *)y;
	return (a > b) - (a < b);
}

/* Quantile p of sorted x[n], interpolated as GSL's (index p (n - 1)). */
static double quantile_sorted(const double *x, int n, double p)
{
	double h = p * (n - 1);
	int i = (int)floor(h);
	if (i >= n - 1)
		return x[n - 1];
	return x[i] + (h - i) * (x[i + 1] - x[i]);
}

/* Appends a row named (period, ind) and returns it, or NULL when out of memory. */
static cmp_row *new_row(cmp *c, const char *period, const char *ind)
{
	cmp_row *r;
	if (c->n == c->cap) {
		size_t cap = c->cap ? 2 * c->cap : 256;
		cmp_row *nr = realloc(c->row, cap * sizeof *nr);
		if (!nr)
			return NULL;
		c->row = nr;
		c->cap = cap;
	}
	r = &c->row[c->n++];
	snprintf(r->period, sizeof r->period, "%s", period);
	snprintf(r->indicator, sizeof r->indicator, "%s", ind);
	return r;
}

/* Adds a row from the replicates' va and vb (scaled by scale). */
static int add_row(cmp *c, const char *period, const char *ind, double scale)
{
	cmp_row *r;
	double sa = 0, sb = 0, sd = 0;
	int k;
	if (!(r = new_row(c, period, ind)))
		return -1;
	for (k = 0; k < c->R; k++) {
		c->d[k] = (c->vb[k] - c->va[k]) / scale;
		sa += c->va[k] / scale;
		sb += c->vb[k] / scale;
		sd += c->d[k];
	}
	r->hy_off = r->spend = NAN;
	r->a = sa / c->R;
	r->b = sb / c->R;
	r->mean = sd / c->R;
	{
		double ss = 0;
		for (k = 0; k < c->R; k++)
			ss += (c->d[k] - r->mean) * (c->d[k] - r->mean);
		r->se = c->R > 1 ? sqrt(ss / (c->R - 1) / c->R) : NAN;
	}
	qsort(c->d, (size_t)c->R, sizeof *c->d, cmp_double);
	r->q05 = quantile_sorted(c->d, c->R, 0.05);
	r->q50 = quantile_sorted(c->d, c->R, 0.50);
	r->q95 = quantile_sorted(c->d, c->R, 0.95);
	return 0;
}

/* A row without an interval (a ratio of means). */
static int add_plain(cmp *c, const char *period, const char *ind, double hy_off, double spend,
		     double mean)
{
	cmp_row *r;
	if (!(r = new_row(c, period, ind)))
		return -1;
	r->a = r->b = NAN;
	r->hy_off = hy_off;
	r->spend = spend;
	r->mean = mean;
	r->se = NAN;
	r->q05 = r->q50 = r->q95 = NAN;
	return 0;
}

/* The caseload (or a stock) on the 1st of month index t, t == months included. */
static double stock_at(const stroom_results *r, int rep, int t, int ind)
{
	if (t == stroom_results_months(r))
		return ind == STROOM_IND_CASELOAD ? (double)stroom_results_final_caseload(r, rep, 0) : (double)NAN;
	return stroom_results_value(r, rep, t, ind, 0);
}

static int is_stock(int ind)
{
	return ind == STROOM_IND_CASELOAD || ind == STROOM_IND_PARTTIME;
}

/* Builds every row of the comparison. 0, or -1 when out of memory. */
static int build(cmp *c, const stroom_results *ra, const stroom_results *rb,
		 const stroom_budget_run *ba, const stroom_budget_run *bb)
{
	int T = stroom_results_months(ra), R = c->R, y, k, rep, t;
	stroom_month start = stroom_results_start(ra);
	int y0 = stroom_month_year(start), y1 = stroom_month_year(start + T - 1);
	double tot_spend = 0, tot_hy = 0;
	char period[12];
	for (y = y0; y <= y1 + 1; y++) {
		int tj = stroom_month_make(y, 1) - start;
		int full = tj >= 0 && tj + 12 <= T; /* every month of the year simulated */
		double spend = 0, hy = 0;
		snprintf(period, sizeof period, "%d", y);
		/* stocks on 1 January */
		if (tj >= 0 && tj <= T) {
			for (k = 0; k < STROOM_NIND; k++) {
				char name[72];
				if (!is_stock(k) || (tj == T && k != STROOM_IND_CASELOAD))
					continue;
				for (rep = 0; rep < R; rep++) {
					c->va[rep] = stock_at(ra, rep, tj, k);
					c->vb[rep] = stock_at(rb, rep, tj, k);
				}
				snprintf(name, sizeof name, "%s_1jan", stroom_indicator_name(k));
				if (add_row(c, period, name, 1))
					return -1;
			}
			if (c->target) {
				for (rep = 0; rep < R; rep++) {
					c->va[rep] = stock_at(ra, rep, tj, STROOM_IND_CASELOAD) <= c->target;
					c->vb[rep] = stock_at(rb, rep, tj, STROOM_IND_CASELOAD) <= c->target;
				}
				if (add_row(c, period, "p_caseload_1jan_le_target", 1))
					return -1;
			}
		}
		if (!full)
			continue;
		/* household-years on benefit */
		for (rep = 0; rep < R; rep++) {
			c->va[rep] = c->vb[rep] = 0;
			for (t = tj; t < tj + 12; t++) {
				c->va[rep] += stroom_results_value(ra, rep, t, STROOM_IND_CASELOAD, 0) / 12.0;
				c->vb[rep] += stroom_results_value(rb, rep, t, STROOM_IND_CASELOAD, 0) / 12.0;
			}
		}
		if (add_row(c, period, "household_years", 1))
			return -1;
		hy = -c->row[c->n - 1].mean; /* household-years off benefit: A - B */
		/* flows, summed over the year */
		for (k = 0; k < STROOM_NIND; k++) {
			if (is_stock(k))
				continue;
			for (rep = 0; rep < R; rep++) {
				c->va[rep] = c->vb[rep] = 0;
				for (t = tj; t < tj + 12; t++) {
					c->va[rep] += stroom_results_value(ra, rep, t, k, 0);
					c->vb[rep] += stroom_results_value(rb, rep, t, k, 0);
				}
			}
			if (add_row(c, period, stroom_indicator_name(k), 1))
				return -1;
		}
		/* every money indicator of the results, in EUR */
		for (k = 0; k < STROOM_NMONEY; k++) {
			char name[72];
			const char *m = stroom_money_name(k);
			size_t len = strlen(m);
			size_t i;
			int counted = 0;
			for (rep = 0; rep < R; rep++) {
				c->va[rep] = c->vb[rep] = 0;
				for (t = tj; t < tj + 12; t++) {
					c->va[rep] += (double)stroom_results_money(ra, rep, t, k, 0);
					c->vb[rep] += (double)stroom_results_money(rb, rep, t, k, 0);
				}
			}
			/* "spending_benefit_eurocent" -> "spending_benefit_eur" */
			if (len > 9 && !strcmp(m + len - 9, "_eurocent"))
				snprintf(name, sizeof name, "%.*s_eur", (int)(len - 9), m);
			else
				snprintf(name, sizeof name, "%s", m);
			if (add_row(c, period, name, 100))
				return -1;
			for (i = 0; i < STROOM_ARRAY_LEN(spending_money); i++)
				counted |= spending_money[i] == k;
			if (counted)
				spend += c->row[c->n - 1].mean;
		}
		/* the BUIG result and safety net */
		if (ba && bb) {
			int ia, ib;
			for (ia = 0; ia < stroom_output_budget_years(ba); ia++)
				if (stroom_output_budget_result(ba, 0, ia)->year == y)
					break;
			for (ib = 0; ib < stroom_output_budget_years(bb); ib++)
				if (stroom_output_budget_result(bb, 0, ib)->year == y)
					break;
			if (ia < stroom_output_budget_years(ba) && ib < stroom_output_budget_years(bb)) {
				static const char *const bnames[] = {
					"budget_eur", "budget_spending_eur", "budget_net_spending_eur",
					"budget_result_eur", "budget_result_pct", "budget_safety_net_eur",
					"budget_own_risk_eur", "budget_result_after_safety_net_eur"};
				int b;
				for (b = 0; b < (int)STROOM_ARRAY_LEN(bnames); b++) {
					for (rep = 0; rep < R; rep++) {
						const stroom_budget_result *xa =
							stroom_output_budget_result(ba, rep, ia);
						const stroom_budget_result *xb =
							stroom_output_budget_result(bb, rep, ib);
						int64_t a64 = 0, b64 = 0;
						switch (b) {
						case 0: a64 = xa->budget_eurocent; b64 = xb->budget_eurocent; break;
						case 1: a64 = xa->spending_eurocent; b64 = xb->spending_eurocent; break;
						case 2: a64 = xa->net_spending_eurocent; b64 = xb->net_spending_eurocent; break;
						case 3: a64 = xa->result_eurocent; b64 = xb->result_eurocent; break;
						case 5: a64 = xa->safety_net_eurocent; b64 = xb->safety_net_eurocent; break;
						case 6: a64 = xa->own_risk_eurocent; b64 = xb->own_risk_eurocent; break;
						case 7: a64 = xa->result_after_safety_net_eurocent;
							b64 = xb->result_after_safety_net_eurocent; break;
						default: break;
						}
						c->va[rep] = b == 4 ? xa->result_pct : (double)a64;
						c->vb[rep] = b == 4 ? xb->result_pct : (double)b64;
					}
					if (add_row(c, period, bnames[b], b == 4 ? 1 : 100))
						return -1;
				}
				/* the execution costs per lever and their total (lever
				 * STROOM_NCOST), part of the net cost's spending */
				for (b = 0; b <= STROOM_NCOST; b++) {
					char name[72];
					for (rep = 0; rep < R; rep++) {
						c->va[rep] = (double)stroom_output_budget_cost(ba, rep, ia, b);
						c->vb[rep] = (double)stroom_output_budget_cost(bb, rep, ib, b);
					}
					if (b < STROOM_NCOST)
						snprintf(name, sizeof name, "execution_cost_%s_eur",
							 stroom_cost_name(b));
					else
						snprintf(name, sizeof name, "execution_cost_eur");
					if (add_row(c, period, name, 100))
						return -1;
					if (b == STROOM_NCOST) {
						spend += c->row[c->n - 1].mean;
						c->costs = 1;
					}
				}
			}
		}
		/* the net cost per household-year off benefit: spending difference over
		 * the household-years difference, means of the paired differences */
		if (add_plain(c, period, "net_cost_per_household_year_off_eur", hy, spend,
			      fabs(hy) > 1e-9 ? spend / hy : NAN))
			return -1;
		tot_spend += spend;
		tot_hy += hy;
	}
	if (add_plain(c, "all", "net_cost_per_household_year_off_eur", tot_hy, tot_spend,
		      fabs(tot_hy) > 1e-9 ? tot_spend / tot_hy : NAN))
		return -1;
	/* the target date */
	if (c->target) {
		int tt = c->target_month - start;
		stroom_month_format(c->target_month, period, sizeof period);
		if (tt >= 0 && tt <= T) {
			for (rep = 0; rep < R; rep++) {
				c->va[rep] = stock_at(ra, rep, tt, STROOM_IND_CASELOAD);
				c->vb[rep] = stock_at(rb, rep, tt, STROOM_IND_CASELOAD);
			}
			if (add_row(c, period, "caseload", 1))
				return -1;
			for (rep = 0; rep < R; rep++) {
				c->va[rep] = c->va[rep] <= c->target;
				c->vb[rep] = c->vb[rep] <= c->target;
			}
			if (add_row(c, period, "p_caseload_le_target", 1))
				return -1;
		}
	}
	return 0;
}

/* A number for CSV and JSON: "" / null when not a number. */
static void num(stroom_sbuf *b, double x, int json)
{
	if (!isfinite(x))
		stroom_sbuf_printf(b, "%s", json ? "null" : "");
	else
		stroom_sbuf_printf(b, "%.10g", x);
}

static size_t csv_text(const cmp *c, char *buf, size_t size)
{
	stroom_sbuf b = {buf, size, 0};
	size_t i;
	stroom_sbuf_printf(&b, "period,indicator,a_mean,b_mean,diff_mean,diff_se,diff_p05,diff_p50,diff_p95\n");
	for (i = 0; i < c->n; i++) {
		const cmp_row *r = &c->row[i];
		stroom_sbuf_printf(&b, "%s,%s,", r->period, r->indicator);
		num(&b, r->a, 0);
		stroom_sbuf_printf(&b, ",");
		num(&b, r->b, 0);
		stroom_sbuf_printf(&b, ",");
		num(&b, r->mean, 0);
		stroom_sbuf_printf(&b, ",");
		num(&b, r->se, 0);
		stroom_sbuf_printf(&b, ",");
		num(&b, r->q05, 0);
		stroom_sbuf_printf(&b, ",");
		num(&b, r->q50, 0);
		stroom_sbuf_printf(&b, ",");
		num(&b, r->q95, 0);
		stroom_sbuf_printf(&b, "\n");
	}
	return b.len;
}

static const cmp_row *find(const cmp *c, const char *period, const char *ind)
{
	size_t i;
	for (i = 0; i < c->n; i++)
		if (!strcmp(c->row[i].period, period) && !strcmp(c->row[i].indicator, ind))
			return &c->row[i];
	return NULL;
}

/* The summary's heading of a money indicator shown beyond the fixed rows: what
 * it is in words, then its name in compare.csv; an unknown one by its name. */
static const char *money_label(const char *indicator)
{
	static const struct {
		const char *ind, *label;
	} names[] = {
		{"spending_instruments_eur", "instrument spending"},
		{"recoveries_eur", "recoveries"},
		{"execution_cost_teams_eur", "execution cost of the teams, not in the BUIG result"},
		{"execution_cost_instruments_eur", "execution cost of the instruments, not in the BUIG result"},
		{"execution_cost_enforcement_eur", "execution cost of enforcement, not in the BUIG result"},
		{"execution_cost_prevention_eur", "execution cost of prevention, not in the BUIG result"},
		{"execution_cost_gate_eur", "execution cost of the gate, not in the BUIG result"},
		{"execution_cost_eur", "execution costs in total, not in the BUIG result"},
	};
	size_t k;
	for (k = 0; k < STROOM_ARRAY_LEN(names); k++)
		if (!strcmp(names[k].ind, indicator))
			return names[k].label;
	return NULL;
}

static size_t summary_text(const cmp *c, const stroom_params *pa, const stroom_params *pb, char *buf,
			   size_t size)
{
	static const struct {
		const char *ind, *label;
		double scale;
	} show[] = {
		{"caseload_1jan", "caseload on 1 January", 1},
		{"household_years", "household-years on benefit", 1},
		{"inflow_new", "inflow (new)", 1},
		{"inflow_return", "returns", 1},
		{"exit_work", "exits to work", 1},
		{"exit_lks", "exits with LKS", 1},
		{"exit_other", "other exits", 1},
		{"exit_enforcement", "enforcement exits", 1},
		{"spending_benefit_eur", "benefits (EUR 1,000)", 1e3},
		{"spending_lks_eur", "LKS (EUR 1,000)", 1e3},
		{"budget_result_eur", "BUIG result (EUR 1,000)", 1e3},
		{"budget_safety_net_eur", "safety net (EUR 1,000)", 1e3},
		{"p_caseload_1jan_le_target", "P(caseload on 1 January <= target), percentage points [90% "
					      "interval: 1.645 paired standard errors]", 0.01},
	};
	stroom_sbuf b = {buf, size, 0};
	size_t k, i;
	stroom_sbuf_printf(&b, "Difference %s minus %s, paired by replicate (%d replicates, seed %llu):\n",
			   pb->name, pa->name, c->R, (unsigned long long)pa->seed);
	stroom_sbuf_printf(&b, "mean difference [90%% interval of the replicates' differences]; flows "
			       "and money summed over each year\n");
	for (k = 0; k < STROOM_ARRAY_LEN(show); k++) {
		int any = 0;
		for (i = 0; i < c->n; i++) {
			const cmp_row *r = &c->row[i];
			double s = show[k].scale;
			if (strcmp(r->indicator, show[k].ind) || strlen(r->period) != 4)
				continue;
			if (!any++)
				stroom_sbuf_printf(&b, "\n%s\n", show[k].label);
			if (!strncmp(r->indicator, "p_", 2)) {
				/* a difference of shares: mean +- 1.645 of its paired standard error */
				double h = 1.6448536269514722 * (isfinite(r->se) ? r->se : 0);
				stroom_sbuf_printf(&b, "  %s  %+12.1f  [%+12.1f to %+12.1f]   (%s %.1f, %s %.1f)\n",
						   r->period, r->mean / s, (r->mean - h) / s, (r->mean + h) / s,
						   pa->name, r->a / s, pb->name, r->b / s);
				continue;
			}
			stroom_sbuf_printf(&b, "  %s  %+12.1f  [%+12.1f to %+12.1f]   (%s %.1f, %s %.1f)\n",
					   r->period, r->mean / s, r->q05 / s, r->q95 / s, pa->name,
					   r->a / s, pb->name, r->b / s);
		}
	}
	/* other money the results carry (execution costs when they are there) */
	for (i = 0; i < c->n; i++) {
		const cmp_row *r = &c->row[i];
		size_t len = strlen(r->indicator), j;
		int shown = 0;
		if (len < 4 || strcmp(r->indicator + len - 4, "_eur") || !strncmp(r->indicator, "budget", 6) ||
		    !strncmp(r->indicator, "net_cost", 8) || strlen(r->period) != 4)
			continue;
		for (k = 0; k < STROOM_ARRAY_LEN(show); k++)
			shown |= !strcmp(show[k].ind, r->indicator);
		for (j = 0; j < i; j++)
			shown |= !strcmp(c->row[j].indicator, r->indicator);
		/* a lever that costs nothing in either scenario in any year: not shown
		 * (compare.csv keeps it); the total always is */
		if (!shown && !strncmp(r->indicator, "execution_cost_", 15) &&
		    strcmp(r->indicator, "execution_cost_eur")) {
			shown = 1;
			for (j = i; j < c->n; j++)
				if (!strcmp(c->row[j].indicator, r->indicator) &&
				    (c->row[j].a != 0 || c->row[j].b != 0))
					shown = 0;
		}
		if (shown)
			continue;
		if (money_label(r->indicator))
			stroom_sbuf_printf(&b, "\n%s (EUR 1,000; %s)\n", money_label(r->indicator),
					   r->indicator);
		else
			stroom_sbuf_printf(&b, "\n%s (EUR 1,000)\n", r->indicator);
		for (j = i; j < c->n; j++)
			if (!strcmp(c->row[j].indicator, r->indicator) && strlen(c->row[j].period) == 4)
				stroom_sbuf_printf(&b, "  %s  %+12.1f  [%+12.1f to %+12.1f]\n", c->row[j].period,
						   c->row[j].mean / 1e3, c->row[j].q05 / 1e3,
						   c->row[j].q95 / 1e3);
	}
	stroom_sbuf_printf(&b, "\nnet cost per household-year off benefit, EUR: the mean spending difference "
			       "over the mean\nhousehold-years off benefit (negative: a saving); %s\n",
			   SPENDING_BASIS(c));
	for (i = 0; i < c->n; i++) {
		const cmp_row *r = &c->row[i];
		if (strcmp(r->indicator, "net_cost_per_household_year_off_eur"))
			continue;
		stroom_sbuf_printf(&b, "  %s: spending EUR %+.0f over %+.1f household-years off: ", r->period,
				   r->spend, r->hy_off);
		if (isfinite(r->mean))
			stroom_sbuf_printf(&b, "%+.0f\n", r->mean);
		else
			stroom_sbuf_printf(&b, "no household-years off\n");
	}
	if (c->target) {
		char m[16];
		const cmp_row *cl, *pr;
		stroom_month_format(c->target_month, m, sizeof m);
		cl = find(c, m, "caseload");
		pr = find(c, m, "p_caseload_le_target");
		stroom_sbuf_printf(&b, "\ntarget %d households on %s (%s's target)\n", c->target, m,
				   c->target_from == 'A' ? pa->name : pb->name);
		if (cl && pr) {
			stroom_sbuf_printf(&b, "  caseload: %s %.0f, %s %.0f, difference %+.0f [%+.0f to %+.0f]\n",
					   pa->name, cl->a, pb->name, cl->b, cl->mean, cl->q05, cl->q95);
			stroom_sbuf_printf(&b, "  P(caseload <= %d): %s %.3f, %s %.3f, difference %+.3f "
					       "(Monte Carlo standard error %.3f)\n",
					   c->target, pa->name, pr->a, pb->name, pr->b, pr->mean, pr->se);
		} else {
			stroom_sbuf_printf(&b, "  outside the simulated months\n");
		}
	} else {
		stroom_sbuf_printf(&b, "\nno target: neither scenario sets target.households\n");
	}
	return b.len;
}

/* compare's progress callback is stroom_cli_stop_requested: no bar, only the signal flag. */
static int interrupted(void) { return stroom_cli_interrupted_exit("no comparison printed"); }

/* Loads and checks a scenario and everything its run reads (as validate does)
 * and runs it; prints errors. 0 or an exit code. */
static int load_and_run(const char *scen, int replicates, int threads, int have_seed, uint64_t seed,
			stroom_run_inputs **in, stroom_params *p, stroom_results **res,
			stroom_budget_run **br)
{
	stroom_check_options co = STROOM_CHECK_OPTIONS_INIT;
	stroom_sim_options so = STROOM_SIM_OPTIONS_INIT;
	int err;
	co.replicates = replicates;
	co.have_seed = have_seed;
	co.seed = seed;
	if ((err = stroom_check_run(in, scen, &co)) != 0)
		return stroom_cli_fail(err);
	*p = *stroom_run_inputs_params(*in);
	if (!stroom_run_inputs_population(*in)) {
		fprintf(stderr, "stroom: %s: compare takes one-municipality scenarios (this one has "
				"municipalities.csv)\n", stroom_cli_printable(scen).s);
		return EXIT_BADINPUT;
	}
	so.threads = threads;
	so.rules = stroom_run_inputs_rules(*in);
	so.posterior = stroom_run_inputs_posterior(*in);
	so.progress = stroom_cli_stop_requested;
	err = stroom_sim_run(res, p, stroom_run_inputs_population(*in), &so);
	if (err == STROOM_EINTR)
		return interrupted();
	if (err)
		return stroom_cli_fail(err);
	if (stroom_run_inputs_budget(*in) &&
	    (err = stroom_output_budget_compute(br, *res, p, stroom_run_inputs_budget(*in))) != 0)
		return stroom_cli_fail(err);
	return EXIT_OK;
}

typedef struct text_file {
	char *text;
	size_t len;
} text_file;

static size_t manifest_text(const cmp *c, const stroom_run_inputs *const in[2],
			    const stroom_params *p, char *buf, size_t size)
{
	stroom_sbuf b = {buf, size, 0};
	int s;
	size_t i;
	stroom_sbuf_printf(&b, "{\n  \"stroom_version\": ");
	stroom_json_string(&b, stroom_version());
	stroom_sbuf_printf(&b, ",\n  \"command\": \"compare\",\n  \"seed\": %llu,\n  \"replicates\": %d,\n",
			   (unsigned long long)p[0].seed, c->R);
	stroom_sbuf_printf(&b, "  \"paired\": \"replicate k of both runs shares its random numbers "
			       "(same seed and replicate index)\",\n");
	stroom_sbuf_printf(&b, "  \"net_cost_basis\": ");
	stroom_json_string(&b, SPENDING_BASIS(c));
	stroom_sbuf_printf(&b, ",\n  \"target\": ");
	if (c->target) {
		char m[16];
		stroom_sbuf_printf(&b, "{\"households\": %d, \"date\": \"%s\", \"from\": \"%s\"}", c->target,
				   stroom_month_format(c->target_month, m, sizeof m),
				   c->target_from == 'A' ? "a" : "b");
	} else {
		stroom_sbuf_printf(&b, "null");
	}
	for (s = 0; s < 2; s++) {
		const stroom_scenario *sc = stroom_run_inputs_scenario(in[s]);
		size_t n = stroom_params_to_json(&p[s], NULL, 0);
		char *js = malloc(n + 1);
		stroom_sbuf_printf(&b, ",\n  \"%s\": {\n    \"inputs\": [", s ? "b" : "a");
		for (i = 0; i < stroom_scenario_input_count(sc); i++) {
			stroom_sbuf_printf(&b, "%s{\"path\": ", i ? ", " : "");
			stroom_json_string(&b, stroom_scenario_input_path(sc, i));
			stroom_sbuf_printf(&b, ", \"sha256\": \"%s\"}", stroom_scenario_input_sha256(sc, i));
		}
		stroom_sbuf_printf(&b, "],\n    \"scenario_sources\": ");
		{ /* where each value comes from (stroom_scenario_sources_json) */
			size_t ns = stroom_scenario_sources_json(sc, NULL, 0);
			char *src = malloc(ns + 1);
			if (src)
				stroom_scenario_sources_json(sc, src, ns + 1);
			stroom_sbuf_printf(&b, "%s", src ? src : "null");
			free(src);
		}
		stroom_sbuf_printf(&b, ",\n    \"scenario\": ");
		if (js) {
			stroom_params_to_json(&p[s], js, n + 1);
			stroom_sbuf_printf(&b, "%s", js);
		} else {
			stroom_sbuf_printf(&b, "null");
		}
		free(js);
		stroom_sbuf_printf(&b, "\n  }");
	}
	stroom_sbuf_printf(&b, "\n}\n");
	return b.len;
}

static int make_text(text_file *f, size_t n)
{
	f->text = malloc(n + 1);
	f->len = n;
	return f->text ? 0 : -1;
}

static void print_json(const cmp *c, const stroom_params *p)
{
	size_t i;
	printf("{\"a\": ");
	stroom_cli_json_str(p[0].name);
	printf(", \"b\": ");
	stroom_cli_json_str(p[1].name);
	printf(", \"seed\": %llu, \"replicates\": %d, \"net_cost_basis\": ",
	       (unsigned long long)p[0].seed, c->R);
	stroom_cli_json_str(SPENDING_BASIS(c));
	if (c->target) {
		char m[16];
		printf(", \"target\": {\"households\": %d, \"date\": \"%s\"}", c->target,
		       stroom_month_format(c->target_month, m, sizeof m));
	} else {
		printf(", \"target\": null");
	}
	printf(", \"rows\": [");
	for (i = 0; i < c->n; i++) {
		const cmp_row *r = &c->row[i];
		const double v[7] = {r->a, r->b, r->mean, r->se, r->q05, r->q50, r->q95};
		static const char *const k[7] = {"a_mean", "b_mean", "diff_mean", "diff_se", "diff_p05",
						  "diff_p50", "diff_p95"};
		int j;
		printf("%s\n  {\"period\": \"%s\", \"indicator\": \"%s\"", i ? "," : "", r->period,
		       r->indicator);
		for (j = 0; j < 7; j++) {
			if (isfinite(v[j]))
				printf(", \"%s\": %.10g", k[j], v[j]);
			else
				printf(", \"%s\": null", k[j]);
		}
		printf("}");
	}
	printf("\n]}\n");
}

static int write_cancelled(const char *step, void *payload)
{
	(void)step;
	(void)payload;
	return stroom_cli_interrupted() != 0;
}

/* stroom compare A B: both scenarios with the same seed, differences per year. */
int stroom_cli_compare(int argc, char **argv)
{
	const char *names[2] = {NULL, NULL}, *out = NULL, *xlsx = NULL, *report = NULL;
	char out_buf[4096];
	int i, np = 0, code = EXIT_OK, json = 0, replicates = 0, threads = 0, have_seed = 0, lang = 0;
	uint64_t seed = 0;
	stroom_run_inputs *s[2] = {NULL, NULL};
	stroom_params p[2];
	stroom_results *r[2] = {NULL, NULL};
	stroom_budget_run *br[2] = {NULL, NULL};
	cmp c;
	text_file files[3] = {{NULL, 0}, {NULL, 0}, {NULL, 0}};
	stroom_cli_archive arch;
	memset(&c, 0, sizeof c);
	stroom_cli_archive_init(&arch, "compare", argc, argv);
	for (i = 0; i < argc; i++) {
		const char *a = argv[i];
		int ao = stroom_cli_archive_option(argc, argv, &i, &arch);
		if (ao < 0)
			return EXIT_BADINPUT;
		if (ao > 0)
			continue;
		if (!strcmp(a, "--replicates") || !strcmp(a, "--threads") || !strcmp(a, "--seed")) {
			char *end;
			unsigned long long v;
			int is_seed = !strcmp(a, "--seed");
			if (i + 1 >= argc) {
				fprintf(stderr, "stroom: %s: option needs a value\n", a);
				return EXIT_BADINPUT;
			}
			v = strtoull(argv[i + 1], &end, 10);
			if (!argv[i + 1][0] || argv[i + 1][0] == '-' || *end ||
			    (!is_seed && (v < 1 || v > 100000)))
				return stroom_cli_bad(a, is_seed ? "a whole number"
								 : "a whole number from 1 to 100000",
						      argv[i + 1]);
			i++;
			if (is_seed) {
				seed = v;
				have_seed = 1;
			} else if (!strcmp(a, "--replicates")) {
				replicates = (int)v;
			} else {
				threads = (int)v;
			}
		} else if (!strcmp(a, "--out")) {
			if (i + 1 >= argc || !argv[i + 1][0])
				return stroom_cli_bad("--out", "a directory", i + 1 < argc ? argv[i + 1] : "");
			out = argv[++i];
		} else if (!strcmp(a, "--xlsx")) {
			if (i + 1 >= argc)
				return stroom_cli_bad("--xlsx", "a file name ending in .xlsx", "");
			xlsx = argv[++i];
		} else if (!strcmp(a, "--json")) {
			json = 1;
		} else if (!strcmp(a, "--report")) {
			if (i + 1 >= argc || !argv[i + 1][0])
				return stroom_cli_bad("--report", "a file name", i + 1 < argc ? argv[i + 1] : "");
			report = argv[++i];
		} else if (!strcmp(a, "--lang")) {
			if (i + 1 >= argc || (lang = stroom_cli_report_lang(argv[i + 1])) < 0)
				return stroom_cli_bad("--lang", "nl or en", i + 1 < argc ? argv[i + 1] : "");
			i++;
		} else if (a[0] == '-') {
			fprintf(stderr, "stroom: compare: unknown option '%s' (see 'stroom help')\n",
				stroom_cli_printable(a).s);
			return EXIT_BADINPUT;
		} else if (np < 2) {
			names[np++] = a;
		} else {
			fprintf(stderr, "stroom: compare takes two scenarios, A and B (see 'stroom compare --help')\n");
			return EXIT_BADINPUT;
		}
	}
	if (np != 2) {
		fprintf(stderr, "stroom: compare takes two scenarios, A and B (see 'stroom compare --help')\n");
		return EXIT_BADINPUT;
	}
	if (out || xlsx) { /* --xlsx without --out: the directory goes under runs/ */
		int err = stroom_output_check_dir(out);
		if (!err && xlsx)
			err = stroom_xlsx_check_path(xlsx);
		if (err)
			return stroom_cli_fail(err);
	}
	if (report && (code = stroom_cli_check_new_file(report)) != 0)
		return code;
	if (stroom_cli_archive_open(&arch))
		return EXIT_BADINPUT;
	stroom_cli_catch_signals();
	code = load_and_run(names[0], replicates, threads, have_seed, seed, &s[0], &p[0], &r[0], &br[0]);
	if (code == EXIT_OK) {
		/* B runs with A's seed and replicates, so replicate k of both shares its draws */
		code = load_and_run(names[1], p[0].replicates, threads, 1, p[0].seed, &s[1], &p[1], &r[1],
				    &br[1]);
	}
	if (code != EXIT_OK)
		goto cleanup;
	if (stroom_results_months(r[0]) != stroom_results_months(r[1]) ||
	    stroom_results_start(r[0]) != stroom_results_start(r[1])) {
		fprintf(stderr, "stroom: compare: %s and %s must cover the same months (start and end)\n",
			p[0].name, p[1].name);
		code = EXIT_BADINPUT;
		goto cleanup;
	}
	c.R = stroom_results_replicates(r[0]);
	c.target = p[0].target_households ? p[0].target_households : p[1].target_households;
	c.target_month = p[0].target_households ? p[0].target_month : p[1].target_month;
	c.target_from = p[0].target_households ? 'A' : 'B';
	c.va = malloc((size_t)c.R * sizeof(double));
	c.vb = malloc((size_t)c.R * sizeof(double));
	c.d = malloc((size_t)c.R * sizeof(double));
	if (!c.va || !c.vb || !c.d || build(&c, r[0], r[1], br[0], br[1])) {
		fprintf(stderr, "stroom: out of memory\n");
		code = EXIT_FAILED;
		goto cleanup;
	}
	if (stroom_cli_interrupted()) {
		code = interrupted();
		goto cleanup;
	}
	if (make_text(&files[0], csv_text(&c, NULL, 0)) ||
	    make_text(&files[1], summary_text(&c, &p[0], &p[1], NULL, 0))) {
		fprintf(stderr, "stroom: out of memory\n");
		code = EXIT_FAILED;
		goto cleanup;
	}
	csv_text(&c, files[0].text, files[0].len + 1);
	summary_text(&c, &p[0], &p[1], files[1].text, files[1].len + 1);
	if (xlsx && !out) {
		char name[2 * STROOM_NAME_LEN + 8];
		snprintf(name, sizeof name, "%s-vs-%s", p[0].name, p[1].name);
		stroom_out_dir(NULL, name, "", out_buf, sizeof out_buf);
		out = out_buf;
	}
	{
		const stroom_run_inputs *in2[2] = {s[0], s[1]};
		if (make_text(&files[2], manifest_text(&c, in2, p, NULL, 0))) {
			fprintf(stderr, "stroom: out of memory\n");
			code = EXIT_FAILED;
			goto cleanup;
		}
		manifest_text(&c, in2, p, files[2].text, files[2].len + 1);
	}
	if (out) {
		stroom_dir_file df[3];
		int err, k;
		for (k = 0; k < 3; k++) {
			static const char *const fn[3] = {"compare.csv", "summary.txt", "manifest.json"};
			memset(&df[k], 0, sizeof df[k]);
			df[k].name = fn[k];
			df[k].text = files[k].text;
			df[k].len = files[k].len;
		}
		err = stroom_write_dir(out, "this comparison was written", df, 3, write_cancelled, NULL);
		if (err == STROOM_EINTR) {
			code = interrupted();
			goto cleanup;
		}
		if (err) {
			code = stroom_cli_fail(err);
			goto cleanup;
		}
		if (xlsx && (err = stroom_xlsx_from_dir(out, xlsx)) != 0) {
			fprintf(stderr, "stroom: %s (the directory '%s' is complete)\n",
				stroom_error_last(), out);
			code = EXIT_FAILED;
			goto cleanup;
		}
	}
	if (report) { /* the page, from the directory's three texts in memory (docs/report.md) */
		stroom_report_texts rt = {out ? out : ".", NULL, NULL, files[0].text, files[1].text,
					  files[2].text};
		stroom_report *rep = NULL;
		int err = stroom_report_load_texts(&rep, &rt);
		code = err ? stroom_cli_fail(err) : stroom_cli_report_write(rep, lang, report);
		stroom_report_free(rep);
		if (code)
			goto cleanup;
	}
	if (json)
		print_json(&c, p);
	else
		fputs(files[1].text, stdout);
	if (out && !json)
		printf("\nCompare directory: %s\n", out);
	if (xlsx && !json)
		printf("Workbook: %s\n", xlsx);
	if (report && !json)
		printf("Report: %s\n", report);
	{ /* recorded with or without --out: the files --out writes */
		static const char *const fn[3] = {"compare.csv", "summary.txt", "manifest.json"};
		stroom_archive_file af[3];
		char both[520];
		for (i = 0; i < 3; i++)
			af[i] = (stroom_archive_file){fn[i], files[i].text, files[i].len};
		snprintf(both, sizeof both, "%s vs %s", p[0].name, p[1].name);
		stroom_cli_archive_files(&arch, STROOM_ARCHIVE_COMPARE, both, out, af, 3, !json);
	}

cleanup:
	stroom_cli_archive_close(&arch);
	for (i = 0; i < 3; i++)
		free(files[i].text);
	free(c.row);
	free(c.va);
	free(c.vb);
	free(c.d);
	for (i = 0; i < 2; i++) {
		stroom_output_budget_free(br[i]);
		stroom_results_free(r[i]);
		stroom_run_inputs_free(s[i]);
	}
	return code;
}
