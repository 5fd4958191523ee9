/*
 * cli_main.c: the `stroom` command. Parses arguments, calls the library, prints.
 * Exit codes: 0 ok, 1 the run failed, 2 bad input (arguments, scenario, CSV),
 * 128 + N when signal N (SIGINT, SIGTERM, SIGHUP) stopped it.
 * The only process-wide state is the signal flag: from the moment run, compare or
 * population starts work, SIGINT, SIGTERM and SIGHUP only set it; the simulation's
 * progress callback and the writers' cancel hook read it, so a stopped command
 * writes nothing (docs/architecture.md, "Signals and outputs").
 */
#include "cli.h"
#include "cli_archive.h"

#include <stroom/check.h>
#include <stroom/national.h>
#include <stroom/output.h>
#include <stroom/population.h>
#include <stroom/scenario.h>
#include <stroom/sim.h>
#include <stroom/xlsx.h>

#include <errno.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

/* Replicates of the second run at the priors' central values (the interval split). */
#define CENTRAL_REPLICATES 200



/*
 * The writers' cancel hook: has a signal asked to stop? Test hook: just before the
 * rename (step NULL), STROOM_TEST_PAUSE_BEFORE_RENAME=SECONDS makes it wait that
 * long (or until a signal), after saying so on stderr, so tests/cli_signals.sh can
 * signal the write phase at a known moment.
 */
static int write_cancelled(const char *step, void *payload)
{
	const char *pause = getenv("STROOM_TEST_PAUSE_BEFORE_RENAME");
	double secs = pause ? strtod(pause, NULL) : 0.0;
	(void)payload;
	if (!step && secs > 0 && !stroom_cli_interrupted()) {
		double until = stroom_cli_now() + secs;
		fprintf(stderr, "stroom: test: pausing %gs before the rename\n", secs);
		while (!stroom_cli_interrupted() && stroom_cli_now() < until) { /* slices: a signal ends it at once */
			struct timespec ts = {0, 20 * 1000 * 1000};
			nanosleep(&ts, NULL);
		}
	}
	return stroom_cli_interrupted() != 0;
}

/* Longer than the 4,095 bytes ISO C requires a compiler to take in one string
 * literal; GCC and Clang take any length. */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Woverlength-strings"
static const char usage[] =
	"usage: stroom <command> [options]\n"
	"\n"
	"commands:\n"
	"  run [SCENARIO|FILE]   simulate (default: the builtin 'rotterdam') and write a run directory\n"
	"      --replicates N    number of replicates (default: the scenario's, 200)\n"
	"      --threads N       worker threads (default: one per CPU); results do not depend on it\n"
	"      --seed N          random seed (default: the scenario's)\n"
	"      --out DIR         run directory, which must not exist; missing parents are\n"
	"                        made (default: runs/<UTC time>-<scenario>)\n"
	"      --xlsx FILE.xlsx  also write the run as an Excel workbook (must not exist;\n"
	"                        docs/xlsx.md)\n"
	"      --quiet           no progress bar and no summary; print only the run directory\n"
	"      --dump-defaults   print the scenario with every value resolved, as YAML, and exit\n"
	"      --fixed-parameters  every prior at its central value (Monte Carlo noise only);\n"
	"                        otherwise a second run at the central values (at most 200\n"
	"                        replicates) splits the interval into its parts from the\n"
	"                        priors and from chance\n"
	"      --mpi             under mpirun: split the replicates (or, for a scenario with\n"
	"                        municipalities.csv, the municipalities) across the ranks;\n"
	"                        rank 0 writes the same run directory as one process would\n"
	"      --archive PATH    record the run in this archive (default: $STROOM_ARCHIVE,\n"
	"                        else $XDG_DATA_HOME/stroom/archive.sqlite; docs/archive.md)\n"
	"      --no-archive      do not record the run (also STROOM_ARCHIVE=off)\n"
	"  compare A B [--replicates N] [--threads N] [--seed N] [--out DIR] [--json]\n"
	"            [--xlsx FILE.xlsx] [--report FILE.html [--lang nl|en]]\n"
	"            [--archive PATH | --no-archive]\n"
	"                        run two scenarios with the same random numbers and print the\n"
	"                        difference B - A per year with intervals; recorded in the\n"
	"                        run archive, with or without --out (docs/compare.md)\n"
	"      A, B              builtin scenarios or YAML files covering the same months;\n"
	"                        both run with A's seed and replicates\n"
	"      --replicates N, --seed N  as for run (default: A's)\n"
	"      --threads N       worker threads (default: one per CPU); results do not depend on it\n"
	"      --out DIR         also write compare.csv, summary.txt and manifest.json to DIR,\n"
	"                        which must not exist\n"
	"      --json            print one JSON object with compare.csv's rows instead of the\n"
	"                        summary\n"
	"      --xlsx FILE.xlsx  also write the comparison as an Excel workbook (must not exist;\n"
	"                        docs/xlsx.md)\n"
	"      --report FILE.html  also write it as one HTML page (must not exist;\n"
	"                        docs/report.md); --lang nl (default) or en\n"
	"      --archive PATH, --no-archive  as for run\n"
	"  report DIR [--lang nl|en] [--out FILE.html] [--xlsx FILE.xlsx]\n"
	"                        a run or compare directory as one HTML page with fan charts,\n"
	"                        in Dutch (default) or English (stroom report --help)\n"
	"  target SCENARIO --households N --date YYYY-MM --probability P --lever KEY\n"
	"                        smallest lever setting reaching P; --households and --date\n"
	"                        default to the scenario's target (target --help)\n"
	"  explain SCENARIO [--from YYYY-MM] [--to YYYY-MM] [--out DIR] [--json]\n"
	"                        why the caseload moved: labour market, shocks, each lever,\n"
	"                        composition and chance (explain --help)\n"
	"  validate FILE [--replicates N] [--seed N] [--fixed-parameters]\n"
	"                        load and check everything `run` with these options reads\n"
	"                        and derives, without running; prints 'ok' or the first error\n"
	"  scenarios             list the builtin scenarios\n"
	"  population [SCENARIO|FILE] --out FILE.csv\n"
	"                        write the scenario's starting population as a household CSV\n"
	"                        (FILE.csv must not exist)\n"
	"  benefit --date YYYY-MM-DD --household single|single_parent|couple --age N [...]\n"
	"                        monthly bijstand of one household (stroom benefit --help)\n"
	"  budget --budget EUR --spending EUR [--year YYYY] [--json] | --table FILE.csv\n"
	"                        BUIG result and safety net for one year, or for many\n"
	"                        municipalities (stroom budget --help)\n"
	"  conditions [SCENARIO] [--json] [--code C]\n"
	"                        the AEF conditions 2.a-3.g with Rotterdam's rating; with a\n"
	"                        scenario, which of them its levers touch\n"
	"  calibrate SCENARIO --observed FILE [--param KEY ...] [--out DIR] [--chains N]\n"
	"            [--iterations N] [--seed N] [--threads N] [--archive PATH | --no-archive]\n"
	"                        fit the scenario's priors to observed series: posterior.csv\n"
	"                        and a fit report (stroom calibrate --help)\n"
	"  backtest SCENARIO --observed FILE --origins YYYY-MM[,...] [--horizons 6,12,24]\n"
	"            [--out DIR] [--chains N] [--iterations N] [--seed N] [--threads N]\n"
	"                        refit before each origin and score the forecasts against the\n"
	"                        record beside no-change and straight-line baselines\n"
	"                        (stroom backtest --help)\n"
	"  import cbs FILE --municipality GMxxxx|NAME --out FILE.csv\n"
	"                        observed series from a CBS StatLine export (stroom import --help)\n"
	"  init NAME --households N [--observed FILE] [--budget EUR] [--out FILE.yaml]\n"
	"                        a starting scenario for a municipality, scaled from 'generic'\n"
	"                        (stroom init --help)\n"
	"  runs list|show ID|diff ID ID|rm ID|export ID DIR [--archive PATH]\n"
	"                        the run archive: earlier runs, compares and calibrations,\n"
	"                        what changed between two, and their files (stroom runs --help)\n"
	"  schema --markdown     print the scenario reference (docs/scenario.md)\n"
	"  schema --keys         every key with its kind and bounds, tab-separated\n"
	"  version               print the version\n"
	"\n"
	"exit codes: 0 ok, 1 the run failed, 2 bad input, 128+N stopped by signal N\n"
	"(Ctrl-C 130, SIGTERM 143, SIGHUP 129: run, compare and population then write\n"
	"nothing; a run directory or population file appears complete or not at all)\n";
#pragma GCC diagnostic pop

/* --xlsx FILE: the workbook of the directory just written (stroom_xlsx_from_dir);
 * on failure the directory stays complete and the exit code is 1. */
static int write_xlsx(const char *dir, const char *xlsx)
{
	int err;
	if (!xlsx)
		return EXIT_OK;
	if ((err = stroom_xlsx_from_dir(dir, xlsx)) != 0) {
		fprintf(stderr, "stroom: %s (the directory '%s' is complete)\n", stroom_error_last(), dir);
		return EXIT_FAILED;
	}
	return EXIT_OK;
}

/* Bad arguments: one line on stderr, exit 2. */
static int bad_arg(const char *what)
{
	fprintf(stderr, "stroom: %s (see 'stroom help')\n", what);
	return EXIT_BADINPUT;
}

/* Parses a whole non-negative integer option value within [lo, hi]. */
static int parse_count(const char *opt, const char *s, unsigned long long lo, unsigned long long hi,
		       unsigned long long *out)
{
	char *end;
	unsigned long long v;
	errno = 0;
	if (!s || !*s || *s == '-') {
		fprintf(stderr, "stroom: %s: expected a whole number, got '%s'\n", opt,
			stroom_cli_printable(s).s);
		return -1;
	}
	v = strtoull(s, &end, 10);
	if (errno || *end || v < lo || v > hi) {
		fprintf(stderr, "stroom: %s: expected a whole number from %llu to %llu, got '%s'\n", opt,
			lo, hi, stroom_cli_printable(s).s);
		return -1;
	}
	*out = v;
	return 0;
}

/* Options shared by run and compare. */
typedef struct run_opts {
	int replicates, threads, have_seed;
	uint64_t seed;
} run_opts;

/*
 * Consumes argv[*i] (and its value) when it is --replicates, --threads or --seed:
 * returns 1, or -1 after printing an error; 0 when it is some other argument.
 */
static int parse_run_option(int argc, char **argv, int *i, run_opts *o)
{
	const char *a = argv[*i];
	unsigned long long v;
	int is_seed = !strcmp(a, "--seed");
	if (strcmp(a, "--replicates") && strcmp(a, "--threads") && !is_seed)
		return 0;
	if (*i + 1 >= argc) {
		fprintf(stderr, "stroom: %s: option needs a value\n", a);
		return -1;
	}
	if (parse_count(a, argv[*i + 1], is_seed ? 0 : 1, is_seed ? UINT64_MAX : 100000, &v))
		return -1;
	++*i;
	if (!strcmp(a, "--replicates"))
		o->replicates = (int)v;
	else if (!strcmp(a, "--threads"))
		o->threads = (int)v;
	else {
		o->seed = v;
		o->have_seed = 1;
	}
	return 1;
}

typedef struct progress_state {
	int tty;
	double t0;
	int shown;
	const char *what; /* "replicates", "municipalities" */
} progress_state;

/* Progress bar on stderr, only on a terminal and after the first second: done of
 * total (ps->what), the rate and the time left. */
static int progress(int done, int total, void *payload)
{
	progress_state *ps = payload;
	double el = stroom_cli_now() - ps->t0;
	if (stroom_cli_interrupted())
		return 1;
	if (!ps->tty || el < 1.0)
		return 0;
	{
		int width = 30, fill = total ? done * width / total : width, i;
		double rate = el > 0 ? done / el : 0, left = rate > 0 ? (total - done) / rate : 0;
		fprintf(stderr, "\r[");
		for (i = 0; i < width; i++)
			fputc(i < fill ? '#' : '.', stderr);
		fprintf(stderr, "] %d/%d %s, %.1f/s, %.0fs left ", done, total, ps->what, rate, left);
		ps->shown = 1;
	}
	return 0;
}

/* The progress bar shows `what` (silent with quiet or when stderr is not a
 * terminal); a signal caught by catch_signals cancels the run at the next call. */
static progress_state progress_start(int quiet, const char *what)
{
	progress_state ps;
	ps.tty = !quiet && isatty(2);
	ps.t0 = stroom_cli_now();
	ps.shown = 0;
	ps.what = what;
	return ps;
}

/* The exit code of a run step: 0, 128 + the signal when interrupted, else the
 * error's (one line printed). Clears the progress bar first. */
static int run_code(int err, const progress_state *ps)
{
	if (ps->shown)
		fprintf(stderr, "\r%*s\r", 79, "");
	if (!err)
		return EXIT_OK;
	if (err == STROOM_EINTR)
		return stroom_cli_interrupted_exit("no run directory written");
	fprintf(stderr, "stroom: %s\n", stroom_error_last());
	return stroom_cli_exit_for(err);
}

/*
 * Runs the simulation for `stroom run`: clears the progress bar afterwards and,
 * on failure, prints one line and returns the exit code (128 + the signal when
 * interrupted);
 * 0 on success.
 */
static int run_sim(stroom_results **out, const stroom_params *p, const stroom_population *pop,
		   const stroom_sim_options *so, const progress_state *ps)
{
	return run_code(stroom_sim_run(out, p, pop, so), ps);
}

/* What rank 0 needs to put a rank's block of replicates into its results. */
typedef struct gather_state {
	stroom_results *into;
	int replicates, ranks;
} gather_state;

static int gather_replicates(int rank, const void *buf, size_t n, void *payload)
{
	gather_state *g = payload;
	stroom_results *got = NULL;
	int first, count, err;
	stroom_cli_mpi_block(g->replicates, g->ranks, rank, &first, &count);
	if (n == 0 && count == 0)
		return EXIT_OK;
	err = stroom_results_unpack(&got, buf, n, NULL);
	if (!err)
		err = stroom_results_copy_replicates(g->into, got, first, count);
	stroom_results_free(got);
	return err ? stroom_cli_fail(err) : EXIT_OK;
}

/*
 * MPI: every rank has computed its block [first, first + count) of *res; rank 0
 * receives the others' blocks into *res. Returns the agreed exit code.
 */
static int gather_results(const stroom_cli_mpi *m, stroom_results *res, int replicates, int first,
			  int count)
{
	gather_state g = {res, replicates, m->size};
	void *buf = NULL;
	size_t n = 0;
	int code;
	if (m->rank != 0 && count > 0) {
		n = stroom_results_pack(res, first, count, NULL, 0);
		buf = malloc(n);
		if (buf)
			stroom_results_pack(res, first, count, buf, n);
		else
			n = 0; /* rank 0 then reports a bad pack */
	}
	code = stroom_cli_mpi_gather(m, buf, n, gather_replicates, &g);
	free(buf);
	return code;
}

/*
 * Runs p's replicates, split across the ranks under MPI: each rank computes a
 * contiguous block with the draws those replicates have in a whole run (so->first_
 * replicate, replicate_count are set here), and rank 0 gathers the blocks into
 * *out. Returns the agreed exit code.
 */
static int run_split(const stroom_cli_mpi *m, stroom_results **out, const stroom_params *p,
		     const stroom_population *pop, stroom_sim_options *so, const progress_state *ps)
{
	int code = EXIT_OK;
	so->first_replicate = 0;
	so->replicate_count = p->replicates;
	if (m->on)
		stroom_cli_mpi_block(p->replicates, m->size, m->rank, &so->first_replicate,
				     &so->replicate_count);
	if (so->replicate_count > 0)
		code = run_sim(out, p, pop, so, ps);
	if ((code = stroom_cli_mpi_agree(m, code)) != EXIT_OK)
		return code;
	return gather_results(m, *out, p->replicates, so->first_replicate, so->replicate_count);
}

static int run_national(const stroom_cli_mpi *m, const stroom_run_inputs *in, const stroom_params *p,
			int threads, int quiet, int fixed, const char *out, const char *xlsx,
			stroom_cli_archive *arch);

static int run_main(int argc, char **argv, const stroom_cli_mpi *m)
{
	const char *scen = "rotterdam", *out = NULL, *xlsx = NULL;
	int quiet = 0, dump = 0, fixed = 0, i, err, code = EXIT_OK, positional = 0;
	run_opts ro = {0, 0, 0, 0};
	stroom_check_options co = STROOM_CHECK_OPTIONS_INIT;
	stroom_run_inputs *in = NULL;
	const stroom_scenario *s = NULL;
	stroom_scenario *ds = NULL;
	const stroom_population *pop = NULL;
	stroom_results *res = NULL;
	stroom_budget_run *br = NULL;
	stroom_results *central = NULL, *priors_only = NULL;
	stroom_params p;
	stroom_sim_options so = STROOM_SIM_OPTIONS_INIT;
	progress_state ps;
	char dir[4096];
	stroom_cli_archive arch;

	stroom_cli_archive_init(&arch, "run", argc, argv);
	for (i = 0; i < argc; i++) {
		const char *a = argv[i];
		int r = parse_run_option(argc, argv, &i, &ro);
		if (r == 0)
			r = stroom_cli_archive_option(argc, argv, &i, &arch);
		if (r < 0)
			return EXIT_BADINPUT;
		if (r > 0)
			continue;
		if (!strcmp(a, "--out")) {
			if (i + 1 >= argc)
				return bad_arg("--out needs a directory");
			out = argv[++i];
		} else if (!strcmp(a, "--xlsx")) {
			if (i + 1 >= argc)
				return bad_arg("--xlsx needs a file name ending in .xlsx");
			xlsx = argv[++i];
		} else if (!strcmp(a, "--quiet")) {
			quiet = 1;
		} else if (!strcmp(a, "--dump-defaults")) {
			dump = 1;
		} else if (!strcmp(a, "--fixed-parameters")) {
			fixed = 1;
		} else if (!strcmp(a, "--mpi")) {
			/* MPI_Init was called by cmd_run */
		} else if (a[0] == '-') {
			fprintf(stderr, "stroom: run: unknown option '%s'\n", stroom_cli_printable(a).s);
			return EXIT_BADINPUT;
		} else if (positional++ == 0) {
			scen = a;
		} else {
			return bad_arg("run takes at most one scenario");
		}
	}

	if (dump) {
		size_t n;
		char *text;
		if ((err = stroom_scenario_load(&ds, scen, NULL)) != 0)
			return stroom_cli_fail(err);
		p = *stroom_scenario_params(ds);
		if (ro.replicates)
			p.replicates = ro.replicates;
		if (ro.have_seed)
			p.seed = ro.seed;
		n = stroom_params_to_yaml(&p, NULL, 0);
		text = malloc(n + 1);
		if (!text) {
			stroom_scenario_free(ds);
			return EXIT_FAILED;
		}
		stroom_params_to_yaml(&p, text, n + 1);
		fputs(text, stdout);
		free(text);
		stroom_scenario_free(ds);
		return EXIT_OK;
	}

	/* everything the run reads, loaded and checked before anything runs (what
	 * `stroom validate` does) */
	co.replicates = ro.replicates;
	co.have_seed = ro.have_seed;
	co.seed = ro.seed;
	co.fixed_parameters = fixed;
	if ((err = stroom_check_run(&in, scen, &co)) != 0)
		code = stroom_cli_fail(err);
	else
		stroom_cli_warn_plausible(in);
	if ((code = stroom_cli_mpi_agree(m, code)) != EXIT_OK)
		goto cleanup;
	/* an existing or unwritable --out is refused before the run, not after it */
	if (m->rank == 0 && (err = stroom_output_check_dir(out)) != 0)
		code = stroom_cli_fail(err);
	else if (m->rank == 0 && xlsx && (err = stroom_xlsx_check_path(xlsx)) != 0)
		code = stroom_cli_fail(err);
	else if (m->rank == 0)
		code = stroom_cli_archive_open(&arch); /* a bad archive too */
	if ((code = stroom_cli_mpi_agree(m, code)) != EXIT_OK)
		goto cleanup;
	s = stroom_run_inputs_scenario(in);
	p = *stroom_run_inputs_params(in);
	pop = stroom_run_inputs_population(in);

	if (p.municipalities_csv[0]) {
		code = run_national(m, in, &p, ro.threads, quiet, fixed, out, xlsx, &arch);
		goto cleanup;
	}

	ps = progress_start(quiet, "replicates");
	so.threads = ro.threads;
	so.rules = stroom_run_inputs_rules(in); /* loaded once, by the check */
	so.fixed_parameters = fixed;
	so.progress = progress;
	so.payload = &ps;
	so.posterior = stroom_run_inputs_posterior(in);
	if ((code = run_split(m, &res, &p, pop, &so, &ps)) != EXIT_OK)
		goto cleanup;
	/* with a posterior: the same replicates with every parameter from its prior,
	 * for how much the data narrowed the interval */
	if (!fixed && so.posterior) {
		stroom_sim_options sp = so;
		sp.posterior = NULL;
		ps.t0 = stroom_cli_now();
		if ((code = run_split(m, &priors_only, &p, pop, &sp, &ps)) != EXIT_OK)
			goto cleanup;
	}
	/* the same run with every prior at its central value: how much of the
	 * interval the priors make (skipped when nothing is drawn); split the same way */
	if (!fixed && (stroom_params_prior_count(&p) > 0 || so.posterior)) {
		/* the Monte Carlo width needs fewer replicates than the forecast: at
		 * most CENTRAL_REPLICATES (the first ones, the same draws as a run
		 * with that many) */
		stroom_params pc = p;
		if (pc.replicates > CENTRAL_REPLICATES)
			pc.replicates = CENTRAL_REPLICATES;
		so.fixed_parameters = 1;
		ps.t0 = stroom_cli_now(); /* the progress bar's rate and time left restart */
		if ((code = run_split(m, &central, &pc, pop, &so, &ps)) != EXIT_OK)
			goto cleanup;
	}
	if (m->rank != 0)
		goto cleanup; /* rank 0 writes */
	if (stroom_run_inputs_budget(in) &&
	    (err = stroom_output_budget_compute(&br, res, &p, stroom_run_inputs_budget(in))) != 0) {
		code = stroom_cli_fail(err);
		goto cleanup;
	}
	{
		stroom_output_extra extra = STROOM_OUTPUT_EXTRA_INIT;
		extra.mpi_ranks = m->on ? m->size : 0;
		extra.cancelled = write_cancelled;
		extra.posterior = so.posterior;
		extra.priors_only = priors_only;
		if ((err = stroom_output_write_run_ext(res, s, &p, br, central, &extra, out, dir,
						       sizeof dir)) != 0) {
			code = run_code(err, &ps);
			goto cleanup;
		}
	}
	code = write_xlsx(dir, xlsx);
	if (!quiet) {
		stroom_output_extra extra = STROOM_OUTPUT_EXTRA_INIT;
		size_t n;
		char *text;
		extra.posterior = so.posterior;
		extra.priors_only = priors_only;
		n = stroom_output_summary_ext(res, &p, br, central, &extra, NULL, 0);
		text = malloc(n + 1);
		if (text) {
			stroom_output_summary_ext(res, &p, br, central, &extra, text, n + 1);
			fputs(text, stdout);
			free(text);
		}
		printf("\nRun directory: %s\n", dir);
		if (xlsx && code == EXIT_OK)
			printf("Workbook: %s\n", xlsx);
	} else {
		printf("%s\n", dir);
	}
	stroom_cli_archive_run(&arch, res, &p, dir, !quiet);

cleanup:
	stroom_cli_archive_close(&arch);
	stroom_results_free(priors_only);
	stroom_results_free(central);
	stroom_output_budget_free(br);
	stroom_results_free(res);
	stroom_run_inputs_free(in);
	return code;
}

/* `stroom run [--mpi]`: MPI_Init only with --mpi, so a plain run never touches MPI. */
static int cmd_run(int argc, char **argv)
{
	stroom_cli_mpi m = {0, 0, 1};
	int i;
	for (i = 0; i < argc; i++)
		if (!strcmp(argv[i], "--mpi")) {
			if (stroom_cli_mpi_init(&m))
				return EXIT_FAILED;
			break;
		}
	stroom_cli_catch_signals();
	return stroom_cli_mpi_finish(&m, run_main(argc, argv, &m));
}

static int gather_national(int rank, const void *buf, size_t n, void *payload)
{
	stroom_national_run *into = payload, *got = NULL;
	int err;
	(void)rank;
	if (n == 0)
		return EXIT_OK; /* a rank without municipalities */
	err = stroom_national_run_unpack(&got, buf, n);
	if (!err)
		err = stroom_national_run_add(into, got);
	stroom_national_run_free(got);
	return err ? stroom_cli_fail(err) : EXIT_OK;
}

/*
 * Runs municipalities [first, first + count) with options no into *run and, under
 * MPI, gathers every rank's block into rank 0's *run. Returns the agreed exit code.
 */
static int national_block(const stroom_cli_mpi *m, const stroom_national *n, const stroom_params *p,
			  int first, int count, const stroom_national_options *no,
			  const progress_state *ps, stroom_national_run **run)
{
	void *buf = NULL;
	size_t len = 0;
	int code = EXIT_OK;
	if (count > 0)
		code = run_code(stroom_national_run_block(run, n, p, first, count, no), ps);
	if ((code = stroom_cli_mpi_agree(m, code)) != EXIT_OK)
		return code;
	if (m->rank != 0 && *run) {
		len = stroom_national_run_pack(*run, NULL, 0);
		buf = malloc(len);
		if (buf)
			stroom_national_run_pack(*run, buf, len);
		else
			len = 1; /* rank 0 then reports a bad pack */
	}
	code = stroom_cli_mpi_gather(m, buf ? buf : "", len, gather_national, *run);
	free(buf);
	return code;
}

/*
 * A national run: each rank (or the one process) runs its block of municipalities,
 * balanced by households, with every replicate; rank 0 adds the blocks up and
 * writes the run directory of the total with municipalities.csv.
 */
static int run_national(const stroom_cli_mpi *m, const stroom_run_inputs *in, const stroom_params *p,
			int threads, int quiet, int fixed, const char *out, const char *xlsx,
			stroom_cli_archive *arch)
{
	const stroom_scenario *s = stroom_run_inputs_scenario(in);
	const stroom_national *n = stroom_run_inputs_national(in);
	stroom_national_run *run = NULL, *priors_only = NULL;
	stroom_national_options no = STROOM_NATIONAL_OPTIONS_INIT;
	progress_state ps;
	stroom_params *tot = NULL;
	char dir[4096], *csv = NULL;
	void *buf = NULL;
	size_t len = 0;
	int code = EXIT_OK, err, first = 0, count, i;

	count = stroom_national_count(n);
	if (m->on)
		stroom_national_split(n, m->size, m->rank, &first, &count);

	ps = progress_start(quiet, "municipalities");
	no.threads = threads;
	no.rules = stroom_run_inputs_rules(in);
	no.fixed_parameters = fixed;
	no.posterior = stroom_run_inputs_posterior(in);
	no.central = !fixed && (stroom_params_prior_count(p) > 0 || no.posterior);
	no.progress = progress;
	no.payload = &ps;
	if ((code = national_block(m, n, p, first, count, &no, &ps, &run)) != EXIT_OK)
		goto cleanup;
	/* with a posterior: the same municipalities with every parameter from its
	 * prior, for how much the data narrowed the interval */
	if (!fixed && no.posterior) {
		stroom_national_options np = no;
		np.posterior = NULL;
		np.central = 0;
		ps.t0 = stroom_cli_now();
		if ((code = national_block(m, n, p, first, count, &np, &ps, &priors_only)) != EXIT_OK)
			goto cleanup;
	}
	if (m->rank != 0)
		goto cleanup;

	/* rank 0: the total, described as the sum of the municipalities */
	tot = malloc(sizeof *tot);
	len = stroom_national_run_csv(run, n, NULL, 0);
	csv = malloc(len + 1);
	if (!tot || !csv) {
		code = EXIT_FAILED;
		fprintf(stderr, "stroom: out of memory\n");
		goto cleanup;
	}
	stroom_national_run_csv(run, n, csv, len + 1);
	*tot = *p;
	tot->population_households = (int)stroom_national_households(n);
	tot->inflow_per_year = 0;
	for (i = 0; i < stroom_national_count(n); i++)
		tot->inflow_per_year += stroom_national_row(n, i)->inflow_per_year;
	{
		stroom_output_extra extra = STROOM_OUTPUT_EXTRA_INIT;
		extra.file_name = "municipalities.csv";
		extra.file_text = csv;
		extra.file_len = len;
		extra.posterior = no.posterior;
		extra.priors_only = priors_only ? stroom_national_run_total(priors_only) : NULL;
		extra.mpi_ranks = m->on ? m->size : 0;
		extra.cancelled = write_cancelled;
		if ((err = stroom_output_write_run_ext(stroom_national_run_total(run), s, tot,
						       stroom_national_run_budget(run),
						       stroom_national_run_central(run), &extra, out, dir,
						       sizeof dir)) != 0) {
			code = run_code(err, &ps);
			goto cleanup;
		}
	}
	code = write_xlsx(dir, xlsx);
	if (!quiet) {
		stroom_output_extra extra = STROOM_OUTPUT_EXTRA_INIT;
		size_t k;
		char *text;
		extra.posterior = no.posterior;
		extra.priors_only = priors_only ? stroom_national_run_total(priors_only) : NULL;
		k = stroom_output_summary_ext(stroom_national_run_total(run), tot,
					      stroom_national_run_budget(run),
					      stroom_national_run_central(run), &extra, NULL, 0);
		text = malloc(k + 1);
		if (text) {
			stroom_output_summary_ext(stroom_national_run_total(run), tot,
						  stroom_national_run_budget(run),
						  stroom_national_run_central(run), &extra, text, k + 1);
			fputs(text, stdout);
			free(text);
		}
		printf("\nMunicipalities: %d, each in %s/municipalities.csv\n", stroom_national_count(n),
		       dir);
		printf("Run directory: %s\n", dir);
		if (xlsx && code == EXIT_OK)
			printf("Workbook: %s\n", xlsx);
	} else {
		printf("%s\n", dir);
	}
	stroom_cli_archive_run(arch, stroom_national_run_total(run), tot, dir, !quiet);

cleanup:
	free(buf);
	free(csv);
	free(tot);
	stroom_national_run_free(priors_only);
	stroom_national_run_free(run);
	return code;
}

/* stroom validate FILE [--replicates N] [--seed N] [--fixed-parameters]: loads and
 * checks everything `stroom run` with the same options reads, and runs nothing. */
static int cmd_validate(int argc, char **argv)
{
	stroom_check_options co = STROOM_CHECK_OPTIONS_INIT;
	stroom_run_inputs *in = NULL;
	run_opts ro = {0, 0, 0, 0};
	const char *scen = NULL;
	int i, err;
	for (i = 0; i < argc; i++) {
		int r = parse_run_option(argc, argv, &i, &ro);
		if (r < 0)
			return EXIT_BADINPUT;
		if (r > 0)
			continue;
		if (!strcmp(argv[i], "--fixed-parameters"))
			co.fixed_parameters = 1;
		else if (argv[i][0] == '-' && argv[i][1])
			return bad_arg("validate: unknown option");
		else if (scen)
			return bad_arg("validate takes one scenario file");
		else
			scen = argv[i];
	}
	if (!scen)
		return bad_arg("validate takes one scenario file");
	co.replicates = ro.replicates;
	co.have_seed = ro.have_seed;
	co.seed = ro.seed;
	if ((err = stroom_check_run(&in, scen, &co)) != 0)
		return stroom_cli_fail(err);
	stroom_cli_warn_plausible(in);
	printf("%s: ok (scenario '%s')\n", scen, stroom_run_inputs_params(in)->name);
	stroom_run_inputs_free(in);
	return EXIT_OK;
}

static int cmd_scenarios(void)
{
	size_t i, n = stroom_scenario_builtin_count();
	for (i = 0; i < n; i++)
		printf("%-18s %s\n", stroom_scenario_builtin_name(i), stroom_scenario_builtin_description(i));
	return EXIT_OK;
}

static int cmd_population(int argc, char **argv)
{
	const char *scen = "rotterdam", *out = NULL;
	stroom_scenario *s = NULL;
	stroom_population *pop = NULL;
	const stroom_params *p;
	int i, err, code = EXIT_OK;
	for (i = 0; i < argc; i++) {
		if (!strcmp(argv[i], "--out") && i + 1 < argc)
			out = argv[++i];
		else if (argv[i][0] != '-')
			scen = argv[i];
		else
			return bad_arg("population: unknown option");
	}
	if (!out)
		return bad_arg("population needs --out FILE.csv");
	/* an existing FILE is refused before any work, and never replaced */
	if (stroom_cli_check_new_file(out) != 0)
		return EXIT_BADINPUT;
	stroom_cli_catch_signals();
	if ((err = stroom_scenario_load(&s, scen, NULL)) != 0)
		return stroom_cli_fail(err);
	p = stroom_scenario_params(s);
	err = p->population_csv[0] ? stroom_population_load_csv(&pop, p->population_csv, p, NULL)
				   : stroom_population_synthesise(&pop, p, NULL, NULL);
	if (!err)
		err = stroom_population_write_csv_ext(pop, out, p, 0, write_cancelled, NULL);
	if (err == STROOM_EINTR) {
		char what[4200];
		snprintf(what, sizeof what, "'%s' not written", out);
		code = stroom_cli_interrupted_exit(what);
	} else if (err) {
		code = stroom_cli_fail(err);
	}
	stroom_population_free(pop);
	stroom_scenario_free(s);
	return code;
}

static int cmd_schema(int argc, char **argv)
{
	size_t n;
	char *text;
	int keys = argc == 1 && !strcmp(argv[0], "--keys");
	if (argc != 1 || (strcmp(argv[0], "--markdown") && !keys))
		return bad_arg("schema takes --markdown or --keys");
	n = keys ? stroom_scenario_schema_keys(NULL, 0) : stroom_scenario_schema_markdown(NULL, 0);
	text = malloc(n + 1);
	if (!text)
		return EXIT_FAILED;
	if (keys)
		stroom_scenario_schema_keys(text, n + 1);
	else
		stroom_scenario_schema_markdown(text, n + 1);
	fputs(text, stdout);
	free(text);
	return EXIT_OK;
}

/* Commands whose own parser has a full --help; the others get their block of usage. */
static const char *const own_help[] = {"target", "explain", "conditions", "budget", "benefit", "calibrate",
				       "backtest", "import", "init", "report", "runs"};

static int has_own_help(const char *cmd)
{
	size_t i;
	for (i = 0; i < sizeof own_help / sizeof *own_help; i++)
		if (!strcmp(own_help[i], cmd))
			return 1;
	return 0;
}

/* Prints the block of usage that documents cmd (its line, the lines indented
 * under it, and the exit codes); returns 0, or -1 when usage has no such command. */
static int command_usage(const char *cmd)
{
	size_t n = strlen(cmd);
	const char *line = usage, *start = NULL, *end = NULL;
	while (*line) {
		const char *next = strchr(line, '\n');
		next = next ? next + 1 : line + strlen(line);
		if (!start && line[0] == ' ' && line[1] == ' ' && !strncmp(line + 2, cmd, n) &&
		    (line[2 + n] == ' ' || line[2 + n] == '\n'))
			start = line;
		else if (start && !end &&
			 (line[0] == '\n' || (line[2] != ' ' && strncmp(line + 2, cmd, n) != 0)))
			end = line;
		line = next;
	}
	if (!start)
		return -1;
	if (!end)
		end = line;
	printf("usage: stroom %.*s\n%s", (int)(end - start - 2), start + 2,
	       strstr(usage, "\nexit codes:") + 1);
	return 0;
}

/* `stroom CMD --help`, `stroom CMD -h` for a command without its own help. */
static int asks_help(int argc, char **argv)
{
	int i;
	for (i = 2; i < argc; i++)
		if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h"))
			return 1;
	return 0;
}

static int dispatch(int argc, char **argv);

/* `stroom help [CMD]`: the usage, or CMD's help (as `stroom CMD --help`). */
static int cmd_help(int argc, char **argv)
{
	if (argc < 1) {
		fputs(usage, stdout);
		return EXIT_OK;
	}
	if (has_own_help(argv[0])) {
		char prog[] = "stroom", help_arg[] = "--help";
		char *sub[] = {prog, argv[0], help_arg, NULL};
		return dispatch(3, sub);
	}
	if (command_usage(argv[0]) < 0) {
		fprintf(stderr, "stroom: help: unknown command '%s' (see 'stroom help')\n",
			stroom_cli_printable(argv[0]).s);
		return EXIT_BADINPUT;
	}
	return EXIT_OK;
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		fputs(usage, stderr);
		return EXIT_BADINPUT;
	}
	return dispatch(argc, argv);
}

static int dispatch(int argc, char **argv)
{
	const char *cmd = argv[1];
	if (!strcmp(cmd, "help"))
		return cmd_help(argc - 2, argv + 2);
	if (!has_own_help(cmd) && asks_help(argc, argv) && command_usage(cmd) == 0)
		return EXIT_OK;
	if (!strcmp(cmd, "run"))
		return cmd_run(argc - 2, argv + 2);
	if (!strcmp(cmd, "validate"))
		return cmd_validate(argc - 2, argv + 2);
	if (!strcmp(cmd, "scenarios"))
		return cmd_scenarios();
	if (!strcmp(cmd, "population"))
		return cmd_population(argc - 2, argv + 2);
	if (!strcmp(cmd, "compare"))
		return stroom_cli_compare(argc - 2, argv + 2);
	if (!strcmp(cmd, "target"))
		return stroom_cli_target(argc - 2, argv + 2);
	if (!strcmp(cmd, "explain"))
		return stroom_cli_explain(argc - 2, argv + 2);
	if (!strcmp(cmd, "conditions"))
		return stroom_cli_conditions(argc - 2, argv + 2);
	if (!strcmp(cmd, "report"))
		return stroom_cli_report(argc - 2, argv + 2);
	if (!strcmp(cmd, "budget"))
		return stroom_cli_budget(argc - 2, argv + 2);
	if (!strcmp(cmd, "benefit"))
		return stroom_cli_benefit(argc - 2, argv + 2);
	if (!strcmp(cmd, "calibrate"))
		return stroom_cli_calibrate(argc - 2, argv + 2);
	if (!strcmp(cmd, "backtest"))
		return stroom_cli_backtest(argc - 2, argv + 2);
	if (!strcmp(cmd, "import"))
		return stroom_cli_import(argc - 2, argv + 2);
	if (!strcmp(cmd, "init"))
		return stroom_cli_init(argc - 2, argv + 2);
	if (!strcmp(cmd, "schema"))
		return cmd_schema(argc - 2, argv + 2);
	if (!strcmp(cmd, "runs"))
		return stroom_cli_runs(argc - 2, argv + 2);
	if (!strcmp(cmd, "version") || !strcmp(cmd, "--version")) {
		printf("stroom %s\n", stroom_version());
		return EXIT_OK;
	}
	if (!strcmp(cmd, "--help") || !strcmp(cmd, "-h")) {
		fputs(usage, stdout);
		return EXIT_OK;
	}
	fprintf(stderr, "stroom: unknown command '%s' (see 'stroom help')\n",
		stroom_cli_printable(cmd).s);
	return EXIT_BADINPUT;
}
