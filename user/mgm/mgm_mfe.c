// SPDX-License-Identifier: GPL-2.0
/*
 * mgm_mfe.c - the MFE table: creation on a fast-path miss (RPF, creation
 * alerts, install), oif lists recomputed from memberships, the oif-change
 * alerts, FORWARD_STATE, and interface release.
 *
 * Memory per MFE (x86-64, issue #14): struct mfe is 136 bytes, in the
 * slab (mgm_mfe_slab.c: no malloc overhead), with up to MFE_INLINE_OIFS
 * oifs inline and its route record shared (mgm_mfe_route.c); plus a
 * hash bucket (8 bytes, the table at least half full), an expiry-heap
 * slot and one id-set slot for the iif and for each distinct oif
 * ifindex (4-byte MFE ids; the sets at a load of 3/8 to 3/4).  With
 * 100k MFEs of two oifs each (tests/unit/test_mgm_mfe.c) about 185
 * bytes; mgm-bench's figure adds the fast path's userspace table and
 * glibc's free space left by grown arrays (README, Performance).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>

#include "mgm_int.h"

/* The layout mgm_int.h describes: no holes, 136 bytes on LP64. */
_Static_assert(offsetof(struct mfe, src) ==
		       offsetof(struct mfe, an) + sizeof(struct avl_node),
	       "struct mfe: no hole");
_Static_assert(offsetof(struct mfe, iif) ==
		       offsetof(struct mfe, rt) + sizeof(void *),
	       "struct mfe: no hole");
_Static_assert(sizeof(struct mfe) ==
		       offsetof(struct mfe, short_lived) + sizeof(bool),
	       "struct mfe: no tail padding");
_Static_assert(sizeof(void *) != 8 || sizeof(struct mfe) == 136,
	       "keep struct mfe small");

/* "(S,G)" of an MFE, for messages. */
static const char *mfe_name(const struct mfe *e, char *buf, size_t size)
{
	struct mgm_addr a[2] = { mfe_source(e), mfe_group(e) };
	char s[MGM_ADDRSTRLEN], g[MGM_ADDRSTRLEN];

	snprintf(buf, size, "(%s,%s)", mgm_addr_ntop(&a[0], s, sizeof(s)),
		 mgm_addr_ntop(&a[1], g, sizeof(g)));
	return buf;
}

struct mfe *mfe_find(struct mgm *m, const struct mgm_addr *source,
		     const struct mgm_addr *group)
{
	struct hnode *n = htab_bucket(&m->mfes, sg_hash(source, group));

	for (; n; n = n->next) {
		struct mfe *e = container_of(n, struct mfe, hn);

		if (mfe_is(e, source, group))
			return e;
	}
	return NULL;
}

size_t mfe_count(struct mgm *m)
{
	return m->mfes.n;
}

/* ------------------------------------------------------------------ */
/* Negative MFEs (mgm_options.negative_timeout, issue 15 item 6)       */

void mfe_neg_sync(struct mgm *m, struct mfe *e)
{
	struct ifx *x;

	if (e->neg_listed || e->n_oifs || e->cap_oifs)
		return;
	dlist_add_tail(&m->negs, &e->o.neg);
	e->neg_listed = true;
	m->n_neg++;
	x = ifx_find(m, e->iif);
	if (x)
		x->n_neg++;
}

void mfe_neg_unlink(struct mgm *m, struct mfe *e)
{
	struct ifx *x;

	if (!e->neg_listed)
		return;
	dlist_del(&e->o.neg);
	memset(&e->o, 0, sizeof(e->o));
	e->neg_listed = false;
	m->n_neg--;
	x = ifx_find(m, e->iif);
	if (x && x->n_neg)
		x->n_neg--;
}

/* Does iif hold its cap of negative MFEs? */
static bool neg_full(struct mgm *m, uint32_t iif)
{
	const struct ifx *x;

	if (m->neg_per_if == UINT32_MAX)
		return false;
	x = ifx_find(m, iif);
	return x && x->n_neg >= m->neg_per_if;
}

/* Is MGM's own table full (mgm_options.max_mfes)? */
static bool table_full(struct mgm *m)
{
	return m->max_mfes && m->mfes.n >= m->max_mfes;
}

/* Delete the oldest negative MFE to make room; false if there is none. */
static bool neg_evict_one(struct mgm *m)
{
	struct mfe *e;

	if (dlist_empty(&m->negs))
		return false;
	e = container_of(m->negs.next, struct mfe, o.neg);
	mfe_remove(m, e);
	m->stats.mfes_evicted++;
	return true;
}

/*
 * Would (s, g) with incoming interface iif have an oif?  A membership
 * matching it on another interface (what contrib_collect() gathers);
 * creation alerts may still disable them all.
 */
static bool grp_has_oif(const struct grp *g, uint32_t iif)
{
	const struct dlist *pos;

	for (pos = g ? g->membs.next : NULL; g && pos != &g->membs;
	     pos = pos->next)
		if (container_of(pos, struct memb, grp_link)->ifc->ifindex !=
		    iif)
			return true;
	return false;
}

static bool has_receivers(struct mgm *m, const struct mgm_addr *s,
			  const struct mgm_addr *g, uint32_t iif)
{
	struct mgm_addr any = addr_any(g);

	return grp_has_oif(grp_find(m, s, g), iif) ||
	       grp_has_oif(grp_find(m, &any, g), iif) ||
	       grp_has_oif(grp_find(m, &any, &any), iif);
}

/* A refused wanted flow is logged once until one is installed again. */
static void table_full_log(struct mgm *m, const struct mfe *e)
{
	char sg[MFE_NAMELEN];

	m->stats.mfes_refused++;
	if (m->full_logged)
		return;
	m->full_logged = true;
	mgm_logf(m, LOG_ERR,
		 "MFE table full (%zu entries, none negative): %s "
		 "refused; further refusals are only counted (mfes_refused)",
		 m->mfes.n, mfe_name(e, sg, sizeof(sg)));
}

/* ------------------------------------------------------------------ */
/* Per-ifindex index                                                   */

static void ifx_link(struct mgm *m, struct mfe *e, uint32_t ifindex)
{
	struct ifx *x = ifx_get(m, ifindex);

	/* Without the index entry a release would miss this MFE: say so. */
	if (!x || idset_add(&x->mfes, mfe_id(e)))
		mgm_logf(m, LOG_ERR, "out of memory indexing MFE on if %u",
			 ifindex);
}

static void ifx_unlink(struct mgm *m, struct mfe *e, uint32_t ifindex)
{
	struct ifx *x = ifx_find(m, ifindex);

	if (!x)
		return;
	idset_del(&x->mfes, mfe_id(e));
	ifx_put(m, x);
}

/* ------------------------------------------------------------------ */
/* Oif lists                                                           */

static int if_id_cmp(const void *a, const void *b)
{
	const struct oifc *x = a, *y = b;

	if (x->ifindex != y->ifindex)
		return x->ifindex < y->ifindex ? -1 : 1;
	if (x->nexthop != y->nexthop)
		return ntohl(x->nexthop) < ntohl(y->nexthop) ? -1 : 1;
	return 0;
}

static bool mfe_disabled(const struct mfe *e, uint32_t pserial,
			 const struct iface *ifc)
{
	uint32_t i;

	if (!e->extra)
		return false;
	for (i = 0; i < e->extra->n_dis; i++) {
		const struct mfe_dis *d = &e->extra->dis[i];

		if (d->pserial == pserial && d->ifindex == ifc->ifindex &&
		    d->nexthop == ifc->nexthop)
			return true;
	}
	return false;
}

static int scratch_push(struct mgm *m, size_t *n, uint32_t ifindex,
			uint32_t nexthop, bool enabled)
{
	if (vec_reserve((void **)&m->scratch, &m->scratch_cap, *n + 1,
			sizeof(*m->scratch)))
		return -ENOMEM;
	m->scratch[(*n)++] = (struct oifc){ ifindex, nexthop, enabled };
	return 0;
}

static int gather(struct mgm *m, const struct mfe *e, const struct grp *g,
		  size_t *n)
{
	const struct dlist *pos;

	if (!g)
		return 0;
	for (pos = g->membs.next; pos != &g->membs; pos = pos->next) {
		const struct memb *b = container_of(pos, struct memb, grp_link);

		if (b->ifc->ifindex == e->iif)
			continue;
		if (scratch_push(m, n, b->ifc->ifindex, b->ifc->nexthop,
				 !mfe_disabled(e, b->p->serial, b->ifc)))
			return -ENOMEM;
	}
	return 0;
}

/*
 * The oif list an MFE should have: every interface with a JOIN_STATE
 * membership matching (S,G), (*,G) or (*,*), except the iif, kept if at
 * least one protocol that put it there did not disable it in its
 * creation alert; plus FORWARD_STATE interfaces.  Result in m->oifv,
 * sorted by (ifindex, next hop).
 */
static int mfe_compute(struct mgm *m, const struct mfe *e, uint32_t *nout)
{
	size_t n = 0, i, k = 0;

	struct mgm_addr s = mfe_source(e), g = mfe_group(e), any = addr_any(&g);

	if (gather(m, e, grp_find(m, &s, &g), &n) ||
	    gather(m, e, grp_find(m, &any, &g), &n) ||
	    gather(m, e, grp_find(m, &any, &any), &n))
		return -ENOMEM;
	for (i = 0; e->extra && i < e->extra->n_fwd; i++) {
		if (e->extra->fwd[i].ifindex != e->iif &&
		    scratch_push(m, &n, e->extra->fwd[i].ifindex,
				 e->extra->fwd[i].nexthop, true))
			return -ENOMEM;
	}
	if (n > 1)
		qsort(m->scratch, n, sizeof(*m->scratch), if_id_cmp);
	if (vec_reserve((void **)&m->oifv, &m->oifv_cap, n ? n : 1,
			sizeof(*m->oifv)))
		return -ENOMEM;
	for (i = 0; i < n;) {
		size_t j = i;
		bool en = false;

		for (; j < n && !if_id_cmp(&m->scratch[i], &m->scratch[j]); j++)
			en |= m->scratch[j].enabled;
		if (en)
			m->oifv[k++] = (struct if_id){ m->scratch[i].ifindex,
						       m->scratch[i].nexthop };
		i = j;
	}
	*nout = (uint32_t)k;
	return 0;
}

/* Distinct ifindexes of a sorted oif list: what the fast path gets. */
static uint32_t dp_list(const struct if_id *v, uint32_t n, uint32_t *out)
{
	uint32_t i, k = 0;

	for (i = 0; i < n; i++)
		if (!k || out[k - 1] != v[i].ifindex)
			out[k++] = v[i].ifindex;
	return k;
}

static int dp_install(struct mgm *m, const struct mfe *e, const uint32_t *v,
		      uint32_t n, bool quiet)
{
	struct mgm_addr s = mfe_source(e), g = mfe_group(e);
	int err = m->ops->mfe_install(m->dp, &s, &g, e->iif, v, n);

	if (err) {
		char sg[MFE_NAMELEN];

		m->stats.install_errors++;
		/* Retries are counted, not logged (once a second each); so
		 * are refusals of a full table (mgm_stats). */
		if (m->resyncing || quiet)
			return err;
		mgm_logf(m, LOG_ERR, "install %s iif %u, %u oifs: %s",
			 mfe_name(e, sg, sizeof(sg)), e->iif, n,
			 strerror(-err));
	}
	return err;
}

/* Make room for n oifs, keeping the current ones; before any dp call so
 * that a successful install is never followed by a failed store. */
static int oifs_reserve(struct mfe *e, uint32_t n)
{
	struct if_id *nv;

	if (n <= MFE_INLINE_OIFS || n <= e->cap_oifs)
		return 0;
	if (n > UINT16_MAX)
		return -E2BIG;
	nv = malloc(n * sizeof(*nv));
	if (!nv)
		return -ENOMEM;
	memcpy(nv, mfe_oifs(e), e->n_oifs * sizeof(*nv));
	if (e->cap_oifs)
		free(e->o.ext);
	e->o.ext = nv;
	e->cap_oifs = (uint16_t)n;
	return 0;
}

static void oifs_store(struct mfe *e, const struct if_id *v, uint32_t n)
{
	if (n <= MFE_INLINE_OIFS) {
		if (e->cap_oifs)
			free(e->o.ext);
		e->cap_oifs = 0;
		memcpy(e->o.inl, v, n * sizeof(*v));
	} else {
		memcpy(e->o.ext, v, n * sizeof(*v));
	}
	e->n_oifs = (uint16_t)n;
}

/* The oif-list alerts go to the protocol that owns the MFE's iif. */
static void push_oif_alert(struct mgm *m, const struct mfe *e, bool join)
{
	struct cb_rec r = {
		.kind = join ? CB_JOIN : CB_PRUNE,
		.source = mfe_source(e),
		.group = mfe_group(e),
		.ifindex = e->iif,
		.nexthop = e->iif_nh,
		.timeout = e->timeout,
		.mfe_serial = join ? 0 : e->serial,
	};
	struct proto *o = owner_of(m, e->iif, e->iif_nh, mfe_fambit(e));

	if (!o)
		return;
	r.p = o;
	r.ctx = o->x.ctx;
	if (join)
		r.fn.join = o->x.join_alert;
	else
		r.fn.prune = o->x.prune_alert;
	if (join ? r.fn.join != NULL : r.fn.prune != NULL)
		cbq_push(m, &r);
}

/*
 * When the fast path refuses an update.  MGM's memberships are what the
 * protocols asked for; an MFE's oif list is derived from them and must be
 * what the fast path forwards.  A refused update therefore leaves the MFE
 * as the fast path holds it (MgmGetMfe shows what is forwarded) and puts
 * it in m->unsynced, from which mfe_resync() retries it about once a
 * second until the fast path takes it; any newer change to the MFE that
 * succeeds (or its deletion) also ends the wait.  The call that caused it
 * (a membership add or delete, forward state, a release) succeeds: one
 * change can touch thousands of MFEs, and one full table must not undo
 * the others or the membership itself, which the protocol could only
 * retry blindly.  The refusal is logged once, counted (install_errors),
 * the wait is visible (mgm_stats.mfes_out_of_sync, install_retries), and
 * the catch-up is logged.  New MFEs are different: a refused creation
 * leaves no MFE in MGM or the fast path, and the flow's next miss retries.
 */
static void mfe_mark_unsynced(struct mgm *m, struct mfe *e)
{
	if (e->unsynced)
		return;
	if (idset_add(&m->unsynced, mfe_id(e))) {
		mgm_logf(m, LOG_ERR,
			 "out of memory: an MFE refused by the "
			 "fast path will not be retried");
		return;
	}
	e->unsynced = true;
	if (m->unsynced.n == 1) {
		/* The first retry a second from now; the event loop may be
		 * sleeping longer than that: it must ask again. */
		m->last_resync_ns = mgm_now(m);
		mgm_wake(m);
	}
}

static void mfe_mark_synced(struct mgm *m, struct mfe *e)
{
	char sg[MFE_NAMELEN];

	if (!e->unsynced)
		return;
	idset_del(&m->unsynced, mfe_id(e));
	e->unsynced = false;
	mgm_logf(m, LOG_NOTICE, "%s: the fast path has it again",
		 mfe_name(e, sg, sizeof(sg)));
}

static int mfe_recompute_dp(struct mgm *m, struct mfe *e)
{
	uint32_t nn, on = e->n_oifs, nd, od, i, j;
	const struct if_id *ov = mfe_oifs(e);
	uint32_t *odp, *ndp;
	int err;

	err = mfe_compute(m, e, &nn);
	if (err)
		goto fail;
	if (nn == on && !memcmp(ov, m->oifv, nn * sizeof(*ov)))
		return 0;
	if (vec_reserve((void **)&m->dpv, &m->dpv_cap, (size_t)on + nn + 1,
			sizeof(*m->dpv))) {
		err = -ENOMEM;
		goto fail;
	}
	odp = m->dpv;
	od = dp_list(ov, on, odp);
	ndp = m->dpv + od;
	nd = dp_list(m->oifv, nn, ndp);
	/* Its oif space is about to be written: out of m->negs first
	 * (mfe_recompute() puts it back if it stays negative). */
	if (nn)
		mfe_neg_unlink(m, e);
	err = oifs_reserve(e, nn);
	if (err)
		goto fail;
	/* Only next hops changed on one ifindex: nothing for the dp. */
	if (nd != od || memcmp(odp, ndp, nd * sizeof(*ndp))) {
		err = dp_install(m, e, ndp, nd, false);
		if (err) {
			/* The dp kept the old entry; so do we (a negative
			 * one gets its inline space back, for its link). */
			if (!e->n_oifs && e->cap_oifs) {
				free(e->o.ext);
				e->cap_oifs = 0;
			}
			return err;
		}
	}
	/* Both lists are sorted: one merge pass finds the index changes. */
	for (i = j = 0; i < od || j < nd;) {
		if (j >= nd || (i < od && odp[i] < ndp[j])) {
			ifx_unlink(m, e, odp[i++]);
		} else if (i >= od || ndp[j] < odp[i]) {
			ifx_link(m, e, ndp[j++]);
		} else {
			i++;
			j++;
		}
	}
	oifs_store(e, m->oifv, nn);
	if (nn && e->short_lived) {
		/* Wanted now: the lifetime of every MFE, from now. */
		e->short_lived = false;
		e->timeout = m->default_timeout;
		e->deadline_ns = mfe_deadline(mgm_now(m), e->timeout);
		heap_fix(m, e);
	}
	if (!on && nn)
		push_oif_alert(m, e, true);
	else if (on && !nn)
		push_oif_alert(m, e, false);
	return 0;
fail:
	if (!m->resyncing)
		mgm_logf(m, LOG_ERR, "cannot recompute an MFE: %s",
			 strerror(-err));
	return err;
}

int mfe_recompute(struct mgm *m, struct mfe *e)
{
	int err = mfe_recompute_dp(m, e);

	mfe_neg_sync(m, e);
	if (err)
		mfe_mark_unsynced(m, e);
	else
		mfe_mark_synced(m, e);
	return err;
}

void mfe_resync(struct mgm *m, uint64_t now)
{
	uint32_t budget = EXPIRE_BUDGET, i, k = 0, cap = m->unsynced.cap;
	struct mfe **v;

	if (!m->unsynced.n || now - m->last_resync_ns < SCAN_INTERVAL_NS)
		return;
	m->last_resync_ns = now;
	if (budget > m->unsynced.n)
		budget = m->unsynced.n;
	v = malloc(budget * sizeof(*v));
	if (!v)
		return;
	/* A bounded round, resuming where the last one stopped. */
	if (m->resync_pos >= cap)
		m->resync_pos = 0;
	for (i = 0; i < cap && k < budget; i++) {
		uint32_t id = m->unsynced.v[(m->resync_pos + i) & (cap - 1)];

		if (id)
			v[k++] = mfe_at(m, id);
	}
	m->resync_pos = (m->resync_pos + i) & (cap - 1);
	/* Recomputing one MFE never deletes another: v stays valid. */
	m->resyncing = true;
	for (i = 0; i < k; i++) {
		m->stats.install_retries++;
		mfe_recompute(m, v[i]);
	}
	m->resyncing = false;
	free(v);
}

void mfe_remove(struct mgm *m, struct mfe *e)
{
	const struct if_id *v = mfe_oifs(e);
	struct mgm_addr s = mfe_source(e), g = mfe_group(e);
	uint32_t i;
	int err;

	err = m->ops->mfe_delete(m->dp, &s, &g);
	if (err && err != -ENOENT)
		mgm_logf(m, LOG_ERR, "datapath delete: %s", strerror(-err));
	if (e->unsynced)
		idset_del(&m->unsynced, mfe_id(e));
	mfe_neg_unlink(m, e);
	ifx_unlink(m, e, e->iif);
	for (i = 0; i < e->n_oifs; i++)
		if (!i || v[i].ifindex != v[i - 1].ifindex)
			ifx_unlink(m, e, v[i].ifindex);
	heap_del(m, e);
	avl_remove(&m->mfe_tree, &e->an);
	htab_remove(&m->mfes, &e->hn);
	mfe_free(m, e);
	m->stats.mfes_deleted++;
}

static bool mfe_has_oif(const struct mfe *e, const struct iface *ifc)
{
	const struct if_id *v = e->cap_oifs ? e->o.ext : e->o.inl;
	uint32_t i;

	for (i = 0; i < e->n_oifs; i++)
		if (v[i].ifindex == ifc->ifindex &&
		    v[i].nexthop == ifc->nexthop)
			return true;
	return false;
}

static void maybe_recompute(struct mgm *m, struct mfe *e,
			    const struct iface *ifc, bool added)
{
	/*
	 * Skip MFEs the change cannot affect (cheap for (*,*) changes); one
	 * waiting for a retry may lack or keep an oif it should not have.
	 */
	if (e->unsynced ||
	    (added ? ifc->ifindex != e->iif && !mfe_has_oif(e, ifc) :
		     mfe_has_oif(e, ifc)))
		mfe_recompute(m, e);
}

void mfe_membership_changed(struct mgm *m, const struct mgm_addr *source,
			    const struct mgm_addr *group,
			    const struct iface *ifc, bool added)
{
	struct mgm_addr any = addr_any(group);
	struct avl_node *n, *next;
	bool all = addr_is_any(group);
	struct mfe *e;

	if (!addr_is_any(source)) {
		e = mfe_find(m, source, group);
		if (e)
			maybe_recompute(m, e, ifc, added);
		return;
	}
	/* The MFEs of one group, and of one family, are adjacent in the
	 * tree; (*,*) is the family's smallest key. */
	n = avl_lower_bound(&m->mfe_tree,
			    &(struct sgref){ .source = &any, .group = group });
	for (; n; n = next) {
		next = avl_next(&m->mfe_tree, n);
		e = container_of(n, struct mfe, an);
		if (e->family != group->family ||
		    (!all && !mfe_is_group(e, group)))
			break;
		maybe_recompute(m, e, ifc, added);
	}
}

/* Forget FORWARD_STATE and creation-alert state about ifc. */
static bool mfe_forget_iface(struct mfe *e, const struct iface *ifc)
{
	struct mfe_extra *x = e->extra;
	bool changed = false;
	uint32_t i;

	if (!x)
		return false;
	for (i = 0; i < x->n_fwd;) {
		if (x->fwd[i].ifindex == ifc->ifindex &&
		    x->fwd[i].nexthop == ifc->nexthop) {
			x->fwd[i] = x->fwd[--x->n_fwd];
			changed = true;
		} else {
			i++;
		}
	}
	for (i = 0; i < x->n_dis;) {
		if (x->dis[i].ifindex == ifc->ifindex &&
		    x->dis[i].nexthop == ifc->nexthop)
			x->dis[i] = x->dis[--x->n_dis];
		else
			i++;
	}
	return changed;
}

static void released_one(struct mgm *m, struct mfe *e, struct iface *ifc,
			 bool full)
{
	bool changed;

	if (full && e->iif == ifc->ifindex &&
	    (e->iif_nh == ifc->nexthop || !iface_find(m, e->iif, e->iif_nh))) {
		mfe_remove(m, e);
		return;
	}
	changed = full && mfe_forget_iface(e, ifc);
	if (!changed && !mfe_has_oif(e, ifc))
		return;
	/*
	 * An MFE that cannot be rewritten without the released interface
	 * must not keep forwarding to it once transmit is re-enabled:
	 * delete it; the next packet re-creates it.
	 */
	if (mfe_recompute(m, e) && full)
		mfe_remove(m, e);
}

void mfe_interface_released(struct mgm *m, struct iface *ifc, bool full)
{
	struct ifx *x = ifx_find(m, ifc->ifindex);
	struct avl_node *n, *next;
	uint32_t cnt, i, *v;

	if (!x || !x->mfes.n)
		return;
	v = idset_snapshot(&x->mfes, &cnt);
	if (v) {
		/* Releasing one MFE never frees another: the ids stay. */
		for (i = 0; i < cnt; i++)
			released_one(m, mfe_at(m, v[i]), ifc, full);
		free(v);
		return;
	}
	/* No memory for the snapshot: walk the whole table instead. */
	for (n = avl_first(&m->mfe_tree); n; n = next) {
		next = avl_next(&m->mfe_tree, n);
		released_one(m, container_of(n, struct mfe, an), ifc, full);
	}
}

bool mfe_has_forward(const struct mfe *e, const struct iface *ifc)
{
	uint32_t i;

	for (i = 0; e->extra && i < e->extra->n_fwd; i++)
		if (e->extra->fwd[i].ifindex == ifc->ifindex &&
		    e->extra->fwd[i].nexthop == ifc->nexthop)
			return true;
	return false;
}

static int mfe_extra_get(struct mfe *e)
{
	if (!e->extra)
		e->extra = calloc(1, sizeof(*e->extra));
	return e->extra ? 0 : -ENOMEM;
}

/* Disable (or enable again) p's contribution of ifc to e. */
static int mfe_dis_set(struct mfe *e, const struct proto *p,
		       const struct iface *ifc, bool disabled)
{
	struct mfe_extra *x;
	struct mfe_dis *nv;
	uint32_t i;

	if (mfe_extra_get(e))
		return -ENOMEM;
	x = e->extra;
	for (i = 0; i < x->n_dis; i++) {
		if (x->dis[i].pserial == p->serial &&
		    x->dis[i].ifindex == ifc->ifindex &&
		    x->dis[i].nexthop == ifc->nexthop) {
			if (!disabled)
				x->dis[i] = x->dis[--x->n_dis];
			return 0;
		}
	}
	if (!disabled)
		return 0;
	/* Grown one at a time: like forward state, this is rare. */
	nv = realloc(x->dis, (x->n_dis + 1) * sizeof(*x->dis));
	if (!nv)
		return -ENOMEM;
	x->dis = nv;
	x->dis[x->n_dis++] =
		(struct mfe_dis){ p->serial, ifc->ifindex, ifc->nexthop };
	return 0;
}

int mfe_forward_state(struct mgm *m, struct mfe *e, const struct proto *p,
		      const struct iface *ifc, bool add)
{
	struct mgm_addr s = mfe_source(e), g = mfe_group(e);
	bool covered = memb_covers(m, p, ifc, &s, &g);
	bool had_fwd = mfe_has_forward(e, ifc);
	struct mfe_extra *x;
	struct if_id *nv;
	uint32_t i;

	if (!add) {
		if (!had_fwd && !covered)
			return -ENOENT;
		x = e->extra;
		for (i = 0; had_fwd && i < x->n_fwd; i++) {
			if (x->fwd[i].ifindex == ifc->ifindex &&
			    x->fwd[i].nexthop == ifc->nexthop) {
				x->fwd[i] = x->fwd[--x->n_fwd];
				break;
			}
		}
		if (covered && mfe_dis_set(e, p, ifc, true))
			return -ENOMEM;
		mfe_recompute(m, e);
		return 0;
	}
	/* An earlier delete may have disabled p's membership here. */
	if (covered && e->extra && mfe_dis_set(e, p, ifc, false))
		return -ENOMEM;
	if (had_fwd) {
		mfe_recompute(m, e);
		return 0;
	}
	if (mfe_extra_get(e))
		return -ENOMEM;
	x = e->extra;
	/* Grown one at a time: forward state is rare and small. */
	nv = realloc(x->fwd, (x->n_fwd + 1) * sizeof(*x->fwd));
	if (!nv)
		return -ENOMEM;
	x->fwd = nv;
	x->fwd[x->n_fwd++] = (struct if_id){ ifc->ifindex, ifc->nexthop };
	mfe_recompute(m, e);
	return 0;
}

/* ------------------------------------------------------------------ */
/* Creation on a miss                                                  */

/* One (protocol, interface) that puts an oif into a new MFE. */
struct contrib {
	struct proto *p; /* referenced while the alerts run */
	uint32_t pserial;
	mgm_creation_alert_x_cb fn;
	void *ctx;
	struct mgm_if_entry ent;
};

static int contrib_cmp(const void *a, const void *b)
{
	const struct contrib *x = a, *y = b;

	if (x->pserial != y->pserial)
		return x->pserial < y->pserial ? -1 : 1;
	if (x->ent.ifindex != y->ent.ifindex)
		return x->ent.ifindex < y->ent.ifindex ? -1 : 1;
	if (x->ent.nexthop != y->ent.nexthop)
		return x->ent.nexthop < y->ent.nexthop ? -1 : 1;
	return 0;
}

static int contrib_gather(const struct grp *g, uint32_t iif, struct contrib **v,
			  size_t *n, size_t *cap)
{
	const struct dlist *pos;

	if (!g)
		return 0;
	for (pos = g->membs.next; pos != &g->membs; pos = pos->next) {
		const struct memb *b = container_of(pos, struct memb, grp_link);

		if (b->ifc->ifindex == iif)
			continue;
		if (vec_reserve((void **)v, cap, *n + 1, sizeof(**v)))
			return -ENOMEM;
		(*v)[(*n)++] = (struct contrib){
			.p = b->p,
			.pserial = b->p->serial,
			.fn = b->p->x.creation_alert,
			.ctx = b->p->x.ctx,
			.ent = { .ifindex = b->ifc->ifindex,
				 .nexthop = b->ifc->nexthop,
				 .igmp = b->ifc->igmp != NULL,
				 .enabled = 1 },
		};
	}
	return 0;
}

/* Sorted by protocol, one entry per (protocol, interface). */
static int contrib_collect(struct mgm *m, const struct mgm_addr *source,
			   const struct mgm_addr *group, uint32_t iif,
			   struct contrib **v, size_t *n)
{
	struct mgm_addr any = addr_any(group);
	size_t cap = 0, i, k;

	*v = NULL;
	*n = 0;
	if (contrib_gather(grp_find(m, source, group), iif, v, n, &cap) ||
	    contrib_gather(grp_find(m, &any, group), iif, v, n, &cap) ||
	    contrib_gather(grp_find(m, &any, &any), iif, v, n, &cap)) {
		free(*v);
		*v = NULL;
		*n = 0;
		return -ENOMEM;
	}
	if (*n > 1) {
		qsort(*v, *n, sizeof(**v), contrib_cmp);
		for (i = 1, k = 1; i < *n; i++)
			if (contrib_cmp(&(*v)[i], &(*v)[k - 1]))
				(*v)[k++] = (*v)[i];
		*n = k;
	}
	/* The lock is dropped for the alerts: keep the protocols. */
	for (i = 0; i < *n; i++)
		(*v)[i].p->refs++;
	return 0;
}

/* Creation alerts, one per protocol with only its own interfaces. */
static void creation_alerts(struct mgm *m, const struct mfe *e,
			    struct contrib *v, size_t n)
{
	struct mgm_addr s = mfe_source(e), g = mfe_group(e);
	struct mgm_if_entry *ents = NULL;
	size_t i, j, k;

	if (!n)
		return;
	ents = malloc(n * sizeof(*ents));
	if (!ents)
		return; /* every interface stays enabled */
	for (i = 0; i < n; i = j) {
		for (j = i; j < n && v[j].pserial == v[i].pserial; j++)
			ents[j - i] = v[j].ent;
		struct cb_frame f;
		bool ran;

		if (!v[i].fn)
			continue;
		ran = cb_begin(m, v[i].p, &f);
		if (ran)
			v[i].fn(v[i].ctx, &s, &g, e->iif, e->iif_nh,
				(uint32_t)(j - i), ents);
		cb_end(m, v[i].p, &f, ran, false);
		for (k = i; k < j; k++)
			v[k].ent.enabled = ents[k - i].enabled;
	}
	free(ents);
}

static int mfe_set_disabled(struct mfe *e, const struct contrib *v, size_t n)
{
	size_t i, k = 0;

	for (i = 0; i < n; i++)
		k += !v[i].ent.enabled;
	if (!k)
		return 0;
	e->extra = calloc(1, sizeof(*e->extra));
	if (e->extra)
		e->extra->dis = calloc(k, sizeof(*e->extra->dis));
	if (!e->extra || !e->extra->dis)
		return -ENOMEM;
	for (i = 0; i < n; i++)
		if (!v[i].ent.enabled)
			e->extra->dis[e->extra->n_dis++] = (struct mfe_dis){
				v[i].pserial, v[i].ent.ifindex, v[i].ent.nexthop
			};
	return 0;
}

void mfe_free(struct mgm *m, struct mfe *e)
{
	mfe_route_put(m, e);
	if (e->cap_oifs)
		free(e->o.ext);
	if (e->extra) {
		free(e->extra->dis);
		free(e->extra->fwd);
		free(e->extra);
	}
	mfe_slot_put(m, e);
}

/*
 * Install and index a new MFE (under lock); frees it on failure.  A
 * negative one is refused when its iif holds its cap or the table is
 * full; one with oifs evicts negative ones, oldest first, from a full
 * table (MGM's max_mfes, or the fast path's -ENOSPC).
 */
static int mfe_insert(struct mgm *m, struct mfe *e)
{
	struct mgm_addr sa = mfe_source(e), ga = mfe_group(e);
	uint32_t nn, nd, i, tries;
	int err;

	if (mfe_compute(m, e, &nn) ||
	    vec_reserve((void **)&m->dpv, &m->dpv_cap, (size_t)nn + 1,
			sizeof(*m->dpv)) ||
	    oifs_reserve(e, nn)) {
		mgm_logf(m, LOG_ERR, "out of memory creating an MFE");
		mfe_free(m, e);
		return -ENOMEM;
	}
	if (!nn) {
		if (neg_full(m, e->iif) || table_full(m)) {
			m->stats.negative_refused++;
			mfe_free(m, e);
			return -ENOSPC;
		}
		e->short_lived = true;
		e->timeout = m->neg_timeout;
		e->deadline_ns = mfe_deadline(e->created_ns, e->timeout);
	}
	while (table_full(m) && neg_evict_one(m))
		;
	if (table_full(m)) {
		table_full_log(m, e);
		mfe_free(m, e);
		return -ENOSPC;
	}
	if (heap_push(m, e)) {
		mgm_logf(m, LOG_ERR, "out of memory creating an MFE");
		mfe_free(m, e);
		return -ENOMEM;
	}
	oifs_store(e, m->oifv, nn);
	nd = dp_list(mfe_oifs(e), nn, m->dpv);
	for (tries = 0;; tries++) {
		/* A full fast path is logged once until an install works
		 * again (then counted), and not at all when evicting. */
		err = dp_install(m, e, m->dpv, nd,
				 m->full_logged ||
					 (nn && !dlist_empty(&m->negs)));
		if (err != -ENOSPC || !nn || tries == EVICT_TRIES ||
		    !neg_evict_one(m))
			break;
	}
	if (err) {
		if (err == -ENOSPC && !nn) {
			m->stats.negative_refused++;
			m->full_logged = true;
		} else if (err == -ENOSPC) {
			table_full_log(m, e);
		}
		heap_del(m, e);
		mfe_free(m, e);
		return err;
	}
	m->full_logged = false;
	htab_insert(&m->mfes, &e->hn);
	avl_insert(&m->mfe_tree, &e->an,
		   &(struct sgref){ .source = &sa, .group = &ga });
	ifx_link(m, e, e->iif);
	for (i = 0; i < nd; i++)
		ifx_link(m, e, m->dpv[i]);
	mfe_neg_sync(m, e);
	m->stats.mfes_created++;
	return 0;
}

/* A source and a multicast group of one family, canonical. */
static bool sg_valid(const struct mgm_addr *s, const struct mgm_addr *g)
{
	if (!addr_valid(s) || !addr_valid(g) || s->family != g->family ||
	    addr_is_any(s))
		return false;
	if (g->family == MGM_AF_INET)
		return (ntohl(g->v4) & 0xf0000000U) == 0xe0000000U;
	return g->v6[0] == 0xff;
}

uint32_t mgm_adopt_mfe_x(struct mgm *m, const struct mgm_addr *source,
			 const struct mgm_addr *group, uint32_t ifindex)
{
	struct mgm_dp_event ev = {
		.type = MGM_DP_EV_MISS,
		.ifindex = ifindex,
	};
	struct cbq q = { 0 };
	int err;

	if (!m || !source || !group || !sg_valid(source, group) || !ifindex)
		return MGM_ERROR_INVALID_PARAMETER;
	ev.source = *source;
	ev.group = *group;
	/* The same path as a fast-path miss, without a packet header. */
	err = mfe_handle_miss(m, &ev);
	/* -ENOSPC: refused by the bounds on negative MFEs or a full table
	 * (mgm_options.negative_per_if, max_mfes): not adopted either. */
	if (err != -ENOSPC && (!m->unowned_iif_no_mfe || err != -ENOENT))
		return MGM_NO_ERROR;
	/*
	 * No protocol owns its incoming interface (and the option says that
	 * makes no MFE), or no room was made for it: the fast path must not
	 * keep one MGM does not manage (it would never expire nor follow
	 * memberships, and its packets never miss again).
	 */
	mgm_lock(m, &q);
	if (!mfe_find(m, source, group)) {
		err = m->ops->mfe_delete(m->dp, source, group);
		if (err && err != -ENOENT)
			mgm_logf(m, LOG_ERR, "datapath delete: %s",
				 strerror(-err));
	}
	mgm_unlock(m);
	return MGM_ERROR_NOT_FOUND;
}

uint32_t mgm_adopt_mfe(struct mgm *m, uint32_t source, uint32_t group,
		       uint32_t ifindex)
{
	struct mgm_addr s = mgm_addr4(source), g = mgm_addr4(group);

	return mgm_adopt_mfe_x(m, &s, &g, ifindex);
}

/*
 * With mgm_options.unowned_iif_no_mfe (issue 13 item 5; the library's
 * default is off, mgmd sets it): packets on an interface no protocol owns
 * (neither a routing protocol nor IGMP) make no MFE: nobody vouched for
 * that RPF interface, and after a release (the seed) forwarding from it
 * must not come back with the next packet.  Decided on the MFE's
 * incoming interface, the one the RPF check chose: the route toward the
 * source, or where the packet arrived if there is none, or what the
 * owner's RPF callback set.  The host may permit such an interface
 * (mgm_options.iif_permitted: mgmd's phyints).  Counted in
 * mgm_stats.misses_unowned; the fast path keeps reporting the flow (once
 * per miss_retry_ms), so it is created once someone owns the interface.
 * Without the option this is always false, and the MFE is made with
 * in_if_protocol 0.
 */
static bool miss_unowned(struct mgm *m, uint32_t iif, uint32_t nh, uint32_t fam)
{
	if (!m->unowned_iif_no_mfe || owner_of(m, iif, nh, fam))
		return false;
	if (m->iif_permitted && m->iif_permitted(m->iif_permitted_ctx, iif))
		return false;
	m->stats.misses_unowned++;
	return true;
}

int mfe_handle_miss(struct mgm *m, const struct mgm_dp_event *ev)
{
	const struct mgm_addr *s = &ev->source, *g = &ev->group;
	uint32_t fam = addr_fambit(g), iif, nh = 0;
	uint16_t hlen = ev->hdr_len > MGM_DP_EVENT_HDR_MAX ?
				MGM_DP_EVENT_HDR_MAX :
				ev->hdr_len;
	struct mgm_route_info_x route = { 0 };
	struct mgm_addr up = addr_any(g);
	struct contrib *cv = NULL;
	struct cbq q = { 0 };
	struct proto *o, *rp = NULL;
	struct mfe *e = NULL;
	size_t cn = 0, i;
	int ret = 0;

	if (!sg_valid(s, g))
		return -EINVAL;
	mgm_lock(m, &q);
	if (mfe_find(m, s, g))
		goto out;
	if (m->ops->rpf_lookup && m->ops->rpf_lookup(m->dp, s, g, &route) < 0)
		memset(&route, 0, sizeof(route));
	if (route.ifindex) {
		iif = route.ifindex;
		/* On a point-to-multipoint interface the gateway is part of
		 * the interface's identity; otherwise the next hop is 0. */
		if (iface_find(m, iif, route.nexthop))
			nh = route.nexthop;
		if (g->family == MGM_AF_INET)
			up = mgm_addr4(route.nexthop);
	} else {
		/* No route toward S: expect it where it arrived. */
		memset(&route, 0, sizeof(route));
		iif = ev->ifindex;
	}
	if (miss_unowned(m, iif, nh, fam)) {
		ret = -ENOENT;
		goto out;
	}
	/*
	 * Nobody wants it and there is no room for one more negative MFE
	 * on its interface: refused before any callback (a flood of new
	 * sources costs this lookup, nothing more).
	 */
	if ((neg_full(m, iif) || table_full(m)) &&
	    !has_receivers(m, s, g, iif)) {
		m->stats.negative_refused++;
		ret = -ENOSPC;
		goto out;
	}
	o = owner_of(m, iif, nh, fam);
	if (o && o->x.rpf) {
		rp = o;
		rp->refs++; /* kept across the unlocked callback */
	}
	mgm_unlock(m);

	if (rp) {
		struct cb_frame f;
		bool ran = cb_begin(m, rp, &f);

		if (ran)
			rp->x.rpf(rp->x.ctx, s, g, &iif, &nh, &up, hlen,
				  ev->hdr, &route);
		cb_end(m, rp, &f, ran, true);
	}

	mgm_lock(m, &q);
	e = mfe_alloc(m);
	if (!e) {
		ret = -ENOMEM;
		goto out;
	}
	if (mfe_find(m, s, g))
		goto out;
	/* The RPF callback may have moved the iif; ownership may have gone. */
	if (miss_unowned(m, iif, nh, fam)) {
		ret = -ENOENT;
		goto out;
	}
	if (contrib_collect(m, s, g, iif, &cv, &cn)) {
		ret = -ENOMEM;
		goto out;
	}
	memcpy(e->src, s->w, sizeof(e->src));
	memcpy(e->grp, g->w, sizeof(e->grp));
	e->family = (uint8_t)g->family;
	e->iif = iif;
	e->iif_nh = nh;
	mgm_unlock(m);

	creation_alerts(m, e, cv, cn);

	mgm_lock(m, &q);
	/* Created meanwhile by a concurrent path: keep that one. */
	if (mfe_find(m, s, g))
		goto out;
	if (mfe_set_disabled(e, cv, cn)) {
		ret = -ENOMEM;
		goto out;
	}
	/* Released while the creation alerts ran. */
	if (miss_unowned(m, iif, nh, fam)) {
		ret = -ENOENT;
		goto out;
	}
	o = owner_of(m, iif, nh, fam);
	/* What a callback wrote is kept only if it is of this family. */
	if (!addr_valid(&up) || up.family != g->family)
		up = addr_any(g);
	if (!addr_valid(&route.network) || route.network.family != g->family)
		route.network = addr_any(g);
	if (route.prefix_len > (g->family == MGM_AF_INET ? 32U : 128U))
		route.prefix_len = 0;
	if (mfe_route_set(m, e, &up, &route.network, route.prefix_len,
			  route.protocol)) {
		ret = -ENOMEM;
		goto out;
	}
	e->in_if_protocol = o ? o->protocol_id : 0;
	e->timeout = m->default_timeout;
	e->created_ns = mgm_now(m);
	e->deadline_ns = mfe_deadline(e->created_ns, e->timeout);
	if (!++m->next_mfe_serial)
		++m->next_mfe_serial;
	e->serial = m->next_mfe_serial;
	ret = mfe_insert(m, e);
	/* Without the option: an MFE made on an interface nobody owns. */
	if (!ret && !o)
		m->stats.misses_unowned++;
	e = NULL;
out:
	if (e)
		mfe_free(m, e);
	for (i = 0; i < cn; i++)
		proto_put(cv[i].p);
	free(cv);
	mgm_unlock_run(m, &q);
	return ret;
}

void mfe_iif_owner_changed(struct mgm *m, const struct iface *ifc)
{
	struct ifx *x = ifx_find(m, ifc->ifindex);
	uint32_t i;

	for (i = 0; x && i < x->mfes.cap; i++) {
		struct mfe *e = x->mfes.v[i] ? mfe_at(m, x->mfes.v[i]) : NULL;
		const struct proto *o;

		if (!e || e->iif != ifc->ifindex ||
		    (e->iif_nh != ifc->nexthop &&
		     iface_find(m, e->iif, e->iif_nh)))
			continue;
		o = owner_of(m, e->iif, e->iif_nh, mfe_fambit(e));
		e->in_if_protocol = o ? o->protocol_id : 0;
	}
}

void mfe_free_all(struct mgm *m)
{
	size_t i;

	for (i = 0; m->mfes.b && i <= m->mfes.mask; i++) {
		while (m->mfes.b[i]) {
			struct hnode *n = m->mfes.b[i];

			m->mfes.b[i] = n->next;
			mfe_free(m, container_of(n, struct mfe, hn));
		}
	}
	m->heap_n = 0;
	m->mfe_tree.root = 0;
	dlist_init(&m->negs);
	m->n_neg = 0;
}
