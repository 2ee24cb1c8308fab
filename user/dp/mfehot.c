// SPDX-License-Identifier: GPL-2.0
/* mfehot.c - an entry's hot counters as the datapath layer reads them. */
#include "dp/mfehot.h"

void mfehot_sum(const struct mgm_mfe_ent *e, const struct mgm_mfe_hot *percpu,
		int n, uint64_t *packets, uint64_t *bytes)
{
	int i;

	*packets = e->packets;
	*bytes = e->bytes;
	if (!mfehot_shared(e) || !percpu)
		return;
	for (i = 0; i < n; i++) {
		*packets += percpu[i].packets;
		*bytes += percpu[i].bytes;
	}
}

uint32_t mfehot_freed(uint32_t *keys, uint32_t n, const uint32_t *freed,
		      uint32_t n_freed)
{
	uint32_t i = 0, j = 0, m = 0;

	/* Both sorted: one merge, the common keys to the front of keys. */
	while (i < n && j < n_freed) {
		if (keys[i] < freed[j]) {
			i++;
		} else if (freed[j] < keys[i]) {
			j++;
		} else {
			keys[m++] = keys[i++];
			j++;
		}
	}
	return m;
}
