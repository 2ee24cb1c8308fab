// SPDX-License-Identifier: GPL-2.0
/*
 * kmirror-bench - a multicast routing daemon alone against the same daemon
 * with mgmd mirroring its kernel routes into XDP (mirror-kernel), in one
 * run, on one generator, one topology, one (S,G) entry.
 *
 *   kmb<pid>-src            kmb<pid>-rtr                kmb<pid>-rcv1..N
 *   inp ---------------- in 192.0.2.254
 *                           o1 198.51.100.1/30 ------- x0  [kmb_count]
 *                           ...
 *
 * smcroute runs in the router namespace (private config, socket, pid
 * file) with "mroute from in source 192.0.2.1 group 239.1.1.1 to o1..oN".
 * Frames are injected on "in" with BPF_PROG_TEST_RUN in live-frame mode
 * through bpf/kmbench.bpf.c's kmb_gen, which either passes them up the
 * stack (the daemon alone: the kernel's multicast routing forwards them)
 * or tail-calls the XDP forwarder mgmd attached to "in" (the daemon with
 * mgmd).  Every receiver counts and drops with kmb_count.  The two set-ups
 * alternate, trial after trial: mgmd is started for each "with" trial and
 * stopped after it, so "alone" really runs without it.  The rate is frames
 * injected per second of the injecting system call, on one pinned CPU
 * (everything the frames cause, copies and the receivers' NAPI included,
 * runs there).
 *
 * It needs the kernel's multicast routing (ipmr), through which smcroute
 * routes: where the kernel has none (or MGM_NO_FEATURES lists "ipmr"), it
 * prints "SKIP kmirror-bench: <reason>" and exits 0.
 *
 * Usage: kmirror-bench [--seconds S] [--trials N] [--oifs N] [--cpu N]
 *                      [--size BYTES] [--markdown] [-q]
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <libgen.h>
#include <limits.h>
#include <linux/if_ether.h>
#include <linux/ip.h>
#include <linux/udp.h>
#include <net/if.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "bench.h"
#include "dp/dp.h"
#include "kmbench.skel.h"

#define MAX_OIFS 16
#define GROUP "239.1.1.1"
#define SOURCE "192.0.2.1"

static struct {
	double seconds;
	int trials, oifs, cpu, size, markdown, quiet;
} o = { 2.0, 3, 4, 0, 64, 0, 0 };

static char ns[32], tmp[128], pin[128], bindir[PATH_MAX - 64];
static int root_ns = -1, rtr_ns = -1;
static pid_t smc_pid, mgmd_pid;

static void say(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void say(const char *fmt, ...)
{
	va_list ap;

	if (o.quiet)
		return;
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
}

static pid_t spawn(char *const argv[], const char *log)
{
	pid_t pid = fork();

	if (pid == 0) {
		int fd = open(log, O_WRONLY | O_CREAT | O_APPEND, 0644);

		if (fd >= 0) {
			dup2(fd, 1);
			dup2(fd, 2);
		}
		execvp(argv[0], argv);
		_exit(127);
	}
	return pid;
}

static void stop(pid_t *pid)
{
	if (*pid <= 0)
		return;
	kill(*pid, SIGTERM);
	waitpid(*pid, NULL, 0);
	*pid = 0;
}

static void cleanup(void)
{
	int i;

	stop(&mgmd_pid);
	stop(&smc_pid);
	if (root_ns >= 0)
		setns(root_ns, CLONE_NEWNET);
	sh_try("ip netns del %s-rtr 2>/dev/null", ns);
	sh_try("ip netns del %s-src 2>/dev/null", ns);
	for (i = 1; i <= o.oifs; i++)
		sh_try("ip netns del %s-rcv%d 2>/dev/null", ns, i);
	mgm_dp_unpin(pin);
	sh_try("rm -rf %s", tmp);
}

static void on_signal(int sig)
{
	(void)sig;
	cleanup();
	_exit(130);
}

static int topology(void)
{
	int i;

	if (sh_try("ip netns add %s-rtr && ip netns add %s-src", ns, ns) ||
	    sh_try("ip link add in netns %s-rtr type veth peer name inp netns %s-src",
		   ns, ns) ||
	    sh_try("ip -n %s-rtr addr add 192.0.2.254/24 dev in", ns) ||
	    sh_try("ip -n %s-rtr link set in up && ip -n %s-src link set inp up "
		   "&& ip -n %s-rtr link set lo up",
		   ns, ns, ns))
		return -1;
	for (i = 1; i <= o.oifs; i++) {
		int b = (i - 1) * 4;

		if (sh_try("ip netns add %s-rcv%d", ns, i) ||
		    sh_try("ip link add o%d netns %s-rtr type veth peer name x0 "
			   "netns %s-rcv%d",
			   i, ns, ns, i) ||
		    sh_try("ip -n %s-rtr addr add 198.51.100.%d/30 dev o%d", ns,
			   b + 1, i) ||
		    sh_try("ip -n %s-rcv%d addr add 198.51.100.%d/30 dev x0",
			   ns, i, b + 2) ||
		    sh_try("ip -n %s-rtr link set o%d up && ip -n %s-rcv%d link set "
			   "x0 up",
			   ns, i, ns, i))
			return -1;
	}
	return 0;
}

static int enter(const char *name)
{
	char path[PATH_MAX];
	int fd, ret;

	snprintf(path, sizeof(path), "/run/netns/%s", name);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	ret = setns(fd, CLONE_NEWNET) ? -errno : 0;
	close(fd);
	return ret;
}

static int start_smcroute(void)
{
	char conf[PATH_MAX], sock[PATH_MAX], pidf[PATH_MAX], log[PATH_MAX];
	char ident[64], cmd[1024], oifs[256] = "";
	FILE *f;
	int i;

	for (i = 1; i <= o.oifs; i++)
		snprintf(oifs + strlen(oifs), sizeof(oifs) - strlen(oifs),
			 " o%d", i);
	snprintf(conf, sizeof(conf), "%s/smcroute.conf", tmp);
	f = fopen(conf, "w");
	if (!f)
		return -errno;
	fprintf(f, "mroute from in source %s group %s to%s\n", SOURCE, GROUP,
		oifs);
	fclose(f);
	snprintf(sock, sizeof(sock), "%s/smcroute.sock", tmp);
	snprintf(pidf, sizeof(pidf), "%s/smcroute.pid", tmp);
	snprintf(log, sizeof(log), "%s/smcroute.log", tmp);
	snprintf(ident, sizeof(ident), "%s", ns);
	{
		char *argv[] = { "smcrouted", "-n", "-f", conf, "-i", ident,
				 "-u",	      sock, "-P", pidf, NULL };

		smc_pid = spawn(argv, log);
	}
	/* Its entry is in the kernel once it has read the configuration. */
	snprintf(cmd, sizeof(cmd),
		 "ip mroute show 2>/dev/null | grep -q '%s,%s'", SOURCE, GROUP);
	for (i = 0; i < 100; i++) {
		if (!system(cmd))
			return 0;
		usleep(50000);
	}
	return -ETIMEDOUT;
}

static int mfe_seen(void *arg, const struct mgm_dp_mfe_info *info)
{
	(void)arg;
	(void)info;
	return 1;
}

/* 1 once mgmd has installed an IPv4 entry (in its table or overflow). */
static uint64_t mfe_entries(void)
{
	struct mgm_dp_opts o = { .pin_root = pin, .readonly = true };
	struct mgm_dp *dp;
	int n;

	if (mgm_dp_open(&o, &dp))
		return 0;
	n = mgm_dp_mfe_foreach(dp, mfe_seen, NULL);
	mgm_dp_close(dp);
	return n > 0;
}

/* mgmd with mirror-kernel; returns the forwarder it attached to "in". */
static int start_mgmd(void)
{
	char conf[PATH_MAX], sock[PATH_MAX], log[PATH_MAX], bin[PATH_MAX];
	struct bpf_prog_info info;
	__u32 id = 0, len = sizeof(info);
	FILE *f;
	int i, fd;

	snprintf(conf, sizeof(conf), "%s/mgmd.conf", tmp);
	f = fopen(conf, "w");
	if (!f)
		return -errno;
	fprintf(f, "mirror-kernel\n");
	fclose(f);
	snprintf(sock, sizeof(sock), "%s/mgmd.sock", tmp);
	snprintf(log, sizeof(log), "%s/mgmd.log", tmp);
	snprintf(bin, sizeof(bin), "%s/mgmd", bindir);
	{
		char *argv[] = { bin,  "-n",	     "-f", conf, "-s",
				 sock, "--pin-root", pin,  NULL };

		mgmd_pid = spawn(argv, log);
	}
	for (i = 0; i < 200 && !mfe_entries(); i++)
		usleep(25000);
	if (!mfe_entries())
		return -ETIMEDOUT;
	if (bpf_xdp_query_id(if_nametoindex("in"), 0, &id) || !id)
		return -ENOENT;
	fd = bpf_prog_get_fd_by_id(id);
	if (fd < 0)
		return -errno;
	memset(&info, 0, sizeof(info));
	if (bpf_obj_get_info_by_fd(fd, &info, &len) ||
	    strcmp(info.name, "mgm_xdp_fwd")) {
		/* A dispatcher in front (libxdp): the name says whose. */
		close(fd);
		return -ENOTSUP;
	}
	return fd;
}

/* The kernel's packet counter of (SOURCE, GROUP), from /proc. */
static uint64_t kernel_pkts(void)
{
	FILE *f = fopen("/proc/self/net/ip_mr_cache", "r");
	char line[512];
	uint64_t n = 0;

	if (!f)
		return 0;
	while (fgets(line, sizeof(line), f)) {
		unsigned g, s;
		unsigned long long p;

		if (sscanf(line, "%x %x %*d %llu", &g, &s, &p) == 3 &&
		    g == inet_addr(GROUP) && s == inet_addr(SOURCE))
			n = p;
	}
	fclose(f);
	return n;
}

static uint64_t rx_total(struct kmbench *skel)
{
	int ncpu = libbpf_num_possible_cpus(), i;
	__u64 v[512] = { 0 }, sum = 0;
	__u32 zero = 0;

	if (ncpu > 512 ||
	    bpf_map_lookup_elem(bpf_map__fd(skel->maps.kmb_rx), &zero, v))
		return 0;
	for (i = 0; i < ncpu; i++)
		sum += v[i];
	return sum;
}

static size_t frame(uint8_t *buf)
{
	struct ethhdr *eth = (void *)buf;
	struct iphdr *ip = (void *)(eth + 1);
	struct udphdr *udp = (void *)(ip + 1);
	size_t len = (size_t)o.size;

	memset(buf, 0, len);
	memcpy(eth->h_dest, "\x01\x00\x5e\x01\x01\x01", 6);
	memcpy(eth->h_source, "\x02\x00\x00\x00\x00\x01", 6);
	eth->h_proto = htons(ETH_P_IP);
	ip->version = 4;
	ip->ihl = 5;
	ip->ttl = 64;
	ip->protocol = IPPROTO_UDP;
	ip->tot_len = htons((uint16_t)(len - sizeof(*eth)));
	ip->saddr = inet_addr(SOURCE);
	ip->daddr = inet_addr(GROUP);
	udp->source = htons(4000);
	udp->dest = htons(5000);
	udp->len = htons((uint16_t)(len - sizeof(*eth) - sizeof(*ip)));
	return len; /* kmb_gen writes the IP checksum */
}

struct result {
	double mpps, delivered, kernel_share;
};

static int run(struct kmbench *skel, int fwd_fd, struct result *r)
{
	uint8_t pkt[1600];
	size_t len = frame(pkt);
	struct xdp_md ctx = { .data_end = (__u32)len,
			      .ingress_ifindex = if_nametoindex("in") };
	LIBBPF_OPTS(bpf_test_run_opts, t, .data_in = pkt, .data_size_in = len,
		    .ctx_in = &ctx, .ctx_size_in = sizeof(ctx),
		    .repeat = 1 << 18, .batch_size = 64,
		    .flags = BPF_F_TEST_XDP_LIVE_FRAMES);
	uint64_t rx0 = rx_total(skel), k0 = kernel_pkts(), sent = 0;
	double busy = 0, end = now_s() + o.seconds;
	__u32 zero = 0;
	int gen = bpf_program__fd(skel->progs.kmb_gen);

	if (fwd_fd >= 0) {
		if (bpf_map_update_elem(bpf_map__fd(skel->maps.kmb_fwd), &zero,
					&fwd_fd, BPF_ANY))
			return -errno;
	} else {
		bpf_map_delete_elem(bpf_map__fd(skel->maps.kmb_fwd), &zero);
	}
	while (now_s() < end) {
		double t0 = now_s();

		if (bpf_prog_test_run_opts(gen, &t))
			return -errno;
		busy += now_s() - t0;
		sent += t.repeat;
	}
	usleep(200000); /* let the receivers' queues drain */
	r->mpps = sent / busy / 1e6;
	r->delivered = (double)(rx_total(skel) - rx0) / ((double)sent * o.oifs);
	r->kernel_share = (double)(kernel_pkts() - k0) / (double)sent;
	return 0;
}

static void usage(FILE *f)
{
	fputs("Usage: kmirror-bench [--seconds S] [--trials N] [--oifs N] "
	      "[--cpu N]\n"
	      "                     [--size BYTES] [--markdown] [-q]\n"
	      "smcroute alone against smcroute with mgmd's mirror-kernel, in "
	      "one run.\n",
	      f);
}

static int bench(void)
{
	struct result a[16], b[16];
	struct kmbench *skel = NULL;
	char rtr[64];
	double sa = 0, sb = 0, da = 1, db = 1, ka = 0, kb = 0;
	cpu_set_t cpus;
	int i, err, fwd;

	if (topology()) {
		fprintf(stderr, "kmirror-bench: topology failed\n");
		return 1;
	}
	snprintf(rtr, sizeof(rtr), "%s-rtr", ns);
	if (enter(rtr) || (err = start_smcroute())) {
		fprintf(stderr, "kmirror-bench: smcroute did not start (%s)\n",
			tmp);
		return 1;
	}
	rtr_ns = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
	skel = kmbench__open();
	if (!skel)
		return 1;
	skel->bss->ttl = 64;
	if (kmbench__load(skel))
		return 1;
	for (i = 1; i <= o.oifs; i++) {
		char name[96];

		snprintf(name, sizeof(name), "%s-rcv%d", ns, i);
		if (enter(name) ||
		    bpf_xdp_attach(if_nametoindex("x0"),
				   bpf_program__fd(skel->progs.kmb_count), 0,
				   NULL)) {
			fprintf(stderr, "kmirror-bench: receiver %d\n", i);
			return 1;
		}
	}
	setns(rtr_ns, CLONE_NEWNET);
	CPU_ZERO(&cpus);
	CPU_SET(o.cpu, &cpus);
	sched_setaffinity(0, sizeof(cpus), &cpus);
	for (i = 0; i < o.trials; i++) {
		err = run(skel, -1, &a[i]);
		fwd = err ? err : start_mgmd();
		err = fwd < 0 ? fwd : run(skel, fwd, &b[i]);
		if (fwd >= 0)
			close(fwd);
		stop(&mgmd_pid);
		if (err) {
			fprintf(stderr,
				"kmirror-bench: trial %d: %s (see %s)\n", i + 1,
				strerror(-err), tmp);
			return 1;
		}
		say("trial %d: smcroute alone %.3f Mpps, with mgmd %.3f Mpps\n",
		    i + 1, a[i].mpps, b[i].mpps);
		sa += a[i].mpps;
		sb += b[i].mpps;
		da = a[i].delivered < da ? a[i].delivered : da;
		db = b[i].delivered < db ? b[i].delivered : db;
		ka += a[i].kernel_share;
		kb += b[i].kernel_share;
	}
	sa /= o.trials;
	sb /= o.trials;
	if (o.markdown) {
		printf("| %d-way fan-out, %d-byte frames, %d x %.0f s, CPU %d "
		       "| Mpps | delivered (worst) | through the kernel |\n"
		       "|---|---|---|---|\n",
		       o.oifs, o.size, o.trials, o.seconds, o.cpu);
		printf("| smcroute alone (kernel ipmr) | %.3f | %.1f%% | "
		       "%.1f%% |\n",
		       sa, da * 100, ka / o.trials * 100);
		printf("| smcroute + mgmd mirror-kernel (XDP) | %.3f | %.1f%% | "
		       "%.4f%% |\n",
		       sb, db * 100, kb / o.trials * 100);
		printf("| ratio | %.2fx | | |\n", sb / sa);
	} else {
		printf("smcroute alone:           %.3f Mpps  delivered %.1f%%  "
		       "kernel path %.1f%%\n",
		       sa, da * 100, ka / o.trials * 100);
		printf("smcroute + mgmd (XDP):    %.3f Mpps  delivered %.1f%%  "
		       "kernel path %.4f%% (keepalive)\n",
		       sb, db * 100, kb / o.trials * 100);
		printf("ratio:                    %.2fx\n", sb / sa);
	}
	kmbench__destroy(skel);
	return 0;
}

int main(int argc, char **argv)
{
	static const struct option lo[] = {
		{ "seconds", required_argument, NULL, 's' },
		{ "trials", required_argument, NULL, 't' },
		{ "oifs", required_argument, NULL, 'o' },
		{ "cpu", required_argument, NULL, 'c' },
		{ "size", required_argument, NULL, 'b' },
		{ "markdown", no_argument, NULL, 'm' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "help", no_argument, NULL, 'h' },
		{},
	};
	char self[PATH_MAX], why[200];
	ssize_t n;
	int c, ret;

	bench_name = "kmirror-bench";
	while ((c = getopt_long(argc, argv, "qh", lo, NULL)) != -1) {
		switch (c) {
		case 's':
			o.seconds = atof(optarg);
			break;
		case 't':
			o.trials = atoi(optarg);
			break;
		case 'o':
			o.oifs = atoi(optarg);
			break;
		case 'c':
			o.cpu = atoi(optarg);
			break;
		case 'b':
			o.size = atoi(optarg);
			break;
		case 'm':
			o.markdown = 1;
			break;
		case 'q':
			o.quiet = 1;
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	if (o.seconds <= 0 || o.trials < 1 || o.trials > 16 || o.oifs < 1 ||
	    o.oifs > MAX_OIFS || o.size < 64 || o.size > 1500) {
		usage(stderr);
		return 2;
	}
	/* smcroute routes through the kernel's multicast routing. */
	if (mgm_feature_probe(MGM_FEAT_IPMR, why, sizeof(why)) != 1) {
		printf("SKIP kmirror-bench: needs kernel ipmr for smcroute, "
		       "%s\n",
		       why);
		return 0;
	}
	if (system("command -v smcrouted >/dev/null")) {
		fprintf(stderr, "kmirror-bench: smcroute is not installed "
				"(tools/deps.sh)\n");
		return 1;
	}
	/* mgmd is built next to this tool. */
	n = readlink("/proc/self/exe", self, sizeof(self) - 1);
	if (n <= 0)
		return 1;
	self[n] = '\0';
	snprintf(bindir, sizeof(bindir), "%s", dirname(self));
	snprintf(ns, sizeof(ns), "kmb%d", getpid());
	snprintf(pin, sizeof(pin), "/sys/fs/bpf/%s", ns);
	snprintf(tmp, sizeof(tmp), "/tmp/%s.XXXXXX", ns);
	if (!mkdtemp(tmp))
		return 1;
	root_ns = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);
	ret = bench();
	cleanup();
	return ret;
}
