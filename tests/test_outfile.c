/*
 * test_outfile.c: the all-or-nothing directory write (stroom_write_dir,
 * src/output/outfile.c) that a run's and a fit's outputs go through: files given
 * as bytes or by a writer; a failure midway (a writer out of memory, a file that
 * cannot be opened) and a cancel leave nothing, not even the parents it made; an
 * existing target, before the write or made while it was written, is never
 * replaced. The single-file write (stroom_write_file): its check, an existing
 * file kept, a missing parent.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include "internal.h"
#include "outfile.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define TEST_DIR_PREFIX "test_outfile"
#include "test_util.h"


static void assert_file(const char *path, const char *text)
{
	char buf[256];
	FILE *f = fopen(path, "rb");
	size_t n;
	assert_non_null(f);
	n = fread(buf, 1, sizeof buf - 1, f);
	fclose(f);
	buf[n] = '\0';
	assert_string_equal(buf, text);
}

static int lines_writer(FILE *f, const void *a, const void *b)
{
	int i, n = *(const int *)b;
	for (i = 0; i < n; i++)
		if (fprintf(f, "%s %d\n", (const char *)a, i) < 0)
			return STROOM_EIO;
	return 0;
}

static int failing_writer(FILE *f, const void *a, const void *b)
{
	(void)a, (void)b;
	fputs("half", f);
	return stroom_error_set(STROOM_ENOMEM, "out of memory");
}

static const int three = 3;

static void test_writes_all(void **state)
{
	stroom_dir_file files[2] = {{"a.txt", NULL, NULL, NULL, "bytes\n", 6},
				    {"b.csv", lines_writer, "row", &three, NULL, 0}};
	(void)state;
	assert_int_equal(stroom_write_dir(in_dir("x/y/out"), "this test wrote", files, 2, NULL, NULL), 0);
	assert_file(in_dir("x/y/out/a.txt"), "bytes\n");
	assert_file(in_dir("x/y/out/b.csv"), "row 0\nrow 1\nrow 2\n");
	assert_int_equal(dir_entries(in_dir("x/y/out")), 2);
	assert_int_equal(dir_entries(in_dir("x/y")), 1); /* no temporary directory left */
}

/* A failure midway leaves nothing: no target, no temporary directory, none of the
 * parents it created. */
static void test_failure_midway(void **state)
{
	stroom_dir_file files[3] = {{"a.txt", NULL, NULL, NULL, "bytes\n", 6},
				    {"b.csv", failing_writer, NULL, NULL, NULL, 0},
				    {"c.txt", NULL, NULL, NULL, "never\n", 6}};
	stroom_dir_file open_fails[2] = {{"a.txt", NULL, NULL, NULL, "bytes\n", 6},
					 {"no/such", NULL, NULL, NULL, "x", 1}};
	struct stat st;
	char want[600];
	(void)state;
	assert_int_equal(stroom_write_dir(in_dir("p/q/out"), "this test wrote", files, 3, NULL, NULL),
			 STROOM_ENOMEM);
	assert_string_equal(stroom_error_last(), "out of memory");
	assert_int_not_equal(lstat(in_dir("p"), &st), 0);
	assert_int_equal(dir_entries(test_dir), 0);

	assert_int_equal(stroom_write_dir(in_dir("out"), "this test wrote", open_fails, 2, NULL, NULL),
			 STROOM_EIO);
	snprintf(want, sizeof want, "cannot write '%s/no/such': No such file or directory", in_dir("out"));
	assert_string_equal(stroom_error_last(), want);
	assert_int_equal(dir_entries(test_dir), 0);
}

static int cancel_at(const char *step, void *payload)
{
	const char *at = payload;
	return step && !strcmp(step, at);
}

static void test_cancel(void **state)
{
	stroom_dir_file files[2] = {{"a.txt", NULL, NULL, NULL, "bytes\n", 6},
				    {"b.txt", NULL, NULL, NULL, "more\n", 5}};
	char want[600];
	(void)state;
	assert_int_equal(stroom_write_dir(in_dir("n/out"), "this test wrote", files, 2, cancel_at,
					  (void *)"b.txt"),
			 STROOM_EINTR);
	snprintf(want, sizeof want, "interrupted while writing '%s'; nothing written", in_dir("n/out"));
	assert_string_equal(stroom_error_last(), want);
	assert_int_equal(dir_entries(test_dir), 0);
}

/* An existing target is never replaced: one there before the write, and one made
 * while it was written (here by the hook just before the rename). */
static int make_target(const char *step, void *payload)
{
	if (!step) {
		FILE *f;
		char path[300];
		assert_int_equal(mkdir(payload, 0777), 0);
		snprintf(path, sizeof path, "%s/theirs", (const char *)payload);
		f = fopen(path, "w");
		assert_non_null(f);
		fputs("theirs\n", f);
		fclose(f);
	}
	return 0;
}

static void test_existing_target(void **state)
{
	stroom_dir_file files[1] = {{"a.txt", NULL, NULL, NULL, "bytes\n", 6}};
	char want[600], target[256];
	FILE *f;
	(void)state;
	assert_int_equal(mkdir(in_dir("old"), 0777), 0);
	f = fopen(in_dir("old/theirs"), "w");
	assert_non_null(f);
	fputs("theirs\n", f);
	fclose(f);
	assert_int_equal(stroom_write_dir(in_dir("old"), "this test wrote", files, 1, NULL, NULL),
			 STROOM_EIO);
	snprintf(want, sizeof want, "'%s' already exists; remove it or choose another --out", in_dir("old"));
	assert_string_equal(stroom_error_last(), want);
	assert_int_equal(dir_entries(in_dir("old")), 1);
	assert_file(in_dir("old/theirs"), "theirs\n");

	snprintf(target, sizeof target, "%s", in_dir("race"));
	assert_int_equal(stroom_write_dir(target, "this test wrote", files, 1, make_target, target),
			 STROOM_EIO);
	snprintf(want, sizeof want, "'%s' already exists (made while this test wrote); it is left as it was",
		 target);
	assert_string_equal(stroom_error_last(), want);
	assert_int_equal(dir_entries(target), 1);
	assert_file(in_dir("race/theirs"), "theirs\n");
	assert_int_equal(dir_entries(test_dir), 2); /* old and race: no temporary directory */
}

/* stroom_write_file's check: refuses when payload is nonzero, after the file is complete. */
static int check_file(const char *tmp, void *payload)
{
	assert_file(tmp, "one\n");
	return *(const int *)payload ? STROOM_EINVAL : 0;
}

static void test_write_file(void **state)
{
	char want[512];
	int refuse = 1;
	(void)state;
	/* a check that refuses: nothing written, its code returned */
	assert_int_equal(stroom_write_file(in_dir("a.txt"), "one\n", 4, check_file, &refuse),
			 STROOM_EINVAL);
	assert_int_equal(dir_entries(test_dir), 0);
	refuse = 0;
	assert_int_equal(stroom_write_file(in_dir("a.txt"), "one\n", 4, check_file, &refuse), 0);
	assert_file(in_dir("a.txt"), "one\n");
	/* an existing file is never replaced */
	assert_int_equal(stroom_write_file(in_dir("a.txt"), "two\n", 4, NULL, NULL), STROOM_EINVAL);
	snprintf(want, sizeof want, "cannot write '%s': File exists", in_dir("a.txt"));
	assert_string_equal(stroom_error_last(), want);
	assert_file(in_dir("a.txt"), "one\n");
	/* a missing parent: no parents are made */
	assert_int_equal(stroom_write_file(in_dir("no/b.txt"), "x", 1, NULL, NULL), STROOM_EIO);
	snprintf(want, sizeof want, "cannot write '%s': No such file or directory", in_dir("no/b.txt"));
	assert_string_equal(stroom_error_last(), want);
	assert_int_equal(dir_entries(test_dir), 1);
}

static void test_out_dir(void **state)
{
	char buf[128];
	(void)state;
	stroom_out_dir("a/b//", "x", "", buf, sizeof buf);
	assert_string_equal(buf, "a/b");
	stroom_out_dir("/", "x", "", buf, sizeof buf);
	assert_string_equal(buf, "/");
	stroom_out_dir(NULL, "name", "-calibrate", buf, sizeof buf);
	assert_int_equal(strncmp(buf, "runs/", 5), 0);
	assert_string_equal(buf + strlen(buf) - strlen("Z-name-calibrate"), "Z-name-calibrate");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_writes_all, test_dir_setup, test_dir_teardown),
		cmocka_unit_test_setup_teardown(test_failure_midway, test_dir_setup, test_dir_teardown),
		cmocka_unit_test_setup_teardown(test_cancel, test_dir_setup, test_dir_teardown),
		cmocka_unit_test_setup_teardown(test_existing_target, test_dir_setup, test_dir_teardown),
		cmocka_unit_test_setup_teardown(test_write_file, test_dir_setup, test_dir_teardown),
		cmocka_unit_test(test_out_dir),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
