/* SPDX-License-Identifier: GPL-2.0 */
/*
 * fake_igmp_io.h - the IGMP router under test, on libmgm with the fake
 * datapath: a fake clock and a fake wire (every sent query is kept and
 * can be parsed back), builders for what hosts and other routers send,
 * and short views of the state for assertions.
 *
 * IGMP's events go into the fake datapath's event log (fake_dp.h), in the
 * same sequence as the other protocols' callbacks, as for example
 *   "igmp add *,239.1.1.1 if=1 NO_ERROR"      (re-add: "igmp re-add ...")
 *   "igmp del 10.0.0.1,232.1.1.1 if=2 NO_ERROR"
 *   "igmp fwd-add 10.0.0.1,239.1.1.1 if=1 NO_ERROR"  "igmp fwd-del ..."
 *   "igmp disable_igmp if=1"   "igmp enable_igmp if=1"
 *   "igmp block 10.0.0.1,239.1.1.1 if=1"  (creation alert said no)
 * Querier changes are only counted (n_events), they would drown the rest.
 */
#ifndef MGM_TESTS_FAKE_IGMP_IO_H
#define MGM_TESTS_FAKE_IGMP_IO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "fake_dp.h"
#include "proto/igmp.h"

#define FI_MAX_IF 16
#define FI_TX_MAX 1400

struct fi_tx {
	bool v6; /* an IPv6 packet (MLD) from io.send6, else IGMP */
	uint32_t ifindex, dst;
	uint64_t at; /* fake time, ns */
	size_t len;
	uint8_t buf[FI_TX_MAX];
};

struct fake_igmp {
	struct fake_dp *fd;
	struct mgm *m;
	struct igmp *g;
	uint64_t now; /* ns */
	uint32_t if_addr[FI_MAX_IF]; /* by ifindex */
	/* IPv6 link-local by ifindex (fe80::<ifindex>:100); all-zero: none */
	uint8_t if_ll[FI_MAX_IF][16];
	struct fi_tx *tx;
	size_t ntx, captx;
	int send_err; /* sends return this when non-zero */
	size_t n_events[16]; /* by enum igmp_event_kind */
	size_t n_refused; /* MGM calls answered CAN_NOT_COMPLETE */
	size_t n_mgm_failed; /* any MGM call that failed */
	size_t n_logged; /* log messages */
};

/* Short timers for tests: QI 10 s, QRI 2 s, LMQI 1 s, RV 2, SQI 2.5 s. */
struct igmp_opts fi_opts(void);
/* fake_dp + MGM + IGMP (o may be NULL: fi_opts()); 0 or -errno. */
int fi_init(struct fake_igmp *f, const struct igmp_opts *o);
void fi_fini(struct fake_igmp *f);

/* Advance the clock by ms, running igmp_tick() at every due time. */
void fi_advance(struct fake_igmp *f, uint64_t ms);
/* Run igmp_tick() while igmp_timeout_ms() says 0 (deferred work). */
void fi_settle(struct fake_igmp *f);

/* ---- packets --------------------------------------------------------- */

/* An IPv4 header (with RA if ra) before igmp; returns the length. */
size_t fi_ip(uint8_t *out, uint32_t src, uint32_t dst, uint8_t ttl, bool ra,
	     const uint8_t *igmp, size_t len);
/* Fix the IGMP checksum of igmp[0..len). */
void fi_igmp_csum(uint8_t *igmp, size_t len);

struct fi_rec {
	uint8_t type;
	uint32_t group;
	uint32_t nsrc;
	uint32_t src[16];
};

/* An IGMPv3 report (no IP header); returns the length. */
size_t fi_v3_report(uint8_t *out, const struct fi_rec *recs, int nrec);
/* Hand a valid packet to igmp_input() (right TTL, RA, destination). */
void fi_send_v12(struct fake_igmp *f, uint32_t ifindex, uint32_t src,
		 uint8_t type, uint32_t group);
/* One v3 record; sources as text: "10.0.0.1 10.0.0.2" ("" for none). */
void fi_send_v3(struct fake_igmp *f, uint32_t ifindex, uint32_t src,
		uint8_t rtype, uint32_t group, const char *sources);
/* A query from another router (version 2 or 3; v3: sources as text). */
void fi_send_query(struct fake_igmp *f, uint32_t ifindex, uint32_t src,
		   int version, uint32_t group, uint8_t max_resp, bool s_flag,
		   uint8_t qrv, uint8_t qqic, const char *sources);

/* ---- what went out --------------------------------------------------- */

struct fi_query {
	int version;
	uint32_t dst, group;
	uint32_t max_resp; /* decoded */
	bool s_flag;
	uint8_t qrv;
	uint32_t qqi;
	uint32_t nsrc;
	uint32_t src[256];
};

bool fi_parse_tx(const struct fi_tx *t, struct fi_query *q);
/* Queries sent on ifindex (0: any) since the last clear, by kind:
 * 'G' general, 'g' group-specific, 's' group-and-source-specific. */
size_t fi_count_tx(struct fake_igmp *f, uint32_t ifindex, char kind);
void fi_tx_clear(struct fake_igmp *f);

/* ---- state ----------------------------------------------------------- */

/*
 * IGMP's (and MLD's) memberships in MGM, sorted: "1:*,239.1.1.1
 * 2:10.0.0.1,232.1.1.1 1:*,ff0e::1"
 * ("" when none).  Static buffer.
 */
const char *fi_members(struct fake_igmp *f);
/*
 * The group as RFC 3376 writes it, sources sorted: "IN{10.0.0.1}",
 * "EX{10.0.0.1}{10.0.0.2}" (requested list X, exclude list Y), or "-" when
 * there is no state.  Static buffer.
 */
const char *fi_state(struct fake_igmp *f, uint32_t ifindex, uint32_t group);
/* Group details (false if no state). */
bool fi_group(struct fake_igmp *f, uint32_t ifindex, uint32_t group,
	      struct igmp_group_info *out);
/* Timer of one source in ms (-1 if no record). */
long fi_src_timer(struct fake_igmp *f, uint32_t ifindex, uint32_t group,
		  uint32_t source);
bool fi_if(struct fake_igmp *f, uint32_t ifindex, struct igmp_if_info *out);

/* ---- MLD ------------------------------------------------------------- */

/* A6(): an IPv6 address from text (fake_dp.h). */
/* Hand any packet to igmp_input(). */
void fi_input(struct fake_igmp *f, uint32_t ifindex, const uint8_t *p,
	      size_t n);
/*
 * Valid MLD packets from a host or another router (link-local src, or
 * "::"), as the MLD codec builds them: hop limit 1, Router Alert, sum.
 * type: 131 report, 132 done.  Sources as text ("" for none).
 */
size_t fi_mld_v1_pkt(uint8_t *out, const char *src, uint8_t type,
		     const char *group);
size_t fi_mld_v2_pkt(uint8_t *out, const char *src, uint8_t rtype,
		     const char *group, const char *sources);
void fi_mld_v1(struct fake_igmp *f, uint32_t ifindex, const char *src,
	       uint8_t type, const char *group);
void fi_mld_v2(struct fake_igmp *f, uint32_t ifindex, const char *src,
	       uint8_t rtype, const char *group, const char *sources);
/* A query of another router (version 1 or 2; group "::" for general). */
void fi_mld_query(struct fake_igmp *f, uint32_t ifindex, const char *src,
		  int version, const char *group, uint32_t max_resp_ms,
		  bool s_flag, uint8_t qrv, uint32_t qqi_s,
		  const char *sources);

struct fi_query6 {
	int version;
	struct mgm_addr src, dst, group; /* group unspecified: general */
	uint32_t max_resp_ms; /* decoded */
	bool s_flag;
	uint8_t qrv;
	uint32_t qqi_s;
	uint32_t nsrc;
	struct mgm_addr srcs[80];
};

/*
 * A sent MLD query, validated as a router validates what it receives
 * (mld_pkt_parse: hop limit 1, Router Alert, link-local source, sum).
 */
bool fi_parse_tx6(const struct fi_tx *t, struct fi_query6 *q);
/* As fi_count_tx(), for MLD queries. */
size_t fi_count_tx6(struct fake_igmp *f, uint32_t ifindex, char kind);
/* fi_state() and fi_group() of an IPv6 group given as text. */
const char *fi_state6(struct fake_igmp *f, uint32_t ifindex, const char *group);
bool fi_group6(struct fake_igmp *f, uint32_t ifindex, const char *group,
	       struct igmp_group_info *out);
long fi_src_timer6(struct fake_igmp *f, uint32_t ifindex, const char *group,
		   const char *source);
/* fi_if() of the interface's MLD (family MGM_AF_INET6). */
bool fi_if6(struct fake_igmp *f, uint32_t ifindex, struct igmp_if_info *out);

#endif /* MGM_TESTS_FAKE_IGMP_IO_H */
