// SPDX-License-Identifier: GPL-2.0
/*
 * igmp_group.c - per-group router state of RFC 3376 section 6: filter
 * mode, group timer, source records and their timers, the state
 * transitions of 6.4 for every record type, the timer expiries of 6.3 and
 * 6.5, and the older-version compatibility of section 7.3.
 *
 * Notation of the RFC tables: INCLUDE(A) forwards the sources in A;
 * EXCLUDE(X,Y) forwards everything but Y, where X (the "requested list")
 * are sources with a running timer and Y (the "exclude list") sources whose
 * timer is 0.  A record carries the source set B (A for the EXCLUDE rows).
 *
 * Memberships are not changed here: a changed group is marked dirty and
 * igmp.c's sync turns the state into MGM calls with the lock dropped.
 * Records of sources or groups that disappear while MGM still has their
 * membership go to the interface's undo list for that sync.
 */
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>

#include "igmp_int.h"

bool igmp_is_ssm(const struct mgm_addr *group)
{
	if (group->family == MGM_AF_INET6)
		return group->v6[0] == 0xff && (group->v6[1] & 0xf0) == 0x30 &&
		       !group->v6[2] && !group->v6[3];
	return (ntohl(group->v4) & 0xff000000U) == 0xe8000000U;
}

bool igmp_is_local(const struct mgm_addr *group)
{
	/* RFC 4291 2.7: scopes 0 (reserved), 1 (interface), 2 (link). */
	if (group->family == MGM_AF_INET6)
		return (group->v6[1] & 0x0f) <= 2;
	return (ntohl(group->v4) & 0xffffff00U) == 0xe0000000U;
}

bool igmp_is_multicast(const struct mgm_addr *group)
{
	if (group->family == MGM_AF_INET6)
		return group->v6[0] == 0xff;
	return (ntohl(group->v4) & 0xf0000000U) == 0xe0000000U;
}

/* Groups and sources are sorted by addr_cmp: binary search. */
static long bsearch_addr(const void *base, size_t n, size_t size,
			 const struct mgm_addr *key)
{
	size_t lo = 0, hi = n;

	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		const struct mgm_addr *v =
			(const void *)((const char *)base + mid * size);
		int c = addr_cmp(v, key);

		if (!c)
			return (long)mid;
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return -(long)lo - 1; /* -(insertion point) - 1 */
}

_Static_assert(offsetof(struct igmp_grp, addr) == 0, "key first");
_Static_assert(offsetof(struct igmp_src, addr) == 0, "key first");

struct igmp_grp *igmp_grp_find(struct igmp_if *ifp,
			       const struct mgm_addr *group)
{
	long i = bsearch_addr(ifp->grp, ifp->ngrp, sizeof(*ifp->grp), group);

	return i >= 0 ? &ifp->grp[i] : NULL;
}

struct igmp_src *igmp_src_find(struct igmp_grp *grp,
			       const struct mgm_addr *addr)
{
	long i = bsearch_addr(grp->src, grp->nsrc, sizeof(*grp->src), addr);

	return i >= 0 ? &grp->src[i] : NULL;
}

static bool in_set(const struct mgm_addr *b, uint32_t nb,
		   const struct mgm_addr *a)
{
	return bsearch_addr(b, nb, sizeof(*b), a) >= 0;
}

void igmp_grp_dirty(struct igmp_if *ifp, struct igmp_grp *grp)
{
	grp->dirty = true;
	ifp->dirty = true;
}

/* MGM has (source, group) while we no longer do: sync must delete it. */
void igmp_undo_push(struct igmp_if *ifp, const struct mgm_addr *source,
		    const struct mgm_addr *group)
{
	if (ifp->nundo == ifp->capundo) {
		uint32_t nc = ifp->capundo ? ifp->capundo * 2 : 16;
		struct igmp_undo *nv =
			realloc(ifp->undo, nc * sizeof(*ifp->undo));

		/* Without memory the membership stays in MGM until the
		 * interface goes: better than forgetting the whole state. */
		if (!nv)
			return;
		ifp->undo = nv;
		ifp->capundo = nc;
	}
	ifp->undo[ifp->nundo++] = (struct igmp_undo){ *source, *group };
	ifp->dirty = true;
}

/* A record comes back before its undo ran: MGM still has it. */
static bool undo_take(struct igmp_if *ifp, const struct mgm_addr *source,
		      const struct mgm_addr *group)
{
	uint32_t i;

	for (i = 0; i < ifp->nundo; i++) {
		if (mgm_addr_eq(&ifp->undo[i].source, source) &&
		    mgm_addr_eq(&ifp->undo[i].group, group)) {
			ifp->undo[i] = ifp->undo[--ifp->nundo];
			return true;
		}
	}
	return false;
}

static void src_del(struct igmp_if *ifp, struct igmp_grp *grp, uint32_t i)
{
	if (grp->src[i].in_mgm || grp->src[i].unsure)
		igmp_undo_push(ifp, &grp->src[i].addr, &grp->addr);
	memmove(&grp->src[i], &grp->src[i + 1],
		(grp->nsrc - i - 1) * sizeof(*grp->src));
	grp->nsrc--;
	igmp_grp_dirty(ifp, grp);
}

/* The source record, created (timer not running) if needed. */
static struct igmp_src *src_get(struct igmp *g, struct igmp_if *ifp,
				struct igmp_grp *grp,
				const struct mgm_addr *addr)
{
	long i = bsearch_addr(grp->src, grp->nsrc, sizeof(*grp->src), addr);
	struct igmp_src *s;

	if (i >= 0)
		return &grp->src[i];
	if (grp->nsrc >= g->o.max_sources) {
		ifp->cnt.rec_limit++;
		return NULL;
	}
	if (grp->nsrc == grp->capsrc) {
		uint32_t nc = grp->capsrc ? grp->capsrc * 2 : 4;
		struct igmp_src *nv = realloc(grp->src, nc * sizeof(*nv));

		if (!nv) {
			ifp->cnt.rec_limit++;
			return NULL;
		}
		grp->src = nv;
		grp->capsrc = nc;
	}
	i = -i - 1;
	memmove(&grp->src[i + 1], &grp->src[i],
		(grp->nsrc - (uint32_t)i) * sizeof(*grp->src));
	grp->nsrc++;
	s = &grp->src[i];
	*s = (struct igmp_src){ .addr = *addr };
	/* Its delete was still to come: MGM may have it, sync makes sure. */
	s->unsure = undo_take(ifp, addr, &grp->addr);
	igmp_grp_dirty(ifp, grp);
	return s;
}

static struct igmp_grp *grp_new(struct igmp *g, struct igmp_if *ifp,
				const struct mgm_addr *group, uint64_t now)
{
	long i = bsearch_addr(ifp->grp, ifp->ngrp, sizeof(*ifp->grp), group);
	struct igmp_grp *grp;
	struct mgm_addr any = addr_any(group->family);

	if (ifp->ngrp >= g->o.max_groups) {
		ifp->cnt.rec_limit++;
		return NULL;
	}
	if (ifp->ngrp == ifp->capgrp) {
		uint32_t nc = ifp->capgrp ? ifp->capgrp * 2 : 8;
		struct igmp_grp *nv = realloc(ifp->grp, nc * sizeof(*nv));

		if (!nv) {
			ifp->cnt.rec_limit++;
			return NULL;
		}
		ifp->grp = nv;
		ifp->capgrp = nc;
	}
	i = -i - 1;
	memmove(&ifp->grp[i + 1], &ifp->grp[i],
		(ifp->ngrp - (uint32_t)i) * sizeof(*ifp->grp));
	ifp->ngrp++;
	grp = &ifp->grp[i];
	*grp = (struct igmp_grp){ .addr = *group, .mode = IGMP_INCLUDE };
	grp->created = now;
	grp->unsure = undo_take(ifp, &any, group);
	igmp_grp_dirty(ifp, grp);
	return grp;
}

void igmp_grp_del(struct igmp_if *ifp, uint32_t idx)
{
	struct igmp_grp *grp = &ifp->grp[idx];
	struct mgm_addr any = addr_any(grp->addr.family);
	uint32_t i;

	if (grp->in_mgm || grp->unsure)
		igmp_undo_push(ifp, &any, &grp->addr);
	for (i = 0; i < grp->nsrc; i++)
		if (grp->src[i].in_mgm || grp->src[i].unsure)
			igmp_undo_push(ifp, &grp->src[i].addr, &grp->addr);
	free(grp->src);
	memmove(&ifp->grp[idx], &ifp->grp[idx + 1],
		(ifp->ngrp - idx - 1) * sizeof(*ifp->grp));
	ifp->ngrp--;
	/* Marks of this group may now want their FORWARD_STATE gone. */
	ifp->dirty = true;
}

void igmp_grp_free_all(struct igmp_if *ifp)
{
	uint32_t i;

	for (i = 0; i < ifp->ngrp; i++)
		free(ifp->grp[i].src);
	free(ifp->grp);
	ifp->grp = NULL;
	ifp->ngrp = ifp->capgrp = 0;
}

int igmp_grp_compat(const struct igmp_if *ifp, const struct igmp_grp *grp)
{
	int c = grp->v1_host ? 1 : grp->v2_host ? 2 : 3;

	return c < ifp->version ? c : ifp->version;
}

bool igmp_forwards(const struct igmp_grp *grp, const struct mgm_addr *source)
{
	const struct igmp_src *s;

	if (!grp)
		return false;
	s = igmp_src_find((struct igmp_grp *)grp, source);
	if (grp->mode == IGMP_INCLUDE)
		return s && s->timer;
	return !s || s->timer;
}

/* ------------------------------------------------------------------ */
/* RFC 3376 6.4: the tables                                            */

/* IS_IN(B), ALLOW(B): (B) = GMI; in EXCLUDE mode that moves B to X. */
static void rec_include(struct igmp *g, struct igmp_if *ifp,
			struct igmp_grp *grp, const struct mgm_addr *b,
			uint32_t nb, uint64_t now)
{
	uint32_t i;

	for (i = 0; i < nb; i++) {
		struct igmp_src *s = src_get(g, ifp, grp, &b[i]);

		if (s)
			igmp_arm(g, &s->timer, now + if_gmi(g, ifp));
	}
}

/*
 * IS_EX(B) and TO_EX(B), which differ only in the timer of new sources
 * and TO_EX's query:
 *   INCLUDE(A)   -> EXCLUDE(A*B, B-A): (B-A) = 0, Delete (A-B)
 *   EXCLUDE(X,Y) -> EXCLUDE(A-Y, Y*A): (A-X-Y) = GMI (IS_EX) or
 *                   Group Timer (TO_EX), Delete (X-A), Delete (Y-A)
 * then Group Timer = GMI; TO_EX sends Q(G, A*B) resp. Q(G, A-Y), which
 * are exactly the sources left with a running timer.
 */
static void rec_exclude(struct igmp *g, struct igmp_if *ifp,
			struct igmp_grp *grp, const struct mgm_addr *b,
			uint32_t nb, bool to_ex, uint64_t now)
{
	bool was_in = grp->mode == IGMP_INCLUDE;
	uint64_t t_new = was_in ? 0 : to_ex ? grp->timer : now + if_gmi(g, ifp);
	uint32_t i;

	for (i = grp->nsrc; i-- > 0;)
		if (!in_set(b, nb, &grp->src[i].addr))
			src_del(ifp, grp, i);
	for (i = 0; i < nb; i++) {
		struct igmp_src *s;

		if (igmp_src_find(grp, &b[i]))
			continue;
		s = src_get(g, ifp, grp, &b[i]);
		if (s)
			igmp_arm(g, &s->timer, t_new);
	}
	grp->mode = IGMP_EXCLUDE;
	igmp_arm(g, &grp->timer, now + if_gmi(g, ifp));
	igmp_grp_dirty(ifp, grp);
	if (!to_ex)
		return;
	for (i = 0; i < grp->nsrc; i++)
		grp->src[i].mark = grp->src[i].timer != 0;
	igmp_q_marked(g, ifp, grp, now);
}

/*
 *   INCLUDE(A)   TO_IN(B) -> INCLUDE(A+B):     (B) = GMI, Q(G, A-B)
 *   EXCLUDE(X,Y) TO_IN(A) -> EXCLUDE(X+A, Y-A): (A) = GMI, Q(G, X-A), Q(G)
 * A-B and X-A are the running sources outside the record, taken before
 * the record's sources get their timers.
 */
static void rec_to_in(struct igmp *g, struct igmp_if *ifp, struct igmp_grp *grp,
		      const struct mgm_addr *b, uint32_t nb, uint64_t now)
{
	uint32_t i;

	for (i = 0; i < grp->nsrc; i++)
		grp->src[i].mark = grp->src[i].timer &&
				   !in_set(b, nb, &grp->src[i].addr);
	rec_include(g, ifp, grp, b, nb, now);
	igmp_q_marked(g, ifp, grp, now);
	if (grp->mode == IGMP_EXCLUDE)
		igmp_q_group(g, ifp, grp, now);
}

/*
 *   INCLUDE(A)   BLOCK(B) -> INCLUDE(A):          Q(G, A*B)
 *   EXCLUDE(X,Y) BLOCK(A) -> EXCLUDE(X+(A-Y), Y): (A-X-Y) = Group Timer,
 *                                                 Q(G, A-Y)
 */
static void rec_block(struct igmp *g, struct igmp_if *ifp, struct igmp_grp *grp,
		      const struct mgm_addr *b, uint32_t nb, uint64_t now)
{
	uint32_t i;

	if (grp->mode == IGMP_EXCLUDE) {
		for (i = 0; i < nb; i++) {
			struct igmp_src *s;

			if (igmp_src_find(grp, &b[i]))
				continue;
			s = src_get(g, ifp, grp, &b[i]);
			if (s)
				igmp_arm(g, &s->timer, grp->timer);
		}
	}
	for (i = 0; i < grp->nsrc; i++)
		grp->src[i].mark = grp->src[i].timer &&
				   in_set(b, nb, &grp->src[i].addr);
	igmp_q_marked(g, ifp, grp, now);
}

struct igmp_grp *igmp_record(struct igmp *g, struct igmp_if *ifp, uint64_t now,
			     int type, const struct mgm_addr *group,
			     const struct mgm_addr *b, uint32_t nb,
			     const struct mgm_addr *reporter)
{
	struct igmp_grp *grp;
	long idx;

	if (type < IGMP_IS_IN || type > IGMP_BLOCK) {
		ifp->cnt.rec_bad++;
		return NULL;
	}
	/* Link-local groups are never forwarded: keep no state at all. */
	if (igmp_is_local(group)) {
		ifp->cnt.rec_local++;
		return NULL;
	}
	if ((type == IGMP_IS_EX || type == IGMP_TO_EX) && igmp_is_ssm(group) &&
	    !g->o.asm_in_ssm_range) {
		ifp->cnt.rec_ssm++;
		return NULL;
	}
	grp = igmp_grp_find(ifp, group);
	/* RFC 3376 7.3.2: older hosts cannot take part in source filters. */
	if (grp && igmp_grp_compat(ifp, grp) < 3) {
		if (type == IGMP_BLOCK) {
			ifp->cnt.rec_compat++;
			return grp;
		}
		if (type == IGMP_TO_EX)
			nb = 0;
	}
	ifp->cnt.rec_processed++;
	if (!grp) {
		/* No state is INCLUDE({}): these rows leave it so. */
		if (type == IGMP_BLOCK ||
		    (!nb && (type == IGMP_IS_IN || type == IGMP_ALLOW ||
			     type == IGMP_TO_IN)))
			return NULL;
		grp = grp_new(g, ifp, group, now);
		if (!grp)
			return NULL;
	}
	grp->last_reporter = *reporter;
	igmp_grp_dirty(ifp, grp);
	switch (type) {
	case IGMP_IS_IN:
	case IGMP_ALLOW:
		rec_include(g, ifp, grp, b, nb, now);
		break;
	case IGMP_IS_EX:
	case IGMP_TO_EX:
		rec_exclude(g, ifp, grp, b, nb, type == IGMP_TO_EX, now);
		break;
	case IGMP_TO_IN:
		rec_to_in(g, ifp, grp, b, nb, now);
		break;
	case IGMP_BLOCK:
		rec_block(g, ifp, grp, b, nb, now);
		break;
	}
	if (grp->mode == IGMP_INCLUDE && !grp->nsrc) {
		idx = grp - ifp->grp;
		igmp_grp_del(ifp, (uint32_t)idx);
		return NULL;
	}
	return grp;
}

/* ------------------------------------------------------------------ */
/* Timers: RFC 3376 6.3, 6.5 and 7.3.2                                 */

static void grp_arm_all(struct igmp *g, struct igmp_grp *grp)
{
	uint32_t i;

	igmp_arm(g, &grp->timer, grp->timer);
	igmp_arm(g, &grp->v1_host, grp->v1_host);
	igmp_arm(g, &grp->v2_host, grp->v2_host);
	igmp_arm(g, &grp->gq_next, grp->gq_next);
	igmp_arm(g, &grp->sq_next, grp->sq_next);
	for (i = 0; i < grp->nsrc; i++)
		igmp_arm(g, &grp->src[i].timer, grp->src[i].timer);
}

bool igmp_grp_timers(struct igmp *g, struct igmp_if *ifp, uint32_t idx,
		     uint64_t now)
{
	struct igmp_grp *grp = &ifp->grp[idx];
	uint32_t i;

	if (grp->v1_host && grp->v1_host <= now)
		grp->v1_host = 0;
	if (grp->v2_host && grp->v2_host <= now)
		grp->v2_host = 0;
	igmp_q_timers(g, ifp, grp, now);

	/* 6.3: INCLUDE drops an expired source; EXCLUDE moves it to Y. */
	for (i = grp->nsrc; i-- > 0;) {
		struct igmp_src *s = &grp->src[i];

		if (!s->timer || s->timer > now)
			continue;
		if (grp->mode == IGMP_INCLUDE) {
			src_del(ifp, grp, i);
		} else {
			s->timer = 0;
			s->rtx = 0;
			igmp_grp_dirty(ifp, grp);
		}
	}
	/*
	 * 6.5: at group timer expiry EXCLUDE becomes INCLUDE of the sources
	 * still running (Y is dropped), or the group goes.
	 */
	if (grp->mode == IGMP_EXCLUDE && grp->timer <= now) {
		for (i = grp->nsrc; i-- > 0;)
			if (!grp->src[i].timer)
				src_del(ifp, grp, i);
		grp->mode = IGMP_INCLUDE;
		grp->timer = 0;
		/* Q(G) asks about the EXCLUDE state that just ended. */
		grp->gq_next = 0;
		grp->gq_rtx = 0;
		igmp_grp_dirty(ifp, grp);
	}
	if (grp->mode == IGMP_INCLUDE && !grp->nsrc) {
		igmp_grp_del(ifp, idx);
		return true;
	}
	grp_arm_all(g, grp);
	return false;
}
