/*
 * stroom/stroom.h: the umbrella header of libstroom, the engine behind `stroom`.
 * Reading order: common.h, scenario.h, population.h, rules.h, rng.h, sim.h, output.h.
 */
#ifndef STROOM_STROOM_H
#define STROOM_STROOM_H

#include <stroom/archive.h>
#include <stroom/backtest.h>
#include <stroom/budget.h>
#include <stroom/calibrate.h>
#include <stroom/common.h>
#include <stroom/conditions.h>
#include <stroom/ev.h>
#include <stroom/explain.h>
#include <stroom/national.h>
#include <stroom/observed.h>
#include <stroom/output.h>
#include <stroom/plausible.h>
#include <stroom/population.h>
#include <stroom/posterior.h>
#include <stroom/rng.h>
#include <stroom/rules.h>
#include <stroom/scenario.h>
#include <stroom/sim.h>
#include <stroom/target.h>
#include <stroom/xlsx.h>

#endif
