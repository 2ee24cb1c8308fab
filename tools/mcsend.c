// SPDX-License-Identifier: GPL-2.0
/*
 * mcsend - paced UDP sender for testing the mgm multicast router.
 *
 * Sends numbered UDP datagrams (struct mc_payload, see below) to a multicast
 * group out of one interface at a fixed rate, so that mcsink on the far side
 * can count loss, duplicates, reordering and latency.  The destination may
 * also be a unicast, broadcast or link-local address: the tests use that on
 * purpose to check that the router leaves such traffic alone.  IPv4 or
 * IPv6: the family of -g decides (IPv6: IPV6_MULTICAST_IF, hop limit).
 *
 * Only libc is used so that the tool runs anywhere the tests run.
 */
#include <arpa/inet.h>
#include <endian.h>
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <math.h>
#include <net/if.h>
#include <netinet/in.h>
#include <netinet/ip.h>
#include <netinet/udp.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <time.h>
#include <unistd.h>

#define MIN_PAYLOAD 28
#define MAX_PAYLOAD 1472 /* 1500 - 20 (IPv4) - 8 (UDP): no fragments */
#define MAX_PAYLOAD6 1452 /* 1500 - 40 (IPv6) - 8 (UDP) */
/* How long one packet may be retried on ENOBUFS/EAGAIN before giving up. */
#define RETRY_LIMIT_NS (200 * 1000 * 1000ull)
/* Print at most this many individual send errors; the rest are counted. */
#define MAX_ERR_REPORTS 10

struct opts {
	const char *ifname;
	unsigned int ifindex;
	struct in_addr group;
	bool have_source;
	struct in_addr source;
	int family; /* of -g: AF_INET or AF_INET6 */
	struct in6_addr group6, source6;
	unsigned int port;
	unsigned int ttl;
	uint64_t count;
	uint64_t pps;
	unsigned int len;
	double duration;
	uint32_t stream_id;
	bool json;
	bool quiet;
	/* --spoof: raw IPv4 with source spoof_net + 1 + (i mod spoof_n) */
	bool spoof;
	uint32_t spoof_net; /* host order */
	uint32_t spoof_n;
};

struct stats {
	uint64_t sent;
	uint64_t errors;
	uint64_t icmp_errors;
	uint64_t first_send_ns;
	uint64_t last_send_ns;
};

static volatile sig_atomic_t stop;
static const char *prog = "mcsend";

#include "mctool.h"

static void on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

static const char usage_text[] =
	"Usage: mcsend -i IFNAME -g GROUP [options]\n"
	"\n"
	"Send numbered UDP datagrams (magic 'MGMT', stream id, seq, send\n"
	"time) to GROUP out of IFNAME at a fixed rate, for mcsink to check.\n"
	"\n"
	"Options:\n"
	"  -i, --interface IFNAME  outgoing interface (required)\n"
	"  -g, --group ADDR        destination IPv4 or IPv6 address\n"
	"                          (required); any address is accepted, a\n"
	"                          warning is printed if it is not multicast\n"
	"                          (224.0.0.0/4, ff00::/8)\n"
	"  -p, --port PORT         destination UDP port (default 5000)\n"
	"  -s, --source ADDR       bind to this local address, so it becomes\n"
	"                          the source (default: kernel's choice); of\n"
	"                          the family of -g\n"
	"  -t, --ttl TTL           IPv4 TTL or IPv6 hop limit, 1..255\n"
	"                          (default 16)\n"
	"  -n, --count N           stop after N packets (default 0 = none)\n"
	"  -r, --rate PPS          packets per second (default 1000;\n"
	"                          0 = as fast as possible)\n"
	"  -l, --length BYTES      UDP payload length, 28..1472 (IPv6:\n"
	"                          ..1452) (default 64)\n"
	"  -d, --duration SECONDS  stop after SECONDS (fractions allowed)\n"
	"  -S, --stream ID         stream id written into every packet\n"
	"                          (default 0; decimal or 0x hex)\n"
	"  -R, --spoof PREFIX/LEN  raw IPv4 (needs CAP_NET_RAW): packet i\n"
	"                          gets the source PREFIX + 1 + i mod N, N the\n"
	"                          hosts of the prefix (/8../30), so a run\n"
	"                          cycles through N spoofed sources (a flood\n"
	"                          of new flows for the router); -s ignored;\n"
	"                          IPv4 only\n"
	"  -j, --json              print the summary as a JSON object\n"
	"  -q, --quiet             print nothing but errors (overrides -j)\n"
	"  -h, --help              show this help\n"
	"\n"
	"Sequence numbers start at 1.  Pacing is drift-free (absolute\n"
	"CLOCK_MONOTONIC deadlines); if the sender falls behind it sends a\n"
	"burst to catch up.  Stops after COUNT packets, after SECONDS, or on\n"
	"SIGINT/SIGTERM, then prints one summary line:\n"
	"  sent N packets in S.SSS s (R pps)\n"
	"  {\"sent\":N,\"errors\":E,\"first_send_ns\":X,\"last_send_ns\":Y,\n"
	"   \"duration_s\":D}   (with -j, on one line)\n"
	"S/D is the time between the first and the last packet and R is\n"
	"(N - 1) / S.  Exit status: 0, 1 if any send failed or on a system\n"
	"error, 2 on bad arguments.\n"
	"\n"
	"Examples:\n"
	"  mcsend -i veth0 -g 239.1.1.1 -n 1000 -r 5000\n"
	"  mcsend -i veth0 -g 232.1.1.1 -s 192.0.2.1 -t 2 -d 10 -j\n"
	"  mcsend -i veth0 -g 239.1.1.1 -n 100000 -r 0 -l 1472 -S 7\n"
	"  mcsend -i veth0 -g ff3e::db8:1 -s 2001:db8::1 -t 8 -n 100\n";

static void usage(FILE *f)
{
	fputs(usage_text, f);
}

static void parse_args(int argc, char **argv, struct opts *o)
{
	static const struct option longopts[] = {
		{ "interface", required_argument, NULL, 'i' },
		{ "group", required_argument, NULL, 'g' },
		{ "port", required_argument, NULL, 'p' },
		{ "source", required_argument, NULL, 's' },
		{ "ttl", required_argument, NULL, 't' },
		{ "count", required_argument, NULL, 'n' },
		{ "rate", required_argument, NULL, 'r' },
		{ "length", required_argument, NULL, 'l' },
		{ "duration", required_argument, NULL, 'd' },
		{ "stream", required_argument, NULL, 'S' },
		{ "spoof", required_argument, NULL, 'R' },
		{ "json", no_argument, NULL, 'j' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	bool have_group = false;
	struct mc_addr src = { 0 }, a;
	uint64_t v;
	int c;

	*o = (struct opts){ .port = 5000, .ttl = 16, .pps = 1000, .len = 64 };

	/* Leading ':' so that we print our own messages for bad options. */
	while ((c = getopt_long(argc, argv, ":i:g:p:s:t:n:r:l:d:S:R:jqh",
				longopts, NULL)) != -1) {
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
			have_group = true;
			break;
		case 'p':
			if (!parse_u64(optarg, 10, 65535, &v) || v == 0)
				bad_arg("invalid port '%s' (expected 1..65535)",
					optarg);
			o->port = v;
			break;
		case 's':
			if (!parse_addr(optarg, &src))
				bad_arg("invalid source address '%s'", optarg);
			if (src.family == AF_INET)
				o->source = src.v4;
			else
				o->source6 = src.v6;
			o->have_source = true;
			break;
		case 't':
			if (!parse_u64(optarg, 10, 255, &v) || v == 0)
				bad_arg("invalid TTL '%s' (expected 1..255)",
					optarg);
			o->ttl = v;
			break;
		case 'n':
			if (!parse_u64(optarg, 10, UINT64_MAX, &o->count))
				bad_arg("invalid count '%s'", optarg);
			break;
		case 'r':
			/* Above ~1e9 pps the interval would round to 0 ns. */
			if (!parse_u64(optarg, 10, NSEC_PER_SEC, &o->pps))
				bad_arg("invalid rate '%s' (expected 0..%llu pps)",
					optarg, NSEC_PER_SEC);
			break;
		case 'l':
			if (!parse_u64(optarg, 10, MAX_PAYLOAD, &v) ||
			    v < MIN_PAYLOAD)
				bad_arg("invalid payload length '%s' (expected %d..%d)",
					optarg, MIN_PAYLOAD, MAX_PAYLOAD);
			o->len = v;
			break;
		case 'd':
			if (!parse_seconds(optarg, &o->duration))
				bad_arg("invalid duration '%s' (expected seconds > 0)",
					optarg);
			break;
		case 'S':
			if (!parse_u64(optarg, 0, UINT32_MAX, &v))
				bad_arg("invalid stream id '%s' (expected 0..%u)",
					optarg, UINT32_MAX);
			o->stream_id = v;
			break;
		case 'R': {
			char pfx[32], *slash;
			struct in_addr a;

			snprintf(pfx, sizeof(pfx), "%s", optarg);
			slash = strchr(pfx, '/');
			if (!slash || !parse_u64(slash + 1, 10, 30, &v) ||
			    v < 8)
				bad_arg("invalid --spoof '%s' (expected "
					"PREFIX/LEN, LEN 8..30)",
					optarg);
			*slash = '\0';
			if (inet_pton(AF_INET, pfx, &a) != 1)
				bad_arg("invalid --spoof prefix '%s'", pfx);
			o->spoof = true;
			o->spoof_n = (1U << (32 - v)) - 2;
			o->spoof_net = ntohl(a.s_addr) &
				       ~((1U << (32 - v)) - 1);
			break;
		}
		case 'j':
			o->json = true;
			break;
		case 'q':
			o->quiet = true;
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
	if (!have_group)
		bad_arg("missing -g GROUP");
	if (o->have_source && src.family != o->family)
		bad_arg("-s and -g must be of the same address family");
	if (o->family == AF_INET6 && o->spoof)
		bad_arg("--spoof is IPv4 only");
	if (o->family == AF_INET6 && o->len > MAX_PAYLOAD6)
		bad_arg("invalid payload length %u for IPv6 (expected %d..%d)",
			o->len, MIN_PAYLOAD, MAX_PAYLOAD6);
	o->ifindex = if_nametoindex(o->ifname);
	if (!o->ifindex)
		bad_arg("unknown interface '%s'", o->ifname);
}

static void sleep_until(uint64_t t)
{
	struct timespec ts = {
		.tv_sec = t / NSEC_PER_SEC,
		.tv_nsec = t % NSEC_PER_SEC,
	};

	/* EINTR: return early only when asked to stop (SIGINT/SIGTERM). */
	while (!stop && clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts,
					NULL) == EINTR)
		;
}

static void sleep_ns(uint64_t ns)
{
	struct timespec ts = {
		.tv_sec = ns / NSEC_PER_SEC,
		.tv_nsec = ns % NSEC_PER_SEC,
	};

	nanosleep(&ts, NULL);
}

/*
 * With IP_RECVERR an ICMP error caused by an earlier datagram (for example
 * port unreachable from a unicast target) is reported by the *next* sendto,
 * which then sends nothing.  Drain the error queue and tell the caller, so
 * that the datagram is retried instead of being counted as lost.
 */
static int drain_errqueue(int fd)
{
	char data[64], ctrl[512];
	struct iovec iov = { .iov_base = data, .iov_len = sizeof(data) };
	struct msghdr msg;
	int n = 0;

	for (;;) {
		memset(&msg, 0, sizeof(msg));
		msg.msg_iov = &iov;
		msg.msg_iovlen = 1;
		msg.msg_control = ctrl;
		msg.msg_controllen = sizeof(ctrl);
		if (recvmsg(fd, &msg, MSG_ERRQUEUE | MSG_DONTWAIT) < 0)
			return n;
		n++;
	}
}

static void report_error(struct stats *st, int err)
{
	st->errors++;
	if (st->errors <= MAX_ERR_REPORTS)
		fprintf(stderr, "%s: sendto: %s\n", prog, strerror(err));
	if (st->errors == MAX_ERR_REPORTS)
		fprintf(stderr, "%s: further send errors are only counted\n",
			prog);
}

/* Send one datagram; returns true once it has been handed to the kernel. */
static bool send_one(int fd, const struct sockaddr *dst, socklen_t dlen,
		     char *buf, size_t len, size_t off, struct stats *st)
{
	struct mc_payload *p = (struct mc_payload *)(buf + off);
	uint64_t waited = 0, backoff = 10000, ts;
	int icmp_retries = 0;
	ssize_t n;

	for (;;) {
		/* Stamp right before sendto so the latency excludes pacing. */
		ts = now_ns();
		p->send_ns = htobe64(ts);
		n = sendto(fd, buf, len, 0, dst, dlen);
		if (n == (ssize_t)len) {
			if (!st->sent)
				st->first_send_ns = ts;
			st->last_send_ns = ts;
			st->sent++;
			return true;
		}
		if (n >= 0) {
			/* Cannot happen for UDP, but never count it as sent. */
			report_error(st, EMSGSIZE);
			return false;
		}
		if (errno == EINTR) {
			if (stop)
				return false;
			continue;
		}
		if (errno == ENOBUFS || errno == EAGAIN) {
			/*
			 * Queue (qdisc or socket buffer) full: wait a little
			 * for it to drain so that COUNT packets really leave.
			 */
			if (stop || waited >= RETRY_LIMIT_NS) {
				report_error(st, errno);
				return false;
			}
			sleep_ns(backoff);
			waited += backoff;
			if (backoff < 1000000)
				backoff *= 2;
			continue;
		}
		if (icmp_retries < 100 && drain_errqueue(fd) > 0) {
			st->icmp_errors++;
			icmp_retries++;
			continue;
		}
		report_error(st, errno);
		return false;
	}
}

/* --spoof: a raw socket (IP_HDRINCL) out of IFNAME. */
static int setup_raw_socket(const struct opts *o)
{
	struct ip_mreqn mreq = { .imr_ifindex = o->ifindex };
	int fd = socket(AF_INET, SOCK_RAW, IPPROTO_RAW);

	if (fd < 0) {
		fprintf(stderr, "%s: raw socket: %s\n", prog, strerror(errno));
		return -1;
	}
	if (setsockopt(fd, IPPROTO_IP, IP_MULTICAST_IF, &mreq, sizeof(mreq)) <
		    0 ||
	    setsockopt(fd, SOL_SOCKET, SO_BINDTODEVICE, o->ifname,
		       strlen(o->ifname)) < 0) {
		fprintf(stderr, "%s: raw socket on %s: %s\n", prog, o->ifname,
			strerror(errno));
		close(fd);
		return -1;
	}
	return fd;
}

/* The IPv4 and UDP headers of packet i (--spoof). */
static void spoof_headers(const struct opts *o, char *buf, size_t len,
			  uint64_t i)
{
	struct iphdr *ip = (struct iphdr *)buf;
	struct udphdr *udp = (struct udphdr *)(buf + sizeof(*ip));

	*ip = (struct iphdr){
		.version = 4,
		.ihl = 5,
		.tot_len = htons((uint16_t)len),
		.ttl = (uint8_t)o->ttl,
		.protocol = IPPROTO_UDP,
		/* the kernel fills in the id and the checksum */
		.saddr = htonl(o->spoof_net + 1 + (uint32_t)(i % o->spoof_n)),
		.daddr = o->group.s_addr,
	};
	*udp = (struct udphdr){
		.source = htons(o->port),
		.dest = htons(o->port),
		.len = htons((uint16_t)(len - sizeof(*ip))),
		.check = 0, /* none: allowed for UDP over IPv4 */
	};
}

/*
 * IP_MULTICAST_IF only steers multicast.  Binding to the device makes
 * unicast/broadcast tests leave through IFNAME too, even without a route
 * (the kernel then assumes the destination is on-link).  Needs
 * CAP_NET_RAW, so it is optional for multicast.
 */
static void bind_device(int fd, const struct opts *o, bool mcast)
{
	if (setsockopt(fd, SOL_SOCKET, SO_BINDTODEVICE, o->ifname,
		       strlen(o->ifname)) < 0 &&
	    !mcast && !o->quiet)
		fprintf(stderr,
			"%s: warning: SO_BINDTODEVICE %s: %s; the route decides the interface\n",
			prog, o->ifname, strerror(errno));
}

static int setup_socket(const struct opts *o)
{
	struct ip_mreqn mreq = { .imr_ifindex = o->ifindex };
	int fd, one = 1, zero = 0, ttl = o->ttl;
	bool mcast = IN_MULTICAST(ntohl(o->group.s_addr));

	fd = socket(AF_INET, SOCK_DGRAM, 0);
	if (fd < 0) {
		fprintf(stderr, "%s: socket: %s\n", prog, strerror(errno));
		return -1;
	}
	if (o->have_source) {
		struct sockaddr_in sin = {
			.sin_family = AF_INET,
			.sin_addr = o->source,
		};

		if (bind(fd, (struct sockaddr *)&sin, sizeof(sin)) < 0) {
			fprintf(stderr, "%s: bind to source %s: %s\n", prog,
				inet_ntoa(o->source), strerror(errno));
			goto err;
		}
		mreq.imr_address = o->source;
	}
	if (setsockopt(fd, IPPROTO_IP, IP_MULTICAST_IF, &mreq, sizeof(mreq)) <
	    0) {
		fprintf(stderr, "%s: IP_MULTICAST_IF %s: %s\n", prog, o->ifname,
			strerror(errno));
		goto err;
	}
	/* IP_TTL covers non-multicast destinations, which tests also use. */
	if (setsockopt(fd, IPPROTO_IP, IP_MULTICAST_TTL, &ttl, sizeof(ttl)) <
		    0 ||
	    setsockopt(fd, IPPROTO_IP, IP_TTL, &ttl, sizeof(ttl)) < 0) {
		fprintf(stderr, "%s: setting TTL: %s\n", prog, strerror(errno));
		goto err;
	}
	if (setsockopt(fd, IPPROTO_IP, IP_MULTICAST_LOOP, &zero, sizeof(zero)) <
	    0) {
		fprintf(stderr, "%s: IP_MULTICAST_LOOP: %s\n", prog,
			strerror(errno));
		goto err;
	}
	/*
	 * Without IP_RECVERR the kernel silently drops a UDP datagram when the
	 * qdisc is full; with it sendto reports ENOBUFS and we can retry.
	 */
	if (setsockopt(fd, IPPROTO_IP, IP_RECVERR, &one, sizeof(one)) < 0) {
		fprintf(stderr, "%s: IP_RECVERR: %s\n", prog, strerror(errno));
		goto err;
	}
	/* Lets a test aim at a broadcast address without a special case. */
	setsockopt(fd, SOL_SOCKET, SO_BROADCAST, &one, sizeof(one));
	bind_device(fd, o, mcast);
	return fd;
err:
	close(fd);
	return -1;
}

/* IPv6: the same settings at the IPv6 level. */
static int setup_socket6(const struct opts *o)
{
	int fd, one = 1, zero = 0, hops = o->ttl, ifindex = o->ifindex;
	bool mcast = IN6_IS_ADDR_MULTICAST(&o->group6);

	fd = socket(AF_INET6, SOCK_DGRAM, 0);
	if (fd < 0) {
		fprintf(stderr, "%s: socket: %s\n", prog, strerror(errno));
		return -1;
	}
	if (o->have_source) {
		struct sockaddr_in6 sin6 = {
			.sin6_family = AF_INET6,
			.sin6_addr = o->source6,
			/* a link-local source needs its interface */
			.sin6_scope_id = o->ifindex,
		};
		char a[INET6_ADDRSTRLEN];

		if (bind(fd, (struct sockaddr *)&sin6, sizeof(sin6)) < 0) {
			fprintf(stderr, "%s: bind to source %s: %s\n", prog,
				inet_ntop(AF_INET6, &o->source6, a, sizeof(a)),
				strerror(errno));
			goto err;
		}
	}
	if (setsockopt(fd, IPPROTO_IPV6, IPV6_MULTICAST_IF, &ifindex,
		       sizeof(ifindex)) < 0) {
		fprintf(stderr, "%s: IPV6_MULTICAST_IF %s: %s\n", prog,
			o->ifname, strerror(errno));
		goto err;
	}
	if (setsockopt(fd, IPPROTO_IPV6, IPV6_MULTICAST_HOPS, &hops,
		       sizeof(hops)) < 0 ||
	    setsockopt(fd, IPPROTO_IPV6, IPV6_UNICAST_HOPS, &hops,
		       sizeof(hops)) < 0) {
		fprintf(stderr, "%s: setting hop limit: %s\n", prog,
			strerror(errno));
		goto err;
	}
	if (setsockopt(fd, IPPROTO_IPV6, IPV6_MULTICAST_LOOP, &zero,
		       sizeof(zero)) < 0) {
		fprintf(stderr, "%s: IPV6_MULTICAST_LOOP: %s\n", prog,
			strerror(errno));
		goto err;
	}
	if (setsockopt(fd, IPPROTO_IPV6, IPV6_RECVERR, &one, sizeof(one)) < 0) {
		fprintf(stderr, "%s: IPV6_RECVERR: %s\n", prog,
			strerror(errno));
		goto err;
	}
	bind_device(fd, o, mcast);
	return fd;
err:
	close(fd);
	return -1;
}

static void print_summary(const struct opts *o, const struct stats *st)
{
	uint64_t span = st->sent > 1 ? st->last_send_ns - st->first_send_ns : 0;
	double secs = span / 1e9;
	double rate = span ? (st->sent - 1) / secs : 0;

	if (st->errors)
		fprintf(stderr, "%s: %" PRIu64 " packets could not be sent\n",
			prog, st->errors);
	if (st->icmp_errors && !o->quiet)
		fprintf(stderr,
			"%s: note: %" PRIu64
			" ICMP errors were reported for earlier packets\n",
			prog, st->icmp_errors);
	if (o->quiet)
		return;
	if (o->json)
		printf("{\"sent\":%" PRIu64 ",\"errors\":%" PRIu64
		       ",\"first_send_ns\":%" PRIu64
		       ",\"last_send_ns\":%" PRIu64 ",\"duration_s\":%.6f}\n",
		       st->sent, st->errors, st->first_send_ns,
		       st->last_send_ns, secs);
	else
		printf("sent %" PRIu64 " packets in %.3f s (%.0f pps)\n",
		       st->sent, secs, rate);
	fflush(stdout);
}

int main(int argc, char **argv)
{
	struct sockaddr_in dst = { .sin_family = AF_INET };
	struct sockaddr_in6 dst6 = { .sin6_family = AF_INET6 };
	struct sigaction sa = { .sa_handler = on_signal };
	struct stats st = { 0 };
	uint64_t i, start, end = 0;
	struct mc_payload *p;
	struct opts o;
	size_t off = 0;
	char *buf;
	int fd;

	if (argc > 0 && argv[0][0]) {
		const char *slash = strrchr(argv[0], '/');

		prog = slash ? slash + 1 : argv[0];
	}
	parse_args(argc, argv, &o);

	if (o.family == AF_INET && !IN_MULTICAST(ntohl(o.group.s_addr)) &&
	    !o.quiet)
		fprintf(stderr,
			"%s: warning: %s is not a multicast address (224.0.0.0/4)\n",
			prog, inet_ntoa(o.group));
	if (o.family == AF_INET6 && !IN6_IS_ADDR_MULTICAST(&o.group6) &&
	    !o.quiet) {
		char a[INET6_ADDRSTRLEN];

		fprintf(stderr,
			"%s: warning: %s is not a multicast address (ff00::/8)\n",
			prog, inet_ntop(AF_INET6, &o.group6, a, sizeof(a)));
	}

	/* No SA_RESTART: a signal must interrupt clock_nanosleep/sendto. */
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);

	/* Default 50 us timer slack would make high rates bursty. */
	prctl(PR_SET_TIMERSLACK, 1UL, 0UL, 0UL, 0UL);

	fd = o.spoof		  ? setup_raw_socket(&o) :
	     o.family == AF_INET6 ? setup_socket6(&o) :
				    setup_socket(&o);
	if (fd < 0)
		return 1;
	if (o.spoof)
		off = sizeof(struct iphdr) + sizeof(struct udphdr);

	buf = calloc(1, o.len + off);
	if (!buf) {
		fprintf(stderr, "%s: out of memory\n", prog);
		return 1;
	}
	/* Padding stays zero; only the header changes per packet. */
	p = (struct mc_payload *)(buf + off);
	p->magic = htonl(MC_MAGIC);
	p->stream_id = htonl(o.stream_id);

	dst.sin_addr = o.group;
	dst.sin_port = htons(o.port);
	dst6.sin6_addr = o.group6;
	dst6.sin6_port = htons(o.port);
	/* Needed for link-local scopes (fe80::/10, ff02::/16), else unused. */
	dst6.sin6_scope_id = o.ifindex;

	start = now_ns();
	if (o.duration > 0)
		end = start + (uint64_t)(o.duration * 1e9);

	for (i = 0; !stop && (!o.count || i < o.count); i++) {
		if (o.pps) {
			/*
			 * Absolute deadline of packet i, computed from the
			 * start so that rounding never accumulates; split to
			 * avoid overflowing i * 1e9.
			 */
			uint64_t due = start + i / o.pps * NSEC_PER_SEC +
				       i % o.pps * NSEC_PER_SEC / o.pps;

			if (end && due >= end)
				break;
			if (due > now_ns())
				sleep_until(due);
			if (stop)
				break;
		}
		if (end && now_ns() >= end)
			break;
		p->seq = htobe64(i + 1);
		if (o.spoof)
			spoof_headers(&o, buf, o.len + off, i);
		if (o.family == AF_INET6)
			send_one(fd, (struct sockaddr *)&dst6, sizeof(dst6),
				 buf, o.len + off, off, &st);
		else
			send_one(fd, (struct sockaddr *)&dst, sizeof(dst), buf,
				 o.len + off, off, &st);
	}

	print_summary(&o, &st);
	free(buf);
	close(fd);
	return st.errors ? 1 : 0;
}
