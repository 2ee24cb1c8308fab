/* SPDX-License-Identifier: GPL-2.0 */
/*
 * fuzz_pkt.h - packet helpers of the IGMP and MLD harnesses (fuzz_igmp.c,
 * fuzz_mld.c): fixing checksums so the fuzzer gets past them.
 */
#ifndef MGM_FUZZ_PKT_H
#define MGM_FUZZ_PKT_H

#include <netinet/in.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "proto/mld_pkt.h"

/* A 16-bit field in network order. */
static inline void put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

/* The ICMPv6 checksum of an IPv6 packet, behind Hop-by-Hop and
 * Destination Options headers walked as mld_pkt does. */
static inline void fix_csum6(uint8_t *ip, size_t len)
{
	size_t end, off = 40;
	struct in6_addr s, d;
	uint8_t nh;
	int n;

	if (len < 40)
		return;
	end = 40 + ((size_t)ip[4] << 8 | ip[5]);
	if (end > len)
		end = len;
	for (nh = ip[6], n = 0; nh != 58; n++) {
		if ((nh != 0 && nh != 60) || n == 8 || end - off < 8 ||
		    end - off < 8 * ((size_t)ip[off + 1] + 1))
			return;
		nh = ip[off];
		off += 8 * ((size_t)ip[off + 1] + 1);
	}
	if (end - off < 4)
		return;
	memcpy(&s, ip + 8, 16);
	memcpy(&d, ip + 24, 16);
	put16(ip + off + 2, 0);
	put16(ip + off + 2, mld_csum(&s, &d, ip + off, end - off));
}

#endif /* MGM_FUZZ_PKT_H */
