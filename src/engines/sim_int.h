/*
 * sim_int.h: what the engine (sim.c), its checks (sim_check.c) and its results
 * (results.c) share; the expected-value engine uses the same groups.
 */
#ifndef STROOM_SIM_INT_H
#define STROOM_SIM_INT_H

#include "internal.h"

#include <stroom/rules.h>
#include <stroom/scenario.h>
#include <stroom/sim.h>

#include <stddef.h>

/* Household slots for the n0 starting households plus every new household the
 * months up to `until` can bring: the mean inflow plus 10 standard deviations
 * each month, plus slack. */
double stroom_sim_capacity(const stroom_params *p, size_t n0, stroom_month until);
/* Bytes of a run's results (every replicate, month, indicator and group). */
size_t stroom_sim_result_bytes(const stroom_params *p);

/* A run's results (results.c holds their accessors, pack and sums; sim.c fills
 * them). */
struct stroom_results {
	const stroom_allocator *alloc;
	int replicates, months, ngroups, threads, n_areas, n_teams, n_instruments, n_drawn;
	int draw_stride;  /* doubles per replicate in drawn: max(n_drawn, 1) */
	stroom_month start;
	char group_name[15 + STROOM_MAX_AREAS][STROOM_NAME_LEN];
	char drawn_name[STROOM_DRAW_MAX][STROOM_DRAW_NAME_LEN];
	int32_t *counts;  /* [rep][month][indicator][group] */
	int32_t *final;   /* [rep][group]: caseload on the 1st after the last month */
	int64_t *money;   /* [rep][month][money indicator][group], eurocent */
	int32_t *team;    /* [rep][month][team]: clients */
	int32_t *istart;  /* [rep][month][instrument]: starts */
	int32_t *ipart;   /* [rep][month][instrument]: participants on the 1st */
	double *drawn;    /* [rep][draw_stride]: every prior's value, drawn before the run */
};

/* Group offsets: all | distance | areas | duration | age | type. */
typedef struct group_layout {
	int dist, area, dur, age, type, n;
} group_layout;

static inline group_layout stroom_group_layout(int n_areas)
{
	group_layout g;
	g.dist = 1;
	g.area = g.dist + STROOM_NDIST;
	g.dur = g.area + n_areas;
	g.age = g.dur + STROOM_NDUR;
	g.type = g.age + STROOM_NAGE;
	g.n = g.type + STROOM_NTYPE;
	return g;
}

/* Benefit classes: household type x age class x part-time state. */
#define BEN_AGE 3   /* 18-20, 21-26, 27 and older */
#define BEN_PT 3    /* no part-time work, within the disregard months, after them */
#define BEN_CELLS (STROOM_NTYPE * BEN_AGE * BEN_PT)
/* Months of part-time work after which the disregard of art. 31 lid 2 n is used
 * up (constants.csv: disregard_months). */
#define BEN_DISREGARD_MONTHS 6

/*
 * The benefit and norm (eurocent) of every benefit class in each of the T months
 * from p->start, from the rules: benefit[t * BEN_CELLS + cell]. Used by both
 * engines (sim.c, ev.c). Returns 0 or STROOM_EINVAL naming the month the rules do
 * not cover.
 */
int stroom_sim_benefit_tables(const stroom_rules *rules, const stroom_params *p, int T,
			      int64_t *benefit, int64_t *norm);

#endif
