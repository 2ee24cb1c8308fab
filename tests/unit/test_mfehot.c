// SPDX-License-Identifier: GPL-2.0
/*
 * test_mfehot.c - an entry's hot counters as the datapath layer reads
 * them (user/dp/mfehot.c): the line alone until CPUs share the entry, then
 * the line plus every CPU's element; and which elements of mgm_mfe_shared
 * go when stats slots are freed.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "dp/mfehot.c" /* pure: no datapath needed */

static void test_sum(void)
{
	struct mgm_mfe_hot hot[3] = { { 1, 100 }, { 0, 0 }, { 5, 500 } };
	struct mgm_mfe_ent e = { .packets = 7, .bytes = 700 };
	uint64_t p, b;

	check_begin("sum");
	e.owner = MGM_MFE_OWNER_NONE;
	mfehot_sum(&e, hot, 3, &p, &b);
	CHECK(p == 7 && b == 700, "unclaimed: the line only (%llu)",
	      (unsigned long long)p);
	e.owner = 2; /* CPU 1 */
	CHECK(!mfehot_shared(&e), "an owner is not shared");
	mfehot_sum(&e, hot, 3, &p, &b);
	CHECK(p == 7 && b == 700, "owned: the line only, whatever the map");
	e.owner = MGM_MFE_OWNER_SHARED;
	CHECK(mfehot_shared(&e), "shared");
	mfehot_sum(&e, hot, 3, &p, &b);
	CHECK(p == 13 && b == 1300, "shared: line + every CPU (%llu %llu)",
	      (unsigned long long)p, (unsigned long long)b);
	mfehot_sum(&e, NULL, 3, &p, &b);
	CHECK(p == 7 && b == 700, "shared without an element yet");
	mfehot_sum(&e, hot, 0, &p, &b);
	CHECK(p == 7 && b == 700, "no CPU values");
}

static void test_freed(void)
{
	uint32_t keys[6] = { 1, 4, 9, 16, 25, 36 };
	uint32_t freed[5] = { 0, 4, 4, 25, 99 };
	uint32_t none[2] = { 2, 3 }, n;

	check_begin("freed");
	n = mfehot_freed(keys, 6, freed, 5);
	CHECK(n == 2 && keys[0] == 4 && keys[1] == 25,
	      "the common keys, in order, once each (%u)", n);
	memcpy(keys, (uint32_t[]){ 1, 4, 9, 16, 25, 36 }, sizeof(keys));
	CHECK_EQ(mfehot_freed(keys, 6, none, 2), 0, "nothing in common");
	CHECK_EQ(mfehot_freed(keys, 0, freed, 5), 0, "no element");
	CHECK_EQ(mfehot_freed(keys, 6, freed, 0), 0, "nothing freed");
	n = mfehot_freed(keys, 6, keys, 6);
	CHECK(n == 6 && keys[5] == 36, "all of them (%u)", n);
}

/* A random walk against a brute-force model. */
static void test_freed_random(void)
{
	uint32_t keys[64], copy[64], freed[64], i, j, n, nk, nf, want, bad = 0;
	unsigned int seed = 12345, round;

	check_begin("freed, random");
	for (round = 0; round < 2000; round++) {
		nk = (uint32_t)rand_r(&seed) % 64;
		nf = (uint32_t)rand_r(&seed) % 64;
		for (i = 0, n = 0; i < nk; i++) { /* sorted, unique */
			n += 1 + (uint32_t)rand_r(&seed) % 4;
			keys[i] = n;
		}
		for (i = 0, n = 0; i < nf; i++) { /* sorted, may repeat */
			n += (uint32_t)rand_r(&seed) % 4;
			freed[i] = n;
		}
		memcpy(copy, keys, sizeof(keys));
		n = mfehot_freed(keys, nk, freed, nf);
		for (i = 0, want = 0; i < nk; i++)
			for (j = 0; j < nf; j++)
				if (copy[i] == freed[j]) {
					bad += want >= n ||
					       keys[want] != copy[i];
					want++;
					break;
				}
		bad += want != n;
	}
	CHECK_EQ(bad, 0, "matches the model in 2000 rounds");
}

int main(void)
{
	test_sum();
	test_freed();
	test_freed_random();
	return check_summary();
}
