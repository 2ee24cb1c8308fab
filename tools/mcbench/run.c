// SPDX-License-Identifier: GPL-2.0
/*
 * run.c - mcbench's runs: the trials of a case in rounds, the per-packet
 * costs of the programs alone, and the cases measured (tools/mcbench.h).
 */
#include <arpa/inet.h>

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "../bench.h"
#include "../mcbench.h"
#include "dp/dp.h"
#include "mcbench_ceiling.skel.h"
#include "mcbench_gen.skel.h"
#include "mcbench_probe.skel.h"

/* live_run(), a stop (SIGINT) or a failure ending the run. */
static void live_run_or_die(uint32_t count, double *secs, double *wall)
{
	if (live_run(count, secs, wall)) {
		check_stop();
		die("live BPF_PROG_TEST_RUN: %s", strerror(errno));
	}
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
		live_run_or_die(count, &secs, &wall);
		rate = count / secs;
	}
	r->wall_s += wall;
	r->cpu_s += secs;
	settle_counts(after);
	mgm_dp_counters(B.dp, &m1);

	for (k = 0; k < MAX_FANOUT; k++) {
		uint64_t got = after[k].packets - before[k].packets;

		r->bad_ttl += after[k].bad_ttl - before[k].bad_ttl;
		if (after[k].bad_ttl != before[k].bad_ttl)
			r->bad_seen = (int)after[k].bad_seen;
		if (k >= fanout) {
			r->strays += got;
			continue;
		}
		r->deliv[k] += got;
		r->lost += got < sent ? sent - got : 0;
		r->dups += got > sent ? got - sent : 0;
	}
	/* Forwarded: broadcast by XDP, or handed to the tc path. */
	if (f == FWD_OURS)
		r->misses += sent - (m1.forwarded - m0.forwarded) -
			     (m1.to_tc - m0.to_tc);
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
	/* IPv6: ip6mr in the ipmr column, no nft-dup. */
	if (c->v6)
		return f == FWD_IPMR ? !B.absent6 : f != FWD_NFT;
	if (B.absent[f])
		return false;
	if (c->cpus > 1)
		return f == FWD_OURS || f == FWD_IPMR || f == FWD_CEIL_FAIR;
	return f != FWD_NFT || c->entries == 1;
}

/* Why f is not measured in case c (or at all, with c NULL). */
const char *not_measured(const struct bcase *c, enum fwd f)
{
	if (c && c->v6 && f == FWD_IPMR)
		return B.why6;
	if (c && c->v6)
		return "nft-dup copies frames of either family alike: measured "
		       "on the IPv4 rows only";
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
		if (cases[i].cpus == 1 && !cases[i].v6 && cases[i].entries > n)
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
 * Does this kernel's live-frame BPF_PROG_TEST_RUN deliver every copy of a
 * devmap broadcast?  Linux 6.1's delivers the last member's only: its
 * clones are lost, while real traffic through the same program reaches
 * every member (a guest showed both).  Probed once with the bare ceiling
 * at fan-out 2.  Where it fails, the loss of every forwarder that
 * broadcasts by XDP (the ceilings, ours where it sends by XDP) is the
 * harness's, and the report says so instead of blaming the forwarder.
 */
void probe_live_broadcast(void)
{
	struct mcb_count_val before[MAX_FANOUT], after[MAX_FANOUT];
	const uint32_t n = 1024;
	uint64_t got[2];
	double secs, wall;
	int k;

	install(1, 2);
	make_frame(64, entry_src(0), entry_grp(0));
	B.gen->bss->draw = 0;
	B.gen->bss->entries = 1;
	select_fwd(FWD_CEIL);
	gen_walk_reset();
	settle_counts(before);
	live_run_or_die(n, &secs, &wall);
	settle_counts(after);
	for (k = 0; k < 2; k++)
		got[k] = after[k].packets + after[k].bad_ttl -
			 before[k].packets - before[k].bad_ttl;
	if (got[0] >= n * 9 / 10 && got[1] >= n * 9 / 10)
		return;
	B.bcast_lossy = true;
	snprintf(B.why_bcast, sizeof(B.why_bcast),
		 "this kernel's live-frame BPF_PROG_TEST_RUN delivered %llu "
		 "and %llu of %u copies of a devmap broadcast to two members "
		 "(Linux 6.1 delivers the last member's only; real traffic is "
		 "not affected): the XDP broadcasters' losses here are the "
		 "injection's",
		 (unsigned long long)got[0], (unsigned long long)got[1], n);
	progress("%s", B.why_bcast);
}

void measure(struct bcase *c)
{
	double secs, wall, ri[MAX_TRIALS], ro[MAX_TRIALS];
	uint32_t count[N_FWD];
	int f, t;

	if (c->v6) {
		static bool checked;
		struct in6_addr s6, g6;

		entry_src6(0, &s6);
		entry_grp6(0, &g6);
		make_frame6(c->pkt, &s6, &g6);
		if (!checked) /* the per-entry checksum compensation */
			check_frame6(1000);
		checked = true;
	} else {
		make_frame(c->pkt, entry_src(0), entry_grp(0));
	}
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
		live_run_or_die(probe, &secs, &wall);
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
	"generator_ipv6", "hit_ipv6",
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
	bool v6; /* an IPv6 frame to IPv6 entry 0 */
};

void path_costs(double *ns, uint32_t repeat)
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
		[P_FRONT6] = { -1, B.in_if, GEN_TTL, 1, 0, P_FRONT6, true },
		[P_HIT6] = { ours, B.in_if, GEN_TTL, 1, 0, P_FRONT6, true },
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
			struct in6_addr s6, g6;

			v[p][r] = 0;
			if (cfg[p].v6 && !B.ours6_n)
				continue; /* no IPv6 entry: not measured */
			check_stop();
			set_slot(cfg[p].fd);
			B.gen->bss->ttl = cfg[p].ttl;
			B.gen->bss->entries = cfg[p].entries;
			gen_walk_reset();
			if (cfg[p].v6) {
				entry_src6(0, &s6);
				entry_grp6(0, &g6);
				make_frame6(64, &s6, &g6);
			} else {
				make_frame(64, entry_src(0), cfg[p].group);
			}
			v[p][r] = prog_ns_once(cfg[p].ifindex, repeat);
		}
	}
	B.gen->bss->ttl = GEN_TTL;
	B.gen->bss->entries = 1;
	for (p = 0; p < N_PATH; p++)
		ns[p] = median(v[p], runs);
	for (p = 0; p < N_PATH; p++)
		if (p != P_FRONT && p != P_FRONT_WALK && p != P_FRONT6)
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
		if (!cases[i].v6 && cases[i].pkt == pkt &&
		    cases[i].fanout == fanout && cases[i].entries == entries &&
		    cases[i].traffic == tr && cases[i].cpus == cpus &&
		    cases[i].distinct == distinct)
			return &cases[i];
	return NULL;
}

struct bcase *find_case6(uint32_t pkt, uint32_t fanout, uint32_t entries,
			 enum traffic tr)
{
	int i;

	if (entries == 1)
		tr = TR_UNIFORM;
	for (i = 0; i < n_cases; i++)
		if (cases[i].v6 && cases[i].pkt == pkt &&
		    cases[i].fanout == fanout && cases[i].entries == entries &&
		    cases[i].traffic == tr)
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
