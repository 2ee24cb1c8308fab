// SPDX-License-Identifier: GPL-2.0
/*
 * mld_pkt.c - the MLD codec: validation of received IPv6/MLD packets as a
 * router must do it (RFC 2710, RFC 3810), and the packets it sends.
 *
 * Everything here is pure: the parser gets a buffer and its length and
 * reads nothing outside it (tests/unit/test_mld_pkt.c and the fuzz target
 * tests/fuzz/fuzz_mld.c hold it to that), the builders write into a
 * caller's buffer.  Multi-byte fields are read byte-wise: the ICMPv6
 * message sits after a variable chain of extension headers.
 */
#include <string.h>

#include "proto/fcode.h"
#include "proto/mld_pkt.h"

#define NH_HOPOPTS 0
#define NH_FRAGMENT 44
#define NH_ICMPV6 58
#define NH_DSTOPTS 60
#define OPT_PAD1 0
#define OPT_PADN 1
#define OPT_RA 5 /* RFC 2711 */
#define RA_MLD 0 /* Router Alert value: MLD message */
/* Extension headers walked before giving up (a Hop-by-Hop header and a
 * few Destination Options headers are all an MLD packet can carry). */
#define MAX_EXT_HDRS 8

const struct in6_addr mld_all_nodes = { { { 0xff, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0,
					    0, 0, 0, 0, 1 } } };
const struct in6_addr mld_all_routers = { { { 0xff, 2, 0, 0, 0, 0, 0, 0, 0, 0,
					      0, 0, 0, 0, 0, 2 } } };
const struct in6_addr mld_v2_routers = { { { 0xff, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0,
					     0, 0, 0, 0, 0x16 } } };

static const char *const rx_names[MLD_RX_MAX] = {
	[MLD_RX_OK] = "ok",
	[MLD_RX_BAD_IP] = "bad IPv6 header",
	[MLD_RX_NOT_ICMP6] = "not ICMPv6",
	[MLD_RX_UNKNOWN_TYPE] = "not an MLD type",
	[MLD_RX_TOO_SHORT] = "too short for its type",
	[MLD_RX_TRUNCATED] = "truncated",
	[MLD_RX_BAD_CHECKSUM] = "bad checksum",
	[MLD_RX_BAD_HOPLIMIT] = "hop limit not 1",
	[MLD_RX_NO_RA] = "no Router Alert",
	[MLD_RX_BAD_SRC] = "source not link-local",
	[MLD_RX_BAD_DEST] = "wrong destination",
	[MLD_RX_BAD_GROUP] = "bad multicast address field",
};

const char *mld_rx_str(enum mld_rx r)
{
	return (unsigned int)r < MLD_RX_MAX ? rx_names[r] : "?";
}

static uint16_t rd16be(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static void wr16be(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static struct in6_addr rd_addr(const uint8_t *p)
{
	struct in6_addr a;

	memcpy(&a, p, 16);
	return a;
}

static bool addr_eq(const struct in6_addr *a, const struct in6_addr *b)
{
	return !memcmp(a, b, 16);
}

static bool addr_unspec(const struct in6_addr *a)
{
	static const struct in6_addr any;

	return addr_eq(a, &any);
}

bool mld_is_link_local(const struct in6_addr *a)
{
	return a->s6_addr[0] == 0xfe && (a->s6_addr[1] & 0xc0) == 0x80;
}

bool mld_is_multicast(const struct in6_addr *a)
{
	return a->s6_addr[0] == 0xff;
}

static uint32_t sum_bytes(uint32_t sum, const uint8_t *b, size_t len)
{
	size_t i;

	for (i = 0; i + 1 < len; i += 2)
		sum += (uint32_t)b[i] << 8 | b[i + 1];
	if (len & 1)
		sum += (uint32_t)b[len - 1] << 8;
	/* Fold now and then: len can be up to 64 KiB. */
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return sum;
}

uint16_t mld_csum(const struct in6_addr *src, const struct in6_addr *dst,
		  const uint8_t *icmp, size_t len)
{
	uint8_t ph[8] = { (uint8_t)(len >> 24),
			  (uint8_t)(len >> 16),
			  (uint8_t)(len >> 8),
			  (uint8_t)len,
			  0,
			  0,
			  0,
			  NH_ICMPV6 };
	uint32_t sum;

	/* Pseudo-header: source, destination, length (32 bits), 0, 58. */
	sum = sum_bytes(0, src->s6_addr, 16);
	sum = sum_bytes(sum, dst->s6_addr, 16);
	sum = sum_bytes(sum, ph, 8);
	sum = sum_bytes(sum, icmp, len);
	return (uint16_t)~sum;
}

uint32_t mld_mrc_decode(uint16_t code)
{
	return fcode_decode(code, 12);
}

uint16_t mld_mrc_encode(uint32_t ms)
{
	return (uint16_t)fcode_encode(ms, 12);
}

uint32_t mld_qqic_decode(uint8_t code)
{
	return fcode_decode(code, 4);
}

uint8_t mld_qqic_encode(uint32_t s)
{
	return (uint8_t)fcode_encode(s, 4);
}

/*
 * The options of a Hop-by-Hop or Destination Options header (RFC 8200
 * 4.2): well formed, no unknown option whose action says discard, and
 * (hbh) is the Router Alert for MLD among them?
 */
static bool parse_options(const uint8_t *opt, size_t len, bool hbh, bool *ra)
{
	size_t i = 0;

	while (i < len) {
		uint8_t type = opt[i], olen;

		if (type == OPT_PAD1) {
			i++;
			continue;
		}
		if (len - i < 2)
			return false;
		olen = opt[i + 1];
		if (olen > len - i - 2)
			return false;
		if (type == OPT_RA) {
			/* RFC 2711: length 2; value 0 is MLD. */
			if (olen != 2)
				return false;
			if (hbh && rd16be(opt + i + 2) == RA_MLD)
				*ra = true;
		} else if (type != OPT_PADN && type >> 6) {
			/* Unknown, and the high bits say discard. */
			return false;
		}
		i += 2 + (size_t)olen;
	}
	return true;
}

/* Every record of a v2 report must lie inside the message. */
static enum mld_rx check_records(const uint8_t *icmp, size_t len,
				 struct mld_msg *m)
{
	size_t off = MLD_V2_REPORT_MIN;
	uint16_t k;

	m->nrec = rd16be(icmp + 6);
	m->recs = icmp + off;
	for (k = 0; k < m->nrec; k++) {
		size_t rlen;

		if (len - off < MLD_V2_REC_MIN)
			return MLD_RX_TRUNCATED;
		/* type, aux words, sources, address, sources, aux data */
		rlen = MLD_V2_REC_MIN + 16 * (size_t)rd16be(icmp + off + 2) +
		       4 * (size_t)icmp[off + 1];
		if (len - off < rlen)
			return MLD_RX_TRUNCATED;
		if (icmp[off] < MLD_IS_IN || icmp[off] > MLD_BLOCK)
			m->nrec_unknown++;
		off += rlen;
	}
	m->recs_len = off - MLD_V2_REPORT_MIN;
	return MLD_RX_OK;
}

/* Type-specific lengths and fields; policy checks come after. */
static enum mld_rx parse_mld(const uint8_t *icmp, size_t len, struct mld_msg *m)
{
	switch (m->type) {
	case MLD_QUERY:
		/* RFC 3810 8.1: 24 bytes is v1, 28 or more v2, else ignore. */
		if (len < MLD_V1_LEN)
			return MLD_RX_TOO_SHORT;
		m->group = rd_addr(icmp + 8);
		if (len == MLD_V1_LEN) {
			m->version = 1;
			m->max_resp_ms = rd16be(icmp + 4);
		} else if (len < MLD_V2_QUERY_MIN) {
			return MLD_RX_TOO_SHORT;
		} else {
			m->version = 2;
			m->max_resp_ms = mld_mrc_decode(rd16be(icmp + 4));
			m->s_flag = icmp[24] & 0x08;
			m->qrv = icmp[24] & 0x07;
			m->qqi_s = mld_qqic_decode(icmp[25]);
			m->nsrc = rd16be(icmp + 26);
			m->srcs = icmp + MLD_V2_QUERY_MIN;
			/* RFC 3810 5.1.12: bytes after the list are ignored. */
			if ((len - MLD_V2_QUERY_MIN) / 16 < m->nsrc)
				return MLD_RX_TRUNCATED;
		}
		if (addr_unspec(&m->group)) {
			/* A general query names no sources. */
			if (m->nsrc)
				return MLD_RX_BAD_GROUP;
		} else if (!mld_is_multicast(&m->group)) {
			return MLD_RX_BAD_GROUP;
		}
		return MLD_RX_OK;
	case MLD_V1_REPORT:
	case MLD_V1_DONE:
		/* RFC 2710 3: longer messages are fine, the rest ignored. */
		if (len < MLD_V1_LEN)
			return MLD_RX_TOO_SHORT;
		m->version = 1;
		m->group = rd_addr(icmp + 8);
		if (!mld_is_multicast(&m->group))
			return MLD_RX_BAD_GROUP;
		return MLD_RX_OK;
	case MLD_V2_REPORT:
		if (len < MLD_V2_REPORT_MIN)
			return MLD_RX_TOO_SHORT;
		m->version = 2;
		return check_records(icmp, len, m);
	}
	return MLD_RX_UNKNOWN_TYPE;
}

/* RFC 3810 5.1.14 and 5.2.13 (RFC 2710 3 for v1). */
static bool src_ok(const struct mld_msg *m)
{
	if (mld_is_link_local(&m->src))
		return true;
	/* Reports before the host has a link-local address (DAD). */
	return addr_unspec(&m->src) &&
	       (m->type == MLD_V1_REPORT || m->type == MLD_V2_REPORT);
}

/* Where each type must be sent (RFC 2710 5/6, RFC 3810 5.1.15, 5.2.14). */
static bool dest_ok(const struct mld_msg *m)
{
	switch (m->type) {
	case MLD_QUERY:
		if (addr_unspec(&m->group))
			return addr_eq(&m->dst, &mld_all_nodes);
		/* Specific queries go to the group; accept all-nodes too,
		 * as the IGMP codec does. */
		return addr_eq(&m->dst, &m->group) ||
		       addr_eq(&m->dst, &mld_all_nodes);
	case MLD_V1_REPORT:
		return addr_eq(&m->dst, &m->group);
	case MLD_V1_DONE:
		/* RFC 2710 says all-routers; some hosts use the group. */
		return addr_eq(&m->dst, &mld_all_routers) ||
		       addr_eq(&m->dst, &m->group);
	case MLD_V2_REPORT:
		return addr_eq(&m->dst, &mld_v2_routers);
	}
	return false;
}

enum mld_rx mld_pkt_parse(const uint8_t *ip, size_t len, struct mld_msg *m)
{
	size_t end, off = 40, ilen;
	uint8_t nh;
	int n = 0;
	enum mld_rx r;

	memset(m, 0, sizeof(*m));
	if (!ip || !len || ip[0] >> 4 != 6)
		return MLD_RX_BAD_IP;
	if (len < 40)
		return MLD_RX_TRUNCATED;
	/* A payload length of 0 is a jumbogram: never MLD. */
	end = rd16be(ip + 4);
	if (!end)
		return MLD_RX_BAD_IP;
	end += 40;
	/* Frames may carry padding after the packet, never less of it. */
	if (end > len)
		return MLD_RX_TRUNCATED;
	m->hop_limit = ip[7];
	m->src = rd_addr(ip + 8);
	m->dst = rd_addr(ip + 24);
	/* A multicast source is never valid (RFC 4291 2.7). */
	if (mld_is_multicast(&m->src))
		return MLD_RX_BAD_IP;

	/*
	 * Extension headers: Hop-by-Hop only first (RFC 8200 4.1), then
	 * Destination Options.  A fragment cannot be checked whole (and MLD
	 * is never fragmented); any other next header is not for us.
	 */
	for (nh = ip[6]; nh != NH_ICMPV6; n++) {
		size_t hlen;

		if (n == MAX_EXT_HDRS || nh == NH_FRAGMENT)
			return MLD_RX_BAD_IP;
		if (nh == NH_HOPOPTS && n)
			return MLD_RX_BAD_IP; /* only as the first */
		if (nh != NH_HOPOPTS && nh != NH_DSTOPTS)
			return MLD_RX_NOT_ICMP6;
		if (end - off < 8)
			return MLD_RX_TRUNCATED;
		hlen = 8 * ((size_t)ip[off + 1] + 1);
		if (end - off < hlen)
			return MLD_RX_TRUNCATED;
		if (!parse_options(ip + off + 2, hlen - 2, nh == NH_HOPOPTS,
				   &m->ra))
			return MLD_RX_BAD_IP;
		nh = ip[off];
		off += hlen;
	}
	m->icmp = ip + off;
	m->icmp_len = ilen = end - off;
	if (ilen < 4)
		return MLD_RX_TOO_SHORT;
	m->type = ip[off];
	if (m->type != MLD_QUERY && m->type != MLD_V1_REPORT &&
	    m->type != MLD_V1_DONE && m->type != MLD_V2_REPORT)
		return MLD_RX_UNKNOWN_TYPE;
	if (mld_csum(&m->src, &m->dst, m->icmp, ilen))
		return MLD_RX_BAD_CHECKSUM;
	r = parse_mld(m->icmp, ilen, m);
	if (r)
		return r;
	/* Link-local scope: a router never forwards these. */
	if (m->hop_limit != 1)
		return MLD_RX_BAD_HOPLIMIT;
	if (!m->ra)
		return MLD_RX_NO_RA;
	if (!src_ok(m))
		return MLD_RX_BAD_SRC;
	if (!dest_ok(m))
		return MLD_RX_BAD_DEST;
	return MLD_RX_OK;
}

bool mld_rec_next(const struct mld_msg *m, size_t *off, struct mld_rec *r)
{
	const uint8_t *p;
	size_t rlen;

	/* mld_pkt_parse() checked that every record fits: stay inside. */
	for (;;) {
		if (*off > m->recs_len || m->recs_len - *off < MLD_V2_REC_MIN)
			return false;
		p = m->recs + *off;
		rlen = MLD_V2_REC_MIN + 16 * (size_t)rd16be(p + 2) +
		       4 * (size_t)p[1];
		if (rlen > m->recs_len - *off)
			return false;
		*off += rlen;
		/* RFC 3810 5.2.12: unknown record types are ignored. */
		if (p[0] >= MLD_IS_IN && p[0] <= MLD_BLOCK)
			break;
	}
	r->type = p[0];
	r->nsrc = rd16be(p + 2);
	r->group = rd_addr(p + 4);
	r->srcs = p + MLD_V2_REC_MIN;
	return true;
}

/*
 * The IPv6 header and the Hop-by-Hop header with the Router Alert before
 * an ICMPv6 message of ilen bytes at buf + MLD_HDRS_LEN; then the sum.
 */
static size_t frame(uint8_t *buf, const struct in6_addr *src,
		    const struct in6_addr *dst, size_t ilen)
{
	static const uint8_t hbh[8] = {
		NH_ICMPV6, 0, /* next header, length 8 bytes */
		OPT_RA,	   2, 0, RA_MLD, /* Router Alert: MLD */
		OPT_PADN,  0, /* two bytes of padding */
	};
	uint8_t *icmp = buf + MLD_HDRS_LEN;

	buf[0] = 0x60; /* version 6, traffic class 0, flow label 0 */
	buf[1] = buf[2] = buf[3] = 0;
	wr16be(buf + 4, (uint16_t)(8 + ilen));
	buf[6] = NH_HOPOPTS;
	buf[7] = 1; /* hop limit */
	memcpy(buf + 8, src, 16);
	memcpy(buf + 24, dst, 16);
	memcpy(buf + 40, hbh, sizeof(hbh));
	wr16be(icmp + 2, 0);
	wr16be(icmp + 2, mld_csum(src, dst, icmp, ilen));
	return MLD_HDRS_LEN + ilen;
}

size_t mld_build_query(uint8_t *buf, size_t cap,
		       const struct mld_query_fields *q)
{
	bool general = addr_unspec(&q->group);
	size_t ilen = q->version == 1 ? MLD_V1_LEN :
					MLD_V2_QUERY_MIN + 16 * (size_t)q->nsrc;
	uint8_t *icmp = buf + MLD_HDRS_LEN;
	uint32_t i;

	if ((q->version != 1 && q->version != 2) ||
	    q->nsrc > MLD_QUERY_MAX_SOURCES ||
	    (q->nsrc && (q->version == 1 || general)) ||
	    (!general && !mld_is_multicast(&q->group)) ||
	    cap < MLD_HDRS_LEN + ilen)
		return 0;
	memset(icmp, 0, ilen);
	icmp[0] = MLD_QUERY;
	memcpy(icmp + 8, &q->group, 16);
	if (q->version == 1) {
		/* RFC 2710 3.4: milliseconds in 16 bits. */
		wr16be(icmp + 4, q->max_resp_ms > 0xffff ?
					 0xffff :
					 (uint16_t)q->max_resp_ms);
	} else {
		wr16be(icmp + 4, mld_mrc_encode(q->max_resp_ms));
		/* QRV is 3 bits: a larger robustness is sent as 0. */
		icmp[24] = (q->s_flag ? 0x08 : 0) | (q->qrv <= 7 ? q->qrv : 0);
		icmp[25] = mld_qqic_encode(q->qqi_s);
		wr16be(icmp + 26, (uint16_t)q->nsrc);
		for (i = 0; i < q->nsrc; i++)
			memcpy(icmp + MLD_V2_QUERY_MIN + 16 * i, &q->srcs[i],
			       16);
	}
	return frame(buf, &q->src, general ? &mld_all_nodes : &q->group, ilen);
}

size_t mld_build_v2_report(uint8_t *buf, size_t cap, const struct in6_addr *src,
			   const struct mld_rec_fields *recs, size_t nrec)
{
	size_t ilen = MLD_V2_REPORT_MIN, off, k;
	uint8_t *icmp = buf + MLD_HDRS_LEN;

	if (nrec > 0xffff)
		return 0;
	for (k = 0; k < nrec; k++)
		ilen += MLD_V2_REC_MIN + 16 * (size_t)recs[k].nsrc;
	/* The payload length field has 16 bits. */
	if (ilen + 8 > 0xffff || cap < MLD_HDRS_LEN + ilen)
		return 0;
	memset(icmp, 0, MLD_V2_REPORT_MIN);
	icmp[0] = MLD_V2_REPORT;
	wr16be(icmp + 6, (uint16_t)nrec);
	for (k = 0, off = MLD_V2_REPORT_MIN; k < nrec; k++) {
		const struct mld_rec_fields *r = &recs[k];

		icmp[off] = r->type;
		icmp[off + 1] = 0; /* no aux data in MLDv2 */
		wr16be(icmp + off + 2, r->nsrc);
		memcpy(icmp + off + 4, &r->group, 16);
		if (r->nsrc)
			memcpy(icmp + off + MLD_V2_REC_MIN, r->srcs,
			       16 * (size_t)r->nsrc);
		off += MLD_V2_REC_MIN + 16 * (size_t)r->nsrc;
	}
	return frame(buf, src, &mld_v2_routers, ilen);
}

size_t mld_build_v1(uint8_t *buf, size_t cap, uint8_t type,
		    const struct in6_addr *src, const struct in6_addr *group)
{
	uint8_t *icmp = buf + MLD_HDRS_LEN;

	if ((type != MLD_V1_REPORT && type != MLD_V1_DONE) ||
	    !mld_is_multicast(group) || cap < MLD_HDRS_LEN + MLD_V1_LEN)
		return 0;
	memset(icmp, 0, MLD_V1_LEN);
	icmp[0] = type;
	memcpy(icmp + 8, group, 16);
	return frame(buf, src, type == MLD_V1_DONE ? &mld_all_routers : group,
		     MLD_V1_LEN);
}
