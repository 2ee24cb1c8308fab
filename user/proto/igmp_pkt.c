// SPDX-License-Identifier: GPL-2.0
/*
 * igmp_pkt.c - the IGMP codec: validation of received IPv4/IGMP packets as
 * a router must do it, and the queries a router sends.
 *
 * Everything here is pure: the parser gets a buffer and its length and
 * reads nothing outside it (the fuzz test in test_igmp_pkt.c holds it to
 * that), the builder writes into a caller's buffer.  Addresses stay in
 * network byte order; multi-byte fields are read byte-wise because the
 * IGMP message sits after a variable-length IP header.
 */
#include <string.h>
#include <arpa/inet.h>

#include "igmp_int.h"
#include "proto/fcode.h"

#define IPOPT_EOL 0
#define IPOPT_NOP 1
#define IPOPT_RA 148 /* copied flag | 20 */

uint16_t igmp_csum(const void *p, size_t len)
{
	const uint8_t *b = p;
	uint32_t sum = 0;
	size_t i;

	for (i = 0; i + 1 < len; i += 2)
		sum += (uint32_t)b[i] << 8 | b[i + 1];
	if (len & 1)
		sum += (uint32_t)b[len - 1] << 8;
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

uint32_t igmp_code_decode(uint8_t code)
{
	return fcode_decode(code, 4);
}

uint8_t igmp_code_encode(uint32_t value)
{
	/* Beyond the largest code (31744) it saturates. */
	return (uint8_t)fcode_encode(value, 4);
}

static bool is_multicast(uint32_t a)
{
	return (ntohl(a) & 0xf0000000U) == 0xe0000000U;
}

/* IPv4 options: well formed, and is the Router Alert among them? */
static bool parse_options(const uint8_t *opt, size_t len, bool *ra)
{
	size_t i = 0;

	*ra = false;
	while (i < len) {
		uint8_t type = opt[i], olen;

		if (type == IPOPT_EOL)
			break;
		if (type == IPOPT_NOP) {
			i++;
			continue;
		}
		if (i + 1 >= len)
			return false;
		olen = opt[i + 1];
		if (olen < 2 || olen > len - i)
			return false;
		/* RFC 2113: type 148, length 4, value 0 (examine packet). */
		if (type == IPOPT_RA && olen == 4)
			*ra = true;
		i += olen;
	}
	return true;
}

/* Every record of a v3 report must lie inside the message. */
static enum igmp_rx check_records(const uint8_t *igmp, size_t len,
				  struct igmp_msg *m)
{
	size_t off = 8;
	uint16_t k;

	m->nrec = rd16be(igmp + 6);
	m->recs = igmp + 8;
	for (k = 0; k < m->nrec; k++) {
		size_t rlen;

		if (len - off < 8)
			return IGMP_RX_TRUNCATED;
		rlen = 8 + 4 * (size_t)rd16be(igmp + off + 2) +
		       4 * (size_t)igmp[off + 1];
		if (len - off < rlen)
			return IGMP_RX_TRUNCATED;
		off += rlen;
	}
	m->recs_len = off - 8;
	return IGMP_RX_OK;
}

/* Type-specific lengths and fields; policy checks come after. */
static enum igmp_rx parse_igmp(const uint8_t *igmp, size_t len,
			       struct igmp_msg *m)
{
	m->type = igmp[0];
	m->group = rd32(igmp + 4);
	switch (m->type) {
	case IGMP_QUERY:
		/* RFC 3376 7.1: the length tells the version. */
		if (len == 8) {
			m->version = igmp[1] ? 2 : 1;
			m->max_resp_ds = igmp[1] ? igmp[1] : 100;
		} else if (len < 12) {
			return IGMP_RX_TOO_SHORT;
		} else {
			m->version = 3;
			m->max_resp_ds = igmp_code_decode(igmp[1]);
			m->s_flag = igmp[8] & 0x08;
			m->qrv = igmp[8] & 0x07;
			m->qqi_s = igmp_code_decode(igmp[9]);
			m->nsrc = rd16be(igmp + 10);
			m->srcs = igmp + 12;
			if ((len - 12) / 4 < m->nsrc)
				return IGMP_RX_TRUNCATED;
		}
		if (m->group && !is_multicast(m->group))
			return IGMP_RX_BAD_GROUP;
		return IGMP_RX_OK;
	case IGMP_V1_REPORT:
	case IGMP_V2_REPORT:
	case IGMP_V2_LEAVE:
		m->version = m->type == IGMP_V1_REPORT ? 1 : 2;
		if (!is_multicast(m->group))
			return IGMP_RX_BAD_GROUP;
		return IGMP_RX_OK;
	case IGMP_V3_REPORT:
		m->version = 3;
		m->group = 0;
		return check_records(igmp, len, m);
	default:
		return IGMP_RX_UNKNOWN_TYPE;
	}
}

/* Where each type must be sent (RFC 2236 2/3, RFC 3376 4.1.12, 4.2.14). */
static bool dest_ok(const struct igmp_msg *m)
{
	uint32_t d = ntohl(m->dst);

	switch (m->type) {
	case IGMP_QUERY:
		if (!m->group)
			return d == IGMP_ALL_HOSTS;
		return m->dst == m->group || d == IGMP_ALL_HOSTS;
	case IGMP_V1_REPORT:
	case IGMP_V2_REPORT:
		return m->dst == m->group;
	case IGMP_V2_LEAVE:
		/* RFC 2236 says all-routers; old hosts use the group. */
		return d == IGMP_ALL_ROUTERS || m->dst == m->group;
	case IGMP_V3_REPORT:
		return d == IGMP_V3_ROUTERS;
	}
	return false;
}

enum igmp_rx igmp_pkt_parse(const uint8_t *ip, size_t len, struct igmp_msg *m)
{
	size_t ihl, tot;
	uint32_t s;
	enum igmp_rx r;

	memset(m, 0, sizeof(*m));
	if (!ip || len < 20 || ip[0] >> 4 != 4)
		return IGMP_RX_BAD_IP;
	ihl = (size_t)(ip[0] & 0x0f) * 4;
	tot = rd16be(ip + 2);
	if (ihl < 20 || tot < ihl)
		return IGMP_RX_BAD_IP;
	/* Frames may carry padding after the packet, never less of it. */
	if (ihl > len || tot > len)
		return IGMP_RX_TRUNCATED;
	/* IGMP is never fragmented; a fragment cannot be checked whole. */
	if (rd16be(ip + 6) & 0x3fff)
		return IGMP_RX_BAD_IP;
	if (ip[9] != 2)
		return IGMP_RX_BAD_IP;
	if (igmp_csum(ip, ihl))
		return IGMP_RX_BAD_CHECKSUM;
	m->src = rd32(ip + 12);
	m->dst = rd32(ip + 16);
	m->ttl = ip[8];
	s = ntohl(m->src);
	if ((s & 0xf0000000U) >= 0xe0000000U)
		return IGMP_RX_BAD_IP; /* multicast, class E or broadcast */
	if (!parse_options(ip + 20, ihl - 20, &m->ra))
		return IGMP_RX_BAD_IP;
	if (tot - ihl < 8)
		return IGMP_RX_TOO_SHORT;
	if (igmp_csum(ip + ihl, tot - ihl))
		return IGMP_RX_BAD_CHECKSUM;
	r = parse_igmp(ip + ihl, tot - ihl, m);
	if (r)
		return r;
	/* Link-local scope: a router never forwards these (RFC 3376 4). */
	if (m->ttl != 1)
		return IGMP_RX_BAD_TTL;
	/*
	 * RFC 3376 4 and 9.1: v3 messages carry Router Alert.  v1 hosts
	 * never set it and many v2 stacks omit it, so for those it is only
	 * counted (rx_no_ra), as RFC 2236 routers commonly do.
	 */
	if (m->version == 3 && !m->ra)
		return IGMP_RX_NO_RA;
	if (!dest_ok(m))
		return IGMP_RX_BAD_DEST;
	return IGMP_RX_OK;
}

bool igmp_rec_next(const struct igmp_msg *m, size_t *off, struct igmp_rec *r)
{
	const uint8_t *p;
	size_t rlen;

	/* igmp_pkt_parse() checked that every record fits: stay inside. */
	if (*off + 8 > m->recs_len)
		return false;
	p = m->recs + *off;
	r->type = p[0];
	r->nsrc = rd16be(p + 2);
	r->group = rd32(p + 4);
	r->srcs = p + 8;
	rlen = 8 + 4 * (size_t)r->nsrc + 4 * (size_t)p[1];
	if (rlen > m->recs_len - *off)
		return false;
	*off += rlen;
	return true;
}

size_t igmp_build_query(uint8_t *buf, size_t cap,
			const struct igmp_query_fields *q)
{
	size_t len = q->version == 2 ? 8 : 12 + 4 * (size_t)q->nsrc;
	uint16_t sum;
	uint32_t i;

	if (len > cap || q->nsrc > IGMP_QUERY_MAX_SOURCES ||
	    (q->version != 2 && q->version != 3))
		return 0;
	memset(buf, 0, len);
	buf[0] = IGMP_QUERY;
	memcpy(buf + 4, &q->group, 4);
	if (q->version == 2) {
		/* RFC 2236: Max Response Time in tenths, 1..255. */
		buf[1] = q->max_resp_ds > 255 ? 255 :
			 q->max_resp_ds	      ? (uint8_t)q->max_resp_ds :
						1;
	} else {
		buf[1] = igmp_code_encode(q->max_resp_ds ? q->max_resp_ds : 1);
		/* QRV is 3 bits: a larger robustness is sent as 0. */
		buf[8] = (q->s_flag ? 0x08 : 0) | (q->qrv <= 7 ? q->qrv : 0);
		buf[9] = igmp_code_encode(q->qqi_s);
		buf[10] = (uint8_t)(q->nsrc >> 8);
		buf[11] = (uint8_t)q->nsrc;
		for (i = 0; i < q->nsrc; i++)
			memcpy(buf + 12 + 4 * i, &q->srcs[i], 4);
	}
	sum = htons(igmp_csum(buf, len));
	memcpy(buf + 2, &sum, 2);
	return len;
}
