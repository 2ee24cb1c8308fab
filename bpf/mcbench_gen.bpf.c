// SPDX-License-Identifier: GPL-2.0
/*
 * mcbench_gen.bpf.c - the traffic generator's front program for
 * tools/mcbench.c.
 *
 * mcbench injects one crafted frame many times with BPF_PROG_TEST_RUN in
 * live-frame mode.  The kernel recycles the frames from a page pool without
 * rewriting them, so whatever the forwarder under test wrote (the TTL
 * decrement and checksum update, a new source MAC) is still there the next
 * time the page comes round; without a reset every frame would die of TTL
 * after 63 rounds.  This program runs first for every frame: it writes the
 * TTL (IPv6: the hop limit) back, optionally puts the next (S,G) of the
 * table walk, or one drawn at random (uniform or Zipf), into the header,
 * recomputes the IPv4 header checksum (an IPv6 header has none; see v6
 * below for its UDP checksum) and tail-calls the forwarder in slot 0 of
 * mcb_fwd.  With slot 0 empty the tail call falls through and the frame
 * is passed up the stack, which is how kernel ipmr (and ip6mr) is fed by
 * the very same generator.
 */
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>

/* The forwarder under test; empty means "pass to the stack". */
struct {
	__uint(type, BPF_MAP_TYPE_PROG_ARRAY);
	__uint(max_entries, 1);
	__uint(key_size, sizeof(__u32));
	__uint(value_size, sizeof(__u32));
} mcb_fwd SEC(".maps");

/*
 * Per-CPU state: the position of the table walk (no atomics needed), and
 * the first entry of the set this CPU's traffic is drawn from, so that
 * two CPUs injecting at once can send to the same (S,G) set or to
 * distinct ones.
 */
struct mcb_walk {
	__u32 idx; /* entry number, 0 .. entries-1 */
	__u32 src; /* idx % src_count */
	__u32 grp; /* idx / src_count */
	__u32 base; /* draws: entry number of rank 0 on this CPU */
};

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct mcb_walk);
} mcb_walk SEC(".maps");

/*
 * Set by mcbench between runs (the skeleton's .bss).  Entry i of the
 * table is source src_base + i % src_count, group grp_base + i / src_count
 * (host byte order here).  The addresses are written even for a table of
 * one entry: a recycled frame still carries whatever (S,G) the previous
 * run's walk left in it.  entries == 0 leaves the frame's own addresses
 * alone (the miss path of the per-packet costs).
 */
__u32 entries;
__u32 src_count;
__u32 src_base;
__u32 grp_base;
__u32 ttl;

/*
 * IPv6 frames (v6 != 0): entry i is source src6 with its last 32 bits
 * src_base + i % src_count, group grp6 likewise with grp_base + i /
 * src_count (mcbench writes both prefixes into the frame; the generator
 * only rewrites the last 32 bits of each address and the hop limit).
 * An IPv6 UDP checksum may not be 0, and the frame's stays valid for
 * every entry without being recomputed: the first 16-bit word of the
 * payload (MCB_V6_COMP bytes into the frame) is written with the
 * one's-complement negation of the four address words that change, so
 * that their sum with it is always 0xffff and the checksum mcbench
 * computed for the frame holds for every (S,G).  No IPv6 header checksum.
 */
#define MCB_V6_COMP (14 + 40 + 8)
__u32 v6;

/*
 * Drawn traffic (draw != 0): each frame's entry is drawn at random from a
 * distribution over the table, uniform or Zipf, through the inverse-CDF
 * table rank_start that mcbench fills.  Rank k stands for the interval
 * [k, k + 1) of a continuous rank axis, with its probability spread
 * evenly over it; rank_start[j] is where the cumulative probability
 * reaches j / 65536 on that axis, in 1/256ths of a rank.  A 32-bit random
 * number picks slot j = r >> 16 and, with its low 16 bits, a point
 * between rank_start[j] and rank_start[j + 1] by linear interpolation;
 * the rank is the integer part.  Rank k is entry base + k.  The draw
 * costs the same whatever the distribution and the table size: one
 * random number, two loads from the same 256 KiB table, a multiply;
 * one_entry (the 1-entry reference of the same rounds) does all of it
 * and then sends to rank 0.
 *
 * The drawn entry's source and group are computed with the constant
 * MCB_SRC_COUNT (multiplies, no division); mcbench checks that
 * draw_src_count is its own, and keeps entry numbers below 2^25.
 */
#define MCB_RANK_SLOTS 65536
#define MCB_SRC_COUNT 250U

__u32 draw;
__u32 one_entry;
__u32 rank_start[MCB_RANK_SLOTS + 1];
__u32 draw_src_count = MCB_SRC_COUNT;

static __always_inline __u16 ip_csum(const struct iphdr *iph)
{
	const __u16 *w = (const __u16 *)iph;
	__u32 sum = 0;
	int i;

#pragma unroll
	for (i = 0; i < 10; i++)
		if (i != 5) /* the checksum field itself */
			sum += w[i];
	sum = (sum & 0xffff) + (sum >> 16);
	sum = (sum & 0xffff) + (sum >> 16);
	return (__u16)~sum;
}

/* Entry k of the drawn traffic: its source and group (host order). */
static __always_inline void draw_entry(struct mcb_walk *w, __u32 *src,
				       __u32 *grp)
{
	__u32 r, j, lo, span, k, g;

	r = bpf_get_prandom_u32();
	j = r >> 16;
	lo = rank_start[j];
	span = rank_start[j + 1] - lo;
	k = (lo + (__u32)(((__u64)(r & 0xffff) * span) >> 16)) >> 8;
	if (one_entry)
		k = 0;
	k += w->base;
	/* k / 250 for k < 2^25, as a multiply and a shift. */
	g = ((__u64)k * 4398046512ULL) >> 40;
	*src = src_base + k - g * MCB_SRC_COUNT;
	*grp = grp_base + g;
}

/* The walk's next entry: counters instead of a division per packet. */
static __always_inline void walk_entry(struct mcb_walk *w, __u32 *src,
				       __u32 *grp)
{
	*grp = grp_base + w->grp;
	*src = src_base + w->src;
	if (++w->idx >= entries) {
		w->idx = 0;
		w->src = 0;
		w->grp = 0;
	} else if (++w->src >= src_count) {
		w->src = 0;
		w->grp++;
	}
}

static __always_inline int gen6(struct xdp_md *ctx, struct mcb_walk *w)
{
	void *data = (void *)(long)ctx->data;
	void *end = (void *)(long)ctx->data_end;
	struct ethhdr *eth = data;
	struct ipv6hdr *ip6h = (void *)(eth + 1);
	__u16 *comp = data + MCB_V6_COMP;
	__u32 src, grp, sum;

	if ((void *)(comp + 1) > end)
		return XDP_ABORTED;
	if (w) {
		if (draw)
			draw_entry(w, &src, &grp);
		else
			walk_entry(w, &src, &grp);
		ip6h->saddr.in6_u.u6_addr32[3] = bpf_htonl(src);
		ip6h->daddr.in6_u.u6_addr32[3] = bpf_htonl(grp);
		/* RFC 2464: 33:33 and the group's last 32 bits. */
		eth->h_dest[2] = grp >> 24;
		eth->h_dest[3] = grp >> 16;
		eth->h_dest[4] = grp >> 8;
		eth->h_dest[5] = grp;
		sum = ip6h->saddr.in6_u.u6_addr16[6] +
		      ip6h->saddr.in6_u.u6_addr16[7] +
		      ip6h->daddr.in6_u.u6_addr16[6] +
		      ip6h->daddr.in6_u.u6_addr16[7];
		sum = (sum & 0xffff) + (sum >> 16);
		sum = (sum & 0xffff) + (sum >> 16);
		*comp = (__u16)~sum;
	}
	ip6h->hop_limit = ttl;
	bpf_tail_call(ctx, &mcb_fwd, 0);
	return XDP_PASS;
}

SEC("xdp")
int mcbench_gen(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data;
	void *end = (void *)(long)ctx->data_end;
	struct ethhdr *eth = data;
	struct iphdr *iph = (void *)(eth + 1);
	struct mcb_walk *w = NULL;
	__u32 zero = 0, src, grp;

	if (entries) {
		w = bpf_map_lookup_elem(&mcb_walk, &zero);
		if (!w)
			return XDP_ABORTED;
	}
	if (v6)
		return gen6(ctx, w);
	if ((void *)(iph + 1) > end)
		return XDP_ABORTED;
	if (w) {
		if (draw)
			draw_entry(w, &src, &grp);
		else
			walk_entry(w, &src, &grp);
		iph->saddr = bpf_htonl(src);
		iph->daddr = bpf_htonl(grp);
		/* RFC 1112 mapping, so that the frame stays self-consistent. */
		eth->h_dest[3] = (grp >> 16) & 0x7f;
		eth->h_dest[4] = grp >> 8;
		eth->h_dest[5] = grp;
	}
	iph->ttl = ttl;
	iph->check = ip_csum(iph);
	bpf_tail_call(ctx, &mcb_fwd, 0);
	return XDP_PASS;
}

char _license[] SEC("license") = "GPL";
