/*
 * test_xlsx.c: stroom_xlsx_from_dir (src/output/xlsx.c) on small hand-made
 * directories: a complete one gives a zip (an .xlsx) with a sheet per table; a
 * missing file, a value that is not a number and a manifest that is not JSON are
 * reported with the file (and line and column) and leave no workbook and no
 * temporary file; an existing target and a name without .xlsx are refused and an
 * existing file is left as it was. tests/cli_xlsx.sh reads the cells back.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#define TEST_DIR_PREFIX "test_xlsx"
#include "test_util.h"

#include <stroom/xlsx.h>

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static void put(const char *name, const char *text)
{
	FILE *f = fopen(in_dir(name), "w");
	assert_non_null(f);
	assert_int_equal(fputs(text, f) >= 0, 1);
	assert_int_equal(fclose(f), 0);
}

static const char series[] = "month,indicator,group,mean,p05,p25,p50,p75,p95\n"
			     "2024-01,caseload,all,1000.00,1000.0,1000.0,1000.0,1000.0,1000.0\n"
			     "2024-01,spending_benefit_eurocent,all,123456.78,1.0,2.0,3.0,4.0,5.0\n"
			     "2024-02,caseload,all,990.50,980.0,985.0,990.0,995.0,1001.0\n"
			     "2024-02,spending_benefit_eurocent,all,123000.00,1.0,2.0,3.0,4.0,5.0\n";
static const char manifest[] = "{\"scenario_name\": \"t\", \"replicates\": 2, \"target\": "
			       "{\"households\": 995, \"date\": \"2024-02-01\", \"p\": 0.5},"
			       " \"scenario\": {\"name\": \"t\", \"start\": \"2024-01\", \"x\": [1, 2]}}\n";

static void test_run_dir(void **state)
{
	char head[4] = {0};
	struct stat st;
	FILE *f;
	(void)state;
	put("series.csv", series);
	put("manifest.json", manifest);
	assert_int_equal(stroom_xlsx_from_dir(test_dir, in_dir("book.xlsx")), 0);
	assert_int_equal(stat(in_dir("book.xlsx"), &st), 0);
	f = fopen(in_dir("book.xlsx"), "rb");
	assert_non_null(f);
	assert_int_equal(fread(head, 1, 2, f), 2);
	fclose(f);
	assert_string_equal(head, "PK"); /* a zip */
	assert_int_equal(dir_entries(test_dir), 3);  /* no temporary file left */
	/* written once: the second time it exists */
	assert_int_equal(stroom_xlsx_from_dir(test_dir, in_dir("book.xlsx")), STROOM_EINVAL);
	assert_non_null(strstr(stroom_error_last(), "already exists; remove it or choose another --xlsx"));
}

static void test_missing_file(void **state)
{
	(void)state;
	put("manifest.json", manifest);
	assert_int_equal(stroom_xlsx_from_dir(test_dir, in_dir("book.xlsx")), STROOM_ENOTFOUND);
	assert_non_null(strstr(stroom_error_last(), "series.csv"));
	assert_int_equal(dir_entries(test_dir), 1);
	put("series.csv", series);
	unlink(in_dir("manifest.json"));
	assert_int_equal(stroom_xlsx_from_dir(test_dir, in_dir("book.xlsx")), STROOM_ENOTFOUND);
	assert_int_equal(dir_entries(test_dir), 1);
}

static void test_bad_content(void **state)
{
	char want[128];
	(void)state;
	put("series.csv", "month,indicator,group,mean,p05,p25,p50,p75,p95\n"
			  "2024-01,caseload,all,1000.00,1000.0,x1,1000.0,1000.0,1000.0\n");
	put("manifest.json", manifest);
	assert_int_equal(stroom_xlsx_from_dir(test_dir, in_dir("book.xlsx")), STROOM_EPARSE);
	snprintf(want, sizeof want, "%s:2:37: column p25: expected a number, got 'x1'", in_dir("series.csv"));
	assert_string_equal(stroom_error_last(), want);
	assert_int_equal(dir_entries(test_dir), 2);
	put("series.csv", series);
	put("manifest.json", "{\"scenario\": ");
	assert_int_equal(stroom_xlsx_from_dir(test_dir, in_dir("book.xlsx")), STROOM_EPARSE);
	assert_non_null(strstr(stroom_error_last(), "manifest.json:1:"));
	assert_int_equal(dir_entries(test_dir), 2);
	put("manifest.json", manifest);
	put("budget.csv", "year,indicator,mean,p05\n2024,budget,1,1\n");
	assert_int_equal(stroom_xlsx_from_dir(test_dir, in_dir("book.xlsx")), STROOM_EPARSE);
	assert_non_null(strstr(stroom_error_last(), "budget.csv:1:"));
	assert_int_equal(dir_entries(test_dir), 3);
}

static void test_compare_dir(void **state)
{
	(void)state;
	put("compare.csv", "period,indicator,a_mean,b_mean,diff_mean,diff_se,diff_p05,diff_p50,diff_p95\n"
			   "2024,caseload_1jan,1000,990,-10,1,-12,-10,-8\n"
			   "all,net_cost_per_household_year_off_eur,,,-5000,,,,\n");
	put("manifest.json", "{\"a\": {\"scenario\": {\"name\": \"a\"}}, \"b\": {\"scenario\": "
			     "{\"name\": \"b\"}}}");
	assert_int_equal(stroom_xlsx_from_dir(test_dir, in_dir("cmp.xlsx")), 0);
	assert_int_equal(dir_entries(test_dir), 3);
}

static void test_refused_names(void **state)
{
	char buf[32] = {0};
	FILE *f;
	(void)state;
	put("series.csv", series);
	put("manifest.json", manifest);
	put("old.xlsx", "kept");
	assert_int_equal(stroom_xlsx_from_dir(test_dir, in_dir("old.xlsx")), STROOM_EINVAL);
	f = fopen(in_dir("old.xlsx"), "r");
	assert_non_null(f);
	assert_non_null(fgets(buf, sizeof buf, f));
	fclose(f);
	assert_string_equal(buf, "kept");
	assert_int_equal(stroom_xlsx_check_path(in_dir("book.csv")), STROOM_EINVAL);
	assert_non_null(strstr(stroom_error_last(), "ending in .xlsx"));
	assert_int_equal(stroom_xlsx_check_path(in_dir("no/book.xlsx")), STROOM_EINVAL);
	assert_int_equal(stroom_xlsx_check_path(in_dir("series.csv/book.xlsx")), STROOM_EINVAL);
	assert_int_equal(stroom_xlsx_check_path(in_dir("new.xlsx")), 0);
	assert_int_equal(dir_entries(test_dir), 3);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_run_dir, test_dir_setup, test_dir_teardown),
		cmocka_unit_test_setup_teardown(test_missing_file, test_dir_setup, test_dir_teardown),
		cmocka_unit_test_setup_teardown(test_bad_content, test_dir_setup, test_dir_teardown),
		cmocka_unit_test_setup_teardown(test_compare_dir, test_dir_setup, test_dir_teardown),
		cmocka_unit_test_setup_teardown(test_refused_names, test_dir_setup, test_dir_teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
