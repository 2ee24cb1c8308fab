// SPDX-License-Identifier: GPL-2.0
/*
 * mgm_mfe_get.c - reading MFEs: MgmGetMfe, MgmGetFirst/NextMfe, their
 * statistics variants, MgmSetMfe, and the Linux extension
 * mgm_delete_mfe().
 *
 * Buffer contract (mgm-api.md section 3): records are variable-sized
 * (MGM_SIZEOF_MFE(n) etc.), as many as fit are returned; none fitting is
 * ERROR_INSUFFICIENT_BUFFER with *buffer_size set to the size of that
 * first record (the only case *buffer_size is written); ERROR_MORE_DATA
 * when records remain after the buffer; ERROR_NO_MORE_ITEMS when the end
 * was reached, even if this call returned records.
 */
#include <string.h>

#include "mgm_int.h"

enum rec_kind {
	REC_MFE,
	REC_STATS, /* MGM_MFE_STATS_0 */
	REC_STATS_EX, /* MGM_MFE_STATS_1 */
	REC_X, /* struct mgm_mfe_x, either family */
};

static uint32_t rec_size(enum rec_kind k, uint32_t n)
{
	switch (k) {
	case REC_MFE:
		return MGM_SIZEOF_MFE(n);
	case REC_STATS:
		return MGM_SIZEOF_MFE_STATS(n);
	case REC_STATS_EX:
		break;
	case REC_X:
		return (MGM_SIZEOF_MFE_X(n) + 7U) & ~7U;
	}
	return MGM_SIZEOF_MFE_STATS_EX(n);
}

static uint32_t trunc32(uint64_t v)
{
	return (uint32_t)v;
}

/*
 * Write one record at buf (any alignment: the caller's buffer is bytes,
 * so fields are assembled on the stack and copied).
 */
static void rec_fill(struct mgm *m, const struct mfe *e, enum rec_kind k,
		     uint8_t *buf, uint64_t now)
{
	const struct if_id *v = e->cap_oifs ? e->o.ext : e->o.inl;
	struct mgm_dp_mfe_counters c = { 0 };
	struct mgm_ipmcast_mfe_stats_ex x = { 0 };
	uint64_t last, idle, tmo = (uint64_t)e->timeout * NS_PER_SEC, fwd;
	uint32_t i, uptime, expiry, plen, rproto;
	struct mgm_addr up, net;

	mfe_dp_counters(m, e, &c);
	mfe_route_record(e, &up, &net, &plen, &rproto);
	last = c.last_used_ns > e->created_ns ? c.last_used_ns : e->created_ns;
	idle = now > last ? now - last : 0;
	uptime = now > e->created_ns ?
			 trunc32((now - e->created_ns) / NS_PER_SEC) :
			 0;
	/*
	 * 0 means "does not age" (mgm.h, and MGM's MFE_STATS pages), so an
	 * ageing MFE reads at least 1, also in its last second or when due
	 * and not yet scanned.
	 */
	expiry = idle < tmo ? trunc32((tmo - idle) / NS_PER_SEC) : 0;
	if (e->timeout && !expiry)
		expiry = 1;

	if (k == REC_MFE) {
		struct mgm_ipmcast_mfe r = {
			.group = e->grp[0],
			.source = e->src[0],
			.source_mask = MASK_ALL,
			.upstream = up.v4,
			.in_ifindex = e->iif,
			.in_if_protocol = e->in_if_protocol,
			.route_protocol = rproto,
			.route_network = net.v4,
			.route_mask = mask_of_plen(plen),
			.uptime = uptime,
			.expiry = expiry,
			.timeout = e->timeout,
			.num_oifs = e->n_oifs,
		};

		memcpy(buf, &r, sizeof(r));
		buf += sizeof(r);
		for (i = 0; i < e->n_oifs; i++) {
			struct mgm_ipmcast_oif o = {
				.out_ifindex = v[i].ifindex,
				.nexthop = v[i].nexthop,
			};

			memcpy(buf, &o, sizeof(o));
			buf += sizeof(o);
		}
		return;
	}

	/* What the fast path forwarded: everything it did not drop or pass. */
	fwd = c.packets;
	fwd = fwd > c.wrong_if ? fwd - c.wrong_if : 0;
	fwd = fwd > c.ttl_expired ? fwd - c.ttl_expired : 0;
	fwd = fwd > c.negative ? fwd - c.negative : 0;
	/* (too_big packets are forwarded too: through the tc path, where a
	 * copy that does not fit its interface's MTU is dropped and counted
	 * as that interface's frag_needed.) */

	if (k == REC_X) {
		struct mgm_mfe_x r = {
			.source = mfe_source(e),
			.group = mfe_group(e),
			.upstream = up,
			.route_network = net,
			.route_prefix_len = plen,
			.in_ifindex = e->iif,
			.in_if_protocol = e->in_if_protocol,
			.route_protocol = rproto,
			.uptime = uptime,
			.expiry = expiry,
			.timeout = e->timeout,
			.num_oifs = e->n_oifs,
			.in_packets = c.packets,
			.in_octets = c.bytes,
			.pkts_different_if = c.wrong_if,
			.negative_mfe = c.negative,
			.in_discards = c.negative,
			.in_hdr_errors = c.ttl_expired,
			.total_out_packets = fwd * e->n_oifs,
		};

		memcpy(buf, &r, sizeof(r));
		buf += sizeof(r);
		goto oifs;
	}
	x.group = e->grp[0];
	x.source = e->src[0];
	x.source_mask = MASK_ALL;
	x.upstream = up.v4;
	x.in_ifindex = e->iif;
	x.in_if_protocol = e->in_if_protocol;
	x.route_protocol = rproto;
	x.route_network = net.v4;
	x.route_mask = mask_of_plen(plen);
	x.uptime = uptime;
	x.expiry = expiry;
	x.num_oifs = e->n_oifs;
	x.in_packets = trunc32(c.packets);
	x.in_octets = trunc32(c.bytes);
	x.pkts_different_if = trunc32(c.wrong_if);
	x.queue_overflow = 0; /* the fast path has no queue */
	x.uninit_mfe = 0; /* no uninitialised MFEs: misses are events */
	x.negative_mfe = trunc32(c.negative);
	x.in_discards = trunc32(c.negative);
	x.in_hdr_errors = trunc32(c.ttl_expired);
	x.total_out_packets = trunc32(fwd * e->n_oifs);
	/* The common prefix is laid out identically in both structs. */
	if (k == REC_STATS) {
		memcpy(buf, &x, sizeof(struct mgm_ipmcast_mfe_stats));
		buf += sizeof(struct mgm_ipmcast_mfe_stats);
	} else {
		memcpy(buf, &x, sizeof(x));
		buf += sizeof(x);
	}
oifs:
	/*
	 * The fast path counts per MFE and per interface, not per
	 * (S,G,oif): every oif of an MFE gets the MFE's forwarded count;
	 * TTL-threshold drops, copies too big for the interface's MTU
	 * (frag_needed) and egress drops are per interface only (dp
	 * if_counters, mgmctl show interfaces), so they read 0 here.
	 */
	for (i = 0; i < e->n_oifs; i++) {
		struct mgm_ipmcast_oif_stats o = {
			.out_ifindex = v[i].ifindex,
			.nexthop = v[i].nexthop,
			.out_packets = trunc32(fwd),
		};

		memcpy(buf, &o, sizeof(o));
		buf += sizeof(o);
	}
}

static uint32_t get_one(struct mgm *m, const struct mgm_addr *source,
			const struct mgm_addr *group, uint32_t *buffer_size,
			uint8_t *buffer, enum rec_kind k)
{
	struct cbq q = { 0 };
	struct mfe *e;
	uint32_t ret = MGM_NO_ERROR, sz;

	if (!m || !source || !group || !buffer_size)
		return MGM_ERROR_INVALID_PARAMETER;
	mgm_lock(m, &q);
	e = mfe_find(m, source, group);
	if (!e) {
		ret = MGM_ERROR_NOT_FOUND;
		goto out;
	}
	sz = rec_size(k, e->n_oifs);
	if (*buffer_size < sz) {
		*buffer_size = sz;
		ret = MGM_ERROR_INSUFFICIENT_BUFFER;
	} else if (!buffer) {
		ret = MGM_ERROR_INVALID_PARAMETER;
	} else {
		rec_fill(m, e, k, buffer, mgm_now(m));
	}
out:
	mgm_unlock(m);
	return ret;
}

/*
 * GetFirst (start NULL) and GetNext: records strictly after start.  MGM's
 * records (every kind but REC_X) are IPv4's: the enumeration ends where
 * the IPv6 MFEs start.
 */
static uint32_t get_many(struct mgm *m, const struct sgref *start, bool next,
			 uint32_t *buffer_size, uint8_t *buffer,
			 uint32_t *num_entries, enum rec_kind k)
{
	struct cbq q = { 0 };
	struct avl_node *n;
	uint32_t used = 0, cnt = 0, sz = 0, ret;
	uint64_t now;

	if (!m || !buffer_size || !num_entries || (next && !start) ||
	    (!buffer && *buffer_size))
		return MGM_ERROR_INVALID_PARAMETER;
	mgm_lock(m, &q);
	/* The start key need not exist any more: an upper bound does. */
	n = next ? avl_upper_bound(&m->mfe_tree, start) :
		   avl_first(&m->mfe_tree);
	now = mgm_now(m);
	for (; n; n = avl_next(&m->mfe_tree, n)) {
		struct mfe *e = container_of(n, struct mfe, an);

		if (k != REC_X && e->family != MGM_AF_INET) {
			n = NULL;
			break;
		}
		sz = rec_size(k, e->n_oifs);
		if (sz > *buffer_size - used)
			break;
		rec_fill(m, e, k, buffer + used, now);
		used += sz;
		cnt++;
	}
	if (!n) {
		ret = MGM_ERROR_NO_MORE_ITEMS;
	} else if (cnt) {
		ret = MGM_ERROR_MORE_DATA;
	} else {
		*buffer_size = sz;
		ret = MGM_ERROR_INSUFFICIENT_BUFFER;
	}
	*num_entries = cnt;
	mgm_unlock(m);
	return ret;
}

static bool stats_kind(uint32_t flags, enum rec_kind *k)
{
	if (flags == MGM_MFE_STATS_0)
		*k = REC_STATS;
	else if (flags == MGM_MFE_STATS_1)
		*k = REC_STATS_EX;
	else
		return false;
	return true;
}

/* get_one() keyed by an IPv4 MIB record. */
static uint32_t get_one4(struct mgm *m, const struct mgm_ipmcast_mfe *key,
			 uint32_t *buffer_size, uint8_t *buffer,
			 enum rec_kind k)
{
	struct mgm_addr s, g;

	if (!key)
		return MGM_ERROR_INVALID_PARAMETER;
	s = mgm_addr4(key->source);
	g = mgm_addr4(key->group);
	return get_one(m, &s, &g, buffer_size, buffer, k);
}

uint32_t mgm_get_mfe(struct mgm *m, const struct mgm_ipmcast_mfe *mfe,
		     uint32_t *buffer_size, uint8_t *buffer)
{
	return get_one4(m, mfe, buffer_size, buffer, REC_MFE);
}

uint32_t mgm_get_first_mfe(struct mgm *m, uint32_t *buffer_size,
			   uint8_t *buffer, uint32_t *num_entries)
{
	return get_many(m, NULL, false, buffer_size, buffer, num_entries,
			REC_MFE);
}

uint32_t mgm_get_next_mfe(struct mgm *m, const struct mgm_ipmcast_mfe *start,
			  uint32_t *buffer_size, uint8_t *buffer,
			  uint32_t *num_entries)
{
	struct mgm_addr s = mgm_addr4(start ? start->source : 0);
	struct mgm_addr g = mgm_addr4(start ? start->group : 0);

	return get_many(m, start ? &(struct sgref){ &s, &g } : NULL, true,
			buffer_size, buffer, num_entries, REC_MFE);
}

uint32_t mgm_get_mfe_stats(struct mgm *m, const struct mgm_ipmcast_mfe *mfe,
			   uint32_t *buffer_size, uint8_t *buffer,
			   uint32_t flags)
{
	enum rec_kind k;

	if (!stats_kind(flags, &k))
		return MGM_ERROR_INVALID_PARAMETER;
	return get_one4(m, mfe, buffer_size, buffer, k);
}

uint32_t mgm_get_first_mfe_stats(struct mgm *m, uint32_t *buffer_size,
				 uint8_t *buffer, uint32_t *num_entries,
				 uint32_t flags)
{
	enum rec_kind k;

	if (!stats_kind(flags, &k))
		return MGM_ERROR_INVALID_PARAMETER;
	return get_many(m, NULL, false, buffer_size, buffer, num_entries, k);
}

uint32_t mgm_get_next_mfe_stats(struct mgm *m,
				const struct mgm_ipmcast_mfe *start,
				uint32_t *buffer_size, uint8_t *buffer,
				uint32_t *num_entries, uint32_t flags)
{
	enum rec_kind k;

	struct mgm_addr s = mgm_addr4(start ? start->source : 0);
	struct mgm_addr g = mgm_addr4(start ? start->group : 0);

	if (!stats_kind(flags, &k))
		return MGM_ERROR_INVALID_PARAMETER;
	return get_many(m, start ? &(struct sgref){ &s, &g } : NULL, true,
			buffer_size, buffer, num_entries, k);
}

uint32_t mgm_get_mfe_x(struct mgm *m, const struct mgm_addr *source,
		       const struct mgm_addr *group, uint32_t *buffer_size,
		       uint8_t *buffer)
{
	return get_one(m, source, group, buffer_size, buffer, REC_X);
}

uint32_t mgm_get_first_mfe_x(struct mgm *m, uint32_t *buffer_size,
			     uint8_t *buffer, uint32_t *num_entries)
{
	return get_many(m, NULL, false, buffer_size, buffer, num_entries,
			REC_X);
}

uint32_t mgm_get_next_mfe_x(struct mgm *m, const struct mgm_addr *source,
			    const struct mgm_addr *group, uint32_t *buffer_size,
			    uint8_t *buffer, uint32_t *num_entries)
{
	if (!source || !group)
		return MGM_ERROR_INVALID_PARAMETER;
	return get_many(m, &(struct sgref){ source, group }, true, buffer_size,
			buffer, num_entries, REC_X);
}

uint32_t mgm_set_mfe(struct mgm *m, mgm_handle_t protocol,
		     const struct mgm_ipmcast_mfe *mfe)
{
	struct cbq q = { 0 };
	struct mfe *e;
	uint32_t ret = MGM_NO_ERROR;

	if (!m || !mfe)
		return MGM_ERROR_INVALID_PARAMETER;
	mgm_lock(m, &q);
	if (!proto_get(m, protocol)) {
		ret = MGM_ERROR_INVALID_PARAMETER;
	} else {
		struct mgm_addr s = mgm_addr4(mfe->source);
		struct mgm_addr g = mgm_addr4(mfe->group);
		struct mgm_addr up = mgm_addr4(mfe->upstream), old, net;
		uint32_t plen, rproto;

		e = mfe_find(m, &s, &g);
		if (!e) {
			ret = MGM_ERROR_NOT_FOUND;
		} else {
			/* the only field it sets */
			mfe_route_record(e, &old, &net, &plen, &rproto);
			if (mfe_route_set(m, e, &up, &net, plen, rproto))
				ret = MGM_ERROR_NOT_ENOUGH_MEMORY;
		}
	}
	mgm_unlock(m);
	return ret;
}

/*
 * Under the lock: the MFE of (source, group) if protocol owns its
 * incoming interface, else NULL with *ret the MGM error (bad handle or
 * not the owner: INVALID_PARAMETER; no such MFE: NOT_FOUND).
 */
static struct mfe *owned_mfe(struct mgm *m, mgm_handle_t protocol,
			     const struct mgm_addr *source,
			     const struct mgm_addr *group, uint32_t *ret)
{
	struct proto *p = proto_get(m, protocol);
	struct mfe *e = p ? mfe_find(m, source, group) : NULL;

	if (!p ||
	    (e && owner_of(m, e->iif, e->iif_nh, addr_fambit(group)) != p))
		*ret = MGM_ERROR_INVALID_PARAMETER;
	else if (!e)
		*ret = MGM_ERROR_NOT_FOUND;
	else
		return e;
	return NULL;
}

uint32_t mgm_delete_mfe_x(struct mgm *m, mgm_handle_t protocol,
			  const struct mgm_addr *source,
			  const struct mgm_addr *group)
{
	struct cbq q = { 0 };
	struct mfe *e;
	uint32_t ret = MGM_NO_ERROR;

	if (!m || !source || !group)
		return MGM_ERROR_INVALID_PARAMETER;
	mgm_lock(m, &q);
	e = owned_mfe(m, protocol, source, group, &ret);
	if (e)
		mfe_remove(m, e); /* out of the fast path first */
	mgm_unlock(m);
	return ret;
}

uint32_t mgm_set_mfe_timeout_x(struct mgm *m, mgm_handle_t protocol,
			       const struct mgm_addr *source,
			       const struct mgm_addr *group, uint32_t timeout)
{
	struct cbq q = { 0 };
	struct mfe *e;
	uint32_t ret = MGM_NO_ERROR, serial = 0;

	if (!m || !source || !group)
		return MGM_ERROR_INVALID_PARAMETER;
	mgm_lock(m, &q);
	e = owned_mfe(m, protocol, source, group, &ret);
	if (e)
		serial = e->serial;
	mgm_unlock(m);
	/* As a prune alert's answer is applied (mgm_core.c, cb_invoke):
	 * mfe_set_timeout() takes the lock and checks the serial again. */
	if (serial)
		mfe_set_timeout(m, serial, source, group, timeout);
	return ret;
}

uint32_t mgm_delete_mfe(struct mgm *m, mgm_handle_t protocol, uint32_t source,
			uint32_t group)
{
	struct mgm_addr s = mgm_addr4(source), g = mgm_addr4(group);

	return mgm_delete_mfe_x(m, protocol, &s, &g);
}

uint32_t mgm_set_mfe_timeout(struct mgm *m, mgm_handle_t protocol,
			     uint32_t source, uint32_t group, uint32_t timeout)
{
	struct mgm_addr s = mgm_addr4(source), g = mgm_addr4(group);

	return mgm_set_mfe_timeout_x(m, protocol, &s, &g, timeout);
}
