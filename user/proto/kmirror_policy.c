// SPDX-License-Identifier: GPL-2.0
/*
 * kmirror_policy.c - what the kernel mirror tells its host about the fast
 * path (see kmirror.h): the policy in front of MGM's installs and misses,
 * the RPF view, and introspection for mgmctl.
 */
#include <errno.h>

#include "mgm_fwd.h" /* MGM_MFE_F_KERNEL_KEEPALIVE */
#include "proto/kmirror_int.h"

/* ---- the datapath policy ----------------------------------------------------- */

bool kmirror_owns(struct kmirror *k, uint32_t ifindex)
{
	struct km_if *r = k ? if_find(k, ifindex) : NULL;

	return r && r->owned;
}

int kmirror_mfe_install(struct kmirror *k, const struct mgm_addr *source,
			const struct mgm_addr *group, uint32_t iif,
			const uint32_t *oifs, uint32_t n)
{
	struct km_ent *e;
	struct km_oif eo[KM_MAX_OIFS];
	uint32_t out[KM_MAX_OIFS], i, j, ne, m = 0;
	int err;

	/* Not a family we mirror: as if we were not there. */
	if (!k || !km_family_on(k, group) || !kmirror_owns(k, iif))
		return 1;
	e = route_of(k, source, group);
	if (e && e->state == KM_XDP && e->k.iif == iif) {
		ne = eff_oifs(&e->k, eo);
		for (i = 0; i < n; i++)
			for (j = 0; j < ne; j++)
				if (eo[j].ifindex == oifs[i] && m < KM_MAX_OIFS)
					out[m++] = oifs[i];
	}
	if (m)
		return k->ops.mfe_install(
			k->ops.ctx, source, group, iif, out, m,
			k->keepalive ? MGM_MFE_F_KERNEL_KEEPALIVE : 0);
	/* Not the kernel's route through the fast path: the kernel's. */
	err = k->ops.mfe_delete(k->ops.ctx, source, group);
	return err == -ENOENT ? 0 : err;
}

bool kmirror_miss_wanted(struct kmirror *k, uint32_t ifindex,
			 const struct mgm_addr *source,
			 const struct mgm_addr *group, uint64_t ts_ns)
{
	struct km_ent *e;
	struct km_if *r;

	if (!k || !km_family_on(k, group))
		return true;
	e = route_of(k, source, group);
	if (e && e->state == KM_XDP)
		return true;
	r = if_find(k, ifindex);
	/* Ours, or ours when the packet came (a release since). */
	return !r || (!r->owned && ts_ns > r->released_ns);
}

bool kmirror_rpf(struct kmirror *k, const struct mgm_addr *source,
		 const struct mgm_addr *group, uint32_t *iif)
{
	struct km_ent *e =
		k && km_family_on(k, group) ? route_of(k, source, group) : NULL;

	/* An exact entry the kernel keeps to itself hides its (*,G). */
	if (!e || e->state != KM_XDP)
		return false;
	*iif = e->k.iif;
	return true;
}

/* ---- introspection ---------------------------------------------------------------- */

int kmirror_foreach(struct kmirror *k,
		    int (*fn)(void *arg, const struct km_entry_info *),
		    void *arg)
{
	uint32_t b;
	int ret;

	for (b = 0; b <= k->mask; b++) {
		const struct km_ent *e;

		for (e = k->tab[b]; e; e = e->next) {
			struct km_entry_info info = {
				.mfc = &e->k,
				.state = e->state,
				.reason = e->reason,
				.since_ns = e->since_ns,
			};

			ret = fn(arg, &info);
			if (ret)
				return ret;
		}
	}
	return 0;
}

void kmirror_get_stats(struct kmirror *k, struct km_stats *out)
{
	uint32_t b;
	const struct km_ent *e;

	*out = k->st;
	out->entries = k->n;
	out->mirrored = 0;
	for (b = 0; b <= k->mask; b++)
		for (e = k->tab[b]; e; e = e->next)
			out->mirrored += e->state == KM_XDP;
}
