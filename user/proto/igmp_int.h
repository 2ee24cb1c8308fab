/* SPDX-License-Identifier: GPL-2.0 */
/*
 * igmp_int.h - internals of the IGMP router: the packet codec
 * (igmp_pkt.c), the per-interface and per-group state, and the functions
 * the core's files share (igmp.c: instance, interfaces, input, timers;
 * igmp_mgm.c: the MGM calls and callbacks; igmp_group.c: the RFC 3376
 * filter-mode tables and timers; igmp_query.c: querier election and the
 * queries, either family; igmp_info.c: introspection; mld.c: MLD's
 * messages into the same state machine).
 *
 * One mutex (struct igmp.lock) guards everything below; the functions
 * declared here run with it held, except where a comment says otherwise.
 */
#ifndef MGM_PROTO_IGMP_INT_H
#define MGM_PROTO_IGMP_INT_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <syslog.h>

#include <string.h>

#include "proto/igmp.h"
#include "proto/mld_pkt.h"

#pragma GCC visibility push(hidden)

#define NS_PER_MS 1000000ULL
#define NO_DEADLINE UINT64_MAX

/* IGMP message types. */
#define IGMP_QUERY 0x11
#define IGMP_V1_REPORT 0x12
#define IGMP_V2_REPORT 0x16
#define IGMP_V2_LEAVE 0x17
#define IGMP_V3_REPORT 0x22

/* IGMPv3 group record types (RFC 3376 4.2.12). */
#define IGMP_IS_IN 1
#define IGMP_IS_EX 2
#define IGMP_TO_IN 3
#define IGMP_TO_EX 4
#define IGMP_ALLOW 5
#define IGMP_BLOCK 6

#define IGMP_ALL_HOSTS 0xe0000001U /* 224.0.0.1, host order */
#define IGMP_ALL_ROUTERS 0xe0000002U /* 224.0.0.2 */
#define IGMP_V3_ROUTERS 0xe0000016U /* 224.0.0.22 */

/* Sources per query message: fits a 1500-byte MTU with the RA option. */
#define IGMP_QUERY_MAX_SOURCES 256
/* Largest query we build: v3 header and IGMP_QUERY_MAX_SOURCES. */
#define IGMP_QUERY_MAX_LEN (12 + 4 * IGMP_QUERY_MAX_SOURCES)
/* (S,G) entries per interface whose creation alert we answered "no". */
#define IGMP_MAX_MARKS 4096

/* ------------------------------------------------------------------ */
/* Codec (igmp_pkt.c): pure functions, no state                        */

/* Why igmp_pkt_parse() rejected a packet (0: it did not). */
enum igmp_rx {
	IGMP_RX_OK = 0,
	IGMP_RX_BAD_IP,
	IGMP_RX_TOO_SHORT,
	IGMP_RX_TRUNCATED,
	IGMP_RX_BAD_CHECKSUM,
	IGMP_RX_BAD_TTL,
	IGMP_RX_NO_RA,
	IGMP_RX_BAD_DEST,
	IGMP_RX_BAD_GROUP,
	IGMP_RX_UNKNOWN_TYPE,
};

/* A validated message; pointers point into the caller's buffer. */
struct igmp_msg {
	uint32_t src, dst; /* IP addresses */
	uint8_t ttl;
	bool ra; /* Router Alert option present */
	uint8_t type;
	int version; /* queries and reports: 1, 2 or 3 */
	uint32_t group;
	/* Queries */
	uint32_t max_resp_ds; /* decoded, tenths of a second */
	bool s_flag; /* suppress router-side processing (v3) */
	uint8_t qrv; /* v3 */
	uint32_t qqi_s; /* v3, decoded */
	uint16_t nsrc;
	const uint8_t *srcs; /* nsrc addresses, unaligned */
	/* IGMPv3 reports */
	uint16_t nrec;
	const uint8_t *recs; /* the records, all within recs_len */
	size_t recs_len;
};

struct igmp_rec {
	uint8_t type;
	uint32_t group;
	uint16_t nsrc;
	const uint8_t *srcs; /* unaligned */
};

/*
 * Validate an IPv4 packet carrying IGMP as a router must (RFC 2236, RFC
 * 3376 4 and 9): IPv4 header, IGMP checksum, lengths per type, TTL 1,
 * Router Alert on v3 messages, destination per type, group field.
 * Never reads outside ip[0..len).
 */
enum igmp_rx igmp_pkt_parse(const uint8_t *ip, size_t len, struct igmp_msg *m);
/* The next record of a parsed v3 report at *off (start with 0). */
bool igmp_rec_next(const struct igmp_msg *m, size_t *off, struct igmp_rec *r);
/* The Internet checksum of p[0..len) (0 when a packet's sum is right). */
uint16_t igmp_csum(const void *p, size_t len);
/* RFC 3376 4.1.1 / 4.1.7 8-bit codes: value <-> code. */
uint8_t igmp_code_encode(uint32_t value);
uint32_t igmp_code_decode(uint8_t code);

struct igmp_query_fields {
	int version; /* 2 or 3 */
	uint32_t group; /* 0: general query */
	uint32_t max_resp_ds;
	bool s_flag;
	uint8_t qrv;
	uint32_t qqi_s;
	const uint32_t *srcs; /* v3 */
	uint32_t nsrc; /* <= IGMP_QUERY_MAX_SOURCES */
};

/* Build a query into buf (cap bytes); returns its length or 0. */
size_t igmp_build_query(uint8_t *buf, size_t cap,
			const struct igmp_query_fields *q);

static inline uint32_t rd32(const uint8_t *p)
{
	uint32_t v;

	__builtin_memcpy(&v, p, 4);
	return v;
}

static inline uint16_t rd16be(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

/* ------------------------------------------------------------------ */
/* Addresses of either family                                         */

/*
 * Groups, sources, reporters and queriers are struct mgm_addr: one state
 * machine for IGMP (IPv4) and MLD (IPv6).  Order: family, then the bytes
 * in network order (IPv4 by value, as ntohl() compares).
 */
static inline size_t addr_len(uint16_t family)
{
	return family == MGM_AF_INET6 ? 16 : 4;
}

static inline int addr_cmp(const struct mgm_addr *a, const struct mgm_addr *b)
{
	if (a->family != b->family)
		return a->family < b->family ? -1 : 1;
	return memcmp(a->v6, b->v6, addr_len(a->family));
}

/* The unspecified address of a family: the wildcard source. */
static inline struct mgm_addr addr_any(uint16_t family)
{
	struct mgm_addr a = { .family = family };

	return a;
}

/* Address i of an unaligned list of a family's addresses. */
static inline struct mgm_addr addr_at(uint16_t family, const uint8_t *list,
				      size_t i)
{
	return family == MGM_AF_INET6 ? mgm_addr6(list + 16 * i) :
					mgm_addr4(rd32(list + 4 * i));
}

/* ------------------------------------------------------------------ */
/* State                                                               */

/*
 * One struct igmp_if per (interface, family): IGMP on an interface is an
 * MGM_AF_INET one, MLD an MGM_AF_INET6 one, and an interface may have
 * both.  Their "level" is the IGMP version whose rules apply: IGMPv2 and
 * MLDv1 are level 2, IGMPv3 and MLDv2 level 3, IGMPv1 (hosts only, no
 * MLD equivalent) level 1.  MGM sees one protocol: the interface is owned
 * once (by whichever family came first) and MGM's disable and enable
 * callbacks, which name an interface and not a family, reach both.
 */
struct igmp_src {
	struct mgm_addr addr;
	uint64_t timer; /* expiry (ns); 0: not running */
	uint8_t rtx; /* Q(G,S) retransmissions still to send */
	bool in_mgm; /* (S,G) membership installed */
	bool unsure; /* an add crossed a handoff: MGM may have it or not */
	bool mark; /* scratch: selected for Q(G,A) */
};

struct igmp_grp {
	struct mgm_addr addr;
	enum igmp_filter_mode mode;
	bool in_mgm; /* (*,G) membership installed */
	bool unsure; /* as igmp_src.unsure */
	bool dirty; /* membership may differ from MGM: sync looks */
	uint8_t gq_rtx; /* Q(G) retransmissions still to send */
	uint64_t timer; /* group timer, EXCLUDE mode */
	uint64_t v1_host, v2_host; /* older version host present (levels) */
	uint64_t gq_next; /* next Q(G) retransmission, 0: none */
	uint64_t sq_next; /* next Q(G,A) round, 0: none */
	uint64_t created;
	struct mgm_addr last_reporter;
	struct igmp_src *src; /* sorted by addr_cmp */
	uint32_t nsrc, capsrc;
};

/* A membership still in MGM whose state is gone: sync deletes it. */
struct igmp_undo {
	struct mgm_addr source, group;
};

/*
 * An (S,G) MGM entry whose creation alert we answered "not this
 * interface" (S was excluded here).  MGM remembers that for the entry's
 * life, so when S is wanted again only FORWARD_STATE brings the interface
 * back: fwd_on says we added it.  seq tells a refreshed mark from the one
 * an MGM query was made for.
 */
struct igmp_mark {
	struct mgm_addr source, group;
	uint32_t seq;
	bool fwd_on;
	bool unsure; /* a FORWARD_STATE add crossed a handoff */
};

struct igmp_if {
	struct igmp_if *next; /* sorted by ifindex, then family */
	uint32_t ifindex;
	uint16_t family; /* MGM_AF_INET: IGMP, MGM_AF_INET6: MLD */
	int version; /* level: 2 or 3 (see above) */
	bool attached; /* MGM ownership taken (by this family or the other) */
	bool detaching; /* being released: sync leaves it alone */
	bool mgm_disabled; /* between MGM's disable and enable callbacks */
	bool readd; /* enabled again: igmp_tick() re-adds everything */
	bool readd_emit; /* the next sync of it is that re-add */
	bool dirty; /* some group is dirty, or undo/marks to look at */
	bool gc_due; /* check the marks' MGM entries still exist */
	uint32_t gen; /* bumped by disable/enable: older MGM results void */
	struct mgm_addr addr; /* ours: primary IPv4 / IPv6 link-local */
	bool querier;
	struct mgm_addr querier_addr;
	uint64_t oqp; /* other querier present timer */
	uint64_t gq_next; /* querier: next general query */
	uint64_t gc_next;
	uint32_t startup_left;
	uint32_t rv; /* adopted from the querier's QRV (0: ours) */
	uint64_t qi; /* adopted from the querier's QQIC, ns (0: ours) */
	struct igmp_grp *grp; /* sorted by addr */
	uint32_t ngrp, capgrp;
	struct igmp_undo *undo;
	uint32_t nundo, capundo;
	struct igmp_mark *mark;
	uint32_t nmark, capmark;
	struct igmp_counters cnt;
};

struct igmp {
	pthread_mutex_t lock;
	struct mgm *m;
	mgm_handle_t h;
	struct igmp_io io;
	struct igmp_opts o;
	/* Configured values (RFC 3376 8, RFC 3810 9), ns where times. */
	uint32_t rv, lmqc, sqc;
	uint64_t qi, qri, lmqi, sqi;
	struct igmp_if *ifs;
	uint64_t next_due; /* earliest timer (NO_DEADLINE: none) */
	bool work; /* a re-add is pending: igmp_timeout_ms() says 0 */
	bool syncing, resync; /* one thread talks to MGM at a time */
	uint32_t mark_seq;
	uint64_t unknown_if;
	uint32_t log_tx_errors;
};

/*
 * A query from another router, either family: what igmp_query_rx() needs
 * of an IGMP or MLD query.
 */
struct igmp_qrx {
	struct mgm_addr src, group; /* group unspecified: general query */
	int level; /* 1, 2, 3 (MLDv1: 2, MLDv2: 3) */
	uint64_t max_resp_ns;
	bool s_flag;
	uint8_t qrv; /* level 3 */
	uint32_t qqi_s; /* level 3 */
	uint16_t nsrc;
	const uint8_t *srcs; /* nsrc addresses of the family, unaligned */
};

/* igmp.c */
void igmp_logf(struct igmp *g, int level, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
void igmp_emit(struct igmp *g, enum igmp_event_kind kind,
	       const struct igmp_if *ifp, const struct mgm_addr *source,
	       const struct mgm_addr *group, const struct mgm_addr *addr);
/* Fill the address fields of an event (IPv4 ones for IPv4 only). */
void igmp_ev_addrs(struct igmp_event *ev, uint16_t family,
		   const struct mgm_addr *source, const struct mgm_addr *group,
		   const struct mgm_addr *addr);
struct igmp_if *igmp_if_find(struct igmp *g, uint32_t ifindex, uint16_t family);
/* Group records of a v3 report / MLDv2 report (sources unsorted). */
void igmp_v3_record(struct igmp *g, struct igmp_if *ifp, uint8_t type,
		    const struct mgm_addr *group, const uint8_t *srcs,
		    uint16_t nsrc, const struct mgm_addr *reporter,
		    uint64_t now);
/* A v1/v2 (or MLDv1) report and a leave (MLD done). */
void igmp_old_report(struct igmp *g, struct igmp_if *ifp, int level,
		     const struct mgm_addr *group,
		     const struct mgm_addr *reporter, uint64_t now);
void igmp_leave(struct igmp *g, struct igmp_if *ifp,
		const struct mgm_addr *group, const struct mgm_addr *reporter,
		uint64_t now);
void igmp_if_free(struct igmp_if *ifp);
void igmp_if_unlink(struct igmp *g, struct igmp_if *ifp);
/* Our own address on the interface, asked from the I/O. */
struct mgm_addr igmp_own_addr(struct igmp *g, const struct igmp_if *ifp);

/* mld.c: an IPv6 packet handed to igmp_input() for ifp (MLD). */
void mld_input(struct igmp *g, struct igmp_if *ifp, const uint8_t *ip,
	       size_t len, uint64_t now);

/* igmp_mgm.c */
/* The callbacks IGMP registers with (ctx = g). */
struct mgm_protocol_config_x igmp_mgm_config(struct igmp *g);
/* Make MGM match the dirty state; called WITHOUT the lock. */
void igmp_sync(struct igmp *g);
/*
 * Stop one family of an interface whose other family stays: MGM keeps
 * the ownership, so this family's memberships are deleted one by one.
 * Called WITHOUT the lock; ifp is unlinked and freed.
 */
void igmp_if_leave(struct igmp *g, struct igmp_if *ifp);

/* A timer is set: keep next_due the earliest deadline. */
static inline void igmp_arm(struct igmp *g, uint64_t *timer, uint64_t when)
{
	*timer = when;
	if (when && when < g->next_due)
		g->next_due = when;
}

/* Derived intervals (RFC 3376 8), with the values the interface uses. */
static inline uint32_t if_rv(const struct igmp *g, const struct igmp_if *ifp)
{
	return ifp->rv ? ifp->rv : g->rv;
}

static inline uint64_t if_qi(const struct igmp *g, const struct igmp_if *ifp)
{
	return ifp->qi ? ifp->qi : g->qi;
}

static inline uint64_t if_gmi(const struct igmp *g, const struct igmp_if *ifp)
{
	return if_rv(g, ifp) * if_qi(g, ifp) + g->qri;
}

static inline uint64_t if_oqpi(const struct igmp *g, const struct igmp_if *ifp)
{
	return if_rv(g, ifp) * if_qi(g, ifp) + g->qri / 2;
}

static inline uint64_t lmqt(const struct igmp *g)
{
	return g->lmqi * g->lmqc;
}

/* igmp_group.c */
struct igmp_grp *igmp_grp_find(struct igmp_if *ifp,
			       const struct mgm_addr *group);
struct igmp_src *igmp_src_find(struct igmp_grp *grp,
			       const struct mgm_addr *addr);
/*
 * One group record (a v1/v2 report or leave mapped to IS_EX({}) or
 * TO_IN({})); b is sorted and without duplicates.  Returns the group, or
 * NULL if it does not exist afterwards or the record was ignored.
 */
struct igmp_grp *igmp_record(struct igmp *g, struct igmp_if *ifp, uint64_t now,
			     int type, const struct mgm_addr *group,
			     const struct mgm_addr *b, uint32_t nb,
			     const struct mgm_addr *reporter);
/* Group compatibility mode (a level), capped by the interface's. */
int igmp_grp_compat(const struct igmp_if *ifp, const struct igmp_grp *grp);
/* RFC 3376 6.3: is traffic from source to this group wanted here? */
bool igmp_forwards(const struct igmp_grp *grp, const struct mgm_addr *source);
/* Run the group's due timers; arms the rest.  True if it was deleted. */
bool igmp_grp_timers(struct igmp *g, struct igmp_if *ifp, uint32_t idx,
		     uint64_t now);
void igmp_grp_del(struct igmp_if *ifp, uint32_t idx);
/* MGM may have (source, group) here while we no longer do: delete it. */
void igmp_undo_push(struct igmp_if *ifp, const struct mgm_addr *source,
		    const struct mgm_addr *group);
void igmp_grp_dirty(struct igmp_if *ifp, struct igmp_grp *grp);
void igmp_grp_free_all(struct igmp_if *ifp);
/* Source-specific range: 232/8 (RFC 4607), ff3x::/32 (RFC 4607). */
bool igmp_is_ssm(const struct mgm_addr *group);
/* Never forwarded: 224.0.0.0/24; IPv6 scopes 0, 1 and 2 (link-local). */
bool igmp_is_local(const struct mgm_addr *group);
/* A multicast address of its family. */
bool igmp_is_multicast(const struct mgm_addr *group);

/* igmp_query.c */
void igmp_querier_start(struct igmp *g, struct igmp_if *ifp, uint64_t now);
void igmp_query_rx(struct igmp *g, struct igmp_if *ifp,
		   const struct igmp_qrx *m, uint64_t now);
void igmp_if_timers(struct igmp *g, struct igmp_if *ifp, uint64_t now);
/* Table action "Send Q(G)" (querier only). */
void igmp_q_group(struct igmp *g, struct igmp_if *ifp, struct igmp_grp *grp,
		  uint64_t now);
/* "Send Q(G,A)" for the sources with mark set (clears the marks). */
void igmp_q_marked(struct igmp *g, struct igmp_if *ifp, struct igmp_grp *grp,
		   uint64_t now);
/* Retransmissions of Q(G) and Q(G,A) that are due. */
void igmp_q_timers(struct igmp *g, struct igmp_if *ifp, struct igmp_grp *grp,
		   uint64_t now);

#pragma GCC visibility pop

#endif /* MGM_PROTO_IGMP_INT_H */
