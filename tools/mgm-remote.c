// SPDX-License-Identifier: GPL-2.0
/*
 * mgm-remote - a scripted routing protocol in its own process: the example
 * of libmgmclient (include/mgm/client.h) and the external protocol of
 * tests/integration/test_remote.sh.
 *
 * It connects to mgmd, then runs commands (a file or stdin), one per line.
 * Every result and every callback is printed with a CLOCK_MONOTONIC
 * timestamp (ns, the clock of mcsend's send_ns), so tests can order
 * events and compare them with packets.  Callbacks are handled whenever
 * it waits (run, wait) and while any request waits for its reply.
 * SIGTERM/SIGINT shut its protocols down the seed's way (release every
 * interface taken, then deregister) and exit; SIGKILL leaves it to mgmd.
 *
 * Commands:
 *   proto P ID COMPONENT       register protocol P (ID: number or "igmp")
 *   proto-x P ID COMPONENT [4|6|46]
 *                              the same, family-neutral (mgmc_register_
 *                              protocol_x) for IPv4, IPv6 or both (46,
 *                              the default): its callbacks print
 *                              addresses of either family, its join and
 *                              leave take IPv6 addresses too
 *   handle P VALUE|@FILE       name a raw handle P (e.g. another process's)
 *   save P FILE                write P's handle to FILE
 *   take P IF | release P IF | deregister P
 *   take-many P IF NEXTHOP N   N (IF, next hop) pairs, the next hop counting
 *                              up from NEXTHOP (not released on SIGTERM)
 *   take-ifindexes P FIRST N   N made-up ifindexes FIRST, FIRST+1, ...
 *                              (next hop 0; not released on SIGTERM)
 *   join P IF GROUP [SOURCE]   JOIN_STATE membership, (*,G) or (S,G)
 *   leave P IF GROUP [SOURCE]
 *   owner IF                   MgmGetProtocolOnInterface
 *   disable P IF [GROUP]       P's creation alerts disable IF (for GROUP)
 *   slow P MS                  P's answering callbacks take MS first
 *   prune-timeout P SEC        P's prune alerts answer this timeout
 *   rpf P IF [GROUP]           P's RPF callbacks (for GROUP) answer IF as
 *                              the incoming interface (next hop 0)
 *   nest P IF                  P's join/local callbacks call "owner IF"
 *   mfe | mfe-stats 0|1        walk the MFEs (GetFirst/GetNext, 1 a call)
 *   mfe-x                      walk both families' MFEs (mgmc_get_*_mfe_x)
 *   get-mfe-x SOURCE GROUP     one MFE of either family (mgmc_get_mfe_x)
 *   groups-x P any|all         group enumeration, both families
 *   get-mfe SOURCE GROUP [0|1] one MFE (or its stats), probing its size
 *   set-mfe P SOURCE GROUP UPSTREAM
 *   groups P any|all           group enumeration, 2 records a call
 *   enum-open P N              start N group enumerations, none ended
 *   stale P IF                 every handle-taking call with P's handle
 *   ping IF N                  N requests; prints the slowest (ms)
 *   raw TYPE LEN               a request of LEN zero bytes
 *   raw-cbreply SEQ LEN        an unsolicited callback answer
 *   retake P                   when an interface P lost (deleted) appears
 *                              again, take it back (the events are printed
 *                              anyway: "cb P if_gone ...", "cb P
 *                              if_appeared ...")
 *   run SEC | stall SEC        handle callbacks | do not read for SEC
 *   wait FILE [SEC]            handle callbacks until FILE exists
 *   wait-free IF [SEC]         poll until IF has no owner, print when
 *   touch FILE | echo TEXT | exit
 */
#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
#include <net/if.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "mgm/client.h"
#include "mgm/mgm_ipc_proto.h"

#define MAX_PROTOS 8
#define MAX_IFS 16
#define MAX_WORDS 16

struct proto {
	char name[32];
	mgm_handle_t h;
	bool registered; /* by us (not a raw "handle") */
	uint32_t ifs[MAX_IFS]; /* taken, released on SIGTERM */
	int n_ifs;
	bool x; /* family-neutral (proto-x) */
	struct {
		uint32_t ifindex;
		struct mgm_addr gx; /* the group, family 0 for any */
	} dis[MAX_IFS];
	int n_dis;
	int slow_ms;
	uint32_t prune_timeout;
	uint32_t rpf_if, rpf_group;
	struct mgm_addr rpf_gx; /* x: family 0 for any */
	uint32_t nest_if;
	bool retake; /* take an interface back when it appears again */
};

static struct mgmc *mc;
static struct proto protos[MAX_PROTOS];
static int n_protos;
static volatile sig_atomic_t stop;
static int line_no;

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

static void out(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

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

static void die(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static void die(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "mgm-remote: line %d: ", line_no);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(2);
}

static const char *ifn(uint32_t ifindex, char *buf)
{
	if (!ifindex)
		return strcpy(buf, "-");
	if (!if_indextoname(ifindex, buf))
		snprintf(buf, IF_NAMESIZE, "if%u", ifindex);
	return buf;
}

static const char *ip(uint32_t a, char *buf)
{
	return inet_ntop(AF_INET, &a, buf, INET_ADDRSTRLEN);
}

static uint32_t if_arg(const char *s)
{
	uint32_t i = if_nametoindex(s);

	if (!i && !(i = (uint32_t)strtoul(s, NULL, 10)))
		die("unknown interface '%s'", s);
	return i;
}

static uint32_t addr_arg(const char *s)
{
	struct in_addr a;

	if (!strcmp(s, "*"))
		return 0;
	if (inet_pton(AF_INET, s, &a) != 1)
		die("bad address '%s'", s);
	return a.s_addr;
}

/* An address of either family; "*": unspecified of family fam (0: the
 * other argument decides, see member_x). */
static struct mgm_addr xaddr_arg(const char *s, uint16_t fam)
{
	struct in6_addr a6;
	struct in_addr a;

	if (!strcmp(s, "*"))
		return (struct mgm_addr){ .family = fam ? fam : MGM_AF_INET };
	if (inet_pton(AF_INET, s, &a) == 1)
		return mgm_addr4(a.s_addr);
	if (inet_pton(AF_INET6, s, &a6) == 1)
		return mgm_addr6(a6.s6_addr);
	die("bad address '%s'", s);
	return (struct mgm_addr){ 0 };
}

/* Text of an address of either family. */
static const char *xip(const struct mgm_addr *a, char *buf)
{
	return mgm_addr_ntop(a, buf, MGM_ADDRSTRLEN);
}

static struct proto *proto_arg(const char *name)
{
	int i;

	for (i = 0; i < n_protos; i++)
		if (!strcmp(protos[i].name, name))
			return &protos[i];
	die("unknown protocol '%s'", name);
	return NULL;
}

/* ---- callbacks: print them, answer as told ---------------------------- */

static void slow(const struct proto *p)
{
	if (p->slow_ms)
		usleep(p->slow_ms * 1000);
}

static void owner(uint32_t ifindex);

static uint32_t cb_rpf(void *ctx, uint32_t s, uint32_t sm, uint32_t g,
		       uint32_t gm, uint32_t *iif, uint32_t *nh, uint32_t *up,
		       uint32_t hs, const uint8_t *hdr,
		       struct mgm_route_info *route)
{
	struct proto *p = ctx;
	char a[16], b[16], c[16], u[16], i[IF_NAMESIZE], r[IF_NAMESIZE];
	uint32_t pid, cid;

	(void)sm, (void)gm, (void)hdr;
	out("cb %s rpf %s %s iif %s nh %s up %s hdr %u route %s", p->name,
	    ip(s, a), ip(g, b), ifn(*iif, i), ip(*nh, c), ip(*up, u), hs,
	    ifn(route->ifindex, r));
	/* An mgmd without MGM_IPC_FEAT_ASYNC_CB waits on this answer:
	 * calls from here fail at once; others serve them. */
	if (p->nest_if)
		out("%s nested call in rpf -> %s", p->name,
		    mgm_strerror(mgmc_get_protocol_on_interface(
			    mc, p->nest_if, 0, &pid, &cid)));
	slow(p);
	if (p->rpf_if && (!p->rpf_group || p->rpf_group == g)) {
		*iif = p->rpf_if;
		*nh = 0;
		out("%s rpf answer %s %s iif %s", p->name, ip(s, a), ip(g, b),
		    ifn(*iif, i));
	}
	return 0;
}

/* DISABLE_IGMP, ENABLE_IGMP: no address, for both kinds of protocol. */
static uint32_t cb_igmp(void *ctx, const char *what, uint32_t ifindex,
			uint32_t nh)
{
	char i[IF_NAMESIZE];

	(void)nh;
	out("cb %s %s if %s", ((struct proto *)ctx)->name, what,
	    ifn(ifindex, i));
	return 0;
}

static uint32_t cb_disable(void *ctx, uint32_t ifindex, uint32_t nh)
{
	return cb_igmp(ctx, "disable_igmp", ifindex, nh);
}

static uint32_t cb_enable(void *ctx, uint32_t ifindex, uint32_t nh)
{
	return cb_igmp(ctx, "enable_igmp", ifindex, nh);
}

/* ---- the family-neutral callbacks (proto-x): the same lines ----------- */

static uint32_t cbx_rpf(void *ctx, const struct mgm_addr *s,
			const struct mgm_addr *g, uint32_t *iif, uint32_t *nh,
			struct mgm_addr *up, uint32_t hs, const uint8_t *hdr,
			struct mgm_route_info_x *route)
{
	struct proto *p = ctx;
	char a[MGM_ADDRSTRLEN], b[MGM_ADDRSTRLEN], c[MGM_ADDRSTRLEN];
	char i[IF_NAMESIZE], r[IF_NAMESIZE];

	(void)hdr;
	out("cb %s rpf %s %s iif %s nh %u up %s hdr %u route %s/%u", p->name,
	    xip(s, a), xip(g, b), ifn(*iif, i), *nh, xip(up, c), hs,
	    ifn(route->ifindex, r), route->prefix_len);
	slow(p);
	if (p->rpf_if && (!p->rpf_gx.family || mgm_addr_eq(&p->rpf_gx, g))) {
		*iif = p->rpf_if;
		*nh = 0;
		out("%s rpf answer %s %s iif %s", p->name, xip(s, a), xip(g, b),
		    ifn(*iif, i));
	}
	return 0;
}

static uint32_t cbx_creation(void *ctx, const struct mgm_addr *s,
			     const struct mgm_addr *g, uint32_t iif,
			     uint32_t nh, uint32_t n, struct mgm_if_entry *oifs)
{
	struct proto *p = ctx;
	char a[MGM_ADDRSTRLEN], b[MGM_ADDRSTRLEN], i[IF_NAMESIZE];
	char list[256] = "", dis[256] = "";
	uint32_t k;
	int d;

	(void)nh;
	for (k = 0; k < n; k++) {
		snprintf(list + strlen(list), sizeof(list) - strlen(list),
			 " %s%s", ifn(oifs[k].ifindex, i),
			 oifs[k].igmp ? "(igmp)" : "");
		for (d = 0; d < p->n_dis; d++) {
			if (p->dis[d].ifindex != oifs[k].ifindex ||
			    (p->dis[d].gx.family &&
			     !mgm_addr_eq(&p->dis[d].gx, g)))
				continue;
			oifs[k].enabled = 0;
			snprintf(dis + strlen(dis), sizeof(dis) - strlen(dis),
				 " %s", ifn(oifs[k].ifindex, i));
		}
	}
	out("cb %s creation %s %s iif %s oifs%s%s%s", p->name, xip(s, a),
	    xip(g, b), ifn(iif, i), list, *dis ? " disabled" : "", dis);
	slow(p);
	return 0;
}

static uint32_t cbx_prune(void *ctx, const struct mgm_addr *s,
			  const struct mgm_addr *g, uint32_t ifindex,
			  uint32_t nh, int32_t del, uint32_t *timeout)
{
	struct proto *p = ctx;
	char a[MGM_ADDRSTRLEN], b[MGM_ADDRSTRLEN], i[IF_NAMESIZE];

	(void)nh;
	out("cb %s prune %s %s if %s member_delete %d timeout %u", p->name,
	    xip(s, a), xip(g, b), ifn(ifindex, i), del, *timeout);
	if (p->prune_timeout)
		*timeout = p->prune_timeout;
	slow(p);
	return 0;
}

static uint32_t cbx_join(void *ctx, const struct mgm_addr *s,
			 const struct mgm_addr *g, int32_t upd)
{
	struct proto *p = ctx;
	char a[MGM_ADDRSTRLEN], b[MGM_ADDRSTRLEN];

	out("cb %s join %s %s member_update %d", p->name, xip(s, a), xip(g, b),
	    upd);
	if (p->nest_if)
		owner(p->nest_if);
	return 0;
}

static uint32_t cbx_wrong_if(void *ctx, const struct mgm_addr *s,
			     const struct mgm_addr *g, uint32_t ifx,
			     uint32_t nh, uint32_t hs, const uint8_t *hdr)
{
	struct proto *p = ctx;
	char a[MGM_ADDRSTRLEN], b[MGM_ADDRSTRLEN], i[IF_NAMESIZE];

	(void)nh, (void)hdr;
	out("cb %s wrong_if %s %s if %s hdr %u", p->name, xip(s, a), xip(g, b),
	    ifn(ifx, i), hs);
	return 0;
}

static void cbx_local(struct proto *p, const char *what,
		      const struct mgm_addr *s, const struct mgm_addr *g,
		      uint32_t ifindex)
{
	char a[MGM_ADDRSTRLEN], b[MGM_ADDRSTRLEN], i[IF_NAMESIZE];

	out("cb %s %s %s %s if %s", p->name, what, xip(s, a), xip(g, b),
	    ifn(ifindex, i));
	if (p->nest_if)
		owner(p->nest_if);
}

static uint32_t cbx_local_join(void *ctx, const struct mgm_addr *s,
			       const struct mgm_addr *g, uint32_t ifindex,
			       uint32_t nh)
{
	(void)nh;
	cbx_local(ctx, "local_join", s, g, ifindex);
	return 0;
}

static uint32_t cbx_local_leave(void *ctx, const struct mgm_addr *s,
				const struct mgm_addr *g, uint32_t ifindex,
				uint32_t nh)
{
	(void)nh;
	cbx_local(ctx, "local_leave", s, g, ifindex);
	return 0;
}

/* ---- the IPv4 callbacks but RPF (proto): the lines above ------------- */

static uint32_t cb_creation(void *ctx, uint32_t s, uint32_t sm, uint32_t g,
			    uint32_t gm, uint32_t iif, uint32_t nh, uint32_t n,
			    struct mgm_if_entry *oifs)
{
	struct mgm_addr sa = mgm_addr4(s), ga = mgm_addr4(g);

	(void)sm, (void)gm;
	return cbx_creation(ctx, &sa, &ga, iif, nh, n, oifs);
}

static uint32_t cb_prune(void *ctx, uint32_t s, uint32_t sm, uint32_t g,
			 uint32_t gm, uint32_t ifindex, uint32_t nh,
			 int32_t del, uint32_t *timeout)
{
	struct mgm_addr sa = mgm_addr4(s), ga = mgm_addr4(g);

	(void)sm, (void)gm;
	return cbx_prune(ctx, &sa, &ga, ifindex, nh, del, timeout);
}

static uint32_t cb_join(void *ctx, uint32_t s, uint32_t sm, uint32_t g,
			uint32_t gm, int32_t upd)
{
	struct mgm_addr sa = mgm_addr4(s), ga = mgm_addr4(g);

	(void)sm, (void)gm;
	return cbx_join(ctx, &sa, &ga, upd);
}

static uint32_t cb_wrong_if(void *ctx, uint32_t s, uint32_t g, uint32_t ifx,
			    uint32_t nh, uint32_t hs, const uint8_t *hdr)
{
	struct mgm_addr sa = mgm_addr4(s), ga = mgm_addr4(g);

	return cbx_wrong_if(ctx, &sa, &ga, ifx, nh, hs, hdr);
}

static uint32_t cb_local_join(void *ctx, uint32_t s, uint32_t sm, uint32_t g,
			      uint32_t gm, uint32_t ifindex, uint32_t nh)
{
	struct mgm_addr sa = mgm_addr4(s), ga = mgm_addr4(g);

	(void)sm, (void)gm;
	return cbx_local_join(ctx, &sa, &ga, ifindex, nh);
}

static uint32_t cb_local_leave(void *ctx, uint32_t s, uint32_t sm, uint32_t g,
			       uint32_t gm, uint32_t ifindex, uint32_t nh)
{
	struct mgm_addr sa = mgm_addr4(s), ga = mgm_addr4(g);

	(void)sm, (void)gm;
	return cbx_local_leave(ctx, &sa, &ga, ifindex, nh);
}

static void on_shutdown(void *arg, mgm_handle_t h, uint32_t reason)
{
	int i;

	(void)arg;
	for (i = 0; i < n_protos; i++) {
		if (protos[i].h == h && protos[i].registered) {
			out("%s shut down by mgmd (reason %u)", protos[i].name,
			    reason);
			protos[i].registered = false;
			protos[i].n_ifs = 0;
		}
	}
}

/* An interface P owned went (mgmd released it for P), or came back. */
static void on_interface(void *arg, mgm_handle_t h,
			 const struct mgmc_if_event *ev)
{
	char a[INET_ADDRSTRLEN];
	struct proto *p = NULL;
	uint32_t r;
	int i;

	(void)arg;
	for (i = 0; i < n_protos; i++)
		if (protos[i].h == h && protos[i].registered)
			p = &protos[i];
	if (!p)
		return;
	if (ev->type == MGMC_IF_GONE) {
		out("cb %s if_gone %s ifindex %u nexthop %s released %s",
		    p->name, ev->name[0] ? ev->name : "-", ev->ifindex,
		    ip(ev->nexthop, a), mgm_strerror(ev->status));
		/* Nothing left to release on SIGTERM. */
		for (i = 0; i < p->n_ifs; i++)
			if (p->ifs[i] == ev->ifindex)
				p->ifs[i--] = p->ifs[--p->n_ifs];
		return;
	}
	out("cb %s if_appeared %s ifindex %u was %u", p->name,
	    ev->name[0] ? ev->name : "-", ev->ifindex, ev->old_ifindex);
	if (!p->retake)
		return;
	r = mgmc_take_interface_ownership(mc, p->h, ev->ifindex, 0);
	out("%s retake %s -> %s", p->name, ev->name, mgm_strerror(r));
	if (r == MGM_NO_ERROR && p->n_ifs < MAX_IFS)
		p->ifs[p->n_ifs++] = ev->ifindex;
}

/* ---- waiting ----------------------------------------------------------- */

/* Handle callbacks for up to ms (0: what is there now). */
static void pump(int ms)
{
	uint64_t end = now_ns() + (uint64_t)ms * 1000000;

	do {
		struct pollfd pfd = { .fd = mgmc_fd(mc), .events = POLLIN };
		int64_t left = (int64_t)(end - now_ns()) / 1000000;

		if (left < 0)
			left = 0;
		if (poll(&pfd, 1, left > 50 ? 50 : (int)left) > 0 &&
		    mgmc_dispatch(mc) < 0) {
			out("mgmd closed the connection");
			exit(3);
		}
	} while (!stop && now_ns() < end);
}

static void shutdown_all(void)
{
	char i[IF_NAMESIZE];
	int k, j;

	/* The seed: each interface released, then deregistration. */
	for (k = 0; k < n_protos; k++) {
		struct proto *p = &protos[k];

		if (!p->registered)
			continue;
		for (j = 0; j < p->n_ifs; j++)
			out("%s release %s -> %s", p->name, ifn(p->ifs[j], i),
			    mgm_strerror(mgmc_release_interface_ownership(
				    mc, p->h, p->ifs[j], 0)));
		out("%s deregister -> %s", p->name,
		    mgm_strerror(mgmc_deregister_protocol(mc, p->h)));
	}
}

/* ---- commands --------------------------------------------------------- */

static void owner(uint32_t ifindex)
{
	uint32_t pid = 0, cid = 0, r;
	char i[IF_NAMESIZE];

	r = mgmc_get_protocol_on_interface(mc, ifindex, 0, &pid, &cid);
	out("owner %s -> %s 0x%08x %u", ifn(ifindex, i), mgm_strerror(r), pid,
	    cid);
}

/* A new protocol slot called name (proto, proto-x, handle). */
static struct proto *proto_new(const char *name)
{
	struct proto *p;

	if (n_protos == MAX_PROTOS)
		die("too many protocols");
	p = &protos[n_protos++];
	snprintf(p->name, sizeof(p->name), "%s", name);
	return p;
}

/* A protocol id: "igmp" or a number. */
static uint32_t proto_id(const char *s)
{
	return !strcmp(s, "igmp") ? MGM_MS_IP_IGMP :
				    (uint32_t)strtoul(s, NULL, 0);
}

static void registered(struct proto *p, uint32_t r)
{
	p->registered = r == MGM_NO_ERROR;
	out("%s register -> %s handle 0x%llx", p->name, mgm_strerror(r),
	    (unsigned long long)p->h);
}

static void cmd_proto(char **w)
{
	struct mgm_protocol_config cfg = {
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
	struct proto *p = proto_new(w[1]);
	uint32_t r;

	cfg.ctx = p;
	r = mgmc_register_protocol(mc, &cfg, proto_id(w[2]),
				   (uint32_t)atoi(w[3]), &p->h);
	registered(p, r);
}

static void cmd_proto_x(char **w, int n)
{
	struct mgm_protocol_config_x cfg = {
		.rpf = cbx_rpf,
		.creation_alert = cbx_creation,
		.prune_alert = cbx_prune,
		.join_alert = cbx_join,
		.wrong_if = cbx_wrong_if,
		.local_join = cbx_local_join,
		.local_leave = cbx_local_leave,
		.disable_igmp = cb_disable,
		.enable_igmp = cb_enable,
	};
	const char *fam = n > 4 ? w[4] : "46";
	struct proto *p = proto_new(w[1]);
	uint32_t r;

	p->x = true;
	cfg.ctx = p;
	cfg.families = (strchr(fam, '4') ? MGM_FAMILY_IPV4 : 0) |
		       (strchr(fam, '6') ? MGM_FAMILY_IPV6 : 0);
	r = mgmc_register_protocol_x(mc, &cfg, proto_id(w[2]),
				     (uint32_t)atoi(w[3]), &p->h);
	registered(p, r);
	if (r != MGM_NO_ERROR && *mgmc_last_error())
		out("%s register: %s", p->name, mgmc_last_error());
}

static void cmd_handle(char **w)
{
	struct proto *p = proto_new(w[1]);
	char buf[64] = "";

	if (w[2][0] == '@') {
		FILE *f = fopen(w[2] + 1, "r");

		if (!f || !fgets(buf, sizeof(buf), f))
			die("cannot read %s", w[2] + 1);
		fclose(f);
	} else {
		snprintf(buf, sizeof(buf), "%s", w[2]);
	}
	p->h = strtoull(buf, NULL, 0);
	out("%s is handle 0x%llx", p->name, (unsigned long long)p->h);
}

static void cmd_interface(bool take, char **w)
{
	struct proto *p = proto_arg(w[1]);
	uint32_t ifindex = if_arg(w[2]), r;
	int i;

	out("%s %s %s begin", p->name, w[0], w[2]);
	r = take ? mgmc_take_interface_ownership(mc, p->h, ifindex, 0) :
		   mgmc_release_interface_ownership(mc, p->h, ifindex, 0);
	out("%s %s %s -> %s", p->name, w[0], w[2], mgm_strerror(r));
	if (r != MGM_NO_ERROR)
		return;
	if (take && p->n_ifs < MAX_IFS)
		p->ifs[p->n_ifs++] = ifindex;
	for (i = 0; !take && i < p->n_ifs; i++)
		if (p->ifs[i] == ifindex)
			p->ifs[i--] = p->ifs[--p->n_ifs];
}

/* join/leave of a proto-x protocol: either family. */
static void cmd_member_x(struct proto *p, bool join, char **w, int n)
{
	struct mgm_addr g = xaddr_arg(w[3], 0);
	struct mgm_addr s = xaddr_arg(n > 4 ? w[4] : "*", g.family);
	uint64_t t0 = now_ns();
	uint32_t r;

	r = (join ? mgmc_add_group_membership_x :
		    mgmc_delete_group_membership_x)(
		mc, p->h, &s, &g, if_arg(w[2]), 0, MGM_JOIN_STATE_FLAG);
	out("%s %s %s %s %s -> %s (%.1f ms)", p->name, w[0], w[2], w[3],
	    n > 4 ? w[4] : "*", mgm_strerror(r), (now_ns() - t0) / 1e6);
}

static void cmd_member(bool join, char **w, int n)
{
	struct proto *p = proto_arg(w[1]);
	uint32_t ifindex, g, s, r;
	uint64_t t0 = now_ns();

	if (p->x) {
		cmd_member_x(p, join, w, n);
		return;
	}
	ifindex = if_arg(w[2]);
	g = addr_arg(w[3]);
	s = n > 4 ? addr_arg(w[4]) : 0;
	r = (join ? mgmc_add_group_membership_entry :
		    mgmc_delete_group_membership_entry)(
		mc, p->h, s, s ? 0xffffffffU : 0, g, g ? 0xffffffffU : 0,
		ifindex, 0, MGM_JOIN_STATE_FLAG);
	out("%s %s %s %s %s -> %s (%.1f ms)", p->name, w[0], w[2], w[3],
	    n > 4 ? w[4] : "*", mgm_strerror(r), (now_ns() - t0) / 1e6);
}

static void print_mfe(const struct mgm_ipmcast_mfe *e)
{
	char a[16], b[16], u[16], i[IF_NAMESIZE], list[256] = "";
	uint32_t k;

	for (k = 0; k < e->num_oifs; k++)
		snprintf(list + strlen(list), sizeof(list) - strlen(list),
			 " %s", ifn(e->oifs[k].out_ifindex, i));
	out("mfe %s %s iif %s oifs%s upstream %s timeout %u", ip(e->source, a),
	    ip(e->group, b), ifn(e->in_ifindex, i), list, ip(e->upstream, u),
	    e->timeout);
}

static void print_stats(const uint8_t *rec, uint32_t flags)
{
	struct mgm_ipmcast_mfe_stats st;
	const struct mgm_ipmcast_oif_stats *o;
	char a[16], b[16], i[IF_NAMESIZE], list[256] = "";
	uint32_t k, base = flags == MGM_MFE_STATS_1 ?
				   MGM_SIZEOF_BASIC_MFE_STATS_EX :
				   MGM_SIZEOF_BASIC_MFE_STATS;

	memcpy(&st, rec, sizeof(st));
	o = (const void *)(rec + base);
	for (k = 0; k < st.num_oifs; k++)
		snprintf(list + strlen(list), sizeof(list) - strlen(list),
			 " %s:%u", ifn(o[k].out_ifindex, i), o[k].out_packets);
	out("mfe-stats %s %s in_packets %u oifs%s", ip(st.source, a),
	    ip(st.group, b), st.in_packets, list);
}

/* GetFirst/GetNext with room for one small record a call: MORE_DATA,
 * INSUFFICIENT_BUFFER (then a bigger buffer) and NO_MORE_ITEMS. */
static void cmd_mfe(bool stats, uint32_t flags)
{
	struct mgm_ipmcast_mfe last = { 0 };
	uint32_t cap = stats ? MGM_SIZEOF_MFE_STATS_EX(1) : MGM_SIZEOF_MFE(1);
	uint32_t size, n, r, k, recs = 0, calls = 0, off;
	uint8_t *buf = malloc(65536);
	bool first = true;

	if (!buf)
		die("out of memory");
	do {
		size = cap;
		calls++;
		if (stats)
			r = first ? mgmc_get_first_mfe_stats(mc, &size, buf, &n,
							     flags) :
				    mgmc_get_next_mfe_stats(mc, &last, &size,
							    buf, &n, flags);
		else
			r = first ? mgmc_get_first_mfe(mc, &size, buf, &n) :
				    mgmc_get_next_mfe(mc, &last, &size, buf,
						      &n);
		if (r == MGM_ERROR_INSUFFICIENT_BUFFER && size > cap &&
		    size <= 65536) {
			out("mfe buffer %u too small, need %u", cap, size);
			cap = size;
			r = MGM_ERROR_MORE_DATA;
			continue;
		}
		first = false;
		for (k = 0, off = 0; k < n; k++, recs++) {
			struct mgm_ipmcast_mfe_stats st;
			struct mgm_ipmcast_mfe e;

			if (stats) {
				memcpy(&st, buf + off, sizeof(st));
				print_stats(buf + off, flags);
				off += flags == MGM_MFE_STATS_1 ?
					       MGM_SIZEOF_MFE_STATS_EX(
						       st.num_oifs) :
					       MGM_SIZEOF_MFE_STATS(
						       st.num_oifs);
				last.source = st.source;
				last.group = st.group;
			} else {
				memcpy(&e, buf + off, sizeof(e));
				print_mfe((const void *)(buf + off));
				off += MGM_SIZEOF_MFE(e.num_oifs);
				last.source = e.source;
				last.group = e.group;
			}
		}
	} while (r == MGM_ERROR_MORE_DATA);
	out("%s end %s: %u records in %u calls", stats ? "mfe-stats" : "mfe",
	    mgm_strerror(r), recs, calls);
	free(buf);
}

static void cmd_get_mfe(char **w, int n)
{
	struct mgm_ipmcast_mfe key = { .source = addr_arg(w[1]),
				       .group = addr_arg(w[2]) };
	uint32_t flags =
		n > 3 ? (atoi(w[3]) ? MGM_MFE_STATS_1 : MGM_MFE_STATS_0) : 0;
	uint32_t size = 0, r;
	uint8_t buf[4096];

	r = flags ? mgmc_get_mfe_stats(mc, &key, &size, NULL, flags) :
		    mgmc_get_mfe(mc, &key, &size, NULL);
	out("get-mfe %s %s probe -> %s size %u", w[1], w[2], mgm_strerror(r),
	    size);
	if (r != MGM_ERROR_INSUFFICIENT_BUFFER || size > sizeof(buf))
		return;
	r = flags ? mgmc_get_mfe_stats(mc, &key, &size, buf, flags) :
		    mgmc_get_mfe(mc, &key, &size, buf);
	out("get-mfe %s %s -> %s", w[1], w[2], mgm_strerror(r));
	if (r != MGM_NO_ERROR)
		return;
	if (flags)
		print_stats(buf, flags);
	else
		print_mfe((const void *)buf);
}

static void print_mfe_x(const struct mgm_mfe_x *e)
{
	char a[MGM_ADDRSTRLEN], b[MGM_ADDRSTRLEN], u[MGM_ADDRSTRLEN];
	char i[IF_NAMESIZE], list[256] = "";
	uint32_t k;

	for (k = 0; k < e->num_oifs; k++)
		snprintf(list + strlen(list), sizeof(list) - strlen(list),
			 " %s", ifn(e->oifs[k].out_ifindex, i));
	out("mfe %s %s iif %s oifs%s upstream %s timeout %u",
	    xip(&e->source, a), xip(&e->group, b), ifn(e->in_ifindex, i), list,
	    xip(&e->upstream, u), e->timeout);
}

#define REC_X(n) ((MGM_SIZEOF_MFE_X(n) + 7U) & ~7U)

/* mfe, both families: one record a call, as cmd_mfe. */
static void cmd_mfe_x(void)
{
	struct mgm_addr ls = { 0 }, lg = { 0 };
	uint32_t cap = REC_X(1), size, n, r, k, recs = 0, calls = 0, off;
	uint64_t *buf = malloc(65536); /* records are 8-byte aligned */
	bool first = true;

	if (!buf)
		die("out of memory");
	do {
		size = cap;
		calls++;
		r = first ? mgmc_get_first_mfe_x(mc, &size, (void *)buf, &n) :
			    mgmc_get_next_mfe_x(mc, &ls, &lg, &size,
						(void *)buf, &n);
		if (r == MGM_ERROR_INSUFFICIENT_BUFFER && size > cap &&
		    size <= 65536) {
			out("mfe buffer %u too small, need %u", cap, size);
			cap = size;
			r = MGM_ERROR_MORE_DATA;
			continue;
		}
		if (r == MGM_ERROR_CAN_NOT_COMPLETE)
			out("mfe-x: %s", mgmc_last_error());
		first = false;
		for (k = 0, off = 0; k < n; k++, recs++) {
			const struct mgm_mfe_x *e =
				(const void *)((uint8_t *)buf + off);

			print_mfe_x(e);
			ls = e->source;
			lg = e->group;
			off += REC_X(e->num_oifs);
		}
	} while (r == MGM_ERROR_MORE_DATA);
	out("mfe end %s: %u records in %u calls", mgm_strerror(r), recs, calls);
	free(buf);
}

static void cmd_get_mfe_x(char **w)
{
	struct mgm_addr g = xaddr_arg(w[2], 0);
	struct mgm_addr s = xaddr_arg(w[1], g.family);
	uint64_t buf[512];
	uint32_t size = 0, r;

	r = mgmc_get_mfe_x(mc, &s, &g, &size, NULL);
	out("get-mfe %s %s probe -> %s size %u", w[1], w[2], mgm_strerror(r),
	    size);
	if (r != MGM_ERROR_INSUFFICIENT_BUFFER || size > sizeof(buf))
		return;
	r = mgmc_get_mfe_x(mc, &s, &g, &size, (void *)buf);
	out("get-mfe %s %s -> %s", w[1], w[2], mgm_strerror(r));
	if (r == MGM_NO_ERROR)
		print_mfe_x((const void *)buf);
}

static void cmd_set_mfe(char **w)
{
	struct proto *p = proto_arg(w[1]);
	struct mgm_ipmcast_mfe e = { .source = addr_arg(w[2]),
				     .group = addr_arg(w[3]),
				     .upstream = addr_arg(w[4]) };

	out("%s set-mfe %s %s upstream %s -> %s", p->name, w[2], w[3], w[4],
	    mgm_strerror(mgmc_set_mfe(mc, p->h, &e)));
}

/* groups (x: groups-x, the family-neutral records, and no probe). */
static void cmd_groups(char **w, bool x)
{
	struct proto *p = proto_arg(w[1]);
	union {
		struct mgm_source_group v4[2];
		struct mgm_source_group_x x[2];
	} v;
	mgm_handle_t eh = 0;
	uint32_t r, size = 0, n, total = 0, calls = 0, k;
	char a[MGM_ADDRSTRLEN], b[MGM_ADDRSTRLEN];
	struct mgm_addr sa, ga;

	r = mgmc_group_enumeration_start(
		mc, p->h,
		strcmp(w[2], "all") ? MGM_ANY_SOURCE : MGM_ALL_SOURCES, &eh);
	out("%s groups %s start -> %s", p->name, w[2], mgm_strerror(r));
	if (r != MGM_NO_ERROR)
		return;
	if (!x) {
		r = mgmc_group_enumeration_get_next(mc, eh, &size, NULL, &n);
		out("%s groups probe -> %s size %u", p->name, mgm_strerror(r),
		    size);
	}
	do {
		size = x ? sizeof(v.x) : sizeof(v.v4);
		calls++;
		r = (x ? mgmc_group_enumeration_get_next_x :
			 mgmc_group_enumeration_get_next)(mc, eh, &size,
							  (void *)&v, &n);
		for (k = 0; k < n && k < 2; k++, total++) {
			sa = x ? v.x[k].source : mgm_addr4(v.v4[k].source);
			ga = x ? v.x[k].group : mgm_addr4(v.v4[k].group);
			out("%s group %s %s", p->name, xip(&sa, a),
			    xip(&ga, b));
		}
	} while (r == MGM_ERROR_MORE_DATA);
	out("%s groups %s: %u records in %u calls, last %s, end %s", p->name,
	    w[2], total, calls, mgm_strerror(r),
	    mgm_strerror(mgmc_group_enumeration_end(mc, eh)));
}

/*
 * Many ownerships at once: (IF, NEXTHOP + k) or, by_ifindex, (FIRST + k,
 * 0) for k < N.  Prints how many were taken and the first failure.
 */
static void cmd_take_many(char **w, bool by_ifindex)
{
	struct proto *p = proto_arg(w[1]);
	uint32_t ifindex = by_ifindex ? (uint32_t)strtoul(w[2], NULL, 0) :
					if_arg(w[2]);
	uint32_t nh = by_ifindex ? 0 : ntohl(addr_arg(w[3]));
	int n = atoi(w[by_ifindex ? 3 : 4]), k, ok = 0;
	uint32_t r, first = MGM_NO_ERROR;

	for (k = 0; k < n && !stop; k++) {
		r = by_ifindex ?
			    mgmc_take_interface_ownership(
				    mc, p->h, ifindex + (uint32_t)k, 0) :
			    mgmc_take_interface_ownership(
				    mc, p->h, ifindex, htonl(nh + (uint32_t)k));
		if (r == MGM_NO_ERROR)
			ok++;
		else if (first == MGM_NO_ERROR)
			first = r;
	}
	out("%s %s %s %s -> %d of %d NO_ERROR%s%s", p->name, w[0], w[2],
	    by_ifindex ? w[3] : w[4], ok, n, ok < n ? ", first failure " : "",
	    ok < n ? mgm_strerror(first) : "");
}

/* A dead or foreign handle must be refused by every function. */
static void cmd_stale(char **w)
{
	struct proto *p = proto_arg(w[1]);
	uint32_t ifindex = if_arg(w[2]), g = addr_arg("239.255.0.1");
	struct mgm_ipmcast_mfe e = { .group = g };
	mgm_handle_t eh;
	uint32_t r[7];
	int k, bad = 0;

	r[0] = mgmc_take_interface_ownership(mc, p->h, ifindex, 0);
	r[1] = mgmc_release_interface_ownership(mc, p->h, ifindex, 0);
	r[2] = mgmc_add_group_membership_entry(mc, p->h, 0, 0, g, ~0U, ifindex,
					       0, MGM_JOIN_STATE_FLAG);
	r[3] = mgmc_delete_group_membership_entry(
		mc, p->h, 0, 0, g, ~0U, ifindex, 0, MGM_JOIN_STATE_FLAG);
	r[4] = mgmc_set_mfe(mc, p->h, &e);
	r[5] = mgmc_group_enumeration_start(mc, p->h, MGM_ANY_SOURCE, &eh);
	r[6] = mgmc_deregister_protocol(mc, p->h);
	for (k = 0; k < 7; k++)
		bad += r[k] == MGM_ERROR_INVALID_PARAMETER;
	out("%s stale handle: %d of 7 calls rejected", p->name, bad);
}

static void cmd_ping(char **w)
{
	uint32_t ifindex = if_arg(w[1]), pid, cid;
	int n = atoi(w[2]), k;
	uint64_t worst = 0;

	for (k = 0; k < n && !stop; k++) {
		uint64_t t0 = now_ns();

		mgmc_get_protocol_on_interface(mc, ifindex, 0, &pid, &cid);
		if (now_ns() - t0 > worst)
			worst = now_ns() - t0;
		pump(10);
	}
	out("ping %d slowest %.1f ms", n, worst / 1e6);
}

static void cmd_raw(char **w, bool cbreply)
{
	uint8_t zero[1024] = { 0 }, rep[256];
	size_t len = (size_t)atoi(w[2]), rl = sizeof(rep) - 1;
	uint16_t type = 0;
	uint32_t r;

	if (len > sizeof(zero))
		die("raw: at most %zu bytes", sizeof(zero));
	if (cbreply) {
		out("raw-cbreply %s -> %d", w[1],
		    mgmc_raw_send(mc, MGM_IPC_CB_REPLY,
				  (uint32_t)strtoul(w[1], NULL, 0), zero, len));
		return;
	}
	r = mgmc_raw_request(mc, (uint16_t)atoi(w[1]), zero, len, &type, rep,
			     &rl);
	rep[rl < sizeof(rep) - 1 ? rl : sizeof(rep) - 1] = '\0';
	out("raw %s %zu -> %s %s%s%s", w[1], len,
	    type == MGM_IPC_ERROR ? "error" :
	    type == MGM_IPC_REPLY ? "reply" :
				    "none",
	    mgm_strerror(r), type == MGM_IPC_ERROR ? ": " : "",
	    type == MGM_IPC_ERROR ? (char *)rep : "");
}

static void wait_file(const char *path, int sec)
{
	uint64_t end = now_ns() + (uint64_t)sec * 1000000000ULL;
	struct stat st;

	while (!stop && stat(path, &st)) {
		if (now_ns() > end) {
			out("wait %s timed out", path);
			exit(1);
		}
		pump(20);
	}
}

/* Poll the owner of IF until there is none (e.g. its owner died). */
static void wait_free(const char *name, int sec)
{
	uint64_t end = now_ns() + (uint64_t)sec * 1000000000ULL;
	uint32_t ifindex = if_arg(name), pid, cid;

	while (!stop &&
	       mgmc_get_protocol_on_interface(mc, ifindex, 0, &pid, &cid) !=
		       MGM_ERROR_NOT_FOUND) {
		if (now_ns() > end) {
			out("wait-free %s timed out", name);
			exit(1);
		}
		pump(2);
	}
	out("free %s", name);
}

static void run(char **w, int n)
{
	const char *c = w[0];

#define NEED(k)                                                 \
	do {                                                    \
		if (n < (k))                                    \
			die("%s needs %d arguments", c, (k)-1); \
	} while (0)
	if (!strcmp(c, "proto")) {
		NEED(4);
		cmd_proto(w);
	} else if (!strcmp(c, "proto-x")) {
		NEED(4);
		cmd_proto_x(w, n);
	} else if (!strcmp(c, "mfe-x")) {
		cmd_mfe_x();
	} else if (!strcmp(c, "get-mfe-x")) {
		NEED(3);
		cmd_get_mfe_x(w);
	} else if (!strcmp(c, "groups-x")) {
		NEED(3);
		cmd_groups(w, true);
	} else if (!strcmp(c, "handle")) {
		NEED(3);
		cmd_handle(w);
	} else if (!strcmp(c, "save")) {
		FILE *f;

		NEED(3);
		f = fopen(w[2], "w");
		if (!f)
			die("cannot write %s", w[2]);
		fprintf(f, "0x%llx\n", (unsigned long long)proto_arg(w[1])->h);
		fclose(f);
	} else if (!strcmp(c, "take") || !strcmp(c, "release")) {
		NEED(3);
		cmd_interface(!strcmp(c, "take"), w);
	} else if (!strcmp(c, "take-many")) {
		NEED(5);
		cmd_take_many(w, false);
	} else if (!strcmp(c, "take-ifindexes")) {
		NEED(4);
		cmd_take_many(w, true);
	} else if (!strcmp(c, "deregister")) {
		struct proto *p;

		NEED(2);
		p = proto_arg(w[1]);
		out("%s deregister -> %s", p->name,
		    mgm_strerror(mgmc_deregister_protocol(mc, p->h)));
		p->registered = false;
	} else if (!strcmp(c, "join") || !strcmp(c, "leave")) {
		NEED(4);
		cmd_member(!strcmp(c, "join"), w, n);
	} else if (!strcmp(c, "owner")) {
		NEED(2);
		owner(if_arg(w[1]));
	} else if (!strcmp(c, "disable")) {
		struct proto *p;
		uint32_t g4;

		NEED(3);
		p = proto_arg(w[1]);
		if (p->n_dis == MAX_IFS)
			die("too many");
		p->dis[p->n_dis].ifindex = if_arg(w[2]);
		p->dis[p->n_dis].gx = (struct mgm_addr){ 0 };
		if (p->x && n > 3)
			p->dis[p->n_dis].gx = xaddr_arg(w[3], 0);
		else if (n > 3 && (g4 = addr_arg(w[3])))
			p->dis[p->n_dis].gx = mgm_addr4(g4);
		p->n_dis++;
	} else if (!strcmp(c, "slow")) {
		NEED(3);
		proto_arg(w[1])->slow_ms = atoi(w[2]);
	} else if (!strcmp(c, "rpf")) {
		NEED(3);
		proto_arg(w[1])->rpf_if = if_arg(w[2]);
		if (proto_arg(w[1])->x)
			proto_arg(w[1])->rpf_gx =
				n > 3 ? xaddr_arg(w[3], 0) :
					(struct mgm_addr){ 0 };
		else
			proto_arg(w[1])->rpf_group = n > 3 ? addr_arg(w[3]) : 0;
	} else if (!strcmp(c, "prune-timeout")) {
		NEED(3);
		proto_arg(w[1])->prune_timeout = (uint32_t)atoi(w[2]);
	} else if (!strcmp(c, "retake")) {
		NEED(2);
		proto_arg(w[1])->retake = true;
	} else if (!strcmp(c, "nest")) {
		NEED(3);
		proto_arg(w[1])->nest_if = if_arg(w[2]);
	} else if (!strcmp(c, "mfe")) {
		cmd_mfe(false, 0);
	} else if (!strcmp(c, "mfe-stats")) {
		NEED(2);
		cmd_mfe(true, atoi(w[1]) ? MGM_MFE_STATS_1 : MGM_MFE_STATS_0);
	} else if (!strcmp(c, "get-mfe")) {
		NEED(3);
		cmd_get_mfe(w, n);
	} else if (!strcmp(c, "set-mfe")) {
		NEED(5);
		cmd_set_mfe(w);
	} else if (!strcmp(c, "enum-open")) {
		mgm_handle_t eh;
		int k;

		NEED(3);
		for (k = 0; k < atoi(w[2]); k++)
			out("%s enum-open %d -> %s", w[1], k,
			    mgm_strerror(mgmc_group_enumeration_start(
				    mc, proto_arg(w[1])->h, MGM_ANY_SOURCE,
				    &eh)));
	} else if (!strcmp(c, "groups")) {
		NEED(3);
		cmd_groups(w, false);
	} else if (!strcmp(c, "stale")) {
		NEED(3);
		cmd_stale(w);
	} else if (!strcmp(c, "ping")) {
		NEED(3);
		cmd_ping(w);
	} else if (!strcmp(c, "raw") || !strcmp(c, "raw-cbreply")) {
		NEED(3);
		cmd_raw(w, !strcmp(c, "raw-cbreply"));
	} else if (!strcmp(c, "run")) {
		NEED(2);
		pump((int)(atof(w[1]) * 1000));
	} else if (!strcmp(c, "stall")) {
		uint64_t end;

		NEED(2);
		/* A stuck process: nothing is read, nothing answered. */
		end = now_ns() + (uint64_t)(atof(w[1]) * 1e9);
		out("stall begin");
		while (!stop && now_ns() < end)
			usleep(10000);
		out("stall end");
	} else if (!strcmp(c, "wait")) {
		NEED(2);
		wait_file(w[1], n > 2 ? atoi(w[2]) : 30);
	} else if (!strcmp(c, "wait-free")) {
		NEED(2);
		wait_free(w[1], n > 2 ? atoi(w[2]) : 30);
	} else if (!strcmp(c, "touch")) {
		FILE *f;

		NEED(2);
		f = fopen(w[1], "w");
		if (f)
			fclose(f);
	} else if (!strcmp(c, "echo")) {
		char text[512] = "";
		int k;

		for (k = 1; k < n; k++)
			snprintf(text + strlen(text),
				 sizeof(text) - strlen(text), "%s%s",
				 k > 1 ? " " : "", w[k]);
		out("%s", text);
	} else if (!strcmp(c, "exit")) {
		mgmc_close(mc);
		out("bye");
		exit(0);
	} else {
		die("unknown command '%s'", c);
	}
#undef NEED
}

static void on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

static const char usage[] =
	"Usage: mgm-remote [-s SOCKET] [-n NAME] [-t MS] [SCRIPT|-]\n"
	"  -s SOCKET  mgmd's control socket (default " MGM_IPC_SOCKET_DEFAULT
	")\n"
	"  -n NAME    name the connection (mgmctl shows remote:NAME)\n"
	"  -t MS      request timeout\n"
	"  -O         no interface-event handler (as an older client)\n"
	"Commands: see the comment at the top of tools/mgm-remote.c.\n";

int main(int argc, char **argv)
{
	const char *sock = NULL, *name = NULL;
	struct sigaction sa = { .sa_handler = on_signal };
	char line[1024];
	FILE *in = stdin;
	int c, timeout = -2;
	bool old_client = false;

	while ((c = getopt(argc, argv, "s:n:t:Oh")) != -1) {
		switch (c) {
		case 's':
			sock = optarg;
			break;
		case 'n':
			name = optarg;
			break;
		case 't':
			timeout = atoi(optarg);
			break;
		case 'O':
			old_client = true;
			break;
		default:
			fputs(usage, c == 'h' ? stdout : stderr);
			return c == 'h' ? 0 : 2;
		}
	}
	if (optind < argc && strcmp(argv[optind], "-")) {
		in = fopen(argv[optind], "r");
		if (!in) {
			perror(argv[optind]);
			return 2;
		}
	}
	/* No SA_RESTART: a signal ends a poll() at once. */
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	mc = mgmc_connect_as(sock, name);
	if (!mc) {
		fprintf(stderr, "mgm-remote: %s: %s %s\n",
			sock ? sock : MGM_IPC_SOCKET_DEFAULT, strerror(errno),
			mgmc_last_error());
		return 1;
	}
	if (timeout != -2)
		mgmc_set_timeout(mc, timeout);
	mgmc_on_shutdown(mc, on_shutdown, NULL);
	if (!old_client)
		mgmc_on_interface(mc, on_interface, NULL);
	out("connected, callback timeout %u ms, features 0x%x%s",
	    mgmc_callback_timeout_ms(mc), mgmc_daemon_features(mc),
	    old_client ? " (interface events ignored)" : "");
	while (!stop && fgets(line, sizeof(line), in)) {
		char *w[MAX_WORDS], *save = NULL, *t;
		int n = 0;

		line_no++;
		if ((t = strchr(line, '#')))
			*t = '\0';
		for (t = strtok_r(line, " \t\r\n", &save); t && n < MAX_WORDS;
		     t = strtok_r(NULL, " \t\r\n", &save))
			w[n++] = t;
		if (n)
			run(w, n);
		pump(0);
	}
	if (stop) {
		out("signal: shutting down");
		shutdown_all();
	}
	mgmc_close(mc);
	out("bye");
	return 0;
}
