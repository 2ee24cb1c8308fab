// SPDX-License-Identifier: GPL-2.0
/*
 * prom.c - the Prometheus text exposition format (0.0.4) and the one
 * HTTP request mgmd's metrics listener answers, as pure functions (no
 * daemon state), so that tests/unit/test_prom.c checks them without root.
 *
 * Format: "# HELP name text" (text escapes \ and newline), "# TYPE name
 * counter|gauge", then samples "name{label="value",...} number"; label
 * values escape \, " and newline.  metrics.c says what to write.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "mgmd.h"

static bool pb_reserve(struct pbuf *b, size_t more)
{
	size_t cap;
	char *p;

	if (b->oom)
		return false;
	if (b->len + more + 1 <= b->cap)
		return true;
	cap = b->cap ? b->cap : 4096;
	while (cap < b->len + more + 1)
		cap *= 2;
	if (b->max && cap > b->max)
		cap = b->max;
	if (b->len + more + 1 > cap) {
		b->oom = true; /* over the bound: the answer is refused */
		return false;
	}
	p = realloc(b->p, cap);
	if (!p) {
		b->oom = true;
		return false;
	}
	b->p = p;
	b->cap = cap;
	return true;
}

void pb_add(struct pbuf *b, const char *s, size_t n)
{
	if (!pb_reserve(b, n))
		return;
	memcpy(b->p + b->len, s, n);
	b->len += n;
	b->p[b->len] = '\0';
}

void pb_printf(struct pbuf *b, const char *fmt, ...)
{
	char small[256];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(small, sizeof(small), fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	if ((size_t)n < sizeof(small)) {
		pb_add(b, small, (size_t)n);
		return;
	}
	if (!pb_reserve(b, (size_t)n))
		return;
	va_start(ap, fmt);
	vsnprintf(b->p + b->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	b->len += (size_t)n;
}

void pb_free(struct pbuf *b)
{
	free(b->p);
	memset(b, 0, sizeof(*b));
}

/* s with \ and newline escaped, and " too in a label value. */
static void pb_escaped(struct pbuf *b, const char *s, bool quote)
{
	for (; *s; s++) {
		if (*s == '\\')
			pb_add(b, "\\\\", 2);
		else if (*s == '\n')
			pb_add(b, "\\n", 2);
		else if (*s == '"' && quote)
			pb_add(b, "\\\"", 2);
		else
			pb_add(b, s, 1);
	}
}

void prom_family(struct pbuf *b, const char *name, const char *type,
		 const char *help)
{
	pb_printf(b, "# HELP %s ", name);
	pb_escaped(b, help, false);
	pb_printf(b, "\n# TYPE %s %s\n", name, type);
}

void prom_sample(struct pbuf *b, const char *name, double value, ...)
{
	const char *k, *v;
	bool first = true;
	va_list ap;

	pb_add(b, name, strlen(name));
	va_start(ap, value);
	while ((k = va_arg(ap, const char *))) {
		v = va_arg(ap, const char *);
		pb_printf(b, "%s%s=\"", first ? "{" : ",", k);
		pb_escaped(b, v ? v : "", true);
		pb_add(b, "\"", 1);
		first = false;
	}
	va_end(ap);
	/* Integers as integers (counters are exact below 2^53). */
	if (value > -9e18 && value < 9e18 && value == (double)(long long)value)
		pb_printf(b, "%s %lld\n", first ? "" : "}", (long long)value);
	else
		pb_printf(b, "%s %.17g\n", first ? "" : "}", value);
}

/*
 * An HTTP/1.x request head (everything up to the empty line, or what came
 * so far): 0 while it is incomplete, else the status to answer: 200 for
 * GET /metrics (a query string is ignored), 404 another path, 405 another
 * method, 400 anything malformed (request line, version, header lines).
 */
int prom_http_status(const char *req, size_t len)
{
	const char *end = NULL, *p, *sp1, *sp2, *eol;
	size_t i, plen;

	for (i = 0; i + 1 < len; i++) {
		if (req[i] == '\n' && req[i + 1] == '\n') {
			end = req + i + 1;
			break;
		}
		if (i + 3 < len && !memcmp(req + i, "\r\n\r\n", 4)) {
			end = req + i + 2;
			break;
		}
	}
	for (i = 0; i < len; i++)
		if (!req[i] || (unsigned char)req[i] >= 0x80 ||
		    ((unsigned char)req[i] < 0x20 && req[i] != '\r' &&
		     req[i] != '\n' && req[i] != '\t'))
			return 400; /* binary: never an HTTP request */
	if (!end)
		return 0;
	eol = memchr(req, '\n', (size_t)(end - req));
	sp1 = memchr(req, ' ', (size_t)(eol - req));
	if (!sp1 || sp1 == req)
		return 400;
	sp2 = memchr(sp1 + 1, ' ', (size_t)(eol - sp1 - 1));
	if (!sp2 || sp2 == sp1 + 1)
		return 400;
	/* "HTTP/1.0" or "HTTP/1.1", then CRLF (or LF) */
	p = sp2 + 1;
	if ((size_t)(eol - p) < 8 || memcmp(p, "HTTP/1.", 7) ||
	    (p[7] != '0' && p[7] != '1') ||
	    !(p + 8 == eol || (p + 9 == eol && p[8] == '\r')))
		return 400;
	for (p = req; p < sp1; p++)
		if (*p < 'A' || *p > 'Z')
			return 400;
	/* Header lines: "Name: value" each. */
	for (p = eol + 1; p < end; p = eol + 1) {
		const char *colon;

		eol = memchr(p, '\n', (size_t)(end - p) + 1);
		if (!eol || eol == p || (eol == p + 1 && *p == '\r'))
			break;
		colon = memchr(p, ':', (size_t)(eol - p));
		if (!colon || colon == p)
			return 400;
	}
	if (sp1 - req != 3 || memcmp(req, "GET", 3))
		return 405;
	plen = (size_t)(sp2 - sp1 - 1);
	p = sp1 + 1;
	if (plen >= 8 && !memcmp(p, "/metrics", 8) &&
	    (plen == 8 || p[8] == '?'))
		return 200;
	return 404;
}
