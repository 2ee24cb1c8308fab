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

void igmp_ev_addrs(struct igmp_event *ev, uint16_t family,
		   const struct mgm_addr *source, const struct mgm_addr *group,
		   const struct mgm_addr *addr)
{
	ev->family = family;
	ev->source_x = source ? *source : addr_any(family);
	ev->group_x = group ? *group : addr_any(family);
	ev->addr_x = addr ? *addr : addr_any(family);
	if (family != MGM_AF_INET)
		return;
	ev->source = ev->source_x.v4;
	ev->group = ev->group_x.v4;
	ev->addr = ev->addr_x.v4;
}

void igmp_emit(struct igmp *g, enum igmp_event_kind kind,
	       const struct igmp_if *ifp, const struct mgm_addr *source,
	       const struct mgm_addr *group, const struct mgm_addr *addr)
{
	struct igmp_event ev = { .kind = kind, .ifindex = ifp->ifindex };

	if (!g->o.event)
		return;
	igmp_ev_addrs(&ev, ifp->family, source, group, addr);
	g->o.event(g->o.ctx, &ev);
}

static uint64_t now_ns(struct igmp *g)
{
	return g->io.now_ns(g->io.ctx);
}

struct igmp_if *igmp_if_find(struct igmp *g, uint32_t ifindex, uint16_t family)
{
	struct igmp_if *ifp;

	for (ifp = g->ifs; ifp; ifp = ifp->next)
		if (ifp->ifindex == ifindex && ifp->family == family)
			return ifp;
	return NULL;
}

/* The interface's other family, if it runs. */
static struct igmp_if *if_sibling(struct igmp *g, const struct igmp_if *ifp)
{
	return igmp_if_find(g, ifp->ifindex,
			    ifp->family == MGM_AF_INET6 ? MGM_AF_INET :
							  MGM_AF_INET6);
}

struct mgm_addr igmp_own_addr(struct igmp *g, const struct igmp_if *ifp)
{
	uint8_t ll[16];

	if (ifp->family == MGM_AF_INET)
		return mgm_addr4(g->io.if_addr(g->io.ctx, ifp->ifindex));
	/* RFC 3810 5.1.14 / 7.6.2: only a link-local address counts. */
	if (g->io.if_addr6(g->io.ctx, ifp->ifindex, ll) && ll[0] == 0xfe &&
	    (ll[1] & 0xc0) == 0x80)
		return mgm_addr6(ll);
	return addr_any(MGM_AF_INET6);
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
	struct mgm_protocol_config_x cfg;
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
	r = mgm_register_protocol_x(m, &cfg, MGM_MS_IP_IGMP, g->o.component_id,
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

void igmp_if_free(struct igmp_if *ifp)
{
	igmp_grp_free_all(ifp);
	free(ifp->undo);
	free(ifp->mark);
	free(ifp);
}

void igmp_if_unlink(struct igmp *g, struct igmp_if *ifp)
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
	struct igmp_if *ifp;
	struct {
		uint32_t ifindex;
		uint16_t family;
	} *v = NULL;
	uint32_t n = 0, i;
	uint32_t r;

	if (!g)
		return;
	pthread_mutex_lock(&g->lock);
	/*
	 * An interface running both families is released once: its MLD
	 * state goes now, its memberships with the release of its IGMP.
	 */
	for (ifp = g->ifs; ifp;) {
		struct igmp_if *next = ifp->next, *sib = if_sibling(g, ifp);

		if (ifp->family == MGM_AF_INET6 && sib && sib->attached &&
		    !sib->detaching && !ifp->detaching) {
			igmp_if_unlink(g, ifp);
			igmp_if_free(ifp);
		}
		ifp = next;
	}
	for (ifp = g->ifs; ifp; ifp = ifp->next)
		n++;
	v = n ? calloc(n, sizeof(*v)) : NULL;
	for (ifp = g->ifs, i = 0; v && ifp; ifp = ifp->next, i++) {
		v[i].ifindex = ifp->ifindex;
		v[i].family = ifp->family;
	}
	pthread_mutex_unlock(&g->lock);
	/* The seed: release every interface, then deregister. */
	for (i = 0; v && i < n; i++)
		if (v[i].family == MGM_AF_INET6)
			mld_if_disable(g, v[i].ifindex);
		else
			igmp_if_disable(g, v[i].ifindex);
	free(v);
	r = mgm_deregister_protocol(g->m, g->h);
	if (r)
		igmp_logf(g, LOG_ERR, "deregistering from MGM: %s",
			  mgm_strerror(r));
	while ((ifp = g->ifs)) {
		g->ifs = ifp->next;
		igmp_if_free(ifp);
	}
	pthread_mutex_destroy(&g->lock);
	free(g);
}

static const char *fam_name(uint16_t family)
{
	return family == MGM_AF_INET6 ? "mld" : "igmp";
}

static int if_enable(struct igmp *g, uint16_t family, uint32_t ifindex,
		     int level)
{
	struct igmp_if *ifp, *sib, **pp;
	uint32_t r;

	ifp = calloc(1, sizeof(*ifp));
	if (!ifp)
		return -ENOMEM;
	ifp->ifindex = ifindex;
	ifp->family = family;
	ifp->version = level;
	ifp->addr = addr_any(family);
	ifp->querier_addr = addr_any(family);
	pthread_mutex_lock(&g->lock);
	if (igmp_if_find(g, ifindex, family)) {
		pthread_mutex_unlock(&g->lock);
		free(ifp);
		return -EEXIST;
	}
	sib = if_sibling(g, ifp);
	/* The other family's ownership is being taken or given back. */
	if (sib && (!sib->attached || sib->detaching)) {
		pthread_mutex_unlock(&g->lock);
		free(ifp);
		return -EBUSY;
	}
	for (pp = &g->ifs;
	     *pp && ((*pp)->ifindex < ifindex ||
		     ((*pp)->ifindex == ifindex && (*pp)->family < family));
	     pp = &(*pp)->next)
		;
	ifp->next = *pp;
	*pp = ifp;
	if (sib) {
		/* MGM knows the interface already: share its handoff state. */
		ifp->attached = true;
		ifp->mgm_disabled = sib->mgm_disabled;
		ifp->gen = sib->gen;
		igmp_querier_start(g, ifp, now_ns(g));
		pthread_mutex_unlock(&g->lock);
		return 0;
	}
	pthread_mutex_unlock(&g->lock);

	r = mgm_take_interface_ownership(g->m, g->h, ifindex, 0);

	pthread_mutex_lock(&g->lock);
	if (r) {
		igmp_if_unlink(g, ifp);
		pthread_mutex_unlock(&g->lock);
		igmp_logf(g, LOG_ERR, "taking if %u in MGM (%s): %s", ifindex,
			  fam_name(family), mgm_strerror(r));
		igmp_if_free(ifp);
		return mgm_errno(r);
	}
	ifp->attached = true;
	igmp_querier_start(g, ifp, now_ns(g));
	if (ifp->readd)
		g->work = true;
	pthread_mutex_unlock(&g->lock);
	return 0;
}

int igmp_if_enable(struct igmp *g, uint32_t ifindex, int version)
{
	if (!g || !ifindex || (version != 2 && version != 3))
		return -EINVAL;
	return if_enable(g, MGM_AF_INET, ifindex, version);
}

int mld_if_enable(struct igmp *g, uint32_t ifindex, int version)
{
	if (!g || !ifindex || (version != 1 && version != 2))
		return -EINVAL;
	if (!g->io.send6 || !g->io.if_addr6)
		return -EOPNOTSUPP;
	/* MLDv1 is level 2 (IGMPv2's rules), MLDv2 level 3. */
	return if_enable(g, MGM_AF_INET6, ifindex, version + 1);
}

static int if_disable(struct igmp *g, uint16_t family, uint32_t ifindex)
{
	struct igmp_if *ifp, *sib;
	uint32_t r;

	if (!g)
		return -EINVAL;
	pthread_mutex_lock(&g->lock);
	ifp = igmp_if_find(g, ifindex, family);
	if (!ifp || ifp->detaching || !ifp->attached) {
		pthread_mutex_unlock(&g->lock);
		return ifp ? -EBUSY : -ENOENT;
	}
	sib = if_sibling(g, ifp);
	ifp->detaching = true;
	if (sib) {
		/* The other family keeps MGM's ownership of the interface. */
		pthread_mutex_unlock(&g->lock);
		igmp_if_leave(g, ifp);
		return 0;
	}
	pthread_mutex_unlock(&g->lock);

	/* MGM drops IGMP's memberships here (and tells the owner). */
	r = mgm_release_interface_ownership(g->m, g->h, ifindex, 0);

	pthread_mutex_lock(&g->lock);
	if (r) {
		ifp->detaching = false;
		pthread_mutex_unlock(&g->lock);
		igmp_logf(g, LOG_ERR, "releasing if %u in MGM (%s): %s",
			  ifindex, fam_name(family), mgm_strerror(r));
		return mgm_errno(r);
	}
	igmp_if_unlink(g, ifp);
	pthread_mutex_unlock(&g->lock);
	igmp_if_free(ifp);
	return 0;
}

int igmp_if_disable(struct igmp *g, uint32_t ifindex)
{
	return if_disable(g, MGM_AF_INET, ifindex);
}

int mld_if_disable(struct igmp *g, uint32_t ifindex)
{
	return if_disable(g, MGM_AF_INET6, ifindex);
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

static int addr_qcmp(const void *a, const void *b)
{
	return addr_cmp(a, b);
}

void igmp_v3_record(struct igmp *g, struct igmp_if *ifp, uint8_t type,
		    const struct mgm_addr *group, const uint8_t *srcs,
		    uint16_t nsrc, const struct mgm_addr *reporter,
		    uint64_t now)
{
	struct mgm_addr stack[REC_STACK_SOURCES], *b = stack;
	uint32_t n = 0, i;

	if (!igmp_is_multicast(group)) {
		ifp->cnt.rec_bad++;
		return;
	}
	if (nsrc > REC_STACK_SOURCES) {
		b = malloc(nsrc * sizeof(*b));
		if (!b) {
			ifp->cnt.rec_limit++;
			return;
		}
	}
	for (i = 0; i < nsrc; i++)
		b[i] = addr_at(ifp->family, srcs, i);
	/* Sets: sorted, without duplicates, for binary search. */
	if (nsrc > 1)
		qsort(b, nsrc, sizeof(*b), addr_qcmp);
	for (i = 0; i < nsrc; i++)
		if (!n || !mgm_addr_eq(&b[n - 1], &b[i]))
			b[n++] = b[i];
	igmp_record(g, ifp, now, type, group, n ? b : NULL, n, reporter);
	if (b != stack)
		free(b);
}

void igmp_old_report(struct igmp *g, struct igmp_if *ifp, int level,
		     const struct mgm_addr *group,
		     const struct mgm_addr *reporter, uint64_t now)
{
	struct igmp_grp *grp;

	/* RFC 3376 7.3.2: IS_EX({}), and the older host is present. */
	grp = igmp_record(g, ifp, now, IGMP_IS_EX, group, NULL, 0, reporter);
	if (!grp)
		return;
	igmp_arm(g, level == 1 ? &grp->v1_host : &grp->v2_host,
		 now + if_gmi(g, ifp));
}

void igmp_leave(struct igmp *g, struct igmp_if *ifp,
		const struct mgm_addr *group, const struct mgm_addr *reporter,
		uint64_t now)
{
	struct igmp_grp *grp = igmp_grp_find(ifp, group);

	/* v1 hosts send no leaves: while one is present nobody may end
	 * the group early (7.3.2); SSM groups are source specific. */
	if ((grp && igmp_grp_compat(ifp, grp) == 1) ||
	    (igmp_is_ssm(group) && !g->o.asm_in_ssm_range)) {
		ifp->cnt.rec_compat++;
		return;
	}
	igmp_record(g, ifp, now, IGMP_TO_IN, group, NULL, 0, reporter);
}

static void input_msg(struct igmp *g, struct igmp_if *ifp,
		      const struct igmp_msg *m, uint64_t now)
{
	struct mgm_addr src = mgm_addr4(m->src), group = mgm_addr4(m->group);
	struct igmp_qrx q;
	struct igmp_rec rec;
	size_t off = 0;

	switch (m->type) {
	case IGMP_QUERY:
		ifp->addr = igmp_own_addr(g, ifp);
		if (m->src && mgm_addr_eq(&src, &ifp->addr)) {
			ifp->cnt.ignored_own++;
			return;
		}
		ifp->cnt.rx_query[m->version - 1]++;
		q = (struct igmp_qrx){
			.src = src,
			.group = group,
			.level = m->version,
			.max_resp_ns =
				(uint64_t)m->max_resp_ds * 100 * NS_PER_MS,
			.s_flag = m->s_flag,
			.qrv = m->qrv,
			.qqi_s = m->qqi_s,
			.nsrc = m->nsrc,
			.srcs = m->srcs,
		};
		igmp_query_rx(g, ifp, &q, now);
		break;
	case IGMP_V1_REPORT:
	case IGMP_V2_REPORT:
		ifp->cnt.rx_report[m->version - 1]++;
		igmp_old_report(g, ifp, m->version, &group, &src, now);
		break;
	case IGMP_V2_LEAVE:
		ifp->cnt.rx_leave++;
		igmp_leave(g, ifp, &group, &src, now);
		break;
	case IGMP_V3_REPORT:
		/* An RFC 2236 router does not know this type. */
		if (ifp->version < 3) {
			ifp->cnt.ignored_version++;
			return;
		}
		ifp->cnt.rx_report[2]++;
		while (igmp_rec_next(m, &off, &rec)) {
			struct mgm_addr rg = mgm_addr4(rec.group);

			igmp_v3_record(g, ifp, rec.type, &rg, rec.srcs,
				       rec.nsrc, &src, now);
		}
		return;
	}
	/* Accepted without Router Alert (v1/v2 only, see igmp_pkt.c). */
	if (!m->ra)
		ifp->cnt.rx_no_ra++;
}

void igmp_input(struct igmp *g, uint32_t ifindex, const uint8_t *ip, size_t len)
{
	uint16_t family = len && ip[0] >> 4 == 6 ? MGM_AF_INET6 : MGM_AF_INET;
	struct igmp_if *ifp;
	struct igmp_msg m;
	enum igmp_rx r = IGMP_RX_OK;

	if (!g)
		return;
	pthread_mutex_lock(&g->lock);
	ifp = igmp_if_find(g, ifindex, family);
	/* Not the interface's family: its other family counts it as bad. */
	if (!ifp) {
		family = family == MGM_AF_INET6 ? MGM_AF_INET : MGM_AF_INET6;
		ifp = igmp_if_find(g, ifindex, family);
	}
	if (!ifp) {
		g->unknown_if++;
		pthread_mutex_unlock(&g->lock);
		return;
	}
	ifp->cnt.rx_packets++;
	if (family == MGM_AF_INET6) {
		mld_input(g, ifp, ip, len, now_ns(g));
	} else {
		r = igmp_pkt_parse(ip, len, &m);
		if (r)
			count_reject(&ifp->cnt, r);
		else
			input_msg(g, ifp, &m, now_ns(g));
	}
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
