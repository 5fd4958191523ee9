/*
 * test_rules.c: the benefit rules. The case table tests/rules/cases.txt (also
 * run against the CLI by cli_rules.sh) against the fixture data in
 * tests/data/rules and, once data/rules/norms.csv exists, against the builtin
 * rules; every row of the norms reproduced by the household it describes
 * (every 'yes' row of the builtin); the pension-age table; sanctions; the trace;
 * invariants over a grid of households and earnings; every input error and
 * every load error with its exact message; ENOMEM at every allocation of
 * loading with nothing leaked.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stroom/rules.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "failing_alloc.h"

#define SRC STROOM_SOURCE_DIR "/"
#define FIX SRC "tests/data/rules/"

/* The fixture rules: norms and constants of tests/data/rules, the rest of
 * data/rules (read from the source tree, not the builtin copy). */
static stroom_rules *load_fixture(void)
{
	stroom_rules_options o = STROOM_RULES_OPTIONS_INIT;
	stroom_rules *r = NULL;
	int err;
	o.norms_path = FIX "norms.csv";
	o.constants_path = FIX "constants.csv";
	o.provisions_path = SRC "data/rules/provisions.csv";
	o.aow_path = SRC "data/rules/aow.csv";
	o.sanctions_path = SRC "data/rules/sanctions.csv";
	err = stroom_rules_load_ext(&r, &o, NULL);
	if (err)
		fprintf(stderr, "load: %s\n", stroom_error_last());
	assert_int_equal(err, 0);
	return r;
}

/* The builtin rules, or NULL when data/rules/norms.csv did not exist at build time. */
static stroom_rules *load_builtin(void)
{
	stroom_rules *r = NULL;
	int err = stroom_rules_load(&r, NULL, NULL, NULL);
	if (err == STROOM_ENOTFOUND && strstr(stroom_error_last(), "no builtin"))
		return NULL;
	if (err)
		fprintf(stderr, "builtin: %s\n", stroom_error_last());
	assert_int_equal(err, 0);
	return r;
}

static int64_t cents(const char *s)
{
	int64_t e = 0, c = 0;
	const char *dot = strchr(s, '.');
	e = strtoll(s, NULL, 10);
	if (dot) {
		c = (dot[1] - '0') * 10;
		if (dot[2])
			c += dot[2] - '0';
	}
	return e * 100 + c;
}

static stroom_month month_of(const char *s)
{
	stroom_month m;
	char buf[8];
	memcpy(buf, s, 7);
	buf[7] = '\0';
	assert_int_equal(stroom_month_parse(&m, buf), 0);
	return m;
}

typedef struct test_case {
	int line;
	stroom_month date;
	stroom_household_input h;
	int64_t amount, excl; /* -1 = not checked */
	int64_t data_amount;  /* expected from the builtin data when it differs; -1 = same */
	int data_only;        /* checked against the builtin data only */
} test_case;

/* Parses one line of cases.txt; returns 0 for blank and comment lines. */
static int parse_case(char *line, int lineno, test_case *c)
{
	char *f[12], *save = NULL, *tok, *hash = strchr(line, '#');
	int n = 0;
	stroom_household_input init = STROOM_HOUSEHOLD_INPUT_INIT;
	if (hash)
		*hash = '\0';
	for (tok = strtok_r(line, " \t\r\n", &save); tok && n < 12;
	     tok = strtok_r(NULL, " \t\r\n", &save))
		f[n++] = tok;
	if (n == 0)
		return 0;
	if (n < 10 || n > 11)
		fail_msg("cases.txt:%d: expected 10 or 11 fields, got %d", lineno, n);
	memset(c, 0, sizeof *c);
	c->data_amount = -1;
	c->line = lineno;
	c->h = init;
	c->date = month_of(f[0]);
	c->h.type = !strcmp(f[1], "single")	   ? STROOM_TYPE_SINGLE
		    : !strcmp(f[1], "single_parent") ? STROOM_TYPE_SINGLE_PARENT
						     : STROOM_TYPE_COUPLE;
	c->h.age = atoi(f[2]);
	c->h.partner_age = strcmp(f[3], "-") ? atoi(f[3]) : 0;
	c->h.sharers = atoi(f[4]);
	c->h.earnings_eurocent = cents(f[5]);
	c->h.disregard_months_used = atoi(f[6]);
	c->h.sanction_pct = atoi(f[7]);
	if (strcmp(f[8], "-")) {
		char *opt, *s2 = NULL;
		for (opt = strtok_r(f[8], ",", &s2); opt; opt = strtok_r(NULL, ",", &s2)) {
			const char *v = strchr(opt, '=') ? strchr(opt, '=') + 1 : "";
			if (!strcmp(opt, "children"))
				c->h.has_children = 1;
			else if (!strcmp(opt, "child12"))
				c->h.has_child_under_12 = 1;
			else if (!strncmp(opt, "students=", 9))
				c->h.sharers_student = atoi(v);
			else if (!strncmp(opt, "commercial=", 11))
				c->h.sharers_commercial = atoi(v);
			else if (!strncmp(opt, "institution=", 12))
				c->h.sharers_institution = atoi(v);
			else if (!strncmp(opt, "aged2126=", 9))
				c->h.sharers_aged_21_26 = atoi(v);
			else if (!strncmp(opt, "birth=", 6))
				c->h.birth_month = month_of(v);
			else if (!strncmp(opt, "pbirth=", 7))
				c->h.partner_birth_month = month_of(v);
			else if (!strncmp(opt, "data=", 5))
				c->data_amount = cents(v);
			else if (!strcmp(opt, "dataonly"))
				c->data_only = 1;
			else
				fail_msg("cases.txt:%d: unknown option '%s'", lineno, opt);
		}
	}
	c->amount = strcmp(f[9], "-") ? cents(f[9]) : -1;
	c->excl = n == 11 && strcmp(f[10], "-") ? cents(f[10]) : -1;
	return 1;
}

/* Runs every case of cases.txt against r (builtin: the project's data, which
 * may expect data= amounts); returns the number of cases. */
static int run_cases(const stroom_rules *r, const char *what, int builtin)
{
	FILE *fp = fopen(SRC "tests/rules/cases.txt", "r");
	char line[512];
	int lineno = 0, n = 0, failures = 0;
	assert_non_null(fp);
	while (fgets(line, sizeof line, fp)) {
		test_case c;
		stroom_benefit b;
		int err;
		lineno++;
		if (!parse_case(line, lineno, &c) || (c.data_only && !builtin))
			continue;
		n++;
		if (builtin && c.data_amount >= 0) {
			c.amount = c.data_amount;
			c.excl = -1;
		}
		err = stroom_rules_benefit(r, c.date, &c.h, &b);
		if (err) {
			fprintf(stderr, "%s: cases.txt:%d: error %d: %s\n", what, lineno, err,
				stroom_error_last());
			failures++;
			continue;
		}
		if ((c.amount >= 0 && b.amount_eurocent != c.amount) ||
		    (c.excl >= 0 && b.amount_excl_holiday_eurocent != c.excl)) {
			fprintf(stderr,
				"%s: cases.txt:%d: got %lld (excl %lld), expected %lld (excl %lld)\n",
				what, lineno, (long long)b.amount_eurocent,
				(long long)b.amount_excl_holiday_eurocent, (long long)c.amount,
				(long long)c.excl);
			failures++;
		}
	}
	fclose(fp);
	assert_int_equal(failures, 0);
	return n;
}

static void test_cases_fixture(void **state)
{
	stroom_rules *r = load_fixture();
	(void)state;
	assert_true(run_cases(r, "fixture", 0) >= 100);
	stroom_rules_free(r);
}

static void test_cases_builtin(void **state)
{
	stroom_rules *r = load_builtin();
	(void)state;
	if (!r) {
		fprintf(stderr, "builtin rules absent (no data/rules/norms.csv at build time)\n");
		skip();
	}
	assert_true(run_cases(r, "builtin", 1) >= 100);
	stroom_rules_free(r);
}

/* A household whose norm is exactly the row's category, at the row's date. */
static int household_for(const char *cat, stroom_household_input *h)
{
	static const struct {
		const char *cat;
		int type, age, partner_age, children;
	} map[] = {
		{"art21_single", STROOM_TYPE_SINGLE, 35, 0, 0},
		{"art21_couple", STROOM_TYPE_COUPLE, 35, 36, 0},
		{"art20_single", STROOM_TYPE_SINGLE, 19, 0, 0},
		{"art20_single_parent", STROOM_TYPE_SINGLE_PARENT, 19, 0, 0},
		{"art20_couple_both_u21", STROOM_TYPE_COUPLE, 19, 20, 0},
		{"art20_couple_both_u21_children", STROOM_TYPE_COUPLE, 19, 20, 1},
		{"art20_couple_one_u21", STROOM_TYPE_COUPLE, 35, 19, 0},
		{"art20_couple_one_u21_children", STROOM_TYPE_COUPLE, 19, 35, 1},
		{"art22_single", STROOM_TYPE_SINGLE, 80, 0, 0},
		{"art22_couple", STROOM_TYPE_COUPLE, 80, 81, 0},
		{"art22_couple_one_pension_age", STROOM_TYPE_COUPLE, 80, 40, 0},
	};
	size_t i;
	stroom_household_input init = STROOM_HOUSEHOLD_INPUT_INIT;
	*h = init;
	for (i = 0; i < sizeof map / sizeof map[0]; i++)
		if (!strcmp(map[i].cat, cat)) {
			h->type = map[i].type;
			h->age = map[i].age;
			h->partner_age = map[i].partner_age;
			h->has_children = map[i].children;
			return 1;
		}
	if (!strcmp(cat, "disregard_max") || !strcmp(cat, "single_parent_disregard_max")) {
		h->type = STROOM_TYPE_SINGLE_PARENT;
		h->age = 35;
		h->has_child_under_12 = 1;
		h->earnings_eurocent = 1000000; /* 25% or 12.5% of it is far above any maximum */
		h->disregard_months_used = !strcmp(cat, "disregard_max") ? 0 : 6;
		return 1;
	}
	return 0;
}

/* Every row of a norms file (only_yes: only rows verified 'yes') is reproduced
 * to the cent by the household it describes, at its valid_from date: incl and,
 * for the fixture, excl. In the project's data an excl amount may come from a
 * table that rounds the half cent the other way; that is noted, not failed. */
static int check_rows(const stroom_rules *r, const char *path, int only_yes)
{
	FILE *fp = fopen(path, "r");
	char line[1024];
	int header = 0, n = 0, failures = 0, lineno = 0;
	assert_non_null(fp);
	while (fgets(line, sizeof line, fp)) {
		char *f[10], *s = line;
		int k;
		stroom_household_input h;
		stroom_benefit b;
		int64_t incl, excl, got;
		lineno++;
		if (line[0] == '#' || line[0] == '\n' || line[0] == '\r')
			continue;
		if (!header++)
			continue;
		for (k = 0; k < 10; k++) {
			f[k] = s;
			s = strchr(s, ',');
			if (!s)
				break;
			*s++ = '\0';
		}
		assert_int_equal(k, 9);
		if (only_yes && strcmp(f[8], "yes"))
			continue;
		assert_true(household_for(f[1], &h));
		incl = f[2][0] ? strtoll(f[2], NULL, 10) : -1;
		excl = f[3][0] ? strtoll(f[3], NULL, 10) : -1;
		if (incl < 0 && excl < 0)
			continue;
		if (stroom_rules_benefit(r, month_of(f[0]), &h, &b)) {
			fprintf(stderr, "%s:%d: %s\n", path, lineno, stroom_error_last());
			failures++;
			continue;
		}
		n++;
		if (!strcmp(f[1], "disregard_max") || !strcmp(f[1], "single_parent_disregard_max")) {
			if (incl >= 0 && b.disregard_eurocent != incl) {
				fprintf(stderr, "%s:%d: disregard %lld, expected %lld\n", path, lineno,
					(long long)b.disregard_eurocent, (long long)incl);
				failures++;
			}
			continue;
		}
		got = b.norm_eurocent;
		if (only_yes && incl >= 0 && excl >= 0 && got == incl &&
		    b.norm_excl_holiday_eurocent != excl) {
			/* printed tables disagree by a cent on excl where incl x 95% ends in
			 * exactly half a cent; the rule of docs/rules.md stands, the data row
			 * is shown */
			fprintf(stderr, "note: %s:%d: %s: excl %lld by the rule, %lld in the data\n", path,
				lineno, f[1], (long long)b.norm_excl_holiday_eurocent, (long long)excl);
			continue;
		}
		if ((incl >= 0 && got != incl) ||
		    (excl >= 0 && b.norm_excl_holiday_eurocent != excl)) {
			fprintf(stderr, "%s:%d: %s: norm %lld excl %lld, expected %lld excl %lld\n",
				path, lineno, f[1], (long long)got,
				(long long)b.norm_excl_holiday_eurocent, (long long)incl,
				(long long)excl);
			failures++;
		}
	}
	fclose(fp);
	assert_int_equal(failures, 0);
	return n;
}

static void test_rows_fixture(void **state)
{
	stroom_rules *r = load_fixture();
	(void)state;
	assert_true(check_rows(r, FIX "norms.csv", 0) >= 50);
	stroom_rules_free(r);
}

static void test_rows_builtin(void **state)
{
	stroom_rules *r = load_builtin();
	(void)state;
	if (!r)
		skip();
	assert_true(check_rows(r, SRC "data/rules/norms.csv", 1) > 0);
	stroom_rules_free(r);
}

static void test_first_month_and_date(void **state)
{
	stroom_rules *r = load_fixture();
	stroom_household_input h = STROOM_HOUSEHOLD_INPUT_INIT;
	stroom_benefit b;
	(void)state;
	assert_int_equal(stroom_rules_first_month(r), stroom_month_make(2015, 1));
	h.age = 35;
	assert_int_equal(stroom_rules_benefit(r, stroom_month_make(2014, 6), &h, &b),
			 STROOM_ENOTFOUND);
	assert_string_equal(stroom_error_last(),
			    "date 2014-06: no norms before 2015-01 (earliest covered)");
	assert_int_equal(stroom_rules_benefit(r, stroom_month_make(2015, 1), &h, &b), 0);
	assert_int_equal(b.amount_eurocent, 96083);
	stroom_rules_free(r);
}

static void test_pension_age(void **state)
{
	stroom_rules *r = load_fixture();
	static const struct {
		int y, m, months;
	} t[] = {
		{1940, 5, 780},	 {1949, 10, 780}, {1949, 11, 783}, {1950, 9, 783},
		{1950, 10, 786}, {1951, 7, 789},  {1952, 4, 792},  {1953, 1, 796},
		{1955, 8, 796},	 {1955, 9, 799},  {1956, 5, 799},  {1956, 6, 802},
		{1957, 2, 802},	 {1957, 3, 804},  {1960, 12, 804}, {1961, 1, 807},
		{1963, 9, 807},	 {1990, 1, 807},
	};
	size_t i;
	(void)state;
	for (i = 0; i < sizeof t / sizeof t[0]; i++)
		assert_int_equal(stroom_rules_pension_age_months(r, stroom_month_make(t[i].y, t[i].m)),
				 t[i].months);
	stroom_rules_free(r);
}

static void test_sanctions(void **state)
{
	stroom_rules *r = load_fixture();
	stroom_month d = stroom_month_make(2025, 1);
	int pct = -1, months = -1, verified = -1;
	(void)state;
	assert_int_equal(stroom_rules_sanction(r, "rotterdam", "cat1", 1, d, &pct, &months,
					       &verified),
			 0);
	assert_int_equal(pct, 30);
	assert_int_equal(months, 1);
	assert_int_equal(verified, 0);
	assert_int_equal(stroom_rules_sanction(r, "Rotterdam", "cat2", 1, d, &pct, &months, NULL),
			 0);
	assert_int_equal(pct, 100);
	assert_int_equal(months, 1);
	assert_int_equal(stroom_rules_sanction(r, "rotterdam", "cat1", 2, d, &pct, &months, NULL),
			 0);
	assert_int_equal(pct, 30);
	assert_int_equal(months, 2);
	assert_int_equal(stroom_rules_sanction(r, "rotterdam", "cat1", 7, d, &pct, &months, NULL),
			 0);
	assert_int_equal(pct, 80);
	/* a statutory category falls back to "default" (art. 18 lid 5) */
	assert_int_equal(stroom_rules_sanction(r, "utrecht", "uniform_work", 1, d, &pct, &months,
					       &verified),
			 0);
	assert_int_equal(pct, 100);
	assert_int_equal(months, 1);
	assert_int_equal(verified, 1);
	assert_int_equal(stroom_rules_sanction(r, "rotterdam", "uniform_work", 3, d, &pct, &months,
					       NULL),
			 0);
	assert_int_equal(months, 3);
	/* before Rotterdam's ordinance of 2019 */
	assert_int_equal(stroom_rules_sanction(r, "rotterdam", "cat1", 1, stroom_month_make(2018, 12),
					       &pct, &months, NULL),
			 STROOM_ENOTFOUND);
	assert_int_equal(stroom_rules_sanction(r, "rotterdam", "cat9", 1, d, &pct, &months, NULL),
			 STROOM_ENOTFOUND);
	assert_string_equal(stroom_error_last(),
			    "sanction rotterdam:cat9: unknown category (known for rotterdam: "
			    "uniform_work, cat1, cat2, responsibility, misconduct; see " SRC
			    "data/rules/sanctions.csv)");
	assert_int_equal(stroom_rules_sanction(r, "rotterdam", "cat1", 0, d, &pct, &months, NULL),
			 STROOM_EINVAL);
	assert_string_equal(stroom_error_last(), "offence 0: expected 1 or more");
	stroom_rules_free(r);
}

static int has_step(const stroom_benefit *b, const char *article, const char *param,
		    int64_t value, stroom_month from)
{
	int i;
	for (i = 0; i < b->nsteps; i++)
		if (!strcmp(b->trace[i].article, article) && !strcmp(b->trace[i].parameter, param) &&
		    b->trace[i].value == value && b->trace[i].valid_from == from)
			return 1;
	return 0;
}

static void test_trace(void **state)
{
	stroom_rules *r = load_fixture();
	stroom_household_input h = STROOM_HOUSEHOLD_INPUT_INIT;
	stroom_benefit b, quiet;
	stroom_month d = stroom_month_make(2024, 1);
	char line[320];
	(void)state;
	h.age = 35;
	h.sharers = 3;
	h.earnings_eurocent = 81735;
	h.sanction_pct = 30;
	assert_int_equal(stroom_rules_benefit(r, d, &h, &b), 0);
	assert_true(b.nsteps > 10 && b.nsteps <= STROOM_RULES_TRACE_MAX);
	assert_int_equal(b.cost_sharers, 3);
	assert_true(has_step(&b, "Participatiewet art. 21 sub b",
			     "norm married, both 21 to pension age", 183404, d));
	assert_true(has_step(&b, "Participatiewet art. 22a lid 1",
			     "A: cost-sharers, the person and partner included", 3,
			     STROOM_RULES_NO_MONTH));
	assert_true(has_step(&b, "Participatiewet art. 22a lid 1",
			     "cost-sharer norm (40% + A x 30%) / A x B", 79475, STROOM_RULES_NO_MONTH));
	assert_true(has_step(&b, "Participatiewet art. 22a lid 1", "cost-sharer base share", 400000,
			     STROOM_RULES_NO_MONTH));
	assert_true(has_step(&b, "Participatiewet art. 31 lid 2 sub n", "disregard maximum per month",
			     26400, d));
	assert_true(has_step(&b, "Participatiewet art. 31 lid 2 sub n", "disregard", 20434,
			     STROOM_RULES_NO_MONTH));
	assert_true(has_step(&b, "Participatiewet art. 19a lid 1 (Stb. 2022-499)",
			     "minimum age of a cost-sharer", 27, stroom_month_make(2023, 1)));
	assert_true(has_step(&b, "Participatiewet art. 18 lid 2", "sanction", 18174,
			     STROOM_RULES_NO_MONTH));
	/* 794.75 - (817.35 - 204.34) = 181.74; 30% of the norm is 238.43, capped at 181.74 */
	assert_int_equal(b.amount_eurocent, 0);
	assert_int_equal(b.sanction_eurocent, 18174);
	assert_string_equal(stroom_trace_step_format(&b.trace[b.nsteps - 1], line, sizeof line),
			    "Participatiewet art. 19 lid 3 | holiday allowance in the benefit | 0.00");
	/* without the trace: the same amounts, no steps */
	h.skip_trace = 1;
	assert_int_equal(stroom_rules_benefit(r, d, &h, &quiet), 0);
	assert_int_equal(quiet.nsteps, 0);
	assert_int_equal(quiet.amount_eurocent, b.amount_eurocent);
	assert_int_equal(quiet.norm_eurocent, b.norm_eurocent);
	assert_int_equal(quiet.sanction_eurocent, b.sanction_eurocent);
	stroom_rules_free(r);
}

/* Earnings 0 to 3000 euro in steps of 17.31 for household h at month m: the
 * parts add up, excl = round(95%), the benefit never rises and income never
 * falls as earnings rise. Returns the number of points checked. */
static int check_earnings_path(const stroom_rules *r, stroom_month m, stroom_household_input h)
{
	int64_t e, prev_amount = -1, prev_income = -1, before;
	int n = 0;
	for (e = 0; e <= 300000; e += 1731) {
		stroom_benefit b;
		h.earnings_eurocent = e;
		if (stroom_rules_benefit(r, m, &h, &b))
			fail_msg("%s", stroom_error_last());
		n++;
		before = b.norm_eurocent > b.offset_eurocent ? b.norm_eurocent - b.offset_eurocent : 0;
		assert_true(b.amount_eurocent >= 0);
		assert_int_equal(b.offset_eurocent + b.disregard_eurocent, e);
		assert_true(b.disregard_eurocent <= e);
		assert_int_equal(b.amount_eurocent, before - b.sanction_eurocent);
		assert_int_equal(b.amount_excl_holiday_eurocent + b.holiday_eurocent,
				 b.amount_eurocent);
		assert_int_equal(b.amount_excl_holiday_eurocent, (b.amount_eurocent * 95 + 50) / 100);
		if (prev_amount >= 0) {
			assert_true(b.amount_eurocent <= prev_amount);
			assert_true(e + b.amount_eurocent >= prev_income);
		}
		prev_amount = b.amount_eurocent;
		prev_income = e + b.amount_eurocent;
	}
	return n;
}

/* The invariants over a grid of household types, ages, dates, cost-sharers,
 * disregard months and sanctions. */
static void test_invariants(void **state)
{
	stroom_rules *r = load_fixture();
	static const int types[] = {STROOM_TYPE_SINGLE, STROOM_TYPE_SINGLE_PARENT,
				    STROOM_TYPE_COUPLE};
	static const int ages[] = {18, 20, 21, 44, 66, 67, 90};
	static const int months[] = {2015 * 12, 2023 * 12, 2024 * 12 + 6, 2025 * 12 + 6,
				     2026 * 12};
	size_t t, a, m;
	int sh, used, n = 0;
	(void)state;
	for (t = 0; t < 3; t++)
		for (a = 0; a < sizeof ages / sizeof ages[0]; a++)
			for (m = 0; m < sizeof months / sizeof months[0]; m++)
				for (sh = 0; sh <= 4; sh++)
					for (used = 0; used <= 40; used += 7) {
						stroom_household_input h = STROOM_HOUSEHOLD_INPUT_INIT;
						h.type = types[t];
						h.age = ages[a];
						h.partner_age = ages[(a + 3) % 7];
						h.has_child_under_12 = types[t] == STROOM_TYPE_SINGLE_PARENT;
						h.sharers = sh == 0 ? 0 : sh + 1;
						h.disregard_months_used = used;
						h.sanction_pct = (int)((t + a + m + (size_t)sh) % 3) * 30;
						h.skip_trace = 1;
						n += check_earnings_path(r, months[m], h);
					}
	assert_true(n > 100000);
	stroom_rules_free(r);
}

/* One invalid input: the error code and its exact one-line message. */
static void expect_einval(const stroom_rules *r, const stroom_household_input *h,
			  const char *message)
{
	stroom_benefit b;
	assert_int_equal(stroom_rules_benefit(r, stroom_month_make(2024, 1), h, &b), STROOM_EINVAL);
	assert_string_equal(stroom_error_last(), message);
}

static void test_input_errors(void **state)
{
	stroom_rules *r = load_fixture();
	stroom_household_input ok = STROOM_HOUSEHOLD_INPUT_INIT, h;
	stroom_benefit b;
	(void)state;
	ok.age = 35;
	h = ok;
	h.version = 0;
	expect_einval(r, &h, "version 0: expected 1 (STROOM_HOUSEHOLD_INPUT_VERSION)");
	h = ok;
	h.type = 5;
	expect_einval(r, &h, "type 5: expected single, single_parent or couple");
	h = ok;
	h.age = 17;
	expect_einval(r, &h, "age 17: expected 18 to 120 (no bijstand under 18, Participatiewet "
			     "art. 13 lid 1 sub f)");
	h = ok;
	h.age = 0;
	expect_einval(r, &h, "age 0: expected 18 to 120 (no bijstand under 18, Participatiewet "
			     "art. 13 lid 1 sub f)");
	h = ok;
	h.type = STROOM_TYPE_COUPLE;
	expect_einval(r, &h, "partner_age 0: expected 18 to 120 for a couple");
	h = ok;
	h.birth_month = stroom_month_make(2024, 2);
	expect_einval(r, &h, "birth_month 2024-02: after the date 2024-01");
	h = ok;
	h.birth_month = stroom_month_make(1960, 3);
	expect_einval(r, &h, "birth_month 1960-03: a person born then is 63 in 2024-01, but the age "
			     "given is 35");
	h = ok;
	h.type = STROOM_TYPE_COUPLE;
	h.partner_age = 40;
	h.partner_birth_month = stroom_month_make(1999, 1);
	expect_einval(r, &h, "partner_birth_month 1999-01: a person born then is 25 in 2024-01, but "
			     "the age given is 40");
	h = ok;
	h.has_children = 2;
	expect_einval(r, &h, "has_children 2: expected 0 to 1");
	h = ok;
	h.has_child_under_12 = -1;
	expect_einval(r, &h, "has_child_under_12 -1: expected 0 to 1");
	h = ok;
	h.sharers = 21;
	expect_einval(r, &h, "sharers 21: expected 0 to 20");
	h = ok;
	h.sharers_student = -1;
	expect_einval(r, &h, "sharers_student -1: expected 0 to 20");
	h = ok;
	h.sharers_commercial = 30;
	expect_einval(r, &h, "sharers_commercial 30: expected 0 to 20");
	h = ok;
	h.sharers_institution = -2;
	expect_einval(r, &h, "sharers_institution -2: expected 0 to 20");
	h = ok;
	h.sharers_aged_21_26 = 99;
	expect_einval(r, &h, "sharers_aged_21_26 99: expected 0 to 20");
	h = ok;
	h.earnings_eurocent = -1;
	expect_einval(r, &h, "earnings_eurocent -1: expected 0 to 100000000 (net per month)");
	h = ok;
	h.disregard_months_used = -1;
	expect_einval(r, &h, "disregard_months_used -1: expected 0 to 1200");
	h = ok;
	h.sanction_pct = 101;
	expect_einval(r, &h, "sanction_pct 101: expected 0 to 100");
	h = ok;
	h.skip_trace = 3;
	expect_einval(r, &h, "skip_trace 3: expected 0 to 1");
	h = ok;
	h.type = STROOM_TYPE_COUPLE;
	h.partner_age = 40;
	h.sharers = 1;
	expect_einval(r, &h, "sharers 1: the household itself counts 2 persons of 21 or older (0 = "
			     "no cost-sharers)");
	h = ok;
	h.sharers = 2;
	h.sharers_student = 1;
	h.sharers_commercial = 1;
	expect_einval(r, &h, "sharers_student + sharers_commercial + sharers_institution + "
			     "sharers_aged_21_26 = 2: more than the 1 co-resident in sharers");
	h = ok;
	h.sharers_student = 1;
	expect_einval(r, &h, "sharers_student + sharers_commercial + sharers_institution + "
			     "sharers_aged_21_26 = 1: more than the 0 co-residents in sharers");
	assert_int_equal(stroom_rules_benefit(NULL, stroom_month_make(2024, 1), &ok, &b),
			 STROOM_EINVAL);
	assert_string_equal(stroom_error_last(), "rules_benefit: NULL argument");
	assert_int_equal(stroom_rules_benefit(r, stroom_month_make(2024, 1), NULL, &b),
			 STROOM_EINVAL);
	assert_int_equal(stroom_rules_benefit(r, stroom_month_make(2024, 1), &ok, NULL),
			 STROOM_EINVAL);
	stroom_rules_free(r);
}

/* Writes text to a temporary file; returns its path (static buffer per slot). */
static const char *temp_file(int slot, const char *text)
{
	static char paths[4][64];
	int fd;
	FILE *fp;
	snprintf(paths[slot], sizeof paths[slot], "/tmp/stroom_rules_XXXXXX");
	fd = mkstemp(paths[slot]);
	assert_true(fd >= 0);
	fp = fdopen(fd, "w");
	assert_non_null(fp);
	fputs(text, fp);
	fclose(fp);
	return paths[slot];
}

#define NORMS_HEADER                                                                          \
	"valid_from,category,incl_vt_eurocent,excl_vt_eurocent,vt_eurocent,article,source,"  \
	"second_source,verified,note\n"
#define CONSTANTS_OK                                                                          \
	"name,value,article,source,note\nholiday_allowance_share,5%,,,\ndisregard_share,0.25,,,\n" \
	"disregard_months,6,,,\nsingle_parent_disregard_share,0.125,,,\n"                     \
	"cost_sharer_base_share,0.4,,,\ncost_sharer_per_person_share,0.3,,,\n"                     \
	"single_parent_disregard_months,30,,,\nother_module,7,,,\n"

/* Loading with these norms and constants texts fails with code and message
 * (in which %N stands for the norms path and %C for the constants path). */
static void expect_load_error(const char *norms, const char *constants, int code,
			      const char *message)
{
	stroom_rules_options o = STROOM_RULES_OPTIONS_INIT;
	stroom_rules *r = (stroom_rules *)1;
	char want[512];
	const char *np = temp_file(0, norms), *cp = temp_file(1, constants), *s;
	size_t n = 0;
	o.norms_path = np;
	o.constants_path = cp;
	o.provisions_path = SRC "data/rules/provisions.csv";
	o.aow_path = SRC "data/rules/aow.csv";
	o.sanctions_path = SRC "data/rules/sanctions.csv";
	for (s = message; *s && n < sizeof want - 64; s++) {
		if (s[0] == '%' && (s[1] == 'N' || s[1] == 'C')) {
			n += (size_t)snprintf(want + n, sizeof want - n, "%s", s[1] == 'N' ? np : cp);
			s++;
		} else {
			want[n++] = *s;
		}
	}
	want[n] = '\0';
	assert_int_equal(stroom_rules_load_ext(&r, &o, NULL), code);
	assert_null(r);
	assert_string_equal(stroom_error_last(), want);
	unlink(np);
	unlink(cp);
}

static void test_load_errors(void **state)
{
	stroom_rules *r = NULL;
	stroom_rules_options o = STROOM_RULES_OPTIONS_INIT;
	(void)state;
	expect_load_error("", CONSTANTS_OK, STROOM_EPARSE,
			  "%N: no header line (expected 'valid_from,...')");
	expect_load_error("# only a comment\n\n", CONSTANTS_OK, STROOM_EPARSE,
			  "%N: no header line (expected 'valid_from,...')");
	expect_load_error("valid_from,category,incl,excl\n", CONSTANTS_OK, STROOM_EPARSE,
			  "%N:1:21: header: expected column 'incl_vt_eurocent', got 'incl'");
	expect_load_error(NORMS_HEADER, CONSTANTS_OK, STROOM_EPARSE, "%N: no rows");
	expect_load_error(NORMS_HEADER "2024-01-01,art21_single,128383,,,a,s,,yes\n", CONSTANTS_OK,
			  STROOM_EPARSE, "%N:2: expected 10 fields, got 9");
	expect_load_error(NORMS_HEADER "2024-01-15,art21_single,128383,,,a,s,,yes,\n", CONSTANTS_OK,
			  STROOM_EPARSE,
			  "%N:2:1: column valid_from: expected a date on the 1st of a month "
			  "(YYYY-MM-01), got '2024-01-15'");
	expect_load_error(NORMS_HEADER "2024-01-01,art21_solo,128383,,,a,s,,yes,\n", CONSTANTS_OK,
			  STROOM_EPARSE,
			  "%N:2:12: column category: expected a known category (art21_single, "
			  "art21_couple, art20_..., art22_..., disregard_max, "
			  "single_parent_disregard_max), got 'art21_solo'");
	expect_load_error(NORMS_HEADER "2024-01-01,art21_single,1283.83,,,a,s,,yes,\n",
			  CONSTANTS_OK, STROOM_EPARSE,
			  "%N:2:25: column incl_vt_eurocent: expected a whole number from 0 to "
			  "100000000 or empty, got '1283.83'");
	expect_load_error(NORMS_HEADER "2024-01-01,art21_single,128383,-5,,a,s,,yes,\n",
			  CONSTANTS_OK, STROOM_EPARSE,
			  "%N:2:32: column excl_vt_eurocent: expected a whole number from 0 to "
			  "100000000 or empty, got '-5'");
	expect_load_error(NORMS_HEADER "2024-01-01,art21_single,128383,,,a,s,,maybe,\n",
			  CONSTANTS_OK, STROOM_EPARSE,
			  "%N:2:39: column verified: expected yes, one-source, derived or "
			  "unverified, got 'maybe'");
	expect_load_error(NORMS_HEADER "2024-01-01,art21_single,128383,,,a,s,,yes,\n"
				       "# a comment\r\n"
				       "2024-01-01,art21_single,128384,,,a,s,,yes,\r\n",
			  CONSTANTS_OK, STROOM_EPARSE,
			  "%N:4: category art21_single at 2024-01-01 repeats line 2");
	/* constants */
	expect_load_error(NORMS_HEADER "2024-01-01,art21_single,128383,,,a,s,,yes,\n",
			  "name,value,article,source,note\nholiday_allowance_share,0.05,,,\n",
			  STROOM_EINVAL, "%C: constant disregard_share is missing");
	expect_load_error(NORMS_HEADER "2024-01-01,art21_single,128383,,,a,s,,yes,\n",
			  "name,value,article,source,note\nholiday_allowance_share,5,,,\n",
			  STROOM_EPARSE,
			  "%C:2:25: column value: expected a share from 0 to 1 (e.g. 0.05) or a "
			  "percentage (5%), got '5'");
	expect_load_error(NORMS_HEADER "2024-01-01,art21_single,128383,,,a,s,,yes,\n",
			  "name,value,article,source,note\ndisregard_share,0.2x,,,\n", STROOM_EPARSE,
			  "%C:2:17: column value: expected a share from 0 to 1 (e.g. 0.05) or a "
			  "percentage (5%), got '0.2x'");
	expect_load_error(NORMS_HEADER "2024-01-01,art21_single,128383,,,a,s,,yes,\n",
			  "name,value,article,source,note\ndisregard_months,six,,,\n", STROOM_EPARSE,
			  "%C:2:18: column value: expected a whole number from 0 to 1200, got 'six'");
	expect_load_error(NORMS_HEADER "2024-01-01,art21_single,128383,,,a,s,,yes,\n",
			  "name,value,article,source,note\ndisregard_share,0.25,,,\n"
			  "disregard_share,0.25,,,\n",
			  STROOM_EPARSE,
			  "%C:3:1: column name: expected each name once, got 'disregard_share'");
	/* a file that does not exist; a builtin option version */
	assert_int_equal(stroom_rules_load(&r, "/nonexistent/norms.csv", NULL, NULL),
			 STROOM_ENOTFOUND);
	assert_null(r);
	assert_non_null(strstr(stroom_error_last(), "rules: cannot read '/nonexistent/norms.csv'"));
	o.version = 7;
	assert_int_equal(stroom_rules_load_ext(&r, &o, NULL), STROOM_EINVAL);
	assert_string_equal(stroom_error_last(), "rules: options version 7, expected 1");
	assert_int_equal(stroom_rules_load_ext(NULL, NULL, NULL), STROOM_EINVAL);
	stroom_rules_free(NULL);
}

/* A category whose amount the data does not know. */
static void test_unknown_amount(void **state)
{
	stroom_rules_options o = STROOM_RULES_OPTIONS_INIT;
	stroom_rules *r = NULL;
	stroom_household_input h = STROOM_HOUSEHOLD_INPUT_INIT;
	stroom_benefit b;
	char want[256];
	const char *np = temp_file(0, NORMS_HEADER "2024-01-01,art21_single,128383,,,a,s,,yes,\n"
						   "2024-01-01,art21_couple,,,,a,s,,unverified,\n");
	const char *cp = temp_file(1, CONSTANTS_OK);
	(void)state;
	o.norms_path = np;
	o.constants_path = cp;
	o.provisions_path = SRC "data/rules/provisions.csv";
	o.aow_path = SRC "data/rules/aow.csv";
	o.sanctions_path = SRC "data/rules/sanctions.csv";
	assert_int_equal(stroom_rules_load_ext(&r, &o, NULL), 0);
	h.age = 35;
	assert_int_equal(stroom_rules_benefit(r, stroom_month_make(2024, 3), &h, &b), 0);
	assert_int_equal(b.amount_eurocent, 128383);
	h.type = STROOM_TYPE_COUPLE;
	h.partner_age = 33;
	assert_int_equal(stroom_rules_benefit(r, stroom_month_make(2024, 3), &h, &b),
			 STROOM_ENOTFOUND);
	snprintf(want, sizeof want,
		 "date 2024-03: art21_couple has no amount in %s (empty at its latest valid_from)",
		 np);
	assert_string_equal(stroom_error_last(), want);
	h.type = STROOM_TYPE_SINGLE;
	h.age = 19;
	assert_int_equal(stroom_rules_benefit(r, stroom_month_make(2024, 3), &h, &b),
			 STROOM_ENOTFOUND);
	snprintf(want, sizeof want, "date 2024-03: art20_single has no amount in %s", np);
	assert_string_equal(stroom_error_last(), want);
	/* earnings need the disregard maximum */
	h.age = 35;
	h.earnings_eurocent = 10000;
	assert_int_equal(stroom_rules_benefit(r, stroom_month_make(2024, 3), &h, &b),
			 STROOM_ENOTFOUND);
	snprintf(want, sizeof want, "date 2024-03: disregard_max has no amount in %s", np);
	assert_string_equal(stroom_error_last(), want);
	stroom_rules_free(r);
	unlink(np);
	unlink(cp);
}


/* Fails allocation 1, 2, ... until loading succeeds: ENOMEM each time and
 * nothing live; then the rules work and free everything. Both from files and
 * from the builtin copies (when present). */
static void enomem_loop(int builtin)
{
	int n, succeeded = 0;
	for (n = 1; n < 200 && !succeeded; n++) {
		failing f = {n, 0, 0};
		stroom_allocator a = {f_malloc, f_realloc, f_free, &f};
		stroom_rules_options o = STROOM_RULES_OPTIONS_INIT;
		stroom_rules *r = NULL;
		int err;
		if (!builtin) {
			o.norms_path = FIX "norms.csv";
			o.constants_path = FIX "constants.csv";
			o.provisions_path = SRC "data/rules/provisions.csv";
			o.aow_path = SRC "data/rules/aow.csv";
			o.sanctions_path = SRC "data/rules/sanctions.csv";
		}
		err = stroom_rules_load_ext(&r, &o, &a);
		if (err == 0) {
			stroom_household_input h = STROOM_HOUSEHOLD_INPUT_INIT;
			stroom_benefit b;
			succeeded = 1;
			assert_true(n > 5);
			h.age = 35;
			assert_int_equal(stroom_rules_benefit(r, stroom_month_make(2024, 1), &h, &b), 0);
			assert_int_equal(b.amount_eurocent, 128383);
			stroom_rules_free(r);
		} else {
			assert_int_equal(err, STROOM_ENOMEM);
			assert_null(r);
		}
		assert_int_equal(f.live, 0);
	}
	assert_true(succeeded);
}

static void test_enomem(void **state)
{
	stroom_rules *r = load_builtin();
	(void)state;
	enomem_loop(0);
	if (r) {
		stroom_rules_free(r);
		enomem_loop(1);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cases_fixture),
		cmocka_unit_test(test_cases_builtin),
		cmocka_unit_test(test_rows_fixture),
		cmocka_unit_test(test_rows_builtin),
		cmocka_unit_test(test_first_month_and_date),
		cmocka_unit_test(test_pension_age),
		cmocka_unit_test(test_sanctions),
		cmocka_unit_test(test_trace),
		cmocka_unit_test(test_invariants),
		cmocka_unit_test(test_input_errors),
		cmocka_unit_test(test_load_errors),
		cmocka_unit_test(test_unknown_amount),
		cmocka_unit_test(test_enomem),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
