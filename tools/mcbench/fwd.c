// SPDX-License-Identifier: GPL-2.0
/*
 * fwd.c - mcbench's forwarders: ours (the datapath layer), ipmr, nft-dup
 * and the ceilings; loading them, installing the table, and putting the
 * one under test behind the generator (tools/mcbench.h).
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <linux/mroute.h>
#include <linux/mroute6.h>

#include <errno.h>
#include <net/if.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
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

/* ------------------------------------------------------------------ */
/* The three forwarders                                                 */

/* The breakdown programs, on the forwarder's own (pinned) maps. */
static void open_probe(void)
{
	struct bpf_map *maps[5];
	char path[128];
	int i, fd;

	B.probe = mcbench_probe__open();
	if (!B.probe)
		die("cannot open the probe programs");
	maps[0] = B.probe->maps.mgm_mfe_tab;
	maps[1] = B.probe->maps.mgm_mfe;
	maps[2] = B.probe->maps.mgm_mfe_stats;
	maps[3] = B.probe->maps.mgm_config;
	maps[4] = B.probe->maps.mgm_mfe_shared;
	for (i = 0; i < 5; i++) {
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

/*
 * IPv6 multicast routing, for the IPv6 rows: MIF 0 is "in", MIFs 1..16
 * o1..o16, on the ICMPv6 raw socket that owns the table.  Probed at
 * start like ipmr (B.absent6).
 */
static void open_ip6mr(void)
{
	int one = 1, v;

	if (!B.v6 || B.absent6)
		return;
	B.mrt6_fd = socket(AF_INET6, SOCK_RAW | SOCK_CLOEXEC, IPPROTO_ICMPV6);
	if (B.mrt6_fd < 0 ||
	    setsockopt(B.mrt6_fd, IPPROTO_IPV6, MRT6_INIT, &one, sizeof(one)))
		die("MRT6_INIT: %s", strerror(errno));
	for (v = 0; v <= MAX_FANOUT; v++) {
		struct mif6ctl mc = {
			.mif6c_mifi = v,
			.vifc_threshold = 1,
			.mif6c_pifi = v ? B.out_if[v - 1] : B.in_if,
		};

		if (setsockopt(B.mrt6_fd, IPPROTO_IPV6, MRT6_ADD_MIF, &mc,
			       sizeof(mc)))
			die("MRT6_ADD_MIF %d: %s", v, strerror(errno));
	}
}

void open_forwarders(uint32_t mfe_max)
{
	/* The stats slots are shared: room for the IPv6 rows' entries too. */
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
	open_probe();

	open_ip6mr();
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
void nft_probe(void)
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

uint32_t entry_src(uint32_t i)
{
	return htonl(SRC_BASE + i % SRC_COUNT);
}

uint32_t entry_grp(uint32_t i)
{
	return htonl(GRP_BASE + i / SRC_COUNT);
}

/* IPv6 entry i: the prefix, the last 32 bits counted like IPv4's. */
static void entry6(const char *prefix, uint32_t last, struct in6_addr *a)
{
	if (inet_pton(AF_INET6, prefix, a) != 1)
		die("bad IPv6 prefix %s", prefix);
	a->s6_addr32[3] = htonl(last);
}

void entry_src6(uint32_t i, struct in6_addr *a)
{
	entry6(SRC6_PREFIX, SRC6_BASE + i % SRC_COUNT, a);
}

void entry_grp6(uint32_t i, struct in6_addr *a)
{
	entry6(GRP6_PREFIX, GRP6_BASE + i / SRC_COUNT, a);
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

/* The ceilings' devmaps (shared by both families) for this fan-out. */
static void ceil_install(uint32_t fanout)
{
	int fd = bpf_map__fd(B.ceil->maps.mcb_oifs);
	int fd_eg = bpf_map__fd(B.ceil->maps.mcb_oifs_egress);
	int fd_fair = bpf_map__fd(B.ceil->maps.mcb_oifs_fair);
	int fd_macs = bpf_map__fd(B.ceil->maps.mcb_macs);
	__u32 fair_prog = bpf_program__fd(B.ceil->progs.mcbench_fair_egress);
	uint32_t i;

	if (B.ceil_fanout == fanout)
		return;

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
		    bpf_map_update_elem(fd_eg, &B.out_if[i], eg, BPF_ANY) ||
		    bpf_map_update_elem(fd_macs, &B.out_if[i], &mac, BPF_ANY) ||
		    bpf_map_update_elem(fd_fair, &B.out_if[i], fair, BPF_ANY))
			die("ceiling devmap: %s", strerror(errno));
	}
	B.ceil_fanout = fanout;
}

/*
 * Where the datapath sends the members by its tc path, put its tc half on
 * "in": the XDP program (run from the injection) marks and passes the
 * frame, mgm_tc_xmit on the ingress clones it to each member.  That is
 * every copy on a kernel without the netdev family (before Linux 6.3),
 * which cannot say that XDP may transmit to a veth, and with
 * MGM_NO_FEATURES=netdev-genl.  Without it the marked frames would go up
 * the stack (to ipmr, if it has the entry: a second TTL decrement).
 */
static void ours_tc_check(uint32_t fanout)
{
	uint32_t i;
	int err;

	if (B.ours_tc)
		return;
	for (i = 0; i < fanout; i++)
		if (mgm_dp_if_tx(B.dp, B.out_if[i]) == MGM_DP_TX_TC)
			break;
	if (i == fanout)
		return;
	err = mgm_dp_attach(B.dp, B.in_if, MGM_DP_XDP_AUTO);
	if (err)
		die("attach (tc path) on in: %s", strerror(-err));
	B.ours_tc = true;
	progress("ours: copies through the tc path (%s)",
		 mgm_feature_disabled("netdev-genl") ?
			 "MGM_NO_FEATURES=netdev-genl" :
			 "this kernel cannot say XDP may transmit to a veth");
}

/*
 * Install entries [0, n) with the given fan-out in both tables (ours and
 * ipmr's, if measured).  Tables only grow during a run, so the entries
 * measured at n are exactly those installed; a fan-out change rewrites
 * every entry, as a routing daemon would have to.  nft-dup has no table:
 * select_fwd() loads its rule for the fan-out.
 */
void install(uint32_t n, uint32_t fanout)
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
		ours_tc_check(fanout);
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

	ceil_install(fanout);
}

/*
 * The same for IPv6 entries: ours' mgm_mfe6 (mgm_dp_mfe6_install) and
 * ip6mr's table (MRT6_ADD_MFC), where measured.
 */
void install6(uint32_t n, uint32_t fanout)
{
	struct in6_addr src, grp;
	uint32_t i, from;

	/* (Not in the install rate, which is IPv4's.) */
	from = B.ours6_fanout == fanout ? B.ours6_n : 0;
	if (from < n) {
		for (i = from; i < n; i++) {
			int err;

			entry_src6(i, &src);
			entry_grp6(i, &grp);
			err = mgm_dp_mfe6_install(B.dp, &src, &grp, B.in_if,
						  B.out_if, fanout);
			if (err)
				die("mgm_dp_mfe6_install: %s", strerror(-err));
			if (!(i & 0xffff))
				check_stop();
		}
		B.ours6_n = n;
		B.ours6_fanout = fanout;
		ours_tc_check(fanout);
	}

	from = B.ip6mr_fanout == fanout ? B.ip6mr_n : 0;
	if (!B.absent6 && from < n) {
		struct mf6cctl mc;

		memset(&mc, 0, sizeof(mc));
		mc.mf6cc_origin.sin6_family = AF_INET6;
		mc.mf6cc_mcastgrp.sin6_family = AF_INET6;
		mc.mf6cc_parent = 0;
		/* MIFs 1..fanout; their threshold 1: hop limit > 1. */
		for (i = 0; i < fanout; i++)
			IF_SET(1 + i, &mc.mf6cc_ifset);
		for (i = from; i < n; i++) {
			entry_src6(i, &mc.mf6cc_origin.sin6_addr);
			entry_grp6(i, &mc.mf6cc_mcastgrp.sin6_addr);
			if (setsockopt(B.mrt6_fd, IPPROTO_IPV6, MRT6_ADD_MFC,
				       &mc, sizeof(mc)))
				die("MRT6_ADD_MFC: %s", strerror(errno));
			if (!(i & 0xffff))
				check_stop();
		}
		B.ip6mr_n = n;
		B.ip6mr_fanout = fanout;
	}
	ceil_install(fanout);
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
void select_fwd(enum fwd f)
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
