// SPDX-License-Identifier: GPL-2.0
/*
 * test_mgm_exact.c - issue 13 ("MGM, exactly"): a fast-path update the
 * datapath refuses is retried until the fast path has it, and MgmGetMfe
 * shows what the fast path does meanwhile (1); handles are never issued
 * twice, even after 70,000 register/deregister cycles on one slot (4); a
 * packet on an interface no protocol owns creates no MFE, when
 * mgm_options.unowned_iif_no_mfe asks for it (5; off by default); an MFE
 * timeout of 0 means "does not age", the meaning of an expiry of 0 (6).
 */
#include <errno.h>
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

/* The host's standing permission (mgm_options.iif_permitted): mgmd's
 * phyints.  permitted_if 0 permits nothing. */
static uint32_t permitted_if, permitted_calls;

static bool permitted(void *ctx, uint32_t ifindex)
{
	permitted_calls += ctx == &permitted_if;
	return permitted_if && ifindex == permitted_if;
}

/* unowned_no_mfe: mgm_options.unowned_iif_no_mfe (item 5 is opt-in). */
static void setup_opt(bool unowned_no_mfe)
{
	struct mgm_options o = { .unowned_iif_no_mfe = unowned_no_mfe,
				 .iif_permitted = permitted,
				 .iif_permitted_ctx = &permitted_if };

	fd = fake_dp_new();
	m = fake_mgm_new_opts(fd, &o);
	if (!m)
		abort();
	fake_proto_register(&p1, fd, m, "P1", PID1, 1);
	fake_proto_register(&p2, fd, m, "P2", PID2, 1);
	fake_proto_register(&ig, fd, m, "IGMP", IGMP, 1);
	mgm_take_interface_ownership(m, p1.h, 1, 0);
	mgm_take_interface_ownership(m, p1.h, 2, 0);
	mgm_take_interface_ownership(m, p1.h, 3, 0);
	mgm_take_interface_ownership(m, p2.h, 4, 0);
	mgm_take_interface_ownership(m, ig.h, 3, 0);
	fake_dp_add_route(fd, A("10.1.0.0"), 16, 1, 0, 2);
	fake_dp_add_route(fd, A("10.4.0.0"), 16, 4, 0, 2);
	fake_log_clear(fd);
}

static void setup(void)
{
	setup_opt(false);
}

static void teardown(void)
{
	mgm_destroy(m);
	fake_dp_free(fd);
	m = NULL;
	fd = NULL;
}

static uint32_t add(struct fake_proto *p, uint32_t s, uint32_t g,
		    uint32_t ifindex, uint32_t flags)
{
	return mgm_add_group_membership_entry(m, p->h, s, s ? M : 0, g,
					      g ? M : 0, ifindex, 0, flags);
}

static uint32_t del(struct fake_proto *p, uint32_t s, uint32_t g,
		    uint32_t ifindex, uint32_t flags)
{
	return mgm_delete_group_membership_entry(m, p->h, s, s ? M : 0, g,
						 g ? M : 0, ifindex, 0, flags);
}

static void miss(uint32_t ifindex, uint32_t s, uint32_t g)
{
	fake_dp_inject_miss(fd, ifindex, s, g);
	mgm_dispatch(m);
}

/* The oifs of (S,G) as MgmGetMfe reports them: "2,3", "negative", "absent". */
static const char *mgm_oifs(uint32_t s, uint32_t g)
{
	static char out[128];
	uint8_t buf[MGM_SIZEOF_MFE(16)];
	struct mgm_ipmcast_mfe r;
	struct mgm_ipmcast_oif o;
	uint32_t size = sizeof(buf), i, prev = 0;
	size_t len = 0;

	if (mgm_get_mfe(m, &(struct mgm_ipmcast_mfe){ .source = s, .group = g },
			&size, buf) != MGM_NO_ERROR)
		return "absent";
	memcpy(&r, buf, sizeof(r));
	if (!r.num_oifs)
		return "negative";
	out[0] = 0;
	for (i = 0; i < r.num_oifs && i < 16; i++) {
		memcpy(&o, buf + sizeof(r) + i * sizeof(o), sizeof(o));
		/* The fast path holds ifindexes: next hops collapse. */
		if (i && o.out_ifindex == prev)
			continue;
		len += (size_t)snprintf(out + len, sizeof(out) - len, "%s%u",
					len ? "," : "", o.out_ifindex);
		prev = o.out_ifindex;
	}
	return out;
}

static uint32_t get_mfe(uint32_t s, uint32_t g, struct mgm_ipmcast_mfe *r)
{
	uint8_t buf[MGM_SIZEOF_MFE(16)];
	uint32_t size = sizeof(buf), ret;

	memset(r, 0, sizeof(*r));
	ret = mgm_get_mfe(m,
			  &(struct mgm_ipmcast_mfe){ .source = s, .group = g },
			  &size, buf);
	if (ret == MGM_NO_ERROR)
		memcpy(r, buf, sizeof(*r));
	return ret;
}

/* The fast path's oifs of (S,G), and MgmGetMfe's: both must be want. */
#define CHECK_BOTH(s, g, want)                                             \
	do {                                                               \
		CHECK(!strcmp(fake_dp_oifs(fd, s, g), want),               \
		      "fast path has %s, want %s", fake_dp_oifs(fd, s, g), \
		      want);                                               \
		CHECK(!strcmp(mgm_oifs(s, g), want),                       \
		      "MgmGetMfe says %s, want %s", mgm_oifs(s, g), want); \
	} while (0)

static struct mgm_stats stats(void)
{
	struct mgm_stats st;

	mgm_get_stats(m, &st);
	return st;
}

/* ------------------------------------------------------------------ */
/* 1. A refused fast-path update                                       */

static void test_refused_update_retried(void)
{
	const uint32_t S1 = A("10.1.0.1"), S2 = A("10.1.0.2");
	const uint32_t S3 = A("10.1.0.3");
	const uint32_t G = A("239.1.1.1"), G2 = A("239.2.2.2");
	struct fake_dp_counts c0, c1;
	size_t errs;
	int i;

	check_begin("a refused update is retried until the fast path has it");
	setup();
	miss(1, S1, G);
	miss(1, S2, G);
	CHECK_ERR(add(&p1, 0, G, 2, J), MGM_NO_ERROR);
	CHECK_BOTH(S1, G, "2");
	CHECK_BOTH(S2, G, "2");

	/*
	 * One (*,G) change, two MFEs; the first install is refused.  The
	 * membership stands (the caller's call succeeded), the other MFE is
	 * not rolled back, and MgmGetMfe shows what the fast path does.
	 */
	fake_dp_fail_install(fd, 1, -ENOSPC);
	CHECK_ERR(add(&p1, 0, G, 3, J), MGM_NO_ERROR);
	CHECK_BOTH(S1, G, "2");
	CHECK_BOTH(S2, G, "2,3");
	CHECK_EQ(stats().mfes_out_of_sync, 1, "one MFE waits for a retry");
	CHECK(fake_errors(fd) >= 1, "the refusal was logged");
	CHECK(mgm_timeout_ms(m) >= 0 && mgm_timeout_ms(m) <= 1000,
	      "the event loop comes back within a second: %d",
	      mgm_timeout_ms(m));

	/* The retry rides on the maintenance timer. */
	fake_dp_advance(fd, SEC_NS);
	mgm_dispatch(m);
	CHECK_BOTH(S1, G, "2,3");
	CHECK_BOTH(S2, G, "2,3");
	CHECK_EQ(stats().mfes_out_of_sync, 0, "in sync again");
	CHECK_EQ(stats().install_retries, 1, "one retry");

	/* A fast path that keeps refusing: retried once per second. */
	fake_dp_fail_install(fd, -1, -ENOSPC);
	CHECK_ERR(add(&p2, 0, G, 4, J), MGM_NO_ERROR);
	CHECK_EQ(stats().mfes_out_of_sync, 2, "two MFEs wait");
	errs = fake_errors(fd);
	for (i = 0; i < 3; i++) {
		fake_dp_advance(fd, SEC_NS);
		mgm_dispatch(m);
		/* Within a second: the rate limit. */
		mgm_dispatch(m);
	}
	CHECK_BOTH(S1, G, "2,3");
	CHECK_BOTH(S2, G, "2,3");
	CHECK_EQ(stats().install_retries, 1 + 3 * 2, "two retries a second");
	CHECK_EQ(stats().mfes_out_of_sync, 2, "still waiting");
	CHECK_EQ(fake_errors(fd), errs, "failed retries do not flood the log");
	fake_dp_fail_install(fd, 0, 0);
	fake_dp_advance(fd, SEC_NS);
	mgm_dispatch(m);
	CHECK_BOTH(S1, G, "2,3,4");
	CHECK_BOTH(S2, G, "2,3,4");
	CHECK_EQ(stats().mfes_out_of_sync, 0, "caught up");

	/* A later change that succeeds brings the MFE in sync at once. */
	fake_dp_fail_install(fd, 1, -ENOSPC);
	CHECK_ERR(del(&p2, 0, G, 4, J), MGM_NO_ERROR);
	CHECK_BOTH(S1, G, "2,3,4");
	CHECK_BOTH(S2, G, "2,3");
	CHECK_EQ(stats().mfes_out_of_sync, 1, "S1 waits");
	CHECK_ERR(add(&p2, 0, G, 4, J), MGM_NO_ERROR);
	CHECK_BOTH(S1, G, "2,3,4");
	CHECK_BOTH(S2, G, "2,3,4");
	CHECK_EQ(stats().mfes_out_of_sync, 0, "S1 is what it should be");

	/* The oif-list join alert comes when the fast path has the oif. */
	miss(1, S3, G2);
	CHECK_BOTH(S3, G2, "negative");
	fake_log_clear(fd);
	fake_dp_fail_install(fd, 1, -ENOSPC);
	CHECK_ERR(add(&p2, S3, G2, 4, J), MGM_NO_ERROR);
	CHECK_BOTH(S3, G2, "negative");
	CHECK_EQ(fake_log_find(fd, "P1 join_alert 10.1.0.3,239.2.2.2 upd=0", 0),
		 -1, "no join alert while the fast path drops");
	fake_dp_advance(fd, SEC_NS);
	mgm_dispatch(m);
	CHECK_BOTH(S3, G2, "4");
	CHECK(fake_log_find(fd, "P1 join_alert 10.1.0.3,239.2.2.2 upd=0", 0) >=
		      0,
	      "join alert once it forwards");

	/* A waiting MFE that goes away is not retried. */
	fake_dp_fail_install(fd, 1, -ENOSPC);
	CHECK_ERR(del(&p2, S3, G2, 4, J), MGM_NO_ERROR);
	CHECK_EQ(stats().mfes_out_of_sync, 1, "waits");
	CHECK_ERR(mgm_delete_mfe(m, p1.h, S3, G2), MGM_NO_ERROR);
	CHECK_EQ(stats().mfes_out_of_sync, 0, "gone with its MFE");
	fake_dp_counts(fd, &c0);
	fake_dp_advance(fd, SEC_NS);
	mgm_dispatch(m);
	fake_dp_counts(fd, &c1);
	CHECK_EQ(c1.install + c1.install_failed, c0.install + c0.install_failed,
		 "nothing retried");
	CHECK_BOTH(S3, G2, "absent");
	fake_dp_counts(fd, &c1);
	CHECK_EQ(c1.bad_install, 0, "every install well formed");
	teardown();
}

/* ------------------------------------------------------------------ */
/* 4. Handles never come back                                          */

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

struct find_arg {
	mgm_handle_t h;
	int n;
};

static int find_proto(void *arg, const struct mgm_protocol_info *i)
{
	struct find_arg *f = arg;

	f->n += i->handle == f->h;
	return 0;
}

static void test_handles_never_reissued(void)
{
	const int cycles = 70000;
	const uint32_t G = A("239.1.1.1");
	struct mgm_protocol_config cfg = { 0 };
	struct mgm_ipmcast_mfe key = { .source = A("10.1.0.1"), .group = G };
	mgm_handle_t h0, h, q, e0, e, *all;
	struct find_arg fa;
	uint32_t pid, cid;
	int i, alias = 0, took = 0, ealias = 0, dups = 0;

	check_begin("70,000 register/deregister cycles: no handle comes back");
	setup();
	all = calloc((size_t)cycles + 1, sizeof(*all));
	if (!all)
		abort();
	CHECK_ERR(mgm_register_protocol(m, &cfg, 0x40000077U, 1, &h0),
		  MGM_NO_ERROR);
	CHECK_ERR(mgm_deregister_protocol(m, h0), MGM_NO_ERROR);
	all[0] = h0;
	for (i = 0; i < cycles; i++) {
		if (mgm_register_protocol(m, &cfg, 0x40000077U, 1, &h) !=
		    MGM_NO_ERROR)
			break;
		all[i + 1] = h;
		alias += h == h0;
		/* The dead handle must not act for the live protocol. */
		if (mgm_take_interface_ownership(m, h0, 7, 0) == MGM_NO_ERROR) {
			took++;
			mgm_release_interface_ownership(m, h, 7, 0);
		}
		mgm_deregister_protocol(m, h);
	}
	CHECK_EQ(i, cycles, "every registration succeeded");
	CHECK_EQ(alias, 0, "no new handle equals the dead one");
	CHECK_EQ(took, 0, "the dead handle never took an interface");
	qsort(all, (size_t)cycles + 1, sizeof(*all), cmp_u64);
	for (i = 0; i < cycles; i++)
		dups += all[i] == all[i + 1];
	CHECK_EQ(dups, 0, "all 70,001 handles distinct");

	/* A new protocol; the dead handle is rejected and changes nothing. */
	CHECK_ERR(mgm_register_protocol(m, &cfg, 0x40000078U, 1, &q),
		  MGM_NO_ERROR);
	CHECK(q != h0, "new handle differs");
	CHECK_ERR(mgm_take_interface_ownership(m, q, 8, 0), MGM_NO_ERROR);
	CHECK_ERR(mgm_take_interface_ownership(m, h0, 9, 0),
		  MGM_ERROR_INVALID_PARAMETER);
	CHECK_ERR(mgm_release_interface_ownership(m, h0, 8, 0),
		  MGM_ERROR_INVALID_PARAMETER);
	CHECK_ERR(mgm_add_group_membership_entry(m, h0, 0, 0, G, M, 8, 0, J),
		  MGM_ERROR_INVALID_PARAMETER);
	CHECK_ERR(mgm_delete_group_membership_entry(m, h0, 0, 0, G, M, 8, 0, J),
		  MGM_ERROR_INVALID_PARAMETER);
	CHECK_ERR(mgm_set_mfe(m, h0, &key), MGM_ERROR_INVALID_PARAMETER);
	CHECK_ERR(mgm_delete_mfe(m, h0, key.source, G),
		  MGM_ERROR_INVALID_PARAMETER);
	CHECK_ERR(mgm_group_enumeration_start(m, h0, MGM_ANY_SOURCE, &e),
		  MGM_ERROR_INVALID_PARAMETER);
	CHECK_ERR(mgm_deregister_protocol(m, h0), MGM_ERROR_INVALID_PARAMETER);
	CHECK_ERR(mgm_get_protocol_on_interface(m, 8, 0, &pid, &cid),
		  MGM_NO_ERROR);
	CHECK(pid == 0x40000078U && cid == 1, "8 still the new protocol's");
	CHECK_ERR(mgm_get_protocol_on_interface(m, 9, 0, &pid, &cid),
		  MGM_ERROR_NOT_FOUND);
	fa = (struct find_arg){ .h = q };
	mgm_foreach_protocol(m, find_proto, &fa);
	CHECK_EQ(fa.n, 1, "the new protocol is registered, unchanged");
	CHECK_ERR(mgm_release_interface_ownership(m, q, 8, 0), MGM_NO_ERROR);
	CHECK_ERR(mgm_deregister_protocol(m, q), MGM_NO_ERROR);

	/* Enumeration handles: the same guarantee. */
	CHECK_ERR(mgm_group_enumeration_start(m, p1.h, MGM_ANY_SOURCE, &e0),
		  MGM_NO_ERROR);
	CHECK_ERR(mgm_group_enumeration_end(m, e0), MGM_NO_ERROR);
	for (i = 0; i < cycles; i++) {
		if (mgm_group_enumeration_start(m, p1.h, MGM_ANY_SOURCE, &e) !=
		    MGM_NO_ERROR)
			break;
		ealias += e == e0;
		mgm_group_enumeration_end(m, e);
	}
	CHECK_EQ(i, cycles, "every enumeration started");
	CHECK_EQ(ealias, 0, "no enumeration handle equals the dead one");
	CHECK_ERR(mgm_group_enumeration_start(m, p1.h, MGM_ANY_SOURCE, &e),
		  MGM_NO_ERROR);
	CHECK_ERR(mgm_group_enumeration_end(m, e0),
		  MGM_ERROR_INVALID_PARAMETER);
	CHECK_ERR(mgm_group_enumeration_end(m, e), MGM_NO_ERROR);
	free(all);
	teardown();
}

/* ------------------------------------------------------------------ */
/* 5. Interfaces nobody owns                                           */

static void test_unowned_iif(void)
{
	const uint32_t S = A("10.1.0.1"), G = A("239.1.1.1");
	const uint32_t S9 = A("10.9.0.1"), SX = A("192.0.2.1");
	struct mgm_ipmcast_mfe r;
	struct fake_dp_counts c0, c1;

	check_begin("no MFE from an interface no protocol owns (option on)");
	setup_opt(true);
	CHECK_ERR(add(&p2, 0, G, 4, J), MGM_NO_ERROR);
	miss(1, S, G);
	CHECK_BOTH(S, G, "4");
	/* The seed: the only owner of the upstream interface leaves. */
	CHECK_ERR(mgm_release_interface_ownership(m, p1.h, 1, 0), MGM_NO_ERROR);
	CHECK_BOTH(S, G, "absent");
	fake_log_clear(fd);
	fake_dp_counts(fd, &c0);
	miss(1, S, G);
	fake_dp_counts(fd, &c1);
	CHECK_BOTH(S, G, "absent");
	CHECK_EQ(c1.install + c1.install_failed, c0.install + c0.install_failed,
		 "nothing installed");
	CHECK_EQ(fake_log_count(fd, "P2 creation_alert"), 0,
		 "no creation alert");
	CHECK_EQ(stats().misses_unowned, 1, "counted");
	CHECK_EQ(stats().mfes_created, 1, "not counted as created");

	/* No route, arrived on an interface nobody owns. */
	miss(9, SX, G);
	CHECK_BOTH(SX, G, "absent");
	/* Arrived on an owned interface, RPF toward an unowned one. */
	fake_dp_add_route(fd, A("10.9.0.0"), 16, 9, 0, 2);
	miss(2, S9, G);
	CHECK_BOTH(S9, G, "absent");
	/* The RPF callback moves the iif to an unowned interface. */
	p2.rpf_set_iif = true;
	p2.rpf_iif = 9;
	miss(4, A("10.4.0.1"), G);
	CHECK_BOTH(A("10.4.0.1"), G, "absent");
	p2.rpf_set_iif = false;
	CHECK_EQ(stats().misses_unowned, 4, "each counted");
	CHECK_EQ(mgm_timeout_ms(m), -1, "nothing to expire");

	/* Adoption follows the same rule, and removes what it cannot adopt. */
	fake_dp_install4(fd, S, G, 1, (uint32_t[]){ 4 }, 1);
	CHECK_ERR(mgm_adopt_mfe(m, S, G, 1), MGM_ERROR_NOT_FOUND);
	CHECK_BOTH(S, G, "absent");
	CHECK_EQ(stats().misses_unowned, 5, "counted like a miss");

	/* IGMP alone vouches for its interface. */
	CHECK_ERR(mgm_take_interface_ownership(m, ig.h, 9, 0), MGM_NO_ERROR);
	miss(9, SX, G);
	CHECK_ERR(get_mfe(SX, G, &r), MGM_NO_ERROR);
	CHECK(r.in_ifindex == 9 && r.in_if_protocol == IGMP, "IGMP's iif");
	/* Owned again: forwarding comes back. */
	CHECK_ERR(mgm_take_interface_ownership(m, p1.h, 1, 0), MGM_NO_ERROR);
	miss(1, S, G);
	CHECK_BOTH(S, G, "4");
	CHECK_EQ(stats().misses_unowned, 5, "owned misses not counted");
	teardown();
}

/*
 * mgmd's reading: no MFE from an unowned interface, unless the host
 * permits it (a configured phyint); the permission covers nothing else.
 */
static void test_unowned_iif_permitted(void)
{
	const uint32_t S = A("10.1.0.1"), G = A("239.1.1.1");
	const uint32_t SX = A("192.0.2.1"), SY = A("192.0.2.2");
	struct mgm_ipmcast_mfe r;

	check_begin("option on: a permitted unowned iif makes its MFE");
	setup_opt(true);
	permitted_if = 9;
	permitted_calls = 0;
	CHECK_ERR(add(&p2, 0, G, 4, J), MGM_NO_ERROR);
	/* No route, arrived on 9: permitted, made with no iif owner. */
	miss(9, SX, G);
	CHECK_BOTH(SX, G, "4");
	CHECK_ERR(get_mfe(SX, G, &r), MGM_NO_ERROR);
	CHECK(r.in_ifindex == 9 && r.in_if_protocol == 0, "iif %u proto %u",
	      r.in_ifindex, r.in_if_protocol);
	CHECK(permitted_calls > 0, "asked, with its context");
	CHECK_EQ(stats().misses_unowned, 1, "made unowned: counted once");
	/* The seed on 1, which the host does not permit: nothing comes back. */
	miss(1, S, G);
	CHECK_BOTH(S, G, "4");
	CHECK_ERR(mgm_release_interface_ownership(m, p1.h, 1, 0), MGM_NO_ERROR);
	miss(1, S, G);
	CHECK_BOTH(S, G, "absent");
	CHECK_EQ(stats().misses_unowned, 2, "refused: counted");
	/* Adoption follows: kept on 9, refused on 1. */
	fake_dp_install4(fd, SY, G, 9, (uint32_t[]){ 4 }, 1);
	CHECK_ERR(mgm_adopt_mfe(m, SY, G, 9), MGM_NO_ERROR);
	CHECK_BOTH(SY, G, "4");
	fake_dp_install4(fd, S, G, 1, (uint32_t[]){ 4 }, 1);
	CHECK_ERR(mgm_adopt_mfe(m, S, G, 1), MGM_ERROR_NOT_FOUND);
	CHECK_BOTH(S, G, "absent");
	/* The permission withdrawn: the next flow from 9 is refused. */
	permitted_if = 0;
	miss(9, A("192.0.2.3"), G);
	CHECK_BOTH(A("192.0.2.3"), G, "absent");
	teardown();
}

/* The library's default: unowned interfaces still make MFEs. */
static void test_unowned_iif_default(void)
{
	const uint32_t S = A("10.1.0.1"), G = A("239.1.1.1");
	const uint32_t SX = A("192.0.2.1"), SY = A("192.0.2.2");
	struct mgm_ipmcast_mfe r;

	check_begin("option off: an unowned iif still makes an MFE");
	setup();
	CHECK_ERR(add(&p2, 0, G, 4, J), MGM_NO_ERROR);
	miss(1, S, G);
	CHECK_BOTH(S, G, "4");
	CHECK_EQ(stats().misses_unowned, 0, "owned misses not counted");
	/* The seed leaves; the next packet re-creates the flow. */
	CHECK_ERR(mgm_release_interface_ownership(m, p1.h, 1, 0), MGM_NO_ERROR);
	CHECK_BOTH(S, G, "absent");
	miss(1, S, G);
	CHECK_BOTH(S, G, "4");
	CHECK_ERR(get_mfe(S, G, &r), MGM_NO_ERROR);
	CHECK(r.in_ifindex == 1 && r.in_if_protocol == 0, "iif %u proto %u",
	      r.in_ifindex, r.in_if_protocol);
	/* No route, arrived on an interface nobody owns. */
	miss(9, SX, G);
	CHECK_BOTH(SX, G, "4");
	CHECK_EQ(stats().misses_unowned, 2, "each MFE made unowned counted");
	/* Adoption as before: the entry is MGM's, with no iif owner. */
	fake_dp_install4(fd, SY, G, 9, (uint32_t[]){ 4 }, 1);
	CHECK_ERR(mgm_adopt_mfe(m, SY, G, 9), MGM_NO_ERROR);
	CHECK_BOTH(SY, G, "4");
	CHECK_ERR(get_mfe(SY, G, &r), MGM_NO_ERROR);
	CHECK(r.in_ifindex == 9 && r.in_if_protocol == 0, "adopted");
	CHECK_EQ(stats().misses_unowned, 3, "adoption counted too");
	teardown();
}

/* ------------------------------------------------------------------ */
/* 6. An MFE timeout of 0                                              */

static void test_timeout_zero(void)
{
	const uint32_t S = A("10.1.0.1"), G = A("239.1.1.1");
	struct mgm_dp_mfe_counters c = { 0 };
	struct mgm_ipmcast_mfe r;
	uint64_t t0;

	check_begin("timeout 0: the MFE does not age, expiry reads 0");
	setup();
	t0 = fake_dp_now(fd);
	miss(1, S, G);
	/* An ageing MFE never reads expiry 0, even when due. */
	fake_dp_set_now(fd, t0 + 900 * SEC_NS);
	CHECK_ERR(get_mfe(S, G, &r), MGM_NO_ERROR);
	CHECK_EQ(r.expiry, 1, "due, not yet scanned: 1, not 0");
	mgm_dispatch(m);
	CHECK_ERR(get_mfe(S, G, &r), MGM_ERROR_NOT_FOUND);

	/* The prune alert writes 0 back: the MFE stops ageing. */
	miss(1, S, G);
	CHECK_ERR(add(&p2, 0, G, 4, J), MGM_NO_ERROR);
	p1.prune_set_timeout = true;
	p1.prune_timeout = 0;
	CHECK_ERR(del(&p2, 0, G, 4, J), MGM_NO_ERROR);
	CHECK_ERR(get_mfe(S, G, &r), MGM_NO_ERROR);
	CHECK(r.timeout == 0 && r.expiry == 0, "timeout %u expiry %u",
	      r.timeout, r.expiry);
	CHECK_EQ(mgm_timeout_ms(m), -1, "nothing ages: sleep until events");
	fake_dp_advance(fd, 100000 * SEC_NS);
	mgm_dispatch(m);
	CHECK_ERR(get_mfe(S, G, &r), MGM_NO_ERROR);
	CHECK(r.expiry == 0 && r.uptime >= 100000, "still there, expiry 0");
	CHECK_EQ(stats().mfes_expired, 1, "only the first one expired");

	/* A timeout written back later makes it age again, from last use. */
	c.packets = 1;
	c.last_used_ns = fake_dp_now(fd);
	fake_dp_set_counters(fd, S, G, &c);
	p1.prune_timeout = 30;
	CHECK_ERR(add(&p2, 0, G, 4, J), MGM_NO_ERROR);
	CHECK_ERR(del(&p2, 0, G, 4, J), MGM_NO_ERROR);
	CHECK_ERR(get_mfe(S, G, &r), MGM_NO_ERROR);
	CHECK(r.timeout == 30 && r.expiry == 30, "timeout %u expiry %u",
	      r.timeout, r.expiry);
	CHECK(mgm_timeout_ms(m) >= 0 && mgm_timeout_ms(m) <= 30000,
	      "the loop wakes for it: %d", mgm_timeout_ms(m));
	fake_dp_advance(fd, 29 * SEC_NS);
	mgm_dispatch(m);
	CHECK_ERR(get_mfe(S, G, &r), MGM_NO_ERROR);
	fake_dp_advance(fd, SEC_NS);
	mgm_dispatch(m);
	CHECK_ERR(get_mfe(S, G, &r), MGM_ERROR_NOT_FOUND);
	teardown();
}

int main(void)
{
	test_refused_update_retried();
	test_handles_never_reissued();
	test_unowned_iif();
	test_unowned_iif_default();
	test_unowned_iif_permitted();
	test_timeout_zero();
	return check_summary();
}
