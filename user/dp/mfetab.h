/* SPDX-License-Identifier: GPL-2.0 */
/*
 * mfetab.h - the userspace half of mgm_mfe_tab (include/mgm_fwd.h): where
 * an IPv4 entry goes, and every store that puts it there, changes it and
 * takes it out, over a slot array (the mapping of the map, or any array
 * in a test).  Pure logic: no syscall, no allocation.
 */
#ifndef MGM_DP_MFETAB_H
#define MGM_DP_MFETAB_H

#include <stdint.h>

#include "mgm_fwd.h"

/* "No such slot": not found, or no room in the window. */
#define MFETAB_NONE UINT32_MAX

struct mfetab {
	struct mgm_mfe_slot *s; /* [mask + 1], or NULL: read() each slot */
	/* Where s is NULL (a reader without the mapping): slot i into *out,
	 * 0 or a negative errno. */
	int (*read)(void *ctx, uint32_t i, struct mgm_mfe_slot *out);
	void *ctx;
	uint32_t mask; /* slots - 1, a power of two - 1 */
	uint32_t seed; /* mgm_config.mfe_seed */
	/* Slots probed from the home: MGM_MFE_PROBE_MAX (the program's
	 * bound); other values only to measure a placement. */
	uint32_t window;
};

/* The route word of an entry (iif, oset, flags) as one 8-byte value. */
uint64_t mfetab_word(uint32_t iif, uint16_t oset, uint16_t flags);

uint32_t mfetab_home(const struct mfetab *t, uint32_t source, uint32_t group);

/*
 * The slot of (source, group) alive (not DEAD), or MFETAB_NONE; the only
 * function that also works through read() (the others need s).
 */
uint32_t mfetab_find(const struct mfetab *t, uint32_t source, uint32_t group);

/* The first TOMB or EMPTY slot of the window, or MFETAB_NONE (full). */
uint32_t mfetab_place(const struct mfetab *t, uint32_t source, uint32_t group);

/*
 * Put an entry into slot i (from mfetab_place()): key, zero counters,
 * the entry with a DEAD route word, OCCUPIED, then e's route word with a
 * release store.
 */
void mfetab_fill(struct mfetab *t, uint32_t i, uint32_t source, uint32_t group,
		 const struct mgm_mfe_ent *e);

/*
 * Change slot i's route in place: its MTU lowered before the route word
 * (one store) and raised after it, as the program's ent_ctl() does.
 */
void mfetab_route(struct mfetab *t, uint32_t i, uint64_t word, uint16_t mtu);

/* Delete slot i's entry: its route word becomes DEAD (one store). */
void mfetab_kill(struct mfetab *t, uint32_t i);

/*
 * A grace period after mfetab_kill(): slot i becomes TOMB, or EMPTY when
 * the next one is EMPTY, and then so do the TOMBs before it.
 */
void mfetab_release(struct mfetab *t, uint32_t i);

/* The home slot of (source, group) counts one entry more (+1) or less
 * (-1) in the overflow hash. */
void mfetab_ovf(struct mfetab *t, uint32_t source, uint32_t group, int delta);

#endif /* MGM_DP_MFETAB_H */
