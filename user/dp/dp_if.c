// SPDX-License-Identifier: GPL-2.0
/*
 * dp_if.c - egress interfaces: the MAC, MTU and TTL threshold each copy
 * is judged by, how copies reach the interface (XDP redirect or the tc
 * path, from the kernel's xdp-features), and per-interface counters.
 */
#include <errno.h>
#include <net/if.h>
#include <net/if_arp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>
#include <linux/genetlink.h>

#include <bpf/bpf.h>
#include <libmnl/libmnl.h>

#include "dp/dp_internal.h"

static unsigned int if_bucket(uint32_t ifindex)
{
	return (ifindex * 2654435761U) % DP_IF_HASH;
}

struct dp_ifc *dp_if_find(struct mgm_dp *dp, uint32_t ifindex)
{
	struct dp_ifc *c;

	for (c = dp->ifcs[if_bucket(ifindex)]; c; c = c->next)
		if (c->ifindex == ifindex)
			return c;
	return NULL;
}

/*
 * The netdev generic-netlink family (Linux 6.3+, linux/netdev.h); the
 * values are UAPI, spelled out for older headers.
 */
#define NETDEV_GENL_NAME "netdev"
#define NETDEV_GENL_VERSION 1
#define NETDEV_CMD_DEV_GET_ 1
#define NETDEV_CMD_DEV_ADD_NTF_ 2
#define NETDEV_CMD_DEV_CHANGE_NTF_ 4
#define NETDEV_MCGRP_MGMT "mgmt"
#define NETDEV_A_DEV_IFINDEX_ 1
#define NETDEV_A_DEV_XDP_FEATURES_ 3
#define NETDEV_XDP_ACT_NDO_XMIT_ (1ULL << 2)

struct genl_reply {
	bool netdev; /* parsing a netdev answer, not nlctrl's */
	uint16_t family;
	uint32_t mgmt_group; /* the "mgmt" multicast group, 0 if none */
	uint32_t ifindex;
	bool have_features;
	uint64_t features;
};

/* One multicast group of a family: remember "mgmt". */
static int genl_group(const struct nlattr *nest, void *data)
{
	struct genl_reply *r = data;
	const struct nlattr *a;
	const char *name = NULL;
	uint32_t id = 0;

	mnl_attr_for_each_nested(a, nest)
	{
		if (mnl_attr_get_type(a) == CTRL_ATTR_MCAST_GRP_NAME &&
		    !mnl_attr_validate(a, MNL_TYPE_NUL_STRING))
			name = mnl_attr_get_str(a);
		else if (mnl_attr_get_type(a) == CTRL_ATTR_MCAST_GRP_ID &&
			 !mnl_attr_validate(a, MNL_TYPE_U32))
			id = mnl_attr_get_u32(a);
	}
	if (name && !strcmp(name, NETDEV_MCGRP_MGMT))
		r->mgmt_group = id;
	return MNL_CB_OK;
}

static int genl_attr(const struct nlattr *a, void *data)
{
	struct genl_reply *r = data;

	switch (mnl_attr_get_type(a)) {
	case CTRL_ATTR_FAMILY_ID:
		if (!mnl_attr_validate(a, MNL_TYPE_U16))
			r->family = mnl_attr_get_u16(a);
		break;
	case CTRL_ATTR_MCAST_GROUPS:
		mnl_attr_parse_nested(a, genl_group, r);
		break;
	}
	return MNL_CB_OK;
}

static int netdev_attr(const struct nlattr *a, void *data)
{
	struct genl_reply *r = data;

	if (mnl_attr_get_type(a) == NETDEV_A_DEV_XDP_FEATURES_ &&
	    !mnl_attr_validate(a, MNL_TYPE_U64)) {
		r->features = mnl_attr_get_u64(a);
		r->have_features = true;
	} else if (mnl_attr_get_type(a) == NETDEV_A_DEV_IFINDEX_ &&
		   !mnl_attr_validate(a, MNL_TYPE_U32)) {
		r->ifindex = mnl_attr_get_u32(a);
	}
	return MNL_CB_OK;
}

static int genl_msg(const struct nlmsghdr *nlh, void *data)
{
	struct genl_reply *r = data;

	return mnl_attr_parse(nlh, sizeof(struct genlmsghdr),
			      r->netdev ? netdev_attr : genl_attr, r);
}

/* One request, one answer; -errno (ENOENT: no such family or device). */
static int genl_ask(struct mnl_socket *nl, struct nlmsghdr *nlh,
		    struct genl_reply *r)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	unsigned int port = mnl_socket_get_portid(nl);
	int ret;

	if (mnl_socket_sendto(nl, nlh, nlh->nlmsg_len) < 0)
		return -errno;
	/* Not a dump: one datagram holds the answer or the error. */
	ret = mnl_socket_recvfrom(nl, buf, sizeof(buf));
	if (ret < 0)
		return -errno;
	ret = mnl_cb_run(buf, ret, nlh->nlmsg_seq, port, genl_msg, r);
	return ret < 0 ? -errno : 0;
}

static struct nlmsghdr *genl_put(char *buf, uint16_t type, uint8_t cmd,
				 uint8_t version)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct genlmsghdr *g;

	nlh->nlmsg_type = type;
	nlh->nlmsg_flags = NLM_F_REQUEST;
	nlh->nlmsg_seq = (unsigned int)time(NULL);
	g = mnl_nlmsg_put_extra_header(nlh, sizeof(*g));
	g->cmd = cmd;
	g->version = version;
	return nlh;
}

/*
 * xdp-features of ifindex: 1 and *features if the kernel told, 0 if it
 * has no netdev family, -errno on failure (-ENODEV: no such device).
 */
static int netdev_xdp_features(uint32_t ifindex, uint64_t *features)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct genl_reply r = { 0 };
	struct mnl_socket *nl;
	struct nlmsghdr *nlh;
	int err;

	if (mgm_feature_disabled("netdev-genl"))
		return 0;
	nl = mnl_socket_open(NETLINK_GENERIC);
	if (!nl)
		return -errno;
	if (mnl_socket_bind(nl, 0, MNL_SOCKET_AUTOPID) < 0) {
		err = -errno;
		goto out;
	}
	nlh = genl_put(buf, GENL_ID_CTRL, CTRL_CMD_GETFAMILY, 1);
	mnl_attr_put_strz(nlh, CTRL_ATTR_FAMILY_NAME, NETDEV_GENL_NAME);
	err = genl_ask(nl, nlh, &r);
	if (err || !r.family) {
		err = err == -ENOENT || !r.family ? 0 : err;
		goto out;
	}
	nlh = genl_put(buf, r.family, NETDEV_CMD_DEV_GET_, NETDEV_GENL_VERSION);
	mnl_attr_put_u32(nlh, NETDEV_A_DEV_IFINDEX_, ifindex);
	r.netdev = true;
	err = genl_ask(nl, nlh, &r);
	if (err) {
		err = err == -ENOENT ? -ENODEV : err;
		goto out;
	}
	if (!r.have_features) {
		err = 0; /* a family without the attribute cannot tell */
		goto out;
	}
	*features = r.features;
	err = 1;
out:
	mnl_socket_close(nl);
	return err;
}

/*
 * Follow the kernel's xdp-features: the netdev family announces every
 * change on its "mgmt" group (a veth's ndo-xmit comes and goes with its
 * peer's XDP program or GRO, on the peer's side, so no RTM_NEWLINK of
 * ours says so).  A non-blocking socket joined to it, drained by
 * mgm_dp_maintain(); where the family is missing there is nothing to
 * follow (copies go by tc anyway).
 */
int dp_if_watch_open(struct mgm_dp *dp)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct genl_reply r = { 0 };
	struct mnl_socket *nl;
	struct nlmsghdr *nlh;
	int err, grp;

	if (mgm_feature_disabled("netdev-genl"))
		return 0;
	nl = mnl_socket_open2(NETLINK_GENERIC, SOCK_CLOEXEC);
	if (!nl)
		return -errno;
	if (mnl_socket_bind(nl, 0, MNL_SOCKET_AUTOPID) < 0) {
		err = -errno;
		goto fail;
	}
	nlh = genl_put(buf, GENL_ID_CTRL, CTRL_CMD_GETFAMILY, 1);
	mnl_attr_put_strz(nlh, CTRL_ATTR_FAMILY_NAME, NETDEV_GENL_NAME);
	err = genl_ask(nl, nlh, &r);
	if (err || !r.family || !r.mgmt_group) {
		err = err == -ENOENT ? 0 : err;
		goto fail;
	}
	grp = (int)r.mgmt_group;
	if (mnl_socket_setsockopt(nl, NETLINK_ADD_MEMBERSHIP, &grp,
				  sizeof(grp)) < 0) {
		err = -errno;
		goto fail;
	}
	dp->nl_watch = nl;
	dp->netdev_family = r.family;
	return 0;
fail:
	mnl_socket_close(nl);
	return err;
}

static int watch_msg(const struct nlmsghdr *nlh, void *data)
{
	struct mgm_dp *dp = data;
	const struct genlmsghdr *g = mnl_nlmsg_get_payload(nlh);
	struct genl_reply r = { .netdev = true };

	if (nlh->nlmsg_type != dp->netdev_family ||
	    (g->cmd != NETDEV_CMD_DEV_CHANGE_NTF_ &&
	     g->cmd != NETDEV_CMD_DEV_ADD_NTF_))
		return MNL_CB_OK;
	mnl_attr_parse(nlh, sizeof(*g), netdev_attr, &r);
	if (r.ifindex && dp_if_find(dp, r.ifindex))
		mgm_dp_if_refresh(dp, r.ifindex);
	return MNL_CB_OK;
}

/* Apply every pending xdp-features change; returns how many messages. */
int dp_if_watch_drain(struct mgm_dp *dp)
{
	struct mnl_socket *nl = dp->nl_watch;
	char buf[MNL_SOCKET_BUFFER_SIZE];
	int n = 0;
	ssize_t len;

	if (!nl)
		return 0;
	while ((len = recv(mnl_socket_get_fd(nl), buf, sizeof(buf),
			   MSG_DONTWAIT)) > 0) {
		mnl_cb_run(buf, len, 0, 0, watch_msg, dp);
		n++;
	}
	return n;
}

void dp_if_watch_close(struct mgm_dp *dp)
{
	if (dp->nl_watch)
		mnl_socket_close(dp->nl_watch);
	dp->nl_watch = NULL;
}

int mgm_dp_if_probe(uint32_t ifindex, struct mgm_dp_if_caps *out)
{
	struct ifreq ifr = {};
	unsigned int type;
	int fd, err;

	memset(out, 0, sizeof(*out));
	if (!if_indextoname(ifindex, ifr.ifr_name))
		return -ENODEV;
	fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	err = ioctl(fd, SIOCGIFHWADDR, &ifr) < 0 ? -errno : 0;
	type = ifr.ifr_hwaddr.sa_family; /* the MTU shares the union */
	if (!err)
		err = ioctl(fd, SIOCGIFMTU, &ifr) < 0 ? -errno : 0;
	close(fd);
	if (err)
		return err;
	out->mtu = ifr.ifr_mtu;
	if (type != ARPHRD_ETHER) {
		snprintf(out->why, sizeof(out->why),
			 "not an Ethernet device (link type %u): the fast "
			 "path forwards Ethernet frames only",
			 type);
		return 0;
	}
	out->servable = true;
	err = netdev_xdp_features(ifindex, &out->xdp_features);
	if (err < 0)
		return err;
	out->from_kernel = err > 0;
	if (out->from_kernel &&
	    (out->xdp_features & NETDEV_XDP_ACT_NDO_XMIT_)) {
		out->tx = MGM_DP_TX_XDP;
		snprintf(out->why, sizeof(out->why),
			 "kernel: xdp-features has ndo-xmit");
	} else if (out->from_kernel) {
		out->tx = MGM_DP_TX_TC;
		snprintf(out->why, sizeof(out->why),
			 "kernel: no ndo-xmit in xdp-features, copies by tc");
	} else {
		out->tx = MGM_DP_TX_TC;
		snprintf(out->why, sizeof(out->why),
			 "kernel has no netdev family to ask: copies by tc, "
			 "which reaches any device");
	}
	return 0;
}

const char *mgm_dp_tx_name(enum mgm_dp_tx tx)
{
	return tx == MGM_DP_TX_XDP ? "xdp" : "tc";
}

/* MAC and MTU of ifindex in our network namespace. */
static int if_read_kernel(uint32_t ifindex, uint8_t mac[6], uint32_t *mtu)
{
	struct ifreq ifr = {};
	int fd, err = 0;

	if (!if_indextoname(ifindex, ifr.ifr_name))
		return -ENODEV;
	fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	if (ioctl(fd, SIOCGIFHWADDR, &ifr) < 0) {
		err = -errno;
		goto out;
	}
	memcpy(mac, ifr.ifr_hwaddr.sa_data, 6);
	if (ioctl(fd, SIOCGIFMTU, &ifr) < 0) {
		err = -errno;
		goto out;
	}
	*mtu = ifr.ifr_mtu;
out:
	close(fd);
	return err;
}

/* Small ifindexes live in the array the egress program reads inline. */
static int if_map(const struct mgm_dp *dp, uint32_t ifindex)
{
	return ifindex < MGM_IF_DIRECT ? dp->fd_ifs_direct : dp->fd_ifs;
}

static int if_write(struct mgm_dp *dp, const struct dp_ifc *c)
{
	struct mgm_if_val v = {
		.ttl_threshold = c->ttl_threshold,
		.flags = c->flags | MGM_IF_F_VALID |
			 (c->caps.tx == MGM_DP_TX_TC ? MGM_IF_F_TX_TC : 0),
		.stats = c->stats,
		.mtu = c->mtu,
	};

	memcpy(v.mac, c->mac, 6);
	if (bpf_map_update_elem(if_map(dp, c->ifindex), &c->ifindex, &v,
				BPF_ANY))
		return -errno;
	return 0;
}

/* The interface's value, from whichever map holds it; -ENOENT if none. */
static int if_read(const struct mgm_dp *dp, uint32_t ifindex,
		   struct mgm_if_val *v)
{
	if (bpf_map_lookup_elem(if_map(dp, ifindex), &ifindex, v))
		return -errno;
	return v->flags & MGM_IF_F_VALID ? 0 : -ENOENT;
}

static int if_stats_zero(struct mgm_dp *dp, uint32_t slot)
{
	size_t sz = sizeof(struct mgm_if_stats) * dp->ncpus;
	void *zero = calloc(1, sz);
	int err = 0;

	if (!zero)
		return -ENOMEM;
	if (bpf_map_update_elem(dp->fd_if_stats, &slot, zero, BPF_ANY))
		err = -errno;
	free(zero);
	return err;
}

/* The interface's entry, added (threshold 1) if it is not known yet. */
struct dp_ifc *dp_if_get(struct mgm_dp *dp, uint32_t ifindex, int *err)
{
	struct dp_ifc *c = dp_if_find(dp, ifindex);
	uint32_t slot;

	if (c)
		return c;
	for (slot = 0; slot < dp->if_max && dp->if_slot_used[slot]; slot++)
		;
	if (slot == dp->if_max) {
		*err = -ENOSPC;
		return NULL;
	}
	c = calloc(1, sizeof(*c));
	if (!c) {
		*err = -ENOMEM;
		return NULL;
	}
	c->ifindex = ifindex;
	c->stats = slot;
	c->ttl_threshold = 1;
	*err = mgm_dp_if_probe(ifindex, &c->caps);
	if (!*err && !c->caps.servable)
		*err = -EOPNOTSUPP;
	*err = *err ?: if_read_kernel(ifindex, c->mac, &c->mtu);
	*err = *err ?: if_stats_zero(dp, slot);
	*err = *err ?: if_write(dp, c);
	if (*err) {
		free(c);
		return NULL;
	}
	dp->if_slot_used[slot] = 1;
	c->next = dp->ifcs[if_bucket(ifindex)];
	dp->ifcs[if_bucket(ifindex)] = c;
	return c;
}

int mgm_dp_if_set(struct mgm_dp *dp, uint32_t ifindex, uint8_t ttl_threshold)
{
	struct dp_ifc *c;
	int err = 0;

	if (dp->readonly)
		return -EPERM;
	c = dp_if_get(dp, ifindex, &err);
	if (!c)
		return err;
	c->ttl_threshold = ttl_threshold;
	return if_write(dp, c);
}

int mgm_dp_if_refresh(struct mgm_dp *dp, uint32_t ifindex)
{
	struct dp_ifc *c = dp_if_find(dp, ifindex);
	struct mgm_dp_if_caps caps;
	uint32_t mtu;
	int err = 0;

	if (dp->readonly)
		return -EPERM;

	if (!c)
		return dp_if_get(dp, ifindex, &err) ? 0 : err;
	mtu = c->mtu;
	err = mgm_dp_if_probe(ifindex, &caps);
	err = err ?: if_read_kernel(ifindex, c->mac, &c->mtu);
	if (err)
		return err;
	/*
	 * Becoming a tc member: the sets holding it go by tc first, then
	 * its entry says so; the other way round, the entry first.  Each
	 * packet sees it reachable either way.
	 */
	if (caps.servable && caps.tx != c->caps.tx) {
		if (caps.tx == MGM_DP_TX_TC) {
			c->caps = caps;
			dp_if_tx_changed(dp, ifindex);
			err = if_write(dp, c);
		} else {
			c->caps = caps;
			err = if_write(dp, c);
			dp_if_tx_changed(dp, ifindex);
		}
	} else {
		if (caps.servable)
			c->caps = caps;
		err = if_write(dp, c);
	}
	if (!err && c->mtu != mtu)
		dp_if_mtu_changed(dp, ifindex);
	return err;
}

int mgm_dp_if_tx_disable(struct mgm_dp *dp, uint32_t ifindex, bool disabled)
{
	struct dp_ifc *c;
	int err = 0;

	if (dp->readonly)
		return -EPERM;
	c = dp_if_get(dp, ifindex, &err);
	if (!c)
		return err;
	if (disabled)
		c->flags |= MGM_IF_F_TX_DISABLED;
	else
		c->flags &= ~MGM_IF_F_TX_DISABLED;
	return if_write(dp, c);
}

int mgm_dp_if_del(struct mgm_dp *dp, uint32_t ifindex)
{
	struct dp_ifc **pp, *c;

	for (pp = &dp->ifcs[if_bucket(ifindex)]; (c = *pp); pp = &c->next) {
		if (c->ifindex != ifindex)
			continue;
		if (ifindex < MGM_IF_DIRECT) {
			struct mgm_if_val none = { 0 };

			if (bpf_map_update_elem(dp->fd_ifs_direct, &ifindex,
						&none, BPF_ANY))
				return -errno;
		} else if (bpf_map_delete_elem(dp->fd_ifs, &ifindex) &&
			   errno != ENOENT) {
			return -errno;
		}
		*pp = c->next;
		dp->if_slot_used[c->stats] = 0;
		free(c);
		return 0;
	}
	return -ENOENT;
}

int mgm_dp_if_counters(struct mgm_dp *dp, uint32_t ifindex,
		       struct mgm_dp_if_counters *out)
{
	struct mgm_if_stats *per_cpu;
	struct mgm_if_val v;
	int i, err = 0;

	err = if_read(dp, ifindex, &v);
	if (err)
		return err;
	per_cpu = calloc(dp->ncpus, sizeof(*per_cpu));
	if (!per_cpu)
		return -ENOMEM;
	if (bpf_map_lookup_elem(dp->fd_if_stats, &v.stats, per_cpu)) {
		err = -errno;
		goto out;
	}
	memset(out, 0, sizeof(*out));
	for (i = 0; i < dp->ncpus; i++) {
		out->out_packets += per_cpu[i].out_packets;
		out->out_bytes += per_cpu[i].out_bytes;
		out->ttl_too_low += per_cpu[i].ttl_too_low;
		out->discards += per_cpu[i].discards;
		out->frag_needed += per_cpu[i].frag_needed;
	}
out:
	free(per_cpu);
	return err;
}

static int adopt_one(struct mgm_dp *dp, uint32_t ifindex,
		     const struct mgm_if_val *v)
{
	struct dp_ifc *c;

	if (!(v->flags & MGM_IF_F_VALID) || v->stats >= dp->if_max)
		return 0;
	c = calloc(1, sizeof(*c));
	if (!c)
		return -ENOMEM;
	c->ifindex = ifindex;
	c->stats = v->stats;
	c->mtu = v->mtu;
	c->ttl_threshold = v->ttl_threshold;
	c->flags = v->flags & ~(MGM_IF_F_VALID | MGM_IF_F_TX_TC);
	/* How copies reach it stays as the map says until a refresh. */
	c->caps.servable = true;
	c->caps.tx = v->flags & MGM_IF_F_TX_TC ? MGM_DP_TX_TC : MGM_DP_TX_XDP;
	snprintf(c->caps.why, sizeof(c->caps.why), "adopted from the maps");
	memcpy(c->mac, v->mac, 6);
	dp->if_slot_used[v->stats] = 1;
	c->next = dp->ifcs[if_bucket(ifindex)];
	dp->ifcs[if_bucket(ifindex)] = c;
	return 0;
}

/* Rebuild the interface table from the maps (adoption after a restart). */
int dp_if_adopt(struct mgm_dp *dp)
{
	uint32_t key, next, *prev = NULL, i;
	struct mgm_if_val v, *direct;
	int err;

	dp->if_slot_used = calloc(dp->if_max, 1);
	direct = calloc(MGM_IF_DIRECT, sizeof(*direct));
	if (!dp->if_slot_used || !direct) {
		free(direct);
		return -ENOMEM;
	}
	err = dp_array_read(dp->fd_ifs_direct, 0, MGM_IF_DIRECT,
			    sizeof(*direct), direct);
	for (i = 1; i < MGM_IF_DIRECT && !err; i++)
		err = adopt_one(dp, i, &direct[i]);
	free(direct);
	while (!err && !bpf_map_get_next_key(dp->fd_ifs, prev, &next)) {
		key = next;
		prev = &key;
		if (!bpf_map_lookup_elem(dp->fd_ifs, &key, &v)) {
			v.flags |= MGM_IF_F_VALID;
			err = adopt_one(dp, key, &v);
		}
	}
	return err;
}

int mgm_dp_if_tx(struct mgm_dp *dp, uint32_t ifindex)
{
	struct mgm_if_val v;
	int err = if_read(dp, ifindex, &v);

	if (err)
		return err;
	return v.flags & MGM_IF_F_TX_TC ? MGM_DP_TX_TC : MGM_DP_TX_XDP;
}

void dp_if_free_all(struct mgm_dp *dp)
{
	struct dp_ifc *c, *n;
	unsigned int i;

	for (i = 0; i < DP_IF_HASH; i++)
		for (c = dp->ifcs[i]; c; c = n) {
			n = c->next;
			free(c);
		}
	free(dp->if_slot_used);
}
