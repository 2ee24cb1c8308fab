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
 * The IPv6 rows (--family, --case ipv6,...) run the same way on IPv6
 * frames (2001:db8::/32 on the veths, sources 2001:db8::1.., groups
 * ff0e::1:1..): ours from its IPv6 table (mgm_dp_mfe6_install), the
 * ceilings on the hop limit, and ip6mr (MRT6_ADD_MIF / MRT6_ADD_MFC) in
 * the ipmr column where the kernel has it ("ip6mr" in MGM_NO_FEATURES
 * makes it absent); no nft-dup, which copies either family alike.
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
 *                [--cpus 1|2] [--family ipv4|ipv6|both] [--list] [-q]
 *                [--case BYTES,FANOUT,ENTRIES[,TRAFFIC[,CPUS[,SETS]]]]...
 *                [--case ipv6,BYTES,FANOUT,ENTRIES[,TRAFFIC]]...
 *
 * This file is main(), the options and the lists of cases.  The units
 * (declarations in tools/mcbench.h), in tools/mcbench/: the topology
 * (topo.c), the forwarders (fwd.c), the generator and the injection
 * (gen.c), the trials and the per-packet costs (run.c), the report
 * (report.c) and the plot (plot.c); helpers the benchmarks share in
 * tools/bench/ (tools/bench.h).
 */
#include <errno.h>
#include <getopt.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <bpf/libbpf.h>

#include "bench.h"
#include "dp/dp.h"
#include "mcbench.h"

const char *const traffic_name[N_TRAFFIC] = { "uniform", "zipf" };
const char *const fwd_name[N_FWD] = { "ours",		"ipmr",
				      "nft_dup",	"ceiling",
				      "ceiling_egress", "ceiling_fair" };
const char *const fwd_label[N_FWD] = {
	"ours", "ipmr", "nft-dup", "ceiling", "ceiling + egress", "fair ceiling"
};

struct bench B = { .orig_ns = -1, .rtr_ns = -1, .mrt_fd = -1, .mrt6_fd = -1 };
static volatile sig_atomic_t stop;

void progress(const char *fmt, ...)
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
void check_stop(void)
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

/* An IPv6 case (one CPU). */
static void add_case6(uint32_t pkt, uint32_t fanout, uint32_t entries,
		      enum traffic tr)
{
	struct bcase *c;

	if (entries == 1)
		tr = TR_UNIFORM;
	if (find_case6(pkt, fanout, entries, tr))
		return;
	if (n_cases == MAX_CASES)
		die("too many cases");
	c = &cases[n_cases++];
	memset(c, 0, sizeof(*c));
	c->pkt = pkt;
	c->fanout = fanout;
	c->entries = entries;
	c->traffic = tr;
	c->cpus = 1;
	c->v6 = true;
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
	if (x->traffic != y->traffic)
		return cmp_u(x->traffic, y->traffic);
	return cmp_u(x->v6, y->v6);
}

/*
 * Report order: one CPU first, by frame size, then table size, traffic
 * and fan-out; then the two-CPU cases; the IPv6 cases last, in the same
 * order.
 */
static int cmp_show(const void *a, const void *b)
{
	const struct bcase *x = a, *y = b;

	if (x->v6 != y->v6)
		return cmp_u(x->v6, y->v6);

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
		"               [--family ipv4|ipv6|both] [--list]\n"
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
		"              table (Zipf, a set per CPU); IPv6: fan-out 1-16 "
		"at 64 B and\n"
		"              fan-out 2 at 1400 B, 1 entry (ours, the "
		"ceilings, ip6mr)\n"
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
		"  --family F  ipv4, ipv6 or both (default): the default sets' "
		"rows\n"
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
		"); repeatable;\n"
		"              --case ipv6,B,F,E[,T]: an IPv6 case (one CPU, "
		"B >= 64)\n"
		"  --ipmr-plain  no 224.0.0.0/4 routes on the outgoing "
		"interfaces (slower ipmr)\n"
		"ipmr, ip6mr and nft-dup are measured where the kernel has "
		"them (n/a\n"
		"otherwise); MGM_NO_FEATURES=ipmr,ip6mr,nft-dup treats them as "
		"absent.\n",
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
		{ "family", required_argument, NULL, 'f' },
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
	bool shape[N_TRAFFIC] = { true, true }, fam4 = true, fam6 = true;
	uint32_t big = 1;
	cpu_set_t allowed;
	bool json = false, markdown = false, list = false;
	const char *svg = NULL, *json_file = NULL;
	struct sigaction sa = { .sa_handler = on_signal };
	struct summary sum = { 0 };
	uint32_t max_entries = 1, max6 = 0;
	double seconds = 0, t0;

	bench_name = "mcbench";
	B.batch = 64;
	while ((c = getopt_long(argc, argv, "QFjmg:J:t:s:c:b:C:T:E:N:f:LPqh",
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
			int got;

			if (!strncmp(optarg, "ipv6,", 5)) {
				got = sscanf(optarg + 5, "%u,%u,%u,%15[a-z]",
					     &p, &f, &e, tr);
				if (got < 3 || p < 64 || p > 1514 || !f ||
				    f > MAX_FANOUT || !e || e > 4000000 ||
				    (strcmp(tr, "uniform") &&
				     strcmp(tr, "zipf")))
					die("--case ipv6,BYTES,FANOUT,ENTRIES"
					    "[,uniform|zipf], BYTES >= 64, "
					    "e.g. ipv6,64,2,1");
				add_case6(p, f, e,
					  strcmp(tr, "zipf") ? TR_UNIFORM :
							       TR_ZIPF);
				mode = M_CASES;
				break;
			}
			got = sscanf(optarg, "%u,%u,%u,%15[a-z],%u,%15[a-z]",
				     &p, &f, &e, tr, &n, sets);

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
		case 'f':
			fam4 = !strcmp(optarg, "ipv4") ||
			       !strcmp(optarg, "both");
			fam6 = !strcmp(optarg, "ipv6") ||
			       !strcmp(optarg, "both");
			if (!fam4 && !fam6)
				die("--family ipv4, ipv6 or both");
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
	} else if (!fam4) {
		/* IPv6 rows only: below. */
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
	/*
	 * IPv6: the fan-out sweep at 64 B, one entry, and fan-out 2 at
	 * 1400 B (--quick: 64 B only; --full: every fan-out at both).
	 */
	for (j = 0; mode != M_CASES && fam6 && j < 5; j++) {
		add_case6(64, fanouts[j], 1, TR_UNIFORM);
		if (mode == M_FULL ||
		    (mode != M_QUICK && fanouts[j] == TABLE_FANOUT))
			add_case6(1400, fanouts[j], 1, TR_UNIFORM);
	}
	/* The stats slots are shared: both families' entries count. */
	for (i = 0; i < n_cases; i++) {
		if (cases[i].v6)
			max6 = cases[i].entries > max6 ? cases[i].entries :
							 max6;
		else if (table_size(&cases[i]) > max_entries)
			max_entries = table_size(&cases[i]);
		B.v6 |= cases[i].v6;
	}
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
	if (B.v6 &&
	    mgm_feature_probe(MGM_FEAT_IP6MR, B.why6, sizeof(B.why6)) != 1) {
		B.absent6 = true;
		progress("ip6mr: n/a, %s", B.why6);
	}
	progress("building the topology (%d namespaces)", 2 + MAX_FANOUT);
	topology();
	nft_probe();
	if (B.absent[FWD_NFT])
		progress("nft-dup: n/a, %s", B.why[FWD_NFT]);
	open_forwarders(max_entries + max6);
	probe_live_broadcast();
	for (i = 0; i < n_cases; i++) {
		struct bcase *bc = &cases[i];
		char cs[96], b1[16], b2[16];

		check_stop();
		if (bc->cpus > 1 && B.why_cpu2[0])
			die("two-CPU cases: %s (--cpus 1 leaves them out)",
			    B.why_cpu2);
		if (bc->v6) {
			if (B.ours6_n != bc->entries ||
			    B.ours6_fanout != bc->fanout)
				progress("installing %u IPv6 entries, fan-out "
					 "%u",
					 bc->entries, bc->fanout);
			install6(bc->entries, bc->fanout);
		} else {
			if (B.ours_n != table_size(bc) ||
			    B.ours_fanout != bc->fanout)
				progress("installing %u entries, fan-out %u",
					 table_size(bc), bc->fanout);
			install(table_size(bc), bc->fanout);
		}
		progress("case %d/%d: %s", i + 1, n_cases,
			 case_str(bc, cs, sizeof(cs)));
		measure(bc);
		progress("  ours %.3f  %s %s  nft-dup %s  fair ceiling %.3f "
			 "Mpps%s (%.0f s)",
			 bc->r[FWD_OURS].mpps, bc->v6 ? "ip6mr" : "ipmr",
			 mpps_str(bc, FWD_IPMR, b1, sizeof(b1)),
			 mpps_str(bc, FWD_NFT, b2, sizeof(b2)),
			 bc->r[FWD_CEIL_FAIR].mpps,
			 bc->cpus > 1 ? " (aggregate)" : "", now_s() - t0);
	}
	/* The per-packet costs are IPv4's: an entry even in IPv6-only runs. */
	if (!B.ours_n)
		install(1, B.ceil_fanout ? B.ceil_fanout : TABLE_FANOUT);
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
