/*
 * stroom/observed.h: observed series (the interface of issue 11; the observed
 * module's own header replaces this declaration-only copy).
 */
#ifndef STROOM_OBSERVED_H
#define STROOM_OBSERVED_H

#include <stroom/common.h>

#ifdef __cplusplus
extern "C" {
#endif

enum { STROOM_OBS_UNIT_HOUSEHOLDS, STROOM_OBS_UNIT_BENEFITS, STROOM_OBS_UNIT_PERSONS,
       STROOM_OBS_UNIT_SHARE };
enum { STROOM_OBS_IND_INFLOW = 100, STROOM_OBS_IND_EXITS = 101, STROOM_OBS_IND_APPLICATIONS = 200,
       STROOM_OBS_IND_REEXAMINATIONS = 201 };
typedef struct stroom_obs_row {
	stroom_month month;
	int months;
	int indicator;
	char group[32];
	double value;
	int unit;
	int line;
	const char *source;
} stroom_obs_row;
typedef struct stroom_observed stroom_observed;
STROOM_API int stroom_observed_load(stroom_observed **out, const char *path, const stroom_allocator *al);
STROOM_API int stroom_observed_load_string(stroom_observed **out, const char *text, size_t len,
					   const char *name, const stroom_allocator *al);
STROOM_API void stroom_observed_free(stroom_observed *o);
STROOM_API size_t stroom_observed_count(const stroom_observed *o);
STROOM_API const stroom_obs_row *stroom_observed_row(const stroom_observed *o, size_t i);
STROOM_API const char *stroom_observed_path(const stroom_observed *o);
STROOM_API const char *stroom_observed_unit_name(int unit);
STROOM_API const char *stroom_observed_indicator_name(int ind);

#ifdef __cplusplus
}
#endif
#endif
