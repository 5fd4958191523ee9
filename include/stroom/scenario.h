/*
 * stroom/scenario.h: scenarios, the YAML files that set every parameter of a run.
 *
 * A scenario is read from a file or from a builtin (data/scenarios/NAME.yaml,
 * compiled in). `extends: NAME-or-PATH` takes a base scenario and overrides only
 * the keys the file sets; chains of extends are followed (at most 8 deep). One
 * table (scenario_schema.c) declares every key: path, type, bounds, default,
 * unit and a one-line doc. It drives parsing, validation, the resolved dump
 * (`stroom run --dump-defaults`) and docs/scenario.md. Unknown keys are errors
 * with a "did you mean" hint. Loading is all or nothing.
 *
 * The resolved values land in stroom_params, a plain struct the engine reads.
 */
#ifndef STROOM_SCENARIO_H
#define STROOM_SCENARIO_H

#include <stroom/common.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Fixed classifications of the monthly model (see docs/model.md). */
enum { STROOM_AGE_LT27, STROOM_AGE_27_39, STROOM_AGE_40_54, STROOM_AGE_55P, STROOM_NAGE };
enum { STROOM_DUR_LT1, STROOM_DUR_1_2, STROOM_DUR_2_5, STROOM_DUR_GT5, STROOM_NDUR };
enum { STROOM_TYPE_SINGLE, STROOM_TYPE_SINGLE_PARENT, STROOM_TYPE_COUPLE, STROOM_NTYPE };
enum { STROOM_DIST_SHORT, STROOM_DIST_MEDIUM, STROOM_DIST_LONG, STROOM_NDIST };
enum { STROOM_STREAM_WERK, STROOM_STREAM_PRESTATIE, STROOM_STREAM_OTHER, STROOM_NSTREAM };
#define STROOM_MAX_AREAS 8
#define STROOM_NAME_LEN 32
#define STROOM_MAX_SERIES 64
#define STROOM_PATH_LEN 512

/* Band names as used in scenario keys and output groups. */
STROOM_API const char *stroom_age_band_name(int band);       /* "<27", "27-39", "40-54", "55+" */
STROOM_API const char *stroom_duration_band_name(int band);  /* "<1y", "1-2y", "2-5y", ">5y" */
STROOM_API const char *stroom_type_name(int type);           /* "single", "single_parent", "couple" */
STROOM_API const char *stroom_distance_name(int dist);       /* "short", "medium", "long" */
STROOM_API const char *stroom_stream_name(int stream);       /* "werk", "prestatie010", "other" */

/*
 * A step function of time: value[i] holds from month[i] until month[i + 1];
 * before month[0] (and when n == 0) the caller's neutral value holds (1.0 for
 * multipliers and the labour-market index). month[] is strictly increasing.
 */
typedef struct stroom_series {
	int n;
	stroom_month month[STROOM_MAX_SERIES];
	double value[STROOM_MAX_SERIES];
} stroom_series;

/* The value of a series in month m: default_value before its first month or
 * when it is empty. */
STROOM_API double stroom_series_at(const stroom_series *s, stroom_month m, double default_value);

/*
 * A prior: what we know about an uncertain parameter, drawn once per replicate
 * (keyed, so reproducible). In YAML a plain number is fixed; otherwise one of
 *   {normal: [mean, sd]}  {lognormal: [meanlog, sdlog]}  {beta: [alpha, beta]}
 *   {uniform: [min, max]} {values: [v1, v2, ...]}  (each value equally likely)
 * Draws outside the key's bounds [lo, hi] are redrawn (truncation).
 */
enum {
	STROOM_PRIOR_FIXED,
	STROOM_PRIOR_NORMAL,
	STROOM_PRIOR_LOGNORMAL,
	STROOM_PRIOR_BETA,
	STROOM_PRIOR_UNIFORM,
	STROOM_PRIOR_VALUES
};
#define STROOM_PRIOR_MAX_VALUES 8
typedef struct stroom_prior {
	int dist;          /* STROOM_PRIOR_* */
	double a, b;       /* FIXED: a = the value; NORMAL: mean, sd; LOGNORMAL: meanlog,
			      sdlog; BETA: alpha, beta; UNIFORM: min, max */
	int nvalues;       /* VALUES */
	double values[STROOM_PRIOR_MAX_VALUES];
	double lo, hi;     /* the support: the schema's bounds for the key */
} stroom_prior;

/* The central value: the fixed value, the mean (normal, beta, values), the
 * median exp(meanlog) (lognormal) or the midpoint (uniform), clamped to [lo, hi]. */
STROOM_API double stroom_prior_central(const stroom_prior *p);
/* One draw for (seed, replicate, id): a pure function. id names the prior: a
 * policy prior its position (0-6 for capacity.elasticity ... targets.nondurable,
 * then 7 + 3k + 0/1/2 for instrument k's lockin/effect/durability), an uncertain
 * parameter stroom_prior_key_id(its key). Always within [lo, hi]. */
STROOM_API double stroom_prior_draw(const stroom_prior *p, uint64_t seed, uint32_t replicate,
				    uint32_t id);
/* The draw id of an uncertain parameter: a hash (FNV-1a) of its key with the high
 * bit set, so adding keys to the schema changes no other key's draws. */
STROOM_API uint32_t stroom_prior_key_id(const char *key);

/*
 * An uncertain parameter: a number of the scenario (a number key such as
 * inflow.per_year, or one entry of a list that is not a list of shares, such as
 * hazard.work.distance) written as a prior instead of a plain number. The field
 * of stroom_params holds the prior's central value, so code that ignores priors
 * sees central values; the table says which fields each replicate draws.
 */
#define STROOM_MAX_UNCERTAIN 64
#define STROOM_KEY_LEN 64
typedef struct stroom_uncertain {
	char key[STROOM_KEY_LEN];  /* "inflow.per_year", "hazard.work.distance.short",
				      "hazard.work.area.zuid": the key, then the list's label */
	size_t offset;             /* of the double in stroom_params */
	stroom_prior prior;        /* lo, hi: the key's bounds */
} stroom_uncertain;

/*
 * Which households a team serves or an instrument admits: one bit mask per
 * classification (bit i = class i, e.g. 1 << STROOM_DIST_SHORT); 0 = all. In
 * YAML a mapping of lists of class names: {distance: [short, medium], area: [zuid]}.
 */
typedef struct stroom_selector {
	uint32_t distance, duration, age, type, area, stream;
} stroom_selector;

/* A team of coaches (issue 5): whom it serves, its caseload norm, its FTE. */
#define STROOM_MAX_TEAMS 12
typedef struct stroom_team {
	char name[STROOM_NAME_LEN];    /* the record's key in `teams:` */
	stroom_selector serves;        /* serves: households on benefit it serves */
	double norm;                   /* norm: caseload norm, clients per FTE (policy) */
	double reference;              /* reference: the caseload at which the calibrated
					  hazards hold (the baseline's actual caseload) */
	stroom_series fte;             /* fte: FTE by month */
} stroom_team;

/* Allocation rule when more households are eligible than there are slots. */
enum { STROOM_PRIORITY_GAIN, STROOM_PRIORITY_DURATION, STROOM_PRIORITY_FIRST_COME };

/* approach_clock: from when a household's time in the approach counts (for
 * hazard.work.duration and the distance drift): its spell's start, or for a
 * household already on benefit at the start the run's start (an approach that
 * begins with the run). */
enum { STROOM_CLOCK_SPELL, STROOM_CLOCK_START };

/* population.start: the starting households from the population.* shares
 * (given), or the composition the scenario's own inflow and hazards settle at
 * (steady; docs/population.md, "The steady state"). */
enum { STROOM_POP_GIVEN, STROOM_POP_STEADY };

/* returns.start_pool: at the start, nobody off benefit after a non-durable exit
 * (none), or the pool that the starting stock's exits would hold had they run
 * like the first month's for years (steady; docs/model.md step 8). */
enum { STROOM_START_POOL_NONE, STROOM_START_POOL_STEADY };

/* A re-integration instrument (issue 5). */
#define STROOM_MAX_INSTRUMENTS 12
typedef struct stroom_instrument {
	char name[STROOM_NAME_LEN];    /* the record's key in `instruments:` */
	stroom_selector eligible;      /* eligible: who may start (on benefit) */
	int after_exit;                /* after_exit: 1 = offered after an exit to work
					  (aftercare), not on benefit */
	stroom_series slots;           /* slots: starts per year, by month */
	int64_t cost_eurocent;         /* cost_eurocent: per participant per month */
	int duration_months;           /* duration_months */
	stroom_prior lockin;           /* lockin: work-hazard multiplier while in it */
	stroom_prior effect;           /* effect: work-hazard multiplier after it */
	int effect_months;             /* effect_months: how long the effect lasts */
	stroom_prior durability;       /* durability: multiplier on the return hazard of an
					  exit during or after it */
	int priority;                  /* priority: gain | duration | first_come */
} stroom_instrument;

/*
 * Every parameter of a run, resolved. Hazards are monthly probabilities; shares
 * are fractions that sum to 1 within their group; multipliers are relative to 1.
 * The scenario key of each field is in the comment; docs/scenario.md has bounds,
 * units and docs, generated from the schema table.
 */
typedef struct stroom_params {
	char name[STROOM_NAME_LEN];          /* name */
	char description[256];               /* description */
	stroom_month start;                  /* start: first month simulated (stock counted on its 1st) */
	stroom_month end;                    /* end: last month simulated */
	uint64_t seed;                       /* seed */
	int replicates;                      /* replicates */
	char posterior_csv[STROOM_PATH_LEN]; /* posterior: joint draws (posterior.csv); "" = priors */
	int target_households;               /* target.households (0 = no target) */
	stroom_month target_month;           /* target.date: the 1st of this month */

	/* a national run: one row per municipality (docs/architecture.md, national runs) */
	char municipalities_csv[STROOM_PATH_LEN]; /* municipalities.csv; "" = one municipality */

	/* population */
	char population_csv[STROOM_PATH_LEN]; /* population.csv: household CSV; "" = synthesise */
	int population_households;           /* population.households */
	int n_areas;                         /* from areas: list of area names */
	char area_name[STROOM_MAX_AREAS][STROOM_NAME_LEN]; /* areas */
	int pop_start;                       /* population.start: STROOM_POP_* (here: no padding) */
	double pop_age[STROOM_NAGE];         /* population.age: shares by age band */
	double pop_duration[STROOM_NDUR];    /* population.duration */
	double pop_type[STROOM_NTYPE];       /* population.type */
	double pop_area[STROOM_MAX_AREAS];   /* population.area (n_areas entries) */
	double pop_stream[STROOM_NSTREAM];   /* population.stream */
	double pop_parttime;                 /* population.parttime: share with part-time earnings */
	double pop_age_x_duration_long;      /* population.older_long_duration: odds multiplier
					        linking age 55+ with > 5 years (IPF seed) */

	/* inflow of new households (first spells and re-applications after non-work exits) */
	double inflow_per_year;              /* inflow.per_year at labour-market index 1 */
	stroom_series inflow_shock;          /* inflow.shock: multiplier by month (covid) */
	double inflow_age[STROOM_NAGE];      /* inflow.age */
	double inflow_type[STROOM_NTYPE];    /* inflow.type */
	double inflow_area[STROOM_MAX_AREAS];/* inflow.area */
	double inflow_distance[STROOM_NDIST];/* inflow.distance */

	/* labour market */
	stroom_series labour_index;          /* labour_market.index: 1 = reference; > 1 tighter */
	double labour_inflow_elasticity;     /* labour_market.inflow_elasticity: inflow x index^-e */
	double labour_work_elasticity;       /* labour_market.work_elasticity: work hazard x index^e */

	/* exit hazards (monthly) */
	double work_distance[STROOM_NDIST];  /* hazard.work.distance: base by distance */
	double work_age[STROOM_NAGE];        /* hazard.work.age: multipliers */
	double work_duration[STROOM_NDUR];   /* hazard.work.duration: multipliers */
	double work_type[STROOM_NTYPE];      /* hazard.work.type: multipliers */
	double work_area[STROOM_MAX_AREAS];  /* hazard.work.area: multipliers */
	stroom_series work_shock;            /* hazard.work.shock: multiplier by month (covid) */
	double lks_share;                    /* hazard.lks_share: LKS exits per work exit */
	double other_base;                   /* hazard.other.base */
	double other_age[STROOM_NAGE];       /* hazard.other.age: multipliers */
	double other_duration[STROOM_NDUR];  /* hazard.other.duration: multipliers */
	double enforcement;                  /* hazard.enforcement */

	/* part-time work alongside the benefit */
	double parttime_start;               /* parttime.start: monthly hazard */
	double parttime_stop;                /* parttime.stop: monthly hazard */
	double parttime_work_multiplier;     /* parttime.work_multiplier */
	int parttime_earnings_eurocent;      /* parttime.earnings_eurocent: net earnings a month */

	/* wage-cost subsidy (LKS) after an exit with LKS */
	int lks_cost_eurocent;               /* lks.cost_eurocent: subsidy paid a month */
	int lks_duration_months;             /* lks.duration_months: how long it is paid */

	/* the municipal budget (BUIG), see docs/budget.md */
	char budget_table[STROOM_NAME_LEN];  /* budget.table: builtin table name ("" = none) */
	char budget_csv[STROOM_PATH_LEN];    /* budget.csv: a budget table file (overrides table) */
	int budget_base_year;                /* budget.base_year: price year of the volume/price split */
	double budget_start_eur;             /* budget.start_eur: the table's path scaled to this start-year budget; 0 = as is */
	stroom_series budget_other_spending; /* budget.other_spending_eur: BUIG spending outside
						the model, EUR a year, by month (empty = 0) */
	/* the budget path's mechanism and the execution costs (docs/budget.md section 5,
	 * docs/policy.md "Costs"); every default leaves a run as it was */
	stroom_series budget_national;       /* budget.national_caseload: national caseload index by year (empty = 1) */
	stroom_series budget_indexation;     /* budget.indexation: norm indexation of the macro budget by year (empty = 0) */
	double budget_share_trend;           /* budget.share_trend: yearly relative change of the share (prior mean) */
	double budget_share_trend_sd;        /* budget.share_trend_sd: its prior standard deviation */
	double budget_other_ratio;           /* budget.other_ratio: households outside the engine per household on benefit */
	stroom_series budget_other_price;    /* budget.other_price_eur: their price, EUR per household-year, by month */
	double cost_fte_eur;                 /* costs.fte_eur: a team FTE, EUR a year (salary, charges, overhead) */
	double cost_fte_spread;              /* costs.fte_spread: half-width of its uniform prior, share */
	double cost_control_eur;             /* costs.control_eur: one extra control or re-examination, EUR */
	double cost_prevention_eur;          /* costs.prevention_eur: one applicant reached by prevention, EUR */
	double cost_gate_eur;                /* costs.gate_eur: one applicant given the search period, EUR */
	int budget_path_from;                /* budget.path_from: first year built by the mechanism; 0 = the table (beside n_teams: no padding) */

	/* policy levers (docs/policy.md) */
	int n_teams;                         /* teams: records, in file order; a household is */
	stroom_team team[STROOM_MAX_TEAMS];  /*   served by the first team that selects it */
	stroom_prior capacity_elasticity;    /* capacity.elasticity: work hazard x intensity^e */
	double capacity_intensity_cap;       /* capacity.intensity_cap: intensity at most this */
	int n_instruments;                   /* instruments: records */
	stroom_instrument instrument[STROOM_MAX_INSTRUMENTS];
	double gate_search_share;            /* gate.search_share: share of applicants under 27
						given the four-week search period */
	stroom_prior gate_search_effect;     /* gate.search_effect: share of those who then do not enter */
	stroom_prior gate_selection;         /* gate.selection: share of all applicants turned away */
	stroom_selector prevention_target;   /* prevention.target: whose inflow prevention reaches */
	stroom_series prevention_reach;      /* prevention.reach: share of that inflow reached, by month */
	stroom_prior prevention_effect;      /* prevention.effect: share of those reached who do not enter */
	stroom_series enforcement_controls;  /* enforcement.controls: extra controls per year, by month */
	stroom_prior enforcement_detection;  /* enforcement.detection: share of controls finding an irregularity */
	double enforcement_termination_share;/* enforcement.termination_share: of findings, ended */
	int enforcement_sanction_pct;        /* enforcement.sanction_pct: verlaging of the other findings */
	int enforcement_sanction_months;     /* enforcement.sanction_months */
	int64_t enforcement_recovery_eurocent;/* enforcement.recovery_eurocent: recovered per finding */
	stroom_series targets_pressure;      /* targets.pressure: 1 = individual outflow targets on, by month */
	stroom_prior targets_work;           /* targets.work: work-hazard multiplier under targets */
	stroom_prior targets_nondurable;     /* targets.nondurable: multiplier on the non-durable share */

	/* distance drift by spell duration (the herijking's 9 and 24 months) */
	int approach_clock;                  /* approach_clock: STROOM_CLOCK_* */
	int drift_short_months;              /* drift.short_to_medium_months */
	int drift_medium_months;             /* drift.medium_to_long_months */
	double drift_long_share;             /* drift.medium_to_long_share: of those reaching it */

	/* returns after an exit to work or LKS */
	double return_within_12m;            /* returns.within_12m */
	double return_nondurable_share;      /* returns.nondurable_share */
	int return_distance;                 /* returns.distance: distance class on return */
	int return_start_pool;               /* returns.start_pool: STROOM_START_POOL_* */

	/* the uncertain parameters: priors on numbers and list entries, sorted by
	 * offset (each field above holds its prior's central value) */
	int n_uncertain;
	stroom_uncertain uncertain[STROOM_MAX_UNCERTAIN];
} stroom_params;

/*
 * How many priors of p are drawn (not fixed): the policy priors (capacity.elasticity,
 * the gate, prevention, detection, targets, each instrument's effects) and the
 * uncertain parameters.
 */
STROOM_API int stroom_params_prior_count(const stroom_params *p);
/*
 * The parameter set of one replicate: out = p with every prior applied, drawn for
 * (p->seed, replicate, the prior's id) or, when central is nonzero, at its central
 * value. Each uncertain parameter's field gets its value and out's table is
 * emptied; each policy prior becomes fixed at its value. So out is a parameter set
 * without uncertainty, the one the engine runs replicate `replicate` with. out may
 * be p.
 */
STROOM_API void stroom_params_draw(const stroom_params *p, stroom_params *out, uint32_t replicate,
				   int central);
/*
 * Removes the priors of the uncertain parameters named key or starting with "key."
 * (so "hazard.work.distance" removes all three; NULL removes every one); their
 * fields keep their present values. Call it after setting such a field in code,
 * or the prior is drawn instead. Returns how many were removed.
 */
STROOM_API int stroom_params_fix(stroom_params *p, const char *key);
/*
 * Multiplies the uncertain parameters named key (or starting with "key.") by g >
 * 0: the field and its prior (normal: mean and sd; uniform: both ends; lognormal:
 * meanlog + log g; values: each; fixed: the value), so the quantity keeps its
 * relative spread and replicate r still draws the same quantile. The support
 * [lo, hi] (the schema's bounds) stays. Returns how many priors were scaled.
 */
STROOM_API int stroom_params_scale(stroom_params *p, const char *key, double g);

typedef struct stroom_scenario stroom_scenario;

typedef struct stroom_scenario_options {
	unsigned int version;                /* STROOM_SCENARIO_OPTIONS_VERSION */
	const stroom_allocator *allocator;   /* NULL = malloc */
} stroom_scenario_options;
#define STROOM_SCENARIO_OPTIONS_VERSION 1
#define STROOM_SCENARIO_OPTIONS_INIT {STROOM_SCENARIO_OPTIONS_VERSION, NULL}

/*
 * Loads a scenario. `name_or_path` is a builtin name (see stroom_scenario_builtin_*)
 * or a path to a YAML file (anything containing '/' or ending in .yaml/.yml is a
 * path). On error returns STROOM_EPARSE / EINVAL / ENOTFOUND / EIO / ENOMEM with a
 * one-line detail "FILE:LINE:COL: key: expected ..., got ..." and *out == NULL.
 * Caller frees with stroom_scenario_free.
 */
STROOM_API int stroom_scenario_load(stroom_scenario **out, const char *name_or_path,
				    const stroom_scenario_options *opts);
/* As load, from YAML text in memory; `origin` names it in messages. */
STROOM_API int stroom_scenario_load_string(stroom_scenario **out, const char *text,
					   const char *origin, const stroom_scenario_options *opts);
STROOM_API void stroom_scenario_free(stroom_scenario *s);

/* The resolved parameters (borrowed; valid until free). Callers may copy and edit. */
STROOM_API const stroom_params *stroom_scenario_params(const stroom_scenario *s);
/*
 * Where a top-level key (dotted, e.g. "inflow.per_year"; "teams" for the whole
 * map) was last set: "FILE:LINE:COL" of the key in buf, or NULL when only its
 * default applies. For messages about quantities derived from several keys.
 */
STROOM_API const char *stroom_scenario_key_where(const stroom_scenario *s, const char *key,
						 char *buf, size_t size);
/* Nonzero when the key was last set by the scenario file itself (not a base). */
STROOM_API int stroom_scenario_key_in_top(const stroom_scenario *s, const char *key);

/* Input files read (the scenario, its bases, a population CSV): count and each
 * path with its SHA-256 in hex (borrowed). For the run manifest. */
STROOM_API size_t stroom_scenario_input_count(const stroom_scenario *s);
STROOM_API const char *stroom_scenario_input_path(const stroom_scenario *s, size_t i);
STROOM_API const char *stroom_scenario_input_sha256(const stroom_scenario *s, size_t i);

/*
 * Writes params as a complete YAML scenario (every key, resolved) to buf.
 * Returns the length it needs (excluding NUL), like snprintf; truncates when
 * size is too small. Loading that text again gives identical params.
 */
STROOM_API size_t stroom_params_to_yaml(const stroom_params *p, char *buf, size_t size);
/* The same as one JSON object (for manifest.json). */
STROOM_API size_t stroom_params_to_json(const stroom_params *p, char *buf, size_t size);
/*
 * Where each key's value comes from, as one JSON object (manifest.json's
 * "scenario_sources"): every key of the schema table, dotted ("teams" for a whole
 * record map), then every field of a record a file set ("teams.NAME.fte") and
 * every month a file wrote of a series that takes priors ("inflow.shock.2020-04",
 * the line of its month), with
 * its unit and, when a file set it, "file" and "line" (the key's) and "comment"
 * (that line's YAML comment, where the builtin scenarios give every value's
 * source); a key without "file" has its default. The files
 * are read again for their comments (a builtin's text when its path is not on
 * disk). Same return convention as stroom_params_to_yaml.
 */
STROOM_API size_t stroom_scenario_sources_json(const stroom_scenario *s, char *buf, size_t size);
/* docs/scenario.md, generated from the schema table. Same return convention. */
STROOM_API size_t stroom_scenario_schema_markdown(char *buf, size_t size);
/* Every key as a tab-separated table (key, kind, min, max, entries), for tools
 * and tests: kind is integer, number, list, shares, area_list, area_shares,
 * series, month (1900-01 to 2200-12), uint64 (0 to 2^64 - 1) or other; record
 * fields are written teams.NAME.fte. Same return convention. */
STROOM_API size_t stroom_scenario_schema_keys(char *buf, size_t size);

/* Builtin scenarios: count, name and its one-line description (borrowed). */
STROOM_API size_t stroom_scenario_builtin_count(void);
STROOM_API const char *stroom_scenario_builtin_name(size_t i);
STROOM_API const char *stroom_scenario_builtin_description(size_t i);

#ifdef __cplusplus
}
#endif
#endif
