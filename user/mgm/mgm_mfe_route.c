// SPDX-License-Identifier: GPL-2.0
/*
 * mgm_mfe_route.c - the route information of MFEs (upstream neighbour,
 * route network and prefix length, route protocol), interned: MFEs
 * reached by one route share one counted record (m->routes), so that an
 * MFE pays a pointer for what only MgmGetMfe's records read.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "mgm_int.h"

static uint32_t route_hash(const struct mfe_route *r)
{
	const uint32_t *u = r->upstream, *n = r->network;

	return mgm_hash(((uint64_t)(u[0] ^ u[1] ^ r->family) << 32) |
				(n[0] ^ n[1] ^ r->plen),
			((uint64_t)(u[2] ^ u[3]) << 32) |
				(n[2] ^ n[3] ^ r->protocol));
}

uint32_t mfe_route_hash(const struct hnode *n)
{
	return route_hash(container_of(n, struct mfe_route, hn));
}

static bool route_eq(const struct mfe_route *a, const struct mfe_route *b)
{
	return a->family == b->family && a->plen == b->plen &&
	       a->protocol == b->protocol &&
	       !memcmp(a->upstream, b->upstream, sizeof(a->upstream)) &&
	       !memcmp(a->network, b->network, sizeof(a->network));
}

void mfe_route_put(struct mgm *m, struct mfe *e)
{
	struct mfe_route *r = e->rt;

	e->rt = NULL;
	if (!r || --r->refs)
		return;
	htab_remove(&m->routes, &r->hn);
	free(r);
}

int mfe_route_set(struct mgm *m, struct mfe *e, const struct mgm_addr *up,
		  const struct mgm_addr *net, uint32_t plen, uint32_t protocol)
{
	struct mfe_route k = { .protocol = protocol,
			       .plen = (uint8_t)plen,
			       .family = e->family },
			 *r = NULL;
	struct hnode *n;

	memcpy(k.upstream, up->w, sizeof(k.upstream));
	memcpy(k.network, net->w, sizeof(k.network));
	if (protocol || plen || !addr_is_any(up) || !addr_is_any(net)) {
		for (n = htab_bucket(&m->routes, route_hash(&k)); n && !r;
		     n = n->next)
			if (route_eq(container_of(n, struct mfe_route, hn), &k))
				r = container_of(n, struct mfe_route, hn);
		if (!r) {
			r = malloc(sizeof(*r));
			if (!r)
				return -ENOMEM;
			*r = k;
			htab_insert(&m->routes, &r->hn);
		}
		r->refs++;
	}
	mfe_route_put(m, e);
	e->rt = r;
	return 0;
}

void mfe_route_record(const struct mfe *e, struct mgm_addr *up,
		      struct mgm_addr *net, uint32_t *plen, uint32_t *protocol)
{
	static const uint32_t zero[4];
	const struct mfe_route *r = e->rt;

	*up = mfe_addr(e, r ? r->upstream : zero);
	*net = mfe_addr(e, r ? r->network : zero);
	*plen = r ? r->plen : 0;
	*protocol = r ? r->protocol : 0;
}
