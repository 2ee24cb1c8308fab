// SPDX-License-Identifier: GPL-2.0
/*
 * test_mld.c - the MLD router (RFC 2710 MLDv1, RFC 3810 MLDv2) on the
 * IGMP module's shared state machine, on a fake clock and a fake wire:
 * the startup and general query schedule and every field of what is sent
 * (validated by the MLD codec as a receiving router would: hop limit 1,
 * Router Alert, link-local source, checksum), the Maximum Response Code
 * and QQIC encodings, querier election by lowest link-local address with
 * the other-querier-present timer, robustness, reports and dones,
 * INCLUDE/EXCLUDE transitions with their specific queries, MLDv1
 * compatibility, the SSM and link-scope rules, invalid packets ignored,
 * and IGMP and MLD side by side on one interface.
 *
 * Timers (fi_opts): QI 10 s, QRI 2 s, RV 2, LMQI 1 s; so startup query
 * interval 2.5 s, startup count 2, GMI 22 s, other querier present 21 s,
 * LMQT 2 s.  The router is fe80::<ifindex>:100 (10.0.<ifindex>.1).
 */
#include <errno.h>
#include <string.h>
#include <arpa/inet.h>

#include "check.h"
#include "fake_igmp_io.h"
#include "proto/mld_pkt.h"

#define IF1 1U
#define IF2 2U
#define MS 1000000ULL

#define G1 "ff0e::1:1"
#define G2 "ff0e::1:2"
#define SSM "ff3e::1:1"
#define S1 "2001:db8::1"
#define S2 "2001:db8::2"
#define S3 "2001:db8::3"
#define HOST "fe80::aa"

static struct fake_igmp f;

static bool eq6(const struct mgm_addr *a, const char *s)
{
	struct mgm_addr b = A6(s);

	return a->family == MGM_AF_INET6 && !memcmp(a->v6, b.v6, 16);
}

/* Times (ms after t0) of the general queries sent on ifindex. */
static size_t gq_times(uint32_t ifindex, uint64_t t0, uint64_t *v, size_t max)
{
	struct fi_query6 q;
	size_t i, n = 0;

	for (i = 0; i < f.ntx && n < max; i++)
		if (f.tx[i].ifindex == ifindex && fi_parse_tx6(&f.tx[i], &q) &&
		    mgm_addr_is_unspec(&q.group))
			v[n++] = (f.tx[i].at - t0) / MS;
	return n;
}

/* The last MLD query sent. */
static bool last_query(struct fi_query6 *q)
{
	size_t i;

	for (i = f.ntx; i-- > 0;)
		if (fi_parse_tx6(&f.tx[i], q))
			return true;
	return false;
}

static void test_schedule(void)
{
	struct igmp_if_info ii;
	struct fi_query6 q;
	uint64_t t0, v[8];
	size_t n;

	check_begin("MLDv2 startup and general queries");
	CHECK_EQ(fi_init(&f, NULL), 0, "init");
	t0 = f.now;
	CHECK_EQ(mld_if_enable(f.g, IF1, 2), 0, "enable MLDv2");
	CHECK_EQ(mld_if_enable(f.g, IF1, 2), -EEXIST, "enable twice");
	CHECK_EQ(mld_if_enable(f.g, IF2, 3), -EINVAL, "no MLDv3");
	CHECK_EQ(f.ntx, 1, "a general query at once");
	CHECK(f.tx[0].v6, "sent by send6");
	CHECK(fi_parse_tx6(&f.tx[0], &q), "a valid MLD query");
	CHECK_EQ(q.version, 2, "MLDv2 (28 bytes)");
	CHECK(eq6(&q.src, "fe80::1:100"), "from our link-local address");
	CHECK(eq6(&q.dst, "ff02::1") && mgm_addr_is_unspec(&q.group),
	      "to all-nodes, general");
	CHECK_EQ(q.max_resp_ms, 2000, "Maximum Response Delay = QRI in ms");
	CHECK_EQ(q.qrv, 2, "QRV = robustness");
	CHECK_EQ(q.qqi_s, 10, "QQIC = query interval");
	CHECK(!q.s_flag && !q.nsrc, "no S flag, no sources");
	CHECK_EQ(igmp_timeout_ms(f.g), 2500, "next: startup interval");
	fi_advance(&f, 45000);
	n = gq_times(IF1, t0, v, 8);
	CHECK_EQ(n, 6, "2 startup + 4 regular queries in 45 s");
	CHECK(n == 6 && v[0] == 0 && v[1] == 2500 && v[2] == 12500 &&
		      v[5] == 42500,
	      "at 0, 2.5, 12.5 ... 42.5 s");
	CHECK(fi_if6(&f, IF1, &ii), "info");
	CHECK(ii.family == MGM_AF_INET6 && ii.version == 2, "MLD, v2");
	CHECK(ii.querier && eq6(&ii.querier_addr_x, "fe80::1:100"),
	      "querier: us");
	CHECK(ii.addr == 0 && ii.querier_addr == 0, "no IPv4 fields");
	CHECK_EQ(ii.cnt.tx_general_query, 6, "counted");
	CHECK_EQ(fi_count_tx(&f, 0, 'G'), 0, "no IGMP query anywhere");

	fi_tx_clear(&f);
	CHECK_EQ(mld_if_enable(f.g, IF2, 1), 0, "enable MLDv1");
	CHECK(fi_parse_tx6(&f.tx[0], &q) && q.version == 1,
	      "MLDv1 interface sends 24-byte queries");
	CHECK_EQ(q.max_resp_ms, 2000, "v1 Maximum Response Delay in ms");
	CHECK(eq6(&q.src, "fe80::2:100"), "from IF2's link-local address");
	CHECK(fi_if6(&f, IF2, &ii) && ii.version == 1, "info: v1");
	fi_fini(&f);
}

/* RFC 3810 5.1.3 and 5.1.9: the exponential forms, on the wire. */
static void test_encodings(void)
{
	struct igmp_opts o = fi_opts();
	const uint8_t *icmp;
	struct fi_query6 q;

	check_begin("Maximum Response Code and QQIC encodings");
	o.query_interval_ms = 200000;
	o.query_response_interval_ms = 40000;
	CHECK_EQ(fi_init(&f, &o), 0, "init");
	mld_if_enable(f.g, IF1, 2);
	CHECK(fi_parse_tx6(&f.tx[0], &q), "query");
	icmp = f.tx[0].buf + MLD_HDRS_LEN;
	/* 40000 ms = (0x388 | 0x1000) << (0 + 3): 1 000 0x388 */
	CHECK(icmp[4] == 0x83 && icmp[5] == 0x88, "MRC 0x8388: %02x%02x",
	      icmp[4], icmp[5]);
	CHECK_EQ(q.max_resp_ms, 40000, "decodes to 40 s");
	/* 200 s = (9 | 0x10) << (0 + 3): 1 000 1001 */
	CHECK(icmp[25] == 0x89, "QQIC 0x89: %02x", icmp[25]);
	CHECK_EQ(q.qqi_s, 200, "decodes to 200 s");
	fi_tx_clear(&f);
	mld_if_enable(f.g, IF2, 1);
	CHECK(fi_parse_tx6(&f.tx[0], &q) && q.version == 1, "v1 query");
	icmp = f.tx[0].buf + MLD_HDRS_LEN;
	CHECK(icmp[4] == 0x9c && icmp[5] == 0x40,
	      "MLDv1: 40000 ms as a plain 16-bit number");
	fi_fini(&f);

	o = fi_opts();
	o.query_response_interval_ms = 4000;
	o.query_interval_ms = 100000;
	CHECK_EQ(fi_init(&f, &o), 0, "init");
	mld_if_enable(f.g, IF1, 2);
	icmp = f.tx[0].buf + MLD_HDRS_LEN;
	CHECK(icmp[4] == 0x0f && icmp[5] == 0xa0, "MRC below 32768: linear");
	CHECK(icmp[25] == 100, "QQIC below 128: linear");
	fi_fini(&f);
}

static void test_election(void)
{
	struct igmp_opts o = fi_opts();
	struct igmp_if_info ii;
	struct fi_query6 q;

	check_begin("MLDv2 querier election");
	o.startup_query_count = 1;
	CHECK_EQ(fi_init(&f, &o), 0, "init");
	mld_if_enable(f.g, IF1, 2);
	fi_advance(&f, 1000);
	fi_tx_clear(&f);

	/* A higher link-local address does not win. */
	fi_mld_query(&f, IF1, "fe80::1:200", 2, "::", 10000, false, 2, 125, "");
	CHECK(fi_if6(&f, IF1, &ii) && ii.querier, "still querier");
	CHECK_EQ(ii.cnt.rx_query[2], 1, "MLDv2 query counted");

	/* A lower one does; its QRV and QQIC are adopted. */
	fi_mld_query(&f, IF1, "fe80::1:1", 2, "::", 10000, false, 3, 60, "");
	CHECK(fi_if6(&f, IF1, &ii) && !ii.querier, "no longer querier");
	CHECK(eq6(&ii.querier_addr_x, "fe80::1:1"), "querier is fe80::1:1");
	CHECK_EQ(ii.robustness, 3, "QRV adopted");
	CHECK_EQ(ii.query_interval_ms, 60000, "QQI adopted");
	/* Other querier present: RV * QI + QRI / 2 = 3 * 60 + 1 s. */
	CHECK_EQ(ii.other_querier_ms, 181000, "other querier present timer");
	CHECK_EQ(f.n_events[IGMP_EV_NON_QUERIER], 1, "event");

	/* A non-querier sends nothing; the other querier keeps it so. */
	fi_advance(&f, 150000);
	fi_mld_query(&f, IF1, "fe80::1:1", 2, "::", 10000, false, 3, 60, "");
	fi_advance(&f, 150000);
	CHECK_EQ(fi_count_tx6(&f, IF1, 'G'), 0, "silent while not querier");
	CHECK(fi_if6(&f, IF1, &ii) && !ii.querier, "querier still away");

	/* The querier goes quiet: we take over after the timer. */
	fi_advance(&f, 31000);
	CHECK(fi_if6(&f, IF1, &ii) && ii.querier, "querier again");
	CHECK_EQ(fi_count_tx6(&f, IF1, 'G'), 1, "and querying");
	CHECK(last_query(&q) && eq6(&q.src, "fe80::1:100"), "as ourselves");
	fi_fini(&f);

	check_begin("MLDv1 querier election");
	CHECK_EQ(fi_init(&f, &o), 0, "init");
	mld_if_enable(f.g, IF1, 1);
	fi_advance(&f, 1000);
	fi_tx_clear(&f);
	fi_mld_query(&f, IF1, "fe80::1:1", 1, "::", 10000, false, 0, 0, "");
	CHECK(fi_if6(&f, IF1, &ii) && !ii.querier, "lower v1 querier wins");
	CHECK_EQ(ii.cnt.rx_query[1], 1, "MLDv1 query counted");
	CHECK_EQ(ii.robustness, 2, "nothing to adopt from MLDv1");
	/* 2 * 10 + 2 / 2 s */
	CHECK_EQ(ii.other_querier_ms, 21000, "other querier present timer");
	fi_advance(&f, 20000);
	CHECK(fi_if6(&f, IF1, &ii) && !ii.querier, "not yet after 20 s");
	fi_advance(&f, 1000);
	CHECK(fi_if6(&f, IF1, &ii) && ii.querier, "querier at 21 s");
	fi_fini(&f);

	check_begin("no link-local address yet: no query until it comes");
	CHECK_EQ(fi_init(&f, &o), 0, "init");
	memset(f.if_ll[IF1], 0, 16);
	mld_if_enable(f.g, IF1, 2);
	CHECK(fi_if6(&f, IF1, &ii) && ii.cnt.tx_errors == 1 &&
		      ii.cnt.tx_general_query == 0,
	      "no query without a source address");
	f.if_ll[IF1][0] = 0xfe;
	f.if_ll[IF1][1] = 0x80;
	f.if_ll[IF1][15] = 0x77;
	fi_advance(&f, 10000);
	CHECK(fi_if6(&f, IF1, &ii) && ii.cnt.tx_general_query == 1 &&
		      eq6(&ii.querier_addr_x, "fe80::77"),
	      "the address appears: the next query goes out, from it");
	fi_mld_query(&f, IF1, "fe80::76", 2, "::", 10000, false, 2, 10, "");
	CHECK(fi_if6(&f, IF1, &ii) && !ii.querier, "fe80::76 < fe80::77 wins");
	fi_fini(&f);

	check_begin("no link-local address: any querier wins");
	CHECK_EQ(fi_init(&f, &o), 0, "init");
	memset(f.if_ll[IF1], 0, 16);
	mld_if_enable(f.g, IF1, 2);
	fi_mld_query(&f, IF1, "fe80::ffff:ffff", 2, "::", 10000, false, 2, 10,
		     "");
	CHECK(fi_if6(&f, IF1, &ii) && !ii.querier, "any querier wins");
	fi_fini(&f);
}

/* Reports and dones; group-specific queries; robustness. */
static void test_reports(void)
{
	struct igmp_group_info gi;
	struct fi_query6 q;
	struct igmp_if_info ii;

	check_begin("MLDv2 reports, done, Q(MA)");
	CHECK_EQ(fi_init(&f, NULL), 0, "init");
	mld_if_enable(f.g, IF1, 2);
	fi_mld_v2(&f, IF1, HOST, MLD_IS_EX, G1, "");
	CHECK(!strcmp(fi_state6(&f, IF1, G1), "EX{}{}"), "EX{}{}: %s",
	      fi_state6(&f, IF1, G1));
	CHECK(fi_group6(&f, IF1, G1, &gi), "group info");
	CHECK_EQ(gi.timer_ms, 22000, "group timer = GMI");
	CHECK(gi.family == MGM_AF_INET6 && gi.group == 0 &&
		      eq6(&gi.group_x, G1),
	      "an IPv6 group");
	CHECK(eq6(&gi.last_reporter_x, HOST), "last reporter");
	CHECK_EQ(gi.compat, 2, "MLDv2 mode");

	/* A report from :: (before DAD) is valid. */
	fi_mld_v2(&f, IF1, "::", MLD_IS_EX, G2, "");
	CHECK(!strcmp(fi_state6(&f, IF1, G2), "EX{}{}"),
	      "a report from :: counts");

	fi_tx_clear(&f);
	fi_mld_v2(&f, IF1, HOST, MLD_TO_IN, G1, "");
	CHECK_EQ(fi_count_tx6(&f, IF1, 'g'), 1, "Q(MA) at once");
	CHECK(last_query(&q) && eq6(&q.dst, G1) && eq6(&q.group, G1),
	      "to the group, about the group");
	CHECK_EQ(q.max_resp_ms, 1000, "Maximum Response Delay = LLQI");
	CHECK(fi_group6(&f, IF1, G1, &gi) && gi.timer_ms == 2000,
	      "group timer lowered to LLQT (2 s): %u", gi.timer_ms);
	fi_advance(&f, 1000);
	CHECK_EQ(fi_count_tx6(&f, IF1, 'g'), 2, "LLQC = 2 queries, 1 s apart");
	fi_advance(&f, 1000);
	CHECK(!strcmp(fi_state6(&f, IF1, G1), "-"), "gone after LLQT");
	CHECK_EQ(fi_count_tx6(&f, IF1, 'g'), 2, "no more queries");
	fi_fini(&f);

	check_begin("robustness 3");
	{
		struct igmp_opts o = fi_opts();

		o.robustness = 3;
		CHECK_EQ(fi_init(&f, &o), 0, "init");
	}
	mld_if_enable(f.g, IF1, 2);
	CHECK(fi_parse_tx6(&f.tx[0], &q) && q.qrv == 3, "QRV 3");
	fi_advance(&f, 6000);
	CHECK_EQ(fi_count_tx6(&f, IF1, 'G'), 3, "3 startup queries");
	fi_mld_v2(&f, IF1, HOST, MLD_IS_EX, G1, "");
	CHECK(fi_group6(&f, IF1, G1, &gi) && gi.timer_ms == 32000,
	      "GMI = 3 * 10 + 2 s: %u", gi.timer_ms);
	fi_tx_clear(&f);
	fi_mld_v1(&f, IF1, HOST, MLD_V1_DONE, G1);
	fi_advance(&f, 2000);
	CHECK_EQ(fi_count_tx6(&f, IF1, 'g'), 3, "LLQC 3: three Q(MA)");
	CHECK(fi_group6(&f, IF1, G1, &gi), "still there before LLQT");
	fi_advance(&f, 1000);
	CHECK(!strcmp(fi_state6(&f, IF1, G1), "-"), "gone at 3 s");
	CHECK(fi_if6(&f, IF1, &ii) && ii.cnt.rx_leave == 1, "done counted");
	fi_fini(&f);

	check_begin("expiry without done");
	CHECK_EQ(fi_init(&f, NULL), 0, "init");
	mld_if_enable(f.g, IF1, 2);
	fi_mld_v2(&f, IF1, HOST, MLD_ALLOW, G1, S1 " " S2);
	CHECK(!strcmp(fi_state6(&f, IF1, G1), "IN{2001:db8::1,2001:db8::2}"),
	      "IN{S1,S2}: %s", fi_state6(&f, IF1, G1));
	CHECK_EQ(fi_src_timer6(&f, IF1, G1, S1), 22000, "source timer GMI");
	fi_advance(&f, 21999);
	CHECK(strcmp(fi_state6(&f, IF1, G1), "-"), "there at GMI - 1 ms");
	fi_advance(&f, 1);
	CHECK(!strcmp(fi_state6(&f, IF1, G1), "-"), "gone at GMI");
	fi_fini(&f);
}

/* RFC 3810 7.4 (RFC 3376 6.4 with MLD's names). */
static void test_transitions(void)
{
	struct fi_query6 q;
	struct igmp_group_info gi;

	check_begin("INCLUDE/EXCLUDE transitions");
	CHECK_EQ(fi_init(&f, NULL), 0, "init");
	mld_if_enable(f.g, IF1, 2);
	fi_mld_v2(&f, IF1, HOST, MLD_IS_IN, G1, S1 " " S2);
	CHECK(!strcmp(fi_state6(&f, IF1, G1), "IN{2001:db8::1,2001:db8::2}"),
	      "IS_IN: IN{S1,S2}");

	fi_tx_clear(&f);
	fi_mld_v2(&f, IF1, HOST, MLD_BLOCK, G1, S1);
	CHECK_EQ(fi_count_tx6(&f, IF1, 's'), 1, "BLOCK: Q(MA,S1)");
	CHECK(last_query(&q) && q.nsrc == 1 && eq6(&q.srcs[0], S1) &&
		      eq6(&q.group, G1),
	      "about S1 only");
	CHECK_EQ(fi_src_timer6(&f, IF1, G1, S1), 2000, "S1 timer to LLQT");
	fi_advance(&f, 2000);
	CHECK(!strcmp(fi_state6(&f, IF1, G1), "IN{2001:db8::2}"), "S1 gone: %s",
	      fi_state6(&f, IF1, G1));

	/* INCLUDE(A) TO_EX(B) -> EXCLUDE(A*B, B-A), Q(MA, A*B) */
	fi_mld_v2(&f, IF1, HOST, MLD_ALLOW, G1, S1);
	fi_tx_clear(&f);
	fi_mld_v2(&f, IF1, HOST, MLD_TO_EX, G1, S1 " " S3);
	CHECK(!strcmp(fi_state6(&f, IF1, G1), "EX{2001:db8::1}{2001:db8::3}"),
	      "TO_EX: EX{S1}{S3}: %s", fi_state6(&f, IF1, G1));
	CHECK(last_query(&q) && q.nsrc == 1 && eq6(&q.srcs[0], S1),
	      "Q(MA, A*B) = Q(MA, S1)");
	CHECK(fi_group6(&f, IF1, G1, &gi) && gi.mode == IGMP_EXCLUDE &&
		      gi.timer_ms == 22000,
	      "EXCLUDE, group timer GMI");

	/* EXCLUDE(X,Y) ALLOW(A) -> EXCLUDE(X+A, Y-A) */
	fi_mld_v2(&f, IF1, HOST, MLD_ALLOW, G1, S3);
	CHECK(!strcmp(fi_state6(&f, IF1, G1), "EX{2001:db8::1,2001:db8::3}{}"),
	      "ALLOW S3: EX{S1,S3}{}: %s", fi_state6(&f, IF1, G1));

	/* Group timer expiry: EXCLUDE -> INCLUDE of the running sources. */
	fi_advance(&f, 22000);
	CHECK(!strcmp(fi_state6(&f, IF1, G1), "-"), "all timers ran out: %s",
	      fi_state6(&f, IF1, G1));

	/* EXCLUDE(X,Y) IS_EX(A) -> EXCLUDE(A-Y, Y*A) */
	fi_mld_v2(&f, IF1, HOST, MLD_IS_EX, G1, S1);
	CHECK(!strcmp(fi_state6(&f, IF1, G1), "EX{}{2001:db8::1}"),
	      "IS_EX from nothing: EX{}{S1}");
	fi_mld_v2(&f, IF1, HOST, MLD_IS_EX, G1, S2);
	CHECK(!strcmp(fi_state6(&f, IF1, G1), "EX{2001:db8::2}{}"),
	      "IS_EX S2: EX{S2}{}: %s", fi_state6(&f, IF1, G1));
	fi_advance(&f, 22000);
	CHECK(!strcmp(fi_state6(&f, IF1, G1), "-"), "expired");
	fi_fini(&f);
}

static void test_compat(void)
{
	struct igmp_group_info gi;
	struct igmp_if_info ii;

	check_begin("MLDv1 compatibility mode");
	CHECK_EQ(fi_init(&f, NULL), 0, "init");
	mld_if_enable(f.g, IF1, 2);
	fi_mld_v1(&f, IF1, HOST, MLD_V1_REPORT, G1);
	CHECK(!strcmp(fi_state6(&f, IF1, G1), "EX{}{}"), "v1 report: EX{}{}");
	CHECK(fi_group6(&f, IF1, G1, &gi) && gi.compat == 1 &&
		      gi.v2_host_ms == 22000 && gi.v1_host_ms == 0,
	      "MLDv1 mode, older host present = GMI");
	fi_mld_v2(&f, IF1, HOST, MLD_BLOCK, G1, S1);
	CHECK(!strcmp(fi_state6(&f, IF1, G1), "EX{}{}"), "BLOCK ignored");
	fi_mld_v2(&f, IF1, HOST, MLD_TO_EX, G1, S1);
	CHECK(!strcmp(fi_state6(&f, IF1, G1), "EX{}{}"),
	      "TO_EX(S1) taken as TO_EX({})");
	CHECK(fi_if6(&f, IF1, &ii) && ii.cnt.rec_compat == 1 &&
		      ii.cnt.rx_report[1] == 1 && ii.cnt.rx_report[2] == 2,
	      "counted");
	fi_advance(&f, 10000);
	fi_mld_v2(&f, IF1, HOST, MLD_IS_EX, G1, "");
	fi_advance(&f, 12000);
	CHECK(fi_group6(&f, IF1, G1, &gi) && gi.compat == 2,
	      "back to MLDv2 when the v1 host timer ran out");
	fi_mld_v2(&f, IF1, HOST, MLD_BLOCK, G1, S1);
	CHECK(!strcmp(fi_state6(&f, IF1, G1), "EX{2001:db8::1}{}"),
	      "BLOCK honoured again: %s", fi_state6(&f, IF1, G1));
	fi_fini(&f);

	check_begin("MLDv1 router");
	CHECK_EQ(fi_init(&f, NULL), 0, "init");
	mld_if_enable(f.g, IF1, 1);
	fi_mld_v2(&f, IF1, HOST, MLD_IS_EX, G1, "");
	CHECK(!strcmp(fi_state6(&f, IF1, G1), "-"), "MLDv2 report ignored");
	CHECK(fi_if6(&f, IF1, &ii) && ii.cnt.ignored_version == 1, "counted");
	fi_mld_v1(&f, IF1, HOST, MLD_V1_REPORT, G1);
	CHECK(fi_group6(&f, IF1, G1, &gi) && gi.compat == 1, "v1 group");
	fi_tx_clear(&f);
	fi_mld_v1(&f, IF1, HOST, MLD_V1_DONE, G1);
	CHECK_EQ(fi_count_tx6(&f, IF1, 'g'), 1, "done: a v1 specific query");
	{
		struct fi_query6 q;

		CHECK(last_query(&q) && q.version == 1 && eq6(&q.group, G1),
		      "MLDv1, about the group");
	}
	fi_advance(&f, 2000);
	CHECK(!strcmp(fi_state6(&f, IF1, G1), "-"), "gone after LLQT");
	fi_fini(&f);
}

/* A non-querier lowers timers on the querier's specific queries. */
static void test_lowering(void)
{
	struct igmp_group_info gi;

	check_begin("timer lowering by the querier's Q(MA)");
	CHECK_EQ(fi_init(&f, NULL), 0, "init");
	mld_if_enable(f.g, IF1, 2);
	fi_mld_query(&f, IF1, "fe80::1:1", 2, "::", 10000, false, 2, 10, "");
	fi_mld_v2(&f, IF1, HOST, MLD_IS_EX, G1, "");
	fi_mld_v2(&f, IF1, HOST, MLD_IS_IN, G2, S1);
	fi_tx_clear(&f);
	fi_mld_v2(&f, IF1, HOST, MLD_TO_IN, G1, "");
	CHECK_EQ(fi_count_tx6(&f, IF1, 'g'), 0, "non-querier sends no Q(MA)");
	CHECK(fi_group6(&f, IF1, G1, &gi) && gi.timer_ms == 22000,
	      "nor lowers by itself");
	fi_mld_query(&f, IF1, "fe80::1:1", 2, G1, 1500, true, 2, 10, "");
	CHECK(fi_group6(&f, IF1, G1, &gi) && gi.timer_ms == 22000,
	      "S flag: not lowered");
	fi_mld_query(&f, IF1, "fe80::1:1", 2, G1, 1500, false, 2, 10, "");
	CHECK(fi_group6(&f, IF1, G1, &gi) && gi.timer_ms == 3000,
	      "lowered to QRV * MRD = 3 s: %u", gi.timer_ms);
	fi_mld_query(&f, IF1, "fe80::1:1", 2, G2, 1000, false, 2, 10, S1);
	CHECK_EQ(fi_src_timer6(&f, IF1, G2, S1), 2000,
		 "Q(MA,S1) lowers S1 to 2 s");
	fi_fini(&f);
}

static void test_scope(void)
{
	struct igmp_if_info ii;
	struct igmp_opts o = fi_opts();

	check_begin("SSM range and link scope");
	CHECK_EQ(fi_init(&f, NULL), 0, "init");
	mld_if_enable(f.g, IF1, 2);
	fi_mld_v2(&f, IF1, HOST, MLD_IS_EX, SSM, "");
	CHECK(!strcmp(fi_state6(&f, IF1, SSM), "-"),
	      "ASM join in ff3e::/32 ignored");
	fi_mld_v1(&f, IF1, HOST, MLD_V1_REPORT, SSM);
	CHECK(!strcmp(fi_state6(&f, IF1, SSM), "-"), "v1 join too");
	fi_mld_v2(&f, IF1, HOST, MLD_ALLOW, SSM, S1);
	CHECK(!strcmp(fi_state6(&f, IF1, SSM), "IN{2001:db8::1}"),
	      "source-specific join kept");
	fi_mld_v2(&f, IF1, HOST, MLD_IS_EX, "ff02::1:ff00:1", "");
	fi_mld_v1(&f, IF1, HOST, MLD_V1_REPORT, "ff01::5");
	fi_mld_v2(&f, IF1, HOST, MLD_IS_EX, "ff05::1:3", "");
	CHECK(!strcmp(fi_state6(&f, IF1, "ff02::1:ff00:1"), "-"),
	      "link scope: no state");
	CHECK(!strcmp(fi_state6(&f, IF1, "ff01::5"), "-"),
	      "interface-local: no state");
	CHECK(!strcmp(fi_state6(&f, IF1, "ff05::1:3"), "EX{}{}"),
	      "site scope: kept");
	CHECK(fi_if6(&f, IF1, &ii) && ii.cnt.rec_ssm == 2 &&
		      ii.cnt.rec_local == 2,
	      "counted: ssm %llu local %llu",
	      (unsigned long long)ii.cnt.rec_ssm,
	      (unsigned long long)ii.cnt.rec_local);
	fi_fini(&f);

	o.asm_in_ssm_range = true;
	CHECK_EQ(fi_init(&f, &o), 0, "init");
	mld_if_enable(f.g, IF1, 2);
	fi_mld_v2(&f, IF1, HOST, MLD_IS_EX, SSM, "");
	CHECK(!strcmp(fi_state6(&f, IF1, SSM), "EX{}{}"),
	      "asm_in_ssm_range: kept");
	fi_fini(&f);
}

/* Rewrite the ICMPv6 checksum after changing an address. */
static void resum(uint8_t *p, size_t n)
{
	struct in6_addr s, d;
	uint8_t *icmp = p + MLD_HDRS_LEN;
	uint16_t c;

	memcpy(&s, p + 8, 16);
	memcpy(&d, p + 24, 16);
	icmp[2] = icmp[3] = 0;
	c = mld_csum(&s, &d, icmp, n - MLD_HDRS_LEN);
	icmp[2] = (uint8_t)(c >> 8);
	icmp[3] = (uint8_t)c;
}

static void test_invalid(void)
{
	struct igmp_if_info ii;
	uint8_t p[1500];
	size_t n;

	check_begin("invalid MLD packets are counted and ignored");
	CHECK_EQ(fi_init(&f, NULL), 0, "init");
	mld_if_enable(f.g, IF1, 2);

	n = fi_mld_v2_pkt(p, HOST, MLD_IS_EX, G1, "");
	p[7] = 2;
	fi_input(&f, IF1, p, n);
	CHECK(fi_if6(&f, IF1, &ii) && ii.cnt.bad_ttl == 1, "hop limit 2");

	n = fi_mld_v2_pkt(p, HOST, MLD_IS_EX, G1, "");
	p[7] = 255;
	fi_input(&f, IF1, p, n);
	CHECK(fi_if6(&f, IF1, &ii) && ii.cnt.bad_ttl == 2, "hop limit 255");

	/* The Router Alert option turned into padding. */
	n = fi_mld_v2_pkt(p, HOST, MLD_IS_EX, G1, "");
	CHECK(p[6] == 0 && p[42] == 5, "HBH with RA as built");
	p[42] = 1;
	fi_input(&f, IF1, p, n);
	CHECK(fi_if6(&f, IF1, &ii) && ii.cnt.no_router_alert == 1,
	      "no Router Alert");

	n = fi_mld_v1_pkt(p, S1, MLD_V1_REPORT, G1);
	fi_input(&f, IF1, p, n);
	CHECK(fi_if6(&f, IF1, &ii) && ii.cnt.bad_src == 1,
	      "global source address");
	n = fi_mld_v2_pkt(p, HOST, MLD_IS_EX, G1, "");
	memcpy(p + 8, A6("2001:db8::99").v6, 16);
	resum(p, n);
	fi_input(&f, IF1, p, n);
	CHECK(fi_if6(&f, IF1, &ii) && ii.cnt.bad_src == 2,
	      "global source, v2 report");

	n = fi_mld_v2_pkt(p, HOST, MLD_IS_EX, G1, "");
	p[n - 1] ^= 1;
	fi_input(&f, IF1, p, n);
	CHECK(fi_if6(&f, IF1, &ii) && ii.cnt.bad_checksum == 1, "checksum");

	n = fi_mld_v2_pkt(p, HOST, MLD_IS_EX, G1, "");
	fi_input(&f, IF1, p, n - 3);
	CHECK(fi_if6(&f, IF1, &ii) && ii.cnt.bad_ip + ii.cnt.truncated == 1,
	      "truncated");

	CHECK(!strcmp(fi_state6(&f, IF1, G1), "-"), "no state from any");
	CHECK_EQ(ii.cnt.rx_packets, 7, "every packet seen");
	CHECK_EQ(ii.cnt.rx_report[2], 0, "none accepted");

	/* A query from :: or a global address takes no part. */
	fi_mld_query(&f, IF1, "::", 2, "::", 10000, false, 2, 10, "");
	fi_mld_query(&f, IF1, "2001:db8::1", 2, "::", 10000, false, 2, 10, "");
	CHECK(fi_if6(&f, IF1, &ii) && ii.querier && ii.cnt.bad_src == 4,
	      "queries from :: and global: rejected, still querier");

	/* An IPv6 packet to an IGMP-only interface is IGMP's bad packet. */
	igmp_if_enable(f.g, IF2, 3);
	n = fi_mld_v2_pkt(p, HOST, MLD_IS_EX, G1, "");
	fi_input(&f, IF2, p, n);
	CHECK(fi_if(&f, IF2, &ii) && ii.cnt.bad_ip == 1,
	      "counted on IF2's IGMP");
	CHECK(!fi_if6(&f, IF2, &ii), "no MLD on IF2");
	/* And the valid packet is taken. */
	n = fi_mld_v2_pkt(p, HOST, MLD_IS_EX, G1, "");
	fi_input(&f, IF1, p, n);
	CHECK(!strcmp(fi_state6(&f, IF1, G1), "EX{}{}"), "valid: taken");
	fi_fini(&f);
}

/* Find whether IGMP (MGM_MS_IP_IGMP) runs on an interface in MGM. */
struct ifq {
	uint32_t ifindex;
	int n;
};

static int if_cb(void *arg, const struct mgm_interface_info *i)
{
	struct ifq *q = arg;

	if (i->ifindex == q->ifindex && i->igmp)
		q->n++;
	return 0;
}

static int mgm_igmp_on(uint32_t ifindex)
{
	struct ifq q = { .ifindex = ifindex };

	mgm_foreach_interface(f.m, if_cb, &q);
	return q.n;
}

static void test_both_families(void)
{
	struct igmp_if_info ii;

	check_begin("IGMP and MLD on one interface");
	CHECK_EQ(fi_init(&f, NULL), 0, "init");
	CHECK_EQ(igmp_if_enable(f.g, IF1, 3), 0, "IGMPv3");
	CHECK_EQ(mld_if_enable(f.g, IF1, 2), 0, "and MLDv2");
	CHECK_EQ(mgm_igmp_on(IF1), 1, "MGM: one interface, owned once");
	CHECK_EQ(fi_count_tx(&f, IF1, 'G'), 1, "an IGMP general query");
	CHECK_EQ(fi_count_tx6(&f, IF1, 'G'), 1, "an MLD general query");
	fi_send_v12(&f, IF1, A("10.0.1.9"), 0x16, A("239.1.1.1"));
	fi_mld_v2(&f, IF1, HOST, MLD_IS_EX, G1, "");
	CHECK(!strcmp(fi_state(&f, IF1, A("239.1.1.1")), "EX{}{}"),
	      "IPv4 group");
	CHECK(!strcmp(fi_state6(&f, IF1, G1), "EX{}{}"), "IPv6 group");
	CHECK(fi_if(&f, IF1, &ii) && ii.n_groups == 1, "one each");
	CHECK(fi_if6(&f, IF1, &ii) && ii.n_groups == 1, "one each (MLD)");
	CHECK(!strcmp(fi_members(&f), "1:*,239.1.1.1 1:*,ff0e::1:1"),
	      "both memberships in MGM: %s", fi_members(&f));

	CHECK_EQ(mld_if_disable(f.g, IF1), 0, "MLD off");
	CHECK_EQ(mld_if_disable(f.g, IF1), -ENOENT, "twice");
	CHECK_EQ(mgm_igmp_on(IF1), 1, "IGMP keeps the interface in MGM");
	CHECK(!strcmp(fi_members(&f), "1:*,239.1.1.1"),
	      "and its membership: %s", fi_members(&f));
	CHECK(!strcmp(fi_state6(&f, IF1, G1), "-"), "MLD state gone");
	fi_advance(&f, 20000);
	CHECK(!strcmp(fi_state(&f, IF1, A("239.1.1.1")), "EX{}{}"),
	      "IGMP runs on");

	CHECK_EQ(mld_if_enable(f.g, IF1, 1), 0, "MLDv1 back");
	CHECK_EQ(igmp_if_disable(f.g, IF1), 0, "IGMP off");
	CHECK_EQ(mgm_igmp_on(IF1), 1, "MLD keeps the interface");
	CHECK(!strcmp(fi_members(&f), ""), "IGMP's membership gone: %s",
	      fi_members(&f));
	CHECK(fi_if6(&f, IF1, &ii) && ii.version == 1, "MLDv1 runs");
	CHECK_EQ(mld_if_disable(f.g, IF1), 0, "MLD off");
	CHECK_EQ(mgm_igmp_on(IF1), 0, "released with the last family");
	CHECK_EQ(mld_if_enable(f.g, IF1, 2), 0, "MLD alone: takes it again");
	CHECK_EQ(mgm_igmp_on(IF1), 1, "owned");
	fi_fini(&f);
}

int main(void)
{
	test_schedule();
	test_encodings();
	test_election();
	test_reports();
	test_transitions();
	test_compat();
	test_lowering();
	test_scope();
	test_invalid();
	test_both_families();
	return check_summary();
}
