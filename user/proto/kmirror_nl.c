// SPDX-License-Identifier: GPL-2.0
/*
 * kmirror_nl.c - reading the kernel's multicast routing state with
 * rtnetlink (libmnl): the parsers of ipmr's route and netconf messages,
 * the notification socket and the dumps, and the mirror's side of them
 * (kmirror_input(), kmirror_resync()).
 *
 * ipmr reports an MFC entry as an rtmsg of family RTNL_FAMILY_IPMR with
 * RTA_TABLE, RTA_SRC (origin; 0 for (*,G)), RTA_DST (group), RTA_IIF (the
 * parent VIF's device; absent if that VIF is gone), RTA_MULTIPATH (one
 * rtnexthop per outgoing VIF that still exists: rtnh_ifindex, rtnh_hops =
 * its TTL threshold), RTA_MFC_STATS and RTA_EXPIRES (time since last use,
 * in clock ticks).  Unresolved entries carry RTNH_F_UNRESOLVED and none
 * of IIF, MULTIPATH.  VIFs have no message of their own: adding or
 * deleting one changes the device's mc_forwarding, which RTNLGRP_IPV4_NETCONF
 * reports after the VIF table has changed, so a dump then shows the new
 * state.
 *
 * ip6mr (CONFIG_IPV6_MROUTE) reports its entries alike: family
 * RTNL_FAMILY_IP6MR, RTA_SRC and RTA_DST of 16 bytes (:: for (*,G)), the
 * same RTA_IIF, RTA_MULTIPATH (rtnh_hops 1: MRT6_ADD_MFC has no
 * thresholds), RTA_MFC_STATS and RTA_EXPIRES (both kernels fill them in
 * mr_fill_mroute()), notified to RTNLGRP_IPV6_MROUTE; adding or deleting
 * a MIF changes the device's IPv6 mc_forwarding, reported on
 * RTNLGRP_IPV6_NETCONF (family AF_INET6).  Each family's groups are
 * joined only if it is mirrored, and a resync dumps each mirrored family.
 *
 * Notifications are applied as they come, each carrying an entry's whole
 * state.  What cannot be applied one by one -- a VIF change, a lost
 * notification (ENOBUFS), an interface gone -- makes the batch a resync:
 * what is pending is dropped (the dump is newer), the table dumped, and
 * entries the dump lacks deleted.
 *
 * Only the kernel is heard: a datagram whose sender is not port 0 (any
 * local process can unicast to our port) is dropped, and every message
 * length is checked against the datagram before libmnl walks it (1.0.4's
 * mnl_nlmsg_ok() compares (int)nlmsg_len, so a length >= 2^31 passes it
 * and mnl_nlmsg_next() then walks gigabytes past the buffer).  What is
 * dropped is counted (bad_messages) and logged, sparingly.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <libmnl/libmnl.h>
#include <linux/netconf.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <syslog.h>

#include "proto/kmirror_int.h"

/* Big enough that a burst of entries (a daemon starting) fits. */
#define KM_NL_RCVBUF (8 << 20)
#define KM_NL_BUF 65536

struct km_nl {
	struct mnl_socket *ev; /* subscribed to the groups */
	struct mnl_socket *req; /* dumps */
	uint32_t seq;
	uint32_t families; /* MGM_FAMILY_*: the ones dumped */
	char *buf;
};

static int attr_u32(const struct nlattr *a, uint32_t *v)
{
	if (mnl_attr_validate(a, MNL_TYPE_U32) < 0)
		return -EINVAL;
	*v = mnl_attr_get_u32(a);
	return 0;
}

/*
 * The kernel's messages end on an attribute boundary (nla_put pads to 4),
 * and libmnl walks attributes up to the aligned end of the message: one
 * whose length is not a multiple of 4 would be read up to 3 bytes past
 * nlmsg_len, past the datagram if it is the last.  Refused.
 */
static bool len_aligned(const struct nlmsghdr *nlh)
{
	return !(nlh->nlmsg_len % NLMSG_ALIGNTO);
}

/* Did the attribute walk of nlh, ended at a, reach the message's end? */
static bool attrs_whole(const struct nlmsghdr *nlh, const struct nlattr *a)
{
	return (const char *)a == (const char *)mnl_nlmsg_get_payload_tail(nlh);
}

/* RTA_SRC / RTA_DST: exactly the family's address length. */
static int attr_addr(const struct nlattr *a, uint16_t family,
		     struct mgm_addr *out)
{
	size_t len = family == MGM_AF_INET6 ? 16 : 4;

	if (mnl_attr_get_payload_len(a) != len)
		return -EINVAL;
	*out = (struct mgm_addr){ .family = family };
	memcpy(out->v6, mnl_attr_get_payload(a), len);
	return 0;
}

static int parse_multipath(const struct nlattr *a, struct km_mfc *out)
{
	const uint8_t *p = mnl_attr_get_payload(a);
	size_t left = mnl_attr_get_payload_len(a);

	while (left >= sizeof(struct rtnexthop)) {
		struct rtnexthop nh;

		memcpy(&nh, p, sizeof(nh));
		if (nh.rtnh_len < sizeof(nh) || nh.rtnh_len > left)
			return -EINVAL;
		/* ipmr has at most MAXVIFS VIFs. */
		if (out->n_oifs == KM_MAX_OIFS)
			return -EINVAL;
		out->oifs[out->n_oifs].ifindex = (uint32_t)nh.rtnh_ifindex;
		out->oifs[out->n_oifs].ttl = nh.rtnh_hops;
		out->n_oifs++;
		if ((size_t)RTNH_ALIGN(nh.rtnh_len) >= left)
			break;
		left -= (size_t)RTNH_ALIGN(nh.rtnh_len);
		p += RTNH_ALIGN(nh.rtnh_len);
	}
	return 0;
}

int km_parse_route(const struct nlmsghdr *nlh, struct km_mfc *out)
{
	const struct rtmsg *rtm;
	const struct nlattr *a;
	bool have_group = false;
	uint16_t family;
	long hz;

	if (nlh->nlmsg_type != RTM_NEWROUTE && nlh->nlmsg_type != RTM_DELROUTE)
		return 0;
	if (mnl_nlmsg_get_payload_len(nlh) < sizeof(*rtm) || !len_aligned(nlh))
		return -EINVAL;
	rtm = mnl_nlmsg_get_payload(nlh);
	if (rtm->rtm_family == RTNL_FAMILY_IPMR)
		family = MGM_AF_INET;
	else if (rtm->rtm_family == RTNL_FAMILY_IP6MR)
		family = MGM_AF_INET6;
	else
		return 0;
	memset(out, 0, sizeof(*out));
	out->source.family = family;
	out->group.family = family;
	out->table = rtm->rtm_table;
	out->unresolved = rtm->rtm_flags & RTNH_F_UNRESOLVED;
	mnl_attr_for_each(a, nlh, sizeof(*rtm))
	{
		struct rta_mfc_stats st;
		uint32_t v;

		switch (mnl_attr_get_type(a)) {
		case RTA_TABLE:
			if (attr_u32(a, &out->table))
				return -EINVAL;
			break;
		case RTA_SRC:
			if (attr_addr(a, family, &out->source))
				return -EINVAL;
			break;
		case RTA_DST:
			if (attr_addr(a, family, &out->group))
				return -EINVAL;
			have_group = true;
			break;
		case RTA_IIF:
			if (attr_u32(a, &v))
				return -EINVAL;
			out->iif = v;
			break;
		case RTA_MULTIPATH:
			if (parse_multipath(a, out))
				return -EINVAL;
			break;
		case RTA_MFC_STATS:
			if (mnl_attr_get_payload_len(a) < sizeof(st))
				return -EINVAL;
			/* Only 4-byte aligned in the message. */
			memcpy(&st, mnl_attr_get_payload(a), sizeof(st));
			out->packets = st.mfcs_packets;
			out->bytes = st.mfcs_bytes;
			out->wrong_if = st.mfcs_wrong_if;
			out->has_stats = true;
			break;
		case RTA_EXPIRES:
			if (mnl_attr_validate(a, MNL_TYPE_U64) < 0)
				return -EINVAL;
			hz = sysconf(_SC_CLK_TCK);
			out->lastuse_ms = mnl_attr_get_u64(a) * 1000 /
					  (uint64_t)(hz > 0 ? hz : 100);
			break;
		default:
			break;
		}
	}
	/* The walk stops early at an attribute longer than the rest. */
	if (!attrs_whole(nlh, a))
		return -EINVAL;
	return have_group ? 1 : -EINVAL;
}

int km_parse_netconf(const struct nlmsghdr *nlh, uint16_t *family,
		     int32_t *ifindex, int32_t *mc_forwarding)
{
	const struct netconfmsg *ncm;
	const struct nlattr *a;
	bool have_if = false, have_mc = false;

	if (nlh->nlmsg_type != RTM_NEWNETCONF)
		return 0;
	if (mnl_nlmsg_get_payload_len(nlh) < sizeof(*ncm) || !len_aligned(nlh))
		return -EINVAL;
	ncm = mnl_nlmsg_get_payload(nlh);
	if (ncm->ncm_family != AF_INET && ncm->ncm_family != AF_INET6)
		return 0;
	*family = ncm->ncm_family == AF_INET6 ? MGM_AF_INET6 : MGM_AF_INET;
	mnl_attr_for_each(a, nlh, sizeof(*ncm))
	{
		switch (mnl_attr_get_type(a)) {
		case NETCONFA_IFINDEX:
			if (mnl_attr_validate(a, MNL_TYPE_U32) < 0)
				return -EINVAL;
			*ifindex = (int32_t)mnl_attr_get_u32(a);
			have_if = true;
			break;
		case NETCONFA_MC_FORWARDING:
			if (mnl_attr_validate(a, MNL_TYPE_U32) < 0)
				return -EINVAL;
			*mc_forwarding = (int32_t)mnl_attr_get_u32(a);
			have_mc = true;
			break;
		default:
			break;
		}
	}
	if (!attrs_whole(nlh, a))
		return -EINVAL;
	if (!have_mc)
		return 0;
	return have_if ? 1 : -EINVAL;
}

/* ---- sockets ------------------------------------------------------------- */

void km_nl_close(struct km_nl *nl)
{
	if (!nl)
		return;
	if (nl->ev)
		mnl_socket_close(nl->ev);
	if (nl->req)
		mnl_socket_close(nl->req);
	free(nl->buf);
	free(nl);
}

int km_nl_open(uint32_t families, struct km_nl **out)
{
	static const struct {
		unsigned int group;
		uint32_t families; /* joined if one of them is mirrored */
	} groups[] = {
		{ RTNLGRP_IPV4_MROUTE, MGM_FAMILY_IPV4 },
		{ RTNLGRP_IPV4_NETCONF, MGM_FAMILY_IPV4 },
		{ RTNLGRP_IPV6_MROUTE, MGM_FAMILY_IPV6 },
		{ RTNLGRP_IPV6_NETCONF, MGM_FAMILY_IPV6 },
		{ RTNLGRP_LINK, MGM_FAMILY_IPV4 | MGM_FAMILY_IPV6 },
	};
	struct km_nl *nl = calloc(1, sizeof(*nl));
	int rcvbuf = KM_NL_RCVBUF, fd, err;
	unsigned int i;

	if (!nl)
		return -ENOMEM;
	nl->buf = malloc(KM_NL_BUF);
	nl->ev = mnl_socket_open(NETLINK_ROUTE);
	nl->req = mnl_socket_open(NETLINK_ROUTE);
	if (!nl->buf || !nl->ev || !nl->req)
		goto fail;
	if (mnl_socket_bind(nl->ev, 0, MNL_SOCKET_AUTOPID) < 0 ||
	    mnl_socket_bind(nl->req, 0, MNL_SOCKET_AUTOPID) < 0)
		goto fail;
	nl->families = families;
	for (i = 0; i < sizeof(groups) / sizeof(groups[0]); i++) {
		unsigned int g = groups[i].group;

		if (!(groups[i].families & families))
			continue;
		if (mnl_socket_setsockopt(nl->ev, NETLINK_ADD_MEMBERSHIP, &g,
					  sizeof(g)) < 0)
			goto fail;
	}
	fd = mnl_socket_get_fd(nl->ev);
	/* Tests shrink it to provoke overruns (and so the resync). */
	if (getenv("MGM_KMIRROR_RCVBUF"))
		rcvbuf = atoi(getenv("MGM_KMIRROR_RCVBUF"));
	/* Past the rmem_max limit with CAP_NET_ADMIN; else what it gives. */
	if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &rcvbuf,
		       sizeof(rcvbuf)) < 0)
		setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof(rcvbuf));
	if (fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK) < 0)
		goto fail;
	nl->seq = (uint32_t)time(NULL);
	*out = nl;
	return 0;
fail:
	err = errno ? -errno : -EIO;
	km_nl_close(nl);
	return err;
}

int km_nl_fd(const struct km_nl *nl)
{
	return mnl_socket_get_fd(nl->ev);
}

/* ---- datagrams: who sent them, are their lengths sane -------------------- */

/*
 * Every message of buf[len] lies inside it: at least a header, no length
 * past the end (checked as unsigned, unlike mnl_nlmsg_ok()), nothing left
 * over after the last one.
 */
static bool nl_lengths_ok(const void *buf, size_t len)
{
	size_t off = 0;

	if (!len)
		return false;
	while (off < len) {
		struct nlmsghdr h;

		if (len - off < sizeof(h))
			return false;
		memcpy(&h, (const char *)buf + off, sizeof(h));
		if (h.nlmsg_len < sizeof(h) || h.nlmsg_len > len - off)
			return false;
		if (NLMSG_ALIGN(h.nlmsg_len) >= len - off)
			break;
		off += NLMSG_ALIGN(h.nlmsg_len);
	}
	return true;
}

/* A datagram dropped: counted; logged at the 1st, 2nd, 4th, 8th, ... */
static void nl_bad(struct kmirror *k, const char *why, uint32_t sender)
{
	uint64_t n = ++k->st.bad_messages;

	if (n & (n - 1))
		return;
	km_log(k, LOG_WARNING,
	       "netlink: ignored a datagram %s (port %u; %llu ignored so far)",
	       why, sender, (unsigned long long)n);
}

/*
 * Is buf[len], received from port sender, fit to be walked?  Counts and
 * logs it if not.
 */
static bool nl_datagram_ok(struct kmirror *k, const void *buf, size_t len,
			   uint32_t sender)
{
	if (sender != 0) {
		nl_bad(k, "not from the kernel", sender);
		return false;
	}
	if (!nl_lengths_ok(buf, len)) {
		nl_bad(k, "with malformed message lengths", sender);
		return false;
	}
	return true;
}

/*
 * recvmsg() on a netlink socket, with the sender's port id (the kernel's
 * is 0; what is not a netlink address counts as not the kernel's).
 * *trunc: the datagram was longer than len.
 */
static ssize_t nl_recv(struct mnl_socket *s, void *buf, size_t len,
		       uint32_t *sender, bool *trunc)
{
	struct sockaddr_nl sa;
	struct iovec iov = { .iov_base = buf, .iov_len = len };
	struct msghdr msg = {
		.msg_name = &sa,
		.msg_namelen = sizeof(sa),
		.msg_iov = &iov,
		.msg_iovlen = 1,
	};
	ssize_t n;

	memset(&sa, 0, sizeof(sa));
	n = recvmsg(mnl_socket_get_fd(s), &msg, 0);
	if (n < 0)
		return n;
	*trunc = msg.msg_flags & MSG_TRUNC;
	*sender = msg.msg_namelen == sizeof(sa) && sa.nl_family == AF_NETLINK ?
			  sa.nl_pid :
			  UINT32_MAX;
	return n;
}

/* ---- notifications ------------------------------------------------------- */

struct event_ctx {
	struct kmirror *k;
	const struct km_nl_sink *sink;
};

static int on_event(const struct nlmsghdr *nlh, void *data)
{
	const struct event_ctx *ec = data;
	const struct km_nl_sink *sink = ec->sink;
	struct km_mfc mfc;
	int32_t ifindex, mc;
	uint16_t family;
	int r;

	switch (nlh->nlmsg_type) {
	case RTM_NEWROUTE:
	case RTM_DELROUTE:
		r = km_parse_route(nlh, &mfc);
		if (r == 1)
			sink->route(sink->arg, nlh->nlmsg_type == RTM_NEWROUTE,
				    &mfc);
		else if (r < 0)
			nl_bad(ec->k, "with a malformed route", 0);
		break;
	case RTM_NEWNETCONF:
		r = km_parse_netconf(nlh, &family, &ifindex, &mc);
		if (r == 1)
			sink->vif(sink->arg, family, ifindex, mc);
		else if (r < 0)
			nl_bad(ec->k, "with a malformed netconf", 0);
		break;
	case RTM_DELLINK:
		if (mnl_nlmsg_get_payload_len(nlh) >=
		    sizeof(struct ifinfomsg)) {
			const struct ifinfomsg *ifi =
				mnl_nlmsg_get_payload(nlh);

			sink->link_gone(sink->arg, (uint32_t)ifi->ifi_index);
		}
		break;
	default:
		break;
	}
	return MNL_CB_OK;
}

/* One datagram of notifications, from port sender, into sink. */
static void km_nl_input(struct kmirror *k, const void *buf, size_t len,
			uint32_t sender, const struct km_nl_sink *sink)
{
	struct event_ctx ec = { k, sink };

	if (!nl_datagram_ok(k, buf, len, sender))
		return;
	/* Notifications: sequence 0, any port. */
	mnl_cb_run(buf, len, 0, 0, on_event, &ec);
}

/*
 * Read every pending notification (never blocks) into sink.  -ENOBUFS:
 * the kernel dropped notifications (the caller must resync); other
 * negative errnos are socket errors.
 */
static int km_nl_read(struct kmirror *k, const struct km_nl_sink *sink)
{
	struct km_nl *nl = k->nl;

	for (;;) {
		uint32_t sender;
		bool trunc;
		ssize_t n =
			nl_recv(nl->ev, nl->buf, KM_NL_BUF, &sender, &trunc);

		if (n < 0) {
			if (errno == EAGAIN || errno == EWOULDBLOCK)
				return 0;
			if (errno == EINTR)
				continue;
			return -errno; /* ENOBUFS: notifications were lost */
		}
		if (trunc) {
			if (sender)
				nl_bad(k, "longer than the buffer", sender);
			else
				return -ENOBUFS; /* the kernel's: lost */
			continue;
		}
		km_nl_input(k, nl->buf, (size_t)n, sender, sink);
	}
}

/* Throw away what is pending (before a dump that replaces it). */
static void km_nl_drain(struct km_nl *nl)
{
	while (mnl_socket_recvfrom(nl->ev, nl->buf, KM_NL_BUF) > 0 ||
	       errno == ENOBUFS || errno == EINTR || errno == ENOSPC)
		;
}

/* ---- dumps ----------------------------------------------------------------- */

/*
 * One datagram of a dump's answer, from port sender: the entries of the
 * dump numbered seq on port portid go to fn.  0: more to come (also when
 * the datagram was dropped, or is a late answer to an older dump); 1:
 * NLMSG_DONE; a negative errno: the kernel's error, or -EBADMSG.
 * *intr: the kernel flagged the dump as interrupted.
 */
static int dump_input(struct kmirror *k, const void *buf, size_t len,
		      uint32_t sender, uint32_t seq, uint32_t portid,
		      bool *intr, void (*fn)(void *arg, const struct km_mfc *),
		      void *arg)
{
	const struct nlmsghdr *nlh;
	struct km_mfc mfc;
	int left = (int)len;

	if (sender != 0) {
		nl_bad(k, "not from the kernel", sender);
		return 0;
	}
	/* The kernel's, but unreadable: the dump is not whole. */
	if (len > INT32_MAX || !nl_lengths_ok(buf, len)) {
		nl_bad(k, "with malformed message lengths", sender);
		return -EBADMSG;
	}
	for (nlh = buf; mnl_nlmsg_ok(nlh, left);
	     nlh = mnl_nlmsg_next(nlh, &left)) {
		if (nlh->nlmsg_seq != seq || nlh->nlmsg_pid != portid)
			continue; /* a late answer to an older dump */
		if (nlh->nlmsg_flags & NLM_F_DUMP_INTR)
			*intr = true;
		if (nlh->nlmsg_type == NLMSG_DONE)
			return 1;
		if (nlh->nlmsg_type == NLMSG_ERROR) {
			struct nlmsgerr e;

			if (mnl_nlmsg_get_payload_len(nlh) < sizeof(e)) {
				nl_bad(k, "with a short error", sender);
				return -EBADMSG;
			}
			memcpy(&e, mnl_nlmsg_get_payload(nlh), sizeof(e));
			return e.error < 0 ? e.error : -EIO;
		}
		if (*intr)
			continue;
		switch (km_parse_route(nlh, &mfc)) {
		case 1:
			fn(arg, &mfc);
			break;
		case 0:
			break;
		default:
			/* An entry we cannot read: the dump is not whole. */
			nl_bad(k, "with a malformed route", sender);
			return -EBADMSG;
		}
	}
	return 0;
}

/*
 * One dump: every entry to fn.  If the table changed meanwhile the kernel
 * flags the messages NLM_F_DUMP_INTR; the rest is read and dropped and
 * -EINTR returned, so the socket is clean for the next attempt.
 */
static int dump_once(struct kmirror *k, uint8_t rtm_family,
		     void (*fn)(void *arg, const struct km_mfc *mfc), void *arg)
{
	struct km_nl *nl = k->nl;
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(nl->buf);
	unsigned int portid = mnl_socket_get_portid(nl->req);
	bool intr = false;
	struct rtmsg *rtm;
	ssize_t n;

	nlh->nlmsg_type = RTM_GETROUTE;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
	nlh->nlmsg_seq = ++nl->seq;
	rtm = mnl_nlmsg_put_extra_header(nlh, sizeof(*rtm));
	rtm->rtm_family = rtm_family;
	if (mnl_socket_sendto(nl->req, nlh, nlh->nlmsg_len) < 0)
		return -errno;
	for (;;) {
		uint32_t sender;
		bool trunc;
		int r;

		n = nl_recv(nl->req, nl->buf, KM_NL_BUF, &sender, &trunc);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		if (trunc) {
			if (!sender)
				return -ENOSPC;
			nl_bad(k, "longer than the buffer", sender);
			continue;
		}
		r = dump_input(k, nl->buf, (size_t)n, sender, nl->seq, portid,
			       &intr, fn, arg);
		if (r == 1)
			return intr ? -EINTR : 0;
		if (r < 0)
			return r;
	}
}

/*
 * Dump every multicast route of the mirrored families (ipmr's, then
 * ip6mr's) into fn.  fn(arg, NULL) starts each attempt: a dump the kernel
 * interrupted (a table changed meanwhile) is retried whole, and what the
 * failed attempt gave must be forgotten.
 */
static int km_nl_dump(struct kmirror *k,
		      void (*fn)(void *arg, const struct km_mfc *mfc),
		      void *arg)
{
	int tries, err = 0;

	for (tries = 0; tries < 5; tries++) {
		/* NULL: (re)start, forget what an interrupted attempt gave. */
		fn(arg, NULL);
		err = 0;
		if (k->nl->families & MGM_FAMILY_IPV4)
			err = dump_once(k, RTNL_FAMILY_IPMR, fn, arg);
		if (!err && (k->nl->families & MGM_FAMILY_IPV6))
			err = dump_once(k, RTNL_FAMILY_IP6MR, fn, arg);
		if (err != -EINTR)
			return err;
	}
	return err;
}

/* ---- the mirror's netlink side --------------------------------------------------------------- */

static void dumped(void *arg, const struct km_mfc *mfc)
{
	struct kmirror *k = arg;

	if (mfc)
		kmirror_mfc_update(k, mfc);
	else
		kmirror_resync_begin(k); /* a retry forgets the marks */
}

int kmirror_resync(struct kmirror *k)
{
	int err;

	if (!k->nl)
		return -ENOTCONN;
	/* What is pending is older than the dump. */
	km_nl_drain(k->nl);
	err = km_nl_dump(k, dumped, k);
	if (err) {
		/* Keep what we have; the next resync corrects it. */
		k->in_resync = false;
		km_log(k, LOG_ERR, "dumping the kernel's multicast routes: %s",
		       strerror(-err));
		return err;
	}
	kmirror_resync_end(k);
	return 0;
}

struct batch {
	struct kmirror *k;
	bool resync;
};

static void on_route(void *arg, bool add, const struct km_mfc *mfc)
{
	struct batch *b = arg;

	if (b->resync)
		return; /* the dump will say it all */
	if (!km_family_on(b->k, &mfc->group))
		return; /* a family we do not mirror */
	if (add) {
		b->k->st.updates++;
		kmirror_mfc_update(b->k, mfc);
	} else {
		b->k->st.deletes++;
		kmirror_mfc_delete(b->k, mfc);
	}
}

static void on_vif(void *arg, uint16_t family, int32_t ifindex,
		   int32_t mc_forwarding)
{
	struct batch *b = arg;
	struct mgm_addr fam = { .family = family };

	(void)ifindex, (void)mc_forwarding;
	if (!km_family_on(b->k, &fam))
		return; /* a family we do not mirror */
	/* No message says which entries a VIF change touched: the dump
	 * shows them without the VIF (oif gone, or no iif). */
	b->k->st.vif_changes++;
	b->resync = true;
}

static void on_link_gone(void *arg, uint32_t ifindex)
{
	struct batch *b = arg;

	if (if_find(b->k, ifindex))
		b->resync = true;
}

int kmirror_input_buf(struct kmirror *k, const void *buf, size_t len,
		      uint32_t sender)
{
	struct batch b = { .k = k };
	const struct km_nl_sink sink = { on_route, on_vif, on_link_gone, &b };

	km_nl_input(k, buf, len, sender, &sink);
	return b.resync ? kmirror_resync(k) : 0;
}

int kmirror_dump_input(struct kmirror *k, const void *buf, size_t len,
		       uint32_t sender, uint32_t seq, uint32_t portid,
		       bool *intr)
{
	return dump_input(k, buf, len, sender, seq, portid, intr, dumped, k);
}

int kmirror_input(struct kmirror *k)
{
	struct batch b = { .k = k };
	const struct km_nl_sink sink = { on_route, on_vif, on_link_gone, &b };
	int err;

	if (!k->nl)
		return 0;
	err = km_nl_read(k, &sink);
	if (err == -ENOBUFS) {
		k->st.overruns++;
		km_log(k, LOG_WARNING,
		       "netlink overrun: notifications lost, resyncing");
		b.resync = true;
		err = 0;
	}
	if (b.resync)
		err = kmirror_resync(k);
	return err;
}
