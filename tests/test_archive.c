/*
 * test_archive.c: the run archive (src/archive): records from files and from a
 * directory, listed newest first, read back byte for byte, exported equal to what
 * was recorded, removed (ids never used again); a failure midway through a record
 * (a file that cannot be read, every allocation in turn) leaves no record and no
 * file row; a database of a newer schema, of another program or not SQLite at all
 * is refused and left as it was; diff names the key that changed. Everything in a
 * temporary directory: nothing touches the home directory.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#define TEST_DIR_PREFIX "test_archive"
#include "test_util.h"

#include "failing_alloc.h"

#include <stroom/archive.h>

#include <math.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static void write_file(const char *path, const void *data, size_t len)
{
	FILE *f = fopen(path, "wb");
	assert_non_null(f);
	assert_int_equal(fwrite(data, 1, len, f), len);
	assert_int_equal(fclose(f), 0);
}

/* A file's bytes (malloc'd) and length. */
static char *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *buf;
	long n;
	assert_non_null(f);
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	fseek(f, 0, SEEK_SET);
	buf = malloc((size_t)n + 1);
	assert_non_null(buf);
	assert_int_equal(fread(buf, 1, (size_t)n, f), (size_t)n);
	fclose(f);
	*len = (size_t)n;
	return buf;
}

static void assert_same_file(const char *path, const char *data, size_t len)
{
	size_t n;
	char *got = slurp(path, &n);
	assert_int_equal(n, len);
	assert_memory_equal(got, data, len);
	free(got);
}

/* An integer from one query straight at the database (not through the library). */
static long long sql_int(const char *db_path, const char *sql)
{
	sqlite3 *db = NULL;
	sqlite3_stmt *st = NULL;
	long long v = -1;
	assert_int_equal(sqlite3_open_v2(db_path, &db, SQLITE_OPEN_READWRITE, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &st, NULL), SQLITE_OK);
	if (sqlite3_step(st) == SQLITE_ROW)
		v = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	sqlite3_close(db);
	return v;
}

static void sql_exec(const char *db_path, const char *sql)
{
	sqlite3 *db = NULL;
	assert_int_equal(sqlite3_open_v2(db_path, &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL),
			 SQLITE_OK);
	assert_int_equal(sqlite3_exec(db, sql, NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(db);
}

static const char manifest_a[] =
	"{\"stroom_version\": \"0.1.0\", \"created_utc\": \"2026-03-01T10:00:00Z\", \"seed\": 1, "
	"\"inputs\": [{\"path\": \"a.yaml\", \"sha256\": \"aaaa\"}], "
	"\"scenario\": {\"name\": \"x\", \"seed\": 1, \"inflow\": {\"per_year\": 325}, "
	"\"target\": {\"households\": 1400, \"date\": \"2025-07\"}}}\n";
static const char manifest_b[] =
	"{\"stroom_version\": \"0.1.0\", \"created_utc\": \"2026-06-01T10:00:00Z\", \"seed\": 1, "
	"\"inputs\": [{\"path\": \"a.yaml\", \"sha256\": \"bbbb\"}], "
	"\"scenario\": {\"name\": \"x\", \"seed\": 1, \"inflow\": {\"per_year\": 650}, "
	"\"target\": {\"households\": 1400, \"date\": \"2025-07\"}}}\n";
static const char series[] = "month,indicator,group,mean,p05,p25,p50,p75,p95\n"
			     "2025-07,caseload,all,1500.5,1400,1450,1490,1550,1600\n";
static const char budget_a[] = "year,indicator,mean,p05,p25,p50,p75,p95\n"
			       "2025,result,-10,-20,-15,-11,-5,0\n";
static const char budget_b[] = "year,indicator,mean,p05,p25,p50,p75,p95\n"
			       "2025,result,-8,-20,-15,-9,-5,0\n";

static int64_t record3(stroom_archive *ar, const char *manifest, const char *budget, double p)
{
	stroom_archive_file f[3] = {{"manifest.json", manifest, strlen(manifest)},
				    {"series.csv", series, sizeof series - 1},
				    {"budget.csv", budget, strlen(budget)}};
	stroom_archive_meta m = {STROOM_ARCHIVE_RUN, "stroom run x.yaml", "x", p};
	int64_t id = 0;
	assert_int_equal(stroom_archive_record_files(ar, &m, "/some/dir", f, 3, &id), 0);
	return id;
}

static void test_round_trip(void **state)
{
	stroom_archive *ar = NULL;
	stroom_archive_record *recs = NULL, *r = NULL;
	char **names = NULL, *data = NULL;
	size_t n = 0, len = 0;
	int64_t id1, id2, id3;
	(void)state;
	assert_int_equal(stroom_archive_open(&ar, in_dir("deep/er/a.sqlite"), STROOM_ARCHIVE_CREATE, NULL), 0);
	assert_int_equal(sql_int(in_dir("deep/er/a.sqlite"), "PRAGMA user_version"), STROOM_ARCHIVE_SCHEMA);
	assert_int_equal(sql_int(in_dir("deep/er/a.sqlite"), "PRAGMA application_id"),
			 STROOM_ARCHIVE_APPLICATION_ID);
	id1 = record3(ar, manifest_a, budget_a, 0.25);
	id2 = record3(ar, manifest_b, budget_b, 0.5);
	assert_int_equal(id1, 1);
	assert_int_equal(id2, 2);

	/* newest first, with what was recorded */
	assert_int_equal(stroom_archive_list(ar, 0, &recs, &n), 0);
	assert_int_equal(n, 2);
	assert_int_equal(recs[0].id, 2);
	assert_int_equal(recs[1].id, 1);
	assert_int_equal(recs[0].kind, STROOM_ARCHIVE_RUN);
	assert_string_equal(recs[1].scenario, "x");
	assert_string_equal(recs[1].command, "stroom run x.yaml");
	assert_string_equal(recs[1].directory, "/some/dir");
	assert_true(fabs(recs[0].target_p - 0.5) < 1e-12);
	assert_true(isnan(recs[0].target_p_a));
	assert_int_equal(recs[1].n_files, 3);
	assert_int_equal(recs[1].bytes, (int64_t)(strlen(manifest_a) + sizeof series - 1 + strlen(budget_a)));
	assert_int_equal(strlen(recs[1].created_utc), 20);
	stroom_archive_records_free(ar, recs, n);
	assert_int_equal(stroom_archive_list(ar, 1, &recs, &n), 0);
	assert_int_equal(n, 1);
	assert_int_equal(recs[0].id, 2);
	stroom_archive_records_free(ar, recs, n);

	/* get, names (sorted) and bytes */
	assert_int_equal(stroom_archive_get(ar, id1, &r), 0);
	assert_string_equal(r->manifest, manifest_a);
	stroom_archive_records_free(ar, r, 1);
	assert_int_equal(stroom_archive_file_names(ar, id1, &names, &n), 0);
	assert_int_equal(n, 3);
	assert_string_equal(names[0], "budget.csv");
	assert_string_equal(names[1], "manifest.json");
	assert_string_equal(names[2], "series.csv");
	stroom_archive_names_free(ar, names, n);
	assert_int_equal(stroom_archive_file_data(ar, id1, "budget.csv", &data, &len), 0);
	assert_int_equal(len, strlen(budget_a));
	assert_memory_equal(data, budget_a, len);
	stroom_archive_data_free(ar, data);
	assert_int_equal(stroom_archive_file_data(ar, id1, "nope.csv", &data, &len), STROOM_ENOTFOUND);
	assert_int_equal(stroom_archive_get(ar, 99, &r), STROOM_ENOTFOUND);
	assert_non_null(strstr(stroom_error_last(), "no record 99"));

	/* export: the files, and nothing over an existing directory */
	assert_int_equal(stroom_archive_export(ar, id1, in_dir("out1"), NULL, NULL), 0);
	assert_same_file(in_dir("out1/manifest.json"), manifest_a, strlen(manifest_a));
	assert_same_file(in_dir("out1/series.csv"), series, sizeof series - 1);
	assert_same_file(in_dir("out1/budget.csv"), budget_a, strlen(budget_a));
	assert_int_not_equal(stroom_archive_export(ar, id2, in_dir("out1"), NULL, NULL), 0);
	assert_same_file(in_dir("out1/budget.csv"), budget_a, strlen(budget_a));

	/* remove: gone with its files; its id is not used again */
	assert_int_equal(stroom_archive_remove(ar, id1), 0);
	assert_int_equal(stroom_archive_get(ar, id1, &r), STROOM_ENOTFOUND);
	assert_int_equal(stroom_archive_remove(ar, id1), STROOM_ENOTFOUND);
	assert_int_equal(sql_int(in_dir("deep/er/a.sqlite"), "SELECT count(*) FROM file WHERE record_id = 1"), 0);
	id3 = record3(ar, manifest_a, budget_a, NAN);
	assert_int_equal(id3, 3);
	stroom_archive_close(ar);

	/* a second connection sees the same */
	assert_int_equal(stroom_archive_open(&ar, in_dir("deep/er/a.sqlite"), 0, NULL), 0);
	assert_int_equal(stroom_archive_list(ar, 0, &recs, &n), 0);
	assert_int_equal(n, 2);
	assert_int_equal(recs[0].id, 3);
	assert_true(isnan(recs[0].target_p));
	stroom_archive_records_free(ar, recs, n);
	stroom_archive_close(ar);
}

static void test_diff(void **state)
{
	stroom_archive *ar = NULL;
	stroom_archive_diff_item *d = NULL;
	size_t n = 0, i;
	int setting = 0, input = 0, p = 0, caseload = 0, result = 0, budget = 0;
	int64_t a, b;
	(void)state;
	assert_int_equal(stroom_archive_open(&ar, in_dir("diff.sqlite"), STROOM_ARCHIVE_CREATE, NULL), 0);
	a = record3(ar, manifest_a, budget_a, 0.25);
	b = record3(ar, manifest_b, budget_b, 0.5);
	assert_int_equal(stroom_archive_diff(ar, a, b, &d, &n), 0);
	for (i = 0; i < n; i++) {
		if (d[i].section == STROOM_DIFF_SETTING) {
			/* the one key that changed, and not the time it was written */
			assert_string_equal(d[i].key, "scenario.inflow.per_year");
			assert_string_equal(d[i].a, "325");
			assert_string_equal(d[i].b, "650");
			setting++;
		} else if (d[i].section == STROOM_DIFF_INPUT) {
			assert_string_equal(d[i].key, "a.yaml");
			assert_string_equal(d[i].a, "aaaa");
			assert_string_equal(d[i].b, "bbbb");
			input++;
		} else if (d[i].section == STROOM_DIFF_RESULT) {
			if (!strcmp(d[i].key, "P(caseload <= 1400 on 2025-07)")) {
				assert_string_equal(d[i].a, "0.250");
				assert_string_equal(d[i].b, "0.500");
				p++;
			} else if (!strcmp(d[i].key, "caseload median on 2025-07-01 (target date)")) {
				assert_string_equal(d[i].a, "1490");
				assert_string_equal(d[i].b, "1490");
				caseload++;
			} else if (!strcmp(d[i].key, "budget result 2025 (EUR, median)")) {
				assert_string_equal(d[i].a, "-11");
				assert_string_equal(d[i].b, "-9");
				budget++;
			}
			result++;
		}
	}
	assert_int_equal(setting, 1);
	assert_int_equal(input, 1);
	assert_int_equal(p, 1);
	assert_int_equal(caseload, 1);
	assert_int_equal(budget, 1);
	assert_int_equal(result, 3);
	stroom_archive_diff_free(ar, d, n);
	assert_int_equal(stroom_archive_diff(ar, a, 42, &d, &n), STROOM_ENOTFOUND);
	stroom_archive_close(ar);
}

/* A run directory with a binary file (a NUL and every byte value) among its files. */
static void make_dir(const char *d)
{
	char path[300], bin[256];
	int i;
	for (i = 0; i < 256; i++)
		bin[i] = (char)i;
	assert_int_equal(mkdir(d, 0777), 0);
	snprintf(path, sizeof path, "%s/manifest.json", d);
	write_file(path, manifest_a, strlen(manifest_a));
	snprintf(path, sizeof path, "%s/bytes.bin", d);
	write_file(path, bin, sizeof bin);
	snprintf(path, sizeof path, "%s/series.csv", d);
	write_file(path, series, sizeof series - 1);
	snprintf(path, sizeof path, "%s/empty.txt", d);
	write_file(path, "", 0);
}

static void test_record_dir(void **state)
{
	stroom_archive *ar = NULL;
	stroom_archive_meta m = {STROOM_ARCHIVE_CALIBRATE, "stroom calibrate x", "x", NAN};
	stroom_archive_record *r = NULL;
	char bin[256], path[300];
	int64_t id = 0;
	int i;
	(void)state;
	for (i = 0; i < 256; i++)
		bin[i] = (char)i;
	make_dir(in_dir("run"));
	assert_int_equal(stroom_archive_open(&ar, in_dir("dir.sqlite"), STROOM_ARCHIVE_CREATE, NULL), 0);
	assert_int_equal(stroom_archive_record_dir(ar, &m, in_dir("run"), &id), 0);
	assert_int_equal(stroom_archive_get(ar, id, &r), 0);
	assert_int_equal(r->kind, STROOM_ARCHIVE_CALIBRATE);
	assert_int_equal(r->n_files, 4);
	assert_string_equal(r->directory, in_dir("run")); /* test_dir is absolute and has no links */
	stroom_archive_records_free(ar, r, 1);
	assert_int_equal(stroom_archive_export(ar, id, in_dir("again"), NULL, NULL), 0);
	assert_same_file(in_dir("again/bytes.bin"), bin, sizeof bin);
	assert_same_file(in_dir("again/empty.txt"), "", 0);
	assert_same_file(in_dir("again/manifest.json"), manifest_a, strlen(manifest_a));
	assert_same_file(in_dir("again/series.csv"), series, sizeof series - 1);

	/* no manifest.json: not a stroom output */
	assert_int_equal(mkdir(in_dir("bare"), 0777), 0);
	snprintf(path, sizeof path, "%s/series.csv", in_dir("bare"));
	write_file(path, series, sizeof series - 1);
	assert_int_equal(stroom_archive_record_dir(ar, &m, in_dir("bare"), &id), STROOM_EINVAL);

	/* a file name the archive does not store, given in memory */
	{
		stroom_archive_file f[2] = {{"manifest.json", "{}", 2}, {"../evil", "x", 1}};
		assert_int_equal(stroom_archive_record_files(ar, &m, NULL, f, 2, &id), STROOM_EINVAL);
	}
	stroom_archive_close(ar);
	assert_int_equal(sql_int(in_dir("dir.sqlite"), "SELECT count(*) FROM record"), 1);
}

/* A failure after the record's row and some of its files are stored (a directory
 * in the run directory, found when its turn comes) rolls everything back. */
static void test_failure_midway(void **state)
{
	stroom_archive *ar = NULL;
	stroom_archive_meta m = {STROOM_ARCHIVE_RUN, "stroom run", "x", 0.5};
	int64_t id = 0;
	(void)state;
	make_dir(in_dir("mid"));
	assert_int_equal(mkdir(in_dir("mid/zz-subdir"), 0777), 0); /* sorted last: the others go in first */
	assert_int_equal(stroom_archive_open(&ar, in_dir("mid.sqlite"), STROOM_ARCHIVE_CREATE, NULL), 0);
	assert_int_equal(stroom_archive_record_dir(ar, &m, in_dir("mid"), &id), STROOM_EINVAL);
	assert_non_null(strstr(stroom_error_last(), "zz-subdir"));
	stroom_archive_close(ar);
	assert_int_equal(sql_int(in_dir("mid.sqlite"), "SELECT count(*) FROM record"), 0);
	assert_int_equal(sql_int(in_dir("mid.sqlite"), "SELECT count(*) FROM file"), 0);
}

/* Every allocation of a record in turn fails: each time nothing is recorded and
 * nothing leaks, until the record goes in whole. */
static void test_failing_alloc(void **state)
{
	failing f = {0, 0, 0};
	stroom_allocator fa = {f_malloc, f_realloc, f_free, &f};
	stroom_archive_meta m = {STROOM_ARCHIVE_RUN, "stroom run", "x", 0.5};
	long k;
	int done = 0;
	(void)state;
	make_dir(in_dir("fa"));
	for (k = 1; k < 200 && !done; k++) {
		stroom_archive *ar = NULL;
		int64_t id = 0;
		int err;
		f.fail_at = k;
		f.count = 0;
		err = stroom_archive_open(&ar, in_dir("fa.sqlite"), STROOM_ARCHIVE_CREATE, &fa);
		if (err) {
			assert_int_equal(err, STROOM_ENOMEM);
			assert_int_equal(f.live, 0);
			continue;
		}
		err = stroom_archive_record_dir(ar, &m, in_dir("fa"), &id);
		stroom_archive_close(ar);
		assert_int_equal(f.live, 0);
		if (err) {
			assert_int_equal(err, STROOM_ENOMEM);
			assert_int_equal(sql_int(in_dir("fa.sqlite"), "SELECT count(*) FROM record"), 0);
			assert_int_equal(sql_int(in_dir("fa.sqlite"), "SELECT count(*) FROM file"), 0);
		} else {
			done = 1;
		}
	}
	assert_true(done);
	assert_true(k > 4); /* some failures were walked through */
	assert_int_equal(sql_int(in_dir("fa.sqlite"), "SELECT count(*) FROM record"), 1);
	assert_int_equal(sql_int(in_dir("fa.sqlite"), "SELECT count(*) FROM file"), 4);
}

/* Databases that are not this stroom's archive are refused and left as they were. */
static void test_refused(void **state)
{
	stroom_archive *ar = NULL;
	char *before, *after;
	size_t lb, la;
	struct stat st;
	(void)state;
	/* a newer schema */
	assert_int_equal(stroom_archive_open(&ar, in_dir("new.sqlite"), STROOM_ARCHIVE_CREATE, NULL), 0);
	record3(ar, manifest_a, budget_a, 0.1);
	stroom_archive_close(ar);
	sql_exec(in_dir("new.sqlite"), "PRAGMA user_version = 2");
	assert_int_equal(stroom_archive_open(&ar, in_dir("new.sqlite"), STROOM_ARCHIVE_CREATE, NULL),
			 STROOM_EINVAL);
	assert_null(ar);
	assert_non_null(strstr(stroom_error_last(), "schema 2, newer than this stroom reads (1)"));
	assert_int_equal(sql_int(in_dir("new.sqlite"), "SELECT count(*) FROM record"), 1);

	/* a text file */
	write_file(in_dir("notes.txt"), "not a database\n", 15);
	assert_int_equal(stroom_archive_open(&ar, in_dir("notes.txt"), STROOM_ARCHIVE_CREATE, NULL),
			 STROOM_EINVAL);
	assert_non_null(strstr(stroom_error_last(), "is not a stroom archive (not a SQLite database)"));
	assert_same_file(in_dir("notes.txt"), "not a database\n", 15);

	/* another program's database */
	sql_exec(in_dir("other.sqlite"), "CREATE TABLE t (x); INSERT INTO t VALUES (1)");
	before = slurp(in_dir("other.sqlite"), &lb);
	assert_int_equal(stroom_archive_open(&ar, in_dir("other.sqlite"), STROOM_ARCHIVE_CREATE, NULL),
			 STROOM_EINVAL);
	assert_non_null(strstr(stroom_error_last(), "of another program"));
	after = slurp(in_dir("other.sqlite"), &la);
	assert_int_equal(la, lb);
	assert_memory_equal(after, before, la);
	free(before);
	free(after);

	/* a directory; a missing file without CREATE is not made */
	assert_int_equal(stroom_archive_open(&ar, test_dir, STROOM_ARCHIVE_CREATE, NULL), STROOM_EINVAL);
	assert_int_equal(stroom_archive_open(&ar, in_dir("missing.sqlite"), 0, NULL), STROOM_ENOTFOUND);
	assert_int_not_equal(stat(in_dir("missing.sqlite"), &st), 0);

	/* an empty file is a new archive */
	write_file(in_dir("empty.sqlite"), "", 0);
	assert_int_equal(stroom_archive_open(&ar, in_dir("empty.sqlite"), 0, NULL), 0);
	stroom_archive_close(ar);
	assert_int_equal(sql_int(in_dir("empty.sqlite"), "PRAGMA user_version"), STROOM_ARCHIVE_SCHEMA);
}

static void test_default_path(void **state)
{
	char buf[256];
	(void)state;
	setenv("XDG_DATA_HOME", "/data/x", 1);
	setenv("HOME", "/home/u", 1);
	assert_int_equal(stroom_archive_default_path(buf, sizeof buf), 0);
	assert_string_equal(buf, "/data/x/stroom/archive.sqlite");
	setenv("XDG_DATA_HOME", "relative/ignored", 1); /* the XDG spec: only absolute paths */
	assert_int_equal(stroom_archive_default_path(buf, sizeof buf), 0);
	assert_string_equal(buf, "/home/u/.local/share/stroom/archive.sqlite");
	unsetenv("XDG_DATA_HOME");
	unsetenv("HOME");
	assert_int_equal(stroom_archive_default_path(buf, sizeof buf), STROOM_ENOTFOUND);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_round_trip, test_dir_setup, test_dir_teardown),
		cmocka_unit_test_setup_teardown(test_diff, test_dir_setup, test_dir_teardown),
		cmocka_unit_test_setup_teardown(test_record_dir, test_dir_setup, test_dir_teardown),
		cmocka_unit_test_setup_teardown(test_failure_midway, test_dir_setup, test_dir_teardown),
		cmocka_unit_test_setup_teardown(test_failing_alloc, test_dir_setup, test_dir_teardown),
		cmocka_unit_test_setup_teardown(test_refused, test_dir_setup, test_dir_teardown),
		cmocka_unit_test_setup_teardown(test_default_path, test_dir_setup, test_dir_teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
