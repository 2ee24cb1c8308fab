// SPDX-License-Identifier: GPL-2.0
/*
 * mgm_member.c - group memberships (MgmAdd/DeleteGroupMembershipEntry) and
 * the alerts they cause: join and prune alerts to other protocols by the
 * rules of mgm-api.md section 4, and local join/leave to the owner of an
 * interface on which IGMP changes its receivers.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>

#include "mgm_int.h"

struct grp *grp_find(struct mgm *m, const struct mgm_addr *source,
		     const struct mgm_addr *group)
{
	struct hnode *n = htab_bucket(&m->grps, sg_hash(source, group));

	for (; n; n = n->next) {
		struct grp *g = container_of(n, struct grp, hn);

		if (addr_eq(&g->source, source) && addr_eq(&g->group, group))
			return g;
	}
	return NULL;
}

static struct grp *grp_get(struct mgm *m, const struct mgm_addr *source,
			   const struct mgm_addr *group)
{
	struct grp *g = grp_find(m, source, group);

	if (g)
		return g;
	g = calloc(1, sizeof(*g));
	if (!g)
		return NULL;
	g->source = *source;
	g->group = *group;
	dlist_init(&g->membs);
	htab_insert(&m->grps, &g->hn);
	return g;
}

static void grp_put(struct mgm *m, struct grp *g)
{
	if (!dlist_empty(&g->membs))
		return;
	htab_remove(&m->grps, &g->hn);
	free(g->pc);
	free(g);
}

static struct pcount *grp_pcount(struct grp *g, const struct proto *p)
{
	uint32_t i;

	for (i = 0; i < g->n_pc; i++)
		if (g->pc[i].p == p)
			return &g->pc[i];
	return NULL;
}

static struct memb *memb_find(struct mgm *m, const struct proto *p,
			      const struct iface *ifc,
			      const struct mgm_addr *source,
			      const struct mgm_addr *group)
{
	struct hnode *n = htab_bucket(
		&m->membs, memb_hash_key(p->serial, ifc->ifindex, ifc->nexthop,
					 source, group));

	for (; n; n = n->next) {
		struct memb *b = container_of(n, struct memb, hn);

		if (b->p == p && b->ifc == ifc &&
		    addr_eq(&b->g->source, source) &&
		    addr_eq(&b->g->group, group))
			return b;
	}
	return NULL;
}

bool memb_covers(struct mgm *m, const struct proto *p, const struct iface *ifc,
		 const struct mgm_addr *source, const struct mgm_addr *group)
{
	struct mgm_addr any = addr_any(group);

	return memb_find(m, p, ifc, source, group) ||
	       memb_find(m, p, ifc, &any, group) ||
	       memb_find(m, p, ifc, &any, &any);
}

/* ------------------------------------------------------------------ */
/* Alerts                                                              */

static void push_join(struct mgm *m, struct proto *to, const struct grp *g,
		      int32_t update)
{
	struct cb_rec r = {
		.kind = CB_JOIN,
		.flag = update,
		.p = to,
		.ctx = to->x.ctx,
		.fn.join = to->x.join_alert,
		.source = g->source,
		.group = g->group,
	};

	if (r.fn.join && proto_routes(to, &g->group))
		cbq_push(m, &r);
}

static void push_prune(struct mgm *m, struct proto *to, const struct grp *g,
		       const struct iface *ifc)
{
	struct mfe *e = !addr_is_any(&g->source) ?
				mfe_find(m, &g->source, &g->group) :
				NULL;
	struct cb_rec r = {
		.kind = CB_PRUNE,
		.flag = 1,
		.p = to,
		.ctx = to->x.ctx,
		.fn.prune = to->x.prune_alert,
		.source = g->source,
		.group = g->group,
		.ifindex = ifc->ifindex,
		.nexthop = ifc->nexthop,
		/* In only: a member-delete prune does not set the timeout. */
		.timeout = e ? e->timeout : m->default_timeout,
	};

	if (r.fn.prune && proto_routes(to, &g->group))
		cbq_push(m, &r);
}

/*
 * p has just become a member protocol of g.  (*,G) and (*,*): the first
 * protocol alerts every other one, the second alerts the first only.
 * (S,G): the first alerts the owner of the RPF interface toward S.
 */
static void alerts_join(struct mgm *m, const struct grp *g,
			const struct proto *p)
{
	struct dlist *pos, *tmp;
	struct proto *o;

	if (addr_is_any(&g->source)) {
		if (g->n_pc == 1) {
			dlist_for_each_safe(pos, tmp, &m->protos)
			{
				o = container_of(pos, struct proto, link);
				if (o != p)
					push_join(m, o, g, 1);
			}
		} else if (g->n_pc == 2) {
			o = g->pc[0].p == p ? g->pc[1].p : g->pc[0].p;
			push_join(m, o, g, 1);
		}
	} else if (g->n_pc == 1) {
		o = rpf_owner(m, &g->source, &g->group);
		if (o && o != p)
			push_join(m, o, g, 1);
	}
}

/*
 * p has just stopped being a member protocol of g (it left ifc).  (*,G):
 * when one protocol remains it hears; when none remains every other one
 * hears.  (S,G): when none remains, the RPF interface's owner hears.
 */
static void alerts_prune(struct mgm *m, const struct grp *g,
			 const struct proto *p, const struct iface *ifc)
{
	struct dlist *pos, *tmp;
	struct proto *o;

	if (addr_is_any(&g->source)) {
		if (g->n_pc == 1) {
			push_prune(m, g->pc[0].p, g, ifc);
		} else if (g->n_pc == 0) {
			dlist_for_each_safe(pos, tmp, &m->protos)
			{
				o = container_of(pos, struct proto, link);
				if (o != p)
					push_prune(m, o, g, ifc);
			}
		}
	} else if (g->n_pc == 0) {
		o = rpf_owner(m, &g->source, &g->group);
		if (o && o != p)
			push_prune(m, o, g, ifc);
	}
}

static void push_local(struct mgm *m, const struct iface *ifc,
		       const struct grp *g, bool join)
{
	struct proto *o = ifc->owner;
	struct cb_rec r = {
		.kind = join ? CB_LOCAL_JOIN : CB_LOCAL_LEAVE,
		.source = g->source,
		.group = g->group,
		.ifindex = ifc->ifindex,
		.nexthop = ifc->nexthop,
	};

	if (!proto_routes(o, &g->group))
		return;
	r.p = o;
	r.ctx = o->x.ctx;
	if (join)
		r.fn.local_join = o->x.local_join;
	else
		r.fn.local_leave = o->x.local_leave;
	if (join ? r.fn.local_join != NULL : r.fn.local_leave != NULL)
		cbq_push(m, &r);
}

/* ------------------------------------------------------------------ */
/* Membership records                                                  */

static uint32_t memb_add(struct mgm *m, struct proto *p, struct iface *ifc,
			 const struct mgm_addr *source,
			 const struct mgm_addr *group)
{
	struct pcount *pc;
	struct memb *b;
	struct grp *g;
	bool newp = false;

	if (memb_find(m, p, ifc, source, group))
		return MGM_NO_ERROR; /* already a member: no alerts */
	g = grp_get(m, source, group);
	b = g ? calloc(1, sizeof(*b)) : NULL;
	if (!b)
		goto nomem;
	pc = grp_pcount(g, p);
	if (!pc) {
		size_t cap = g->cap_pc;

		if (vec_reserve((void **)&g->pc, &cap, g->n_pc + 1,
				sizeof(*g->pc)))
			goto nomem;
		g->cap_pc = (uint32_t)cap;
		pc = &g->pc[g->n_pc++];
		*pc = (struct pcount){ .p = p };
		newp = true;
	}
	pc->n++;
	b->p = p;
	b->ifc = ifc;
	b->g = g;
	dlist_add_tail(&ifc->membs, &b->ifc_link);
	dlist_add_tail(&g->membs, &b->grp_link);
	htab_insert(&m->membs, &b->hn);
	p->n_membs++;

	if (newp)
		alerts_join(m, g, p);
	if (p->igmp)
		push_local(m, ifc, g, true);
	mfe_membership_changed(m, source, group, ifc, true);
	return MGM_NO_ERROR;

nomem:
	free(b);
	if (g)
		grp_put(m, g);
	return MGM_ERROR_NOT_ENOUGH_MEMORY;
}

/* Unlink and free one membership, with its alerts; no MFE recompute. */
static void memb_unlink(struct mgm *m, struct memb *b, bool local_leave)
{
	struct grp *g = b->g;
	struct proto *p = b->p;
	struct pcount *pc = grp_pcount(g, p);

	dlist_del(&b->ifc_link);
	dlist_del(&b->grp_link);
	htab_remove(&m->membs, &b->hn);
	p->n_membs--;
	if (pc && !--pc->n) {
		*pc = g->pc[--g->n_pc];
		alerts_prune(m, g, p, b->ifc);
	}
	if (local_leave)
		push_local(m, b->ifc, g, false);
	free(b);
	grp_put(m, g);
}

void memb_remove_all(struct mgm *m, struct iface *ifc, struct proto *p,
		     bool local_leave)
{
	struct dlist *pos, *tmp;

	dlist_for_each_safe(pos, tmp, &ifc->membs)
	{
		struct memb *b = container_of(pos, struct memb, ifc_link);

		if (b->p == p)
			memb_unlink(m, b, local_leave);
	}
}

void memb_free_all(struct mgm *m)
{
	size_t i;

	for (i = 0; m->membs.b && i <= m->membs.mask; i++) {
		while (m->membs.b[i]) {
			struct hnode *n = m->membs.b[i];

			m->membs.b[i] = n->next;
			free(container_of(n, struct memb, hn));
		}
	}
	for (i = 0; m->grps.b && i <= m->grps.mask; i++) {
		while (m->grps.b[i]) {
			struct hnode *n = m->grps.b[i];
			struct grp *g = container_of(n, struct grp, hn);

			m->grps.b[i] = n->next;
			free(g->pc);
			free(g);
		}
	}
}

/* ------------------------------------------------------------------ */
/* The API                                                             */

static bool is_multicast(const struct mgm_addr *g)
{
	if (g->family == MGM_AF_INET)
		return (ntohl(g->v4) & 0xf0000000U) == 0xe0000000U;
	return g->v6[0] == 0xff;
}

/*
 * Only wildcard or exact sources and groups ("no ranges in this
 * version"), of one family, canonical.
 */
static bool valid_form(const struct mgm_addr *source,
		       const struct mgm_addr *group)
{
	if (!addr_valid(source) || !addr_valid(group) ||
	    source->family != group->family)
		return false;
	if (addr_is_any(group))
		return addr_is_any(source); /* (*,*) */
	return is_multicast(group); /* (*,G) or (S,G) */
}

/*
 * Common checks of add and delete, in the order a caller can act on:
 * arguments, handle, the interface and its ownership, IGMP's handoff.
 */
static uint32_t memb_check(struct mgm *m, mgm_handle_t h,
			   const struct mgm_addr *source,
			   const struct mgm_addr *group, uint32_t ifindex,
			   uint32_t nexthop, uint32_t flags, bool add,
			   struct proto **pp, struct iface **ifcp)
{
	struct iface *ifc;
	struct proto *p;

	if (!flags || (flags & ~(MGM_JOIN_STATE_FLAG | MGM_FORWARD_STATE_FLAG)))
		return MGM_ERROR_INVALID_PARAMETER;
	if (!valid_form(source, group) || !ifindex)
		return MGM_ERROR_INVALID_PARAMETER;
	/* Forward state edits one (S,G) MFE; wildcards have no MFE. */
	if ((flags & MGM_FORWARD_STATE_FLAG) && addr_is_any(source))
		return MGM_ERROR_INVALID_PARAMETER;
	p = proto_get(m, h);
	if (!p || !proto_routes(p, group))
		return MGM_ERROR_INVALID_PARAMETER;
	ifc = iface_find(m, ifindex, nexthop);
	if (!ifc || !iface_owner(ifc))
		return MGM_ERROR_NOT_FOUND;
	if (ifc->owner != p && ifc->igmp != p)
		return MGM_ERROR_INVALID_PARAMETER;
	if (p->igmp && ifc->igmp_disabled)
		return MGM_ERROR_CAN_NOT_COMPLETE;
	/* MGM 5.5: re-adding from inside enable deadlocks Windows MGM; we
	 * refuse it the same way so that IGMP implementations defer. */
	if (p->igmp && add && in_enable_callback(m, ifindex, nexthop))
		return MGM_ERROR_CAN_NOT_COMPLETE;
	*pp = p;
	*ifcp = ifc;
	return MGM_NO_ERROR;
}

uint32_t mgm_add_group_membership_x(struct mgm *m, mgm_handle_t protocol,
				    const struct mgm_addr *source,
				    const struct mgm_addr *group,
				    uint32_t ifindex, uint32_t nexthop,
				    uint32_t flags)
{
	struct cbq q = { 0 };
	struct iface *ifc = NULL;
	struct proto *p = NULL;
	struct mfe *e = NULL;
	uint32_t ret;

	if (!m || !source || !group)
		return MGM_ERROR_INVALID_PARAMETER;
	mgm_lock(m, &q);
	ret = memb_check(m, protocol, source, group, ifindex, nexthop, flags,
			 true, &p, &ifc);
	if (ret)
		goto out;
	/* Check before changing anything: a failed call changes nothing. */
	if (flags & MGM_FORWARD_STATE_FLAG) {
		e = mfe_find(m, source, group);
		if (!e) {
			ret = MGM_ERROR_NOT_FOUND;
			goto out;
		}
	}
	if (flags & MGM_JOIN_STATE_FLAG)
		ret = memb_add(m, p, ifc, source, group);
	if (!ret && e) {
		/* The join may have recomputed (never deleted) the MFE. */
		if (mfe_forward_state(m, e, p, ifc, true))
			ret = MGM_ERROR_NOT_ENOUGH_MEMORY;
	}
out:
	mgm_unlock_run(m, &q);
	return ret;
}

uint32_t mgm_delete_group_membership_x(struct mgm *m, mgm_handle_t protocol,
				       const struct mgm_addr *source,
				       const struct mgm_addr *group,
				       uint32_t ifindex, uint32_t nexthop,
				       uint32_t flags)
{
	struct cbq q = { 0 };
	struct iface *ifc = NULL;
	struct proto *p = NULL;
	struct memb *b = NULL;
	struct mfe *e = NULL;
	uint32_t ret;

	if (!m || !source || !group)
		return MGM_ERROR_INVALID_PARAMETER;
	mgm_lock(m, &q);
	ret = memb_check(m, protocol, source, group, ifindex, nexthop, flags,
			 false, &p, &ifc);
	if (ret)
		goto out;
	/* Both checks first: a failed call changes nothing. */
	if (flags & MGM_FORWARD_STATE_FLAG) {
		e = mfe_find(m, source, group);
		if (!e || (!mfe_has_forward(e, ifc) &&
			   !memb_covers(m, p, ifc, source, group))) {
			ret = MGM_ERROR_NOT_FOUND;
			goto out;
		}
	}
	if (flags & MGM_JOIN_STATE_FLAG) {
		b = memb_find(m, p, ifc, source, group);
		if (!b) {
			ret = MGM_ERROR_NOT_FOUND;
			goto out;
		}
	}
	if (e)
		mfe_forward_state(m, e, p, ifc, false);
	if (b) {
		memb_unlink(m, b, p->igmp);
		mfe_membership_changed(m, source, group, ifc, false);
	}
out:
	mgm_unlock_run(m, &q);
	return ret;
}

/*
 * MGM's IPv4 form: masks are all ones (an address) or 0 (a wildcard,
 * with a zero address), nothing in between.
 */
static bool v4_form(uint32_t addr, uint32_t mask)
{
	return mask == MASK_ALL ? true : !mask && !addr;
}

uint32_t mgm_add_group_membership_entry(struct mgm *m, mgm_handle_t protocol,
					uint32_t source, uint32_t source_mask,
					uint32_t group, uint32_t group_mask,
					uint32_t ifindex, uint32_t nexthop,
					uint32_t flags)
{
	struct mgm_addr s = mgm_addr4(source), g = mgm_addr4(group);

	if (!v4_form(source, source_mask) || !v4_form(group, group_mask) ||
	    (source_mask && !source) || (group_mask && !group))
		return MGM_ERROR_INVALID_PARAMETER;
	return mgm_add_group_membership_x(m, protocol, &s, &g, ifindex, nexthop,
					  flags);
}

uint32_t mgm_delete_group_membership_entry(struct mgm *m, mgm_handle_t protocol,
					   uint32_t source,
					   uint32_t source_mask, uint32_t group,
					   uint32_t group_mask,
					   uint32_t ifindex, uint32_t nexthop,
					   uint32_t flags)
{
	struct mgm_addr s = mgm_addr4(source), g = mgm_addr4(group);

	if (!v4_form(source, source_mask) || !v4_form(group, group_mask) ||
	    (source_mask && !source) || (group_mask && !group))
		return MGM_ERROR_INVALID_PARAMETER;
	return mgm_delete_group_membership_x(m, protocol, &s, &g, ifindex,
					     nexthop, flags);
}

static int memb_info_cmp(const void *a, const void *b)
{
	const struct mgm_membership_info *x = a, *y = b;
	uint32_t ka[4] = { x->ifindex, x->nexthop, x->protocol_id,
			   x->component_id };
	uint32_t kb[4] = { y->ifindex, y->nexthop, y->protocol_id,
			   y->component_id };
	int i, c;

	for (i = 0; i < 2; i++)
		if (ka[i] != kb[i])
			return ka[i] < kb[i] ? -1 : 1;
	c = sg_cmp(&x->xsource, &x->xgroup, &y->xsource, &y->xgroup);
	if (c)
		return c;
	for (i = 2; i < 4; i++)
		if (ka[i] != kb[i])
			return ka[i] < kb[i] ? -1 : 1;
	return 0;
}

int mgm_foreach_membership(struct mgm *m,
			   int (*fn)(void *arg,
				     const struct mgm_membership_info *),
			   void *arg)
{
	struct mgm_membership_info *v = NULL;
	struct cbq q = { 0 };
	size_t n = 0, cap = 0, i;
	int ret = 0;

	if (!m || !fn)
		return -EINVAL;
	mgm_lock(m, &q);
	for (i = 0; i <= m->membs.mask && !ret; i++) {
		struct hnode *h;

		for (h = m->membs.b[i]; h; h = h->next) {
			struct memb *b = container_of(h, struct memb, hn);

			if (vec_reserve((void **)&v, &cap, n + 1, sizeof(*v))) {
				ret = -ENOMEM;
				break;
			}
			v[n++] = (struct mgm_membership_info){
				.protocol_id = b->p->protocol_id,
				.component_id = b->p->component_id,
				.ifindex = b->ifc->ifindex,
				.nexthop = b->ifc->nexthop,
				.xsource = b->g->source,
				.xgroup = b->g->group,
			};
			if (b->g->group.family == MGM_AF_INET) {
				v[n - 1].source = b->g->source.v4;
				v[n - 1].source_mask =
					b->g->source.v4 ? MASK_ALL : 0;
				v[n - 1].group = b->g->group.v4;
				v[n - 1].group_mask =
					b->g->group.v4 ? MASK_ALL : 0;
			}
		}
	}
	mgm_unlock(m);
	if (n)
		qsort(v, n, sizeof(*v), memb_info_cmp);
	for (i = 0; !ret && i < n; i++)
		ret = fn(arg, &v[i]);
	free(v);
	return ret;
}
