/*
 * fuzz_rules.c: the rules tables of data/rules (stroom_rules_load_ext): norms.csv
 * (`stroom benefit --norms`), constants.csv (`--constants`), provisions.csv, aow.csv
 * and sanctions.csv (`--rules-dir`). The input takes the place of the file whose
 * header it starts like (its first line that is not a comment: "valid_from,name"
 * provisions, "name" constants, "born_from" aow, "municipality" sanctions, else
 * norms), the other four are builtin; loading all five per input would parse the
 * builtin norms four times and make the target ten times slower. Rules that load
 * are used as `stroom benefit` and the engine use them: pension ages, the benefit
 * of a few households on a few dates, sanction categories.
 */
#include "fuzz.h"

#include <stroom/rules.h>

#include <stddef.h>
#include <string.h>

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	return 0;
}

/* A few households on a few dates from the first month the norms cover. */
static void use(const stroom_rules *r)
{
	static const int ages[] = {18, 20, 24, 30, 66, 70};
	stroom_month first = stroom_rules_first_month(r), d;
	stroom_benefit b;
	int pct, months, verified;
	size_t i;

	for (d = first; d < first + 12 * 12; d += 13) {
		stroom_rules_pension_age_in_month(r, d);
		stroom_rules_pension_age_months(r, d - 67 * 12);
		for (i = 0; i < sizeof ages / sizeof ages[0]; i++) {
			stroom_household_input h = STROOM_HOUSEHOLD_INPUT_INIT;
			int type = (int)(i % 3);
			h.type = type;
			h.age = ages[i];
			h.partner_age = ages[(i + 1) % (sizeof ages / sizeof ages[0])];
			h.has_children = type == STROOM_TYPE_COUPLE && i % 2;
			h.has_child_under_12 = type == STROOM_TYPE_SINGLE_PARENT;
			h.sharers = type == STROOM_TYPE_COUPLE ? 3 : 2;
			h.earnings_eurocent = (int64_t)i * 25000;
			h.disregard_months_used = (int)i * 3;
			h.sanction_pct = (int)i * 10;
			if (stroom_rules_benefit(r, d, &h, &b) == 0 &&
			    (b.amount_eurocent < 0 || b.nsteps < 0 || b.nsteps > STROOM_RULES_TRACE_MAX))
				fuzz_fail("benefit: amount %lld, %d trace steps",
					  (long long)b.amount_eurocent, b.nsteps);
		}
		stroom_rules_sanction(r, "default", "uniform_work", 2, d, &pct, &months, &verified);
		stroom_rules_sanction(r, "rotterdam", "cat1", 1, d, &pct, &months, &verified);
	}
}

/* Which file the input stands for (0 norms ... 4 sanctions), by its first line
 * that is not blank or a comment. */
static int which_file(const uint8_t *data, size_t size)
{
	static const char *const starts[] = {"valid_from,name", "name", "born_from",
					     "municipality"};
	static const int slot[] = {2, 1, 3, 4};
	size_t i = 0, k;
	if (size >= 3 && !memcmp(data, "\xEF\xBB\xBF", 3))
		i = 3;
	while (i < size && (data[i] == '#' || data[i] == '\n' || data[i] == '\r' ||
			    data[i] == ' ' || data[i] == '\t')) {
		if (data[i] == '#')
			while (i < size && data[i] != '\n')
				i++;
		else
			i++;
	}
	for (k = 0; k < sizeof starts / sizeof starts[0]; k++) {
		size_t n = strlen(starts[k]);
		if (size - i >= n && !memcmp(data + i, starts[k], n))
			return slot[k];
	}
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const names[5] = {"norms", "constants", "provisions", "aow",
					     "sanctions"};
	char path[FUZZ_PATH_MAX];
	stroom_rules_options o = STROOM_RULES_OPTIONS_INIT;
	stroom_rules *r = NULL;
	const char **file[5];
	int which = which_file(data, size);

	fuzz_write(path, "input.csv", data, size);
	file[0] = &o.norms_path;
	file[1] = &o.constants_path;
	file[2] = &o.provisions_path;
	file[3] = &o.aow_path;
	file[4] = &o.sanctions_path;
	*file[which] = path;
	if (fuzz_report(names[which], stroom_rules_load_ext(&r, &o, NULL)) != 0) {
		if (r)
			fuzz_fail("a failed load left rules");
		return 0;
	}
	use(r);
	stroom_rules_free(r);
	return 0;
}
