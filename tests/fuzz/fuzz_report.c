/*
 * fuzz_report.c: the report's reader and page (stroom_report_load_dir,
 * stroom_report_html; docs/report.md). The input is written as a run directory's
 * series.csv beside a fixed summary.txt and manifest.json and a budget.csv made of
 * the same input, read from that directory; then once more as manifest.json and
 * once as summary.txt beside a fixed series.csv. What loads is written as a page
 * in both languages, which must be one NUL-terminated text of the length returned,
 * without a <script.
 */
#include "fuzz.h"

#include <stroom/report.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char series[] = "month,indicator,group,mean,p05,p25,p50,p75,p95\n"
			     "2026-01,caseload,all,1000.00,990.0,995.0,1000.0,1005.0,1010.0\n"
			     "2026-02,caseload,all,1010.00,995.0,1000.0,1010.0,1015.0,1020.0\n";
static const char summary[] = "  P(caseload <= target) = 0.375  (3 of 8 replicates)\n"
			      "AEF conditions the scenario's levers touch (stroom conditions)\n"
			      "2.e Selective deployment (teams, capacity.elasticity)\n";
static const char manifest[] = "{\"scenario_name\": \"x\", \"seed\": 1, \"replicates\": 8, "
			       "\"scenario\": {\"start\": \"2026-01\", \"end\": \"2026-02\", "
			       "\"target\": {\"households\": 1000, \"date\": \"2026-02\"}}}\n";

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	return 0;
}

static void page(const stroom_report *r)
{
	int lang;
	for (lang = 0; lang < 2; lang++) {
		char *html = NULL;
		size_t len = 0;
		if (stroom_report_html(r, (stroom_report_lang)lang, &html, &len) == 0) {
			if (strlen(html) != len || strstr(html, "<script")) {
				fprintf(stderr, "fuzz_report: the page is not what report.h promises\n");
				abort();
			}
		}
		free(html);
	}
}

/* One run directory in the scratch directory: the input as file `as`, the fixed
 * texts as the others. */
static void one(const uint8_t *data, size_t size, const char *as)
{
	char path[FUZZ_PATH_MAX], dir[FUZZ_PATH_MAX];
	stroom_report *r = NULL;
	fuzz_write(path, "series.csv", series, sizeof series - 1);
	fuzz_write(path, "summary.txt", summary, sizeof summary - 1);
	fuzz_write(path, "manifest.json", manifest, sizeof manifest - 1);
	fuzz_remove("budget.csv");
	fuzz_write(path, as, data, size);
	if (!strcmp(as, "series.csv"))
		fuzz_write(path, "budget.csv", data, size);
	fuzz_path(dir, ".");
	if (fuzz_report(as, stroom_report_load_dir(&r, dir)) == 0)
		page(r);
	stroom_report_free(r);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	one(data, size, "series.csv");
	one(data, size, "manifest.json");
	one(data, size, "summary.txt");
	return 0;
}
