// SPDX-License-Identifier: GPL-2.0
/*
 * kmbench.bpf.c - generator and receiver counter of tools/kmirror-bench.c
 * (a routing daemon alone against the daemon with mgmd's kernel mirror).
 *
 * kmb_gen runs first for every frame injected with BPF_PROG_TEST_RUN in
 * live-frame mode.  Frames come back from a page pool with whatever the
 * forwarder wrote (the TTL decrement), so it writes the TTL and header
 * checksum back, then tail-calls the forwarder in slot 0 of kmb_fwd: the
 * XDP forwarder mgmd attached.  With the slot empty the tail call falls
 * through and the frame goes up the stack, into the kernel's multicast
 * routing: the daemon's entry, the same frames, the same generator.
 *
 * kmb_count runs on every receiver: it counts the routed frames and drops
 * them (and makes an XDP redirect into the veth deliver at all).
 */
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/in.h>
#include <linux/ip.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>

struct {
	__uint(type, BPF_MAP_TYPE_PROG_ARRAY);
	__uint(max_entries, 1);
	__uint(key_size, sizeof(__u32));
	__uint(value_size, sizeof(__u32));
} kmb_fwd SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u64);
} kmb_rx SEC(".maps");

__u32 ttl; /* set by the tool before the runs */

SEC("xdp")
int kmb_gen(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data;
	void *end = (void *)(long)ctx->data_end;
	struct iphdr *iph = data + sizeof(struct ethhdr);
	__u16 *w = (__u16 *)iph;
	__u32 sum = 0;
	int i;

	if ((void *)(iph + 1) > end)
		return XDP_DROP;
	iph->ttl = (__u8)ttl;
	iph->check = 0;
#pragma unroll
	for (i = 0; i < 10; i++)
		sum += w[i];
	sum = (sum & 0xffff) + (sum >> 16);
	sum = (sum & 0xffff) + (sum >> 16);
	iph->check = (__u16)~sum;
	bpf_tail_call(ctx, &kmb_fwd, 0);
	return XDP_PASS;
}

SEC("xdp")
int kmb_count(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data;
	void *end = (void *)(long)ctx->data_end;
	struct ethhdr *eth = data;
	struct iphdr *iph = (void *)(eth + 1);
	__u32 zero = 0;
	__u64 *n;

	if ((void *)(iph + 1) > end || eth->h_proto != bpf_htons(ETH_P_IP) ||
	    iph->protocol != IPPROTO_UDP)
		return XDP_PASS;
	n = bpf_map_lookup_elem(&kmb_rx, &zero);
	if (n)
		(*n)++;
	return XDP_DROP;
}

char _license[] SEC("license") = "GPL";
