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
#include <linux/filter.h>
#include <linux/if_ether.h>
#include <linux/if_packet.h>
#include <net/if.h>
#include <netinet/in.h>
#include <sys/ioctl.h>
#include <sys/socket.h>

#include "proto/igmp.h"

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
};

struct igmp_sock {
	int tx; /* raw IGMP, send only */
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

static int sock_send(void *ctx, uint32_t ifindex, uint32_t dst,
		     const void *igmp, size_t len)
{
	struct igmp_sock *s = ctx;
	struct ip_mreqn mr = { .imr_ifindex = (int)ifindex };
	struct sockaddr_in to = { .sin_family = AF_INET };
	union {
		char buf[CMSG_SPACE(sizeof(struct in_pktinfo))];
		struct cmsghdr align;
	} cbuf;
	struct iovec iov = { .iov_base = (void *)igmp, .iov_len = len };
	struct msghdr msg = {
		.msg_name = &to,
		.msg_namelen = sizeof(to),
		.msg_iov = &iov,
		.msg_iovlen = 1,
		.msg_control = cbuf.buf,
		.msg_controllen = sizeof(cbuf.buf),
	};
	struct cmsghdr *c;
	struct in_pktinfo pi = { .ipi_ifindex = (int)ifindex };

	if (setsockopt(s->tx, IPPROTO_IP, IP_MULTICAST_IF, &mr, sizeof(mr)))
		return -errno;
	to.sin_addr.s_addr = dst;
	/* The interface's own address, not whatever routing would pick. */
	pi.ipi_spec_dst.s_addr = sock_if_addr(s, ifindex);
	memset(cbuf.buf, 0, sizeof(cbuf.buf));
	c = CMSG_FIRSTHDR(&msg);
	c->cmsg_level = IPPROTO_IP;
	c->cmsg_type = IP_PKTINFO;
	c->cmsg_len = CMSG_LEN(sizeof(pi));
	memcpy(CMSG_DATA(c), &pi, sizeof(pi));
	if (sendmsg(s->tx, &msg, MSG_DONTWAIT) < 0)
		return -errno;
	return 0;
}

void igmp_sock_io(struct igmp_sock *s, struct igmp_io *io)
{
	*io = (struct igmp_io){
		.send = sock_send,
		.if_addr = sock_if_addr,
		.now_ns = sock_now,
		.ctx = s,
	};
}

static int setopt(int fd, int level, int name, const void *v, socklen_t l)
{
	return setsockopt(fd, level, name, v, l) ? -errno : 0;
}

static int open_tx(void)
{
	/* RFC 2113 Router Alert: type 148, length 4, value 0. */
	static const uint8_t ra[4] = { IPOPT_RA, 4, 0, 0 };
	struct sock_filter drop = BPF_STMT(BPF_RET | BPF_K, 0);
	struct sock_fprog fprog = { .len = 1, .filter = &drop };
	int one = 1, zero = 0, tos = 0xc0;
	int fd, err;

	fd = socket(AF_INET, SOCK_RAW | SOCK_CLOEXEC, IPPROTO_IGMP);
	if (fd < 0)
		return -errno;
	err = setopt(fd, SOL_SOCKET, SO_ATTACH_FILTER, &fprog, sizeof(fprog));
	if (!err)
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
	close(s->ctl);
	free(s);
}

static int open_rx(uint32_t ifindex)
{
	/* On SOCK_DGRAM packet sockets offset 0 is the IPv4 header. */
	struct sock_filter code[] = {
		BPF_STMT(BPF_LD | BPF_B | BPF_ABS, 0),
		BPF_STMT(BPF_ALU | BPF_AND | BPF_K, 0xf0),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, 0x40, 0, 3),
		BPF_STMT(BPF_LD | BPF_B | BPF_ABS, 9),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, IPPROTO_IGMP, 0, 1),
		BPF_STMT(BPF_RET | BPF_K, RX_BUF),
		BPF_STMT(BPF_RET | BPF_K, 0),
	};
	struct sock_fprog fprog = {
		.len = sizeof(code) / sizeof(code[0]),
		.filter = code,
	};
	struct sockaddr_ll sll = {
		.sll_family = AF_PACKET,
		.sll_protocol = htons(ETH_P_IP),
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

int igmp_sock_add_if(struct igmp_sock *s, uint32_t ifindex)
{
	int i, fd;

	if (!s || !ifindex)
		return -EINVAL;
	for (i = 0; i < s->n; i++)
		if (s->ifs[i].ifindex == ifindex)
			return -EEXIST;
	if (s->n == s->cap) {
		int nc = s->cap ? s->cap * 2 : 8;
		struct sock_if *nv = realloc(s->ifs, nc * sizeof(*nv));

		if (!nv)
			return -ENOMEM;
		s->ifs = nv;
		s->cap = nc;
	}
	fd = open_rx(ifindex);
	if (fd < 0)
		return fd;
	s->ifs[s->n++] = (struct sock_if){ ifindex, fd };
	return fd;
}

int igmp_sock_del_if(struct igmp_sock *s, uint32_t ifindex)
{
	int i;

	if (!s)
		return -EINVAL;
	for (i = 0; i < s->n; i++) {
		if (s->ifs[i].ifindex == ifindex) {
			close(s->ifs[i].fd);
			s->ifs[i] = s->ifs[--s->n];
			return 0;
		}
	}
	return -ENOENT;
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
