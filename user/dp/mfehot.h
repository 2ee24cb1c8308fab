/* SPDX-License-Identifier: GPL-2.0 */
/*
 * mfehot.h - the hot counters of an entry as the datapath layer reads
 * them: the entry's line plus, once several CPUs hit it, its per-CPU
 * elements of mgm_mfe_shared (include/mgm_fwd.h, bpf/mgm_mfe_count.h),
 * and which of those elements go when their stats slots are freed.
 * Pure logic: no syscall, no allocation.
 */
#ifndef MGM_DP_MFEHOT_H
#define MGM_DP_MFEHOT_H

#include <stdint.h>

#include "mgm_fwd.h"

/*
 * Does the entry count into mgm_mfe_shared (is its element worth a
 * lookup)?
 */
static inline int mfehot_shared(const struct mgm_mfe_ent *e)
{
	return e->owner == MGM_MFE_OWNER_SHARED;
}

/*
 * The packets and bytes of entry e: its line's, plus, when it is shared,
 * the n per-CPU values of its mgm_mfe_shared element (percpu NULL or n 0:
 * it has none yet).
 */
void mfehot_sum(const struct mgm_mfe_ent *e, const struct mgm_mfe_hot *percpu,
		int n, uint64_t *packets, uint64_t *bytes);

/*
 * Keep in keys[0..n) (the keys of mgm_mfe_shared) those also in
 * freed[0..n_freed) (stats slots whose entries are gone), the elements to
 * delete, in order; returns how many.  Both sorted ascending, keys
 * without repeats.
 */
uint32_t mfehot_freed(uint32_t *keys, uint32_t n, const uint32_t *freed,
		      uint32_t n_freed);

#endif /* MGM_DP_MFEHOT_H */
