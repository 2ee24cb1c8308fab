// SPDX-License-Identifier: GPL-2.0
/*
 * fuzz_igmp.c - the IGMP packet parser (user/proto/igmp_pkt.c) and the
 * IGMP router's input path behind it (igmp.c, igmp_group.c, igmp_query.c,
 * igmp_mgm.c: v1/v2/v3 reports and leaves, other routers' queries, the
 * querier election, group and source timers, MGM memberships), on the
 * unit tests' fake clock, wire and datapath (tests/unit/fake_igmp_io.c);
 * and MLD through the same state machine (mld.c): a packet whose version
 * nibble is 6 goes to the interface's MLD.
 *
 * Input: packets, each [flags][delay][len: u16 little-endian][len
 * bytes of IPv4 header, options and IGMP message, or of IPv6 header,
 * extension headers and MLD message].  flags bits 0-1: the ifindex 1..4
 * (IGMPv2 and MLDv1 run on 1, IGMPv3 and MLDv2 on 2 and 3, nothing on
 * 4); bit 2: fix the checksums first (IPv4 header and IGMP, or ICMPv6
 * behind Hop-by-Hop / Destination Options headers) so the fuzzer gets
 * past them; bit 3: a data packet of a new flow misses in the fast path
 * after it (MGM asks IGMP through its creation alert).  delay: the clock
 * first advances delay * 50 ms, running every timer due.  Every packet
 * is parsed (and its v3 records walked) on its own, then handed to
 * igmp_input().  Then IGMP shuts down; nothing is kept between inputs.
 */
#include <arpa/inet.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fake_igmp_io.h"
#include "fuzz_pkt.h"
#include "proto/igmp_int.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void fix_csums(uint8_t *ip, size_t len)
{
	size_t ihl, tot;

	if (len && ip[0] >> 4 == 6) {
		fix_csum6(ip, len);
		return;
	}
	if (len < 20)
		return;
	ihl = (size_t)(ip[0] & 0x0f) * 4;
	tot = (size_t)ip[2] << 8 | ip[3];
	if (ihl < 20 || ihl > len)
		return;
	put16(ip + 10, 0);
	put16(ip + 10, igmp_csum(ip, ihl));
	if (tot > len)
		tot = len;
	if (tot < ihl + 4)
		return;
	put16(ip + ihl + 2, 0);
	put16(ip + ihl + 2, igmp_csum(ip + ihl, tot - ihl));
}

/* The parser alone: its promises about what it returns. */
static void parse_only(const uint8_t *ip, size_t len)
{
	struct igmp_msg m;
	struct igmp_rec r;
	size_t off = 0, n = 0;
	uint32_t sum = 0;

	if (igmp_pkt_parse(ip, len, &m) != IGMP_RX_OK)
		return;
	if (m.nsrc) {
		if (m.srcs < ip || m.srcs + 4 * (size_t)m.nsrc > ip + len)
			abort();
		sum += m.srcs[0] + m.srcs[4 * (size_t)m.nsrc - 1];
	}
	if (m.nrec && (m.recs < ip || m.recs + m.recs_len > ip + len))
		abort();
	while (igmp_rec_next(&m, &off, &r)) {
		if (++n > m.nrec || off > m.recs_len)
			abort();
		if (r.nsrc)
			sum += r.srcs[0] + r.srcs[4 * (size_t)r.nsrc - 1];
	}
	(void)sum;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct igmp_opts o;
	struct fake_igmp f;
	size_t off = 0;
	uint32_t flow = 0;

	if (size > 1 << 18)
		return 0;
	o = fi_opts();
	o.max_groups = 64;
	o.max_sources = 64;
	if (fi_init(&f, &o))
		abort();
	if (igmp_if_enable(f.g, 1, 2) || igmp_if_enable(f.g, 2, 3) ||
	    igmp_if_enable(f.g, 3, 3) || mld_if_enable(f.g, 1, 1) ||
	    mld_if_enable(f.g, 2, 2) || mld_if_enable(f.g, 3, 2))
		abort();
	fi_settle(&f);

	while (size - off >= 4) {
		uint8_t flags = data[off], delay = data[off + 1];
		size_t len = data[off + 2] | (size_t)data[off + 3] << 8;
		uint32_t ifindex = (flags & 3) + 1;
		uint8_t *pkt;

		off += 4;
		if (len > size - off)
			len = size - off;
		pkt = malloc(len ? len : 1);
		if (!pkt)
			abort();
		memcpy(pkt, data + off, len);
		off += len;
		if (flags & 4)
			fix_csums(pkt, len);
		if (delay)
			fi_advance(&f, (uint64_t)delay * 50);
		parse_only(pkt, len);
		igmp_input(f.g, ifindex, pkt, len);
		fi_settle(&f);
		if ((flags & 8) && len && pkt[0] >> 4 == 6) {
			/* IPv6: to the group field of an MLD message behind
			 * one 8-byte HbH header (if any), else ff3e::<n>. */
			static const uint8_t src[16] = { 0x20, 0x01, 0x0d,
							 0xb8, [15] = 7 };
			uint8_t g6[16] = { 0xff, 0x3e, [15] = 0 };
			struct mgm_addr s6 = mgm_addr6(src), gx;

			g6[15] = (uint8_t)++flow;
			if (len >= 72 && pkt[6] == 0 && pkt[40] == 58)
				memcpy(g6, pkt + 56, 16);
			gx = mgm_addr6(g6);
			fake_dp_inject_miss_x(f.fd, ifindex % 3 + 1, &s6, &gx);
			mgm_dispatch(f.m);
			fi_settle(&f);
		} else if (flags & 8) {
			/* A flow from afar to the packet's group field (if
			 * it has one), else to one of 232.0.0.0/24. */
			size_t ihl = len ? (size_t)(pkt[0] & 0x0f) * 4 : 0;
			uint32_t g = htonl(0xe8000000U | (++flow & 0xff));

			if (ihl >= 20 && len >= ihl + 8)
				memcpy(&g, pkt + ihl + 4, 4);
			fake_dp_inject_miss(f.fd, ifindex % 3 + 1,
					    htonl(0xc6336407U), g);
			mgm_dispatch(f.m);
			fi_settle(&f);
		}
		free(pkt);
	}
	fi_advance(&f, 30000); /* past the group membership interval */
	fi_fini(&f);
	return 0;
}
