/* SPDX-License-Identifier: GPL-2.0 */
/*
 * dp.h - the userspace datapath layer: the only code that touches the fast
 * path's BPF maps.
 *
 * It loads bpf/mgm_fwd.bpf.c, creates and pins its maps under a pin root
 * (or adopts maps already pinned there, e.g. after a restart), attaches and
 * detaches the XDP program per interface, installs, replaces and deletes
 * MFEs, reads counters and delivers fast-path events through a pollable fd.
 *
 * Out-sets (devmaps) come from a pool created once; MFEs with equal sets
 * share one pool slot (reference counted).  A set is never changed while an
 * MFE uses it: a new set is filled in a free slot and the MFE value is
 * replaced in one update, so each packet sees the old or the new set.  Slots
 * freed by deletes are reused only after a grace period (see mgm_dp_sync()).
 *
 * All functions return 0 or a negative errno unless stated otherwise.
 * Addresses are IPv4 in network byte order; the mgm_dp_mfe6_* functions
 * take IPv6 ones (struct in6_addr).  Not thread-safe: one owner
 * (the MGM core, or a tool) calls it.
 */
#ifndef MGM_DP_H
#define MGM_DP_H

#include <netinet/in.h>
#include <stdbool.h>
#include <stdint.h>

#include "mgm_fwd.h"
#include "mgm/mgm_datapath.h"

struct mgm_dp;

struct mgm_dp_opts {
	const char *pin_root; /* NULL: MGM_PIN_ROOT_DEFAULT */
	/*
	 * Capacities used when the maps are created (0: the object's
	 * defaults).  Maps already pinned keep their sizes.
	 */
	uint32_t mfe_max; /* IPv4 and IPv6 entries each (stats: shared) */
	uint32_t oset_max;
	/* Fast-path configuration (0: defaults, see struct mgm_config). */
	uint32_t events_per_sec;
	uint32_t miss_retry_ms;
	uint32_t wrong_if_ms;
	uint32_t keepalive_ms;
	/*
	 * Only open maps that are already pinned, read-only use (counters,
	 * listing); no program is loaded, nothing is created.  Maps of
	 * another ABI (mgm_config.abi_version) are refused (-EPROTO).
	 */
	bool readonly;
	/*
	 * With readonly: open only what tells our programs from others'
	 * (mgm_dp_detach(), mgm_dp_is_attached()), whatever the ABI of the
	 * maps, so that the forwarders of an older layout can be detached
	 * before an upgrade (unpin).  Nothing else of dp may be used.
	 */
	bool identify_only;
	/*
	 * Also link the maps where `ip link set dev IF xdp obj mgm_fwd.bpf.o`
	 * and tc look for pinned maps (/sys/fs/bpf/xdp/globals and
	 * /sys/fs/bpf/tc/globals, whether xdp is iproute2's link to tc or a
	 * directory libxdp made), so that programs attached by iproute2
	 * share them.  The open fails (-EEXIST) if an entry of a map's name
	 * there is not ours: such a program would run with other maps.
	 */
	bool iproute2_links;
	/*
	 * Load the forwarders (the XDP program and the tc ones, the largest
	 * for the verifier) only when an interface is attached: a command
	 * that changes entries or reads state then costs no verification of
	 * them.  Their fds (mgm_dp_prog_fd() and the like) are -1 until an
	 * attach loads them.
	 */
	bool lazy_forwarders;
};

/* Open (create, pin or adopt) the datapath. */
int mgm_dp_open(const struct mgm_dp_opts *opts, struct mgm_dp **out);
/* Close it; pinned maps and attached programs stay (forwarding goes on). */
void mgm_dp_close(struct mgm_dp *dp);
/*
 * Remove the pins under pin_root, the iproute2 links pointing into it and
 * the directories and links made for them (only those, and only if empty).
 * Attached programs keep their maps until detached.
 */
int mgm_dp_unpin(const char *pin_root);

const char *mgm_dp_pin_root(const struct mgm_dp *dp);
/* Capacities of the opened maps. */
uint32_t mgm_dp_mfe_max(const struct mgm_dp *dp);
uint32_t mgm_dp_oset_max(const struct mgm_dp *dp);

enum mgm_dp_xdp_mode {
	/* native if the driver supports it, else generic, else tc */
	MGM_DP_XDP_AUTO,
	MGM_DP_XDP_NATIVE,
	MGM_DP_XDP_SKB,
	/* no XDP: the tc forwarder (mgm_tc_fwd) on clsact ingress */
	MGM_DP_TC_ONLY,
};

/*
 * Attach the forwarder to an interface.  -EEXIST if another XDP program
 * is attached there (it is left alone); 0 if ours already is.  With XDP
 * comes mgm_tc_xmit on the interface's clsact ingress (the tc path of
 * out-sets XDP cannot reach entirely, see mgm_fwd.bpf.c).
 * -EOPNOTSUPP for an interface the fast path cannot serve at all (not
 * Ethernet: see mgm_dp_if_probe()).
 */
int mgm_dp_attach(struct mgm_dp *dp, uint32_t ifindex,
		  enum mgm_dp_xdp_mode mode);
/*
 * Detach our forwarder.  Never touches another program: -EBUSY if the
 * interface runs someone else's, -ENOENT if it runs none.  Works without
 * an open datapath (dp may be NULL), e.g. from a CLI.
 */
int mgm_dp_detach(struct mgm_dp *dp, uint32_t ifindex);
/* 1 if our forwarder is attached to ifindex, 0 if not, < 0 on error. */
int mgm_dp_is_attached(uint32_t ifindex);

/* How an interface receives: which of our programs sees its packets. */
enum mgm_dp_rx {
	MGM_DP_RX_NONE,
	MGM_DP_RX_XDP_NATIVE,
	MGM_DP_RX_XDP_GENERIC,
	MGM_DP_RX_TC,
};

/* How copies reach an interface. */
enum mgm_dp_tx {
	MGM_DP_TX_XDP, /* devmap broadcast (the driver has ndo_xdp_xmit) */
	MGM_DP_TX_TC, /* bpf_clone_redirect from the tc path */
};

/* What the kernel says about an interface, and what we make of it. */
struct mgm_dp_if_caps {
	bool servable; /* false: refused, why says so */
	enum mgm_dp_tx tx;
	bool from_kernel; /* the netdev family answered (else tx is TC) */
	uint64_t xdp_features; /* NETDEV_XDP_ACT_* as reported */
	uint32_t mtu;
	char why[128]; /* one line: how tx was chosen, or the refusal */
};

/*
 * Ask the kernel (generic netlink family "netdev", xdp-features) whether
 * copies can reach ifindex by XDP redirect.  Where the family is missing
 * (kernels before 6.3, or "netdev-genl" in MGM_NO_FEATURES) the answer
 * is the tc path, which reaches any device.  Not-Ethernet devices are
 * not servable (the fast path reads Ethernet frames).  0 or -errno (the
 * interface does not exist).
 */
int mgm_dp_if_probe(uint32_t ifindex, struct mgm_dp_if_caps *out);
/* Which of our programs receive on ifindex (also without a dp). */
enum mgm_dp_rx mgm_dp_if_rx(uint32_t ifindex);
const char *mgm_dp_rx_name(enum mgm_dp_rx rx); /* "xdp-native", ... */
const char *mgm_dp_tx_name(enum mgm_dp_tx tx); /* "xdp", "tc" */
/*
 * How copies reach ifindex as the fast path holds it now (its entry in
 * the interface map): MGM_DP_TX_XDP or MGM_DP_TX_TC; -ENOENT if it is not
 * an egress interface.
 */
int mgm_dp_if_tx(struct mgm_dp *dp, uint32_t ifindex);

/*
 * Interfaces that copies go out of.  MAC and MTU are read from the
 * kernel.  ttl_threshold: a copy goes out only if the TTL the packet
 * arrived with is above it (ipmr semantics; 0 or 1 = no extra limit).
 * Interfaces named in an out-set are added implicitly with threshold 1.
 */
int mgm_dp_if_set(struct mgm_dp *dp, uint32_t ifindex, uint8_t ttl_threshold);
/* Re-read MAC, MTU and how copies reach it (mgm_dp_if_probe), e.g. after
 * the kernel reports a change; adds the interface (threshold 1) if it is
 * not known yet.  Out-sets holding it follow (MTU, xdp/tc member). */
int mgm_dp_if_refresh(struct mgm_dp *dp, uint32_t ifindex);
int mgm_dp_if_del(struct mgm_dp *dp, uint32_t ifindex);
int mgm_dp_if_tx_disable(struct mgm_dp *dp, uint32_t ifindex, bool disabled);
int mgm_dp_if_counters(struct mgm_dp *dp, uint32_t ifindex,
		       struct mgm_dp_if_counters *out);

/*
 * Install or replace the MFE of (source, group): iif, and oifs[n] (the iif
 * is never an oif; duplicates are ignored; n == 0 installs a negative
 * entry).  -ENOSPC if the MFE table, the stats or the out-set pool is
 * full, -E2BIG if n exceeds MGM_OSET_MAX_OIFS, -ENODEV for an unknown
 * interface; nothing changes on error.
 */
int mgm_dp_mfe_install(struct mgm_dp *dp, uint32_t source, uint32_t group,
		       uint32_t iif, const uint32_t *oifs, uint32_t n);
/*
 * The same with entry flags (MGM_MFE_F_KERNEL_KEEPALIVE, the only one a
 * caller sets; -EINVAL for others): one value update, so an entry never
 * forwards without the flags it is installed with.  An install with other
 * flags than the entry has is a change, not a no-op.
 */
int mgm_dp_mfe_install_flags(struct mgm_dp *dp, uint32_t source, uint32_t group,
			     uint32_t iif, const uint32_t *oifs, uint32_t n,
			     uint16_t flags);
int mgm_dp_mfe_delete(struct mgm_dp *dp, uint32_t source, uint32_t group);
int mgm_dp_mfe_counters(struct mgm_dp *dp, uint32_t source, uint32_t group,
			struct mgm_dp_mfe_counters *out);

/* One MFE as the fast path holds it (for listings). */
struct mgm_dp_mfe_info {
	uint32_t source, group, iif;
	bool negative;
	uint16_t flags; /* MGM_MFE_F_* as in the map */
	uint32_t n_oifs;
	uint32_t oifs[MGM_OSET_MAX_OIFS];
	uint32_t oset_slot;
	struct mgm_dp_mfe_counters counters;
};
/* Calls fn for every MFE in the fast path (table order, then the
 * overflow hash); stops on non-0. */
int mgm_dp_mfe_foreach(struct mgm_dp *dp,
		       int (*fn)(void *arg, const struct mgm_dp_mfe_info *),
		       void *arg);
uint32_t mgm_dp_mfe_count(struct mgm_dp *dp);
uint32_t mgm_dp_oset_count(struct mgm_dp *dp); /* slots in use */

/*
 * IPv6 entries (groups in ff00::/8), in their own map (mgm_mfe6) but over
 * the same out-set pool, interfaces and per-entry stats slots as IPv4
 * ones: the mgm_dp_mfe_* rules above hold word for word (negative with
 * n == 0, in-place replace keeping the counters, delete by dead mark and
 * removal after a grace period, -ENOSPC, -E2BIG, -ENODEV).  Exact (S,G)
 * only, like IPv4: the all-zero source is a key like any other, not a
 * wildcard.  The stats slots are shared: mfe_max entries of both
 * families together at most.  mgm_dp_release_if(), the MTU and tc
 * changes of interfaces cover IPv6 entries too.
 */
int mgm_dp_mfe6_install(struct mgm_dp *dp, const struct in6_addr *source,
			const struct in6_addr *group, uint32_t iif,
			const uint32_t *oifs, uint32_t n);
int mgm_dp_mfe6_install_flags(struct mgm_dp *dp, const struct in6_addr *source,
			      const struct in6_addr *group, uint32_t iif,
			      const uint32_t *oifs, uint32_t n, uint16_t flags);
int mgm_dp_mfe6_delete(struct mgm_dp *dp, const struct in6_addr *source,
		       const struct in6_addr *group);
int mgm_dp_mfe6_counters(struct mgm_dp *dp, const struct in6_addr *source,
			 const struct in6_addr *group,
			 struct mgm_dp_mfe_counters *out);

struct mgm_dp_mfe6_info {
	struct in6_addr source, group;
	uint32_t iif;
	bool negative;
	uint16_t flags; /* MGM_MFE_F_* as in the map */
	uint32_t n_oifs;
	uint32_t oifs[MGM_OSET_MAX_OIFS];
	uint32_t oset_slot;
	struct mgm_dp_mfe_counters counters;
};
/* Calls fn for every IPv6 MFE in the fast path; stops on non-0. */
int mgm_dp_mfe6_foreach(struct mgm_dp *dp,
			int (*fn)(void *arg, const struct mgm_dp_mfe6_info *),
			void *arg);
uint32_t mgm_dp_mfe6_count(struct mgm_dp *dp);
uint32_t mgm_dp_mfe6_max(const struct mgm_dp *dp);

/* Global counters, summed over CPUs. */
int mgm_dp_counters(struct mgm_dp *dp, struct mgm_counters *out);

/*
 * Barrier: returns once every packet that may have seen the maps as they
 * were before the call has left the fast path (one RCU grace period,
 * obtained from a map-of-maps update).  Also makes slots freed before the
 * call reusable.
 */
int mgm_dp_sync(struct mgm_dp *dp);
/*
 * Remove an interface from all forwarding state: delete every MFE whose
 * iif it is, take it out of every out-set (MFEs left without oifs become
 * negative), then sync.  Copies toward it are dropped from the first
 * moment.  When this returns no packet is forwarded from or to ifindex,
 * and packets of other interfaces were never disturbed.
 * Returns the number of MFEs changed or deleted.
 */
int mgm_dp_release_if(struct mgm_dp *dp, uint32_t ifindex);
/*
 * Take ifindex out of every out-set in place (MFEs keep their sets; a set
 * left empty forwards nothing).  Returns the number of sets changed.
 */
int mgm_dp_if_unlink(struct mgm_dp *dp, uint32_t ifindex);
/* Periodic housekeeping: reclaims freed slots now and then. */
void mgm_dp_maintain(struct mgm_dp *dp);

/* Change the fast path's event limits at run time (0: default). */
int mgm_dp_set_config(struct mgm_dp *dp, uint32_t events_per_sec,
		      uint32_t miss_retry_ms, uint32_t wrong_if_ms);
/* The interval of MGM_MFE_F_KERNEL_KEEPALIVE entries (0: 1000 ms). */
int mgm_dp_set_keepalive(struct mgm_dp *dp, uint32_t keepalive_ms);
/* The loaded forwarder and egress programs (tests, benchmarks). */
int mgm_dp_prog_fd(const struct mgm_dp *dp);
int mgm_dp_egress_prog_fd(const struct mgm_dp *dp);
/* The tc programs: the copies of marked packets, the tc-only forwarder. */
int mgm_dp_tc_xmit_prog_fd(const struct mgm_dp *dp);
int mgm_dp_tc_fwd_prog_fd(const struct mgm_dp *dp);

/* Fast-path events (struct mgm_dp_event): a pollable fd and a drain. */
int mgm_dp_event_fd(struct mgm_dp *dp);
int mgm_dp_event_poll(struct mgm_dp *dp, mgm_dp_event_cb cb, void *cb_ctx);

/* The clock of the fast path's last-used times (CLOCK_MONOTONIC_COARSE). */
uint64_t mgm_dp_now_ns(void);

/*
 * The unicast route toward source from the kernel (RTM_GETROUTE with
 * RTM_F_FIB_MATCH), either family: out->ifindex 0 if there is none.
 */
int mgm_dp_rpf_lookup_x(const struct mgm_addr *source,
			struct mgm_route_info_x *out);

/*
 * Optional kernel features (dp_probe.c).  mgm_feature_probe() returns 1 if
 * the feature is there, 0 if not (why then says so in words fit for a log
 * or a SKIP line), < 0 on a bad argument.  A name listed in the environment
 * variable MGM_NO_FEATURES (commas or spaces between names) counts as
 * absent, so the paths taken without a feature can be run anywhere.
 */
enum mgm_feature {
	MGM_FEAT_IPMR, /* IPv4 multicast routing, "ipmr" */
	MGM_FEAT_IP6MR, /* IPv6 multicast routing, "ip6mr" */
	MGM_FEAT__N
};
int mgm_feature_probe(enum mgm_feature f, char *why, size_t len);
const char *mgm_feature_name(enum mgm_feature f);
int mgm_feature_by_name(const char *name); /* -ENOENT if unknown */
/* Is name listed in MGM_NO_FEATURES? (Also for features probed elsewhere.) */
bool mgm_feature_disabled(const char *name);

/* The MGM datapath operations backed by this layer; pass dp as ctx. */
const struct mgm_datapath_ops *mgm_dp_ops(void);

#endif /* MGM_DP_H */
