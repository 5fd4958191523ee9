/*
 * report_int.h: the report's model and the helpers its files share (src/report/;
 * not part of the API). report.c reads a run or compare directory into the model,
 * report_svg.c draws the charts, report_html.c writes the page and its texts
 * (report_compare.c a comparison's page).
 */
#ifndef STROOM_REPORT_INT_H
#define STROOM_REPORT_INT_H

#include <stroom/report.h>

#include <stddef.h>

/* Bounds of what a report reads: a run longer than 100 years, more series than
 * this or longer names are refused as malformed. */
#define RP_MAX_PERIODS 1200
#define RP_MAX_SERIES 20000
#define RP_MAX_ROWS 4000000
#define RP_NAME 64
#define RP_NQ 6 /* mean, p05, p25, p50, p75, p95 */
#define RP_MAX_CONDITIONS 32
#define RP_MAX_ASSUMPTIONS 48

/* One (indicator, group) of series.csv or one indicator of budget.csv: its values
 * per period (month index from the first month, or year index from the first
 * year), RP_NQ each; NaN where a period has no row. */
typedef struct rp_series {
	char ind[RP_NAME], grp[RP_NAME];
	double *v; /* n * RP_NQ (room for cap) */
	int n, cap;
} rp_series;

typedef struct rp_table {
	rp_series *s;
	int n, cap;
	int first;   /* the first period: a stroom_month (series) or a year (budget) */
	int periods; /* periods seen */
} rp_table;

/* One row of compare.csv. */
typedef struct rp_cmp_row {
	char period[16], ind[RP_NAME];
	double a, b, mean, se, q05, q50, q95;
} rp_cmp_row;

/* A key assumption of the scenario: its key, value and the source its line gives. */
typedef struct rp_assumption {
	char key[64];
	char value[256];
	char source[512];
} rp_assumption;

struct stroom_report {
	int compare;
	char dir[1024];
	/* manifest.json */
	char version[32], created[40], name[128], name_b[128], description[512];
	char start[16], end[16];
	long long seed;
	int replicates;
	int target;           /* households, 0 = none */
	char target_date[16]; /* YYYY-MM */
	/* posterior */
	int has_posterior;
	char posterior_path[512];
	long posterior_rows;
	int posterior_columns;
	double width_post, width_prior, narrowed_pct;
	char interval_date[16];
	/* what only the run knew: manifest.json's "target", "interval" and "conditions",
	 * or summary.txt's text in an older directory (summary_text = 1) */
	int summary_text;
	int has_p;
	double p_target;        /* P(caseload <= target) */
	int p_hits, p_of;
	int has_target_q;
	double target_med, target_lo, target_hi;
	int has_split;
	double width_drawn, width_central, share_params, share_mc;
	int central_replicates;
	/* conditions touched (codes and levers, ", "-separated) */
	int ncond;
	char cond_code[RP_MAX_CONDITIONS][8];
	char cond_levers[RP_MAX_CONDITIONS][192];
	/* the scenario's teams (name, fte text, norm) and instruments */
	int nassume;
	rp_assumption assume[RP_MAX_ASSUMPTIONS];
	char scenario_file[512];
	int sources_checked; /* 1: the sources are the run's (manifest or matching file) */
	int sources_manifest; /* 1: from manifest.json's "scenario_sources" */
	/* data */
	rp_table series, budget;
	rp_cmp_row *cmp;
	size_t ncmp;
};

/* The series of (ind, grp) in t, or NULL. */
const rp_series *rp_find(const rp_table *t, const char *ind, const char *grp);

/* ---- a growing text (report_html.c) ---- */
typedef struct rp_buf {
	char *p;
	size_t len, cap;
	int failed; /* out of memory or over STROOM_REPORT_MAX_BYTES */
} rp_buf;
void rp_printf(rp_buf *b, const char *fmt, ...)
#if defined(__GNUC__)
	__attribute__((format(printf, 2, 3)))
#endif
	;
void rp_puts(rp_buf *b, const char *s);
/* s HTML-escaped (& < > " ') into b. */
void rp_escape(rp_buf *b, const char *s);
/* A number in the language's style into b (stroom_report_number). */
void rp_num(rp_buf *b, double v, int decimals, stroom_report_lang lang);

/* ---- the page's shared parts (report_html.c) ---- */

/* The page's texts: L("Dutch", "English") by the variable lang in scope. */
#define L(nl, en) (lang == STROOM_REPORT_NL ? (nl) : (en))
/* The colours of a chart's lines, in order. */
extern const char *const rp_palette[5];

/* <!DOCTYPE ...> to <body>, with the title and the CSS. */
void rp_head(rp_buf *b, stroom_report_lang lang, const char *title);
/* The line under the title: version, time, replicates, seed, period, directory. */
void rp_meta_line(rp_buf *b, const stroom_report *r, stroom_report_lang lang);
/* "2026-01" as "1 januari 2026" / "1 January 2026". */
void rp_date_text(rp_buf *b, const char *ym, stroom_report_lang lang);
/* The key assumptions with their sources. */
void rp_assumptions_section(rp_buf *b, const stroom_report *r, stroom_report_lang lang);
/* How to read the charts, and the end of the page. */
void rp_reading_footer(rp_buf *b, const stroom_report *r, stroom_report_lang lang);
/* A comparison's page (report_compare.c). */
void rp_compare_page(rp_buf *b, const stroom_report *r, stroom_report_lang lang);

/* ---- charts (report_svg.c) ---- */

/* One line of a chart, with optional bands (p05-p95 and p25-p75). */
typedef struct rp_line {
	const double *x;       /* n positions (months as fractional years, or years) */
	const double *mid;     /* n values of the line */
	const double *lo90, *hi90, *lo50, *hi50; /* NULL = no band */
	int n;
	const char *label;     /* legend text (escaped when written) */
	const char *color;     /* CSS colour */
	int dashed;
} rp_line;

/* A horizontal reference line (a target, a threshold). */
typedef struct rp_ref {
	double y;
	const char *label;
	const char *color;
} rp_ref;

typedef struct rp_chart {
	const char *title, *xlabel, *ylabel; /* escaped when written */
	const rp_line *lines;
	int nlines;
	const rp_ref *refs;
	int nrefs;
	double mark_x;          /* a vertical marker (the target date); NaN = none */
	const char *mark_label;
	int years_axis;         /* x is whole years (budget): ticks at every year */
	int bars;               /* draw each point as an interval bar (yearly values) */
	int compact;            /* a narrower chart, for two side by side */
	stroom_report_lang lang;
	const char *legend_band90, *legend_band50; /* legend texts of the bands */
} rp_chart;

/* A line of n points (x[i], mid[i]) without bands, solid. */
rp_line rp_line_make(const double *x, const double *mid, int n, const char *label, const char *color);

/* A chart with title, axis labels and its nlines lines, no reference line or
 * marker, the bands' legend texts. */
rp_chart rp_chart_init(stroom_report_lang lang, const char *title, const char *xl, const char *yl,
		       const rp_line *lines, int nlines);

/* Writes the chart as an inline <svg> element into b. */
void rp_svg_chart(rp_buf *b, const rp_chart *c);

/*
 * The SVG path data "M x y L x y ..." of the n points (x[i], y[i]) mapped into
 * the box (px, py, pw, ph) from the data ranges [x0, x1] and [y0, y1], one
 * decimal; points with a value that is not finite break the path (a new M).
 * Into b.
 */
void rp_svg_path(rp_buf *b, const double *x, const double *y, int n, double x0, double x1,
		 double y0, double y1, double px, double py, double pw, double ph);

#endif
