// SPDX-License-Identifier: GPL-2.0
/*
 * igmp_info.c - introspection of the IGMP router: interfaces with their
 * querier state and counters, groups with their sources and timers.
 * Snapshots are taken under the lock and handed to the caller's function
 * without it, so that function may call back into IGMP.
 */
#include <errno.h>
#include <stdlib.h>
#include <arpa/inet.h>

#include "igmp_int.h"

/* ------------------------------------------------------------------ */
/* Introspection                                                       */

static uint32_t left_ms(uint64_t t, uint64_t now)
{
	uint64_t ms;

	if (!t)
		return 0;
	if (t <= now)
		return 0;
	ms = (t - now + NS_PER_MS - 1) / NS_PER_MS;
	return ms > UINT32_MAX ? UINT32_MAX : (uint32_t)ms;
}

const char *igmp_mode_str(enum igmp_filter_mode mode)
{
	return mode == IGMP_EXCLUDE ? "exclude" : "include";
}

uint64_t igmp_unknown_if_packets(struct igmp *g)
{
	uint64_t n;

	if (!g)
		return 0;
	pthread_mutex_lock(&g->lock);
	n = g->unknown_if;
	pthread_mutex_unlock(&g->lock);
	return n;
}

int igmp_foreach_if(struct igmp *g,
		    int (*fn)(void *arg, const struct igmp_if_info *),
		    void *arg)
{
	struct igmp_if_info *v = NULL;
	struct igmp_if *ifp;
	size_t n = 0, i;
	uint64_t now;
	int ret = 0;

	if (!g || !fn)
		return -EINVAL;
	pthread_mutex_lock(&g->lock);
	for (ifp = g->ifs; ifp; ifp = ifp->next)
		n++;
	v = n ? calloc(n, sizeof(*v)) : NULL;
	if (n && !v) {
		pthread_mutex_unlock(&g->lock);
		return -ENOMEM;
	}
	now = g->io.now_ns(g->io.ctx);
	for (ifp = g->ifs, i = 0; ifp; ifp = ifp->next, i++) {
		bool v6 = ifp->family == MGM_AF_INET6;

		v[i] = (struct igmp_if_info){
			.ifindex = ifp->ifindex,
			.family = ifp->family,
			/* MLD versions are one below their levels. */
			.version = v6 ? ifp->version - 1 : ifp->version,
			.addr = v6 ? 0 : ifp->addr.v4,
			.querier = ifp->querier,
			.querier_addr = v6 ? 0 : ifp->querier_addr.v4,
			.addr_x = ifp->addr,
			.querier_addr_x = ifp->querier_addr,
			.other_querier_ms =
				ifp->querier ? 0 : left_ms(ifp->oqp, now),
			.next_query_ms =
				ifp->querier ? left_ms(ifp->gq_next, now) : 0,
			.startup_left = ifp->startup_left,
			.robustness = if_rv(g, ifp),
			.query_interval_ms =
				(uint32_t)(if_qi(g, ifp) / NS_PER_MS),
			.mgm_disabled = ifp->mgm_disabled,
			.readd_pending = ifp->readd,
			.n_groups = ifp->ngrp,
			.n_blocked = ifp->nmark,
			.cnt = ifp->cnt,
		};
	}
	pthread_mutex_unlock(&g->lock);
	for (i = 0; !ret && i < n; i++)
		ret = fn(arg, &v[i]);
	free(v);
	return ret;
}

struct grp_snap {
	struct igmp_group_info info;
	struct igmp_source_info *src;
};

static int grp_snap_cmp(const void *a, const void *b)
{
	const struct igmp_group_info *x = &((const struct grp_snap *)a)->info;
	const struct igmp_group_info *y = &((const struct grp_snap *)b)->info;

	if (x->ifindex != y->ifindex)
		return x->ifindex < y->ifindex ? -1 : 1;
	return addr_cmp(&x->group_x, &y->group_x);
}

static int snap_group(struct grp_snap *sn, const struct igmp_if *ifp,
		      const struct igmp_grp *grp, uint64_t now)
{
	bool v6 = ifp->family == MGM_AF_INET6;
	uint32_t k;

	sn->info = (struct igmp_group_info){
		.ifindex = ifp->ifindex,
		.group = v6 ? 0 : grp->addr.v4,
		.mode = grp->mode,
		.timer_ms = left_ms(grp->timer, now),
		.compat = igmp_grp_compat(ifp, grp) - (v6 ? 1 : 0),
		.v1_host_ms = left_ms(grp->v1_host, now),
		.v2_host_ms = left_ms(grp->v2_host, now),
		.last_reporter = v6 ? 0 : grp->last_reporter.v4,
		.family = ifp->family,
		.group_x = grp->addr,
		.last_reporter_x = grp->last_reporter,
		.uptime_ms = (uint32_t)((now - grp->created) / NS_PER_MS),
		.in_mgm = grp->in_mgm,
		.n_sources = grp->nsrc,
	};
	if (!grp->nsrc)
		return 0;
	sn->src = calloc(grp->nsrc, sizeof(*sn->src));
	if (!sn->src)
		return -ENOMEM;
	for (k = 0; k < grp->nsrc; k++) {
		const struct igmp_src *s = &grp->src[k];

		sn->src[k] = (struct igmp_source_info){
			.addr = v6 ? 0 : s->addr.v4,
			.addr_x = s->addr,
			.timer_ms = left_ms(s->timer, now),
			.forwarded = s->timer != 0,
			.in_mgm = s->in_mgm,
		};
	}
	sn->info.sources = sn->src;
	return 0;
}

int igmp_foreach_group(struct igmp *g, uint32_t ifindex,
		       int (*fn)(void *arg, const struct igmp_group_info *),
		       void *arg)
{
	struct grp_snap *v = NULL;
	struct igmp_if *ifp;
	size_t n = 0, i = 0;
	uint64_t now;
	uint32_t k;
	int ret = 0;

	if (!g || !fn)
		return -EINVAL;
	pthread_mutex_lock(&g->lock);
	for (ifp = g->ifs; ifp; ifp = ifp->next)
		if (!ifindex || ifp->ifindex == ifindex)
			n += ifp->ngrp;
	v = n ? calloc(n, sizeof(*v)) : NULL;
	now = g->io.now_ns(g->io.ctx);
	for (ifp = g->ifs; v && !ret && ifp; ifp = ifp->next) {
		if (ifindex && ifp->ifindex != ifindex)
			continue;
		for (k = 0; !ret && k < ifp->ngrp; k++)
			ret = snap_group(&v[i++], ifp, &ifp->grp[k], now);
	}
	pthread_mutex_unlock(&g->lock);
	if (n && !v)
		return -ENOMEM;
	if (!ret && n > 1)
		qsort(v, n, sizeof(*v), grp_snap_cmp);
	for (i = 0; !ret && i < n; i++)
		ret = fn(arg, &v[i].info);
	for (i = 0; i < n; i++)
		free(v[i].src);
	free(v);
	return ret;
}
