/*
 * cli_target.c: `stroom target SCENARIO --households N --date YYYY-MM
 * --probability P --lever KEY [--lever KEY ...]`: the smallest setting of each
 * lever with P(caseload <= N on the date) >= P (include/stroom/target.h,
 * docs/compare.md).
 */
#include "cli.h"

#include <stroom/check.h>
#include <stroom/scenario.h>
#include <stroom/target.h>

#include <errno.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char help[] =
	"usage: stroom target SCENARIO [--households N] [--date YYYY-MM] --probability P\n"
	"                     --lever KEY [--lever KEY ...] [--from YYYY-MM] [--draws N]\n"
	"                     [--replicates N | --no-check] [--threads N] [--seed N] [--json]\n"
	"\n"
	"Finds, for each lever alone, the smallest setting from --from on (default: the\n"
	"scenario's start) for which P(caseload <= N on the 1st of --date) >= P, searched\n"
	"with the expected-value engine over --draws parameter draws (default: the\n"
	"scenario's replicates) and checked with a microsimulation run of --replicates\n"
	"(default: the scenario's). --households and --date default to the scenario's\n"
	"target. With two or more levers it also lists the combinations of the first two\n"
	"that reach P. Levers (docs/compare.md):\n";

static int bad(const char *opt, const char *expected, const char *got)
{
	return stroom_cli_bad(opt, expected, got ? got : "");
}

static void print_setting(const stroom_target_lever *lv, double v)
{
	if (!strcmp(lv->unit, "FTE"))
		printf("%.2f FTE", v);
	else if (lv->step >= 1)
		printf("%.0f %s", v, lv->unit);
	else
		printf("%.2f (%s)", v, lv->unit);
}

/* Eurocent as "EUR 1234567.89" (exact: integer arithmetic). */
static void print_eur(int64_t c)
{
	uint64_t u = c < 0 ? (uint64_t)0 - (uint64_t)c : (uint64_t)c;
	printf("%sEUR %llu.%02llu", c < 0 ? "-" : "", (unsigned long long)(u / 100),
	       (unsigned long long)(u % 100));
}

/* The cost line's words after "cost a year: ". */
static void print_cost(const stroom_target_answer *a)
{
	if (a->not_purchase && !a->purchased) {
		printf("no execution cost (not a purchase: a change of circumstances)");
		return;
	}
	print_eur(a->cost_per_year_eurocent);
	printf(" of execution costs against the current setting");
	if (a->not_purchase)
		printf(" (the shock lever adds none: not a purchase)");
}

static void print_answer(const stroom_target_result *r, const stroom_target_answer *a, int i,
			 const stroom_target_options *o)
{
	const stroom_target_lever *lv = &r->lever[i];
	if (!a->reached) {
		printf("  not reachable: no setting within the schema's bounds reaches P %.2f; at the bound ",
		       o->probability);
		print_setting(lv, lv->bound);
		printf(" P = %.3f (short by %.3f), the mean caseload %.0f (%+.0f from %d)\n", a->p_ev,
		       o->probability - a->p_ev, a->caseload_ev, a->caseload_ev - o->households,
		       o->households);
	} else if (a->setting[i] == lv->current) {
		printf("  already met at the current setting: P = %.3f\n", a->p_ev);
	} else {
		printf("  answer: ");
		print_setting(lv, a->setting[i]);
		printf(" (%+g from the current): P = %.3f (standard error over the draws %.3f)",
		       a->setting[i] - lv->current, a->p_ev, a->p_ev_se);
		if (isfinite(a->p_ev_less))
			printf("; one step less: P = %.3f", a->p_ev_less);
		printf("\n");
	}
	printf("  mean caseload on the date: %.0f (expected-value engine)\n", a->caseload_ev);
	if (a->sim_replicates)
		printf("  checked%s by the microsimulation (%d replicates): P = %.3f +- %.3f (Monte Carlo "
		       "standard error), mean caseload %.0f\n",
		       a->reached ? "" : " at the bound", a->sim_replicates, a->p_sim, a->p_sim_se,
		       a->caseload_sim);
	printf("  that is %+.1f exits and %+.1f entries a month against the current setting\n",
	       a->more_exits_per_month, -a->fewer_entries_per_month);
	if (a->reached) {
		printf("  cost a year: ");
		print_cost(a);
		printf("\n");
	}
}

static void json_answer(const stroom_target_result *r, const stroom_target_answer *a)
{
	int j;
	printf("{\"reached\": %s, \"setting\": {", a->reached ? "true" : "false");
	for (j = 0; j < r->nlevers; j++) {
		printf("%s", j ? ", " : "");
		stroom_cli_json_str(r->lever[j].key);
		printf(": %.10g", a->setting[j]);
	}
	printf("}, \"p_ev\": %.6g, \"p_ev_se\": %.6g, ", a->p_ev, a->p_ev_se);
	if (isfinite(a->p_ev_less))
		printf("\"p_ev_one_step_less\": %.6g, ", a->p_ev_less);
	else
		printf("\"p_ev_one_step_less\": null, ");
	printf("\"caseload_ev\": %.6g, \"more_exits_per_month\": %.6g, \"fewer_entries_per_month\": %.6g",
	       a->caseload_ev, a->more_exits_per_month, a->fewer_entries_per_month);
	if (a->sim_replicates)
		printf(", \"check\": {\"replicates\": %d, \"p\": %.6g, \"se\": %.6g, \"caseload\": %.6g}",
		       a->sim_replicates, a->p_sim, a->p_sim_se, a->caseload_sim);
	else
		printf(", \"check\": null");
	if (a->reached && (a->purchased || !a->not_purchase)) {
		int64_t c = a->cost_per_year_eurocent;
		uint64_t u = c < 0 ? (uint64_t)0 - (uint64_t)c : (uint64_t)c;
		printf(", \"cost_per_year_eur\": %s%llu.%02llu", c < 0 ? "-" : "",
		       (unsigned long long)(u / 100), (unsigned long long)(u % 100));
	} else {
		printf(", \"cost_per_year_eur\": null");
	}
	printf(", \"not_purchase\": %s}", a->not_purchase ? "true" : "false");
}

static int parse_int(const char *opt, const char *s, long lo, long hi, long *out)
{
	char *end;
	long v;
	errno = 0;
	if (!s || !*s)
		return bad(opt, "a whole number", s);
	v = strtol(s, &end, 10);
	if (errno || *end || v < lo || v > hi) {
		char what[96];
		snprintf(what, sizeof what, "a whole number from %ld to %ld", lo, hi);
		return bad(opt, what, s);
	}
	*out = v;
	return 0;
}

int stroom_cli_target(int argc, char **argv)
{
	const char *scen = NULL, *levers[STROOM_TARGET_MAX_LEVERS];
	int nlevers = 0, json = 0, i, err, code = EXIT_OK, have_n = 0, have_date = 0, have_p = 0;
	stroom_target_options o = STROOM_TARGET_OPTIONS_INIT;
	stroom_check_options co = STROOM_CHECK_OPTIONS_INIT;
	stroom_run_inputs *in = NULL;
	stroom_target_result *r = NULL;
	const stroom_params *p;
	long v;
	for (i = 0; i < argc; i++) {
		const char *a = argv[i], *val = i + 1 < argc ? argv[i + 1] : NULL;
		if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
			fputs(help, stdout);
			fputs(stroom_target_lever_help(), stdout);
			return EXIT_OK;
		}
		if (!strcmp(a, "--json")) {
			json = 1;
			continue;
		}
		if (!strcmp(a, "--no-check")) {
			o.replicates = -1;
			continue;
		}
		if (a[0] != '-') {
			if (stroom_cli_one_scenario("target", a, &scen))
				return EXIT_BADINPUT;
			continue;
		}
		if (strcmp(a, "--households") && strcmp(a, "--date") && strcmp(a, "--probability") &&
		    strcmp(a, "--lever") && strcmp(a, "--from") && strcmp(a, "--draws") &&
		    strcmp(a, "--replicates") && strcmp(a, "--threads") && strcmp(a, "--seed"))
			return stroom_cli_unknown_option("target", a);
		if (!val) {
			fprintf(stderr, "stroom: %s: option needs a value\n", a);
			return EXIT_BADINPUT;
		}
		i++;
		if (!strcmp(a, "--households")) {
			if (parse_int(a, val, 1, 100000000, &v))
				return EXIT_BADINPUT;
			o.households = (int)v;
			have_n = 1;
		} else if (!strcmp(a, "--date") || !strcmp(a, "--from")) {
			stroom_month m;
			if (stroom_month_parse(&m, val) != 0)
				return bad(a, "a month YYYY-MM", val);
			if (a[2] == 'd') {
				o.date = m;
				have_date = 1;
			} else {
				o.from = m;
			}
		} else if (!strcmp(a, "--probability")) {
			char *end;
			double x;
			errno = 0;
			x = strtod(val, &end);
			if (!*val || *end || errno || !(x > 0 && x < 1))
				return bad(a, "a number between 0 and 1 (exclusive)", val);
			o.probability = x;
			have_p = 1;
		} else if (!strcmp(a, "--lever")) {
			if (nlevers >= STROOM_TARGET_MAX_LEVERS) {
				fprintf(stderr, "stroom: --lever: at most %d levers\n", STROOM_TARGET_MAX_LEVERS);
				return EXIT_BADINPUT;
			}
			levers[nlevers++] = val;
		} else if (!strcmp(a, "--draws")) {
			if (parse_int(a, val, 1, 100000, &v))
				return EXIT_BADINPUT;
			o.draws = (int)v;
		} else if (!strcmp(a, "--replicates")) {
			if (parse_int(a, val, 1, 100000, &v))
				return EXIT_BADINPUT;
			o.replicates = (int)v;
			co.replicates = (int)v;
		} else if (!strcmp(a, "--threads")) {
			if (parse_int(a, val, 1, 100000, &v))
				return EXIT_BADINPUT;
			o.threads = (int)v;
		} else {
			char *end;
			unsigned long long s;
			errno = 0;
			s = strtoull(val, &end, 10);
			if (!*val || *val == '-' || *end || errno)
				return bad(a, "a whole number", val);
			co.seed = s;
			co.have_seed = 1;
		}
	}
	if (!scen) {
		fprintf(stderr, "stroom: target takes a scenario (see 'stroom target --help')\n");
		return EXIT_BADINPUT;
	}
	if (!nlevers) {
		fprintf(stderr, "stroom: target needs --lever KEY (see 'stroom target --help')\n");
		return EXIT_BADINPUT;
	}
	if (!have_p) {
		fprintf(stderr, "stroom: target needs --probability P (see 'stroom target --help')\n");
		return EXIT_BADINPUT;
	}
	if ((err = stroom_check_run(&in, scen, &co)) != 0) {
		fprintf(stderr, "stroom: %s\n", stroom_error_last());
		return err == STROOM_EPARSE || err == STROOM_EINVAL || err == STROOM_ENOTFOUND
			       ? EXIT_BADINPUT
			       : EXIT_FAILED;
	}
	p = stroom_run_inputs_params(in);
	if (!stroom_run_inputs_population(in)) {
		fprintf(stderr, "stroom: %s: target takes one-municipality scenarios (this one has "
				"municipalities.csv)\n", stroom_cli_printable(scen).s);
		code = EXIT_BADINPUT;
		goto cleanup;
	}
	if (!have_n || !have_date) {
		if (!p->target_households) {
			fprintf(stderr, "stroom: target needs --households N and --date YYYY-MM (the "
					"scenario sets no target)\n");
			code = EXIT_BADINPUT;
			goto cleanup;
		}
		if (!have_n)
			o.households = p->target_households;
		if (!have_date)
			o.date = p->target_month;
	}
	o.rules = stroom_run_inputs_rules(in);
	o.posterior = stroom_run_inputs_posterior(in);
	o.progress = stroom_cli_stop_requested;
	r = malloc(sizeof *r);
	if (!r) {
		fprintf(stderr, "stroom: out of memory\n");
		code = EXIT_FAILED;
		goto cleanup;
	}
	stroom_cli_catch_signals();
	err = stroom_target_search(r, p, stroom_run_inputs_population(in), levers, nlevers, &o);
	if (err == STROOM_EINTR || stroom_cli_interrupted()) {
		fprintf(stderr, "stroom: interrupted\n");
		code = 128 + (stroom_cli_interrupted() ? stroom_cli_interrupted() : SIGINT);
		goto cleanup;
	}
	if (err) {
		fprintf(stderr, "stroom: %s\n", stroom_error_last());
		code = err == STROOM_EPARSE || err == STROOM_EINVAL || err == STROOM_ENOTFOUND
			       ? EXIT_BADINPUT
			       : EXIT_FAILED;
		goto cleanup;
	}
	{
		char dm[16], fm[16];
		stroom_month_format(o.date, dm, sizeof dm);
		stroom_month_format(r->lever[0].from, fm, sizeof fm);
		if (json) {
			printf("{\"scenario\": ");
			stroom_cli_json_str(p->name);
			printf(", \"households\": %d, \"date\": \"%s\", \"probability\": %.6g, \"from\": \"%s\", "
			       "\"draws\": %d, \"p_current\": %.6g, \"caseload_current\": %.6g, \"levers\": [",
			       o.households, dm, o.probability, fm, r->draws, r->p_current,
			       r->caseload_current);
			for (i = 0; i < r->nlevers; i++) {
				printf("%s\n  {\"key\": ", i ? "," : "");
				stroom_cli_json_str(r->lever[i].key);
				printf(", \"unit\": ");
				stroom_cli_json_str(r->lever[i].unit);
				printf(", \"current\": %.10g, \"bound\": %.10g, \"step\": %g, \"answer\": ",
				       r->lever[i].current, r->lever[i].bound, r->lever[i].step);
				json_answer(r, &r->alone[i]);
				printf("}");
			}
			printf("\n], \"combinations\": [");
			for (i = 0; i < r->ncombo; i++) {
				printf("%s\n  ", i ? "," : "");
				json_answer(r, &r->combo[i]);
			}
			printf("\n], \"combinations_ranked_by_cost\": %s}\n",
			       r->combo_ranked ? "true" : "false");
			goto cleanup;
		}
		printf("Goal-seek on %s: P(caseload <= %d on %s) >= %.2f, levers changed from %s\n", p->name,
		       o.households, dm, o.probability, fm);
		printf("Searched with the expected-value engine over %d parameter draws\n(%s) with the "
		       "caseload's chance variation (docs/compare.md);\n%s\n",
		       r->draws, o.posterior ? "the scenario's posterior rows and priors" : "the scenario's priors",
		       o.replicates < 0 ? "the answers not checked with the microsimulation (--no-check)."
					: "each answer checked with the microsimulation.");
		printf("Current setting: P = %.3f, mean caseload %.0f\n", r->p_current, r->caseload_current);
		for (i = 0; i < r->nlevers; i++) {
			printf("\n%s: current ", r->lever[i].key);
			print_setting(&r->lever[i], r->lever[i].current);
			printf("\n");
			print_answer(r, &r->alone[i], i, &o);
		}
		if (r->nlevers >= 2) {
			printf("\nCombinations of %s and %s that reach P (the first at 0, 1/4, 1/2, 3/4 of its "
			       "own answer)%s:\n", r->lever[0].key, r->lever[1].key,
			       r->combo_ranked ? ", cheapest first" : "");
			if (!r->ncombo)
				printf("  none: %s alone does not reach P\n", r->lever[0].key);
			for (i = 0; i < r->ncombo; i++) {
				const stroom_target_answer *a = &r->combo[i];
				printf("  %s %g + %s %g: P = %.3f", r->lever[0].key, a->setting[0],
				       r->lever[1].key, a->setting[1], a->p_ev);
				if (a->sim_replicates)
					printf(", checked %.3f +- %.3f", a->p_sim, a->p_sim_se);
				printf("; cost a year: ");
				print_cost(a);
				if (r->combo_ranked &&
				    a->cost_per_year_eurocent == r->combo[0].cost_per_year_eurocent)
					printf("  <- least cost");
				printf("\n");
			}
			if (r->ncombo && !r->combo_ranked)
				printf("  (not ranked by cost: a shock lever is no purchase)\n");
		}
	}
cleanup:
	free(r);
	stroom_run_inputs_free(in);
	return code;
}
