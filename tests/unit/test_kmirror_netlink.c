// SPDX-License-Identifier: GPL-2.0
/*
 * test_kmirror_netlink.c - the kernel mirror's netlink input is hostile
 * input: datagrams fed through the entries its socket reads use
 * (kmirror_input_buf() for notifications, kmirror_dump_input() for a
 * dump's answer).  Only the kernel (port 0) is heard; forged lengths
 * (libmnl 1.0.4's mnl_nlmsg_ok() lets nlmsg_len >= 2^31 through),
 * truncated, zero-length, past-the-end and nested-attribute garbage must
 * be counted (bad_messages) and ignored, never walked.  Runs under
 * ASan/UBSan: a read past a buffer is a failure.  ip6mr's messages
 * (RTNL_FAMILY_IP6MR routes with 16-byte addresses, AF_INET6 netconf) go
 * the same ways, with every address length checked.
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
#include "proto/kmirror.h"

static struct fake_dp *fd;
static struct mgm *m;
static struct kmirror *km;
static unsigned n_warnings;

static int h_attach(void *ctx, uint32_t ifindex)
{
	(void)ctx, (void)ifindex;
	return 1;
}

static int h_usable(void *ctx, uint32_t ifindex)
{
	(void)ctx, (void)ifindex;
	return 1;
}

static int h_install(void *ctx, const struct mgm_addr *s,
		     const struct mgm_addr *g, uint32_t iif,
		     const uint32_t *oifs, uint32_t n, uint16_t flags)
{
	(void)ctx, (void)flags;
	return fake_dp_ops.mfe_install(fd, s, g, iif, oifs, n);
}

static int h_delete(void *ctx, const struct mgm_addr *s,
		    const struct mgm_addr *g)
{
	(void)ctx;
	return fake_dp_ops.mfe_delete(fd, s, g);
}

static void h_log(void *ctx, int level, const char *msg)
{
	(void)ctx, (void)level;
	if (strstr(msg, "netlink: ignored"))
		n_warnings++;
	if (getenv("V"))
		fprintf(stderr, "kmirror: %s\n", msg);
}

/* The families the next setup() mirrors (0: IPv4 alone). */
static uint32_t families;

static void setup(void)
{
	static struct mgm_datapath_ops ops;
	const struct kmirror_ops ko = {
		.attach = h_attach,
		.if_usable = h_usable,
		.mfe_install = h_install,
		.mfe_delete = h_delete,
		.log = h_log,
	};
	struct kmirror_opts o = { .no_netlink = true, .families = families };
	struct mgm_options mo = { .dp_ops = &ops };

	fd = fake_dp_new();
	ops = fake_dp_ops;
	mo.dp = fd;
	CHECK(mgm_create(&mo, &m) == 0, "mgm_create");
	fake_dp_add_route(fd, A("192.0.2.0"), 24, 1, 0, 2);
	CHECK_EQ(kmirror_create(m, &ko, &o, &km), 0, "kmirror_create");
}

static void teardown(void)
{
	kmirror_destroy(km);
	km = NULL;
	mgm_destroy(m);
	fake_dp_free(fd);
}

static struct km_stats stats(void)
{
	struct km_stats st;

	kmirror_get_stats(km, &st);
	return st;
}

/* An ipmr route for (S, G) from iif 1 to ifindex 2, at buf. */
static struct nlmsghdr *route(void *buf, uint16_t type, const char *s,
			      const char *g, uint32_t seq, uint32_t pid)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct rtmsg *rtm = mnl_nlmsg_put_extra_header(nlh, sizeof(*rtm));
	struct nlattr *mp;
	struct rtnexthop *nh;

	nlh->nlmsg_type = type;
	nlh->nlmsg_seq = seq;
	nlh->nlmsg_pid = pid;
	rtm->rtm_family = RTNL_FAMILY_IPMR;
	rtm->rtm_table = RT_TABLE_DEFAULT;
	rtm->rtm_dst_len = 32;
	rtm->rtm_src_len = 32;
	rtm->rtm_type = RTN_MULTICAST;
	mnl_attr_put_u32(nlh, RTA_TABLE, RT_TABLE_DEFAULT);
	mnl_attr_put_u32(nlh, RTA_SRC, A(s));
	mnl_attr_put_u32(nlh, RTA_DST, A(g));
	mnl_attr_put_u32(nlh, RTA_IIF, 1);
	mp = mnl_attr_nest_start(nlh, RTA_MULTIPATH);
	nh = mnl_nlmsg_get_payload_tail(nlh);
	memset(nh, 0, sizeof(*nh));
	nh->rtnh_len = sizeof(*nh);
	nh->rtnh_hops = 1;
	nh->rtnh_ifindex = 2;
	nlh->nlmsg_len += RTNH_ALIGN(sizeof(*nh));
	mnl_attr_nest_end(nlh, mp);
	return nlh;
}

/* A control message (NLMSG_DONE, NLMSG_ERROR) with payload len bytes. */
static struct nlmsghdr *control(void *buf, uint16_t type, uint32_t seq,
				uint32_t pid, size_t len)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);

	nlh->nlmsg_type = type;
	nlh->nlmsg_seq = seq;
	nlh->nlmsg_pid = pid;
	memset(mnl_nlmsg_put_extra_header(nlh, len), 0, len);
	return nlh;
}

#define S1 "192.0.2.1"

/* Feeds a notification datagram; was it counted as bad (and ignored)? */
#define BAD_INPUT(buf, len, sender, what)                                    \
	do {                                                                 \
		uint64_t bad0_ = stats().bad_messages;                       \
		uint64_t n0_ = stats().entries;                              \
		kmirror_input_buf(km, buf, len, sender);                     \
		CHECK_EQ(stats().bad_messages, bad0_ + 1, what ": counted"); \
		CHECK_EQ(stats().entries, n0_, what ": ignored");            \
	} while (0)

static void test_notifications(void)
{
	/* The 28 bytes of issue 15: nlmsg_len 0xf0000000, RTM_NEWROUTE. */
	static const uint8_t forged[28] = {
		0x00, 0x00, 0x00, 0xf0, 0x18, 0x00, 0x00, 0x00, 0x00, 0x00,
		0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x80, 0x20, 0x20, 0x00,
		0xfd, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	};
	/* Room for several messages; malloc'ed so ASan sees its end. */
	uint8_t *buf = calloc(1, 4096), *b;
	struct nlmsghdr *nlh, *n2;
	size_t len;

	check_begin("notifications");
	setup();

	nlh = route(buf, RTM_NEWROUTE, S1, "239.1.1.1", 0, 0);
	CHECK_EQ(kmirror_input_buf(km, buf, nlh->nlmsg_len, 0), 0,
		 "a route from the kernel");
	CHECK_EQ(stats().entries, 1, "... is mirrored");
	CHECK_EQ(stats().bad_messages, 0, "... and is not bad");

	nlh = route(buf, RTM_NEWROUTE, S1, "239.1.1.2", 0, 0);
	BAD_INPUT(buf, nlh->nlmsg_len, 4242, "a route from port 4242");
	BAD_INPUT(buf, nlh->nlmsg_len, UINT32_MAX,
		  "a route from no netlink address");

	/* Exactly 28 bytes, allocated so: any read past them is caught. */
	b = malloc(sizeof(forged));
	memcpy(b, forged, sizeof(forged));
	BAD_INPUT(b, sizeof(forged), 0, "nlmsg_len 0xf0000000 (issue 15)");
	free(b);

	nlh = route(buf, RTM_NEWROUTE, S1, "239.1.1.3", 0, 0);
	nlh->nlmsg_len = 0x80000000U;
	BAD_INPUT(buf, 64, 0, "nlmsg_len 2^31");

	nlh = route(buf, RTM_NEWROUTE, S1, "239.1.1.3", 0, 0);
	len = nlh->nlmsg_len;
	b = malloc(len - 8);
	memcpy(b, buf, len - 8);
	BAD_INPUT(b, len - 8, 0, "a message cut short (length past the end)");
	free(b);

	nlh = route(buf, RTM_NEWROUTE, S1, "239.1.1.3", 0, 0);
	nlh->nlmsg_len = 0;
	BAD_INPUT(buf, 64, 0, "nlmsg_len 0");
	nlh->nlmsg_len = 15;
	BAD_INPUT(buf, 64, 0, "nlmsg_len shorter than a header");
	BAD_INPUT(buf, 0, 0, "an empty datagram");
	BAD_INPUT(buf, 10, 0, "a datagram shorter than a header");

	/* A good message, then one whose length runs past the datagram:
	 * the whole datagram goes (the first is not applied either). */
	nlh = route(buf, RTM_NEWROUTE, S1, "239.1.1.4", 0, 0);
	len = NLMSG_ALIGN(nlh->nlmsg_len);
	n2 = route(buf + len, RTM_NEWROUTE, S1, "239.1.1.5", 0, 0);
	n2->nlmsg_len += 1000;
	BAD_INPUT(buf, len + NLMSG_ALIGN(n2->nlmsg_len) - 1000, 0,
		  "a second message past the end");
	/* ... and the second one forged, as in the issue. */
	n2->nlmsg_len = 0xf0000000U;
	BAD_INPUT(buf, len + 64, 0, "a second message of length 0xf0000000");
	/* A good message and leftover bytes. */
	nlh = route(buf, RTM_NEWROUTE, S1, "239.1.1.4", 0, 0);
	BAD_INPUT(buf, NLMSG_ALIGN(nlh->nlmsg_len) + 8, 0,
		  "a message and 8 bytes of garbage");

	/* The message is whole, its attributes are not. */
	nlh = route(buf, RTM_NEWROUTE, S1, "239.1.1.6", 0, 0);
	{
		/* The nexthop (last 8 bytes) claims 64 bytes. */
		struct rtnexthop *nh =
			(void *)((uint8_t *)nlh + nlh->nlmsg_len - 8);

		nh->rtnh_len = 64;
	}
	BAD_INPUT(buf, nlh->nlmsg_len, 0,
		  "a nexthop longer than RTA_MULTIPATH");
	nlh = route(buf, RTM_NEWROUTE, S1, "239.1.1.6", 0, 0);
	{
		/* RTA_MULTIPATH (the last attribute) claims 1000 bytes. */
		struct nlattr *a = (void *)((uint8_t *)nlh + nlh->nlmsg_len -
					    8 - sizeof(struct nlattr));

		a->nla_len = 1000;
	}
	BAD_INPUT(buf, nlh->nlmsg_len, 0,
		  "RTA_MULTIPATH longer than the message (no group then)");
	nlh = route(buf, RTM_NEWROUTE, S1, "239.1.1.6", 0, 0);
	nlh->nlmsg_len = NLMSG_HDRLEN + 4; /* half an rtmsg */
	BAD_INPUT(buf, nlh->nlmsg_len, 0, "an rtmsg cut in half");

	CHECK_EQ(stats().entries, 1,
		 "only the kernel's good route is mirrored");
	CHECK(n_warnings >= 1 && n_warnings <= 6,
	      "logged, sparingly (%u lines for %llu datagrams)", n_warnings,
	      (unsigned long long)stats().bad_messages);

	/* Still working: a good one afterwards. */
	nlh = route(buf, RTM_DELROUTE, S1, "239.1.1.1", 0, 0);
	kmirror_input_buf(km, buf, nlh->nlmsg_len, 0);
	CHECK_EQ(stats().entries, 0, "a good delete afterwards is applied");
	teardown();
	free(buf);
}

static void test_dump(void)
{
	static const uint8_t forged[28] = {
		0x00, 0x00, 0x00, 0xf0, 0x18, 0x00, 0x00, 0x00, 0x00, 0x00,
		0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x80, 0x20, 0x20, 0x00,
		0xfd, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	};
	const uint32_t seq = 77, port = 1234;
	uint8_t *buf = calloc(1, 4096), *b;
	struct nlmsghdr *nlh;
	bool intr = false;
	size_t len;
	uint64_t bad0;

	check_begin("dump");
	setup();

	/* A good answer: an entry, then NLMSG_DONE. */
	kmirror_resync_begin(km);
	nlh = route(buf, RTM_NEWROUTE, S1, "239.2.2.1", seq, port);
	len = NLMSG_ALIGN(nlh->nlmsg_len);
	nlh = control(buf + len, NLMSG_DONE, seq, port, 4);
	len += nlh->nlmsg_len;
	CHECK_EQ(kmirror_dump_input(km, buf, len, 0, seq, port, &intr), 1,
		 "a dump: entry and NLMSG_DONE");
	kmirror_resync_end(km);
	CHECK_EQ(stats().entries, 1, "... the entry is mirrored");

	bad0 = stats().bad_messages;
	nlh = route(buf, RTM_NEWROUTE, S1, "239.2.2.2", seq, port);
	CHECK_EQ(kmirror_dump_input(km, buf, nlh->nlmsg_len, 99, seq, port,
				    &intr),
		 0, "a dump part from port 99: ignored, more to come");
	CHECK_EQ(stats().entries, 1, "... not applied");
	CHECK_EQ(stats().bad_messages, bad0 + 1, "... counted");

	b = malloc(sizeof(forged));
	memcpy(b, forged, sizeof(forged));
	CHECK_EQ(kmirror_dump_input(km, b, sizeof(forged), 0, 0, 0, &intr),
		 -EBADMSG, "nlmsg_len 0xf0000000 (seq 0, port 0): malformed");
	CHECK_EQ(kmirror_dump_input(km, b, sizeof(forged), 0, seq, port, &intr),
		 -EBADMSG, "nlmsg_len 0xf0000000 (another dump's): malformed");
	free(b);
	CHECK_EQ(stats().bad_messages, bad0 + 3, "... counted");

	nlh = route(buf, RTM_NEWROUTE, S1, "239.2.2.3", seq, port);
	len = nlh->nlmsg_len;
	b = malloc(len - 4);
	memcpy(b, buf, len - 4);
	CHECK_EQ(kmirror_dump_input(km, b, len - 4, 0, seq, port, &intr),
		 -EBADMSG, "a dump message cut short");
	free(b);
	nlh->nlmsg_len = 0;
	CHECK_EQ(kmirror_dump_input(km, buf, len, 0, seq, port, &intr),
		 -EBADMSG, "a dump message of length 0");

	/* NLMSG_ERROR without room for its struct nlmsgerr. */
	nlh = control(buf, NLMSG_ERROR, seq, port, 0);
	b = malloc(nlh->nlmsg_len);
	memcpy(b, buf, nlh->nlmsg_len);
	CHECK_EQ(kmirror_dump_input(km, b, nlh->nlmsg_len, 0, seq, port, &intr),
		 -EBADMSG, "a short NLMSG_ERROR");
	free(b);
	nlh = control(buf, NLMSG_ERROR, seq, port, sizeof(struct nlmsgerr));
	((struct nlmsgerr *)mnl_nlmsg_get_payload(nlh))->error = -EPERM;
	CHECK_EQ(kmirror_dump_input(km, buf, nlh->nlmsg_len, 0, seq, port,
				    &intr),
		 -EPERM, "a whole NLMSG_ERROR: the kernel's error");

	nlh = route(buf, RTM_NEWROUTE, S1, "239.2.2.4", seq, port);
	((struct nlattr *)((uint8_t *)nlh + nlh->nlmsg_len - 8 -
			   sizeof(struct nlattr)))
		->nla_len = 1000;
	CHECK_EQ(kmirror_dump_input(km, buf, nlh->nlmsg_len, 0, seq, port,
				    &intr),
		 -EBADMSG, "a dumped route with a bad attribute length");
	CHECK_EQ(stats().entries, 1, "nothing malformed was applied");
	teardown();
	free(buf);
}

/* ---- ip6mr ----------------------------------------------------------------- */

/* An ip6mr route for (S, G) from iif 1 to ifindex 2, at buf, in the
 * kernel's layout (ip6mr_fill_mroute, mr_fill_mroute). */
static struct nlmsghdr *route6(void *buf, uint16_t type, const char *s,
			       const char *g, uint32_t seq, uint32_t pid)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct rtmsg *rtm = mnl_nlmsg_put_extra_header(nlh, sizeof(*rtm));
	struct mgm_addr sa = A6(s), ga = A6(g);
	struct nlattr *mp;
	struct rtnexthop *nh;

	nlh->nlmsg_type = type;
	nlh->nlmsg_seq = seq;
	nlh->nlmsg_pid = pid;
	rtm->rtm_family = RTNL_FAMILY_IP6MR;
	rtm->rtm_table = RT_TABLE_MAIN;
	rtm->rtm_dst_len = 128;
	rtm->rtm_src_len = 128;
	rtm->rtm_type = RTN_MULTICAST;
	rtm->rtm_protocol = RTPROT_MROUTED;
	mnl_attr_put_u32(nlh, RTA_TABLE, RT_TABLE_MAIN);
	mnl_attr_put(nlh, RTA_SRC, 16, sa.v6);
	mnl_attr_put(nlh, RTA_DST, 16, ga.v6);
	mnl_attr_put_u32(nlh, RTA_IIF, 1);
	mp = mnl_attr_nest_start(nlh, RTA_MULTIPATH);
	nh = mnl_nlmsg_get_payload_tail(nlh);
	memset(nh, 0, sizeof(*nh));
	nh->rtnh_len = sizeof(*nh);
	nh->rtnh_hops = 1;
	nh->rtnh_ifindex = 2;
	nlh->nlmsg_len += RTNH_ALIGN(sizeof(*nh));
	mnl_attr_nest_end(nlh, mp);
	return nlh;
}

/* The attribute of type in nlh (after the rtmsg); NULL if none. */
static struct nlattr *attr_of(struct nlmsghdr *nlh, uint16_t type)
{
	struct nlattr *a;

	mnl_attr_for_each(a, nlh, sizeof(struct rtmsg))
	{
		if (mnl_attr_get_type(a) == type)
			return a;
	}
	return NULL;
}

#define S6 "2001:db8:1::10"

static void test_notifications6(void)
{
	uint8_t *buf = calloc(1, 4096), *b;
	struct nlmsghdr *nlh;
	struct nlattr *a;
	size_t len;
	uint64_t vifs0;

	check_begin("ip6mr notifications");
	families = MGM_FAMILY_IPV4 | MGM_FAMILY_IPV6;
	setup();
	nlh = route6(buf, RTM_NEWROUTE, S6, "ff0e::1", 0, 0);
	CHECK_EQ(kmirror_input_buf(km, buf, nlh->nlmsg_len, 0), 0,
		 "an ip6mr route from the kernel");
	CHECK_EQ(stats().entries, 1, "... is mirrored");
	{
		struct mgm_addr s = A6(S6), g = A6("ff0e::1");

		CHECK_STR(fake_dp_oifs_x(fd, &s, &g), "2",
			  "... into the fast path");
	}
	nlh = route6(buf, RTM_NEWROUTE, S6, "ff0e::2", 0, 0);
	BAD_INPUT(buf, nlh->nlmsg_len, 4242, "an ip6mr route from port 4242");

	/* Address lengths: every wrong one is a malformed route. */
	nlh = route6(buf, RTM_NEWROUTE, S6, "ff0e::3", 0, 0);
	a = attr_of(nlh, RTA_SRC);
	a->nla_len = 4 + 12; /* 12 bytes, then 4 left over as an attribute */
	BAD_INPUT(buf, nlh->nlmsg_len, 0, "a 12-byte RTA_SRC");
	nlh = route6(buf, RTM_NEWROUTE, S6, "ff0e::3", 0, 0);
	a = attr_of(nlh, RTA_DST);
	a->nla_len = 4 + 20; /* swallows RTA_IIF's header */
	BAD_INPUT(buf, nlh->nlmsg_len, 0, "a 20-byte RTA_DST");
	nlh = route6(buf, RTM_NEWROUTE, S6, "ff0e::3", 0, 0);
	a = attr_of(nlh, RTA_DST);
	a->nla_len = 1000;
	BAD_INPUT(buf, nlh->nlmsg_len, 0, "RTA_DST past the message");
	/* An ip6mr message cut inside RTA_DST, in a buffer of its size. */
	nlh = route6(buf, RTM_NEWROUTE, S6, "ff0e::3", 0, 0);
	len = (size_t)((uint8_t *)attr_of(nlh, RTA_DST) - buf) + 12;
	nlh->nlmsg_len = (uint32_t)len;
	b = malloc(len);
	memcpy(b, buf, len);
	BAD_INPUT(b, len, 0, "a message cut inside RTA_DST");
	/* Unaligned nlmsg_len ending the datagram: libmnl would walk to
	 * the aligned end, past the buffer. */
	nlh = (struct nlmsghdr *)b;
	nlh->nlmsg_len = (uint32_t)len - 2;
	BAD_INPUT(b, len - 2, 0, "an unaligned nlmsg_len at the end");
	free(b);
	nlh = route6(buf, RTM_NEWROUTE, S6, "ff0e::3", 0, 0);
	nlh->nlmsg_len = 0xf0000000U;
	BAD_INPUT(buf, 64, 0, "an ip6mr route of length 0xf0000000");
	nlh = route6(buf, RTM_NEWROUTE, S6, "ff0e::3", 0, 0);
	((struct rtnexthop *)((uint8_t *)nlh + nlh->nlmsg_len - 8))->rtnh_len =
		64;
	BAD_INPUT(buf, nlh->nlmsg_len, 0,
		  "an ip6mr nexthop past its attribute");
	CHECK_EQ(stats().entries, 1, "nothing malformed applied");

	/* A MIF change: the netconf of AF_INET6 makes a resync (none
	 * here: no socket, -ENOTCONN), counted as a VIF change. */
	vifs0 = stats().vif_changes;
	nlh = mnl_nlmsg_put_header(buf);
	nlh->nlmsg_type = RTM_NEWNETCONF;
	((struct netconfmsg *)mnl_nlmsg_put_extra_header(
		 nlh, sizeof(struct netconfmsg)))
		->ncm_family = AF_INET6;
	mnl_attr_put_u32(nlh, NETCONFA_IFINDEX, 2);
	mnl_attr_put_u32(nlh, NETCONFA_MC_FORWARDING, 0);
	len = nlh->nlmsg_len;
	CHECK_EQ(kmirror_input_buf(km, buf, len, 0), -ENOTCONN,
		 "a MIF change asks for a resync");
	CHECK_EQ(stats().vif_changes, vifs0 + 1, "... counted");
	((struct nlattr *)(buf + len - 8))->nla_len = 6;
	BAD_INPUT(buf, len, 0, "a netconf with a 2-byte mc_forwarding");

	nlh = route6(buf, RTM_DELROUTE, S6, "ff0e::1", 0, 0);
	kmirror_input_buf(km, buf, nlh->nlmsg_len, 0);
	CHECK_EQ(stats().entries, 0, "a good ip6mr delete is applied");
	teardown();

	/* IPv4 alone: ip6mr's messages are not ours (not bad either). */
	families = 0;
	setup();
	nlh = route6(buf, RTM_NEWROUTE, S6, "ff0e::1", 0, 0);
	kmirror_input_buf(km, buf, nlh->nlmsg_len, 0);
	CHECK_EQ(stats().entries, 0, "IPv4 alone: an ip6mr route ignored");
	CHECK_EQ(stats().updates, 0, "... and not counted as an update");
	CHECK_EQ(stats().bad_messages, 0, "... nor as bad");
	nlh = mnl_nlmsg_put_header(buf);
	nlh->nlmsg_type = RTM_NEWNETCONF;
	((struct netconfmsg *)mnl_nlmsg_put_extra_header(
		 nlh, sizeof(struct netconfmsg)))
		->ncm_family = AF_INET6;
	mnl_attr_put_u32(nlh, NETCONFA_IFINDEX, 2);
	mnl_attr_put_u32(nlh, NETCONFA_MC_FORWARDING, 0);
	CHECK_EQ(kmirror_input_buf(km, buf, nlh->nlmsg_len, 0), 0,
		 "IPv4 alone: a MIF change asks nothing");
	CHECK_EQ(stats().vif_changes, 0, "... and is not counted");
	teardown();
	free(buf);
}

static void test_dump6(void)
{
	const uint32_t seq = 78, port = 4321;
	uint8_t *buf = calloc(1, 4096);
	struct nlmsghdr *nlh;
	struct nlattr *a;
	bool intr = false;
	size_t len;

	check_begin("ip6mr dump");
	families = MGM_FAMILY_IPV4 | MGM_FAMILY_IPV6;
	setup();
	nlh = route6(buf, RTM_NEWROUTE, S6, "ff0e::5", 0, 0);
	kmirror_input_buf(km, buf, nlh->nlmsg_len, 0);
	nlh = route(buf, RTM_NEWROUTE, S1, "239.3.3.3", 0, 0);
	kmirror_input_buf(km, buf, nlh->nlmsg_len, 0);
	CHECK_EQ(stats().entries, 2, "one entry of each family");

	/* The resync: ipmr's dump has its entry, ip6mr's another one. */
	kmirror_resync_begin(km);
	nlh = route(buf, RTM_NEWROUTE, S1, "239.3.3.3", seq, port);
	len = NLMSG_ALIGN(nlh->nlmsg_len);
	nlh = control(buf + len, NLMSG_DONE, seq, port, 4);
	len += nlh->nlmsg_len;
	CHECK_EQ(kmirror_dump_input(km, buf, len, 0, seq, port, &intr), 1,
		 "ipmr's dump");
	nlh = route6(buf, RTM_NEWROUTE, S6, "ff0e::6", seq + 1, port);
	len = NLMSG_ALIGN(nlh->nlmsg_len);
	nlh = control(buf + len, NLMSG_DONE, seq + 1, port, 4);
	len += nlh->nlmsg_len;
	CHECK_EQ(kmirror_dump_input(km, buf, len, 0, seq + 1, port, &intr), 1,
		 "ip6mr's dump");
	kmirror_resync_end(km);
	CHECK_EQ(stats().entries, 2, "the dumps' two entries");
	{
		struct mgm_addr s = A6(S6), g5 = A6("ff0e::5"),
				g6 = A6("ff0e::6");

		CHECK_STR(fake_dp_oifs_x(fd, &s, &g5), "absent",
			  "the entry the dump lacked: deleted");
		CHECK_STR(fake_dp_oifs_x(fd, &s, &g6), "2", "the new one in");
	}
	CHECK_STR(fake_dp_oifs(fd, A(S1), A("239.3.3.3")), "2",
		  "the IPv4 entry kept");

	nlh = route6(buf, RTM_NEWROUTE, S6, "ff0e::7", seq, port);
	a = attr_of(nlh, RTA_SRC);
	a->nla_len = 4 + 8;
	CHECK_EQ(kmirror_dump_input(km, buf, nlh->nlmsg_len, 0, seq, port,
				    &intr),
		 -EBADMSG, "a dumped ip6mr route with an 8-byte RTA_SRC");
	nlh = route6(buf, RTM_NEWROUTE, S6, "ff0e::7", seq, port);
	nlh->nlmsg_len -= 2;
	CHECK_EQ(kmirror_dump_input(km, buf, nlh->nlmsg_len, 0, seq, port,
				    &intr),
		 -EBADMSG, "a dumped ip6mr route of unaligned length");
	CHECK_EQ(stats().entries, 2, "nothing malformed applied");
	teardown();
	families = 0;
	free(buf);
}

int main(void)
{
	test_notifications();
	test_dump();
	test_notifications6();
	test_dump6();
	return check_summary();
}
