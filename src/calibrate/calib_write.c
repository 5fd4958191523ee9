/*
 * calib_write.c: what a fit writes: posterior.csv (one joint draw per row, thinned),
 * fit.txt (the report), fit.csv (observed against fitted per row) and
 * manifest.json, into a directory written all or nothing (src/output/outfile.c).
 */
#include "calib_fit.h"
#include "outfile.h"

#include <stroom/output.h>

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

static const char *ind_label(int ind)
{
	switch (ind) {
	case STROOM_OBS_IND_INFLOW: return "inflow";
	case STROOM_OBS_IND_EXITS: return "exits";
	default: return ind >= 0 && ind < STROOM_NIND ? stroom_indicator_name(ind) : "?";
	}
}

static const char *unit_label(int u)
{
	static const char *const n[] = {"households", "benefits", "persons", "share"};
	return u >= 0 && u < 4 ? n[u] : "?";
}

/* "2018-01-01" for a stock, "2018" for a year's flow, "2018-01" a month's, "2018-Q1" */
static void period_label(const stroom_obs_row *r, char *buf, size_t size)
{
	int y = stroom_month_year(r->month), m = stroom_month_of_year(r->month);
	if (r->months == 0)
		snprintf(buf, size, "%04d-%02d-01", y, m);
	else if (r->months == 12 && m == 1)
		snprintf(buf, size, "%04d", y);
	else if (r->months == 3 && m % 3 == 1)
		snprintf(buf, size, "%04d-Q%d", y, (m + 2) / 3);
	else if (r->months == 1)
		snprintf(buf, size, "%04d-%02d", y, m);
	else
		snprintf(buf, size, "%04d-%02d+%dm", y, m, r->months);
}

/* The rows of posterior.csv: evenly spaced over the chains' draws. */
static size_t thinned(const stroom_calibration *c, size_t k, size_t rows)
{
	return (size_t)((double)k * (double)c->S / (double)rows);
}

size_t stroom_calibration_posterior_csv(const stroom_calibration *c, const char *provenance,
					char *buf, size_t size)
{
	stroom_sbuf b = {buf, size, 0};
	size_t rows = c->S < (size_t)c->set.draws ? c->S : (size_t)c->set.draws, k;
	int j;
	if (provenance) {
		const char *s = provenance;
		while (*s) {
			const char *e = strchr(s, '\n');
			int len = e ? (int)(e - s) : (int)strlen(s);
			stroom_sbuf_printf(&b, "# %.*s\n", len, s);
			s += len + (e ? 1 : 0);
		}
	}
	stroom_sbuf_printf(&b, "# converged: %s\n", c->converged ? "yes" : "no");
	stroom_sbuf_printf(&b, "draw,chain");
	for (j = 0; j < c->np; j++)
		stroom_sbuf_printf(&b, ",%s", c->par[j].name);
	stroom_sbuf_printf(&b, "\n");
	for (k = 0; k < rows; k++) {
		size_t s = thinned(c, k, rows);
		stroom_sbuf_printf(&b, "%zu,%zu", k, s / (size_t)c->n);
		for (j = 0; j < c->np; j++)
			stroom_sbuf_printf(&b, ",%.17g", c->x[s * (size_t)c->np + (size_t)j]);
		stroom_sbuf_printf(&b, "\n");
	}
	if (size > 0 && b.len >= size)
		buf[size - 1] = '\0';
	return b.len;
}

size_t stroom_calibration_fit_csv(const stroom_calibration *c, char *buf, size_t size)
{
	stroom_sbuf b = {buf, size, 0};
	size_t i;
	stroom_sbuf_printf(&b, "line,period,months,indicator,group,unit,observed,fitted_mean,p05,p95,"
			   "residual,std_residual,fitted\n");
	for (i = 0; i < c->nrows; i++) {
		const stroom_obs_row *r = &c->rows[i];
		char per[32];
		size_t k;
		period_label(r, per, sizeof per);
		for (k = 0; k < c->nitems && c->items[k].row != i; k++)
			;
		stroom_sbuf_printf(&b, "%d,%s,%d,%s,%s,%s,%.10g,", r->line, per, r->months,
				   r->indicator == STROOM_OBS_IND_APPLICATIONS ? "applications"
				   : r->indicator == STROOM_OBS_IND_REEXAMINATIONS ? "reexaminations"
										   : ind_label(r->indicator),
				   r->group, unit_label(r->unit), r->value);
		if (k < c->nitems) {
			const calib_item_sum *s = &c->item_sum[k];
			const calib_item *it = &c->items[k];
			double z = it->kind == CALIB_STOCK ? log(it->value / s->mean) / s->sd
							   : (it->value - s->mean) / s->sd;
			stroom_sbuf_printf(&b, "%.10g,%.10g,%.10g,%.10g,%.4f,yes\n", s->mean, s->q05, s->q95,
					   it->value - s->mean, z);
		} else {
			stroom_sbuf_printf(&b, ",,,,,no\n");
		}
	}
	if (size > 0 && b.len >= size)
		buf[size - 1] = '\0';
	return b.len;
}

static void fmt_value(stroom_sbuf *b, double v)
{
	double a = fabs(v);
	if (a != 0 && (a < 1e-3 || a >= 1e6))
		stroom_sbuf_printf(b, " %10.3e", v);
	else if (a >= 100)
		stroom_sbuf_printf(b, " %10.1f", v);
	else
		stroom_sbuf_printf(b, " %10.5f", v);
}

size_t stroom_calibration_report(const stroom_calibration *c, char *buf, size_t size)
{
	stroom_sbuf b = {buf, size, 0};
	size_t i;
	int j, k, nunid = 0;
	char a[16], e[16];
	stroom_month_format(c->start, a, sizeof a);
	stroom_month_format(c->start + c->months - 1, e, sizeof e);
	stroom_sbuf_printf(&b, "Calibration of '%s' (%s to %s) against %zu observed rows: %zu fitted, "
			   "%zu not fitted\n", c->name, a, e, c->nrows, c->nitems, c->nskips);
	stroom_sbuf_printf(&b, "Converged: %s (every R-hat below %.3g and every bulk ESS at least %.0f)\n",
			   c->converged ? "yes" : "NO", c->set.rhat_max, c->set.ess_min);
	stroom_sbuf_printf(&b, "Sampler: adaptive Metropolis, %d chains x (%d warm-up + %d kept) "
			   "iterations (%s at most %d, checked every %d), seed %llu, %d threads; %d of %d "
			   "parameters seen by the data; acceptance", c->set.chains, c->set.warmup, c->n,
			   c->n < c->set.iterations ? "stopped when converged;" : "the cap:",
			   c->set.iterations, CALIB_CHECK_EVERY, (unsigned long long)c->set.seed, c->threads,
			   c->nseen, c->np);
	for (k = 0; k < c->set.chains; k++)
		stroom_sbuf_printf(&b, " %.2f", c->accept[k]);
	stroom_sbuf_printf(&b, "\nTime: %.1f s (mode %.1f s, chains %.1f s); %ld likelihood evaluations "
			   "(mode and covariance %ld, chains %ld)\n", c->seconds, c->seconds_mode,
			   c->seconds_chains, c->evals, c->evals_mode, c->evals - c->evals_mode);
	stroom_sbuf_printf(&b, "Likelihood: stocks lognormal, sd %.3g (households) / %.3g (benefits) on "
			   "the log scale plus 1/expected; flows negative binomial, overdispersion %.3g "
			   "(households) / %.3g (benefits); shares normal, sd %.3g (docs/model.md "
			   "section 7)\n", c->set.lik.sd_households, c->set.lik.sd_benefits,
			   c->set.lik.phi_households, c->set.lik.phi_benefits, c->set.lik.sd_share);

	stroom_sbuf_printf(&b, "\n== Observed against fitted ==\n");
	stroom_sbuf_printf(&b, "fitted: the posterior mean of the model's expectation; interval: 90%% "
			   "posterior predictive; z: the residual in observation sds\n");
	stroom_sbuf_printf(&b, "%5s %-13s %-14s %-8s %-10s %10s %10s %10s %10s %10s %6s\n", "line", "period",
			   "indicator", "group", "unit", "observed", "fitted", "p05", "p95", "residual", "z");
	for (i = 0; i < c->nitems; i++) {
		const calib_item *it = &c->items[i];
		const calib_item_sum *s = &c->item_sum[i];
		const stroom_obs_row *r = &c->rows[it->row];
		char per[32];
		double z = it->kind == CALIB_STOCK ? log(it->value / s->mean) / s->sd
						   : (it->value - s->mean) / s->sd;
		period_label(r, per, sizeof per);
		stroom_sbuf_printf(&b, "%5d %-13s %-14s %-8.8s %-10s", r->line, per, ind_label(r->indicator),
				   r->group, unit_label(r->unit));
		fmt_value(&b, it->value);
		fmt_value(&b, s->mean);
		fmt_value(&b, s->q05);
		fmt_value(&b, s->q95);
		fmt_value(&b, it->value - s->mean);
		stroom_sbuf_printf(&b, " %6.2f%s\n", z,
				   it->value < s->q05 || it->value > s->q95 ? "  outside" : "");
	}

	stroom_sbuf_printf(&b, "\n== Prior against posterior ==\n");
	stroom_sbuf_printf(&b, "%-36s %-9s %10s %10s %10s %10s %10s\n", "parameter", "", "mean", "sd", "5%",
			   "50%", "95%");
	for (j = 0; j < c->np; j++) {
		const calib_param_sum *p = &c->psum[j];
		const calib_summary *s2[2] = {&p->prior, &p->post};
		for (k = 0; k < 2; k++) {
			stroom_sbuf_printf(&b, "%-36s %-9s", k ? "" : c->par[j].name, k ? "posterior" : "prior");
			fmt_value(&b, s2[k]->mean);
			fmt_value(&b, s2[k]->sd);
			fmt_value(&b, s2[k]->q05);
			fmt_value(&b, s2[k]->q50);
			fmt_value(&b, s2[k]->q95);
			stroom_sbuf_printf(&b, "\n");
		}
	}
	if (c->nheld) {
		stroom_sbuf_printf(&b, "Held at the prior's central value (a 'values' prior cannot be "
				   "fitted continuously):");
		for (j = 0; j < c->nheld; j++)
			stroom_sbuf_printf(&b, " %s", c->held[j]);
		stroom_sbuf_printf(&b, "\n");
	}

	stroom_sbuf_printf(&b, "\n== Correlations (posterior) ==\n");
	{
		int idx[STROOM_DRAW_MAX], m = 0;
		for (j = 0; j < c->np; j++)
			if (c->par[j].seen)
				idx[m++] = j;
		if (m == 0)
			stroom_sbuf_printf(&b, "(no parameter is seen by the data)\n");
		for (j = 0; j < m; j++)
			stroom_sbuf_printf(&b, "%3d %s\n", j + 1, c->par[idx[j]].name);
		if (m)
			stroom_sbuf_printf(&b, "%3s", "");
		for (j = 0; j < m; j++)
			stroom_sbuf_printf(&b, " %6d", j + 1);
		if (m)
			stroom_sbuf_printf(&b, "\n");
		for (j = 0; j < m; j++) {
			stroom_sbuf_printf(&b, "%3d", j + 1);
			for (k = 0; k < m; k++)
				stroom_sbuf_printf(&b, " %6.2f", c->corr[idx[j] * c->np + idx[k]]);
			stroom_sbuf_printf(&b, "\n");
		}
		if (m < c->np)
			stroom_sbuf_printf(&b, "(the %d parameters the data do not see are drawn from their "
					   "priors independently: correlation 0)\n", c->np - m);
	}

	stroom_sbuf_printf(&b, "\n== Convergence ==\n");
	stroom_sbuf_printf(&b, "%-36s %8s %9s %s\n", "parameter", "R-hat", "bulk ESS", "");
	for (j = 0; j < c->np; j++) {
		const calib_param_sum *p = &c->psum[j];
		int ok = p->rhat < c->set.rhat_max && p->ess >= c->set.ess_min;
		stroom_sbuf_printf(&b, "%-36s %8.4f %9.0f %s%s\n", c->par[j].name, p->rhat, p->ess,
				   ok ? "ok" : "NOT CONVERGED",
				   c->par[j].seen ? "" : " (prior draws)");
	}

	stroom_sbuf_printf(&b, "\n== What the data could not identify ==\n");
	stroom_sbuf_printf(&b, "parameters whose posterior sd is more than 0.8 times the prior sd\n");
	for (j = 0; j < c->np; j++) {
		const calib_param_sum *p = &c->psum[j];
		double ratio = p->prior.sd > 0 ? p->post.sd / p->prior.sd : 0;
		if (!c->par[j].seen) {
			stroom_sbuf_printf(&b, "%-36s not seen: the likelihood does not change with it "
					   "(posterior = prior)\n", c->par[j].name);
			nunid++;
		} else if (ratio > 0.8) {
			stroom_sbuf_printf(&b, "%-36s posterior sd %.2f x the prior's\n", c->par[j].name, ratio);
			nunid++;
		}
	}
	if (!nunid)
		stroom_sbuf_printf(&b, "(none: the data narrowed every parameter)\n");

	stroom_sbuf_printf(&b, "\n== Rows not fitted ==\n");
	for (i = 0; i < c->nskips; i++)
		stroom_sbuf_printf(&b, "%s\n", c->skip_text[i]);
	if (!c->nskips)
		stroom_sbuf_printf(&b, "(none)\n");
	if (size > 0 && b.len >= size)
		buf[size - 1] = '\0';
	return b.len;
}

static void json_num(stroom_sbuf *b, double v) { stroom_json_num(b, v); }

static size_t manifest(const stroom_calibration *c, const stroom_calibrate_write *w, char *buf,
		       size_t size)
{
	stroom_sbuf b = {buf, size, 0};
	int j;
	stroom_manifest_head(&b, "calibrate", c->name, w ? w->scenario : NULL,
			     w ? w->observed_path : NULL, w ? w->observed_sha256 : NULL);
	stroom_sbuf_printf(&b, ", \"rows\": %zu, \"fitted\": %zu, \"not_fitted\": %zu},\n", c->nrows,
			   c->nitems, c->nskips);
	stroom_sbuf_printf(&b, "  \"settings\": {\"chains\": %d, \"warmup\": %d, \"iterations\": %d, "
			   "\"max_iterations\": %d, \"check_every\": %d, \"likelihood_evaluations\": %ld, "
			   "\"seed\": %llu, \"threads\": %d, \"draws\": %d, \"rhat_max\": ",
			   c->set.chains, c->set.warmup, c->n, c->set.iterations, CALIB_CHECK_EVERY, c->evals,
			   (unsigned long long)c->set.seed, c->threads, c->set.draws);
	json_num(&b, c->set.rhat_max);
	stroom_sbuf_printf(&b, ", \"ess_min\": ");
	json_num(&b, c->set.ess_min);
	stroom_sbuf_printf(&b, ",\n    \"likelihood\": {\"stock_sd_households\": %g, \"stock_sd_benefits\": %g, "
			   "\"share_sd\": %g, \"flow_overdispersion_households\": %g, "
			   "\"flow_overdispersion_benefits\": %g}},\n", c->set.lik.sd_households,
			   c->set.lik.sd_benefits, c->set.lik.sd_share, c->set.lik.phi_households,
			   c->set.lik.phi_benefits);
	stroom_sbuf_printf(&b, "  \"converged\": %s,\n  \"worst\": ", c->converged ? "true" : "false");
	stroom_json_string(&b, c->par[c->worst].name);
	stroom_sbuf_printf(&b, ",\n  \"parameters\": [");
	for (j = 0; j < c->np; j++) {
		const calib_param_sum *p = &c->psum[j];
		stroom_sbuf_printf(&b, "%s\n    {\"name\": ", j ? "," : "");
		stroom_json_string(&b, c->par[j].name);
		stroom_sbuf_printf(&b, ", \"seen\": %s, \"mean\": ", c->par[j].seen ? "true" : "false");
		json_num(&b, p->post.mean);
		stroom_sbuf_printf(&b, ", \"sd\": ");
		json_num(&b, p->post.sd);
		stroom_sbuf_printf(&b, ", \"prior_sd\": ");
		json_num(&b, p->prior.sd);
		stroom_sbuf_printf(&b, ", \"rhat\": ");
		json_num(&b, p->rhat);
		stroom_sbuf_printf(&b, ", \"ess_bulk\": ");
		json_num(&b, p->ess);
		stroom_sbuf_printf(&b, "}");
	}
	stroom_sbuf_printf(&b, "\n  ],\n  \"seconds\": ");
	json_num(&b, w && w->seconds > 0 ? w->seconds : c->seconds);
	stroom_sbuf_printf(&b, ",\n  \"files\": [\"posterior.csv\", \"fit.txt\", \"fit.csv\", \"manifest.json\"]\n}\n");
	if (size > 0 && b.len >= size)
		buf[size - 1] = '\0';
	return b.len;
}

void stroom_calibrate_default_dir(const char *name, char *buf, size_t size)
{
	stroom_out_dir(NULL, name, "-calibrate", buf, size);
}

/* A file of an output directory: a the texts, b the file's index. */
typedef struct text_job {
	calib_text_fn text;
	const void *obj;
} text_job;

static int text_writer(FILE *f, const void *a, const void *b)
{
	const text_job *j = a;
	int k = *(const int *)b;
	size_t n = j->text(j->obj, k, NULL, 0), len;
	char *t = malloc(n + 1);
	int ok;
	if (!t)
		return stroom_error_set(STROOM_ENOMEM, "out of memory");
	len = j->text(j->obj, k, t, n + 1);
	errno = 0;
	ok = len <= n && fwrite(t, 1, len, f) == len;
	free(t);
	return ok ? 0 : STROOM_EIO;
}

int calib_write_texts(const char *out, const char *name, const char *suffix, const char *what,
		      const char *const *files, int n, calib_text_fn text, const void *obj,
		      int (*cancelled)(const char *step, void *payload), void *payload, char *path_out,
		      size_t path_size)
{
	static const int index[8] = {0, 1, 2, 3, 4, 5, 6, 7};
	char final[4096];
	text_job job = {text, obj};
	stroom_dir_file df[8];
	int k, err;
	if (n < 1 || n > 8)
		return stroom_error_set(STROOM_EINVAL, "an output directory of 1 to 8 files");
	stroom_out_dir(out, name, suffix, final, sizeof final);
	for (k = 0; k < n; k++)
		df[k] = (stroom_dir_file){files[k], text_writer, &job, &index[k], NULL, 0};
	err = stroom_write_dir(final, what, df, (size_t)n, cancelled, payload);
	if (!err && path_out && path_size)
		snprintf(path_out, path_size, "%s", final);
	return err;
}

static const char *const files[] = {"posterior.csv", "fit.txt", "fit.csv", "manifest.json"};

/* What the fit's files are made from: the fit, what it records, posterior.csv's head. */
typedef struct calib_texts {
	const stroom_calibration *c;
	const stroom_calibrate_write *w;
	char prov[1200];
} calib_texts;

static size_t calib_text(const void *obj, int k, char *buf, size_t size)
{
	const calib_texts *x = obj;
	switch (k) {
	case 0: return stroom_calibration_posterior_csv(x->c, x->prov, buf, size);
	case 1: return stroom_calibration_report(x->c, buf, size);
	case 2: return stroom_calibration_fit_csv(x->c, buf, size);
	default: return manifest(x->c, x->w, buf, size);
	}
}

int stroom_calibration_write_dir(const stroom_calibration *c, const stroom_calibrate_write *w,
				 const char *out, char *path_out, size_t path_size)
{
	calib_texts x;
	char when[32];
	time_t now = time(NULL);
	struct tm tmv;
	int err;

	if (w && w->observed_path && !w->observed_sha256) {
		stroom_calibrate_write w2 = *w;
		char hex[65];
		if ((err = stroom_hash_file(w->observed_path, STROOM_INPUT_OBSERVED, "", hex)) != 0)
			return err;
		w2.observed_sha256 = hex;
		return stroom_calibration_write_dir(c, &w2, out, path_out, path_size);
	}
	gmtime_r(&now, &tmv);
	strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%SZ", &tmv);
	x.c = c;
	x.w = w;
	snprintf(x.prov, sizeof x.prov, "stroom %s calibrate: scenario %s\nobserved: %s sha256 %s\n"
		 "created: %s\nchains %d x %d kept draws (thinned to the rows below), seed %llu",
		 stroom_version(), c->name, w && w->observed_path ? w->observed_path : "-",
		 w && w->observed_sha256 ? w->observed_sha256 : "-", when, c->set.chains, c->n,
		 (unsigned long long)c->set.seed);
	return calib_write_texts(out, c->name, "-calibrate", "this fit was written", files,
				 (int)STROOM_ARRAY_LEN(files), calib_text, &x, w ? w->cancelled : NULL,
				 w ? w->payload : NULL, path_out, path_size);
}
