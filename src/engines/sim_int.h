/*
 * sim_int.h: what the engine (sim.c) and its checks (sim_check.c) share.
 */
#ifndef STROOM_SIM_INT_H
#define STROOM_SIM_INT_H

#include <stroom/scenario.h>

#include <stddef.h>

/* Household slots for the n0 starting households plus every new household the
 * months up to `until` can bring: the mean inflow plus 10 standard deviations
 * each month, plus slack. */
double stroom_sim_capacity(const stroom_params *p, size_t n0, stroom_month until);
/* Bytes of a run's results (every replicate, month, indicator and group). */
size_t stroom_sim_result_bytes(const stroom_params *p);

#endif
