// SPDX-License-Identifier: GPL-2.0
/*
 * test_cmd_x.c - mgmd's answers to "show mfe" and "show groups" with
 * both address families (user/mgmd/cmd.c, compiled in): IPv6 entries
 * (made by misses on the fake datapath, which takes IPv6 installs, unlike
 * mgmd's XDP path for now) are listed after the IPv4 ones with "family"
 * and their addresses in text; the group and source filters take IPv6;
 * a paged walk crossing from IPv4 to IPv6 lists every entry once, in
 * order, whatever the page size; memberships of both families show their
 * family.  The per-MFE metrics (user/mgmd/metrics.c, compiled in too)
 * label IPv6 entries with their addresses and family; MLD's per-interface
 * rows are mgm_mld_* series of their own, beside IGMP's unchanged ones.
 *
 * cmd.c's other commands are not run: the daemon functions they call are
 * resolved to one that aborts (stub_abort below).
 */
#include <json-c/json.h>

#include "check.h"
#include "fake_dp.h"
#include "fake_igmp_io.h"
#include "mgmd/cmd.c"
#define now_ms metrics_now_ms
#include "mgmd/metrics.c"
#undef now_ms
#include "mgmd/prom.c"

/* ---- mgmd around cmd.c ---------------------------------------------------- */

struct mgmd *mgmd;
static struct mgmd dmn;

void stub_abort(void);
void stub_abort(void)
{
	fprintf(stderr, "a daemon function cmd.c's tested commands never "
			"call was called\n");
	abort();
}

/* What the tested commands do not use: each is stub_abort. */
#define STUB(f) __asm__(".globl " #f "\n.set " #f ", stub_abort")
STUB(config_parse_route);
STUB(config_route_str);
STUB(kmirror_foreach);
STUB(kmirror_get_stats);
STUB(kmirror_table);
STUB(kmirror_table6);
STUB(kmirror_families);
STUB(metrics_render);
STUB(mgm_dp_attach);
STUB(mgm_dp_counters);
STUB(mgm_dp_detach);
STUB(mgm_dp_if_counters);
STUB(mgm_dp_if_probe);
STUB(mgm_dp_if_rx);
STUB(mgm_dp_if_tx);
STUB(mgm_dp_is_attached);
STUB(loop_add);
STUB(loop_del);
STUB(loop_mod);
STUB(loop_add_ticker);
STUB(mgm_dp_now_ns);
STUB(mgm_dp_oset_count);
STUB(mgm_dp_rx_name);
STUB(mgm_dp_tx_name);
STUB(mgmd_igmp_if);
STUB(mgmd_igmp_stop);
STUB(mgmd_igmp_version);
STUB(mgmd_mld_if);
STUB(mgmd_mld_version);
STUB(mgmd_reload);
STUB(remote_foreach);
STUB(remote_shutdown);

uint32_t mgm_dp_mfe_count(struct mgm_dp *dp)
{
	(void)dp;
	return 5; /* the fake's five MFEs */
}

/* The fake counts both families in mgm_dp_mfe_count(). */
uint32_t mgm_dp_mfe6_count(struct mgm_dp *dp)
{
	(void)dp;
	return 0;
}

void log_msg(int level, const char *fmt, ...)
{
	(void)level, (void)fmt;
}

const char *mgmd_ifname(uint32_t ifindex, char *buf)
{
	snprintf(buf, IF_NAMESIZE, "if%u", ifindex);
	return buf;
}

const char *mgmd_protocol_name(uint32_t protocol_id, uint32_t component_id,
			       char *buf, size_t len)
{
	snprintf(buf, len, "p%x/%u", protocol_id, component_id);
	return buf;
}

/* The connection: what the command wrote, in order. */
struct conn {
	bool paged;
	char *out; /* OUTPUT messages joined with '\n' */
	size_t len;
	int n_out;
	int status;
	char err[512];
};

static struct conn cn;

int conn_output(struct conn *c, const char *text)
{
	size_t l = strlen(text);

	c->out = realloc(c->out, c->len + l + 2);
	memcpy(c->out + c->len, text, l);
	c->len += l;
	c->out[c->len++] = '\n';
	c->out[c->len] = '\0';
	c->n_out++;
	return 0;
}

void conn_done(struct conn *c, int status, const char *error)
{
	c->status = status;
	snprintf(c->err, sizeof(c->err), "%s", error ? error : "");
}

bool conn_paged(const struct conn *c)
{
	return c->paged;
}

/* The peer reads at once: every step, then the end. */
void conn_stream(struct conn *c, bool (*step)(struct conn *c, void *st),
		 void (*step_free)(void *st), void *st)
{
	while (!step(c, st))
		;
	step_free(st);
}

/* ---- the test --------------------------------------------------------------- */

static struct fake_dp *fd;
static struct mgm *m;

/* Run "show ..." and return the answer as one JSON array (pages joined). */
static json_object *run(bool paged, int argc, char **argv)
{
	json_object *all = json_object_new_array(), *v;
	char *line, *save = NULL;

	free(cn.out);
	cn = (struct conn){ .paged = paged };
	cmd_run(&cn, argc, argv);
	if (cn.status || !cn.out) {
		if (cn.status && getenv("V"))
			fprintf(stderr, "  (answer: %d %s)\n", cn.status,
				cn.err);
		json_object_put(all);
		return NULL;
	}
	if (!paged) {
		/* One array, split over messages. */
		char *joined = malloc(cn.len + 1);
		size_t k = 0, i;

		for (i = 0; i < cn.len; i++)
			if (cn.out[i] != '\n')
				joined[k++] = cn.out[i];
		joined[k] = '\0';
		json_object_put(all);
		all = json_tokener_parse(joined);
		free(joined);
		return all;
	}
	for (line = strtok_r(cn.out, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save)) {
		size_t i;

		v = json_tokener_parse(line);
		if (!v || !json_object_is_type(v, json_type_array)) {
			json_object_put(v);
			json_object_put(all);
			return NULL;
		}
		for (i = 0; i < json_object_array_length(v); i++)
			json_object_array_add(
				all, json_object_get(
					     json_object_array_get_idx(v, i)));
		json_object_put(v);
	}
	return all;
}

static const char *str(json_object *o, const char *k)
{
	json_object *v;

	return json_object_object_get_ex(o, k, &v) && v ?
		       json_object_get_string(v) :
		       "(none)";
}

static struct mgm_addr S6, G6[3], S4, G4[2];

static uint32_t pass_rpf(void *ctx, const struct mgm_addr *s,
			 const struct mgm_addr *g, uint32_t *iif, uint32_t *nh,
			 struct mgm_addr *up, uint32_t hs, const uint8_t *hdr,
			 struct mgm_route_info_x *route)
{
	(void)ctx, (void)s, (void)g, (void)iif, (void)nh, (void)up, (void)hs;
	(void)hdr, (void)route;
	return MGM_NO_ERROR;
}

static void setup(void)
{
	struct mgm_protocol_config_x c = {
		.families = MGM_FAMILY_IPV4 | MGM_FAMILY_IPV6,
		.rpf = pass_rpf,
	};
	mgm_handle_t h;
	int i;

	fd = fake_dp_new();
	m = fake_mgm_new(fd, 0);
	dmn.m = m;
	dmn.ops = fake_dp_ops;
	dmn.dp = (struct mgm_dp *)fd; /* the ops' context */
	mgmd = &dmn;
	CHECK_ERR(mgm_register_protocol_x(m, &c, 0x40000601U, 1, &h),
		  MGM_NO_ERROR);
	CHECK_ERR(mgm_take_interface_ownership(m, h, 1, 0), MGM_NO_ERROR);
	CHECK_ERR(mgm_take_interface_ownership(m, h, 2, 0), MGM_NO_ERROR);
	/* (*,G) members on 2 for three IPv6 and two IPv4 groups; an
	 * IPv6 (S,G) too */
	for (i = 0; i < 3; i++)
		CHECK_ERR(mgm_add_group_membership_x(
				  m, h,
				  &(struct mgm_addr){ .family = MGM_AF_INET6 },
				  &G6[i], 2, 0, MGM_JOIN_STATE_FLAG),
			  MGM_NO_ERROR);
	for (i = 0; i < 2; i++)
		CHECK_ERR(mgm_add_group_membership_x(
				  m, h,
				  &(struct mgm_addr){ .family = MGM_AF_INET },
				  &G4[i], 2, 0, MGM_JOIN_STATE_FLAG),
			  MGM_NO_ERROR);
	CHECK_ERR(mgm_add_group_membership_x(m, h, &S6, &G6[0], 2, 0,
					     MGM_JOIN_STATE_FLAG),
		  MGM_NO_ERROR);
	fake_dp_add_route_x(fd, &S6, 128, 1, 0, 0);
	fake_dp_add_route(fd, S4.v4, 32, 1, 0, 0);
	for (i = 0; i < 3; i++)
		fake_dp_inject_miss_x(fd, 1, &S6, &G6[i]);
	for (i = 0; i < 2; i++)
		fake_dp_inject_miss_x(fd, 1, &S4, &G4[i]);
	mgm_dispatch(m);
	{
		struct mgm_dp_mfe_counters k = { .packets = 7, .bytes = 700 };

		fake_dp_set_counters_x(fd, &S6, &G6[0], &k);
	}
}

static void test_show_mfe(void)
{
	char *argv[] = { "show", "mfe", NULL, NULL, NULL, NULL };
	json_object *a, *e;
	size_t i;

	check_begin("show mfe");
	a = run(false, 2, argv);
	CHECK(a && json_object_array_length(a) == 5, "five MFEs (%zu)",
	      a ? json_object_array_length(a) : 0);
	if (!a)
		return;
	/* IPv4 first (by group), then IPv6 (by group, network order) */
	{
		static const char *const want[][3] = {
			{ "192.0.2.1", "239.1.1.1", "ipv4" },
			{ "192.0.2.1", "239.2.2.2", "ipv4" },
			{ "2001:db8::1", "ff05::5:5", "ipv6" },
			{ "2001:db8::1", "ff0e::1:1", "ipv6" },
			{ "2001:db8::1", "ff3e::2:2", "ipv6" },
		};

		for (i = 0; i < 5 && i < json_object_array_length(a); i++) {
			e = json_object_array_get_idx(a, i);
			CHECK(!strcmp(str(e, "source"), want[i][0]) &&
				      !strcmp(str(e, "group"), want[i][1]) &&
				      !strcmp(str(e, "family"), want[i][2]),
			      "entry %zu: %s %s %s", i, str(e, "source"),
			      str(e, "group"), str(e, "family"));
		}
	}
	e = json_object_array_get_idx(a, 3);
	CHECK_STR(str(e, "iif"), "if1", "IPv6 entry: iif");
	CHECK_STR(json_object_to_json_string_ext(json_object_object_get(e,
									"oifs"),
						 JSON_C_TO_STRING_PLAIN),
		  "[\"if2\"]", "IPv6 entry: oifs");
	CHECK_STR(str(e, "packets"), "7", "its counters, from the datapath");
	CHECK_STR(str(e, "upstream"), "*", "no upstream: *");
	json_object_put(a);

	/* filters */
	argv[2] = "group";
	argv[3] = "ff0e::1:1";
	a = run(false, 4, argv);
	CHECK(a && json_object_array_length(a) == 1 &&
		      !strcmp(str(json_object_array_get_idx(a, 0), "group"),
			      "ff0e::1:1"),
	      "group filter, IPv6");
	json_object_put(a);
	argv[2] = "source";
	argv[3] = "2001:db8::1";
	a = run(false, 4, argv);
	CHECK(a && json_object_array_length(a) == 3, "source filter, IPv6");
	json_object_put(a);
	argv[2] = "group";
	argv[3] = "239.2.2.2";
	a = run(false, 4, argv);
	CHECK(a && json_object_array_length(a) == 1 &&
		      !strcmp(str(json_object_array_get_idx(a, 0), "family"),
			      "ipv4"),
	      "group filter, IPv4, as before");
	json_object_put(a);
	argv[2] = "group";
	argv[3] = "2001:db8::7";
	a = run(false, 4, argv);
	CHECK(!a && cn.status == 2 && strstr(cn.err, "multicast group"),
	      "a unicast IPv6 group refused: %s", cn.err);
	json_object_put(a);
	argv[2] = "group";
	argv[3] = "ff0e::1:1";
	argv[4] = "source";
	argv[5] = "192.0.2.1";
	a = run(false, 6, argv);
	CHECK(!a && cn.status == 2 && strstr(cn.err, "one family"),
	      "source and group of two families refused: %s", cn.err);
	json_object_put(a);
	argv[2] = "limit";
	argv[3] = "3";
	a = run(false, 4, argv);
	CHECK(a && json_object_array_length(a) == 3 &&
		      !strcmp(str(json_object_array_get_idx(a, 2), "family"),
			      "ipv6"),
	      "limit 3: two IPv4, then one IPv6");
	json_object_put(a);
}

/* Pages: the paged answer is the unpaged one; with pages of one record
 * the cursor (an mgm_addr pair) crosses from IPv4 to IPv6. */
static void test_paged(void)
{
	char *argv[] = { "show", "mfe" }, *p, *save = NULL;
	struct mfe_walk *w;
	json_object *a, *b;
	size_t n = 0;

	check_begin("paged");
	b = run(false, 2, argv);
	a = run(true, 2, argv);
	CHECK(a && b &&
		      !strcmp(json_object_to_json_string(a),
			      json_object_to_json_string(b)),
	      "paged answer equals the unpaged one");
	json_object_put(a);
	/* A walk whose buffer holds one record: one MFE a page. */
	w = calloc(1, sizeof(*w));
	w->cap = (MGM_SIZEOF_MFE_X(1) + 7U) & ~7U;
	w->buf = malloc(w->cap);
	free(cn.out);
	cn = (struct conn){ .paged = true };
	cur = &cn;
	conn_stream(&cn, mfe_step, mfe_walk_free, w);
	cur = NULL;
	CHECK_EQ(cn.n_out, 5, "one-record pages: five");
	for (p = cn.out ? strtok_r(cn.out, "\n", &save) : NULL; p;
	     p = strtok_r(NULL, "\n", &save), n++) {
		json_object *v = json_tokener_parse(p), *e, *r;

		e = v ? json_object_array_get_idx(v, 0) : NULL;
		r = b ? json_object_array_get_idx(b, n) : NULL;
		CHECK(v && json_object_array_length(v) == 1 && e && r &&
			      !strcmp(str(e, "group"), str(r, "group")) &&
			      !strcmp(str(e, "source"), str(r, "source")),
		      "page %zu: %s", n, e ? str(e, "group") : "?");
		json_object_put(v);
	}
	json_object_put(b);
}

static void test_groups(void)
{
	json_object *a = json_object_new_array(), *e;
	size_t i, v6 = 0, v4 = 0, sg = 0;

	check_begin("show groups");
	cur = &cn;
	mgm_foreach_membership(m, add_membership, a);
	cur = NULL;
	for (i = 0; i < json_object_array_length(a); i++) {
		e = json_object_array_get_idx(a, i);
		if (!strcmp(str(e, "family"), "ipv6")) {
			v6++;
			CHECK(!strncmp(str(e, "group"), "ff", 2),
			      "IPv6 group in text: %s", str(e, "group"));
			sg += !strcmp(str(e, "source"), "2001:db8::1");
		} else if (!strcmp(str(e, "family"), "ipv4")) {
			v4++;
			CHECK(!strcmp(str(e, "source"), "*") &&
				      !strncmp(str(e, "group"), "239.", 4),
			      "IPv4 (*,G): %s %s", str(e, "source"),
			      str(e, "group"));
		}
		CHECK_STR(str(e, "interface"), "if2", "interface");
	}
	CHECK_EQ(v6, 4, "IPv6 memberships");
	CHECK_EQ(v4, 2, "IPv4 memberships");
	CHECK_EQ(sg, 1, "the IPv6 (S,G), source in text");
	json_object_put(a);
}

/* metrics: the per-MFE series of both families */
static void test_metrics(void)
{
	struct pbuf b = { .max = 1 << 20 };

	check_begin("metrics");
	dmn.cfg.metrics.mfe_limit = 10;
	mfes(&dmn, &b);
	pb_add(&b, "", 1);
	CHECK(b.p && strstr(b.p, "mgm_mfe_packets_total{source=\"2001:db8::1\","
				 "group=\"ff0e::1:1\",family=\"ipv6\"} 7\n"),
	      "IPv6 series with its labels and the datapath's count");
	CHECK(b.p && strstr(b.p, "mgm_mfe_bytes_total{source=\"192.0.2.1\","
				 "group=\"239.1.1.1\",family=\"ipv4\"} 0\n"),
	      "IPv4 series with family ipv4");
	CHECK(b.p && strstr(b.p, "mgm_mfe_series_omitted 0\n"),
	      "all five listed");
	/* IPv4 first: limit 2 leaves the IPv6 entries out */
	pb_free(&b);
	b = (struct pbuf){ .max = 1 << 20 };
	dmn.cfg.metrics.mfe_limit = 2;
	mfes(&dmn, &b);
	pb_add(&b, "", 1);
	CHECK(b.p && !strstr(b.p, "ipv6") && strstr(b.p, "239.2.2.2") &&
		      strstr(b.p, "mgm_mfe_series_omitted 3\n"),
	      "limit 2: the two IPv4 entries, three omitted");
	if (getenv("V") && b.p)
		fputs(b.p, stderr);
	pb_free(&b);
}

/* Whether the rendered text has the line (a whole one). */
static bool has_line(const char *text, const char *line)
{
	size_t l = strlen(line);
	const char *p = text;

	while (p && (p = strstr(p, line))) {
		if ((p == text || p[-1] == '\n') && p[l] == '\n')
			return true;
		p += l;
	}
	return false;
}

/*
 * metrics: IGMP on if1, MLD on if1 (v1) and if2 (v2), with real messages
 * through the router's input: MLD's rows are mgm_mld_* with MLD's
 * versions, IGMP's keep their names and labels (no family label, no MLD
 * interface among them).
 */
static void test_metrics_gm(void)
{
	struct pbuf b = { .max = 1 << 20 };
	struct fake_igmp fi;
	const char *t;

	check_begin("metrics: IGMP and MLD per interface");
	CHECK_EQ(fi_init(&fi, NULL), 0, "fake IGMP");
	dmn.igmp = fi.g;
	CHECK_EQ(mld_if_enable(fi.g, 2, 2), 0, "MLDv2 on if2");
	igmp(&dmn, &b);
	pb_add(&b, "", 1);
	CHECK(b.p && !strstr(b.p, "mgm_igmp_") &&
		      has_line(b.p, "mgm_mld_groups{interface=\"if2\"} 0"),
	      "MLD alone: its series, none of IGMP's");
	pb_free(&b);
	b = (struct pbuf){ .max = 1 << 20 };

	CHECK_EQ(igmp_if_enable(fi.g, 1, 3), 0, "IGMPv3 on if1");
	CHECK_EQ(mld_if_enable(fi.g, 1, 1), 0, "MLDv1 on if1");
	fi_send_v3(&fi, 1, htonl(0x0a000105), 2, htonl(0xef010101), "");
	fi_mld_v2(&fi, 2, "fe80::aa", 2, "ff0e::1:1", "");
	fi_mld_v2(&fi, 2, "fe80::aa", 1, "ff3e::2:2", "2001:db8::1");
	fi_mld_v1(&fi, 1, "fe80::bb", 131, "ff0e::3:3");
	fi_mld_v2(&fi, 2, "2001:db8::9", 2, "ff0e::4:4", "");
	fi_settle(&fi);
	igmp(&dmn, &b);
	pb_add(&b, "", 1);
	t = b.p ? b.p : "";
	CHECK(has_line(t, "mgm_igmp_groups{interface=\"if1\"} 1") &&
		      !strstr(t, "mgm_igmp_groups{interface=\"if2\"}"),
	      "IGMP: its one group on if1, no row for MLD's if2");
	CHECK(has_line(t, "mgm_igmp_rx_reports_total{interface=\"if1\","
			  "version=\"3\"} 1"),
	      "IGMP's report by version, labels unchanged");
	CHECK(!strstr(t, "family="), "no family label");
	CHECK(has_line(t, "mgm_mld_groups{interface=\"if1\"} 1") &&
		      has_line(t, "mgm_mld_groups{interface=\"if2\"} 2"),
	      "MLD's groups per interface");
	CHECK(has_line(t, "mgm_mld_rx_reports_total{interface=\"if2\","
			  "version=\"2\"} 2") &&
		      has_line(t, "mgm_mld_rx_reports_total{interface=\"if1\","
				  "version=\"1\"} 1") &&
		      has_line(t, "mgm_mld_rx_reports_total{interface=\"if1\","
				  "version=\"2\"} 0"),
	      "MLD's reports by MLD version");
	CHECK(!strstr(t, "mgm_mld_rx_reports_total{interface=\"if1\","
			 "version=\"3\"}"),
	      "no MLDv3");
	CHECK(has_line(t, "mgm_mld_rx_bad_source_total{interface=\"if2\"} 1"),
	      "the non-link-local source rejected and counted");
	CHECK(has_line(t, "mgm_mld_rx_packets_total{interface=\"if2\"} 3") &&
		      has_line(t,
			       "mgm_igmp_rx_packets_total{interface=\"if1\"} "
			       "1"),
	      "packets per family");
	CHECK(has_line(t, "mgm_mld_tx_general_queries_total{interface=\"if2\"} "
			  "1") &&
		      has_line(t, "mgm_mld_querier{interface=\"if2\"} 1"),
	      "MLD's start-up query and querier state");
	CHECK(!strstr(t, "mgm_igmp_rx_bad_source") &&
		      !strstr(t, "mgm_mld_rx_no_router_alert_accepted"),
	      "one family's counters only in its series");
	CHECK(strstr(t, "# TYPE mgm_mld_groups gauge\n") &&
		      strstr(t, "# TYPE mgm_mld_rx_packets_total counter\n"),
	      "types");
	if (getenv("V"))
		fputs(t, stderr);
	pb_free(&b);
	dmn.igmp = NULL;
	fi_fini(&fi);
}

int main(void)
{
	S6 = A6("2001:db8::1");
	G6[0] = A6("ff0e::1:1");
	G6[1] = A6("ff3e::2:2");
	G6[2] = A6("ff05::5:5");
	S4 = mgm_addr4(A("192.0.2.1"));
	G4[0] = mgm_addr4(A("239.1.1.1"));
	G4[1] = mgm_addr4(A("239.2.2.2"));
	setup();
	test_show_mfe();
	test_paged();
	test_groups();
	test_metrics();
	test_metrics_gm();
	free(cn.out);
	mgm_destroy(m);
	CHECK_EQ(fake_errors(fd), 0, "MGM logged no errors");
	fake_dp_free(fd);
	return check_summary();
}
