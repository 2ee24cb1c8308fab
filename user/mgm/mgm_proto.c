// SPDX-License-Identifier: GPL-2.0
/*
 * mgm_proto.c - protocol registration and interface ownership, including
 * the IGMP disable/enable handoff around ownership changes (the seed's
 * shutdown sequence), and the protocol/interface introspection.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "mgm_int.h"

/* ------------------------------------------------------------------ */
/* Interfaces                                                          */

struct iface *iface_find(struct mgm *m, uint32_t ifindex, uint32_t nexthop)
{
	struct hnode *n = htab_bucket(&m->ifaces, mgm_hash(ifindex, nexthop));

	for (; n; n = n->next) {
		struct iface *i = container_of(n, struct iface, hn);

		if (i->ifindex == ifindex && i->nexthop == nexthop)
			return i;
	}
	return NULL;
}

struct ifx *ifx_find(struct mgm *m, uint32_t ifindex)
{
	struct hnode *n = htab_bucket(&m->ifxs, mgm_hash(ifindex, 0));

	for (; n; n = n->next) {
		struct ifx *x = container_of(n, struct ifx, hn);

		if (x->ifindex == ifindex)
			return x;
	}
	return NULL;
}

struct ifx *ifx_get(struct mgm *m, uint32_t ifindex)
{
	struct ifx *x = ifx_find(m, ifindex);

	if (x)
		return x;
	x = calloc(1, sizeof(*x));
	if (!x)
		return NULL;
	x->ifindex = ifindex;
	dlist_init(&x->ifaces);
	htab_insert(&m->ifxs, &x->hn);
	return x;
}

void ifx_put(struct mgm *m, struct ifx *x)
{
	if (x->mfes.n || !dlist_empty(&x->ifaces))
		return;
	htab_remove(&m->ifxs, &x->hn);
	idset_fini(&x->mfes);
	free(x);
}

static struct iface *iface_get(struct mgm *m, uint32_t ifindex,
			       uint32_t nexthop)
{
	struct iface *i = iface_find(m, ifindex, nexthop);
	struct ifx *x;

	if (i)
		return i;
	x = ifx_get(m, ifindex);
	i = calloc(1, sizeof(*i));
	if (!x || !i) {
		free(i);
		if (x)
			ifx_put(m, x);
		return NULL;
	}
	i->ifindex = ifindex;
	i->nexthop = nexthop;
	dlist_init(&i->membs);
	dlist_add_tail(&x->ifaces, &i->ifx_link);
	htab_insert(&m->ifaces, &i->hn);
	return i;
}

/*
 * Is ifc the only interface on its ifindex?  Otherwise (other next hops
 * of a point-to-multipoint link) the ifindex may stay an oif.
 */
static bool ifx_alone(struct mgm *m, const struct iface *ifc)
{
	struct ifx *x = ifx_find(m, ifc->ifindex);
	struct dlist *pos, *tmp;

	if (!x)
		return true;
	dlist_for_each_safe(pos, tmp, &x->ifaces)
	{
		if (container_of(pos, struct iface, ifx_link) != ifc)
			return false;
	}
	return true;
}

/* Frees the interface once nobody runs on it. */
static void iface_put(struct mgm *m, struct iface *i)
{
	if (i->owner || i->igmp || i->busy || !dlist_empty(&i->membs))
		return;
	dlist_del(&i->ifx_link);
	htab_remove(&m->ifaces, &i->hn);
	ifx_put(m, ifx_find(m, i->ifindex));
	free(i);
}

struct proto *iface_owner(const struct iface *i)
{
	return i->owner ? i->owner : i->igmp;
}

/* i's protocol that answers for family fam: the owner, else IGMP. */
static struct proto *iface_owner_fam(const struct iface *i, uint32_t fam)
{
	if (i->owner && (i->owner->families & fam))
		return i->owner;
	if (i->igmp && (i->igmp->families & fam))
		return i->igmp;
	return NULL;
}

struct proto *owner_of(struct mgm *m, uint32_t ifindex, uint32_t nexthop,
		       uint32_t fam)
{
	struct iface *i = iface_find(m, ifindex, nexthop);
	struct dlist *pos, *tmp;
	struct ifx *x;

	if (i && iface_owner_fam(i, fam))
		return iface_owner_fam(i, fam);
	/*
	 * The fast path only knows ifindexes (events, routes): fall back to
	 * any interface on that ifindex, preferring one with a non-IGMP
	 * owner.
	 */
	x = ifx_find(m, ifindex);
	if (!x)
		return NULL;
	dlist_for_each_safe(pos, tmp, &x->ifaces)
	{
		i = container_of(pos, struct iface, ifx_link);
		if (i->owner && (i->owner->families & fam))
			return i->owner;
	}
	dlist_for_each_safe(pos, tmp, &x->ifaces)
	{
		i = container_of(pos, struct iface, ifx_link);
		if (i->igmp && (i->igmp->families & fam))
			return i->igmp;
	}
	return NULL;
}

struct proto *rpf_owner(struct mgm *m, const struct mgm_addr *source,
			const struct mgm_addr *group)
{
	struct mgm_route_info_x r = { 0 };

	if (!m->ops->rpf_lookup ||
	    m->ops->rpf_lookup(m->dp, source, group, &r) < 0 || !r.ifindex)
		return NULL;
	return owner_of(m, r.ifindex, r.nexthop, addr_fambit(source));
}

/* ------------------------------------------------------------------ */
/* IPv4 callbacks behind the family-neutral ones                       */

/*
 * A protocol registered with mgm_register_protocol() is asked about IPv4
 * only, through its IPv4 callbacks: the core calls p->x, whose context is
 * p itself and whose functions are these adapters.  Masks are MGM's:
 * all ones for an address, 0 for a wildcard.
 */
static inline uint32_t amask(const struct mgm_addr *a)
{
	return a->v4 ? MASK_ALL : 0;
}

static uint32_t ad_rpf(void *ctx, const struct mgm_addr *s,
		       const struct mgm_addr *g, uint32_t *iif, uint32_t *nh,
		       struct mgm_addr *up, uint32_t hdr_size,
		       const uint8_t *hdr, struct mgm_route_info_x *rx)
{
	struct proto *p = ctx;
	struct mgm_route_info r = {
		.protocol = rx->protocol,
		.network = rx->network.v4,
		.mask = mask_of_plen(rx->prefix_len),
		.ifindex = rx->ifindex,
		.nexthop = rx->nexthop,
	};
	uint32_t up4 = up->v4, ret;

	ret = p->cfg.rpf(p->cfg.ctx, s->v4, MASK_ALL, g->v4, MASK_ALL, iif, nh,
			 &up4, hdr_size, hdr, &r);
	*up = mgm_addr4(up4);
	rx->protocol = r.protocol;
	rx->network = mgm_addr4(r.network);
	rx->prefix_len = plen_of_mask(r.mask);
	rx->ifindex = r.ifindex;
	rx->nexthop = r.nexthop;
	return ret;
}

static uint32_t ad_creation(void *ctx, const struct mgm_addr *s,
			    const struct mgm_addr *g, uint32_t iif, uint32_t nh,
			    uint32_t n, struct mgm_if_entry *oifs)
{
	struct proto *p = ctx;

	return p->cfg.creation_alert(p->cfg.ctx, s->v4, amask(s), g->v4,
				     amask(g), iif, nh, n, oifs);
}

static uint32_t ad_prune(void *ctx, const struct mgm_addr *s,
			 const struct mgm_addr *g, uint32_t ifindex,
			 uint32_t nh, int32_t member_delete, uint32_t *timeout)
{
	struct proto *p = ctx;

	return p->cfg.prune_alert(p->cfg.ctx, s->v4, amask(s), g->v4, amask(g),
				  ifindex, nh, member_delete, timeout);
}

static uint32_t ad_join(void *ctx, const struct mgm_addr *s,
			const struct mgm_addr *g, int32_t member_update)
{
	struct proto *p = ctx;

	return p->cfg.join_alert(p->cfg.ctx, s->v4, amask(s), g->v4, amask(g),
				 member_update);
}

static uint32_t ad_wrong_if(void *ctx, const struct mgm_addr *s,
			    const struct mgm_addr *g, uint32_t ifindex,
			    uint32_t nh, uint32_t hdr_size, const uint8_t *hdr)
{
	struct proto *p = ctx;

	return p->cfg.wrong_if(p->cfg.ctx, s->v4, g->v4, ifindex, nh, hdr_size,
			       hdr);
}

static uint32_t ad_local_join(void *ctx, const struct mgm_addr *s,
			      const struct mgm_addr *g, uint32_t ifindex,
			      uint32_t nh)
{
	struct proto *p = ctx;

	return p->cfg.local_join(p->cfg.ctx, s->v4, amask(s), g->v4, amask(g),
				 ifindex, nh);
}

static uint32_t ad_local_leave(void *ctx, const struct mgm_addr *s,
			       const struct mgm_addr *g, uint32_t ifindex,
			       uint32_t nh)
{
	struct proto *p = ctx;

	return p->cfg.local_leave(p->cfg.ctx, s->v4, amask(s), g->v4, amask(g),
				  ifindex, nh);
}

void proto_x_adapt(struct proto *p)
{
	const struct mgm_protocol_config *c = &p->cfg;

	p->families = MGM_FAMILY_IPV4;
	p->x = (struct mgm_protocol_config_x){
		.families = MGM_FAMILY_IPV4,
		.ctx = p,
		.rpf = c->rpf ? ad_rpf : NULL,
		.creation_alert = c->creation_alert ? ad_creation : NULL,
		.prune_alert = c->prune_alert ? ad_prune : NULL,
		.join_alert = c->join_alert ? ad_join : NULL,
		.wrong_if = c->wrong_if ? ad_wrong_if : NULL,
		.local_join = c->local_join ? ad_local_join : NULL,
		.local_leave = c->local_leave ? ad_local_leave : NULL,
		/* disable/enable_igmp: called from cfg, with its context. */
	};
}

/* ------------------------------------------------------------------ */
/* Registration                                                        */

static uint32_t proto_register(struct mgm *m,
			       const struct mgm_protocol_config *c4,
			       const struct mgm_protocol_config_x *cx,
			       uint32_t protocol_id, uint32_t component_id,
			       mgm_handle_t *protocol)
{
	struct cbq q = { 0 };
	struct dlist *pos, *tmp;
	struct proto *p;
	uint32_t ret = MGM_NO_ERROR;
	int err;

	mgm_lock(m, &q);
	dlist_for_each_safe(pos, tmp, &m->protos)
	{
		p = container_of(pos, struct proto, link);
		if (p->protocol_id == protocol_id &&
		    p->component_id == component_id) {
			ret = MGM_ERROR_ALREADY_EXISTS;
			goto out;
		}
	}
	p = calloc(1, sizeof(*p));
	if (!p) {
		ret = MGM_ERROR_NOT_ENOUGH_MEMORY;
		goto out;
	}
	err = slot_alloc(&m->ptab, p, &p->slot);
	if (err) {
		free(p);
		ret = err == -ENOMEM ? MGM_ERROR_NOT_ENOUGH_MEMORY :
				       MGM_ERROR_CAN_NOT_COMPLETE;
		goto out;
	}
	if (!++m->next_serial)
		++m->next_serial;
	p->serial = m->next_serial;
	p->protocol_id = protocol_id;
	p->component_id = component_id;
	p->igmp = protocol_id == MGM_MS_IP_IGMP;
	if (c4) {
		p->cfg = *c4;
		proto_x_adapt(p);
	} else {
		p->x = *cx;
		p->families = cx->families;
		/* The per-interface callbacks, for code that reads cfg. */
		p->cfg.ctx = cx->ctx;
		p->cfg.disable_igmp = cx->disable_igmp;
		p->cfg.enable_igmp = cx->enable_igmp;
	}
	p->refs = 1; /* the registration's */
	dlist_init(&p->enums);
	dlist_add_tail(&m->protos, &p->link);
	*protocol = handle_make(m, HT_PROTO, &m->ptab, p->slot);
out:
	mgm_unlock(m);
	return ret;
}

uint32_t mgm_register_protocol(struct mgm *m,
			       const struct mgm_protocol_config *config,
			       uint32_t protocol_id, uint32_t component_id,
			       mgm_handle_t *protocol)
{
	if (!m || !config || !protocol || config->callback_flags)
		return MGM_ERROR_INVALID_PARAMETER;
	return proto_register(m, config, NULL, protocol_id, component_id,
			      protocol);
}

uint32_t mgm_register_protocol_x(struct mgm *m,
				 const struct mgm_protocol_config_x *config,
				 uint32_t protocol_id, uint32_t component_id,
				 mgm_handle_t *protocol)
{
	if (!m || !config || !protocol || config->reserved ||
	    !config->families ||
	    (config->families & ~(MGM_FAMILY_IPV4 | MGM_FAMILY_IPV6)))
		return MGM_ERROR_INVALID_PARAMETER;
	return proto_register(m, NULL, config, protocol_id, component_id,
			      protocol);
}

uint32_t mgm_deregister_protocol(struct mgm *m, mgm_handle_t protocol)
{
	struct cbq q = { 0 };
	struct proto *p;
	uint32_t ret = MGM_NO_ERROR;

	if (!m)
		return MGM_ERROR_INVALID_PARAMETER;
	mgm_lock(m, &q);
	p = proto_get(m, protocol);
	if (!p) {
		ret = MGM_ERROR_INVALID_PARAMETER;
	} else if (p->n_ifaces) {
		/* The documented order: release every interface first. */
		ret = MGM_ERROR_CAN_NOT_COMPLETE;
	} else {
		uint32_t self = cb_self_count(m, p);

		while (!dlist_empty(&p->enums))
			genum_free(m, container_of(p->enums.next, struct genum,
						   plink));
		/* From here the handle is invalid and no callback starts. */
		slot_free(&m->ptab, p->slot);
		dlist_del(&p->link);
		p->dead = true;
		/*
		 * Wait for its callbacks running on other threads, so that
		 * the protocol may free its ctx once this returns.  Its own
		 * callbacks on this thread (a protocol deregistering from
		 * inside one) cannot finish first, so they do not count;
		 * nor can callbacks that are themselves waiting, through
		 * other deregistrations, for this thread (a cycle: see
		 * cb_would_deadlock).
		 */
		if (p->running > self) {
			struct cb_waiter w = { pthread_self(), p, { 0 } };

			dlist_add_tail(&m->waiters, &w.link);
			while (p->running > self && !cb_would_deadlock(m, p)) {
				pthread_cond_wait(&m->cb_done, &m->lock);
				m->q = &q;
			}
			dlist_del(&w.link);
		}
		proto_put(p);
	}
	mgm_unlock(m);
	return ret;
}

/* ------------------------------------------------------------------ */
/* Ownership                                                           */

static void dp_sync(struct mgm *m)
{
	int err = m->ops->sync ? m->ops->sync(m->dp) : 0;

	if (err)
		mgm_logf(m, LOG_ERR, "datapath sync: %s", strerror(-err));
}

static void dp_tx_disable(struct mgm *m, uint32_t ifindex, bool off)
{
	int err = m->ops->if_tx_disable ?
			  m->ops->if_tx_disable(m->dp, ifindex, off) :
			  0;

	if (err)
		mgm_logf(m, LOG_ERR, "datapath tx %s on %u: %s",
			 off ? "disable" : "enable", ifindex, strerror(-err));
}

/*
 * Step (a) of the handoff: tell IGMP to stop touching the interface.
 * Called with the lock held; drops it around the callback.  The caller
 * marked the interface busy, so it cannot change ownership meanwhile.
 */
static void igmp_disable(struct mgm *m, struct cbq *q, struct iface *ifc)
{
	struct proto *ig = ifc->igmp;
	mgm_disable_igmp_cb fn = ig->cfg.disable_igmp;
	void *ctx = ig->cfg.ctx;

	ifc->busy = true;
	ifc->igmp_disabled = true;
	if (!fn)
		return;
	mgm_unlock(m);
	mgm_count_callback(m);
	fn(ctx, ifc->ifindex, ifc->nexthop);
	mgm_lock(m, q);
}

/* Step (c): queue IGMP's enable callback, after every other change. */
static void igmp_enable(struct mgm *m, struct iface *ifc)
{
	struct proto *ig = ifc->igmp;

	ifc->busy = false;
	ifc->igmp_disabled = false;
	if (ig->cfg.enable_igmp) {
		struct cb_rec r = {
			.kind = CB_ENABLE,
			.p = ig,
			.ctx = ig->cfg.ctx,
			.fn.enable = ig->cfg.enable_igmp,
			.ifindex = ifc->ifindex,
			.nexthop = ifc->nexthop,
		};

		cbq_push(m, &r);
	}
}

uint32_t mgm_take_interface_ownership(struct mgm *m, mgm_handle_t protocol,
				      uint32_t ifindex, uint32_t nexthop)
{
	struct cbq q = { 0 };
	struct iface *ifc;
	struct proto *p;
	uint32_t ret = MGM_NO_ERROR;

	if (!m)
		return MGM_ERROR_INVALID_PARAMETER;
	mgm_lock(m, &q);
	p = proto_get(m, protocol);
	if (!p || !ifindex) {
		ret = MGM_ERROR_INVALID_PARAMETER;
		goto out;
	}
	ifc = iface_find(m, ifindex, nexthop);
	if (ifc && ifc->busy) {
		ret = MGM_ERROR_CAN_NOT_COMPLETE;
		goto out;
	}
	if (ifc && (p->igmp ? ifc->igmp != NULL : ifc->owner != NULL)) {
		ret = MGM_ERROR_ALREADY_EXISTS;
		goto out;
	}
	if (!ifc)
		ifc = iface_get(m, ifindex, nexthop);
	if (!ifc) {
		ret = MGM_ERROR_NOT_ENOUGH_MEMORY;
		goto out;
	}
	p->n_ifaces++;
	if (p->igmp) {
		ifc->igmp = p;
		mfe_iif_owner_changed(m, ifc);
		goto out;
	}
	/* Owned from now on: a concurrent take gets ALREADY_EXISTS. */
	ifc->owner = p;
	mfe_iif_owner_changed(m, ifc);
	if (ifc->igmp) {
		/*
		 * MGM 5.5: IGMP's memberships here were made while it was
		 * alone; they go, and IGMP re-adds them after the enable
		 * callback, which tells the new owner (local joins).
		 */
		igmp_disable(m, &q, ifc);
		memb_remove_all(m, ifc, ifc->igmp, false);
		mfe_interface_released(m, ifc, false);
		dp_sync(m);
		igmp_enable(m, ifc);
	}
out:
	mgm_unlock_run(m, &q);
	return ret;
}

uint32_t mgm_release_interface_ownership(struct mgm *m, mgm_handle_t protocol,
					 uint32_t ifindex, uint32_t nexthop)
{
	struct cbq q = { 0 };
	struct iface *ifc;
	struct proto *p, *ig;
	uint32_t ret = MGM_NO_ERROR;

	if (!m)
		return MGM_ERROR_INVALID_PARAMETER;
	mgm_lock(m, &q);
	p = proto_get(m, protocol);
	ifc = p ? iface_find(m, ifindex, nexthop) : NULL;
	if (!p || !ifc || (ifc->owner != p && ifc->igmp != p)) {
		ret = MGM_ERROR_INVALID_PARAMETER;
		goto out;
	}
	if (ifc->busy) {
		ret = MGM_ERROR_CAN_NOT_COMPLETE;
		goto out;
	}

	if (p->igmp && ifc->owner) {
		/*
		 * IGMP leaves an interface a routing protocol keeps: only
		 * IGMP's receivers go; the owner hears of each (local leave)
		 * since it can no longer learn them from IGMP.
		 */
		memb_remove_all(m, ifc, p, true);
		mfe_interface_released(m, ifc, false);
		dp_sync(m);
		ifc->igmp = NULL;
		p->n_ifaces--;
		goto out;
	}

	ig = p->igmp ? NULL : ifc->igmp;
	if (ig)
		igmp_disable(m, &q, ifc);
	/*
	 * The promise of release: copies toward the interface stop now
	 * (tx disable takes effect for the next packet), the MFEs are
	 * rewritten without it, and once sync() returns no packet that saw
	 * the old state is in flight.  Only then is transmit re-allowed,
	 * for whatever owns the interface next.
	 */
	dp_tx_disable(m, ifindex, true);
	/*
	 * Unless the ifindex stays an oif through another next hop, take it
	 * out of every out-set at once: the MFE rewrites below then ask the
	 * datapath for what it already holds, which costs nothing.
	 */
	if (m->ops->if_release && ifx_alone(m, ifc)) {
		int err = m->ops->if_release(m->dp, ifindex);

		if (err)
			mgm_logf(m, LOG_ERR, "datapath if_release: %s",
				 strerror(-err));
	}
	memb_remove_all(m, ifc, p, false);
	if (ig)
		memb_remove_all(m, ifc, ig, false);
	mfe_interface_released(m, ifc, true);
	dp_sync(m);
	dp_tx_disable(m, ifindex, false);
	if (p->igmp)
		ifc->igmp = NULL;
	else
		ifc->owner = NULL;
	p->n_ifaces--;
	if (ig)
		igmp_enable(m, ifc);
	iface_put(m, ifc);
out:
	mgm_unlock_run(m, &q);
	return ret;
}

uint32_t mgm_get_protocol_on_interface(struct mgm *m, uint32_t ifindex,
				       uint32_t nexthop, uint32_t *protocol_id,
				       uint32_t *component_id)
{
	struct cbq q = { 0 };
	struct iface *ifc;
	struct proto *p = NULL;
	uint32_t ret = MGM_NO_ERROR;

	if (!m || !protocol_id || !component_id)
		return MGM_ERROR_INVALID_PARAMETER;
	mgm_lock(m, &q);
	ifc = iface_find(m, ifindex, nexthop);
	if (ifc)
		p = iface_owner(ifc);
	if (p) {
		*protocol_id = p->protocol_id;
		*component_id = p->component_id;
	} else {
		ret = MGM_ERROR_NOT_FOUND;
	}
	mgm_unlock(m);
	return ret;
}

/* ------------------------------------------------------------------ */
/* Introspection                                                       */

int mgm_foreach_protocol(struct mgm *m,
			 int (*fn)(void *arg, const struct mgm_protocol_info *),
			 void *arg)
{
	struct mgm_protocol_info *v = NULL;
	struct cbq q = { 0 };
	struct dlist *pos, *tmp;
	size_t n = 0, cap = 0, i;
	int ret = 0;

	if (!m || !fn)
		return -EINVAL;
	mgm_lock(m, &q);
	dlist_for_each_safe(pos, tmp, &m->protos)
	{
		struct proto *p = container_of(pos, struct proto, link);

		if (vec_reserve((void **)&v, &cap, n + 1, sizeof(*v))) {
			ret = -ENOMEM;
			break;
		}
		v[n++] = (struct mgm_protocol_info){
			.handle = handle_make(m, HT_PROTO, &m->ptab, p->slot),
			.protocol_id = p->protocol_id,
			.component_id = p->component_id,
			.num_interfaces = p->n_ifaces,
			.num_memberships = p->n_membs,
		};
	}
	mgm_unlock(m);
	/* Called without the lock: a snapshot, and fn cannot deadlock. */
	for (i = 0; !ret && i < n; i++)
		ret = fn(arg, &v[i]);
	free(v);
	return ret;
}

static int if_info_cmp(const void *a, const void *b)
{
	const struct mgm_interface_info *x = a, *y = b;

	if (x->ifindex != y->ifindex)
		return x->ifindex < y->ifindex ? -1 : 1;
	if (x->nexthop != y->nexthop)
		return x->nexthop < y->nexthop ? -1 : 1;
	return 0;
}

int mgm_foreach_interface(struct mgm *m,
			  int (*fn)(void *arg,
				    const struct mgm_interface_info *),
			  void *arg)
{
	struct mgm_interface_info *v = NULL;
	struct cbq q = { 0 };
	size_t n = 0, cap = 0, i;
	int ret = 0;

	if (!m || !fn)
		return -EINVAL;
	mgm_lock(m, &q);
	for (i = 0; i <= m->ifaces.mask && !ret; i++) {
		struct hnode *h;

		for (h = m->ifaces.b[i]; h; h = h->next) {
			struct iface *f = container_of(h, struct iface, hn);

			if (vec_reserve((void **)&v, &cap, n + 1, sizeof(*v))) {
				ret = -ENOMEM;
				break;
			}
			v[n++] = (struct mgm_interface_info){
				.ifindex = f->ifindex,
				.nexthop = f->nexthop,
				.owner_protocol_id =
					f->owner ? f->owner->protocol_id : 0,
				.owner_component_id =
					f->owner ? f->owner->component_id : 0,
				.igmp = f->igmp != NULL,
				.igmp_component_id =
					f->igmp ? f->igmp->component_id : 0,
			};
		}
	}
	mgm_unlock(m);
	if (n)
		qsort(v, n, sizeof(*v), if_info_cmp);
	for (i = 0; !ret && i < n; i++)
		ret = fn(arg, &v[i]);
	free(v);
	return ret;
}
