// SPDX-License-Identifier: GPL-2.0
/* pkt.c - crafted frames for the BPF tests (see pkt.h). */
#include <arpa/inet.h>
#include <linux/if_ether.h>
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <linux/udp.h>
#include <string.h>

#include "pkt.h"

static uint16_t csum16(const uint8_t *p, size_t len)
{
	uint32_t sum = 0;
	size_t i;

	for (i = 0; i + 1 < len; i += 2)
		sum += (uint32_t)p[i] << 8 | p[i + 1];
	if (len & 1)
		sum += (uint32_t)p[len - 1] << 8;
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

size_t pkt_l3_off(const struct pkt_spec *s)
{
	return ETH_HLEN + (s->vlan ? 4 : 0);
}

size_t pkt_build(uint8_t *buf, size_t cap, const struct pkt_spec *s)
{
	static const uint8_t dmac[6] = { 0x01, 0x00, 0x5e, 0x01, 0x01, 0x01 };
	static const uint8_t smac[6] = { 0x02, 0x00, 0x00, 0x00, 0x00, 0x01 };
	size_t l3 = pkt_l3_off(s), hl, len, off = 12;
	uint16_t et = s->ethertype ? s->ethertype : ETH_P_IP;
	struct iphdr *ip;
	struct udphdr *udp;
	struct in_addr a;

	hl = sizeof(*ip) + s->opt_len;
	len = l3 + hl + sizeof(*udp) + s->payload;
	if (len > cap)
		return 0;
	memset(buf, 0, len);
	memcpy(buf, dmac, 6);
	memcpy(buf + 6, smac, 6);
	if (s->vlan) {
		buf[off++] = 0x81;
		buf[off++] = 0x00;
		buf[off++] = 0x00;
		buf[off++] = 0x0a; /* VID 10 */
	}
	buf[off++] = et >> 8;
	buf[off++] = et & 0xff;

	ip = (struct iphdr *)(buf + l3);
	ip->version = s->version ? s->version : 4;
	ip->ihl = s->ihl ? s->ihl : (uint8_t)(hl / 4);
	if (s->ihl_zero)
		ip->ihl = 0;
	ip->ttl = s->ttl;
	ip->protocol = s->proto ? s->proto : IPPROTO_UDP;
	ip->tot_len = htons(
		(uint16_t)(hl + sizeof(*udp) + s->payload + s->tot_len_delta));
	ip->frag_off = htons(s->frag);
	ip->id = htons(0x1234);
	inet_pton(AF_INET, s->src ? s->src : "192.0.2.1", &a);
	ip->saddr = a.s_addr;
	inet_pton(AF_INET, s->dst ? s->dst : "239.1.1.1", &a);
	ip->daddr = a.s_addr;
	if (s->opt_len)
		memcpy(ip + 1, s->opts, s->opt_len);
	ip->check = htons(csum16((uint8_t *)ip, hl));
	if (s->bad_csum)
		ip->check ^= htons(0x0101);

	udp = (struct udphdr *)((uint8_t *)ip + hl);
	udp->source = htons(4000);
	udp->dest = htons(5000);
	udp->len = htons(sizeof(*udp) + s->payload);
	memset(udp + 1, 0xab, s->payload);
	return len;
}

int pkt_ipv4_csum_ok(const uint8_t *buf, size_t off)
{
	const struct iphdr *ip = (const struct iphdr *)(buf + off);

	return csum16(buf + off, ip->ihl * 4) == 0;
}

size_t pkt6_build(uint8_t *buf, size_t cap, const struct pkt6_spec *s)
{
	static const uint8_t smac[6] = { 0x02, 0x00, 0x00, 0x00, 0x00, 0x01 };
	size_t l3 = PKT6_L3_OFF, len;
	struct ipv6hdr *ip;
	uint8_t *up;
	int plen;

	len = l3 + sizeof(*ip) + s->ext_len + 8 + s->payload;
	if (len > cap)
		return 0;
	memset(buf, 0, len);
	ip = (struct ipv6hdr *)(buf + l3);
	inet_pton(AF_INET6, s->src ? s->src : "2001:db8::1", &ip->saddr);
	inet_pton(AF_INET6, s->dst ? s->dst : "ff0e::db8:1", &ip->daddr);
	/* 33:33 and the group's last 32 bits (RFC 2464). */
	buf[0] = 0x33;
	buf[1] = 0x33;
	memcpy(buf + 2, &ip->daddr.s6_addr[12], 4);
	memcpy(buf + 6, smac, 6);
	buf[12] = ETH_P_IPV6 >> 8;
	buf[13] = ETH_P_IPV6 & 0xff;
	ip->version = s->version ? s->version : 6;
	ip->flow_lbl[0] = 0x01;
	ip->flow_lbl[2] = 0x23;
	plen = (int)(s->ext_len + 8 + s->payload) + s->plen_delta;
	ip->payload_len = htons((uint16_t)plen);
	ip->nexthdr = s->ext_len ? s->nh : s->upper ? s->upper : IPPROTO_UDP;
	ip->hop_limit = s->hlim;
	if (s->ext_len)
		memcpy(ip + 1, s->ext, s->ext_len);
	up = (uint8_t *)(ip + 1) + s->ext_len;
	if (s->upper == IPPROTO_ICMPV6) {
		up[0] = s->icmp_type;
	} else {
		struct udphdr *udp = (struct udphdr *)up;

		udp->source = htons(4000);
		udp->dest = htons(5000);
		udp->len = htons(8 + s->payload);
	}
	memset(up + 8, 0xab, s->payload);
	return len;
}
