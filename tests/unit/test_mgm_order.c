// SPDX-License-Identifier: GPL-2.0
/*
 * test_mgm_order.c - each protocol receives its callbacks in the order
 * MGM made the decisions (issue 13 item 2), whichever threads caused
 * them.
 *
 * The race the issue found: thread 1, IGMP adds (*,G) on P's interface;
 * that queues P's local join and a join alert to Q, and P's local-join
 * callback is slow.  Thread 2, meanwhile, P releases the interface: IGMP's
 * membership goes with it and Q gets the prune alert.  (P's join alert,
 * queued before Q's, is made the slow one here.)  If thread 1 then
 * delivered its stale join alert, Q's last word would be "joined" while
 * nothing is.  Q must see join, then prune.
 *
 * Then a storm: threads join and leave (*,G) on their own interfaces
 * while Q records every alert; for each group, Q's alerts must alternate
 * join/prune and end in the state the memberships are in.
 */
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check.h"
#include "fake_dp.h"

#define M 0xffffffffU
#define J MGM_JOIN_STATE_FLAG
#define PID_P 0x40000401U
#define PID_Q 0x40000402U

static struct fake_dp *fd;
static struct mgm *m;
static mgm_handle_t p, q, ig;
static pthread_barrier_t slow_in;
static atomic_bool slow_armed;

/* Q's view, in delivery order: 'J' join, 'P' prune, per group index. */
#define NG 4
static pthread_mutex_t qlock = PTHREAD_MUTEX_INITIALIZER;
static char qtrace[NG][65536];
static size_t qlen[NG];

static int gidx(uint32_t g)
{
	return (int)(ntohl(g) & 0xff) - 1;
}

static void qnote(uint32_t g, char c)
{
	int i = gidx(g);

	if (i < 0 || i >= NG)
		return;
	pthread_mutex_lock(&qlock);
	if (qlen[i] < sizeof(qtrace[i]) - 1)
		qtrace[i][qlen[i]++] = c;
	pthread_mutex_unlock(&qlock);
}

static uint32_t q_join(void *ctx, uint32_t s, uint32_t sm, uint32_t g,
		       uint32_t gm, int32_t upd)
{
	(void)ctx;
	(void)s;
	(void)sm;
	(void)gm;
	if (upd)
		qnote(g, 'J');
	return 0;
}

static uint32_t q_prune(void *ctx, uint32_t s, uint32_t sm, uint32_t g,
			uint32_t gm, uint32_t ifi, uint32_t nh, int32_t del,
			uint32_t *timeout)
{
	(void)ctx;
	(void)s;
	(void)sm;
	(void)gm;
	(void)ifi;
	(void)nh;
	(void)timeout;
	if (del)
		qnote(g, 'P');
	return 0;
}

static uint32_t p_local_join(void *ctx, uint32_t s, uint32_t sm, uint32_t g,
			     uint32_t gm, uint32_t ifi, uint32_t nh)
{
	(void)ctx;
	(void)s;
	(void)sm;
	(void)g;
	(void)gm;
	(void)ifi;
	(void)nh;
	if (atomic_exchange(&slow_armed, false)) {
		pthread_barrier_wait(&slow_in);
		usleep(300000);
	}
	return 0;
}

static uint32_t p_join(void *ctx, uint32_t s, uint32_t sm, uint32_t g,
		       uint32_t gm, int32_t upd)
{
	return p_local_join(ctx, s, sm, g, gm, 0, (uint32_t)upd);
}

static void *igmp_joins(void *arg)
{
	(void)arg;
	mgm_add_group_membership_entry(m, ig, 0, 0, A("239.0.0.1"), M, 1, 0, J);
	return NULL;
}

static void run_race(void)
{
	/* Whichever of P's callbacks comes first is the slow one. */
	struct mgm_protocol_config pc = { .local_join = p_local_join,
					  .join_alert = p_join };
	struct mgm_protocol_config qc = { .join_alert = q_join,
					  .prune_alert = q_prune };
	struct mgm_protocol_config ic = { 0 };
	pthread_t t;

	check_begin("a slow callback on one thread, a release on another");
	fd = fake_dp_new();
	m = fake_mgm_new(fd, 0);
	if (!m)
		abort();
	mgm_register_protocol(m, &pc, PID_P, 1, &p);
	mgm_register_protocol(m, &qc, PID_Q, 1, &q);
	mgm_register_protocol(m, &ic, MGM_MS_IP_IGMP, 1, &ig);
	CHECK_EQ(mgm_take_interface_ownership(m, p, 1, 0), MGM_NO_ERROR,
		 "P takes 1");
	CHECK_EQ(mgm_take_interface_ownership(m, q, 2, 0), MGM_NO_ERROR,
		 "Q takes 2");
	CHECK_EQ(mgm_take_interface_ownership(m, ig, 1, 0), MGM_NO_ERROR,
		 "IGMP shares 1");
	pthread_barrier_init(&slow_in, NULL, 2);
	slow_armed = true;
	pthread_create(&t, NULL, igmp_joins, NULL);
	/* P's local join is running (slowly) on thread 1. */
	pthread_barrier_wait(&slow_in);
	CHECK_EQ(mgm_release_interface_ownership(m, p, 1, 0), MGM_NO_ERROR,
		 "P releases 1 meanwhile");
	pthread_join(t, NULL);
	CHECK(!strcmp(qtrace[0], "JP"),
	      "Q saw the join, then the prune (got \"%s\")", qtrace[0]);
	mgm_release_interface_ownership(m, ig, 1, 0);
	mgm_release_interface_ownership(m, q, 2, 0);
	mgm_deregister_protocol(m, p);
	mgm_deregister_protocol(m, q);
	mgm_deregister_protocol(m, ig);
	CHECK_EQ(fake_errors(fd), 0, "no errors logged by MGM");
	mgm_destroy(m);
	fake_dp_free(fd);
	pthread_barrier_destroy(&slow_in);
}

/* ---- the storm ------------------------------------------------------------ */

#define NT 4
#define ITER 3000
static mgm_handle_t wp[NT];
static bool member[NT][NG];

static void *storm(void *arg)
{
	int i = (int)(intptr_t)arg, k;
	unsigned seed = 12345u + i;

	for (k = 0; k < ITER; k++) {
		int g = rand_r(&seed) % NG;
		uint32_t grp = A("239.0.0.1") + ((uint32_t)g << 24);

		if (member[i][g])
			mgm_delete_group_membership_entry(m, wp[i], 0, 0, grp,
							  M, 10 + i, 0, J);
		else
			mgm_add_group_membership_entry(m, wp[i], 0, 0, grp, M,
						       10 + i, 0, J);
		member[i][g] = !member[i][g];
	}
	return NULL;
}

static void run_storm(void)
{
	struct mgm_protocol_config qc = { .join_alert = q_join,
					  .prune_alert = q_prune };
	struct mgm_protocol_config wc = { 0 };
	pthread_t t[NT];
	int i, g;

	check_begin("joins and leaves from four threads");
	memset(qlen, 0, sizeof(qlen));
	memset(qtrace, 0, sizeof(qtrace));
	fd = fake_dp_new();
	m = fake_mgm_new(fd, 0);
	if (!m)
		abort();
	fake_dp_set_quiet(fd, true);
	mgm_register_protocol(m, &qc, PID_Q, 1, &q);
	for (i = 0; i < NT; i++) {
		mgm_register_protocol(m, &wc, 0x40000500U + i, 1, &wp[i]);
		mgm_take_interface_ownership(m, wp[i], 10 + i, 0);
	}
	for (i = 0; i < NT; i++)
		pthread_create(&t[i], NULL, storm, (void *)(intptr_t)i);
	for (i = 0; i < NT; i++)
		pthread_join(t[i], NULL);
	for (g = 0; g < NG; g++) {
		bool any = false, ok = true;
		size_t k;

		for (i = 0; i < NT; i++)
			any |= member[i][g];
		/* Q hears the first join and the last leave of others. */
		for (k = 0; k < qlen[g]; k++)
			ok &= qtrace[g][k] == (k % 2 ? 'P' : 'J');
		CHECK(ok, "group %d: Q's alerts alternate join/prune", g);
		CHECK(qlen[g] >= 1, "group %d: Q heard %zu alerts", g, qlen[g]);
		CHECK((qlen[g] % 2 == 1) == any,
		      "group %d: Q's last alert matches the membership", g);
	}
	for (i = 0; i < NT; i++) {
		for (g = 0; g < NG; g++)
			if (member[i][g])
				mgm_delete_group_membership_entry(
					m, wp[i], 0, 0,
					A("239.0.0.1") + ((uint32_t)g << 24), M,
					10 + i, 0, J);
		mgm_release_interface_ownership(m, wp[i], 10 + i, 0);
		mgm_deregister_protocol(m, wp[i]);
	}
	mgm_deregister_protocol(m, q);
	mgm_destroy(m);
	fake_dp_free(fd);
}

int main(void)
{
	alarm(60);
	run_race();
	run_storm();
	return check_summary();
}
