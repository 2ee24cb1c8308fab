// SPDX-License-Identifier: GPL-2.0
/*
 * mcsink - counting receiver that checks mcsend's frames on the wire.
 *
 * A UDP socket would only show what the local stack accepted, after it
 * dropped frames with a bad IPv4 checksum and hid the TTL and the Ethernet
 * source.  The router under test rewrites exactly those fields, so mcsink
 * reads whole frames from an AF_PACKET socket instead and checks them: IPv4
 * header checksum, TTL, source MAC and UDP length, plus loss, duplicates and
 * reordering from the sequence numbers that mcsend puts in every payload.
 *
 * With --join it is also a group member: it joins the group on the
 * interface through the kernel (so the host's IGMP reports it, as any
 * receiving application would), optionally source-specific (INCLUDE) or
 * with blocked sources (EXCLUDE), and can leave and join again while it
 * keeps counting -- what a test of a router's IGMP needs.
 *
 * IPv6: an IPv6 -g makes it count IPv6 frames (hop limit for TTL, no
 * header checksum to check) and join through MLD instead.
 *
 * Only libc is used so that the tool runs anywhere the tests run.
 */
#include <arpa/inet.h>
#include <endian.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <inttypes.h>
#include <linux/if_ether.h>
#include <linux/if_packet.h>
#include <math.h>
#include <net/if.h>
#include <netinet/in.h>
#include <netinet/ip.h>
#include <netinet/udp.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

static volatile sig_atomic_t stop, dump, toggle;
static const char *prog = "mcsink";

#include "mctool.h"

#define RCVBUF_BYTES (8 * 1024 * 1024)
#define BATCH 64 /* frames per recvmmsg */
#define FRAME_BUF 2048 /* enough for a 1500-byte MTU; longer is truncated */

enum {
	OPT_EXPECT_TTL = 256,
	OPT_EXPECT_SMAC,
	OPT_IDLE,
	OPT_READY,
	OPT_JOIN,
	OPT_SOURCE,
	OPT_JOIN_EXCLUDE,
	OPT_LEAVE_AFTER,
};

#define MAX_FILTER_SOURCES 64

struct opts {
	const char *ifname;
	unsigned int ifindex;
	bool have_group;
	struct in_addr group;
	int family; /* AF_INET, or AF_INET6 with an IPv6 -g */
	struct in6_addr group6;
	bool have_port;
	uint16_t port;
	bool have_stream;
	uint32_t stream_id;
	int expect_ttl; /* -1: not checked */
	bool have_smac;
	uint8_t expect_smac[ETH_ALEN];
	const char *seqfile;
	uint64_t count;
	double duration;
	double idle;
	const char *ready;
	bool json;
	/* Membership (--join): INCLUDE sources or EXCLUDE (blocked) ones. */
	bool join;
	struct mc_addr include[MAX_FILTER_SOURCES];
	int n_include;
	struct mc_addr exclude[MAX_FILTER_SOURCES];
	int n_exclude;
	double leave_after;
};

struct stats {
	uint64_t received;
	uint64_t bad_csum;
	uint64_t bad_ttl;
	uint64_t bad_smac;
	uint64_t bad_len;
	uint64_t duplicates;
	uint64_t out_of_order;
	uint64_t first_seq;
	uint64_t last_seq;
	uint64_t max_seq;
	uint64_t min_send_ns;
	uint64_t max_send_ns;
	unsigned int last_ttl;
	uint8_t last_smac[ETH_ALEN];
	uint64_t sock_drops;
};

/*
 * Set of seen sequence numbers: 4 KiB bitmap pages (32768 seqs each) in an
 * open-addressing hash table keyed by seq / 32768.  Memory follows the
 * number of distinct pages touched, so a stray huge seq costs one page, not
 * a bitmap up to it.
 */
#define PAGE_SHIFT_SEQ 15
#define PAGE_WORDS ((1u << PAGE_SHIFT_SEQ) / 64)

struct seq_page {
	uint64_t key;
	uint64_t *bits; /* NULL: free slot */
};

struct seq_set {
	struct seq_page *slots;
	unsigned int order; /* table has 1 << order slots */
	size_t used;
	struct seq_page *last; /* consecutive seqs hit the same page */
};

static void on_signal(int sig)
{
	if (sig == SIGUSR1)
		dump = 1;
	else if (sig == SIGUSR2)
		toggle = 1;
	else
		stop = 1;
}

static const char usage_text[] =
	"Usage: mcsink -i IFNAME [options]\n"
	"\n"
	"Count and check the frames sent by mcsend as they arrive on\n"
	"IFNAME (AF_PACKET, so the IPv4 header and Ethernet source are\n"
	"seen exactly as on the wire).\n"
	"\n"
	"Filters (a frame is ours if it is IPv4 UDP -- IPv6 UDP with an\n"
	"IPv6 -g -- matches the filters given and its payload starts with\n"
	"the 'MGMT' magic):\n"
	"  -i, --interface IFNAME  interface to listen on (required)\n"
	"  -g, --group ADDR        IPv4 or IPv6 destination address\n"
	"  -p, --port PORT         UDP destination port\n"
	"  -S, --stream ID         stream id (decimal or 0x hex)\n"
	"Checks (failures are counted, the frame is still received):\n"
	"      --expect-ttl N      IPv4 TTL (IPv6 hop limit) must be N\n"
	"      --expect-smac MAC   Ethernet source must be MAC\n"
	"                          (aa:bb:cc:dd:ee:ff)\n"
	"  The IPv4 header checksum and the UDP length are always checked\n"
	"  (IPv6 has no header checksum: bad_csum stays 0).\n"
	"Output and control:\n"
	"  -o, --output SEQFILE    write 'seq send_ns recv_ns' per frame\n"
	"                          (CLOCK_MONOTONIC ns; flushed at exit)\n"
	"  -c, --count N           exit after N of our frames\n"
	"  -d, --duration SECONDS  exit after SECONDS\n"
	"      --idle SECONDS      exit after SECONDS without our frames\n"
	"                          (only once the first one arrived)\n"
	"      --ready FILE        create FILE once the socket listens\n"
	"                          (and, with --join, the group is joined)\n"
	"  -j, --json              print the summary as a JSON object\n"
	"  -h, --help              show this help\n"
	"Membership (the host's kernel then reports it with IGMP, or MLD\n"
	"for an IPv6 group):\n"
	"      --join              join -g GROUP on IFNAME (any source)\n"
	"      --source ADDR       join only this source (INCLUDE mode,\n"
	"                          IGMPv3/MLDv2, SSM); repeatable; implies\n"
	"                          --join\n"
	"      --join-exclude ADDR join, blocking this source (EXCLUDE\n"
	"                          mode); repeatable; implies --join\n"
	"      --leave-after SECONDS  leave the group after SECONDS (the\n"
	"                          count goes on)\n"
	"\n"
	"SIGINT/SIGTERM end the run; SIGUSR1 prints the current summary;\n"
	"SIGUSR2 leaves the group if joined, joins it again if not.\n"
	"The summary is one line on stdout; with -j a JSON object with the\n"
	"keys received, bad_csum, bad_ttl, bad_smac, bad_len, duplicates,\n"
	"out_of_order, first_seq, last_seq, max_seq, min_send_ns,\n"
	"max_send_ns, last_ttl, last_smac and sock_drops (frames the kernel\n"
	"dropped because mcsink was too slow; not only ours), and with\n"
	"--join joined_ns and left_ns (CLOCK_MONOTONIC of the last join and\n"
	"leave, 0 if none).  Values are 0\n"
	"(last_smac \"\") when nothing was received.  out_of_order counts\n"
	"frames whose seq is below the highest seq seen and not a duplicate.\n"
	"Exit status: 0 (also when nothing arrived), 1 on a system error,\n"
	"2 on bad arguments.\n"
	"\n"
	"Examples:\n"
	"  mcsink -i veth1 -g 239.1.1.1 -p 5000 --expect-ttl 15 -j -d 3\n"
	"  mcsink -i veth1 -g 232.1.1.1 -S 7 -c 1000 --idle 2 -o seq.txt \\\n"
	"      --expect-smac 02:00:00:00:00:01 --ready /tmp/sink.ready\n"
	"  mcsink -i eth0 -g 232.1.1.1 --source 192.0.2.1 --leave-after 5 -j\n"
	"  mcsink -i eth0 -g ff3e::db8:1 --source 2001:db8::1 -c 100 -j\n";

static void usage(FILE *f)
{
	fputs(usage_text, f);
}

static void __attribute__((noreturn)) die(const char *what)
{
	fprintf(stderr, "%s: %s: %s\n", prog, what, strerror(errno));
	exit(1);
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Exactly six two-digit hex bytes separated by ':' (or '-'). */
static bool parse_mac(const char *s, uint8_t mac[ETH_ALEN])
{
	int i, hi, lo;

	for (i = 0; i < ETH_ALEN; i++) {
		hi = hexval(s[0]);
		lo = hi < 0 ? -1 : hexval(s[1]);
		if (lo < 0)
			return false;
		mac[i] = hi << 4 | lo;
		s += 2;
		if (i < ETH_ALEN - 1) {
			if (*s != ':' && *s != '-')
				return false;
			s++;
		}
	}
	return *s == '\0';
}

static void format_mac(char *out, const uint8_t mac[ETH_ALEN])
{
	sprintf(out, "%02x:%02x:%02x:%02x:%02x:%02x", mac[0], mac[1], mac[2],
		mac[3], mac[4], mac[5]);
}

/* A unicast IPv4 or IPv6 address (a multicast source); 0 on success. */
static int parse_source(const char *s, struct mc_addr *a)
{
	if (!parse_addr(s, a) || mc_addr_multicast(a))
		return -1;
	if (a->family == AF_INET ? !a->v4.s_addr :
				   IN6_IS_ADDR_UNSPECIFIED(&a->v6))
		return -1;
	return 0;
}

static void parse_args(int argc, char **argv, struct opts *o)
{
	static const struct option longopts[] = {
		{ "interface", required_argument, NULL, 'i' },
		{ "group", required_argument, NULL, 'g' },
		{ "port", required_argument, NULL, 'p' },
		{ "stream", required_argument, NULL, 'S' },
		{ "expect-ttl", required_argument, NULL, OPT_EXPECT_TTL },
		{ "expect-smac", required_argument, NULL, OPT_EXPECT_SMAC },
		{ "output", required_argument, NULL, 'o' },
		{ "count", required_argument, NULL, 'c' },
		{ "duration", required_argument, NULL, 'd' },
		{ "idle", required_argument, NULL, OPT_IDLE },
		{ "ready", required_argument, NULL, OPT_READY },
		{ "join", no_argument, NULL, OPT_JOIN },
		{ "source", required_argument, NULL, OPT_SOURCE },
		{ "join-exclude", required_argument, NULL, OPT_JOIN_EXCLUDE },
		{ "leave-after", required_argument, NULL, OPT_LEAVE_AFTER },
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct mc_addr a;
	uint64_t v;
	int c, i;

	*o = (struct opts){ .expect_ttl = -1, .family = AF_INET };

	/* Leading ':' so that we print our own messages for bad options. */
	while ((c = getopt_long(argc, argv, ":i:g:p:S:o:c:d:jh", longopts,
				NULL)) != -1) {
		switch (c) {
		case 'i':
			o->ifname = optarg;
			break;
		case 'g':
			if (!parse_addr(optarg, &a))
				bad_arg("invalid group address '%s'", optarg);
			o->family = a.family;
			if (a.family == AF_INET)
				o->group = a.v4;
			else
				o->group6 = a.v6;
			o->have_group = true;
			break;
		case 'p':
			if (!parse_u64(optarg, 10, 65535, &v) || v == 0)
				bad_arg("invalid port '%s' (expected 1..65535)",
					optarg);
			o->port = v;
			o->have_port = true;
			break;
		case 'S':
			if (!parse_u64(optarg, 0, UINT32_MAX, &v))
				bad_arg("invalid stream id '%s' (expected 0..%u)",
					optarg, UINT32_MAX);
			o->stream_id = v;
			o->have_stream = true;
			break;
		case OPT_EXPECT_TTL:
			if (!parse_u64(optarg, 10, 255, &v))
				bad_arg("invalid TTL '%s' (expected 0..255)",
					optarg);
			o->expect_ttl = v;
			break;
		case OPT_EXPECT_SMAC:
			if (!parse_mac(optarg, o->expect_smac))
				bad_arg("invalid MAC '%s' (expected aa:bb:cc:dd:ee:ff)",
					optarg);
			o->have_smac = true;
			break;
		case 'o':
			o->seqfile = optarg;
			break;
		case 'c':
			if (!parse_u64(optarg, 10, UINT64_MAX, &o->count) ||
			    !o->count)
				bad_arg("invalid count '%s' (expected >= 1)",
					optarg);
			break;
		case 'd':
			if (!parse_seconds(optarg, &o->duration))
				bad_arg("invalid duration '%s' (expected seconds > 0)",
					optarg);
			break;
		case OPT_IDLE:
			if (!parse_seconds(optarg, &o->idle))
				bad_arg("invalid idle time '%s' (expected seconds > 0)",
					optarg);
			break;
		case OPT_READY:
			o->ready = optarg;
			break;
		case OPT_JOIN:
			o->join = true;
			break;
		case OPT_SOURCE:
		case OPT_JOIN_EXCLUDE: {
			bool inc = c == OPT_SOURCE;
			struct mc_addr *v = inc ? o->include : o->exclude;
			int *n = inc ? &o->n_include : &o->n_exclude;

			if (*n == MAX_FILTER_SOURCES)
				bad_arg("at most %d sources",
					MAX_FILTER_SOURCES);
			if (parse_source(optarg, &v[*n]))
				bad_arg("invalid source address '%s'", optarg);
			(*n)++;
			o->join = true;
			break;
		}
		case OPT_LEAVE_AFTER:
			if (!parse_seconds(optarg, &o->leave_after))
				bad_arg("invalid leave time '%s' (expected seconds > 0)",
					optarg);
			break;
		case 'j':
			o->json = true;
			break;
		case 'h':
			usage(stdout);
			exit(0);
		case ':':
			bad_arg("option '%s' needs an argument",
				argv[optind - 1]);
		default:
			if (optopt)
				bad_arg("unknown option '-%c'", optopt);
			bad_arg("unknown option '%s'", argv[optind - 1]);
		}
	}
	if (optind < argc)
		bad_arg("unexpected argument '%s'", argv[optind]);
	if (!o->ifname)
		bad_arg("missing -i IFNAME");
	if (o->n_include && o->n_exclude)
		bad_arg("--source and --join-exclude exclude each other");
	if (o->join &&
	    (!o->have_group ||
	     (o->family == AF_INET ? !IN_MULTICAST(ntohl(o->group.s_addr)) :
				     !IN6_IS_ADDR_MULTICAST(&o->group6))))
		bad_arg("--join needs a multicast -g GROUP");
	for (i = 0; i < o->n_include + o->n_exclude; i++)
		if ((i < o->n_include ? o->include[i] :
					o->exclude[i - o->n_include])
			    .family != o->family)
			bad_arg("sources must be of the family of -g GROUP");
	if (o->leave_after > 0 && !o->join)
		bad_arg("--leave-after needs --join");
	o->ifindex = if_nametoindex(o->ifname);
	if (!o->ifindex)
		bad_arg("unknown interface '%s'", o->ifname);
}

static size_t seq_slot(const struct seq_set *s, uint64_t key)
{
	/* Fibonacci hashing: consecutive keys spread over the table. */
	return (key * 0x9e3779b97f4a7c15ull) >> (64 - s->order);
}

static int seq_grow(struct seq_set *s)
{
	unsigned int order = s->order ? s->order + 1 : 6;
	struct seq_set n = { .order = order, .used = s->used };
	size_t i, j, size = (size_t)1 << order;

	n.slots = calloc(size, sizeof(*n.slots));
	if (!n.slots)
		return -1;
	for (i = 0; s->slots && i < ((size_t)1 << s->order); i++) {
		if (!s->slots[i].bits)
			continue;
		j = seq_slot(&n, s->slots[i].key);
		while (n.slots[j].bits)
			j = (j + 1) & (size - 1);
		n.slots[j] = s->slots[i];
	}
	free(s->slots);
	*s = n;
	return 0;
}

/* Mark seq as seen; returns 1 if it was seen before, -1 on ENOMEM. */
static int seq_test_and_set(struct seq_set *s, uint64_t seq)
{
	uint64_t key = seq >> PAGE_SHIFT_SEQ, bit = seq & 63, old;
	unsigned int word = (seq >> 6) & (PAGE_WORDS - 1);
	struct seq_page *pg = s->last;
	size_t i, mask;

	if (!pg || pg->key != key) {
		/* Keep the load factor <= 1/2 so probe chains stay short. */
		if ((s->used + 1) * 2 > ((size_t)1 << s->order) && seq_grow(s))
			return -1;
		mask = ((size_t)1 << s->order) - 1;
		for (i = seq_slot(s, key); s->slots[i].bits; i = (i + 1) & mask)
			if (s->slots[i].key == key)
				break;
		pg = &s->slots[i];
		if (!pg->bits) {
			pg->bits = calloc(PAGE_WORDS, sizeof(uint64_t));
			if (!pg->bits)
				return -1;
			pg->key = key;
			s->used++;
		}
		s->last = pg;
	}
	old = pg->bits[word];
	pg->bits[word] = old | 1ull << bit;
	return !!(old & 1ull << bit);
}

static void seq_free(struct seq_set *s)
{
	size_t i;

	for (i = 0; s->slots && i < ((size_t)1 << s->order); i++)
		free(s->slots[i].bits);
	free(s->slots);
}

static uint16_t ip_csum_fold(const uint8_t *p, size_t len)
{
	uint32_t sum = 0;
	size_t i;

	for (i = 0; i + 1 < len; i += 2)
		sum += (uint32_t)p[i] << 8 | p[i + 1];
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	/* Summing a header including its checksum gives 0xffff if valid. */
	return sum;
}

/*
 * Headers sit at arbitrary offsets in the frame (IPv4 options move the UDP
 * header), so read big-endian fields byte by byte: no alignment traps and
 * no ntohs() on every access.
 */
static uint16_t get16(const uint8_t *p)
{
	return (uint16_t)p[0] << 8 | p[1];
}

static uint32_t get32(const uint8_t *p)
{
	return (uint32_t)get16(p) << 16 | get16(p + 2);
}

static uint64_t get64(const uint8_t *p)
{
	return (uint64_t)get32(p) << 32 | get32(p + 4);
}

struct sink {
	struct opts o;
	struct stats st;
	struct seq_set seen;
	FILE *seqf;
	bool seqf_failed;
	int fd;
	int mfd; /* --join: the UDP socket that holds the membership */
	bool joined;
	uint64_t joined_ns, left_ns;
};

/*
 * What both families do with one of our frames once its header checks
 * are counted: the sequence bookkeeping and the seq file.
 */
static void count_frame(struct sink *s, const uint8_t *f, unsigned int ttl,
			uint64_t seq, uint64_t send_ns, uint64_t recv_ns)
{
	const struct opts *o = &s->o;
	struct stats *st = &s->st;
	int dup;

	dup = seq_test_and_set(&s->seen, seq);
	if (dup < 0) {
		fprintf(stderr, "%s: out of memory tracking seqs\n", prog);
		exit(1);
	}
	if (dup)
		st->duplicates++;
	else if (st->received > 1 && seq < st->max_seq)
		st->out_of_order++;

	if (st->received == 1) {
		st->first_seq = seq;
		st->min_send_ns = send_ns;
		st->max_send_ns = send_ns;
	}
	if (seq > st->max_seq)
		st->max_seq = seq;
	if (send_ns < st->min_send_ns)
		st->min_send_ns = send_ns;
	if (send_ns > st->max_send_ns)
		st->max_send_ns = send_ns;
	st->last_seq = seq;
	st->last_ttl = ttl;
	memcpy(st->last_smac, f + ETH_ALEN, ETH_ALEN);

	if (s->seqf && !s->seqf_failed &&
	    fprintf(s->seqf, "%" PRIu64 " %" PRIu64 " %" PRIu64 "\n", seq,
		    send_ns, recv_ns) < 0) {
		fprintf(stderr, "%s: writing %s: %s\n", prog, o->seqfile,
			strerror(errno));
		s->seqf_failed = true;
	}
}

/* The payload of a UDP datagram of ours for the port and stream asked
 * for, or NULL.  The caller checked that udp has room for both. */
static const uint8_t *our_payload(const struct opts *o, const uint8_t *udp)
{
	const uint8_t *pl = udp + sizeof(struct udphdr);

	if (o->have_port && get16(udp + 2) != o->port)
		return NULL;
	if (get32(pl) != MC_MAGIC)
		return NULL;
	if (o->have_stream && get32(pl + 4) != o->stream_id)
		return NULL;
	return pl;
}

/*
 * IPv6: the UDP header after at most a few Hop-by-Hop, Routing and
 * Destination Options headers (mcsend sends none; a router must not add
 * any).  No header checksum; the UDP length must match the payload
 * length minus those headers.
 */
static bool handle_frame6(struct sink *s, const uint8_t *f, size_t caplen,
			  size_t len, uint64_t recv_ns)
{
	const struct opts *o = &s->o;
	struct stats *st = &s->st;
	size_t off = 40, avail, plen, udp_len;
	const uint8_t *ip, *udp, *pl;
	uint8_t nh;
	int n;

	if (caplen < ETH_HLEN + 40 || get16(f + 12) != ETH_P_IPV6)
		return false;
	ip = f + ETH_HLEN;
	if (ip[0] >> 4 != 6)
		return false;
	if (o->have_group && memcmp(ip + 24, &o->group6, 16))
		return false;
	avail = caplen - ETH_HLEN;
	for (nh = ip[6], n = 0; nh != IPPROTO_UDP; n++) {
		if ((nh != 0 && nh != 43 && nh != 60) || n == 4 ||
		    avail < off + 8)
			return false;
		nh = ip[off];
		off += 8 * ((size_t)ip[off + 1] + 1);
	}
	if (avail < off + sizeof(struct udphdr) + sizeof(struct mc_payload))
		return false;
	udp = ip + off;
	pl = our_payload(o, udp);
	if (!pl)
		return false;

	st->received++;
	if (o->expect_ttl >= 0 && ip[7] != o->expect_ttl)
		st->bad_ttl++;
	if (o->have_smac && memcmp(f + ETH_ALEN, o->expect_smac, ETH_ALEN))
		st->bad_smac++;
	plen = get16(ip + 4);
	udp_len = get16(udp + 4);
	if (plen < off - 40 || udp_len != plen - (off - 40) ||
	    40 + plen > len - ETH_HLEN)
		st->bad_len++;
	count_frame(s, f, ip[7], get64(pl + 8), get64(pl + 16), recv_ns);
	return true;
}

/*
 * Handle one frame of caplen captured bytes (wire length len).  Returns true
 * if it was one of ours.
 */
static bool handle_frame(struct sink *s, const uint8_t *f, size_t caplen,
			 size_t len, uint64_t recv_ns)
{
	const struct opts *o = &s->o;
	struct stats *st = &s->st;
	size_t ihl, tot, avail, udp_len;
	const uint8_t *ip, *udp, *pl;
	uint64_t seq, send_ns;

	if (o->family == AF_INET6)
		return handle_frame6(s, f, caplen, len, recv_ns);
	if (caplen < ETH_HLEN + 20 || get16(f + 12) != ETH_P_IP)
		return false;
	ip = f + ETH_HLEN;
	ihl = (ip[0] & 0x0f) * 4u;
	if ((ip[0] >> 4) != 4 || ihl < 20 || ip[9] != IPPROTO_UDP)
		return false;
	/* Non-first fragments carry no UDP header; mcsend never fragments. */
	if (get16(ip + 6) & 0x1fff)
		return false;
	if (o->have_group && memcmp(ip + 16, &o->group.s_addr, 4))
		return false;
	/*
	 * Locate the payload by the bytes that arrived, not by the IPv4 total
	 * length: a router that breaks the length must show up as bad_len,
	 * not as loss.
	 */
	avail = caplen - ETH_HLEN;
	if (avail < ihl + sizeof(struct udphdr) + sizeof(struct mc_payload))
		return false;
	udp = ip + ihl;
	pl = our_payload(o, udp);
	if (!pl)
		return false;

	seq = get64(pl + 8);
	send_ns = get64(pl + 16);
	st->received++;

	if (ip_csum_fold(ip, ihl) != 0xffff)
		st->bad_csum++;
	if (o->expect_ttl >= 0 && ip[8] != o->expect_ttl)
		st->bad_ttl++;
	if (o->have_smac && memcmp(f + ETH_ALEN, o->expect_smac, ETH_ALEN))
		st->bad_smac++;
	/*
	 * UDP length must match the IPv4 payload, which must fit the frame
	 * (Ethernet padding may make the frame longer, never shorter).
	 */
	tot = get16(ip + 2);
	udp_len = get16(udp + 4);
	if (tot < ihl || udp_len != tot - ihl || tot > len - ETH_HLEN)
		st->bad_len++;
	count_frame(s, f, ip[8], seq, send_ns, recv_ns);
	return true;
}

/* PACKET_STATISTICS resets on every read, so accumulate. */
static void update_drops(struct sink *s)
{
	struct tpacket_stats ps;
	socklen_t l = sizeof(ps);

	if (!getsockopt(s->fd, SOL_PACKET, PACKET_STATISTICS, &ps, &l))
		s->st.sock_drops += ps.tp_drops;
}

static void print_summary(struct sink *s)
{
	const struct stats *st;
	char mac[18] = "";

	update_drops(s);
	st = &s->st;
	if (st->received)
		format_mac(mac, st->last_smac);
	if (s->o.json)
		printf("{\"received\":%" PRIu64 ",\"bad_csum\":%" PRIu64
		       ",\"bad_ttl\":%" PRIu64 ",\"bad_smac\":%" PRIu64
		       ",\"bad_len\":%" PRIu64 ",\"duplicates\":%" PRIu64
		       ",\"out_of_order\":%" PRIu64 ",\"first_seq\":%" PRIu64
		       ",\"last_seq\":%" PRIu64 ",\"max_seq\":%" PRIu64
		       ",\"min_send_ns\":%" PRIu64 ",\"max_send_ns\":%" PRIu64
		       ",\"last_ttl\":%u,\"last_smac\":\"%s\""
		       ",\"sock_drops\":%" PRIu64 ",\"joined_ns\":%" PRIu64
		       ",\"left_ns\":%" PRIu64 "}\n",
		       st->received, st->bad_csum, st->bad_ttl, st->bad_smac,
		       st->bad_len, st->duplicates, st->out_of_order,
		       st->first_seq, st->last_seq, st->max_seq,
		       st->min_send_ns, st->max_send_ns, st->last_ttl, mac,
		       st->sock_drops, s->joined_ns, s->left_ns);
	else
		printf("received %" PRIu64 " (bad: csum %" PRIu64
		       " ttl %" PRIu64 " smac %" PRIu64 " len %" PRIu64
		       ") dup %" PRIu64 " reordered %" PRIu64
		       " seq first %" PRIu64 " last %" PRIu64 " max %" PRIu64
		       " last ttl %u smac %s"
		       " sock_drops %" PRIu64 "\n",
		       st->received, st->bad_csum, st->bad_ttl, st->bad_smac,
		       st->bad_len, st->duplicates, st->out_of_order,
		       st->first_seq, st->last_seq, st->max_seq, st->last_ttl,
		       st->received ? mac : "-", st->sock_drops);
	if (!s->o.json && s->o.join)
		printf("joined_ns %" PRIu64 " left_ns %" PRIu64 "\n",
		       s->joined_ns, s->left_ns);
	fflush(stdout);
}

static int open_socket(const struct opts *o)
{
	struct sockaddr_ll sll = {
		.sll_family = AF_PACKET,
		.sll_protocol =
			htons(o->family == AF_INET6 ? ETH_P_IPV6 : ETH_P_IP),
		.sll_ifindex = o->ifindex,
	};
	struct packet_mreq mr = {
		.mr_ifindex = o->ifindex,
		.mr_type = PACKET_MR_ALLMULTI,
	};
	int fd, size = RCVBUF_BYTES, one = 1;

	/*
	 * Protocol 0 receives nothing until bind(), so no frame from another
	 * interface can slip in before the socket is bound to IFNAME.
	 */
	fd = socket(AF_PACKET, SOCK_RAW, 0);
	if (fd < 0)
		die("socket(AF_PACKET)");
	/* FORCE ignores rmem_max but needs CAP_NET_ADMIN. */
	if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &size, sizeof(size)) &&
	    setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &size, sizeof(size)))
		fprintf(stderr, "%s: warning: cannot enlarge SO_RCVBUF: %s\n",
			prog, strerror(errno));
	/* Saves copying our own transmissions; pkttype is checked anyway. */
	setsockopt(fd, SOL_PACKET, PACKET_IGNORE_OUTGOING, &one, sizeof(one));
	if (bind(fd, (struct sockaddr *)&sll, sizeof(sll)))
		die("bind(AF_PACKET)");
	/*
	 * A real NIC filters multicast MACs nobody joined; all-multi makes it
	 * deliver every group.  Undone by the kernel when the socket closes.
	 */
	setsockopt(fd, SOL_PACKET, PACKET_ADD_MEMBERSHIP, &mr, sizeof(mr));
	return fd;
}

static void set_sa(struct sockaddr_storage *ss, const struct mc_addr *a)
{
	struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)ss;
	struct sockaddr_in *sin = (struct sockaddr_in *)ss;

	memset(ss, 0, sizeof(*ss));
	if (a->family == AF_INET6) {
		sin6->sin6_family = AF_INET6;
		sin6->sin6_addr = a->v6;
	} else {
		sin->sin_family = AF_INET;
		sin->sin_addr = a->v4;
	}
}

/* -g as an mc_addr; the level of the membership options. */
static struct mc_addr group_of(const struct opts *o)
{
	struct mc_addr g = { .family = o->family };

	if (o->family == AF_INET6)
		g.v6 = o->group6;
	else
		g.v4 = o->group;
	return g;
}

static int mc_level(const struct opts *o)
{
	return o->family == AF_INET6 ? IPPROTO_IPV6 : IPPROTO_IP;
}

/*
 * The protocol-independent calls (RFC 3678) take the interface by index,
 * which is what we have; the kernel turns the socket's filter into the
 * host's IGMP state and reports (v3 records or v2 reports/leaves, as the
 * link's querier version demands) -- or MLD's (v2 records, v1 reports and
 * dones) for an IPv6 group.
 */
static int mc_source_op(const struct sink *s, int op, const struct mc_addr *src)
{
	struct group_source_req gsr = { .gsr_interface = s->o.ifindex };
	struct mc_addr g = group_of(&s->o);

	set_sa(&gsr.gsr_group, &g);
	set_sa(&gsr.gsr_source, src);
	return setsockopt(s->mfd, mc_level(&s->o), op, &gsr, sizeof(gsr));
}

static void mc_join(struct sink *s)
{
	struct group_req gr = { .gr_interface = s->o.ifindex };
	struct mc_addr g = group_of(&s->o);
	int i;

	set_sa(&gr.gr_group, &g);
	if (s->o.n_include) {
		for (i = 0; i < s->o.n_include; i++)
			if (mc_source_op(s, MCAST_JOIN_SOURCE_GROUP,
					 &s->o.include[i]))
				die("MCAST_JOIN_SOURCE_GROUP");
	} else {
		if (setsockopt(s->mfd, mc_level(&s->o), MCAST_JOIN_GROUP, &gr,
			       sizeof(gr)))
			die("MCAST_JOIN_GROUP");
		for (i = 0; i < s->o.n_exclude; i++)
			if (mc_source_op(s, MCAST_BLOCK_SOURCE,
					 &s->o.exclude[i]))
				die("MCAST_BLOCK_SOURCE");
	}
	s->joined = true;
	s->joined_ns = now_ns();
}

static void mc_leave(struct sink *s)
{
	struct group_req gr = { .gr_interface = s->o.ifindex };
	struct mc_addr g = group_of(&s->o);
	int i;

	set_sa(&gr.gr_group, &g);
	if (s->o.n_include) {
		for (i = 0; i < s->o.n_include; i++)
			if (mc_source_op(s, MCAST_LEAVE_SOURCE_GROUP,
					 &s->o.include[i]))
				die("MCAST_LEAVE_SOURCE_GROUP");
	} else if (setsockopt(s->mfd, mc_level(&s->o), MCAST_LEAVE_GROUP, &gr,
			      sizeof(gr))) {
		die("MCAST_LEAVE_GROUP");
	}
	s->joined = false;
	s->left_ns = now_ns();
}

static void create_ready(const char *path)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);

	if (fd < 0)
		die(path);
	close(fd);
}

/* Milliseconds until the earliest deadline (0 = none), rounded up. */
static int poll_timeout(uint64_t now, uint64_t deadline)
{
	uint64_t ms;

	if (!deadline)
		return -1;
	if (deadline <= now)
		return 0;
	ms = (deadline - now + 999999) / 1000000;
	return ms > INT32_MAX ? INT32_MAX : (int)ms;
}

int main(int argc, char **argv)
{
	static uint8_t bufs[BATCH][FRAME_BUF];
	struct sockaddr_ll addrs[BATCH];
	struct mmsghdr msgs[BATCH];
	struct iovec iovs[BATCH];
	struct sigaction sa = { .sa_handler = on_signal };
	uint64_t start, end = 0, last_ours = 0, now, deadline, leave_at = 0;
	struct sink s = { 0 };
	sigset_t block, orig;
	struct timespec ts;
	struct pollfd pfd;
	int i, n, ret;

	if (argc > 0 && argv[0][0]) {
		const char *slash = strrchr(argv[0], '/');

		prog = slash ? slash + 1 : argv[0];
	}
	parse_args(argc, argv, &s.o);

	/*
	 * Signals stay blocked except inside ppoll(), so one arriving between
	 * the flag checks and the wait cannot be missed.
	 */
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGUSR1, &sa, NULL);
	sigaction(SIGUSR2, &sa, NULL);
	sigemptyset(&block);
	sigaddset(&block, SIGINT);
	sigaddset(&block, SIGTERM);
	sigaddset(&block, SIGUSR1);
	sigaddset(&block, SIGUSR2);
	sigprocmask(SIG_BLOCK, &block, &orig);

	if (s.o.seqfile) {
		s.seqf = fopen(s.o.seqfile, "w");
		if (!s.seqf)
			die(s.o.seqfile);
		setvbuf(s.seqf, NULL, _IOFBF, 1 << 20);
	}
	s.fd = open_socket(&s.o);
	s.mfd = -1;
	if (s.o.join) {
		/* Never bound: it holds the membership, it reads nothing. */
		s.mfd = socket(s.o.family, SOCK_DGRAM | SOCK_CLOEXEC, 0);
		if (s.mfd < 0)
			die(s.o.family == AF_INET6 ? "socket(AF_INET6)" :
						     "socket(AF_INET)");
		mc_join(&s);
	}
	if (s.o.ready)
		create_ready(s.o.ready);

	for (i = 0; i < BATCH; i++) {
		iovs[i].iov_base = bufs[i];
		iovs[i].iov_len = FRAME_BUF;
	}
	pfd.fd = s.fd;
	pfd.events = POLLIN;
	start = now_ns();
	if (s.o.duration > 0)
		end = start + (uint64_t)(s.o.duration * 1e9);
	if (s.o.leave_after > 0)
		leave_at = start + (uint64_t)(s.o.leave_after * 1e9);

	while (!stop) {
		if (dump) {
			dump = 0;
			print_summary(&s);
			if (s.seqf)
				fflush(s.seqf);
		}
		if (toggle) {
			toggle = 0;
			if (s.mfd >= 0 && s.joined)
				mc_leave(&s);
			else if (s.mfd >= 0)
				mc_join(&s);
		}
		now = now_ns();
		if (leave_at && now >= leave_at) {
			leave_at = 0;
			if (s.joined)
				mc_leave(&s);
		}
		deadline = end;
		if (s.o.idle > 0 && last_ours) {
			uint64_t idle_end =
				last_ours + (uint64_t)(s.o.idle * 1e9);

			if (!deadline || idle_end < deadline)
				deadline = idle_end;
		}
		if (deadline && now >= deadline)
			break;
		/* The leave time only wakes us up; it does not end the run. */
		n = poll_timeout(now, leave_at && (!deadline ||
						   leave_at < deadline) ?
					      leave_at :
					      deadline);
		if (n >= 0) {
			ts.tv_sec = n / 1000;
			ts.tv_nsec = (long)(n % 1000) * 1000000;
		}
		ret = ppoll(&pfd, 1, n >= 0 ? &ts : NULL, &orig);
		if (ret < 0) {
			if (errno == EINTR)
				continue;
			die("ppoll");
		}
		if (!ret)
			continue;

		for (i = 0; i < BATCH; i++) {
			memset(&msgs[i].msg_hdr, 0, sizeof(msgs[i].msg_hdr));
			msgs[i].msg_hdr.msg_name = &addrs[i];
			msgs[i].msg_hdr.msg_namelen = sizeof(addrs[i]);
			msgs[i].msg_hdr.msg_iov = &iovs[i];
			msgs[i].msg_hdr.msg_iovlen = 1;
		}
		/* MSG_TRUNC: msg_len is the wire length even if truncated. */
		n = recvmmsg(s.fd, msgs, BATCH, MSG_DONTWAIT | MSG_TRUNC, NULL);
		if (n < 0) {
			if (errno == EAGAIN || errno == EINTR)
				continue;
			die("recvmmsg");
		}
		/* One timestamp per batch: batches only form under load. */
		now = now_ns();
		for (i = 0; i < n; i++) {
			size_t len = msgs[i].msg_len;

			if (addrs[i].sll_pkttype == PACKET_OUTGOING ||
			    addrs[i].sll_ifindex != (int)s.o.ifindex)
				continue;
			if (!handle_frame(&s, bufs[i],
					  len < FRAME_BUF ? len : FRAME_BUF,
					  len, now))
				continue;
			last_ours = now;
			if (s.o.count && s.st.received >= s.o.count) {
				stop = 1;
				break;
			}
		}
	}

	if (s.seqf) {
		if (fclose(s.seqf) && !s.seqf_failed)
			fprintf(stderr, "%s: writing %s: %s\n", prog,
				s.o.seqfile, strerror(errno));
	}
	print_summary(&s);
	seq_free(&s.seen);
	close(s.fd);
	if (s.mfd >= 0)
		close(s.mfd); /* the kernel leaves what is still joined */
	return 0;
}
