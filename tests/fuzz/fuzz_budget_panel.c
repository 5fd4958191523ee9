/*
 * fuzz_budget_panel.c: the many-municipality panel table that `stroom budget
 * --table` reads (code,name,year,budget_eur,spending_eur,households[,inflow_rate,
 * outflow_rate]; examples/municipalities.csv; stroom_budget_panel_load), with the
 * builtin safety-net rules. A table that loads is read back as the command prints
 * it: every row, the averages, the counts and the group comparisons.
 */
#include "fuzz.h"

#include <stroom/budget.h>

static stroom_budget *rules;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	if (stroom_budget_load_ext(&rules, NULL, NULL) != 0)
		fuzz_fail("builtin safety-net rules: %s", stroom_error_last());
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char path[FUZZ_PATH_MAX];
	stroom_budget_panel *p = NULL;
	stroom_budget_comparison c;
	size_t m, n;
	int y, y0, y1, ind, dy, sy;

	fuzz_write(path, "input.csv", data, size);
	if (fuzz_report("panel", stroom_budget_panel_load(&p, path, rules, NULL)) != 0) {
		if (p)
			fuzz_fail("a failed load left a panel");
		return 0;
	}
	n = stroom_budget_panel_count(p);
	y0 = stroom_budget_panel_first_year(p);
	y1 = stroom_budget_panel_last_year(p);
	if (n < 1 || y0 > y1)
		fuzz_fail("a loaded panel has %zu municipalities, years %d-%d", n, y0, y1);
	for (m = 0; m < n; m++) {
		if (!stroom_budget_panel_code(p, m) || !stroom_budget_panel_name(p, m))
			fuzz_fail("municipality %zu has no code or name", m);
		for (y = y0; y <= y1; y++)
			stroom_budget_panel_get(p, m, y);
		stroom_budget_panel_average_pct(p, m);
		stroom_budget_panel_years_beyond(p, m, 7.5, 12.5, &dy, &sy);
	}
	for (ind = STROOM_PANEL_INFLOW; ind <= STROOM_PANEL_OUTFLOW; ind++) {
		stroom_budget_panel_compare(p, ind, 0, &c);
		for (y = y0; y <= y1; y++)
			stroom_budget_panel_compare(p, ind, y, &c);
	}
	stroom_budget_panel_free(p);
	return 0;
}
