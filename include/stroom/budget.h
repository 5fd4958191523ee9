/*
 * stroom/budget.h: the municipal budget for bijstand, the "gebundelde uitkering"
 * (BUIG), set against spending: the yearly result, the safety net
 * (vangnetuitkering) with the municipality's own risk, and the split of the result
 * into a volume part and a price part; plus the many-municipality analysis of
 * seed 003 (results per year, counts of multi-year deficits and surpluses, group
 * means of inflow and outflow with the univariate R-squared).
 *
 * Data (see docs/budget.md): a budget table per municipality, data/budget/NAME.csv
 * (BUIG budget per year with its status and source), and the safety-net rules per
 * year, data/budget/safety-net.csv; both are compiled into the library at build
 * time and can be replaced by explicit paths. Files hold euro; inside the library
 * money is int64 eurocent, converted exactly (more than 2 decimals is an error).
 *
 * Definitions (seed 003 L2237-2241, L2288-2336; Besluit Participatiewet art. 1 "in
 * aanmerking komende netto lasten"):
 *   net spending  = spending - recoveries - other income
 *   result        = budget - net spending           (> 0 surplus, < 0 deficit)
 *   result_pct    = 100 x result / budget            (percent of the budget)
 *   deficit       = max(0, -result)
 *   safety net    = per band k: share_k x (part of the deficit between threshold_k
 *                   and threshold_k+1), thresholds as shares of the budget; zero
 *                   unless the deficit exceeds the first threshold (and, for
 *                   multi-year rules, the results of the year and the two before
 *                   together are a deficit above the first threshold)
 *   own risk      = deficit - safety net
 *   volume part   = (budgeted households - households) x base price
 *                 = budget - households x base price, where budgeted households =
 *                   budget / base price and the base price is the average net
 *                   spending per household-year in the base year
 *   price part    = result - volume part              (so the two add up exactly)
 *
 * Rounding: thresholds in eurocent are rounded to the nearest cent, halves up; the
 * safety net is the sum over the bands, rounded once to the nearest cent, halves
 * up; households x base price is rounded to the nearest cent, halves away from
 * zero. All other amounts are exact integer arithmetic.
 */
#ifndef STROOM_BUDGET_H
#define STROOM_BUDGET_H

#include <stroom/common.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Shares and thresholds are kept in parts per million (75000 = 7.5%). */
#define STROOM_BUDGET_PPM 1000000
/* The largest amount accepted anywhere (budget, spending, ...): EUR 10 billion. */
#define STROOM_BUDGET_MAX_EUROCENT ((int64_t)1000000000000)
/* An empty optional amount in a table. */
#define STROOM_BUDGET_UNKNOWN INT64_MIN

typedef struct stroom_budget stroom_budget;

/* Status of a year's budget figure (data/budget/NAME.csv column status). */
enum {
	STROOM_BUDGET_PROVISIONAL,         /* "provisional": voorlopig (October of t-1) */
	STROOM_BUDGET_FURTHER_PROVISIONAL, /* "further_provisional": nader voorlopig (spring) */
	STROOM_BUDGET_FINAL,               /* "final": definitief (autumn of t) */
	STROOM_BUDGET_ASSUMPTION           /* "assumption": no public figure; the note says why */
};
/* "provisional", "further_provisional", "final" or "assumption". */
STROOM_API const char *stroom_budget_status_name(int status);

/* One year of a budget table. Strings are borrowed from the loaded budget. */
typedef struct stroom_budget_year {
	int year;
	int status;                    /* STROOM_BUDGET_* */
	int64_t budget_eurocent;       /* the BUIG budget of the year, > 0 */
	int64_t macro_budget_eurocent; /* national macro budget; STROOM_BUDGET_UNKNOWN if empty */
	int32_t share_ppm;             /* the municipality's share of it; -1 if empty */
	int64_t other_income_eurocent; /* other income on the BUIG; 0 if empty */
	int64_t recoveries_eurocent;   /* recoveries (terugvorderingen); 0 if empty */
	int line;                      /* line in the file */
	const char *source;
	const char *note;
} stroom_budget_year;

/* How the safety net applies in a year (data/budget/safety-net.csv column applies). */
enum {
	STROOM_SAFETY_NET_NO = 0,    /* "no": no safety net */
	STROOM_SAFETY_NET_YES = 1,   /* "yes": the year's deficit alone decides */
	STROOM_SAFETY_NET_MULTI_YEAR /* "multi_year": also the year and the two before together */
};

#define STROOM_SAFETY_NET_MAX_BANDS 3

/* The safety-net rule in force from from_year until the next rule. Band k runs
 * from threshold_ppm[k] to threshold_ppm[k+1] (the last band has no upper end);
 * share_ppm[k] of the deficit within it is compensated. */
typedef struct stroom_safety_net_rule {
	int from_year;
	int nbands;                                         /* 2 or 3 */
	int32_t threshold_ppm[STROOM_SAFETY_NET_MAX_BANDS]; /* ascending shares of the budget */
	int32_t share_ppm[STROOM_SAFETY_NET_MAX_BANDS];
	int applies; /* STROOM_SAFETY_NET_* */
	int line;
	const char *article;
	const char *source;
	const char *note;
} stroom_safety_net_rule;

/* Where the data come from. NULL table_name and csv_path: safety-net rules only. */
typedef struct stroom_budget_options {
	unsigned int version;        /* STROOM_BUDGET_OPTIONS_VERSION */
	const char *table_name;      /* builtin table data/budget/NAME.csv, e.g. "rotterdam" */
	const char *csv_path;        /* a budget table file; overrides table_name */
	const char *safety_net_path; /* NULL = builtin data/budget/safety-net.csv */
} stroom_budget_options;
#define STROOM_BUDGET_OPTIONS_VERSION 1
#define STROOM_BUDGET_OPTIONS_INIT {STROOM_BUDGET_OPTIONS_VERSION, NULL, NULL, NULL}

/*
 * Loads a budget table (csv_path, else the builtin table_name, else none) and the
 * builtin safety-net rules. Caller frees with stroom_budget_free. Returns 0,
 * STROOM_ENOTFOUND (no such file or builtin table: the detail lists the builtin
 * names), STROOM_EIO, STROOM_EPARSE ("FILE:LINE:COL: column NAME: expected ...,
 * got '...'"), STROOM_EINVAL (a well-formed value that is not allowed, e.g. a
 * budget of 0 or less, a year twice) or STROOM_ENOMEM.
 */
STROOM_API int stroom_budget_load(stroom_budget **out, const char *table_name, const char *csv_path,
				  const stroom_allocator *a);
/* As stroom_budget_load, the safety-net file selectable too. opts NULL = rules only. */
STROOM_API int stroom_budget_load_ext(stroom_budget **out, const stroom_budget_options *opts,
				      const stroom_allocator *a);
/* Frees b; NULL is a no-op. */
STROOM_API void stroom_budget_free(stroom_budget *b);

/*
 * Scales the loaded table to another municipality whose budget in base_year is
 * budget_eurocent (a national run, docs/architecture.md): year y's budget becomes
 * budget_eurocent x macro_y / macro_base when the table has the macro budget of
 * both years (the BUIG is a share of the macro budget), else x budget_y /
 * budget_base; other income and recoveries scale by budget_eurocent / budget_base.
 * Rounded to the nearest cent. Returns 0, STROOM_ENOTFOUND (no row for base_year)
 * or STROOM_EINVAL (budget_eurocent out of range).
 */
STROOM_API int stroom_budget_scale(stroom_budget *b, int base_year, int64_t budget_eurocent);

/* The budget table: rows sorted by year, one per year (0 rows when none loaded). */
STROOM_API size_t stroom_budget_count(const stroom_budget *b);
STROOM_API const stroom_budget_year *stroom_budget_row(const stroom_budget *b, size_t i);
/* First and last year of the table; 0 when it has no rows. */
STROOM_API int stroom_budget_first_year(const stroom_budget *b);
STROOM_API int stroom_budget_last_year(const stroom_budget *b);
/* The table's path for messages ("data/budget/rotterdam.csv"); "" when none. */
STROOM_API const char *stroom_budget_path(const stroom_budget *b);
/*
 * The row of a year. Returns 0 or STROOM_ENOTFOUND ("budget: no row for 2031 in
 * data/budget/rotterdam.csv (covers 2015-2030)").
 */
STROOM_API int stroom_budget_lookup(const stroom_budget *b, int year,
				    const stroom_budget_year **out);

/*
 * The safety-net rule in force in year. Returns 0 or STROOM_EINVAL ("year 2014:
 * no safety-net rule (data/budget/safety-net.csv starts in 2015)").
 */
STROOM_API int stroom_budget_rule(const stroom_budget *b, int year,
				  const stroom_safety_net_rule **out);
/* The from_year of the first and of the last safety-net rule. */
STROOM_API int stroom_budget_rules_first_year(const stroom_budget *b);
STROOM_API int stroom_budget_rules_last_year(const stroom_budget *b);

/* Average net spending per household-year, eurocent, rounded to the nearest cent
 * (halves away from zero): the base price of the volume/price split. 0 when
 * households <= 0. */
STROOM_API int64_t stroom_budget_price(int64_t net_spending_eurocent, double households);

/* One year of one municipality (one replicate of a run). */
typedef struct stroom_budget_input {
	unsigned int version; /* STROOM_BUDGET_INPUT_VERSION */
	int year;
	int64_t budget_eurocent;          /* > 0 */
	int64_t spending_eurocent;        /* benefits + LKS paid, >= 0 */
	int64_t recoveries_eurocent;      /* >= 0; lower the net spending */
	int64_t other_income_eurocent;    /* >= 0; lower the net spending */
	double households;                /* average caseload in the year, >= 0 */
	int64_t base_price_eurocent;      /* per household-year; 0 = no volume/price split */
	int nprior;                       /* 0..2: results known for year-1, year-2 */
	int64_t prior_result_eurocent[2]; /* [0] = year-1, [1] = year-2 */
} stroom_budget_input;
#define STROOM_BUDGET_INPUT_VERSION 1
#define STROOM_BUDGET_INPUT_INIT {STROOM_BUDGET_INPUT_VERSION, 0, 0, 0, 0, 0, 0.0, 0, 0, {0, 0}}

typedef struct stroom_budget_result {
	int year;
	int rule_from_year; /* the safety-net rule used */
	int64_t budget_eurocent;
	int64_t spending_eurocent;     /* as given (gross) */
	int64_t net_spending_eurocent; /* spending - recoveries - other income */
	int64_t result_eurocent;       /* budget - net spending */
	double result_pct;             /* 100 x result / budget */
	int64_t deficit_eurocent;      /* max(0, -result) */
	int eligible;                  /* 1: the safety net pays (deficit above the
					* first threshold, conditions met) */
	int64_t safety_net_eurocent;
	int64_t own_risk_eurocent;                /* deficit - safety net */
	int64_t result_after_safety_net_eurocent; /* result + safety net */
	int has_split;                            /* 1 when base_price > 0 */
	double budgeted_households;               /* budget / base price */
	int64_t volume_part_eurocent;             /* budget - households x base price */
	int64_t price_part_eurocent;              /* result - volume part */
} stroom_budget_result;

/*
 * The result of one year: pure, no allocation, thread-safe (the run integration
 * calls it per replicate per year). rule is the year's rule (stroom_budget_rule).
 * Returns 0 with out fully written, or STROOM_EINVAL with the detail naming the
 * input, e.g. "budget -5.00: expected an amount above 0", "spending -1.00: expected
 * an amount of 0 or more", "year 2014: the rule given starts in 2015".
 */
STROOM_API int stroom_budget_compute(const stroom_budget_input *in,
				     const stroom_safety_net_rule *rule, stroom_budget_result *out);

/* ---- the budget path's mechanism (docs/budget.md section 5) ------------------ */

/*
 * The BUIG budget of the years after a known year, built the way it is made: the
 * national macro budget moves with the national caseload forecast and the
 * indexation of the norms, and the municipality's share moves by share_trend a
 * year. With B0 the budget of the known year (from_year - 1), year i of the path
 * (from_year + i) is
 *   budget_i = B0 x prod_{j<=i} (national[j+1] / national[j]) x (1 + indexation[j])
 *                            x (1 + share_trend)
 * rounded once to the nearest cent (halves away from zero), not from the rounded
 * year before. national holds nyears + 1 index values (the known year first),
 * indexation nyears. Pure, no allocation. Returns 0, or STROOM_EINVAL ("budget
 * path: national caseload index 0 for 2027: expected above 0", a budget out of
 * range).
 */
STROOM_API int stroom_budget_project(int64_t base_budget_eurocent, int nyears, const double *national,
				     const double *indexation, double share_trend,
				  int64_t *budget_eurocent);

/* ---- execution costs (docs/policy.md "Costs") --------------------------------- */

/* The execution costs of the levers, paid from the municipality's own means
 * (gemeentefonds), not from the BUIG: they never enter stroom_budget_compute. */
enum {
	STROOM_COST_TEAMS,       /* FTE x cost per FTE-year / 12 a month */
	STROOM_COST_INSTRUMENTS, /* participants x cost per participant-month */
	STROOM_COST_ENFORCEMENT, /* extra controls x cost per control */
	STROOM_COST_PREVENTION,  /* applicants reached x cost per applicant */
	STROOM_COST_GATE,        /* applicants given the search period x cost */
	STROOM_NCOST
};
/* "teams", "instruments", "enforcement", "prevention", "gate"; NULL otherwise. */
STROOM_API const char *stroom_cost_name(int lever);

/* The cost of a team over some months, eurocent: fte_months (the FTE of each
 * month added up) x cost per FTE-year / 12, rounded once to the nearest cent
 * (halves away from zero). 10 FTE for 12 months cost exactly 10 x the cost per
 * FTE-year. 0 when either is 0 or less. */
STROOM_API int64_t stroom_cost_team(double fte_months, int64_t fte_year_eurocent);

/* ---- many municipalities (seed 003 ch. 3, annex E) --------------------------- */

typedef struct stroom_budget_panel stroom_budget_panel;

/* One municipality in one year of a panel table. */
typedef struct stroom_budget_panel_row {
	int year;
	int line;
	int64_t budget_eurocent;
	int64_t spending_eurocent;
	double households;
	double inflow_rate;          /* share of the caseload per year; NAN if absent */
	double outflow_rate;         /* idem */
	double volume_pct;           /* 100 x volume part / budget; price base: the
				      * panel's average price in that year */
	stroom_budget_result result; /* result, safety net, volume/price split */
} stroom_budget_panel_row;

/*
 * Loads a panel table: header code,name,year,budget_eur,spending_eur,households
 * optionally followed by inflow_rate,outflow_rate (shares of the caseload, "0.302"
 * or "30.2%"); one row per municipality and year. Computes every row's result with
 * the safety-net rules of b (the multi-year condition uses the municipality's own
 * rows of the two years before, where present) and its volume part against the
 * panel's average price in that year (sum of spending / sum of households).
 * Returns 0, STROOM_ENOTFOUND, STROOM_EIO, STROOM_EPARSE ("FILE:LINE: column
 * NAME: expected ..., got '...'"), STROOM_EINVAL ("FILE:LINE: ...": a year twice
 * for a code, a code with two names, a year without safety-net rules, no rows) or
 * STROOM_ENOMEM.
 */
STROOM_API int stroom_budget_panel_load(stroom_budget_panel **out, const char *path,
					const stroom_budget *b, const stroom_allocator *a);
STROOM_API void stroom_budget_panel_free(stroom_budget_panel *p);

/* Municipalities in order of first appearance; years over all rows. */
STROOM_API size_t stroom_budget_panel_count(const stroom_budget_panel *p);
STROOM_API const char *stroom_budget_panel_code(const stroom_budget_panel *p, size_t m);
STROOM_API const char *stroom_budget_panel_name(const stroom_budget_panel *p, size_t m);
STROOM_API int stroom_budget_panel_first_year(const stroom_budget_panel *p);
STROOM_API int stroom_budget_panel_last_year(const stroom_budget_panel *p);
/* 1 when the table has the inflow_rate and outflow_rate columns. */
STROOM_API int stroom_budget_panel_has_rates(const stroom_budget_panel *p);
/* Municipality m in year; NULL when the table has no such row. */
STROOM_API const stroom_budget_panel_row *stroom_budget_panel_get(const stroom_budget_panel *p,
								  size_t m, int year);
/* Mean of municipality m's yearly result_pct (the multi-year average of seed 003
 * fn 11, not the cumulative result). */
STROOM_API double stroom_budget_panel_average_pct(const stroom_budget_panel *p, size_t m);
/* Years in which municipality m had a deficit above deficit_pct (result_pct <
 * -deficit_pct) and a surplus above surplus_pct (result_pct > surplus_pct). */
STROOM_API void stroom_budget_panel_years_beyond(const stroom_budget_panel *p, size_t m,
						 double deficit_pct, double surplus_pct,
						 int *deficit_years, int *surplus_years);

enum { STROOM_PANEL_INFLOW, STROOM_PANEL_OUTFLOW };

/* Deficit and surplus groups on the volume component compared on one rate. */
typedef struct stroom_budget_comparison {
	int n_deficit, n_surplus; /* municipalities in each group */
	double deficit_mean;      /* unweighted mean rate of the group; NAN if empty */
	double surplus_mean;
	double r2; /* univariate R-squared of volume_pct on the rate; NAN
		    * with fewer than 3 municipalities or no variance */
} stroom_budget_comparison;

/*
 * Compares the deficit group (volume part < 0) and the surplus group (>= 0) on
 * indicator (STROOM_PANEL_*) in year, or with year 0 over the whole period: the
 * group means are then the mean of the yearly group means (seed 003's "Avg"
 * column), the groups and R-squared those of the municipalities' period averages
 * of volume_pct and of the rate. Returns 0, or STROOM_EINVAL (no rate columns,
 * unknown indicator, a year outside the table).
 */
STROOM_API int stroom_budget_panel_compare(const stroom_budget_panel *p, int indicator, int year,
					   stroom_budget_comparison *out);

#ifdef __cplusplus
}
#endif
#endif
