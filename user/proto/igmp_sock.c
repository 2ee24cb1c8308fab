// SPDX-License-Identifier: GPL-2.0
/*
 * igmp_sock.c - the real I/O of the IGMP router.
 *
 * Receiving: a raw IPPROTO_IGMP socket only gets the reports the kernel
 * delivers locally, and without the multicast-routing socket (MRT_INIT)
 * that is none of them (platform-notes: "Receiving IGMP as a router").
 * Only one MRT_INIT socket exists per table and smcroute/pimd/FRR take
 * it, so we read IGMP off the wire instead: one AF_PACKET socket per
 * interface (SOCK_DGRAM: the IPv4 packet without the link header), bound
 * to it, all-multicast so that the NIC passes every group's frames, with
 * a classic BPF filter that keeps only IPv4 protocol 2 so the kernel
 * copies nothing else to us.  Our own transmissions are skipped.
 *
 * Sending: one raw IPPROTO_IGMP socket with the Router Alert option
 * (IP_OPTIONS), TTL 1, precedence Internetwork Control, no loopback; per
 * message IP_MULTICAST_IF picks the interface and IP_PKTINFO sets its
 * primary address as source.  The socket's receive side is closed with a
 * drop-everything filter: it would otherwise queue every local IGMP packet.
 *
 * MLD the same way: one AF_PACKET socket per interface for ETH_P_IPV6,
 * with a filter that passes ICMPv6 of the MLD types only, directly after
 * the IPv6 header or after a Hop-by-Hop header (that is where the Router
 * Alert is; a message without one is passed too, to be counted as such).
 * No raw ICMPv6 socket either: without MRT6_INIT (and the kernel may not
 * have CONFIG_IPV6_MROUTE) it would not see the reports.
 *
 * Sending MLD: the core builds the whole IPv6 packet -- header with hop
 * limit 1 and our link-local source, the Hop-by-Hop Router Alert, the MLD
 * message and its checksum (mld_pkt.c) -- and one raw IPPROTO_RAW socket
 * (header included) hands it to the kernel's IPv6 output as it is, out of
 * the interface IPV6_PKTINFO names, no loopback.  The kernel then maps the
 * multicast destination to the link's own header, as for its own MLD
 * (ndisc_mc_map): 33:33 + the group's last 32 bits on Ethernet, nothing
 * on tun or ipip/sit/ip6tnl, the tunnel's remote end on GRE -- so MLD
 * runs on any link IPv6 runs on, as IGMP does through its raw socket.
 * (AF_PACKET with a 33:33 link address, which this replaced, is wrong
 * wherever the link address is not a MAC: refused on ip6tnl and
 * InfiniBand, taken as the outer destination on GRE.)  Our link-local
 * address comes from getifaddrs().
 *
 * Not thread-safe: one thread polls and reads (it may differ from the
 * threads that call into struct igmp).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <ifaddrs.h>
#include <linux/filter.h>
#include <linux/if_ether.h>
#include <linux/if_packet.h>
#include <net/if.h>
#include <netinet/in.h>
#include <sys/ioctl.h>
#include <sys/socket.h>

#include "proto/igmp.h"
#include "proto/mld_pkt.h"

#define RX_BUF 65536 /* the largest IPv4 packet */
#define RX_RCVBUF (1 << 20)
/* Frames read per call: others wait for the next poll round. */
#define RX_BUDGET 256
#define IPOPT_RA 148

#ifndef PACKET_IGNORE_OUTGOING
#define PACKET_IGNORE_OUTGOING 23
#endif

struct sock_if {
	uint32_t ifindex;
	int fd;
	bool v6; /* MLD */
};

struct igmp_sock {
	int tx; /* raw IGMP, send only */
	int tx6; /* raw IPv6, header included, send only (MLD) */
	int ctl; /* for SIOCGIFADDR */
	struct sock_if *ifs;
	int n, cap;
	uint8_t buf[RX_BUF];
};

static uint64_t sock_now(void *ctx)
{
	struct timespec ts;

	(void)ctx;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

static uint32_t sock_if_addr(void *ctx, uint32_t ifindex)
{
	struct igmp_sock *s = ctx;
	struct ifreq ifr = { 0 };

	if (!if_indextoname(ifindex, ifr.ifr_name))
		return 0;
	ifr.ifr_addr.sa_family = AF_INET;
	/* The kernel answers with the interface's primary address. */
	if (ioctl(s->ctl, SIOCGIFADDR, &ifr))
		return 0;
	return ((struct sockaddr_in *)&ifr.ifr_addr)->sin_addr.s_addr;
}

/* Send buf to `to' with one control message, a pktinfo (level, type). */
static int send_pktinfo(int fd, const void *to, socklen_t tolen,
			const void *buf, size_t len, int level, int type,
			const void *pi, size_t pilen)
{
	union {
		char buf[CMSG_SPACE(sizeof(struct in6_pktinfo))];
		struct cmsghdr align;
	} cbuf;
	struct iovec iov = { .iov_base = (void *)buf, .iov_len = len };
	struct msghdr msg = {
		.msg_name = (void *)to,
		.msg_namelen = tolen,
		.msg_iov = &iov,
		.msg_iovlen = 1,
		.msg_control = cbuf.buf,
		.msg_controllen = CMSG_SPACE(pilen),
	};
	struct cmsghdr *c;

	memset(cbuf.buf, 0, sizeof(cbuf.buf));
	c = CMSG_FIRSTHDR(&msg);
	c->cmsg_level = level;
	c->cmsg_type = type;
	c->cmsg_len = CMSG_LEN(pilen);
	memcpy(CMSG_DATA(c), pi, pilen);
	if (sendmsg(fd, &msg, MSG_DONTWAIT) < 0)
		return -errno;
	return 0;
}

static int sock_send(void *ctx, uint32_t ifindex, uint32_t dst,
		     const void *igmp, size_t len)
{
	struct igmp_sock *s = ctx;
	struct ip_mreqn mr = { .imr_ifindex = (int)ifindex };
	struct sockaddr_in to = { .sin_family = AF_INET };
	struct in_pktinfo pi = { .ipi_ifindex = (int)ifindex };

	if (setsockopt(s->tx, IPPROTO_IP, IP_MULTICAST_IF, &mr, sizeof(mr)))
		return -errno;
	to.sin_addr.s_addr = dst;
	/* The interface's own address, not whatever routing would pick. */
	pi.ipi_spec_dst.s_addr = sock_if_addr(s, ifindex);
	return send_pktinfo(s->tx, &to, sizeof(to), igmp, len, IPPROTO_IP,
			    IP_PKTINFO, &pi, sizeof(pi));
}

static bool sock_if_addr6(void *ctx, uint32_t ifindex, uint8_t ll[16])
{
	char name[IF_NAMESIZE];
	struct ifaddrs *ifa, *i;
	bool found = false;

	(void)ctx;
	if (!if_indextoname(ifindex, name) || getifaddrs(&ifa))
		return false;
	for (i = ifa; i && !found; i = i->ifa_next) {
		const struct sockaddr_in6 *a = (const void *)i->ifa_addr;

		if (!a || a->sin6_family != AF_INET6 ||
		    strcmp(i->ifa_name, name))
			continue;
		if (!mld_is_link_local(&a->sin6_addr))
			continue;
		memcpy(ll, &a->sin6_addr, 16);
		found = true;
	}
	freeifaddrs(ifa);
	return found;
}

static int sock_send6(void *ctx, uint32_t ifindex, const void *ip6, size_t len)
{
	struct igmp_sock *s = ctx;
	/* The packet's own destination; the scope of a link-scope one. */
	struct sockaddr_in6 to = {
		.sin6_family = AF_INET6,
		.sin6_scope_id = ifindex,
	};
	/*
	 * The interface, whatever the destination's scope, and the source:
	 * the packet's own (the header is ours).  Given here, the kernel
	 * selects no source of its own, which fails (EADDRNOTAVAIL) while
	 * the link-local address is still tentative (DAD) right after the
	 * link came up; IPV6_FREEBIND lets a tentative one be given.
	 */
	struct in6_pktinfo pi = { .ipi6_ifindex = ifindex };

	if (len < 40)
		return -EINVAL;
	memcpy(&pi.ipi6_addr, (const uint8_t *)ip6 + 8, 16);
	memcpy(&to.sin6_addr, (const uint8_t *)ip6 + 24, 16);
	return send_pktinfo(s->tx6, &to, sizeof(to), ip6, len, IPPROTO_IPV6,
			    IPV6_PKTINFO, &pi, sizeof(pi));
}

void igmp_sock_io(struct igmp_sock *s, struct igmp_io *io)
{
	*io = (struct igmp_io){
		.send = sock_send,
		.if_addr = sock_if_addr,
		.now_ns = sock_now,
		.ctx = s,
		.send6 = sock_send6,
		.if_addr6 = sock_if_addr6,
	};
}

static int setopt(int fd, int level, int name, const void *v, socklen_t l)
{
	return setsockopt(fd, level, name, v, l) ? -errno : 0;
}

/* A raw socket for sending only: its receive side drops everything. */
static int open_raw_tx(int family, int protocol)
{
	struct sock_filter drop = BPF_STMT(BPF_RET | BPF_K, 0);
	struct sock_fprog fprog = { .len = 1, .filter = &drop };
	int fd, err;

	fd = socket(family, SOCK_RAW | SOCK_CLOEXEC, protocol);
	if (fd < 0)
		return -errno;
	err = setopt(fd, SOL_SOCKET, SO_ATTACH_FILTER, &fprog, sizeof(fprog));
	if (err) {
		close(fd);
		return err;
	}
	return fd;
}

static int open_tx(void)
{
	/* RFC 2113 Router Alert: type 148, length 4, value 0. */
	static const uint8_t ra[4] = { IPOPT_RA, 4, 0, 0 };
	int one = 1, zero = 0, tos = 0xc0;
	int fd, err;

	fd = open_raw_tx(AF_INET, IPPROTO_IGMP);
	if (fd < 0)
		return fd;
	err = setopt(fd, IPPROTO_IP, IP_OPTIONS, ra, sizeof(ra));
	if (!err)
		err = setopt(fd, IPPROTO_IP, IP_MULTICAST_TTL, &one,
			     sizeof(one));
	if (!err)
		err = setopt(fd, IPPROTO_IP, IP_TTL, &one, sizeof(one));
	if (!err)
		err = setopt(fd, IPPROTO_IP, IP_MULTICAST_LOOP, &zero,
			     sizeof(zero));
	/* RFC 2236/3376: IP Precedence of Internetwork Control. */
	if (!err)
		err = setopt(fd, IPPROTO_IP, IP_TOS, &tos, sizeof(tos));
	if (err) {
		close(fd);
		return err;
	}
	return fd;
}

/* MLD: IPv6 packets, header included (IPPROTO_RAW), no loopback. */
static int open_tx6(void)
{
	int zero = 0, one = 1, fd, err;

	fd = open_raw_tx(AF_INET6, IPPROTO_RAW);
	if (fd < 0)
		return fd;
	err = setopt(fd, IPPROTO_IPV6, IPV6_MULTICAST_LOOP, &zero,
		     sizeof(zero));
	if (!err)
		err = setopt(fd, IPPROTO_IPV6, IPV6_FREEBIND, &one,
			     sizeof(one));
	if (err) {
		close(fd);
		return err;
	}
	return fd;
}

int igmp_sock_open(struct igmp_sock **out)
{
	struct igmp_sock *s = calloc(1, sizeof(*s));
	int err;

	if (!s)
		return -ENOMEM;
	s->tx = open_tx();
	if (s->tx < 0) {
		err = s->tx;
		free(s);
		return err;
	}
	s->ctl = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (s->ctl < 0) {
		err = -errno;
		close(s->tx);
		free(s);
		return err;
	}
	s->tx6 = open_tx6();
	if (s->tx6 < 0) {
		err = s->tx6;
		close(s->ctl);
		close(s->tx);
		free(s);
		return err;
	}
	*out = s;
	return 0;
}

void igmp_sock_close(struct igmp_sock *s)
{
	int i;

	if (!s)
		return;
	for (i = 0; i < s->n; i++)
		close(s->ifs[i].fd);
	free(s->ifs);
	close(s->tx);
	close(s->tx6);
	close(s->ctl);
	free(s);
}

static const struct sock_filter filter4[] = {
	/* On SOCK_DGRAM packet sockets offset 0 is the IPv4 header. */
	BPF_STMT(BPF_LD | BPF_B | BPF_ABS, 0),
	BPF_STMT(BPF_ALU | BPF_AND | BPF_K, 0xf0),
	BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, 0x40, 0, 3),
	BPF_STMT(BPF_LD | BPF_B | BPF_ABS, 9),
	BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, IPPROTO_IGMP, 0, 1),
	BPF_STMT(BPF_RET | BPF_K, RX_BUF),
	BPF_STMT(BPF_RET | BPF_K, 0),
};

/*
 * IPv6 carrying ICMPv6 of type 130..132 or 143, the ICMPv6 header right
 * after the IPv6 header or after one Hop-by-Hop header (at 40 + its
 * length).  Anything else (other extension headers first) is not MLD a
 * router takes (the codec refuses it too) and is not copied to us.
 */
static const struct sock_filter filter6[] = {
	/* 0 */ BPF_STMT(BPF_LD | BPF_B | BPF_ABS, 0),
	/* 1 */ BPF_STMT(BPF_ALU | BPF_AND | BPF_K, 0xf0),
	/* 2 */ BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, 0x60, 0, 16),
	/* 3 */ BPF_STMT(BPF_LD | BPF_B | BPF_ABS, 6),
	/* 4 */ BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, IPPROTO_ICMPV6, 0, 2),
	/* 5 */ BPF_STMT(BPF_LDX | BPF_W | BPF_IMM, 0),
	/* 6 */ BPF_JUMP(BPF_JMP | BPF_JA, 7, 0, 0),
	/* 7 */ BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, IPPROTO_HOPOPTS, 0, 11),
	/* 8 */ BPF_STMT(BPF_LD | BPF_B | BPF_ABS, 40),
	/* 9 */ BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, IPPROTO_ICMPV6, 0, 9),
	/* 10 */ BPF_STMT(BPF_LD | BPF_B | BPF_ABS, 41),
	/* 11 */ BPF_STMT(BPF_ALU | BPF_ADD | BPF_K, 1),
	/* 12 */ BPF_STMT(BPF_ALU | BPF_LSH | BPF_K, 3),
	/* 13 */ BPF_STMT(BPF_MISC | BPF_TAX, 0),
	/* X = offset of the ICMPv6 header after the IPv6 header */
	/* 14 */ BPF_STMT(BPF_LD | BPF_B | BPF_IND, 40),
	/* 15 */ BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, MLD_V2_REPORT, 2, 0),
	/* 16 */ BPF_JUMP(BPF_JMP | BPF_JGE | BPF_K, MLD_QUERY, 0, 2),
	/* 17 */ BPF_JUMP(BPF_JMP | BPF_JGT | BPF_K, MLD_V1_DONE, 1, 0),
	/* 18 */ BPF_STMT(BPF_RET | BPF_K, RX_BUF),
	/* 19 */ BPF_STMT(BPF_RET | BPF_K, 0),
};

static int open_rx(uint32_t ifindex, bool v6)
{
	struct sock_fprog fprog = {
		.len = v6 ? sizeof(filter6) / sizeof(filter6[0]) :
			    sizeof(filter4) / sizeof(filter4[0]),
		.filter = (struct sock_filter *)(v6 ? filter6 : filter4),
	};
	struct sockaddr_ll sll = {
		.sll_family = AF_PACKET,
		.sll_protocol = htons(v6 ? ETH_P_IPV6 : ETH_P_IP),
		.sll_ifindex = (int)ifindex,
	};
	struct packet_mreq mr = {
		.mr_ifindex = (int)ifindex,
		.mr_type = PACKET_MR_ALLMULTI,
	};
	int fd, err, one = 1, size = RX_RCVBUF;

	/*
	 * Protocol 0 receives nothing until bind(): no frame of another
	 * interface, and none before the filter, can reach the queue.
	 */
	fd = socket(AF_PACKET, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	err = setopt(fd, SOL_SOCKET, SO_ATTACH_FILTER, &fprog, sizeof(fprog));
	/* Older kernels lack it; the pkttype check below covers them. */
	if (!err)
		setopt(fd, SOL_PACKET, PACKET_IGNORE_OUTGOING, &one,
		       sizeof(one));
	if (!err && setopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &size, sizeof(size)))
		setopt(fd, SOL_SOCKET, SO_RCVBUF, &size, sizeof(size));
	if (!err && bind(fd, (struct sockaddr *)&sll, sizeof(sll)))
		err = -errno;
	/* Reports go to group MACs nobody on this host joined. */
	if (!err)
		err = setopt(fd, SOL_PACKET, PACKET_ADD_MEMBERSHIP, &mr,
			     sizeof(mr));
	if (err) {
		close(fd);
		return err;
	}
	return fd;
}

static int add_if(struct igmp_sock *s, uint32_t ifindex, bool v6)
{
	int i, fd;

	if (!s || !ifindex)
		return -EINVAL;
	for (i = 0; i < s->n; i++)
		if (s->ifs[i].ifindex == ifindex && s->ifs[i].v6 == v6)
			return -EEXIST;
	if (s->n == s->cap) {
		int nc = s->cap ? s->cap * 2 : 8;
		struct sock_if *nv = realloc(s->ifs, nc * sizeof(*nv));

		if (!nv)
			return -ENOMEM;
		s->ifs = nv;
		s->cap = nc;
	}
	fd = open_rx(ifindex, v6);
	if (fd < 0)
		return fd;
	s->ifs[s->n++] = (struct sock_if){ ifindex, fd, v6 };
	return fd;
}

static int del_if(struct igmp_sock *s, uint32_t ifindex, bool v6)
{
	int i;

	if (!s)
		return -EINVAL;
	for (i = 0; i < s->n; i++) {
		if (s->ifs[i].ifindex == ifindex && s->ifs[i].v6 == v6) {
			close(s->ifs[i].fd);
			s->ifs[i] = s->ifs[--s->n];
			return 0;
		}
	}
	return -ENOENT;
}

int igmp_sock_add_if(struct igmp_sock *s, uint32_t ifindex)
{
	return add_if(s, ifindex, false);
}

int igmp_sock_del_if(struct igmp_sock *s, uint32_t ifindex)
{
	return del_if(s, ifindex, false);
}

int igmp_sock_add_if6(struct igmp_sock *s, uint32_t ifindex)
{
	return add_if(s, ifindex, true);
}

int igmp_sock_del_if6(struct igmp_sock *s, uint32_t ifindex)
{
	return del_if(s, ifindex, true);
}

int igmp_sock_fds(struct igmp_sock *s, int *fds, int max)
{
	int i;

	if (!s)
		return 0;
	for (i = 0; i < s->n && i < max; i++)
		fds[i] = s->ifs[i].fd;
	return s->n;
}

int igmp_sock_input(struct igmp_sock *s, struct igmp *g, int fd)
{
	uint32_t ifindex = 0;
	int i, n = 0;

	if (!s)
		return -EINVAL;
	for (i = 0; i < s->n; i++)
		if (s->ifs[i].fd == fd)
			ifindex = s->ifs[i].ifindex;
	if (!ifindex)
		return -ENOENT;
	for (i = 0; i < RX_BUDGET; i++) {
		struct sockaddr_ll from;
		socklen_t fl = sizeof(from);
		ssize_t r;

		r = recvfrom(fd, s->buf, sizeof(s->buf),
			     MSG_DONTWAIT | MSG_TRUNC, (struct sockaddr *)&from,
			     &fl);
		if (r < 0) {
			if (errno == EINTR)
				continue;
			if (errno == EAGAIN || errno == EWOULDBLOCK)
				break;
			return n ? n : -errno;
		}
		if (from.sll_pkttype == PACKET_OUTGOING)
			continue;
		/* A truncated copy is handed in as such: it fails the
		 * length checks and is counted, not guessed at. */
		igmp_input(g, ifindex, s->buf,
			   (size_t)r < sizeof(s->buf) ? (size_t)r :
							sizeof(s->buf));
		n++;
	}
	return n;
}
