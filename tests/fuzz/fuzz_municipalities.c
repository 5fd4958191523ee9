/*
 * fuzz_municipalities.c: the municipalities table of a national run
 * (municipalities.csv: name,households,inflow_per_year,budget_eur;
 * stroom_national_load). Each input is read twice: with the rotterdam builtin's
 * parameters (a budget, so budget_eur is required) and with its budget removed
 * (budget_eur optional). A table that loads is split into blocks and gives each
 * municipality's parameters, as a national run does before it runs them.
 */
#include "fuzz.h"

#include <stroom/national.h>
#include <stroom/scenario.h>

#include <stdlib.h>
#include <string.h>

static stroom_params with_budget, without_budget;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	with_budget = fuzz_rotterdam_params();
	without_budget = with_budget;
	without_budget.budget_table[0] = '\0';
	without_budget.budget_csv[0] = '\0';
	return 0;
}

static void one(const stroom_params *base, const char *path)
{
	stroom_params *p = malloc(sizeof *p), *m = malloc(sizeof *m);
	stroom_national *n = NULL;
	int i, count, parts;
	int64_t sum = 0;

	if (!p || !m)
		fuzz_fail("out of memory");
	*p = *base;
	snprintf(p->municipalities_csv, sizeof p->municipalities_csv, "%s", path);
	if (fuzz_report(base->budget_table[0] ? "municipalities (with a budget)"
				       : "municipalities (no budget)",
			 stroom_national_load(&n, p, NULL)) != 0) {
		if (n)
			fuzz_fail("a failed load left a table");
		goto done;
	}
	count = stroom_national_count(n);
	if (count < 1)
		fuzz_fail("a loaded table has %d municipalities", count);
	for (i = 0; i < count; i++) {
		const stroom_municipality *row = stroom_national_row(n, i);
		sum += row->households;
		if (i < 64) /* the parameters of a few: each is a copy of the whole struct */
			stroom_national_params(n, i, p, m);
	}
	if (sum != stroom_national_households(n))
		fuzz_fail("households: rows add up to %lld, the table says %lld", (long long)sum,
			  (long long)stroom_national_households(n));
	for (parts = 1; parts <= 4; parts++) {
		int part, next = 0;
		for (part = 0; part < parts; part++) {
			int first, cnt;
			stroom_national_split(n, parts, part, &first, &cnt);
			if (first != next || cnt < 0 || first + cnt > count)
				fuzz_fail("split %d/%d: block [%d, +%d) after %d of %d", part,
					  parts, first, cnt, next, count);
			next = first + cnt;
		}
		if (next != count)
			fuzz_fail("split into %d: blocks end at %d of %d", parts, next, count);
	}
	stroom_national_free(n);
done:
	free(m);
	free(p);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char path[FUZZ_PATH_MAX];
	fuzz_write(path, "input.csv", data, size);
	one(&with_budget, path);
	one(&without_budget, path);
	return 0;
}
