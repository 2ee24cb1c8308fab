// SPDX-License-Identifier: GPL-2.0
/*
 * test_igmp_pkt.c - the IGMP codec and input validation: code round
 * trips, queries and reports built and parsed back, every rejection
 * reason counted under its own counter, every truncation of valid packets
 * and a fuzz loop (random bytes, and mutated valid packets with their
 * checksums fixed so the mutations reach the state machine) -- never a
 * crash (ASan/UBSan), and every packet counted exactly once.
 */
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>

#include "check.h"
#include "fake_igmp_io.h"
#include "proto/igmp_int.h"

#define IF1 1U

static struct fake_igmp f;

static struct igmp_counters counters(void)
{
	struct igmp_if_info i = { 0 };

	fi_if(&f, IF1, &i);
	return i.cnt;
}

/* Every packet lands in exactly one bucket (igmp.h, igmp_counters). */
static uint64_t buckets(const struct igmp_counters *c)
{
	return c->rx_query[0] + c->rx_query[1] + c->rx_query[2] +
	       c->rx_report[0] + c->rx_report[1] + c->rx_report[2] +
	       c->rx_leave + c->bad_ip + c->too_short + c->truncated +
	       c->bad_checksum + c->bad_ttl + c->no_router_alert + c->bad_dest +
	       c->bad_group + c->unknown_type + c->ignored_own +
	       c->ignored_version;
}

static void test_codes(void)
{
	uint32_t v;
	int c, bad = 0;

	check_begin("max resp / QQI codes");
	for (v = 0; v < 128; v++)
		bad += igmp_code_decode(igmp_code_encode(v)) != v;
	CHECK_EQ(bad, 0, "0..127 are exact");
	for (c = 128; c < 256; c++)
		bad += igmp_code_encode(igmp_code_decode((uint8_t)c)) != c;
	CHECK_EQ(bad, 0, "every code 128..255 round-trips");
	for (v = 128; v <= 40000; v++) {
		uint32_t d = igmp_code_decode(igmp_code_encode(v));

		/* Never longer than asked, at most one mantissa step less. */
		if (v <= 31744)
			bad += d > v || d < v - v / 16;
		else
			bad += d != 31744;
	}
	CHECK_EQ(bad, 0, "encode truncates within 1/16, saturates at 31744");
	CHECK_EQ(igmp_code_decode(0xff), 31744, "largest code");
}

static void test_query_roundtrip(void)
{
	uint32_t srcs[3] = { A("192.0.2.1"), A("192.0.2.2"), A("192.0.2.3") };
	struct igmp_query_fields q = {
		.version = 3,
		.group = A("239.1.2.3"),
		.max_resp_ds = 100,
		.s_flag = true,
		.qrv = 3,
		.qqi_s = 125,
		.srcs = srcs,
		.nsrc = 3,
	};
	uint8_t igmp[IGMP_QUERY_MAX_LEN], pkt[IGMP_QUERY_MAX_LEN + 24];
	struct igmp_msg m;
	size_t n;

	check_begin("query build/parse");
	n = igmp_build_query(igmp, sizeof(igmp), &q);
	CHECK_EQ(n, 24, "v3 query with 3 sources");
	n = fi_ip(pkt, A("10.0.1.9"), q.group, 1, true, igmp, n);
	CHECK_EQ(igmp_pkt_parse(pkt, n, &m), IGMP_RX_OK, "parses");
	CHECK_EQ(m.version, 3, "version");
	CHECK(m.group == q.group, "group");
	CHECK_EQ(m.max_resp_ds, 100, "max resp");
	CHECK(m.s_flag, "S flag");
	CHECK_EQ(m.qrv, 3, "QRV");
	CHECK_EQ(m.qqi_s, 125, "QQIC (125 encodes exactly)");
	CHECK_EQ(m.nsrc, 3, "nsrc");
	CHECK(rd32(m.srcs + 8) == srcs[2], "third source");

	q.version = 2;
	q.max_resp_ds = 1000; /* beyond v2's 8 bits: clamped */
	n = igmp_build_query(igmp, sizeof(igmp), &q);
	CHECK_EQ(n, 8, "v2 query is 8 bytes");
	n = fi_ip(pkt, A("10.0.1.9"), q.group, 1, true, igmp, n);
	CHECK_EQ(igmp_pkt_parse(pkt, n, &m), IGMP_RX_OK, "v2 parses");
	CHECK_EQ(m.version, 2, "v2 (8 bytes, code != 0)");
	CHECK_EQ(m.max_resp_ds, 255, "clamped to 25.5 s");

	q.version = 3;
	q.nsrc = IGMP_QUERY_MAX_SOURCES + 1;
	CHECK_EQ(igmp_build_query(igmp, sizeof(igmp), &q), 0,
		 "too many sources: refused");
	q.nsrc = 1;
	CHECK_EQ(igmp_build_query(igmp, 10, &q), 0, "no room: refused");
}

static void test_report_roundtrip(void)
{
	struct fi_rec r[3] = {
		{ IGMP_IS_EX, A("239.1.1.1"), 0, { 0 } },
		{ IGMP_ALLOW,
		  A("232.1.1.1"),
		  2,
		  { A("192.0.2.1"), A("192.0.2.2") } },
		{ IGMP_BLOCK, A("239.2.2.2"), 1, { A("198.51.100.7") } },
	};
	uint8_t igmp[256], pkt[300];
	struct igmp_rec rec;
	struct igmp_msg m;
	size_t n, off = 0;
	int k = 0;

	check_begin("v3 report parse");
	n = fi_v3_report(igmp, r, 3);
	n = fi_ip(pkt, A("10.0.1.2"), A("224.0.0.22"), 1, true, igmp, n);
	CHECK_EQ(igmp_pkt_parse(pkt, n, &m), IGMP_RX_OK, "parses");
	CHECK_EQ(m.nrec, 3, "three records");
	while (igmp_rec_next(&m, &off, &rec)) {
		CHECK_EQ(rec.type, r[k].type, "record type");
		CHECK(rec.group == r[k].group, "record group");
		CHECK_EQ(rec.nsrc, r[k].nsrc, "record sources");
		if (rec.nsrc)
			CHECK(rd32(rec.srcs) == r[k].src[0], "first source");
		k++;
	}
	CHECK_EQ(k, 3, "iterated all");
}

/* A valid v2 report for 239.1.1.1 from 10.0.1.2 (with RA). */
static size_t v2_report(uint8_t *pkt)
{
	uint8_t igmp[8] = { IGMP_V2_REPORT };
	uint32_t grp = A("239.1.1.1");

	memcpy(igmp + 4, &grp, 4);
	fi_igmp_csum(igmp, 8);
	return fi_ip(pkt, A("10.0.1.2"), grp, 1, true, igmp, 8);
}

static void fix_ip_csum(uint8_t *pkt)
{
	size_t ihl = (pkt[0] & 15) * 4u;
	uint16_t s;

	pkt[10] = pkt[11] = 0;
	s = igmp_csum(pkt, ihl);
	pkt[10] = (uint8_t)(s >> 8);
	pkt[11] = (uint8_t)s;
}

/* Input pkt and check that exactly counter `field` moved. */
#define EXPECT_REJECT(pkt, len, field, what)                               \
	do {                                                               \
		struct igmp_counters b_ = counters(), a_;                  \
		igmp_input(f.g, IF1, pkt, len);                            \
		a_ = counters();                                           \
		CHECK_EQ(a_.field - b_.field, 1, what);                    \
		CHECK_EQ(buckets(&a_) - buckets(&b_), 1,                   \
			 what ": counted once");                           \
		CHECK_EQ(a_.rx_packets - b_.rx_packets, 1, what ": seen"); \
	} while (0)

static void test_rejections(void)
{
	uint8_t pkt[400], igmp[300];
	struct fi_rec r = { IGMP_IS_EX, A("239.1.1.1"), 1, { A("192.0.2.1") } };
	struct igmp_counters c;
	size_t n;

	check_begin("rejections");
	n = v2_report(pkt);
	pkt[0] = 0x65; /* IPv6 nibble */
	fix_ip_csum(pkt);
	EXPECT_REJECT(pkt, n, bad_ip, "IP version 6");
	n = v2_report(pkt);
	pkt[0] = 0x44;
	EXPECT_REJECT(pkt, n, bad_ip, "IHL 4");
	n = v2_report(pkt);
	EXPECT_REJECT(pkt, n - 1, truncated, "total length beyond the data");
	n = v2_report(pkt);
	pkt[6] = 0x20; /* more fragments */
	fix_ip_csum(pkt);
	EXPECT_REJECT(pkt, n, bad_ip, "fragment");
	n = v2_report(pkt);
	pkt[9] = 17;
	fix_ip_csum(pkt);
	EXPECT_REJECT(pkt, n, bad_ip, "not protocol 2");
	n = v2_report(pkt);
	pkt[10] ^= 1;
	EXPECT_REJECT(pkt, n, bad_checksum, "IP header checksum");
	n = v2_report(pkt);
	pkt[24 + 2] ^= 1;
	EXPECT_REJECT(pkt, n, bad_checksum, "IGMP checksum");
	n = v2_report(pkt);
	pkt[8] = 2;
	fix_ip_csum(pkt);
	EXPECT_REJECT(pkt, n, bad_ttl, "TTL 2");
	n = v2_report(pkt);
	memcpy(pkt + 12, &(uint32_t){ A("224.0.0.5") }, 4);
	fix_ip_csum(pkt);
	EXPECT_REJECT(pkt, n, bad_ip, "multicast source");
	n = v2_report(pkt);
	pkt[21] = 0; /* option length 0 */
	fix_ip_csum(pkt);
	EXPECT_REJECT(pkt, n, bad_ip, "malformed option");
	n = v2_report(pkt);
	memcpy(pkt + 16, &(uint32_t){ A("224.0.0.1") }, 4);
	fix_ip_csum(pkt);
	EXPECT_REJECT(pkt, n, bad_dest, "v2 report not to its group");

	/* A v2 report without RA is accepted (and counted as such). */
	igmp[0] = IGMP_V2_REPORT;
	igmp[1] = 0;
	memcpy(igmp + 4, &(uint32_t){ A("239.1.1.1") }, 4);
	fi_igmp_csum(igmp, 8);
	c = counters();
	n = fi_ip(pkt, A("10.0.1.2"), A("239.1.1.1"), 1, false, igmp, 8);
	igmp_input(f.g, IF1, pkt, n);
	CHECK_EQ(counters().rx_report[1] - c.rx_report[1], 1,
		 "v2 without RA accepted");
	CHECK_EQ(counters().rx_no_ra - c.rx_no_ra, 1, "and counted");

	memcpy(igmp + 4, &(uint32_t){ A("10.1.1.1") }, 4);
	fi_igmp_csum(igmp, 8);
	n = fi_ip(pkt, A("10.0.1.2"), A("10.1.1.1"), 1, true, igmp, 8);
	EXPECT_REJECT(pkt, n, bad_group, "unicast group");

	igmp[0] = IGMP_V2_LEAVE;
	memcpy(igmp + 4, &(uint32_t){ A("239.1.1.1") }, 4);
	fi_igmp_csum(igmp, 8);
	n = fi_ip(pkt, A("10.0.1.2"), A("224.0.0.1"), 1, true, igmp, 8);
	EXPECT_REJECT(pkt, n, bad_dest, "leave to all-hosts");
	c = counters();
	n = fi_ip(pkt, A("10.0.1.2"), A("239.1.1.1"), 1, true, igmp, 8);
	igmp_input(f.g, IF1, pkt, n);
	CHECK_EQ(counters().rx_leave - c.rx_leave, 1, "leave to the group ok");

	igmp[0] = 0x13; /* DVMRP */
	fi_igmp_csum(igmp, 8);
	n = fi_ip(pkt, A("10.0.1.2"), A("224.0.0.4"), 1, true, igmp, 8);
	EXPECT_REJECT(pkt, n, unknown_type, "DVMRP");
	n = fi_ip(pkt, A("10.0.1.2"), A("224.0.0.4"), 1, true, igmp, 4);
	EXPECT_REJECT(pkt, n, too_short, "4-byte IGMP");

	/* Queries. */
	memset(igmp, 0, 16);
	igmp[0] = IGMP_QUERY;
	igmp[1] = 100;
	fi_igmp_csum(igmp, 10);
	n = fi_ip(pkt, A("10.0.1.9"), A("224.0.0.1"), 1, true, igmp, 10);
	EXPECT_REJECT(pkt, n, too_short, "10-byte query");
	igmp[11] = 5; /* five sources, none there */
	fi_igmp_csum(igmp, 16);
	n = fi_ip(pkt, A("10.0.1.9"), A("224.0.0.1"), 1, true, igmp, 16);
	EXPECT_REJECT(pkt, n, truncated, "v3 query sources beyond the end");
	igmp[11] = 0;
	fi_igmp_csum(igmp, 12);
	n = fi_ip(pkt, A("10.0.1.9"), A("224.0.0.1"), 1, false, igmp, 12);
	EXPECT_REJECT(pkt, n, no_router_alert, "v3 query without RA");
	n = fi_ip(pkt, A("10.0.1.9"), A("239.9.9.9"), 1, true, igmp, 12);
	EXPECT_REJECT(pkt, n, bad_dest, "general query not to 224.0.0.1");

	/* v3 reports. */
	n = fi_v3_report(igmp, &r, 1);
	n = fi_ip(pkt, A("10.0.1.2"), A("224.0.0.22"), 1, false, igmp, n);
	EXPECT_REJECT(pkt, n, no_router_alert, "v3 report without RA");
	n = fi_v3_report(igmp, &r, 1);
	n = fi_ip(pkt, A("10.0.1.2"), A("239.1.1.1"), 1, true, igmp, n);
	EXPECT_REJECT(pkt, n, bad_dest, "v3 report not to 224.0.0.22");
	n = fi_v3_report(igmp, &r, 1);
	igmp[7] = 2; /* claims a second record */
	fi_igmp_csum(igmp, n);
	n = fi_ip(pkt, A("10.0.1.2"), A("224.0.0.22"), 1, true, igmp, n);
	EXPECT_REJECT(pkt, n, truncated, "record beyond the end");
	n = fi_v3_report(igmp, &r, 1);
	igmp[9] = 1; /* aux data length 1 word, not there */
	fi_igmp_csum(igmp, n);
	n = fi_ip(pkt, A("10.0.1.2"), A("224.0.0.22"), 1, true, igmp, n);
	EXPECT_REJECT(pkt, n, truncated, "aux data beyond the end");

	/* Our own query (AF_PACKET may see it on some setups). */
	fi_send_query(&f, IF1, f.if_addr[IF1], 3, 0, 100, false, 2, 125, "");
	CHECK_EQ(counters().ignored_own, 1, "own query ignored");

	/* Not an interface we run on. */
	igmp_input(f.g, 9, pkt, n);
	CHECK_EQ(igmp_unknown_if_packets(f.g), 1, "unknown interface");
	igmp_input(f.g, IF1, NULL, 0);
	CHECK_EQ(counters().bad_ip > 0, 1, "NULL packet is bad_ip");
	CHECK_EQ(f.n_refused, 0, "no MGM call was refused");
}

/* Every prefix of valid packets: rejected and counted, never read past. */
static void test_truncations(void)
{
	struct fi_rec r[2] = {
		{ IGMP_TO_EX,
		  A("239.1.1.1"),
		  2,
		  { A("192.0.2.1"), A("192.0.2.2") } },
		{ IGMP_ALLOW, A("232.1.1.1"), 1, { A("192.0.2.1") } },
	};
	uint8_t igmp[300], pkt[400];
	struct igmp_counters b, a;
	size_t n, len, bad = 0;
	uint8_t *copy;

	check_begin("truncations");
	n = fi_v3_report(igmp, r, 2);
	n = fi_ip(pkt, A("10.0.1.2"), A("224.0.0.22"), 1, true, igmp, n);
	b = counters();
	for (len = 0; len < n; len++) {
		/* An exact-size heap copy: ASan sees any read past it. */
		copy = malloc(len ? len : 1);
		memcpy(copy, pkt, len);
		igmp_input(f.g, IF1, copy, len);
		free(copy);
	}
	a = counters();
	CHECK_EQ(a.rx_packets - b.rx_packets, n, "every prefix seen");
	CHECK_EQ(buckets(&a) - buckets(&b), n, "every prefix counted");
	bad = a.rx_report[2] - b.rx_report[2];
	CHECK_EQ(bad, 0, "no prefix accepted");
}

static uint32_t rnd(uint64_t *s)
{
	*s = *s * 6364136223846793005ULL + 1442695040888963407ULL;
	return (uint32_t)(*s >> 33);
}

static void test_fuzz(void)
{
	struct fi_rec r[3] = {
		{ IGMP_TO_EX,
		  A("239.1.1.1"),
		  2,
		  { A("192.0.2.1"), A("192.0.2.2") } },
		{ IGMP_ALLOW, A("232.1.1.1"), 1, { A("192.0.2.1") } },
		{ IGMP_BLOCK, A("239.3.3.3"), 1, { A("192.0.2.9") } },
	};
	uint8_t igmp[300], base[400], *pkt;
	struct igmp_counters b, a;
	uint64_t seed = 42;
	size_t n, len, i, k, iters = 60000;

	check_begin("fuzz");
	n = fi_v3_report(igmp, r, 3);
	n = fi_ip(base, A("10.0.1.2"), A("224.0.0.22"), 1, true, igmp, n);
	b = counters();
	for (i = 0; i < iters; i++) {
		uint32_t mode = rnd(&seed) % 4;

		len = mode == 0 ? rnd(&seed) % 300 : n;
		pkt = malloc(len ? len : 1);
		if (mode == 0) {
			/* Random bytes that at least look like IPv4. */
			for (k = 0; k < len; k++)
				pkt[k] = (uint8_t)rnd(&seed);
			if (len)
				pkt[0] = (uint8_t)(0x45 + rnd(&seed) % 2);
		} else {
			memcpy(pkt, base, len);
			for (k = 0, mode = 1 + rnd(&seed) % 6; k < mode; k++)
				pkt[rnd(&seed) % len] = (uint8_t)rnd(&seed);
			/* Mostly keep the packet checkable: fix both sums
			 * so that mutations reach the IGMP logic. */
			if (rnd(&seed) % 4) {
				size_t ihl = (pkt[0] & 15) * 4u;

				if (ihl >= 20 && ihl < len) {
					fix_ip_csum(pkt);
					fi_igmp_csum(pkt + ihl, len - ihl);
				}
			}
		}
		igmp_input(f.g, IF1, pkt, len);
		free(pkt);
		if (i % 997 == 0)
			fi_advance(&f, 300);
	}
	a = counters();
	CHECK_EQ(a.rx_packets - b.rx_packets, iters, "every input seen");
	CHECK_EQ(buckets(&a) - buckets(&b), iters, "every input counted once");
	CHECK(a.rx_report[2] > b.rx_report[2], "some mutants got through");
	CHECK_EQ(f.n_refused, 0, "MGM never refused a call");
	fi_advance(&f, 60000);
	CHECK(!strcmp(fi_members(&f), ""), "all state expired: %s",
	      fi_members(&f));
}

int main(void)
{
	CHECK_EQ(fi_init(&f, NULL), 0, "init");
	CHECK_ERR(mgm_take_interface_ownership(f.m, 0, IF1, 0),
		  MGM_ERROR_INVALID_PARAMETER);
	CHECK_EQ(igmp_if_enable(f.g, IF1, 3), 0, "enable");
	test_codes();
	test_query_roundtrip();
	test_report_roundtrip();
	test_rejections();
	test_truncations();
	test_fuzz();
	fi_fini(&f);
	return check_summary();
}
