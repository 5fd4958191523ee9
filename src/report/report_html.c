/*
 * report_html.c: the report's page: one HTML file with inline CSS (print styles
 * for A4) and the charts of report_svg.c, in Dutch or English (every text of the
 * page is here, as L("Dutch", "English")), numbers in the language's style
 * (stroom_report_number), every text from the inputs HTML-escaped (rp_escape).
 * The order of a run's page: the question and the answer, the caseload, the
 * flows, the composition, the BUIG result, where the interval comes from, the
 * levers and their costs, the key assumptions and the AEF conditions. A
 * comparison's page is report_compare.c's.
 */
#include "report_int.h"

#include "internal.h"

#include <stroom/conditions.h>

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- the growing text ---- */

static int grow(rp_buf *b, size_t need)
{
	size_t cap;
	char *np;
	if (b->failed)
		return -1;
	if (b->len + need + 1 <= b->cap)
		return 0;
	if (b->len + need + 1 > STROOM_REPORT_MAX_BYTES) {
		b->failed = 2;
		return -1;
	}
	cap = b->cap ? b->cap : 65536;
	while (cap < b->len + need + 1)
		cap *= 2;
	if (cap > STROOM_REPORT_MAX_BYTES)
		cap = STROOM_REPORT_MAX_BYTES;
	if (!(np = realloc(b->p, cap))) {
		b->failed = 1;
		return -1;
	}
	b->p = np;
	b->cap = cap;
	return 0;
}

void rp_printf(rp_buf *b, const char *fmt, ...)
{
	va_list ap;
	int n;
	char small[512];
	va_start(ap, fmt);
	n = vsnprintf(small, sizeof small, fmt, ap);
	va_end(ap);
	if (n < 0 || grow(b, (size_t)n))
		return;
	if ((size_t)n < sizeof small) {
		memcpy(b->p + b->len, small, (size_t)n + 1);
	} else {
		va_start(ap, fmt);
		vsnprintf(b->p + b->len, (size_t)n + 1, fmt, ap);
		va_end(ap);
	}
	b->len += (size_t)n;
}

void rp_puts(rp_buf *b, const char *s)
{
	size_t n = strlen(s);
	if (grow(b, n))
		return;
	memcpy(b->p + b->len, s, n + 1);
	b->len += n;
}

void rp_escape(rp_buf *b, const char *s)
{
	for (; s && *s; s++) {
		switch (*s) {
		case '&': rp_puts(b, "&amp;"); break;
		case '<': rp_puts(b, "&lt;"); break;
		case '>': rp_puts(b, "&gt;"); break;
		case '"': rp_puts(b, "&quot;"); break;
		case '\'': rp_puts(b, "&#39;"); break;
		default:
			if (!grow(b, 1)) {
				b->p[b->len++] = *s;
				b->p[b->len] = 0;
			}
		}
	}
}

size_t stroom_report_number(char *buf, size_t size, double v, int decimals, stroom_report_lang lang)
{
	char digits[64], out[96];
	const char *dot;
	size_t n = 0, intlen, i;
	char thou = lang == STROOM_REPORT_NL ? '.' : ',', dec = lang == STROOM_REPORT_NL ? ',' : '.';
	if (decimals < 0)
		decimals = 0;
	if (decimals > 6)
		decimals = 6;
	if (!isfinite(v) || fabs(v) >= 1e18) {
		snprintf(out, sizeof out, "-");
	} else {
		/* half away from zero, as people round (printf rounds an exact half to even) */
		double p10 = pow(10, decimals);
		snprintf(digits, sizeof digits, "%.*f", decimals, floor(fabs(v) * p10 + 0.5) / p10);
		dot = strchr(digits, '.');
		intlen = dot ? (size_t)(dot - digits) : strlen(digits);
		/* a minus sign only when the rounded value is not zero */
		if (v < 0 && strspn(digits, "0.") != strlen(digits))
			out[n++] = '-';
		for (i = 0; i < intlen; i++) {
			if (i && (intlen - i) % 3 == 0)
				out[n++] = thou;
			out[n++] = digits[i];
		}
		if (dot) {
			out[n++] = dec;
			for (i = intlen + 1; digits[i]; i++)
				out[n++] = digits[i];
		}
		out[n] = 0;
	}
	return (size_t)snprintf(buf, size, "%s", out);
}

void rp_num(rp_buf *b, double v, int decimals, stroom_report_lang lang)
{
	char s[96];
	stroom_report_number(s, sizeof s, v, decimals, lang);
	rp_puts(b, s);
}

/* ---- the page ---- */

const char *const rp_palette[] = {"#1f4e79", "#c0504d", "#4f8a3a", "#8064a2", "#d08a1c"};

static const char css[] =
	"@page{size:A4;margin:14mm 13mm}\n"
	"body{font-family:\"DejaVu Sans\",\"Liberation Sans\",Arial,Helvetica,sans-serif;font-size:10.5pt;"
	"line-height:1.42;color:#111;max-width:184mm;margin:0 auto;padding:8mm 6mm;background:#fff}\n"
	"h1{font-size:19pt;margin:0 0 2mm;color:#1f4e79}\n"
	"h2{font-size:13.5pt;color:#1f4e79;border-bottom:1.5px solid #1f4e79;margin:7mm 0 2mm;"
	"break-after:avoid;page-break-after:avoid}\n"
	"h3{font-size:11pt;margin:4mm 0 1mm;break-after:avoid;page-break-after:avoid}\n"
	".meta{color:#444;font-size:9pt;margin:0}\n"
	".question{font-size:12pt;font-weight:bold;margin:2mm 0 1mm}\n"
	".answer{font-size:11.5pt;background:#eef3f8;border-left:4px solid #1f4e79;padding:2mm 4mm;margin:1mm 0 3mm}\n"
	".answer .big{font-size:16pt;font-weight:bold}\n"
	".note{color:#333;font-size:9pt}\n"
	"figure.chart{margin:2mm 0 3mm;break-inside:avoid;page-break-inside:avoid}\n"
	"figure.chart svg{width:100%;height:auto;display:block}\n"
	".grid2{display:grid;grid-template-columns:1fr 1fr;gap:0 5mm}\n"
	""
	"table{border-collapse:collapse;width:100%;font-size:9.5pt;margin:1mm 0 3mm}\n"
	"th,td{padding:1.2mm 2mm;border-bottom:1px solid #ccc;text-align:right;vertical-align:top}\n"
	"th{background:#eef3f8;font-weight:bold}\n"
	"th:first-child,td:first-child,td.t,th.t{text-align:left}\n"
	"td{white-space:nowrap}td.t,td.src{white-space:normal}\n"
	"tr{break-inside:avoid;page-break-inside:avoid}\n"
	"td.src{font-size:8.5pt;color:#333;text-align:left;width:50%}\n"
	"td.val{width:22%;word-break:break-word;white-space:normal;text-align:left}\n"
	"code{font-family:\"DejaVu Sans Mono\",monospace;font-size:9pt}\n"
	"svg text{font-family:\"DejaVu Sans\",\"Liberation Sans\",Arial,sans-serif;font-size:12px;fill:#222}\n"
	"svg .ct{font-size:15px;font-weight:bold}\n"
	"svg .yt{text-anchor:end}svg .xt,svg .xl,svg .yl{text-anchor:middle}\n"
	"svg .grid{stroke:#e3e3e3;stroke-width:1}svg .tick{stroke:#666}\n"
	"svg .frame{fill:none;stroke:#777;stroke-width:1}\n"
	"svg .b90{opacity:.17}svg .b50{opacity:.34}\n"
	"svg .line{fill:none;stroke-width:2.2}svg .dash{stroke-dasharray:7 4}\n"
	"svg .ref{stroke-width:1.8;stroke-dasharray:9 4;fill:none}\n"
	"svg .mark{stroke:#555;stroke-width:1;stroke-dasharray:3 3}svg .mt{font-size:11px}\n"
	"svg .bar90{stroke-width:2}svg .bar50{stroke-width:8;opacity:.55}\n"
	"footer{margin-top:8mm;color:#555;font-size:8.5pt;border-top:1px solid #ccc;padding-top:2mm}\n"
	"@media print{body{padding:0;max-width:none;font-size:10pt}"
	"h2{margin-top:5mm}section{break-inside:auto}"
	"#flows{break-before:page;page-break-before:always}"
	"#conditions,#interval{break-inside:avoid;page-break-inside:avoid}"
	"*{-webkit-print-color-adjust:exact;print-color-adjust:exact}}\n";

/* x of a month: its year plus the months before it / 12. */
static double month_x(int m) { return stroom_month_year(m) + (stroom_month_of_year(m) - 1) / 12.0; }

/* The columns of a series (n values each) for a chart: x, mid (p50) and bands. */
typedef struct rp_cols {
	double *x, *q[RP_NQ];
	int n;
} rp_cols;

static int cols_make(rp_cols *c, const rp_series *s, int first, int yearly, double scale)
{
	int i, k;
	memset(c, 0, sizeof *c);
	if (!s || s->n <= 0)
		return -1;
	c->n = s->n;
	if (!(c->x = malloc((size_t)s->n * sizeof(double))))
		return -1;
	for (k = 0; k < RP_NQ; k++)
		if (!(c->q[k] = malloc((size_t)s->n * sizeof(double))))
			return -1;
	for (i = 0; i < s->n; i++) {
		c->x[i] = yearly ? first + i : month_x(first + i);
		for (k = 0; k < RP_NQ; k++)
			c->q[k][i] = s->v[(size_t)i * RP_NQ + k] / scale;
	}
	return 0;
}

static void cols_free(rp_cols *c)
{
	int k;
	free(c->x);
	for (k = 0; k < RP_NQ; k++)
		free(c->q[k]);
	memset(c, 0, sizeof *c);
}

rp_line rp_line_make(const double *x, const double *mid, int n, const char *label, const char *color)
{
	rp_line l;
	memset(&l, 0, sizeof l);
	l.x = x;
	l.mid = mid;
	l.n = n;
	l.label = label;
	l.color = color;
	return l;
}

/* The median line of c with its 50% and 90% bands. */
static rp_line fan_line(const rp_cols *c, const char *label, const char *color)
{
	rp_line l = rp_line_make(c->x, c->q[3], c->n, label, color);
	l.lo90 = c->q[1];
	l.hi90 = c->q[5];
	l.lo50 = c->q[2];
	l.hi50 = c->q[4];
	return l;
}

rp_chart rp_chart_init(stroom_report_lang lang, const char *title, const char *xl, const char *yl,
		       const rp_line *lines, int nlines)
{
	rp_chart c;
	memset(&c, 0, sizeof c);
	c.title = title;
	c.xlabel = xl;
	c.ylabel = yl;
	c.lines = lines;
	c.nlines = nlines;
	c.mark_x = NAN;
	c.lang = lang;
	c.legend_band90 = L("90%-interval", "90% interval");
	c.legend_band50 = L("50%-interval", "50% interval");
	return c;
}

/* "2026-01" as "1 januari 2026" / "1 January 2026". */
void rp_date_text(rp_buf *b, const char *ym, stroom_report_lang lang)
{
	static const char *const nl[] = {"januari", "februari", "maart",     "april",   "mei",      "juni",
					 "juli",    "augustus", "september", "oktober", "november", "december"};
	static const char *const en[] = {"January", "February", "March",     "April",   "May",      "June",
					 "July",    "August",   "September", "October", "November", "December"};
	int y, m;
	if (sscanf(ym, "%d-%d", &y, &m) == 2 && m >= 1 && m <= 12)
		rp_printf(b, "1 %s %d", lang == STROOM_REPORT_NL ? nl[m - 1] : en[m - 1], y);
	else
		rp_escape(b, ym);
}

void rp_head(rp_buf *b, stroom_report_lang lang, const char *title)
{
	rp_printf(b, "<!DOCTYPE html>\n<html lang=\"%s\">\n<head>\n<meta charset=\"utf-8\">\n"
		     "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>",
		  L("nl", "en"));
	rp_escape(b, title);
	rp_printf(b, "</title>\n<style>\n%s</style>\n</head>\n<body>\n", css);
}

void rp_meta_line(rp_buf *b, const stroom_report *r, stroom_report_lang lang)
{
	rp_puts(b, "<p class=\"meta\">");
	rp_printf(b, "%s ", L("Gemaakt met stroom", "Made with stroom"));
	rp_escape(b, r->version);
	if (r->created[0]) {
		rp_printf(b, " · %s ", L("run van", "run of"));
		rp_escape(b, r->created);
	}
	rp_printf(b, " · %d %s · seed %lld · ", r->replicates, L("replicaties", "replicates"), r->seed);
	rp_printf(b, "%s ", L("periode", "period"));
	rp_escape(b, r->start);
	rp_puts(b, " – ");
	rp_escape(b, r->end);
	rp_printf(b, " · %s <code>", L("map", "directory"));
	rp_escape(b, r->dir);
	rp_puts(b, "</code></p>\n");
}

/* ---- a run ---- */

static const struct {
	const char *ind, *nl, *en, *short_nl, *short_en;
} flows[] = {
	{"inflow_new", "Nieuwe instroom", "New inflow", "instroom", "inflow"},
	{"inflow_return", "Terugkeer na uitstroom", "Returns after an exit", "terugkeer", "returns"},
	{"exit_work", "Uitstroom naar werk", "Exits to work", "werk", "work"},
	{"exit_lks", "Uitstroom naar werk met loonkostensubsidie", "Exits to work with wage subsidy", "werk met LKS",
	 "work with LKS"},
	{"exit_other", "Overige uitstroom", "Other exits", "overig", "other"},
	{"exit_enforcement", "Beëindiging na handhaving", "Terminations after enforcement", "handhaving",
	 "enforcement"},
	{"exit_pension", "Uitstroom naar AOW", "Exits at pension age", "AOW", "pension"},
};

static const struct {
	const char *grp, *nl, *en;
} dist_groups[] = {{"short", "korte afstand", "short distance"},
		   {"medium", "middellange afstand", "medium distance"},
		   {"long", "lange afstand", "long distance"}},
  dur_groups[] = {{"<1y", "korter dan 1 jaar", "under 1 year"},
		  {"1-2y", "1 tot 2 jaar", "1 to 2 years"},
		  {"2-5y", "2 tot 5 jaar", "2 to 5 years"},
		  {">5y", "langer dan 5 jaar", "over 5 years"}};

/* The value k (RP_NQ index) of series s on month ym ("YYYY-MM"), NaN when absent. */
static double at_month(const stroom_report *r, const rp_series *s, const char *ym, int k)
{
	stroom_month m;
	int i;
	if (!s || stroom_month_parse(&m, ym))
		return NAN;
	i = (int)m - r->series.first;
	return i >= 0 && i < s->n ? s->v[(size_t)i * RP_NQ + k] : NAN;
}

static void answer_run(rp_buf *b, const stroom_report *r, stroom_report_lang lang)
{
	const rp_series *cl = rp_find(&r->series, "caseload", "all");
	double med = r->has_target_q ? r->target_med : NAN, lo = r->target_lo, hi = r->target_hi;
	rp_printf(b, "<section id=\"answer\">\n<h2>%s</h2>\n", L("Vraag en antwoord", "Question and answer"));
	if (!r->target) {
		rp_printf(b, "<p class=\"answer\">%s</p>\n",
			  L("Dit scenario stelt geen doel voor het bijstandsbestand "
			    "(<code>target.households</code>); hieronder staat de verwachte ontwikkeling.",
			    "This scenario sets no target for the caseload (<code>target.households</code>); "
			    "below is the expected path."));
		rp_puts(b, "</section>\n");
		return;
	}
	if (!r->has_target_q) {
		med = at_month(r, cl, r->target_date, 3);
		lo = at_month(r, cl, r->target_date, 1);
		hi = at_month(r, cl, r->target_date, 5);
	}
	rp_printf(b, "<p class=\"question\">%s ", L("Telt de bijstand op", "Will the caseload on"));
	rp_date_text(b, r->target_date, lang);
	rp_printf(b, " %s ", L("ten hoogste", "be at most"));
	rp_num(b, r->target, 0, lang);
	rp_printf(b, " %s</p>\n", L("huishoudens?", "households?"));
	rp_puts(b, "<p class=\"answer\">");
	if (r->has_p) {
		rp_printf(b, "%s <span class=\"big\" id=\"p-target\">", L("Kans:", "Probability:"));
		rp_num(b, 100.0 * r->p_target, 1, lang);
		rp_printf(b, "%%</span> (%d %s %d %s).<br>\n", r->p_hits, L("van de", "of"), r->p_of,
			  L("replicaties komen op of onder het doel", "replicates at or below the target"));
	} else {
		rp_printf(b, "%s<br>\n", L("De kans staat niet in deze run (de doeldatum valt buiten "
					    "de gesimuleerde maanden).",
					    "The probability is not in this run (the target date is "
					    "outside the simulated months)."));
	}
	if (isfinite(med)) {
		/* the gap of the median as shown (whole households) to the target, so the
		 * reader's subtraction agrees */
		double shown = round(med);
		rp_printf(b, "%s ", L("Verwacht bestand (mediaan) op die datum:",
				       "Expected caseload (median) on that date:"));
		rp_printf(b, "<strong>");
		rp_num(b, med, 0, lang);
		rp_printf(b, "</strong> %s [%s ", L("huishoudens", "households"), L("90%-interval", "90% interval"));
		rp_num(b, lo, 0, lang);
		rp_puts(b, " – ");
		rp_num(b, hi, 0, lang);
		rp_printf(b, "], %s ", L("dat is", "that is"));
		rp_num(b, fabs(shown - r->target), 0, lang);
		rp_printf(b, " %s.", shown > r->target ? L("boven het doel", "above the target")
						       : L("onder of op het doel", "at or below the target"));
	}
	rp_puts(b, "</p>\n");
	/* the first month the median is at or below the target */
	if (cl) {
		int i;
		for (i = 0; i < cl->n; i++)
			if (cl->v[(size_t)i * RP_NQ + 3] <= r->target)
				break;
		rp_puts(b, "<p>");
		if (i < cl->n) {
			char ym[16];
			stroom_month_format(r->series.first + i, ym, sizeof ym);
			rp_printf(b, "%s ", L("De mediaan komt voor het eerst op of onder het doel op",
					       "The median first reaches the target on"));
			rp_date_text(b, ym, lang);
			rp_puts(b, ".");
		} else {
			rp_printf(b, "%s ", L("De mediaan komt binnen de doorgerekende periode niet op of onder het "
					       "doel (tot en met",
					       "The median does not reach the target within the simulated "
					       "months (to"));
			rp_escape(b, r->end);
			rp_puts(b, ").");
		}
		rp_puts(b, "</p>\n");
	}
	rp_puts(b, "</section>\n");
}

static void caseload_section(rp_buf *b, const stroom_report *r, stroom_report_lang lang)
{
	const rp_series *cl = rp_find(&r->series, "caseload", "all");
	rp_cols c;
	rp_line l;
	rp_ref ref;
	rp_chart ch;
	char reflabel[96];
	int i;
	rp_printf(b, "<section id=\"caseload\">\n<h2>%s</h2>\n",
		  L("Het bijstandsbestand", "The caseload"));
	if (cols_make(&c, cl, r->series.first, 0, 1.0) == 0) {
		rp_buf t = {NULL, 0, 0, 0};
		l = fan_line(&c, L("mediaan", "median"), rp_palette[0]);
		ch = rp_chart_init(lang, L("Huishoudens in de bijstand op de 1e van de maand",
					"Households on benefit on the 1st of the month"),
				L("jaar", "year"), L("huishoudens", "households"), &l, 1);
		if (r->target) {
			stroom_month m;
			rp_printf(&t, "%s ", L("doel:", "target:"));
			rp_num(&t, r->target, 0, lang);
			snprintf(reflabel, sizeof reflabel, "%s", t.p ? t.p : "");
			ref.y = r->target;
			ref.label = reflabel;
			ref.color = "#c0504d";
			ch.refs = &ref;
			ch.nrefs = 1;
			if (!stroom_month_parse(&m, r->target_date)) {
				ch.mark_x = month_x((int)m);
				ch.mark_label = L("doeldatum", "target date");
			}
		}
		rp_svg_chart(b, &ch);
		free(t.p);
		cols_free(&c);
	} else {
		cols_free(&c);
	}
	/* the table: 1 January of each year */
	rp_printf(b, "<table><thead><tr><th>%s</th><th>%s</th><th>%s</th><th>%s</th></tr></thead><tbody>\n",
		  L("1 januari", "1 January"), L("mediaan", "median"), L("90%-interval", "90% interval"),
		  L("50%-interval", "50% interval"));
	for (i = 0; cl && i < cl->n; i++) {
		int m = r->series.first + i;
		const double *v = &cl->v[(size_t)i * RP_NQ];
		if (stroom_month_of_year(m) != 1 || !isfinite(v[3]))
			continue;
		rp_printf(b, "<tr><td>%d</td><td>", stroom_month_year(m));
		rp_num(b, v[3], 0, lang);
		rp_puts(b, "</td><td>");
		rp_num(b, v[1], 0, lang);
		rp_puts(b, " – ");
		rp_num(b, v[5], 0, lang);
		rp_puts(b, "</td><td>");
		rp_num(b, v[2], 0, lang);
		rp_puts(b, " – ");
		rp_num(b, v[4], 0, lang);
		rp_puts(b, "</td></tr>\n");
	}
	rp_puts(b, "</tbody></table>\n</section>\n");
}

/* Each flow per calendar year: the sum of the monthly means (a year only partly
 * simulated is marked with its months). */
static void flows_table(rp_buf *b, const stroom_report *r, stroom_report_lang lang)
{
	const rp_series *cl = rp_find(&r->series, "caseload", "all");
	int y0, y1, y;
	size_t i;
	if (!cl || cl->n <= 0)
		return;
	y0 = stroom_month_year(r->series.first);
	y1 = stroom_month_year(r->series.first + cl->n - 1);
	rp_printf(b, "<h3>%s</h3>\n<table><thead><tr><th>%s</th>",
		  L("Per jaar (som van de gemiddelden per maand)", "Per year (sum of the monthly means)"),
		  L("jaar", "year"));
	for (i = 0; i < STROOM_ARRAY_LEN(flows); i++)
		rp_printf(b, "<th>%s</th>", L(flows[i].short_nl, flows[i].short_en));
	rp_puts(b, "</tr></thead><tbody>\n");
	for (y = y0; y <= y1 && y - y0 < 200; y++) {
		int months = 0, t;
		for (t = 0; t < cl->n; t++)
			months += stroom_month_year(r->series.first + t) == y;
		rp_printf(b, "<tr><td>%d", y);
		if (months < 12)
			rp_printf(b, " (%d %s)", months, L("mnd", "months"));
		rp_puts(b, "</td>");
		for (i = 0; i < STROOM_ARRAY_LEN(flows); i++) {
			const rp_series *s = rp_find(&r->series, flows[i].ind, "all");
			double sum = 0;
			for (t = 0; s && t < s->n; t++)
				if (stroom_month_year(r->series.first + t) == y && isfinite(s->v[(size_t)t * RP_NQ]))
					sum += s->v[(size_t)t * RP_NQ];
			rp_puts(b, "<td>");
			rp_num(b, s ? sum : NAN, 0, lang);
			rp_puts(b, "</td>");
		}
		rp_puts(b, "</tr>\n");
	}
	rp_puts(b, "</tbody></table>\n");
}

static void flows_section(rp_buf *b, const stroom_report *r, stroom_report_lang lang)
{
	size_t i;
	rp_printf(b, "<section id=\"flows\">\n<h2>%s</h2>\n<p class=\"note\">%s</p>\n<div class=\"grid2\">\n",
		  L("Instroom en uitstroom", "Inflow and exits"),
		  L("Per maand, alle huishoudens: mediaan met 50%- en 90%-interval over de replicaties.",
		    "Per month, all households: median with the 50% and 90% intervals over the replicates."));
	for (i = 0; i < STROOM_ARRAY_LEN(flows); i++) {
		rp_cols c;
		rp_line l;
		rp_chart ch;
		if (cols_make(&c, rp_find(&r->series, flows[i].ind, "all"), r->series.first, 0, 1.0)) {
			cols_free(&c);
			continue;
		}
		l = fan_line(&c, L("mediaan", "median"), rp_palette[0]);
		ch = rp_chart_init(lang, L(flows[i].nl, flows[i].en), L("jaar", "year"),
				L("huishoudens per maand", "households per month"), &l, 1);
		ch.compact = 1;
		rp_svg_chart(b, &ch);
		cols_free(&c);
	}
	rp_puts(b, "</div>\n");
	flows_table(b, r, lang);
	rp_puts(b, "</section>\n");
}

static void composition_chart(rp_buf *b, const stroom_report *r, stroom_report_lang lang,
			      const char *title, const char *const *grp, const char *const *label, int n)
{
	rp_cols c[4];
	rp_line l[4];
	rp_chart ch;
	int i, k = 0;
	for (i = 0; i < n && i < 4; i++) {
		if (cols_make(&c[k], rp_find(&r->series, "caseload", grp[i]), r->series.first, 0, 1.0)) {
			cols_free(&c[k]);
			continue;
		}
		l[k] = fan_line(&c[k], label[i], rp_palette[i]);
		l[k].lo50 = l[k].hi50 = NULL;
		k++;
	}
	if (k) {
		ch = rp_chart_init(lang, title, L("jaar", "year"), L("huishoudens", "households"), l, k);
		ch.legend_band50 = NULL;
		rp_svg_chart(b, &ch);
	}
	for (i = 0; i < k; i++)
		cols_free(&c[i]);
}

static void composition_section(rp_buf *b, const stroom_report *r, stroom_report_lang lang)
{
	const char *g[4], *lab[4];
	size_t i;
	rp_printf(b, "<section id=\"composition\">\n<h2>%s</h2>\n<p class=\"note\">%s</p>\n",
		  L("Samenstelling van het bestand", "Composition of the caseload"),
		  L("Huishoudens op de 1e van de maand per groep: mediaan met 90%-interval.",
		    "Households on the 1st of the month by group: median with the 90% interval."));
	for (i = 0; i < 3; i++) {
		g[i] = dist_groups[i].grp;
		lab[i] = L(dist_groups[i].nl, dist_groups[i].en);
	}
	composition_chart(b, r, lang, L("Naar afstand tot de arbeidsmarkt", "By distance to the labour market"),
			  g, lab, 3);
	for (i = 0; i < 4; i++) {
		g[i] = dur_groups[i].grp;
		lab[i] = L(dur_groups[i].nl, dur_groups[i].en);
	}
	composition_chart(b, r, lang, L("Naar duur in de bijstand", "By duration on benefit"), g, lab, 4);
	rp_puts(b, "</section>\n");
}

static void budget_section(rp_buf *b, const stroom_report *r, stroom_report_lang lang)
{
	const rp_series *pct = rp_find(&r->budget, "result_pct", ""), *res = rp_find(&r->budget, "result", ""),
			*bud = rp_find(&r->budget, "budget", ""), *sn = rp_find(&r->budget, "safety_net", "");
	rp_cols c;
	rp_line l;
	rp_ref refs[3];
	rp_chart ch;
	int i;
	rp_printf(b, "<section id=\"budget\">\n<h2>%s</h2>\n",
		  L("Het BUIG-resultaat per jaar", "The BUIG result per year"));
	if (!pct) {
		rp_printf(b, "<p>%s</p>\n</section>\n",
			  L("Dit scenario heeft geen budgettabel; de run heeft geen budget.csv.",
			    "This scenario has no budget table; the run has no budget.csv."));
		return;
	}
	rp_printf(b, "<p class=\"note\">%s</p>\n",
		  L("Het resultaat is het BUIG-budget min de uitgaven, als percentage van het budget "
		    "(negatief is een tekort). Bij een tekort boven 7,5% van het budget kan de gemeente "
		    "een vangnetuitkering aanvragen; boven 12,5% wordt het eigen risico niet groter "
		    "(de vangnetregeling; docs/budget.md).",
		    "The result is the BUIG budget less the spending, as a percentage of the budget "
		    "(negative is a deficit). Above a deficit of 7.5% of the budget the municipality can "
		    "apply for the safety net; above 12.5% its own risk grows no further (the safety-net "
		    "rules; docs/budget.md)."));
	if (cols_make(&c, pct, r->budget.first, 1, 1.0) == 0) {
		l = fan_line(&c, L("mediaan", "median"), rp_palette[0]);
		ch = rp_chart_init(lang, L("BUIG-resultaat in procent van het budget", "BUIG result as a percentage of the budget"),
				L("jaar", "year"), L("resultaat (% van het budget)", "result (% of the budget)"),
				&l, 1);
		refs[0].y = 0;
		refs[0].label = L("budget = uitgaven", "budget = spending");
		refs[0].color = "#777";
		refs[1].y = -7.5;
		refs[1].label = L("tekort 7,5%: drempel vangnet", "deficit 7.5%: safety-net threshold");
		refs[1].color = "#d08a1c";
		refs[2].y = -12.5;
		refs[2].label = L("tekort 12,5%", "deficit 12.5%");
		refs[2].color = "#c0504d";
		ch.refs = refs;
		ch.nrefs = 3;
		ch.years_axis = 1;
		ch.bars = 1;
		rp_svg_chart(b, &ch);
	}
	cols_free(&c);
	rp_printf(b, "<table><thead><tr><th>%s</th><th>%s</th><th>%s</th><th>%s</th><th>%s</th>"
		     "<th>%s</th></tr></thead><tbody>\n",
		  L("jaar", "year"), L("budget (mln euro)", "budget (EUR million)"),
		  L("resultaat, mediaan (mln euro)", "result, median (EUR million)"),
		  L("90%-interval", "90% interval"), L("resultaat (%)", "result (%)"),
		  L("vangnet, gemiddeld (mln euro)", "safety net, mean (EUR million)"));
	for (i = 0; i < pct->n; i++) {
		const double *pv = &pct->v[(size_t)i * RP_NQ];
		if (!isfinite(pv[3]))
			continue;
		rp_printf(b, "<tr><td>%d</td><td>", r->budget.first + i);
		rp_num(b, bud && i < bud->n ? bud->v[(size_t)i * RP_NQ + 3] / 1e6 : NAN, 1, lang);
		rp_puts(b, "</td><td>");
		rp_num(b, res && i < res->n ? res->v[(size_t)i * RP_NQ + 3] / 1e6 : NAN, 1, lang);
		rp_puts(b, "</td><td>");
		rp_num(b, res && i < res->n ? res->v[(size_t)i * RP_NQ + 1] / 1e6 : NAN, 1, lang);
		rp_puts(b, " – ");
		rp_num(b, res && i < res->n ? res->v[(size_t)i * RP_NQ + 5] / 1e6 : NAN, 1, lang);
		rp_puts(b, "</td><td>");
		rp_num(b, pv[3], 1, lang);
		rp_puts(b, "%</td><td>");
		rp_num(b, sn && i < sn->n ? sn->v[(size_t)i * RP_NQ + 0] / 1e6 : NAN, 1, lang);
		rp_puts(b, "</td></tr>\n");
	}
	rp_puts(b, "</tbody></table>\n</section>\n");
}

static void interval_section(rp_buf *b, const stroom_report *r, stroom_report_lang lang)
{
	rp_printf(b, "<section id=\"interval\">\n<h2>%s</h2>\n",
		  L("Waar de onzekerheid vandaan komt", "Where the uncertainty comes from"));
	rp_printf(b, "<p>%s</p>\n",
		  L("Het interval draagt twee soorten onzekerheid: het toeval van wie in- en uitstroomt "
		    "(Monte Carlo) en de onzekerheid van de parameters (de priors, of de posterior van de "
		    "kalibratie). Het laat de onzekerheid van de startpopulatie en van de modelstructuur "
		    "buiten beschouwing (docs/model.md).",
		    "The interval carries two kinds of uncertainty: the chance of who enters and leaves "
		    "(Monte Carlo) and the uncertainty of the parameters (the priors, or the calibration's "
		    "posterior). It leaves out the uncertainty of the starting population and of the "
		    "model's structure (docs/model.md)."));
	if (r->has_split) {
		rp_printf(b, "<table><tbody>\n<tr><td class=\"t\">%s</td><td>", L("breedte van het 90%-interval, parameters getrokken",
										"width of the 90% interval, parameters drawn"));
		rp_num(b, r->width_drawn, 0, lang);
		rp_printf(b, " %s</td></tr>\n<tr><td class=\"t\">%s (%d %s)</td><td>", L("huishoudens", "households"),
			  L("alle parameters op hun centrale waarde: alleen Monte Carlo",
			    "every parameter at its central value: Monte Carlo alone"),
			  r->central_replicates, L("replicaties", "replicates"));
		rp_num(b, r->width_central, 0, lang);
		rp_printf(b, " %s</td></tr>\n<tr><td class=\"t\">%s</td><td>", L("huishoudens", "households"),
			  L("aandeel in de variantie: parameters", "share of the variance: parameters"));
		rp_num(b, r->share_params, 0, lang);
		rp_printf(b, "%%</td></tr>\n<tr><td class=\"t\">%s</td><td>",
			  L("aandeel in de variantie: Monte Carlo", "share of the variance: Monte Carlo"));
		rp_num(b, r->share_mc, 0, lang);
		rp_puts(b, "%</td></tr>\n</tbody></table>\n");
	} else {
		rp_printf(b, "<p>%s</p>\n", L("Deze run heeft de splitsing niet (bijvoorbeeld met "
					       "<code>--fixed-parameters</code>: dan is het interval alleen Monte Carlo).",
					       "This run has no split (for instance with "
					       "<code>--fixed-parameters</code>: the interval is then Monte Carlo alone)."));
	}
	if (r->has_posterior) {
		rp_printf(b, "<p>%s <code>", L("Parameters uit de posterior", "Parameters from the posterior"));
		rp_escape(b, r->posterior_path);
		rp_printf(b, "</code> (%ld %s, %d %s).", r->posterior_rows, L("trekkingen", "draws"),
			  r->posterior_columns, L("parameters", "parameters"));
		if (isfinite(r->width_post) && isfinite(r->width_prior)) {
			rp_printf(b, " %s ", L("Het 90%-interval op", "The 90% interval on"));
			rp_escape(b, r->interval_date);
			rp_printf(b, " %s ", L("is", "is"));
			rp_num(b, r->width_post, 0, lang);
			rp_printf(b, " %s ", L("huishoudens breed met de posterior en", "households wide with the posterior and"));
			rp_num(b, r->width_prior, 0, lang);
			rp_printf(b, " %s <strong>", L("met alleen de priors: de gegevens maakten het",
						       "with the priors alone: the data narrowed it by"));
			rp_num(b, r->narrowed_pct, 0, lang);
			rp_printf(b, "%%</strong>%s.", L(" smaller", ""));
		}
		rp_puts(b, "</p>\n");
	}
	rp_puts(b, "</section>\n");
}

/* Without budget.csv: the execution costs from series.csv's cost_* rows (eurocent
 * per month), summed per year, means only. */
static void series_costs(rp_buf *b, const stroom_report *r, stroom_report_lang lang)
{
	static const struct {
		const char *ind, *nl, *en;
	} costs[] = {{"cost_teams_eurocent", "teams (fte)", "teams (FTE)"},
		     {"cost_instruments_eurocent", "instrumenten", "instruments"},
		     {"cost_enforcement_eurocent", "handhaving", "enforcement"},
		     {"cost_prevention_eurocent", "preventie", "prevention"},
		     {"cost_gate_eurocent", "poort", "gate"},
		     {"execution_cost_eurocent", "totaal", "total"}};
	const rp_series *tot = rp_find(&r->series, "execution_cost_eurocent", "all");
	int y0, y1, y, t;
	size_t k;
	if (!tot || tot->n <= 0) {
		rp_printf(b, "<p>%s</p>\n", L("Deze run heeft geen uitvoeringskosten.",
					    "This run has no execution costs."));
		return;
	}
	y0 = stroom_month_year(r->series.first);
	y1 = stroom_month_year(r->series.first + tot->n - 1);
	rp_printf(b, "<h3>%s</h3>\n<p class=\"note\">%s</p>\n<table><thead><tr><th>%s</th>",
		  L("Uitvoeringskosten per jaar (mln euro, gemiddeld)", "Execution costs per year (EUR million, mean)"),
		  L("Uit series.csv (deze run heeft geen budgettabel); betaald uit de eigen middelen van de "
		    "gemeente (docs/policy.md, \"Costs\").",
		    "From series.csv (this run has no budget table); paid from the municipality's own means "
		    "(docs/policy.md, \"Costs\")."),
		  L("jaar", "year"));
	for (k = 0; k < STROOM_ARRAY_LEN(costs); k++)
		rp_printf(b, "<th>%s</th>", L(costs[k].nl, costs[k].en));
	rp_puts(b, "</tr></thead><tbody>\n");
	for (y = y0; y <= y1 && y - y0 < 200; y++) {
		rp_printf(b, "<tr><td>%d</td>", y);
		for (k = 0; k < STROOM_ARRAY_LEN(costs); k++) {
			const rp_series *s = rp_find(&r->series, costs[k].ind, "all");
			double sum = 0;
			for (t = 0; s && t < s->n; t++)
				if (stroom_month_year(r->series.first + t) == y && isfinite(s->v[(size_t)t * RP_NQ]))
					sum += s->v[(size_t)t * RP_NQ];
			rp_puts(b, "<td>");
			rp_num(b, s ? sum / 1e8 : NAN, 2, lang);
			rp_puts(b, "</td>");
		}
		rp_puts(b, "</tr>\n");
	}
	rp_puts(b, "</tbody></table>\n");
}

static void levers_section(rp_buf *b, const stroom_report *r, stroom_report_lang lang)
{
	static const struct {
		const char *ind, *nl, *en;
	} costs[] = {{"execution_cost_teams", "teams (fte)", "teams (FTE)"},
		     {"execution_cost_instruments", "instrumenten", "instruments"},
		     {"execution_cost_enforcement", "handhaving", "enforcement"},
		     {"execution_cost_prevention", "preventie", "prevention"},
		     {"execution_cost_gate", "poort", "gate"},
		     {"execution_cost", "totaal", "total"}};
	const rp_series *tot = rp_find(&r->budget, "execution_cost", "");
	int i, any_team = 0;
	size_t k;
	rp_printf(b, "<section id=\"levers\">\n<h2>%s</h2>\n",
		  L("Beleidsknoppen en uitvoeringskosten", "Levers and their execution costs"));
	for (i = 0; i < r->nassume; i++)
		if (!strncmp(r->assume[i].key, "teams.", 6)) {
			if (!any_team)
				rp_printf(b, "<h3>%s</h3>\n<table><thead><tr><th>%s</th><th class=\"t\">%s</th>"
					     "</tr></thead><tbody>\n",
					  L("Teams van werkcoaches", "Teams of work coaches"), L("instelling", "setting"),
					  L("waarde", "value"));
			any_team = 1;
			rp_puts(b, "<tr><td><code>");
			rp_escape(b, r->assume[i].key);
			rp_puts(b, "</code></td><td class=\"t\">");
			rp_escape(b, r->assume[i].value);
			rp_puts(b, "</td></tr>\n");
		}
	if (any_team)
		rp_puts(b, "</tbody></table>\n");
	if (!tot) {
		series_costs(b, r, lang);
		rp_puts(b, "</section>\n");
		return;
	}
	rp_printf(b, "<h3>%s</h3>\n<p class=\"note\">%s</p>\n<table><thead><tr><th>%s</th>",
		  L("Uitvoeringskosten per jaar (mln euro, gemiddeld)", "Execution costs per year (EUR million, mean)"),
		  L("Betaald uit de eigen middelen van de gemeente, niet uit de BUIG (docs/policy.md, \"Costs\").",
		    "Paid from the municipality's own means, not from the BUIG (docs/policy.md, \"Costs\")."),
		  L("jaar", "year"));
	for (k = 0; k < STROOM_ARRAY_LEN(costs); k++)
		rp_printf(b, "<th>%s</th>", L(costs[k].nl, costs[k].en));
	rp_printf(b, "<th>%s</th></tr></thead><tbody>\n", L("90%-interval totaal", "90% interval of the total"));
	for (i = 0; i < tot->n; i++) {
		if (!isfinite(tot->v[(size_t)i * RP_NQ]))
			continue;
		rp_printf(b, "<tr><td>%d</td>", r->budget.first + i);
		for (k = 0; k < STROOM_ARRAY_LEN(costs); k++) {
			const rp_series *s = rp_find(&r->budget, costs[k].ind, "");
			rp_puts(b, "<td>");
			rp_num(b, s && i < s->n ? s->v[(size_t)i * RP_NQ] / 1e6 : NAN, 2, lang);
			rp_puts(b, "</td>");
		}
		rp_puts(b, "<td>");
		rp_num(b, tot->v[(size_t)i * RP_NQ + 1] / 1e6, 2, lang);
		rp_puts(b, " – ");
		rp_num(b, tot->v[(size_t)i * RP_NQ + 5] / 1e6, 2, lang);
		rp_puts(b, "</td></tr>\n");
	}
	rp_puts(b, "</tbody></table>\n</section>\n");
}

void rp_assumptions_section(rp_buf *b, const stroom_report *r, stroom_report_lang lang)
{
	int i;
	rp_printf(b, "<section id=\"assumptions\">\n<h2>%s</h2>\n<p class=\"note\">",
		  L("De belangrijkste uitgangspunten", "The key assumptions"));
	if (r->compare) {
		rp_printf(b, "%s</p>\n", L("Uit scenario A zoals de vergelijking het gebruikte (manifest.json).",
					    "From scenario A as the comparison used it (manifest.json)."));
		goto table;
	}
	if (r->sources_manifest) {
		rp_printf(b, "%s <code>",
			  L("Uit het scenario zoals de run het gebruikte (manifest.json). Bron: het "
			    "commentaar op de regel die de sleutel zet, in",
			    "From the scenario as the run used it (manifest.json). Source: the comment on "
			    "the line that sets the key, in"));
		rp_escape(b, r->scenario_file[0] ? r->scenario_file : "-");
		rp_printf(b, "</code> %s</p>\n",
			  L("of een scenario dat het uitbreidt (extends; manifest.json, "
			    "\"scenario_sources\").",
			    "or a scenario it extends (extends; manifest.json, \"scenario_sources\")."));
		goto table;
	}
	rp_printf(b, "%s <code>", L("Uit het scenario zoals de run het gebruikte (manifest.json). Bron: het "
				    "commentaar bij de sleutel in",
				    "From the scenario as the run used it (manifest.json). Source: the comment on "
				    "the key in"));
	rp_escape(b, r->scenario_file[0] ? r->scenario_file : "-");
	rp_printf(b, "</code>%s</p>\n",
		  r->sources_checked ? L(".", ".")
				     : L(", maar dat bestand is niet meer gelijk aan dat van de run (of niet "
					 "gevonden): geen bronnen.",
					 ", but that file is no longer the run's (or was not found): no sources."));
table:
	rp_printf(b, "<table><thead><tr><th>%s</th><th class=\"t\">%s</th><th class=\"t\">%s</th></tr></thead>"
		     "<tbody>\n",
		  L("sleutel", "key"), L("waarde", "value"), L("bron of toelichting", "source or note"));
	for (i = 0; i < r->nassume; i++) {
		if (!strncmp(r->assume[i].key, "teams.", 6))
			continue;
		rp_puts(b, "<tr><td><code>");
		rp_escape(b, r->assume[i].key);
		rp_puts(b, "</code></td><td class=\"val\">");
		rp_escape(b, r->assume[i].value);
		rp_puts(b, "</td><td class=\"src\">");
		rp_escape(b, r->assume[i].source);
		rp_puts(b, "</td></tr>\n");
	}
	rp_puts(b, "</tbody></table>\n</section>\n");
}

static void conditions_section(rp_buf *b, const stroom_report *r, stroom_report_lang lang)
{
	int i;
	rp_printf(b, "<section id=\"conditions\">\n<h2>%s</h2>\n",
		  L("AEF-condities die de beleidsknoppen raken", "AEF conditions the levers touch"));
	if (!r->ncond) {
		rp_printf(b, "<p>%s</p>\n</section>\n",
			  L("Het scenario gebruikt geen beleidsknop die een conditie raakt.",
			    "The scenario uses no lever that touches a condition."));
		return;
	}
	rp_printf(b, "<p class=\"note\">%s</p>\n<table><thead><tr><th>%s</th><th class=\"t\">%s</th>"
		     "<th class=\"t\">%s</th><th>%s</th></tr></thead><tbody>\n",
		  L("Het conceptuele model van AEF voor een doeltreffende uitvoering van de Participatiewet "
		    "(stroom conditions; docs/policy.md). De beoordeling is die van Rotterdam in het "
		    "AEF-rapport van 2024.",
		    "AEF's conceptual model of effective execution of the Participatiewet (stroom "
		    "conditions; docs/policy.md). The rating is Rotterdam's in AEF's 2024 report."),
		  L("code", "code"), L("conditie", "condition"), L("beleidsknoppen", "levers"),
		  L("beoordeling Rotterdam", "Rotterdam's rating"));
	for (i = 0; i < r->ncond; i++) {
		stroom_condition c;
		int found = stroom_conditions_find(r->cond_code[i], &c) == 0;
		rp_puts(b, "<tr><td>");
		rp_escape(b, r->cond_code[i]);
		rp_puts(b, "</td><td class=\"t\">");
		rp_escape(b, found ? L(c.name_nl, c.name_en) : "");
		rp_puts(b, "</td><td class=\"t\"><code>");
		rp_escape(b, r->cond_levers[i]);
		rp_puts(b, "</code></td><td>");
		rp_escape(b, found ? c.rating : "");
		rp_puts(b, "</td></tr>\n");
	}
	stroom_error_clear();
	rp_puts(b, "</tbody></table>\n</section>\n");
}

void rp_reading_footer(rp_buf *b, const stroom_report *r, stroom_report_lang lang)
{
	rp_printf(b, "<footer><p>%s</p><p>", L("Zo leest u de grafieken: de lijn is de mediaan over de "
					    "replicaties, de donkere band het 50%-interval, de lichte "
					    "band het 90%-interval: in 90% van de replicaties ligt de "
					    "waarde binnen de lichte band. Een replicatie is één doorrekening "
					    "met eigen toeval en eigen parameters.",
					    "How to read the charts: the line is the median over the "
					    "replicates, the dark band the 50% interval, the light band the "
					    "90% interval: in 90% of the replicates the value lies within "
					    "the light band. A replicate is one simulation with its own "
					    "chance and its own parameters."));
	rp_printf(b, "%s ", L("Scenario", "Scenario"));
	rp_escape(b, r->name);
	if (r->compare) {
		rp_puts(b, " / ");
		rp_escape(b, r->name_b);
	}
	rp_printf(b, " · stroom ");
	rp_escape(b, r->version);
	rp_printf(b, " · %s</p></footer>\n</body>\n</html>\n",
		  L("docs/report.md beschrijft dit rapport", "docs/report.md describes this report"));
}

static void run_page(rp_buf *b, const stroom_report *r, stroom_report_lang lang)
{
	char title[300];
	snprintf(title, sizeof title, "%s: %s", L("Bijstandsprognose", "Social assistance forecast"), r->name);
	rp_head(b, lang, title);
	rp_puts(b, "<header>\n<h1>");
	rp_escape(b, title);
	rp_puts(b, "</h1>\n<p>");
	rp_escape(b, r->description);
	rp_puts(b, "</p>\n");
	rp_meta_line(b, r, lang);
	rp_puts(b, "</header>\n");
	answer_run(b, r, lang);
	caseload_section(b, r, lang);
	flows_section(b, r, lang);
	composition_section(b, r, lang);
	budget_section(b, r, lang);
	interval_section(b, r, lang);
	levers_section(b, r, lang);
	rp_assumptions_section(b, r, lang);
	conditions_section(b, r, lang);
	rp_reading_footer(b, r, lang);
}

int stroom_report_html(const stroom_report *r, stroom_report_lang lang, char **html, size_t *len)
{
	rp_buf b = {NULL, 0, 0, 0};
	*html = NULL;
	*len = 0;
	if (r->compare)
		rp_compare_page(&b, r, lang);
	else
		run_page(&b, r, lang);
	if (b.failed) {
		free(b.p);
		return b.failed == 2 ? stroom_error_set(STROOM_EINVAL, "the report would be larger than %zu MiB",
							STROOM_REPORT_MAX_BYTES >> 20)
				     : stroom_error_set(STROOM_ENOMEM, "out of memory");
	}
	*html = b.p;
	*len = b.len;
	return 0;
}
