/* SPDX-License-Identifier: GPL-2.0 */
/* dp_internal.h - state shared by the files of the datapath layer. */
#ifndef MGM_DP_INTERNAL_H
#define MGM_DP_INTERNAL_H

#include <limits.h>
#include <stdint.h>

#include "dp/dp.h"
#include "dp/mfetab.h"

struct mgm_fwd; /* the skeleton, build/mgm_fwd.skel.h */
struct mnl_socket;
struct ring_buffer;

/*
 * One out-set slot of the pool.  oifs[] always mirrors what the slot's
 * devmap holds, also while the slot is free (it is cleared on reuse).
 */
struct dp_oset {
	uint32_t slot;
	uint32_t refcnt; /* MFEs using it; 0 = free or pending */
	uint32_t hash;
	uint32_t n;
	uint16_t mtu; /* smallest MTU of its interfaces */
	bool tc; /* a member only the tc path reaches (MGM_MFE_F_TC) */
	bool live; /* findable by content (in the hash) */
	struct dp_oset *next; /* content hash chain */
	uint32_t oifs[MGM_OSET_MAX_OIFS]; /* sorted */
};

/* An egress interface known to the fast path (mirrors mgm_ifs). */
struct dp_ifc {
	uint32_t ifindex;
	uint32_t stats; /* slot in mgm_if_stats */
	uint32_t mtu;
	uint8_t ttl_threshold;
	uint8_t flags;
	uint8_t mac[6];
	struct mgm_dp_if_caps caps;
	struct dp_ifc *next;
};

/*
 * What the fast path holds for one MFE, kept in userspace so that an
 * install or delete needs no lookup syscall, and an install of what an
 * entry already holds needs none at all.
 */
struct dp_mfe {
	uint64_t key; /* source << 32 | group (network order values) */
	uint32_t iif;
	uint32_t stats;
	/* IPv4: its slot in mgm_mfe_tab, or DP_AT_OVF (in the hash mgm_mfe) */
	uint32_t at;
	uint16_t slot; /* out-set slot (< MGM_OSET_LIMIT), unless negative */
	/* MGM_MFE_F_* other than NEGATIVE and TC: only KERNEL_KEEPALIVE */
	uint8_t flags;
	bool negative : 1;
	bool used : 1;
};

/* 24 bytes at a load <= 1/2: the controller's memory per MFE. */
_Static_assert(sizeof(struct dp_mfe) == 24, "dp_mfe stays 24 bytes");
_Static_assert(MGM_OSET_LIMIT - 1 <= UINT16_MAX, "out-set slot in 16 bits");

#define DP_AT_OVF MFETAB_NONE

/* Open addressing, linear probing, backward-shift deletion. */
struct dp_mfe_tab {
	struct dp_mfe *v;
	uint32_t cap; /* power of two */
	uint32_t n;
};

/*
 * An IPv6 MFE: its key, and the same bookkeeping as an IPv4 one (m.key
 * unused), so that install, delete and the out-set code handle both
 * through struct dp_mfe.
 */
struct dp_mfe6 {
	struct mgm_mfe6_key key;
	struct dp_mfe m; /* m.used: the slot is taken */
};

struct dp_mfe6_tab {
	struct dp_mfe6 *v;
	uint32_t cap; /* power of two */
	uint32_t n;
};

/* A stack of free slot numbers. */
struct dp_slots {
	uint32_t *v;
	uint32_t n, cap;
};

/* A growing array of MFE keys. */
struct dp_keys {
	struct mgm_mfe_key *v;
	uint32_t n, cap;
};

struct dp_keys6 {
	struct mgm_mfe6_key *v;
	uint32_t n, cap;
};

#define DP_IF_HASH 256

struct mgm_dp {
	char pin_root[PATH_MAX];
	bool readonly;
	struct mgm_fwd *skel; /* NULL when readonly */
	/* The forwarders loaded later, on dp's maps (lazy_forwarders). */
	struct mgm_fwd *skel_fwd;
	int ncpus;

	int fd_mfe, fd_mfe_stats, fd_osets, fd_ifs, fd_if_stats;
	int fd_counters, fd_events, fd_miss_seen, fd_config, fd_budget;
	int fd_ifs_direct, fd_oset_list;
	int fd_mfe6, fd_miss_seen6; /* IPv6 entries, their miss dedupe */
	int fd_mfe_tab; /* the IPv4 entries' table; fd_mfe its overflow */
	int fd_mfe_shared; /* per-CPU hot counters of shared entries */
	int fd_fwd_prog, fd_egress_prog, fd_tc_xmit_prog, fd_tc_fwd_prog;
	int fd_ctl_prog; /* mgm_mfe_ctl: in-place entry changes */
	int fd_ctl6_prog; /* mgm_mfe6_ctl: the same for IPv6 entries */
	uint32_t mfe_map_id, counters_map_id;

	uint32_t mfe_max, oset_max, if_max;
	uint32_t mfe6_max;
	uint32_t shared_max; /* elements of mgm_mfe_shared, a power of two */
	uint64_t gen_next; /* mgm_mfe_stats.gen of the next install */

	/* mgm_config.clock_*: jiffies (last_used) to CLOCK_MONOTONIC_COARSE */
	uint64_t clock_jiffies, clock_ns, tick_ns;
	/* mgm_mfe_tab, mapped by the owner (tab.s NULL when readonly) */
	struct mfetab tab;
	size_t tab_bytes;
	struct dp_mfe_tab mfes; /* not kept when readonly */
	struct dp_mfe6_tab mfes6;

	/* Out-set pool. */
	struct dp_oset *osets; /* [oset_max] */
	struct dp_oset **oset_hash; /* [oset_max], by content */
	struct dp_slots oset_free, oset_pending;

	/* Per-MFE stats slots. */
	struct dp_slots stats_free, stats_pending;

	/*
	 * Deleted entries: marked MGM_MFE_F_DEAD in place, removed from the
	 * map by the next mgm_dp_sync(), after its grace period.
	 */
	struct dp_keys mfe_dead; /* in the overflow hash */
	struct dp_keys6 mfe6_dead;
	struct dp_slots tab_dead; /* slots of mgm_mfe_tab */

	/* Egress interfaces. */
	struct dp_ifc *ifcs[DP_IF_HASH];
	uint8_t *if_slot_used; /* [if_max] */

	/* Private map-of-maps whose update is the RCU barrier. */
	int fd_barrier, fd_barrier_inner;

	/* netdev "mgmt" notifications (dp_if.c), NULL where not available */
	struct mnl_socket *nl_watch;
	uint16_t netdev_family;

	struct ring_buffer *rb;
	mgm_dp_event_cb ev_cb;
	void *ev_ctx;
	uint64_t last_maintain_ns;
};

/*
 * Values first .. first + n - 1 of an array map (4-byte keys) into out
 * (n values of vsize bytes): batch lookups, or one lookup per key where
 * the kernel has no batch for the map type (dp.c).  0 or -errno.
 */
int dp_array_read(int fd, uint32_t first, uint32_t n, size_t vsize, void *out);

/* dp_slots.c-like helpers (dp_mfe.c) */
int dp_slots_push(struct dp_slots *s, uint32_t slot);
void dp_slots_free(struct dp_slots *s);

/* dp_mfe.c */
int dp_pool_init(struct mgm_dp *dp);
int dp_adopt(struct mgm_dp *dp);
/* The MTU of ifindex changed: out-sets and the MFEs using them follow. */
int dp_if_mtu_changed(struct mgm_dp *dp, uint32_t ifindex);
/* ifindex became (or stopped being) a tc member: sets and MFEs follow. */
int dp_if_tx_changed(struct mgm_dp *dp, uint32_t ifindex);
void dp_pool_free(struct mgm_dp *dp);
/* A jiffies value of the fast path (last_used) as CLOCK_MONOTONIC_COARSE. */
uint64_t dp_jiffies_ns(const struct mgm_dp *dp, uint64_t j);
/* Remove the elements of deleted entries (after a grace period). */
void dp_mfe_dead_flush(struct mgm_dp *dp);
/* Zero the mgm_mfe_stats of slots[0..n), freed a grace period ago. */
void dp_stats_clear(struct mgm_dp *dp, const uint32_t *slots, uint32_t n);

/* dp_if.c */
struct dp_ifc *dp_if_find(struct mgm_dp *dp, uint32_t ifindex);
struct dp_ifc *dp_if_get(struct mgm_dp *dp, uint32_t ifindex, int *err);
int dp_if_adopt(struct mgm_dp *dp);
void dp_if_free_all(struct mgm_dp *dp);
int dp_if_watch_open(struct mgm_dp *dp);
int dp_if_watch_drain(struct mgm_dp *dp);
void dp_if_watch_close(struct mgm_dp *dp);

#endif /* MGM_DP_INTERNAL_H */
