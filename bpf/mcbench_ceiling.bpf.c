// SPDX-License-Identifier: GPL-2.0
/*
 * mcbench_ceiling.bpf.c - the least an XDP multicast forwarder must do,
 * for tools/mcbench.c: check and decrement the TTL (IPv6: the hop limit,
 * no header checksum), and send one copy out of every interface of a
 * single devmap with one broadcast redirect.  No
 * (S,G) lookup, no incoming-interface check, no counters.  Whatever the
 * real forwarder does beyond this is its overhead over the ceiling.
 *
 * The devmaps have the size of the real forwarder's out-sets: a broadcast
 * walks every bucket of a DEVMAP_HASH, so a smaller map would be cheaper
 * for reasons that have nothing to do with forwarding.
 */
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>

#include "mgm_fwd.h"

/* The ceiling proper: ifindexes only, no egress program. */
struct {
	__uint(type, BPF_MAP_TYPE_DEVMAP_HASH);
	__uint(key_size, sizeof(__u32));
	__uint(value_size, sizeof(__u32));
	__uint(max_entries, MGM_OSET_MAX_OIFS);
} mcb_oifs SEC(".maps");

/*
 * The same set with the real forwarder's egress program on every copy
 * (its fd in each devmap value, as in ours' out-sets): the difference
 * between the two ceilings is the cost of ours' per-copy work (source
 * MAC, TTL threshold, counters), the rest of ours' distance to the
 * ceiling is its ingress side.
 */
struct {
	__uint(type, BPF_MAP_TYPE_DEVMAP_HASH);
	__uint(key_size, sizeof(__u32));
	__uint(value_size, 8);
	__uint(max_entries, MGM_OSET_MAX_OIFS);
} mcb_oifs_egress SEC(".maps");

/*
 * The fair ceiling: the least a correct router does per copy besides the
 * TTL -- the egress interface's own source MAC in each copy, written by a
 * minimal devmap program from this map (ifindex -> MAC, filled by
 * mcbench; an array, the cheapest lookup there is: mcbench's interfaces
 * live in its own namespaces, where ifindexes are small).  "Ours over
 * the ceiling" is judged against this one.
 */
#define MCB_MAC_SLOTS 4096
struct mcb_mac {
	__u8 mac[6];
	__u16 pad;
};

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__type(key, __u32);
	__type(value, struct mcb_mac);
	__uint(max_entries, MCB_MAC_SLOTS);
} mcb_macs SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_DEVMAP_HASH);
	__uint(key_size, sizeof(__u32));
	__uint(value_size, 8);
	__uint(max_entries, MGM_OSET_MAX_OIFS);
} mcb_oifs_fair SEC(".maps");

SEC("xdp/devmap")
int mcbench_fair_egress(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data;
	void *end = (void *)(long)ctx->data_end;
	struct ethhdr *eth = data;
	__u32 ifindex = ctx->egress_ifindex;
	struct mcb_mac *m;

	if ((void *)(eth + 1) > end)
		return XDP_DROP;
	m = bpf_map_lookup_elem(&mcb_macs, &ifindex);
	if (m)
		__builtin_memcpy(eth->h_source, m->mac, ETH_ALEN);
	return XDP_PASS;
}

static __always_inline int ceiling(struct xdp_md *ctx, void *oifs)
{
	void *data = (void *)(long)ctx->data;
	void *end = (void *)(long)ctx->data_end;
	struct ethhdr *eth = data;
	struct iphdr *iph = (void *)(eth + 1);
	struct ipv6hdr *ip6h = (void *)(eth + 1);
	__u32 check;

	/* IPv4 first, tested exactly as before IPv6 was added. */
	if ((void *)(iph + 1) > end || eth->h_proto != bpf_htons(ETH_P_IP)) {
		/* IPv6: the hop limit, and no header checksum to update. */
		if ((void *)(ip6h + 1) > end ||
		    eth->h_proto != bpf_htons(ETH_P_IPV6) ||
		    ip6h->hop_limit <= 1)
			return XDP_PASS;
		ip6h->hop_limit--;
		return bpf_redirect_map(
			oifs, 0, BPF_F_BROADCAST | BPF_F_EXCLUDE_INGRESS);
	}
	if (iph->ttl <= 1)
		return XDP_PASS;
	/* RFC 1624 incremental update, as ip_decrease_ttl() does it. */
	check = iph->check;
	check += bpf_htons(0x0100);
	iph->check = (__u16)(check + (check >= 0xFFFF));
	iph->ttl--;
	return bpf_redirect_map(oifs, 0,
				BPF_F_BROADCAST | BPF_F_EXCLUDE_INGRESS);
}

SEC("xdp")
int mcbench_ceiling(struct xdp_md *ctx)
{
	return ceiling(ctx, &mcb_oifs);
}

SEC("xdp")
int mcbench_ceiling_egress(struct xdp_md *ctx)
{
	return ceiling(ctx, &mcb_oifs_egress);
}

SEC("xdp")
int mcbench_ceiling_fair(struct xdp_md *ctx)
{
	return ceiling(ctx, &mcb_oifs_fair);
}

char _license[] SEC("license") = "GPL";
