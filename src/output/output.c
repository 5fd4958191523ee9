/*
 * output.c: summary statistics over replicates and the run directory. Quantiles
 * come from GSL (gsl_stats_quantile_from_sorted_data, linear interpolation between
 * order statistics). The run directory is written all or nothing by
 * stroom_write_dir (outfile.c).
 */
#include "internal.h"
#include "model.h"
#include "outfile.h"

#include <stroom/conditions.h>
#include <stroom/output.h>

#include <errno.h>
#include <math.h>
#include <gsl/gsl_sort.h>
#include <gsl/gsl_statistics_double.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

static const double quantile_probs[STROOM_NQUANT] = {0.05, 0.25, 0.50, 0.75, 0.95};

double stroom_output_quantile_prob(int i)
{
	return i >= 0 && i < STROOM_NQUANT ? quantile_probs[i] : 0.0;
}

/* Indicators in series.csv: the counts, then the money indicators. */
#define NSERIES (STROOM_NIND + STROOM_NMONEY)

static const char *series_name(int ind)
{
	return ind < STROOM_NIND ? stroom_indicator_name(ind) : stroom_money_name(ind - STROOM_NIND);
}

static double value_at(const stroom_results *r, int rep, int t, int ind, int g)
{
	if (ind >= STROOM_NIND)
		return t < stroom_results_months(r)
			       ? (double)stroom_results_money(r, rep, t, ind - STROOM_NIND, g) : 0.0;
	if (t >= stroom_results_months(r))
		return ind == STROOM_IND_CASELOAD ? (double)stroom_results_final_caseload(r, rep, g) : 0.0;
	return (double)stroom_results_value(r, rep, t, ind, g);
}

/* Fills buf (R values) and returns mean and quantiles. */
static void stats_into(const stroom_results *r, int t, int ind, int g, double *buf, double *mean,
		       double quant[STROOM_NQUANT])
{
	int R = stroom_results_replicates(r), k;
	for (k = 0; k < R; k++)
		buf[k] = value_at(r, k, t, ind, g);
	*mean = gsl_stats_mean(buf, 1, (size_t)R);
	gsl_sort(buf, 1, (size_t)R);
	for (k = 0; k < STROOM_NQUANT; k++)
		quant[k] = gsl_stats_quantile_from_sorted_data(buf, 1, (size_t)R, quantile_probs[k]);
}

/*
 * Sums an indicator over the months of a calendar year for each replicate (group
 * all) and gives the mean and quantiles of those sums. Returns the number of
 * simulated months in that year.
 */
static int year_sum_stats(const stroom_results *r, int year, int ind, double *mean,
			  double quant[STROOM_NQUANT])
{
	int R = stroom_results_replicates(r), T = stroom_results_months(r), rep, t, k, months = 0;
	stroom_month start = stroom_results_start(r);
	double small[256], *buf = R <= 256 ? small : malloc((size_t)R * sizeof(double));
	if (!buf) {
		*mean = 0.0 / 0.0;
		for (k = 0; k < STROOM_NQUANT; k++)
			quant[k] = *mean;
		return 0;
	}
	for (rep = 0; rep < R; rep++) {
		double sum = 0;
		months = 0;
		for (t = 0; t < T; t++)
			if (stroom_month_year(start + t) == year) {
				sum += value_at(r, rep, t, ind, 0);
				months++;
			}
		buf[rep] = sum;
	}
	*mean = gsl_stats_mean(buf, 1, (size_t)R);
	gsl_sort(buf, 1, (size_t)R);
	for (k = 0; k < STROOM_NQUANT; k++)
		quant[k] = gsl_stats_quantile_from_sorted_data(buf, 1, (size_t)R, quantile_probs[k]);
	if (buf != small)
		free(buf);
	return months;
}

void stroom_output_stats(const stroom_results *r, int t, int indicator, int group, double *mean,
			 double quant[STROOM_NQUANT])
{
	int R = stroom_results_replicates(r);
	double small[256];
	double *buf = R <= 256 ? small : malloc((size_t)R * sizeof(double));
	if (!buf) { /* cannot happen for sane R; report NaN rather than crash */
		int k;
		*mean = 0.0 / 0.0;
		for (k = 0; k < STROOM_NQUANT; k++)
			quant[k] = *mean;
		return;
	}
	stats_into(r, t, indicator, group, buf, mean, quant);
	if (buf != small)
		free(buf);
}

/* Per-replicate values of the team and instrument rows of series.csv. */
enum { EXTRA_TEAM_CLIENTS, EXTRA_TEAM_CASELOAD, EXTRA_INSTR_STARTS, EXTRA_INSTR_PART, NEXTRA };
static const char *const extra_names[NEXTRA] = {"team_clients", "team_caseload",
						"instrument_starts", "instrument_participants"};

/* Mean and quantiles over replicates of an extra row (group = team or instrument k). */
static void extra_stats(const stroom_results *r, const stroom_params *p, int t, int kind, int k,
			double *buf, double *mean, double quant[STROOM_NQUANT])
{
	int R = stroom_results_replicates(r), rep, q;
	double fte = kind == EXTRA_TEAM_CASELOAD
			     ? stroom_series_at(&p->team[k].fte, stroom_results_start(r) + t, 0.0) : 1.0;
	for (rep = 0; rep < R; rep++) {
		double v = kind <= EXTRA_TEAM_CASELOAD ? stroom_results_team_clients(r, rep, t, k)
			 : kind == EXTRA_INSTR_STARTS ? stroom_results_instrument_starts(r, rep, t, k)
						      : stroom_results_instrument_participants(r, rep, t, k);
		/* the actual caseload: clients per FTE (no FTE: shown as 0) */
		buf[rep] = kind == EXTRA_TEAM_CASELOAD ? (fte > 0 ? v / fte : 0.0) : v;
	}
	*mean = gsl_stats_mean(buf, 1, (size_t)R);
	gsl_sort(buf, 1, (size_t)R);
	for (q = 0; q < STROOM_NQUANT; q++)
		quant[q] = gsl_stats_quantile_from_sorted_data(buf, 1, (size_t)R, quantile_probs[q]);
}

/* ---- execution costs (docs/policy.md "Costs") ---------------------------------- */

/* The cost of a team FTE-year in replicate rep, eurocent: costs.fte_eur, or with
 * costs.fte_spread a uniform draw within +- that share of it. */
static int64_t fte_cost_of(const stroom_params *p, int rep)
{
	double c = p->cost_fte_eur;
	if (p->cost_fte_spread > 0 && c > 0) {
		stroom_prior u = {0};
		u.dist = STROOM_PRIOR_UNIFORM;
		u.a = c * (1.0 - p->cost_fte_spread);
		u.b = c * (1.0 + p->cost_fte_spread);
		u.lo = 0;
		u.hi = 2e6;
		c = stroom_prior_draw(&u, p->seed, (uint32_t)rep, stroom_prior_key_id("costs.fte_eur"));
	}
	return (int64_t)llround(c * 100.0);
}

/*
 * Execution costs of month t in replicate rep, eurocent (unrounded), by lever
 * (STROOM_COST_*), and the FTE of all teams (the teams' cost is made from the FTE-
 * months, so a year's cost is exact). team (NULL or n_teams) gets each team's FTE,
 * instr (NULL or n_instruments) each instrument's cost.
 */
static void month_costs(const stroom_results *r, const stroom_params *p, int rep, int t,
			int64_t fte_cost, double c[STROOM_NCOST], double *fte, double *team,
			double *instr)
{
	stroom_month m = stroom_results_start(r) + t;
	double applicants, young, reached;
	int k;
	*fte = 0;
	for (k = 0; k < p->n_teams; k++) {
		double f = stroom_series_at(&p->team[k].fte, m, 0.0);
		*fte += f;
		if (team)
			team[k] = f * (double)fte_cost / 12.0;
	}
	c[STROOM_COST_TEAMS] = *fte * (double)fte_cost / 12.0;
	c[STROOM_COST_INSTRUMENTS] =
		(double)stroom_results_money(r, rep, t, STROOM_MONEY_INSTRUMENTS, 0);
	for (k = 0; instr && k < p->n_instruments; k++)
		instr[k] = (double)stroom_results_instrument_participants(r, rep, t, k) *
			   (double)p->instrument[k].cost_eurocent;
	c[STROOM_COST_ENFORCEMENT] = stroom_series_at(&p->enforcement_controls, m, 0.0) / 12.0 *
				     p->cost_control_eur * 100.0;
	/* applicants at the door: new households, those deterred at the gate and
	 * those prevention kept out */
	reached = (double)stroom_results_value(r, rep, t, STROOM_IND_INFLOW_NEW, 0) +
		  (double)stroom_results_value(r, rep, t, STROOM_IND_INFLOW_PREVENTED, 0);
	applicants = reached + (double)stroom_results_value(r, rep, t, STROOM_IND_GATE_DETERRED, 0);
	young = applicants * p->inflow_age[STROOM_AGE_LT27];
	c[STROOM_COST_GATE] = young * p->gate_search_share * p->cost_gate_eur * 100.0;
	c[STROOM_COST_PREVENTION] = reached * stroom_series_at(&p->prevention_reach, m, 0.0) *
				    stroom_model_prevention_share(p) * p->cost_prevention_eur * 100.0;
}

/*
 * The end of a CSV writer: frees buf; 0, or STROOM_EIO with the reason of the
 * failed write, errno left as the write set it (the caller may name the path).
 */
static int write_result(FILE *f, double *buf, const char *what)
{
	int e = errno;
	free(buf);
	if (!ferror(f))
		return 0;
	if (!e)
		e = EIO;
	stroom_error_set(STROOM_EIO, "writing %s failed: %s", what, strerror(e));
	errno = e;
	return STROOM_EIO;
}

/* Mean and quantiles of buf (R values, sorted in place) as one series.csv row. */
static void series_row(FILE *f, const char *mb, const char *ind, const char *group, double *buf, int R)
{
	double q[STROOM_NQUANT];
	int k;
	double mean = gsl_stats_mean(buf, 1, (size_t)R);
	gsl_sort(buf, 1, (size_t)R);
	for (k = 0; k < STROOM_NQUANT; k++)
		q[k] = gsl_stats_quantile_from_sorted_data(buf, 1, (size_t)R, quantile_probs[k]);
	fprintf(f, "%s,%s,%s,%.2f", mb, ind, group, mean);
	for (k = 0; k < STROOM_NQUANT; k++)
		fprintf(f, ",%.1f", q[k]);
	fputc('\n', f);
}

/* The execution-cost rows of month t: cost_LEVER_eurocent and execution_cost_eurocent
 * (group all), team_cost_eurocent (group = team), instrument_cost_eurocent (group =
 * instrument). */
static int cost_rows(FILE *f, const stroom_results *r, const stroom_params *p, int t,
		     const char *mb, double *buf)
{
	int R = stroom_results_replicates(r), rep, c, k;
	size_t nv = (size_t)R * (size_t)(STROOM_NCOST + 1 + p->n_teams + p->n_instruments);
	double *v = malloc(nv * sizeof(double));
	char name[64];
	if (!v)
		return stroom_error_set(STROOM_ENOMEM, "out of memory");
	for (rep = 0; rep < R; rep++) {
		double cc[STROOM_NCOST], fte, *row = v + (size_t)rep * (nv / (size_t)R);
		month_costs(r, p, rep, t, fte_cost_of(p, rep), cc, &fte, row + STROOM_NCOST + 1,
			    row + STROOM_NCOST + 1 + p->n_teams);
		row[STROOM_NCOST] = 0;
		for (c = 0; c < STROOM_NCOST; c++) {
			row[c] = cc[c];
			row[STROOM_NCOST] += cc[c];
		}
	}
	for (c = 0; c < STROOM_NCOST + 1 + p->n_teams + p->n_instruments; c++) {
		const char *group = "all";
		for (rep = 0; rep < R; rep++)
			buf[rep] = v[(size_t)rep * (nv / (size_t)R) + (size_t)c];
		if (c < STROOM_NCOST)
			snprintf(name, sizeof name, "cost_%s_eurocent", stroom_cost_name(c));
		else if (c == STROOM_NCOST)
			snprintf(name, sizeof name, "execution_cost_eurocent");
		else if ((k = c - STROOM_NCOST - 1) < p->n_teams) {
			snprintf(name, sizeof name, "team_cost_eurocent");
			group = p->team[k].name;
		} else {
			snprintf(name, sizeof name, "instrument_cost_eurocent");
			group = p->instrument[k - p->n_teams].name;
		}
		series_row(f, mb, name, group, buf, R);
	}
	free(v);
	return 0;
}

int stroom_output_series_csv(const stroom_results *r, const stroom_params *p, FILE *f)
{
	int T = stroom_results_months(r), G = stroom_results_groups(r), R = stroom_results_replicates(r);
	int t, ind, g, k, kind, err = 0;
	double *buf = malloc((size_t)R * sizeof(double));
	char mb[16];
	if (!buf)
		return stroom_error_set(STROOM_ENOMEM, "out of memory");
	fprintf(f, "month,indicator,group,mean,p05,p25,p50,p75,p95\n");
	for (t = 0; t < T && !ferror(f); t++) {
		stroom_month_format(stroom_results_start(r) + t, mb, sizeof mb);
		for (ind = 0; ind < NSERIES; ind++)
			for (g = 0; g < G; g++) {
				double mean, q[STROOM_NQUANT];
				stats_into(r, t, ind, g, buf, &mean, q);
				fprintf(f, "%s,%s,%s,%.2f", mb, series_name(ind),
					stroom_results_group_name(r, g), mean);
				for (k = 0; k < STROOM_NQUANT; k++)
					fprintf(f, ",%.1f", q[k]);
				fputc('\n', f);
			}
		/* teams (group = team) and instruments (group = instrument) */
		for (kind = 0; kind < NEXTRA; kind++) {
			int n = kind <= EXTRA_TEAM_CASELOAD ? p->n_teams : p->n_instruments;
			for (g = 0; g < n; g++) {
				double mean, q[STROOM_NQUANT];
				extra_stats(r, p, t, kind, g, buf, &mean, q);
				fprintf(f, "%s,%s,%s,%.2f", mb, extra_names[kind],
					kind <= EXTRA_TEAM_CASELOAD ? p->team[g].name : p->instrument[g].name,
					mean);
				for (k = 0; k < STROOM_NQUANT; k++)
					fprintf(f, ",%.1f", q[k]);
				fputc('\n', f);
			}
		}
		/* execution costs (not BUIG): per lever, their total, per team, per instrument */
		if ((err = cost_rows(f, r, p, t, mb, buf)) != 0)
			break;
	}
	if (err) {
		free(buf);
		return err;
	}
	return write_result(f, buf, "series.csv");
}

/* "32,649" */
static const char *thousands(double v, char *out, size_t size)
{
	long x = lround(v);
	char tmp[32];
	int n, i, j = 0, neg = x < 0;
	snprintf(tmp, sizeof tmp, "%ld", neg ? -x : x);
	n = (int)strlen(tmp);
	if (neg && (size_t)j < size - 1)
		out[j++] = '-';
	for (i = 0; i < n && (size_t)j < size - 1; i++) {
		if (i > 0 && (n - i) % 3 == 0 && (size_t)j < size - 1)
			out[j++] = ',';
		out[j++] = tmp[i];
	}
	out[j] = '\0';
	return out;
}

static void budget_summary(const stroom_budget_run *br, stroom_sbuf *b);
static void cost_stats(const stroom_budget_run *br, int y, int lever, double *buf, double *mean,
		       double q[STROOM_NQUANT]);

/* The month index of the interval split: the target date when it is within the
 * horizon, else the last month. */
static int split_month(const stroom_results *r, const stroom_params *p)
{
	int T = stroom_results_months(r), start = stroom_results_start(r);
	return p->target_households > 0 && p->target_month - start >= 0 && p->target_month - start < T
		       ? p->target_month - start
		       : T - 1;
}

/* The width of the 90% interval of the caseload in month t. */
static double width90(const stroom_results *r, int t)
{
	double mean, q[STROOM_NQUANT];
	stroom_output_stats(r, t, STROOM_IND_CASELOAD, 0, &mean, q);
	return q[4] - q[0];
}

/* With a posterior and the run under the priors alone: the two widths on the
 * split date; 0 when there is nothing to compare. */
static int narrowing(const stroom_results *r, const stroom_params *p, const stroom_output_extra *x,
		     double *w_post, double *w_prior)
{
	const stroom_results *po = x && x->version >= 3 && x->posterior ? x->priors_only : NULL;
	int tt;
	if (!po || stroom_results_months(po) != stroom_results_months(r) ||
	    stroom_results_replicates(po) < 2)
		return 0;
	tt = split_month(r, p);
	*w_post = width90(r, tt);
	*w_prior = width90(po, tt);
	return 1;
}

/* Where the 90% interval of the caseload on the split date comes from: its width
 * with the parameters drawn (*wa), with every parameter at its central value
 * (*wc, Monte Carlo alone) and the parameters' share of the variance
 * 1 - (wc / wa)^2, at least 0; *tt is the split month. 0 when the run has no
 * central run to compare with (nothing drawn, or --fixed-parameters). */
static int interval_split(const stroom_results *r, const stroom_params *p,
			  const stroom_results *central, int *tt, double *wa, double *wc,
			  double *share)
{
	if (!central || stroom_results_months(central) != stroom_results_months(r) ||
	    stroom_results_replicates(central) < 2)
		return 0;
	*tt = split_month(r, p);
	*wa = width90(r, *tt);
	*wc = width90(central, *tt);
	*share = *wa > 0 ? 1.0 - (*wc / *wa) * (*wc / *wa) : 0.0;
	if (*share < 0)
		*share = 0;
	return 1;
}

/* What the posterior covers: its rows, how many of the run's drawn parameters
 * it gives, and the parameters drawn from a prior (not fixed) it has no column
 * for, which keep their priors. */
static void posterior_summary(const stroom_params *p, const stroom_output_extra *x, stroom_sbuf *b)
{
	const stroom_posterior *post = x && x->version >= 3 ? x->posterior : NULL;
	char(*names)[STROOM_DRAW_NAME_LEN];
	double lo[STROOM_DRAW_MAX], hi[STROOM_DRAW_MAX];
	int fixed[STROOM_DRAW_MAX], i, n, shown = 0, kept = 0;
	if (!post)
		return;
	names = malloc(STROOM_DRAW_MAX * sizeof *names);
	if (!names)
		return;
	n = stroom_params_draw_names(p, names);
	stroom_params_draw_bounds(p, lo, hi, fixed);
	stroom_sbuf_printf(b, "\nParameters from the posterior %s\n", p->posterior_csv);
	stroom_sbuf_printf(b, "  %zu joint draws, one per replicate (chosen by seed and replicate), "
			      "for %d parameters\n",
			   stroom_posterior_rows(post), stroom_posterior_columns(post));
	for (i = 0; i < n; i++)
		kept += !fixed[i] && stroom_posterior_column_index(post, names[i]) < 0;
	if (kept == 0) {
		stroom_sbuf_printf(b, "  every parameter with a prior is in the posterior\n");
	} else {
		int pass;
		stroom_sbuf_printf(b, "  keep their priors (no column in the posterior):");
		/* the model's parameters first, then the instruments' effects */
		for (pass = 0; pass < 2 && shown < 10; pass++)
			for (i = 0; i < n && shown < 10; i++) {
				if (fixed[i] || stroom_posterior_column_index(post, names[i]) >= 0 ||
				    (strncmp(names[i], "instruments.", 12) == 0) != pass)
					continue;
				stroom_sbuf_printf(b, "%s %s", shown ? "," : "", names[i]);
				shown++;
			}
		if (kept > shown)
			stroom_sbuf_printf(b, " and %d more", kept - shown);
		stroom_sbuf_printf(b, "\n");
	}
	free(names);
}

size_t stroom_output_summary(const stroom_results *r, const stroom_params *p,
			     const stroom_budget_run *br, const stroom_results *central, char *buf,
			     size_t size)
{
	return stroom_output_summary_ext(r, p, br, central, NULL, buf, size);
}

size_t stroom_output_summary_ext(const stroom_results *r, const stroom_params *p,
				 const stroom_budget_run *br, const stroom_results *central,
				 const stroom_output_extra *extra, char *buf, size_t size)
{
	stroom_sbuf b = {buf, size, 0};
	int T = stroom_results_months(r), R = stroom_results_replicates(r);
	stroom_month start = stroom_results_start(r), m;
	int gt5 = stroom_results_group_index(r, ">5y"), longg = stroom_results_group_index(r, "long");
	char a[32], c[32], d[32], mb[16];
	double mean, q[STROOM_NQUANT], wa, wc, share;
	int year, t, k;

	if (size)
		buf[0] = '\0';
	stroom_sbuf_printf(&b, "stroom %s: scenario %s, %d replicates, seed %llu\n", stroom_version(), p->name,
		  R, (unsigned long long)p->seed);
	stroom_sbuf_printf(&b, "%s\n\n", p->description);
	stroom_sbuf_printf(&b, "Caseload on 1 January (households; median and 90%% interval)\n");
	stroom_sbuf_printf(&b, "  year      median          90%% interval   >5y share   long distance\n");
	for (m = start; m < start + T; m++) {
		double total_mean, part;
		if (stroom_month_of_year(m) != 1)
			continue;
		t = m - start;
		stroom_output_stats(r, t, STROOM_IND_CASELOAD, 0, &total_mean, q);
		stroom_sbuf_printf(&b, "  %d  %10s   [%9s - %9s]", stroom_month_year(m), thousands(q[2], a, sizeof a),
			  thousands(q[0], c, sizeof c), thousands(q[4], d, sizeof d));
		stroom_output_stats(r, t, STROOM_IND_CASELOAD, gt5, &part, q);
		stroom_sbuf_printf(&b, "      %4.1f%%", total_mean > 0 ? 100.0 * part / total_mean : 0.0);
		stroom_output_stats(r, t, STROOM_IND_CASELOAD, longg, &part, q);
		stroom_sbuf_printf(&b, "          %4.1f%%\n", total_mean > 0 ? 100.0 * part / total_mean : 0.0);
	}

	if (p->target_households > 0) {
		int below = 0, first = -1;
		t = p->target_month - start;
		stroom_sbuf_printf(&b, "\nTarget: at most %s households on %s-01\n",
			  thousands(p->target_households, a, sizeof a),
			  stroom_month_format(p->target_month, mb, sizeof mb));
		if (t >= 0 && t < T) {
			for (k = 0; k < R; k++)
				below += value_at(r, k, t, STROOM_IND_CASELOAD, 0) <= p->target_households;
			stroom_output_stats(r, t, STROOM_IND_CASELOAD, 0, &mean, q);
			stroom_sbuf_printf(&b, "  caseload then: median %s [90%%: %s - %s]\n", thousands(q[2], a, sizeof a),
				  thousands(q[0], c, sizeof c), thousands(q[4], d, sizeof d));
			stroom_sbuf_printf(&b, "  P(caseload <= target) = %.3f  (%d of %d replicates)\n",
				  (double)below / R, below, R);
		} else {
			stroom_sbuf_printf(&b, "  the target date is outside the simulated months\n");
		}
		for (t = 0; t < T && first < 0; t++) {
			stroom_output_stats(r, t, STROOM_IND_CASELOAD, 0, &mean, q);
			if (q[2] < p->target_households)
				first = t;
		}
		if (first >= 0)
			stroom_sbuf_printf(&b, "  first month the median is below target: %s\n",
				  stroom_month_format(start + first, mb, sizeof mb));
		else
			stroom_sbuf_printf(&b, "  the median is not below target within the horizon (to %s)\n",
				  stroom_month_format(start + T - 1, mb, sizeof mb));
	}

	if (interval_split(r, p, central, &t, &wa, &wc, &share)) {
		/* where the interval comes from: the priors or chance */
		int tt = t;
		double wpost, wprior;
		const char *drawn = extra && extra->version >= 3 && extra->posterior
					    ? "the posterior and priors drawn"
					    : "the priors drawn";
		stroom_sbuf_printf(&b, "\nWhere the 90%% interval on %s-01 comes from\n",
				   stroom_month_format(start + tt, mb, sizeof mb));
		stroom_sbuf_printf(&b, "  width with %s: %s households; with every parameter at its "
				   "central value (Monte Carlo alone, %d replicates): %s\n", drawn,
				   thousands(wa, a, sizeof a), stroom_results_replicates(central),
				   thousands(wc, c, sizeof c));
		stroom_sbuf_printf(&b, "  share of the variance: %.0f%% from the %s, %.0f%% from Monte Carlo "
				   "noise\n", 100.0 * share,
				   extra && extra->version >= 3 && extra->posterior ? "parameters" : "priors",
				   100.0 * (1.0 - share));
		if (narrowing(r, p, extra, &wpost, &wprior)) {
			char e[32];
			double pct = wprior > 0 ? 100.0 * (1.0 - wpost / wprior) : 0.0;
			stroom_sbuf_printf(&b, "  the 90%% interval of the caseload on %s-01 is %s wide with the "
					   "posterior, %s with the priors alone (%d replicates): the data %s "
					   "it by %s%%\n",
					   stroom_month_format(start + tt, mb, sizeof mb),
					   thousands(wpost, a, sizeof a), thousands(wprior, c, sizeof c),
					   stroom_results_replicates(extra->priors_only),
					   pct >= 0 ? "narrowed" : "widened",
					   (snprintf(e, sizeof e, "%.0f", fabs(pct)), e));
		}
		stroom_sbuf_printf(&b, "  (neither part covers the starting population or the model's "
				   "structure: docs/model.md)\n");
	}

	posterior_summary(p, extra, &b);

	stroom_sbuf_printf(&b, "\nFlows per year (mean over replicates)\n");
	stroom_sbuf_printf(&b, "  year   inflow  returns     work      lks    other  enforce  pension\n");
	for (year = stroom_month_year(start); year <= stroom_month_year(start + T - 1); year++) {
		static const int inds[] = {STROOM_IND_INFLOW_NEW, STROOM_IND_INFLOW_RETURN,
					   STROOM_IND_EXIT_WORK, STROOM_IND_EXIT_LKS, STROOM_IND_EXIT_OTHER,
					   STROOM_IND_EXIT_ENFORCEMENT, STROOM_IND_EXIT_PENSION};
		int months = 0;
		stroom_sbuf_printf(&b, "  %d", year);
		for (k = 0; k < (int)STROOM_ARRAY_LEN(inds); k++) {
			double sum = 0;
			months = 0;
			for (t = 0; t < T; t++) {
				if (stroom_month_year(start + t) != year)
					continue;
				stroom_output_stats(r, t, inds[k], 0, &mean, q);
				sum += mean;
				months++;
			}
			stroom_sbuf_printf(&b, " %8s", thousands(sum, a, sizeof a));
		}
		stroom_sbuf_printf(&b, months < 12 ? "   (%d months)\n" : "\n", months);
	}

	stroom_sbuf_printf(&b, "\nMoney per year (EUR million; median and 90%% interval)\n");
	stroom_sbuf_printf(&b, "  year          benefits                    LKS                  instruments"
			       "             recoveries\n");
	for (year = stroom_month_year(start); year <= stroom_month_year(start + T - 1); year++) {
		int money, months = 0;
		stroom_sbuf_printf(&b, "  %d", year);
		for (money = 0; money < STROOM_NMONEY; money++) {
			months = year_sum_stats(r, year, STROOM_NIND + money, &mean, q);
			stroom_sbuf_printf(&b, "  %7.1f [%7.1f - %7.1f]", q[2] / 1e8, q[0] / 1e8, q[4] / 1e8);
		}
		stroom_sbuf_printf(&b, months < 12 ? "   (%d months)\n" : "\n", months);
	}
	if (br)
		budget_summary(br, &b);
	{ /* the AEF conditions the scenario's levers act on */
		size_t need = stroom_conditions_touched(p, NULL, 0);
		char *text = need ? malloc(need + 1) : NULL;
		if (need && text) {
			stroom_conditions_touched(p, text, need + 1);
			stroom_sbuf_printf(&b, "\nAEF conditions the scenario's levers touch (stroom conditions)\n");
			stroom_sbuf_printf(&b, "%s", text);
		} else if (!need) {
			stroom_sbuf_printf(&b, "\nAEF conditions: the scenario uses no policy lever\n");
		}
		free(text);
	}
	return b.len;
}

static int series_writer(FILE *f, const void *a, const void *b)
{
	return stroom_output_series_csv(a, b, f);
}

static int groups_writer(FILE *f, const void *a, const void *b)
{
	return stroom_output_groups_csv(a, b, f);
}

static int budget_writer(FILE *f, const void *a, const void *b)
{
	(void)b;
	return stroom_output_budget_csv(a, f);
}

/* posterior_draws.csv: replicate,row,NAME,... with the row of the posterior each
 * replicate took and the values it drew for the posterior's columns. */
typedef struct posterior_job {
	const stroom_posterior *post;
	uint64_t seed;
} posterior_job;

static int posterior_writer(FILE *f, const void *a, const void *b)
{
	const stroom_results *r = a;
	const posterior_job *x = b;
	const stroom_posterior *post = x->post;
	int nc = stroom_posterior_columns(post), n = stroom_results_drawn_count(r), c, i, rep;
	fprintf(f, "replicate,row");
	for (c = 0; c < nc; c++)
		fprintf(f, ",%s", stroom_posterior_column(post, c));
	fprintf(f, "\n");
	for (rep = 0; rep < stroom_results_replicates(r); rep++) {
		fprintf(f, "%d,%zu", rep, stroom_posterior_row(post, x->seed, (uint32_t)rep));
		for (c = 0; c < nc; c++) {
			for (i = 0; i < n; i++)
				if (!strcmp(stroom_results_drawn_name(r, i), stroom_posterior_column(post, c)))
					break;
			fprintf(f, ",%.17g", i < n ? stroom_results_drawn_value(r, rep, i) : NAN);
		}
		if (fprintf(f, "\n") < 0)
			return STROOM_EIO;
	}
	return 0;
}

/* manifest.json's "posterior": the file, its rows and columns and, with the run
 * under the priors alone, the two widths of the 90% interval on the split date. */
static void manifest_posterior(stroom_sbuf *b, const stroom_results *r, const stroom_params *p,
			       const stroom_output_extra *x)
{
	const stroom_posterior *post = x && x->version >= 3 ? x->posterior : NULL;
	double wpost, wprior;
	char mb[16];
	int c;
	if (!post)
		return;
	stroom_sbuf_printf(b, "  \"posterior\": {\"path\": ");
	stroom_json_string(b, p->posterior_csv);
	stroom_sbuf_printf(b, ", \"rows\": %zu, \"columns\": [", stroom_posterior_rows(post));
	for (c = 0; c < stroom_posterior_columns(post); c++) {
		stroom_sbuf_printf(b, "%s", c ? ", " : "");
		stroom_json_string(b, stroom_posterior_column(post, c));
	}
	stroom_sbuf_printf(b, "]");
	if (narrowing(r, p, x, &wpost, &wprior))
		stroom_sbuf_printf(b, ",\n    \"interval_date\": \"%s-01\", \"interval_width\": %.17g, "
				      "\"interval_width_priors_alone\": %.17g, \"priors_alone_replicates\": %d, "
				      "\"narrowed_pct\": %.17g",
				   stroom_month_format(stroom_results_start(r) + split_month(r, p), mb,
						       sizeof mb),
				   wpost, wprior, stroom_results_replicates(x->priors_only),
				   wprior > 0 ? 100.0 * (1.0 - wpost / wprior) : 0.0);
	stroom_sbuf_printf(b, "},\n");
}

/* manifest.json's "target": the target and the share of replicates at or below it
 * on its date (summary.txt's P(caseload <= target)) with the caseload's median and
 * 90% interval then (summary.txt's "caseload then"), when the date is simulated. */
static void manifest_target(stroom_sbuf *b, const stroom_results *r, const stroom_params *p)
{
	int t = p->target_month - stroom_results_start(r), R = stroom_results_replicates(r), k,
	    below = 0;
	double mean, q[STROOM_NQUANT];
	char mb[16];
	if (p->target_households <= 0 || t < 0 || t >= stroom_results_months(r) || R <= 0)
		return;
	for (k = 0; k < R; k++)
		below += value_at(r, k, t, STROOM_IND_CASELOAD, 0) <= p->target_households;
	stroom_output_stats(r, t, STROOM_IND_CASELOAD, 0, &mean, q);
	stroom_sbuf_printf(b, "  \"target\": {\"households\": %d, \"date\": \"%s-01\", "
			      "\"replicates_at_or_below\": %d, \"p\": %.17g,\n    \"caseload_median\": "
			      "%.17g, \"caseload_p05\": %.17g, \"caseload_p95\": %.17g},\n",
			   p->target_households, stroom_month_format(p->target_month, mb, sizeof mb),
			   below, (double)below / R, q[2], q[0], q[4]);
}

/* manifest.json's "interval": where the 90% interval of the caseload on the split
 * date comes from (summary.txt's "Where the 90% interval ... comes from"), when the
 * run has a central run to compare with. */
static void manifest_interval(stroom_sbuf *b, const stroom_results *r, const stroom_params *p,
			      const stroom_results *central)
{
	double wa, wc, share;
	int tt;
	char mb[16];
	if (!interval_split(r, p, central, &tt, &wa, &wc, &share))
		return;
	stroom_sbuf_printf(b, "  \"interval\": {\"date\": \"%s-01\", \"width\": %.17g, "
			      "\"width_central\": %.17g, \"central_replicates\": %d,\n    "
			      "\"share_parameters_pct\": %.17g, \"share_chance_pct\": %.17g},\n",
			   stroom_month_format(stroom_results_start(r) + tt, mb, sizeof mb), wa, wc,
			   stroom_results_replicates(central), 100.0 * share, 100.0 * (1.0 - share));
}

/* manifest.json's "conditions": the AEF conditions the scenario's levers act on, in
 * catalogue order, each with the levers it uses (summary.txt's "AEF conditions the
 * scenario's levers touch"; stroom_conditions_touched); [] when it uses none. */
typedef struct cond_json {
	stroom_sbuf *b;
	int shown; /* conditions written so far */
} cond_json;

static void condition_json(void *payload, const stroom_condition *c, const char *key, int k)
{
	cond_json *j = payload;
	if (!key) {
		stroom_sbuf_printf(j->b, "]}");
		return;
	}
	if (k == 0) {
		stroom_sbuf_printf(j->b, "%s\n    {\"code\": ", j->shown++ ? "," : "");
		stroom_json_string(j->b, c->code);
		stroom_sbuf_printf(j->b, ", \"name\": ");
		stroom_json_string(j->b, c->name_en);
		stroom_sbuf_printf(j->b, ", \"levers\": [");
	}
	stroom_sbuf_printf(j->b, "%s", k ? ", " : "");
	stroom_json_string(j->b, key);
}

static void manifest_conditions(stroom_sbuf *b, const stroom_params *p)
{
	cond_json j = {b, 0};
	stroom_sbuf_printf(b, "  \"conditions\": [");
	stroom_conditions_each_used(p, condition_json, &j);
	stroom_sbuf_printf(b, "%s],\n", j.shown ? "\n  " : "");
	stroom_error_clear();
}

/* Builds manifest.json into a malloc'd string (caller frees), length in *len. */
static char *manifest_json(const stroom_results *r, const stroom_results *central,
			   const stroom_scenario *s, const stroom_params *p, int has_budget,
			   const stroom_output_extra *extra, size_t *len)
{
	size_t need = stroom_params_to_json(p, NULL, 0) + 1, i, n;
	size_t need_src = s ? stroom_scenario_sources_json(s, NULL, 0) + 1 : 0;
	char *params_json = malloc(need), *out = NULL, *sources = s ? malloc(need_src) : NULL;
	stroom_sbuf b = {NULL, 0, 0};
	char when[32];
	time_t now = time(NULL);
	struct tm tmv;
	int pass;
	if (!params_json || (s && !sources)) {
		free(params_json);
		free(sources);
		return NULL;
	}
	stroom_params_to_json(p, params_json, need);
	if (sources)
		stroom_scenario_sources_json(s, sources, need_src);
	gmtime_r(&now, &tmv);
	strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%SZ", &tmv);
	for (pass = 0; pass < 2; pass++) {
		stroom_sbuf_printf(&b, "{\n  \"stroom_version\": ");
		stroom_json_string(&b, stroom_version());
		stroom_sbuf_printf(&b, ",\n  \"created_utc\": \"%s\",\n  \"scenario_name\": ", when);
		stroom_json_string(&b, p->name);
		stroom_sbuf_printf(&b, ",\n  \"seed\": %llu,\n  \"replicates\": %d,\n  \"threads\": %d,\n",
			  (unsigned long long)p->seed, stroom_results_replicates(r), stroom_results_threads(r));
		if (extra && extra->mpi_ranks > 0)
			stroom_sbuf_printf(&b, "  \"mpi_ranks\": %d,\n", extra->mpi_ranks);
		stroom_sbuf_printf(&b, "  \"inputs\": [");
		n = s ? stroom_scenario_input_count(s) : 0;
		for (i = 0; i < n; i++) {
			stroom_sbuf_printf(&b, "%s\n    {\"path\": ", i ? "," : "");
			stroom_json_string(&b, stroom_scenario_input_path(s, i));
			stroom_sbuf_printf(&b, ", \"sha256\": \"%s\"}", stroom_scenario_input_sha256(s, i));
		}
		stroom_sbuf_printf(&b,
				   "%s],\n  \"files\": [\"series.csv\", \"groups.csv\", \"indicators.csv\", "
				   "\"summary.txt\"%s%s",
				   n ? "\n  " : "", has_budget ? ", \"budget.csv\"" : "",
				   extra && extra->version >= 3 && extra->posterior
					   ? ", \"posterior_draws.csv\"" : "");
		if (extra && extra->file_name) {
			stroom_sbuf_printf(&b, ", ");
			stroom_json_string(&b, extra->file_name);
		}
		stroom_sbuf_printf(&b, "],\n");
		manifest_posterior(&b, r, p, extra);
		manifest_target(&b, r, p);
		manifest_interval(&b, r, p, central);
		manifest_conditions(&b, p);
		if (sources)
			stroom_sbuf_printf(&b, "  \"scenario_sources\": %s,\n", sources);
		stroom_sbuf_printf(&b, "  \"scenario\": %s\n}\n", params_json);
		if (pass == 0) {
			out = malloc(b.len + 1);
			if (!out)
				break;
			b.buf = out;
			b.size = b.len + 1;
			b.len = 0;
		}
	}
	free(params_json);
	free(sources);
	*len = b.len;
	return out;
}

int stroom_output_write_run(const stroom_results *r, const stroom_scenario *s, const stroom_params *p,
			    const stroom_budget_run *br, const stroom_results *central, const char *dir,
			    char *path_out, size_t path_size)
{
	return stroom_output_write_run_ext(r, s, p, br, central, NULL, dir, path_out, path_size);
}

int stroom_output_check_dir(const char *out)
{
	char final[4096], dir[4096], up[4096];
	const char *base;
	struct stat st;
	stroom_out_dir(out, "", "", final, sizeof final);
	if (out && *out) {
		if (lstat(final, &st) == 0)
			return stroom_error_set(STROOM_EINVAL, "'%s' already exists%s; remove it or choose "
						"another --out", final, S_ISDIR(st.st_mode) ? "" : " (a file)");
		stroom_path_split(final, dir, sizeof dir, &base);
	} else {
		snprintf(dir, sizeof dir, "runs");
	}
	/* the nearest existing ancestor is where the writer creates the rest */
	while (stat(dir, &st) != 0) {
		if (errno != ENOENT && errno != ENOTDIR)
			return stroom_error_set(STROOM_EINVAL, "cannot write in '%s': %s", dir,
						strerror(errno));
		stroom_path_split(dir, up, sizeof up, &base);
		snprintf(dir, sizeof dir, "%s", up);
	}
	if (!S_ISDIR(st.st_mode))
		return stroom_error_set(STROOM_EINVAL, "cannot write in '%s': it is not a directory", dir);
	if (access(dir, W_OK | X_OK) != 0)
		return stroom_error_set(STROOM_EINVAL, "cannot write in '%s': %s", dir, strerror(errno));
	return 0;
}

/* What summary.txt and manifest.json are made of. */
typedef struct run_job {
	const stroom_results *r, *central;
	const stroom_scenario *s;
	const stroom_params *p;
	const stroom_budget_run *br;
	const stroom_output_extra *extra;
} run_job;

/* Writes the len bytes at text to f and frees text (NULL: out of memory). */
static int text_out(FILE *f, char *text, size_t len)
{
	int ok;
	if (!text)
		return stroom_error_set(STROOM_ENOMEM, "out of memory");
	errno = 0;
	ok = fwrite(text, 1, len, f) == len && fflush(f) == 0;
	free(text);
	return ok ? 0 : STROOM_EIO;
}

static int summary_writer(FILE *f, const void *a, const void *b)
{
	const run_job *j = a;
	size_t len = stroom_output_summary_ext(j->r, j->p, j->br, j->central, j->extra, NULL, 0);
	char *text = malloc(len + 1);
	(void)b;
	if (text)
		stroom_output_summary_ext(j->r, j->p, j->br, j->central, j->extra, text, len + 1);
	return text_out(f, text, len);
}

static int indicators_writer(FILE *f, const void *a, const void *b)
{
	const run_job *j = a;
	(void)b;
	return stroom_output_indicators_csv(j->r, j->p, j->br != NULL, f);
}

static int manifest_writer(FILE *f, const void *a, const void *b)
{
	const run_job *j = a;
	size_t len = 0;
	char *text = manifest_json(j->r, j->central, j->s, j->p, j->br != NULL, j->extra, &len);
	(void)b;
	return text_out(f, text, len);
}

int stroom_output_write_run_ext(const stroom_results *r, const stroom_scenario *s, const stroom_params *p,
				const stroom_budget_run *br, const stroom_results *central,
				const stroom_output_extra *extra, const char *dir, char *path_out,
				size_t path_size)
{
	char final[4096];
	stroom_dir_file files[8];
	run_job job = {r, central, s, p, br, extra};
	posterior_job pjob;
	size_t n = 0;
	int err;

	memset(files, 0, sizeof files);
	stroom_out_dir(dir, p->name, "", final, sizeof final);
	files[n++] = (stroom_dir_file){"series.csv", series_writer, r, p, NULL, 0};
	files[n++] = (stroom_dir_file){"groups.csv", groups_writer, r, p, NULL, 0};
	files[n++] = (stroom_dir_file){"indicators.csv", indicators_writer, &job, NULL, NULL, 0};
	if (br)
		files[n++] = (stroom_dir_file){"budget.csv", budget_writer, br, NULL, NULL, 0};
	if (extra && extra->version >= 3 && extra->posterior) {
		pjob.post = extra->posterior;
		pjob.seed = p->seed;
		files[n++] = (stroom_dir_file){"posterior_draws.csv", posterior_writer, r, &pjob, NULL, 0};
	}
	files[n++] = (stroom_dir_file){"summary.txt", summary_writer, &job, NULL, NULL, 0};
	files[n++] = (stroom_dir_file){"manifest.json", manifest_writer, &job, NULL, NULL, 0};
	if (extra && extra->file_name)
		files[n++] = (stroom_dir_file){extra->file_name, NULL, NULL, NULL, extra->file_text,
					       extra->file_len};
	err = stroom_write_dir(final, "this run was written", files, n,
			       extra && extra->version >= 2 ? extra->cancelled : NULL,
			       extra && extra->version >= 2 ? extra->payload : NULL);
	if (!err && path_out && path_size)
		snprintf(path_out, path_size, "%s", final);
	return err;
}

/* Sum of an indicator over the months of a year in one replicate (group all). */
static double year_sum(const stroom_results *r, int rep, int year, int ind)
{
	int T = stroom_results_months(r), t;
	stroom_month start = stroom_results_start(r);
	double sum = 0;
	for (t = 0; t < T; t++)
		if (stroom_month_year(start + t) == year)
			sum += value_at(r, rep, t, ind, 0);
	return sum;
}

/* Median and 90% interval of buf (R values, sorted in place). */
static void quantiles_of(double *buf, int R, double q[3])
{
	gsl_sort(buf, 1, (size_t)R);
	q[0] = gsl_stats_quantile_from_sorted_data(buf, 1, (size_t)R, 0.05);
	q[1] = gsl_stats_quantile_from_sorted_data(buf, 1, (size_t)R, 0.50);
	q[2] = gsl_stats_quantile_from_sorted_data(buf, 1, (size_t)R, 0.95);
}

size_t stroom_output_compare(const stroom_results *a, const stroom_params *pa, const stroom_results *b,
			     const stroom_params *pb, char *buf, size_t size)
{
	static const struct {
		const char *label;
		int ind;
		double scale;
	} rows[] = {
		{"caseload on 1 January", STROOM_IND_CASELOAD, 1},
		{"inflow (new)", STROOM_IND_INFLOW_NEW, 1},
		{"returns", STROOM_IND_INFLOW_RETURN, 1},
		{"exits to work", STROOM_IND_EXIT_WORK, 1},
		{"exits with LKS", STROOM_IND_EXIT_LKS, 1},
		{"other exits", STROOM_IND_EXIT_OTHER, 1},
		{"enforcement exits", STROOM_IND_EXIT_ENFORCEMENT, 1},
		{"benefits (EUR m)", STROOM_NIND + STROOM_MONEY_BENEFIT, 1e8},
		{"LKS (EUR m)", STROOM_NIND + STROOM_MONEY_LKS, 1e8},
		{"instruments (EUR m)", STROOM_NIND + STROOM_MONEY_INSTRUMENTS, 1e8},
		{"recoveries (EUR m)", STROOM_NIND + STROOM_MONEY_RECOVERIES, 1e8},
	};
	stroom_sbuf b_ = {buf, size, 0};
	int R = stroom_results_replicates(a), T = stroom_results_months(a), year, k, rep;
	stroom_month start = stroom_results_start(a);
	double *d;
	if (size)
		buf[0] = '\0';
	if (stroom_results_replicates(b) != R || stroom_results_months(b) != T ||
	    stroom_results_start(b) != start) {
		stroom_error_set(STROOM_EINVAL, "compare: %s and %s must cover the same months with the "
				 "same replicates", pa->name, pb->name);
		return 0;
	}
	d = malloc((size_t)R * sizeof(double));
	if (!d) {
		stroom_error_set(STROOM_ENOMEM, "out of memory");
		return 0;
	}
	stroom_sbuf_printf(&b_, "Difference %s minus %s, paired by replicate (%d replicates, seed %llu):\n",
			   pb->name, pa->name, R, (unsigned long long)pa->seed);
	stroom_sbuf_printf(&b_, "median [90%% interval]; flows and money summed over each year\n");
	for (k = 0; k < (int)STROOM_ARRAY_LEN(rows); k++) {
		stroom_sbuf_printf(&b_, "\n%s\n", rows[k].label);
		for (year = stroom_month_year(start); year <= stroom_month_year(start + T - 1); year++) {
			double q[3], mean_a = 0;
			for (rep = 0; rep < R; rep++) {
				double va, vb;
				if (rows[k].ind == STROOM_IND_CASELOAD) {
					int t = stroom_month_make(year, 1) - start;
					if (t < 0 || t >= T)
						break;
					va = value_at(a, rep, t, rows[k].ind, 0);
					vb = value_at(b, rep, t, rows[k].ind, 0);
				} else {
					va = year_sum(a, rep, year, rows[k].ind);
					vb = year_sum(b, rep, year, rows[k].ind);
				}
				mean_a += va / R;
				d[rep] = (vb - va) / rows[k].scale;
			}
			if (rep < R)
				continue;
			quantiles_of(d, R, q);
			stroom_sbuf_printf(&b_, "  %d  %+12.1f  [%+12.1f to %+12.1f]   (%s: %.1f)\n", year, q[1],
					   q[0], q[2], pa->name, mean_a / rows[k].scale);
		}
	}
	free(d);
	return b_.len;
}

/* ---- the budget of a run ----------------------------------------------------- */

enum { BI_BUDGET, BI_SPENDING, BI_NET, BI_RESULT, BI_RESULT_PCT, BI_SAFETY_NET, BI_OWN_RISK,
       BI_VOLUME, BI_PRICE, BI_N };
static const char *const budget_ind_names[BI_N] = {
	"budget", "spending", "net_spending", "result", "result_pct", "safety_net", "own_risk",
	"volume_part", "price_part"};

struct stroom_budget_run {
	int replicates, nyears;
	int year[64];
	stroom_budget_result *res; /* [rep][year index] */
	int64_t *cost;             /* [rep][year index][STROOM_NCOST]: execution costs,
				    * eurocent (not in the BUIG result) */
};

/* The execution costs of replicate rep in year index y (STROOM_NCOST values). */
static int64_t *run_cost(const stroom_budget_run *br, int rep, int y)
{
	return br->cost + ((size_t)rep * (size_t)br->nyears + (size_t)y) * STROOM_NCOST;
}

static double budget_value(const stroom_budget_result *x, int ind)
{
	switch (ind) {
	case BI_BUDGET: return (double)x->budget_eurocent / 100.0;
	case BI_SPENDING: return (double)x->spending_eurocent / 100.0;
	case BI_NET: return (double)x->net_spending_eurocent / 100.0;
	case BI_RESULT: return (double)x->result_eurocent / 100.0;
	case BI_RESULT_PCT: return x->result_pct;
	case BI_SAFETY_NET: return (double)x->safety_net_eurocent / 100.0;
	case BI_OWN_RISK: return (double)x->own_risk_eurocent / 100.0;
	case BI_VOLUME: return (double)x->volume_part_eurocent / 100.0;
	default: return (double)x->price_part_eurocent / 100.0;
	}
}

int stroom_output_budget_compute(stroom_budget_run **out, const stroom_results *r, const stroom_params *p,
				 const stroom_budget *b)
{
	int R = stroom_results_replicates(r), T = stroom_results_months(r), rep, y, t, err = 0;
	stroom_month start = stroom_results_start(r);
	int first = stroom_month_year(start + (stroom_month_of_year(start) == 1 ? 0 : 12 - stroom_month_of_year(start) + 1));
	int last = stroom_month_year(start + T) - 1; /* the last year with all 12 months */
	stroom_budget_run *br;
	int64_t path_base = 0, path[64];
	double national[65], indexation[64];
	*out = NULL;
	br = calloc(1, sizeof *br);
	if (!br)
		return stroom_error_set(STROOM_ENOMEM, "out of memory");
	br->replicates = R;
	for (y = first; y <= last && br->nyears < 64; y++) {
		const stroom_budget_year *row;
		if (stroom_budget_lookup(b, y, &row) == 0 ||
		    (p->budget_path_from > 0 && y >= p->budget_path_from))
			br->year[br->nyears++] = y;
	}
	br->res = calloc((size_t)R * (size_t)(br->nyears ? br->nyears : 1), sizeof *br->res);
	br->cost = calloc((size_t)R * (size_t)(br->nyears ? br->nyears : 1) * STROOM_NCOST,
			  sizeof *br->cost);
	if (!br->res || !br->cost) {
		free(br->res);
		free(br->cost);
		free(br);
		return stroom_error_set(STROOM_ENOMEM, "out of memory");
	}
	/* the mechanism's path starts from the table's budget of the year before */
	if (p->budget_path_from > 0 && br->nyears > 0 && br->year[br->nyears - 1] >= p->budget_path_from) {
		const stroom_budget_year *row;
		if (stroom_budget_lookup(b, p->budget_path_from - 1, &row) != 0) {
			stroom_output_budget_free(br);
			return stroom_error_set(STROOM_EINVAL, "budget.path_from %d: %s has no row for %d "
					       "to start the path from", p->budget_path_from,
					       stroom_budget_path(b), p->budget_path_from - 1);
		}
		path_base = row->budget_eurocent;
	}
	/* the national caseload index and the indexation of the path's years */
	if (p->budget_path_from > 0) {
		int i;
		national[0] = stroom_series_at(&p->budget_national,
					       stroom_month_make(p->budget_path_from - 1, 1), 1.0);
		for (i = 0; i < 64; i++) {
			stroom_month jan = stroom_month_make(p->budget_path_from + i, 1);
			national[i + 1] = stroom_series_at(&p->budget_national, jan, 1.0);
			indexation[i] = stroom_series_at(&p->budget_indexation, jan, 0.0);
		}
	}
	for (rep = 0; rep < R && !err; rep++) {
		int64_t base_price = 0, fte_cost = fte_cost_of(p, rep);
		int base_year = p->budget_base_year ? p->budget_base_year : (br->nyears ? br->year[0] : 0);
		int pass, npath = 0;
		if (path_base > 0) {
			/* the share's trend: one draw per replicate from its normal prior */
			double trend = p->budget_share_trend;
			if (p->budget_share_trend_sd > 0) {
				stroom_prior pr = {0};
				pr.dist = STROOM_PRIOR_NORMAL;
				pr.a = trend;
				pr.b = p->budget_share_trend_sd;
				pr.lo = -0.5;
				pr.hi = 0.5;
				trend = stroom_prior_draw(&pr, p->seed, (uint32_t)rep,
							  stroom_prior_key_id("budget.share_trend"));
			}
			npath = br->year[br->nyears - 1] - p->budget_path_from + 1;
			if (npath > 64) {
				err = stroom_error_set(STROOM_EINVAL, "budget.path_from %d: at most 64 "
						       "years of path", p->budget_path_from);
				break;
			}
			if (npath > 0 && (err = stroom_budget_project(path_base, npath, national, indexation,
								   trend, path)) != 0)
				break;
		}
		/* two passes: the base year's price first, then every year with it */
		for (pass = 0; pass < 2 && !err; pass++)
			for (y = 0; y < br->nyears && !err; y++) {
				const stroom_budget_year *row;
				const stroom_safety_net_rule *rule;
				stroom_budget_input in = STROOM_BUDGET_INPUT_INIT;
				stroom_budget_result *res = &br->res[(size_t)rep * (size_t)br->nyears + (size_t)y];
				int64_t spend = 0, recov = 0, *cost = run_cost(br, rep, y);
				double households = 0, cm[STROOM_NCOST] = {0}, fte_months = 0;
				stroom_month jan = stroom_month_make(br->year[y], 1);
				int k;
				if (pass == 0 && br->year[y] != base_year)
					continue;
				if (stroom_budget_lookup(b, br->year[y], &row) != 0)
					row = NULL; /* a year the mechanism builds beyond the table */
				if ((err = stroom_budget_rule(b, br->year[y], &rule)) != 0)
					break;
				for (t = 0; t < T; t++) {
					double c[STROOM_NCOST], fte;
					if (stroom_month_year(start + t) != br->year[y])
						continue;
					spend += stroom_results_money(r, rep, t, STROOM_MONEY_BENEFIT, 0) +
						 stroom_results_money(r, rep, t, STROOM_MONEY_LKS, 0);
					recov += stroom_results_money(r, rep, t, STROOM_MONEY_RECOVERIES, 0);
					households += stroom_results_value(r, rep, t, STROOM_IND_CASELOAD, 0) / 12.0;
					month_costs(r, p, rep, t, fte_cost, c, &fte, NULL, NULL);
					fte_months += fte;
					for (k = 0; k < STROOM_NCOST; k++)
						cm[k] += c[k];
				}
				/* execution costs: never part of the BUIG result */
				for (k = 0; k < STROOM_NCOST; k++)
					cost[k] = (int64_t)llround(cm[k]);
				cost[STROOM_COST_TEAMS] = stroom_cost_team(fte_months, fte_cost);
				spend += (int64_t)llround(100.0 * stroom_series_at(&p->budget_other_spending, jan, 0.0));
				/* spending outside the engine: a volume that moves with the caseload
				 * times a price per household */
				spend += (int64_t)llround(100.0 * p->budget_other_ratio * households *
							  stroom_series_at(&p->budget_other_price, jan, 0.0));
				in.year = br->year[y];
				in.budget_eurocent = p->budget_path_from > 0 && br->year[y] >= p->budget_path_from
							     ? path[br->year[y] - p->budget_path_from]
							     : row->budget_eurocent;
				in.spending_eurocent = spend;
				in.recoveries_eurocent = recov + (row ? row->recoveries_eurocent : 0);
				in.other_income_eurocent = row ? row->other_income_eurocent : 0;
				in.households = households;
				in.base_price_eurocent = base_price;
				for (k = 0; k < 2 && y - 1 - k >= 0; k++)
					in.prior_result_eurocent[k] =
						br->res[(size_t)rep * (size_t)br->nyears + (size_t)(y - 1 - k)].result_eurocent;
				in.nprior = pass == 1 ? (y < 2 ? y : 2) : 0;
				if ((err = stroom_budget_compute(&in, rule, res)) != 0)
					break;
				if (pass == 0)
					base_price = stroom_budget_price(res->net_spending_eurocent, households);
			}
	}
	if (err) {
		stroom_output_budget_free(br);
		return err;
	}
	*out = br;
	return 0;
}

void stroom_output_budget_free(stroom_budget_run *br)
{
	if (!br)
		return;
	free(br->res);
	free(br->cost);
	free(br);
}

int stroom_output_budget_years(const stroom_budget_run *br) { return br->nyears; }

const stroom_budget_result *stroom_output_budget_result(const stroom_budget_run *br, int rep, int y)
{
	return &br->res[(size_t)rep * (size_t)br->nyears + (size_t)y];
}

/* Mean and quantiles of one budget indicator in year index y over the replicates. */
static void budget_stats(const stroom_budget_run *br, int y, int ind, double *buf, double *mean,
			 double q[STROOM_NQUANT])
{
	int rep, k;
	for (rep = 0; rep < br->replicates; rep++)
		buf[rep] = budget_value(stroom_output_budget_result(br, rep, y), ind);
	*mean = gsl_stats_mean(buf, 1, (size_t)br->replicates);
	gsl_sort(buf, 1, (size_t)br->replicates);
	for (k = 0; k < STROOM_NQUANT; k++)
		q[k] = gsl_stats_quantile_from_sorted_data(buf, 1, (size_t)br->replicates, quantile_probs[k]);
}

int64_t stroom_output_budget_cost(const stroom_budget_run *br, int rep, int y, int lever)
{
	const int64_t *c = run_cost(br, rep, y);
	int64_t sum = 0;
	int k;
	if (lever >= 0 && lever < STROOM_NCOST)
		return c[lever];
	for (k = 0; k < STROOM_NCOST; k++)
		sum += c[k];
	return sum;
}

/* Mean and quantiles, in euro, of execution cost lever (STROOM_NCOST = the total). */
static void cost_stats(const stroom_budget_run *br, int y, int lever, double *buf, double *mean,
		       double q[STROOM_NQUANT])
{
	int rep, k;
	for (rep = 0; rep < br->replicates; rep++)
		buf[rep] = (double)stroom_output_budget_cost(br, rep, y, lever) / 100.0;
	*mean = gsl_stats_mean(buf, 1, (size_t)br->replicates);
	gsl_sort(buf, 1, (size_t)br->replicates);
	for (k = 0; k < STROOM_NQUANT; k++)
		q[k] = gsl_stats_quantile_from_sorted_data(buf, 1, (size_t)br->replicates, quantile_probs[k]);
}

int stroom_output_budget_csv(const stroom_budget_run *br, FILE *f)
{
	double *buf = malloc((size_t)br->replicates * sizeof(double));
	int y, ind, k;
	if (!buf)
		return stroom_error_set(STROOM_ENOMEM, "out of memory");
	fprintf(f, "year,indicator,mean,p05,p25,p50,p75,p95\n");
	for (y = 0; y < br->nyears && !ferror(f); y++)
		for (ind = 0; ind < BI_N; ind++) {
			double mean, q[STROOM_NQUANT];
			budget_stats(br, y, ind, buf, &mean, q);
			fprintf(f, "%d,%s,%.2f", br->year[y], budget_ind_names[ind], mean);
			for (k = 0; k < STROOM_NQUANT; k++)
				fprintf(f, ",%.2f", q[k]);
			fputc('\n', f);
		}
	/* execution costs (paid from the municipality's own means, not the BUIG): per
	 * lever, then their total */
	for (y = 0; y < br->nyears && !ferror(f); y++)
		for (ind = 0; ind <= STROOM_NCOST; ind++) {
			double mean, q[STROOM_NQUANT];
			char name[64];
			cost_stats(br, y, ind, buf, &mean, q);
			if (ind < STROOM_NCOST)
				snprintf(name, sizeof name, "execution_cost_%s", stroom_cost_name(ind));
			else
				snprintf(name, sizeof name, "execution_cost");
			fprintf(f, "%d,%s,%.2f", br->year[y], name, mean);
			for (k = 0; k < STROOM_NQUANT; k++)
				fprintf(f, ",%.2f", q[k]);
			fputc('\n', f);
		}
	return write_result(f, buf, "budget.csv");
}

static void budget_summary(const stroom_budget_run *br, stroom_sbuf *b)
{
	double *buf = malloc((size_t)br->replicates * sizeof(double));
	int y, rep;
	if (!buf || br->nyears == 0) {
		free(buf);
		return;
	}
	stroom_sbuf_printf(b, "\nBUIG budget result per year (EUR million; median and 90%% interval)\n");
	stroom_sbuf_printf(b, "  year   budget        result                 result %%     P(def>7.5%%) "
			      "P(def>12.5%%) P(surplus)  E[safety net]\n");
	for (y = 0; y < br->nyears; y++) {
		double mean, q[STROOM_NQUANT], qp[STROOM_NQUANT], qn[STROOM_NQUANT], qb[STROOM_NQUANT], net_mean;
		int d75 = 0, d125 = 0, surplus = 0;
		for (rep = 0; rep < br->replicates; rep++) {
			const stroom_budget_result *x = stroom_output_budget_result(br, rep, y);
			d75 += x->result_pct < -7.5;
			d125 += x->result_pct < -12.5;
			surplus += x->result_eurocent > 0;
		}
		budget_stats(br, y, BI_BUDGET, buf, &mean, qb);
		budget_stats(br, y, BI_RESULT, buf, &mean, q);
		budget_stats(br, y, BI_SAFETY_NET, buf, &net_mean, qn);
		budget_stats(br, y, BI_RESULT_PCT, buf, &mean, qp);
		stroom_sbuf_printf(b, "  %d  %7.1f  %+7.1f [%+7.1f to %+7.1f]  %+6.1f%%  %10.3f  %11.3f  %9.3f  %11.1f\n",
				   br->year[y],
				   qb[2] / 1e6, q[2] / 1e6, q[0] / 1e6, q[4] / 1e6, qp[2],
				   (double)d75 / br->replicates, (double)d125 / br->replicates,
				   (double)surplus / br->replicates, net_mean / 1e6);
	}
	for (y = 0; y < br->nyears; y++)
		for (rep = 0; rep < br->replicates; rep++)
			if (stroom_output_budget_cost(br, rep, y, -1) != 0)
				goto costs;
	free(buf);
	return;
costs:
	stroom_sbuf_printf(b, "\nExecution costs per year, not in the BUIG result (EUR million; mean)\n");
	stroom_sbuf_printf(b, "  year   teams  instruments  enforcement  prevention    gate     total  [90%% interval]\n");
	for (y = 0; y < br->nyears; y++) {
		double m[STROOM_NCOST + 1], q[STROOM_NQUANT];
		int c;
		for (c = 0; c <= STROOM_NCOST; c++)
			cost_stats(br, y, c, buf, &m[c], q);
		stroom_sbuf_printf(b, "  %d  %6.2f  %11.2f  %11.2f  %10.2f  %6.2f  %8.2f  [%.2f to %.2f]\n",
				   br->year[y], m[0] / 1e6, m[1] / 1e6, m[2] / 1e6, m[3] / 1e6, m[4] / 1e6,
				   m[5] / 1e6, q[0] / 1e6, q[4] / 1e6);
	}
	free(buf);
}

static int same_years(const stroom_budget_run *a, const stroom_budget_run *b)
{
	int y;
	if (a->replicates != b->replicates || a->nyears != b->nyears)
		return 0;
	for (y = 0; y < a->nyears; y++)
		if (a->year[y] != b->year[y])
			return 0;
	return 1;
}

int stroom_output_budget_add(stroom_budget_run *dst, const stroom_budget_run *src)
{
	size_t i, n;
	if (!same_years(dst, src))
		return stroom_error_set(STROOM_EINVAL, "budget: cannot add runs of different years");
	n = (size_t)dst->replicates * (size_t)dst->nyears;
	for (i = 0; i < n; i++) {
		stroom_budget_result *d = &dst->res[i];
		const stroom_budget_result *x = &src->res[i];
		d->budget_eurocent += x->budget_eurocent;
		d->spending_eurocent += x->spending_eurocent;
		d->net_spending_eurocent += x->net_spending_eurocent;
		d->result_eurocent += x->result_eurocent;
		d->deficit_eurocent += x->deficit_eurocent;
		d->eligible = d->eligible || x->eligible;
		d->safety_net_eurocent += x->safety_net_eurocent;
		d->own_risk_eurocent += x->own_risk_eurocent;
		d->result_after_safety_net_eurocent += x->result_after_safety_net_eurocent;
		d->has_split = d->has_split && x->has_split;
		d->volume_part_eurocent += x->volume_part_eurocent;
		d->price_part_eurocent += x->price_part_eurocent;
		/* from the sums, never summed: the same whatever the order */
		d->result_pct = d->budget_eurocent ? 100.0 * (double)d->result_eurocent / (double)d->budget_eurocent
						   : 0.0;
		d->budgeted_households = 0.0; /* a national total has no single base price */
	}
	for (i = 0; i < n * STROOM_NCOST; i++)
		dst->cost[i] += src->cost[i];
	return 0;
}

size_t stroom_output_budget_pack(const stroom_budget_run *br, void *buf, size_t size)
{
	size_t nres = (size_t)br->replicates * (size_t)br->nyears * sizeof *br->res;
	size_t ncost = (size_t)br->replicates * (size_t)br->nyears * STROOM_NCOST * sizeof *br->cost;
	size_t need = sizeof *br + nres + ncost;
	unsigned char *p = buf;
	if (!buf || size < need)
		return need;
	memcpy(p, br, sizeof *br);
	memcpy(p + sizeof *br, br->res, nres);
	memcpy(p + sizeof *br + nres, br->cost, ncost);
	return need;
}

int stroom_output_budget_unpack(stroom_budget_run **out, const void *buf, size_t size)
{
	stroom_budget_run h, *br;
	size_t nres, ncost;
	*out = NULL;
	if (size < sizeof h)
		return stroom_error_set(STROOM_EINVAL, "budget pack: %zu bytes is too short", size);
	memcpy(&h, buf, sizeof h);
	if (h.replicates < 1 || h.nyears < 0 || h.nyears > 64)
		return stroom_error_set(STROOM_EINVAL, "budget pack: not a pack of a budget run");
	nres = (size_t)h.replicates * (size_t)h.nyears * sizeof *h.res;
	ncost = (size_t)h.replicates * (size_t)h.nyears * STROOM_NCOST * sizeof *h.cost;
	if (size != sizeof h + nres + ncost)
		return stroom_error_set(STROOM_EINVAL, "budget pack: expected %zu bytes, got %zu",
					sizeof h + nres + ncost, size);
	br = calloc(1, sizeof *br);
	if (!br)
		return stroom_error_set(STROOM_ENOMEM, "out of memory");
	*br = h;
	br->res = calloc(nres ? nres : 1, 1);
	br->cost = calloc(ncost ? ncost : 1, 1);
	if (!br->res || !br->cost) {
		free(br->res);
		free(br->cost);
		free(br);
		return stroom_error_set(STROOM_ENOMEM, "out of memory");
	}
	memcpy(br->res, (const unsigned char *)buf + sizeof h, nres);
	memcpy(br->cost, (const unsigned char *)buf + sizeof h + nres, ncost);
	*out = br;
	return 0;
}
