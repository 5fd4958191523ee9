/*
 * fuzz_observed.c: the observed-series reader (stroom_observed_load, the format of
 * docs/observed.md). Each input is read as a file and as a string; both must give
 * the same result, and every row of a loaded file must be what the header
 * promises: a period kind, a known indicator and unit, a finite value >= 0 (a
 * share at most 1, and only for a stock), a group and a source that are not empty.
 */
#include "fuzz.h"

#include <stroom/observed.h>

#include <math.h>
#include <string.h>

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	return 0;
}

static void check_row(const stroom_obs_row *r, size_t i)
{
	if (r->months != 0 && r->months != 1 && r->months != 3 && r->months != 12)
		fuzz_fail("row %zu: months %d", i, r->months);
	if (!stroom_observed_indicator_name(r->indicator))
		fuzz_fail("row %zu: indicator %d has no name", i, r->indicator);
	if (!stroom_observed_unit_name(r->unit))
		fuzz_fail("row %zu: unit %d has no name", i, r->unit);
	if (!isfinite(r->value) || r->value < 0)
		fuzz_fail("row %zu: value %g", i, r->value);
	if (r->unit == STROOM_OBS_UNIT_SHARE && (r->value > 1 || r->months != 0))
		fuzz_fail("row %zu: share %g over %d months", i, r->value, r->months);
	if (!r->group[0] || !memchr(r->group, '\0', sizeof r->group))
		fuzz_fail("row %zu: bad group", i);
	if (!r->source || !r->source[0])
		fuzz_fail("row %zu: no source", i);
	if (r->line < 2)
		fuzz_fail("row %zu: line %d", i, r->line);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char path[FUZZ_PATH_MAX];
	stroom_observed *a = NULL, *b = NULL;
	int ea, eb;
	size_t i;
	fuzz_write(path, "observed.csv", data, size);
	ea = fuzz_report("observed file", stroom_observed_load(&a, path, NULL));
	eb = stroom_observed_load_string(&b, (const char *)data, size, path, NULL);
	if (ea != eb)
		fuzz_fail("file %d, string %d", ea, eb);
	if (ea) {
		if (a || b)
			fuzz_fail("a failed load left a result");
		return 0;
	}
	if (stroom_observed_count(a) != stroom_observed_count(b))
		fuzz_fail("file %zu rows, string %zu", stroom_observed_count(a),
			  stroom_observed_count(b));
	for (i = 0; i < stroom_observed_count(a); i++) {
		const stroom_obs_row *r = stroom_observed_row(a, i), *s = stroom_observed_row(b, i);
		check_row(r, i);
		if (r->month != s->month || r->months != s->months || r->indicator != s->indicator ||
		    r->unit != s->unit || r->value != s->value || strcmp(r->group, s->group) ||
		    strcmp(r->source, s->source))
			fuzz_fail("row %zu differs between file and string", i);
	}
	if (stroom_observed_row(a, stroom_observed_count(a)))
		fuzz_fail("a row past the end");
	stroom_observed_free(a);
	stroom_observed_free(b);
	return 0;
}
