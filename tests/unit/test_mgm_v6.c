// SPDX-License-Identifier: GPL-2.0
/*
 * test_mgm_v6.c - one core for both families (issue 12): IPv6 through
 * the family-neutral API (mgm_*_x), next to IPv4 through MGM's own
 * functions, on the fake datapath.
 *
 * The protocols here: "six", registered with family-neutral callbacks
 * for both families (it logs every callback with its addresses), "four",
 * an MGM protocol with IPv4 callbacks (fake_proto), and "mld", a
 * family-neutral IGMP (MGM_MS_IP_IGMP) for both families.
 */
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "fake_dp.h"
#include "fake_xproto.h"

#define J MGM_JOIN_STATE_FLAG
#define F MGM_FORWARD_STATE_FLAG
#define PID_SIX 0x40000601U

static struct fake_dp *fd;
static struct mgm *m;

/* The recording protocol's lines go to the fake's log. */
static void xp_sink(const char *line)
{
	fake_log(fd, "%s", line);
}

static uint32_t xp_register(struct xp *p, const char *name, uint32_t families,
			    uint32_t pid)
{
	struct mgm_protocol_config_x c = xp_config(p, name, xp_sink, families);

	return mgm_register_protocol_x(m, &c, pid, 1, &p->h);
}

static void setup(void)
{
	fd = fake_dp_new();
	m = fake_mgm_new(fd, 0);
	fake_log_clear(fd);
}

static void teardown(void)
{
	mgm_destroy(m);
	fake_dp_free(fd);
}

static struct mgm_addr S6, G6, G6b, LL6, S4, G4;

/* Arguments: wrong ones are refused and change nothing. */
static void test_arguments(void)
{
	struct fake_proto four = { 0 };
	struct mgm_addr bad4 = mgm_addr4(A("239.1.1.1")), any6 = A6("::");
	struct mgm_protocol_config_x c = { .families = 4 };
	struct xp six = { 0 };
	mgm_handle_t h;

	setup();
	CHECK_ERR(mgm_register_protocol_x(m, &c, PID_SIX, 9, &h),
		  MGM_ERROR_INVALID_PARAMETER);
	c.families = 0;
	CHECK_ERR(mgm_register_protocol_x(m, &c, PID_SIX, 9, &h),
		  MGM_ERROR_INVALID_PARAMETER);
	CHECK_ERR(xp_register(&six, "six", MGM_FAMILY_IPV4 | MGM_FAMILY_IPV6,
			      PID_SIX),
		  MGM_NO_ERROR);
	CHECK_ERR(fake_proto_register(&four, fd, m, "four", 0x40000401U, 1),
		  MGM_NO_ERROR);
	CHECK_ERR(mgm_take_interface_ownership(m, six.h, 2, 0), MGM_NO_ERROR);
	CHECK_ERR(mgm_take_interface_ownership(m, four.h, 4, 0), MGM_NO_ERROR);
	/* Mixed families, a unicast group, a source without a group. */
	CHECK_ERR(mgm_add_group_membership_x(m, six.h, &S4, &G6, 2, 0, J),
		  MGM_ERROR_INVALID_PARAMETER);
	CHECK_ERR(mgm_add_group_membership_x(m, six.h, &any6, &S6, 2, 0, J),
		  MGM_ERROR_INVALID_PARAMETER);
	CHECK_ERR(mgm_add_group_membership_x(m, six.h, &S6, &any6, 2, 0, J),
		  MGM_ERROR_INVALID_PARAMETER);
	/* Not canonical: an IPv4 address with bytes past its four. */
	bad4.w[2] = 1;
	CHECK_ERR(mgm_add_group_membership_x(m, six.h, &S4, &bad4, 2, 0, J),
		  MGM_ERROR_INVALID_PARAMETER);
	bad4 = G4;
	bad4.family = 7;
	CHECK_ERR(mgm_add_group_membership_x(m, six.h, &S4, &bad4, 2, 0, J),
		  MGM_ERROR_INVALID_PARAMETER);
	/* An IPv4 protocol takes no part in IPv6. */
	CHECK_ERR(mgm_add_group_membership_x(m, four.h, &any6, &G6, 4, 0, J),
		  MGM_ERROR_INVALID_PARAMETER);
	CHECK_ERR(mgm_add_group_membership_x(m, four.h, &any6, &G6, 4, 0, J),
		  MGM_ERROR_INVALID_PARAMETER);
	/* ... but IPv4 through the family-neutral call is MGM's own. */
	{
		struct mgm_addr any4 = mgm_addr4(0);

		CHECK_ERR(mgm_add_group_membership_x(m, four.h, &any4, &G4, 4,
						     0, J),
			  MGM_NO_ERROR);
	}
	CHECK_ERR(mgm_adopt_mfe_x(m, &S4, &G6, 2), MGM_ERROR_INVALID_PARAMETER);
	CHECK_ERR(mgm_adopt_mfe_x(m, &any6, &G6, 2),
		  MGM_ERROR_INVALID_PARAMETER);
	CHECK_EQ(fake_dp_num_mfes(fd), 0, "no MFE from bad arguments");
	CHECK_ERR(mgm_release_interface_ownership(m, six.h, 2, 0),
		  MGM_NO_ERROR);
	CHECK_ERR(mgm_release_interface_ownership(m, four.h, 4, 0),
		  MGM_NO_ERROR);
	teardown();
}

/*
 * An IPv6 flow from a miss to its entry, its alerts and its removal;
 * the IPv4 protocol hears nothing of it.
 */
static void test_flow(void)
{
	struct mgm_addr any6 = A6("::");
	struct fake_proto four = { 0 };
	struct mgm_dp_mfe_counters c = { .packets = 7, .bytes = 700 };
	struct xp six = { 0 };
	uint8_t buf[4096];
	uint32_t sz, n;
	struct mgm_mfe_x *r = (struct mgm_mfe_x *)buf;

	setup();
	CHECK_ERR(xp_register(&six, "six", MGM_FAMILY_IPV4 | MGM_FAMILY_IPV6,
			      PID_SIX),
		  MGM_NO_ERROR);
	CHECK_ERR(fake_proto_register(&four, fd, m, "four", 0x40000401U, 1),
		  MGM_NO_ERROR);
	/* Sources in 2001:db8::/32 are reached through ifindex 1. */
	fake_dp_add_route_x(fd, &S6, 32, 1, 0, 2);
	CHECK_ERR(mgm_take_interface_ownership(m, six.h, 1, 0), MGM_NO_ERROR);
	CHECK_ERR(mgm_take_interface_ownership(m, six.h, 2, 0), MGM_NO_ERROR);
	CHECK_ERR(mgm_take_interface_ownership(m, four.h, 4, 0), MGM_NO_ERROR);
	fake_log_clear(fd);
	/* (*,G6) on 2: the other protocols that route IPv6 hear (none). */
	CHECK_ERR(mgm_add_group_membership_x(m, six.h, &any6, &G6, 2, 0, J),
		  MGM_NO_ERROR);
	EXPECT_NO_LOG(fd);
	CHECK_EQ(four.n_join, 0, "four hears no IPv6 join");
	fake_dp_inject_miss_x(fd, 1, &S6, &G6);
	mgm_dispatch(m);
	EXPECT_LOG(
		fd,
		"six rpf 2001:db8::1,ff0e::1:1 iif 1 up fam 10 route /32 fam 10 hdr 40",
		"six creation 2001:db8::1,ff0e::1:1 iif 1 oifs 2",
		"install 2001:db8::1,ff0e::1:1 iif 1 oifs 2");
	CHECK_STR(fake_dp_oifs_x(fd, &S6, &G6), "2", "IPv6 entry's oifs");
	CHECK_EQ(fake_dp_num_mfes(fd), 1, "one entry");

	/* The record of either family. */
	CHECK_ERR(fake_dp_set_counters_x(fd, &S6, &G6, &c) ? 1 : 0, 0);
	sz = sizeof(buf);
	CHECK_ERR(mgm_get_mfe_x(m, &S6, &G6, &sz, buf), MGM_NO_ERROR);
	CHECK(!memcmp(&r->source, &S6, sizeof(S6)) &&
		      !memcmp(&r->group, &G6, sizeof(G6)),
	      "record's addresses");
	CHECK_EQ(r->in_ifindex, 1, "record's iif");
	CHECK_EQ(r->num_oifs, 1, "record's oifs");
	CHECK_EQ(r->oifs[0].out_ifindex, 2, "record's oif");
	CHECK_EQ(r->in_packets, 7, "record's packets");
	CHECK_EQ(r->in_octets, 700, "record's bytes");
	CHECK_EQ(r->in_if_protocol, PID_SIX, "record's iif protocol");
	CHECK_EQ(r->route_prefix_len, 32, "record's route");
	CHECK_EQ(r->route_network.family, MGM_AF_INET6, "route's family");
	/* MGM's IPv4 records do not show it. */
	sz = sizeof(buf);
	CHECK_ERR(mgm_get_first_mfe(m, &sz, buf, &n), MGM_ERROR_NO_MORE_ITEMS);
	CHECK_EQ(n, 0, "no IPv4 record");

	/* Wrong interface: to the owner of the arrival interface. */
	fake_dp_inject_wrong_if_x(fd, 2, &S6, &G6);
	mgm_dispatch(m);
	EXPECT_LOG(fd, "six wrong_if 2001:db8::1,ff0e::1:1 if 2 hdr 40 v6");

	/* The last receiver goes: the entry turns negative, with its
	 * (S,G) prune to the iif's owner. */
	six.prune_timeout = 33;
	CHECK_ERR(mgm_delete_group_membership_x(m, six.h, &any6, &G6, 2, 0, J),
		  MGM_NO_ERROR);
	CHECK_STR(fake_dp_oifs_x(fd, &S6, &G6), "negative", "negative");
	CHECK(fake_log_find(fd, "six prune 2001:db8::1,ff0e::1:1 if 1 del 0",
			    0) >= 0,
	      "oif-list prune");
	sz = sizeof(buf);
	CHECK_ERR(mgm_get_mfe_x(m, &S6, &G6, &sz, buf), MGM_NO_ERROR);
	CHECK_EQ(r->timeout, 33, "the prune's timeout is kept");
	CHECK_EQ(four.n_join + four.n_prune + four.n_rpf + four.n_creation, 0,
		 "four heard nothing");

	/* The owner deletes it; the timeout function checks ownership. */
	CHECK_ERR(mgm_set_mfe_timeout_x(m, four.h, &S6, &G6, 5),
		  MGM_ERROR_INVALID_PARAMETER);
	CHECK_ERR(mgm_delete_mfe_x(m, six.h, &S6, &G6), MGM_NO_ERROR);
	CHECK_EQ(fake_dp_num_mfes(fd), 0, "deleted");
	CHECK_ERR(mgm_delete_mfe_x(m, six.h, &S6, &G6), MGM_ERROR_NOT_FOUND);
	CHECK_ERR(mgm_release_interface_ownership(m, six.h, 1, 0),
		  MGM_NO_ERROR);
	CHECK_ERR(mgm_release_interface_ownership(m, six.h, 2, 0),
		  MGM_NO_ERROR);
	CHECK_ERR(mgm_release_interface_ownership(m, four.h, 4, 0),
		  MGM_NO_ERROR);
	teardown();
}

static struct mgm_membership_info seen_g6;

static int memb_fn(void *arg, const struct mgm_membership_info *i)
{
	uint32_t *k = arg;

	if (!memcmp(&i->xgroup, &G6, sizeof(G6)))
		seen_g6 = *i;
	(*k)++;
	return 0;
}

/* Both families side by side: no collision, and the orders. */
static void test_mixed(void)
{
	struct mgm_addr any6 = A6("::"), any4 = mgm_addr4(0);
	/* An IPv6 group whose first word is the IPv4 group's. */
	struct mgm_addr G6c = mgm_addr6((uint8_t[16]){ 239, 1, 1, 1 });
	struct mgm_source_group_x sgx[8];
	struct mgm_source_group sg4[8];
	struct xp six = { 0 };
	uint8_t buf[4096];
	uint32_t sz, n, off;
	mgm_handle_t e;

	G6c.v6[0] = 0xff; /* keeps 1.1.1 after it */
	setup();
	CHECK_ERR(xp_register(&six, "six", MGM_FAMILY_IPV4 | MGM_FAMILY_IPV6,
			      PID_SIX),
		  MGM_NO_ERROR);
	CHECK_ERR(mgm_take_interface_ownership(m, six.h, 1, 0), MGM_NO_ERROR);
	CHECK_ERR(mgm_take_interface_ownership(m, six.h, 2, 0), MGM_NO_ERROR);
	CHECK_ERR(mgm_take_interface_ownership(m, six.h, 3, 0), MGM_NO_ERROR);
	CHECK_ERR(mgm_add_group_membership_x(m, six.h, &any6, &G6, 2, 0, J),
		  MGM_NO_ERROR);
	CHECK_ERR(mgm_add_group_membership_x(m, six.h, &any6, &G6c, 3, 0, J),
		  MGM_NO_ERROR);
	CHECK_ERR(mgm_add_group_membership_entry(m, six.h, 0, 0, G4.v4,
						 0xffffffffU, 3, 0, J),
		  MGM_NO_ERROR);
	/* (*,*) of IPv6 on 3: every IPv6 group, no IPv4 one. */
	CHECK_ERR(mgm_add_group_membership_x(m, six.h, &any6, &any6, 3, 0, J),
		  MGM_NO_ERROR);
	fake_dp_inject_miss_x(fd, 1, &S6, &G6);
	fake_dp_inject_miss(fd, 1, S4.v4, G4.v4);
	fake_dp_inject_miss_x(fd, 1, &S6, &G6b);
	mgm_dispatch(m);
	CHECK_STR(fake_dp_oifs_x(fd, &S6, &G6), "2,3", "v6 (*,G) + (*,*)");
	CHECK_STR(fake_dp_oifs_x(fd, &S6, &G6b), "3", "v6 (*,*) only");
	CHECK_STR(fake_dp_oifs(fd, S4.v4, G4.v4), "3", "v4 untouched by v6");
	/* (*,*) of IPv4 is another membership than IPv6's. */
	CHECK_ERR(mgm_add_group_membership_x(m, six.h, &any4, &any4, 2, 0, J),
		  MGM_NO_ERROR);
	CHECK_STR(fake_dp_oifs(fd, S4.v4, G4.v4), "2,3", "v4 (*,*) on 2");
	CHECK_STR(fake_dp_oifs_x(fd, &S6, &G6b), "3", "v6 (*,*) not on 2");
	CHECK_ERR(mgm_delete_group_membership_x(m, six.h, &any6, &any6, 3, 0,
						J),
		  MGM_NO_ERROR);
	CHECK_STR(fake_dp_oifs_x(fd, &S6, &G6b), "negative", "v6 (*,*) gone");
	CHECK_STR(fake_dp_oifs(fd, S4.v4, G4.v4), "2,3", "v4 kept");

	/* Family-neutral enumeration: IPv4 first, then by group. */
	sz = sizeof(buf);
	CHECK_ERR(mgm_get_first_mfe_x(m, &sz, buf, &n),
		  MGM_ERROR_NO_MORE_ITEMS);
	CHECK_EQ(n, 3, "three records");
	off = 0;
	{
		const struct mgm_mfe_x *r = (const void *)(buf + off);

		CHECK_EQ(r->group.family, MGM_AF_INET, "IPv4 first");
		off += (MGM_SIZEOF_MFE_X(r->num_oifs) + 7U) & ~7U;
		r = (const void *)(buf + off);
		CHECK(!memcmp(&r->group, &G6, sizeof(G6)), "then ff0e::1:1");
		CHECK_EQ(off % 8, 0, "records 8-byte aligned");
		/* next after the first IPv6 key */
		sz = sizeof(buf);
		CHECK_ERR(mgm_get_next_mfe_x(m, &r->source, &r->group, &sz,
					     buf + 2048, &n),
			  MGM_ERROR_NO_MORE_ITEMS);
		CHECK_EQ(n, 1, "one after it");
		r = (const void *)(buf + 2048);
		CHECK(!memcmp(&r->group, &G6b, sizeof(G6b)), "ff0e::2:2 last");
	}
	/* MGM's IPv4 enumeration: the IPv4 entry only. */
	sz = sizeof(buf);
	CHECK_ERR(mgm_get_first_mfe(m, &sz, buf, &n), MGM_ERROR_NO_MORE_ITEMS);
	CHECK_EQ(n, 1, "one IPv4 record");

	/* Group enumeration. */
	CHECK_ERR(mgm_group_enumeration_start(m, six.h, MGM_ALL_SOURCES, &e),
		  MGM_NO_ERROR);
	sz = sizeof(sgx);
	CHECK_ERR(mgm_group_enumeration_get_next_x(m, e, &sz, (uint8_t *)sgx,
						   &n),
		  MGM_ERROR_NO_MORE_ITEMS);
	CHECK_EQ(n, 4, "(*,*)4, (*,G4), (*,G6c), (*,G6)");
	/* ff01:101:: before ff0e::1:1: bytes in network order. */
	CHECK(n == 4 && sgx[0].group.family == MGM_AF_INET &&
		      mgm_addr_is_unspec(&sgx[0].group) &&
		      sgx[1].group.v4 == G4.v4 &&
		      !memcmp(&sgx[2].group, &G6c, sizeof(G6c)) &&
		      !memcmp(&sgx[3].group, &G6, sizeof(G6)),
	      "records in order");
	CHECK_ERR(mgm_group_enumeration_end(m, e), MGM_NO_ERROR);
	CHECK_ERR(mgm_group_enumeration_start(m, six.h, MGM_ALL_SOURCES, &e),
		  MGM_NO_ERROR);
	sz = sizeof(sg4);
	CHECK_ERR(mgm_group_enumeration_get_next(m, e, &sz, (uint8_t *)sg4, &n),
		  MGM_ERROR_NO_MORE_ITEMS);
	CHECK_EQ(n, 2, "MGM's records: IPv4 only");
	CHECK(n == 2 && sg4[0].group == 0 && sg4[1].group == G4.v4 &&
		      sg4[1].group_mask == 0xffffffffU,
	      "IPv4 records with masks");
	CHECK_ERR(mgm_group_enumeration_end(m, e), MGM_NO_ERROR);

	/* Introspection carries both. */
	n = 0;
	memset(&seen_g6, 0, sizeof(seen_g6));
	CHECK_EQ(mgm_foreach_membership(m, memb_fn, &n), 0, "foreach");
	CHECK_EQ(n, 4, "four memberships");
	CHECK(seen_g6.ifindex == 2 && seen_g6.group == 0 &&
		      seen_g6.group_mask == 0,
	      "IPv6 membership: no IPv4 fields");
	teardown();
}

/*
 * The seed with MLD: a family-neutral IGMP shares the interface; the
 * release disables and re-enables it around the change and every IPv6
 * entry of the interface goes.
 */
static void test_seed(void)
{
	struct mgm_addr any6 = A6("::");
	struct xp six = { 0 }, mld = { 0 };

	setup();
	CHECK_ERR(xp_register(&six, "six", MGM_FAMILY_IPV4 | MGM_FAMILY_IPV6,
			      PID_SIX),
		  MGM_NO_ERROR);
	CHECK_ERR(xp_register(&mld, "mld", MGM_FAMILY_IPV4 | MGM_FAMILY_IPV6,
			      MGM_MS_IP_IGMP),
		  MGM_NO_ERROR);
	CHECK_ERR(mgm_take_interface_ownership(m, six.h, 1, 0), MGM_NO_ERROR);
	CHECK_ERR(mgm_take_interface_ownership(m, six.h, 2, 0), MGM_NO_ERROR);
	CHECK_ERR(mgm_take_interface_ownership(m, mld.h, 2, 0), MGM_NO_ERROR);
	fake_log_clear(fd);
	/* A host joined through MLD: the owner hears a local join. */
	CHECK_ERR(mgm_add_group_membership_x(m, mld.h, &any6, &G6, 2, 0, J),
		  MGM_NO_ERROR);
	CHECK(fake_log_find(fd, "six local_join ::,ff0e::1:1 if 2", 0) >= 0,
	      "local join to the owner, IPv6");
	fake_dp_inject_miss_x(fd, 1, &S6, &G6);
	mgm_dispatch(m);
	CHECK_STR(fake_dp_oifs_x(fd, &S6, &G6), "2", "MLD receiver");
	fake_log_clear(fd);
	CHECK_ERR(mgm_release_interface_ownership(m, six.h, 2, 0),
		  MGM_NO_ERROR);
	CHECK(fake_log_find(fd, "mld disable_igmp 2", 0) >= 0 &&
		      fake_log_find(fd, "mld enable_igmp 2", 0) >
			      fake_log_find(fd, "mld disable_igmp 2", 0),
	      "disable, then enable");
	CHECK_STR(fake_dp_oifs_x(fd, &S6, &G6), "negative",
		  "nothing reaches 2 once the release returns");
	/* The owner's release of the iif removes the entry. */
	CHECK_ERR(mgm_release_interface_ownership(m, six.h, 1, 0),
		  MGM_NO_ERROR);
	CHECK_EQ(fake_dp_num_mfes(fd), 0, "entry of the iif gone");
	CHECK_ERR(mgm_release_interface_ownership(m, mld.h, 2, 0),
		  MGM_NO_ERROR);
	CHECK_ERR(mgm_deregister_protocol(m, mld.h), MGM_NO_ERROR);
	CHECK_ERR(mgm_deregister_protocol(m, six.h), MGM_NO_ERROR);
	teardown();
}

/*
 * An interface owned only by an IPv4 protocol is unowned for IPv6: with
 * unowned_iif_no_mfe, an IPv6 miss there makes nothing.
 */
static void test_unowned(void)
{
	struct mgm_options o = { .unowned_iif_no_mfe = true };
	struct fake_proto four = { 0 };
	struct mgm_stats st;

	fd = fake_dp_new();
	m = fake_mgm_new_opts(fd, &o);
	CHECK_ERR(fake_proto_register(&four, fd, m, "four", 0x40000401U, 1),
		  MGM_NO_ERROR);
	CHECK_ERR(mgm_take_interface_ownership(m, four.h, 1, 0), MGM_NO_ERROR);
	fake_dp_inject_miss_x(fd, 1, &S6, &G6);
	fake_dp_inject_miss(fd, 1, S4.v4, G4.v4);
	mgm_dispatch(m);
	mgm_get_stats(m, &st);
	CHECK_EQ(st.misses_unowned, 1, "the IPv6 miss is unowned");
	CHECK(!fake_dp_get_x(fd, &S6, &G6, NULL), "no IPv6 entry");
	CHECK(fake_dp_get(fd, S4.v4, G4.v4, NULL), "the IPv4 entry is made");
	CHECK_EQ(four.n_rpf, 1, "four asked about IPv4 only");
	CHECK_ERR(mgm_adopt_mfe_x(m, &S6, &G6, 1), MGM_ERROR_NOT_FOUND);
	CHECK_ERR(mgm_release_interface_ownership(m, four.h, 1, 0),
		  MGM_NO_ERROR);
	teardown();
}

int main(void)
{
	S6 = A6("2001:db8::1");
	G6 = A6("ff0e::1:1");
	G6b = A6("ff0e::2:2");
	LL6 = A6("fe80::1");
	S4 = mgm_addr4(A("192.0.2.1"));
	G4 = mgm_addr4(A("239.1.1.1"));
	(void)LL6;
	test_arguments();
	test_flow();
	test_mixed();
	test_seed();
	test_unowned();
	return check_summary();
}
