// SPDX-License-Identifier: GPL-2.0
/* mfehot.c - an entry's hot counters as the datapath layer reads them. */
#include "dp/mfehot.h"

void mfehot_sum(const struct mgm_mfe_ent *e, uint64_t gen,
		const struct mgm_mfe_hot *percpu, int n, uint64_t *packets,
		uint64_t *bytes)
{
	int i;

	*packets = e->packets;
	*bytes = e->bytes;
	if (!mfehot_shared(e) || !percpu || !gen)
		return;
	for (i = 0; i < n; i++) {
		if (percpu[i].gen != gen || percpu[i].stats != e->stats)
			continue;
		*packets += percpu[i].packets;
		*bytes += percpu[i].bytes;
	}
}
