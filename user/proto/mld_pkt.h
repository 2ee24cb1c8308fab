/* SPDX-License-Identifier: GPL-2.0 */
/*
 * mld_pkt.h - the MLD codec (mld_pkt.c): validation of received IPv6/MLD
 * packets as a router must do it (RFC 2710 MLDv1, RFC 3810 MLDv2), and the
 * packets a router sends (queries), plus reports for tests and tools.
 *
 * Like the IGMP codec (igmp_int.h) everything here is pure: the parser
 * gets a buffer and its length and reads nothing outside it, the builders
 * write into a caller's buffer.  Input starts at the IPv6 header, as an
 * AF_PACKET SOCK_DGRAM socket (ETH_P_IPV6) delivers it -- the way IGMP's
 * receiver takes IPv4 -- and the builders produce the IPv6 header, the
 * Hop-by-Hop header with the Router Alert and the ICMPv6 message, ready
 * for a raw IPv6 socket that includes the header (IPPROTO_RAW): the
 * kernel adds the link's own header, whatever the link.
 *
 * Addresses are struct in6_addr (network byte order); the codec knows
 * nothing of MGM or of the core's address type.
 */
#ifndef MGM_PROTO_MLD_PKT_H
#define MGM_PROTO_MLD_PKT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <netinet/in.h>

#pragma GCC visibility push(hidden)

/* ICMPv6 types of MLD. */
#define MLD_QUERY 130 /* v1 and v2, told apart by length (RFC 3810 8.1) */
#define MLD_V1_REPORT 131
#define MLD_V1_DONE 132
#define MLD_V2_REPORT 143

/* MLDv2 multicast address record types (RFC 3810 5.2.12). */
#define MLD_IS_IN 1 /* MODE_IS_INCLUDE */
#define MLD_IS_EX 2 /* MODE_IS_EXCLUDE */
#define MLD_TO_IN 3 /* CHANGE_TO_INCLUDE_MODE */
#define MLD_TO_EX 4 /* CHANGE_TO_EXCLUDE_MODE */
#define MLD_ALLOW 5 /* ALLOW_NEW_SOURCES */
#define MLD_BLOCK 6 /* BLOCK_OLD_SOURCES */

/* Fixed lengths (ICMPv6 message, bytes). */
#define MLD_V1_LEN 24
#define MLD_V2_QUERY_MIN 28
#define MLD_V2_REPORT_MIN 8
#define MLD_V2_REC_MIN 20

/*
 * What the builders put before the ICMPv6 message: the IPv6 header and
 * an 8-byte Hop-by-Hop header (Router Alert, PadN).
 */
#define MLD_HDRS_LEN (40 + 8)
/* Sources per built query: with the headers it fits a 1280-byte MTU. */
#define MLD_QUERY_MAX_SOURCES 75
#define MLD_QUERY_MAX_LEN \
	(MLD_HDRS_LEN + MLD_V2_QUERY_MIN + 16 * MLD_QUERY_MAX_SOURCES)

/* Why mld_pkt_parse() rejected a packet (0: it did not). */
enum mld_rx {
	MLD_RX_OK = 0,
	MLD_RX_BAD_IP, /* IPv6 header, extension headers, jumbogram */
	MLD_RX_NOT_ICMP6, /* a valid packet, but not ICMPv6 */
	MLD_RX_UNKNOWN_TYPE, /* ICMPv6, but not MLD (ND, echo, ...) */
	MLD_RX_TOO_SHORT, /* shorter than its type needs (or 25..27) */
	MLD_RX_TRUNCATED, /* beyond the end: packet, sources, records */
	MLD_RX_BAD_CHECKSUM, /* ICMPv6 checksum (with pseudo-header) */
	MLD_RX_BAD_HOPLIMIT, /* hop limit other than 1 */
	MLD_RX_NO_RA, /* no Router Alert (value 0) in a Hop-by-Hop header */
	MLD_RX_BAD_SRC, /* not link-local (:: allowed for reports only) */
	MLD_RX_BAD_DEST, /* destination not what the type requires */
	MLD_RX_BAD_GROUP, /* multicast address field not multicast */
	MLD_RX_MAX,
};

/* A short fixed name of a reason ("ok", "truncated", ...). */
const char *mld_rx_str(enum mld_rx r);

/* A validated message; pointers point into the caller's buffer. */
struct mld_msg {
	struct in6_addr src, dst;
	uint8_t hop_limit;
	bool ra; /* Router Alert option, value 0 (MLD), present */
	uint8_t type;
	int version; /* 1 or 2 */
	struct in6_addr group; /* queries (:: general), v1 report/done */
	const uint8_t *icmp; /* the ICMPv6 message, icmp_len bytes */
	size_t icmp_len;
	/* Queries */
	uint32_t max_resp_ms; /* decoded Maximum Response Delay */
	bool s_flag; /* v2: suppress router-side processing */
	uint8_t qrv; /* v2 */
	uint32_t qqi_s; /* v2, decoded */
	uint16_t nsrc;
	const uint8_t *srcs; /* nsrc addresses of 16 bytes, unaligned */
	/* MLDv2 reports */
	uint16_t nrec; /* records in the message, of any type */
	uint16_t nrec_unknown; /* of them, of unknown type (skipped) */
	const uint8_t *recs; /* the records, all within recs_len */
	size_t recs_len;
};

struct mld_rec {
	uint8_t type; /* MLD_IS_IN .. MLD_BLOCK */
	struct in6_addr group;
	uint16_t nsrc;
	const uint8_t *srcs; /* nsrc addresses, unaligned */
};

/*
 * Validate an IPv6 packet carrying MLD as a router must: IPv6 header and
 * payload length, extension headers (a Hop-by-Hop header first, then
 * Destination Options; fragments and others refused), ICMPv6 type and
 * checksum, lengths per type (RFC 3810 8.1 for queries), every source
 * list and record inside the message, hop limit 1, Router Alert, link-
 * local source (RFC 3810 5.1.14, 5.2.13), destination per type, group
 * field.  Never reads outside ip[0..len); len may include link padding.
 * Other ICMPv6 types (ND, echo) are MLD_RX_UNKNOWN_TYPE before their
 * checksum is looked at: not ours to judge.
 */
enum mld_rx mld_pkt_parse(const uint8_t *ip, size_t len, struct mld_msg *m);
/*
 * The next record of a parsed v2 report at *off (start with 0).  Records
 * of unknown type are skipped (RFC 3810 5.2.12: silently ignored); the
 * sources of one of a known type can be read with mld_rec_src().
 */
bool mld_rec_next(const struct mld_msg *m, size_t *off, struct mld_rec *r);
/* Source i of a list (srcs of a query or a record). */
static inline struct in6_addr mld_src(const uint8_t *srcs, size_t i)
{
	struct in6_addr a;

	__builtin_memcpy(&a, srcs + 16 * i, 16);
	return a;
}

/*
 * The ICMPv6 checksum of icmp[0..len) with the IPv6 pseudo-header (RFC
 * 8200 8.1): 0 when a received message's sum is right; for a message
 * being built (checksum field 0) the value to store, in host order.
 */
uint16_t mld_csum(const struct in6_addr *src, const struct in6_addr *dst,
		  const uint8_t *icmp, size_t len);

/* RFC 3810 5.1.3 Maximum Response Code <-> milliseconds. */
uint32_t mld_mrc_decode(uint16_t code);
uint16_t mld_mrc_encode(uint32_t ms); /* truncates; saturates at 8387584 */
/* RFC 3810 5.1.9 QQIC <-> seconds. */
uint32_t mld_qqic_decode(uint8_t code);
uint8_t mld_qqic_encode(uint32_t s); /* truncates; saturates at 31744 */

/* fe80::/10 */
bool mld_is_link_local(const struct in6_addr *a);
/* ff00::/8 */
bool mld_is_multicast(const struct in6_addr *a);
/* ff02::1, ff02::2, ff02::16 */
extern const struct in6_addr mld_all_nodes, mld_all_routers, mld_v2_routers;

struct mld_query_fields {
	int version; /* 1 or 2 */
	struct in6_addr src; /* link-local address of the interface */
	struct in6_addr group; /* :: general query, else specific */
	uint32_t max_resp_ms;
	bool s_flag; /* v2 */
	uint8_t qrv; /* v2; above 7 sent as 0 */
	uint32_t qqi_s; /* v2 */
	const struct in6_addr *srcs; /* v2 */
	uint32_t nsrc; /* <= MLD_QUERY_MAX_SOURCES */
};

/*
 * Build a query (IPv6 header onward) into buf (cap bytes): to ff02::1
 * for a general query, to the group for a specific one; hop limit 1,
 * Router Alert, checksum.  Returns its length, or 0 (no room, too many
 * sources, sources in a v1 or a general query, bad version or group).
 */
size_t mld_build_query(uint8_t *buf, size_t cap,
		       const struct mld_query_fields *q);

/* A record to build into a v2 report. */
struct mld_rec_fields {
	uint8_t type;
	struct in6_addr group;
	const struct in6_addr *srcs;
	uint16_t nsrc;
};

/*
 * Build an MLDv2 report (to ff02::16) or an MLDv1 report (to the group)
 * or done (to ff02::2) from src; same framing as queries.  Returns the
 * length or 0.  What hosts send: for tests, fuzz seeds and tools.
 */
size_t mld_build_v2_report(uint8_t *buf, size_t cap, const struct in6_addr *src,
			   const struct mld_rec_fields *recs, size_t nrec);
size_t mld_build_v1(uint8_t *buf, size_t cap, uint8_t type,
		    const struct in6_addr *src, const struct in6_addr *group);

#pragma GCC visibility pop

#endif
