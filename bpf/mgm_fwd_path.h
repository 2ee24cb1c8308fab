/* SPDX-License-Identifier: GPL-2.0 */
/*
 * mgm_fwd_path.h - the forwarding decision and the per-copy judgement,
 * shared by the XDP programs and the tc programs of mgm_fwd.bpf.c, so
 * that both paths forward by one set of rules: one source of truth.
 *
 * Included by mgm_fwd.bpf.c after its map definitions.  Functions that
 * read the packet take the context and a compile-time constant `xdp`
 * (true: struct xdp_md, false: struct __sk_buff); every call site passes
 * a literal, so each program keeps only its own helper calls.
 */
#ifndef MGM_FWD_PATH_H
#define MGM_FWD_PATH_H

#include "mgm_mfe_tab.h"
#include "mgm_mfe_count.h"

static __always_inline struct mgm_counters *counters(void)
{
	__u32 zero = 0;

	return bpf_map_lookup_elem(&mgm_counters, &zero);
}

static __always_inline __u32 cfg_or(__u32 v, __u32 def)
{
	return v ? v : def;
}

static __always_inline const struct mgm_config *config(void)
{
	__u32 zero = 0;

	return bpf_map_lookup_elem(&mgm_config, &zero);
}

/* Bytes of the packet at off, from an XDP or an skb context. */
static __always_inline long pkt_load(void *ctx, bool xdp, __u32 off, void *to,
				     __u32 len)
{
	if (xdp)
		return bpf_xdp_load_bytes(ctx, off, to, len);
	return bpf_skb_load_bytes(ctx, off, to, len);
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
 * ip_decrease_ttl() does it.  Both paths decrement once, with this.
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

/* What the decision knows about the packet in hand. */
struct mgm_pkt {
	__u32 ifindex; /* the interface it arrived on */
	__u32 l3_off; /* offset of the IP header */
	__u32 l3_len; /* bytes of the packet from the IP header on */
};

/*
 * len (1..MGM_EVENT_HDR_MAX) in a form every verifier keeps bounded.  The
 * compiler may reload a checked length from the stack, and older
 * verifiers (Linux 6.1) then lose its bounds and refuse the load into
 * the ring record ("invalid access to memory"); a mask computed after
 * an opaque barrier is bounded by construction.
 */
static __always_inline __u32 hdr_len(__u32 len)
{
	_Static_assert((MGM_EVENT_HDR_MAX & (MGM_EVENT_HDR_MAX - 1)) == 0,
		       "MGM_EVENT_HDR_MAX is a power of two");
	len -= 1;
	asm volatile("" : "+r"(len));
	return (len & (MGM_EVENT_HDR_MAX - 1)) + 1;
}

/*
 * The (S,G) of an event: key is a struct mgm_mfe_key, or with v6 (a
 * literal at every call site) a struct mgm_mfe6_key.
 */
static __always_inline void event_key(struct mgm_event *ev, bool v6,
				      const void *key)
{
	int i;

	if (v6) {
		const struct mgm_mfe6_key *k = key;

#pragma unroll
		for (i = 0; i < 4; i++) {
			ev->source6[i] = k->source[i];
			ev->group6[i] = k->group[i];
		}
		ev->family = MGM_EV_AF_INET6;
		return;
	}
	{
		const struct mgm_mfe_key *k = key;

#pragma unroll
		for (i = 1; i < 4; i++) {
			ev->source6[i] = 0;
			ev->group6[i] = 0;
		}
		ev->source = k->source;
		ev->group = k->group;
		ev->family = MGM_EV_AF_INET;
	}
}

/* An IP length as the 16-bit field of events (IPv6 may be 40 more). */
static __always_inline __u16 ip_len16(__u32 len)
{
	return len > 0xffff ? 0xffff : (__u16)len;
}

/* Write one event with the IP header to the ring.  Returns 1 if sent. */
static __always_inline int
emit_event(void *ctx, bool xdp, const struct mgm_pkt *p, struct mgm_counters *c,
	   const struct mgm_config *cfg, __u32 type, bool v6, const void *key,
	   __u16 ip_len, __u64 now)
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
	ev->ifindex = p->ifindex;
	event_key(ev, v6, key);
	ev->ts_ns = now;
	ev->ip_len = ip_len;
	ev->pad = 0;
	len = p->l3_len;
	if (len > MGM_EVENT_HDR_MAX)
		len = MGM_EVENT_HDR_MAX;
	/* The caller validated the IP header, so len >= 20 (IPv6: 40). */
	if (len < 1 || pkt_load(ctx, xdp, p->l3_off, ev->hdr, hdr_len(len)) < 0)
		len = 0;
	ev->hdr_len = len;
	bpf_ringbuf_submit(ev, 0);
	c->ev_sent++;
	return 1;
}

enum mgm_verdict {
	MGM_V_PASS, /* to the kernel, untouched */
	MGM_V_DROP,
	MGM_V_FWD, /* copies to the out-set in d->oset */
};

/* The decision for a packet to forward. */
struct mgm_decision {
	__u32 oset; /* slot in mgm_osets / mgm_oset_list */
	__u16 flags; /* the entry's MGM_MFE_F_* */
	__u16 tot_len; /* IP total length */
	bool too_big; /* larger than the set's smallest MTU */
};

/*
 * No entry for (S,G): tell the controller, once per miss_retry_ms per
 * (S,G), and let the packet continue to the stack.  Each family has its
 * own dedupe LRU (mgm_miss_seen, mgm_miss_seen6).
 */
static __always_inline enum mgm_verdict
handle_miss(void *ctx, bool xdp, bool v6, const struct mgm_pkt *p,
	    struct mgm_counters *c, const void *key, __u16 ip_len, __u64 now)
{
	const struct mgm_config *cfg = config();
	__u64 retry, *seen;

	c->no_entry++;
	retry = (__u64)cfg_or(cfg ? cfg->miss_retry_ms : 0,
			      MGM_DEF_MISS_RETRY_MS) *
		1000000ULL;
	seen = v6 ? bpf_map_lookup_elem(&mgm_miss_seen6, key) :
		    bpf_map_lookup_elem(&mgm_miss_seen, key);
	if (seen && now - *seen < retry) {
		c->ev_dedup++;
		return MGM_V_PASS;
	}
	if (!emit_event(ctx, xdp, p, c, cfg, MGM_EV_MISS, v6, key, ip_len, now))
		return MGM_V_PASS;
	if (v6)
		bpf_map_update_elem(&mgm_miss_seen6, key, &now, BPF_ANY);
	else
		bpf_map_update_elem(&mgm_miss_seen, key, &now, BPF_ANY);
	return MGM_V_PASS;
}

/* Data on another interface than the entry's iif: count, report, pass. */
static __always_inline enum mgm_verdict
handle_wrong_if(void *ctx, bool xdp, bool v6, const struct mgm_pkt *p,
		struct mgm_counters *c, struct mgm_mfe_stats *st,
		const void *key, __u16 ip_len, __u64 now)
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
		return MGM_V_PASS;
	/* Claim the report slot; a CPU that loses the race stays quiet. */
	if (__sync_val_compare_and_swap(&st->wrong_if_event_ns, last, now) !=
	    last)
		return MGM_V_PASS;
	emit_event(ctx, xdp, p, c, cfg, MGM_EV_WRONG_IF, v6, key, ip_len, now);
	return MGM_V_PASS;
}

/*
 * Is this packet of a kernel-mirrored entry the one of this interval that
 * goes to the kernel?  The routing daemon that owns the kernel's entry
 * watches its packet counter and last-use time (PIM keepalive, smcroute's
 * cache timeout) and would prune a flow that we forward entirely.  One
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

/* The route word of an entry (struct mgm_mfe_val: iif, oset, flags). */
union mfe_route {
	__u64 word;
	struct {
		__u32 iif;
		__u16 oset;
		__u16 flags;
	} f;
};

/* Stores the compiler may neither split, repeat nor reorder (the loads:
 * mgm_mfe_tab.h). */
#define WRITE_ONCE_U16(p, v) (*(volatile __u16 *)(p) = (v))

/* The rare counters of an entry, looked up only on the paths using them. */
static __always_inline struct mgm_mfe_stats *
entry_stats(const struct mgm_mfe_ent *vp, struct mgm_counters *c)
{
	__u32 slot = vp->stats;
	struct mgm_mfe_stats *st;

	st = bpf_map_lookup_elem(&mgm_mfe_stats, &slot);
	if (!st)
		c->bad_entry++;
	return st;
}

/*
 * An entry of either family matched (its key copy checked, not dead; r
 * its route word as loaded once): count it and judge the packet.  ttl is
 * the arriving TTL or hop limit, tot_len the IP length (IPv6: 40 +
 * payload length).  MGM_V_FWD: d says where to; the packet is not
 * modified (the caller decrements the TTL or hop limit once, on
 * whichever path makes the copies).
 */
static __always_inline enum mgm_verdict
mfe_hit(void *ctx, bool xdp, bool v6, const struct mgm_pkt *p,
	struct mgm_counters *c, struct mgm_decision *d, struct mgm_mfe_ent *vp,
	union mfe_route r, const void *key, __u32 ttl, __u32 tot_len)
{
	struct mgm_mfe_stats *st;
	bool full;
	__u32 mtu;

	/*
	 * Packets, bytes and last use: plain adds into the line the lookup
	 * just read while one CPU hits the entry, per-CPU elements once
	 * several do (one (S,G) over several RX queues), so that the line
	 * does not bounce between them (mgm_mfe_count.h).  The rare counters
	 * in mgm_mfe_stats stay atomic.
	 */
	mtu = mgm_mfe_count(vp, tot_len, &full);
	if (full)
		c->shared_full++;

	if (r.f.flags & MGM_MFE_F_NEGATIVE) {
		st = entry_stats(vp, c);
		if (st)
			__sync_fetch_and_add(&st->negative, 1);
		c->negative++;
		return MGM_V_DROP;
	}
	if (p->ifindex != r.f.iif) {
		st = entry_stats(vp, c);
		if (!st)
			return MGM_V_PASS;
		return handle_wrong_if(ctx, xdp, v6, p, c, st, key,
				       ip_len16(tot_len),
				       bpf_ktime_get_coarse_ns());
	}
	if (ttl <= 1) {
		st = entry_stats(vp, c);
		if (st)
			__sync_fetch_and_add(&st->ttl_expired, 1);
		c->ttl_expired++;
		return MGM_V_PASS;
	}
	d->too_big = mtu && tot_len > mtu;
	if (d->too_big) {
		/* Some copy will not fit: each is judged on its own MTU. */
		st = entry_stats(vp, c);
		if (st)
			__sync_fetch_and_add(&st->too_big, 1);
		c->too_big++;
	}
	if (r.f.flags & MGM_MFE_F_KERNEL_KEEPALIVE) {
		st = entry_stats(vp, c);
		if (st && kernel_keepalive_due(st, bpf_ktime_get_coarse_ns())) {
			/* Unmodified, to the kernel, which forwards it. */
			c->kernel_keepalive++;
			return MGM_V_PASS;
		}
	}
	d->oset = r.f.oset;
	d->flags = r.f.flags;
	d->tot_len = ip_len16(tot_len);
	return MGM_V_FWD;
}

/*
 * The forwarding decision for an IPv4 packet whose header starts at iph
 * (p->l3_off into the packet; the basic header and its options are in
 * the linear data up to end).  MGM_V_FWD: d says where to; the packet is
 * not modified (the caller decrements the TTL once, with
 * ipv4_decrease_ttl(), on whichever path makes the copies).
 */
static __always_inline enum mgm_verdict
mgm_decide(void *ctx, bool xdp, const struct mgm_pkt *p, struct iphdr *iph,
	   void *end, struct mgm_counters *c, struct mgm_decision *d)
{
	struct mgm_mfe_key key;
	struct mgm_mfe_val *vp;
	struct mgm_mfe_ent *ent;
	union mfe_route r;
	struct ipv4_opts opts;
	bool ovf;
	__u32 ihl, tot_len, sum;

	if ((void *)(iph + 1) > end)
		goto malformed;
	ihl = iph->ihl;
	tot_len = bpf_ntohs(iph->tot_len);
	if (iph->version != 4 || ihl < 5)
		goto malformed;
	if ((void *)iph + ihl * 4 > end || tot_len < ihl * 4 ||
	    tot_len > p->l3_len)
		goto malformed;

	/* 224.0.0.0/4 only; 224.0.0.0/24 is link-local and never routed. */
	if ((iph->daddr & bpf_htonl(0xf0000000)) != bpf_htonl(0xe0000000)) {
		c->pass_not_mcast++;
		return MGM_V_PASS;
	}
	if ((iph->daddr & bpf_htonl(0xffffff00)) == bpf_htonl(0xe0000000)) {
		c->pass_local++;
		return MGM_V_PASS;
	}
	sum = ipv4_csum_basic(iph);
	if (ihl > 5) {
		__u32 optlen = (ihl - 5) * 4;

		__builtin_memset(&opts, 0, sizeof(opts));
		/* Hide what the compiler knows so the verifier sees the check. */
		asm volatile("" : "+r"(optlen));
		if (optlen < 4 || optlen > MAX_IPOPTLEN ||
		    pkt_load(ctx, xdp, p->l3_off + sizeof(*iph), opts.b,
			     optlen) < 0)
			goto malformed;
		sum += ipv4_csum_opts(&opts);
	}
	if (csum_fold(sum))
		goto malformed;
	if (iph->protocol == IPPROTO_IGMP) {
		c->pass_igmp++;
		return MGM_V_PASS;
	}
	if (ihl > 5) {
		switch (ipv4_scan_options(&opts, (ihl - 5) * 4)) {
		case OPT_MALFORMED:
			goto malformed;
		case OPT_ROUTER_ALERT:
			c->pass_ra++;
			return MGM_V_PASS;
		default:
			break;
		}
	}

	key.source = iph->saddr;
	key.group = iph->daddr;

	ent = mgm_tab_lookup(config(), &key, &r.word, &ovf);
	if (ent)
		return mfe_hit(ctx, xdp, false, p, c, d, ent, r, &key, iph->ttl,
			       tot_len);
	/* Not in its window: in the overflow if its home counts any. */
	if (!ovf)
		goto miss;
	vp = bpf_map_lookup_elem(&mgm_mfe, &key);
	if (!vp)
		goto miss;
	/*
	 * The route in one load, then the key copy: an element recycled for
	 * another key under us shows that key (see the header), one being
	 * deleted shows MGM_MFE_F_DEAD; in both cases nothing is counted.
	 */
	r.word = READ_ONCE_U64(&vp->iif);
	if (READ_ONCE_U32(&vp->source) != key.source ||
	    READ_ONCE_U32(&vp->group) != key.group ||
	    (r.f.flags & MGM_MFE_F_DEAD))
		goto miss;
	/* From iif on the value is a struct mgm_mfe_ent (mgm_fwd.h). */
	return mfe_hit(ctx, xdp, false, p, c, d, (struct mgm_mfe_ent *)&vp->iif,
		       r, &key, iph->ttl, tot_len);

miss:
	/* The clock is read only off the hit path: a helper call. */
	return handle_miss(ctx, xdp, false, p, c, &key, tot_len,
			   bpf_ktime_get_coarse_ns());

malformed:
	c->malformed++;
	return MGM_V_PASS;
}

/* ------------------------------------------------------------------ */
/* IPv6                                                                 */

#define MGM_NH_HOP 0
#define MGM_NH_ROUTING 43
#define MGM_NH_FRAGMENT 44
#define MGM_NH_AH 51
#define MGM_NH_ICMPV6 58
#define MGM_NH_DSTOPTS 60
#define MGM_IP6OPT_PAD1 0
#define MGM_IP6OPT_ROUTER_ALERT 5

/*
 * A Hop-by-Hop header copied to the stack, and the state of the walk of
 * its options (bpf_loop: the verifier checks one step, not every path
 * through up to MGM_IPV6_HBH_MAX of them).
 */
struct ipv6_hbh {
	__u8 b[MGM_IPV6_HBH_MAX];
	__u32 len; /* bytes of the header, the 2-byte start included */
	__u32 off; /* the next option */
	__u32 res; /* enum opt_scan */
};

/*
 * One option of the walk looking for Router Alert (RFC 2711): MLD
 * carries it, and such packets are for the router itself.  An option
 * running past the header is malformed.
 */
static long ipv6_hbh_step(__u64 i __attribute__((unused)), void *data)
{
	struct ipv6_hbh *o = data;
	__u32 off = o->off;
	__u8 type, olen;

	if (off >= o->len || off >= MGM_IPV6_HBH_MAX - 1)
		return 1;
	type = o->b[off];
	if (type == MGM_IP6OPT_PAD1) {
		o->off = off + 1;
		return 0;
	}
	olen = o->b[off + 1];
	if (off + 2 + olen > o->len) {
		o->res = OPT_MALFORMED;
		return 1;
	}
	if (type == MGM_IP6OPT_ROUTER_ALERT) {
		o->res = OPT_ROUTER_ALERT;
		return 1;
	}
	o->off = off + 2 + olen;
	return 0;
}

static __always_inline enum opt_scan ipv6_scan_hbh(struct ipv6_hbh *o)
{
	__u32 off;

	o->off = 2;
	o->res = OPT_OK;
	bpf_loop(MGM_IPV6_HBH_MAX, ipv6_hbh_step, o, 0);
	if (o->res != OPT_OK)
		return o->res;
	/* A lone byte at the very end can only be Pad1. */
	off = o->off;
	if (off == MGM_IPV6_HBH_MAX - 1 && off < o->len &&
	    o->b[MGM_IPV6_HBH_MAX - 1] != MGM_IP6OPT_PAD1)
		return OPT_MALFORMED;
	return OPT_OK;
}

/*
 * A Hop-by-Hop length (8..MGM_IPV6_HBH_MAX, checked) in a form every
 * verifier keeps bounded, as hdr_len() does for events: Linux 6.1 refused
 * the load when the compiler reloaded the checked length from a spill
 * made before the check ("invalid indirect access to stack").
 */
static __always_inline __u32 hbh_len(__u32 len)
{
	_Static_assert((MGM_IPV6_HBH_MAX & (MGM_IPV6_HBH_MAX - 1)) == 0,
		       "MGM_IPV6_HBH_MAX is a power of two");
	len -= 1;
	asm volatile("" : "+r"(len));
	return (len & (MGM_IPV6_HBH_MAX - 1)) + 1;
}

static __always_inline bool ipv6_is_ext(__u32 nh)
{
	return nh == MGM_NH_HOP || nh == MGM_NH_ROUTING ||
	       nh == MGM_NH_FRAGMENT || nh == MGM_NH_DSTOPTS || nh == MGM_NH_AH;
}

/* Does the element still belong to key?  (See mgm_decide.) */
static __always_inline bool mfe6_key_is(const struct mgm_mfe6_val *vp,
					const struct mgm_mfe6_key *k)
{
	__u32 diff = 0;
	int i;

#pragma unroll
	for (i = 0; i < 4; i++) {
		diff |= READ_ONCE_U32(&vp->source[i]) ^ k->source[i];
		diff |= READ_ONCE_U32(&vp->group[i]) ^ k->group[i];
	}
	return !diff;
}

/*
 * The forwarding decision for an IPv6 packet whose header starts at ip6h
 * (p->l3_off into the packet; the 40-byte header is in the linear data up
 * to end; extension headers are read with the load helpers, so that
 * their offsets need no bounds the verifier must follow).  As
 * mgm_decide: MGM_V_FWD leaves the packet unmodified, the caller
 * decrements the hop limit once.
 *
 * Never forwarded: groups of scope 0 (reserved), 1 (interface-local) and
 * 2 (link-local), and link-local, unspecified or loopback sources; a
 * Hop-by-Hop Router Alert (MLD); MLD itself; more
 * extension headers than MGM_IPV6_EXT_MAX; and anything malformed: a
 * payload length beyond the frame, an extension header running past the
 * payload, a Hop-by-Hop header anywhere but first.  A Fragment header
 * does not stop forwarding: every fragment of an (S,G) is forwarded
 * (routers never reassemble or fragment IPv6); past a non-first
 * fragment's header there is no upper-layer header to look at.
 */
static __always_inline enum mgm_verdict
mgm_decide6(void *ctx, bool xdp, const struct mgm_pkt *p, struct ipv6hdr *ip6h,
	    void *end, struct mgm_counters *c, struct mgm_decision *d)
{
	struct mgm_mfe6_key key;
	struct mgm_mfe6_val *vp;
	union mfe_route r;
	__u32 tot_len, off, nh, i;
	bool later_frag = false;
	__u8 h[8];

	c->rx6++;
	if ((void *)(ip6h + 1) > end)
		goto malformed;
	tot_len = sizeof(*ip6h) + bpf_ntohs(ip6h->payload_len);
	if (ip6h->version != 6 || tot_len > p->l3_len)
		goto malformed;
	/* ff00::/8 only; scopes 0, 1 and 2 never leave the link. */
	if (ip6h->daddr.in6_u.u6_addr8[0] != 0xff) {
		c->pass_not_mcast++;
		return MGM_V_PASS;
	}
	if ((ip6h->daddr.in6_u.u6_addr8[1] & 0x0f) <= 2) {
		c->pass_scope6++;
		return MGM_V_PASS;
	}
	/*
	 * Nor the sources that never leave a link or a host (RFC 4291):
	 * link-local fe80::/10, unspecified ::, loopback ::1.  A multicast
	 * source is no valid packet at all.
	 */
	if (ip6h->saddr.in6_u.u6_addr8[0] == 0xff)
		goto malformed;
	if ((ip6h->saddr.in6_u.u6_addr8[0] == 0xfe &&
	     (ip6h->saddr.in6_u.u6_addr8[1] & 0xc0) == 0x80) ||
	    !(ip6h->saddr.in6_u.u6_addr32[0] | ip6h->saddr.in6_u.u6_addr32[1] |
	      ip6h->saddr.in6_u.u6_addr32[2] |
	      (ip6h->saddr.in6_u.u6_addr32[3] & ~bpf_htonl(1)))) {
		c->pass_scope6++;
		return MGM_V_PASS;
	}

	nh = ip6h->nexthdr;
	off = sizeof(*ip6h);
	if (nh == MGM_NH_HOP) {
		struct ipv6_hbh o;
		__u32 len;

		if (off + 8 > tot_len ||
		    pkt_load(ctx, xdp, p->l3_off + off, h, 2) < 0)
			goto malformed;
		len = ((__u32)h[1] + 1) * 8;
		if (off + len > tot_len)
			goto malformed;
		if (len > MGM_IPV6_HBH_MAX) {
			/* Options beyond what is read: cannot rule out RA. */
			c->pass_ext6++;
			return MGM_V_PASS;
		}
		__builtin_memset(&o, 0, sizeof(o));
		/* 8..64 here: bounded for the verifier by construction. */
		len = hbh_len(len);
		if (pkt_load(ctx, xdp, p->l3_off + off, o.b, len) < 0)
			goto malformed;
		o.len = len;
		switch (ipv6_scan_hbh(&o)) {
		case OPT_MALFORMED:
			goto malformed;
		case OPT_ROUTER_ALERT:
			c->pass_ra++;
			return MGM_V_PASS;
		default:
			break;
		}
		nh = h[0];
		off += len;
	}
	for (i = 0; i < MGM_IPV6_EXT_MAX; i++) {
		__u32 len;

		if (!ipv6_is_ext(nh))
			break;
		/* Hop-by-Hop only right after the IPv6 header (RFC 8200). */
		if (nh == MGM_NH_HOP || off + 8 > tot_len ||
		    pkt_load(ctx, xdp, p->l3_off + off, h, 8) < 0)
			goto malformed;
		if (nh == MGM_NH_FRAGMENT) {
			len = 8;
			/* Offset (13 bits, 8-byte units) not 0: a later
			 * fragment, no upper-layer header follows. */
			later_frag = (((__u32)h[2] << 8 | h[3]) & 0xfff8) != 0;
		} else if (nh == MGM_NH_AH)
			len = ((__u32)h[1] + 2) * 4;
		else
			len = ((__u32)h[1] + 1) * 8;
		if (off + len > tot_len)
			goto malformed;
		nh = h[0];
		off += len;
		if (later_frag)
			break;
	}
	if (!later_frag && ipv6_is_ext(nh)) {
		c->pass_ext6++;
		return MGM_V_PASS;
	}
	if (!later_frag && nh == MGM_NH_ICMPV6) {
		if (off + 4 > tot_len ||
		    pkt_load(ctx, xdp, p->l3_off + off, h, 1) < 0)
			goto malformed;
		/* Query, v1 report, v1 done, v2 report. */
		if (h[0] == 130 || h[0] == 131 || h[0] == 132 || h[0] == 143) {
			c->pass_mld++;
			return MGM_V_PASS;
		}
	}

#pragma unroll
	for (i = 0; i < 4; i++) {
		key.source[i] = ip6h->saddr.in6_u.u6_addr32[i];
		key.group[i] = ip6h->daddr.in6_u.u6_addr32[i];
	}
	vp = bpf_map_lookup_elem(&mgm_mfe6, &key);
	if (!vp)
		goto miss;
	r.word = READ_ONCE_U64(&vp->e.iif);
	if (!mfe6_key_is(vp, &key) || (r.f.flags & MGM_MFE_F_DEAD))
		goto miss;
	return mfe_hit(ctx, xdp, true, p, c, d, &vp->e, r, &key,
		       ip6h->hop_limit, tot_len);

miss:
	return handle_miss(ctx, xdp, true, p, c, &key, ip_len16(tot_len),
			   bpf_ktime_get_coarse_ns());

malformed:
	c->malformed++;
	return MGM_V_PASS;
}

/* The egress interface's value: the array for small ifindexes. */
static __always_inline struct mgm_if_val *egress_if(__u32 ifindex)
{
	struct mgm_if_val *vp;

	if (ifindex < MGM_IF_DIRECT) {
		vp = bpf_map_lookup_elem(&mgm_ifs_direct, &ifindex);
		if (vp && !(vp->flags & MGM_IF_F_VALID))
			vp = NULL;
	} else {
		vp = bpf_map_lookup_elem(&mgm_ifs, &ifindex);
	}
	return vp;
}

/*
 * May one copy go out of ifindex?  ttl is the TTL after the decrement;
 * ipmr forwards on a VIF only if the arriving TTL (ttl + 1) is above the
 * VIF's threshold, and so do we.  tot_len is judged on the interface's
 * own MTU.  Returns the interface's counters (v filled) if the copy may
 * go, NULL if it is dropped (counted).
 */
static __always_inline struct mgm_if_stats *
copy_check(__u32 ifindex, __u32 ttl, __u32 tot_len, struct mgm_if_val *v)
{
	struct mgm_if_stats *st;
	struct mgm_if_val *vp = egress_if(ifindex);

	if (!vp) {
		struct mgm_counters *c = counters();

		if (c)
			c->tx_no_if++;
		return NULL;
	}
	*v = *vp;
	st = bpf_map_lookup_elem(&mgm_if_stats, &v->stats);
	if (!st)
		return NULL;
	if (v->flags & MGM_IF_F_TX_DISABLED) {
		st->discards++;
		return NULL;
	}
	if (ttl + 1 <= v->ttl_threshold) {
		st->ttl_too_low++;
		return NULL;
	}
	if (v->mtu && tot_len > v->mtu) {
		/* No slow path can fragment it for us (no ipmr): counted. */
		st->frag_needed++;
		return NULL;
	}
	return st;
}

#endif /* MGM_FWD_PATH_H */
