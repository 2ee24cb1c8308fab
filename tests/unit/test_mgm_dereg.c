// SPDX-License-Identifier: GPL-2.0
/*
 * test_mgm_dereg.c - deregistration from inside callbacks, across
 * threads (issue 13 item 3).  mgm.h promises that every function may be
 * called from inside any callback.  Two protocols, P and Q, each in a
 * callback on its own thread at the same moment, deregister each other:
 * a deregistration waits for the other's running callbacks, so without
 * care each waits for the other forever.  Also: a chain of three
 * (P -> Q -> R -> P), and the plain case still waits for a callback
 * running on another thread (ctx stays valid until deregistration
 * returns).
 *
 * A deadlock is caught by alarm(): the handler prints a failure and the
 * summary and exits non-zero.
 */
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check.h"
#include "fake_dp.h"

#define M 0xffffffffU
#define J MGM_JOIN_STATE_FLAG
#define NP 3

static struct fake_dp *fd;
static struct mgm *m;
static mgm_handle_t h[NP], joiner;
static int nprotos;
static pthread_barrier_t inside; /* every actor is inside its callback */
/* Which protocol each one deregisters, and the result. */
static int victim[NP];
static atomic_uint dereg_result[NP];
static atomic_int in_cb, acted[NP];
static atomic_bool slow_done;

static void on_alarm(int sig)
{
	static const char msg[] = "FAIL deadlock: deregistrations from "
				  "inside callbacks never returned\n"
				  "0 passed, 1 failed, 0 skipped\n";

	(void)sig;
	if (write(2, msg, sizeof(msg) - 1) < 0)
		_exit(1);
	_exit(1);
}

/*
 * Join alert of protocol i: the join of group 239.0.0.(i+1) is its cue.
 * Wait until every actor is inside its callback, then deregister victim.
 */
static uint32_t join_cb(void *ctx, uint32_t s, uint32_t sm, uint32_t g,
			uint32_t gm, int32_t upd)
{
	int i = (int)(intptr_t)ctx;

	(void)s;
	(void)sm;
	(void)gm;
	(void)upd;
	if (g != A("239.0.0.1") + ((uint32_t)i << 24) || acted[i]++)
		return 0;
	atomic_fetch_add(&in_cb, 1);
	pthread_barrier_wait(&inside);
	dereg_result[i] = mgm_deregister_protocol(m, h[victim[i]]);
	return 0;
}

static void *actor(void *arg)
{
	int i = (int)(intptr_t)arg;

	/* The joiner's (*,G_i) join alerts everyone; only i acts on it. */
	mgm_add_group_membership_entry(m, joiner, 0, 0,
				       A("239.0.0.1") + ((uint32_t)i << 24), M,
				       1, 0, J);
	return NULL;
}

static void setup(int n)
{
	int i;

	fd = fake_dp_new();
	m = fake_mgm_new(fd, 0);
	if (!m)
		abort();
	nprotos = n;
	for (i = 0; i < n; i++) {
		struct mgm_protocol_config c = {
			.ctx = (void *)(intptr_t)i,
			.join_alert = join_cb,
		};

		acted[i] = 0;
		dereg_result[i] = 12345;
		CHECK_EQ(mgm_register_protocol(m, &c, 0x40000100U + i, 1,
					       &h[i]),
			 MGM_NO_ERROR, "register");
	}
	{
		struct mgm_protocol_config c = { 0 };

		CHECK_EQ(mgm_register_protocol(m, &c, 0x40000200U, 1, &joiner),
			 MGM_NO_ERROR, "register the joiner");
		CHECK_EQ(mgm_take_interface_ownership(m, joiner, 1, 0),
			 MGM_NO_ERROR, "the joiner takes 1");
	}
	in_cb = 0;
	pthread_barrier_init(&inside, NULL, n);
}

static void run_cycle(int n, const char *what)
{
	pthread_t t[NP];
	int i;

	check_begin(what);
	setup(n);
	for (i = 0; i < n; i++)
		victim[i] = (i + 1) % n;
	alarm(10);
	for (i = 0; i < n; i++)
		pthread_create(&t[i], NULL, actor, (void *)(intptr_t)i);
	for (i = 0; i < n; i++)
		pthread_join(t[i], NULL);
	alarm(0);
	CHECK_EQ(in_cb, n, "every actor was inside its callback at once");
	for (i = 0; i < n; i++) {
		CHECK_EQ(dereg_result[i], MGM_NO_ERROR,
			 "each deregistration returned NO_ERROR");
		CHECK_EQ(mgm_take_interface_ownership(m, h[i], 2, 0),
			 MGM_ERROR_INVALID_PARAMETER,
			 "each deregistered handle is dead");
	}
	CHECK_EQ(mgm_release_interface_ownership(m, joiner, 1, 0), MGM_NO_ERROR,
		 "the joiner releases");
	CHECK_EQ(mgm_deregister_protocol(m, joiner), MGM_NO_ERROR,
		 "the joiner deregisters");
	CHECK_EQ(fake_errors(fd), 0, "no errors logged by MGM");
	mgm_destroy(m);
	fake_dp_free(fd);
	pthread_barrier_destroy(&inside);
}

/* ---- the plain case still waits ----------------------------------------- */

static pthread_barrier_t slow_started;

static uint32_t slow_join(void *ctx, uint32_t s, uint32_t sm, uint32_t g,
			  uint32_t gm, int32_t upd)
{
	(void)ctx;
	(void)s;
	(void)sm;
	(void)g;
	(void)gm;
	(void)upd;
	pthread_barrier_wait(&slow_started);
	usleep(200000);
	slow_done = true;
	return 0;
}

static void *slow_actor(void *arg)
{
	(void)arg;
	mgm_add_group_membership_entry(m, joiner, 0, 0, A("239.9.9.9"), M, 1, 0,
				       J);
	return NULL;
}

static void run_plain(void)
{
	struct mgm_protocol_config c = { .join_alert = slow_join };
	struct mgm_protocol_config none = { 0 };
	mgm_handle_t p;
	pthread_t t;

	check_begin("a callback on another thread is still waited for");
	fd = fake_dp_new();
	m = fake_mgm_new(fd, 0);
	if (!m)
		abort();
	pthread_barrier_init(&slow_started, NULL, 2);
	mgm_register_protocol(m, &c, 0x40000300U, 1, &p);
	mgm_register_protocol(m, &none, 0x40000301U, 1, &joiner);
	mgm_take_interface_ownership(m, joiner, 1, 0);
	slow_done = false;
	alarm(10);
	pthread_create(&t, NULL, slow_actor, NULL);
	pthread_barrier_wait(&slow_started);
	CHECK_EQ(mgm_deregister_protocol(m, p), MGM_NO_ERROR, "deregister");
	CHECK(slow_done, "it returned only after the running callback ended");
	pthread_join(t, NULL);
	alarm(0);
	mgm_release_interface_ownership(m, joiner, 1, 0);
	mgm_deregister_protocol(m, joiner);
	mgm_destroy(m);
	fake_dp_free(fd);
	pthread_barrier_destroy(&slow_started);
}

int main(void)
{
	signal(SIGALRM, on_alarm);
	run_cycle(2, "two protocols deregister each other from callbacks");
	run_cycle(3, "three protocols in a ring (P->Q->R->P)");
	run_plain();
	return check_summary();
}
