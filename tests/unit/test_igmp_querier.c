// SPDX-License-Identifier: GPL-2.0
/*
 * test_igmp_querier.c - the querier side of IGMP on a fake clock: the
 * startup and general query schedule and the fields of what is sent (v3
 * and v2), querier election by lowest address with the other-querier-
 * present timer, adoption of the querier's QRV and QQIC, timer lowering
 * by the querier's group-specific queries (and not when they carry S),
 * and send failures.
 *
 * Timers (fi_opts): QI 10 s, QRI 2 s, RV 2, LMQI 1 s; so startup query
 * interval 2.5 s, startup count 2, GMI 22 s, other querier present 21 s.
 * The router is 10.0.<ifindex>.1.
 */
#include <errno.h>
#include <string.h>
#include <arpa/inet.h>

#include "check.h"
#include "fake_igmp_io.h"

#define IF1 1U
#define IF2 2U
#define MS 1000000ULL

static struct fake_igmp f;

/* Times (ms after t0) of the general queries sent on ifindex. */
static size_t gq_times(uint32_t ifindex, uint64_t t0, uint64_t *v, size_t max)
{
	struct fi_query q;
	size_t i, n = 0;

	for (i = 0; i < f.ntx && n < max; i++)
		if (f.tx[i].ifindex == ifindex && fi_parse_tx(&f.tx[i], &q) &&
		    !q.group)
			v[n++] = (f.tx[i].at - t0) / MS;
	return n;
}

static void test_schedule(void)
{
	uint64_t t0, v[8];
	struct fi_query q;
	struct igmp_if_info ii;
	size_t n;

	check_begin("startup and general queries");
	CHECK_EQ(fi_init(&f, NULL), 0, "init");
	t0 = f.now;
	CHECK_EQ(igmp_if_enable(f.g, IF1, 3), 0, "enable v3");
	CHECK_EQ(igmp_if_enable(f.g, IF1, 3), -EEXIST, "enable twice");
	CHECK_EQ(igmp_if_enable(f.g, IF2, 4), -EINVAL, "version 4");
	CHECK_EQ(f.ntx, 1, "a general query at once");
	CHECK(fi_parse_tx(&f.tx[0], &q), "it parses");
	CHECK_EQ(q.version, 3, "IGMPv3");
	CHECK(q.dst == A("224.0.0.1") && !q.group, "to all-hosts");
	CHECK_EQ(q.max_resp, 20, "max resp = QRI (2 s)");
	CHECK_EQ(q.qrv, 2, "QRV = robustness");
	CHECK_EQ(q.qqi, 10, "QQIC = query interval");
	CHECK(!q.s_flag && !q.nsrc, "no S flag, no sources");
	CHECK_EQ(igmp_timeout_ms(f.g), 2500, "next: startup interval");
	fi_advance(&f, 45000);
	n = gq_times(IF1, t0, v, 8);
	CHECK_EQ(n, 6, "2 startup + 4 regular queries in 45 s");
	CHECK(v[0] == 0 && v[1] == 2500 && v[2] == 12500 && v[3] == 22500 &&
		      v[4] == 32500 && v[5] == 42500,
	      "at 0, 2.5, 12.5, 22.5 ... s: %llu %llu %llu %llu",
	      (unsigned long long)v[1], (unsigned long long)v[2],
	      (unsigned long long)v[3], (unsigned long long)v[4]);
	CHECK(fi_if(&f, IF1, &ii), "info");
	CHECK(ii.querier && ii.querier_addr == A("10.0.1.1"), "querier: us");
	CHECK_EQ(ii.startup_left, 0, "startup done");
	CHECK_EQ(ii.cnt.tx_general_query, 6, "counted");

	fi_tx_clear(&f);
	CHECK_EQ(igmp_if_enable(f.g, IF2, 2), 0, "enable v2");
	CHECK(fi_parse_tx(&f.tx[0], &q) && q.version == 2,
	      "v2 interface sends 8-byte queries");
	CHECK_EQ(q.max_resp, 20, "v2 max resp in tenths");
	fi_fini(&f);
}

static void test_startup_count(void)
{
	struct igmp_opts o = fi_opts();
	uint64_t t0, v[8];
	size_t n;

	check_begin("startup count and interval options");
	o.startup_query_count = 4;
	o.startup_query_interval_ms = 1000;
	CHECK_EQ(fi_init(&f, &o), 0, "init");
	t0 = f.now;
	igmp_if_enable(f.g, IF1, 3);
	fi_advance(&f, 14000);
	n = gq_times(IF1, t0, v, 8);
	CHECK_EQ(n, 5, "4 startup queries 1 s apart, then one at +13 s");
	CHECK(n == 5 && v[3] == 3000 && v[4] == 13000, "times %llu %llu",
	      (unsigned long long)v[3], (unsigned long long)v[4]);
	fi_fini(&f);
}

static void test_election(void)
{
	struct igmp_if_info ii;
	struct igmp_opts o = fi_opts();

	check_begin("querier election");
	o.startup_query_count = 1;
	CHECK_EQ(fi_init(&f, &o), 0, "init");
	igmp_if_enable(f.g, IF1, 3);
	fi_advance(&f, 1000);
	fi_tx_clear(&f);

	/* A higher address does not win. */
	fi_send_query(&f, IF1, A("10.0.1.200"), 3, 0, 100, false, 2, 125, "");
	CHECK(fi_if(&f, IF1, &ii) && ii.querier, "still querier");
	CHECK_EQ(ii.cnt.rx_query[2], 1, "v3 query counted");

	/* A lower one does; its QRV and QQIC are adopted. */
	fi_send_query(&f, IF1, A("10.0.0.200"), 3, 0, 100, false, 3, 20, "");
	CHECK(fi_if(&f, IF1, &ii) && !ii.querier, "not querier any more");
	CHECK(ii.querier_addr == A("10.0.0.200"), "querier is 10.0.0.200");
	CHECK_EQ(ii.robustness, 3, "adopted QRV");
	CHECK_EQ(ii.query_interval_ms, 20000, "adopted QQI");
	/* other querier present = 3 * 20 + 2 / 2 = 61 s */
	CHECK_EQ(ii.other_querier_ms, 61000, "other querier present timer");
	CHECK_EQ(f.n_events[IGMP_EV_NON_QUERIER], 1, "event");
	fi_advance(&f, 60900);
	CHECK_EQ(fi_count_tx(&f, IF1, 'G'), 0, "silent while not querier");

	/* The querier goes on querying: we stay quiet. */
	fi_send_query(&f, IF1, A("10.0.0.200"), 3, 0, 100, false, 3, 20, "");
	fi_advance(&f, 60900);
	CHECK_EQ(fi_count_tx(&f, IF1, 'G'), 0, "refreshed: still quiet");
	fi_advance(&f, 200);
	CHECK_EQ(fi_count_tx(&f, IF1, 'G'), 1,
		 "querier gone: we take over with a general query");
	CHECK(fi_if(&f, IF1, &ii) && ii.querier, "querier again");
	CHECK_EQ(ii.robustness, 2, "own robustness again");
	CHECK_EQ(ii.query_interval_ms, 10000, "own interval again");
	CHECK_EQ(f.n_events[IGMP_EV_QUERIER], 2, "events: start, take-over");
	fi_tx_clear(&f);
	fi_advance(&f, 10000);
	CHECK_EQ(fi_count_tx(&f, IF1, 'G'), 1, "and queries every QI");

	/* v2 and v1 queries count for the election too. */
	fi_send_query(&f, IF1, A("10.0.0.5"), 2, 0, 100, false, 0, 0, "");
	CHECK(fi_if(&f, IF1, &ii) && !ii.querier, "lost to a v2 querier");
	/* With no QRV/QQIC (v2): own values, 2 * 10 + 1 = 21 s. */
	CHECK_EQ(ii.other_querier_ms, 21000, "v2: own values");
	fi_send_query(&f, IF1, A("10.0.0.4"), 2, 0, 0, false, 0, 0, "");
	CHECK(fi_if(&f, IF1, &ii) && ii.querier_addr == A("10.0.0.4"),
	      "v1 query (max resp 0) from a lower address");
	CHECK_EQ(ii.cnt.rx_query[0], 1, "v1 query counted");
	/* 0.0.0.0 (a snooping switch) never wins. */
	fi_advance(&f, 22000);
	fi_send_query(&f, IF1, A("0.0.0.0"), 3, 0, 100, false, 2, 125, "");
	CHECK(fi_if(&f, IF1, &ii) && ii.querier, "0.0.0.0 does not win");
	fi_fini(&f);
}

/* Non-querier: the querier's group-specific queries lower our timers. */
static void test_lowering(void)
{
	struct igmp_group_info gi;
	uint32_t G = A("239.1.1.1");

	check_begin("timer lowering by the querier's queries");
	CHECK_EQ(fi_init(&f, NULL), 0, "init");
	igmp_if_enable(f.g, IF1, 3);
	fi_send_query(&f, IF1, A("10.0.0.9"), 3, 0, 100, false, 2, 10, "");
	fi_send_v12(&f, IF1, A("10.0.1.20"), 0x16, G);
	CHECK(fi_group(&f, IF1, G, &gi) && gi.timer_ms == 22000, "GMI");
	fi_tx_clear(&f);
	/* A leave: a non-querier neither queries nor lowers by itself. */
	fi_send_v12(&f, IF1, A("10.0.1.20"), 0x17, G);
	CHECK_EQ(fi_count_tx(&f, IF1, 'g'), 0, "no group query");
	CHECK(fi_group(&f, IF1, G, &gi) && gi.timer_ms == 22000,
	      "timer untouched");
	/* The querier's Q(G) with S set: no lowering. */
	fi_send_query(&f, IF1, A("10.0.0.9"), 3, G, 10, true, 2, 10, "");
	CHECK(fi_group(&f, IF1, G, &gi) && gi.timer_ms == 22000,
	      "S flag: untouched");
	/* Without S: max resp 1 s * QRV 2. */
	fi_send_query(&f, IF1, A("10.0.0.9"), 3, G, 10, false, 2, 10, "");
	CHECK(fi_group(&f, IF1, G, &gi) && gi.timer_ms == 2000,
	      "lowered to LMQT: %u", gi.timer_ms);
	CHECK(!strcmp(fi_members(&f), "1:*,239.1.1.1"), "still a member");
	fi_advance(&f, 1999);
	CHECK(!strcmp(fi_members(&f), "1:*,239.1.1.1"), "until LMQT");
	fi_advance(&f, 2);
	CHECK(!strcmp(fi_members(&f), ""), "then gone: %s", fi_members(&f));
	CHECK(!strcmp(fi_state(&f, IF1, G), "-"), "no state");

	/* Group-and-source query lowers only the sources named. */
	fi_send_v3(&f, IF1, A("10.0.1.20"), 1, G, "192.0.2.1 192.0.2.2");
	fi_send_query(&f, IF1, A("10.0.0.9"), 3, G, 10, false, 2, 10,
		      "192.0.2.1");
	CHECK_EQ(fi_src_timer(&f, IF1, G, A("192.0.2.1")), 2000,
		 "named source lowered");
	CHECK_EQ(fi_src_timer(&f, IF1, G, A("192.0.2.2")), 22000,
		 "other source not");
	/* A v2 group query from the querier (no S flag in v2): LMQC * mrt */
	fi_send_v12(&f, IF1, A("10.0.1.21"), 0x16, A("239.2.2.2"));
	fi_send_query(&f, IF1, A("10.0.0.9"), 2, A("239.2.2.2"), 5, false, 0, 0,
		      "");
	CHECK(fi_group(&f, IF1, A("239.2.2.2"), &gi) && gi.timer_ms == 1000,
	      "v2 GSQ lowers to 0.5 s * 2: %u", gi.timer_ms);
	fi_fini(&f);
}

static void test_send_errors(void)
{
	struct igmp_if_info ii;

	check_begin("send errors");
	CHECK_EQ(fi_init(&f, NULL), 0, "init");
	f.send_err = -ENETDOWN;
	igmp_if_enable(f.g, IF1, 3);
	fi_advance(&f, 30000);
	CHECK(fi_if(&f, IF1, &ii) && ii.cnt.tx_errors == 4,
	      "every failed send counted: %llu",
	      (unsigned long long)ii.cnt.tx_errors);
	CHECK_EQ(ii.cnt.tx_general_query, 0, "none counted as sent");
	CHECK_EQ(f.n_logged, 1, "logged once, not per packet");
	f.send_err = 0;
	fi_advance(&f, 10000);
	CHECK(fi_if(&f, IF1, &ii) && ii.cnt.tx_general_query == 1,
	      "sending again");
	fi_fini(&f);
}

int main(void)
{
	test_schedule();
	test_startup_count();
	test_election();
	test_lowering();
	test_send_errors();
	return check_summary();
}
