/*
 * The sweep chart: RAM the kernel can use (top, log-log) and lowmem left free
 * at boot (bottom) against installed RAM, one line per split and PAE choice,
 * labelled at its end, with the 4 GiB non-PAE cliff and the 8 GiB PAE advice
 * marked where they fall.
 */
#include "config.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "size.h"
#include "sweep.h"

#define W 1000.0
#define LEFT 90.0
#define RIGHT 200.0
#define TOP1 100.0
#define H1 300.0
#define GAP 90.0
#define TOP2 (TOP1 + H1 + GAP)
#define H2 260.0
#define HEIGHT (TOP2 + H2 + 70.0)
#define PLOT_W (W - LEFT - RIGHT)
#define LABEL_GAP 13.0

struct scale {
	double lo, hi;		/* data range (log2 for log scales) */
	bool log;
	double px0, px1;	/* pixel range */
};

static double map(const struct scale *s, double v)
{
	double x = s->log ? log2(v > 0 ? v : 1) : v;

	if (s->hi <= s->lo)
		return (s->px0 + s->px1) / 2;
	return s->px0 + (x - s->lo) / (s->hi - s->lo) * (s->px1 - s->px0);
}

static const char *colour(uint32_t page_offset)
{
	switch (page_offset) {
	case 0xC0000000: return "#1f5fa8";
	case 0xB0000000: return "#7b4fb0";
	case 0x80000000: return "#2a8a3a";
	case 0x78000000: return "#8a5a2a";
	default: return "#c0392b";
	}
}

static void escaped(FILE *fp, const char *s)
{
	for (; *s; s++) {
		if (*s == '<')
			fputs("&lt;", fp);
		else if (*s == '>')
			fputs("&gt;", fp);
		else if (*s == '&')
			fputs("&amp;", fp);
		else if (*s == '"')
			fputs("&quot;", fp);
		else if ((unsigned char)*s >= 0x20)
			fputc(*s, fp);
	}
}

/* A run of rows with the same split and PAE: one line. */
struct series {
	size_t first, n;
	double label_y[2];
};

static size_t find_series(const struct sweep_chart *c, struct series *out, size_t max)
{
	size_t i, n = 0;

	for (i = 0; i < c->nrows && n < max; i++) {
		if (n && c->rows[i].page_offset == c->rows[out[n - 1].first].page_offset &&
		    c->rows[i].pae == c->rows[out[n - 1].first].pae) {
			out[n - 1].n++;
			continue;
		}
		out[n].first = i;
		out[n++].n = 1;
	}
	return n;
}

static double usable(const struct sweep_row *r)
{
	return (double)(r->low_present + r->high_present);
}

static void axis_x(FILE *fp, const struct scale *x, const struct sweep_chart *c, double y)
{
	double last = -1e9, g;
	char buf[32];

	fprintf(fp, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#444\"/>\n",
		LEFT, y, LEFT + PLOT_W, y);
	for (g = floor(x->lo); g <= ceil(x->hi) + 1e-9; g += 1) {
		double v = pow(2, g), px = map(x, v);

		if (px < LEFT - 0.5 || px > LEFT + PLOT_W + 0.5 || px - last < 38)
			continue;
		last = px;
		fprintf(fp, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#444\"/>\n",
			px, y, px, y + 5);
		fprintf(fp, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\">%s</text>\n", px, y + 18,
			size_human(buf, sizeof(buf), (uint64_t)v));
	}
	(void)c;
}

static void grid_y(FILE *fp, const struct scale *y, double v, const char *label)
{
	double py = map(y, v);

	fprintf(fp, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#ddd\"/>\n",
		LEFT, py, LEFT + PLOT_W, py);
	fprintf(fp, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"end\">%s</text>\n", LEFT - 6, py + 4,
		label);
}

/* A dashed vertical marker with a note, if x falls inside the chart. */
static void marker(FILE *fp, const struct scale *x, double ram, const char *note, double dy)
{
	double px = map(x, ram);

	if (px < LEFT || px > LEFT + PLOT_W)
		return;
	fprintf(fp, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#888\" "
		"stroke-dasharray=\"3,3\"/>\n", px, TOP1, px, TOP2 + H2);
	/* the lower right of the top panel is empty: RAM above 4 GiB is plotted high */
	fprintf(fp, "<text x=\"%.1f\" y=\"%.1f\" fill=\"#555\">", px + 4, TOP1 + H1 - 30 + dy);
	escaped(fp, note);
	fputs("</text>\n", fp);
}

/* Move labels apart vertically, keeping their order, inside [lo, hi]. */
static void spread(double *y, size_t n, double lo, double hi)
{
	size_t i, j;

	for (i = 1; i < n; i++)	/* insertion sort of pointers would be nicer; n is small */
		for (j = i; j > 0 && y[j] < y[j - 1]; j--) {
			double t = y[j];

			y[j] = y[j - 1];
			y[j - 1] = t;
		}
	for (i = 1; i < n; i++)
		if (y[i] < y[i - 1] + LABEL_GAP)
			y[i] = y[i - 1] + LABEL_GAP;
	for (i = n; i-- > 0;) {
		double limit = i + 1 < n ? y[i + 1] - LABEL_GAP : hi;

		if (y[i] > limit)
			y[i] = limit;
	}
	if (n && y[0] < lo)
		for (i = 0; i < n; i++)
			y[i] += lo - y[0];
}

static void line(FILE *fp, const struct sweep_chart *c, const struct series *s,
		 const struct scale *x, const struct scale *y, bool top)
{
	const struct sweep_row *r0 = &c->rows[s->first];
	bool pen = false;
	size_t i;

	fprintf(fp, "<path fill=\"none\" stroke=\"%s\" stroke-width=\"2\"%s d=\"",
		colour(r0->page_offset), r0->pae ? "" : " stroke-dasharray=\"7,4\"");
	for (i = 0; i < s->n; i++) {
		const struct sweep_row *r = &c->rows[s->first + i];
		double v = top ? usable(r) : (double)r->free_low;

		if (!r->boots) {
			pen = false;
			continue;
		}
		fprintf(fp, "%c%.1f,%.1f ", pen ? 'L' : 'M', map(x, (double)r->ram), map(y, v));
		pen = true;
	}
	fputs("\"/>\n", fp);
	for (i = 0; i < s->n; i++) {
		const struct sweep_row *r = &c->rows[s->first + i];
		double v = top ? usable(r) : (double)r->free_low;

		if (r->boots)
			fprintf(fp, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"2.5\" fill=\"%s\"/>\n",
				map(x, (double)r->ram), map(y, v), colour(r->page_offset));
		else if (!top)
			fprintf(fp, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\" fill=\"%s\">"
				"&#x2715;</text>\n", map(x, (double)r->ram), y->px0 - 4, colour(r->page_offset));
	}
}

/* The y of a series' last booting point, for its label. */
static bool last_point(const struct sweep_chart *c, const struct series *s, const struct scale *x,
		       const struct scale *y, bool top, double *px, double *py)
{
	size_t i = s->n;

	while (i-- > 0) {
		const struct sweep_row *r = &c->rows[s->first + i];

		if (r->boots) {
			*px = map(x, (double)r->ram);
			*py = map(y, top ? usable(r) : (double)r->free_low);
			return true;
		}
	}
	return false;
}

static void labels(FILE *fp, const struct sweep_chart *c, const struct series *ss, size_t ns,
		   const struct scale *x, const struct scale *y, bool top)
{
	double ys[64], xs[64], order[64];
	size_t idx[64], n = 0, i, j;

	for (i = 0; i < ns && n < 64; i++)
		if (last_point(c, &ss[i], x, y, top, &xs[n], &ys[n]))
			idx[n++] = i;
	/* sort by y, spread, then draw with a leader line from the point */
	for (i = 0; i < n; i++)
		order[i] = ys[i];
	spread(order, n, y->px1, y->px0);
	for (i = 0; i < n; i++) {
		size_t rank = 0;

		for (j = 0; j < n; j++)
			if (ys[j] < ys[i] || (ys[j] == ys[i] && j < i))
				rank++;
		{
			const struct sweep_row *r0 = &c->rows[ss[idx[i]].first];
			double lx = LEFT + PLOT_W + 14;

			fprintf(fp, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"%s\" "
				"stroke-width=\"0.7\"/>\n", xs[i] + 3, ys[i], lx - 2, order[rank],
				colour(r0->page_offset));
			fprintf(fp, "<text x=\"%.1f\" y=\"%.1f\" fill=\"%s\">%s %s</text>\n", lx,
				order[rank] + 4, colour(r0->page_offset), sweep_split_name(r0->page_offset),
				r0->pae ? "PAE" : "no PAE");
		}
	}
}

void sweep_svg(FILE *fp, const struct sweep_chart *c)
{
	struct series ss[64];
	size_t ns = find_series(c, ss, 64), i;
	double ramlo = 1e30, ramhi = 0, ulo = 1e30, uhi = 0, fhi = 0, g, step;
	struct scale x, y1, y2;
	char buf[40];

	for (i = 0; i < c->nrows; i++) {
		const struct sweep_row *r = &c->rows[i];

		ramlo = fmin(ramlo, (double)r->ram);
		ramhi = fmax(ramhi, (double)r->ram);
		if (r->boots && usable(r) > 0) {
			ulo = fmin(ulo, usable(r));
			uhi = fmax(uhi, usable(r));
		}
		if (r->boots)
			fhi = fmax(fhi, (double)r->free_low);
	}
	if (uhi == 0)
		ulo = uhi = ramhi;
	x = (struct scale){ log2(ramlo), log2(ramhi), true, LEFT, LEFT + PLOT_W };
	if (x.hi - x.lo < 1) {
		x.lo -= 0.5;
		x.hi += 0.5;
	}
	y1 = (struct scale){ floor(log2(fmin(ulo, ramlo))), ceil(log2(fmax(uhi, ramhi))), true,
			     TOP1 + H1, TOP1 };
	if (y1.hi <= y1.lo)
		y1.hi = y1.lo + 1;
	step = fhi > 2048.0 * MiB ? 512.0 * MiB : fhi > 512.0 * MiB ? 128.0 * MiB : 32.0 * MiB;
	y2 = (struct scale){ 0, fmax(step, ceil(fhi / step) * step), false, TOP2 + H2, TOP2 };

	fprintf(fp, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
		"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%.0f\" height=\"%.0f\" "
		"viewBox=\"0 0 %.0f %.0f\" font-family=\"DejaVu Sans, Arial, sans-serif\" "
		"font-size=\"12\">\n<rect width=\"100%%\" height=\"100%%\" fill=\"white\"/>\n",
		W, HEIGHT, W, HEIGHT);
	fputs("<text x=\"90\" y=\"30\" font-size=\"17\" font-weight=\"bold\">What installed RAM "
	      "buys on 32-bit x86 Linux</text>\n<text x=\"90\" y=\"50\" fill=\"#555\">hmplan sweep: ", fp);
	escaped(fp, c->title);
	fputs(" (solid: PAE, dashed: no PAE; &#x2715;: does not boot)</text>\n", fp);

	/* top panel: usable RAM, log-log */
	fprintf(fp, "<text x=\"%.1f\" y=\"%.1f\" font-weight=\"bold\">RAM the kernel can use</text>\n",
		LEFT, TOP1 - 14);
	for (g = y1.lo; g <= y1.hi + 1e-9; g += 1)
		grid_y(fp, &y1, pow(2, g), size_human(buf, sizeof(buf), (uint64_t)pow(2, g)));
	axis_x(fp, &x, c, TOP1 + H1);
	/* bottom panel: free lowmem, linear */
	fprintf(fp, "<text x=\"%.1f\" y=\"%.1f\" font-weight=\"bold\">Lowmem left free at boot "
		"(estimate)</text>\n", LEFT, TOP2 - 12);
	for (g = 0; g <= y2.hi + 1; g += step)
		grid_y(fp, &y2, g, size_human(buf, sizeof(buf), (uint64_t)g));
	axis_x(fp, &x, c, TOP2 + H2);
	fprintf(fp, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\">installed RAM</text>\n",
		LEFT + PLOT_W / 2, TOP2 + H2 + 40);

	marker(fp, &x, 4.0 * GiB, "4 GiB: without PAE, RAM above is ignored", 0);
	marker(fp, &x, 8.0 * GiB, "8 GiB: the kernel docs' limit for PAE", 14);
	for (i = 0; i < ns; i++) {
		line(fp, c, &ss[i], &x, &y1, true);
		line(fp, c, &ss[i], &x, &y2, false);
	}
	labels(fp, c, ss, ns, &x, &y1, true);
	labels(fp, c, ss, ns, &x, &y2, false);
	fputs("</svg>\n", fp);
}
