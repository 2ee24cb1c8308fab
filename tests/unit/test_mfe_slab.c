// SPDX-License-Identifier: GPL-2.0
/*
 * test_mfe_slab.c - the MFE slab (user/mgm/mgm_mfe_slab.c) on its own:
 * ids follow addresses, slots are reused, a block emptied is kept as the
 * one spare and reused by the next block needed (so that churn at a
 * block's edge maps nothing), a second emptied block is released, and
 * everything is released at the end (LeakSanitizer checks that).
 */
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "mgm/mgm_int.h"

static struct mgm *m;
static struct mfe *e[3 * MFE_PER_BLK];

static void setup(void)
{
	m = calloc(1, sizeof(*m));
	if (!m)
		exit(2);
	dlist_init(&m->slab.partial);
}

static void teardown(void)
{
	mfe_slab_fini(m);
	free(m);
	m = NULL;
}

static size_t alloc_n(size_t from, size_t n)
{
	size_t i, ok = 0;

	for (i = from; i < from + n; i++) {
		e[i] = mfe_alloc(m);
		ok += e[i] != NULL;
	}
	return ok;
}

static size_t blocks_live(void)
{
	size_t i, n = 0;

	for (i = 0; i < m->slab.n; i++)
		n += m->slab.b[i] != NULL;
	return n;
}

static void test_ids(void)
{
	size_t i, bad = 0;

	check_begin("ids follow addresses");
	setup();
	CHECK_EQ(alloc_n(0, 10), 10, "ten made");
	/* A freed slot is the next one handed out. */
	mfe_slot_put(m, e[5]);
	CHECK(mfe_alloc(m) == e[5], "slot 5 reused");
	CHECK_EQ(alloc_n(10, MFE_PER_BLK - 9), MFE_PER_BLK - 9, "all made");
	CHECK_EQ(blocks_live(), 2, "a second block for the one past the first");
	for (i = 0; i < MFE_PER_BLK + 1; i++)
		bad += mfe_at(m, mfe_id(e[i])) != e[i] || mfe_id(e[i]) != i + 1;
	CHECK_EQ(bad, 0, "id i+1 is the i-th made, and back");
	teardown();
}

static void test_spare(void)
{
	struct mfe_blk *b2;
	struct mfe *x;
	size_t i;

	check_begin("one emptied block kept as a spare");
	setup();
	CHECK_EQ(alloc_n(0, MFE_PER_BLK + 1), MFE_PER_BLK + 1, "all made");
	x = e[MFE_PER_BLK];
	b2 = mfe_blk_of(x);
	/* Churn at the edge: the second block's only MFE, again and again. */
	for (i = 0; i < 1000; i++) {
		mfe_slot_put(m, x);
		if (i == 0) {
			CHECK(m->slab.spare == b2,
			      "the emptied block is the spare");
			CHECK_EQ(blocks_live(), 1, "its index is free");
			CHECK_EQ(m->slab.n, 1, "the table shrinks");
		}
		x = mfe_alloc(m);
		if (!x || mfe_blk_of(x) != b2)
			break;
	}
	CHECK_EQ(i, 1000, "every MFE made again lives in the spare");
	CHECK(m->slab.spare == NULL, "the spare is in use");
	CHECK_EQ(mfe_id(x), MFE_PER_BLK + 1, "with the id of its new index");
	CHECK(mfe_at(m, mfe_id(x)) == x, "which finds it");
	e[MFE_PER_BLK] = x;

	/* Two blocks emptied: one is kept, the other released. */
	CHECK_EQ(alloc_n(MFE_PER_BLK + 1, MFE_PER_BLK), MFE_PER_BLK,
		 "a third block's worth");
	CHECK_EQ(blocks_live(), 3, "three blocks");
	for (i = 0; i < MFE_PER_BLK; i++)
		mfe_slot_put(m, e[i]);
	CHECK(m->slab.spare == mfe_blk_of(e[0]), "the first emptied is kept");
	for (i = MFE_PER_BLK; i < 2 * MFE_PER_BLK + 1; i++)
		mfe_slot_put(m, e[i]);
	CHECK_EQ(blocks_live(), 0, "no block in use");
	CHECK_EQ(m->slab.n, 0, "the table is empty");
	CHECK(m->slab.spare == mfe_blk_of(e[0]), "still the one spare");
	/* The next MFE takes the spare, with index 0 again. */
	x = mfe_alloc(m);
	CHECK(x && mfe_blk_of(x) == mfe_blk_of(e[0]), "made in the spare");
	CHECK(x && mfe_id(x) == 1, "id 1");
	teardown();
}

int main(void)
{
	test_ids();
	test_spare();
	return check_summary();
}
