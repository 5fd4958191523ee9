/*
 * test_population.c: the starting population. Synthesis with Rotterdam's 2024
 * marginals and a 2017 backcast: exact totals, marginal fit, invariants (age 18 to
 * AOW, spells within the person's adult life and before the start), the distance
 * rules, reproducibility from the seed, a statistical check of the part-time
 * share, and the two ways IPF can fail. The CSV: a round trip, fixtures with CRLF
 * and shuffled columns, every malformed-row message with file and line, and
 * ENOMEM at every allocation with nothing leaked.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stroom/population.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "failing_alloc.h"

#define FIXTURES STROOM_SOURCE_DIR "/tests/data/population/"

/* Rotterdam on 2024-01-01 as in data/scenarios/rotterdam.yaml (built by hand). */
static void rotterdam(stroom_params *p)
{
	memset(p, 0, sizeof *p);
	strcpy(p->name, "rotterdam-test");
	p->start = stroom_month_make(2024, 1);
	p->end = stroom_month_make(2030, 12);
	p->seed = 20240101;
	p->replicates = 1;
	p->population_households = 32649;
	p->n_areas = 2;
	strcpy(p->area_name[0], "zuid");
	strcpy(p->area_name[1], "noord");
	memcpy(p->pop_age, (double[]){0.08, 0.27, 0.33, 0.32}, sizeof p->pop_age);
	memcpy(p->pop_duration, (double[]){0.16, 0.10, 0.19, 0.55}, sizeof p->pop_duration);
	memcpy(p->pop_type, (double[]){0.62, 0.22, 0.16}, sizeof p->pop_type);
	p->pop_area[0] = 0.403;
	p->pop_area[1] = 0.597;
	memcpy(p->pop_stream, (double[]){0.35, 0.55, 0.10}, sizeof p->pop_stream);
	p->pop_parttime = 0.09;
	p->pop_age_x_duration_long = 2.0;
	p->drift_short_months = 9;
	p->drift_medium_months = 24;
}

/* The 2017 backcast as in data/scenarios/rotterdam-2017.yaml: 38,840 households
 * (seed 000 L607-609), 43% over 5 years, younger, more in werk. */
static void backcast(stroom_params *p)
{
	rotterdam(p);
	p->start = stroom_month_make(2017, 1);
	p->population_households = 38840;
	memcpy(p->pop_age, (double[]){0.10, 0.30, 0.34, 0.26}, sizeof p->pop_age);
	memcpy(p->pop_duration, (double[]){0.20, 0.13, 0.24, 0.43}, sizeof p->pop_duration);
	memcpy(p->pop_stream, (double[]){0.43, 0.47, 0.10}, sizeof p->pop_stream);
}

/* Realised count of category j in each dimension, from the household fields. */
static void count_marginals(const stroom_households *h, stroom_month start,
			    double counts[5][STROOM_MAX_AREAS])
{
	size_t i;
	memset(counts, 0, 5 * sizeof counts[0]);
	for (i = 0; i < h->n; i++) {
		counts[0][stroom_age_band(h->birth_month[i], start)] += 1;
		counts[1][stroom_duration_band(h->spell_start[i], start)] += 1;
		counts[2][h->type[i]] += 1;
		counts[3][h->area[i]] += 1;
		counts[4][h->stream[i]] += 1;
	}
}

static void assert_fits(const stroom_params *p, const stroom_households *h)
{
	double counts[5][STROOM_MAX_AREAS];
	const double *share[5] = {p->pop_age, p->pop_duration, p->pop_type, p->pop_area,
				  p->pop_stream};
	const size_t size[5] = {STROOM_NAGE, STROOM_NDUR, STROOM_NTYPE, (size_t)p->n_areas,
				STROOM_NSTREAM};
	const double n_cells = 4.0 * 4 * 3 * p->n_areas * 3;
	const double n = (double)p->population_households;
	size_t k, j;

	assert_int_equal(h->n, (size_t)p->population_households);
	count_marginals(h, p->start, counts);
	for (k = 0; k < 5; k++) {
		for (j = 0; j < size[k]; j++) {
			double want = share[k][j] * n;
			if (fabs(counts[k][j] - want) > n_cells || fabs(counts[k][j] / n - share[k][j]) > 0.005)
				fail_msg("dimension %zu category %zu: %.0f households, want %.1f", k, j,
					 counts[k][j], want);
		}
	}
}

/* Invariants every synthesised household must satisfy. */
static void assert_households_valid(const stroom_params *p, const stroom_households *h)
{
	stroom_rules *rules = NULL;
	size_t i;
	assert_int_equal(stroom_rules_load(&rules, NULL, NULL, NULL), 0);
	for (i = 0; i < h->n; i++) {
		int32_t age = p->start - h->birth_month[i];
		int32_t dur = p->start - h->spell_start[i];
		/* below pension age by the rules' AOW table for the birth month */
		assert_true(age < stroom_rules_pension_age_months(rules, h->birth_month[i]));
		assert_true(age >= 18 * 12);
		assert_true(h->spell_start[i] <= p->start);
		assert_true(h->spell_start[i] >= h->birth_month[i] + 18 * 12);
		assert_true(dur <= 300);
		assert_true(h->type[i] < STROOM_NTYPE);
		assert_true(h->area[i] < p->n_areas);
		assert_true(h->parttime[i] <= 1);
		switch (h->stream[i]) {
		case STROOM_STREAM_WERK:
			assert_int_equal(h->distance[i], dur < p->drift_short_months
								 ? STROOM_DIST_SHORT
								 : STROOM_DIST_MEDIUM);
			break;
		case STROOM_STREAM_PRESTATIE:
			assert_int_equal(h->distance[i], STROOM_DIST_LONG);
			break;
		case STROOM_STREAM_OTHER:
			assert_int_equal(h->distance[i], dur < p->drift_medium_months
								 ? STROOM_DIST_MEDIUM
								 : STROOM_DIST_LONG);
			break;
		default:
			fail_msg("household %zu: stream %u", i, h->stream[i]);
		}
		if (dur >= 60)
			assert_int_equal(h->prev_spells[i], 0);
		else
			assert_true(h->prev_spells[i] <= 1);
	}
	stroom_rules_free(rules);
}

static void test_rotterdam_fit(void **state)
{
	stroom_params p;
	stroom_population *pop = NULL;
	const stroom_households *h;
	double counts[5][STROOM_MAX_AREAS];
	(void)state;

	rotterdam(&p);
	assert_int_equal(stroom_population_synthesise(&pop, &p, NULL, NULL), 0);
	h = stroom_population_households(pop);
	assert_int_equal(h->n, 32649);
	assert_fits(&p, h);
	count_marginals(h, p.start, counts);
	assert_true(counts[1][STROOM_DUR_GT5] / 32649.0 >= 0.545);
	assert_true(counts[1][STROOM_DUR_GT5] / 32649.0 <= 0.555);
	assert_true(fabs(counts[3][0] / 32649.0 - 0.403) <= 0.003);
	assert_households_valid(&p, h);
	stroom_population_free(pop);
}

static void test_backcast_fit(void **state)
{
	stroom_params p;
	stroom_population *pop = NULL;
	const stroom_households *h;
	size_t i;
	(void)state;

	backcast(&p);
	assert_int_equal(stroom_population_synthesise(&pop, &p, NULL, NULL), 0);
	h = stroom_population_households(pop);
	assert_int_equal(h->n, 38840);
	assert_fits(&p, h);
	assert_households_valid(&p, h);
	for (i = 0; i < h->n; i++) /* AOW age in 2017 was 65 years 9 months */
		assert_true(p.start - h->birth_month[i] < 789);
	stroom_population_free(pop);
}

/* The part-time share is Bernoulli(0.09) per household: within 4 sigma. */
static void test_parttime_share(void **state)
{
	stroom_params p;
	stroom_population *pop = NULL;
	const stroom_households *h;
	double n, k = 0, sigma;
	size_t i;
	(void)state;

	rotterdam(&p);
	assert_int_equal(stroom_population_synthesise(&pop, &p, NULL, NULL), 0);
	h = stroom_population_households(pop);
	for (i = 0; i < h->n; i++)
		k += h->parttime[i];
	n = (double)h->n;
	sigma = sqrt(0.09 * 0.91 / n);
	assert_true(fabs(k / n - 0.09) < 4 * sigma);
	stroom_population_free(pop);
}

static int same_households(const stroom_households *a, const stroom_households *b)
{
	return a->n == b->n &&
	       memcmp(a->birth_month, b->birth_month, a->n * sizeof(int32_t)) == 0 &&
	       memcmp(a->spell_start, b->spell_start, a->n * sizeof(int32_t)) == 0 &&
	       memcmp(a->type, b->type, a->n) == 0 && memcmp(a->area, b->area, a->n) == 0 &&
	       memcmp(a->distance, b->distance, a->n) == 0 &&
	       memcmp(a->stream, b->stream, a->n) == 0 &&
	       memcmp(a->parttime, b->parttime, a->n) == 0 &&
	       memcmp(a->prev_spells, b->prev_spells, a->n) == 0;
}

static void test_reproducible(void **state)
{
	stroom_params p;
	stroom_population *a = NULL, *b = NULL, *c = NULL;
	(void)state;

	rotterdam(&p);
	assert_int_equal(stroom_population_synthesise(&a, &p, NULL, NULL), 0);
	assert_int_equal(stroom_population_synthesise(&b, &p, NULL, NULL), 0);
	assert_true(same_households(stroom_population_households(a), stroom_population_households(b)));
	p.seed = 817;
	assert_int_equal(stroom_population_synthesise(&c, &p, NULL, NULL), 0);
	assert_false(same_households(stroom_population_households(a), stroom_population_households(c)));
	/* a different seed still fits */
	assert_fits(&p, stroom_population_households(c));
	stroom_population_free(a);
	stroom_population_free(b);
	stroom_population_free(c);
	stroom_population_free(NULL);
}

static void test_unfittable(void **state)
{
	stroom_params p;
	stroom_population *pop = (stroom_population *)&p; /* must be reset to NULL */
	(void)state;

	/* 55+ needs a cell but every > 5y cell for 55+ is 0 and all spells are > 5y. */
	rotterdam(&p);
	p.pop_age_x_duration_long = 0.0;
	memcpy(p.pop_duration, (double[]){0, 0, 0, 1}, sizeof p.pop_duration);
	assert_int_equal(stroom_population_synthesise(&pop, &p, NULL, NULL), STROOM_EINVAL);
	assert_null(pop);
	assert_string_equal(stroom_error_last(),
			    "population.age: 55+ has share 0.32 but no cell of the joint table "
			    "can hold it (the other marginals and the seed table leave it empty; "
			    "see docs/population.md)");

	/* 60% over 5 years, but half the households are 55+ and may not be: no fit. */
	rotterdam(&p);
	p.pop_age_x_duration_long = 0.0;
	memcpy(p.pop_age, (double[]){0.1, 0.2, 0.2, 0.5}, sizeof p.pop_age);
	memcpy(p.pop_duration, (double[]){0.1, 0.1, 0.2, 0.6}, sizeof p.pop_duration);
	assert_int_equal(stroom_population_synthesise(&pop, &p, NULL, NULL), STROOM_EINVAL);
	assert_null(pop);
	assert_non_null(strstr(stroom_error_last(), "IPF did not fit the marginals in 1000 iterations"));

	rotterdam(&p);
	p.pop_type[2] = 0.26;
	assert_int_equal(stroom_population_synthesise(&pop, &p, NULL, NULL), STROOM_EINVAL);
	assert_string_equal(stroom_error_last(),
			    "population.type: expected shares summing to 1, got 1.1");

	rotterdam(&p);
	p.population_households = 0;
	assert_int_equal(stroom_population_synthesise(&pop, &p, NULL, NULL), STROOM_EINVAL);
	assert_string_equal(stroom_error_last(), "population.households: expected at least 1, got 0");
}

/* ---- allocation failures ------------------------------------------------------- */


typedef int (*make_fn)(stroom_population **out, const stroom_params *p,
		       const stroom_allocator *a);

static int make_synth(stroom_population **out, const stroom_params *p, const stroom_allocator *a)
{
	return stroom_population_synthesise(out, p, NULL, a);
}

static int make_load(stroom_population **out, const stroom_params *p, const stroom_allocator *a)
{
	return stroom_population_load_csv(out, FIXTURES "good.csv", p, a);
}

/* Fails allocation 1, 2, ... until the call succeeds: ENOMEM each time, nothing live. */
static void fail_each_allocation(make_fn make)
{
	stroom_params p;
	int n;
	rotterdam(&p);
	p.population_households = 1817; /* smaller: the loop runs the synthesis many times */
	for (n = 1; n < 100; n++) {
		failing f = {n, 0, 0};
		stroom_allocator a = {f_malloc, f_realloc, f_free, &f};
		stroom_population *pop = NULL;
		int rc = make(&pop, &p, &a);
		if (rc == 0) {
			assert_true(n > 1);
			assert_non_null(pop);
			stroom_population_free(pop);
			assert_int_equal(f.live, 0);
			return;
		}
		assert_int_equal(rc, STROOM_ENOMEM);
		assert_null(pop);
		assert_int_equal(f.live, 0);
	}
	fail_msg("never succeeded");
}

static void test_enomem_synthesise(void **state)
{
	(void)state;
	fail_each_allocation(make_synth);
}

static void test_enomem_load(void **state)
{
	(void)state;
	fail_each_allocation(make_load);
}

/* ---- CSV ----------------------------------------------------------------------- */

static char *read_all(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *buf;
	long n;
	assert_non_null(f);
	assert_int_equal(fseek(f, 0, SEEK_END), 0);
	n = ftell(f);
	assert_true(n >= 0);
	rewind(f);
	buf = malloc((size_t)n + 1);
	assert_non_null(buf);
	assert_int_equal(fread(buf, 1, (size_t)n, f), (size_t)n);
	fclose(f);
	buf[n] = '\0';
	*len = (size_t)n;
	return buf;
}

static void temp_path(char *buf, size_t size)
{
	int fd;
	snprintf(buf, size, "/tmp/stroom_population_XXXXXX");
	fd = mkstemp(buf);
	assert_true(fd >= 0);
	close(fd);
}

static void test_csv_round_trip(void **state)
{
	stroom_params p;
	stroom_population *a = NULL, *b = NULL;
	char path1[64], path2[64];
	char *t1, *t2;
	size_t n1, n2;
	(void)state;

	rotterdam(&p);
	temp_path(path1, sizeof path1);
	temp_path(path2, sizeof path2);
	assert_int_equal(stroom_population_synthesise(&a, &p, NULL, NULL), 0);
	assert_int_equal(stroom_population_write_csv(a, path1, &p), 0);
	assert_int_equal(stroom_population_load_csv(&b, path1, &p, NULL), 0);
	assert_true(same_households(stroom_population_households(a), stroom_population_households(b)));
	assert_int_equal(stroom_population_write_csv(b, path2, &p), 0);
	t1 = read_all(path1, &n1);
	t2 = read_all(path2, &n2);
	assert_int_equal(n1, n2);
	assert_memory_equal(t1, t2, n1);
	assert_int_equal(strncmp(t1, "id,birth_month,type,area,distance,stream,spell_start,"
				     "parttime,previous_spells\n1,", 80), 0);
	free(t1);
	free(t2);
	remove(path1);
	remove(path2);
	stroom_population_free(a);
	stroom_population_free(b);
}

static void test_csv_fixtures(void **state)
{
	stroom_params p;
	stroom_population *pop = NULL;
	const stroom_households *h;
	(void)state;

	rotterdam(&p);
	assert_int_equal(stroom_population_load_csv(&pop, FIXTURES "good.csv", &p, NULL), 0);
	h = stroom_population_households(pop);
	assert_int_equal(h->n, 3);
	assert_int_equal(h->birth_month[0], stroom_month_make(1985, 3));
	assert_int_equal(h->spell_start[1], stroom_month_make(2004, 6));
	assert_int_equal(h->type[2], STROOM_TYPE_SINGLE_PARENT);
	assert_int_equal(h->area[1], 0);
	assert_int_equal(h->distance[1], STROOM_DIST_LONG);
	assert_int_equal(h->stream[2], STROOM_STREAM_OTHER);
	assert_int_equal(h->parttime[0], 1);
	assert_int_equal(h->prev_spells[2], 255);
	stroom_population_free(pop);

	/* CRLF, shuffled columns, a blank line, a trailing newline. */
	assert_int_equal(stroom_population_load_csv(&pop, FIXTURES "good_crlf.csv", &p, NULL), 0);
	h = stroom_population_households(pop);
	assert_int_equal(h->n, 3);
	assert_int_equal(h->stream[0], STROOM_STREAM_WERK);
	assert_int_equal(h->birth_month[0], stroom_month_make(1990, 5));
	assert_int_equal(h->distance[0], STROOM_DIST_SHORT);
	assert_int_equal(h->type[1], STROOM_TYPE_COUPLE);
	assert_int_equal(h->area[1], 1);
	assert_int_equal(h->parttime[1], 1);
	assert_int_equal(h->prev_spells[1], 2);
	assert_int_equal(h->spell_start[2], stroom_month_make(2022, 1));
	assert_int_equal(h->prev_spells[2], 1);
	stroom_population_free(pop);

	/* A UTF-8 byte order mark and spaces around a value (spreadsheet exports). */
	assert_int_equal(stroom_population_load_csv(&pop, FIXTURES "bom_spaces.csv", &p, NULL), 0);
	h = stroom_population_households(pop);
	assert_int_equal(h->n, 1);
	assert_int_equal(h->birth_month[0], stroom_month_make(1985, 3));
	stroom_population_free(pop);
}

/* Loading FIXTURES name fails with code and exactly "FIXTURES name" + tail. */
static void assert_load_error(const char *name, int code, const char *tail)
{
	stroom_params p;
	stroom_population *pop = (stroom_population *)&p; /* must be reset to NULL */
	char path[512], want[1024];

	rotterdam(&p);
	snprintf(path, sizeof path, "%s%s", FIXTURES, name);
	snprintf(want, sizeof want, "%s%s", path, tail);
	assert_int_equal(stroom_population_load_csv(&pop, path, &p, NULL), code);
	assert_null(pop);
	assert_string_equal(stroom_error_last(), want);
}

static void test_csv_errors(void **state)
{
	(void)state;
	assert_load_error("bad_month.csv", STROOM_EPARSE,
			  ":3: column birth_month: expected a month YYYY-MM, got '1983-13'");
	assert_load_error("unknown_area.csv", STROOM_EPARSE,
			  ":2: column area: expected one of zuid, noord, got 'west'");
	assert_load_error("bad_type.csv", STROOM_EPARSE,
			  ":4: column type: expected one of single, single_parent, couple, got 'family'");
	assert_load_error("unknown_column.csv", STROOM_EPARSE,
			  ":1: header: expected column names among id, birth_month, type, area, "
			  "distance, stream, spell_start, parttime, previous_spells, got 'birth_mnth'");
	assert_load_error("missing_column.csv", STROOM_EPARSE, ":1: column parttime: missing from header");
	assert_load_error("spell_before_18.csv", STROOM_EPARSE,
			  ":2: column spell_start: expected a month at or after the head turns 18 "
			  "(2008-05), got '2008-01'");
	assert_load_error("spell_after_start.csv", STROOM_EPARSE,
			  ":3: column spell_start: expected a month on or before the start "
			  "(2024-01), got '2024-02'");
	assert_load_error("bad_previous.csv", STROOM_EPARSE,
			  ":2: column previous_spells: expected an integer from 0 to 255, got '256'");
	assert_load_error("wrong_fields.csv", STROOM_EPARSE, ":2: expected 9 fields as in the header, got 8");
	assert_load_error("empty.csv", STROOM_EPARSE,
			  ":1: expected a header row naming the columns, got an empty file");
	assert_load_error("header_only.csv", STROOM_EPARSE,
			  ":2: expected at least one household row after the header, got none");
	{
		stroom_params p;
		stroom_population *pop = NULL;
		char path[512], want[1024];
		rotterdam(&p);
		snprintf(path, sizeof path, "%sno_such_file.csv", FIXTURES);
		snprintf(want, sizeof want, "cannot read '%s': No such file or directory", path);
		assert_int_equal(stroom_population_load_csv(&pop, path, &p, NULL), STROOM_ENOTFOUND);
		assert_null(pop);
		assert_string_equal(stroom_error_last(), want);
	}
}

static void test_csv_write_error(void **state)
{
	stroom_params p;
	stroom_population *pop = NULL;
	(void)state;

	rotterdam(&p);
	assert_int_equal(stroom_population_load_csv(&pop, FIXTURES "good.csv", &p, NULL), 0);
	assert_int_equal(stroom_population_write_csv(pop, "/nonexistent-dir/pop.csv", &p), STROOM_EIO);
	assert_string_equal(stroom_error_last(),
			    "cannot write '/nonexistent-dir/pop.csv': No such file or directory");
	p.n_areas = 1; /* household 2 lives in area 0, household 1 in area 1 */
	assert_int_equal(stroom_population_write_csv(pop, "/tmp/stroom_population_never.csv", &p),
			 STROOM_EINVAL);
	stroom_population_free(pop);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rotterdam_fit),
		cmocka_unit_test(test_backcast_fit),
		cmocka_unit_test(test_parttime_share),
		cmocka_unit_test(test_reproducible),
		cmocka_unit_test(test_unfittable),
		cmocka_unit_test(test_enomem_synthesise),
		cmocka_unit_test(test_enomem_load),
		cmocka_unit_test(test_csv_round_trip),
		cmocka_unit_test(test_csv_fixtures),
		cmocka_unit_test(test_csv_errors),
		cmocka_unit_test(test_csv_write_error),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
