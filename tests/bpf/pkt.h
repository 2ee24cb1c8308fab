/* SPDX-License-Identifier: GPL-2.0 */
/*
 * pkt.h - a tiny builder of crafted Ethernet/IPv4 frames for the
 * BPF_PROG_TEST_RUN tests: every field that the fast path looks at can be
 * set, including wrong ones.
 */
#ifndef MGM_TESTS_PKT_H
#define MGM_TESTS_PKT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct pkt_spec {
	uint16_t ethertype; /* 0: IPv4 */
	bool vlan; /* insert an 802.1Q tag before the ethertype */
	uint8_t version; /* 0: 4 */
	uint8_t ihl; /* 0: 5 + opt_len / 4 */
	bool ihl_zero; /* write a literal 0 */
	const uint8_t *opts; /* IP options, opt_len bytes (multiple of 4) */
	uint8_t opt_len;
	uint8_t ttl;
	uint8_t proto; /* 0: UDP */
	uint16_t frag; /* frag_off field, host order (flags | offset) */
	const char *src, *dst; /* dotted quads */
	uint16_t payload; /* UDP payload bytes */
	int tot_len_delta; /* added to the correct tot_len */
	bool bad_csum;
};

/* Build into buf (cap bytes); returns the frame length. */
size_t pkt_build(uint8_t *buf, size_t cap, const struct pkt_spec *s);
/* 1 if the IPv4 header at buf + off has a valid checksum. */
int pkt_ipv4_csum_ok(const uint8_t *buf, size_t off);
/* Offset of the IPv4 header in a frame built by pkt_build(). */
size_t pkt_l3_off(const struct pkt_spec *s);

/*
 * IPv6 frames: Ethernet (33:33:...), the 40-byte header, ext_len bytes
 * of extension headers exactly as given (the test writes their
 * next-header and length fields, right or wrong), then an 8-byte upper
 * header (UDP, or ICMPv6 of icmp_type if upper is 58) and payload bytes.
 */
struct pkt6_spec {
	const char *src, *dst; /* 2001:db8::1, ff0e::db8:1 */
	uint8_t hlim;
	uint8_t version; /* 0: 6 */
	uint8_t nh; /* the IPv6 header's next header when ext_len > 0 */
	const uint8_t *ext;
	uint16_t ext_len;
	uint8_t upper; /* 0: UDP; 58: ICMPv6 */
	uint8_t icmp_type;
	uint16_t payload;
	int plen_delta; /* added to the correct payload length */
};

#define PKT6_L3_OFF 14U
/* Build into buf (cap bytes); returns the frame length. */
size_t pkt6_build(uint8_t *buf, size_t cap, const struct pkt6_spec *s);

#endif
