/* SPDX-License-Identifier: GPL-2.0 */
/*
 * kmirror.h - the "kernel" protocol: the kernel's multicast routes, as
 * routing daemons (smcroute, pimd, pim6sd, igmpproxy, FRR's pimd and
 * pim6d) program them, mirrored into the XDP fast path through MGM.
 *
 * The daemon keeps its MRT_INIT (MRT6_INIT) socket and its control plane;
 * the kernel's multicast forwarding cache (MFC) stays the truth.  kmirror
 * only reads it, with rtnetlink (RTM_GETROUTE dumps of family
 * RTNL_FAMILY_IPMR and the RTNLGRP_IPV4_MROUTE notifications;
 * RTNLGRP_IPV4_NETCONF's mc_forwarding changes for VIFs, which have no
 * notification of their own), and never writes it: without mgmd the
 * daemon works exactly as before.
 *
 * Both families: ip6mr (CONFIG_IPV6_MROUTE) reports its MFC the same way
 * -- RTNL_FAMILY_IP6MR routes of the same layout with 16-byte RTA_SRC and
 * RTA_DST, RTNLGRP_IPV6_MROUTE, and RTNLGRP_IPV6_NETCONF's mc_forwarding
 * for MIFs -- and kmirror mirrors each family the host asks for
 * (kmirror_opts.families: those the kernel has).  One table of entries
 * keyed by (family, S, G), one set of interfaces: a kernel interface is
 * one MGM interface, whichever family's entries use it, and its TTL
 * threshold in the fast path is also the hop-limit threshold (ip6mr's
 * MIFs have threshold 1).  ip6mr's default table is 254 (RT6_TABLE_DFLT),
 * ipmr's 253; an explicit table number is used for both.
 *
 * Each resolved (S,G) entry the fast path can carry is mirrored as an MGM
 * client would: kmirror owns its interfaces, adds an (S,G) JOIN_STATE
 * membership on each outgoing interface, answers MGM's RPF question with
 * the kernel's parent interface and has MGM create the MFE at once
 * (mgm_adopt_mfe_x); a deleted entry, or one whose parent moved, is
 * taken out of MGM at once (mgm_delete_mfe_x).  (*,G) entries
 * (MRT_ADD_MFC_PROXY, MRT6_ADD_MFC_PROXY) are mirrored as (*,G)
 * memberships: MGM then builds one MFE per source on its first packets,
 * as the kernel matches them (only while the family's table has no (*,*)
 * entry, whose "static tree" changes which interfaces a (*,G) accepts;
 * then every (*,G) of that family stays with the kernel).
 *
 * What the fast path cannot do stays with the kernel (no XDP entry, so
 * the packets take the kernel path as before): entries whose parent VIF is
 * gone, entries without outgoing interfaces (the kernel drops, counts and
 * still delivers locally), register and tunnel VIFs (not Ethernet), an
 * outgoing interface that is also the parent, groups the fast path never
 * forwards ("link-local": 224.0.0.0/24, IPv6 scopes 0-2, IPv6 link-local
 * and loopback sources), interfaces owned by another
 * MGM protocol, or where the forwarder cannot be attached, and TTL
 * thresholds that disagree with the interface's (see below).
 *
 * TTL thresholds: the kernel keeps one per (entry, VIF); the fast path one
 * per interface (mgm_dp_if_set).  The first mirrored entry that uses an
 * interface as an outgoing one sets the interface's threshold; an entry
 * that wants another threshold on it stays with the kernel ("ttl"), and is
 * reconsidered whenever the interface's threshold is free again.  The
 * daemons set one threshold per VIF, so in practice every entry agrees.
 *
 * The datapath policy (kmirror_mfe_install() and kmirror_miss_wanted(),
 * which the host puts in front of MGM's datapath): an MFE whose incoming
 * interface kmirror owns is installed only as the kernel has it (its
 * outgoing interfaces intersected with the kernel's, with the keepalive
 * flag), and never as a negative entry: what the kernel does not route
 * through the fast path goes to the kernel, and misses there are the
 * kernel's business.  So no packet is forwarded by XDP that the kernel
 * would not forward, whatever other protocols' memberships say.
 *
 * Keepalive: mirrored entries are installed with MGM_MFE_F_KERNEL_KEEPALIVE
 * (unless turned off): one packet per entry per interval takes the kernel
 * path, so the kernel's counters and last-use time, which the daemon
 * watches (PIM's keepalive timer, smcroute's cache timeout), keep moving.
 *
 * Resync: a netlink overrun (ENOBUFS), a VIF change or kmirror_resync()
 * dumps the whole table again and brings the mirror to it: new entries
 * added, changed ones updated, those missing from the dump deleted.
 *
 * Single-threaded: the host calls every function from one thread (mgmd's
 * event loop), and MGM calls back into kmirror on that thread.
 */
#ifndef MGM_PROTO_KMIRROR_H
#define MGM_PROTO_KMIRROR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "mgm/mgm.h"
#include "proto/static.h" /* MGM_PROTO_VENDOR_LINUX */

/* Protocol ID of "kernel". */
#define MGM_PROTO_KERNEL \
	MGM_PROTOCOL_ID(MGM_PROTO_TYPE_MCAST, MGM_PROTO_VENDOR_LINUX, 2)

#define KM_MAX_OIFS 32 /* MAXVIFS */

struct km_oif {
	uint32_t ifindex;
	uint8_t ttl; /* threshold: forwarded if the packet's TTL > ttl */
};

/* One MFC entry as the kernel reports it. */
struct km_mfc {
	uint32_t table;
	/* Either family; source unspecified: (*,G) (and (*,*) if group is
	 * unspecified too). */
	struct mgm_addr source;
	struct mgm_addr group;
	uint32_t iif; /* ifindex of the parent VIF; 0: VIF gone */
	bool unresolved; /* still waiting for the daemon: not a route */
	uint32_t n_oifs;
	struct km_oif oifs[KM_MAX_OIFS];
	bool has_stats;
	uint64_t packets, bytes, wrong_if; /* RTA_MFC_STATS */
	uint64_t lastuse_ms; /* RTA_EXPIRES: time since last use */
};

/* What kmirror needs from its host (mgmd, or a test); ctx is passed. */
struct kmirror_ops {
	/* Attach the XDP forwarder to the interface: 0 or a negative errno
	 * (the interface is then not used). */
	int (*attach)(void *ctx, uint32_t ifindex);
	/* Detach what attach() attached (called on the last use). */
	void (*detach)(void *ctx, uint32_t ifindex);
	/* Set the interface's TTL threshold in the fast path. */
	int (*set_threshold)(void *ctx, uint32_t ifindex, uint8_t ttl);
	/* 1 if XDP can forward on it (an Ethernet device), 0 if not (a
	 * register or tunnel VIF, ...), negative if it does not exist. */
	int (*if_usable)(void *ctx, uint32_t ifindex);
	/* The fast path's install with entry flags, and delete. */
	int (*mfe_install)(void *ctx, const struct mgm_addr *source,
			   const struct mgm_addr *group, uint32_t iif,
			   const uint32_t *oifs, uint32_t n, uint16_t flags);
	int (*mfe_delete)(void *ctx, const struct mgm_addr *source,
			  const struct mgm_addr *group);
	/* Optional; level is a syslog LOG_* value. */
	void (*log)(void *ctx, int level, const char *msg);
	/* Optional: the clock of the fast path's event timestamps
	 * (default CLOCK_MONOTONIC_COARSE, bpf_ktime_get_coarse_ns()'s). */
	uint64_t (*now_ns)(void *ctx);
	void *ctx;
};

struct kmirror_opts {
	/* The kernel's multicast routing table (0: each family's default,
	 * 253 for ipmr, 254 for ip6mr). */
	uint32_t table;
	/* MGM_FAMILY_*: the families to mirror (0: IPv4 only). */
	uint32_t families;
	bool no_keepalive; /* install entries without the keepalive flag */
	/* Do not open netlink (tests feed kmirror_mfc_update() etc.). */
	bool no_netlink;
};

struct kmirror;

/*
 * Register with MGM, open the netlink socket and mirror the table (a full
 * dump).  Returns 0 or a negative errno (-EEXIST: already registered).
 */
int kmirror_create(struct mgm *m, const struct kmirror_ops *ops,
		   const struct kmirror_opts *opts, struct kmirror **out);
/*
 * The seed's shutdown: take every mirrored entry out of MGM and the fast
 * path (the kernel forwards them again), release every interface, detach
 * what kmirror attached, deregister, close.  NULL is ignored.
 */
void kmirror_destroy(struct kmirror *k);

/* The netlink socket for the host's event loop (-1 without netlink). */
int kmirror_fd(struct kmirror *k);
/* Read and apply everything pending on it (never blocks); a buffer
 * overrun resyncs.  Returns 0 or a negative errno. */
int kmirror_input(struct kmirror *k);
/*
 * What kmirror_input() does with each datagram it reads, from a buffer
 * (tests): buf[len] received from netlink port sender (only the kernel's,
 * 0, is heard; every length is checked before the messages are walked).
 * Bad datagrams are counted in bad_messages and ignored.  0, or the
 * resync's error if one was needed.
 */
int kmirror_input_buf(struct kmirror *k, const void *buf, size_t len,
		      uint32_t sender);
/*
 * What a resync does with each datagram of the kernel's answer to dump
 * number seq of port portid (tests): entries to kmirror_mfc_update().
 * 0: more to come (or ignored); 1: the end (NLMSG_DONE); a negative
 * errno: the kernel's error, or -EBADMSG (malformed: the dump fails).
 * *intr is set if the kernel flagged the dump as interrupted.
 */
int kmirror_dump_input(struct kmirror *k, const void *buf, size_t len,
		       uint32_t sender, uint32_t seq, uint32_t portid,
		       bool *intr);
/* Dump the kernel's table and bring the mirror to it. */
int kmirror_resync(struct kmirror *k);
/* Keepalive on or off for every mirrored entry, now and from now on. */
void kmirror_set_keepalive(struct kmirror *k, bool on);
uint32_t kmirror_table(const struct kmirror *k);
/* ip6mr's table (kmirror_table() is ipmr's). */
uint32_t kmirror_table6(const struct kmirror *k);
/* MGM_FAMILY_*: the families mirrored. */
uint32_t kmirror_families(const struct kmirror *k);

/* Apply one entry as an RTM_NEWROUTE / RTM_DELROUTE says (tests). */
void kmirror_mfc_update(struct kmirror *k, const struct km_mfc *mfc);
void kmirror_mfc_delete(struct kmirror *k, const struct km_mfc *mfc);
/* A resync from entries the caller dumped (tests): begin, one update
 * per entry, end (deletes what the dump did not have). */
void kmirror_resync_begin(struct kmirror *k);
void kmirror_resync_end(struct kmirror *k);

/* ---- the datapath policy (see above) -------------------------------- */

/*
 * MGM wants (source, group) installed with iif and oifs[n].  Returns 1 if
 * kmirror does not own iif (the host installs it as usual); otherwise
 * kmirror installs or deletes it through ops and returns 0 or that
 * operation's error.
 */
int kmirror_mfe_install(struct kmirror *k, const struct mgm_addr *source,
			const struct mgm_addr *group, uint32_t iif,
			const uint32_t *oifs, uint32_t n);
/*
 * Should a miss of (source, group) on ifindex, reported at ts_ns (the
 * event's timestamp), reach MGM?  false: the kernel routes it -- kmirror
 * owns ifindex (or did when the packet came) and does not mirror the
 * flow; MGM would only make a negative entry of it.
 */
bool kmirror_miss_wanted(struct kmirror *k, uint32_t ifindex,
			 const struct mgm_addr *source,
			 const struct mgm_addr *group, uint64_t ts_ns);
/* The multicast RIB view: the kernel's parent interface of a mirrored
 * (source, group) (exact entry first, then (*,G)).  false if none.
 * For a family kmirror does not mirror, the three functions above answer
 * as if kmirror were not there (1, true, false). */
bool kmirror_rpf(struct kmirror *k, const struct mgm_addr *source,
		 const struct mgm_addr *group, uint32_t *iif);
/* Does kmirror own ifindex in MGM now? */
bool kmirror_owns(struct kmirror *k, uint32_t ifindex);

/* ---- introspection (mgmctl show kernel) -------------------------------- */

enum km_state {
	KM_XDP, /* mirrored: forwarded by XDP */
	KM_KERNEL, /* left to the kernel, see reason */
};

struct km_entry_info {
	const struct km_mfc *mfc; /* the kernel's entry */
	enum km_state state;
	const char *reason; /* why KM_KERNEL: "no-iif", "no-oifs", ... */
	uint64_t since_ns; /* when it entered this state (ops clock) */
};

struct km_stats {
	uint64_t entries, mirrored; /* now */
	uint64_t updates, deletes; /* netlink notifications applied */
	uint64_t resyncs, overruns; /* full dumps; of those, after ENOBUFS */
	uint64_t vif_changes; /* mc_forwarding notifications */
	uint64_t mgm_errors; /* MGM calls that failed */
	/* Netlink datagrams ignored: not from the kernel, or malformed
	 * (lengths, routes; a dump with one fails and is retried later). */
	uint64_t bad_messages;
};

/* Calls fn for every entry (hash order); stops at fn's first non-zero. */
int kmirror_foreach(struct kmirror *k,
		    int (*fn)(void *arg, const struct km_entry_info *),
		    void *arg);
void kmirror_get_stats(struct kmirror *k, struct km_stats *out);

/* ---- netlink (kmirror_nl.c) ---------------------------------------------- */

struct nlmsghdr;
/*
 * Parse an RTM_NEWROUTE / RTM_DELROUTE of family RTNL_FAMILY_IPMR (4-byte
 * RTA_SRC, RTA_DST) or RTNL_FAMILY_IP6MR (16-byte ones).  1: parsed into
 * out; 0: not a multicast route (ignore); -EINVAL: malformed.
 */
int km_parse_route(const struct nlmsghdr *nlh, struct km_mfc *out);
/*
 * Parse an RTM_NEWNETCONF of family AF_INET or AF_INET6 carrying
 * NETCONFA_MC_FORWARDING.  1: parsed (*family MGM_AF_INET or
 * MGM_AF_INET6; ifindex may be NETCONFA_IFINDEX_ALL); 0: another netconf
 * message or none; -EINVAL: malformed.
 */
int km_parse_netconf(const struct nlmsghdr *nlh, uint16_t *family,
		     int32_t *ifindex, int32_t *mc_forwarding);

#endif /* MGM_PROTO_KMIRROR_H */
