// SPDX-License-Identifier: GPL-2.0
/*
 * util.c - helpers the benchmarks under tools/ share (tools/bench.h).
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../bench.h"

const char *bench_name = "bench";

void die(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "%s: ", bench_name);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(1);
}

double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/*
 * The few bits of arithmetic the report needs, here because the tools are
 * linked without libm.
 */
double dmin(double a, double b)
{
	return a < b ? a : b;
}

double dmax(double a, double b)
{
	return a > b ? a : b;
}

/* Natural logarithm: decades out, then 2 atanh((x - 1) / (x + 1)). */
double ln(double x)
{
	double r = 0, y, y2, t, s = 0;
	int i;

	if (x <= 0)
		return 0;
	while (x >= 10) {
		x /= 10;
		r += 2.302585092994046;
	}
	while (x < 1) {
		x *= 10;
		r -= 2.302585092994046;
	}
	y = (x - 1) / (x + 1);
	y2 = y * y;
	t = y;
	for (i = 1; i < 60; i += 2) {
		s += t / i;
		t *= y2;
	}
	return r + 2 * s;
}

double lg10(double x)
{
	return ln(x) / 2.302585092994046;
}

double lg2(double x)
{
	return ln(x) / 0.6931471805599453;
}

double ceil_d(double x)
{
	double i = (double)(long long)x;

	return i < x ? i + 1 : i;
}

void sleep_ms(unsigned int ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	nanosleep(&ts, NULL);
}

/* The command made from fmt: -1 if it fails, or with must, die(). */
static int vsh(int must, const char *fmt, va_list ap)
{
	char cmd[1024];

	vsnprintf(cmd, sizeof(cmd), fmt, ap);
	if (!system(cmd))
		return 0;
	if (must)
		die("setup failed: %s", cmd);
	return -1;
}

void sh(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsh(1, fmt, ap);
	va_end(ap);
}

int sh_try(const char *fmt, ...)
{
	va_list ap;
	int err;

	va_start(ap, fmt);
	err = vsh(0, fmt, ap);
	va_end(ap);
	return err;
}

int cmp_d(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

double median(const double *v, int n)
{
	double s[n > 0 ? n : 1];

	if (n <= 0)
		return 0;
	memcpy(s, v, n * sizeof(*v));
	qsort(s, n, sizeof(*s), cmp_d);
	return n % 2 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
}

/* A JSON string. */
void json_str(FILE *o, const char *v)
{
	fputc('"', o);
	for (; *v; v++) {
		if (*v == '"' || *v == '\\')
			fprintf(o, "\\%c", *v);
		else if ((unsigned char)*v < 0x20)
			fprintf(o, "\\u%04x", *v);
		else
			fputc(*v, o);
	}
	fputc('"', o);
}

/* Text for an SVG element. */
void svg_text(FILE *o, const char *v)
{
	for (; *v; v++) {
		if (*v == '&')
			fputs("&amp;", o);
		else if (*v == '<')
			fputs("&lt;", o);
		else if (*v == '>')
			fputs("&gt;", o);
		else
			fputc(*v, o);
	}
}
