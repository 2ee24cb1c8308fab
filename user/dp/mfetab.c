// SPDX-License-Identifier: GPL-2.0
/*
 * mfetab.c - placement and stores of mgm_mfe_tab (see mfetab.h and
 * include/mgm_fwd.h).  The program reads the slots while these stores
 * happen; each one keeps what it may see consistent.
 */
#include <string.h>

#include "dp/mfetab.h"

#define STORE(p, v) __atomic_store_n((p), (v), __ATOMIC_RELAXED)
#define LOAD(p) __atomic_load_n((p), __ATOMIC_RELAXED)

static uint64_t *route_of(struct mgm_mfe_slot *s)
{
	return (uint64_t *)&s->e.iif;
}

uint64_t mfetab_word(uint32_t iif, uint16_t oset, uint16_t flags)
{
	struct mgm_mfe_ent e = { .iif = iif, .oset = oset, .flags = flags };
	uint64_t w;

	memcpy(&w, &e.iif, sizeof(w));
	return w;
}

uint32_t mfetab_home(const struct mfetab *t, uint32_t source, uint32_t group)
{
	return mgm_mfe_hash(source, group, t->seed) & t->mask;
}

uint32_t mfetab_find(const struct mfetab *t, uint32_t source, uint32_t group)
{
	uint32_t i = mfetab_home(t, source, group), k;
	struct mgm_mfe_slot copy;

	for (k = 0; k < t->window; k++, i = (i + 1) & t->mask) {
		const struct mgm_mfe_slot *s = &copy;
		uint32_t used;

		if (t->s)
			s = &t->s[i];
		else if (t->read(t->ctx, i, &copy))
			break;
		used = LOAD(&s->used);

		if (used == MGM_MFE_SLOT_EMPTY)
			break;
		if (used == MGM_MFE_SLOT_OCCUPIED && s->source == source &&
		    s->group == group && !(LOAD(&s->e.flags) & MGM_MFE_F_DEAD))
			return i;
	}
	return MFETAB_NONE;
}

uint32_t mfetab_place(const struct mfetab *t, uint32_t source, uint32_t group)
{
	uint32_t i = mfetab_home(t, source, group), k;

	for (k = 0; k < t->window; k++, i = (i + 1) & t->mask)
		if (LOAD(&t->s[i].used) != MGM_MFE_SLOT_OCCUPIED)
			return i;
	return MFETAB_NONE;
}

void mfetab_fill(struct mfetab *t, uint32_t i, uint32_t source, uint32_t group,
		 const struct mgm_mfe_ent *e)
{
	struct mgm_mfe_slot *s = &t->s[i];

	/* Dead until the last store: a reader skips it, whatever it sees. */
	STORE(route_of(s), mfetab_word(0, 0, MGM_MFE_F_DEAD));
	STORE(&s->source, source);
	STORE(&s->group, group);
	STORE(&s->e.mtu, e->mtu);
	STORE(&s->e.stats, e->stats);
	STORE(&s->e.packets, 0);
	STORE(&s->e.bytes, 0);
	STORE(&s->e.last_used, 0);
	STORE(&s->e.owner, MGM_MFE_OWNER_NONE); /* claimed by a first hit */
	STORE(&s->used, MGM_MFE_SLOT_OCCUPIED);
	/* The program reads the route word first, then the key: one that
	 * sees this word sees the key above. */
	__atomic_store_n(route_of(s), mfetab_word(e->iif, e->oset, e->flags),
			 __ATOMIC_RELEASE);
}

void mfetab_route(struct mfetab *t, uint32_t i, uint64_t word, uint16_t mtu)
{
	struct mgm_mfe_slot *s = &t->s[i];
	uint16_t old = LOAD(&s->e.mtu), lower;

	lower = !old ? mtu : !mtu ? old : old < mtu ? old : mtu;
	STORE(&s->e.mtu, lower);
	__atomic_store_n(route_of(s), word, __ATOMIC_SEQ_CST);
	STORE(&s->e.mtu, mtu);
}

void mfetab_kill(struct mfetab *t, uint32_t i)
{
	mfetab_route(t, i, mfetab_word(0, 0, MGM_MFE_F_DEAD), 0);
}

void mfetab_release(struct mfetab *t, uint32_t i)
{
	uint32_t n;

	STORE(&t->s[i].used, MGM_MFE_SLOT_TOMB);
	if (LOAD(&t->s[(i + 1) & t->mask].used) != MGM_MFE_SLOT_EMPTY)
		return;
	/* No entry lives past an EMPTY slot in its window: nor past these. */
	for (n = 0; n <= t->mask && LOAD(&t->s[i].used) == MGM_MFE_SLOT_TOMB;
	     n++, i = (i - 1) & t->mask)
		STORE(&t->s[i].used, MGM_MFE_SLOT_EMPTY);
}

void mfetab_ovf(struct mfetab *t, uint32_t source, uint32_t group, int delta)
{
	struct mgm_mfe_slot *s = &t->s[mfetab_home(t, source, group)];

	__atomic_store_n(&s->ovf, LOAD(&s->ovf) + delta, __ATOMIC_SEQ_CST);
}
