// SPDX-License-Identifier: GPL-2.0
/*
 * test_mgm_alerts.c - who receives which callback, with which arguments
 * (mgm-api.md section 4): join and prune alerts for (*,G), (*,*) and
 * (S,G); the oif-list alerts and their timeout write-back; local join and
 * leave; wrong interface; RPF and creation alerts, including a creation
 * alert's pruning honoured by later recomputes; re-entrant callbacks.
 */
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "fake_dp.h"

#define PID1 0x40000001U
#define PID2 0x40000002U
#define PID3 0x40000003U
#define IGMP MGM_MS_IP_IGMP
#define M 0xffffffffU
#define J MGM_JOIN_STATE_FLAG

static struct fake_dp *fd;
static struct mgm *m;
static struct fake_proto p1, p2, p3, ig;

/*
 * P1 owns 1 and 2 (IGMP also runs on 1), P2 owns 3, P3 owns 4, IGMP is
 * alone on 5.  Registration order: P1, P2, P3, IGMP.
 */
static void setup(void)
{
	fd = fake_dp_new();
	m = fake_mgm_new(fd, 0);
	if (!m)
		abort();
	fake_proto_register(&p1, fd, m, "P1", PID1, 1);
	fake_proto_register(&p2, fd, m, "P2", PID2, 1);
	fake_proto_register(&p3, fd, m, "P3", PID3, 1);
	fake_proto_register(&ig, fd, m, "IGMP", IGMP, 1);
	mgm_take_interface_ownership(m, p1.h, 1, 0);
	mgm_take_interface_ownership(m, p1.h, 2, 0);
	mgm_take_interface_ownership(m, p2.h, 3, 0);
	mgm_take_interface_ownership(m, p3.h, 4, 0);
	mgm_take_interface_ownership(m, ig.h, 1, 0);
	mgm_take_interface_ownership(m, ig.h, 5, 0);
	fake_log_clear(fd);
}

static void teardown(void)
{
	CHECK_EQ(fake_errors(fd), 0, "no errors logged by MGM");
	mgm_destroy(m);
	fake_dp_free(fd);
}

static uint32_t add(struct fake_proto *p, uint32_t s, uint32_t g,
		    uint32_t ifindex)
{
	return mgm_add_group_membership_entry(m, p->h, s, s ? M : 0, g,
					      g ? M : 0, ifindex, 0, J);
}

static uint32_t del(struct fake_proto *p, uint32_t s, uint32_t g,
		    uint32_t ifindex)
{
	return mgm_delete_group_membership_entry(m, p->h, s, s ? M : 0, g,
						 g ? M : 0, ifindex, 0, J);
}

static void test_star_g(void)
{
	const uint32_t G = A("239.1.1.1");

	check_begin("(*,G) join and prune rules");
	setup();
	/* First protocol: every other registered protocol hears. */
	CHECK_ERR(add(&p1, 0, G, 1), MGM_NO_ERROR);
	EXPECT_LOG(fd, "P2 join_alert *,239.1.1.1 upd=1",
		   "P3 join_alert *,239.1.1.1 upd=1",
		   "IGMP join_alert *,239.1.1.1 upd=1");
	/* The same protocol on another interface: nobody. */
	CHECK_ERR(add(&p1, 0, G, 2), MGM_NO_ERROR);
	EXPECT_NO_LOG(fd);
	/* Second protocol: only the first hears. */
	CHECK_ERR(add(&p2, 0, G, 3), MGM_NO_ERROR);
	EXPECT_LOG(fd, "P1 join_alert *,239.1.1.1 upd=1");
	/* Third: nobody. */
	CHECK_ERR(add(&p3, 0, G, 4), MGM_NO_ERROR);
	EXPECT_NO_LOG(fd);

	/* Three -> two: nobody. */
	CHECK_ERR(del(&p3, 0, G, 4), MGM_NO_ERROR);
	EXPECT_NO_LOG(fd);
	/* Two -> one: the remaining protocol, with the removed interface. */
	CHECK_ERR(del(&p2, 0, G, 3), MGM_NO_ERROR);
	EXPECT_LOG(fd, "P1 prune_alert *,239.1.1.1 if=3 del=1 timeout=900");
	/* P1 keeps one interface: nobody. */
	CHECK_ERR(del(&p1, 0, G, 2), MGM_NO_ERROR);
	EXPECT_NO_LOG(fd);
	/* The last one leaves: every other protocol. */
	CHECK_ERR(del(&p1, 0, G, 1), MGM_NO_ERROR);
	EXPECT_LOG(fd, "P2 prune_alert *,239.1.1.1 if=1 del=1 timeout=900",
		   "P3 prune_alert *,239.1.1.1 if=1 del=1 timeout=900",
		   "IGMP prune_alert *,239.1.1.1 if=1 del=1 timeout=900");

	/* Counting is per protocol even when two share an interface. */
	CHECK_ERR(add(&p1, 0, G, 1), MGM_NO_ERROR);
	fake_log_clear(fd);
	CHECK_ERR(add(&ig, 0, G, 1), MGM_NO_ERROR);
	EXPECT_LOG(fd, "P1 join_alert *,239.1.1.1 upd=1",
		   "P1 local_join *,239.1.1.1 if=1");
	CHECK_ERR(del(&p1, 0, G, 1), MGM_NO_ERROR);
	EXPECT_LOG(fd, "IGMP prune_alert *,239.1.1.1 if=1 del=1 timeout=900");
	teardown();
}

static void test_star_star(void)
{
	check_begin("(*,*) follows the (*,G) rules");
	setup();
	CHECK_ERR(add(&p2, 0, 0, 3), MGM_NO_ERROR);
	EXPECT_LOG(fd, "P1 join_alert *,* upd=1", "P3 join_alert *,* upd=1",
		   "IGMP join_alert *,* upd=1");
	CHECK_ERR(add(&p3, 0, 0, 4), MGM_NO_ERROR);
	EXPECT_LOG(fd, "P2 join_alert *,* upd=1");
	CHECK_ERR(del(&p2, 0, 0, 3), MGM_NO_ERROR);
	EXPECT_LOG(fd, "P3 prune_alert *,* if=3 del=1 timeout=900");
	CHECK_ERR(del(&p3, 0, 0, 4), MGM_NO_ERROR);
	EXPECT_LOG(fd, "P1 prune_alert *,* if=4 del=1 timeout=900",
		   "P2 prune_alert *,* if=4 del=1 timeout=900",
		   "IGMP prune_alert *,* if=4 del=1 timeout=900");
	teardown();
}

static void test_s_g(void)
{
	const uint32_t G = A("239.1.1.1"), S = A("10.4.0.5");

	check_begin("(S,G) join and prune rules");
	setup();
	fake_dp_add_route(fd, A("10.4.0.0"), 16, 4, A("10.4.255.254"), 2);
	fake_dp_add_route(fd, A("10.5.0.0"), 16, 5, 0, 2);
	fake_dp_add_route(fd, A("10.1.0.0"), 16, 1, 0, 2);
	/* The first: only the owner of the RPF interface toward S. */
	CHECK_ERR(add(&p1, S, G, 1), MGM_NO_ERROR);
	EXPECT_LOG(fd, "P3 join_alert 10.4.0.5,239.1.1.1 upd=1");
	CHECK_ERR(add(&p2, S, G, 3), MGM_NO_ERROR);
	EXPECT_NO_LOG(fd);
	CHECK_ERR(add(&p1, S, G, 2), MGM_NO_ERROR);
	EXPECT_NO_LOG(fd);
	CHECK_ERR(del(&p1, S, G, 1), MGM_NO_ERROR);
	CHECK_ERR(del(&p1, S, G, 2), MGM_NO_ERROR);
	EXPECT_NO_LOG(fd);
	/* The last one leaves: the RPF owner, with that interface. */
	CHECK_ERR(del(&p2, S, G, 3), MGM_NO_ERROR);
	EXPECT_LOG(fd,
		   "P3 prune_alert 10.4.0.5,239.1.1.1 if=3 del=1 timeout=900");
	/* The RPF owner joining itself hears nothing. */
	CHECK_ERR(add(&p3, S, G, 4), MGM_NO_ERROR);
	CHECK_ERR(del(&p3, S, G, 4), MGM_NO_ERROR);
	EXPECT_NO_LOG(fd);
	/* No route toward S: nobody. */
	CHECK_ERR(add(&p1, A("192.0.2.1"), G, 1), MGM_NO_ERROR);
	EXPECT_NO_LOG(fd);
	/* RPF interface with only IGMP: IGMP hears. */
	CHECK_ERR(add(&p1, A("10.5.0.1"), G, 1), MGM_NO_ERROR);
	EXPECT_LOG(fd, "IGMP join_alert 10.5.0.1,239.1.1.1 upd=1");
	/* RPF interface shared by P1 and IGMP: the routing protocol. */
	CHECK_ERR(add(&p2, A("10.1.0.1"), G, 3), MGM_NO_ERROR);
	EXPECT_LOG(fd, "P1 join_alert 10.1.0.1,239.1.1.1 upd=1");
	teardown();
}

static void test_local(void)
{
	const uint32_t G = A("239.1.1.1"), S = A("198.51.100.7");

	check_begin("local join and leave");
	setup();
	/* IGMP on an interface with an owner: the owner hears. */
	CHECK_ERR(add(&ig, S, G, 1), MGM_NO_ERROR);
	EXPECT_LOG(fd, "P1 local_join 198.51.100.7,239.1.1.1 if=1");
	CHECK_ERR(add(&ig, S, G, 1), MGM_NO_ERROR);
	EXPECT_NO_LOG(fd); /* already a member */
	CHECK_ERR(del(&ig, S, G, 1), MGM_NO_ERROR);
	EXPECT_LOG(fd, "P1 local_leave 198.51.100.7,239.1.1.1 if=1");
	/* IGMP alone on 5: join alerts, but no owner for local joins. */
	CHECK_ERR(add(&ig, 0, G, 5), MGM_NO_ERROR);
	EXPECT_LOG(fd, "P1 join_alert *,239.1.1.1 upd=1",
		   "P2 join_alert *,239.1.1.1 upd=1",
		   "P3 join_alert *,239.1.1.1 upd=1");
	/* A routing protocol's own membership: no local join. */
	CHECK_ERR(add(&p1, S, G, 1), MGM_NO_ERROR);
	EXPECT_NO_LOG(fd);
	/* (*,*) from IGMP on a shared interface. */
	CHECK_ERR(add(&ig, 0, 0, 1), MGM_NO_ERROR);
	EXPECT_LOG(fd, "P1 join_alert *,* upd=1", "P2 join_alert *,* upd=1",
		   "P3 join_alert *,* upd=1", "P1 local_join *,* if=1");
	teardown();
}

static void get_mfe(uint32_t s, uint32_t g, struct mgm_ipmcast_mfe *out)
{
	uint8_t buf[512];
	uint32_t size = sizeof(buf);

	memset(out, 0, sizeof(*out));
	CHECK_ERR(mgm_get_mfe(m,
			      &(struct mgm_ipmcast_mfe){ .source = s,
							 .group = g },
			      &size, buf),
		  MGM_NO_ERROR);
	memcpy(out, buf, sizeof(*out));
}

static void test_oif_alerts(void)
{
	const uint32_t G = A("239.2.2.2"), S = A("10.4.0.5");
	struct mgm_ipmcast_mfe r;

	check_begin("oif-list alerts and timeout write-back");
	setup();
	fake_dp_add_route(fd, A("10.4.0.0"), 16, 4, A("10.4.255.254"), 2);
	fake_dp_inject_miss(fd, 4, S, G);
	CHECK_EQ(mgm_dispatch(m), 1, "miss dispatched");
	EXPECT_LOG(fd, "P3 rpf 10.4.0.5,239.2.2.2 iif=4 up=10.4.255.254 hdr=20",
		   "install 10.4.0.5,239.2.2.2 iif 4 negative");

	/* Empty -> non-empty: join alert (upd 0) to the iif owner. */
	CHECK_ERR(add(&p2, 0, G, 3), MGM_NO_ERROR);
	EXPECT_LOG(fd, "install 10.4.0.5,239.2.2.2 iif 4 oifs 3",
		   "P1 join_alert *,239.2.2.2 upd=1",
		   "P3 join_alert *,239.2.2.2 upd=1",
		   "IGMP join_alert *,239.2.2.2 upd=1",
		   "P3 join_alert 10.4.0.5,239.2.2.2 upd=0");
	/* Non-empty -> non-empty: no oif alert. */
	CHECK_ERR(add(&p1, 0, G, 2), MGM_NO_ERROR);
	EXPECT_LOG(fd, "install 10.4.0.5,239.2.2.2 iif 4 oifs 2,3",
		   "P2 join_alert *,239.2.2.2 upd=1");
	CHECK_ERR(del(&p1, 0, G, 2), MGM_NO_ERROR);
	EXPECT_LOG(fd, "install 10.4.0.5,239.2.2.2 iif 4 oifs 3",
		   "P2 prune_alert *,239.2.2.2 if=2 del=1 timeout=900");

	/* Non-empty -> empty: prune alert (del 0); its timeout is kept. */
	p3.prune_set_timeout = true;
	p3.prune_timeout = 30;
	CHECK_ERR(del(&p2, 0, G, 3), MGM_NO_ERROR);
	EXPECT_LOG(fd, "install 10.4.0.5,239.2.2.2 iif 4 negative",
		   "P1 prune_alert *,239.2.2.2 if=3 del=1 timeout=900",
		   "P3 prune_alert *,239.2.2.2 if=3 del=1 timeout=900",
		   "IGMP prune_alert *,239.2.2.2 if=3 del=1 timeout=900",
		   "P3 prune_alert 10.4.0.5,239.2.2.2 if=4 del=0 timeout=900");
	get_mfe(S, G, &r);
	CHECK_EQ(r.timeout, 30, "timeout written back by a del=0 prune");
	CHECK_EQ(r.expiry, 30, "expiry follows the new timeout");

	/* (S,G) member prune passes the MFE's timeout, which stays. */
	p3.prune_timeout = 77;
	CHECK_ERR(add(&p1, S, G, 1), MGM_NO_ERROR);
	EXPECT_LOG(fd, "install 10.4.0.5,239.2.2.2 iif 4 oifs 1",
		   "P3 join_alert 10.4.0.5,239.2.2.2 upd=1",
		   "P3 join_alert 10.4.0.5,239.2.2.2 upd=0");
	CHECK_ERR(del(&p1, S, G, 1), MGM_NO_ERROR);
	EXPECT_LOG(fd, "install 10.4.0.5,239.2.2.2 iif 4 negative",
		   "P3 prune_alert 10.4.0.5,239.2.2.2 if=1 del=1 timeout=30",
		   "P3 prune_alert 10.4.0.5,239.2.2.2 if=4 del=0 timeout=30");
	get_mfe(S, G, &r);
	CHECK_EQ(r.timeout, 77, "only the del=0 prune set the timeout");
	teardown();
}

static void test_wrong_if(void)
{
	const uint32_t G = A("239.1.1.1"), S = A("10.0.0.1");

	check_begin("wrong interface");
	setup();
	fake_dp_inject_wrong_if(fd, 3, S, G);
	fake_dp_inject_wrong_if(fd, 5, S, G);
	fake_dp_inject_wrong_if(fd, 1, S, G);
	fake_dp_inject_wrong_if(fd, 9, S, G);
	CHECK_EQ(mgm_dispatch(m), 4, "four events");
	EXPECT_LOG(fd, "P2 wrong_if 10.0.0.1,239.1.1.1 if=3 hdr=20 ver=45",
		   "IGMP wrong_if 10.0.0.1,239.1.1.1 if=5 hdr=20 ver=45",
		   "P1 wrong_if 10.0.0.1,239.1.1.1 if=1 hdr=20 ver=45");
	CHECK_EQ(fake_dp_num_mfes(fd), 0, "wrong-if creates no MFE");
	teardown();
}

static void test_creation(void)
{
	const uint32_t G = A("239.3.3.3"), S = A("10.4.0.9");

	check_begin("creation alerts and their pruning");
	setup();
	fake_dp_add_route(fd, A("10.4.0.0"), 16, 4, 0, 2);
	add(&p1, 0, G, 1);
	add(&p1, 0, G, 2);
	add(&ig, 0, G, 1);
	add(&p2, S, G, 3);
	add(&p3, 0, G, 4); /* on the iif: never an oif */
	fake_log_clear(fd);
	p1.disable_oifs[0] = 1;
	p1.disable_oifs[1] = 2;
	p1.n_disable_oifs = 2;

	fake_dp_inject_miss(fd, 4, S, G);
	mgm_dispatch(m);
	/* Each protocol sees only its own interfaces, in protocol order;
	 * if 1 stays because IGMP, which also put it there, kept it. */
	EXPECT_LOG(fd, "P3 rpf 10.4.0.9,239.3.3.3 iif=4 up=0.0.0.0 hdr=20",
		   "P1 creation_alert 10.4.0.9,239.3.3.3 iif=4 oifs=1(igmp),2",
		   "P2 creation_alert 10.4.0.9,239.3.3.3 iif=4 oifs=3",
		   "IGMP creation_alert 10.4.0.9,239.3.3.3 iif=4 oifs=1(igmp)",
		   "install 10.4.0.9,239.3.3.3 iif 4 oifs 1,3");

	/* Recomputes keep honouring P1's choice. */
	CHECK_ERR(del(&p2, S, G, 3), MGM_NO_ERROR);
	CHECK(!strcmp(fake_dp_oifs(fd, S, G), "1"), "oifs %s",
	      fake_dp_oifs(fd, S, G));
	CHECK_ERR(add(&p2, 0, G, 3), MGM_NO_ERROR);
	CHECK(!strcmp(fake_dp_oifs(fd, S, G), "1,3"), "oifs %s",
	      fake_dp_oifs(fd, S, G));
	/* IGMP leaves if 1: only P1, which disabled it, remains there. */
	CHECK_ERR(del(&ig, 0, G, 1), MGM_NO_ERROR);
	CHECK(!strcmp(fake_dp_oifs(fd, S, G), "3"), "oifs %s",
	      fake_dp_oifs(fd, S, G));
	/* IGMP back: it did not disable if 1. */
	CHECK_ERR(add(&ig, 0, G, 1), MGM_NO_ERROR);
	CHECK(!strcmp(fake_dp_oifs(fd, S, G), "1,3"), "oifs %s",
	      fake_dp_oifs(fd, S, G));
	/* P1's (*,G) on 2 re-added: still disabled for this MFE. */
	CHECK_ERR(del(&p1, 0, G, 2), MGM_NO_ERROR);
	CHECK_ERR(add(&p1, 0, G, 2), MGM_NO_ERROR);
	CHECK(!strcmp(fake_dp_oifs(fd, S, G), "1,3"), "oifs %s",
	      fake_dp_oifs(fd, S, G));

	/* Another MFE of G gets its own creation alerts. */
	p1.n_disable_oifs = 0;
	fake_log_clear(fd);
	fake_dp_inject_miss(fd, 4, A("10.4.0.10"), G);
	mgm_dispatch(m);
	CHECK(!strcmp(fake_dp_oifs(fd, A("10.4.0.10"), G), "1,2,3"),
	      "second MFE oifs %s", fake_dp_oifs(fd, A("10.4.0.10"), G));
	CHECK_EQ(p1.n_creation, 2, "P1 creation alerts");
	CHECK_EQ(p3.n_creation, 0, "the iif's protocol got none");
	teardown();
}

static void test_rpf(void)
{
	const uint32_t G = A("239.4.4.4"), S = A("10.1.7.7");
	struct mgm_ipmcast_mfe r;

	check_begin("RPF callback");
	setup();
	fake_dp_add_route(fd, A("10.1.0.0"), 16, 1, A("10.1.255.254"), 77);
	add(&p1, 0, G, 2);
	add(&p2, 0, G, 3);
	fake_log_clear(fd);
	/* P1 owns the RPF interface 1 and says: expect it on 2 instead. */
	p1.rpf_set_iif = true;
	p1.rpf_iif = 2;
	p1.rpf_nh = 0;
	p1.rpf_set_upstream = true;
	p1.rpf_upstream = A("10.2.0.1");
	p1.rpf_set_route = true;
	p1.rpf_route = (struct mgm_route_info){ .protocol = 13,
						.network = A("10.0.0.0"),
						.mask = A("255.0.0.0"),
						.ifindex = 2 };
	fake_dp_inject_miss(fd, 3, S, G); /* arrived on another interface */
	mgm_dispatch(m);
	CHECK_EQ(p1.n_rpf, 1, "RPF to the RPF interface's owner");
	CHECK_EQ(p2.n_rpf, 0, "not to the arrival interface's owner");
	CHECK_EQ(p1.rpf_in_iif, 1, "iif given: the route's interface");
	CHECK_EQ(p1.rpf_in_nh, 0, "next hop given: 0 on broadcast ifs");
	CHECK(p1.rpf_in_upstream == A("10.1.255.254"), "upstream given");
	CHECK_EQ(p1.rpf_in_hdr_len, 20, "header given");
	CHECK(p1.rpf_in_route.protocol == 77 &&
		      p1.rpf_in_route.network == A("10.1.0.0") &&
		      p1.rpf_in_route.mask == A("255.255.0.0") &&
		      p1.rpf_in_route.ifindex == 1 &&
		      p1.rpf_in_route.nexthop == A("10.1.255.254"),
	      "route given");
	CHECK(!strcmp(fake_dp_oifs(fd, S, G), "3"), "new iif 2 excluded: %s",
	      fake_dp_oifs(fd, S, G));
	get_mfe(S, G, &r);
	CHECK_EQ(r.in_ifindex, 2, "iif from the RPF callback");
	CHECK_EQ(r.in_if_protocol, PID1, "protocol of the iif");
	CHECK(r.upstream == A("10.2.0.1"), "upstream from the callback");
	CHECK(r.route_protocol == 13 && r.route_network == A("10.0.0.0") &&
		      r.route_mask == A("255.0.0.0"),
	      "route from the callback");
	CHECK_EQ(r.source_mask, M, "source mask");
	CHECK_EQ(r.num_oifs, 1, "one oif");

	/* No route: RPF goes to the arrival interface's owner. */
	fake_dp_inject_miss(fd, 3, A("192.0.2.9"), G);
	mgm_dispatch(m);
	CHECK_EQ(p2.n_rpf, 1, "arrival owner asked");
	CHECK(p2.rpf_in_iif == 3 && p2.rpf_in_upstream == 0 &&
		      p2.rpf_in_route.ifindex == 0 &&
		      p2.rpf_in_route.protocol == 0,
	      "no route: arrival iif, zero route");
	get_mfe(A("192.0.2.9"), G, &r);
	CHECK(r.in_ifindex == 3 && r.in_if_protocol == PID2 &&
		      r.route_mask == 0,
	      "MFE without route");
	/* Unowned arrival interface: nobody is asked, MFE still made. */
	fake_dp_inject_miss(fd, 9, A("192.0.2.10"), G);
	mgm_dispatch(m);
	get_mfe(A("192.0.2.10"), G, &r);
	CHECK(r.in_ifindex == 9 && r.in_if_protocol == 0, "unowned iif");
	CHECK_EQ(p1.n_rpf + p2.n_rpf + p3.n_rpf + ig.n_rpf, 2, "RPF calls");
	teardown();
}

/* Callbacks that call back into MGM. */
static uint32_t reent_add = 99, reent_get = 99;

static void reenter_hook(struct fake_proto *fp, const char *ev, uint32_t i,
			 uint32_t nh)
{
	uint8_t buf[256];
	uint32_t size = sizeof(buf);

	(void)i;
	(void)nh;
	if (!strcmp(ev, "join_alert") && fp->n_join == 1)
		reent_add = mgm_add_group_membership_entry(
			fp->m, fp->h, 0, 0, A("239.1.1.1"), M, 3, 0, J);
	if (!strcmp(ev, "creation_alert"))
		reent_get = mgm_get_mfe(
			fp->m,
			&(struct mgm_ipmcast_mfe){ .source = A("10.9.9.9"),
						   .group = A("239.1.1.1") },
			&size, buf);
}

static void test_reentrant(void)
{
	check_begin("callbacks calling MGM");
	setup();
	p2.hook = reenter_hook;
	CHECK_ERR(add(&p1, 0, A("239.1.1.1"), 1), MGM_NO_ERROR);
	CHECK_ERR(reent_add, MGM_NO_ERROR);
	/* P2's join from inside its alert alerted the first protocol. */
	EXPECT_LOG(fd, "P2 join_alert *,239.1.1.1 upd=1",
		   "P1 join_alert *,239.1.1.1 upd=1",
		   "P3 join_alert *,239.1.1.1 upd=1",
		   "IGMP join_alert *,239.1.1.1 upd=1");
	fake_dp_inject_miss(fd, 9, A("10.9.9.9"), A("239.1.1.1"));
	mgm_dispatch(m);
	/* Inside the creation alert the MFE does not exist yet. */
	CHECK_ERR(reent_get, MGM_ERROR_NOT_FOUND);
	CHECK(!strcmp(fake_dp_oifs(fd, A("10.9.9.9"), A("239.1.1.1")), "1,3"),
	      "oifs %s", fake_dp_oifs(fd, A("10.9.9.9"), A("239.1.1.1")));
	teardown();
}

int main(void)
{
	test_star_g();
	test_star_star();
	test_s_g();
	test_local();
	test_oif_alerts();
	test_wrong_if();
	test_creation();
	test_rpf();
	test_reentrant();
	return check_summary();
}
