// SPDX-License-Identifier: GPL-2.0
/*
 * test_static.c - the "static" routing protocol against the MGM core on
 * the fake datapath: routes become ownership, memberships and RPF answers;
 * shared interfaces and memberships are reference counted; bad routes are
 * refused without changing anything; shutdown follows the seed.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "fake_dp.h"
#include "proto/static.h"

static struct fake_dp *fd;
static struct mgm *m;
static struct mgm_static *st;

static void setup(void)
{
	fd = fake_dp_new();
	m = fake_mgm_new(fd, 0);
	CHECK_EQ(static_create(m, &st), 0, "register static");
	/* Sources in 192.0.2.0/24 are reached through ifindex 1. */
	fake_dp_add_route(fd, A("192.0.2.0"), 24, 1, 0, 2);
}

static void teardown(void)
{
	static_destroy(st);
	mgm_destroy(m);
	fake_dp_free(fd);
}

static struct static_route route(uint32_t iif, const char *src, const char *grp,
				 uint8_t len, int n, ...)
{
	struct static_route r = { .iif = iif, .prefix_len = len };
	va_list ap;
	int i;

	if (strchr(grp, ':')) {
		r.source = src ? A6(src) : A6("::");
		r.group = A6(grp);
	} else {
		r.source = mgm_addr4(src ? A(src) : 0);
		r.group = mgm_addr4(A(grp));
	}
	va_start(ap, n);
	for (i = 0; i < n; i++)
		r.oifs[r.n_oifs++] = va_arg(ap, uint32_t);
	va_end(ap);
	return r;
}

static int count_one(void *arg, const struct mgm_membership_info *i)
{
	(void)i;
	(*(size_t *)arg)++;
	return 0;
}

static size_t memberships(void)
{
	size_t n = 0;

	mgm_foreach_membership(m, count_one, &n);
	return n;
}

static void miss(uint32_t ifindex, const char *s, const char *g)
{
	fake_dp_inject_miss(fd, ifindex, A(s), A(g));
	mgm_dispatch(m);
}

static void test_routes(void)
{
	struct static_route sg =
		route(1, "192.0.2.1", "239.1.1.1", 32, 2, 2, 3);
	struct static_route star = route(1, NULL, "239.2.2.0", 30, 1, 4);
	uint32_t pid, cid, iif;

	check_begin("routes become MGM state");
	setup();
	CHECK_EQ(static_route_add(st, &sg), 0, "(S,G) route");
	CHECK_EQ(mgm_get_protocol_on_interface(m, 1, 0, &pid, &cid),
		 MGM_NO_ERROR, "iif owned");
	CHECK_EQ(pid, MGM_PROTO_STATIC, "by static");
	CHECK_EQ(mgm_get_protocol_on_interface(m, 3, 0, &pid, &cid),
		 MGM_NO_ERROR, "oif owned");
	CHECK_EQ(memberships(), 2, "one (S,G) membership per oif");
	CHECK_EQ(static_route_add(st, &star), 0, "(*,G/30) route");
	CHECK_EQ(memberships(), 2 + 4, "a /30 is four (*,G) memberships");

	miss(1, "192.0.2.1", "239.1.1.1");
	CHECK(!strcmp(fake_dp_oifs(fd, A("192.0.2.1"), A("239.1.1.1")), "2,3"),
	      "(S,G) forwarded to 2,3: %s",
	      fake_dp_oifs(fd, A("192.0.2.1"), A("239.1.1.1")));
	miss(1, "192.0.2.9", "239.2.2.3");
	CHECK(!strcmp(fake_dp_oifs(fd, A("192.0.2.9"), A("239.2.2.3")), "4"),
	      "any source of the prefix forwarded to 4");
	miss(1, "192.0.2.9", "239.2.2.4");
	CHECK(!strcmp(fake_dp_oifs(fd, A("192.0.2.9"), A("239.2.2.4")),
		      "negative"),
	      "outside the prefix: no receivers");

	check_begin("RPF answers");
	CHECK(static_rpf(st, A("192.0.2.1"), A("239.1.1.1"), &iif) && iif == 1,
	      "(S,G) route gives its iif");
	CHECK(static_rpf(st, A("198.51.100.1"), A("239.2.2.1"), &iif) &&
		      iif == 1,
	      "(*,G) route matches any source");
	CHECK(!static_rpf(st, A("192.0.2.1"), A("239.3.3.3"), &iif),
	      "no route: no answer");
	{
		struct static_route sg5 =
			route(5, "192.0.2.1", "239.2.2.1", 32, 1, 6);

		CHECK_EQ(static_route_add(st, &sg5), 0, "(S,G) inside a (*,G)");
		CHECK(static_rpf(st, A("192.0.2.1"), A("239.2.2.1"), &iif) &&
			      iif == 5,
		      "source-specific route wins");
		CHECK_EQ(static_route_del(st, &sg5), 0, "delete it");
	}

	check_begin("static RPF callback overrides the unicast route");
	fake_dp_clear_routes(fd);
	/* Source reached via 1 (owned by static): its callback decides. */
	fake_dp_add_route(fd, A("203.0.113.0"), 24, 1, 0, 2);
	{
		struct static_route r9 =
			route(7, "203.0.113.5", "239.5.5.5", 32, 1, 2);
		struct fake_mfe fm;

		CHECK_EQ(static_route_add(st, &r9), 0, "route from 7");
		miss(1, "203.0.113.5", "239.5.5.5");
		CHECK(fake_dp_get(fd, A("203.0.113.5"), A("239.5.5.5"), &fm) &&
			      fm.iif == 7,
		      "iif is the route's, not the unicast one");
	}
	teardown();
}

static void test_refcounts_and_errors(void)
{
	struct static_route a = route(1, NULL, "239.1.1.1", 32, 2, 2, 3);
	struct static_route b = route(1, NULL, "239.1.1.2", 32, 1, 3);
	struct fake_proto other = { 0 };
	uint32_t pid, cid;

	check_begin("shared interfaces and memberships");
	setup();
	CHECK_EQ(static_route_add(st, &a), 0, "route a");
	CHECK_EQ(static_route_add(st, &b), 0, "route b shares 1 and 3");
	CHECK_EQ(static_route_add(st, &a), -EEXIST, "a again");
	CHECK_EQ(static_route_del(st, &a), 0, "delete a");
	CHECK_EQ(mgm_get_protocol_on_interface(m, 3, 0, &pid, &cid),
		 MGM_NO_ERROR, "3 still owned (b uses it)");
	CHECK_EQ(mgm_get_protocol_on_interface(m, 2, 0, &pid, &cid),
		 MGM_ERROR_NOT_FOUND, "2 released with its last route");
	CHECK_EQ(memberships(), 1, "b's membership remains");
	CHECK_EQ(static_route_del(st, &a), -ENOENT, "delete a twice");

	check_begin("bad routes change nothing");
	{
		struct static_route bad[] = {
			route(1, NULL, "10.0.0.1", 32, 1,
			      2), /* not multicast */
			route(1, NULL, "224.0.0.5", 32, 1, 2), /* link-local */
			route(1, NULL, "239.1.0.0", 16, 1, 2), /* too wide */
			route(1, NULL, "239.1.1.1", 30, 1, 2), /* host bits */
			route(1, "239.9.9.9", "239.1.1.9", 32, 1, 2), /* src */
			route(1, NULL, "239.1.1.9", 32, 1, 1), /* iif = oif */
			route(1, NULL, "239.1.1.9", 32, 2, 2, 2), /* dup */
			route(1, NULL, "239.1.1.9", 32, 0), /* no oif */
		};
		size_t i, n0 = memberships();

		for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
			CHECK_EQ(static_route_add(st, &bad[i]), -EINVAL,
				 "malformed route refused");
		CHECK_EQ(memberships(), n0, "nothing added");
	}
	{
		struct static_route c = route(8, NULL, "239.1.1.2", 32, 1, 2);

		CHECK_EQ(static_route_add(st, &c), -EBUSY,
			 "same traffic from another iif refused");
	}
	/* Another routing protocol owns 9: a route through it fails whole. */
	CHECK_EQ(fake_proto_register(&other, fd, m, "Q", 2000, 1), MGM_NO_ERROR,
		 "register Q");
	CHECK_EQ(mgm_take_interface_ownership(m, other.h, 9, 0), MGM_NO_ERROR,
		 "Q takes 9");
	{
		struct static_route d =
			route(1, NULL, "239.7.7.7", 32, 2, 4, 9);
		size_t n0 = memberships();

		CHECK_EQ(static_route_add(st, &d), -EBUSY, "9 is Q's");
		CHECK_EQ(memberships(), n0, "no membership left behind");
		CHECK_EQ(mgm_get_protocol_on_interface(m, 4, 0, &pid, &cid),
			 MGM_ERROR_NOT_FOUND, "4 given back");
	}
	mgm_release_interface_ownership(m, other.h, 9, 0);
	mgm_deregister_protocol(m, other.h);
	teardown();
}

static void test_shutdown(void)
{
	struct static_route a = route(1, NULL, "239.1.1.1", 32, 2, 2, 3);
	mgm_handle_t h;
	uint32_t pid, cid;

	check_begin("shutdown follows the seed");
	setup();
	CHECK_EQ(static_route_add(st, &a), 0, "route");
	miss(1, "192.0.2.1", "239.1.1.1");
	CHECK(!strcmp(fake_dp_oifs(fd, A("192.0.2.1"), A("239.1.1.1")), "2,3"),
	      "forwarding");
	h = static_handle(st);
	static_destroy(st);
	st = NULL;
	CHECK(!strcmp(fake_dp_oifs(fd, A("192.0.2.1"), A("239.1.1.1")),
		      "absent"),
	      "entry of the released iif deleted");
	CHECK_EQ(mgm_get_protocol_on_interface(m, 1, 0, &pid, &cid),
		 MGM_ERROR_NOT_FOUND, "interfaces released");
	CHECK_EQ(mgm_deregister_protocol(m, h), MGM_ERROR_INVALID_PARAMETER,
		 "handle dead");
	CHECK(fake_log_find(fd, "sync", 0) >= 0, "releases ended with sync");
	mgm_destroy(m);
	fake_dp_free(fd);
}

/* mgm_adopt_mfe: a restarted mgmd rebuilds the entries it finds. */
static void test_adopt(void)
{
	struct static_route a = route(1, NULL, "239.1.1.1", 32, 2, 2, 3);
	struct fake_dp_counts c0, c1;

	check_begin("adopting entries left in the fast path");
	setup();
	CHECK_EQ(static_route_add(st, &a), 0, "route");
	CHECK_EQ(mgm_adopt_mfe(m, A("192.0.2.7"), A("239.1.1.1"), 1),
		 MGM_NO_ERROR, "adopt");
	CHECK(!strcmp(fake_dp_oifs(fd, A("192.0.2.7"), A("239.1.1.1")), "2,3"),
	      "built from the routes");
	fake_dp_counts(fd, &c0);
	CHECK_EQ(mgm_adopt_mfe(m, A("192.0.2.7"), A("239.1.1.1"), 1),
		 MGM_NO_ERROR, "adopt again");
	fake_dp_counts(fd, &c1);
	CHECK_EQ(c1.install - c0.install, 0, "known entry: nothing changes");
	CHECK_EQ(mgm_adopt_mfe(m, A("192.0.2.7"), A("10.1.1.1"), 1),
		 MGM_ERROR_INVALID_PARAMETER, "not a group");
	CHECK_EQ(mgm_adopt_mfe(m, 0, A("239.1.1.1"), 1),
		 MGM_ERROR_INVALID_PARAMETER, "no source");
	teardown();
}

/* mgmctl's take and release of one interface. */
static void test_take_release(void)
{
	struct static_route a = route(1, NULL, "239.1.1.1", 32, 2, 2, 3);
	uint32_t pid, cid;

	check_begin("operator take and release");
	setup();
	CHECK_EQ(static_route_add(st, &a), 0, "route");
	miss(1, "192.0.2.1", "239.1.1.1");
	CHECK_EQ(static_if_release(st, 3), 0, "release oif 3");
	CHECK(!strcmp(fake_dp_oifs(fd, A("192.0.2.1"), A("239.1.1.1")), "2"),
	      "3 left the entry");
	CHECK_EQ(mgm_get_protocol_on_interface(m, 3, 0, &pid, &cid),
		 MGM_ERROR_NOT_FOUND, "3 released in MGM");
	CHECK_EQ(static_if_release(st, 3), -ENOENT, "release twice");
	CHECK_EQ(static_if_take(st, 3), 0, "take it back");
	CHECK(!strcmp(fake_dp_oifs(fd, A("192.0.2.1"), A("239.1.1.1")), "2,3"),
	      "the route's membership is back");
	CHECK_EQ(static_if_take(st, 3), -EEXIST, "take twice");
	CHECK_EQ(static_route_del(st, &a), 0, "delete the route");
	CHECK_EQ(mgm_get_protocol_on_interface(m, 3, 0, &pid, &cid),
		 MGM_NO_ERROR, "the operator's reference keeps 3");
	CHECK_EQ(mgm_get_protocol_on_interface(m, 2, 0, &pid, &cid),
		 MGM_ERROR_NOT_FOUND, "2 went with the route");
	CHECK_EQ(static_if_release(st, 1), -ENOENT, "1 went too");
	teardown();
}

/*
 * A released incoming interface makes its routes inert: their memberships
 * on the other interfaces go with it (else traffic let in there by other
 * means -- mgmd's phyint -- would still reach them), and come back with a
 * take of the iif, on the outgoing interfaces static still owns.
 */
static void test_release_iif(void)
{
	struct static_route a = route(1, NULL, "239.1.1.1", 32, 2, 2, 3);
	struct static_route b = route(4, NULL, "239.4.4.0", 31, 1, 2);

	check_begin("a released iif makes its routes inert");
	setup();
	CHECK_EQ(static_route_add(st, &a), 0, "route a: 1 -> 2 3");
	CHECK_EQ(static_route_add(st, &b), 0, "route b: 4 -> 2 (two groups)");
	CHECK_EQ(memberships(), 4, "2 + 2 memberships");
	miss(1, "192.0.2.1", "239.1.1.1");
	CHECK_EQ(static_if_release(st, 1), 0, "release iif 1");
	CHECK_EQ(memberships(), 2, "a's memberships on 2 and 3 gone");
	CHECK(!strcmp(fake_dp_oifs(fd, A("192.0.2.1"), A("239.1.1.1")),
		      "absent"),
	      "a's entry deleted");
	CHECK_EQ(static_if_release(st, 3), 0, "release oif 3 too");
	CHECK_EQ(memberships(), 2, "b's untouched");
	CHECK_EQ(static_if_take(st, 1), 0, "take iif 1 back");
	CHECK_EQ(memberships(), 3, "a's membership back on 2 only");
	CHECK_EQ(static_if_take(st, 3), 0, "take oif 3 back");
	CHECK_EQ(memberships(), 4, "and on 3");
	miss(1, "192.0.2.1", "239.1.1.1");
	CHECK(!strcmp(fake_dp_oifs(fd, A("192.0.2.1"), A("239.1.1.1")), "2,3"),
	      "a forwards again");
	/* Released oif first, then iif: taking the iif back adds nothing
	 * on the oif static does not own. */
	CHECK_EQ(static_if_release(st, 2), 0, "release oif 2");
	CHECK_EQ(memberships(), 1, "only a's on 3");
	CHECK_EQ(static_if_release(st, 1), 0, "release iif 1");
	CHECK_EQ(memberships(), 0, "none");
	CHECK_EQ(static_if_take(st, 1), 0, "take iif 1");
	CHECK_EQ(memberships(), 1, "a's on 3, none on unowned 2");
	CHECK_EQ(static_if_take(st, 2), 0, "take oif 2");
	CHECK_EQ(memberships(), 4, "a's and b's on 2 back");
	CHECK_EQ(static_route_del(st, &a), 0, "delete a");
	CHECK_EQ(static_route_del(st, &b), 0, "delete b");
	CHECK_EQ(memberships(), 0, "nothing left");
	teardown();
}

static void miss6(uint32_t ifindex, const char *s, const char *g)
{
	struct mgm_addr sa = A6(s), ga = A6(g);

	fake_dp_inject_miss_x(fd, ifindex, &sa, &ga);
	mgm_dispatch(m);
}

static const char *oifs6(const char *s, const char *g)
{
	struct mgm_addr sa = A6(s), ga = A6(g);

	return fake_dp_oifs_x(fd, &sa, &ga);
}

/* IPv6 routes through the same protocol, beside IPv4 ones. */
static void test_ipv6(void)
{
	struct static_route a = route(1, NULL, "ff0e::1:0", 126, 2, 2, 3);
	struct static_route b = route(4, "2001:db8::7", "ff3e::42", 128, 1, 5);
	struct static_route v4 = route(1, NULL, "239.1.1.1", 32, 1, 6);
	struct mgm_addr sa = A6("2001:db8::9"), ga = A6("ff0e::1:3"), any;
	uint32_t iif = 0;

	check_begin("IPv6 static routes");
	setup();
	CHECK_EQ(static_route_add(st, &a), 0, "(*,ff0e::1:0/126)");
	CHECK_EQ(static_route_add(st, &b), 0, "(2001:db8::7,ff3e::42)");
	CHECK_EQ(static_route_add(st, &v4), 0, "an IPv4 route beside");
	CHECK_EQ(memberships(), 4 * 2 + 1 + 1, "a group per prefix address");
	CHECK(static_rpf_x(st, &sa, &ga, &iif) && iif == 1, "RPF: iif 1");
	ga = A6("ff0e::1:4");
	CHECK(!static_rpf_x(st, &sa, &ga, &iif), "outside the prefix");
	/* The same group bytes in IPv4 do not match the IPv6 route. */
	any = mgm_addr4(A("239.1.1.1"));
	CHECK(static_rpf_x(st, &any, &any, &iif) && iif == 1, "IPv4 RPF");
	miss6(1, "2001:db8::9", "ff0e::1:2");
	CHECK_STR(oifs6("2001:db8::9", "ff0e::1:2"), "2,3", "(*,G) entry");
	/* Source-specific: only its source, from its iif. */
	miss6(4, "2001:db8::7", "ff3e::42");
	CHECK_STR(oifs6("2001:db8::7", "ff3e::42"), "5", "(S,G) entry");
	miss6(4, "2001:db8::8", "ff3e::42");
	CHECK_STR(oifs6("2001:db8::8", "ff3e::42"), "negative",
		  "another source: no receivers");
	/* Same traffic from another iif is refused; so are bad routes. */
	{
		struct static_route c = route(7, NULL, "ff0e::1:1", 128, 1, 2);
		struct static_route bad[] = {
			route(1, NULL, "2001:db8::1", 128, 1, 2), /* unicast */
			route(1, NULL, "ff02::1:3", 128, 1, 2), /* link */
			route(1, NULL, "ff01::3", 128, 1, 2), /* interface */
			route(1, NULL, "ff0e::1:0", 112, 1, 2), /* too wide */
			route(1, NULL, "ff0e::1:1", 126, 1, 2), /* host bits */
			route(1, "ff0e::9", "ff0e::1:9", 128, 1, 2), /* src */
			route(1, "::1", "ff0e::1:9", 128, 1, 2), /* loopback */
			route(1, NULL, "ff0e::1:9", 129, 1, 2), /* length */
		};
		size_t i, n0 = memberships();

		CHECK_EQ(static_route_add(st, &c), -EBUSY,
			 "same IPv6 traffic from another iif");
		for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
			CHECK_EQ(static_route_add(st, &bad[i]), -EINVAL,
				 "malformed IPv6 route refused");
		/* Families mixed: an IPv4 source with an IPv6 group. */
		bad[0] = route(1, NULL, "ff0e::1:9", 128, 1, 2);
		bad[0].source = mgm_addr4(A("192.0.2.1"));
		CHECK_EQ(static_route_add(st, &bad[0]), -EINVAL,
			 "mixed families refused");
		CHECK_EQ(memberships(), n0, "nothing added");
	}
	CHECK_EQ(static_route_del(st, &a), 0, "delete the prefix route");
	/* Its receivers went; iif 1 stays owned for the IPv4 route. */
	CHECK_STR(oifs6("2001:db8::9", "ff0e::1:2"), "negative",
		  "its entry forwards nothing");
	CHECK_EQ(memberships(), 2, "b's and the IPv4 route's remain");
	teardown();
}

int main(void)
{
	test_ipv6();
	test_take_release();
	test_release_iif();
	test_adopt();
	test_routes();
	test_refcounts_and_errors();
	test_shutdown();
	return check_summary();
}
