// SPDX-License-Identifier: GPL-2.0
/*
 * test_mgm_enum.c - MFE and group enumeration: the buffer contract
 * (zero-size buffer, exactly one record, MORE_DATA, NO_MORE_ITEMS with
 * entries, variable-size records), the (group, source) order in host byte
 * order, GetNext after a key that no longer exists, and both kinds of
 * group enumeration.
 */
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "fake_dp.h"

#define PID1 0x40000001U
#define PID2 0x40000002U
#define IGMP MGM_MS_IP_IGMP
#define M 0xffffffffU
#define J MGM_JOIN_STATE_FLAG

static struct fake_dp *fd;
static struct mgm *m;
static struct fake_proto p1, p2, ig;

/*
 * Five MFEs whose order differs between host and network byte order, by
 * group and by source.  In (group, source) host order:
 *   0 (10.1.0.1, 225.0.0.1)  no oif
 *   1 (10.1.0.2, 239.1.1.1)  oifs 2,3   iif 4 (P2)
 *   2 (10.1.1.1, 239.1.1.1)  oifs 2,3
 *   3 (10.1.0.1, 239.1.1.2)  oif 2
 *   4 (10.1.0.1, 239.2.1.1)  no oif
 */
static const char *const keys[5][2] = {
	{ "10.1.0.1", "225.0.0.1" }, { "10.1.0.2", "239.1.1.1" },
	{ "10.1.1.1", "239.1.1.1" }, { "10.1.0.1", "239.1.1.2" },
	{ "10.1.0.1", "239.2.1.1" },
};
static const uint32_t noifs[5] = { 0, 2, 2, 1, 0 };

static void setup(void)
{
	static const int create_order[5] = { 2, 4, 0, 3, 1 };
	int i;

	fd = fake_dp_new();
	m = fake_mgm_new(fd, 0);
	if (!m)
		abort();
	fake_proto_register(&p1, fd, m, "P1", PID1, 1);
	fake_proto_register(&p2, fd, m, "P2", PID2, 1);
	fake_proto_register(&ig, fd, m, "IGMP", IGMP, 1);
	mgm_take_interface_ownership(m, p1.h, 1, 0);
	mgm_take_interface_ownership(m, p1.h, 2, 0);
	mgm_take_interface_ownership(m, p1.h, 3, 0);
	mgm_take_interface_ownership(m, p2.h, 4, 0);
	mgm_take_interface_ownership(m, ig.h, 5, 0);
	fake_dp_add_route(fd, A("10.1.0.0"), 16, 1, 0, 2);
	fake_dp_add_route(fd, A("10.1.0.2"), 32, 4, 0, 2);
	mgm_add_group_membership_entry(m, p1.h, 0, 0, A("239.1.1.1"), M, 2, 0,
				       J);
	mgm_add_group_membership_entry(m, p1.h, 0, 0, A("239.1.1.1"), M, 3, 0,
				       J);
	mgm_add_group_membership_entry(m, p1.h, 0, 0, A("239.1.1.2"), M, 2, 0,
				       J);
	for (i = 0; i < 5; i++)
		fake_dp_inject_miss(fd, 1, A(keys[create_order[i]][0]),
				    A(keys[create_order[i]][1]));
	mgm_dispatch(m);
	fake_log_clear(fd);
}

static void teardown(void)
{
	mgm_destroy(m);
	fake_dp_free(fd);
}

static uint32_t rsize(int i)
{
	return MGM_SIZEOF_MFE(noifs[i]);
}

/* Check that buf holds n records, the first being keys[first]. */
static void check_records(const uint8_t *buf, uint32_t n, int first)
{
	uint32_t i, off = 0;

	for (i = 0; i < n; i++) {
		struct mgm_ipmcast_mfe r;
		int k = first + (int)i;

		memcpy(&r, buf + off, sizeof(r));
		CHECK(k < 5 && r.source == A(keys[k][0]) &&
			      r.group == A(keys[k][1]),
		      "record %u is key %d", i, k);
		if (k < 5)
			CHECK_EQ(r.num_oifs, noifs[k], "oifs of a record");
		off += MGM_SIZEOF_MFE(r.num_oifs);
	}
}

static const struct mgm_ipmcast_mfe *key(int i)
{
	static struct mgm_ipmcast_mfe k;

	memset(&k, 0, sizeof(k));
	k.source = A(keys[i][0]);
	k.group = A(keys[i][1]);
	return &k;
}

static void test_mfe_buffers(void)
{
	uint8_t buf[1024];
	uint32_t size, n;

	check_begin("MFE enumeration buffers");
	setup();
	/* Zero-size buffer: the size of the first record. */
	size = 0;
	n = 9;
	CHECK_ERR(mgm_get_first_mfe(m, &size, NULL, &n),
		  MGM_ERROR_INSUFFICIENT_BUFFER);
	CHECK_EQ(size, rsize(0), "size needed for one");
	CHECK_EQ(n, 0, "no entries");
	size = rsize(0) - 1;
	CHECK_ERR(mgm_get_first_mfe(m, &size, buf, &n),
		  MGM_ERROR_INSUFFICIENT_BUFFER);
	CHECK_EQ(size, rsize(0), "size needed for one");
	/* Exactly one record. */
	size = rsize(0);
	CHECK_ERR(mgm_get_first_mfe(m, &size, buf, &n), MGM_ERROR_MORE_DATA);
	CHECK_EQ(n, 1, "one entry");
	CHECK_EQ(size, rsize(0), "size untouched");
	check_records(buf, n, 0);
	/* The next one is bigger (two oifs). */
	CHECK_ERR(mgm_get_next_mfe(m, key(0), &size, buf, &n),
		  MGM_ERROR_INSUFFICIENT_BUFFER);
	CHECK_EQ(size, rsize(1), "size of the variable record");
	CHECK_EQ(size, MGM_SIZEOF_BASIC_MFE + 2 * 16, "SIZEOF_MFE(2)");
	/* The rest exactly: NO_MORE_ITEMS with entries. */
	size = rsize(1) + rsize(2) + rsize(3) + rsize(4);
	CHECK_ERR(mgm_get_next_mfe(m, key(0), &size, buf, &n),
		  MGM_ERROR_NO_MORE_ITEMS);
	CHECK_EQ(n, 4, "four entries with NO_MORE_ITEMS");
	check_records(buf, n, 1);
	/* One byte short of the last record: MORE_DATA. */
	size = rsize(1) + rsize(2) + rsize(3) + rsize(4) - 1;
	CHECK_ERR(mgm_get_next_mfe(m, key(0), &size, buf, &n),
		  MGM_ERROR_MORE_DATA);
	CHECK_EQ(n, 3, "three entries");
	/* Everything at once, in host-order (group, source). */
	size = sizeof(buf);
	CHECK_ERR(mgm_get_first_mfe(m, &size, buf, &n),
		  MGM_ERROR_NO_MORE_ITEMS);
	CHECK_EQ(n, 5, "all five");
	check_records(buf, n, 0);
	/* After the last: nothing. */
	CHECK_ERR(mgm_get_next_mfe(m, key(4), &size, buf, &n),
		  MGM_ERROR_NO_MORE_ITEMS);
	CHECK_EQ(n, 0, "none after the last");
	/* A start key that never existed continues after it. */
	{
		struct mgm_ipmcast_mfe k = { .source = A("10.1.0.9"),
					     .group = A("239.1.1.1") };

		CHECK_ERR(mgm_get_next_mfe(m, &k, &size, buf, &n),
			  MGM_ERROR_NO_MORE_ITEMS);
		CHECK_EQ(n, 3, "from 10.1.1.1");
		check_records(buf, n, 2);
	}
	teardown();
}

static void test_mfe_walk(void)
{
	struct mgm_ipmcast_mfe last;
	uint8_t buf[100];
	uint32_t size, n, ret, total = 0, calls = 0, off, i;
	struct mgm_stats st;

	check_begin("MFE enumeration walk and deleted keys");
	setup();
	/* Walk with a buffer that holds one record at a time. */
	size = sizeof(buf);
	ret = mgm_get_first_mfe(m, &size, buf, &n);
	for (;;) {
		calls++;
		CHECK(ret == MGM_ERROR_MORE_DATA ||
			      ret == MGM_ERROR_NO_MORE_ITEMS,
		      "walk status %s", mgm_strerror(ret));
		check_records(buf, n, (int)total);
		for (i = 0, off = 0; i < n; i++) {
			memcpy(&last, buf + off, sizeof(last));
			off += MGM_SIZEOF_MFE(last.num_oifs);
		}
		total += n;
		if (ret != MGM_ERROR_MORE_DATA || calls > 10)
			break;
		size = sizeof(buf);
		ret = mgm_get_next_mfe(m, &last, &size, buf, &n);
	}
	CHECK_EQ(total, 5, "walk saw every MFE once");

	/* The start key is deleted (its iif is released) in between. */
	CHECK_ERR(mgm_release_interface_ownership(m, p2.h, 4, 0), MGM_NO_ERROR);
	mgm_get_stats(m, &st);
	CHECK_EQ(st.mfes_deleted, 1, "key 1 deleted");
	size = sizeof(buf);
	CHECK_ERR(mgm_get_next_mfe(m, key(1), &size, buf, &n),
		  MGM_ERROR_MORE_DATA);
	CHECK_EQ(n, 1, "one fits");
	check_records(buf, n, 2);
	teardown();
}

static void test_stats_enum(void)
{
	uint8_t buf[1024];
	uint32_t size, n;
	struct mgm_ipmcast_mfe_stats s;
	struct mgm_ipmcast_mfe_stats_ex x;

	check_begin("MFE statistics enumeration");
	setup();
	size = 0;
	CHECK_ERR(mgm_get_first_mfe_stats(m, &size, NULL, &n, MGM_MFE_STATS_0),
		  MGM_ERROR_INSUFFICIENT_BUFFER);
	CHECK_EQ(size, MGM_SIZEOF_MFE_STATS(0), "STATS_0 record of key 0");
	size = 0;
	CHECK_ERR(mgm_get_first_mfe_stats(m, &size, NULL, &n, MGM_MFE_STATS_1),
		  MGM_ERROR_INSUFFICIENT_BUFFER);
	CHECK_EQ(size, MGM_SIZEOF_MFE_STATS_EX(0), "EX record of key 0");
	size = MGM_SIZEOF_MFE_STATS(0);
	CHECK_ERR(mgm_get_first_mfe_stats(m, &size, buf, &n, MGM_MFE_STATS_0),
		  MGM_ERROR_MORE_DATA);
	CHECK_EQ(n, 1, "exactly one");
	memcpy(&s, buf, sizeof(s));
	CHECK(s.source == A(keys[0][0]) && s.group == A(keys[0][1]),
	      "first key");
	size = MGM_SIZEOF_MFE_STATS_EX(2) + MGM_SIZEOF_MFE_STATS_EX(2);
	CHECK_ERR(mgm_get_next_mfe_stats(m, key(0), &size, buf, &n,
					 MGM_MFE_STATS_1),
		  MGM_ERROR_MORE_DATA);
	CHECK_EQ(n, 2, "two EX records");
	memcpy(&x, buf + MGM_SIZEOF_MFE_STATS_EX(2), sizeof(x));
	CHECK(x.source == A(keys[2][0]) && x.group == A(keys[2][1]) &&
		      x.num_oifs == 2,
	      "second EX record at SIZEOF_MFE_STATS_EX(2)");
	size = sizeof(buf);
	CHECK_ERR(mgm_get_next_mfe_stats(m, key(2), &size, buf, &n,
					 MGM_MFE_STATS_0),
		  MGM_ERROR_NO_MORE_ITEMS);
	CHECK_EQ(n, 2, "the last two");
	memcpy(&s, buf + MGM_SIZEOF_MFE_STATS(1), sizeof(s));
	CHECK(s.group == A(keys[4][1]), "last record");
	teardown();
}

static void get_all(mgm_handle_t e, struct mgm_source_group *v, uint32_t *n)
{
	uint32_t size = 64 * sizeof(*v);

	CHECK_ERR(mgm_group_enumeration_get_next(m, e, &size, (uint8_t *)v, n),
		  MGM_ERROR_NO_MORE_ITEMS);
}

static bool has(const struct mgm_source_group *v, uint32_t n, uint32_t s,
		uint32_t sm, uint32_t g, uint32_t gm)
{
	uint32_t i;

	for (i = 0; i < n; i++)
		if (v[i].source == s && v[i].source_mask == sm &&
		    v[i].group == g && v[i].group_mask == gm)
			return true;
	return false;
}

static void test_groups(void)
{
	const uint32_t G1 = A("239.1.1.1"), G2 = A("232.1.1.1");
	const uint32_t S1 = A("198.51.100.1"), S2 = A("198.51.100.2");
	struct mgm_source_group v[64];
	mgm_handle_t e, e2;
	uint32_t size, n;

	check_begin("group enumeration");
	fd = fake_dp_new();
	m = fake_mgm_new(fd, 0);
	fake_proto_register(&p1, fd, m, "P1", PID1, 1);
	fake_proto_register(&p2, fd, m, "P2", PID2, 1);
	fake_proto_register(&ig, fd, m, "IGMP", IGMP, 1);
	mgm_take_interface_ownership(m, p1.h, 1, 0);
	mgm_take_interface_ownership(m, p1.h, 2, 0);
	mgm_take_interface_ownership(m, p2.h, 4, 0);
	mgm_take_interface_ownership(m, ig.h, 5, 0);
	mgm_add_group_membership_entry(m, p1.h, 0, 0, G1, M, 1, 0, J);
	mgm_add_group_membership_entry(m, p2.h, S1, M, G1, M, 4, 0, J);
	mgm_add_group_membership_entry(m, p1.h, S2, M, G2, M, 1, 0, J);
	mgm_add_group_membership_entry(m, p1.h, S2, M, G2, M, 2, 0, J);
	mgm_add_group_membership_entry(m, ig.h, 0, 0, 0, 0, 5, 0, J);

	/* ANY_SOURCE: one (*,G) per group; (*,*) is the all-zero record. */
	CHECK_ERR(mgm_group_enumeration_start(m, p2.h, MGM_ANY_SOURCE, &e),
		  MGM_NO_ERROR);
	get_all(e, v, &n);
	CHECK_EQ(n, 3, "three groups");
	CHECK(has(v, n, 0, 0, 0, 0), "(*,*)");
	CHECK(has(v, n, 0, 0, G1, M), "(*,G1) for (*,G1) and (S1,G1)");
	CHECK(has(v, n, 0, 0, G2, M), "(*,G2) for (S2,G2) only");
	CHECK_ERR(mgm_group_enumeration_end(m, e), MGM_NO_ERROR);

	/* ALL_SOURCES: every distinct membership record, with masks. */
	CHECK_ERR(mgm_group_enumeration_start(m, p1.h, MGM_ALL_SOURCES, &e),
		  MGM_NO_ERROR);
	/* A snapshot: later changes do not show. */
	mgm_add_group_membership_entry(m, p1.h, 0, 0, A("239.9.9.9"), M, 2, 0,
				       J);
	size = 0;
	CHECK_ERR(mgm_group_enumeration_get_next(m, e, &size, NULL, &n),
		  MGM_ERROR_INSUFFICIENT_BUFFER);
	CHECK_EQ(size, sizeof(struct mgm_source_group), "one record's size");
	CHECK_EQ(n, 0, "none");
	size = sizeof(v[0]);
	CHECK_ERR(mgm_group_enumeration_get_next(m, e, &size, (uint8_t *)v, &n),
		  MGM_ERROR_MORE_DATA);
	CHECK_EQ(n, 1, "exactly one");
	size = 2 * sizeof(v[0]) + 8;
	CHECK_ERR(mgm_group_enumeration_get_next(m, e, &size, (uint8_t *)&v[1],
						 &n),
		  MGM_ERROR_MORE_DATA);
	CHECK_EQ(n, 2, "two more");
	CHECK_EQ(size, 2 * sizeof(v[0]) + 8, "size untouched");
	size = 8 * sizeof(v[0]);
	CHECK_ERR(mgm_group_enumeration_get_next(m, e, &size, (uint8_t *)&v[3],
						 &n),
		  MGM_ERROR_NO_MORE_ITEMS);
	CHECK_EQ(n, 1, "the last one, with NO_MORE_ITEMS");
	CHECK(has(v, 4, 0, 0, 0, 0), "(*,*)");
	CHECK(has(v, 4, 0, 0, G1, M), "(*,G1)");
	CHECK(has(v, 4, S1, M, G1, M), "(S1,G1)");
	CHECK(has(v, 4, S2, M, G2, M), "(S2,G2) once for two interfaces");
	CHECK_ERR(mgm_group_enumeration_get_next(m, e, &size, (uint8_t *)v, &n),
		  MGM_ERROR_NO_MORE_ITEMS);
	CHECK_EQ(n, 0, "exhausted");
	/* A second, independent enumeration sees the new group. */
	CHECK_ERR(mgm_group_enumeration_start(m, p1.h, MGM_ALL_SOURCES, &e2),
		  MGM_NO_ERROR);
	get_all(e2, v, &n);
	CHECK_EQ(n, 5, "new snapshot");
	CHECK_ERR(mgm_group_enumeration_end(m, e), MGM_NO_ERROR);
	CHECK_ERR(mgm_group_enumeration_get_next(m, e, &size, (uint8_t *)v, &n),
		  MGM_ERROR_INVALID_PARAMETER);
	CHECK_ERR(mgm_group_enumeration_end(m, e2), MGM_NO_ERROR);
	teardown();
}

int main(void)
{
	test_mfe_buffers();
	test_mfe_walk();
	test_stats_enum();
	test_groups();
	return check_summary();
}
