/*
 * stroom/plausible.h: is a scenario's staffing and money plausible for its
 * population? A scenario that only changes population.households keeps the teams,
 * budget and other spending of the municipality it extends; these checks catch
 * that before a run. Each check compares one derived figure on the start month
 * (a team's households per FTE, also against its own norm; the BUIG budget and
 * the other spending per household on benefit) with a range of
 * data/policy/plausible.csv (compiled in), whose every row carries its source
 * (docs/init.md). A figure outside its range is a warning that names the
 * keys that produce it, never an error.
 */
#ifndef STROOM_PLAUSIBLE_H
#define STROOM_PLAUSIBLE_H

#include <stroom/budget.h>
#include <stroom/common.h>
#include <stroom/population.h>
#include <stroom/scenario.h>

#ifdef __cplusplus
extern "C" {
#endif

/* One warning: the keys it names ("teams.werk_zuid.fte, population.households")
 * and one printable line that starts with them. */
typedef struct stroom_plausible_warning {
	char keys[160];
	char text[480];
} stroom_plausible_warning;

/*
 * Checks p with its starting households h (the households on benefit on p->start)
 * and its budget table bud (NULL = no budget checks; the start year missing from
 * the table: no budget check either). Writes up to max warnings to out and
 * returns how many there are (possibly more than max), or a negative STROOM_E*
 * code when the builtin ranges cannot be read.
 */
STROOM_API int stroom_plausible_check(const stroom_params *p, const stroom_households *h,
				      const stroom_budget *bud, stroom_plausible_warning *out,
				      int max);

#ifdef __cplusplus
}
#endif

#endif
