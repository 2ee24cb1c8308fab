// SPDX-License-Identifier: GPL-2.0
/*
 * igmp_mgm.c - IGMP's side of MGM: the sync that turns group state into
 * MGM memberships, the marks of (S,G) entries kept off an interface, and
 * MGM's callbacks into IGMP.
 *
 * Both families go through MGM's family-neutral calls (registered with
 * mgm_register_protocol_x for IPv4 and IPv6): IGMP's and MLD's
 * memberships are one protocol's, and MGM's handoff callbacks name an
 * interface, so they reach its IGMP and its MLD alike.
 *
 * State changes (packets, timers) only mark groups dirty; igmp_sync()
 * then compares what each group wants with what MGM has (the in_mgm
 * flags) and makes the calls.  Collecting the calls happens under the
 * lock, making them does not: MGM may call back into IGMP from inside
 * them (and from other threads), and MGM forbids holding a lock across
 * its calls that its callbacks take.  One thread syncs at a time; a
 * thread that finds a sync running asks it to go round once more.
 *
 * The MGM handoff (mgm-api.md 5.5) falls out of this: the disable callback
 * marks the interface (sync leaves it alone, state and queries go on);
 * MGM drops IGMP's memberships there; the enable callback clears the
 * in_mgm flags and marks the interface for re-adding, which igmp_tick()
 * starts -- MGM refuses adds from inside the enable callback.  Results of
 * calls that were in flight across a handoff are discarded by generation.
 */
#include <stdlib.h>

#include "igmp_int.h"

/* ------------------------------------------------------------------ */
/* Marks: (S,G) entries MGM was told to keep this interface out of     */

static struct igmp_mark *mark_find(struct igmp_if *ifp,
				   const struct mgm_addr *source,
				   const struct mgm_addr *group)
{
	uint32_t i;

	for (i = 0; i < ifp->nmark; i++)
		if (mgm_addr_eq(&ifp->mark[i].source, source) &&
		    mgm_addr_eq(&ifp->mark[i].group, group))
			return &ifp->mark[i];
	return NULL;
}

static bool mark_set(struct igmp *g, struct igmp_if *ifp,
		     const struct mgm_addr *source,
		     const struct mgm_addr *group)
{
	struct igmp_mark *k = mark_find(ifp, source, group);

	if (!k) {
		if (ifp->nmark >= IGMP_MAX_MARKS)
			return false;
		if (ifp->nmark == ifp->capmark) {
			uint32_t nc = ifp->capmark ? ifp->capmark * 2 : 8;
			struct igmp_mark *nv =
				realloc(ifp->mark, nc * sizeof(*nv));

			if (!nv)
				return false;
			ifp->mark = nv;
			ifp->capmark = nc;
		}
		k = &ifp->mark[ifp->nmark++];
	}
	/* A new MGM entry: any FORWARD_STATE went with the old one. */
	*k = (struct igmp_mark){ .source = *source,
				 .group = *group,
				 .seq = ++g->mark_seq };
	return true;
}

static void mark_del(struct igmp_if *ifp, const struct mgm_addr *source,
		     const struct mgm_addr *group, uint32_t seq)
{
	struct igmp_mark *k = mark_find(ifp, source, group);

	if (k && (!seq || k->seq == seq))
		*k = ifp->mark[--ifp->nmark];
}

/* ------------------------------------------------------------------ */
/* Sync: group state -> MGM memberships                                */

enum { OP_JOIN, OP_FWD, OP_GC };

struct igmp_op {
	uint8_t kind;
	bool add;
	bool readd;
	uint32_t ifindex, gen, seq;
	struct mgm_addr source, group; /* source unspecified: (*,G) */
};

struct opvec {
	struct igmp_op *v;
	size_t n, cap;
};

static bool op_push(struct opvec *o, const struct igmp_op *op)
{
	if (o->n == o->cap) {
		size_t nc = o->cap ? o->cap * 2 : 32;
		struct igmp_op *nv = realloc(o->v, nc * sizeof(*nv));

		if (!nv)
			return false;
		o->v = nv;
		o->cap = nc;
	}
	o->v[o->n++] = *op;
	return true;
}

/*
 * What one interface needs from MGM.  Adds are collected apart from
 * deletes and made first, so a mode change (INCLUDE{S} -> EXCLUDE) never
 * leaves a moment without forwarding.  A flag flips only once its call is
 * queued; without memory the interface stays dirty for the next sync.
 */
/*
 * A source excluded now may be forwarded through an (S,G) entry MGM made
 * before: our (*,G) membership put this interface in it.  A mark that
 * says "forwarding, unsure" makes the sync send a FORWARD_STATE delete,
 * which takes the interface out of that one entry (or finds none, and
 * the mark is collected later).
 */
static void mark_excluded(struct igmp *g, struct igmp_if *ifp,
			  const struct igmp_grp *grp)
{
	struct igmp_mark *k;
	uint32_t i;

	if (grp->mode != IGMP_EXCLUDE)
		return;
	for (i = 0; i < grp->nsrc; i++) {
		if (grp->src[i].timer ||
		    mark_find(ifp, &grp->src[i].addr, &grp->addr) ||
		    !mark_set(g, ifp, &grp->src[i].addr, &grp->addr))
			continue;
		k = mark_find(ifp, &grp->src[i].addr, &grp->addr);
		k->fwd_on = true;
		k->unsure = true;
	}
}

static void collect_if(struct igmp *g, struct igmp_if *ifp, struct opvec *adds,
		       struct opvec *dels)
{
	struct igmp_op op = { .ifindex = ifp->ifindex, .gen = ifp->gen };
	bool ok = true;
	uint32_t i, k;

	op.readd = ifp->readd_emit;
	ifp->readd_emit = false;
	ifp->dirty = false;
	op.kind = OP_JOIN;
	for (i = 0; i < ifp->ngrp; i++) {
		struct igmp_grp *grp = &ifp->grp[i];
		bool want = grp->mode == IGMP_EXCLUDE;

		if (!grp->dirty)
			continue;
		grp->dirty = false;
		mark_excluded(g, ifp, grp);
		op.group = grp->addr;
		op.source = addr_any(ifp->family);
		/* Unsure: say what we want either way (both are idempotent). */
		if (want != grp->in_mgm || grp->unsure) {
			op.add = want;
			if (op_push(want ? adds : dels, &op)) {
				grp->in_mgm = want;
				grp->unsure = false;
			} else {
				ok = false;
			}
		}
		for (k = 0; k < grp->nsrc; k++) {
			struct igmp_src *s = &grp->src[k];

			want = grp->mode == IGMP_INCLUDE && s->timer;
			if (want == s->in_mgm && !s->unsure)
				continue;
			op.source = s->addr;
			op.add = want;
			if (op_push(want ? adds : dels, &op)) {
				s->in_mgm = want;
				s->unsure = false;
			} else {
				ok = false;
			}
		}
		if (!ok)
			grp->dirty = true;
	}
	op.add = false;
	op.readd = false;
	while (ifp->nundo) {
		op.source = ifp->undo[ifp->nundo - 1].source;
		op.group = ifp->undo[ifp->nundo - 1].group;
		if (!op_push(dels, &op)) {
			ok = false;
			break;
		}
		ifp->nundo--;
	}
	op.kind = OP_FWD;
	for (i = 0; i < ifp->nmark; i++) {
		struct igmp_mark *k = &ifp->mark[i];
		bool want = igmp_forwards(igmp_grp_find(ifp, &k->group),
					  &k->source);

		if (want == k->fwd_on && !k->unsure)
			continue;
		op.source = k->source;
		op.group = k->group;
		op.seq = k->seq;
		op.add = want;
		if (op_push(want ? adds : dels, &op)) {
			k->fwd_on = want;
			k->unsure = false;
		} else {
			ok = false;
		}
	}
	if (ifp->gc_due) {
		op.kind = OP_GC;
		for (i = 0; i < ifp->nmark; i++) {
			op.source = ifp->mark[i].source;
			op.group = ifp->mark[i].group;
			op.seq = ifp->mark[i].seq;
			if (!op_push(dels, &op))
				ok = false;
		}
		ifp->gc_due = false;
	}
	if (!ok)
		ifp->dirty = true;
}

static bool if_syncable(const struct igmp_if *ifp)
{
	return ifp->attached && !ifp->detaching && !ifp->mgm_disabled &&
	       !ifp->readd;
}

static struct opvec collect(struct igmp *g)
{
	struct opvec adds = { 0 }, dels = { 0 };
	struct igmp_if *ifp;
	size_t i;

	for (ifp = g->ifs; ifp; ifp = ifp->next)
		if (if_syncable(ifp) && (ifp->dirty || ifp->gc_due))
			collect_if(g, ifp, &adds, &dels);
	for (i = 0; i < dels.n; i++) {
		if (!op_push(&adds, &dels.v[i])) {
			igmp_logf(g, LOG_ERR, "out of memory syncing with MGM");
			break;
		}
	}
	free(dels.v);
	return adds;
}

/* One MGM call, either family; the lock is not held. */
static uint32_t apply(struct igmp *g, const struct igmp_op *op)
{
	uint32_t flags = op->kind == OP_FWD ? MGM_FORWARD_STATE_FLAG :
					      MGM_JOIN_STATE_FLAG;

	if (op->kind == OP_GC) {
		uint8_t buf[MGM_SIZEOF_MFE_X(1)];
		uint32_t size = sizeof(buf);

		return mgm_get_mfe_x(g->m, &op->source, &op->group, &size, buf);
	}
	if (op->add)
		return mgm_add_group_membership_x(g->m, g->h, &op->source,
						  &op->group, op->ifindex, 0,
						  flags);
	return mgm_delete_group_membership_x(g->m, g->h, &op->source,
					     &op->group, op->ifindex, 0, flags);
}

static void emit_op(struct igmp *g, const struct igmp_op *op, uint32_t r)
{
	struct igmp_event ev = {
		.ifindex = op->ifindex,
		.readd = op->readd,
		.result = r,
	};

	if (!g->o.event || op->kind == OP_GC)
		return;
	igmp_ev_addrs(&ev, op->group.family, &op->source, &op->group, NULL);
	if (op->kind == OP_JOIN)
		ev.kind = op->add ? IGMP_EV_MGM_ADD : IGMP_EV_MGM_DEL;
	else
		ev.kind = op->add ? IGMP_EV_FWD_ADD : IGMP_EV_FWD_DEL;
	g->o.event(g->o.ctx, &ev);
}

static void mark_unsure(struct igmp_if *ifp, const struct igmp_op *op)
{
	struct igmp_grp *grp = igmp_grp_find(ifp, &op->group);
	bool star = mgm_addr_is_unspec(&op->source);
	struct igmp_src *s;
	struct igmp_mark *k;

	ifp->dirty = true;
	if (op->kind == OP_FWD) {
		k = mark_find(ifp, &op->source, &op->group);
		if (k && k->seq == op->seq)
			k->unsure = true;
		return;
	}
	s = grp && !star ? igmp_src_find(grp, &op->source) : NULL;
	if (grp && star)
		grp->unsure = true;
	else if (s)
		s->unsure = true;
	else
		igmp_undo_push(ifp, &op->source, &op->group);
	if (grp)
		igmp_grp_dirty(ifp, grp);
}

/* The result of one call, under the lock. */
static void settle(struct igmp *g, const struct igmp_op *op, uint32_t r)
{
	struct igmp_if *ifp = igmp_if_find(g, op->ifindex, op->group.family);
	bool star = mgm_addr_is_unspec(&op->source);
	struct igmp_grp *grp;
	struct igmp_src *s;
	struct igmp_mark *k;
	char sa[MGM_ADDRSTRLEN], ga[MGM_ADDRSTRLEN];

	if (!ifp || ifp->detaching)
		return;
	if (ifp->gen != op->gen) {
		/*
		 * A handoff came between.  MGM dropped our memberships in it
		 * and the re-add covers what we want -- but an add that
		 * succeeded may have landed before the handoff (gone now) or
		 * after it (still there): we cannot know, so the next sync
		 * says again what we want, add or delete, to be sure.
		 */
		if (op->add && !r && op->kind != OP_GC) {
			mark_unsure(ifp, op);
			g->resync = true;
		}
		return;
	}
	if (op->kind == OP_GC) {
		/* The MGM entry is gone, and its memory of our "no" too. */
		if (r == MGM_ERROR_NOT_FOUND)
			mark_del(ifp, &op->source, &op->group, op->seq);
		return;
	}
	if (r == MGM_NO_ERROR || (!op->add && r == MGM_ERROR_NOT_FOUND))
		return;
	if (op->kind == OP_FWD) {
		k = mark_find(ifp, &op->source, &op->group);
		if (!k || k->seq != op->seq)
			return;
		/* No entry to add to: nothing of ours to undo either. */
		if (r == MGM_ERROR_NOT_FOUND) {
			mark_del(ifp, &op->source, &op->group, op->seq);
			return;
		}
		k->fwd_on = false;
	}
	/*
	 * CAN_NOT_COMPLETE: MGM began a handoff of this interface and its
	 * disable callback has not reached us yet; the enable callback that
	 * follows makes us re-add everything.  Anything else is an error.
	 */
	if (r != MGM_ERROR_CAN_NOT_COMPLETE) {
		ifp->cnt.mgm_errors++;
		igmp_logf(
			g, LOG_ERR, "MGM %s %s membership (%s,%s) on if %u: %s",
			op->add ? "add" : "delete",
			op->kind == OP_FWD ? "forward-state" : "join-state",
			star ? "*" : mgm_addr_ntop(&op->source, sa, sizeof(sa)),
			mgm_addr_ntop(&op->group, ga, sizeof(ga)), op->ifindex,
			mgm_strerror(r));
	}
	if (!op->add || op->kind != OP_JOIN)
		return;
	/* Not in MGM after all: the group's next refresh retries. */
	grp = igmp_grp_find(ifp, &op->group);
	if (grp && star)
		grp->in_mgm = false;
	s = grp && !star ? igmp_src_find(grp, &op->source) : NULL;
	if (s)
		s->in_mgm = false;
}

/* Called without the lock. */
void igmp_sync(struct igmp *g)
{
	struct opvec ops;
	uint32_t *res;
	size_t i;

	pthread_mutex_lock(&g->lock);
	if (g->syncing) {
		g->resync = true;
		pthread_mutex_unlock(&g->lock);
		return;
	}
	g->syncing = true;
	do {
		g->resync = false;
		ops = collect(g);
		if (!ops.n)
			break;
		res = calloc(ops.n, sizeof(*res));
		pthread_mutex_unlock(&g->lock);
		for (i = 0; i < ops.n; i++) {
			uint32_t r = apply(g, &ops.v[i]);

			if (res)
				res[i] = r;
			emit_op(g, &ops.v[i], r);
		}
		pthread_mutex_lock(&g->lock);
		for (i = 0; res && i < ops.n; i++)
			settle(g, &ops.v[i], res[i]);
		free(res);
		free(ops.v);
	} while (g->resync);
	g->syncing = false;
	pthread_mutex_unlock(&g->lock);
}

/* ------------------------------------------------------------------ */
/* One family leaves, the other stays                                  */

void igmp_if_leave(struct igmp *g, struct igmp_if *ifp)
{
	struct opvec adds = { 0 }, dels = { 0 };
	bool syncable;
	size_t i;

	pthread_mutex_lock(&g->lock);
	/*
	 * Every membership of this family goes: the groups to the undo list,
	 * and with no group left every FORWARD_STATE the marks added is
	 * deleted too.  Between MGM's disable and enable there is nothing to
	 * delete (MGM drops IGMP's memberships in the handoff).  An add
	 * another thread's sync has in flight for this family may still
	 * land after these deletes; its result finds no interface and is
	 * dropped, and the membership stays until the interface is released
	 * (a narrow race: enabling and disabling a family is configuration).
	 */
	while (ifp->ngrp)
		igmp_grp_del(ifp, ifp->ngrp - 1);
	syncable = ifp->attached && !ifp->mgm_disabled && !ifp->readd;
	if (syncable)
		collect_if(g, ifp, &adds, &dels);
	igmp_if_unlink(g, ifp);
	pthread_mutex_unlock(&g->lock);
	for (i = 0; i < dels.n; i++) {
		if (dels.v[i].kind == OP_GC)
			continue;
		emit_op(g, &dels.v[i], apply(g, &dels.v[i]));
	}
	free(adds.v);
	free(dels.v);
	igmp_if_free(ifp);
}

/* ------------------------------------------------------------------ */
/* MGM's callbacks into IGMP                                           */

/*
 * A new (S,G) entry lists our interfaces with a membership for it.  We
 * leave out those where S is not wanted (excluded in EXCLUDE mode) and
 * remember it: MGM keeps that choice for the entry's life.
 */
static void creation(struct igmp *g, const struct mgm_addr *source,
		     const struct mgm_addr *group, uint32_t n,
		     struct mgm_if_entry *oifs)
{
	uint32_t i;

	pthread_mutex_lock(&g->lock);
	for (i = 0; i < n; i++) {
		struct igmp_if *ifp =
			igmp_if_find(g, oifs[i].ifindex, group->family);

		if (!ifp || oifs[i].nexthop)
			continue;
		if (igmp_forwards(igmp_grp_find(ifp, group), source)) {
			mark_del(ifp, source, group, 0);
			continue;
		}
		/* No room to remember it: forwarding S is the safe side. */
		if (!mark_set(g, ifp, source, group)) {
			ifp->cnt.rec_limit++;
			continue;
		}
		oifs[i].enabled = 0;
		igmp_emit(g, IGMP_EV_BLOCK, ifp, source, group, NULL);
	}
	pthread_mutex_unlock(&g->lock);
}

static uint32_t cb_creation(void *ctx, const struct mgm_addr *source,
			    const struct mgm_addr *group, uint32_t in_ifindex,
			    uint32_t in_nexthop, uint32_t n,
			    struct mgm_if_entry *oifs)
{
	(void)in_ifindex, (void)in_nexthop;
	creation(ctx, source, group, n, oifs);
	return 0;
}

static void ev_if(struct igmp *g, enum igmp_event_kind kind, uint32_t ifindex)
{
	struct igmp_event ev = { .kind = kind, .ifindex = ifindex };

	if (g->o.event)
		g->o.event(g->o.ctx, &ev);
}

/*
 * Step 2 of 5.5: hands off MGM for this interface until enable -- both
 * families: MGM's handoff is per interface.
 */
static uint32_t cb_disable(void *ctx, uint32_t ifindex, uint32_t nexthop)
{
	struct igmp *g = ctx;
	struct igmp_if *ifp;

	pthread_mutex_lock(&g->lock);
	for (ifp = g->ifs; ifp && !nexthop; ifp = ifp->next) {
		if (ifp->ifindex != ifindex)
			continue;
		ifp->mgm_disabled = true;
		ifp->gen++;
	}
	ev_if(g, IGMP_EV_DISABLE, ifindex);
	pthread_mutex_unlock(&g->lock);
	return 0;
}

/*
 * Step 4/5 of 5.5: MGM dropped our memberships here; re-add them all, but
 * not from here (MGM refuses that): igmp_tick() does it.
 */
static uint32_t cb_enable(void *ctx, uint32_t ifindex, uint32_t nexthop)
{
	struct igmp *g = ctx;
	struct igmp_if *ifp;
	uint32_t i, k;

	pthread_mutex_lock(&g->lock);
	for (ifp = g->ifs; ifp && !nexthop; ifp = ifp->next) {
		if (ifp->ifindex != ifindex)
			continue;
		ifp->mgm_disabled = false;
		ifp->gen++;
		for (i = 0; i < ifp->ngrp; i++) {
			ifp->grp[i].in_mgm = false;
			for (k = 0; k < ifp->grp[i].nsrc; k++)
				ifp->grp[i].src[k].in_mgm = false;
		}
		ifp->nundo = 0;
		ifp->readd = true;
		g->work = true;
	}
	ev_if(g, IGMP_EV_ENABLE, ifindex);
	pthread_mutex_unlock(&g->lock);
	return 0;
}

struct mgm_protocol_config_x igmp_mgm_config(struct igmp *g)
{
	return (struct mgm_protocol_config_x){
		/* IGMP and MLD: one protocol, one handoff per interface. */
		.families = MGM_FAMILY_IPV4 | MGM_FAMILY_IPV6,
		.ctx = g,
		.creation_alert = cb_creation,
		.disable_igmp = cb_disable,
		.enable_igmp = cb_enable,
		/*
		 * RPF: MGM's own route lookup is what IGMP would say too.
		 * Join/prune/local alerts concern routing protocols that
		 * pull traffic from elsewhere; IGMP only reports receivers.
		 */
	};
}
