/*
 * workspace.h: the microsimulation's per-thread workspace (the households of one
 * replicate as a struct of arrays, and the month's tables) and the cells and
 * classes it keeps its counts and caches by. workspace.c allocates and frees
 * it; sim.c runs the months in it.
 */
#ifndef STROOM_WORKSPACE_H
#define STROOM_WORKSPACE_H

#include "internal.h"
#include "model.h"
#include "rng_int.h"
#include "sim_int.h"

#include <stddef.h>
#include <stdint.h>

/* An instrument candidate: sort key and household slot (ties go to the lower slot). */
typedef struct candidate {
	float key;
	uint32_t slot;
} candidate;

/* Group cells: distance x age band x duration band x type x area, the classes of
 * the output groups; counts are kept per cell in the loop and summed into the
 * groups once a month. A hazard cell is a group cell x part-time. */
#define NGC_MAX STROOM_MODEL_NGC_MAX
#define NCELL_MAX STROOM_MODEL_NCELL_MAX
/* No candidate month (or return) within the horizon. */
#define NEVER INT32_MAX
/* Count cells: group cell x part-time x stream, what the stock is counted by in
 * the loop (the groups, the part-timers and the teams' clients follow from it). */
#define NCC (NGC_MAX * 2 * STROOM_NSTREAM)
static inline int count_cell(int gc, int pt, int stream)
{
	return (gc * 2 + pt) * STROOM_NSTREAM + stream;
}
/* Bound classes: distance x age band x duration band x part-time, the classes a
 * household's candidate months are drawn for: drawn again when its distance or
 * part-time status changes or a spell starts; age and duration bands only rise,
 * and a class's bound covers the later bands. */
#define NBOUND (STROOM_NDIST * STROOM_NAGE * STROOM_NDUR * 2)
static inline int bound_class(int d, int a, int u, int pt)
{
	return ((d * STROOM_NAGE + a) * STROOM_NDUR + u) * 2 + pt;
}

/*
 * Per-thread workspace: the households of one replicate (struct of arrays, 64
 * bytes a slot: nine int32, ten uint8, one uint16, two uint32 active-list
 * entries and an 8-byte allocation entry) and the month's tables.
 */
typedef struct workspace {
	size_t cap;
	int32_t *birth, *spell, *lks_end; /* lks_end: first month the LKS is no longer paid */
	int32_t *pension;        /* month the head reaches pension age (AOW) */
	int32_t *instr_end;      /* first month after the current instrument */
	int32_t *effect_end;     /* first month after the instrument's after-effect */
	int32_t *sanction_end;   /* first month after the current sanction */
	int32_t *next_ev;        /* on benefit: the next candidate month (thinning, see
				    docs/model.md); off after a non-durable exit: the month
				    of return; NEVER = none within the horizon */
	int32_t *next_chg;       /* on benefit: the first month in which anything about the
				    household can change (its candidate month, a band, a
				    drift, pension, ...); before it the month is the cached
				    cell and benefit class and nothing else */
	uint16_t *ccell;         /* cached: its count cell (see count_cell) */
	uint8_t *bcls;           /* cached: benefit class (+ BEN_CELLS while sanctioned) */
	uint8_t *gcls;           /* the bound class its candidate months were drawn for */
	uint8_t *type, *area, *dist, *stream, *pt, *status;
	uint8_t *ptm;            /* months of part-time work in this spell (capped at 255) */
	uint8_t *instr;          /* instrument k + 1 (current or last), 0 = none */
	double (*haz)[3];        /* [cell]: work, other and enforcement hazards this month */
	candidate *cand;         /* instrument allocation buffer, cap entries; during the
				    household pass it holds the month's candidate slots */
	uint32_t *act, *act_next;/* slots still to visit (this month, next month), in
				    slot order: a household gone for good that pays nothing
				    more is dropped, so the loop never sees it again */
	size_t n_act;
	uint32_t *act_block;     /* the allocation behind act and act_next (they swap) */
	/* per replicate, not per household: */
	double *bound;           /* [t][bound class]: the candidate probability, an upper
				    bound of the events' total probability in that class */
	double *cum;             /* [bound class][t]: cumulative -log(1 - bound), t = 0..T */
	uint8_t *teamtab;        /* [group cell][stream]: serving team k + 1 this month */
	int32_t *gcase;          /* [count cell]: stock on the 1st */
	int64_t *gben, *ginstr;  /* [count cell]: benefit and instrument costs this month */
	double *pool_cum;        /* [hazard cell]: the start pool's cumulative weights
				    (returns.start_pool: steady) */
	stroom_gsl_philox gsl;
	/* the run's and the replicate's constants the helpers below need */
	stroom_month start;      /* the first month */
	int T;                   /* months */
	philox4x32_key_t key;    /* the replicate's key (its parameters' seed) */
	uint32_t urep;           /* the replicate */
	stroom_params *params;   /* the replicate's parameter set: the scenario's with its
				    draws applied (stroom_params_apply_values) */
} workspace;

/* Benefit classes (BEN_*): sim_int.h. */

static inline int ben_cell(int type, int32_t age_months, int pt, int ptm)
{
	int ac = age_months < 21 * 12 ? 0 : age_months < 27 * 12 ? 1 : 2;
	int ps = !pt ? 0 : ptm < BEN_DISREGARD_MONTHS ? 1 : 2;
	return (type * BEN_AGE + ac) * BEN_PT + ps;
}

/* Allocates a workspace for cap households and T months: one block of int32
 * arrays, one of uint8 arrays, the per-replicate tables, and a copy of the
 * scenario's parameters p for the replicate's draws. Returns 0 or STROOM_ENOMEM. */
int stroom_workspace_init(const stroom_allocator *a, workspace *w, size_t cap, int T,
			  const stroom_params *p);
/* Frees what stroom_workspace_init allocated (also after it failed half-way). */
void stroom_workspace_free(const stroom_allocator *a, workspace *w);

#endif
