// SPDX-License-Identifier: GPL-2.0
/*
 * mgm-dp - drive the datapath layer directly, without the MGM controller.
 *
 * For tests, benchmarks and debugging of the fast path: create or adopt the
 * pinned maps, attach the forwarder, install MFEs by hand, release an
 * interface, read counters, watch events.  Operators use mgmctl; this tool
 * bypasses every MGM rule on purpose.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
#include <net/if.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "dp/dp.h"

static const char usage_text[] =
	"Usage: mgm-dp [OPTIONS] COMMAND [ARGS]\n"
	"\n"
	"Options:\n"
	"  -r, --pin-root DIR   pinned maps (default " MGM_PIN_ROOT_DEFAULT
	")\n"
	"      --mfe-max N      MFE capacity when creating the maps\n"
	"      --oset-max N     out-set pool size when creating the maps\n"
	"      --iproute2       link the maps where `ip link ... xdp obj` finds them\n"
	"  -h, --help\n"
	"\n"
	"Commands:\n"
	"  init                          create (or adopt) and pin the maps\n"
	"  unpin                         remove the pinned maps\n"
	"  attach IF [auto|native|skb|tc] attach the forwarder\n"
	"  detach IF                     detach our forwarder (never another)\n"
	"  if-set IF TTL-THRESHOLD       egress TTL threshold of IF\n"
	"  mfe-set SRC GRP IIF [OIF...]  install/replace (no OIF: negative)\n"
	"  mfe-del SRC GRP               delete\n"
	"  mfe-counters SRC GRP          counters of one MFE\n"
	"  release IF                    remove IF from all forwarding state\n"
	"  flip SRC GRP IIF A,B C,D N US alternate the out-set N times\n"
	"  show                          MFEs with counters (IPv4, then IPv6)\n"
	"  counters                      global counters\n"
	"  if-counters IF                egress counters of IF\n"
	"  if-refresh IF                 re-read MAC, MTU, xdp-features of IF\n"
	"  events [SECONDS]              print fast-path events\n"
	"  probe [FEATURE]               optional kernel features (ipmr, ip6mr):\n"
	"                                exit 0 if all named are there, 1 if not\n"
	"\n"
	"SRC and GRP are IPv4 or IPv6 addresses (both of one family).\n"
	"\n"
	"Example: mgm-dp -r /sys/fs/bpf/t1 mfe-set 192.0.2.1 239.1.1.1 eth0 eth1 eth2\n"
	"         mgm-dp -r /sys/fs/bpf/t1 mfe-set 2001:db8::1 ff0e::1 eth0 eth1\n";

static void die(const char *what, int err)
{
	fprintf(stderr, "mgm-dp: %s: %s\n", what,
		strerror(err < 0 ? -err : err));
	exit(1);
}

static uint32_t ifidx(const char *name)
{
	uint32_t i = if_nametoindex(name);

	if (!i) {
		fprintf(stderr, "mgm-dp: unknown interface '%s'\n", name);
		exit(2);
	}
	return i;
}

/* An (S,G) of either family, as given on the command line. */
struct sg {
	int family;
	uint32_t s4, g4;
	struct in6_addr s6, g6;
};

static struct sg parse_sg(const char *src, const char *grp)
{
	struct sg sg = { .family = AF_INET };
	struct in_addr a, b;

	if (inet_pton(AF_INET, src, &a) == 1 &&
	    inet_pton(AF_INET, grp, &b) == 1) {
		sg.s4 = a.s_addr;
		sg.g4 = b.s_addr;
		return sg;
	}
	if (inet_pton(AF_INET6, src, &sg.s6) == 1 &&
	    inet_pton(AF_INET6, grp, &sg.g6) == 1) {
		sg.family = AF_INET6;
		return sg;
	}
	fprintf(stderr,
		"mgm-dp: '%s' '%s': not two IPv4 or two IPv6 addresses\n", src,
		grp);
	exit(2);
}

static int sg_install(struct mgm_dp *dp, const struct sg *sg, uint32_t iif,
		      const uint32_t *oifs, uint32_t n)
{
	if (sg->family == AF_INET6)
		return mgm_dp_mfe6_install(dp, &sg->s6, &sg->g6, iif, oifs, n);
	return mgm_dp_mfe_install(dp, sg->s4, sg->g4, iif, oifs, n);
}

static uint32_t parse_set(char *list, uint32_t *out)
{
	uint32_t n = 0;
	char *tok, *save = NULL;

	for (tok = strtok_r(list, ",", &save); tok && n < MGM_OSET_MAX_OIFS;
	     tok = strtok_r(NULL, ",", &save))
		out[n++] = ifidx(tok);
	return n;
}

static uint64_t mono_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

/* One line of show: addresses as text, then what both families have. */
static void show_line(const char *s, const char *g, uint32_t iif, bool neg,
		      uint32_t oset_slot, const uint32_t *oifs, uint32_t n,
		      uint16_t flags, const struct mgm_dp_mfe_counters *c)
{
	char ifn[IF_NAMESIZE];
	uint32_t i;

	printf("%-15s %-15s iif %-8s", s, g,
	       if_indextoname(iif, ifn) ? ifn : "?");
	if (neg)
		printf(" negative");
	else
		printf(" set %u oifs", oset_slot);
	for (i = 0; i < n; i++)
		printf(" %s", if_indextoname(oifs[i], ifn) ? ifn : "?");
	printf("  pkts %llu bytes %llu wrong_if %llu ttl %llu neg %llu",
	       (unsigned long long)c->packets, (unsigned long long)c->bytes,
	       (unsigned long long)c->wrong_if,
	       (unsigned long long)c->ttl_expired,
	       (unsigned long long)c->negative);
	/* A kernel-mirrored entry: packets it left to the kernel. */
	if (flags & MGM_MFE_F_KERNEL_KEEPALIVE)
		printf(" keepalive %llu", (unsigned long long)c->kernel_passes);
	putchar('\n');
}

static int show_one(void *arg, const struct mgm_dp_mfe_info *m)
{
	char s[INET_ADDRSTRLEN], g[INET_ADDRSTRLEN];

	(void)arg;
	inet_ntop(AF_INET, &m->source, s, sizeof(s));
	inet_ntop(AF_INET, &m->group, g, sizeof(g));
	show_line(s, g, m->iif, m->negative, m->oset_slot, m->oifs, m->n_oifs,
		  m->flags, &m->counters);
	return 0;
}

/* show, for an IPv6 entry: the same line as show_one. */
static int show_one6(void *arg, const struct mgm_dp_mfe6_info *m)
{
	char s[INET6_ADDRSTRLEN], g[INET6_ADDRSTRLEN];

	(void)arg;
	inet_ntop(AF_INET6, &m->source, s, sizeof(s));
	inet_ntop(AF_INET6, &m->group, g, sizeof(g));
	show_line(s, g, m->iif, m->negative, m->oset_slot, m->oifs, m->n_oifs,
		  m->flags, &m->counters);
	return 0;
}

static void print_event(void *ctx, const struct mgm_dp_event *ev)
{
	char s[MGM_ADDRSTRLEN], g[MGM_ADDRSTRLEN];

	(void)ctx;
	printf("%s %s %s ifindex %u hdr %u ip_len %u\n",
	       ev->type == MGM_DP_EV_MISS ? "miss" : "wrong-if",
	       mgm_addr_ntop(&ev->source, s, sizeof(s)),
	       mgm_addr_ntop(&ev->group, g, sizeof(g)), ev->ifindex,
	       ev->hdr_len, ev->ip_len);
	fflush(stdout);
}

/* probe [FEATURE...]: one line per feature, "NAME: yes" or "NAME: no: WHY". */
static int probe(int argc, char **argv)
{
	char why[256];
	int i, f, ret = 0;

	for (i = 0; i < (argc ? argc : MGM_FEAT__N); i++) {
		f = argc ? mgm_feature_by_name(argv[i]) : i;
		if (f < 0) {
			fprintf(stderr, "mgm-dp: unknown feature '%s'\n",
				argv[i]);
			return 2;
		}
		if (mgm_feature_probe(f, why, sizeof(why)) == 1) {
			printf("%s: yes\n", mgm_feature_name(f));
		} else {
			printf("%s: no: %s\n", mgm_feature_name(f), why);
			ret = 1;
		}
	}
	return ret;
}

static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

int main(int argc, char **argv)
{
	static const struct option lopts[] = {
		{ "pin-root", required_argument, NULL, 'r' },
		{ "mfe-max", required_argument, NULL, 'M' },
		{ "oset-max", required_argument, NULL, 'O' },
		{ "iproute2", no_argument, NULL, 'I' },
		{ "help", no_argument, NULL, 'h' },
		{},
	};
	struct mgm_dp_opts o = { 0 };
	struct mgm_dp *dp = NULL;
	const char *cmd;
	int c, err;

	while ((c = getopt_long(argc, argv, "+r:h", lopts, NULL)) != -1) {
		switch (c) {
		case 'r':
			o.pin_root = optarg;
			break;
		case 'M':
			o.mfe_max = strtoul(optarg, NULL, 0);
			break;
		case 'O':
			o.oset_max = strtoul(optarg, NULL, 0);
			break;
		case 'I':
			o.iproute2_links = true;
			break;
		case 'h':
			fputs(usage_text, stdout);
			return 0;
		default:
			fputs(usage_text, stderr);
			return 2;
		}
	}
	if (optind >= argc) {
		fputs(usage_text, stderr);
		return 2;
	}
	cmd = argv[optind++];
	argc -= optind;
	argv += optind;

	if (!strcmp(cmd, "probe"))
		return probe(argc, argv);
	if (!strcmp(cmd, "unpin")) {
		err = mgm_dp_unpin(o.pin_root);
		if (err)
			die("unpin", err);
		return 0;
	}
	if (!strcmp(cmd, "detach") && argc == 1) {
		/* With our maps at hand, "ours" means: uses them. */
		o.readonly = true;
		o.identify_only = true;
		if (mgm_dp_open(&o, &dp))
			dp = NULL;
		err = mgm_dp_detach(dp, ifidx(argv[0]));
		mgm_dp_close(dp);
		if (err)
			die("detach", err);
		return 0;
	}
	/* The forwarders are verified only by a command that attaches. */
	o.lazy_forwarders = true;
	o.readonly = !strcmp(cmd, "show") || !strcmp(cmd, "counters") ||
		     !strcmp(cmd, "if-counters") ||
		     !strcmp(cmd, "mfe-counters");
	err = mgm_dp_open(&o, &dp);
	if (err)
		die("open", err);

	if (!strcmp(cmd, "init")) {
		printf("maps under %s: %u MFEs, %u out-sets\n",
		       mgm_dp_pin_root(dp), mgm_dp_mfe_max(dp),
		       mgm_dp_oset_max(dp));
	} else if (!strcmp(cmd, "attach") && argc >= 1) {
		enum mgm_dp_xdp_mode mode = MGM_DP_XDP_AUTO;

		if (argc > 1 && !strcmp(argv[1], "native"))
			mode = MGM_DP_XDP_NATIVE;
		else if (argc > 1 && !strcmp(argv[1], "skb"))
			mode = MGM_DP_XDP_SKB;
		else if (argc > 1 && !strcmp(argv[1], "tc"))
			mode = MGM_DP_TC_ONLY;
		err = mgm_dp_attach(dp, ifidx(argv[0]), mode);
	} else if (!strcmp(cmd, "if-refresh") && argc == 1) {
		err = mgm_dp_if_refresh(dp, ifidx(argv[0]));
	} else if (!strcmp(cmd, "if-set") && argc == 2) {
		err = mgm_dp_if_set(dp, ifidx(argv[0]), atoi(argv[1]));
	} else if (!strcmp(cmd, "mfe-set") && argc >= 3) {
		uint32_t oifs[MGM_OSET_MAX_OIFS], n = 0;
		int i;

		struct sg sg = parse_sg(argv[0], argv[1]);

		for (i = 3; i < argc && n < MGM_OSET_MAX_OIFS; i++)
			oifs[n++] = ifidx(argv[i]);
		err = sg_install(dp, &sg, ifidx(argv[2]), oifs, n);
	} else if (!strcmp(cmd, "mfe-del") && argc == 2) {
		struct sg sg = parse_sg(argv[0], argv[1]);

		err = sg.family == AF_INET6 ?
			      mgm_dp_mfe6_delete(dp, &sg.s6, &sg.g6) :
			      mgm_dp_mfe_delete(dp, sg.s4, sg.g4);
	} else if (!strcmp(cmd, "mfe-counters") && argc == 2) {
		struct sg sg = parse_sg(argv[0], argv[1]);
		struct mgm_dp_mfe_counters mc;

		err = sg.family == AF_INET6 ?
			      mgm_dp_mfe6_counters(dp, &sg.s6, &sg.g6, &mc) :
			      mgm_dp_mfe_counters(dp, sg.s4, sg.g4, &mc);
		if (!err)
			printf("packets %llu bytes %llu wrong_if %llu ttl_expired %llu negative %llu too_big %llu kernel_passes %llu\n",
			       (unsigned long long)mc.packets,
			       (unsigned long long)mc.bytes,
			       (unsigned long long)mc.wrong_if,
			       (unsigned long long)mc.ttl_expired,
			       (unsigned long long)mc.negative,
			       (unsigned long long)mc.too_big,
			       (unsigned long long)mc.kernel_passes);
	} else if (!strcmp(cmd, "release") && argc == 1) {
		err = mgm_dp_release_if(dp, ifidx(argv[0]));
		if (err >= 0) {
			/* The moment the guarantee starts, for the tests. */
			printf("released %d entries, returned_ns %llu\n", err,
			       (unsigned long long)mono_ns());
			err = 0;
		}
	} else if (!strcmp(cmd, "flip") && argc == 7) {
		uint32_t a[MGM_OSET_MAX_OIFS], b[MGM_OSET_MAX_OIFS], na, nb;
		struct sg sg = parse_sg(argv[0], argv[1]);
		uint32_t iif = ifidx(argv[2]);
		long n = atol(argv[5]), us = atol(argv[6]), i;

		na = parse_set(argv[3], a);
		nb = parse_set(argv[4], b);
		for (i = 0; i < n && !err; i++) {
			err = sg_install(dp, &sg, iif, i & 1 ? b : a,
					 i & 1 ? nb : na);
			usleep(us);
		}
		printf("flipped %ld times\n", i);
	} else if (!strcmp(cmd, "show")) {
		err = mgm_dp_mfe_foreach(dp, show_one, NULL);
		err = err ?: mgm_dp_mfe6_foreach(dp, show_one6, NULL);
	} else if (!strcmp(cmd, "counters")) {
		struct mgm_counters cnt;
		const __u64 *v = (const __u64 *)&cnt;
		int i = 0;

		err = mgm_dp_counters(dp, &cnt);
#define PRINT_CNT(name, desc) \
	printf("%-16s %llu\n", #name, (unsigned long long)v[i++]);
		if (!err) {
			MGM_COUNTERS(PRINT_CNT)
		}
#undef PRINT_CNT
	} else if (!strcmp(cmd, "if-counters") && argc == 1) {
		struct mgm_dp_if_counters ic;

		err = mgm_dp_if_counters(dp, ifidx(argv[0]), &ic);
		if (!err)
			printf("out_packets %llu out_bytes %llu ttl_too_low %llu discards %llu frag_needed %llu tx %s\n",
			       (unsigned long long)ic.out_packets,
			       (unsigned long long)ic.out_bytes,
			       (unsigned long long)ic.ttl_too_low,
			       (unsigned long long)ic.discards,
			       (unsigned long long)ic.frag_needed,
			       mgm_dp_tx_name(
				       mgm_dp_if_tx(dp, ifidx(argv[0]))));
	} else if (!strcmp(cmd, "events")) {
		uint64_t end =
			mono_ns() +
			(uint64_t)(argc ? atof(argv[0]) : 1e9) * 1000000000ULL;
		struct pollfd pfd = { .fd = mgm_dp_event_fd(dp),
				      .events = POLLIN };

		signal(SIGINT, on_signal);
		signal(SIGTERM, on_signal);
		while (!stop && mono_ns() < end && pfd.fd >= 0) {
			if (poll(&pfd, 1, 100) > 0)
				mgm_dp_event_poll(dp, print_event, NULL);
		}
		/* What arrived before the stop: stopping early loses none. */
		if (pfd.fd >= 0)
			mgm_dp_event_poll(dp, print_event, NULL);
	} else {
		fprintf(stderr, "mgm-dp: bad command or arguments: %s\n", cmd);
		fputs(usage_text, stderr);
		mgm_dp_close(dp);
		return 2;
	}
	mgm_dp_close(dp);
	if (err)
		die(cmd, err);
	return 0;
}
