/*
 * results.c: a run's results (struct stroom_results, sim_int.h): the names of
 * their indicators, the accessors of include/stroom/sim.h, freeing, and the
 * pack, copy and sum that carry replicates between processes (cli_mpi.c) and
 * runs. The engine (sim.c) allocates and fills them.
 */
#include "internal.h"
#include "sim_int.h"

#include <stroom/sim.h>

#include <string.h>

static const char *const indicator_names[STROOM_NIND] = {
	"caseload", "inflow_new", "inflow_return", "exit_work", "exit_lks",
	"exit_other", "exit_enforcement", "exit_pension", "parttime",
	"gate_deterred", "inflow_prevented", "sanctions", "terminations"};

static const char *const money_names[STROOM_NMONEY] = {
	"spending_benefit_eurocent", "spending_lks_eurocent", "spending_instruments_eurocent",
	"recoveries_eurocent"};

const char *stroom_money_name(int money)
{
	return money >= 0 && money < STROOM_NMONEY ? money_names[money] : NULL;
}

const char *stroom_indicator_name(int indicator)
{
	return indicator >= 0 && indicator < STROOM_NIND ? indicator_names[indicator] : NULL;
}

void stroom_results_free(stroom_results *r)
{
	if (!r)
		return;
	stroom_free(r->alloc, r->counts);
	stroom_free(r->alloc, r->final);
	stroom_free(r->alloc, r->money);
	stroom_free(r->alloc, r->team);
	stroom_free(r->alloc, r->istart);
	stroom_free(r->alloc, r->ipart);
	stroom_free(r->alloc, r->drawn);
	stroom_free(r->alloc, r);
}

int stroom_results_replicates(const stroom_results *r) { return r->replicates; }
int stroom_results_months(const stroom_results *r) { return r->months; }
stroom_month stroom_results_start(const stroom_results *r) { return r->start; }
int stroom_results_threads(const stroom_results *r) { return r->threads; }
int stroom_results_groups(const stroom_results *r) { return r->ngroups; }

const char *stroom_results_group_name(const stroom_results *r, int group)
{
	return group >= 0 && group < r->ngroups ? r->group_name[group] : NULL;
}

const char *stroom_results_group_dimension(const stroom_results *r, int group)
{
	const group_layout gl = stroom_group_layout(r->ngroups - (STROOM_NDIST + STROOM_NDUR + STROOM_NAGE +
								  STROOM_NTYPE + 1));
	if (group < 0 || group >= r->ngroups)
		return NULL;
	return group < gl.dist ? "all" : group < gl.area ? "distance" : group < gl.dur ? "area"
	       : group < gl.age ? "duration" : group < gl.type ? "age" : "type";
}

int stroom_results_group_index(const stroom_results *r, const char *name)
{
	int g;
	for (g = 0; g < r->ngroups; g++)
		if (strcmp(r->group_name[g], name) == 0)
			return g;
	return -1;
}

int32_t stroom_results_value(const stroom_results *r, int rep, int t, int indicator, int group)
{
	size_t idx = (((size_t)rep * (size_t)r->months + (size_t)t) * STROOM_NIND + (size_t)indicator) *
		     (size_t)r->ngroups + (size_t)group;
	return r->counts[idx];
}

int64_t stroom_results_money(const stroom_results *r, int rep, int t, int money, int group)
{
	size_t idx = (((size_t)rep * (size_t)r->months + (size_t)t) * STROOM_NMONEY + (size_t)money) *
		     (size_t)r->ngroups + (size_t)group;
	return r->money[idx];
}

int32_t stroom_results_final_caseload(const stroom_results *r, int rep, int group)
{
	return r->final[(size_t)rep * (size_t)r->ngroups + (size_t)group];
}

int32_t stroom_results_team_clients(const stroom_results *r, int rep, int t, int team)
{
	return r->team[((size_t)rep * (size_t)r->months + (size_t)t) * STROOM_MAX_TEAMS + (size_t)team];
}

int32_t stroom_results_instrument_starts(const stroom_results *r, int rep, int t, int k)
{
	return r->istart[((size_t)rep * (size_t)r->months + (size_t)t) * STROOM_MAX_INSTRUMENTS +
			 (size_t)k];
}

int32_t stroom_results_instrument_participants(const stroom_results *r, int rep, int t, int k)
{
	return r->ipart[((size_t)rep * (size_t)r->months + (size_t)t) * STROOM_MAX_INSTRUMENTS +
			(size_t)k];
}

int stroom_results_drawn_count(const stroom_results *r) { return r->n_drawn; }

const char *stroom_results_drawn_name(const stroom_results *r, int i)
{
	return i >= 0 && i < r->n_drawn ? r->drawn_name[i] : NULL;
}

double stroom_results_drawn_value(const stroom_results *r, int rep, int i)
{
	return r->drawn[(size_t)rep * (size_t)r->draw_stride + (size_t)i];
}

/* The arrays of a result, each [rep][...]: where they are and a replicate's size. */
typedef struct results_array {
	void *base;
	size_t per_rep; /* bytes per replicate */
} results_array;

enum { NARRAYS = 7 };

static void results_arrays(const stroom_results *r, results_array a[NARRAYS])
{
	const size_t T = (size_t)r->months, G = (size_t)r->ngroups;
	a[0].base = r->counts, a[0].per_rep = T * STROOM_NIND * G * sizeof(int32_t);
	a[1].base = r->final, a[1].per_rep = G * sizeof(int32_t);
	a[2].base = r->money, a[2].per_rep = T * STROOM_NMONEY * G * sizeof(int64_t);
	a[3].base = r->team, a[3].per_rep = T * STROOM_MAX_TEAMS * sizeof(int32_t);
	a[4].base = r->istart, a[4].per_rep = T * STROOM_MAX_INSTRUMENTS * sizeof(int32_t);
	a[5].base = r->ipart, a[5].per_rep = T * STROOM_MAX_INSTRUMENTS * sizeof(int32_t);
	a[6].base = r->drawn, a[6].per_rep = (size_t)r->draw_stride * sizeof(double);
}

#define PACK_MAGIC 0x5354524du /* "STRM" */

/* A pack: magic, first, count, the struct (its pointers are ignored), the arrays. */
typedef struct pack_header {
	uint32_t magic;
	int32_t first, count;
	stroom_results shape;
} pack_header;

size_t stroom_results_pack(const stroom_results *r, int first, int count, void *buf, size_t size)
{
	results_array a[NARRAYS];
	size_t need = sizeof(pack_header), i;
	unsigned char *p = buf;
	pack_header h;
	if (first < 0 || count < 0 || first > r->replicates - count)
		return 0;
	results_arrays(r, a);
	for (i = 0; i < NARRAYS; i++)
		need += a[i].per_rep * (size_t)count;
	if (!buf || size < need)
		return need;
	memset(&h, 0, sizeof h);
	h.magic = PACK_MAGIC;
	h.first = first;
	h.count = count;
	h.shape = *r;
	memcpy(p, &h, sizeof h);
	p += sizeof h;
	for (i = 0; i < NARRAYS; i++) {
		size_t n = a[i].per_rep * (size_t)count;
		memcpy(p, (const unsigned char *)a[i].base + a[i].per_rep * (size_t)first, n);
		p += n;
	}
	return need;
}

/* New zeroed results of the same shape as like (no counts yet). */
static int results_alloc_like(stroom_results **out, const stroom_results *like,
			      const stroom_allocator *al)
{
	stroom_results *r = stroom_calloc(al, 1, sizeof *r);
	results_array a[NARRAYS];
	*out = NULL;
	if (!r)
		return STROOM_ENOMEM;
	*r = *like;
	r->alloc = al;
	r->counts = r->final = r->team = r->istart = r->ipart = NULL;
	r->money = NULL;
	r->drawn = NULL;
	results_arrays(r, a); /* sizes only */
	r->counts = stroom_calloc(al, (size_t)r->replicates, a[0].per_rep);
	r->final = stroom_calloc(al, (size_t)r->replicates, a[1].per_rep);
	r->money = stroom_calloc(al, (size_t)r->replicates, a[2].per_rep);
	r->team = stroom_calloc(al, (size_t)r->replicates, a[3].per_rep);
	r->istart = stroom_calloc(al, (size_t)r->replicates, a[4].per_rep);
	r->ipart = stroom_calloc(al, (size_t)r->replicates, a[5].per_rep);
	r->drawn = stroom_calloc(al, (size_t)r->replicates, a[6].per_rep);
	if (!r->counts || !r->final || !r->money || !r->team || !r->istart || !r->ipart || !r->drawn) {
		stroom_results_free(r);
		return STROOM_ENOMEM;
	}
	*out = r;
	return 0;
}

int stroom_results_unpack(stroom_results **out, const void *buf, size_t size, const stroom_allocator *al)
{
	const unsigned char *p = buf;
	results_array a[NARRAYS];
	pack_header h;
	stroom_results *r;
	size_t need = sizeof h, i;
	int err;
	*out = NULL;
	if (size < sizeof h)
		return stroom_error_set(STROOM_EINVAL, "results pack: %zu bytes is too short", size);
	memcpy(&h, p, sizeof h);
	if (h.magic != PACK_MAGIC || h.shape.replicates < 1 || h.shape.months < 1 ||
	    h.shape.ngroups < 1 || h.shape.ngroups > 15 + STROOM_MAX_AREAS || h.first < 0 ||
	    h.count < 0 || h.first > h.shape.replicates - h.count)
		return stroom_error_set(STROOM_EINVAL, "results pack: not a pack of results");
	results_arrays(&h.shape, a);
	for (i = 0; i < NARRAYS; i++)
		need += a[i].per_rep * (size_t)h.count;
	if (size != need)
		return stroom_error_set(STROOM_EINVAL, "results pack: expected %zu bytes, got %zu", need,
					size);
	if ((err = results_alloc_like(&r, &h.shape, al)) != 0)
		return err;
	results_arrays(r, a);
	p += sizeof h;
	for (i = 0; i < NARRAYS; i++) {
		size_t n = a[i].per_rep * (size_t)h.count;
		memcpy((unsigned char *)a[i].base + a[i].per_rep * (size_t)h.first, p, n);
		p += n;
	}
	*out = r;
	return 0;
}

static int same_shape(const stroom_results *x, const stroom_results *y)
{
	return x->replicates == y->replicates && x->months == y->months && x->ngroups == y->ngroups &&
	       x->start == y->start && x->n_teams == y->n_teams && x->n_instruments == y->n_instruments &&
	       x->n_drawn == y->n_drawn && x->draw_stride == y->draw_stride;
}

int stroom_results_copy_replicates(stroom_results *dst, const stroom_results *src, int first, int count)
{
	results_array ad[NARRAYS], as[NARRAYS];
	size_t i;
	if (!same_shape(dst, src) || first < 0 || count < 0 || first > dst->replicates - count)
		return stroom_error_set(STROOM_EINVAL, "results: cannot copy replicates %d+%d", first,
					count);
	results_arrays(dst, ad);
	results_arrays(src, as);
	for (i = 0; i < NARRAYS; i++)
		memcpy((unsigned char *)ad[i].base + ad[i].per_rep * (size_t)first,
		       (const unsigned char *)as[i].base + as[i].per_rep * (size_t)first,
		       as[i].per_rep * (size_t)count);
	return 0;
}

int stroom_results_add(stroom_results *dst, const stroom_results *src)
{
	const size_t R = (size_t)dst->replicates, T = (size_t)dst->months, G = (size_t)dst->ngroups;
	size_t i, n;
	if (!same_shape(dst, src))
		return stroom_error_set(STROOM_EINVAL, "results: cannot add runs of different shapes");
	n = R * T * STROOM_NIND * G;
	for (i = 0; i < n; i++)
		dst->counts[i] += src->counts[i];
	for (i = 0; i < R * G; i++)
		dst->final[i] += src->final[i];
	n = R * T * STROOM_NMONEY * G;
	for (i = 0; i < n; i++)
		dst->money[i] += src->money[i];
	for (i = 0; i < R * T * STROOM_MAX_TEAMS; i++)
		dst->team[i] += src->team[i];
	for (i = 0; i < R * T * STROOM_MAX_INSTRUMENTS; i++) {
		dst->istart[i] += src->istart[i];
		dst->ipart[i] += src->ipart[i];
	}
	return 0;
}
