// SPDX-License-Identifier: GPL-2.0
/*
 * test_mgm_mfe.c - the MFE table: creation on a miss, negative entries,
 * membership changes applied to existing MFEs, next hops collapsing to
 * one fast-path oif, FORWARD_STATE, idle expiry on the fake clock, the
 * uptime/expiry fields, datapath failures (-ENOSPC), the statistics
 * mapping, and scale (release cost, memory per MFE).
 */
#include <errno.h>
#include <malloc.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "check.h"
#include "fake_dp.h"

#define PID1 0x40000001U
#define PID2 0x40000002U
#define IGMP MGM_MS_IP_IGMP
#define M 0xffffffffU
#define J MGM_JOIN_STATE_FLAG
#define F MGM_FORWARD_STATE_FLAG

static struct fake_dp *fd;
static struct mgm *m;
static struct fake_proto p1, p2, ig;

static void setup_timeout(uint32_t timeout)
{
	fd = fake_dp_new();
	m = fake_mgm_new(fd, timeout);
	if (!m)
		abort();
	fake_proto_register(&p1, fd, m, "P1", PID1, 1);
	fake_proto_register(&p2, fd, m, "P2", PID2, 1);
	fake_proto_register(&ig, fd, m, "IGMP", IGMP, 1);
	mgm_take_interface_ownership(m, p1.h, 1, 0);
	mgm_take_interface_ownership(m, p1.h, 2, 0);
	mgm_take_interface_ownership(m, p1.h, 3, 0);
	mgm_take_interface_ownership(m, p2.h, 4, 0);
	mgm_take_interface_ownership(m, ig.h, 3, 0);
	fake_dp_add_route(fd, A("10.1.0.0"), 16, 1, 0, 2);
	fake_dp_add_route(fd, A("10.4.0.0"), 16, 4, 0, 2);
	fake_log_clear(fd);
}

static void setup(void)
{
	setup_timeout(0);
}

static void teardown(void)
{
	mgm_destroy(m);
	fake_dp_free(fd);
}

static uint32_t add(struct fake_proto *p, uint32_t s, uint32_t g,
		    uint32_t ifindex, uint32_t flags)
{
	return mgm_add_group_membership_entry(m, p->h, s, s ? M : 0, g,
					      g ? M : 0, ifindex, 0, flags);
}

static uint32_t del(struct fake_proto *p, uint32_t s, uint32_t g,
		    uint32_t ifindex, uint32_t flags)
{
	return mgm_delete_group_membership_entry(m, p->h, s, s ? M : 0, g,
						 g ? M : 0, ifindex, 0, flags);
}

static void miss(uint32_t ifindex, uint32_t s, uint32_t g)
{
	fake_dp_inject_miss(fd, ifindex, s, g);
	mgm_dispatch(m);
}

static unsigned installs(void)
{
	struct fake_dp_counts c;

	fake_dp_counts(fd, &c);
	return c.install;
}

#define CHECK_OIFS(s, g, want)                                           \
	CHECK(!strcmp(fake_dp_oifs(fd, s, g), want), "oifs %s, want %s", \
	      fake_dp_oifs(fd, s, g), want)

/* One MFE record via mgm_get_mfe; its oifs into oifs[] (up to 8). */
static uint32_t get_mfe(uint32_t s, uint32_t g, struct mgm_ipmcast_mfe *r,
			struct mgm_ipmcast_oif *oifs)
{
	uint8_t buf[MGM_SIZEOF_MFE(8)];
	uint32_t size = sizeof(buf), ret;

	memset(r, 0, sizeof(*r));
	ret = mgm_get_mfe(m,
			  &(struct mgm_ipmcast_mfe){ .source = s, .group = g },
			  &size, buf);
	if (ret == MGM_NO_ERROR) {
		memcpy(r, buf, sizeof(*r));
		if (oifs && r->num_oifs <= 8)
			memcpy(oifs, buf + sizeof(*r),
			       r->num_oifs * sizeof(*oifs));
	}
	return ret;
}

static void test_lifecycle(void)
{
	const uint32_t S = A("10.1.0.1"), G = A("239.1.1.1");
	struct mgm_stats st;
	unsigned n;

	check_begin("miss -> RPF -> creation -> install");
	setup();
	miss(1, S, G);
	EXPECT_LOG(fd, "P1 rpf 10.1.0.1,239.1.1.1 iif=1 up=0.0.0.0 hdr=20",
		   "install 10.1.0.1,239.1.1.1 iif 1 negative");
	/* A second miss for an existing MFE is ignored. */
	miss(1, S, G);
	EXPECT_NO_LOG(fd);
	/* Invalid (S,G)s from the fast path are ignored. */
	miss(1, 0, G);
	miss(1, S, A("10.2.2.2"));
	EXPECT_NO_LOG(fd);
	mgm_get_stats(m, &st);
	CHECK_EQ(st.mfes_created, 1, "one MFE created");
	CHECK_EQ(st.events, 4, "four events handled");

	/* Negative -> positive -> negative by memberships. */
	CHECK_ERR(add(&p1, 0, G, 2, J), MGM_NO_ERROR);
	CHECK_OIFS(S, G, "2");
	CHECK_ERR(add(&p1, S, G, 3, J), MGM_NO_ERROR);
	CHECK_OIFS(S, G, "2,3");
	n = installs();
	CHECK_ERR(add(&p1, 0, G, 1, J), MGM_NO_ERROR); /* the iif */
	CHECK_EQ(installs(), n, "a membership on the iif changes nothing");
	CHECK_OIFS(S, G, "2,3");
	CHECK_ERR(del(&p1, 0, G, 2, J), MGM_NO_ERROR);
	CHECK_OIFS(S, G, "3");
	/* An interface stays while any membership covers it. */
	CHECK_ERR(add(&ig, 0, G, 3, J), MGM_NO_ERROR);
	n = installs();
	CHECK_ERR(del(&p1, S, G, 3, J), MGM_NO_ERROR);
	CHECK_EQ(installs(), n, "IGMP still covers 3: no install");
	CHECK_OIFS(S, G, "3");
	CHECK_ERR(del(&ig, 0, G, 3, J), MGM_NO_ERROR);
	CHECK_OIFS(S, G, "negative");
	/* A new MFE starts with the current memberships. */
	CHECK_ERR(add(&p2, 0, 0, 4, J), MGM_NO_ERROR);
	miss(1, A("10.1.0.2"), G);
	CHECK_OIFS(A("10.1.0.2"), G, "4");
	CHECK_OIFS(S, G, "4");
	teardown();
}

static void test_group_scope(void)
{
	const uint32_t S1 = A("10.1.0.1"), S2 = A("10.1.0.2");
	const uint32_t G1 = A("239.1.1.1"), G2 = A("239.1.1.2");
	const uint32_t G0 = A("239.1.1.0");

	check_begin("(*,G) and (*,*) reach the right MFEs");
	setup();
	miss(1, S1, G1);
	miss(1, S2, G1);
	miss(1, S1, G2);
	miss(1, S1, G0);
	CHECK_ERR(add(&p1, 0, G1, 2, J), MGM_NO_ERROR);
	CHECK_OIFS(S1, G1, "2");
	CHECK_OIFS(S2, G1, "2");
	CHECK_OIFS(S1, G2, "negative");
	CHECK_OIFS(S1, G0, "negative");
	CHECK_ERR(add(&p2, 0, 0, 4, J), MGM_NO_ERROR);
	CHECK_OIFS(S1, G1, "2,4");
	CHECK_OIFS(S2, G1, "2,4");
	CHECK_OIFS(S1, G2, "4");
	CHECK_OIFS(S1, G0, "4");
	CHECK_ERR(add(&p1, S2, G1, 3, J), MGM_NO_ERROR);
	CHECK_OIFS(S2, G1, "2,3,4");
	CHECK_OIFS(S1, G1, "2,4");
	CHECK_ERR(del(&p2, 0, 0, 4, J), MGM_NO_ERROR);
	CHECK_OIFS(S1, G1, "2");
	CHECK_OIFS(S2, G1, "2,3");
	CHECK_OIFS(S1, G2, "negative");
	teardown();
}

static void test_nexthops(void)
{
	const uint32_t S = A("10.1.0.1"), G = A("239.1.1.1");
	const uint32_t NA = A("192.0.2.1"), NB = A("192.0.2.2");
	struct mgm_ipmcast_oif o[8];
	struct mgm_ipmcast_mfe r;
	unsigned n;

	check_begin("next hops collapse to one fast-path oif");
	setup();
	mgm_take_interface_ownership(m, p2.h, 5, NA);
	mgm_take_interface_ownership(m, p2.h, 5, NB);
	miss(1, S, G);
	mgm_add_group_membership_entry(m, p2.h, 0, 0, G, M, 5, NB, J);
	mgm_add_group_membership_entry(m, p2.h, 0, 0, G, M, 5, NA, J);
	CHECK_OIFS(S, G, "5");
	CHECK_ERR(get_mfe(S, G, &r, o), MGM_NO_ERROR);
	CHECK_EQ(r.num_oifs, 2, "two (ifindex, next hop) oifs");
	CHECK(o[0].out_ifindex == 5 && o[0].nexthop == NA &&
		      o[1].out_ifindex == 5 && o[1].nexthop == NB,
	      "sorted by next hop");
	n = installs();
	mgm_delete_group_membership_entry(m, p2.h, 0, 0, G, M, 5, NA, J);
	CHECK_EQ(installs(), n, "same fast-path oifs: no install");
	CHECK_ERR(get_mfe(S, G, &r, o), MGM_NO_ERROR);
	CHECK(r.num_oifs == 1 && o[0].nexthop == NB, "one left");
	teardown();
}

static int count_memb(void *arg, const struct mgm_membership_info *i)
{
	(void)i;
	(*(int *)arg)++;
	return 0;
}

static void test_forward_state(void)
{
	const uint32_t S = A("10.1.0.1"), G = A("239.1.1.1");
	int n = 0;

	check_begin("FORWARD_STATE");
	setup();
	miss(1, S, G);
	CHECK_ERR(add(&p1, S, G, 2, F), MGM_NO_ERROR);
	CHECK_OIFS(S, G, "2");
	mgm_foreach_membership(m, count_memb, &n);
	CHECK_EQ(n, 0, "forward state records no membership");
	CHECK_ERR(add(&p1, S, G, 2, F), MGM_NO_ERROR); /* idempotent */
	/* Recomputes keep it. */
	CHECK_ERR(add(&p1, 0, G, 3, J), MGM_NO_ERROR);
	CHECK_OIFS(S, G, "2,3");
	CHECK_ERR(del(&p1, 0, G, 3, J), MGM_NO_ERROR);
	CHECK_OIFS(S, G, "2");
	/* Only that MFE. */
	miss(1, A("10.1.0.2"), G);
	CHECK_OIFS(A("10.1.0.2"), G, "negative");
	/* Both flags at once. */
	CHECK_ERR(add(&p2, S, G, 4, F | J), MGM_NO_ERROR);
	CHECK_OIFS(S, G, "2,4");
	CHECK_ERR(del(&p2, S, G, 4, J), MGM_NO_ERROR);
	CHECK_OIFS(S, G, "2,4"); /* forward state still there */
	CHECK_ERR(del(&p2, S, G, 4, F | J), MGM_ERROR_NOT_FOUND);
	CHECK_OIFS(S, G, "2,4"); /* a failed call changes nothing */
	CHECK_ERR(del(&p2, S, G, 4, F), MGM_NO_ERROR);
	CHECK_ERR(del(&p1, S, G, 2, F), MGM_NO_ERROR);
	CHECK_OIFS(S, G, "negative");
	CHECK_ERR(del(&p1, S, G, 2, F), MGM_ERROR_NOT_FOUND);
	/*
	 * A delete also takes out an oif that p's own membership put there
	 * (MGM: "removes the interface from that MFE's oif list"), for that
	 * MFE only; an add brings it back.
	 */
	CHECK_ERR(add(&p1, 0, G, 3, J), MGM_NO_ERROR);
	CHECK_OIFS(S, G, "3");
	CHECK_ERR(del(&p1, S, G, 3, F), MGM_NO_ERROR);
	CHECK_OIFS(S, G, "negative");
	CHECK_OIFS(A("10.1.0.2"), G, "3");
	CHECK_ERR(add(&p1, S, G, 3, F), MGM_NO_ERROR);
	CHECK_OIFS(S, G, "3");
	CHECK_ERR(del(&p1, S, G, 3, F), MGM_NO_ERROR);
	CHECK_OIFS(S, G, "negative");
	CHECK_ERR(del(&p1, S, G, 3, F), MGM_NO_ERROR); /* idempotent */
	CHECK_ERR(del(&p2, S, G, 4, F), MGM_ERROR_NOT_FOUND);
	CHECK_ERR(del(&p1, 0, G, 3, J), MGM_NO_ERROR);
	/* On the iif: accepted, never an oif. */
	CHECK_ERR(add(&p1, S, G, 1, F), MGM_NO_ERROR);
	CHECK_OIFS(S, G, "negative");
	teardown();
}

static void test_expiry(void)
{
	const uint32_t S = A("10.1.0.1"), G = A("239.1.1.1");
	struct mgm_dp_mfe_counters c = { 0 };
	struct mgm_ipmcast_mfe r;
	struct mgm_stats st;
	struct pollfd pfd;
	uint64_t t0;

	check_begin("idle expiry");
	setup();
	t0 = fake_dp_now(fd);
	miss(1, S, G);
	CHECK_EQ(mgm_timeout_ms(m), 900000, "next check when it may expire");
	fake_dp_advance(fd, 10 * SEC_NS + 700000000ULL);
	CHECK_ERR(get_mfe(S, G, &r, NULL), MGM_NO_ERROR);
	CHECK_EQ(r.uptime, 10, "uptime, s, floor");
	CHECK_EQ(r.timeout, 900, "default timeout");
	CHECK_EQ(r.expiry, 889, "expiry = timeout - idle, floor");
	fake_dp_set_now(fd, t0 + 899 * SEC_NS);
	mgm_dispatch(m);
	CHECK_ERR(get_mfe(S, G, &r, NULL), MGM_NO_ERROR);
	CHECK_EQ(r.expiry, 1, "one second left");
	fake_dp_set_now(fd, t0 + 900 * SEC_NS);
	fake_log_clear(fd);
	mgm_dispatch(m);
	CHECK_ERR(get_mfe(S, G, &r, NULL), MGM_ERROR_NOT_FOUND);
	EXPECT_LOG(fd, "delete 10.1.0.1,239.1.1.1");
	mgm_get_stats(m, &st);
	CHECK_EQ(st.mfes_expired, 1, "expired");
	CHECK_EQ(st.mfes_deleted, 1, "deleted");
	CHECK_EQ(mgm_timeout_ms(m), -1, "no MFE left");

	/* Traffic keeps it: idle counts from the last use. */
	t0 = fake_dp_now(fd);
	miss(1, S, G);
	c.packets = 5;
	c.last_used_ns = t0 + 500 * SEC_NS;
	fake_dp_set_counters(fd, S, G, &c);
	fake_dp_set_now(fd, t0 + 900 * SEC_NS);
	mgm_dispatch(m);
	CHECK_ERR(get_mfe(S, G, &r, NULL), MGM_NO_ERROR);
	CHECK_EQ(r.uptime, 900, "uptime");
	CHECK_EQ(r.expiry, 500, "expiry from last use");
	CHECK_EQ(mgm_timeout_ms(m), 500000, "sleep until the new deadline");
	fake_dp_set_now(fd, t0 + 1399 * SEC_NS);
	mgm_dispatch(m);
	CHECK_ERR(get_mfe(S, G, &r, NULL), MGM_NO_ERROR);
	fake_dp_set_now(fd, t0 + 1400 * SEC_NS);
	mgm_dispatch(m);
	CHECK_ERR(get_mfe(S, G, &r, NULL), MGM_ERROR_NOT_FOUND);

	/*
	 * A prune alert's shorter timeout wakes the event loop.  (A timeout
	 * of 0 means "does not age": tests/unit/test_mgm_exact.c.)
	 */
	miss(1, S, G);
	CHECK_ERR(add(&p2, 0, G, 4, J), MGM_NO_ERROR);
	p1.prune_set_timeout = true;
	p1.prune_timeout = 1;
	pfd = (struct pollfd){ .fd = mgm_fd(m), .events = POLLIN };
	CHECK_EQ(poll(&pfd, 1, 0), 0, "idle");
	CHECK_ERR(del(&p2, 0, G, 4, J), MGM_NO_ERROR);
	CHECK_EQ(poll(&pfd, 1, 0), 1, "woken: deadline moved earlier");
	CHECK_ERR(get_mfe(S, G, &r, NULL), MGM_NO_ERROR);
	CHECK(r.timeout == 1 && r.expiry == 1, "timeout 1 written back");
	fake_dp_advance(fd, 2 * SEC_NS);
	mgm_dispatch(m);
	CHECK_EQ(poll(&pfd, 1, 0), 0, "dispatch drained the wakeup");
	CHECK_ERR(get_mfe(S, G, &r, NULL), MGM_ERROR_NOT_FOUND);
	teardown();
}

static void test_scan_rate(void)
{
	const uint32_t S = A("10.1.0.1"), G = A("239.1.1.1");
	struct mgm_ipmcast_mfe r;
	uint64_t t0;

	check_begin("expiry scan at most once a second");
	setup_timeout(1);
	t0 = fake_dp_now(fd);
	mgm_dispatch(m); /* scans at t0 */
	fake_dp_set_now(fd, t0 + SEC_NS / 2);
	miss(1, S, G); /* created at t0+0.5, due at t0+1.5 */
	CHECK_ERR(get_mfe(S, G, &r, NULL), MGM_NO_ERROR);
	CHECK_EQ(r.timeout, 1, "default_timeout option");
	fake_dp_set_now(fd, t0 + SEC_NS);
	mgm_dispatch(m); /* scans, nothing due */
	fake_dp_set_now(fd, t0 + SEC_NS + SEC_NS * 6 / 10);
	mgm_dispatch(m); /* due, but the last scan was 0.6 s ago */
	CHECK_ERR(get_mfe(S, G, &r, NULL), MGM_NO_ERROR);
	CHECK_EQ(mgm_timeout_ms(m), 400, "wait for the scan slot");
	fake_dp_set_now(fd, t0 + 2 * SEC_NS);
	mgm_dispatch(m);
	CHECK_ERR(get_mfe(S, G, &r, NULL), MGM_ERROR_NOT_FOUND);
	teardown();
}

static void test_dp_failures(void)
{
	const uint32_t S = A("10.1.0.1"), G = A("239.1.1.1");
	struct fake_dp_counts c;
	struct mgm_ipmcast_mfe r;
	struct mgm_stats st;

	check_begin("datapath refuses installs");
	setup();
	fake_dp_fail_install(fd, 1, -ENOSPC);
	miss(1, S, G);
	CHECK_ERR(get_mfe(S, G, &r, NULL), MGM_ERROR_NOT_FOUND);
	CHECK(!fake_dp_get(fd, S, G, NULL), "not in the dp");
	mgm_get_stats(m, &st);
	CHECK_EQ(st.install_errors, 1, "install error counted");
	CHECK_EQ(st.mfes_created, 0, "not counted as created");
	CHECK(fake_errors(fd) >= 1, "logged");
	CHECK_EQ(mgm_timeout_ms(m), -1, "nothing to expire");
	/* The next miss tries again. */
	miss(1, S, G);
	CHECK_ERR(get_mfe(S, G, &r, NULL), MGM_NO_ERROR);

	/* A failed replace keeps the old entry, in the dp and in MGM. */
	CHECK_ERR(add(&p1, 0, G, 2, J), MGM_NO_ERROR);
	fake_dp_fail_install(fd, 1, -ENOSPC);
	CHECK_ERR(add(&p1, 0, G, 3, J), MGM_NO_ERROR);
	CHECK_OIFS(S, G, "2");
	CHECK_ERR(get_mfe(S, G, &r, NULL), MGM_NO_ERROR);
	CHECK_EQ(r.num_oifs, 1, "MGM matches the dp");
	CHECK_ERR(add(&p2, 0, G, 4, J), MGM_NO_ERROR);
	CHECK_OIFS(S, G, "2,3,4"); /* the next change catches up */

	/* On release, an MFE that cannot drop the interface is deleted. */
	fake_dp_fail_install(fd, -1, -ENOSPC);
	CHECK_ERR(mgm_release_interface_ownership(m, p2.h, 4, 0), MGM_NO_ERROR);
	fake_dp_fail_install(fd, 0, 0);
	CHECK(!fake_dp_get(fd, S, G, NULL), "deleted, not left sending to 4");
	CHECK_ERR(get_mfe(S, G, &r, NULL), MGM_ERROR_NOT_FOUND);
	CHECK(!fake_dp_tx_disabled(fd, 4), "transmit re-enabled");
	fake_dp_counts(fd, &c);
	CHECK_EQ(c.bad_install, 0, "every install was well formed");
	teardown();
}

static void read_stats(uint32_t s, uint32_t g, uint32_t flags, uint8_t *buf,
		       uint32_t len)
{
	uint32_t size = len;

	CHECK_ERR(mgm_get_mfe_stats(m,
				    &(struct mgm_ipmcast_mfe){ .source = s,
							       .group = g },
				    &size, buf, flags),
		  MGM_NO_ERROR);
}

static void test_stats(void)
{
	const uint32_t S = A("10.1.0.1"), G = A("239.1.1.1");
	struct mgm_dp_mfe_counters c = {
		.packets = (1ULL << 32) + 1000,
		.bytes = 64000,
		.wrong_if = 10,
		.ttl_expired = 5,
		.negative = 2,
		.too_big = 3,
	};
	struct mgm_ipmcast_mfe_stats_ex x;
	struct mgm_ipmcast_mfe_stats s0;
	struct mgm_ipmcast_oif_stats o[2];
	uint8_t buf[MGM_SIZEOF_MFE_STATS_EX(4)];
	uint32_t size = 10;
	/* too_big packets take the tc path: forwarded, not discarded. */
	const uint64_t fwd = (1ULL << 32) + 1000 - 10 - 5 - 2;

	check_begin("statistics mapping");
	setup();
	miss(1, S, G);
	add(&p1, 0, G, 2, J);
	add(&p2, 0, G, 4, J);
	fake_dp_set_counters(fd, S, G, &c);
	fake_dp_advance(fd, 3 * SEC_NS);

	CHECK_ERR(mgm_get_mfe_stats(m,
				    &(struct mgm_ipmcast_mfe){ .source = S,
							       .group = G },
				    &size, buf, MGM_MFE_STATS_0),
		  MGM_ERROR_INSUFFICIENT_BUFFER);
	CHECK_EQ(size, MGM_SIZEOF_MFE_STATS(2), "size of the STATS_0 record");
	size = 10;
	CHECK_ERR(mgm_get_mfe_stats(m,
				    &(struct mgm_ipmcast_mfe){ .source = S,
							       .group = G },
				    &size, buf, MGM_MFE_STATS_1),
		  MGM_ERROR_INSUFFICIENT_BUFFER);
	CHECK_EQ(size, MGM_SIZEOF_MFE_STATS_EX(2), "size of the EX record");

	read_stats(S, G, MGM_MFE_STATS_0, buf, sizeof(buf));
	memcpy(&s0, buf, sizeof(s0));
	memcpy(o, buf + sizeof(s0), sizeof(o));
	CHECK(s0.group == G && s0.source == S && s0.source_mask == M, "key");
	CHECK_EQ(s0.in_ifindex, 1, "iif");
	CHECK_EQ(s0.in_if_protocol, PID1, "iif protocol");
	CHECK_EQ(s0.uptime, 3, "uptime");
	CHECK_EQ(s0.expiry, 897, "expiry");
	CHECK_EQ(s0.num_oifs, 2, "oifs");
	CHECK_EQ(s0.in_packets, 1000, "packets, truncated to 32 bits");
	CHECK_EQ(s0.in_octets, 64000, "octets");
	CHECK_EQ(s0.pkts_different_if, 10, "wrong interface");
	CHECK_EQ(s0.queue_overflow, 0, "no queue");
	CHECK(o[0].out_ifindex == 2 && o[1].out_ifindex == 4, "oif order");
	CHECK_EQ(o[0].out_packets, (uint32_t)fwd, "forwarded per oif");
	CHECK_EQ(o[1].out_packets, (uint32_t)fwd, "forwarded per oif");
	CHECK_EQ(o[0].frag_needed, 0, "too big for an oif: per interface only");
	CHECK(o[0].ttl_too_low == 0 && o[0].out_discards == 0 &&
		      o[0].dial_context == 0 && o[0].nexthop == 0,
	      "per-oif zeros");

	read_stats(S, G, MGM_MFE_STATS_1, buf, sizeof(buf));
	memcpy(&x, buf, sizeof(x));
	memcpy(o, buf + sizeof(x), sizeof(o));
	CHECK_EQ(x.in_packets, 1000, "EX packets");
	CHECK_EQ(x.uninit_mfe, 0, "uninit");
	CHECK_EQ(x.negative_mfe, 2, "negative");
	CHECK_EQ(x.in_discards, 2, "negative (too big is not a discard)");
	CHECK_EQ(x.in_hdr_errors, 5, "TTL expired");
	CHECK_EQ(x.total_out_packets, (uint32_t)(fwd * 2), "fwd x oifs");
	CHECK(o[1].out_ifindex == 4 && o[1].out_packets == (uint32_t)fwd,
	      "EX per-oif record");

	/* More drops than packets: forwarded clamps at 0. */
	c = (struct mgm_dp_mfe_counters){ .packets = 3, .wrong_if = 9 };
	fake_dp_set_counters(fd, S, G, &c);
	read_stats(S, G, MGM_MFE_STATS_1, buf, sizeof(buf));
	memcpy(&x, buf, sizeof(x));
	CHECK_EQ(x.total_out_packets, 0, "clamped");
	teardown();
}

static void test_iif_owner(void)
{
	const uint32_t S = A("192.0.2.1"), G = A("239.1.1.1");
	struct mgm_ipmcast_mfe r;

	check_begin("in_if_protocol follows the iif's owner");
	setup();
	miss(9, S, G); /* no route, unowned arrival interface */
	CHECK_ERR(get_mfe(S, G, &r, NULL), MGM_NO_ERROR);
	CHECK(r.in_ifindex == 9 && r.in_if_protocol == 0, "unowned iif");
	CHECK_ERR(mgm_take_interface_ownership(m, ig.h, 9, 0), MGM_NO_ERROR);
	CHECK_ERR(get_mfe(S, G, &r, NULL), MGM_NO_ERROR);
	CHECK_EQ(r.in_if_protocol, IGMP, "IGMP took it");
	CHECK_ERR(mgm_take_interface_ownership(m, p2.h, 9, 0), MGM_NO_ERROR);
	CHECK_ERR(get_mfe(S, G, &r, NULL), MGM_NO_ERROR);
	CHECK_EQ(r.in_if_protocol, PID2, "the routing protocol took it");
	teardown();
}

static void test_expire_budget(void)
{
	const int n = 5000;
	struct mgm_stats st;
	struct pollfd pfd;
	int i;

	check_begin("expiry scans are bounded per dispatch");
	setup_timeout(1);
	fake_dp_set_quiet(fd, true);
	for (i = 0; i < n; i++)
		fake_dp_inject_miss(fd, 1, A("10.1.0.1"),
				    htonl(ntohl(A("239.5.0.0")) + (uint32_t)i));
	mgm_dispatch(m);
	CHECK_EQ(fake_dp_num_mfes(fd), n, "created");
	fake_dp_advance(fd, 2 * SEC_NS);
	mgm_dispatch(m);
	mgm_get_stats(m, &st);
	CHECK_EQ(st.mfes_expired, 4096, "one budget's worth expired");
	pfd = (struct pollfd){ .fd = mgm_fd(m), .events = POLLIN };
	CHECK_EQ(poll(&pfd, 1, 0), 1, "fd readable: more to do");
	CHECK_EQ(mgm_timeout_ms(m), 0, "no sleeping");
	mgm_dispatch(m); /* continues without waiting a second */
	mgm_get_stats(m, &st);
	CHECK_EQ(st.mfes_expired, n, "the rest expired");
	CHECK_EQ(fake_dp_num_mfes(fd), 0, "dp empty");
	CHECK_EQ(poll(&pfd, 1, 0), 0, "idle again");
	CHECK_EQ(mgm_timeout_ms(m), -1, "nothing left");
	teardown();
}

static void test_release_index(void)
{
	const uint32_t G = A("239.1.1.1");
	struct fake_dp_counts c0, c1;
	char s[32];
	int i;

	check_begin("release touches only the interface's MFEs");
	setup();
	mgm_take_interface_ownership(m, p2.h, 6, 0);
	fake_dp_add_route(fd, A("10.6.0.0"), 16, 6, 0, 2);
	add(&p1, 0, G, 2, J);
	fake_dp_set_quiet(fd, true);
	for (i = 0; i < 500; i++) {
		snprintf(s, sizeof(s), "10.1.%d.%d", i / 200, i % 200 + 1);
		miss(1, A(s), G);
	}
	for (i = 0; i < 7; i++) {
		snprintf(s, sizeof(s), "10.6.0.%d", i + 1);
		miss(6, A(s), G); /* iif 6 */
	}
	add(&p2, A("10.1.0.1"), G, 6, J); /* oif 6 on one MFE */
	add(&p2, A("10.1.0.2"), G, 6, J);
	fake_dp_counts(fd, &c0);
	CHECK_ERR(mgm_release_interface_ownership(m, p2.h, 6, 0), MGM_NO_ERROR);
	fake_dp_counts(fd, &c1);
	CHECK_EQ(c1.del - c0.del, 7, "MFEs with iif 6 deleted");
	/* Out of every out-set at once; the two rewrites then cost nothing. */
	CHECK_EQ(c1.if_release - c0.if_release, 1, "one in-place unlink");
	CHECK_EQ(c1.install - c0.install, 0, "no per-MFE install");
	CHECK_EQ(c1.install_noop - c0.install_noop, 2, "two MFEs rewritten");
	CHECK_EQ(c1.counters - c0.counters, 0, "no per-MFE dp lookups");
	CHECK_OIFS(A("10.1.0.1"), G, "2");
	CHECK_EQ(fake_dp_num_mfes(fd), 500, "the others untouched");
	teardown();
}

/* Key k of the churn test: 10.1.0.(k%16 + 1) to 239.1.(k/16).0. */
static uint32_t churn_s(uint32_t k)
{
	return htonl(ntohl(A("10.1.0.1")) + k % 16);
}

static uint32_t churn_g(uint32_t k)
{
	return htonl(ntohl(A("239.1.0.0")) + k / 16 * 256);
}

/*
 * Walk the table with MgmGetFirst/NextMfe: every record in (group,
 * source) order, each one alive[]; returns the records seen.
 */
static int walk_table(const bool *alive, uint32_t n)
{
	static uint8_t buf[MGM_SIZEOF_MFE(1) * 64];
	struct mgm_ipmcast_mfe r, last = { 0 };
	uint32_t size, cnt, ret, i;
	int seen = 0, bad = 0;

	do {
		size = sizeof(buf);
		ret = !seen ? mgm_get_first_mfe(m, &size, buf, &cnt) :
			      mgm_get_next_mfe(m, &last, &size, buf, &cnt);
		for (i = 0; i < cnt; i++) {
			uint32_t k;

			memcpy(&r, buf + i * MGM_SIZEOF_MFE(1), sizeof(r));
			k = (ntohl(r.group) >> 8 & 0xff) * 16 +
			    (ntohl(r.source) & 0xff) - 1;
			if (seen && (ntohl(r.group) < ntohl(last.group) ||
				     (r.group == last.group &&
				      ntohl(r.source) <= ntohl(last.source))))
				bad++;
			if (k >= n || !alive[k] || r.num_oifs != 1)
				bad++;
			last = r;
			seen++;
		}
	} while (ret == MGM_ERROR_MORE_DATA && cnt);
	CHECK_EQ(ret, MGM_ERROR_NO_MORE_ITEMS, "walk ends");
	CHECK_EQ(bad, 0, "records in order, each alive");
	return seen;
}

/* The (group, source) tree and the MFE slab under churn. */
static void test_tree_churn(void)
{
	enum { N = 3000 };
	static bool alive[N];
	uint32_t k, j, n = 0;

	check_begin("enumeration order under churn");
	setup();
	add(&p1, 0, 0, 2, J); /* one oif on each */
	fake_dp_set_quiet(fd, true);
	memset(alive, 0, sizeof(alive));
	/* Created and deleted in a scrambled order (7919 is prime to N). */
	for (j = 0; j < N; j++) {
		k = j * 7919 % N;
		miss(1, churn_s(k), churn_g(k));
		alive[k] = true;
	}
	for (j = 0; j < N; j += 3) {
		k = j * 7919 % N;
		CHECK_ERR(mgm_delete_mfe(m, p1.h, churn_s(k), churn_g(k)),
			  MGM_NO_ERROR);
		alive[k] = false;
	}
	for (k = 0; k < N; k++)
		n += alive[k];
	CHECK_EQ(walk_table(alive, N), (int)n, "all the live ones");
	for (k = 0; k < N; k++) {
		if (alive[k])
			CHECK_ERR(mgm_delete_mfe(m, p1.h, churn_s(k),
						 churn_g(k)),
				  MGM_NO_ERROR);
		alive[k] = false;
	}
	CHECK_EQ(walk_table(alive, N), 0, "empty");
	for (k = N; k-- > N - 100;) {
		miss(1, churn_s(k), churn_g(k));
		alive[k] = true;
	}
	CHECK_EQ(walk_table(alive, N), 100, "made again");
	teardown();
}

#ifdef __SANITIZE_ADDRESS__
#define SANITIZED 1
#else
#define SANITIZED 0
#endif

/* ASan's own allocator statistics; weak so that other builds link. */
extern size_t __sanitizer_get_current_allocated_bytes(void)
	__attribute__((weak));

static size_t heap_bytes(void)
{
	if (__sanitizer_get_current_allocated_bytes)
		return __sanitizer_get_current_allocated_bytes();
	return mallinfo2().uordblks;
}

static double elapsed_ms(const struct timespec *t0)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)(t.tv_sec - t0->tv_sec) * 1e3 +
	       (double)(t.tv_nsec - t0->tv_nsec) / 1e6;
}

static void test_scale(void)
{
	const int n = 100000;
	const uint32_t G = A("239.7.0.0");
	struct fake_dp_counts c;
	struct timespec t0;
	size_t before, after, per;
	double ms;
	int i;

	check_begin("scale: 100k MFEs, release, memory");
	setup();
	mgm_take_interface_ownership(m, p2.h, 7, 0);
	mgm_take_interface_ownership(m, p2.h, 8, 0);
	fake_dp_set_quiet(fd, true);
	p1.quiet = p2.quiet = ig.quiet = true;
	add(&p2, 0, 0, 7, J);
	add(&p2, 0, 0, 8, J);

	before = heap_bytes();
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (i = 0; i < n; i++)
		fake_dp_inject_miss(fd, 1, A("10.1.0.1"), htonl(ntohl(G) + i));
	mgm_dispatch(m);
	ms = elapsed_ms(&t0);
	after = heap_bytes();
	CHECK_EQ(fake_dp_num_mfes(fd), n, "all created");
	/* What MGM holds, without the fake's own entries. */
	per = (after - before) / n - fake_dp_entry_size();
	fprintf(stderr,
		"scale: %d MFEs created in %.0f ms; ~%zu bytes/MFE "
		"in MGM (2 oifs)\n",
		n, ms, per);
	/*
	 * Requested bytes, so exact: ~183 (136 of struct mfe in the slab,
	 * whose blocks ASan builds allocate with malloc; hash, heap and three
	 * id sets).  Before issue #14 it was ~284.
	 */
	CHECK(per < 220, "memory per MFE %zu bytes", per);

	/* Release an interface all of them use, at ~1 us per dp call. */
	fake_dp_set_op_cost_ns(fd, 1000);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	CHECK_ERR(mgm_release_interface_ownership(m, p2.h, 7, 0), MGM_NO_ERROR);
	ms = elapsed_ms(&t0);
	fake_dp_set_op_cost_ns(fd, 0);
	fake_dp_counts(fd, &c);
	fprintf(stderr,
		"scale: release of an interface in %d MFEs: %.0f ms "
		"at 1 us per dp call%s\n",
		n, ms, SANITIZED ? " (sanitizer build)" : "");
	/*
	 * The target is 200 ms in the optimised build (measured ~155 ms,
	 * of which ~100 ms are the simulated dp calls); ASan costs ~3x.
	 * The bound leaves room for a loaded machine.
	 */
	CHECK(ms < (SANITIZED ? 3000 : 1000), "release took %.0f ms", ms);
	CHECK_OIFS(A("10.1.0.1"), htonl(ntohl(G) + 4242), "8");
	CHECK_EQ(c.bad_install, 0, "well-formed installs");
	teardown();
}

int main(void)
{
	test_lifecycle();
	test_group_scope();
	test_nexthops();
	test_forward_state();
	test_expiry();
	test_scan_rate();
	test_dp_failures();
	test_stats();
	test_iif_owner();
	test_expire_budget();
	test_release_index();
	test_tree_churn();
	test_scale();
	return check_summary();
}
