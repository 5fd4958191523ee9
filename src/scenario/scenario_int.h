/*
 * scenario_int.h: what the scenario loader (scenario.c), the schema table
 * (scenario_schema.c) and the dump (scenario_dump.c) share. The schema declares
 * every key; the loader walks YAML documents and hands each value node to the
 * schema, which converts, bounds-checks and stores it in stroom_params. Not part
 * of the public API.
 */
#ifndef STROOM_SCENARIO_INT_H
#define STROOM_SCENARIO_INT_H

#include <stroom/scenario.h>

#include <yaml.h>

/* Value types of scenario keys (and of the fields of records). */
typedef enum scenario_type {
	KEY_STRING,    /* char[size]; min/max bound the length */
	KEY_NAME,      /* char[size] restricted to [A-Za-z0-9_.-], starting alphanumeric */
	KEY_INT,       /* int in [min, max] */
	KEY_INT64,     /* int64_t in [min, max] (money) */
	KEY_UINT64,    /* uint64_t, full range */
	KEY_DOUBLE,    /* double in [min, max] */
	KEY_MONTH,     /* stroom_month from "YYYY-MM" */
	KEY_LIST,      /* double[length], each in [min, max] */
	KEY_AREA_LIST, /* double[STROOM_MAX_AREAS], one per area (n_areas entries) */
	KEY_AREAS,     /* the area names: n_areas and area_name[] */
	KEY_SERIES,    /* stroom_series, values in [min, max] */
	KEY_ENUM,      /* int: index into the labels */
	KEY_PRIOR,     /* stroom_prior; [min, max] become its support lo, hi */
	KEY_SELECTOR,  /* stroom_selector: class names -> bit masks */
	KEY_RECORDS    /* a count and an array of records (see scenario_record) */
} scenario_type;

/* Flags of a key. */
enum {
	KEY_SHARES = 1u << 0,   /* a list whose entries sum to 1 */
	KEY_FILE = 1u << 1,     /* a path; relative paths are relative to the scenario file */
	KEY_NONEMPTY = 1u << 2, /* a series that needs at least one point */
	KEY_FROM_START = 1u << 3, /* a series whose first month is at or before start */
	KEY_NO_PRIOR = 1u << 4, /* a number that cannot carry a prior (used once, not per replicate) */
	KEY_COUNT = 1u << 5,    /* counts households or people (or starts, controls a year):
				   whole numbers written without '.', so that a Dutch
				   thousands separator (2.400) is an error, not 2.4 */
	KEY_SERIES_PRIOR = 1u << 6 /* a series whose values may be priors (the shocks) */
};

typedef struct scenario_record scenario_record;

/*
 * One scenario key: the row of the schema table. The fields of a record are
 * rows of the same shape, with `path` the field's name and `offset` relative to
 * the record.
 */
typedef struct scenario_key {
	const char *path;     /* dotted path, e.g. "hazard.work.distance" */
	scenario_type type;
	size_t offset;        /* of the field in stroom_params (or in its record) */
	size_t size;          /* of the field in bytes */
	int length;           /* KEY_LIST, KEY_ENUM: number of entries / values */
	double min, max;      /* bounds of values (strings: length; KEY_AREAS: count) */
	const char *def;      /* default as YAML text; NULL = required (or def_from) */
	const char *def_from; /* record fields: defaults to this sibling field's value */
	double empty_value;   /* KEY_SERIES: the value an empty series stands for */
	unsigned flags;       /* KEY_SHARES, KEY_FILE, KEY_NONEMPTY, KEY_FROM_START */
	const char *(*label)(int i); /* names of list entries / enum values, or NULL */
	const scenario_record *record; /* KEY_RECORDS: the record type */
	const char *unit;
	const char *doc;
} scenario_key;

/* Most fields a record type may have. */
#define SCENARIO_MAX_FIELDS 12

/*
 * A record type (KEY_RECORDS): a map of name -> fields in YAML, an int count and
 * an array of structs in stroom_params. The key's offset/size span the count and
 * the array (which follows it). Records keep file order; extends merges them by
 * name, field by field.
 */
struct scenario_record {
	const char *what;          /* one record, for messages: "team" */
	size_t count_offset;       /* int in stroom_params: records in use */
	size_t array_offset;       /* the first record in stroom_params */
	size_t stride;             /* sizeof one record */
	size_t name_offset;        /* char[STROOM_NAME_LEN] in the record */
	int max;                   /* capacity of the array */
	const scenario_key *fields;
	size_t nfields;            /* at most SCENARIO_MAX_FIELDS */
};

/*
 * The area names a selector listed, kept as text until the scenario's final
 * `areas` is known (an extending file may change the areas after a base set the
 * selector), with where each was written.
 */
typedef struct scenario_areanames {
	int n;
	const char *file;
	char name[STROOM_MAX_AREAS][STROOM_NAME_LEN];
	size_t line[STROOM_MAX_AREAS], col[STROOM_MAX_AREAS];
} scenario_areanames;

typedef struct scenario_recstate scenario_recstate;

/* Where the value of a key (or record field) was last set, and how many entries it had. */
typedef struct scenario_keystate {
	int set;              /* 0 = unset, 1 = default, 2 = from a file */
	int count;            /* lists: entries given */
	const char *file;     /* NULL while only defaulted; borrowed for the load */
	size_t line, col;     /* 1-based position of the key */
	scenario_areanames *areas; /* KEY_SELECTOR: its area names (owned by the state) */
	scenario_recstate *rec;    /* KEY_RECORDS: one per record slot, parallel to the array */
} scenario_keystate;

/* The load state of one record: where it was added and the state of each field. */
struct scenario_recstate {
	const char *file;
	size_t line, col;
	scenario_keystate field[SCENARIO_MAX_FIELDS];
};

/* A class of a selector: its YAML name, its mask in stroom_selector and its names
 * (label(0..n-1); NULL for areas, whose names are the scenario's `areas`). */
typedef struct scenario_selector_class {
	const char *name;
	size_t offset;
	int n;
	const char *(*label)(int i);
} scenario_selector_class;
extern const scenario_selector_class scenario_selector_classes[];
extern const size_t scenario_nselector_classes;

/* "normal", "lognormal", ... for STROOM_PRIOR_*; "fixed" for FIXED; NULL otherwise. */
const char *scenario_prior_name(int dist);

/*
 * Nonzero when the numbers of key k may be written as priors (uncertain
 * parameters): a top-level number key or list that is not a list of shares and
 * not KEY_NO_PRIOR, or a series marked KEY_SERIES_PRIOR (each month's value).
 * Record fields never are (their priors are KEY_PRIOR fields).
 */
int scenario_key_takes_prior(const scenario_key *k);
/* The prior of the uncertain parameter at byte offset `offset` of p, or NULL. */
const stroom_prior *scenario_uncertain_at(const stroom_params *p, size_t offset);

/* The table (schema order) and its length. */
extern const scenario_key scenario_keys[];
extern const size_t scenario_nkeys;

/* Where a field of a record map (`teams`, `instruments`) was set by a file: its
 * path "teams.NAME.FIELD", its unit, the file (one of the scenario's inputs) and
 * the line of the field's key. */
typedef struct scenario_field_where {
	char path[160];
	const char *unit;
	const char *file;
	size_t line;
} scenario_field_where;
/* The record fields a file set, in the order of the records (scenario.c). */
const scenario_field_where *scenario_field_wheres(const struct stroom_scenario *s, size_t *n);

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
 * The load state: one scenario_keystate per schema key (index = table index),
 * with the record and area-name states they point to, in one block from the
 * allocator, zeroed. Returns NULL (ENOMEM detail set) when allocation fails.
 */
scenario_keystate *scenario_state_new(const stroom_allocator *a);
void scenario_state_free(const stroom_allocator *a, scenario_keystate *st);

/*
 * Converts the YAML value node of key k from `file` into p, replacing the previous
 * value whole (record maps: merged by name, field by field). Updates st. Returns
 * 0, or STROOM_EPARSE (wrong type or form) / STROOM_EINVAL (out of bounds) with
 * "FILE:LINE:COL: key: expected ..., got ...".
 */
int scenario_key_set(const scenario_key *k, stroom_params *p, scenario_keystate *st,
		     yaml_document_t *doc, yaml_node_t *node, const char *file);
/* Sets every key that has a default to it (in st: set = 1). Returns 0 or an error (a bug). */
int scenario_set_defaults(stroom_params *p, scenario_keystate *st);
/*
 * Completes and checks the resolved scenario: required keys and record fields
 * present, record defaults taken from siblings (a team's reference = its norm),
 * selector area names turned into bits of the final `areas`, then what single
 * values cannot check: shares summing to 1, area lists matching the areas, end >=
 * start, and so on. `top` names the scenario for keys that no file set. Returns 0
 * or STROOM_EINVAL with the detail set.
 */
int scenario_finish(stroom_params *p, scenario_keystate *st, const char *top);

#endif
