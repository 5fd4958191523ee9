/*
 * test_budget.c: the budget module. Worked examples of the result and the safety
 * net computed by hand (deficits below, at, just above, between and beyond the
 * thresholds; surpluses; the three-band rule of 2016-2018; the multi-year
 * condition; recoveries and other income; rounding at odd cents); the volume/price
 * split adding up to the result exactly; the builtin tables; every load and input
 * error with its exact message; the many-municipality counts on
 * examples/municipalities.csv and an R-squared on a small fixture, both by hand;
 * ENOMEM at every allocation of loading with nothing leaked.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stroom/budget.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "failing_alloc.h"

#define TEST_DIR_PREFIX "test_budget"
#include "test_util.h"

#define SRC STROOM_SOURCE_DIR "/"

/* EUR 817,350,000.00: the budget of most worked examples. */
#define B817 ((int64_t)81735000000)

static stroom_budget *load_rules_only(void)
{
	stroom_budget *b = NULL;
	int err = stroom_budget_load(&b, NULL, NULL, NULL);
	if (err)
		fprintf(stderr, "load: %s\n", stroom_error_last());
	assert_int_equal(err, 0);
	return b;
}

/* Computes budget/spending (eurocent) under the rule of year; returns the result. */
static stroom_budget_result run(const stroom_budget *b, int year, int64_t budget, int64_t spending)
{
	stroom_budget_input in = STROOM_BUDGET_INPUT_INIT;
	const stroom_safety_net_rule *rule;
	stroom_budget_result r;
	assert_int_equal(stroom_budget_rule(b, year, &rule), 0);
	in.year = year;
	in.budget_eurocent = budget;
	in.spending_eurocent = spending;
	assert_int_equal(stroom_budget_compute(&in, rule, &r), 0);
	return r;
}

static void check(const stroom_budget_result *r, int64_t result, int64_t net, int64_t safety,
		  int64_t own)
{
	assert_int_equal(r->result_eurocent, result);
	assert_int_equal(r->safety_net_eurocent, safety);
	assert_int_equal(r->own_risk_eurocent, own);
	assert_int_equal(r->result_after_safety_net_eurocent, result + safety);
	assert_int_equal(r->deficit_eurocent, result < 0 ? -result : 0);
	assert_int_equal(r->deficit_eurocent, r->safety_net_eurocent + r->own_risk_eurocent);
	assert_true(fabs(r->result_pct - 100.0 * (double)result / (double)r->budget_eurocent) <
		    1e-12);
	(void)net;
}

/* The rule since 2019 (here 2021, seed 003 L557-561): above 7.5% of the budget half
 * of the part up to 12.5% is paid, all of the part above. Budget 817,350,000.00:
 * 7.5% = 61,301,250.00, 12.5% = 102,168,750.00. */
static void test_worked_examples_2021(void **state)
{
	stroom_budget *b = load_rules_only();
	stroom_budget_result r;
	(void)state;
	/* surplus: spending 735,615,000.00 -> result +81,735,000.00 = +10% */
	r = run(b, 2021, B817, 73561500000);
	check(&r, 8173500000, 73561500000, 0, 0);
	assert_true(fabs(r.result_pct - 10.0) < 1e-12);
	assert_int_equal(r.eligible, 0);
	/* balanced */
	r = run(b, 2021, B817, B817);
	check(&r, 0, B817, 0, 0);
	/* deficit below the threshold: spending 866,391,000.00 -> -49,041,000.00 = -6%:
	 * nothing paid, own risk 49,041,000.00 */
	r = run(b, 2021, B817, 86639100000);
	check(&r, -4904100000, 0, 0, 4904100000);
	/* exactly 7.5%: deficit 61,301,250.00 is not above the threshold */
	r = run(b, 2021, B817, 87865125000);
	check(&r, -6130125000, 0, 0, 6130125000);
	assert_int_equal(r.eligible, 0);
	assert_true(fabs(r.result_pct + 7.5) < 1e-12);
	/* one cent above 7.5%: 1 cent in the 50% band = 0.5 cent, rounded half up to 1 */
	r = run(b, 2021, B817, 87865125001);
	check(&r, -6130125001, 0, 1, 6130125000);
	assert_int_equal(r.eligible, 1);
	/* 10% (seed 003: 1.25% paid, 8.75% own risk): deficit 81,735,000.00; paid
	 * 0.5 x (81,735,000.00 - 61,301,250.00) = 10,216,875.00; own risk 71,518,125.00 */
	r = run(b, 2021, B817, 89908500000);
	check(&r, -8173500000, 0, 1021687500, 7151812500);
	/* exactly 12.5%: deficit 102,168,750.00; paid 0.5 x 40,867,500.00 = 20,433,750.00;
	 * own risk 81,735,000.00 = the maximum 10% */
	r = run(b, 2021, B817, 91951875000);
	check(&r, -10216875000, 0, 2043375000, 8173500000);
	/* 20% (seed 003: own risk capped at 10%): deficit 163,470,000.00; paid
	 * 20,433,750.00 + (163,470,000.00 - 102,168,750.00) = 81,735,000.00 */
	r = run(b, 2021, B817, 98082000000);
	check(&r, -16347000000, 0, 8173500000, 8173500000);
	/* 12.5% plus one cent: the cent is paid in full */
	r = run(b, 2021, B817, 91951875001);
	check(&r, -10216875001, 0, 2043375001, 8173500000);
	stroom_budget_free(b);
}

/* 2016-2018: from 5%, 50% up to 10%, 75% up to 12.5%, 100% above (own risk at most
 * 5 + 2.5 + 0.625 = 8.125%). */
static void test_worked_examples_three_bands(void **state)
{
	stroom_budget *b = load_rules_only();
	const stroom_safety_net_rule *rule;
	stroom_budget_result r;
	(void)state;
	assert_int_equal(stroom_budget_rule(b, 2016, &rule), 0);
	assert_int_equal(rule->nbands, 3);
	assert_int_equal(rule->threshold_ppm[0], 50000);
	assert_int_equal(rule->threshold_ppm[2], 125000);
	assert_int_equal(rule->share_ppm[1], 750000);
	/* 13% deficit = 106,255,500.00: 0.5 x 40,867,500.00 (5-10%) = 20,433,750.00
	 * + 0.75 x 20,433,750.00 (10-12.5%) = 15,325,312.50 + 1 x 4,086,750.00 (12.5-13%)
	 * = 39,845,812.50; own risk 66,409,687.50 */
	r = run(b, 2016, B817, B817 + 10625550000);
	check(&r, -10625550000, 0, 3984581250, 6640968750);
	/* 7.5% in 2016 is above that year's 5% threshold: 0.5 x 20,433,750.00 */
	r = run(b, 2016, B817, 87865125000);
	check(&r, -6130125000, 0, 1021687500, 5108437500);
	/* exactly 5%: nothing */
	r = run(b, 2017, B817, B817 + 4086750000);
	check(&r, -4086750000, 0, 0, 4086750000);
	/* 20% under 2017's rule: own risk 8.125% = 66,409,687.50 */
	r = run(b, 2017, B817, 98082000000);
	check(&r, -16347000000, 0, 9706031250, 6640968750);
	stroom_budget_free(b);
}

/* The multi-year condition (since 2017): this year's deficit and the results of
 * the two years before, added up, must be a deficit above the first threshold. */
static void test_multi_year(void **state)
{
	stroom_budget *b = load_rules_only();
	const stroom_safety_net_rule *rule;
	stroom_budget_input in = STROOM_BUDGET_INPUT_INIT;
	stroom_budget_result r;
	(void)state;
	assert_int_equal(stroom_budget_rule(b, 2021, &rule), 0);
	assert_int_equal(rule->applies, STROOM_SAFETY_NET_MULTI_YEAR);
	in.year = 2021;
	in.budget_eurocent = B817;
	in.spending_eurocent = 89908500000; /* -10% */
	/* surpluses of 30,000,000.00 and 20,000,000.00 before: -81,735,000.00 +
	 * 50,000,000.00 = -31,735,000.00 = 3.88%: nothing paid */
	in.nprior = 2;
	in.prior_result_eurocent[0] = 3000000000;
	in.prior_result_eurocent[1] = 2000000000;
	assert_int_equal(stroom_budget_compute(&in, rule, &r), 0);
	check(&r, -8173500000, 0, 0, 8173500000);
	assert_int_equal(r.eligible, 0);
	/* -1,000,000.00 and +1,000,000.00: cumulative -10%: paid as a single year */
	in.prior_result_eurocent[0] = -100000000;
	in.prior_result_eurocent[1] = 100000000;
	assert_int_equal(stroom_budget_compute(&in, rule, &r), 0);
	check(&r, -8173500000, 0, 1021687500, 7151812500);
	/* only the year before known (+25,000,000.00): -56,735,000.00 = 6.94%: nothing */
	in.nprior = 1;
	in.prior_result_eurocent[0] = 2500000000;
	assert_int_equal(stroom_budget_compute(&in, rule, &r), 0);
	assert_int_equal(r.safety_net_eurocent, 0);
	/* the cumulative deficit exactly 7.5% (61,301,250.00): not above */
	in.prior_result_eurocent[0] = 2043375000; /* -81,735,000.00 + 20,433,750.00 */
	assert_int_equal(stroom_budget_compute(&in, rule, &r), 0);
	assert_int_equal(r.eligible, 0);
	/* a single-year rule ignores the years before: 2016 */
	assert_int_equal(stroom_budget_rule(b, 2016, &rule), 0);
	in.year = 2016;
	in.prior_result_eurocent[0] = 5000000000;
	assert_int_equal(stroom_budget_compute(&in, rule, &r), 0);
	assert_int_equal(r.eligible, 1);
	stroom_budget_free(b);
}

/* Recoveries and other income lower the net spending; odd cents round half up. */
static void test_net_spending_and_rounding(void **state)
{
	stroom_budget *b = load_rules_only();
	const stroom_safety_net_rule *rule;
	stroom_budget_input in = STROOM_BUDGET_INPUT_INIT;
	stroom_budget_result r;
	(void)state;
	assert_int_equal(stroom_budget_rule(b, 2024, &rule), 0);
	in.year = 2024;
	in.budget_eurocent = B817;
	in.spending_eurocent = 89908500000;   /* 899,085,000.00 */
	in.recoveries_eurocent = 1234567890;  /* 12,345,678.90 */
	in.other_income_eurocent = 123456789; /* 1,234,567.89 */
	in.nprior = 2;
	in.prior_result_eurocent[0] = -1;
	in.prior_result_eurocent[1] = -1;
	assert_int_equal(stroom_budget_compute(&in, rule, &r), 0);
	/* net 885,504,753.21; result -68,154,753.21; paid 0.5 x (68,154,753.21 -
	 * 61,301,250.00) = 3,426,751.605 -> 3,426,751.61 */
	assert_int_equal(r.net_spending_eurocent, 88550475321);
	check(&r, -6815475321, 0, 342675161, 6815475321 - 342675161);
	/* budget 817,350,000.37: 7.5% = 61,301,250.02775; a deficit of 61,301,250.02 is
	 * not above it; 61,301,250.03 is, with the threshold rounded to .03: paid 0 */
	in.budget_eurocent = 81735000037;
	in.recoveries_eurocent = in.other_income_eurocent = 0;
	in.nprior = 0;
	in.spending_eurocent = 81735000037 + 6130125002;
	assert_int_equal(stroom_budget_compute(&in, rule, &r), 0);
	assert_int_equal(r.eligible, 0);
	in.spending_eurocent = 81735000037 + 6130125003;
	assert_int_equal(stroom_budget_compute(&in, rule, &r), 0);
	assert_int_equal(r.eligible, 1);
	assert_int_equal(r.safety_net_eurocent, 0);
	assert_int_equal(r.own_risk_eurocent, 6130125003);
	stroom_budget_free(b);
}

/* Volume part = budget - households x base price; price part = the rest. */
static void test_volume_price_split(void **state)
{
	stroom_budget *b = load_rules_only();
	const stroom_safety_net_rule *rule;
	stroom_budget_input in = STROOM_BUDGET_INPUT_INIT;
	stroom_budget_result r;
	unsigned int seed = 817;
	int i;
	(void)state;
	assert_int_equal(stroom_budget_rule(b, 2024, &rule), 0);
	in.year = 2024;
	in.budget_eurocent = B817;
	in.spending_eurocent = 89908500000;
	in.households = 31250.5;
	in.base_price_eurocent = 2514679; /* 25,146.79 a household-year */
	assert_int_equal(stroom_budget_compute(&in, rule, &r), 0);
	/* 31,250.5 x 2,514,679 = 78,584,976,089.5 -> 78,584,976,090 (half away from 0);
	 * budgeted households 81,735,000,000 / 2,514,679 = 32,503.15...; volume part
	 * 81,735,000,000 - 78,584,976,090 = 3,150,023,910 (31,500,239.10 fewer
	 * households than budgeted); price part -8,173,500,000 - 3,150,023,910 */
	assert_int_equal(r.has_split, 1);
	assert_int_equal(r.volume_part_eurocent, 3150023910);
	assert_int_equal(r.price_part_eurocent, -11323523910);
	assert_int_equal(r.volume_part_eurocent + r.price_part_eurocent, r.result_eurocent);
	assert_true(fabs(r.budgeted_households - 81735000000.0 / 2514679.0) < 1e-9);
	/* the base price in the base year itself: the price part is (almost) zero */
	in.base_price_eurocent = stroom_budget_price(in.spending_eurocent, in.households);
	/* 89,908,500,000 / 31,250.5 = 2,877,025.9676 -> 2,877,026 */
	assert_int_equal(in.base_price_eurocent, 2877026);
	assert_int_equal(stroom_budget_compute(&in, rule, &r), 0);
	/* 31,250.5 x 2,877,026 = 89,908,501,013: the price rounded to the cent leaves
	 * 31,250.5 x 0.0324 = 1,013 cents in the price part (at most households / 2) */
	assert_int_equal(r.volume_part_eurocent, -8173501013);
	assert_int_equal(r.price_part_eurocent, 1013);
	assert_int_equal(stroom_budget_price(5734567890, 0), 0);
	/* no base price: no split */
	in.base_price_eurocent = 0;
	assert_int_equal(stroom_budget_compute(&in, rule, &r), 0);
	assert_int_equal(r.has_split, 0);
	/* the invariant over many inputs */
	for (i = 0; i < 2000; i++) {
		seed = seed * 1103515245u + 12345u;
		in.budget_eurocent = 1 + (int64_t)(seed % 900000000u) * 1000 + (seed >> 20);
		seed = seed * 1103515245u + 12345u;
		in.spending_eurocent = (int64_t)(seed % 1000000000u) * 999 + (seed >> 22);
		seed = seed * 1103515245u + 12345u;
		in.households = (double)(seed % 4000000u) / 100.0;
		seed = seed * 1103515245u + 12345u;
		in.base_price_eurocent = 1 + seed % 5000000u;
		assert_int_equal(stroom_budget_compute(&in, rule, &r), 0);
		assert_int_equal(r.volume_part_eurocent + r.price_part_eurocent, r.result_eurocent);
		assert_int_equal(r.deficit_eurocent, r.safety_net_eurocent + r.own_risk_eurocent);
		assert_true(r.own_risk_eurocent >= 0 && r.safety_net_eurocent >= 0);
		/* own risk never above 10% of the budget (plus a cent of rounding) */
		assert_true(r.own_risk_eurocent <= in.budget_eurocent / 10 + 1);
	}
	stroom_budget_free(b);
}

static void test_compute_errors(void **state)
{
	stroom_budget *b = load_rules_only();
	const stroom_safety_net_rule *rule;
	stroom_budget_input in = STROOM_BUDGET_INPUT_INIT;
	stroom_budget_result r;
	(void)state;
	assert_int_equal(stroom_budget_rule(b, 2021, &rule), 0);
	in.year = 2021;
	in.budget_eurocent = -500;
	in.spending_eurocent = 100;
	assert_int_equal(stroom_budget_compute(&in, rule, &r), STROOM_EINVAL);
	assert_string_equal(stroom_error_last(), "budget -5.00: expected an amount above 0");
	in.budget_eurocent = 0;
	assert_int_equal(stroom_budget_compute(&in, rule, &r), STROOM_EINVAL);
	assert_string_equal(stroom_error_last(), "budget 0.00: expected an amount above 0");
	in.budget_eurocent = STROOM_BUDGET_MAX_EUROCENT + 1;
	assert_int_equal(stroom_budget_compute(&in, rule, &r), STROOM_EINVAL);
	assert_string_equal(stroom_error_last(),
			    "budget 10000000000.01: expected an amount up to 10000000000.00");
	in.budget_eurocent = B817;
	in.spending_eurocent = -100;
	assert_int_equal(stroom_budget_compute(&in, rule, &r), STROOM_EINVAL);
	assert_string_equal(
		stroom_error_last(),
		"spending -1.00: expected an amount of 0 or more, up to 10000000000.00");
	in.spending_eurocent = 100;
	in.recoveries_eurocent = -1;
	assert_int_equal(stroom_budget_compute(&in, rule, &r), STROOM_EINVAL);
	assert_string_equal(
		stroom_error_last(),
		"recoveries -0.01: expected an amount of 0 or more, up to 10000000000.00");
	in.recoveries_eurocent = 0;
	in.households = -1;
	assert_int_equal(stroom_budget_compute(&in, rule, &r), STROOM_EINVAL);
	assert_string_equal(stroom_error_last(), "households -1: expected a number from 0 to 1e9");
	in.households = 1e9;
	in.base_price_eurocent = 1000001;
	assert_int_equal(stroom_budget_compute(&in, rule, &r), STROOM_EINVAL);
	assert_string_equal(
		stroom_error_last(),
		"households 1e+09 x base price 10000.01: expected at most 10000000000000.00");
	in.base_price_eurocent = 0;
	in.households = 0;
	in.nprior = 3;
	assert_int_equal(stroom_budget_compute(&in, rule, &r), STROOM_EINVAL);
	assert_string_equal(stroom_error_last(), "nprior 3: expected 0, 1 or 2");
	in.nprior = 0;
	in.year = 2018; /* the 2019 rule given for 2018 */
	assert_int_equal(stroom_budget_compute(&in, rule, &r), STROOM_EINVAL);
	assert_string_equal(stroom_error_last(), "year 2018: the rule given starts in 2019");
	/* a year without rules */
	assert_int_equal(stroom_budget_rule(b, 2014, &rule), STROOM_EINVAL);
	assert_null(rule);
	assert_string_equal(
		stroom_error_last(),
		"year 2014: no safety-net rule (data/budget/safety-net.csv starts in 2015)");
	stroom_budget_free(b);
}

/* The builtin data: the rules by year and Rotterdam's table. */
static void test_builtin_data(void **state)
{
	stroom_budget *b = NULL;
	const stroom_budget_year *y;
	const stroom_safety_net_rule *rule;
	size_t i;
	(void)state;
	assert_int_equal(stroom_budget_load(&b, "rotterdam", NULL, NULL), 0);
	assert_string_equal(stroom_budget_path(b), "data/budget/rotterdam.csv");
	assert_int_equal(stroom_budget_first_year(b), 2015);
	assert_int_equal(stroom_budget_last_year(b), 2030);
	assert_int_equal(stroom_budget_count(b), 16);
	for (i = 0; i < stroom_budget_count(b); i++) {
		y = stroom_budget_row(b, i);
		assert_int_equal(y->year, 2015 + (int)i); /* every year once, in order */
		assert_true(y->budget_eurocent > 0);
		assert_true(y->source[0] != '\0');
		assert_int_equal(stroom_budget_rule(b, y->year, &rule), 0);
	}
	assert_null(stroom_budget_row(b, 16));
	assert_int_equal(stroom_budget_lookup(b, 2017, &y), 0);
	assert_int_equal(y->budget_eurocent, 51780000000);
	assert_int_equal(y->status, STROOM_BUDGET_FURTHER_PROVISIONAL);
	assert_string_equal(stroom_budget_status_name(y->status), "further_provisional");
	assert_int_equal(y->share_ppm, 87927);
	assert_int_equal(y->macro_budget_eurocent, 588900000000);
	assert_int_equal(y->recoveries_eurocent, 0);
	assert_int_equal(stroom_budget_lookup(b, 2015, &y), 0);
	assert_int_equal(y->status, STROOM_BUDGET_ASSUMPTION);
	assert_int_equal(y->macro_budget_eurocent, STROOM_BUDGET_UNKNOWN);
	assert_int_equal(y->share_ppm, -1);
	/* the declining path after 2026: 1% a year */
	assert_int_equal(stroom_budget_lookup(b, 2026, &y), 0);
	assert_int_equal(y->budget_eurocent, 64918820000);
	assert_int_equal(stroom_budget_lookup(b, 2027, &y), 0);
	assert_int_equal(y->budget_eurocent, 64269631800);
	assert_int_equal(stroom_budget_lookup(b, 2031, &y), STROOM_ENOTFOUND);
	assert_null(y);
	assert_string_equal(
		stroom_error_last(),
		"budget: no row for 2031 in data/budget/rotterdam.csv (covers 2015-2030)");
	/* rules */
	assert_int_equal(stroom_budget_rules_first_year(b), 2015);
	assert_int_equal(stroom_budget_rules_last_year(b), 2025);
	assert_int_equal(stroom_budget_rule(b, 2018, &rule), 0);
	assert_int_equal(rule->from_year, 2017);
	assert_int_equal(rule->threshold_ppm[0], 50000);
	assert_int_equal(rule->applies, STROOM_SAFETY_NET_MULTI_YEAR);
	assert_int_equal(stroom_budget_rule(b, 2021, &rule), 0);
	assert_int_equal(rule->from_year, 2019);
	assert_int_equal(rule->nbands, 2);
	assert_int_equal(rule->threshold_ppm[0], 75000);
	assert_int_equal(rule->threshold_ppm[1], 125000);
	assert_int_equal(rule->share_ppm[0], 500000);
	assert_int_equal(rule->share_ppm[1], 1000000);
	assert_int_equal(stroom_budget_rule(b, 2200, &rule), 0);
	assert_int_equal(rule->from_year, 2025);
	stroom_budget_free(b);
	stroom_budget_free(NULL);
	/* from the source file rather than the builtin copy: the same */
	assert_int_equal(stroom_budget_load(&b, NULL, SRC "data/budget/rotterdam.csv", NULL), 0);
	assert_int_equal(stroom_budget_count(b), 16);
	assert_string_equal(stroom_budget_path(b), SRC "data/budget/rotterdam.csv");
	stroom_budget_free(b);
	/* rules only */
	b = load_rules_only();
	assert_int_equal(stroom_budget_count(b), 0);
	assert_int_equal(stroom_budget_first_year(b), 0);
	assert_int_equal(stroom_budget_lookup(b, 2024, &y), STROOM_ENOTFOUND);
	assert_string_equal(stroom_error_last(),
			    "budget: no row for 2024 (no budget table loaded)");
	stroom_budget_free(b);
	/* unknown builtin table */
	assert_int_equal(stroom_budget_load(&b, "utrecht", NULL, NULL), STROOM_ENOTFOUND);
	assert_null(b);
	assert_string_equal(stroom_error_last(),
			    "budget: no builtin budget table 'utrecht' (builtin: generic, rotterdam)");
	assert_int_equal(stroom_budget_load(&b, NULL, "/nonexistent/b.csv", NULL),
			 STROOM_ENOTFOUND);
	assert_string_equal(stroom_error_last(),
			    "budget: cannot read '/nonexistent/b.csv': No such file or directory");
}

/* ---- load errors ------------------------------------------------------------------ */

/* The file name in the test directory, holding text. */
static const char *write_tmp(const char *name, const char *text)
{
	return test_write(in_dir(name), text, strlen(text));
}

#define TABLE_HEADER                                                                               \
	"year,budget_eur,status,macro_budget_eur,share,other_income_eur,recoveries_eur,source,"    \
	"note\n"
#define RULES_HEADER                                                                               \
	"from_year,first_threshold,second_threshold,first_share,second_share,third_threshold,"     \
	"third_share,applies,article,source,note\n"

/* want with its leading "%s" replaced by path. */
static void with_path(char *msg, size_t size, const char *want, const char *path)
{
	assert_true(want[0] == '%' && want[1] == 's');
	snprintf(msg, size, "%s%s", path, want + 2);
}

/* Loads text as a budget table (or as rules with rules=1) and checks code and message
 * (the leading "%s" of want is the file's path). */
static void load_error(int rules, const char *text, int code, const char *want)
{
	stroom_budget_options o = STROOM_BUDGET_OPTIONS_INIT;
	stroom_budget *b = NULL;
	char msg[1024];
	const char *path = write_tmp(rules ? "rules.csv" : "table.csv", text);
	if (rules)
		o.safety_net_path = path;
	else
		o.csv_path = path;
	assert_int_equal(stroom_budget_load_ext(&b, &o, NULL), code);
	assert_null(b);
	with_path(msg, sizeof msg, want, path);
	assert_string_equal(stroom_error_last(), msg);
}

static void test_load_errors(void **state)
{
	(void)state;
	/* more than 2 decimals */
	load_error(0, TABLE_HEADER "2024,604098460.123,assumption,,,,,src,assumption: x\n",
		   STROOM_EPARSE,
		   "%s:2:6: column budget_eur: expected an amount in euro with at most 2 decimals, "
		   "like 817350000.00, got '604098460.123'");
	/* a negative budget */
	load_error(0, "# comment\n" TABLE_HEADER "\n2024,-817350000.00,final,,,,,src,n\n",
		   STROOM_EINVAL,
		   "%s:4:6: column budget_eur: expected an amount above 0, got '-817350000.00'");
	load_error(0, TABLE_HEADER "2024,0,final,,,,,src,n\n", STROOM_EINVAL,
		   "%s:2:6: column budget_eur: expected an amount above 0, got '0'");
	load_error(0, TABLE_HEADER "2024,8e8,final,,,,,src,n\n", STROOM_EPARSE,
		   "%s:2:6: column budget_eur: expected an amount in euro with at most 2 decimals, "
		   "like 817350000.00, got '8e8'");
	load_error(0, TABLE_HEADER "2024,817350000,definitive,,,,,src,n\n", STROOM_EPARSE,
		   "%s:2:16: column status: expected provisional, further_provisional, final or "
		   "assumption, got 'definitive'");
	load_error(0, TABLE_HEADER "24,817350000,final,,,,,src,n\n", STROOM_EPARSE,
		   "%s:2:1: column year: expected a year from 1900 to 2200, got '24'");
	load_error(0, TABLE_HEADER "2024,817350000,final,,8.23,,,src,n\n", STROOM_EPARSE,
		   "%s:2:23: column share: expected a share from 0 to 1 (e.g. 0.075) or a "
		   "percentage (7.5%) or empty, got '8.23'");
	load_error(0, TABLE_HEADER "2024,817350000,final,,,,-1,src,n\n", STROOM_EINVAL,
		   "%s:2:25: column recoveries_eur: expected an amount of 0 or more or empty, got "
		   "'-1'");
	load_error(0, TABLE_HEADER "2024,817350000,assumption,,,,,src,a guess\n", STROOM_EINVAL,
		   "%s:2:35: column note: expected a note starting 'assumption' for status "
		   "assumption, got 'a guess'");
	load_error(0, TABLE_HEADER "2024,817350000,final,,,,,src\n", STROOM_EPARSE,
		   "%s:2: expected 9 fields, got 8");
	load_error(0, TABLE_HEADER "2024,817350000,final,,,,,src,n\n2023,8e2,final,,,,,s,n\n",
		   STROOM_EPARSE,
		   "%s:3:6: column budget_eur: expected an amount in euro with at most 2 decimals, "
		   "like 817350000.00, got '8e2'");
	load_error(0,
		   TABLE_HEADER "2024,817350000,final,,,,,src,n\n2023,1,final,,,,,s,n\n"
				"2024,2,final,,,,,s,n\n",
		   STROOM_EINVAL, "%s:4: year 2024 repeats line 2");
	load_error(0, "year,budget,status\n", STROOM_EPARSE,
		   "%s:1:6: header: expected column 'budget_eur', got 'budget'");
	load_error(0, "# only a comment\n", STROOM_EPARSE,
		   "%s: no header line (expected 'year,...')");
	load_error(0, TABLE_HEADER, STROOM_EPARSE, "%s: no rows");
	/* the rules */
	load_error(1, RULES_HEADER "2019,12.5%,7.5%,50%,100%,,,multi_year,a,s,n\n", STROOM_EINVAL,
		   "%s:2:12: column second_threshold: expected a threshold above first_threshold, "
		   "got '7.5%'");
	load_error(1, RULES_HEADER "2019,7.5%,12.5%,50%,100%,10%,100%,yes,a,s,n\n", STROOM_EINVAL,
		   "%s:2:26: column third_threshold: expected a threshold above second_threshold, "
		   "got '10%'");
	load_error(
		1, RULES_HEADER "2019,7.5%,12.5%,50%,100%,15%,,yes,a,s,n\n", STROOM_EINVAL,
		"%s:2:30: column third_share: expected third_threshold and third_share both given "
		"or both empty, got ''");
	load_error(1, RULES_HEADER "2019,7.5%,12.5%,50%,150%,,,yes,a,s,n\n", STROOM_EPARSE,
		   "%s:2:21: column second_share: expected a share from 0 to 1 (e.g. 0.075) or a "
		   "percentage (7.5%), got '150%'");
	load_error(1, RULES_HEADER "2019,7.5%,12.5%,50%,100%,,,sometimes,a,s,n\n", STROOM_EPARSE,
		   "%s:2:28: column applies: expected yes, multi_year or no, got 'sometimes'");
	load_error(1,
		   RULES_HEADER "2019,7.5%,12.5%,50%,100%,,,yes,a,s,n\n"
				"2019,5%,12.5%,50%,100%,,,yes,a,s,n\n",
		   STROOM_EINVAL, "%s:3: from_year 2019 repeats line 2");
}

/* A fixture rule with applies=no, and CRLF line ends with a BOM. */
static void test_rules_fixture(void **state)
{
	stroom_budget_options o = STROOM_BUDGET_OPTIONS_INIT;
	stroom_budget *b = NULL;
	stroom_budget_result r;
	const stroom_safety_net_rule *rule;
	stroom_budget_input in = STROOM_BUDGET_INPUT_INIT;
	(void)state;
	o.safety_net_path = write_tmp("rules.csv", "\xEF\xBB\xBF" RULES_HEADER
						   "2010,7.5%,12.5%,50%,100%,,,no,a,s,n\r\n"
						   "2012,0.1,0.2,0.25,1,,,yes,a,s,n\r\n");
	assert_int_equal(stroom_budget_load_ext(&b, &o, NULL), 0);
	assert_int_equal(stroom_budget_rule(b, 2011, &rule), 0);
	assert_int_equal(rule->applies, STROOM_SAFETY_NET_NO);
	in.year = 2011;
	in.budget_eurocent = B817;
	in.spending_eurocent = 98082000000; /* -20% */
	assert_int_equal(stroom_budget_compute(&in, rule, &r), 0);
	check(&r, -16347000000, 0, 0, 16347000000);
	/* 2012: 10%-20% paid at 25%: 0.25 x 81,735,000.00 = 20,433,750.00 at exactly 20% */
	in.year = 2012;
	assert_int_equal(stroom_budget_rule(b, 2012, &rule), 0);
	assert_int_equal(rule->threshold_ppm[0], 100000);
	assert_string_equal(rule->note, "n");
	assert_int_equal(stroom_budget_compute(&in, rule, &r), 0);
	check(&r, -16347000000, 0, 2043375000, 14303625000);
	stroom_budget_free(b);
}

/* ---- the panel --------------------------------------------------------------------- */

static stroom_budget_panel *load_example(const stroom_budget *b)
{
	stroom_budget_panel *p = NULL;
	int err = stroom_budget_panel_load(&p, SRC "examples/municipalities.csv", b, NULL);
	if (err)
		fprintf(stderr, "panel: %s\n", stroom_error_last());
	assert_int_equal(err, 0);
	return p;
}

/* Counts on examples/municipalities.csv, by hand from its results (in % of budget):
 * GM9901 -9.0 -8.2 -10.5 -7.9 -6.0 -8.8: 5 deficit years above 7.5%
 * GM9902 -7.5 -7.5 -7.5 -7.6 -12.0 -3.0: 2 (exactly 7.5% is not above)
 * GM9903 -8.0 -9.0 -8.5 -7.6 +1.0 -2.0: 4
 * GM9905 +13.0 +14.0 +12.6 +15.0 +10.0 +11.0: 4 surplus years above 12.5%
 * GM9906 +12.5 x4 +13.0 +14.0: 2
 * GM9907 +20 +18 +16 +14 +12 +10: 4
 * GM9909 -10 ... -15: 6; GM9910 +5 -8 +6 -9 +7 -10: 3 deficit years
 * GM9911 +13 +14 +15 -8 -9 -10: 3 and 3; GM9912 -20 +20 x3: 3 and 3
 * At least 4 years: deficit GM9901 GM9903 GM9909 (3), surplus GM9905 GM9907 (2);
 * at least 3: deficit 6, surplus 4; at least 5: deficit 2, surplus 0. */
static void test_panel_counts(void **state)
{
	static const int dy_want[12] = {5, 2, 4, 0, 0, 0, 0, 0, 6, 3, 3, 3};
	static const int sy_want[12] = {0, 0, 0, 0, 4, 2, 4, 0, 0, 0, 3, 3};
	stroom_budget *b = load_rules_only();
	stroom_budget_panel *p = load_example(b);
	const stroom_budget_panel_row *r;
	size_t m;
	int n[3][2] = {{0, 0}, {0, 0}, {0, 0}}, k;
	(void)state;
	assert_int_equal(stroom_budget_panel_count(p), 12);
	assert_int_equal(stroom_budget_panel_first_year(p), 2016);
	assert_int_equal(stroom_budget_panel_last_year(p), 2021);
	assert_int_equal(stroom_budget_panel_has_rates(p), 1);
	assert_string_equal(stroom_budget_panel_code(p, 0), "GM9901");
	assert_string_equal(stroom_budget_panel_name(p, 11), "Lemmerbeek");
	assert_null(stroom_budget_panel_code(p, 12));
	for (m = 0; m < 12; m++) {
		int dy, sy;
		stroom_budget_panel_years_beyond(p, m, 7.5, 12.5, &dy, &sy);
		assert_int_equal(dy, dy_want[m]);
		assert_int_equal(sy, sy_want[m]);
		for (k = 0; k < 3; k++) {
			n[k][0] += dy >= 3 + k;
			n[k][1] += sy >= 3 + k;
		}
	}
	assert_int_equal(n[0][0], 6);
	assert_int_equal(n[0][1], 4);
	assert_int_equal(n[1][0], 3);
	assert_int_equal(n[1][1], 2);
	assert_int_equal(n[2][0], 2);
	assert_int_equal(n[2][1], 0);
	/* average of GM9901: -50.4 / 6 = -8.4 */
	assert_true(fabs(stroom_budget_panel_average_pct(p, 0) + 8.4) < 1e-9);
	/* GM9901 2016: budget 48,372,650.00, spending 52,726,188.50 = budget x 1.09;
	 * 9% deficit under the 2016 rule (5%, 50% to 10%): 0.5 x 4% x budget = 967,453.00 */
	r = stroom_budget_panel_get(p, 0, 2016);
	assert_non_null(r);
	assert_int_equal(r->result.result_eurocent, -435353850);
	assert_int_equal(r->result.safety_net_eurocent, 96745300);
	assert_int_equal(r->result.volume_part_eurocent + r->result.price_part_eurocent,
			 r->result.result_eurocent);
	/* GM9902 2016: exactly 7.5% under the 2016 rule: 0.5 x 2.5% x 23,918,470.00 */
	r = stroom_budget_panel_get(p, 1, 2016);
	assert_int_equal(r->result.safety_net_eurocent, 29898088); /* 298,980.875 -> .88 */
	assert_null(stroom_budget_panel_get(p, 0, 2015));
	stroom_budget_panel_free(p);
	stroom_budget_free(b);
}

/* R-squared by hand. Four municipalities, one year, each budget 1,000,000.00 and
 * spending 1,000,000.00; households 90, 100, 100, 110 (sum 400), so the average
 * price is 4,000,000.00 / 400 = 10,000.00 and the volume parts 100,000.00, 0, 0,
 * -100,000.00: volume % y = 10, 0, 0, -10. Inflow rates x = 0.1, 0.3, 0.2, 0.4:
 * mean 0.25, deviations -0.15 0.05 -0.05 0.15; sum dx dy = -1.5 - 1.5 = -3,
 * sum dx^2 = 0.05, sum dy^2 = 200: r = -3 / sqrt(10), R-squared = 0.9. Deficit
 * group (volume < 0): x = 0.4; surplus group: (0.1 + 0.3 + 0.2) / 3 = 0.2. */
static void test_panel_r2(void **state)
{
	stroom_budget *b = load_rules_only();
	stroom_budget_panel *p = NULL;
	stroom_budget_comparison c;
	const char *path = write_tmp(
		"panel.csv",
		"code,name,year,budget_eur,spending_eur,households,inflow_rate,outflow_rate\n"
		"A,Anna,2019,1000000,1000000,90,0.1,\n"
		"B,Bert,2019,1000000,1000000,100,30%,0.2\n"
		"C,Cees,2019,1000000,1000000,100,0.2,0.2\n"
		"D,Dora,2019,1000000,1000000,110,0.4,0.2\n");
	(void)state;
	assert_int_equal(stroom_budget_panel_load(&p, path, b, NULL), 0);
	assert_true(fabs(stroom_budget_panel_get(p, 0, 2019)->volume_pct - 10.0) < 1e-12);
	assert_true(fabs(stroom_budget_panel_get(p, 3, 2019)->volume_pct + 10.0) < 1e-12);
	assert_int_equal(stroom_budget_panel_compare(p, STROOM_PANEL_INFLOW, 2019, &c), 0);
	assert_true(fabs(c.r2 - 0.9) < 1e-12);
	assert_int_equal(c.n_deficit, 1);
	assert_int_equal(c.n_surplus, 3);
	assert_true(fabs(c.deficit_mean - 0.4) < 1e-12);
	assert_true(fabs(c.surplus_mean - 0.2) < 1e-12);
	/* one year: the period equals the year */
	assert_int_equal(stroom_budget_panel_compare(p, STROOM_PANEL_INFLOW, 0, &c), 0);
	assert_true(fabs(c.r2 - 0.9) < 1e-12);
	/* outflow: A has none; the rest have no variance: no R-squared */
	assert_int_equal(stroom_budget_panel_compare(p, STROOM_PANEL_OUTFLOW, 2019, &c), 0);
	assert_int_equal(c.n_deficit + c.n_surplus, 3);
	assert_true(isnan(c.r2));
	assert_int_equal(stroom_budget_panel_compare(p, STROOM_PANEL_OUTFLOW, 2020, &c),
			 STROOM_EINVAL);
	assert_string_equal(stroom_error_last(), "year 2020: the table covers 2019-2019");
	stroom_budget_panel_free(p);
	/* without rate columns */
	path = write_tmp("panel2.csv", "code,name,year,budget_eur,spending_eur,households\n"
				       "A,Anna,2019,1000000,1000000,90\n");
	assert_int_equal(stroom_budget_panel_load(&p, path, b, NULL), 0);
	assert_int_equal(stroom_budget_panel_has_rates(p), 0);
	assert_int_equal(stroom_budget_panel_compare(p, STROOM_PANEL_INFLOW, 2019, &c),
			 STROOM_EINVAL);
	stroom_budget_panel_free(p);
	stroom_budget_free(b);
}

static void panel_error(const stroom_budget *b, const char *text, int code, const char *want)
{
	stroom_budget_panel *p = NULL;
	char msg[1024];
	const char *path = write_tmp("bad.csv", text);
	assert_int_equal(stroom_budget_panel_load(&p, path, b, NULL), code);
	assert_null(p);
	with_path(msg, sizeof msg, want, path);
	assert_string_equal(stroom_error_last(), msg);
}

#define PANEL_HEADER "code,name,year,budget_eur,spending_eur,households\n"

static void test_panel_errors(void **state)
{
	stroom_budget *b = load_rules_only();
	(void)state;
	panel_error(
		b, PANEL_HEADER "A,Anna,2019,1000000,1000000,90\nB,Bert,2019,12.345,1,1\n",
		STROOM_EPARSE,
		"%s:3: column budget_eur: expected an amount in euro with at most 2 decimals, like "
		"817350000.00, got '12.345'");
	panel_error(b, PANEL_HEADER "A,Anna,2019,-1000000,1000000,90\n", STROOM_EINVAL,
		    "%s:2: column budget_eur: expected an amount above 0, got '-1000000'");
	panel_error(b, PANEL_HEADER "A,Anna,2019,1000000,-1,90\n", STROOM_EINVAL,
		    "%s:2: column spending_eur: expected an amount of 0 or more, got '-1'");
	panel_error(b, PANEL_HEADER "A,Anna,2019,1000000,1000000,many\n", STROOM_EPARSE,
		    "%s:2: column households: expected a number of households of 0 or more with at "
		    "most 6 decimals, like 31250.5, got 'many'");
	panel_error(b, PANEL_HEADER "A,Anna,19,1000000,1000000,90\n", STROOM_EPARSE,
		    "%s:2: column year: expected a year from 1900 to 2200, got '19'");
	panel_error(b, PANEL_HEADER ",Anna,2019,1000000,1000000,90\n", STROOM_EPARSE,
		    "%s:2: column code: expected a municipality code, got ''");
	panel_error(b, PANEL_HEADER "A,Anna,2019,1000000,1000000,90\nA,Annie,2020,1,1,1\n",
		    STROOM_EINVAL,
		    "%s:3: column name: expected 'Anna' (the name of A on line 2), got 'Annie'");
	panel_error(
		b, PANEL_HEADER "A,Anna,2019,1000000,1000000,90\nA,Anna,2019,1,1,1\n",
		STROOM_EINVAL,
		"%s:3: column year: expected each year once per code (also on line 2), got '2019'");
	panel_error(
		b, PANEL_HEADER "A,Anna,2012,1000000,1000000,90\n", STROOM_EINVAL,
		"%s:2: column year: expected a year with safety-net rules (from 2015), got '2012'");
	panel_error(b, PANEL_HEADER "A,Anna,2019,1000000,1000000\n", STROOM_EPARSE,
		    "%s:2: expected 6 fields, got 5");
	panel_error(b, "code,name,year,budget_eur,spending_eur,households,inflow_rate\n",
		    STROOM_EPARSE, "%s:1: header: expected 6 or 8 columns, got 7");
	panel_error(b, "code,name,year,budget,spending_eur,households\n", STROOM_EPARSE,
		    "%s:1: header: expected column 'budget_eur', got 'budget'");
	panel_error(b, PANEL_HEADER, STROOM_EINVAL, "%s: no rows");
	panel_error(b,
		    "code,name,year,budget_eur,spending_eur,households,inflow_rate,outflow_rate\n"
		    "A,Anna,2019,1000000,1000000,90,1.5,0.3\n",
		    STROOM_EPARSE,
		    "%s:2: column inflow_rate: expected a share of the caseload from 0 to 1 (e.g. "
		    "0.302), a percentage (30.2%) or empty, got '1.5'");
	stroom_budget_free(b);
}

/* ---- allocation failures ---------------------------------------------------------- */


/* Fails allocation 1, 2, ... until loading succeeds: ENOMEM each time and nothing
 * live; then the data work and everything is freed. */
static void test_enomem(void **state)
{
	int n, k, succeeded;
	(void)state;
	for (k = 0; k < 3; k++) {
		succeeded = 0;
		for (n = 1; n < 100 && !succeeded; n++) {
			failing f = {n, 0, 0};
			stroom_allocator a = {f_malloc, f_realloc, f_free, &f};
			stroom_budget *b = NULL;
			const stroom_budget_year *y;
			int err = k == 0   ? stroom_budget_load(&b, "rotterdam", NULL, &a)
				  : k == 1 ? stroom_budget_load(&b, NULL,
								SRC "data/budget/rotterdam.csv", &a)
					   : stroom_budget_load(&b, NULL, NULL, &a);
			if (err == 0) {
				succeeded = 1;
				assert_true(n > 3);
				if (k < 2) {
					assert_int_equal(stroom_budget_lookup(b, 2024, &y), 0);
					assert_int_equal(y->budget_eurocent, 60409846000);
				}
				stroom_budget_free(b);
			} else {
				assert_int_equal(err, STROOM_ENOMEM);
				assert_null(b);
			}
			assert_int_equal(f.live, 0);
		}
		assert_true(succeeded);
	}
	/* the panel */
	{
		stroom_budget *b = load_rules_only();
		succeeded = 0;
		for (n = 1; n < 100 && !succeeded; n++) {
			failing f = {n, 0, 0};
			stroom_allocator a = {f_malloc, f_realloc, f_free, &f};
			stroom_budget_panel *p = NULL;
			stroom_budget_comparison c;
			int err = stroom_budget_panel_load(&p, SRC "examples/municipalities.csv", b,
							   &a);
			if (err == 0) {
				succeeded = 1;
				assert_true(n > 5);
				/* compare allocates its scratch: fail it too */
				f.fail_at = f.count + 1;
				assert_int_equal(
					stroom_budget_panel_compare(p, STROOM_PANEL_INFLOW, 0, &c),
					STROOM_ENOMEM);
				assert_int_equal(
					stroom_budget_panel_compare(p, STROOM_PANEL_INFLOW, 0, &c),
					0);
				stroom_budget_panel_free(p);
			} else {
				assert_int_equal(err, STROOM_ENOMEM);
				assert_null(p);
			}
			assert_int_equal(f.live, 0);
		}
		assert_true(succeeded);
		stroom_budget_free(b);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_worked_examples_2021),
		cmocka_unit_test(test_worked_examples_three_bands),
		cmocka_unit_test(test_multi_year),
		cmocka_unit_test(test_net_spending_and_rounding),
		cmocka_unit_test(test_volume_price_split),
		cmocka_unit_test(test_compute_errors),
		cmocka_unit_test(test_builtin_data),
		cmocka_unit_test(test_load_errors),
		cmocka_unit_test(test_rules_fixture),
		cmocka_unit_test(test_panel_counts),
		cmocka_unit_test(test_panel_r2),
		cmocka_unit_test(test_panel_errors),
		cmocka_unit_test(test_enomem),
	};
	return cmocka_run_group_tests(tests, test_dir_setup, test_dir_teardown);
}
