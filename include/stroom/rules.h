/*
 * stroom/rules.h: what a household on bijstand is paid, by the Participatiewet's
 * norms and formulas at a date, with a trace that explains every cent.
 *
 * The amounts live in data files with their legal reference and source
 * (data/rules/norms.csv, constants.csv, provisions.csv, aow.csv, sanctions.csv;
 * see docs/rules.md); they are compiled into the library at build time and can
 * be replaced by explicit paths. A value holds from its valid_from date until a
 * later row of the same category.
 *
 * stroom_rules_benefit() covers the norms of art. 20 (18-20 years), 21 (21 to
 * pension age) and 22 (pension age), the cost-sharer norm of art. 22a with the
 * exceptions of art. 19a, the earnings disregards of art. 31 lid 2 n and r, the
 * holiday allowance of art. 19 lid 3 and a sanction (art. 18) as a percentage
 * of the norm. Assets, special assistance (art. 35), individual supplements,
 * the institution norms (art. 23) and housing costs are out of scope.
 *
 * Rounding: amounts are integer eurocent; every product of an amount and a
 * share is rounded to the nearest cent, halves up, as the published tables do.
 */
#ifndef STROOM_RULES_H
#define STROOM_RULES_H

#include <stroom/common.h>
#include <stroom/scenario.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct stroom_rules stroom_rules;

/* Where the rules come from; a NULL path means the builtin copy of that file. */
typedef struct stroom_rules_options {
	unsigned int version;        /* STROOM_RULES_OPTIONS_VERSION */
	const char *norms_path;      /* norms by date and category (norms.csv) */
	const char *constants_path;  /* shares and month limits (constants.csv) */
	const char *provisions_path; /* dated provisions not in the two above (provisions.csv) */
	const char *aow_path;        /* pension age by birth month (aow.csv) */
	const char *sanctions_path;  /* municipal sanction categories (sanctions.csv) */
} stroom_rules_options;
#define STROOM_RULES_OPTIONS_VERSION 1
#define STROOM_RULES_OPTIONS_INIT {STROOM_RULES_OPTIONS_VERSION, NULL, NULL, NULL, NULL, NULL}

/*
 * Loads the rules: norms and constants from the given paths (NULL = builtin),
 * everything else builtin. Caller frees with stroom_rules_free. Returns 0,
 * STROOM_ENOTFOUND (no such file, or no builtin copy), STROOM_EIO,
 * STROOM_EPARSE ("FILE:LINE:COL: column NAME: expected ..., got ..."),
 * STROOM_EINVAL (a required constant is missing) or STROOM_ENOMEM.
 */
STROOM_API int stroom_rules_load(stroom_rules **out, const char *norms_path,
				 const char *constants_path, const stroom_allocator *a);
/* As stroom_rules_load, every file selectable. opts NULL = all builtin. */
STROOM_API int stroom_rules_load_ext(stroom_rules **out, const stroom_rules_options *opts,
				     const stroom_allocator *a);
STROOM_API void stroom_rules_free(stroom_rules *r);

/* The earliest valid_from of the norms: dates before it are not covered. */
STROOM_API stroom_month stroom_rules_first_month(const stroom_rules *r);

/*
 * The pension age (AOW, Algemene Ouderdomswet art. 7a) in months for a person
 * born in birth_month, e.g. 804 for 67 years. The pension age counts from the
 * month birth_month + that many months.
 */
STROOM_API int stroom_rules_pension_age_months(const stroom_rules *r, stroom_month birth_month);

/*
 * The age in months at which people reach pension age in month m: everyone at
 * least this old in m (by birth month) has reached it; e.g. 804 in 2025.
 */
STROOM_API int stroom_rules_pension_age_in_month(const stroom_rules *r, stroom_month m);

/* "Unknown" for the optional months of the household input. */
#define STROOM_RULES_NO_MONTH INT32_MIN

/* One household in one month. */
typedef struct stroom_household_input {
	unsigned int version;     /* STROOM_HOUSEHOLD_INPUT_VERSION */
	int type;                 /* STROOM_TYPE_SINGLE, _SINGLE_PARENT or _COUPLE */
	int age;                  /* completed years, 18..120 */
	int partner_age;          /* couples: completed years, 18..120; else ignored */
	/* Birth months, when known, decide pension age exactly; otherwise a person of
	 * `age` is taken to have turned it in the month of the date (the latest birth
	 * month consistent with the age). */
	stroom_month birth_month;          /* STROOM_RULES_NO_MONTH = unknown */
	stroom_month partner_birth_month;  /* STROOM_RULES_NO_MONTH = unknown */
	int has_children;         /* couples: one or more dependent children (art. 20 lid 2) */
	int has_child_under_12;   /* single parents: full care of a child under 12 (art. 31 lid 2 r) */
	/* A of art. 22a: the persons aged 21 or older whose main residence is the
	 * dwelling, the person and a partner of 21 or older included. 0 or the
	 * household's own count (1 single, 2 couple of two adults of 21+) = no
	 * cost-sharers. The next four count persons included in `sharers` who are no
	 * cost-sharer (art. 19a lid 1) and so do not count in A. */
	int sharers;
	int sharers_student;      /* studies with student finance or WTOS, or BBL (art. 19a lid 1 d) */
	int sharers_commercial;   /* tenant, landlord or lodger at a commercial price (art. 19a lid 1
				   * sub b, c) */
	int sharers_institution;  /* main residence in an institution, not the dwelling */
	int sharers_aged_21_26;   /* not cost-sharers from 2023-01-01 (art. 19a lid 1: 27 or older) */
	int64_t earnings_eurocent;     /* net earnings from work this month, one earner */
	int disregard_months_used;     /* months of the art. 31 lid 2 n/r disregard already used */
	int sanction_pct;              /* verlaging this month, percent of the norm, 0..100 */
	int skip_trace;                /* 1 = leave the trace empty (nsteps 0): the monthly engine */
} stroom_household_input;
#define STROOM_HOUSEHOLD_INPUT_VERSION 1
/* age 0 is not valid: set it. */
#define STROOM_HOUSEHOLD_INPUT_INIT                                                           \
	{STROOM_HOUSEHOLD_INPUT_VERSION, STROOM_TYPE_SINGLE, 0, 0, STROOM_RULES_NO_MONTH,       \
	 STROOM_RULES_NO_MONTH, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0}

/* Units of a trace value. */
enum {
	STROOM_UNIT_EUROCENT, /* an amount */
	STROOM_UNIT_SHARE,    /* a share in parts per million (50000 = 5%) */
	STROOM_UNIT_PERCENT,  /* whole percent */
	STROOM_UNIT_COUNT,    /* persons */
	STROOM_UNIT_MONTHS    /* months */
};

#define STROOM_RULES_TRACE_MAX 32

/* One step of the computation: which rule, which parameter, which value. */
typedef struct stroom_trace_step {
	char article[64];         /* e.g. "Participatiewet art. 22a lid 1" */
	char parameter[72];       /* e.g. "cost-sharer norm (40% + A x 30%) / A x B" */
	int64_t value;
	int unit;                 /* STROOM_UNIT_* */
	stroom_month valid_from;  /* date of the data row used; STROOM_RULES_NO_MONTH if none */
} stroom_trace_step;

typedef struct stroom_benefit {
	int64_t amount_eurocent;               /* monthly benefit incl. holiday allowance */
	int64_t amount_excl_holiday_eurocent;  /* amount x 95%, rounded */
	int64_t holiday_eurocent;              /* amount - amount_excl_holiday */
	int64_t norm_eurocent;                 /* the norm incl. holiday allowance */
	int64_t norm_excl_holiday_eurocent;
	int64_t disregard_eurocent;            /* earnings not counted (art. 31 lid 2 n or r) */
	int64_t offset_eurocent;               /* earnings counted against the norm */
	int64_t sanction_eurocent;             /* the verlaging actually taken off */
	int cost_sharers;                      /* A used by art. 22a; 0 when it does not apply */
	int pension_age;                       /* 1 if the person has reached pension age */
	int nsteps;
	stroom_trace_step trace[STROOM_RULES_TRACE_MAX];
} stroom_benefit;

/*
 * The benefit of household h in month date. No allocation; out is fully
 * written on success. Returns 0, STROOM_EINVAL (detail names the input, e.g.
 * "age 17: expected 18 to 120 (no bijstand under 18, art. 13 lid 1 f)") or
 * STROOM_ENOTFOUND for a date before the first norms ("date 2014-06: no norms
 * before 2015-01 (earliest covered)") or a norm the data does not know.
 */
STROOM_API int stroom_rules_benefit(const stroom_rules *r, stroom_month date,
				    const stroom_household_input *h, stroom_benefit *out);

/*
 * A municipal sanction category (data/rules/sanctions.csv): the percentage of
 * the norm and the months for the offence-th offence (1 = first; a later
 * offence uses the highest row not above it), in force at date. verified (may be
 * NULL) receives 1 if the row is marked verified "yes". Returns 0,
 * STROOM_ENOTFOUND (unknown municipality or category: the detail lists those
 * known) or STROOM_EINVAL (offence < 1).
 */
STROOM_API int stroom_rules_sanction(const stroom_rules *r, const char *municipality,
				     const char *category, int offence, stroom_month date,
				     int *pct, int *months, int *verified);

/* Writes a one-line description of a trace step into buf ("Participatiewet art. 21
 * sub a | norm ... | 1345.45 | valid from 2025-01-01"). Returns buf. */
STROOM_API char *stroom_trace_step_format(const stroom_trace_step *s, char *buf, size_t size);

#ifdef __cplusplus
}
#endif
#endif
