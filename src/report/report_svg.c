/*
 * report_svg.c: the report's charts as inline SVG: fan charts (a median line with
 * its 50% and 90% bands), several lines in one chart, yearly values as interval
 * bars, horizontal reference lines (a target, the safety-net thresholds) and a
 * vertical marker (the target date); each with a title, axis labels with units,
 * ticks in the report's number style and a legend. Sizes are in the viewBox; the
 * page scales the chart to its width.
 */
#include "report_int.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

/* The chart's box in viewBox units: a full-width chart, or a compact one (two
 * side by side) narrower so that its text keeps its size when scaled. */
#define W (c->compact ? 470.0 : 760.0)
#define H (c->compact ? 300.0 : 330.0)
#define PL 78.0  /* left margin: the y tick labels and the y label */
#define PR 16.0
#define PT 34.0  /* the title */
#define PB 96.0  /* the x ticks, the x label and the legend */

static double map(double v, double a, double b, double p, double len)
{
	return b > a ? p + (v - a) / (b - a) * len : p + len / 2;
}

void rp_svg_path(rp_buf *b, const double *x, const double *y, int n, double x0, double x1,
		 double y0, double y1, double px, double py, double pw, double ph)
{
	int i, pen = 0, wrote = 0;
	for (i = 0; i < n; i++) {
		if (!isfinite(x[i]) || !isfinite(y[i])) {
			pen = 0;
			continue;
		}
		rp_printf(b, "%s%c%.1f %.1f", wrote ? " " : "", pen ? 'L' : 'M',
			  map(x[i], x0, x1, px, pw), py + ph - map(y[i], y0, y1, 0, ph));
		pen = wrote = 1;
	}
}

/* A closed band between lo and hi over x (the finite points only). */
static void band_path(rp_buf *b, const rp_chart *c, const double *x, const double *lo,
		      const double *hi, int n, double x0, double x1, double y0, double y1)
{
	int i, first = 1;
	double ph = H - PT - PB, pw = W - PL - PR;
	for (i = 0; i < n; i++) {
		if (!isfinite(x[i]) || !isfinite(lo[i]) || !isfinite(hi[i]))
			continue;
		rp_printf(b, "%c%.1f %.1f ", first ? 'M' : 'L', map(x[i], x0, x1, PL, pw),
			  PT + ph - map(hi[i], y0, y1, 0, ph));
		first = 0;
	}
	for (i = n - 1; i >= 0; i--) {
		if (!isfinite(x[i]) || !isfinite(lo[i]) || !isfinite(hi[i]))
			continue;
		rp_printf(b, "L%.1f %.1f ", map(x[i], x0, x1, PL, pw), PT + ph - map(lo[i], y0, y1, 0, ph));
	}
	rp_puts(b, "Z");
}

static void widen(double *lo, double *hi, const double *v, int n)
{
	int i;
	if (!v)
		return;
	for (i = 0; i < n; i++)
		if (isfinite(v[i])) {
			if (v[i] < *lo)
				*lo = v[i];
			if (v[i] > *hi)
				*hi = v[i];
		}
}

/* A step of 1, 2 or 5 times a power of ten giving about `want` ticks over span. */
static double nice_step(double span, int want)
{
	double raw = span / want, p = pow(10, floor(log10(raw))), f = raw / p;
	return (f < 1.5 ? 1 : f < 3.5 ? 2 : f < 7.5 ? 5 : 10) * p;
}

static int step_decimals(double step)
{
	int d = 0;
	while (d < 4 && fabs(step * pow(10, d) - floor(step * pow(10, d) + 0.5)) > 1e-6)
		d++;
	return d;
}

void rp_svg_chart(rp_buf *b, const rp_chart *c)
{
	double x0 = INFINITY, x1 = -INFINITY, y0 = INFINITY, y1 = -INFINITY, step, v;
	double pw = W - PL - PR, ph = H - PT - PB, lx, ly;
	int i, k, any90 = 0, any50 = 0, ticks = 0;
	for (i = 0; i < c->nlines; i++) {
		const rp_line *l = &c->lines[i];
		widen(&x0, &x1, l->x, l->n);
		widen(&y0, &y1, l->mid, l->n);
		widen(&y0, &y1, l->lo90, l->n);
		widen(&y0, &y1, l->hi90, l->n);
		any90 |= l->lo90 && l->hi90;
		any50 |= l->lo50 && l->hi50;
	}
	for (i = 0; i < c->nrefs; i++)
		widen(&y0, &y1, &c->refs[i].y, 1);
	if (isfinite(c->mark_x))
		widen(&x0, &x1, &c->mark_x, 1);
	if (!(x0 <= x1) || !(y0 <= y1)) {
		x0 = 0;
		x1 = 1;
		y0 = 0;
		y1 = 1;
	}
	if (c->years_axis) {
		x0 -= 0.5;
		x1 += 0.5;
	}
	if (y1 - y0 < 1e-9 * (fabs(y0) + 1)) {
		y0 -= fabs(y0) * 0.05 + 1;
		y1 += fabs(y1) * 0.05 + 1;
	}
	{ /* room above and below, then to the ticks */
		double pad = (y1 - y0) * 0.06;
		int nonneg = y0 >= 0;
		y0 -= pad;
		y1 += pad;
		if (nonneg && y0 < 0)
			y0 = 0;
	}
	step = nice_step(y1 - y0, 5);
	y0 = floor(y0 / step) * step;
	y1 = ceil(y1 / step) * step;
	rp_printf(b, "<figure class=\"chart\"><svg viewBox=\"0 0 %.0f %.0f\" role=\"img\" aria-label=\"",
		  W, H);
	rp_escape(b, c->title);
	rp_puts(b, "\">\n<title>");
	rp_escape(b, c->title);
	rp_printf(b, "</title>\n<text x=\"%.0f\" y=\"20\" class=\"ct\">", PL);
	rp_escape(b, c->title);
	rp_puts(b, "</text>\n");
	/* y grid and ticks */
	for (v = y0; v <= y1 + step * 1e-6 && ticks < 50; v += step, ticks++) {
		double y = PT + ph - map(v, y0, y1, 0, ph);
		rp_printf(b, "<line x1=\"%.1f\" x2=\"%.1f\" y1=\"%.1f\" y2=\"%.1f\" class=\"grid\"/>"
			     "<text x=\"%.1f\" y=\"%.1f\" class=\"yt\">",
			  PL, PL + pw, y, y, PL - 6, y + 4);
		rp_num(b, fabs(v) < step * 1e-6 ? 0.0 : v, step_decimals(step), c->lang);
		rp_puts(b, "</text>\n");
	}
	/* x ticks: every year (or every other when many) */
	{
		int ya = (int)ceil(x0 - 1e-9), yb = (int)floor(x1 + 1e-9), every = 1, y;
		while ((yb - ya) / every > 12)
			every++;
		for (y = ya; y <= yb && y - ya < 400; y += every) {
			double x = map(y, x0, x1, PL, pw);
			rp_printf(b, "<line x1=\"%.1f\" x2=\"%.1f\" y1=\"%.1f\" y2=\"%.1f\" class=\"tick\"/>"
				     "<text x=\"%.1f\" y=\"%.1f\" class=\"xt\">%d</text>\n",
				  x, x, PT + ph, PT + ph + 5, x, PT + ph + 18, y);
		}
	}
	rp_printf(b, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" class=\"frame\"/>\n", PL,
		  PT, pw, ph);
	/* bands, then lines */
	for (i = 0; i < c->nlines; i++) {
		const rp_line *l = &c->lines[i];
		if (c->bars)
			continue;
		if (l->lo90 && l->hi90) {
			rp_printf(b, "<path class=\"b90\" style=\"fill:%s\" d=\"", l->color);
			band_path(b, c, l->x, l->lo90, l->hi90, l->n, x0, x1, y0, y1);
			rp_puts(b, "\"/>\n");
		}
		if (l->lo50 && l->hi50) {
			rp_printf(b, "<path class=\"b50\" style=\"fill:%s\" d=\"", l->color);
			band_path(b, c, l->x, l->lo50, l->hi50, l->n, x0, x1, y0, y1);
			rp_puts(b, "\"/>\n");
		}
	}
	for (i = 0; i < c->nrefs; i++) {
		double y = PT + ph - map(c->refs[i].y, y0, y1, 0, ph);
		rp_printf(b, "<line x1=\"%.1f\" x2=\"%.1f\" y1=\"%.1f\" y2=\"%.1f\" class=\"ref\" "
			     "style=\"stroke:%s\"/>\n",
			  PL, PL + pw, y, y, c->refs[i].color);
	}
	if (isfinite(c->mark_x)) {
		double x = map(c->mark_x, x0, x1, PL, pw);
		rp_printf(b, "<line x1=\"%.1f\" x2=\"%.1f\" y1=\"%.1f\" y2=\"%.1f\" class=\"mark\"/>"
			     "<text x=\"%.1f\" y=\"%.1f\" class=\"mt\">",
			  x, x, PT, PT + ph, x + 4, PT + 12);
		rp_escape(b, c->mark_label ? c->mark_label : "");
		rp_puts(b, "</text>\n");
	}
	for (i = 0; i < c->nlines; i++) {
		const rp_line *l = &c->lines[i];
		if (c->bars) {
			for (k = 0; k < l->n; k++) {
				double x = map(l->x[k], x0, x1, PL, pw) + (i - (c->nlines - 1) / 2.0) * 10;
				if (l->lo90 && l->hi90 && isfinite(l->lo90[k]) && isfinite(l->hi90[k]))
					rp_printf(b, "<line x1=\"%.1f\" x2=\"%.1f\" y1=\"%.1f\" y2=\"%.1f\" "
						     "class=\"bar90\" style=\"stroke:%s\"/>",
						  x, x, PT + ph - map(l->lo90[k], y0, y1, 0, ph),
						  PT + ph - map(l->hi90[k], y0, y1, 0, ph), l->color);
				if (l->lo50 && l->hi50 && isfinite(l->lo50[k]) && isfinite(l->hi50[k]))
					rp_printf(b, "<line x1=\"%.1f\" x2=\"%.1f\" y1=\"%.1f\" y2=\"%.1f\" "
						     "class=\"bar50\" style=\"stroke:%s\"/>",
						  x, x, PT + ph - map(l->lo50[k], y0, y1, 0, ph),
						  PT + ph - map(l->hi50[k], y0, y1, 0, ph), l->color);
				if (isfinite(l->mid[k]))
					rp_printf(b, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"3.5\" style=\"fill:%s\"/>",
						  x, PT + ph - map(l->mid[k], y0, y1, 0, ph), l->color);
				rp_puts(b, "\n");
			}
			continue;
		}
		rp_printf(b, "<path class=\"line%s\" style=\"stroke:%s\" d=\"", l->dashed ? " dash" : "",
			  l->color);
		rp_svg_path(b, l->x, l->mid, l->n, x0, x1, y0, y1, PL, PT, pw, ph);
		rp_puts(b, "\"/>\n");
	}
	/* axis labels */
	rp_printf(b, "<text x=\"%.1f\" y=\"%.1f\" class=\"xl\">", PL + pw / 2, PT + ph + 36);
	rp_escape(b, c->xlabel);
	rp_printf(b, "</text>\n<text transform=\"translate(14 %.1f) rotate(-90)\" class=\"yl\">",
		  PT + ph / 2);
	rp_escape(b, c->ylabel);
	rp_puts(b, "</text>\n");
	/* legend: the lines, the bands, the references */
	lx = PL;
	ly = H - 30;
	for (i = 0; i < c->nlines + 2 + c->nrefs; i++) {
		const char *label = NULL, *color = "#000";
		int kind = 0; /* 0 line, 1 band90, 2 band50, 3 ref */
		double wlab;
		if (i < c->nlines) {
			label = c->lines[i].label;
			color = c->lines[i].color;
			kind = c->lines[i].dashed ? 4 : 0;
		} else if (i == c->nlines && any90 && c->legend_band90) {
			label = c->legend_band90;
			kind = 1;
		} else if (i == c->nlines + 1 && any50 && c->legend_band50) {
			label = c->legend_band50;
			kind = 2;
		} else if (i >= c->nlines + 2) {
			label = c->refs[i - c->nlines - 2].label;
			color = c->refs[i - c->nlines - 2].color;
			kind = 3;
		}
		if (!label)
			continue;
		wlab = 34 + 6.3 * (double)strlen(label);
		if (lx + wlab > W - PR && lx > PL) {
			lx = PL;
			ly += 18;
		}
		if (kind == 1 || kind == 2)
			rp_printf(b, "<rect x=\"%.1f\" y=\"%.1f\" width=\"24\" height=\"10\" class=\"%s\" "
				     "style=\"fill:%s\"/>",
				  lx, ly - 9, kind == 1 ? "b90" : "b50",
				  c->nlines == 1 ? c->lines[0].color : "#555"); /* grey: every line's band */
		else
			rp_printf(b, "<line x1=\"%.1f\" x2=\"%.1f\" y1=\"%.1f\" y2=\"%.1f\" class=\"%s\" "
				     "style=\"stroke:%s\"/>",
				  lx, lx + 24, ly - 4, ly - 4,
				  kind == 3 ? "ref" : kind == 4 ? "line dash" : "line", color);
		rp_printf(b, "<text x=\"%.1f\" y=\"%.1f\" class=\"lg\">", lx + 30, ly);
		rp_escape(b, label);
		rp_puts(b, "</text>\n");
		lx += wlab + 14;
	}
	rp_puts(b, "</svg></figure>\n");
}
