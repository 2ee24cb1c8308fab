// SPDX-License-Identifier: GPL-2.0
/*
 * mgm_expire.c - MFE lifetime: the expiry heap, timeouts set by prune
 * alerts, and the idle scan.
 *
 * An MFE is deleted once idle for its timeout, idle counting from the
 * later of its creation and its last use in the fast path.  The heap is
 * ordered by the earliest time each MFE could expire given the last use
 * MGM has seen; only MFEs at the top that are due cost a datapath lookup,
 * which either expires them or pushes them back by their real last use.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "mgm_int.h"

uint64_t sat_add(uint64_t a, uint64_t b)
{
	return a + b < a ? UINT64_MAX : a + b;
}

/*
 * A timeout of 0 means the MFE does not age (mgm.h: an expiry of 0 "does
 * not age", as MGM's MFE_STATS pages say): it never becomes due, and
 * only a release, mgm_delete_mfe() or a later non-zero timeout ends it.
 */
uint64_t mfe_deadline(uint64_t base_ns, uint32_t timeout)
{
	if (!timeout)
		return UINT64_MAX;
	return sat_add(base_ns, (uint64_t)timeout * NS_PER_SEC);
}

/* ------------------------------------------------------------------ */
/* Expiry heap (min-heap on deadline_ns)                               */

/* The heap holds MFE ids (32 bits): the MFE at position i. */
static struct mfe *heap_at(const struct mgm *m, size_t i)
{
	return mfe_at(m, m->heap[i]);
}

static void heap_set(struct mgm *m, size_t i, struct mfe *e)
{
	m->heap[i] = mfe_id(e);
	e->heap_idx = (uint32_t)i;
}

static void heap_up(struct mgm *m, size_t i)
{
	struct mfe *e = heap_at(m, i);

	while (i) {
		size_t parent = (i - 1) / 2;
		struct mfe *pe = heap_at(m, parent);

		if (pe->deadline_ns <= e->deadline_ns)
			break;
		heap_set(m, i, pe);
		i = parent;
	}
	heap_set(m, i, e);
}

static void heap_down(struct mgm *m, size_t i)
{
	struct mfe *e = heap_at(m, i);

	for (;;) {
		size_t c = 2 * i + 1;
		struct mfe *ce;

		if (c >= m->heap_n)
			break;
		ce = heap_at(m, c);
		if (c + 1 < m->heap_n &&
		    heap_at(m, c + 1)->deadline_ns < ce->deadline_ns)
			ce = heap_at(m, ++c);
		if (e->deadline_ns <= ce->deadline_ns)
			break;
		heap_set(m, i, ce);
		i = c;
	}
	heap_set(m, i, e);
}

int heap_push(struct mgm *m, struct mfe *e)
{
	if (vec_reserve((void **)&m->heap, &m->heap_cap, m->heap_n + 1,
			sizeof(*m->heap)))
		return -ENOMEM;
	heap_set(m, m->heap_n++, e);
	heap_up(m, e->heap_idx);
	return 0;
}

void heap_del(struct mgm *m, struct mfe *e)
{
	size_t i = e->heap_idx;
	struct mfe *last = heap_at(m, --m->heap_n);

	if (last == e)
		return;
	heap_set(m, i, last);
	heap_up(m, i);
	heap_down(m, last->heap_idx);
}

void heap_fix(struct mgm *m, struct mfe *e)
{
	heap_up(m, e->heap_idx);
	heap_down(m, e->heap_idx);
}

int64_t mfe_next_deadline(struct mgm *m)
{
	uint64_t d = m->heap_n ? heap_at(m, 0)->deadline_ns : UINT64_MAX;

	/* UINT64_MAX at the top: no MFE ages. */
	if (d == UINT64_MAX)
		return -1;
	return d > INT64_MAX ? INT64_MAX : (int64_t)d;
}

void mfe_set_timeout(struct mgm *m, uint32_t serial,
		     const struct mgm_addr *source,
		     const struct mgm_addr *group, uint32_t timeout)
{
	struct cbq q = { 0 };
	struct mfe *e;

	mgm_lock(m, &q);
	e = mfe_find(m, source, group);
	/* The MFE may have expired and been re-created since the alert. */
	if (e && e->serial == serial && e->timeout != timeout) {
		uint64_t base =
			e->deadline_ns - (uint64_t)e->timeout * NS_PER_SEC;
		uint64_t old = e->deadline_ns;

		/*
		 * The deadline is only the earliest time it may expire: when
		 * the last use is not known (it did not age so far), creation
		 * is a safe base, and the scan asks the fast path.
		 */
		if (!e->timeout || e->deadline_ns == UINT64_MAX ||
		    (uint64_t)e->timeout * NS_PER_SEC > e->deadline_ns)
			base = e->created_ns;
		e->timeout = timeout;
		e->deadline_ns = mfe_deadline(base, timeout);
		heap_fix(m, e);
		/* The event loop may be sleeping past the new deadline. */
		if (e->deadline_ns < old)
			mgm_wake(m);
	}
	mgm_unlock(m);
}

/* ------------------------------------------------------------------ */
/* The idle scan                                                       */

void mfe_dp_counters(struct mgm *m, const struct mfe *e,
		     struct mgm_dp_mfe_counters *c)
{
	struct mgm_addr s = mfe_source(e), g = mfe_group(e);

	if (!m->ops->mfe_counters || m->ops->mfe_counters(m->dp, &s, &g, c))
		memset(c, 0, sizeof(*c));
}

bool mfe_expire_scan(struct mgm *m, uint64_t now)
{
	unsigned budget = EXPIRE_BUDGET;

	while (m->heap_n && heap_at(m, 0)->deadline_ns <= now) {
		struct mfe *e = heap_at(m, 0);
		struct mgm_dp_mfe_counters c = { 0 };
		uint64_t last, tmo = (uint64_t)e->timeout * NS_PER_SEC;

		/* Bounded: the lock is held, and each check is a dp call. */
		if (!budget--)
			return true;
		if (!e->timeout) { /* does not age: never due */
			e->deadline_ns = UINT64_MAX;
			heap_down(m, 0);
			continue;
		}

		/*
		 * The deadline assumed the last use we knew of; only MFEs
		 * that may be due cost a datapath lookup.
		 */
		mfe_dp_counters(m, e, &c);
		last = c.last_used_ns > e->created_ns ? c.last_used_ns :
							e->created_ns;
		if (now < last || now - last < tmo) {
			e->deadline_ns = sat_add(last, tmo);
			heap_down(m, 0);
			continue;
		}
		mfe_remove(m, e);
		m->stats.mfes_expired++;
	}
	return false;
}
