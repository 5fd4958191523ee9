/*
 * test_report.c: the report (src/report): numbers in the Dutch and English style
 * (thousands, decimals, rounding, signs, NaN), HTML escaping, the SVG path of a
 * known small series (and a gap in it), a small run directory in memory made into
 * a page in both languages (the answer's numbers, the escaped scenario name, no
 * external reference), what only the run knew read from manifest.json and, in an
 * older directory, from summary.txt's text, malformed series.csv and budget.csv refused at their
 * FILE:LINE, and the write that never replaces a file.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stroom/report.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "report_int.h"

static const char *num(double v, int dec, stroom_report_lang lang)
{
	static char buf[8][64];
	static int k;
	char *b = buf[k++ % 8];
	stroom_report_number(b, 64, v, dec, lang);
	return b;
}

static void test_number(void **state)
{
	(void)state;
	assert_string_equal(num(1234.5, 1, STROOM_REPORT_NL), "1.234,5");
	assert_string_equal(num(1234.5, 1, STROOM_REPORT_EN), "1,234.5");
	assert_string_equal(num(32649, 0, STROOM_REPORT_NL), "32.649");
	assert_string_equal(num(32649, 0, STROOM_REPORT_EN), "32,649");
	assert_string_equal(num(1234567.891, 2, STROOM_REPORT_NL), "1.234.567,89");
	assert_string_equal(num(-1234567.891, 2, STROOM_REPORT_EN), "-1,234,567.89");
	assert_string_equal(num(999.96, 1, STROOM_REPORT_NL), "1.000,0");
	assert_string_equal(num(100, 0, STROOM_REPORT_NL), "100");
	assert_string_equal(num(0.5, 2, STROOM_REPORT_NL), "0,50");
	assert_string_equal(num(-0.004, 2, STROOM_REPORT_NL), "0,00"); /* no "-0,00" */
	assert_string_equal(num(-7.5, 1, STROOM_REPORT_NL), "-7,5");
	assert_string_equal(num(NAN, 1, STROOM_REPORT_NL), "-");
	assert_string_equal(num(INFINITY, 0, STROOM_REPORT_EN), "-");
	/* snprintf-style length and truncation */
	{
		char small[4];
		assert_int_equal(stroom_report_number(small, sizeof small, 12345, 0, STROOM_REPORT_NL), 6);
		assert_string_equal(small, "12.");
	}
}

static void test_escape(void **state)
{
	rp_buf b = {NULL, 0, 0, 0};
	(void)state;
	rp_escape(&b, "<script>alert('x')</script> & \"q\" ë");
	assert_non_null(b.p);
	assert_string_equal(b.p, "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &quot;q&quot; ë");
	free(b.p);
}

static void test_svg_path(void **state)
{
	const double x[4] = {0, 1, 2, 3}, y[4] = {0, 10, 5, 10}, gap[4] = {0, NAN, 5, 10};
	rp_buf b = {NULL, 0, 0, 0};
	(void)state;
	/* x 0..3 onto 100..400, y 0..10 onto 200 (bottom) .. 100 (top) */
	rp_svg_path(&b, x, y, 4, 0, 3, 0, 10, 100, 100, 300, 100);
	assert_string_equal(b.p, "M100.0 200.0 L200.0 100.0 L300.0 150.0 L400.0 100.0");
	b.len = 0;
	rp_svg_path(&b, x, gap, 4, 0, 3, 0, 10, 100, 100, 300, 100);
	assert_string_equal(b.p, "M100.0 200.0 M300.0 150.0 L400.0 100.0");
	free(b.p);
}

/* A run directory of three months in memory. */
static const char series[] =
	"month,indicator,group,mean,p05,p25,p50,p75,p95\n"
	"2026-01,caseload,all,1000.00,990.0,995.0,1000.0,1005.0,1010.0\n"
	"2026-01,exit_work,all,10.00,8.0,9.0,10.0,11.0,12.0\n"
	"2026-02,caseload,all,1010.00,995.0,1000.0,1010.0,1015.0,1020.0\n"
	"2026-02,exit_work,all,11.00,8.0,9.0,11.0,11.0,12.0\n"
	"2026-03,caseload,all,1234.50,1100.0,1200.0,1234.5,1250.0,1300.0\n"
	"2026-03,exit_work,all,12.00,8.0,9.0,12.0,11.0,12.0\n";
static const char budget[] = "year,indicator,mean,p05,p25,p50,p75,p95\n"
			     "2026,budget,1000000.00,1000000.00,1000000.00,1000000.00,1000000.00,1000000.00\n"
			     "2026,result,-80000.00,-90000.00,-85000.00,-80000.00,-75000.00,-70000.00\n"
			     "2026,result_pct,-8.00,-9.00,-8.50,-8.00,-7.50,-7.00\n";
/* summary.txt as stroom run writes it; an older run directory's report reads the
 * caseload on the target date, P(target), the interval's split and the conditions
 * from this text (manifest has no "target", "interval" or "conditions") */
static const char summary[] =
	"stroom 0.1.0: scenario x, 8 replicates, seed 1\n"
	"Target: at most 1,200 households on 2026-03-01\n"
	"  caseload then: median 1,234 [90%: 1,100 - 1,300]\n"
	"  P(caseload <= target) = 0.375  (3 of 8 replicates)\n"
	"\nWhere the 90% interval on 2026-03-01 comes from\n"
	"  width with the priors drawn: 1,152 households; with every parameter at its central "
	"value (Monte Carlo alone, 8 replicates): 305\n"
	"  share of the variance: 93% from the priors, 7% from Monte Carlo noise\n"
	"\nAEF conditions the scenario's levers touch (stroom conditions)\n"
	"2.e Selective deployment (teams, capacity.elasticity)\n";
#define MANIFEST_HEAD                                                                              \
	"{\"stroom_version\": \"0.1.0\", \"created_utc\": \"2026-12-06T00:00:00Z\", "                  \
	"\"scenario_name\": \"<b>x&y</b>\", \"seed\": 1, \"replicates\": 8, \"inputs\": [], "
#define MANIFEST_SCENARIO                                                                          \
	"\"scenario\": {\"name\": \"x\", \"description\": \"a <test>\", \"start\": \"2026-01\", "       \
	"\"end\": \"2026-03\", \"target\": {\"households\": 1200, \"date\": \"2026-03\"}}}\n"
static const char manifest[] = MANIFEST_HEAD MANIFEST_SCENARIO;
/* manifest.json as stroom run writes it now: what only the run knew in numbers,
 * other numbers than summary.txt's so the test tells which the page took */
static const char manifest_now[] =
	MANIFEST_HEAD
	"\"target\": {\"households\": 1200, \"date\": \"2026-03-01\", \"replicates_at_or_below\": 5, "
	"\"p\": 0.625, \"caseload_median\": 1187.5, \"caseload_p05\": 1099.5, "
	"\"caseload_p95\": 1301.25},\n"
	"\"interval\": {\"date\": \"2026-03-01\", \"width\": 2345.5, \"width_central\": 406.2, "
	"\"central_replicates\": 16, \"share_parameters_pct\": 97.000001, "
	"\"share_chance_pct\": 2.999999},\n"
	"\"conditions\": [{\"code\": \"2.b\", \"name\": \"Prevention\", \"levers\": "
	"[\"prevention.reach\"]}, {\"code\": \"2.j\", \"name\": \"Wage-cost subsidy (LKS)\", "
	"\"levers\": [\"hazard.lks_share\", \"teams\"]}],\n" MANIFEST_SCENARIO;

static stroom_report_texts texts(const char *s, const char *b)
{
	stroom_report_texts t;
	memset(&t, 0, sizeof t);
	t.dir = "d";
	t.series = s;
	t.budget = b;
	t.summary = summary;
	t.manifest = manifest;
	return t;
}

/* An older run directory: the answer, the split and the conditions from
 * summary.txt's text. */
static void test_page(void **state)
{
	stroom_report_texts t = texts(series, budget);
	stroom_report *r = NULL;
	char *html = NULL;
	size_t len = 0;
	(void)state;
	assert_int_equal(stroom_report_load_texts(&r, &t), 0);
	assert_int_equal(r->summary_text, 1);
	assert_int_equal(r->has_split, 1);
	assert_true(r->width_drawn == 1152 && r->width_central == 305);
	assert_int_equal(r->central_replicates, 8);
	assert_true(r->share_params == 93 && r->share_mc == 7);
	assert_true(r->target_med == 1234 && r->target_lo == 1100 && r->target_hi == 1300);
	assert_int_equal(r->ncond, 1);
	assert_string_equal(r->cond_code[0], "2.e");
	assert_string_equal(r->cond_levers[0], "teams, capacity.elasticity");
	assert_int_equal(stroom_report_is_compare(r), 0);
	assert_int_equal(stroom_report_html(r, STROOM_REPORT_NL, &html, &len), 0);
	assert_int_equal(strlen(html), len);
	assert_non_null(strstr(html, "<html lang=\"nl\">"));
	assert_non_null(strstr(html, "id=\"p-target\">37,5%"));
	assert_non_null(strstr(html, "1.234</strong>")); /* the median on the target date */
	assert_non_null(strstr(html, "&lt;b&gt;x&amp;y&lt;/b&gt;"));
	assert_null(strstr(html, "<b>x"));
	assert_non_null(strstr(html, "a &lt;test&gt;"));
	assert_non_null(strstr(html, "<svg"));
	assert_non_null(strstr(html, "-8,0%")); /* the BUIG result */
	assert_non_null(strstr(html, "Selectieve inzet"));
	assert_null(strstr(html, "http://"));
	assert_null(strstr(html, "https://"));
	assert_null(strstr(html, "<script"));
	free(html);
	assert_int_equal(stroom_report_html(r, STROOM_REPORT_EN, &html, &len), 0);
	assert_non_null(strstr(html, "<html lang=\"en\">"));
	assert_non_null(strstr(html, "id=\"p-target\">37.5%"));
	assert_non_null(strstr(html, "Selective deployment"));
	assert_non_null(strstr(html, "<td>1,152 households</td>"));
	assert_non_null(strstr(html, "<td>93%</td>"));
	free(html);
	stroom_report_free(r);
}

/* A run directory of now: the same from manifest.json's "target", "interval" and
 * "conditions", summary.txt's text not read. */
static void test_page_manifest(void **state)
{
	stroom_report_texts t = texts(series, budget);
	stroom_report *r = NULL;
	char *html = NULL;
	size_t len = 0;
	(void)state;
	t.manifest = manifest_now;
	assert_int_equal(stroom_report_load_texts(&r, &t), 0);
	assert_int_equal(r->summary_text, 0);
	assert_int_equal(r->has_p, 1);
	assert_int_equal(r->p_hits, 5);
	assert_int_equal(r->p_of, 8);
	assert_int_equal(r->has_target_q, 1);
	assert_true(r->target_med == 1187.5 && r->target_lo == 1099.5 && r->target_hi == 1301.25);
	assert_int_equal(r->has_split, 1);
	assert_true(r->width_drawn == 2345.5 && r->width_central == 406.2);
	assert_int_equal(r->central_replicates, 16);
	assert_true(r->share_params == 97.000001 && r->share_mc == 2.999999);
	assert_int_equal(r->ncond, 2);
	assert_string_equal(r->cond_code[0], "2.b");
	assert_string_equal(r->cond_levers[0], "prevention.reach");
	assert_string_equal(r->cond_code[1], "2.j");
	assert_string_equal(r->cond_levers[1], "hazard.lks_share, teams");
	assert_int_equal(stroom_report_html(r, STROOM_REPORT_EN, &html, &len), 0);
	assert_non_null(strstr(html, "id=\"p-target\">62.5%"));
	assert_non_null(strstr(html, "1,188</strong>")); /* half away from zero */
	assert_non_null(strstr(html, "<td>2,346 households</td>"));
	assert_non_null(strstr(html, "(16 replicates)</td><td>406 households</td>"));
	assert_non_null(strstr(html, "<td>97%</td>"));
	assert_non_null(strstr(html, "<td>3%</td>"));
	assert_non_null(strstr(html, "<code>hazard.lks_share, teams</code>"));
	assert_null(strstr(html, "Selective deployment")); /* summary.txt's 2.e */
	assert_null(strstr(html, "1,234</strong>"));
	free(html);
	stroom_report_free(r);
}

/* Without budget.csv the execution costs come from series.csv's cost rows
 * (eurocent a month), summed per year, in EUR million. */
static void test_costs_from_series(void **state)
{
	static const char s[] = "month,indicator,group,mean,p05,p25,p50,p75,p95\n"
				"2026-01,caseload,all,1000.00,990.0,995.0,1000.0,1005.0,1010.0\n"
				"2026-01,cost_teams_eurocent,all,150000000.00,1,1,1,1,1\n"
				"2026-01,execution_cost_eurocent,all,150000000.00,1,1,1,1,1\n"
				"2026-02,caseload,all,1000.00,990.0,995.0,1000.0,1005.0,1010.0\n"
				"2026-02,cost_teams_eurocent,all,100000000.00,1,1,1,1,1\n"
				"2026-02,execution_cost_eurocent,all,100000000.00,1,1,1,1,1\n";
	stroom_report_texts t = texts(s, NULL);
	stroom_report *r = NULL;
	char *html = NULL;
	size_t len = 0;
	(void)state;
	assert_int_equal(stroom_report_load_texts(&r, &t), 0);
	assert_int_equal(stroom_report_html(r, STROOM_REPORT_NL, &html, &len), 0);
	assert_non_null(strstr(html, "<tr><td>2026</td><td>2,50</td><td>-</td>"));
	assert_non_null(strstr(html, "geen budgettabel"));
	free(html);
	stroom_report_free(r);
}

static void refused(const char *s, const char *b, const char *msg)
{
	stroom_report_texts t = texts(s, b);
	stroom_report *r = (stroom_report *)&t; /* set to NULL on failure */
	assert_int_equal(stroom_report_load_texts(&r, &t), STROOM_EPARSE);
	assert_null(r);
	if (!strstr(stroom_error_last(), msg))
		fail_msg("'%s' does not contain '%s'", stroom_error_last(), msg);
}

static void test_malformed(void **state)
{
	(void)state;
	refused("month,indicator,group,mean,p05,p25,p50,p75,p95\n"
		"2026-01,caseload,all,1000.00,990.0,995.0,1000.0,1005.0,1010.0\n"
		"2026-02,caseload,all,1010.00,995.0,abc,1010.0,1015.0,1020.0\n",
		NULL, "d/series.csv:3: column p25: expected a number, got 'abc'");
	refused("month,indicator,group,mean,p05,p25,p50,p75,p95\n"
		"2026-01,caseload,all,1000.00,990.0\n",
		NULL, "d/series.csv:2: expected 9 fields, got 5");
	refused("month,indicator,group,mean\n", NULL, "d/series.csv:1");
	refused("month,indicator,group,mean,p05,p25,p50,p75,p95\n"
		"2026-02,caseload,all,1000.00,990.0,995.0,1000.0,1005.0,1010.0\n"
		"2026-01,caseload,all,1000.00,990.0,995.0,1000.0,1005.0,1010.0\n",
		NULL, "d/series.csv:3: column month: '2026-01' comes after a later one");
	refused("month,indicator,group,mean,p05,p25,p50,p75,p95\n"
		"2026-13,caseload,all,1000.00,990.0,995.0,1000.0,1005.0,1010.0\n",
		NULL, "d/series.csv:2: column month: expected a month YYYY-MM");
	refused("month,indicator,group,mean,p05,p25,p50,p75,p95\n", NULL, "d/series.csv: no rows");
	refused("month,indicator,group,mean,p05,p25,p50,p75,p95\n"
		"2026-01,exit_work,all,1000.00,990.0,995.0,1000.0,1005.0,1010.0\n",
		NULL, "no caseload of group all");
	refused("month,indicator,group,mean,p05,p25,p50,p75,p95\n"
		"1900-01,caseload,all,1000.00,990.0,995.0,1000.0,1005.0,1010.0\n"
		"2026-01,caseload,all,1000.00,990.0,995.0,1000.0,1005.0,1010.0\n",
		NULL, "d/series.csv:3: more than 1200 months");
	refused(series, "year,indicator,mean,p05,p25,p50,p75,p95\n2026,result,1,2,3,4,5\n",
		"d/budget.csv:2: expected 8 fields, got 7");
}

static void test_missing_dir(void **state)
{
	stroom_report *r = NULL;
	char dir[] = "/tmp/stroom-test-report-XXXXXX", path[256];
	FILE *f;
	(void)state;
	assert_int_equal(stroom_report_load_dir(&r, "/nonexistent/run"), STROOM_ENOTFOUND);
	assert_non_null(mkdtemp(dir));
	assert_int_equal(stroom_report_load_dir(&r, dir), STROOM_ENOTFOUND);
	assert_non_null(strstr(stroom_error_last(), "/series.csv: no such file"));
	/* the write: all or nothing, never over an existing file */
	snprintf(path, sizeof path, "%s/r.html", dir);
	assert_int_equal(stroom_report_write_file(path, "<p>x</p>\n", 9), 0);
	assert_int_equal(stroom_report_write_file(path, "<p>y</p>\n", 9), STROOM_EINVAL);
	assert_non_null(strstr(stroom_error_last(), "already exists"));
	f = fopen(path, "r");
	assert_non_null(f);
	{
		char buf[32] = {0};
		assert_int_equal(fread(buf, 1, sizeof buf - 1, f), 9);
		assert_string_equal(buf, "<p>x</p>\n");
	}
	fclose(f);
	unlink(path);
	rmdir(dir);
}

/* A run directory of now whose target date was not simulated: no "target" or
 * "interval" in manifest.json, no conditions; the page says so and takes the
 * median on the target date from series.csv, not from summary.txt's text. */
static void test_page_manifest_without(void **state)
{
	static const char m[] = MANIFEST_HEAD "\"conditions\": [],\n" MANIFEST_SCENARIO;
	stroom_report_texts t = texts(series, budget);
	stroom_report *r = NULL;
	char *html = NULL;
	size_t len = 0;
	(void)state;
	t.manifest = m;
	assert_int_equal(stroom_report_load_texts(&r, &t), 0);
	assert_int_equal(r->summary_text, 0);
	assert_int_equal(r->has_p, 0);
	assert_int_equal(r->has_target_q, 0);
	assert_int_equal(r->has_split, 0);
	assert_int_equal(r->ncond, 0);
	assert_int_equal(stroom_report_html(r, STROOM_REPORT_EN, &html, &len), 0);
	assert_non_null(strstr(html, "The probability is not in this run (the target date is outside "
				     "the simulated months)."));
	assert_non_null(strstr(html, "1,235</strong>")); /* series.csv's p50 of 2026-03 */
	assert_non_null(strstr(html, "This run has no split"));
	assert_non_null(strstr(html, "The scenario uses no lever that touches a condition."));
	free(html);
	stroom_report_free(r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_number),    cmocka_unit_test(test_escape),
		cmocka_unit_test(test_svg_path),  cmocka_unit_test(test_page),
		cmocka_unit_test(test_malformed), cmocka_unit_test(test_missing_dir),
		cmocka_unit_test(test_costs_from_series), cmocka_unit_test(test_page_manifest),
		cmocka_unit_test(test_page_manifest_without),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
