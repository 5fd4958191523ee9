/*
 * cli_report.c: `stroom report DIR [--lang nl|en] [--out FILE.html]`: the report of
 * a run or compare directory as one self-contained HTML page (include/stroom/report.h,
 * docs/report.md).
 */
#include "cli.h"

#include <stroom/report.h>
#include <stroom/xlsx.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char report_usage[] =
	"usage: stroom report DIR [--lang nl|en] [--out FILE.html] [--xlsx FILE.xlsx]\n"
	"\n"
	"The report of a run directory (stroom run) or a compare directory (stroom compare\n"
	"--out) as one self-contained HTML file: no network, no scripts, no external fonts\n"
	"or images; it opens from a USB stick and prints on A4 (docs/report.md).\n"
	"A run's report: the question and the answer first (the target and P(caseload <=\n"
	"target) with the median path against it), fan charts of the caseload, the flows,\n"
	"the composition by distance and duration and the BUIG result with the safety-net\n"
	"thresholds, where the interval comes from, the levers and their execution costs,\n"
	"the key assumptions with their sources and the AEF conditions the levers touch.\n"
	"A comparison's report draws both scenarios in one chart and their difference.\n"
	"\n"
	"  --lang nl|en      the language: nl (Dutch, the default: stroom's users are Dutch\n"
	"                    municipalities; numbers as 1.234,5) or en (English, 1,234.5)\n"
	"  --out FILE.html   the file to write, which must not exist (default: DIR-report-LANG.html\n"
	"                    beside DIR); written whole or not at all\n"
	"  --xlsx FILE.xlsx  also the directory's numbers as an Excel workbook, as `run --xlsx`\n"
	"                    and `compare --xlsx` write it (must not exist; docs/xlsx.md)\n"
	"\n"
	"exit codes: 0 ok, 1 the report could not be written, 2 bad input (a missing or\n"
	"malformed run directory: one line with FILE:LINE; an existing --out)\n";

/* Writes the report of r in lang to path: 0 or an exit code after one line. Shared
 * with `stroom compare --report` (cli.h). */
int stroom_cli_report_write(const stroom_report *r, int lang, const char *path)
{
	char *html = NULL;
	size_t len = 0;
	int err = stroom_report_html(r, lang == STROOM_REPORT_EN ? STROOM_REPORT_EN : STROOM_REPORT_NL,
				     &html, &len);
	if (!err)
		err = stroom_report_write_file(path, html, len);
	free(html);
	return err ? stroom_cli_fail(err) : EXIT_OK;
}

int stroom_cli_report_lang(const char *s)
{
	if (!strcmp(s, "nl"))
		return STROOM_REPORT_NL;
	if (!strcmp(s, "en"))
		return STROOM_REPORT_EN;
	return -1;
}

int stroom_cli_report(int argc, char **argv)
{
	const char *dir = NULL, *out = NULL, *xlsx = NULL;
	char def[4200];
	int i, lang = STROOM_REPORT_NL, code, err;
	stroom_report *r = NULL;
	for (i = 0; i < argc; i++) {
		const char *a = argv[i];
		if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
			fputs(report_usage, stdout);
			return EXIT_OK;
		} else if (!strcmp(a, "--lang")) {
			if (i + 1 >= argc || (lang = stroom_cli_report_lang(argv[i + 1])) < 0)
				return stroom_cli_bad("--lang", "nl or en", i + 1 < argc ? argv[i + 1] : "");
			i++;
		} else if (!strcmp(a, "--out")) {
			if (i + 1 >= argc || !argv[i + 1][0])
				return stroom_cli_bad("--out", "a file name", i + 1 < argc ? argv[i + 1] : "");
			out = argv[++i];
		} else if (!strcmp(a, "--xlsx")) {
			if (i + 1 >= argc || !argv[i + 1][0])
				return stroom_cli_bad("--xlsx", "a file name ending in .xlsx",
						      i + 1 < argc ? argv[i + 1] : "");
			xlsx = argv[++i];
		} else if (a[0] == '-') {
			fprintf(stderr, "stroom: report: unknown option '%s' (see 'stroom report --help')\n",
				stroom_cli_printable(a).s);
			return EXIT_BADINPUT;
		} else if (!dir) {
			dir = a;
		} else {
			fprintf(stderr, "stroom: report takes one directory (see 'stroom report --help')\n");
			return EXIT_BADINPUT;
		}
	}
	if (!dir || !dir[0]) {
		fprintf(stderr, "stroom: report: expected a run or compare directory (see 'stroom report "
				"--help')\n");
		return EXIT_BADINPUT;
	}
	if (!out) {
		size_t n = strlen(dir);
		while (n > 1 && dir[n - 1] == '/')
			n--;
		if (n >= 4096) {
			fprintf(stderr, "stroom: report: the directory's name is too long\n");
			return EXIT_BADINPUT;
		}
		snprintf(def, sizeof def, "%.*s-report-%s.html", (int)n, dir, lang == STROOM_REPORT_EN ? "en" : "nl");
		out = def;
	}
	if ((code = stroom_cli_check_new_file(out)) != 0)
		return code;
	if (xlsx && (err = stroom_xlsx_check_path(xlsx)) != 0)
		return stroom_cli_fail(err);
	if ((err = stroom_report_load_dir(&r, dir)) != 0)
		return stroom_cli_fail(err);
	code = stroom_cli_report_write(r, lang, out);
	stroom_report_free(r);
	if (code == EXIT_OK)
		printf("%s\n", out);
	if (code == EXIT_OK && xlsx) {
		if ((err = stroom_xlsx_from_dir(dir, xlsx)) != 0)
			return stroom_cli_fail(err);
		printf("%s\n", xlsx);
	}
	return code;
}
