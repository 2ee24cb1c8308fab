// SPDX-License-Identifier: GPL-2.0
/*
 * test_mld_mgm.c - MLD as MGM sees it: the IGMP module registered once
 * (MGM_MS_IP_IGMP, both families) puts IPv6 memberships into MGM for
 * MLDv2 and MLDv1 joins and takes them out after the last listener
 * queries; EXCLUDE-mode sources are kept out of IPv6 MFEs by the creation
 * alert and brought back with FORWARD_STATE; the seed's disable/enable
 * handoff around a release covers IGMP and MLD on one interface (one
 * disable, one enable, both families re-added from igmp_tick()); one
 * family leaving keeps the other's memberships; and the seed's shutdown
 * releases everything.
 *
 * Interfaces: 1 (IGMP + MLD, shared with routing protocol X, which
 * routes both families), 2 (MLD alone), 5 (X's upstream: 2001:db8::/32
 * and 192.0.2.0/24 are reached through it).
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <arpa/inet.h>

#include "check.h"
#include "fake_igmp_io.h"
#include "proto/mld_pkt.h"

#define IF1 1U
#define IF2 2U
#define IF_U 5U
#define PID_X 0x40000020U
#define HOST "fe80::aa"
#define G1 "ff0e::1:1"
#define G2 "ff0e::1:2"
#define SSM "ff3e::1:1"
#define S1 "2001:db8::1"
#define S2 "2001:db8::2"

static struct fake_igmp f;
static mgm_handle_t xh; /* the routing protocol X */

#define CHECK_MEMBERS(want, what)                                           \
	do {                                                                \
		const char *got_ = fi_members(&f);                          \
		CHECK(!strcmp(got_, want), "%s: got '%s', want '%s'", what, \
		      got_, want);                                          \
	} while (0)

#define CHECK_OIFS(s, g, want, what)                                          \
	do {                                                                  \
		struct mgm_addr s_ = A6(s), g_ = A6(g);                       \
		const char *got_ = fake_dp_oifs_x(f.fd, &s_, &g_);            \
		CHECK(!strcmp(got_, want), "%s: got %s, want %s", what, got_, \
		      want);                                                  \
	} while (0)

static uint32_t x_disable(void *ctx, uint32_t ifindex, uint32_t nh)
{
	(void)ctx, (void)nh;
	fake_log(f.fd, "X disable_igmp if=%u", ifindex);
	return MGM_NO_ERROR;
}

static uint32_t x_local(void *ctx, const struct mgm_addr *s,
			const struct mgm_addr *g, uint32_t ifindex, uint32_t nh)
{
	char a[INET6_ADDRSTRLEN], b[INET6_ADDRSTRLEN];

	(void)ctx, (void)nh;
	fake_log(f.fd, "X local %s,%s if=%u", mgm_addr_ntop(s, a, sizeof(a)),
		 mgm_addr_ntop(g, b, sizeof(b)), ifindex);
	return MGM_NO_ERROR;
}

static void setup(void)
{
	struct mgm_protocol_config_x c = {
		.families = MGM_FAMILY_IPV4 | MGM_FAMILY_IPV6,
		.local_join = x_local,
		.local_leave = x_local,
		.disable_igmp = x_disable,
		.enable_igmp = x_disable,
	};
	struct mgm_addr net6 = A6("2001:db8::"),
			net4 = mgm_addr4(A("192.0.2.0"));

	CHECK_EQ(fi_init(&f, NULL), 0, "init");
	CHECK_ERR(mgm_register_protocol_x(f.m, &c, PID_X, 1, &xh),
		  MGM_NO_ERROR);
	CHECK_ERR(mgm_take_interface_ownership(f.m, xh, IF1, 0), MGM_NO_ERROR);
	CHECK_ERR(mgm_take_interface_ownership(f.m, xh, IF_U, 0), MGM_NO_ERROR);
	fake_dp_add_route_x(f.fd, &net6, 32, IF_U, 0, 2);
	fake_dp_add_route_x(f.fd, &net4, 24, IF_U, 0, 2);
	CHECK_EQ(igmp_if_enable(f.g, IF1, 3), 0, "IGMP on 1");
	CHECK_EQ(mld_if_enable(f.g, IF1, 2), 0, "MLD on 1");
	CHECK_EQ(mld_if_enable(f.g, IF2, 2), 0, "MLD on 2");
	fi_advance(&f, 3000);
	fi_tx_clear(&f);
	fake_log_clear(f.fd);
}

static void teardown(void)
{
	CHECK_EQ(f.n_refused, 0, "MGM never refused a call (CAN_NOT_COMPLETE)");
	CHECK_EQ(f.n_mgm_failed, 0, "no MGM call failed");
	CHECK_EQ(fake_errors(f.fd), 0, "MGM logged no errors");
	fi_fini(&f);
}

static void miss(const char *s, const char *g)
{
	struct mgm_addr s_ = A6(s), g_ = A6(g);

	fake_dp_inject_miss_x(f.fd, IF_U, &s_, &g_);
	mgm_dispatch(f.m);
}

static void test_memberships(void)
{
	check_begin("IPv6 memberships from MLDv2 and MLDv1");
	setup();
	fi_mld_v2(&f, IF1, HOST, MLD_IS_EX, G1, "");
	CHECK_MEMBERS("1:*,ff0e::1:1", "MLDv2 (*,G)");
	CHECK(fake_log_find(f.fd, "mld add *,ff0e::1:1 if=1 NO_ERROR", 0) >= 0,
	      "added with the _x call");
	CHECK(fake_log_find(f.fd, "X local ::,ff0e::1:1 if=1", 0) >= 0,
	      "the owner heard of the IPv6 local join");
	fi_mld_v2(&f, IF2, HOST, MLD_ALLOW, SSM, S1 " " S2);
	CHECK_MEMBERS("1:*,ff0e::1:1 2:2001:db8::1,ff3e::1:1 "
		      "2:2001:db8::2,ff3e::1:1",
		      "INCLUDE: one (S,G) per source");
	fi_mld_v1(&f, IF2, HOST, MLD_V1_REPORT, G2);
	CHECK(strstr(fi_members(&f), "2:*,ff0e::1:2") != NULL,
	      "MLDv1 report: (*,G)");
	miss(S1, G1);
	CHECK_OIFS(S1, G1, "1", "an IPv6 MFE forwards to the listener");
	miss(S1, SSM);
	CHECK_OIFS(S1, SSM, "2", "and to the SSM listener");

	fi_mld_v1(&f, IF1, HOST, MLD_V1_DONE, G1);
	CHECK(strstr(fi_members(&f), "1:*,ff0e::1:1") != NULL,
	      "kept during the last listener queries");
	fi_advance(&f, 2000);
	CHECK(!strstr(fi_members(&f), "ff0e::1:1"), "gone after LLQT: %s",
	      fi_members(&f));
	CHECK_OIFS(S1, G1, "negative", "the MFE lost its oif");
	fi_mld_v2(&f, IF2, HOST, MLD_BLOCK, SSM, S1);
	fi_advance(&f, 2000);
	CHECK_MEMBERS("2:*,ff0e::1:2 2:2001:db8::2,ff3e::1:1",
		      "BLOCK S1: its (S,G) deleted");
	teardown();
}

static void test_exclude_filter(void)
{
	check_begin("EXCLUDE sources kept out of IPv6 MFEs");
	setup();
	fi_mld_v2(&f, IF1, HOST, MLD_TO_EX, G1, S1);
	CHECK_MEMBERS("1:*,ff0e::1:1", "EXCLUDE{S1}: (*,G)");
	miss(S1, G1);
	miss(S2, G1);
	CHECK_OIFS(S1, G1, "negative", "S1 excluded: interface left out");
	CHECK_OIFS(S2, G1, "1", "S2 forwarded");
	CHECK(fake_log_find(f.fd, "mld block 2001:db8::1,ff0e::1:1 if=1", 0) >=
		      0,
	      "the creation alert said no for S1");
	fi_mld_v2(&f, IF1, HOST, MLD_ALLOW, G1, S1);
	CHECK(fake_log_find(f.fd,
			    "mld fwd-add 2001:db8::1,ff0e::1:1 if=1 "
			    "NO_ERROR",
			    0) >= 0,
	      "ALLOW S1: FORWARD_STATE add");
	CHECK_OIFS(S1, G1, "1", "S1 forwarded again");
	fi_mld_v2(&f, IF1, HOST, MLD_BLOCK, G1, S1);
	fi_advance(&f, 2000);
	CHECK_OIFS(S1, G1, "negative", "BLOCK S1, LLQT: out again");
	teardown();
}

static void test_handoff(void)
{
	struct igmp_if_info ii;
	long dis, ena, rel, r4, r6;

	check_begin("handoff: one disable/enable covers IGMP and MLD");
	setup();
	fi_send_v12(&f, IF1, A("10.0.1.20"), 0x16, A("239.1.1.1"));
	fi_mld_v2(&f, IF1, HOST, MLD_IS_EX, G1, "");
	fi_mld_v2(&f, IF1, HOST, MLD_ALLOW, SSM, S1);
	CHECK_MEMBERS("1:*,239.1.1.1 1:*,ff0e::1:1 1:2001:db8::1,ff3e::1:1",
		      "both families");
	fake_log_clear(f.fd);
	CHECK_ERR(mgm_release_interface_ownership(f.m, xh, IF1, 0),
		  MGM_NO_ERROR);
	rel = (long)fake_log_len(f.fd);
	dis = fake_log_find(f.fd, "igmp disable_igmp if=1", 0);
	ena = fake_log_find(f.fd, "igmp enable_igmp if=1", 0);
	CHECK(dis >= 0 && ena > dis, "disable, then enable: %ld %ld", dis, ena);
	CHECK_EQ(fake_log_count(f.fd, "igmp disable_igmp"), 1,
		 "one disable for the interface");
	CHECK_EQ(fake_log_count(f.fd, "igmp enable_igmp"), 1, "one enable");
	CHECK_MEMBERS("", "MGM dropped both families' memberships");
	CHECK(fi_if6(&f, IF1, &ii) && ii.readd_pending, "MLD: re-add pending");
	CHECK(fi_if(&f, IF1, &ii) && ii.readd_pending, "IGMP: re-add pending");
	CHECK_EQ(igmp_timeout_ms(f.g), 0, "timeout says: now");
	igmp_tick(f.g);
	r4 = fake_log_find(f.fd, "igmp re-add *,239.1.1.1 if=1 NO_ERROR", 0);
	r6 = fake_log_find(f.fd, "mld re-add *,ff0e::1:1 if=1 NO_ERROR", 0);
	CHECK(r4 >= rel && r6 >= rel, "re-added from igmp_tick(): %ld %ld", r4,
	      r6);
	CHECK(fake_log_find(f.fd,
			    "mld re-add 2001:db8::1,ff3e::1:1 if=1 NO_ERROR",
			    0) >= rel,
	      "the (S,G) too");
	CHECK_MEMBERS("1:*,239.1.1.1 1:*,ff0e::1:1 1:2001:db8::1,ff3e::1:1",
		      "all back");
	CHECK(fi_if6(&f, IF1, &ii) && !ii.readd_pending && !ii.mgm_disabled,
	      "handoff done");
	miss(S2, G1);
	CHECK_OIFS(S2, G1, "1", "IPv6 forwarding resumes");
	teardown();
}

static void test_one_family_leaves(void)
{
	check_begin("MLD off, IGMP stays (and the reverse)");
	setup();
	fi_send_v12(&f, IF1, A("10.0.1.20"), 0x16, A("239.1.1.1"));
	fi_mld_v2(&f, IF1, HOST, MLD_IS_EX, G1, "");
	fi_mld_v2(&f, IF1, HOST, MLD_TO_EX, G2, S1);
	miss(S1, G2);
	CHECK_OIFS(S1, G2, "negative", "S1 blocked on 1");
	fi_mld_v2(&f, IF1, HOST, MLD_ALLOW, G2, S1);
	CHECK_OIFS(S1, G2, "1", "then forwarded (FORWARD_STATE)");
	fake_log_clear(f.fd);
	CHECK_EQ(mld_if_disable(f.g, IF1), 0, "MLD off on 1");
	CHECK_MEMBERS("1:*,239.1.1.1", "IGMP's membership stays");
	CHECK_OIFS(S1, G2, "negative", "MLD's forward-state went too");
	CHECK_EQ(fake_log_count(f.fd, "igmp disable_igmp"), 0,
		 "no handoff: MGM kept the interface");
	CHECK_EQ(mld_if_enable(f.g, IF1, 2), 0, "MLD back");
	fi_mld_v2(&f, IF1, HOST, MLD_IS_EX, G1, "");
	CHECK_EQ(igmp_if_disable(f.g, IF1), 0, "IGMP off on 1");
	CHECK_MEMBERS("1:*,ff0e::1:1", "MLD's membership stays");
	teardown();
}

static void test_shutdown(void)
{
	check_begin("the seed's shutdown with MLD on a shared interface");
	setup();
	fi_mld_v2(&f, IF1, HOST, MLD_IS_EX, G1, "");
	fi_mld_v2(&f, IF2, HOST, MLD_IS_EX, G1, "");
	fi_send_v12(&f, IF1, A("10.0.1.20"), 0x16, A("239.1.1.1"));
	miss(S1, G1);
	CHECK_OIFS(S1, G1, "1,2", "forwarding to both listeners");
	fake_log_clear(f.fd);
	igmp_destroy(f.g);
	f.g = NULL;
	mgm_dispatch(f.m);
	CHECK_MEMBERS("", "every membership released");
	CHECK_EQ(fake_log_count(f.fd, "mld del") +
			 fake_log_count(f.fd, "igmp del"),
		 0, "by the releases (one per interface), not one by one");
	CHECK_OIFS(S1, G1, "negative",
		   "nothing forwarded to IGMP/MLD interfaces");
	CHECK_EQ(fake_errors(f.fd), 0, "MGM logged no errors");
	fi_fini(&f);
}

int main(void)
{
	test_memberships();
	test_exclude_filter();
	test_handoff();
	test_one_family_leaves();
	test_shutdown();
	return check_summary();
}
