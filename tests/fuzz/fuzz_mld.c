// SPDX-License-Identifier: GPL-2.0
/*
 * fuzz_mld.c - the MLD codec (user/proto/mld_pkt.c): the parser, the
 * record walk, and the builders fed back what the parser accepted.
 *
 * Input: packets, each [flags][len: u16 little-endian][len bytes].
 * flags bit 0: the bytes are only an ICMPv6 message; the harness puts an
 * IPv6 header (hop limit 1, from fe80::1) and a Hop-by-Hop header with
 * the Router Alert before it, to the destination bits 1-2 pick (ff02::1,
 * ff02::2, ff02::16, or the message's own address field), so the fuzzer
 * reaches the MLD fields at once; else the bytes are the packet from the
 * IPv6 header on.  bit 3: fix the ICMPv6 checksum first (where the
 * extension headers can be walked).  bit 4: the packet is handed over
 * with 1 + (flags >> 5) bytes (1..8) of link padding after it.
 *
 * For every packet the parser's promises are checked (abort() if not):
 * whatever it returns, it read nothing outside the exact-size copy
 * (ASan); what it accepts lies inside the packet (message, sources,
 * records, each record's sources), the walk visits each known record
 * once and skips exactly the unknown ones; and an accepted query or
 * report, built again from the parsed fields with mld_build_query() /
 * mld_build_v2_report(), parses again to the same fields.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_pkt.h"
#include "proto/mld_pkt.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define MAX_RECS 512

/* IPv6 + HbH(RA) around an ICMPv6 message of mlen bytes. */
static size_t wrap(uint8_t *pkt, const uint8_t *msg, size_t mlen, int dst)
{
	static const uint8_t hbh[8] = { 58, 0, 5, 2, 0, 0, 1, 0 };
	const struct in6_addr *d[3] = { &mld_all_nodes, &mld_all_routers,
					&mld_v2_routers };

	memset(pkt, 0, 40);
	pkt[0] = 0x60;
	put16(pkt + 4, (uint16_t)(8 + mlen));
	pkt[7] = 1;
	pkt[8] = 0xfe;
	pkt[9] = 0x80;
	pkt[23] = 1;
	if (dst < 3)
		memcpy(pkt + 24, d[dst], 16);
	else if (mlen >= 24)
		memcpy(pkt + 24, msg + 8, 16);
	memcpy(pkt + 40, hbh, 8);
	memcpy(pkt + 48, msg, mlen);
	return 48 + mlen;
}

static bool inside(const uint8_t *p, size_t n, const uint8_t *b, size_t len)
{
	return p >= b && n <= len && (size_t)(p - b) <= len - n;
}

static void same_query(const struct mld_msg *a, const uint8_t *buf, size_t len)
{
	struct mld_msg b;

	if (mld_pkt_parse(buf, len, &b) != MLD_RX_OK)
		abort();
	if (b.version != a->version || b.max_resp_ms != a->max_resp_ms ||
	    memcmp(&b.group, &a->group, 16) || memcmp(&b.src, &a->src, 16) ||
	    b.nsrc != a->nsrc)
		abort();
	if (a->version == 2 &&
	    (b.s_flag != a->s_flag || b.qrv != a->qrv || b.qqi_s != a->qqi_s))
		abort();
	if (a->nsrc && memcmp(b.srcs, a->srcs, 16 * (size_t)a->nsrc))
		abort();
}

static void rebuild_query(const struct mld_msg *m)
{
	static struct in6_addr srcs[MLD_QUERY_MAX_SOURCES];
	uint8_t buf[MLD_QUERY_MAX_LEN];
	struct mld_query_fields q = {
		.version = m->version,
		.src = m->src,
		.group = m->group,
		.max_resp_ms = m->max_resp_ms,
		.s_flag = m->s_flag,
		.qrv = m->qrv,
		.qqi_s = m->qqi_s,
		.srcs = srcs,
		.nsrc = m->nsrc,
	};
	size_t n;
	uint16_t i;

	if (m->nsrc > MLD_QUERY_MAX_SOURCES)
		return;
	for (i = 0; i < m->nsrc; i++)
		srcs[i] = mld_src(m->srcs, i);
	n = mld_build_query(buf, sizeof(buf), &q);
	if (!n)
		abort(); /* every accepted query can be built */
	same_query(m, buf, n);
}

static void rebuild_report(const struct mld_msg *m)
{
	/* A message of at most 64 KiB has at most 4096 sources. */
	static struct in6_addr srcs[4096];
	static struct mld_rec_fields rf[MAX_RECS];
	static uint8_t buf[65536];
	size_t off = 0, k = 0, n, ns = 0, i;
	struct mld_msg b;
	struct mld_rec r;

	while (mld_rec_next(m, &off, &r) && k < MAX_RECS) {
		if (r.nsrc > 4096 - ns)
			abort();
		rf[k].type = r.type;
		rf[k].group = r.group;
		rf[k].srcs = srcs + ns;
		rf[k].nsrc = r.nsrc;
		for (i = 0; i < r.nsrc; i++)
			srcs[ns++] = mld_src(r.srcs, i);
		k++;
	}
	n = mld_build_v2_report(buf, sizeof(buf), &m->src, rf, k);
	if (!n)
		abort(); /* it fit once, without the unknown records */
	if (mld_pkt_parse(buf, n, &b) != MLD_RX_OK || b.nrec != k ||
	    b.nrec_unknown)
		abort();
}

static void check(const uint8_t *pkt, size_t len)
{
	uint8_t *copy = malloc(len ? len : 1);
	struct mld_msg m;
	struct mld_rec r;
	size_t off = 0, nr = 0;
	enum mld_rx rx;

	if (!copy)
		abort();
	memcpy(copy, pkt, len);
	rx = mld_pkt_parse(copy, len, &m);
	if ((unsigned int)rx >= MLD_RX_MAX || !mld_rx_str(rx))
		abort();
	if (rx != MLD_RX_OK)
		goto out;
	if (!inside(m.icmp, m.icmp_len, copy, len) ||
	    (m.nsrc && !inside(m.srcs, 16 * (size_t)m.nsrc, copy, len)) ||
	    (m.recs && !inside(m.recs, m.recs_len, copy, len)))
		abort();
	if (m.hop_limit != 1 || !m.ra)
		abort();
	while (mld_rec_next(&m, &off, &r)) {
		if (++nr > m.nrec || off > m.recs_len ||
		    !inside(r.srcs, 16 * (size_t)r.nsrc, copy, len) ||
		    r.type < MLD_IS_IN || r.type > MLD_BLOCK)
			abort();
	}
	if (m.type == MLD_V2_REPORT && nr + m.nrec_unknown != m.nrec)
		abort();
	if (m.type == MLD_QUERY)
		rebuild_query(&m);
	else if (m.type == MLD_V2_REPORT)
		rebuild_report(&m);
out:
	free(copy);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static uint8_t pkt[48 + 65536 + 16];
	size_t off = 0;

	while (size - off >= 3) {
		uint8_t flags = data[off];
		size_t len = data[off + 1] | (size_t)data[off + 2] << 8, n;

		off += 3;
		if (len > size - off)
			len = size - off;
		if (flags & 1) {
			n = wrap(pkt, data + off, len, (flags >> 1) & 3);
		} else {
			memcpy(pkt, data + off, len);
			n = len;
		}
		off += len;
		if (flags & 8)
			fix_csum6(pkt, n);
		if (flags & 16) {
			size_t pad = 1 + (flags >> 5);

			memset(pkt + n, 0, pad);
			n += pad;
		}
		check(pkt, n);
	}
	return 0;
}
