/* SPDX-License-Identifier: GPL-2.0 */
/*
 * igmp.h - the router side of IGMP (RFC 3376, with RFC 2236 and RFC 1112
 * compatibility) as a client of the Multicast Group Manager.
 *
 * IGMP registers with MGM as MGM_MS_IP_IGMP, co-owns the interfaces it is
 * enabled on (beside at most one routing protocol), elects a querier per
 * interface, keeps per-group filter state and turns it into MGM group
 * memberships:
 *
 *   EXCLUDE mode (any v1/v2 join, IGMPv3 EXCLUDE)   -> (*,G) membership
 *   INCLUDE mode, sources with running timers      -> one (S,G) each
 *   EXCLUDE mode, excluded sources                  -> (*,G), and the
 *       interface is disabled for (S,G) in MGM's creation alert
 *
 * MGM memberships cannot say "every source but S", so excluded sources are
 * filtered when MGM creates the (S,G) forwarding entry: IGMP's creation
 * alert leaves the interface out of it.  If S stops being excluded while
 * that entry lives, IGMP adds the interface back with FORWARD_STATE (and
 * removes it again if S is excluded again).  An entry created while S was
 * not excluded (the interface already forwarded S) is handled the same
 * way: when S becomes excluded, a FORWARD_STATE delete takes the
 * interface out of that one entry -- MGM removes an oif the caller's own
 * membership put there -- and an add brings it back.  MGM keeps these
 * choices across IGMP's disable/enable handoff.  Should the table of
 * such marks be full (IGMP_MAX_MARKS), the source is forwarded: hosts
 * filter excluded sources themselves, so that costs bandwidth, not
 * correctness at the receiver.
 *
 * The MGM handoff (mgm-api.md 5.5): between the disable and the enable
 * callback for an interface IGMP does not call MGM for it (state and
 * queries go on); the enable callback only marks the interface, and every
 * current membership is re-added from igmp_tick() (igmp_timeout_ms()
 * returns 0 while that is pending) -- never from inside the callback.
 *
 * The core does no I/O of its own: packets go out through struct igmp_io,
 * time comes from its clock, and received packets are handed in with
 * igmp_input().  igmp_sock.c provides the real I/O (AF_PACKET receive,
 * raw-socket send).
 *
 * Threads: every function may be called from any thread; one mutex guards
 * the state and is never held across an MGM call, so MGM's callbacks into
 * IGMP (disable, enable, creation alert) may come from any thread too.
 * The igmp_io functions, the log and the event hook are called with that
 * mutex held and must not call igmp_* functions.
 *
 * MLD (RFC 2710 MLDv1, RFC 3810 MLDv2) is IGMP's IPv6 half, not a second
 * router: the same instance, state machine and MGM registration serve both
 * families.  An interface runs IGMP (igmp_if_enable), MLD (mld_if_enable)
 * or both; MLDv1 follows IGMPv2's rules and MLDv2 IGMPv3's (RFC 3810
 * section 8 maps them), with MLD's encodings, its message types, the
 * lowest IPv6 link-local address as querier, and no counterpart of
 * IGMPv1.  The options below (timers, robustness, limits) apply to both
 * families.  MGM sees one protocol, MGM_MS_IP_IGMP: an interface is owned
 * once whatever runs on it, and the seed's disable/enable handoff covers
 * both families.
 *
 * Addresses: the uint32_t ones are IPv4 in network byte order (0 for
 * IPv6); the struct mgm_addr ones (..._x) carry either family.
 */
#ifndef MGM_PROTO_IGMP_H
#define MGM_PROTO_IGMP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "mgm/mgm.h"

#ifdef __cplusplus
extern "C" {
#endif

struct igmp;

/* The I/O the core needs; ctx is passed to every function. */
struct igmp_io {
	/*
	 * Send one IGMP message (igmp[0..len), no IP header) out of ifindex
	 * to dst, with TTL 1, the Router Alert option and the interface's
	 * address as source.  Returns 0 or a negative errno.
	 */
	int (*send)(void *ctx, uint32_t ifindex, uint32_t dst, const void *igmp,
		    size_t len);
	/* The interface's primary IPv4 address (0 if it has none). */
	uint32_t (*if_addr)(void *ctx, uint32_t ifindex);
	/* A monotonic clock, in nanoseconds. */
	uint64_t (*now_ns)(void *ctx);
	void *ctx;
	/*
	 * MLD (optional: without them mld_if_enable() says -EOPNOTSUPP).
	 * send6 sends one IPv6 packet out of ifindex as it is: the IPv6
	 * header (hop limit 1, the interface's link-local source), the
	 * Hop-by-Hop header with the Router Alert and the MLD message with
	 * its checksum, built by the core; the link-layer destination is
	 * the one of its IPv6 destination.  Returns 0 or a negative errno.
	 * if_addr6 writes the interface's IPv6 link-local address to ll
	 * and returns true, or false if it has none (yet).
	 */
	int (*send6)(void *ctx, uint32_t ifindex, const void *ip6, size_t len);
	bool (*if_addr6)(void *ctx, uint32_t ifindex, uint8_t ll[16]);
};

/* What happened, for the event hook (tools and tests print these). */
enum igmp_event_kind {
	IGMP_EV_MGM_ADD, /* mgm_add_group_membership_entry (JOIN_STATE) */
	IGMP_EV_MGM_DEL, /* mgm_delete_group_membership_entry */
	IGMP_EV_FWD_ADD, /* FORWARD_STATE add: an excluded source is back */
	IGMP_EV_FWD_DEL, /* FORWARD_STATE delete */
	IGMP_EV_DISABLE, /* MGM's disable callback */
	IGMP_EV_ENABLE, /* MGM's enable callback (re-add deferred) */
	IGMP_EV_BLOCK, /* creation alert: interface left out of (S,G) */
	IGMP_EV_QUERIER, /* this router became the querier */
	IGMP_EV_NON_QUERIER, /* another router (addr) is the querier */
};

struct igmp_event {
	enum igmp_event_kind kind;
	uint32_t ifindex;
	uint32_t source; /* 0: (*,G) */
	uint32_t group;
	uint32_t addr; /* QUERIER/NON_QUERIER: the querier */
	bool readd; /* MGM_ADD: the deferred re-add after an enable */
	uint32_t result; /* MGM calls: the MGM error code */
	/*
	 * Either family: MGM_AF_INET (IGMP) or MGM_AF_INET6 (MLD), and the
	 * addresses above as struct mgm_addr (unspecified where they are 0;
	 * the uint32_t ones stay 0 for IPv6).  DISABLE/ENABLE concern the
	 * interface: family 0.
	 */
	uint16_t family;
	struct mgm_addr source_x, group_x, addr_x;
};

/*
 * Configuration; every 0 means the RFC 3376 default, which RFC 3810 (9)
 * shares for MLD.  One set for both families.
 */
struct igmp_opts {
	uint32_t robustness; /* 2 */
	uint32_t query_interval_ms; /* 125000 */
	uint32_t query_response_interval_ms; /* 10000 */
	uint32_t last_member_query_interval_ms; /* 1000 */
	uint32_t last_member_query_count; /* robustness */
	uint32_t startup_query_interval_ms; /* query interval / 4 */
	uint32_t startup_query_count; /* robustness */
	/* Limits against report floods (0: 4096 groups, 1024 sources). */
	uint32_t max_groups; /* per interface */
	uint32_t max_sources; /* per group */
	/*
	 * RFC 4604: in the SSM ranges 232.0.0.0/8 and ff3x::/32 only
	 * INCLUDE-mode (source specific) requests count; v1/v2 joins and
	 * EXCLUDE records there are ignored unless this is set.
	 */
	bool asm_in_ssm_range;
	uint32_t component_id; /* MGM component ID (0: 1) */
	/* Optional; level is a syslog LOG_* value (errors, warnings). */
	void (*log)(void *ctx, int level, const char *msg);
	/* Optional; every event (see enum igmp_event_kind). */
	void (*event)(void *ctx, const struct igmp_event *ev);
	void *ctx; /* for log and event */
};

/*
 * Create the instance and register with MGM as MGM_MS_IP_IGMP.  io is
 * copied.  Returns 0, -EINVAL, -ENOMEM, or -EEXIST / -EIO when MGM refuses
 * the registration (already registered / other MGM error).
 */
int igmp_create(struct mgm *m, const struct igmp_io *io,
		const struct igmp_opts *opts, struct igmp **out);
/*
 * The seed's shutdown: release every interface (MGM removes IGMP's
 * memberships), deregister, free.  NULL is ignored.
 */
void igmp_destroy(struct igmp *g);

/*
 * Run IGMP on ifindex: take (co-)ownership in MGM and start as querier
 * (startup queries).  version 2 sends IGMPv2 queries and ignores IGMPv3
 * reports (an RFC 2236 router); 3 is RFC 3376 with v1/v2 compatibility.
 * Returns 0, -EINVAL, -EEXIST (already enabled), -ENOMEM, or -EBUSY /
 * -EIO when MGM refuses (handoff in progress / other error).
 */
int igmp_if_enable(struct igmp *g, uint32_t ifindex, int version);
/*
 * Stop: release the interface in MGM (its memberships go), drop state.
 * If MLD stays on the interface, MGM keeps it and IGMP's memberships are
 * deleted one by one instead.
 */
int igmp_if_disable(struct igmp *g, uint32_t ifindex);

/*
 * MLD on ifindex, as igmp_if_enable() for IGMP: version 1 is an RFC 2710
 * router (MLDv1 queries, MLDv2 reports ignored), 2 is RFC 3810 with MLDv1
 * compatibility.  The interface may run IGMP as well: MGM ownership is
 * taken by the first of the two and released with the last.  Returns as
 * igmp_if_enable(), and -EOPNOTSUPP without io.send6 / io.if_addr6.
 */
int mld_if_enable(struct igmp *g, uint32_t ifindex, int version);
int mld_if_disable(struct igmp *g, uint32_t ifindex);

/*
 * A packet received on ifindex, no link-layer header: an IPv4 packet with
 * IGMP (for the interface's IGMP), or an IPv6 packet with MLD (for its
 * MLD; the version nibble tells).  Anything malformed or not meant for a
 * router is counted and ignored -- for MLD everything RFC 3810 5.1.14 and
 * 5.2.13 require: link-local source (:: allowed for reports), hop limit 1,
 * Router Alert, ICMPv6 checksum.
 */
void igmp_input(struct igmp *g, uint32_t ifindex, const uint8_t *ip,
		size_t len);
/* Milliseconds until igmp_tick() has work (0: now; -1: nothing pending). */
int igmp_timeout_ms(struct igmp *g);
/* Run due timers and deferred work (the re-add after an enable). */
void igmp_tick(struct igmp *g);

/* ------------------------------------------------------------------ */
/* Introspection                                                       */

/*
 * Every packet handed to igmp_input() on an interface is counted once in
 * rx_packets and once in exactly one of: an accepted message counter
 * (rx_query, rx_report, rx_leave), a rejection (bad_* and friends) or an
 * ignore (ignored_*).  The rec_* counters count group records (a v1/v2
 * report or leave is one record).
 */
struct igmp_counters {
	uint64_t rx_packets;
	/* Indexed by level: MLDv1 counts in [1], MLDv2 in [2]. */
	uint64_t rx_query[3]; /* IGMPv1, v2, v3 queries from other routers */
	uint64_t rx_report[3]; /* v1, v2, v3 membership reports */
	uint64_t rx_leave; /* v2 leave group, MLDv1 done */
	uint64_t rx_no_ra; /* v1/v2 messages accepted without Router Alert */
	/* Rejected. */
	uint64_t bad_ip; /* IPv4 header: version, lengths, options, frags */
	uint64_t too_short; /* IGMP message shorter than its type needs */
	uint64_t truncated; /* v3 source or record list beyond the end */
	uint64_t bad_checksum; /* IPv4 header or IGMP checksum */
	uint64_t bad_ttl; /* IP TTL / IPv6 hop limit other than 1 */
	uint64_t no_router_alert; /* IGMPv3 or MLD message without RA */
	uint64_t bad_src; /* MLD: source not link-local (or :: in a query) */
	uint64_t bad_dest; /* destination not what the type requires */
	uint64_t bad_group; /* group field not a multicast address */
	uint64_t unknown_type; /* other IGMP types (DVMRP, mtrace, ...) */
	/* Ignored (valid, but not for us). */
	uint64_t ignored_own; /* our own queries */
	uint64_t ignored_version; /* v3 reports on an IGMPv2 interface,
				     MLDv2 reports on an MLDv1 one */
	/* Group records. */
	uint64_t rec_processed;
	uint64_t rec_local; /* 224.0.0.0/24, ffx0-ffx2: never a membership */
	uint64_t rec_ssm; /* ASM request in the SSM range (RFC 4604) */
	uint64_t rec_compat; /* BLOCK / leave ignored in compatibility mode */
	uint64_t rec_bad; /* unknown record type, non-multicast group */
	uint64_t rec_limit; /* group or source dropped: limits reached */
	/* Sent. */
	uint64_t tx_general_query;
	uint64_t tx_group_query;
	uint64_t tx_group_source_query;
	uint64_t tx_errors;
	/* MGM calls that failed (other than during a handoff). */
	uint64_t mgm_errors;
};

struct igmp_if_info {
	uint32_t ifindex;
	uint16_t family; /* MGM_AF_INET: IGMP, MGM_AF_INET6: MLD */
	int version; /* configured: IGMP 2 or 3, MLD 1 or 2 */
	uint32_t addr; /* ours (IPv4) */
	bool querier;
	uint32_t querier_addr; /* IPv4 */
	struct mgm_addr addr_x, querier_addr_x; /* either family */
	uint32_t other_querier_ms; /* other-querier-present timer, 0 = off */
	uint32_t next_query_ms; /* querier: next general query */
	uint32_t startup_left; /* startup queries still to send */
	uint32_t robustness, query_interval_ms; /* in use (maybe adopted) */
	bool mgm_disabled; /* between MGM's disable and enable callbacks */
	bool readd_pending; /* enabled again, re-add not done yet */
	uint32_t n_groups;
	uint32_t n_blocked; /* (S,G) MGM entries this interface is kept out of */
	struct igmp_counters cnt;
};

enum igmp_filter_mode { IGMP_INCLUDE = 0, IGMP_EXCLUDE = 1 };

struct igmp_source_info {
	uint32_t addr; /* IPv4 (0 for IPv6) */
	struct mgm_addr addr_x;
	uint32_t timer_ms; /* 0: not running (EXCLUDE mode: excluded) */
	bool forwarded; /* RFC 3376 6.3: traffic from it is wanted */
	bool in_mgm; /* an (S,G) membership is installed */
};

struct igmp_group_info {
	uint32_t ifindex;
	uint32_t group; /* IPv4 (0 for IPv6) */
	enum igmp_filter_mode mode;
	uint32_t timer_ms; /* group timer (EXCLUDE mode) */
	int compat; /* group compatibility mode: IGMP 1, 2, 3; MLD 1, 2 */
	/* Older-host-present timers: IGMPv1, IGMPv2 / MLDv1 hosts. */
	uint32_t v1_host_ms, v2_host_ms;
	uint32_t last_reporter; /* IPv4 */
	uint16_t family;
	struct mgm_addr group_x, last_reporter_x; /* either family */
	uint32_t uptime_ms;
	bool in_mgm; /* the (*,G) membership is installed */
	uint32_t n_sources;
	const struct igmp_source_info *sources; /* sorted by address */
};

/*
 * Call fn for every interface / every group (of ifindex, 0 = all), on a
 * snapshot taken under the lock; fn runs without it and may call any igmp
 * function.  Interfaces by (ifindex, family), groups by (ifindex, group),
 * IPv4 groups before IPv6 ones.  Stops
 * early and returns fn's value if non-zero; -ENOMEM, -EINVAL.
 */
int igmp_foreach_if(struct igmp *g,
		    int (*fn)(void *arg, const struct igmp_if_info *),
		    void *arg);
int igmp_foreach_group(struct igmp *g, uint32_t ifindex,
		       int (*fn)(void *arg, const struct igmp_group_info *),
		       void *arg);
/* Packets handed in for interfaces IGMP does not run on. */
uint64_t igmp_unknown_if_packets(struct igmp *g);
/* "include" / "exclude" */
const char *igmp_mode_str(enum igmp_filter_mode mode);

/* ------------------------------------------------------------------ */
/* Real I/O (igmp_sock.c)                                              */

/*
 * Receives IGMP on each interface with an AF_PACKET socket (SOCK_DGRAM,
 * bound to the interface, all-multicast, a classic BPF filter that passes
 * only IPv4 protocol 2, our own transmissions skipped): a raw IGMP socket
 * would see no reports without MRT_INIT, which smcroute/pimd/FRR need for
 * themselves.  Sends through one raw IPPROTO_IGMP socket: TTL 1, Router
 * Alert, IP_MULTICAST_IF and the interface's primary address as source.
 */
struct igmp_sock;

int igmp_sock_open(struct igmp_sock **out);
void igmp_sock_close(struct igmp_sock *s);
/* Fill io with the socket I/O and CLOCK_MONOTONIC. */
void igmp_sock_io(struct igmp_sock *s, struct igmp_io *io);
/* Start receiving on ifindex; returns its fd (to poll) or -errno. */
int igmp_sock_add_if(struct igmp_sock *s, uint32_t ifindex);
int igmp_sock_del_if(struct igmp_sock *s, uint32_t ifindex);
/*
 * The same for MLD: an AF_PACKET socket for ETH_P_IPV6 whose
 * filter passes only ICMPv6 MLD types (behind a Hop-by-Hop header or
 * not); igmp_sock_input() serves its fd as well.  Sending is one raw
 * IPv6 socket that includes the header (IPPROTO_RAW): the core builds the
 * whole packet (header, Router Alert, MLD), the kernel sends it as it is
 * out of the interface with the link's header -- on any link type.
 */
int igmp_sock_add_if6(struct igmp_sock *s, uint32_t ifindex);
int igmp_sock_del_if6(struct igmp_sock *s, uint32_t ifindex);
/* The receive fds (up to max); returns how many there are. */
int igmp_sock_fds(struct igmp_sock *s, int *fds, int max);
/*
 * fd is readable: read every pending frame and hand IGMP packets to
 * igmp_input().  Returns the number handed in, or -errno.
 */
int igmp_sock_input(struct igmp_sock *s, struct igmp *g, int fd);

#ifdef __cplusplus
}
#endif
#endif /* MGM_PROTO_IGMP_H */
