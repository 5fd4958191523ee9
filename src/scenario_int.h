/*
 * scenario_int.h: what the scenario loader (scenario.c) and the schema table
 * (scenario_schema.c) share. The schema declares every key; the loader walks YAML
 * documents and hands each value node to the schema, which converts, bounds-checks
 * and stores it in stroom_params. Not part of the public API.
 */
#ifndef STROOM_SCENARIO_INT_H
#define STROOM_SCENARIO_INT_H

#include <stroom/scenario.h>

#include <yaml.h>

/* Value types of scenario keys. */
typedef enum scenario_type {
	KEY_STRING,    /* char[size]; min/max bound the length */
	KEY_NAME,      /* char[size] restricted to [A-Za-z0-9_.-], starting alphanumeric */
	KEY_INT,       /* int in [min, max] */
	KEY_UINT64,    /* uint64_t, full range */
	KEY_DOUBLE,    /* double in [min, max] */
	KEY_MONTH,     /* stroom_month from "YYYY-MM" */
	KEY_LIST,      /* double[length], each in [min, max] */
	KEY_AREA_LIST, /* double[STROOM_MAX_AREAS], one per area (n_areas entries) */
	KEY_AREAS,     /* the area names: n_areas and area_name[] */
	KEY_SERIES,    /* stroom_series, values in [min, max] */
	KEY_ENUM       /* int: index into the labels */
} scenario_type;

/* Flags of a key. */
enum {
	KEY_SHARES = 1u << 0,   /* a list whose entries sum to 1 */
	KEY_FILE = 1u << 1,     /* a path; relative paths are relative to the scenario file */
	KEY_NONEMPTY = 1u << 2  /* a series that needs at least one point */
};

/* One scenario key: the row of the schema table. */
typedef struct scenario_key {
	const char *path;     /* dotted path, e.g. "hazard.work.distance" */
	scenario_type type;
	size_t offset;        /* of the field in stroom_params */
	size_t size;          /* of the field in bytes */
	int length;           /* KEY_LIST, KEY_ENUM: number of entries / values */
	double min, max;      /* bounds of values (strings: length; KEY_AREAS: count) */
	const char *def;      /* default as YAML text; NULL = required */
	double empty_value;   /* KEY_SERIES: the value an empty series stands for */
	unsigned flags;       /* KEY_SHARES, KEY_FILE, KEY_NONEMPTY */
	const char *(*label)(int i); /* names of list entries / enum values, or NULL */
	const char *unit;
	const char *doc;
} scenario_key;

/* Where the value of a key was last set, and how many entries it had. */
typedef struct scenario_keystate {
	int set;              /* 0 = unset, 1 = default, 2 = from a file */
	int count;            /* lists: entries given */
	const char *file;     /* NULL while only defaulted; borrowed for the load */
	size_t line, col;     /* 1-based position of the key */
} scenario_keystate;

/* The table (schema order) and its length. */
extern const scenario_key scenario_keys[];
extern const size_t scenario_nkeys;

/* The key with exactly this dotted path, or NULL. */
const scenario_key *scenario_key_find(const char *path);
/* Nonzero when path names a group of keys (a proper prefix of some key, e.g. "hazard.work"). */
int scenario_key_is_group(const char *path);
/*
 * The closest key or group to an unknown path, for "did you mean": NULL when
 * nothing is close. Returns a borrowed pointer, or writes a group name into buf.
 */
const char *scenario_key_suggest(const char *path, char *buf, size_t size);

/*
 * Converts the YAML value node of key k from `file` into p, replacing the previous
 * value whole. Updates st->count. Returns 0, or STROOM_EPARSE (wrong type or form)
 * / STROOM_EINVAL (out of bounds) with "FILE:LINE:COL: key: expected ..., got ...".
 */
int scenario_key_set(const scenario_key *k, stroom_params *p, scenario_keystate *st,
		     yaml_document_t *doc, yaml_node_t *node, const char *file);
/* Sets every key that has a default to it (in st: set = 1). Returns 0 or an error (a bug). */
int scenario_set_defaults(stroom_params *p, scenario_keystate *st);
/*
 * Checks what single values cannot: required keys present, shares summing to 1,
 * area lists matching the areas, end >= start, and so on. `top` names the scenario
 * for keys that no file set. Returns 0 or STROOM_EINVAL with the detail set.
 */
int scenario_validate(const stroom_params *p, const scenario_keystate *st, const char *top);

#endif
