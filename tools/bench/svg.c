// SPDX-License-Identifier: GPL-2.0
/*
 * svg.c - the axes of the benchmarks' SVG plots (tools/bench.h).
 */
#include <stdint.h>
#include <stdio.h>

#include "../bench.h"

/* A round axis maximum: 1, 2, 2.5 or 5 times a power of ten. */
double nice_max(double v, double *step)
{
	static const double m[] = { 1, 2, 2.5, 5, 10 };
	double p = 1;
	int i;

	v = v > 0 ? v : 1;
	while (p * 10 <= v)
		p *= 10;
	while (p > v)
		p /= 10;

	for (i = 0; i < 5; i++)
		if (m[i] * p * 5 >= v)
			break;
	*step = m[i] * p;
	return ceil_d(v / *step - 1e-9) * *step;
}

/* Whole decades around [lo, hi], for a logarithmic axis. */
void decades(double lo, double hi, double *min, double *max)
{
	*min = 1;
	while (*min > lo)
		*min /= 10;
	while (*min * 10 <= lo)
		*min *= 10;
	*max = *min * 10;
	while (*max < hi)
		*max *= 10;
}

double y_of(const struct panel *p, double v)
{
	if (p->ymin > 0)
		return p->y + p->h -
		       (lg10(dmax(v, p->ymin)) - lg10(p->ymin)) /
			       (lg10(p->ymax) - lg10(p->ymin)) * p->h;
	return p->y + p->h - v / p->ymax * p->h;
}

/* The next tick: 0, step, 2 step ... or 1, 2, 5, 10, 20 ... */
double next_tick(const struct panel *p, double v)
{
	double d = 1;

	if (p->ymin <= 0)
		return v + p->ystep;
	while (d > v)
		d /= 10;
	while (d * 10 <= v * (1 + 1e-9))
		d *= 10;
	v /= d;
	return (v < 1.5 ? 2 : v < 3 ? 5 : 10) * d;
}

void svg_axes(FILE *o, const struct panel *p, const char *title,
	      const char *xlabel, const uint32_t *ticks, int n_ticks,
	      const char *const *tick_names)
{
	double v;
	int i;

	fprintf(o,
		"<text x=\"%.0f\" y=\"%.0f\" text-anchor=\"middle\" "
		"font-weight=\"bold\">%s</text>\n",
		p->x + p->w / 2, p->y - 12, title);
	for (v = p->ymin; v <= p->ymax * (1 + 1e-9); v = next_tick(p, v)) {
		fprintf(o,
			"<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" "
			"stroke=\"#ddd\"/>\n"
			"<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"end\">%g"
			"</text>\n",
			p->x, y_of(p, v), p->x + p->w, y_of(p, v), p->x - 6,
			y_of(p, v) + 4, v);
	}
	for (i = 0; i < n_ticks; i++)
		fprintf(o,
			"<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" "
			"stroke=\"#ddd\"/>\n"
			"<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\">%s"
			"</text>\n",
			p->xpos(p, ticks[i]), p->y, p->xpos(p, ticks[i]),
			p->y + p->h, p->xpos(p, ticks[i]), p->y + p->h + 16,
			tick_names[i]);
	fprintf(o,
		"<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" "
		"fill=\"none\" stroke=\"#888\"/>\n"
		"<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\">%s</text>\n"
		"<text transform=\"translate(%.1f,%.1f) rotate(-90)\" "
		"text-anchor=\"middle\">Mpps in</text>\n",
		p->x, p->y, p->w, p->h, p->x + p->w / 2, p->y + p->h + 36,
		xlabel, p->x - 42, p->y + p->h / 2);
}
