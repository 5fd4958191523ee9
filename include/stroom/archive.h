/*
 * stroom/archive.h: the run archive, a SQLite database that records every run,
 * comparison and calibration with every file of its output directory, so that an
 * earlier answer can be listed, shown, compared with a later one and written out
 * again byte for byte (docs/archive.md).
 *
 * Every write is one transaction (BEGIN IMMEDIATE ... COMMIT): a failure, or a
 * process stopped half-way, leaves no partial record. The database says what it is
 * (PRAGMA application_id) and which schema it has (PRAGMA user_version); a file
 * that is not a stroom archive, or one of a newer schema, is refused and left as it
 * was. Like the rest of the library, nothing here prints or exits.
 */
#ifndef STROOM_ARCHIVE_H
#define STROOM_ARCHIVE_H

#include <stroom/common.h>

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* The schema this library writes (PRAGMA user_version) and the database's
 * application_id ("STRM"). */
#define STROOM_ARCHIVE_SCHEMA 1
#define STROOM_ARCHIVE_APPLICATION_ID 0x5354524d

/* Limits of one record: its files, one file's size and all of them together. */
#define STROOM_ARCHIVE_MAX_FILES 64
#define STROOM_ARCHIVE_MAX_FILE_BYTES ((size_t)512 << 20)
#define STROOM_ARCHIVE_MAX_RECORD_BYTES ((size_t)900 << 20)

typedef struct stroom_archive stroom_archive;

/*
 * The default archive into buf: $XDG_DATA_HOME/stroom/archive.sqlite when
 * XDG_DATA_HOME is an absolute path, else $HOME/.local/share/stroom/archive.sqlite.
 * Returns 0, or STROOM_ENOTFOUND when neither is set (or the path does not fit).
 */
STROOM_API int stroom_archive_default_path(char *buf, size_t size);

/* stroom_archive_open's flags. */
enum {
	/* Create the database (and its missing parent directories) when it does not
	 * exist; without it a missing database is STROOM_ENOTFOUND. */
	STROOM_ARCHIVE_CREATE = 1
};

/*
 * Opens the archive at path: 0, or STROOM_ENOTFOUND (no such file, without
 * STROOM_ARCHIVE_CREATE), STROOM_EINVAL (not a stroom archive; a newer schema than
 * this stroom reads), STROOM_EIO (cannot create or read it) or STROOM_ENOMEM, with
 * a detail that names path. A new or empty database gets the schema. a (NULL =
 * malloc) allocates what the library keeps; SQLite uses its own allocator.
 */
STROOM_API int stroom_archive_open(stroom_archive **out, const char *path, int flags,
				   const stroom_allocator *a);
STROOM_API void stroom_archive_close(stroom_archive *ar);
/* The path the archive was opened with. */
STROOM_API const char *stroom_archive_path(const stroom_archive *ar);

/* What a record is of. */
typedef enum stroom_archive_kind {
	STROOM_ARCHIVE_RUN = 0,
	STROOM_ARCHIVE_COMPARE = 1,
	STROOM_ARCHIVE_CALIBRATE = 2
} stroom_archive_kind;
/* "run", "compare", "calibrate". */
STROOM_API const char *stroom_archive_kind_name(stroom_archive_kind kind);

/* What the caller knows of a record beyond its files. */
typedef struct stroom_archive_meta {
	stroom_archive_kind kind;
	const char *command;  /* the command line, as typed */
	const char *scenario; /* the scenario's name ("A vs B" for a comparison) */
	/* P(caseload <= target on the target date) of a run; NAN when it has none
	 * (a comparison's come from its compare.csv) */
	double target_p;
} stroom_archive_meta;

/* One file of a record: its name (letters, digits, '.', '_', '-'; not starting
 * with '.') and its bytes. */
typedef struct stroom_archive_file {
	const char *name;
	const void *data;
	size_t len;
} stroom_archive_file;

/*
 * Records the output directory dir (complete: call after it is written): every
 * file in it (regular files only; anything else is refused), its absolute path,
 * the manifest.json text (which dir must hold) and meta, in one transaction. *id
 * (may be NULL) gets the new record's id. Returns 0 or a negative code with its
 * detail; on failure the archive is as it was.
 */
STROOM_API int stroom_archive_record_dir(stroom_archive *ar, const stroom_archive_meta *meta,
					 const char *dir, int64_t *id);

/*
 * As stroom_archive_record_dir for files that are not (or not yet) a directory on
 * disk, such as a comparison printed without --out: the n files (one of them
 * manifest.json), and dir (may be NULL) as the record's directory (made absolute
 * when it exists).
 */
STROOM_API int stroom_archive_record_files(stroom_archive *ar, const stroom_archive_meta *meta,
					   const char *dir, const stroom_archive_file *files, size_t n,
					   int64_t *id);

/* One record as list and get give it; the strings live as long as the record. */
typedef struct stroom_archive_record {
	int64_t id;
	stroom_archive_kind kind;
	const char *created_utc;    /* "YYYY-MM-DDTHH:MM:SSZ", when it was recorded */
	const char *command;        /* the command line */
	const char *scenario;       /* the scenario's name, "A vs B" for a comparison */
	const char *directory;      /* absolute path of the output directory, or "" */
	const char *stroom_version; /* the version that recorded it */
	const char *manifest;       /* manifest.json's text (get only; "" in a list) */
	double target_p;            /* P(target): a run's, a comparison's B; NAN: none */
	double target_p_a;          /* a comparison's A; NAN otherwise */
	size_t n_files;
	int64_t bytes; /* the files' total size */
} stroom_archive_record;

/* The records, newest first (by id), at most limit of them (0: all), into a new
 * array *out of *n (free with stroom_archive_records_free). */
STROOM_API int stroom_archive_list(stroom_archive *ar, int limit, stroom_archive_record **out,
				   size_t *n);
STROOM_API void stroom_archive_records_free(stroom_archive *ar, stroom_archive_record *recs,
					    size_t n);

/* Record id into *out (free with stroom_archive_records_free(ar, out, 1)):
 * STROOM_ENOTFOUND when there is none. */
STROOM_API int stroom_archive_get(stroom_archive *ar, int64_t id, stroom_archive_record **out);

/* The names of record id's files, sorted, into *names (n of them; free with
 * stroom_archive_names_free). */
STROOM_API int stroom_archive_file_names(stroom_archive *ar, int64_t id, char ***names, size_t *n);
STROOM_API void stroom_archive_names_free(stroom_archive *ar, char **names, size_t n);

/* The bytes of record id's file name into *data (len bytes and a NUL after them;
 * free with stroom_archive_data_free): STROOM_ENOTFOUND when there is none. */
STROOM_API int stroom_archive_file_data(stroom_archive *ar, int64_t id, const char *name,
					char **data, size_t *len);
STROOM_API void stroom_archive_data_free(stroom_archive *ar, char *data);

/* Removes record id and its files (one transaction): STROOM_ENOTFOUND when there
 * is none. Ids are never used again. */
STROOM_API int stroom_archive_remove(stroom_archive *ar, int64_t id);

/*
 * Writes record id's files into the directory dir, all or nothing, as a run
 * directory is written (dir must not exist; missing parents are made; a temporary
 * directory renamed into place): the result equals the directory that was
 * recorded, byte for byte. cancelled (may be NULL) is asked before each file and
 * before the rename; nonzero stops with STROOM_EINTR and leaves nothing.
 */
STROOM_API int stroom_archive_export(stroom_archive *ar, int64_t id, const char *dir,
				     int (*cancelled)(const char *step, void *payload), void *payload);

/* One difference between two records. */
typedef enum stroom_archive_diff_section {
	STROOM_DIFF_SETTING = 0, /* a key of the manifest (scenario.*, seed, replicates, ...) */
	STROOM_DIFF_INPUT = 1,   /* an input file's sha256 */
	STROOM_DIFF_RESULT = 2,  /* a headline result (shown even when equal) */
	STROOM_DIFF_FILE = 3     /* a stored file whose bytes differ, or that one lacks */
} stroom_archive_diff_section;

typedef struct stroom_archive_diff_item {
	stroom_archive_diff_section section;
	const char *key;  /* "scenario.inflow.per_year", "P(caseload <= 30000 on 2026-01)" */
	const char *a, *b; /* the values in the first and second record; "" when absent */
} stroom_archive_diff_item;

/*
 * What changed from record a to record b: the manifest keys that differ (the
 * resolved scenario and the run's settings, flattened to dotted keys; the time it
 * was written left out), the inputs whose sha256 differs or that one of them lacks
 * (by path), the headline results of both (a run: the caseload median on the
 * target date, P(target), the budget result per year and what a posterior
 * narrowed; a comparison: P(target) of A and B and B - A's budget result per
 * year), and the files that differ.
 * Into a new array *out of *n (free with stroom_archive_diff_free). STROOM_ENOTFOUND
 * when a record does not exist; STROOM_EPARSE when a stored manifest is not JSON.
 */
STROOM_API int stroom_archive_diff(stroom_archive *ar, int64_t a, int64_t b,
				   stroom_archive_diff_item **out, size_t *n);
STROOM_API void stroom_archive_diff_free(stroom_archive *ar, stroom_archive_diff_item *items,
					 size_t n);

#ifdef __cplusplus
}
#endif
#endif
