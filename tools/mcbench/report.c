// SPDX-License-Identifier: GPL-2.0
/*
 * report.c - tools/mcbench's report: the summary of the cases and the
 * goals, as text, markdown (make bench, README) or JSON.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "../bench.h"
#include "../mcbench.h"

static const double goal_big[N_TRAFFIC] = { GOAL_BIG_UNIFORM, GOAL_BIG_ZIPF };

/*
 * Where the time of one ingress packet goes, from the 1-entry fan-out
 * sweep of one frame size: the cost at fan-out 1, where the original
 * frame goes out and nothing is copied, and the cost of each further copy
 * up to the largest fan-out measured.
 */
static struct cost fanout_cost(uint32_t pkt, enum fwd f)
{
	const struct bcase *one = find_case(pkt, 1, 1, TR_UNIFORM), *top = NULL;
	struct cost r = { 0 };
	int i;

	for (i = 0; i < n_cases; i++)
		if (!cases[i].v6 && cases[i].pkt == pkt &&
		    cases[i].entries == 1 && cases[i].cpus == 1 &&
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
static bool split_cost(uint32_t pkt, bool v6, double *ingress_ns,
		       double *egress_ns)
{
	double in[MAX_CASES], eg[MAX_CASES];
	int i, n = 0;

	for (i = 0; i < n_cases; i++) {
		const struct bcase *c = &cases[i];

		if (c->v6 != v6 || c->pkt != pkt || c->entries != 1 ||
		    c->cpus != 1 || c->r[FWD_OURS].mpps <= 0 ||
		    c->r[FWD_CEIL].mpps <= 0 || c->r[FWD_CEIL_EG].mpps <= 0)
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
	return n > 0;
}

/*
 * Anything but plain loss: packets ours did not forward, copies with a
 * wrong TTL, copies to receivers outside the out-set, duplicates.
 */
/* " (one was N, not M)": what a receiver saw of a bad TTL, if any. */
static const char *bad_seen_str(const struct result *r, enum fwd f, char *b,
				size_t n)
{
	if (!r->bad_seen) {
		b[0] = 0;
		return b;
	}
	snprintf(b, n, " (one was %d, not %d)", r->bad_seen - 1,
		 f == FWD_NFT ? GEN_TTL : GEN_TTL - 1);
	return b;
}

static bool misdelivered(const struct result *r)
{
	return r->misses || r->bad_ttl || r->strays || r->dups;
}

/* The IPv6 rows' lowest ratios (no goal of their own). */
static void summarize6(struct summary *s, const struct bcase *c)
{
	if (c->entries == 1 && ratio(c, FWD_CEIL_FAIR) < s->min_fair6) {
		s->min_fair6 = ratio(c, FWD_CEIL_FAIR);
		s->min_fair6_c = c;
	}
	if (c->entries == 1 && ratio(c, FWD_CEIL) < s->min_ceil6) {
		s->min_ceil6 = ratio(c, FWD_CEIL);
		s->min_ceil6_c = c;
	}
	if (measured(c, FWD_IPMR) && ratio(c, FWD_IPMR) < s->min_ip6mr) {
		s->min_ip6mr = ratio(c, FWD_IPMR);
		s->min_ip6mr_c = c;
	}
}

/* The IPv4 rows' lowest ratios, against the goals. */
static void summarize4(struct summary *s, const struct bcase *c)
{
	if (measured(c, FWD_IPMR) && ratio(c, FWD_IPMR) < s->min_ipmr) {
		s->min_ipmr = ratio(c, FWD_IPMR);
		s->min_ipmr_c = c;
	}
	if (measured(c, FWD_NFT) && ratio(c, FWD_NFT) < s->min_nft) {
		s->min_nft = ratio(c, FWD_NFT);
		s->min_nft_c = c;
	}
	if (measured(c, FWD_CEIL) && ratio(c, FWD_CEIL) < s->min_ceil) {
		s->min_ceil = ratio(c, FWD_CEIL);
		s->min_ceil_c = c;
	}
	/* The fair ceiling's goal is judged where it is stated: one
	 * entry, one CPU, every fan-out and size. */
	if (measured(c, FWD_CEIL_FAIR) && c->entries == 1 && c->cpus == 1 &&
	    ratio(c, FWD_CEIL_FAIR) < s->min_fair) {
		s->min_fair = ratio(c, FWD_CEIL_FAIR);
		s->min_fair_c = c;
	}
}

void summarize(struct summary *s)
{
	uint32_t big[N_TRAFFIC] = { 0 };
	int i, f, t;

	s->min_ipmr = s->min_nft = s->min_ceil = s->min_fair = 1e300;
	s->min_fair6 = s->min_ceil6 = s->min_ip6mr = 1e300;
	for (i = 0; i < n_cases; i++) {
		const struct bcase *c = &cases[i];
		enum fwd ref = measured(c, FWD_CEIL) ? FWD_CEIL : FWD_CEIL_FAIR;

		if (c->v6)
			summarize6(s, c);
		else
			summarize4(s, c);
		/*
		 * Loss counts against us only where the receivers could take
		 * it: if the ceiling lost copies in the same case, the
		 * receivers were the limit, not the forwarder.  Every row's,
		 * IPv6 included.
		 */
		if (c->r[FWD_OURS].lost || misdelivered(&c->r[FWD_OURS])) {
			if (c->r[ref].lost && !misdelivered(&c->r[FWD_OURS])) {
				s->loss_excused++;
			} else {
				s->loss_cases++;
				s->loss_c = c;
			}
		}
		if (!c->v6 && c->pkt == 64 && c->fanout == TABLE_FANOUT &&
		    c->cpus == 1 && c->entries > big[c->traffic])
			big[c->traffic] = c->entries;
	}
	for (t = 0; t < N_TRAFFIC; t++) {
		const struct bcase *one = find_case(64, TABLE_FANOUT, 1, t);

		if (big[t] <= 1)
			continue;
		s->big_t[t] = find_case(64, TABLE_FANOUT, big[t], t);
		s->big_ratio_t[t] = s->big_t[t]->spread;
		if (one)
			s->big_raw_t[t] = s->big_t[t]->r[FWD_OURS].mpps /
					  one->r[FWD_OURS].mpps;
	}
	s->big_c = s->big_t[TR_UNIFORM];
	s->big_ratio = s->big_ratio_t[TR_UNIFORM];
	s->big_raw = s->big_raw_t[TR_UNIFORM];
	s->cpu2_same = find_case_x(64, TABLE_FANOUT, 1, TR_UNIFORM, 2, false);
	s->cpu2_distinct =
		find_case_x(64, TABLE_FANOUT, 1, TR_UNIFORM, 2, true);
	for (f = 0; f < N_FWD; f++) {
		s->cost[0][f] = fanout_cost(64, f);
		s->cost[1][f] = fanout_cost(1400, f);
	}
	s->split_ok =
		split_cost(64, false, &s->ingress_ns[0], &s->egress_ns[0]);
	split_cost(1400, false, &s->ingress_ns[1], &s->egress_ns[1]);
	s->split6_ok = split_cost(64, true, &s->ingress6_ns, &s->egress6_ns);
	s->walk_entries = walk_entries();
	s->ours_inst_per_s =
		B.ours_install_s > 0 ? B.ours_installed / B.ours_install_s : 0;
	s->ipmr_inst_per_s =
		B.ipmr_install_s > 0 ? B.ipmr_installed / B.ipmr_install_s : 0;
}

static const char *yes_no(bool ok)
{
	return ok ? "met" : "**missed**";
}

const char *entries_str(uint32_t n, char *buf, size_t len)
{
	if (n >= 1000000 && n % 1000000 == 0)
		snprintf(buf, len, "%uM", n / 1000000);
	else if (n >= 1000 && n % 1000 == 0)
		snprintf(buf, len, "%uk", n / 1000);
	else
		snprintf(buf, len, "%u", n);
	return buf;
}

const char *case_str(const struct bcase *c, char *buf, size_t len)
{
	char e[16];
	int l;

	if (!c) {
		snprintf(buf, len, "-");
		return buf;
	}
	l = snprintf(buf, len, "%s%u B, fan-out %u, %s %s",
		     c->v6 ? "IPv6, " : "", c->pkt, c->fanout,
		     entries_str(c->entries, e, sizeof(e)),
		     c->entries == 1 ? "entry" : "entries");
	if (c->entries > 1 && l > 0 && (size_t)l < len)
		l += snprintf(buf + l, len - l, ", %s",
			      traffic_name[c->traffic]);
	if (c->cpus > 1 && l > 0 && (size_t)l < len)
		snprintf(buf + l, len - l, ", 2 CPUs, %s",
			 c->distinct ?
				 (c->entries == 1 ? "a flow per CPU" :
						    "a set per CPU") :
				 (c->entries == 1 ? "one flow" : "one set"));
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
const char *mpps_str(const struct bcase *c, enum fwd f, char *buf, size_t len)
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

/*
 * The table sizes by traffic shape: for each (frame size, fan-out) with
 * more than one table size, ours per size and shape, and how it compares
 * with ours on one entry in the same rounds and with the fair ceiling.
 * md: a markdown table, else fixed-width text.
 */
static void print_tables(bool md)
{
	bool done[MAX_CASES] = { false }, any = false;
	char b[6][64], e[16];
	int i, j, t;

	for (i = 0; i < n_cases; i++) {
		const struct bcase *c = &cases[i];

		if (done[i] || c->cpus > 1 || c->entries == 1 || c->v6)
			continue;
		if (!any && md)
			printf("\n| table size, traffic (frame bytes, fan-out) "
			       "| ours uniform, Mpps | of 1 entry "
			       "| ours Zipf, Mpps | of 1 entry "
			       "| ours/fair ceiling uniform / Zipf |\n"
			       "|---|---|---|---|---|---|\n");
		else if (!any)
			printf("\nTable size by traffic shape (ours, Mpps; of 1 "
			       "entry: over ours with all traffic on one entry, "
			       "same rounds):\n  %-24s %9s %7s %9s %7s  %s\n",
			       "bytes/fan-out/entries", "uniform", "of 1",
			       "zipf", "of 1", "ours/fair ceiling u/z");
		any = true;
		/* This (frame size, fan-out): 1 entry, then each size. */
		for (j = i; j < n_cases; j++) {
			const struct bcase *x = &cases[j], *u, *z;

			if (done[j] || x->cpus > 1 || x->v6 ||
			    x->pkt != c->pkt || x->fanout != c->fanout ||
			    x->entries == 1)
				continue;
			u = find_case(x->pkt, x->fanout, x->entries,
				      TR_UNIFORM);
			z = find_case(x->pkt, x->fanout, x->entries, TR_ZIPF);
			for (t = 0; t < n_cases; t++)
				if (&cases[t] == u || &cases[t] == z)
					done[t] = true;
			snprintf(b[0], 64, "%s", u ? "" : "n/a");
			if (u)
				snprintf(b[0], 64, "%.3f", u->r[FWD_OURS].mpps);
			snprintf(b[1], 64, "%s", u ? "" : "n/a");
			if (u)
				snprintf(b[1], 64, "%.0f%%", u->spread * 100);
			snprintf(b[2], 64, "%s", z ? "" : "n/a");
			if (z)
				snprintf(b[2], 64, "%.3f", z->r[FWD_OURS].mpps);
			snprintf(b[3], 64, "%s", z ? "" : "n/a");
			if (z)
				snprintf(b[3], 64, "%.0f%%", z->spread * 100);
			if (u)
				ratio_str(u, FWD_CEIL_FAIR, b[4], 64);
			else
				snprintf(b[4], 64, "n/a");
			if (z)
				ratio_str(z, FWD_CEIL_FAIR, b[5], 64);
			else
				snprintf(b[5], 64, "n/a");
			entries_str(x->entries, e, sizeof(e));
			if (md)
				printf("| %s (%u B, fan-out %u) | %s | %s | %s "
				       "| %s | %s / %s |\n",
				       e, x->pkt, x->fanout, b[0], b[1], b[2],
				       b[3], b[4], b[5]);
			else
				printf("  %4u B %2u %-14s %9s %7s %9s %7s  "
				       "%s / %s\n",
				       x->pkt, x->fanout, e, b[0], b[1], b[2],
				       b[3], b[4], b[5]);
		}
	}
}

/* The two-CPU cases: each forwarder on one CPU, on two, the scaling. */
static void print_cpus(bool md)
{
	static const enum fwd fw[] = { FWD_OURS, FWD_CEIL_FAIR, FWD_IPMR };
	char cs[96], b[4][32];
	bool any = false;
	int i, k;

	for (i = 0; i < n_cases; i++) {
		const struct bcase *c = &cases[i];

		if (c->cpus < 2)
			continue;
		if (!any && md)
			printf("\n| two CPUs at once (CPUs %d and %d, one RX "
			       "queue each), Mpps in | ours 1 CPU | ours 2 "
			       "CPUs | ours scaling | fair ceiling 1 CPU "
			       "| 2 CPUs | scaling | ipmr 1 CPU | 2 CPUs "
			       "| scaling | loss ours |\n"
			       "|---|---|---|---|---|---|---|---|---|---|---|"
			       "\n",
			       B.cpu2[1], B.cpu2[0]);
		else if (!any)
			printf("\nTwo CPUs at once (CPUs %d and %d, one RX "
			       "queue each): Mpps on 1 CPU -> 2 CPUs "
			       "(aggregate), scaling\n",
			       B.cpu2[1], B.cpu2[0]);
		any = true;
		if (md)
			printf("| %s", case_str(c, cs, sizeof(cs)));
		else
			printf("  %s:\n   ", case_str(c, cs, sizeof(cs)));
		for (k = 0; k < 3; k++) {
			enum fwd f = fw[k];

			if (!measured(c, f)) {
				if (md)
					printf(" | n/a | n/a | n/a");
				else
					printf(" %s n/a;", fwd_label[f]);
				continue;
			}
			snprintf(b[0], 32, "%.3f", c->r1[f].mpps);
			snprintf(b[1], 32, "%.3f", c->r[f].mpps);
			snprintf(b[2], 32, "%.2fx", c->scaling[f]);
			if (md)
				printf(" | %s | %s | %s", b[0], b[1], b[2]);
			else
				printf(" %s %s -> %s (%s);", fwd_label[f], b[0],
				       b[1], b[2]);
		}
		loss_str(c, FWD_OURS, b[3], 32);
		if (md)
			printf(" | %s |\n", b[3]);
		else
			printf(" loss ours %s\n", b[3]);
	}
}

/*
 * Does one entry on two CPUs cost scaling?  One flow over both queues
 * puts both CPUs on the same entry (its cache line, which they then only
 * read: it is shared, each counts in its own element of mgm_mfe_shared);
 * a flow per CPU does not.  The fair ceiling, which counts nothing,
 * shows what the rest of the path does.
 */
/* How the injection itself behaved on this kernel, where it matters. */
static void print_harness_note(const char *pre)
{
	if (B.ours_tc)
		printf("%sOurs sent every copy by its tc path: nothing told "
		       "it that XDP may transmit to these veths (no netdev "
		       "family before Linux 6.3, or "
		       "MGM_NO_FEATURES=netdev-genl).\n",
		       pre);
	if (B.bcast_lossy)
		printf("%sLoss not the forwarders': %s.\n", pre, B.why_bcast);
}

static void print_counter_note(const struct summary *s, const char *pre)
{
	const struct bcase *a = s->cpu2_same, *d = s->cpu2_distinct;
	double lost;

	if (!a || !d)
		return;
	/* Ours' loss of scaling on one flow beyond the ceiling's. */
	lost = (d->scaling[FWD_OURS] - a->scaling[FWD_OURS]) -
	       (d->scaling[FWD_CEIL_FAIR] - a->scaling[FWD_CEIL_FAIR]);
	printf("%sShared per-entry counters: on one flow over both queues "
	       "ours scales %.2fx (fair ceiling %.2fx), with a flow per CPU "
	       "%.2fx (%.2fx): %s.\n",
	       pre, a->scaling[FWD_OURS], a->scaling[FWD_CEIL_FAIR],
	       d->scaling[FWD_OURS], d->scaling[FWD_CEIL_FAIR],
	       lost > 0.1 && a->scaling[FWD_OURS] < d->scaling[FWD_OURS] - 0.1 ?
		       "ours loses more on one flow than the ceiling does, "
		       "the cost of two CPUs on one entry (per-CPU "
		       "counters once shared; its line read by both)" :
		       "no cost of the shared counters measured, within the "
		       "noise of one run");
}

/* The goals on table size and CPUs, as markdown table rows or text. */
static void print_scale_goals(const struct summary *s, bool md)
{
	char e[16], cs[96], raw[64];
	int t;

	for (t = 0; t < N_TRAFFIC; t++) {
		const struct bcase *c = s->big_t[t];
		bool ok;

		if (!c)
			continue;
		ok = c->spread >= goal_big[t];
		entries_str(c->entries, e, sizeof(e));
		/* Against the 1-entry case too, where there is one. */
		raw[0] = '\0';
		if (s->big_raw_t[t] > 0)
			snprintf(raw, sizeof(raw),
				 " (%.0f%% of the 1-entry "
				 "case%s)",
				 s->big_raw_t[t] * 100, md ? " above" : "");
		if (md)
			printf("| %s traffic over %s entries >= %.0f%% of the "
			       "1-entry rate (64 B, fan-out %d) | %.0f%% of "
			       "ours with all traffic on one entry, in the "
			       "same rounds%s | %s |\n",
			       t == TR_ZIPF ? "Zipf" : "uniform", e,
			       goal_big[t] * 100, TABLE_FANOUT, c->spread * 100,
			       raw, ok ? "met" : "**missed**");
		else
			printf("  %-7s %4s >= %.0f%%:   %.0f%% of 1 entry in "
			       "the same rounds%s: %s\n",
			       traffic_name[t], e, goal_big[t] * 100,
			       c->spread * 100, raw, ok ? "met" : "MISSED");
	}
	for (t = 0; t < 2; t++) {
		const struct bcase *c = t ? s->cpu2_distinct : s->cpu2_same;
		double v;

		if (!c)
			continue;
		v = c->scaling[FWD_OURS];
		case_str(c, cs, sizeof(cs));
		if (md)
			printf("| two CPUs >= %.1fx one CPU, ours, %s | %.2fx "
			       "(%s) | %s |\n",
			       GOAL_SCALING,
			       t ? "a flow per CPU" :
				   "one flow over both queues",
			       v, cs, v >= GOAL_SCALING ? "met" : "**missed**");
		else
			printf("  2 CPUs >= %.1fx, %s: %.2fx: %s\n",
			       GOAL_SCALING, t ? "flow per CPU" : "one flow", v,
			       v >= GOAL_SCALING ? "met" : "MISSED");
	}
}

/*
 * The IPv6 rows: ours, ip6mr (where the kernel has it), the ceilings on
 * the hop limit; nft-dup, which copies frames of any family alike, only
 * on the IPv4 rows.
 */
static void print_v6(bool md)
{
	char b[8][64], cs[96];
	bool any = false;
	int i;

	for (i = 0; i < n_cases; i++) {
		const struct bcase *c = &cases[i];

		if (!c->v6)
			continue;
		if (!any && md)
			printf("\n| IPv6 forwarding, Mpps in (frame bytes, "
			       "fan-out, (S,G) entries) | ours | ip6mr "
			       "| fair ceiling | ceiling | ours/ip6mr "
			       "| ours/fair ceiling | ours/ceiling "
			       "| ceiling + ours' egress program "
			       "| loss ours / ip6mr / ceiling |\n"
			       "|---|---|---|---|---|---|---|---|---|---|\n");
		else if (!any)
			printf("IPv6 rows: their ipmr column is ip6mr%s%s; "
			       "nft-dup is measured on IPv4 rows only\n",
			       B.absent6 ? ", n/a: " : "",
			       B.absent6 ? B.why6 : "");
		any = true;
		if (!md)
			continue;
		printf("| %s | %.3f | %s | %.3f | %.3f | %s | %.2fx | %.2fx "
		       "| %.3f | %s / %s / %s |\n",
		       case_str(c, cs, sizeof(cs)), c->r[FWD_OURS].mpps,
		       mpps_str(c, FWD_IPMR, b[0], 64),
		       c->r[FWD_CEIL_FAIR].mpps, c->r[FWD_CEIL].mpps,
		       ratio_str(c, FWD_IPMR, b[1], 64),
		       ratio(c, FWD_CEIL_FAIR), ratio(c, FWD_CEIL),
		       c->r[FWD_CEIL_EG].mpps, loss_str(c, FWD_OURS, b[2], 64),
		       loss_str(c, FWD_IPMR, b[3], 64),
		       loss_str(c, FWD_CEIL, b[4], 64));
	}
}

/* The IPv6 rows against the ceilings and ip6mr: no goal of their own. */
static void print_goals6(const struct summary *s, bool md)
{
	char cs[96], ck[96], ci[96];

	if (!s->min_fair6_c)
		return;
	case_str(s->min_fair6_c, cs, sizeof(cs));
	case_str(s->min_ceil6_c, ck, sizeof(ck));
	if (s->min_ip6mr_c)
		snprintf(ci, sizeof(ci), "lowest %.2fx (%s)", s->min_ip6mr,
			 case_str(s->min_ip6mr_c, cs, sizeof(cs)));
	else
		snprintf(ci, sizeof(ci), "n/a");
	case_str(s->min_fair6_c, cs, sizeof(cs));
	if (md) {
		printf("| (IPv6, no goal of its own) ours against the fair "
		       "ceiling at every fan-out, one entry | lowest %.2fx "
		       "(%s); the bare ceiling %.2fx (%s) | |\n",
		       s->min_fair6, cs, s->min_ceil6, ck);
		printf("| (IPv6) ours against ip6mr | %s | %s%s%s |\n", ci,
		       s->min_ip6mr_c ? "" : "not measured (",
		       s->min_ip6mr_c ? "" : B.why6, s->min_ip6mr_c ? "" : ")");
	} else {
		printf("  (IPv6) ours/fair ceiling, one entry: lowest %.2fx "
		       "(%s); ours/ceiling %.2fx; ours/ip6mr %s\n",
		       s->min_fair6, cs, s->min_ceil6, ci);
	}
}

void print_markdown(const struct summary *s, const char *svg)
{
	char b[8][64], cs[96];
	bool multi = false;
	int i;

	for (i = 0; i < n_cases && (cases[i].v6 || cases[i].cpus > 1); i++)
		;
	if (i < n_cases) /* some IPv4 row on one CPU */
		printf("| forwarding, Mpps in (frame bytes, fan-out, (S,G) "
		       "entries) | ours | ipmr | nft-dup | fair ceiling "
		       "| ceiling | ours/ipmr | ours/nft-dup "
		       "| ours/fair ceiling | ours/ceiling "
		       "| ceiling + ours' egress program "
		       "| loss ours / ipmr / nft-dup / ceiling |\n"
		       "|---|---|---|---|---|---|---|---|---|---|---|---|\n");
	for (i = 0; i < n_cases; i++) {
		const struct bcase *c = &cases[i];

		if (c->cpus > 1 || c->v6)
			continue; /* in their own tables */
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
	print_tables(true);
	print_cpus(true);
	print_v6(true);
	/* Every n/a says why. */
	if (B.absent[FWD_IPMR] || B.absent[FWD_NFT] || multi ||
	    (B.v6 && B.absent6)) {
		printf("\nn/a:");
		if (B.absent[FWD_IPMR])
			printf(" ipmr not measured, %s.", B.why[FWD_IPMR]);
		if (B.absent[FWD_NFT])
			printf(" nft-dup not measured, %s.", B.why[FWD_NFT]);
		if (B.v6 && B.absent6)
			printf(" ip6mr not measured, %s.", B.why6);
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
	if (s->min_fair_c)
		printf("| ours >= %.2fx the fair ceiling (TTL, one broadcast, "
		       "each copy's source MAC) at every fan-out, one entry "
		       "| lowest %.2fx (%s) | %s |\n",
		       GOAL_FAIR, s->min_fair,
		       case_str(s->min_fair_c, cs, sizeof(cs)),
		       yes_no(s->min_fair >= GOAL_FAIR));
	if (s->min_ceil_c)
		printf("| (for reference) ours against the bare ceiling (TTL, "
		       "one broadcast) | lowest %.2fx (%s) | |\n",
		       s->min_ceil, case_str(s->min_ceil_c, cs, sizeof(cs)));
	print_goals6(s, true);
	print_scale_goals(s, true);
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
	print_counter_note(s, "* ");
	print_harness_note("* ");
	if (s->min_nft_c)
		printf("* Ours against nft-dup, which copies frames as they "
		       "are and routes nothing: lowest %.2fx (%s).\n",
		       s->min_nft, case_str(s->min_nft_c, cs, sizeof(cs)));
	if (s->split_ok)
		printf("* Ours over the ceiling (64 B, 1 entry, median over the "
		       "fan-outs): ~%.0f ns per packet on the ingress side, "
		       "~%.0f ns per copy for the egress program (source MAC, "
		       "TTL threshold, counters).\n",
		       s->ingress_ns[0], s->egress_ns[0]);
	if (s->split6_ok)
		printf("* The same for IPv6 (64 B, 1 entry): ~%.0f ns per "
		       "packet on the ingress side, ~%.0f ns per copy for the "
		       "egress program.\n",
		       s->ingress6_ns, s->egress6_ns);
	printf("* The programs alone (non-live `BPF_PROG_TEST_RUN`, 64 B, "
	       "beyond the generator's %.0f ns): ours hit %.0f ns, miss %.0f "
	       "ns, wrong interface %.0f ns, TTL expired %.0f ns; ceiling "
	       "%.0f ns. Of a hit, the (S,G) hash lookup alone is %.0f ns, "
	       "with the per-entry counters %.0f ns.\n",
	       s->ns[P_FRONT], s->ns[P_HIT], s->ns[P_MISS], s->ns[P_WRONG_IF],
	       s->ns[P_TTL], s->ns[P_CEIL_HIT], s->ns[P_LOOKUP],
	       s->ns[P_STATS]);
	if (B.ours6_n)
		printf("* IPv6, the same way: ours hit %.0f ns beyond the "
		       "generator's %.0f ns.\n",
		       s->ns[P_HIT6], s->ns[P_FRONT6]);
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
	       "checksum of the recycled frames and writes into each the "
	       "(S,G) of an entry drawn at random over the table: uniform, or "
	       "Zipf (s = 1.0: the k-th entry gets 1/k of the weight; over 1M "
	       "entries the first 1,000 take 52%% of the frames), from an "
	       "inverse-CDF table, the same draw for every forwarder and "
	       "shape. \"Of 1 entry\" is ours over ours with the same draw "
	       "sending everything to one entry, in the same rounds. "
	       "Forwarding, every copy and the receivers' counting XDP "
	       "programs run on the injecting CPU (pinned), so Mpps is "
	       "frames per CPU-second of one core, receivers included: the "
	       "kernel's timing of the injection loop plus that CPU's "
	       "ksoftirqd, without the time other programs take on a shared "
	       "machine (wall-clock rates are in the JSON). Two CPUs: one "
	       "injecting thread pinned to each, on its own RX queue of the "
	       "ingress veth (every veth has two), started together; the "
	       "aggregate is the sum of the two CPUs' rates, the scaling "
	       "its ratio to the same forwarder on one CPU in the same "
	       "round; one flow over both queues sends both CPUs to the "
	       "same entry, a flow (or set) per CPU to distinct ones. %d "
	       "rounds of one ~%.2f s trial per forwarder, in turns; Mpps is "
	       "the median trial, a ratio the median of the ratios within a "
	       "round. ",
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
	if (B.v6)
		printf("\nThe IPv6 rows: the same generator, topology and "
		       "rounds with IPv6 UDP frames from 2001:db8::1 to "
		       "ff0e::1:1 (hop limit restored per frame; the UDP "
		       "checksum kept valid by a payload word the generator "
		       "rewrites with the addresses), ours forwarding from its "
		       "IPv6 table (`mgm_dp_mfe6_install`), the ceilings "
		       "decrementing the hop limit; ip6mr is the kernel's IPv6 "
		       "multicast routing with the same entry (`MRT6_ADD_MFC`)"
		       "%s%s%s; nft-dup, which copies frames of either family "
		       "alike, is measured on the IPv4 rows only.\n",
		       B.absent6 ? ", not measured here (" : "",
		       B.absent6 ? B.why6 : "", B.absent6 ? ")" : "");
	if (svg)
		printf("\n![Mpps against fan-out and table size](%s)\n", svg);
}

static void print_result_json(FILE *o, const struct result *r, uint32_t fanout)
{
	uint32_t k;
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
	/* Per receiver, all trials: which one lost them, if any did. */
	fprintf(o, ",\"delivered\":[");
	for (k = 0; k < fanout && k < MAX_FANOUT; k++)
		fprintf(o, "%s%llu", k ? "," : "",
			(unsigned long long)r->deliv[k]);
	fprintf(o, "]");
	/* A bad TTL (IPv6: hop limit) a receiver saw, or null. */
	if (r->bad_seen)
		fprintf(o, ",\"bad_ttl_seen\":%d", r->bad_seen - 1);
	else
		fprintf(o, ",\"bad_ttl_seen\":null");
	fprintf(o, "}");
}

/* ,"key":v with prec decimals, or null where nothing was measured. */
static void json_num(FILE *o, const char *key, bool ok, int prec, double v)
{
	if (ok)
		fprintf(o, ",\"%s\":%.*f", key, prec, v);
	else
		fprintf(o, ",\"%s\":null", key);
}

void print_json(FILE *o, const struct summary *s)
{
	struct utsname u;
	bool first = true;
	int i, f, p;

	uname(&u);
	fprintf(o,
		"{\"kernel\":\"%s\",\"cpus\":%ld,\"cpu\":%d,\"trials\":%d,"
		"\"seconds_per_trial\":%.2f,\"batch_size\":%d,"
		"\"ipmr_routes\":%s,\"ours_copies_by\":\"%s\","
		"\"live_broadcast_lossy\":",
		u.release, sysconf(_SC_NPROCESSORS_ONLN), B.cpu, B.trials,
		B.seconds, B.batch, B.ipmr_plain ? "false" : "true",
		B.ours_tc ? "tc" : "xdp");
	if (B.bcast_lossy)
		json_str(o, B.why_bcast);
	else
		fprintf(o, "null");
	fprintf(o, ",\"not_measured\":{");
	/* The forwarders this machine could not run, and why. */
	for (f = 0; f < N_FWD; f++) {
		if (!B.absent[f])
			continue;
		fprintf(o, "%s\"%s\":", first ? "" : ",", fwd_name[f]);
		json_str(o, B.why[f]);
		first = false;
	}
	if (B.v6 && B.absent6) {
		fprintf(o, "%s\"ip6mr\":", first ? "" : ",");
		json_str(o, B.why6);
	}
	fprintf(o, "},\"cases\":[");
	for (i = 0; i < n_cases; i++) {
		const struct bcase *c = &cases[i];
		bool ipmr = measured(c, FWD_IPMR), nft = measured(c, FWD_NFT);
		bool ceil = measured(c, FWD_CEIL),
		     eg = measured(c, FWD_CEIL_EG);
		bool fair = measured(c, FWD_CEIL_FAIR);

		/*
		 * IPv6 rows: the ipmr fields are ip6mr's (kernel_router), no
		 * nft-dup.
		 */
		fprintf(o,
			"%s\n{\"family\":\"%s\",\"kernel_router\":\"%s\","
			"\"pkt_size\":%u,\"fanout\":%u,\"entries\":%u,"
			"\"traffic\":\"%s\",\"cpus\":%u,"
			"\"ours_mpps\":%.4f",
			i ? "," : "", c->v6 ? "ipv6" : "ipv4",
			c->v6 ? "ip6mr" : "ipmr", c->pkt, c->fanout, c->entries,
			traffic_name[c->traffic], c->cpus, c->r[FWD_OURS].mpps);
		/*
		 * Two CPUs: every *_mpps is the aggregate; "sets" says whether
		 * the CPUs sent to the same entries, table_entries how many
		 * were installed.
		 */
		if (c->cpus > 1)
			fprintf(o, ",\"sets\":\"%s\",\"table_entries\":%u",
				c->distinct ? "distinct" : "same",
				table_size(c));
		json_num(o, "fair_ceiling_mpps", fair, 4,
			 c->r[FWD_CEIL_FAIR].mpps);
		json_num(o, "ours_over_fair_ceiling", fair, 3,
			 ratio(c, FWD_CEIL_FAIR));
		/*
		 * Over ours on one entry in the same rounds (the generator
		 * drawing the same way); 1 by definition on one entry.
		 */
		json_num(o, "ours_over_one_entry", c->cpus == 1, 3,
			 c->entries > 1 ? c->spread : 1.0);
		if (nft)
			json_num(o, "ours_over_nft", true, 3,
				 ratio(c, FWD_NFT));
		if (c->cpus > 1) {
			json_num(o, "scaling", true, 3, c->scaling[FWD_OURS]);
			json_num(o, "fair_ceiling_scaling", fair, 3,
				 c->scaling[FWD_CEIL_FAIR]);
			json_num(o, "ipmr_scaling", ipmr, 3,
				 c->scaling[FWD_IPMR]);
			json_num(o, "ours_one_cpu_mpps", true, 4,
				 c->r1[FWD_OURS].mpps);
			json_num(o, "fair_ceiling_one_cpu_mpps", fair, 4,
				 c->r1[FWD_CEIL_FAIR].mpps);
			json_num(o, "ipmr_one_cpu_mpps", ipmr, 4,
				 c->r1[FWD_IPMR].mpps);
		}
		json_num(o, "ipmr_mpps", ipmr, 4, c->r[FWD_IPMR].mpps);
		json_num(o, "nft_dup_mpps", nft, 4, c->r[FWD_NFT].mpps);
		json_num(o, "ceiling_mpps", ceil, 4, c->r[FWD_CEIL].mpps);
		json_num(o, "ours_over_ipmr", ipmr, 3, ratio(c, FWD_IPMR));
		json_num(o, "ours_over_nft_dup", nft, 3, ratio(c, FWD_NFT));
		json_num(o, "ours_over_ceiling", ceil, 3, ratio(c, FWD_CEIL));
		json_num(o, "ceiling_egress_mpps", eg, 4,
			 c->r[FWD_CEIL_EG].mpps);
		json_num(o, "ours_over_ceiling_egress", eg, 3,
			 ratio(c, FWD_CEIL_EG));
		json_num(o, "ceiling_fair_mpps", fair, 4,
			 c->r[FWD_CEIL_FAIR].mpps);
		json_num(o, "ours_over_ceiling_fair", fair, 3,
			 ratio(c, FWD_CEIL_FAIR));
		fprintf(o, ",\"loss\":{\"ours\":%.6f", c->r[FWD_OURS].loss);
		json_num(o, "ipmr", ipmr, 6, c->r[FWD_IPMR].loss);
		json_num(o, "nft_dup", nft, 6, c->r[FWD_NFT].loss);
		json_num(o, "ceiling", ceil, 6, c->r[FWD_CEIL].loss);
		json_num(o, "ceiling_fair", fair, 6, c->r[FWD_CEIL_FAIR].loss);
		fprintf(o, "},\"ours_misses\":%llu",
			(unsigned long long)c->r[FWD_OURS].misses);
		if (c->entries > 1 && c->cpus == 1)
			fprintf(o,
				",\"ours_one_entry_mpps\":%.4f,"
				"\"ours_spread_over_one_entry\":%.3f",
				c->one.mpps, c->spread);
		if (c->cpus > 1) {
			fprintf(o, ",\"one_cpu\":{");
			for (f = 0, first = true; f < N_FWD; f++) {
				if (!measured(c, f))
					continue;
				fprintf(o, "%s\"%s\":", first ? "" : ",",
					fwd_name[f]);
				print_result_json(o, &c->r1[f], c->fanout);
				first = false;
			}
			fprintf(o, "}");
		}
		for (f = 0; f < N_FWD; f++) {
			fprintf(o, ",\"%s\":", fwd_name[f]);
			if (measured(c, f)) {
				print_result_json(o, &c->r[f], c->fanout);
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
		if ((p == P_FRONT6 || p == P_HIT6) && !B.ours6_n)
			fprintf(o, ",\"%s\":null", path_name[p]);
		else
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
	/* The IPv6 rows' split at 64 B, null without them. */
	if (s->split6_ok)
		fprintf(o,
			",\"ipv6_64\":{\"ours_over_ceiling\":{"
			"\"ingress_per_packet\":%.1f,"
			"\"egress_per_copy\":%.1f}}",
			s->ingress6_ns, s->egress6_ns);
	else
		fprintf(o, ",\"ipv6_64\":null");
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
	/*
	 * large_table_*: uniform traffic over the largest table (goal
	 * GOAL_BIG_UNIFORM of the 1-entry rate), zipf_table_*: Zipf
	 * (GOAL_BIG_ZIPF); two_cpu_*: ours' scaling on two CPUs, one flow
	 * over both queues and a flow per CPU (GOAL_SCALING).
	 */
	json_num(o, "ours_over_fair_ceiling_min", s->min_fair_c, 3,
		 s->min_fair);
	fprintf(o,
		",\"ours_over_fair_ceiling_met\":%s,"
		"\"ours_over_fair_ceiling_goal\":%.2f",
		!s->min_fair_c		 ? "null" :
		s->min_fair >= GOAL_FAIR ? "true" :
					   "false",
		GOAL_FAIR);
	/* null where no IPv4 row measured the ceiling (IPv6-only runs) */
	json_num(o, "ours_over_ceiling_min", s->min_ceil_c, 3, s->min_ceil);
	fprintf(o,
		",\"ours_over_ceiling_met\":%s,\"large_table_entries\":%u,"
		"\"large_table_ratio\":%.3f,"
		"\"large_table_ratio_across_cases\":%.3f,"
		"\"large_table_met\":%s,\"large_table_goal\":%.2f,",
		!s->min_ceil_c	   ? "null" :
		s->min_ceil >= 0.9 ? "true" :
				     "false",
		s->big_c ? s->big_c->entries : 0, s->big_ratio, s->big_raw,
		!s->big_c			 ? "null" :
		s->big_ratio >= GOAL_BIG_UNIFORM ? "true" :
						   "false",
		GOAL_BIG_UNIFORM);
	fprintf(o, "\"zipf_table_entries\":%u",
		s->big_t[TR_ZIPF] ? s->big_t[TR_ZIPF]->entries : 0);
	json_num(o, "zipf_table_ratio", s->big_t[TR_ZIPF], 3,
		 s->big_ratio_t[TR_ZIPF]);
	fprintf(o, ",\"zipf_table_met\":%s,\"zipf_table_goal\":%.2f",
		!s->big_t[TR_ZIPF]			 ? "null" :
		s->big_ratio_t[TR_ZIPF] >= GOAL_BIG_ZIPF ? "true" :
							   "false",
		GOAL_BIG_ZIPF);
	for (p = 0; p < 2; p++) {
		const struct bcase *c = p ? s->cpu2_distinct : s->cpu2_same;
		const char *n = p ? "flow_per_cpu" : "one_flow";

		fprintf(o, ",\"two_cpu_scaling_%s\":", n);
		if (c)
			fprintf(o, "%.3f,\"two_cpu_%s_met\":%s",
				c->scaling[FWD_OURS], n,
				c->scaling[FWD_OURS] >= GOAL_SCALING ? "true" :
								       "false");
		else
			fprintf(o, "null,\"two_cpu_%s_met\":null", n);
	}
	/* The IPv6 rows' lowest ratios: reported, no goal of their own. */
	json_num(o, "ipv6_ours_over_fair_ceiling_min", s->min_fair6_c, 3,
		 s->min_fair6);
	json_num(o, "ipv6_ours_over_ceiling_min", s->min_ceil6_c, 3,
		 s->min_ceil6);
	json_num(o, "ipv6_ours_over_ip6mr_min", s->min_ip6mr_c, 3,
		 s->min_ip6mr);
	fprintf(o,
		",\"two_cpu_goal\":%.1f,"
		"\"loss_cases\":%d,\"loss_cases_receiver_limited\":%d,"
		"\"loss_met\":%s}}\n",
		GOAL_SCALING, s->loss_cases, s->loss_excused,
		s->loss_cases ? "false" : "true");
}

void print_human(const struct summary *s)
{
	char b[10][64], cs[96];
	int i, f;

	printf("Multicast forwarding on CPU %d, Mpps in (%d rounds of "
	       "~%.2f s trials, median)\n",
	       B.cpu, B.trials, B.seconds);
	for (f = 0; f < N_FWD; f++)
		if (B.absent[f])
			printf("%s: n/a, %s\n", fwd_label[f], B.why[f]);
	printf("%-40s %7s %7s %7s %7s %9s %9s %9s %7s  %s\n", "case", "ours",
	       "ipmr", "nft-dup", "ceiling", "ours/ipmr", "ours/nft",
	       "ours/ceil", "ceil+eg", "loss ours/ipmr/nft/ceil");
	for (i = 0; i < n_cases; i++) {
		const struct bcase *c = &cases[i];

		if (c->cpus > 1)
			continue; /* below */
		printf("%-40s %7.3f %7s %7s %7.3f %9s %9s %8.2fx %7.3f  "
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
				       "%llu bad TTL%s, %llu to non-members, "
				       "%llu duplicates\n",
				       fwd_label[f],
				       (unsigned long long)c->r[f].misses,
				       (unsigned long long)c->r[f].bad_ttl,
				       bad_seen_str(&c->r[f], f, b[0], 64),
				       (unsigned long long)c->r[f].strays,
				       (unsigned long long)c->r[f].dups);
	}
	print_v6(false);
	print_tables(false);
	print_cpus(false);
	print_counter_note(s, "");
	print_harness_note("");
	for (i = 0; i < n_cases; i++) {
		const struct bcase *c = &cases[i];

		for (f = 0; c->cpus > 1 && f < N_FWD; f++)
			if (measured(c, f) && misdelivered(&c->r[f]))
				printf("  %s, %s: %llu not forwarded (ours "
				       "only), %llu bad TTL%s, %llu to "
				       "non-members, %llu duplicates\n",
				       case_str(c, cs, sizeof(cs)),
				       fwd_label[f],
				       (unsigned long long)c->r[f].misses,
				       (unsigned long long)c->r[f].bad_ttl,
				       bad_seen_str(&c->r[f], f, b[0], 64),
				       (unsigned long long)c->r[f].strays,
				       (unsigned long long)c->r[f].dups);
	}
	printf("\nInjected, and delivered per receiver (min-max), all "
	       "trials:\n");
	for (i = 0; i < n_cases; i++) {
		const struct bcase *c = &cases[i];

		printf("  %-32s", case_str(c, cs, sizeof(cs)));
		for (f = 0; f < N_FWD; f++) {
			if (c->cpus > 1 ? !measured(c, f) : f >= N_MAIN)
				continue;
			if (!measured(c, f))
				printf(" %s n/a", fwd_label[f]);
			else
				printf(" %s %llu: %llu-%llu", fwd_label[f],
				       (unsigned long long)c->r[f].sent,
				       (unsigned long long)c->r[f].deliv_min,
				       (unsigned long long)c->r[f].deliv_max);
			printf(";");
		}
		printf("\n");
	}
	printf("\nProgram alone, ns per packet (generator %.0f ns "
	       "subtracted):\n  ours hit %.0f (lookup %.0f, with counters "
	       "%.0f), miss %.0f, wrong interface %.0f, TTL expired %.0f; "
	       "ceiling hit %.0f\n",
	       s->ns[P_FRONT], s->ns[P_HIT], s->ns[P_LOOKUP], s->ns[P_STATS],
	       s->ns[P_MISS], s->ns[P_WRONG_IF], s->ns[P_TTL],
	       s->ns[P_CEIL_HIT]);
	if (B.ours6_n)
		printf("  IPv6: hit %.0f (generator %.0f ns subtracted)\n",
		       s->ns[P_HIT6], s->ns[P_FRONT6]);
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
	if (s->min_fair_c)
		printf("  ours >= %.2fx fair ceiling (one entry): lowest %.2fx "
		       "(%s): %s\n",
		       GOAL_FAIR, s->min_fair,
		       case_str(s->min_fair_c, cs, sizeof(cs)),
		       s->min_fair >= GOAL_FAIR ? "met" : "MISSED");
	print_scale_goals(s, false);
	print_goals6(s, false);
	printf("  no loss:                %d case(s) with loss, %d limited by "
	       "the receivers: %s\n",
	       s->loss_cases, s->loss_excused,
	       s->loss_cases ? "MISSED" : "met");
	if (s->min_nft_c)
		printf("  (no goal) ours/nft-dup: lowest %.2fx (%s)\n",
		       s->min_nft, case_str(s->min_nft_c, cs, sizeof(cs)));
}
