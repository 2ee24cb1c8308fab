// SPDX-License-Identifier: GPL-2.0
/*
 * static.c - the "static" routing protocol (see static.h).
 *
 * Routes are few (tens to thousands) and change rarely, so they live in
 * plain arrays.  The order of every change matters: MGM may call back into
 * static_rpf() while a route is being added (an (S,G) join asks who owns
 * the RPF interface), so a route is in the table before MGM hears of it,
 * and leaves it only after MGM has forgotten it.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "proto/static.h"

struct ifref {
	uint32_t ifindex;
	uint32_t refs;
};

struct mref {
	struct mgm_addr source, group;
	uint32_t ifindex;
	uint32_t refs;
};

struct mgm_static {
	struct mgm *m;
	mgm_handle_t h;
	struct static_route *routes;
	size_t n_routes, cap_routes;
	struct ifref *ifs;
	size_t n_ifs, cap_ifs;
	struct mref *mrefs;
	size_t n_mrefs, cap_mrefs;
};

static int grow(void **v, size_t *cap, size_t need, size_t size)
{
	size_t c = *cap ? *cap : 8;
	void *p;

	if (need <= *cap)
		return 0;
	while (c < need)
		c *= 2;
	p = realloc(*v, c * size);
	if (!p)
		return -ENOMEM;
	*v = p;
	*cap = c;
	return 0;
}

static uint32_t addr_bits(const struct mgm_addr *a)
{
	return a->family == MGM_AF_INET ? 32 : 128;
}

/* Do a and b (one family) agree in their first len bits? */
static bool prefix_eq(const struct mgm_addr *a, const struct mgm_addr *b,
		      uint32_t len)
{
	uint32_t i;

	if (a->family != b->family)
		return false;
	for (i = 0; i < len / 8; i++)
		if (a->v6[i] != b->v6[i])
			return false;
	return !(len % 8) ||
	       !((a->v6[i] ^ b->v6[i]) & (uint8_t)(0xff00U >> (len % 8)));
}

static bool route_match(const struct static_route *r,
			const struct mgm_addr *source,
			const struct mgm_addr *group)
{
	return (mgm_addr_is_unspec(&r->source) ||
		mgm_addr_eq(&r->source, source)) &&
	       prefix_eq(group, &r->group, r->prefix_len);
}

bool static_rpf_x(struct mgm_static *s, const struct mgm_addr *source,
		  const struct mgm_addr *group, uint32_t *iif)
{
	const struct static_route *best = NULL;
	size_t i;

	/* A source-specific route beats a (*,G) one; longer prefixes win. */
	for (i = 0; i < s->n_routes; i++) {
		const struct static_route *r = &s->routes[i];

		bool rs = !mgm_addr_is_unspec(&r->source);

		if (!route_match(r, source, group))
			continue;
		if (!best || (rs && mgm_addr_is_unspec(&best->source)) ||
		    (rs == !mgm_addr_is_unspec(&best->source) &&
		     r->prefix_len > best->prefix_len))
			best = r;
	}
	if (best)
		*iif = best->iif;
	return best != NULL;
}

bool static_rpf(struct mgm_static *s, uint32_t source, uint32_t group,
		uint32_t *iif)
{
	struct mgm_addr sa = mgm_addr4(source), ga = mgm_addr4(group);

	return static_rpf_x(s, &sa, &ga, iif);
}

/* ---- MGM callbacks --------------------------------------------------- */

static uint32_t cb_rpf(void *ctx, const struct mgm_addr *source,
		       const struct mgm_addr *group, uint32_t *in_ifindex,
		       uint32_t *in_nexthop, struct mgm_addr *upstream,
		       uint32_t hdr_size, const uint8_t *hdr,
		       struct mgm_route_info_x *route)
{
	struct mgm_static *s = ctx;

	(void)upstream, (void)hdr_size, (void)hdr;
	if (static_rpf_x(s, source, group, in_ifindex)) {
		*in_nexthop = 0;
		route->protocol = MGM_PROTO_STATIC;
		route->ifindex = *in_ifindex;
	}
	return MGM_NO_ERROR;
}

/* ---- interfaces and memberships, reference counted -------------------- */

static struct ifref *ifref_find(struct mgm_static *s, uint32_t ifindex)
{
	size_t i;

	for (i = 0; i < s->n_ifs; i++)
		if (s->ifs[i].ifindex == ifindex)
			return &s->ifs[i];
	return NULL;
}

static int if_hold(struct mgm_static *s, uint32_t ifindex)
{
	struct ifref *r = ifref_find(s, ifindex);
	uint32_t err;

	if (r) {
		r->refs++;
		return 0;
	}
	if (grow((void **)&s->ifs, &s->cap_ifs, s->n_ifs + 1, sizeof(*s->ifs)))
		return -ENOMEM;
	err = mgm_take_interface_ownership(s->m, s->h, ifindex, 0);
	if (err == MGM_ERROR_ALREADY_EXISTS)
		return -EBUSY;
	if (err != MGM_NO_ERROR)
		return -EIO;
	s->ifs[s->n_ifs++] = (struct ifref){ ifindex, 1 };
	return 0;
}

static void if_drop(struct mgm_static *s, uint32_t ifindex)
{
	struct ifref *r = ifref_find(s, ifindex);

	if (!r || --r->refs)
		return;
	mgm_release_interface_ownership(s->m, s->h, ifindex, 0);
	*r = s->ifs[--s->n_ifs];
}

static struct mref *mref_find(struct mgm_static *s,
			      const struct mgm_addr *source,
			      const struct mgm_addr *group, uint32_t ifindex)
{
	size_t i;

	for (i = 0; i < s->n_mrefs; i++) {
		struct mref *r = &s->mrefs[i];

		if (mgm_addr_eq(&r->source, source) &&
		    mgm_addr_eq(&r->group, group) && r->ifindex == ifindex)
			return r;
	}
	return NULL;
}

static int memb_hold(struct mgm_static *s, const struct mgm_addr *source,
		     const struct mgm_addr *group, uint32_t ifindex)
{
	struct mref *r = mref_find(s, source, group, ifindex);

	if (r) {
		r->refs++;
		return 0;
	}
	if (grow((void **)&s->mrefs, &s->cap_mrefs, s->n_mrefs + 1,
		 sizeof(*s->mrefs)))
		return -ENOMEM;
	if (mgm_add_group_membership_x(s->m, s->h, source, group, ifindex, 0,
				       MGM_JOIN_STATE_FLAG) != MGM_NO_ERROR)
		return -EIO;
	s->mrefs[s->n_mrefs++] = (struct mref){ *source, *group, ifindex, 1 };
	return 0;
}

static void memb_drop(struct mgm_static *s, const struct mgm_addr *source,
		      const struct mgm_addr *group, uint32_t ifindex)
{
	struct mref *r = mref_find(s, source, group, ifindex);

	if (!r || --r->refs)
		return;
	mgm_delete_group_membership_x(s->m, s->h, source, group, ifindex, 0,
				      MGM_JOIN_STATE_FLAG);
	*r = s->mrefs[--s->n_mrefs];
}

/* ---- routes --------------------------------------------------------- */

bool static_route_same_traffic(const struct static_route *a,
			       const struct static_route *b)
{
	return mgm_addr_eq(&a->source, &b->source) &&
	       mgm_addr_eq(&a->group, &b->group) &&
	       a->prefix_len == b->prefix_len;
}

static bool same_key(const struct static_route *a, const struct static_route *b)
{
	return a->iif == b->iif && static_route_same_traffic(a, b);
}

bool static_route_equal(const struct static_route *a,
			const struct static_route *b)
{
	uint32_t i, j;

	if (!same_key(a, b) || a->n_oifs != b->n_oifs)
		return false;
	for (i = 0; i < a->n_oifs; i++) {
		for (j = 0; j < b->n_oifs && b->oifs[j] != a->oifs[i]; j++)
			;
		if (j == b->n_oifs)
			return false;
	}
	return true;
}

/* Is a's host part (past len bits) all zero? */
static bool host_zero(const struct mgm_addr *a, uint32_t len)
{
	struct mgm_addr z = { .family = a->family };

	memcpy(z.v6, a->v6, 16);
	for (; len < 128; len++)
		z.v6[len / 8] &= (uint8_t) ~(0x80U >> (len % 8));
	return !memcmp(z.v6, a->v6, 16);
}

static int route_check(const struct static_route *r)
{
	const struct mgm_addr *ga = &r->group, *sa = &r->source;
	uint32_t i, j;

	if ((ga->family != MGM_AF_INET && ga->family != MGM_AF_INET6) ||
	    sa->family != ga->family || ga->reserved || sa->reserved)
		return -EINVAL;
	if (r->prefix_len > addr_bits(ga) ||
	    r->prefix_len < (ga->family == MGM_AF_INET ? STATIC_MIN_PREFIX :
							 STATIC_MIN_PREFIX6) ||
	    !host_zero(ga, r->prefix_len))
		return -EINVAL;
	if (ga->family == MGM_AF_INET) {
		uint32_t g = ntohl(ga->v4), sh = ntohl(sa->v4);

		if ((g >> 28) != 0xe || ga->w[1] | ga->w[2] | ga->w[3] ||
		    sa->w[1] | sa->w[2] | sa->w[3])
			return -EINVAL;
		/* 224.0.0.0/24 is link-local: never routed. */
		if ((g & 0xffffff00) == 0xe0000000)
			return -EINVAL;
		if (sh && ((sh >> 28) >= 0xe || !(sh >> 24)))
			return -EINVAL;
	} else {
		static const uint8_t loop[16] = { [15] = 1 };

		/* ff00::/8; scopes 0 (reserved), 1 (interface-local) and
		 * 2 (link-local) are never routed. */
		if (ga->v6[0] != 0xff || (ga->v6[1] & 0x0f) <= 2)
			return -EINVAL;
		if (sa->v6[0] == 0xff || !memcmp(sa->v6, loop, 16))
			return -EINVAL;
	}
	if (!r->iif || !r->n_oifs || r->n_oifs > STATIC_MAX_OIFS)
		return -EINVAL;
	for (i = 0; i < r->n_oifs; i++) {
		if (!r->oifs[i] || r->oifs[i] == r->iif)
			return -EINVAL;
		for (j = 0; j < i; j++)
			if (r->oifs[j] == r->oifs[i])
				return -EINVAL;
	}
	return 0;
}

/* The memberships a route stands for: (S,G) or (*,G) per group. */
static uint32_t route_groups(const struct static_route *r)
{
	return 1U << (addr_bits(&r->group) - r->prefix_len);
}

/* The k-th group of the prefix (the prefix is at most 8 bits wide). */
static const struct mgm_addr *route_group(const struct static_route *r,
					  uint32_t k, struct mgm_addr *buf)
{
	*buf = r->group;
	if (r->group.family == MGM_AF_INET)
		buf->v4 = htonl(ntohl(r->group.v4) + k);
	else
		buf->w[3] = htonl(ntohl(r->group.w[3]) + k);
	return buf;
}

/* Undo the first n_if interfaces and the first n_m memberships of r. */
static void route_unwind(struct mgm_static *s, const struct static_route *r,
			 uint32_t n_if, uint64_t n_m)
{
	struct mgm_addr gb;
	uint64_t k;
	uint32_t i;

	for (k = 0; k < n_m; k++)
		memb_drop(s, &r->source,
			  route_group(r, (uint32_t)(k / r->n_oifs), &gb),
			  r->oifs[k % r->n_oifs]);
	for (i = 0; i < n_if; i++)
		if_drop(s, i ? r->oifs[i - 1] : r->iif);
}

int static_route_add(struct mgm_static *s, const struct static_route *r)
{
	struct mgm_addr gb;
	uint64_t k, n_m = 0;
	uint32_t i, n_if = 0;
	size_t j;
	int err;

	err = route_check(r);
	if (err)
		return err;
	for (j = 0; j < s->n_routes; j++) {
		const struct static_route *o = &s->routes[j];

		if (same_key(o, r))
			return -EEXIST;
		/* The same traffic cannot come from two interfaces. */
		if (mgm_addr_eq(&o->source, &r->source) && o->iif != r->iif &&
		    prefix_eq(&o->group, &r->group,
			      o->prefix_len < r->prefix_len ? o->prefix_len :
							      r->prefix_len))
			return -EBUSY;
	}
	if (grow((void **)&s->routes, &s->cap_routes, s->n_routes + 1,
		 sizeof(*s->routes)))
		return -ENOMEM;
	/* In the table first: MGM may ask static_rpf() about it below. */
	s->routes[s->n_routes++] = *r;

	for (i = 0; i <= r->n_oifs; i++, n_if++) {
		err = if_hold(s, i ? r->oifs[i - 1] : r->iif);
		if (err)
			goto undo;
	}
	for (k = 0; k < (uint64_t)route_groups(r) * r->n_oifs; k++, n_m++) {
		err = memb_hold(s, &r->source,
				route_group(r, (uint32_t)(k / r->n_oifs), &gb),
				r->oifs[k % r->n_oifs]);
		if (err)
			goto undo;
	}
	return 0;
undo:
	route_unwind(s, r, n_if, n_m);
	s->n_routes--;
	return err;
}

int static_route_update(struct mgm_static *s, const struct static_route *r)
{
	struct mgm_addr gb;
	struct static_route old;
	uint64_t k, n_m = 0;
	uint32_t i, n_if = 0;
	size_t j;
	int err;

	err = route_check(r);
	if (err)
		return err;
	for (j = 0; j < s->n_routes && !same_key(&s->routes[j], r); j++)
		;
	if (j == s->n_routes)
		return -ENOENT;
	old = s->routes[j];
	/* Hold the new oifs and memberships (the iif is held already). */
	for (i = 0; i < r->n_oifs; i++, n_if++) {
		err = if_hold(s, r->oifs[i]);
		if (err)
			goto undo;
	}
	for (k = 0; k < (uint64_t)route_groups(r) * r->n_oifs; k++, n_m++) {
		err = memb_hold(s, &r->source,
				route_group(r, (uint32_t)(k / r->n_oifs), &gb),
				r->oifs[k % r->n_oifs]);
		if (err)
			goto undo;
	}
	s->routes[j] = *r;
	/* Then let go of the old ones; shared ones keep a reference. */
	for (k = 0; k < (uint64_t)route_groups(&old) * old.n_oifs; k++)
		memb_drop(s, &old.source,
			  route_group(&old, (uint32_t)(k / old.n_oifs), &gb),
			  old.oifs[k % old.n_oifs]);
	for (i = 0; i < old.n_oifs; i++)
		if_drop(s, old.oifs[i]);
	return 0;
undo:
	for (k = 0; k < n_m; k++)
		memb_drop(s, &r->source,
			  route_group(r, (uint32_t)(k / r->n_oifs), &gb),
			  r->oifs[k % r->n_oifs]);
	for (i = 0; i < n_if; i++)
		if_drop(s, r->oifs[i]);
	return err;
}

int static_route_del(struct mgm_static *s, const struct static_route *r)
{
	struct static_route gone;
	size_t j;

	for (j = 0; j < s->n_routes && !same_key(&s->routes[j], r); j++)
		;
	if (j == s->n_routes)
		return -ENOENT;
	gone = s->routes[j];
	route_unwind(s, &gone, gone.n_oifs + 1,
		     (uint64_t)route_groups(&gone) * gone.n_oifs);
	/* Out of the table last: MGM no longer needs it for RPF. */
	s->routes[j] = s->routes[--s->n_routes];
	return 0;
}

int static_foreach_route(struct mgm_static *s,
			 int (*fn)(void *arg, const struct static_route *),
			 void *arg)
{
	size_t i;
	int ret;

	for (i = 0; i < s->n_routes; i++) {
		ret = fn(arg, &s->routes[i]);
		if (ret)
			return ret;
	}
	return 0;
}

int static_interfaces(struct mgm_static *s, uint32_t *ifindexes, int max)
{
	int i;

	for (i = 0; i < (int)s->n_ifs && i < max; i++)
		ifindexes[i] = s->ifs[i].ifindex;
	return (int)s->n_ifs;
}

int static_if_take(struct mgm_static *s, uint32_t ifindex)
{
	struct mgm_addr gb;
	uint32_t refs = 0, i, k;
	size_t j;
	int err;

	if (ifref_find(s, ifindex))
		return -EEXIST;
	err = if_hold(s, ifindex);
	if (err)
		return err;
	/*
	 * Routes through it count as references again.  A route's
	 * memberships exist while static owns both its incoming interface
	 * and the outgoing one: an oif taken back gets those of the routes
	 * whose iif static owns, an iif taken back gives its routes theirs
	 * on the oifs static owns.
	 */
	for (j = 0; j < s->n_routes; j++) {
		const struct static_route *r = &s->routes[j];
		bool iif_owned = ifref_find(s, r->iif);

		if (r->iif == ifindex) {
			refs++;
			for (i = 0; i < r->n_oifs; i++)
				for (k = 0; ifref_find(s, r->oifs[i]) &&
					    k < route_groups(r);
				     k++)
					memb_hold(s, &r->source,
						  route_group(r, k, &gb),
						  r->oifs[i]);
			continue;
		}
		for (i = 0; i < r->n_oifs; i++) {
			if (r->oifs[i] != ifindex)
				continue;
			refs++;
			for (k = 0; iif_owned && k < route_groups(r); k++)
				memb_hold(s, &r->source, route_group(r, k, &gb),
					  ifindex);
		}
	}
	ifref_find(s, ifindex)->refs += refs;
	return 0;
}

int static_if_release(struct mgm_static *s, uint32_t ifindex)
{
	struct mgm_addr gb;
	struct ifref *r = ifref_find(s, ifindex);
	size_t i, j;
	uint64_t k;

	if (!r)
		return -ENOENT;
	/*
	 * Routes from it are inert until a take: their memberships on the
	 * other interfaces go too, or traffic arriving there by another
	 * permission (mgmd's phyint) would still reach them.
	 */
	for (j = 0; j < s->n_routes; j++) {
		const struct static_route *rt = &s->routes[j];

		if (rt->iif != ifindex)
			continue;
		for (k = 0; k < (uint64_t)route_groups(rt) * rt->n_oifs; k++)
			memb_drop(s, &rt->source,
				  route_group(rt, (uint32_t)(k / rt->n_oifs),
					      &gb),
				  rt->oifs[k % rt->n_oifs]);
	}
	/* MGM removes our memberships there with the release. */
	for (i = 0; i < s->n_mrefs;) {
		if (s->mrefs[i].ifindex == ifindex)
			s->mrefs[i] = s->mrefs[--s->n_mrefs];
		else
			i++;
	}
	*r = s->ifs[--s->n_ifs];
	mgm_release_interface_ownership(s->m, s->h, ifindex, 0);
	return 0;
}

mgm_handle_t static_handle(const struct mgm_static *s)
{
	return s->h;
}

int static_create(struct mgm *m, struct mgm_static **out)
{
	struct mgm_static *s = calloc(1, sizeof(*s));
	struct mgm_protocol_config_x cfg = {
		.families = MGM_FAMILY_IPV4 | MGM_FAMILY_IPV6,
		.rpf = cb_rpf,
	};
	uint32_t err;

	if (!s)
		return -ENOMEM;
	s->m = m;
	cfg.ctx = s;
	err = mgm_register_protocol_x(m, &cfg, MGM_PROTO_STATIC, 1, &s->h);
	if (err != MGM_NO_ERROR) {
		free(s);
		return err == MGM_ERROR_ALREADY_EXISTS ? -EEXIST : -EIO;
	}
	*out = s;
	return 0;
}

void static_forget(struct mgm_static *s)
{
	if (!s)
		return;
	free(s->routes);
	free(s->ifs);
	free(s->mrefs);
	free(s);
}

void static_destroy(struct mgm_static *s)
{
	if (!s)
		return;
	/* The seed: release each interface, then deregister. */
	while (s->n_ifs)
		mgm_release_interface_ownership(s->m, s->h,
						s->ifs[--s->n_ifs].ifindex, 0);
	mgm_deregister_protocol(s->m, s->h);
	static_forget(s);
}
