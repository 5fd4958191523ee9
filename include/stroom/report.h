/*
 * stroom/report.h: the report of a run or a comparison as one self-contained HTML
 * page (`stroom report`, `stroom compare --report`; docs/report.md). The page
 * needs nothing beside itself: inline CSS (with print styles for A4), charts as
 * inline SVG, no script, no font, no image, no address outside the file.
 *
 * A report is made in two steps: load what a run directory holds (series.csv,
 * budget.csv, summary.txt, manifest.json) or what a compare directory holds
 * (compare.csv, summary.txt, manifest.json) into a model, then write the model as
 * HTML in Dutch or English. Every text taken from the inputs is HTML-escaped.
 */
#ifndef STROOM_REPORT_H
#define STROOM_REPORT_H

#include <stddef.h>
#include <stroom/common.h>

#ifdef __cplusplus
extern "C" {
#endif

/* The language of a report: Dutch (the default of the CLI) or English. */
typedef enum stroom_report_lang { STROOM_REPORT_NL = 0, STROOM_REPORT_EN = 1 } stroom_report_lang;

typedef struct stroom_report stroom_report;

/*
 * The texts of a run or compare directory, each NUL-terminated (NULL = the file
 * is absent). A run has series; a comparison has compare (and no series); budget
 * is optional; summary and manifest are required. dir names the files in messages
 * ("DIR/series.csv:LINE: ...").
 */
typedef struct stroom_report_texts {
	const char *dir;
	const char *series;   /* series.csv */
	const char *budget;   /* budget.csv */
	const char *compare;  /* compare.csv */
	const char *summary;  /* summary.txt */
	const char *manifest; /* manifest.json */
} stroom_report_texts;

/*
 * Reads the run or compare directory dir: a directory with compare.csv is a
 * comparison, otherwise series.csv is required. Returns 0, or STROOM_ENOTFOUND (dir
 * or a required file missing: "DIR/series.csv: no such file ..."), STROOM_EPARSE (a
 * malformed file: "DIR/series.csv:LINE: ..."), STROOM_EINVAL (too large, not a
 * regular file), STROOM_EIO or STROOM_ENOMEM, with the detail set.
 */
STROOM_API int stroom_report_load_dir(stroom_report **out, const char *dir);
/* As load_dir, from texts in memory (the texts are copied). */
STROOM_API int stroom_report_load_texts(stroom_report **out, const stroom_report_texts *t);
STROOM_API void stroom_report_free(stroom_report *r);
/* 1 when r is a comparison of two scenarios. */
STROOM_API int stroom_report_is_compare(const stroom_report *r);

/*
 * The page as HTML in lang, into a malloc'd NUL-terminated string (*html, caller
 * frees) of *len bytes. Returns 0, STROOM_ENOMEM, or STROOM_EINVAL when the page
 * would exceed STROOM_REPORT_MAX_BYTES.
 */
#define STROOM_REPORT_MAX_BYTES ((size_t)64 << 20)
STROOM_API int stroom_report_html(const stroom_report *r, stroom_report_lang lang, char **html,
				  size_t *len);

/*
 * Writes len bytes of text to path all or nothing: a temporary file beside it,
 * flushed, synced and closed with every error checked, then renamed into place
 * without replacing anything. An existing path is refused (STROOM_EINVAL, "'PATH'
 * already exists; ..."); a failure removes the temporary file (STROOM_EIO).
 */
STROOM_API int stroom_report_write_file(const char *path, const char *text, size_t len);

/*
 * v with decimals (0 to 6) digits after the decimal mark, in the language's
 * style: nl 1.234,5 (thousands '.', decimals ','), en 1,234.5; a minus sign for a
 * negative value, "-" for a value that is not finite. Returns the length it
 * needs, like snprintf.
 */
STROOM_API size_t stroom_report_number(char *buf, size_t size, double v, int decimals,
				       stroom_report_lang lang);

#ifdef __cplusplus
}
#endif
#endif
