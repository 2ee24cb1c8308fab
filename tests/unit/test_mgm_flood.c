// SPDX-License-Identifier: GPL-2.0
/*
 * test_mgm_flood.c - a flood from spoofed sources must not fill the MFE
 * table (issue 15 item 6): negative MFEs (no outgoing interface once the
 * protocols were asked) have their own short idle lifetime, one incoming
 * interface holds at most negative_per_if of them, and a full table
 * (MGM's max_mfes or the fast path's -ENOSPC) evicts them, oldest first,
 * before it refuses a wanted flow.  The counters say what was refused or
 * evicted.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "fake_dp.h"

#define PID1 0x40000001U
#define M 0xffffffffU
#define J MGM_JOIN_STATE_FLAG

static struct fake_dp *fd;
static struct mgm *m;
static struct fake_proto p1;

static void setup(uint32_t neg_timeout, uint32_t per_if, uint32_t max)
{
	struct mgm_options o = {
		.negative_timeout = neg_timeout,
		.negative_per_if = per_if,
		.max_mfes = max,
	};

	fd = fake_dp_new();
	m = fake_mgm_new_opts(fd, &o);
	if (!m)
		abort();
	fake_dp_set_quiet(fd, true);
	fake_proto_register(&p1, fd, m, "P1", PID1, 1);
	p1.quiet = true;
	mgm_take_interface_ownership(m, p1.h, 1, 0);
	mgm_take_interface_ownership(m, p1.h, 2, 0);
	mgm_take_interface_ownership(m, p1.h, 3, 0);
	fake_log_clear(fd);
}

static void teardown(void)
{
	mgm_destroy(m);
	fake_dp_free(fd);
}

/* The i-th spoofed source: 10.x.y.z, all distinct for i < 2^24. */
static uint32_t src(uint32_t i)
{
	return htonl(0x0a000000U + i + 1);
}

static struct mgm_stats stats(void)
{
	struct mgm_stats st;

	mgm_get_stats(m, &st);
	return st;
}

/* MFEs MGM holds, by enumeration (what `show mfe` lists). */
static size_t mgm_count(void)
{
	uint8_t buf[65536];
	struct mgm_ipmcast_mfe last = { 0 };
	uint32_t size, n, ret, i, off;
	size_t total = 0;

	size = sizeof(buf);
	ret = mgm_get_first_mfe(m, &size, buf, &n);
	while (ret == MGM_ERROR_NO_MORE_ITEMS || ret == MGM_ERROR_MORE_DATA) {
		for (i = 0, off = 0; i < n; i++) {
			const struct mgm_ipmcast_mfe *r =
				(const void *)(buf + off);

			last = *r;
			off += MGM_SIZEOF_MFE(r->num_oifs);
		}
		total += n;
		if (ret == MGM_ERROR_NO_MORE_ITEMS || !n)
			break;
		size = sizeof(buf);
		ret = mgm_get_next_mfe(m, &last, &size, buf, &n);
	}
	return total;
}

static uint32_t mfe_timeout(uint32_t s, uint32_t g, uint32_t *noifs)
{
	uint8_t buf[MGM_SIZEOF_MFE(8)];
	uint32_t size = sizeof(buf);
	const struct mgm_ipmcast_mfe *r = (const void *)buf;

	if (mgm_get_mfe(m, &(struct mgm_ipmcast_mfe){ .source = s, .group = g },
			&size, buf) != MGM_NO_ERROR)
		return UINT32_MAX;
	if (noifs)
		*noifs = r->num_oifs;
	return r->timeout;
}

/* Dispatch until the expiry scan has nothing more to do now. */
static void drain(void)
{
	int i;

	for (i = 0; i < 100; i++) {
		mgm_dispatch(m);
		if (mgm_timeout_ms(m) != 0)
			break;
	}
}

static void test_burst(void)
{
	const uint32_t G = A("239.9.9.9"), GW = A("239.1.1.1");
	const uint32_t n = 65536, cap = 1000;
	struct mgm_stats st;
	uint32_t i, no = 99;

	check_begin("a burst of 65,536 spoofed sources");
	setup(5, cap, 0);
	/* A receiver elsewhere, for another group: the wanted flow. */
	CHECK_ERR(mgm_add_group_membership_entry(m, p1.h, 0, 0, GW, M, 3, 0, J),
		  MGM_NO_ERROR);
	for (i = 0; i < n; i++) {
		fake_dp_inject_miss(fd, 1, src(i), G);
		/* A legitimate flow in the middle of the flood. */
		if (i == n / 2)
			fake_dp_inject_miss(fd, 1, A("192.0.2.7"), GW);
	}
	mgm_dispatch(m);
	st = stats();
	CHECK_EQ(fake_dp_num_mfes(fd), cap + 1,
		 "fast path: the cap + the wanted flow");
	CHECK_EQ(mgm_count(), cap + 1, "MGM lists the same");
	CHECK_EQ(st.mfes_negative, cap, "negative MFEs held");
	CHECK_EQ(st.negative_refused, n - cap, "the rest refused");
	CHECK_EQ(st.mfes_created, cap + 1, "created");
	CHECK_EQ(st.mfes_evicted, 0, "nothing evicted");
	CHECK_EQ(st.mfes_refused, 0, "no wanted flow refused");
	/* Refused before the RPF callback: the flood costs no callback. */
	CHECK_EQ(__atomic_load_n(&p1.n_rpf, __ATOMIC_RELAXED), cap + 1,
		 "RPF callbacks only for the MFEs made");
	CHECK_EQ(fake_errors(fd), 0, "refusals are counted, not logged");
	CHECK(!strcmp(fake_dp_oifs(fd, A("192.0.2.7"), GW), "3"),
	      "wanted flow forwarded: %s",
	      fake_dp_oifs(fd, A("192.0.2.7"), GW));
	CHECK_EQ(mfe_timeout(src(0), G, &no), 5, "negative: short lifetime");
	CHECK_EQ(no, 0, "no oif");
	CHECK_EQ(mfe_timeout(A("192.0.2.7"), GW, NULL), 900,
		 "wanted: default lifetime");
	CHECK_EQ(mfe_timeout(src(cap), G, NULL), UINT32_MAX,
		 "past the cap: no MFE");

	/* The cap is per incoming interface: interface 2 has room. */
	fake_dp_inject_miss(fd, 2, src(n + 1), G);
	mgm_dispatch(m);
	CHECK_EQ(stats().mfes_negative, cap + 1, "another interface's own");
	teardown();
}

static void test_expiry(void)
{
	const uint32_t G = A("239.9.9.9");
	const uint32_t cap = 6000;
	struct mgm_dp_mfe_counters c = { 0 };
	struct mgm_stats st;
	uint64_t t0;
	uint32_t i;

	check_begin("negative MFEs expire after their own lifetime");
	setup(5, cap, 0);
	t0 = fake_dp_now(fd);
	for (i = 0; i < cap + 100; i++)
		fake_dp_inject_miss(fd, 1, src(i), G);
	mgm_dispatch(m);
	CHECK_EQ(fake_dp_num_mfes(fd), cap, "the cap");
	CHECK_EQ(mgm_timeout_ms(m), 5000, "next check in 5 s, not 900");
	/* One flow keeps sending: a negative entry drops it, and lives. */
	c.packets = c.negative = 10;
	c.last_used_ns = t0 + 4 * SEC_NS;
	CHECK_EQ(fake_dp_set_counters(fd, src(7), G, &c), 0, "counters");
	fake_dp_set_now(fd, t0 + 4 * SEC_NS + 500000000ULL);
	drain();
	CHECK_EQ(fake_dp_num_mfes(fd), cap, "nothing before 5 s");
	/* (A scan at most once a second.) */
	fake_dp_set_now(fd, t0 + 5 * SEC_NS + 500000000ULL);
	drain();
	st = stats();
	CHECK_EQ(fake_dp_num_mfes(fd), 1, "all expired but the active one");
	CHECK_EQ(st.mfes_expired, cap - 1, "expired");
	CHECK_EQ(st.mfes_negative, 1, "one negative left");
	CHECK(fake_dp_get(fd, src(7), G, NULL), "the active flow's entry");
	/* While it lives, its packets are no miss; once idle, it goes. */
	fake_dp_set_now(fd, t0 + 9 * SEC_NS);
	drain();
	st = stats();
	CHECK_EQ(fake_dp_num_mfes(fd), 0, "empty");
	CHECK_EQ(mgm_count(), 0, "MGM empty");
	CHECK_EQ(st.mfes_negative, 0, "no negative left");
	CHECK_EQ(st.mfes_created, st.mfes_deleted, "created = deleted");
	CHECK_EQ(mgm_timeout_ms(m), -1, "nothing to expire");
	/* Room again for the interface. */
	fake_dp_inject_miss(fd, 1, src(cap + 50), G);
	mgm_dispatch(m);
	CHECK_EQ(fake_dp_num_mfes(fd), 1, "created again");
	teardown();
}

static void test_becomes_wanted(void)
{
	const uint32_t G = A("239.9.9.9"), S = src(0);
	struct mgm_stats st;
	uint32_t no = 0;

	check_begin("a negative MFE that gains a receiver is wanted");
	setup(5, 2, 0);
	fake_dp_inject_miss(fd, 1, src(0), G);
	fake_dp_inject_miss(fd, 1, src(1), G);
	fake_dp_inject_miss(fd, 1, src(2), G);
	mgm_dispatch(m);
	CHECK_EQ(stats().mfes_negative, 2, "the cap");
	CHECK_EQ(stats().negative_refused, 1, "one refused");
	CHECK_ERR(mgm_add_group_membership_entry(m, p1.h, S, M, G, M, 3, 0, J),
		  MGM_NO_ERROR);
	CHECK(!strcmp(fake_dp_oifs(fd, S, G), "3"), "forwarded");
	CHECK_EQ(mfe_timeout(S, G, &no), 900, "default lifetime now");
	CHECK_EQ(no, 1, "one oif");
	st = stats();
	CHECK_EQ(st.mfes_negative, 1, "no longer negative");
	/* Its slot under the cap is free again. */
	fake_dp_inject_miss(fd, 1, src(2), G);
	mgm_dispatch(m);
	CHECK_EQ(stats().mfes_negative, 2, "room for one more");
	/* Long past the short lifetime, the wanted one stays. */
	fake_dp_advance(fd, 60 * SEC_NS);
	drain();
	CHECK(fake_dp_get(fd, S, G, NULL), "wanted MFE kept");
	CHECK_EQ(stats().mfes_negative, 0, "negatives expired");
	/* Losing its receiver makes it negative (evictable) again. */
	CHECK_ERR(mgm_delete_group_membership_entry(m, p1.h, S, M, G, M, 3, 0,
						    J),
		  MGM_NO_ERROR);
	CHECK(!strcmp(fake_dp_oifs(fd, S, G), "negative"), "negative");
	CHECK_EQ(stats().mfes_negative, 1, "counted");
	teardown();
}

static void test_full_table(void)
{
	const uint32_t G = A("239.9.9.9"), GW = A("239.1.1.1");
	const uint32_t max = 100;
	struct mgm_stats st;
	uint32_t i;

	check_begin("a full table evicts negative MFEs for a wanted flow");
	setup(5, 1000, max);
	CHECK_ERR(mgm_add_group_membership_entry(m, p1.h, 0, 0, GW, M, 3, 0, J),
		  MGM_NO_ERROR);
	for (i = 0; i < max + 20; i++) {
		fake_dp_inject_miss(fd, 1, src(i), G);
		fake_dp_advance(fd, 1000); /* distinct creation times */
	}
	mgm_dispatch(m);
	st = stats();
	CHECK_EQ(fake_dp_num_mfes(fd), max, "table full");
	CHECK_EQ(st.negative_refused, 20, "negatives never evict");
	CHECK_EQ(st.mfes_evicted, 0, "nothing evicted");

	/* Wanted flows: each takes the oldest negative's place. */
	fake_dp_inject_miss(fd, 1, A("192.0.2.1"), GW);
	fake_dp_inject_miss(fd, 1, A("192.0.2.2"), GW);
	mgm_dispatch(m);
	st = stats();
	CHECK_EQ(st.mfes_evicted, 2, "two evicted");
	CHECK_EQ(st.mfes_refused, 0, "none refused");
	CHECK_EQ(fake_dp_num_mfes(fd), max, "still full");
	CHECK(!strcmp(fake_dp_oifs(fd, A("192.0.2.1"), GW), "3"), "installed");
	CHECK(!strcmp(fake_dp_oifs(fd, A("192.0.2.2"), GW), "3"), "installed");
	CHECK(!fake_dp_get(fd, src(0), G, NULL), "oldest evicted");
	CHECK(!fake_dp_get(fd, src(1), G, NULL), "second oldest evicted");
	CHECK(fake_dp_get(fd, src(2), G, NULL), "third kept");
	CHECK_EQ(mgm_count(), max, "MGM and the fast path agree");

	/* Only wanted flows left: the next wanted one is refused. */
	for (i = 0; i < max; i++)
		fake_dp_inject_miss(fd, 1, htonl(0xc6336400U + i), GW);
	mgm_dispatch(m);
	st = stats();
	CHECK_EQ(st.mfes_negative, 0, "every negative evicted");
	CHECK_EQ(st.mfes_evicted, max, "evicted in all");
	CHECK_EQ(st.mfes_refused, 2, "wanted flows refused when none is left");
	CHECK_EQ(fake_dp_num_mfes(fd), max, "full of wanted flows");
	CHECK_EQ(fake_errors(fd), 1, "the refusal logged once");
	CHECK_EQ(st.mfes_created - st.mfes_deleted, max, "counters add up");
	teardown();
}

static void test_fastpath_full(void)
{
	const uint32_t G = A("239.9.9.9"), GW = A("239.1.1.1");
	struct mgm_stats st;
	uint32_t i;

	check_begin("the fast path's -ENOSPC evicts negative MFEs");
	setup(5, 1000, 0);
	fake_dp_set_max_mfes(fd, 50);
	CHECK_ERR(mgm_add_group_membership_entry(m, p1.h, 0, 0, GW, M, 3, 0, J),
		  MGM_NO_ERROR);
	for (i = 0; i < 60; i++)
		fake_dp_inject_miss(fd, 1, src(i), G);
	mgm_dispatch(m);
	st = stats();
	CHECK_EQ(fake_dp_num_mfes(fd), 50, "fast path full");
	CHECK_EQ(st.negative_refused, 10, "refused by the fast path");
	CHECK_EQ(fake_errors(fd), 1, "logged once, then counted");
	fake_dp_inject_miss(fd, 1, A("192.0.2.1"), GW);
	mgm_dispatch(m);
	st = stats();
	CHECK_EQ(st.mfes_evicted, 1, "one evicted");
	CHECK(!strcmp(fake_dp_oifs(fd, A("192.0.2.1"), GW), "3"), "installed");
	CHECK(!fake_dp_get(fd, src(0), G, NULL), "the oldest");
	CHECK_EQ(mgm_count(), 50, "MGM and the fast path agree");
	CHECK_EQ(st.mfes_negative, 49, "negatives left");
	teardown();
}

static void test_adopt(void)
{
	const uint32_t G = A("239.9.9.9");
	const uint32_t oif = 3;

	check_begin("an entry left by an earlier instance, over the cap");
	setup(5, 2, 0);
	fake_dp_inject_miss(fd, 1, src(0), G);
	fake_dp_inject_miss(fd, 1, src(1), G);
	mgm_dispatch(m);
	/* What a previous mgmd left in the fast path (--keep-forwarding). */
	CHECK_EQ(fake_dp_install4(fd, src(2), G, 1, &oif, 0), 0,
		 "left-over negative entry");
	CHECK_EQ(fake_dp_install4(fd, src(3), G, 1, &oif, 1), 0,
		 "left-over entry with an oif");
	CHECK_ERR(mgm_adopt_mfe(m, src(2), G, 1), MGM_ERROR_NOT_FOUND);
	CHECK(!fake_dp_get(fd, src(2), G, NULL),
	      "refused: deleted from the fast path, not left unmanaged");
	CHECK_EQ(stats().negative_refused, 1, "counted");
	/* Nobody wants src(3) either: MGM rebuilds it negative, refused. */
	CHECK_ERR(mgm_adopt_mfe(m, src(3), G, 1), MGM_ERROR_NOT_FOUND);
	CHECK(!fake_dp_get(fd, src(3), G, NULL), "deleted too");
	/* With a receiver it is wanted: adopted. */
	CHECK_ERR(mgm_add_group_membership_entry(m, p1.h, 0, 0, G, M, 3, 0, J),
		  MGM_NO_ERROR);
	CHECK_EQ(fake_dp_install4(fd, src(4), G, 1, &oif, 1), 0,
		 "left-over entry");
	CHECK_ERR(mgm_adopt_mfe(m, src(4), G, 1), MGM_NO_ERROR);
	CHECK(!strcmp(fake_dp_oifs(fd, src(4), G), "3"), "adopted");
	teardown();
}

static void test_defaults(void)
{
	const uint32_t G = A("239.9.9.9");
	uint32_t i;

	check_begin("zero options keep MGM's behaviour");
	setup(0, 0, 0);
	for (i = 0; i < 5000; i++)
		fake_dp_inject_miss(fd, 1, src(i), G);
	mgm_dispatch(m);
	CHECK_EQ(fake_dp_num_mfes(fd), 5000, "no cap");
	CHECK_EQ(mfe_timeout(src(0), G, NULL), 900, "the default lifetime");
	CHECK_EQ(stats().mfes_negative, 5000, "counted as negative");
	teardown();
}

int main(void)
{
	test_burst();
	test_expiry();
	test_becomes_wanted();
	test_full_table();
	test_fastpath_full();
	test_adopt();
	test_defaults();
	return check_summary();
}
