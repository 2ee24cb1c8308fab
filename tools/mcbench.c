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
 * every recycled frame and writes the (S,G) of the next table entry into
 * it, then tail-calls the forwarder under test:
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
 *
 * It also measures the per-packet cost of the programs alone (non-live
 * BPF_PROG_TEST_RUN) for the hit, miss, wrong-interface and TTL-expired
 * paths, and how a hit splits into the (S,G) lookup, the per-entry
 * counters and the rest (bpf/mcbench_probe.bpf.c), with one entry and
 * with the hits spread over the whole table.
 *
 * Usage: mcbench [--quick|--full] [--json|--markdown] [--svg FILE]
 *                [--json-file FILE] [--trials N] [--seconds S] [--cpu N]
 *                [--batch N] [--case BYTES,FANOUT,ENTRIES]... [-q]
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

#include "dp/dp.h"
#include "mcbench_ceiling.skel.h"
#include "mcbench_count.skel.h"
#include "mcbench_gen.skel.h"
#include "mcbench_probe.skel.h"

#define MAX_FANOUT 16
#define MAX_CASES 64
#define MAX_TRIALS 32
#define MAX_KSOFT 64
#define GEN_TTL 64
/* Entry i is source 192.0.2.(1 + i % 250), group 239.1.0.1 + i / 250. */
#define SRC_BASE 0xc0000201U
#define SRC_COUNT 250U
#define GRP_BASE 0xef010001U

/*
 * The four forwarders compared, and a fifth for the diagnosis: the
 * ceiling with ours' egress program on its copies.
 */
enum fwd {
	FWD_OURS,
	FWD_IPMR,
	FWD_NFT,
	FWD_CEIL,
	FWD_CEIL_EG,
	FWD_CEIL_FAIR,
	N_FWD
};
#define N_MAIN 4 /* the forwarders of the comparison and the plot */
static const char *const fwd_name[N_FWD] = { "ours",	       "ipmr",
					     "nft_dup",	       "ceiling",
					     "ceiling_egress", "ceiling_fair" };
/* How the report names them. */
static const char *const fwd_label[N_FWD] = {
	"ours", "ipmr", "nft-dup", "ceiling", "ceiling + egress", "fair ceiling"
};

struct result {
	double mpps; /* median over the trials */
	double mpps_min, mpps_max;
	uint64_t injected; /* per trial, the last one */
	uint64_t sent; /* all trials */
	uint64_t deliv[MAX_FANOUT]; /* per receiver, all trials */
	uint64_t deliv_min, deliv_max; /* over the receivers */
	uint64_t lost; /* copies: sent * fanout - delivered */
	uint64_t dups; /* copies beyond one per receiver and packet */
	uint64_t bad_ttl, strays, misses;
	double cpu_s, wall_s; /* all trials: CPU time counted, wall clock */
	double loss; /* lost / (sent * fanout) */
	int trials;
	double mpps_t[MAX_TRIALS];
};

struct bcase {
	uint32_t pkt, fanout, entries;
	struct result r[N_FWD];
	/*
	 * ours/ipmr, ours/nft-dup and ours/ceiling: the median of the ratios
	 * within each round of trials.  A shared machine drifts by tens of
	 * percent over seconds, and all forwarders of a round see the same
	 * drift.
	 */
	double over[N_FWD]; /* ours / each forwarder */
	/*
	 * Tables of more than one entry: ours with all traffic on one entry,
	 * run in the same rounds, and the median in-round ratio of the
	 * spread-out rate to it.
	 */
	struct result one;
	double spread;
};

struct mcb_count_val {
	__u64 packets, bytes, bad_ttl, pad;
};

struct bench {
	/* names and handles of the topology */
	char ns[2 + MAX_FANOUT][48]; /* rtr, src, rcv1..16 */
	int n_ns;
	int orig_ns, rtr_ns;
	uint32_t in_if, out_if[MAX_FANOUT];
	char pin[64];
	/* programs */
	struct mcbench_gen *gen;
	struct mcbench_ceiling *ceil;
	struct mcbench_count *cnt[MAX_FANOUT];
	struct mcbench_probe *probe;
	struct mgm_dp *dp;
	int mrt_fd;
	int ncpus;
	/* forwarders this machine cannot run (ipmr, nft-dup), and why */
	bool absent[N_FWD];
	char why[N_FWD][256];
	uint32_t nft_fanout; /* of the loaded nft-dup ruleset, 0 none */
	/* what is installed */
	uint32_t ours_n, ours_fanout, ipmr_n, ipmr_fanout, ceil_fanout;
	double ours_install_s, ipmr_install_s;
	uint64_t ours_installed, ipmr_installed;
	/* current frame */
	uint8_t frame[1600];
	uint32_t frame_len;
	/* options */
	double seconds;
	int trials, batch, cpu;
	char ksoft[MAX_KSOFT][40];
	int n_ksoft;
	bool quiet, ipmr_plain;
};

static struct bench B = { .orig_ns = -1, .rtr_ns = -1, .mrt_fd = -1 };
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

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/*
 * The few bits of arithmetic the report needs, here because the tools are
 * linked without libm.
 */
static double dmin(double a, double b)
{
	return a < b ? a : b;
}

static double dmax(double a, double b)
{
	return a > b ? a : b;
}

/* Natural logarithm: decades out, then 2 atanh((x - 1) / (x + 1)). */
static double ln(double x)
{
	double r = 0, y, y2, t, s = 0;
	int i;

	if (x <= 0)
		return 0;
	while (x >= 10) {
		x /= 10;
		r += 2.302585092994046;
	}
	while (x < 1) {
		x *= 10;
		r -= 2.302585092994046;
	}
	y = (x - 1) / (x + 1);
	y2 = y * y;
	t = y;
	for (i = 1; i < 60; i += 2) {
		s += t / i;
		t *= y2;
	}
	return r + 2 * s;
}

static double lg10(double x)
{
	return ln(x) / 2.302585092994046;
}

static double lg2(double x)
{
	return ln(x) / 0.6931471805599453;
}

static double ceil_d(double x)
{
	double i = (double)(long long)x;

	return i < x ? i + 1 : i;
}

static void sleep_ms(unsigned int ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	nanosleep(&ts, NULL);
}

static void sh(const char *fmt, ...)
{
	char cmd[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	if (system(cmd))
		die("setup failed: %s", cmd);
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
	sh("ip -n %s link add in type veth peer name s0 netns %s", rtr, src);
	sh("ip -n %s addr add 192.0.2.254/24 dev in && "
	   "ip -n %s link set in up && "
	   "ip -n %s addr add 192.0.2.253/24 dev s0 && "
	   "ip -n %s link set s0 up",
	   rtr, rtr, src, src);
	for (k = 0; k < MAX_FANOUT; k++) {
		const char *rcv = B.ns[2 + k];

		sh("ip -n %s link add o%d type veth peer name x0 netns %s", rtr,
		   k + 1, rcv);
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

static void gen_walk_reset(void)
{
	struct {
		__u32 idx, src, grp, pad;
	} zero_walk[B.ncpus];
	__u32 zero = 0;

	memset(zero_walk, 0, sizeof(zero_walk));
	bpf_map_update_elem(bpf_map__fd(B.gen->maps.mcb_walk), &zero, zero_walk,
			    BPF_ANY);
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
	int cpu;
	FILE *f;

	while (d && (de = readdir(d)) && B.n_ksoft < MAX_KSOFT) {
		if (de->d_name[0] < '1' || de->d_name[0] > '9')
			continue;
		snprintf(path, sizeof(path), "/proc/%.16s/comm", de->d_name);
		f = fopen(path, "r");
		if (!f)
			continue;
		if (fscanf(f, "ksoftirqd/%d", &cpu) == 1 &&
		    (B.cpu < 0 || cpu == B.cpu))
			snprintf(B.ksoft[B.n_ksoft++], sizeof(B.ksoft[0]),
				 "/proc/%.16s/schedstat", de->d_name);
		fclose(f);
	}
	if (d)
		closedir(d);
}

static uint64_t ksoftirqd_runtime(void)
{
	uint64_t t = 0;
	int i;

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
static int live_run(uint32_t count, double *secs, double *wall)
{
	struct xdp_md ctx = { .data_end = B.frame_len,
			      .ingress_ifindex = B.in_if };
	LIBBPF_OPTS(bpf_test_run_opts, o, .data_in = B.frame,
		    .data_size_in = B.frame_len, .ctx_in = &ctx,
		    .ctx_size_in = sizeof(ctx), .repeat = count,
		    .flags = BPF_F_TEST_XDP_LIVE_FRAMES, .batch_size = B.batch);
	uint64_t k0 = ksoftirqd_runtime();
	double t = now_s();
	int err;

	err = bpf_prog_test_run_opts(bpf_program__fd(B.gen->progs.mcbench_gen),
				     &o);
	*wall = now_s() - t;
	*secs = ((double)o.duration * count + (ksoftirqd_runtime() - k0)) / 1e9;
	return err;
}

/* One trial: inject count frames, return Mpps; account what arrived. */
static double trial(struct result *r, uint32_t fanout, enum fwd f,
		    uint32_t count)
{
	struct mcb_count_val before[MAX_FANOUT], after[MAX_FANOUT];
	struct mgm_counters m0, m1;
	double secs, wall;
	uint32_t k;

	select_fwd(f);
	gen_walk_reset();
	settle_counts(before);
	mgm_dp_counters(B.dp, &m0);
	if (live_run(count, &secs, &wall)) {
		check_stop();
		die("live BPF_PROG_TEST_RUN: %s", strerror(errno));
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
		r->lost += got < count ? count - got : 0;
		r->dups += got > count ? got - count : 0;
	}
	if (f == FWD_OURS)
		r->misses += count - (m1.forwarded - m0.forwarded);
	r->sent += count;
	r->injected = count;
	return count / secs / 1e6;
}

static int cmp_d(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static double median(const double *v, int n)
{
	double s[MAX_TRIALS];

	memcpy(s, v, n * sizeof(*v));
	qsort(s, n, sizeof(*s), cmp_d);
	return n % 2 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
}

/*
 * Is forwarder f measured in case c?  Not where this machine lacks it;
 * and nft-dup, which has no per-(S,G) lookup, on 1-entry tables only:
 * its one rule takes all traffic whatever the table size.
 */
static bool measured(const struct bcase *c, enum fwd f)
{
	if (B.absent[f])
		return false;
	return f != FWD_NFT || c->entries == 1;
}

/* Why f is not measured in case c (or at all, with c NULL). */
static const char *not_measured(const struct bcase *c, enum fwd f)
{
	if (B.absent[f] || !c)
		return B.why[f];
	return "no per-(S,G) lookup, one rule for all traffic: measured on "
	       "1-entry tables only";
}

static void measure(struct bcase *c)
{
	double secs, wall, ri[MAX_TRIALS], ro[MAX_TRIALS];
	uint32_t count[N_FWD], k;
	int f, t;

	make_frame(c->pkt, entry_src(0), entry_grp(0));
	B.gen->bss->entries = c->entries;

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
	for (t = 0; t < B.trials; t++) {
		/* Rotate the order: no forwarder always runs first. */
		for (f = 0; f < N_FWD; f++) {
			enum fwd w = (f + t) % N_FWD;
			struct result *r = &c->r[w];

			if (!measured(c, w))
				continue;
			check_stop();
			r->mpps_t[r->trials++] =
				trial(r, c->fanout, w, count[w]);
		}
		/*
		 * The table-size effect, free of drift: ours again in the
		 * same round with all traffic on one entry of the same table.
		 */
		if (c->entries > 1) {
			B.gen->bss->entries = 1;
			c->one.mpps_t[c->one.trials++] = trial(
				&c->one, c->fanout, FWD_OURS, count[FWD_OURS]);
			B.gen->bss->entries = c->entries;
			ro[t] = c->r[FWD_OURS].mpps_t[t] / c->one.mpps_t[t];
		}
	}
	if (c->entries > 1) {
		c->one.mpps = median(c->one.mpps_t, c->one.trials);
		c->spread = median(ro, B.trials);
	}
	for (f = 0; f < N_FWD; f++) {
		c->over[f] = 0;
		if (!measured(c, f))
			continue;
		for (t = 0; t < B.trials; t++)
			ri[t] = c->r[FWD_OURS].mpps_t[t] / c->r[f].mpps_t[t];
		c->over[f] = median(ri, B.trials);
	}
	for (f = 0; f < N_FWD; f++) {
		struct result *r = &c->r[f];

		if (!measured(c, f))
			continue;
		r->mpps = median(r->mpps_t, r->trials);
		r->mpps_min = r->mpps_max = r->mpps_t[0];
		for (t = 1; t < r->trials; t++) {
			r->mpps_min = dmin(r->mpps_min, r->mpps_t[t]);
			r->mpps_max = dmax(r->mpps_max, r->mpps_t[t]);
		}
		r->deliv_min = UINT64_MAX;
		for (k = 0; k < c->fanout; k++) {
			if (r->deliv[k] < r->deliv_min)
				r->deliv_min = r->deliv[k];
			if (r->deliv[k] > r->deliv_max)
				r->deliv_max = r->deliv[k];
		}
		r->loss = (double)r->lost / ((double)r->sent * c->fanout);
	}
}

/* ------------------------------------------------------------------ */
/* Per-packet cost of the programs alone                                */

enum path {
	P_FRONT,
	P_HIT,
	P_MISS,
	P_WRONG_IF,
	P_TTL,
	P_CEIL_HIT,
	P_LOOKUP, /* the breakdown of a hit: (S,G) lookup alone */
	P_STATS, /* lookup and per-entry counters */
	P_FRONT_WALK, /* the same, hits spread over the table */
	P_HIT_WALK,
	P_LOOKUP_WALK,
	P_STATS_WALK,
	N_PATH
};
static const char *const path_name[N_PATH] = {
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
	uint32_t n = B.ours_n, g0 = entry_grp(0);
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

#define TABLE_FANOUT 2 /* the fan-out of the table-size sweep */

struct cost {
	double first_ns, per_copy_ns;
	uint32_t max_fanout;
	bool ok;
};

struct summary {
	double min_ipmr, min_nft, min_ceil, min_fair, big_ratio, big_raw;
	/* the case of each minimum; NULL where none was measured */
	const struct bcase *min_ipmr_c, *min_nft_c, *min_ceil_c, *min_fair_c,
		*big_c;
	int loss_cases, loss_excused;
	const struct bcase *loss_c;
	struct cost cost[2][N_FWD]; /* [64 B, 1400 B][forwarder] */
	double ingress_ns[2], egress_ns[2]; /* ours over the ceiling */
	double ns[N_PATH];
	uint32_t walk_entries; /* table size of the spread-out hit path */
	double ours_inst_per_s, ipmr_inst_per_s;
};

static struct bcase cases[MAX_CASES];
static int n_cases;

/* ours / forwarder f, the median of the in-round ratios. */
static double ratio(const struct bcase *c, enum fwd f)
{
	return c->over[f];
}

static const struct bcase *find_case(uint32_t pkt, uint32_t fanout,
				     uint32_t entries)
{
	int i;

	for (i = 0; i < n_cases; i++)
		if (cases[i].pkt == pkt && cases[i].fanout == fanout &&
		    cases[i].entries == entries)
			return &cases[i];
	return NULL;
}

/*
 * Where the time of one ingress packet goes, from the 1-entry fan-out
 * sweep of one frame size: the cost at fan-out 1, where the original
 * frame goes out and nothing is copied, and the cost of each further copy
 * up to the largest fan-out measured.
 */
static struct cost fanout_cost(uint32_t pkt, enum fwd f)
{
	const struct bcase *one = find_case(pkt, 1, 1), *top = NULL;
	struct cost r = { 0 };
	int i;

	for (i = 0; i < n_cases; i++)
		if (cases[i].pkt == pkt && cases[i].entries == 1 &&
		    (!top || cases[i].fanout > top->fanout))
			top = &cases[i];
	if (!one || !top || top->fanout < 2 || one->r[f].mpps <= 0 ||
	    top->r[f].mpps <= 0)
		return r;
	r.first_ns = 1e3 / one->r[f].mpps;
	r.per_copy_ns = (1e3 / top->r[f].mpps - r.first_ns) / (top->fanout - 1);
	r.max_fanout = top->fanout;
	r.ok = true;
	return r;
}

/*
 * Ours over the ceiling, split in two with the ceiling that runs ours'
 * egress program: that program's cost per copy (ceiling with it minus
 * without, over the fan-out) and the rest, ours' ingress side per packet
 * (ours minus the ceiling with the egress program).  Medians over the
 * 1-entry cases of one frame size.
 */
static void split_cost(uint32_t pkt, double *ingress_ns, double *egress_ns)
{
	double in[MAX_CASES], eg[MAX_CASES];
	int i, n = 0;

	for (i = 0; i < n_cases; i++) {
		const struct bcase *c = &cases[i];

		if (c->pkt != pkt || c->entries != 1 ||
		    c->r[FWD_OURS].mpps <= 0 || c->r[FWD_CEIL].mpps <= 0 ||
		    c->r[FWD_CEIL_EG].mpps <= 0)
			continue;
		in[n] = 1e3 / c->r[FWD_OURS].mpps -
			1e3 / c->r[FWD_CEIL_EG].mpps;
		eg[n] = (1e3 / c->r[FWD_CEIL_EG].mpps -
			 1e3 / c->r[FWD_CEIL].mpps) /
			c->fanout;
		n++;
	}
	*ingress_ns = n ? median(in, n) : 0;
	*egress_ns = n ? median(eg, n) : 0;
}

/*
 * Anything but plain loss: packets ours did not forward, copies with a
 * wrong TTL, copies to receivers outside the out-set, duplicates.
 */
static bool misdelivered(const struct result *r)
{
	return r->misses || r->bad_ttl || r->strays || r->dups;
}

static void summarize(struct summary *s)
{
	uint32_t big = 0;
	int i, f;

	s->min_ipmr = s->min_nft = s->min_ceil = s->min_fair = 1e300;
	for (i = 0; i < n_cases; i++) {
		const struct bcase *c = &cases[i];

		if (measured(c, FWD_IPMR) && ratio(c, FWD_IPMR) < s->min_ipmr) {
			s->min_ipmr = ratio(c, FWD_IPMR);
			s->min_ipmr_c = c;
		}
		if (measured(c, FWD_NFT) && ratio(c, FWD_NFT) < s->min_nft) {
			s->min_nft = ratio(c, FWD_NFT);
			s->min_nft_c = c;
		}
		if (ratio(c, FWD_CEIL) < s->min_ceil) {
			s->min_ceil = ratio(c, FWD_CEIL);
			s->min_ceil_c = c;
		}
		if (ratio(c, FWD_CEIL_FAIR) < s->min_fair) {
			s->min_fair = ratio(c, FWD_CEIL_FAIR);
			s->min_fair_c = c;
		}
		/*
		 * Loss counts against us only where the receivers could take
		 * it: if the ceiling lost copies in the same case, the
		 * receivers were the limit, not the forwarder.
		 */
		if (c->r[FWD_OURS].lost || misdelivered(&c->r[FWD_OURS])) {
			if (c->r[FWD_CEIL].lost &&
			    !misdelivered(&c->r[FWD_OURS])) {
				s->loss_excused++;
			} else {
				s->loss_cases++;
				s->loss_c = c;
			}
		}
		if (c->pkt == 64 && c->fanout == TABLE_FANOUT &&
		    c->entries > big)
			big = c->entries;
	}
	if (big > 1) {
		s->big_c = find_case(64, TABLE_FANOUT, big);
		s->big_ratio = s->big_c->spread;
		if (find_case(64, TABLE_FANOUT, 1))
			s->big_raw =
				s->big_c->r[FWD_OURS].mpps /
				find_case(64, TABLE_FANOUT, 1)->r[FWD_OURS].mpps;
	}
	for (f = 0; f < N_FWD; f++) {
		s->cost[0][f] = fanout_cost(64, f);
		s->cost[1][f] = fanout_cost(1400, f);
	}
	split_cost(64, &s->ingress_ns[0], &s->egress_ns[0]);
	split_cost(1400, &s->ingress_ns[1], &s->egress_ns[1]);
	s->walk_entries = B.ours_n;
	s->ours_inst_per_s =
		B.ours_install_s > 0 ? B.ours_installed / B.ours_install_s : 0;
	s->ipmr_inst_per_s =
		B.ipmr_install_s > 0 ? B.ipmr_installed / B.ipmr_install_s : 0;
}

static const char *yes_no(bool ok)
{
	return ok ? "met" : "**missed**";
}

static const char *entries_str(uint32_t n, char *buf, size_t len)
{
	if (n >= 1000000 && n % 1000000 == 0)
		snprintf(buf, len, "%uM", n / 1000000);
	else if (n >= 1000 && n % 1000 == 0)
		snprintf(buf, len, "%uk", n / 1000);
	else
		snprintf(buf, len, "%u", n);
	return buf;
}

static const char *case_str(const struct bcase *c, char *buf, size_t len)
{
	char e[16];

	if (!c) {
		snprintf(buf, len, "-");
		return buf;
	}
	snprintf(buf, len, "%u B, fan-out %u, %s %s", c->pkt, c->fanout,
		 entries_str(c->entries, e, sizeof(e)),
		 c->entries == 1 ? "entry" : "entries");
	return buf;
}

/* Copies lost by forwarder f in case c, or n/a. */
static const char *loss_str(const struct bcase *c, enum fwd f, char *buf,
			    size_t len)
{
	const struct result *r = &c->r[f];

	if (!measured(c, f))
		snprintf(buf, len, "n/a");
	else if (!r->lost)
		snprintf(buf, len, "0");
	else if (r->loss < 0.001)
		snprintf(buf, len, "%.4f%%", r->loss * 100);
	else
		snprintf(buf, len, "%.1f%%", r->loss * 100);
	return buf;
}

/* Mpps of forwarder f in case c, or n/a. */
static const char *mpps_str(const struct bcase *c, enum fwd f, char *buf,
			    size_t len)
{
	if (measured(c, f))
		snprintf(buf, len, "%.3f", c->r[f].mpps);
	else
		snprintf(buf, len, "n/a");
	return buf;
}

/* ours / forwarder f in case c, or n/a. */
static const char *ratio_str(const struct bcase *c, enum fwd f, char *buf,
			     size_t len)
{
	if (measured(c, f))
		snprintf(buf, len, "%.2fx", ratio(c, f));
	else
		snprintf(buf, len, "n/a");
	return buf;
}

/* ns at fan-out 1 + per further copy, or n/a. */
static const char *cost_str(const struct cost *k, char *buf, size_t len)
{
	if (k->ok)
		snprintf(buf, len, "%.0f + %.0f", k->first_ns, k->per_copy_ns);
	else
		snprintf(buf, len, "n/a");
	return buf;
}

static void print_markdown(const struct summary *s, const char *svg)
{
	char b[8][64], cs[96];
	bool multi = false;
	int i;

	printf("| forwarding, Mpps in (frame bytes, fan-out, (S,G) entries) "
	       "| ours | ipmr | nft-dup | fair ceiling | ceiling | ours/ipmr "
	       "| ours/nft-dup | ours/fair ceiling | ours/ceiling "
	       "| ceiling + ours' egress program "
	       "| loss ours / ipmr / nft-dup / ceiling |\n"
	       "|---|---|---|---|---|---|---|---|---|---|---|---|\n");
	for (i = 0; i < n_cases; i++) {
		const struct bcase *c = &cases[i];

		multi |= c->entries > 1;
		printf("| %s | %.3f | %s | %s | %.3f | %.3f | %s | %s | %.2fx "
		       "| %.2fx | %.3f | %s / %s / %s / %s |\n",
		       case_str(c, cs, sizeof(cs)), c->r[FWD_OURS].mpps,
		       mpps_str(c, FWD_IPMR, b[0], 64),
		       mpps_str(c, FWD_NFT, b[1], 64), c->r[FWD_CEIL_FAIR].mpps,
		       c->r[FWD_CEIL].mpps, ratio_str(c, FWD_IPMR, b[2], 64),
		       ratio_str(c, FWD_NFT, b[3], 64), ratio(c, FWD_CEIL_FAIR),
		       ratio(c, FWD_CEIL), c->r[FWD_CEIL_EG].mpps,
		       loss_str(c, FWD_OURS, b[4], 64),
		       loss_str(c, FWD_IPMR, b[5], 64),
		       loss_str(c, FWD_NFT, b[6], 64),
		       loss_str(c, FWD_CEIL, b[7], 64));
	}
	/* Every n/a says why. */
	if (B.absent[FWD_IPMR] || B.absent[FWD_NFT] || multi) {
		printf("\nn/a:");
		if (B.absent[FWD_IPMR])
			printf(" ipmr not measured, %s.", B.why[FWD_IPMR]);
		if (B.absent[FWD_NFT])
			printf(" nft-dup not measured, %s.", B.why[FWD_NFT]);
		else if (multi)
			printf(" nft-dup has no per-(S,G) lookup (one rule takes "
			       "all traffic), so it is measured on 1-entry "
			       "tables only.");
		printf("\n");
	}
	printf("\n| goal (one run) | measured | |\n|---|---|---|\n");
	if (s->min_ipmr_c)
		printf("| ours >= 3x ipmr in every case | lowest %.2fx (%s) "
		       "| %s |\n",
		       s->min_ipmr, case_str(s->min_ipmr_c, cs, sizeof(cs)),
		       yes_no(s->min_ipmr >= 3));
	else
		printf("| ours >= 3x ipmr in every case | n/a | not measured "
		       "(%s) |\n",
		       not_measured(NULL, FWD_IPMR));
	printf("| ours >= 0.9x the fair ceiling (TTL, one broadcast, each "
	       "copy's source MAC) in every case | lowest %.2fx (%s) | %s |\n",
	       s->min_fair, case_str(s->min_fair_c, cs, sizeof(cs)),
	       yes_no(s->min_fair >= 0.9));
	printf("| (for reference) ours against the bare ceiling (TTL, one "
	       "broadcast) | lowest %.2fx (%s) | |\n",
	       s->min_ceil, case_str(s->min_ceil_c, cs, sizeof(cs)));
	if (s->big_c)
		printf("| traffic spread over %s entries >= 80%% of the "
		       "1-entry rate (64 B, fan-out %d) | %.0f%% of ours with "
		       "all traffic on one entry, in the same rounds "
		       "(%.0f%% of the 1-entry case above) | %s |\n",
		       entries_str(s->big_c->entries, b[0], 64), TABLE_FANOUT,
		       s->big_ratio * 100, s->big_raw * 100,
		       yes_no(s->big_ratio >= 0.8));
	printf("| no loss where the receivers keep up | ours lost or "
	       "misdelivered copies in %d case(s)%s%s; lost copies in %d "
	       "more where the ceiling lost too | %s |\n",
	       s->loss_cases, s->loss_c ? ", e.g. " : "",
	       s->loss_c ? case_str(s->loss_c, cs, sizeof(cs)) : "",
	       s->loss_excused, yes_no(!s->loss_cases));
	printf("\nWhere the time goes:\n\n");
	if (s->cost[0][FWD_OURS].ok)
		printf("* ns per ingress packet at fan-out 1, plus per further "
		       "copy up to fan-out %u (64 B): ours %s, ipmr %s, "
		       "nft-dup %s, ceiling %s.\n",
		       s->cost[0][FWD_OURS].max_fanout,
		       cost_str(&s->cost[0][FWD_OURS], b[0], 64),
		       cost_str(&s->cost[0][FWD_IPMR], b[1], 64),
		       cost_str(&s->cost[0][FWD_NFT], b[2], 64),
		       cost_str(&s->cost[0][FWD_CEIL], b[3], 64));
	if (s->min_nft_c)
		printf("* Ours against nft-dup, which copies frames as they "
		       "are and routes nothing: lowest %.2fx (%s).\n",
		       s->min_nft, case_str(s->min_nft_c, cs, sizeof(cs)));
	printf("* Ours over the ceiling (64 B, 1 entry, median over the "
	       "fan-outs): ~%.0f ns per packet on the ingress side, ~%.0f ns "
	       "per copy for the egress program (source MAC, TTL threshold, "
	       "counters).\n",
	       s->ingress_ns[0], s->egress_ns[0]);
	printf("* The programs alone (non-live `BPF_PROG_TEST_RUN`, 64 B, "
	       "beyond the generator's %.0f ns): ours hit %.0f ns, miss %.0f "
	       "ns, wrong interface %.0f ns, TTL expired %.0f ns; ceiling "
	       "%.0f ns. Of a hit, the (S,G) hash lookup alone is %.0f ns, "
	       "with the per-entry counters %.0f ns.\n",
	       s->ns[P_FRONT], s->ns[P_HIT], s->ns[P_MISS], s->ns[P_WRONG_IF],
	       s->ns[P_TTL], s->ns[P_CEIL_HIT], s->ns[P_LOOKUP],
	       s->ns[P_STATS]);
	if (s->walk_entries > 1)
		printf("* With the hits spread over %s entries: ours hit %.0f "
		       "ns, of which the (S,G) lookup %.0f ns and the lookup "
		       "with the per-entry counters %.0f ns: the table no "
		       "longer fits in the caches and TLB.\n",
		       entries_str(s->walk_entries, b[0], 64),
		       s->ns[P_HIT_WALK], s->ns[P_LOOKUP_WALK],
		       s->ns[P_STATS_WALK]);
	if (B.absent[FWD_IPMR])
		printf("* Entries installed: ours %.0f/s "
		       "(`mgm_dp_mfe_install`), ipmr n/a.\n",
		       s->ours_inst_per_s);
	else
		printf("* Entries installed: ours %.0f/s "
		       "(`mgm_dp_mfe_install`), ipmr %.0f/s (`MRT_ADD_MFC`).\n",
		       s->ours_inst_per_s, s->ipmr_inst_per_s);
	printf("\nHow (`tools/mcbench.c`): frames are injected with live-frame "
	       "`BPF_PROG_TEST_RUN` on the router's ingress veth (in network "
	       "namespaces) through a front program that restores TTL and "
	       "checksum of the recycled frames and writes the next entry's "
	       "(S,G). Forwarding, every copy and the receivers' counting XDP "
	       "programs run on the injecting CPU (pinned), so Mpps is "
	       "frames per CPU-second of one core, receivers included: the "
	       "kernel's timing of the injection loop plus that CPU's "
	       "ksoftirqd, without the time other programs take on a shared "
	       "machine (wall-clock rates are in the JSON). %d rounds of one "
	       "~%.2f s trial per forwarder, in turns; Mpps is the median "
	       "trial, a ratio the median of the ratios within a round. ",
	       B.trials, B.seconds);
	if (B.absent[FWD_IPMR])
		printf("ipmr, the kernel's multicast routing, was not measured "
		       "(%s). ",
		       B.why[FWD_IPMR]);
	else
		printf("ipmr is the kernel's multicast routing with the same "
		       "(S,G) entries (`MRT_ADD_MFC`, threshold 1)%s. ",
		       B.ipmr_plain ?
			       "" :
			       " and a 224.0.0.0/4 route on each outgoing "
			       "interface, which lets it reuse a cached output "
			       "route per copy (faster than without; "
			       "`--ipmr-plain` measures it without)");
	printf("nft-dup is a kernel path that needs no ipmr: an nftables "
	       "netdev ingress chain on the ingress veth, the frames passed "
	       "up to it as to ipmr, with one rule that does `dup to` each "
	       "outgoing interface and drops the original. It is not a "
	       "router and does less than one: no TTL decrement (its copies "
	       "are counted with the TTL unchanged), no MAC rewrite, no RPF "
	       "check, no per-(S,G) lookup (so 1-entry cases only)%s%s%s. "
	       "The ceiling is a TTL decrement and one broadcast redirect, no "
	       "lookup, no egress program; the fair ceiling, the least a "
	       "correct router does and what ours is judged against, adds a "
	       "devmap egress program that writes each copy's source MAC "
	       "(its interface's, from an array). Loss is copies not counted "
	       "at the receivers.\n",
	       B.absent[FWD_NFT] ? "; not measured here (" : "",
	       B.absent[FWD_NFT] ? B.why[FWD_NFT] : "",
	       B.absent[FWD_NFT] ? ")" : "");
	if (svg)
		printf("\n![Mpps against fan-out and table size](%s)\n", svg);
}

static void print_result_json(FILE *o, const struct result *r)
{
	int t;

	fprintf(o,
		"{\"mpps\":%.4f,\"mpps_min\":%.4f,\"mpps_max\":%.4f,"
		"\"trials\":[",
		r->mpps, r->mpps_min, r->mpps_max);
	for (t = 0; t < r->trials; t++)
		fprintf(o, "%s%.4f", t ? "," : "", r->mpps_t[t]);
	fprintf(o,
		"],\"injected_per_trial\":%llu,\"injected\":%llu,"
		"\"delivered_per_receiver_min\":%llu,"
		"\"delivered_per_receiver_max\":%llu,\"lost\":%llu,"
		"\"loss\":%.6f,\"duplicates\":%llu,\"bad_ttl\":%llu,"
		"\"strays\":%llu,\"not_forwarded\":%llu,"
		"\"cpu_seconds\":%.4f,\"wall_seconds\":%.4f,"
		"\"wall_clock_mpps\":%.4f",
		(unsigned long long)r->injected, (unsigned long long)r->sent,
		(unsigned long long)r->deliv_min,
		(unsigned long long)r->deliv_max, (unsigned long long)r->lost,
		r->loss, (unsigned long long)r->dups,
		(unsigned long long)r->bad_ttl, (unsigned long long)r->strays,
		(unsigned long long)r->misses, r->cpu_s, r->wall_s,
		r->wall_s > 0 ? r->sent / r->wall_s / 1e6 : 0);
	fprintf(o, "}");
}

/* A JSON string. */
static void json_str(FILE *o, const char *v)
{
	fputc('"', o);
	for (; *v; v++) {
		if (*v == '"' || *v == '\\')
			fprintf(o, "\\%c", *v);
		else if ((unsigned char)*v < 0x20)
			fprintf(o, "\\u%04x", *v);
		else
			fputc(*v, o);
	}
	fputc('"', o);
}

/* ,"key":v with prec decimals, or null where nothing was measured. */
static void json_num(FILE *o, const char *key, bool ok, int prec, double v)
{
	if (ok)
		fprintf(o, ",\"%s\":%.*f", key, prec, v);
	else
		fprintf(o, ",\"%s\":null", key);
}

static void print_json(FILE *o, const struct summary *s)
{
	struct utsname u;
	bool first = true;
	int i, f, p;

	uname(&u);
	fprintf(o,
		"{\"kernel\":\"%s\",\"cpus\":%ld,\"cpu\":%d,\"trials\":%d,"
		"\"seconds_per_trial\":%.2f,\"batch_size\":%d,"
		"\"ipmr_routes\":%s,\"not_measured\":{",
		u.release, sysconf(_SC_NPROCESSORS_ONLN), B.cpu, B.trials,
		B.seconds, B.batch, B.ipmr_plain ? "false" : "true");
	/* The forwarders this machine could not run, and why. */
	for (f = 0; f < N_FWD; f++) {
		if (!B.absent[f])
			continue;
		fprintf(o, "%s\"%s\":", first ? "" : ",", fwd_name[f]);
		json_str(o, B.why[f]);
		first = false;
	}
	fprintf(o, "},\"cases\":[");
	for (i = 0; i < n_cases; i++) {
		const struct bcase *c = &cases[i];
		bool ipmr = measured(c, FWD_IPMR), nft = measured(c, FWD_NFT);

		fprintf(o,
			"%s\n{\"pkt_size\":%u,\"fanout\":%u,\"entries\":%u,"
			"\"ours_mpps\":%.4f",
			i ? "," : "", c->pkt, c->fanout, c->entries,
			c->r[FWD_OURS].mpps);
		json_num(o, "ipmr_mpps", ipmr, 4, c->r[FWD_IPMR].mpps);
		json_num(o, "nft_dup_mpps", nft, 4, c->r[FWD_NFT].mpps);
		json_num(o, "ceiling_mpps", true, 4, c->r[FWD_CEIL].mpps);
		json_num(o, "ours_over_ipmr", ipmr, 3, ratio(c, FWD_IPMR));
		json_num(o, "ours_over_nft_dup", nft, 3, ratio(c, FWD_NFT));
		json_num(o, "ours_over_ceiling", true, 3, ratio(c, FWD_CEIL));
		json_num(o, "ceiling_egress_mpps", true, 4,
			 c->r[FWD_CEIL_EG].mpps);
		json_num(o, "ours_over_ceiling_egress", true, 3,
			 ratio(c, FWD_CEIL_EG));
		json_num(o, "ceiling_fair_mpps", true, 4,
			 c->r[FWD_CEIL_FAIR].mpps);
		json_num(o, "ours_over_ceiling_fair", true, 3,
			 ratio(c, FWD_CEIL_FAIR));
		fprintf(o, ",\"loss\":{\"ours\":%.6f", c->r[FWD_OURS].loss);
		json_num(o, "ipmr", ipmr, 6, c->r[FWD_IPMR].loss);
		json_num(o, "nft_dup", nft, 6, c->r[FWD_NFT].loss);
		json_num(o, "ceiling", true, 6, c->r[FWD_CEIL].loss);
		fprintf(o, "},\"ours_misses\":%llu",
			(unsigned long long)c->r[FWD_OURS].misses);
		if (c->entries > 1)
			fprintf(o,
				",\"ours_one_entry_mpps\":%.4f,"
				"\"ours_spread_over_one_entry\":%.3f",
				c->one.mpps, c->spread);
		for (f = 0; f < N_FWD; f++) {
			fprintf(o, ",\"%s\":", fwd_name[f]);
			if (measured(c, f)) {
				print_result_json(o, &c->r[f]);
				continue;
			}
			fprintf(o, "{\"not_measured\":");
			json_str(o, not_measured(c, f));
			fprintf(o, "}");
		}
		fprintf(o, "}");
	}
	fprintf(o, "],\n\"program_ns\":{");
	for (p = 0; p < N_PATH; p++)
		fprintf(o, "%s\"%s\":%.1f", p ? "," : "", path_name[p],
			s->ns[p]);
	fprintf(o, ",\"walk_entries\":%u},\n\"cost_ns\":{", s->walk_entries);
	for (p = 0; p < 2; p++) {
		fprintf(o, "%s\"%d\":{", p ? "," : "", p ? 1400 : 64);
		for (f = 0; f < N_FWD; f++) {
			const struct cost *k = &s->cost[p][f];

			if (k->ok)
				fprintf(o,
					"%s\"%s\":{\"fanout_1\":%.1f,"
					"\"per_further_copy\":%.1f}",
					f ? "," : "", fwd_name[f], k->first_ns,
					k->per_copy_ns);
			else
				fprintf(o, "%s\"%s\":null", f ? "," : "",
					fwd_name[f]);
		}
		fprintf(o,
			",\"ours_over_ceiling\":{\"ingress_per_packet\":%.1f,"
			"\"egress_per_copy\":%.1f}}",
			s->ingress_ns[p], s->egress_ns[p]);
	}
	fprintf(o, "},\n\"installs_per_s\":{\"ours\":%.0f", s->ours_inst_per_s);
	json_num(o, "ipmr", !B.absent[FWD_IPMR], 0, s->ipmr_inst_per_s);
	/*
	 * A goal against a forwarder that was not measured is neither met
	 * nor missed: null, with the reason.
	 */
	fprintf(o, "},\n\"goals\":{\"ours_over_ipmr_min\":");
	if (s->min_ipmr_c) {
		fprintf(o, "%.3f,\"ours_over_ipmr_met\":%s", s->min_ipmr,
			s->min_ipmr >= 3 ? "true" : "false");
	} else {
		fprintf(o, "null,\"ours_over_ipmr_met\":null,"
			   "\"ours_over_ipmr_not_measured\":");
		json_str(o, not_measured(NULL, FWD_IPMR));
	}
	json_num(o, "ours_over_nft_dup_min", s->min_nft_c, 3, s->min_nft);
	fprintf(o,
		",\"ours_over_ceiling_min\":%.3f,"
		"\"ours_over_ceiling_met\":%s,\"large_table_entries\":%u,"
		"\"large_table_ratio\":%.3f,"
		"\"large_table_ratio_across_cases\":%.3f,"
		"\"large_table_met\":%s,"
		"\"loss_cases\":%d,\"loss_cases_receiver_limited\":%d,"
		"\"loss_met\":%s}}\n",
		s->min_ceil, s->min_ceil >= 0.9 ? "true" : "false",
		s->big_c ? s->big_c->entries : 0, s->big_ratio, s->big_raw,
		s->big_ratio >= 0.8 ? "true" : "false", s->loss_cases,
		s->loss_excused, s->loss_cases ? "false" : "true");
}

static void print_human(const struct summary *s)
{
	char b[10][64], cs[96];
	int i, f;

	printf("Multicast forwarding on CPU %d, Mpps in (%d rounds of "
	       "~%.2f s trials, median)\n",
	       B.cpu, B.trials, B.seconds);
	for (f = 0; f < N_FWD; f++)
		if (B.absent[f])
			printf("%s: n/a, %s\n", fwd_label[f], B.why[f]);
	printf("%-32s %7s %7s %7s %7s %9s %9s %9s %7s  %s\n", "case", "ours",
	       "ipmr", "nft-dup", "ceiling", "ours/ipmr", "ours/nft",
	       "ours/ceil", "ceil+eg", "loss ours/ipmr/nft/ceil");
	for (i = 0; i < n_cases; i++) {
		const struct bcase *c = &cases[i];

		printf("%-32s %7.3f %7s %7s %7.3f %9s %9s %8.2fx %7.3f  "
		       "%s/%s/%s/%s\n",
		       case_str(c, cs, sizeof(cs)), c->r[FWD_OURS].mpps,
		       mpps_str(c, FWD_IPMR, b[0], 64),
		       mpps_str(c, FWD_NFT, b[1], 64), c->r[FWD_CEIL].mpps,
		       ratio_str(c, FWD_IPMR, b[2], 64),
		       ratio_str(c, FWD_NFT, b[3], 64), ratio(c, FWD_CEIL),
		       c->r[FWD_CEIL_EG].mpps, loss_str(c, FWD_OURS, b[4], 64),
		       loss_str(c, FWD_IPMR, b[5], 64),
		       loss_str(c, FWD_NFT, b[6], 64),
		       loss_str(c, FWD_CEIL, b[7], 64));
		for (f = 0; f < N_FWD; f++)
			if (measured(c, f) && misdelivered(&c->r[f]))
				printf("  %s: %llu not forwarded (ours only), "
				       "%llu bad TTL, %llu to non-members, "
				       "%llu duplicates\n",
				       fwd_label[f],
				       (unsigned long long)c->r[f].misses,
				       (unsigned long long)c->r[f].bad_ttl,
				       (unsigned long long)c->r[f].strays,
				       (unsigned long long)c->r[f].dups);
	}
	printf("\nInjected, and delivered per receiver (min-max), all "
	       "trials:\n");
	for (i = 0; i < n_cases; i++) {
		const struct bcase *c = &cases[i];

		printf("  %-32s", case_str(c, cs, sizeof(cs)));
		for (f = 0; f < N_MAIN; f++) {
			if (!measured(c, f))
				printf(" %s n/a", fwd_label[f]);
			else
				printf(" %s %llu: %llu-%llu", fwd_label[f],
				       (unsigned long long)c->r[f].sent,
				       (unsigned long long)c->r[f].deliv_min,
				       (unsigned long long)c->r[f].deliv_max);
			printf("%s", f < N_MAIN - 1 ? ";" : "\n");
		}
	}
	printf("\nProgram alone, ns per packet (generator %.0f ns "
	       "subtracted):\n  ours hit %.0f (lookup %.0f, with counters "
	       "%.0f), miss %.0f, wrong interface %.0f, TTL expired %.0f; "
	       "ceiling hit %.0f\n",
	       s->ns[P_FRONT], s->ns[P_HIT], s->ns[P_LOOKUP], s->ns[P_STATS],
	       s->ns[P_MISS], s->ns[P_WRONG_IF], s->ns[P_TTL],
	       s->ns[P_CEIL_HIT]);
	if (s->walk_entries > 1)
		printf("  spread over %s entries: hit %.0f (lookup %.0f, with "
		       "counters %.0f)\n",
		       entries_str(s->walk_entries, b[0], 64),
		       s->ns[P_HIT_WALK], s->ns[P_LOOKUP_WALK],
		       s->ns[P_STATS_WALK]);
	for (i = 0; i < 2; i++) {
		if (!s->cost[i][FWD_OURS].ok)
			continue;
		printf("%d B: ns per ingress packet at fan-out 1 + per further "
		       "copy (to fan-out %u)\n  ours %s, ipmr %s, nft-dup %s, "
		       "ceiling %s\n",
		       i ? 1400 : 64, s->cost[i][FWD_OURS].max_fanout,
		       cost_str(&s->cost[i][FWD_OURS], b[0], 64),
		       cost_str(&s->cost[i][FWD_IPMR], b[1], 64),
		       cost_str(&s->cost[i][FWD_NFT], b[2], 64),
		       cost_str(&s->cost[i][FWD_CEIL], b[3], 64));
		printf("  ours over the ceiling: ingress %.0f ns per packet, "
		       "egress program %.0f ns per copy\n",
		       s->ingress_ns[i], s->egress_ns[i]);
	}
	if (B.absent[FWD_IPMR])
		printf("Entries installed: ours %.0f/s, ipmr n/a\n",
		       s->ours_inst_per_s);
	else
		printf("Entries installed: ours %.0f/s, ipmr %.0f/s\n",
		       s->ours_inst_per_s, s->ipmr_inst_per_s);
	printf("\nGoals:\n");
	if (s->min_ipmr_c)
		printf("  ours >= 3x ipmr:        lowest %.2fx (%s): %s\n",
		       s->min_ipmr, case_str(s->min_ipmr_c, cs, sizeof(cs)),
		       s->min_ipmr >= 3 ? "met" : "MISSED");
	else
		printf("  ours >= 3x ipmr:        not measured (%s)\n",
		       not_measured(NULL, FWD_IPMR));
	printf("  ours >= 0.9x ceiling:   lowest %.2fx (%s): %s\n", s->min_ceil,
	       case_str(s->min_ceil_c, cs, sizeof(cs)),
	       s->min_ceil >= 0.9 ? "met" : "MISSED");
	if (s->big_c)
		printf("  %s entries >= 80%%:    %.0f%% of 1 entry in the same "
		       "rounds (%.0f%% of the 1-entry case): %s\n",
		       entries_str(s->big_c->entries, b[0], 64),
		       s->big_ratio * 100, s->big_raw * 100,
		       s->big_ratio >= 0.8 ? "met" : "MISSED");
	printf("  no loss:                %d case(s) with loss, %d limited by "
	       "the receivers: %s\n",
	       s->loss_cases, s->loss_excused,
	       s->loss_cases ? "MISSED" : "met");
	if (s->min_nft_c)
		printf("  (no goal) ours/nft-dup: lowest %.2fx (%s)\n",
		       s->min_nft, case_str(s->min_nft_c, cs, sizeof(cs)));
}

/* ------------------------------------------------------------------ */
/* The plot                                                             */

static const char *const fwd_color[N_MAIN] = { "#1f66b4", "#d9480f", "#2f9e44",
					       "#555555" };

/* A round axis maximum: 1, 2, 2.5 or 5 times a power of ten. */
static double nice_max(double v, double *step)
{
	static const double m[] = { 1, 2, 2.5, 5, 10 };
	double p = 1;
	int i;

	v = v > 0 ? v : 1;
	while (p * 10 <= v)
		p *= 10;
	while (p > v)
		p /= 10;

	for (i = 0; i < 5; i++)
		if (m[i] * p * 5 >= v)
			break;
	*step = m[i] * p;
	return ceil_d(v / *step - 1e-9) * *step;
}

struct panel {
	double x, y, w, h; /* plot area */
	double ymin, ymax, ystep; /* ymin > 0: logarithmic, 1-2-5 ticks */
	double (*xpos)(const struct panel *, uint32_t);
};

/* Whole decades around [lo, hi], for a logarithmic axis. */
static void decades(double lo, double hi, double *min, double *max)
{
	*min = 1;
	while (*min > lo)
		*min /= 10;
	while (*min * 10 <= lo)
		*min *= 10;
	*max = *min * 10;
	while (*max < hi)
		*max *= 10;
}

static double x_fanout(const struct panel *p, uint32_t v)
{
	return p->x + lg2(v) / lg2(MAX_FANOUT) * p->w;
}

static double x_entries(const struct panel *p, uint32_t v)
{
	return p->x + lg10(v) / 6 * p->w;
}

static double y_of(const struct panel *p, double v)
{
	if (p->ymin > 0)
		return p->y + p->h -
		       (lg10(dmax(v, p->ymin)) - lg10(p->ymin)) /
			       (lg10(p->ymax) - lg10(p->ymin)) * p->h;
	return p->y + p->h - v / p->ymax * p->h;
}

/* The next tick: 0, step, 2 step ... or 1, 2, 5, 10, 20 ... */
static double next_tick(const struct panel *p, double v)
{
	double d = 1;

	if (p->ymin <= 0)
		return v + p->ystep;
	while (d > v)
		d /= 10;
	while (d * 10 <= v * (1 + 1e-9))
		d *= 10;
	v /= d;
	return (v < 1.5 ? 2 : v < 3 ? 5 : 10) * d;
}

static void svg_axes(FILE *o, const struct panel *p, const char *title,
		     const char *xlabel, const uint32_t *ticks, int n_ticks,
		     const char *const *tick_names)
{
	double v;
	int i;

	fprintf(o,
		"<text x=\"%.0f\" y=\"%.0f\" text-anchor=\"middle\" "
		"font-weight=\"bold\">%s</text>\n",
		p->x + p->w / 2, p->y - 12, title);
	for (v = p->ymin; v <= p->ymax * (1 + 1e-9); v = next_tick(p, v)) {
		fprintf(o,
			"<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" "
			"stroke=\"#ddd\"/>\n"
			"<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"end\">%g"
			"</text>\n",
			p->x, y_of(p, v), p->x + p->w, y_of(p, v), p->x - 6,
			y_of(p, v) + 4, v);
	}
	for (i = 0; i < n_ticks; i++)
		fprintf(o,
			"<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" "
			"stroke=\"#ddd\"/>\n"
			"<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\">%s"
			"</text>\n",
			p->xpos(p, ticks[i]), p->y, p->xpos(p, ticks[i]),
			p->y + p->h, p->xpos(p, ticks[i]), p->y + p->h + 16,
			tick_names[i]);
	fprintf(o,
		"<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" "
		"fill=\"none\" stroke=\"#888\"/>\n"
		"<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\">%s</text>\n"
		"<text transform=\"translate(%.1f,%.1f) rotate(-90)\" "
		"text-anchor=\"middle\">Mpps in</text>\n",
		p->x, p->y, p->w, p->h, p->x + p->w / 2, p->y + p->h + 36,
		xlabel, p->x - 42, p->y + p->h / 2);
}

/* Is case c a point of a line of pkt bytes for f along the x variable? */
static bool svg_point(const struct bcase *c, enum fwd f, uint32_t pkt,
		      bool by_fanout)
{
	return c->pkt == pkt && measured(c, f) &&
	       (by_fanout ? c->entries == 1 : c->fanout == TABLE_FANOUT);
}

/* One line: the cases of pkt bytes along the panel's x variable. */
static void svg_line(FILE *o, const struct panel *p, enum fwd f, uint32_t pkt,
		     bool by_fanout)
{
	bool first = true;
	int i;

	for (i = 0; i < n_cases; i++)
		if (svg_point(&cases[i], f, pkt, by_fanout))
			break;
	if (i == n_cases)
		return; /* not measured: no line */
	fprintf(o,
		"<polyline fill=\"none\" stroke=\"%s\" stroke-width=\"2\"%s "
		"points=\"",
		fwd_color[f], pkt == 64 ? "" : " stroke-dasharray=\"6,4\"");
	for (i = 0; i < n_cases; i++) {
		const struct bcase *c = &cases[i];

		if (!svg_point(c, f, pkt, by_fanout))
			continue;
		fprintf(o, "%s%.1f,%.1f", first ? "" : " ",
			p->xpos(p, by_fanout ? c->fanout : c->entries),
			y_of(p, c->r[f].mpps));
		first = false;
	}
	fprintf(o, "\"/>\n");
	for (i = 0; i < n_cases; i++) {
		const struct bcase *c = &cases[i];

		if (!svg_point(c, f, pkt, by_fanout))
			continue;
		fprintf(o,
			"<circle cx=\"%.1f\" cy=\"%.1f\" r=\"3\" fill=\"%s\">"
			"<title>%s %u B: %.3f Mpps</title></circle>\n",
			p->xpos(p, by_fanout ? c->fanout : c->entries),
			y_of(p, c->r[f].mpps), fwd_color[f], fwd_label[f], pkt,
			c->r[f].mpps);
	}
}

/* Text for an SVG element. */
static void svg_text(FILE *o, const char *v)
{
	for (; *v; v++) {
		if (*v == '&')
			fputs("&amp;", o);
		else if (*v == '<')
			fputs("&lt;", o);
		else if (*v == '>')
			fputs("&gt;", o);
		else
			fputc(*v, o);
	}
}

static void write_svg(const char *path)
{
	static const char *const legend[N_MAIN] = {
		"ours (mgm_fwd)", "kernel ipmr", "kernel nft-dup", "XDP ceiling"
	};
	static const uint32_t fo_ticks[] = { 1, 2, 4, 8, 16 };
	static const char *const fo_names[] = { "1", "2", "4", "8", "16" };
	static const uint32_t en_ticks[] = { 1,	    10,	    100,    1000,
					     10000, 100000, 1000000 };
	static const char *const en_names[] = { "1",   "10",   "100", "1k",
						"10k", "100k", "1M" };
	struct panel left = { 70, 60, 380, 260, 0, 0, 0, x_fanout };
	struct panel right = { 560, 60, 380, 260, 0, 0, 0, x_entries };
	double maxl = 0, maxr = 0, minl = 1e300;
	char tmp[300], title[96];
	int i, f, y;
	FILE *o;

	for (i = 0; i < n_cases; i++)
		for (f = 0; f < N_MAIN; f++) {
			if (!measured(&cases[i], f))
				continue;
			if (cases[i].entries == 1 && cases[i].r[f].mpps > 0) {
				maxl = dmax(maxl, cases[i].r[f].mpps);
				minl = dmin(minl, cases[i].r[f].mpps);
			}
			if (cases[i].fanout == TABLE_FANOUT &&
			    cases[i].pkt == 64)
				maxr = dmax(maxr, cases[i].r[f].mpps);
		}
	/*
	 * Fan-out spans two decades of rates: a logarithmic axis keeps the
	 * high fan-outs readable and shows ratios as constant distances.
	 */
	decades(minl < 1e300 ? minl : 0.1, maxl, &left.ymin, &left.ymax);
	right.ymax = nice_max(maxr, &right.ystep);

	snprintf(tmp, sizeof(tmp), "%s.tmp", path);
	o = fopen(tmp, "w");
	if (!o)
		die("%s: %s", tmp, strerror(errno));
	fprintf(o,
		"<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
		"<!-- Written by tools/mcbench (make bench); do not edit. -->\n"
		"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"980\" "
		"height=\"460\" viewBox=\"0 0 980 460\" "
		"font-family=\"sans-serif\" font-size=\"12\">\n"
		"<rect width=\"980\" height=\"460\" fill=\"white\"/>\n");
	svg_axes(o, &left, "Mpps against fan-out (1 entry, log scale)",
		 "outgoing interfaces", fo_ticks, 5, fo_names);
	snprintf(title, sizeof(title),
		 "Mpps against table size (64 B, fan-out %d)", TABLE_FANOUT);
	svg_axes(o, &right, title, "(S,G) entries, traffic spread over all",
		 en_ticks, 7, en_names);
	for (f = 0; f < N_MAIN; f++) {
		svg_line(o, &left, f, 64, true);
		svg_line(o, &left, f, 1400, true);
		svg_line(o, &right, f, 64, false);
	}
	/* Legend under the panels, then what n/a and nft-dup mean. */
	for (f = 0; f < N_MAIN; f++)
		fprintf(o,
			"<line x1=\"%d\" y1=\"395\" x2=\"%d\" y2=\"395\" "
			"stroke=\"%s\" stroke-width=\"2\"/>\n"
			"<text x=\"%d\" y=\"399\">%s%s</text>\n",
			70 + f * 150, 100 + f * 150, fwd_color[f],
			106 + f * 150, legend[f], B.absent[f] ? ": n/a" : "");
	fprintf(o,
		"<line x1=\"680\" y1=\"395\" x2=\"710\" y2=\"395\" "
		"stroke=\"#000\" stroke-width=\"2\"/>\n"
		"<text x=\"716\" y=\"399\">64 B frames</text>\n"
		"<line x1=\"810\" y1=\"395\" x2=\"840\" y2=\"395\" "
		"stroke=\"#000\" stroke-width=\"2\" stroke-dasharray=\"6,4\"/>\n"
		"<text x=\"846\" y=\"399\">1400 B frames</text>\n");
	y = 422;
	for (f = 0; f < N_MAIN; f++) {
		if (!B.absent[f])
			continue;
		fprintf(o, "<text x=\"70\" y=\"%d\">%s: not measured, ", y,
			legend[f]);
		svg_text(o, B.why[f]);
		fprintf(o, "</text>\n");
		y += 18;
	}
	if (!B.absent[FWD_NFT])
		fprintf(o,
			"<text x=\"70\" y=\"%d\">kernel nft-dup: netdev "
			"ingress rule, dup to each interface; no TTL "
			"decrement, MAC rewrite, RPF check or (S,G) lookup "
			"(1 entry only)</text>\n",
			y);
	fprintf(o, "</svg>\n");
	if (fclose(o) || rename(tmp, path))
		die("%s: %s", path, strerror(errno));
}

/* ------------------------------------------------------------------ */

static void add_case(uint32_t pkt, uint32_t fanout, uint32_t entries)
{
	if (find_case(pkt, fanout, entries))
		return;
	if (n_cases == MAX_CASES)
		die("too many cases");
	cases[n_cases].pkt = pkt;
	cases[n_cases].fanout = fanout;
	cases[n_cases].entries = entries;
	n_cases++;
}

/* Run order: tables only grow, and each install serves both sizes. */
static int cmp_run(const void *a, const void *b)
{
	const struct bcase *x = a, *y = b;

	if (x->entries != y->entries)
		return x->entries < y->entries ? -1 : 1;
	if (x->fanout != y->fanout)
		return x->fanout < y->fanout ? -1 : 1;
	return x->pkt < y->pkt ? -1 : x->pkt > y->pkt;
}

/* Report order: by frame size, then table size, then fan-out. */
static int cmp_show(const void *a, const void *b)
{
	const struct bcase *x = a, *y = b;

	if (x->pkt != y->pkt)
		return x->pkt < y->pkt ? -1 : 1;
	if (x->entries != y->entries)
		return x->entries < y->entries ? -1 : 1;
	return x->fanout < y->fanout ? -1 : x->fanout > y->fanout;
}

static void usage(FILE *o)
{
	fprintf(o,
		"Usage: mcbench [--quick|--full] [--json|--markdown] "
		"[--svg FILE]\n"
		"               [--trials N] [--seconds S] [--cpu N] "
		"[--batch N] [-q]\n"
		"  (default)   fan-out 1-16 at 64 and 1400 B; 1 to 1M entries "
		"at 64 B, fan-out %d\n"
		"  --quick     fewer cases (no 1M table), 3 short trials each\n"
		"  --full      every fan-out x table size x frame size (~10 "
		"min)\n"
		"  --trials N  rounds of trials (default 9), --seconds S of CPU "
		"time each (0.2)\n"
		"  --svg FILE  also draw Mpps against fan-out and table size\n"
		"  --json-file FILE  also write the JSON report to FILE\n"
		"  --cpu N     run the generator (and so everything) on CPU N\n"
		"              (default: the last CPU allowed; -1: no pinning)\n"
		"  --batch N   live-frame batch size (default 64, max 256)\n"
		"  --case B,F,E  only this case (frame bytes, fan-out, "
		"entries); repeatable\n"
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
		{ "ipmr-plain", no_argument, NULL, 'P' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "help", no_argument, NULL, 'h' },
		{},
	};
	static const uint32_t fanouts[] = { 1, 2, 4, 8, 16 };
	static const uint32_t tables[] = { 1, 1000, 100000, 1000000 };
	enum { M_DEFAULT, M_QUICK, M_FULL, M_CASES } mode = M_DEFAULT;
	int trials = 0, cpu = -2, c, i, j, k;
	bool json = false, markdown = false;
	const char *svg = NULL, *json_file = NULL;
	struct sigaction sa = { .sa_handler = on_signal };
	struct summary sum = { 0 };
	uint32_t max_entries = 1;
	double seconds = 0, t0;

	B.batch = 64;
	while ((c = getopt_long(argc, argv, "QFjmg:J:t:s:c:b:C:Pqh", lopts,
				NULL)) != -1) {
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
			unsigned int p, f, e;

			if (sscanf(optarg, "%u,%u,%u", &p, &f, &e) != 3 ||
			    p < 60 || p > 1514 || !f || f > MAX_FANOUT || !e ||
			    e > 4000000)
				die("--case BYTES,FANOUT,ENTRIES, e.g. 64,2,1000");
			add_case(p, f, e);
			mode = M_CASES;
			break;
		}
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

	if (mode == M_CASES) {
		/* Only the cases given with --case. */
	} else if (mode == M_FULL) {
		for (i = 0; i < 2; i++)
			for (j = 0; j < 5; j++)
				for (k = 0; k < 4; k++)
					add_case(i ? 1400 : 64, fanouts[j],
						 tables[k]);
	} else {
		for (j = 0; j < 5; j++) {
			add_case(64, fanouts[j], 1);
			if (mode == M_DEFAULT || fanouts[j] == TABLE_FANOUT)
				add_case(1400, fanouts[j], 1);
		}
		for (k = 0; k < (mode == M_QUICK ? 3 : 4); k++)
			add_case(64, TABLE_FANOUT, tables[k]);
	}
	for (i = 0; i < n_cases; i++)
		if (cases[i].entries > max_entries)
			max_entries = cases[i].entries;
	qsort(cases, n_cases, sizeof(cases[0]), cmp_run);

	if (geteuid())
		die("needs root (network namespaces, BPF)");
	/*
	 * One CPU for the whole run by default (the last one allowed, away
	 * from where interrupts usually land): the injecting call does all
	 * the work on its CPU, and a migration in the middle of a trial
	 * would only add noise.
	 */
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
		if (B.ours_n != bc->entries || B.ours_fanout != bc->fanout)
			progress("installing %u entries, fan-out %u",
				 bc->entries, bc->fanout);
		install(bc->entries, bc->fanout);
		progress("case %d/%d: %s", i + 1, n_cases,
			 case_str(bc, cs, sizeof(cs)));
		measure(bc);
		progress("  ours %.3f  ipmr %s  nft-dup %s  ceiling %.3f Mpps",
			 bc->r[FWD_OURS].mpps,
			 mpps_str(bc, FWD_IPMR, b1, sizeof(b1)),
			 mpps_str(bc, FWD_NFT, b2, sizeof(b2)),
			 bc->r[FWD_CEIL].mpps);
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
