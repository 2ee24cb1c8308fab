// SPDX-License-Identifier: GPL-2.0
/*
 * test_mgm_seed.c - the seed document's shutdown sequence ("Shutting Down
 * a Multicast Routing Protocol"), asserted as one ordered event log that
 * the fake datapath and the protocols' callbacks both write:
 *
 *   1. the protocol releases each interface it owns; where IGMP also
 *      runs, MGM calls IGMP's disable callback, makes every forwarding
 *      change (deleting the MFEs tied to the interface), then calls
 *      IGMP's enable callback; IGMP re-adds its memberships afterwards;
 *   2. the protocol deregisters, and its handle is dead for every call.
 *
 * Also: deregistering before releasing fails and changes nothing, and
 * the startup direction (taking an interface IGMP runs on).
 */
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "fake_dp.h"

#define PID_P 0x40000010U
#define PID_Q 0x40000020U
#define IGMP MGM_MS_IP_IGMP
#define M 0xffffffffU
#define J MGM_JOIN_STATE_FLAG

/* Interfaces: A and B owned by P (IGMP also on A), U (upstream) by Q. */
#define IF_A 1U
#define IF_B 2U
#define IF_U 3U

static struct fake_dp *fd;
static struct mgm *m;
static struct fake_proto p, q, ig;

/* IGMP defers its re-adds: the enable callback only notes them. */
static uint32_t readd_pending[4];
static int n_readd_pending;
static uint32_t add_inside_enable = 99;

static void igmp_hook(struct fake_proto *fp, const char *ev, uint32_t ifindex,
		      uint32_t nexthop)
{
	if (strcmp(ev, "enable_igmp"))
		return;
	/* Re-adding from inside the callback is refused... */
	add_inside_enable = mgm_add_group_membership_entry(
		fp->m, fp->h, 0, 0, A("239.1.1.1"), M, ifindex, nexthop, J);
	/* ...so IGMP queues it for later, as MGM requires. */
	if (n_readd_pending < 4)
		readd_pending[n_readd_pending++] = ifindex;
}

/*
 * MFEs:  M1 (10.3.0.1, 239.1.1.1) iif U, oifs A (IGMP) and B (P)
 *        M2 (10.1.0.1, 239.1.1.1) iif A, oif B (P)
 *        M3 (10.3.0.2, 239.2.2.2) iif U, oif A (P)
 */
static void setup(void)
{
	fd = fake_dp_new();
	m = fake_mgm_new(fd, 0);
	if (!m)
		abort();
	CHECK_ERR(fake_proto_register(&p, fd, m, "P", PID_P, 1), MGM_NO_ERROR);
	CHECK_ERR(fake_proto_register(&q, fd, m, "Q", PID_Q, 1), MGM_NO_ERROR);
	CHECK_ERR(fake_proto_register(&ig, fd, m, "IGMP", IGMP, 1),
		  MGM_NO_ERROR);
	ig.hook = igmp_hook;
	n_readd_pending = 0;
	add_inside_enable = 99;
	CHECK_ERR(mgm_take_interface_ownership(m, p.h, IF_A, 0), MGM_NO_ERROR);
	CHECK_ERR(mgm_take_interface_ownership(m, p.h, IF_B, 0), MGM_NO_ERROR);
	CHECK_ERR(mgm_take_interface_ownership(m, q.h, IF_U, 0), MGM_NO_ERROR);
	CHECK_ERR(mgm_take_interface_ownership(m, ig.h, IF_A, 0), MGM_NO_ERROR);
	fake_dp_add_route(fd, A("10.3.0.0"), 16, IF_U, 0, 2);
	fake_dp_add_route(fd, A("10.1.0.0"), 16, IF_A, 0, 2);
	CHECK_ERR(mgm_add_group_membership_entry(m, ig.h, 0, 0, A("239.1.1.1"),
						 M, IF_A, 0, J),
		  MGM_NO_ERROR);
	CHECK_ERR(mgm_add_group_membership_entry(m, p.h, 0, 0, A("239.1.1.1"),
						 M, IF_B, 0, J),
		  MGM_NO_ERROR);
	CHECK_ERR(mgm_add_group_membership_entry(m, p.h, 0, 0, A("239.2.2.2"),
						 M, IF_A, 0, J),
		  MGM_NO_ERROR);
	fake_dp_inject_miss(fd, IF_U, A("10.3.0.1"), A("239.1.1.1"));
	fake_dp_inject_miss(fd, IF_A, A("10.1.0.1"), A("239.1.1.1"));
	fake_dp_inject_miss(fd, IF_U, A("10.3.0.2"), A("239.2.2.2"));
	CHECK_EQ(mgm_dispatch(m), 3, "three misses");
	CHECK(!strcmp(fake_dp_oifs(fd, A("10.3.0.1"), A("239.1.1.1")), "1,2"),
	      "M1");
	CHECK(!strcmp(fake_dp_oifs(fd, A("10.1.0.1"), A("239.1.1.1")), "2"),
	      "M2");
	CHECK(!strcmp(fake_dp_oifs(fd, A("10.3.0.2"), A("239.2.2.2")), "1"),
	      "M3");
	fake_log_clear(fd);
}

static void teardown(void)
{
	struct fake_dp_counts c;

	fake_dp_counts(fd, &c);
	CHECK_EQ(c.bad_install, 0, "every install well formed");
	CHECK_EQ(fake_errors(fd), 0, "MGM logged no errors");
	mgm_destroy(m);
	fake_dp_free(fd);
}

static int count_fn(void *arg, const struct mgm_membership_info *i)
{
	(void)i;
	(*(int *)arg)++;
	return 0;
}

static int memberships(void)
{
	int n = 0;

	mgm_foreach_membership(m, count_fn, &n);
	return n;
}

static void test_deregister_first(void)
{
	uint32_t pid = 0, cid = 0;
	struct mgm_stats st;

	check_begin("seed: deregister before release fails, changes nothing");
	setup();
	CHECK_ERR(mgm_deregister_protocol(m, p.h), MGM_ERROR_CAN_NOT_COMPLETE);
	EXPECT_NO_LOG(fd); /* no callback, no datapath change */
	CHECK_ERR(mgm_get_protocol_on_interface(m, IF_A, 0, &pid, &cid),
		  MGM_NO_ERROR);
	CHECK_EQ(pid, PID_P, "A still P's");
	CHECK_EQ(memberships(), 3, "memberships intact");
	CHECK_EQ(fake_dp_num_mfes(fd), 3, "MFEs intact");
	mgm_get_stats(m, &st);
	CHECK_EQ(st.mfes_deleted, 0, "nothing deleted");
	/* The handle still works. */
	CHECK_ERR(mgm_take_interface_ownership(m, p.h, IF_A, 0),
		  MGM_ERROR_ALREADY_EXISTS);
	CHECK_ERR(mgm_add_group_membership_entry(m, p.h, 0, 0, A("239.3.3.3"),
						 M, IF_B, 0, J),
		  MGM_NO_ERROR);
	teardown();
}

static void test_shutdown(void)
{
	uint8_t buf[256];
	uint32_t size = sizeof(buf), n;
	mgm_handle_t dead, e;
	struct mgm_ipmcast_mfe key = { .source = A("10.3.0.1"),
				       .group = A("239.1.1.1") };
	int i;

	check_begin("seed: shutting down a multicast routing protocol");
	setup();
	CHECK_ERR(mgm_group_enumeration_start(m, p.h, MGM_ANY_SOURCE, &e),
		  MGM_NO_ERROR);

	/* Step 1a: release A, which IGMP shares. */
	CHECK_ERR(mgm_release_interface_ownership(m, p.h, IF_A, 0),
		  MGM_NO_ERROR);
	/* A leaves every out-set at once (unlink), so M1's rewrite to
	 * "oifs 2" is already done; M3, left without oifs, turns negative. */
	EXPECT_LOG(fd, "IGMP disable_igmp if=1", "txoff 1", "unlink 1",
		   "{delete 10.1.0.1,239.1.1.1"
		   "|install 10.3.0.2,239.2.2.2 iif 3 negative}",
		   "sync", "txon 1",
		   /* P's last (*,G2) went: every other protocol hears */
		   "Q prune_alert *,239.2.2.2 if=1 del=1 timeout=900",
		   "IGMP prune_alert *,239.2.2.2 if=1 del=1 timeout=900",
		   /* IGMP's (*,G1) on A went: P is the one left */
		   "P prune_alert *,239.1.1.1 if=1 del=1 timeout=900",
		   /* M3 lost its only oif: the iif owner hears */
		   "Q prune_alert 10.3.0.2,239.2.2.2 if=3 del=0 timeout=900",
		   "IGMP enable_igmp if=1");
	CHECK_ERR(add_inside_enable, MGM_ERROR_CAN_NOT_COMPLETE);
	CHECK(n_readd_pending == 1 && readd_pending[0] == IF_A,
	      "IGMP queued its re-add");
	/* When release returned, nothing used A any more. */
	CHECK(!fake_dp_get(fd, A("10.1.0.1"), A("239.1.1.1"), NULL),
	      "MFE with iif A deleted");
	CHECK(!strcmp(fake_dp_oifs(fd, A("10.3.0.1"), A("239.1.1.1")), "2"),
	      "A gone from M1");
	CHECK(!strcmp(fake_dp_oifs(fd, A("10.3.0.2"), A("239.2.2.2")),
		      "negative"),
	      "A gone from M3");
	CHECK(!fake_dp_tx_disabled(fd, IF_A), "transmit allowed again");

	/* IGMP re-adds later, outside the callback: A is IGMP's alone. */
	for (i = 0; i < n_readd_pending; i++)
		CHECK_ERR(mgm_add_group_membership_entry(
				  m, ig.h, 0, 0, A("239.1.1.1"), M,
				  readd_pending[i], 0, J),
			  MGM_NO_ERROR);
	EXPECT_LOG(fd, "install 10.3.0.1,239.1.1.1 iif 3 oifs 1,2",
		   "P join_alert *,239.1.1.1 upd=1");

	/* Step 1b: release B, without IGMP: no IGMP callbacks. */
	CHECK_ERR(mgm_release_interface_ownership(m, p.h, IF_B, 0),
		  MGM_NO_ERROR);
	EXPECT_LOG(fd, "txoff 2", "unlink 2", "sync", "txon 2",
		   "IGMP prune_alert *,239.1.1.1 if=2 del=1 timeout=900");
	CHECK_EQ(ig.n_disable, 1, "one disable in all");
	CHECK_EQ(ig.n_enable, 1, "one enable in all");

	/* Step 2: deregister; the handle is dead for every function. */
	CHECK_ERR(mgm_deregister_protocol(m, p.h), MGM_NO_ERROR);
	EXPECT_NO_LOG(fd);
	dead = p.h;
	CHECK_ERR(mgm_deregister_protocol(m, dead),
		  MGM_ERROR_INVALID_PARAMETER);
	CHECK_ERR(mgm_take_interface_ownership(m, dead, IF_B, 0),
		  MGM_ERROR_INVALID_PARAMETER);
	CHECK_ERR(mgm_release_interface_ownership(m, dead, IF_B, 0),
		  MGM_ERROR_INVALID_PARAMETER);
	CHECK_ERR(mgm_add_group_membership_entry(m, dead, 0, 0, A("239.1.1.1"),
						 M, IF_B, 0, J),
		  MGM_ERROR_INVALID_PARAMETER);
	CHECK_ERR(mgm_delete_group_membership_entry(
			  m, dead, 0, 0, A("239.1.1.1"), M, IF_B, 0, J),
		  MGM_ERROR_INVALID_PARAMETER);
	CHECK_ERR(mgm_set_mfe(m, dead, &key), MGM_ERROR_INVALID_PARAMETER);
	CHECK_ERR(mgm_group_enumeration_start(m, dead, MGM_ALL_SOURCES, &e),
		  MGM_ERROR_INVALID_PARAMETER);
	/* Its enumeration handle died with it. */
	CHECK_ERR(mgm_group_enumeration_get_next(m, e, &size, buf, &n),
		  MGM_ERROR_INVALID_PARAMETER);
	CHECK_ERR(mgm_group_enumeration_end(m, e), MGM_ERROR_INVALID_PARAMETER);
	/* Even once its slot is reused by a new registration. */
	{
		struct fake_proto r;

		CHECK_ERR(fake_proto_register(&r, fd, m, "R", PID_P, 1),
			  MGM_NO_ERROR);
		CHECK(r.h != dead, "new handle");
		CHECK_ERR(mgm_take_interface_ownership(m, dead, IF_B, 0),
			  MGM_ERROR_INVALID_PARAMETER);
		CHECK_ERR(mgm_take_interface_ownership(m, r.h, IF_B, 0),
			  MGM_NO_ERROR);
	}
	EXPECT_NO_LOG(fd);
	teardown();
}

static void test_startup_take(void)
{
	check_begin("seed, reversed: taking an interface IGMP runs on");
	setup();
	CHECK_ERR(mgm_release_interface_ownership(m, p.h, IF_A, 0),
		  MGM_NO_ERROR);
	CHECK_ERR(mgm_add_group_membership_entry(m, ig.h, 0, 0, A("239.1.1.1"),
						 M, IF_A, 0, J),
		  MGM_NO_ERROR);
	n_readd_pending = 0;
	fake_log_clear(fd);

	/* Q takes A: disable, IGMP's memberships go, sync, enable. */
	CHECK_ERR(mgm_take_interface_ownership(m, q.h, IF_A, 0), MGM_NO_ERROR);
	EXPECT_LOG(fd, "IGMP disable_igmp if=1",
		   "install 10.3.0.1,239.1.1.1 iif 3 oifs 2", "sync",
		   "P prune_alert *,239.1.1.1 if=1 del=1 timeout=900",
		   "IGMP enable_igmp if=1");
	CHECK_ERR(add_inside_enable, MGM_ERROR_CAN_NOT_COMPLETE);
	/* The deferred re-add tells the new owner (local join). */
	CHECK_EQ(n_readd_pending, 1, "re-add queued");
	CHECK_ERR(mgm_add_group_membership_entry(m, ig.h, 0, 0, A("239.1.1.1"),
						 M, readd_pending[0], 0, J),
		  MGM_NO_ERROR);
	EXPECT_LOG(fd, "install 10.3.0.1,239.1.1.1 iif 3 oifs 1,2",
		   "P join_alert *,239.1.1.1 upd=1",
		   "Q local_join *,239.1.1.1 if=1");
	/* Later IGMP changes there keep the owner informed. */
	CHECK_ERR(mgm_delete_group_membership_entry(
			  m, ig.h, 0, 0, A("239.1.1.1"), M, IF_A, 0, J),
		  MGM_NO_ERROR);
	EXPECT_LOG(fd, "install 10.3.0.1,239.1.1.1 iif 3 oifs 2",
		   "P prune_alert *,239.1.1.1 if=1 del=1 timeout=900",
		   "Q local_leave *,239.1.1.1 if=1");
	teardown();
}

static void test_igmp_releases(void)
{
	check_begin("IGMP releasing an interface it shares");
	setup();
	CHECK_ERR(mgm_release_interface_ownership(m, ig.h, IF_A, 0),
		  MGM_NO_ERROR);
	/* No disable/enable to itself, no transmit stop: P keeps A. */
	EXPECT_LOG(fd, "install 10.3.0.1,239.1.1.1 iif 3 oifs 2", "sync",
		   "P prune_alert *,239.1.1.1 if=1 del=1 timeout=900",
		   "P local_leave *,239.1.1.1 if=1");
	CHECK(fake_dp_get(fd, A("10.1.0.1"), A("239.1.1.1"), NULL),
	      "MFE with iif A kept: P still owns A");
	CHECK(!strcmp(fake_dp_oifs(fd, A("10.3.0.2"), A("239.2.2.2")), "1"),
	      "P's own oif on A kept");
	teardown();
}

int main(void)
{
	test_deregister_first();
	test_shutdown();
	test_startup_take();
	test_igmp_releases();
	return check_summary();
}
