/*
 * stroom/conditions.h: the AEF conditions catalogue (data/policy/conditions.csv,
 * compiled in). AEF's conceptual model of effective execution of the
 * Participatiewet has conditions 2.a-2.r (execution and instruments) and 3.a-3.g
 * (preconditions); its 2024 report on Rotterdam (seed 000) rates each. For every
 * condition the catalogue holds its names, what it means, the scenario keys
 * (levers) that act on it, the model flows it moves and Rotterdam's rating.
 * 2.n is not in the report: its row is marked absent.
 *
 * stroom_conditions_touched tells which conditions a scenario's levers act on,
 * for a run's summary and `stroom conditions SCENARIO`. docs/policy.md gives the
 * evidence behind each lever.
 */
#ifndef STROOM_CONDITIONS_H
#define STROOM_CONDITIONS_H

#include <stroom/common.h>
#include <stroom/scenario.h>

#ifdef __cplusplus
extern "C" {
#endif

/* One condition; every field a NUL-terminated copy of the catalogue's column. */
typedef struct stroom_condition {
	char code[8];        /* "2.a" .. "3.g" */
	char name_nl[80];    /* the report's Dutch name, e.g. "Selectie aan de poort" */
	char name_en[80];    /* e.g. "Selection at the gate" */
	char meaning[384];   /* the hypothesis of the model: what the condition does */
	char levers[192];    /* ';'-separated scenario keys acting on it; "" = no lever yet */
	char hazards[64];    /* ';'-separated flows it moves: inflow, work, lks, other,
				enforcement, returns, money; "" = a precondition */
	char rating[8];      /* Rotterdam's rating in seed 000: GOK, MOK, GOK+R or R;
				"-" when absent */
	char lines[48];      /* where seed 000 discusses it, e.g. "L231;L1057-1142" */
	char note[512];      /* Rotterdam's situation and caveats */
	int absent;          /* 1 = not in the report (2.n) */
} stroom_condition;

/* Number of conditions in the catalogue (absent ones included). */
STROOM_API size_t stroom_conditions_count(void);

/*
 * Copies condition i (catalogue order) into *out. Returns 0, STROOM_ENOTFOUND
 * when i >= count, or STROOM_EPARSE when the compiled-in catalogue is malformed
 * (detail "data/policy/conditions.csv:LINE: ...").
 */
STROOM_API int stroom_conditions_get(size_t i, stroom_condition *out);

/* As get, by code ("2.e"). STROOM_ENOTFOUND for an unknown code. */
STROOM_API int stroom_conditions_find(const char *code, stroom_condition *out);

/*
 * Whether the scenario uses lever `key` (a token of the levers column): 1 when it
 * differs from its no-effect default, 0 when not, STROOM_ENOTFOUND for a key the
 * catalogue does not know. Used means: teams: n_teams > 0; capacity.elasticity:
 * not fixed at 0; instruments: an instrument on benefit; instruments.after_exit:
 * an aftercare instrument; gate.search_share > 0; gate.search_effect and
 * gate.selection: not fixed at 0; prevention.*: prevention.reach above 0 in some
 * month; enforcement.*: enforcement.controls above 0 in some month; targets.*:
 * targets.pressure above 0 in some month; hazard.lks_share > 0.
 */
STROOM_API int stroom_conditions_lever_used(const stroom_params *p, const char *key);

/*
 * Writes one line per condition whose levers the scenario uses, in catalogue
 * order: "CODE NAME_EN (lever, lever)\n". Returns the length the text needs
 * (excluding NUL), like snprintf; truncates when size is too small; "" and 0
 * when no lever is used.
 */
STROOM_API size_t stroom_conditions_touched(const stroom_params *p, char *buf, size_t size);

/*
 * Walks each condition whose levers p uses (stroom_conditions_lever_used == 1),
 * in catalogue order: fn(payload, c, key, k) for its k-th used lever (k = 0, 1,
 * ...), then fn(payload, c, NULL, n) once after its n used levers; conditions
 * with no used lever are skipped. stroom_conditions_touched and a run's
 * manifest.json ("conditions") are written from it.
 */
STROOM_API void stroom_conditions_each_used(const stroom_params *p,
					    void (*fn)(void *payload, const stroom_condition *c,
						       const char *key, int k),
					    void *payload);

#ifdef __cplusplus
}
#endif
#endif
