// SPDX-License-Identifier: GPL-2.0
/*
 * dp_if.c - egress interfaces: the MAC, MTU and TTL threshold the egress
 * program applies to each copy, and per-interface counters.
 */
#include <errno.h>
#include <net/if.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <bpf/bpf.h>

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
		.flags = c->flags | MGM_IF_F_VALID,
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
	*err = if_read_kernel(ifindex, c->mac, &c->mtu);
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
	uint32_t mtu;
	int err = 0;

	if (dp->readonly)
		return -EPERM;

	if (!c)
		return dp_if_get(dp, ifindex, &err) ? 0 : err;
	mtu = c->mtu;
	err = if_read_kernel(ifindex, c->mac, &c->mtu);
	err = err ?: if_write(dp, c);
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
	c->flags = v->flags & ~MGM_IF_F_VALID;
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
	struct mgm_if_val v;
	int err = 0;

	dp->if_slot_used = calloc(dp->if_max, 1);
	if (!dp->if_slot_used)
		return -ENOMEM;
	for (i = 1; i < MGM_IF_DIRECT && !err; i++)
		if (!bpf_map_lookup_elem(dp->fd_ifs_direct, &i, &v))
			err = adopt_one(dp, i, &v);
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
