// SPDX-License-Identifier: GPL-2.0
/*
 * igmp_query.c - the querier: election (RFC 3376 6.6.2), general queries
 * with the startup schedule (8.6, 8.7), group-specific and
 * group-and-source-specific queries with their retransmissions (6.6.3),
 * and what a router does with other routers' queries (6.6.1 timer
 * lowering, 4.1.6/4.1.7 adoption of QRV and QQIC by non-queriers).
 *
 * Only the querier sends queries, and only the querier carries out the
 * "Send Q(G)" / "Send Q(G,A)" actions of the 6.4 tables (lowering timers
 * included); a non-querier lowers its timers when it hears the querier's
 * queries instead, so both end up with the same state.
 */
#include <errno.h>
#include <string.h>
#include <arpa/inet.h>

#include "igmp_int.h"

/*
 * One query: general (group unspecified), group-specific, or group-and-
 * source-specific (n sources), in the interface's family and version.
 */
struct qspec {
	const struct mgm_addr *group; /* NULL: general */
	uint64_t max_resp_ns;
	bool s_flag;
	const struct mgm_addr *srcs;
	uint32_t nsrc;
};

static int send_igmp(struct igmp *g, struct igmp_if *ifp,
		     const struct qspec *qs)
{
	uint32_t v4[IGMP_QUERY_MAX_SOURCES], k;
	uint8_t buf[IGMP_QUERY_MAX_LEN];
	uint64_t ds = qs->max_resp_ns / (100 * NS_PER_MS);
	struct igmp_query_fields q = {
		.version = ifp->version,
		.group = qs->group ? qs->group->v4 : 0,
		.max_resp_ds =
			ds ? (uint32_t)(ds > 0xffffffU ? 0xffffffU : ds) : 1,
		.s_flag = qs->s_flag,
		.qrv = (uint8_t)(if_rv(g, ifp) > 7 ? 0 : if_rv(g, ifp)),
		.qqi_s = (uint32_t)(if_qi(g, ifp) / (1000 * NS_PER_MS)),
		.srcs = v4,
		.nsrc = qs->nsrc,
	};
	size_t len;

	for (k = 0; k < qs->nsrc && k < IGMP_QUERY_MAX_SOURCES; k++)
		v4[k] = qs->srcs[k].v4;
	len = igmp_build_query(buf, sizeof(buf), &q);
	if (!len)
		return -EINVAL;
	return g->io.send(g->io.ctx, ifp->ifindex,
			  q.group ? q.group : htonl(IGMP_ALL_HOSTS), buf, len);
}

static int send_mld(struct igmp *g, struct igmp_if *ifp, const struct qspec *qs)
{
	struct in6_addr v6[MLD_QUERY_MAX_SOURCES];
	uint8_t buf[MLD_QUERY_MAX_LEN];
	uint64_t ms = qs->max_resp_ns / NS_PER_MS;
	struct mld_query_fields q = {
		/* Levels 2 and 3 are MLDv1 and MLDv2. */
		.version = ifp->version - 1,
		.max_resp_ms =
			ms ? (uint32_t)(ms > UINT32_MAX ? UINT32_MAX : ms) : 1,
		.s_flag = qs->s_flag,
		.qrv = (uint8_t)(if_rv(g, ifp) > 7 ? 0 : if_rv(g, ifp)),
		.qqi_s = (uint32_t)(if_qi(g, ifp) / (1000 * NS_PER_MS)),
		.srcs = v6,
		.nsrc = qs->nsrc,
	};
	uint32_t k;
	size_t len;

	/*
	 * RFC 3810 5.1.14: queries come from a link-local address.  An
	 * interface may get its own only after MLD started on it (DAD, a
	 * link that came up later): ask again until it has one.
	 */
	if (mgm_addr_is_unspec(&ifp->addr)) {
		ifp->addr = igmp_own_addr(g, ifp);
		if (ifp->querier)
			ifp->querier_addr = ifp->addr;
	}
	if (mgm_addr_is_unspec(&ifp->addr))
		return -EADDRNOTAVAIL;
	memcpy(&q.src, ifp->addr.v6, 16);
	if (qs->group)
		memcpy(&q.group, qs->group->v6, 16);
	/* MLDv1 has no Maximum Response Delay above 65535 ms. */
	if (q.version == 1 && q.max_resp_ms > 0xffff)
		q.max_resp_ms = 0xffff;
	for (k = 0; k < qs->nsrc && k < MLD_QUERY_MAX_SOURCES; k++)
		memcpy(&v6[k], qs->srcs[k].v6, 16);
	len = mld_build_query(buf, sizeof(buf), &q);
	if (!len)
		return -EINVAL;
	return g->io.send6(g->io.ctx, ifp->ifindex, buf, len);
}

static void send_query(struct igmp *g, struct igmp_if *ifp,
		       const struct qspec *qs, uint64_t *counter)
{
	int err = ifp->family == MGM_AF_INET6 ? send_mld(g, ifp, qs) :
						send_igmp(g, ifp, qs);

	if (err >= 0) {
		(*counter)++;
		return;
	}
	ifp->cnt.tx_errors++;
	/* An interface that is down fails every send: say it sometimes. */
	if (g->log_tx_errors++ % 100 == 0)
		igmp_logf(g, LOG_WARNING,
			  "sending a%s query on if %u: error %d",
			  ifp->family == MGM_AF_INET6 ? "n MLD" : "n IGMP",
			  ifp->ifindex, err);
}

static void send_general(struct igmp *g, struct igmp_if *ifp)
{
	struct qspec q = { .max_resp_ns = g->qri };

	send_query(g, ifp, &q, &ifp->cnt.tx_general_query);
}

void igmp_querier_start(struct igmp *g, struct igmp_if *ifp, uint64_t now)
{
	ifp->addr = igmp_own_addr(g, ifp);
	ifp->querier = true;
	ifp->querier_addr = ifp->addr;
	ifp->oqp = 0;
	ifp->rv = 0;
	ifp->qi = 0;
	send_general(g, ifp);
	/* 8.6/8.7: [Startup Query Count] queries, [Startup Query Interval]
	 * apart, so that members are learnt quickly after a start. */
	ifp->startup_left = g->sqc > 0 ? g->sqc - 1 : 0;
	igmp_arm(g, &ifp->gq_next,
		 now + (ifp->startup_left ? g->sqi : if_qi(g, ifp)));
	igmp_emit(g, IGMP_EV_QUERIER, ifp, NULL, NULL, &ifp->addr);
}

/* Only the querier retransmits: forget what we were still to send. */
static void stop_queries(struct igmp_if *ifp)
{
	uint32_t i, k;

	ifp->startup_left = 0;
	ifp->gq_next = 0;
	for (i = 0; i < ifp->ngrp; i++) {
		struct igmp_grp *grp = &ifp->grp[i];

		grp->gq_next = 0;
		grp->gq_rtx = 0;
		grp->sq_next = 0;
		for (k = 0; k < grp->nsrc; k++)
			grp->src[k].rtx = 0;
	}
}

void igmp_if_timers(struct igmp *g, struct igmp_if *ifp, uint64_t now)
{
	if (!ifp->querier) {
		if (!ifp->oqp || ifp->oqp > now) {
			igmp_arm(g, &ifp->oqp, ifp->oqp);
			return;
		}
		/* 6.6.2: the other querier went quiet; take over. */
		igmp_querier_start(g, ifp, now);
		ifp->startup_left = 0;
		igmp_arm(g, &ifp->gq_next, now + if_qi(g, ifp));
		return;
	}
	if (ifp->gq_next > now) {
		igmp_arm(g, &ifp->gq_next, ifp->gq_next);
		return;
	}
	send_general(g, ifp);
	if (ifp->startup_left)
		ifp->startup_left--;
	igmp_arm(g, &ifp->gq_next,
		 now + (ifp->startup_left ? g->sqi : if_qi(g, ifp)));
}

/* 6.6.1: a query with S clear lowers timers to what it will allow. */
static void lower_timers(struct igmp *g, struct igmp_if *ifp,
			 const struct igmp_qrx *m, uint64_t now)
{
	struct igmp_grp *grp = igmp_grp_find(ifp, &m->group);
	uint32_t count = m->level == 3 && m->qrv ? m->qrv : g->lmqc;
	uint64_t t = now + m->max_resp_ns * count;
	uint16_t i;

	if (!grp)
		return;
	if (!m->nsrc) {
		if (grp->mode == IGMP_EXCLUDE && grp->timer > t)
			igmp_arm(g, &grp->timer, t);
		return;
	}
	for (i = 0; i < m->nsrc; i++) {
		struct mgm_addr a = addr_at(ifp->family, m->srcs, i);
		struct igmp_src *s = igmp_src_find(grp, &a);

		if (s && s->timer > t)
			igmp_arm(g, &s->timer, t);
	}
}

void igmp_query_rx(struct igmp *g, struct igmp_if *ifp,
		   const struct igmp_qrx *m, uint64_t now)
{
	const struct mgm_addr *our = &ifp->addr;

	/*
	 * 6.6.2 (RFC 3810 7.6.2): the lowest address is the querier -- IPv4
	 * as a number, IPv6 link-local addresses byte by byte; 0.0.0.0
	 * (snooping switches) does not take part.  Without an address we
	 * cannot win.
	 */
	if (!mgm_addr_is_unspec(&m->src) &&
	    (mgm_addr_is_unspec(our) || addr_cmp(&m->src, our) < 0)) {
		bool changed = ifp->querier ||
			       !mgm_addr_eq(&ifp->querier_addr, &m->src);

		if (ifp->querier) {
			ifp->querier = false;
			stop_queries(ifp);
		}
		ifp->querier_addr = m->src;
		/* 4.1.6, 4.1.7: non-queriers use the querier's values. */
		if (m->level == 3 && m->qrv)
			ifp->rv = m->qrv;
		if (m->level == 3 && m->qqi_s)
			ifp->qi = (uint64_t)m->qqi_s * 1000 * NS_PER_MS;
		igmp_arm(g, &ifp->oqp, now + if_oqpi(g, ifp));
		if (changed)
			igmp_emit(g, IGMP_EV_NON_QUERIER, ifp, NULL, NULL,
				  &m->src);
	}
	if (!mgm_addr_is_unspec(&m->group) && !m->s_flag)
		lower_timers(g, ifp, m, now);
}

/* ------------------------------------------------------------------ */
/* Group-specific and group-and-source-specific queries                */

static void send_gsq(struct igmp *g, struct igmp_if *ifp, struct igmp_grp *grp,
		     uint64_t now)
{
	struct qspec q = { .group = &grp->addr, .max_resp_ns = g->lmqi };

	/* 6.6.3.1: a report raised the timer meanwhile: others must not
	 * lower theirs because of this retransmission. */
	q.s_flag = grp->timer > now + lmqt(g);
	send_query(g, ifp, &q, &ifp->cnt.tx_group_query);
}

void igmp_q_group(struct igmp *g, struct igmp_if *ifp, struct igmp_grp *grp,
		  uint64_t now)
{
	uint64_t t = now + lmqt(g);

	if (!ifp->querier)
		return;
	if (grp->timer > t)
		igmp_arm(g, &grp->timer, t);
	send_gsq(g, ifp, grp, now);
	grp->gq_rtx = (uint8_t)(g->lmqc > 1 ? g->lmqc - 1 : 0);
	igmp_arm(g, &grp->gq_next, grp->gq_rtx ? now + g->lmqi : 0);
}

static void flush_sq(struct igmp *g, struct igmp_if *ifp, struct igmp_grp *grp,
		     bool s_flag, const struct mgm_addr *v, uint32_t n)
{
	struct qspec q = {
		.group = &grp->addr,
		.max_resp_ns = g->lmqi,
		.s_flag = s_flag,
		.srcs = v,
		.nsrc = n,
	};

	if (!n)
		return;
	send_query(g, ifp, &q, &ifp->cnt.tx_group_source_query);
}

/*
 * 6.6.3.2: one round is up to two messages, S set for the sources whose
 * timers reports raised above LMQT again, S clear for the others; each
 * source is in [Last Member Query Count] rounds.
 */
static void sq_round(struct igmp *g, struct igmp_if *ifp, struct igmp_grp *grp,
		     uint64_t now)
{
	struct mgm_addr v[IGMP_QUERY_MAX_SOURCES];
	/* Per message: a 1500-byte MTU for IGMP, 1280 bytes for MLD. */
	uint32_t max = ifp->family == MGM_AF_INET6 ? MLD_QUERY_MAX_SOURCES :
						     IGMP_QUERY_MAX_SOURCES;
	uint64_t t = now + lmqt(g);
	uint32_t n, i;
	bool left = false;
	int pass;

	for (pass = 0; pass < 2; pass++) {
		bool s_flag = pass == 0;

		for (i = 0, n = 0; i < grp->nsrc; i++) {
			struct igmp_src *s = &grp->src[i];

			if (!s->rtx || !s->timer || (s->timer > t) != s_flag)
				continue;
			v[n++] = s->addr;
			s->rtx--;
			left |= s->rtx > 0;
			if (n == max) {
				flush_sq(g, ifp, grp, s_flag, v, n);
				n = 0;
			}
		}
		flush_sq(g, ifp, grp, s_flag, v, n);
	}
	igmp_arm(g, &grp->sq_next, left ? now + g->lmqi : 0);
}

void igmp_q_marked(struct igmp *g, struct igmp_if *ifp, struct igmp_grp *grp,
		   uint64_t now)
{
	/* An IGMPv2 / MLDv1 router has no source-specific queries. */
	bool send = ifp->querier && ifp->version == 3;
	uint64_t t = now + lmqt(g);
	bool any = false;
	uint32_t i;

	for (i = 0; i < grp->nsrc; i++) {
		struct igmp_src *s = &grp->src[i];

		if (!s->mark)
			continue;
		s->mark = false;
		if (!send || !s->timer)
			continue;
		if (s->timer > t)
			igmp_arm(g, &s->timer, t);
		s->rtx = (uint8_t)g->lmqc;
		any = true;
	}
	if (any)
		sq_round(g, ifp, grp, now);
}

void igmp_q_timers(struct igmp *g, struct igmp_if *ifp, struct igmp_grp *grp,
		   uint64_t now)
{
	if (!ifp->querier) {
		grp->gq_next = 0;
		grp->sq_next = 0;
		return;
	}
	if (grp->gq_next && grp->gq_next <= now) {
		send_gsq(g, ifp, grp, now);
		if (grp->gq_rtx)
			grp->gq_rtx--;
		grp->gq_next = grp->gq_rtx ? now + g->lmqi : 0;
	}
	if (grp->sq_next && grp->sq_next <= now)
		sq_round(g, ifp, grp, now);
}
