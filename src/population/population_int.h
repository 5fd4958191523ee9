/*
 * population_int.h: what population.c and steady.c share: the population's
 * handle and its one allocation, and the steady-state synthesis.
 */
#ifndef STROOM_POPULATION_INT_H
#define STROOM_POPULATION_INT_H

#include "internal.h"

#include <stroom/population.h>

/* One allocation for the handle and all arrays of `capacity` households
 * (population.c). */
int population_new(stroom_population **out, size_t capacity, const stroom_allocator *alloc);

/* Checks the areas' count and population.households (population.c): 0 or
 * STROOM_EINVAL with the key. */
int population_check_size(const stroom_params *p);

/* population.start: steady (steady.c): p->population_households households in
 * the composition the scenario's inflow and hazards reach in the long run, aow
 * the pension age in months on p->start. */
int population_synthesise_steady(stroom_population **out, const stroom_params *p,
				 const stroom_rules *rules, int32_t aow,
				 const stroom_allocator *alloc);

#endif
