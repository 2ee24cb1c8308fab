// SPDX-License-Identifier: GPL-2.0
/*
 * test_remote_x.c - IPv6 through the external-protocol protocol, end to
 * end: libmgmclient's mgmc_*_x functions (the real client) talk over a
 * socket pair to mgmd's remote handling (the real user/mgmd/remote.c)
 * in front of the real MGM core on the fake datapath (fake_dp.c).
 *
 * A "daemon" thread owns remote.c and MGM's dispatching: it reads the
 * client's messages and passes them to remote_message(); conn_send()
 * below writes to the socket.  The test (main thread) is the external
 * protocol: it registers family-neutral protocols, adds memberships,
 * makes the daemon inject misses, and checks every callback its
 * functions received (with their IPv6 addresses), the answers' effects
 * on MGM's entries, the MFE queries and the group enumeration.  Also:
 * an IPv4-only protocol (MGM's IPv4 callbacks, the old messages) next to
 * them gets no IPv6 callback, and a client refuses the _x functions on a
 * daemon without MGM_IPC_FEAT_FAMILY_X.
 *
 * remote.c and the client are compiled in; their static helpers share
 * names, so the client's are renamed.
 */
#include <poll.h>
#include <pthread.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "check.h"
#include "fake_dp.h"
#include "fake_xproto.h"

#define cb_rpf cl_cb_rpf
#define cb_creation cl_cb_creation
#define cb_prune cl_cb_prune
#define cb_other cl_cb_other
#define answer cl_answer
#define now_ms cl_now_ms
#define addr_ok cl_addr_ok
#define cap cl_cap
#define refused cl_refused
#define hello cl_hello
#include "client/api.c"
#include "client/client.c"
#undef cb_rpf
#undef cb_creation
#undef cb_prune
#undef cb_other
#undef answer
#undef now_ms
#undef addr_ok
#undef cap
#undef refused
#undef hello
#include "mgmd/remote.c"

#define J MGM_JOIN_STATE_FLAG
#define PID_P 0x40000601U
#define PID_Q 0x40000602U
#define PID_O 0x40000401U

/* ---- what remote.c needs from the rest of mgmd ------------------------ */

struct conn {
	int fd;
	void *remote;
};

int conn_send(struct conn *c, uint16_t type, uint32_t seq, uint32_t status,
	      const void *payload, size_t len)
{
	struct mgm_ipc_hdr h = { (uint32_t)(sizeof(h) + len), type, 0, seq,
				 status };
	uint8_t *buf = malloc(sizeof(h) + len);
	size_t off = 0;

	if (!buf)
		return -ENOMEM;
	memcpy(buf, &h, sizeof(h));
	if (len)
		memcpy(buf + sizeof(h), payload, len);
	while (off < sizeof(h) + len) {
		ssize_t n = write(c->fd, buf + off, sizeof(h) + len - off);

		if (n <= 0)
			break;
		off += (size_t)n;
	}
	free(buf);
	return off == sizeof(h) + len ? 0 : -EPIPE;
}

void *conn_remote(struct conn *c)
{
	return c->remote;
}

void conn_set_remote(struct conn *c, void *r)
{
	c->remote = r;
}

int loop_add_ticker(struct loop *l, loop_timeout_cb timeout, loop_tick_cb tick,
		    void *arg)
{
	(void)l, (void)timeout, (void)tick, (void)arg;
	return 0;
}

void log_msg(int level, const char *fmt, ...)
{
	va_list ap;

	if (!getenv("V") || level > LOG_INFO + (getenv("VV") ? 1 : 0))
		return;
	va_start(ap, fmt);
	fputs("mgmd: ", stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
}

const char *mgmd_ifname(uint32_t ifindex, char *buf)
{
	snprintf(buf, IF_NAMESIZE, "if%u", ifindex);
	return buf;
}

uint64_t mgm_dp_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

uint32_t mgm_dp_mfe_count(struct mgm_dp *dp)
{
	(void)dp;
	return 0;
}

/* The fake counts both families in mgm_dp_mfe_count(). */
uint32_t mgm_dp_mfe6_count(struct mgm_dp *dp)
{
	(void)dp;
	return 0;
}

/* ---- the daemon thread --------------------------------------------------- */

static struct fake_dp *fd;
static struct mgm *m;
static struct mgmd dmn;
static struct conn dconn;
static int ctl_pipe[2], done_pipe[2];

/* Work for the daemon thread (it owns remote.c and MGM's dispatch). */
static void (*job)(void *);
static void *job_arg;

/* False once the client is gone. */
static bool daemon_read(void)
{
	static uint8_t rx[2 * MGM_IPC_MAX];
	static size_t len;
	struct mgm_ipc_hdr h;
	ssize_t n = read(dconn.fd, rx + len, sizeof(rx) - len);

	if (n <= 0)
		return false;
	len += (size_t)n;
	while (len >= sizeof(h)) {
		uint64_t payload[MGM_IPC_MAX / 8];

		memcpy(&h, rx, sizeof(h));
		if (h.len < sizeof(h) || len < h.len)
			break;
		memcpy(payload, rx + sizeof(h), h.len - sizeof(h));
		remote_message(&dconn, &h, payload, h.len - sizeof(h));
		memmove(rx, rx + h.len, len - h.len);
		len -= h.len;
	}
	return true;
}

static void *daemon_main(void *arg)
{
	struct pollfd p[2] = { { .fd = dconn.fd, .events = POLLIN },
			       { .fd = ctl_pipe[0], .events = POLLIN } };
	char c;

	(void)arg;
	for (;;) {
		if (poll(p, 2, -1) < 0)
			continue;
		if (p[0].revents & (POLLIN | POLLHUP) && !daemon_read())
			break;
		if (p[1].revents & POLLIN) {
			if (read(ctl_pipe[0], &c, 1) != 1 || c == 'q')
				break;
			job(job_arg);
			if (write(done_pipe[1], "d", 1) != 1)
				abort();
		}
	}
	remote_conn_closed(&dconn);
	return NULL;
}

/* Run fn(arg) on the daemon thread and wait for it. */
static void on_daemon(void (*fn)(void *), void *arg)
{
	char c;

	job = fn;
	job_arg = arg;
	if (write(ctl_pipe[1], "j", 1) != 1 || read(done_pipe[0], &c, 1) != 1)
		abort();
}

/* ---- the external protocol (main thread) ----------------------------------- */

static struct mgmc *mc;
static char cblog[64][160];
static int n_cb;

static void cb_log(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static void cb_log(const char *fmt, ...)
{
	va_list ap;

	if (n_cb == 64)
		return;
	va_start(ap, fmt);
	vsnprintf(cblog[n_cb++], sizeof(cblog[0]), fmt, ap);
	va_end(ap);
	if (getenv("V"))
		fprintf(stderr, "cb: %s\n", cblog[n_cb - 1]);
}

/* Is there a logged callback equal to s?  Dispatches for up to 1 s
 * until there is. */
static bool got(const char *s)
{
	int i, k;

	for (k = 0; k < 100; k++) {
		for (i = 0; i < n_cb; i++)
			if (!strcmp(cblog[i], s))
				return true;
		if (poll(&(struct pollfd){ .fd = mgmc_fd(mc),
					   .events = POLLIN },
			 1, 10) > 0)
			mgmc_dispatch(mc);
	}
	for (i = 0; i < n_cb; i++)
		fprintf(stderr, "  logged: %s\n", cblog[i]);
	return false;
}

static void cb_clear(void)
{
	n_cb = 0;
}

/* Dispatch whatever came within ms. */
static void settle(int ms)
{
	int k;

	for (k = 0; k < ms / 10; k++)
		if (poll(&(struct pollfd){ .fd = mgmc_fd(mc),
					   .events = POLLIN },
			 1, 10) > 0)
			mgmc_dispatch(mc);
}

static void xp_sink(const char *line)
{
	cb_log("%s", line);
}

static uint32_t xp_register(struct xp *p, const char *name, uint32_t families,
			    uint32_t pid)
{
	struct mgm_protocol_config_x c = xp_config(p, name, xp_sink, families);

	return mgmc_register_protocol_x(mc, &c, pid, 1, &p->h);
}

/* An IPv4-only protocol with MGM's IPv4 callbacks (the old messages). */
static uint32_t o_join(void *ctx, uint32_t s, uint32_t sm, uint32_t g,
		       uint32_t gm, int32_t upd)
{
	char a[16], b[16];

	(void)ctx;
	cb_log("O join %s,%s masks %x,%x upd %d",
	       inet_ntop(AF_INET, &s, a, sizeof(a)),
	       inet_ntop(AF_INET, &g, b, sizeof(b)), sm, gm, upd);
	return MGM_NO_ERROR;
}

/* ---- daemon-side jobs -------------------------------------------------------- */

struct miss {
	uint32_t ifindex;
	struct mgm_addr s, g;
	bool wrong_if;
};

static void job_miss(void *arg)
{
	struct miss *x = arg;

	if (x->wrong_if)
		fake_dp_inject_wrong_if_x(fd, x->ifindex, &x->s, &x->g);
	else
		fake_dp_inject_miss_x(fd, x->ifindex, &x->s, &x->g);
	mgm_dispatch(m);
}

struct dpq {
	struct mgm_addr s, g;
	char oifs[64];
	struct fake_mfe e;
	bool present;
	uint64_t applied;
};

static void job_dp(void *arg)
{
	struct dpq *q = arg;

	snprintf(q->oifs, sizeof(q->oifs), "%s",
		 fake_dp_oifs_x(fd, &q->s, &q->g));
	q->present = fake_dp_get_x(fd, &q->s, &q->g, &q->e);
	q->applied = dmn.cstats.answers_applied;
}

static struct dpq dp_query(const struct mgm_addr *s, const struct mgm_addr *g)
{
	struct dpq q = { .s = *s, .g = *g };

	on_daemon(job_dp, &q);
	return q;
}

/* ---- the test ------------------------------------------------------------------ */

static struct mgm_addr S6, G6, G6b, G6c, S4, G4, ANY6;

/* The first MFE record of the reply for (s, g), via mgmc_get_mfe_x. */
static uint32_t get_mfe(const struct mgm_addr *s, const struct mgm_addr *g,
			struct mgm_mfe_x *out)
{
	uint64_t buf[128];
	uint32_t size = sizeof(buf), r;

	r = mgmc_get_mfe_x(mc, s, g, &size, (uint8_t *)buf);
	if (r == MGM_NO_ERROR)
		memcpy(out, buf, sizeof(*out));
	return r;
}

static void test_flow(void)
{
	struct mgm_protocol_config ocfg = { .join_alert = o_join };
	struct xp p = { 0 }, q = { 0 }, l = { 0 };
	struct mgm_source_group_x sgx[8];
	struct mgm_mfe_x e;
	mgm_handle_t oh, eh;
	uint64_t buf[256];
	uint32_t size, n, r, off;
	struct dpq d;
	char b[128];

	check_begin("register");
	CHECK(mgmc_daemon_features(mc) & MGM_IPC_FEAT_FAMILY_X,
	      "mgmd announces MGM_IPC_FEAT_FAMILY_X");
	CHECK_ERR(xp_register(&p, "P", MGM_FAMILY_IPV4 | MGM_FAMILY_IPV6,
			      PID_P),
		  MGM_NO_ERROR);
	CHECK_ERR(xp_register(&q, "Q", MGM_FAMILY_IPV6, PID_Q), MGM_NO_ERROR);
	CHECK_ERR(mgmc_register_protocol(mc, &ocfg, PID_O, 1, &oh),
		  MGM_NO_ERROR);
	/* families: none, or unknown bits, are refused by MGM */
	{
		struct xp bad = { 0 };

		CHECK_ERR(xp_register(&bad, "bad", 0, 0x40000699U),
			  MGM_ERROR_INVALID_PARAMETER);
		CHECK_ERR(xp_register(&bad, "bad", 8, 0x40000699U),
			  MGM_ERROR_INVALID_PARAMETER);
	}
	CHECK_ERR(mgmc_take_interface_ownership(mc, p.h, 1, 0), MGM_NO_ERROR);
	CHECK_ERR(mgmc_take_interface_ownership(mc, p.h, 2, 0), MGM_NO_ERROR);
	CHECK_ERR(mgmc_take_interface_ownership(mc, q.h, 3, 0), MGM_NO_ERROR);
	CHECK_ERR(mgmc_take_interface_ownership(mc, oh, 4, 0), MGM_NO_ERROR);

	check_begin("memberships and join alerts");
	cb_clear();
	CHECK_ERR(mgmc_add_group_membership_x(mc, p.h, &ANY6, &G6, 2, 0, J),
		  MGM_NO_ERROR);
	CHECK(got("Q join ::,ff0e::1:1 upd 1"),
	      "Q (IPv6) alerted of P's IPv6 (*,G)");
	settle(50);
	for (n = 0; n < (uint32_t)n_cb; n++)
		CHECK(strncmp(cblog[n], "O ", 2), "IPv4-only O told: %s",
		      cblog[n]);
	CHECK_ERR(mgmc_add_group_membership_x(mc, p.h, &S6, &G6b, 2, 0, J),
		  MGM_NO_ERROR);
	cb_clear();
	CHECK_ERR(mgmc_add_group_membership_x(mc, p.h, &S4, &G4, 2, 0, J),
		  MGM_NO_ERROR);
	CHECK(got("O join 192.0.2.1,239.1.1.1 masks ffffffff,ffffffff upd 1"),
	      "O gets the old IPv4 message (masks) for P's IPv4 (S,G)");
	settle(50);
	for (n = 0; n < (uint32_t)n_cb; n++)
		CHECK(strncmp(cblog[n], "Q ", 2), "IPv6-only Q told: %s",
		      cblog[n]);
	/* Arguments: mixed families refused by MGM, a bad family by the
	 * client itself. */
	CHECK_ERR(mgmc_add_group_membership_x(mc, p.h, &S4, &G6, 2, 0, J),
		  MGM_ERROR_INVALID_PARAMETER);
	{
		struct mgm_addr bad = G6;

		bad.family = 7;
		CHECK_ERR(mgmc_add_group_membership_x(mc, p.h, &ANY6, &bad, 2,
						      0, J),
			  MGM_ERROR_INVALID_PARAMETER);
	}
	/* Another connection's handle or a made-up one: refused. */
	CHECK_ERR(mgmc_add_group_membership_x(mc, 0x12345, &ANY6, &G6, 2, 0, J),
		  MGM_ERROR_INVALID_PARAMETER);

	check_begin("a miss: RPF and creation alerts, answered");
	cb_clear();
	p.disable_oif = 2;
	p.prune_timeout = 77;
	on_daemon(job_miss, &(struct miss){ 1, S6, G6, false });
	CHECK(got("P rpf 2001:db8::1,ff0e::1:1 iif 1 up fam 10 route /128 fam 10 hdr 40"),
	      "P's RPF callback, IPv6");
	CHECK(got("P creation 2001:db8::1,ff0e::1:1 iif 1 oifs 2"),
	      "P's creation alert, oif 2");
	settle(100);
	d = dp_query(&S6, &G6);
	CHECK_STR(d.oifs, "negative",
		  "the creation answer disabled oif 2: a negative entry");
	/* The entry lost its last oif: MGM asks the iif's owner. */
	CHECK(got("P prune 2001:db8::1,ff0e::1:1 if 1 del 0"),
	      "P's prune alert for the empty oif list");
	settle(100);
	d = dp_query(&S6, &G6);
	CHECK(d.applied >= 2, "creation and prune answers applied: %" PRIu64,
	      d.applied);
	p.disable_oif = 0;
	p.prune_timeout = 0;

	check_begin("MFE queries");
	CHECK_ERR(get_mfe(&S6, &G6, &e), MGM_NO_ERROR);
	CHECK(e.source.family == MGM_AF_INET6 &&
		      !memcmp(&e.source, &S6, sizeof(S6)) &&
		      !memcmp(&e.group, &G6, sizeof(G6)) && e.in_ifindex == 1 &&
		      e.num_oifs == 0,
	      "mgmc_get_mfe_x: %s iif %u oifs %u",
	      xp_sg(b, &e.source, &e.group), e.in_ifindex, e.num_oifs);
	CHECK_EQ(e.timeout, 77, "the prune answer's timeout was applied");
	size = 0;
	CHECK_ERR(mgmc_get_mfe_x(mc, &S6, &G6, &size, NULL),
		  MGM_ERROR_INSUFFICIENT_BUFFER);
	CHECK_EQ(size, (MGM_SIZEOF_MFE_X(0) + 7U) & ~7U, "size probe");
	CHECK_ERR(get_mfe(&S6, &G6c, &e), MGM_ERROR_NOT_FOUND);
	/* an IPv4 entry too: the enumeration lists IPv4 first */
	on_daemon(job_miss, &(struct miss){ 4, S4, G4, false });
	settle(50);
	size = sizeof(buf);
	r = mgmc_get_first_mfe_x(mc, &size, (uint8_t *)buf, &n);
	CHECK_ERR(r, MGM_ERROR_NO_MORE_ITEMS);
	CHECK_EQ(n, 2, "two MFEs");
	{
		const struct mgm_mfe_x *a = (const void *)buf, *c;

		off = (MGM_SIZEOF_MFE_X(a->num_oifs) + 7U) & ~7U;
		c = (const void *)((const uint8_t *)buf + off);
		CHECK(n == 2 && a->group.family == MGM_AF_INET &&
			      a->group.v4 == G4.v4 &&
			      c->group.family == MGM_AF_INET6 &&
			      !memcmp(&c->group, &G6, sizeof(G6)),
		      "IPv4 first, then IPv6");
		/* one record per call: MORE_DATA, then next after it */
		size = (MGM_SIZEOF_MFE_X(a->num_oifs) + 7U) & ~7U;
		CHECK_ERR(mgmc_get_first_mfe_x(mc, &size, (uint8_t *)buf, &n),
			  MGM_ERROR_MORE_DATA);
		CHECK_EQ(n, 1, "one record fits");
		size = sizeof(buf);
		CHECK_ERR(mgmc_get_next_mfe_x(mc, &S4, &G4, &size,
					      (uint8_t *)buf, &n),
			  MGM_ERROR_NO_MORE_ITEMS);
		CHECK(n == 1 && !memcmp(&((const struct mgm_mfe_x *)buf)->group,
					&G6, sizeof(G6)),
		      "next after the IPv4 entry: the IPv6 one");
	}
	/* MGM's IPv4 enumeration over the old messages: IPv4 only */
	size = sizeof(buf);
	CHECK_ERR(mgmc_get_first_mfe(mc, &size, (uint8_t *)buf, &n),
		  MGM_ERROR_NO_MORE_ITEMS);
	CHECK_EQ(n, 1, "the IPv4 request sees the IPv4 entry only");

	check_begin("wrong interface");
	cb_clear();
	on_daemon(job_miss, &(struct miss){ 2, S6, G6, true });
	CHECK(got("P wrong_if 2001:db8::1,ff0e::1:1 if 2 hdr 40 v6"),
	      "P told of the IPv6 packet on if 2");

	check_begin("an RPF answer that moves the entry");
	cb_clear();
	p.rpf_iif = 3;
	on_daemon(job_miss, &(struct miss){ 1, S6, G6c, false });
	CHECK(got("P rpf 2001:db8::1,ff05::5:5 iif 1 up fam 10 route /128 fam 10 hdr 40"),
	      "RPF asked");
	settle(100);
	d = dp_query(&S6, &G6c);
	CHECK(d.present && d.e.iif == 3,
	      "the answer re-created (S,G) with iif 3 (iif %u)", d.e.iif);
	p.rpf_iif = 0;

	check_begin("local join and leave, IGMP/MLD handoff");
	CHECK_ERR(xp_register(&l, "L", MGM_FAMILY_IPV6, MGM_MS_IP_IGMP),
		  MGM_NO_ERROR);
	CHECK_ERR(mgmc_take_interface_ownership(mc, l.h, 2, 0), MGM_NO_ERROR);
	cb_clear();
	CHECK_ERR(mgmc_add_group_membership_x(mc, l.h, &ANY6, &G6c, 2, 0, J),
		  MGM_NO_ERROR);
	CHECK(got("P local_join ::,ff05::5:5 if 2"),
	      "P, owner of if 2, told of MLD's join");
	cb_clear();
	CHECK_ERR(mgmc_delete_group_membership_x(mc, l.h, &ANY6, &G6c, 2, 0, J),
		  MGM_NO_ERROR);
	CHECK(got("P local_leave ::,ff05::5:5 if 2"), "... and of its leave");
	CHECK(got("Q prune ::,ff05::5:5 if 2 del 1"),
	      "Q's prune alert (member_delete) for the group's last member");

	check_begin("group enumeration, both families");
	CHECK_ERR(mgmc_group_enumeration_start(mc, p.h, MGM_ALL_SOURCES, &eh),
		  MGM_NO_ERROR);
	size = sizeof(sgx);
	CHECK_ERR(mgmc_group_enumeration_get_next_x(mc, eh, &size,
						    (uint8_t *)sgx, &n),
		  MGM_ERROR_NO_MORE_ITEMS);
	{
		bool v4 = false, v6 = false;
		uint32_t k;

		for (k = 0; k < n && k < 8; k++) {
			v4 |= sgx[k].group.family == MGM_AF_INET &&
			      sgx[k].group.v4 == G4.v4;
			v6 |= sgx[k].group.family == MGM_AF_INET6 &&
			      !memcmp(&sgx[k].group, &G6, sizeof(G6));
		}
		CHECK(v4 && v6, "%u records: IPv4 and IPv6 groups", n);
	}
	CHECK_ERR(mgmc_group_enumeration_end(mc, eh), MGM_NO_ERROR);

	check_begin("release: the handoff callbacks, then deregistration");
	cb_clear();
	CHECK_ERR(mgmc_release_interface_ownership(mc, p.h, 2, 0),
		  MGM_NO_ERROR);
	CHECK(got("L disable_igmp 2"), "MLD (L) disabled on if 2");
	CHECK(got("L enable_igmp 2"), "... and enabled again");
	CHECK_ERR(mgmc_release_interface_ownership(mc, l.h, 2, 0),
		  MGM_NO_ERROR);
	CHECK_ERR(mgmc_deregister_protocol(mc, l.h), MGM_NO_ERROR);
	CHECK_ERR(mgmc_release_interface_ownership(mc, q.h, 3, 0),
		  MGM_NO_ERROR);
	CHECK_ERR(mgmc_deregister_protocol(mc, q.h), MGM_NO_ERROR);
	CHECK_ERR(mgmc_add_group_membership_x(mc, q.h, &ANY6, &G6, 3, 0, J),
		  MGM_ERROR_INVALID_PARAMETER);
}

/* A daemon without MGM_IPC_FEAT_FAMILY_X: nothing is sent. */
static void test_old_daemon(void)
{
	struct mgm_protocol_config_x c = { .families = MGM_FAMILY_IPV6 };
	uint32_t size = 0, n, features = mc->features;
	mgm_handle_t h;

	check_begin("old daemon");
	mc->features &= ~MGM_IPC_FEAT_FAMILY_X;
	CHECK_ERR(mgmc_register_protocol_x(mc, &c, 0x40000700U, 1, &h),
		  MGM_ERROR_CAN_NOT_COMPLETE);
	CHECK(strstr(mgmc_last_error(), "FAMILY_X") != NULL, "says why: %s",
	      mgmc_last_error());
	CHECK_ERR(mgmc_add_group_membership_x(mc, 1, &ANY6, &G6, 2, 0, J),
		  MGM_ERROR_CAN_NOT_COMPLETE);
	CHECK_ERR(mgmc_get_first_mfe_x(mc, &size, NULL, &n),
		  MGM_ERROR_CAN_NOT_COMPLETE);
	mc->features = features;
}

int main(void)
{
	int sv[2];
	pthread_t t;

	S6 = A6("2001:db8::1");
	G6 = A6("ff0e::1:1");
	G6b = A6("ff3e::2:2");
	G6c = A6("ff05::5:5");
	ANY6 = A6("::");
	S4 = mgm_addr4(A("192.0.2.1"));
	G4 = mgm_addr4(A("239.1.1.1"));

	fd = fake_dp_new();
	m = fake_mgm_new(fd, 0);
	/* The routes MGM's RPF uses (the fake's, either family). */
	fake_dp_add_route_x(fd, &S6, 128, 1, 0, 0);
	fake_dp_add_route(fd, A("192.0.2.0"), 24, 4, 0, 0);
	dmn.m = m;
	dmn.ops = fake_dp_ops;
	/* Answers count however slow this machine is (sanitizers, load). */
	setenv("MGMD_REMOTE_CB_TIMEOUT_MS", "10000", 1);
	if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv) || pipe(ctl_pipe) ||
	    pipe(done_pipe) || remote_init(&dmn))
		return 1;
	dconn.fd = sv[1];
	pthread_create(&t, NULL, daemon_main, NULL);

	/* mgmc_connect() wants a path: take the socket pair's end. */
	mc = calloc(1, sizeof(*mc));
	{
		pthread_mutexattr_t ma;

		mc->rx = malloc(RX_CAP);
		mc->fd = sv[0];
		mc->timeout_ms = 5000;
		mc->cb_timeout_ms = MGM_IPC_CB_TIMEOUT_MS;
		pthread_mutexattr_init(&ma);
		pthread_mutexattr_settype(&ma, PTHREAD_MUTEX_RECURSIVE);
		pthread_mutex_init(&mc->lock, &ma);
		pthread_mutexattr_destroy(&ma);
		fcntl(mc->fd, F_SETFL, fcntl(mc->fd, F_GETFL) | O_NONBLOCK);
	}
	CHECK_EQ(cl_hello(mc, "unit"), 0, "HELLO through remote.c");
	test_flow();
	test_old_daemon();

	/* Close: mgmd shuts the connection's protocols down. */
	shutdown(sv[0], SHUT_RDWR);
	pthread_join(t, NULL);
	close(sv[1]);
	CHECK(!R->protos, "every protocol shut down with the connection");
	mgmc_close(mc);
	remote_fini(&dmn);
	mgm_destroy(m);
	CHECK_EQ(fake_errors(fd), 0, "MGM logged no errors");
	fake_dp_free(fd);
	return check_summary();
}
