// SPDX-License-Identifier: GPL-2.0
/*
 * mcbench_ceiling.bpf.c - the least an XDP multicast forwarder must do,
 * for tools/mcbench.c: check and decrement the TTL, and send one copy out
 * of every interface of a single devmap with one broadcast redirect.  No
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

static __always_inline int ceiling(struct xdp_md *ctx, void *oifs)
{
	void *data = (void *)(long)ctx->data;
	void *end = (void *)(long)ctx->data_end;
	struct ethhdr *eth = data;
	struct iphdr *iph = (void *)(eth + 1);
	__u32 check;

	if ((void *)(iph + 1) > end || eth->h_proto != bpf_htons(ETH_P_IP))
		return XDP_PASS;
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

char _license[] SEC("license") = "GPL";
