/*
 * test_observed.c: the observed-series reader (src/observed/observed.c,
 * docs/observed.md). Every period kind and where it lands (a stock on a day after
 * the 1st counts on the 1st of the next month), quoted sources, comments, every
 * input error with its exact message and place, the row limit, the file reader's
 * checks (NUL, bad UTF-8, missing file), and a failing allocator without leaks.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include "failing_alloc.h"
#include "internal.h"

#include <stroom/observed.h>
#include <stroom/sim.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define HEAD "period,indicator,group,value,unit,source\n"

static stroom_observed *load_ok(const char *text)
{
	stroom_observed *o = NULL;
	int err = stroom_observed_load_string(&o, text, strlen(text), "obs.csv", NULL);
	if (err)
		fail_msg("unexpected error %d: %s", err, stroom_error_last());
	return o;
}

/* Loading text fails with code and exactly the message msg. */
static void load_bad(const char *text, int code, const char *msg)
{
	stroom_observed *o = NULL;
	int err = stroom_observed_load_string(&o, text, strlen(text), "obs.csv", NULL);
	assert_null(o);
	assert_int_equal(err, code);
	assert_string_equal(stroom_error_last(), msg);
}

static void test_periods(void **state)
{
	stroom_observed *o;
	const stroom_obs_row *r;
	(void)state;
	o = load_ok("# Rotterdam's record\n"
		    "\n"
		    "# more comment\n" HEAD "2018-01-01,caseload,all,37667,benefits,\"Jaarstukken 2018, p. 1\"\n"
		    "2017-12-31,caseload,long,0.46,share,seed\n"
		    "2018-03,inflow,all,600,benefits,x\n"
		    "2018-Q2,exits,all,2350.5,households,x\n"
		    "2018,exit_work,all,4506,persons,\"Monitor \"\"Werk\"\" 2018\"\n"
		    "\n"
		    "2017,applications,all,17324,households,x\n"
		    "2019-Q4,reexaminations,>5y,6074,benefits,x\n"
		    "2024-02-29,caseload,zuid,1e4,households,x\n");
	assert_int_equal(stroom_observed_count(o), 8);
	assert_string_equal(stroom_observed_path(o), "obs.csv");
	r = stroom_observed_row(o, 0);
	assert_int_equal(r->month, stroom_month_make(2018, 1));
	assert_int_equal(r->months, 0);
	assert_int_equal(r->indicator, STROOM_IND_CASELOAD);
	assert_string_equal(r->group, "all");
	assert_true(r->value == 37667.0);
	assert_int_equal(r->unit, STROOM_OBS_UNIT_BENEFITS);
	assert_int_equal(r->line, 5);
	assert_string_equal(r->source, "Jaarstukken 2018, p. 1");
	r = stroom_observed_row(o, 1); /* 31 December: the 1st of January */
	assert_int_equal(r->month, stroom_month_make(2018, 1));
	assert_int_equal(r->months, 0);
	assert_int_equal(r->unit, STROOM_OBS_UNIT_SHARE);
	assert_true(r->value == 0.46);
	assert_string_equal(r->group, "long");
	r = stroom_observed_row(o, 2);
	assert_int_equal(r->month, stroom_month_make(2018, 3));
	assert_int_equal(r->months, 1);
	assert_int_equal(r->indicator, STROOM_OBS_IND_INFLOW);
	r = stroom_observed_row(o, 3);
	assert_int_equal(r->month, stroom_month_make(2018, 4));
	assert_int_equal(r->months, 3);
	assert_int_equal(r->indicator, STROOM_OBS_IND_EXITS);
	assert_int_equal(r->unit, STROOM_OBS_UNIT_HOUSEHOLDS);
	assert_true(r->value == 2350.5);
	r = stroom_observed_row(o, 4);
	assert_int_equal(r->month, stroom_month_make(2018, 1));
	assert_int_equal(r->months, 12);
	assert_int_equal(r->indicator, STROOM_IND_EXIT_WORK);
	assert_int_equal(r->unit, STROOM_OBS_UNIT_PERSONS);
	assert_string_equal(r->source, "Monitor \"Werk\" 2018");
	r = stroom_observed_row(o, 5);
	assert_int_equal(r->line, 11);
	assert_int_equal(r->indicator, STROOM_OBS_IND_APPLICATIONS);
	r = stroom_observed_row(o, 6);
	assert_int_equal(r->indicator, STROOM_OBS_IND_REEXAMINATIONS);
	assert_int_equal(r->month, stroom_month_make(2019, 10));
	assert_string_equal(r->group, ">5y");
	r = stroom_observed_row(o, 7); /* 29 February 2024: the 1st of March */
	assert_int_equal(r->month, stroom_month_make(2024, 3));
	assert_string_equal(r->group, "zuid");
	assert_true(r->value == 10000.0);
	assert_null(stroom_observed_row(o, 8));
	stroom_observed_free(o);
}

static void test_names(void **state)
{
	(void)state;
	assert_string_equal(stroom_observed_unit_name(STROOM_OBS_UNIT_HOUSEHOLDS), "households");
	assert_string_equal(stroom_observed_unit_name(STROOM_OBS_UNIT_SHARE), "share");
	assert_null(stroom_observed_unit_name(4));
	assert_null(stroom_observed_unit_name(-1));
	assert_string_equal(stroom_observed_indicator_name(STROOM_IND_CASELOAD), "caseload");
	assert_string_equal(stroom_observed_indicator_name(STROOM_IND_EXIT_PENSION), "exit_pension");
	assert_string_equal(stroom_observed_indicator_name(STROOM_OBS_IND_INFLOW), "inflow");
	assert_string_equal(stroom_observed_indicator_name(STROOM_OBS_IND_REEXAMINATIONS),
			    "reexaminations");
	assert_null(stroom_observed_indicator_name(STROOM_IND_SANCTIONS));
	assert_int_equal(stroom_observed_count(NULL), 0);
}

static void test_crlf_bom(void **state)
{
	stroom_observed *o;
	(void)state;
	o = load_ok("\xEF\xBB\xBFperiod,indicator,group,value,unit,source\r\n"
		    "2018-01-01,caseload,all,1,households,x\r\n");
	assert_int_equal(stroom_observed_count(o), 1);
	assert_string_equal(stroom_observed_row(o, 0)->source, "x");
	stroom_observed_free(o);
}

static void test_errors(void **state)
{
	(void)state;
	load_bad("", STROOM_EPARSE,
		 "obs.csv: no header line (expected 'period,indicator,group,value,unit,source')");
	load_bad("# only\n\n", STROOM_EPARSE,
		 "obs.csv: no header line (expected 'period,indicator,group,value,unit,source')");
	load_bad("period,indicator,grp,value,unit,source\n", STROOM_EPARSE,
		 "obs.csv:1:18: header: expected column 'group', got 'grp'");
	load_bad("period,indicator,group,value,unit\n", STROOM_EPARSE,
		 "obs.csv:1:34: header: expected column 'source', got ''");
	load_bad("period,indicator,group,value,unit,source,x\n", STROOM_EPARSE,
		 "obs.csv:1: header: expected 6 columns, got 7");
	load_bad(HEAD "2018,inflow,all,1,benefits\n", STROOM_EPARSE,
		 "obs.csv:2:27: expected 6 fields (period,indicator,group,value,unit,source), got 5");
	load_bad(HEAD "2018,inflow,all,1,benefits,\"open\n", STROOM_EPARSE,
		 "obs.csv:2:28: expected a closing '\"' of the quoted field, got the end of the line");
	load_bad(HEAD "2018,inflow,all,1,benefits,\"a\"b\n", STROOM_EPARSE,
		 "obs.csv:2:31: expected ',' after the quoted field, got 'b'");
	load_bad(HEAD "2018,inflow,all,1,benefits,a\"b\n", STROOM_EPARSE,
		 "obs.csv:2:29: expected no '\"' inside an unquoted field (quote the whole field)");
	/* periods */
	load_bad(HEAD "2018-13,inflow,all,1,benefits,x\n", STROOM_EINVAL,
		 "obs.csv:2:1: column period: expected a period YYYY-MM-DD (a stock on that day), "
		 "YYYY-MM, YYYY-Qn or YYYY (a flow), years 1900-2199, got '2018-13'");
	load_bad(HEAD "2018-02-29,caseload,all,1,benefits,x\n", STROOM_EINVAL,
		 "obs.csv:2:1: column period: expected a period YYYY-MM-DD (a stock on that day), "
		 "YYYY-MM, YYYY-Qn or YYYY (a flow), years 1900-2199, got '2018-02-29'");
	load_bad(HEAD "2018-Q5,inflow,all,1,benefits,x\n", STROOM_EINVAL,
		 "obs.csv:2:1: column period: expected a period YYYY-MM-DD (a stock on that day), "
		 "YYYY-MM, YYYY-Qn or YYYY (a flow), years 1900-2199, got '2018-Q5'");
	load_bad(HEAD "1899,inflow,all,1,benefits,x\n", STROOM_EINVAL,
		 "obs.csv:2:1: column period: expected a period YYYY-MM-DD (a stock on that day), "
		 "YYYY-MM, YYYY-Qn or YYYY (a flow), years 1900-2199, got '1899'");
	/* indicators and the period kind they need */
	load_bad(HEAD "2018,instroom,all,1,benefits,x\n", STROOM_EINVAL,
		 "obs.csv:2:6: column indicator: expected one of caseload, inflow_new, inflow_return, "
		 "exit_work, exit_lks, exit_other, exit_enforcement, exit_pension, inflow, exits, "
		 "applications or reexaminations, got 'instroom'");
	load_bad(HEAD "2018-01,caseload,all,1,benefits,x\n", STROOM_EINVAL,
		 "obs.csv:2:1: column period: expected a day YYYY-MM-DD for the stock 'caseload' "
		 "(counted on that day), got '2018-01'");
	load_bad(HEAD "2018,caseload,all,1,benefits,x\n", STROOM_EINVAL,
		 "obs.csv:2:1: column period: expected a day YYYY-MM-DD for the stock 'caseload' "
		 "(counted on that day), got '2018'");
	load_bad(HEAD "2018-01-01,inflow,all,1,benefits,x\n", STROOM_EINVAL,
		 "obs.csv:2:1: column period: expected a month YYYY-MM, quarter YYYY-Qn or year YYYY "
		 "for the flow 'inflow', got '2018-01-01'");
	/* groups, units, values, sources */
	load_bad(HEAD "2018,inflow,Zuid,1,benefits,x\n", STROOM_EINVAL,
		 "obs.csv:2:13: column group: expected 'all' or a results group name (short, >5y, "
		 "<27, single, an area, ...: [a-z0-9_]+, at most 31 characters), got 'Zuid'");
	load_bad(HEAD "2018,inflow,,1,benefits,x\n", STROOM_EINVAL,
		 "obs.csv:2:13: column group: expected 'all' or a results group name (short, >5y, "
		 "<27, single, an area, ...: [a-z0-9_]+, at most 31 characters), got ''");
	load_bad(HEAD "2018,inflow,all,1,uitkeringen,x\n", STROOM_EINVAL,
		 "obs.csv:2:19: column unit: expected households, benefits, persons or share, got "
		 "'uitkeringen'");
	load_bad(HEAD "2018,inflow,all,1x,benefits,x\n", STROOM_EINVAL,
		 "obs.csv:2:17: column value: expected a number, got '1x'");
	load_bad(HEAD "2018,inflow,all,nan,benefits,x\n", STROOM_EINVAL,
		 "obs.csv:2:17: column value: expected a number, got 'nan'");
	load_bad(HEAD "2018,inflow,all,1e999,benefits,x\n", STROOM_EINVAL,
		 "obs.csv:2:17: column value: expected a number, got '1e999'");
	load_bad(HEAD "2018,inflow,all,,benefits,x\n", STROOM_EINVAL,
		 "obs.csv:2:17: column value: expected a number, got ''");
	load_bad(HEAD "2018,inflow,all,-3,benefits,x\n", STROOM_EINVAL,
		 "obs.csv:2:17: column value: expected a count or share >= 0, got '-3'");
	load_bad(HEAD "2018-01-01,caseload,long,1.5,share,x\n", STROOM_EINVAL,
		 "obs.csv:2:26: column value: expected a share in [0, 1], got '1.5'");
	load_bad(HEAD "2018,inflow,long,0.5,share,x\n", STROOM_EINVAL,
		 "obs.csv:2:22: column unit: expected households, benefits or persons for the flow "
		 "'inflow' (a share is of a stock), got 'share'");
	load_bad(HEAD "2018,inflow,all,1,benefits,\n", STROOM_EINVAL,
		 "obs.csv:2:28: column source: expected the source of the value (a document, table "
		 "or page), got ''");
	load_bad(HEAD "2018,inflow,all,1,benefits,\" \"\n", STROOM_EINVAL,
		 "obs.csv:2:28: column source: expected the source of the value (a document, table "
		 "or page), got ' '");
	/* duplicates: the same key, also a stock on the 31st against the next 1st */
	load_bad(HEAD "2018,inflow,all,1,benefits,x\n# c\n2018,inflow,all,2,benefits,y\n",
		 STROOM_EINVAL,
		 "obs.csv:4:1: column period: expected one row per period, indicator, group and "
		 "unit, got a second flow inflow of 2018-01 for all benefits (line 2)");
	load_bad(HEAD "2017-12-31,caseload,all,1,benefits,x\n2018-01-01,caseload,all,2,benefits,y\n",
		 STROOM_EINVAL,
		 "obs.csv:3:1: column period: expected one row per period, indicator, group and "
		 "unit, got a second stock caseload of 2018-01 for all benefits (line 2; a stock on "
		 "a day after the 1st counts on the 1st of the next month)");
}

static void test_not_duplicates(void **state)
{
	stroom_observed *o;
	(void)state;
	/* same period, other unit, group, indicator or period length: all kept */
	o = load_ok(HEAD "2018,inflow,all,1,benefits,x\n"
			 "2018,inflow,all,1,households,x\n"
			 "2018,inflow,short,1,benefits,x\n"
			 "2018,exits,all,1,benefits,x\n"
			 "2018-01,inflow,all,1,benefits,x\n"
			 "2018-Q1,inflow,all,1,benefits,x\n");
	assert_int_equal(stroom_observed_count(o), 6);
	stroom_observed_free(o);
}

static void test_text_checks(void **state)
{
	stroom_observed *o = NULL;
	static const char nul[] = HEAD "2018,inflow,all,1,benefits,a\0b\n";
	static const char bad_utf8[] = HEAD "2018,inflow,all,1,benefits,caf\xE9\n";
	(void)state;
	assert_int_equal(stroom_observed_load_string(&o, nul, sizeof nul - 1, "obs.csv", NULL),
			 STROOM_EPARSE);
	assert_string_equal(stroom_error_last(), "obs.csv:2:29: NUL byte");
	assert_int_equal(
		stroom_observed_load_string(&o, bad_utf8, sizeof bad_utf8 - 1, "obs.csv", NULL),
		STROOM_EPARSE);
	assert_string_equal(stroom_error_last(), "obs.csv:2:31: invalid UTF-8 byte 0xe9");
	assert_null(o);
	assert_int_equal(stroom_observed_load(&o, "/nonexistent/obs.csv", NULL), STROOM_ENOTFOUND);
	assert_null(o);
}

static void test_row_limit(void **state)
{
	size_t n = STROOM_LIMIT_OBSERVED_ROWS + 1, i, len = 0;
	char *text = malloc(64 + n * 48);
	stroom_observed *o = NULL;
	char msg[128];
	(void)state;
	assert_non_null(text);
	len += (size_t)sprintf(text, HEAD);
	for (i = 0; i < n; i++) /* distinct months: no duplicates */
		len += (size_t)sprintf(text + len, "%04zu-%02zu,inflow,g%zu,1,benefits,x\n",
				       1900 + i / 12 % 300, i % 12 + 1, i / 3600);
	assert_int_equal(stroom_observed_load_string(&o, text, len, "obs.csv", NULL), STROOM_EINVAL);
	snprintf(msg, sizeof msg, "obs.csv:%d:1: expected at most %d rows, got more",
		 STROOM_LIMIT_OBSERVED_ROWS + 2, STROOM_LIMIT_OBSERVED_ROWS);
	assert_string_equal(stroom_error_last(), msg);
	/* exactly at the limit: read */
	len--; /* before the last row's newline: back to the end of the row before */
	while (text[len - 1] != '\n')
		len--;
	assert_int_equal(stroom_observed_load_string(&o, text, len, "obs.csv", NULL), 0);
	assert_int_equal(stroom_observed_count(o), STROOM_LIMIT_OBSERVED_ROWS);
	stroom_observed_free(o);
	free(text);
}

static void test_file(void **state)
{
	stroom_observed *o = NULL;
	const char *path = STROOM_SOURCE_DIR "/data/observed/rotterdam.csv";
	size_t i;
	(void)state;
	assert_int_equal(stroom_observed_load(&o, path, NULL), 0);
	assert_string_equal(stroom_observed_path(o), path);
	assert_true(stroom_observed_count(o) >= 12);
	for (i = 0; i < stroom_observed_count(o); i++)
		assert_true(strlen(stroom_observed_row(o, i)->source) > 0);
	/* the 2018 annual accounts' end-of-year stock counts on 1 January 2019 */
	for (i = 0; i < stroom_observed_count(o); i++) {
		const stroom_obs_row *r = stroom_observed_row(o, i);
		if (r->indicator == STROOM_IND_CASELOAD && r->month == stroom_month_make(2019, 1) &&
		    r->unit == STROOM_OBS_UNIT_BENEFITS && !strcmp(r->group, "all"))
			break;
	}
	assert_true(i < stroom_observed_count(o));
	assert_true(stroom_observed_row(o, i)->value == 35292.0);
	stroom_observed_free(o);
}

static void test_nomem(void **state)
{
	static const char text[] = HEAD "2018,inflow,all,1,benefits,x\n2019,inflow,all,1,benefits,x\n";
	long k;
	(void)state;
	for (k = 1;; k++) {
		failing f = {k, 0, 0};
		stroom_allocator al = {f_malloc, f_realloc, f_free, &f};
		stroom_observed *o = NULL;
		int err = stroom_observed_load_string(&o, text, sizeof text - 1, "obs.csv", &al);
		if (!err) {
			assert_int_equal(stroom_observed_count(o), 2);
			stroom_observed_free(o);
			assert_int_equal(f.live, 0);
			break;
		}
		assert_int_equal(err, STROOM_ENOMEM);
		assert_null(o);
		assert_int_equal(f.live, 0);
	}
	assert_true(k > 3);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_periods),     cmocka_unit_test(test_names),
		cmocka_unit_test(test_crlf_bom),    cmocka_unit_test(test_errors),
		cmocka_unit_test(test_not_duplicates), cmocka_unit_test(test_text_checks),
		cmocka_unit_test(test_row_limit),   cmocka_unit_test(test_file),
		cmocka_unit_test(test_nomem),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
