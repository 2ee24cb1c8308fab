/* SPDX-License-Identifier: GPL-2.0 */
/*
 * static.h - the "static" routing protocol: multicast routes from mgmd's
 * configuration and from mgmctl, as an MGM client like any other.
 *
 * A route "from IIF [source S] group G[/LEN] to OIF..." makes the protocol
 * own IIF and the OIFs, add a JOIN_STATE membership ((S,G), or (*,G) for
 * each group of the prefix) on every OIF, and answer MGM's RPF question for
 * matching traffic with IIF.  Routes share interfaces and memberships
 * (reference counted); the last route using one gives it back.
 */
#ifndef MGM_PROTO_STATIC_H
#define MGM_PROTO_STATIC_H

#include <stdbool.h>
#include <stdint.h>

#include "mgm/mgm.h"

/* Protocol ID of "static": a multicast protocol of vendor 0x2000. */
#define MGM_PROTO_VENDOR_LINUX 0x2000U
#define MGM_PROTO_STATIC \
	MGM_PROTOCOL_ID(MGM_PROTO_TYPE_MCAST, MGM_PROTO_VENDOR_LINUX, 1)

#define STATIC_MAX_OIFS 32
/* A group prefix expands to one (*,G) membership per group: keep it sane. */
#define STATIC_MIN_PREFIX 24
#define STATIC_MIN_PREFIX6 120

/* Either family; source and group of the same one. */
struct static_route {
	uint32_t iif; /* ifindex */
	struct mgm_addr source; /* unspecified: any source */
	struct mgm_addr group; /* the prefix's first address */
	/* 32 (IPv4) or 128 (IPv6): one group; >= STATIC_MIN_PREFIX(6) */
	uint8_t prefix_len;
	uint32_t n_oifs;
	uint32_t oifs[STATIC_MAX_OIFS];
};

struct mgm_static;

/* Register with MGM.  Returns 0 or a negative errno. */
int static_create(struct mgm *m, struct mgm_static **out);
/*
 * The seed's shutdown: release every interface (MGM deletes the entries
 * tied to each), then deregister.  Routes are forgotten.
 */
void static_destroy(struct mgm_static *s);

/*
 * Add a route.  0; -EEXIST if it exists; -EINVAL if malformed (group not
 * multicast, prefix too wide, source not unicast, iif among the oifs);
 * -EBUSY if an interface is owned by another routing protocol, or if the
 * same traffic already comes from another iif; -EIO if MGM refused
 * (nothing changed in every error case).
 */
int static_route_add(struct mgm_static *s, const struct static_route *r);
/*
 * Change the outgoing interfaces of the route with r's iif, source, group
 * and prefix: the new memberships are added before the old ones go, so
 * interfaces both sets share are never released (which would delete the
 * entries they carry).  -ENOENT if there is no such route.
 */
int static_route_update(struct mgm_static *s, const struct static_route *r);
/* Delete the route with this iif, source, group and prefix; -ENOENT. */
int static_route_del(struct mgm_static *s, const struct static_route *r);
int static_foreach_route(struct mgm_static *s,
			 int (*fn)(void *arg, const struct static_route *),
			 void *arg);
/* Same source, group and prefix (whatever the interfaces)? */
bool static_route_same_traffic(const struct static_route *a,
			       const struct static_route *b);
/* Same routes (iif, source, group, prefix, oif set)? */
bool static_route_equal(const struct static_route *a,
			const struct static_route *b);

/*
 * The multicast RIB view: the iif a static route gives (source, group)'s
 * traffic.  false if no route matches.
 */
bool static_rpf(struct mgm_static *s, uint32_t source, uint32_t group,
		uint32_t *iif);
bool static_rpf_x(struct mgm_static *s, const struct mgm_addr *source,
		  const struct mgm_addr *group, uint32_t *iif);

/*
 * The operator's take (mgmctl take IF static): own ifindex now, and give
 * it back the memberships of the routes that name it.  0; -EEXIST if
 * static owns it already; -EBUSY if another routing protocol does.
 */
int static_if_take(struct mgm_static *s, uint32_t ifindex);
/*
 * The operator's release (mgmctl release IF static, the seed's step):
 * release ifindex in MGM now -- MGM deletes the entries tied to it -- and
 * drop every reference; routes through it stay configured but inert until
 * a take: the memberships of routes from it go too (on the interfaces
 * they name), and a route's memberships on a released outgoing interface
 * went with that release.  0; -ENOENT if static does not own it.
 */
int static_if_release(struct mgm_static *s, uint32_t ifindex);
/* Free the protocol's state without calling MGM (after a shutdown that
 * already released everything and deregistered). */
void static_forget(struct mgm_static *s);

mgm_handle_t static_handle(const struct mgm_static *s);
/* Interfaces the protocol owns now (for a step-by-step shutdown). */
int static_interfaces(struct mgm_static *s, uint32_t *ifindexes, int max);

#endif /* MGM_PROTO_STATIC_H */
