/*
 * scenario_schema.c: the one table that declares every scenario key, and the code
 * it drives: converting a YAML value into its stroom_params field with bounds
 * checks, defaults, completing and checking a resolved scenario, and the "did you
 * mean" hint for unknown keys. The dump (YAML, JSON) and docs/scenario.md are
 * generated from the same table in scenario_dump.c; the loader that walks YAML
 * files and follows extends is scenario.c.
 *
 * Besides plain values a key may hold a prior (a number, or a distribution for an
 * uncertain parameter), a selector (which households: class names turned into bit
 * masks) or a record map (`teams`, `instruments`: name -> fields, each field
 * declared by a row of a sub-table of the same shape as the main table, and
 * converted by the same code).
 *
 * Model numbers (hazards, shares, inflow) are required: the builtin scenarios set
 * them, and a user scenario normally starts with `extends: generic` (any
 * municipality, as `stroom init` writes it) or `extends: rotterdam`. Technical
 * keys and policy levers have defaults; a lever's default has no effect, so a
 * scenario that does not use it runs as before.
 */
#include "internal.h"
#include "scenario_int.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Field of stroom_params: offset and size. */
#define F(field) .offset = offsetof(stroom_params, field), \
		 .size = sizeof(((stroom_params *)0)->field)
/* Field of a record type T. */
#define R(T, field) .offset = offsetof(T, field), .size = sizeof(((T *)0)->field)
/* A record map: its count and the array after it, as one span of stroom_params. */
#define SPAN(count, array) .offset = offsetof(stroom_params, count), \
	.size = offsetof(stroom_params, array) + sizeof(((stroom_params *)0)->array) - \
		offsetof(stroom_params, count)
#define HAZARD .min = 0, .max = 1, .unit = "per month"
#define SHARE .min = 0, .max = 1, .unit = "share"
#define SHARES .min = 0, .max = 1, .unit = "share", .flags = KEY_SHARES
#define MULT .min = 0, .max = 100, .unit = "multiplier"
#define ELASTICITY .min = -10, .max = 10, .unit = "elasticity"
#define LIST_OF(n, fn) .type = KEY_LIST, .length = (n), .label = (fn)
#define SHOCK .type = KEY_SERIES, .min = 0, .max = 100, .def = "{}", .empty_value = 1.0, \
	      .unit = "multiplier", .flags = KEY_SERIES_PRIOR
/* A policy series that is off (0) until its first month. */
#define LEVER_SERIES .type = KEY_SERIES, .def = "{}", .empty_value = 0.0

static const char *priority_name(int i)
{
	static const char *const names[] = {"gain", "duration", "first_come"};
	return i >= 0 && i < (int)STROOM_ARRAY_LEN(names) ? names[i] : NULL;
}

static const char *pop_start_name(int i)
{
	static const char *const names[] = {"given", "steady"};
	return i >= 0 && i < (int)STROOM_ARRAY_LEN(names) ? names[i] : NULL;
}

static const char *start_pool_name(int i)
{
	static const char *const names[] = {"none", "steady"};
	return i >= 0 && i < (int)STROOM_ARRAY_LEN(names) ? names[i] : NULL;
}

static const char *clock_name(int i)
{
	static const char *const names[] = {"spell", "start"};
	return i >= 0 && i < (int)STROOM_ARRAY_LEN(names) ? names[i] : NULL;
}

const char *scenario_prior_name(int dist)
{
	static const char *const names[] = {"fixed",   "normal",  "lognormal",
					    "beta",    "uniform", "values"};
	return dist >= 0 && dist < (int)STROOM_ARRAY_LEN(names) ? names[dist] : NULL;
}

/* The classes of a selector, in the order of stroom_selector's fields. */
const scenario_selector_class scenario_selector_classes[] = {
	{"distance", offsetof(stroom_selector, distance), STROOM_NDIST, stroom_distance_name},
	{"duration", offsetof(stroom_selector, duration), STROOM_NDUR, stroom_duration_band_name},
	{"age", offsetof(stroom_selector, age), STROOM_NAGE, stroom_age_band_name},
	{"type", offsetof(stroom_selector, type), STROOM_NTYPE, stroom_type_name},
	{"area", offsetof(stroom_selector, area), 0, NULL},
	{"stream", offsetof(stroom_selector, stream), STROOM_NSTREAM, stroom_stream_name},
};
const size_t scenario_nselector_classes = STROOM_ARRAY_LEN(scenario_selector_classes);

/* teams: NAME: {...} (stroom_team). */
static const scenario_key team_fields[] = {
	{.path = "serves", .type = KEY_SELECTOR, R(stroom_team, serves), .def = "{}", .unit = "",
	 .doc = "households on benefit the team serves"},
	{.path = "norm", .type = KEY_DOUBLE, R(stroom_team, norm), .min = 1, .max = 10000,
	 .unit = "clients per FTE", .doc = "caseload norm (policy)"},
	{.path = "reference", .type = KEY_DOUBLE, R(stroom_team, reference), .min = 1,
	 .max = 10000, .def_from = "norm", .unit = "clients per FTE",
	 .doc = "caseload per FTE at which the calibrated hazards hold (the baseline's actual "
		"caseload)"},
	{.path = "fte", .type = KEY_SERIES, R(stroom_team, fte), .min = 0, .max = 100000,
	 .flags = KEY_NONEMPTY | KEY_FROM_START, .unit = "FTE", .doc = "FTE of the team by month"},
};

/* instruments: NAME: {...} (stroom_instrument). */
static const scenario_key instrument_fields[] = {
	{.path = "eligible", .type = KEY_SELECTOR, R(stroom_instrument, eligible), .def = "{}",
	 .unit = "", .doc = "who may start (households on benefit, or with after_exit those who "
			    "left for work)"},
	{.path = "after_exit", .type = KEY_INT, R(stroom_instrument, after_exit), .min = 0,
	 .max = 1, .def = "0", .unit = "0 or 1",
	 .doc = "1 = offered after an exit to work (aftercare), not on benefit"},
	{.path = "slots", .type = KEY_SERIES, R(stroom_instrument, slots), .min = 0,
	 .max = 10000000, .empty_value = 0.0, .unit = "starts per year", .flags = KEY_COUNT,
	 .doc = "starts a year, by month (0 before the first month)"},
	{.path = "cost_eurocent", .type = KEY_INT64, R(stroom_instrument, cost_eurocent), .min = 0,
	 .max = 100000000, .def = "0", .unit = "eurocent per participant per month",
	 .doc = "cost of a participant a month"},
	{.path = "duration_months", .type = KEY_INT, R(stroom_instrument, duration_months),
	 .min = 1, .max = 120, .unit = "months", .doc = "how long a participant takes part"},
	{.path = "lockin", .type = KEY_PRIOR, R(stroom_instrument, lockin), .min = 0, .max = 10,
	 .def = "1", .unit = "multiplier",
	 .doc = "work-hazard multiplier while taking part (lock-in: below 1)"},
	{.path = "effect", .type = KEY_PRIOR, R(stroom_instrument, effect), .min = 0, .max = 10,
	 .def = "1", .unit = "multiplier", .doc = "work-hazard multiplier after taking part"},
	{.path = "effect_months", .type = KEY_INT, R(stroom_instrument, effect_months), .min = 0,
	 .max = 240, .def = "0", .unit = "months", .doc = "how long the effect lasts"},
	{.path = "durability", .type = KEY_PRIOR, R(stroom_instrument, durability), .min = 0,
	 .max = 10, .def = "1", .unit = "multiplier",
	 .doc = "multiplier on the return hazard of an exit to work during or after taking part"},
	{.path = "priority", .type = KEY_ENUM, R(stroom_instrument, priority), .length = 3,
	 .label = priority_name, .def = "first_come", .unit = "",
	 .doc = "who gets a slot when more are eligible: the largest expected gain, the longest "
		"duration, or first come"},
};

static const scenario_record team_record = {
	.what = "team",
	.count_offset = offsetof(stroom_params, n_teams),
	.array_offset = offsetof(stroom_params, team),
	.stride = sizeof(stroom_team),
	.name_offset = offsetof(stroom_team, name),
	.max = STROOM_MAX_TEAMS,
	.fields = team_fields,
	.nfields = STROOM_ARRAY_LEN(team_fields),
};

static const scenario_record instrument_record = {
	.what = "instrument",
	.count_offset = offsetof(stroom_params, n_instruments),
	.array_offset = offsetof(stroom_params, instrument),
	.stride = sizeof(stroom_instrument),
	.name_offset = offsetof(stroom_instrument, name),
	.max = STROOM_MAX_INSTRUMENTS,
	.fields = instrument_fields,
	.nfields = STROOM_ARRAY_LEN(instrument_fields),
};

const scenario_key scenario_keys[] = {
	{.path = "name", .type = KEY_NAME, F(name), .min = 1, .max = STROOM_NAME_LEN - 1,
	 .unit = "", .doc = "scenario name ([A-Za-z0-9_.-]); a scenario that extends another "
			    "inherits its name unless it sets its own"},
	{.path = "description", .type = KEY_STRING, F(description), .min = 0, .max = 255,
	 .def = "", .unit = "", .doc = "one line on what the scenario assumes"},
	{.path = "start", .type = KEY_MONTH, F(start), .unit = "month YYYY-MM",
	 .doc = "first month simulated; the starting stock is counted on its 1st"},
	{.path = "end", .type = KEY_MONTH, F(end), .unit = "month YYYY-MM",
	 .doc = "last month simulated (not before start)"},
	{.path = "seed", .type = KEY_UINT64, F(seed), .def = "1", .unit = "",
	 .doc = "random seed: the same scenario and seed give the same results"},
	{.path = "replicates", .type = KEY_INT, F(replicates), .min = 1, .max = 100000,
	 .def = "200", .unit = "runs", .doc = "number of replicate runs (for the p05/p95 bands)"},
	{.path = "posterior", .type = KEY_STRING, F(posterior_csv), .min = 0,
	 .max = STROOM_PATH_LEN - 1, .def = "", .flags = KEY_FILE, .unit = "path",
	 .doc = "a posterior.csv (header draw,chain,NAME,...: one joint draw per row, each NAME a "
		"drawn parameter of this scenario such as hazard.work.distance.short or "
		"capacity.elasticity), relative to the scenario file (a builtin scenario names a "
		"compiled-in ../posteriors/NAME.csv of data/posteriors, whose columns for parameters "
		"an extending scenario fixed are left out): each replicate takes one row, "
		"chosen by (seed, replicate), for those parameters, so their correlations carry "
		"into the run; a drawn parameter the file has no column for keeps its prior; the "
		"central-value run takes each column's mean; empty = every parameter from its "
		"prior (docs/model.md, Drawing from a posterior)"},
	{.path = "target.households", .type = KEY_INT, F(target_households), .min = 0,
	 .max = 10000000, .def = "0", .unit = "households", .flags = KEY_COUNT,
	 .doc = "policy target: at most this many households on benefit; 0 = no target"},
	{.path = "target.date", .type = KEY_MONTH, F(target_month), .unit = "month YYYY-MM",
	 .doc = "the target applies to the caseload on the 1st of this month (from start to "
		"end + 1 when target.households > 0)"},

	{.path = "areas", .type = KEY_AREAS, F(area_name), .min = 1, .max = STROOM_MAX_AREAS,
	 .unit = "names", .doc = "area names ([a-z0-9_-], starting with a letter or digit; none of the "
				 "results' other group names, since series.csv keys a row by "
				 "indicator and group: not all, short, medium, long, 1-2y, 2-5y, "
				 "27-39, 40-54, single, single_parent or couple; a team or "
				 "instrument may share an area's name, its rows have indicators of "
				 "their own); "
				 "keys marked 'one per area' list one value per area, in this order"},

	{.path = "municipalities.csv", .type = KEY_STRING, F(municipalities_csv), .min = 0,
	 .max = STROOM_PATH_LEN - 1, .def = "", .flags = KEY_FILE, .unit = "path",
	 .doc = "a national run: a CSV relative to the scenario file with one row per "
		"municipality (name,households,inflow_per_year,budget_eur[,posterior]: households "
		"on benefit on the 1st of start, new households a year, BUIG budget of the start "
		"year in EUR or empty, and optionally a posterior.csv relative to the CSV with the "
		"municipality's own joint draws, e.g. from stroom calibrate on its record, empty = "
		"the scenario's posterior or priors); each municipality is this scenario with its "
		"own population.households, inflow.per_year, budget (the budget table's path scaled "
		"to budget_eur; budget.other_spending_eur, team FTE and instrument slots scaled by "
		"households / population.households) and posterior; the run reports the total and "
		"writes municipalities.csv; empty = one municipality"},
	{.path = "population.csv", .type = KEY_STRING, F(population_csv), .min = 0,
	 .max = STROOM_PATH_LEN - 1, .def = "", .flags = KEY_FILE, .unit = "path",
	 .doc = "household CSV for the starting stock (columns in docs/population.md), "
		"relative to the scenario file; empty = synthesise from the population shares"},
	{.path = "population.households", .type = KEY_INT, F(population_households), .min = 1,
	 .max = 10000000, .unit = "households", .flags = KEY_COUNT,
	 .doc = "households on benefit on the 1st of start (synthesised population)"},
	{.path = "population.age", LIST_OF(STROOM_NAGE, stroom_age_band_name), F(pop_age), SHARES,
	 .doc = "stock by age band of the head"},
	{.path = "population.duration", LIST_OF(STROOM_NDUR, stroom_duration_band_name),
	 F(pop_duration), SHARES, .doc = "stock by benefit duration"},
	{.path = "population.type", LIST_OF(STROOM_NTYPE, stroom_type_name), F(pop_type), SHARES,
	 .doc = "stock by household type"},
	{.path = "population.area", .type = KEY_AREA_LIST, F(pop_area), SHARES,
	 .doc = "stock by area"},
	{.path = "population.stream", LIST_OF(STROOM_NSTREAM, stroom_stream_name), F(pop_stream),
	 SHARES, .doc = "stock by stream: werk (work), prestatie010 (participation), other"},
	{.path = "population.parttime", .type = KEY_DOUBLE, F(pop_parttime), .min = 0, .max = 1,
	 .unit = "share", .flags = KEY_NO_PRIOR, .doc = "share of the stock with part-time earnings alongside the benefit"},
	{.path = "population.older_long_duration", .type = KEY_DOUBLE,
	 F(pop_age_x_duration_long), .min = 0, .max = 100, .unit = "multiplier",
	 .flags = KEY_NO_PRIOR, .doc = "odds multiplier linking heads aged 55+ with spells over 5 years (IPF seed)"},
	{.path = "population.start", .type = KEY_ENUM, F(pop_start), .length = 2,
	 .label = pop_start_name, .def = "given", .unit = "",
	 .doc = "the synthesised households' composition: given = the population.* shares above; "
		"steady = the one the scenario's own inflow and hazards reach in the long run, at "
		"the start month's labour market and without levers (a municipality whose flows "
		"have been stable for years): age, duration, type, area, distance, stream and "
		"part-time work; population.households stays the total and the other population.* "
		"keys are not used (docs/population.md, \"The steady state\")"},

	{.path = "inflow.per_year", .type = KEY_DOUBLE, F(inflow_per_year), .min = 0,
	 .max = 10000000, .unit = "households per year", .flags = KEY_COUNT,
	 .doc = "new households a year at labour-market index 1 (first spells and "
		"re-applications after exits other than to work)"},
	{.path = "inflow.shock", SHOCK, F(inflow_shock),
	 .doc = "multiplier on inflow by month (e.g. covid)"},
	{.path = "inflow.age", LIST_OF(STROOM_NAGE, stroom_age_band_name), F(inflow_age), SHARES,
	 .doc = "inflow by age band of the head"},
	{.path = "inflow.type", LIST_OF(STROOM_NTYPE, stroom_type_name), F(inflow_type), SHARES,
	 .doc = "inflow by household type"},
	{.path = "inflow.area", .type = KEY_AREA_LIST, F(inflow_area), SHARES,
	 .doc = "inflow by area"},
	{.path = "inflow.distance", LIST_OF(STROOM_NDIST, stroom_distance_name),
	 F(inflow_distance), SHARES, .doc = "inflow by distance to work"},

	{.path = "labour_market.index", .type = KEY_SERIES, F(labour_index), .min = 0.01,
	 .max = 100, .def = "{}", .empty_value = 1.0, .unit = "index",
	 .doc = "labour-market tightness by month: 1 = reference, above 1 = tighter"},
	{.path = "labour_market.inflow_elasticity", .type = KEY_DOUBLE,
	 F(labour_inflow_elasticity), ELASTICITY, .doc = "inflow scales with index^-e"},
	{.path = "labour_market.work_elasticity", .type = KEY_DOUBLE, F(labour_work_elasticity),
	 ELASTICITY, .doc = "the hazard of an exit to work scales with index^e"},

	{.path = "hazard.work.distance", LIST_OF(STROOM_NDIST, stroom_distance_name),
	 F(work_distance), HAZARD, .doc = "base hazard of an exit to work, by distance to work"},
	{.path = "hazard.work.age", LIST_OF(STROOM_NAGE, stroom_age_band_name), F(work_age), MULT,
	 .doc = "work hazard by age band of the head"},
	{.path = "hazard.work.duration", LIST_OF(STROOM_NDUR, stroom_duration_band_name),
	 F(work_duration), MULT, .doc = "work hazard by benefit duration"},
	{.path = "hazard.work.type", LIST_OF(STROOM_NTYPE, stroom_type_name), F(work_type), MULT,
	 .doc = "work hazard by household type"},
	{.path = "hazard.work.area", .type = KEY_AREA_LIST, F(work_area), MULT,
	 .doc = "work hazard by area"},
	{.path = "hazard.work.shock", SHOCK, F(work_shock),
	 .doc = "multiplier on the work hazard by month (e.g. covid)"},
	{.path = "hazard.lks_share", .type = KEY_DOUBLE, F(lks_share), .min = 0, .max = 1,
	 .unit = "per work exit",
	 .doc = "exits with a wage-cost subsidy (LKS) per exit to work"},
	{.path = "hazard.other.base", .type = KEY_DOUBLE, F(other_base), HAZARD,
	 .doc = "hazard of an exit for other reasons (moving, partner income, education)"},
	{.path = "hazard.other.age", LIST_OF(STROOM_NAGE, stroom_age_band_name), F(other_age),
	 MULT, .doc = "other-exit hazard by age band of the head"},
	{.path = "hazard.other.duration", LIST_OF(STROOM_NDUR, stroom_duration_band_name),
	 F(other_duration), MULT, .doc = "other-exit hazard by benefit duration"},
	{.path = "hazard.enforcement", .type = KEY_DOUBLE, F(enforcement), HAZARD,
	 .doc = "hazard of an exit through enforcement (handhaving)"},

	{.path = "parttime.start", .type = KEY_DOUBLE, F(parttime_start), HAZARD,
	 .doc = "hazard of starting part-time work alongside the benefit"},
	{.path = "parttime.stop", .type = KEY_DOUBLE, F(parttime_stop), HAZARD,
	 .doc = "hazard of part-time work ending"},
	{.path = "parttime.work_multiplier", .type = KEY_DOUBLE, F(parttime_work_multiplier), MULT,
	 .doc = "work hazard while working part-time"},

	{.path = "parttime.earnings_eurocent", .type = KEY_INT, F(parttime_earnings_eurocent),
	 .min = 0, .max = 1000000, .unit = "eurocent per month",
	 .doc = "net earnings of a household working part-time alongside the benefit"},
	{.path = "lks.cost_eurocent", .type = KEY_INT, F(lks_cost_eurocent), .min = 0,
	 .max = 1000000, .unit = "eurocent per month",
	 .doc = "wage-cost subsidy (LKS) paid to the employer for a household that left with LKS"},
	{.path = "lks.duration_months", .type = KEY_INT, F(lks_duration_months), .min = 0,
	 .max = 600, .unit = "months", .doc = "months the LKS is paid after the exit"},

	{.path = "budget.table", .type = KEY_STRING, F(budget_table), .min = 0,
	 .max = STROOM_NAME_LEN - 1, .def = "", .unit = "name",
	 .doc = "builtin budget table (data/budget/NAME.csv: BUIG budget per year and its "
		"status); empty = no budget figures"},
	{.path = "budget.csv", .type = KEY_STRING, F(budget_csv), .min = 0,
	 .max = STROOM_PATH_LEN - 1, .def = "", .flags = KEY_FILE, .unit = "path",
	 .doc = "a budget table file in the same format, relative to the scenario file; "
		"overrides budget.table"},
	{.path = "budget.base_year", .type = KEY_INT, F(budget_base_year), .min = 0, .max = 2200,
	 .def = "0", .unit = "year",
	 .doc = "year whose average price per household defines the budgeted households of "
		"the volume/price split; 0 = the first simulated year"},
	{.path = "budget.start_eur", .type = KEY_DOUBLE, F(budget_start_eur), .min = 0, .max = 2e9,
	 .def = "0", .unit = "EUR", .flags = KEY_NO_PRIOR,
	 .doc = "BUIG budget of the start year: the table's path scaled so that the start year "
		"has this budget, following the macro budget where the table has it (as a national "
		"run's budget_eur; stroom init writes it); 0 = the table as it is"},
	{.path = "budget.other_spending_eur", LEVER_SERIES, F(budget_other_spending), .min = 0,
	 .max = 1e11, .unit = "EUR a year",
	 .doc = "spending the BUIG pays that the engine does not simulate (IOAW, IOAZ, Bbz, "
		"LKS placements from before the start), by month; added to each year's spending"},
	/* ---- the budget path's mechanism and the execution costs (issue 13; docs/budget.md
	 * section 5, docs/policy.md "Costs") ---- */
	{.path = "budget.path_from", .type = KEY_INT, F(budget_path_from), .min = 0, .max = 2200,
	 .def = "0", .unit = "year",
	 .doc = "first year whose BUIG budget the mechanism builds from the year before in the "
		"table: macro budget x national_caseload ratio x (1 + indexation), times the share "
		"x (1 + share_trend); 0 = every year from the table"},
	{.path = "budget.national_caseload", .type = KEY_SERIES, F(budget_national), .min = 0.01,
	 .max = 100, .def = "{}", .empty_value = 1.0, .unit = "index",
	 .doc = "national caseload forecast by month (its January value counts for the year), "
		"as an index: the macro budget moves with its ratio to the year before"},
	{.path = "budget.indexation", LEVER_SERIES, F(budget_indexation), .min = -0.5, .max = 1,
	 .unit = "share a year",
	 .doc = "indexation of the norms in the macro budget by month (January counts for the "
		"year; 0 = constant prices, as the engine's amounts after their last table row)"},
	{.path = "budget.share_trend", .type = KEY_DOUBLE, F(budget_share_trend), .min = -0.5,
	 .max = 0.5, .def = "0", .unit = "share a year", .flags = KEY_NO_PRIOR,
	 .doc = "yearly relative change of the municipality's share of the macro budget (the "
		"mean of its prior, drawn once per replicate)"},
	{.path = "budget.share_trend_sd", .type = KEY_DOUBLE, F(budget_share_trend_sd), .min = 0,
	 .max = 0.5, .def = "0", .unit = "share a year", .flags = KEY_NO_PRIOR,
	 .doc = "standard deviation of the normal prior of budget.share_trend; 0 = fixed"},
	{.path = "budget.other_ratio", .type = KEY_DOUBLE, F(budget_other_ratio), .min = 0,
	 .max = 10, .def = "0", .unit = "per household", .flags = KEY_NO_PRIOR,
	 .doc = "households the BUIG pays that the engine does not simulate (IOAW, IOAZ, Bbz, "
		"LKS from before the start) per household on benefit: each year's spending gains "
		"ratio x the year's average caseload x budget.other_price_eur (added to "
		"budget.other_spending_eur); 0 = none"},
	{.path = "budget.other_price_eur", LEVER_SERIES, F(budget_other_price), .min = 0,
	 .max = 1e6, .unit = "EUR a household-year",
	 .doc = "spending per household-year outside the engine, by month (January counts for "
		"the year)"},
	{.path = "costs.fte_eur", .type = KEY_DOUBLE, F(cost_fte_eur), .min = 0, .max = 1e6,
	 .def = "0", .unit = "EUR per FTE-year", .flags = KEY_NO_PRIOR,
	 .doc = "execution cost of one team FTE a year: salary, employer charges and overhead "
		"(paid from the municipality's own means, not the BUIG); 0 = not counted"},
	{.path = "costs.fte_spread", .type = KEY_DOUBLE, F(cost_fte_spread), .min = 0, .max = 0.9,
	 .def = "0", .unit = "share", .flags = KEY_NO_PRIOR,
	 .doc = "prior of costs.fte_eur: uniform within +- this share of it, drawn once per "
		"replicate; 0 = fixed"},
	{.path = "costs.control_eur", .type = KEY_DOUBLE, F(cost_control_eur), .min = 0,
	 .max = 1e6, .def = "0", .unit = "EUR per control", .flags = KEY_NO_PRIOR,
	 .doc = "execution cost of one extra control or re-examination (enforcement.controls)"},
	{.path = "costs.prevention_eur", .type = KEY_DOUBLE, F(cost_prevention_eur), .min = 0,
	 .max = 1e6, .def = "0", .unit = "EUR per household reached", .flags = KEY_NO_PRIOR,
	 .doc = "execution cost of one applicant reached by prevention (prevention.reach of the "
		"targeted applicants)"},
	{.path = "costs.gate_eur", .type = KEY_DOUBLE, F(cost_gate_eur), .min = 0, .max = 1e6,
	 .def = "0", .unit = "EUR per applicant", .flags = KEY_NO_PRIOR,
	 .doc = "execution cost of one applicant under 27 given the search period "
		"(gate.search_share): intake, follow-up of the search"},
	/* ---- end of the issue 13 block ---- */

	{.path = "teams", .type = KEY_RECORDS, SPAN(n_teams, team), .record = &team_record,
	 .def = "{}", .unit = "",
	 .doc = "teams of coaches by name (not 'all'), each with the fields below; a household on benefit is "
		"served by the first team (in file order) that selects it"},
	{.path = "capacity.elasticity", .type = KEY_PRIOR, F(capacity_elasticity), .min = 0,
	 .max = 3, .def = "0", .unit = "elasticity",
	 .doc = "the work hazard of a served household scales with intensity^e, intensity = "
		"the team's reference caseload over its caseload per FTE; 0 = no effect"},
	{.path = "capacity.intensity_cap", .type = KEY_DOUBLE, F(capacity_intensity_cap),
	 .min = 1, .max = 10, .def = "2", .unit = "multiplier",
	 .doc = "intensity counts at most this much (small caseloads have diminishing returns)"},

	{.path = "instruments", .type = KEY_RECORDS, SPAN(n_instruments, instrument),
	 .record = &instrument_record, .def = "{}", .unit = "",
	 .doc = "re-integration instruments by name (not 'all'), each with the fields below"},

	{.path = "gate.search_share", .type = KEY_DOUBLE, F(gate_search_share), SHARE,
	 .def = "0", .doc = "share of applicants under 27 given the four-week search period "
			    "(zoektermijn)"},
	{.path = "gate.search_effect", .type = KEY_PRIOR, F(gate_search_effect), SHARE,
	 .def = "0", .doc = "share of those given the search period who then do not enter"},
	{.path = "gate.selection", .type = KEY_PRIOR, F(gate_selection), SHARE, .def = "0",
	 .doc = "share of all applicants turned away at the gate"},

	{.path = "prevention.target", .type = KEY_SELECTOR, F(prevention_target), .def = "{}",
	 .unit = "", .doc = "whose inflow prevention reaches"},
	{.path = "prevention.reach", LEVER_SERIES, F(prevention_reach), .min = 0, .max = 1,
	 .unit = "share", .doc = "share of that inflow reached, by month"},
	{.path = "prevention.effect", .type = KEY_PRIOR, F(prevention_effect), SHARE, .def = "0",
	 .doc = "share of those reached who do not enter"},

	{.path = "enforcement.controls", LEVER_SERIES, F(enforcement_controls), .min = 0,
	 .max = 10000000, .unit = "controls per year", .flags = KEY_COUNT,
	 .doc = "extra controls a year, by month (on top of the baseline hazard.enforcement)"},
	{.path = "enforcement.detection", .type = KEY_PRIOR, F(enforcement_detection), SHARE,
	 .def = "0", .doc = "share of controls finding an irregularity"},
	{.path = "enforcement.termination_share", .type = KEY_DOUBLE,
	 F(enforcement_termination_share), SHARE, .def = "0",
	 .doc = "share of findings that end the benefit; the others get a sanction"},
	{.path = "enforcement.sanction_pct", .type = KEY_INT, F(enforcement_sanction_pct),
	 .min = 0, .max = 100, .def = "0", .unit = "percent",
	 .doc = "benefit reduction (verlaging) of a finding that does not end the benefit"},
	{.path = "enforcement.sanction_months", .type = KEY_INT, F(enforcement_sanction_months),
	 .min = 0, .max = 12, .def = "0", .unit = "months", .doc = "how long the reduction lasts"},
	{.path = "enforcement.recovery_eurocent", .type = KEY_INT64,
	 F(enforcement_recovery_eurocent), .min = 0, .max = 100000000, .def = "0",
	 .unit = "eurocent per finding", .doc = "benefit recovered (terugvordering) per finding"},

	{.path = "targets.pressure", LEVER_SERIES, F(targets_pressure), .min = 0, .max = 1,
	 .unit = "share", .doc = "1 = individual outflow targets on, by month"},
	{.path = "targets.work", .type = KEY_PRIOR, F(targets_work), .min = 0, .max = 10,
	 .def = "1", .unit = "multiplier", .doc = "work-hazard multiplier under targets"},
	{.path = "targets.nondurable", .type = KEY_PRIOR, F(targets_nondurable), .min = 0,
	 .max = 10, .def = "1", .unit = "multiplier",
	 .doc = "multiplier on the share of exits to work that do not last, under targets"},


	{.path = "approach_clock", .type = KEY_ENUM, F(approach_clock), .length = 2,
	 .label = clock_name, .def = "spell", .unit = "",
	 .doc = "from when a household's time in the approach counts, for hazard.work.duration and "
		"the drift: spell = its spell's start; start = for households already on benefit at "
		"the start, the run's start (an approach that begins with the run takes the stock "
		"on then: its profile over durations and its drift months start afresh; output "
		"groups, the other hazard and teams keep the spell's duration)"},
	{.path = "drift.short_to_medium_months", .type = KEY_INT, F(drift_short_months), .min = 1,
	 .max = 240, .def = "9", .unit = "months",
	 .doc = "spell duration at which short distance becomes medium (herijking "
		"definitions: short = work expected within 9 months)"},
	{.path = "drift.medium_to_long_months", .type = KEY_INT, F(drift_medium_months), .min = 1,
	 .max = 240, .def = "24", .unit = "months",
	 .doc = "spell duration at which medium distance becomes long (herijking: medium = "
		"9 to 24 months); not below drift.short_to_medium_months"},
	{.path = "drift.medium_to_long_share", .type = KEY_DOUBLE, F(drift_long_share), SHARE,
	 .def = "1",
	 .doc = "share of the medium-distance households reaching drift.medium_to_long_months "
		"that become long distance (and leave the werk stream); the rest stay medium"},

	{.path = "returns.within_12m", .type = KEY_DOUBLE, F(return_within_12m), SHARE,
	 .doc = "share of exits to work or LKS that return within 12 months (below "
		"returns.nondurable_share)"},
	{.path = "returns.nondurable_share", .type = KEY_DOUBLE, F(return_nondurable_share), SHARE,
	 .doc = "share of exits to work or LKS that return at all"},
	{.path = "returns.distance", .type = KEY_ENUM, F(return_distance), .length = STROOM_NDIST,
	 .label = stroom_distance_name, .unit = "",
	 .doc = "distance class of a returning household"},
	{.path = "returns.start_pool", .type = KEY_ENUM, F(return_start_pool), .length = 2,
	 .label = start_pool_name, .def = "none", .unit = "",
	 .doc = "households off benefit after a non-durable exit before the start, who may "
		"return: none = nobody (returns build up from zero over the first year); steady = "
		"the pool the starting households' exits to work and with LKS would hold had they "
		"run like the first month's for years, E x returns.nondurable_share / lambda for "
		"E such exits a month and lambda the return hazard, with the exits' birth months, "
		"types and areas (docs/model.md, step 8)"},

};

const size_t scenario_nkeys = STROOM_ARRAY_LEN(scenario_keys);

const scenario_key *scenario_key_find(const char *path)
{
	size_t i;
	for (i = 0; i < scenario_nkeys; i++)
		if (strcmp(scenario_keys[i].path, path) == 0)
			return &scenario_keys[i];
	return NULL;
}

int scenario_key_is_group(const char *path)
{
	size_t i, n = strlen(path);
	for (i = 0; i < scenario_nkeys; i++)
		if (strncmp(scenario_keys[i].path, path, n) == 0 && scenario_keys[i].path[n] == '.')
			return 1;
	return 0;
}

/* Levenshtein distance of a[0..na) and b[0..nb), both at most 127 characters. */
static size_t edit_distance(const char *a, size_t na, const char *b, size_t nb)
{
	size_t row[128], i, j;
	if (na > 127 || nb > 127)
		return (size_t)-1;
	for (j = 0; j <= nb; j++)
		row[j] = j;
	for (i = 1; i <= na; i++) {
		size_t diag = row[0];
		row[0] = i;
		for (j = 1; j <= nb; j++) {
			size_t up = row[j];
			size_t best = diag + (a[i - 1] != b[j - 1]);
			if (row[j - 1] + 1 < best)
				best = row[j - 1] + 1;
			if (up + 1 < best)
				best = up + 1;
			row[j] = best;
			diag = up;
		}
	}
	return row[nb];
}

static const char *last_segment(const char *s, size_t n)
{
	size_t i = n;
	while (i > 0 && s[i - 1] != '.')
		i--;
	return s + i;
}

/*
 * Close enough to suggest: at most 3 edits, or at most a third of the length (long
 * keys), and never a rewrite of the whole name ("foo" is not a typo of "end").
 */
static int close_enough(size_t d, size_t len) { return d < len && (d <= 3 || 3 * d <= len); }

/*
 * Candidates are every key and every group (each proper prefix ending before a
 * dot). A candidate matches on the full dotted path or on its last segment (a key
 * put in the wrong group); the best has the fewest edits, then the closest full
 * path, then comes first in the table.
 */
const char *scenario_key_suggest(const char *path, char *buf, size_t size)
{
	size_t np = strlen(path), best_d = (size_t)-1, best_full = (size_t)-1, i;
	const char *plast = last_segment(path, np);
	size_t nplast = np - (size_t)(plast - path);
	const char *best = NULL;
	size_t best_len = 0;

	for (i = 0; i < scenario_nkeys; i++) {
		const char *k = scenario_keys[i].path;
		size_t nk = strlen(k), end;
		/* The key itself (end == nk), then each group prefix of it. */
		for (end = nk; end > 0; end--) {
			const char *klast;
			size_t dfull, dlast, d = (size_t)-1;
			if (end != nk && k[end] != '.')
				continue;
			klast = last_segment(k, end);
			dfull = edit_distance(path, np, k, end);
			dlast = edit_distance(plast, nplast, klast, end - (size_t)(klast - k));
			if (close_enough(dfull, np))
				d = dfull;
			if (close_enough(dlast, nplast) && dlast < d)
				d = dlast;
			if (d == (size_t)-1)
				continue;
			if (d < best_d || (d == best_d && dfull < best_full)) {
				best_d = d;
				best_full = dfull;
				best = k;
				best_len = end;
			}
		}
	}
	if (!best || best_len >= size)
		return NULL;
	memcpy(buf, best, best_len);
	buf[best_len] = '\0';
	return buf;
}

/* The closest of cands[0..n) to s[0..ns) by the rule above, or NULL. */
static const char *suggest_among(const char *s, size_t ns, const char *const *cands, size_t n)
{
	const char *best = NULL;
	size_t best_d = (size_t)-1, i;
	for (i = 0; i < n; i++) {
		size_t d = edit_distance(s, ns, cands[i], strlen(cands[i]));
		if (close_enough(d, ns) && d < best_d) {
			best_d = d;
			best = cands[i];
		}
	}
	return best;
}

/* ---- converting values ---- */

/* Where a value is, for messages. */
typedef struct where {
	const char *file;
	size_t line, col;
} where;

static where node_where(const char *file, const yaml_node_t *n)
{
	where w = {file, n->start_mark.line + 1, n->start_mark.column + 1};
	return w;
}

/* Sets the error detail "FILE:LINE:COL: " + fmt and returns code. */
static int fail(int code, where w, const char *fmt, ...)
#if defined(__GNUC__)
	__attribute__((format(printf, 3, 4)))
#endif
	;
static int fail(int code, where w, const char *fmt, ...)
{
	char msg[768];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	return stroom_error_set(code, "%s:%zu:%zu: %s", w.file, w.line, w.col, msg);
}

/* "a mapping", "a list" or the scalar in quotes, shortened, for "got ...". */
static const char *got_text(const yaml_node_t *n, char *buf, size_t size)
{
	if (n->type == YAML_MAPPING_NODE)
		return "a mapping";
	if (n->type == YAML_SEQUENCE_NODE)
		return "a list";
	if (n->type != YAML_SCALAR_NODE)
		return "nothing";
	if (n->data.scalar.length == 0 && n->data.scalar.style == YAML_PLAIN_SCALAR_STYLE)
		return "nothing";
	if (n->data.scalar.length > 40)
		snprintf(buf, size, "'%.37s...'", (const char *)n->data.scalar.value);
	else
		snprintf(buf, size, "'%.*s'", (int)n->data.scalar.length,
			 (const char *)n->data.scalar.value);
	return buf;
}

/* "nothing" or the text in quotes, for "got ..." of a scalar. */
static const char *got_scalar(const char *text, char *buf, size_t size)
{
	if (!*text)
		return "nothing";
	if (strlen(text) > 40)
		snprintf(buf, size, "'%.37s...'", text);
	else
		snprintf(buf, size, "'%s'", text);
	return buf;
}

/* Bounds as text: "[0, 1]". */
static const char *bounds_text(const scenario_key *k, char *buf, size_t size)
{
	snprintf(buf, size, "[%.15g, %.15g]", k->min, k->max);
	return buf;
}

/* "a, b or c" from labels 0..n-1 into buf. */
static const char *names_text(const char *(*label)(int), int n, char *buf, size_t size)
{
	size_t len = 0;
	int i;
	buf[0] = '\0';
	for (i = 0; i < n && len < size; i++) {
		int w = snprintf(buf + len, size - len, "%s%s",
				 i == 0 ? "" : i == n - 1 ? " or " : ", ", label(i));
		if (w < 0)
			break;
		len += (size_t)w;
	}
	return buf;
}

/*
 * Copies a number's text without the digit-group underscores YAML allows
 * (2_400 = 2400): each '_' must stand between two digits. Returns 0, or -1 for a
 * misplaced '_' or text longer than size - 1.
 */
static int ungroup(const char *text, char *buf, size_t size)
{
	size_t i, n = 0;
	for (i = 0; text[i]; i++) {
		if (text[i] == '_') {
			if (i == 0 || !isdigit((unsigned char)text[i - 1]) ||
			    !isdigit((unsigned char)text[i + 1]))
				return -1;
			continue;
		}
		if (n + 1 >= size)
			return -1;
		buf[n++] = text[i];
	}
	buf[n] = '\0';
	return 0;
}

/*
 * Parses a whole decimal number (no hex, inf or nan). Returns 0 or -1.
 * Assumes the C locale's decimal point, as the rest of the library does.
 */
static int parse_double(const char *text, double *out)
{
	char *end, s[128];
	double v;
	if (ungroup(text, s, sizeof s) != 0)
		return -1;
	if (!*s || strpbrk(s, "xXnNiI") || !(isdigit((unsigned char)*s) || strchr("+-.", *s)))
		return -1;
	errno = 0;
	v = strtod(s, &end);
	if (*end || !isfinite(v))
		return -1;
	*out = v;
	return 0;
}

/* Parses a decimal integer. Returns 0, -1 (not an integer) or 1 (out of range). */
static int parse_int(const char *text, long long *out)
{
	char *end, s[128];
	long long v;
	const char *d;
	if (ungroup(text, s, sizeof s) != 0)
		return -1;
	d = (*s == '-' || *s == '+') ? s + 1 : s;
	if (!isdigit((unsigned char)*d))
		return -1;
	errno = 0;
	v = strtoll(s, &end, 10);
	if (*end)
		return -1;
	if (errno == ERANGE)
		return 1;
	*out = v;
	return 0;
}

/* Parses "YYYY-MM" or "YYYY-MM-01". Returns 0, -1 (malformed) or 1 (year out of range). */
static int parse_month(const char *s, stroom_month *out)
{
	int y, m, i;
	size_t n = strlen(s);
	if (n != 7 && !(n == 10 && strcmp(s + 7, "-01") == 0))
		return -1;
	for (i = 0; i < 7; i++)
		if (i == 4 ? s[i] != '-' : !isdigit((unsigned char)s[i]))
			return -1;
	y = (s[0] - '0') * 1000 + (s[1] - '0') * 100 + (s[2] - '0') * 10 + (s[3] - '0');
	m = (s[5] - '0') * 10 + (s[6] - '0');
	if (m < 1 || m > 12)
		return -1;
	if (y < 1900 || y > 2200)
		return 1;
	*out = stroom_month_make(y, m);
	return 0;
}

/* Copies a scalar node's text into buf (NUL-terminated); errors if it does not fit. */
static int scalar_text(const char *label, const yaml_node_t *n, const char *file, char *buf,
		       size_t size)
{
	size_t len = n->data.scalar.length;
	if (len >= size)
		return fail(STROOM_EINVAL, node_where(file, n),
			    "%s: expected at most %zu characters, got %zu", label, size - 1, len);
	memcpy(buf, n->data.scalar.value, len);
	buf[len] = '\0';
	if (strlen(buf) != len)
		return fail(STROOM_EPARSE, node_where(file, n),
			    "%s: expected text, got a NUL character", label);
	return 0;
}

/* Parses a plain scalar number (any finite value) for label. */
static int plain_number(const char *label, const yaml_node_t *n, const char *file, double *out)
{
	char text[128], got[64];
	int rc;
	if (n->type != YAML_SCALAR_NODE || n->data.scalar.style != YAML_PLAIN_SCALAR_STYLE ||
	    n->data.scalar.length >= sizeof text)
		return fail(STROOM_EPARSE, node_where(file, n), "%s: expected a number, got %s",
			    label, got_text(n, got, sizeof got));
	if ((rc = scalar_text(label, n, file, text, sizeof text)) != 0)
		return rc;
	if (parse_double(text, out) != 0)
		return fail(STROOM_EPARSE, node_where(file, n), "%s: expected a number, got %s",
			    label, got_text(n, got, sizeof got));
	return 0;
}

/*
 * A key that counts households or people (KEY_COUNT) takes whole numbers written
 * without '.' or an exponent: YAML reads 2.400 as 2.4, and a Dutch user who
 * means 2,400 would otherwise run with 2.4 households a year. Returns 0 or the
 * error.
 */
static int looks_like_thousands(const char *t);

static int count_check(const scenario_key *k, const char *label, const char *text, where w)
{
	char plain[64];
	size_t i, n = 0;
	if (!(k->flags & KEY_COUNT) || !strpbrk(text, ".eE"))
		return 0;
	if (!looks_like_thousands(text))
		return fail(STROOM_EINVAL, w,
			    "%s: expected a whole number (%s), got %s", label, k->unit, text);
	for (i = 0; text[i] && n + 1 < sizeof plain; i++)
		if (text[i] != '.')
			plain[n++] = text[i];
	plain[n] = '\0';
	return fail(STROOM_EINVAL, w,
		    "%s: expected a whole number (%s), got %s: YAML reads '.' as a decimal point, "
		    "not a thousands separator; write %s (or with '_': 2_400)",
		    label, k->unit, text, plain);
}

/* Nonzero for text such as 7.700 or 12.500.000: digits grouped by '.' in threes,
 * a Dutch thousands separator. */
static int looks_like_thousands(const char *t)
{
	size_t n = 0;
	if (*t == '+' || *t == '-')
		t++;
	while (isdigit((unsigned char)t[n]))
		n++;
	if (n < 1 || n > 3 || t[n] != '.')
		return 0;
	t += n;
	while (*t == '.') {
		if (!isdigit((unsigned char)t[1]) || !isdigit((unsigned char)t[2]) ||
		    !isdigit((unsigned char)t[3]))
			return 0;
		t += 4;
	}
	return *t == '\0';
}

/* Parses one number of key k (a plain scalar) for a list entry or a value. */
static int number_value(const scenario_key *k, const char *label, const yaml_node_t *n,
			const char *file, double *out)
{
	char bounds[64];
	double v;
	int rc;
	if ((rc = plain_number(label, n, file, &v)) != 0)
		return rc;
	if ((rc = count_check(k, label, (const char *)n->data.scalar.value, node_where(file, n))) != 0)
		return rc;
	if (v < k->min || v > k->max)
		return fail(STROOM_EINVAL, node_where(file, n),
			    "%s: expected a number in %s, got %.*s", label,
			    bounds_text(k, bounds, sizeof bounds), (int)n->data.scalar.length,
			    (const char *)n->data.scalar.value);
	*out = v;
	return 0;
}

static int valid_name_char(int c, int first, int upper_dot)
{
	if (isdigit(c) || (c >= 'a' && c <= 'z'))
		return 1;
	if (upper_dot && c >= 'A' && c <= 'Z')
		return 1;
	if (first)
		return 0;
	return c == '_' || c == '-' || (upper_dot && c == '.');
}

/*
 * Nonzero when s is a valid name: scenario names allow A-Z and '.', area and
 * record names do not.
 */
static int valid_name(const char *s, int upper_dot)
{
	size_t i;
	if (!*s)
		return 0;
	for (i = 0; s[i]; i++)
		if (!valid_name_char((unsigned char)s[i], i == 0, upper_dot))
			return 0;
	return 1;
}

/*
 * The engine's results groups other than the areas and 'all', by dimension:
 * series.csv and the observed data key a row by indicator and group, and an
 * area's rows have the same indicators as these, so an area may not take one of
 * their names. (Teams and instruments have indicators of their own: their names
 * may be any of these but 'all'.)
 */
static const struct {
	const char *what; /* "a distance group" */
	int n;
	const char *(*name)(int);
} results_groups[] = {{"a distance group", STROOM_NDIST, stroom_distance_name},
		      {"a duration group", STROOM_NDUR, stroom_duration_band_name},
		      {"an age group", STROOM_NAGE, stroom_age_band_name},
		      {"a household type group", STROOM_NTYPE, stroom_type_name}};

/* What the results group called `name` is ("the total's group", "a distance
 * group", ...), or NULL when no group but an area's has that name. */
static const char *results_group_of(const char *name)
{
	size_t d;
	int i;
	if (strcmp(name, "all") == 0)
		return "the total's group";
	for (d = 0; d < STROOM_ARRAY_LEN(results_groups); d++)
		for (i = 0; i < results_groups[d].n; i++)
			if (strcmp(name, results_groups[d].name(i)) == 0)
				return results_groups[d].what;
	return NULL;
}

/* 'all' and the names of results_groups an area name could take (those valid_name
 * allows: not '<1y', '>5y', '<27' or '55+'), comma-separated. */
static const char *area_taken_names(char *buf, size_t size)
{
	size_t d, len;
	int i;
	snprintf(buf, size, "all");
	for (d = 0; d < STROOM_ARRAY_LEN(results_groups); d++)
		for (i = 0; i < results_groups[d].n; i++) {
			const char *n = results_groups[d].name(i);
			len = strlen(buf);
			if (valid_name(n, 0) && len < size)
				snprintf(buf + len, size - len, ", %s", n);
		}
	return buf;
}

/* Nonzero for a YAML null: an empty plain scalar, ~, null, Null or NULL. */
static int is_null(const yaml_node_t *n)
{
	static const char *const nulls[] = {"", "~", "null", "Null", "NULL"};
	size_t i;
	if (n->type != YAML_SCALAR_NODE || n->data.scalar.style != YAML_PLAIN_SCALAR_STYLE)
		return 0;
	for (i = 0; i < STROOM_ARRAY_LEN(nulls); i++)
		if (n->data.scalar.length == strlen(nulls[i]) &&
		    memcmp(n->data.scalar.value, nulls[i], n->data.scalar.length) == 0)
			return 1;
	return 0;
}

static int same_scalar(const yaml_node_t *a, const yaml_node_t *b)
{
	return a->type == YAML_SCALAR_NODE && b->type == YAML_SCALAR_NODE &&
	       a->data.scalar.length == b->data.scalar.length &&
	       memcmp(a->data.scalar.value, b->data.scalar.value, a->data.scalar.length) == 0;
}

/*
 * Fails when the key of `pair` repeats an earlier key of its mapping:
 * "PATH.KEY: expected each key once, got it again (first at line N)".
 */
static int check_once(const char *path, yaml_document_t *doc, const yaml_node_t *map,
		      const yaml_node_pair_t *pair, const char *file)
{
	const yaml_node_pair_t *prev;
	yaml_node_t *kn = yaml_document_get_node(doc, pair->key);
	for (prev = map->data.mapping.pairs.start; prev < pair; prev++) {
		yaml_node_t *pk = yaml_document_get_node(doc, prev->key);
		if (same_scalar(pk, kn))
			return fail(STROOM_EPARSE, node_where(file, kn),
				    "%s.%.*s: expected each key once, got it again (first at line "
				    "%zu)",
				    path, (int)kn->data.scalar.length,
				    (const char *)kn->data.scalar.value, pk->start_mark.line + 1);
	}
	return 0;
}

/*
 * What a converter writes: the key (or record field) that declares the value,
 * the dotted path for messages ("teams.werk_zuid.norm"), the field and its state.
 */
typedef struct slot {
	const scenario_key *k;
	const char *path;
	void *dst;
	scenario_keystate *st;
} slot;

static slot key_slot(const scenario_key *k, stroom_params *p, scenario_keystate *st)
{
	slot s = {k, k->path, (char *)p + k->offset, st};
	return s;
}

/*
 * Converts the text of a scalar value. `plain` says the YAML scalar was unquoted
 * (numbers must be). Used for values in files and for the table's defaults.
 */
static int set_scalar(const slot *s, const char *text, int plain, where w)
{
	const scenario_key *k = s->k;
	char bounds[64], got[64];
	long long iv;
	stroom_month m;
	int rc, i;
	size_t len = strlen(text);

	switch (k->type) {
	case KEY_STRING:
	case KEY_NAME:
		if (len < (size_t)k->min)
			return fail(STROOM_EINVAL, w, "%s: expected at least %.0f character, got ''",
				    s->path, k->min);
		if (len > (size_t)k->max)
			return fail(STROOM_EINVAL, w, "%s: expected at most %.0f characters, got %zu",
				    s->path, k->max, len);
		if (k->type == KEY_NAME && !valid_name(text, 1))
			return fail(STROOM_EINVAL, w,
				    "%s: expected a name of A-Z, a-z, 0-9, '_', '-' and '.' "
				    "starting with a letter or digit, got '%s'", s->path, text);
		memset(s->dst, 0, k->size);
		memcpy(s->dst, text, len);
		return 0;
	case KEY_INT:
	case KEY_INT64:
		rc = plain ? parse_int(text, &iv) : -1;
		if (rc < 0 && plain && count_check(k, s->path, text, w) != 0)
			return STROOM_EINVAL;
		if (rc < 0)
			return fail(STROOM_EPARSE, w, "%s: expected an integer, got %s", s->path,
				    got_scalar(text, got, sizeof got));
		if (rc > 0 || (double)iv < k->min || (double)iv > k->max)
			return fail(STROOM_EINVAL, w, "%s: expected an integer in %s, got %s",
				    s->path, bounds_text(k, bounds, sizeof bounds), text);
		if (k->type == KEY_INT)
			*(int *)s->dst = (int)iv;
		else
			*(int64_t *)s->dst = (int64_t)iv;
		return 0;
	case KEY_UINT64: {
		char *end;
		unsigned long long u;
		if (!plain || !isdigit((unsigned char)text[0]))
			return fail(STROOM_EPARSE, w,
				    "%s: expected an integer from 0 to 2^64 - 1, got %s", s->path,
				    got_scalar(text, got, sizeof got));
		errno = 0;
		u = strtoull(text, &end, 10);
		if (*end)
			return fail(STROOM_EPARSE, w,
				    "%s: expected an integer from 0 to 2^64 - 1, got %s", s->path,
				    got_scalar(text, got, sizeof got));
		if (errno == ERANGE)
			return fail(STROOM_EINVAL, w,
				    "%s: expected an integer from 0 to 2^64 - 1, got %s", s->path, text);
		*(uint64_t *)s->dst = (uint64_t)u;
		return 0;
	}
	case KEY_DOUBLE:
	case KEY_PRIOR: {
		double v;
		if (!plain || parse_double(text, &v) != 0) {
			if (k->type == KEY_PRIOR)
				return fail(STROOM_EPARSE, w,
					    "%s: expected a number or a distribution such as "
					    "{normal: [mean, sd]}, got %s",
					    s->path, got_scalar(text, got, sizeof got));
			return fail(STROOM_EPARSE, w, "%s: expected a number, got %s", s->path,
				    got_scalar(text, got, sizeof got));
		}
		if ((rc = count_check(k, s->path, text, w)) != 0)
			return rc;
		if (v < k->min || v > k->max)
			return fail(STROOM_EINVAL, w, "%s: expected a number in %s, got %s", s->path,
				    bounds_text(k, bounds, sizeof bounds), text);
		if (k->type == KEY_DOUBLE) {
			*(double *)s->dst = v;
		} else {
			stroom_prior pr;
			memset(&pr, 0, sizeof pr);
			pr.dist = STROOM_PRIOR_FIXED;
			pr.a = v;
			pr.lo = k->min;
			pr.hi = k->max;
			memcpy(s->dst, &pr, sizeof pr);
		}
		return 0;
	}
	case KEY_MONTH:
		rc = parse_month(text, &m);
		if (rc < 0)
			return fail(STROOM_EPARSE, w, "%s: expected a month YYYY-MM, got %s",
				    s->path, got_scalar(text, got, sizeof got));
		if (rc > 0)
			return fail(STROOM_EINVAL, w,
				    "%s: expected a month from 1900-01 to 2200-12, got %s", s->path,
				    text);
		*(stroom_month *)s->dst = m;
		return 0;
	case KEY_ENUM: {
		char names[128];
		for (i = 0; i < k->length; i++) {
			if (strcmp(text, k->label(i)) == 0) {
				*(int *)s->dst = i;
				return 0;
			}
		}
		return fail(STROOM_EINVAL, w, "%s: expected %s, got %s", s->path,
			    names_text(k->label, k->length, names, sizeof names),
			    got_scalar(text, got, sizeof got));
	}
	case KEY_LIST:
	case KEY_AREA_LIST:
	case KEY_AREAS:
	case KEY_SERIES:
	case KEY_SELECTOR:
	case KEY_RECORDS:
		break;
	}
	return stroom_error_set(STROOM_ERROR, "%s: not a scalar key", s->path);
}

static int parse_prior(const scenario_key *k, const char *path, yaml_document_t *doc,
		       yaml_node_t *node, const char *file, stroom_prior *out);
static void uncertain_clear(stroom_params *p, const scenario_key *k);
static int uncertain_add(stroom_params *p, size_t offset, const stroom_prior *pr, where w,
			 const char *label);

/*
 * A list of numbers: fixed length (KEY_LIST) or one per area (KEY_AREA_LIST). An
 * entry may be a prior (a distribution mapping) when the key takes priors; a list
 * set again replaces the priors of the previous one.
 */
static int set_list(const slot *s, stroom_params *p, yaml_document_t *doc, yaml_node_t *node,
		    const char *file)
{
	const scenario_key *k = s->k;
	double v[STROOM_MAX_AREAS]; /* fixed lists are shorter (checked by a test) */
	stroom_prior pr[STROOM_MAX_AREAS];
	int has_prior[STROOM_MAX_AREAS];
	char label[192], got[64];
	yaml_node_item_t *item;
	int n = 0, rc, i;
	size_t len;

	if (node->type != YAML_SEQUENCE_NODE) {
		if (k->type == KEY_LIST)
			return fail(STROOM_EPARSE, node_where(file, node),
				    "%s: expected a list of %d numbers, got %s", s->path, k->length,
				    got_text(node, got, sizeof got));
		return fail(STROOM_EPARSE, node_where(file, node),
			    "%s: expected a list of numbers (one per area), got %s", s->path,
			    got_text(node, got, sizeof got));
	}
	len = (size_t)(node->data.sequence.items.top - node->data.sequence.items.start);
	if (k->type == KEY_LIST && len != (size_t)k->length)
		return fail(STROOM_EINVAL, node_where(file, node),
			    "%s: expected a list of %d numbers, got %zu", s->path, k->length, len);
	if (k->type == KEY_AREA_LIST && (len < 1 || len > STROOM_MAX_AREAS))
		return fail(STROOM_EINVAL, node_where(file, node),
			    "%s: expected a list of 1 to %d numbers (one per area), got %zu",
			    s->path, STROOM_MAX_AREAS, len);
	for (item = node->data.sequence.items.start; item < node->data.sequence.items.top;
	     item++, n++) {
		yaml_node_t *e = yaml_document_get_node(doc, *item);
		snprintf(label, sizeof label, "%s[%d]", s->path, n);
		has_prior[n] = 0;
		if (e->type == YAML_MAPPING_NODE && (k->flags & KEY_SHARES))
			return fail(STROOM_EPARSE, node_where(file, e),
				    "%s: expected a number (shares cannot carry a prior), got %s",
				    label, got_text(e, got, sizeof got));
		if (e->type == YAML_MAPPING_NODE && scenario_key_takes_prior(k)) {
			if ((rc = parse_prior(k, label, doc, e, file, &pr[n])) != 0)
				return rc;
			v[n] = stroom_prior_central(&pr[n]);
			has_prior[n] = 1;
			continue;
		}
		if ((rc = number_value(k, label, e, file, &v[n])) != 0)
			return rc;
	}
	if (scenario_key_takes_prior(k)) {
		uncertain_clear(p, k);
		for (i = 0, item = node->data.sequence.items.start; i < n; i++, item++) {
			snprintf(label, sizeof label, "%s[%d]", s->path, i);
			if (has_prior[i] &&
			    (rc = uncertain_add(p, k->offset + (size_t)i * sizeof v[0], &pr[i],
						node_where(file, yaml_document_get_node(doc, *item)),
						label)) != 0)
				return rc;
		}
	}
	memset(s->dst, 0, k->size);
	memcpy(s->dst, v, (size_t)n * sizeof v[0]);
	s->st->count = n;
	return 0;
}

/* The area names: 1 to STROOM_MAX_AREAS unique names. */
static int set_areas(const slot *s, stroom_params *p, yaml_document_t *doc, yaml_node_t *node,
		     const char *file)
{
	char names[STROOM_MAX_AREAS][STROOM_NAME_LEN], label[192], got[64], taken[160];
	const char *group;
	yaml_node_item_t *item;
	size_t len;
	int n = 0, i, rc;

	if (node->type != YAML_SEQUENCE_NODE)
		return fail(STROOM_EPARSE, node_where(file, node),
			    "%s: expected a list of area names, got %s", s->path,
			    got_text(node, got, sizeof got));
	len = (size_t)(node->data.sequence.items.top - node->data.sequence.items.start);
	if (len < 1 || len > STROOM_MAX_AREAS)
		return fail(STROOM_EINVAL, node_where(file, node),
			    "%s: expected 1 to %d area names, got %zu", s->path, STROOM_MAX_AREAS,
			    len);
	memset(names, 0, sizeof names);
	for (item = node->data.sequence.items.start; item < node->data.sequence.items.top;
	     item++, n++) {
		yaml_node_t *e = yaml_document_get_node(doc, *item);
		snprintf(label, sizeof label, "%s[%d]", s->path, n);
		if (e->type != YAML_SCALAR_NODE)
			return fail(STROOM_EPARSE, node_where(file, e),
				    "%s: expected an area name, got %s", label,
				    got_text(e, got, sizeof got));
		if ((rc = scalar_text(label, e, file, names[n], sizeof names[n])) != 0)
			return rc;
		if (!valid_name(names[n], 0))
			return fail(STROOM_EINVAL, node_where(file, e),
				    "%s: expected a name of a-z, 0-9, '_' and '-' starting with a "
				    "letter or digit, got '%s'", label, names[n]);
		if ((group = results_group_of(names[n])) != NULL)
			return fail(STROOM_EINVAL, node_where(file, e),
				    "%s: expected an area name other than the results' group names "
				    "(%s), got '%s' (%s)", label,
				    area_taken_names(taken, sizeof taken), names[n], group);
		for (i = 0; i < n; i++)
			if (strcmp(names[i], names[n]) == 0)
				return fail(STROOM_EINVAL, node_where(file, e),
					    "%s: expected a name not used before, got '%s' again",
					    label, names[n]);
	}
	memcpy(p->area_name, names, sizeof names);
	p->n_areas = n;
	s->st->count = n;
	return 0;
}

/*
 * A series: a mapping of strictly increasing months to numbers ({} = empty). When
 * the key takes priors (the shocks) a value may be a prior, an uncertain parameter
 * named after the key and the month ("inflow.shock.2020-04"); a series set again
 * replaces the priors of the previous one, as a list does.
 */
static int set_series(const slot *s, stroom_params *p, yaml_document_t *doc, yaml_node_t *node,
		      const char *file)
{
	const scenario_key *k = s->k;
	stroom_series ser;
	stroom_prior pr[STROOM_MAX_SERIES];
	const yaml_node_t *at[STROOM_MAX_SERIES];
	int has_prior[STROOM_MAX_SERIES];
	yaml_node_pair_t *pair;
	char text[64], label[192], got[64], prev[16];
	size_t len;
	int rc, i;

	if (node->type != YAML_MAPPING_NODE)
		return fail(STROOM_EPARSE, node_where(file, node),
			    "%s: expected a mapping of YYYY-MM: number, got %s", s->path,
			    got_text(node, got, sizeof got));
	len = (size_t)(node->data.mapping.pairs.top - node->data.mapping.pairs.start);
	if (len > STROOM_MAX_SERIES)
		return fail(STROOM_EINVAL, node_where(file, node),
			    "%s: expected at most %d months, got %zu", s->path, STROOM_MAX_SERIES,
			    len);
	if (len == 0 && (k->flags & KEY_NONEMPTY))
		return fail(STROOM_EINVAL, node_where(file, node),
			    "%s: expected at least one month, got {}", s->path);
	memset(&ser, 0, sizeof ser);
	for (pair = node->data.mapping.pairs.start; pair < node->data.mapping.pairs.top; pair++) {
		yaml_node_t *kn = yaml_document_get_node(doc, pair->key);
		yaml_node_t *vn = yaml_document_get_node(doc, pair->value);
		stroom_month m;
		if (kn->type != YAML_SCALAR_NODE || kn->data.scalar.length >= sizeof text)
			return fail(STROOM_EPARSE, node_where(file, kn),
				    "%s: expected a month YYYY-MM as key, got %s", s->path,
				    got_text(kn, got, sizeof got));
		if ((rc = scalar_text(s->path, kn, file, text, sizeof text)) != 0)
			return rc;
		rc = parse_month(text, &m);
		if (rc < 0)
			return fail(STROOM_EPARSE, node_where(file, kn),
				    "%s: expected a month YYYY-MM as key, got '%s'", s->path, text);
		if (rc > 0)
			return fail(STROOM_EINVAL, node_where(file, kn),
				    "%s: expected a month from 1900-01 to 2200-12, got %s", s->path,
				    text);
		if (ser.n > 0 && m <= ser.month[ser.n - 1])
			return fail(STROOM_EINVAL, node_where(file, kn),
				    "%s: expected months in increasing order, got %s after %s",
				    s->path, text,
				    stroom_month_format(ser.month[ser.n - 1], prev, sizeof prev));
		snprintf(label, sizeof label, "%s[%s]", s->path, text);
		has_prior[ser.n] = 0;
		at[ser.n] = vn;
		if (vn->type == YAML_MAPPING_NODE && scenario_key_takes_prior(k)) {
			if ((rc = parse_prior(k, label, doc, vn, file, &pr[ser.n])) != 0)
				return rc;
			ser.value[ser.n] = stroom_prior_central(&pr[ser.n]);
			has_prior[ser.n] = 1;
		} else if (vn->type == YAML_MAPPING_NODE) {
			return fail(STROOM_EPARSE, node_where(file, vn),
				    "%s: expected a number (only the shocks inflow.shock and "
				    "hazard.work.shock take priors in a series), got %s",
				    label, got_text(vn, got, sizeof got));
		} else if ((rc = number_value(k, label, vn, file, &ser.value[ser.n])) != 0) {
			return rc;
		}
		ser.month[ser.n++] = m;
	}
	if (scenario_key_takes_prior(k)) {
		uncertain_clear(p, k);
		for (i = 0; i < ser.n; i++) {
			stroom_month_format(ser.month[i], text, sizeof text);
			snprintf(label, sizeof label, "%s[%s]", s->path, text);
			if (has_prior[i] &&
			    (rc = uncertain_add(p, k->offset + offsetof(stroom_series, value) +
							   (size_t)i * sizeof ser.value[0],
						&pr[i], node_where(file, at[i]), label)) != 0)
				return rc;
		}
	}
	memcpy(s->dst, &ser, sizeof ser);
	s->st->count = ser.n;
	return 0;
}

/* The parameters of each distribution, for messages; NULL for FIXED and VALUES. */
static const char *prior_params(int dist)
{
	switch (dist) {
	case STROOM_PRIOR_NORMAL:
		return "[mean, sd]";
	case STROOM_PRIOR_LOGNORMAL:
		return "[meanlog, sdlog]";
	case STROOM_PRIOR_BETA:
		return "[alpha, beta]";
	case STROOM_PRIOR_UNIFORM:
		return "[min, max]";
	default:
		return NULL;
	}
}

/* Distribution names (priors written as mappings), for "expected ..." and hints. */
static const char *prior_mapping_name(int i) { return scenario_prior_name(i + 1); }
#define PRIOR_NMAPPING (STROOM_PRIOR_VALUES - STROOM_PRIOR_FIXED)

/*
 * A distribution, the one-entry mapping {DIST: [parameters]} of a prior, for key k
 * (`path` names it in messages), into *out.
 * The key's bounds become the support [lo, hi]; the parameters are checked
 * against them where that makes sense (a normal's mean, a uniform's ends, each of
 * the values), and a beta prior needs bounds inside [0, 1].
 */
static int parse_prior(const scenario_key *k, const char *path, yaml_document_t *doc,
		       yaml_node_t *node, const char *file, stroom_prior *out)
{
	stroom_prior pr;
	yaml_node_t *dn, *vn, *e[STROOM_PRIOR_MAX_VALUES];
	yaml_node_item_t *item;
	char label[192], item_label[224], got[64], bounds[64], names[96], dist_name[16];
	double v[STROOM_PRIOR_MAX_VALUES];
	const char *cands[PRIOR_NMAPPING], *hint;
	size_t len, n, i;
	int dist = -1, rc;

	len = (size_t)(node->data.mapping.pairs.top - node->data.mapping.pairs.start);
	if (len != 1)
		return fail(STROOM_EPARSE, node_where(file, node),
			    "%s: expected one distribution such as {normal: [mean, sd]}, got %zu",
			    path, len);
	dn = yaml_document_get_node(doc, node->data.mapping.pairs.start->key);
	vn = yaml_document_get_node(doc, node->data.mapping.pairs.start->value);
	names_text(prior_mapping_name, PRIOR_NMAPPING, names, sizeof names);
	if (dn->type != YAML_SCALAR_NODE)
		return fail(STROOM_EPARSE, node_where(file, dn), "%s: expected %s, got %s",
			    path, names, got_text(dn, got, sizeof got));
	for (i = 0; i < PRIOR_NMAPPING; i++) {
		cands[i] = prior_mapping_name((int)i);
		if (dn->data.scalar.length == strlen(cands[i]) &&
		    memcmp(dn->data.scalar.value, cands[i], dn->data.scalar.length) == 0)
			dist = (int)i + 1;
	}
	if (dist < 0) {
		hint = suggest_among((const char *)dn->data.scalar.value, dn->data.scalar.length,
				     cands, PRIOR_NMAPPING);
		if (hint)
			return fail(STROOM_EPARSE, node_where(file, dn),
				    "%s: expected %s, got %s; did you mean '%s'?", path, names,
				    got_text(dn, got, sizeof got), hint);
		return fail(STROOM_EPARSE, node_where(file, dn), "%s: expected %s, got %s", path,
			    names, got_text(dn, got, sizeof got));
	}
	{
		const char *dname = scenario_prior_name(dist);
		snprintf(dist_name, sizeof dist_name, "%s", dname ? dname : "?");
	}
	if (dist == STROOM_PRIOR_BETA && (k->min < 0 || k->max > 1))
		return fail(STROOM_EINVAL, node_where(file, dn),
			    "%s: expected a distribution other than beta (a beta prior needs bounds "
			    "inside [0, 1], these are %s), got beta",
			    path, bounds_text(k, bounds, sizeof bounds));
	snprintf(label, sizeof label, "%s.%s", path, dist_name);
	if (vn->type != YAML_SEQUENCE_NODE) {
		if (dist == STROOM_PRIOR_VALUES)
			return fail(STROOM_EPARSE, node_where(file, vn),
				    "%s: expected a list of 1 to %d numbers, got %s", label,
				    STROOM_PRIOR_MAX_VALUES, got_text(vn, got, sizeof got));
		return fail(STROOM_EPARSE, node_where(file, vn),
			    "%s: expected a list of 2 numbers %s, got %s", label, prior_params(dist),
			    got_text(vn, got, sizeof got));
	}
	n = (size_t)(vn->data.sequence.items.top - vn->data.sequence.items.start);
	if (dist == STROOM_PRIOR_VALUES && (n < 1 || n > STROOM_PRIOR_MAX_VALUES))
		return fail(STROOM_EINVAL, node_where(file, vn),
			    "%s: expected a list of 1 to %d numbers, got %zu", label,
			    STROOM_PRIOR_MAX_VALUES, n);
	if (dist != STROOM_PRIOR_VALUES && n != 2)
		return fail(STROOM_EINVAL, node_where(file, vn),
			    "%s: expected a list of 2 numbers %s, got %zu", label, prior_params(dist),
			    n);
	for (i = 0, item = vn->data.sequence.items.start; i < n; i++, item++) {
		e[i] = yaml_document_get_node(doc, *item);
		snprintf(item_label, sizeof item_label, "%s[%zu]", label, i);
		/* A uniform's ends and each of the values lie within the bounds. */
		rc = dist == STROOM_PRIOR_UNIFORM || dist == STROOM_PRIOR_VALUES
			     ? number_value(k, item_label, e[i], file, &v[i])
			     : plain_number(item_label, e[i], file, &v[i]);
		if (rc != 0)
			return rc;
		if ((k->flags & KEY_COUNT) &&
		    looks_like_thousands((const char *)e[i]->data.scalar.value))
			return fail(STROOM_EINVAL, node_where(file, e[i]),
				    "%s: expected a number written without a thousands separator, "
				    "got %s (YAML reads '.' as a decimal point: write 7700, not 7.700)",
				    item_label, (const char *)e[i]->data.scalar.value);
	}

#define PRIOR_FAIL(i, what)                                                                   \
	fail(STROOM_EINVAL, node_where(file, e[i]), "%s[%d]: expected %s, got %.*s", label, (i), \
	     (what), (int)e[i]->data.scalar.length, (const char *)e[i]->data.scalar.value)
	switch (dist) {
	case STROOM_PRIOR_NORMAL:
		if (v[0] < k->min || v[0] > k->max) {
			char what[96];
			snprintf(what, sizeof what, "a mean in %s",
				 bounds_text(k, bounds, sizeof bounds));
			return PRIOR_FAIL(0, what);
		}
		if (!(v[1] > 0))
			return PRIOR_FAIL(1, "an sd above 0");
		break;
	case STROOM_PRIOR_LOGNORMAL:
		if (!(v[1] > 0))
			return PRIOR_FAIL(1, "an sdlog above 0");
		break;
	case STROOM_PRIOR_BETA:
		if (!(v[0] > 0))
			return PRIOR_FAIL(0, "an alpha above 0");
		if (!(v[1] > 0))
			return PRIOR_FAIL(1, "a beta above 0");
		break;
	case STROOM_PRIOR_UNIFORM:
		if (!(v[0] < v[1]))
			return PRIOR_FAIL(1, "a max above the min");
		break;
	default:
		break;
	}
#undef PRIOR_FAIL

	memset(&pr, 0, sizeof pr);
	pr.dist = dist;
	pr.lo = k->min;
	pr.hi = k->max;
	if (dist == STROOM_PRIOR_VALUES) {
		pr.nvalues = (int)n;
		memcpy(pr.values, v, n * sizeof v[0]);
	} else {
		pr.a = v[0];
		pr.b = v[1];
	}
	memcpy(out, &pr, sizeof pr);
	return 0;
}

/* A prior key (KEY_PRIOR): a plain number (fixed) or a distribution. */
static int set_prior(const slot *s, yaml_document_t *doc, yaml_node_t *node, const char *file)
{
	char got[64];
	int rc;
	if (node->type == YAML_SCALAR_NODE) {
		char text[128];
		if (node->data.scalar.length >= sizeof text)
			return fail(STROOM_EPARSE, node_where(file, node),
				    "%s: expected a number or a distribution such as {normal: "
				    "[mean, sd]}, got %s",
				    s->path, got_text(node, got, sizeof got));
		if ((rc = scalar_text(s->path, node, file, text, sizeof text)) != 0)
			return rc;
		return set_scalar(s, text, node->data.scalar.style == YAML_PLAIN_SCALAR_STYLE,
				  node_where(file, node));
	}
	if (node->type != YAML_MAPPING_NODE)
		return fail(STROOM_EPARSE, node_where(file, node),
			    "%s: expected a number or a distribution such as {normal: [mean, sd]}, "
			    "got %s",
			    s->path, got_text(node, got, sizeof got));
	if ((rc = parse_prior(s->k, s->path, doc, node, file, s->dst)) != 0)
		return rc;
	s->st->count = 1;
	return 0;
}

/* ---- uncertain parameters: priors on numbers and list entries ---- */

int scenario_key_takes_prior(const scenario_key *k)
{
	return k >= scenario_keys && k < scenario_keys + scenario_nkeys &&
	       (k->type == KEY_DOUBLE || k->type == KEY_LIST || k->type == KEY_AREA_LIST ||
		(k->type == KEY_SERIES && (k->flags & KEY_SERIES_PRIOR))) &&
	       !(k->flags & (KEY_SHARES | KEY_NO_PRIOR));
}

const stroom_prior *scenario_uncertain_at(const stroom_params *p, size_t offset)
{
	int i, n = p->n_uncertain < 0 || p->n_uncertain > STROOM_MAX_UNCERTAIN ? 0 : p->n_uncertain;
	for (i = 0; i < n; i++)
		if (p->uncertain[i].offset == offset)
			return &p->uncertain[i].prior;
	return NULL;
}

/* Removes the uncertain parameters inside key k's field (it is being set again). */
static void uncertain_clear(stroom_params *p, const scenario_key *k)
{
	int i, kept = 0;
	for (i = 0; i < p->n_uncertain; i++) {
		size_t off = p->uncertain[i].offset;
		if (off >= k->offset && off < k->offset + k->size)
			continue;
		p->uncertain[kept++] = p->uncertain[i];
	}
	memset(&p->uncertain[kept], 0,
	       (size_t)(STROOM_MAX_UNCERTAIN - kept) * sizeof p->uncertain[0]);
	p->n_uncertain = kept;
}

/* Adds the uncertain parameter at offset (keeping the table sorted by offset);
 * its key is named when the scenario is finished. */
static int uncertain_add(stroom_params *p, size_t offset, const stroom_prior *pr, where w,
			 const char *label)
{
	int i = p->n_uncertain;
	if (i >= STROOM_MAX_UNCERTAIN)
		return fail(STROOM_EINVAL, w, "%s: expected at most %d uncertain parameters, got more",
			    label, STROOM_MAX_UNCERTAIN);
	for (; i > 0 && p->uncertain[i - 1].offset > offset; i--)
		p->uncertain[i] = p->uncertain[i - 1];
	memset(&p->uncertain[i], 0, sizeof p->uncertain[i]);
	p->uncertain[i].offset = offset;
	memcpy(&p->uncertain[i].prior, pr, sizeof *pr);
	p->n_uncertain++;
	return 0;
}

/* Names each uncertain parameter after its key (and list label) in the final areas. */
static int uncertain_name(stroom_params *p)
{
	int i;
	for (i = 0; i < p->n_uncertain; i++) {
		stroom_uncertain *u = &p->uncertain[i];
		const scenario_key *k = NULL;
		size_t j, idx;
		for (j = 0; j < scenario_nkeys && !k; j++)
			if (u->offset >= scenario_keys[j].offset &&
			    u->offset < scenario_keys[j].offset + scenario_keys[j].size &&
			    scenario_key_takes_prior(&scenario_keys[j]))
				k = &scenario_keys[j];
		if (!k)
			return stroom_error_set(STROOM_ERROR, "uncertain parameter at %zu: no key",
						u->offset);
		memset(u->key, 0, sizeof u->key);
		if (k->type == KEY_SERIES) {
			/* a series value: the key, then its month ("inflow.shock.2020-04") */
			const stroom_series *ser = (const stroom_series *)(const void *)((const char *)p +
											  k->offset);
			char m[16];
			size_t at = u->offset - k->offset;
			idx = at >= offsetof(stroom_series, value)
				      ? (at - offsetof(stroom_series, value)) / sizeof(double)
				      : (size_t)STROOM_MAX_SERIES;
			if (idx >= (size_t)STROOM_MAX_SERIES || (int)idx >= ser->n)
				return stroom_error_set(STROOM_ERROR,
							"uncertain parameter at %zu: no month of %s",
							u->offset, k->path);
			snprintf(u->key, sizeof u->key, "%s.%s", k->path,
				 stroom_month_format(ser->month[idx], m, sizeof m));
			continue;
		}
		idx = (u->offset - k->offset) / sizeof(double);
		if (k->type == KEY_DOUBLE)
			snprintf(u->key, sizeof u->key, "%s", k->path);
		else
			snprintf(u->key, sizeof u->key, "%s.%s", k->path,
				 k->type == KEY_LIST ? k->label((int)idx)
				 : (int)idx < p->n_areas ? p->area_name[idx] : "?");
	}
	return 0;
}

/* The class names of selector class c, as "short, medium or long". */
static const char *class_names(const scenario_selector_class *c, char *buf, size_t size)
{
	return names_text(c->label, c->n, buf, size);
}

/*
 * A selector: {CLASS: [name, ...], ...}. Band, type and stream names become bits
 * at once; area names are kept in st->areas and become bits in scenario_finish,
 * against the final areas.
 */
static int set_selector(const slot *s, yaml_document_t *doc, yaml_node_t *node, const char *file)
{
	stroom_selector sel;
	scenario_areanames an;
	yaml_node_pair_t *pair;
	char label[192], item_label[224], got[64], names[128], text[64];
	const char *cands[8];
	size_t c, i;
	int rc;

	if (node->type != YAML_MAPPING_NODE)
		return fail(STROOM_EPARSE, node_where(file, node),
			    "%s: expected a mapping of class lists such as {distance: [short], "
			    "area: [zuid]}, got %s",
			    s->path, got_text(node, got, sizeof got));
	memset(&sel, 0, sizeof sel);
	memset(&an, 0, sizeof an);
	an.file = file;
	for (c = 0; c < scenario_nselector_classes; c++)
		cands[c] = scenario_selector_classes[c].name;
	for (pair = node->data.mapping.pairs.start; pair < node->data.mapping.pairs.top; pair++) {
		yaml_node_t *kn = yaml_document_get_node(doc, pair->key);
		yaml_node_t *vn = yaml_document_get_node(doc, pair->value);
		const scenario_selector_class *cl = NULL;
		yaml_node_item_t *item;
		uint32_t *mask;
		int idx;
		if (kn->type != YAML_SCALAR_NODE)
			return fail(STROOM_EPARSE, node_where(file, kn),
				    "%s: expected a class name, got %s", s->path,
				    got_text(kn, got, sizeof got));
		if ((rc = check_once(s->path, doc, node, pair, file)) != 0)
			return rc;
		for (c = 0; c < scenario_nselector_classes; c++)
			if (kn->data.scalar.length == strlen(cands[c]) &&
			    memcmp(kn->data.scalar.value, cands[c], kn->data.scalar.length) == 0)
				cl = &scenario_selector_classes[c];
		if (!cl) {
			const char *hint = suggest_among((const char *)kn->data.scalar.value,
							 kn->data.scalar.length, cands,
							 scenario_nselector_classes);
			int klen = (int)(kn->data.scalar.length < 40 ? kn->data.scalar.length : 40);
			if (hint)
				return fail(STROOM_EPARSE, node_where(file, kn),
					    "%s.%.*s: unknown key; did you mean '%s'?", s->path, klen,
					    (const char *)kn->data.scalar.value, hint);
			return fail(STROOM_EPARSE, node_where(file, kn),
				    "%s.%.*s: unknown key (a selector has distance, duration, age, "
				    "type, area and stream)",
				    s->path, klen, (const char *)kn->data.scalar.value);
		}
		snprintf(label, sizeof label, "%s.%s", s->path, cl->name);
		if (vn->type != YAML_SEQUENCE_NODE)
			return fail(STROOM_EPARSE, node_where(file, vn),
				    "%s: expected a list of names, got %s", label,
				    got_text(vn, got, sizeof got));
		if (vn->data.sequence.items.top == vn->data.sequence.items.start)
			return fail(STROOM_EINVAL, node_where(file, vn),
				    "%s: expected at least one name (leave the class out for all), "
				    "got []",
				    label);
		mask = (uint32_t *)((char *)&sel + cl->offset);
		i = 0;
		for (item = vn->data.sequence.items.start; item < vn->data.sequence.items.top;
		     item++, i++) {
			yaml_node_t *e = yaml_document_get_node(doc, *item);
			snprintf(item_label, sizeof item_label, "%s[%zu]", label, i);
			if (e->type != YAML_SCALAR_NODE || e->data.scalar.length >= sizeof text)
				return fail(STROOM_EPARSE, node_where(file, e),
					    "%s: expected a name, got %s", item_label,
					    got_text(e, got, sizeof got));
			if ((rc = scalar_text(item_label, e, file, text, sizeof text)) != 0)
				return rc;
			if (!cl->label) { /* area: by name, resolved later */
				int j;
				if (strlen(text) >= STROOM_NAME_LEN)
					return fail(STROOM_EINVAL, node_where(file, e),
						    "%s: expected an area name, got %s", item_label,
						    got_text(e, got, sizeof got));
				for (j = 0; j < an.n; j++)
					if (strcmp(an.name[j], text) == 0)
						return fail(STROOM_EINVAL, node_where(file, e),
							    "%s: expected each name once, got '%s' "
							    "again",
							    item_label, text);
				if (an.n == STROOM_MAX_AREAS)
					return fail(STROOM_EINVAL, node_where(file, e),
						    "%s: expected at most %d area names, got more",
						    label, STROOM_MAX_AREAS);
				memcpy(an.name[an.n], text, strlen(text) + 1);
				an.line[an.n] = e->start_mark.line + 1;
				an.col[an.n] = e->start_mark.column + 1;
				an.n++;
				continue;
			}
			for (idx = 0; idx < cl->n; idx++)
				if (strcmp(text, cl->label(idx)) == 0)
					break;
			if (idx == cl->n)
				return fail(STROOM_EINVAL, node_where(file, e),
					    "%s: expected %s, got '%s'", item_label,
					    class_names(cl, names, sizeof names), text);
			if (*mask & (1u << idx))
				return fail(STROOM_EINVAL, node_where(file, e),
					    "%s: expected each name once, got '%s' again", item_label,
					    text);
			*mask |= 1u << idx;
		}
	}
	if (!s->st->areas)
		return stroom_error_set(STROOM_ERROR, "%s: selector without area state", s->path);
	memcpy(s->dst, &sel, sizeof sel);
	*s->st->areas = an;
	s->st->count = 1;
	return 0;
}

/* ---- records ---- */

static char *record_at(const scenario_record *r, stroom_params *p, int i)
{
	return (char *)p + r->array_offset + (size_t)i * r->stride;
}

static int *record_count(const scenario_record *r, stroom_params *p)
{
	return (int *)(void *)((char *)p + r->count_offset);
}

/* The index of the record named name[0..len), or -1. */
static int record_find(const scenario_record *r, stroom_params *p, const char *name, size_t len)
{
	int i, n = *record_count(r, p);
	for (i = 0; i < n; i++) {
		const char *rn = record_at(r, p, i) + r->name_offset;
		if (strlen(rn) == len && memcmp(rn, name, len) == 0)
			return i;
	}
	return -1;
}

/* Clears a record's load state, keeping the area-name blocks it owns. */
static void recstate_reset(scenario_recstate *rs)
{
	scenario_areanames *areas[SCENARIO_MAX_FIELDS];
	size_t f;
	for (f = 0; f < SCENARIO_MAX_FIELDS; f++)
		areas[f] = rs->field[f].areas;
	memset(rs, 0, sizeof *rs);
	for (f = 0; f < SCENARIO_MAX_FIELDS; f++) {
		rs->field[f].areas = areas[f];
		if (areas[f])
			memset(areas[f], 0, sizeof *areas[f]);
	}
}

/* Sets value slot s to its default: "{}" for maps and series, else scalar text. */
static int set_default(const slot *s)
{
	where w = {"(schema default)", 1, 1};
	const scenario_key *k = s->k;
	if (k->type == KEY_SERIES || k->type == KEY_SELECTOR || k->type == KEY_RECORDS) {
		if (strcmp(k->def, "{}") != 0)
			return stroom_error_set(STROOM_ERROR, "%s: bad default", s->path);
		memset(s->dst, 0, k->size);
		if (s->st->areas)
			memset(s->st->areas, 0, sizeof *s->st->areas);
		return 0;
	}
	return set_scalar(s, k->def, 1, w);
}

/*
 * Appends a record named name (valid, not present) with its defaults; the
 * record's position is that of the name node kn. Returns its index, or an error
 * (a bad default: a bug).
 */
static int record_add(const scenario_record *r, stroom_params *p, scenario_recstate *rs,
		      const char *name, const yaml_node_t *kn, const char *file, int *index)
{
	int i = *record_count(r, p), rc;
	char *rec = record_at(r, p, i);
	scenario_recstate *st = &rs[i];
	size_t f;

	memset(rec, 0, r->stride);
	memcpy(rec + r->name_offset, name, strlen(name) + 1);
	recstate_reset(st);
	st->file = file;
	st->line = kn->start_mark.line + 1;
	st->col = kn->start_mark.column + 1;
	for (f = 0; f < r->nfields; f++) {
		const scenario_key *fk = &r->fields[f];
		slot s = {fk, fk->path, rec + fk->offset, &st->field[f]};
		if (!fk->def)
			continue;
		if ((rc = set_default(&s)) != 0)
			return rc;
		st->field[f].set = 1;
	}
	*record_count(r, p) = i + 1;
	*index = i;
	return 0;
}

/*
 * Removes record i, keeping the others in order. Its state moves to the end
 * (cleared), so each area-name block keeps exactly one owner.
 */
static void record_remove(const scenario_record *r, stroom_params *p, scenario_recstate *rs,
			  int i)
{
	int n = *record_count(r, p);
	scenario_recstate gone = rs[i];
	memmove(record_at(r, p, i), record_at(r, p, i + 1), (size_t)(n - 1 - i) * r->stride);
	memset(record_at(r, p, n - 1), 0, r->stride);
	memmove(&rs[i], &rs[i + 1], (size_t)(n - 1 - i) * sizeof *rs);
	rs[n - 1] = gone;
	recstate_reset(&rs[n - 1]);
	*record_count(r, p) = n - 1;
}

/* "a" or "an", for "a team", "an instrument". */
static const char *article(const char *noun) { return strchr("aeiou", noun[0]) ? "an" : "a"; }

/* "werk_zuid, werk_noord" (the record names) into buf; "none" when there are none. */
static const char *record_names(const scenario_record *r, stroom_params *p, char *buf,
				size_t size)
{
	int i, n = *record_count(r, p);
	size_t len = 0;
	snprintf(buf, size, "none");
	for (i = 0; i < n && len < size; i++) {
		int w = snprintf(buf + len, size - len, "%s%s", i ? ", " : "",
				 record_at(r, p, i) + r->name_offset);
		if (w < 0)
			break;
		len += (size_t)w;
	}
	return buf;
}

static int set_value(const slot *s, stroom_params *p, yaml_document_t *doc, yaml_node_t *node,
		     const char *file);

/* Applies the field mapping `map` to record i (named `name`) of record map k. */
static int record_fields(const scenario_key *k, stroom_params *p, scenario_recstate *rs, int i,
			 const char *name, yaml_document_t *doc, yaml_node_t *map, const char *file)
{
	const scenario_record *r = k->record;
	char rpath[128], fpath[192], got[64], list[160];
	const char *cands[SCENARIO_MAX_FIELDS];
	yaml_node_pair_t *pair;
	size_t f;
	int rc;

	snprintf(rpath, sizeof rpath, "%s.%s", k->path, name);
	if (map->type != YAML_MAPPING_NODE)
		return fail(STROOM_EPARSE, node_where(file, map),
			    "%s: expected a mapping of fields (or null to remove the %s), got %s",
			    rpath, r->what, got_text(map, got, sizeof got));
	list[0] = '\0';
	for (f = 0; f < r->nfields; f++) {
		cands[f] = r->fields[f].path;
		strcat(list, f == 0 ? "" : f + 1 == r->nfields ? " and " : ", ");
		strcat(list, cands[f]);
	}
	for (pair = map->data.mapping.pairs.start; pair < map->data.mapping.pairs.top; pair++) {
		yaml_node_t *kn = yaml_document_get_node(doc, pair->key);
		yaml_node_t *vn = yaml_document_get_node(doc, pair->value);
		const scenario_key *fk = NULL;
		scenario_keystate *fst;
		slot s;
		if (kn->type != YAML_SCALAR_NODE)
			return fail(STROOM_EPARSE, node_where(file, kn),
				    "%s: expected a field name, got %s", rpath,
				    got_text(kn, got, sizeof got));
		if ((rc = check_once(rpath, doc, map, pair, file)) != 0)
			return rc;
		for (f = 0; f < r->nfields && !fk; f++)
			if (kn->data.scalar.length == strlen(cands[f]) &&
			    memcmp(kn->data.scalar.value, cands[f], kn->data.scalar.length) == 0)
				fk = &r->fields[f];
		if (!fk) {
			const char *hint = suggest_among((const char *)kn->data.scalar.value,
							 kn->data.scalar.length, cands, r->nfields);
			int klen = (int)(kn->data.scalar.length < 40 ? kn->data.scalar.length : 40);
			if (hint)
				return fail(STROOM_EPARSE, node_where(file, kn),
					    "%s.%.*s: unknown key; did you mean '%s'?", rpath, klen,
					    (const char *)kn->data.scalar.value, hint);
			return fail(STROOM_EPARSE, node_where(file, kn),
				    "%s.%.*s: unknown key (%s %s has %s)", rpath, klen,
				    (const char *)kn->data.scalar.value, article(r->what), r->what,
				    list);
		}
		snprintf(fpath, sizeof fpath, "%s.%s", rpath, fk->path);
		fst = &rs[i].field[fk - r->fields];
		s.k = fk;
		s.path = fpath;
		s.dst = record_at(r, p, i) + fk->offset;
		s.st = fst;
		if ((rc = set_value(&s, p, doc, vn, file)) != 0)
			return rc;
		fst->set = 2;
		fst->file = file;
		fst->line = kn->start_mark.line + 1;
		fst->col = kn->start_mark.column + 1;
	}
	return 0;
}

/*
 * A record map: {NAME: {field: value, ...}, NAME: null, ...}, merged into what
 * the bases set: a known name updates only the fields given, a new name adds a
 * record at the end, null removes one. Names are checked first, removals applied
 * before additions (so a file may replace a record when the map is full).
 */
static int set_records(const slot *s, stroom_params *p, yaml_document_t *doc, yaml_node_t *node,
		       const char *file)
{
	const scenario_record *r = s->k->record;
	scenario_recstate *rs = s->st->rec;
	yaml_node_pair_t *pair;
	char name[STROOM_NAME_LEN], got[64], list[512];
	int rc, i;

	if (!rs)
		return stroom_error_set(STROOM_ERROR, "%s: records without state", s->path);
	if (node->type != YAML_MAPPING_NODE)
		return fail(STROOM_EPARSE, node_where(file, node),
			    "%s: expected a mapping of %s names to their fields, got %s", s->path,
			    r->what, got_text(node, got, sizeof got));
	for (pair = node->data.mapping.pairs.start; pair < node->data.mapping.pairs.top; pair++) {
		yaml_node_t *kn = yaml_document_get_node(doc, pair->key);
		if (kn->type != YAML_SCALAR_NODE)
			return fail(STROOM_EPARSE, node_where(file, kn),
				    "%s: expected %s %s name, got %s", s->path, article(r->what),
				    r->what, got_text(kn, got, sizeof got));
		if (kn->data.scalar.length >= STROOM_NAME_LEN)
			return fail(STROOM_EINVAL, node_where(file, kn),
				    "%s: expected %s %s name of at most %d characters, got %s",
				    s->path, article(r->what), r->what, STROOM_NAME_LEN - 1,
				    got_text(kn, got, sizeof got));
		if ((rc = scalar_text(s->path, kn, file, name, sizeof name)) != 0)
			return rc;
		if (!valid_name(name, 0))
			return fail(STROOM_EINVAL, node_where(file, kn),
				    "%s: expected %s %s name of a-z, 0-9, '_' and '-' starting with "
				    "a letter or digit, got %s",
				    s->path, article(r->what), r->what,
				    got_text(kn, got, sizeof got));
		if (strcmp(name, "all") == 0)
			return fail(STROOM_EINVAL, node_where(file, kn),
				    "%s.all: expected %s %s name other than 'all': the name 'all' is "
				    "the total's group", s->path, article(r->what), r->what);
		if ((rc = check_once(s->path, doc, node, pair, file)) != 0)
			return rc;
	}
	for (pair = node->data.mapping.pairs.start; pair < node->data.mapping.pairs.top; pair++) {
		yaml_node_t *kn = yaml_document_get_node(doc, pair->key);
		if (!is_null(yaml_document_get_node(doc, pair->value)))
			continue;
		i = record_find(r, p, (const char *)kn->data.scalar.value, kn->data.scalar.length);
		if (i < 0)
			return fail(STROOM_EINVAL, node_where(file, kn),
				    "%s.%.*s: expected %s %s to remove, got a name no %s has "
				    "(%s: %s)",
				    s->path, (int)kn->data.scalar.length,
				    (const char *)kn->data.scalar.value, article(r->what), r->what,
				    r->what, s->path, record_names(r, p, list, sizeof list));
		record_remove(r, p, rs, i);
	}
	for (pair = node->data.mapping.pairs.start; pair < node->data.mapping.pairs.top; pair++) {
		yaml_node_t *kn = yaml_document_get_node(doc, pair->key);
		yaml_node_t *vn = yaml_document_get_node(doc, pair->value);
		if (is_null(vn))
			continue;
		memcpy(name, kn->data.scalar.value, kn->data.scalar.length);
		name[kn->data.scalar.length] = '\0';
		i = record_find(r, p, name, strlen(name));
		if (i < 0) {
			if (*record_count(r, p) >= r->max)
				return fail(STROOM_EINVAL, node_where(file, kn),
					    "%s: expected at most %d %ss, got more at '%s'", s->path,
					    r->max, r->what, name);
			if ((rc = record_add(r, p, rs, name, kn, file, &i)) != 0)
				return rc;
		}
		if ((rc = record_fields(s->k, p, rs, i, name, doc, vn, file)) != 0)
			return rc;
	}
	s->st->count = *record_count(r, p);
	return 0;
}

/* Converts node into slot s, whatever its type. */
static int set_value(const slot *s, stroom_params *p, yaml_document_t *doc, yaml_node_t *node,
		     const char *file)
{
	const scenario_key *k = s->k;
	char text[1024], got[64];
	const char *what;
	int rc;

	switch (k->type) {
	case KEY_LIST:
	case KEY_AREA_LIST:
		return set_list(s, p, doc, node, file);
	case KEY_DOUBLE:
		if (node->type == YAML_MAPPING_NODE && (k->flags & KEY_NO_PRIOR))
			return fail(STROOM_EPARSE, node_where(file, node),
				    "%s: expected a number (the starting population is built once "
				    "for all replicates, so it cannot carry a prior), got %s",
				    s->path, got_text(node, got, sizeof got));
		if (node->type == YAML_MAPPING_NODE && scenario_key_takes_prior(k)) {
			stroom_prior pr;
			if ((rc = parse_prior(k, s->path, doc, node, file, &pr)) != 0)
				return rc;
			uncertain_clear(p, k);
			if ((rc = uncertain_add(p, k->offset, &pr, node_where(file, node), s->path)) !=
			    0)
				return rc;
			*(double *)s->dst = stroom_prior_central(&pr);
			s->st->count = 1;
			return 0;
		}
		break;
	case KEY_AREAS:
		return set_areas(s, p, doc, node, file);
	case KEY_SERIES:
		return set_series(s, p, doc, node, file);
	case KEY_PRIOR:
		return set_prior(s, doc, node, file);
	case KEY_SELECTOR:
		return set_selector(s, doc, node, file);
	case KEY_RECORDS:
		return set_records(s, p, doc, node, file);
	default:
		break;
	}
	what = k->type == KEY_DOUBLE   ? "a number"
	       : k->type == KEY_MONTH  ? "a month YYYY-MM"
	       : k->type == KEY_INT    ? "an integer"
	       : k->type == KEY_INT64  ? "an integer"
	       : k->type == KEY_UINT64 ? "an integer"
	       : k->type == KEY_ENUM   ? "a name"
				       : "text";
	if (node->type != YAML_SCALAR_NODE)
		return fail(STROOM_EPARSE, node_where(file, node), "%s: expected %s, got %s",
			    s->path, what, got_text(node, got, sizeof got));
	if ((k->type == KEY_STRING || k->type == KEY_NAME) &&
	    node->data.scalar.length > (size_t)k->max)
		return fail(STROOM_EINVAL, node_where(file, node),
			    "%s: expected at most %.0f characters, got %zu", s->path, k->max,
			    node->data.scalar.length);
	if (node->data.scalar.length >= sizeof text)
		return fail(STROOM_EPARSE, node_where(file, node), "%s: expected %s, got %s",
			    s->path, what, got_text(node, got, sizeof got));
	if ((rc = scalar_text(s->path, node, file, text, sizeof text)) != 0)
		return rc;
	rc = set_scalar(s, text, node->data.scalar.style == YAML_PLAIN_SCALAR_STYLE,
			node_where(file, node));
	if (rc == 0)
		s->st->count = 1;
	if (rc == 0 && scenario_key_takes_prior(k))
		uncertain_clear(p, k); /* a plain number removes the key's prior */
	return rc;
}

int scenario_key_set(const scenario_key *k, stroom_params *p, scenario_keystate *st,
		     yaml_document_t *doc, yaml_node_t *node, const char *file)
{
	slot s = key_slot(k, p, st);
	return set_value(&s, p, doc, node, file);
}

int scenario_set_defaults(stroom_params *p, scenario_keystate *st)
{
	size_t i;
	for (i = 0; i < scenario_nkeys; i++) {
		const scenario_key *k = &scenario_keys[i];
		slot s = key_slot(k, p, &st[i]);
		int rc;
		if (!k->def)
			continue;
		if ((rc = set_default(&s)) != 0)
			return rc;
		st[i].set = 1;
		st[i].count = 0;
		st[i].file = NULL;
	}
	return 0;
}

/* ---- the load state ---- */

#define STATE_ALIGN _Alignof(max_align_t)

static size_t round_up(size_t n) { return (n + STATE_ALIGN - 1) / STATE_ALIGN * STATE_ALIGN; }

/* Records (slots) and area-name blocks the state needs. */
static void state_sizes(size_t *nrec, size_t *nareas)
{
	size_t i, f;
	*nrec = *nareas = 0;
	for (i = 0; i < scenario_nkeys; i++) {
		const scenario_key *k = &scenario_keys[i];
		if (k->type == KEY_SELECTOR)
			(*nareas)++;
		if (k->type != KEY_RECORDS)
			continue;
		*nrec += (size_t)k->record->max;
		for (f = 0; f < k->record->nfields; f++)
			if (k->record->fields[f].type == KEY_SELECTOR)
				*nareas += (size_t)k->record->max;
	}
}

scenario_keystate *scenario_state_new(const stroom_allocator *a)
{
	size_t nrec, nareas, off_rec, off_areas, i, f;
	int j;
	char *block;
	scenario_keystate *st;
	scenario_recstate *rec;
	scenario_areanames *areas;

	state_sizes(&nrec, &nareas);
	off_rec = round_up(scenario_nkeys * sizeof *st);
	off_areas = round_up(off_rec + nrec * sizeof *rec);
	block = stroom_calloc(a, 1, off_areas + nareas * sizeof *areas);
	if (!block)
		return NULL;
	st = (scenario_keystate *)(void *)block;
	rec = (scenario_recstate *)(void *)(block + off_rec);
	areas = (scenario_areanames *)(void *)(block + off_areas);
	for (i = 0; i < scenario_nkeys; i++) {
		const scenario_key *k = &scenario_keys[i];
		if (k->type == KEY_SELECTOR)
			st[i].areas = areas++;
		if (k->type != KEY_RECORDS)
			continue;
		st[i].rec = rec;
		for (j = 0; j < k->record->max; j++, rec++)
			for (f = 0; f < k->record->nfields; f++)
				if (k->record->fields[f].type == KEY_SELECTOR)
					rec->field[f].areas = areas++;
	}
	return st;
}

void scenario_state_free(const stroom_allocator *a, scenario_keystate *st) { stroom_free(a, st); }

/* ---- completing and checking a resolved scenario ---- */

static where key_where(const scenario_keystate *st, const scenario_key *k, const char *top)
{
	const scenario_keystate *s = &st[k - scenario_keys];
	where w = {top, 1, 1};
	if (s->file) {
		w.file = s->file;
		w.line = s->line;
		w.col = s->col;
	}
	return w;
}

/* Where a record field was set, else where its record was added. */
static where field_where(const scenario_recstate *rs, const scenario_keystate *fst)
{
	where w = {rs->file, rs->line, rs->col};
	if (fst->file) {
		w.file = fst->file;
		w.line = fst->line;
		w.col = fst->col;
	}
	return w;
}

static const scenario_key *key_of(const char *path) { return scenario_key_find(path); }

static const void *cfield(const stroom_params *p, const scenario_key *k)
{
	return (const char *)p + k->offset;
}

/* Sets an area list to [1] (one area: the whole stock and inflow, no area effect). */
static void one_area_list(stroom_params *p, scenario_keystate *st, const scenario_key *k)
{
	double *v = (double *)(void *)((char *)p + k->offset);
	uncertain_clear(p, k);
	memset(v, 0, k->size);
	v[0] = 1.0;
	st->count = 1;
}

/* Was a key set in `file` inherited from a base with other areas: `areas` set in the
 * top file, the key in another (a base)? */
static int inherited_apart_from_areas(const char *file, const char *areas_file, const char *top)
{
	return file && areas_file && top && strcmp(areas_file, top) == 0 && strcmp(file, top) != 0;
}

static int check_lists(stroom_params *p, scenario_keystate *st, const char *top)
{
	const char *areas_file = st[key_of("areas") - scenario_keys].file;
	size_t i;
	for (i = 0; i < scenario_nkeys; i++) {
		const scenario_key *k = &scenario_keys[i];
		const double *v = cfield(p, k);
		double sum = 0;
		int n = k->length, j;
		if (k->type == KEY_AREA_LIST) {
			/* One area: a list inherited from a base with other areas becomes [1],
			 * so a municipality with one area need not rewrite the area lists. */
			if (st[i].count != p->n_areas && p->n_areas == 1 &&
			    inherited_apart_from_areas(st[i].file, areas_file, top))
				one_area_list(p, &st[i], k);
			n = st[i].count;
			if (n != p->n_areas)
				return fail(STROOM_EINVAL, key_where(st, k, top),
					    "%s: expected %d numbers (one per area in areas), got %d",
					    k->path, p->n_areas, n);
		}
		if (!(k->flags & KEY_SHARES))
			continue;
		for (j = 0; j < n; j++)
			sum += v[j];
		if (fabs(sum - 1.0) > 1e-6)
			return fail(STROOM_EINVAL, key_where(st, k, top),
				    "%s: expected shares summing to 1, got %.10g", k->path, sum);
	}
	return 0;
}

/* Turns the area names of a selector into bits of p's areas. */
static int resolve_areas(const stroom_params *p, const char *path, stroom_selector *sel,
			 const scenario_areanames *an, const char *areas_file, const char *top)
{
	char names[STROOM_MAX_AREAS * (STROOM_NAME_LEN + 4)];
	int i, j;
	size_t len = 0;

	sel->area = 0;
	for (i = 0; i < an->n; i++) {
		for (j = 0; j < p->n_areas; j++)
			if (strcmp(an->name[i], p->area_name[j]) == 0)
				break;
		if (j < p->n_areas) {
			sel->area |= 1u << j;
			continue;
		}
		names[0] = '\0';
		for (j = 0; j < p->n_areas && len < sizeof names; j++) {
			int w = snprintf(names + len, sizeof names - len, "%s%s",
					 j == 0 ? "" : j == p->n_areas - 1 ? " or " : ", ",
					 p->area_name[j]);
			if (w < 0)
				break;
			len += (size_t)w;
		}
		{
			where w = {an->file, an->line[i], an->col[i]};
			int inherited = inherited_apart_from_areas(an->file, areas_file, top);
			return fail(STROOM_EINVAL, w,
				    "%s.area[%d]: expected an area name of areas (%s), got '%s'%s", path,
				    i, names, an->name[i],
				    inherited ? " (set in a base with other areas: give the selector "
						"again where areas is set, or remove its team or "
						"instrument with NAME: ~; builtin 'generic' has one area "
						"and no area teams)"
					      : "");
		}
	}
	return 0;
}

/*
 * For each record of each record map: required fields present, defaults taken
 * from siblings, area names resolved, series that must start by `start` checked.
 */
static int finish_records(stroom_params *p, scenario_keystate *st, const char *top)
{
	const char *areas_file = st[key_of("areas") - scenario_keys].file;
	char path[192], a[16], b[16];
	size_t i, f;
	int j, rc;

	for (i = 0; i < scenario_nkeys; i++) {
		const scenario_key *k = &scenario_keys[i];
		const scenario_record *r = k->record;
		if (k->type != KEY_RECORDS)
			continue;
		for (j = 0; j < *record_count(r, p); j++) {
			scenario_recstate *rs = &st[i].rec[j];
			char *rec = record_at(r, p, j);
			for (f = 0; f < r->nfields; f++) {
				const scenario_key *fk = &r->fields[f];
				snprintf(path, sizeof path, "%s.%s.%s", k->path, rec + r->name_offset,
					 fk->path);
				if (!rs->field[f].set && !fk->def_from) {
					where w = {rs->file, rs->line, rs->col};
					return fail(STROOM_EINVAL, w, "%s: required key missing",
						    path);
				}
			}
			for (f = 0; f < r->nfields; f++) {
				const scenario_key *fk = &r->fields[f];
				scenario_keystate *fst = &rs->field[f];
				snprintf(path, sizeof path, "%s.%s.%s", k->path, rec + r->name_offset,
					 fk->path);
				if (!fst->set && fk->def_from) {
					size_t g;
					for (g = 0; g < r->nfields; g++)
						if (strcmp(r->fields[g].path, fk->def_from) == 0)
							break;
					if (g == r->nfields || r->fields[g].size != fk->size)
						return stroom_error_set(STROOM_ERROR,
									"%s: bad def_from", path);
					memcpy(rec + fk->offset, rec + r->fields[g].offset, fk->size);
				}
				if (fk->type == KEY_SELECTOR && fst->areas &&
				    (rc = resolve_areas(p, path, (stroom_selector *)(void *)(rec +
											fk->offset),
							fst->areas, areas_file, top)) != 0)
					return rc;
				if (fk->type == KEY_SERIES && (fk->flags & KEY_FROM_START)) {
					const stroom_series *ser =
						(const stroom_series *)(const void *)(rec + fk->offset);
					if (ser->n > 0 && ser->month[0] > p->start)
						return fail(STROOM_EINVAL, field_where(rs, fst),
							    "%s: expected a first month at or before "
							    "start (%s), got %s",
							    path,
							    stroom_month_format(p->start, a, sizeof a),
							    stroom_month_format(ser->month[0], b,
										sizeof b));
				}
			}
		}
	}
	return 0;
}

int scenario_finish(stroom_params *p, scenario_keystate *st, const char *top)
{
	char a[16], b[16];
	size_t i, missing = 0, first = 0;
	int rc, one_area = st[key_of("areas") - scenario_keys].set && p->n_areas == 1;

	for (i = 0; i < scenario_nkeys; i++) {
		if (st[i].set)
			continue;
		if (one_area && scenario_keys[i].type == KEY_AREA_LIST) {
			/* with one area an area list may be left out: [1] */
			one_area_list(p, &st[i], &scenario_keys[i]);
			st[i].set = 1;
			continue;
		}
		if (missing++ == 0)
			first = i;
	}
	if (missing == 1)
		return stroom_error_set(STROOM_EINVAL, "%s:1:1: %s: required key missing", top,
					scenario_keys[first].path);
	if (missing > 1)
		return stroom_error_set(STROOM_EINVAL,
					"%s:1:1: %s: required key missing (and %zu more; most "
					"scenarios start with 'extends: rotterdam')",
					top, scenario_keys[first].path, missing - 1);

	for (i = 0; i < scenario_nkeys; i++) {
		const scenario_key *k = &scenario_keys[i];
		if (k->type == KEY_SELECTOR && st[i].areas &&
		    (rc = resolve_areas(p, k->path, (stroom_selector *)(void *)((char *)p + k->offset),
					st[i].areas, st[key_of("areas") - scenario_keys].file,
					top)) != 0)
			return rc;
	}
	if ((rc = check_lists(p, st, top)) != 0)
		return rc;
	if ((rc = uncertain_name(p)) != 0)
		return rc;
	if (p->end < p->start)
		return fail(STROOM_EINVAL, key_where(st, key_of("end"), top),
			    "end: expected a month not before start (%s), got %s",
			    stroom_month_format(p->start, a, sizeof a),
			    stroom_month_format(p->end, b, sizeof b));
	if ((rc = finish_records(p, st, top)) != 0)
		return rc;
	if (p->target_households > 0 &&
	    (p->target_month < p->start || p->target_month > p->end + 1)) {
		char c[16];
		return fail(STROOM_EINVAL, key_where(st, key_of("target.date"), top),
			    "target.date: expected a month from start (%s) to end + 1 (%s), got %s",
			    stroom_month_format(p->start, a, sizeof a),
			    stroom_month_format(p->end + 1, b, sizeof b),
			    stroom_month_format(p->target_month, c, sizeof c));
	}
	if (p->drift_medium_months < p->drift_short_months) {
		const scenario_key *k = key_of("drift.medium_to_long_months");
		if (!st[k - scenario_keys].file)
			k = key_of("drift.short_to_medium_months");
		return fail(STROOM_EINVAL, key_where(st, k, top),
			    "drift.medium_to_long_months: expected at least "
			    "drift.short_to_medium_months (%d), got %d",
			    p->drift_short_months, p->drift_medium_months);
	}
	if (!(p->return_within_12m < p->return_nondurable_share))
		return fail(STROOM_EINVAL, key_where(st, key_of("returns.within_12m"), top),
			    "returns.within_12m: expected less than returns.nondurable_share "
			    "(%.10g), got %.10g",
			    p->return_nondurable_share, p->return_within_12m);
	return 0;
}
