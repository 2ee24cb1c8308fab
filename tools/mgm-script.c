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
 * A protocol registered with the ID "igmp" behaves as MGM requires of IGMP:
 * it remembers its memberships, stops touching an interface when MGM
 * disables it, and after the enable callback re-adds them -- deferred, from
 * the main loop, never from inside the callback.
 *
 * Commands:
 *   attach IF...                 attach the forwarder
 *   proto NAME ID COMPONENT      register (ID: number or "igmp")
 *   take NAME IF | release NAME IF | deregister NAME
 *   join NAME IF GROUP [SOURCE]  JOIN_STATE membership ((*,G) or (S,G))
 *   leave NAME IF GROUP [SOURCE]
 *   run SECONDS                  dispatch events for that long
 *   wait FILE                    wait until FILE exists (sync with a test)
 *   touch FILE                   create FILE
 *   show                         the MFE table through mgm_get_first/next_mfe
 *   stale NAME                   call every handle-taking function with the
 *                                (deregistered) handle, print the results
 *   echo TEXT
 */
#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
#include <net/if.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "dp/dp.h"
#include "mgm/mgm.h"

#define MAX_PROTOS 8
#define MAX_MEMBERS 256

struct member {
	uint32_t source, group, ifindex;
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

static const char *ip(uint32_t a, char *buf)
{
	return inet_ntop(AF_INET, &a, buf, INET_ADDRSTRLEN);
}

/* ---- callbacks: print them; IGMP defers its re-adds --------------- */

static uint32_t cb_rpf(void *ctx, uint32_t s, uint32_t sm, uint32_t g,
		       uint32_t gm, uint32_t *iif, uint32_t *nh, uint32_t *up,
		       uint32_t hs, const uint8_t *hdr,
		       struct mgm_route_info *route)
{
	struct proto *p = ctx;
	char a[16], b[16], i[IF_NAMESIZE];

	(void)sm, (void)gm, (void)nh, (void)up, (void)hs, (void)hdr;
	(void)route;
	out("cb %s rpf %s %s iif %s", p->name, ip(s, a), ip(g, b),
	    ifn(*iif, i));
	return 0;
}

static uint32_t cb_creation(void *ctx, uint32_t s, uint32_t sm, uint32_t g,
			    uint32_t gm, uint32_t iif, uint32_t nh, uint32_t n,
			    struct mgm_if_entry *oifs)
{
	struct proto *p = ctx;
	char a[16], b[16], i[IF_NAMESIZE], list[256] = "";
	uint32_t k;

	(void)sm, (void)gm, (void)nh;
	for (k = 0; k < n; k++) {
		strncat(list, " ", sizeof(list) - strlen(list) - 1);
		strncat(list, ifn(oifs[k].ifindex, i),
			sizeof(list) - strlen(list) - 1);
	}
	out("cb %s creation %s %s iif %s oifs%s", p->name, ip(s, a), ip(g, b),
	    ifn(iif, i), list);
	return 0;
}

static uint32_t cb_prune(void *ctx, uint32_t s, uint32_t sm, uint32_t g,
			 uint32_t gm, uint32_t ifindex, uint32_t nh,
			 int32_t del, uint32_t *timeout)
{
	struct proto *p = ctx;
	char a[16], b[16], i[IF_NAMESIZE];

	(void)sm, (void)gm, (void)nh, (void)timeout;
	out("cb %s prune %s %s if %s member_delete %d", p->name, ip(s, a),
	    ip(g, b), ifn(ifindex, i), del);
	return 0;
}

static uint32_t cb_join(void *ctx, uint32_t s, uint32_t sm, uint32_t g,
			uint32_t gm, int32_t upd)
{
	struct proto *p = ctx;
	char a[16], b[16];

	(void)sm, (void)gm;
	out("cb %s join %s %s member_update %d", p->name, ip(s, a), ip(g, b),
	    upd);
	return 0;
}

static uint32_t cb_wrong_if(void *ctx, uint32_t s, uint32_t g, uint32_t ifx,
			    uint32_t nh, uint32_t hs, const uint8_t *hdr)
{
	struct proto *p = ctx;
	char a[16], b[16], i[IF_NAMESIZE];

	(void)nh, (void)hdr;
	out("cb %s wrong_if %s %s if %s hdr %u", p->name, ip(s, a), ip(g, b),
	    ifn(ifx, i), hs);
	return 0;
}

static uint32_t cb_local(void *ctx, const char *what, uint32_t s, uint32_t g,
			 uint32_t ifindex)
{
	struct proto *p = ctx;
	char a[16], b[16], i[IF_NAMESIZE];

	out("cb %s %s %s %s if %s", p->name, what, ip(s, a), ip(g, b),
	    ifn(ifindex, i));
	return 0;
}

static uint32_t cb_local_join(void *ctx, uint32_t s, uint32_t sm, uint32_t g,
			      uint32_t gm, uint32_t ifindex, uint32_t nh)
{
	(void)sm, (void)gm, (void)nh;
	return cb_local(ctx, "local_join", s, g, ifindex);
}

static uint32_t cb_local_leave(void *ctx, uint32_t s, uint32_t sm, uint32_t g,
			       uint32_t gm, uint32_t ifindex, uint32_t nh)
{
	(void)sm, (void)gm, (void)nh;
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
	char b[16], i[IF_NAMESIZE];
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
				r = mgm_add_group_membership_entry(
					mgm, p->h, mb->source,
					mb->source ? 0xffffffff : 0, mb->group,
					0xffffffff, ifindex, 0,
					MGM_JOIN_STATE_FLAG);
				out("%s re-add %s if %s -> %s", p->name,
				    ip(mb->group, b), ifn(ifindex, i),
				    mgm_strerror(r));
			}
		}
	}
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

static uint32_t addr_arg(const char *s)
{
	struct in_addr a;

	if (inet_pton(AF_INET, s, &a) != 1)
		die("bad address '%s'", s);
	return a.s_addr;
}

static void run_for(double secs)
{
	uint64_t end = now_ns() + (uint64_t)(secs * 1e9);
	struct pollfd pfd = { .fd = mgm_fd(mgm), .events = POLLIN };

	do {
		int t = mgm_timeout_ms(mgm);
		int64_t left = (int64_t)(end - now_ns()) / 1000000;

		if (t < 0 || t > left)
			t = left > 0 ? (int)left : 0;
		if (t > 50)
			t = 50;
		poll(&pfd, 1, t);
		mgm_dispatch(mgm);
		igmp_readd();
	} while (now_ns() < end);
}

static void membership(struct proto *p, bool add, char **argv, int argc)
{
	uint32_t ifindex = if_arg(argv[0]), group = addr_arg(argv[1]);
	uint32_t source = argc > 2 ? addr_arg(argv[2]) : 0, r;
	char b[16], i[IF_NAMESIZE];
	int m;

	if (add)
		r = mgm_add_group_membership_entry(mgm, p->h, source,
						   source ? 0xffffffff : 0,
						   group, 0xffffffff, ifindex,
						   0, MGM_JOIN_STATE_FLAG);
	else
		r = mgm_delete_group_membership_entry(
			mgm, p->h, source, source ? 0xffffffff : 0, group,
			0xffffffff, ifindex, 0, MGM_JOIN_STATE_FLAG);
	out("%s %s %s if %s -> %s", p->name, add ? "join" : "leave",
	    ip(group, b), ifn(ifindex, i), mgm_strerror(r));
	if (!p->igmp || r != MGM_NO_ERROR)
		return;
	/* IGMP remembers its members, to re-add them after an enable. */
	for (m = 0; m < p->n_members; m++)
		if (p->members[m].group == group &&
		    p->members[m].source == source &&
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
	uint8_t buf[8192];
	uint32_t size, n, r, k, j;
	struct mgm_ipmcast_mfe last = { 0 };
	bool first = true;
	char a[16], b[16], i[IF_NAMESIZE];

	do {
		size = sizeof(buf);
		r = first ? mgm_get_first_mfe(mgm, &size, buf, &n) :
			    mgm_get_next_mfe(mgm, &last, &size, buf, &n);
		first = false;
		for (k = 0, j = 0; k < n; k++) {
			struct mgm_ipmcast_mfe *e = (void *)(buf + j);
			char list[256] = "";
			uint32_t o;

			for (o = 0; o < e->num_oifs; o++) {
				strncat(list, " ",
					sizeof(list) - strlen(list) - 1);
				strncat(list, ifn(e->oifs[o].out_ifindex, i),
					sizeof(list) - strlen(list) - 1);
			}
			out("mfe %s %s iif %s oifs%s", ip(e->source, a),
			    ip(e->group, b), ifn(e->in_ifindex, i),
			    e->num_oifs ? list : " (negative)");
			last = *e;
			j += MGM_SIZEOF_MFE(e->num_oifs);
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
	} else if (!strcmp(argv[0], "proto") && argc == 4) {
		struct proto *p = &protos[n_protos];
		struct mgm_protocol_config cfg = {
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
		snprintf(p->name, sizeof(p->name), "%s", argv[1]);
		p->igmp = !strcmp(argv[2], "igmp");
		id = p->igmp ? MGM_MS_IP_IGMP : strtoul(argv[2], NULL, 0);
		r = mgm_register_protocol(mgm, &cfg, id,
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
	} else if (!strcmp(argv[0], "release") && argc == 3) {
		struct proto *p = proto_by_name(argv[1]);
		uint32_t r;

		out("%s release %s begin", p->name, argv[2]);
		r = mgm_release_interface_ownership(mgm, p->h, if_arg(argv[2]),
						    0);
		out("%s release %s -> %s", p->name, argv[2], mgm_strerror(r));
		igmp_readd();
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
	mgm_destroy(mgm);
	mgm_dp_close(dp);
	return 0;
}
