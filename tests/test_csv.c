/*
 * test_csv.c: the CSV reader of the data files (src/core/csv.c): fields cut at
 * commas, RFC 4180 quoting within a line (a comma inside a quoted field, a doubled
 * quote, an empty quoted field), columns counted in characters, and the errors
 * with their LINE:COL (a quote not closed on its line, text after a closing quote,
 * a quote inside an unquoted field, a wrong number of fields, a missing header
 * column where it would start or at the end of the line).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include "csv.h"
#include "internal.h"

#include <stdio.h>
#include <string.h>

static const char *const cols[3] = {"a", "b", "c"};

/* Opens text (copied into buf) with the three columns a,b,c. */
static int open_text(stroom_csv *c, char *buf, size_t size, const char *text, int flags)
{
	snprintf(buf, size, "%s", text);
	return stroom_csv_open(c, buf, "t.csv", cols, 3, 3, flags);
}

static void test_plain(void **state)
{
	char buf[256];
	stroom_csv c;
	(void)state;
	assert_int_equal(open_text(&c, buf, sizeof buf, "# note\na,b,c\r\n\n1,,x y\n", 0), 0);
	assert_int_equal(stroom_csv_row(&c), 1);
	assert_int_equal(c.line, 4);
	assert_string_equal(c.f[0], "1");
	assert_string_equal(c.f[1], "");
	assert_string_equal(c.f[2], "x y");
	assert_int_equal(c.col[2], 4);
	assert_int_equal(c.end_col, 7);
	assert_int_equal(stroom_csv_row(&c), 0);
}

static void test_quoted(void **state)
{
	char buf[256];
	stroom_csv c;
	(void)state;
	assert_int_equal(open_text(&c, buf, sizeof buf,
				   "\"a\",b,\"c\"\n\"1,5\",\"say \"\"hi\"\"\",\"\"\n\"é,\",x,\"\"\"\"\n", 0),
			 0);
	assert_int_equal(stroom_csv_row(&c), 1);
	assert_string_equal(c.f[0], "1,5");
	assert_string_equal(c.f[1], "say \"hi\"");
	assert_string_equal(c.f[2], "");
	assert_int_equal(c.col[0], 1);
	assert_int_equal(c.col[1], 7);
	assert_int_equal(c.col[2], 20);
	assert_int_equal(c.end_col, 22);
	assert_int_equal(stroom_csv_row(&c), 1);
	assert_string_equal(c.f[0], "é,");
	assert_string_equal(c.f[1], "x");
	assert_string_equal(c.f[2], "\"");
	assert_int_equal(c.col[1], 6); /* characters, not bytes */
	assert_int_equal(stroom_csv_row(&c), 0);
}

static void test_quote_errors(void **state)
{
	char buf[256];
	stroom_csv c;
	(void)state;
	assert_int_equal(open_text(&c, buf, sizeof buf, "a,b,c\n1,\"open,3\n", 0), 0);
	assert_int_equal(stroom_csv_row(&c), STROOM_EPARSE);
	assert_string_equal(stroom_error_last(), "t.csv:2:3: expected a closing '\"' of the quoted "
						 "field, got the end of the line");
	assert_int_equal(open_text(&c, buf, sizeof buf, "a,b,c\n1,\"x\"y,3\n", 0), 0);
	assert_int_equal(stroom_csv_row(&c), STROOM_EPARSE);
	assert_string_equal(stroom_error_last(), "t.csv:2:6: expected ',' after the quoted field, got 'y'");
	assert_int_equal(open_text(&c, buf, sizeof buf, "a,b,c\n1,x\"y\",3\n", 0), 0);
	assert_int_equal(stroom_csv_row(&c), STROOM_EPARSE);
	assert_string_equal(stroom_error_last(), "t.csv:2:4: expected no '\"' inside an unquoted field "
						 "(quote the whole field)");
	/* in the header too, and a quoted newline does not continue the field */
	assert_int_equal(open_text(&c, buf, sizeof buf, "a,\"b\nc\"\n", 0), STROOM_EPARSE);
	assert_string_equal(stroom_error_last(), "t.csv:1:3: expected a closing '\"' of the quoted "
						 "field, got the end of the line");
}

static void test_shape_errors(void **state)
{
	char buf[256];
	stroom_csv c;
	(void)state;
	assert_int_equal(open_text(&c, buf, sizeof buf, "a,b,c\n1,\"2,3\"\n", 0), 0);
	assert_int_equal(stroom_csv_row(&c), STROOM_EPARSE);
	assert_string_equal(stroom_error_last(), "t.csv:2: expected 3 fields, got 2");
	/* stroom_csv_next leaves the count to the caller */
	assert_int_equal(open_text(&c, buf, sizeof buf, "a,b,c\n1,\"2,3\"\n", 0), 0);
	assert_int_equal(stroom_csv_next(&c), 1);
	assert_int_equal(c.n, 2);
	assert_int_equal(open_text(&c, buf, sizeof buf, "a,b\n",
				   STROOM_CSV_WITH_COL | STROOM_CSV_MISSING_AS_COLUMN), STROOM_EPARSE);
	assert_string_equal(stroom_error_last(), "t.csv:1:5: header: expected column 'c', got ''");
	assert_int_equal(open_text(&c, buf, sizeof buf, "a,b\n",
				   STROOM_CSV_WITH_COL | STROOM_CSV_MISSING_AS_COLUMN |
					   STROOM_CSV_MISSING_AT_END), STROOM_EPARSE);
	assert_string_equal(stroom_error_last(), "t.csv:1:4: header: expected column 'c', got ''");
	assert_int_equal(open_text(&c, buf, sizeof buf, "# only\n", 0), STROOM_EPARSE);
	assert_string_equal(stroom_error_last(), "t.csv: no header line (expected 'a,...')");
	assert_int_equal(open_text(&c, buf, sizeof buf, "\n", STROOM_CSV_NAME_COLUMNS), STROOM_EPARSE);
	assert_string_equal(stroom_error_last(), "t.csv: no header line (expected 'a,b,c')");
	assert_int_equal(open_text(&c, buf, sizeof buf, "a,\"B\",c\n", STROOM_CSV_WITH_COL),
			 STROOM_EPARSE);
	assert_string_equal(stroom_error_last(), "t.csv:1:3: header: expected column 'b', got 'B'");
	assert_int_equal(open_text(&c, buf, sizeof buf, "a,b,c\n1,\"x,y\",3\n", STROOM_CSV_WITH_COL), 0);
	assert_int_equal(stroom_csv_row(&c), 1);
	assert_int_equal(stroom_csv_bad(&c, STROOM_EINVAL, 1, "a number"), STROOM_EINVAL);
	assert_string_equal(stroom_error_last(), "t.csv:2:3: column b: expected a number, got 'x,y'");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_plain),
		cmocka_unit_test(test_quoted),
		cmocka_unit_test(test_quote_errors),
		cmocka_unit_test(test_shape_errors),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
