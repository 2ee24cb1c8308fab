// SPDX-License-Identifier: GPL-2.0
/*
 * test_mgm_threads.c - MGM under concurrency.  Worker threads (one
 * routing protocol each) take and release interfaces, add and delete
 * memberships and enumerate; an IGMP thread shares interfaces with them
 * (so ownership changes run the disable/enable handoff) and re-adds its
 * memberships deferred, as required; a dispatcher thread injects misses
 * and wrong-interface events, dispatches and moves the clock.  Callbacks
 * call back into MGM.  Then, quiescent: MGM's MFEs must match the
 * datapath and what the memberships imply.  Then everything shuts down
 * concurrently, and every protocol must be able to deregister.
 *
 * A deadlock is caught by alarm(): the process dies without its summary
 * line, which tests/run.sh counts as a failure.
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check.h"
#include "fake_dp.h"

#define NW 4 /* routing protocol workers */
#define ITER 15000
#define NGROUPS 6
#define M 0xffffffffU
#define J MGM_JOIN_STATE_FLAG
#define IGMP MGM_MS_IP_IGMP

static struct fake_dp *fd;
static struct mgm *m;
static struct fake_proto wp[NW], ig;
static pthread_barrier_t phase;
static int workers_done;
/* Workers and IGMP still in their busy loops. */
static int busy = NW + 1;

/* Findings of the threads (CHECK itself is not thread-safe). */
static unsigned bad_order, bad_status, deadlock_free_calls;
static unsigned failed_shutdown;

/* Interfaces: worker w owns 10w+1..10w+3 and shares 100+w with IGMP. */
static uint32_t own_if(int w, int k)
{
	return 10U * (uint32_t)(w + 1) + 1U + (uint32_t)k;
}

static uint32_t shared_if(int w)
{
	return 100U + (uint32_t)w;
}

static uint32_t group(int k)
{
	return htonl(0xef010101U + (uint32_t)k); /* 239.1.1.1 + k */
}

static uint32_t source(int w, int k)
{
	return htonl(0x0a000001U | ((uint32_t)(w + 1) << 16) | (uint32_t)k);
}

static void bump(unsigned *c)
{
	__atomic_add_fetch(c, 1, __ATOMIC_RELAXED);
}

/* ------------------------------------------------------------------ */
/* Callbacks that re-enter MGM                                         */

static void worker_hook(struct fake_proto *fp, const char *ev, uint32_t ifindex,
			uint32_t nexthop)
{
	uint8_t buf[1024];
	uint32_t size = sizeof(buf), n, pid, cid;

	(void)nexthop;
	if (!strcmp(ev, "join_alert")) {
		mgm_get_protocol_on_interface(fp->m, ifindex ? ifindex : 1, 0,
					      &pid, &cid);
		mgm_get_first_mfe(fp->m, &size, buf, &n);
	} else if (!strcmp(ev, "prune_alert")) {
		/* React to a prune by joining on one's own interface. */
		int w = (int)(fp - wp);

		mgm_add_group_membership_entry(fp->m, fp->h, 0, 0,
					       group(NGROUPS - 1), M,
					       own_if(w, 0), 0, J);
	} else if (!strcmp(ev, "creation_alert")) {
		mgm_get_mfe_stats(fp->m,
				  &(struct mgm_ipmcast_mfe){ .source = 1,
							     .group = 2 },
				  &size, buf, MGM_MFE_STATS_1);
	}
	bump(&deadlock_free_calls);
}

/* IGMP's pending re-adds (deferred out of the enable callback). */
static pthread_mutex_t readd_lock = PTHREAD_MUTEX_INITIALIZER;
static uint32_t readd[64];
static int n_readd;

static void igmp_hook(struct fake_proto *fp, const char *ev, uint32_t ifindex,
		      uint32_t nexthop)
{
	(void)fp;
	(void)nexthop;
	if (strcmp(ev, "enable_igmp"))
		return;
	pthread_mutex_lock(&readd_lock);
	if (n_readd < 64)
		readd[n_readd++] = ifindex;
	pthread_mutex_unlock(&readd_lock);
}

/* ------------------------------------------------------------------ */
/* Threads                                                             */

/* Walk all MFEs in small batches; keys must strictly increase. */
static void walk_mfes(void)
{
	uint8_t buf[600];
	uint32_t size = sizeof(buf), n, ret, i, off;
	uint64_t prev = 0, k;
	struct mgm_ipmcast_mfe r, last = { 0 };
	bool first = true;
	int guard = 0;

	ret = mgm_get_first_mfe(m, &size, buf, &n);
	while (guard++ < 10000) {
		if (ret != MGM_ERROR_MORE_DATA &&
		    ret != MGM_ERROR_NO_MORE_ITEMS) {
			bump(&bad_status);
			return;
		}
		for (i = 0, off = 0; i < n; i++) {
			memcpy(&r, buf + off, sizeof(r));
			off += MGM_SIZEOF_MFE(r.num_oifs);
			k = ((uint64_t)ntohl(r.group) << 32) | ntohl(r.source);
			if (!first && k <= prev)
				bump(&bad_order);
			prev = k;
			first = false;
			last = r;
		}
		if (ret == MGM_ERROR_NO_MORE_ITEMS)
			return;
		size = sizeof(buf);
		ret = mgm_get_next_mfe(m, &last, &size, buf, &n);
	}
}

static void walk_groups(struct fake_proto *fp, unsigned *seed)
{
	struct mgm_source_group v[4];
	uint32_t size, n, ret;
	mgm_handle_t e;

	if (mgm_group_enumeration_start(
		    m, fp->h, (enum mgm_enum_type)(rand_r(seed) & 1), &e))
		return;
	do {
		size = sizeof(v);
		ret = mgm_group_enumeration_get_next(m, e, &size, (uint8_t *)v,
						     &n);
	} while (ret == MGM_ERROR_MORE_DATA);
	if (ret != MGM_ERROR_NO_MORE_ITEMS)
		bump(&bad_status);
	mgm_group_enumeration_end(m, e);
}

static void *worker(void *arg)
{
	int w = (int)(long)arg, i, k;
	struct fake_proto *fp = &wp[w];
	unsigned seed = 1234u + (unsigned)w;
	bool shared = true;

	for (k = 0; k < 3; k++)
		mgm_take_interface_ownership(m, fp->h, own_if(w, k), 0);
	mgm_take_interface_ownership(m, fp->h, shared_if(w), 0);
	for (i = 0; i < ITER; i++) {
		int op = rand_r(&seed) % 100;
		int g = rand_r(&seed) % NGROUPS;
		uint32_t ifx = rand_r(&seed) % 4 == 3 ?
				       shared_if(w) :
				       own_if(w, rand_r(&seed) % 3);
		uint32_t s = rand_r(&seed) % 2 ?
				     source(rand_r(&seed) % NW, g % 3) :
				     0;

		if (op < 35) {
			mgm_add_group_membership_entry(m, fp->h, s, s ? M : 0,
						       group(g), M, ifx, 0, J);
		} else if (op < 65) {
			mgm_delete_group_membership_entry(
				m, fp->h, s, s ? M : 0, group(g), M, ifx, 0, J);
		} else if (op < 72) {
			/* Ownership change of the shared interface: the
			 * IGMP handoff, concurrently with everything. */
			if (shared)
				mgm_release_interface_ownership(
					m, fp->h, shared_if(w), 0);
			else
				mgm_take_interface_ownership(m, fp->h,
							     shared_if(w), 0);
			shared = !shared;
		} else if (op < 80) {
			walk_mfes();
		} else if (op < 86) {
			walk_groups(fp, &seed);
		} else if (op < 93) {
			struct mgm_ipmcast_mfe k2 = {
				.source = source(w, g % 3),
				.group = group(g),
				.upstream = htonl(0x0a0000fe),
			};

			mgm_set_mfe(m, fp->h, &k2);
		} else {
			mgm_add_group_membership_entry(m, fp->h, 0, 0, 0, 0,
						       ifx, 0, J);
			mgm_delete_group_membership_entry(m, fp->h, 0, 0, 0, 0,
							  ifx, 0, J);
		}
	}
	__atomic_sub_fetch(&busy, 1, __ATOMIC_RELAXED);
	pthread_barrier_wait(&phase); /* end of the busy phase */
	pthread_barrier_wait(&phase); /* main checked invariants */

	/* Shutdown, concurrently with the others. */
	for (k = 0; k < 3; k++)
		if (mgm_release_interface_ownership(m, fp->h, own_if(w, k), 0))
			bump(&failed_shutdown);
	if (shared &&
	    mgm_release_interface_ownership(m, fp->h, shared_if(w), 0))
		bump(&failed_shutdown);
	if (mgm_deregister_protocol(m, fp->h))
		bump(&failed_shutdown);
	__atomic_add_fetch(&workers_done, 1, __ATOMIC_RELAXED);
	return NULL;
}

static void igmp_readds(void)
{
	uint32_t todo[64];
	int n, i, g;

	pthread_mutex_lock(&readd_lock);
	n = n_readd;
	memcpy(todo, readd, sizeof(todo[0]) * (size_t)n);
	n_readd = 0;
	pthread_mutex_unlock(&readd_lock);
	for (i = 0; i < n; i++)
		for (g = 0; g < 2; g++)
			mgm_add_group_membership_entry(m, ig.h, 0, 0, group(g),
						       M, todo[i], 0, J);
}

static void *igmp_thread(void *arg)
{
	unsigned seed = 99;
	int i, w;

	(void)arg;
	for (w = 0; w < NW; w++)
		mgm_take_interface_ownership(m, ig.h, shared_if(w), 0);
	mgm_take_interface_ownership(m, ig.h, 200, 0);
	for (i = 0; i < ITER * 2; i++) {
		uint32_t ifx = rand_r(&seed) % 5 == 4 ?
				       200 :
				       shared_if(rand_r(&seed) % NW);
		int g = rand_r(&seed) % NGROUPS;

		if (rand_r(&seed) % 2)
			mgm_add_group_membership_entry(m, ig.h, 0, 0, group(g),
						       M, ifx, 0, J);
		else
			mgm_delete_group_membership_entry(
				m, ig.h, 0, 0, group(g), M, ifx, 0, J);
		if (i % 16 == 0)
			igmp_readds();
	}
	igmp_readds();
	__atomic_sub_fetch(&busy, 1, __ATOMIC_RELAXED);
	pthread_barrier_wait(&phase);
	pthread_barrier_wait(&phase);
	/* Keep serving re-adds until the routing protocols are gone. */
	while (__atomic_load_n(&workers_done, __ATOMIC_RELAXED) < NW) {
		igmp_readds();
		usleep(100);
	}
	igmp_readds();
	for (w = 0; w < NW; w++)
		if (mgm_release_interface_ownership(m, ig.h, shared_if(w), 0))
			bump(&failed_shutdown);
	if (mgm_release_interface_ownership(m, ig.h, 200, 0))
		bump(&failed_shutdown);
	if (mgm_deregister_protocol(m, ig.h))
		bump(&failed_shutdown);
	return NULL;
}

static void dispatch_some(unsigned *seed, int i)
{
	int w = rand_r(seed) % NW, g = rand_r(seed) % NGROUPS;
	uint32_t s = source(w, g % 3);

	if (rand_r(seed) % 8 == 0)
		fake_dp_inject_wrong_if(fd, own_if(w, 1), s, group(g));
	else
		fake_dp_inject_miss(fd, own_if(w, 0), s, group(g));
	if (i % 4 == 0)
		mgm_dispatch(m);
	if (i % 200 == 0) {
		fake_dp_advance(fd, 300 * SEC_NS); /* some MFEs expire */
		mgm_timeout_ms(m);
	}
}

static void *dispatcher(void *arg)
{
	unsigned seed = 7;
	int i = 0;

	(void)arg;
	while (__atomic_load_n(&busy, __ATOMIC_RELAXED) > 0)
		dispatch_some(&seed, i++);
	pthread_barrier_wait(&phase);
	pthread_barrier_wait(&phase);
	while (__atomic_load_n(&workers_done, __ATOMIC_RELAXED) < NW)
		dispatch_some(&seed, i++);
	mgm_dispatch(m);
	return NULL;
}

/* ------------------------------------------------------------------ */
/* Invariants                                                          */

struct memb_snap {
	struct mgm_membership_info v[4096];
	int n;
};

static int memb_fn(void *arg, const struct mgm_membership_info *i)
{
	struct memb_snap *s = arg;

	if (s->n < 4096)
		s->v[s->n++] = *i;
	return 0;
}

static int cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return x < y ? -1 : x > y;
}

/* Every MFE: the dp entry equals MGM's, and its oifs follow memberships. */
static void check_consistency(const char *when)
{
	static struct memb_snap ms;
	static uint8_t buf[1 << 20];
	uint32_t size = sizeof(buf), n, i, off, k, ne, j;
	unsigned mismatch_dp = 0, mismatch_memb = 0;
	struct mgm_ipmcast_oif oifs[64];
	struct mgm_ipmcast_mfe r;
	struct fake_mfe f;
	uint32_t exp[64];

	ms.n = 0;
	mgm_foreach_membership(m, memb_fn, &ms);
	CHECK_ERR(mgm_get_first_mfe(m, &size, buf, &n),
		  MGM_ERROR_NO_MORE_ITEMS);
	CHECK_EQ(n, fake_dp_num_mfes(fd), "MGM and dp hold as many MFEs");
	for (i = 0, off = 0; i < n; i++) {
		memcpy(&r, buf + off, sizeof(r));
		memcpy(oifs, buf + off + sizeof(r),
		       r.num_oifs * sizeof(oifs[0]));
		off += MGM_SIZEOF_MFE(r.num_oifs);
		if (!fake_dp_get(fd, r.source, r.group, &f) ||
		    f.iif != r.in_ifindex || f.n_oifs != r.num_oifs) {
			mismatch_dp++;
			continue;
		}
		for (k = 0; k < r.num_oifs; k++)
			if (f.oifs[k] != oifs[k].out_ifindex)
				mismatch_dp++;
		/* What the memberships say (no creation-alert pruning and
		 * no forward state in this test). */
		for (j = 0, ne = 0; j < (uint32_t)ms.n; j++) {
			const struct mgm_membership_info *b = &ms.v[j];

			if (b->group && b->group != r.group)
				continue;
			if (b->source && b->source != r.source)
				continue;
			if (b->ifindex == r.in_ifindex)
				continue;
			if (ne < 64)
				exp[ne++] = b->ifindex;
		}
		qsort(exp, ne, sizeof(exp[0]), cmp_u32);
		for (j = 0, k = 0; j < ne; j++)
			if (!k || exp[k - 1] != exp[j])
				exp[k++] = exp[j];
		ne = k;
		if (ne != r.num_oifs) {
			mismatch_memb++;
			continue;
		}
		for (k = 0; k < ne; k++)
			if (exp[k] != oifs[k].out_ifindex)
				mismatch_memb++;
	}
	CHECK(mismatch_dp == 0, "%s: %u MFEs differ from the dp", when,
	      mismatch_dp);
	CHECK(mismatch_memb == 0, "%s: %u MFEs differ from memberships", when,
	      mismatch_memb);
}

static int count_if(void *arg, const struct mgm_interface_info *i)
{
	(void)i;
	(*(int *)arg)++;
	return 0;
}

static int count_proto(void *arg, const struct mgm_protocol_info *i)
{
	(void)i;
	(*(int *)arg)++;
	return 0;
}

/* ------------------------------------------------------------------ */
/* Deregistration against callbacks in flight                          */

static int slow_started, slow_done;
static struct fake_proto *victim;
static uint32_t victim_dereg = 99;

static void slow_hook(struct fake_proto *fp, const char *ev, uint32_t i,
		      uint32_t nh)
{
	(void)fp;
	(void)i;
	(void)nh;
	if (strcmp(ev, "join_alert"))
		return;
	__atomic_store_n(&slow_started, 1, __ATOMIC_SEQ_CST);
	usleep(200000);
	__atomic_store_n(&slow_done, 1, __ATOMIC_SEQ_CST);
}

static void *add_thread(void *arg)
{
	struct fake_proto *q = arg;

	mgm_add_group_membership_entry(m, q->h, 0, 0, group(0), M, 1, 0, J);
	return NULL;
}

/* Deregisters another protocol, or itself, from inside its callback. */
static void dereg_hook(struct fake_proto *fp, const char *ev, uint32_t i,
		       uint32_t nh)
{
	(void)fp;
	(void)i;
	(void)nh;
	if (!strcmp(ev, "join_alert"))
		victim_dereg = mgm_deregister_protocol(m, victim->h);
}

static void test_deregister_in_flight(void)
{
	struct fake_proto p, q, r;
	pthread_t t;

	check_begin("deregistration waits for running callbacks");
	fd = fake_dp_new();
	m = fake_mgm_new(fd, 0);
	fake_proto_register(&p, fd, m, "P", 0x40000001U, 1);
	fake_proto_register(&q, fd, m, "Q", 0x40000002U, 1);
	mgm_take_interface_ownership(m, q.h, 1, 0);
	p.hook = slow_hook;
	/* Q's join makes P's join alert run on another thread. */
	pthread_create(&t, NULL, add_thread, &q);
	while (!__atomic_load_n(&slow_started, __ATOMIC_SEQ_CST))
		usleep(1000);
	CHECK_ERR(mgm_deregister_protocol(m, p.h), MGM_NO_ERROR);
	CHECK(__atomic_load_n(&slow_done, __ATOMIC_SEQ_CST),
	      "returned only after P's running callback ended");
	pthread_join(t, NULL);
	/* No callback of P after that. */
	mgm_delete_group_membership_entry(m, q.h, 0, 0, group(0), M, 1, 0, J);
	CHECK_EQ(p.n_join + p.n_prune, 1, "P got nothing more");
	mgm_destroy(m);
	fake_dp_free(fd);

	check_begin("callbacks queued for a deregistered protocol are skipped");
	fd = fake_dp_new();
	m = fake_mgm_new(fd, 0);
	fake_proto_register(&p, fd, m, "P", 0x40000001U, 1);
	fake_proto_register(&r, fd, m, "R", 0x40000003U, 1);
	fake_proto_register(&q, fd, m, "Q", 0x40000002U, 1);
	mgm_take_interface_ownership(m, q.h, 1, 0);
	/* Q's first (*,G) alerts P then R; P's alert deregisters R. */
	victim = &r;
	p.hook = dereg_hook;
	CHECK_ERR(mgm_add_group_membership_entry(m, q.h, 0, 0, group(0), M, 1,
						 0, J),
		  MGM_NO_ERROR);
	CHECK_ERR(victim_dereg, MGM_NO_ERROR);
	CHECK_EQ(p.n_join, 1, "P alerted");
	CHECK_EQ(r.n_join, 0, "R's queued alert skipped");

	/* A protocol deregistering itself inside its own callback. */
	victim = &p;
	victim_dereg = 99;
	CHECK_ERR(mgm_add_group_membership_entry(m, q.h, 0, 0, group(1), M, 1,
						 0, J),
		  MGM_NO_ERROR);
	CHECK_ERR(victim_dereg, MGM_NO_ERROR);
	CHECK_ERR(mgm_deregister_protocol(m, p.h), MGM_ERROR_INVALID_PARAMETER);
	mgm_destroy(m);
	fake_dp_free(fd);
}

int main(void)
{
	pthread_t tw[NW], ti, td;
	struct fake_dp_counts c;
	struct mgm_stats st;
	int i, nif = 0, np = 0;
	char name[NW][16];

	alarm(120);
	test_deregister_in_flight();
	check_begin("threads");
	fd = fake_dp_new();
	m = fake_mgm_new(fd, 0);
	fake_dp_set_quiet(fd, true);
	for (i = 0; i < NW; i++) {
		snprintf(name[i], sizeof(name[i]), "W%d", i);
		CHECK_ERR(fake_proto_register(&wp[i], fd, m, name[i],
					      0x40000100U + (uint32_t)i, 1),
			  MGM_NO_ERROR);
		wp[i].quiet = true;
		wp[i].hook = worker_hook;
		wp[i].prune_set_timeout = true;
		wp[i].prune_timeout = 600;
		fake_dp_add_route(fd, source(i, 0), 16, own_if(i, 0), 0, 2);
	}
	CHECK_ERR(fake_proto_register(&ig, fd, m, "IGMP", IGMP, 1),
		  MGM_NO_ERROR);
	ig.quiet = true;
	ig.hook = igmp_hook;
	pthread_barrier_init(&phase, NULL, NW + 3);

	for (i = 0; i < NW; i++)
		pthread_create(&tw[i], NULL, worker, (void *)(long)i);
	pthread_create(&ti, NULL, igmp_thread, NULL);
	pthread_create(&td, NULL, dispatcher, NULL);

	/* The busy phase ends once every thread reached the barrier. */
	pthread_barrier_wait(&phase);

	/* Quiescent: everything consistent, nothing stuck. */
	mgm_dispatch(m);
	check_consistency("after the busy phase");
	for (i = 0; i < NW; i++) {
		uint32_t r = mgm_add_group_membership_entry(
			m, ig.h, 0, 0, group(0), M, shared_if(i), 0, J);

		CHECK(r == MGM_NO_ERROR, "IGMP usable on shared if %u: %s",
		      shared_if(i), mgm_strerror(r));
	}
	CHECK_EQ(bad_order, 0, "MFE walks always in order");
	CHECK_EQ(bad_status, 0, "enumerations ended properly");
	CHECK(deadlock_free_calls > 0, "re-entrant callbacks ran (%u)",
	      deadlock_free_calls);
	pthread_barrier_wait(&phase);

	for (i = 0; i < NW; i++)
		pthread_join(tw[i], NULL);
	pthread_join(ti, NULL);
	pthread_join(td, NULL);

	CHECK_EQ(failed_shutdown, 0, "every release and deregister worked");
	mgm_foreach_protocol(m, count_proto, &np);
	mgm_foreach_interface(m, count_if, &nif);
	CHECK_EQ(np, 0, "no protocol left");
	CHECK_EQ(nif, 0, "no interface left");
	check_consistency("after shutdown");
	fake_dp_counts(fd, &c);
	CHECK_EQ(c.bad_install, 0, "every install well formed");
	CHECK_EQ(c.tx_off, c.tx_on, "every transmit stop undone");
	CHECK_EQ(fake_errors(fd), 0, "MGM logged no errors");
	mgm_get_stats(m, &st);
	fprintf(stderr,
		"threads: %llu events, %llu MFEs created, %llu expired, "
		"%llu callbacks (%u re-entrant), %u installs, %u syncs, "
		"%u IGMP handoffs\n",
		(unsigned long long)st.events,
		(unsigned long long)st.mfes_created,
		(unsigned long long)st.mfes_expired,
		(unsigned long long)st.callbacks, deadlock_free_calls,
		c.install, c.sync, ig.n_enable);
	CHECK(st.mfes_created > 0 && st.mfes_expired > 0,
	      "MFEs created (%llu) and expired (%llu)",
	      (unsigned long long)st.mfes_created,
	      (unsigned long long)st.mfes_expired);
	CHECK_EQ(st.mfes_created - st.mfes_deleted, fake_dp_num_mfes(fd),
		 "created - deleted = live");
	mgm_destroy(m);
	fake_dp_free(fd);
	pthread_barrier_destroy(&phase);
	return check_summary();
}
