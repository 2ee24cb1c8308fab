// SPDX-License-Identifier: GPL-2.0
/*
 * mcbench - forwarding benchmark: our XDP fast path side by side with the
 * kernel's multicast routing (ipmr), with nftables netdev replication
 * (nft-dup) and with the XDP ceiling, on the same generator and the same
 * topology, in one run.
 *
 * Topology (network namespaces named mcb<pid>-*, removed on exit and ^C):
 *
 *   mcb<pid>-src           mcb<pid>-rtr                 mcb<pid>-rcv1..16
 *   s0 192.0.2.253 ---- in 192.0.2.254
 *                           o1 198.51.100.1/30 ------ x0 198.51.100.2 [count]
 *                           ...
 *                           o16 198.51.100.61/30 ---- x0 198.51.100.62 [count]
 *
 * Every receiver runs bpf/mcbench_count.bpf.c on x0: it counts the routed
 * frames and drops them, and it is what makes an XDP redirect into the
 * veth deliver at all.
 *
 * Traffic is injected on "in" with BPF_PROG_TEST_RUN in live-frame mode
 * through bpf/mcbench_gen.bpf.c, which restores the TTL and checksum of
 * every recycled frame and writes into it the (S,G) of a table entry
 * drawn at random, uniformly or Zipf-distributed (set_ranks()), then
 * tail-calls the forwarder under test:
 *   ours     bpf/mgm_fwd.bpf.c, entries installed by the datapath layer
 *            (mgm_dp_mfe_install, what libmgm calls);
 *   ipmr     no tail call: the frame goes up the stack on "in", into the
 *            kernel's multicast routing with the same (S,G) entries,
 *            installed through the multicast routing socket (MRT_ADD_MFC);
 *   nft-dup  no tail call either: an nftables netdev ingress chain on
 *            "in" with one rule, "dup to" each outgoing device, then drop.
 *            Not a router: no TTL decrement, no MAC rewrite, no RPF check,
 *            no per-(S,G) lookup, so it is measured on 1-entry tables only;
 *   ceiling  bpf/mcbench_ceiling.bpf.c: TTL and one broadcast redirect
 *            into a single devmap holding the same outgoing interfaces;
 * and, to split ours' distance to the ceiling, the ceiling again with
 * ours' egress program on its copies.  The forwarders are measured in
 * turns, round after round of short trials, so that the drift of a shared
 * machine hits all of them alike; ratios are taken within a round.
 *
 * ipmr and nft-dup need optional kernel features (and nft-dup the nft
 * command): where one is missing, or listed in MGM_NO_FEATURES ("ipmr",
 * "nft-dup"), its column says n/a and why, and goals against it are
 * reported as not measured, never as met or missed.
 *
 * Rates are frames per second of CPU time spent on them (see live_run()):
 * the forwarding, every copy and the receivers' XDP all run on the
 * injecting CPU, so a rate is what one core does, receivers included.
 * Two-CPU cases inject from one pinned thread per CPU at once, each on its
 * own RX queue of "in" (every veth has NQ queues), to the same entries or
 * to a set per CPU, and compare the aggregate with each forwarder on one
 * CPU in the same rounds (live_run2()).
 *
 * It also measures the per-packet cost of the programs alone (non-live
 * BPF_PROG_TEST_RUN) for the hit, miss, wrong-interface and TTL-expired
 * paths, and how a hit splits into the (S,G) lookup, the per-entry
 * counters and the rest (bpf/mcbench_probe.bpf.c), with one entry and
 * with the hits spread over the whole table.
 *
 * Usage: mcbench [--quick|--full] [--json|--markdown] [--svg FILE]
 *                [--json-file FILE] [--trials N] [--seconds S] [--cpu N]
 *                [--batch N] [--traffic uniform|zipf|both] [--tables L]
 *                [--cpus 1|2] [--list] [-q]
 *                [--case BYTES,FANOUT,ENTRIES[,TRAFFIC[,CPUS[,SETS]]]]...
 *
 * The report is in tools/mcbench/report.c, the plot in
 * tools/mcbench/plot.c (declarations in tools/mcbench.h); helpers the
 * benchmarks share in tools/bench/ (tools/bench.h).
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <linux/mroute.h>
#include <linux/if_link.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <net/if.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "bench.h"
#include "dp/dp.h"
#include "mcbench.h"
#include "mcbench_ceiling.skel.h"
#include "mcbench_count.skel.h"
#include "mcbench_gen.skel.h"
#include "mcbench_probe.skel.h"

const char *const traffic_name[N_TRAFFIC] = { "uniform", "zipf" };
const char *const fwd_name[N_FWD] = { "ours",		"ipmr",
				      "nft_dup",	"ceiling",
				      "ceiling_egress", "ceiling_fair" };
const char *const fwd_label[N_FWD] = {
	"ours", "ipmr", "nft-dup", "ceiling", "ceiling + egress", "fair ceiling"
};

struct bench B = { .orig_ns = -1, .rtr_ns = -1, .mrt_fd = -1 };
static volatile sig_atomic_t stop;

static void cleanup(void);

static void die(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "mcbench: ");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(1);
}

static void progress(const char *fmt, ...)
{
	va_list ap;

	if (B.quiet)
		return;
	fprintf(stderr, "mcbench: ");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

/* ^C and friends end the run the normal way, through cleanup(). */
static void check_stop(void)
{
	if (stop) {
		fprintf(stderr, "mcbench: interrupted\n");
		exit(130);
	}
}

static void on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

static void enter_ns(int fd)
{
	if (setns(fd, CLONE_NEWNET))
		die("setns: %s", strerror(errno));
}

static int open_ns(const char *name)
{
	char path[128];
	int fd;

	snprintf(path, sizeof(path), "/run/netns/%s", name);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		die("%s: %s", path, strerror(errno));
	return fd;
}

/* /proc/sys/net belongs to the network namespace of whoever opens it. */
static void sysctl_w(const char *path, const char *val)
{
	char p[160];
	int fd;

	snprintf(p, sizeof(p), "/proc/sys/%s", path);
	fd = open(p, O_WRONLY | O_CLOEXEC);
	if (fd < 0 || write(fd, val, strlen(val)) < 0)
		die("%s: %s", p, strerror(errno));
	close(fd);
}

/* Namespaces and pins of runs that died without cleaning up. */
static void remove_stale(void)
{
	struct dirent *de;
	DIR *d = opendir("/run/netns");
	int pid;

	while (d && (de = readdir(d))) {
		if (sscanf(de->d_name, "mcb%d-", &pid) == 1 &&
		    pid != getpid() && kill(pid, 0) && errno == ESRCH)
			sh("ip netns del %s 2>/dev/null || true", de->d_name);
	}
	if (d)
		closedir(d);
	d = opendir("/sys/fs/bpf");
	while (d && (de = readdir(d))) {
		char pin[300];

		if (sscanf(de->d_name, "mcbench-%d", &pid) == 1 &&
		    kill(pid, 0) && errno == ESRCH) {
			snprintf(pin, sizeof(pin), "/sys/fs/bpf/%s",
				 de->d_name);
			mgm_dp_unpin(pin);
		}
	}
	if (d)
		closedir(d);
}

static void cleanup(void)
{
	static bool done;
	int i;

	if (done)
		return;
	done = true;
	if (B.mrt_fd >= 0)
		close(B.mrt_fd);
	if (B.dp) {
		mgm_dp_close(B.dp);
		mgm_dp_unpin(B.pin);
	}
	for (i = 0; i < MAX_FANOUT; i++)
		mcbench_count__destroy(B.cnt[i]);
	mcbench_ceiling__destroy(B.ceil);
	mcbench_probe__destroy(B.probe);
	mcbench_gen__destroy(B.gen);
	if (B.orig_ns >= 0 && setns(B.orig_ns, CLONE_NEWNET))
		fprintf(stderr, "mcbench: setns: %s\n", strerror(errno));
	if (B.rtr_ns >= 0)
		close(B.rtr_ns);
	for (i = 0; i < B.n_ns; i++) {
		char cmd[128];

		snprintf(cmd, sizeof(cmd), "/run/netns/%s", B.ns[i]);
		if (access(cmd, F_OK))
			continue; /* never created */
		snprintf(cmd, sizeof(cmd), "ip netns del %s", B.ns[i]);
		if (system(cmd))
			fprintf(stderr, "mcbench: cannot remove netns %s\n",
				B.ns[i]);
	}
}

/* ------------------------------------------------------------------ */
/* Topology                                                             */

static void add_ns(const char *suffix)
{
	snprintf(B.ns[B.n_ns], sizeof(B.ns[0]), "mcb%d-%s", getpid(), suffix);
	/* Counted before creation: a failure half-way is still cleaned. */
	B.n_ns++;
	sh("ip netns add %s", B.ns[B.n_ns - 1]);
}

/* Quiet namespaces: no IPv6 (router solicitations, MLD), no rp_filter. */
static void ns_defaults(const char *name)
{
	int fd = open_ns(name);

	enter_ns(fd);
	close(fd);
	sysctl_w("net/ipv6/conf/all/disable_ipv6", "1");
	sysctl_w("net/ipv6/conf/default/disable_ipv6", "1");
	sysctl_w("net/ipv4/conf/all/rp_filter", "0");
	sysctl_w("net/ipv4/conf/default/rp_filter", "0");
	sh("ip -n %s link set lo up", name);
}

static void topology(void)
{
	const char *rtr, *src;
	char name[16];
	int k, fd;

	B.orig_ns = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
	if (B.orig_ns < 0)
		die("/proc/self/ns/net: %s", strerror(errno));
	add_ns("rtr");
	add_ns("src");
	for (k = 0; k < MAX_FANOUT; k++) {
		snprintf(name, sizeof(name), "rcv%d", k + 1);
		add_ns(name);
	}
	for (k = 0; k < B.n_ns; k++)
		ns_defaults(B.ns[k]);
	rtr = B.ns[0];
	src = B.ns[1];
	/*
	 * Every veth has NQ RX and TX queues: two CPUs inject on two RX
	 * queues of "in", and a veth hands the frames redirected into it to
	 * its peer's RX queue of the sending CPU, so that the two CPUs do
	 * not share the receivers' rings either.
	 */
	sh("ip -n %s link add in numtxqueues %d numrxqueues %d type veth "
	   "peer name s0 numtxqueues %d numrxqueues %d netns %s",
	   rtr, NQ, NQ, NQ, NQ, src);
	sh("ip -n %s addr add 192.0.2.254/24 dev in && "
	   "ip -n %s link set in up && "
	   "ip -n %s addr add 192.0.2.253/24 dev s0 && "
	   "ip -n %s link set s0 up",
	   rtr, rtr, src, src);
	for (k = 0; k < MAX_FANOUT; k++) {
		const char *rcv = B.ns[2 + k];

		sh("ip -n %s link add o%d numtxqueues %d numrxqueues %d type "
		   "veth peer name x0 numtxqueues %d numrxqueues %d netns %s",
		   rtr, k + 1, NQ, NQ, NQ, NQ, rcv);
		sh("ip -n %s addr add 198.51.100.%d/30 dev o%d && "
		   "ip -n %s link set o%d up && "
		   "ip -n %s addr add 198.51.100.%d/30 dev x0 && "
		   "ip -n %s link set x0 up",
		   rtr, 4 * k + 1, k + 1, rtr, k + 1, rcv, 4 * k + 2, rcv);
	}

	/*
	 * ipmr looks up an output route for every copy.  Without a route
	 * toward the group on the outgoing interface it builds a fresh one
	 * each time; with one it uses the cached route of the nexthop, a
	 * quarter to a third faster here.  The baseline gets the faster
	 * setup; --ipmr-plain measures it without.
	 */
	for (k = 0; !B.ipmr_plain && k < MAX_FANOUT; k++)
		sh("ip -n %s route add 224.0.0.0/4 dev o%d metric %d", rtr,
		   k + 1, k + 1);

	/* The receivers' counting programs, one instance each. */
	for (k = 0; k < MAX_FANOUT; k++) {
		struct mcbench_count *c;
		uint32_t ifx;
		int err;

		fd = open_ns(B.ns[2 + k]);
		enter_ns(fd);
		close(fd);
		c = mcbench_count__open();
		if (!c)
			die("cannot open the counting program");
		c->data->want_ttl = GEN_TTL - 1;
		if (mcbench_count__load(c))
			die("cannot load the counting program");
		B.cnt[k] = c;
		ifx = if_nametoindex("x0");
		err = bpf_xdp_attach(ifx,
				     bpf_program__fd(c->progs.mcbench_count),
				     XDP_FLAGS_DRV_MODE, NULL);
		if (err)
			die("attach to x0 in %s: %s", B.ns[2 + k],
			    strerror(-err));
	}

	/* From here on the process lives in the router. */
	B.rtr_ns = open_ns(rtr);
	enter_ns(B.rtr_ns);
	B.in_if = if_nametoindex("in");
	for (k = 0; k < MAX_FANOUT; k++) {
		snprintf(name, sizeof(name), "o%d", k + 1);
		B.out_if[k] = if_nametoindex(name);
		if (!B.out_if[k])
			die("no interface %s", name);
	}
}

/* ------------------------------------------------------------------ */
/* The three forwarders                                                 */

/* The breakdown programs, on the forwarder's own (pinned) maps. */
static void open_probe(void)
{
	struct bpf_map *maps[2];
	char path[128];
	int i, fd;

	B.probe = mcbench_probe__open();
	if (!B.probe)
		die("cannot open the probe programs");
	maps[0] = B.probe->maps.mgm_mfe;
	maps[1] = B.probe->maps.mgm_mfe_stats;
	for (i = 0; i < 2; i++) {
		snprintf(path, sizeof(path), "%s/%s", B.pin,
			 bpf_map__name(maps[i]));
		fd = bpf_obj_get(path);
		if (fd < 0 || bpf_map__reuse_fd(maps[i], fd))
			die("%s: %s", path, strerror(errno));
		close(fd);
	}
	if (mcbench_probe__load(B.probe))
		die("cannot load the probe programs");
}

static void open_forwarders(uint32_t mfe_max)
{
	struct mgm_dp_opts o = { .mfe_max = mfe_max, .oset_max = 64 };
	int one = 1, err, v;

	B.gen = mcbench_gen__open_and_load();
	B.ceil = mcbench_ceiling__open_and_load();
	if (!B.gen || !B.ceil)
		die("cannot load the generator or the ceiling program");
	B.gen->bss->ttl = GEN_TTL;
	B.gen->bss->src_count = SRC_COUNT;
	B.gen->bss->src_base = SRC_BASE;
	B.gen->bss->grp_base = GRP_BASE;
	if (B.gen->data->draw_src_count != SRC_COUNT)
		die("the generator draws with %u sources per group, not %u",
		    B.gen->data->draw_src_count, SRC_COUNT);
	if (mfe_max >= 1U << 25)
		die("at most %u entries", (1U << 25) - 1);

	snprintf(B.pin, sizeof(B.pin), "/sys/fs/bpf/mcbench-%d", getpid());
	o.pin_root = B.pin;
	err = mgm_dp_open(&o, &B.dp);
	if (err)
		die("cannot open the datapath: %s", strerror(-err));
	/*
	 * With MGM_NO_FEATURES=netdev-genl every interface counts as one
	 * XDP cannot transmit to, so every copy takes ours' tc path: the
	 * XDP program marks and passes the frame, mgm_tc_xmit on the
	 * ingress clones it to each member.  The tc half must then be on
	 * the ingress veth (the XDP half runs from the injection).
	 */
	if (mgm_feature_disabled("netdev-genl")) {
		err = mgm_dp_attach(B.dp, B.in_if, MGM_DP_XDP_AUTO);
		if (err)
			die("attach (tc path) on in: %s", strerror(-err));
		progress("ours: every copy through the tc path "
			 "(MGM_NO_FEATURES=netdev-genl)");
	}
	open_probe();

	/*
	 * Kernel multicast routing: VIF 0 is "in", VIFs 1..16 are o1..o16.
	 * Probed at start: a kernel without it has no column for it.
	 */
	if (B.absent[FWD_IPMR])
		return;
	B.mrt_fd = socket(AF_INET, SOCK_RAW | SOCK_CLOEXEC, IPPROTO_IGMP);
	if (B.mrt_fd < 0 ||
	    setsockopt(B.mrt_fd, IPPROTO_IP, MRT_INIT, &one, sizeof(one)))
		die("MRT_INIT: %s", strerror(errno));
	for (v = 0; v <= MAX_FANOUT; v++) {
		struct vifctl vc = {
			.vifc_vifi = v,
			.vifc_flags = VIFF_USE_IFINDEX,
			.vifc_threshold = 1,
			.vifc_lcl_ifindex = v ? B.out_if[v - 1] : B.in_if,
		};

		if (setsockopt(B.mrt_fd, IPPROTO_IP, MRT_ADD_VIF, &vc,
			       sizeof(vc)))
			die("MRT_ADD_VIF %d: %s", v, strerror(errno));
	}
}

/*
 * Run nft with cmds (one transaction) in the router's namespace, where
 * this process lives.  0 if it worked; -2 if there is no nft command;
 * otherwise -1 and, in why, the first line nft printed.
 */
static int nft(const char *cmds, char *why, size_t len)
{
	char cmd[1024], line[128];
	FILE *p;
	int st;

	snprintf(cmd, sizeof(cmd), "nft '%s' 2>&1", cmds);
	p = popen(cmd, "r");
	if (!p) {
		snprintf(why, len, "cannot run nft: %s", strerror(errno));
		return -1;
	}
	why[0] = '\0';
	while (fgets(line, sizeof(line), p))
		if (!why[0] && line[0] != '\n') {
			line[strcspn(line, "\n")] = '\0';
			snprintf(why, len, "nft: %s", line);
		}
	st = pclose(p);
	if (st == 0)
		return 0;
	if (WIFEXITED(st) && WEXITSTATUS(st) == 127) {
		snprintf(why, len,
			 "nft (Debian package nftables) is not installed");
		return -2;
	}
	if (!why[0])
		snprintf(why, len, "nft failed (status %d)", st);
	return -1;
}

static void nft_unload(void)
{
	char why[256];

	if (!B.nft_fanout)
		return;
	if (nft("delete table netdev mcbench", why, sizeof(why)))
		die("nft-dup: %s", why);
	B.nft_fanout = 0;
}

/*
 * The nft-dup baseline for fan-out n: an ingress chain on "in" whose one
 * rule copies every frame to o1..on and drops the original, so that the
 * stack does not also route it.  Loaded only while nft-dup is measured:
 * it would take ipmr's frames (and ours' misses) otherwise.  Returns as
 * nft() does.
 */
static int nft_load(uint32_t n, char *why, size_t len)
{
	char cmds[1024];
	uint32_t k;
	int l, err;

	if (B.nft_fanout == n)
		return 0;
	nft_unload();
	l = snprintf(cmds, sizeof(cmds),
		     "add table netdev mcbench; add chain netdev mcbench in "
		     "{ type filter hook ingress device \"in\" priority 0; "
		     "}; add rule netdev mcbench in");
	for (k = 0; k < n; k++)
		l += snprintf(cmds + l, sizeof(cmds) - l, " dup to \"o%u\"",
			      k + 1);
	snprintf(cmds + l, sizeof(cmds) - l, " drop");
	err = nft(cmds, why, len);
	if (err)
		return err;
	B.nft_fanout = n;
	return 0;
}

/*
 * Is nft-dup usable?  The nft command and the kernel's netdev dup
 * (CONFIG_NFT_DUP_NETDEV): load the ruleset once.
 */
static void nft_probe(void)
{
	char why[160];
	int err;

	if (mgm_feature_disabled("nft-dup")) {
		B.absent[FWD_NFT] = true;
		snprintf(B.why[FWD_NFT], sizeof(B.why[FWD_NFT]),
			 "nftables netdev dup treated as absent "
			 "(MGM_NO_FEATURES)");
		return;
	}
	err = nft_load(1, why, sizeof(why));
	if (err == -2) {
		B.absent[FWD_NFT] = true;
		snprintf(B.why[FWD_NFT], sizeof(B.why[FWD_NFT]), "%s", why);
	} else if (err) {
		B.absent[FWD_NFT] = true;
		snprintf(B.why[FWD_NFT], sizeof(B.why[FWD_NFT]),
			 "cannot load an nftables netdev dup rule "
			 "(CONFIG_NFT_DUP_NETDEV?): %s",
			 why);
	} else {
		nft_unload();
	}
}

static uint32_t entry_src(uint32_t i)
{
	return htonl(SRC_BASE + i % SRC_COUNT);
}

static uint32_t entry_grp(uint32_t i)
{
	return htonl(GRP_BASE + i / SRC_COUNT);
}

/* The MAC address of ifindex (in this namespace); zeros if unknown. */
static void if_mac(uint32_t ifindex, uint8_t mac[6])
{
	struct ifreq ifr;
	int s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);

	memset(&ifr, 0, sizeof(ifr));
	memset(mac, 0, 6);
	if (s < 0)
		return;
	if (if_indextoname(ifindex, ifr.ifr_name) &&
	    !ioctl(s, SIOCGIFHWADDR, &ifr))
		memcpy(mac, ifr.ifr_hwaddr.sa_data, 6);
	close(s);
}

/*
 * Install entries [0, n) with the given fan-out in both tables (ours and
 * ipmr's, if measured).  Tables only grow during a run, so the entries
 * measured at n are exactly those installed; a fan-out change rewrites
 * every entry, as a routing daemon would have to.  nft-dup has no table:
 * select_fwd() loads its rule for the fan-out.
 */
static void install(uint32_t n, uint32_t fanout)
{
	uint32_t i, from;
	double t;

	from = B.ours_fanout == fanout ? B.ours_n : 0;
	if (from < n) {
		t = now_s();
		for (i = from; i < n; i++) {
			int err = mgm_dp_mfe_install(B.dp, entry_src(i),
						     entry_grp(i), B.in_if,
						     B.out_if, fanout);
			if (err)
				die("mgm_dp_mfe_install: %s", strerror(-err));
			if (!(i & 0xffff))
				check_stop();
		}
		B.ours_install_s += now_s() - t;
		B.ours_installed += n - from;
		B.ours_n = n;
		B.ours_fanout = fanout;
	}

	from = B.ipmr_fanout == fanout ? B.ipmr_n : 0;
	if (!B.absent[FWD_IPMR] && from < n) {
		struct mfcctl mc;

		memset(&mc, 0, sizeof(mc));
		mc.mfcc_parent = 0;
		/* Threshold 1, as daemons use: forward if TTL > 1. */
		for (i = 0; i < fanout; i++)
			mc.mfcc_ttls[1 + i] = 1;
		t = now_s();
		for (i = from; i < n; i++) {
			mc.mfcc_origin.s_addr = entry_src(i);
			mc.mfcc_mcastgrp.s_addr = entry_grp(i);
			if (setsockopt(B.mrt_fd, IPPROTO_IP, MRT_ADD_MFC, &mc,
				       sizeof(mc)))
				die("MRT_ADD_MFC: %s", strerror(errno));
			if (!(i & 0xffff))
				check_stop();
		}
		B.ipmr_install_s += now_s() - t;
		B.ipmr_installed += n - from;
		B.ipmr_n = n;
		B.ipmr_fanout = fanout;
	}

	if (B.ceil_fanout != fanout) {
		int fd = bpf_map__fd(B.ceil->maps.mcb_oifs);
		int fd_eg = bpf_map__fd(B.ceil->maps.mcb_oifs_egress);
		int fd_fair = bpf_map__fd(B.ceil->maps.mcb_oifs_fair);
		int fd_macs = bpf_map__fd(B.ceil->maps.mcb_macs);
		__u32 fair_prog =
			bpf_program__fd(B.ceil->progs.mcbench_fair_egress);

		for (i = 0; i < MAX_FANOUT; i++) {
			/* struct bpf_devmap_val: ifindex, program fd. */
			__u32 eg[2] = { B.out_if[i],
					(__u32)mgm_dp_egress_prog_fd(B.dp) };
			__u32 fair[2] = { B.out_if[i], fair_prog };
			struct {
				__u8 mac[6];
				__u16 pad;
			} mac = { { 0 }, 0 };

			if (i >= fanout) {
				bpf_map_delete_elem(fd, &B.out_if[i]);
				bpf_map_delete_elem(fd_eg, &B.out_if[i]);
				bpf_map_delete_elem(fd_fair, &B.out_if[i]);
				/* (mcb_macs is an array: its slot stays.) */
				continue;
			}
			if_mac(B.out_if[i], mac.mac);
			if (B.out_if[i] >= 4096) /* MCB_MAC_SLOTS */
				die("ifindex %u too large for the fair ceiling",
				    B.out_if[i]);
			if (bpf_map_update_elem(fd, &B.out_if[i], &B.out_if[i],
						BPF_ANY) ||
			    bpf_map_update_elem(fd_eg, &B.out_if[i], eg,
						BPF_ANY) ||
			    bpf_map_update_elem(fd_macs, &B.out_if[i], &mac,
						BPF_ANY) ||
			    bpf_map_update_elem(fd_fair, &B.out_if[i], fair,
						BPF_ANY))
				die("ceiling devmap: %s", strerror(errno));
		}
		B.ceil_fanout = fanout;
	}
}

/* Put a program behind the generator; -1 leaves the slot empty. */
static void set_slot(int fd)
{
	int map = bpf_map__fd(B.gen->maps.mcb_fwd);
	__u32 zero = 0;

	if (fd >= 0) {
		if (bpf_map_update_elem(map, &zero, &fd, BPF_ANY))
			die("tail call slot: %s", strerror(errno));
	} else if (bpf_map_delete_elem(map, &zero) && errno != ENOENT) {
		die("tail call slot: %s", strerror(errno));
	}
}

/* What the receivers count as a good copy: TTL decremented or not. */
static void want_ttl(uint8_t ttl)
{
	int k;

	for (k = 0; k < MAX_FANOUT; k++)
		B.cnt[k]->data->want_ttl = ttl;
}

/*
 * Put the forwarder under test behind the generator (for ipmr and
 * nft-dup, nothing: the frames go up the stack), with nft-dup's rule
 * loaded for it alone.
 */
static void select_fwd(enum fwd f)
{
	char why[256];
	int fd = -1;

	if (f == FWD_NFT) {
		if (nft_load(B.ceil_fanout, why, sizeof(why)))
			die("nft-dup: %s", why);
	} else {
		nft_unload();
	}
	want_ttl(f == FWD_NFT ? GEN_TTL : GEN_TTL - 1);
	if (f == FWD_OURS)
		fd = mgm_dp_prog_fd(B.dp);
	else if (f == FWD_CEIL)
		fd = bpf_program__fd(B.ceil->progs.mcbench_ceiling);
	else if (f == FWD_CEIL_EG)
		fd = bpf_program__fd(B.ceil->progs.mcbench_ceiling_egress);
	else if (f == FWD_CEIL_FAIR)
		fd = bpf_program__fd(B.ceil->progs.mcbench_ceiling_fair);
	set_slot(fd);
}

/*
 * Restart the generator's walk on every CPU, and set where each CPU's
 * drawn traffic starts: entry 0, except on the first CPU of the pair
 * (not cpu, which runs the one-CPU trials) with base2.
 */
static void gen_walk_set(uint32_t base2)
{
	struct {
		__u32 idx, src, grp, base;
	} walk[B.ncpus];
	__u32 zero = 0;

	memset(walk, 0, sizeof(walk));
	if (base2 && B.cpu2[0] >= 0 && B.cpu2[0] < B.ncpus)
		walk[B.cpu2[0]].base = base2;
	if (bpf_map_update_elem(bpf_map__fd(B.gen->maps.mcb_walk), &zero, walk,
				BPF_ANY))
		die("generator walk: %s", strerror(errno));
}

static void gen_walk_reset(void)
{
	gen_walk_set(0);
}

/*
 * The generator's inverse-CDF table for n entries and traffic t: where,
 * on a continuous rank axis (rank k the interval [k, k + 1), its
 * probability spread evenly over it), the cumulative probability reaches
 * j / RANK_SLOTS, in 1/256ths of a rank (bpf/mcbench_gen.bpf.c).
 * Uniform: j n / RANK_SLOTS.  Zipf (s = 1.0): rank k (from 0) has weight
 * 1 / (k + 1); with n = 1M the head rank gets 6.9% of the frames and the
 * first thousand 52%.  Checked by simulating 2e8 draws: each rank's
 * share within 1% of the exact one where the count allows that
 * precision, every decade of ranks within 0.02%.
 */
static bool set_ranks(uint32_t n, enum traffic t)
{
	uint32_t *rs = B.gen->bss->rank_start, j, k = 0;
	double h = 0, cum = 0;

	if (B.rank_entries == n && B.rank_traffic == t)
		return false;
	if (t == TR_UNIFORM || n <= 1) {
		for (j = 0; j < RANK_SLOTS; j++)
			rs[j] = (uint64_t)j * n * 256 / RANK_SLOTS;
	} else {
		for (k = n; k >= 1; k--) /* small terms first */
			h += 1.0 / k;
		k = 0;
		for (j = 0; j < RANK_SLOTS; j++) {
			double target = h * j / RANK_SLOTS;

			while (k + 1 < n && cum + 1.0 / (k + 1) <= target) {
				cum += 1.0 / (k + 1);
				k++;
			}
			/* k plus the fraction of its interval below target */
			rs[j] = (uint32_t)((k + (target - cum) * (k + 1)) *
					   256);
			if (rs[j] > n * 256 - 1) /* rounding, at the end */
				rs[j] = n * 256 - 1;
		}
	}
	rs[RANK_SLOTS] = n * 256;
	B.rank_entries = n;
	B.rank_traffic = t;
	return true;
}

/* A UDP frame of len bytes (Ethernet header included, FCS not) to entry 0. */
static void make_frame(uint32_t len, uint32_t src, uint32_t grp)
{
	uint8_t *f = B.frame;
	uint16_t ip_len = len - 14;
	uint32_t sum = 0;
	int i;

	memset(f, 0, sizeof(B.frame));
	memcpy(f, "\x01\x00\x5e\x00\x00\x00", 6);
	f[3] = (ntohl(grp) >> 16) & 0x7f;
	f[4] = ntohl(grp) >> 8;
	f[5] = ntohl(grp);
	memcpy(f + 6, "\x02\x00\x00\x00\x00\x01", 6);
	f[12] = 0x08;
	f[14] = 0x45;
	f[16] = ip_len >> 8;
	f[17] = ip_len;
	f[22] = GEN_TTL;
	f[23] = IPPROTO_UDP;
	memcpy(f + 26, &src, 4);
	memcpy(f + 30, &grp, 4);
	for (i = 14; i < 34; i += 2)
		sum += f[i] << 8 | f[i + 1];
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	f[24] = ~sum >> 8;
	f[25] = ~sum;
	/* UDP 5000 -> 5001, checksum 0 (none, allowed in IPv4). */
	f[34] = 5000 >> 8;
	f[35] = 5000 & 0xff;
	f[36] = 5001 >> 8;
	f[37] = 5001 & 0xff;
	f[38] = (ip_len - 20) >> 8;
	f[39] = (ip_len - 20) & 0xff;
	B.frame_len = len;
}

/* Counts of the receivers, summed over CPUs. */
static void read_counts(struct mcb_count_val *out)
{
	struct mcb_count_val v[B.ncpus];
	__u32 zero = 0;
	int k, c;

	for (k = 0; k < MAX_FANOUT; k++) {
		memset(&out[k], 0, sizeof(out[k]));
		if (bpf_map_lookup_elem(bpf_map__fd(B.cnt[k]->maps.mcb_count),
					&zero, v))
			die("receiver counters: %s", strerror(errno));
		for (c = 0; c < B.ncpus; c++) {
			out[k].packets += v[c].packets;
			out[k].bad_ttl += v[c].bad_ttl;
		}
	}
}

static uint64_t count_total(const struct mcb_count_val *c)
{
	uint64_t t = 0;
	int k;

	for (k = 0; k < MAX_FANOUT; k++)
		t += c[k].packets + c[k].bad_ttl;
	return t;
}

/*
 * Frames still queued in a veth ring when the injecting call returns are
 * delivered by ksoftirqd a moment later; wait until the counts settle.
 */
static void settle_counts(struct mcb_count_val *out)
{
	uint64_t last = UINT64_MAX;
	int same = 0, i;

	for (i = 0; i < 500 && same < 3; i++) {
		read_counts(out);
		if (count_total(out) == last)
			same++;
		else
			same = 0;
		last = count_total(out);
		sleep_ms(2);
	}
}

/* Run time of a task so far, ns (the scheduler's sum_exec_runtime). */
static uint64_t task_runtime(const char *schedstat)
{
	unsigned long long run = 0;
	FILE *f = fopen(schedstat, "r");

	if (f && fscanf(f, "%llu", &run) != 1)
		run = 0;
	if (f)
		fclose(f);
	return run;
}

/* The ksoftirqd threads whose work counts: that of our CPU, or all. */
static void find_ksoftirqd(void)
{
	struct dirent *de;
	DIR *d = opendir("/proc");
	char path[64];
	int cpu = -1;
	FILE *f;

	while (d && (de = readdir(d))) {
		if (de->d_name[0] < '1' || de->d_name[0] > '9')
			continue;
		snprintf(path, sizeof(path), "/proc/%.16s/comm", de->d_name);
		f = fopen(path, "r");
		if (!f)
			continue;
		if (fscanf(f, "ksoftirqd/%d", &cpu) == 1 &&
		    (B.cpu < 0 || cpu == B.cpu) && B.n_ksoft < MAX_KSOFT)
			snprintf(B.ksoft[B.n_ksoft++], sizeof(B.ksoft[0]),
				 "/proc/%.16s/schedstat", de->d_name);
		if (cpu >= 0 && cpu < MAX_KSOFT)
			snprintf(B.ksoft_cpu[cpu], sizeof(B.ksoft_cpu[0]),
				 "/proc/%.16s/schedstat", de->d_name);
		cpu = -1;
		fclose(f);
	}
	if (d)
		closedir(d);
}

/* That of cpu's ksoftirqd; with cpu < 0, of those find_ksoftirqd chose. */
static uint64_t ksoftirqd_runtime(int cpu)
{
	uint64_t t = 0;
	int i;

	if (cpu >= 0)
		return cpu < MAX_KSOFT && B.ksoft_cpu[cpu][0] ?
			       task_runtime(B.ksoft_cpu[cpu]) :
			       0;
	for (i = 0; i < B.n_ksoft; i++)
		t += task_runtime(B.ksoft[i]);
	return t;
}

/*
 * Inject count frames; *secs is the CPU time they took.
 *
 * Not the wall-clock time of the call: each live-frame run sets up and
 * tears down a page pool and sleeps some 20-40 ms doing so, and other
 * programs on a shared machine take the CPU now and then.  The time that
 * counts is the kernel's own measurement of the injection loop (the
 * duration BPF_PROG_TEST_RUN reports, which covers the forwarding, the
 * copies and the softirq work done inline, the receivers' XDP included)
 * plus what the CPU's ksoftirqd did meanwhile (softirq work deferred out
 * of that loop, also ours).  *wall is the wall-clock time, for reference.
 */
static int live_run_q(uint32_t count, uint32_t queue, int cpu, double *secs,
		      double *wall)
{
	struct xdp_md ctx = { .data_end = B.frame_len,
			      .ingress_ifindex = B.in_if,
			      .rx_queue_index = queue };
	LIBBPF_OPTS(bpf_test_run_opts, o, .data_in = B.frame,
		    .data_size_in = B.frame_len, .ctx_in = &ctx,
		    .ctx_size_in = sizeof(ctx), .repeat = count,
		    .flags = BPF_F_TEST_XDP_LIVE_FRAMES, .batch_size = B.batch);
	uint64_t k0 = ksoftirqd_runtime(cpu);
	double t = now_s();
	int err;

	err = bpf_prog_test_run_opts(bpf_program__fd(B.gen->progs.mcbench_gen),
				     &o);
	*wall = now_s() - t;
	*secs = ((double)o.duration * count + (ksoftirqd_runtime(cpu) - k0)) /
		1e9;
	return err;
}

/* The one-CPU injection: on cpu, its RX queue that of the pair's second. */
static int live_run(uint32_t count, double *secs, double *wall)
{
	return live_run_q(count, NQ - 1, -1, secs, wall);
}

/*
 * Two CPUs at once: one thread pinned to each CPU of the pair, each
 * injecting on its own RX queue of "in", started together.
 */
struct injector {
	pthread_t th;
	pthread_barrier_t *bar;
	uint32_t count, queue;
	int cpu, err, errnum;
	double secs, wall;
};

static void *inject_thread(void *arg)
{
	struct injector *in = arg;
	cpu_set_t set;

	CPU_ZERO(&set);
	CPU_SET(in->cpu, &set);
	in->err = pthread_setaffinity_np(pthread_self(), sizeof(set), &set);
	in->errnum = in->err;
	pthread_barrier_wait(in->bar);
	if (!in->err) {
		in->err = live_run_q(in->count, in->queue, in->cpu, &in->secs,
				     &in->wall);
		in->errnum = errno;
	}
	return NULL;
}

/*
 * Inject count frames on each CPU of the pair at once; *secs is the sum
 * of the CPU times, *wall the longer wall-clock time, and the return the
 * aggregate rate in frames per second: the frames of both over their CPU
 * time (as in live_run()), times two, what the two CPUs do when both are
 * busy.  Not the sum of the two CPUs' rates: work that lands on the
 * other CPU's ksoftirqd would count less on one CPU than it counts more
 * on the other, and a sum of rates gains from that.
 */
static double live_run2(uint32_t count, double *secs, double *wall)
{
	struct injector in[2];
	pthread_barrier_t bar;
	int i;

	pthread_barrier_init(&bar, NULL, 2);
	for (i = 0; i < 2; i++) {
		in[i] = (struct injector){ .bar = &bar,
					   .count = count,
					   .queue = i,
					   .cpu = B.cpu2[i] };
		if (pthread_create(&in[i].th, NULL, inject_thread, &in[i]))
			die("pthread_create: %s", strerror(errno));
	}
	*secs = *wall = 0;
	for (i = 0; i < 2; i++)
		pthread_join(in[i].th, NULL);
	pthread_barrier_destroy(&bar);
	for (i = 0; i < 2; i++) {
		if (in[i].err) {
			check_stop();
			die("live BPF_PROG_TEST_RUN on CPU %d: %s", in[i].cpu,
			    strerror(in[i].errnum));
		}
		*secs += in[i].secs;
		*wall = dmax(*wall, in[i].wall);
	}
	return 2.0 * count * 2 / *secs;
}

/*
 * One trial: inject count frames on each of ncpu CPUs (1, or 2 at once
 * for case c), return Mpps (aggregate); account what arrived.
 */
static double trial(struct result *r, const struct bcase *c, enum fwd f,
		    uint32_t count, uint32_t ncpu)
{
	struct mcb_count_val before[MAX_FANOUT], after[MAX_FANOUT];
	uint32_t fanout = c->fanout, sent = count * ncpu, k;
	struct mgm_counters m0, m1;
	double secs, wall, rate;

	select_fwd(f);
	gen_walk_set(ncpu > 1 && c->distinct ? c->entries : 0);
	settle_counts(before);
	mgm_dp_counters(B.dp, &m0);
	if (ncpu > 1) {
		rate = live_run2(count, &secs, &wall);
	} else {
		if (live_run(count, &secs, &wall)) {
			check_stop();
			die("live BPF_PROG_TEST_RUN: %s", strerror(errno));
		}
		rate = count / secs;
	}
	r->wall_s += wall;
	r->cpu_s += secs;
	settle_counts(after);
	mgm_dp_counters(B.dp, &m1);

	for (k = 0; k < MAX_FANOUT; k++) {
		uint64_t got = after[k].packets - before[k].packets;

		r->bad_ttl += after[k].bad_ttl - before[k].bad_ttl;
		if (k >= fanout) {
			r->strays += got;
			continue;
		}
		r->deliv[k] += got;
		r->lost += got < sent ? sent - got : 0;
		r->dups += got > sent ? got - sent : 0;
	}
	if (f == FWD_OURS)
		r->misses += sent - (m1.forwarded - m0.forwarded);
	r->sent += sent;
	r->injected = sent;
	return rate / 1e6;
}

/*
 * Is forwarder f measured in case c?  Not where this machine lacks it;
 * and nft-dup, which has no per-(S,G) lookup, on 1-entry tables only:
 * its one rule takes all traffic whatever the table size.
 */
bool measured(const struct bcase *c, enum fwd f)
{
	if (B.absent[f])
		return false;
	if (c->cpus > 1)
		return f == FWD_OURS || f == FWD_IPMR || f == FWD_CEIL_FAIR;
	return f != FWD_NFT || c->entries == 1;
}

/* Why f is not measured in case c (or at all, with c NULL). */
const char *not_measured(const struct bcase *c, enum fwd f)
{
	if (B.absent[f] || !c)
		return B.why[f];
	if (c->cpus > 1)
		return "two-CPU cases measure ours, ipmr and the fair ceiling "
		       "only";
	return "no per-(S,G) lookup, one rule for all traffic: measured on "
	       "1-entry tables only";
}

/*
 * The table the per-packet costs walk: the largest of the one-CPU cases
 * (two-CPU cases on a set per CPU install twice theirs), else all.
 */
uint32_t walk_entries(void)
{
	uint32_t n = 0;
	int i;

	for (i = 0; i < n_cases; i++)
		if (cases[i].cpus == 1 && cases[i].entries > n)
			n = cases[i].entries;
	return n && n <= B.ours_n ? n : B.ours_n;
}

/* Entries installed for case c: two sets for two CPUs on distinct sets. */
uint32_t table_size(const struct bcase *c)
{
	return c->cpus > 1 && c->distinct ? 2 * c->entries : c->entries;
}

/* Median, min and max of the trials, per-receiver extremes, loss. */
static void finish_result(struct result *r, uint32_t fanout)
{
	uint32_t k;
	int t;

	r->mpps = median(r->mpps_t, r->trials);
	r->mpps_min = r->mpps_max = r->mpps_t[0];
	for (t = 1; t < r->trials; t++) {
		r->mpps_min = dmin(r->mpps_min, r->mpps_t[t]);
		r->mpps_max = dmax(r->mpps_max, r->mpps_t[t]);
	}
	r->deliv_min = UINT64_MAX;
	for (k = 0; k < fanout; k++) {
		if (r->deliv[k] < r->deliv_min)
			r->deliv_min = r->deliv[k];
		if (r->deliv[k] > r->deliv_max)
			r->deliv_max = r->deliv[k];
	}
	r->loss = (double)r->lost / ((double)r->sent * fanout);
}

/*
 * Check the generator's draw in the kernel: run it alone (nothing behind
 * it, not live) on DRAW_SAMPLES frames and compare the share of rank 0
 * and of the head (the first n / 100 ranks) with the distribution's,
 * within five standard deviations; every rank must be in the table.
 */
#define DRAW_SAMPLES 20000
static void check_draw(uint32_t n, enum traffic t)
{
	uint32_t m = n / 100 ? n / 100 : 1, i, k, src, grp, got0 = 0, goth = 0;
	double hn = 0, hm = 0, e0, eh, d0, dh;
	uint8_t out[sizeof(B.frame)];
	struct xdp_md ctx = { .data_end = B.frame_len,
			      .ingress_ifindex = B.in_if };
	LIBBPF_OPTS(bpf_test_run_opts, o, .data_in = B.frame,
		    .data_size_in = B.frame_len, .data_out = out,
		    .data_size_out = sizeof(out), .ctx_in = &ctx,
		    .ctx_size_in = sizeof(ctx), .repeat = 1);

	set_slot(-1);
	gen_walk_reset();
	for (i = 0; i < DRAW_SAMPLES; i++) {
		o.data_size_out = sizeof(out);
		if (bpf_prog_test_run_opts(
			    bpf_program__fd(B.gen->progs.mcbench_gen), &o))
			die("BPF_PROG_TEST_RUN (draw check): %s",
			    strerror(errno));
		memcpy(&src, out + 26, 4);
		memcpy(&grp, out + 30, 4);
		k = (ntohl(grp) - GRP_BASE) * SRC_COUNT +
		    (ntohl(src) - SRC_BASE);
		if (ntohl(src) - SRC_BASE >= SRC_COUNT || k >= n)
			die("the generator drew entry %u of %u", k, n);
		got0 += k == 0;
		goth += k < m;
	}
	for (k = n; k >= 1; k--) {
		hn += 1.0 / k;
		if (k <= m)
			hm += 1.0 / k;
	}
	e0 = t == TR_ZIPF ? 1 / hn : 1.0 / n;
	eh = t == TR_ZIPF ? hm / hn : (double)m / n;
	d0 = (double)got0 / DRAW_SAMPLES - e0;
	dh = (double)goth / DRAW_SAMPLES - eh;
	progress("  %s over %u entries: rank 0 drawn %.2f%% (%.2f%% "
		 "expected), the first %u %.1f%% (%.1f%%)",
		 traffic_name[t], n, 100.0 * got0 / DRAW_SAMPLES, 100 * e0, m,
		 100.0 * goth / DRAW_SAMPLES, 100 * eh);
	if (d0 * d0 > 25 * e0 * (1 - e0) / DRAW_SAMPLES + 1e-6 ||
	    dh * dh > 25 * eh * (1 - eh) / DRAW_SAMPLES + 1e-6)
		die("the generator's %s draw is off", traffic_name[t]);
}

static void measure(struct bcase *c)
{
	double secs, wall, ri[MAX_TRIALS], ro[MAX_TRIALS];
	uint32_t count[N_FWD];
	int f, t;

	make_frame(c->pkt, entry_src(0), entry_grp(0));
	B.gen->bss->draw = 1;
	B.gen->bss->one_entry = 0;
	B.gen->bss->entries = c->entries;
	if (set_ranks(c->entries, c->traffic) && c->entries > 1)
		check_draw(c->entries, c->traffic);

	/*
	 * Size each forwarder's trials from a short probe, so that every
	 * trial lasts about the same time whatever the forwarder's rate.
	 */
	for (f = 0; f < N_FWD; f++) {
		uint32_t probe = 20000;

		memset(&c->r[f], 0, sizeof(c->r[f]));
		if (!measured(c, f))
			continue;
		select_fwd(f);
		gen_walk_reset();
		if (live_run(probe, &secs, &wall)) {
			check_stop();
			die("live BPF_PROG_TEST_RUN: %s", strerror(errno));
		}
		count[f] = probe / secs * B.seconds;
		count[f] = count[f] < 50000 ? 50000 : count[f];
		count[f] = count[f] > 100000000 ? 100000000 : count[f];
		count[f] -= count[f] % 64;
	}

	memset(&c->one, 0, sizeof(c->one));
	memset(c->r1, 0, sizeof(c->r1));
	for (t = 0; t < B.trials; t++) {
		/* Rotate the order: no forwarder always runs first. */
		for (f = 0; f < N_FWD; f++) {
			enum fwd w = (f + t) % N_FWD;
			struct result *r = &c->r[w], *r1 = &c->r1[w];

			if (!measured(c, w))
				continue;
			check_stop();
			/* Two CPUs: the same forwarder on one CPU first. */
			if (c->cpus > 1)
				r1->mpps_t[r1->trials++] =
					trial(r1, c, w, count[w], 1);
			r->mpps_t[r->trials++] =
				trial(r, c, w, count[w], c->cpus);
		}
		/*
		 * The table-size effect, free of drift: ours again in the
		 * same round with all traffic on one entry of the same table
		 * (the generator still draws, then sends to rank 0).
		 */
		if (c->entries > 1 && c->cpus == 1) {
			B.gen->bss->one_entry = 1;
			c->one.mpps_t[c->one.trials++] =
				trial(&c->one, c, FWD_OURS, count[FWD_OURS], 1);
			B.gen->bss->one_entry = 0;
			ro[t] = c->r[FWD_OURS].mpps_t[t] / c->one.mpps_t[t];
		}
	}
	if (c->entries > 1 && c->cpus == 1) {
		c->one.mpps = median(c->one.mpps_t, c->one.trials);
		c->spread = median(ro, B.trials);
	}
	for (f = 0; f < N_FWD; f++) {
		c->over[f] = 0;
		c->scaling[f] = 0;
		if (!measured(c, f))
			continue;
		for (t = 0; t < B.trials; t++)
			ri[t] = c->r[FWD_OURS].mpps_t[t] / c->r[f].mpps_t[t];
		c->over[f] = median(ri, B.trials);
		if (c->cpus < 2)
			continue;
		for (t = 0; t < B.trials; t++)
			ri[t] = c->r[f].mpps_t[t] / c->r1[f].mpps_t[t];
		c->scaling[f] = median(ri, B.trials);
	}
	for (f = 0; f < N_FWD; f++) {
		if (!measured(c, f))
			continue;
		finish_result(&c->r[f], c->fanout);
		if (c->cpus > 1)
			finish_result(&c->r1[f], c->fanout);
	}
}

/* ------------------------------------------------------------------ */
/* Per-packet cost of the programs alone                                */

const char *const path_name[N_PATH] = {
	"generator",	  "hit",	 "miss",	"wrong_if",
	"ttl_expired",	  "ceiling_hit", "lookup",	"lookup_stats",
	"generator_walk", "hit_walk",	 "lookup_walk", "lookup_stats_walk",
};

/*
 * Non-live BPF_PROG_TEST_RUN: the program runs `repeat` times on the same
 * buffer and nothing is transmitted.  The generator runs in front here
 * too (it restores the TTL a hit decrements), so its own cost, measured
 * with an empty tail-call slot, is subtracted from the others.
 */
static double prog_ns_once(uint32_t ifindex, uint32_t repeat)
{
	struct xdp_md ctx = { .data_end = B.frame_len,
			      .ingress_ifindex = ifindex };
	LIBBPF_OPTS(bpf_test_run_opts, o, .data_in = B.frame,
		    .data_size_in = B.frame_len, .ctx_in = &ctx,
		    .ctx_size_in = sizeof(ctx), .repeat = repeat);

	if (bpf_prog_test_run_opts(bpf_program__fd(B.gen->progs.mcbench_gen),
				   &o)) {
		check_stop();
		die("BPF_PROG_TEST_RUN: %s", strerror(errno));
	}
	return o.duration;
}

/* One configuration of the per-packet cost measurements. */
struct path_cfg {
	int fd; /* program behind the generator, -1 none */
	uint32_t ifindex; /* arrival interface */
	uint32_t ttl; /* TTL the generator writes */
	uint32_t entries; /* generator walk; 0 leaves the frame's (S,G) */
	uint32_t group; /* group of the frame, network order */
	enum path base; /* the generator-only path subtracted from it */
};

static void path_costs(double *ns, uint32_t repeat)
{
	int ours = mgm_dp_prog_fd(B.dp);
	int lookup = bpf_program__fd(B.probe->progs.mcbench_probe_lookup);
	int stats = bpf_program__fd(B.probe->progs.mcbench_probe_stats);
	uint32_t n = walk_entries(), g0 = entry_grp(0);
	/*
	 * A group nobody installed takes the miss path (its event is
	 * deduplicated after the first packet); the generator leaves the
	 * frame's addresses alone for it, a few ns less of its own work than
	 * the baseline subtracted.  Arriving on an outgoing interface
	 * fails the RPF check.  The walks spread the hits over the whole
	 * table, as in the live runs.
	 */
	const struct path_cfg cfg[N_PATH] = {
		[P_FRONT] = { -1, B.in_if, GEN_TTL, 1, g0, P_FRONT },
		[P_HIT] = { ours, B.in_if, GEN_TTL, 1, g0, P_FRONT },
		[P_MISS] = { ours, B.in_if, GEN_TTL, 0, htonl(0xef7f0001),
			     P_FRONT },
		[P_WRONG_IF] = { ours, B.out_if[0], GEN_TTL, 1, g0, P_FRONT },
		[P_TTL] = { ours, B.in_if, 1, 1, g0, P_FRONT },
		[P_CEIL_HIT] = { bpf_program__fd(B.ceil->progs.mcbench_ceiling),
				 B.in_if, GEN_TTL, 1, g0, P_FRONT },
		[P_LOOKUP] = { lookup, B.in_if, GEN_TTL, 1, g0, P_FRONT },
		[P_STATS] = { stats, B.in_if, GEN_TTL, 1, g0, P_FRONT },
		[P_FRONT_WALK] = { -1, B.in_if, GEN_TTL, n, g0, P_FRONT_WALK },
		[P_HIT_WALK] = { ours, B.in_if, GEN_TTL, n, g0, P_FRONT_WALK },
		[P_LOOKUP_WALK] = { lookup, B.in_if, GEN_TTL, n, g0,
				    P_FRONT_WALK },
		[P_STATS_WALK] = { stats, B.in_if, GEN_TTL, n, g0,
				   P_FRONT_WALK },
	};
	double v[N_PATH][MAX_TRIALS];
	const int runs = 7;
	int r, p;

	B.gen->bss->draw = 0; /* the walk, not drawn traffic */

	/*
	 * In turns, like the live trials: the memory-bound paths in
	 * particular move with whatever else the machine does.
	 */
	for (r = 0; r < runs; r++) {
		for (p = 0; p < N_PATH; p++) {
			check_stop();
			set_slot(cfg[p].fd);
			B.gen->bss->ttl = cfg[p].ttl;
			B.gen->bss->entries = cfg[p].entries;
			gen_walk_reset();
			make_frame(64, entry_src(0), cfg[p].group);
			v[p][r] = prog_ns_once(cfg[p].ifindex, repeat);
		}
	}
	B.gen->bss->ttl = GEN_TTL;
	B.gen->bss->entries = 1;
	for (p = 0; p < N_PATH; p++)
		ns[p] = median(v[p], runs);
	for (p = 0; p < N_PATH; p++)
		if (p != P_FRONT && p != P_FRONT_WALK)
			ns[p] = dmax(0, ns[p] - ns[cfg[p].base]);
}

/* ------------------------------------------------------------------ */
/* Results                                                              */

struct bcase cases[MAX_CASES];
int n_cases;

/* ours / forwarder f, the median of the in-round ratios. */
double ratio(const struct bcase *c, enum fwd f)
{
	return c->over[f];
}

struct bcase *find_case_x(uint32_t pkt, uint32_t fanout, uint32_t entries,
			  enum traffic tr, uint32_t cpus, bool distinct)
{
	int i;

	for (i = 0; i < n_cases; i++)
		if (cases[i].pkt == pkt && cases[i].fanout == fanout &&
		    cases[i].entries == entries && cases[i].traffic == tr &&
		    cases[i].cpus == cpus && cases[i].distinct == distinct)
			return &cases[i];
	return NULL;
}

/* A one-CPU case; a table of one entry has no traffic shape (uniform). */
const struct bcase *find_case(uint32_t pkt, uint32_t fanout, uint32_t entries,
			      enum traffic tr)
{
	return find_case_x(pkt, fanout, entries, entries > 1 ? tr : TR_UNIFORM,
			   1, false);
}

/* ------------------------------------------------------------------ */

static void add_case_x(uint32_t pkt, uint32_t fanout, uint32_t entries,
		       enum traffic tr, uint32_t cpus, bool distinct)
{
	struct bcase *c;

	if (entries == 1)
		tr = TR_UNIFORM; /* one entry has no traffic shape */
	if (cpus == 1)
		distinct = false;
	if (find_case_x(pkt, fanout, entries, tr, cpus, distinct))
		return;
	if (n_cases == MAX_CASES)
		die("too many cases");
	c = &cases[n_cases++];
	c->pkt = pkt;
	c->fanout = fanout;
	c->entries = entries;
	c->traffic = tr;
	c->cpus = cpus;
	c->distinct = distinct;
}

static void add_case(uint32_t pkt, uint32_t fanout, uint32_t entries,
		     enum traffic tr)
{
	add_case_x(pkt, fanout, entries, tr, 1, false);
}

static int cmp_u(uint32_t x, uint32_t y)
{
	return x < y ? -1 : x > y;
}

/* Run order: tables only grow, and each install serves both sizes. */
static int cmp_run(const void *a, const void *b)
{
	const struct bcase *x = a, *y = b;

	if (table_size(x) != table_size(y))
		return cmp_u(table_size(x), table_size(y));
	if (x->fanout != y->fanout)
		return cmp_u(x->fanout, y->fanout);
	if (x->pkt != y->pkt)
		return cmp_u(x->pkt, y->pkt);
	if (x->cpus != y->cpus)
		return cmp_u(x->cpus, y->cpus);
	if (x->distinct != y->distinct)
		return cmp_u(x->distinct, y->distinct);
	return cmp_u(x->traffic, y->traffic);
}

/*
 * Report order: one CPU first, by frame size, then table size, traffic
 * and fan-out; then the two-CPU cases.
 */
static int cmp_show(const void *a, const void *b)
{
	const struct bcase *x = a, *y = b;

	if (x->cpus != y->cpus)
		return cmp_u(x->cpus, y->cpus);
	if (x->pkt != y->pkt)
		return cmp_u(x->pkt, y->pkt);
	if (x->entries != y->entries)
		return cmp_u(x->entries, y->entries);
	if (x->distinct != y->distinct)
		return cmp_u(x->distinct, y->distinct);
	if (x->traffic != y->traffic)
		return cmp_u(x->traffic, y->traffic);
	return cmp_u(x->fanout, y->fanout);
}

static void usage(FILE *o)
{
	fprintf(o,
		"Usage: mcbench [--quick|--full] [--json|--markdown] "
		"[--svg FILE]\n"
		"               [--trials N] [--seconds S] [--cpu N] "
		"[--batch N] [-q]\n"
		"               [--traffic uniform|zipf|both] [--tables "
		"N,N...] [--cpus 1|2]\n"
		"               [--case B,F,E[,TRAFFIC[,CPUS[,same|distinct]]]]"
		"...\n"
		"  (default)   fan-out 1-16 at 64 and 1400 B, 1 entry; 1 to 1M "
		"entries\n"
		"              at 64 B, fan-out %d, uniform and Zipf traffic; "
		"1400 B and\n"
		"              fan-out 8 at the largest table; two CPUs at 1 "
		"entry (one\n"
		"              flow over both queues, one flow per CPU) and "
		"at the largest\n"
		"              table (Zipf, a set per CPU)\n"
		"  --quick     fewer cases (up to 100k entries), 3 short trials "
		"each\n"
		"  --full      table sizes x traffic x 64/1400 B x fan-out 2/8, "
		"and more\n"
		"              two-CPU cases\n"
		"  --traffic T the table sweep's traffic: uniform, zipf or both "
		"(default)\n"
		"  --tables L  the table sweep's sizes (default "
		"1,1000,10000,100000,1000000)\n"
		"  --cpus N    2 (default): also the two-CPU cases; 1: none\n"
		"  --list      print the cases that would run, and exit\n"
		"  --trials N  rounds of trials (default 9), --seconds S of CPU "
		"time each (0.2)\n"
		"  --svg FILE  also draw Mpps against fan-out, table size and "
		"CPUs\n"
		"  --json-file FILE  also write the JSON report to FILE\n"
		"  --cpu N     run the generator (and so everything) on CPU N\n"
		"              (default: the last CPU allowed; -1: no pinning);"
		"\n"
		"              two-CPU cases add the CPU allowed before it\n"
		"  --batch N   live-frame batch size (default 64, max 256)\n"
		"  --case B,F,E[,T[,C[,S]]]  only this case (frame bytes, "
		"fan-out, entries,\n"
		"              traffic uniform|zipf, CPUs 1|2, sets same|distinct"
		"); repeatable\n"
		"  --ipmr-plain  no 224.0.0.0/4 routes on the outgoing "
		"interfaces (slower ipmr)\n"
		"ipmr and nft-dup are measured where the kernel has them "
		"(n/a otherwise);\n"
		"MGM_NO_FEATURES=ipmr,nft-dup treats them as absent.\n",
		TABLE_FANOUT);
}

int main(int argc, char **argv)
{
	static const struct option lopts[] = {
		{ "quick", no_argument, NULL, 'Q' },
		{ "full", no_argument, NULL, 'F' },
		{ "json", no_argument, NULL, 'j' },
		{ "markdown", no_argument, NULL, 'm' },
		{ "svg", required_argument, NULL, 'g' },
		{ "json-file", required_argument, NULL, 'J' },
		{ "trials", required_argument, NULL, 't' },
		{ "seconds", required_argument, NULL, 's' },
		{ "cpu", required_argument, NULL, 'c' },
		{ "batch", required_argument, NULL, 'b' },
		{ "case", required_argument, NULL, 'C' },
		{ "traffic", required_argument, NULL, 'T' },
		{ "tables", required_argument, NULL, 'E' },
		{ "cpus", required_argument, NULL, 'N' },
		{ "list", no_argument, NULL, 'L' },
		{ "ipmr-plain", no_argument, NULL, 'P' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "help", no_argument, NULL, 'h' },
		{},
	};
	static const uint32_t fanouts[] = { 1, 2, 4, 8, 16 };
	uint32_t tables[16] = { 1, 1000, 10000, 100000, 1000000 };
	enum { M_DEFAULT, M_QUICK, M_FULL, M_CASES } mode = M_DEFAULT;
	int trials = 0, cpu = -2, c, i, j, k, n_tables = 0, max_cpus = 2;
	bool shape[N_TRAFFIC] = { true, true };
	uint32_t big = 1;
	cpu_set_t allowed;
	bool json = false, markdown = false, list = false;
	const char *svg = NULL, *json_file = NULL;
	struct sigaction sa = { .sa_handler = on_signal };
	struct summary sum = { 0 };
	uint32_t max_entries = 1;
	double seconds = 0, t0;

	bench_name = "mcbench";
	B.batch = 64;
	while ((c = getopt_long(argc, argv, "QFjmg:J:t:s:c:b:C:T:E:N:LPqh",
				lopts, NULL)) != -1) {
		switch (c) {
		case 'Q':
			mode = M_QUICK;
			break;
		case 'F':
			mode = M_FULL;
			break;
		case 'j':
			json = true;
			break;
		case 'm':
			markdown = true;
			break;
		case 'g':
			svg = optarg;
			break;
		case 'J':
			json_file = optarg;
			break;
		case 't':
			trials = atoi(optarg);
			break;
		case 's':
			seconds = atof(optarg);
			break;
		case 'c':
			cpu = atoi(optarg);
			break;
		case 'b':
			B.batch = atoi(optarg);
			break;
		case 'C': {
			unsigned int p, f, e, n = 1;
			char tr[16] = "uniform", sets[16] = "same";
			int got = sscanf(optarg,
					 "%u,%u,%u,%15[a-z],%u,%15[a-z]", &p,
					 &f, &e, tr, &n, sets);

			if (got < 3 || p < 60 || p > 1514 || !f ||
			    f > MAX_FANOUT || !e || e > 4000000 ||
			    (strcmp(tr, "uniform") && strcmp(tr, "zipf")) ||
			    n < 1 || n > 2 ||
			    (strcmp(sets, "same") && strcmp(sets, "distinct")))
				die("--case BYTES,FANOUT,ENTRIES[,uniform|zipf"
				    "[,1|2[,same|distinct]]], e.g. 64,2,1000,"
				    "zipf or 64,2,1,uniform,2,same");
			add_case_x(p, f, e,
				   strcmp(tr, "zipf") ? TR_UNIFORM : TR_ZIPF, n,
				   !strcmp(sets, "distinct"));
			mode = M_CASES;
			break;
		}
		case 'T':
			shape[TR_UNIFORM] = !strcmp(optarg, "uniform") ||
					    !strcmp(optarg, "both");
			shape[TR_ZIPF] = !strcmp(optarg, "zipf") ||
					 !strcmp(optarg, "both");
			if (!shape[TR_UNIFORM] && !shape[TR_ZIPF])
				die("--traffic uniform, zipf or both");
			break;
		case 'E': {
			char *p = optarg, *e;

			for (n_tables = 0; *p && n_tables < 16; n_tables++) {
				unsigned long v = strtoul(p, &e, 10);

				if (e == p || !v || v > 4000000 ||
				    (*e && *e != ','))
					die("--tables N,N,... (1 to 4000000)");
				tables[n_tables] = v;
				p = *e ? e + 1 : e;
			}
			if (!n_tables)
				die("--tables N,N,... (1 to 4000000)");
			break;
		}
		case 'L':
			list = true;
			break;
		case 'N':
			max_cpus = atoi(optarg);
			if (max_cpus < 1 || max_cpus > 2)
				die("--cpus 1 or 2");
			break;
		case 'P':
			B.ipmr_plain = true;
			break;
		case 'q':
			B.quiet = true;
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	/*
	 * Many short rounds rather than a few long ones: the machine's speed
	 * drifts over seconds, and a round (one trial of each forwarder)
	 * should see one speed.
	 */
	B.trials = trials	   ? trials :
		   mode == M_QUICK ? 3 :
		   mode == M_FULL  ? 9 :
				     9;
	B.seconds = seconds > 0	    ? seconds :
		    mode == M_QUICK ? 0.1 :
		    mode == M_FULL  ? 0.25 :
				      0.2;
	if (B.trials < 1 || B.trials > MAX_TRIALS || B.batch < 1 ||
	    B.batch > 256)
		die("--trials must be 1..%d, --batch 1..256", MAX_TRIALS);

	if (!n_tables) {
		n_tables = 5;
		if (mode == M_QUICK) { /* 1, 1k, 100k */
			tables[2] = 100000;
			n_tables = 3;
		}
	}
	for (k = 0; k < n_tables; k++)
		big = tables[k] > big ? tables[k] : big;
	if (mode == M_CASES) {
		/* Only the cases given with --case. */
	} else {
		/* The fan-out sweep, one entry. */
		for (j = 0; j < 5; j++) {
			add_case(64, fanouts[j], 1, TR_UNIFORM);
			if (mode != M_QUICK || fanouts[j] == TABLE_FANOUT)
				add_case(1400, fanouts[j], 1, TR_UNIFORM);
		}
		/*
		 * The table sweep, each traffic shape; the other frame size
		 * and fan-out at the largest table (--full: at every size).
		 */
		for (k = 0; k < n_tables; k++)
			for (i = 0; i < N_TRAFFIC; i++) {
				if (!shape[i])
					continue;
				add_case(64, TABLE_FANOUT, tables[k], i);
				if (mode == M_QUICK ||
				    (mode != M_FULL && tables[k] != big))
					continue;
				add_case(1400, TABLE_FANOUT, tables[k], i);
				add_case(64, 8, tables[k], i);
				if (mode == M_FULL)
					add_case(1400, 8, tables[k], i);
			}
		/*
		 * Two CPUs: one flow over both RX queues, one flow per CPU;
		 * the largest table with a set per CPU (--full: also the
		 * same set, and fan-out 8).
		 */
		for (j = 0; max_cpus > 1 && j < (mode == M_FULL ? 2 : 1); j++) {
			uint32_t fo = j ? 8 : TABLE_FANOUT;

			add_case_x(64, fo, 1, TR_UNIFORM, 2, false);
			add_case_x(64, fo, 1, TR_UNIFORM, 2, true);
			for (i = 0; mode != M_QUICK && big > 1 && i < N_TRAFFIC;
			     i++) {
				if (!shape[i])
					continue;
				if (mode == M_FULL || i == TR_ZIPF)
					add_case_x(64, fo, big, i, 2, true);
				if (mode == M_FULL)
					add_case_x(64, fo, big, i, 2, false);
			}
		}
	}
	for (i = 0; i < n_cases; i++)
		if (table_size(&cases[i]) > max_entries)
			max_entries = table_size(&cases[i]);
	qsort(cases, n_cases, sizeof(cases[0]), cmp_run);
	if (list) { /* the cases, in run order, and nothing else */
		char cs[96];

		for (i = 0; i < n_cases; i++)
			printf("%s\n", case_str(&cases[i], cs, sizeof(cs)));
		printf("%d cases, %d rounds of ~%.2f s trials\n", n_cases,
		       B.trials, B.seconds);
		return 0;
	}

	if (geteuid())
		die("needs root (network namespaces, BPF)");
	/*
	 * One CPU for the whole run by default (the last one allowed, away
	 * from where interrupts usually land): the injecting call does all
	 * the work on its CPU, and a migration in the middle of a trial
	 * would only add noise.
	 */
	CPU_ZERO(&allowed);
	if (sched_getaffinity(0, sizeof(allowed), &allowed))
		die("sched_getaffinity: %s", strerror(errno));
	if (cpu == -2) {
		cpu_set_t set;

		if (!sched_getaffinity(0, sizeof(set), &set))
			for (i = 0; i < CPU_SETSIZE; i++)
				if (CPU_ISSET(i, &set))
					cpu = i;
	}
	if (cpu >= 0) {
		cpu_set_t set;

		CPU_ZERO(&set);
		CPU_SET(cpu, &set);
		if (sched_setaffinity(0, sizeof(set), &set))
			die("--cpu %d: %s", cpu, strerror(errno));
	}
	B.cpu = cpu;
	/*
	 * The pair of CPUs of the two-CPU cases: cpu (or, unpinned, the
	 * last CPU allowed) and the CPU allowed before it.
	 */
	B.cpu2[0] = -1;
	B.cpu2[1] = cpu;
	for (i = 0; i < CPU_SETSIZE && i < MAX_CPUS; i++) {
		if (!CPU_ISSET(i, &allowed) || i == cpu)
			continue;
		if (cpu < 0) { /* unpinned: the last two */
			B.cpu2[0] = B.cpu2[1];
			B.cpu2[1] = i;
		} else if (i < cpu || B.cpu2[0] < 0) {
			B.cpu2[0] = i; /* the nearest below, else above */
		}
	}
	if (B.cpu2[0] < 0 || B.cpu2[1] < 0)
		snprintf(B.why_cpu2, sizeof(B.why_cpu2),
			 "fewer than two CPUs allowed");
	/* Left out of the sets (not of --case) where they cannot run. */
	if (B.why_cpu2[0] && mode != M_CASES) {
		for (i = j = 0; i < n_cases; i++)
			if (cases[i].cpus == 1)
				cases[j++] = cases[i];
		if (j < n_cases)
			progress("two-CPU cases left out: %s", B.why_cpu2);
		n_cases = j;
	}
	find_ksoftirqd();
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	atexit(cleanup);
	B.ncpus = libbpf_num_possible_cpus();
	if (B.ncpus <= 0)
		die("cannot count CPUs");
	libbpf_set_print(NULL);

	t0 = now_s();
	remove_stale();
	/*
	 * ipmr is per kernel: probed here, before the router's namespace
	 * exists.  nft-dup is probed in that namespace, on its devices.
	 */
	if (mgm_feature_probe(MGM_FEAT_IPMR, B.why[FWD_IPMR],
			      sizeof(B.why[FWD_IPMR])) != 1) {
		B.absent[FWD_IPMR] = true;
		progress("ipmr: n/a, %s", B.why[FWD_IPMR]);
	}
	progress("building the topology (%d namespaces)", 2 + MAX_FANOUT);
	topology();
	nft_probe();
	if (B.absent[FWD_NFT])
		progress("nft-dup: n/a, %s", B.why[FWD_NFT]);
	open_forwarders(max_entries);
	for (i = 0; i < n_cases; i++) {
		struct bcase *bc = &cases[i];
		char cs[96], b1[16], b2[16];

		check_stop();
		if (bc->cpus > 1 && B.why_cpu2[0])
			die("two-CPU cases: %s (--cpus 1 leaves them out)",
			    B.why_cpu2);
		if (B.ours_n != table_size(bc) || B.ours_fanout != bc->fanout)
			progress("installing %u entries, fan-out %u",
				 table_size(bc), bc->fanout);
		install(table_size(bc), bc->fanout);
		progress("case %d/%d: %s", i + 1, n_cases,
			 case_str(bc, cs, sizeof(cs)));
		measure(bc);
		progress("  ours %.3f  ipmr %s  nft-dup %s  fair ceiling %.3f "
			 "Mpps%s (%.0f s)",
			 bc->r[FWD_OURS].mpps,
			 mpps_str(bc, FWD_IPMR, b1, sizeof(b1)),
			 mpps_str(bc, FWD_NFT, b2, sizeof(b2)),
			 bc->r[FWD_CEIL_FAIR].mpps,
			 bc->cpus > 1 ? " (aggregate)" : "", now_s() - t0);
	}
	progress("per-packet cost of the programs alone");
	path_costs(sum.ns, mode == M_QUICK ? 200000 : 1000000);
	qsort(cases, n_cases, sizeof(cases[0]), cmp_show);
	summarize(&sum);
	progress("done in %.0f s", now_s() - t0);

	if (svg)
		write_svg(svg);
	if (json_file) {
		FILE *o = fopen(json_file, "w");

		if (!o)
			die("%s: %s", json_file, strerror(errno));
		print_json(o, &sum);
		if (fclose(o))
			die("%s: %s", json_file, strerror(errno));
	}
	if (json)
		print_json(stdout, &sum);
	else if (markdown)
		print_markdown(&sum, svg);
	else
		print_human(&sum);
	fflush(stdout);
	return 0;
}
