/*
 * cli_explain.c: `stroom explain SCENARIO [--from YYYY-MM] [--to YYYY-MM]`: why
 * the caseload moved between two dates, split into the labour market, shocks,
 * each lever that changed, composition and chance (include/stroom/explain.h,
 * docs/explain.md). Prints a table, or one JSON object; --out DIR writes
 * explain.csv, replicates.csv, summary.txt and manifest.json all or nothing.
 */
#include "cli.h"
#include "cli_fit.h"
#include "internal.h"
#include "outfile.h"

#include <stroom/check.h>
#include <stroom/explain.h>
#include <stroom/output.h>
#include <stroom/scenario.h>

#include <errno.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char help[] =
	"usage: stroom explain SCENARIO [--from YYYY-MM] [--to YYYY-MM]\n"
	"                      [--method shapley|sequential] [--order NAME,NAME,...] [--each-team]\n"
	"                      [--replicates N] [--threads N] [--seed N] [--out DIR] [--json]\n"
	"\n"
	"Splits the change in caseload from the 1st of --from to the 1st of --to\n"
	"(default: the scenario's start and the 1st after its last month) into the\n"
	"labour market (labour_market.index), shocks (inflow.shock, hazard.work.shock),\n"
	"each lever whose setting changes between the dates (the teams' FTE,\n"
	"prevention.reach, enforcement.controls, targets.pressure), composition (the\n"
	"stock's own dynamics with every factor held at its --from setting: ageing,\n"
	"spells lengthening, drift, returns, the inflow against the exits) and chance\n"
	"(the microsimulation's replicate less the expected value). A factor's\n"
	"counterfactual holds its settings at their --from value; the expected-value\n"
	"engine runs every replicate's parameter draw with every combination of the\n"
	"factors held (Shapley values: the same whatever the order), so each\n"
	"replicate's parts add up to its change exactly. --method sequential adds the\n"
	"factors one by one in --order instead (k + 1 runs for k factors; the parts\n"
	"then depend on the order). --each-team: one factor per team. Intervals: 5% and\n"
	"95% over the replicates. --out DIR writes explain.csv, replicates.csv,\n"
	"summary.txt and manifest.json (DIR must not exist); --json prints one object.\n"
	"Method and reading: docs/explain.md.\n";

static int interrupted(void) { return stroom_cli_interrupted_exit("nothing written"); }

/* The share of the total a part's mean is, or NAN when the shares would mislead:
 * the total under half a household, or under a quarter of the sum of the parts'
 * absolute means (parts that largely cancel). */
static double share(const stroom_explain_result *r, double x)
{
	double abs_sum = 0;
	int i;
	for (i = 0; i < r->nparts; i++)
		abs_sum += fabs(r->part[i].mean);
	if (fabs(r->total.mean) < 0.5 || fabs(r->total.mean) < 0.25 * abs_sum)
		return NAN;
	return x / r->total.mean;
}

static const char *label(const stroom_explain_part *pt)
{
	if (!strcmp(pt->name, "labour_market"))
		return "labour market";
	return pt->name;
}

static const char *method_name(int m)
{
	return m == STROOM_EXPLAIN_SHAPLEY ? "shapley" : "sequential";
}

static size_t summary_text(const stroom_explain_result *r, const stroom_params *p, int posterior,
			   char *buf, size_t size)
{
	stroom_sbuf b = {buf, size, 0};
	char f[16], t[16];
	int i;
	stroom_month_format(r->from, f, sizeof f);
	stroom_month_format(r->to, t, sizeof t);
	stroom_sbuf_printf(&b, "Why the caseload of %s moved from %s to %s\n", p->name, f, t);
	stroom_sbuf_printf(&b, "caseload on the 1st of %s: %.0f, on the 1st of %s: %.0f (means over %d "
			       "replicates)\n", f, r->caseload_from, t, r->caseload_to, r->replicates);
	stroom_sbuf_printf(&b, "change: %+.0f households [90%% interval %+.0f to %+.0f]\n\n", r->total.mean,
			   r->total.p05, r->total.p95);
	stroom_sbuf_printf(&b, "%-24s %11s   %-22s %6s\n", "part", "households", "90% interval",
			   "share");
	for (i = 0; i < r->nparts; i++) {
		const stroom_explain_part *pt = &r->part[i];
		double s = share(r, pt->mean);
		char iv[64], sh[16];
		if (pt->kind == STROOM_EXPLAIN_FACTOR && !pt->changes) {
			stroom_sbuf_printf(&b, "%-24s %11s   %s\n", label(pt), "0",
					   "(no change between the dates)");
			continue;
		}
		snprintf(iv, sizeof iv, "[%+.0f to %+.0f]", pt->p05, pt->p95);
		if (isfinite(s))
			snprintf(sh, sizeof sh, "%.0f%%", fabs(s) < 0.005 ? 0.0 : 100 * s);
		else
			snprintf(sh, sizeof sh, "-");
		stroom_sbuf_printf(&b, "%-24s %+11.0f   %-22s %6s\n", label(pt), pt->mean, iv, sh);
	}
	stroom_sbuf_printf(&b, "%-24s %+11.0f   [%+.0f to %+.0f]\n", "total", r->total.mean,
			   r->total.p05, r->total.p95);
	if (!isfinite(share(r, r->total.mean)))
		stroom_sbuf_printf(&b, "(no shares: the parts largely cancel, the total is under a "
				       "quarter of their sizes)\n");
	stroom_sbuf_printf(&b, "\nEach figure is the mean over the replicates: the means add up to the "
			       "total, and\neach replicate's parts add up to its own change exactly. The "
			       "interval is the\n5%% and 95%% of the replicates' values, over the "
			       "parameter draws\n(%s) and chance.\n",
			   posterior ? "the posterior rows and priors" : "the priors");
	stroom_sbuf_printf(&b, "Factors (each held at its %s setting in the counterfactuals):\n", f);
	for (i = 0; i < r->nparts; i++)
		if (r->part[i].kind == STROOM_EXPLAIN_FACTOR)
			stroom_sbuf_printf(&b, "  %-24s %s\n", r->part[i].name, r->part[i].keys);
	if (r->method == STROOM_EXPLAIN_SHAPLEY)
		stroom_sbuf_printf(&b, "Split: Shapley values over the %d factor%s that change%s (%ld "
				       "expected-value runs);\n", r->nplayers, r->nplayers == 1 ? "" : "s",
				   r->nplayers == 1 ? "s" : "", r->ev_runs);
	else
		stroom_sbuf_printf(&b, "Split: sequential, the factors added in the order above (%ld "
				       "expected-value runs);\n", r->ev_runs);
	stroom_sbuf_printf(&b, "composition: every factor held (ageing, spells lengthening, drift, "
			       "returns,\nthe inflow against the exits of the %s stock); chance: the "
			       "microsimulation's\nreplicate less the expected value of its draw "
			       "(docs/explain.md).\n", f);
	return b.len;
}

static void csv_stats(stroom_sbuf *b, const char *name, const stroom_explain_part *pt, double s)
{
	stroom_sbuf_printf(b, "%s,mean,%.10g\n%s,p05,%.10g\n%s,p50,%.10g\n%s,p95,%.10g\n", name, pt->mean,
			   name, pt->p05, name, pt->p50, name, pt->p95);
	if (isfinite(s))
		stroom_sbuf_printf(b, "%s,share,%.10g\n", name, s);
	else
		stroom_sbuf_printf(b, "%s,share,\n", name);
}

/* explain.csv: part,statistic,value (households; share: of the total mean). */
static size_t csv_text(const stroom_explain_result *r, char *buf, size_t size)
{
	stroom_sbuf b = {buf, size, 0};
	int i;
	stroom_sbuf_printf(&b, "part,statistic,value\n");
	stroom_sbuf_printf(&b, "caseload_from,mean,%.10g\ncaseload_to,mean,%.10g\n", r->caseload_from,
			   r->caseload_to);
	for (i = 0; i < r->nparts; i++)
		csv_stats(&b, r->part[i].name, &r->part[i], share(r, r->part[i].mean));
	csv_stats(&b, "total", &r->total, share(r, r->total.mean));
	return b.len;
}

/* replicates.csv: replicate,part,households (every replicate's parts and total). */
static size_t replicates_text(const stroom_explain_result *r, char *buf, size_t size)
{
	stroom_sbuf b = {buf, size, 0};
	int k, i;
	stroom_sbuf_printf(&b, "replicate,part,households\n");
	for (k = 0; k < r->replicates; k++) {
		for (i = 0; i < r->nparts; i++)
			stroom_sbuf_printf(&b, "%d,%s,%.10g\n", k, r->part[i].name,
					   r->value[(size_t)k * (size_t)r->nparts + (size_t)i]);
		stroom_sbuf_printf(&b, "%d,total,%.10g\n", k, r->total_r[k]);
	}
	return b.len;
}

/* A number of --json and manifest.json: 10 significant digits (the parts add up
 * to the total to rounding), null when not finite. */
static void json_num(stroom_sbuf *b, double x)
{
	if (isfinite(x))
		stroom_sbuf_printf(b, "%.10g", x == 0 ? 0.0 : x);
	else
		stroom_sbuf_printf(b, "null");
}

static void json_part(stroom_sbuf *b, const stroom_explain_result *r, const stroom_explain_part *pt)
{
	static const char *const kinds[] = {"factor", "composition", "chance"};
	stroom_sbuf_printf(b, "{\"name\": ");
	stroom_json_string(b, pt->name);
	if (pt != &r->total) {
		stroom_sbuf_printf(b, ", \"kind\": \"%s\"", kinds[pt->kind]);
		if (pt->kind == STROOM_EXPLAIN_FACTOR) {
			stroom_sbuf_printf(b, ", \"keys\": ");
			stroom_json_string(b, pt->keys);
			stroom_sbuf_printf(b, ", \"changes\": %s", pt->changes ? "true" : "false");
		}
	}
	stroom_sbuf_printf(b, ", \"mean\": ");
	json_num(b, pt->mean);
	stroom_sbuf_printf(b, ", \"p05\": ");
	json_num(b, pt->p05);
	stroom_sbuf_printf(b, ", \"p50\": ");
	json_num(b, pt->p50);
	stroom_sbuf_printf(b, ", \"p95\": ");
	json_num(b, pt->p95);
	stroom_sbuf_printf(b, ", \"share\": ");
	json_num(b, share(r, pt->mean));
	stroom_sbuf_printf(b, "}");
}

/* The object of --json, also the head of manifest.json (inputs and scenario
 * after it when manifest). */
static size_t json_text(const stroom_explain_result *r, const stroom_params *p,
			const stroom_run_inputs *in, int manifest, char *buf, size_t size)
{
	stroom_sbuf b = {buf, size, 0};
	char f[16], t[16];
	int i;
	stroom_month_format(r->from, f, sizeof f);
	stroom_month_format(r->to, t, sizeof t);
	stroom_sbuf_printf(&b, "{\n  \"stroom_version\": ");
	stroom_json_string(&b, stroom_version());
	stroom_sbuf_printf(&b, ",\n  \"command\": \"explain\",\n  \"scenario\": ");
	stroom_json_string(&b, p->name);
	stroom_sbuf_printf(&b, ",\n  \"from\": \"%s\",\n  \"to\": \"%s\",\n  \"seed\": %llu,\n  "
			       "\"replicates\": %d,\n  \"method\": \"%s\",\n  \"factors_in_split\": %d,\n  "
			       "\"ev_runs\": %ld,\n  \"caseload_from\": ",
			   f, t, (unsigned long long)p->seed, r->replicates, method_name(r->method),
			   r->nplayers, r->ev_runs);
	json_num(&b, r->caseload_from);
	stroom_sbuf_printf(&b, ",\n  \"caseload_to\": ");
	json_num(&b, r->caseload_to);
	stroom_sbuf_printf(&b, ",\n  \"parts\": [");
	for (i = 0; i < r->nparts; i++) {
		stroom_sbuf_printf(&b, "%s\n    ", i ? "," : "");
		json_part(&b, r, &r->part[i]);
	}
	stroom_sbuf_printf(&b, "\n  ],\n  \"total\": ");
	json_part(&b, r, &r->total);
	if (manifest) {
		const stroom_scenario *sc = stroom_run_inputs_scenario(in);
		size_t n = stroom_params_to_json(p, NULL, 0), k;
		char *js = malloc(n + 1);
		stroom_sbuf_printf(&b, ",\n  \"inputs\": [");
		for (k = 0; k < stroom_scenario_input_count(sc); k++) {
			stroom_sbuf_printf(&b, "%s{\"path\": ", k ? ", " : "");
			stroom_json_string(&b, stroom_scenario_input_path(sc, k));
			stroom_sbuf_printf(&b, ", \"sha256\": \"%s\"}", stroom_scenario_input_sha256(sc, k));
		}
		stroom_sbuf_printf(&b, "],\n  \"resolved\": ");
		if (js) {
			stroom_params_to_json(p, js, n + 1);
			stroom_sbuf_printf(&b, "%s", js);
		} else {
			stroom_sbuf_printf(&b, "null");
		}
		free(js);
	}
	stroom_sbuf_printf(&b, "\n}\n");
	return b.len;
}

typedef struct text_file {
	char *text;
	size_t len;
} text_file;

/* --order a,b,c into names (at most max), pointing into s (modified). */
static int split_order(char *s, const char **names, int max)
{
	int n = 0;
	char *tok = s;
	for (;;) {
		char *comma = strchr(tok, ',');
		if (comma)
			*comma = '\0';
		if (!*tok || n == max)
			return -1;
		names[n++] = tok;
		if (!comma)
			return n;
		tok = comma + 1;
	}
}

int stroom_cli_explain(int argc, char **argv)
{
	const char *scen = NULL, *out = NULL, *order[STROOM_EXPLAIN_MAX_PARTS];
	char order_buf[512];
	int json = 0, i, err, code = EXIT_OK, k;
	stroom_explain_options o = STROOM_EXPLAIN_OPTIONS_INIT;
	stroom_check_options co = STROOM_CHECK_OPTIONS_INIT;
	stroom_run_inputs *in = NULL;
	stroom_explain_result *r = NULL;
	const stroom_params *p;
	text_file files[4] = {{NULL, 0}, {NULL, 0}, {NULL, 0}, {NULL, 0}};
	long v;
	for (i = 0; i < argc; i++) {
		const char *a = argv[i], *val = i + 1 < argc ? argv[i + 1] : NULL;
		if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
			fputs(help, stdout);
			return EXIT_OK;
		}
		if (!strcmp(a, "--json")) {
			json = 1;
			continue;
		}
		if (!strcmp(a, "--each-team")) {
			o.each_team = 1;
			continue;
		}
		if (a[0] != '-') {
			if (stroom_cli_one_scenario("explain", a, &scen))
				return EXIT_BADINPUT;
			continue;
		}
		if (strcmp(a, "--from") && strcmp(a, "--to") && strcmp(a, "--method") &&
		    strcmp(a, "--order") && strcmp(a, "--replicates") && strcmp(a, "--threads") &&
		    strcmp(a, "--seed") && strcmp(a, "--out"))
			return stroom_cli_unknown_option("explain", a);
		if (!val) {
			fprintf(stderr, "stroom: %s: option needs a value\n", a);
			return EXIT_BADINPUT;
		}
		i++;
		if (!strcmp(a, "--from") || !strcmp(a, "--to")) {
			stroom_month m;
			if (stroom_month_parse(&m, val) != 0)
				return stroom_cli_bad(a, "a month YYYY-MM", val);
			if (a[2] == 'f')
				o.from = m;
			else
				o.to = m;
		} else if (!strcmp(a, "--method")) {
			if (!strcmp(val, "shapley"))
				o.method = STROOM_EXPLAIN_SHAPLEY;
			else if (!strcmp(val, "sequential"))
				o.method = STROOM_EXPLAIN_SEQUENTIAL;
			else
				return stroom_cli_bad(a, "shapley or sequential", val);
		} else if (!strcmp(a, "--order")) {
			snprintf(order_buf, sizeof order_buf, "%s", val);
			if (strlen(val) >= sizeof order_buf ||
			    (k = split_order(order_buf, order, STROOM_EXPLAIN_MAX_PARTS)) < 0)
				return stroom_cli_bad(a, "factor names separated by commas", val);
			o.order = order;
			o.norder = k;
		} else if (!strcmp(a, "--replicates") || !strcmp(a, "--threads")) {
			if (stroom_cli_whole(a, val, 1, 100000, &v))
				return EXIT_BADINPUT;
			if (a[2] == 'r') {
				o.replicates = (int)v;
				co.replicates = (int)v;
			} else {
				o.threads = (int)v;
			}
		} else if (!strcmp(a, "--seed")) {
			char *end;
			unsigned long long s;
			errno = 0;
			s = strtoull(val, &end, 10);
			if (!*val || *val == '-' || *end || errno)
				return stroom_cli_bad(a, "a whole number", val);
			co.seed = s;
			co.have_seed = 1;
		} else {
			if (!val[0])
				return stroom_cli_bad(a, "a directory", val);
			out = val;
		}
	}
	if (!scen) {
		fprintf(stderr, "stroom: explain takes a scenario (see 'stroom explain --help')\n");
		return EXIT_BADINPUT;
	}
	if (out && (err = stroom_output_check_dir(out)) != 0)
		return stroom_cli_fail(err);
	if ((err = stroom_check_run(&in, scen, &co)) != 0)
		return stroom_cli_fail(err);
	p = stroom_run_inputs_params(in);
	if (!stroom_run_inputs_population(in)) {
		fprintf(stderr, "stroom: %s: explain takes one-municipality scenarios (this one has "
				"municipalities.csv)\n", stroom_cli_printable(scen).s);
		code = EXIT_BADINPUT;
		goto cleanup;
	}
	o.rules = stroom_run_inputs_rules(in);
	o.posterior = stroom_run_inputs_posterior(in);
	o.progress = stroom_cli_stop_requested;
	stroom_cli_catch_signals();
	err = stroom_explain_run(&r, p, stroom_run_inputs_population(in), &o);
	if (err == STROOM_EINTR || stroom_cli_interrupted()) {
		code = interrupted();
		goto cleanup;
	}
	if (err) {
		code = stroom_cli_fail(err);
		goto cleanup;
	}
	{
		size_t n[4];
		int posterior = o.posterior != NULL;
		n[0] = csv_text(r, NULL, 0);
		n[1] = replicates_text(r, NULL, 0);
		n[2] = summary_text(r, p, posterior, NULL, 0);
		n[3] = json_text(r, p, in, 1, NULL, 0);
		for (k = 0; k < 4; k++) {
			files[k].text = malloc(n[k] + 1);
			files[k].len = n[k];
			if (!files[k].text) {
				fprintf(stderr, "stroom: out of memory\n");
				code = EXIT_FAILED;
				goto cleanup;
			}
		}
		csv_text(r, files[0].text, n[0] + 1);
		replicates_text(r, files[1].text, n[1] + 1);
		summary_text(r, p, posterior, files[2].text, n[2] + 1);
		json_text(r, p, in, 1, files[3].text, n[3] + 1);
	}
	if (out) {
		static const char *const fn[4] = {"explain.csv", "replicates.csv", "summary.txt",
						  "manifest.json"};
		stroom_dir_file df[4];
		for (k = 0; k < 4; k++) {
			memset(&df[k], 0, sizeof df[k]);
			df[k].name = fn[k];
			df[k].text = files[k].text;
			df[k].len = files[k].len;
		}
		err = stroom_write_dir(out, "this explanation was written", df, 4,
				       stroom_cli_write_cancelled, NULL);
		if (err == STROOM_EINTR) {
			code = interrupted();
			goto cleanup;
		}
		if (err) {
			code = stroom_cli_fail(err);
			goto cleanup;
		}
	}
	if (json) {
		size_t n = json_text(r, p, in, 0, NULL, 0);
		char *js = malloc(n + 1);
		if (!js) {
			fprintf(stderr, "stroom: out of memory\n");
			code = EXIT_FAILED;
			goto cleanup;
		}
		json_text(r, p, in, 0, js, n + 1);
		fputs(js, stdout);
		free(js);
	} else {
		fputs(files[2].text, stdout);
		if (out)
			printf("\nExplain directory: %s\n", out);
	}
cleanup:
	for (k = 0; k < 4; k++)
		free(files[k].text);
	stroom_explain_free(r);
	stroom_run_inputs_free(in);
	return code;
}
