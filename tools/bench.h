// SPDX-License-Identifier: GPL-2.0
/*
 * bench.h - what the benchmarks under tools/ share (tools/bench/):
 * messages and dying, the clock, running a setup command, the arithmetic
 * of the reports (the tools are linked without libm), JSON and SVG text,
 * and the axes of an SVG plot.
 */
#ifndef MGM_TOOLS_BENCH_H
#define MGM_TOOLS_BENCH_H

#include <stdint.h>
#include <stdio.h>

/* tools/bench/util.c */

/* The program's name in messages ("mcbench: ..."); set it in main(). */
extern const char *bench_name;
/* "name: message" on stderr, then exit(1) (atexit() handlers run). */
void die(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));

/* CLOCK_MONOTONIC, seconds. */
double now_s(void);
void sleep_ms(unsigned int ms);
/* Run a shell command made from fmt; die() if it fails. */
void sh(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* The same, but -1 if it fails, 0 if it worked. */
int sh_try(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

double dmin(double a, double b);
double dmax(double a, double b);
double ln(double x);
double lg10(double x);
double lg2(double x);
double ceil_d(double x);
/* qsort() order of doubles, and the median of n of them. */
int cmp_d(const void *a, const void *b);
double median(const double *v, int n);

/* v as a JSON string, quotes included; v as SVG element text. */
void json_str(FILE *o, const char *v);
void svg_text(FILE *o, const char *v);

/* tools/bench/svg.c */

/*
 * A panel of an SVG plot: its area, the y axis (linear from 0 with ticks
 * every ystep, or, with ymin > 0, logarithmic from ymin with 1-2-5 ticks)
 * and where a value of the x variable goes.
 */
struct panel {
	double x, y, w, h; /* plot area */
	double ymin, ymax, ystep; /* ymin > 0: logarithmic, 1-2-5 ticks */
	double (*xpos)(const struct panel *, uint32_t);
};

/* A round axis maximum: 1, 2, 2.5 or 5 times a power of ten. */
double nice_max(double v, double *step);
/* Whole decades around [lo, hi], for a logarithmic axis. */
void decades(double lo, double hi, double *min, double *max);
double y_of(const struct panel *p, double v);
/* The next tick: 0, step, 2 step ... or 1, 2, 5, 10, 20 ... */
double next_tick(const struct panel *p, double v);
/* Title, grid, ticks and labels of a panel ("Mpps in" on the y axis). */
void svg_axes(FILE *o, const struct panel *p, const char *title,
	      const char *xlabel, const uint32_t *ticks, int n_ticks,
	      const char *const *tick_names);

#endif
