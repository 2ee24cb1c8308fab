// SPDX-License-Identifier: GPL-2.0
/*
 * test_igmp_mgm.c - IGMP as an MGM client, observed through MGM itself
 * (mgm_foreach_membership, the fake datapath's MFEs, the other protocols'
 * callbacks): memberships for v2 joins and leaves (last member queries,
 * timeout), INCLUDE (S,G) and EXCLUDE (*,G) mapping and mode switches in
 * a gap-free order, excluded sources kept out of MFEs by the creation
 * alert and brought back with FORWARD_STATE, the disable/enable handoff
 * of mgm-api.md 5.5 in both directions with the re-add deferred to
 * igmp_tick(), state changes during the handoff, interface disable and
 * the shutdown of the seed, and a handoff storm from a second thread.
 *
 * Interfaces: 1 (IGMP, shared with routing protocol P), 2 (IGMP alone),
 * 5 (P's upstream: sources 192.0.2.0/24 are reached through it).
 */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>

#include "check.h"
#include "fake_igmp_io.h"

#define IF1 1U
#define IF2 2U
#define IF_U 5U
#define PID_P 0x40000010U
#define H A("10.0.1.20")
#define G1 A("239.1.1.1")
#define G2 A("239.2.2.2")
#define SSM A("232.1.1.1")
#define SA A("192.0.2.1")
#define SB A("192.0.2.2")
#define SC A("192.0.2.3")

static struct fake_igmp f;
static struct fake_proto p;

#define CHECK_MEMBERS(want, what)                                           \
	do {                                                                \
		const char *got_ = fi_members(&f);                          \
		CHECK(!strcmp(got_, want), "%s: got '%s', want '%s'", what, \
		      got_, want);                                          \
	} while (0)

#define CHECK_OIFS(s, g, want, what)                                          \
	do {                                                                  \
		const char *got_ = fake_dp_oifs(f.fd, s, g);                  \
		CHECK(!strcmp(got_, want), "%s: got %s, want %s", what, got_, \
		      want);                                                  \
	} while (0)

static void setup(void)
{
	CHECK_EQ(fi_init(&f, NULL), 0, "init");
	CHECK_ERR(fake_proto_register(&p, f.fd, f.m, "P", PID_P, 1),
		  MGM_NO_ERROR);
	CHECK_ERR(mgm_take_interface_ownership(f.m, p.h, IF1, 0), MGM_NO_ERROR);
	CHECK_ERR(mgm_take_interface_ownership(f.m, p.h, IF_U, 0),
		  MGM_NO_ERROR);
	fake_dp_add_route(f.fd, A("192.0.2.0"), 24, IF_U, 0, 2);
	CHECK_EQ(igmp_if_enable(f.g, IF1, 3), 0, "enable 1");
	CHECK_EQ(igmp_if_enable(f.g, IF2, 3), 0, "enable 2");
	fi_advance(&f, 3000);
	fi_tx_clear(&f);
	fake_log_clear(f.fd);
}

static void teardown(void)
{
	CHECK_EQ(f.n_refused, 0, "MGM never refused a call (CAN_NOT_COMPLETE)");
	CHECK_EQ(fake_errors(f.fd), 0, "MGM logged no errors");
	fi_fini(&f);
}

static void miss(uint32_t s, uint32_t g)
{
	fake_dp_inject_miss(f.fd, IF_U, s, g);
	mgm_dispatch(f.m);
}

static void test_v2_join_leave(void)
{
	long a, l, d;

	check_begin("v2 join and leave");
	setup();
	fi_send_v12(&f, IF2, A("10.0.2.20"), 0x16, G1);
	CHECK_MEMBERS("2:*,239.1.1.1", "v2 join: (*,G)");
	miss(SA, G1);
	CHECK_OIFS(SA, G1, "2", "forwarded to the member");
	fi_send_v12(&f, IF2, A("10.0.2.20"), 0x17, G1);
	CHECK_EQ(fi_count_tx(&f, IF2, 'g'), 1, "leave: group query at once");
	fi_advance(&f, 1000);
	CHECK_EQ(fi_count_tx(&f, IF2, 'g'), 2, "one more after LMQI");
	CHECK_MEMBERS("2:*,239.1.1.1", "still a member within LMQT");
	CHECK_OIFS(SA, G1, "2", "still forwarded");
	fi_advance(&f, 1000);
	CHECK_MEMBERS("", "no report: membership gone after LMQT");
	CHECK_OIFS(SA, G1, "negative", "forwarding stopped");
	a = fake_log_find(f.fd, "igmp add *,239.1.1.1 if=2 NO_ERROR", 0);
	d = fake_log_find(f.fd, "igmp del *,239.1.1.1 if=2 NO_ERROR", 0);
	CHECK(a >= 0 && d > a, "add, then delete: %ld %ld", a, d);

	/* A report during the last member queries keeps the group. */
	fi_send_v12(&f, IF2, A("10.0.2.20"), 0x16, G1);
	fi_send_v12(&f, IF2, A("10.0.2.20"), 0x17, G1);
	fi_advance(&f, 500);
	fi_send_v12(&f, IF2, A("10.0.2.21"), 0x16, G1);
	fi_advance(&f, 3000);
	CHECK_MEMBERS("2:*,239.1.1.1", "another member answered");
	/* And without reports the group times out after GMI. */
	fi_advance(&f, 19000);
	CHECK_MEMBERS("", "timed out after GMI");
	l = (long)fake_log_count(f.fd, "igmp add");
	CHECK_EQ(l, 2, "two adds in all");
	teardown();
}

static void test_mapping(void)
{
	long a, d;

	check_begin("INCLUDE/EXCLUDE to memberships");
	setup();
	fi_send_v3(&f, IF2, H, 5, SSM, "192.0.2.1 192.0.2.2");
	CHECK_MEMBERS("2:192.0.2.1,232.1.1.1 2:192.0.2.2,232.1.1.1",
		      "INCLUDE: one (S,G) per source");
	miss(SA, SSM);
	miss(SC, SSM);
	CHECK_OIFS(SA, SSM, "2", "included source forwarded");
	CHECK_OIFS(SC, SSM, "negative", "other source not");
	fi_send_v3(&f, IF2, H, 6, SSM, "192.0.2.2");
	fi_advance(&f, 2000);
	CHECK_MEMBERS("2:192.0.2.1,232.1.1.1", "BLOCK: (S,G) gone after LMQT");

	/* INCLUDE{a} -> EXCLUDE: (*,G) added before (a,G) goes. */
	fi_send_v3(&f, IF2, H, 5, G1, "192.0.2.1");
	fake_log_clear(f.fd);
	fi_send_v3(&f, IF2, H, 4, G1, "");
	CHECK_MEMBERS("2:192.0.2.1,232.1.1.1 2:*,239.1.1.1",
		      "TO_EX({}): (*,G)");
	a = fake_log_find(f.fd, "igmp add *,239.1.1.1 if=2 NO_ERROR", 0);
	d = fake_log_find(f.fd, "igmp del 192.0.2.1,239.1.1.1 if=2 NO_ERROR",
			  0);
	CHECK(a >= 0 && d > a, "add before delete: %ld %ld", a, d);

	/* EXCLUDE -> INCLUDE at group timer expiry: (S,G) before (*,G). */
	fi_send_v3(&f, IF2, H, 5, G1, "192.0.2.3");
	fi_send_v3(&f, IF2, H, 3, G1, "192.0.2.3");
	fake_log_clear(f.fd);
	fi_advance(&f, 2000);
	CHECK_MEMBERS("2:192.0.2.1,232.1.1.1 2:192.0.2.3,239.1.1.1",
		      "TO_IN: INCLUDE{c} after LMQT");
	a = fake_log_find(f.fd, "igmp add 192.0.2.3,239.1.1.1 if=2 NO_ERROR",
			  0);
	d = fake_log_find(f.fd, "igmp del *,239.1.1.1 if=2 NO_ERROR", 0);
	CHECK(a >= 0 && d > a, "add before delete: %ld %ld", a, d);

	/* Local groups never become memberships. */
	fi_send_v12(&f, IF2, H, 0x16, A("224.0.0.251"));
	fi_send_v3(&f, IF2, H, 2, A("224.0.0.5"), "");
	CHECK_MEMBERS("2:192.0.2.1,232.1.1.1 2:192.0.2.3,239.1.1.1",
		      "nothing for 224.0.0.0/24");
	teardown();
}

static void test_exclude_filter(void)
{
	struct igmp_if_info ii;

	check_begin("excluded sources and MFEs");
	setup();
	fi_send_v3(&f, IF2, H, 4, G1, "192.0.2.1");
	CHECK_MEMBERS("2:*,239.1.1.1", "EXCLUDE{a}: (*,G)");
	miss(SA, G1);
	miss(SB, G1);
	CHECK_OIFS(SA, G1, "negative", "excluded source: interface left out");
	CHECK_OIFS(SB, G1, "2", "other sources forwarded");
	CHECK(fake_log_find(f.fd, "igmp block 192.0.2.1,239.1.1.1 if=2", 0) >=
		      0,
	      "creation alert said no");
	CHECK(fi_if(&f, IF2, &ii) && ii.n_blocked == 1, "one block recorded");

	/* a is wanted again: FORWARD_STATE brings the interface back. */
	fi_send_v3(&f, IF2, H, 5, G1, "192.0.2.1");
	CHECK(!strcmp(fi_state(&f, IF2, G1), "EX{192.0.2.1}{}"), "a in X");
	CHECK_OIFS(SA, G1, "2", "forwarded again");
	CHECK(fake_log_find(f.fd,
			    "igmp fwd-add 192.0.2.1,239.1.1.1 if=2 "
			    "NO_ERROR",
			    0) >= 0,
	      "with FORWARD_STATE");
	/* ... and excluded again: the FORWARD_STATE goes. */
	fi_send_v3(&f, IF2, H, 4, G1, "192.0.2.1");
	fi_advance(&f, 2000);
	CHECK(!strcmp(fi_state(&f, IF2, G1), "EX{}{192.0.2.1}"), "a in Y");
	CHECK_OIFS(SA, G1, "negative", "left out again");
	CHECK_OIFS(SB, G1, "2", "b still forwarded");

	/*
	 * c's MFE was made while c was wanted, so MGM has the interface in
	 * it by the (*,G) membership; when c becomes excluded, a
	 * FORWARD_STATE delete takes it out of that one entry.
	 */
	miss(SC, G1);
	CHECK_OIFS(SC, G1, "2", "c forwarded");
	fi_send_v3(&f, IF2, H, 6, G1, "192.0.2.3");
	fi_advance(&f, 2000);
	CHECK(!strcmp(fi_state(&f, IF2, G1), "EX{}{192.0.2.1,192.0.2.3}"),
	      "c excluded: %s", fi_state(&f, IF2, G1));
	CHECK_OIFS(SC, G1, "negative",
		   "an existing MFE stops forwarding c once it is excluded");
	CHECK_OIFS(SB, G1, "2", "b untouched");
	/* c wanted again: back in its entry. */
	fi_send_v3(&f, IF2, H, 5, G1, "192.0.2.3");
	CHECK_OIFS(SC, G1, "2", "c forwarded again");

	/* The whole group leaves: FORWARD_STATE and marks settle. */
	fi_send_v3(&f, IF2, H, 5, G1, "192.0.2.1");
	CHECK_OIFS(SA, G1, "2", "a back");
	fi_send_v3(&f, IF2, H, 3, G1, "");
	fi_advance(&f, 2000);
	CHECK_MEMBERS("", "left");
	CHECK_OIFS(SA, G1, "negative", "FORWARD_STATE removed with the group");
	CHECK_OIFS(SB, G1, "negative", "(*,G) removed");
	/* MFEs of P's upstream go when P releases it; the marks follow. */
	CHECK_ERR(mgm_release_interface_ownership(f.m, p.h, IF_U, 0),
		  MGM_NO_ERROR);
	fi_advance(&f, 25000);
	CHECK(fi_if(&f, IF2, &ii) && ii.n_blocked == 0,
	      "marks of deleted MFEs forgotten: %u", ii.n_blocked);
	teardown();
}

/* ---- the handoff ----------------------------------------------------- */

static int adds_seen_in_window = -1;

/*
 * P's prune alert is queued by MGM after IGMP's disable and before its
 * enable (IGMP's memberships are removed in between): a host joins then.
 */
static void p_hook(struct fake_proto *fp, const char *ev, uint32_t ifindex,
		   uint32_t nexthop)
{
	size_t before = f.n_events[IGMP_EV_MGM_ADD];

	(void)fp, (void)ifindex, (void)nexthop;
	if (strcmp(ev, "prune_alert") || adds_seen_in_window >= 0)
		return;
	fi_send_v12(&f, IF1, A("10.0.1.30"), 0x16, G2);
	igmp_tick(f.g);
	adds_seen_in_window = (int)(f.n_events[IGMP_EV_MGM_ADD] - before);
}

static void test_handoff_release(void)
{
	struct igmp_if_info ii;
	long dis, ena, rel, readd1, readd2, readd3;

	check_begin("handoff: the owner releases a shared interface");
	setup();
	fi_send_v12(&f, IF1, H, 0x16, G1);
	fi_send_v3(&f, IF1, H, 5, SSM, "192.0.2.1");
	CHECK_MEMBERS("1:192.0.2.1,232.1.1.1 1:*,239.1.1.1", "two members");
	CHECK(fake_log_find(f.fd, "P local_join *,239.1.1.1 if=1", 0) >= 0,
	      "the owner heard of IGMP's join");
	fake_log_clear(f.fd);
	adds_seen_in_window = -1;
	p.hook = p_hook;
	CHECK_ERR(mgm_release_interface_ownership(f.m, p.h, IF1, 0),
		  MGM_NO_ERROR);
	p.hook = NULL;
	rel = (long)fake_log_len(f.fd);
	dis = fake_log_find(f.fd, "igmp disable_igmp if=1", 0);
	ena = fake_log_find(f.fd, "igmp enable_igmp if=1", 0);
	CHECK(dis >= 0 && ena > dis, "disable, then enable: %ld %ld", dis, ena);
	CHECK_EQ(adds_seen_in_window, 0,
		 "a join between disable and enable: no MGM call");
	CHECK_EQ(fake_log_count(f.fd, "igmp re-add"), 0,
		 "nothing re-added inside the release (or the enable)");
	CHECK_MEMBERS("", "MGM dropped IGMP's memberships");
	CHECK(fi_if(&f, IF1, &ii) && ii.readd_pending, "re-add pending");
	CHECK_EQ(igmp_timeout_ms(f.g), 0, "timeout says: now");
	igmp_tick(f.g);
	readd1 =
		fake_log_find(f.fd, "igmp re-add *,239.1.1.1 if=1 NO_ERROR", 0);
	readd2 = fake_log_find(
		f.fd, "igmp re-add 192.0.2.1,232.1.1.1 if=1 NO_ERROR", 0);
	readd3 =
		fake_log_find(f.fd, "igmp re-add *,239.2.2.2 if=1 NO_ERROR", 0);
	CHECK(readd1 >= rel && readd2 >= rel && readd3 >= rel,
	      "re-added from igmp_tick(): %ld %ld %ld (release ended at %ld)",
	      readd1, readd2, readd3, rel);
	CHECK_MEMBERS("1:192.0.2.1,232.1.1.1 1:*,239.1.1.1 1:*,239.2.2.2",
		      "all back, the one joined meanwhile too");
	CHECK_EQ(fake_log_count(f.fd, "P local_join"), 0,
		 "no owner any more: no local joins");
	CHECK(fi_if(&f, IF1, &ii) && !ii.readd_pending && !ii.mgm_disabled,
	      "handoff done");
	CHECK(igmp_timeout_ms(f.g) > 0, "nothing pending");
	miss(SA, G1);
	CHECK_OIFS(SA, G1, "1", "forwarding to IGMP's receivers resumes");
	teardown();
}

static void test_handoff_take(void)
{
	long dis, ena, readd, lj;

	check_begin("handoff: a protocol takes an interface IGMP runs on");
	setup();
	fi_send_v12(&f, IF2, H, 0x16, G1);
	miss(SA, G1);
	CHECK_OIFS(SA, G1, "2", "forwarded to IF2");
	fake_log_clear(f.fd);
	CHECK_ERR(mgm_take_interface_ownership(f.m, p.h, IF2, 0), MGM_NO_ERROR);
	dis = fake_log_find(f.fd, "igmp disable_igmp if=2", 0);
	ena = fake_log_find(f.fd, "igmp enable_igmp if=2", 0);
	CHECK(dis >= 0 && ena > dis, "disable, enable");
	CHECK_MEMBERS("", "memberships dropped by MGM");
	fi_settle(&f);
	readd = fake_log_find(f.fd, "igmp re-add *,239.1.1.1 if=2 NO_ERROR", 0);
	lj = fake_log_find(f.fd, "P local_join *,239.1.1.1 if=2", 0);
	/* The local join runs inside the re-add call, before its event. */
	CHECK(readd > ena && lj > ena,
	      "re-added later, and the new owner hears (local join)");
	CHECK_MEMBERS("2:*,239.1.1.1", "member again");
	CHECK_OIFS(SA, G1, "2", "forwarding again");
	teardown();
}

static struct mgm_protocol_info protos[4];
static int n_protos;

static int proto_fn(void *arg, const struct mgm_protocol_info *i)
{
	(void)arg;
	if (n_protos < 4)
		protos[n_protos++] = *i;
	return 0;
}

static void test_disable_and_shutdown(void)
{
	check_begin("interface disable, shutdown");
	setup();
	fi_send_v12(&f, IF1, H, 0x16, G1);
	fi_send_v12(&f, IF2, H, 0x16, G1);
	CHECK_EQ(igmp_if_disable(f.g, IF2), 0, "disable IF2");
	CHECK_EQ(igmp_if_disable(f.g, IF2), -ENOENT, "twice");
	CHECK_MEMBERS("1:*,239.1.1.1", "IF2's membership gone");
	fi_send_v12(&f, IF2, H, 0x16, G2);
	CHECK_EQ(igmp_unknown_if_packets(f.g), 1, "IF2 not ours any more");
	fi_advance(&f, 30000);
	CHECK_EQ(fi_count_tx(&f, IF2, 'G'), 0, "no queries on IF2");

	fi_send_v12(&f, IF1, H, 0x16, G1);
	fake_log_clear(f.fd);
	igmp_destroy(f.g);
	f.g = NULL;
	CHECK_MEMBERS("", "shutdown: every membership released");
	CHECK(fake_log_find(f.fd, "P local_leave *,239.1.1.1 if=1", 0) >= 0,
	      "the owner of IF1 heard");
	n_protos = 0;
	mgm_foreach_protocol(f.m, proto_fn, NULL);
	CHECK(n_protos == 1 && protos[0].protocol_id == PID_P,
	      "IGMP deregistered, P remains");
	teardown();

	check_begin("MGM refusals");
	CHECK_EQ(fi_init(&f, NULL), 0, "init");
	{
		struct fake_proto other;
		struct igmp *g2 = NULL;
		struct igmp_io io = { 0 };

		CHECK_ERR(fake_proto_register(&other, f.fd, f.m, "IGMP2",
					      MGM_MS_IP_IGMP, 2),
			  MGM_NO_ERROR);
		CHECK_ERR(mgm_take_interface_ownership(f.m, other.h, IF2, 0),
			  MGM_NO_ERROR);
		CHECK_EQ(igmp_if_enable(f.g, IF2, 3), -EEXIST,
			 "another IGMP runs there");
		CHECK_EQ(f.ntx, 0, "no query sent");
		CHECK_EQ(f.n_logged, 1, "logged");
		CHECK_EQ(igmp_create(f.m, &io, NULL, &g2), -EINVAL,
			 "no io: refused");
		CHECK_ERR(mgm_release_interface_ownership(f.m, other.h, IF2, 0),
			  MGM_NO_ERROR);
		CHECK_ERR(mgm_deregister_protocol(f.m, other.h), MGM_NO_ERROR);
	}
	fi_fini(&f);
}

/*
 * The handoff inside an MGM call of IGMP's sync: P's local join (run by
 * MGM inside IGMP's add of (*,G1)) releases the interface, and a report
 * then drops (a,G2) from the state -- while IGMP's add of (a,G2), collected
 * before, is still to be made, and lands after the enable.  IGMP cannot
 * know whether such an add survived; it must end with MGM == its state.
 */
static int raced;

static void race_hook(struct fake_proto *fp, const char *ev, uint32_t ifindex,
		      uint32_t nexthop)
{
	(void)nexthop;
	if (strcmp(ev, "local_join") || raced++)
		return;
	mgm_release_interface_ownership(fp->m, fp->h, ifindex, 0);
	fi_send_v3(&f, IF1, H, 2, G2, "");
}

static void test_handoff_race(void)
{
	struct fi_rec r[2] = {
		{ 2, G1, 0, { 0 } },
		{ 5, G2, 1, { SA } },
	};
	uint8_t igmp[128], pkt[160];
	size_t n;

	check_begin("handoff in the middle of a sync");
	setup();
	raced = 0;
	p.hook = race_hook;
	n = fi_v3_report(igmp, r, 2);
	n = fi_ip(pkt, H, A("224.0.0.22"), 1, true, igmp, n);
	igmp_input(f.g, IF1, pkt, n);
	p.hook = NULL;
	CHECK_EQ(raced, 1, "the hook ran");
	CHECK(fake_log_find(f.fd, "igmp add 192.0.2.1,239.2.2.2 if=1 NO_ERROR",
			    0) >= 0,
	      "the late add went through");
	CHECK(!strcmp(fi_state(&f, IF1, G2), "EX{}{}"), "a dropped meanwhile");
	fi_settle(&f);
	CHECK_MEMBERS("1:*,239.1.1.1 1:*,239.2.2.2",
		      "no stale (a,G2) once the re-add ran");
	teardown();
}

/* ---- handoffs from another thread ------------------------------------ */

static int stop_storm, storms;

static void *storm(void *arg)
{
	(void)arg;
	while (!__atomic_load_n(&stop_storm, __ATOMIC_RELAXED)) {
		mgm_take_interface_ownership(f.m, p.h, IF2, 0);
		mgm_release_interface_ownership(f.m, p.h, IF2, 0);
		__atomic_add_fetch(&storms, 1, __ATOMIC_RELAXED);
	}
	return NULL;
}

/* What MGM should hold for IGMP on IF2, from IGMP's own state. */
struct expect {
	char s[8192];
	size_t n;
};

static int expect_fn(void *arg, const struct igmp_group_info *gi)
{
	struct expect *e = arg;
	char sa[40], ga[40], one[100];
	uint32_t k;

	fake_addr(ga, gi->group, ~0U);
	if (gi->mode == IGMP_EXCLUDE) {
		snprintf(one, sizeof(one), "|2:*,%s|", ga);
		strncat(e->s, one, sizeof(e->s) - strlen(e->s) - 1);
		e->n++;
		return 0;
	}
	for (k = 0; k < gi->n_sources; k++) {
		snprintf(one, sizeof(one), "|2:%s,%s|",
			 fake_addr(sa, gi->sources[k].addr, ~0U), ga);
		strncat(e->s, one, sizeof(e->s) - strlen(e->s) - 1);
		e->n++;
	}
	return 0;
}

/* Every membership MGM has is one IGMP wants, and their numbers match. */
static bool mgm_matches_state(size_t *n_mgm, size_t *n_want)
{
	static struct expect e;
	char buf[8192], *tok, *save = NULL;
	bool ok = true;

	memset(&e, 0, sizeof(e));
	igmp_foreach_group(f.g, IF2, expect_fn, &e);
	snprintf(buf, sizeof(buf), "%s", fi_members(&f));
	*n_mgm = 0;
	for (tok = strtok_r(buf, " ", &save); tok;
	     tok = strtok_r(NULL, " ", &save)) {
		char one[100];

		snprintf(one, sizeof(one), "|%s|", tok);
		ok &= strstr(e.s, one) != NULL;
		(*n_mgm)++;
	}
	*n_want = e.n;
	return ok && *n_mgm == e.n;
}

static void test_threads(void)
{
	size_t n_mgm, n_want;
	pthread_t t;
	int i, round;

	check_begin("handoffs from another thread");
	for (round = 0; round < 3; round++) {
		setup();
		p.quiet = true;
		stop_storm = 0;
		storms = 0;
		pthread_create(&t, NULL, storm, NULL);
		for (i = 0; i < 20000; i++) {
			uint32_t g = htonl(0xef010000U | (uint32_t)(i % 50));

			/* Joins, mode changes, source queries, leaves... */
			switch (i % 4) {
			case 0:
				fi_send_v12(&f, IF2, H, 0x16, g);
				break;
			case 1:
				fi_send_v3(&f, IF2, H, 5, g, "192.0.2.1");
				break;
			case 2:
				fi_send_v3(&f, IF2, H, 3, g, "192.0.2.1");
				break;
			case 3:
				fi_send_v3(&f, IF2, H, 6, g, "192.0.2.1");
				break;
			}
			/* ... and time, so that timers expire meanwhile. */
			if (i % 97 == 0)
				fi_advance(&f, 700);
		}
		__atomic_store_n(&stop_storm, 1, __ATOMIC_RELAXED);
		pthread_join(t, NULL);
		CHECK(storms > 10, "handoffs ran meanwhile: %d", storms);
		if (getenv("V"))
			fprintf(stderr,
				"storm: %d handoffs, %zu refused, %zu "
				"disables\n",
				storms, f.n_refused,
				f.n_events[IGMP_EV_DISABLE]);
		fi_settle(&f);
		/* Whatever the interleaving: MGM holds exactly our state. */
		CHECK(mgm_matches_state(&n_mgm, &n_want),
		      "MGM matches IGMP's state: %zu memberships, want %zu",
		      n_mgm, n_want);
		CHECK(n_want > 0, "something to compare");
		/* And still after all timers ran out. */
		fi_advance(&f, 30000);
		CHECK(mgm_matches_state(&n_mgm, &n_want) && !n_mgm,
		      "all expired: %zu memberships left", n_mgm);
		/* Handoff refusals are not errors; nothing else failed. */
		CHECK_EQ(f.n_mgm_failed, f.n_refused, "only handoff refusals");
		CHECK_EQ(f.n_logged, 0, "which are not logged as errors");
		f.n_refused = 0;
		teardown();
	}
}

int main(void)
{
	test_v2_join_leave();
	test_mapping();
	test_exclude_filter();
	test_handoff_release();
	test_handoff_take();
	test_handoff_race();
	test_disable_and_shutdown();
	test_threads();
	return check_summary();
}
