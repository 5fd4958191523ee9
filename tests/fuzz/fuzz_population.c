/*
 * fuzz_population.c: the household CSV (stroom_population_load_csv, docs/population.md)
 * with the rotterdam builtin's parameters (areas zuid and noord, start 2024-01).
 * A file that loads must write (stroom_population_write_csv) and load again to
 * identical households, as docs/population.md promises.
 */
#include "fuzz.h"

#include <stroom/population.h>
#include <stroom/scenario.h>

#include <stdlib.h>
#include <string.h>

static stroom_params params;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	params = fuzz_rotterdam_params();
	return 0;
}

/* The same households, field by field. */
static void check_same(const stroom_households *a, const stroom_households *b)
{
	if (a->n != b->n)
		fuzz_fail("round trip: %zu households written, %zu read", a->n, b->n);
#define SAME(f)                                                                                \
	if (memcmp(a->f, b->f, a->n * sizeof *a->f) != 0)                                       \
	fuzz_fail("round trip: column " #f " differs")
	SAME(birth_month);
	SAME(spell_start);
	SAME(type);
	SAME(area);
	SAME(distance);
	SAME(stream);
	SAME(parttime);
	SAME(prev_spells);
#undef SAME
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char in[FUZZ_PATH_MAX], out[FUZZ_PATH_MAX];
	stroom_population *pop = NULL, *again = NULL;
	int err;

	fuzz_write(in, "input.csv", data, size);
	if (fuzz_report("population", stroom_population_load_csv(&pop, in, &params, NULL)) != 0) {
		if (pop)
			fuzz_fail("a failed load left a population");
		return 0;
	}
	fuzz_remove("output.csv"); /* so the library writes a new file (see fuzz_write) */
	fuzz_path(out, "output.csv");
	if ((err = stroom_population_write_csv(pop, out, &params)) != 0)
		fuzz_fail("a loaded population does not write (%d): %s", err, stroom_error_last());
	if ((err = stroom_population_load_csv(&again, out, &params, NULL)) != 0)
		fuzz_fail("a written population does not load (%d): %s", err, stroom_error_last());
	check_same(stroom_population_households(pop), stroom_population_households(again));
	stroom_population_free(again);
	stroom_population_free(pop);
	return 0;
}
