/*
 * fuzz_posterior.c: the joint draws of `posterior: FILE` (posterior.csv:
 * draw,chain,NAME,...; stroom_posterior_load), read with the rotterdam builtin's
 * parameters. A file that loads has at least one row and one column, every
 * column a distinct drawn parameter, every value finite and each mean within the
 * column's values; the row of a few replicates is within the rows, and a
 * replicate's draw vector takes its row's values.
 */
#include "fuzz.h"

#include <stroom/posterior.h>
#include <stroom/scenario.h>

#include <math.h>
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

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char path[FUZZ_PATH_MAX];
	stroom_posterior *post = NULL;
	size_t rows, r;
	int c, d, cols;
	fuzz_write(path, "posterior.csv", data, size);
	if (fuzz_report("posterior", stroom_posterior_load(&post, path, &params, NULL)) != 0) {
		if (post)
			fuzz_fail("a failed load left a posterior");
		return 0;
	}
	rows = stroom_posterior_rows(post);
	cols = stroom_posterior_columns(post);
	if (rows < 1 || rows > STROOM_POSTERIOR_MAX_ROWS || cols < 1)
		fuzz_fail("a loaded posterior has %zu rows and %d columns", rows, cols);
	for (c = 0; c < cols; c++) {
		double lo = INFINITY, hi = -INFINITY, m = stroom_posterior_mean(post, c);
		const char *name = stroom_posterior_column(post, c);
		if (!name || stroom_posterior_column_index(post, name) != c)
			fuzz_fail("column %d: its name does not find it", c);
		for (d = 0; d < c; d++)
			if (!strcmp(stroom_posterior_column(post, d), name))
				fuzz_fail("column %s twice", name);
		for (r = 0; r < rows; r++) {
			double v = stroom_posterior_value(post, r, c);
			if (!isfinite(v))
				fuzz_fail("%s: row %zu is not finite", name, r);
			lo = v < lo ? v : lo;
			hi = v > hi ? v : hi;
		}
		if (!(m >= lo - 1e-9 * fabs(lo) && m <= hi + 1e-9 * fabs(hi)))
			fuzz_fail("%s: mean %g outside [%g, %g]", name, m, lo, hi);
	}
	for (r = 0; r < 8; r++)
		if (stroom_posterior_row(post, params.seed, (uint32_t)r) >= rows)
			fuzz_fail("replicate %zu: row out of range", r);
	stroom_posterior_free(post);
	return 0;
}
