/* SPDX-License-Identifier: GPL-2.0 */
/*
 * mgm_int.h - the MGM core's internal data structures.
 *
 * One mutex (struct mgm.lock) guards everything below.  Code that runs
 * under it never calls a protocol's callback: callbacks are appended to a
 * queue (struct cbq) owned by the thread holding the lock and, when the
 * operation ends, to the instance's queue (m->cbs), from which they are
 * invoked after the lock is dropped, one at a time per protocol and in
 * order (mgm_unlock_run).  That is what lets every callback call back
 * into MGM (the documented contract of MGM) without deadlocks.
 * The only callbacks invoked in the middle of an operation, with the lock
 * dropped and the state re-validated afterwards, are RPF and creation
 * alerts (MFE creation) and IGMP's disable callback (ownership handoff).
 *
 * Indexes, and why each exists (1M MFEs is the design point):
 *  - mfes:     hash (source, group) -> MFE; O(1) lookup for misses, (S,G)
 *              memberships, mgm_get_mfe.
 *  - mfe_tree: AVL tree ordered by (group, source) in host byte order; the
 *              enumeration order, and all MFEs of one group are adjacent,
 *              which is the per-group index (*,G) membership changes use.
 *  - ifxs:     per ifindex, the set of MFEs that use it as iif or oif, so
 *              that releasing an interface touches only those MFEs.
 *  - heap:     MFEs by the earliest time they can expire, so the idle scan
 *              asks the datapath only about MFEs that may be due.
 * MFEs live in a slab (struct mfe_slab), which gives each a 32-bit id:
 * ifxs, m->unsynced and the heap hold ids (mfe_at()), not pointers.
 *  - grps:     per membership key (source, group), the memberships of all
 *              protocols and a per-protocol count (the join/prune alert
 *              rules count protocols, not interfaces).
 *  - membs:    hash (protocol, interface, source, group) -> membership.
 */
#ifndef MGM_INT_H
#define MGM_INT_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <syslog.h>

#include "mgm/mgm.h"
#include "mgm/mgm_datapath.h"

/*
 * The core's internal functions are global only to link its files
 * together: keep them out of the namespace of programs that link libmgm
 * (mgm_i_ prefix) and out of libmgm.so's exported symbols (hidden).
 */
#define avl_first mgm_i_avl_first
#define avl_insert mgm_i_avl_insert
#define avl_lower_bound mgm_i_avl_lower_bound
#define avl_next mgm_i_avl_next
#define avl_remove mgm_i_avl_remove
#define avl_upper_bound mgm_i_avl_upper_bound
#define cb_begin mgm_i_cb_begin
#define cb_end mgm_i_cb_end
#define cb_self_count mgm_i_cb_self_count
#define cb_would_deadlock mgm_i_cb_would_deadlock
#define cbq_push mgm_i_cbq_push
#define genum_free mgm_i_genum_free
#define grp_find mgm_i_grp_find
#define handle_get mgm_i_handle_get
#define handle_make mgm_i_handle_make
#define heap_del mgm_i_heap_del
#define heap_fix mgm_i_heap_fix
#define heap_push mgm_i_heap_push
#define htab_fini mgm_i_htab_fini
#define htab_init mgm_i_htab_init
#define htab_insert mgm_i_htab_insert
#define htab_remove mgm_i_htab_remove
#define iface_find mgm_i_iface_find
#define iface_owner mgm_i_iface_owner
#define ifx_find mgm_i_ifx_find
#define ifx_get mgm_i_ifx_get
#define ifx_put mgm_i_ifx_put
#define in_enable_callback mgm_i_in_enable_callback
#define memb_free_all mgm_i_memb_free_all
#define memb_remove_all mgm_i_memb_remove_all
#define mfe_count mgm_i_mfe_count
#define mfe_dp_counters mgm_i_mfe_dp_counters
#define mfe_deadline mgm_i_mfe_deadline
#define mfe_remove mgm_i_mfe_remove
#define mfe_expire_scan mgm_i_mfe_expire_scan
#define mfe_find mgm_i_mfe_find
#define mfe_forward_state mgm_i_mfe_forward_state
#define memb_covers mgm_i_memb_covers
#define mfe_alloc mgm_i_mfe_alloc
#define mfe_free mgm_i_mfe_free
#define mfe_slab_fini mgm_i_mfe_slab_fini
#define mfe_slot_put mgm_i_mfe_slot_put
#define mfe_free_all mgm_i_mfe_free_all
#define mfe_handle_miss mgm_i_mfe_handle_miss
#define mfe_has_forward mgm_i_mfe_has_forward
#define mfe_iif_owner_changed mgm_i_mfe_iif_owner_changed
#define mfe_interface_released mgm_i_mfe_interface_released
#define proto_x_adapt mgm_i_proto_x_adapt
#define sg_cmp mgm_i_sg_cmp
#define sg_hash mgm_i_sg_hash
#define addr_valid mgm_i_addr_valid
#define plen_of_mask mgm_i_plen_of_mask
#define mask_of_plen mgm_i_mask_of_plen
#define mfe_neg_sync mgm_i_mfe_neg_sync
#define mfe_neg_unlink mgm_i_mfe_neg_unlink
#define mfe_membership_changed mgm_i_mfe_membership_changed
#define mfe_next_deadline mgm_i_mfe_next_deadline
#define mfe_recompute mgm_i_mfe_recompute
#define mfe_resync mgm_i_mfe_resync
#define mfe_route_hash mgm_i_mfe_route_hash
#define mfe_route_put mgm_i_mfe_route_put
#define mfe_route_record mgm_i_mfe_route_record
#define mfe_route_set mgm_i_mfe_route_set
#define mfe_set_timeout mgm_i_mfe_set_timeout
#define owner_of mgm_i_owner_of
#define idset_add mgm_i_idset_add
#define idset_del mgm_i_idset_del
#define idset_fini mgm_i_idset_fini
#define idset_has mgm_i_idset_has
#define proto_put mgm_i_proto_put
#define idset_snapshot mgm_i_idset_snapshot
#define rpf_owner mgm_i_rpf_owner
#define sat_add mgm_i_sat_add
#define slot_alloc mgm_i_slot_alloc
#define slot_free mgm_i_slot_free
#define vec_reserve mgm_i_vec_reserve

#pragma GCC visibility push(hidden)

#define container_of(ptr, type, member) \
	((type *)((char *)(ptr)-offsetof(type, member)))

#define MASK_ALL 0xffffffffU
#define NS_PER_SEC 1000000000ULL
#define DEFAULT_TIMEOUT_S 900U
/* Evictions one new MFE may cause when the fast path says it is full. */
#define EVICT_TRIES 8U
/* The expiry scan runs at most this often (dispatch is cheap otherwise). */
#define SCAN_INTERVAL_NS NS_PER_SEC
/* MFEs one scan may check (each costs a dp lookup under the lock). */
#define EXPIRE_BUDGET 4096U

/* ------------------------------------------------------------------ */
/* Small containers (mgm_util.c)                                       */

struct dlist {
	struct dlist *next, *prev;
};

static inline void dlist_init(struct dlist *h)
{
	h->next = h;
	h->prev = h;
}

static inline bool dlist_empty(const struct dlist *h)
{
	return h->next == h;
}

static inline void dlist_add_tail(struct dlist *h, struct dlist *n)
{
	n->prev = h->prev;
	n->next = h;
	h->prev->next = n;
	h->prev = n;
}

static inline void dlist_del(struct dlist *n)
{
	n->prev->next = n->next;
	n->next->prev = n->prev;
	n->next = n;
	n->prev = n;
}

#define dlist_for_each_safe(pos, tmp, head)                      \
	for (pos = (head)->next, tmp = pos->next; pos != (head); \
	     pos = tmp, tmp = pos->next)

uint32_t mgm_hash(uint64_t a, uint64_t b);

/* ------------------------------------------------------------------ */
/* Addresses of either family (struct mgm_addr, canonical: reserved 0,
 * an IPv4 address's unused words 0, so that equal addresses are equal
 * bytes).                                                             */

static inline bool addr_eq(const struct mgm_addr *a, const struct mgm_addr *b)
{
	return mgm_addr_eq(a, b);
}

/* The unspecified address of a's family: the wildcard. */
static inline struct mgm_addr addr_any(const struct mgm_addr *a)
{
	return (struct mgm_addr){ .family = a->family };
}

static inline bool addr_is_any(const struct mgm_addr *a)
{
	return mgm_addr_is_unspec(a);
}

static inline uint32_t addr_fambit(const struct mgm_addr *a)
{
	return a->family == MGM_AF_INET6 ? MGM_FAMILY_IPV6 : MGM_FAMILY_IPV4;
}

/* A canonical address of a known family. */
bool addr_valid(const struct mgm_addr *a);
/* Order of (source, group) keys: family, group, source (bytes). */
int sg_cmp(const struct mgm_addr *s1, const struct mgm_addr *g1,
	   const struct mgm_addr *s2, const struct mgm_addr *g2);
uint32_t sg_hash(const struct mgm_addr *s, const struct mgm_addr *g);
uint32_t plen_of_mask(uint32_t mask); /* network order, leading ones */
uint32_t mask_of_plen(uint32_t plen); /* network order */

/*
 * Intrusive chained hash table.  Nodes do not store their hash (it is
 * recomputed from the container on resize) to keep per-MFE memory down.
 */
struct hnode {
	struct hnode *next;
};

struct htab {
	struct hnode **b;
	size_t mask;
	size_t n;
	uint32_t (*hash)(const struct hnode *);
};

int htab_init(struct htab *t, uint32_t (*hash)(const struct hnode *));
void htab_fini(struct htab *t);
void htab_insert(struct htab *t, struct hnode *n);
void htab_remove(struct htab *t, struct hnode *n);

static inline struct hnode *htab_bucket(const struct htab *t, uint32_t h)
{
	return t->b[h & t->mask];
}

/*
 * Open-addressing set of MFE ids (linear probing, backward-shift
 * delete): 32-bit ids, not pointers, halve the per-ifindex indexes.
 */
struct idset {
	uint32_t *v; /* 0: empty slot */
	uint32_t cap; /* 0 or a power of two */
	uint32_t n;
};

int idset_add(struct idset *s, uint32_t id);
void idset_del(struct idset *s, uint32_t id);
bool idset_has(const struct idset *s, uint32_t id);
void idset_fini(struct idset *s);
/* Copies the members into a fresh array (caller frees); NULL if empty. */
uint32_t *idset_snapshot(const struct idset *s, uint32_t *n);

/*
 * AVL tree with parent links (in-order successor without a stack).  Links
 * are 32-bit ids of the nodes, not pointers (16-byte nodes): t->at() and
 * t->id() map them; 0 is no node.
 */
struct avl_node {
	uint32_t l, r, p;
	uint32_t h;
};

struct avl_tree {
	uint32_t root;
	/* <0, 0, >0: n's key before, equal to, after key */
	int (*cmp)(const struct avl_node *n, const void *key);
	struct avl_node *(*at)(const struct avl_tree *t, uint32_t id);
	uint32_t (*id)(const struct avl_node *n);
};

/* key: n's own key, in the form cmp takes. */
void avl_insert(struct avl_tree *t, struct avl_node *n, const void *key);
void avl_remove(struct avl_tree *t, struct avl_node *n);
struct avl_node *avl_first(const struct avl_tree *t);
struct avl_node *avl_next(const struct avl_tree *t, const struct avl_node *n);
/* First node whose key is > k (strict) or >= k. */
struct avl_node *avl_upper_bound(const struct avl_tree *t, const void *k);
struct avl_node *avl_lower_bound(const struct avl_tree *t, const void *k);

/* The key of the MFE tree (struct mfe.an). */
struct sgref {
	const struct mgm_addr *source;
	const struct mgm_addr *group;
};

/* Grow *v (elements of size elem) to hold at least need elements. */
int vec_reserve(void **v, size_t *cap, size_t need, size_t elem);

/* ------------------------------------------------------------------ */
/* Objects                                                             */

struct if_id {
	uint32_t ifindex;
	uint32_t nexthop;
};

struct proto {
	uint32_t slot;
	uint32_t serial; /* unique per registration; names it inside MFEs */
	uint32_t protocol_id;
	uint32_t component_id;
	bool igmp; /* registered as MGM_MS_IP_IGMP */
	uint32_t families; /* MGM_FAMILY_*: the traffic it is asked about */
	/* The callbacks the core calls, family-neutral: the protocol's own
	 * (mgm_register_protocol_x), or adapters to cfg's IPv4 ones. */
	struct mgm_protocol_config_x x;
	struct mgm_protocol_config cfg; /* mgm_register_protocol()'s */
	uint32_t n_ifaces; /* interfaces owned (IGMP: co-owned too) */
	uint32_t n_membs;
	struct dlist enums; /* open group enumerations (struct genum) */
	struct dlist link; /* m->protos, in registration order */
	/*
	 * Callback lifetime.  Callbacks run without the lock, from queues
	 * filled under it, so a protocol can be deregistered while one of
	 * its callbacks is queued or running.  refs keeps the struct alive
	 * (the registration holds one, each queued callback one); running
	 * counts callbacks executing now; dead is set at deregistration,
	 * after which no callback starts, and deregistration waits until
	 * running ones are done: once it returns, ctx is never used again.
	 */
	uint32_t refs;
	uint32_t running;
	bool dead;
	/* A thread is delivering one of its queued callbacks (see
	 * mgm_unlock_run: one at a time, in order). */
	bool delivering;
};

/*
 * A callback executing on a thread: a per-thread stack of them (next),
 * and every one of the instance in m->frames (under the lock), so that a
 * deregistration can tell which threads it would wait for.
 */
struct cb_frame {
	struct mgm *m;
	struct proto *p;
	struct cb_frame *next;
	pthread_t thread;
	struct dlist mlink; /* m->frames */
};

/* A thread waiting in mgm_deregister_protocol() for p's callbacks. */
struct cb_waiter {
	pthread_t thread;
	struct proto *p;
	struct dlist link; /* m->waiters */
};

/* An interface: (ifindex, next hop). */
struct iface {
	struct hnode hn;
	uint32_t ifindex;
	uint32_t nexthop;
	struct proto *owner; /* the non-IGMP owner */
	struct proto *igmp; /* IGMP, when it runs here */
	/* An ownership handoff is in progress (the lock was dropped). */
	bool busy;
	/* Between IGMP's disable and enable callbacks. */
	bool igmp_disabled;
	struct dlist membs; /* struct memb.ifc_link */
	struct dlist ifx_link;
};

/* Everything MGM knows about one ifindex. */
struct ifx {
	struct hnode hn;
	uint32_t ifindex;
	struct idset mfes; /* MFEs (ids) whose iif or an oif has this ifindex */
	uint32_t n_neg; /* negative MFEs (m->negs) whose iif this is */
	struct dlist ifaces; /* struct iface.ifx_link */
};

struct pcount {
	struct proto *p;
	uint32_t n; /* memberships (= interfaces) of p in this group */
};

/* All JOIN_STATE memberships with one (source, group) key. */
struct grp {
	struct hnode hn;
	struct mgm_addr source; /* unspecified: (*,G) or (*,*) */
	struct mgm_addr group; /* unspecified: (*,*) */
	struct dlist membs; /* struct memb.grp_link */
	struct pcount *pc;
	uint32_t n_pc, cap_pc;
};

static inline uint32_t memb_hash_key(uint32_t pserial, uint32_t ifindex,
				     uint32_t nexthop,
				     const struct mgm_addr *source,
				     const struct mgm_addr *group)
{
	return mgm_hash(((uint64_t)pserial << 32) | ifindex,
			((uint64_t)nexthop << 32) ^ sg_hash(source, group));
}

/* Does p take part in a's family? */
static inline bool proto_routes(const struct proto *p, const struct mgm_addr *a)
{
	return p && (p->families & addr_fambit(a));
}

struct memb {
	struct hnode hn;
	struct proto *p;
	struct iface *ifc;
	struct grp *g;
	struct dlist ifc_link;
	struct dlist grp_link;
};

/* A (protocol, interface) that a creation alert left out of one MFE. */
struct mfe_dis {
	uint32_t pserial;
	uint32_t ifindex;
	uint32_t nexthop;
};

/* Rarely used per-MFE state, allocated on first use. */
struct mfe_extra {
	struct mfe_dis *dis;
	uint32_t n_dis;
	struct if_id *fwd; /* FORWARD_STATE oifs */
	uint32_t n_fwd;
};

#define MFE_INLINE_OIFS 2

/*
 * What an MFE records about its route toward the source (MgmGetMfe's
 * upstream, route network, prefix length and route protocol).  Nothing
 * but the records reads it, and MFEs reached by one route share it, so
 * it is interned (m->routes, counted): an MFE holds a pointer, NULL for
 * the record of no route (unspecified addresses, 0).
 */
struct mfe_route {
	struct hnode hn;
	uint32_t refs;
	uint32_t protocol;
	uint32_t upstream[4]; /* struct mgm_addr's address bytes */
	uint32_t network[4];
	uint8_t plen;
	uint8_t family;
};

/*
 * One MFE (1M of them is the design point: 136 bytes on 64-bit hosts).
 * (S,G) is held as the address bytes of struct mgm_addr (canonical) with
 * the family once; mfe_source()/mfe_group() give the API form.  Fields
 * are ordered by size, so that there are no padding holes.
 */
struct mfe {
	struct hnode hn;
	struct avl_node an;
	uint32_t src[4];
	uint32_t grp[4];
	uint64_t created_ns;
	/* Earliest time it can expire: max(created, last use seen) + timeout;
	 * UINT64_MAX when it does not age. */
	uint64_t deadline_ns;
	/* A negative MFE has no oifs: its inline oif space holds its link
	 * in m->negs (mfe_neg_sync() keeps it right). */
	union {
		struct if_id inl[MFE_INLINE_OIFS];
		struct if_id *ext;
		struct dlist neg;
	} o;
	struct mfe_extra *extra;
	struct mfe_route *rt; /* NULL: no route information */
	uint32_t iif;
	uint32_t iif_nh;
	uint32_t in_if_protocol;
	uint32_t timeout; /* s; 0: does not age */
	uint32_t heap_idx;
	uint32_t serial; /* tells a re-created MFE from the old one */
	uint16_t n_oifs;
	uint16_t cap_oifs; /* 0: oifs live in inl[] */
	uint8_t family; /* MGM_AF_INET or MGM_AF_INET6 */
	/* In m->unsynced: the fast path refused its last update (its oifs
	 * are still what the fast path holds); retried by mfe_resync(). */
	bool unsynced;
	/* In m->negs (o.neg is the link): no oifs, evictable. */
	bool neg_listed;
	/* Created negative: has negative_timeout until it gains an oif. */
	bool short_lived;
};

static inline struct if_id *mfe_oifs(struct mfe *e)
{
	return e->cap_oifs ? e->o.ext : e->o.inl;
}

/* An address of the MFE's family from its stored bytes. */
static inline struct mgm_addr mfe_addr(const struct mfe *e, const uint32_t *w)
{
	return (struct mgm_addr){ .family = e->family,
				  .w = { w[0], w[1], w[2], w[3] } };
}

/* "(S,G)" of an MFE in messages (mgm_mfe.c). */
#define MFE_NAMELEN (2 * MGM_ADDRSTRLEN + 4)

static inline struct mgm_addr mfe_source(const struct mfe *e)
{
	return mfe_addr(e, e->src);
}

static inline struct mgm_addr mfe_group(const struct mfe *e)
{
	return mfe_addr(e, e->grp);
}

static inline bool mfe_words_eq(const uint32_t *w, const struct mgm_addr *a)
{
	return w[0] == a->w[0] && w[1] == a->w[1] && w[2] == a->w[2] &&
	       w[3] == a->w[3];
}

static inline uint32_t mfe_fambit(const struct mfe *e)
{
	return e->family == MGM_AF_INET6 ? MGM_FAMILY_IPV6 : MGM_FAMILY_IPV4;
}

/* Is e the MFE of (source, group)? */
static inline bool mfe_is(const struct mfe *e, const struct mgm_addr *source,
			  const struct mgm_addr *group)
{
	return e->family == group->family && e->family == source->family &&
	       mfe_words_eq(e->grp, group) && mfe_words_eq(e->src, source);
}

static inline bool mfe_is_group(const struct mfe *e,
				const struct mgm_addr *group)
{
	return e->family == group->family && mfe_words_eq(e->grp, group);
}

/*
 * Where MFEs live: blocks of MFE_BLK_BYTES, aligned to their size, so
 * that an MFE's block, hence its id, follows from its address.  No
 * per-MFE malloc overhead; ids (1..) are 32 bits, which the indexes hold
 * instead of pointers.  A block is freed when its last MFE goes, but for
 * one kept as a spare, so that an MFE made and deleted over and over at a
 * block's edge does not map and unmap a block each time.
 */
#define MFE_BLK_BYTES 65536U

struct mfe_blk {
	struct dlist link; /* in slab.partial while it has a free slot */
	struct hnode *free; /* freed slots (struct mfe.hn) */
	uint32_t index; /* in slab.b */
	uint32_t used; /* slots in use */
	uint32_t fresh; /* slots from here on were never used */
	uint32_t pad;
	struct mfe e[];
};

#define MFE_PER_BLK \
	((MFE_BLK_BYTES - offsetof(struct mfe_blk, e)) / sizeof(struct mfe))

struct mfe_slab {
	struct mfe_blk **b; /* NULL: a freed block's index */
	size_t n, cap;
	struct dlist partial;
	struct mfe_blk *spare; /* emptied, kept for the next blk_new() */
};

static inline struct mfe_blk *mfe_blk_of(const struct mfe *e)
{
	return (struct mfe_blk *)((uintptr_t)e &
				  ~(uintptr_t)(MFE_BLK_BYTES - 1));
}

static inline uint32_t mfe_id(const struct mfe *e)
{
	const struct mfe_blk *b = mfe_blk_of(e);

	return b->index * (uint32_t)MFE_PER_BLK + (uint32_t)(e - b->e) + 1;
}

static inline struct mfe *mfe_at(const struct mgm *m, uint32_t id);

/* A group enumeration (snapshot). */
struct genum {
	uint32_t slot;
	struct proto *p;
	struct dlist plink;
	struct mgm_source_group_x *v; /* IPv4 records first */
	size_t n, pos;
	size_t n4; /* IPv4 records (the IPv4 get_next stops there) */
};

/* ------------------------------------------------------------------ */
/* Callback queue                                                      */

enum cb_kind {
	CB_JOIN,
	CB_PRUNE,
	CB_LOCAL_JOIN,
	CB_LOCAL_LEAVE,
	CB_WRONG_IF,
	CB_ENABLE, /* the disable callback is called directly */
};

struct cb_rec {
	enum cb_kind kind;
	int32_t flag; /* member_update / member_delete */
	struct proto *p; /* the receiver; cbq_push takes a reference */
	void *ctx;
	union {
		mgm_join_alert_x_cb join;
		mgm_prune_alert_x_cb prune;
		mgm_local_x_cb local_join;
		mgm_local_x_cb local_leave;
		mgm_wrong_if_x_cb wrong_if;
		mgm_enable_igmp_cb enable;
	} fn;
	struct mgm_addr source, group; /* wildcards: unspecified */
	uint32_t ifindex, nexthop;
	uint32_t timeout;
	uint32_t mfe_serial; /* != 0: write the timeout back to this MFE */
	uint16_t hdr_len;
	uint8_t hdr[MGM_DP_EVENT_HDR_MAX];
};

struct cbq {
	struct cb_rec *v;
	size_t n, cap;
};

/* ------------------------------------------------------------------ */
/* The instance                                                        */

struct slot {
	void *obj;
	uint32_t gen;
	uint32_t next_free;
};

struct slotab {
	struct slot *s;
	uint32_t n, cap;
	uint32_t free_head; /* UINT32_MAX: none */
};

enum handle_type {
	HT_PROTO = 0,
	HT_ENUM = 1,
};

/* A candidate oif while an MFE's oif list is computed. */
struct oifc {
	uint32_t ifindex;
	uint32_t nexthop;
	bool enabled;
};

struct mgm {
	pthread_mutex_t lock;
	/* Serialises mgm_dispatch(); only ever try-locked. */
	pthread_mutex_t dispatch_lock;
	/* Signalled when a callback ends (deregistration waits on it). */
	pthread_cond_t cb_done;
	/* Callbacks running (struct cb_frame) and deregistrations waiting
	 * for them (struct cb_waiter): the wait-for graph. */
	struct dlist frames, waiters;
	/* Queued callbacks not yet delivered, in the order MGM decided
	 * them (taken ones have p NULL until head passes them). */
	struct cb_rec *cbs;
	size_t cbs_n, cbs_cap, cbs_head;
	const struct mgm_datapath_ops *ops;
	void *dp;
	uint32_t default_timeout;
	/* mgm_options.unowned_iif_no_mfe: no MFE from an unowned iif. */
	bool unowned_iif_no_mfe;
	bool (*iif_permitted)(void *ctx, uint32_t ifindex);
	void *iif_permitted_ctx;
	void (*log)(void *log_ctx, int level, const char *msg);
	void *log_ctx;
	uint32_t nonce;
	int epfd;
	int efd; /* deferred work: the event loop must look again */

	struct slotab ptab, etab;
	struct dlist protos;
	uint32_t next_serial;
	struct htab ifaces, ifxs, membs, grps, mfes;
	struct htab routes; /* struct mfe_route, interned */
	struct avl_tree mfe_tree;
	uint32_t *heap; /* MFE ids, min-heap on deadline_ns */
	size_t heap_n, heap_cap;
	uint32_t next_mfe_serial;
	uint64_t last_scan_ns;
	bool scanned;
	/* MFEs (ids) the fast path refused to update (struct mfe.unsynced). */
	struct idset unsynced;
	struct mfe_slab slab;
	/* Negative MFEs, oldest first (struct mfe.o.neg): eviction order. */
	struct dlist negs;
	uint32_t n_neg;
	uint32_t neg_timeout; /* s */
	uint32_t neg_per_if; /* UINT32_MAX: no cap */
	uint32_t max_mfes; /* 0: the fast path's limit only */
	bool full_logged; /* a refusal of a full table was logged */
	uint64_t last_resync_ns; /* last retry round, or when it started */
	uint32_t resync_pos; /* where the next round starts in unsynced */
	bool resyncing; /* a retry round runs: its failures are not logged */
	struct mgm_stats stats;

	struct cbq *q; /* queue of the thread holding lock */
	/* Scratch space of the oif computation, used under lock. */
	struct oifc *scratch;
	size_t scratch_cap;
	struct if_id *oifv;
	size_t oifv_cap;
	uint32_t *dpv;
	size_t dpv_cap;
};

static inline struct mfe *mfe_at(const struct mgm *m, uint32_t id)
{
	id--;
	return &m->slab.b[id / MFE_PER_BLK]->e[id % MFE_PER_BLK];
}

/* ------------------------------------------------------------------ */
/* mgm_core.c                                                          */

void mgm_lock(struct mgm *m, struct cbq *q);
void mgm_unlock(struct mgm *m);
/* Unlock, then invoke the queued callbacks and free the queue. */
void mgm_unlock_run(struct mgm *m, struct cbq *q);
void cbq_push(struct mgm *m, const struct cb_rec *r);
/* Under the lock: drop a reference; frees a deregistered protocol. */
void proto_put(struct proto *p);
/*
 * Around a callback of p, lock not held: cb_begin() returns false if p
 * was deregistered (do not call it); cb_end() after it (ran: what
 * cb_begin returned), optionally dropping the caller's reference.
 */
bool cb_begin(struct mgm *m, struct proto *p, struct cb_frame *f);
void cb_end(struct mgm *m, struct proto *p, struct cb_frame *f, bool ran,
	    bool put);
/* Callbacks of p this thread is executing (deregistration from inside). */
uint32_t cb_self_count(struct mgm *m, const struct proto *p);
/* Under the lock: would this thread, waiting for p's callbacks on other
 * threads, wait for itself (through threads waiting in deregistrations)? */
bool cb_would_deadlock(struct mgm *m, const struct proto *p);
void mgm_logf(struct mgm *m, int level, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
void mgm_wake(struct mgm *m);
uint64_t mgm_now(struct mgm *m);
void mgm_count_callback(struct mgm *m);

mgm_handle_t handle_make(struct mgm *m, enum handle_type t, struct slotab *st,
			 uint32_t slot);
void *handle_get(struct mgm *m, enum handle_type t, struct slotab *st,
		 mgm_handle_t h);
int slot_alloc(struct slotab *st, void *obj, uint32_t *slot);
void slot_free(struct slotab *st, uint32_t slot);

static inline struct proto *proto_get(struct mgm *m, mgm_handle_t h)
{
	return handle_get(m, HT_PROTO, &m->ptab, h);
}

/* Is this thread inside IGMP's enable callback for (m, ifindex, nh)? */
bool in_enable_callback(struct mgm *m, uint32_t ifindex, uint32_t nexthop);

/* ------------------------------------------------------------------ */
/* mgm_proto.c                                                         */

struct iface *iface_find(struct mgm *m, uint32_t ifindex, uint32_t nexthop);
struct ifx *ifx_find(struct mgm *m, uint32_t ifindex);
struct ifx *ifx_get(struct mgm *m, uint32_t ifindex);
void ifx_put(struct mgm *m, struct ifx *x);
/* The protocol that answers for an interface: the owner, else IGMP. */
struct proto *iface_owner(const struct iface *i);
/* Same, by (ifindex, next hop), falling back to any next hop, among the
 * protocols taking part in a family of fam (MGM_FAMILY_* bits). */
struct proto *owner_of(struct mgm *m, uint32_t ifindex, uint32_t nexthop,
		       uint32_t fam);
/* Owner of the RPF interface toward source (NULL: no route or no owner). */
struct proto *rpf_owner(struct mgm *m, const struct mgm_addr *source,
			const struct mgm_addr *group);
/* p->x for a protocol registered with IPv4 callbacks (p->cfg). */
void proto_x_adapt(struct proto *p);

/* ------------------------------------------------------------------ */
/* mgm_member.c                                                        */

struct grp *grp_find(struct mgm *m, const struct mgm_addr *source,
		     const struct mgm_addr *group);
/*
 * Removes memberships of p on ifc (with their join/prune alerts).  With
 * local_leave, the interface owner hears about each (IGMP leaving).  MFEs
 * are not recomputed: the caller recomputes the interface's MFEs once.
 */
void memb_remove_all(struct mgm *m, struct iface *ifc, struct proto *p,
		     bool local_leave);
void memb_free_all(struct mgm *m);

/* ------------------------------------------------------------------ */
/* mgm_mfe.c                                                           */

struct mfe *mfe_find(struct mgm *m, const struct mgm_addr *source,
		     const struct mgm_addr *group);
/*
 * Recompute the oif list from memberships; -errno if the dp refused (the
 * MFE then keeps what the dp holds and waits in m->unsynced).
 */
int mfe_recompute(struct mgm *m, struct mfe *e);
/* Retry the MFEs in m->unsynced (a bounded round; under the lock). */
void mfe_resync(struct mgm *m, uint64_t now);
void mfe_remove(struct mgm *m, struct mfe *e);
/*
 * Negative MFEs: mfe_neg_sync() puts an MFE without oifs (inline space
 * free) into m->negs, at the tail, and counts it on its iif;
 * mfe_neg_unlink() takes it out, and must run before anything writes
 * its oif space.
 */
void mfe_neg_sync(struct mgm *m, struct mfe *e);
void mfe_neg_unlink(struct mgm *m, struct mfe *e);
/* Recompute every MFE a membership (source, group) on ifc may affect. */
void mfe_membership_changed(struct mgm *m, const struct mgm_addr *source,
			    const struct mgm_addr *group,
			    const struct iface *ifc, bool added);
/*
 * After memberships on ifc were removed: full (the interface leaves
 * forwarding) deletes MFEs whose iif it is and drops it from every oif
 * list; otherwise only recompute the MFEs that have it as an oif.
 */
void mfe_interface_released(struct mgm *m, struct iface *ifc, bool full);
bool mfe_has_forward(const struct mfe *e, const struct iface *ifc);
/*
 * FORWARD_STATE for one MFE and one interface, on behalf of p.  Add
 * records forward state (it outlives memberships) and undoes an earlier
 * delete's disabling.  Delete takes the interface out of the MFE: its
 * forward state goes, and if p's memberships put it there, p's
 * contribution is disabled for this MFE (as a creation alert would).
 * -ENOENT: nothing to delete.
 */
int mfe_forward_state(struct mgm *m, struct mfe *e, const struct proto *p,
		      const struct iface *ifc, bool add);
/* Does a JOIN_STATE membership of p on ifc match (source, group)? */
bool memb_covers(struct mgm *m, const struct proto *p, const struct iface *ifc,
		 const struct mgm_addr *source, const struct mgm_addr *group);
/* Also the core of mgm_set_mfe_timeout() (mgm_mfe_get.c): a prune alert's
 * answer that mgmd applies after the callback returned (an external
 * protocol answers asynchronously); called without the lock, it takes it
 * and re-checks the serial, like cb_invoke's call. */
void mfe_set_timeout(struct mgm *m, uint32_t serial,
		     const struct mgm_addr *source,
		     const struct mgm_addr *group, uint32_t timeout);
/* 0: MGM has the MFE now; -ENOENT: no protocol owns its iif and
 * m->unowned_iif_no_mfe is set (no MFE); another -errno: it could not be
 * made. */
int mfe_handle_miss(struct mgm *m, const struct mgm_dp_event *ev);
/* mgm_expire.c */
uint64_t sat_add(uint64_t a, uint64_t b);
/* base + timeout, or UINT64_MAX for a timeout of 0 (does not age). */
uint64_t mfe_deadline(uint64_t base_ns, uint32_t timeout);
int heap_push(struct mgm *m, struct mfe *e);
void heap_del(struct mgm *m, struct mfe *e);
void heap_fix(struct mgm *m, struct mfe *e);
/* A zeroed MFE from the slab (under the lock); NULL: no memory. */
struct mfe *mfe_alloc(struct mgm *m);
/* Gives e's slot back (mfe_free() frees what it points to first). */
void mfe_slot_put(struct mgm *m, struct mfe *e);
void mfe_slab_fini(struct mgm *m);
void mfe_free(struct mgm *m, struct mfe *e);
/* The fast path's counters of e (all 0 if it has none). */
void mfe_dp_counters(struct mgm *m, const struct mfe *e,
		     struct mgm_dp_mfe_counters *c);
/* Expire idle MFEs; true if more are due than one call may handle. */
bool mfe_expire_scan(struct mgm *m, uint64_t now);
/* The iif's owner changed: MFE records name the new one. */
void mfe_iif_owner_changed(struct mgm *m, const struct iface *ifc);
int64_t mfe_next_deadline(struct mgm *m); /* -1: no MFE */
void mfe_free_all(struct mgm *m);
size_t mfe_count(struct mgm *m);

/* mgm_mfe_route.c */
uint32_t mfe_route_hash(const struct hnode *n);
/*
 * Record e's route information (addresses of e's family, or unspecified;
 * plen at most the family's bits): e->rt names the interned record, NULL
 * for all of them unspecified or 0.  -ENOMEM: e->rt is unchanged.
 */
int mfe_route_set(struct mgm *m, struct mfe *e, const struct mgm_addr *up,
		  const struct mgm_addr *net, uint32_t plen, uint32_t protocol);
/* Drop e's reference (e->rt becomes NULL). */
void mfe_route_put(struct mgm *m, struct mfe *e);
/* The record as MgmGetMfe shows it. */
void mfe_route_record(const struct mfe *e, struct mgm_addr *up,
		      struct mgm_addr *net, uint32_t *plen, uint32_t *protocol);

/* mgm_enum.c */
void genum_free(struct mgm *m, struct genum *e);

#pragma GCC visibility pop

#endif /* MGM_INT_H */
