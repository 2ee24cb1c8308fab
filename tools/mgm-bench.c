// SPDX-License-Identifier: GPL-2.0
/*
 * mgm-bench - control-plane benchmark of the MGM controller on the real
 * fast path.
 *
 * In a private network namespace with veth interfaces and a private pin
 * root, it drives libmgm exactly as mgmd does and measures:
 *   - MFE installs per second: N new (S,G) flows whose first packets are
 *     injected into the XDP program (BPF_PROG_TEST_RUN), become miss events,
 *     and are installed by mgm_dispatch();
 *   - miss-to-installed latency (median, p99): one packet, then dispatch
 *     until the entry is installed;
 *   - release latency against the number of entries using the interface;
 *   - memory per MFE, in the controller (RSS) and in the kernel (maps).
 * The protocol registered here has no callbacks, so the figures exclude
 * protocol callback time, as the targets do.
 *
 * Usage: mgm-bench [--json|--markdown] [--entries N] [--samples N]
 */
#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
#include <net/if.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "bench.h"
#include "dp/dp.h"
#include "mgm/mgm.h"

#define PROTO_ID 1000

struct bench {
	struct mgm_dp *dp;
	struct mgm *m;
	mgm_handle_t p;
	char pin[64];
	uint32_t in0, o1, o2;
};

static uint16_t csum(const void *p, size_t n)
{
	const uint16_t *w = p;
	uint32_t s = 0;

	for (; n > 1; n -= 2)
		s += *w++;
	while (s >> 16)
		s = (s & 0xffff) + (s >> 16);
	return ~s;
}

/* An Ethernet/IPv4/UDP frame from flow i: source and group vary. */
static size_t frame(uint8_t *buf, uint32_t i, uint32_t *src, uint32_t *grp)
{
	struct {
		uint8_t dst[6], srcmac[6];
		uint16_t proto;
		uint8_t vihl, tos;
		uint16_t tot_len, id, frag;
		uint8_t ttl, protocol;
		uint16_t check;
		uint32_t saddr, daddr;
		uint8_t udp[8 + 18];
	} __attribute__((packed)) *f = (void *)buf;

	memset(f, 0, sizeof(*f));
	memcpy(f->dst, "\x01\x00\x5e\x01\x01\x01", 6);
	memcpy(f->srcmac, "\x02\x00\x00\x00\x00\x01", 6);
	f->proto = htons(0x0800);
	f->vihl = 0x45;
	f->tot_len = htons(20 + sizeof(f->udp));
	f->ttl = 64;
	f->protocol = 17;
	/* 192.0.2.1-254 x groups 239.x.y.z: all inside test ranges. */
	*src = htonl(0xc0000201 + i % 254);
	*grp = htonl(0xef000000 + 1 + i / 254);
	f->saddr = *src;
	f->daddr = *grp;
	f->check = csum(&f->vihl, 20);
	return sizeof(*f);
}

static int inject(struct bench *b, uint32_t i)
{
	uint8_t buf[128], out[128];
	uint32_t s, g;
	size_t len = frame(buf, i, &s, &g);
	struct xdp_md ctx = { .data_end = len, .ingress_ifindex = b->in0 };
	LIBBPF_OPTS(bpf_test_run_opts, o, .data_in = buf, .data_size_in = len,
		    .data_out = out, .data_size_out = sizeof(out),
		    .ctx_in = &ctx, .ctx_size_in = sizeof(ctx), .repeat = 1);

	return bpf_prog_test_run_opts(mgm_dp_prog_fd(b->dp), &o);
}

static bool installed(struct bench *b, uint32_t i)
{
	struct mgm_ipmcast_mfe key = { 0 };
	uint8_t buf[512];
	uint32_t size = sizeof(buf), s, g;

	frame(buf, i, &s, &g);
	key.source = s;
	key.group = g;
	return mgm_get_mfe(b->m, &key, &size, buf) == MGM_NO_ERROR;
}

static void bench_open(struct bench *b, uint32_t mfe_max)
{
	struct mgm_dp_opts o = { .mfe_max = mfe_max, .oset_max = 256 };
	struct mgm_options mo = { 0 };
	struct mgm_protocol_config cfg = { 0 };

	snprintf(b->pin, sizeof(b->pin), "/sys/fs/bpf/mgm-bench-%d", getpid());
	mgm_dp_unpin(b->pin);
	o.pin_root = b->pin;
	if (mgm_dp_open(&o, &b->dp)) {
		fprintf(stderr, "mgm-bench: cannot open the datapath\n");
		exit(1);
	}
	/* Every first packet must become an event: lift the budget. */
	mgm_dp_set_config(b->dp, 100000000, 0, 0);
	mo.dp_ops = mgm_dp_ops();
	mo.dp = b->dp;
	if (mgm_create(&mo, &b->m)) {
		fprintf(stderr, "mgm-bench: mgm_create failed\n");
		exit(1);
	}
	mgm_register_protocol(b->m, &cfg, PROTO_ID, 1, &b->p);
	mgm_take_interface_ownership(b->m, b->p, b->in0, 0);
	mgm_take_interface_ownership(b->m, b->p, b->o1, 0);
	mgm_take_interface_ownership(b->m, b->p, b->o2, 0);
	/* (*,*) on o1 and o2: every new flow gets both as oifs. */
	mgm_add_group_membership_entry(b->m, b->p, 0, 0, 0, 0, b->o1, 0,
				       MGM_JOIN_STATE_FLAG);
	mgm_add_group_membership_entry(b->m, b->p, 0, 0, 0, 0, b->o2, 0,
				       MGM_JOIN_STATE_FLAG);
}

static void bench_close(struct bench *b)
{
	mgm_destroy(b->m);
	mgm_dp_close(b->dp);
	mgm_dp_unpin(b->pin);
}

static uint64_t created(struct bench *b)
{
	struct mgm_stats st;

	mgm_get_stats(b->m, &st);
	return st.mfes_created;
}

/* Create n flows through the miss path; returns the seconds it took. */
static double create_flows(struct bench *b, uint32_t n, double *dispatch_s)
{
	uint64_t base = created(b);
	double t0 = now_s(), td = 0;
	uint32_t i = 0;

	while (created(b) - base < n) {
		uint32_t batch = 0;
		double t1;

		/* Stay well inside the ring (1 MiB, ~100 B per event). */
		for (; i < n && batch < 4096; i++, batch++)
			inject(b, i);
		t1 = now_s();
		mgm_dispatch(b->m);
		td += now_s() - t1;
		if (!batch && now_s() - t0 > 60) {
			fprintf(stderr, "mgm-bench: stuck at %llu of %u\n",
				(unsigned long long)(created(b) - base), n);
			break;
		}
	}
	if (dispatch_s)
		*dispatch_s = td;
	return now_s() - t0;
}

static long rss_kb(void)
{
	long pages = 0, rss = 0;
	FILE *f = fopen("/proc/self/statm", "r");

	if (f) {
		if (fscanf(f, "%ld %ld", &pages, &rss) != 2)
			rss = 0;
		fclose(f);
	}
	return rss * (sysconf(_SC_PAGESIZE) / 1024);
}

static long map_memlock(const char *pin, const char *name)
{
	char path[256], line[256];
	long v = 0;
	int fd;
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", pin, name);
	fd = bpf_obj_get(path);
	if (fd < 0)
		return 0;
	snprintf(path, sizeof(path), "/proc/self/fdinfo/%d", fd);
	f = fopen(path, "r");
	while (f && fgets(line, sizeof(line), f))
		if (sscanf(line, "memlock: %ld", &v) == 1)
			break;
	if (f)
		fclose(f);
	close(fd);
	return v;
}

int main(int argc, char **argv)
{
	static const struct option lopts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "markdown", no_argument, NULL, 'm' },
		{ "entries", required_argument, NULL, 'n' },
		{ "samples", required_argument, NULL, 's' },
		{ "help", no_argument, NULL, 'h' },
		{},
	};
	static const uint32_t release_sizes[] = { 100, 10000, 100000 };
	double release_ms[3], *lat, t, td;
	uint32_t n = 100000, samples = 1000, i, k;
	struct bench b = { 0 };
	long rss0, rss1, kmem;
	bool json = false, markdown = false;
	int c;

	bench_name = "mgm-bench";
	while ((c = getopt_long(argc, argv, "jmn:s:h", lopts, NULL)) != -1) {
		switch (c) {
		case 'j':
			json = true;
			break;
		case 'm':
			markdown = true;
			break;
		case 'n':
			n = strtoul(optarg, NULL, 0);
			break;
		case 's':
			samples = strtoul(optarg, NULL, 0);
			break;
		case 'h':
			printf("Usage: mgm-bench [--json|--markdown] "
			       "[--entries N] [--samples N]\n");
			return 0;
		default:
			return 2;
		}
	}
	if (unshare(CLONE_NEWNET)) {
		perror("mgm-bench: unshare (needs root)");
		return 1;
	}
	sh("ip link set lo up && ip link add in0 type veth peer name in0p && "
	   "ip link add o1 type veth peer name o1p && "
	   "ip link add o2 type veth peer name o2p && "
	   "for d in in0 in0p o1 o1p o2 o2p; do ip link set $d up; done && "
	   "ip addr add 192.0.2.254/24 dev in0");
	b.in0 = if_nametoindex("in0");
	b.o1 = if_nametoindex("o1");
	b.o2 = if_nametoindex("o2");

	/* Installs per second and memory per MFE (a table big enough for
	 * --entries and the latency samples). */
	bench_open(&b, n + samples > 262144 ? n + samples : 262144);
	rss0 = rss_kb();
	t = create_flows(&b, n, &td);
	rss1 = rss_kb();
	/* mgm_mfe_shared: a fixed size, spread over the capacity too. */
	kmem = map_memlock(b.pin, "mgm_mfe_tab") +
	       map_memlock(b.pin, "mgm_mfe") +
	       map_memlock(b.pin, "mgm_mfe_stats") +
	       map_memlock(b.pin, "mgm_mfe_shared");
	{
		uint32_t cap = mgm_dp_mfe_max(b.dp);
		double user_b = (rss1 - rss0) * 1024.0 / n;
		double kern_b = (double)kmem / cap;
		double rate = n / t, drate = n / td;

		/* Latency: one new flow at a time, packet to installed. */
		lat = calloc(samples, sizeof(*lat));
		for (i = 0; i < samples; i++) {
			uint32_t f = n + i;
			double t0 = now_s();

			inject(&b, f);
			while (!installed(&b, f)) {
				mgm_dispatch(b.m);
				if (now_s() - t0 > 1)
					break;
			}
			lat[i] = (now_s() - t0) * 1e6;
		}
		qsort(lat, samples, sizeof(*lat), cmp_d);
		bench_close(&b);

		/* Release against the number of entries using the oif. */
		for (k = 0; k < 3; k++) {
			bench_open(&b, 262144);
			create_flows(&b, release_sizes[k], NULL);
			t = now_s();
			mgm_release_interface_ownership(b.m, b.p, b.o2, 0);
			release_ms[k] = (now_s() - t) * 1e3;
			bench_close(&b);
		}

		if (markdown) {
			printf("| control plane (libmgm on the XDP fast path, "
			       "%u flows) | result | target |\n"
			       "|---|---|---|\n",
			       n);
			printf("| MFE installs, first packet -> event -> MGM -> "
			       "map | %.0f /s | >= 50000 /s |\n",
			       rate);
			printf("| miss to installed, median / p99 (%u samples) "
			       "| %.1f / %.1f us | median < 1 ms |\n",
			       samples, lat[samples / 2],
			       lat[samples * 99 / 100]);
			printf("| release of an oif used by 100 / 10k / 100k "
			       "MFEs | %.1f / %.1f / %.1f ms | 100k < 200 ms "
			       "|\n",
			       release_ms[0], release_ms[1], release_ms[2]);
			printf("| memory per MFE: controller / kernel maps | "
			       "%.0f / %.0f bytes | reported |\n",
			       user_b, kern_b);
		} else if (json) {
			printf("{\"entries\":%u,\"installs_per_s\":%.0f,"
			       "\"dispatch_installs_per_s\":%.0f,"
			       "\"miss_to_installed_us\":{\"median\":%.1f,"
			       "\"p99\":%.1f,\"samples\":%u},"
			       "\"release_ms\":{\"100\":%.2f,\"10000\":%.2f,"
			       "\"100000\":%.2f},"
			       "\"bytes_per_mfe\":{\"controller\":%.0f,"
			       "\"kernel\":%.0f}}\n",
			       n, rate, drate, lat[samples / 2],
			       lat[samples * 99 / 100], samples, release_ms[0],
			       release_ms[1], release_ms[2], user_b, kern_b);
		} else {
			printf("MGM control plane on the XDP fast path\n");
			printf("  installs, %u new flows (packet -> event -> "
			       "MGM -> map): %.0f/s\n",
			       n, rate);
			printf("  installs, dispatch only:                  "
			       "%.0f/s\n",
			       drate);
			printf("  miss to installed: median %.1f us, p99 %.1f us "
			       "(%u samples)\n",
			       lat[samples / 2], lat[samples * 99 / 100],
			       samples);
			printf("  release of an oif used by 100 / 10k / 100k "
			       "MFEs: %.2f / %.2f / %.2f ms\n",
			       release_ms[0], release_ms[1], release_ms[2]);
			printf("  memory per MFE: controller %.0f B, kernel "
			       "maps %.0f B\n",
			       user_b, kern_b);
		}
		free(lat);
	}
	return 0;
}
