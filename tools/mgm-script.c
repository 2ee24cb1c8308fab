// SPDX-License-Identifier: GPL-2.0
/*
 * mgm-script - run the MGM controller on the real fast path from a script.
 *
 * Reads commands (a file or stdin), one per line, and drives libmgm with
 * scripted protocols: register, take and release interfaces, join and
 * leave groups, run the event loop (which creates MFEs from fast-path
 * misses), deregister.  Every API call and every callback is printed with a
 * CLOCK_MONOTONIC timestamp, so tests can assert the order of events and
 * compare times with the packets they sent.
 *
 * Addresses are of either family (IPv4 or IPv6; a call's source and group
 * of one): protocols register for both (mgm_register_protocol_x) unless
 * told otherwise, memberships go through mgm_*_group_membership_x and
 * callbacks print their addresses with mgm_addr_ntop() -- IPv4 as it
 * always was.
 *
 * A protocol registered with the ID "igmp" behaves as MGM requires of IGMP:
 * it remembers its memberships, stops touching an interface when MGM
 * disables it, and after the enable callback re-adds them -- deferred, from
 * the main loop, never from inside the callback.
 *
 * The real IGMP router (user/proto/igmp.c), and MLD, its IPv6 half, run
 * as their own protocol, named "igmp" in the output, with its socket I/O
 * polled in the same loop: igmp-opts before the first igmp-enable or
 * mld-enable sets its timers.  A script
 * uses either it or a scripted "proto NAME igmp C", not both (one IGMP
 * per MGM instance and component).
 *
 * Commands:
 *   attach IF...                 attach the forwarder
 *   proto NAME ID COMPONENT [ipv4|ipv6]
 *                                register (ID: number or "igmp") for both
 *                                families, or only the one named
 *   take NAME IF | release NAME IF | deregister NAME
 *   join NAME IF GROUP [SOURCE]  JOIN_STATE membership ((*,G) or (S,G)),
 *                                IPv4 or IPv6
 *   leave NAME IF GROUP [SOURCE]
 *   run SECONDS                  dispatch events for that long
 *   wait FILE                    wait until FILE exists (sync with a test)
 *   touch FILE                   create FILE
 *   show                         the MFE table, both families
 *                                (mgm_get_first/next_mfe_x)
 *   stale NAME                   call every handle-taking function with the
 *                                (deregistered) handle, print the results
 *   igmp-opts KEY=VALUE...       rv, qi, qri, lmqi, lmqc, sqi, sqc (times
 *                                in ms), max-groups, max-sources,
 *                                asm-in-ssm (0/1)
 *   igmp-enable IF [v2|v3]       run IGMP (default v3) on IF
 *   igmp-disable IF
 *   mld-enable IF [v1|v2]        run MLD (default v2) on IF
 *   mld-disable IF
 *   igmp-show                    interfaces, groups, sources, timers
 *                                (IGMP's "igmp ...", MLD's "mld ...")
 *   echo TEXT
 */
#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
#include <net/if.h>
#include <poll.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "dp/dp.h"
#include "mgm/mgm.h"
#include "proto/igmp.h"

#define MAX_PROTOS 8
#define MAX_MEMBERS 256

struct member {
	struct mgm_addr source, group;
	uint32_t ifindex;
};

struct proto {
	char name[32];
	mgm_handle_t h;
	bool igmp;
	/* IGMP only: memberships, and interfaces MGM has disabled. */
	struct member members[MAX_MEMBERS];
	int n_members;
	uint32_t disabled[16];
	uint32_t readd[16]; /* enabled again: re-add from the main loop */
	int n_disabled, n_readd;
};

static struct mgm *mgm;
static struct mgm_dp *dp;
static struct proto protos[MAX_PROTOS];
static int n_protos;
static int line_no;
/* The real IGMP, created by the first igmp-enable. */
static struct igmp *igmp;
static struct igmp_sock *isock;
static struct igmp_opts iopts;

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

static void out(const char *fmt, ...)
{
	va_list ap;

	printf("%llu ", (unsigned long long)now_ns());
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
	fflush(stdout);
}

static const char *ifn(uint32_t ifindex, char *buf)
{
	if (!if_indextoname(ifindex, buf))
		snprintf(buf, IF_NAMESIZE, "if%u", ifindex);
	return buf;
}

/* An address in text (buf: MGM_ADDRSTRLEN); none given: 0.0.0.0. */
static const char *ax(const struct mgm_addr *a, char *buf)
{
	static const struct mgm_addr none = { .family = MGM_AF_INET };

	return mgm_addr_ntop(a->family ? a : &none, buf, MGM_ADDRSTRLEN);
}

/* IGMP's introspection: IPv4 in v4, IPv6 in x (family says which). */
static const char *gx(uint16_t family, uint32_t v4, const struct mgm_addr *x,
		      char *buf)
{
	struct mgm_addr a = mgm_addr4(v4);

	return ax(family == MGM_AF_INET6 ? x : &a, buf);
}

/* ---- callbacks: print them; IGMP defers its re-adds --------------- */

static uint32_t cb_rpf(void *ctx, const struct mgm_addr *s,
		       const struct mgm_addr *g, uint32_t *iif, uint32_t *nh,
		       struct mgm_addr *up, uint32_t hs, const uint8_t *hdr,
		       struct mgm_route_info_x *route)
{
	struct proto *p = ctx;
	char a[MGM_ADDRSTRLEN], b[MGM_ADDRSTRLEN], i[IF_NAMESIZE];

	(void)nh, (void)up, (void)hs, (void)hdr, (void)route;
	out("cb %s rpf %s %s iif %s", p->name, ax(s, a), ax(g, b),
	    ifn(*iif, i));
	return 0;
}

static uint32_t cb_creation(void *ctx, const struct mgm_addr *s,
			    const struct mgm_addr *g, uint32_t iif, uint32_t nh,
			    uint32_t n, struct mgm_if_entry *oifs)
{
	struct proto *p = ctx;
	char a[MGM_ADDRSTRLEN], b[MGM_ADDRSTRLEN], i[IF_NAMESIZE];
	char list[256] = "";
	uint32_t k;

	(void)nh;
	for (k = 0; k < n; k++) {
		strncat(list, " ", sizeof(list) - strlen(list) - 1);
		strncat(list, ifn(oifs[k].ifindex, i),
			sizeof(list) - strlen(list) - 1);
	}
	out("cb %s creation %s %s iif %s oifs%s", p->name, ax(s, a), ax(g, b),
	    ifn(iif, i), list);
	return 0;
}

static uint32_t cb_prune(void *ctx, const struct mgm_addr *s,
			 const struct mgm_addr *g, uint32_t ifindex,
			 uint32_t nh, int32_t del, uint32_t *timeout)
{
	struct proto *p = ctx;
	char a[MGM_ADDRSTRLEN], b[MGM_ADDRSTRLEN], i[IF_NAMESIZE];

	(void)nh, (void)timeout;
	out("cb %s prune %s %s if %s member_delete %d", p->name, ax(s, a),
	    ax(g, b), ifn(ifindex, i), del);
	return 0;
}

static uint32_t cb_join(void *ctx, const struct mgm_addr *s,
			const struct mgm_addr *g, int32_t upd)
{
	struct proto *p = ctx;
	char a[MGM_ADDRSTRLEN], b[MGM_ADDRSTRLEN];

	out("cb %s join %s %s member_update %d", p->name, ax(s, a), ax(g, b),
	    upd);
	return 0;
}

static uint32_t cb_wrong_if(void *ctx, const struct mgm_addr *s,
			    const struct mgm_addr *g, uint32_t ifx, uint32_t nh,
			    uint32_t hs, const uint8_t *hdr)
{
	struct proto *p = ctx;
	char a[MGM_ADDRSTRLEN], b[MGM_ADDRSTRLEN], i[IF_NAMESIZE];

	(void)nh, (void)hdr;
	out("cb %s wrong_if %s %s if %s hdr %u", p->name, ax(s, a), ax(g, b),
	    ifn(ifx, i), hs);
	return 0;
}

static uint32_t cb_local(void *ctx, const char *what, const struct mgm_addr *s,
			 const struct mgm_addr *g, uint32_t ifindex)
{
	struct proto *p = ctx;
	char a[MGM_ADDRSTRLEN], b[MGM_ADDRSTRLEN], i[IF_NAMESIZE];

	out("cb %s %s %s %s if %s", p->name, what, ax(s, a), ax(g, b),
	    ifn(ifindex, i));
	return 0;
}

static uint32_t cb_local_join(void *ctx, const struct mgm_addr *s,
			      const struct mgm_addr *g, uint32_t ifindex,
			      uint32_t nh)
{
	(void)nh;
	return cb_local(ctx, "local_join", s, g, ifindex);
}

static uint32_t cb_local_leave(void *ctx, const struct mgm_addr *s,
			       const struct mgm_addr *g, uint32_t ifindex,
			       uint32_t nh)
{
	(void)nh;
	return cb_local(ctx, "local_leave", s, g, ifindex);
}

static void if_list_del(uint32_t *v, int *n, uint32_t ifindex)
{
	int k;

	for (k = 0; k < *n; k++)
		if (v[k] == ifindex)
			v[k--] = v[--*n];
}

static uint32_t cb_disable(void *ctx, uint32_t ifindex, uint32_t nh)
{
	struct proto *p = ctx;
	char i[IF_NAMESIZE];

	(void)nh;
	out("cb %s disable_igmp if %s", p->name, ifn(ifindex, i));
	if (p->n_disabled < 16)
		p->disabled[p->n_disabled++] = ifindex;
	return 0;
}

static uint32_t cb_enable(void *ctx, uint32_t ifindex, uint32_t nh)
{
	struct proto *p = ctx;
	char i[IF_NAMESIZE];

	(void)nh;
	out("cb %s enable_igmp if %s", p->name, ifn(ifindex, i));
	if_list_del(p->disabled, &p->n_disabled, ifindex);
	/* MGM forbids re-adding from here: queue it for the main loop. */
	if (p->n_readd < 16)
		p->readd[p->n_readd++] = ifindex;
	return 0;
}

/* IGMP's deferred re-add of its memberships on enabled interfaces. */
static void igmp_readd(void)
{
	char b[MGM_ADDRSTRLEN], i[IF_NAMESIZE];
	int k, m;

	for (k = 0; k < n_protos; k++) {
		struct proto *p = &protos[k];

		while (p->n_readd) {
			uint32_t ifindex = p->readd[--p->n_readd];

			for (m = 0; m < p->n_members; m++) {
				struct member *mb = &p->members[m];
				uint32_t r;

				if (mb->ifindex != ifindex)
					continue;
				/* When the re-add starts: from here on the
				 * interface may be forwarded to again. */
				out("%s re-add %s if %s begin", p->name,
				    ax(&mb->group, b), ifn(ifindex, i));
				r = mgm_add_group_membership_x(
					mgm, p->h, &mb->source, &mb->group,
					ifindex, 0, MGM_JOIN_STATE_FLAG);
				out("%s re-add %s if %s -> %s", p->name,
				    ax(&mb->group, b), ifn(ifindex, i),
				    mgm_strerror(r));
			}
		}
	}
}

/* ---- the real IGMP ------------------------------------------------- */

static void die(const char *fmt, ...)
	__attribute__((noreturn, format(printf, 1, 2)));
static uint32_t if_arg(const char *name);

static const char *sg_src(const struct mgm_addr *s, char *buf)
{
	return mgm_addr_is_unspec(s) ? "*" : ax(s, buf);
}

static void igmp_event(void *ctx, const struct igmp_event *ev)
{
	static const char *const what[] = {
		[IGMP_EV_MGM_ADD] = "add",
		[IGMP_EV_MGM_DEL] = "delete",
		[IGMP_EV_FWD_ADD] = "fwd-add",
		[IGMP_EV_FWD_DEL] = "fwd-delete",
	};
	char a[MGM_ADDRSTRLEN], b[MGM_ADDRSTRLEN], i[IF_NAMESIZE];
	struct mgm_addr s = mgm_addr4(ev->source), g = mgm_addr4(ev->group),
			q = mgm_addr4(ev->addr);

	(void)ctx;
	if (ev->family == MGM_AF_INET6) {
		s = ev->source_x;
		g = ev->group_x;
		q = ev->addr_x;
	}
	switch (ev->kind) {
	case IGMP_EV_MGM_ADD:
	case IGMP_EV_MGM_DEL:
	case IGMP_EV_FWD_ADD:
	case IGMP_EV_FWD_DEL:
		out("igmp %s%s %s %s if %s -> %s", ev->readd ? "re-" : "",
		    what[ev->kind], sg_src(&s, a), ax(&g, b),
		    ifn(ev->ifindex, i), mgm_strerror(ev->result));
		break;
	case IGMP_EV_DISABLE:
		out("cb igmp disable_igmp if %s", ifn(ev->ifindex, i));
		break;
	case IGMP_EV_ENABLE:
		out("cb igmp enable_igmp if %s", ifn(ev->ifindex, i));
		break;
	case IGMP_EV_BLOCK:
		out("cb igmp creation %s %s block if %s", ax(&s, a), ax(&g, b),
		    ifn(ev->ifindex, i));
		break;
	case IGMP_EV_QUERIER:
		out("igmp querier if %s %s", ifn(ev->ifindex, i), ax(&q, a));
		break;
	case IGMP_EV_NON_QUERIER:
		out("igmp non-querier if %s querier %s", ifn(ev->ifindex, i),
		    ax(&q, a));
		break;
	}
}

static void igmp_log(void *ctx, int level, const char *msg)
{
	(void)ctx, (void)level;
	out("igmp log: %s", msg);
}

/* Due timers and deferred work (the re-add after an enable callback). */
static void igmp_service(void)
{
	if (igmp && igmp_timeout_ms(igmp) == 0)
		igmp_tick(igmp);
}

static void igmp_opt(const char *kv)
{
	const char *eq = strchr(kv, '=');
	size_t kl = eq ? (size_t)(eq - kv) : 0;
	unsigned long v;
	char *end;
	static const struct {
		const char *key;
		size_t off;
	} keys[] = {
		{ "rv", offsetof(struct igmp_opts, robustness) },
		{ "qi", offsetof(struct igmp_opts, query_interval_ms) },
		{ "qri",
		  offsetof(struct igmp_opts, query_response_interval_ms) },
		{ "lmqi",
		  offsetof(struct igmp_opts, last_member_query_interval_ms) },
		{ "lmqc", offsetof(struct igmp_opts, last_member_query_count) },
		{ "sqi",
		  offsetof(struct igmp_opts, startup_query_interval_ms) },
		{ "sqc", offsetof(struct igmp_opts, startup_query_count) },
		{ "max-groups", offsetof(struct igmp_opts, max_groups) },
		{ "max-sources", offsetof(struct igmp_opts, max_sources) },
	};
	size_t k;

	if (!eq)
		die("igmp-opts: '%s' is not KEY=VALUE", kv);
	v = strtoul(eq + 1, &end, 0);
	if (*end || v > UINT32_MAX)
		die("igmp-opts: bad value in '%s'", kv);
	if (kl == 10 && !strncmp(kv, "asm-in-ssm", kl)) {
		iopts.asm_in_ssm_range = v != 0;
		return;
	}
	for (k = 0; k < sizeof(keys) / sizeof(keys[0]); k++) {
		if (strlen(keys[k].key) == kl &&
		    !strncmp(kv, keys[k].key, kl)) {
			*(uint32_t *)((char *)&iopts + keys[k].off) =
				(uint32_t)v;
			return;
		}
	}
	die("igmp-opts: unknown key in '%s'", kv);
}

static void igmp_start(void)
{
	struct igmp_io io;
	int err;

	err = igmp_sock_open(&isock);
	if (err)
		die("igmp sockets: %s", strerror(-err));
	igmp_sock_io(isock, &io);
	iopts.log = igmp_log;
	iopts.event = igmp_event;
	err = igmp_create(mgm, &io, &iopts, &igmp);
	out("register igmp -> %s", err ? strerror(-err) : "NO_ERROR");
	if (err)
		exit(1);
}

/* igmp-enable (IGMP v2|v3, default 3) or mld-enable (MLD v1|v2, 2). */
static void gm_enable_cmd(const char *ifname, const char *ver, bool v6)
{
	const char *name = v6 ? "mld" : "igmp";
	uint32_t ifindex = if_arg(ifname);
	int version = v6 ? 2 : 3, err;

	if (ver && ver[0] == 'v' && ver[1] >= (v6 ? '1' : '2') &&
	    ver[1] <= (v6 ? '2' : '3') && !ver[2])
		version = ver[1] - '0';
	else if (ver)
		die("%s-enable: version '%s' (%s)", name, ver,
		    v6 ? "v1 or v2" : "v2 or v3");
	if (!igmp)
		igmp_start();
	err = v6 ? igmp_sock_add_if6(isock, ifindex) :
		   igmp_sock_add_if(isock, ifindex);
	if (err < 0)
		die("%s socket on %s: %s", name, ifname, strerror(-err));
	err = v6 ? mld_if_enable(igmp, ifindex, version) :
		   igmp_if_enable(igmp, ifindex, version);
	out("%s enable %s v%d -> %s", name, ifname, version,
	    err ? strerror(-err) : "ok");
	if (err && v6)
		igmp_sock_del_if6(isock, ifindex);
	else if (err)
		igmp_sock_del_if(isock, ifindex);
}

static void gm_disable_cmd(const char *ifname, bool v6)
{
	const char *name = v6 ? "mld" : "igmp";
	uint32_t ifindex = if_arg(ifname);
	int err;

	if (!igmp)
		die("%s-disable: IGMP is not running", name);
	err = v6 ? mld_if_disable(igmp, ifindex) :
		   igmp_if_disable(igmp, ifindex);
	if (v6)
		igmp_sock_del_if6(isock, ifindex);
	else
		igmp_sock_del_if(isock, ifindex);
	out("%s disable %s -> %s", name, ifname, err ? strerror(-err) : "ok");
}

static const char *secs(uint32_t ms, char *buf)
{
	snprintf(buf, 16, "%u.%03us", ms / 1000, ms % 1000);
	return buf;
}

static int show_if(void *arg, const struct igmp_if_info *i)
{
	const struct igmp_counters *c = &i->cnt;
	const char *pn = i->family == MGM_AF_INET6 ? "mld" : "igmp";
	char n[IF_NAMESIZE], a[MGM_ADDRSTRLEN], b[MGM_ADDRSTRLEN], t[16];
	uint64_t rejected = c->bad_ip + c->too_short + c->truncated +
			    c->bad_checksum + c->bad_ttl + c->no_router_alert +
			    c->bad_src + c->bad_dest + c->bad_group +
			    c->unknown_type;

	(void)arg;
	out("%s if %s v%d addr %s %s %s groups %u blocked %u%s%s", pn,
	    ifn(i->ifindex, n), i->version,
	    gx(i->family, i->addr, &i->addr_x, a),
	    i->querier ? "querier" : "non-querier",
	    gx(i->family, i->querier_addr, &i->querier_addr_x, b), i->n_groups,
	    i->n_blocked, i->mgm_disabled ? " mgm-disabled" : "",
	    i->readd_pending ? " readd-pending" : "");
	out("%s timers %s %s %s robustness %u qi %ums", pn, n,
	    i->querier ? "next-query" : "other-querier",
	    secs(i->querier ? i->next_query_ms : i->other_querier_ms, t),
	    i->robustness, i->query_interval_ms);
	out("%s counters %s rx %llu queries %llu/%llu/%llu reports "
	    "%llu/%llu/%llu leaves %llu no-ra %llu rejected %llu "
	    "(ttl %llu ra %llu dest %llu csum %llu) ignored %llu "
	    "records %llu tx gq %llu gsq %llu gssq %llu err %llu "
	    "mgm-errors %llu",
	    pn, n, (unsigned long long)c->rx_packets,
	    (unsigned long long)c->rx_query[0],
	    (unsigned long long)c->rx_query[1],
	    (unsigned long long)c->rx_query[2],
	    (unsigned long long)c->rx_report[0],
	    (unsigned long long)c->rx_report[1],
	    (unsigned long long)c->rx_report[2],
	    (unsigned long long)c->rx_leave, (unsigned long long)c->rx_no_ra,
	    (unsigned long long)rejected, (unsigned long long)c->bad_ttl,
	    (unsigned long long)c->no_router_alert,
	    (unsigned long long)c->bad_dest,
	    (unsigned long long)c->bad_checksum,
	    (unsigned long long)(c->ignored_own + c->ignored_version),
	    (unsigned long long)c->rec_processed,
	    (unsigned long long)c->tx_general_query,
	    (unsigned long long)c->tx_group_query,
	    (unsigned long long)c->tx_group_source_query,
	    (unsigned long long)c->tx_errors,
	    (unsigned long long)c->mgm_errors);
	return 0;
}

static int show_group(void *arg, const struct igmp_group_info *gi)
{
	const char *pn = gi->family == MGM_AF_INET6 ? "mld" : "igmp";
	char n[IF_NAMESIZE], a[MGM_ADDRSTRLEN], b[MGM_ADDRSTRLEN], t[16],
		t2[16];
	uint32_t k;

	(void)arg;
	ifn(gi->ifindex, n);
	gx(gi->family, gi->group, &gi->group_x, a);
	out("%s group %s %s %s timer %s compat v%d v1-host %s v2-host %s "
	    "reporter %s mgm %s sources %u",
	    pn, n, a, igmp_mode_str(gi->mode), secs(gi->timer_ms, t),
	    gi->compat, secs(gi->v1_host_ms, t2), secs(gi->v2_host_ms, t),
	    gx(gi->family, gi->last_reporter, &gi->last_reporter_x, b),
	    gi->in_mgm ? "yes" : "no", gi->n_sources);
	for (k = 0; k < gi->n_sources; k++) {
		const struct igmp_source_info *s = &gi->sources[k];

		out("%s source %s %s %s timer %s forwarded %s mgm %s", pn, n, a,
		    gx(gi->family, s->addr, &s->addr_x, b),
		    secs(s->timer_ms, t), s->forwarded ? "yes" : "no",
		    s->in_mgm ? "yes" : "no");
	}
	return 0;
}

static void igmp_show(void)
{
	if (!igmp) {
		out("igmp not running");
		return;
	}
	igmp_foreach_if(igmp, show_if, NULL);
	igmp_foreach_group(igmp, 0, show_group, NULL);
	out("igmp end");
}

/* ---- commands ------------------------------------------------------ */

static void die(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "mgm-script: line %d: ", line_no);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(2);
}

static struct proto *proto_by_name(const char *name)
{
	int k;

	for (k = 0; k < n_protos; k++)
		if (!strcmp(protos[k].name, name))
			return &protos[k];
	die("unknown protocol '%s'", name);
	return NULL;
}

static uint32_t if_arg(const char *name)
{
	uint32_t i = if_nametoindex(name);

	if (!i)
		die("unknown interface '%s'", name);
	return i;
}

/* An IPv4 or IPv6 address. */
static struct mgm_addr addr_arg(const char *s)
{
	struct in6_addr a6;
	struct in_addr a;

	if (inet_pton(AF_INET, s, &a) == 1)
		return mgm_addr4(a.s_addr);
	if (inet_pton(AF_INET6, s, &a6) == 1)
		return mgm_addr6(&a6);
	die("bad address '%s'", s);
}

static void run_for(double secs)
{
	uint64_t end = now_ns() + (uint64_t)(secs * 1e9);
	struct pollfd pfd[1 + 64];
	int fds[64], n, k;

	do {
		int t = mgm_timeout_ms(mgm);
		int ti = igmp ? igmp_timeout_ms(igmp) : -1;
		int64_t left = (int64_t)(end - now_ns()) / 1000000;

		if (ti >= 0 && (t < 0 || ti < t))
			t = ti;
		if (t < 0 || t > left)
			t = left > 0 ? (int)left : 0;
		if (t > 50)
			t = 50;
		pfd[0] = (struct pollfd){ .fd = mgm_fd(mgm), .events = POLLIN };
		n = igmp_sock_fds(isock, fds, 64);
		if (n > 64)
			n = 64;
		for (k = 0; k < n; k++)
			pfd[1 + k] = (struct pollfd){ .fd = fds[k],
						      .events = POLLIN };
		poll(pfd, 1 + n, t);
		for (k = 0; k < n; k++)
			if (pfd[1 + k].revents & POLLIN)
				igmp_sock_input(isock, igmp, pfd[1 + k].fd);
		mgm_dispatch(mgm);
		igmp_service();
		igmp_readd();
	} while (now_ns() < end);
}

static void membership(struct proto *p, bool add, char **argv, int argc)
{
	struct mgm_addr group = addr_arg(argv[1]);
	/* No source: (*,G), the group family's unspecified address. */
	struct mgm_addr source = { .family = group.family };
	uint32_t ifindex = if_arg(argv[0]), r;
	char b[MGM_ADDRSTRLEN], i[IF_NAMESIZE];
	int m;

	if (argc > 2)
		source = addr_arg(argv[2]);
	if (source.family != group.family)
		die("source %s and group %s are of different families", argv[2],
		    argv[1]);
	r = (add ? mgm_add_group_membership_x : mgm_delete_group_membership_x)(
		mgm, p->h, &source, &group, ifindex, 0, MGM_JOIN_STATE_FLAG);
	out("%s %s %s if %s -> %s", p->name, add ? "join" : "leave",
	    ax(&group, b), ifn(ifindex, i), mgm_strerror(r));
	if (!p->igmp || r != MGM_NO_ERROR)
		return;
	/* IGMP remembers its members, to re-add them after an enable. */
	for (m = 0; m < p->n_members; m++)
		if (mgm_addr_eq(&p->members[m].group, &group) &&
		    mgm_addr_eq(&p->members[m].source, &source) &&
		    p->members[m].ifindex == ifindex)
			break;
	if (add && m == p->n_members && m < MAX_MEMBERS)
		p->members[p->n_members++] =
			(struct member){ source, group, ifindex };
	else if (!add && m < p->n_members)
		p->members[m] = p->members[--p->n_members];
}

static void show(void)
{
	uint64_t buf[8192 / 8];
	uint32_t size, n, r, k, off;
	struct mgm_addr last_s = { 0 }, last_g = { 0 };
	bool first = true;
	char a[MGM_ADDRSTRLEN], b[MGM_ADDRSTRLEN], i[IF_NAMESIZE];

	do {
		size = sizeof(buf);
		n = 0;
		r = first ? mgm_get_first_mfe_x(mgm, &size, (uint8_t *)buf,
						&n) :
			    mgm_get_next_mfe_x(mgm, &last_s, &last_g, &size,
					       (uint8_t *)buf, &n);
		first = false;
		for (k = 0, off = 0; k < n; k++) {
			const struct mgm_mfe_x *e =
				(const void *)((uint8_t *)buf + off);
			char list[256] = "";
			uint32_t o;

			for (o = 0; o < e->num_oifs; o++) {
				strncat(list, " ",
					sizeof(list) - strlen(list) - 1);
				strncat(list, ifn(e->oifs[o].out_ifindex, i),
					sizeof(list) - strlen(list) - 1);
			}
			out("mfe %s %s iif %s oifs%s", ax(&e->source, a),
			    ax(&e->group, b), ifn(e->in_ifindex, i),
			    e->num_oifs ? list : " (negative)");
			last_s = e->source;
			last_g = e->group;
			/* Records are padded to 8 bytes. */
			off += (MGM_SIZEOF_MFE_X(e->num_oifs) + 7U) & ~7U;
		}
	} while (r == MGM_ERROR_MORE_DATA);
	out("mfe end %s", mgm_strerror(r));
}

/* Every function that takes a protocol handle, with a stale one. */
static void stale(struct proto *p)
{
	struct mgm_ipmcast_mfe mfe = { 0 };
	mgm_handle_t eh;
	uint32_t r[7];
	int k, bad = 0;

	r[0] = mgm_deregister_protocol(mgm, p->h);
	r[1] = mgm_take_interface_ownership(mgm, p->h, 1, 0);
	r[2] = mgm_release_interface_ownership(mgm, p->h, 1, 0);
	r[3] = mgm_add_group_membership_entry(mgm, p->h, 0, 0,
					      htonl(0xef010101), 0xffffffff, 1,
					      0, MGM_JOIN_STATE_FLAG);
	r[4] = mgm_delete_group_membership_entry(mgm, p->h, 0, 0,
						 htonl(0xef010101), 0xffffffff,
						 1, 0, MGM_JOIN_STATE_FLAG);
	r[5] = mgm_set_mfe(mgm, p->h, &mfe);
	r[6] = mgm_group_enumeration_start(mgm, p->h, MGM_ALL_SOURCES, &eh);
	for (k = 0; k < 7; k++)
		bad += r[k] != MGM_ERROR_INVALID_PARAMETER;
	out("%s stale handle: %d of 7 calls rejected with "
	    "ERROR_INVALID_PARAMETER",
	    p->name, 7 - bad);
}

static void command(char *line)
{
	char *argv[16], *save = NULL, *tok;
	int argc = 0;

	for (tok = strtok_r(line, " \t\n", &save); tok && argc < 16;
	     tok = strtok_r(NULL, " \t\n", &save))
		argv[argc++] = tok;
	if (!argc || argv[0][0] == '#')
		return;

	if (!strcmp(argv[0], "attach")) {
		int k, err;

		for (k = 1; k < argc; k++) {
			err = mgm_dp_attach(dp, if_arg(argv[k]),
					    MGM_DP_XDP_AUTO);
			out("attach %s -> %s", argv[k],
			    err ? strerror(-err) : "ok");
		}
	} else if (!strcmp(argv[0], "proto") && (argc == 4 || argc == 5)) {
		struct proto *p = &protos[n_protos];
		struct mgm_protocol_config_x cfg = {
			.families = MGM_FAMILY_IPV4 | MGM_FAMILY_IPV6,
			.ctx = p,
			.rpf = cb_rpf,
			.creation_alert = cb_creation,
			.prune_alert = cb_prune,
			.join_alert = cb_join,
			.wrong_if = cb_wrong_if,
			.local_join = cb_local_join,
			.local_leave = cb_local_leave,
			.disable_igmp = cb_disable,
			.enable_igmp = cb_enable,
		};
		uint32_t id, r;

		if (n_protos == MAX_PROTOS)
			die("too many protocols");
		if (argc == 5 && !strcmp(argv[4], "ipv4"))
			cfg.families = MGM_FAMILY_IPV4;
		else if (argc == 5 && !strcmp(argv[4], "ipv6"))
			cfg.families = MGM_FAMILY_IPV6;
		else if (argc == 5)
			die("proto: family '%s' (ipv4 or ipv6)", argv[4]);
		snprintf(p->name, sizeof(p->name), "%s", argv[1]);
		p->igmp = !strcmp(argv[2], "igmp");
		id = p->igmp ? MGM_MS_IP_IGMP : strtoul(argv[2], NULL, 0);
		r = mgm_register_protocol_x(mgm, &cfg, id,
					    strtoul(argv[3], NULL, 0), &p->h);
		out("register %s -> %s", p->name, mgm_strerror(r));
		if (r == MGM_NO_ERROR)
			n_protos++;
	} else if (!strcmp(argv[0], "take") && argc == 3) {
		struct proto *p = proto_by_name(argv[1]);
		uint32_t r = mgm_take_interface_ownership(mgm, p->h,
							  if_arg(argv[2]), 0);

		out("%s take %s -> %s", p->name, argv[2], mgm_strerror(r));
		igmp_readd();
		igmp_service();
	} else if (!strcmp(argv[0], "release") && argc == 3) {
		struct proto *p = proto_by_name(argv[1]);
		uint32_t r;

		out("%s release %s begin", p->name, argv[2]);
		r = mgm_release_interface_ownership(mgm, p->h, if_arg(argv[2]),
						    0);
		out("%s release %s -> %s", p->name, argv[2], mgm_strerror(r));
		igmp_readd();
		igmp_service();
	} else if (!strcmp(argv[0], "deregister") && argc == 2) {
		struct proto *p = proto_by_name(argv[1]);

		out("%s deregister -> %s", p->name,
		    mgm_strerror(mgm_deregister_protocol(mgm, p->h)));
	} else if ((!strcmp(argv[0], "join") || !strcmp(argv[0], "leave")) &&
		   argc >= 4) {
		membership(proto_by_name(argv[1]), argv[0][0] == 'j', argv + 2,
			   argc - 2);
	} else if (!strcmp(argv[0], "run") && argc == 2) {
		run_for(atof(argv[1]));
	} else if (!strcmp(argv[0], "wait") && argc == 2) {
		struct stat st;

		while (stat(argv[1], &st))
			run_for(0.02);
	} else if (!strcmp(argv[0], "touch") && argc == 2) {
		FILE *f = fopen(argv[1], "w");

		if (f)
			fclose(f);
	} else if (!strcmp(argv[0], "show")) {
		show();
	} else if (!strcmp(argv[0], "stale") && argc == 2) {
		stale(proto_by_name(argv[1]));
	} else if (!strcmp(argv[0], "igmp-opts") && argc >= 2) {
		int k;

		if (igmp)
			die("igmp-opts must come before the first igmp-enable "
			    "or mld-enable");
		for (k = 1; k < argc; k++)
			igmp_opt(argv[k]);
	} else if ((!strcmp(argv[0], "igmp-enable") ||
		    !strcmp(argv[0], "mld-enable")) &&
		   (argc == 2 || argc == 3)) {
		gm_enable_cmd(argv[1], argc == 3 ? argv[2] : NULL,
			      argv[0][0] == 'm');
	} else if ((!strcmp(argv[0], "igmp-disable") ||
		    !strcmp(argv[0], "mld-disable")) &&
		   argc == 2) {
		gm_disable_cmd(argv[1], argv[0][0] == 'm');
	} else if (!strcmp(argv[0], "igmp-show")) {
		igmp_show();
	} else if (!strcmp(argv[0], "echo")) {
		out("%s", argc > 1 ? argv[1] : "");
	} else {
		die("bad command '%s'", argv[0]);
	}
}

int main(int argc, char **argv)
{
	static const struct option lopts[] = {
		{ "pin-root", required_argument, NULL, 'r' },
		{ "help", no_argument, NULL, 'h' },
		{},
	};
	struct mgm_dp_opts o = { 0 };
	struct mgm_options mo = { 0 };
	char line[512];
	FILE *in = stdin;
	int c, err;

	while ((c = getopt_long(argc, argv, "r:h", lopts, NULL)) != -1) {
		switch (c) {
		case 'r':
			o.pin_root = optarg;
			break;
		case 'h':
			printf("Usage: mgm-script [-r PIN_ROOT] [SCRIPT]\n");
			return 0;
		default:
			return 2;
		}
	}
	if (optind < argc && !(in = fopen(argv[optind], "r"))) {
		perror(argv[optind]);
		return 2;
	}
	err = mgm_dp_open(&o, &dp);
	if (err) {
		fprintf(stderr, "mgm-script: datapath: %s\n", strerror(-err));
		return 1;
	}
	mo.dp_ops = mgm_dp_ops();
	mo.dp = dp;
	err = mgm_create(&mo, &mgm);
	if (err) {
		fprintf(stderr, "mgm-script: mgm_create: %s\n", strerror(-err));
		return 1;
	}
	while (fgets(line, sizeof(line), in)) {
		line_no++;
		command(line);
	}
	if (igmp) {
		/* The seed's shutdown: release every interface, deregister. */
		igmp_destroy(igmp);
		out("igmp shut down");
		igmp_sock_close(isock);
	}
	mgm_destroy(mgm);
	mgm_dp_close(dp);
	return 0;
}
