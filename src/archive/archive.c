/*
 * archive.c: the run archive (include/stroom/archive.h, docs/archive.md): a SQLite
 * database of records, one per run, comparison or calibration, each with every
 * file of its output directory. Opening checks what the database is; recording and
 * removing are one transaction each; export writes a record's files all or nothing
 * with stroom_write_dir. The differences between two records are archive_diff.c's.
 */
#if !defined(_XOPEN_SOURCE)
#define _XOPEN_SOURCE 700 /* realpath */
#endif
#include "archive_int.h"
#include "outfile.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <math.h>
#include <sha2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

/* How long a write waits for another process's transaction (concurrent runs). */
#define BUSY_TIMEOUT_MS 30000

static const char schema_sql[] =
	"CREATE TABLE IF NOT EXISTS record (\n"
	"  id INTEGER PRIMARY KEY AUTOINCREMENT,\n"
	"  kind TEXT NOT NULL CHECK (kind IN ('run', 'compare', 'calibrate')),\n"
	"  created_utc TEXT NOT NULL,\n"
	"  command TEXT NOT NULL,\n"
	"  scenario TEXT NOT NULL,\n"
	"  directory TEXT NOT NULL,\n"
	"  stroom_version TEXT NOT NULL,\n"
	"  target_p REAL,\n"
	"  target_p_a REAL,\n"
	"  manifest TEXT NOT NULL\n"
	");\n"
	"CREATE TABLE IF NOT EXISTS file (\n"
	"  record_id INTEGER NOT NULL REFERENCES record(id) ON DELETE CASCADE,\n"
	"  name TEXT NOT NULL,\n"
	"  size INTEGER NOT NULL,\n"
	"  sha256 TEXT NOT NULL,\n"
	"  content BLOB NOT NULL,\n"
	"  PRIMARY KEY (record_id, name)\n"
	");\n";

const char *stroom_archive_kind_name(stroom_archive_kind kind)
{
	switch (kind) {
	case STROOM_ARCHIVE_RUN: return "run";
	case STROOM_ARCHIVE_COMPARE: return "compare";
	case STROOM_ARCHIVE_CALIBRATE: return "calibrate";
	}
	return "?";
}

static int kind_parse(const char *s, stroom_archive_kind *k)
{
	if (s && !strcmp(s, "run"))
		*k = STROOM_ARCHIVE_RUN;
	else if (s && !strcmp(s, "compare"))
		*k = STROOM_ARCHIVE_COMPARE;
	else if (s && !strcmp(s, "calibrate"))
		*k = STROOM_ARCHIVE_CALIBRATE;
	else
		return -1;
	return 0;
}

int stroom_archive_default_path(char *buf, size_t size)
{
	const char *xdg = getenv("XDG_DATA_HOME"), *home = getenv("HOME");
	int n;
	if (xdg && xdg[0] == '/')
		n = snprintf(buf, size, "%s/stroom/archive.sqlite", xdg);
	else if (home && home[0])
		n = snprintf(buf, size, "%s/.local/share/stroom/archive.sqlite", home);
	else
		return stroom_error_set(STROOM_ENOTFOUND, "no archive path: neither XDG_DATA_HOME nor "
					"HOME is set");
	if (n < 0 || (size_t)n >= size)
		return stroom_error_set(STROOM_ENOTFOUND, "the archive's path is too long");
	return 0;
}

int stroom_archive_sql_error(stroom_archive *ar, const char *doing)
{
	int rc = sqlite3_errcode(ar->db);
	int code = rc == SQLITE_NOMEM ? STROOM_ENOMEM : STROOM_EIO;
	return stroom_error_set(code, "archive '%s': %s: %s", ar->path, doing, sqlite3_errmsg(ar->db));
}

/* Runs one statement without results: 0 or the error. */
static int exec(stroom_archive *ar, const char *sql, const char *doing)
{
	return sqlite3_exec(ar->db, sql, NULL, NULL, NULL) == SQLITE_OK ? 0
									: stroom_archive_sql_error(ar, doing);
}

/* One integer from a one-row query (a pragma): 0, or an SQLite result code. */
static int query_int(sqlite3 *db, const char *sql, sqlite3_int64 *out)
{
	sqlite3_stmt *st = NULL;
	int rc = sqlite3_prepare_v2(db, sql, -1, &st, NULL);
	if (rc == SQLITE_OK) {
		rc = sqlite3_step(st);
		if (rc == SQLITE_ROW) {
			*out = sqlite3_column_int64(st, 0);
			rc = SQLITE_OK;
		}
	}
	sqlite3_finalize(st);
	return rc;
}

/*
 * What the database is: 1 a stroom archive of this schema, 0 empty (a new file, or
 * a database with nothing in it), or a negative code with the detail (not a stroom
 * archive, a newer schema, unreadable).
 */
static int identify(stroom_archive *ar)
{
	sqlite3_int64 app = 0, version = 0, objects = 0;
	int rc = query_int(ar->db, "PRAGMA application_id", &app);
	if (rc == SQLITE_NOTADB)
		return stroom_error_set(STROOM_EINVAL, "'%s' is not a stroom archive (not a SQLite "
					"database)", ar->path);
	if (rc == SQLITE_OK)
		rc = query_int(ar->db, "PRAGMA user_version", &version);
	if (rc == SQLITE_OK)
		rc = query_int(ar->db, "SELECT count(*) FROM sqlite_master", &objects);
	if (rc != SQLITE_OK)
		return stroom_archive_sql_error(ar, "reading its header");
	if (app == 0 && objects == 0)
		return 0;
	if (app != STROOM_ARCHIVE_APPLICATION_ID)
		return stroom_error_set(STROOM_EINVAL, "'%s' is not a stroom archive (a SQLite database "
					"of another program)", ar->path);
	if (version > STROOM_ARCHIVE_SCHEMA)
		return stroom_error_set(STROOM_EINVAL, "'%s' is a stroom archive of schema %lld, newer "
					"than this stroom reads (%d); use a newer stroom", ar->path,
					(long long)version, STROOM_ARCHIVE_SCHEMA);
	if (version < 1)
		return stroom_error_set(STROOM_EINVAL, "'%s' is a stroom archive without a schema "
					"version (damaged)", ar->path);
	return 1;
}

/* Gives an empty database the schema, in one transaction (another process may be
 * doing the same: whoever comes second finds it done). */
static int create_schema(stroom_archive *ar)
{
	char sql[160];
	int err, what;
	if ((err = exec(ar, "BEGIN IMMEDIATE", "starting a transaction")) != 0)
		return err;
	what = identify(ar);
	if (what < 0) {
		err = what;
	} else if (what == 0) {
		snprintf(sql, sizeof sql, "PRAGMA application_id = %d; PRAGMA user_version = %d;",
			 STROOM_ARCHIVE_APPLICATION_ID, STROOM_ARCHIVE_SCHEMA);
		err = exec(ar, schema_sql, "creating its tables");
		if (!err)
			err = exec(ar, sql, "setting its version");
	}
	if (!err)
		return exec(ar, "COMMIT", "creating its tables");
	sqlite3_exec(ar->db, "ROLLBACK", NULL, NULL, NULL);
	return err;
}

int stroom_archive_open(stroom_archive **out, const char *path, int flags, const stroom_allocator *a)
{
	stroom_archive *ar;
	struct stat st;
	int err, what, exists;
	*out = NULL;
	if (!path || !path[0])
		return stroom_error_set(STROOM_EINVAL, "the archive's path is empty");
	if (strlen(path) >= sizeof ar->path)
		return stroom_error_set(STROOM_EINVAL, "the archive's path is too long");
	exists = stat(path, &st) == 0;
	if (!exists && errno != ENOENT)
		return stroom_error_set(STROOM_EIO, "archive '%s': %s", path, strerror(errno));
	if (exists && !S_ISREG(st.st_mode))
		return stroom_error_set(STROOM_EINVAL, "'%s' is not a stroom archive (%s)", path, S_ISDIR(st.st_mode) ? "a directory" : "not a file");
	if (!exists && !(flags & STROOM_ARCHIVE_CREATE))
		return stroom_error_set(STROOM_ENOTFOUND, "no archive at '%s' (nothing recorded yet)", path);
	if (!exists) {
		char parent[4096];
		const char *base;
		stroom_made_dirs made;
		stroom_path_split(path, parent, sizeof parent, &base);
		if (stroom_mkdirs(&made, parent) != 0)
			return stroom_error_set(STROOM_EIO, "cannot create '%s' for the archive: %s", made.path,
						strerror(errno));
	}
	ar = stroom_calloc(a, 1, sizeof *ar);
	if (!ar)
		return STROOM_ENOMEM;
	ar->alloc = *stroom_alloc_or_default(a);
	snprintf(ar->path, sizeof ar->path, "%s", path);
	if (sqlite3_open_v2(path, &ar->db,
			    SQLITE_OPEN_READWRITE | (exists ? 0 : SQLITE_OPEN_CREATE), NULL) != SQLITE_OK) {
		err = ar->db ? stroom_archive_sql_error(ar, "opening it")
			     : stroom_error_set(STROOM_ENOMEM, "out of memory");
		stroom_archive_close(ar);
		return err;
	}
	sqlite3_extended_result_codes(ar->db, 0);
	sqlite3_busy_timeout(ar->db, BUSY_TIMEOUT_MS);
	what = identify(ar);
	if (what == 0)
		what = create_schema(ar);
	if (what < 0 || (err = exec(ar, "PRAGMA foreign_keys = ON", "setting it up")) != 0) {
		err = what < 0 ? what : err;
		stroom_archive_close(ar);
		return err;
	}
	*out = ar;
	return 0;
}

void stroom_archive_close(stroom_archive *ar)
{
	stroom_allocator a;
	if (!ar)
		return;
	sqlite3_close(ar->db);
	a = ar->alloc;
	stroom_free(&a, ar);
}

const char *stroom_archive_path(const stroom_archive *ar)
{
	return ar->path;
}

int stroom_archive_name_ok(const char *name)
{
	size_t i, n = strlen(name);
	if (n == 0 || n > 255 || name[0] == '.')
		return 0;
	for (i = 0; i < n; i++) {
		char c = name[i];
		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		      c == '.' || c == '_' || c == '-'))
			return 0;
	}
	return 1;
}

/* --- recording ------------------------------------------------------------ */

/* Where a record's files come from: an array in memory, or a directory on disk
 * (each file read when its turn comes, and freed after it is stored). */
typedef struct source {
	const stroom_archive_file *files; /* in memory, or NULL */
	const char *dir;                  /* on disk */
	char **names;                     /* the directory's, sorted */
	size_t n;
} source;

static const char *source_name(const source *s, size_t i)
{
	return s->files ? s->files[i].name : s->names[i];
}

/* Reads dir/name into a new buffer (NUL after its len bytes), refusing anything but
 * a regular file of at most STROOM_ARCHIVE_MAX_FILE_BYTES. */
static int read_whole(stroom_archive *ar, const char *dir, const char *name, char **out, size_t *len)
{
	char path[8192];
	struct stat st;
	char *buf;
	size_t got = 0;
	int fd, err = 0;
	*out = NULL;
	*len = 0;
	if ((size_t)snprintf(path, sizeof path, "%s/%s", dir, name) >= sizeof path)
		return stroom_error_set(STROOM_EINVAL, "'%s/%s': the path is too long", dir, name);
	fd = open(path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK);
	if (fd < 0)
		return stroom_error_set(STROOM_EIO, "cannot read '%s': %s", path, strerror(errno));
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
		close(fd);
		return stroom_error_set(STROOM_EINVAL, "'%s' is not a regular file; the archive records "
					"an output directory of files only", path);
	}
	if ((size_t)st.st_size > STROOM_ARCHIVE_MAX_FILE_BYTES) {
		close(fd);
		return stroom_error_set(STROOM_EINVAL, "'%s' is larger than the archive's limit of %zu MiB "
					"a file", path, STROOM_ARCHIVE_MAX_FILE_BYTES >> 20);
	}
	buf = stroom_malloc(&ar->alloc, (size_t)st.st_size + 1);
	if (!buf) {
		close(fd);
		return STROOM_ENOMEM;
	}
	for (;;) { /* to the end of the file, never past the size it had when opened + 1 */
		ssize_t r = read(fd, buf + got, (size_t)st.st_size + 1 - got);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			err = stroom_error_set(STROOM_EIO, "cannot read '%s': %s", path, strerror(errno));
			break;
		}
		if (r == 0)
			break;
		got += (size_t)r;
		if (got > (size_t)st.st_size) {
			err = stroom_error_set(STROOM_EIO, "'%s' grew while it was read", path);
			break;
		}
	}
	close(fd);
	if (err) {
		stroom_free(&ar->alloc, buf);
		return err;
	}
	buf[got] = '\0';
	*out = buf;
	*len = got;
	return 0;
}

/* File i's bytes: in memory (*owned NULL) or read from disk (*owned to free). */
static int source_get(stroom_archive *ar, const source *s, size_t i, const char **data, size_t *len,
		      char **owned)
{
	*owned = NULL;
	if (s->files) {
		*data = s->files[i].data;
		*len = s->files[i].len;
		return 0;
	}
	{
		int err = read_whole(ar, s->dir, s->names[i], owned, len);
		*data = *owned;
		return err;
	}
}

/* A comparison's P(target) of A and B: compare.csv's p_caseload_le_target row
 * (a_mean, b_mean; period,indicator,a_mean,b_mean,...). */
static void compare_target_p(const char *csv, size_t len, double *pa, double *pb)
{
	const char *p = csv, *end = csv + len;
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p)), *comma = memchr(p, ',', (size_t)(end - p));
		const char *eol = nl ? nl : end;
		if (comma && comma < eol && !strncmp(comma + 1, "p_caseload_le_target,", 21)) {
			char line[256];
			size_t n = (size_t)(eol - p);
			double a, b;
			if (n < sizeof line) {
				memcpy(line, p, n);
				line[n] = '\0';
				if (sscanf(strchr(line, ',') + 22, "%lf,%lf", &a, &b) == 2) {
					*pa = a;
					*pb = b;
				}
			}
			return;
		}
		p = eol + 1;
	}
}

static void utc_now(char *buf, size_t size)
{
	time_t now = time(NULL);
	struct tm tmv;
	gmtime_r(&now, &tmv);
	strftime(buf, size, "%Y-%m-%dT%H:%M:%SZ", &tmv);
}

static int bind_text(sqlite3_stmt *st, int col, const char *s)
{
	return sqlite3_bind_text(st, col, s ? s : "", -1, SQLITE_TRANSIENT);
}

static int bind_real_or_null(sqlite3_stmt *st, int col, double v)
{
	return isfinite(v) ? sqlite3_bind_double(st, col, v) : sqlite3_bind_null(st, col);
}

/* Stores one file of record id. */
static int insert_file(stroom_archive *ar, sqlite3_stmt *st, sqlite3_int64 id, const char *name,
		       const char *data, size_t len)
{
	char hex[65];
	SHA256Data((const uint8_t *)data, len, hex);
	sqlite3_reset(st);
	if (sqlite3_bind_int64(st, 1, id) != SQLITE_OK || bind_text(st, 2, name) != SQLITE_OK ||
	    sqlite3_bind_int64(st, 3, (sqlite3_int64)len) != SQLITE_OK || bind_text(st, 4, hex) != SQLITE_OK ||
	    sqlite3_bind_blob64(st, 5, len ? data : "", (sqlite3_uint64)len, SQLITE_STATIC) != SQLITE_OK ||
	    sqlite3_step(st) != SQLITE_DONE)
		return stroom_archive_sql_error(ar, "storing a file");
	sqlite3_reset(st); /* lets go of data before the caller frees it */
	sqlite3_clear_bindings(st);
	return 0;
}

/* The record and its files in one transaction; a failure rolls it all back. */
static int record(stroom_archive *ar, const stroom_archive_meta *m, const char *dir, const source *s,
		  int64_t *id_out)
{
	static const char ins_record[] =
		"INSERT INTO record (kind, created_utc, command, scenario, directory, stroom_version, "
		"target_p, target_p_a, manifest) VALUES (?, ?, ?, ?, ?, ?, ?, NULL, ?)";
	sqlite3_stmt *rec = NULL, *file = NULL, *upd = NULL;
	const char *data = NULL;
	char *owned = NULL, *manifest = NULL, when[32];
	size_t i, len, manifest_len = 0, total = 0, k;
	sqlite3_int64 id = 0;
	double pa = NAN, pb = NAN;
	int err = 0, began = 0;

	if (s->n == 0 || s->n > STROOM_ARCHIVE_MAX_FILES)
		return stroom_error_set(STROOM_EINVAL, "a record holds 1 to %d files, not %zu",
					STROOM_ARCHIVE_MAX_FILES, s->n);
	for (i = 0; i < s->n; i++) {
		if (!stroom_archive_name_ok(source_name(s, i)))
			return stroom_error_set(STROOM_EINVAL, "'%s' is not a file name the archive stores "
						"(letters, digits, '.', '_', '-')", source_name(s, i));
		for (k = 0; k < i; k++)
			if (!strcmp(source_name(s, k), source_name(s, i)))
				return stroom_error_set(STROOM_EINVAL, "'%s' is given twice", source_name(s, i));
	}
	for (i = 0; i < s->n && strcmp(source_name(s, i), "manifest.json"); i++)
		;
	if (i == s->n)
		return stroom_error_set(STROOM_EINVAL, "%s%s%shas no manifest.json: not a stroom output",
					dir ? "'" : "", dir ? dir : "", dir ? "' " : "");
	/* the manifest first: the record's row holds it */
	if ((err = source_get(ar, s, i, &data, &manifest_len, &owned)) != 0)
		return err;
	manifest = stroom_malloc(&ar->alloc, manifest_len + 1);
	if (!manifest) {
		stroom_free(&ar->alloc, owned);
		return STROOM_ENOMEM;
	}
	memcpy(manifest, data, manifest_len);
	manifest[manifest_len] = '\0';
	stroom_free(&ar->alloc, owned);
	owned = NULL;
	if (strlen(manifest) != manifest_len) {
		err = stroom_error_set(STROOM_EINVAL, "manifest.json holds a NUL byte: not a stroom output");
		goto done;
	}

	utc_now(when, sizeof when);
	if ((err = exec(ar, "BEGIN IMMEDIATE", "starting a transaction")) != 0)
		goto done;
	began = 1;
	if (sqlite3_prepare_v2(ar->db, ins_record, -1, &rec, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(ar->db, "INSERT INTO file (record_id, name, size, sha256, content) "
			       "VALUES (?, ?, ?, ?, ?)", -1, &file, NULL) != SQLITE_OK) {
		err = stroom_archive_sql_error(ar, "preparing the record");
		goto done;
	}
	if (bind_text(rec, 1, stroom_archive_kind_name(m->kind)) != SQLITE_OK ||
	    bind_text(rec, 2, when) != SQLITE_OK || bind_text(rec, 3, m->command) != SQLITE_OK ||
	    bind_text(rec, 4, m->scenario) != SQLITE_OK || bind_text(rec, 5, dir) != SQLITE_OK ||
	    bind_text(rec, 6, stroom_version()) != SQLITE_OK ||
	    bind_real_or_null(rec, 7, m->kind == STROOM_ARCHIVE_RUN ? m->target_p : NAN) != SQLITE_OK ||
	    sqlite3_bind_text(rec, 8, manifest, (int)manifest_len, SQLITE_STATIC) != SQLITE_OK ||
	    sqlite3_step(rec) != SQLITE_DONE) {
		err = stroom_archive_sql_error(ar, "storing the record");
		goto done;
	}
	id = sqlite3_last_insert_rowid(ar->db);
	for (i = 0; i < s->n; i++) {
		if ((err = source_get(ar, s, i, &data, &len, &owned)) != 0)
			goto done;
		total += len;
		if (total > STROOM_ARCHIVE_MAX_RECORD_BYTES) {
			err = stroom_error_set(STROOM_EINVAL, "the files are larger than the archive's limit "
					       "of %zu MiB a record", STROOM_ARCHIVE_MAX_RECORD_BYTES >> 20);
			goto done;
		}
		if (m->kind == STROOM_ARCHIVE_COMPARE && !strcmp(source_name(s, i), "compare.csv"))
			compare_target_p(data, len, &pa, &pb);
		if ((err = insert_file(ar, file, id, source_name(s, i), data, len)) != 0)
			goto done;
		stroom_free(&ar->alloc, owned);
		owned = NULL;
	}
	if (m->kind == STROOM_ARCHIVE_COMPARE) {
		if (sqlite3_prepare_v2(ar->db, "UPDATE record SET target_p = ?, target_p_a = ? WHERE id = ?",
				       -1, &upd, NULL) != SQLITE_OK ||
		    bind_real_or_null(upd, 1, pb) != SQLITE_OK || bind_real_or_null(upd, 2, pa) != SQLITE_OK ||
		    sqlite3_bind_int64(upd, 3, id) != SQLITE_OK || sqlite3_step(upd) != SQLITE_DONE) {
			err = stroom_archive_sql_error(ar, "storing the record");
			goto done;
		}
	}
	err = exec(ar, "COMMIT", "committing the record");

done:
	sqlite3_finalize(rec);
	sqlite3_finalize(file);
	sqlite3_finalize(upd);
	if (err && began)
		sqlite3_exec(ar->db, "ROLLBACK", NULL, NULL, NULL);
	stroom_free(&ar->alloc, owned);
	stroom_free(&ar->alloc, manifest);
	if (!err && id_out)
		*id_out = (int64_t)id;
	return err;
}

int stroom_archive_record_files(stroom_archive *ar, const stroom_archive_meta *meta, const char *dir,
				const stroom_archive_file *files, size_t n, int64_t *id)
{
	char abs[PATH_MAX];
	source s;
	memset(&s, 0, sizeof s);
	s.files = files;
	s.n = n;
	return record(ar, meta, dir && realpath(dir, abs) ? abs : dir, &s, id);
}

static int cmp_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

void stroom_archive_names_free(stroom_archive *ar, char **names, size_t n)
{
	size_t i;
	if (!names)
		return;
	for (i = 0; i < n; i++)
		stroom_free(&ar->alloc, names[i]);
	stroom_free(&ar->alloc, names);
}

int stroom_archive_record_dir(stroom_archive *ar, const stroom_archive_meta *meta, const char *dir,
			      int64_t *id)
{
	char abs[PATH_MAX];
	DIR *d;
	struct dirent *e;
	source s;
	int err = 0;
	memset(&s, 0, sizeof s);
	if (!realpath(dir, abs))
		return stroom_error_set(STROOM_EIO, "cannot record '%s': %s", dir, strerror(errno));
	s.dir = abs;
	s.names = stroom_calloc(&ar->alloc, STROOM_ARCHIVE_MAX_FILES, sizeof *s.names);
	if (!s.names)
		return STROOM_ENOMEM;
	d = opendir(abs);
	if (!d) {
		err = stroom_error_set(STROOM_EIO, "cannot record '%s': %s", dir, strerror(errno));
		goto done;
	}
	while ((e = readdir(d)) != NULL) {
		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
			continue;
		if (s.n == STROOM_ARCHIVE_MAX_FILES) {
			err = stroom_error_set(STROOM_EINVAL, "'%s' holds more than %d files: not a stroom "
					       "output", dir, STROOM_ARCHIVE_MAX_FILES);
			break;
		}
		if (!(s.names[s.n] = stroom_strdup(&ar->alloc, e->d_name))) {
			err = STROOM_ENOMEM;
			break;
		}
		s.n++;
	}
	closedir(d);
	if (!err) {
		qsort(s.names, s.n, sizeof *s.names, cmp_names);
		err = record(ar, meta, abs, &s, id);
	}
done:
	stroom_archive_names_free(ar, s.names, s.n);
	return err;
}

/* --- reading -------------------------------------------------------------- */

static char *dup_col(stroom_archive *ar, sqlite3_stmt *st, int col, int *err)
{
	const unsigned char *t = sqlite3_column_text(st, col);
	char *s = stroom_strdup(&ar->alloc, t ? (const char *)t : "");
	if (!s)
		*err = STROOM_ENOMEM;
	return s;
}

static double real_col(sqlite3_stmt *st, int col)
{
	return sqlite3_column_type(st, col) == SQLITE_NULL ? NAN : sqlite3_column_double(st, col);
}

static void record_strings_free(stroom_archive *ar, stroom_archive_record *r)
{
	stroom_free(&ar->alloc, (char *)r->created_utc);
	stroom_free(&ar->alloc, (char *)r->command);
	stroom_free(&ar->alloc, (char *)r->scenario);
	stroom_free(&ar->alloc, (char *)r->directory);
	stroom_free(&ar->alloc, (char *)r->stroom_version);
	stroom_free(&ar->alloc, (char *)r->manifest);
}

void stroom_archive_records_free(stroom_archive *ar, stroom_archive_record *recs, size_t n)
{
	size_t i;
	if (!recs)
		return;
	for (i = 0; i < n; i++)
		record_strings_free(ar, &recs[i]);
	stroom_free(&ar->alloc, recs);
}

/* Reads the current row of the record query below into r. */
static int row_record(stroom_archive *ar, sqlite3_stmt *st, stroom_archive_record *r, int with_manifest)
{
	int err = 0;
	memset(r, 0, sizeof *r);
	r->id = sqlite3_column_int64(st, 0);
	if (kind_parse((const char *)sqlite3_column_text(st, 1), &r->kind) != 0)
		return stroom_error_set(STROOM_EINVAL, "archive '%s': record %lld has an unknown kind",
					ar->path, (long long)r->id);
	r->created_utc = dup_col(ar, st, 2, &err);
	r->command = dup_col(ar, st, 3, &err);
	r->scenario = dup_col(ar, st, 4, &err);
	r->directory = dup_col(ar, st, 5, &err);
	r->stroom_version = dup_col(ar, st, 6, &err);
	r->target_p = real_col(st, 7);
	r->target_p_a = real_col(st, 8);
	r->n_files = (size_t)sqlite3_column_int64(st, 9);
	r->bytes = sqlite3_column_int64(st, 10);
	r->manifest = with_manifest ? dup_col(ar, st, 11, &err) : stroom_strdup(&ar->alloc, "");
	if (!r->manifest)
		err = STROOM_ENOMEM;
	return err;
}

#define RECORD_COLUMNS                                                                             \
	"SELECT r.id, r.kind, r.created_utc, r.command, r.scenario, r.directory, r.stroom_version, "  \
	"r.target_p, r.target_p_a, (SELECT count(*) FROM file f WHERE f.record_id = r.id), "         \
	"(SELECT coalesce(sum(f.size), 0) FROM file f WHERE f.record_id = r.id)"

int stroom_archive_list(stroom_archive *ar, int limit, stroom_archive_record **out, size_t *n)
{
	sqlite3_stmt *st = NULL;
	stroom_archive_record *recs = NULL;
	size_t cap = 0, k = 0;
	int err = 0, rc;
	*out = NULL;
	*n = 0;
	if (sqlite3_prepare_v2(ar->db, RECORD_COLUMNS " FROM record r ORDER BY r.id DESC LIMIT ?", -1,
			       &st, NULL) != SQLITE_OK ||
	    sqlite3_bind_int(st, 1, limit > 0 ? limit : -1) != SQLITE_OK) {
		err = stroom_archive_sql_error(ar, "listing its records");
		goto done;
	}
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (k == cap) {
			size_t nc = cap ? cap * 2 : 16;
			stroom_archive_record *g = stroom_realloc(&ar->alloc, recs, nc * sizeof *recs);
			if (!g) {
				err = STROOM_ENOMEM;
				goto done;
			}
			recs = g;
			cap = nc;
		}
		err = row_record(ar, st, &recs[k], 0);
		k++;
		if (err)
			goto done;
	}
	if (rc != SQLITE_DONE)
		err = stroom_archive_sql_error(ar, "listing its records");
done:
	sqlite3_finalize(st);
	if (err) {
		stroom_archive_records_free(ar, recs, k);
		return err;
	}
	*out = recs;
	*n = k;
	return 0;
}

static int no_record(stroom_archive *ar, int64_t id)
{
	return stroom_error_set(STROOM_ENOTFOUND, "no record %lld in the archive '%s' (see 'stroom "
				"runs list')", (long long)id, ar->path);
}

int stroom_archive_get(stroom_archive *ar, int64_t id, stroom_archive_record **out)
{
	sqlite3_stmt *st = NULL;
	stroom_archive_record *r;
	int err = 0, rc;
	*out = NULL;
	r = stroom_calloc(&ar->alloc, 1, sizeof *r);
	if (!r)
		return STROOM_ENOMEM;
	if (sqlite3_prepare_v2(ar->db, RECORD_COLUMNS ", r.manifest FROM record r WHERE r.id = ?", -1,
			       &st, NULL) != SQLITE_OK ||
	    sqlite3_bind_int64(st, 1, id) != SQLITE_OK) {
		err = stroom_archive_sql_error(ar, "reading a record");
	} else if ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		err = row_record(ar, st, r, 1);
	} else {
		err = rc == SQLITE_DONE ? no_record(ar, id) : stroom_archive_sql_error(ar, "reading a record");
	}
	sqlite3_finalize(st);
	if (err) {
		stroom_archive_records_free(ar, r, 1);
		return err;
	}
	*out = r;
	return 0;
}

/* 1 when record id exists, 0 when not, or a negative code. */
static int exists(stroom_archive *ar, int64_t id)
{
	sqlite3_stmt *st = NULL;
	int rc, found = 0;
	if (sqlite3_prepare_v2(ar->db, "SELECT 1 FROM record WHERE id = ?", -1, &st, NULL) != SQLITE_OK ||
	    sqlite3_bind_int64(st, 1, id) != SQLITE_OK) {
		sqlite3_finalize(st);
		return stroom_archive_sql_error(ar, "reading a record");
	}
	rc = sqlite3_step(st);
	found = rc == SQLITE_ROW;
	sqlite3_finalize(st);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return stroom_archive_sql_error(ar, "reading a record");
	return found;
}

int stroom_archive_file_names(stroom_archive *ar, int64_t id, char ***names, size_t *n)
{
	sqlite3_stmt *st = NULL;
	char **v = NULL;
	size_t k = 0;
	int err = 0, rc, ex;
	*names = NULL;
	*n = 0;
	if ((ex = exists(ar, id)) <= 0)
		return ex < 0 ? ex : no_record(ar, id);
	v = stroom_calloc(&ar->alloc, STROOM_ARCHIVE_MAX_FILES, sizeof *v);
	if (!v)
		return STROOM_ENOMEM;
	if (sqlite3_prepare_v2(ar->db, "SELECT name FROM file WHERE record_id = ? ORDER BY name", -1, &st,
			       NULL) != SQLITE_OK ||
	    sqlite3_bind_int64(st, 1, id) != SQLITE_OK) {
		err = stroom_archive_sql_error(ar, "reading a record's files");
		goto done;
	}
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (k == STROOM_ARCHIVE_MAX_FILES) {
			err = stroom_error_set(STROOM_EINVAL, "archive '%s': record %lld has more than %d "
					       "files (damaged)", ar->path, (long long)id,
					       STROOM_ARCHIVE_MAX_FILES);
			goto done;
		}
		if (!(v[k] = dup_col(ar, st, 0, &err)))
			goto done;
		k++;
	}
	if (rc != SQLITE_DONE)
		err = stroom_archive_sql_error(ar, "reading a record's files");
done:
	sqlite3_finalize(st);
	if (err) {
		stroom_archive_names_free(ar, v, k);
		return err;
	}
	*names = v;
	*n = k;
	return 0;
}

void stroom_archive_data_free(stroom_archive *ar, char *data)
{
	stroom_free(&ar->alloc, data);
}

int stroom_archive_file_data(stroom_archive *ar, int64_t id, const char *name, char **data, size_t *len)
{
	sqlite3_stmt *st = NULL;
	int err = 0, rc;
	*data = NULL;
	*len = 0;
	if (sqlite3_prepare_v2(ar->db, "SELECT content, sha256 FROM file WHERE record_id = ? AND name = ?",
			       -1, &st, NULL) != SQLITE_OK ||
	    sqlite3_bind_int64(st, 1, id) != SQLITE_OK || bind_text(st, 2, name) != SQLITE_OK) {
		err = stroom_archive_sql_error(ar, "reading a file");
	} else if ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		const void *blob = sqlite3_column_blob(st, 0);
		size_t n = (size_t)sqlite3_column_bytes(st, 0);
		const unsigned char *want = sqlite3_column_text(st, 1);
		char hex[65];
		*data = stroom_malloc(&ar->alloc, n + 1);
		if (!*data) {
			err = STROOM_ENOMEM;
		} else {
			if (n)
				memcpy(*data, blob, n);
			(*data)[n] = '\0';
			*len = n;
			SHA256Data((const uint8_t *)*data, n, hex);
			if (!want || strcmp(hex, (const char *)want))
				err = stroom_error_set(STROOM_EINVAL, "archive '%s': record %lld's %s does not "
						       "match its sha256 (damaged)", ar->path,
						       (long long)id, name);
		}
	} else if (rc == SQLITE_DONE) {
		int ex = exists(ar, id);
		err = ex < 0 ? ex
		      : ex   ? stroom_error_set(STROOM_ENOTFOUND, "record %lld has no file %s", (long long)id,
						name)
			     : no_record(ar, id);
	} else {
		err = stroom_archive_sql_error(ar, "reading a file");
	}
	sqlite3_finalize(st);
	if (err) {
		stroom_free(&ar->alloc, *data);
		*data = NULL;
		*len = 0;
	}
	return err;
}

int stroom_archive_remove(stroom_archive *ar, int64_t id)
{
	sqlite3_stmt *st = NULL;
	int err = 0;
	if ((err = exec(ar, "BEGIN IMMEDIATE", "starting a transaction")) != 0)
		return err;
	if (sqlite3_prepare_v2(ar->db, "DELETE FROM file WHERE record_id = ?", -1, &st, NULL) !=
		    SQLITE_OK ||
	    sqlite3_bind_int64(st, 1, id) != SQLITE_OK || sqlite3_step(st) != SQLITE_DONE) {
		err = stroom_archive_sql_error(ar, "removing a record");
	}
	sqlite3_finalize(st);
	st = NULL;
	if (!err && (sqlite3_prepare_v2(ar->db, "DELETE FROM record WHERE id = ?", -1, &st, NULL) !=
			     SQLITE_OK ||
		     sqlite3_bind_int64(st, 1, id) != SQLITE_OK || sqlite3_step(st) != SQLITE_DONE))
		err = stroom_archive_sql_error(ar, "removing a record");
	if (!err && sqlite3_changes(ar->db) == 0)
		err = no_record(ar, id);
	sqlite3_finalize(st);
	if (!err)
		return exec(ar, "COMMIT", "removing a record");
	sqlite3_exec(ar->db, "ROLLBACK", NULL, NULL, NULL);
	return err;
}

int stroom_archive_export(stroom_archive *ar, int64_t id, const char *dir,
			  int (*cancelled)(const char *step, void *payload), void *payload)
{
	char **names = NULL, **data = NULL;
	stroom_dir_file *files = NULL;
	size_t n = 0, i, len;
	int err;
	if ((err = stroom_archive_file_names(ar, id, &names, &n)) != 0)
		return err;
	data = stroom_calloc(&ar->alloc, n + 1, sizeof *data);
	files = stroom_calloc(&ar->alloc, n + 1, sizeof *files);
	if (!data || !files) {
		err = STROOM_ENOMEM;
		goto done;
	}
	for (i = 0; i < n; i++) {
		if (!stroom_archive_name_ok(names[i])) {
			err = stroom_error_set(STROOM_EINVAL, "archive '%s': record %lld has a file named "
					       "'%s' (damaged)", ar->path, (long long)id, names[i]);
			goto done;
		}
		if ((err = stroom_archive_file_data(ar, id, names[i], &data[i], &len)) != 0)
			goto done;
		files[i].name = names[i];
		files[i].text = data[i];
		files[i].len = len;
	}
	err = stroom_write_dir(dir, "this export was written", files, n, cancelled, payload);
done:
	if (data)
		for (i = 0; i < n; i++)
			stroom_free(&ar->alloc, data[i]);
	stroom_free(&ar->alloc, data);
	stroom_free(&ar->alloc, files);
	stroom_archive_names_free(ar, names, n);
	return err;
}
