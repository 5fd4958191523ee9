/*
 * population.c: the households on benefit on the first day of the start month,
 * as a struct of arrays in one allocation.
 *
 * Two ways in. Synthesis builds a joint table age x duration x household type x
 * area x stream from a seed table that encodes what the source documents say
 * about how these go together, rakes it to the scenario's marginal shares (ipf.c),
 * integerises it by randomised systematic sampling of the fractional parts, and
 * then draws each household's birth month, spell start, part-time work and
 * earlier spells within its cell. Every draw is keyed Philox on (seed, purpose,
 * index), so the same scenario gives the same households on any machine and in
 * any order. Loading reads a household CSV with strict, one-line error messages
 * that name file, line and column. docs/population.md is the narrative and lists
 * every assumption with its source.
 */
#include "internal.h"
#include "ipf.h"
#include "population_int.h"
#include "outfile.h"
#include "rng_int.h"

#include <stroom/population.h>

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

struct stroom_population {
	stroom_allocator alloc; /* a copy: the caller's struct may not outlive us */
	stroom_households h;    /* arrays point into the same allocation */
};

/* ---- allocation ---------------------------------------------------------------- */

/*
 * One allocation for the handle and all arrays: capacity households. h.n starts
 * at capacity; the CSV loader lowers it to the rows it read.
 */
int population_new(stroom_population **out, size_t capacity, const stroom_allocator *alloc)
{
	const size_t per_household = 2 * sizeof(int32_t) + 6 * sizeof(uint8_t);
	size_t head = (sizeof(stroom_population) + 7u) & ~(size_t)7u;
	stroom_population *pop;
	unsigned char *base;

	*out = NULL;
	if (capacity > (SIZE_MAX - head) / per_household)
		return stroom_error_set(STROOM_ENOMEM, "population: %zu households do not fit in memory",
					capacity);
	pop = stroom_malloc(alloc, head + capacity * per_household);
	if (!pop)
		return STROOM_ENOMEM;
	memset(pop, 0, sizeof *pop);
	pop->alloc = *stroom_alloc_or_default(alloc);
	base = (unsigned char *)pop + head;
	pop->h.n = capacity;
	pop->h.birth_month = (int32_t *)(void *)base;
	pop->h.spell_start = pop->h.birth_month + capacity;
	base += 2 * capacity * sizeof(int32_t);
	pop->h.type = base;
	pop->h.area = base + capacity;
	pop->h.distance = base + 2 * capacity;
	pop->h.stream = base + 3 * capacity;
	pop->h.parttime = base + 4 * capacity;
	pop->h.prev_spells = base + 5 * capacity;
	*out = pop;
	return 0;
}

void stroom_population_free(stroom_population *pop)
{
	stroom_allocator a;
	if (!pop)
		return;
	a = pop->alloc;
	a.free_fn(pop, a.payload);
}

const stroom_households *stroom_population_households(const stroom_population *pop)
{
	return pop ? &pop->h : NULL;
}

/* ---- keyed random numbers ------------------------------------------------------ */

/*
 * Keyed draws (rng.h) with replicate 0 and month 0: the starting population is
 * shared by all replicates. `index` is the household's position (or, for the
 * integerisation, the cell's step), so every draw is a pure function of
 * (seed, purpose, index, block).
 */
static void draw4(uint64_t seed, uint32_t index, uint32_t purpose, uint32_t block, double u[4])
{
	stroom_rng_draw(stroom_rng_key(seed), 0, index, 0, purpose, block, u);
}

/* An integer uniform on [lo, hi), hi > lo, from u in (0, 1). */
static int32_t uniform_int(double u, int32_t lo, int32_t hi)
{
	int32_t k = lo + (int32_t)floor(u * (double)(hi - lo));
	return k < hi ? k : hi - 1;
}

/* ---- synthesis: assumptions (docs/population.md lists their sources) ----------- */

#define MONTHS_18Y (18 * 12)
/* Age bands in months at the start: [lo, hi); 55+ ends at the AOW age. */
static const int32_t age_lo[STROOM_NAGE] = {18 * 12, 27 * 12, 40 * 12, 55 * 12};
static const int32_t age_hi_fixed[STROOM_NAGE - 1] = {27 * 12, 40 * 12, 55 * 12};
/* Duration bands in months at the start: [lo, hi); > 5y is 60 + Exp(mean), at most the cap. */
#define LONG_SPELL_MEAN_EXCESS 60.0 /* months beyond 5 years: assumption (seed 001 L124) */
#define LONG_SPELL_CAP 300          /* months (25 years): assumption */
static const int32_t dur_lo[STROOM_NDUR] = {0, 12, 24, 60};
static const int32_t dur_hi[STROOM_NDUR] = {12, 24, 60, LONG_SPELL_CAP + 1};

/* Seed-table weights: werk and prestatie010 by duration from seed 000 L726-728 and
 * L778-780; "other" (youth desk, Rotterdam Inclusief) younger from seed 000 L750-754,
 * L768. The sizes are assumptions; docs/population.md has the table. */
#define W_WERK_DUR_2_5 0.15
#define W_WERK_DUR_GT5 0.05
#define W_PRESTATIE_DUR_LT1 0.05
#define W_PRESTATIE_DUR_1_2 0.3
#define W_OTHER_AGE_LT27 3.0
/* Heads under 27 have been adults for at most 9 years: long spells are rare among
 * them (assumption; without it IPF puts half of the under-27s above 5 years). */
#define W_YOUNG_DUR_2_5 0.5
#define W_YOUNG_DUR_GT5 0.1
/* Share with an earlier spell among spells of at most 5 years: assumption. */
#define PREV_SPELL_SHARE 0.3

#define IPF_TOLERANCE 1e-9  /* of the total */
#define IPF_MAX_ITERATIONS 1000
#define SHARE_SUM_TOLERANCE 1e-6 /* as the scenario loader */

enum { DIM_AGE, DIM_DUR, DIM_TYPE, DIM_AREA, DIM_STREAM, NDIM };
_Static_assert(STROOM_NAGE <= STROOM_MAX_AREAS && STROOM_NDUR <= STROOM_MAX_AREAS &&
		       STROOM_NTYPE <= STROOM_MAX_AREAS && STROOM_NSTREAM <= STROOM_MAX_AREAS,
	       "the IPF scratch and target rows are sized by STROOM_MAX_AREAS");

static const char *const dim_key[NDIM] = {"population.age", "population.duration",
					  "population.type", "population.area",
					  "population.stream"};

static const char *category_name(const stroom_params *p, int dim, size_t j)
{
	switch (dim) {
	case DIM_AGE: return stroom_age_band_name((int)j);
	case DIM_DUR: return stroom_duration_band_name((int)j);
	case DIM_TYPE: return stroom_type_name((int)j);
	case DIM_AREA: return p->area_name[j];
	default: return stroom_stream_name((int)j);
	}
}


/* Checks one group of shares (finite, >= 0, summing to 1 within tolerance). */
static int check_shares(const char *key, const double *share, size_t n)
{
	double sum = 0.0;
	size_t j;
	for (j = 0; j < n; j++) {
		if (!isfinite(share[j]) || share[j] < 0.0)
			return stroom_error_set(STROOM_EINVAL,
						"%s: expected shares >= 0, got %g at position %zu",
						key, share[j], j + 1);
		sum += share[j];
	}
	if (fabs(sum - 1.0) > SHARE_SUM_TOLERANCE)
		return stroom_error_set(STROOM_EINVAL, "%s: expected shares summing to 1, got %.10g",
					key, sum);
	return 0;
}

int population_check_size(const stroom_params *p)
{
	if (p->n_areas < 1 || p->n_areas > STROOM_MAX_AREAS)
		return stroom_error_set(STROOM_EINVAL, "areas: expected 1 to %d area names, got %d",
					STROOM_MAX_AREAS, p->n_areas);
	if (p->population_households < 1)
		return stroom_error_set(STROOM_EINVAL,
					"population.households: expected at least 1, got %d",
					p->population_households);
	return 0;
}

static int check_params(const stroom_params *p, int32_t aow)
{
	int rc;
	if ((rc = population_check_size(p)) < 0)
		return rc;
	if ((rc = check_shares(dim_key[DIM_AGE], p->pop_age, STROOM_NAGE)) < 0 ||
	    (rc = check_shares(dim_key[DIM_DUR], p->pop_duration, STROOM_NDUR)) < 0 ||
	    (rc = check_shares(dim_key[DIM_TYPE], p->pop_type, STROOM_NTYPE)) < 0 ||
	    (rc = check_shares(dim_key[DIM_AREA], p->pop_area, (size_t)p->n_areas)) < 0 ||
	    (rc = check_shares(dim_key[DIM_STREAM], p->pop_stream, STROOM_NSTREAM)) < 0)
		return rc;
	if (!(p->pop_parttime >= 0.0 && p->pop_parttime <= 1.0))
		return stroom_error_set(STROOM_EINVAL,
					"population.parttime: expected a share in [0, 1], got %g",
					p->pop_parttime);
	if (!(isfinite(p->pop_age_x_duration_long) && p->pop_age_x_duration_long >= 0.0))
		return stroom_error_set(STROOM_EINVAL,
					"population.older_long_duration: expected a multiplier >= 0, got %g",
					p->pop_age_x_duration_long);
	if (p->pop_age[STROOM_AGE_55P] > 0.0 && aow <= age_lo[STROOM_AGE_55P]) {
		char m[16];
		return stroom_error_set(STROOM_EINVAL,
					"population.age: the pension age in %s is %d months, not above "
					"55 years, so population.age 55+ (%g) cannot be filled",
					stroom_month_format(p->start, m, sizeof m), aow,
					p->pop_age[STROOM_AGE_55P]);
	}
	return 0;
}

/* The youngest age (months) a head in this age band can have with a spell in this
 * duration band, given the spell began at 18 or later; hi is the band's end. */
static void age_range(int32_t aow, int age, int dur, int32_t *lo, int32_t *hi)
{
	int32_t need = MONTHS_18Y + dur_lo[dur];
	*lo = age_lo[age] > need ? age_lo[age] : need;
	*hi = age == STROOM_AGE_55P ? aow : age_hi_fixed[age];
}

/*
 * The seed (prior) table: 1 everywhere, times the associations the documents
 * state, and 0 where no household can be (a spell that would start before 18).
 * Flat index: ((((age * NDUR + dur) * NTYPE + type) * n_areas + area) * NSTREAM + stream).
 */
static void seed_table(double *cells, const stroom_params *p, int32_t aow)
{
	size_t i = 0;
	int a, d, t, r, s;
	for (a = 0; a < STROOM_NAGE; a++)
		for (d = 0; d < STROOM_NDUR; d++)
			for (t = 0; t < STROOM_NTYPE; t++)
				for (r = 0; r < p->n_areas; r++)
					for (s = 0; s < STROOM_NSTREAM; s++) {
						double w = 1.0;
						int32_t lo, hi;
						age_range(aow, a, d, &lo, &hi);
						if (lo >= hi)
							w = 0.0;
						if (s == STROOM_STREAM_WERK && d == STROOM_DUR_2_5)
							w *= W_WERK_DUR_2_5;
						if (s == STROOM_STREAM_WERK && d == STROOM_DUR_GT5)
							w *= W_WERK_DUR_GT5;
						if (s == STROOM_STREAM_PRESTATIE && d == STROOM_DUR_LT1)
							w *= W_PRESTATIE_DUR_LT1;
						if (s == STROOM_STREAM_PRESTATIE && d == STROOM_DUR_1_2)
							w *= W_PRESTATIE_DUR_1_2;
						if (s == STROOM_STREAM_OTHER && a == STROOM_AGE_LT27)
							w *= W_OTHER_AGE_LT27;
						if (a == STROOM_AGE_LT27 && d == STROOM_DUR_2_5)
							w *= W_YOUNG_DUR_2_5;
						if (a == STROOM_AGE_LT27 && d == STROOM_DUR_GT5)
							w *= W_YOUNG_DUR_GT5;
						if (a == STROOM_AGE_55P && d == STROOM_DUR_GT5)
							w *= p->pop_age_x_duration_long;
						cells[i++] = w;
					}
}

/*
 * Integerises the fitted table: counts[c] = floor(cells[c]) plus, for the R
 * households the floors leave over, one more in cells chosen with inclusion
 * probability equal to their fractional part (randomised systematic sampling:
 * cells in a keyed random order, R equally spaced points with a keyed random
 * start). Expected counts equal the fitted values, and the total is exactly
 * `total`. `order` is scratch of ncells entries.
 */
static int integerise(const double *cells, size_t ncells, uint32_t total, uint64_t seed,
		      uint32_t *counts, uint32_t *order)
{
	double frac_sum = 0.0, cum = 0.0, scale, start, prev_edge;
	double u[4];
	uint64_t floors = 0;
	uint32_t rest, given = 0;
	size_t c, k, last = 0;

	for (c = 0; c < ncells; c++) {
		double f = floor(cells[c]);
		counts[c] = (uint32_t)f;
		floors += counts[c];
		frac_sum += cells[c] - f;
		order[c] = (uint32_t)c;
	}
	if (floors > total)
		return stroom_error_set(STROOM_ERROR,
					"population: integerisation found %llu households in the "
					"floors of a table of %u (a bug)",
					(unsigned long long)floors, total);
	rest = total - (uint32_t)floors;
	if (rest == 0)
		return 0;
	if (!(frac_sum > 0.0))
		return stroom_error_set(STROOM_ERROR, "population: integerisation has %u households "
					"to place but no fractional parts (a bug)", rest);

	/* Fisher-Yates shuffle of the cells, one keyed draw per step. */
	for (k = ncells - 1; k > 0; k--) {
		size_t j;
		uint32_t tmp;
		draw4(seed, (uint32_t)k, STROOM_PURPOSE_SYNTH_CELL, 0, u);
		j = (size_t)floor(u[0] * (double)(k + 1));
		if (j > k)
			j = k;
		tmp = order[k];
		order[k] = order[j];
		order[j] = tmp;
	}
	draw4(seed, 0, STROOM_PURPOSE_SYNTH_CELL, 1, u);
	start = u[0];

	/* Point k (0..rest-1) sits at (start + k) on the fractional parts rescaled to
	 * sum to rest; a cell covering [e0, e1) gets ceil(e1 - start) - ceil(e0 - start).
	 * The last cell with a fractional part ends exactly at rest, so rounding can
	 * neither lose a household nor give one to a cell without a fractional part. */
	for (k = 0; k < ncells; k++)
		if (cells[order[k]] > floor(cells[order[k]]))
			last = k;
	scale = (double)rest / frac_sum;
	prev_edge = ceil(0.0 - start);
	for (k = 0; k <= last; k++) {
		double edge;
		c = order[k];
		cum += cells[c] - floor(cells[c]);
		edge = k == last ? (double)rest : cum * scale;
		edge = ceil(edge - start);
		if (edge > prev_edge) {
			uint32_t add = (uint32_t)(edge - prev_edge);
			counts[c] += add;
			given += add;
			prev_edge = edge;
		}
	}
	if (given != rest)
		return stroom_error_set(STROOM_ERROR, "population: integerisation placed %u of %u "
					"households (a bug)", given, rest);
	return 0;
}

/*
 * Fills household i of cell (age, dur, type, area, stream). Draws are keyed on
 * (seed, i): block 0 gives age, duration, long-spell length and part-time; block
 * 1 gives earlier spells.
 */
static void draw_household(stroom_households *h, size_t i, const stroom_params *p, int32_t aow, int age,
			   int dur, int type, int area, int stream)
{
	double u[4], v[4];
	int32_t lo, hi, a, d, dmax;

	draw4(p->seed, (uint32_t)i, STROOM_PURPOSE_SYNTH, 0, u);
	draw4(p->seed, (uint32_t)i, STROOM_PURPOSE_SYNTH, 1, v);
	age_range(aow, age, dur, &lo, &hi);
	a = uniform_int(u[0], lo, hi);
	dmax = dur_hi[dur] - 1;
	if (dmax > a - MONTHS_18Y)
		dmax = a - MONTHS_18Y; /* the spell starts at 18 or later */
	if (dur == STROOM_DUR_GT5) {
		/* 60 months + an exponential, truncated (not clamped) at dmax: no spike at
		 * the cap or at the 18th birthday. Inverse CDF of the truncated law. */
		double span = (double)(dmax - dur_lo[dur] + 1);
		double tail = 1.0 - exp(-span / LONG_SPELL_MEAN_EXCESS);
		double e = -LONG_SPELL_MEAN_EXCESS * log1p(-u[1] * tail);
		int32_t extra = (int32_t)floor(e);
		d = dur_lo[dur] + (extra < dmax - dur_lo[dur] ? extra : dmax - dur_lo[dur]);
	} else {
		d = uniform_int(u[1], dur_lo[dur], dmax + 1);
	}

	h->birth_month[i] = p->start - a;
	h->spell_start[i] = p->start - d;
	h->type[i] = (uint8_t)type;
	h->area[i] = (uint8_t)area;
	h->stream[i] = (uint8_t)stream;
	if (stream == STROOM_STREAM_WERK)
		h->distance[i] = (uint8_t)(d < p->drift_short_months ? STROOM_DIST_SHORT
								    : STROOM_DIST_MEDIUM);
	else if (stream == STROOM_STREAM_PRESTATIE)
		h->distance[i] = STROOM_DIST_LONG;
	else
		h->distance[i] = (uint8_t)(d < p->drift_medium_months ? STROOM_DIST_MEDIUM
								     : STROOM_DIST_LONG);
	h->parttime[i] = (uint8_t)(u[2] < p->pop_parttime);
	h->prev_spells[i] = (uint8_t)(dur != STROOM_DUR_GT5 && v[0] < PREV_SPELL_SHARE);
}

int stroom_population_synthesise(stroom_population **out, const stroom_params *p,
				 const stroom_rules *rules, const stroom_allocator *alloc)
{
	stroom_rules *own_rules = NULL;
	int32_t aow;
	stroom_population *pop = NULL;
	double *cells = NULL;
	double work[STROOM_MAX_AREAS]; /* IPF scratch: the largest dimension */
	uint32_t *counts = NULL, *order = NULL;
	double target[NDIM][STROOM_MAX_AREAS];
	const double *target_rows[NDIM];
	const double *shares[NDIM];
	size_t size[NDIM], ncells = 1, k, j, c, i;
	stroom_ipf_result fit;
	int rc;

	*out = NULL;
	if (!rules) {
		if ((rc = stroom_rules_load(&own_rules, NULL, NULL, alloc)) < 0)
			goto cleanup;
		rules = own_rules;
	}
	/* the age at which people reach pension age on the start date */
	aow = stroom_rules_pension_age_in_month(rules, p->start);
	if (p->pop_start == STROOM_POP_STEADY) {
		rc = population_synthesise_steady(out, p, rules, aow, alloc);
		goto cleanup;
	}
	if ((rc = check_params(p, aow)) < 0)
		goto cleanup;

	size[DIM_AGE] = STROOM_NAGE;
	size[DIM_DUR] = STROOM_NDUR;
	size[DIM_TYPE] = STROOM_NTYPE;
	size[DIM_AREA] = (size_t)p->n_areas;
	size[DIM_STREAM] = STROOM_NSTREAM;
	shares[DIM_AGE] = p->pop_age;
	shares[DIM_DUR] = p->pop_duration;
	shares[DIM_TYPE] = p->pop_type;
	shares[DIM_AREA] = p->pop_area;
	shares[DIM_STREAM] = p->pop_stream;
	for (k = 0; k < NDIM; k++) {
		double sum = 0.0;
		for (j = 0; j < size[k]; j++)
			sum += shares[k][j];
		for (j = 0; j < size[k]; j++) /* normalised: rounding in published shares */
			target[k][j] = shares[k][j] / sum * (double)p->population_households;
		target_rows[k] = target[k];
		ncells *= size[k];
	}

	cells = stroom_calloc(alloc, ncells, sizeof *cells);
	counts = stroom_calloc(alloc, ncells, sizeof *counts);
	order = stroom_calloc(alloc, ncells, sizeof *order);
	if (!cells || !counts || !order) {
		rc = STROOM_ENOMEM;
		goto cleanup;
	}

	seed_table(cells, p, aow);
	if (stroom_ipf_fit(cells, NDIM, size, target_rows,
			   IPF_TOLERANCE * (double)p->population_households, IPF_MAX_ITERATIONS,
			   work, &fit) != STROOM_IPF_CONVERGED) {
		const char *key = dim_key[fit.dim];
		const char *cat = category_name(p, (int)fit.dim, fit.category);
		if (fit.status == STROOM_IPF_EMPTY_MARGIN)
			rc = stroom_error_set(STROOM_EINVAL,
					      "%s: %s has share %g but no cell of the joint table can "
					      "hold it (the other marginals and the seed table leave it "
					      "empty; see docs/population.md)",
					      key, cat, shares[fit.dim][fit.category]);
		else
			rc = stroom_error_set(STROOM_EINVAL,
					      "%s: IPF did not fit the marginals in %d iterations (%s "
					      "is off by %.3g households); the marginals conflict with "
					      "the seed table's zeros",
					      key, IPF_MAX_ITERATIONS, cat, fit.max_error);
		goto cleanup;
	}

	if ((rc = integerise(cells, ncells, (uint32_t)p->population_households, p->seed, counts,
			     order)) < 0)
		goto cleanup;
	if ((rc = population_new(&pop, (size_t)p->population_households, alloc)) < 0)
		goto cleanup;

	/* Households in cell order; the flat index decomposes as in seed_table. */
	i = 0;
	for (c = 0; c < ncells; c++) {
		size_t rest = c, n;
		int s = (int)(rest % STROOM_NSTREAM);
		int r = (int)((rest /= STROOM_NSTREAM) % (size_t)p->n_areas);
		int t = (int)((rest /= (size_t)p->n_areas) % STROOM_NTYPE);
		int d = (int)((rest /= STROOM_NTYPE) % STROOM_NDUR);
		int a = (int)(rest / STROOM_NDUR);
		for (n = 0; n < counts[c]; n++)
			draw_household(&pop->h, i++, p, aow, a, d, t, r, s);
	}
	*out = pop;
	pop = NULL;
	rc = 0;

cleanup:
	stroom_free(alloc, cells);
	stroom_free(alloc, counts);
	stroom_free(alloc, order);
	stroom_rules_free(own_rules);
	stroom_population_free(pop);
	return rc;
}

/* ---- CSV ----------------------------------------------------------------------- */

enum { COL_ID, COL_BIRTH, COL_TYPE, COL_AREA, COL_DIST, COL_STREAM, COL_SPELL, COL_PARTTIME,
       COL_PREV, NCOL };

static const char *const col_name[NCOL] = {"id", "birth_month", "type", "area", "distance",
					   "stream", "spell_start", "parttime",
					   "previous_spells"};

#define VALUE_SHOWN 64 /* characters of a bad value quoted in a message */


/* Cuts the next line off *cursor (NUL-terminating it, without "\r\n"); NULL at the end. */
static char *next_line(char **cursor, const char *end)
{
	char *line = *cursor, *nl;
	size_t n;
	if (line >= end)
		return NULL;
	nl = memchr(line, '\n', (size_t)(end - line));
	if (nl) {
		*nl = '\0';
		*cursor = nl + 1;
	} else {
		*cursor = (char *)end;
	}
	n = strlen(line);
	if (n > 0 && line[n - 1] == '\r')
		line[n - 1] = '\0';
	return line;
}

static char *trim(char *s)
{
	size_t n;
	while (*s == ' ' || *s == '\t')
		s++;
	n = strlen(s);
	while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\r'))
		s[--n] = '\0';
	return s;
}

/* Splits a line at commas into at most max trimmed fields; returns the field count
 * (which may exceed max: the extra fields are counted, not stored). */
static size_t split(char *line, char **field, size_t max)
{
	size_t n = 0;
	for (;;) {
		char *comma = strchr(line, ',');
		if (comma)
			*comma = '\0';
		if (n < max)
			field[n] = trim(line);
		n++;
		if (!comma)
			return n;
		line = comma + 1;
	}
}

static int lookup(const char *value, const char *(*name_of)(int), int n)
{
	int i;
	for (i = 0; i < n; i++)
		if (strcmp(value, name_of(i)) == 0)
			return i;
	return -1;
}

static int value_error(const char *path, size_t line, int col, const char *expected,
		       const char *value)
{
	return stroom_error_set(STROOM_EPARSE, "%s:%zu: column %s: expected %s, got '%.*s'", path,
				line, col_name[col], expected, VALUE_SHOWN, value);
}

/* "one of a, b, c" for an enumerated column. */
static void one_of(char *buf, size_t size, const char *(*name_of)(int), int n)
{
	size_t used = (size_t)snprintf(buf, size, "one of ");
	int i;
	for (i = 0; i < n && used < size; i++)
		used += (size_t)snprintf(buf + used, size - used, "%s%s", i ? ", " : "", name_of(i));
}

static int parse_enum(const char *path, size_t line, int col, const char *value,
		      const char *(*name_of)(int), int n, uint8_t *out)
{
	char expected[160];
	int v = lookup(value, name_of, n);
	if (v < 0) {
		one_of(expected, sizeof expected, name_of, n);
		return value_error(path, line, col, expected, value);
	}
	*out = (uint8_t)v;
	return 0;
}

static int parse_area(const char *path, size_t line, const char *value, const stroom_params *p,
		      uint8_t *out)
{
	char expected[STROOM_MAX_AREAS * (STROOM_NAME_LEN + 2) + 16];
	size_t used;
	int i;
	for (i = 0; i < p->n_areas; i++) {
		if (strcmp(value, p->area_name[i]) == 0) {
			*out = (uint8_t)i;
			return 0;
		}
	}
	used = (size_t)snprintf(expected, sizeof expected, "one of ");
	for (i = 0; i < p->n_areas && used < sizeof expected; i++)
		used += (size_t)snprintf(expected + used, sizeof expected - used, "%s%s",
					 i ? ", " : "", p->area_name[i]);
	return value_error(path, line, COL_AREA, expected, value);
}

static int parse_small_uint(const char *value, unsigned max, unsigned *out)
{
	unsigned v = 0;
	size_t n = 0;
	for (; value[n]; n++) {
		if (value[n] < '0' || value[n] > '9' || n >= 3)
			return -1;
		v = v * 10u + (unsigned)(value[n] - '0');
	}
	if (n == 0 || v > max)
		return -1;
	*out = v;
	return 0;
}

/* Parses data row `line` (its fields in header order via col_at) into household i. */
static int parse_row(const char *path, size_t line, char *const *field, const int *col_at,
		     const stroom_params *p, stroom_households *h, size_t i)
{
	const char *v;
	stroom_month birth, spell;
	unsigned u;
	char m1[16], m2[64];
	int rc;

	v = field[col_at[COL_ID]];
	if (!*v)
		return value_error(path, line, COL_ID, "a non-empty id", v);
	v = field[col_at[COL_BIRTH]];
	if (stroom_month_parse(&birth, v) < 0)
		return value_error(path, line, COL_BIRTH, "a month YYYY-MM", v);
	if ((rc = parse_enum(path, line, COL_TYPE, field[col_at[COL_TYPE]], stroom_type_name,
			     STROOM_NTYPE, &h->type[i])) < 0 ||
	    (rc = parse_area(path, line, field[col_at[COL_AREA]], p, &h->area[i])) < 0 ||
	    (rc = parse_enum(path, line, COL_DIST, field[col_at[COL_DIST]], stroom_distance_name,
			     STROOM_NDIST, &h->distance[i])) < 0 ||
	    (rc = parse_enum(path, line, COL_STREAM, field[col_at[COL_STREAM]], stroom_stream_name,
			     STROOM_NSTREAM, &h->stream[i])) < 0)
		return rc;
	v = field[col_at[COL_SPELL]];
	if (stroom_month_parse(&spell, v) < 0)
		return value_error(path, line, COL_SPELL, "a month YYYY-MM", v);
	if (spell > p->start) {
		snprintf(m2, sizeof m2, "a month on or before the start (%s)",
			 stroom_month_format(p->start, m1, sizeof m1));
		return value_error(path, line, COL_SPELL, m2, v);
	}
	if (spell < birth + MONTHS_18Y) {
		char want[64];
		snprintf(want, sizeof want, "a month at or after the head turns 18 (%s)",
			 stroom_month_format(birth + MONTHS_18Y, m1, sizeof m1));
		return value_error(path, line, COL_SPELL, want, v);
	}
	v = field[col_at[COL_PARTTIME]];
	if (strcmp(v, "0") != 0 && strcmp(v, "1") != 0)
		return value_error(path, line, COL_PARTTIME, "0 or 1", v);
	v = field[col_at[COL_PREV]];
	if (parse_small_uint(v, 255, &u) < 0)
		return value_error(path, line, COL_PREV, "an integer from 0 to 255", v);
	h->birth_month[i] = birth;
	h->spell_start[i] = spell;
	h->parttime[i] = (uint8_t)(field[col_at[COL_PARTTIME]][0] == '1');
	h->prev_spells[i] = (uint8_t)u;
	return 0;
}

/* Maps header fields to columns: col_at[c] = the field index of column c. */
static int parse_header(const char *path, char *line, int *col_at)
{
	char *field[NCOL + 1];
	size_t n = split(line, field, NCOL + 1), j;
	int c;

	for (c = 0; c < NCOL; c++)
		col_at[c] = -1;
	for (j = 0; j < n && j <= NCOL; j++) {
		for (c = 0; c < NCOL && strcmp(field[j], col_name[c]) != 0; c++)
			;
		if (c == NCOL)
			return stroom_error_set(STROOM_EPARSE,
						"%s:1: header: expected column names among id, "
						"birth_month, type, area, distance, stream, "
						"spell_start, parttime, previous_spells, got '%.*s'",
						path, VALUE_SHOWN, field[j]);
		if (col_at[c] >= 0)
			return stroom_error_set(STROOM_EPARSE,
						"%s:1: column %s: appears twice in the header", path,
						col_name[c]);
		col_at[c] = (int)j;
	}
	for (c = 0; c < NCOL; c++)
		if (col_at[c] < 0)
			return stroom_error_set(STROOM_EPARSE, "%s:1: column %s: missing from header",
						path, col_name[c]);
	return 0;
}

static int is_blank(const char *s)
{
	for (; *s; s++)
		if (*s != ' ' && *s != '\t' && *s != '\r')
			return 0;
	return 1;
}

int stroom_population_load_csv(stroom_population **out, const char *path, const stroom_params *p,
			       const stroom_allocator *alloc)
{
	stroom_population *pop = NULL;
	char *buf = NULL, *cursor, *end, *line;
	size_t len = 0, capacity = 1, lineno = 1, rows = 0, i;
	int col_at[NCOL];
	int rc;

	*out = NULL;
	if (p->n_areas < 1 || p->n_areas > STROOM_MAX_AREAS) {
		rc = stroom_error_set(STROOM_EINVAL, "areas: expected 1 to %d area names, got %d",
				      STROOM_MAX_AREAS, p->n_areas);
		goto cleanup;
	}
	if ((rc = stroom_read_file(alloc, path, STROOM_INPUT_HOUSEHOLDS, "", &buf, &len)) < 0)
		goto cleanup;
	end = buf + len;
	cursor = buf;
	if (len >= 3 && memcmp(buf, "\xEF\xBB\xBF", 3) == 0) /* a UTF-8 byte order mark */
		cursor += 3;
	for (i = 0; i < len; i++)
		capacity += buf[i] == '\n';

	line = next_line(&cursor, end);
	if (!line || is_blank(line)) {
		rc = stroom_error_set(STROOM_EPARSE, "%s:1: expected a header row naming the columns, "
				      "got %s", path, line ? "an empty line" : "an empty file");
		goto cleanup;
	}
	if ((rc = parse_header(path, line, col_at)) < 0)
		goto cleanup;
	if ((rc = population_new(&pop, capacity, alloc)) < 0)
		goto cleanup;

	while ((line = next_line(&cursor, end)) != NULL) {
		char *field[NCOL];
		size_t n;
		lineno++;
		if (is_blank(line))
			continue;
		n = split(line, field, NCOL);
		if (n != NCOL) {
			rc = stroom_error_set(STROOM_EPARSE, "%s:%zu: expected %d fields as in the "
					      "header, got %zu", path, lineno, NCOL, n);
			goto cleanup;
		}
		if ((rc = parse_row(path, lineno, field, col_at, p, &pop->h, rows)) < 0)
			goto cleanup;
		rows++;
	}
	if (rows == 0) {
		rc = stroom_error_set(STROOM_EPARSE, "%s:2: expected at least one household row "
				      "after the header, got none", path);
		goto cleanup;
	}
	pop->h.n = rows;
	*out = pop;
	pop = NULL;

cleanup:
	stroom_free(alloc, buf);
	stroom_population_free(pop);
	return rc;
}

int stroom_population_write_csv(const stroom_population *pop, const char *path,
				const stroom_params *p)
{
	return stroom_population_write_csv_ext(pop, path, p, 1, NULL, NULL);
}

int stroom_population_write_csv_ext(const stroom_population *pop, const char *path,
				    const stroom_params *p, int replace,
				    int (*cancelled)(const char *step, void *payload), void *payload)
{
	const stroom_households *h = &pop->h;
	char dir[4096], tmp[4200];
	const char *base;
	struct stat st;
	FILE *f;
	size_t i;
	int err = 0;

	for (i = 0; i < h->n; i++) {
		if (h->type[i] >= STROOM_NTYPE || h->area[i] >= p->n_areas ||
		    h->distance[i] >= STROOM_NDIST || h->stream[i] >= STROOM_NSTREAM ||
		    h->parttime[i] > 1)
			return stroom_error_set(STROOM_EINVAL, "%s: household %zu has a code outside "
						"its classification (type %u, area %u of %d, "
						"distance %u, stream %u, parttime %u)",
						path, i + 1, h->type[i], h->area[i], p->n_areas,
						h->distance[i], h->stream[i], h->parttime[i]);
	}
	if (!replace && lstat(path, &st) == 0)
		return stroom_error_set(STROOM_EINVAL, "'%s' already exists; remove it or choose "
					"another file", path);
	if (cancelled && cancelled(path, payload))
		return stroom_error_set(STROOM_EINTR, "interrupted; '%s' not written", path);
	/* a temporary file beside path, renamed into place when complete */
	stroom_path_split(path, dir, sizeof dir, &base);
	snprintf(tmp, sizeof tmp, "%s/.%s.tmp-%ld", dir, base, (long)getpid());
	f = fopen(tmp, "wbx");
	if (!f)
		return stroom_error_set(STROOM_EIO, "cannot write '%s': %s", path, strerror(errno));
	errno = 0;
	if (fputs("id,birth_month,type,area,distance,stream,spell_start,parttime,"
		  "previous_spells\n", f) < 0)
		err = errno ? errno : EIO;
	for (i = 0; i < h->n && !err; i++) {
		char b[16], sp[16];
		if (fprintf(f, "%zu,%s,%s,%s,%s,%s,%s,%u,%u\n", i + 1,
			    stroom_month_format(h->birth_month[i], b, sizeof b),
			    stroom_type_name(h->type[i]), p->area_name[h->area[i]],
			    stroom_distance_name(h->distance[i]), stroom_stream_name(h->stream[i]),
			    stroom_month_format(h->spell_start[i], sp, sizeof sp), h->parttime[i],
			    h->prev_spells[i]) < 0)
			err = errno ? errno : EIO;
	}
	err = stroom_close_checked(f, err);
	if (!err && cancelled && cancelled(NULL, payload)) {
		unlink(tmp);
		return stroom_error_set(STROOM_EINTR, "interrupted; '%s' not written", path);
	}
	if (!err && (replace ? rename(tmp, path) : stroom_rename_noreplace(tmp, path)) != 0)
		err = errno;
	if (err) {
		unlink(tmp); /* no partial file left behind */
		if (err == EEXIST)
			return stroom_error_set(STROOM_EIO, "'%s' already exists (made while it was "
						"written); it is left as it was", path);
		return stroom_error_set(STROOM_EIO, "cannot write '%s': %s", path, strerror(err));
	}
	return 0;
}
