// SPDX-License-Identifier: GPL-2.0
/*
 * igmp.c - the IGMP router instance: registration with MGM, interfaces,
 * packet input and timers.
 *
 * Input and timers change group state (igmp_group.c, igmp_query.c) under
 * the lock and only mark what changed; igmp_sync() (igmp_mgm.c) then
 * makes the MGM calls with the lock dropped.  The introspection is in
 * igmp_info.c.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>

#include "igmp_int.h"

#define DEFAULT_MAX_GROUPS 4096U
#define DEFAULT_MAX_SOURCES 1024U
/* Sorted source list of one record kept on the stack up to this size. */
#define REC_STACK_SOURCES 512U

void igmp_logf(struct igmp *g, int level, const char *fmt, ...)
{
	char buf[256];
	va_list ap;

	if (!g->o.log)
		return;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	g->o.log(g->o.ctx, level, buf);
}

void igmp_emit(struct igmp *g, enum igmp_event_kind kind, uint32_t ifindex,
	       uint32_t source, uint32_t group, uint32_t addr)
{
	struct igmp_event ev = {
		.kind = kind,
		.ifindex = ifindex,
		.source = source,
		.group = group,
		.addr = addr,
	};

	if (g->o.event)
		g->o.event(g->o.ctx, &ev);
}

static uint64_t now_ns(struct igmp *g)
{
	return g->io.now_ns(g->io.ctx);
}

struct igmp_if *igmp_if_find(struct igmp *g, uint32_t ifindex)
{
	struct igmp_if *ifp;

	for (ifp = g->ifs; ifp; ifp = ifp->next)
		if (ifp->ifindex == ifindex)
			return ifp;
	return NULL;
}

static int mgm_errno(uint32_t r)
{
	switch (r) {
	case MGM_NO_ERROR:
		return 0;
	case MGM_ERROR_ALREADY_EXISTS:
		return -EEXIST;
	case MGM_ERROR_CAN_NOT_COMPLETE:
		return -EBUSY;
	case MGM_ERROR_NOT_ENOUGH_MEMORY:
		return -ENOMEM;
	case MGM_ERROR_INVALID_PARAMETER:
		return -EINVAL;
	case MGM_ERROR_NOT_FOUND:
		return -ENOENT;
	}
	return -EIO;
}

/* ------------------------------------------------------------------ */
/* Instance and interfaces                                             */

int igmp_create(struct mgm *m, const struct igmp_io *io,
		const struct igmp_opts *opts, struct igmp **out)
{
	struct mgm_protocol_config cfg;
	struct igmp *g;
	uint32_t r;

	if (!m || !io || !io->send || !io->if_addr || !io->now_ns || !out)
		return -EINVAL;
	g = calloc(1, sizeof(*g));
	if (!g)
		return -ENOMEM;
	g->m = m;
	g->io = *io;
	if (opts)
		g->o = *opts;
	/* RFC 3376 8: robustness 1..; the QRV field holds 1..7. */
	g->rv = g->o.robustness ? g->o.robustness : 2;
	g->qi = (uint64_t)(g->o.query_interval_ms ? g->o.query_interval_ms :
						    125000) *
		NS_PER_MS;
	g->qri = (uint64_t)(g->o.query_response_interval_ms ?
				    g->o.query_response_interval_ms :
				    10000) *
		 NS_PER_MS;
	/* 8.3: the response interval must be shorter than the interval. */
	if (g->qri >= g->qi)
		g->qri = g->qi / 2;
	g->lmqi = (uint64_t)(g->o.last_member_query_interval_ms ?
				     g->o.last_member_query_interval_ms :
				     1000) *
		  NS_PER_MS;
	g->lmqc = g->o.last_member_query_count ? g->o.last_member_query_count :
						 g->rv;
	if (g->lmqc > 255)
		g->lmqc = 255;
	g->sqi = g->o.startup_query_interval_ms ?
			 (uint64_t)g->o.startup_query_interval_ms * NS_PER_MS :
			 g->qi / 4;
	g->sqc = g->o.startup_query_count ? g->o.startup_query_count : g->rv;
	if (!g->o.max_groups)
		g->o.max_groups = DEFAULT_MAX_GROUPS;
	if (!g->o.max_sources)
		g->o.max_sources = DEFAULT_MAX_SOURCES;
	if (!g->o.component_id)
		g->o.component_id = 1;
	g->next_due = NO_DEADLINE;
	pthread_mutex_init(&g->lock, NULL);
	cfg = igmp_mgm_config(g);
	r = mgm_register_protocol(m, &cfg, MGM_MS_IP_IGMP, g->o.component_id,
				  &g->h);
	if (r) {
		pthread_mutex_destroy(&g->lock);
		free(g);
		return r == MGM_ERROR_ALREADY_EXISTS	? -EEXIST :
		       r == MGM_ERROR_NOT_ENOUGH_MEMORY ? -ENOMEM :
							  -EIO;
	}
	*out = g;
	return 0;
}

static void if_free(struct igmp_if *ifp)
{
	igmp_grp_free_all(ifp);
	free(ifp->undo);
	free(ifp->mark);
	free(ifp);
}

static void if_unlink(struct igmp *g, struct igmp_if *ifp)
{
	struct igmp_if **pp;

	for (pp = &g->ifs; *pp; pp = &(*pp)->next) {
		if (*pp == ifp) {
			*pp = ifp->next;
			return;
		}
	}
}

void igmp_destroy(struct igmp *g)
{
	uint32_t *v = NULL, n = 0, i;
	struct igmp_if *ifp;
	uint32_t r;

	if (!g)
		return;
	pthread_mutex_lock(&g->lock);
	for (ifp = g->ifs; ifp; ifp = ifp->next)
		n++;
	v = n ? calloc(n, sizeof(*v)) : NULL;
	for (ifp = g->ifs, i = 0; v && ifp; ifp = ifp->next)
		v[i++] = ifp->ifindex;
	pthread_mutex_unlock(&g->lock);
	/* The seed: release every interface, then deregister. */
	for (i = 0; v && i < n; i++)
		igmp_if_disable(g, v[i]);
	free(v);
	r = mgm_deregister_protocol(g->m, g->h);
	if (r)
		igmp_logf(g, LOG_ERR, "deregistering from MGM: %s",
			  mgm_strerror(r));
	while ((ifp = g->ifs)) {
		g->ifs = ifp->next;
		if_free(ifp);
	}
	pthread_mutex_destroy(&g->lock);
	free(g);
}

int igmp_if_enable(struct igmp *g, uint32_t ifindex, int version)
{
	struct igmp_if *ifp, **pp;
	uint32_t r;

	if (!g || !ifindex || (version != 2 && version != 3))
		return -EINVAL;
	ifp = calloc(1, sizeof(*ifp));
	if (!ifp)
		return -ENOMEM;
	ifp->ifindex = ifindex;
	ifp->version = version;
	pthread_mutex_lock(&g->lock);
	if (igmp_if_find(g, ifindex)) {
		pthread_mutex_unlock(&g->lock);
		free(ifp);
		return -EEXIST;
	}
	for (pp = &g->ifs; *pp && (*pp)->ifindex < ifindex; pp = &(*pp)->next)
		;
	ifp->next = *pp;
	*pp = ifp;
	pthread_mutex_unlock(&g->lock);

	r = mgm_take_interface_ownership(g->m, g->h, ifindex, 0);

	pthread_mutex_lock(&g->lock);
	if (r) {
		if_unlink(g, ifp);
		pthread_mutex_unlock(&g->lock);
		igmp_logf(g, LOG_ERR, "taking if %u in MGM: %s", ifindex,
			  mgm_strerror(r));
		if_free(ifp);
		return mgm_errno(r);
	}
	ifp->attached = true;
	igmp_querier_start(g, ifp, now_ns(g));
	if (ifp->readd)
		g->work = true;
	pthread_mutex_unlock(&g->lock);
	return 0;
}

int igmp_if_disable(struct igmp *g, uint32_t ifindex)
{
	struct igmp_if *ifp;
	uint32_t r;

	if (!g)
		return -EINVAL;
	pthread_mutex_lock(&g->lock);
	ifp = igmp_if_find(g, ifindex);
	if (!ifp || ifp->detaching || !ifp->attached) {
		pthread_mutex_unlock(&g->lock);
		return ifp ? -EBUSY : -ENOENT;
	}
	ifp->detaching = true;
	pthread_mutex_unlock(&g->lock);

	/* MGM drops IGMP's memberships here (and tells the owner). */
	r = mgm_release_interface_ownership(g->m, g->h, ifindex, 0);

	pthread_mutex_lock(&g->lock);
	if (r) {
		ifp->detaching = false;
		pthread_mutex_unlock(&g->lock);
		igmp_logf(g, LOG_ERR, "releasing if %u in MGM: %s", ifindex,
			  mgm_strerror(r));
		return mgm_errno(r);
	}
	if_unlink(g, ifp);
	pthread_mutex_unlock(&g->lock);
	if_free(ifp);
	return 0;
}

/* ------------------------------------------------------------------ */
/* Input                                                               */

static void count_reject(struct igmp_counters *c, enum igmp_rx r)
{
	uint64_t *v[] = {
		[IGMP_RX_BAD_IP] = &c->bad_ip,
		[IGMP_RX_TOO_SHORT] = &c->too_short,
		[IGMP_RX_TRUNCATED] = &c->truncated,
		[IGMP_RX_BAD_CHECKSUM] = &c->bad_checksum,
		[IGMP_RX_BAD_TTL] = &c->bad_ttl,
		[IGMP_RX_NO_RA] = &c->no_router_alert,
		[IGMP_RX_BAD_DEST] = &c->bad_dest,
		[IGMP_RX_BAD_GROUP] = &c->bad_group,
		[IGMP_RX_UNKNOWN_TYPE] = &c->unknown_type,
	};

	if ((size_t)r < sizeof(v) / sizeof(v[0]) && v[r])
		(*v[r])++;
	else
		c->bad_ip++;
}

static int u32_cmp(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return x < y ? -1 : x > y;
}

static void v3_record(struct igmp *g, struct igmp_if *ifp,
		      const struct igmp_rec *rec, uint32_t reporter,
		      uint64_t now)
{
	uint32_t stack[REC_STACK_SOURCES], *b = stack, n = 0, i;

	if ((ntohl(rec->group) & 0xf0000000U) != 0xe0000000U) {
		ifp->cnt.rec_bad++;
		return;
	}
	if (rec->nsrc > REC_STACK_SOURCES) {
		b = malloc(rec->nsrc * sizeof(*b));
		if (!b) {
			ifp->cnt.rec_limit++;
			return;
		}
	}
	for (i = 0; i < rec->nsrc; i++)
		b[i] = rd32(rec->srcs + 4 * i);
	/* Sets: sorted, without duplicates, for binary search. */
	if (rec->nsrc > 1)
		qsort(b, rec->nsrc, sizeof(*b), u32_cmp);
	for (i = 0; i < rec->nsrc; i++)
		if (!n || b[n - 1] != b[i])
			b[n++] = b[i];
	igmp_record(g, ifp, now, rec->type, rec->group, n ? b : NULL, n,
		    reporter);
	if (b != stack)
		free(b);
}

static void old_report(struct igmp *g, struct igmp_if *ifp,
		       const struct igmp_msg *m, uint64_t now)
{
	struct igmp_grp *grp;

	/* RFC 3376 7.3.2: IS_EX({}), and the older host is present. */
	grp = igmp_record(g, ifp, now, IGMP_IS_EX, m->group, NULL, 0, m->src);
	if (!grp)
		return;
	igmp_arm(g, m->version == 1 ? &grp->v1_host : &grp->v2_host,
		 now + if_gmi(g, ifp));
}

static void leave(struct igmp *g, struct igmp_if *ifp, const struct igmp_msg *m,
		  uint64_t now)
{
	struct igmp_grp *grp = igmp_grp_find(ifp, m->group);

	/* v1 hosts send no leaves: while one is present nobody may end
	 * the group early (7.3.2); SSM groups are source specific. */
	if ((grp && igmp_grp_compat(ifp, grp) == 1) ||
	    (igmp_is_ssm(m->group) && !g->o.asm_in_ssm_range)) {
		ifp->cnt.rec_compat++;
		return;
	}
	igmp_record(g, ifp, now, IGMP_TO_IN, m->group, NULL, 0, m->src);
}

static void input_msg(struct igmp *g, struct igmp_if *ifp,
		      const struct igmp_msg *m, uint64_t now)
{
	struct igmp_rec rec;
	size_t off = 0;

	switch (m->type) {
	case IGMP_QUERY:
		ifp->addr = g->io.if_addr(g->io.ctx, ifp->ifindex);
		if (m->src && m->src == ifp->addr) {
			ifp->cnt.ignored_own++;
			return;
		}
		ifp->cnt.rx_query[m->version - 1]++;
		igmp_query_rx(g, ifp, m, now);
		break;
	case IGMP_V1_REPORT:
	case IGMP_V2_REPORT:
		ifp->cnt.rx_report[m->version - 1]++;
		old_report(g, ifp, m, now);
		break;
	case IGMP_V2_LEAVE:
		ifp->cnt.rx_leave++;
		leave(g, ifp, m, now);
		break;
	case IGMP_V3_REPORT:
		/* An RFC 2236 router does not know this type. */
		if (ifp->version < 3) {
			ifp->cnt.ignored_version++;
			return;
		}
		ifp->cnt.rx_report[2]++;
		while (igmp_rec_next(m, &off, &rec))
			v3_record(g, ifp, &rec, m->src, now);
		return;
	}
	/* Accepted without Router Alert (v1/v2 only, see igmp_pkt.c). */
	if (!m->ra)
		ifp->cnt.rx_no_ra++;
}

void igmp_input(struct igmp *g, uint32_t ifindex, const uint8_t *ip, size_t len)
{
	struct igmp_if *ifp;
	struct igmp_msg m;
	enum igmp_rx r;

	if (!g)
		return;
	pthread_mutex_lock(&g->lock);
	ifp = igmp_if_find(g, ifindex);
	if (!ifp) {
		g->unknown_if++;
		pthread_mutex_unlock(&g->lock);
		return;
	}
	ifp->cnt.rx_packets++;
	r = igmp_pkt_parse(ip, len, &m);
	if (r)
		count_reject(&ifp->cnt, r);
	else
		input_msg(g, ifp, &m, now_ns(g));
	pthread_mutex_unlock(&g->lock);
	if (!r)
		igmp_sync(g);
}

/* ------------------------------------------------------------------ */
/* Time                                                                */

int igmp_timeout_ms(struct igmp *g)
{
	uint64_t now, ms;
	int t;

	if (!g)
		return -1;
	pthread_mutex_lock(&g->lock);
	if (g->work) {
		t = 0;
	} else if (g->next_due == NO_DEADLINE) {
		t = -1;
	} else {
		now = now_ns(g);
		ms = g->next_due <= now ?
			     0 :
			     (g->next_due - now + NS_PER_MS - 1) / NS_PER_MS;
		t = ms > INT32_MAX ? INT32_MAX : (int)ms;
	}
	pthread_mutex_unlock(&g->lock);
	return t;
}

void igmp_tick(struct igmp *g)
{
	struct igmp_if *ifp;
	uint64_t now;
	uint32_t i;

	if (!g)
		return;
	pthread_mutex_lock(&g->lock);
	now = now_ns(g);
	g->next_due = NO_DEADLINE;
	g->work = false;
	for (ifp = g->ifs; ifp; ifp = ifp->next) {
		if (ifp->readd && ifp->attached && !ifp->mgm_disabled) {
			/* The deferred half of the enable callback. */
			ifp->readd = false;
			ifp->readd_emit = true;
			for (i = 0; i < ifp->ngrp; i++)
				igmp_grp_dirty(ifp, &ifp->grp[i]);
			ifp->dirty = true;
		}
		if (!ifp->attached)
			continue;
		igmp_if_timers(g, ifp, now);
		for (i = 0; i < ifp->ngrp;)
			if (!igmp_grp_timers(g, ifp, i, now))
				i++;
		/* Now and then, forget marks whose MGM entry is gone. */
		if (ifp->nmark) {
			if (!ifp->gc_next || ifp->gc_next <= now) {
				if (ifp->gc_next)
					ifp->gc_due = true;
				ifp->gc_next = now + if_qi(g, ifp);
			}
			igmp_arm(g, &ifp->gc_next, ifp->gc_next);
		}
		/* A re-add still waiting (not attached yet, or disabled
		 * again) is restarted by igmp_if_enable() / cb_enable(). */
	}
	pthread_mutex_unlock(&g->lock);
	igmp_sync(g);
}
