// SPDX-License-Identifier: GPL-2.0
/*
 * mgm_fwd.bpf.c - XDP fast path of the multicast router.
 *
 * mgm_xdp_fwd (SEC "xdp") runs on every interface that takes part in
 * multicast routing.  For IPv4 and IPv6 multicast data it looks up the
 * multicast forwarding entry (MFE) of (source, group) in the family's map
 * (IPv4: our table mgm_mfe_tab, then its overflow mgm_mfe; IPv6:
 * mgm_mfe6), checks the incoming interface and the TTL or hop
 * limit, decrements it and fans the frame out with one
 * bpf_redirect_map(BPF_F_BROADCAST | BPF_F_EXCLUDE_INGRESS) over the
 * entry's outgoing set, a devmap.  Everything else goes to the kernel
 * untouched (XDP_PASS): the stack, IGMP and any routing daemon keep
 * seeing what they saw before.
 *
 * mgm_xdp_egress (SEC "xdp/devmap") runs once per copy: it applies the
 * egress interface's TTL threshold and MTU, writes the interface's own
 * MAC as the source address and counts the copy.
 *
 * Devices without XDP transmit (bridge, VXLAN, VLAN, macvlan, ...) are
 * skipped by a devmap broadcast, silently.  An entry whose out-set has
 * such a member (MGM_MFE_F_TC), and a packet larger than the smallest MTU
 * of its set, take the tc path instead: the XDP program decrements the
 * TTL, marks the packet with the out-set it chose (XDP metadata) and
 * passes it; mgm_tc_xmit (tc clsact ingress of the same interface) makes
 * every copy with bpf_clone_redirect, judged per interface exactly as
 * mgm_xdp_egress judges a copy, and drops the original.  mgm_tc_fwd is
 * the whole forwarder for an interface that receives through tc only.
 * One decision for all of them: bpf/mgm_fwd_path.h.
 *
 * Map layouts and counters are defined in include/mgm_fwd.h.
 */
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/in.h>
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <linux/pkt_cls.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>
#include <stdbool.h>

#include "mgm_fwd.h"

#ifndef ETH_P_8021AD
#define ETH_P_8021AD 0x88A8
#endif

/*
 * IPv4 multicast forwarding entries, (S,G) -> iif, out-set slot, flags:
 * mgm_mfe_tab, our own open-addressing table, one cache line per entry
 * (mgm_fwd.h), with its lookup.
 */
#define MGM_MFE_TAB_PINNING LIBBPF_PIN_BY_NAME
#include "mgm_mfe_tab.h"
/* The hot counters of entries several CPUs hit (mgm_mfe_count.h). */
#define MGM_MFE_SHARED_PINNING LIBBPF_PIN_BY_NAME

/* The entries that found no room in their window of mgm_mfe_tab. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__type(key, struct mgm_mfe_key);
	__type(value, struct mgm_mfe_val);
	__uint(max_entries, MGM_MFE_OVF_MAX);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} mgm_mfe SEC(".maps");

/* IPv6 entries, (S,G) -> the same route word (see mgm_fwd.h). */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__type(key, struct mgm_mfe6_key);
	__type(value, struct mgm_mfe6_val);
	__uint(max_entries, MGM_MFE_MAX);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} mgm_mfe6 SEC(".maps");

/* Per-entry counters of both families, indexed by the entry's stats. */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__type(key, __u32);
	__type(value, struct mgm_mfe_stats);
	__uint(max_entries, MGM_MFE_MAX);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} mgm_mfe_stats SEC(".maps");

/*
 * One outgoing set: a devmap of egress interfaces.  value_size 8 is a
 * struct bpf_devmap_val {ifindex, egress program fd}; libbpf 1.1 cannot
 * size it from __type(value, struct bpf_devmap_val) in an inner map.
 */
struct mgm_oset {
	__uint(type, BPF_MAP_TYPE_DEVMAP_HASH);
	__uint(key_size, sizeof(__u32));
	__uint(value_size, 8);
	__uint(max_entries, MGM_OSET_MAX_OIFS);
};

/* The pool of outgoing sets, created once and referenced by slot. */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY_OF_MAPS);
	__uint(key_size, sizeof(__u32));
	__uint(max_entries, MGM_OSET_MAX);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
	__array(values, struct mgm_oset);
} mgm_osets SEC(".maps");

/* Every member of each out-set, for the tc path (see mgm_fwd.h). */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__type(key, __u32);
	__type(value, struct mgm_oset_list);
	__uint(max_entries, MGM_OSET_MAX);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} mgm_oset_list SEC(".maps");

/* Egress interfaces: MAC, TTL threshold, flags, stats slot. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__type(key, __u32);
	__type(value, struct mgm_if_val);
	__uint(max_entries, MGM_IF_MAX);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} mgm_ifs SEC(".maps");

/* The same for ifindexes below MGM_IF_DIRECT, by index (see the header). */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__type(key, __u32);
	__type(value, struct mgm_if_val);
	__uint(max_entries, MGM_IF_DIRECT);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} mgm_ifs_direct SEC(".maps");

/* Per-interface egress counters, indexed by mgm_if_val.stats. */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__type(key, __u32);
	__type(value, struct mgm_if_stats);
	__uint(max_entries, MGM_IF_MAX);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} mgm_if_stats SEC(".maps");

/* Verdicts by reason, per CPU. */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__type(key, __u32);
	__type(value, struct mgm_counters);
	__uint(max_entries, 1);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} mgm_counters SEC(".maps");

/* Miss and wrong-interface events for the controller. */
struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, MGM_EVENT_RING_BYTES);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} mgm_events SEC(".maps");

/* (S,G) whose miss was reported recently -> time of the report. */
struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__type(key, struct mgm_mfe_key);
	__type(value, __u64);
	__uint(max_entries, MGM_MISS_SEEN_MAX);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} mgm_miss_seen SEC(".maps");

/* The same for IPv6 (S,G). */
struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__type(key, struct mgm_mfe6_key);
	__type(value, __u64);
	__uint(max_entries, MGM_MISS_SEEN_MAX);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} mgm_miss_seen6 SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__type(key, __u32);
	__type(value, struct mgm_config);
	__uint(max_entries, 1);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} mgm_config SEC(".maps");

/* Event budget window of each CPU. */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__type(key, __u32);
	__type(value, struct mgm_budget);
	__uint(max_entries, 1);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} mgm_budget SEC(".maps");

#include "mgm_fwd_path.h"

#ifndef NET_XMIT_CN
#define NET_XMIT_CN 2
#endif

/*
 * The TTL (IPv4, with the checksum) or the hop limit (IPv6, no checksum)
 * of the packet at data, decremented once.  0, or -1 if the header is
 * not there (cannot happen: the decision read it).
 */
static __always_inline int hop_decrease(void *data, void *end, bool v6)
{
	if (v6) {
		struct ipv6hdr *ip6h = data + sizeof(struct ethhdr);

		if ((void *)(ip6h + 1) > end)
			return -1;
		ip6h->hop_limit--;
	} else {
		struct iphdr *iph = data + sizeof(struct ethhdr);

		if ((void *)(iph + 1) > end)
			return -1;
		ipv4_decrease_ttl(iph);
	}
	return 0;
}

/* The XDP copies: TTL decremented once, one broadcast to the out-set. */
static __always_inline int
xdp_broadcast(struct xdp_md *ctx, struct mgm_counters *c, void *oset, bool v6)
{
	void *data = (void *)(long)ctx->data;
	void *end = (void *)(long)ctx->data_end;

	if (hop_decrease(data, end, v6))
		return XDP_PASS;
	if (v6)
		c->forwarded6++;
	c->forwarded++;
	return bpf_redirect_map(oset, 0,
				BPF_F_BROADCAST | BPF_F_EXCLUDE_INGRESS);
}

/*
 * Hand the packet to the tc path: the out-set the decision chose goes in
 * front of it as metadata, the TTL is decremented here (once).  A driver
 * without XDP metadata cannot: then the devmap members still get their
 * copies by XDP and the rest are lost, counted as tc_no_meta.
 */
static __always_inline int xdp_to_tc(struct xdp_md *ctx, struct mgm_counters *c,
				     void *oset, __u32 slot, bool v6)
{
	struct mgm_oset_list *l;
	struct mgm_xdp_meta *m;
	void *data, *end;
	__u16 gen;

	/* The set's generation now: inside this RCU section the slot
	 * cannot be recycled, so it is the generation of the chosen set. */
	l = bpf_map_lookup_elem(&mgm_oset_list, &slot);
	if (!l) {
		c->tc_bad_set++;
		return xdp_broadcast(ctx, c, oset, v6);
	}
	gen = (__u16)l->gen;
	if (bpf_xdp_adjust_meta(ctx, -(int)sizeof(*m))) {
		c->tc_no_meta++;
		return xdp_broadcast(ctx, c, oset, v6);
	}
	data = (void *)(long)ctx->data;
	end = (void *)(long)ctx->data_end;
	m = (void *)(long)ctx->data_meta;
	if ((void *)(m + 1) > data)
		return XDP_PASS; /* cannot happen: checked before */
	if (hop_decrease(data, end, v6))
		return XDP_PASS; /* cannot happen either */
	m->magic = MGM_XDP_META_MAGIC;
	m->oset = (__u16)slot;
	m->gen = gen;
	if (v6)
		c->forwarded6++;
	c->to_tc++;
	return XDP_PASS;
}

/* A packet to forward: by one broadcast, or marked for the tc path. */
static __always_inline int xdp_copies(struct xdp_md *ctx,
				      struct mgm_counters *c,
				      const struct mgm_decision *d, bool v6)
{
	__u32 slot = d->oset;
	void *oset;

	oset = bpf_map_lookup_elem(&mgm_osets, &slot);
	if (!oset) {
		c->bad_entry++;
		return XDP_PASS;
	}
	if ((d->flags & MGM_MFE_F_TC) || d->too_big)
		return xdp_to_tc(ctx, c, oset, slot, v6);
	return xdp_broadcast(ctx, c, oset, v6);
}

static __always_inline int xdp_ipv4(struct xdp_md *ctx, struct mgm_counters *c)
{
	void *data = (void *)(long)ctx->data;
	void *end = (void *)(long)ctx->data_end;
	struct iphdr *iph = data + sizeof(struct ethhdr);
	struct mgm_pkt p = {
		.ifindex = ctx->ingress_ifindex,
		.l3_off = sizeof(struct ethhdr),
		/* From the u32 context fields: a bounded scalar for helpers. */
		.l3_len = ctx->data_end - ctx->data - sizeof(struct ethhdr),
	};
	struct mgm_decision d = {};

	switch (mgm_decide(ctx, true, &p, iph, end, c, &d)) {
	case MGM_V_PASS:
		return XDP_PASS;
	case MGM_V_DROP:
		return XDP_DROP;
	default:
		break;
	}
	return xdp_copies(ctx, c, &d, false);
}

/* The same for IPv6: mgm_decide6 decides, the copies are made alike. */
static __always_inline int xdp_ipv6(struct xdp_md *ctx, struct mgm_counters *c)
{
	void *data = (void *)(long)ctx->data;
	void *end = (void *)(long)ctx->data_end;
	struct ipv6hdr *ip6h = data + sizeof(struct ethhdr);
	struct mgm_pkt p = {
		.ifindex = ctx->ingress_ifindex,
		.l3_off = sizeof(struct ethhdr),
		.l3_len = ctx->data_end - ctx->data - sizeof(struct ethhdr),
	};
	struct mgm_decision d = {};

	switch (mgm_decide6(ctx, true, &p, ip6h, end, c, &d)) {
	case MGM_V_PASS:
		return XDP_PASS;
	case MGM_V_DROP:
		return XDP_DROP;
	default:
		break;
	}
	return xdp_copies(ctx, c, &d, true);
}

SEC("xdp")
int mgm_xdp_fwd(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data;
	void *end = (void *)(long)ctx->data_end;
	struct ethhdr *eth = data;
	struct mgm_counters *c;
	__u16 proto;

	c = counters();
	if (!c)
		return XDP_PASS;
	c->rx++;
	if ((void *)(eth + 1) > end) {
		c->malformed++;
		return XDP_PASS;
	}
	proto = eth->h_proto;
	switch (proto) {
	case bpf_htons(ETH_P_IP):
		return xdp_ipv4(ctx, c);
	case bpf_htons(ETH_P_IPV6):
		return xdp_ipv6(ctx, c);
	case bpf_htons(ETH_P_8021Q):
	case bpf_htons(ETH_P_8021AD):
		c->pass_vlan++;
		return XDP_PASS;
	default:
		c->pass_not_ip++;
		return XDP_PASS;
	}
}

/*
 * Runs once per copy made by the broadcast redirect, with
 * ctx->egress_ifindex set.  XDP_PASS transmits the copy, XDP_DROP drops
 * it.  The TTL (IPv6: hop limit) has already been decremented by
 * mgm_xdp_fwd; the interface's threshold applies to either.
 */
SEC("xdp/devmap")
int mgm_xdp_egress(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data;
	void *end = (void *)(long)ctx->data_end;
	struct ethhdr *eth = data;
	struct mgm_if_stats *st;
	struct mgm_if_val v;
	__u32 tot_len, ttl;

	if ((void *)(eth + 1) > end)
		return XDP_DROP; /* mgm_xdp_fwd validated it: cannot happen */
	if (eth->h_proto == bpf_htons(ETH_P_IPV6)) {
		struct ipv6hdr *ip6h = (void *)(eth + 1);

		if ((void *)(ip6h + 1) > end)
			return XDP_DROP;
		ttl = ip6h->hop_limit;
		tot_len = sizeof(*ip6h) + bpf_ntohs(ip6h->payload_len);
	} else {
		struct iphdr *iph = (void *)(eth + 1);

		if ((void *)(iph + 1) > end)
			return XDP_DROP;
		ttl = iph->ttl;
		tot_len = bpf_ntohs(iph->tot_len);
	}
	st = copy_check(ctx->egress_ifindex, ttl, tot_len, &v);
	if (!st)
		return XDP_DROP;
	__builtin_memcpy(eth->h_source, v.mac, ETH_ALEN);
	st->out_packets++;
	st->out_bytes += tot_len;
	return XDP_PASS;
}

/*
 * The tc path's copies: one bpf_clone_redirect per member of the out-set
 * in slot, each judged by copy_check() and given its interface's MAC, as
 * mgm_xdp_egress does for XDP copies, into the same counters.  The TTL is
 * already decremented.  The original is consumed (TC_ACT_STOLEN), as an
 * XDP redirect consumes it.
 */
/* One tc copy: the state bpf_loop() hands to tc_copy(). */
struct tc_fanout_ctx {
	struct __sk_buff *skb;
	struct mgm_oset_list *l;
	__u32 in, ttl, tot_len;
};

/*
 * The copy for member i of the list (bpf_loop() callback: the verifier
 * checks it once, not once per member).
 */
static long tc_copy(__u64 i, void *data)
{
	struct tc_fanout_ctx *f = data;
	struct mgm_if_stats *st;
	struct mgm_if_val v;
	__u32 ifx;
	long ret;

	if (i >= MGM_OSET_MAX_OIFS)
		return 1;
	ifx = f->l->ifindex[i];
	if (!ifx || ifx == f->in)
		return 0;
	st = copy_check(ifx, f->ttl, f->tot_len, &v);
	if (!st)
		return 0;
	/* Writable first: an earlier clone shares the data. */
	if (bpf_skb_store_bytes(f->skb, ETH_ALEN, v.mac, ETH_ALEN, 0)) {
		st->discards++;
		return 0;
	}
	ret = bpf_clone_redirect(f->skb, ifx, 0);
	if (ret && ret != NET_XMIT_CN) {
		st->discards++;
		return 0;
	}
	st->out_packets++;
	st->out_bytes += f->tot_len;
	return 0;
}

/*
 * Every copy of the packet to the members of slot's list.  gen >= 0: the
 * generation the XDP program marked it with (mgm_tc_xmit); a slot that
 * has moved on since is never copied to.
 */
static __always_inline int
tc_fanout(struct __sk_buff *skb, struct mgm_counters *c, __u32 slot, int gen)
{
	struct tc_fanout_ctx f = { .skb = skb, .in = skb->ifindex };
	__u32 n;

	f.l = bpf_map_lookup_elem(&mgm_oset_list, &slot);
	if (!f.l) {
		c->tc_bad_set++;
		return TC_ACT_SHOT;
	}
	if (gen >= 0 && (__u16)f.l->gen != gen) {
		c->tc_stale++;
		return TC_ACT_SHOT;
	}
	if (skb->protocol == bpf_htons(ETH_P_IPV6)) {
		struct ipv6hdr ip6h;

		if (bpf_skb_load_bytes(skb, sizeof(struct ethhdr), &ip6h,
				       sizeof(ip6h))) {
			c->malformed++;
			return TC_ACT_SHOT;
		}
		f.ttl = ip6h.hop_limit;
		f.tot_len = sizeof(ip6h) + bpf_ntohs(ip6h.payload_len);
	} else {
		struct iphdr iph;

		if (bpf_skb_load_bytes(skb, sizeof(struct ethhdr), &iph,
				       sizeof(iph))) {
			c->malformed++;
			return TC_ACT_SHOT;
		}
		f.ttl = iph.ttl;
		f.tot_len = bpf_ntohs(iph.tot_len);
	}
	n = f.l->n;
	if (n > MGM_OSET_MAX_OIFS)
		n = MGM_OSET_MAX_OIFS;
	bpf_loop(n, tc_copy, &f, 0);
	c->tc_fanout++;
	/* Consumed, not dropped: no drop counted against the interface. */
	return TC_ACT_STOLEN;
}

/*
 * tc clsact ingress beside mgm_xdp_fwd: only packets the XDP program
 * marked are its business; everything else continues untouched.
 */
SEC("tc")
int mgm_tc_xmit(struct __sk_buff *skb)
{
	void *data = (void *)(long)skb->data;
	struct mgm_xdp_meta *m = (void *)(long)skb->data_meta;
	struct mgm_counters *c;
	__u32 slot;
	__u16 gen;

	if ((void *)(m + 1) > data || m->magic != MGM_XDP_META_MAGIC)
		return TC_ACT_OK;
	slot = m->oset;
	gen = m->gen;
	/* Clones keep the metadata: unmark, so that no one reads it again. */
	m->magic = 0;
	c = counters();
	if (!c)
		return TC_ACT_SHOT;
	/*
	 * Normally this runs in the same RCU section as the XDP program
	 * that marked the packet.  With RPS the packet may have waited in
	 * another CPU's backlog past a grace period, its slot recycled for
	 * another set: never copy it there.
	 */
	return tc_fanout(skb, c, slot, gen);
}

/*
 * The whole forwarder for an interface that receives through tc (no XDP
 * program there): the same decision as mgm_xdp_fwd, every copy by
 * tc_fanout().
 */
/* IPv6 on a tc-only interface: mgm_decide6, then tc_fanout(). */
/*
 * The tc forwarders' start: up to l3 bytes after the Ethernet header in
 * the skb's linear part (pulled if they are not), the frame's EtherType
 * proto.  The Ethernet header, or NULL (counted) when the frame is too
 * short or of another protocol; *end the linear data's end.
 */
static __always_inline struct ethhdr *tc_linear_eth(struct __sk_buff *skb,
						    __u32 l3, __be16 proto,
						    struct mgm_counters *c,
						    void **end)
{
	__u32 need = sizeof(struct ethhdr) + l3;
	struct ethhdr *eth;
	void *data;

	if (need > skb->len)
		need = skb->len;
	data = (void *)(long)skb->data;
	*end = (void *)(long)skb->data_end;
	if (data + need > *end) {
		bpf_skb_pull_data(skb, need);
		data = (void *)(long)skb->data;
		*end = (void *)(long)skb->data_end;
	}
	eth = data;
	if ((void *)(eth + 1) > *end) {
		c->malformed++;
		return NULL;
	}
	if (eth->h_proto != proto) {
		c->pass_not_ip++;
		return NULL;
	}
	return eth;
}

static __always_inline int tc_fwd6(struct __sk_buff *skb,
				   struct mgm_counters *c)
{
	struct mgm_decision d = {};
	struct ipv6hdr *ip6h;
	struct ethhdr *eth;
	struct mgm_pkt p;
	void *end;

	/* The Ethernet and IPv6 headers in the linear part (the extension
	 * headers are read with bpf_skb_load_bytes). */
	eth = tc_linear_eth(skb, sizeof(*ip6h), bpf_htons(ETH_P_IPV6), c, &end);
	if (!eth)
		return TC_ACT_OK;
	ip6h = (void *)(eth + 1);
	p.ifindex = skb->ifindex;
	p.l3_off = sizeof(*eth);
	p.l3_len = skb->len - sizeof(*eth);
	switch (mgm_decide6(skb, false, &p, ip6h, end, c, &d)) {
	case MGM_V_PASS:
		return TC_ACT_OK;
	case MGM_V_DROP:
		return TC_ACT_SHOT;
	default:
		break;
	}
	if ((void *)(ip6h + 1) > end)
		return TC_ACT_OK;
	ip6h->hop_limit--;
	c->forwarded6++;
	return tc_fanout(skb, c, d.oset, -1);
}

SEC("tc")
int mgm_tc_fwd(struct __sk_buff *skb)
{
	struct mgm_decision d = {};
	struct mgm_counters *c;
	struct mgm_pkt p;
	struct iphdr *iph;
	struct ethhdr *eth;
	void *end;

	c = counters();
	if (!c)
		return TC_ACT_OK;
	c->tc_rx++;
	if (skb->protocol == bpf_htons(ETH_P_IPV6))
		return tc_fwd6(skb, c);
	if (skb->protocol != bpf_htons(ETH_P_IP)) {
		c->pass_not_ip++;
		return TC_ACT_OK;
	}
	/* The Ethernet and IP headers (with options) in the linear part. */
	eth = tc_linear_eth(skb, 60, bpf_htons(ETH_P_IP), c, &end);
	if (!eth)
		return TC_ACT_OK;
	iph = (void *)(eth + 1);
	p.ifindex = skb->ifindex;
	p.l3_off = sizeof(*eth);
	p.l3_len = skb->len - sizeof(*eth);
	switch (mgm_decide(skb, false, &p, iph, end, c, &d)) {
	case MGM_V_PASS:
		return TC_ACT_OK;
	case MGM_V_DROP:
		return TC_ACT_SHOT;
	default:
		break;
	}
	if ((void *)(iph + 1) > end)
		return TC_ACT_OK;
	ipv4_decrease_ttl(iph);
	return tc_fanout(skb, c, d.oset, -1);
}

/*
 * The datapath layer's in-place change of one hash element (struct
 * mgm_mfe_ctl as the arguments of a BPF_PROG_TEST_RUN; never attached):
 * the IPv4 overflow and IPv6.  A slot of mgm_mfe_tab is changed with the
 * same stores from userspace, through its mapping (user/dp/mfetab.c,
 * mfetab_route()).  A replace by
 * bpf_map_update_elem would give the entry a new element and lose the
 * counters in it; this writes the MTU and the route word where they are.
 * An MTU goes down before the route changes and up after it, so that a
 * packet never judges a set by more than that set's smallest MTU.  "?":
 * loaded only by the datapath layer, not by other loaders of the object.
 */
/* The in-place change itself, the same for both families. */
static __always_inline int ent_ctl(struct mgm_mfe_ent *vp, __u64 word,
				   __u16 mtu)
{
	__u16 old, lower;

	old = vp->mtu;
	lower = !old ? mtu : !mtu ? old : old < mtu ? old : mtu;
	WRITE_ONCE_U16(&vp->mtu, lower);
	/* One store: a packet reads the old route or this one. */
	__sync_lock_test_and_set((__u64 *)&vp->iif, word);
	WRITE_ONCE_U16(&vp->mtu, mtu);
	return 0;
}

SEC("?raw_tp")
int mgm_mfe_ctl(__u64 *args)
{
	struct mgm_mfe_val *vp;
	struct mgm_mfe_key key;
	__u64 k = args[0];

	__builtin_memcpy(&key, &k, sizeof(key));
	vp = bpf_map_lookup_elem(&mgm_mfe, &key);
	if (!vp || vp->source != key.source || vp->group != key.group)
		return 1;
	return ent_ctl((struct mgm_mfe_ent *)&vp->iif, args[1], (__u16)args[2]);
}

/*
 * The same for an IPv6 entry (struct mgm_mfe6_ctl: the key in arguments
 * 0-3, the route word in 4, the MTU in 5).
 */
SEC("?raw_tp")
int mgm_mfe6_ctl(__u64 *args)
{
	struct mgm_mfe6_val *vp;
	struct mgm_mfe6_key key;
	__u64 k[4];

	k[0] = args[0];
	k[1] = args[1];
	k[2] = args[2];
	k[3] = args[3];
	__builtin_memcpy(&key, k, sizeof(key));
	vp = bpf_map_lookup_elem(&mgm_mfe6, &key);
	if (!vp || !mfe6_key_is(vp, &key))
		return 1;
	return ent_ctl(&vp->e, args[4], (__u16)args[5]);
}

/*
 * One instant in both clocks, into mgm_config (see there): run by the
 * datapath layer's owner with BPF_PROG_TEST_RUN on a dummy frame when it
 * opens the maps.  A socket filter: tracing programs may not read the
 * coarse clock, and no attach tool picks this type from the object.
 */
SEC("?socket")
int mgm_clock_ctl(struct __sk_buff *skb __attribute__((unused)))
{
	struct mgm_config *cfg;
	__u32 zero = 0;

	cfg = bpf_map_lookup_elem(&mgm_config, &zero);
	if (!cfg)
		return 1;
	cfg->clock_jiffies = bpf_jiffies64();
	cfg->clock_ns = bpf_ktime_get_coarse_ns();
	return 0;
}

char _license[] SEC("license") = "GPL";
