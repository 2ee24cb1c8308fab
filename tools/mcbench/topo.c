// SPDX-License-Identifier: GPL-2.0
/*
 * topo.c - mcbench's topology: the namespaces, the veths and the sysctls
 * of a run, the receivers' counting programs, and the cleanup of this
 * run's state and of runs that died without it (tools/mcbench.h).
 */
#include <linux/if_link.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "../bench.h"
#include "../mcbench.h"
#include "dp/dp.h"
#include "mcbench_ceiling.skel.h"
#include "mcbench_count.skel.h"
#include "mcbench_gen.skel.h"
#include "mcbench_probe.skel.h"

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
void remove_stale(void)
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

void cleanup(void)
{
	static bool done;
	int i;

	if (done)
		return;
	done = true;
	if (B.mrt_fd >= 0)
		close(B.mrt_fd);
	if (B.mrt6_fd >= 0)
		close(B.mrt6_fd);
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

/*
 * IPv6 on one end of a link, for the IPv6 rows: enabled on that device
 * alone (the namespace's default stays off), no duplicate address
 * detection, no router solicitations, and addr/64.
 */
static void ipv6_on(const char *ns, const char *dev, const char *addr)
{
	static const char *const off[] = { "accept_dad", "dad_transmits",
					   "router_solicitations" };
	char p[128];
	int fd = open_ns(ns);
	size_t k;

	enter_ns(fd);
	close(fd);
	for (k = 0; k < sizeof(off) / sizeof(off[0]); k++) {
		snprintf(p, sizeof(p), "net/ipv6/conf/%s/%s", dev, off[k]);
		sysctl_w(p, "0");
	}
	snprintf(p, sizeof(p), "net/ipv6/conf/%s/disable_ipv6", dev);
	sysctl_w(p, "0");
	sh("ip -n %s -6 addr add %s/64 dev %s nodad", ns, addr, dev);
}

void topology(void)
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
	 * IPv6 rows: 2001:db8::fe on "in" (the sources 2001:db8::1..fa are on
	 * its link, as IPv4's), 2001:db8:1:k::1 on ok and ::2 on its
	 * receiver's x0.  The receivers' counting programs drop the routed
	 * frames before their stack sees them.
	 */
	for (k = 0; B.v6 && k <= MAX_FANOUT; k++) {
		char a[64];

		if (!k) {
			ipv6_on(rtr, "in", "2001:db8::fe");
			ipv6_on(src, "s0", "2001:db8::fd");
			continue;
		}
		snprintf(name, sizeof(name), "o%d", k);
		snprintf(a, sizeof(a), "2001:db8:1:%x::1", k);
		ipv6_on(rtr, name, a);
		snprintf(a, sizeof(a), "2001:db8:1:%x::2", k);
		ipv6_on(B.ns[1 + k], "x0", a);
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
