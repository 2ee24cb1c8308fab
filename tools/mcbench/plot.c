// SPDX-License-Identifier: GPL-2.0
/*
 * plot.c - tools/mcbench's SVG plot: Mpps against fan-out, against table
 * size with both traffic shapes, and on one and two CPUs.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "../bench.h"
#include "../mcbench.h"

static const char *const fwd_color[N_FWD] = { "#1f66b4", "#d9480f", "#2f9e44",
					      "#555555", "#999999", "#9c36b5" };
/* The forwarders drawn, in legend order. */
static const enum fwd plot_fwd[] = { FWD_OURS, FWD_IPMR, FWD_NFT, FWD_CEIL_FAIR,
				     FWD_CEIL };
#define N_PLOT 5

static double x_fanout(const struct panel *p, uint32_t v)
{
	return p->x + lg2(v) / lg2(MAX_FANOUT) * p->w;
}

static double x_entries(const struct panel *p, uint32_t v)
{
	return p->x + lg10(v) / 6 * p->w;
}

/*
 * A line of the plot: along fan-out (one entry, frame size pkt) or along
 * table size (64 B, fan-out TABLE_FANOUT, traffic tr; the 1-entry case
 * starts the lines of both shapes).
 */
struct line {
	bool by_fanout;
	uint32_t pkt;
	enum traffic tr;
};

static bool svg_point(const struct bcase *c, enum fwd f, const struct line *l)
{
	if (c->v6 || c->pkt != l->pkt || c->cpus != 1 || !measured(c, f))
		return false; /* (IPv6 rows: in the tables only) */
	if (l->by_fanout)
		return c->entries == 1;
	return c->fanout == TABLE_FANOUT &&
	       (c->entries == 1 || c->traffic == l->tr);
}

static void svg_line(FILE *o, const struct panel *p, enum fwd f,
		     const struct line *l)
{
	const char *dash = !l->by_fanout && l->tr == TR_ZIPF ?
				   " stroke-dasharray=\"2,3\"" :
			   l->pkt != 64 ? " stroke-dasharray=\"6,4\"" :
					  "";
	bool first = true;
	int i, n = 0;

	for (i = 0; i < n_cases; i++)
		n += svg_point(&cases[i], f, l);
	if (!n)
		return; /* not measured: no line */
	fprintf(o,
		"<polyline fill=\"none\" stroke=\"%s\" stroke-width=\"2\"%s "
		"points=\"",
		fwd_color[f], dash);
	for (i = 0; i < n_cases; i++) {
		const struct bcase *c = &cases[i];

		if (!svg_point(c, f, l))
			continue;
		fprintf(o, "%s%.1f,%.1f", first ? "" : " ",
			p->xpos(p, l->by_fanout ? c->fanout : c->entries),
			y_of(p, c->r[f].mpps));
		first = false;
	}
	fprintf(o, "\"/>\n");
	for (i = 0; i < n_cases; i++) {
		const struct bcase *c = &cases[i];
		char cs[96];

		if (!svg_point(c, f, l))
			continue;
		fprintf(o,
			"<circle cx=\"%.1f\" cy=\"%.1f\" r=\"3\" fill=\"%s\">"
			"<title>%s, %s: %.3f Mpps</title></circle>\n",
			p->xpos(p, l->by_fanout ? c->fanout : c->entries),
			y_of(p, c->r[f].mpps), fwd_color[f], fwd_label[f],
			case_str(c, cs, sizeof(cs)), c->r[f].mpps);
	}
}

/*
 * The CPUs panel: for each two-CPU case, a pair of bars per forwarder,
 * one CPU (pale) and two at once (full), the scaling above.
 */
static void svg_cpus(FILE *o, const struct panel *p)
{
	static const enum fwd fw[] = { FWD_OURS, FWD_CEIL_FAIR, FWD_IPMR };
	int i, k, n = 0, g = 0, per;
	double gw, bw, max = 0, v;

	for (i = 0; i < n_cases; i++) {
		if (cases[i].cpus < 2)
			continue;
		n++;
		for (k = 0; k < 3; k++)
			if (measured(&cases[i], fw[k]))
				max = dmax(max, cases[i].r[fw[k]].mpps);
	}
	fprintf(o,
		"<text x=\"%.0f\" y=\"%.0f\" text-anchor=\"middle\" "
		"font-weight=\"bold\">Two CPUs at once (64 B, aggregate)"
		"</text>\n",
		p->x + p->w / 2, p->y - 12);
	if (!n) {
		fprintf(o,
			"<text x=\"%.0f\" y=\"%.0f\" text-anchor=\"middle\">"
			"not measured</text>\n",
			p->x + p->w / 2, p->y + p->h / 2);
		return;
	}
	per = B.absent[FWD_IPMR] ? 2 : 3;
	gw = p->w / n;
	bw = gw / (2 * per + 1);
	{
		struct panel q = *p;

		q.ymax = nice_max(max, &q.ystep);
		q.ymin = 0;
		for (v = 0; v <= q.ymax * (1 + 1e-9); v += q.ystep)
			fprintf(o,
				"<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" "
				"y2=\"%.1f\" stroke=\"#ddd\"/>\n"
				"<text x=\"%.1f\" y=\"%.1f\" "
				"text-anchor=\"end\">%g</text>\n",
				q.x, y_of(&q, v), q.x + q.w, y_of(&q, v),
				q.x - 6, y_of(&q, v) + 4, v);
		for (i = 0; i < n_cases; i++) {
			const struct bcase *c = &cases[i];
			double x0 = q.x + g * gw + bw / 2;
			char e[16];
			int j = 0;

			if (c->cpus < 2)
				continue;
			for (k = 0; k < 3; k++) {
				enum fwd f = fw[k];
				double x = x0 + j * 2 * bw, y1, y2;

				if (!measured(c, f))
					continue;
				j++;
				y1 = y_of(&q, c->r1[f].mpps);
				y2 = y_of(&q, c->r[f].mpps);
				fprintf(o,
					"<rect x=\"%.1f\" y=\"%.1f\" "
					"width=\"%.1f\" height=\"%.1f\" "
					"fill=\"%s\" fill-opacity=\"0.35\">"
					"<title>%s, 1 CPU: %.3f Mpps</title>"
					"</rect>\n"
					"<rect x=\"%.1f\" y=\"%.1f\" "
					"width=\"%.1f\" height=\"%.1f\" "
					"fill=\"%s\"><title>%s, 2 CPUs: %.3f "
					"Mpps</title></rect>\n"
					"<text x=\"%.1f\" y=\"%.1f\" "
					"text-anchor=\"middle\" "
					"font-size=\"10\">%.2fx</text>\n",
					x, y1, bw, q.y + q.h - y1, fwd_color[f],
					fwd_label[f], c->r1[f].mpps, x + bw, y2,
					bw, q.y + q.h - y2, fwd_color[f],
					fwd_label[f], c->r[f].mpps, x + bw,
					y2 - 4, c->scaling[f]);
			}
			entries_str(c->entries, e, sizeof(e));
			fprintf(o,
				"<text x=\"%.1f\" y=\"%.1f\" "
				"text-anchor=\"middle\" font-size=\"10\">"
				"%s%s%s</text>\n"
				"<text x=\"%.1f\" y=\"%.1f\" "
				"text-anchor=\"middle\" font-size=\"10\">"
				"%s, fan-out %u</text>\n",
				q.x + (g + 0.5) * gw, q.y + q.h + 14,
				c->entries == 1 ? "" : e,
				c->entries == 1 ? "" : " ",
				c->entries == 1 ?
					(c->distinct ? "a flow per CPU" :
						       "one flow, 2 queues") :
					traffic_name[c->traffic],
				q.x + (g + 0.5) * gw, q.y + q.h + 26,
				c->entries == 1 ? "1 entry" :
				c->distinct	? "a set per CPU" :
						  "one set",
				c->fanout);
			g++;
		}
		fprintf(o,
			"<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" "
			"height=\"%.1f\" fill=\"none\" stroke=\"#888\"/>\n"
			"<text transform=\"translate(%.1f,%.1f) rotate(-90)\" "
			"text-anchor=\"middle\">Mpps in</text>\n",
			q.x, q.y, q.w, q.h, q.x - 42, q.y + q.h / 2);
	}
}

void write_svg(const char *path)
{
	static const char *const legend[N_FWD] = {
		[FWD_OURS] = "ours (mgm_fwd)",
		[FWD_IPMR] = "kernel ipmr",
		[FWD_NFT] = "kernel nft-dup",
		[FWD_CEIL] = "XDP ceiling",
		[FWD_CEIL_FAIR] = "fair XDP ceiling",
	};
	static const uint32_t fo_ticks[] = { 1, 2, 4, 8, 16 };
	static const char *const fo_names[] = { "1", "2", "4", "8", "16" };
	static const uint32_t en_ticks[] = { 1,	    10,	    100,    1000,
					     10000, 100000, 1000000 };
	static const char *const en_names[] = { "1",   "10",   "100", "1k",
						"10k", "100k", "1M" };
	struct panel left = { 70, 60, 360, 260, 0, 0, 0, x_fanout };
	struct panel mid = { 530, 60, 360, 260, 0, 0, 0, x_entries };
	struct panel right = { 990, 60, 360, 260, 0, 0, 0, NULL };
	double maxl = 0, maxr = 0, minl = 1e300;
	char tmp[300], title[96];
	int i, f, k, y;
	FILE *o;

	for (i = 0; i < n_cases; i++)
		for (k = 0; k < N_PLOT; k++) {
			f = plot_fwd[k];
			if (!measured(&cases[i], f) || cases[i].cpus > 1 ||
			    cases[i].v6)
				continue;
			if (cases[i].entries == 1 && cases[i].r[f].mpps > 0) {
				maxl = dmax(maxl, cases[i].r[f].mpps);
				minl = dmin(minl, cases[i].r[f].mpps);
			}
			if (cases[i].fanout == TABLE_FANOUT &&
			    cases[i].pkt == 64)
				maxr = dmax(maxr, cases[i].r[f].mpps);
		}
	/*
	 * Fan-out spans two decades of rates: a logarithmic axis keeps the
	 * high fan-outs readable and shows ratios as constant distances.
	 */
	decades(minl < 1e300 ? minl : 0.1, maxl, &left.ymin, &left.ymax);
	mid.ymax = nice_max(maxr, &mid.ystep);

	snprintf(tmp, sizeof(tmp), "%s.tmp", path);
	o = fopen(tmp, "w");
	if (!o)
		die("%s: %s", tmp, strerror(errno));
	fprintf(o,
		"<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
		"<!-- Written by tools/mcbench (make bench); do not edit. -->\n"
		"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"1400\" "
		"height=\"500\" viewBox=\"0 0 1400 500\" "
		"font-family=\"sans-serif\" font-size=\"12\">\n"
		"<rect width=\"1400\" height=\"500\" fill=\"white\"/>\n");
	svg_axes(o, &left, "Mpps against fan-out (1 entry, log scale)",
		 "outgoing interfaces", fo_ticks, 5, fo_names);
	snprintf(title, sizeof(title),
		 "Mpps against table size (64 B, fan-out %d)", TABLE_FANOUT);
	svg_axes(o, &mid, title, "(S,G) entries, traffic drawn over all",
		 en_ticks, 7, en_names);
	svg_cpus(o, &right);
	for (k = 0; k < N_PLOT; k++) {
		const struct line l64 = { true, 64, TR_UNIFORM },
				  l1400 = { true, 1400, TR_UNIFORM },
				  lu = { false, 64, TR_UNIFORM },
				  lz = { false, 64, TR_ZIPF };

		f = plot_fwd[k];
		svg_line(o, &left, f, &l64);
		svg_line(o, &left, f, &l1400);
		svg_line(o, &mid, f, &lu);
		svg_line(o, &mid, f, &lz);
	}
	/* Legend under the panels, then what n/a and nft-dup mean. */
	for (k = 0; k < N_PLOT; k++) {
		f = plot_fwd[k];
		fprintf(o,
			"<line x1=\"%d\" y1=\"395\" x2=\"%d\" y2=\"395\" "
			"stroke=\"%s\" stroke-width=\"2\"/>\n"
			"<text x=\"%d\" y=\"399\">%s%s</text>\n",
			70 + k * 190, 100 + k * 190, fwd_color[f],
			106 + k * 190, legend[f], B.absent[f] ? ": n/a" : "");
	}
	fprintf(o,
		"<line x1=\"70\" y1=\"420\" x2=\"100\" y2=\"420\" "
		"stroke=\"#000\" stroke-width=\"2\"/>\n"
		"<text x=\"106\" y=\"424\">64 B frames; uniform traffic"
		"</text>\n"
		"<line x1=\"330\" y1=\"420\" x2=\"360\" y2=\"420\" "
		"stroke=\"#000\" stroke-width=\"2\" stroke-dasharray=\"6,4\"/>"
		"\n<text x=\"366\" y=\"424\">1400 B frames</text>\n"
		"<line x1=\"500\" y1=\"420\" x2=\"530\" y2=\"420\" "
		"stroke=\"#000\" stroke-width=\"2\" stroke-dasharray=\"2,3\"/>"
		"\n<text x=\"536\" y=\"424\">Zipf traffic (s = 1.0)</text>\n"
		"<rect x=\"720\" y=\"412\" width=\"12\" height=\"12\" "
		"fill=\"#000\" fill-opacity=\"0.35\"/>\n"
		"<text x=\"738\" y=\"424\">one CPU</text>\n"
		"<rect x=\"810\" y=\"412\" width=\"12\" height=\"12\" "
		"fill=\"#000\"/>\n"
		"<text x=\"828\" y=\"424\">two CPUs at once (scaling above)"
		"</text>\n");
	y = 447;
	for (k = 0; k < N_PLOT; k++) {
		f = plot_fwd[k];
		if (!B.absent[f])
			continue;
		fprintf(o, "<text x=\"70\" y=\"%d\">%s: not measured, ", y,
			legend[f]);
		svg_text(o, B.why[f]);
		fprintf(o, "</text>\n");
		y += 18;
	}
	if (!B.absent[FWD_NFT])
		fprintf(o,
			"<text x=\"70\" y=\"%d\">kernel nft-dup: netdev "
			"ingress rule, dup to each interface; no TTL "
			"decrement, MAC rewrite, RPF check or (S,G) lookup "
			"(1 entry only)</text>\n",
			y);
	fprintf(o, "</svg>\n");
	if (fclose(o) || rename(tmp, path))
		die("%s: %s", path, strerror(errno));
}
