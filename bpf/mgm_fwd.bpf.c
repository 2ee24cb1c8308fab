// SPDX-License-Identifier: GPL-2.0
/*
 * mgm_fwd.bpf.c - XDP fast path of the multicast router.
 *
 * mgm_xdp_fwd (SEC "xdp") runs on every interface that takes part in
 * multicast routing.  For IPv4 multicast data it looks up the multicast
 * forwarding entry (MFE) of (source, group), checks the incoming interface
 * and the TTL, decrements the TTL and fans the frame out with one
 * bpf_redirect_map(BPF_F_BROADCAST | BPF_F_EXCLUDE_INGRESS) over the
 * entry's outgoing set, a devmap.  Everything else goes to the kernel
 * untouched (XDP_PASS): the stack, IGMP and any routing daemon keep
 * seeing what they saw before.
 *
 * mgm_xdp_egress (SEC "xdp/devmap") runs once per copy: it applies the
 * egress interface's TTL threshold, writes the interface's own MAC as the
 * source address and counts the copy.
 *
 * Map layouts and counters are defined in include/mgm_fwd.h.
 */
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/in.h>
#include <linux/ip.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>

#include "mgm_fwd.h"

#ifndef ETH_P_8021AD
#define ETH_P_8021AD 0x88A8
#endif

/* Multicast forwarding entries, (S,G) -> iif, out-set slot, flags. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__type(key, struct mgm_mfe_key);
	__type(value, struct mgm_mfe_val);
	__uint(max_entries, MGM_MFE_MAX);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} mgm_mfe SEC(".maps");

/* Per-entry counters, indexed by mgm_mfe_val.stats. */
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

static __always_inline struct mgm_counters *counters(void)
{
	__u32 zero = 0;

	return bpf_map_lookup_elem(&mgm_counters, &zero);
}

static __always_inline __u32 cfg_or(__u32 v, __u32 def)
{
	return v ? v : def;
}

static __always_inline __u16 csum_fold(__u32 sum)
{
	sum = (sum & 0xffff) + (sum >> 16);
	sum = (sum & 0xffff) + (sum >> 16);
	return (__u16)~sum;
}

/* Ones' complement sum of the 20-byte basic IPv4 header. */
static __always_inline __u32 ipv4_csum_basic(const struct iphdr *iph)
{
	const __u16 *w = (const __u16 *)iph;
	__u32 sum = 0;
	int i;

#pragma unroll
	for (i = 0; i < 10; i++)
		sum += w[i];
	return sum;
}

/*
 * IPv4 options, copied to the stack so that they can be summed and walked
 * without a bounds check per byte.  Unused bytes stay zero, which adds
 * nothing to a ones' complement sum.
 */
struct ipv4_opts {
	__u8 b[MAX_IPOPTLEN];
};

static __always_inline __u32 ipv4_csum_opts(const struct ipv4_opts *o)
{
	const __u16 *w = (const __u16 *)o->b;
	__u32 sum = 0;
	int i;

#pragma unroll
	for (i = 0; i < MAX_IPOPTLEN / 2; i++)
		sum += w[i];
	return sum;
}

enum opt_scan {
	OPT_OK,
	OPT_ROUTER_ALERT,
	OPT_MALFORMED,
};

/*
 * Walk the IPv4 options looking for Router Alert (RFC 2113).  Packets
 * carrying it are meant for the router itself (IGMP, RSVP, ...) and go to
 * the stack.  An option that runs past the header is malformed.
 */
static __always_inline enum opt_scan
ipv4_scan_options(const struct ipv4_opts *o, __u32 len)
{
	__u32 off = 0;
	int i;

	for (i = 0; i < MAX_IPOPTLEN; i++) {
		__u8 type, olen;

		if (off >= len || off >= MAX_IPOPTLEN - 1)
			break;
		type = o->b[off];
		if (type == IPOPT_END)
			break;
		if (type == IPOPT_NOOP) {
			off++;
			continue;
		}
		olen = o->b[off + 1];
		if (olen < 2 || off + olen > len)
			return OPT_MALFORMED;
		if (type == IPOPT_RA)
			return OPT_ROUTER_ALERT;
		off += olen;
	}
	/* A lone byte at the very end can only be END or NOOP. */
	if (off == MAX_IPOPTLEN - 1 && off < len && o->b[off] > IPOPT_NOOP)
		return OPT_MALFORMED;
	return OPT_OK;
}

/*
 * RFC 1624 incremental update for a TTL decrement, as the kernel's
 * ip_decrease_ttl() does it.
 */
static __always_inline void ipv4_decrease_ttl(struct iphdr *iph)
{
	__u32 check = (__u32)iph->check;

	check += (__u32)bpf_htons(0x0100);
	iph->check = (__sum16)(check + (check >= 0xFFFF));
	iph->ttl--;
}

/*
 * Spend one event from this CPU's budget (events_per_sec per one-second
 * window).  A flood of new sources then costs the controller a bounded
 * rate of events; the rest are counted as suppressed.
 */
static __always_inline int budget_take(const struct mgm_config *cfg, __u64 now)
{
	struct mgm_budget *b;
	__u32 zero = 0;
	__u32 rate;

	b = bpf_map_lookup_elem(&mgm_budget, &zero);
	if (!b)
		return 0;
	rate = cfg_or(cfg ? cfg->events_per_sec : 0, MGM_DEF_EVENTS_PER_SEC);
	if (now - b->window_ns >= 1000000000ULL) {
		b->window_ns = now;
		b->used = 0;
	}
	if (b->used >= rate)
		return 0;
	b->used++;
	return 1;
}

/* Write one event with the IP header to the ring.  Returns 1 if sent. */
static __always_inline int emit_event(struct xdp_md *ctx,
				      struct mgm_counters *c,
				      const struct mgm_config *cfg, __u32 type,
				      const struct mgm_mfe_key *key,
				      __u32 l3_off, __u16 ip_len, __u64 now)
{
	struct mgm_event *ev;
	__u32 len;

	if (!budget_take(cfg, now)) {
		c->ev_suppressed++;
		return 0;
	}
	ev = bpf_ringbuf_reserve(&mgm_events, sizeof(*ev), 0);
	if (!ev) {
		c->ev_ring_full++;
		return 0;
	}
	ev->type = type;
	ev->ifindex = ctx->ingress_ifindex;
	ev->source = key->source;
	ev->group = key->group;
	ev->ts_ns = now;
	ev->ip_len = ip_len;
	ev->pad = 0;
	len = ctx->data_end - ctx->data - l3_off;
	if (len > MGM_EVENT_HDR_MAX)
		len = MGM_EVENT_HDR_MAX;
	/* The caller validated the IP header, so len >= 20. */
	if (len < 1 || bpf_xdp_load_bytes(ctx, l3_off, ev->hdr, len) < 0)
		len = 0;
	ev->hdr_len = len;
	bpf_ringbuf_submit(ev, 0);
	c->ev_sent++;
	return 1;
}

static __always_inline const struct mgm_config *config(void)
{
	__u32 zero = 0;

	return bpf_map_lookup_elem(&mgm_config, &zero);
}

/*
 * No entry for (S,G): tell the controller, once per miss_retry_ms per
 * (S,G), and let the packet continue to the stack.
 */
static __always_inline int handle_miss(struct xdp_md *ctx,
				       struct mgm_counters *c,
				       const struct mgm_mfe_key *key,
				       __u32 l3_off, __u16 ip_len, __u64 now)
{
	const struct mgm_config *cfg = config();
	__u64 retry, *seen;

	c->no_entry++;
	retry = (__u64)cfg_or(cfg ? cfg->miss_retry_ms : 0,
			      MGM_DEF_MISS_RETRY_MS) *
		1000000ULL;
	seen = bpf_map_lookup_elem(&mgm_miss_seen, key);
	if (seen && now - *seen < retry) {
		c->ev_dedup++;
		return XDP_PASS;
	}
	if (emit_event(ctx, c, cfg, MGM_EV_MISS, key, l3_off, ip_len, now))
		bpf_map_update_elem(&mgm_miss_seen, key, &now, BPF_ANY);
	return XDP_PASS;
}

/* Data on another interface than the entry's iif: count, report, pass. */
static __always_inline int
handle_wrong_if(struct xdp_md *ctx, struct mgm_counters *c,
		struct mgm_mfe_stats *st, const struct mgm_mfe_key *key,
		__u32 l3_off, __u16 ip_len, __u64 now)
{
	const struct mgm_config *cfg;
	__u64 interval, last;

	__sync_fetch_and_add(&st->wrong_if, 1);
	c->wrong_if++;
	cfg = config();
	interval =
		(__u64)cfg_or(cfg ? cfg->wrong_if_ms : 0, MGM_DEF_WRONG_IF_MS) *
		1000000ULL;
	last = st->wrong_if_event_ns;
	if (last && now - last < interval)
		return XDP_PASS;
	/* Claim the report slot; a CPU that loses the race stays quiet. */
	if (__sync_val_compare_and_swap(&st->wrong_if_event_ns, last, now) !=
	    last)
		return XDP_PASS;
	emit_event(ctx, c, cfg, MGM_EV_WRONG_IF, key, l3_off, ip_len, now);
	return XDP_PASS;
}

/*
 * Is this packet of a kernel-mirrored entry the one of this interval that
 * goes to the kernel?  The routing daemon that owns the kernel's entry
 * watches its packet counter and last-use time (PIM keepalive, smcroute's
 * cache timeout) and would prune a flow that XDP forwards entirely.  One
 * CPU claims the slot with a compare-and-swap, so exactly one packet per
 * interval passes, whatever the number of CPUs; the first packet after an
 * install (kernel_pass_ns 0) is one.
 */
static __always_inline int kernel_keepalive_due(struct mgm_mfe_stats *st,
						__u64 now)
{
	const struct mgm_config *cfg = config();
	__u64 interval, last = st->kernel_pass_ns;

	interval = (__u64)cfg_or(cfg ? cfg->keepalive_ms : 0,
				 MGM_DEF_KEEPALIVE_MS) *
		   1000000ULL;
	/* Signed: another CPU may have claimed with a later "now". */
	if (last && (__s64)(now - last) < (__s64)interval)
		return 0;
	if (__sync_val_compare_and_swap(&st->kernel_pass_ns, last, now) != last)
		return 0;
	__sync_fetch_and_add(&st->kernel_passes, 1);
	return 1;
}

static __always_inline int handle_ipv4(struct xdp_md *ctx,
				       struct mgm_counters *c, __u32 l3_off)
{
	void *data = (void *)(long)ctx->data;
	void *end = (void *)(long)ctx->data_end;
	struct iphdr *iph = data + l3_off;
	struct mgm_mfe_key key;
	struct mgm_mfe_val v, *vp;
	struct mgm_mfe_stats *st;
	struct ipv4_opts opts;
	__u32 ihl, tot_len, sum;
	void *oset;
	__u64 now;

	if ((void *)(iph + 1) > end)
		goto malformed;
	ihl = iph->ihl;
	tot_len = bpf_ntohs(iph->tot_len);
	if (iph->version != 4 || ihl < 5)
		goto malformed;
	if ((void *)iph + ihl * 4 > end || tot_len < ihl * 4 ||
	    (void *)iph + tot_len > end)
		goto malformed;

	/* 224.0.0.0/4 only; 224.0.0.0/24 is link-local and never routed. */
	if ((iph->daddr & bpf_htonl(0xf0000000)) != bpf_htonl(0xe0000000)) {
		c->pass_not_mcast++;
		return XDP_PASS;
	}
	if ((iph->daddr & bpf_htonl(0xffffff00)) == bpf_htonl(0xe0000000)) {
		c->pass_local++;
		return XDP_PASS;
	}
	sum = ipv4_csum_basic(iph);
	if (ihl > 5) {
		__u32 optlen = (ihl - 5) * 4;

		__builtin_memset(&opts, 0, sizeof(opts));
		/* Hide what the compiler knows so the verifier sees the check. */
		asm volatile("" : "+r"(optlen));
		if (optlen < 4 || optlen > MAX_IPOPTLEN ||
		    bpf_xdp_load_bytes(ctx, l3_off + sizeof(*iph), opts.b,
				       optlen) < 0)
			goto malformed;
		sum += ipv4_csum_opts(&opts);
	}
	if (csum_fold(sum))
		goto malformed;
	if (iph->protocol == IPPROTO_IGMP) {
		c->pass_igmp++;
		return XDP_PASS;
	}
	if (ihl > 5) {
		switch (ipv4_scan_options(&opts, (ihl - 5) * 4)) {
		case OPT_MALFORMED:
			goto malformed;
		case OPT_ROUTER_ALERT:
			c->pass_ra++;
			return XDP_PASS;
		default:
			break;
		}
	}

	key.source = iph->saddr;
	key.group = iph->daddr;
	now = bpf_ktime_get_coarse_ns();

	vp = bpf_map_lookup_elem(&mgm_mfe, &key);
	if (!vp)
		return handle_miss(ctx, c, &key, l3_off, tot_len, now);
	/* Copy first: the element may be recycled under us (see header). */
	v = *vp;
	if (v.source != key.source || v.group != key.group)
		return handle_miss(ctx, c, &key, l3_off, tot_len, now);

	st = bpf_map_lookup_elem(&mgm_mfe_stats, &v.stats);
	if (!st) {
		c->bad_entry++;
		return XDP_PASS;
	}
	/*
	 * Plain adds, not atomic ones: a flow is handled by one CPU at a time
	 * (one RX queue, one NAPI context), and two locked adds cost ~10 ns
	 * of a ~60 ns hit.  Were one (S,G) hashed to several queues, a
	 * concurrent add could be lost: a statistic, never a forwarding
	 * decision.  The rare-path counters below stay atomic.
	 */
	st->packets++;
	st->bytes += tot_len;
	st->last_used_ns = now;

	if (v.flags & MGM_MFE_F_NEGATIVE) {
		__sync_fetch_and_add(&st->negative, 1);
		c->negative++;
		return XDP_DROP;
	}
	if (ctx->ingress_ifindex != v.iif)
		return handle_wrong_if(ctx, c, st, &key, l3_off, tot_len, now);
	if (iph->ttl <= 1) {
		__sync_fetch_and_add(&st->ttl_expired, 1);
		c->ttl_expired++;
		return XDP_PASS;
	}
	if (v.mtu && tot_len > v.mtu) {
		/* The stack can fragment or account for it; XDP cannot. */
		__sync_fetch_and_add(&st->too_big, 1);
		c->too_big++;
		return XDP_PASS;
	}
	oset = bpf_map_lookup_elem(&mgm_osets, &v.oset);
	if (!oset) {
		c->bad_entry++;
		return XDP_PASS;
	}
	if ((v.flags & MGM_MFE_F_KERNEL_KEEPALIVE) &&
	    kernel_keepalive_due(st, now))
		goto keepalive;
	ipv4_decrease_ttl(iph);
	c->forwarded++;
	return bpf_redirect_map(oset, 0,
				BPF_F_BROADCAST | BPF_F_EXCLUDE_INGRESS);

keepalive:
	/* Unmodified, to the kernel, which forwards it on its own. */
	c->kernel_keepalive++;
	return XDP_PASS;

malformed:
	c->malformed++;
	return XDP_PASS;
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
		return handle_ipv4(ctx, c, sizeof(*eth));
	case bpf_htons(ETH_P_IPV6):
		/* The place for a handle_ipv6() with its own MFE map. */
		c->pass_ipv6++;
		return XDP_PASS;
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
 * it.  The TTL has already been decremented by mgm_xdp_fwd, so the TTL the
 * packet arrived with is ttl + 1: ipmr forwards on a VIF only if that
 * arriving TTL is above the VIF's threshold, and so do we.
 */
SEC("xdp/devmap")
int mgm_xdp_egress(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data;
	void *end = (void *)(long)ctx->data_end;
	struct ethhdr *eth = data;
	struct iphdr *iph = (void *)(eth + 1);
	__u32 ifindex = ctx->egress_ifindex;
	struct mgm_if_stats *st;
	struct mgm_if_val *vp, v;

	if (ifindex < MGM_IF_DIRECT) {
		vp = bpf_map_lookup_elem(&mgm_ifs_direct, &ifindex);
		if (vp && !(vp->flags & MGM_IF_F_VALID))
			vp = NULL;
	} else {
		vp = bpf_map_lookup_elem(&mgm_ifs, &ifindex);
	}
	if (!vp) {
		struct mgm_counters *c = counters();

		if (c)
			c->tx_no_if++;
		return XDP_DROP;
	}
	v = *vp;
	st = bpf_map_lookup_elem(&mgm_if_stats, &v.stats);
	if (!st)
		return XDP_DROP;
	if ((void *)(iph + 1) > end || (v.flags & MGM_IF_F_TX_DISABLED)) {
		st->discards++;
		return XDP_DROP;
	}
	if ((__u32)iph->ttl + 1 <= v.ttl_threshold) {
		st->ttl_too_low++;
		return XDP_DROP;
	}
	__builtin_memcpy(eth->h_source, v.mac, ETH_ALEN);
	st->out_packets++;
	st->out_bytes += bpf_ntohs(iph->tot_len);
	return XDP_PASS;
}

char _license[] SEC("license") = "GPL";
