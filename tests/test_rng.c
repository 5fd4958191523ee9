/*
 * test_rng.c: keyed Philox draws. Known answers from Random123's published
 * kat_vectors (philox4x32, 10 rounds); purity (same tuple, same draws); keys and
 * counters that differ in one field give different, uncorrelated streams; uniforms
 * lie in (0, 1) with mean and variance within k sigma; the GSL generator over a
 * stream is reproducible and its Poisson draws have the right mean.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <math.h>

#include "rng_int.h"
#include <gsl/gsl_randist.h>

static void test_known_answers(void **state)
{
	static const struct {
		uint32_t ctr[4], key[2], out[4];
	} kat[] = {
		{{0, 0, 0, 0}, {0, 0}, {0x6627e8d5, 0xe169c58d, 0xbc57ac4c, 0x9b00dbd8}},
		{{0xffffffff, 0xffffffff, 0xffffffff, 0xffffffff}, {0xffffffff, 0xffffffff},
		 {0x408f276d, 0x41c83b0e, 0xa20bc7c6, 0x6d5451fd}},
		{{0x243f6a88, 0x85a308d3, 0x13198a2e, 0x03707344}, {0xa4093822, 0x299f31d0},
		 {0xd16cfe09, 0x94fdcceb, 0x5001e420, 0x24126ea1}},
	};
	size_t i;
	(void)state;
	for (i = 0; i < sizeof kat / sizeof kat[0]; i++) {
		uint32_t out[4];
		stroom_rng_raw(kat[i].ctr, kat[i].key, out);
		assert_memory_equal(out, kat[i].out, sizeof out);
	}
}

static void test_pure_function(void **state)
{
	double a[4], b[4];
	(void)state;
	stroom_rng_uniform4(817351234567ull, 17, 4242, 24300, STROOM_PURPOSE_EXIT, 0, a);
	stroom_rng_uniform4(817351234567ull, 17, 4242, 24300, STROOM_PURPOSE_EXIT, 0, b);
	assert_memory_equal(a, b, sizeof a);
	/* the inline engine path gives the same numbers as the API */
	stroom_rng_draw(stroom_rng_key(817351234567ull), 17, 4242, 24300, STROOM_PURPOSE_EXIT, 0, b);
	assert_memory_equal(a, b, sizeof a);
}

/* Changing any one field of the tuple changes all four draws. */
static void test_fields_independent(void **state)
{
	double base[4], other[4];
	int field, k;
	(void)state;
	stroom_rng_uniform4(99, 3, 1000, 24301, STROOM_PURPOSE_EXIT, 0, base);
	for (field = 0; field < 6; field++) {
		stroom_rng_uniform4(field == 0 ? 100 : 99, field == 1 ? 4 : 3, field == 2 ? 1001 : 1000,
				    field == 3 ? 24302 : 24301,
				    field == 4 ? STROOM_PURPOSE_NEW : STROOM_PURPOSE_EXIT, field == 5 ? 1 : 0,
				    other);
		for (k = 0; k < 4; k++)
			assert_true(base[k] != other[k]);
	}
	/* the seed's high 32 bits matter too */
	stroom_rng_uniform4(99ull | (1ull << 40), 3, 1000, 24301, STROOM_PURPOSE_EXIT, 0, other);
	assert_true(base[0] != other[0]);
}

/* Uniforms over many households: mean 1/2 and variance 1/12 within 5 sigma; the
 * correlation between neighbouring replicates' streams is within 5 sigma of 0. */
static void test_uniform_moments(void **state)
{
	const int n = 200000;
	double sum = 0, sum2 = 0, cross = 0, sa = 0, sb = 0;
	int i, k;
	(void)state;
	for (i = 0; i < n; i++) {
		double u[4], v[4];
		stroom_rng_uniform4(20240101, 0, (uint32_t)i, 24288, STROOM_PURPOSE_EXIT, 0, u);
		stroom_rng_uniform4(20240101, 1, (uint32_t)i, 24288, STROOM_PURPOSE_EXIT, 0, v);
		for (k = 0; k < 4; k++) {
			assert_true(u[k] > 0.0 && u[k] < 1.0);
			sum += u[k];
			sum2 += u[k] * u[k];
		}
		cross += (u[0] - 0.5) * (v[0] - 0.5);
		sa += u[0];
		sb += v[0];
	}
	{
		double N = 4.0 * n, mean = sum / N, var = sum2 / N - mean * mean;
		assert_true(fabs(mean - 0.5) < 5 * sqrt(1.0 / 12.0 / N));
		/* sd of the sample variance of U(0,1) is sqrt(1/180 / N) */
		assert_true(fabs(var - 1.0 / 12.0) < 5 * sqrt(1.0 / 180.0 / N));
		/* correlation: sd of the estimate ~ 1/sqrt(n) */
		assert_true(fabs(cross / n / (1.0 / 12.0)) < 5.0 / sqrt((double)n));
		(void)sa;
		(void)sb;
	}
}

static void test_gsl_stream(void **state)
{
	stroom_gsl_philox g;
	unsigned a, b;
	double sum = 0;
	const double lambda = 817.35;
	const int n = 4000;
	int i;
	(void)state;
	stroom_gsl_philox_init(&g);
	stroom_gsl_philox_stream(&g, 5, 2, 0xffffffffu, 24300, STROOM_PURPOSE_INFLOW_COUNT);
	a = gsl_ran_poisson(&g.rng, lambda);
	stroom_gsl_philox_stream(&g, 5, 2, 0xffffffffu, 24300, STROOM_PURPOSE_INFLOW_COUNT);
	b = gsl_ran_poisson(&g.rng, lambda);
	assert_int_equal(a, b);
	for (i = 0; i < n; i++) {
		stroom_gsl_philox_stream(&g, 5, (uint32_t)i, 0xffffffffu, 24300, STROOM_PURPOSE_INFLOW_COUNT);
		sum += gsl_ran_poisson(&g.rng, lambda);
	}
	assert_true(fabs(sum / n - lambda) < 5 * sqrt(lambda / n));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_known_answers),
		cmocka_unit_test(test_pure_function),
		cmocka_unit_test(test_fields_independent),
		cmocka_unit_test(test_uniform_moments),
		cmocka_unit_test(test_gsl_stream),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
