/*
 * cli_budget.c: `stroom budget`, for controllers who bring their own figures:
 * one year's BUIG result with the safety net and the own risk (--budget
 * --spending), or a many-municipality table with seed 003's analysis (--table):
 * results per year, the multi-year counts, and deficit/surplus groups on the
 * volume component with the univariate R-squared. All arithmetic is the
 * library's (stroom/budget.h); this file parses options and prints. Bad input is
 * one line on stderr and exit code 2.
 */
#include "cli.h"

#include <stroom/budget.h>

#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>


/* Seed 003 L561-565: over 2015-2020, 24 municipalities had a deficit above 7.5%
 * and 21 a surplus above 12.5% "vier jaar of meer" (in four or more years). */
#define COUNT_DEFICIT_PCT 7.5
#define COUNT_SURPLUS_PCT 12.5
#define COUNT_YEARS_MIN 4

static const char budget_usage[] =
	"usage: stroom budget --budget EUR --spending EUR [--year YYYY] [options]\n"
	"       stroom budget --table FILE.csv [--years-min N] [options]\n"
	"  --budget EUR        the year's BUIG budget (gebundelde uitkering), e.g. 817350000.00\n"
	"  --spending EUR      benefits and LKS paid in the year\n"
	"  --recoveries EUR    recoveries received (terugvorderingen); lower the net spending\n"
	"  --other-income EUR  other income on the BUIG; lowers the net spending\n"
	"  --year YYYY         the year whose safety-net rules apply (default: the latest rules)\n"
	"  --prior EUR[,EUR]   results of the year before and of the year before that (negative =\n"
	"                      deficit), for the multi-year condition of the safety net\n"
	"  --table FILE.csv    one row per municipality and year: code,name,year,budget_eur,\n"
	"                      spending_eur,households[,inflow_rate,outflow_rate]\n"
	"  --years-min N       count municipalities beyond the thresholds in at least N years\n"
	"                      (default 4, as the national BUIG study: docs/budget.md)\n"
	"  --safety-net FILE   safety-net rules (default: builtin data/budget/safety-net.csv)\n"
	"  --json              one JSON object\n";


/* Signed euro with at most 2 decimals into eurocent; the library checks the range. */
static int parse_eur(const char *opt, const char *s, int64_t *out)
{
	int64_t v = 0;
	int digits = 0, dec = 0, neg = 0;
	const char *p = s;
	if (*p == '-') {
		neg = 1;
		p++;
	}
	for (; *p >= '0' && *p <= '9'; p++) {
		if (++digits > 13)
			return stroom_cli_bad(opt, "an amount in euro up to 10000000000.00", s);
		v = v * 10 + (*p - '0');
	}
	v *= 100;
	if (*p == '.') {
		for (p++; *p >= '0' && *p <= '9'; p++, dec++) {
			if (dec >= 2)
				return stroom_cli_bad(opt,
					   "an amount in euro with at most 2 decimals, like "
					   "817350000.00",
					   s);
			v += (*p - '0') * (dec ? 1 : 10);
		}
		if (!dec)
			digits = 0;
	}
	if (!digits || *p)
		return stroom_cli_bad(opt, "an amount in euro with at most 2 decimals, like 817350000.00", s);
	*out = neg ? -v : v;
	return 0;
}

static int parse_int(const char *opt, const char *s, long lo, long hi, int *out)
{
	char *end, what[64];
	long v;
	errno = 0;
	v = strtol(s, &end, 10);
	if (!*s || *end || errno || v < lo || v > hi || *s == '+' || *s == ' ' || *s == '-') {
		snprintf(what, sizeof what, "a whole number from %ld to %ld", lo, hi);
		return stroom_cli_bad(opt, what, s);
	}
	*out = (int)v;
	return 0;
}

static char *eur(char *buf, size_t size, int64_t cents)
{
	uint64_t u = cents < 0 ? (uint64_t)0 - (uint64_t)cents : (uint64_t)cents;
	snprintf(buf, size, "%s%" PRIu64 ".%02" PRIu64, cents < 0 ? "-" : "", u / 100, u % 100);
	return buf;
}

/* 75000 ppm -> "7.5%" (trailing zeros dropped). */
static char *pct_of_ppm(char *buf, size_t size, int32_t ppm)
{
	size_t n;
	snprintf(buf, size, "%.4f", (double)ppm / 10000.0);
	n = strlen(buf);
	while (n && buf[n - 1] == '0')
		buf[--n] = '\0';
	if (n && buf[n - 1] == '.')
		buf[--n] = '\0';
	snprintf(buf + n, size - n, "%%");
	return buf;
}

/* A number with the given decimals, or null for NAN. */
static void json_num(double v, int decimals)
{
	if (isnan(v))
		printf("null");
	else
		printf("%.*f", decimals, v);
}

/* "50% of the deficit between 7.5% and 12.5%, 100% above 12.5%; ..." */
static void describe_rule(const stroom_safety_net_rule *r, char *buf, size_t size)
{
	char a[16], b[16], s[16];
	size_t n = 0;
	int k;
	if (r->applies == STROOM_SAFETY_NET_NO) {
		snprintf(buf, size, "no safety net");
		return;
	}
	buf[0] = '\0';
	for (k = 0; k < r->nbands && n < size; k++) {
		pct_of_ppm(s, sizeof s, r->share_ppm[k]);
		pct_of_ppm(a, sizeof a, r->threshold_ppm[k]);
		if (k + 1 < r->nbands)
			n += (size_t)snprintf(buf + n, size - n,
					      "%s%s of the deficit between %s and %s",
					      k ? ", " : "", s, a,
					      pct_of_ppm(b, sizeof b, r->threshold_ppm[k + 1]));
		else
			n += (size_t)snprintf(buf + n, size - n, "%s%s above %s", k ? ", " : "", s,
					      a);
	}
	if (n < size && r->applies == STROOM_SAFETY_NET_MULTI_YEAR)
		snprintf(buf + n, size - n,
			 "; and the results of the year and the two before, added up, a deficit "
			 "above %s",
			 pct_of_ppm(a, sizeof a, r->threshold_ppm[0]));
}

/* ---- one year ------------------------------------------------------------------- */

static int one_year(const stroom_budget *b, const stroom_budget_input *in, int json)
{
	const stroom_safety_net_rule *rule;
	stroom_budget_result r;
	char v[40], d[256];
	int err;
	if ((err = stroom_budget_rule(b, in->year, &rule)) != 0 ||
	    (err = stroom_budget_compute(in, rule, &r)) != 0)
		return stroom_cli_fail(err);
	if (json) {
		printf("{\n  \"year\": %d,\n  \"budget_eur\": %s,\n", r.year,
		       eur(v, sizeof v, r.budget_eurocent));
		printf("  \"spending_eur\": %s,\n", eur(v, sizeof v, r.spending_eurocent));
		printf("  \"recoveries_eur\": %s,\n", eur(v, sizeof v, in->recoveries_eurocent));
		printf("  \"other_income_eur\": %s,\n",
		       eur(v, sizeof v, in->other_income_eurocent));
		printf("  \"net_spending_eur\": %s,\n", eur(v, sizeof v, r.net_spending_eurocent));
		printf("  \"result_eur\": %s,\n", eur(v, sizeof v, r.result_eurocent));
		printf("  \"result_pct\": %.4f,\n", r.result_pct);
		printf("  \"safety_net_eur\": %s,\n", eur(v, sizeof v, r.safety_net_eurocent));
		printf("  \"own_risk_eur\": %s,\n", eur(v, sizeof v, r.own_risk_eurocent));
		printf("  \"result_after_safety_net_eur\": %s,\n",
		       eur(v, sizeof v, r.result_after_safety_net_eurocent));
		printf("  \"eligible\": %s,\n  \"rule_from_year\": %d,\n  \"rule_article\": ",
		       r.eligible ? "true" : "false", r.rule_from_year);
		stroom_cli_json_str(rule->article);
		printf("\n}\n");
		return EXIT_OK;
	}
	describe_rule(rule, d, sizeof d);
	printf("BUIG result %d\n  safety-net rule of %d: %s\n", r.year, r.rule_from_year, d);
	if (rule->applies == STROOM_SAFETY_NET_MULTI_YEAR && in->nprior < 2)
		printf("  (the multi-year condition counts the years given: %d before this one; "
		       "see --prior)\n",
		       in->nprior);
#define ROW(label, cents)                                                                          \
	do {                                                                                       \
		printf("  %-26s %18s\n", label, eur(v, sizeof v, cents));                          \
	} while (0)
	ROW("budget", r.budget_eurocent);
	ROW("spending", r.spending_eurocent);
	if (in->recoveries_eurocent || in->other_income_eurocent) {
		ROW("recoveries", in->recoveries_eurocent);
		ROW("other income", in->other_income_eurocent);
		ROW("net spending", r.net_spending_eurocent);
	}
	printf("  %-26s %18s  (%+.2f%% of the budget: %s)\n", "result",
	       eur(v, sizeof v, r.result_eurocent), r.result_pct,
	       r.result_eurocent < 0   ? "deficit"
	       : r.result_eurocent > 0 ? "surplus"
				       : "balanced");
	ROW("safety net", r.safety_net_eurocent);
	ROW("own risk", r.own_risk_eurocent);
	ROW("result after safety net", r.result_after_safety_net_eurocent);
#undef ROW
	if (r.deficit_eurocent && !r.eligible) {
		char t[16];
		pct_of_ppm(t, sizeof t, rule->threshold_ppm[0]);
		if (rule->applies == STROOM_SAFETY_NET_NO)
			printf("  (no safety net in %d)\n", r.year);
		else if (r.deficit_eurocent >
			 r.budget_eurocent * rule->threshold_ppm[0] / STROOM_BUDGET_PPM)
			printf("  (no safety net: the results of the year and the two before, "
			       "added up, "
			       "are not a deficit above %s)\n",
			       t);
		else
			printf("  (no safety net: the deficit is not above %s of the budget)\n", t);
	}
	return EXIT_OK;
}

/* ---- many municipalities ------------------------------------------------------- */

static const char *const indicator_names[] = {"inflow_rate", "outflow_rate"};
static const char *const indicator_labels[] = {"Inflow", "Outflow"};

static void print_table_text(const stroom_budget_panel *p, int years_min)
{
	size_t n = stroom_budget_panel_count(p), m;
	int y0 = stroom_budget_panel_first_year(p), y1 = stroom_budget_panel_last_year(p), y;
	int nyears = y1 - y0 + 1, ind;
	char v[40], w[40];
	size_t nd = 0, ns = 0;

	printf("Result per municipality and year (%% of the budget; + surplus, - deficit)\n");
	printf("  %-8s %-22s", "code", "name");
	for (y = y0; y <= y1; y++)
		printf(" %7d", y);
	printf(" %8s\n", "average");
	for (m = 0; m < n; m++) {
		printf("  %-8s %-22s", stroom_budget_panel_code(p, m),
		       stroom_budget_panel_name(p, m));
		for (y = y0; y <= y1; y++) {
			const stroom_budget_panel_row *r = stroom_budget_panel_get(p, m, y);
			if (r)
				printf(" %+7.2f", r->result.result_pct);
			else
				printf(" %7s", "-");
		}
		printf(" %+8.2f\n", stroom_budget_panel_average_pct(p, m));
	}

	printf("\nSafety net and own risk per municipality (EUR, all years)\n");
	printf("  %-8s %-22s %16s %16s %11s\n", "code", "name", "safety net", "own risk",
	       "years paid");
	for (m = 0; m < n; m++) {
		int64_t sn = 0, own = 0;
		int k = 0;
		for (y = y0; y <= y1; y++) {
			const stroom_budget_panel_row *r = stroom_budget_panel_get(p, m, y);
			if (r) {
				sn += r->result.safety_net_eurocent;
				own += r->result.own_risk_eurocent;
				k += r->result.safety_net_eurocent > 0;
			}
		}
		printf("  %-8s %-22s %16s %16s %11d\n", stroom_budget_panel_code(p, m),
		       stroom_budget_panel_name(p, m), eur(v, sizeof v, sn), eur(w, sizeof w, own),
		       k);
	}

	printf("\nMunicipalities beyond the thresholds in at least %d of the years %d-%d "
	       "(as the national BUIG study, AEF 2023: docs/budget.md)\n",
	       years_min, y0, y1);
	for (ind = 0; ind < 2; ind++) {
		size_t *cnt = ind ? &ns : &nd;
		int first = 1;
		printf("  %s above %.1f%%: ", ind ? "surplus" : "deficit",
		       ind ? COUNT_SURPLUS_PCT : COUNT_DEFICIT_PCT);
		for (m = 0; m < n; m++) {
			int dy, sy;
			stroom_budget_panel_years_beyond(p, m, COUNT_DEFICIT_PCT, COUNT_SURPLUS_PCT,
							 &dy, &sy);
			if ((ind ? sy : dy) >= years_min)
				(*cnt)++;
		}
		printf("%zu", *cnt);
		for (m = 0; m < n; m++) {
			int dy, sy;
			stroom_budget_panel_years_beyond(p, m, COUNT_DEFICIT_PCT, COUNT_SURPLUS_PCT,
							 &dy, &sy);
			if ((ind ? sy : dy) >= years_min) {
				printf("%s%s %s (%d)", first ? " (" : ", ",
				       stroom_budget_panel_code(p, m),
				       stroom_budget_panel_name(p, m), ind ? sy : dy);
				first = 0;
			}
		}
		printf("%s\n", first ? "" : ")");
	}

	if (!stroom_budget_panel_has_rates(p))
		return;
	printf("\nDeficit and surplus groups on the volume component (as tables A-C of the national BUIG study, AEF 2023)\n"
	       "Groups: volume part < 0 (deficit) or >= 0 (surplus), against the table's average "
	       "price in the year;\nR-squared: univariate, volume part (%% of budget) on the rate; "
	       "period: mean of the yearly group\nmeans, R-squared over the municipalities' period "
	       "averages.\n");
	for (ind = 0; ind < 2; ind++) {
		stroom_budget_comparison c[64];
		int k;
		if (nyears > 63)
			nyears = 63;
		for (k = 0; k <= nyears; k++)
			stroom_budget_panel_compare(p, ind, k < nyears ? y0 + k : 0, &c[k]);
		printf("\n%s rate (%% of the caseload)\n  %-18s", indicator_labels[ind], "");
		for (k = 0; k < nyears; k++)
			printf(" %7d", y0 + k);
		printf(" %7s\n", "period");
		printf("  %-18s", "deficit group");
		for (k = 0; k <= nyears; k++)
			if (isnan(c[k].deficit_mean))
				printf(" %7s", "-");
			else
				printf(" %6.1f%%", 100.0 * c[k].deficit_mean);
		printf("\n  %-18s", "surplus group");
		for (k = 0; k <= nyears; k++)
			if (isnan(c[k].surplus_mean))
				printf(" %7s", "-");
			else
				printf(" %6.1f%%", 100.0 * c[k].surplus_mean);
		printf("\n  %-18s", "R-squared");
		for (k = 0; k <= nyears; k++)
			if (isnan(c[k].r2))
				printf(" %7s", "-");
			else
				printf(" %6.1f%%", 100.0 * c[k].r2);
		printf("\n  %-18s", "n deficit/surplus");
		for (k = 0; k <= nyears; k++) {
			char nn[16];
			snprintf(nn, sizeof nn, "%d/%d", c[k].n_deficit, c[k].n_surplus);
			printf(" %7s", nn);
		}
		printf("\n");
	}
}

static void print_comparison_json(const stroom_budget_comparison *c, int year)
{
	printf("{\"year\": ");
	if (year)
		printf("%d", year);
	else
		printf("\"period\"");
	printf(", \"n_deficit\": %d, \"n_surplus\": %d, \"deficit_mean\": ", c->n_deficit,
	       c->n_surplus);
	json_num(c->deficit_mean, 6);
	printf(", \"surplus_mean\": ");
	json_num(c->surplus_mean, 6);
	printf(", \"r2\": ");
	json_num(c->r2, 6);
	printf("}");
}

static void print_table_json(const stroom_budget_panel *p, int years_min)
{
	size_t n = stroom_budget_panel_count(p), m;
	int y0 = stroom_budget_panel_first_year(p), y1 = stroom_budget_panel_last_year(p), y, ind;
	char v[40];
	printf("{\n  \"first_year\": %d,\n  \"last_year\": %d,\n  \"municipalities\": [", y0, y1);
	for (m = 0; m < n; m++) {
		int dy, sy, first = 1;
		stroom_budget_panel_years_beyond(p, m, COUNT_DEFICIT_PCT, COUNT_SURPLUS_PCT, &dy,
						 &sy);
		printf("%s\n    {\"code\": ", m ? "," : "");
		stroom_cli_json_str(stroom_budget_panel_code(p, m));
		printf(", \"name\": ");
		stroom_cli_json_str(stroom_budget_panel_name(p, m));
		printf(", \"average_pct\": %.4f, \"deficit_years\": %d, \"surplus_years\": %d, "
		       "\"years\": [",
		       stroom_budget_panel_average_pct(p, m), dy, sy);
		for (y = y0; y <= y1; y++) {
			const stroom_budget_panel_row *r = stroom_budget_panel_get(p, m, y);
			if (!r)
				continue;
			printf("%s\n      {\"year\": %d, \"budget_eur\": %s", first ? "" : ",", y,
			       eur(v, sizeof v, r->budget_eurocent));
			printf(", \"spending_eur\": %s", eur(v, sizeof v, r->spending_eurocent));
			printf(", \"result_eur\": %s", eur(v, sizeof v, r->result.result_eurocent));
			printf(", \"result_pct\": %.4f", r->result.result_pct);
			printf(", \"safety_net_eur\": %s",
			       eur(v, sizeof v, r->result.safety_net_eurocent));
			printf(", \"own_risk_eur\": %s",
			       eur(v, sizeof v, r->result.own_risk_eurocent));
			printf(", \"volume_part_eur\": %s",
			       eur(v, sizeof v, r->result.volume_part_eurocent));
			printf(", \"price_part_eur\": %s",
			       eur(v, sizeof v, r->result.price_part_eurocent));
			printf(", \"volume_pct\": ");
			json_num(r->volume_pct, 4);
			printf("}");
			first = 0;
		}
		printf("\n    ]}");
	}
	printf("\n  ],\n  \"counts\": {\"years_min\": %d, \"deficit_pct\": %.1f, \"surplus_pct\": "
	       "%.1f",
	       years_min, COUNT_DEFICIT_PCT, COUNT_SURPLUS_PCT);
	for (ind = 0; ind < 2; ind++) {
		size_t cnt = 0;
		int first = 1;
		for (m = 0; m < n; m++) {
			int dy, sy;
			stroom_budget_panel_years_beyond(p, m, COUNT_DEFICIT_PCT, COUNT_SURPLUS_PCT,
							 &dy, &sy);
			cnt += (ind ? sy : dy) >= years_min;
		}
		printf(", \"%s\": %zu, \"%s_codes\": [", ind ? "surplus" : "deficit", cnt,
		       ind ? "surplus" : "deficit");
		for (m = 0; m < n; m++) {
			int dy, sy;
			stroom_budget_panel_years_beyond(p, m, COUNT_DEFICIT_PCT, COUNT_SURPLUS_PCT,
							 &dy, &sy);
			if ((ind ? sy : dy) >= years_min) {
				printf("%s", first ? "" : ", ");
				stroom_cli_json_str(stroom_budget_panel_code(p, m));
				first = 0;
			}
		}
		printf("]");
	}
	printf("},\n  \"comparisons\": [");
	if (stroom_budget_panel_has_rates(p))
		for (ind = 0; ind < 2; ind++) {
			stroom_budget_comparison c;
			printf("%s\n    {\"indicator\": \"%s\", \"years\": [", ind ? "," : "",
			       indicator_names[ind]);
			for (y = y0; y <= y1 + 1; y++) {
				int year = y <= y1 ? y : 0;
				stroom_budget_panel_compare(p, ind, year, &c);
				printf("%s\n      ", y > y0 ? "," : "");
				print_comparison_json(&c, year);
			}
			printf("\n    ]}");
		}
	printf("%s]\n}\n", stroom_budget_panel_has_rates(p) ? "\n  " : "");
}

int stroom_cli_budget(int argc, char **argv)
{
	stroom_budget_options bo = STROOM_BUDGET_OPTIONS_INIT;
	stroom_budget_input in = STROOM_BUDGET_INPUT_INIT;
	stroom_budget *b = NULL;
	stroom_budget_panel *p = NULL;
	const char *table = NULL;
	int json = 0, have_budget = 0, have_spending = 0, have_year = 0,
	    years_min = COUNT_YEARS_MIN;
	int have_years_min = 0, have_prior = 0, i, err, code = EXIT_OK;

	for (i = 0; i < argc; i++) {
		const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
		static const char *const with_value[] = {
			"--budget", "--spending",  "--recoveries", "--other-income", "--year",
			"--table",  "--years-min", "--safety-net", "--prior"};
		size_t k;
		for (k = 0;
		     k < sizeof with_value / sizeof with_value[0] && strcmp(a, with_value[k]); k++)
			;
		if (k < sizeof with_value / sizeof with_value[0] && !v) {
			fprintf(stderr, "stroom: %s: needs a value\n", a);
			return EXIT_BADINPUT;
		}
		if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
			fputs(budget_usage, stdout);
			return EXIT_OK;
		} else if (!strcmp(a, "--json")) {
			json = 1;
			continue;
		} else if (!strcmp(a, "--budget")) {
			if (parse_eur(a, v, &in.budget_eurocent))
				return EXIT_BADINPUT;
			have_budget = 1;
		} else if (!strcmp(a, "--spending")) {
			if (parse_eur(a, v, &in.spending_eurocent))
				return EXIT_BADINPUT;
			have_spending = 1;
		} else if (!strcmp(a, "--recoveries")) {
			if (parse_eur(a, v, &in.recoveries_eurocent))
				return EXIT_BADINPUT;
		} else if (!strcmp(a, "--other-income")) {
			if (parse_eur(a, v, &in.other_income_eurocent))
				return EXIT_BADINPUT;
		} else if (!strcmp(a, "--year")) {
			if (parse_int(a, v, 1900, 2200, &in.year))
				return EXIT_BADINPUT;
			have_year = 1;
		} else if (!strcmp(a, "--prior")) {
			char buf[64], *comma;
			snprintf(buf, sizeof buf, "%s", v);
			comma = strchr(buf, ',');
			if (comma)
				*comma++ = '\0';
			if (strlen(v) >= sizeof buf ||
			    parse_eur(a, buf, &in.prior_result_eurocent[0]) ||
			    (comma && parse_eur(a, comma, &in.prior_result_eurocent[1])))
				return strlen(v) >= sizeof buf ? stroom_cli_bad(a,
								     "one or two amounts in euro, "
								     "like -81735000.00",
								     v)
							       : EXIT_BADINPUT;
			in.nprior = comma ? 2 : 1;
			have_prior = 1;
		} else if (!strcmp(a, "--table")) {
			table = v;
		} else if (!strcmp(a, "--years-min")) {
			if (parse_int(a, v, 1, 100, &years_min))
				return EXIT_BADINPUT;
			have_years_min = 1;
		} else if (!strcmp(a, "--safety-net")) {
			bo.safety_net_path = v;
		} else {
			fprintf(stderr,
				"stroom: budget: unknown option '%s' (see stroom budget --help)\n",
				stroom_cli_printable(a).s);
			return EXIT_BADINPUT;
		}
		i++;
	}
	if (table && (have_budget || have_spending || have_year || have_prior)) {
		fprintf(stderr, "stroom: budget: use --table or --budget/--spending, not both\n");
		return EXIT_BADINPUT;
	}
	if (!table && have_years_min) {
		fprintf(stderr, "stroom: budget: --years-min is for --table\n");
		return EXIT_BADINPUT;
	}
	if (!table && (!have_budget || !have_spending)) {
		fprintf(stderr,
			"stroom: budget: %s is required (or --table FILE.csv; see stroom "
			"budget --help)\n",
			!have_budget ? "--budget" : "--spending");
		return EXIT_BADINPUT;
	}
	if ((err = stroom_budget_load_ext(&b, &bo, NULL)) != 0)
		return stroom_cli_fail(err);
	if (table) {
		if ((err = stroom_budget_panel_load(&p, table, b, NULL)) != 0) {
			code = stroom_cli_fail(err);
			goto cleanup;
		}
		if (json)
			print_table_json(p, years_min);
		else
			print_table_text(p, years_min);
		goto cleanup;
	}
	if (!have_year)
		in.year = stroom_budget_rules_last_year(b);
	code = one_year(b, &in, json);

cleanup:
	stroom_budget_panel_free(p);
	stroom_budget_free(b);
	return code;
}
