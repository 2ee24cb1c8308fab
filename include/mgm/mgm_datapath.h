/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * mgm_datapath.h - what the MGM core needs from a forwarding plane.
 *
 * The MGM core never touches BPF maps.  It drives a datapath through this
 * table of operations: the XDP fast path (user/dp/, via mgm_dp_bpf_ops()),
 * or an in-memory fake in the unit tests.  All functions return 0 or a
 * negative errno.  Addresses are struct mgm_addr of either family, the
 * two of one call of one family; a datapath without IPv6 returns
 * -EAFNOSUPPORT for IPv6 ones.
 */
#ifndef MGM_MGM_DATAPATH_H
#define MGM_MGM_DATAPATH_H

#include <stdbool.h>
#include <stdint.h>

#include "mgm/mgm.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Most outgoing interfaces one MFE can have in the fast path. */
#define MGM_DP_MAX_OIFS 64U

/*
 * What a datapath reports about traffic, in the core's own terms: the
 * fast path's ring-buffer record (struct mgm_event in mgm_fwd.h, a BPF
 * ABI) is translated by the datapath layer, so that its layout does not
 * reach the core.
 */
enum mgm_dp_event_type {
	MGM_DP_EV_MISS = 1, /* first packets of an (S,G) without an MFE */
	MGM_DP_EV_WRONG_IF =
		2, /* (S,G) data on another interface than its iif */
};

#define MGM_DP_EVENT_HDR_MAX 64U

struct mgm_dp_event {
	uint32_t type; /* enum mgm_dp_event_type */
	uint32_t ifindex; /* interface the packet arrived on */
	struct mgm_addr source; /* either family; both of one */
	struct mgm_addr group;
	uint64_t ts_ns; /* CLOCK_MONOTONIC(_COARSE) */
	uint16_t hdr_len; /* bytes valid in hdr[] */
	uint16_t ip_len; /* the packet's length from its IP header on */
	uint8_t hdr[MGM_DP_EVENT_HDR_MAX]; /* IP header, options, payload */
};

struct mgm_dp_mfe_counters {
	uint64_t packets; /* all packets that matched (S,G) */
	uint64_t bytes;
	uint64_t wrong_if; /* arrived on another interface than the iif */
	uint64_t ttl_expired; /* TTL <= 1 */
	uint64_t negative; /* dropped by a negative entry */
	uint64_t too_big; /* larger than the out-set's smallest MTU (tc path) */
	uint64_t last_used_ns; /* now_ns() clock; 0 = never used */
	uint64_t kernel_passes; /* keepalive packets left to the kernel */
};

struct mgm_dp_if_counters {
	uint64_t out_packets;
	uint64_t out_bytes;
	uint64_t ttl_too_low;
	uint64_t discards;
	uint64_t frag_needed; /* larger than the interface's MTU (dropped) */
};

typedef void (*mgm_dp_event_cb)(void *cb_ctx, const struct mgm_dp_event *ev);

struct mgm_datapath_ops {
	/*
	 * Install or replace the MFE of (source, group).  n_oifs == 0
	 * installs a negative entry (matching packets are dropped).  A
	 * replace is atomic for packets: each one sees the old or the new
	 * entry, never a mix.  Installing what the entry already holds is a
	 * no-op.  -ENOSPC when a table is full (nothing changed).
	 */
	int (*mfe_install)(void *dp, const struct mgm_addr *source,
			   const struct mgm_addr *group, uint32_t iif,
			   const uint32_t *oifs, uint32_t n_oifs);
	/* Delete the MFE; -ENOENT if there is none. */
	int (*mfe_delete)(void *dp, const struct mgm_addr *source,
			  const struct mgm_addr *group);
	int (*mfe_counters)(void *dp, const struct mgm_addr *source,
			    const struct mgm_addr *group,
			    struct mgm_dp_mfe_counters *out);
	int (*if_counters)(void *dp, uint32_t ifindex,
			   struct mgm_dp_if_counters *out);
	/*
	 * Drop (disabled = true) or again allow every copy toward ifindex,
	 * whatever out-set it is in.  Takes effect for the next packet.
	 */
	int (*if_tx_disable)(void *dp, uint32_t ifindex, bool disabled);
	/*
	 * Optional.  Take ifindex out of every out-set in place, without
	 * touching the MFEs that use them (one change per set, not per MFE):
	 * each packet still sees a set with or without it, never a mix.
	 * The MGM core calls it when an interface is released, before it
	 * rewrites the MFEs; installs that then ask for what an entry
	 * already holds cost nothing.
	 */
	int (*if_release)(void *dp, uint32_t ifindex);
	/*
	 * Barrier: returns once no packet that might have seen the state
	 * before this call is still being processed.  After mfe_install /
	 * mfe_delete / if_tx_disable calls followed by sync(), the old
	 * state is gone from the wire.
	 */
	int (*sync)(void *dp);
	/* A pollable fd, readable when events are pending (or -1). */
	int (*event_fd)(void *dp);
	/* Deliver every pending event to cb; returns the number delivered. */
	int (*event_poll)(void *dp, mgm_dp_event_cb cb, void *cb_ctx);
	/*
	 * The route toward source for group's traffic (the RPF route, from
	 * the multicast view of the routing table): out->ifindex = 0 when
	 * there is none.  The XDP datapath asks the kernel's unicast routes;
	 * mgmd puts its static multicast routes in front of them.
	 */
	int (*rpf_lookup)(void *dp, const struct mgm_addr *source,
			  const struct mgm_addr *group,
			  struct mgm_route_info_x *out);
	/* Monotonic clock, ns; the clock of last_used_ns. */
	uint64_t (*now_ns)(void *dp);
};

#ifdef __cplusplus
}
#endif
#endif /* MGM_MGM_DATAPATH_H */
