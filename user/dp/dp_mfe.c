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
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <bpf/bpf.h>

#include "dp/dp_internal.h"

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

void dp_slots_free(struct dp_slots *s)
{
	free(s->v);
	memset(s, 0, sizeof(*s));
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

/* Make the (unused) slot's devmap hold exactly oifs[n]. */
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
	for (i = 0; i < n; i++) {
		v.ifindex = oifs[i];
		if (bpf_map_update_elem(fd, &oifs[i], &v, BPF_ANY)) {
			err = errno == EINVAL ? -ENODEV : -errno;
			break;
		}
		os->oifs[os->n++] = oifs[i];
	}
	close(fd);
	return err;
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

static struct dp_oset *oset_of(struct mgm_dp *dp, const struct mgm_mfe_val *v)
{
	if ((v->flags & MGM_MFE_F_NEGATIVE) || v->oset >= dp->oset_max)
		return NULL;
	return &dp->osets[v->oset];
}

/*
 * Create the pool's devmaps for every empty slot of mgm_osets and insert
 * them with one batch update: one grace period for all of them.
 */
int dp_pool_init(struct mgm_dp *dp)
{
	uint32_t *keys = NULL, n = 0, i;
	__u32 count, id;
	int *fds = NULL, err = 0;

	dp->osets = calloc(dp->oset_max, sizeof(*dp->osets));
	dp->oset_hash = calloc(dp->oset_max, sizeof(*dp->oset_hash));
	keys = calloc(dp->oset_max, sizeof(*keys));
	fds = calloc(dp->oset_max, sizeof(*fds));
	if (!dp->osets || !dp->oset_hash || !keys || !fds) {
		err = -ENOMEM;
		goto out;
	}
	for (i = 0; i < dp->oset_max; i++) {
		dp->osets[i].slot = i;
		if (!bpf_map_lookup_elem(dp->fd_osets, &i, &id))
			continue;
		fds[n] = bpf_map_create(BPF_MAP_TYPE_DEVMAP_HASH, "mgm_oset",
					sizeof(__u32),
					sizeof(struct devmap_val),
					MGM_OSET_MAX_OIFS, NULL);
		if (fds[n] < 0) {
			err = -errno;
			goto out;
		}
		keys[n++] = i;
	}
	if (n) {
		count = n;
		if (bpf_map_update_batch(dp->fd_osets, keys, fds, &count, NULL))
			err = -errno;
	}
out:
	for (i = 0; i < n; i++)
		close(fds[i]);
	free(keys);
	free(fds);
	return err;
}

/* Read one slot's devmap into os (adoption). */
static int oset_read(struct mgm_dp *dp, struct dp_oset *os)
{
	__u32 key, next, *prev = NULL;
	int fd = inner_fd(dp, os->slot);

	if (fd < 0)
		return fd;
	os->n = 0;
	while (os->n < MGM_OSET_MAX_OIFS &&
	       !bpf_map_get_next_key(fd, prev, &next)) {
		key = next;
		prev = &key;
		os->oifs[os->n++] = key;
	}
	close(fd);
	return 0;
}

static int cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return x < y ? -1 : x > y;
}

/*
 * Rebuild the pool and slot bookkeeping from what is pinned, so a
 * restarted controller carries on with the entries forwarding right now.
 */
int dp_adopt(struct mgm_dp *dp)
{
	struct mgm_mfe_key key, next, *prev = NULL;
	uint8_t *stats_used;
	struct mgm_mfe_val v;
	struct dp_oset *os;
	uint32_t i;
	int err = 0;

	stats_used = calloc(dp->mfe_max, 1);
	if (!stats_used)
		return -ENOMEM;
	for (i = 0; i < dp->oset_max; i++) {
		err = oset_read(dp, &dp->osets[i]);
		if (err)
			goto out;
		qsort(dp->osets[i].oifs, dp->osets[i].n, sizeof(uint32_t),
		      cmp_u32);
	}
	dp->n_mfe = 0;
	while (!bpf_map_get_next_key(dp->fd_mfe, prev, &next)) {
		key = next;
		prev = &key;
		if (bpf_map_lookup_elem(dp->fd_mfe, &key, &v))
			continue;
		dp->n_mfe++;
		if (v.stats < dp->mfe_max)
			stats_used[v.stats] = 1;
		os = oset_of(dp, &v);
		if (os && !os->refcnt++) {
			os->hash = oset_hash(os->oifs, os->n);
			os->mtu = oset_mtu(dp, os->oifs, os->n);
			oset_hash_in(dp, os);
		}
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
	free(dp->osets);
	free(dp->oset_hash);
	dp_slots_free(&dp->oset_free);
	dp_slots_free(&dp->oset_pending);
	dp_slots_free(&dp->stats_free);
	dp_slots_free(&dp->stats_pending);
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

static int stats_zero(struct mgm_dp *dp, uint32_t slot)
{
	struct mgm_mfe_stats zero = {};

	if (bpf_map_update_elem(dp->fd_mfe_stats, &slot, &zero, BPF_ANY))
		return -errno;
	return 0;
}

int mgm_dp_mfe_install(struct mgm_dp *dp, uint32_t source, uint32_t group,
		       uint32_t iif, const uint32_t *oifs, uint32_t n)
{
	struct mgm_mfe_key key = { .source = source, .group = group };
	struct mgm_mfe_val old, v = { .source = source, .group = group };
	uint32_t set[MGM_OSET_MAX_OIFS], m, i, stats;
	struct dp_oset *os = NULL;
	bool have_old;
	int err;

	if (dp->readonly)
		return -EPERM;
	if (!iif || (n && !oifs))
		return -EINVAL;
	err = normalize_oifs(oifs, n, iif, set, &m);
	if (err)
		return err;
	for (i = 0; i < m; i++)
		if (!dp_if_get(dp, set[i], &err))
			return err;

	have_old = !bpf_map_lookup_elem(dp->fd_mfe, &key, &old);
	if (m) {
		err = oset_get(dp, set, m, &os);
		if (err)
			return err;
	}
	if (have_old) {
		stats = old.stats;
	} else {
		err = slots_pop(dp, &dp->stats_free, &dp->stats_pending,
				&stats);
		err = err ?: stats_zero(dp, stats);
		if (err)
			goto undo_oset;
	}
	v.iif = iif;
	v.stats = stats;
	if (os) {
		v.oset = os->slot;
		v.mtu = os->mtu;
	} else {
		v.flags = MGM_MFE_F_NEGATIVE;
	}
	if (bpf_map_update_elem(dp->fd_mfe, &key, &v,
				have_old ? BPF_EXIST : BPF_NOEXIST)) {
		err = errno == E2BIG ? -ENOSPC : -errno;
		if (!have_old)
			dp_slots_push(&dp->stats_free, stats);
		goto undo_oset;
	}
	if (have_old)
		oset_put(dp, oset_of(dp, &old));
	else
		dp->n_mfe++;
	return 0;
undo_oset:
	oset_put(dp, os);
	return err;
}

int mgm_dp_mfe_delete(struct mgm_dp *dp, uint32_t source, uint32_t group)
{
	struct mgm_mfe_key key = { .source = source, .group = group };
	struct mgm_mfe_val old;

	if (dp->readonly)
		return -EPERM;
	if (bpf_map_lookup_elem(dp->fd_mfe, &key, &old))
		return -errno;
	if (bpf_map_delete_elem(dp->fd_mfe, &key))
		return -errno;
	dp->n_mfe--;
	oset_put(dp, oset_of(dp, &old));
	dp_slots_push(&dp->stats_pending, old.stats);
	/* A packet right after this is a miss again: report it at once. */
	bpf_map_delete_elem(dp->fd_miss_seen, &key);
	return 0;
}

static void counters_from(const struct mgm_mfe_stats *s,
			  struct mgm_dp_mfe_counters *out)
{
	out->packets = s->packets;
	out->bytes = s->bytes;
	out->wrong_if = s->wrong_if;
	out->ttl_expired = s->ttl_expired;
	out->negative = s->negative;
	out->too_big = s->too_big;
	out->last_used_ns = s->last_used_ns;
}

int mgm_dp_mfe_counters(struct mgm_dp *dp, uint32_t source, uint32_t group,
			struct mgm_dp_mfe_counters *out)
{
	struct mgm_mfe_key key = { .source = source, .group = group };
	struct mgm_mfe_stats s;
	struct mgm_mfe_val v;

	if (bpf_map_lookup_elem(dp->fd_mfe, &key, &v))
		return -errno;
	if (bpf_map_lookup_elem(dp->fd_mfe_stats, &v.stats, &s))
		return -errno;
	counters_from(&s, out);
	return 0;
}

int mgm_dp_mfe_foreach(struct mgm_dp *dp,
		       int (*fn)(void *arg, const struct mgm_dp_mfe_info *),
		       void *arg)
{
	struct mgm_mfe_key key, next, *prev = NULL;
	struct mgm_dp_mfe_info info;
	struct mgm_mfe_stats s;
	struct mgm_mfe_val v;
	int ret, fd;

	while (!bpf_map_get_next_key(dp->fd_mfe, prev, &next)) {
		key = next;
		prev = &key;
		if (bpf_map_lookup_elem(dp->fd_mfe, &key, &v))
			continue;
		memset(&info, 0, sizeof(info));
		info.source = key.source;
		info.group = key.group;
		info.iif = v.iif;
		info.negative = v.flags & MGM_MFE_F_NEGATIVE;
		info.oset_slot = v.oset;
		if (!bpf_map_lookup_elem(dp->fd_mfe_stats, &v.stats, &s))
			counters_from(&s, &info.counters);
		/* Read the devmap itself: the truth, also for readers. */
		if (!info.negative && (fd = inner_fd(dp, v.oset)) >= 0) {
			__u32 k, nk, *pk = NULL;

			while (info.n_oifs < MGM_OSET_MAX_OIFS &&
			       !bpf_map_get_next_key(fd, pk, &nk)) {
				k = nk;
				pk = &k;
				info.oifs[info.n_oifs++] = k;
			}
			close(fd);
			qsort(info.oifs, info.n_oifs, sizeof(uint32_t),
			      cmp_u32);
		}
		ret = fn(arg, &info);
		if (ret)
			return ret;
	}
	return 0;
}

uint32_t mgm_dp_mfe_count(struct mgm_dp *dp)
{
	return dp->n_mfe;
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

struct release_item {
	struct mgm_mfe_key key;
	struct mgm_mfe_val val;
};

int mgm_dp_release_if(struct mgm_dp *dp, uint32_t ifindex)
{
	struct mgm_mfe_key key, next, *prev = NULL;
	struct release_item *items = NULL;
	uint32_t n = 0, cap = 0, i, j;
	struct mgm_mfe_val v;
	int err, changed = 0;

	if (dp->readonly)
		return -EPERM;
	/* First stop every copy toward it: effective for the next packet. */
	err = mgm_dp_if_tx_disable(dp, ifindex, true);
	if (err)
		return err;

	/* Collect first: changing a hash map while walking it restarts. */
	while (!bpf_map_get_next_key(dp->fd_mfe, prev, &next)) {
		struct dp_oset *os;
		bool hit;

		key = next;
		prev = &key;
		if (bpf_map_lookup_elem(dp->fd_mfe, &key, &v))
			continue;
		os = oset_of(dp, &v);
		hit = v.iif == ifindex;
		for (j = 0; os && !hit && j < os->n; j++)
			hit = os->oifs[j] == ifindex;
		if (!hit)
			continue;
		if (n == cap) {
			struct release_item *p;

			cap = cap ? cap * 2 : 256;
			p = realloc(items, cap * sizeof(*items));
			if (!p) {
				err = -ENOMEM;
				goto out;
			}
			items = p;
		}
		items[n].key = key;
		items[n++].val = v;
	}

	for (i = 0; i < n; i++) {
		struct release_item *it = &items[i];
		struct dp_oset *os = oset_of(dp, &it->val);
		uint32_t set[MGM_OSET_MAX_OIFS], m = 0;

		if (it->val.iif == ifindex) {
			err = mgm_dp_mfe_delete(dp, it->key.source,
						it->key.group);
		} else {
			for (j = 0; j < os->n; j++)
				if (os->oifs[j] != ifindex)
					set[m++] = os->oifs[j];
			err = mgm_dp_mfe_install(dp, it->key.source,
						 it->key.group, it->val.iif,
						 set, m);
		}
		if (err && err != -ENOENT)
			goto out;
		changed++;
	}
	/* No packet that saw the old entries is still in flight. */
	err = mgm_dp_sync(dp);
out:
	free(items);
	if (err)
		return err; /* stays disabled: never leak after a failure */
	/* It is in no out-set any more: copies may flow again once added. */
	err = mgm_dp_if_tx_disable(dp, ifindex, false);
	return err ? err : changed;
}
