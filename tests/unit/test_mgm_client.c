// SPDX-License-Identifier: GPL-2.0
/*
 * test_mgm_client.c - libmgmclient against a scripted fake mgmd: the bytes
 * of every request, the decoding of replies (the buffer contract), the
 * callbacks and their answers, callbacks arriving while a request waits
 * (nested calls, stashed replies), stray and late replies, timeouts,
 * malformed replies, refused peers and version mismatches.
 *
 * The library is compiled into the test (unit tests link libmgm only).
 */
#include <pthread.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "check.h"
#include "client/api.c"
#include "client/client.c"

#define H 0xabcULL
#define G1 0x010101efU /* 239.1.1.1 */
#define G2 0x020202efU

static char path[108];
static int lfd;

/* ---- the fake daemon (its own thread, blocking I/O) ------------------ */

static int f_pass, f_fail;
static pthread_mutex_t f_lock = PTHREAD_MUTEX_INITIALIZER;

#define FCHECK(cond, ...)                                               \
	do {                                                            \
		pthread_mutex_lock(&f_lock);                            \
		if (cond) {                                             \
			f_pass++;                                       \
		} else {                                                \
			f_fail++;                                       \
			fprintf(stderr, "FAIL %s:%d [fake] ", __FILE__, \
				__LINE__);                              \
			fprintf(stderr, __VA_ARGS__);                   \
			fputc('\n', stderr);                            \
		}                                                       \
		pthread_mutex_unlock(&f_lock);                          \
	} while (0)

static void f_send(int fd, uint16_t type, uint32_t seq, uint32_t status,
		   const void *p, size_t len)
{
	struct mgm_ipc_hdr h = { (uint32_t)(sizeof(h) + len), type, 0, seq,
				 status };
	uint8_t buf[4096];

	memcpy(buf, &h, sizeof(h));
	if (len)
		memcpy(buf + sizeof(h), p, len);
	if (write(fd, buf, sizeof(h) + len) != (ssize_t)(sizeof(h) + len))
		abort();
}

/* Two messages in one write: the client reads them together. */
static void f_send2(int fd, uint16_t t1, uint32_t s1, uint32_t st1,
		    const void *p1, size_t l1, uint16_t t2, uint32_t s2,
		    const void *p2, size_t l2)
{
	struct mgm_ipc_hdr h1 = { (uint32_t)(sizeof(h1) + l1), t1, 0, s1, st1 };
	struct mgm_ipc_hdr h2 = { (uint32_t)(sizeof(h2) + l2), t2, 0, s2, 0 };
	uint8_t buf[4096];
	size_t n = 0;

	memcpy(buf, &h1, sizeof(h1));
	memcpy(buf + sizeof(h1), p1, l1);
	n = sizeof(h1) + l1;
	memcpy(buf + n, &h2, sizeof(h2));
	memcpy(buf + n + sizeof(h2), p2, l2);
	n += sizeof(h2) + l2;
	if (write(fd, buf, n) != (ssize_t)n)
		abort();
}

static bool read_all(int fd, void *p, size_t len)
{
	size_t off = 0;

	while (off < len) {
		ssize_t n = read(fd, (uint8_t *)p + off, len - off);

		if (n <= 0)
			return false;
		off += n;
	}
	return true;
}

/* One whole message: its payload length, or -1 on EOF. */
static long f_recv(int fd, struct mgm_ipc_hdr *h, void *p, size_t cap)
{
	if (!read_all(fd, h, sizeof(*h)) || h->len < sizeof(*h) ||
	    h->len - sizeof(*h) > cap || !read_all(fd, p, h->len - sizeof(*h)))
		return -1;
	return (long)(h->len - sizeof(*h));
}

/* Receive a message of the given type and payload size. */
static uint32_t expect(int fd, uint16_t type, size_t len, void *p)
{
	struct mgm_ipc_hdr h;
	uint8_t buf[4096];
	long n = f_recv(fd, &h, buf, sizeof(buf));

	FCHECK(n == (long)len && h.type == type,
	       "message type %u len %ld, want type %u len %zu", h.type, n, type,
	       len);
	if (n > 0)
		memcpy(p, buf, (size_t)n < len ? (size_t)n : len);
	return h.seq;
}

static int f_accept(void)
{
	int fd = accept(lfd, NULL, NULL);

	if (fd < 0)
		abort();
	return fd;
}

static void f_hello(int fd, uint32_t version)
{
	struct mgm_ipc_hello q;
	struct mgm_ipc_hello_reply a = { version, 123, MGM_IPC_MAX, 0 };
	uint32_t seq = expect(fd, MGM_IPC_REQ_HELLO, sizeof(q), &q);

	FCHECK(q.version == MGM_IPC_VERSION && q.pid == (uint32_t)getpid() &&
		       !strcmp(q.name, "unit"),
	       "hello %u %u '%.32s'", q.version, q.pid, q.name);
	f_send(fd, MGM_IPC_REPLY, seq, 0, &a, sizeof(a));
}

static void *fake(void *arg)
{
	union {
		struct mgm_ipc_register reg;
		struct mgm_ipc_interface ifc;
		struct mgm_ipc_membership memb;
		struct mgm_ipc_mfe_query mq;
		struct mgm_ipc_set_mfe sm;
		struct mgm_ipc_enum_start es;
		struct mgm_ipc_enum_next en;
		struct mgm_ipc_handle h;
		struct mgm_ipc_if_query iq;
		struct mgm_ipc_cb_rpf_reply rpf;
		struct mgm_ipc_cb_prune_reply prune;
		uint8_t raw[512];
	} u;
	struct mgm_ipc_buffer_reply br;
	uint8_t buf[512];
	uint32_t seq, seq2;
	int fd;

	(void)arg;
	fd = f_accept();
	f_hello(fd, MGM_IPC_VERSION);

	/* register: the callback mask says which callbacks exist */
	seq = expect(fd, MGM_IPC_REQ_REGISTER, sizeof(u.reg), &u.reg);
	FCHECK(u.reg.protocol_id == 0x1234 && u.reg.component_id == 7 &&
		       u.reg.callback_flags == 0 && u.reg.callbacks == 0x2f,
	       "register %x %u %u %x", u.reg.protocol_id, u.reg.component_id,
	       u.reg.callback_flags, u.reg.callbacks);
	f_send(fd, MGM_IPC_REPLY, seq, 0, &(struct mgm_ipc_handle){ H }, 8);

	/* take: two answering callbacks before the reply, then a stray */
	seq = expect(fd, MGM_IPC_REQ_TAKE_INTERFACE, sizeof(u.ifc), &u.ifc);
	FCHECK(u.ifc.handle == H && u.ifc.ifindex == 5 && !u.ifc.nexthop,
	       "take");
	{
		struct mgm_ipc_cb_creation q = { H, 0x010200c0, ~0U, G1, ~0U,
						 3, 0,		2,   0 };
		struct mgm_if_entry e[2] = { { 5, 0, 0, 1 }, { 6, 0, 1, 1 } };
		struct mgm_ipc_cb_creation_reply a;

		memcpy(buf, &q, sizeof(q));
		memcpy(buf + sizeof(q), e, sizeof(e));
		f_send(fd, MGM_IPC_CB_CREATION_ALERT, 1000, 0, buf,
		       sizeof(q) + sizeof(e));
		seq2 = expect(fd, MGM_IPC_CB_REPLY, sizeof(a) + sizeof(e), buf);
		memcpy(&a, buf, sizeof(a));
		memcpy(e, buf + sizeof(a), sizeof(e));
		FCHECK(seq2 == 1000 && a.if_count == 2 && e[0].ifindex == 5 &&
			       e[0].enabled == 1 && e[1].ifindex == 6 &&
			       e[1].igmp == 1 && e[1].enabled == 0,
		       "creation answer");
	}
	{
		struct mgm_ipc_cb_rpf q = { .handle = H,
					    .source = 0x010200c0,
					    .source_mask = ~0U,
					    .group = G1,
					    .group_mask = ~0U,
					    .in_ifindex = 3,
					    .hdr_size = 4 };
		static const uint8_t hdr[4] = { 0x45, 0, 0, 0x14 };

		q.route.ifindex = 3;
		memcpy(buf, &q, sizeof(q));
		memcpy(buf + sizeof(q), hdr, 4);
		f_send(fd, MGM_IPC_CB_RPF, 1001, 0, buf, sizeof(q) + 4);
		/* The callback's nested call must not reach us. */
		seq2 = expect(fd, MGM_IPC_CB_REPLY, sizeof(u.rpf), &u.rpf);
		FCHECK(seq2 == 1001 && u.rpf.in_ifindex == 9 &&
			       u.rpf.upstream == 0x04030201 &&
			       u.rpf.route.protocol == 77 &&
			       u.rpf.route.ifindex == 3,
		       "rpf answer");
	}
	f_send(fd, MGM_IPC_REPLY, 4242, 0, NULL, 0); /* nobody's */
	f_send(fd, MGM_IPC_REPLY, seq, 0, NULL, 0);

	/* a prune alert, handled by mgmc_dispatch() */
	{
		struct mgm_ipc_cb_prune q = { H, 0, 0, G1, ~0U, 5, 0, 0, 900 };

		f_send(fd, MGM_IPC_CB_PRUNE_ALERT, 1002, 0, &q, sizeof(q));
		seq2 = expect(fd, MGM_IPC_CB_REPLY, sizeof(u.prune), &u.prune);
		FCHECK(seq2 == 1002 && u.prune.timeout == 60, "prune answer");
	}

	/* add: a join alert whose callback calls mgmc_* (nested); the
	 * outer reply comes first and must wait for the nested one */
	seq = expect(fd, MGM_IPC_REQ_ADD_MEMBERSHIP, sizeof(u.memb), &u.memb);
	FCHECK(u.memb.handle == H && !u.memb.source && !u.memb.source_mask &&
		       u.memb.group == G1 && u.memb.group_mask == ~0U &&
		       u.memb.ifindex == 5 && u.memb.flags == 1,
	       "add membership");
	{
		struct mgm_ipc_cb_join q = { H, 0, 0, G1, ~0U, 1, 0 };

		f_send(fd, MGM_IPC_CB_JOIN_ALERT, 1003, 0, &q, sizeof(q));
	}
	f_send(fd, MGM_IPC_REPLY, seq, 0, NULL, 0);
	seq2 = expect(fd, MGM_IPC_REQ_GET_PROTOCOL_ON_INTERFACE, sizeof(u.iq),
		      &u.iq);
	FCHECK(u.iq.ifindex == 5, "nested request");
	f_send(fd, MGM_IPC_REPLY, seq2, 0,
	       &(struct mgm_ipc_if_owner){ 0x1234, 7 }, 8);

	/* GetFirstMfe: too small, then two records, then a capped size */
	seq = expect(fd, MGM_IPC_REQ_GET_FIRST_MFE, sizeof(u.mq), &u.mq);
	FCHECK(u.mq.buffer_size == 100 && !u.mq.flags, "first mfe 100");
	br = (struct mgm_ipc_buffer_reply){ 140, 0 };
	f_send(fd, MGM_IPC_REPLY, seq, MGM_ERROR_INSUFFICIENT_BUFFER, &br,
	       sizeof(br));
	seq = expect(fd, MGM_IPC_REQ_GET_FIRST_MFE, sizeof(u.mq), &u.mq);
	FCHECK(u.mq.buffer_size == 200, "first mfe 200");
	{
		struct mgm_ipmcast_mfe r1 = { .group = G1, .num_oifs = 0 };
		struct mgm_ipmcast_mfe r2 = { .group = G2, .num_oifs = 1 };
		struct mgm_ipmcast_oif o = { .out_ifindex = 5 };

		br = (struct mgm_ipc_buffer_reply){ 200, 2 };
		memcpy(buf, &br, 8);
		memcpy(buf + 8, &r1, 60);
		memcpy(buf + 68, &r2, 60);
		memcpy(buf + 128, &o, 16);
		f_send(fd, MGM_IPC_REPLY, seq, MGM_ERROR_MORE_DATA, buf, 144);
	}
	seq = expect(fd, MGM_IPC_REQ_GET_NEXT_MFE, sizeof(u.mq), &u.mq);
	FCHECK(u.mq.buffer_size == MGM_IPC_BUF_MAX && u.mq.mfe[0] == G2,
	       "next mfe capped %u, start group %x", u.mq.buffer_size,
	       u.mq.mfe[0]);
	br = (struct mgm_ipc_buffer_reply){ MGM_IPC_BUF_MAX, 0 };
	f_send(fd, MGM_IPC_REPLY, seq, MGM_ERROR_NO_MORE_ITEMS, &br,
	       sizeof(br));

	/* GetMfeStats without a buffer: a size probe */
	seq = expect(fd, MGM_IPC_REQ_GET_MFE_STATS, sizeof(u.mq), &u.mq);
	FCHECK(!u.mq.buffer_size && u.mq.flags == MGM_MFE_STATS_1 &&
		       u.mq.mfe[0] == G1 && u.mq.mfe[1] == 0x010200c0,
	       "mfe stats probe");
	br = (struct mgm_ipc_buffer_reply){ 112, 0 };
	f_send(fd, MGM_IPC_REPLY, seq, MGM_ERROR_INSUFFICIENT_BUFFER, &br,
	       sizeof(br));

	/* refused as malformed */
	seq = expect(fd, MGM_IPC_REQ_GET_PROTOCOL_ON_INTERFACE, sizeof(u.iq),
		     &u.iq);
	{
		/* ... with a callback right behind it, in the same read */
		struct mgm_ipc_cb_local q = { H, 0, 0, G1, ~0U, 5, 0 };

		f_send2(fd, MGM_IPC_ERROR, seq, MGM_ERROR_INVALID_PARAMETER,
			"nope", 4, MGM_IPC_CB_LOCAL_JOIN, 1005, &q, sizeof(q));
	}

	/* group enumeration and SetMfe */
	seq = expect(fd, MGM_IPC_REQ_GROUP_ENUM_START, sizeof(u.es), &u.es);
	FCHECK(u.es.handle == H && u.es.type == MGM_ALL_SOURCES, "enum start");
	f_send(fd, MGM_IPC_REPLY, seq, 0, &(struct mgm_ipc_handle){ 0xe1 }, 8);
	seq = expect(fd, MGM_IPC_REQ_GROUP_ENUM_GET_NEXT, sizeof(u.en), &u.en);
	FCHECK(u.en.enum_handle == 0xe1 && u.en.buffer_size == 32, "enum next");
	{
		struct mgm_source_group sg = { 0, 0, G1, ~0U };

		br = (struct mgm_ipc_buffer_reply){ 32, 1 };
		memcpy(buf, &br, 8);
		memcpy(buf + 8, &sg, 16);
		f_send(fd, MGM_IPC_REPLY, seq, MGM_ERROR_NO_MORE_ITEMS, buf,
		       24);
	}
	seq = expect(fd, MGM_IPC_REQ_GROUP_ENUM_END, sizeof(u.h), &u.h);
	FCHECK(u.h.handle == 0xe1, "enum end");
	f_send(fd, MGM_IPC_REPLY, seq, 0, NULL, 0);
	seq = expect(fd, MGM_IPC_REQ_SET_MFE, sizeof(u.sm), &u.sm);
	FCHECK(u.sm.handle == H && u.sm.mfe[0] == G1 && u.sm.mfe[3] == 0x63,
	       "set mfe");
	f_send(fd, MGM_IPC_REPLY, seq, 0, NULL, 0);

	/* shut down from outside; then callbacks for it get defaults */
	{
		struct mgm_ipc_ev_shutdown ev = { H, MGM_IPC_SHUTDOWN_ADMIN,
						  0 };
		struct mgm_ipc_cb_prune q = { H, 0, 0, G1, ~0U, 5, 0, 0, 900 };

		f_send(fd, MGM_IPC_EV_SHUTDOWN, 0, 0, &ev, sizeof(ev));
		f_send(fd, MGM_IPC_CB_PRUNE_ALERT, 1004, 0, &q, sizeof(q));
		seq2 = expect(fd, MGM_IPC_CB_REPLY, sizeof(u.prune), &u.prune);
		FCHECK(seq2 == 1004 && u.prune.timeout == 900,
		       "unknown handle: values kept");
	}

	/* no reply: the request times out; its late reply is dropped */
	seq = expect(fd, MGM_IPC_REQ_DEREGISTER, sizeof(u.h), &u.h);
	seq2 = expect(fd, MGM_IPC_REQ_GET_PROTOCOL_ON_INTERFACE, sizeof(u.iq),
		      &u.iq);
	f_send(fd, MGM_IPC_REPLY, seq, MGM_ERROR_NOT_FOUND, NULL, 0);
	f_send(fd, MGM_IPC_REPLY, seq2, 0,
	       &(struct mgm_ipc_if_owner){ 0x55, 1 }, 8);

	/* a malformed reply (a payload where none belongs) */
	seq = expect(fd, MGM_IPC_REQ_TAKE_INTERFACE, sizeof(u.ifc), &u.ifc);
	f_send(fd, MGM_IPC_REPLY, seq, 0, "xxxx", 4);
	close(fd);

	/* a refused peer; a daemon of another version */
	fd = f_accept();
	f_send(fd, MGM_IPC_ERROR, 0, MGM_ERROR_INVALID_PARAMETER,
	       "permission denied", 17);
	close(fd);
	fd = f_accept();
	f_hello(fd, MGM_IPC_VERSION + 1);
	close(fd);
	return NULL;
}

/* ---- the client ------------------------------------------------------ */

static struct mgmc *cl;
static int n_creation, n_rpf, n_prune, n_join, n_shutdown;
static uint32_t nested_r = 1, in_rpf_r;

static uint32_t t_rpf(void *ctx, uint32_t s, uint32_t sm, uint32_t g,
		      uint32_t gm, uint32_t *iif, uint32_t *nh, uint32_t *up,
		      uint32_t hs, const uint8_t *hdr,
		      struct mgm_route_info *route)
{
	uint32_t pid, cid;

	(void)sm, (void)gm, (void)nh;
	CHECK(ctx == &n_rpf && s == 0x010200c0 && g == G1 && *iif == 3 &&
		      hs == 4 && hdr[0] == 0x45 && hdr[3] == 0x14,
	      "rpf arguments");
	/* mgmd waits for this answer: a call from here fails at once. */
	in_rpf_r = mgmc_get_protocol_on_interface(cl, 5, 0, &pid, &cid);
	*iif = 9;
	*up = 0x04030201;
	route->protocol = 77;
	n_rpf++;
	return 0;
}

static uint32_t t_creation(void *ctx, uint32_t s, uint32_t sm, uint32_t g,
			   uint32_t gm, uint32_t iif, uint32_t nh, uint32_t n,
			   struct mgm_if_entry *oifs)
{
	(void)ctx, (void)s, (void)sm, (void)gm, (void)nh;
	CHECK(g == G1 && iif == 3 && n == 2 && oifs[1].ifindex == 6,
	      "creation arguments");
	oifs[1].enabled = 0;
	n_creation++;
	return 0;
}

static uint32_t t_prune(void *ctx, uint32_t s, uint32_t sm, uint32_t g,
			uint32_t gm, uint32_t ifindex, uint32_t nh, int32_t del,
			uint32_t *timeout)
{
	(void)ctx, (void)s, (void)sm, (void)g, (void)gm, (void)nh;
	CHECK(ifindex == 5 && !del && *timeout == 900, "prune arguments");
	*timeout = 60;
	n_prune++;
	return 0;
}

static uint32_t t_join(void *ctx, uint32_t s, uint32_t sm, uint32_t g,
		       uint32_t gm, int32_t upd)
{
	uint32_t pid = 0, cid = 0;

	(void)ctx, (void)s, (void)sm, (void)gm;
	CHECK(g == G1 && upd == 1, "join arguments");
	/* A nested call while the outer request waits. */
	nested_r = mgmc_get_protocol_on_interface(cl, 5, 0, &pid, &cid);
	CHECK(pid == 0x1234 && cid == 7, "nested reply decoded");
	n_join++;
	return 0;
}

static int n_local;

static uint32_t t_local(void *ctx, uint32_t s, uint32_t sm, uint32_t g,
			uint32_t gm, uint32_t ifindex, uint32_t nh)
{
	(void)ctx, (void)s, (void)sm, (void)gm, (void)nh;
	CHECK(g == G1 && ifindex == 5, "local join arguments");
	n_local++;
	return 0;
}

static void t_shutdown(void *arg, mgm_handle_t h, uint32_t reason)
{
	CHECK(arg == &n_shutdown && h == H && reason == 1, "shutdown event");
	n_shutdown++;
}

static void dispatch_until(int *counter, int want)
{
	int k;

	for (k = 0; k < 200 && *counter < want; k++) {
		struct pollfd p = { .fd = mgmc_fd(cl), .events = POLLIN };

		poll(&p, 1, 10);
		mgmc_dispatch(cl);
	}
}

int main(void)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	struct mgm_protocol_config cfg = {
		.ctx = &n_rpf,
		.rpf = t_rpf,
		.creation_alert = t_creation,
		.prune_alert = t_prune,
		.join_alert = t_join,
		.local_join = t_local,
	};
	struct mgm_ipmcast_mfe key = { .group = G1, .source = 0x010200c0 };
	uint32_t r, size, n, pid, cid;
	uint8_t buf[256];
	mgm_handle_t h = 0, eh = 0;
	pthread_t th;

	alarm(30);
	snprintf(path, sizeof(path), "/tmp/mgmc-test.%d.sock", (int)getpid());
	strcpy(sa.sun_path, path);
	unlink(path);
	lfd = socket(AF_UNIX, SOCK_STREAM, 0);
	if (lfd < 0 || bind(lfd, (struct sockaddr *)&sa, sizeof(sa)) ||
	    listen(lfd, 4) || pthread_create(&th, NULL, fake, NULL))
		abort();

	check_begin("connect");
	cl = mgmc_connect_as(path, "unit");
	CHECK(cl != NULL, "connect: %s", mgmc_last_error());
	if (!cl)
		return check_summary();
	CHECK_EQ(mgmc_callback_timeout_ms(cl), 123, "callback timeout");
	mgmc_on_shutdown(cl, t_shutdown, &n_shutdown);

	check_begin("register");
	CHECK_EQ(mgmc_register_protocol(cl, NULL, 1, 1, &h),
		 MGM_ERROR_INVALID_PARAMETER, "NULL config");
	CHECK_EQ(mgmc_register_protocol(cl, &cfg, 0x1234, 7, &h), 0,
		 "register");
	CHECK_EQ(h, H, "handle");

	check_begin("callbacks while a request waits");
	CHECK_EQ(mgmc_take_interface_ownership(cl, h, 5, 0), 0, "take");
	CHECK_EQ(n_creation, 1, "creation alert ran");
	CHECK_EQ(n_rpf, 1, "rpf ran");
	CHECK_EQ(in_rpf_r, MGM_ERROR_CAN_NOT_COMPLETE,
		 "call from inside an answering callback");

	check_begin("dispatch");
	dispatch_until(&n_prune, 1);
	CHECK_EQ(n_prune, 1, "prune alert ran from mgmc_dispatch");

	check_begin("nested call, stashed reply");
	CHECK_EQ(mgmc_add_group_membership_entry(cl, h, 0, 0, G1, ~0U, 5, 0,
						 MGM_JOIN_STATE_FLAG),
		 0, "add");
	CHECK_EQ(n_join, 1, "join alert ran");
	CHECK_EQ(nested_r, 0, "nested call");

	check_begin("buffer contract");
	size = 100;
	CHECK_EQ(mgmc_get_first_mfe(cl, &size, buf, &n),
		 MGM_ERROR_INSUFFICIENT_BUFFER, "small buffer");
	CHECK_EQ(size, 140, "size needed");
	CHECK_EQ(n, 0, "no entries");
	size = 200;
	CHECK_EQ(mgmc_get_first_mfe(cl, &size, buf, &n), MGM_ERROR_MORE_DATA,
		 "two records");
	CHECK_EQ(size, 200, "size unchanged");
	CHECK_EQ(n, 2, "entries");
	{
		struct mgm_ipmcast_mfe r2;
		struct mgm_ipmcast_oif o;

		memcpy(&r2, buf + MGM_SIZEOF_MFE(0), sizeof(r2));
		memcpy(&o, buf + MGM_SIZEOF_MFE(0) + MGM_SIZEOF_BASIC_MFE,
		       sizeof(o));
		CHECK(r2.group == G2 && r2.num_oifs == 1 && o.out_ifindex == 5,
		      "records decoded");
		size = 1 << 20;
		r = mgmc_get_next_mfe(cl, &r2, &size, buf, &n);
	}
	CHECK_EQ(r, MGM_ERROR_NO_MORE_ITEMS, "end");
	CHECK_EQ(size, 1 << 20, "size untouched");
	CHECK_EQ(n, 0, "no entries at the end");
	CHECK_EQ(mgmc_get_next_mfe(cl, &key, &size, NULL, &n),
		 MGM_ERROR_INVALID_PARAMETER, "NULL buffer of non-zero size");
	size = 0;
	CHECK_EQ(mgmc_get_mfe_stats(cl, &key, &size, NULL, MGM_MFE_STATS_1),
		 MGM_ERROR_INSUFFICIENT_BUFFER, "probe");
	CHECK_EQ(size, 112, "probe size");

	check_begin("error reply");
	CHECK_EQ(mgmc_get_protocol_on_interface(cl, 1, 0, &pid, &cid),
		 MGM_ERROR_INVALID_PARAMETER, "MGM_IPC_ERROR");
	CHECK(strstr(mgmc_last_error(), "nope") != NULL, "error text '%s'",
	      mgmc_last_error());
	CHECK_EQ(n_local, 1, "callback read with the reply ran before return");

	check_begin("enumeration, set mfe");
	CHECK_EQ(mgmc_group_enumeration_start(cl, h, MGM_ALL_SOURCES, &eh), 0,
		 "start");
	size = 32;
	CHECK_EQ(mgmc_group_enumeration_get_next(cl, eh, &size, buf, &n),
		 MGM_ERROR_NO_MORE_ITEMS, "get next");
	CHECK(n == 1 && ((struct mgm_source_group *)buf)->group == G1,
	      "enumerated record");
	CHECK_EQ(mgmc_group_enumeration_end(cl, eh), 0, "end");
	key.upstream = 0x63;
	CHECK_EQ(mgmc_set_mfe(cl, h, &key), 0, "set mfe");

	check_begin("shutdown event");
	dispatch_until(&n_shutdown, 1);
	for (n = 0; n < 10; n++) { /* and answer the prune alert after it */
		struct pollfd p = { .fd = mgmc_fd(cl), .events = POLLIN };

		poll(&p, 1, 10);
		mgmc_dispatch(cl);
	}
	CHECK_EQ(n_shutdown, 1, "handler ran");
	CHECK_EQ(n_prune, 1, "no callback for the dead handle");

	check_begin("timeout, late reply");
	mgmc_set_timeout(cl, 100);
	CHECK_EQ(mgmc_deregister_protocol(cl, h), MGM_ERROR_CAN_NOT_COMPLETE,
		 "no reply");
	CHECK(strstr(mgmc_last_error(), "no reply") != NULL, "'%s'",
	      mgmc_last_error());
	mgmc_set_timeout(cl, 5000);
	CHECK_EQ(mgmc_get_protocol_on_interface(cl, 1, 0, &pid, &cid), 0,
		 "next request gets its own reply");
	CHECK_EQ(pid, 0x55, "not the late one");

	check_begin("malformed reply, EOF");
	CHECK_EQ(mgmc_take_interface_ownership(cl, h, 5, 0),
		 MGM_ERROR_CAN_NOT_COMPLETE, "payload where none belongs");
	n = 0;
	while (mgmc_dispatch(cl) >= 0 && n++ < 100)
		usleep(10000);
	CHECK_EQ(mgmc_dispatch(cl), -EPIPE, "EOF seen");
	CHECK_EQ(mgmc_deregister_protocol(cl, h), MGM_ERROR_CAN_NOT_COMPLETE,
		 "request on a dead connection");
	mgmc_close(cl);

	check_begin("refused, version");
	cl = mgmc_connect_as(path, "unit");
	CHECK(!cl && errno == EACCES, "refused peer: errno %d", errno);
	cl = mgmc_connect_as(path, "unit");
	CHECK(!cl && errno == EPROTO, "version mismatch: errno %d", errno);

	pthread_join(th, NULL);
	close(lfd);
	unlink(path);
	check_passed += f_pass;
	check_failed += f_fail;
	return check_summary();
}
