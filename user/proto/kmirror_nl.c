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
 * Notifications are applied as they come, each carrying an entry's whole
 * state.  What cannot be applied one by one -- a VIF change, a lost
 * notification (ENOBUFS), an interface gone -- makes the batch a resync:
 * what is pending is dropped (the dump is newer), the table dumped, and
 * entries the dump lacks deleted.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <libmnl/libmnl.h>
#include <linux/netconf.h>
#include <linux/rtnetlink.h>
#include <sys/socket.h>
#include <syslog.h>

#include "proto/kmirror_int.h"

/* Big enough that a burst of entries (a daemon starting) fits. */
#define KM_NL_RCVBUF (8 << 20)
#define KM_NL_BUF 65536

struct km_nl {
	struct mnl_socket *ev; /* subscribed to the groups */
	struct mnl_socket *req; /* dumps */
	uint32_t seq;
	char *buf;
};

static int attr_u32(const struct nlattr *a, uint32_t *v)
{
	if (mnl_attr_validate(a, MNL_TYPE_U32) < 0)
		return -EINVAL;
	*v = mnl_attr_get_u32(a);
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
	long hz;

	if (nlh->nlmsg_type != RTM_NEWROUTE && nlh->nlmsg_type != RTM_DELROUTE)
		return 0;
	if (mnl_nlmsg_get_payload_len(nlh) < sizeof(*rtm))
		return -EINVAL;
	rtm = mnl_nlmsg_get_payload(nlh);
	if (rtm->rtm_family != RTNL_FAMILY_IPMR)
		return 0;
	memset(out, 0, sizeof(*out));
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
			if (attr_u32(a, &out->source))
				return -EINVAL;
			break;
		case RTA_DST:
			if (attr_u32(a, &out->group))
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
	return have_group ? 1 : -EINVAL;
}

int km_parse_netconf(const struct nlmsghdr *nlh, int32_t *ifindex,
		     int32_t *mc_forwarding)
{
	const struct netconfmsg *ncm;
	const struct nlattr *a;
	bool have_if = false, have_mc = false;

	if (nlh->nlmsg_type != RTM_NEWNETCONF)
		return 0;
	if (mnl_nlmsg_get_payload_len(nlh) < sizeof(*ncm))
		return -EINVAL;
	ncm = mnl_nlmsg_get_payload(nlh);
	if (ncm->ncm_family != AF_INET)
		return 0;
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

int km_nl_open(struct km_nl **out)
{
	static const unsigned int groups[] = {
		RTNLGRP_IPV4_MROUTE,
		RTNLGRP_IPV4_NETCONF,
		RTNLGRP_LINK,
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
	for (i = 0; i < sizeof(groups) / sizeof(groups[0]); i++) {
		unsigned int g = groups[i];

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

static int on_event(const struct nlmsghdr *nlh, void *data)
{
	const struct km_nl_sink *sink = data;
	struct km_mfc mfc;
	int32_t ifindex, mc;

	switch (nlh->nlmsg_type) {
	case RTM_NEWROUTE:
	case RTM_DELROUTE:
		if (km_parse_route(nlh, &mfc) == 1)
			sink->route(sink->arg, nlh->nlmsg_type == RTM_NEWROUTE,
				    &mfc);
		break;
	case RTM_NEWNETCONF:
		if (km_parse_netconf(nlh, &ifindex, &mc) == 1)
			sink->vif(sink->arg, ifindex, mc);
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

/*
 * Read every pending notification (never blocks) into sink.  -ENOBUFS:
 * the kernel dropped notifications (the caller must resync); other
 * negative errnos are socket errors.
 */
static int km_nl_read(struct km_nl *nl, const struct km_nl_sink *sink)
{
	for (;;) {
		ssize_t n = mnl_socket_recvfrom(nl->ev, nl->buf, KM_NL_BUF);

		if (n < 0) {
			if (errno == EAGAIN || errno == EWOULDBLOCK)
				return 0;
			if (errno == EINTR)
				continue;
			return -errno; /* ENOBUFS: notifications were lost */
		}
		/* Notifications: sequence 0, any port. */
		mnl_cb_run(nl->buf, (size_t)n, 0, 0, on_event, (void *)sink);
	}
}

/* Throw away what is pending (before a dump that replaces it). */
static void km_nl_drain(struct km_nl *nl)
{
	while (mnl_socket_recvfrom(nl->ev, nl->buf, KM_NL_BUF) > 0 ||
	       errno == ENOBUFS || errno == EINTR)
		;
}

/*
 * One dump: every entry to fn.  If the table changed meanwhile the kernel
 * flags the messages NLM_F_DUMP_INTR; the rest is read and dropped and
 * -EINTR returned, so the socket is clean for the next attempt.
 */
static int dump_once(struct km_nl *nl,
		     void (*fn)(void *arg, const struct km_mfc *mfc), void *arg)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(nl->buf);
	unsigned int portid = mnl_socket_get_portid(nl->req);
	bool intr = false;
	struct km_mfc mfc;
	struct rtmsg *rtm;
	ssize_t n;

	nlh->nlmsg_type = RTM_GETROUTE;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
	nlh->nlmsg_seq = ++nl->seq;
	rtm = mnl_nlmsg_put_extra_header(nlh, sizeof(*rtm));
	rtm->rtm_family = RTNL_FAMILY_IPMR;
	if (mnl_socket_sendto(nl->req, nlh, nlh->nlmsg_len) < 0)
		return -errno;
	for (;;) {
		int len;

		n = mnl_socket_recvfrom(nl->req, nl->buf, KM_NL_BUF);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		len = (int)n;
		for (nlh = (struct nlmsghdr *)nl->buf; mnl_nlmsg_ok(nlh, len);
		     nlh = mnl_nlmsg_next(nlh, &len)) {
			if (nlh->nlmsg_seq != nl->seq ||
			    nlh->nlmsg_pid != portid)
				continue; /* a late answer to an older dump */
			if (nlh->nlmsg_flags & NLM_F_DUMP_INTR)
				intr = true;
			if (nlh->nlmsg_type == NLMSG_DONE)
				return intr ? -EINTR : 0;
			if (nlh->nlmsg_type == NLMSG_ERROR) {
				const struct nlmsgerr *e =
					mnl_nlmsg_get_payload(nlh);

				return e->error ? e->error : -EIO;
			}
			if (!intr && km_parse_route(nlh, &mfc) == 1)
				fn(arg, &mfc);
		}
	}
}

/*
 * Dump every IPv4 multicast route into fn.  fn(arg, NULL) starts each
 * attempt: a dump the kernel interrupted (the table changed meanwhile) is
 * retried, and what the failed attempt gave must be forgotten.
 */
static int km_nl_dump(struct km_nl *nl,
		      void (*fn)(void *arg, const struct km_mfc *mfc),
		      void *arg)
{
	int tries, err = 0;

	for (tries = 0; tries < 5; tries++) {
		/* NULL: (re)start, forget what an interrupted attempt gave. */
		fn(arg, NULL);
		err = dump_once(nl, fn, arg);
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
	err = km_nl_dump(k->nl, dumped, k);
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
	if (add) {
		b->k->st.updates++;
		kmirror_mfc_update(b->k, mfc);
	} else {
		b->k->st.deletes++;
		kmirror_mfc_delete(b->k, mfc);
	}
}

static void on_vif(void *arg, int32_t ifindex, int32_t mc_forwarding)
{
	struct batch *b = arg;

	(void)ifindex, (void)mc_forwarding;
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

int kmirror_input(struct kmirror *k)
{
	struct batch b = { .k = k };
	const struct km_nl_sink sink = { on_route, on_vif, on_link_gone, &b };
	int err;

	if (!k->nl)
		return 0;
	err = km_nl_read(k->nl, &sink);
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
