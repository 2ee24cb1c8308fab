// SPDX-License-Identifier: GPL-2.0
/*
 * test_mfetab.c - the placement and the stores of mgm_mfe_tab
 * (user/dp/mfetab.c), over plain slot arrays, without root: how many
 * entries overflow at full load (the measurement behind
 * MGM_MFE_PROBE_MAX and MGM_MFE_OVF_MAX), and a random walk of inserts,
 * deletes and grace periods against a model, checking after every step
 * that the program's lookup finds every live entry and nothing else, that
 * no deleted slot is reused before its grace period, that no entry lives
 * past an EMPTY slot of its window and that the ovf counts add up.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "dp/mfetab.c" /* pure: no datapath needed */

static uint64_t rng = 0x9e3779b97f4a7c15ULL;

static uint32_t rnd(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return (uint32_t)(rng >> 16);
}

static struct mfetab tab_new(uint32_t slots, uint32_t window)
{
	struct mfetab t = { .mask = slots - 1,
			    .seed = rnd(),
			    .window = window };

	t.s = calloc(slots, sizeof(*t.s));
	if (!t.s)
		exit(2);
	return t;
}

/*
 * What the program does (bpf/mgm_fwd_path.h, tab_lookup): the slot of a
 * hit, or MFETAB_NONE; *ovf whether the overflow hash is looked up then.
 */
static uint32_t prog_lookup(const struct mfetab *t, uint32_t src, uint32_t grp,
			    int *ovf)
{
	uint32_t home = mfetab_home(t, src, grp), k, i;

	*ovf = 0;
	for (k = 0; k < MGM_MFE_PROBE_MAX; k++) {
		const struct mgm_mfe_slot *s = &t->s[i = (home + k) & t->mask];

		if (s->used == MGM_MFE_SLOT_EMPTY)
			break;
		if (s->source == src && s->group == grp &&
		    !(s->e.flags & MGM_MFE_F_DEAD) &&
		    s->used == MGM_MFE_SLOT_OCCUPIED)
			return i;
	}
	*ovf = t->s[home].ovf != 0;
	return MFETAB_NONE;
}

/* Fill to n entries of random keys (window w); the fraction overflowing. */
static double fill(struct mfetab *t, uint32_t n, double *mean_probe)
{
	struct mgm_mfe_ent e = { .iif = 1, .oset = 1 };
	uint32_t i, over = 0, at;
	double probes = 0;

	for (i = 0; i < n; i++) {
		uint32_t s = rnd(), g = rnd();

		at = mfetab_place(t, s, g);
		if (at == MFETAB_NONE) {
			over++;
			continue;
		}
		mfetab_fill(t, at, s, g, &e);
		probes += ((at - mfetab_home(t, s, g)) & t->mask) + 1;
	}
	*mean_probe = probes / (n - over);
	return (double)over / n;
}

/*
 * Full load (slots / 2 entries, the capacity) for several windows, then
 * churn at full load for the chosen one: delete a random entry (its slot
 * released, as after a grace period), insert a new one.
 */
static void test_load(void)
{
	static const uint32_t windows[] = { 4, 8, 16, 32 };
	const uint32_t slots = 1U << 18, n = slots / 2;
	double f, mean;
	unsigned int w;

	check_begin("load");
	for (w = 0; w < sizeof(windows) / sizeof(windows[0]); w++) {
		struct mfetab t = tab_new(slots, windows[w]);

		f = fill(&t, n, &mean);
		printf("window %2u: %u entries in %u slots: %.6f%% overflow, "
		       "mean probe %.2f slots\n",
		       windows[w], n, slots, f * 100, mean);
		if (windows[w] == MGM_MFE_PROBE_MAX) {
			/* At 1M entries: well under 1/16 of the overflow. */
			CHECK(f * (1U << 20) < MGM_MFE_OVF_MAX / 16,
			      "window %u overflows %.6f%% at full load",
			      windows[w], f * 100);
			CHECK(mean < 2.0, "mean probe %.2f", mean);
		}
		free(t.s);
	}
	{
		struct mfetab t = tab_new(slots, MGM_MFE_PROBE_MAX);
		struct mgm_mfe_ent e = { .iif = 1, .oset = 1 };
		uint32_t i, j, over = 0, at, s, g;

		fill(&t, n, &mean);
		for (i = 0; i < 4 * n; i++) {
			do
				j = rnd() & t.mask;
			while (t.s[j].used != MGM_MFE_SLOT_OCCUPIED);
			mfetab_kill(&t, j);
			mfetab_release(&t, j);
			s = rnd();
			g = rnd();
			at = mfetab_place(&t, s, g);
			if (at == MFETAB_NONE)
				over++;
			else
				mfetab_fill(&t, at, s, g, &e);
		}
		f = (double)over / (4 * n);
		printf("window %2u, churn at full load: %.6f%% of inserts "
		       "overflow\n",
		       MGM_MFE_PROBE_MAX, f * 100);
		CHECK(f * (1U << 20) < MGM_MFE_OVF_MAX / 16,
		      "churn overflows %.6f%%", f * 100);
		free(t.s);
	}
}

/* The stores one by one: fill, route change, kill, release. */
static void test_stores(void)
{
	struct mfetab t = tab_new(16, MGM_MFE_PROBE_MAX);
	struct mgm_mfe_ent e = {
		.iif = 7, .oset = 3, .flags = 0, .mtu = 1500, .stats = 42
	};
	uint32_t i;
	int ovf;

	check_begin("stores");
	t.seed = 1;
	i = mfetab_place(&t, 0x01020304, 0xef000001);
	CHECK_EQ(i, mfetab_home(&t, 0x01020304, 0xef000001), "home first");
	t.s[i].e.packets = 99; /* a leftover of an older entry */
	mfetab_fill(&t, i, 0x01020304, 0xef000001, &e);
	CHECK_EQ(t.s[i].used, MGM_MFE_SLOT_OCCUPIED, "occupied");
	CHECK_EQ(t.s[i].e.iif, 7, "iif");
	CHECK_EQ(t.s[i].e.oset, 3, "oset");
	CHECK_EQ(t.s[i].e.flags, 0, "flags: not dead");
	CHECK_EQ(t.s[i].e.mtu, 1500, "mtu");
	CHECK_EQ(t.s[i].e.stats, 42, "stats");
	CHECK_EQ(t.s[i].e.packets, 0, "counters start at 0");
	CHECK_EQ(mfetab_find(&t, 0x01020304, 0xef000001), i, "found");
	CHECK_EQ(prog_lookup(&t, 0x01020304, 0xef000001, &ovf), i, "hit");

	mfetab_route(&t, i, mfetab_word(8, 4, MGM_MFE_F_TC), 1400);
	CHECK_EQ(t.s[i].e.iif, 8, "new iif");
	CHECK_EQ(t.s[i].e.oset, 4, "new oset");
	CHECK_EQ(t.s[i].e.flags, MGM_MFE_F_TC, "new flags");
	CHECK_EQ(t.s[i].e.mtu, 1400, "new mtu");

	mfetab_kill(&t, i);
	CHECK(t.s[i].e.flags & MGM_MFE_F_DEAD, "dead");
	CHECK_EQ(t.s[i].used, MGM_MFE_SLOT_OCCUPIED, "dead stays occupied");
	CHECK_EQ(mfetab_find(&t, 0x01020304, 0xef000001), MFETAB_NONE,
		 "dead not found");
	CHECK(mfetab_place(&t, 0x01020304, 0xef000001) != i,
	      "a dead slot is not offered before its grace period");
	mfetab_release(&t, i);
	CHECK_EQ(t.s[i].used, MGM_MFE_SLOT_EMPTY,
		 "released before an EMPTY one: EMPTY");

	free(t.s);
}

/* A key whose home is home (searching the key space). */
static void key_at(const struct mfetab *t, uint32_t home, uint32_t *s,
		   uint32_t *g)
{
	do {
		*s = rnd();
		*g = 0xef000000 | (rnd() & 0xffffff);
	} while (mfetab_home(t, *s, *g) != home);
}

/* Cleanup: TOMBs before an EMPTY become EMPTY, others stay TOMB. */
static void test_cleanup(void)
{
	struct mfetab t = tab_new(64, MGM_MFE_PROBE_MAX);
	struct mgm_mfe_ent e = { .iif = 1, .oset = 1 };
	uint32_t s[4], g[4], at[4], i;
	int ovf;

	check_begin("cleanup");
	for (i = 0; i < 4; i++) {
		key_at(&t, 10, &s[i], &g[i]);
		at[i] = mfetab_place(&t, s[i], g[i]);
		CHECK_EQ(at[i], 10 + i, "probe from home 10");
		mfetab_fill(&t, at[i], s[i], g[i], &e);
	}
	/* Slot 11 deleted: TOMB (12 is occupied); 13 still found. */
	mfetab_kill(&t, 11);
	mfetab_release(&t, 11);
	CHECK_EQ(t.s[11].used, MGM_MFE_SLOT_TOMB, "tomb before occupied");
	CHECK_EQ(prog_lookup(&t, s[3], g[3], &ovf), 13, "probe past a TOMB");
	/* Slot 13 (the last): EMPTY, and 12 stays. */
	mfetab_kill(&t, 13);
	mfetab_release(&t, 13);
	CHECK_EQ(t.s[13].used, MGM_MFE_SLOT_EMPTY, "last of its run: EMPTY");
	CHECK_EQ(t.s[11].used, MGM_MFE_SLOT_TOMB, "11 still TOMB");
	/* Slot 12: EMPTY, and the TOMB at 11 before it too. */
	mfetab_kill(&t, 12);
	mfetab_release(&t, 12);
	CHECK_EQ(t.s[12].used, MGM_MFE_SLOT_EMPTY, "12 EMPTY");
	CHECK_EQ(t.s[11].used, MGM_MFE_SLOT_EMPTY, "the TOMB before: EMPTY");
	CHECK_EQ(t.s[10].used, MGM_MFE_SLOT_OCCUPIED, "10 untouched");
	CHECK_EQ(prog_lookup(&t, s[0], g[0], &ovf), 10, "10 found");
	/* A new key of home 10 goes to the first free slot, 11. */
	key_at(&t, 10, &s[1], &g[1]);
	CHECK_EQ(mfetab_place(&t, s[1], g[1]), 11, "first free of the window");
	/* Wrapping: home 63, then 0. */
	key_at(&t, 63, &s[0], &g[0]);
	mfetab_fill(&t, mfetab_place(&t, s[0], g[0]), s[0], g[0], &e);
	key_at(&t, 63, &s[1], &g[1]);
	CHECK_EQ(mfetab_place(&t, s[1], g[1]), 0, "the window wraps");
	mfetab_fill(&t, 0, s[1], g[1], &e);
	CHECK_EQ(prog_lookup(&t, s[1], g[1], &ovf), 0, "found after the wrap");
	mfetab_kill(&t, 0);
	mfetab_release(&t, 0);
	CHECK_EQ(t.s[0].used, MGM_MFE_SLOT_EMPTY, "0 EMPTY");
	mfetab_kill(&t, 63);
	mfetab_release(&t, 63);
	CHECK_EQ(t.s[63].used, MGM_MFE_SLOT_EMPTY, "63 EMPTY (wraps to 0)");
	/* A full window: no place; the home counts the overflow. */
	for (i = 0; i < MGM_MFE_PROBE_MAX; i++) {
		uint32_t a, b;

		key_at(&t, 30, &a, &b);
		mfetab_fill(&t, mfetab_place(&t, a, b), a, b, &e);
	}
	key_at(&t, 30, &s[0], &g[0]);
	CHECK_EQ(mfetab_place(&t, s[0], g[0]), MFETAB_NONE, "window full");
	CHECK_EQ(prog_lookup(&t, s[0], g[0], &ovf), MFETAB_NONE, "absent");
	CHECK_EQ(ovf, 0, "ovf 0: the overflow is not looked up");
	mfetab_ovf(&t, s[0], g[0], 1);
	CHECK_EQ(t.s[30].ovf, 1, "home counts it");
	CHECK_EQ(prog_lookup(&t, s[0], g[0], &ovf), MFETAB_NONE, "not in tab");
	CHECK_EQ(ovf, 1, "the overflow is looked up");
	mfetab_ovf(&t, s[0], g[0], -1);
	CHECK_EQ(t.s[30].ovf, 0, "and uncounts it");
	free(t.s);
}

/* ---------------- random walk against a model ---------------------- */

#define W_SLOTS 64U
#define W_KEYS 48U

enum { K_NONE, K_TAB, K_OVF }; /* where a live key is */

struct wkey {
	uint32_t s, g;
	int where;
	uint32_t at;
};

static void walk_check(const struct mfetab *t, const struct wkey *k,
		       const uint32_t *dead, uint32_t n_dead, uint32_t ovf_n)
{
	uint32_t i, j, sum = 0, bad = 0;
	int ovf;

	for (i = 0; i < W_KEYS; i++) {
		uint32_t hit = prog_lookup(t, k[i].s, k[i].g, &ovf);

		if (k[i].where == K_TAB && hit != k[i].at)
			bad++;
		if (k[i].where == K_OVF && (hit != MFETAB_NONE || !ovf))
			bad++;
		if (k[i].where == K_NONE && hit != MFETAB_NONE)
			bad++;
	}
	CHECK_EQ(bad, 0, "every live key found where it is, no other");
	for (i = 0; i < n_dead; i++)
		if (t->s[dead[i]].used != MGM_MFE_SLOT_OCCUPIED ||
		    !(t->s[dead[i]].e.flags & MGM_MFE_F_DEAD))
			bad++;
	CHECK_EQ(bad, 0, "dead slots stay occupied until their grace period");
	for (i = 0; i <= t->mask; i++) {
		const struct mgm_mfe_slot *s = &t->s[i];
		uint32_t home = mfetab_home(t, s->source, s->group);

		sum += s->ovf;
		if (s->used != MGM_MFE_SLOT_OCCUPIED)
			continue;
		if (((i - home) & t->mask) >= MGM_MFE_PROBE_MAX)
			bad++;
		for (j = home; j != i; j = (j + 1) & t->mask)
			if (t->s[j].used == MGM_MFE_SLOT_EMPTY)
				bad++;
	}
	CHECK_EQ(bad, 0, "entries in their window, no EMPTY before them");
	CHECK_EQ(sum, ovf_n, "ovf counts add up");
}

static void test_walk(void)
{
	struct mfetab t = tab_new(W_SLOTS, MGM_MFE_PROBE_MAX);
	struct wkey k[W_KEYS], ovf_dead[W_KEYS * 64];
	uint32_t dead[W_SLOTS], n_dead = 0, n_ovf_dead = 0, ovf_n = 0;
	uint32_t step, i, n_tab = 0, n_ovf = 0;
	int passed0 = check_passed;

	check_begin("walk");
	/* Few homes: long runs, full windows, overflow. */
	for (i = 0; i < W_KEYS; i++) {
		key_at(&t, (rnd() % 3) * 8, &k[i].s, &k[i].g);
		k[i].where = K_NONE;
	}
	for (step = 0; step < 20000; step++) {
		struct wkey *x = &k[rnd() % W_KEYS];
		uint32_t op = rnd() % 16;

		if (op < 7 && x->where == K_NONE) {
			struct mgm_mfe_ent e = { .iif = 1, .oset = 2 };

			x->at = mfetab_place(&t, x->s, x->g);
			if (x->at != MFETAB_NONE) {
				mfetab_fill(&t, x->at, x->s, x->g, &e);
				x->where = K_TAB;
				n_tab++;
			} else {
				mfetab_ovf(&t, x->s, x->g, 1);
				ovf_n++;
				x->where = K_OVF;
				n_ovf++;
			}
		} else if (op < 14 && x->where == K_TAB) {
			mfetab_kill(&t, x->at);
			dead[n_dead++] = x->at;
			x->where = K_NONE;
		} else if (op < 14 && x->where == K_OVF) {
			ovf_dead[n_ovf_dead++] = *x;
			x->where = K_NONE;
		} else if (op >= 14) {
			/* A grace period. */
			for (i = 0; i < n_dead; i++)
				mfetab_release(&t, dead[i]);
			for (i = 0; i < n_ovf_dead; i++) {
				mfetab_ovf(&t, ovf_dead[i].s, ovf_dead[i].g,
					   -1);
				ovf_n--;
			}
			n_dead = n_ovf_dead = 0;
		}
		walk_check(&t, k, dead, n_dead, ovf_n);
	}
	CHECK(n_tab > 1000 && n_ovf > 100,
	      "the walk placed %u in the table, %u in the overflow", n_tab,
	      n_ovf);
	printf("walk: %u steps, %u table inserts, %u overflows, %d checks\n",
	       step, n_tab, n_ovf, check_passed - passed0);
	free(t.s);
}

int main(void)
{
	test_load();
	test_stores();
	test_cleanup();
	test_walk();
	return check_summary();
}
