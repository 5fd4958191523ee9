/*
 * stroom/explain.h: why the caseload moved. The change in caseload between two
 * dates split into the labour market, shocks, each policy lever that changed,
 * composition and chance (docs/explain.md).
 *
 * A factor is a group of time series of the scenario (labour_market.index; the
 * shocks inflow.shock and hazard.work.shock; the teams' FTE; prevention.reach;
 * enforcement.controls; targets.pressure). Its counterfactual holds its series
 * at their value in month `from` for every later month, so the months before
 * `from`, and the caseload on its 1st, stay as they were. Factors whose series
 * do not change between the dates have a part of exactly 0 and stay out of the
 * game below.
 *
 * For replicate r (its parameter draw: priors or posterior row, as the
 * microsimulation's replicate r), v_r(S) is the expected-value engine's change
 * in caseload from `from` to `to` with the factors in S as the scenario has them
 * and the others held. Then, per replicate,
 *   composition  = v_r({})             (every factor held: the stock's own dynamics)
 *   factor i     = its Shapley value   (the mean over every order of adding the
 *                                       factors of its marginal change; or, with
 *                                       STROOM_EXPLAIN_SEQUENTIAL, its marginal
 *                                       change in one fixed order)
 *   chance       = the microsimulation replicate's change - v_r(all factors)
 * and the parts add up to the replicate's change exactly (to rounding).
 * Shapley values take 2^k expected-value runs per replicate for k changing
 * factors (at most STROOM_EXPLAIN_MAX_SHAPLEY), the sequential split k + 1.
 */
#ifndef STROOM_EXPLAIN_H
#define STROOM_EXPLAIN_H

#include <stroom/common.h>
#include <stroom/population.h>
#include <stroom/posterior.h>
#include <stroom/rules.h>
#include <stroom/scenario.h>
#include <stroom/sim.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Factors in a Shapley game: 2^8 = 256 expected-value runs per replicate. */
#define STROOM_EXPLAIN_MAX_SHAPLEY 8
/* Parts: labour market, shocks, every team (or teams), prevention, enforcement,
 * targets, composition, chance. */
#define STROOM_EXPLAIN_MAX_PARTS (STROOM_MAX_TEAMS + 7)
#define STROOM_EXPLAIN_NAME_LEN 48
#define STROOM_EXPLAIN_KEYS_LEN 96

enum { STROOM_EXPLAIN_SHAPLEY, STROOM_EXPLAIN_SEQUENTIAL };
/* What a part is. */
enum { STROOM_EXPLAIN_FACTOR, STROOM_EXPLAIN_COMPOSITION, STROOM_EXPLAIN_CHANCE };

typedef struct stroom_explain_options {
	unsigned int version;           /* STROOM_EXPLAIN_OPTIONS_VERSION */
	stroom_month from, to;          /* caseload on the 1st of each; 0 = the run's start / the
					   1st after its last month */
	int method;                     /* STROOM_EXPLAIN_SHAPLEY or _SEQUENTIAL */
	int each_team;                  /* 1: one factor per team; 0: the teams together */
	/* The order of the factors (their part names, e.g. "teams", "labour_market"):
	 * the named ones first, in this order, then the rest in the default order. The
	 * sequential split adds them in this order; Shapley values do not depend on it. */
	const char *const *order;
	int norder;
	int replicates;                 /* 0 = p->replicates */
	int threads;                    /* 0 = one per CPU */
	const stroom_rules *rules;      /* NULL = builtin */
	const stroom_posterior *posterior; /* the scenario's posterior, or NULL */
	stroom_progress_cb progress;    /* asked about every 100 ms; nonzero stops (STROOM_EINTR) */
	void *payload;
} stroom_explain_options;
#define STROOM_EXPLAIN_OPTIONS_VERSION 1
#define STROOM_EXPLAIN_OPTIONS_INIT                                                       \
	{STROOM_EXPLAIN_OPTIONS_VERSION, 0, 0, STROOM_EXPLAIN_SHAPLEY, 0, NULL, 0, 0, 0, NULL, \
	 NULL, NULL, NULL}

/* One part of the change, over the replicates. */
typedef struct stroom_explain_part {
	char name[STROOM_EXPLAIN_NAME_LEN];  /* "labour_market", "shocks", "teams", "teams.NAME",
						"prevention", "enforcement", "targets",
						"composition", "chance" */
	char keys[STROOM_EXPLAIN_KEYS_LEN];  /* the scenario keys a factor holds ("" otherwise) */
	int kind;                            /* STROOM_EXPLAIN_FACTOR, _COMPOSITION, _CHANCE */
	int changes;                         /* a factor: 1 when its series change between the dates */
	double mean, p05, p50, p95;          /* households, over the replicates */
} stroom_explain_part;

typedef struct stroom_explain_result {
	stroom_month from, to;
	int method;
	int replicates;
	int nparts;                          /* the factors, then composition, then chance */
	stroom_explain_part part[STROOM_EXPLAIN_MAX_PARTS];
	int nplayers;                        /* the changing factors (in the game) */
	int player[STROOM_EXPLAIN_MAX_PARTS];/* their parts, in the order used */
	long ev_runs;                        /* expected-value runs made */
	int threads;                         /* threads of the expected-value runs */
	double caseload_from, caseload_to;   /* the replicates' mean caseloads */
	stroom_explain_part total;           /* the change (name "total") */
	/* Per replicate r: value[r * nparts + i] is part i, total[r] the change, from[r]
	 * and to[r] the caseloads (the microsimulation's). */
	double *value, *total_r, *from_r, *to_r;
} stroom_explain_result;

/*
 * Splits the change in caseload of p (one municipality, starting households pop)
 * between o->from and o->to. Runs the microsimulation once (o->replicates) and
 * the expected-value engine per replicate for every subset of the changing factors
 * (Shapley) or every prefix of their order (sequential), in threads. Returns 0
 * and *out (free with stroom_explain_free), STROOM_EINVAL (dates outside the run
 * or not from < to, a factor in o->order that is not one of p's, too many
 * changing factors for Shapley, the engines' refusals: the detail says which),
 * STROOM_ENOMEM or STROOM_EINTR.
 */
STROOM_API int stroom_explain_run(stroom_explain_result **out, const stroom_params *p,
				  const stroom_population *pop, const stroom_explain_options *o);
STROOM_API void stroom_explain_free(stroom_explain_result *r);

/*
 * The Shapley values phi[0..k-1] of the game v[0 .. 2^k - 1] (v[S]: the value of
 * the coalition whose bit i is set when player i is in it), 1 <= k <=
 * STROOM_EXPLAIN_MAX_SHAPLEY: phi_i = sum over S without i of |S|! (k - |S| - 1)!
 * / k! (v[S + i] - v[S]); they add up to v[2^k - 1] - v[0].
 */
STROOM_API void stroom_explain_shapley(int k, const double *v, double *phi);

#ifdef __cplusplus
}
#endif
#endif
