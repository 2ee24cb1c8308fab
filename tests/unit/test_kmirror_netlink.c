// SPDX-License-Identifier: GPL-2.0
/*
 * test_kmirror_netlink.c - the kernel mirror's netlink input is hostile
 * input: datagrams fed through the entries its socket reads use
 * (kmirror_input_buf() for notifications, kmirror_dump_input() for a
 * dump's answer).  Only the kernel (port 0) is heard; forged lengths
 * (libmnl 1.0.4's mnl_nlmsg_ok() lets nlmsg_len >= 2^31 through),
 * truncated, zero-length, past-the-end and nested-attribute garbage must
 * be counted (bad_messages) and ignored, never walked.  Runs under
 * ASan/UBSan: a read past a buffer is a failure.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include <libmnl/libmnl.h>
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

static int h_install(void *ctx, uint32_t s, uint32_t g, uint32_t iif,
		     const uint32_t *oifs, uint32_t n, uint16_t flags)
{
	(void)ctx, (void)flags;
	return fake_dp_install4(fd, s, g, iif, oifs, n);
}

static int h_delete(void *ctx, uint32_t s, uint32_t g)
{
	(void)ctx;
	return fake_dp_delete4(fd, s, g);
}

static void h_log(void *ctx, int level, const char *msg)
{
	(void)ctx, (void)level;
	if (strstr(msg, "netlink: ignored"))
		n_warnings++;
	if (getenv("V"))
		fprintf(stderr, "kmirror: %s\n", msg);
}

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
	struct kmirror_opts o = { .no_netlink = true };
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

int main(void)
{
	test_notifications();
	test_dump();
	return check_summary();
}
