/* SPDX-License-Identifier: GPL-2.0 */
/*
 * mfehot.h - the hot counters of an entry as the datapath layer reads
 * them: the entry's line plus, once several CPUs hit it, the per-CPU
 * elements of mgm_mfe_shared that carry its tag (include/mgm_fwd.h,
 * bpf/mgm_mfe_count.h).  Pure logic: no syscall, no allocation.
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
 * The packets and bytes of entry e of generation gen (mgm_mfe_stats.gen):
 * its line's, plus, when it is shared, those of the n per-CPU values of
 * its element of mgm_mfe_shared that carry its tag (e's stats slot and
 * gen; others are stale or another entry's).  percpu NULL or n 0: none
 * read.
 */
void mfehot_sum(const struct mgm_mfe_ent *e, uint64_t gen,
		const struct mgm_mfe_hot *percpu, int n, uint64_t *packets,
		uint64_t *bytes);

#endif /* MGM_DP_MFEHOT_H */
