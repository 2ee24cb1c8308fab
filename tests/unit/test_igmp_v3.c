// SPDX-License-Identifier: GPL-2.0
/*
 * test_igmp_v3.c - RFC 3376 router state, row by row: the current-state
 * (6.4.1) and state-change (6.4.2) tables for INCLUDE and EXCLUDE groups,
 * the queries they send (Q(G), Q(G,A) with their retransmissions and the
 * S flag of 6.6.3), source and group timer expiry (6.3, 6.5), older
 * version compatibility (7.3.2), SSM (RFC 4604), link-local groups, and
 * the limits.
 *
 * States are written as the RFC does: "IN{a,b}", "EX{X}{Y}" (requested
 * list, exclude list).  Timers (fi_opts): GMI 22 s, LMQI 1 s, LMQC 2, so
 * LMQT 2 s.  Sources a..e are 192.0.2.1..5; the host is 10.0.1.20.
 */
#include <string.h>
#include <arpa/inet.h>

#include "check.h"
#include "fake_igmp_io.h"

#define IF1 1U
#define H A("10.0.1.20")
#define G A("239.1.1.1")

static struct fake_igmp f;

#define CHECK_STATE(want, what)                                               \
	do {                                                                  \
		const char *got_ = fi_state(&f, IF1, G);                      \
		CHECK(!strcmp(got_, want), "%s: got %s, want %s", what, got_, \
		      want);                                                  \
	} while (0)

/* "a b" -> "192.0.2.1 192.0.2.2" */
static const char *S(const char *letters)
{
	static char buf[8][200];
	static int k;
	char *b = buf[k++ % 8];

	b[0] = 0;
	for (; *letters; letters++) {
		char one[20];

		if (*letters == ' ')
			continue;
		snprintf(one, sizeof(one), "%s192.0.2.%d", b[0] ? " " : "",
			 *letters - 'a' + 1);
		strcat(b, one);
	}
	return b;
}

static void rec(uint8_t type, const char *letters)
{
	fi_send_v3(&f, IF1, H, type, G, S(letters));
}

static long timer(char src)
{
	char a[20];

	snprintf(a, sizeof(a), "192.0.2.%d", src - 'a' + 1);
	return fi_src_timer(&f, IF1, G, A(a));
}

static uint32_t gtimer(void)
{
	struct igmp_group_info gi;

	return fi_group(&f, IF1, G, &gi) ? gi.timer_ms : 0;
}

static void setup(void)
{
	CHECK_EQ(fi_init(&f, NULL), 0, "init");
	CHECK_EQ(igmp_if_enable(f.g, IF1, 3), 0, "enable");
	fi_advance(&f, 3000); /* past the startup queries */
	fi_tx_clear(&f);
}

/* EXCLUDE(X, Y) from nothing: IS_EX(Y) gives EX{}{Y}, ALLOW(X) adds X. */
static void ex_state(const char *x, const char *y)
{
	rec(2, y);
	if (*x)
		rec(5, x);
}

/* The last query sent: its sources as letters ("a c"), and its S flag. */
static const char *last_q(bool *s_flag)
{
	static char buf[64];
	struct fi_query q;
	uint32_t k;

	buf[0] = 0;
	if (!f.ntx || !fi_parse_tx(&f.tx[f.ntx - 1], &q))
		return "none";
	for (k = 0; k < q.nsrc; k++) {
		char one[4] = { (char)('a' + (ntohl(q.src[k]) & 0xff) - 1), 0 };

		if (k)
			strcat(buf, " ");
		strcat(buf, one);
	}
	if (s_flag)
		*s_flag = q.s_flag;
	return q.group ? buf : "general";
}

static void test_current_state(void)
{
	check_begin("6.4.1 current-state records");
	setup();
	rec(1, "a b");
	CHECK_STATE("IN{192.0.2.1,192.0.2.2}", "INCLUDE from IS_IN");
	fi_advance(&f, 5000);
	rec(1, "b c");
	CHECK_STATE("IN{192.0.2.1,192.0.2.2,192.0.2.3}", "IN(A) IS_IN(B)");
	CHECK(timer('a') == 17000 && timer('b') == 22000 && timer('c') == 22000,
	      "(B) = GMI, A untouched: %ld %ld %ld", timer('a'), timer('b'),
	      timer('c'));
	CHECK_EQ(f.ntx, 0, "no query");
	fi_fini(&f);

	setup();
	rec(1, "a b");
	fi_advance(&f, 5000);
	rec(2, "b c");
	CHECK_STATE("EX{192.0.2.2}{192.0.2.3}", "IN(A) IS_EX(B) = EX(A*B,B-A)");
	CHECK_EQ(timer('b'), 17000, "A*B keeps its timer");
	CHECK_EQ(timer('c'), 0, "(B-A) = 0");
	CHECK_EQ(timer('a'), -1, "Delete (A-B)");
	CHECK_EQ(gtimer(), 22000, "Group Timer = GMI");
	fi_fini(&f);

	setup();
	ex_state("a", "b");
	CHECK_STATE("EX{192.0.2.1}{192.0.2.2}", "EXCLUDE(X,Y) set up");
	rec(1, "b c");
	CHECK_STATE("EX{192.0.2.1,192.0.2.2,192.0.2.3}{}",
		    "EX(X,Y) IS_IN(A) = EX(X+A, Y-A)");
	CHECK(timer('b') == 22000 && timer('c') == 22000, "(A) = GMI");
	fi_fini(&f);

	setup();
	ex_state("a b", "c d");
	fi_advance(&f, 5000);
	rec(2, "b d e");
	CHECK_STATE("EX{192.0.2.2,192.0.2.5}{192.0.2.4}",
		    "EX(X,Y) IS_EX(A) = EX(A-Y, Y*A)");
	CHECK_EQ(timer('e'), 22000, "(A-X-Y) = GMI");
	CHECK_EQ(timer('b'), 17000, "X*A keeps its timer");
	CHECK(timer('a') == -1 && timer('c') == -1, "Delete X-A, Y-A");
	CHECK_EQ(gtimer(), 22000, "Group Timer = GMI");
	CHECK_EQ(f.ntx, 0, "current-state records send no query");
	fi_fini(&f);
}

static void test_include_changes(void)
{
	bool s;

	check_begin("6.4.2 state changes, INCLUDE");
	setup();
	rec(1, "a b");
	rec(5, "c");
	CHECK_STATE("IN{192.0.2.1,192.0.2.2,192.0.2.3}", "IN(A) ALLOW(B)");
	CHECK_EQ(timer('c'), 22000, "(B) = GMI");
	fi_fini(&f);

	setup();
	rec(1, "a b");
	rec(6, "b c");
	CHECK_STATE("IN{192.0.2.1,192.0.2.2}", "IN(A) BLOCK(B) = IN(A)");
	CHECK_EQ(fi_count_tx(&f, IF1, 's'), 1, "Send Q(G, A*B)");
	CHECK(!strcmp(last_q(&s), "b") && !s, "... for b, S clear: %s",
	      last_q(NULL));
	CHECK_EQ(timer('b'), 2000, "b lowered to LMQT");
	CHECK_EQ(timer('a'), 22000, "a not");
	fi_advance(&f, 1000);
	CHECK_EQ(fi_count_tx(&f, IF1, 's'), 2, "retransmitted after LMQI");
	fi_advance(&f, 999);
	CHECK_EQ(fi_count_tx(&f, IF1, 's'), 2, "LMQC queries in all");
	CHECK_STATE("IN{192.0.2.1,192.0.2.2}", "b still there");
	fi_advance(&f, 1);
	CHECK_STATE("IN{192.0.2.1}", "b expired: deleted");
	fi_fini(&f);

	setup();
	rec(1, "a b");
	rec(4, "b c");
	CHECK_STATE("EX{192.0.2.2}{192.0.2.3}", "IN(A) TO_EX(B) = EX(A*B,B-A)");
	CHECK_EQ(gtimer(), 22000, "Group Timer = GMI");
	CHECK(!strcmp(last_q(NULL), "b"), "Send Q(G, A*B)");
	CHECK_EQ(timer('b'), 2000, "b lowered");
	fi_advance(&f, 2000);
	CHECK_STATE("EX{}{192.0.2.2,192.0.2.3}",
		    "b expired in EXCLUDE mode: moved to Y");
	fi_fini(&f);

	setup();
	rec(1, "a b");
	rec(3, "b c");
	CHECK_STATE("IN{192.0.2.1,192.0.2.2,192.0.2.3}", "IN(A) TO_IN(B)");
	CHECK(!strcmp(last_q(NULL), "a"), "Send Q(G, A-B)");
	CHECK(timer('a') == 2000 && timer('b') == 22000 && timer('c') == 22000,
	      "a lowered, (B) = GMI");
	CHECK_EQ(fi_count_tx(&f, IF1, 'g'), 0, "no Q(G) in INCLUDE mode");
	fi_fini(&f);
}

static void test_exclude_changes(void)
{
	check_begin("6.4.2 state changes, EXCLUDE");
	setup();
	ex_state("a", "b");
	rec(5, "b c");
	CHECK_STATE("EX{192.0.2.1,192.0.2.2,192.0.2.3}{}", "EX ALLOW(A)");
	CHECK_EQ(timer('b'), 22000, "(A) = GMI");
	fi_fini(&f);

	setup();
	ex_state("a", "b");
	fi_advance(&f, 5000);
	rec(6, "a b c");
	CHECK_STATE("EX{192.0.2.1,192.0.2.3}{192.0.2.2}",
		    "EX(X,Y) BLOCK(A) = EX(X+(A-Y), Y)");
	CHECK(!strcmp(last_q(NULL), "a c"), "Send Q(G, A-Y): %s", last_q(NULL));
	CHECK(timer('a') == 2000 && timer('c') == 2000,
	      "(A-X-Y) = Group Timer, then lowered by the query");
	CHECK_EQ(gtimer(), 17000, "group timer untouched");
	fi_fini(&f);

	setup();
	ex_state("a", "b");
	fi_advance(&f, 5000);
	rec(4, "b c");
	CHECK_STATE("EX{192.0.2.3}{192.0.2.2}",
		    "EX(X,Y) TO_EX(A) = EX(A-Y, Y*A)");
	CHECK_EQ(timer('a'), -1, "Delete (X-A)");
	CHECK(!strcmp(last_q(NULL), "c"), "Send Q(G, A-Y)");
	CHECK_EQ(timer('c'), 2000, "c lowered");
	CHECK_EQ(gtimer(), 22000, "Group Timer = GMI");
	fi_fini(&f);

	setup();
	ex_state("a", "b");
	rec(3, "c");
	CHECK_STATE("EX{192.0.2.1,192.0.2.3}{192.0.2.2}",
		    "EX(X,Y) TO_IN(A) = EX(X+A, Y-A)");
	CHECK_EQ(fi_count_tx(&f, IF1, 's'), 1, "Send Q(G, X-A)");
	CHECK_EQ(fi_count_tx(&f, IF1, 'g'), 1, "Send Q(G)");
	CHECK(timer('a') == 2000 && timer('c') == 22000, "a lowered");
	CHECK_EQ(gtimer(), 2000, "Group Timer lowered to LMQT");
	fi_advance(&f, 2000);
	CHECK_EQ(fi_count_tx(&f, IF1, 'g'), 2, "Q(G) sent LMQC times");
	CHECK_STATE("IN{192.0.2.3}",
		    "6.5: group timer expired: INCLUDE of the running ones");
	fi_advance(&f, 20000);
	CHECK_STATE("-", "and c expired: no state");
	fi_fini(&f);

	setup();
	rec(2, "");
	fi_advance(&f, 21999);
	CHECK_STATE("EX{}{}", "EXCLUDE({}) lives a GMI");
	fi_advance(&f, 1);
	CHECK_STATE("-", "then goes (no source running)");
	fi_fini(&f);
}

static void test_s_flag(void)
{
	bool s = false;

	check_begin("6.6.3 S flag on retransmissions");
	setup();
	rec(1, "a b");
	rec(6, "a");
	CHECK(!strcmp(last_q(&s), "a") && !s, "first Q(G,a): S clear");
	rec(1, "a"); /* a host still wants a: timer back to GMI */
	fi_advance(&f, 1000);
	CHECK(!strcmp(last_q(&s), "a") && s,
	      "retransmission: timer > LMQT, S set");
	fi_fini(&f);

	setup();
	rec(2, "");
	rec(3, "");
	CHECK(!strcmp(last_q(&s), "") && !s, "Q(G), S clear");
	rec(2, "");
	fi_advance(&f, 1000);
	CHECK(!strcmp(last_q(&s), "") && s, "after a report: S set");
	CHECK_STATE("EX{}{}", "and the group stays");
	fi_fini(&f);
}

static void test_compat(void)
{
	struct igmp_group_info gi;
	struct igmp_if_info ii;

	check_begin("7.3.2 compatibility modes");
	setup();
	fi_send_v12(&f, IF1, A("10.0.1.21"), 0x16, G);
	CHECK(fi_group(&f, IF1, G, &gi) && gi.compat == 2, "v2 host: mode 2");
	CHECK_EQ(gi.v2_host_ms, 22000, "older host present interval");
	CHECK_STATE("EX{}{}", "v2 report = IS_EX({})");
	CHECK(gi.last_reporter == A("10.0.1.21"), "last reporter");
	rec(6, "a");
	CHECK_STATE("EX{}{}", "BLOCK ignored in v2 mode");
	CHECK(fi_if(&f, IF1, &ii) && ii.cnt.rec_compat == 1, "counted");
	rec(4, "a");
	CHECK_STATE("EX{}{}", "TO_EX(a) taken as TO_EX({})");
	/* The v3 host keeps the group alive; the v2 host goes quiet. */
	fi_advance(&f, 15000);
	rec(2, "a");
	fi_advance(&f, 7000);
	CHECK(fi_group(&f, IF1, G, &gi) && gi.compat == 3,
	      "v2 host timer expired: back to v3");
	rec(6, "b");
	CHECK(!strcmp(last_q(NULL), "b"), "BLOCK acted on again");
	fi_fini(&f);

	setup();
	fi_send_v12(&f, IF1, A("10.0.1.21"), 0x12, G);
	CHECK(fi_group(&f, IF1, G, &gi) && gi.compat == 1, "v1 host: mode 1");
	CHECK(fi_if(&f, IF1, &ii) && ii.cnt.rx_no_ra == 1,
	      "v1 report without RA accepted");
	fi_send_v12(&f, IF1, A("10.0.1.22"), 0x17, G);
	CHECK_EQ(fi_count_tx(&f, IF1, 'g'), 0, "leave ignored in v1 mode");
	CHECK_EQ(gtimer(), 22000, "timer untouched");
	fi_advance(&f, 22000);
	CHECK_STATE("-", "v1 member gone after GMI");
	fi_fini(&f);
}

static void test_v2_interface(void)
{
	struct igmp_group_info gi;
	struct igmp_if_info ii;

	check_begin("IGMPv2 interface");
	CHECK_EQ(fi_init(&f, NULL), 0, "init");
	CHECK_EQ(igmp_if_enable(f.g, IF1, 2), 0, "enable v2");
	fi_advance(&f, 3000);
	fi_tx_clear(&f);
	rec(2, "");
	CHECK_STATE("-", "v3 report ignored by a v2 router");
	CHECK(fi_if(&f, IF1, &ii) && ii.cnt.ignored_version == 1, "counted");
	fi_send_v12(&f, IF1, H, 0x16, G);
	CHECK(fi_group(&f, IF1, G, &gi) && gi.compat == 2, "group in v2 mode");
	fi_send_v12(&f, IF1, H, 0x17, G);
	CHECK_EQ(fi_count_tx(&f, IF1, 'g'), 1, "leave: v2 group query");
	CHECK(f.tx[0].len == 8 && f.tx[0].dst == G, "8 bytes, to the group");
	fi_advance(&f, 1000);
	CHECK_EQ(fi_count_tx(&f, IF1, 'g'), 2, "LMQC of them");
	fi_advance(&f, 1000);
	CHECK_STATE("-", "left after LMQT");
	fi_fini(&f);
}

static void test_scope_and_limits(void)
{
	struct igmp_opts o = fi_opts();
	struct igmp_if_info ii;
	uint32_t ssm = A("232.1.1.1");

	check_begin("SSM, link-local, limits");
	setup();
	fi_send_v3(&f, IF1, H, 2, ssm, "");
	fi_send_v12(&f, IF1, H, 0x16, ssm);
	CHECK(!strcmp(fi_state(&f, IF1, ssm), "-"),
	      "ASM joins in the SSM range ignored");
	fi_send_v3(&f, IF1, H, 5, ssm, "192.0.2.1");
	CHECK(!strcmp(fi_state(&f, IF1, ssm), "IN{192.0.2.1}"),
	      "source-specific join accepted");
	fi_send_v12(&f, IF1, H, 0x17, ssm);
	CHECK_EQ(fi_count_tx(&f, IF1, 's'), 0, "v2 leave ignored there");
	fi_send_v3(&f, IF1, H, 4, ssm, "192.0.2.2");
	CHECK(!strcmp(fi_state(&f, IF1, ssm), "IN{192.0.2.1}"),
	      "TO_EX ignored there");
	CHECK(fi_if(&f, IF1, &ii) && ii.cnt.rec_ssm == 3, "counted: %llu",
	      (unsigned long long)ii.cnt.rec_ssm);
	fi_send_v12(&f, IF1, H, 0x16, A("224.0.0.251"));
	fi_send_v3(&f, IF1, H, 2, A("224.0.0.22"), "");
	CHECK(!strcmp(fi_state(&f, IF1, A("224.0.0.251")), "-"),
	      "no state for link-local groups");
	CHECK(fi_if(&f, IF1, &ii) && ii.cnt.rec_local == 2, "counted");
	fi_fini(&f);

	o.asm_in_ssm_range = true;
	o.max_groups = 2;
	o.max_sources = 4;
	CHECK_EQ(fi_init(&f, &o), 0, "init");
	igmp_if_enable(f.g, IF1, 3);
	fi_send_v3(&f, IF1, H, 2, ssm, "");
	CHECK(!strcmp(fi_state(&f, IF1, ssm), "EX{}{}"),
	      "ASM in the SSM range when configured");
	rec(1, "a b c d e");
	CHECK_STATE("IN{192.0.2.1,192.0.2.2,192.0.2.3,192.0.2.4}",
		    "4 sources at most");
	fi_send_v3(&f, IF1, H, 2, A("239.9.9.9"), "");
	CHECK(!strcmp(fi_state(&f, IF1, A("239.9.9.9")), "-"),
	      "2 groups at most");
	CHECK(fi_if(&f, IF1, &ii) && ii.cnt.rec_limit == 2, "both counted");
	fi_fini(&f);
}

static void test_non_querier(void)
{
	check_begin("non-querier: no Q(G,A), no lowering of its own");
	setup();
	fi_send_query(&f, IF1, A("10.0.0.9"), 3, 0, 100, false, 2, 10, "");
	fi_tx_clear(&f);
	rec(1, "a b");
	rec(6, "a");
	CHECK_EQ(f.ntx, 0, "nothing sent");
	CHECK_EQ(timer('a'), 22000, "timer left to the querier's queries");
	fi_fini(&f);

	/* Without the querier's lowering the "= Group Timer" rows show. */
	setup();
	fi_send_query(&f, IF1, A("10.0.0.9"), 3, 0, 100, false, 2, 10, "");
	ex_state("a", "b");
	fi_advance(&f, 5000);
	rec(4, "b c");
	CHECK_STATE("EX{192.0.2.3}{192.0.2.2}", "EX TO_EX(A)");
	CHECK_EQ(timer('c'), 17000, "(A-X-Y) = Group Timer (not GMI)");
	CHECK_EQ(gtimer(), 22000, "then Group Timer = GMI");
	rec(6, "d");
	CHECK_EQ(timer('d'), 22000, "BLOCK: (A-X-Y) = Group Timer");
	CHECK_EQ(f.ntx, 0, "nothing sent");
	fi_fini(&f);
}

int main(void)
{
	test_current_state();
	test_include_changes();
	test_exclude_changes();
	test_s_flag();
	test_compat();
	test_v2_interface();
	test_scope_and_limits();
	test_non_querier();
	return check_summary();
}
