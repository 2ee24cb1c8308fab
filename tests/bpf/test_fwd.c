// SPDX-License-Identifier: GPL-2.0
/*
 * test_fwd.c - the XDP forwarder under BPF_PROG_TEST_RUN, over tables of
 * crafted frames.
 *
 * The test moves itself into a private network namespace, creates veth
 * interfaces there (devmap entries and ingress_ifindex need real devices)
 * and a private pin root, installs entries through the datapath layer and
 * runs the program on each frame.  For every frame it checks the verdict,
 * the bytes (PASS and DROP leave them untouched; a forward decrements the
 * TTL with a valid checksum and changes nothing else), which counter moved,
 * and which event reached the ring buffer.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <linux/if_ether.h>
#include <linux/ip.h>
#include <net/if.h>
#include <poll.h>
#include <sched.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "check.h"
#include "dp/dp.h"
#include "pkt.h"

/* HIT(...) sets defaults that rows then override on purpose. */
#pragma GCC diagnostic ignored "-Woverride-init"

static struct mgm_dp *dp;
static int prog_fd;
static uint32_t if_in, if_o1, if_o2, if_o3;
static char pin_root[64];

#define S1 "192.0.2.1"
#define S2 "192.0.2.2"
#define G1 "239.1.1.1"
#define G2 "239.1.1.2"
#define G_NEG "239.9.9.9"
#define G_KA "239.8.8.8" /* a kernel-mirrored entry, with keepalive */
#define G_TC "239.7.7.7" /* out-set {o1, t1}: t1 takes no XDP redirects */

/* IPv6: source, group, a negative one, one with a tc member. */
#define S6 "2001:db8::1"
#define S6B "2001:db8::2"
#define G6 "ff0e::db8:1"
#define G6_NEG "ff0e::db8:99"
#define G6_TC "ff0e::db8:7"
#define HIT6(...)                                             \
	{                                                     \
		.src = S6, .dst = G6, .hlim = 64, __VA_ARGS__ \
	}

/* Pseudo-verdict of a row: XDP_PASS, marked for the tc path. */
#define XDP_TO_TC 100U
static uint32_t if_t1;

static uint32_t ip4(const char *s)
{
	struct in_addr a;

	inet_pton(AF_INET, s, &a);
	return a.s_addr;
}

static void sh(const char *cmd)
{
	if (system(cmd) != 0) {
		fprintf(stderr, "setup failed: %s\n", cmd);
		exit(1);
	}
}

struct run {
	int err;
	uint32_t verdict;
	uint8_t out[4096];
	uint32_t out_len;
};

static void run_prog(const uint8_t *pkt, size_t len, uint32_t ifindex,
		     struct run *r)
{
	struct xdp_md ctx = { .data_end = len, .ingress_ifindex = ifindex };
	LIBBPF_OPTS(bpf_test_run_opts, o, .data_in = pkt, .data_size_in = len,
		    .data_out = r->out, .data_size_out = sizeof(r->out),
		    .ctx_in = &ctx, .ctx_size_in = sizeof(ctx), .repeat = 1);

	r->err = bpf_prog_test_run_opts(prog_fd, &o);
	r->verdict = o.retval;
	r->out_len = o.data_size_out;
}

/* Events drained from the ring since the last call. */
static struct mgm_dp_event evs[64];
static int n_evs;

/* The same callback gets both families: IPv6 ones go to evs6. */
static struct mgm_dp_event evs6[64];
static int n_evs6;

static void on_event(void *ctx, const struct mgm_dp_event *ev)
{
	(void)ctx;
	if (ev->group.family == MGM_AF_INET6) {
		if (n_evs6 < 64)
			evs6[n_evs6++] = *ev;
	} else if (n_evs < 64) {
		evs[n_evs++] = *ev;
	}
}

static int drain_events(void)
{
	n_evs = 0;
	n_evs6 = 0;
	mgm_dp_event_poll(dp, on_event, NULL);
	return n_evs;
}

static struct mgm_counters counters(void)
{
	struct mgm_counters c;

	if (mgm_dp_counters(dp, &c))
		memset(&c, 0xff, sizeof(c));
	return c;
}

#define CNT(field) offsetof(struct mgm_counters, field)
#define NO_CNT ((size_t)-1)

static uint64_t cnt_at(const struct mgm_counters *c, size_t off)
{
	return *(const uint64_t *)((const uint8_t *)c + off);
}

/* Counters that say where a frame went (not rx and not the ev_*). */
static const size_t verdict_counters[] = {
	CNT(forwarded),	       CNT(no_entry),	    CNT(wrong_if),
	CNT(ttl_expired),      CNT(negative),	    CNT(too_big),
	CNT(malformed),	       CNT(pass_not_ip),    CNT(pass_scope6),
	CNT(pass_vlan),	       CNT(pass_not_mcast), CNT(pass_local),
	CNT(pass_igmp),	       CNT(pass_ra),	    CNT(bad_entry),
	CNT(kernel_keepalive), CNT(pass_mld),	    CNT(pass_ext6),
};

enum on_if { ON_IN, ON_O3 };

struct row {
	const char *name;
	struct pkt_spec spec;
	enum on_if on;
	uint32_t verdict;
	size_t counter; /* the one verdict counter that must grow by 1 */
	uint32_t event; /* 0: none */
};

static const uint8_t opt_ra[4] = { 148, 4, 0, 0 };
static const uint8_t opt_nops[4] = { 1, 1, 1, 0 };
static const uint8_t opt_ts[8] = { 68, 8, 5, 0, 0, 0, 0, 0 }; /* timestamp */
static const uint8_t opt_bad_len0[4] = { 7, 0, 0, 0 };
static const uint8_t opt_bad_long[4] = { 7, 12, 4, 0 };
static const uint8_t opt_ra_after_nop[8] = { 1, 148, 4, 0, 0, 0, 0, 0 };

#define HIT(...)                                             \
	{                                                    \
		.src = S1, .dst = G1, .ttl = 64, __VA_ARGS__ \
	}

static const struct row rows[] = {
	{ "hit", HIT(), ON_IN, XDP_REDIRECT, CNT(forwarded), 0 },
	{ "hit ttl 2", HIT(.ttl = 2), ON_IN, XDP_REDIRECT, CNT(forwarded), 0 },
	{ "hit ttl 255", HIT(.ttl = 255), ON_IN, XDP_REDIRECT, CNT(forwarded),
	  0 },
	{ "hit with nop options", HIT(.opts = opt_nops, .opt_len = 4), ON_IN,
	  XDP_REDIRECT, CNT(forwarded), 0 },
	{ "hit with timestamp option", HIT(.opts = opt_ts, .opt_len = 8), ON_IN,
	  XDP_REDIRECT, CNT(forwarded), 0 },
	{ "hit, frame padded past tot_len", HIT(.tot_len_delta = -6), ON_IN,
	  XDP_REDIRECT, CNT(forwarded), 0 },
	{ "first fragment (MF)", HIT(.frag = 0x2000), ON_IN, XDP_REDIRECT,
	  CNT(forwarded), 0 },
	{ "later fragment", HIT(.frag = 0x00b9), ON_IN, XDP_REDIRECT,
	  CNT(forwarded), 0 },
	{ "hit with DF", HIT(.frag = 0x4000), ON_IN, XDP_REDIRECT,
	  CNT(forwarded), 0 },
	{ "ttl 1", HIT(.ttl = 1), ON_IN, XDP_PASS, CNT(ttl_expired), 0 },
	{ "ttl 0", HIT(.ttl = 0), ON_IN, XDP_PASS, CNT(ttl_expired), 0 },
	{ "negative entry",
	  { .src = S1, .dst = G_NEG, .ttl = 64 },
	  ON_IN,
	  XDP_DROP,
	  CNT(negative),
	  0 },
	{ "link-local 224.0.0.5", HIT(.dst = "224.0.0.5"), ON_IN, XDP_PASS,
	  CNT(pass_local), 0 },
	{ "link-local 224.0.0.255", HIT(.dst = "224.0.0.255"), ON_IN, XDP_PASS,
	  CNT(pass_local), 0 },
	{ "igmp", HIT(.proto = 2), ON_IN, XDP_PASS, CNT(pass_igmp), 0 },
	{ "igmp with router alert",
	  HIT(.proto = 2, .opts = opt_ra, .opt_len = 4), ON_IN, XDP_PASS,
	  CNT(pass_igmp), 0 },
	{ "router alert", HIT(.opts = opt_ra, .opt_len = 4), ON_IN, XDP_PASS,
	  CNT(pass_ra), 0 },
	{ "router alert after nop", HIT(.opts = opt_ra_after_nop, .opt_len = 8),
	  ON_IN, XDP_PASS, CNT(pass_ra), 0 },
	{ "unicast", HIT(.dst = "198.51.100.7"), ON_IN, XDP_PASS,
	  CNT(pass_not_mcast), 0 },
	{ "broadcast", HIT(.dst = "255.255.255.255"), ON_IN, XDP_PASS,
	  CNT(pass_not_mcast), 0 },
	{ "class E", HIT(.dst = "240.0.0.1"), ON_IN, XDP_PASS,
	  CNT(pass_not_mcast), 0 },
	{ "arp", HIT(.ethertype = ETH_P_ARP), ON_IN, XDP_PASS, CNT(pass_not_ip),
	  0 },
	/* An IPv4 packet behind the IPv6 ethertype: version 4, malformed. */
	{ "ipv4 as ipv6", HIT(.ethertype = ETH_P_IPV6), ON_IN, XDP_PASS,
	  CNT(malformed), 0 },
	{ "vlan", HIT(.vlan = true), ON_IN, XDP_PASS, CNT(pass_vlan), 0 },
	{ "version 6 in ipv4", HIT(.version = 6), ON_IN, XDP_PASS,
	  CNT(malformed), 0 },
	{ "ihl 4", HIT(.ihl = 4), ON_IN, XDP_PASS, CNT(malformed), 0 },
	{ "ihl 0", HIT(.ihl_zero = true), ON_IN, XDP_PASS, CNT(malformed), 0 },
	{ "ihl beyond frame", HIT(.ihl = 15, .payload = 4), ON_IN, XDP_PASS,
	  CNT(malformed), 0 },
	{ "tot_len beyond frame", HIT(.tot_len_delta = 1), ON_IN, XDP_PASS,
	  CNT(malformed), 0 },
	{ "tot_len below ihl", HIT(.tot_len_delta = -20), ON_IN, XDP_PASS,
	  CNT(malformed), 0 },
	{ "bad checksum", HIT(.bad_csum = true), ON_IN, XDP_PASS,
	  CNT(malformed), 0 },
	{ "bad checksum with options",
	  HIT(.bad_csum = true, .opts = opt_ts, .opt_len = 8), ON_IN, XDP_PASS,
	  CNT(malformed), 0 },
	{ "option length 0", HIT(.opts = opt_bad_len0, .opt_len = 4), ON_IN,
	  XDP_PASS, CNT(malformed), 0 },
	{ "option past header", HIT(.opts = opt_bad_long, .opt_len = 4), ON_IN,
	  XDP_PASS, CNT(malformed), 0 },
	/* Each copy is judged on its own MTU: by the tc path. */
	{ "too big for the out-set", HIT(.payload = 1600), ON_IN, XDP_TO_TC,
	  CNT(too_big), 0 },
	{ "out-set with a tc member", HIT(.dst = G_TC), ON_IN, XDP_TO_TC,
	  CNT(to_tc), 0 },
	{ "out-set with a tc member, ttl 1", HIT(.dst = G_TC, .ttl = 1), ON_IN,
	  XDP_PASS, CNT(ttl_expired), 0 },
	{ "miss",
	  { .src = S2, .dst = G1, .ttl = 64 },
	  ON_IN,
	  XDP_PASS,
	  CNT(no_entry),
	  MGM_DP_EV_MISS },
	{ "wrong interface", HIT(), ON_O3, XDP_PASS, CNT(wrong_if),
	  MGM_DP_EV_WRONG_IF },
	/* A keepalive entry: the interval's first packet goes to the
	 * kernel untouched (not redirected: no duplicate), the rest of the
	 * interval is redirected. */
	{ "keepalive: first of the interval to the kernel", HIT(.dst = G_KA),
	  ON_IN, XDP_PASS, CNT(kernel_keepalive), 0 },
	{ "keepalive: the rest redirected", HIT(.dst = G_KA), ON_IN,
	  XDP_REDIRECT, CNT(forwarded), 0 },
	{ "keepalive: ttl 1 to the kernel as ever", HIT(.dst = G_KA, .ttl = 1),
	  ON_IN, XDP_PASS, CNT(ttl_expired), 0 },
	{ "keepalive: wrong interface as ever", HIT(.dst = G_KA), ON_O3,
	  XDP_PASS, CNT(wrong_if), MGM_DP_EV_WRONG_IF },
	{ "keepalive: still redirected", HIT(.dst = G_KA), ON_IN, XDP_REDIRECT,
	  CNT(forwarded), 0 },
};

static void check_bytes_same(const struct run *r, const uint8_t *in, size_t len,
			     const char *name)
{
	CHECK(r->out_len == len && !memcmp(r->out, in, len),
	      "%s: frame changed on PASS/DROP", name);
}

/* A forward: TTL - 1, checksum valid, every other byte as it was. */
static void check_forwarded(const struct run *r, const uint8_t *in, size_t len,
			    size_t l3, const char *name)
{
	size_t ttl_off = l3 + offsetof(struct iphdr, ttl);
	size_t csum_off = l3 + offsetof(struct iphdr, check);
	size_t i;
	bool same = r->out_len == len;

	CHECK(r->out_len == len, "%s: length %u != %zu", name, r->out_len, len);
	if (!same)
		return;
	CHECK_EQ(r->out[ttl_off], in[ttl_off] - 1, "ttl decremented");
	CHECK(pkt_ipv4_csum_ok(r->out, l3), "%s: checksum invalid", name);
	for (i = 0; i < len; i++) {
		if (i == ttl_off || i == csum_off || i == csum_off + 1)
			continue;
		if (r->out[i] != in[i]) {
			same = false;
			break;
		}
	}
	CHECK(same, "%s: byte %zu changed", name, i);
}

/*
 * Read (or, with write, update an existing) element of a pinned map of
 * ours by name, as another program of the host would.
 */
static int pinned_elem(const char *map, const void *key, void *val, bool write)
{
	char path[128];
	int fd, err;

	snprintf(path, sizeof(path), "%s/%s", pin_root, map);
	fd = bpf_obj_get(path);
	if (fd < 0)
		return -errno;
	err = (write ? bpf_map_update_elem(fd, key, val, BPF_EXIST) :
		       bpf_map_lookup_elem(fd, key, val)) ?
		      -errno :
		      0;
	close(fd);
	return err;
}

/* The pinned mgm_oset_list entry of slot. */
static int oset_list_raw(uint32_t slot, struct mgm_oset_list *l)
{
	return pinned_elem(MGM_MAP_OSET_LIST, &slot, l, false);
}

static void test_table(void)
{
	unsigned int i, j;

	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		const struct row *t = &rows[i];
		uint8_t pkt[2048];
		struct mgm_counters before, after;
		struct run r;
		size_t len;

		check_begin(t->name);
		len = pkt_build(pkt, sizeof(pkt), &t->spec);
		CHECK(len > 0, "%s: build", t->name);
		drain_events();
		before = counters();
		run_prog(pkt, len, t->on == ON_IN ? if_in : if_o3, &r);
		after = counters();
		CHECK_EQ(r.err, 0, "test_run");
		if (t->verdict == XDP_TO_TC) {
			/* Passed, with the metadata the tc program reads. */
			const struct mgm_xdp_meta *m = (const void *)r.out;
			struct run f = r;

			CHECK(r.verdict == XDP_PASS, "%s: verdict %u, want %u",
			      t->name, r.verdict, XDP_PASS);
			struct mgm_oset_list l;

			CHECK(r.out_len == len + sizeof(*m) &&
				      m->magic == MGM_XDP_META_MAGIC,
			      "%s: no metadata (%u bytes out)", t->name,
			      r.out_len);
			CHECK(!oset_list_raw(m->oset, &l) && l.n > 0 &&
				      (uint16_t)l.gen == m->gen,
			      "%s: the metadata names slot %u, generation %u",
			      t->name, m->oset, m->gen);
			CHECK_EQ(cnt_at(&after, CNT(to_tc)) -
					 cnt_at(&before, CNT(to_tc)),
				 1, "to_tc counted");
			memmove(f.out, r.out + sizeof(*m), len);
			f.out_len = r.out_len - sizeof(*m);
			check_forwarded(&f, pkt, len, pkt_l3_off(&t->spec),
					t->name);
		} else {
			CHECK(r.verdict == t->verdict,
			      "%s: verdict %u, want %u", t->name, r.verdict,
			      t->verdict);
		}
		if (t->verdict == XDP_TO_TC)
			;
		else if (t->verdict == XDP_REDIRECT)
			check_forwarded(&r, pkt, len, pkt_l3_off(&t->spec),
					t->name);
		else
			check_bytes_same(&r, pkt, len, t->name);
		CHECK_EQ(cnt_at(&after, CNT(rx)) - cnt_at(&before, CNT(rx)), 1,
			 "rx counted");
		for (j = 0; j < sizeof(verdict_counters) / sizeof(size_t);
		     j++) {
			size_t off = verdict_counters[j];
			uint64_t d = cnt_at(&after, off) - cnt_at(&before, off);

			CHECK(d == (off == t->counter),
			      "%s: counter at %zu moved by %llu", t->name, off,
			      (unsigned long long)d);
		}
		drain_events();
		if (t->event) {
			CHECK(n_evs == 1 && evs[0].type == t->event,
			      "%s: %d events, want one of type %u", t->name,
			      n_evs, t->event);
			if (n_evs == 1) {
				CHECK_EQ(evs[0].source.family, MGM_AF_INET,
					 "event family");
				CHECK_EQ(evs[0].source.v4, ip4(t->spec.src),
					 "event source");
				CHECK_EQ(evs[0].group.v4, ip4(t->spec.dst),
					 "event group");
				CHECK_EQ(evs[0].ifindex,
					 t->on == ON_IN ? if_in : if_o3,
					 "event ifindex");
				CHECK(evs[0].hdr_len >= 20 &&
					      !memcmp(evs[0].hdr,
						      pkt + pkt_l3_off(&t->spec),
						      20),
				      "%s: event carries the IP header",
				      t->name);
			}
		} else {
			CHECK(n_evs == 0, "%s: unexpected %d events", t->name,
			      n_evs);
		}
	}
}

/*
 * A valid frame cut at every length through the end of its IP header
 * (and a bit beyond) is never forwarded and never modified.
 */
static void test_truncation(void)
{
	static const struct pkt_spec specs[] = {
		HIT(),
		HIT(.opts = opt_ts, .opt_len = 8),
		HIT(.opts = opt_ra, .opt_len = 4),
	};
	unsigned int k;
	size_t cut;

	check_begin("truncated frames");
	for (k = 0; k < sizeof(specs) / sizeof(specs[0]); k++) {
		uint8_t pkt[256];
		size_t len = pkt_build(pkt, sizeof(pkt), &specs[k]);
		size_t end = pkt_l3_off(&specs[k]) + 20 + specs[k].opt_len + 8;

		for (cut = 0; cut < end && cut < len; cut++) {
			struct run r;

			run_prog(pkt, cut, if_in, &r);
			if (r.err) {
				/* The kernel refuses runts below ETH_HLEN. */
				CHECK(cut < ETH_HLEN && r.err == -EINVAL,
				      "cut %zu: test_run error %d", cut, r.err);
				continue;
			}
			CHECK(r.verdict == XDP_PASS,
			      "cut %zu (spec %u): verdict %u", cut, k,
			      r.verdict);
			check_bytes_same(&r, pkt, cut, "truncated");
		}
	}
	drain_events();
}

static void test_dedupe_and_rate_limits(void)
{
	struct pkt_spec miss = { .src = "192.0.2.77", .dst = G2, .ttl = 9 };
	struct pkt_spec wif = HIT();
	struct mgm_dp_mfe_counters mc;
	struct mgm_counters c0, c1;
	uint8_t pkt[256];
	struct run r;
	size_t len;
	int i;

	check_begin("miss dedupe");
	drain_events();
	len = pkt_build(pkt, sizeof(pkt), &miss);
	c0 = counters();
	for (i = 0; i < 5; i++)
		run_prog(pkt, len, if_in, &r);
	c1 = counters();
	CHECK_EQ(drain_events(), 1, "one miss event for five packets");
	CHECK_EQ(c1.ev_dedup - c0.ev_dedup, 4, "four deduplicated");
	CHECK_EQ(c1.no_entry - c0.no_entry, 5, "five misses counted");

	/* Once the entry exists and is deleted, the next miss is new. */
	CHECK_EQ(mgm_dp_mfe_install(dp, ip4(miss.src), ip4(miss.dst), if_in,
				    &if_o1, 1),
		 0, "install");
	CHECK_EQ(mgm_dp_mfe_delete(dp, ip4(miss.src), ip4(miss.dst)), 0,
		 "delete");
	run_prog(pkt, len, if_in, &r);
	CHECK_EQ(drain_events(), 1, "miss reported again after a delete");

	/* With a short retry interval the miss is reported again. */
	mgm_dp_set_config(dp, 0, 50, 0);
	usleep(120 * 1000);
	run_prog(pkt, len, if_in, &r);
	CHECK_EQ(drain_events(), 1, "miss re-reported after the retry time");
	mgm_dp_set_config(dp, 0, 0, 0);

	check_begin("wrong-interface rate limit");
	len = pkt_build(pkt, sizeof(pkt), &wif);
	mgm_dp_mfe_counters(dp, ip4(S1), ip4(G1), &mc);
	{
		uint64_t w0 = mc.wrong_if;

		for (i = 0; i < 10; i++)
			run_prog(pkt, len, if_o3, &r);
		mgm_dp_mfe_counters(dp, ip4(S1), ip4(G1), &mc);
		CHECK_EQ(mc.wrong_if - w0, 10, "entry counts every one");
	}
	/* The table row above already reported within the last 3 s. */
	CHECK_EQ(drain_events(), 0, "no event within 3 s of the last");
	mgm_dp_set_config(dp, 0, 0, 100);
	usleep(150 * 1000);
	run_prog(pkt, len, if_o3, &r);
	run_prog(pkt, len, if_o3, &r);
	CHECK_EQ(drain_events(), 1, "one event after the interval");
	mgm_dp_set_config(dp, 0, 0, 0);

	check_begin("event budget");
	mgm_dp_set_config(dp, 5, 0, 0);
	usleep(1100 * 1000); /* a fresh one-second window */
	c0 = counters();
	for (i = 0; i < 20; i++) {
		char src[32];
		struct pkt_spec s = { .src = src,
				      .dst = "239.2.2.2",
				      .ttl = 8 };

		snprintf(src, sizeof(src), "203.0.113.%d", i + 1);
		len = pkt_build(pkt, sizeof(pkt), &s);
		run_prog(pkt, len, if_in, &r);
	}
	c1 = counters();
	CHECK(drain_events() <= 5, "at most the budget of events: %d", n_evs);
	CHECK(c1.ev_suppressed - c0.ev_suppressed >= 15,
	      "suppressed counted: %llu",
	      (unsigned long long)(c1.ev_suppressed - c0.ev_suppressed));
	CHECK_EQ(c1.no_entry - c0.no_entry, 20, "all twenty passed as misses");
	mgm_dp_set_config(dp, 0, 0, 0);
}

/*
 * Keepalive entries: exactly one packet per entry per interval takes the
 * kernel path, whichever entry or CPU; every other packet is redirected;
 * no packet is both.  Entries without the flag never pass.
 */
static void test_keepalive(void)
{
	struct pkt_spec a = HIT(.src = S2, .dst = G_KA);
	struct pkt_spec b = HIT(.src = S2, .dst = G2);
	struct mgm_dp_mfe_counters ca, cb;
	struct mgm_counters c0, c1;
	uint32_t set[2] = { if_o1, if_o2 };
	uint8_t pa[256], pb[256];
	size_t la = pkt_build(pa, sizeof(pa), &a);
	size_t lb = pkt_build(pb, sizeof(pb), &b);
	unsigned pass_a = 0, redir_a = 0, pass_b = 0, redir_b = 0, other = 0;
	struct run r;
	int i, round;

	check_begin("keepalive interval");
	CHECK_EQ(mgm_dp_set_keepalive(dp, 300), 0, "interval 300 ms");
	CHECK_EQ(mgm_dp_mfe_install_flags(dp, ip4(S2), ip4(G_KA), if_in, set, 2,
					  MGM_MFE_F_KERNEL_KEEPALIVE),
		 0, "keepalive entry");
	CHECK_EQ(mgm_dp_mfe_install_flags(dp, ip4(S2), ip4(G2), if_in, set, 2,
					  0),
		 0, "plain entry");
	CHECK_EQ(mgm_dp_mfe_install_flags(dp, ip4(S2), ip4(G2), if_in, set, 2,
					  MGM_MFE_F_NEGATIVE),
		 -EINVAL, "only the keepalive flag may be set");
	c0 = counters();
	for (round = 0; round < 3; round++) {
		for (i = 0; i < 100; i++) {
			run_prog(pa, la, if_in, &r);
			if (r.verdict == XDP_PASS) {
				pass_a++;
				check_bytes_same(&r, pa, la, "keepalive pass");
			} else if (r.verdict == XDP_REDIRECT) {
				redir_a++;
			} else {
				other++;
			}
			run_prog(pb, lb, if_in, &r);
			pass_b += r.verdict == XDP_PASS;
			redir_b += r.verdict == XDP_REDIRECT;
		}
		usleep(350000); /* past the interval */
	}
	c1 = counters();
	mgm_dp_mfe_counters(dp, ip4(S2), ip4(G_KA), &ca);
	mgm_dp_mfe_counters(dp, ip4(S2), ip4(G2), &cb);
	CHECK_EQ(pass_a, 3, "one packet per interval to the kernel");
	CHECK_EQ(redir_a, 297, "every other one redirected");
	CHECK_EQ(other, 0, "none dropped");
	CHECK_EQ(ca.kernel_passes, 3, "counted on the entry");
	CHECK_EQ(ca.packets, 300, "all counted as the entry's packets");
	CHECK_EQ(pass_b + cb.kernel_passes, 0, "no flag: never passed");
	CHECK_EQ(redir_b, 300, "no flag: all redirected");
	CHECK_EQ(c1.kernel_keepalive - c0.kernel_keepalive, 3,
		 "global counter");
	CHECK_EQ(c1.forwarded - c0.forwarded, 597, "forwarded the rest");

	/* The flag is part of the entry: an install without it is a change,
	 * counters kept. */
	CHECK_EQ(mgm_dp_mfe_install_flags(dp, ip4(S2), ip4(G_KA), if_in, set, 2,
					  0),
		 0, "drop the flag");
	for (i = 0; i < 10; i++) {
		run_prog(pa, la, if_in, &r);
		CHECK_EQ(r.verdict, XDP_REDIRECT, "no keepalive any more");
	}
	mgm_dp_mfe_counters(dp, ip4(S2), ip4(G_KA), &ca);
	CHECK_EQ(ca.packets, 310, "counters survive the flag change");
	CHECK_EQ(mgm_dp_mfe_delete(dp, ip4(S2), ip4(G_KA)), 0, "delete");
	CHECK_EQ(mgm_dp_mfe_delete(dp, ip4(S2), ip4(G2)), 0, "delete");
	CHECK_EQ(mgm_dp_set_keepalive(dp, 0), 0, "default interval");
	/* The table's keepalive entry is not needed past here. */
	CHECK_EQ(mgm_dp_mfe_delete(dp, ip4(S1), ip4(G_KA)), 0, "delete");
}

/* The coarse clock's resolution: one tick. */
static uint64_t tick_ns(void)
{
	struct timespec r;

	if (clock_getres(CLOCK_MONOTONIC_COARSE, &r))
		return 4000000;
	return (uint64_t)r.tv_sec * 1000000000ULL + r.tv_nsec;
}

static void test_entry_counters(void)
{
	struct pkt_spec s = HIT(.payload = 100);
	struct mgm_dp_mfe_counters a, b;
	uint64_t t0, t1;
	uint8_t pkt[512];
	struct run r;
	size_t len = pkt_build(pkt, sizeof(pkt), &s);
	int i;

	check_begin("entry counters");
	mgm_dp_mfe_counters(dp, ip4(S1), ip4(G1), &a);
	t0 = mgm_dp_now_ns();
	for (i = 0; i < 7; i++)
		run_prog(pkt, len, if_in, &r);
	t1 = mgm_dp_now_ns();
	mgm_dp_mfe_counters(dp, ip4(S1), ip4(G1), &b);
	CHECK_EQ(b.packets - a.packets, 7, "packets");
	CHECK_EQ(b.bytes - a.bytes, 7 * (20 + 8 + 100), "bytes = IP length");
	/*
	 * Kept in jiffies, read back to the tick (see mgm_config), plus the
	 * jitter of the tick itself between the calibration and now (the
	 * coarse clock holds the time its tick actually ran): two ticks.
	 */
	CHECK(b.last_used_ns + 2 * tick_ns() >= t0 &&
		      b.last_used_ns <= t1 + 2 * tick_ns(),
	      "last used %llu in [%llu, %llu] to two ticks",
	      (unsigned long long)b.last_used_ns, (unsigned long long)t0,
	      (unsigned long long)t1);
}

static void test_replace_keeps_counters(void)
{
	struct pkt_spec s = HIT();
	struct mgm_dp_mfe_counters a, b;
	uint32_t both[2] = { if_o2, if_o3 };
	uint8_t pkt[256];
	struct run r;
	size_t len = pkt_build(pkt, sizeof(pkt), &s);

	check_begin("replace");
	mgm_dp_mfe_counters(dp, ip4(S1), ip4(G1), &a);
	CHECK_EQ(mgm_dp_mfe_install(dp, ip4(S1), ip4(G1), if_in, both, 2), 0,
		 "replace out-set");
	run_prog(pkt, len, if_in, &r);
	CHECK_EQ(r.verdict, XDP_REDIRECT, "still forwarded");
	mgm_dp_mfe_counters(dp, ip4(S1), ip4(G1), &b);
	CHECK_EQ(b.packets, a.packets + 1, "counters survive a replace");
	/* Negative, then positive again. */
	CHECK_EQ(mgm_dp_mfe_install(dp, ip4(S1), ip4(G1), if_in, NULL, 0), 0,
		 "make negative");
	run_prog(pkt, len, if_in, &r);
	CHECK_EQ(r.verdict, XDP_DROP, "negative drops");
	CHECK_EQ(mgm_dp_mfe_install(dp, ip4(S1), ip4(G1), if_in, both, 2), 0,
		 "positive again");
	run_prog(pkt, len, if_in, &r);
	CHECK_EQ(r.verdict, XDP_REDIRECT, "forwarded again");
	/* The iif is never an oif, duplicates collapse. */
	{
		uint32_t odd[4] = { if_in, if_o2, if_o2, if_o3 };

		CHECK_EQ(mgm_dp_mfe_install(dp, ip4(S1), ip4(G1), if_in, odd,
					    4),
			 0, "iif and duplicates in the list");
		CHECK_EQ(mgm_dp_oset_count(dp) >= 1, 1, "sets in use");
	}
	CHECK_EQ(mgm_dp_mfe_install(dp, ip4(S1), ip4(G1), 999999, both, 2), 0,
		 "unknown iif is allowed (it may appear later)");
	CHECK(mgm_dp_mfe_install(dp, ip4(S1), ip4(G1), if_in,
				 (uint32_t[]){ 999999 }, 1) == -ENODEV,
	      "unknown oif refused");
	CHECK_EQ(mgm_dp_mfe_install(dp, ip4(S1), ip4(G1), if_in, both, 2), 0,
		 "restore");
	run_prog(pkt, len, if_in, &r);
	CHECK_EQ(r.verdict, XDP_REDIRECT, "refused change left it intact");
}

/* The pinned mgm_mfe_tab's slot at. */
static int slot_raw(uint32_t at, struct mgm_mfe_slot *v)
{
	return pinned_elem(MGM_MAP_MFE_TAB, &at, v, false);
}

static int slot_raw_write(uint32_t at, const struct mgm_mfe_slot *v)
{
	struct mgm_mfe_slot w = *v;

	return pinned_elem(MGM_MAP_MFE_TAB, &at, &w, true);
}

/* The table's seed and mask, as the program reads them. */
static struct mgm_config config_raw(void)
{
	struct mgm_config cfg = {};
	uint32_t zero = 0;

	pinned_elem(MGM_MAP_CONFIG, &zero, &cfg, false);
	return cfg;
}

/* The home slot of (source, group) in mgm_mfe_tab. */
static uint32_t mfe_home(uint32_t source, uint32_t group)
{
	struct mgm_config cfg = config_raw();

	return mgm_mfe_hash(source, group, cfg.mfe_seed) & cfg.tab_mask;
}

/*
 * The occupied slot of (source, group) in its window of mgm_mfe_tab (the
 * live one, else a dead one), or -ENOENT.
 */
static int mfe_at(uint32_t source, uint32_t group)
{
	uint32_t mask = config_raw().tab_mask, home = mfe_home(source, group);
	struct mgm_mfe_slot v;
	int dead = -ENOENT;
	uint32_t i, at;

	for (i = 0; i < MGM_MFE_PROBE_MAX; i++) {
		at = (home + i) & mask;
		if (slot_raw(at, &v) || v.used == MGM_MFE_SLOT_EMPTY)
			break;
		if (v.used != MGM_MFE_SLOT_OCCUPIED || v.source != source ||
		    v.group != group)
			continue;
		if (!(v.e.flags & MGM_MFE_F_DEAD))
			return (int)at;
		if (dead < 0)
			dead = (int)at;
	}
	return dead;
}

/*
 * The raw entry of (source, group): its slot of mgm_mfe_tab (as the
 * struct mgm_mfe_val its first 48 bytes are), else its element of the
 * overflow mgm_mfe.
 */
static int mfe_raw(uint32_t source, uint32_t group, struct mgm_mfe_val *v)
{
	struct mgm_mfe_key key = { .source = source, .group = group };
	int at = mfe_at(source, group);
	struct mgm_mfe_slot sl;

	if (at >= 0) {
		if (slot_raw(at, &sl))
			return -errno;
		memcpy(v, &sl, sizeof(*v));
		return 0;
	}
	return pinned_elem(MGM_MAP_MFE, &key, v, false);
}

/*
 * A slot filled for a new set gets a new generation, which the XDP
 * program puts in the metadata; a change in place keeps it.  (The tc
 * program drops a marked packet whose generation its slot no longer has:
 * one that waited past a grace period in another CPU's RPS backlog.)
 */
static void test_slot_generation(void)
{
	uint32_t sets[2][1] = { { 0 }, { 0 } }, slot[2], gen[2], i, reused = 0;
	struct mgm_oset_list l;
	struct mgm_mfe_val v;

	check_begin("out-set slot generations");
	sets[0][0] = if_o1;
	sets[1][0] = if_o2;
	for (i = 0; i < 2; i++) {
		CHECK_EQ(mgm_dp_mfe_install(dp, ip4(S2), htonl(0xef050000 + i),
					    if_in, sets[i], 1),
			 0, "install");
		CHECK_EQ(mfe_raw(ip4(S2), htonl(0xef050000 + i), &v), 0, "raw");
		slot[i] = v.oset;
		CHECK_EQ(oset_list_raw(slot[i], &l), 0, "list");
		gen[i] = l.gen;
	}
	for (i = 0; i < 2; i++)
		CHECK_EQ(mgm_dp_mfe_delete(dp, ip4(S2), htonl(0xef050000 + i)),
			 0, "delete");
	CHECK_EQ(mgm_dp_sync(dp), 0, "grace period: slots free");
	/* The same sets again, in the other order: the freed slots come
	 * back (last freed, first used), each filled anew. */
	for (i = 0; i < 2; i++) {
		uint32_t s, k;

		CHECK_EQ(mgm_dp_mfe_install(dp, ip4(S2), htonl(0xef050010 + i),
					    if_in, sets[1 - i], 1),
			 0, "install again");
		CHECK_EQ(mfe_raw(ip4(S2), htonl(0xef050010 + i), &v), 0, "raw");
		s = v.oset;
		CHECK_EQ(oset_list_raw(s, &l), 0, "list");
		for (k = 0; k < 2; k++) {
			if (slot[k] != s)
				continue;
			reused++;
			CHECK(l.gen == gen[k] + 1,
			      "slot %u refilled: generation %u -> %u", s,
			      gen[k], l.gen);
		}
	}
	CHECK(reused > 0, "a freed slot was reused (%u)", reused);
	/* A change in place (a member taken out) keeps the generation. */
	CHECK_EQ(mfe_raw(ip4(S2), htonl(0xef050010), &v), 0, "raw");
	CHECK_EQ(oset_list_raw(v.oset, &l), 0, "list");
	gen[0] = l.gen;
	CHECK(mgm_dp_if_unlink(dp, if_o2) >= 1, "o2 taken out in place");
	CHECK_EQ(oset_list_raw(v.oset, &l), 0, "list");
	CHECK_EQ(l.gen, gen[0], "in place: same generation");
	for (i = 0; i < 2; i++)
		mgm_dp_mfe_delete(dp, ip4(S2), htonl(0xef050010 + i));
	mgm_dp_sync(dp);
}

/* Run one frame of (S1, grp) on ifindex n times; the verdicts must match. */
static void run_n(const char *grp, uint32_t ifindex, int n, uint32_t verdict,
		  const char *what)
{
	struct pkt_spec s = HIT(.dst = grp, .payload = 50);
	uint8_t pkt[256];
	struct run r;
	size_t len = pkt_build(pkt, sizeof(pkt), &s);
	int i, bad = 0;

	for (i = 0; i < n; i++) {
		run_prog(pkt, len, ifindex, &r);
		bad += r.err || r.verdict != verdict;
	}
	CHECK(!bad, "%s: %d of %d frames not %u", what, bad, n, verdict);
}

/*
 * The hot counters live in the entry's element, and every change of an
 * entry is made in place: out-set switches, flag changes, the TC path,
 * an RPF change, negative and back all keep the exact counts.
 */
static void test_inplace_counters(void)
{
	const char *g = "239.6.6.1";
	const uint32_t ip_len = 20 + 8 + 50;
	uint32_t a[2] = { if_o1, if_o2 }, b[2] = { if_o2, if_o3 };
	uint32_t t[2] = { if_o1, if_t1 };
	struct mgm_dp_mfe_counters k;
	struct mgm_mfe_val v0, v1;
	uint64_t want = 0;

	check_begin("in-place changes keep the counters");
	CHECK_EQ(mgm_dp_mfe_install(dp, ip4(S1), ip4(g), if_in, a, 2), 0,
		 "install");
	CHECK_EQ(mfe_raw(ip4(S1), ip4(g), &v0), 0, "raw element");
	run_n(g, if_in, 5, XDP_REDIRECT, "set {o1,o2}");
	want += 5;
	CHECK_EQ(mgm_dp_mfe_install(dp, ip4(S1), ip4(g), if_in, b, 2), 0,
		 "out-set switch");
	CHECK_EQ(mfe_raw(ip4(S1), ip4(g), &v1), 0, "raw element");
	CHECK(v1.oset != v0.oset, "another out-set slot (%u -> %u)", v0.oset,
	      v1.oset);
	CHECK_EQ(v1.packets, want, "packets in the element after the switch");
	run_n(g, if_in, 3, XDP_REDIRECT, "set {o2,o3}");
	want += 3;
	/* A flag change: the first keepalive packet goes to the kernel. */
	CHECK_EQ(mgm_dp_mfe_install_flags(dp, ip4(S1), ip4(g), if_in, b, 2,
					  MGM_MFE_F_KERNEL_KEEPALIVE),
		 0, "flag change");
	run_n(g, if_in, 1, XDP_PASS, "keepalive packet");
	run_n(g, if_in, 3, XDP_REDIRECT, "after the keepalive packet");
	want += 4;
	CHECK_EQ(mgm_dp_mfe_install(dp, ip4(S1), ip4(g), if_in, b, 2), 0,
		 "flag off again");
	/* A set with a tc member: MGM_MFE_F_TC set in place. */
	CHECK_EQ(mgm_dp_mfe_install(dp, ip4(S1), ip4(g), if_in, t, 2), 0,
		 "set with a tc member");
	CHECK_EQ(mfe_raw(ip4(S1), ip4(g), &v1), 0, "raw element");
	CHECK(v1.flags & MGM_MFE_F_TC, "TC flag set (flags %#x)", v1.flags);
	run_n(g, if_in, 2, XDP_PASS, "to the tc path");
	want += 2;
	/* RPF change: iif and set in one store. */
	CHECK_EQ(mgm_dp_mfe_install(dp, ip4(S1), ip4(g), if_o1, b, 2), 0,
		 "iif change");
	run_n(g, if_in, 1, XDP_PASS, "old iif is the wrong one now");
	run_n(g, if_o1, 4, XDP_REDIRECT, "new iif");
	want += 5;
	CHECK_EQ(mgm_dp_mfe_install(dp, ip4(S1), ip4(g), if_o1, NULL, 0), 0,
		 "negative");
	run_n(g, if_o1, 2, XDP_DROP, "negative drops");
	want += 2;
	CHECK_EQ(mgm_dp_mfe_install(dp, ip4(S1), ip4(g), if_o1, a, 2), 0,
		 "positive again");
	run_n(g, if_o1, 1, XDP_REDIRECT, "forwarded again");
	want += 1;
	CHECK_EQ(mgm_dp_mfe_counters(dp, ip4(S1), ip4(g), &k), 0, "counters");
	CHECK_EQ(k.packets, want, "exact packets across every change");
	CHECK_EQ(k.bytes, want * ip_len, "exact bytes across every change");
	CHECK_EQ(k.wrong_if, 1, "wrong_if");
	CHECK_EQ(k.negative, 2, "negative");
	CHECK_EQ(k.kernel_passes, 1, "kernel passes");
	CHECK_EQ(mfe_raw(ip4(S1), ip4(g), &v1), 0, "raw element");
	CHECK(v1.stats == v0.stats && v1.iif == if_o1 && v1.mtu,
	      "stats slot kept, iif %u, mtu %u", v1.iif, v1.mtu);
	CHECK_EQ(mgm_dp_mfe_delete(dp, ip4(S1), ip4(g)), 0, "delete");
}

/*
 * The value carries its key: an element that holds another key (the
 * kernel recycled it) is a miss, and nothing is counted into it.  A
 * deleted entry stays, marked dead, until the grace period: a miss too.
 */
static void test_recycled_and_dead(void)
{
	const char *g = "239.6.6.2";
	struct mgm_dp_mfe_counters k;
	struct mgm_counters c0, c1;
	struct mgm_mfe_slot sv, sw;
	struct mgm_mfe_val w;
	uint32_t set[2] = { if_o1, if_o2 };
	int at;

	check_begin("recycled element");
	CHECK_EQ(mgm_dp_mfe_install(dp, ip4(S1), ip4(g), if_in, set, 2), 0,
		 "install");
	run_n(g, if_in, 2, XDP_REDIRECT, "hits");
	at = mfe_at(ip4(S1), ip4(g));
	CHECK(at >= 0, "in the table (%d)", at);
	CHECK_EQ(slot_raw(at, &sv), 0, "raw slot");
	CHECK_EQ(sv.e.packets, 2, "two packets in the slot");
	sw = sv;
	sw.source = ip4(S2); /* as if now the slot of (S2, g) */
	CHECK_EQ(slot_raw_write(at, &sw), 0, "write another key");
	drain_events();
	c0 = counters();
	run_n(g, if_in, 1, XDP_PASS, "a slot of another key is a miss");
	c1 = counters();
	CHECK_EQ(c1.no_entry - c0.no_entry, 1, "counted as no entry");
	CHECK_EQ(c1.forwarded, c0.forwarded, "not forwarded");
	CHECK_EQ(slot_raw(at, &sw), 0, "raw slot");
	CHECK_EQ(sw.e.packets, 2, "nothing counted into the other key's slot");
	CHECK_EQ(slot_raw_write(at, &sv), 0, "restore");
	run_n(g, if_in, 1, XDP_REDIRECT, "restored");

	check_begin("deleted entry until the grace period");
	CHECK_EQ(mgm_dp_mfe_delete(dp, ip4(S1), ip4(g)), 0, "delete");
	CHECK_EQ(mfe_raw(ip4(S1), ip4(g), &w), 0, "element still there");
	CHECK(w.flags & MGM_MFE_F_DEAD, "marked dead (flags %#x)", w.flags);
	CHECK(mgm_dp_mfe_counters(dp, ip4(S1), ip4(g), &k) == -ENOENT,
	      "no counters for a deleted entry");
	drain_events();
	c0 = counters();
	run_n(g, if_in, 2, XDP_PASS, "dead entry is a miss");
	c1 = counters();
	CHECK_EQ(c1.no_entry - c0.no_entry, 2, "counted as no entry");
	CHECK_EQ(drain_events(), 1, "one miss event");
	CHECK_EQ(mfe_raw(ip4(S1), ip4(g), &w), 0, "raw element");
	CHECK_EQ(w.packets, 3, "nothing counted into a dead entry");
	/* Installed again at once: a fresh element, after the barrier. */
	CHECK_EQ(mgm_dp_mfe_install(dp, ip4(S1), ip4(g), if_in, set, 2), 0,
		 "install again");
	CHECK_EQ(mgm_dp_mfe_counters(dp, ip4(S1), ip4(g), &k), 0, "counters");
	CHECK_EQ(k.packets, 0, "a new entry starts at zero");
	run_n(g, if_in, 1, XDP_REDIRECT, "forwards again");
	CHECK_EQ(mgm_dp_mfe_delete(dp, ip4(S1), ip4(g)), 0, "delete");
	CHECK_EQ(mgm_dp_sync(dp), 0, "grace period");
	CHECK(mfe_raw(ip4(S1), ip4(g), &w) == -ENOENT,
	      "gone from the map after the grace period");
	CHECK_EQ(slot_raw(at, &sw), 0, "raw slot");
	CHECK(sw.used != MGM_MFE_SLOT_OCCUPIED,
	      "its slot TOMB or EMPTY after the grace period (%u)", sw.used);
}

/* Run n frames of (S1, group) on if_in; the verdicts must match. */
static void run_grp(uint32_t group, int n, uint32_t verdict, const char *what)
{
	char g[INET_ADDRSTRLEN];

	inet_ntop(AF_INET, &group, g, sizeof(g));
	run_n(g, if_in, n, verdict, what);
}

static uint64_t packets_of(uint32_t group)
{
	struct mgm_dp_mfe_counters k = {};

	if (mgm_dp_mfe_counters(dp, ip4(S1), group, &k))
		return UINT64_MAX;
	return k.packets;
}

/*
 * n groups g[] of 239.128/9 whose (S1, g) share one home slot, the first
 * of 2 * MGM_MFE_PROBE_MAX empty slots (computing the shared hash with
 * the table's seed): collisions on purpose.
 */
static uint32_t same_home(uint32_t *g, uint32_t n)
{
	uint32_t home = 0, found = 0, x, i;
	struct mgm_mfe_slot v;

	for (x = 0x80000000U; found < n && x < 0x80fffffeU; x++) {
		uint32_t grp = htonl(0xef000000U | (x & 0xffffff));

		if (!found) {
			home = mfe_home(ip4(S1), grp);
			for (i = 0; i < 2 * MGM_MFE_PROBE_MAX; i++)
				if (slot_raw((home + i) & config_raw().tab_mask,
					     &v) ||
				    v.used != MGM_MFE_SLOT_EMPTY)
					break;
			if (i < 2 * MGM_MFE_PROBE_MAX)
				continue;
		} else if (mfe_home(ip4(S1), grp) != home) {
			continue;
		}
		g[found++] = grp;
	}
	CHECK_EQ(found, n, "groups sharing a home");
	return home;
}

/*
 * The probe window of mgm_mfe_tab: entries of one home one after the
 * other, a hit past colliding, dead and TOMB slots, EMPTY ends the probe,
 * a re-install before the grace period takes another slot, a full window
 * sends the entry to the overflow hash, which is looked up only when the
 * home slot counts one there.
 */
static void test_tab_probe(void)
{
	uint32_t g[MGM_MFE_PROBE_MAX + 3], set[1] = { if_o1 }, home, mask, i;
	struct mgm_counters c0, c1;
	struct mgm_mfe_slot v, w;
	struct mgm_mfe_val hv;
	int bad = 0;

	check_begin("table probe window");
	mask = config_raw().tab_mask;
	home = same_home(g, MGM_MFE_PROBE_MAX + 3);
#define AT(k) ((home + (k)) & mask)
	for (i = 0; i < 5; i++)
		CHECK_EQ(mgm_dp_mfe_install(dp, ip4(S1), g[i], if_in, set, 1),
			 0, "install");
	for (i = 0; i < 5; i++)
		bad += mfe_at(ip4(S1), g[i]) != (int)AT(i);
	CHECK_EQ(bad, 0, "one home: slots home..home+4 in order");
	run_grp(g[4], 3, XDP_REDIRECT, "hit past four colliding entries");
	CHECK_EQ(packets_of(g[4]), 3, "counted into its own slot");
	CHECK_EQ(packets_of(g[0]) + packets_of(g[3]), 0, "not into others");

	/* Dead, then installed again before the grace period. */
	run_grp(g[2], 2, XDP_REDIRECT, "hits");
	CHECK_EQ(mgm_dp_mfe_delete(dp, ip4(S1), g[2]), 0, "delete");
	CHECK_EQ(slot_raw(AT(2), &v), 0, "raw slot");
	CHECK(v.used == MGM_MFE_SLOT_OCCUPIED && (v.e.flags & MGM_MFE_F_DEAD),
	      "dead and still occupied (used %u flags %#x)", v.used, v.e.flags);
	c0 = counters();
	run_grp(g[2], 1, XDP_PASS, "its dead slot is a miss");
	run_grp(g[4], 1, XDP_REDIRECT, "hit past a dead slot");
	c1 = counters();
	CHECK_EQ(c1.no_entry - c0.no_entry, 1, "one miss");
	CHECK_EQ(mgm_dp_mfe_install(dp, ip4(S1), g[2], if_in, set, 1), 0,
		 "installed again before the grace period");
	CHECK_EQ(mfe_at(ip4(S1), g[2]), (int)AT(5),
		 "in the next free slot, not its dead one");
	CHECK_EQ(packets_of(g[2]), 0, "a new entry starts at zero");
	run_grp(g[2], 2, XDP_REDIRECT, "hit past its own dead slot");
	CHECK_EQ(packets_of(g[2]), 2, "counted into the new slot");
	CHECK_EQ(slot_raw(AT(2), &v), 0, "raw slot");
	CHECK_EQ(v.e.packets, 2, "nothing counted into the dead slot");

	/* The grace period: the dead slot becomes TOMB (entries follow). */
	CHECK_EQ(mgm_dp_sync(dp), 0, "grace period");
	CHECK_EQ(slot_raw(AT(2), &v), 0, "raw slot");
	CHECK_EQ(v.used, MGM_MFE_SLOT_TOMB, "TOMB before occupied slots");
	run_grp(g[4], 1, XDP_REDIRECT, "hit past a TOMB");
	run_grp(g[2], 1, XDP_REDIRECT, "and its re-install too");
	CHECK_EQ(mgm_dp_mfe_install(dp, ip4(S1), g[6], if_in, set, 1), 0,
		 "a new key of the home");
	CHECK_EQ(mfe_at(ip4(S1), g[6]), (int)AT(2), "reuses the TOMB");

	/* EMPTY ends the probe: a live copy past it is never reached. */
	CHECK_EQ(slot_raw(AT(4), &w), 0, "a live slot to copy");
	w.group = g[MGM_MFE_PROBE_MAX + 2];
	w.e.packets = 0;
	CHECK_EQ(slot_raw(AT(7), &v), 0, "raw slot");
	CHECK_EQ(v.used, MGM_MFE_SLOT_EMPTY, "slot 6 of the window empty");
	CHECK_EQ(slot_raw_write(AT(8), &w), 0, "a live entry past it");
	c0 = counters();
	run_grp(g[MGM_MFE_PROBE_MAX + 2], 1, XDP_PASS,
		"past an EMPTY slot: a miss");
	c1 = counters();
	CHECK_EQ(c1.no_entry - c0.no_entry, 1, "counted as no entry");
	CHECK_EQ(slot_raw(AT(8), &w), 0, "raw slot");
	CHECK_EQ(w.e.packets, 0, "the slot past EMPTY never read");
	memset(&w, 0, sizeof(w));
	CHECK_EQ(slot_raw_write(AT(8), &w), 0, "cleared again");

	/* A full window: the next entry goes to the overflow hash. */
	for (i = 5; i < MGM_MFE_PROBE_MAX + 1; i++)
		if (i != 6)
			CHECK_EQ(mgm_dp_mfe_install(dp, ip4(S1), g[i], if_in,
						    set, 1),
				 0, "fill the window");
	CHECK_EQ(mfe_at(ip4(S1), g[MGM_MFE_PROBE_MAX]), -ENOENT,
		 "the 17th of a home is not in the table");
	CHECK_EQ(pinned_elem(MGM_MAP_MFE,
			     &(struct mgm_mfe_key){ ip4(S1),
						    g[MGM_MFE_PROBE_MAX] },
			     &hv, false),
		 0, "it is in the overflow hash");
	CHECK_EQ(slot_raw(home, &v), 0, "raw home slot");
	CHECK_EQ(v.ovf, 1, "its home counts it");
	run_grp(g[MGM_MFE_PROBE_MAX], 2, XDP_REDIRECT, "found in the overflow");
	CHECK_EQ(packets_of(g[MGM_MFE_PROBE_MAX]), 2, "counted there");
	run_grp(g[MGM_MFE_PROBE_MAX - 1], 1, XDP_REDIRECT,
		"the last slot of the window");
	/* In the overflow, but its home counts none: never looked up. */
	hv.group = g[MGM_MFE_PROBE_MAX + 1];
	hv.packets = 0;
	CHECK_EQ(slot_raw(home, &v), 0, "raw home slot");
	v.ovf = 0;
	CHECK_EQ(slot_raw_write(home, &v), 0, "home counts none");
	{
		char path[128];
		struct mgm_mfe_key k = { ip4(S1), g[MGM_MFE_PROBE_MAX + 1] };
		int fd;

		snprintf(path, sizeof(path), "%s/%s", pin_root, MGM_MAP_MFE);
		fd = bpf_obj_get(path);
		CHECK(fd >= 0 && !bpf_map_update_elem(fd, &k, &hv, BPF_NOEXIST),
		      "an element the home does not count");
		c0 = counters();
		run_grp(g[MGM_MFE_PROBE_MAX + 1], 1, XDP_PASS,
			"home counts none: a miss");
		run_grp(g[MGM_MFE_PROBE_MAX], 1, XDP_PASS,
			"even for the counted one");
		c1 = counters();
		CHECK_EQ(c1.no_entry - c0.no_entry, 2, "two misses");
		CHECK_EQ(pinned_elem(MGM_MAP_MFE, &k, &hv, false), 0, "raw");
		CHECK_EQ(hv.packets, 0, "the overflow was not looked up");
		v.ovf = 1;
		CHECK_EQ(slot_raw_write(home, &v), 0, "home counts one again");
		run_grp(g[MGM_MFE_PROBE_MAX], 1, XDP_REDIRECT,
			"found in the overflow again");
		if (fd >= 0) {
			bpf_map_delete_elem(fd, &k);
			close(fd);
		}
	}
	CHECK_EQ(packets_of(g[MGM_MFE_PROBE_MAX]), 3, "exact counts there");
	/* Deleted: the home stops counting it after the grace period. */
	CHECK_EQ(mgm_dp_mfe_delete(dp, ip4(S1), g[MGM_MFE_PROBE_MAX]), 0,
		 "delete the overflowed one");
	run_grp(g[MGM_MFE_PROBE_MAX], 1, XDP_PASS, "dead in the overflow");
	CHECK_EQ(slot_raw(home, &v), 0, "raw home slot");
	CHECK_EQ(v.ovf, 1, "counted until the grace period");
	CHECK_EQ(mgm_dp_sync(dp), 0, "grace period");
	CHECK_EQ(slot_raw(home, &v), 0, "raw home slot");
	CHECK_EQ(v.ovf, 0, "then not");
	CHECK(mfe_raw(ip4(S1), g[MGM_MFE_PROBE_MAX], &hv) == -ENOENT,
	      "gone from the overflow");
	/* All out: the slots end EMPTY, from the last one back. */
	for (i = 0; i < MGM_MFE_PROBE_MAX; i++)
		mgm_dp_mfe_delete(dp, ip4(S1), g[i]);
	CHECK_EQ(mgm_dp_sync(dp), 0, "grace period");
	for (i = 0, bad = 0; i < MGM_MFE_PROBE_MAX + 1; i++)
		bad += slot_raw(AT(i), &v) || v.used != MGM_MFE_SLOT_EMPTY;
	CHECK_EQ(bad, 0, "the whole window EMPTY again");
#undef AT
}

/* last_used follows the coarse clock from packet to packet. */
static void test_last_used(void)
{
	const char *g = "239.6.6.3";
	struct mgm_dp_mfe_counters a, b;
	struct timespec ts = { 0, 30 * 1000000 };
	uint32_t set[1] = { if_o1 };
	uint64_t t0, t1;

	check_begin("last used advances");
	CHECK_EQ(mgm_dp_mfe_install(dp, ip4(S1), ip4(g), if_in, set, 1), 0,
		 "install");
	t0 = mgm_dp_now_ns();
	run_n(g, if_in, 1, XDP_REDIRECT, "first");
	mgm_dp_mfe_counters(dp, ip4(S1), ip4(g), &a);
	nanosleep(&ts, NULL);
	run_n(g, if_in, 1, XDP_REDIRECT, "second");
	t1 = mgm_dp_now_ns();
	mgm_dp_mfe_counters(dp, ip4(S1), ip4(g), &b);
	/* To two ticks, as in test_entry_counters. */
	CHECK(a.last_used_ns + 2 * tick_ns() >= t0 &&
		      a.last_used_ns <= t1 + 2 * tick_ns(),
	      "first in range (to two ticks)");
	CHECK(b.last_used_ns >= a.last_used_ns + 20000000ULL &&
		      b.last_used_ns <= t1 + 2 * tick_ns(),
	      "advanced by the sleep: %llu -> %llu",
	      (unsigned long long)a.last_used_ns,
	      (unsigned long long)b.last_used_ns);
	CHECK_EQ(b.packets, 2, "packets");
	CHECK_EQ(mgm_dp_mfe_delete(dp, ip4(S1), ip4(g)), 0, "delete");
}

/* Out-set pool exhaustion, sharing and reuse after a grace period. */
static void test_oset_pool(void)
{
	uint32_t ifs[3] = { if_o1, if_o2, if_o3 };
	uint32_t i, used0 = mgm_dp_oset_count(dp), max = mgm_dp_oset_max(dp);
	int err = 0;

	check_begin("out-set sharing");
	for (i = 0; i < 100; i++) {
		err = mgm_dp_mfe_install(dp, ip4(S2), htonl(0xef030000 + i),
					 if_in, ifs, 3);
		if (err)
			break;
	}
	CHECK_EQ(err, 0, "100 entries with one set");
	CHECK(mgm_dp_oset_count(dp) <= used0 + 1,
	      "equal sets are shared: %u -> %u", used0, mgm_dp_oset_count(dp));
	for (i = 0; i < 100; i++)
		mgm_dp_mfe_delete(dp, ip4(S2), htonl(0xef030000 + i));

	check_begin("out-set pool full");
	/* Distinct sets: {o1}, {o2}, ... from veth pairs made for it. */
	CHECK(max <= 64, "test pool is small (%u)", max);
	used0 = mgm_dp_oset_count(dp);
	for (i = 0; i < max + 1; i++) {
		uint32_t set[2] = { if_o1, 0 };
		char name[IF_NAMESIZE];

		snprintf(name, sizeof(name), "px%u", i);
		set[1] = if_nametoindex(name);
		err = mgm_dp_mfe_install(dp, ip4(S2), htonl(0xef040000 + i),
					 if_in, set, 2);
		if (err)
			break;
	}
	CHECK(err == -ENOSPC, "pool exhaustion is -ENOSPC (got %d)", err);
	CHECK_EQ(i, max - used0, "every free slot was usable");
	CHECK_EQ(mgm_dp_oset_count(dp), max, "pool full");
	/* Existing entries still forward. */
	{
		struct pkt_spec s = HIT();
		uint8_t pkt[256];
		struct run r;
		size_t len = pkt_build(pkt, sizeof(pkt), &s);

		run_prog(pkt, len, if_in, &r);
		CHECK_EQ(r.verdict, XDP_REDIRECT, "old entries unharmed");
	}
	/* Free one: usable again only after the grace period, which the
	 * allocator takes by itself. */
	CHECK_EQ(mgm_dp_mfe_delete(dp, ip4(S2), htonl(0xef040000)), 0, "del");
	{
		uint32_t set[2] = { if_o2, if_nametoindex("px0") };

		err = mgm_dp_mfe_install(dp, ip4(S2), htonl(0xef050000), if_in,
					 set, 2);
		CHECK_EQ(err, 0, "slot reused after the grace period");
	}
	mgm_dp_mfe_delete(dp, ip4(S2), htonl(0xef050000));
	for (i = 1; i < max; i++)
		mgm_dp_mfe_delete(dp, ip4(S2), htonl(0xef040000 + i));
	mgm_dp_sync(dp);
}

static void test_table_full(void)
{
	uint32_t max = mgm_dp_mfe_max(dp), n0 = mgm_dp_mfe_count(dp), i;
	struct pkt_spec s = HIT();
	uint8_t pkt[256];
	struct run r;
	size_t len = pkt_build(pkt, sizeof(pkt), &s);
	int err = 0;

	check_begin("MFE table full");
	for (i = 0; i < max; i++) {
		err = mgm_dp_mfe_install(dp, ip4("203.0.113.9"),
					 htonl(0xef100000 + i), if_in, &if_o1,
					 1);
		if (err)
			break;
	}
	CHECK(err == -ENOSPC, "full table: -ENOSPC (got %d)", err);
	CHECK_EQ(i, max - n0, "filled to capacity");
	CHECK_EQ(mgm_dp_mfe_count(dp), max, "count at capacity");
	run_prog(pkt, len, if_in, &r);
	CHECK_EQ(r.verdict, XDP_REDIRECT, "existing entry kept");
	/* A deleted entry's room is had once its grace period is taken. */
	CHECK_EQ(mgm_dp_mfe_delete(dp, ip4("203.0.113.9"), htonl(0xef100000)),
		 0, "delete one");
	CHECK_EQ(mgm_dp_mfe_install(dp, ip4("203.0.113.9"), htonl(0xef1fffff),
				    if_in, &if_o1, 1),
		 0, "install another in its room");
	CHECK_EQ(mgm_dp_mfe_delete(dp, ip4("203.0.113.9"), htonl(0xef1fffff)),
		 0, "delete it");
	for (i = 1; i < max - n0; i++)
		mgm_dp_mfe_delete(dp, ip4("203.0.113.9"),
				  htonl(0xef100000 + i));
	CHECK_EQ(mgm_dp_mfe_count(dp), n0, "deleted again");
	mgm_dp_sync(dp);
}

/* The release barrier at the datapath level. */
static void test_release(void)
{
	struct pkt_spec s = HIT(), s3 = HIT(.dst = "239.5.5.5");
	uint32_t set[2] = { if_o1, if_o2 };
	uint8_t pkt[256];
	struct run r;
	size_t len;

	check_begin("release");
	CHECK_EQ(mgm_dp_mfe_install(dp, ip4(S1), ip4(G1), if_in, set, 2), 0,
		 "install");
	CHECK_EQ(mgm_dp_mfe_install(dp, ip4(S1), ip4("239.5.5.5"), if_o2,
				    &if_o3, 1),
		 0, "install iif o2");
	CHECK_EQ(mgm_dp_mfe_install(dp, ip4(S1), ip4("239.5.5.6"), if_o1,
				    &if_o2, 1),
		 0, "install oif o2");
	CHECK_EQ(mgm_dp_release_if(dp, if_o2), 3, "three entries touched");
	len = pkt_build(pkt, sizeof(pkt), &s3);
	run_prog(pkt, len, if_o2, &r);
	CHECK_EQ(r.verdict, XDP_PASS, "no entry with the released iif");
	drain_events();
	len = pkt_build(pkt, sizeof(pkt), &s);
	run_prog(pkt, len, if_in, &r);
	CHECK_EQ(r.verdict, XDP_REDIRECT, "other oif still forwarded");
	{
		struct pkt_spec s6 = HIT(.dst = "239.5.5.6");

		len = pkt_build(pkt, sizeof(pkt), &s6);
		run_prog(pkt, len, if_o1, &r);
		CHECK_EQ(r.verdict, XDP_DROP, "left without oifs: negative");
	}
	mgm_dp_mfe_delete(dp, ip4(S1), ip4("239.5.5.6"));
	mgm_dp_mfe_install(dp, ip4(S1), ip4(G1), if_in, set, 2);
}

static int inst6(const char *s, const char *g, uint32_t iif,
		 const uint32_t *oifs, uint32_t n);
static int del6(const char *s, const char *g);
static int mfe6_raw(const char *s, const char *g, struct mgm_mfe6_val *v);
static struct mgm_dp_mfe_counters cnt6(const char *s, const char *g);

/* Close the datapath and open it again on its pins, as a restart does. */
static void reopen(void)
{
	struct mgm_dp_opts o = { .pin_root = pin_root };

	mgm_dp_close(dp);
	dp = NULL;
	CHECK_EQ(mgm_dp_open(&o, &dp), 0, "reopen");
	if (!dp)
		exit(check_summary());
	prog_fd = mgm_dp_prog_fd(dp);
}

/* ------------------------------------------------------------------ */
/* One entry hit by several CPUs                                        */

/*
 * The CPUs the test may use; it runs on the first of them only (main()),
 * so that every other test's counts stay in the entries' lines.
 */
static cpu_set_t cpus_all;

/* Run the test thread on cpu only (BPF_PROG_TEST_RUN runs where it is). */
static int pin_cpu(int cpu)
{
	cpu_set_t set;

	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	return sched_setaffinity(0, sizeof(set), &set) ? -errno : 0;
}

/* The pinned mgm_mfe_shared: the element of stats slot stats, per CPU. */
static int shared_raw(uint32_t stats, struct mgm_mfe_hot *percpu, bool write)
{
	uint32_t idx = stats & config_raw().shared_mask;

	return pinned_elem(MGM_MAP_MFE_SHARED, &idx, percpu, write);
}

/* The generation of the entry on stats slot stats (0: none, unreadable). */
static uint64_t gen_of(uint32_t stats)
{
	struct mgm_mfe_stats st;

	return pinned_elem(MGM_MAP_MFE_STATS, &stats, &st, false) ? 0 : st.gen;
}

/* Does CPU cpu's value of the element count for (stats, gen)? */
static bool tagged(const struct mgm_mfe_hot *hot, int cpu, uint32_t stats,
		   uint64_t gen)
{
	return hot[cpu].stats == stats && hot[cpu].gen == gen;
}

/* The counters of (S1, g), exact or all ones. */
static struct mgm_dp_mfe_counters cnt4(const char *g)
{
	struct mgm_dp_mfe_counters k;

	if (mgm_dp_mfe_counters(dp, ip4(S1), ip4(g), &k))
		memset(&k, 0xff, sizeof(k));
	return k;
}

/*
 * One CPU counts in the entry's line; a second one makes the entry
 * shared, and then each counts in its own element of mgm_mfe_shared:
 * the totals stay exact, a re-installed entry on the same slot and stats
 * slot starts at zero (the elements of the old one are stale), and an
 * element another live entry holds makes the atomic fallback, exact too.
 */
static void test_shared_counters(void)
{
	const char *g = "239.6.6.4", *g2 = "239.6.6.5";
	int ncpu = libbpf_num_possible_cpus(), a = -1, b = -1, i;
	uint32_t set[1] = { if_o1 }, stats, stats2, at;
	uint32_t len = 78; /* run_n's frames' IP length */
	struct mgm_mfe_hot *hot = calloc(ncpu, sizeof(*hot));
	struct mgm_dp_mfe_counters k;
	uint64_t full0, gen, gen2, gen3;
	struct mgm_mfe_slot sl;
	cpu_set_t orig;

	check_begin("counters of an entry several CPUs hit");
	if (!hot || sched_getaffinity(0, sizeof(orig), &orig))
		exit(2);
	for (i = 0; i < CPU_SETSIZE && b < 0; i++)
		if (CPU_ISSET(i, &cpus_all))
			*(a < 0 ? &a : &b) = i;
	CHECK_EQ(mgm_dp_mfe_install(dp, ip4(S1), ip4(g), if_in, set, 1), 0,
		 "install");
	at = (uint32_t)mfe_at(ip4(S1), ip4(g));
	CHECK_EQ(slot_raw(at, &sl), 0, "raw slot");
	stats = sl.e.stats;
	gen = gen_of(stats);
	CHECK(gen != 0, "a generation");
	CHECK_EQ(sl.e.owner, MGM_MFE_OWNER_NONE, "unclaimed at install");

	/* CPU a alone: it claims the entry and counts in the line. */
	CHECK_EQ(pin_cpu(a), 0, "run on the first CPU");
	run_n(g, if_in, 3, XDP_REDIRECT, "three on CPU a");
	CHECK_EQ(slot_raw(at, &sl), 0, "raw slot");
	CHECK_EQ(sl.e.owner, a + 1, "claimed by CPU a");
	CHECK_EQ(sl.e.packets, 3, "counted in the line");
	CHECK_EQ(sl.e.bytes, 3 * len, "bytes in the line");
	CHECK_EQ(shared_raw(stats, hot, false), 0, "raw element");
	CHECK(!tagged(hot, a, stats, gen), "no per-CPU element of it");
	k = cnt4(g);
	CHECK(k.packets == 3 && k.bytes == 3 * len, "3 packets: %llu %llu",
	      (unsigned long long)k.packets, (unsigned long long)k.bytes);
	if (b < 0) {
		check_skip("counters of an entry several CPUs hit",
			   "one CPU only");
		CHECK_EQ(mgm_dp_mfe_delete(dp, ip4(S1), ip4(g)), 0, "delete");
		free(hot);
		return;
	}

	/* CPU b too: shared, each CPU in its own element from now on. */
	CHECK_EQ(pin_cpu(b), 0, "run on the second CPU");
	run_n(g, if_in, 2, XDP_REDIRECT, "two on CPU b");
	CHECK_EQ(pin_cpu(a), 0, "back on the first CPU");
	run_n(g, if_in, 4, XDP_REDIRECT, "four more on CPU a");
	CHECK_EQ(slot_raw(at, &sl), 0, "raw slot");
	CHECK_EQ(sl.e.owner, MGM_MFE_OWNER_SHARED, "shared");
	CHECK_EQ(sl.e.packets, 3, "the line no longer written");
	CHECK_EQ(shared_raw(stats, hot, false), 0, "raw element");
	CHECK(tagged(hot, a, stats, gen) && tagged(hot, b, stats, gen),
	      "tagged on both CPUs");
	CHECK(hot[a].packets == 4 && hot[b].packets == 2 &&
		      hot[a].bytes == 4 * len && hot[b].bytes == 2 * len,
	      "per CPU: a %llu b %llu", (unsigned long long)hot[a].packets,
	      (unsigned long long)hot[b].packets);
	k = cnt4(g);
	CHECK(k.packets == 9 && k.bytes == 9 * len, "9 packets: %llu %llu",
	      (unsigned long long)k.packets, (unsigned long long)k.bytes);
	CHECK(k.last_used_ns != 0, "last used");

	/* A restarted owner keeps them, and starts new generations. */
	reopen();
	CHECK_EQ(cnt4(g).packets, 9, "adopted with its counters");
	CHECK_EQ(mgm_dp_mfe_install(dp, ip4(S1), ip4(g2), if_in, set, 1), 0,
		 "install another");
	CHECK_EQ(mfe_raw(ip4(S1), ip4(g2), (struct mgm_mfe_val *)&sl), 0,
		 "raw entry");
	stats2 = sl.e.stats;
	gen2 = gen_of(stats2);
	CHECK(gen2 > gen, "a new owner's generation is new: %llu after %llu",
	      (unsigned long long)gen2, (unsigned long long)gen);

	/* Deleted, installed again on the same slot and stats slot: a new
	 * generation, the old elements are stale, it starts at zero. */
	CHECK_EQ(mgm_dp_mfe_delete(dp, ip4(S1), ip4(g)), 0, "delete");
	CHECK_EQ(mgm_dp_sync(dp), 0, "grace period");
	CHECK_EQ(gen_of(stats), 0, "the freed slot's generation ended");
	CHECK_EQ(mgm_dp_mfe_install(dp, ip4(S1), ip4(g), if_in, set, 1), 0,
		 "install again");
	CHECK_EQ(mfe_at(ip4(S1), ip4(g)), (int)at, "the same slot");
	CHECK_EQ(slot_raw(at, &sl), 0, "raw slot");
	CHECK_EQ(sl.e.stats, stats, "the same stats slot");
	CHECK_EQ(sl.e.owner, MGM_MFE_OWNER_NONE, "unclaimed");
	gen3 = gen_of(stats);
	CHECK(gen3 != gen && gen3 != 0, "a new generation");
	k = cnt4(g);
	CHECK(k.packets == 0 && k.bytes == 0, "starts at zero: %llu",
	      (unsigned long long)k.packets);
	CHECK_EQ(pin_cpu(b), 0, "on the second CPU");
	run_n(g, if_in, 1, XDP_REDIRECT, "one on CPU b");
	CHECK_EQ(slot_raw(at, &sl), 0, "raw slot");
	CHECK_EQ(sl.e.owner, b + 1, "claimed by CPU b");
	CHECK_EQ(cnt4(g).packets, 1, "one");

	/* CPU a's element held by another live entry: atomic fallback. */
	CHECK_EQ(shared_raw(stats, hot, false), 0, "raw element");
	hot[a].stats = stats2;
	hot[a].gen = gen2;
	hot[a].packets = hot[a].bytes = 0;
	CHECK_EQ(shared_raw(stats, hot, true), 0, "another entry's on CPU a");
	full0 = counters().shared_full;
	CHECK_EQ(pin_cpu(a), 0, "on the first CPU");
	run_n(g, if_in, 5, XDP_REDIRECT, "five on CPU a, element taken");
	CHECK_EQ(counters().shared_full - full0, 5, "counted as shared_full");
	CHECK_EQ(slot_raw(at, &sl), 0, "raw slot");
	CHECK_EQ(sl.e.owner, MGM_MFE_OWNER_SHARED, "shared");
	CHECK_EQ(sl.e.packets, 6, "in the line, atomically");
	CHECK_EQ(shared_raw(stats, hot, false), 0, "raw element");
	CHECK(tagged(hot, a, stats2, gen2) && hot[a].packets == 0,
	      "the other entry's element untouched");
	CHECK(!tagged(hot, b, stats, gen3), "CPU b's stale, not counted");
	k = cnt4(g);
	CHECK(k.packets == 6 && k.bytes == 6 * len, "6 packets: %llu %llu",
	      (unsigned long long)k.packets, (unsigned long long)k.bytes);
	/* The other entry gone: its element is stale, taken over. */
	CHECK_EQ(mgm_dp_mfe_delete(dp, ip4(S1), ip4(g2)), 0, "delete other");
	CHECK_EQ(mgm_dp_sync(dp), 0, "grace period");
	run_n(g, if_in, 2, XDP_REDIRECT, "two on CPU a, element free");
	CHECK_EQ(counters().shared_full - full0, 5, "no more fallbacks");
	CHECK_EQ(shared_raw(stats, hot, false), 0, "raw element");
	CHECK(tagged(hot, a, stats, gen3) && hot[a].packets == 2,
	      "taken over on CPU a: %llu", (unsigned long long)hot[a].packets);
	CHECK_EQ(pin_cpu(b), 0, "on the second CPU");
	run_n(g, if_in, 3, XDP_REDIRECT, "three on CPU b, its stale one");
	CHECK_EQ(shared_raw(stats, hot, false), 0, "raw element");
	CHECK(tagged(hot, b, stats, gen3) && hot[b].packets == 3,
	      "taken over on CPU b, from zero: %llu",
	      (unsigned long long)hot[b].packets);
	k = cnt4(g);
	CHECK(k.packets == 11 && k.bytes == 11 * len, "11 packets: %llu %llu",
	      (unsigned long long)k.packets, (unsigned long long)k.bytes);

	/* IPv6: the same code on a hash element. */
	{
		struct pkt6_spec s6 = HIT6(.dst = "ff0e::a:9");
		struct mgm_mfe6_val v6;
		uint8_t p6[256];
		size_t l6 = pkt6_build(p6, sizeof(p6), &s6);
		struct run r;

		CHECK_EQ(inst6(S6, "ff0e::a:9", if_in, set, 1), 0, "v6");
		for (i = 0; i < 6; i++) {
			CHECK_EQ(pin_cpu(i % 3 ? a : b), 0, "alternate");
			run_prog(p6, l6, if_in, &r);
			CHECK_EQ(r.verdict, XDP_REDIRECT, "v6 forwards");
		}
		CHECK_EQ(mfe6_raw(S6, "ff0e::a:9", &v6), 0, "raw v6");
		CHECK_EQ(v6.e.owner, MGM_MFE_OWNER_SHARED, "v6 shared");
		CHECK_EQ(shared_raw(v6.e.stats, hot, false), 0, "v6 element");
		CHECK(tagged(hot, a, v6.e.stats, gen_of(v6.e.stats)),
		      "v6 element tagged");
		k = cnt6(S6, "ff0e::a:9");
		CHECK(k.packets == 6 && k.bytes == 6 * (uint64_t)l6 - 6 * 14,
		      "v6 exact: %llu %llu", (unsigned long long)k.packets,
		      (unsigned long long)k.bytes);
		CHECK_EQ(del6(S6, "ff0e::a:9"), 0, "v6 delete");
	}
	CHECK_EQ(sched_setaffinity(0, sizeof(orig), &orig), 0, "affinity");
	CHECK_EQ(mgm_dp_mfe_delete(dp, ip4(S1), ip4(g)), 0, "delete");
	CHECK_EQ(mgm_dp_sync(dp), 0, "grace period");
	free(hot);
}

/*
 * A restarted owner adopts the pinned maps: entries keep forwarding, the
 * out-set pool and slot bookkeeping are rebuilt from what is pinned.
 */
static void test_adopt(void)
{
	uint32_t n_mfe = mgm_dp_mfe_count(dp), n_oset = mgm_dp_oset_count(dp);
	uint32_t set[2] = { if_o1, if_o2 }, set3[3] = { if_o1, if_o2, if_o3 };
	uint32_t g[MGM_MFE_PROBE_MAX + 1], home, i;
	struct mgm_mfe_slot sl;
	struct pkt_spec s = HIT();
	uint8_t pkt[256];
	struct run r;
	size_t len = pkt_build(pkt, sizeof(pkt), &s);

	check_begin("adopt pinned maps");
	/* A full window and one entry in the overflow. */
	home = same_home(g, MGM_MFE_PROBE_MAX + 1);
	for (i = 0; i < MGM_MFE_PROBE_MAX + 1; i++)
		CHECK_EQ(mgm_dp_mfe_install(dp, ip4(S1), g[i], if_in, set, 2),
			 0, "install a window and one more");
	n_mfe += MGM_MFE_PROBE_MAX + 1;
	CHECK_EQ(mfe_at(ip4(S1), g[MGM_MFE_PROBE_MAX]), -ENOENT,
		 "the last one in the overflow");
	/* A deleted entry still waiting for its grace period at close. */
	CHECK_EQ(mgm_dp_mfe_install(dp, ip4(S2), ip4("239.6.6.9"), if_in, set,
				    2),
		 0, "install");
	CHECK_EQ(mgm_dp_mfe_delete(dp, ip4(S2), ip4("239.6.6.9")), 0, "delete");
	{
		struct mgm_mfe_val v;

		CHECK_EQ(mfe_raw(ip4(S2), ip4("239.6.6.9"), &v), 0,
			 "dead element pinned at close");
	}
	/* The same for IPv6: one live entry, one dead. */
	CHECK_EQ(inst6(S6, "ff0e::a:1", if_in, set, 2), 0, "v6 install");
	CHECK_EQ(inst6(S6, "ff0e::a:2", if_in, set, 2), 0, "v6 install");
	CHECK_EQ(del6(S6, "ff0e::a:2"), 0, "v6 delete");
	{
		struct mgm_mfe6_val v;

		CHECK_EQ(mfe6_raw(S6, "ff0e::a:2", &v), 0,
			 "dead v6 element pinned at close");
	}
	n_oset = mgm_dp_oset_count(dp);
	reopen();
	{
		struct mgm_mfe_val v;

		CHECK(mfe_raw(ip4(S2), ip4("239.6.6.9"), &v) == -ENOENT,
		      "the new owner removed the dead element at start-up");
	}
	CHECK_EQ(mgm_dp_mfe_count(dp), n_mfe, "entries adopted");
	CHECK_EQ(mgm_dp_mfe6_count(dp), 1, "the v6 entry adopted");
	{
		struct pkt6_spec s6 = HIT6(.dst = "ff0e::a:1");
		struct mgm_mfe6_val v;
		uint8_t p6[256];
		size_t l6 = pkt6_build(p6, sizeof(p6), &s6);

		CHECK(mfe6_raw(S6, "ff0e::a:2", &v) == -ENOENT,
		      "the dead v6 element removed at start-up");
		run_prog(p6, l6, if_in, &r);
		CHECK_EQ(r.verdict, XDP_REDIRECT, "adopted v6 entry forwards");
		CHECK_EQ(cnt6(S6, "ff0e::a:1").packets, 1, "and counts");
	}
	CHECK_EQ(mgm_dp_oset_count(dp), n_oset, "out-sets adopted");
	run_prog(pkt, len, if_in, &r);
	CHECK_EQ(r.verdict, XDP_REDIRECT, "adopted entry forwards");
	/* An equal set is shared with the adopted one, not duplicated. */
	CHECK_EQ(mgm_dp_mfe_install(dp, ip4(S2), ip4(G2), if_in, set, 2), 0,
		 "install with an adopted set");
	CHECK_EQ(mgm_dp_oset_count(dp), n_oset, "adopted set shared");
	CHECK_EQ(mgm_dp_mfe_install(dp, ip4(S2), ip4(G2), if_in, set3, 3), 0,
		 "new set");
	CHECK_EQ(mgm_dp_oset_count(dp), n_oset + 1, "one more set");
	CHECK_EQ(mgm_dp_mfe_delete(dp, ip4(S2), ip4(G2)), 0, "delete");
	CHECK_EQ(mgm_dp_oset_count(dp), n_oset, "its set released");
	CHECK_EQ(del6(S6, "ff0e::a:1"), 0, "v6 delete");
	/* The window and the overflowed entry came back as they were. */
	CHECK_EQ(slot_raw(home, &sl), 0, "raw home slot");
	CHECK_EQ(sl.ovf, 1, "the home still counts the overflowed one");
	run_grp(g[MGM_MFE_PROBE_MAX], 1, XDP_REDIRECT,
		"the adopted overflowed entry forwards");
	run_grp(g[MGM_MFE_PROBE_MAX - 1], 1, XDP_REDIRECT,
		"the window's last one too");
	CHECK_EQ(packets_of(g[MGM_MFE_PROBE_MAX]), 1, "and counts");
	for (i = 0; i < MGM_MFE_PROBE_MAX + 1; i++)
		CHECK_EQ(mgm_dp_mfe_delete(dp, ip4(S1), g[i]), 0,
			 "adopted entries delete");
	CHECK_EQ(mgm_dp_sync(dp), 0, "grace period");
	CHECK_EQ(slot_raw(home, &sl), 0, "raw home slot");
	CHECK(sl.ovf == 0 && sl.used == MGM_MFE_SLOT_EMPTY,
	      "home slot empty, counts none (ovf %u used %u)", sl.ovf, sl.used);
}

static void test_event_fd(void)
{
	struct pkt_spec s = { .src = "192.0.2.99",
			      .dst = "239.7.7.7",
			      .ttl = 5 };
	struct pollfd pfd = { .fd = mgm_dp_event_fd(dp), .events = POLLIN };
	uint8_t pkt[256];
	struct run r;
	size_t len = pkt_build(pkt, sizeof(pkt), &s);

	check_begin("event fd");
	drain_events();
	CHECK(pfd.fd >= 0, "event fd");
	CHECK_EQ(poll(&pfd, 1, 0), 0, "not readable when empty");
	run_prog(pkt, len, if_in, &r);
	CHECK_EQ(poll(&pfd, 1, 1000), 1, "readable after a miss");
	CHECK_EQ(drain_events(), 1, "one event");
}

/* At least a million entries with the default sizes. */
static void test_million(void)
{
	struct mgm_dp_opts o = { .pin_root = "/sys/fs/bpf/mgm-bpftest-1m" };
	struct mgm_dp *big = NULL;
	uint32_t set[2] = { if_o1, if_o2 };
	uint32_t i, n = 0, max;
	struct timespec t0, t1;
	double secs;
	int err = 0;

	check_begin("one million entries");
	mgm_dp_unpin(o.pin_root);
	CHECK_EQ(mgm_dp_open(&o, &big), 0, "open default-sized maps");
	if (!big)
		return;
	max = mgm_dp_mfe_max(big);
	CHECK(max >= 1000000, "capacity %u >= 1M", max);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (i = 0; i < max; i++) {
		/* 254 sources x groups in 239.0.0.0/8 */
		uint32_t src = htonl(0xc0000201 + i % 254);
		uint32_t grp = htonl(0xef000000 + i / 254);

		err = mgm_dp_mfe_install(big, src, grp, if_in, set,
					 1 + (i & 1));
		if (err)
			break;
		n++;
	}
	clock_gettime(CLOCK_MONOTONIC, &t1);
	secs = (t1.tv_sec - t0.tv_sec) + (t1.tv_nsec - t0.tv_nsec) / 1e9;
	CHECK_EQ(n, max, "installed to capacity");
	CHECK_EQ(mgm_dp_mfe_count(big), max, "count");
	CHECK(mgm_dp_mfe_install(big, ip4("198.51.100.200"), ip4(G2), if_in,
				 set, 2) == -ENOSPC,
	      "one more is -ENOSPC");
	{
		struct mgm_dp_mfe_counters c;

		CHECK_EQ(mgm_dp_mfe_counters(big, htonl(0xc0000201 + 5),
					     htonl(0xef000000 + 1000), &c),
			 0, "an old entry is still there");
	}
	fprintf(stderr, "   installed %u MFEs in %.2f s (%.0f/s)\n", n, secs,
		n / secs);
	{
		/* How many found no room in their window of the table. */
		struct mgm_mfe_key k, *prev = NULL;
		char path[128];
		uint32_t ovf = 0;
		int fd;

		snprintf(path, sizeof(path), "%s/%s", o.pin_root, MGM_MAP_MFE);
		fd = bpf_obj_get(path);
		while (fd >= 0 && !bpf_map_get_next_key(fd, prev, &k)) {
			prev = &k;
			ovf++;
		}
		if (fd >= 0)
			close(fd);
		CHECK(ovf < MGM_MFE_OVF_MAX / 16,
		      "%u of %u entries in the overflow", ovf, n);
		fprintf(stderr, "   %u of them in the overflow hash\n", ovf);
	}
	mgm_dp_close(big);
	CHECK_EQ(mgm_dp_unpin(o.pin_root), 0, "unpin");
}

static uint64_t if_cnt(uint32_t ifindex, size_t off)
{
	struct mgm_dp_if_counters c = { 0 };

	mgm_dp_if_counters(dp, ifindex, &c);
	return *(const uint64_t *)((const char *)&c + off);
}

#define IFC(f) offsetof(struct mgm_dp_if_counters, f)

/* The tc forwarder (mgm_tc_fwd) on one frame arriving on ifindex. */
static void run_tc(const uint8_t *pkt, size_t len, uint32_t ifindex,
		   struct run *r)
{
	struct __sk_buff ctx = { .ifindex = ifindex };
	LIBBPF_OPTS(bpf_test_run_opts, o, .data_in = pkt, .data_size_in = len,
		    .data_out = r->out, .data_size_out = sizeof(r->out),
		    .ctx_in = &ctx, .ctx_size_in = sizeof(ctx), .repeat = 1);

	r->err = bpf_prog_test_run_opts(mgm_dp_tc_fwd_prog_fd(dp), &o);
	r->verdict = o.retval;
	r->out_len = o.data_size_out;
}

/*
 * The tc path: what the kernel says about each interface, and the tc
 * forwarder making real copies (bpf_clone_redirect) judged per interface
 * (MTU, TTL threshold, release), into the counters the XDP path uses.
 */
static void test_tc_path(void)
{
	uint32_t set[3] = { if_o1, if_o2, if_t1 };
	struct pkt_spec small = HIT(.dst = G2, .payload = 172);
	struct pkt_spec big = HIT(.dst = G2, .payload = 1200);
	struct mgm_counters before, after;
	uint64_t o1, o2, t1, o2f, t1f, t1t;
	uint8_t pkt[2048];
	struct run r;
	size_t len;
	char cmd[128];

	check_begin("tc path");
	CHECK_EQ(mgm_dp_if_tx(dp, if_o1), MGM_DP_TX_XDP, "o1 by xdp");
	CHECK_EQ(mgm_dp_if_tx(dp, if_t1), MGM_DP_TX_TC, "t1 by tc");
	CHECK_EQ(mgm_dp_mfe_install(dp, ip4(S1), ip4(G2), if_in, set, 3), 0,
		 "install {o1,o2,t1}");
	/* Every member, also the XDP ones, is a copy of the tc path. */
	o1 = if_cnt(if_o1, IFC(out_packets));
	o2 = if_cnt(if_o2, IFC(out_packets));
	t1 = if_cnt(if_t1, IFC(out_packets));
	len = pkt_build(pkt, sizeof(pkt), &small);
	before = counters();
	run_tc(pkt, len, if_in, &r);
	after = counters();
	CHECK_EQ(r.err, 0, "tc test_run");
	CHECK_EQ(r.verdict, 4 /* TC_ACT_STOLEN */, "original consumed");
	CHECK_EQ(cnt_at(&after, CNT(tc_fanout)) -
			 cnt_at(&before, CNT(tc_fanout)),
		 1, "tc_fanout counted");
	CHECK_EQ(if_cnt(if_o1, IFC(out_packets)) - o1, 1, "o1 got a copy");
	CHECK_EQ(if_cnt(if_o2, IFC(out_packets)) - o2, 1, "o2 got a copy");
	CHECK_EQ(if_cnt(if_t1, IFC(out_packets)) - t1, 1, "t1 got a copy");

	/* MTU per copy: o2 at 1000, t1 at 1100, a 1228-byte packet. */
	snprintf(cmd, sizeof(cmd),
		 "ip link set o2 mtu 1000; ip link set t1 mtu 1100");
	sh(cmd);
	CHECK_EQ(mgm_dp_if_refresh(dp, if_o2), 0, "refresh o2");
	CHECK_EQ(mgm_dp_if_refresh(dp, if_t1), 0, "refresh t1");
	o1 = if_cnt(if_o1, IFC(out_packets));
	o2 = if_cnt(if_o2, IFC(out_packets));
	t1 = if_cnt(if_t1, IFC(out_packets));
	o2f = if_cnt(if_o2, IFC(frag_needed));
	t1f = if_cnt(if_t1, IFC(frag_needed));
	len = pkt_build(pkt, sizeof(pkt), &big);
	run_tc(pkt, len, if_in, &r);
	CHECK_EQ(if_cnt(if_o1, IFC(out_packets)) - o1, 1, "big: o1 copy");
	CHECK_EQ(if_cnt(if_o2, IFC(out_packets)) - o2, 0, "big: none to o2");
	CHECK_EQ(if_cnt(if_t1, IFC(out_packets)) - t1, 0, "big: none to t1");
	CHECK_EQ(if_cnt(if_o2, IFC(frag_needed)) - o2f, 1, "o2 frag_needed");
	CHECK_EQ(if_cnt(if_t1, IFC(frag_needed)) - t1f, 1, "t1 frag_needed");
	/* The XDP program hands it to tc (the smallest MTU is 1000). */
	before = counters();
	run_prog(pkt, len, if_in, &r);
	after = counters();
	CHECK_EQ(r.verdict, XDP_PASS, "big: xdp passes to tc");
	CHECK_EQ(cnt_at(&after, CNT(to_tc)) - cnt_at(&before, CNT(to_tc)), 1,
		 "big: to_tc");
	sh("ip link set o2 mtu 1500; ip link set t1 mtu 1500");
	mgm_dp_if_refresh(dp, if_o2);
	mgm_dp_if_refresh(dp, if_t1);

	/* TTL threshold per interface on the tc path. */
	CHECK_EQ(mgm_dp_if_set(dp, if_t1, 64), 0, "t1 threshold 64");
	t1t = if_cnt(if_t1, IFC(ttl_too_low));
	t1 = if_cnt(if_t1, IFC(out_packets));
	len = pkt_build(pkt, sizeof(pkt), &small); /* ttl 64: not above */
	run_tc(pkt, len, if_in, &r);
	CHECK_EQ(if_cnt(if_t1, IFC(ttl_too_low)) - t1t, 1, "t1 ttl_too_low");
	CHECK_EQ(if_cnt(if_t1, IFC(out_packets)) - t1, 0, "t1 no copy");
	mgm_dp_if_set(dp, if_t1, 1);

	/* Released: nothing more to t1, from the tc path either. */
	CHECK_EQ(mgm_dp_release_if(dp, if_t1) >= 1, 1, "release t1");
	t1 = if_cnt(if_t1, IFC(out_packets));
	o1 = if_cnt(if_o1, IFC(out_packets));
	run_tc(pkt, len, if_in, &r);
	CHECK_EQ(if_cnt(if_t1, IFC(out_packets)) - t1, 0, "released: no copy");
	CHECK_EQ(if_cnt(if_o1, IFC(out_packets)) - o1, 1, "others still");

	/* Where the kernel cannot tell (no netdev family): tc, for any. */
	{
		struct mgm_dp_if_caps caps;

		setenv("MGM_NO_FEATURES", "netdev-genl", 1);
		CHECK_EQ(mgm_dp_if_probe(if_o1, &caps), 0, "probe o1");
		unsetenv("MGM_NO_FEATURES");
		CHECK(caps.servable && !caps.from_kernel &&
			      caps.tx == MGM_DP_TX_TC,
		      "no netdev family: o1 by tc (%s)", caps.why);
		CHECK_EQ(mgm_dp_if_probe(if_o1, &caps), 0, "probe o1 again");
		CHECK(caps.from_kernel && caps.tx == MGM_DP_TX_XDP,
		      "with it: o1 by xdp (%s)", caps.why);
		CHECK_EQ(mgm_dp_if_probe(if_nametoindex("lo"), &caps), 0,
			 "probe lo");
		CHECK(!caps.servable && strstr(caps.why, "not an Ethernet"),
		      "lo refused with the reason (%s)", caps.why);
		CHECK_EQ(mgm_dp_mfe_install(
				 dp, ip4(S2), ip4(G2), if_in,
				 (uint32_t[]){ if_nametoindex("lo") }, 1),
			 -EOPNOTSUPP, "an out-set with lo is refused");
	}

	/*
	 * The kernel's answer follows the device: GRO on t1's peer gives t1
	 * ndo-xmit.  No RTM_NEWLINK of t1 says so; the netdev family's
	 * notification does, and housekeeping (at most once a second)
	 * applies it.
	 */
	sh("ethtool -K t1p gro on >/dev/null");
	usleep(1100000);
	mgm_dp_maintain(dp);
	CHECK_EQ(mgm_dp_if_tx(dp, if_t1), MGM_DP_TX_XDP,
		 "t1 by xdp now, from the notification");
	sh("ethtool -K t1p gro off >/dev/null");
	usleep(1100000);
	mgm_dp_maintain(dp);
	CHECK_EQ(mgm_dp_if_tx(dp, if_t1), MGM_DP_TX_TC, "t1 by tc again");
	sh("ethtool -K t1p gro on >/dev/null");
	CHECK_EQ(mgm_dp_if_refresh(dp, if_t1), 0, "refresh t1");
	CHECK_EQ(mgm_dp_if_tx(dp, if_t1), MGM_DP_TX_XDP, "refresh: t1 by xdp");
	sh("ethtool -K t1p gro off >/dev/null");
	CHECK_EQ(mgm_dp_if_refresh(dp, if_t1), 0, "refresh t1 again");
	CHECK_EQ(mgm_dp_if_tx(dp, if_t1), MGM_DP_TX_TC, "refresh: t1 by tc");
	mgm_dp_mfe_delete(dp, ip4(S1), ip4(G2));
	{
		uint32_t set_tc[2] = { if_o1, if_t1 };

		mgm_dp_mfe_install(dp, ip4(S1), ip4(G_TC), if_in, set_tc, 2);
	}
}

/* ------------------------------------------------------------------ */
/* IPv6                                                                 */

static struct in6_addr ip6(const char *s)
{
	struct in6_addr a;

	inet_pton(AF_INET6, s, &a);
	return a;
}

/* Install (s, g) from iif to oifs[n] (n == 0: negative). */
static int inst6(const char *s, const char *g, uint32_t iif,
		 const uint32_t *oifs, uint32_t n)
{
	struct in6_addr a = ip6(s), b = ip6(g);

	return mgm_dp_mfe6_install(dp, &a, &b, iif, oifs, n);
}

static int del6(const char *s, const char *g)
{
	struct in6_addr a = ip6(s), b = ip6(g);

	return mgm_dp_mfe6_delete(dp, &a, &b);
}

static struct mgm_dp_mfe_counters cnt6(const char *s, const char *g)
{
	struct in6_addr a = ip6(s), b = ip6(g);
	struct mgm_dp_mfe_counters c;

	memset(&c, 0, sizeof(c));
	if (mgm_dp_mfe6_counters(dp, &a, &b, &c))
		memset(&c, 0xff, sizeof(c));
	return c;
}

static int mfe6_raw(const char *s, const char *g, struct mgm_mfe6_val *v)
{
	struct in6_addr a = ip6(s), b = ip6(g);
	struct mgm_mfe6_key key;

	memcpy(key.source, &a, 16);
	memcpy(key.group, &b, 16);
	return pinned_elem(MGM_MAP_MFE6, &key, v, false);
}

/* A forward: hop limit - 1, every other byte as it was (no checksum). */
static void check_forwarded6(const struct run *r, const uint8_t *in, size_t len,
			     const char *name)
{
	size_t hl_off = PKT6_L3_OFF + 7, i;
	bool same = r->out_len == len;

	CHECK(r->out_len == len, "%s: length %u != %zu", name, r->out_len, len);
	if (!same)
		return;
	CHECK_EQ(r->out[hl_off], (uint8_t)(in[hl_off] - 1),
		 "hop limit decremented");
	for (i = 0; i < len; i++) {
		if (i != hl_off && r->out[i] != in[i]) {
			same = false;
			break;
		}
	}
	CHECK(same, "%s: byte %zu changed", name, i);
}

/* Extension headers, their next-header fields written here. */
#define UDP_ 17
static const uint8_t hbh_ra[8] = { UDP_, 0, 5, 2, 0, 0, 1, 0 };
static const uint8_t hbh_ra_icmp[8] = { 58, 0, 5, 2, 0, 0, 1, 0 };
static const uint8_t hbh_pad[8] = { UDP_, 0, 1, 4, 0, 0, 0, 0 };
static const uint8_t hbh_pad1s[8] = { UDP_, 0, 0, 0, 0, 0, 0, 0 };
/* An option whose length runs past the 8-byte header. */
static const uint8_t hbh_bad_opt[8] = { UDP_, 0, 1, 10, 0, 0, 0, 0 };
/* A 72-byte Hop-by-Hop header: more options than the walk reads. */
static const uint8_t hbh_long[72] = { UDP_, 8, 1, 68 };
/* Destination options, then a Fragment header (offset 0, M), then UDP. */
static const uint8_t do_frag[16] = { 44,   0, 1,    4,	  0, 0, 0,    0,
				     UDP_, 0, 0x00, 0x01, 0, 0, 0x12, 0x34 };
static const uint8_t frag_first[8] = { UDP_, 0, 0x00, 0x01, 0, 0, 0x12, 0x34 };
/* Offset 185 (x 8 bytes), no M: the last fragment; no UDP header. */
static const uint8_t frag_later[8] = { UDP_, 0, 0x05, 0xc8, 0, 0, 0x12, 0x34 };
/* A later fragment whose next header says ICMPv6 type 143 bytes follow:
 * not an upper-layer header, forwarded like any fragment. */
static const uint8_t frag_later_icmp[8] = { 58, 0, 0x05, 0xc8, 0, 0, 0, 1 };
static const uint8_t routing[8] = { UDP_, 0, 0, 0, 0, 0, 0, 0 };
static const uint8_t ah[12] = { UDP_, 1, 0, 0, 0, 0, 0, 1, 0, 0, 0, 1 };
/* Six destination-options headers: the most the walk takes. */
static const uint8_t do6[48] = {
	60, 0, 1, 4, 0, 0, 0, 0, 60,   0, 1, 4, 0, 0, 0, 0,
	60, 0, 1, 4, 0, 0, 0, 0, 60,   0, 1, 4, 0, 0, 0, 0,
	60, 0, 1, 4, 0, 0, 0, 0, UDP_, 0, 1, 4, 0, 0, 0, 0,
};
/* Seven: one more than it takes. */
static const uint8_t do7[56] = {
	60, 0, 1,  4, 0, 0,  0, 0, 60, 0, 1,	4, 0, 0,  0, 0, 60, 0, 1,
	4,  0, 0,  0, 0, 60, 0, 1, 4,  0, 0,	0, 0, 60, 0, 1, 4,  0, 0,
	0,  0, 60, 0, 1, 4,  0, 0, 0,  0, UDP_, 0, 1, 4,  0, 0, 0,  0,
};
/* Hop-by-Hop after a destination-options header: not allowed. */
static const uint8_t do_hbh[16] = { 0,	  0, 1, 4, 0, 0, 0, 0,
				    UDP_, 0, 1, 4, 0, 0, 0, 0 };
/* Destination options saying 88 bytes, in a shorter packet. */
static const uint8_t do_long[8] = { UDP_, 10, 1, 4, 0, 0, 0, 0 };

struct row6 {
	const char *name;
	struct pkt6_spec spec;
	enum on_if on;
	uint32_t verdict;
	size_t counter;
	uint32_t event;
};

#define EXT(a) .ext = a, .ext_len = sizeof(a)

static const struct row6 rows6[] = {
	{ "v6 hit", HIT6(), ON_IN, XDP_REDIRECT, CNT(forwarded), 0 },
	{ "v6 hop limit 2", HIT6(.hlim = 2), ON_IN, XDP_REDIRECT,
	  CNT(forwarded), 0 },
	{ "v6 hop limit 255", HIT6(.hlim = 255), ON_IN, XDP_REDIRECT,
	  CNT(forwarded), 0 },
	{ "v6 frame padded past payload length", HIT6(.plen_delta = -6), ON_IN,
	  XDP_REDIRECT, CNT(forwarded), 0 },
	{ "v6 hop limit 1", HIT6(.hlim = 1), ON_IN, XDP_PASS, CNT(ttl_expired),
	  0 },
	{ "v6 hop limit 0", HIT6(.hlim = 0), ON_IN, XDP_PASS, CNT(ttl_expired),
	  0 },
	{ "v6 negative entry", HIT6(.dst = G6_NEG), ON_IN, XDP_DROP,
	  CNT(negative), 0 },
	/* Entries exist for these three: the scope rule comes first. */
	{ "v6 scope 1 ff01::db8:1", HIT6(.dst = "ff01::db8:1"), ON_IN, XDP_PASS,
	  CNT(pass_scope6), 0 },
	{ "v6 scope 2 ff02::db8:1", HIT6(.dst = "ff02::db8:1"), ON_IN, XDP_PASS,
	  CNT(pass_scope6), 0 },
	{ "v6 scope 0 ff00::db8:1", HIT6(.dst = "ff00::db8:1"), ON_IN, XDP_PASS,
	  CNT(pass_scope6), 0 },
	{ "v6 scope 2 with flags ff32::db8:1", HIT6(.dst = "ff32::db8:1"),
	  ON_IN, XDP_PASS, CNT(pass_scope6), 0 },
	{ "v6 link-local source", HIT6(.src = "fe80::1"), ON_IN, XDP_PASS,
	  CNT(pass_scope6), 0 },
	{ "v6 link-local source febf::", HIT6(.src = "febf::1"), ON_IN,
	  XDP_PASS, CNT(pass_scope6), 0 },
	{ "v6 unspecified source", HIT6(.src = "::"), ON_IN, XDP_PASS,
	  CNT(pass_scope6), 0 },
	{ "v6 loopback source", HIT6(.src = "::1"), ON_IN, XDP_PASS,
	  CNT(pass_scope6), 0 },
	{ "v6 source ::2 is no special one (a miss)", HIT6(.src = "::2"), ON_IN,
	  XDP_PASS, CNT(no_entry), MGM_DP_EV_MISS },
	{ "v6 site-local source fec0:: (a miss)", HIT6(.src = "fec0::1"), ON_IN,
	  XDP_PASS, CNT(no_entry), MGM_DP_EV_MISS },
	{ "v6 multicast source", HIT6(.src = "ff0e::1"), ON_IN, XDP_PASS,
	  CNT(malformed), 0 },
	{ "v6 unicast", HIT6(.dst = "2001:db8::99"), ON_IN, XDP_PASS,
	  CNT(pass_not_mcast), 0 },
	{ "v6 hop-by-hop router alert", HIT6(.nh = 0, EXT(hbh_ra)), ON_IN,
	  XDP_PASS, CNT(pass_ra), 0 },
	{ "v6 MLDv2 report (RA, ICMPv6 143)",
	  HIT6(.nh = 0, EXT(hbh_ra_icmp), .upper = 58, .icmp_type = 143,
	       .hlim = 1),
	  ON_IN, XDP_PASS, CNT(pass_ra), 0 },
	{ "v6 MLD query without RA", HIT6(.upper = 58, .icmp_type = 130), ON_IN,
	  XDP_PASS, CNT(pass_mld), 0 },
	{ "v6 MLDv1 report without RA", HIT6(.upper = 58, .icmp_type = 131),
	  ON_IN, XDP_PASS, CNT(pass_mld), 0 },
	{ "v6 MLDv1 done without RA", HIT6(.upper = 58, .icmp_type = 132),
	  ON_IN, XDP_PASS, CNT(pass_mld), 0 },
	{ "v6 MLDv2 report without RA", HIT6(.upper = 58, .icmp_type = 143),
	  ON_IN, XDP_PASS, CNT(pass_mld), 0 },
	{ "v6 ICMPv6 echo request", HIT6(.upper = 58, .icmp_type = 128), ON_IN,
	  XDP_REDIRECT, CNT(forwarded), 0 },
	{ "v6 hop-by-hop PadN, no RA", HIT6(.nh = 0, EXT(hbh_pad)), ON_IN,
	  XDP_REDIRECT, CNT(forwarded), 0 },
	{ "v6 hop-by-hop Pad1s, no RA", HIT6(.nh = 0, EXT(hbh_pad1s)), ON_IN,
	  XDP_REDIRECT, CNT(forwarded), 0 },
	{ "v6 dest-opts + fragment + UDP", HIT6(.nh = 60, EXT(do_frag)), ON_IN,
	  XDP_REDIRECT, CNT(forwarded), 0 },
	{ "v6 first fragment", HIT6(.nh = 44, EXT(frag_first)), ON_IN,
	  XDP_REDIRECT, CNT(forwarded), 0 },
	{ "v6 later fragment", HIT6(.nh = 44, EXT(frag_later)), ON_IN,
	  XDP_REDIRECT, CNT(forwarded), 0 },
	{ "v6 later fragment saying ICMPv6",
	  HIT6(.nh = 44, EXT(frag_later_icmp), .upper = 58, .icmp_type = 143),
	  ON_IN, XDP_REDIRECT, CNT(forwarded), 0 },
	{ "v6 routing header", HIT6(.nh = 43, EXT(routing)), ON_IN,
	  XDP_REDIRECT, CNT(forwarded), 0 },
	{ "v6 authentication header", HIT6(.nh = 51, EXT(ah)), ON_IN,
	  XDP_REDIRECT, CNT(forwarded), 0 },
	{ "v6 six extension headers", HIT6(.nh = 60, EXT(do6)), ON_IN,
	  XDP_REDIRECT, CNT(forwarded), 0 },
	{ "v6 seven extension headers", HIT6(.nh = 60, EXT(do7)), ON_IN,
	  XDP_PASS, CNT(pass_ext6), 0 },
	{ "v6 hop-by-hop longer than the walk", HIT6(.nh = 0, EXT(hbh_long)),
	  ON_IN, XDP_PASS, CNT(pass_ext6), 0 },
	{ "v6 hop-by-hop option past its header",
	  HIT6(.nh = 0, EXT(hbh_bad_opt)), ON_IN, XDP_PASS, CNT(malformed), 0 },
	{ "v6 hop-by-hop not first", HIT6(.nh = 60, EXT(do_hbh)), ON_IN,
	  XDP_PASS, CNT(malformed), 0 },
	{ "v6 extension header past the payload", HIT6(.nh = 60, EXT(do_long)),
	  ON_IN, XDP_PASS, CNT(malformed), 0 },
	{ "v6 payload length beyond frame", HIT6(.plen_delta = 1), ON_IN,
	  XDP_PASS, CNT(malformed), 0 },
	{ "v6 version 4", HIT6(.version = 4), ON_IN, XDP_PASS, CNT(malformed),
	  0 },
	{ "v6 too big for the out-set", HIT6(.payload = 1600), ON_IN, XDP_TO_TC,
	  CNT(too_big), 0 },
	{ "v6 out-set with a tc member", HIT6(.dst = G6_TC), ON_IN, XDP_TO_TC,
	  CNT(to_tc), 0 },
	{ "v6 miss", HIT6(.src = S6B), ON_IN, XDP_PASS, CNT(no_entry),
	  MGM_DP_EV_MISS },
	{ "v6 wrong interface", HIT6(), ON_O3, XDP_PASS, CNT(wrong_if),
	  MGM_DP_EV_WRONG_IF },
};

static void test_table6(void)
{
	unsigned int i, j;

	for (i = 0; i < sizeof(rows6) / sizeof(rows6[0]); i++) {
		const struct row6 *t = &rows6[i];
		struct mgm_counters before, after;
		uint8_t pkt[2048];
		struct run r;
		size_t len;

		check_begin(t->name);
		len = pkt6_build(pkt, sizeof(pkt), &t->spec);
		CHECK(len > 0, "%s: build", t->name);
		drain_events();
		before = counters();
		run_prog(pkt, len, t->on == ON_IN ? if_in : if_o3, &r);
		after = counters();
		CHECK_EQ(r.err, 0, "test_run");
		CHECK(r.verdict ==
			      (t->verdict == XDP_TO_TC ? XDP_PASS : t->verdict),
		      "%s: verdict %u, want %u", t->name, r.verdict,
		      t->verdict);
		if (t->verdict == XDP_TO_TC) {
			const struct mgm_xdp_meta *m = (const void *)r.out;
			struct mgm_oset_list l;
			struct run f = r;

			CHECK(r.out_len == len + sizeof(*m) &&
				      m->magic == MGM_XDP_META_MAGIC,
			      "%s: no metadata (%u bytes out)", t->name,
			      r.out_len);
			CHECK(!oset_list_raw(m->oset, &l) && l.n > 0 &&
				      (uint16_t)l.gen == m->gen,
			      "%s: metadata names slot %u", t->name, m->oset);
			memmove(f.out, r.out + sizeof(*m), len);
			f.out_len = r.out_len - sizeof(*m);
			check_forwarded6(&f, pkt, len, t->name);
		} else if (t->verdict == XDP_REDIRECT) {
			check_forwarded6(&r, pkt, len, t->name);
		} else {
			check_bytes_same(&r, pkt, len, t->name);
		}
		CHECK_EQ(after.rx - before.rx, 1, "rx counted");
		CHECK_EQ(after.rx6 - before.rx6, 1, "rx6 counted");
		CHECK_EQ(after.forwarded6 - before.forwarded6,
			 t->verdict == XDP_REDIRECT || t->verdict == XDP_TO_TC,
			 "forwarded6");
		for (j = 0; j < sizeof(verdict_counters) / sizeof(size_t);
		     j++) {
			size_t off = verdict_counters[j];
			uint64_t d = cnt_at(&after, off) - cnt_at(&before, off);

			CHECK(d == (off == t->counter),
			      "%s: counter at %zu moved by %llu", t->name, off,
			      (unsigned long long)d);
		}
		drain_events();
		CHECK_EQ(n_evs, 0, "no IPv4 event");
		if (t->event) {
			struct in6_addr s = ip6(t->spec.src),
					g = ip6(t->spec.dst);

			CHECK(n_evs6 == 1 && evs6[0].type == t->event,
			      "%s: %d events, want one of type %u", t->name,
			      n_evs6, t->event);
			if (n_evs6 == 1) {
				CHECK(evs6[0].source.family == MGM_AF_INET6 &&
					      !memcmp(evs6[0].source.v6, &s,
						      16),
				      "event source");
				CHECK(!memcmp(evs6[0].group.v6, &g, 16),
				      "event group");
				CHECK_EQ(evs6[0].ifindex,
					 t->on == ON_IN ? if_in : if_o3,
					 "event ifindex");
				CHECK_EQ(evs6[0].ip_len, len - PKT6_L3_OFF,
					 "event ip_len");
				CHECK(evs6[0].hdr_len ==
						      (len - PKT6_L3_OFF <
								       MGM_EVENT_HDR_MAX ?
							       len - PKT6_L3_OFF :
							       MGM_EVENT_HDR_MAX) &&
					      !memcmp(evs6[0].hdr,
						      pkt + PKT6_L3_OFF, 40),
				      "%s: event carries the IPv6 header",
				      t->name);
			}
		} else {
			CHECK(n_evs6 == 0, "%s: unexpected %d events", t->name,
			      n_evs6);
		}
	}
}

/*
 * Every cut of a frame through its IPv6 and extension headers is never
 * forwarded and never modified: (a) the frame cut, the payload length
 * as it was (longer than the frame); (b) the payload length cut with it,
 * so that the header being cut runs past the payload.
 */
static void test_truncation6(void)
{
	static const struct pkt6_spec specs[] = {
		HIT6(),
		HIT6(.nh = 0, EXT(hbh_pad)),
		HIT6(.nh = 0, EXT(hbh_ra)),
		HIT6(.nh = 60, EXT(do_frag)),
		HIT6(.nh = 51, EXT(ah)),
		HIT6(.nh = 43, EXT(routing)),
		HIT6(.nh = 60, EXT(do6)),
		HIT6(.upper = 58, .icmp_type = 143),
	};
	unsigned int k, bad = 0, runs = 0;
	size_t cut;

	check_begin("v6 truncated frames");
	for (k = 0; k < sizeof(specs) / sizeof(specs[0]); k++) {
		uint8_t pkt[256], t[256];
		size_t len = pkt6_build(pkt, sizeof(pkt), &specs[k]);
		size_t hdrs = PKT6_L3_OFF + 40 + specs[k].ext_len;

		for (cut = 0; cut < hdrs + 8 && cut < len; cut++) {
			struct run r;
			int v;

			for (v = 0; v < 2; v++) {
				memcpy(t, pkt, cut);
				/* (b): the payload length ends at the cut. */
				if (v && cut >= PKT6_L3_OFF + 6) {
					if (cut >= hdrs)
						continue; /* headers whole */
					t[PKT6_L3_OFF + 4] = 0;
					t[PKT6_L3_OFF + 5] =
						cut > PKT6_L3_OFF + 40 ?
							cut - PKT6_L3_OFF - 40 :
							0;
				}
				run_prog(t, cut, if_in, &r);
				if (r.err) {
					CHECK(cut < ETH_HLEN &&
						      r.err == -EINVAL,
					      "cut %zu: test_run error %d", cut,
					      r.err);
					continue;
				}
				runs++;
				if (r.verdict != XDP_PASS || r.out_len != cut ||
				    memcmp(r.out, t, cut)) {
					bad++;
					fprintf(stderr,
						"   spec %u cut %zu (%s): verdict %u\n",
						k, cut,
						v ? "payload cut" : "frame cut",
						r.verdict);
				}
			}
		}
	}
	CHECK(runs > 500, "cuts run: %u", runs);
	CHECK_EQ(bad, 0, "every cut passed untouched");
	drain_events();
}

/* The same (S,G) words in both families never meet. */
static void test_families_apart(void)
{
	/* Low 32 bits of each address: 192.0.2.1 and 239.1.1.1 (S1, G1). */
	const char *s = "2001:db8::c000:201", *g = "ff0e::ef01:101";
	struct pkt6_spec p6 = HIT6(.src = s, .dst = g);
	struct pkt_spec p4 = HIT();
	struct mgm_dp_mfe_counters a, b;
	uint8_t b6[256], b4[256];
	size_t l6 = pkt6_build(b6, sizeof(b6), &p6);
	size_t l4 = pkt_build(b4, sizeof(b4), &p4);
	struct run r;

	check_begin("IPv4 and IPv6 entries apart");
	drain_events();
	run_prog(b6, l6, if_in, &r);
	CHECK_EQ(r.verdict, XDP_PASS, "v6 packet: the v4 entry is not its");
	CHECK_EQ(drain_events(), 0, "no IPv4 event");
	CHECK_EQ(n_evs6, 1, "one IPv6 miss event");
	CHECK_EQ(inst6(s, g, if_in, NULL, 0), 0, "v6 negative entry");
	mgm_dp_mfe_counters(dp, ip4(S1), ip4(G1), &a);
	run_prog(b6, l6, if_in, &r);
	CHECK_EQ(r.verdict, XDP_DROP, "v6 packet: its own entry");
	run_prog(b4, l4, if_in, &r);
	CHECK_EQ(r.verdict, XDP_REDIRECT, "v4 packet: its own entry");
	mgm_dp_mfe_counters(dp, ip4(S1), ip4(G1), &b);
	CHECK_EQ(b.packets - a.packets, 1, "v4 entry counted the v4 packet");
	CHECK_EQ(b.negative, a.negative, "and not the v6 one");
	CHECK_EQ(cnt6(s, g).negative, 1, "v6 entry counted the v6 packet");
	CHECK_EQ(cnt6(s, g).packets, 1, "and only it");
	CHECK_EQ(del6(s, g), 0, "delete v6");
	run_prog(b4, l4, if_in, &r);
	CHECK_EQ(r.verdict, XDP_REDIRECT, "v4 untouched by the v6 delete");
	CHECK(mgm_dp_mfe_delete(dp, ip4("0.0.2.1"), ip4("0.1.1.1")) == -ENOENT,
	      "no v4 entry of the v6 key's words");
	drain_events();
}

static void test_events6(void)
{
	struct pkt6_spec miss = HIT6(.src = "2001:db8::77", .dst = G6);
	struct mgm_counters c0, c1;
	uint8_t pkt[256];
	struct run r;
	size_t len = pkt6_build(pkt, sizeof(pkt), &miss);
	int i;

	check_begin("v6 miss dedupe");
	drain_events();
	c0 = counters();
	for (i = 0; i < 5; i++)
		run_prog(pkt, len, if_in, &r);
	c1 = counters();
	drain_events();
	CHECK_EQ(n_evs6, 1, "one miss event for five packets");
	CHECK_EQ(c1.ev_dedup - c0.ev_dedup, 4, "four deduplicated");
	CHECK_EQ(c1.no_entry - c0.no_entry, 5, "five misses counted");
	CHECK_EQ(inst6(miss.src, miss.dst, if_in, &if_o1, 1), 0, "install");
	run_prog(pkt, len, if_in, &r);
	CHECK_EQ(r.verdict, XDP_REDIRECT, "installed: forwarded");
	CHECK_EQ(del6(miss.src, miss.dst), 0, "delete");
	run_prog(pkt, len, if_in, &r);
	drain_events();
	CHECK_EQ(n_evs6, 1, "miss reported again after a delete");

	/* One callback for both families: the event says which. */
	check_begin("v6 events in the core's terms");
	mgm_dp_set_config(dp, 0, 20, 0);
	usleep(50 * 1000);
	run_prog(pkt, len, if_in, &r);
	drain_events();
	CHECK_EQ(n_evs, 0, "no IPv4 event");
	CHECK(n_evs6 == 1 && evs6[0].type == MGM_DP_EV_MISS &&
		      evs6[0].source.family == MGM_AF_INET6 &&
		      evs6[0].group.family == MGM_AF_INET6 &&
		      !evs6[0].source.reserved && evs6[0].ifindex == if_in,
	      "one miss of family IPv6 from in0");
	{
		struct in6_addr g = ip6(G6);

		CHECK(n_evs6 == 1 && !memcmp(evs6[0].group.v6, &g, 16),
		      "its group");
	}
	mgm_dp_set_config(dp, 0, 0, 0);
}

/*
 * Counters exact across in-place changes of a v6 entry (out-set switch,
 * RPF change, negative and back); a deleted entry is dead, a miss, until
 * its grace period; release covers v6 entries.
 */
static void test_inplace6(void)
{
	const char *g = "ff0e::6:1";
	uint32_t a[2] = { if_o1, if_o2 }, b[2] = { if_o2, if_o3 };
	struct pkt6_spec s = HIT6(.dst = g, .payload = 50);
	struct mgm_mfe6_val v0, v1;
	struct mgm_dp_mfe_counters k;
	struct mgm_counters c0, c1;
	uint8_t pkt[256];
	size_t len = pkt6_build(pkt, sizeof(pkt), &s);
	uint64_t want = 0;
	struct run r;
	int i;

#define RUN6(ifx, n, verd, what)                                   \
	do {                                                       \
		int bad_ = 0;                                      \
		for (i = 0; i < (n); i++) {                        \
			run_prog(pkt, len, ifx, &r);               \
			bad_ += r.verdict != (verd);               \
		}                                                  \
		CHECK(!bad_, "%s: %d of %d not %u", what, bad_, n, \
		      (unsigned)(verd));                           \
	} while (0)

	check_begin("v6 in-place changes keep the counters");
	CHECK_EQ(inst6(S6, g, if_in, a, 2), 0, "install");
	CHECK_EQ(mfe6_raw(S6, g, &v0), 0, "raw element");
	RUN6(if_in, 5, XDP_REDIRECT, "set {o1,o2}");
	want += 5;
	CHECK_EQ(inst6(S6, g, if_in, b, 2), 0, "out-set switch");
	CHECK_EQ(mfe6_raw(S6, g, &v1), 0, "raw element");
	CHECK(v1.e.oset != v0.e.oset, "another slot (%u -> %u)", v0.e.oset,
	      v1.e.oset);
	CHECK_EQ(v1.e.packets, want, "packets in the element kept");
	RUN6(if_in, 3, XDP_REDIRECT, "set {o2,o3}");
	want += 3;
	CHECK_EQ(inst6(S6, g, if_o1, b, 2), 0, "iif change");
	RUN6(if_in, 1, XDP_PASS, "old iif is the wrong one now");
	RUN6(if_o1, 4, XDP_REDIRECT, "new iif");
	want += 5;
	CHECK_EQ(inst6(S6, g, if_o1, NULL, 0), 0, "negative");
	RUN6(if_o1, 2, XDP_DROP, "negative drops");
	want += 2;
	CHECK_EQ(inst6(S6, g, if_o1, a, 2), 0, "positive again");
	RUN6(if_o1, 1, XDP_REDIRECT, "forwarded again");
	want += 1;
	k = cnt6(S6, g);
	CHECK_EQ(k.packets, want, "exact packets across every change");
	CHECK_EQ(k.bytes, want * (40 + 8 + 50), "bytes = 40 + payload length");
	CHECK_EQ(k.wrong_if, 1, "wrong_if");
	CHECK_EQ(k.negative, 2, "negative");
	CHECK_EQ(mfe6_raw(S6, g, &v1), 0, "raw element");
	CHECK(v1.e.stats == v0.e.stats && v1.e.iif == if_o1 && v1.e.mtu,
	      "stats slot kept, iif %u, mtu %u", v1.e.iif, v1.e.mtu);

	check_begin("v6 deleted entry until the grace period");
	CHECK_EQ(del6(S6, g), 0, "delete");
	CHECK_EQ(mfe6_raw(S6, g, &v1), 0, "element still there");
	CHECK(v1.e.flags & MGM_MFE_F_DEAD, "marked dead (%#x)", v1.e.flags);
	CHECK_EQ(cnt6(S6, g).packets, UINT64_MAX, "no counters when deleted");
	drain_events();
	c0 = counters();
	RUN6(if_o1, 2, XDP_PASS, "dead entry is a miss");
	c1 = counters();
	CHECK_EQ(c1.no_entry - c0.no_entry, 2, "counted as no entry");
	drain_events();
	CHECK_EQ(n_evs6, 1, "one miss event");
	CHECK_EQ(mfe6_raw(S6, g, &v0), 0, "raw element");
	CHECK_EQ(v0.e.packets, v1.e.packets, "nothing counted into it");
	CHECK_EQ(mgm_dp_sync(dp), 0, "grace period");
	CHECK(mfe6_raw(S6, g, &v1) == -ENOENT, "gone after the grace period");

	check_begin("v6 release");
	CHECK_EQ(inst6(S6, "ff0e::6:2", if_o2, &if_o3, 1), 0, "iif o2");
	CHECK_EQ(inst6(S6, "ff0e::6:3", if_o1, &if_o2, 1), 0, "oif o2 only");
	CHECK(mgm_dp_release_if(dp, if_o2) >= 2, "release o2");
	CHECK(cnt6(S6, "ff0e::6:2").packets == UINT64_MAX, "iif o2: deleted");
	{
		struct pkt6_spec s3 = HIT6(.dst = "ff0e::6:3");

		len = pkt6_build(pkt, sizeof(pkt), &s3);
		run_prog(pkt, len, if_o1, &r);
		CHECK_EQ(r.verdict, XDP_DROP, "left without oifs: negative");
	}
	del6(S6, "ff0e::6:3");
	{
		uint32_t set12[2] = { if_o1, if_o2 };

		mgm_dp_mfe_install(dp, ip4(S1), ip4(G1), if_in, set12, 2);
		mgm_dp_mfe_install_flags(dp, ip4(S1), ip4(G_KA), if_in, set12,
					 2, MGM_MFE_F_KERNEL_KEEPALIVE);
		CHECK_EQ(inst6(S6, G6, if_in, set12, 2), 0, "restore G6");
	}
	drain_events();
#undef RUN6
}

/* The tc path and the egress program judge IPv6 copies by hop limit. */
static void test_tc_egress6(void)
{
	uint32_t set[3] = { if_o1, if_o2, if_t1 };
	struct pkt6_spec s = HIT6(.dst = "ff0e::6:4", .payload = 100);
	uint64_t o1, o2, t1, t1t, o2t;
	uint8_t pkt[512];
	struct run r;
	size_t len;

	check_begin("v6 tc path");
	CHECK_EQ(inst6(S6, s.dst, if_in, set, 3), 0, "install {o1,o2,t1}");
	o1 = if_cnt(if_o1, IFC(out_packets));
	o2 = if_cnt(if_o2, IFC(out_packets));
	t1 = if_cnt(if_t1, IFC(out_packets));
	len = pkt6_build(pkt, sizeof(pkt), &s);
	run_tc(pkt, len, if_in, &r);
	CHECK_EQ(r.err, 0, "tc test_run");
	CHECK_EQ(r.verdict, 4 /* TC_ACT_STOLEN */, "original consumed");
	CHECK_EQ(if_cnt(if_o1, IFC(out_packets)) - o1, 1, "o1 got a copy");
	CHECK_EQ(if_cnt(if_o2, IFC(out_packets)) - o2, 1, "o2 got a copy");
	CHECK_EQ(if_cnt(if_t1, IFC(out_packets)) - t1, 1, "t1 got a copy");
	CHECK_EQ(cnt6(S6, s.dst).packets, 1, "entry counted it");
	/* Hop limit 64 is not above a threshold of 64. */
	CHECK_EQ(mgm_dp_if_set(dp, if_t1, 64), 0, "t1 threshold 64");
	t1t = if_cnt(if_t1, IFC(ttl_too_low));
	t1 = if_cnt(if_t1, IFC(out_packets));
	run_tc(pkt, len, if_in, &r);
	CHECK_EQ(if_cnt(if_t1, IFC(ttl_too_low)) - t1t, 1, "t1 ttl_too_low");
	CHECK_EQ(if_cnt(if_t1, IFC(out_packets)) - t1, 0, "t1 no copy");
	pkt[PKT6_L3_OFF + 7] = 65;
	run_tc(pkt, len, if_in, &r);
	CHECK_EQ(if_cnt(if_t1, IFC(out_packets)) - t1, 1, "hop limit 65: copy");
	mgm_dp_if_set(dp, if_t1, 1);
	/* Each copy on its own MTU: IPv6 is never fragmented either. */
	{
		struct pkt6_spec big = HIT6(.dst = s.dst, .payload = 1200);
		uint8_t bp[2048];
		size_t bl = pkt6_build(bp, sizeof(bp), &big);
		uint64_t o2f;

		sh("ip link set o2 mtu 1000");
		CHECK_EQ(mgm_dp_if_refresh(dp, if_o2), 0, "refresh o2");
		o1 = if_cnt(if_o1, IFC(out_packets));
		o2 = if_cnt(if_o2, IFC(out_packets));
		o2f = if_cnt(if_o2, IFC(frag_needed));
		run_tc(bp, bl, if_in, &r);
		CHECK_EQ(if_cnt(if_o1, IFC(out_packets)) - o1, 1,
			 "big: o1 copy");
		CHECK_EQ(if_cnt(if_o2, IFC(out_packets)) - o2, 0,
			 "big: none to o2 (1248 > 1000)");
		CHECK_EQ(if_cnt(if_o2, IFC(frag_needed)) - o2f, 1,
			 "o2 frag_needed");
		run_prog(bp, bl, if_in, &r);
		CHECK_EQ(r.verdict, XDP_PASS, "big: XDP hands it to tc");
		CHECK(r.out_len == bl + sizeof(struct mgm_xdp_meta),
		      "big: marked for the tc path");
		sh("ip link set o2 mtu 1500");
		mgm_dp_if_refresh(dp, if_o2);
	}
	/* Hop limit 1 on the tc forwarder as in XDP. */
	pkt[PKT6_L3_OFF + 7] = 1;
	run_tc(pkt, len, if_in, &r);
	CHECK_EQ(r.verdict, 0 /* TC_ACT_OK */, "tc: hop limit 1 passed");
	CHECK_EQ(del6(S6, s.dst), 0, "delete");

	check_begin("v6 egress program (live frames)");
	{
		uint32_t set2[2] = { if_o1, if_o2 };
		struct xdp_md ctx = { .ingress_ifindex = if_in };
		LIBBPF_OPTS(bpf_test_run_opts, o, .ctx_in = &ctx,
			    .ctx_size_in = sizeof(ctx), .repeat = 1,
			    .flags = BPF_F_TEST_XDP_LIVE_FRAMES);
		struct pkt6_spec e = HIT6(.dst = "ff0e::6:5");

		CHECK_EQ(inst6(S6, e.dst, if_in, set2, 2), 0,
			 "install {o1,o2}");
		CHECK_EQ(mgm_dp_if_set(dp, if_o2, 64), 0, "o2 threshold 64");
		len = pkt6_build(pkt, sizeof(pkt), &e);
		ctx.data_end = len; /* the kernel wants the frame's size */
		o.data_in = pkt;
		o.data_size_in = len;
		o1 = if_cnt(if_o1, IFC(out_packets));
		o2 = if_cnt(if_o2, IFC(out_packets));
		o2t = if_cnt(if_o2, IFC(ttl_too_low));
		CHECK_EQ(bpf_prog_test_run_opts(prog_fd, &o), 0,
			 "live run, hop limit 64");
		CHECK_EQ(if_cnt(if_o1, IFC(out_packets)) - o1, 1, "o1 copy");
		CHECK_EQ(if_cnt(if_o2, IFC(out_packets)) - o2, 0, "o2 none");
		CHECK_EQ(if_cnt(if_o2, IFC(ttl_too_low)) - o2t, 1,
			 "o2 ttl_too_low by hop limit");
		pkt[PKT6_L3_OFF + 7] = 65;
		CHECK_EQ(bpf_prog_test_run_opts(prog_fd, &o), 0,
			 "live run, hop limit 65");
		CHECK_EQ(if_cnt(if_o2, IFC(out_packets)) - o2, 1,
			 "hop limit 65: o2 copy");
		mgm_dp_if_set(dp, if_o2, 1);
		CHECK_EQ(del6(S6, e.dst), 0, "delete");
	}
}

/* The IPv6 entries of the set-up, gone before the IPv4 tests that count. */
static void test_cleanup6(void)
{
	static const char *const groups[] = { G6,
					      G6_NEG,
					      G6_TC,
					      "ff01::db8:1",
					      "ff02::db8:1",
					      "ff00::db8:1",
					      "ff32::db8:1" };
	unsigned int i;

	check_begin("v6 entries deleted");
	for (i = 0; i < sizeof(groups) / sizeof(groups[0]); i++)
		CHECK_EQ(del6(S6, groups[i]), 0, groups[i]);
	CHECK_EQ(mgm_dp_mfe6_count(dp), 0, "no v6 entry left");
	CHECK_EQ(mgm_dp_sync(dp), 0, "grace period");
}

int main(void)
{
	struct mgm_dp_opts o = { .mfe_max = 4096, .oset_max = 48 };
	uint32_t set12[2];
	char cmd[256];
	int i;

	/* One CPU: an entry hit from several counts elsewhere (above). */
	if (sched_getaffinity(0, sizeof(cpus_all), &cpus_all))
		return 1;
	for (i = 0; i < CPU_SETSIZE && !CPU_ISSET(i, &cpus_all); i++)
		;
	if (pin_cpu(i))
		return 1;
	if (unshare(CLONE_NEWNET)) {
		perror("unshare(CLONE_NEWNET) (needs root)");
		return 1;
	}
	sh("ip link set lo up");
	sh("ip link add in0 type veth peer name in0p");
	for (i = 1; i <= 3; i++) {
		snprintf(cmd, sizeof(cmd),
			 "ip link add o%d type veth peer name o%dp", i, i);
		sh(cmd);
	}
	/* Interfaces for distinct out-sets in the pool test. */
	for (i = 0; i <= 64; i++) {
		snprintf(cmd, sizeof(cmd),
			 "ip link add px%d type veth peer name py%d", i, i);
		sh(cmd);
	}
	sh("for d in in0 in0p o1 o1p o2 o2p o3 o3p; do ip link set $d up; done");
	/*
	 * With GRO on its peer a veth takes XDP redirects, and the kernel
	 * says so (xdp-features ndo-xmit): these are XDP members.
	 */
	sh("for d in o1p o2p o3p; do ethtool -K $d gro on >/dev/null; done");
	sh("for i in $(seq 0 64); do ethtool -K py$i gro on >/dev/null; done");
	/* t1: a veth whose peer has neither XDP nor GRO, a tc member. */
	sh("ip link add t1 type veth peer name t1p");
	sh("ip link set t1 up; ip link set t1p up");
	if_in = if_nametoindex("in0");
	if_o1 = if_nametoindex("o1");
	if_o2 = if_nametoindex("o2");
	if_o3 = if_nametoindex("o3");
	if_t1 = if_nametoindex("t1");

	snprintf(pin_root, sizeof(pin_root), "/sys/fs/bpf/mgm-bpftest-%d",
		 getpid());
	o.pin_root = pin_root;
	if (mgm_dp_open(&o, &dp)) {
		fprintf(stderr, "cannot open the datapath\n");
		return 1;
	}
	prog_fd = mgm_dp_prog_fd(dp);
	set12[0] = if_o1;
	set12[1] = if_o2;
	CHECK_EQ(mgm_dp_mfe_install(dp, ip4(S1), ip4(G1), if_in, set12, 2), 0,
		 "install S1,G1");
	CHECK_EQ(mgm_dp_mfe_install(dp, ip4(S1), ip4(G_NEG), if_in, NULL, 0), 0,
		 "install negative");
	CHECK_EQ(mgm_dp_mfe_install_flags(dp, ip4(S1), ip4(G_KA), if_in, set12,
					  2, MGM_MFE_F_KERNEL_KEEPALIVE),
		 0, "install keepalive entry");
	{
		uint32_t set_tc[2] = { if_o1, if_t1 };

		CHECK_EQ(mgm_dp_mfe_install(dp, ip4(S1), ip4(G_TC), if_in,
					    set_tc, 2),
			 0, "install G_TC");
	}

	CHECK_EQ(mgm_dp_mfe6_max(dp), mgm_dp_mfe_max(dp), "v6 capacity");
	{
		uint32_t set_tc[2] = { if_o1, if_t1 };
		static const char *const scoped[] = { "ff01::db8:1",
						      "ff02::db8:1",
						      "ff00::db8:1",
						      "ff32::db8:1" };

		CHECK_EQ(inst6(S6, G6, if_in, set12, 2), 0, "install v6");
		CHECK_EQ(inst6(S6, G6_NEG, if_in, NULL, 0), 0, "v6 negative");
		CHECK_EQ(inst6(S6, G6_TC, if_in, set_tc, 2), 0, "v6 G6_TC");
		for (i = 0; i < 4; i++)
			CHECK_EQ(inst6(S6, scoped[i], if_in, set12, 2), 0,
				 scoped[i]);
	}

	test_table();
	test_table6();
	test_truncation6();
	test_families_apart();
	test_events6();
	test_inplace6();
	test_tc_egress6();
	test_cleanup6();
	test_tc_path();
	test_truncation();
	test_dedupe_and_rate_limits();
	test_keepalive();
	test_entry_counters();
	test_replace_keeps_counters();
	test_inplace_counters();
	test_recycled_and_dead();
	test_tab_probe();
	test_last_used();
	test_oset_pool();
	test_slot_generation();
	test_table_full();
	test_release();
	test_event_fd();
	test_shared_counters();
	test_adopt();
	test_million();

	mgm_dp_close(dp);
	CHECK_EQ(mgm_dp_unpin(pin_root), 0, "unpin");
	return check_summary();
}
