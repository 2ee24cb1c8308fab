// SPDX-License-Identifier: GPL-2.0
/*
 * mcbench_count.bpf.c - the receiver of tools/mcbench.c, attached to the
 * far end of each egress veth.  It counts the routed multicast frames
 * that arrive and drops them, so that a receiver costs as little as
 * possible and the same for every forwarder under test.  Its presence is
 * also what lets an XDP redirect into the veth deliver at all: a veth
 * only accepts redirected frames when its peer runs an XDP program.
 *
 * Frames whose TTL (IPv6: hop limit) is not want_ttl are counted apart:
 * every router under test must have decremented the generator's TTL
 * exactly once, and the nft-dup baseline, which copies frames as they
 * are, not at all.  Counted: IPv4 multicast, and IPv6 multicast of a
 * routable scope (above link-local).  Anything else (ARP, the router's
 * own MLD reports and neighbour discovery) is passed and not counted.
 * IPv6 frames are dropped here, before the stack would check their UDP
 * checksum (which the generator keeps valid all the same).
 */
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>

struct mcb_count {
	__u64 packets; /* routed multicast frames, TTL as expected */
	__u64 bytes;
	__u64 bad_ttl; /* routed multicast frames with another TTL */
	__u64 bad_seen; /* the last such TTL, plus 1 (0: none yet) */
};

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct mcb_count);
} mcb_count SEC(".maps");

/*
 * The TTL a forwarded frame must carry; mcbench changes it between
 * trials (the generator's TTL minus one, or unchanged for nft-dup).
 */
__u8 want_ttl = 63;

SEC("xdp")
int mcbench_count(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data;
	void *end = (void *)(long)ctx->data_end;
	struct ethhdr *eth = data;
	struct iphdr *iph = (void *)(eth + 1);
	struct ipv6hdr *ip6h = (void *)(eth + 1);
	struct mcb_count *c;
	__u32 zero = 0;
	__u8 ttl;

	if ((void *)(iph + 1) > end)
		return XDP_PASS;
	if (eth->h_proto == bpf_htons(ETH_P_IP)) {
		if ((iph->daddr & bpf_htonl(0xf0000000)) !=
		    bpf_htonl(0xe0000000))
			return XDP_PASS;
		ttl = iph->ttl;
	} else if (eth->h_proto == bpf_htons(ETH_P_IPV6)) {
		/* Routable scopes only: not the router's own MLD and ND. */
		if ((void *)(ip6h + 1) > end ||
		    ip6h->daddr.in6_u.u6_addr8[0] != 0xff ||
		    (ip6h->daddr.in6_u.u6_addr8[1] & 0x0f) <= 2)
			return XDP_PASS;
		ttl = ip6h->hop_limit;
	} else {
		return XDP_PASS;
	}
	c = bpf_map_lookup_elem(&mcb_count, &zero);
	if (!c)
		return XDP_DROP;
	if (ttl == want_ttl) {
		c->packets++;
	} else {
		c->bad_ttl++;
		c->bad_seen = ttl + 1;
	}
	c->bytes += end - data;
	return XDP_DROP;
}

char _license[] SEC("license") = "GPL";
