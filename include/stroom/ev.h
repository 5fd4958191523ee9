/*
 * stroom/ev.h: the expected-value engine (the interface of issue 11; the ev
 * module's own header replaces this declaration-only copy).
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

typedef struct stroom_ev stroom_ev;
STROOM_API int stroom_ev_new(stroom_ev **out, const stroom_params *p, const stroom_population *pop,
			     const stroom_rules *rules, const stroom_allocator *al);
STROOM_API void stroom_ev_free(stroom_ev *ev);
STROOM_API int stroom_ev_run(stroom_ev *ev, const stroom_params *q);
STROOM_API int stroom_ev_months(const stroom_ev *ev);
STROOM_API int stroom_ev_groups(const stroom_ev *ev);
STROOM_API const char *stroom_ev_group_name(const stroom_ev *ev, int group);
STROOM_API int stroom_ev_group_index(const stroom_ev *ev, const char *name);
STROOM_API double stroom_ev_value(const stroom_ev *ev, int t, int indicator, int group);
STROOM_API double stroom_ev_money(const stroom_ev *ev, int t, int money, int group);

#ifdef __cplusplus
}
#endif
#endif
