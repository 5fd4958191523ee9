/*
 * cli_calibrate.c: `stroom calibrate SCENARIO --observed FILE [--param KEY ...]
 * [--out DIR] [--chains N] [--iterations N] [--seed N] [--threads N] [--quiet]`.
 *
 * Everything is loaded and checked before any work (the scenario and what its
 * run reads, the observed series, the parameters, the rows, the units, --out):
 * bad input is one line and exit 2. Then the fit (a progress bar on a terminal),
 * one warning line per row not fitted, the output directory written all or
 * nothing, and a summary. The chains stop once converged (checked every 250
 * kept iterations; --iterations is the cap). A fit whose chains did not converge
 * by the cap is still written
 * (posterior.csv says `# converged: no`) and exits 1 with one line naming the
 * worst parameter. SIGINT, SIGTERM and SIGHUP stop it and leave nothing (128 + N).
 */
#include "cli.h"
#include "cli_archive.h"
#include "cli_fit.h"

#include <stroom/calibrate.h>
#include <stroom/check.h>
#include <stroom/observed.h>
#include <stroom/output.h>

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

typedef struct progress_state {
	int tty, shown;
	double t0;
} progress_state;

static int progress(int done, int total, void *payload)
{
	progress_state *ps = payload;
	double el = stroom_cli_now() - ps->t0;
	if (stroom_cli_interrupted())
		return 1;
	if (!ps->tty || el < 1.0)
		return 0;
	{
		int width = 30, fill = total ? (int)((long long)done * width / total) : width, i;
		double rate = el > 0 ? done / el : 0, left = rate > 0 ? (total - done) / rate : 0;
		fprintf(stderr, "\r[");
		for (i = 0; i < width; i++)
			fputc(i < fill ? '#' : '.', stderr);
		fprintf(stderr, "] %d/%d iterations, %.0fs left ", done, total, left);
		ps->shown = 1;
	}
	return 0;
}

static const char usage[] =
	"usage: stroom calibrate SCENARIO --observed FILE [--param KEY ...] [--out DIR]\n"
	"                        [--chains N] [--iterations N] [--seed N] [--threads N] [--quiet]\n"
	"  fits the scenario's uncertain parameters (every prior, or the keys given with\n"
	"  --param: a key or a prefix such as hazard.work.distance) to the observed series\n"
	"  (docs/observed.md) and writes posterior.csv, fit.txt, fit.csv and manifest.json\n"
	"  into DIR (default runs/<UTC time>-<scenario>-calibrate; it must not exist).\n"
	"  --chains N (4); --iterations N: at most N kept per chain (40000) after a warm-up\n"
	"  of a quarter as many, at most 500; the chains stop at the first check (every 250\n"
	"  kept iterations) where every R-hat is below 1.01 and every bulk ESS at least 400;\n"
	"  --seed N (0), --threads N (one per CPU; the draws do not depend on it).\n"
	"  --archive PATH, --no-archive: where the fit is recorded, or not (docs/archive.md).\n"
	"  Exit 0 converged, 1 not converged (still written) or failed, 2 bad input.\n";

int stroom_cli_calibrate(int argc, char **argv)
{
	const char *scen = NULL, *obs_path, *out;
	stroom_cli_fit_args f = {NULL, NULL, {NULL}, 0};
	int i, err, code = EXIT_OK, quiet = 0;
	stroom_calibrate_options o = STROOM_CALIBRATE_OPTIONS_INIT;
	stroom_cli_fit_inputs fi;
	stroom_calibration *c = NULL;
	const stroom_params *p;
	progress_state ps;
	char final[4096], dir[4096];
	size_t k;
	double t0;
	stroom_cli_archive arch;

	stroom_cli_archive_init(&arch, "calibrate", argc, argv);
	for (i = 0; i < argc; i++) {
		const char *a = argv[i];
		int ao = stroom_cli_archive_option(argc, argv, &i, &arch);
		if (ao < 0)
			return EXIT_BADINPUT;
		if (ao > 0)
			continue;
		if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
			fputs(usage, stdout);
			return EXIT_OK;
		}
		if (!strcmp(a, "--quiet")) {
			quiet = 1;
			continue;
		}
		if (a[0] == '-' && a[1]) {
			int r = stroom_cli_fit_option("calibrate", argc, argv, &i, &f, &o);
			if (r < 0)
				return EXIT_BADINPUT;
			if (!r)
				return stroom_cli_unknown_option("calibrate", a);
		} else if (stroom_cli_one_scenario("calibrate", a, &scen)) {
			return EXIT_BADINPUT;
		}
	}
	if (!scen) {
		fprintf(stderr, "stroom: calibrate needs a scenario (see 'stroom calibrate --help')\n");
		return EXIT_BADINPUT;
	}
	obs_path = f.observed;
	out = f.out;
	if (!obs_path) {
		fprintf(stderr, "stroom: calibrate needs --observed FILE (docs/observed.md)\n");
		return EXIT_BADINPUT;
	}
	o.keys = f.keys;
	o.n_keys = f.n_keys;

	/* everything loaded and checked before any work */
	if ((code = stroom_cli_fit_load("calibrate", scen, &f, &o, &fi)) != 0)
		goto cleanup;
	p = fi.p;
	if (out && *out)
		snprintf(final, sizeof final, "%s", out);
	else
		stroom_calibrate_default_dir(p->name, final, sizeof final);
	if ((err = stroom_output_check_dir(final)) != 0) {
		code = stroom_cli_fail(err);
		goto cleanup;
	}
	if ((err = stroom_calibrate_check(p, stroom_run_inputs_population(fi.in), fi.rows, fi.n_rows, &o)) !=
	    0) {
		fprintf(stderr, "stroom: %s: %s\n", stroom_cli_printable(obs_path).s, stroom_error_last());
		code = stroom_cli_exit_for(err);
		goto cleanup;
	}
	if ((code = stroom_cli_archive_open(&arch)) != 0)
		goto cleanup;

	stroom_cli_catch_signals();
	ps.tty = !quiet && isatty(2);
	ps.shown = 0;
	ps.t0 = t0 = stroom_cli_now();
	o.progress = progress;
	o.payload = &ps;
	err = stroom_calibrate_run(&c, p, stroom_run_inputs_population(fi.in), fi.rows, fi.n_rows, &o);
	if (ps.shown)
		fprintf(stderr, "\r%*s\r", 79, "");
	if ((code = stroom_cli_fit_outcome(err, 1)) != 0)
		goto cleanup;
	for (k = 0; k < stroom_calibration_skipped_count(c); k++)
		fprintf(stderr, "stroom: warning: not fitted: %s: %s\n", stroom_cli_printable(obs_path).s,
			stroom_calibration_skipped(c, k));
	{
		stroom_calibrate_write w;
		memset(&w, 0, sizeof w);
		w.scenario = stroom_run_inputs_scenario(fi.in);
		w.observed_path = obs_path;
		w.seconds = stroom_cli_now() - t0;
		w.cancelled = stroom_cli_write_cancelled;
		err = stroom_calibration_write_dir(c, &w, final, dir, sizeof dir);
		if ((code = stroom_cli_fit_outcome(err, 0)) != 0)
			goto cleanup;
	}
	if (!quiet) {
		int j, np = stroom_calibration_param_count(c);
		printf("%-36s %12s %12s %12s %12s %8s %7s\n", "parameter", "mean", "sd", "5%", "95%", "R-hat",
		       "ESS");
		for (j = 0; j < np; j++) {
			double mean, sd, rhat, ess, q05, q95;
			stroom_calibration_param_summary(c, j, &mean, &sd, &rhat, &ess);
			stroom_calibration_param_interval(c, j, &q05, &q95);
			printf("%-36s %12.6g %12.4g %12.6g %12.6g %8.4f %7.0f\n",
			       stroom_calibration_param_name(c, j), mean, sd, q05, q95, rhat, ess);
		}
		printf("\nRows fitted: %zu, not fitted: %zu; converged: %s; %.1f s\n",
		       stroom_calibration_fitted_count(c), stroom_calibration_skipped_count(c),
		       stroom_calibration_converged(c) ? "yes" : "no", stroom_cli_now() - t0);
		printf("Calibration directory: %s\n", dir);
	} else {
		printf("%s\n", dir);
	}
	stroom_cli_archive_dir(&arch, STROOM_ARCHIVE_CALIBRATE, p->name, dir, !quiet);
	if (!stroom_calibration_converged(c)) {
		double rhat, ess;
		const char *worst = stroom_calibration_worst(c, &rhat, &ess);
		fprintf(stderr, "stroom: not converged: %s has R-hat %.4f and bulk ESS %.0f; the fit is "
			"written but not to be trusted: run longer (--iterations)\n", worst, rhat, ess);
		code = EXIT_FAILED;
	}

cleanup:
	stroom_cli_archive_close(&arch);
	stroom_calibration_free(c);
	stroom_cli_fit_inputs_free(&fi);
	return code;
}
