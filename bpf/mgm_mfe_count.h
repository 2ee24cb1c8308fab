/* SPDX-License-Identifier: GPL-2.0 */
/*
 * mgm_mfe_count.h - the hot counters of a hit (packets, bytes, last use),
 * shared by the forwarder (mgm_fwd_path.h) and the cost probe of mcbench
 * (mcbench_probe.bpf.c), so that the probe measures the forwarder's own
 * counting, and mgm_mfe_shared's definition: pinned by name in the
 * forwarder (MGM_MFE_SHARED_PINNING), the probe reuses the pin.  Included
 * after the definitions of mgm_mfe_stats and mgm_config, which it reads.
 *
 * The counters of an entry live in its cache line, next to the key and
 * the route every lookup of the entry reads.  One CPU writing them there
 * costs nothing more (the line is in its cache already); two CPUs writing
 * the same line per packet, one (S,G) arriving on two RX queues, make it
 * bounce between them and could lose plain adds.  So the first CPU that
 * counts claims the entry (mgm_mfe_ent.owner) and keeps plain adds in the
 * line; once another CPU hits it, the entry is marked shared and from then
 * on every CPU counts into its own element of mgm_mfe_shared, and the line
 * is only read (but for last_used, at most once a tick).  The elements are
 * a per-CPU array, found by index (inlined by the verifier), not a hash:
 * a per-CPU hash lookup measured ~25 ns here, more than the bouncing line
 * it replaces cost on this machine.
 */
#ifndef MGM_MFE_COUNT_H
#define MGM_MFE_COUNT_H

#include "mgm_mfe_tab.h" /* READ_ONCE_U32, READ_ONCE_U64 */

#ifndef MGM_MFE_SHARED_PINNING
#define MGM_MFE_SHARED_PINNING LIBBPF_PIN_NONE
#endif

/* The hot counters of shared entries, per CPU (mgm_fwd.h). */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__type(key, __u32);
	__type(value, struct mgm_mfe_hot);
	__uint(max_entries, MGM_MFE_SHARED_MAX);
	__uint(pinning, MGM_MFE_SHARED_PINNING);
} mgm_mfe_shared SEC(".maps");

/* The generation of the entry using stats slot `stats` (0: none). */
static __always_inline __u64 mfe_gen(__u32 stats)
{
	struct mgm_mfe_stats *st = bpf_map_lookup_elem(&mgm_mfe_stats, &stats);

	return st ? st->gen : 0;
}

/*
 * This CPU's element of mgm_mfe_shared for the shared entry vp (its
 * index: mgm_config.shared_mask), taken over when stale (its entry
 * gone): NULL when another live shared entry holds it on this CPU.  A new
 * or taken-over element starts at zero, its counts stored before its tag
 * (a reader that sees the tag sees them).
 */
static __always_inline struct mgm_mfe_hot *
mfe_hot_elem(const struct mgm_mfe_ent *vp)
{
	__u32 stats = vp->stats, idx, zero = 0;
	const struct mgm_config *cfg;
	struct mgm_mfe_hot *h;
	__u64 gen;

	cfg = bpf_map_lookup_elem(&mgm_config, &zero);
	if (!cfg)
		return NULL;
	idx = stats & cfg->shared_mask;
	h = bpf_map_lookup_elem(&mgm_mfe_shared, &idx);
	gen = mfe_gen(stats);
	if (!h || !gen)
		return NULL;
	if (h->gen == gen && h->stats == stats)
		return h;
	if (h->gen && mfe_gen(h->stats) == h->gen)
		return NULL; /* a live one's */
	h->packets = 0;
	h->bytes = 0;
	h->stats = stats;
	*(volatile __u64 *)&h->gen = gen;
	return h;
}

/* mtu and owner of struct mgm_mfe_ent, one aligned 32-bit word. */
union mfe_mtu_owner {
	__u32 word;
	struct {
		__u16 mtu;
		__u16 owner;
	} f;
};

/*
 * The owner of vp as this CPU (me: its owner value) will count: me, or
 * MGM_MFE_OWNER_SHARED, claimed or marked with a compare-and-swap of the
 * {mtu, owner} word (BPF has no 16-bit one): unclaimed -> me; another
 * CPU's -> shared, so that the owner stops writing the line too.  The
 * owner only ever goes 0 -> CPU -> shared, so a failed swap that saw the
 * owner change needs no retry; one that saw only the MTU change (the
 * datapath layer stores it in place) is retried.  *mtu: the entry's MTU,
 * from the same load.  Anything else after the retries (an MTU changing
 * under every one of them): 0, counted atomically by the caller.
 */
static __always_inline __u16 mfe_owner(struct mgm_mfe_ent *vp, __u16 me,
				       __u16 *mtu)
{
	__u32 *mo = (__u32 *)&vp->mtu;
	union mfe_mtu_owner cur, want;
	__u32 seen;
	int i;

	cur.word = READ_ONCE_U32(mo);
	*mtu = cur.f.mtu;
	if (cur.f.owner == me || cur.f.owner == MGM_MFE_OWNER_SHARED)
		return cur.f.owner;
#pragma unroll
	for (i = 0; i < 3; i++) {
		want = cur;
		want.f.owner = cur.f.owner == MGM_MFE_OWNER_NONE ?
				       me :
				       MGM_MFE_OWNER_SHARED;
		seen = __sync_val_compare_and_swap(mo, cur.word, want.word);
		if (seen == cur.word)
			return want.f.owner;
		cur.word = seen;
		if (cur.f.owner == me || cur.f.owner == MGM_MFE_OWNER_SHARED)
			return cur.f.owner;
	}
	return MGM_MFE_OWNER_NONE;
}

/*
 * Count one packet of len bytes into the entry vp (either family, key
 * checked, not dead) and return its MTU (one load with the owner).
 * *full: set when it had to be counted atomically into the line because
 * another shared entry holds this CPU's element (or, in theory, the claim
 * kept failing): exact, only slower.
 */
static __always_inline __u16 mgm_mfe_count(struct mgm_mfe_ent *vp, __u32 len,
					   bool *full)
{
	__u32 cpu = bpf_get_smp_processor_id();
	__u64 now = bpf_jiffies64();
	struct mgm_mfe_hot *h;
	__u16 me, owner, mtu;

	/* CPU c is c + 1; past what 16 bits hold, every CPU shares. */
	me = cpu < MGM_MFE_OWNER_SHARED - 1 ? cpu + 1 : MGM_MFE_OWNER_SHARED;
	owner = mfe_owner(vp, me, &mtu);
	*full = false;
	if (owner == MGM_MFE_OWNER_SHARED) {
		h = mfe_hot_elem(vp);
		if (h) {
			h->packets++;
			h->bytes += len;
			goto used;
		}
		*full = true;
	} else if (owner == me) {
		/* Only this CPU writes them: plain adds, ~10 ns less. */
		vp->packets++;
		vp->bytes += len;
		goto used;
	}
	/*
	 * A former owner may still be in its last plain add (it read the
	 * owner before the mark): at most that one add can race with this.
	 */
	__sync_fetch_and_add(&vp->packets, 1);
	__sync_fetch_and_add(&vp->bytes, len);
used:
	/* A store only when the tick changed: the line stays clean. */
	if (READ_ONCE_U64(&vp->last_used) != now)
		*(volatile __u64 *)&vp->last_used = now;
	return mtu;
}

#endif /* MGM_MFE_COUNT_H */
