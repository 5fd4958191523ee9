/*
 * report_compare.c: the page of a comparison (a compare directory or `stroom
 * compare --report`; docs/report.md): the question and P(target) in both
 * scenarios, then for the caseload, the exits to work, the BUIG result and the
 * benefits two charts side by side, A and B in one and the difference B - A with
 * its 90% interval in the other, a table per year, the net cost per household-year
 * off benefit and A's key assumptions. The parts it shares with a run's page are
 * report_html.c's.
 */
#include "report_int.h"

#include "internal.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const rp_cmp_row *cmp_find(const stroom_report *r, const char *period, const char *ind)
{
	size_t i;
	for (i = 0; i < r->ncmp; i++)
		if (!strcmp(r->cmp[i].period, period) && !strcmp(r->cmp[i].ind, ind))
			return &r->cmp[i];
	return NULL;
}

#define CMP_MAX_YEARS 200

/* Two charts of a yearly indicator: A and B in one, their difference B - A with its
 * 90% interval in the other. scale divides the values. */
static void cmp_charts(rp_buf *b, const stroom_report *r, stroom_report_lang lang, const char *ind,
		       const char *title, const char *unit, double scale)
{
	double x[CMP_MAX_YEARS], a[CMP_MAX_YEARS], bb[CMP_MAX_YEARS], d[CMP_MAX_YEARS],
		lo[CMP_MAX_YEARS], hi[CMP_MAX_YEARS];
	int n = 0;
	size_t i;
	rp_line l[2];
	rp_ref zero = {0, NULL, "#777"};
	rp_chart ch;
	char t2[256];
	for (i = 0; i < r->ncmp && n < CMP_MAX_YEARS; i++) {
		const rp_cmp_row *c = &r->cmp[i];
		if (strcmp(c->ind, ind) || strlen(c->period) != 4)
			continue;
		x[n] = atoi(c->period);
		a[n] = c->a / scale;
		bb[n] = c->b / scale;
		d[n] = c->q50 / scale;
		lo[n] = c->q05 / scale;
		hi[n] = c->q95 / scale;
		n++;
	}
	if (!n)
		return;
	rp_puts(b, "<div class=\"grid2\">\n");
	l[0] = rp_line_make(x, a, n, r->name, rp_palette[0]);
	l[1] = rp_line_make(x, bb, n, r->name_b, rp_palette[1]);
	l[1].dashed = 1;
	ch = rp_chart_init(lang, title, L("jaar", "year"), unit, l, 2);
	ch.years_axis = 1;
	ch.compact = 1;
	rp_svg_chart(b, &ch);
	snprintf(t2, sizeof t2, "%s (%s)", L("Verschil", "Difference"), L("B min A", "B minus A"));
	l[0] = rp_line_make(x, d, n, L("mediaan van het verschil", "median of the difference"),
			    rp_palette[2]);
	l[0].lo90 = lo;
	l[0].hi90 = hi;
	zero.label = L("geen verschil", "no difference");
	ch = rp_chart_init(lang, t2, L("jaar", "year"), unit, l, 1);
	ch.refs = &zero;
	ch.nrefs = 1;
	ch.years_axis = 1;
	ch.bars = 1;
	ch.compact = 1;
	ch.legend_band50 = NULL;
	rp_svg_chart(b, &ch);
	rp_puts(b, "</div>\n");
}

static void cmp_answer(rp_buf *b, const stroom_report *r, stroom_report_lang lang)
{
	const rp_cmp_row *p = r->target ? cmp_find(r, r->target_date, "p_caseload_le_target") : NULL,
			 *cl = r->target ? cmp_find(r, r->target_date, "caseload") : NULL;
	rp_printf(b, "<section id=\"answer\">\n<h2>%s</h2>\n", L("Vraag en antwoord", "Question and answer"));
	rp_printf(b, "<p class=\"question\">%s <strong>", L("Wat verandert", "What does"));
	rp_escape(b, r->name_b);
	rp_printf(b, "</strong> %s <strong>", L("ten opzichte van", "change against"));
	rp_escape(b, r->name);
	rp_printf(b, "</strong>%s</p>\n", L("?", "?"));
	rp_printf(b, "<p class=\"note\">%s</p>\n",
		  L("Beide scenario's zijn doorgerekend met dezelfde toevalsgetallen (replicatie k van A en "
		    "van B delen hun trekkingen), dus elk verschil is per replicatie genomen.",
		    "Both scenarios ran with the same random numbers (replicate k of A and of B share their "
		    "draws), so every difference is taken replicate by replicate."));
	if (p && cl) {
		rp_puts(b, "<p class=\"answer\">");
		rp_printf(b, "%s ", L("Doel: ten hoogste", "Target: at most"));
		rp_num(b, r->target, 0, lang);
		rp_printf(b, " %s ", L("huishoudens op", "households on"));
		rp_date_text(b, r->target_date, lang);
		rp_puts(b, ".<br>\n");
		rp_printf(b, "%s ", L("Kans op het doel:", "Probability of the target:"));
		rp_escape(b, r->name);
		rp_puts(b, " <span class=\"big\" id=\"p-target\">");
		rp_num(b, 100.0 * p->a, 1, lang);
		rp_puts(b, "%</span>, ");
		rp_escape(b, r->name_b);
		rp_puts(b, " <span class=\"big\">");
		rp_num(b, 100.0 * p->b, 1, lang);
		rp_printf(b, "%%</span> (%s ", L("verschil", "difference"));
		rp_num(b, 100.0 * p->mean, 1, lang);
		rp_printf(b, " %s).<br>\n", L("procentpunt", "percentage points"));
		rp_printf(b, "%s ", L("Gemiddeld bestand op die datum:", "Mean caseload on that date:"));
		rp_escape(b, r->name);
		rp_puts(b, " ");
		rp_num(b, cl->a, 0, lang);
		rp_puts(b, ", ");
		rp_escape(b, r->name_b);
		rp_puts(b, " ");
		rp_num(b, cl->b, 0, lang);
		rp_printf(b, "; %s ", L("verschil", "difference"));
		rp_num(b, cl->mean, 0, lang);
		rp_printf(b, " [%s ", L("90%-interval", "90% interval"));
		rp_num(b, cl->q05, 0, lang);
		rp_puts(b, " – ");
		rp_num(b, cl->q95, 0, lang);
		rp_puts(b, "].</p>\n");
	} else {
		rp_printf(b, "<p class=\"answer\">%s</p>\n",
			  L("Geen van beide scenario's stelt een doel dat binnen de periode valt.",
			    "Neither scenario sets a target within the simulated months."));
	}
	rp_puts(b, "</section>\n");
}

static void cmp_table(rp_buf *b, const stroom_report *r, stroom_report_lang lang)
{
	static const struct {
		const char *ind, *nl, *en;
		double scale;
		int dec;
	} rows[] = {{"caseload_1jan", "bestand op 1 januari", "caseload on 1 January", 1, 0},
		    {"exit_work", "uitstroom naar werk", "exits to work", 1, 0},
		    {"spending_benefit_eur", "uitkeringen (mln euro)", "benefits (EUR million)", 1e6, 2},
		    {"budget_result_eur", "BUIG-resultaat (mln euro)", "BUIG result (EUR million)", 1e6, 2},
		    {"budget_safety_net_eur", "vangnet (mln euro)", "safety net (EUR million)", 1e6, 2},
		    {"execution_cost_eur", "uitvoeringskosten (mln euro)", "execution costs (EUR million)", 1e6, 2}};
	size_t k, i;
	rp_printf(b, "<h3>%s</h3>\n<table><thead><tr><th>%s</th><th>%s</th><th>A</th><th>B</th><th>%s</th>"
		     "<th>%s</th></tr></thead><tbody>\n",
		  L("Per jaar", "Per year"), L("indicator", "indicator"), L("jaar", "year"),
		  L("verschil B − A", "difference B − A"), L("90%-interval", "90% interval"));
	for (k = 0; k < STROOM_ARRAY_LEN(rows); k++)
		for (i = 0; i < r->ncmp; i++) {
			const rp_cmp_row *c = &r->cmp[i];
			double s = rows[k].scale;
			if (strcmp(c->ind, rows[k].ind) || strlen(c->period) != 4)
				continue;
			rp_printf(b, "<tr><td>%s</td><td>", L(rows[k].nl, rows[k].en));
			rp_escape(b, c->period);
			rp_puts(b, "</td><td>");
			rp_num(b, c->a / s, rows[k].dec, lang);
			rp_puts(b, "</td><td>");
			rp_num(b, c->b / s, rows[k].dec, lang);
			rp_puts(b, "</td><td>");
			rp_num(b, c->mean / s, rows[k].dec, lang);
			rp_puts(b, "</td><td>");
			rp_num(b, c->q05 / s, rows[k].dec, lang);
			rp_puts(b, " – ");
			rp_num(b, c->q95 / s, rows[k].dec, lang);
			rp_puts(b, "</td></tr>\n");
		}
	rp_puts(b, "</tbody></table>\n");
	{
		const rp_cmp_row *nc = cmp_find(r, "all", "net_cost_per_household_year_off_eur");
		if (nc && isfinite(nc->mean)) {
			rp_printf(b, "<p>%s <strong>", L("Netto kosten per huishoudjaar minder in de bijstand, over de "
						       "hele periode: euro",
						       "Net cost per household-year off benefit over the whole run: EUR"));
			rp_num(b, nc->mean, 0, lang);
			rp_printf(b, "</strong> %s</p>\n", L("(negatief is een besparing).", "(negative is a saving)."));
		}
	}
}

void rp_compare_page(rp_buf *b, const stroom_report *r, stroom_report_lang lang)
{
	char title[300];
	snprintf(title, sizeof title, "%s: %s – %s", L("Vergelijking", "Comparison"), r->name, r->name_b);
	rp_head(b, lang, title);
	rp_puts(b, "<header>\n<h1>");
	rp_escape(b, title);
	rp_puts(b, "</h1>\n<p>A: <strong>");
	rp_escape(b, r->name);
	rp_puts(b, "</strong> · B: <strong>");
	rp_escape(b, r->name_b);
	rp_puts(b, "</strong></p>\n");
	rp_meta_line(b, r, lang);
	rp_puts(b, "</header>\n");
	cmp_answer(b, r, lang);
	rp_printf(b, "<section id=\"caseload\">\n<h2>%s</h2>\n", L("Het bijstandsbestand", "The caseload"));
	cmp_charts(b, r, lang, "caseload_1jan", L("Huishoudens op 1 januari (gemiddeld)", "Households on 1 January (mean)"),
		   L("huishoudens", "households"), 1);
	cmp_charts(b, r, lang, "exit_work", L("Uitstroom naar werk per jaar", "Exits to work per year"),
		   L("huishoudens per jaar", "households per year"), 1);
	rp_puts(b, "</section>\n");
	rp_printf(b, "<section id=\"budget\">\n<h2>%s</h2>\n", L("Geld", "Money"));
	cmp_charts(b, r, lang, "budget_result_eur", L("BUIG-resultaat per jaar", "BUIG result per year"),
		   L("mln euro", "EUR million"), 1e6);
	cmp_charts(b, r, lang, "spending_benefit_eur", L("Uitkeringen per jaar", "Benefits per year"),
		   L("mln euro", "EUR million"), 1e6);
	cmp_table(b, r, lang);
	rp_puts(b, "</section>\n");
	rp_assumptions_section(b, r, lang);
	rp_reading_footer(b, r, lang);
}
