/*
 * cli_backtest.c: `stroom backtest SCENARIO --observed FILE --origins YYYY-MM[,...]
 * [--horizons 6,12,24] [--param KEY ...] [--out DIR] [--chains N] [--iterations N] [--seed N]
 * [--threads N] [--draws N] [--quiet]`.
 *
 * Everything is checked before any work (arguments, the scenario, the observed
 * series, every origin, --out): bad input and refused origins are one line and
 * exit 2. Then one fit per origin, the table on stdout and, with --out, the
 * directory written all or nothing. A fit that did not converge is a warning
 * line (the table still stands; summary.txt records it). SIGINT, SIGTERM and
 * SIGHUP stop it and leave nothing (128 + N).
 */
#include "cli.h"
#include "cli_fit.h"

#include <stroom/backtest.h>
#include <stroom/check.h>
#include <stroom/observed.h>
#include <stroom/output.h>

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static int cancelled(int done, int total, void *payload)
{
	(void)done;
	(void)total;
	(void)payload;
	return stroom_cli_interrupted() != 0;
}

/* "2018-01,2019-01" into months (at most max). */
static int parse_origins(const char *s, stroom_month *out, int *n)
{
	char item[64];
	const char *p = s;
	*n = 0;
	if (!*s)
		return stroom_cli_bad("--origins", "months YYYY-MM separated by commas", s);
	while (*p) {
		const char *e = strchr(p, ',');
		size_t len = e ? (size_t)(e - p) : strlen(p);
		if (len == 0 || len >= sizeof item || *n == STROOM_BACKTEST_MAX_ORIGINS)
			return stroom_cli_bad("--origins", len ? "at most 64 months YYYY-MM separated by commas"
							       : "months YYYY-MM separated by commas", s);
		memcpy(item, p, len);
		item[len] = '\0';
		if (len != 7 || stroom_month_parse(&out[*n], item) != 0)
			return stroom_cli_bad("--origins", "months YYYY-MM separated by commas", item);
		if (*n > 0 && out[*n] <= out[*n - 1])
			return stroom_cli_bad("--origins", "ascending distinct months", item);
		(*n)++;
		p += len + (e ? 1 : 0);
		if (e && !*p)
			return stroom_cli_bad("--origins", "a month after the last comma", s);
	}
	return 0;
}

static int parse_horizons(const char *s, int *out, int *n)
{
	char item[32];
	const char *p = s;
	long v;
	*n = 0;
	if (!*s)
		return stroom_cli_bad("--horizons", "months separated by commas", s);
	while (*p) {
		const char *e = strchr(p, ',');
		size_t len = e ? (size_t)(e - p) : strlen(p);
		if (len == 0 || len >= sizeof item || *n == STROOM_BACKTEST_MAX_HORIZONS)
			return stroom_cli_bad("--horizons", "1 to 8 months separated by commas", s);
		memcpy(item, p, len);
		item[len] = '\0';
		if (stroom_cli_whole("--horizons", item, 1, 120, &v))
			return EXIT_BADINPUT;
		if (*n > 0 && v <= out[*n - 1])
			return stroom_cli_bad("--horizons", "ascending distinct months", item);
		out[(*n)++] = (int)v;
		p += len + (e ? 1 : 0);
		if (e && !*p)
			return stroom_cli_bad("--horizons", "a number after the last comma", s);
	}
	return 0;
}

static const char usage[] =
	"usage: stroom backtest SCENARIO --observed FILE --origins YYYY-MM[,...]\n"
	"                       [--horizons 6,12,24] [--param KEY ...] [--out DIR] [--chains N]\n"
	"                       [--iterations N] [--seed N] [--threads N] [--draws N] [--quiet]\n"
	"  for each origin, fits the scenario's priors to the observed rows dated up to it\n"
	"  (as stroom calibrate) and forecasts the rows dated in the horizon windows after\n"
	"  it (months 1-6, 7-12, 13-24 by default): the median and 90% interval of the\n"
	"  posterior predictive. Prints, per origin and horizon and over all origins, the\n"
	"  mean absolute percentage error (MAPE) of the model and of two baselines (no\n"
	"  change: the last value up to the origin; a straight line fitted to the 24\n"
	"  months up to it) and the share of observations in the model's and the line's\n"
	"  90% intervals. An origin with fewer than 2 observed stocks of one series in\n"
	"  the 24 months up to it, or nothing to score after it, is refused (exit 2).\n"
	"  --out DIR: backtest.csv, summary.txt and manifest.json (DIR must not exist).\n"
	"  --param KEY, --chains N (4), --iterations N (at most, 40000), --seed N (0),\n"
	"  --threads N: as calibrate (the keys fitted, the chains, stopping when converged);\n"
	"  --draws N (400): posterior draws run through the engine per origin.\n"
	"  Exit 0 done (a fit that did not converge is a warning), 1 failed, 2 bad input.\n";

int stroom_cli_backtest(int argc, char **argv)
{
	const char *scen = NULL, *obs_path, *out;
	stroom_cli_fit_args f = {NULL, NULL, {NULL}, 0};
	int i, err, code = EXIT_OK, quiet = 0, k, horizons[STROOM_BACKTEST_MAX_HORIZONS];
	stroom_month origins[STROOM_BACKTEST_MAX_ORIGINS];
	long v;
	stroom_backtest_options o = STROOM_BACKTEST_OPTIONS_INIT;
	stroom_cli_fit_inputs fi;
	stroom_backtest *b = NULL;
	const stroom_params *p;
	char final[4096], dir[4096];
	double t0;

	for (i = 0; i < argc; i++) {
		const char *a = argv[i];
		if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
			fputs(usage, stdout);
			return EXIT_OK;
		}
	}
	for (i = 0; i < argc; i++) {
		const char *a = argv[i];
		int r;
		if (!strcmp(a, "--quiet")) {
			quiet = 1;
			continue;
		}
		if (a[0] == '-' && a[1]) {
			if ((r = stroom_cli_fit_option("backtest", argc, argv, &i, &f, &o.calibrate)) != 0) {
				if (r < 0)
					return EXIT_BADINPUT;
				continue;
			}
			if (strcmp(a, "--origins") && strcmp(a, "--horizons") && strcmp(a, "--draws"))
				return stroom_cli_unknown_option("backtest", a);
			if (i + 1 >= argc) {
				fprintf(stderr, "stroom: backtest: %s needs a value\n", a);
				return EXIT_BADINPUT;
			}
			i++;
			if (!strcmp(a, "--origins")) {
				if (parse_origins(argv[i], origins, &o.n_origins))
					return EXIT_BADINPUT;
				o.origins = origins;
			} else if (!strcmp(a, "--horizons")) {
				if (parse_horizons(argv[i], horizons, &o.n_horizons))
					return EXIT_BADINPUT;
				o.horizons = horizons;
			} else {
				if (stroom_cli_whole(a, argv[i], 20, 100000, &v))
					return EXIT_BADINPUT;
				o.draws = (int)v;
			}
		} else if (stroom_cli_one_scenario("backtest", a, &scen)) {
			return EXIT_BADINPUT;
		}
	}
	if (!scen) {
		fprintf(stderr, "stroom: backtest needs a scenario (see 'stroom backtest --help')\n");
		return EXIT_BADINPUT;
	}
	obs_path = f.observed;
	out = f.out;
	if (!obs_path) {
		fprintf(stderr, "stroom: backtest needs --observed FILE (docs/observed.md)\n");
		return EXIT_BADINPUT;
	}
	o.calibrate.keys = f.keys;
	o.calibrate.n_keys = f.n_keys;
	if (o.n_origins == 0) {
		fprintf(stderr, "stroom: backtest needs --origins YYYY-MM[,...] (the months to forecast from)\n");
		return EXIT_BADINPUT;
	}

	/* everything loaded and checked before any work */
	if ((code = stroom_cli_fit_load("backtest", scen, &f, &o.calibrate, &fi)) != 0)
		goto cleanup;
	p = fi.p;
	if (out) {
		if (!*out) {
			code = stroom_cli_bad("--out", "a directory", out);
			goto cleanup;
		}
		snprintf(final, sizeof final, "%s", out);
		if ((err = stroom_output_check_dir(final)) != 0) {
			fprintf(stderr, "stroom: %s\n", stroom_error_last());
			code = stroom_cli_exit_for(err);
			goto cleanup;
		}
	}
	if ((err = stroom_backtest_check(p, stroom_run_inputs_population(fi.in), fi.rows, fi.n_rows, &o)) != 0) {
		fprintf(stderr, "stroom: %s: %s\n", stroom_cli_printable(obs_path).s, stroom_error_last());
		code = stroom_cli_exit_for(err);
		goto cleanup;
	}

	stroom_cli_catch_signals();
	t0 = stroom_cli_now();
	o.calibrate.progress = cancelled;
	err = stroom_backtest_run(&b, p, stroom_run_inputs_population(fi.in), fi.rows, fi.n_rows, &o);
	if ((code = stroom_cli_fit_outcome(err, 1)) != 0)
		goto cleanup;
	for (k = 0; k < stroom_backtest_origin_count(b); k++) {
		int conv;
		double rh;
		char os[16];
		stroom_backtest_fit_info(b, k, NULL, &conv, &rh);
		stroom_month_format(stroom_backtest_origin(b, k), os, sizeof os);
		if (!conv)
			fprintf(stderr, "stroom: warning: origin %s: the fit did not converge (worst R-hat "
				"%.4f); its forecasts are less sure than they look: run longer "
				"(--iterations)\n", os, rh);
	}
	if (out) {
		stroom_backtest_write w;
		memset(&w, 0, sizeof w);
		w.scenario = stroom_run_inputs_scenario(fi.in);
		w.observed_path = obs_path;
		w.seconds = stroom_cli_now() - t0;
		w.cancelled = stroom_cli_write_cancelled;
		err = stroom_backtest_write_dir(b, &w, final, dir, sizeof dir);
		if ((code = stroom_cli_fit_outcome(err, 0)) != 0)
			goto cleanup;
	}
	if (!quiet) {
		size_t len = stroom_backtest_table(b, NULL, 0);
		char *t = malloc(len + 1);
		if (!t) {
			fprintf(stderr, "stroom: out of memory\n");
			code = EXIT_FAILED;
			goto cleanup;
		}
		stroom_backtest_table(b, t, len + 1);
		fputs(t, stdout);
		free(t);
		printf("\n%zu rows forecast from %d origin%s; %.1f s\n", stroom_backtest_row_count(b),
		       stroom_backtest_origin_count(b), stroom_backtest_origin_count(b) > 1 ? "s" : "",
		       stroom_cli_now() - t0);
		if (out)
			printf("Backtest directory: %s\n", dir);
	} else if (out) {
		printf("%s\n", dir);
	}

cleanup:
	stroom_backtest_free(b);
	stroom_cli_fit_inputs_free(&fi);
	return code;
}
