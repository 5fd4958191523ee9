/*
 * stroom/target.h: the goal-seek. Which setting of a policy lever makes
 * P(caseload <= N on a date) reach a probability?
 *
 * A lever is a scenario key the search moves from a month on (docs/compare.md,
 * "Levers"): a team's FTE (teams.NAME.fte), prevention's reach
 * (prevention.reach), extra controls (enforcement.controls), the gate
 * (gate.search_share, gate.selection), the inflow (inflow.shock, a multiplier on
 * the inflow) and the work hazard (hazard.work.shock, a multiplier on every exit
 * to work: "extra outflow to work"). Each has a direction (more FTE lowers the
 * caseload, a lower inflow multiplier does), a step (1 FTE, 1 control a year,
 * 0.01 of a share or a multiplier) and the schema's bound in that direction.
 *
 * The probability is the expected-value engine's (include/stroom/ev.h) over the
 * scenario's parameter draws: draw d is the parameter set replicate d of the
 * microsimulation runs with (its priors, or its posterior row), run through the
 * expected-value chain; its caseload on the date C_d is the mean of that draw,
 * and the process's chance variation around it is the likelihood's stock term
 * (docs/model.md section 7: log C ~ N(log C_d, 1/C_d)). So
 *   P = (1/D) sum_d Phi((log(N + 0.5) - log C_d) sqrt(C_d)).
 * The search walks the lever's steps from its current setting to its bound
 * (bisection; P rises with each lever), and a microsimulation run of the found
 * setting checks it: the share of replicates at or below N, with its Monte
 * Carlo standard error.
 */
#ifndef STROOM_TARGET_H
#define STROOM_TARGET_H

#include <stroom/common.h>
#include <stroom/population.h>
#include <stroom/posterior.h>
#include <stroom/rules.h>
#include <stroom/scenario.h>
#include <stroom/sim.h>

#ifdef __cplusplus
extern "C" {
#endif

#define STROOM_TARGET_MAX_LEVERS 8
#define STROOM_TARGET_KEY_LEN 80

/* One lever of a scenario, resolved (stroom_target_lever_resolve). */
typedef struct stroom_target_lever {
	char key[STROOM_TARGET_KEY_LEN]; /* "teams.werk_zuid.fte", "inflow.shock", ... */
	const char *unit;                /* "FTE", "controls a year", "share", "multiplier" */
	stroom_month from;               /* the setting holds from this month on */
	double current;                  /* the scenario's value in month `from` */
	double bound;                    /* the schema's bound in the lever's direction */
	double step;                     /* the search's step */
	int direction;                   /* +1: more lowers the caseload; -1: less does */
} stroom_target_lever;

/*
 * Resolves lever `key` of p from month `from` (0 = p->start): its current value,
 * bound, step and direction. Returns 0, STROOM_ENOTFOUND (no such lever or team;
 * the detail lists the levers) or STROOM_EINVAL (instrument places: the
 * expected-value engine does not model them yet).
 */
STROOM_API int stroom_target_lever_resolve(stroom_target_lever *out, const stroom_params *p,
					   const char *key, stroom_month from);
/* Sets the lever in q to value from its month on (a series keeps its months
 * before; a prior becomes fixed at value). Returns 0 or STROOM_EINVAL. */
STROOM_API int stroom_target_lever_apply(const stroom_target_lever *lv, stroom_params *q, double value);

typedef struct stroom_target_options {
	unsigned int version;           /* STROOM_TARGET_OPTIONS_VERSION */
	int households;                 /* N */
	stroom_month date;              /* the caseload on the 1st of this month */
	double probability;             /* P, in (0, 1) */
	stroom_month from;              /* levers change from this month (0 = the start) */
	int draws;                      /* parameter draws of the search (0 = p->replicates) */
	int replicates;                 /* the check's replicates (0 = p->replicates; -1 = no check) */
	int threads;                    /* the check's threads (0 = one per CPU) */
	const stroom_rules *rules;      /* NULL = builtin */
	const stroom_posterior *posterior; /* the scenario's posterior, or NULL */
	stroom_progress_cb progress;    /* asked between steps; nonzero stops (STROOM_EINTR) */
	void *payload;
} stroom_target_options;
#define STROOM_TARGET_OPTIONS_VERSION 1
#define STROOM_TARGET_OPTIONS_INIT {STROOM_TARGET_OPTIONS_VERSION, 0, 0, 0.5, 0, 0, 0, 0, NULL, NULL, NULL, NULL}

/* The answer for one lever alone, or for all levers moved together. */
typedef struct stroom_target_answer {
	int reached;         /* 1: a setting within the bounds reaches P */
	double setting[STROOM_TARGET_MAX_LEVERS]; /* found (or the bound when not reached) */
	double p_ev;         /* P at the setting (expected-value engine over the draws) */
	double p_ev_se;      /* its standard error over the draws */
	double p_ev_less;    /* P one step less (NAN when the setting is the current one) */
	double caseload_ev;  /* the mean caseload on the date at the setting */
	/* the plain question, expected values at the central parameters: change
	 * against the current setting per month from `from` to the date */
	double more_exits_per_month;   /* all exits */
	double fewer_entries_per_month;/* new inflow and returns */
	int sim_replicates;  /* the check (0 = not run) */
	double p_sim;        /* share of replicates with caseload <= N on the date */
	double p_sim_se;     /* sqrt(p (1 - p) / R) */
	double caseload_sim; /* the replicates' mean caseload on the date */
	int evaluations;     /* expected-value settings tried */
	/* The execution cost a year of the setting against the current one, eurocent
	 * (docs/policy.md "Costs"; paid by the municipality, not from the BUIG): the
	 * added FTE x costs.fte_eur (exact), the added controls x costs.control_eur,
	 * and for prevention and the gate the added expected applicants reached or
	 * given the search period (expected-value engine at the central parameters,
	 * the 12 months from `from`, counted as the microsimulation's costs count
	 * them) x costs.prevention_eur or costs.gate_eur. A lever's cost category is
	 * counted once when two levers share it. */
	int64_t cost_per_year_eurocent;
	/* Changed levers that are no purchase (inflow.shock, hazard.work.shock: a
	 * change of circumstances): they add nothing to the cost above. */
	int not_purchase;
	/* Changed levers that are a purchase. */
	int purchased;
} stroom_target_answer;

typedef struct stroom_target_result {
	int nlevers;
	stroom_target_lever lever[STROOM_TARGET_MAX_LEVERS];
	double p_current;     /* P at the scenario's own setting (expected-value engine) */
	double caseload_current;
	int draws;
	stroom_target_answer alone[STROOM_TARGET_MAX_LEVERS]; /* each lever alone */
	/* With 2+ levers, the combinations of the first two that reach P: the first
	 * at 0, 1/4, 1/2, 3/4 of its own answer's change, the second searched
	 * (the iso-probability curve; with execution costs per lever, the least-cost
	 * point of it is the frontier's answer). ncombo 0 when the first lever alone
	 * does not reach P. */
	int ncombo;
	stroom_target_answer combo[4];
	/* 1: every combination's changed levers are purchases, and combo[] is sorted
	 * by cost_per_year_eurocent, cheapest first (combo[0] is the least-cost
	 * point of the curve); 0: combo[] in the order above. */
	int combo_ranked;
} stroom_target_result;

/*
 * Searches, for every lever alone (and with several, the combinations above), the
 * smallest setting with P >= o->probability, and checks each found setting with
 * the microsimulation (o->replicates). A target already met answers the current
 * setting; one no setting within the bounds reaches answers reached = 0 with
 * P at the bound. Returns 0, STROOM_EINVAL (the date outside the run, P outside
 * (0, 1), N < 1, a lever twice, the engines' refusals), STROOM_ENOTFOUND (a
 * lever), STROOM_ENOMEM or STROOM_EINTR.
 */
STROOM_API int stroom_target_search(stroom_target_result *out, const stroom_params *p,
				    const stroom_population *pop, const char *const *levers,
				    int nlevers, const stroom_target_options *o);

/* The levers the goal-seek knows, one per line ("teams.NAME.fte  FTE ..."). */
STROOM_API const char *stroom_target_lever_help(void);

#ifdef __cplusplus
}
#endif
#endif
