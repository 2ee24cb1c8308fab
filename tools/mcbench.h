// SPDX-License-Identifier: GPL-2.0
/*
 * mcbench.h - the units of mcbench: main() and the options in
 * tools/mcbench.c; in tools/mcbench/ the topology (topo.c), the
 * forwarders (fwd.c), the generator (gen.c), the runs (run.c), the report
 * (report.c) and the plot (plot.c).  What the benchmarks share is in
 * tools/bench.h.
 */
#ifndef MGM_TOOLS_MCBENCH_H
#define MGM_TOOLS_MCBENCH_H

#include <linux/types.h>
#include <netinet/in.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

struct mcbench_gen;
struct mcbench_ceiling;
struct mcbench_count;
struct mcbench_probe;
struct mgm_dp;

#define MAX_FANOUT 16
#define MAX_CASES 128
#define MAX_TRIALS 32
#define MAX_KSOFT 64
#define GEN_TTL 64
/* Entry i is source 192.0.2.(1 + i % 250), group 239.1.0.1 + i / 250. */
#define SRC_BASE 0xc0000201U
#define SRC_COUNT 250U
#define GRP_BASE 0xef010001U
/*
 * IPv6 entry i: source 2001:db8::(1 + i % 250) (on the ingress link, like
 * IPv4's), group ff0e::1:(1 + i / 250) (global scope): the prefixes
 * below, the last 32 bits counted like IPv4's.
 */
#define SRC6_PREFIX "2001:db8::"
#define GRP6_PREFIX "ff0e::"
#define SRC6_BASE 0x00000001U
#define GRP6_BASE 0x00010001U
/* The generator's inverse-CDF table (bpf/mcbench_gen.bpf.c). */
#define RANK_SLOTS 65536
/* RX queues of every veth: one per injecting CPU, at most two. */
#define NQ 2
#define MAX_CPUS 1024

/*
 * Traffic shapes: every frame's (S,G) drawn at random over the table,
 * uniformly or Zipf-distributed (s = 1.0, rank k with weight 1/k).
 */
enum traffic { TR_UNIFORM, TR_ZIPF, N_TRAFFIC };
extern const char *const traffic_name[N_TRAFFIC];

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
extern const char *const fwd_name[N_FWD];
/* How the report names them. */
extern const char *const fwd_label[N_FWD];

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
	int bad_seen; /* a bad TTL the receivers saw, plus 1 (0: none) */
	double cpu_s, wall_s; /* all trials: CPU time counted, wall clock */
	double loss; /* lost / (sent * fanout) */
	int trials;
	double mpps_t[MAX_TRIALS];
};

struct bcase {
	uint32_t pkt, fanout, entries;
	enum traffic traffic;
	/*
	 * IPv6 frames and entries: ours' mgm_mfe6, the ceilings on the hop
	 * limit, ip6mr in the ipmr column (FWD_IPMR); nft-dup, which copies
	 * frames of any family alike, on IPv4 rows only.
	 */
	bool v6;
	/*
	 * CPUs injecting at once (1 or 2).  With two, each CPU injects on its
	 * own RX queue of the ingress veth; distinct: each CPU draws from its
	 * own set of entries (CPU i from entries i * entries .. (i + 1) *
	 * entries - 1, so that the table holds twice the entries), else both
	 * from the same set (with one entry: one flow over both queues).
	 */
	uint32_t cpus;
	bool distinct;
	/* With two CPUs: aggregate rates, and r1 the one-CPU rates */
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
	/*
	 * Two CPUs: each forwarder on one CPU too, in the same rounds, and
	 * the median in-round ratio of the aggregate rate to it.
	 */
	struct result r1[N_FWD];
	double scaling[N_FWD];
};

struct mcb_count_val {
	__u64 packets, bytes, bad_ttl, bad_seen;
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
	/* IPv6: cases of it in this run, ip6mr (absent and why), tables */
	bool v6;
	int mrt6_fd;
	bool absent6;
	char why6[256];
	uint32_t ours6_n, ours6_fanout, ip6mr_n, ip6mr_fanout;
	/* ours' copies go by its tc path (its tc half is on "in") */
	bool ours_tc;
	/* live-frame injection loses a devmap broadcast's clones, and why */
	bool bcast_lossy;
	char why_bcast[256];
	/* current frame */
	uint8_t frame[1600];
	uint32_t frame_len;
	/* options */
	double seconds;
	int trials, batch, cpu;
	char ksoft[MAX_KSOFT][40];
	int n_ksoft;
	/* the ksoftirqd of each CPU, by CPU number ("" unknown) */
	char ksoft_cpu[MAX_KSOFT][40];
	/*
	 * The CPUs of two-CPU cases (the first the other one, the second
	 * cpu) and the reason two-CPU cases cannot run, if they cannot.
	 */
	int cpu2[2];
	char why_cpu2[128];
	/* what the generator's inverse-CDF table holds */
	uint32_t rank_entries;
	enum traffic rank_traffic;
	bool quiet, ipmr_plain;
};

/* The run's state (tools/mcbench.c). */
extern struct bench B;

/* Per-packet cost of the programs alone (non-live runs). */
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
	P_FRONT6, /* IPv6 (measured where an IPv6 entry is installed) */
	P_HIT6,
	N_PATH
};
extern const char *const path_name[N_PATH];

/* Results */

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
	double ingress6_ns, egress6_ns; /* the same, IPv6 at 64 B */
	bool split_ok, split6_ok; /* measured (64 B) */
	double ns[N_PATH];
	uint32_t walk_entries; /* table size of the spread-out hit path */
	double ours_inst_per_s, ipmr_inst_per_s;
	/*
	 * The largest table at 64 B, fan-out TABLE_FANOUT, per traffic
	 * shape (big_c and big_ratio: uniform's), and ours there over ours
	 * with one entry in the same rounds.
	 */
	const struct bcase *big_t[N_TRAFFIC];
	double big_ratio_t[N_TRAFFIC], big_raw_t[N_TRAFFIC];
	/* Two CPUs, 64 B, fan-out TABLE_FANOUT, 1 entry: one flow, two */
	const struct bcase *cpu2_same, *cpu2_distinct;
	/*
	 * The IPv6 rows (no goal of their own: reported beside IPv4's):
	 * ours over the fair and the bare ceiling and over ip6mr, lowest
	 * over the 1-entry cases, and each one's case.
	 */
	double min_fair6, min_ceil6, min_ip6mr;
	const struct bcase *min_fair6_c, *min_ceil6_c, *min_ip6mr_c;
};

/* The goals on table size and CPUs. */
#define GOAL_BIG_UNIFORM 0.7
/* ours over the fair ceiling at every fan-out, one entry, one CPU */
#define GOAL_FAIR 0.95
#define GOAL_BIG_ZIPF 0.9
#define GOAL_SCALING 1.8

/* The cases, in run order while they run, then in report order. */
extern struct bcase cases[MAX_CASES];
extern int n_cases;

/* tools/mcbench.c */

/* "mcbench: message" on stderr, unless quiet. */
void progress(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* After ^C and friends: exit(130), through cleanup(). */
void check_stop(void);

/* tools/mcbench/topo.c */

/* Namespaces and pins of runs that died without cleaning up. */
void remove_stale(void);
/* The namespaces and veths; the process then lives in the router's. */
void topology(void);
/* Everything the run made (an atexit() handler; once). */
void cleanup(void);

/* tools/mcbench/fwd.c */

/* The generator, ours, the ceilings, the probes and ipmr's VIFs. */
void open_forwarders(uint32_t mfe_max);
/* Is nft-dup usable here?  B.absent[FWD_NFT] and B.why if not. */
void nft_probe(void);
/* Entry i's source and group, network order. */
uint32_t entry_src(uint32_t i);
uint32_t entry_grp(uint32_t i);
/* IPv6 entry i's source and group. */
void entry_src6(uint32_t i, struct in6_addr *a);
void entry_grp6(uint32_t i, struct in6_addr *a);
/* Entries [0, n) with this fan-out, in every forwarder's table. */
void install(uint32_t n, uint32_t fanout);
/* The same for IPv6 entries (ours' mgm_mfe6, ip6mr). */
void install6(uint32_t n, uint32_t fanout);
/* The forwarder under test behind the generator. */
void select_fwd(enum fwd f);

/* tools/mcbench/gen.c */

/* Put a program behind the generator; -1 leaves the slot empty. */
void set_slot(int fd);
/* Restart the walk; the first CPU of the pair draws from base2 on. */
void gen_walk_set(uint32_t base2);
void gen_walk_reset(void);
/* The inverse-CDF table for n entries, traffic t; false if unchanged. */
bool set_ranks(uint32_t n, enum traffic t);
/* B.frame: a UDP frame of len bytes to (src, grp), network order. */
void make_frame(uint32_t len, uint32_t src, uint32_t grp);
/* The same over IPv6 (len >= 64), and the generator set for IPv6. */
void make_frame6(uint32_t len, const struct in6_addr *src,
		 const struct in6_addr *grp);
/* Check the generator's IPv6 frames over a walk of n entries (die if bad). */
void check_frame6(uint32_t n);
/* The receivers' counts once they stop moving. */
void settle_counts(struct mcb_count_val *out);
/* The ksoftirqd threads whose run time counts (B.ksoft, B.ksoft_cpu). */
void find_ksoftirqd(void);
/* Inject count frames on one CPU; *secs the CPU time, *wall the clock. */
int live_run(uint32_t count, double *secs, double *wall);
/* The same on both CPUs of the pair at once; the aggregate rate. */
double live_run2(uint32_t count, double *secs, double *wall);
/* Check the generator's draw of n entries against the distribution. */
void check_draw(uint32_t n, enum traffic t);

/* tools/mcbench/run.c */

/* The rounds of trials of case c, with the table installed. */
void measure(struct bcase *c);
void probe_live_broadcast(void);
/* Per-packet cost of each path, ns, the programs alone. */
void path_costs(double *ns, uint32_t repeat);
/* Is forwarder f measured in case c, and if not, why. */
bool measured(const struct bcase *c, enum fwd f);
const char *not_measured(const struct bcase *c, enum fwd f);
/* Entries installed for case c. */
uint32_t table_size(const struct bcase *c);
/* The table size of the per-packet costs' walk. */
uint32_t walk_entries(void);
/* ours / forwarder f, the median of the in-round ratios. */
double ratio(const struct bcase *c, enum fwd f);
/* The IPv4 case of these parameters (find_case6: the IPv6 one). */
struct bcase *find_case_x(uint32_t pkt, uint32_t fanout, uint32_t entries,
			  enum traffic tr, uint32_t cpus, bool distinct);
struct bcase *find_case6(uint32_t pkt, uint32_t fanout, uint32_t entries,
			 enum traffic tr);
/* A one-CPU case; a table of one entry has no traffic shape (uniform). */
const struct bcase *find_case(uint32_t pkt, uint32_t fanout, uint32_t entries,
			      enum traffic tr);

/* tools/mcbench/report.c */

void summarize(struct summary *s);
const char *entries_str(uint32_t n, char *buf, size_t len);
const char *case_str(const struct bcase *c, char *buf, size_t len);
const char *mpps_str(const struct bcase *c, enum fwd f, char *buf, size_t len);
void print_markdown(const struct summary *s, const char *svg);
void print_json(FILE *o, const struct summary *s);
void print_human(const struct summary *s);

/* tools/mcbench/plot.c */

void write_svg(const char *path);

#endif
