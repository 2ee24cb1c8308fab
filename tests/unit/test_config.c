// SPDX-License-Identifier: GPL-2.0
/*
 * test_config.c - mgmd's configuration as applied to the interfaces that
 * are there: config_resolve(), config_route_resolve() and config_dup()
 * (user/mgmd/config.c, compiled in) against a fake interface table, so
 * that interfaces can come, go, come back with another ifindex, or leave
 * their number to a stranger, without root and on any machine.
 *
 * if_nametoindex() is the test's own (the table below): config.c asks
 * the kernel through it only.
 */
#include <errno.h>
#include <net/if.h>
#include <stdio.h>
#include <string.h>

#include "check.h"
#include "mgmd/config.c"

/* ---- the fake kernel: names and their ifindexes -------------------------- */

static struct {
	char name[IF_NAMESIZE];
	unsigned int ifindex;
} ifs[8];
static int n_ifs;

static void if_set(const char *name, unsigned int ifindex)
{
	int i;

	for (i = 0; i < n_ifs; i++)
		if (!strcmp(ifs[i].name, name))
			break;
	if (!ifindex) { /* deleted */
		if (i < n_ifs)
			ifs[i] = ifs[--n_ifs];
		return;
	}
	if (i == n_ifs)
		n_ifs++;
	snprintf(ifs[i].name, IF_NAMESIZE, "%s", name);
	ifs[i].ifindex = ifindex;
}

unsigned int if_nametoindex(const char *name)
{
	int i;

	for (i = 0; i < n_ifs; i++)
		if (!strcmp(ifs[i].name, name))
			return ifs[i].ifindex;
	return 0;
}

/* main.c's, on the fake table. */
const char *mgmd_ifname(uint32_t ifindex, char *buf)
{
	int i;

	for (i = 0; i < n_ifs; i++)
		if (ifs[i].ifindex == ifindex)
			return strcpy(buf, ifs[i].name);
	snprintf(buf, IF_NAMESIZE, "if%u", ifindex);
	return buf;
}

/* ---- helpers --------------------------------------------------------------- */

static const char conf_text[] =
	"# interfaces come and go\n" /* 1 */
	"phyint ra igmp v2\n" /* 2 */
	"phyint nosuch0\n" /* 3 */
	"mroute from ra group 239.1.1.1 to rb nosuch1 rc\n" /* 4 */
	"mroute from nosuch2 group 239.2.2.2 to ra\n" /* 5 */
	"mroute from ra group 239.3.3.3 to nosuch3\n" /* 6 */
	"mroute from rb source 192.0.2.1 group 239.4.4.4 to rc\n"; /* 7 */

static void load(struct config *t)
{
	char err[256] = "";
	int ret;

	memset(t, 0, sizeof(*t));
	ret = config_parse("/etc/test.conf", conf_text, t, err, sizeof(err));
	CHECK(ret == 0, "parse: %d %s", ret, err);
	CHECK_EQ(t->n_phy, 2, "phyints parsed, absent ones too");
	CHECK_EQ(t->n_routes, 4, "routes parsed, absent interfaces too");
}

static const struct cfg_route *route_of(const struct config *c, int line)
{
	size_t i;

	for (i = 0; i < c->n_routes; i++)
		if (c->routes[i].line == line)
			return &c->routes[i];
	return NULL;
}

static const struct cfg_phyint *phy_of(const struct config *c, const char *name)
{
	size_t i;

	for (i = 0; i < c->n_phy; i++)
		if (!strcmp(c->phy[i].name, name))
			return &c->phy[i];
	return NULL;
}

/*
 * What mgmd says about the template's interfaces that the resolved
 * configuration left out: "FILE:LINE: NAME" for each, from the
 * template's own records (the reporting in main.c reads the same).
 */
static void absent_report(const struct config *t, char *buf, size_t len)
{
	size_t i, n = 0;
	uint32_t k;

	buf[0] = '\0';
	for (i = 0; i < t->n_phy; i++)
		if (!if_nametoindex(t->phy[i].name))
			n += snprintf(buf + n, len - n, "%s:%d: %s;", t->path,
				      t->phy[i].line, t->phy[i].name);
	for (i = 0; i < t->n_routes; i++) {
		const struct cfg_route *r = &t->routes[i];

		if (!if_nametoindex(r->iif_name))
			n += snprintf(buf + n, len - n, "%s:%d: %s;", t->path,
				      r->line, r->iif_name);
		for (k = 0; k < r->r.n_oifs; k++)
			if (!if_nametoindex(r->oif_name[k]))
				n += snprintf(buf + n, len - n, "%s:%d: %s;",
					      t->path, r->line, r->oif_name[k]);
	}
}

/* ---- the cases ------------------------------------------------------------- */

static void test_resolve(void)
{
	const struct cfg_route *r;
	const struct cfg_phyint *p;
	struct config t, c;
	char text[256], rep[512];

	check_begin("resolve: names to ifindexes, absent ones left out");
	n_ifs = 0;
	if_set("ra", 10);
	if_set("rb", 11);
	if_set("rc", 12);
	load(&t);
	CHECK_EQ(config_resolve(&t, &c, 0), 0, "config_resolve");
	CHECK(!strcmp(c.path, "/etc/test.conf"), "path kept: %s", c.path);
	CHECK_EQ(c.n_phy, 1, "one phyint present");
	p = phy_of(&c, "ra");
	CHECK(p && p->ifindex == 10 && p->igmp == 2 && p->line == 2,
	      "phyint ra: ifindex 10, igmp v2, line 2");
	CHECK(!phy_of(&c, "nosuch0"), "absent phyint left out");
	CHECK_EQ(c.n_routes, 2, "two routes can forward");
	r = route_of(&c, 4);
	CHECK(r && r->r.iif == 10 && r->r.n_oifs == 2 && r->r.oifs[0] == 11 &&
		      r->r.oifs[1] == 12,
	      "line 4: ra -> rb rc, the absent oif left out");
	CHECK(r && !strcmp(r->oif_name[0], "rb") &&
		      !strcmp(r->oif_name[1], "rc"),
	      "line 4: the oif names follow their ifindexes");
	if (r) {
		config_route_str(&r->r, text, sizeof(text));
		CHECK(!strcmp(text, "from ra group 239.1.1.1 to rb rc"),
		      "route text: %s", text);
	}
	CHECK(!route_of(&c, 5), "line 5 (its iif absent) left out");
	CHECK(!route_of(&c, 6), "line 6 (every oif absent) left out");
	r = route_of(&c, 7);
	CHECK(r && r->r.iif == 11 && r->r.n_oifs == 1 && r->r.oifs[0] == 12,
	      "line 7: rb -> rc (S,G)");
	/* The template is untouched: it still names every interface. */
	CHECK_EQ(t.routes[0].r.n_oifs, 3, "template keeps its 3 oifs");
	CHECK_EQ(t.routes[0].r.iif, 0, "template has no ifindexes");
	CHECK(!strcmp(t.routes[0].oif_name[1], "nosuch1"),
	      "template keeps the absent name");
	absent_report(&t, rep, sizeof(rep));
	CHECK(!strcmp(rep, "/etc/test.conf:3: nosuch0;"
			   "/etc/test.conf:4: nosuch1;"
			   "/etc/test.conf:5: nosuch2;"
			   "/etc/test.conf:6: nosuch3;"),
	      "absent interfaces by file:line: %s", rep);
	config_free(&c);

	check_begin("resolve: an interface that appears later is used");
	if_set("nosuch3", 13);
	CHECK_EQ(config_resolve(&t, &c, 0), 0, "config_resolve");
	r = route_of(&c, 6);
	CHECK(r && r->r.iif == 10 && r->r.n_oifs == 1 && r->r.oifs[0] == 13,
	      "line 6 forwards once its oif is there");
	config_free(&c);

	check_begin("resolve: a re-created interface gets its new ifindex");
	if_set("rb", 0);
	CHECK_EQ(config_resolve(&t, &c, 0), 0, "config_resolve");
	r = route_of(&c, 4);
	CHECK(r && r->r.n_oifs == 1 && r->r.oifs[0] == 12,
	      "rb deleted: line 4 forwards to rc only");
	CHECK(!route_of(&c, 7), "rb deleted: line 7 (its iif) left out");
	config_free(&c);
	if_set("rb", 21);
	CHECK_EQ(config_resolve(&t, &c, 0), 0, "config_resolve");
	r = route_of(&c, 4);
	CHECK(r && r->r.n_oifs == 2 && r->r.oifs[0] == 21,
	      "rb back as ifindex 21: line 4 uses 21");
	r = route_of(&c, 7);
	CHECK(r && r->r.iif == 21, "rb back: line 7's iif is 21");
	config_free(&c);
	config_free(&t);
}

static void test_gone(void)
{
	const struct cfg_route *r;
	struct cfg_route one;
	struct config t, c;

	check_begin("gone: a masked ifindex counts as absent");
	n_ifs = 0;
	if_set("ra", 10);
	if_set("rb", 11);
	if_set("rc", 12);
	load(&t);
	/* rb is being deleted: the kernel may still answer 11 for it. */
	CHECK_EQ(config_resolve(&t, &c, 11), 0, "config_resolve gone 11");
	r = route_of(&c, 4);
	CHECK(r && r->r.n_oifs == 1 && r->r.oifs[0] == 12,
	      "line 4 without the gone ifindex");
	CHECK(!route_of(&c, 7), "line 7 (iif gone) left out");
	CHECK(c.n_phy == 1 && c.phy[0].ifindex == 10, "phyint ra kept");
	config_free(&c);

	CHECK_EQ(config_resolve(&t, &c, 10), 0, "config_resolve gone 10");
	CHECK_EQ(c.n_phy, 0, "the gone phyint left out");
	CHECK(!route_of(&c, 4), "routes from the gone iif left out");
	r = route_of(&c, 7);
	CHECK(r && r->r.iif == 11, "a route not using it stays");
	config_free(&c);

	CHECK(config_route_resolve(&t.routes[0], &one, 0),
	      "config_route_resolve: line 4 can forward");
	CHECK_EQ(one.r.n_oifs, 2, "line 4: 2 oifs present");
	CHECK(!config_route_resolve(&t.routes[3], &one, 12),
	      "line 7 with its only oif gone cannot forward");
	CHECK_EQ(one.r.n_oifs, 0, "... and lists no oif");
	CHECK(!config_route_resolve(&t.routes[3], &one, 11),
	      "line 7 with its iif gone cannot forward");
	CHECK_EQ(one.r.iif, 0, "... and has no iif");

	check_begin("gone: a stranger with the old ifindex gets nothing");
	/* rb deleted, a device zz created with its number, 11. */
	if_set("rb", 0);
	if_set("zz", 11);
	CHECK_EQ(config_resolve(&t, &c, 0), 0, "config_resolve");
	r = route_of(&c, 4);
	CHECK(r && r->r.n_oifs == 1 && r->r.oifs[0] == 12,
	      "line 4 does not send to 11 (zz)");
	CHECK(!route_of(&c, 7), "line 7 does not take zz (11) as its iif");
	config_free(&c);
	/* A new rb with the same number: gone says it is not the old one
	 * yet (the event of the old one is being handled). */
	if_set("zz", 0);
	if_set("rb", 11);
	CHECK_EQ(config_resolve(&t, &c, 11), 0, "config_resolve gone 11");
	CHECK(!route_of(&c, 7), "same name, same number, still gone");
	config_free(&c);
	config_free(&t);
}

static void test_dup(void)
{
	struct config t, c, d, e;

	check_begin("dup: independent copies");
	n_ifs = 0;
	if_set("ra", 10);
	if_set("rb", 11);
	if_set("rc", 12);
	load(&t);
	CHECK_EQ(config_resolve(&t, &c, 0), 0, "config_resolve");
	CHECK_EQ(config_dup(&c, &d), 0, "config_dup");
	CHECK(d.phy != c.phy && d.routes != c.routes, "own arrays");
	CHECK(d.n_phy == c.n_phy && d.n_routes == c.n_routes, "same counts");
	CHECK(!memcmp(d.phy, c.phy, c.n_phy * sizeof(*c.phy)) &&
		      !memcmp(d.routes, c.routes,
			      c.n_routes * sizeof(*c.routes)),
	      "same contents");
	CHECK(!strcmp(d.path, c.path), "same path");
	/* Changing one leaves the other alone. */
	d.phy[0].ifindex = 99;
	d.routes[0].r.oifs[0] = 99;
	CHECK(c.phy[0].ifindex == 10 && c.routes[0].r.oifs[0] == 11,
	      "the original unchanged by the copy's changes");
	/* Freeing one leaves the other usable (ASan would see it). */
	config_free(&c);
	CHECK(c.phy == NULL && c.routes == NULL && !c.n_phy && !c.n_routes,
	      "freed: emptied");
	CHECK(d.n_routes == 2 && d.routes[1].r.iif == 11 &&
		      !strcmp(d.routes[1].oif_name[0], "rc"),
	      "the copy survives the original");
	CHECK_EQ(config_dup(&d, &e), 0, "dup of a dup");
	config_free(&d);
	CHECK(e.n_phy == 1 && e.phy[0].ifindex == 99, "second copy intact");
	config_free(&e);
	config_free(&e); /* twice: harmless */

	check_begin("dup: an empty configuration");
	memset(&c, 0, sizeof(c));
	CHECK_EQ(config_dup(&c, &d), 0, "config_dup of nothing");
	CHECK(d.n_phy == 0 && d.n_routes == 0, "empty copy");
	config_free(&d);
	/* The template itself can be copied, names and all. */
	CHECK_EQ(config_dup(&t, &d), 0, "config_dup of the template");
	config_free(&t);
	CHECK(d.n_routes == 4 && !strcmp(d.routes[1].iif_name, "nosuch2"),
	      "the template's copy keeps its names");
	config_free(&d);
}

static void test_errors(void)
{
	struct cfg_route r;
	struct config t;
	char err[256] = "";
	char *w[] = { "from", "ra", "group", "239.1.1.1", "to", "nosuch9" };
	char *w2[] = { "from", "ra", "group", "239.1.1.1", "to", "rb" };
	int ret;

	check_begin("errors: file:line, nothing taken");
	n_ifs = 0;
	if_set("ra", 10);
	if_set("rb", 11);
	memset(&t, 0, sizeof(t));
	ret = config_parse(
		"/etc/test.conf",
		"phyint ra\n\nmroute from ra group 239.1.1.1 to ra\n", &t, err,
		sizeof(err));
	CHECK(ret < 0, "a route to its own iif refused");
	CHECK(strstr(err, "/etc/test.conf:3:") != NULL,
	      "error names file:line: %s", err);
	CHECK(t.n_phy == 0 && t.n_routes == 0 && !t.phy && !t.routes,
	      "a refused file leaves nothing");
	/* mgmctl's routes: every interface must be there now. */
	memset(&r, 0, sizeof(r));
	ret = config_parse_route(w, 6, &r, err, sizeof(err));
	CHECK(ret < 0 && strstr(err, "nosuch9"), "absent oif refused: %s", err);
	ret = config_parse_route(w2, 6, &r, err, sizeof(err));
	CHECK(ret == 0 && r.r.iif == 10 && r.r.n_oifs == 1 &&
		      r.r.oifs[0] == 11 && !strcmp(r.iif_name, "ra"),
	      "a route by hand comes resolved, with its names");
}

/* phyint ... mld [v1|v2]; the igmp settings serve MLD too. */
static void test_mld(void)
{
	static const struct {
		const char *text;
		int line;
		const char *what;
	} bad[] = {
		{ "phyint ra\nphyint rb mld v3\n", 2, "v1 or v2" },
		{ "phyint ra mld vx igmp\n", 1, "v1 or v2" },
		{ "\n\n\nmld query-interval 30\n", 4, "igmp settings" },
		{ "phyint ra mld\nmld robustness 3\n", 2, "igmp robustness" },
		{ "mld\n", 1, "igmp SETTING" },
		{ "phyint ra mld v2 mldv1\n", 1, "unknown phyint option" },
	};
	const struct cfg_phyint *p;
	struct config t;
	char err[256];
	char want[64];
	size_t i;
	int ret;

	check_begin("mld: phyint versions, line-numbered errors");
	n_ifs = 0;
	if_set("ra", 10);
	if_set("rb", 11);
	if_set("rc", 12);
	memset(&t, 0, sizeof(t));
	ret = config_parse("/etc/test.conf",
			   "phyint ra mld\n"
			   "phyint rb igmp v2 mld v1\n"
			   "phyint rc mld v2 igmp\n"
			   "igmp query-interval 30\n",
			   &t, err, sizeof(err));
	CHECK(ret == 0, "parse: %d %s", ret, err);
	p = phy_of(&t, "ra");
	CHECK(p && p->mld == 2 && p->igmp == 0, "mld alone: MLDv2");
	p = phy_of(&t, "rb");
	CHECK(p && p->mld == 1 && p->igmp == 2, "igmp v2 mld v1");
	p = phy_of(&t, "rc");
	CHECK(p && p->mld == 2 && p->igmp == 3, "mld v2 igmp: both");
	CHECK_EQ(t.igmp.query_interval_ms, 30000, "one set of timers");
	config_free(&t);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		memset(&t, 0, sizeof(t));
		err[0] = 0;
		ret = config_parse("/etc/test.conf", bad[i].text, &t, err,
				   sizeof(err));
		snprintf(want, sizeof(want), "/etc/test.conf:%d:", bad[i].line);
		CHECK(ret < 0 && strstr(err, want) && strstr(err, bad[i].what),
		      "'%s' refused at line %d: %s", bad[i].text, bad[i].line,
		      err);
		CHECK(t.n_phy == 0 && !t.phy, "nothing taken");
	}
}

/* IPv6 routes: parsed, printed back, and every mistake named by line. */
static void test_ipv6(void)
{
	static const struct {
		const char *line, *err;
	} bad[] = {
		{ "mroute from ra group ff02::1:3 to rb", "scope 2" },
		{ "mroute from ra group ff01::3 to rb", "scope 1" },
		{ "mroute from ra group 2001:db8::1 to rb",
		  "not a multicast group" },
		{ "mroute from ra group ff0e::1:0/112 to rb", "too wide" },
		{ "mroute from ra group ff0e::1:1/126 to rb", "host bits" },
		{ "mroute from ra group ff0e::1/129 to rb", "prefix length" },
		{ "mroute from ra source ff0e::9 group ff0e::1 to rb",
		  "not a unicast" },
		{ "mroute from ra source 192.0.2.1 group ff0e::1 to rb",
		  "not of one family" },
		{ "mroute from ra source 2001:db8::1 group 239.1.1.1 to rb",
		  "not of one family" },
		{ "mroute from ra source 2001:db8:::1 group ff0e::1 to rb",
		  "IPv4 or IPv6 address" },
	};
	struct config t, c;
	char err[256] = "", text[512], buf[256];
	size_t i;

	check_begin("IPv6 routes");
	n_ifs = 0;
	if_set("ra", 10);
	if_set("rb", 11);
	memset(&t, 0, sizeof(t));
	CHECK_EQ(
		config_parse("/etc/test.conf",
			     "phyint ra\n"
			     "mroute from ra group ff0e::1:0/126 to rb\n"
			     "mroute from rb source 2001:db8::7 group ff3e::42 "
			     "to ra\n"
			     "mroute from ra group 239.1.1.1 to rb\n",
			     &t, err, sizeof(err)),
		0, "parse");
	CHECK_EQ(t.n_routes, 3, "three routes");
	CHECK_EQ(config_resolve(&t, &c, 0), 0, "resolve");
	CHECK(c.n_routes == 3 && c.routes[0].r.group.family == MGM_AF_INET6 &&
		      c.routes[0].r.source.family == MGM_AF_INET6 &&
		      mgm_addr_is_unspec(&c.routes[0].r.source) &&
		      c.routes[0].r.prefix_len == 126,
	      "(*,G/126) of IPv6, any source of its family");
	config_route_str(&c.routes[0].r, text, sizeof(text));
	CHECK_STR(text, "from ra group ff0e::1:0/126 to rb", "text back");
	config_route_str(&c.routes[1].r, text, sizeof(text));
	CHECK_STR(text, "from rb source 2001:db8::7 group ff3e::42 to ra",
		  "(S,G) text back");
	config_route_str(&c.routes[2].r, text, sizeof(text));
	CHECK_STR(text, "from ra group 239.1.1.1 to rb", "IPv4 unchanged");
	config_free(&c);
	config_free(&t);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		memset(&t, 0, sizeof(t));
		snprintf(buf, sizeof(buf), "phyint ra\n%s\n", bad[i].line);
		CHECK(config_parse("/etc/test.conf", buf, &t, err,
				   sizeof(err)) < 0 &&
			      strstr(err, "/etc/test.conf:2:") &&
			      strstr(err, bad[i].err),
		      "%s: refused on line 2 with '%s': %s", bad[i].line,
		      bad[i].err, err);
		CHECK(!t.n_routes && !t.n_phy, "nothing taken");
	}
}

int main(void)
{
	test_ipv6();
	test_resolve();
	test_gone();
	test_dup();
	test_errors();
	test_mld();
	return check_summary();
}
