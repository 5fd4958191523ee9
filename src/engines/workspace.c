/*
 * workspace.c: allocating and freeing the microsimulation's per-thread
 * workspace (workspace.h), and its bytes per household slot.
 */
#include "workspace.h"

#include <stroom/sim.h>

#include <string.h>

void stroom_workspace_free(const stroom_allocator *a, workspace *w)
{
	stroom_free(a, w->birth);
	stroom_free(a, w->type);
	stroom_free(a, w->haz);
	stroom_free(a, w->pool_cum);
	stroom_free(a, w->cand);
	stroom_free(a, w->act_block);
	stroom_free(a, w->bound);
	stroom_free(a, w->gben);
	stroom_free(a, w->params);
	memset(w, 0, sizeof *w);
}

/* The per-household int32 and uint8 fields of a workspace, each carved from one
 * block (stroom_workspace_init); the first of each list owns its block. */
enum { N_I32 = 9, N_U8 = 10 };

/* Bytes of workspace per household slot: the int32 and uint8 fields, the cached
 * count cell, the two active lists and the allocation entry. */
#define SLOT_BYTES (N_I32 * sizeof(int32_t) + N_U8 * sizeof(uint8_t) + sizeof(uint16_t) + \
		    2 * sizeof(uint32_t) + sizeof(candidate))

size_t stroom_sim_state_bytes(void) { return SLOT_BYTES; }

int stroom_workspace_init(const stroom_allocator *a, workspace *w, size_t cap, int T,
			  const stroom_params *p)
{
	int32_t **const i32[N_I32] = {&w->birth, &w->spell, &w->lks_end, &w->pension, &w->instr_end,
				      &w->effect_end, &w->sanction_end, &w->next_ev, &w->next_chg};
	uint8_t **const u8[N_U8] = {&w->type, &w->area, &w->dist, &w->stream, &w->pt,
				    &w->status, &w->ptm, &w->instr, &w->bcls, &w->gcls};
	size_t nb = (size_t)T * NBOUND + (size_t)NBOUND * ((size_t)T + 1), k;
	memset(w, 0, sizeof *w);
	w->cap = cap;
	w->birth = stroom_malloc(a, cap * (N_I32 * sizeof(int32_t) + sizeof(uint16_t)));
	w->type = stroom_malloc(a, cap * N_U8);
	w->haz = stroom_malloc(a, NCELL_MAX * sizeof *w->haz);
	w->pool_cum = stroom_malloc(a, NCELL_MAX * sizeof *w->pool_cum);
	w->cand = stroom_malloc(a, cap * sizeof *w->cand);
	w->act_block = stroom_malloc(a, 2 * cap * sizeof *w->act_block);
	w->bound = stroom_malloc(a, nb * sizeof(double));
	/* the group-cell tables: two int64 arrays, two int32 arrays, the team table */
	w->gben = stroom_calloc(a, 1, NCC * (2 * sizeof(int64_t) + sizeof(int32_t)) +
					  NGC_MAX * STROOM_NSTREAM);
	w->act = w->act_block;
	w->params = stroom_malloc(a, sizeof *w->params);
	if (!w->birth || !w->type || !w->haz || !w->pool_cum || !w->cand || !w->act_block || !w->bound ||
	    !w->gben || !w->params) {
		stroom_workspace_free(a, w);
		return STROOM_ENOMEM;
	}
	for (k = 1; k < N_I32; k++)
		*i32[k] = w->birth + k * cap;
	w->ccell = (uint16_t *)(void *)(w->birth + N_I32 * cap);
	for (k = 1; k < N_U8; k++)
		*u8[k] = w->type + k * cap;
	w->act_next = w->act_block + cap;
	w->cum = w->bound + (size_t)T * NBOUND;
	w->ginstr = w->gben + NCC;
	w->gcase = (int32_t *)(void *)(w->ginstr + NCC);
	w->teamtab = (uint8_t *)(w->gcase + NCC);
	memcpy(w->params, p, sizeof *p);
	stroom_gsl_philox_init(&w->gsl);
	return 0;
}
