/*
 * rules.c: the benefit rules of the Participatiewet (BWBR0015703) as data plus a
 * small engine. Loading reads five small CSV files (builtin copies compiled in
 * by cmake/embed.cmake, or explicit paths) into arrays of rows that point
 * into one private copy of each text; stroom_rules_benefit() then applies the
 * formulas to one household in one month without allocating, and writes a
 * trace of every rule and parameter it used.
 *
 * Rounding, everywhere: an amount times a share is rounded to the nearest
 * eurocent, halves up (amounts are never negative). This reproduces the
 * published tables: 1283.83 x 95% = 1219.6385 -> 1219.64; the cost-sharer norm
 * 1834.04 x 38% = 696.9352 -> 696.94.
 *
 * A data row holds from its valid_from month until a later row of the same
 * category (or name), so a value that did not change need not be repeated.
 */
#include "csv.h"
#include "internal.h"
#include "builtin.h"

#include <stroom/rules.h>

#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PPM 1000000 /* shares are kept in parts per million */

/* ---- categories of norms.csv ---------------------------------------------- */

enum {
	CAT_ART21_SINGLE,
	CAT_ART21_COUPLE,
	CAT_ART20_SINGLE,
	CAT_ART20_SINGLE_PARENT,
	CAT_ART20_BOTH_U21,
	CAT_ART20_BOTH_U21_CHILDREN,
	CAT_ART20_ONE_U21,
	CAT_ART20_ONE_U21_CHILDREN,
	CAT_ART22_SINGLE,
	CAT_ART22_COUPLE,
	CAT_ART22_ONE_PENSION,
	CAT_DISREGARD_MAX,
	CAT_SP_DISREGARD_MAX,
	NCAT
};

static const struct {
	const char *name;
	const char *desc;    /* trace parameter */
	const char *article; /* when the data row names none */
} cats[NCAT] = {
	{"art21_single", "norm single or single parent, 21 to pension age",
	 "Participatiewet art. 21 sub a"},
	{"art21_couple", "norm married, both 21 to pension age", "Participatiewet art. 21 sub b"},
	{"art20_single", "norm single 18-20", "Participatiewet art. 20 lid 1 sub a"},
	{"art20_single_parent", "norm single parent 18-20", "Participatiewet art. 20 lid 2 sub a"},
	{"art20_couple_both_u21", "norm married, both 18-20", "Participatiewet art. 20 lid 1 sub b"},
	{"art20_couple_both_u21_children", "norm married, both 18-20, with children",
	 "Participatiewet art. 20 lid 2 sub b"},
	{"art20_couple_one_u21", "norm married, one 18-20 and one 21 or older",
	 "Participatiewet art. 20 lid 1 sub c"},
	{"art20_couple_one_u21_children", "norm married, one 18-20, one 21+, with children",
	 "Participatiewet art. 20 lid 2 sub c"},
	{"art22_single", "norm single or single parent, pension age", "Participatiewet art. 22 sub a"},
	{"art22_couple", "norm married, both of pension age", "Participatiewet art. 22 sub b"},
	{"art22_couple_one_pension_age", "norm married, one of pension age, other 21+",
	 "Participatiewet art. 22 sub c"},
	{"disregard_max", "disregard maximum per month", "Participatiewet art. 31 lid 2 sub n"},
	{"single_parent_disregard_max", "single-parent disregard maximum per month",
	 "Participatiewet art. 31 lid 2 sub r"},
};

/* ---- constants.csv ------------------------------------------------------- */

enum {
	K_HOLIDAY,
	K_DISREGARD,
	K_DISREGARD_MONTHS,
	K_SP_DISREGARD,
	K_CS_BASE,
	K_CS_PER,
	K_SP_DISREGARD_MONTHS,
	NCONST
};

static const struct {
	const char *name;
	int is_share; /* 1: a share (kept in ppm); 0: a whole number */
	const char *article;
} consts[NCONST] = {
	{"holiday_allowance_share", 1, "Participatiewet art. 19 lid 3"},
	{"disregard_share", 1, "Participatiewet art. 31 lid 2 sub n"},
	{"disregard_months", 0, "Participatiewet art. 31 lid 2 sub n"},
	{"single_parent_disregard_share", 1, "Participatiewet art. 31 lid 2 sub r"},
	{"cost_sharer_base_share", 1, "Participatiewet art. 22a lid 1"},
	{"cost_sharer_per_person_share", 1, "Participatiewet art. 22a lid 1"},
	{"single_parent_disregard_months", 0, "Participatiewet art. 31 lid 2 sub r"},
};

/* ---- rows ------------------------------------------------------------------ */

typedef struct norm_row {
	stroom_month from;
	int cat;
	int line;
	int64_t incl, excl, vt; /* -1 = unknown */
	const char *article;
} norm_row;

typedef struct prov_row {
	stroom_month from;
	const char *name;
	int64_t value;
	const char *article;
} prov_row;

typedef struct aow_row {
	stroom_month born_from;
	int months;
	const char *article;
} aow_row;

typedef struct sanction_row {
	const char *municipality;
	stroom_month from;
	const char *category;
	int offence, pct, months, verified;
} sanction_row;

enum { F_NORMS, F_CONSTANTS, F_PROVISIONS, F_AOW, F_SANCTIONS, NFILES };
static const char *const file_names[NFILES] = {"norms", "constants", "provisions", "aow",
					       "sanctions"};

struct stroom_rules {
	stroom_allocator alloc;
	char *text[NFILES];
	char path[NFILES][256];
	norm_row *norms; /* sorted by (cat, from) */
	size_t nnorms;
	size_t cat_first[NCAT], cat_count[NCAT];
	prov_row *prov;
	size_t nprov;
	aow_row *aow; /* sorted by born_from */
	size_t naow;
	sanction_row *sanc;
	size_t nsanc;
	stroom_month first;
	int64_t k[NCONST];
	const char *k_article[NCONST];
};

/* ---- CSV reading (csv.c) ----------------------------------------------------- */

/* Every rules file: messages at FILE:LINE:COL, a missing header column named. */
#define CSV_FLAGS (STROOM_CSV_WITH_COL | STROOM_CSV_MISSING_AS_COLUMN)

/* Field i of the current row is not what was expected: STROOM_EPARSE at FILE:LINE:COL. */
static int bad_field(const stroom_csv *c, int i, const char *expected)
{
	return stroom_csv_bad(c, STROOM_EPARSE, i, expected);
}

/* A month: "YYYY-MM-01" or "YYYY-MM". */
static int field_month(const stroom_csv *c, int i, stroom_month *out)
{
	if (stroom_month_parse(out, c->f[i]))
		return bad_field(c, i, "a date on the 1st of a month (YYYY-MM-01)");
	return 0;
}

/* A whole number in [lo, hi]; an empty field gives -1 when allow_empty. */
static int field_int(const stroom_csv *c, int i, int64_t lo, int64_t hi, int allow_empty,
		     int64_t *out)
{
	const char *s = c->f[i];
	char *end;
	long long v;
	char what[96];
	if (!*s && allow_empty) {
		*out = -1;
		return 0;
	}
	errno = 0;
	v = strtoll(s, &end, 10);
	if (!*s || *end || errno || v < lo || v > hi || *s == '+' || *s == ' ') {
		snprintf(what, sizeof what, "a whole number from %lld to %lld%s", (long long)lo,
			 (long long)hi, allow_empty ? " or empty" : "");
		return bad_field(c, i, what);
	}
	*out = v;
	return 0;
}

/* A share from 0 to 1: "0.05" or "5%", at most 6 decimals of a unit; in ppm. */
static int field_share(const stroom_csv *c, int i, int64_t *out)
{
	const char *s = c->f[i];
	int64_t whole = 0, frac = 0, scale = PPM;
	int digits = 0, fdigits = 0, pct = 0;
	for (; *s >= '0' && *s <= '9'; s++, digits++)
		whole = whole * 10 + (*s - '0');
	if (*s == '.')
		for (s++; *s >= '0' && *s <= '9'; s++, fdigits++) {
			if (fdigits < 6) {
				frac = frac * 10 + (*s - '0');
				scale /= 10;
			} else if (*s != '0') {
				return bad_field(c, i, "a share with at most 6 decimals");
			}
		}
	if (*s == '%') {
		pct = 1;
		s++;
	}
	if (*s || (digits == 0 && fdigits == 0) || digits > 6)
		return bad_field(c, i, "a share from 0 to 1 (e.g. 0.05) or a percentage (5%)");
	*out = whole * PPM + frac * scale;
	if (pct) {
		if (*out % 100)
			return bad_field(c, i, "a percentage with at most 4 decimals");
		*out /= 100;
	}
	if (*out > PPM)
		return bad_field(c, i, "a share from 0 to 1 (e.g. 0.05) or a percentage (5%)");
	return 0;
}

/* ---- loading ---------------------------------------------------------------- */

static int cmp_norm(const void *a, const void *b)
{
	const norm_row *x = a, *y = b;
	if (x->cat != y->cat)
		return x->cat < y->cat ? -1 : 1;
	return x->from < y->from ? -1 : x->from > y->from;
}

static int cmp_aow(const void *a, const void *b)
{
	const aow_row *x = a, *y = b;
	return x->born_from < y->born_from ? -1 : x->born_from > y->born_from;
}

static int load_norms(stroom_rules *r)
{
	static const char *const header[] = {"valid_from", "category", "incl_vt_eurocent",
					     "excl_vt_eurocent", "vt_eurocent", "article",
					     "source", "second_source", "verified", "note"};
	stroom_csv c;
	int err, rc, cat;
	size_t i;
	const char *path = r->path[F_NORMS];
	/* counted before the reader cuts the text */
	size_t nlines = stroom_csv_count_lines(r->text[F_NORMS]);
	if ((err = stroom_csv_open(&c, r->text[F_NORMS], path, header, 10, 10, CSV_FLAGS)) != 0)
		return err;
	r->norms = stroom_calloc(&r->alloc, nlines, sizeof *r->norms);
	if (!r->norms)
		return STROOM_ENOMEM;
	while ((rc = stroom_csv_row(&c)) == 1) {
		norm_row *row = &r->norms[r->nnorms];
		if ((err = field_month(&c, 0, &row->from)) != 0)
			return err;
		for (cat = 0; cat < NCAT && strcmp(c.f[1], cats[cat].name); cat++)
			;
		if (cat == NCAT)
			return bad_field(&c, 1, "a known category (art21_single, art21_couple, "
						"art20_..., art22_..., disregard_max, "
						"single_parent_disregard_max)");
		row->cat = cat;
		row->line = c.line;
		if ((err = field_int(&c, 2, 0, 100000000, 1, &row->incl)) != 0 ||
		    (err = field_int(&c, 3, 0, 100000000, 1, &row->excl)) != 0 ||
		    (err = field_int(&c, 4, 0, 100000000, 1, &row->vt)) != 0)
			return err;
		if (strcmp(c.f[8], "yes") && strcmp(c.f[8], "one-source") &&
		    strcmp(c.f[8], "derived") && strcmp(c.f[8], "unverified"))
			return bad_field(&c, 8, "yes, one-source, derived or unverified");
		row->article = c.f[5];
		for (i = 0; i < r->nnorms; i++)
			if (r->norms[i].cat == cat && r->norms[i].from == row->from)
				return stroom_error_set(STROOM_EPARSE,
							"%s:%d: category %s at %s repeats line %d",
							path, c.line, c.f[1], c.f[0],
							r->norms[i].line);
		r->nnorms++;
	}
	if (rc < 0)
		return rc;
	if (r->nnorms == 0)
		return stroom_error_set(STROOM_EPARSE, "%s: no rows", path);
	qsort(r->norms, r->nnorms, sizeof *r->norms, cmp_norm);
	r->first = r->norms[0].from;
	for (i = 0; i < r->nnorms; i++) {
		const norm_row *row = &r->norms[i];
		if (row->from < r->first)
			r->first = row->from;
		if (r->cat_count[row->cat]++ == 0)
			r->cat_first[row->cat] = i;
	}
	return 0;
}

static int load_constants(stroom_rules *r)
{
	static const char *const header[] = {"name", "value", "article", "source", "note"};
	stroom_csv c;
	int err, rc, k, seen[NCONST] = {0};
	const char *path = r->path[F_CONSTANTS];
	if ((err = stroom_csv_open(&c, r->text[F_CONSTANTS], path, header, 5, 5, CSV_FLAGS)) != 0)
		return err;
	while ((rc = stroom_csv_row(&c)) == 1) {
		for (k = 0; k < NCONST && strcmp(c.f[0], consts[k].name); k++)
			;
		if (k == NCONST)
			continue; /* constants of other modules */
		if (seen[k])
			return bad_field(&c, 0, "each name once");
		seen[k] = 1;
		err = consts[k].is_share ? field_share(&c, 1, &r->k[k])
					 : field_int(&c, 1, 0, 1200, 0, &r->k[k]);
		if (err)
			return err;
		r->k_article[k] = c.f[2][0] ? c.f[2] : consts[k].article;
	}
	if (rc < 0)
		return rc;
	for (k = 0; k < NCONST; k++)
		if (!seen[k])
			return stroom_error_set(STROOM_EINVAL, "%s: constant %s is missing", path,
						consts[k].name);
	if (r->k[K_HOLIDAY] >= PPM)
		return stroom_error_set(STROOM_EINVAL, "%s: holiday_allowance_share must be below 1",
					path);
	return 0;
}

static int load_provisions(stroom_rules *r)
{
	static const char *const header[] = {"valid_from", "name", "value", "article",
					     "source", "verified", "note"};
	static const char *const required[] = {"disregard_min_age", "cost_sharer_min_age"};
	stroom_csv c;
	int err, rc;
	size_t i, j;
	const char *path = r->path[F_PROVISIONS];
	/* counted before the reader cuts the text */
	size_t nlines = stroom_csv_count_lines(r->text[F_PROVISIONS]);
	if ((err = stroom_csv_open(&c, r->text[F_PROVISIONS], path, header, 7, 7, CSV_FLAGS)) != 0)
		return err;
	r->prov = stroom_calloc(&r->alloc, nlines, sizeof *r->prov);
	if (!r->prov)
		return STROOM_ENOMEM;
	while ((rc = stroom_csv_row(&c)) == 1) {
		prov_row *row = &r->prov[r->nprov];
		if ((err = field_month(&c, 0, &row->from)) != 0 ||
		    (err = field_int(&c, 2, 0, 100000000, 0, &row->value)) != 0)
			return err;
		if (!c.f[1][0])
			return bad_field(&c, 1, "a name");
		row->name = c.f[1];
		row->article = c.f[3];
		r->nprov++;
	}
	if (rc < 0)
		return rc;
	for (j = 0; j < STROOM_ARRAY_LEN(required); j++) {
		for (i = 0; i < r->nprov && strcmp(r->prov[i].name, required[j]); i++)
			;
		if (i == r->nprov)
			return stroom_error_set(STROOM_EINVAL, "%s: provision %s is missing", path,
						required[j]);
	}
	return 0;
}

static int load_aow(stroom_rules *r)
{
	static const char *const header[] = {"born_from", "pension_age_years",
					     "pension_age_months", "article", "source",
					     "verified", "note"};
	stroom_csv c;
	int err, rc;
	int64_t y, m;
	const char *path = r->path[F_AOW];
	/* counted before the reader cuts the text */
	size_t nlines = stroom_csv_count_lines(r->text[F_AOW]);
	if ((err = stroom_csv_open(&c, r->text[F_AOW], path, header, 7, 7, CSV_FLAGS)) != 0)
		return err;
	r->aow = stroom_calloc(&r->alloc, nlines, sizeof *r->aow);
	if (!r->aow)
		return STROOM_ENOMEM;
	while ((rc = stroom_csv_row(&c)) == 1) {
		aow_row *row = &r->aow[r->naow];
		if ((err = field_month(&c, 0, &row->born_from)) != 0 ||
		    (err = field_int(&c, 1, 60, 80, 0, &y)) != 0 ||
		    (err = field_int(&c, 2, 0, 11, 0, &m)) != 0)
			return err;
		row->months = (int)(y * 12 + m);
		row->article = c.f[3];
		r->naow++;
	}
	if (rc < 0)
		return rc;
	if (r->naow == 0)
		return stroom_error_set(STROOM_EPARSE, "%s: no rows", path);
	qsort(r->aow, r->naow, sizeof *r->aow, cmp_aow);
	return 0;
}

static int load_sanctions(stroom_rules *r)
{
	static const char *const header[] = {"municipality", "valid_from", "category", "offence",
					     "pct", "months", "article", "source", "verified",
					     "note"};
	stroom_csv c;
	int err, rc;
	int64_t v;
	const char *path = r->path[F_SANCTIONS];
	/* counted before the reader cuts the text */
	size_t nlines = stroom_csv_count_lines(r->text[F_SANCTIONS]);
	if ((err = stroom_csv_open(&c, r->text[F_SANCTIONS], path, header, 10, 10, CSV_FLAGS)) != 0)
		return err;
	r->sanc = stroom_calloc(&r->alloc, nlines, sizeof *r->sanc);
	if (!r->sanc)
		return STROOM_ENOMEM;
	while ((rc = stroom_csv_row(&c)) == 1) {
		sanction_row *row = &r->sanc[r->nsanc];
		if (!c.f[0][0])
			return bad_field(&c, 0, "a municipality");
		if (!c.f[2][0])
			return bad_field(&c, 2, "a category");
		row->municipality = c.f[0];
		row->category = c.f[2];
		if ((err = field_month(&c, 1, &row->from)) != 0 ||
		    (err = field_int(&c, 3, 1, 99, 0, &v)) != 0)
			return err;
		row->offence = (int)v;
		if ((err = field_int(&c, 4, 0, 100, 0, &v)) != 0)
			return err;
		row->pct = (int)v;
		if ((err = field_int(&c, 5, 0, 120, 0, &v)) != 0)
			return err;
		row->months = (int)v;
		row->verified = !strcmp(c.f[8], "yes");
		r->nsanc++;
	}
	return rc < 0 ? rc : 0;
}

/* Copies a file's text into r->text[i]: from path, or the builtin when NULL. */
static int read_text(stroom_rules *r, int i, const char *path)
{
	size_t len;
	if (path) {
		snprintf(r->path[i], sizeof r->path[i], "%s", path);
		return stroom_read_file(&r->alloc, path, STROOM_INPUT_RULES, "rules: ", &r->text[i],
					&len);
	}
	{
		const stroom_builtin *b = stroom_builtin_find(stroom_builtin_rules, file_names[i]);
		if (!b)
			return stroom_error_set(STROOM_ENOTFOUND,
						"rules: no builtin data/rules/%s.csv (the file did "
						"not exist when the library was built)",
						file_names[i]);
		snprintf(r->path[i], sizeof r->path[i], "%s", b->path);
		r->text[i] = stroom_malloc(&r->alloc, b->size + 1);
		if (!r->text[i])
			return STROOM_ENOMEM;
		memcpy(r->text[i], b->text, b->size + 1);
		return 0;
	}
}

int stroom_rules_load_ext(stroom_rules **out, const stroom_rules_options *opts,
			  const stroom_allocator *a)
{
	stroom_rules_options none = STROOM_RULES_OPTIONS_INIT;
	const char *paths[NFILES];
	stroom_rules *r;
	int err = 0, i;
	if (!out)
		return stroom_error_set(STROOM_EINVAL, "rules: out is NULL");
	*out = NULL;
	if (!opts)
		opts = &none;
	if (opts->version != STROOM_RULES_OPTIONS_VERSION)
		return stroom_error_set(STROOM_EINVAL, "rules: options version %u, expected %u",
					opts->version, STROOM_RULES_OPTIONS_VERSION);
	paths[F_NORMS] = opts->norms_path;
	paths[F_CONSTANTS] = opts->constants_path;
	paths[F_PROVISIONS] = opts->provisions_path;
	paths[F_AOW] = opts->aow_path;
	paths[F_SANCTIONS] = opts->sanctions_path;
	r = stroom_calloc(a, 1, sizeof *r);
	if (!r)
		return STROOM_ENOMEM;
	r->alloc = *stroom_alloc_or_default(a);
	for (i = 0; i < NFILES && !err; i++)
		err = read_text(r, i, paths[i]);
	if (!err)
		err = load_norms(r);
	if (!err)
		err = load_constants(r);
	if (!err)
		err = load_provisions(r);
	if (!err)
		err = load_aow(r);
	if (!err)
		err = load_sanctions(r);
	if (err) {
		stroom_rules_free(r);
		return err;
	}
	*out = r;
	return 0;
}

int stroom_rules_load(stroom_rules **out, const char *norms_path, const char *constants_path,
		      const stroom_allocator *a)
{
	stroom_rules_options o = STROOM_RULES_OPTIONS_INIT;
	o.norms_path = norms_path;
	o.constants_path = constants_path;
	return stroom_rules_load_ext(out, &o, a);
}

void stroom_rules_free(stroom_rules *r)
{
	stroom_allocator a;
	int i;
	if (!r)
		return;
	a = r->alloc;
	for (i = 0; i < NFILES; i++)
		stroom_free(&a, r->text[i]);
	stroom_free(&a, r->norms);
	stroom_free(&a, r->prov);
	stroom_free(&a, r->aow);
	stroom_free(&a, r->sanc);
	stroom_free(&a, r);
}

stroom_month stroom_rules_first_month(const stroom_rules *r) { return r->first; }

static const aow_row *aow_at(const stroom_rules *r, stroom_month birth)
{
	size_t i;
	const aow_row *best = &r->aow[0];
	for (i = 0; i < r->naow && r->aow[i].born_from <= birth; i++)
		best = &r->aow[i];
	return best;
}

int stroom_rules_pension_age_months(const stroom_rules *r, stroom_month birth_month)
{
	return aow_at(r, birth_month)->months;
}

int stroom_rules_pension_age_in_month(const stroom_rules *r, stroom_month m)
{
	/* A >= pension age of someone born in m - A holds from some A on: older
	 * people were born earlier, and the pension age never falls for later births. */
	int a = 0;
	while (a < stroom_rules_pension_age_months(r, m - a))
		a++;
	return a;
}

/* ---- the computation ------------------------------------------------------- */

/* x * share (ppm), rounded to the nearest cent, halves up; x >= 0. */
static int64_t mul_share(int64_t x, int64_t ppm) { return (x * ppm + PPM / 2) / PPM; }

static void copy_str(char *dst, size_t size, const char *src)
{
	size_t n = strlen(src);
	if (n >= size)
		n = size - 1;
	memcpy(dst, src, n);
	dst[n] = '\0';
}

/* Appends a trace step (nothing when tracing is off). */
static void step(stroom_benefit *o, int on, const char *article, const char *param,
		 int64_t value, int unit, stroom_month from)
{
	stroom_trace_step *s;
	if (!on || o->nsteps >= STROOM_RULES_TRACE_MAX)
		return;
	s = &o->trace[o->nsteps++];
	copy_str(s->article, sizeof s->article, article);
	copy_str(s->parameter, sizeof s->parameter, param);
	s->value = value;
	s->unit = unit;
	s->valid_from = from;
}

/* The row of category cat in force in month d, or NULL. */
static const norm_row *norm_row_at(const stroom_rules *r, int cat, stroom_month d)
{
	const norm_row *best = NULL;
	size_t i, e = r->cat_first[cat] + r->cat_count[cat];
	for (i = r->cat_first[cat]; i < e && r->norms[i].from <= d; i++)
		best = &r->norms[i];
	return best;
}

/* The amount (incl. holiday allowance) of category cat in month d, traced.
 * An amount given only excl. holiday allowance is grossed up: excl / 95%,
 * rounded, which maps back to the same excl amount. */
static int norm_at(const stroom_rules *r, int cat, stroom_month d, stroom_benefit *o, int tr,
		   int64_t *amount)
{
	const norm_row *row = norm_row_at(r, cat, d);
	char m[8];
	if (!row || (row->incl < 0 && row->excl < 0))
		return stroom_error_set(STROOM_ENOTFOUND,
					"date %s: %s has no amount in %s%s",
					stroom_month_format(d, m, sizeof m), cats[cat].name,
					r->path[F_NORMS], row ? " (empty at its latest valid_from)" : "");
	if (row->incl >= 0) {
		*amount = row->incl;
	} else if (row->vt >= 0) {
		*amount = row->excl + row->vt;
	} else {
		int64_t den = PPM - r->k[K_HOLIDAY];
		*amount = (2 * row->excl * PPM + den) / (2 * den);
	}
	step(o, tr, row->article[0] ? row->article : cats[cat].article, cats[cat].desc, *amount,
	     STROOM_UNIT_EUROCENT, row->from);
	return 0;
}

/* The provision name in force in month d: its row, or NULL. */
static const prov_row *prov_at(const stroom_rules *r, const char *name, stroom_month d)
{
	const prov_row *best = NULL;
	size_t i;
	for (i = 0; i < r->nprov; i++)
		if (!strcmp(r->prov[i].name, name) && r->prov[i].from <= d &&
		    (!best || r->prov[i].from > best->from))
			best = &r->prov[i];
	return best;
}

static int prov_required(const stroom_rules *r, const char *name, stroom_month d,
			 const prov_row **out)
{
	char m[8];
	*out = prov_at(r, name, d);
	if (!*out)
		return stroom_error_set(STROOM_ENOTFOUND, "date %s: provision %s not in force (%s)",
					stroom_month_format(d, m, sizeof m), name,
					r->path[F_PROVISIONS]);
	return 0;
}

/* Art. 22a lid 1: (base + A x per) / A x B for one person, rounded. */
static int64_t cost_sharer_norm(const stroom_rules *r, int64_t b, int a)
{
	int64_t num = b * (r->k[K_CS_BASE] + (int64_t)a * r->k[K_CS_PER]);
	int64_t den = (int64_t)a * PPM;
	return (2 * num + den) / (2 * den);
}

/* Whether a person of `age` (birth month or NO_MONTH) has reached pension age
 * in month d; traces the pension age used. */
static int pension_reached(const stroom_rules *r, int age, stroom_month birth, stroom_month d,
			   const char *who, stroom_benefit *o, int tr)
{
	stroom_month b = birth != STROOM_RULES_NO_MONTH ? birth : d - 12 * age;
	const aow_row *row = aow_at(r, b);
	char param[72];
	if (age < 60)
		return 0;
	if (tr) {
		snprintf(param, sizeof param, "pension age of the %s (months)", who);
		step(o, tr, row->article[0] ? row->article : "AOW art. 7a", param, row->months,
		     STROOM_UNIT_MONTHS, row->born_from);
	}
	return d >= b + row->months;
}

static int check_range(const char *name, long long v, long long lo, long long hi,
		       const char *why)
{
	if (v < lo || v > hi)
		return stroom_error_set(STROOM_EINVAL, "%s %lld: expected %lld to %lld%s", name, v,
					lo, hi, why);
	return 0;
}

static int check_birth(const char *name, stroom_month birth, int age, stroom_month d)
{
	char b[8], m[8];
	int years;
	if (birth == STROOM_RULES_NO_MONTH)
		return 0;
	stroom_month_format(birth, b, sizeof b);
	stroom_month_format(d, m, sizeof m);
	if (birth > d)
		return stroom_error_set(STROOM_EINVAL, "%s %s: after the date %s", name, b, m);
	years = (d - birth) / 12;
	/* the day is unknown: in the birthday month the person may not have turned yet */
	if (age != years && !(age == years - 1 && (d - birth) % 12 == 0))
		return stroom_error_set(STROOM_EINVAL,
					"%s %s: a person born then is %d in %s, but the age given "
					"is %d",
					name, b, years, m, age);
	return 0;
}

static int validate(const stroom_household_input *h, stroom_month d)
{
	int err;
	if (h->version != STROOM_HOUSEHOLD_INPUT_VERSION)
		return stroom_error_set(STROOM_EINVAL,
					"version %u: expected %u (STROOM_HOUSEHOLD_INPUT_VERSION)",
					h->version, STROOM_HOUSEHOLD_INPUT_VERSION);
	if (h->type != STROOM_TYPE_SINGLE && h->type != STROOM_TYPE_SINGLE_PARENT &&
	    h->type != STROOM_TYPE_COUPLE)
		return stroom_error_set(STROOM_EINVAL,
					"type %d: expected single, single_parent or couple", h->type);
	if ((err = check_range("age", h->age, 18, 120,
			       " (no bijstand under 18, Participatiewet art. 13 lid 1 sub f)")) != 0)
		return err;
	if (h->type == STROOM_TYPE_COUPLE &&
	    (err = check_range("partner_age", h->partner_age, 18, 120, " for a couple")) != 0)
		return err;
	if ((err = check_birth("birth_month", h->birth_month, h->age, d)) != 0)
		return err;
	if (h->type == STROOM_TYPE_COUPLE &&
	    (err = check_birth("partner_birth_month", h->partner_birth_month, h->partner_age,
			       d)) != 0)
		return err;
	if ((err = check_range("has_children", h->has_children, 0, 1, "")) != 0 ||
	    (err = check_range("has_child_under_12", h->has_child_under_12, 0, 1, "")) != 0 ||
	    (err = check_range("sharers", h->sharers, 0, 20, "")) != 0 ||
	    (err = check_range("sharers_student", h->sharers_student, 0, 20, "")) != 0 ||
	    (err = check_range("sharers_commercial", h->sharers_commercial, 0, 20, "")) != 0 ||
	    (err = check_range("sharers_institution", h->sharers_institution, 0, 20, "")) != 0 ||
	    (err = check_range("sharers_aged_21_26", h->sharers_aged_21_26, 0, 20, "")) != 0 ||
	    (err = check_range("earnings_eurocent", h->earnings_eurocent, 0, 100000000,
			       " (net per month)")) != 0 ||
	    (err = check_range("disregard_months_used", h->disregard_months_used, 0, 1200,
			       "")) != 0 ||
	    (err = check_range("sanction_pct", h->sanction_pct, 0, 100, "")) != 0 ||
	    (err = check_range("skip_trace", h->skip_trace, 0, 1, "")) != 0)
		return err;
	return 0;
}

/* A of art. 22a into *a (0 when art. 22a does not apply): the household's own
 * members of 21 or older plus the co-residents who are cost-sharers under
 * art. 19a lid 1, with the minimum age in force at date. own21 is the number
 * of household members of 21 or older. Returns 0 or STROOM_EINVAL for counts
 * that do not fit together. */
static int cost_sharers(const stroom_rules *r, const stroom_household_input *h, stroom_month date,
			int own21, stroom_benefit *o, int tr, int *a)
{
	int err, co, exempt, listed;
	const prov_row *min_age = NULL;
	*a = 0;
	if (h->sharers != 0 && h->sharers < own21)
		return stroom_error_set(STROOM_EINVAL,
					"sharers %d: the household itself counts %d person%s of 21 "
					"or older (0 = no cost-sharers)",
					h->sharers, own21, own21 == 1 ? "" : "s");
	co = h->sharers ? h->sharers - own21 : 0;
	listed = h->sharers_student + h->sharers_commercial + h->sharers_institution +
		 h->sharers_aged_21_26;
	if (listed > co)
		return stroom_error_set(STROOM_EINVAL,
					"sharers_student + sharers_commercial + sharers_institution + "
					"sharers_aged_21_26 = %d: more than the %d co-resident%s in "
					"sharers",
					listed, co, co == 1 ? "" : "s");
	if (co == 0 || own21 == 0)
		return 0; /* no co-residents, or a person under 21: lid 1 does not apply */
	if ((err = prov_required(r, "cost_sharer_min_age", date, &min_age)) != 0)
		return err;
	exempt = h->sharers_student + h->sharers_commercial + h->sharers_institution;
	if (min_age->value >= 27)
		exempt += h->sharers_aged_21_26;
	step(o, tr, "Participatiewet art. 19a lid 1", "co-residents of 21 or older", co,
	     STROOM_UNIT_COUNT, STROOM_RULES_NO_MONTH);
	step(o, tr, min_age->article, "minimum age of a cost-sharer", min_age->value,
	     STROOM_UNIT_COUNT, min_age->from);
	if (exempt)
		step(o, tr, "Participatiewet art. 19a lid 1", "co-residents who are no cost-sharer",
		     exempt, STROOM_UNIT_COUNT, STROOM_RULES_NO_MONTH);
	if (co - exempt <= 0)
		return 0;
	*a = own21 + co - exempt;
	step(o, tr, "Participatiewet art. 22a lid 1",
	     "A: cost-sharers, the person and partner included", *a, STROOM_UNIT_COUNT,
	     STROOM_RULES_NO_MONTH);
	step(o, tr, r->k_article[K_CS_BASE], "cost-sharer base share", r->k[K_CS_BASE],
	     STROOM_UNIT_SHARE, STROOM_RULES_NO_MONTH);
	step(o, tr, r->k_article[K_CS_PER], "cost-sharer share per person", r->k[K_CS_PER],
	     STROOM_UNIT_SHARE, STROOM_RULES_NO_MONTH);
	return 0;
}

/* The art. 22a norm of one person with married norm category b_cat, traced. */
static int cost_sharer_part(const stroom_rules *r, int b_cat, int a, stroom_month date,
			    const char *what, stroom_benefit *o, int tr, int64_t *out)
{
	int64_t b;
	int err = norm_at(r, b_cat, date, o, tr, &b);
	if (err)
		return err;
	*out = cost_sharer_norm(r, b, a);
	step(o, tr, "Participatiewet art. 22a lid 1", what, *out, STROOM_UNIT_EUROCENT,
	     STROOM_RULES_NO_MONTH);
	return 0;
}

/* The norm of the household (art. 20, 21, 22, 22a) into *norm. young and pyoung:
 * the person and partner are under 21; pa and ppa: of pension age; a: A of
 * art. 22a or 0. Returns 0 or STROOM_ENOTFOUND for an amount not in the data. */
static int household_norm(const stroom_rules *r, const stroom_household_input *h,
			  stroom_month date, int young, int pyoung, int pa, int ppa, int a,
			  stroom_benefit *o, int tr, int64_t *norm)
{
	int err = 0, who;
	*norm = 0;
	if (h->type != STROOM_TYPE_COUPLE) {
		if (young) /* art. 22a lid 1 applies from 21: the youth norm stands */
			return norm_at(r,
				       h->type == STROOM_TYPE_SINGLE_PARENT ? CAT_ART20_SINGLE_PARENT
									    : CAT_ART20_SINGLE,
				       date, o, tr, norm);
		if (a > 0) /* lid 1 sub a or c */
			return cost_sharer_part(r, pa ? CAT_ART22_COUPLE : CAT_ART21_COUPLE, a, date,
						"cost-sharer norm (40% + A x 30%) / A x B", o, tr,
						norm);
		return norm_at(r, pa ? CAT_ART22_SINGLE : CAT_ART21_SINGLE, date, o, tr, norm);
	}
	if (young && pyoung)
		return norm_at(r, h->has_children ? CAT_ART20_BOTH_U21_CHILDREN : CAT_ART20_BOTH_U21,
			       date, o, tr, norm);
	if (young || pyoung) {
		/* with cost-sharers: the young partner's part plus the art. 22a norm of
		 * the older one (art. 22a lid 3 from 2026; art. 20 lid 3 before, where
		 * the part is the art. 20 lid 1 sub a norm) */
		const prov_row *p;
		int64_t part = 0, cs;
		if (a == 0)
			return norm_at(r,
				       h->has_children ? CAT_ART20_ONE_U21_CHILDREN : CAT_ART20_ONE_U21,
				       date, o, tr, norm);
		p = prov_at(r,
			    h->has_children ? "couple_one_u21_children_young_part"
					    : "couple_one_u21_young_part",
			    date);
		if (p) {
			part = p->value;
			step(o, tr, p->article, "young partner's part", part, STROOM_UNIT_EUROCENT,
			     p->from);
		} else if ((err = norm_at(r, CAT_ART20_SINGLE, date, o, tr, &part)) != 0) {
			return err;
		}
		if ((err = cost_sharer_part(r, (young ? ppa : pa) ? CAT_ART22_COUPLE : CAT_ART21_COUPLE,
					    a, date,
					    "cost-sharer norm of the partner of 21+ (40% + A x 30%) / "
					    "A x B",
					    o, tr, &cs)) != 0)
			return err;
		*norm = part + cs;
		return 0;
	}
	if (a == 0)
		return norm_at(r,
			       pa && ppa   ? CAT_ART22_COUPLE
			       : pa || ppa ? CAT_ART22_ONE_PENSION
					   : CAT_ART21_COUPLE,
			       date, o, tr, norm);
	/* art. 22a lid 2: the sum of each spouse's own norm, with B by that spouse's
	 * own situation (lid 1 sub a, b, c) */
	for (who = 0; who < 2; who++) {
		int me = who ? ppa : pa, other = who ? pa : ppa;
		int64_t cs;
		err = cost_sharer_part(r,
				       me      ? CAT_ART22_COUPLE
				       : other ? CAT_ART22_ONE_PENSION
					       : CAT_ART21_COUPLE,
				       a, date,
				       who ? "cost-sharer norm of the partner"
					   : "cost-sharer norm of the person",
				       o, tr, &cs);
		if (err)
			return err;
		*norm += cs;
	}
	return 0;
}

/* The earnings disregard of art. 31 lid 2 into *dis: sub n, 25% up to a maximum
 * for at most six months below pension age (no month limit from pension age);
 * then, for a single parent with a child under 12, sub r: 12.5% up to a maximum
 * for at most 30 more months; neither under the minimum age of art. 31 lid 5.
 * pa: the person has reached pension age. Returns 0 or STROOM_ENOTFOUND. */
static int earnings_disregard(const stroom_rules *r, const stroom_household_input *h,
			      stroom_month date, int pa, stroom_benefit *o, int tr, int64_t *dis)
{
	const char *art_n = "Participatiewet art. 31 lid 2 sub n";
	int64_t earnings = h->earnings_eurocent, max;
	int err, used = h->disregard_months_used;
	const prov_row *min_age;
	*dis = 0;
	if (earnings == 0)
		return 0;
	step(o, tr, "Participatiewet art. 31 lid 1; art. 32", "net earnings from work", earnings,
	     STROOM_UNIT_EUROCENT, STROOM_RULES_NO_MONTH);
	if ((err = prov_required(r, "disregard_min_age", date, &min_age)) != 0)
		return err;
	step(o, tr, art_n, "disregard months already used", used, STROOM_UNIT_MONTHS,
	     STROOM_RULES_NO_MONTH);
	if (h->age < min_age->value) {
		step(o, tr, min_age->article, "minimum age for the earnings disregards",
		     min_age->value, STROOM_UNIT_COUNT, min_age->from);
		return 0;
	}
	if (pa || used < r->k[K_DISREGARD_MONTHS]) {
		if ((err = norm_at(r, CAT_DISREGARD_MAX, date, o, tr, &max)) != 0)
			return err;
		step(o, tr, r->k_article[K_DISREGARD_MONTHS],
		     pa ? "disregard months limit (none from pension age)" : "disregard months limit",
		     pa ? 0 : r->k[K_DISREGARD_MONTHS], STROOM_UNIT_MONTHS, STROOM_RULES_NO_MONTH);
		step(o, tr, r->k_article[K_DISREGARD], "disregard share", r->k[K_DISREGARD],
		     STROOM_UNIT_SHARE, STROOM_RULES_NO_MONTH);
		*dis = mul_share(earnings, r->k[K_DISREGARD]);
		if (*dis > max)
			*dis = max;
		step(o, tr, art_n, "disregard", *dis, STROOM_UNIT_EUROCENT, STROOM_RULES_NO_MONTH);
		return 0;
	}
	if (h->type != STROOM_TYPE_SINGLE_PARENT || !h->has_child_under_12) {
		step(o, tr, r->k_article[K_DISREGARD_MONTHS], "disregard months limit (used up)",
		     r->k[K_DISREGARD_MONTHS], STROOM_UNIT_MONTHS, STROOM_RULES_NO_MONTH);
		return 0;
	}
	step(o, tr, r->k_article[K_SP_DISREGARD_MONTHS], "single-parent disregard months limit",
	     r->k[K_SP_DISREGARD_MONTHS], STROOM_UNIT_MONTHS, STROOM_RULES_NO_MONTH);
	if (used >= r->k[K_DISREGARD_MONTHS] + r->k[K_SP_DISREGARD_MONTHS])
		return 0;
	if ((err = norm_at(r, CAT_SP_DISREGARD_MAX, date, o, tr, &max)) != 0)
		return err;
	step(o, tr, r->k_article[K_SP_DISREGARD], "single-parent disregard share",
	     r->k[K_SP_DISREGARD], STROOM_UNIT_SHARE, STROOM_RULES_NO_MONTH);
	*dis = mul_share(earnings, r->k[K_SP_DISREGARD]);
	if (*dis > max)
		*dis = max;
	step(o, tr, "Participatiewet art. 31 lid 2 sub r", "single-parent disregard", *dis,
	     STROOM_UNIT_EUROCENT, STROOM_RULES_NO_MONTH);
	return 0;
}

int stroom_rules_benefit(const stroom_rules *r, stroom_month date,
			 const stroom_household_input *h, stroom_benefit *out)
{
	stroom_benefit *o = out;
	int err, tr, couple, young, pyoung = 0, pa, ppa = 0, a;
	int64_t norm, dis, offset, before, sanction = 0;
	char m1[8], m2[8];

	if (!r || !h || !out)
		return stroom_error_set(STROOM_EINVAL, "rules_benefit: NULL argument");
	if (date < r->first)
		return stroom_error_set(STROOM_ENOTFOUND,
					"date %s: no norms before %s (earliest covered)",
					stroom_month_format(date, m1, sizeof m1),
					stroom_month_format(r->first, m2, sizeof m2));
	if ((err = validate(h, date)) != 0)
		return err;
	memset(o, 0, offsetof(stroom_benefit, trace));
	tr = !h->skip_trace;
	couple = h->type == STROOM_TYPE_COUPLE;
	young = h->age < 21;
	pa = pension_reached(r, h->age, h->birth_month, date, "person", o, tr);
	if (couple) {
		pyoung = h->partner_age < 21;
		ppa = pension_reached(r, h->partner_age, h->partner_birth_month, date, "partner",
				      o, tr);
	}
	o->pension_age = pa;
	if ((err = cost_sharers(r, h, date, !young + (couple && !pyoung), o, tr, &a)) != 0 ||
	    (err = household_norm(r, h, date, young, pyoung, pa, ppa, a, o, tr, &norm)) != 0)
		return err;
	o->cost_sharers = a;
	o->norm_eurocent = norm;
	o->norm_excl_holiday_eurocent = mul_share(norm, PPM - r->k[K_HOLIDAY]);
	step(o, tr, "Participatiewet art. 19 lid 1 and 2", "norm incl. holiday allowance", norm,
	     STROOM_UNIT_EUROCENT, STROOM_RULES_NO_MONTH);
	step(o, tr, r->k_article[K_HOLIDAY], "holiday allowance share", r->k[K_HOLIDAY],
	     STROOM_UNIT_SHARE, STROOM_RULES_NO_MONTH);
	step(o, tr, r->k_article[K_HOLIDAY], "norm excl. holiday allowance",
	     o->norm_excl_holiday_eurocent, STROOM_UNIT_EUROCENT, STROOM_RULES_NO_MONTH);

	if ((err = earnings_disregard(r, h, date, pa, o, tr, &dis)) != 0)
		return err;
	offset = h->earnings_eurocent - dis;
	o->disregard_eurocent = dis;
	o->offset_eurocent = offset;
	step(o, tr, "Participatiewet art. 19 lid 2", "earnings counted", offset,
	     STROOM_UNIT_EUROCENT, STROOM_RULES_NO_MONTH);

	/* art. 19 lid 2: bijstand = norm - income; art. 18: the sanction, a share of
	 * the norm, takes off at most what is left */
	before = norm > offset ? norm - offset : 0;
	if (h->sanction_pct > 0) {
		sanction = mul_share(norm, (int64_t)h->sanction_pct * (PPM / 100));
		if (sanction > before)
			sanction = before;
		step(o, tr, "Participatiewet art. 18 lid 2", "sanction percent of the norm",
		     h->sanction_pct, STROOM_UNIT_PERCENT, STROOM_RULES_NO_MONTH);
		step(o, tr, "Participatiewet art. 18 lid 2", "sanction", sanction,
		     STROOM_UNIT_EUROCENT, STROOM_RULES_NO_MONTH);
	}
	o->sanction_eurocent = sanction;
	o->amount_eurocent = before - sanction;
	o->amount_excl_holiday_eurocent = mul_share(o->amount_eurocent, PPM - r->k[K_HOLIDAY]);
	o->holiday_eurocent = o->amount_eurocent - o->amount_excl_holiday_eurocent;
	step(o, tr, "Participatiewet art. 19 lid 2", "benefit incl. holiday allowance",
	     o->amount_eurocent, STROOM_UNIT_EUROCENT, STROOM_RULES_NO_MONTH);
	step(o, tr, r->k_article[K_HOLIDAY], "holiday allowance in the benefit",
	     o->holiday_eurocent, STROOM_UNIT_EUROCENT, STROOM_RULES_NO_MONTH);
	return 0;
}

/* ---- sanctions --------------------------------------------------------------- */

static int name_eq(const char *a, const char *b)
{
	for (; *a && *b; a++, b++) {
		char x = *a >= 'A' && *a <= 'Z' ? (char)(*a - 'A' + 'a') : *a;
		char y = *b >= 'A' && *b <= 'Z' ? (char)(*b - 'A' + 'a') : *b;
		if (x != y)
			return 0;
	}
	return *a == *b;
}

/* The best row of municipality/category for offence at date, or NULL. */
static const sanction_row *sanction_at(const stroom_rules *r, const char *mun, const char *cat,
				       int offence, stroom_month date)
{
	const sanction_row *best = NULL;
	size_t i;
	for (i = 0; i < r->nsanc; i++) {
		const sanction_row *s = &r->sanc[i];
		if (!name_eq(s->municipality, mun) || strcmp(s->category, cat) ||
		    s->from > date || s->offence > offence)
			continue;
		if (!best || s->offence > best->offence ||
		    (s->offence == best->offence && s->from > best->from))
			best = s;
	}
	return best;
}

int stroom_rules_sanction(const stroom_rules *r, const char *municipality, const char *category,
			  int offence, stroom_month date, int *pct, int *months, int *verified)
{
	const sanction_row *s;
	char known[256] = "";
	size_t i, len = 0;
	if (!r || !municipality || !category || !pct || !months)
		return stroom_error_set(STROOM_EINVAL, "rules_sanction: NULL argument");
	if (offence < 1)
		return stroom_error_set(STROOM_EINVAL, "offence %d: expected 1 or more", offence);
	s = sanction_at(r, municipality, category, offence, date);
	if (!s)
		s = sanction_at(r, "default", category, offence, date);
	if (s) {
		*pct = s->pct;
		*months = s->months;
		if (verified)
			*verified = s->verified;
		return 0;
	}
	for (i = 0; i < r->nsanc; i++) {
		const sanction_row *x = &r->sanc[i];
		size_t j;
		int dup = 0;
		if (!name_eq(x->municipality, municipality) && !name_eq(x->municipality, "default"))
			continue;
		for (j = 0; j < i && !dup; j++)
			dup = !strcmp(r->sanc[j].category, x->category) &&
			      (name_eq(r->sanc[j].municipality, municipality) ||
			       name_eq(r->sanc[j].municipality, "default"));
		if (!dup && len + strlen(x->category) + 3 < sizeof known)
			len += (size_t)snprintf(known + len, sizeof known - len, "%s%s",
						len ? ", " : "", x->category);
	}
	return stroom_error_set(STROOM_ENOTFOUND,
				"sanction %s:%s: unknown category (known for %s: %s; see %s)",
				municipality, category, municipality, len ? known : "none",
				r->path[F_SANCTIONS]);
}

char *stroom_trace_step_format(const stroom_trace_step *s, char *buf, size_t size)
{
	char v[48], from[16] = "";
	switch (s->unit) {
	case STROOM_UNIT_EUROCENT:
		snprintf(v, sizeof v, "%s%lld.%02lld", s->value < 0 ? "-" : "",
			 (long long)(s->value < 0 ? -s->value : s->value) / 100,
			 (long long)(s->value < 0 ? -s->value : s->value) % 100);
		break;
	case STROOM_UNIT_SHARE: {
		/* ppm as a percentage without trailing zeros */
		char t[32];
		size_t n;
		snprintf(t, sizeof t, "%lld.%04lld", (long long)(s->value / 10000),
			 (long long)(s->value % 10000));
		n = strlen(t);
		while (n && t[n - 1] == '0')
			t[--n] = '\0';
		if (n && t[n - 1] == '.')
			t[--n] = '\0';
		snprintf(v, sizeof v, "%s%%", t);
		break;
	}
	case STROOM_UNIT_PERCENT:
		snprintf(v, sizeof v, "%lld%%", (long long)s->value);
		break;
	case STROOM_UNIT_MONTHS:
		snprintf(v, sizeof v, "%lld months", (long long)s->value);
		break;
	default:
		snprintf(v, sizeof v, "%lld", (long long)s->value);
		break;
	}
	if (s->valid_from != STROOM_RULES_NO_MONTH) {
		char m[8];
		snprintf(from, sizeof from, "%s-01", stroom_month_format(s->valid_from, m, sizeof m));
	}
	snprintf(buf, size, "%s | %s | %s%s%s", s->article, s->parameter, v,
		 from[0] ? " | valid from " : "", from);
	return buf;
}
