/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * mgm_fwd.h - the contract between the XDP fast path (bpf/mgm_fwd.bpf.c)
 * and the userspace datapath layer (user/dp/).
 *
 * Everything both sides read or write lives here: map names, key and value
 * layouts, counter indexes, event records and limits.  Layouts use only
 * fixed-size __u32, __be32 and similar types with explicit padding, and every struct is
 * size-checked below so that a change breaks the build instead of silently
 * corrupting pinned maps that an older or newer binary still uses.
 *
 * Bump MGM_FWD_ABI_VERSION whenever a layout or a map definition changes;
 * the datapath layer refuses to adopt pinned maps of another version.
 */
#ifndef MGM_FWD_H
#define MGM_FWD_H

#include <linux/types.h>

#define MGM_FWD_ABI_VERSION 8

/* Default pin root; every map is pinned by name under it. */
#define MGM_PIN_ROOT_DEFAULT "/sys/fs/bpf/mgm"

/*
 * Capacities.  These are the sizes the object file declares, so that
 * `ip link set dev IF xdp obj mgm_fwd.bpf.o` can reuse maps the datapath
 * layer pinned with default sizes.  The datapath layer may create maps
 * with other sizes (struct mgm_dp_opts); such maps are then only usable
 * by an object built with the same sizes.
 */
#ifndef MGM_MFE_MAX
#define MGM_MFE_MAX (1U << 20) /* multicast forwarding entries */
#endif
/*
 * The IPv4 entries that find no free slot in their probe window of
 * mgm_mfe_tab (see there) live in the mgm_mfe hash, at most this many
 * (fewer when the datapath layer is opened for fewer entries).
 */
#ifndef MGM_MFE_OVF_MAX
#define MGM_MFE_OVF_MAX 65536U
#endif
#ifndef MGM_OSET_MAX
#define MGM_OSET_MAX 4096U /* distinct outgoing-interface sets */
#endif
/* mgm_mfe_val.oset is 16 bits: the pool never has more slots. */
#define MGM_OSET_LIMIT 65536U
#define MGM_OSET_MAX_OIFS 64U /* interfaces per outgoing set */
#ifndef MGM_IF_MAX
#define MGM_IF_MAX 1024U /* interfaces known to the fast path */
#endif
#define MGM_MISS_SEEN_MAX 65536U /* (S,G) miss dedupe table (LRU), per family */
#define MGM_EVENT_RING_BYTES (1U << 20)

/*
 * IPv6 extension headers the fast path walks after the Hop-by-Hop header
 * before it gives up (a packet with more is passed to the kernel,
 * counted as pass_ext6), and the largest Hop-by-Hop header whose options
 * it reads (a larger one: the same).  The loop bounds of the program.
 */
#define MGM_IPV6_EXT_MAX 6U
#define MGM_IPV6_HBH_MAX 64U

/* Bytes of the IP header (and what follows) copied into an event. */
#define MGM_EVENT_HDR_MAX 64U

/* Map names, as pinned.  Kept short: BPF object names hold 15 chars. */
#define MGM_MAP_MFE "mgm_mfe"
#define MGM_MAP_MFE_TAB "mgm_mfe_tab"
#define MGM_MAP_MFE6 "mgm_mfe6"
#define MGM_MAP_MFE_STATS "mgm_mfe_stats"
#define MGM_MAP_OSETS "mgm_osets"
#define MGM_MAP_OSET_LIST "mgm_oset_list"
#define MGM_MAP_IFS "mgm_ifs"
#define MGM_MAP_IFS_DIRECT "mgm_ifs_direct"
#define MGM_MAP_IF_STATS "mgm_if_stats"
#define MGM_MAP_COUNTERS "mgm_counters"
#define MGM_MAP_EVENTS "mgm_events"
#define MGM_MAP_MISS_SEEN "mgm_miss_seen"
#define MGM_MAP_MISS_SEEN6 "mgm_miss_seen6"
#define MGM_MAP_CONFIG "mgm_config"
#define MGM_MAP_BUDGET "mgm_budget"
#define MGM_MAP_MFE_SHARED "mgm_mfe_shared"

/*
 * The IPv4 entries live in mgm_mfe_tab (below), the fast path's own
 * open-addressing table, where the key, the route and the hot counters of
 * an entry share one 64-byte cache line, so that a hit costs one cache
 * miss (a hash map costs two: its bucket array, then the element).  The
 * few entries that find no room in their probe window there live in
 * mgm_mfe, the overflow: HASH (source, group) -> struct mgm_mfe_val, at
 * most MGM_MFE_OVF_MAX elements.
 * Addresses are in network byte order, as on the wire and in MGM's DWORDs.
 */
struct mgm_mfe_key {
	__be32 source;
	__be32 group;
};

enum mgm_mfe_flags {
	/* Known (S,G) without receivers: dropped, no event to userspace. */
	MGM_MFE_F_NEGATIVE = 1 << 0,
	/*
	 * The entry mirrors one of the kernel's MFC entries (a routing
	 * daemon's): once per mgm_config.keepalive_ms one packet takes the
	 * kernel path instead (XDP_PASS, the kernel forwards it), so that
	 * the kernel's per-(S,G) packet counter and last-use time, which the
	 * daemon watches, stay alive.  Never duplicated: that packet is not
	 * redirected.
	 */
	MGM_MFE_F_KERNEL_KEEPALIVE = 1 << 1,
	/*
	 * Set by the datapath layer, never by callers: the out-set has a
	 * member that an XDP redirect cannot reach (struct mgm_if_val,
	 * MGM_IF_F_TX_TC).  The XDP program then hands every packet of the
	 * entry, marked with the out-set it chose, to the tc program on the
	 * incoming interface, which makes every copy (see mgm_oset_list).
	 */
	MGM_MFE_F_TC = 1 << 2,
	/*
	 * Set by the datapath layer: the entry is deleted.  The program
	 * treats it as absent (a miss) and counts nothing into it; the
	 * element leaves the map after the next grace period.
	 */
	MGM_MFE_F_DEAD = 1 << 3,
};

struct mgm_mfe_val {
	/*
	 * A copy of the key.  Hash elements are recycled by the kernel as
	 * soon as they are deleted, so the program reads the route, then
	 * this copy, and checks that the element still belongs to the key it
	 * looked up before it uses or counts anything.
	 */
	__be32 source;
	__be32 group;
	/*
	 * The route: iif, oset and flags, one aligned 8-byte word that the
	 * program reads with one load and the datapath layer rewrites in
	 * place with one store (mgm_mfe_ctl; in a slot of mgm_mfe_tab, a
	 * store through its mapping), so that a packet sees the old
	 * or the new route, never a mix: an out-set switch, an RPF change, a
	 * flag change.
	 */
	__u32 iif; /* expected incoming ifindex (the RPF interface) */
	__u16 oset; /* slot in mgm_osets; unused for negative entries */
	__u16 flags; /* enum mgm_mfe_flags */
	/*
	 * Smallest MTU in the out-set (0: none).  A larger packet takes the
	 * tc path, where each copy is judged on its own interface's MTU (a
	 * copy that does not fit is dropped and counted as that interface's
	 * frag_needed), and counts as too_big here.  Rewritten in place next
	 * to the route, lowered before it and raised after it, so a packet
	 * never takes a set's XDP path with a larger MTU than the set has.
	 */
	__u16 mtu;
	/*
	 * Which CPU counts into this element (enum mgm_mfe_owner): the
	 * first CPU that hits the entry claims it; when a second one hits it
	 * too, the entry becomes shared and every CPU counts into its own
	 * element of mgm_mfe_shared instead, so that no two CPUs write this
	 * cache line per packet.  Changed by the program only, with a
	 * compare-and-swap of the 32-bit word {mtu, owner}; 0 at install.
	 */
	__u16 owner;
	__u32 stats; /* slot in mgm_mfe_stats (the rare counters) */
	/*
	 * The hot counters, in the element the lookup already brought into
	 * the cache: plain adds by the owner (see the program); a shared
	 * entry's are these plus its elements in mgm_mfe_shared.  They live
	 * as long as the element, which the datapath layer never replaces:
	 * every change is made in place, and a delete only marks the entry
	 * MGM_MFE_F_DEAD until a grace period has passed (so no packet still
	 * counting into it can meet the element recycled for another entry).
	 */
	__u64 packets; /* every packet that matched (S,G) (ulInPkts) */
	__u64 bytes; /* their IP length (ulInOctets) */
	/*
	 * jiffies (bpf_jiffies64(), inlined by the verifier: a load, where
	 * bpf_ktime_get_coarse_ns() is a helper call of ~15 ns) of the last
	 * match; mgm_config.clock_* turn it into CLOCK_MONOTONIC_COARSE.
	 * Stored only when it changes, by whichever CPU: at most once a
	 * tick, so that a shared entry's line stays read-mostly.
	 */
	__u64 last_used;
};

enum mgm_mfe_owner {
	MGM_MFE_OWNER_NONE = 0, /* no packet yet; CPU c: c + 1 */
	MGM_MFE_OWNER_SHARED = 0xffff, /* counted in mgm_mfe_shared */
};

/*
 * The part of an entry after its key copy, the same for both families:
 * struct mgm_mfe_val from iif on has exactly this layout (asserted
 * below), and struct mgm_mfe6_val embeds it, so that the program judges
 * both with one piece of code and the datapath layer changes both with
 * one kind of store.  See struct mgm_mfe_val for what each field means.
 */
struct mgm_mfe_ent {
	__u32 iif; /* the route word: iif, oset, flags (8-byte aligned) */
	__u16 oset;
	__u16 flags;
	__u16 mtu;
	__u16 owner; /* enum mgm_mfe_owner; with mtu one 32-bit word */
	__u32 stats;
	__u64 packets;
	__u64 bytes; /* IPv6: 40 + payload length per packet */
	__u64 last_used;
};

/*
 * mgm_mfe_tab: ARRAY (BPF_F_MMAPABLE, so that its values start at a page
 * and every slot is one cache line) of struct mgm_mfe_slot, 2 x the
 * entries rounded up to a power of two (load <= 0.5 when full).  The
 * datapath layer writes it through a shared mapping, with plain stores;
 * the program writes only the hot counters and the owner.
 *
 * An entry (S,G) lives in one of the MGM_MFE_PROBE_MAX slots from its
 * home, mgm_mfe_hash(S, G, mgm_config.mfe_seed) & mgm_config.tab_mask
 * (linear probing, wrapping), or else in the overflow hash mgm_mfe; then
 * its home slot's ovf counts it.  The seed is random per table: entries
 * are created by traffic, so spoofed sources must not aim at one window.
 *
 * The lookup reads the slots of the window in order: EMPTY ends it; a
 * slot whose route word (one 8-byte load, first) is not MGM_MFE_F_DEAD
 * and whose key copy (read after it) is (S,G) is the entry; everything
 * else (another key, a dead one, a TOMB) is skipped.  No hit and the home
 * slot's ovf != 0: the overflow is looked up.
 *
 * The datapath layer inserts into the first TOMB or EMPTY slot of the
 * window: key, zero counters, the entry with a DEAD route word, used =
 * OCCUPIED, and last the real route word (a release store: a reader that
 * sees it sees the key).  A delete stores a DEAD route word; after a
 * grace period the slot becomes TOMB, or EMPTY when the next slot is
 * EMPTY (and TOMBs before it then become EMPTY too).  A slot is never
 * reused before that grace period: a packet that found it alive may still
 * be counting into it.
 */
#define MGM_MFE_PROBE_MAX 16U
/* Slots of a table for n entries: 2 x n rounded up to a power of two. */
static inline __u32 mgm_mfe_tab_slots(__u32 n)
{
	__u32 s = 2;

	while (s < 2 * n && s < (1U << 31))
		s <<= 1;
	return s;
}
/* What the object declares (MGM_MFE_MAX must be a power of two). */
#define MGM_MFE_TAB_SLOTS (2U * MGM_MFE_MAX)

enum mgm_mfe_slot_state {
	MGM_MFE_SLOT_EMPTY = 0, /* never used since: ends every probe */
	/* An entry, alive or deleted (DEAD) and waiting for a grace period */
	MGM_MFE_SLOT_OCCUPIED = 1,
	MGM_MFE_SLOT_TOMB = 2, /* deleted, reusable; probes go past it */
};

struct mgm_mfe_slot {
	__be32 source; /* the key, read after the route word */
	__be32 group;
	struct mgm_mfe_ent e; /* route word at offset 8 */
	__u32 used; /* enum mgm_mfe_slot_state */
	/* Entries whose home is this slot that live in the overflow hash. */
	__u32 ovf;
	__u64 pad;
};

/*
 * The home of (source, group) before the mask: the kernel's
 * jhash_2words(source, group, seed), on the words as they are in memory,
 * the same in the program and in userspace.
 */
static inline __u32 mgm_mfe_rol32(__u32 w, unsigned int s)
{
	return (w << s) | (w >> (32 - s));
}

/* Three rounds of jhash's final mix, rotations r1, r2, r3. */
static inline void mgm_mfe_mix3(__u32 *a, __u32 *b, __u32 *c, unsigned int r1,
				unsigned int r2, unsigned int r3)
{
	*c = (*c ^ *b) - mgm_mfe_rol32(*b, r1);
	*a = (*a ^ *c) - mgm_mfe_rol32(*c, r2);
	*b = (*b ^ *a) - mgm_mfe_rol32(*a, r3);
}

static inline __u32 mgm_mfe_hash(__be32 source, __be32 group, __u32 seed)
{
	__u32 a, b, c;

	a = b = c = 0xdeadbeefU + (2U << 2) + seed;
	a += (__u32)source;
	b += (__u32)group;
	mgm_mfe_mix3(&a, &b, &c, 14, 11, 25);
	mgm_mfe_mix3(&a, &b, &c, 16, 4, 14);
	return (c ^ b) - mgm_mfe_rol32(b, 24);
}

/*
 * mgm_mfe6: HASH (source, group) -> struct mgm_mfe6_val, the IPv6
 * entries (ff00::/8 groups).  Addresses are the 16 bytes of the wire in
 * network order, as four __be32 words (aligned loads in the program).
 * Its own map, beside mgm_mfe: a v4 and a v6 key never meet.  Out-sets,
 * stats slots, interfaces, counters, events and their budget are shared
 * with IPv4; the miss dedupe has its own LRU (mgm_miss_seen6).
 */
struct mgm_mfe6_key {
	__be32 source[4];
	__be32 group[4];
};

struct mgm_mfe6_val {
	/* A copy of the key, checked as in mgm_mfe_val. */
	__be32 source[4];
	__be32 group[4];
	struct mgm_mfe_ent e; /* route word at offset 32 */
};

/*
 * In-place change of one mgm_mfe element: the arguments of mgm_mfe_ctl,
 * a raw_tp program the datapath layer runs with BPF_PROG_TEST_RUN (never
 * attached; kernel >= 5.10, older than anything with XDP broadcast).  It
 * writes mtu and the route word of the element of key (the route with
 * one 8-byte store) and returns 0, or 1 if there is no such element.
 * Only for the overflow hash: a slot of mgm_mfe_tab is changed by the
 * same stores from userspace, through the mapping.
 */
struct mgm_mfe_ctl {
	struct mgm_mfe_key key; /* argument 0 */
	__u32 iif; /* argument 1: the new route word */
	__u16 oset;
	__u16 flags;
	__u64 mtu; /* argument 2 */
};

/*
 * The same for one mgm_mfe6 element: mgm_mfe6_ctl, a second raw_tp
 * program (its key takes four arguments): arguments 0-3 the key,
 * 4 the route word, 5 the MTU.
 */
struct mgm_mfe6_ctl {
	struct mgm_mfe6_key key; /* arguments 0-3 */
	__u32 iif; /* argument 4: the new route word */
	__u16 oset;
	__u16 flags;
	__u64 mtu; /* argument 5 */
};

/*
 * mgm_mfe_stats: ARRAY indexed by mgm_mfe_val.stats, the counters a hit
 * does not touch.  Shared by all CPUs, updated atomically.  A slot is
 * recycled only after a grace period, so a packet still holding an old
 * entry cannot count into it.
 */
struct mgm_mfe_stats {
	__u64 wrong_if; /* arrived on another interface (ulPktsDifferentIf) */
	__u64 ttl_expired; /* TTL or hop limit <= 1 (ulInHdrErrors) */
	__u64 negative; /* dropped by a negative entry (ulNegativeMfe) */
	__u64 too_big; /* larger than the smallest MTU of the out-set */
	__u64 wrong_if_event_ns; /* rate limit of wrong-interface events */
	__u64 kernel_passes; /* keepalive packets left to the kernel */
	__u64 kernel_pass_ns; /* when the last one was (0: never) */
	/*
	 * The install generation of the entry using the slot: unique over
	 * every install of the maps (mgm_config.gen_next), never 0.  A
	 * per-CPU element of mgm_mfe_shared counts for the entry whose
	 * stats slot and generation it carries.
	 */
	__u64 gen;
};

/*
 * mgm_mfe_shared: PERCPU_ARRAY of struct mgm_mfe_hot, the hot counters of
 * the entries that more than one CPU hits (owner MGM_MFE_OWNER_SHARED):
 * each CPU counts into its own copy of element stats & mgm_config.
 * shared_mask, tagged with the entry's stats slot and generation
 * (mgm_mfe_stats.gen).  An element whose tag names a slot of another
 * generation is stale (its entry is gone): the first packet of a shared
 * entry on that CPU takes it over.  An entry's packets and bytes are those
 * of its line plus, over the CPUs, those of its element that carry its
 * tag.  Nothing is ever deleted: a new entry has a new generation.  Two
 * live shared entries on one element and CPU: the second one's packets
 * are added atomically into its line instead (counted as shared_full):
 * exact, only slower.  MGM_MFE_SHARED_MAX elements (a power of two; the
 * entry capacity rounded up if smaller).
 */
#ifndef MGM_MFE_SHARED_MAX
#define MGM_MFE_SHARED_MAX 16384U
#endif

struct mgm_mfe_hot {
	__u32 stats; /* the tag: stats slot and generation of its entry */
	__u32 pad;
	__u64 gen; /* 0: never used */
	__u64 packets;
	__u64 bytes;
};

/*
 * mgm_osets: ARRAY_OF_MAPS of DEVMAP_HASH, one inner devmap per outgoing
 * set, keyed by ifindex with a struct bpf_devmap_val value that carries
 * the egress program.  The pool is created once; sets are filled in place
 * while unused and referenced from MFEs by slot.
 *
 * The devmap holds only the members an XDP redirect reaches (their
 * driver has ndo_xdp_xmit, as the kernel's xdp-features report).
 *
 * mgm_oset_list: ARRAY indexed by the same slot, every member of the set,
 * for the tc path (bpf_clone_redirect), which reaches any device.  It is
 * filled with the devmap while the slot is unused; taking a member out
 * in place writes 0 over it (n stays), so a packet reading the list while
 * it changes sees the set with or without that member, never a mix.
 */
struct mgm_oset_list {
	__u32 n; /* entries used in ifindex[]; 0 entries are holes */
	/*
	 * Bumped each time the slot is filled for a new set (never by a
	 * change in place): a packet the XDP program marked with the slot
	 * and this generation but that reaches the tc program only after
	 * the slot was recycled -- Receive Packet Steering queues it to
	 * another CPU's backlog, outside the RCU section a grace period
	 * waits for -- is dropped (tc_stale), never copied to another set.
	 */
	__u32 gen;
	__u32 ifindex[MGM_OSET_MAX_OIFS];
};

/*
 * What the XDP program puts in front of a packet it hands to the tc path
 * (bpf_xdp_adjust_meta): the out-set it chose, so that the tc program
 * uses the same set, whatever replaced the entry in between.  The TTL is
 * already decremented then.
 */
#define MGM_XDP_META_MAGIC 0x6d676d31U /* "mgm1" */
struct mgm_xdp_meta {
	__u32 magic;
	__u16 oset; /* the slot (< MGM_OSET_LIMIT) */
	__u16 gen; /* mgm_oset_list.gen when marked, its low 16 bits */
};

/*
 * The egress interfaces, read by the egress program for every copy:
 * mgm_ifs_direct, an ARRAY indexed by ifindex, for ifindexes below
 * MGM_IF_DIRECT (nearly all of them): its lookup is inlined by the
 * verifier, a hash lookup is a helper call, and this runs once per copy;
 * mgm_ifs, a HASH by ifindex, for the rest.  An interface is in exactly
 * one of them; an array entry without MGM_IF_F_VALID is no interface.
 */
#define MGM_IF_DIRECT 4096U

enum mgm_if_flags {
	/* Drop every copy towards this interface (release in progress). */
	MGM_IF_F_TX_DISABLED = 1 << 0,
	/* A configured interface (mgm_ifs_direct entries start zeroed). */
	MGM_IF_F_VALID = 1 << 1,
	/*
	 * Copies reach it only through the tc path: its driver cannot take
	 * XDP redirects (bridge, VXLAN, VLAN, macvlan, a veth whose peer
	 * has neither XDP nor GRO), or the kernel could not tell.
	 */
	MGM_IF_F_TX_TC = 1 << 2,
};

struct mgm_if_val {
	__u8 mac[6]; /* source MAC written into each copy */
	__u8 ttl_threshold; /* forward only if the arriving TTL (IPv6: hop
			     * limit) > threshold */
	__u8 flags; /* enum mgm_if_flags */
	__u32 stats; /* slot in mgm_if_stats */
	__u32 mtu;
	__u32 pad;
};

/* mgm_if_stats: PERCPU_ARRAY indexed by mgm_if_val.stats. */
struct mgm_if_stats {
	__u64 out_packets; /* copies transmitted (ulOutPackets) */
	__u64 out_bytes;
	__u64 ttl_too_low; /* below the interface threshold (ulTtlTooLow) */
	__u64 discards; /* dropped on this interface (ulOutDiscards) */
	__u64 frag_needed; /* larger than its MTU, dropped (ulFragNeeded) */
};

/*
 * mgm_counters: PERCPU_ARRAY of one struct mgm_counters, the fast path's
 * verdicts by reason.  One lookup per packet; named fields so that
 * `bpftool map dump` reads like a report.  X(name, description).
 */
#define MGM_COUNTERS(X)                                                    \
	X(rx, "frames seen by the ingress program")                        \
	X(forwarded, "redirected to an out-set")                           \
	X(no_entry, "multicast data without an MFE (passed)")              \
	X(wrong_if, "failed the incoming-interface check (passed)")        \
	X(ttl_expired, "TTL or hop limit <= 1, not forwarded (passed)")    \
	X(negative, "dropped by a negative entry")                         \
	X(too_big, "larger than the smallest MTU of its out-set")          \
	X(malformed, "bad IPv4/IPv6 header, never forwarded (passed)")     \
	X(pass_not_ip, "not IPv4 or IPv6 (passed)")                        \
	X(pass_vlan, "802.1Q/802.1ad tagged, not handled yet (passed)")    \
	X(pass_not_mcast, "unicast or broadcast destination (passed)")     \
	X(pass_local, "link-local group 224.0.0.0/24 (passed)")            \
	X(pass_scope6, "IPv6 scope 0-2 group, fe80::/10, ::, ::1 source")  \
	X(pass_mld, "MLD, ICMPv6 130/131/132/143 (passed)")                \
	X(pass_ext6, "IPv6 extension headers beyond the walk (passed)")    \
	X(pass_igmp, "IGMP (passed)")                                      \
	X(pass_ra, "Router Alert: IPv4 option, IPv6 hop-by-hop (passed)")  \
	X(bad_entry, "entry with an empty out-set or stats slot (passed)") \
	X(kernel_keepalive, "keepalive packets to the kernel (passed)")    \
	X(ev_sent, "events written to the ring")                           \
	X(ev_dedup, "miss events skipped, (S,G) reported recently")        \
	X(ev_suppressed, "events dropped, over the per-CPU budget")        \
	X(ev_ring_full, "events dropped, ring buffer full")                \
	X(tx_no_if, "copies dropped, egress interface not configured")     \
	X(to_tc, "handed to the tc path (tc members or sizes in the set)") \
	X(tc_no_meta, "not handed to tc, driver has no XDP metadata")      \
	X(tc_rx, "frames seen by the tc forwarder (tc-received ifs)")      \
	X(tc_fanout, "packets whose copies the tc path made")              \
	X(tc_bad_set, "tc path: out-set slot without a member list")       \
	X(tc_stale, "tc path: marked packet outlived its set, dropped")    \
	X(rx6, "IPv6 frames seen by the forwarders")                       \
	X(forwarded6, "IPv6 packets redirected or handed to the tc path")  \
	X(shared_full, "hits counted atomically, mgm_mfe_shared taken")

enum mgm_counter {
#define MGM_X_ENUM(name, desc) MGM_CNT_##name,
	MGM_COUNTERS(MGM_X_ENUM)
#undef MGM_X_ENUM
		MGM_CNT__MAX
};

struct mgm_counters {
#define MGM_X_FIELD(name, desc) __u64 name;
	MGM_COUNTERS(MGM_X_FIELD)
#undef MGM_X_FIELD
};

/* Events from the fast path to userspace, through the mgm_events ring. */
#define MGM_EV_AF_INET 2 /* AF_INET, for the program (no libc there) */
#define MGM_EV_AF_INET6 10 /* AF_INET6 */
enum mgm_event_type {
	MGM_EV_MISS = 1, /* first packets of an (S,G) without an MFE */
	MGM_EV_WRONG_IF = 2, /* (S,G) data on another interface than its iif */
};

struct mgm_event {
	__u32 type; /* enum mgm_event_type */
	__u32 ifindex; /* interface the packet arrived on */
	/* family AF_INET: source and group; AF_INET6: source6 and group6 */
	union {
		__be32 source;
		__be32 source6[4];
	};
	union {
		__be32 group;
		__be32 group6[4];
	};
	__u64 ts_ns; /* CLOCK_MONOTONIC(_COARSE) */
	__u16 hdr_len; /* bytes valid in hdr[] */
	/* IPv4 total length; IPv6 40 + payload length (at most 65535) */
	__u16 ip_len;
	__u16 family; /* AF_INET (2) or AF_INET6 (10) */
	__u16 pad;
	__u8 hdr[MGM_EVENT_HDR_MAX]; /* IP header and what follows */
};

/* mgm_config: ARRAY of one; zero fields mean "use the default". */
struct mgm_config {
	__u32 abi_version; /* MGM_FWD_ABI_VERSION of whoever created the maps */
	__u32 events_per_sec; /* event budget per CPU (default 10000) */
	__u32 miss_retry_ms; /* re-report an unresolved (S,G) after (1000) */
	__u32 wrong_if_ms; /* wrong-interface events per entry (3000) */
	/* One packet per MGM_MFE_F_KERNEL_KEEPALIVE entry per this (1000)
	 * goes to the kernel: the cost is entries / interval packets per
	 * second on the kernel path; daemons' idle timers are >= seconds. */
	__u32 keepalive_ms;
	/* Seed of mgm_mfe_hash(), random per mgm_mfe_tab (set once). */
	__u32 mfe_seed;
	/*
	 * One instant in both clocks, taken by the datapath layer's owner
	 * (mgm_clock_ctl) when it opens the maps: jiffies follow
	 * CLOCK_MONOTONIC tick by tick (one per clock_getres() of
	 * CLOCK_MONOTONIC_COARSE), so a jiffies value J was at about
	 * clock_ns + (J - clock_jiffies) * tick ns, to a tick.
	 */
	__u64 clock_jiffies;
	__u64 clock_ns;
	__u32 tab_mask; /* slots of mgm_mfe_tab - 1 (a power of two - 1) */
	__u32 shared_mask; /* elements of mgm_mfe_shared - 1 (the same) */
	/*
	 * The next install generation (mgm_mfe_stats.gen) of a datapath
	 * layer that opens the maps; each one takes 2^40 for itself.
	 */
	__u64 gen_next;
};

#define MGM_DEF_EVENTS_PER_SEC 10000U
#define MGM_DEF_MISS_RETRY_MS 1000U
#define MGM_DEF_WRONG_IF_MS 3000U
#define MGM_DEF_KEEPALIVE_MS 1000U

/* mgm_budget: PERCPU_ARRAY of one, the event token window of each CPU. */
struct mgm_budget {
	__u64 window_ns;
	__u64 used;
};

#define MGM_FWD_STATIC_ASSERT(cond, msg) _Static_assert(cond, msg)
MGM_FWD_STATIC_ASSERT(sizeof(struct mgm_mfe_key) == 8, "mfe key layout");
MGM_FWD_STATIC_ASSERT(sizeof(struct mgm_mfe_val) == 48, "mfe value layout");
MGM_FWD_STATIC_ASSERT(__builtin_offsetof(struct mgm_mfe_val, iif) == 8,
		      "mfe route word aligned");
MGM_FWD_STATIC_ASSERT(sizeof(struct mgm_mfe_ctl) == 24, "mfe ctl layout");
/* mgm_mfe_val from iif on is a struct mgm_mfe_ent, field by field. */
#define MGM_FWD_ENT_SAME(f)                                                    \
	MGM_FWD_STATIC_ASSERT(                                                 \
		__builtin_offsetof(struct mgm_mfe_val, f) -                    \
				__builtin_offsetof(struct mgm_mfe_val, iif) == \
			__builtin_offsetof(struct mgm_mfe_ent, f),             \
		"mfe value tail is a struct mgm_mfe_ent: " #f)
MGM_FWD_ENT_SAME(iif);
MGM_FWD_ENT_SAME(oset);
MGM_FWD_ENT_SAME(flags);
MGM_FWD_ENT_SAME(mtu);
MGM_FWD_ENT_SAME(owner);
MGM_FWD_ENT_SAME(stats);
MGM_FWD_ENT_SAME(packets);
MGM_FWD_ENT_SAME(bytes);
MGM_FWD_ENT_SAME(last_used);
#undef MGM_FWD_ENT_SAME
MGM_FWD_STATIC_ASSERT(sizeof(struct mgm_mfe_ent) == 40, "mfe entry layout");
MGM_FWD_STATIC_ASSERT(sizeof(struct mgm_mfe_val) ==
			      __builtin_offsetof(struct mgm_mfe_val, iif) +
				      sizeof(struct mgm_mfe_ent),
		      "mfe value = key copy + entry");
MGM_FWD_STATIC_ASSERT(sizeof(struct mgm_mfe_slot) == 64,
		      "mfe slot is one cache line");
MGM_FWD_STATIC_ASSERT(__builtin_offsetof(struct mgm_mfe_slot, e) == 8,
		      "mfe slot route word aligned");
MGM_FWD_STATIC_ASSERT(__builtin_offsetof(struct mgm_mfe_slot, e) ==
			      __builtin_offsetof(struct mgm_mfe_val, iif),
		      "mfe slot starts as a struct mgm_mfe_val");
MGM_FWD_STATIC_ASSERT((MGM_MFE_MAX & (MGM_MFE_MAX - 1)) == 0,
		      "MGM_MFE_MAX is a power of two (mgm_mfe_tab)");
MGM_FWD_STATIC_ASSERT(MGM_MFE_PROBE_MAX < MGM_MFE_TAB_SLOTS,
		      "a probe window never wraps onto itself");
MGM_FWD_STATIC_ASSERT(sizeof(struct mgm_mfe6_key) == 32, "mfe6 key layout");
MGM_FWD_STATIC_ASSERT(sizeof(struct mgm_mfe6_val) == 72, "mfe6 value layout");
MGM_FWD_STATIC_ASSERT(__builtin_offsetof(struct mgm_mfe6_val, e) == 32,
		      "mfe6 route word aligned");
MGM_FWD_STATIC_ASSERT(sizeof(struct mgm_mfe6_ctl) == 48, "mfe6 ctl layout");
MGM_FWD_STATIC_ASSERT(sizeof(struct mgm_mfe_stats) == 64, "mfe stats layout");
MGM_FWD_STATIC_ASSERT(sizeof(struct mgm_mfe_hot) == 32, "mfe hot layout");
MGM_FWD_STATIC_ASSERT((MGM_MFE_SHARED_MAX & (MGM_MFE_SHARED_MAX - 1)) == 0,
		      "MGM_MFE_SHARED_MAX is a power of two");
MGM_FWD_STATIC_ASSERT(__builtin_offsetof(struct mgm_mfe_ent, mtu) % 4 == 0 &&
			      __builtin_offsetof(struct mgm_mfe_ent, owner) ==
				      __builtin_offsetof(struct mgm_mfe_ent,
							 mtu) +
					      2,
		      "mtu and owner: one aligned 32-bit word (the claim)");
MGM_FWD_STATIC_ASSERT(MGM_OSET_MAX <= MGM_OSET_LIMIT, "oset slot is 16 bits");
MGM_FWD_STATIC_ASSERT(sizeof(struct mgm_if_val) == 20, "if value layout");
MGM_FWD_STATIC_ASSERT(sizeof(struct mgm_if_stats) == 40, "if stats layout");
MGM_FWD_STATIC_ASSERT(sizeof(struct mgm_oset_list) == 8 + 4 * MGM_OSET_MAX_OIFS,
		      "oset list layout");
MGM_FWD_STATIC_ASSERT(sizeof(struct mgm_xdp_meta) == 8, "xdp meta layout");
MGM_FWD_STATIC_ASSERT(sizeof(struct mgm_event) == 120, "event layout");
MGM_FWD_STATIC_ASSERT(__builtin_offsetof(struct mgm_event, hdr) == 56,
		      "event header bytes");
MGM_FWD_STATIC_ASSERT(sizeof(struct mgm_config) == 56, "config layout");
MGM_FWD_STATIC_ASSERT(sizeof(struct mgm_budget) == 16, "budget layout");
MGM_FWD_STATIC_ASSERT(sizeof(struct mgm_counters) == 8 * MGM_CNT__MAX,
		      "counters layout");

#endif /* MGM_FWD_H */
