/*
 * stroom/ev.h: the expected-value engine.
 *
 * The model of the microsimulation (docs/model.md section 3) as a deterministic
 * monthly chain over expected masses of households: instead of drawing each
 * household's events, every class of households (distance, age band, spell
 * duration in months, type, area, part-time, stream) moves its expected mass
 * along every event in proportion to the event's probability. The result is the
 * mean path of the microsimulation's replicates with every prior at its central
 * value (docs/model.md, "The expected-value engine", says what it approximates):
 * expected stocks and flows per month and results group, and the money.
 *
 * A workspace is built once for a scenario's shape (stroom_ev_new) and runs any
 * parameter set of that shape (stroom_ev_run) without allocating, e.g. the
 * thousands of parameter sets of a calibration; distinct workspaces may run in
 * distinct threads at once.
 */
#ifndef STROOM_EV_H
#define STROOM_EV_H

#include <stroom/common.h>
#include <stroom/population.h>
#include <stroom/rules.h>
#include <stroom/scenario.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct stroom_ev stroom_ev;  /* a reusable workspace for one scenario's shape */

/* Builds the workspace for parameter sets shaped like p (same start, end, areas,
 * teams, instruments) from the starting population; rules NULL = builtin.
 * Returns 0, STROOM_EINVAL (detail says which key) or STROOM_ENOMEM. */
STROOM_API int stroom_ev_new(stroom_ev **out, const stroom_params *p, const stroom_population *pop,
			     const stroom_rules *rules, const stroom_allocator *al);
STROOM_API void stroom_ev_free(stroom_ev *ev);
/* Runs the expected-value chain with parameter set q (p's shape, its values
 * possibly changed, e.g. by stroom_params_apply_values); a prior of q counts at
 * its central value. No allocation; thread-safe across distinct workspaces.
 * Returns 0 or STROOM_EINVAL. */
STROOM_API int stroom_ev_run(stroom_ev *ev, const stroom_params *q);
/* on = 1: the runs from now on compute the counts only, not the money (the
 * benefits, the LKS and the disregard months they need): stroom_ev_money gives
 * 0; the counts are the same, bit for bit. A calibration's workspaces run so,
 * as its likelihood reads counts. on = 0 (the default): both. */
STROOM_API void stroom_ev_counts_only(stroom_ev *ev, int on);
STROOM_API int stroom_ev_months(const stroom_ev *ev);               /* as stroom_results_months */
STROOM_API int stroom_ev_groups(const stroom_ev *ev);               /* the results' groups, same order */
STROOM_API const char *stroom_ev_group_name(const stroom_ev *ev, int group);
STROOM_API int stroom_ev_group_index(const stroom_ev *ev, const char *name);   /* or -1 */
/* Expected count of indicator (STROOM_IND_*) in month index t (0 = start) and
 * group; t == months gives the caseload on the 1st after the last month. */
STROOM_API double stroom_ev_value(const stroom_ev *ev, int t, int indicator, int group);
/* Expected money (eurocent) of STROOM_MONEY_* in month t and group. */
STROOM_API double stroom_ev_money(const stroom_ev *ev, int t, int money, int group);

#ifdef __cplusplus
}
#endif
#endif
