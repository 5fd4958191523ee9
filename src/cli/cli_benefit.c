/*
 * cli_benefit.c: `stroom benefit`, what one household is paid at a date under
 * the Participatiewet, as a short table, with the trace of articles and
 * parameters, as JSON, or over a range of earnings (does work pay?). All the
 * arithmetic is the library's (stroom_rules_benefit); this file parses options
 * and prints. Bad input is one line on stderr and exit code 2.
 */
#include "cli.h"

#include <stroom/rules.h>

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>


static const char benefit_usage[] =
	"usage: stroom benefit --date YYYY-MM-DD --household single|single_parent|couple --age N\n"
	"                      [options]\n"
	"  --partner-age N          couples: the partner's age\n"
	"  --birth YYYY-MM          birth month: decides pension age exactly (else from --age)\n"
	"  --partner-birth YYYY-MM  the partner's birth month\n"
	"  --children               couples: dependent children (art. 20 lid 2)\n"
	"  --child-under-12         single parents: full care of a child under 12 (art. 31 lid 2 r)\n"
	"  --sharers N              A of art. 22a: persons of 21 or older in the dwelling, the\n"
	"                           person and partner included (1 = none; 2 for a couple)\n"
	"  --students N, --commercial N, --institution N, --aged-21-26 N\n"
	"                           of those co-residents, how many are no cost-sharer (art. 19a)\n"
	"  --earnings EUR           net earnings from work per month, e.g. 817.35\n"
	"  --disregard-months-used N  months of the earnings disregard already used\n"
	"  --sanction PCT           verlaging this month, percent of the norm\n"
	"  --sanction-category MUNICIPALITY:CATEGORY[:OFFENCE]  the percentage from\n"
	"                           data/rules/sanctions.csv, e.g. rotterdam:cat1; a\n"
	"                           municipality without rows of its own has the law's\n"
	"                           minimum only, e.g. groningen:uniform_work\n"
	"  --earnings-range FROM:TO:STEP  benefit, income and effective marginal rate per level\n"
	"  --trace                  the articles and parameter values used\n"
	"  --json                   one JSON object (with --earnings-range: an array)\n"
	"  --rules-dir DIR          read norms.csv, constants.csv, provisions.csv, aow.csv and\n"
	"                           sanctions.csv from DIR where present (else builtin)\n"
	"  --norms FILE, --constants FILE  these two files only\n";


/* A whole number in [lo, hi]. Returns 0 or prints and returns EXIT_BADINPUT. */
static int parse_int(const char *opt, const char *s, long lo, long hi, int *out)
{
	char *end, what[64];
	long v;
	errno = 0;
	v = strtol(s, &end, 10);
	if (!*s || *end || errno || v < lo || v > hi || *s == '+' || *s == ' ') {
		snprintf(what, sizeof what, "a whole number from %ld to %ld", lo, hi);
		return stroom_cli_bad(opt, what, s);
	}
	*out = (int)v;
	return 0;
}

/* Euro with at most two decimals ("817.35", "0", "1200.5") into eurocent. */
static int parse_eur(const char *opt, const char *s, int64_t *out)
{
	int64_t v = 0;
	int digits = 0, dec = 0;
	const char *p = s;
	for (; *p >= '0' && *p <= '9'; p++, digits++) {
		if (digits >= 7)
			return stroom_cli_bad(opt, "an amount in euro from 0 to 1000000, like 817.35", s);
		v = v * 10 + (*p - '0');
	}
	v *= 100;
	if (*p == '.' && digits) {
		p++;
		for (; *p >= '0' && *p <= '9' && dec < 2; p++, dec++)
			v += (*p - '0') * (dec ? 1 : 10);
		if (dec == 0)
			return stroom_cli_bad(opt, "an amount in euro like 817.35", s);
	}
	if (!digits || *p || v > 100000000)
		return stroom_cli_bad(opt, "an amount in euro from 0 to 1000000 with at most 2 decimals, like "
				"817.35",
			   s);
	*out = v;
	return 0;
}

/* "YYYY-MM-DD" (a real calendar date) or "YYYY-MM" into its month. */
static int parse_date(const char *opt, const char *s, stroom_month *out)
{
	static const int mdays[12] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	int y, m, d = 1, n = 0, ok;
	ok = strlen(s) >= 7 && s[4] == '-' &&
	     ((sscanf(s, "%4d-%2d-%2d%n", &y, &m, &d, &n) == 3 && n == 10) ||
	      (sscanf(s, "%4d-%2d%n", &y, &m, &n) == 2 && n == 7 && !s[7]));
	ok = ok && !s[n] && y >= 1900 && y <= 2200 && m >= 1 && m <= 12 && d >= 1 &&
	     d <= mdays[m - 1] &&
	     !(m == 2 && d == 29 && !((y % 4 == 0 && y % 100 != 0) || y % 400 == 0));
	if (!ok)
		return stroom_cli_bad(opt, "a date YYYY-MM-DD", s);
	*out = stroom_month_make(y, m);
	return 0;
}

static const char *unit_name(int unit)
{
	switch (unit) {
	case STROOM_UNIT_EUROCENT:
		return "eurocent";
	case STROOM_UNIT_SHARE:
		return "share_ppm";
	case STROOM_UNIT_PERCENT:
		return "percent";
	case STROOM_UNIT_MONTHS:
		return "months";
	default:
		return "count";
	}
}

static void eur(char *buf, size_t size, int64_t cents)
{
	snprintf(buf, size, "%s%" PRId64 ".%02" PRId64, cents < 0 ? "-" : "",
		 (cents < 0 ? -cents : cents) / 100, (cents < 0 ? -cents : cents) % 100);
}

static void print_trace_json(const stroom_benefit *b)
{
	int i;
	printf("  \"trace\": [");
	for (i = 0; i < b->nsteps; i++) {
		const stroom_trace_step *s = &b->trace[i];
		printf("%s\n    {\"article\": ", i ? "," : "");
		stroom_cli_json_str(s->article);
		printf(", \"parameter\": ");
		stroom_cli_json_str(s->parameter);
		printf(", \"value\": %" PRId64 ", \"unit\": \"%s\", \"valid_from\": ", s->value,
		       unit_name(s->unit));
		if (s->valid_from == STROOM_RULES_NO_MONTH) {
			printf("null}");
		} else {
			char m[8];
			printf("\"%s-01\"}", stroom_month_format(s->valid_from, m, sizeof m));
		}
	}
	printf("%s]\n", b->nsteps ? "\n  " : "");
}

typedef struct opts {
	const char *date_text;
	stroom_month date;
	stroom_household_input h;
	const char *household;
	int have_age, have_partner_age, trace, json, have_earnings, have_range, have_sanction;
	const char *sanction_category;
	int64_t range_from, range_to, range_step;
} opts;

static void print_one(const opts *o, const stroom_benefit *b)
{
	char v[32];
	if (o->json) {
		printf("{\n  \"date\": \"%s\",\n  \"household\": \"%s\",\n  \"age\": %d,\n",
		       o->date_text, o->household, o->h.age);
		if (o->h.type == STROOM_TYPE_COUPLE)
			printf("  \"partner_age\": %d,\n", o->h.partner_age);
		printf("  \"sharers\": %d,\n  \"earnings_eurocent\": %" PRId64
		       ",\n  \"disregard_months_used\": %d,\n  \"sanction_pct\": %d,\n",
		       o->h.sharers, o->h.earnings_eurocent, o->h.disregard_months_used,
		       o->h.sanction_pct);
		printf("  \"amount_eurocent\": %" PRId64 ",\n  \"amount_excl_holiday_eurocent\": %" PRId64
		       ",\n  \"holiday_eurocent\": %" PRId64 ",\n  \"norm_eurocent\": %" PRId64
		       ",\n  \"norm_excl_holiday_eurocent\": %" PRId64
		       ",\n  \"disregard_eurocent\": %" PRId64 ",\n  \"offset_eurocent\": %" PRId64
		       ",\n  \"sanction_eurocent\": %" PRId64
		       ",\n  \"cost_sharers\": %d,\n  \"pension_age\": %s,\n",
		       b->amount_eurocent, b->amount_excl_holiday_eurocent, b->holiday_eurocent,
		       b->norm_eurocent, b->norm_excl_holiday_eurocent, b->disregard_eurocent,
		       b->offset_eurocent, b->sanction_eurocent, b->cost_sharers,
		       b->pension_age ? "true" : "false");
		print_trace_json(b);
		printf("}\n");
		return;
	}
	printf("Bijstand on %s: %s, age %d", o->date_text, o->household, o->h.age);
	if (o->h.type == STROOM_TYPE_COUPLE)
		printf(" and %d", o->h.partner_age);
	if (b->cost_sharers)
		printf(", %d cost-sharers", b->cost_sharers);
	if (b->pension_age)
		printf(", pension age");
	printf("\n");
#define ROW(label, cents)                                  \
	do {                                               \
		eur(v, sizeof v, cents);                   \
		printf("  %-34s %12s\n", label, v);        \
	} while (0)
	ROW("norm incl. holiday allowance", b->norm_eurocent);
	ROW("norm excl. holiday allowance", b->norm_excl_holiday_eurocent);
	ROW("earnings", o->h.earnings_eurocent);
	ROW("disregard", b->disregard_eurocent);
	ROW("earnings counted", b->offset_eurocent);
	ROW("sanction", b->sanction_eurocent);
	ROW("benefit incl. holiday allowance", b->amount_eurocent);
	ROW("benefit excl. holiday allowance", b->amount_excl_holiday_eurocent);
	ROW("holiday allowance (paid yearly)", b->holiday_eurocent);
#undef ROW
	if (o->trace) {
		int i;
		char line[320];
		printf("Trace (article | parameter | value | valid from):\n");
		for (i = 0; i < b->nsteps; i++)
			printf("  %s\n", stroom_trace_step_format(&b->trace[i], line, sizeof line));
	}
}

/* The poverty-trap picture: benefit, income and the effective marginal rate
 * 1 - d(income)/d(earnings) between consecutive earnings levels. */
static int print_range(const stroom_rules *r, opts *o)
{
	int64_t e, prev_e = 0, prev_inc = 0;
	int first = 1, err;
	char ve[32], vb[32], vi[32];
	if (o->json)
		printf("[");
	else
		printf("Does work pay? %s on %s, age %d, %d disregard month%s used\n"
		       "  %12s %12s %12s %14s\n",
		       o->household, o->date_text, o->h.age, o->h.disregard_months_used,
		       o->h.disregard_months_used == 1 ? "" : "s", "earnings", "benefit", "income",
		       "marginal rate");
	for (e = o->range_from; e <= o->range_to; e += o->range_step) {
		stroom_benefit b;
		int64_t inc;
		o->h.earnings_eurocent = e;
		if ((err = stroom_rules_benefit(r, o->date, &o->h, &b)) != 0) {
			if (o->json)
				printf("]\n");
			fprintf(stderr, "stroom: %s\n", stroom_error_last());
			return err == STROOM_EINVAL || err == STROOM_ENOTFOUND ? EXIT_BADINPUT
									       : EXIT_FAILED;
		}
		inc = e + b.amount_eurocent;
		if (o->json) {
			printf("%s\n  {\"earnings_eurocent\": %" PRId64 ", \"amount_eurocent\": %" PRId64
			       ", \"income_eurocent\": %" PRId64 ", \"disregard_eurocent\": %" PRId64
			       ", \"marginal_rate\": ",
			       first ? "" : ",", e, b.amount_eurocent, inc, b.disregard_eurocent);
			if (first)
				printf("null}");
			else
				printf("%.4f}", 1.0 - (double)(inc - prev_inc) / (double)(e - prev_e));
		} else {
			eur(ve, sizeof ve, e);
			eur(vb, sizeof vb, b.amount_eurocent);
			eur(vi, sizeof vi, inc);
			if (first)
				printf("  %12s %12s %12s %14s\n", ve, vb, vi, "-");
			else
				printf("  %12s %12s %12s %13.1f%%\n", ve, vb, vi,
				       100.0 * (1.0 - (double)(inc - prev_inc) / (double)(e - prev_e)));
		}
		prev_e = e;
		prev_inc = inc;
		first = 0;
	}
	if (o->json)
		printf("\n]\n");
	return EXIT_OK;
}

static int parse_range(const char *opt, const char *s, opts *o)
{
	char buf[96], *a, *b, *c;
	snprintf(buf, sizeof buf, "%s", s);
	a = buf;
	b = strchr(a, ':');
	c = b ? strchr(b + 1, ':') : NULL;
	if (!b || !c || strlen(s) >= sizeof buf)
		return stroom_cli_bad(opt, "FROM:TO:STEP in euro, e.g. 0:2500:100", s);
	*b++ = '\0';
	*c++ = '\0';
	if (parse_eur(opt, a, &o->range_from) || parse_eur(opt, b, &o->range_to) ||
	    parse_eur(opt, c, &o->range_step))
		return EXIT_BADINPUT;
	if (o->range_step <= 0 || o->range_to < o->range_from ||
	    (o->range_to - o->range_from) / o->range_step > 10000)
		return stroom_cli_bad(opt, "FROM <= TO and STEP > 0, at most 10000 levels", s);
	return 0;
}

/* Joins dir and name when that file exists, else NULL (the builtin). */
static const char *in_dir(char *buf, size_t size, const char *dir, const char *name)
{
	if (!dir)
		return NULL;
	snprintf(buf, size, "%s/%s", dir, name);
	return access(buf, F_OK) == 0 ? buf : NULL;
}

int stroom_cli_benefit(int argc, char **argv)
{
	opts o;
	stroom_household_input init = STROOM_HOUSEHOLD_INPUT_INIT;
	stroom_rules_options ro = STROOM_RULES_OPTIONS_INIT;
	stroom_rules *r = NULL;
	stroom_benefit b;
	const char *rules_dir = NULL, *norms = NULL, *constants = NULL;
	char p[5][4096];
	int i, err, code = EXIT_OK;

	memset(&o, 0, sizeof o);
	o.h = init;
	for (i = 0; i < argc; i++) {
		const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
		static const char *const with_value[] = {
			"--date", "--household", "--age", "--partner-age", "--birth", "--partner-birth",
			"--sharers", "--students", "--commercial", "--institution", "--aged-21-26",
			"--earnings", "--earnings-range", "--disregard-months-used", "--sanction",
			"--sanction-category", "--rules-dir", "--norms", "--constants"};
		size_t k;
		for (k = 0; k < sizeof with_value / sizeof with_value[0] && strcmp(a, with_value[k]); k++)
			;
		if (k < sizeof with_value / sizeof with_value[0] && !v) {
			fprintf(stderr, "stroom: %s: needs a value\n", a);
			return EXIT_BADINPUT;
		}
		if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
			fputs(benefit_usage, stdout);
			return EXIT_OK;
		} else if (!strcmp(a, "--trace")) {
			o.trace = 1;
		} else if (!strcmp(a, "--json")) {
			o.json = 1;
		} else if (!strcmp(a, "--children")) {
			o.h.has_children = 1;
		} else if (!strcmp(a, "--child-under-12")) {
			o.h.has_child_under_12 = 1;
		} else if (!strcmp(a, "--date")) {
			if (parse_date(a, v, &o.date))
				return EXIT_BADINPUT;
			o.date_text = v;
			i++;
		} else if (!strcmp(a, "--household")) {
			if (!strcmp(v, "single"))
				o.h.type = STROOM_TYPE_SINGLE;
			else if (!strcmp(v, "single_parent"))
				o.h.type = STROOM_TYPE_SINGLE_PARENT;
			else if (!strcmp(v, "couple"))
				o.h.type = STROOM_TYPE_COUPLE;
			else
				return stroom_cli_bad(a, "single, single_parent or couple", v);
			o.household = v;
			i++;
		} else if (!strcmp(a, "--age") || !strcmp(a, "--partner-age")) {
			int *dst = !strcmp(a, "--age") ? &o.h.age : &o.h.partner_age;
			if (parse_int(a, v, 18, 120, dst))
				return EXIT_BADINPUT;
			*(!strcmp(a, "--age") ? &o.have_age : &o.have_partner_age) = 1;
			i++;
		} else if (!strcmp(a, "--birth") || !strcmp(a, "--partner-birth")) {
			stroom_month m;
			if (strlen(v) != 7 || parse_date(a, v, &m))
				return strlen(v) != 7 ? stroom_cli_bad(a, "a month YYYY-MM", v) : EXIT_BADINPUT;
			*(!strcmp(a, "--birth") ? &o.h.birth_month : &o.h.partner_birth_month) = m;
			i++;
		} else if (!strcmp(a, "--sharers") || !strcmp(a, "--students") ||
			   !strcmp(a, "--commercial") || !strcmp(a, "--institution") ||
			   !strcmp(a, "--aged-21-26")) {
			int *dst = !strcmp(a, "--sharers")      ? &o.h.sharers
				   : !strcmp(a, "--students")   ? &o.h.sharers_student
				   : !strcmp(a, "--commercial") ? &o.h.sharers_commercial
				   : !strcmp(a, "--institution") ? &o.h.sharers_institution
								 : &o.h.sharers_aged_21_26;
			if (parse_int(a, v, !strcmp(a, "--sharers") ? 1 : 0, 20, dst))
				return EXIT_BADINPUT;
			i++;
		} else if (!strcmp(a, "--earnings")) {
			if (parse_eur(a, v, &o.h.earnings_eurocent))
				return EXIT_BADINPUT;
			o.have_earnings = 1;
			i++;
		} else if (!strcmp(a, "--earnings-range")) {
			if (parse_range(a, v, &o))
				return EXIT_BADINPUT;
			o.have_range = 1;
			i++;
		} else if (!strcmp(a, "--disregard-months-used")) {
			if (parse_int(a, v, 0, 1200, &o.h.disregard_months_used))
				return EXIT_BADINPUT;
			i++;
		} else if (!strcmp(a, "--sanction")) {
			if (parse_int(a, v, 0, 100, &o.h.sanction_pct))
				return EXIT_BADINPUT;
			o.have_sanction = 1;
			i++;
		} else if (!strcmp(a, "--sanction-category")) {
			o.sanction_category = v;
			i++;
		} else if (!strcmp(a, "--rules-dir")) {
			rules_dir = v;
			i++;
		} else if (!strcmp(a, "--norms")) {
			norms = v;
			i++;
		} else if (!strcmp(a, "--constants")) {
			constants = v;
			i++;
		} else {
			fprintf(stderr,
				"stroom: benefit: unknown option '%s' (see stroom benefit --help)\n",
				stroom_cli_printable(a).s);
			return EXIT_BADINPUT;
		}
	}
	if (!o.date_text || !o.household || !o.have_age) {
		fprintf(stderr, "stroom: benefit: %s is required (see stroom benefit --help)\n",
			!o.date_text ? "--date" : !o.household ? "--household" : "--age");
		return EXIT_BADINPUT;
	}
	if (o.h.type == STROOM_TYPE_COUPLE && !o.have_partner_age) {
		fprintf(stderr, "stroom: benefit: --partner-age is required for a couple\n");
		return EXIT_BADINPUT;
	}
	if (o.h.type != STROOM_TYPE_COUPLE && (o.have_partner_age || o.h.has_children)) {
		fprintf(stderr, "stroom: benefit: %s is for couples only\n",
			o.have_partner_age ? "--partner-age" : "--children");
		return EXIT_BADINPUT;
	}
	if (o.h.has_child_under_12 && o.h.type != STROOM_TYPE_SINGLE_PARENT) {
		fprintf(stderr, "stroom: benefit: --child-under-12 is for single parents only\n");
		return EXIT_BADINPUT;
	}
	if (o.have_earnings && o.have_range) {
		fprintf(stderr, "stroom: benefit: use --earnings or --earnings-range, not both\n");
		return EXIT_BADINPUT;
	}
	if (o.have_sanction && o.sanction_category) {
		fprintf(stderr, "stroom: benefit: use --sanction or --sanction-category, not both\n");
		return EXIT_BADINPUT;
	}

	ro.norms_path = norms ? norms : in_dir(p[0], sizeof p[0], rules_dir, "norms.csv");
	ro.constants_path =
		constants ? constants : in_dir(p[1], sizeof p[1], rules_dir, "constants.csv");
	ro.provisions_path = in_dir(p[2], sizeof p[2], rules_dir, "provisions.csv");
	ro.aow_path = in_dir(p[3], sizeof p[3], rules_dir, "aow.csv");
	ro.sanctions_path = in_dir(p[4], sizeof p[4], rules_dir, "sanctions.csv");
	if ((err = stroom_rules_load_ext(&r, &ro, NULL)) != 0) {
		fprintf(stderr, "stroom: %s\n", stroom_error_last());
		return err == STROOM_ENOMEM || err == STROOM_EIO ? EXIT_FAILED : EXIT_BADINPUT;
	}
	if (o.date < stroom_rules_first_month(r)) {
		char m[8];
		fprintf(stderr, "stroom: --date %s: no norms before %s-01 (earliest covered)\n",
			o.date_text, stroom_month_format(stroom_rules_first_month(r), m, sizeof m));
		code = EXIT_BADINPUT;
		goto cleanup;
	}
	if (o.sanction_category) {
		char buf[256], *cat, *off;
		int offence = 1, months, verified;
		snprintf(buf, sizeof buf, "%s", o.sanction_category);
		cat = strchr(buf, ':');
		off = cat ? strchr(cat + 1, ':') : NULL;
		if (!cat || cat == buf || !cat[1] || cat[1] == ':') {
			code = stroom_cli_bad("--sanction-category",
				   "MUNICIPALITY:CATEGORY[:OFFENCE], e.g. rotterdam:cat1",
				   o.sanction_category);
			goto cleanup;
		}
		*cat++ = '\0';
		if (off) {
			*off++ = '\0';
			if (parse_int("--sanction-category", off, 1, 99, &offence)) {
				code = EXIT_BADINPUT;
				goto cleanup;
			}
		}
		if ((err = stroom_rules_sanction(r, buf, cat, offence, o.date, &o.h.sanction_pct,
						 &months, &verified)) != 0) {
			fprintf(stderr, "stroom: %s\n", stroom_error_last());
			code = EXIT_BADINPUT;
			goto cleanup;
		}
		if (!o.json)
			printf("Sanction %s: %d%% of the norm for %d month%s%s\n", o.sanction_category,
			       o.h.sanction_pct, months, months == 1 ? "" : "s",
			       verified ? "" : " (not verified against the ordinance text)");
	}

	if (o.have_range) {
		o.h.skip_trace = 1;
		code = print_range(r, &o);
		goto cleanup;
	}
	if ((err = stroom_rules_benefit(r, o.date, &o.h, &b)) != 0) {
		fprintf(stderr, "stroom: %s\n", stroom_error_last());
		code = err == STROOM_EINVAL || err == STROOM_ENOTFOUND ? EXIT_BADINPUT : EXIT_FAILED;
		goto cleanup;
	}
	print_one(&o, &b);

cleanup:
	stroom_rules_free(r);
	return code;
}
