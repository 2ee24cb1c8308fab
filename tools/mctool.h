/* SPDX-License-Identifier: GPL-2.0 */
/*
 * mctool.h - what mcsend and mcsink share: the payload they agree on, and
 * the strict argument parsing both use.  Each includes it after defining
 * `prog` (its name, for messages).
 */
#ifndef MGM_TOOLS_MCTOOL_H
#define MGM_TOOLS_MCTOOL_H

#include <arpa/inet.h>
#include <errno.h>
#include <math.h>
#include <netinet/in.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

/*
 * The payload: magic, stream id, sequence number, send time, all in
 * network byte order; send_ns is CLOCK_MONOTONIC, so latency can be
 * computed when sender and receiver share a kernel (network namespaces).
 * Padding bytes follow up to the requested payload length.
 */
#define MC_MAGIC 0x4d474d54u /* 'MGMT' */

struct mc_payload {
	uint32_t magic;
	uint32_t stream_id;
	uint64_t seq;
	uint64_t send_ns;
} __attribute__((packed));

_Static_assert(sizeof(struct mc_payload) == 24, "mc_payload must be 24 bytes");

#define NSEC_PER_SEC 1000000000ull
#define MAX_SECONDS 1e7

static void __attribute__((noreturn, format(printf, 1, 2)))
bad_arg(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "%s: ", prog);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\nTry '%s --help' for more information.\n", prog);
	exit(2);
}

/* Strict unsigned parse: no sign, no trailing junk, no silent wrap. */
static bool parse_u64(const char *s, int base, uint64_t max, uint64_t *out)
{
	unsigned long long v;
	char *end;

	if (*s < '0' || *s > '9')
		return false;
	errno = 0;
	v = strtoull(s, &end, base);
	if (errno || *end || v > max)
		return false;
	*out = v;
	return true;
}

static bool parse_seconds(const char *s, double *out)
{
	char *end;
	double v;

	errno = 0;
	v = strtod(s, &end);
	if (errno || end == s || *end || !isfinite(v) || v <= 0 ||
	    v > MAX_SECONDS)
		return false;
	*out = v;
	return true;
}

/* An address of either family, as -g and -s take it. */
struct mc_addr {
	int family; /* AF_INET or AF_INET6 */
	union {
		struct in_addr v4;
		struct in6_addr v6;
	};
};

/* IPv4 dotted quad or IPv6 text; false if neither. */
static inline bool parse_addr(const char *s, struct mc_addr *a)
{
	if (inet_pton(AF_INET, s, &a->v4) == 1) {
		a->family = AF_INET;
		return true;
	}
	if (inet_pton(AF_INET6, s, &a->v6) == 1) {
		a->family = AF_INET6;
		return true;
	}
	return false;
}

/* 224.0.0.0/4 or ff00::/8 */
static inline bool mc_addr_multicast(const struct mc_addr *a)
{
	return a->family == AF_INET ? IN_MULTICAST(ntohl(a->v4.s_addr)) :
				      IN6_IS_ADDR_MULTICAST(&a->v6);
}

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * NSEC_PER_SEC + ts.tv_nsec;
}

#endif
