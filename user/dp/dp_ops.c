// SPDX-License-Identifier: GPL-2.0
/*
 * dp_ops.c - the MGM core's view of this datapath (struct
 * mgm_datapath_ops), and the RPF lookup in the kernel's unicast routes.
 */
#include <errno.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <linux/rtnetlink.h>

#include <libmnl/libmnl.h>

#include "dp/dp_internal.h"

struct rpf_reply {
	struct mgm_route_info_x *out;
	uint16_t family; /* MGM_AF_* */
	bool found;
};

static int rpf_attr(const struct nlattr *a, void *data)
{
	struct rpf_reply *r = data;
	bool v4 = r->family == MGM_AF_INET;

	switch (mnl_attr_get_type(a)) {
	case RTA_OIF:
		if (!mnl_attr_validate(a, MNL_TYPE_U32))
			r->out->ifindex = mnl_attr_get_u32(a);
		break;
	case RTA_GATEWAY:
		/* An IPv6 gateway is no 32-bit neighbour identifier: the
		 * next hop stays 0 (every IPv6 link is broadcast to MGM). */
		if (v4 && !mnl_attr_validate(a, MNL_TYPE_U32))
			r->out->nexthop = mnl_attr_get_u32(a);
		break;
	case RTA_DST:
		if (mnl_attr_get_payload_len(a) == (v4 ? 4U : 16U))
			memcpy(r->out->network.v6, mnl_attr_get_payload(a),
			       v4 ? 4 : 16);
		break;
	}
	return MNL_CB_OK;
}

static int rpf_msg(const struct nlmsghdr *nlh, void *data)
{
	const struct rtmsg *rtm = mnl_nlmsg_get_payload(nlh);
	struct rpf_reply *r = data;
	uint32_t i, bits;

	if (nlh->nlmsg_type != RTM_NEWROUTE)
		return MNL_CB_OK;
	if (rtm->rtm_type != RTN_UNICAST && rtm->rtm_type != RTN_LOCAL)
		return MNL_CB_OK;
	r->found = true;
	r->out->protocol = rtm->rtm_protocol;
	r->out->prefix_len = rtm->rtm_dst_len;
	r->out->network = (struct mgm_addr){ .family = r->family };
	mnl_attr_parse(nlh, sizeof(*rtm), rpf_attr, r);
	/* The network, host bits cleared. */
	for (i = 0; i < 16; i++) {
		bits = rtm->rtm_dst_len > i * 8 ? rtm->rtm_dst_len - i * 8 : 0;
		if (bits < 8)
			r->out->network.v6[i] &= (uint8_t)(0xff00U >> bits);
	}
	return MNL_CB_OK;
}

int mgm_dp_rpf_lookup_x(const struct mgm_addr *source,
			struct mgm_route_info_x *out)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct rpf_reply r = { .out = out, .family = source->family };
	bool v4 = source->family == MGM_AF_INET;
	struct mnl_socket *nl;
	struct nlmsghdr *nlh;
	struct rtmsg *rtm;
	unsigned int seq = (unsigned int)time(NULL), port;
	int ret;

	memset(out, 0, sizeof(*out));
	if (source->family != MGM_AF_INET && source->family != MGM_AF_INET6)
		return -EAFNOSUPPORT;
	nlh = mnl_nlmsg_put_header(buf);
	nlh->nlmsg_type = RTM_GETROUTE;
	nlh->nlmsg_flags = NLM_F_REQUEST;
	nlh->nlmsg_seq = seq;
	rtm = mnl_nlmsg_put_extra_header(nlh, sizeof(*rtm));
	rtm->rtm_family = v4 ? AF_INET : AF_INET6;
	rtm->rtm_dst_len = v4 ? 32 : 128;
	/* The FIB entry that matched (its prefix), not a /32 clone. */
	rtm->rtm_flags = RTM_F_FIB_MATCH;
	mnl_attr_put(nlh, RTA_DST, v4 ? 4 : 16, source->v6);

	nl = mnl_socket_open(NETLINK_ROUTE);
	if (!nl)
		return -errno;
	if (mnl_socket_bind(nl, 0, MNL_SOCKET_AUTOPID) < 0) {
		ret = -errno;
		goto out;
	}
	port = mnl_socket_get_portid(nl);
	if (mnl_socket_sendto(nl, nlh, nlh->nlmsg_len) < 0) {
		ret = -errno;
		goto out;
	}
	ret = mnl_socket_recvfrom(nl, buf, sizeof(buf));
	if (ret < 0) {
		ret = -errno;
		goto out;
	}
	ret = mnl_cb_run(buf, ret, seq, port, rpf_msg, &r);
	/* No route (ENETUNREACH and friends) is an answer, not a failure. */
	ret = ret < 0 && errno != ENETUNREACH && errno != EHOSTUNREACH &&
			      errno != ENOENT ?
		      -errno :
		      0;
	if (!r.found)
		memset(out, 0, sizeof(*out));
out:
	mnl_socket_close(nl);
	return ret;
}

static int op_install(void *dp, const struct mgm_addr *s,
		      const struct mgm_addr *g, uint32_t iif,
		      const uint32_t *oifs, uint32_t n)
{
	if (g->family == MGM_AF_INET6)
		return mgm_dp_mfe6_install(dp, (const struct in6_addr *)s->v6,
					   (const struct in6_addr *)g->v6, iif,
					   oifs, n);
	return mgm_dp_mfe_install(dp, s->v4, g->v4, iif, oifs, n);
}

static int op_delete(void *dp, const struct mgm_addr *s,
		     const struct mgm_addr *g)
{
	if (g->family == MGM_AF_INET6)
		return mgm_dp_mfe6_delete(dp, (const struct in6_addr *)s->v6,
					  (const struct in6_addr *)g->v6);
	return mgm_dp_mfe_delete(dp, s->v4, g->v4);
}

static int op_counters(void *dp, const struct mgm_addr *s,
		       const struct mgm_addr *g,
		       struct mgm_dp_mfe_counters *out)
{
	if (g->family == MGM_AF_INET6)
		return mgm_dp_mfe6_counters(dp, (const struct in6_addr *)s->v6,
					    (const struct in6_addr *)g->v6,
					    out);
	return mgm_dp_mfe_counters(dp, s->v4, g->v4, out);
}

static int op_if_counters(void *dp, uint32_t ifindex,
			  struct mgm_dp_if_counters *out)
{
	return mgm_dp_if_counters(dp, ifindex, out);
}

static int op_tx_disable(void *dp, uint32_t ifindex, bool disabled)
{
	return mgm_dp_if_tx_disable(dp, ifindex, disabled);
}

static int op_if_release(void *dp, uint32_t ifindex)
{
	int n = mgm_dp_if_unlink(dp, ifindex);

	return n < 0 ? n : 0;
}

static int op_sync(void *dp)
{
	return mgm_dp_sync(dp);
}

static int op_event_fd(void *dp)
{
	return mgm_dp_event_fd(dp);
}

static int op_event_poll(void *dp, mgm_dp_event_cb cb, void *cb_ctx)
{
	mgm_dp_maintain(dp);
	return mgm_dp_event_poll(dp, cb, cb_ctx);
}

static int op_rpf(void *dp, const struct mgm_addr *source,
		  const struct mgm_addr *group, struct mgm_route_info_x *out)
{
	(void)dp;
	(void)group;
	return mgm_dp_rpf_lookup_x(source, out);
}

static uint64_t op_now(void *dp)
{
	(void)dp;
	return mgm_dp_now_ns();
}

static const struct mgm_datapath_ops dp_ops = {
	.mfe_install = op_install,
	.mfe_delete = op_delete,
	.mfe_counters = op_counters,
	.if_counters = op_if_counters,
	.if_tx_disable = op_tx_disable,
	.if_release = op_if_release,
	.sync = op_sync,
	.event_fd = op_event_fd,
	.event_poll = op_event_poll,
	.rpf_lookup = op_rpf,
	.now_ns = op_now,
};

const struct mgm_datapath_ops *mgm_dp_ops(void)
{
	return &dp_ops;
}
