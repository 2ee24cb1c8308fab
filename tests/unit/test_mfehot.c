// SPDX-License-Identifier: GPL-2.0
/*
 * test_mfehot.c - an entry's hot counters as the datapath layer reads
 * them (user/dp/mfehot.c): the line alone until CPUs share the entry, then
 * the line plus every CPU's element that carries the entry's tag (its
 * stats slot and generation), never a stale or another entry's.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "dp/mfehot.c" /* pure: no datapath needed */

#define GEN 77

static void test_sum(void)
{
	struct mgm_mfe_hot hot[4] = {
		{ .stats = 5, .gen = GEN, .packets = 1, .bytes = 100 },
		{ 0 }, /* never used on this CPU */
		{ .stats = 5, .gen = GEN, .packets = 5, .bytes = 500 },
		{ .stats = 5, .gen = GEN - 1, .packets = 9, .bytes = 900 },
	};
	struct mgm_mfe_ent e = { .stats = 5, .packets = 7, .bytes = 700 };
	uint64_t p, b;

	check_begin("sum");
	e.owner = MGM_MFE_OWNER_NONE;
	mfehot_sum(&e, GEN, hot, 4, &p, &b);
	CHECK(p == 7 && b == 700, "unclaimed: the line only (%llu)",
	      (unsigned long long)p);
	e.owner = 2; /* CPU 1 */
	CHECK(!mfehot_shared(&e), "an owner is not shared");
	mfehot_sum(&e, GEN, hot, 4, &p, &b);
	CHECK(p == 7 && b == 700, "owned: the line only, whatever the map");
	e.owner = MGM_MFE_OWNER_SHARED;
	CHECK(mfehot_shared(&e), "shared");
	mfehot_sum(&e, GEN, hot, 4, &p, &b);
	CHECK(p == 13 && b == 1300,
	      "shared: line + the CPUs with its tag, not the stale one "
	      "(%llu %llu)",
	      (unsigned long long)p, (unsigned long long)b);
	mfehot_sum(&e, GEN - 1, hot, 4, &p, &b);
	CHECK(p == 16 && b == 1600, "the older generation's own");
	hot[2].stats = 5 + 4096; /* another entry on the same element */
	mfehot_sum(&e, GEN, hot, 4, &p, &b);
	CHECK(p == 8 && b == 800, "not another slot's (%llu)",
	      (unsigned long long)p);
	mfehot_sum(&e, GEN, NULL, 4, &p, &b);
	CHECK(p == 7 && b == 700, "shared, elements unreadable");
	mfehot_sum(&e, GEN, hot, 0, &p, &b);
	CHECK(p == 7 && b == 700, "no CPU values");
	mfehot_sum(&e, 0, hot, 4, &p, &b);
	CHECK(p == 7 && b == 700, "no generation (stats unreadable)");
}

int main(void)
{
	test_sum();
	return check_summary();
}
