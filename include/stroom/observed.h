/*
 * stroom/observed.h: observed series (a municipality's record of its caseload
 * and flows) read from the tidy CSV format of docs/observed.md:
 *
 *   period,indicator,group,value,unit,source
 *   2018-01-01,caseload,all,37667,benefits,"Jaarstukken 2018, ..."
 *
 * A loaded file is immutable: its rows in file order, each checked (known
 * indicator, a period kind that fits it, no duplicate, a value its unit allows,
 * a source). Input errors are one line "FILE:LINE:COL: column NAME: expected
 * ..., got '...'" with STROOM_EINVAL (STROOM_EPARSE for text that is not a CSV).
 */
#ifndef STROOM_OBSERVED_H
#define STROOM_OBSERVED_H

#include <stroom/common.h>

#ifdef __cplusplus
extern "C" {
#endif

/* What a row counts. */
enum {
	STROOM_OBS_UNIT_HOUSEHOLDS, /* households (the model's unit) */
	STROOM_OBS_UNIT_BENEFITS,   /* benefits paid (one per household; a record's count) */
	STROOM_OBS_UNIT_PERSONS,    /* persons (a couple is two) */
	STROOM_OBS_UNIT_SHARE       /* a share in [0, 1] of the caseload of "all" that day */
};

/* Indicators: the STROOM_IND_* of include/stroom/sim.h for what the model produces,
 * plus the record-only ones below (read, reported, never fitted). */
enum {
	STROOM_OBS_IND_INFLOW = 100,        /* inflow_new + inflow_return ("instroom") */
	STROOM_OBS_IND_EXITS = 101,         /* every exit (work, lks, other, enforcement, pension) */
	STROOM_OBS_IND_APPLICATIONS = 200,  /* record only: applications */
	STROOM_OBS_IND_REEXAMINATIONS = 201 /* record only: re-examinations */
};

/* One observation. */
typedef struct stroom_obs_row {
	stroom_month month; /* stock: the month on whose 1st it is counted;
			       flow: the first month of the period */
	int months;         /* 0 = a stock; 1, 3 or 12 = a flow over that many months */
	int indicator;      /* STROOM_IND_* or STROOM_OBS_IND_* */
	char group[32];     /* "all" or a results group name ("short", ">5y", "zuid", ...) */
	double value;       /* a count, or a share in [0, 1] (unit share: of the caseload
			       of "all" on the same day, for a stock) */
	int unit;           /* STROOM_OBS_UNIT_* */
	int line;           /* line in the file (for messages) */
	const char *source; /* borrowed: lives as long as the stroom_observed */
} stroom_obs_row;

typedef struct stroom_observed stroom_observed;

/*
 * Reads the observed-series CSV at path (at most 16 MiB and 100,000 rows; valid
 * UTF-8 without NUL bytes). Returns 0 with *out set (free with
 * stroom_observed_free), or STROOM_ENOTFOUND, STROOM_EIO, STROOM_EPARSE,
 * STROOM_EINVAL (one-line detail, stroom_error_last) or STROOM_ENOMEM.
 * al NULL = malloc.
 */
STROOM_API int stroom_observed_load(stroom_observed **out, const char *path,
				    const stroom_allocator *al);
/* The same from a text of len bytes (need not be NUL-terminated); name is used in
 * messages and as the path. */
STROOM_API int stroom_observed_load_string(stroom_observed **out, const char *text, size_t len,
					   const char *name, const stroom_allocator *al);
STROOM_API void stroom_observed_free(stroom_observed *o);
/* Rows in file order. */
STROOM_API size_t stroom_observed_count(const stroom_observed *o);
/* Row i < count, or NULL. */
STROOM_API const stroom_obs_row *stroom_observed_row(const stroom_observed *o, size_t i);
/* The path (or name) it was read from. */
STROOM_API const char *stroom_observed_path(const stroom_observed *o);
/* "households", "benefits", "persons", "share"; NULL for another value. */
STROOM_API const char *stroom_observed_unit_name(int unit);
/* "caseload", "inflow_new", ..., "inflow", "exits", "applications",
 * "reexaminations"; NULL for an indicator the format does not have. */
STROOM_API const char *stroom_observed_indicator_name(int ind);

#ifdef __cplusplus
}
#endif
#endif
