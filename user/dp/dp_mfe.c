// SPDX-License-Identifier: GPL-2.0
/*
 * dp_mfe.c - MFEs, the out-set pool and the per-MFE stats slots.
 *
 * Costs (see platform-notes): an update of a map-of-maps element waits for
 * an RCU grace period (~8.5 ms), a hash or devmap element update ~1 us.  So
 * the pool of out-set devmaps is put into mgm_osets once, in one batch, and
 * never replaced; an MFE install is one hash update (plus, for a set not
 * seen before, a devmap fill of a free slot).  Slots are recycled only after
 * a grace period, which mgm_dp_sync() provides with a map-of-maps update.
 */
#include <errno.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <bpf/bpf.h>

#include "dp/dp_internal.h"
#include "dp/mfehot.h"

/* struct bpf_devmap_val as value_size 8: ifindex, program fd. */
struct devmap_val {
	__u32 ifindex;
	__s32 prog_fd;
};

int dp_slots_push(struct dp_slots *s, uint32_t slot)
{
	if (s->n == s->cap) {
		uint32_t cap = s->cap ? s->cap * 2 : 64;
		uint32_t *v = realloc(s->v, cap * sizeof(*v));

		if (!v)
			return -ENOMEM;
		s->v = v;
		s->cap = cap;
	}
	s->v[s->n++] = slot;
	return 0;
}

static int keys_push(struct dp_keys *k, const struct mgm_mfe_key *key)
{
	if (k->n == k->cap) {
		uint32_t cap = k->cap ? k->cap * 2 : 64;
		struct mgm_mfe_key *v = realloc(k->v, cap * sizeof(*v));

		if (!v)
			return -ENOMEM;
		k->v = v;
		k->cap = cap;
	}
	k->v[k->n++] = *key;
	return 0;
}

void dp_slots_free(struct dp_slots *s)
{
	free(s->v);
	memset(s, 0, sizeof(*s));
}

/* ------------------------------------------------------------------ */
/* The MFE shadow table                                                 */

static uint64_t mfe_key64(uint32_t source, uint32_t group)
{
	return (uint64_t)source << 32 | group;
}

static uint32_t mfe_slot_of(const struct dp_mfe_tab *t, uint64_t key)
{
	/* MurmurHash3's fmix64: every key bit reaches the low bits. */
	key ^= key >> 33;
	key *= 0xff51afd7ed558ccdULL;
	key ^= key >> 33;
	key *= 0xc4ceb9fe1a85ec53ULL;
	key ^= key >> 33;
	return (uint32_t)key & (t->cap - 1);
}

static struct dp_mfe *mfe_find(struct dp_mfe_tab *t, uint64_t key)
{
	uint32_t i;

	if (!t->cap)
		return NULL;
	for (i = mfe_slot_of(t, key); t->v[i].used; i = (i + 1) & (t->cap - 1))
		if (t->v[i].key == key)
			return &t->v[i];
	return NULL;
}

static int mfe_grow(struct dp_mfe_tab *t)
{
	struct dp_mfe_tab n = { .cap = t->cap ? t->cap * 2 : 1024 };
	uint32_t i, j;

	n.v = calloc(n.cap, sizeof(*n.v));
	if (!n.v)
		return -ENOMEM;
	for (i = 0; i < t->cap; i++) {
		if (!t->v[i].used)
			continue;
		for (j = mfe_slot_of(&n, t->v[i].key); n.v[j].used;
		     j = (j + 1) & (n.cap - 1))
			;
		n.v[j] = t->v[i];
		n.n++;
	}
	free(t->v);
	*t = n;
	return 0;
}

/* A new, zeroed entry for key (which must not be present). */
static struct dp_mfe *mfe_insert(struct dp_mfe_tab *t, uint64_t key)
{
	uint32_t i;

	if ((t->n + 1) * 2 > t->cap && mfe_grow(t))
		return NULL;
	for (i = mfe_slot_of(t, key); t->v[i].used; i = (i + 1) & (t->cap - 1))
		;
	memset(&t->v[i], 0, sizeof(t->v[i]));
	t->v[i].key = key;
	t->v[i].used = true;
	t->n++;
	return &t->v[i];
}

static void mfe_erase(struct dp_mfe_tab *t, struct dp_mfe *e)
{
	uint32_t i = e - t->v, j = i, home;

	/* Backward shift: keep every probe chain unbroken. */
	for (;;) {
		t->v[i].used = false;
		do {
			j = (j + 1) & (t->cap - 1);
			if (!t->v[j].used) {
				t->n--;
				return;
			}
			home = mfe_slot_of(t, t->v[j].key);
		} while (i <= j ? (i < home && home <= j) :
				  (i < home || home <= j));
		t->v[i] = t->v[j];
		i = j;
	}
}

/*
 * Pop a free slot; when none is left but some wait for their grace
 * period, take the barrier now and reuse those.
 */
static int slots_pop(struct mgm_dp *dp, struct dp_slots *free_,
		     struct dp_slots *pending, uint32_t *slot)
{
	int err;

	if (!free_->n && pending->n) {
		err = mgm_dp_sync(dp);
		if (err)
			return err;
	}
	if (!free_->n)
		return -ENOSPC;
	*slot = free_->v[--free_->n];
	return 0;
}

static int keys6_push(struct dp_keys6 *k, const struct mgm_mfe6_key *key)
{
	if (k->n == k->cap) {
		uint32_t cap = k->cap ? k->cap * 2 : 64;
		struct mgm_mfe6_key *v = realloc(k->v, cap * sizeof(*v));

		if (!v)
			return -ENOMEM;
		k->v = v;
		k->cap = cap;
	}
	k->v[k->n++] = *key;
	return 0;
}

/* ------------------------------------------------------------------ */
/* The IPv6 MFE shadow table (as the IPv4 one, with 32-byte keys)       */

static uint32_t mfe6_slot_of(const struct dp_mfe6_tab *t,
			     const struct mgm_mfe6_key *k)
{
	uint32_t w[8], i;
	uint64_t h = 0;

	memcpy(w, k, sizeof(w));
	for (i = 0; i < 8; i++)
		h = (h ^ w[i]) * 0x100000001b3ULL;
	/* fmix64, as for IPv4 keys. */
	h ^= h >> 33;
	h *= 0xff51afd7ed558ccdULL;
	h ^= h >> 33;
	h *= 0xc4ceb9fe1a85ec53ULL;
	h ^= h >> 33;
	return (uint32_t)h & (t->cap - 1);
}

static struct dp_mfe6 *mfe6_find(struct dp_mfe6_tab *t,
				 const struct mgm_mfe6_key *k)
{
	uint32_t i;

	if (!t->cap)
		return NULL;
	for (i = mfe6_slot_of(t, k); t->v[i].m.used; i = (i + 1) & (t->cap - 1))
		if (!memcmp(&t->v[i].key, k, sizeof(*k)))
			return &t->v[i];
	return NULL;
}

static int mfe6_grow(struct dp_mfe6_tab *t)
{
	struct dp_mfe6_tab n = { .cap = t->cap ? t->cap * 2 : 256 };
	uint32_t i, j;

	n.v = calloc(n.cap, sizeof(*n.v));
	if (!n.v)
		return -ENOMEM;
	for (i = 0; i < t->cap; i++) {
		if (!t->v[i].m.used)
			continue;
		for (j = mfe6_slot_of(&n, &t->v[i].key); n.v[j].m.used;
		     j = (j + 1) & (n.cap - 1))
			;
		n.v[j] = t->v[i];
		n.n++;
	}
	free(t->v);
	*t = n;
	return 0;
}

static struct dp_mfe6 *mfe6_insert(struct dp_mfe6_tab *t,
				   const struct mgm_mfe6_key *k)
{
	uint32_t i;

	if ((t->n + 1) * 2 > t->cap && mfe6_grow(t))
		return NULL;
	for (i = mfe6_slot_of(t, k); t->v[i].m.used; i = (i + 1) & (t->cap - 1))
		;
	memset(&t->v[i], 0, sizeof(t->v[i]));
	t->v[i].key = *k;
	t->v[i].m.used = true;
	t->n++;
	return &t->v[i];
}

static void mfe6_erase(struct dp_mfe6_tab *t, struct dp_mfe6 *e)
{
	uint32_t i = e - t->v, j = i, home;

	for (;;) {
		t->v[i].m.used = false;
		do {
			j = (j + 1) & (t->cap - 1);
			if (!t->v[j].m.used) {
				t->n--;
				return;
			}
			home = mfe6_slot_of(t, &t->v[j].key);
		} while (i <= j ? (i < home && home <= j) :
				  (i < home || home <= j));
		t->v[i] = t->v[j];
		i = j;
	}
}

/* ------------------------------------------------------------------ */
/* One entry of either family                                           */

/*
 * An MFE by key, IPv4 or IPv6: what install, delete and the interface
 * code need to reach its shadow entry and its map element, so that one
 * piece of code serves both families.
 */
struct mfe_ref {
	bool v6;
	struct mgm_mfe_key k4;
	struct mgm_mfe6_key k6;
};

static struct mfe_ref ref4(uint32_t source, uint32_t group)
{
	struct mfe_ref r = { .k4 = { .source = source, .group = group } };

	return r;
}

static struct mfe_ref ref6(const struct in6_addr *source,
			   const struct in6_addr *group)
{
	struct mfe_ref r = { .v6 = true };

	memcpy(r.k6.source, source, sizeof(r.k6.source));
	memcpy(r.k6.group, group, sizeof(r.k6.group));
	return r;
}

static const void *ref_key(const struct mfe_ref *r)
{
	return r->v6 ? (const void *)&r->k6 : (const void *)&r->k4;
}

static int ref_map(const struct mgm_dp *dp, const struct mfe_ref *r)
{
	return r->v6 ? dp->fd_mfe6 : dp->fd_mfe;
}

static struct dp_mfe6 *mfe6_of(struct dp_mfe *e)
{
	return (struct dp_mfe6 *)((char *)e - offsetof(struct dp_mfe6, m));
}

static struct dp_mfe *ref_find(struct mgm_dp *dp, const struct mfe_ref *r)
{
	struct dp_mfe6 *e6;

	if (!r->v6)
		return mfe_find(&dp->mfes,
				mfe_key64(r->k4.source, r->k4.group));
	e6 = mfe6_find(&dp->mfes6, &r->k6);
	return e6 ? &e6->m : NULL;
}

static struct dp_mfe *ref_insert(struct mgm_dp *dp, const struct mfe_ref *r,
				 uint32_t at)
{
	struct dp_mfe6 *e6;
	struct dp_mfe *e;

	if (!r->v6) {
		e = mfe_insert(&dp->mfes, mfe_key64(r->k4.source, r->k4.group));
	} else {
		e6 = mfe6_insert(&dp->mfes6, &r->k6);
		e = e6 ? &e6->m : NULL;
	}
	if (e)
		e->at = at;
	return e;
}

static void ref_erase(struct mgm_dp *dp, const struct mfe_ref *r,
		      struct dp_mfe *e)
{
	if (r->v6)
		mfe6_erase(&dp->mfes6, mfe6_of(e));
	else
		mfe_erase(&dp->mfes, e);
}

/* The shadow entry in slot i of a family's table, and its key. */
static struct dp_mfe *ref_at(struct mgm_dp *dp, bool v6, uint32_t i,
			     struct mfe_ref *r)
{
	if (v6) {
		struct dp_mfe6 *e6 = &dp->mfes6.v[i];

		if (!e6->m.used)
			return NULL;
		r->v6 = true;
		r->k6 = e6->key;
		return &e6->m;
	}
	if (!dp->mfes.v[i].used)
		return NULL;
	*r = ref4((uint32_t)(dp->mfes.v[i].key >> 32),
		  (uint32_t)dp->mfes.v[i].key);
	return &dp->mfes.v[i];
}

static uint32_t tab_cap(const struct mgm_dp *dp, bool v6)
{
	return v6 ? dp->mfes6.cap : dp->mfes.cap;
}

/* Slots of mgm_mfe_tab read a chunk at a time (listings, adoption). */
#define TAB_CHUNK 4096U

/*
 * Copies of the n slots from first (first + n <= slots): from the mapping,
 * or for a reader, which does not map the table, by one batch lookup.
 */
static int tab_slots(struct mgm_dp *dp, uint32_t first, uint32_t n,
		     struct mgm_mfe_slot *out)
{
	if (dp->tab.s) {
		memcpy(out, &dp->tab.s[first], n * sizeof(*out));
		return 0;
	}
	if (n == 1)
		return dp->tab.read(dp, first, out);
	return dp_array_read(dp->fd_mfe_tab, first, n, sizeof(*out), out);
}

/* The element of r as the map holds it: the part after the key copy. */
static int ref_read(struct mgm_dp *dp, const struct mfe_ref *r,
		    struct mgm_mfe_ent *ent)
{
	if (r->v6) {
		struct mgm_mfe6_val v;

		if (bpf_map_lookup_elem(dp->fd_mfe6, &r->k6, &v))
			return -errno;
		*ent = v.e;
	} else {
		uint32_t at = mfetab_find(&dp->tab, r->k4.source, r->k4.group);
		struct mgm_mfe_slot sl;
		struct mgm_mfe_val v;

		if (at != MFETAB_NONE && !tab_slots(dp, at, 1, &sl)) {
			*ent = sl.e;
			return 0;
		}
		if (bpf_map_lookup_elem(dp->fd_mfe, &r->k4, &v))
			return -errno;
		memcpy(ent, &v.iif, sizeof(*ent));
	}
	return 0;
}

/* ------------------------------------------------------------------ */
/* Out-sets                                                             */

static uint32_t oset_hash(const uint32_t *oifs, uint32_t n)
{
	uint32_t h = 2166136261U, i;

	for (i = 0; i < n; i++)
		h = (h ^ oifs[i]) * 16777619U;
	return h;
}

static int inner_fd(struct mgm_dp *dp, uint32_t slot)
{
	__u32 id;
	int fd;

	if (bpf_map_lookup_elem(dp->fd_osets, &slot, &id))
		return -errno;
	fd = bpf_map_get_fd_by_id(id);
	return fd < 0 ? -errno : fd;
}

static bool if_is_tc(struct mgm_dp *dp, uint32_t ifindex)
{
	const struct dp_ifc *c = dp_if_find(dp, ifindex);

	return !c || c->caps.tx == MGM_DP_TX_TC;
}

/*
 * Write the slot's member list (the tc path's view of the set) for a new
 * set: its generation goes up, so that a packet still marked with the
 * slot's previous set is never copied to this one (mgm_oset_list.gen).
 */
static int oset_list_write(struct mgm_dp *dp, uint32_t slot,
			   const uint32_t *oifs, uint32_t n)
{
	struct mgm_oset_list l;
	uint32_t gen = 0;

	if (!bpf_map_lookup_elem(dp->fd_oset_list, &slot, &l))
		gen = l.gen + 1;
	memset(&l, 0, sizeof(l));
	l.n = n;
	l.gen = gen;
	memcpy(l.ifindex, oifs, n * sizeof(*oifs));
	if (bpf_map_update_elem(dp->fd_oset_list, &slot, &l, BPF_ANY))
		return -errno;
	return 0;
}

/*
 * Make the (unused) slot hold exactly oifs[n]: every member in its list,
 * the members an XDP redirect reaches in its devmap.
 */
static int oset_fill(struct mgm_dp *dp, struct dp_oset *os,
		     const uint32_t *oifs, uint32_t n)
{
	struct devmap_val v = { .prog_fd = dp->fd_egress_prog };
	int fd, err = 0;
	uint32_t i;

	fd = inner_fd(dp, os->slot);
	if (fd < 0)
		return fd;
	for (i = 0; i < os->n; i++)
		bpf_map_delete_elem(fd, &os->oifs[i]);
	os->n = 0;
	os->tc = false;
	for (i = 0; i < n; i++) {
		if (if_is_tc(dp, oifs[i])) {
			os->tc = true;
		} else {
			v.ifindex = oifs[i];
			if (bpf_map_update_elem(fd, &oifs[i], &v, BPF_ANY)) {
				err = errno == EINVAL ? -ENODEV : -errno;
				break;
			}
		}
		os->oifs[os->n++] = oifs[i];
	}
	close(fd);
	return err ?: oset_list_write(dp, os->slot, oifs, n);
}

static void oset_unhash(struct mgm_dp *dp, struct dp_oset *os)
{
	struct dp_oset **pp = &dp->oset_hash[os->hash % dp->oset_max];

	for (; *pp; pp = &(*pp)->next) {
		if (*pp == os) {
			*pp = os->next;
			break;
		}
	}
	os->live = false;
}

static void oset_hash_in(struct mgm_dp *dp, struct dp_oset *os)
{
	struct dp_oset **head = &dp->oset_hash[os->hash % dp->oset_max];

	os->next = *head;
	*head = os;
	os->live = true;
}

static uint16_t oset_mtu(struct mgm_dp *dp, const uint32_t *oifs, uint32_t n)
{
	uint32_t i, mtu = 0xffff;

	for (i = 0; i < n; i++) {
		struct dp_ifc *c = dp_if_find(dp, oifs[i]);

		if (c && c->mtu && c->mtu < mtu)
			mtu = c->mtu;
	}
	return mtu;
}

/* Find the set holding exactly oifs[n] (sorted) or fill a free slot. */
static int oset_get(struct mgm_dp *dp, const uint32_t *oifs, uint32_t n,
		    struct dp_oset **out)
{
	uint32_t h = oset_hash(oifs, n), slot;
	struct dp_oset *os;
	int err;

	for (os = dp->oset_hash[h % dp->oset_max]; os; os = os->next) {
		if (os->hash == h && os->n == n &&
		    !memcmp(os->oifs, oifs, n * sizeof(*oifs))) {
			os->refcnt++;
			*out = os;
			return 0;
		}
	}
	err = slots_pop(dp, &dp->oset_free, &dp->oset_pending, &slot);
	if (err)
		return err;
	os = &dp->osets[slot];
	err = oset_fill(dp, os, oifs, n);
	if (err) {
		dp_slots_push(&dp->oset_free, slot);
		return err;
	}
	os->hash = h;
	os->refcnt = 1;
	os->mtu = oset_mtu(dp, oifs, n);
	oset_hash_in(dp, os);
	*out = os;
	return 0;
}

static void oset_put(struct mgm_dp *dp, struct dp_oset *os)
{
	if (!os || !os->refcnt || --os->refcnt)
		return;
	/* Packets may still be on their way through it: grace period. */
	oset_unhash(dp, os);
	dp_slots_push(&dp->oset_pending, os->slot);
}

static struct dp_oset *oset_of(struct mgm_dp *dp, uint16_t flags, uint32_t oset)
{
	if ((flags & MGM_MFE_F_NEGATIVE) || oset >= dp->oset_max)
		return NULL;
	return &dp->osets[oset];
}

/*
 * Create the pool's devmaps for every empty slot of mgm_osets and insert
 * them with one batch update: one grace period for all of them.
 */
/*
 * Insert n devmaps into the pool in one batch (one grace-period wait for
 * the lot, where each single update of a map-of-maps waits its own) and
 * close them: the outer map holds them now.
 */
static int pool_flush(struct mgm_dp *dp, uint32_t *keys, int *fds, uint32_t *n)
{
	__u32 count = *n, i;
	int err = 0;

	if (count &&
	    bpf_map_update_batch(dp->fd_osets, keys, fds, &count, NULL))
		err = -errno;
	for (i = 0; i < *n; i++)
		close(fds[i]);
	*n = 0;
	return err;
}

/*
 * Devmaps created per batch: enough to amortise the grace-period wait,
 * few enough that a service's default open-files limit (1024) holds
 * them with everything else mgmd has open.
 */
#define POOL_BATCH 256U

/*
 * The pool's inner map ids into ids[oset_max] (0: empty).  A batch reads
 * a full pool (every open after the first); one with empty slots (a
 * batch stops at them) or a kernel without batch lookups of an array of
 * maps gets one lookup per slot.
 */
static int oset_ids(struct mgm_dp *dp, __u32 *ids)
{
	uint32_t i;

	if (!dp_array_read(dp->fd_osets, 0, dp->oset_max, sizeof(*ids), ids))
		return 0;
	for (i = 0; i < dp->oset_max; i++)
		if (bpf_map_lookup_elem(dp->fd_osets, &i, &ids[i])) {
			if (errno != ENOENT)
				return -errno;
			ids[i] = 0;
		}
	return 0;
}

int dp_pool_init(struct mgm_dp *dp)
{
	uint32_t keys[POOL_BATCH], n = 0, i;
	int fds[POOL_BATCH], err = 0;
	__u32 *ids;

	dp->osets = calloc(dp->oset_max, sizeof(*dp->osets));
	dp->oset_hash = calloc(dp->oset_max, sizeof(*dp->oset_hash));
	ids = calloc(dp->oset_max, sizeof(*ids));
	if (!dp->osets || !dp->oset_hash || !ids) {
		free(ids);
		return -ENOMEM;
	}
	/* The inner map ids of the pool; 0: an empty slot to fill. */
	err = oset_ids(dp, ids);
	for (i = 0; i < dp->oset_max && !err; i++) {
		dp->osets[i].slot = i;
		if (ids[i])
			continue;
		fds[n] = bpf_map_create(BPF_MAP_TYPE_DEVMAP_HASH, "mgm_oset",
					sizeof(__u32),
					sizeof(struct devmap_val),
					MGM_OSET_MAX_OIFS, NULL);
		if (fds[n] < 0) {
			err = -errno;
			break;
		}
		keys[n++] = i;
		if (n == POOL_BATCH)
			err = pool_flush(dp, keys, fds, &n);
	}
	free(ids);
	if (err) {
		for (i = 0; i < n; i++)
			close(fds[i]);
		return err;
	}
	return pool_flush(dp, keys, fds, &n);
}

static int cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return x < y ? -1 : x > y;
}

/* Every slot's member list into dp->osets, sorted (adoption). */
static int osets_read(struct mgm_dp *dp)
{
	enum { CHUNK = 256 };
	struct mgm_oset_list *l;
	uint32_t s, n, i, j;
	struct dp_oset *os;
	int err = 0;

	l = malloc(CHUNK * sizeof(*l));
	if (!l)
		return -ENOMEM;
	for (s = 0; s < dp->oset_max && !err; s += n) {
		n = dp->oset_max - s < CHUNK ? dp->oset_max - s : CHUNK;
		err = dp_array_read(dp->fd_oset_list, s, n, sizeof(*l), l);
		for (i = 0; i < n && !err; i++) {
			os = &dp->osets[s + i];
			os->n = 0;
			for (j = 0; j < l[i].n && j < MGM_OSET_MAX_OIFS; j++)
				if (l[i].ifindex[j])
					os->oifs[os->n++] = l[i].ifindex[j];
			qsort(os->oifs, os->n, sizeof(uint32_t), cmp_u32);
		}
	}
	free(l);
	return err;
}

/*
 * One pinned entry at adoption (at: its slot in mgm_mfe_tab, or
 * DP_AT_OVF): into the bookkeeping.
 */
static int adopt_one(struct mgm_dp *dp, const struct mfe_ref *r, uint32_t at,
		     const struct mgm_mfe_ent *v, uint8_t *stats_used)
{
	struct dp_oset *os;
	struct dp_mfe *e;
	int err;

	if (v->flags & MGM_MFE_F_DEAD) {
		/* Deleted by the previous owner: goes at start-up. */
		err = r->v6	      ? keys6_push(&dp->mfe6_dead, &r->k6) :
		      at != DP_AT_OVF ? dp_slots_push(&dp->tab_dead, at) :
					keys_push(&dp->mfe_dead, &r->k4);
		if (!err && v->stats < dp->mfe_max) {
			stats_used[v->stats] = 1;
			err = dp_slots_push(&dp->stats_pending, v->stats);
		}
		return err;
	}
	e = ref_insert(dp, r, at);
	if (!e)
		return -ENOMEM;
	e->iif = v->iif;
	e->stats = v->stats;
	e->slot = v->oset;
	e->negative = v->flags & MGM_MFE_F_NEGATIVE;
	e->flags = v->flags & ~(MGM_MFE_F_NEGATIVE | MGM_MFE_F_TC);
	if (v->stats < dp->mfe_max)
		stats_used[v->stats] = 1;
	os = oset_of(dp, v->flags, v->oset);
	if (os && !os->refcnt++) {
		os->hash = oset_hash(os->oifs, os->n);
		os->mtu = oset_mtu(dp, os->oifs, os->n);
		os->tc = v->flags & MGM_MFE_F_TC;
		oset_hash_in(dp, os);
	}
	return 0;
}

/*
 * Rebuild the pool and slot bookkeeping from what is pinned, so a
 * restarted controller carries on with the entries forwarding right now.
 */
int dp_adopt(struct mgm_dp *dp)
{
	struct mgm_mfe6_key key6, next6, *prev6 = NULL;
	struct mgm_mfe_key key, next, *prev = NULL;
	struct mgm_mfe6_val v6;
	uint8_t *stats_used;
	struct mgm_mfe_val v;
	struct mgm_mfe_ent ent;
	struct dp_oset *os;
	struct mfe_ref r;
	uint32_t i;
	int err = 0;

	stats_used = calloc(dp->mfe_max, 1);
	if (!stats_used)
		return -ENOMEM;
	err = osets_read(dp);
	if (err)
		goto out;
	for (i = 0; i <= dp->tab.mask; i++) {
		const struct mgm_mfe_slot *sl = &dp->tab.s[i];

		if (sl->used != MGM_MFE_SLOT_OCCUPIED)
			continue;
		r = ref4(sl->source, sl->group);
		ent = sl->e;
		err = adopt_one(dp, &r, i, &ent, stats_used);
		if (err)
			goto out;
	}
	while (!bpf_map_get_next_key(dp->fd_mfe, prev, &next)) {
		key = next;
		prev = &key;
		if (bpf_map_lookup_elem(dp->fd_mfe, &key, &v))
			continue;
		r = ref4(key.source, key.group);
		memcpy(&ent, &v.iif, sizeof(ent));
		err = adopt_one(dp, &r, DP_AT_OVF, &ent, stats_used);
		if (err)
			goto out;
	}
	while (!bpf_map_get_next_key(dp->fd_mfe6, prev6, &next6)) {
		key6 = next6;
		prev6 = &key6;
		if (bpf_map_lookup_elem(dp->fd_mfe6, &key6, &v6))
			continue;
		r.v6 = true;
		r.k6 = key6;
		err = adopt_one(dp, &r, DP_AT_OVF, &v6.e, stats_used);
		if (err)
			goto out;
	}
	/* Unused slots: those with stale contents wait a grace period. */
	for (i = dp->oset_max; i-- > 0;) {
		os = &dp->osets[i];
		if (os->refcnt)
			continue;
		err = dp_slots_push(os->n ? &dp->oset_pending : &dp->oset_free,
				    i);
		if (err)
			goto out;
	}
	for (i = dp->mfe_max; i-- > 0;) {
		if (stats_used[i])
			continue;
		err = dp_slots_push(&dp->stats_free, i);
		if (err)
			goto out;
	}
out:
	free(stats_used);
	return err;
}

void dp_pool_free(struct mgm_dp *dp)
{
	free(dp->mfes.v);
	free(dp->mfes6.v);
	free(dp->osets);
	free(dp->oset_hash);
	dp_slots_free(&dp->oset_free);
	dp_slots_free(&dp->oset_pending);
	dp_slots_free(&dp->stats_free);
	dp_slots_free(&dp->stats_pending);
	free(dp->mfe_dead.v);
	memset(&dp->mfe_dead, 0, sizeof(dp->mfe_dead));
	free(dp->mfe6_dead.v);
	memset(&dp->mfe6_dead, 0, sizeof(dp->mfe6_dead));
	dp_slots_free(&dp->tab_dead);
}

/* ------------------------------------------------------------------ */
/* MFEs                                                                 */

/* Sort, dedupe and drop the iif; -E2BIG if more than a set holds. */
static int normalize_oifs(const uint32_t *in, uint32_t n, uint32_t iif,
			  uint32_t *out, uint32_t *n_out)
{
	uint32_t tmp[MGM_OSET_MAX_OIFS * 2], i, m = 0;

	if (n > MGM_OSET_MAX_OIFS * 2)
		return -E2BIG;
	memcpy(tmp, in, n * sizeof(*in));
	qsort(tmp, n, sizeof(*tmp), cmp_u32);
	for (i = 0; i < n; i++) {
		if (!tmp[i] || tmp[i] == iif || (m && out[m - 1] == tmp[i]))
			continue;
		if (m == MGM_OSET_MAX_OIFS)
			return -E2BIG;
		out[m++] = tmp[i];
	}
	*n_out = m;
	return 0;
}

/*
 * Change key's entry in place: the route word with one store, the MTU
 * around it; the counters stay.  An IPv4 entry in mgm_mfe_tab (at) by
 * stores into the mapping, one in a hash by mgm_mfe_ctl or mgm_mfe6_ctl.
 */
static int mfe_ctl(struct mgm_dp *dp, const struct mfe_ref *r, uint32_t at,
		   uint32_t iif, uint32_t oset, uint16_t flags, uint16_t mtu)
{
	struct mgm_mfe_ctl m = { .key = r->k4,
				 .iif = iif,
				 .oset = (uint16_t)oset,
				 .flags = flags,
				 .mtu = mtu };
	struct mgm_mfe6_ctl m6 = { .key = r->k6,
				   .iif = iif,
				   .oset = (uint16_t)oset,
				   .flags = flags,
				   .mtu = mtu };
	LIBBPF_OPTS(bpf_test_run_opts, o);

	if (!r->v6 && at != DP_AT_OVF) {
		mfetab_route(&dp->tab, at, mfetab_word(iif, oset, flags), mtu);
		return 0;
	}
	if (r->v6) {
		o.ctx_in = &m6;
		o.ctx_size_in = sizeof(m6);
	} else {
		o.ctx_in = &m;
		o.ctx_size_in = sizeof(m);
	}
	if (bpf_prog_test_run_opts(r->v6 ? dp->fd_ctl6_prog : dp->fd_ctl_prog,
				   &o))
		return -errno;
	return o.retval ? -ENOENT : 0;
}

/* Delete a batch of keys of one map; one by one where batches fail. */
static void dead_flush(int fd, void *keys, size_t key_size, uint32_t *n)
{
	__u32 count = *n, i;

	if (!*n)
		return;
	/*
	 * One call for all; one by one where batches are not supported or
	 * one stopped early (a key already gone: ENOENT is harmless).
	 */
	if (bpf_map_delete_batch(fd, keys, &count, NULL))
		count = 0;
	for (i = count; i < *n; i++)
		bpf_map_delete_elem(fd, (char *)keys + i * key_size);
	*n = 0;
}

void dp_mfe_dead_flush(struct mgm_dp *dp)
{
	uint32_t i, n = dp->mfe_dead.n;

	for (i = 0; i < dp->tab_dead.n; i++)
		mfetab_release(&dp->tab, dp->tab_dead.v[i]);
	dp->tab_dead.n = 0;
	dead_flush(dp->fd_mfe, dp->mfe_dead.v, sizeof(*dp->mfe_dead.v),
		   &dp->mfe_dead.n);
	/* Gone from the overflow: their homes stop counting them. */
	for (i = 0; i < n; i++)
		mfetab_ovf(&dp->tab, dp->mfe_dead.v[i].source,
			   dp->mfe_dead.v[i].group, -1);
	dead_flush(dp->fd_mfe6, dp->mfe6_dead.v, sizeof(*dp->mfe6_dead.v),
		   &dp->mfe6_dead.n);
}

/*
 * A new entry for r: an IPv4 one into a free slot of its window in
 * mgm_mfe_tab, else (and an IPv6 one) a new element of the family's hash
 * (for IPv4 the overflow, counted by the home slot first); *at where.
 */
static int mfe_add_once(struct mgm_dp *dp, const struct mfe_ref *r,
			const struct mgm_mfe_ent *ent, uint32_t *at)
{
	struct mgm_mfe6_val v6 = { .e = *ent };
	struct mgm_mfe_val v = { .source = r->k4.source, .group = r->k4.group };
	const void *val = r->v6 ? (const void *)&v6 : (const void *)&v;
	int fd = ref_map(dp, r), err;

	*at = DP_AT_OVF;
	if (!r->v6) {
		*at = mfetab_place(&dp->tab, r->k4.source, r->k4.group);
		if (*at != MFETAB_NONE) {
			mfetab_fill(&dp->tab, *at, r->k4.source, r->k4.group,
				    ent);
			return 0;
		}
		mfetab_ovf(&dp->tab, r->k4.source, r->k4.group, 1);
	}
	memcpy(&v.iif, ent, sizeof(*ent));
	memcpy(v6.source, r->k6.source, sizeof(v6.source));
	memcpy(v6.group, r->k6.group, sizeof(v6.group));
	if (!bpf_map_update_elem(fd, ref_key(r), val, BPF_NOEXIST))
		return 0;
	err = errno;
	if (!r->v6)
		mfetab_ovf(&dp->tab, r->k4.source, r->k4.group, -1);
	return err == E2BIG ? -ENOSPC : -err;
}

/*
 * Deleted entries keep their slot or element until a grace period has
 * passed: the key itself (deleted and installed again into the overflow)
 * or the room they take is then had by taking it now.
 */
static int mfe_add(struct mgm_dp *dp, const struct mfe_ref *r,
		   const struct mgm_mfe_ent *ent, uint32_t *at)
{
	int err = mfe_add_once(dp, r, ent, at);

	if ((err == -EEXIST || err == -ENOSPC) &&
	    (dp->mfe_dead.n || dp->mfe6_dead.n || dp->tab_dead.n)) {
		err = mgm_dp_sync(dp);
		err = err ?: mfe_add_once(dp, r, ent, at);
	}
	return err;
}

/*
 * Take r's dead entry out of the fast path, a grace period after it died
 * (at: its slot in mgm_mfe_tab or DP_AT_OVF).
 */
static int mfe_remove(struct mgm_dp *dp, const struct mfe_ref *r, uint32_t at)
{
	if (!r->v6 && at != DP_AT_OVF) {
		mfetab_release(&dp->tab, at);
		return 0;
	}
	if (bpf_map_delete_elem(ref_map(dp, r), ref_key(r)))
		return -errno;
	if (!r->v6)
		mfetab_ovf(&dp->tab, r->k4.source, r->k4.group, -1);
	return 0;
}

/* An entry just added that cannot be tracked: out again, at once. */
static void mfe_untrack(struct mgm_dp *dp, const struct mfe_ref *r, uint32_t at)
{
	mfe_ctl(dp, r, at, 0, 0, MGM_MFE_F_DEAD, 0);
	if (mgm_dp_sync(dp) == 0)
		mfe_remove(dp, r, at);
}

/* Stats slots cleared per batch when freed. */
#define STATS_CHUNK 1024U

void dp_stats_clear(struct mgm_dp *dp, const uint32_t *slots, uint32_t n)
{
	static const struct mgm_mfe_stats zero[STATS_CHUNK];
	uint32_t i, done, chunk, count;

	/*
	 * Generation 0: an element of mgm_mfe_shared still tagged with the
	 * slot is stale now, free for another shared entry.  One call per
	 * chunk; one by one where batches are not supported (a failed batch
	 * call may have changed count: chunk is the size).
	 */
	for (done = 0; done < n; done += chunk) {
		chunk = n - done < STATS_CHUNK ? n - done : STATS_CHUNK;
		count = chunk;
		if (!bpf_map_update_batch(dp->fd_mfe_stats, slots + done, zero,
					  &count, NULL))
			continue;
		for (i = 0; i < chunk; i++)
			bpf_map_update_elem(dp->fd_mfe_stats, &slots[done + i],
					    &zero[i], BPF_ANY);
	}
}

/* A stats slot for a new entry: zero counters, a new generation. */
static int stats_zero(struct mgm_dp *dp, uint32_t slot)
{
	struct mgm_mfe_stats zero = { .gen = dp->gen_next++ };

	if (bpf_map_update_elem(dp->fd_mfe_stats, &slot, &zero, BPF_ANY))
		return -errno;
	return 0;
}

/* Does the entry already hold exactly this? */
static bool mfe_same(struct mgm_dp *dp, const struct dp_mfe *e, uint32_t iif,
		     const uint32_t *set, uint32_t m, uint16_t flags)
{
	const struct dp_oset *os;

	if (e->iif != iif || e->negative != !m || e->flags != flags)
		return false;
	if (!m)
		return true;
	os = &dp->osets[e->slot];
	return os->n == m && !memcmp(os->oifs, set, m * sizeof(*set));
}

/* Install or replace the entry of r, either family (see dp.h). */
static int mfe_install(struct mgm_dp *dp, const struct mfe_ref *r, uint32_t iif,
		       const uint32_t *oifs, uint32_t n, uint16_t flags)
{
	uint32_t set[MGM_OSET_MAX_OIFS], m, i, stats;
	struct dp_oset *os = NULL, *old_os = NULL;
	struct mgm_mfe_ent v = {};
	uint32_t at = DP_AT_OVF;
	struct dp_mfe *e;
	int err;

	if (dp->readonly)
		return -EPERM;
	if (!iif || (n && !oifs) || (flags & ~MGM_MFE_F_KERNEL_KEEPALIVE))
		return -EINVAL;
	err = normalize_oifs(oifs, n, iif, set, &m);
	if (err)
		return err;
	e = ref_find(dp, r);
	if (e && mfe_same(dp, e, iif, set, m, flags))
		return 0;
	/* The table has room for more: the entries are counted here. */
	if (!e && !r->v6 && dp->mfes.n >= dp->mfe_max)
		return -ENOSPC;
	for (i = 0; i < m; i++)
		if (!dp_if_get(dp, set[i], &err))
			return err;
	if (m) {
		err = oset_get(dp, set, m, &os);
		if (err)
			return err;
	}
	if (e) {
		stats = e->stats;
		old_os = e->negative ? NULL : &dp->osets[e->slot];
	} else {
		err = slots_pop(dp, &dp->stats_free, &dp->stats_pending,
				&stats);
		err = err ?: stats_zero(dp, stats);
		if (err)
			goto undo_oset;
	}
	v.iif = iif;
	v.stats = stats;
	v.flags = flags;
	if (os) {
		v.oset = os->slot;
		v.mtu = os->mtu;
		if (os->tc)
			v.flags |= MGM_MFE_F_TC;
	} else {
		v.flags |= MGM_MFE_F_NEGATIVE;
	}
	/* An existing entry changes in place: its counters stay. */
	err = e ? mfe_ctl(dp, r, e->at, v.iif, v.oset, v.flags, v.mtu) :
		  mfe_add(dp, r, &v, &at);
	if (err)
		goto undo_stats;
	if (!e) {
		e = ref_insert(dp, r, at);
		if (!e) {
			/* Cannot track it: take it back out. */
			mfe_untrack(dp, r, at);
			err = -ENOMEM;
			goto undo_stats;
		}
		e->stats = stats;
	}
	e->iif = iif;
	e->flags = flags;
	e->negative = !os;
	e->slot = os ? os->slot : 0;
	oset_put(dp, old_os);
	return 0;
undo_stats:
	if (!e)
		dp_slots_push(&dp->stats_free, stats);
undo_oset:
	oset_put(dp, os);
	return err;
}

int mgm_dp_mfe_install(struct mgm_dp *dp, uint32_t source, uint32_t group,
		       uint32_t iif, const uint32_t *oifs, uint32_t n)
{
	return mgm_dp_mfe_install_flags(dp, source, group, iif, oifs, n, 0);
}

int mgm_dp_mfe_install_flags(struct mgm_dp *dp, uint32_t source, uint32_t group,
			     uint32_t iif, const uint32_t *oifs, uint32_t n,
			     uint16_t flags)
{
	struct mfe_ref r = ref4(source, group);

	return mfe_install(dp, &r, iif, oifs, n, flags);
}

int mgm_dp_mfe6_install(struct mgm_dp *dp, const struct in6_addr *source,
			const struct in6_addr *group, uint32_t iif,
			const uint32_t *oifs, uint32_t n)
{
	return mgm_dp_mfe6_install_flags(dp, source, group, iif, oifs, n, 0);
}

int mgm_dp_mfe6_install_flags(struct mgm_dp *dp, const struct in6_addr *source,
			      const struct in6_addr *group, uint32_t iif,
			      const uint32_t *oifs, uint32_t n, uint16_t flags)
{
	struct mfe_ref r;

	if (!source || !group)
		return -EINVAL;
	r = ref6(source, group);
	return mfe_install(dp, &r, iif, oifs, n, flags);
}

static int mfe_delete(struct mgm_dp *dp, const struct mfe_ref *r)
{
	struct dp_mfe *e;
	int err;

	if (dp->readonly)
		return -EPERM;
	e = ref_find(dp, r);
	if (!e)
		return -ENOENT;
	/*
	 * Marked dead in place, removed after the next grace period: a
	 * packet that found the entry alive may still be counting into its
	 * element, which the kernel would otherwise recycle at once.
	 */
	err = mfe_ctl(dp, r, e->at, 0, 0, MGM_MFE_F_DEAD, 0);
	if (!err && (r->v6		? keys6_push(&dp->mfe6_dead, &r->k6) :
		     e->at != DP_AT_OVF ? dp_slots_push(&dp->tab_dead, e->at) :
					  keys_push(&dp->mfe_dead, &r->k4))) {
		/* No room to remember it: the barrier now, then remove. */
		err = mgm_dp_sync(dp);
		if (!err)
			err = mfe_remove(dp, r, e->at);
	}
	if (err && err != -ENOENT)
		return err;
	oset_put(dp, e->negative ? NULL : &dp->osets[e->slot]);
	dp_slots_push(&dp->stats_pending, e->stats);
	ref_erase(dp, r, e);
	/* A packet right after this is a miss again: report it at once. */
	bpf_map_delete_elem(r->v6 ? dp->fd_miss_seen6 : dp->fd_miss_seen,
			    ref_key(r));
	return 0;
}

int mgm_dp_mfe_delete(struct mgm_dp *dp, uint32_t source, uint32_t group)
{
	struct mfe_ref r = ref4(source, group);

	return mfe_delete(dp, &r);
}

int mgm_dp_mfe6_delete(struct mgm_dp *dp, const struct in6_addr *source,
		       const struct in6_addr *group)
{
	struct mfe_ref r;

	if (!source || !group)
		return -EINVAL;
	r = ref6(source, group);
	return mfe_delete(dp, &r);
}

/*
 * The counters of one entry (either family, any reader): packets and
 * bytes of its line plus, when CPUs share it, the per-CPU elements of
 * mgm_mfe_shared that carry its tag (mfehot.h); the rare ones of s (NULL:
 * unreadable).
 */
static void counters_from(const struct mgm_dp *dp, const struct mgm_mfe_ent *v,
			  const struct mgm_mfe_stats *s,
			  struct mgm_dp_mfe_counters *out)
{
	struct mgm_mfe_hot *hot = NULL;
	__u32 key = v->stats & (dp->shared_max - 1);

	/* Unreadable: the line's counts alone. */
	if (mfehot_shared(v) && s) {
		hot = calloc(dp->ncpus, sizeof(*hot));
		if (hot && bpf_map_lookup_elem(dp->fd_mfe_shared, &key, hot)) {
			free(hot);
			hot = NULL;
		}
	}
	mfehot_sum(v, s ? s->gen : 0, hot, dp->ncpus, &out->packets,
		   &out->bytes);
	free(hot);
	out->last_used_ns = dp_jiffies_ns(dp, v->last_used);
	if (!s)
		return;
	out->wrong_if = s->wrong_if;
	out->ttl_expired = s->ttl_expired;
	out->negative = s->negative;
	out->too_big = s->too_big;
	out->kernel_passes = s->kernel_passes;
}

static int mfe_counters(struct mgm_dp *dp, const struct mfe_ref *r,
			struct mgm_dp_mfe_counters *out)
{
	struct mgm_mfe_stats s;
	struct mgm_mfe_ent v;
	int err = ref_read(dp, r, &v);

	if (err)
		return err;
	if (v.flags & MGM_MFE_F_DEAD)
		return -ENOENT;
	if (bpf_map_lookup_elem(dp->fd_mfe_stats, &v.stats, &s))
		return -errno;
	memset(out, 0, sizeof(*out));
	counters_from(dp, &v, &s, out);
	return 0;
}

int mgm_dp_mfe_counters(struct mgm_dp *dp, uint32_t source, uint32_t group,
			struct mgm_dp_mfe_counters *out)
{
	struct mfe_ref r = ref4(source, group);

	return mfe_counters(dp, &r, out);
}

int mgm_dp_mfe6_counters(struct mgm_dp *dp, const struct in6_addr *source,
			 const struct in6_addr *group,
			 struct mgm_dp_mfe_counters *out)
{
	struct mfe_ref r;

	if (!source || !group)
		return -EINVAL;
	r = ref6(source, group);
	return mfe_counters(dp, &r, out);
}

/*
 * What a listing shows of one element (either family): iif, flags, the
 * counters, and the member list itself, the truth also for readers.
 */
static void info_fill(struct mgm_dp *dp, const struct mgm_mfe_ent *v,
		      uint32_t *iif, bool *negative, uint16_t *flags,
		      uint32_t *slot, struct mgm_dp_mfe_counters *counters,
		      uint32_t *oifs, uint32_t *n_oifs)
{
	struct mgm_oset_list l;
	struct mgm_mfe_stats s;
	__u32 slot_key = v->oset; /* the map's key is 32 bits, oset 16 */

	*iif = v->iif;
	*negative = v->flags & MGM_MFE_F_NEGATIVE;
	*flags = v->flags;
	*slot = v->oset;
	counters_from(dp, v,
		      bpf_map_lookup_elem(dp->fd_mfe_stats, &v->stats, &s) ?
			      NULL :
			      &s,
		      counters);
	*n_oifs = 0;
	if (!*negative &&
	    !bpf_map_lookup_elem(dp->fd_oset_list, &slot_key, &l)) {
		uint32_t j;

		for (j = 0; j < l.n && j < MGM_OSET_MAX_OIFS; j++)
			if (l.ifindex[j])
				oifs[(*n_oifs)++] = l.ifindex[j];
		qsort(oifs, *n_oifs, sizeof(uint32_t), cmp_u32);
	}
}

/* One IPv4 entry of a listing. */
static int foreach_one(struct mgm_dp *dp,
		       int (*fn)(void *arg, const struct mgm_dp_mfe_info *),
		       void *arg, uint32_t source, uint32_t group,
		       const struct mgm_mfe_ent *ent)
{
	struct mgm_dp_mfe_info info;

	memset(&info, 0, sizeof(info));
	info.source = source;
	info.group = group;
	info_fill(dp, ent, &info.iif, &info.negative, &info.flags,
		  &info.oset_slot, &info.counters, info.oifs, &info.n_oifs);
	return fn(arg, &info);
}

int mgm_dp_mfe_foreach(struct mgm_dp *dp,
		       int (*fn)(void *arg, const struct mgm_dp_mfe_info *),
		       void *arg)
{
	struct mgm_mfe_key key, next, *prev = NULL;
	struct mgm_mfe_slot *buf;
	struct mgm_mfe_ent ent;
	struct mgm_mfe_val v;
	uint32_t i, j, n;
	int ret;

	/* The table's slots (copies, a chunk at a time), then the overflow. */
	buf = malloc(TAB_CHUNK * sizeof(*buf));
	if (!buf)
		return -ENOMEM;
	for (i = 0; i <= dp->tab.mask; i += n) {
		n = dp->tab.mask + 1 - i < TAB_CHUNK ? dp->tab.mask + 1 - i :
						       TAB_CHUNK;
		ret = tab_slots(dp, i, n, buf);
		for (j = 0; j < n && !ret; j++) {
			const struct mgm_mfe_slot *sl = &buf[j];

			if (sl->used == MGM_MFE_SLOT_OCCUPIED &&
			    !(sl->e.flags & MGM_MFE_F_DEAD))
				ret = foreach_one(dp, fn, arg, sl->source,
						  sl->group, &sl->e);
		}
		if (ret) {
			free(buf);
			return ret;
		}
	}
	free(buf);
	while (!bpf_map_get_next_key(dp->fd_mfe, prev, &next)) {
		key = next;
		prev = &key;
		if (bpf_map_lookup_elem(dp->fd_mfe, &key, &v) ||
		    (v.flags & MGM_MFE_F_DEAD))
			continue;
		memcpy(&ent, &v.iif, sizeof(ent));
		ret = foreach_one(dp, fn, arg, key.source, key.group, &ent);
		if (ret)
			return ret;
	}
	return 0;
}

int mgm_dp_mfe6_foreach(struct mgm_dp *dp,
			int (*fn)(void *arg, const struct mgm_dp_mfe6_info *),
			void *arg)
{
	struct mgm_mfe6_key key, next, *prev = NULL;
	struct mgm_dp_mfe6_info info;
	struct mgm_mfe6_val v;
	int ret;

	while (!bpf_map_get_next_key(dp->fd_mfe6, prev, &next)) {
		key = next;
		prev = &key;
		if (bpf_map_lookup_elem(dp->fd_mfe6, &key, &v) ||
		    (v.e.flags & MGM_MFE_F_DEAD))
			continue;
		memset(&info, 0, sizeof(info));
		memcpy(&info.source, key.source, sizeof(info.source));
		memcpy(&info.group, key.group, sizeof(info.group));
		info_fill(dp, &v.e, &info.iif, &info.negative, &info.flags,
			  &info.oset_slot, &info.counters, info.oifs,
			  &info.n_oifs);
		ret = fn(arg, &info);
		if (ret)
			return ret;
	}
	return 0;
}

uint32_t mgm_dp_mfe_count(struct mgm_dp *dp)
{
	return dp->mfes.n;
}

uint32_t mgm_dp_mfe6_count(struct mgm_dp *dp)
{
	return dp->mfes6.n;
}

uint32_t mgm_dp_oset_count(struct mgm_dp *dp)
{
	uint32_t i, n = 0;

	for (i = 0; dp->osets && i < dp->oset_max; i++)
		n += dp->osets[i].refcnt > 0;
	return n;
}

int mgm_dp_counters(struct mgm_dp *dp, struct mgm_counters *out)
{
	struct mgm_counters *per_cpu;
	__u64 *sum = (__u64 *)out;
	__u32 zero = 0;
	int cpu, i, err = 0;

	per_cpu = calloc(dp->ncpus, sizeof(*per_cpu));
	if (!per_cpu)
		return -ENOMEM;
	if (bpf_map_lookup_elem(dp->fd_counters, &zero, per_cpu)) {
		err = -errno;
		goto out;
	}
	memset(out, 0, sizeof(*out));
	for (cpu = 0; cpu < dp->ncpus; cpu++) {
		const __u64 *c = (const __u64 *)&per_cpu[cpu];

		for (i = 0; i < MGM_CNT__MAX; i++)
			sum[i] += c[i];
	}
out:
	free(per_cpu);
	return err;
}

/* ------------------------------------------------------------------ */
/* Release                                                              */

/*
 * Take ifindex out of every out-set in place.  Deleting one devmap
 * element is atomic for a packet iterating the set, so each packet sees
 * the set with or without it: the old or the new set, as promised.  One
 * change per set instead of one per MFE.
 */
int mgm_dp_if_unlink(struct mgm_dp *dp, uint32_t ifindex)
{
	struct mgm_oset_list l;
	uint32_t s, j, k;
	int fd, n = 0;

	if (dp->readonly)
		return -EPERM;
	for (s = 0; s < dp->oset_max; s++) {
		struct dp_oset *os = &dp->osets[s];

		if (!os->refcnt)
			continue;
		for (j = 0; j < os->n && os->oifs[j] != ifindex; j++)
			;
		if (j == os->n)
			continue;
		/* A hole in the list: n stays, the rest does not move. */
		if (bpf_map_lookup_elem(dp->fd_oset_list, &s, &l))
			return -errno;
		for (k = 0; k < l.n && k < MGM_OSET_MAX_OIFS; k++)
			if (l.ifindex[k] == ifindex)
				l.ifindex[k] = 0;
		if (bpf_map_update_elem(dp->fd_oset_list, &s, &l, BPF_ANY))
			return -errno;
		fd = inner_fd(dp, s);
		if (fd < 0)
			return fd;
		if (bpf_map_delete_elem(fd, &ifindex) && errno != ENOENT) {
			close(fd);
			return -errno;
		}
		close(fd);
		memmove(&os->oifs[j], &os->oifs[j + 1],
			(os->n - j - 1) * sizeof(os->oifs[0]));
		os->n--;
		/* Its content changed: file it under the new content. */
		oset_unhash(dp, os);
		os->hash = oset_hash(os->oifs, os->n);
		oset_hash_in(dp, os);
		n++;
	}
	return n;
}

int mgm_dp_release_if(struct mgm_dp *dp, uint32_t ifindex)
{
	struct mfe_ref *del = NULL, *neg = NULL, r;
	uint32_t n_del = 0, n_neg = 0, i, j, n;
	int err, changed = 0, v6;

	if (dp->readonly)
		return -EPERM;
	/* First stop every copy toward it: effective for the next packet. */
	err = mgm_dp_if_tx_disable(dp, ifindex, true);
	if (err)
		return err;
	n = dp->mfes.n + dp->mfes6.n + 1;
	del = calloc(n, sizeof(*del));
	neg = calloc(n, sizeof(*neg));
	if (!del || !neg) {
		err = -ENOMEM;
		goto out;
	}
	/* Collect first: deleting moves entries around in the tables. */
	for (v6 = 0; v6 < 2; v6++) {
		for (i = 0; i < tab_cap(dp, v6); i++) {
			const struct dp_mfe *e = ref_at(dp, v6, i, &r);
			const struct dp_oset *os;

			if (!e)
				continue;
			if (e->iif == ifindex) {
				del[n_del++] = r;
				continue;
			}
			if (e->negative)
				continue;
			os = &dp->osets[e->slot];
			for (j = 0; j < os->n && os->oifs[j] != ifindex; j++)
				;
			if (j == os->n)
				continue;
			changed++;
			if (os->n == 1)
				neg[n_neg++] = r; /* left without oifs */
		}
	}
	err = mgm_dp_if_unlink(dp, ifindex);
	if (err > 0)
		err = 0;
	for (i = 0; i < n_del && !err; i++, changed++)
		err = mfe_delete(dp, &del[i]);
	for (i = 0; i < n_neg && !err; i++) {
		const struct dp_mfe *e = ref_find(dp, &neg[i]);

		err = mfe_install(dp, &neg[i], e->iif, NULL, 0, 0);
	}
	/* No packet that saw the old entries is still in flight. */
	err = err ?: mgm_dp_sync(dp);
out:
	free(del);
	free(neg);
	if (err)
		return err; /* stays disabled: never leak after a failure */
	/* It is in no out-set any more: copies may flow again once added. */
	err = mgm_dp_if_tx_disable(dp, ifindex, false);
	return err ? err : changed;
}

/*
 * An interface's MTU changed (dp_if.c re-read it): every out-set holding
 * it gets its smallest MTU again, and every MFE (of either family) using
 * such a set carries the new value from its next packet on (larger
 * packets go to the tc path).  Returns the number of MFEs rewritten.
 */
int dp_if_mtu_changed(struct mgm_dp *dp, uint32_t ifindex)
{
	struct mgm_mfe_ent v;
	struct mfe_ref r;
	uint32_t s, j, i;
	bool any = false;
	int n = 0, v6;

	for (s = 0; s < dp->oset_max; s++) {
		struct dp_oset *os = &dp->osets[s];
		uint16_t mtu;

		if (!os->refcnt)
			continue;
		for (j = 0; j < os->n && os->oifs[j] != ifindex; j++)
			;
		if (j == os->n)
			continue;
		mtu = oset_mtu(dp, os->oifs, os->n);
		any |= mtu != os->mtu;
		os->mtu = mtu;
	}
	for (v6 = 0; any && v6 < 2; v6++) {
		for (i = 0; i < tab_cap(dp, v6); i++) {
			const struct dp_mfe *e = ref_at(dp, v6, i, &r);

			if (!e || e->negative || dp->osets[e->slot].mtu == 0)
				continue;
			if (ref_read(dp, &r, &v) ||
			    v.mtu == dp->osets[e->slot].mtu)
				continue;
			if (!mfe_ctl(dp, &r, e->at, v.iif, v.oset, v.flags,
				     dp->osets[e->slot].mtu))
				n++;
		}
	}
	return n;
}

/* Rewrite the TC flag of every MFE using slot to what the set says. */
static int mfes_follow_tc(struct mgm_dp *dp, uint32_t slot)
{
	struct mgm_mfe_ent v;
	struct mfe_ref r;
	uint16_t want;
	uint32_t i;
	int n = 0, v6;

	for (v6 = 0; v6 < 2; v6++) {
		for (i = 0; i < tab_cap(dp, v6); i++) {
			const struct dp_mfe *e = ref_at(dp, v6, i, &r);

			if (!e || e->negative || e->slot != slot)
				continue;
			if (ref_read(dp, &r, &v))
				continue;
			want = dp->osets[slot].tc ? v.flags | MGM_MFE_F_TC :
						    v.flags & ~MGM_MFE_F_TC;
			if (want == v.flags)
				continue;
			if (!mfe_ctl(dp, &r, e->at, v.iif, v.oset, want, v.mtu))
				n++;
		}
	}
	return n;
}

/*
 * ifindex now goes by tc (or by XDP again): every set holding it changes
 * in place, in an order that keeps it reachable for every packet.  To tc:
 * the MFEs using the set go by tc first (the list has every member), then
 * it leaves the devmap.  To XDP: it joins the devmap first, then MFEs of
 * sets left without tc members go by XDP again.
 */
int dp_if_tx_changed(struct mgm_dp *dp, uint32_t ifindex)
{
	struct devmap_val dv = { .ifindex = ifindex,
				 .prog_fd = dp->fd_egress_prog };
	bool to_tc = if_is_tc(dp, ifindex);
	uint32_t s, j;
	int fd, n = 0;

	for (s = 0; s < dp->oset_max; s++) {
		struct dp_oset *os = &dp->osets[s];

		if (!os->refcnt)
			continue;
		for (j = 0; j < os->n && os->oifs[j] != ifindex; j++)
			;
		if (j == os->n)
			continue;
		fd = inner_fd(dp, s);
		if (fd < 0)
			return fd;
		if (to_tc) {
			os->tc = true;
			n += mfes_follow_tc(dp, s);
			bpf_map_delete_elem(fd, &ifindex);
		} else {
			bpf_map_update_elem(fd, &ifindex, &dv, BPF_ANY);
			os->tc = false;
			for (j = 0; j < os->n; j++)
				os->tc |= if_is_tc(dp, os->oifs[j]);
			n += mfes_follow_tc(dp, s);
		}
		close(fd);
	}
	return n;
}
