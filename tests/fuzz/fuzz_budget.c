/*
 * fuzz_budget.c: the budget tables of data/budget (stroom_budget_load_ext). Each
 * input is read twice: as a municipality's budget table (csv_path, the format of
 * data/budget/rotterdam.csv, read by a scenario's budget.csv) with the builtin
 * safety-net rules, and as the safety-net rules (safety_net_path, the format of
 * data/budget/safety-net.csv, read by `stroom budget --safety-net`) without a
 * table. What loads is used as a run uses it: each year's result and safety net,
 * and the table scaled to another municipality.
 */
#include "fuzz.h"

#include <stroom/budget.h>

#include <string.h>

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	return 0;
}

/* The result of year with budget and spending, after up to two results before. */
static void compute(const stroom_budget *b, int year, int64_t budget, int64_t spending,
		    int64_t recoveries, int64_t other, int nprior, const int64_t *prior)
{
	stroom_budget_input in = STROOM_BUDGET_INPUT_INIT;
	stroom_budget_result res;
	const stroom_safety_net_rule *rule;
	if (stroom_budget_rule(b, year, &rule) != 0)
		return;
	in.year = year;
	in.budget_eurocent = budget;
	in.spending_eurocent = spending;
	in.recoveries_eurocent = recoveries;
	in.other_income_eurocent = other;
	in.households = 30000.5;
	in.base_price_eurocent = 1700000;
	in.nprior = nprior;
	if (nprior > 0)
		memcpy(in.prior_result_eurocent, prior, (size_t)nprior * sizeof *prior);
	if (stroom_budget_compute(&in, rule, &res) == 0 &&
	    res.safety_net_eurocent + res.own_risk_eurocent != res.deficit_eurocent)
		fuzz_fail("year %d: safety net %lld + own risk %lld != deficit %lld", year,
			  (long long)res.safety_net_eurocent, (long long)res.own_risk_eurocent,
			  (long long)res.deficit_eurocent);
}

static void as_table(const char *path)
{
	stroom_budget_options o = STROOM_BUDGET_OPTIONS_INIT;
	stroom_budget *b = NULL;
	const stroom_budget_year *y;
	int64_t prior[2] = {0, 0};
	size_t i, n;
	o.csv_path = path;
	if (fuzz_report("budget table", stroom_budget_load_ext(&b, &o, NULL)) != 0) {
		if (b)
			fuzz_fail("a failed load left a budget");
		return;
	}
	n = stroom_budget_count(b);
	for (i = 0; i < n; i++) {
		const stroom_budget_year *row = stroom_budget_row(b, i);
		if (stroom_budget_lookup(b, row->year, &y) != 0 || y != row)
			fuzz_fail("year %d: lookup does not find row %zu", row->year, i);
		/* spending 10% above the budget, the two years before with deficits */
		compute(b, row->year, row->budget_eurocent, row->budget_eurocent / 10 * 11,
			row->recoveries_eurocent, row->other_income_eurocent, i < 2 ? (int)i : 2,
			prior);
		prior[1] = prior[0];
		prior[0] = -row->budget_eurocent / 10;
	}
	stroom_budget_lookup(b, stroom_budget_last_year(b) + 1, &y);
	stroom_budget_scale(b, stroom_budget_first_year(b), 12345678901);
	stroom_budget_free(b);
}

static void as_safety_net(const char *path)
{
	stroom_budget_options o = STROOM_BUDGET_OPTIONS_INIT;
	stroom_budget *b = NULL;
	int year, k;
	o.safety_net_path = path;
	if (fuzz_report("safety-net rules", stroom_budget_load_ext(&b, &o, NULL)) != 0) {
		if (b)
			fuzz_fail("a failed load left a budget");
		return;
	}
	for (year = stroom_budget_rules_first_year(b) - 1;
	     year <= stroom_budget_rules_last_year(b) + 1 && year <= 2200; year++)
		for (k = 0; k < 4; k++) {
			/* deficits of 0%, 6%, 11% and 40% of EUR 500 million */
			static const int64_t spend[4] = {50000000000, 53000000000, 55500000000,
							 70000000000};
			static const int64_t prior[2] = {-4000000000, 1000000000};
			compute(b, year, 50000000000, spend[k], 0, 0, k % 3, prior);
		}
	stroom_budget_free(b);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char path[FUZZ_PATH_MAX];
	fuzz_write(path, "input.csv", data, size);
	as_table(path);
	as_safety_net(path);
	return 0;
}
