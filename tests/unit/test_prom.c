// SPDX-License-Identifier: GPL-2.0
/*
 * test_prom.c - the Prometheus text format and the HTTP request check of
 * mgmd's metrics (user/mgmd/prom.c, compiled in), without root: label
 * values and HELP text escaped as the 0.0.4 format says, numbers exact,
 * the growing buffer's bound, and what each request head is answered.
 */
#include <stdio.h>
#include <string.h>

#include "check.h"
#include "mgmd/prom.c"

static void test_escape(void)
{
	struct pbuf b = { 0 };

	check_begin("escape");
	prom_family(&b, "mgm_x_total", "counter", "a \\ b\nc \"q\"");
	CHECK(!strcmp(b.p, "# HELP mgm_x_total a \\\\ b\\nc \"q\"\n"
			   "# TYPE mgm_x_total counter\n"),
	      "HELP escapes \\ and newline, not \": %s", b.p);
	pb_free(&b);

	prom_sample(&b, "mgm_y", 7, "interface", "e\"v\\i\nl", NULL);
	CHECK(!strcmp(b.p, "mgm_y{interface=\"e\\\"v\\\\i\\nl\"} 7\n"),
	      "label value escapes \", \\ and newline: %s", b.p);
	pb_free(&b);

	prom_sample(&b, "mgm_z", 1, "source", "192.0.2.1", "group", "239.1.1.1",
		    NULL);
	CHECK(!strcmp(b.p,
		      "mgm_z{source=\"192.0.2.1\",group=\"239.1.1.1\"} 1\n"),
	      "two labels: %s", b.p);
	pb_free(&b);

	prom_sample(&b, "mgm_e", 0, "interface", "", NULL);
	CHECK(!strcmp(b.p, "mgm_e{interface=\"\"} 0\n"), "empty value: %s",
	      b.p);
	pb_free(&b);

	prom_sample(&b, "mgm_n", 0, NULL);
	CHECK(!strcmp(b.p, "mgm_n 0\n"), "no labels: %s", b.p);
	pb_free(&b);
}

static void test_numbers(void)
{
	struct pbuf b = { 0 };

	check_begin("numbers");
	prom_sample(&b, "a", 9007199254740992.0, NULL); /* 2^53 */
	CHECK(!strcmp(b.p, "a 9007199254740992\n"), "2^53 exact: %s", b.p);
	pb_free(&b);
	prom_sample(&b, "a", 0.5, NULL);
	CHECK(!strcmp(b.p, "a 0.5\n"), "a fraction: %s", b.p);
	pb_free(&b);
	prom_sample(&b, "a", 18446744073709551615.0, NULL);
	CHECK(b.p && strchr(b.p, 'e'), "beyond long long: a float: %s", b.p);
	pb_free(&b);
}

static void test_bound(void)
{
	struct pbuf b = { .max = 100 };
	char big[300];
	int i;

	check_begin("bound");
	for (i = 0; i < 9; i++)
		pb_printf(&b, "%s", "0123456789");
	CHECK(!b.oom && b.len == 90, "under the bound: %zu", b.len);
	pb_printf(&b, "%s", "0123456789");
	CHECK(b.oom, "over the bound: oom set");
	CHECK(b.len == 90, "nothing partial added: %zu", b.len);
	pb_free(&b);

	memset(big, 'x', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	pb_printf(&b, "%s%s", big, "!"); /* longer than the stack buffer */
	CHECK(!b.oom && b.len == 300 && b.p[299] == '!', "a long printf: %zu",
	      b.len);
	pb_free(&b);
}

static int st(const char *req)
{
	return prom_http_status(req, strlen(req));
}

static void test_http(void)
{
	check_begin("http");
	CHECK_EQ(st("GET /metrics HTTP/1.1\r\nHost: x\r\n\r\n"), 200,
		 "1.1 GET");
	CHECK_EQ(st("GET /metrics HTTP/1.0\r\n\r\n"), 200, "1.0 GET");
	CHECK_EQ(st("GET /metrics HTTP/1.0\n\n"), 200, "bare LF");
	CHECK_EQ(st("GET /metrics?name[]=x HTTP/1.1\r\n\r\n"), 200,
		 "a query string");
	CHECK_EQ(st("GET /metrics HTTP/1.1\r\nHost: x\r\n"), 0,
		 "incomplete: wait");
	CHECK_EQ(st("GET /met"), 0, "a request line in pieces: wait");
	CHECK_EQ(st("GET / HTTP/1.1\r\n\r\n"), 404, "/");
	CHECK_EQ(st("GET /metrics/ HTTP/1.1\r\n\r\n"), 404, "/metrics/");
	CHECK_EQ(st("GET /metricsx HTTP/1.1\r\n\r\n"), 404, "/metricsx");
	CHECK_EQ(st("POST /metrics HTTP/1.1\r\n\r\n"), 405, "POST");
	CHECK_EQ(st("HEAD /metrics HTTP/1.1\r\n\r\n"), 405, "HEAD");
	CHECK_EQ(st("get /metrics HTTP/1.1\r\n\r\n"), 400, "lower case");
	CHECK_EQ(st("GET /metrics HTTP/2.0\r\n\r\n"), 400, "HTTP/2.0");
	CHECK_EQ(st("GET /metrics HTTP/1.10\r\n\r\n"), 400, "HTTP/1.10");
	CHECK_EQ(st("GET /metrics\r\n\r\n"), 400, "no version");
	CHECK_EQ(st("GET  /metrics HTTP/1.1\r\n\r\n"), 400, "two spaces");
	CHECK_EQ(st(" GET /metrics HTTP/1.1\r\n\r\n"), 400, "leading space");
	CHECK_EQ(st("GET /metrics HTTP/1.1\r\nbad\r\n\r\n"), 400,
		 "a header without ':'");
	CHECK_EQ(st("GET /metrics HTTP/1.1\r\n: v\r\n\r\n"), 400,
		 "a header without a name");
	CHECK_EQ(prom_http_status("GET /\0metrics HTTP/1.1\r\n\r\n", 26), 400,
		 "a NUL");
	CHECK_EQ(st("\x16\x03\x01\x02"), 400, "binary: at once");
	CHECK_EQ(st("\r\n\r\n"), 400, "empty");
}

int main(void)
{
	test_escape();
	test_numbers();
	test_bound();
	test_http();
	return check_summary();
}
