// SPDX-License-Identifier: GPL-2.0
/*
 * test_mld_pkt.c - the MLD codec (user/proto/mld_pkt.c): Maximum Response
 * Code and QQIC round trips, two messages checked byte for byte against
 * bytes computed independently (python3, below), a table of crafted
 * packets each accepted or rejected for its own reason, every truncation
 * of a v2 report rejected (cut frames, and cut messages with a consistent
 * length and checksum), unknown record types skipped, build -> parse round
 * trips, and a fuzz loop over mutated packets -- never a read outside the
 * buffer (exact-size heap copies under ASan/UBSan).
 */
#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "proto/mld_pkt.h"

static struct in6_addr in6(const char *s)
{
	struct in6_addr a;

	if (inet_pton(AF_INET6, s, &a) != 1)
		abort();
	return a;
}

static bool same(const struct in6_addr *a, const char *s)
{
	struct in6_addr b = in6(s);

	return !memcmp(a, &b, 16);
}

/* Parse an exact-size heap copy: ASan sees any read past len. */
static enum mld_rx parse(const uint8_t *pkt, size_t len, struct mld_msg *m)
{
	uint8_t *copy = malloc(len ? len : 1);
	enum mld_rx r;

	memcpy(copy, pkt, len);
	r = mld_pkt_parse(copy, len, m);
	/* Pointers into the copy are rebased onto pkt for the caller. */
	if (m->icmp)
		m->icmp = pkt + (m->icmp - copy);
	if (m->srcs)
		m->srcs = pkt + (m->srcs - copy);
	if (m->recs)
		m->recs = pkt + (m->recs - copy);
	free(copy);
	return r;
}

/*
 * An MLDv2 report from fe80::1 with two records: CHANGE_TO_EXCLUDE
 * ff0e::db8:1 (no sources) and ALLOW ff3e::db8:2 from 2001:db8::1.
 * Computed without the codec:
 *
 *   import socket, struct
 *   a = lambda s: socket.inet_pton(socket.AF_INET6, s)
 *   def csum(b):
 *       s = sum(struct.unpack('!%dH' % (len(b) // 2), b))
 *       while s >> 16: s = (s & 0xffff) + (s >> 16)
 *       return ~s & 0xffff
 *   def pkt(src, dst, icmp):
 *       c = csum(a(src) + a(dst) + struct.pack('!I3xB', len(icmp), 58)
 *                + icmp)
 *       icmp = icmp[:2] + struct.pack('!H', c) + icmp[4:]
 *       hbh = bytes([58, 0, 5, 2, 0, 0, 1, 0])    # RA 0, PadN
 *       return (struct.pack('!IHBB', 6 << 28, 8 + len(icmp), 0, 1)
 *               + a(src) + a(dst) + hbh + icmp)
 *   recs = (struct.pack('!BBH', 4, 0, 0) + a('ff0e::db8:1')
 *           + struct.pack('!BBH', 5, 0, 1) + a('ff3e::db8:2')
 *           + a('2001:db8::1'))
 *   pkt('fe80::1', 'ff02::16',
 *       struct.pack('!BBHHH', 143, 0, 0, 0, 2) + recs)
 */
/* clang-format off */
static const uint8_t known_report[112] = {
	0x60, 0x00, 0x00, 0x00, 0x00, 0x48, 0x00, 0x01, /* IPv6, HbH, hl 1 */
	0xfe, 0x80, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, /* fe80::1 */
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01,
	0xff, 0x02, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, /* ff02::16 */
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x16,
	0x3a, 0x00, 0x05, 0x02, 0x00, 0x00, 0x01, 0x00, /* HbH: RA, PadN */
	0x8f, 0x00, 0x22, 0x6c, 0x00, 0x00, 0x00, 0x02, /* 143, 2 records */
	0x04, 0x00, 0x00, 0x00, 0xff, 0x0e, 0x00, 0x00, /* TO_EX */
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x0d, 0xb8, 0x00, 0x01, 0x05, 0x00, 0x00, 0x01, /* ALLOW, 1 src */
	0xff, 0x3e, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x0d, 0xb8, 0x00, 0x02,
	0x20, 0x01, 0x0d, 0xb8, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01,
};
/* clang-format on */

/*
 * An MLDv2 general query from fe80::1: Maximum Response Code 10000 ms,
 * QRV 2, QQIC 125, no sources; the same pkt() with
 *   pkt('fe80::1', 'ff02::1', struct.pack('!BBHHH', 130, 0, 0, 10000, 0)
 *       + a('::') + struct.pack('!BBH', 2, 125, 0))
 */
/* clang-format off */
static const uint8_t known_query[76] = {
	0x60, 0x00, 0x00, 0x00, 0x00, 0x24, 0x00, 0x01, 0xfe, 0x80,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x01, 0xff, 0x02, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01,
	0x3a, 0x00, 0x05, 0x02, 0x00, 0x00, 0x01, 0x00, 0x82, 0x00,
	0x56, 0x96, 0x27, 0x10, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x02, 0x7d, 0x00, 0x00,
};
/* clang-format on */

/*
 * What Linux 6.18 sent when mcsink (tests/integration/test_tools6.sh) left
 * ff0e::db8:1 and joined ff3e::db8:1 for 2001:db8::1 in the same report
 * interval (captured with tcpdump, the Ethernet header taken off): TO_IN {}
 * ff0e::db8:1, ALLOW {2001:db8::1} ff3e::db8:1, from fe80::203b:4ff:fe73:a26a.
 */
/* clang-format off */
static const uint8_t kernel_report[112] = {
	0x60, 0x00, 0x00, 0x00, 0x00, 0x48, 0x00, 0x01, 0xfe, 0x80,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x20, 0x3b, 0x04, 0xff,
	0xfe, 0x73, 0xa2, 0x6a, 0xff, 0x02, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x16,
	0x3a, 0x00, 0x05, 0x02, 0x00, 0x00, 0x01, 0x00, 0x8f, 0x00,
	0x5d, 0x55, 0x00, 0x00, 0x00, 0x02, 0x03, 0x00, 0x00, 0x00,
	0xff, 0x0e, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x0d, 0xb8, 0x00, 0x01, 0x05, 0x00, 0x00, 0x01,
	0xff, 0x3e, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x0d, 0xb8, 0x00, 0x01, 0x20, 0x01, 0x0d, 0xb8,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x01,
};
/* clang-format on */

static void test_kernel_report(void)
{
	struct in6_addr src = in6("fe80::203b:4ff:fe73:a26a"),
			s1 = in6("2001:db8::1");
	struct mld_rec_fields rf[2] = {
		{ MLD_TO_IN, in6("ff0e::db8:1"), NULL, 0 },
		{ MLD_ALLOW, in6("ff3e::db8:1"), &s1, 1 },
	};
	uint8_t buf[200];
	struct mld_msg m;
	struct mld_rec r;
	size_t n, off = 0;

	check_begin("a report Linux sent");
	CHECK_EQ(parse(kernel_report, sizeof(kernel_report), &m), MLD_RX_OK,
		 "parses");
	CHECK_EQ(m.nrec, 2, "two records");
	CHECK(mld_rec_next(&m, &off, &r) && r.type == MLD_TO_IN &&
		      same(&r.group, "ff0e::db8:1") && r.nsrc == 0,
	      "TO_IN {} ff0e::db8:1");
	CHECK(mld_rec_next(&m, &off, &r) && r.type == MLD_ALLOW &&
		      same(&r.group, "ff3e::db8:1") && r.nsrc == 1,
	      "ALLOW ff3e::db8:1");
	n = mld_build_v2_report(buf, sizeof(buf), &src, rf, 2);
	CHECK(n == sizeof(kernel_report) && !memcmp(buf, kernel_report, n),
	      "our builder makes the same bytes");
}

static void test_codes(void)
{
	uint32_t v;
	int c, bad = 0;

	check_begin("max response code / QQIC");
	for (v = 0; v < 32768; v++)
		bad += mld_mrc_decode(mld_mrc_encode(v)) != v;
	CHECK_EQ(bad, 0, "MRC 0..32767 are exact");
	for (c = 0x8000; c <= 0xffff; c++)
		bad += mld_mrc_encode(mld_mrc_decode((uint16_t)c)) != c;
	CHECK_EQ(bad, 0, "every MRC 0x8000..0xffff round-trips");
	/* RFC 3810 5.1.3: (mant | 0x1000) << (exp + 3) */
	CHECK_EQ(mld_mrc_decode(0x8000), 0x1000 << 3, "0x8000: 32768 ms");
	CHECK_EQ(mld_mrc_decode(0x8001), 0x1001 << 3, "0x8001");
	CHECK_EQ(mld_mrc_decode(0xa123), 0x1123 << 5, "exp 2, mant 0x123");
	CHECK_EQ(mld_mrc_decode(0xffff), 8387584, "largest: 0x1fff << 10");
	for (v = 32768; v <= 9000000; v += 7) {
		uint32_t d = mld_mrc_decode(mld_mrc_encode(v));

		if (v <= 8387584)
			bad += d > v || d < v - v / 4096;
		else
			bad += d != 8387584;
	}
	CHECK_EQ(bad, 0, "MRC encode truncates within 1/4096, saturates");

	for (v = 0; v < 128; v++)
		bad += mld_qqic_decode(mld_qqic_encode(v)) != v;
	CHECK_EQ(bad, 0, "QQIC 0..127 are exact");
	for (c = 128; c < 256; c++)
		bad += mld_qqic_encode(mld_qqic_decode((uint8_t)c)) != c;
	CHECK_EQ(bad, 0, "every QQIC 128..255 round-trips");
	/* RFC 3810 5.1.9: (mant | 0x10) << (exp + 3) */
	CHECK_EQ(mld_qqic_decode(0x80), 128, "QQIC 0x80");
	CHECK_EQ(mld_qqic_decode(0x9a), 0x1a << 4, "QQIC exp 1 mant 10");
	CHECK_EQ(mld_qqic_decode(0xff), 31744, "largest QQIC");
	CHECK_EQ(mld_qqic_encode(40000), 0xff, "QQI saturates");
}

static void test_known_bytes(void)
{
	struct in6_addr src = in6("fe80::1"), s1 = in6("2001:db8::1");
	struct mld_rec_fields rf[2] = {
		{ MLD_TO_EX, in6("ff0e::db8:1"), NULL, 0 },
		{ MLD_ALLOW, in6("ff3e::db8:2"), &s1, 1 },
	};
	struct mld_query_fields q = {
		.version = 2,
		.src = src,
		.max_resp_ms = 10000,
		.qrv = 2,
		.qqi_s = 125,
	};
	uint8_t buf[256];
	struct mld_msg m;
	struct mld_rec r;
	size_t n, off = 0;

	check_begin("known bytes");
	n = mld_build_v2_report(buf, sizeof(buf), &src, rf, 2);
	CHECK_EQ(n, sizeof(known_report), "report length");
	CHECK(n == sizeof(known_report) && !memcmp(buf, known_report, n),
	      "built report == python3 bytes");
	CHECK_EQ(parse(known_report, sizeof(known_report), &m), MLD_RX_OK,
		 "python3 report parses");
	CHECK_EQ(m.type, MLD_V2_REPORT, "type 143");
	CHECK_EQ(m.version, 2, "v2");
	CHECK_EQ(m.nrec, 2, "two records");
	CHECK(m.ra, "router alert");
	CHECK(same(&m.src, "fe80::1") && same(&m.dst, "ff02::16"), "addresses");
	CHECK(mld_rec_next(&m, &off, &r), "record 1");
	CHECK_EQ(r.type, MLD_TO_EX, "record 1 type");
	CHECK(same(&r.group, "ff0e::db8:1"), "record 1 group");
	CHECK_EQ(r.nsrc, 0, "record 1 sources");
	CHECK(mld_rec_next(&m, &off, &r), "record 2");
	CHECK_EQ(r.type, MLD_ALLOW, "record 2 type");
	CHECK(same(&r.group, "ff3e::db8:2"), "record 2 group");
	CHECK_EQ(r.nsrc, 1, "record 2 sources");
	s1 = r.nsrc == 1 ? mld_src(r.srcs, 0) : src;
	CHECK(same(&s1, "2001:db8::1"), "record 2 source");
	CHECK(!mld_rec_next(&m, &off, &r), "no record 3");
	CHECK_EQ(off, m.recs_len, "walked to the end");

	n = mld_build_query(buf, sizeof(buf), &q);
	CHECK_EQ(n, sizeof(known_query), "query length");
	CHECK(n == sizeof(known_query) && !memcmp(buf, known_query, n),
	      "built general query == python3 bytes");
	CHECK_EQ(parse(known_query, sizeof(known_query), &m), MLD_RX_OK,
		 "python3 query parses");
	CHECK_EQ(m.version, 2, "v2 query (28 bytes)");
	CHECK_EQ(m.max_resp_ms, 10000, "max resp");
	CHECK_EQ(m.qrv, 2, "QRV");
	CHECK_EQ(m.qqi_s, 125, "QQI");
	CHECK(!m.s_flag, "no S flag");
	CHECK(same(&m.group, "::"), "general");

	CHECK_EQ(mld_csum(&m.src, &m.dst, m.icmp, m.icmp_len), 0,
		 "a right sum checks to 0");
}

/* ------------------------------------------------------------------ */
/* The table of crafted packets                                        */

enum base {
	B_V2_REPORT, /* known_report: TO_EX ff0e::db8:1, ALLOW ff3e::db8:2 */
	B_V2_GSQ, /* v2 query ff3e::db8:2 sources 2001:db8::1, ::2; S, QRV 3 */
	B_V2_GQ, /* v2 general query */
	B_V1_GQ, /* v1 general query */
	B_V1_SQ, /* v1 query for ff0e::db8:1 */
	B_V1_REPORT, /* v1 report ff0e::db8:1 */
	B_V1_DONE, /* v1 done ff0e::db8:1 */
	B_V2_UNKNOWN, /* v2 report: type 9 record with aux data, then ALLOW */
};

static size_t make(enum base b, uint8_t *buf, size_t cap)
{
	static const struct in6_addr srcs[2] = {
		{ { { 0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
		      1 } } },
		{ { { 0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
		      2 } } },
	};
	struct in6_addr ll = in6("fe80::2"), g = in6("ff0e::db8:1");
	struct mld_query_fields q = { .src = in6("fe80::9"), .qqi_s = 125 };
	struct mld_rec_fields rf[2] = {
		{ 9, in6("ff0e::db8:7"), srcs, 2 },
		{ MLD_ALLOW, in6("ff3e::db8:2"), srcs, 1 },
	};
	size_t n;

	switch (b) {
	case B_V2_REPORT:
		memcpy(buf, known_report, sizeof(known_report));
		return sizeof(known_report);
	case B_V2_GSQ:
		q.version = 2;
		q.group = in6("ff3e::db8:2");
		q.srcs = srcs;
		q.nsrc = 2;
		q.s_flag = true;
		q.qrv = 3;
		q.max_resp_ms = 1000;
		return mld_build_query(buf, cap, &q);
	case B_V2_GQ:
		q.version = 2;
		q.max_resp_ms = 10000;
		return mld_build_query(buf, cap, &q);
	case B_V1_GQ:
		q.version = 1;
		q.max_resp_ms = 10000;
		return mld_build_query(buf, cap, &q);
	case B_V1_SQ:
		q.version = 1;
		q.group = g;
		q.max_resp_ms = 1000;
		return mld_build_query(buf, cap, &q);
	case B_V1_REPORT:
		return mld_build_v1(buf, cap, MLD_V1_REPORT, &ll, &g);
	case B_V1_DONE:
		return mld_build_v1(buf, cap, MLD_V1_DONE, &ll, &g);
	case B_V2_UNKNOWN:
		n = mld_build_v2_report(buf, cap, &ll, rf, 2);
		return n;
	}
	return 0;
}

/* Recompute the ICMPv6 sum of a packet whose message starts at 48. */
static void fix_csum(uint8_t *pkt, size_t len)
{
	size_t end = 40 + ((size_t)pkt[4] << 8 | pkt[5]);
	struct in6_addr s, d;
	uint16_t c;

	if (end > len || end < MLD_HDRS_LEN + 4)
		return;
	memcpy(&s, pkt + 8, 16);
	memcpy(&d, pkt + 24, 16);
	pkt[MLD_HDRS_LEN + 2] = pkt[MLD_HDRS_LEN + 3] = 0;
	c = mld_csum(&s, &d, pkt + MLD_HDRS_LEN, end - MLD_HDRS_LEN);
	pkt[MLD_HDRS_LEN + 2] = (uint8_t)(c >> 8);
	pkt[MLD_HDRS_LEN + 3] = (uint8_t)c;
}

static size_t unhex(const char *h, uint8_t *out)
{
	size_t n = 0;

	while (h[0] && h[1]) {
		char b[3] = { h[0], h[1], 0 };

		out[n++] = (uint8_t)strtoul(b, NULL, 16);
		h += 2;
	}
	return n;
}

#define I(x) (MLD_HDRS_LEN + (x)) /* offset inside the ICMPv6 message */
#define NOFIX 0
#define ZERO16 "00000000000000000000000000000000" /* :: */
#define FIX 1

struct mut_case {
	const char *name;
	enum base base;
	size_t at; /* where the patch goes */
	const char *hex; /* the bytes written there ("" none) */
	int fix; /* recompute the ICMPv6 sum afterwards */
	int grow; /* bytes appended (Ethernet padding: > 0) or cut (< 0) */
	enum mld_rx want;
};

static const struct mut_case cases[] = {
	/* Valid messages. */
	{ "v2 report", B_V2_REPORT, 0, "", NOFIX, 0, MLD_RX_OK },
	{ "v2 group-and-source query", B_V2_GSQ, 0, "", NOFIX, 0, MLD_RX_OK },
	{ "v2 general query", B_V2_GQ, 0, "", NOFIX, 0, MLD_RX_OK },
	{ "v1 general query", B_V1_GQ, 0, "", NOFIX, 0, MLD_RX_OK },
	{ "v1 specific query", B_V1_SQ, 0, "", NOFIX, 0, MLD_RX_OK },
	{ "v1 report", B_V1_REPORT, 0, "", NOFIX, 0, MLD_RX_OK },
	{ "v1 done", B_V1_DONE, 0, "", NOFIX, 0, MLD_RX_OK },
	{ "v2 report with an unknown record", B_V2_UNKNOWN, 0, "", NOFIX, 0,
	  MLD_RX_OK },
	{ "Ethernet padding after the packet", B_V1_REPORT, 0, "", NOFIX, 6,
	  MLD_RX_OK },
	{ "v2 report from ::", B_V2_REPORT, 8, ZERO16, FIX, 0, MLD_RX_OK },
	{ "v1 report from ::", B_V1_REPORT, 8, ZERO16, FIX, 0, MLD_RX_OK },
	{ "specific query to ff02::1", B_V1_SQ, 24,
	  "ff020000000000000000000000000001", FIX, 0, MLD_RX_OK },
	{ "done to the group", B_V1_DONE, 24,
	  "ff0e000000000000000000000db80001", FIX, 0, MLD_RX_OK },
	{ "unknown HbH option, action skip", B_V2_REPORT, 46, "1e", NOFIX, 0,
	  MLD_RX_OK },
	{ "traffic class and flow label ignored", B_V2_REPORT, 0, "6abcdef0",
	  NOFIX, 0, MLD_RX_OK },
	/* The IPv6 header and extension headers. */
	{ "IP version 4", B_V2_REPORT, 0, "45", NOFIX, 0, MLD_RX_BAD_IP },
	{ "payload length 0 (jumbogram)", B_V2_REPORT, 4, "0000", NOFIX, 0,
	  MLD_RX_BAD_IP },
	{ "payload length beyond the frame", B_V2_REPORT, 4, "0049", NOFIX, 0,
	  MLD_RX_TRUNCATED },
	{ "multicast source", B_V2_REPORT, 8, "ff02", FIX, 0, MLD_RX_BAD_IP },
	{ "fragment header", B_V2_REPORT, 6, "2c", NOFIX, 0, MLD_RX_BAD_IP },
	{ "UDP, not ICMPv6", B_V2_REPORT, 40, "11", NOFIX, 0,
	  MLD_RX_NOT_ICMP6 },
	{ "no next header", B_V2_REPORT, 40, "3b", NOFIX, 0, MLD_RX_NOT_ICMP6 },
	{ "a second Hop-by-Hop header", B_V2_REPORT, 40, "00", NOFIX, 0,
	  MLD_RX_BAD_IP },
	{ "HbH length beyond the packet", B_V2_REPORT, 41, "09", NOFIX, 0,
	  MLD_RX_TRUNCATED },
	{ "HbH option beyond its header", B_V2_REPORT, 47, "05", NOFIX, 0,
	  MLD_RX_BAD_IP },
	{ "unknown HbH option, action discard", B_V2_REPORT, 46, "c2", NOFIX, 0,
	  MLD_RX_BAD_IP },
	{ "Router Alert of length 3", B_V2_REPORT, 43, "03", NOFIX, 0,
	  MLD_RX_BAD_IP },
	/* ICMPv6. */
	{ "ICMPv6 echo request", B_V2_REPORT, I(0), "80", FIX, 0,
	  MLD_RX_UNKNOWN_TYPE },
	{ "neighbour solicitation", B_V1_REPORT, I(0), "87", FIX, 0,
	  MLD_RX_UNKNOWN_TYPE },
	{ "bad checksum", B_V2_REPORT, I(3), "6d", NOFIX, 0,
	  MLD_RX_BAD_CHECKSUM },
	{ "checksum without the pseudo-header", B_V2_REPORT, I(2), "2081",
	  NOFIX, 0, MLD_RX_BAD_CHECKSUM },
	{ "a changed byte", B_V2_GSQ, I(30), "77", NOFIX, 0,
	  MLD_RX_BAD_CHECKSUM },
	/* Lengths. */
	{ "3-byte ICMPv6 message", B_V1_REPORT, 4, "000b", FIX, 0,
	  MLD_RX_TOO_SHORT },
	{ "23-byte v1 report", B_V1_REPORT, 4, "001f", FIX, 0,
	  MLD_RX_TOO_SHORT },
	{ "23-byte query", B_V1_GQ, 4, "001f", FIX, 0, MLD_RX_TOO_SHORT },
	{ "26-byte query (neither v1 nor v2)", B_V2_GQ, 4, "0022", FIX, 0,
	  MLD_RX_TOO_SHORT },
	{ "7-byte v2 report", B_V2_REPORT, 4, "000f", FIX, 0,
	  MLD_RX_TOO_SHORT },
	{ "v2 query with bytes after its sources", B_V2_GSQ, 4, "0048", FIX, 4,
	  MLD_RX_OK },
	{ "v1 report with bytes after it", B_V1_REPORT, 4, "0024", FIX, 4,
	  MLD_RX_OK },
	{ "record count overflow", B_V2_REPORT, I(7), "03", FIX, 0,
	  MLD_RX_TRUNCATED },
	{ "record count 0xffff", B_V2_REPORT, I(6), "ffff", FIX, 0,
	  MLD_RX_TRUNCATED },
	{ "source count overflow (last record)", B_V2_REPORT, I(30), "0002",
	  FIX, 0, MLD_RX_TRUNCATED },
	{ "source count overflow (first record)", B_V2_REPORT, I(10), "0003",
	  FIX, 0, MLD_RX_TRUNCATED },
	{ "aux data beyond the end", B_V2_REPORT, I(29), "01", FIX, 0,
	  MLD_RX_TRUNCATED },
	{ "query source count overflow", B_V2_GSQ, I(26), "0003", FIX, 0,
	  MLD_RX_TRUNCATED },
	{ "query source count 0xffff", B_V2_GSQ, I(26), "ffff", FIX, 0,
	  MLD_RX_TRUNCATED },
	/* Hop limit, Router Alert, source. */
	{ "hop limit 2", B_V2_REPORT, 7, "02", NOFIX, 0, MLD_RX_BAD_HOPLIMIT },
	{ "hop limit 255", B_V1_GQ, 7, "ff", NOFIX, 0, MLD_RX_BAD_HOPLIMIT },
	{ "no Router Alert (PadN instead)", B_V2_REPORT, 42, "01", NOFIX, 0,
	  MLD_RX_NO_RA },
	{ "Router Alert for RSVP (value 1)", B_V2_REPORT, 45, "01", NOFIX, 0,
	  MLD_RX_NO_RA },
	{ "Router Alert in Destination Options", B_V1_REPORT, 6, "3c", NOFIX, 0,
	  MLD_RX_NO_RA },
	{ "query without Router Alert", B_V2_GQ, 42, "01", NOFIX, 0,
	  MLD_RX_NO_RA },
	{ "global source (report)", B_V2_REPORT, 8, "20010db8", FIX, 0,
	  MLD_RX_BAD_SRC },
	{ "global source (query)", B_V2_GQ, 8, "20010db8", FIX, 0,
	  MLD_RX_BAD_SRC },
	{ "fec0:: is not link-local", B_V1_REPORT, 8, "fec0", FIX, 0,
	  MLD_RX_BAD_SRC },
	{ "febf:: is link-local", B_V1_REPORT, 8, "febf", FIX, 0, MLD_RX_OK },
	{ "query from ::", B_V2_GQ, 8, ZERO16, FIX, 0, MLD_RX_BAD_SRC },
	{ "v1 query from ::", B_V1_SQ, 8, ZERO16, FIX, 0, MLD_RX_BAD_SRC },
	{ "done from ::", B_V1_DONE, 8, ZERO16, FIX, 0, MLD_RX_BAD_SRC },
	{ "v2 report from ::1", B_V2_REPORT, 8, "0000", FIX, 0,
	  MLD_RX_BAD_SRC },
	/* Destinations and groups. */
	{ "v2 report to ff02::1", B_V2_REPORT, 39, "01", FIX, 0,
	  MLD_RX_BAD_DEST },
	{ "v1 report to ff02::16", B_V1_REPORT, 24,
	  "ff020000000000000000000000000016", FIX, 0, MLD_RX_BAD_DEST },
	{ "general query to ff02::2", B_V2_GQ, 39, "02", FIX, 0,
	  MLD_RX_BAD_DEST },
	{ "specific query to another group", B_V2_GSQ, 39, "03", FIX, 0,
	  MLD_RX_BAD_DEST },
	{ "done to ff02::1", B_V1_DONE, 39, "01", FIX, 0, MLD_RX_BAD_DEST },
	{ "v1 report of a unicast address", B_V1_REPORT, I(8), "2001", FIX, 0,
	  MLD_RX_BAD_GROUP },
	{ "query of a unicast address", B_V1_SQ, I(8), "2001", FIX, 0,
	  MLD_RX_BAD_GROUP },
	{ "general query with sources", B_V2_GSQ, I(8), ZERO16, FIX, 0,
	  MLD_RX_BAD_GROUP },
};

static void test_table(void)
{
	uint8_t pkt[600], patch[64];
	struct mld_msg m;
	size_t i, n, k;
	int bad = 0;

	check_begin("crafted packets");
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const struct mut_case *c = &cases[i];
		enum mld_rx r;

		memset(pkt, 0, sizeof(pkt));
		n = make(c->base, pkt, sizeof(pkt));
		if (!n) {
			CHECK(0, "%s: base not built", c->name);
			continue;
		}
		k = unhex(c->hex, patch);
		memcpy(pkt + c->at, patch, k);
		/* Bytes appended stay zero (they are past the checksum
		 * unless the payload length was raised to cover them). */
		n = (size_t)((long)n + c->grow);
		if (c->fix)
			fix_csum(pkt, n);
		r = parse(pkt, n, &m);
		CHECK(r == c->want, "%s: got %s, want %s", c->name,
		      mld_rx_str(r), mld_rx_str(c->want));
		bad += r != c->want;
	}
	CHECK_EQ(bad, 0, "every crafted packet as expected");
}

/* A packet without any Hop-by-Hop header; and one with Destination
 * Options after it (allowed, the Router Alert is in the HbH header). */
static void test_ext_headers(void)
{
	uint8_t pkt[200], alt[200];
	struct mld_msg m;
	size_t n;

	check_begin("extension headers");
	n = make(B_V1_REPORT, pkt, sizeof(pkt));
	/* Drop the HbH header: next header 58, payload 24. */
	memcpy(alt, pkt, 40);
	memcpy(alt + 40, pkt + 48, n - 48);
	alt[6] = 58;
	alt[5] = 24;
	CHECK_EQ(parse(alt, n - 8, &m), MLD_RX_NO_RA, "no HbH header: no RA");
	CHECK(!m.ra, "ra false");

	/* IPv6 | HbH (RA) -> DestOpts (PadN 6) -> ICMPv6 */
	memcpy(alt, pkt, 48);
	alt[40] = 60;
	memcpy(alt + 48, "\x3a\x00\x01\x04\x00\x00\x00\x00", 8);
	memcpy(alt + 56, pkt + 48, n - 48);
	alt[5] = 8 + 8 + 24;
	CHECK_EQ(parse(alt, n + 8, &m), MLD_RX_OK, "HbH + DestOpts + MLD");
	CHECK_EQ(m.icmp_len, 24, "message found after both");
	alt[40] = 0; /* HbH -> HbH: only the first may be one */
	CHECK_EQ(parse(alt, n + 8, &m), MLD_RX_BAD_IP, "HbH after HbH");
	alt[40] = 60;
	alt[49] = 5; /* DestOpts length 48: beyond the packet */
	CHECK_EQ(parse(alt, n + 8, &m), MLD_RX_TRUNCATED, "DestOpts beyond");

	/* Nine Destination Options headers: more than are walked. */
	{
		uint8_t big[200];
		size_t k, off = 48;

		memcpy(big, pkt, 48);
		big[40] = 60;
		for (k = 0; k < 9; k++, off += 8)
			memcpy(big + off,
			       k < 8 ? "\x3c\x00\x01\x04\0\0\0\0" :
				       "\x3a\x00\x01\x04\0\0\0\0",
			       8);
		memcpy(big + off, pkt + 48, 24);
		big[5] = (uint8_t)(off + 24 - 40);
		CHECK_EQ(parse(big, off + 24, &m), MLD_RX_BAD_IP,
			 "extension header chain too long");
	}
	CHECK_EQ(mld_pkt_parse(NULL, 0, &m), MLD_RX_BAD_IP, "NULL");
	CHECK_EQ(parse(pkt, 0, &m), MLD_RX_BAD_IP, "empty");
}

/* Every prefix of a v2 report, and every shorter message. */
static void test_truncations(void)
{
	struct in6_addr s[2] = { in6("2001:db8::1"), in6("2001:db8::2") };
	struct in6_addr ll = in6("fe80::2");
	struct mld_rec_fields rf[3] = {
		{ MLD_TO_EX, in6("ff0e::db8:1"), s, 2 },
		{ MLD_ALLOW, in6("ff3e::db8:2"), s, 1 },
		{ MLD_IS_EX, in6("ff05::db8:3"), NULL, 0 },
	};
	uint8_t pkt[400], cut[400];
	struct mld_msg m;
	size_t n, len, ilen;
	int accepted = 0, not_trunc = 0, wrong = 0;

	check_begin("truncations");
	n = mld_build_v2_report(pkt, sizeof(pkt), &ll, rf, 3);
	CHECK_EQ(n, 48 + 8 + 3 * 20 + 3 * 16, "report built");
	CHECK_EQ(parse(pkt, n, &m), MLD_RX_OK, "whole report parses");
	/* Cut frames: the payload length says more than there is. */
	for (len = 0; len < n; len++) {
		enum mld_rx r = parse(pkt, len, &m);

		accepted += r == MLD_RX_OK;
		not_trunc += len && r != MLD_RX_TRUNCATED;
	}
	CHECK_EQ(accepted, 0, "no cut frame accepted");
	CHECK_EQ(not_trunc, 0, "every cut frame rejected as truncated");
	/*
	 * Cut messages: consistent payload length and checksum, so only
	 * the record walk can notice (TOO_SHORT below the 8-byte header).
	 */
	accepted = 0;
	for (ilen = 0; ilen < n - MLD_HDRS_LEN; ilen++) {
		enum mld_rx r, want;

		memcpy(cut, pkt, MLD_HDRS_LEN + ilen);
		cut[4] = (uint8_t)((8 + ilen) >> 8);
		cut[5] = (uint8_t)(8 + ilen);
		fix_csum(cut, MLD_HDRS_LEN + ilen);
		r = parse(cut, MLD_HDRS_LEN + ilen, &m);
		want = ilen < MLD_V2_REPORT_MIN ? MLD_RX_TOO_SHORT :
						  MLD_RX_TRUNCATED;
		accepted += r == MLD_RX_OK;
		wrong += r != want;
	}
	CHECK_EQ(accepted, 0, "no cut message accepted");
	CHECK_EQ(wrong, 0, "every cut message: too short or truncated");
}

static void test_unknown_records(void)
{
	uint8_t pkt[400];
	struct mld_msg m;
	struct mld_rec r;
	size_t n, off = 0;
	int k = 0;

	check_begin("unknown record types");
	n = make(B_V2_UNKNOWN, pkt, sizeof(pkt));
	/* Give the unknown record (type 9) one word of aux data: insert
	 * 4 bytes after its sources, fix lengths and the sum. */
	memmove(pkt + I(8 + 20 + 32 + 4), pkt + I(8 + 20 + 32),
		n - I(8 + 20 + 32));
	memset(pkt + I(8 + 20 + 32), 0xaa, 4);
	pkt[I(9)] = 1;
	n += 4;
	pkt[5] += 4;
	fix_csum(pkt, n);
	CHECK_EQ(parse(pkt, n, &m), MLD_RX_OK, "parses");
	CHECK_EQ(m.nrec, 2, "two records counted");
	CHECK_EQ(m.nrec_unknown, 1, "one of unknown type");
	while (mld_rec_next(&m, &off, &r)) {
		k++;
		CHECK_EQ(r.type, MLD_ALLOW, "only the ALLOW record is seen");
		CHECK(same(&r.group, "ff3e::db8:2"), "its group");
	}
	CHECK_EQ(k, 1, "the unknown one skipped (with its aux data)");
	CHECK_EQ(off, m.recs_len, "to the end");

	/* Record types 0 and 7..255 are all skipped; 1..6 all kept. */
	{
		int t, seen_ok = 0;

		for (t = 0; t < 256; t++) {
			size_t o = 0;

			pkt[I(8)] = (uint8_t)t;
			fix_csum(pkt, n);
			parse(pkt, n, &m);
			k = 0;
			while (mld_rec_next(&m, &o, &r))
				k++;
			seen_ok += k == (t >= 1 && t <= 6 ? 2 : 1);
		}
		CHECK_EQ(seen_ok, 256, "types 1..6 kept, the others skipped");
	}
}

static void test_roundtrips(void)
{
	struct in6_addr srcs[MLD_QUERY_MAX_SOURCES + 1];
	struct in6_addr ll = in6("fe80::1234:5678"), any = in6("::");
	struct mld_query_fields q = {
		.version = 2,
		.src = ll,
		.group = in6("ff3e::db8:9"),
		.max_resp_ms = 65001, /* exponential form: 8125 << 3 */
		.s_flag = true,
		.qrv = 7,
		.qqi_s = 200,
		.srcs = srcs,
		.nsrc = MLD_QUERY_MAX_SOURCES,
	};
	struct mld_rec_fields rf[6];
	uint8_t buf[MLD_QUERY_MAX_LEN + 2000];
	struct mld_msg m;
	struct mld_rec r;
	size_t n, off = 0, i;
	int k = 0, bad = 0;

	check_begin("round trips");
	for (i = 0; i <= MLD_QUERY_MAX_SOURCES; i++) {
		srcs[i] = in6("2001:db8::");
		srcs[i].s6_addr[14] = (uint8_t)(i >> 8);
		srcs[i].s6_addr[15] = (uint8_t)i;
	}
	n = mld_build_query(buf, sizeof(buf), &q);
	CHECK_EQ(n, MLD_QUERY_MAX_LEN, "largest query");
	CHECK(n <= 1280, "fits the IPv6 minimum MTU");
	CHECK_EQ(parse(buf, n, &m), MLD_RX_OK, "parses");
	CHECK_EQ(m.version, 2, "v2");
	CHECK(same(&m.dst, "ff3e::db8:9"), "to the group");
	CHECK_EQ(m.max_resp_ms, 65000, "65001 ms truncated to 65000");
	CHECK(m.s_flag, "S");
	CHECK_EQ(m.qrv, 7, "QRV");
	CHECK_EQ(m.qqi_s, 200, "QQI 200 is exact");
	CHECK_EQ(m.nsrc, MLD_QUERY_MAX_SOURCES, "sources");
	for (i = 0; i < m.nsrc; i++) {
		struct in6_addr s = mld_src(m.srcs, i);

		bad += memcmp(&s, &srcs[i], 16) != 0;
	}
	CHECK_EQ(bad, 0, "every source back");
	CHECK_EQ(m.hop_limit, 1, "hop limit 1");

	q.nsrc++;
	CHECK_EQ(mld_build_query(buf, sizeof(buf), &q), 0, "too many sources");
	q.nsrc = 1;
	CHECK_EQ(mld_build_query(buf, MLD_HDRS_LEN + 43, &q), 0, "no room");
	CHECK_EQ(mld_build_query(buf, MLD_HDRS_LEN + 44, &q), 92, "just room");
	q.qrv = 9;
	n = mld_build_query(buf, sizeof(buf), &q);
	CHECK(parse(buf, n, &m) == MLD_RX_OK && m.qrv == 0,
	      "QRV above 7 sent as 0");
	q.version = 1;
	CHECK_EQ(mld_build_query(buf, sizeof(buf), &q), 0, "v1 with sources");
	q.version = 3;
	q.nsrc = 0;
	CHECK_EQ(mld_build_query(buf, sizeof(buf), &q), 0, "version 3");
	q.version = 2;
	q.group = any;
	q.nsrc = 1;
	CHECK_EQ(mld_build_query(buf, sizeof(buf), &q), 0, "general + sources");
	q.group = in6("2001:db8::1");
	q.nsrc = 0;
	CHECK_EQ(mld_build_query(buf, sizeof(buf), &q), 0, "unicast group");

	q.version = 1;
	q.group = in6("ff05::db8:1");
	q.max_resp_ms = 70000; /* beyond 16 bits: clamped */
	n = mld_build_query(buf, sizeof(buf), &q);
	CHECK_EQ(n, MLD_HDRS_LEN + MLD_V1_LEN, "v1 query is 24 bytes");
	CHECK_EQ(parse(buf, n, &m), MLD_RX_OK, "v1 parses");
	CHECK_EQ(m.version, 1, "v1 (24 bytes)");
	CHECK_EQ(m.max_resp_ms, 65535, "clamped to 65535 ms");
	CHECK(same(&m.group, "ff05::db8:1") && same(&m.dst, "ff05::db8:1"),
	      "specific, to the group");
	q.group = any;
	q.max_resp_ms = 10000;
	n = mld_build_query(buf, sizeof(buf), &q);
	CHECK(parse(buf, n, &m) == MLD_RX_OK && same(&m.dst, "ff02::1") &&
		      m.max_resp_ms == 10000,
	      "v1 general query to ff02::1");

	for (i = 0; i < 6; i++) {
		rf[i].type = (uint8_t)(MLD_IS_IN + i);
		rf[i].group = in6("ff0e::db8:0");
		rf[i].group.s6_addr[15] = (uint8_t)i;
		rf[i].srcs = srcs;
		rf[i].nsrc = (uint16_t)(i * 3);
	}
	n = mld_build_v2_report(buf, sizeof(buf), &any, rf, 6);
	CHECK_EQ(n, 48 + 8 + 6 * 20 + 16 * (0 + 3 + 6 + 9 + 12 + 15),
		 "six records");
	CHECK_EQ(parse(buf, n, &m), MLD_RX_OK, "report from :: parses");
	while (mld_rec_next(&m, &off, &r)) {
		struct in6_addr last;

		CHECK_EQ(r.type, rf[k].type, "record type");
		CHECK(!memcmp(&r.group, &rf[k].group, 16), "record group");
		CHECK_EQ(r.nsrc, rf[k].nsrc, "record sources");
		if (r.nsrc) {
			last = mld_src(r.srcs, r.nsrc - 1u);
			CHECK(!memcmp(&last, &srcs[r.nsrc - 1], 16),
			      "last source");
		}
		k++;
	}
	CHECK_EQ(k, 6, "every record back");
	CHECK_EQ(mld_build_v2_report(buf, n - 1, &any, rf, 6), 0, "no room");
	n = mld_build_v2_report(buf, sizeof(buf), &ll, NULL, 0);
	CHECK(parse(buf, n, &m) == MLD_RX_OK && m.nrec == 0,
	      "empty report is valid");

	q.group = in6("ff0e::db8:1");
	n = mld_build_v1(buf, sizeof(buf), MLD_V1_REPORT, &ll, &q.group);
	CHECK(parse(buf, n, &m) == MLD_RX_OK && m.type == MLD_V1_REPORT &&
		      same(&m.dst, "ff0e::db8:1") && m.version == 1,
	      "v1 report to the group");
	n = mld_build_v1(buf, sizeof(buf), MLD_V1_DONE, &ll, &q.group);
	CHECK(parse(buf, n, &m) == MLD_RX_OK && m.type == MLD_V1_DONE &&
		      same(&m.dst, "ff02::2") && same(&m.group, "ff0e::db8:1"),
	      "done to ff02::2");
	CHECK_EQ(mld_build_v1(buf, sizeof(buf), MLD_QUERY, &ll, &q.group), 0,
		 "v1 builder: report or done only");
	CHECK_EQ(mld_build_v1(buf, sizeof(buf), MLD_V1_REPORT, &ll, &any), 0,
		 "v1 builder: multicast only");
	CHECK_EQ(mld_build_v1(buf, 71, MLD_V1_DONE, &ll, &q.group), 0,
		 "v1 builder: no room");
}

static void test_names(void)
{
	int r, j, bad = 0;

	check_begin("reason names");
	for (r = 0; r < MLD_RX_MAX; r++) {
		bad += !mld_rx_str(r) || !*mld_rx_str(r);
		for (j = 0; j < r; j++)
			bad += !strcmp(mld_rx_str(r), mld_rx_str(j));
	}
	CHECK_EQ(bad, 0, "every reason has its own name");
	CHECK(!strcmp(mld_rx_str(MLD_RX_MAX), "?"), "out of range");
}

static uint32_t rnd(uint64_t *s)
{
	*s = *s * 6364136223846793005ULL + 1442695040888963407ULL;
	return (uint32_t)(*s >> 33);
}

/* Mutants of every base: never a crash, accepted ones stay inside. */
static void test_fuzz(void)
{
	uint8_t base[8][400], pkt[420];
	size_t blen[8], n, i, k, iters = 200000;
	uint64_t seed = 12;
	int ok = 0, bad = 0;

	check_begin("fuzz");
	for (i = 0; i < 8; i++)
		blen[i] = make((enum base)i, base[i], sizeof(base[i]));
	for (i = 0; i < iters; i++) {
		uint32_t b = rnd(&seed) % 8, muts = 1 + rnd(&seed) % 4;
		struct mld_msg m;
		struct mld_rec r;
		size_t off = 0, nr = 0;

		n = blen[b];
		memcpy(pkt, base[b], n);
		for (k = 0; k < muts; k++)
			pkt[rnd(&seed) % n] = (uint8_t)rnd(&seed);
		if (rnd(&seed) % 4 == 0)
			n = rnd(&seed) % (n + 20);
		if (rnd(&seed) % 4)
			fix_csum(pkt, n);
		if (parse(pkt, n, &m) != MLD_RX_OK)
			continue;
		ok++;
		if (m.icmp < pkt || m.icmp + m.icmp_len > pkt + n)
			bad++;
		if (m.nsrc && m.srcs + 16 * (size_t)m.nsrc > pkt + n)
			bad++;
		if (m.recs && m.recs + m.recs_len > pkt + n)
			bad++;
		while (mld_rec_next(&m, &off, &r)) {
			if (++nr > m.nrec || off > m.recs_len ||
			    r.srcs + 16 * (size_t)r.nsrc > pkt + n)
				bad++;
		}
		if (nr + m.nrec_unknown != m.nrec)
			bad++;
	}
	CHECK(ok > 1000, "some mutants accepted (%d)", ok);
	CHECK_EQ(bad, 0, "accepted mutants stay inside the packet");
}

int main(void)
{
	test_codes();
	test_known_bytes();
	test_kernel_report();
	test_table();
	test_ext_headers();
	test_truncations();
	test_unknown_records();
	test_roundtrips();
	test_names();
	test_fuzz();
	return check_summary();
}
