// SPDX-License-Identifier: GPL-2.0
/*
 * gen.c - mcbench's generator (bpf/mcbench_gen.bpf.c): its tail-call
 * slot, walk and draw, the frames, the live-frame injection on one CPU
 * or two, and the receivers' counts (tools/mcbench.h).
 */
#include <arpa/inet.h>
#include <netinet/in.h>

#include <dirent.h>
#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "../bench.h"
#include "../mcbench.h"
#include "mcbench_count.skel.h"
#include "mcbench_gen.skel.h"

/* Put a program behind the generator; -1 leaves the slot empty. */
void set_slot(int fd)
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

/*
 * Restart the generator's walk on every CPU, and set where each CPU's
 * drawn traffic starts: entry 0, except on the first CPU of the pair
 * (not cpu, which runs the one-CPU trials) with base2.
 */
void gen_walk_set(uint32_t base2)
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

void gen_walk_reset(void)
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
bool set_ranks(uint32_t n, enum traffic t)
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
void make_frame(uint32_t len, uint32_t src, uint32_t grp)
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
	B.gen->bss->v6 = 0;
	B.gen->bss->src_base = SRC_BASE;
	B.gen->bss->grp_base = GRP_BASE;
}

/* One's-complement sum of n bytes as big-endian 16-bit words, folded. */
static uint32_t csum_add(uint32_t sum, const uint8_t *p, uint32_t n)
{
	uint32_t i;

	for (i = 0; i + 1 < n; i += 2)
		sum += p[i] << 8 | p[i + 1];
	if (n & 1)
		sum += p[n - 1] << 8;
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return sum;
}

/* The UDP checksum of an IPv6 frame (RFC 8200 8.1); 0 if it is right. */
static uint16_t udp6_check(const uint8_t *f, uint32_t len)
{
	uint8_t pseudo[8] = { 0 };
	uint32_t ulen = len - 54, sum;

	pseudo[2] = ulen >> 8;
	pseudo[3] = ulen;
	pseudo[7] = IPPROTO_UDP;
	sum = csum_add(0, f + 22, 32); /* source and destination */
	sum = csum_add(sum, pseudo, 8);
	sum = csum_add(sum, f + 54, ulen);
	return ~sum & 0xffff;
}

/* Offsets in an IPv6 frame: addresses, UDP checksum, compensation word. */
#define F6_SRC 22
#define F6_DST 38
#define F6_UDP_CHECK 60
#define F6_COMP 62 /* MCB_V6_COMP of bpf/mcbench_gen.bpf.c */

/*
 * An IPv6 UDP frame of len bytes (>= 64) from src to grp, hop limit
 * GEN_TTL, and the generator set to rewrite it per entry.  Its UDP
 * checksum is valid, and stays valid whatever (S,G) the generator
 * writes: the first payload word compensates the four address words the
 * generator changes (their one's-complement sum with it is 0xffff), so
 * the generator rewrites that word, never the checksum.
 */
void make_frame6(uint32_t len, const struct in6_addr *src,
		 const struct in6_addr *grp)
{
	uint8_t *f = B.frame;
	uint32_t ulen = len - 54, sum, check;

	if (len < 64 || len > sizeof(B.frame))
		die("IPv6 frames of 64 to %zu bytes, not %u", sizeof(B.frame),
		    len);
	memset(f, 0, sizeof(B.frame));
	f[0] = 0x33;
	f[1] = 0x33;
	memcpy(f + 2, &grp->s6_addr[12], 4);
	memcpy(f + 6, "\x02\x00\x00\x00\x00\x01", 6);
	f[12] = 0x86;
	f[13] = 0xdd;
	f[14] = 0x60;
	f[18] = ulen >> 8;
	f[19] = ulen;
	f[20] = IPPROTO_UDP;
	f[21] = GEN_TTL;
	memcpy(f + F6_SRC, src, 16);
	memcpy(f + F6_DST, grp, 16);
	f[54] = 5000 >> 8;
	f[55] = 5000 & 0xff;
	f[56] = 5001 >> 8;
	f[57] = 5001 & 0xff;
	f[58] = ulen >> 8;
	f[59] = ulen;
	/* The compensation word, as the generator computes it. */
	sum = csum_add(0, f + F6_SRC + 12, 4);
	sum = csum_add(sum, f + F6_DST + 12, 4);
	f[F6_COMP] = ~sum >> 8;
	f[F6_COMP + 1] = ~sum;
	check = udp6_check(f, len);
	check = check ? check : 0xffff; /* 0 means none, not allowed */
	f[F6_UDP_CHECK] = check >> 8;
	f[F6_UDP_CHECK + 1] = check;
	B.frame_len = len;
	B.gen->bss->v6 = 1;
	B.gen->bss->src_base = SRC6_BASE;
	B.gen->bss->grp_base = GRP6_BASE;
}

/*
 * Check that the generator's IPv6 frames stay valid: run it alone (not
 * live) over a walk of n entries and check each frame's addresses and
 * UDP checksum.  Once per run, on the frame make_frame6() made.
 */
void check_frame6(uint32_t n)
{
	uint8_t out[sizeof(B.frame)];
	struct in6_addr a;
	uint32_t i, saved = B.gen->bss->entries, draw = B.gen->bss->draw;
	struct xdp_md ctx = { .data_end = B.frame_len,
			      .ingress_ifindex = B.in_if };
	LIBBPF_OPTS(bpf_test_run_opts, o, .data_in = B.frame,
		    .data_size_in = B.frame_len, .data_out = out,
		    .data_size_out = sizeof(out), .ctx_in = &ctx,
		    .ctx_size_in = sizeof(ctx), .repeat = 1);

	set_slot(-1);
	gen_walk_reset();
	B.gen->bss->entries = n;
	B.gen->bss->draw = 0;
	for (i = 0; i < n; i++) {
		o.data_size_out = sizeof(out);
		if (bpf_prog_test_run_opts(
			    bpf_program__fd(B.gen->progs.mcbench_gen), &o))
			die("BPF_PROG_TEST_RUN (IPv6 frame check): %s",
			    strerror(errno));
		entry_src6(i, &a);
		if (memcmp(out + F6_SRC, &a, 16))
			die("the generator's IPv6 frame %u: wrong source", i);
		entry_grp6(i, &a);
		if (memcmp(out + F6_DST, &a, 16) ||
		    memcmp(out + 2, &a.s6_addr[12], 4))
			die("the generator's IPv6 frame %u: wrong group", i);
		if (udp6_check(out, B.frame_len) || out[21] != GEN_TTL)
			die("the generator's IPv6 frame %u: bad UDP checksum "
			    "or hop limit",
			    i);
	}
	B.gen->bss->entries = saved;
	B.gen->bss->draw = draw;
	gen_walk_reset();
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
			if (v[c].bad_seen)
				out[k].bad_seen = v[c].bad_seen;
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
void settle_counts(struct mcb_count_val *out)
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
void find_ksoftirqd(void)
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
int live_run(uint32_t count, double *secs, double *wall)
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
double live_run2(uint32_t count, double *secs, double *wall)
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
 * Check the generator's draw in the kernel: run it alone (nothing behind
 * it, not live) on DRAW_SAMPLES frames and compare the share of rank 0
 * and of the head (the first n / 100 ranks) with the distribution's,
 * within five standard deviations; every rank must be in the table.
 */
#define DRAW_SAMPLES 20000
void check_draw(uint32_t n, enum traffic t)
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
		if (B.gen->bss->v6) { /* the last 32 bits of each */
			memcpy(&src, out + F6_SRC + 12, 4);
			memcpy(&grp, out + F6_DST + 12, 4);
		} else {
			memcpy(&src, out + 26, 4);
			memcpy(&grp, out + 30, 4);
		}
		k = (ntohl(grp) - B.gen->bss->grp_base) * SRC_COUNT +
		    (ntohl(src) - B.gen->bss->src_base);
		if (ntohl(src) - B.gen->bss->src_base >= SRC_COUNT || k >= n)
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
