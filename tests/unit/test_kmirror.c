// SPDX-License-Identifier: GPL-2.0
/*
 * test_kmirror.c - the kernel mirror ("kernel" protocol): ipmr's netlink
 * messages parsed from crafted bytes, and the mirror against the MGM core
 * on the fake datapath, with its policy in front of the fake as mgmd puts
 * it in front of the fast path: entries in, changed, moved and out; what
 * stays with the kernel and why; TTL thresholds; (*,G) and (*,*);
 * keepalive flags; resyncs; the seed on destroy.  The IPv4 tests run
 * twice: with IPv4 mirrored alone and with both families.  ip6mr's
 * messages (RTNL_FAMILY_IP6MR, AF_INET6 netconf) in the kernel's layout,
 * IPv6 entries through the same paths, and the families kept apart.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include <libmnl/libmnl.h>
#include <linux/netconf.h>
#include <linux/rtnetlink.h>

#include "check.h"
#include "fake_dp.h"
#include "mgm_fwd.h" /* MGM_MFE_F_KERNEL_KEEPALIVE */
#include "proto/kmirror.h"

#define PIMREG 9 /* not Ethernet */
#define BROKEN 8 /* the forwarder cannot be attached */

static struct fake_dp *fd;
static struct mgm *m;
static struct kmirror *km;

/* What the host saw: thresholds, attaches, flags of the last install. */
static int thr[16];
static int attached[16];
static uint16_t last_flags;
static unsigned n_installs;

/* ---- the host: fake datapath behind the mirror's policy ---------------- */

static int h_attach(void *ctx, uint32_t ifindex)
{
	(void)ctx;
	if (ifindex == BROKEN)
		return -EEXIST;
	attached[ifindex % 16]++;
	return 1;
}

static void h_detach(void *ctx, uint32_t ifindex)
{
	(void)ctx;
	attached[ifindex % 16]--;
}

static int h_threshold(void *ctx, uint32_t ifindex, uint8_t ttl)
{
	(void)ctx;
	thr[ifindex % 16] = ttl;
	return 0;
}

static int h_usable(void *ctx, uint32_t ifindex)
{
	(void)ctx;
	return ifindex != PIMREG;
}

static int h_install(void *ctx, const struct mgm_addr *s,
		     const struct mgm_addr *g, uint32_t iif,
		     const uint32_t *oifs, uint32_t n, uint16_t flags)
{
	(void)ctx;
	last_flags = flags;
	n_installs++;
	return fake_dp_ops.mfe_install(fd, s, g, iif, oifs, n);
}

static uint64_t h_now(void *ctx)
{
	(void)ctx;
	return fake_dp_now(fd);
}

static int h_delete(void *ctx, const struct mgm_addr *s,
		    const struct mgm_addr *g)
{
	(void)ctx;
	return fake_dp_ops.mfe_delete(fd, s, g);
}

/* mgmd's wrappers, on the fake. */
static int w_install(void *dp, const struct mgm_addr *s,
		     const struct mgm_addr *g, uint32_t iif,
		     const uint32_t *oifs, uint32_t n)
{
	int ret = km ? kmirror_mfe_install(km, s, g, iif, oifs, n) : 1;

	return ret == 1 ? fake_dp_ops.mfe_install(dp, s, g, iif, oifs, n) : ret;
}

static int w_rpf(void *dp, const struct mgm_addr *s, const struct mgm_addr *g,
		 struct mgm_route_info_x *out)
{
	uint32_t iif;

	if (km && kmirror_rpf(km, s, g, &iif)) {
		memset(out, 0, sizeof(*out));
		out->ifindex = iif;
		return 0;
	}
	return fake_dp_ops.rpf_lookup(dp, s, g, out);
}

struct pctx {
	mgm_dp_event_cb cb;
	void *ctx;
};

static void w_event(void *arg, const struct mgm_dp_event *ev)
{
	struct pctx *p = arg;

	if (ev->type == MGM_DP_EV_MISS && km &&
	    !kmirror_miss_wanted(km, ev->ifindex, &ev->source, &ev->group,
				 ev->ts_ns))
		return;
	p->cb(p->ctx, ev);
}

static int w_poll(void *dp, mgm_dp_event_cb cb, void *ctx)
{
	struct pctx p = { cb, ctx };

	return fake_dp_ops.event_poll(dp, w_event, &p);
}

static struct mgm_datapath_ops ops;
/* The families the next setup() mirrors (0: IPv4 alone). */
static uint32_t families;

static void setup(bool keepalive)
{
	const struct kmirror_ops ko = {
		.attach = h_attach,
		.detach = h_detach,
		.set_threshold = h_threshold,
		.if_usable = h_usable,
		.mfe_install = h_install,
		.mfe_delete = h_delete,
		.now_ns = h_now,
	};
	struct kmirror_opts o = { .no_netlink = true,
				  .no_keepalive = !keepalive,
				  .families = families };
	struct mgm_options mo = { .dp_ops = &ops };
	struct mgm_addr p6 = A6("2001:db8::");

	memset(thr, 0, sizeof(thr));
	memset(attached, 0, sizeof(attached));
	fd = fake_dp_new();
	ops = fake_dp_ops;
	ops.mfe_install = w_install;
	ops.rpf_lookup = w_rpf;
	ops.event_poll = w_poll;
	mo.dp = fd;
	CHECK(mgm_create(&mo, &m) == 0, "mgm_create");
	/* Sources in 192.0.2.0/24 are reached through ifindex 1 (unicast). */
	fake_dp_add_route(fd, A("192.0.2.0"), 24, 1, 0, 2);
	fake_dp_add_route_x(fd, &p6, 32, 1, 0, 2);
	CHECK_EQ(kmirror_create(m, &ko, &o, &km), 0, "kmirror_create");
}

/* An address of either family from text ("2001:db8::1", "192.0.2.1"). */
static struct mgm_addr addr(const char *s)
{
	return strchr(s, ':') ? A6(s) : mgm_addr4(A(s));
}

static void teardown(void)
{
	kmirror_destroy(km);
	km = NULL;
	mgm_destroy(m);
	fake_dp_free(fd);
}

/* An MFC entry: iif, then n (ifindex, ttl) pairs. */
static struct km_mfc mfc(const char *s, const char *g, uint32_t iif, int n, ...)
{
	struct km_mfc c = { .iif = iif };
	va_list ap;
	int i;

	c.group = addr(g);
	c.source = s ? addr(s) : (struct mgm_addr){ .family = c.group.family };
	/* Each kernel's default table: ipmr's 253, ip6mr's 254. */
	c.table = c.group.family == MGM_AF_INET6 ? RT_TABLE_MAIN :
						   RT_TABLE_DEFAULT;
	va_start(ap, n);
	for (i = 0; i < n; i++) {
		c.oifs[i].ifindex = va_arg(ap, uint32_t);
		c.oifs[i].ttl = (uint8_t)va_arg(ap, int);
	}
	va_end(ap);
	c.n_oifs = (uint32_t)n;
	return c;
}

struct find {
	struct mgm_addr s, g;
	enum km_state state;
	const char *reason;
	bool found;
};

static int find_one(void *arg, const struct km_entry_info *i)
{
	struct find *f = arg;

	if (!mgm_addr_eq(&i->mfc->source, &f->s) ||
	    !mgm_addr_eq(&i->mfc->group, &f->g))
		return 0;
	f->found = true;
	f->state = i->state;
	f->reason = i->reason;
	return 1;
}

/* "xdp", "kernel:REASON" or "absent". */
static const char *path_of(const char *s, const char *g)
{
	static char buf[64];
	struct find f = { .g = addr(g) };

	f.s = s ? addr(s) : (struct mgm_addr){ .family = f.g.family };

	kmirror_foreach(km, find_one, &f);
	if (!f.found)
		return "absent";
	if (f.state == KM_XDP)
		return "xdp";
	snprintf(buf, sizeof(buf), "kernel:%s", f.reason);
	return buf;
}

static void miss(uint32_t ifindex, const char *s, const char *g)
{
	fake_dp_inject_miss(fd, ifindex, A(s), A(g));
	mgm_dispatch(m);
}

#define S1 "192.0.2.1"
#define S2 "192.0.2.2"
#define G1 "239.1.1.1"
#define G2 "239.2.2.2"

/* ---- netlink parsing --------------------------------------------------- */

static struct nlmsghdr *route_msg(char *buf, uint16_t type, uint8_t family,
				  bool unresolved)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct rtmsg *rtm = mnl_nlmsg_put_extra_header(nlh, sizeof(*rtm));

	nlh->nlmsg_type = type;
	rtm->rtm_family = family;
	rtm->rtm_table = RT_TABLE_DEFAULT;
	rtm->rtm_dst_len = 32;
	rtm->rtm_src_len = 32;
	rtm->rtm_type = RTN_MULTICAST;
	if (unresolved)
		rtm->rtm_flags = RTNH_F_UNRESOLVED;
	return nlh;
}

static void put_nexthops(struct nlmsghdr *nlh, int n, const int *ifs,
			 const int *ttls)
{
	struct nlattr *mp = mnl_attr_nest_start(nlh, RTA_MULTIPATH);
	int i;

	for (i = 0; i < n; i++) {
		struct rtnexthop *nh = mnl_nlmsg_get_payload_tail(nlh);

		nh->rtnh_len = sizeof(*nh);
		nh->rtnh_flags = 0;
		nh->rtnh_hops = (unsigned char)ttls[i];
		nh->rtnh_ifindex = ifs[i];
		nlh->nlmsg_len += RTNH_ALIGN(sizeof(*nh));
	}
	mnl_attr_nest_end(nlh, mp);
}

static void test_parse(void)
{
	static const int ifs[] = { 3, 4 }, ttls[] = { 1, 16 };
	char buf[1024];
	struct rta_mfc_stats st = { 100, 9200, 3 };
	struct nlmsghdr *nlh;
	struct km_mfc c;
	int32_t ifi = 0, mc = 0;
	uint16_t fam = 0;

	check_begin("parse");
	nlh = route_msg(buf, RTM_NEWROUTE, RTNL_FAMILY_IPMR, false);
	mnl_attr_put_u32(nlh, RTA_TABLE, 253);
	mnl_attr_put_u32(nlh, RTA_SRC, A(S1));
	mnl_attr_put_u32(nlh, RTA_DST, A(G1));
	mnl_attr_put_u32(nlh, RTA_IIF, 2);
	put_nexthops(nlh, 2, ifs, ttls);
	mnl_attr_put(nlh, RTA_MFC_STATS, sizeof(st), &st);
	mnl_attr_put_u64(nlh, RTA_EXPIRES, 250); /* clock ticks */
	CHECK_EQ(km_parse_route(nlh, &c), 1, "a resolved entry parses");
	CHECK_EQ(c.table, 253, "table");
	CHECK(c.source.family == MGM_AF_INET && c.source.v4 == A(S1) &&
		      !c.source.w[1] && !c.source.w[3],
	      "source, IPv4");
	CHECK(c.group.family == MGM_AF_INET && c.group.v4 == A(G1), "group");
	CHECK_EQ(c.iif, 2, "iif");
	CHECK_EQ(c.n_oifs, 2, "two oifs");
	CHECK(c.oifs[0].ifindex == 3 && c.oifs[0].ttl == 1 &&
		      c.oifs[1].ifindex == 4 && c.oifs[1].ttl == 16,
	      "oifs with thresholds");
	CHECK(c.has_stats && c.packets == 100 && c.bytes == 9200 &&
		      c.wrong_if == 3,
	      "RTA_MFC_STATS");
	CHECK_EQ(c.lastuse_ms, 2500, "RTA_EXPIRES is time since last use");
	CHECK(!c.unresolved, "resolved");

	nlh = route_msg(buf, RTM_NEWROUTE, RTNL_FAMILY_IPMR, true);
	mnl_attr_put_u32(nlh, RTA_SRC, A(S1));
	mnl_attr_put_u32(nlh, RTA_DST, A(G1));
	CHECK_EQ(km_parse_route(nlh, &c), 1, "an unresolved entry parses");
	CHECK(c.unresolved && !c.iif && !c.n_oifs, "unresolved, no iif");

	nlh = route_msg(buf, RTM_NEWROUTE, AF_INET, false);
	mnl_attr_put_u32(nlh, RTA_DST, A("198.51.100.0"));
	CHECK_EQ(km_parse_route(nlh, &c), 0, "a unicast route is ignored");

	nlh = route_msg(buf, RTM_DELROUTE, RTNL_FAMILY_IPMR, false);
	mnl_attr_put_u32(nlh, RTA_SRC, A(S1));
	CHECK_EQ(km_parse_route(nlh, &c), -EINVAL, "no group: malformed");

	nlh = route_msg(buf, RTM_NEWROUTE, RTNL_FAMILY_IPMR, false);
	mnl_attr_put_u32(nlh, RTA_DST, A(G1));
	mnl_attr_put_u16(nlh, RTA_IIF, 2);
	CHECK_EQ(km_parse_route(nlh, &c), -EINVAL, "short RTA_IIF: malformed");

	/* A nexthop whose length runs past the attribute. */
	nlh = route_msg(buf, RTM_NEWROUTE, RTNL_FAMILY_IPMR, false);
	mnl_attr_put_u32(nlh, RTA_DST, A(G1));
	{
		struct rtnexthop nh = { .rtnh_len = 64, .rtnh_ifindex = 3 };

		mnl_attr_put(nlh, RTA_MULTIPATH, sizeof(nh), &nh);
	}
	CHECK_EQ(km_parse_route(nlh, &c), -EINVAL, "bad rtnh_len: malformed");

	nlh = mnl_nlmsg_put_header(buf);
	nlh->nlmsg_type = RTM_NEWNETCONF;
	((struct netconfmsg *)mnl_nlmsg_put_extra_header(
		 nlh, sizeof(struct netconfmsg)))
		->ncm_family = AF_INET;
	mnl_attr_put_u32(nlh, NETCONFA_IFINDEX, 4);
	mnl_attr_put_u32(nlh, NETCONFA_MC_FORWARDING, 0);
	CHECK_EQ(km_parse_netconf(nlh, &fam, &ifi, &mc), 1, "netconf parses");
	CHECK(ifi == 4 && mc == 0, "a VIF went from ifindex 4");
	CHECK_EQ(fam, MGM_AF_INET, "of IPv4");

	nlh = mnl_nlmsg_put_header(buf);
	nlh->nlmsg_type = RTM_NEWNETCONF;
	((struct netconfmsg *)mnl_nlmsg_put_extra_header(
		 nlh, sizeof(struct netconfmsg)))
		->ncm_family = AF_INET;
	mnl_attr_put_u32(nlh, NETCONFA_IFINDEX, 4);
	mnl_attr_put_u32(nlh, NETCONFA_FORWARDING, 1);
	CHECK_EQ(km_parse_netconf(nlh, &fam, &ifi, &mc), 0,
		 "netconf without mc_forwarding is not about VIFs");
}

/* ---- mirroring ----------------------------------------------------------- */

static int count_memb(void *arg, const struct mgm_membership_info *i)
{
	if (i->protocol_id == MGM_PROTO_KERNEL)
		(*(size_t *)arg)++;
	return 0;
}

static size_t kernel_memberships(void)
{
	size_t n = 0;

	mgm_foreach_membership(m, count_memb, &n);
	return n;
}

static uint32_t mfe_iif(const char *s, const char *g)
{
	struct fake_mfe f;

	return fake_dp_get(fd, A(s), A(g), &f) ? f.iif : 0;
}

static void test_entry_life(void)
{
	struct km_mfc c;
	uint32_t pid, comp;

	check_begin("entry life");
	setup(true);
	c = mfc(S1, G1, 2, 2, 3, 1, 4, 1);
	kmirror_mfc_update(km, &c);
	CHECK_STR(path_of(S1, G1), "xdp", "mirrored");
	CHECK_STR(fake_dp_oifs(fd, A(S1), A(G1)), "3,4",
		  "installed at once, as the kernel has it");
	CHECK_EQ(mfe_iif(S1, G1), 2, "iif is the kernel's parent");
	CHECK_EQ(last_flags, MGM_MFE_F_KERNEL_KEEPALIVE, "with keepalive");
	CHECK_EQ(kernel_memberships(), 2, "one (S,G) membership per oif");
	CHECK(attached[2] == 1 && attached[3] == 1 && attached[4] == 1,
	      "forwarder attached to iif and oifs");
	CHECK(thr[3] == 1 && thr[4] == 1, "thresholds set");
	CHECK_ERR(mgm_get_protocol_on_interface(m, 3, 0, &pid, &comp),
		  MGM_NO_ERROR);
	CHECK_EQ(pid, MGM_PROTO_KERNEL, "kernel owns its interfaces");

	/* Outgoing interfaces change in place. */
	c = mfc(S1, G1, 2, 2, 3, 1, 5, 1);
	kmirror_mfc_update(km, &c);
	CHECK_STR(fake_dp_oifs(fd, A(S1), A(G1)), "3,5", "oif 4 out, 5 in");
	CHECK_EQ(kernel_memberships(), 2, "memberships follow");

	/* The parent moves: MGM's entry is replaced, not kept. */
	c = mfc(S1, G1, 5, 1, 3, 1);
	kmirror_mfc_update(km, &c);
	CHECK_EQ(mfe_iif(S1, G1), 5, "new parent");
	CHECK_STR(fake_dp_oifs(fd, A(S1), A(G1)), "3", "new oifs");

	/* Deleted: out of the fast path at once, misses stay with the
	 * kernel (which raises its upcall to the daemon). */
	kmirror_mfc_delete(km, &c);
	CHECK_STR(fake_dp_oifs(fd, A(S1), A(G1)), "absent", "deleted");
	CHECK_STR(path_of(S1, G1), "absent", "forgotten");
	CHECK_EQ(kernel_memberships(), 0, "no membership left");
	miss(5, S1, G1);
	CHECK_STR(fake_dp_oifs(fd, A(S1), A(G1)), "absent",
		  "a miss on a kernel interface creates no negative entry");
	miss(1, S2, G2);
	CHECK_STR(fake_dp_oifs(fd, A(S2), A(G2)), "negative",
		  "misses elsewhere are MGM's as before");
	teardown();
	CHECK(attached[2] == 0 && attached[3] == 0 && attached[5] == 0,
	      "destroy detached what it attached");
}

static void test_kernel_only(void)
{
	struct km_mfc c;

	check_begin("kernel only");
	setup(true);
	c = mfc(S1, G1, 2, 0);
	kmirror_mfc_update(km, &c);
	CHECK_STR(path_of(S1, G1), "kernel:no-oifs", "no oifs (a stop filter)");
	CHECK_STR(fake_dp_oifs(fd, A(S1), A(G1)), "absent",
		  "no negative entry: the kernel drops, counts, delivers");
	c = mfc(S1, G2, 0, 1, 3, 1);
	kmirror_mfc_update(km, &c);
	CHECK_STR(path_of(S1, G2), "kernel:no-iif", "parent VIF gone");
	c = mfc(S2, G1, 2, 2, 3, 1, PIMREG, 1);
	kmirror_mfc_update(km, &c);
	CHECK_STR(path_of(S2, G1), "kernel:oif-not-ethernet",
		  "register VIF among the oifs");
	c = mfc(S2, G2, PIMREG, 1, 3, 1);
	kmirror_mfc_update(km, &c);
	CHECK_STR(path_of(S2, G2), "kernel:iif-not-ethernet",
		  "decapsulated registers");
	c = mfc(S1, "239.3.3.3", 2, 2, 2, 1, 3, 1);
	kmirror_mfc_update(km, &c);
	CHECK_STR(path_of(S1, "239.3.3.3"), "kernel:oif-is-iif",
		  "the kernel would send back out of the parent");
	c = mfc(S1, "239.4.4.4", 2, 1, BROKEN, 1);
	kmirror_mfc_update(km, &c);
	CHECK_STR(path_of(S1, "239.4.4.4"), "kernel:xdp-attach",
		  "forwarder cannot be attached");
	c = mfc(S1, "224.0.0.9", 2, 1, 3, 1);
	kmirror_mfc_update(km, &c);
	CHECK_STR(path_of(S1, "224.0.0.9"), "kernel:link-local",
		  "link-local group");
	CHECK_EQ(fake_dp_num_mfes(fd), 0, "nothing in the fast path");
	CHECK_EQ(kernel_memberships(), 0, "and nothing in MGM");

	/* Once the kernel's entry can be carried, it is. */
	c = mfc(S1, G1, 2, 1, 3, 1);
	kmirror_mfc_update(km, &c);
	CHECK_STR(path_of(S1, G1), "xdp", "the stop filter became a route");
	CHECK_STR(fake_dp_oifs(fd, A(S1), A(G1)), "3", "installed");
	/* An entry of another table is not ours. */
	c = mfc(S2, "239.5.5.5", 2, 1, 3, 1);
	c.table = 10;
	kmirror_mfc_update(km, &c);
	CHECK_STR(path_of(S2, "239.5.5.5"), "absent", "other table ignored");
	teardown();
}

static void test_busy(void)
{
	struct mgm_protocol_config cfg = { 0 };
	mgm_handle_t other;
	struct km_mfc c;

	check_begin("interface of another protocol");
	setup(true);
	CHECK_ERR(mgm_register_protocol(m, &cfg, 0x1234, 1, &other),
		  MGM_NO_ERROR);
	CHECK_ERR(mgm_take_interface_ownership(m, other, 7, 0), MGM_NO_ERROR);
	c = mfc(S1, G1, 2, 2, 3, 1, 7, 1);
	kmirror_mfc_update(km, &c);
	CHECK_STR(path_of(S1, G1), "kernel:interface-busy",
		  "another protocol owns an oif");
	/* Unused interfaces are given back at the next resync (not at
	 * once: entries come and go with traffic). */
	kmirror_resync_begin(km);
	kmirror_mfc_update(km, &c);
	kmirror_resync_end(km);
	CHECK(!kmirror_owns(km, 2) && !kmirror_owns(km, 3),
	      "nothing held after the failure and a resync");
	CHECK(attached[2] == 0 && attached[3] == 0, "nothing attached");
	mgm_release_interface_ownership(m, other, 7, 0);
	mgm_deregister_protocol(m, other);
	teardown();
}

static void test_ttl(void)
{
	struct km_mfc a, b;

	check_begin("ttl thresholds");
	setup(true);
	a = mfc(S1, G1, 2, 2, 3, 1, 4, 8);
	kmirror_mfc_update(km, &a);
	CHECK(thr[3] == 1 && thr[4] == 8, "per-interface thresholds set");
	b = mfc(S2, G1, 2, 1, 4, 16);
	kmirror_mfc_update(km, &b);
	CHECK_STR(path_of(S2, G1), "kernel:ttl",
		  "another threshold on a shared oif stays with the kernel");
	CHECK_EQ(thr[4], 8, "the interface keeps the first one");
	/* Its own threshold changes: fine, no one else uses oif 4. */
	a = mfc(S1, G1, 2, 2, 3, 1, 4, 16);
	kmirror_mfc_update(km, &a);
	CHECK_STR(path_of(S1, G1), "xdp", "own threshold change");
	CHECK_EQ(thr[4], 16, "interface threshold follows");
	CHECK_STR(path_of(S2, G1), "xdp", "and the other now agrees");
	kmirror_mfc_delete(km, &a);
	b = mfc(S2, G1, 2, 1, 4, 32);
	kmirror_mfc_update(km, &b);
	CHECK_EQ(thr[4], 32, "sole user sets what it wants");
	teardown();
}

static void test_star_g(void)
{
	struct km_mfc sg, x, ss;

	check_begin("(*,G)");
	setup(true);
	/* MRT_ADD_MFC_PROXY: parent 2, accepted on 2 (in its own list). */
	sg = mfc(NULL, G1, 2, 3, 2, 1, 3, 1, 4, 1);
	kmirror_mfc_update(km, &sg);
	CHECK_STR(path_of(NULL, G1), "xdp", "(*,G) mirrored");
	CHECK_EQ(kernel_memberships(), 2, "(*,G) memberships on 3 and 4");
	CHECK_EQ(fake_dp_num_mfes(fd), 0, "no source known yet");
	miss(2, S1, G1);
	CHECK_STR(fake_dp_oifs(fd, A(S1), A(G1)), "3,4",
		  "first packets of a source: one MFE per source");
	CHECK_EQ(last_flags, MGM_MFE_F_KERNEL_KEEPALIVE, "with keepalive");
	miss(2, S2, G1);
	CHECK_STR(fake_dp_oifs(fd, A(S2), A(G1)), "3,4", "another source");

	/* An exact entry beats the (*,G), as in the kernel's lookup. */
	x = mfc(S1, G1, 2, 1, 3, 1);
	kmirror_mfc_update(km, &x);
	CHECK_STR(fake_dp_oifs(fd, A(S1), A(G1)), "3",
		  "exact entry's oifs, not the union with (*,G)");
	kmirror_mfc_delete(km, &x);
	CHECK_STR(fake_dp_oifs(fd, A(S1), A(G1)), "absent",
		  "exact entry gone: MFE gone");
	miss(2, S1, G1);
	CHECK_STR(fake_dp_oifs(fd, A(S1), A(G1)), "3,4",
		  "next packet: from the (*,G) again");

	/* (*,G) oifs change: every source follows. */
	sg = mfc(NULL, G1, 2, 2, 2, 1, 3, 1);
	kmirror_mfc_update(km, &sg);
	CHECK_STR(fake_dp_oifs(fd, A(S1), A(G1)), "3", "S1 follows");
	CHECK_STR(fake_dp_oifs(fd, A(S2), A(G1)), "3", "S2 follows");

	/* A (*,*) entry changes what (*,G) accepts: the kernel's. */
	ss = mfc(NULL, "0.0.0.0", 2, 1, 3, 1);
	kmirror_mfc_update(km, &ss);
	CHECK_STR(path_of(NULL, G1), "kernel:static-tree",
		  "(*,G) with a (*,*) stays with the kernel");
	CHECK_STR(path_of(NULL, "0.0.0.0"), "kernel:wildcard", "(*,*)");
	CHECK_EQ(fake_dp_num_mfes(fd), 0, "its sources left the fast path");
	kmirror_mfc_delete(km, &ss);
	CHECK_STR(path_of(NULL, G1), "xdp", "(*,*) gone: mirrored again");

	/* Not in its own list: packets on the parent do not match. */
	sg = mfc(NULL, G2, 2, 1, 3, 1);
	kmirror_mfc_update(km, &sg);
	CHECK_STR(path_of(NULL, G2), "kernel:no-match", "parent not in list");
	teardown();
}

static void test_resync_and_keepalive(void)
{
	struct km_mfc a, b, c;
	unsigned before;

	check_begin("resync, keepalive");
	setup(false);
	fake_dp_set_now(fd, 100 * SEC_NS);
	a = mfc(S1, G1, 2, 1, 3, 1);
	b = mfc(S2, G1, 2, 1, 4, 1);
	kmirror_mfc_update(km, &a);
	kmirror_mfc_update(km, &b);
	CHECK_EQ(last_flags, 0, "keepalive off: no flag");
	/* A dump without b (its delete notification was lost), with a
	 * changed and c new. */
	a = mfc(S1, G1, 2, 2, 3, 1, 4, 1);
	c = mfc(S1, G2, 2, 1, 3, 1);
	kmirror_resync_begin(km);
	kmirror_mfc_update(km, &a);
	kmirror_mfc_update(km, &c);
	kmirror_resync_end(km);
	CHECK_STR(fake_dp_oifs(fd, A(S1), A(G1)), "3,4", "changed entry");
	CHECK_STR(fake_dp_oifs(fd, A(S2), A(G1)), "absent",
		  "what the dump lacks is deleted");
	CHECK_STR(fake_dp_oifs(fd, A(S1), A(G2)), "3", "new entry");

	before = n_installs;
	kmirror_set_keepalive(km, true);
	CHECK_EQ(n_installs - before, 2, "every mirrored entry re-installed");
	CHECK_EQ(last_flags, MGM_MFE_F_KERNEL_KEEPALIVE, "with the flag");

	/* The daemon exits: the dump is empty. */
	kmirror_resync_begin(km);
	kmirror_resync_end(km);
	CHECK_EQ(fake_dp_num_mfes(fd), 0, "all gone");
	CHECK(!kmirror_owns(km, 2) && !kmirror_owns(km, 3),
	      "interfaces released");
	CHECK(attached[2] == 0 && attached[3] == 0, "and detached");
	/* Misses the fast path reported before the release are the
	 * kernel's; later ones (someone else's forwarder) are MGM's. */
	{
		struct mgm_dp_event ev = { .type = MGM_DP_EV_MISS,
					   .ifindex = 2,
					   .source = mgm_addr4(A(S1)),
					   .group = mgm_addr4(A(G1)),
					   .ts_ns = fake_dp_now(fd) };

		fake_dp_inject(fd, &ev);
		mgm_dispatch(m);
		CHECK_STR(fake_dp_oifs(fd, A(S1), A(G1)), "absent",
			  "a miss from before the release: no negative entry");
		fake_dp_advance(fd, SEC_NS);
		ev.ts_ns = fake_dp_now(fd);
		fake_dp_inject(fd, &ev);
		mgm_dispatch(m);
		CHECK_STR(fake_dp_oifs(fd, A(S1), A(G1)), "negative",
			  "a miss from after it: MGM's as ever");
	}
	teardown();
}

static void test_foreign_membership(void)
{
	struct mgm_protocol_config cfg = { 0 };
	mgm_handle_t igmp;
	struct km_mfc a;

	check_begin("IGMP beside the kernel");
	setup(true);
	a = mfc(S1, G1, 2, 1, 3, 1);
	kmirror_mfc_update(km, &a);
	/* IGMP co-owns 4 and reports a (*,G) member there: MGM adds the
	 * oif; the kernel does not forward there, so neither does XDP. */
	CHECK_ERR(mgm_register_protocol(m, &cfg, MGM_MS_IP_IGMP, 1, &igmp),
		  MGM_NO_ERROR);
	CHECK_ERR(mgm_take_interface_ownership(m, igmp, 4, 0), MGM_NO_ERROR);
	CHECK_ERR(mgm_add_group_membership_entry(m, igmp, 0, 0, A(G1),
						 0xffffffff, 4, 0,
						 MGM_JOIN_STATE_FLAG),
		  MGM_NO_ERROR);
	CHECK_STR(fake_dp_oifs(fd, A(S1), A(G1)), "3",
		  "never more than the kernel's oifs");
	mgm_delete_group_membership_entry(m, igmp, 0, 0, A(G1), 0xffffffff, 4,
					  0, MGM_JOIN_STATE_FLAG);
	mgm_release_interface_ownership(m, igmp, 4, 0);
	mgm_deregister_protocol(m, igmp);
	teardown();
}

static void test_delete_mfe_api(void)
{
	struct mgm_protocol_config cfg = { 0 };
	mgm_handle_t p, q;

	check_begin("mgm_delete_mfe");
	fd = fake_dp_new();
	m = fake_mgm_new(fd, 0);
	fake_dp_add_route(fd, A("192.0.2.0"), 24, 1, 0, 2);
	CHECK_ERR(mgm_register_protocol(m, &cfg, 0x1001, 1, &p), MGM_NO_ERROR);
	CHECK_ERR(mgm_register_protocol(m, &cfg, 0x1002, 1, &q), MGM_NO_ERROR);
	CHECK_ERR(mgm_take_interface_ownership(m, p, 1, 0), MGM_NO_ERROR);
	CHECK_ERR(mgm_take_interface_ownership(m, q, 3, 0), MGM_NO_ERROR);
	CHECK_ERR(mgm_add_group_membership_entry(m, q, A(S1), 0xffffffff, A(G1),
						 0xffffffff, 3, 0,
						 MGM_JOIN_STATE_FLAG),
		  MGM_NO_ERROR);
	miss(1, S1, G1);
	CHECK_STR(fake_dp_oifs(fd, A(S1), A(G1)), "3", "created");
	CHECK_ERR(mgm_delete_mfe(m, q, A(S1), A(G1)),
		  MGM_ERROR_INVALID_PARAMETER);
	CHECK_ERR(mgm_delete_mfe(m, p, A(S2), A(G1)), MGM_ERROR_NOT_FOUND);
	CHECK_ERR(mgm_delete_mfe(m, 12345, A(S1), A(G1)),
		  MGM_ERROR_INVALID_PARAMETER);
	CHECK_ERR(mgm_delete_mfe(m, p, A(S1), A(G1)), MGM_NO_ERROR);
	CHECK_STR(fake_dp_oifs(fd, A(S1), A(G1)), "absent",
		  "out of the fast path");
	miss(1, S1, G1);
	CHECK_STR(fake_dp_oifs(fd, A(S1), A(G1)), "3",
		  "the next packet re-creates it");
	mgm_delete_group_membership_entry(m, q, A(S1), 0xffffffff, A(G1),
					  0xffffffff, 3, 0,
					  MGM_JOIN_STATE_FLAG);
	mgm_release_interface_ownership(m, p, 1, 0);
	mgm_release_interface_ownership(m, q, 3, 0);
	mgm_deregister_protocol(m, p);
	mgm_deregister_protocol(m, q);
	mgm_destroy(m);
	fake_dp_free(fd);
}

/* ---- IPv6: ip6mr ---------------------------------------------------------- */

#define S6 "2001:db8:1::10"
#define S6B "2001:db8:1::11"
#define G6 "ff0e::1:1"
#define G6B "ff3e::1:2"

/* What the fake holds for an IPv6 (S,G): "3,4", "negative", "absent". */
static const char *oifs6(const char *s, const char *g)
{
	struct mgm_addr sa = addr(s), ga = addr(g);

	return fake_dp_oifs_x(fd, &sa, &ga);
}

static void miss6(uint32_t ifindex, const char *s, const char *g)
{
	struct mgm_addr sa = addr(s), ga = addr(g);

	fake_dp_inject_miss_x(fd, ifindex, &sa, &ga);
	mgm_dispatch(m);
}

/*
 * An ip6mr route exactly as ip6mr_fill_mroute() and mr_fill_mroute()
 * build it: rtmsg (RTNL_FAMILY_IP6MR, dst/src len 128, the table,
 * RTN_MULTICAST, RTPROT_MROUTED), RTA_TABLE, RTA_SRC and RTA_DST of 16
 * bytes, RTA_IIF, RTA_MULTIPATH (rtnh_hops 1: MIFs have no thresholds),
 * RTA_PAD before each 64-bit attribute that needs it (nla_put_64bit),
 * RTA_MFC_STATS, RTA_EXPIRES.
 */
static struct nlmsghdr *route6_msg(char *buf, uint16_t type, const char *s,
				   const char *g, uint32_t iif, int n,
				   const int *ifs)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct rtmsg *rtm = mnl_nlmsg_put_extra_header(nlh, sizeof(*rtm));
	struct rta_mfc_stats st = { 7, 700, 1 };
	struct mgm_addr sa = addr(s), ga = addr(g);
	struct nlattr *mp;
	int i;

	nlh->nlmsg_type = type;
	rtm->rtm_family = RTNL_FAMILY_IP6MR;
	rtm->rtm_dst_len = 128;
	rtm->rtm_src_len = 128;
	rtm->rtm_table = RT_TABLE_MAIN;
	rtm->rtm_type = RTN_MULTICAST;
	rtm->rtm_scope = RT_SCOPE_UNIVERSE;
	rtm->rtm_protocol = RTPROT_MROUTED;
	mnl_attr_put_u32(nlh, RTA_TABLE, RT_TABLE_MAIN);
	mnl_attr_put(nlh, RTA_SRC, 16, sa.v6);
	mnl_attr_put(nlh, RTA_DST, 16, ga.v6);
	if (iif)
		mnl_attr_put_u32(nlh, RTA_IIF, iif);
	mp = mnl_attr_nest_start(nlh, RTA_MULTIPATH);
	for (i = 0; i < n; i++) {
		struct rtnexthop *nh = mnl_nlmsg_get_payload_tail(nlh);

		memset(nh, 0, sizeof(*nh));
		nh->rtnh_len = sizeof(*nh);
		nh->rtnh_hops = 1;
		nh->rtnh_ifindex = ifs[i];
		nlh->nlmsg_len += RTNH_ALIGN(sizeof(*nh));
	}
	mnl_attr_nest_end(nlh, mp);
	/* nla_put_64bit: a zero-length RTA_PAD aligns the payload to 8. */
	if ((nlh->nlmsg_len + 4) % 8)
		mnl_attr_put(nlh, RTA_PAD, 0, NULL);
	mnl_attr_put(nlh, RTA_MFC_STATS, sizeof(st), &st);
	if ((nlh->nlmsg_len + 4) % 8)
		mnl_attr_put(nlh, RTA_PAD, 0, NULL);
	mnl_attr_put_u64(nlh, RTA_EXPIRES, 100);
	return nlh;
}

static struct nlmsghdr *netconf_msg(char *buf, uint8_t family, int32_t ifi,
				    int32_t mc)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);

	nlh->nlmsg_type = RTM_NEWNETCONF;
	((struct netconfmsg *)mnl_nlmsg_put_extra_header(
		 nlh, sizeof(struct netconfmsg)))
		->ncm_family = family;
	mnl_attr_put_u32(nlh, NETCONFA_IFINDEX, (uint32_t)ifi);
	mnl_attr_put_u32(nlh, NETCONFA_MC_FORWARDING, (uint32_t)mc);
	return nlh;
}

/* The byte offset of attribute type in nlh (after the rtmsg), or 0. */
static size_t attr_off(struct nlmsghdr *nlh, uint16_t type)
{
	struct nlattr *a;

	mnl_attr_for_each(a, nlh, sizeof(struct rtmsg))
	{
		if (mnl_attr_get_type(a) == type)
			return (size_t)((char *)a - (char *)nlh);
	}
	return 0;
}

static void test_parse6(void)
{
	static const int ifs[] = { 3, 4 };
	char buf[1024];
	struct nlmsghdr *nlh;
	struct km_mfc c;
	struct mgm_addr want;
	int32_t ifi = 0, mc = -1;
	uint16_t fam = 0;
	uint8_t b16[16] = { 0 };
	struct mgm_addr s6 = addr(S6), g6 = addr(G6);

	check_begin("parse ip6mr");
	nlh = route6_msg(buf, RTM_NEWROUTE, S6, G6, 2, 2, ifs);
	CHECK_EQ(km_parse_route(nlh, &c), 1, "an ip6mr route parses");
	want = addr(S6);
	CHECK(mgm_addr_eq(&c.source, &want), "16-byte source");
	want = addr(G6);
	CHECK(mgm_addr_eq(&c.group, &want), "16-byte group");
	CHECK_EQ(c.table, RT_TABLE_MAIN, "ip6mr's default table");
	CHECK_EQ(c.iif, 2, "iif");
	CHECK(c.n_oifs == 2 && c.oifs[0].ifindex == 3 &&
		      c.oifs[1].ifindex == 4 && c.oifs[0].ttl == 1,
	      "oifs");
	CHECK(c.has_stats && c.packets == 7 && c.bytes == 700 &&
		      c.wrong_if == 1,
	      "RTA_MFC_STATS after RTA_PAD");
	CHECK_EQ(c.lastuse_ms, 1000, "RTA_EXPIRES");

	/* (*,G): RTA_SRC is ::, as ip6mr puts the origin of a proxy. */
	nlh = route6_msg(buf, RTM_NEWROUTE, "::", G6, 2, 2, ifs);
	CHECK_EQ(km_parse_route(nlh, &c), 1, "(*,G) parses");
	CHECK(c.source.family == MGM_AF_INET6 && mgm_addr_is_unspec(&c.source),
	      "unspecified IPv6 source");

	/* Unresolved: no IIF, no nexthops, the flag. */
	nlh = route6_msg(buf, RTM_NEWROUTE, S6, G6, 0, 0, NULL);
	((struct rtmsg *)mnl_nlmsg_get_payload(nlh))->rtm_flags =
		RTNH_F_UNRESOLVED;
	CHECK_EQ(km_parse_route(nlh, &c), 1, "unresolved parses");
	CHECK(c.unresolved && !c.iif, "unresolved");

	/* Every malformed address length is refused. */
	nlh = route_msg(buf, RTM_NEWROUTE, RTNL_FAMILY_IP6MR, false);
	mnl_attr_put_u32(nlh, RTA_SRC, A(S1));
	mnl_attr_put(nlh, RTA_DST, 16, g6.v6);
	CHECK_EQ(km_parse_route(nlh, &c), -EINVAL, "4-byte RTA_SRC in ip6mr");
	nlh = route_msg(buf, RTM_NEWROUTE, RTNL_FAMILY_IP6MR, false);
	mnl_attr_put(nlh, RTA_DST, 15, b16);
	CHECK_EQ(km_parse_route(nlh, &c), -EINVAL, "15-byte RTA_DST");
	nlh = route_msg(buf, RTM_NEWROUTE, RTNL_FAMILY_IP6MR, false);
	mnl_attr_put(nlh, RTA_DST, 16, g6.v6);
	mnl_attr_put(nlh, RTA_SRC, 17, buf + 512);
	CHECK_EQ(km_parse_route(nlh, &c), -EINVAL, "17-byte RTA_SRC");
	nlh = route_msg(buf, RTM_NEWROUTE, RTNL_FAMILY_IP6MR, false);
	mnl_attr_put(nlh, RTA_DST, 4, b16);
	CHECK_EQ(km_parse_route(nlh, &c), -EINVAL, "4-byte RTA_DST in ip6mr");
	nlh = route_msg(buf, RTM_NEWROUTE, RTNL_FAMILY_IPMR, false);
	mnl_attr_put(nlh, RTA_DST, 16, g6.v6);
	CHECK_EQ(km_parse_route(nlh, &c), -EINVAL, "16-byte RTA_DST in ipmr");
	nlh = route_msg(buf, RTM_NEWROUTE, RTNL_FAMILY_IP6MR, false);
	mnl_attr_put(nlh, RTA_SRC, 16, s6.v6);
	CHECK_EQ(km_parse_route(nlh, &c), -EINVAL, "ip6mr without a group");
	nlh = route6_msg(buf, RTM_NEWROUTE, S6, G6, 2, 2, ifs);
	{
		size_t off = attr_off(nlh, RTA_DST);

		CHECK(off != 0, "RTA_DST found");
		((struct nlattr *)(buf + off))->nla_len = 200;
	}
	CHECK_EQ(km_parse_route(nlh, &c), -EINVAL,
		 "RTA_DST running past the message");
	nlh = route6_msg(buf, RTM_NEWROUTE, S6, G6, 2, 2, ifs);
	{
		size_t off = attr_off(nlh, RTA_MULTIPATH);

		((struct rtnexthop *)(buf + off + 4))->rtnh_len = 64;
	}
	CHECK_EQ(km_parse_route(nlh, &c), -EINVAL,
		 "a nexthop past RTA_MULTIPATH");
	nlh = route_msg(buf, RTM_NEWROUTE, AF_INET6, false);
	mnl_attr_put(nlh, RTA_DST, 16, g6.v6);
	CHECK_EQ(km_parse_route(nlh, &c), 0, "an IPv6 unicast route: ignored");

	/* mif6_add / mif6_delete: inet6_netconf_notify_devconf(). */
	nlh = netconf_msg(buf, AF_INET6, 5, 1);
	CHECK_EQ(km_parse_netconf(nlh, &fam, &ifi, &mc), 1,
		 "AF_INET6 netconf parses");
	CHECK(fam == MGM_AF_INET6 && ifi == 5 && mc == 1, "a MIF came on 5");
	nlh = netconf_msg(buf, AF_INET6, 5, 1);
	((struct nlattr *)((char *)nlh + nlh->nlmsg_len - 8))->nla_len = 6;
	CHECK_EQ(km_parse_netconf(nlh, &fam, &ifi, &mc), -EINVAL,
		 "a 2-byte NETCONFA_MC_FORWARDING");
	nlh = netconf_msg(buf, AF_INET6, 5, 1);
	nlh->nlmsg_len -= 2;
	CHECK_EQ(km_parse_netconf(nlh, &fam, &ifi, &mc), -EINVAL,
		 "a netconf message cut inside its attribute");
	nlh = netconf_msg(buf, AF_PACKET, 5, 1);
	CHECK_EQ(km_parse_netconf(nlh, &fam, &ifi, &mc), 0,
		 "another family's netconf: ignored");
}

static void test_entry_life6(void)
{
	static const int ifs34[] = { 3, 4 }, ifs35[] = { 3, 5 };
	char buf[1024];
	struct nlmsghdr *nlh;
	struct km_mfc c;
	uint32_t pid, comp;

	check_begin("ip6mr entry life");
	families = MGM_FAMILY_IPV4 | MGM_FAMILY_IPV6;
	setup(true);
	CHECK_EQ(kmirror_families(km), MGM_FAMILY_IPV4 | MGM_FAMILY_IPV6,
		 "both families");
	CHECK_EQ(kmirror_table6(km), RT_TABLE_MAIN, "ip6mr's table: 254");
	nlh = route6_msg(buf, RTM_NEWROUTE, S6, G6, 2, 2, ifs34);
	CHECK_EQ(km_parse_route(nlh, &c), 1, "parsed");
	kmirror_mfc_update(km, &c);
	CHECK_STR(path_of(S6, G6), "xdp", "mirrored");
	CHECK_STR(oifs6(S6, G6), "3,4", "installed at once, as ip6mr has it");
	CHECK_EQ(last_flags, MGM_MFE_F_KERNEL_KEEPALIVE, "with keepalive");
	CHECK_EQ(kernel_memberships(), 2, "one (S,G) membership per oif");
	CHECK(attached[2] == 1 && attached[3] == 1 && attached[4] == 1,
	      "forwarder attached");
	CHECK(thr[3] == 1 && thr[4] == 1, "thresholds (hop limit) set");
	CHECK_ERR(mgm_get_protocol_on_interface(m, 3, 0, &pid, &comp),
		  MGM_NO_ERROR);
	CHECK_EQ(pid, MGM_PROTO_KERNEL, "kernel owns its interfaces");
	{
		struct mgm_addr s = addr(S6), g = addr(G6);
		uint32_t iif = 0;

		CHECK(kmirror_rpf(km, &s, &g, &iif) && iif == 2,
		      "RPF answer: the MIF's parent");
	}
	nlh = route6_msg(buf, RTM_NEWROUTE, S6, G6, 2, 2, ifs35);
	CHECK_EQ(km_parse_route(nlh, &c), 1, "parsed");
	kmirror_mfc_update(km, &c);
	CHECK_STR(oifs6(S6, G6), "3,5", "oif 4 out, 5 in");
	CHECK_EQ(kernel_memberships(), 2, "memberships follow");
	nlh = route6_msg(buf, RTM_NEWROUTE, S6, G6, 5, 1, ifs34);
	CHECK_EQ(km_parse_route(nlh, &c), 1, "parsed");
	kmirror_mfc_update(km, &c);
	{
		struct fake_mfe f;
		struct mgm_addr s = addr(S6), g = addr(G6);

		CHECK(fake_dp_get_x(fd, &s, &g, &f) && f.iif == 5,
		      "the parent moved: new iif");
	}
	CHECK_STR(oifs6(S6, G6), "3", "new oifs");
	nlh = route6_msg(buf, RTM_DELROUTE, S6, G6, 5, 1, ifs34);
	CHECK_EQ(km_parse_route(nlh, &c), 1, "parsed");
	kmirror_mfc_delete(km, &c);
	CHECK_STR(oifs6(S6, G6), "absent", "deleted");
	CHECK_STR(path_of(S6, G6), "absent", "forgotten");
	CHECK_EQ(kernel_memberships(), 0, "no membership left");
	miss6(5, S6, G6);
	CHECK_STR(oifs6(S6, G6), "absent",
		  "a miss on a kernel interface: no negative entry");
	miss6(1, S6B, G6B);
	CHECK_STR(oifs6(S6B, G6B), "negative", "misses elsewhere are MGM's");
	teardown();
	CHECK(attached[2] == 0 && attached[3] == 0 && attached[5] == 0,
	      "destroy detached what it attached");
	families = 0;
}

static void test_kernel_only6(void)
{
	struct km_mfc c;

	check_begin("ip6mr: what stays with the kernel");
	families = MGM_FAMILY_IPV4 | MGM_FAMILY_IPV6;
	setup(true);
	c = mfc(S6, "ff02::1:3", 2, 1, 3, 1);
	kmirror_mfc_update(km, &c);
	CHECK_STR(path_of(S6, "ff02::1:3"), "kernel:link-local",
		  "link-local scope");
	c = mfc(S6, "ff01::5", 2, 1, 3, 1);
	kmirror_mfc_update(km, &c);
	CHECK_STR(path_of(S6, "ff01::5"), "kernel:link-local",
		  "interface-local scope");
	c = mfc(S6, "ff00::5", 2, 1, 3, 1);
	kmirror_mfc_update(km, &c);
	CHECK_STR(path_of(S6, "ff00::5"), "kernel:link-local",
		  "reserved scope 0");
	c = mfc("fe80::1", G6, 2, 1, 3, 1);
	kmirror_mfc_update(km, &c);
	CHECK_STR(path_of("fe80::1", G6), "kernel:link-local",
		  "a link-local source");
	c = mfc(S6, G6B, 2, 0);
	kmirror_mfc_update(km, &c);
	CHECK_STR(path_of(S6, G6B), "kernel:no-oifs", "no oifs");
	c = mfc(S6B, G6B, PIMREG, 1, 3, 1);
	kmirror_mfc_update(km, &c);
	CHECK_STR(path_of(S6B, G6B), "kernel:iif-not-ethernet",
		  "the pim6 register MIF");
	CHECK_EQ(fake_dp_num_mfes(fd), 0, "nothing in the fast path");
	CHECK_EQ(kernel_memberships(), 0, "and nothing in MGM");
	/* ip6mr's default table is 254; an entry of 253 is another's. */
	c = mfc(S6, "ff0e::9", 2, 1, 3, 1);
	c.table = RT_TABLE_DEFAULT;
	kmirror_mfc_update(km, &c);
	CHECK_STR(path_of(S6, "ff0e::9"), "absent", "table 253: not ours");
	c.table = RT_TABLE_MAIN;
	kmirror_mfc_update(km, &c);
	CHECK_STR(path_of(S6, "ff0e::9"), "xdp", "table 254: ours");
	/* An IPv4 entry in table 254 is not ipmr's default. */
	c = mfc(S1, G1, 2, 1, 3, 1);
	c.table = RT_TABLE_MAIN;
	kmirror_mfc_update(km, &c);
	CHECK_STR(path_of(S1, G1), "absent", "IPv4 in 254: not ours");
	teardown();
	families = 0;
}

static void test_star_g6(void)
{
	struct km_mfc sg, sg4, ss;

	check_begin("ip6mr (*,G) and (*,*)");
	families = MGM_FAMILY_IPV4 | MGM_FAMILY_IPV6;
	setup(true);
	sg = mfc(NULL, G6, 2, 3, 2, 1, 3, 1, 4, 1);
	kmirror_mfc_update(km, &sg);
	CHECK_STR(path_of(NULL, G6), "xdp", "(*,G) mirrored");
	CHECK_EQ(kernel_memberships(), 2, "(*,G) memberships on 3 and 4");
	miss6(2, S6, G6);
	CHECK_STR(oifs6(S6, G6), "3,4", "first packets: one MFE per source");
	miss6(2, S6B, G6);
	CHECK_STR(oifs6(S6B, G6), "3,4", "another source");
	sg4 = mfc(NULL, G1, 2, 2, 2, 1, 3, 1);
	kmirror_mfc_update(km, &sg4);
	CHECK_STR(path_of(NULL, G1), "xdp", "an IPv4 (*,G) beside it");
	/* ip6mr's (*,*) changes what IPv6 (*,G) accept, not IPv4's. */
	ss = mfc(NULL, "::", 2, 1, 3, 1);
	kmirror_mfc_update(km, &ss);
	CHECK_STR(path_of(NULL, "::"), "kernel:wildcard", "(*,*)");
	CHECK_STR(path_of(NULL, G6), "kernel:static-tree",
		  "IPv6 (*,G) with an IPv6 (*,*): the kernel's");
	CHECK_STR(oifs6(S6, G6), "absent", "its sources left the fast path");
	CHECK_STR(path_of(NULL, G1), "xdp", "the IPv4 (*,G) is not touched");
	kmirror_mfc_delete(km, &ss);
	CHECK_STR(path_of(NULL, G6), "xdp", "(*,*) gone: mirrored again");
	ss = mfc(NULL, "0.0.0.0", 2, 1, 3, 1);
	kmirror_mfc_update(km, &ss);
	CHECK_STR(path_of(NULL, G1), "kernel:static-tree",
		  "ipmr's (*,*) holds IPv4's (*,G) back");
	CHECK_STR(path_of(NULL, G6), "xdp", "and not IPv6's");
	teardown();
	families = 0;
}

static void test_families(void)
{
	struct km_mfc a, b;
	struct mgm_addr s6 = addr(S6), g6 = addr(G6), s4 = addr(S1),
			g4 = addr(G1);
	const uint32_t oifs[] = { 3 };
	uint32_t iif = 0;

	check_begin("families apart");
	/* IPv4 alone (no ip6mr): IPv6 is not ours at all. */
	families = MGM_FAMILY_IPV4;
	setup(true);
	a = mfc(S1, G1, 2, 1, 3, 1);
	kmirror_mfc_update(km, &a);
	b = mfc(S6, G6, 2, 1, 3, 1);
	kmirror_mfc_update(km, &b);
	CHECK_STR(path_of(S6, G6), "absent", "an ip6mr entry is ignored");
	CHECK_EQ(kmirror_mfe_install(km, &s6, &g6, 2, oifs, 1), 1,
		 "IPv6 installs on an owned iif go through");
	CHECK(kmirror_miss_wanted(km, 2, &s6, &g6, fake_dp_now(fd)),
	      "IPv6 misses on an owned iif are MGM's");
	CHECK(!kmirror_rpf(km, &s6, &g6, &iif), "no IPv6 RPF answer");
	CHECK(kmirror_rpf(km, &s4, &g4, &iif) && iif == 2, "IPv4 answers");
	teardown();

	/* IPv6 alone (no ipmr). */
	families = MGM_FAMILY_IPV6;
	setup(true);
	a = mfc(S1, G1, 2, 1, 3, 1);
	kmirror_mfc_update(km, &a);
	CHECK_STR(path_of(S1, G1), "absent", "an ipmr entry is ignored");
	b = mfc(S6, G6, 2, 1, 3, 1);
	kmirror_mfc_update(km, &b);
	CHECK_STR(path_of(S6, G6), "xdp", "the ip6mr entry is mirrored");
	CHECK_EQ(kmirror_mfe_install(km, &s4, &g4, 2, oifs, 1), 1,
		 "IPv4 installs go through");
	CHECK(!kmirror_rpf(km, &s4, &g4, &iif), "no IPv4 RPF answer");
	teardown();

	/* Both: one interface, one threshold, held by either family. */
	families = MGM_FAMILY_IPV4 | MGM_FAMILY_IPV6;
	setup(true);
	a = mfc(S1, G1, 2, 1, 3, 8);
	kmirror_mfc_update(km, &a);
	b = mfc(S6, G6, 2, 1, 3, 1);
	kmirror_mfc_update(km, &b);
	CHECK_STR(path_of(S6, G6), "kernel:ttl",
		  "another threshold on a shared oif: the kernel's");
	a = mfc(S1, G1, 2, 1, 3, 1);
	kmirror_mfc_update(km, &a);
	CHECK_STR(path_of(S6, G6), "xdp", "agreeing now: mirrored");
	CHECK_EQ(attached[3], 1, "attached once for both families");
	kmirror_mfc_delete(km, &a);
	kmirror_resync_begin(km);
	kmirror_mfc_update(km, &b);
	kmirror_resync_end(km);
	CHECK(kmirror_owns(km, 2) && kmirror_owns(km, 3),
	      "the IPv6 entry still holds the interfaces");
	CHECK_STR(oifs6(S6, G6), "3", "and forwards");
	CHECK_EQ(kmirror_mfe_install(km, &s4, &g4, 2, oifs, 1), 0,
		 "an IPv4 install on a kernel interface: the policy's");
	CHECK_STR(fake_dp_oifs(fd, A(S1), A(G1)), "absent",
		  "not the kernel's route: not in the fast path");
	teardown();
	families = 0;
}

static void test_resync6(void)
{
	struct km_mfc a, b, c, d;

	check_begin("resync of both families");
	families = MGM_FAMILY_IPV4 | MGM_FAMILY_IPV6;
	setup(true);
	a = mfc(S1, G1, 2, 1, 3, 1);
	b = mfc(S6, G6, 2, 1, 3, 1);
	c = mfc(S6B, G6, 2, 1, 4, 1);
	kmirror_mfc_update(km, &a);
	kmirror_mfc_update(km, &b);
	kmirror_mfc_update(km, &c);
	CHECK_STR(oifs6(S6B, G6), "4", "c mirrored");
	/* The dump lacks c (a lost delete), changes b, adds d. */
	b = mfc(S6, G6, 2, 2, 3, 1, 4, 1);
	d = mfc(S6, G6B, 2, 1, 3, 1);
	kmirror_resync_begin(km);
	kmirror_mfc_update(km, &a);
	kmirror_mfc_update(km, &b);
	kmirror_mfc_update(km, &d);
	kmirror_resync_end(km);
	CHECK_STR(oifs6(S6, G6), "3,4", "changed");
	CHECK_STR(oifs6(S6B, G6), "absent", "missing from the dump: deleted");
	CHECK_STR(oifs6(S6, G6B), "3", "new");
	CHECK_STR(fake_dp_oifs(fd, A(S1), A(G1)), "3", "IPv4 kept");
	/* ip6mr's daemon exits; ipmr's stays. */
	kmirror_resync_begin(km);
	kmirror_mfc_update(km, &a);
	kmirror_resync_end(km);
	CHECK_EQ(fake_dp_num_mfes(fd), 1, "only the IPv4 entry left");
	CHECK(!kmirror_owns(km, 4), "an interface only IPv6 used: released");
	teardown();
	families = 0;
}

int main(void)
{
	unsigned int pass;

	test_parse();
	test_parse6();
	/* IPv4 alone (a kernel without ip6mr), then beside IPv6: the
	 * same behaviour. */
	for (pass = 0; pass < 2; pass++) {
		families = pass ? MGM_FAMILY_IPV4 | MGM_FAMILY_IPV6 : 0;
		test_entry_life();
		test_kernel_only();
		test_busy();
		test_ttl();
		test_star_g();
		test_resync_and_keepalive();
		test_foreign_membership();
	}
	families = 0;
	test_delete_mfe_api();
	test_entry_life6();
	test_kernel_only6();
	test_star_g6();
	test_families();
	test_resync6();
	return check_summary();
}
