// SPDX-License-Identifier: GPL-2.0
/*
 * kmirror.c - the "kernel" protocol (see kmirror.h): the kernel's MFC as
 * MGM memberships.  The datapath policy is in kmirror_policy.c, netlink in
 * kmirror_nl.c.
 *
 * Every entry the kernel reports lives in a hash table keyed by (S,G)
 * with its last reported state and where it is forwarded (XDP or the
 * kernel, and why).  One function, ent_apply(), moves an entry from one
 * kernel state to the next; notifications, dumps and re-evaluations all
 * go through it, so the MGM side always follows the same order:
 *
 *   - leaving XDP (deleted, no longer eligible, parent moved): the entry
 *     is marked first, so the datapath policy refuses installs from that
 *     moment; then the MFE goes (mgm_delete_mfe: out of the fast path,
 *     packets back to the kernel), then the memberships;
 *   - changing outgoing interfaces in place: the new state is recorded
 *     first, then memberships that went are deleted and new ones added;
 *     the policy intersects every install with the kernel's current
 *     interfaces, so no intermediate set ever exceeds the kernel's;
 *   - entering XDP: the state first (MGM asks kmirror_rpf() and the
 *     policy while creating), memberships, then mgm_adopt_mfe().
 *
 * Interfaces are held by the mirrored entries that use them; kmirror
 * takes ownership and attaches the forwarder on first use and keeps both
 * (entries come and go with traffic: smcroute flushes idle (S,G) entries
 * and re-adds them on the next packet) until a resync finds them unused,
 * which VIF changes (a daemon exiting) and overruns trigger.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <linux/rtnetlink.h>
#include <syslog.h>

#include "proto/kmirror_int.h"

#define KM_MFE_BUF (1 << 16)
#define KM_MFE_OIFS 256 /* an MGM MFE read back (next hops included) */

/* Reasons an entry stays with the kernel; these two can change without a
 * change of the entry itself (compared by address). */
static const char R_TTL[] = "ttl";
static const char R_STATIC_TREE[] = "static-tree";

/* The fast path's clock (its event timestamps), unless the host has one. */
static uint64_t now_ns(const struct kmirror *k)
{
	struct timespec ts;

	if (k->ops.now_ns)
		return k->ops.now_ns(k->ops.ctx);
	clock_gettime(CLOCK_MONOTONIC_COARSE, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

void km_log(struct kmirror *k, int level, const char *fmt, ...)
{
	char msg[256];
	va_list ap;

	if (!k->ops.log)
		return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	k->ops.log(k->ops.ctx, level, msg);
}

static const char *sg_str(const struct mgm_addr *s, const struct mgm_addr *g,
			  char *buf, size_t len)
{
	char a[MGM_ADDRSTRLEN] = "*", b[MGM_ADDRSTRLEN];

	if (!mgm_addr_is_unspec(s))
		mgm_addr_ntop(s, a, sizeof(a));
	mgm_addr_ntop(g, b, sizeof(b));
	snprintf(buf, len, "(%s,%s)", a, b);
	return buf;
}

/* 0 for IPv4, 1 for IPv6: the index of per-family counts. */
static unsigned int fam_ix(const struct mgm_addr *a)
{
	return a->family == MGM_AF_INET6;
}

bool km_family_on(const struct kmirror *k, const struct mgm_addr *a)
{
	if (a->family == MGM_AF_INET)
		return k->families & MGM_FAMILY_IPV4;
	if (a->family == MGM_AF_INET6)
		return k->families & MGM_FAMILY_IPV6;
	return false;
}

/* The family's unspecified address (the wildcard of a (*,G)). */
static struct mgm_addr unspec_of(const struct mgm_addr *a)
{
	return (struct mgm_addr){ .family = a->family };
}

/* ---- the entry table ------------------------------------------------------ */

static uint32_t hash_sg(const struct mgm_addr *s, const struct mgm_addr *g)
{
	uint64_t x = g->family;
	unsigned int i;

	for (i = 0; i < 4; i++) {
		x = (x ^ s->w[i]) * 0x9e3779b97f4a7c15ULL;
		x = (x ^ g->w[i]) * 0x9e3779b97f4a7c15ULL;
	}
	return (uint32_t)(x >> 32);
}

struct km_ent *ent_find(struct kmirror *k, const struct mgm_addr *s,
			const struct mgm_addr *g)
{
	struct km_ent *e = k->tab[hash_sg(s, g) & k->mask];

	for (; e; e = e->next)
		if (mgm_addr_eq(&e->k.source, s) && mgm_addr_eq(&e->k.group, g))
			return e;
	return NULL;
}

static void tab_grow(struct kmirror *k)
{
	uint32_t cap = (k->mask + 1) * 2, i;
	struct km_ent **t = calloc(cap, sizeof(*t));

	if (!t)
		return; /* longer chains, still correct */
	for (i = 0; i <= k->mask; i++) {
		while (k->tab[i]) {
			struct km_ent *e = k->tab[i];
			uint32_t b = hash_sg(&e->k.source, &e->k.group) &
				     (cap - 1);

			k->tab[i] = e->next;
			e->next = t[b];
			t[b] = e;
		}
	}
	free(k->tab);
	k->tab = t;
	k->mask = cap - 1;
}

static struct km_ent *ent_new(struct kmirror *k, const struct mgm_addr *s,
			      const struct mgm_addr *g)
{
	struct km_ent *e = calloc(1, sizeof(*e));
	uint32_t b;

	if (!e)
		return NULL;
	if (k->n + 1 > k->mask + 1)
		tab_grow(k);
	e->k.source = *s;
	e->k.group = *g;
	e->state = KM_KERNEL;
	e->reason = "new";
	b = hash_sg(s, g) & k->mask;
	e->next = k->tab[b];
	k->tab[b] = e;
	k->n++;
	return e;
}

static void ent_unlink(struct kmirror *k, struct km_ent *e)
{
	struct km_ent **pp =
		&k->tab[hash_sg(&e->k.source, &e->k.group) & k->mask];

	for (; *pp; pp = &(*pp)->next) {
		if (*pp == e) {
			*pp = e->next;
			k->n--;
			return;
		}
	}
}

/* The kernel's route for (S,G): the exact entry, else the (*,G) one. */
struct km_ent *route_of(struct kmirror *k, const struct mgm_addr *s,
			const struct mgm_addr *g)
{
	struct mgm_addr any = unspec_of(g);
	struct km_ent *e = mgm_addr_is_unspec(s) ? NULL : ent_find(k, s, g);

	return e ? e : ent_find(k, &any, g);
}

/* ---- interfaces -------------------------------------------------------------- */

struct km_if *if_find(struct kmirror *k, uint32_t ifindex)
{
	uint32_t i;

	for (i = 0; i < k->n_ifs; i++)
		if (k->ifs[i].ifindex == ifindex)
			return &k->ifs[i];
	return NULL;
}

static struct km_if *if_get(struct kmirror *k, uint32_t ifindex)
{
	struct km_if *r = if_find(k, ifindex);

	if (r || k->n_ifs == KM_MAX_IFS)
		return r;
	r = &k->ifs[k->n_ifs++];
	*r = (struct km_if){ .ifindex = ifindex, .usable = -2, .ttl = -1 };
	return r;
}

static bool if_usable(struct kmirror *k, uint32_t ifindex)
{
	struct km_if *r = if_get(k, ifindex);

	if (!r)
		return false;
	if (r->usable == -2)
		r->usable = k->ops.if_usable ?
				    k->ops.if_usable(k->ops.ctx, ifindex) :
				    1;
	return r->usable > 0;
}

static int if_hold(struct kmirror *k, uint32_t ifindex)
{
	struct km_if *r = if_get(k, ifindex);
	uint32_t err;
	int ret;

	if (!r)
		return -ENOSPC;
	if (!r->owned) {
		err = mgm_take_interface_ownership(k->m, k->h, ifindex, 0);
		if (err != MGM_NO_ERROR)
			return err == MGM_ERROR_ALREADY_EXISTS ? -EBUSY : -EIO;
		r->owned = true;
		ret = k->ops.attach ? k->ops.attach(k->ops.ctx, ifindex) : 1;
		if (ret < 0) {
			mgm_release_interface_ownership(k->m, k->h, ifindex, 0);
			r->owned = false;
			return -ENODEV;
		}
		r->attached = ret > 0;
	}
	r->refs++;
	return 0;
}

static void if_unhold(struct kmirror *k, uint32_t ifindex)
{
	struct km_if *r = if_find(k, ifindex);

	if (r && r->refs)
		r->refs--;
}

/*
 * Give an unused interface back: the forwarder first (no new misses from
 * it), then MGM.  Misses it reported until then may still wait in the
 * ring; released_ns tells the policy they were the kernel's.
 */
static void if_release(struct kmirror *k, struct km_if *r)
{
	if (r->refs || !r->owned)
		return;
	if (r->attached && k->ops.detach)
		k->ops.detach(k->ops.ctx, r->ifindex);
	r->attached = false;
	r->released_ns = now_ns(k);
	mgm_release_interface_ownership(k->m, k->h, r->ifindex, 0);
	r->owned = false;
}

/* Forget records nothing refers to any more (cached kinds may change),
 * keeping a release a few seconds: its misses are long handled then. */
static void ifs_compact(struct kmirror *k)
{
	uint64_t now = now_ns(k);
	uint32_t i;

	for (i = 0; i < k->n_ifs;) {
		struct km_if *r = &k->ifs[i];

		if (!r->refs && !r->owned && !r->ttl_users &&
		    now - r->released_ns > 5000000000ULL)
			*r = k->ifs[--k->n_ifs];
		else
			i++;
	}
}

/* ---- eligibility ------------------------------------------------------------- */

/* The interfaces XDP sends copies out of: a (*,G)'s parent is only the
 * interface it accepts traffic on (the kernel never sends back out of the
 * arrival interface for (*,G)). */
uint32_t eff_oifs(const struct km_mfc *c, struct km_oif *out)
{
	uint32_t i, n = 0;

	for (i = 0; i < c->n_oifs; i++)
		if (!mgm_addr_is_unspec(&c->source) ||
		    c->oifs[i].ifindex != c->iif)
			out[n++] = c->oifs[i];
	return n;
}

static bool has_oif(const struct km_mfc *c, uint32_t ifindex)
{
	uint32_t i;

	for (i = 0; i < c->n_oifs; i++)
		if (c->oifs[i].ifindex == ifindex)
			return true;
	return false;
}

static bool ttl_ok(struct kmirror *k, uint32_t ifindex, uint8_t ttl)
{
	struct km_if *r = if_find(k, ifindex);

	return !r || !r->ttl_users || r->ttl == ttl;
}

/*
 * What the fast path never forwards: IPv4 groups in 224.0.0.0/24; IPv6
 * groups of scope 0 (reserved), 1 (interface-local) and 2 (link-local),
 * and IPv6 sources that are link-local (fe80::/10) or loopback (::1).
 */
static bool link_local(const struct km_mfc *c)
{
	const uint8_t *g = c->group.v6, *s = c->source.v6;

	if (c->group.family == MGM_AF_INET)
		return (ntohl(c->group.v4) & 0xffffff00U) == 0xe0000000U;
	if ((g[1] & 0x0f) <= 2)
		return true;
	if (s[0] == 0xfe && (s[1] & 0xc0) == 0x80)
		return true;
	return !(c->source.w[0] | c->source.w[1] | c->source.w[2]) &&
	       c->source.w[3] == htonl(1);
}

static bool is_multicast(const struct mgm_addr *g)
{
	if (g->family == MGM_AF_INET)
		return (ntohl(g->v4) & 0xf0000000U) == 0xe0000000U;
	return g->v6[0] == 0xff;
}

/* NULL if the fast path can carry c exactly as the kernel does. */
static const char *check(struct kmirror *k, const struct km_mfc *c)
{
	struct km_oif eo[KM_MAX_OIFS];
	bool star = mgm_addr_is_unspec(&c->source);
	uint32_t i, n;

	if (mgm_addr_is_unspec(&c->group))
		return "wildcard"; /* (*,*): the kernel's static tree */
	if (!is_multicast(&c->group))
		return "not-multicast";
	if (link_local(c))
		return "link-local";
	if (star && k->n_star_star[fam_ix(&c->group)])
		return R_STATIC_TREE;
	if (!c->iif)
		return "no-iif";
	if (!c->n_oifs)
		return "no-oifs";
	/* (S,G) out of its own parent: XDP never sends back out. */
	if (!star && has_oif(c, c->iif))
		return "oif-is-iif";
	/* (*,G) matches a packet only on a VIF that is in its oif list. */
	if (star && !has_oif(c, c->iif))
		return "no-match";
	n = eff_oifs(c, eo);
	if (!n)
		return "no-oifs";
	if (!if_usable(k, c->iif))
		return "iif-not-ethernet";
	for (i = 0; i < n; i++) {
		if (!if_usable(k, eo[i].ifindex))
			return "oif-not-ethernet";
		if (!ttl_ok(k, eo[i].ifindex, eo[i].ttl))
			return R_TTL;
	}
	return NULL;
}

/* Hold c's iif and oifs; all or nothing. */
static const char *hold_all(struct kmirror *k, const struct km_mfc *c)
{
	struct km_oif eo[KM_MAX_OIFS];
	uint32_t i, n = eff_oifs(c, eo);
	int err = if_hold(k, c->iif);

	for (i = 0; !err && i < n; i++) {
		err = if_hold(k, eo[i].ifindex);
		if (err) {
			while (i--)
				if_unhold(k, eo[i].ifindex);
			if_unhold(k, c->iif);
		}
	}
	if (err == -EBUSY)
		return "interface-busy";
	if (err == -ENODEV)
		return "xdp-attach";
	return err ? "interface" : NULL;
}

static void unhold_all(struct kmirror *k, const struct km_mfc *c)
{
	struct km_oif eo[KM_MAX_OIFS];
	uint32_t i, n = eff_oifs(c, eo);

	if_unhold(k, c->iif);
	for (i = 0; i < n; i++)
		if_unhold(k, eo[i].ifindex);
}

static void ttls_use(struct kmirror *k, const struct km_mfc *c)
{
	struct km_oif eo[KM_MAX_OIFS];
	uint32_t i, n = eff_oifs(c, eo);

	for (i = 0; i < n; i++) {
		struct km_if *r = if_get(k, eo[i].ifindex);

		if (!r || r->ttl_users++)
			continue;
		r->ttl = eo[i].ttl;
		if (k->ops.set_threshold)
			k->ops.set_threshold(k->ops.ctx, r->ifindex, r->ttl);
	}
}

static void ttls_unuse(struct kmirror *k, const struct km_mfc *c)
{
	struct km_oif eo[KM_MAX_OIFS];
	uint32_t i, n = eff_oifs(c, eo);

	for (i = 0; i < n; i++) {
		struct km_if *r = if_find(k, eo[i].ifindex);

		/* Entries held back by the old threshold may fit now. */
		if (r && r->ttl_users && !--r->ttl_users && k->n_stuck)
			k->reeval = true;
	}
}

static bool stuck(const struct km_ent *e)
{
	return e->state == KM_KERNEL &&
	       (e->reason == R_TTL || e->reason == R_STATIC_TREE);
}

static void set_state(struct kmirror *k, struct km_ent *e, enum km_state s,
		      const char *why)
{
	k->n_stuck -= stuck(e);
	if (e->state != s || e->reason != why)
		e->since_ns = now_ns(k);
	e->state = s;
	e->reason = why;
	k->n_stuck += stuck(e);
}

/* ---- MGM side --------------------------------------------------------------- */

static void memb(struct kmirror *k, const struct km_mfc *c, uint32_t ifindex,
		 bool add)
{
	uint32_t err;
	char sg[2 * MGM_ADDRSTRLEN + 4];

	err = add ? mgm_add_group_membership_x(k->m, k->h, &c->source,
					       &c->group, ifindex, 0,
					       MGM_JOIN_STATE_FLAG) :
		    mgm_delete_group_membership_x(k->m, k->h, &c->source,
						  &c->group, ifindex, 0,
						  MGM_JOIN_STATE_FLAG);
	if (err != MGM_NO_ERROR && (add || err != MGM_ERROR_NOT_FOUND)) {
		k->st.mgm_errors++;
		km_log(k, LOG_WARNING, "%s membership %s on if %u: %s",
		       add ? "add" : "delete",
		       sg_str(&c->source, &c->group, sg, sizeof(sg)), ifindex,
		       mgm_strerror(err));
	}
}

/* Calls fn on every MGM MFE of group g (of every group, either family, if
 * g is NULL). */
static void each_mgm_mfe(struct kmirror *k, const struct mgm_addr *g,
			 void (*fn)(struct kmirror *k,
				    const struct mgm_mfe_x *e))
{
	struct mgm_addr last_s, last_g;
	uint8_t *buf = malloc(KM_MFE_BUF);
	uint32_t size, n, r, i, off;
	bool first = !g;

	if (!buf)
		return;
	if (g) {
		last_s = unspec_of(g);
		last_g = *g;
	}
	do {
		size = KM_MFE_BUF;
		r = first ? mgm_get_first_mfe_x(k->m, &size, buf, &n) :
			    mgm_get_next_mfe_x(k->m, &last_s, &last_g, &size,
					       buf, &n);
		first = false;
		if (r != MGM_NO_ERROR && r != MGM_ERROR_MORE_DATA &&
		    r != MGM_ERROR_NO_MORE_ITEMS)
			break;
		for (i = 0, off = 0; i < n; i++) {
			const struct mgm_mfe_x *e = (void *)(buf + off);

			off += (MGM_SIZEOF_MFE_X(e->num_oifs) + 7U) & ~7U;
			last_s = e->source;
			last_g = e->group;
			if (g && !mgm_addr_eq(&e->group, g)) {
				r = MGM_ERROR_NO_MORE_ITEMS;
				break;
			}
			fn(k, e);
		}
	} while (r == MGM_ERROR_MORE_DATA);
	free(buf);
}

/* Run an MGM MFE through the datapath policy again (keepalive toggled,
 * the kernel's entry changed without a membership change). */
static void reapply_one(struct kmirror *k, const struct mgm_mfe_x *e)
{
	uint32_t oifs[KM_MFE_OIFS], i, n = 0;

	if (!kmirror_owns(k, e->in_ifindex))
		return;
	for (i = 0; i < e->num_oifs && n < KM_MFE_OIFS; i++)
		if (!n || oifs[n - 1] != e->oifs[i].out_ifindex)
			oifs[n++] = e->oifs[i].out_ifindex;
	kmirror_mfe_install(k, &e->source, &e->group, e->in_ifindex, oifs, n);
}

/* MGM's MFE of (s, g) into buf; false if it has none. */
static bool get_mgm_mfe(struct kmirror *k, const struct mgm_addr *s,
			const struct mgm_addr *g, uint64_t *buf, uint32_t size)
{
	return mgm_get_mfe_x(k->m, s, g, &size, (uint8_t *)buf) == MGM_NO_ERROR;
}

#define KM_MFE_X_WORDS ((MGM_SIZEOF_MFE_X(KM_MFE_OIFS) + 7U) / 8U)

static void reapply(struct kmirror *k, const struct mgm_addr *s,
		    const struct mgm_addr *g)
{
	uint64_t buf[KM_MFE_X_WORDS];

	if (mgm_addr_is_unspec(s)) {
		each_mgm_mfe(k, g, reapply_one);
		return;
	}
	if (get_mgm_mfe(k, s, g, buf, sizeof(buf)))
		reapply_one(k, (const struct mgm_mfe_x *)buf);
}

/* A (*,G) left XDP: the MFEs MGM built from it go too (unless an exact
 * entry the kernel prefers now carries them). */
static void drop_derived(struct kmirror *k, const struct mgm_mfe_x *e)
{
	struct km_ent *x = ent_find(k, &e->source, &e->group);

	if ((!x || x->state != KM_XDP) && kmirror_owns(k, e->in_ifindex))
		mgm_delete_mfe_x(k->m, k->h, &e->source, &e->group);
}

static void mgm_leave(struct kmirror *k, struct km_ent *e,
		      const struct km_mfc *c)
{
	struct km_oif eo[KM_MAX_OIFS];
	uint32_t i, n = eff_oifs(c, eo);

	/* Marked first: the policy refuses installs from now on. */
	set_state(k, e, KM_KERNEL, "leaving");
	if (!mgm_addr_is_unspec(&c->source))
		mgm_delete_mfe_x(k->m, k->h, &c->source, &c->group);
	else
		each_mgm_mfe(k, &c->group, drop_derived);
	for (i = 0; i < n; i++)
		memb(k, c, eo[i].ifindex, false);
}

/* MGM's MFE of (S,G) has another iif than the kernel's entry: it came
 * from a (*,G) or from before; the exact entry replaces it. */
static void drop_stale(struct kmirror *k, const struct km_mfc *c)
{
	uint64_t buf[KM_MFE_X_WORDS];
	const struct mgm_mfe_x *e = (const void *)buf;

	if (get_mgm_mfe(k, &c->source, &c->group, buf, sizeof(buf)) &&
	    e->in_ifindex != c->iif)
		mgm_delete_mfe_x(k->m, k->h, &c->source, &c->group);
}

/* ---- the state machine ------------------------------------------------------- */

static void ent_apply(struct kmirror *k, struct km_ent *e,
		      const struct km_mfc *n)
{
	struct km_oif oo[KM_MAX_OIFS], no[KM_MAX_OIFS];
	struct km_mfc old = e->k;
	bool was = e->state == KM_XDP;
	uint32_t i, j, on, nn;
	const char *why;
	char sg[2 * MGM_ADDRSTRLEN + 4];

	/* Its own thresholds do not stand in its way. */
	if (was)
		ttls_unuse(k, &old);
	why = check(k, n);
	if (!why)
		why = hold_all(k, n);
	if (was && (why || old.iif != n->iif)) {
		mgm_leave(k, e, &old);
		unhold_all(k, &old);
		was = false;
	}
	e->k = *n;
	if (why) {
		if (e->reason != why)
			km_log(k, LOG_INFO, "%s stays with the kernel: %s",
			       sg_str(&n->source, &n->group, sg, sizeof(sg)),
			       why);
		set_state(k, e, KM_KERNEL, why);
		return;
	}
	ttls_use(k, n);
	set_state(k, e, KM_XDP, NULL);
	nn = eff_oifs(n, no);
	if (!was) {
		bool exact = !mgm_addr_is_unspec(&n->source);

		if (exact)
			drop_stale(k, n);
		for (i = 0; i < nn; i++)
			memb(k, n, no[i].ifindex, true);
		if (exact)
			mgm_adopt_mfe_x(k->m, &n->source, &n->group, n->iif);
		/* MGM installs only when its oif list changes; an MFE it
		 * had from a (*,G) may need the exact entry's set. */
		reapply(k, &n->source, &n->group);
		km_log(k, LOG_INFO, "%s mirrored: iif %u, %u oifs",
		       sg_str(&n->source, &n->group, sg, sizeof(sg)), n->iif,
		       nn);
		return;
	}
	/* Same parent: the memberships follow, removals first. */
	on = eff_oifs(&old, oo);
	for (i = 0; i < on; i++) {
		for (j = 0; j < nn && no[j].ifindex != oo[i].ifindex; j++)
			;
		if (j == nn)
			memb(k, &old, oo[i].ifindex, false);
	}
	for (j = 0; j < nn; j++) {
		for (i = 0; i < on && oo[i].ifindex != no[j].ifindex; i++)
			;
		if (i == on)
			memb(k, n, no[j].ifindex, true);
	}
	unhold_all(k, &old);
	reapply(k, &n->source, &n->group);
}

/* (*,*): both addresses unspecified. */
static bool star_star(const struct km_mfc *c)
{
	return mgm_addr_is_unspec(&c->source) && mgm_addr_is_unspec(&c->group);
}

static void ent_remove(struct kmirror *k, struct km_ent *e)
{
	if (e->state == KM_XDP) {
		ttls_unuse(k, &e->k);
		mgm_leave(k, e, &e->k);
		unhold_all(k, &e->k);
	}
	k->n_stuck -= stuck(e);
	if (star_star(&e->k) && k->n_star_star[fam_ix(&e->k.group)]) {
		k->n_star_star[fam_ix(&e->k.group)]--;
		k->reeval = true;
	}
	ent_unlink(k, e);
	free(e);
}

/* Entries that may fit now: a threshold came free, (*,*) came or went. */
static void reevaluate(struct kmirror *k)
{
	uint32_t b, pass;

	for (pass = 0; k->reeval && pass < 4; pass++) {
		k->reeval = false;
		for (b = 0; b <= k->mask; b++) {
			struct km_ent *e;

			for (e = k->tab[b]; e; e = e->next) {
				bool blocked =
					e->state == KM_XDP &&
					mgm_addr_is_unspec(&e->k.source) &&
					k->n_star_star[fam_ix(&e->k.group)];

				if (stuck(e) || blocked) {
					struct km_mfc c = e->k;

					ent_apply(k, e, &c);
				}
			}
		}
	}
}

/* Of a family we mirror, of its table. */
static bool our_table(struct kmirror *k, const struct km_mfc *c)
{
	if (c->source.family != c->group.family || !km_family_on(k, &c->group))
		return false;
	return c->table ==
	       (c->group.family == MGM_AF_INET6 ? k->table6 : k->table);
}

void kmirror_mfc_update(struct kmirror *k, const struct km_mfc *mfc)
{
	struct km_ent *e;

	if (!our_table(k, mfc) || mfc->unresolved)
		return;
	e = ent_find(k, &mfc->source, &mfc->group);
	if (!e) {
		e = ent_new(k, &mfc->source, &mfc->group);
		if (!e) {
			km_log(k, LOG_ERR, "out of memory: resync later");
			return;
		}
		if (star_star(mfc)) {
			k->n_star_star[fam_ix(&mfc->group)]++;
			k->reeval = true;
		}
	}
	e->seen = true;
	ent_apply(k, e, mfc);
	if (!k->in_resync)
		reevaluate(k);
}

void kmirror_mfc_delete(struct kmirror *k, const struct km_mfc *mfc)
{
	struct km_ent *e;

	/* An unresolved entry that expired: never one we had. */
	if (!our_table(k, mfc) || mfc->unresolved)
		return;
	e = ent_find(k, &mfc->source, &mfc->group);
	if (e)
		ent_remove(k, e);
	if (!k->in_resync)
		reevaluate(k);
}

void kmirror_resync_begin(struct kmirror *k)
{
	uint32_t b;
	struct km_ent *e;

	k->in_resync = true;
	for (b = 0; b <= k->mask; b++)
		for (e = k->tab[b]; e; e = e->next)
			e->seen = false;
}

void kmirror_resync_end(struct kmirror *k)
{
	uint32_t b, i;

	for (b = 0; b <= k->mask; b++) {
		struct km_ent *e = k->tab[b], *next;

		for (; e; e = next) {
			next = e->next;
			if (!e->seen)
				ent_remove(k, e);
		}
	}
	k->in_resync = false;
	reevaluate(k);
	for (i = 0; i < k->n_ifs; i++)
		if_release(k, &k->ifs[i]);
	ifs_compact(k);
	k->st.resyncs++;
}

static uint32_t cb_rpf(void *ctx, const struct mgm_addr *source,
		       const struct mgm_addr *group, uint32_t *in_ifindex,
		       uint32_t *in_nexthop, struct mgm_addr *upstream,
		       uint32_t hdr_size, const uint8_t *hdr,
		       struct mgm_route_info_x *route)
{
	struct kmirror *k = ctx;

	(void)upstream, (void)hdr_size, (void)hdr;
	if (kmirror_rpf(k, source, group, in_ifindex)) {
		*in_nexthop = 0;
		route->protocol = MGM_PROTO_KERNEL;
		route->ifindex = *in_ifindex;
	}
	return MGM_NO_ERROR;
}

/* ---- life cycle ----------------------------------------------------------------- */

void kmirror_set_keepalive(struct kmirror *k, bool on)
{
	if (k->keepalive == on)
		return;
	k->keepalive = on;
	each_mgm_mfe(k, 0, reapply_one);
}

uint32_t kmirror_table(const struct kmirror *k)
{
	return k->table;
}

uint32_t kmirror_table6(const struct kmirror *k)
{
	return k->table6;
}

uint32_t kmirror_families(const struct kmirror *k)
{
	return k->families;
}

int kmirror_fd(struct kmirror *k)
{
	return k->nl ? km_nl_fd(k->nl) : -1;
}

int kmirror_create(struct mgm *m, const struct kmirror_ops *ops,
		   const struct kmirror_opts *opts, struct kmirror **out)
{
	struct mgm_protocol_config_x cfg = { .rpf = cb_rpf };
	struct kmirror *k = calloc(1, sizeof(*k));
	uint32_t err;
	int ret;

	if (!k)
		return -ENOMEM;
	k->m = m;
	k->ops = *ops;
	k->o = *opts;
	/* ipmr's default table is RT_TABLE_DEFAULT, ip6mr's RT6_TABLE_DFLT,
	 * which is RT_TABLE_MAIN. */
	k->table = opts->table ? opts->table : RT_TABLE_DEFAULT;
	k->table6 = opts->table ? opts->table : RT_TABLE_MAIN;
	k->families = opts->families ? opts->families : MGM_FAMILY_IPV4;
	if (k->families & ~(MGM_FAMILY_IPV4 | MGM_FAMILY_IPV6)) {
		free(k);
		return -EINVAL;
	}
	k->keepalive = !opts->no_keepalive;
	k->mask = 1023;
	k->tab = calloc(k->mask + 1, sizeof(*k->tab));
	if (!k->tab) {
		free(k);
		return -ENOMEM;
	}
	cfg.ctx = k;
	cfg.families = k->families;
	err = mgm_register_protocol_x(m, &cfg, MGM_PROTO_KERNEL, 1, &k->h);
	if (err != MGM_NO_ERROR) {
		free(k->tab);
		free(k);
		return err == MGM_ERROR_ALREADY_EXISTS ? -EEXIST : -EIO;
	}
	if (!opts->no_netlink) {
		ret = km_nl_open(k->families, &k->nl);
		ret = ret ?: kmirror_resync(k);
		if (ret) {
			kmirror_destroy(k);
			return ret;
		}
	}
	*out = k;
	return 0;
}

void kmirror_destroy(struct kmirror *k)
{
	uint32_t b, i;

	if (!k)
		return;
	/* Every entry back to the kernel, then the interfaces: the seed. */
	k->in_resync = true;
	for (b = 0; b <= k->mask; b++)
		while (k->tab[b])
			ent_remove(k, k->tab[b]);
	for (i = 0; i < k->n_ifs; i++)
		if_release(k, &k->ifs[i]);
	mgm_deregister_protocol(k->m, k->h);
	km_nl_close(k->nl);
	free(k->tab);
	free(k);
}
