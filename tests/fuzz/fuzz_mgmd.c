// SPDX-License-Identifier: GPL-2.0
/*
 * fuzz_mgmd.c - mgmd's control socket as a client drives it: framing and
 * dispatch (user/mgmd/ctl.c), mgmctl's commands (cmd.c, with the route
 * parser of config.c) and the external protocols' requests and callback
 * answers (remote.c), on the MGM core with the unit tests' fake datapath
 * (tests/unit/fake_dp.c) and the static protocol; no BPF, no root, no
 * real network (the connection is one end of a socketpair).
 *
 * Input: [u16 a][u16 b][A: a bytes][B: b bytes][C: the rest], lengths
 * little-endian.  A is what a client sends first on connection 1.  Then
 * the fast path reports misses (MFE creations: MGM's RPF and creation
 * callbacks go to the protocols A registered) while B sits in
 * connection 1's input, so callback answers in B are found as mgmd
 * waits for them; then the rest of B is handled as requests.  C is a
 * second connection (mgmctl: "show remotes", "shutdown remote:...")
 * while the first is still open.  MGM's handles, which an input cannot
 * know, are named by placeholders (see placeholder()).  Then both close (the seed shuts the
 * remote protocols down) and everything is freed: nothing is kept from
 * one input to the next.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "fake_dp.h"
#include "mgmd/ctl.c"
#include "mgmd/remote.c"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

struct mgmd *mgmd;
static struct fake_dp *fdp;

/* ---- what main.c, loop.c, log.c, mgmd_igmp.c and dp/ give mgmd ------ */

void log_msg(int level, const char *fmt, ...)
{
	(void)level, (void)fmt;
}

int loop_add(struct loop *l, int fd, uint32_t events, loop_fd_cb cb, void *arg)
{
	(void)l, (void)fd, (void)events, (void)cb, (void)arg;
	return 0;
}

int loop_mod(struct loop *l, int fd, uint32_t events)
{
	(void)l, (void)fd, (void)events;
	return 0;
}

void loop_del(struct loop *l, int fd)
{
	(void)l, (void)fd;
}

int loop_add_ticker(struct loop *l, loop_timeout_cb timeout, loop_tick_cb tick,
		    void *arg)
{
	(void)l, (void)timeout, (void)tick, (void)arg;
	return 0;
}

const char *mgmd_ifname(uint32_t ifindex, char *buf)
{
	snprintf(buf, IF_NAMESIZE, "if%u", ifindex);
	return buf;
}

const char *mgmd_protocol_name(uint32_t protocol_id, uint32_t component_id,
			       char *buf, size_t len)
{
	const char *remote = remote_name(protocol_id, component_id);

	if (protocol_id == MGM_PROTO_STATIC)
		snprintf(buf, len, "static");
	else if (remote)
		snprintf(buf, len, "%s", remote);
	else
		snprintf(buf, len, "0x%08x/%u", protocol_id, component_id);
	return buf;
}

/* No configuration file here: a reload is refused, nothing changes. */
int mgmd_reload(struct mgmd *d, void (*note)(void *arg, const char *change),
		void *arg, char *err, size_t len)
{
	(void)d, (void)note, (void)arg;
	snprintf(err, len, "fuzz.conf: no configuration file");
	return -ENOENT;
}

/* IGMP does not run here (mgmd->igmp is NULL): cmd.c checks first. */
int mgmd_igmp_version(uint32_t ifindex)
{
	(void)ifindex;
	return 0;
}

int mgmd_igmp_if(struct mgmd *d, uint32_t ifindex, int version)
{
	(void)d, (void)ifindex, (void)version;
	return -EOPNOTSUPP;
}

int mgmd_mld_version(uint32_t ifindex)
{
	(void)ifindex;
	return 0;
}

int mgmd_mld_if(struct mgmd *d, uint32_t ifindex, int version)
{
	(void)d, (void)ifindex, (void)version;
	return -EOPNOTSUPP;
}

void mgmd_igmp_stop(struct mgmd *d)
{
	(void)d;
}

/* The fast path: nothing attached, counters zero, MFEs the fake's. */
int mgm_dp_attach(struct mgm_dp *dp, uint32_t ifindex, enum mgm_dp_xdp_mode m)
{
	(void)dp, (void)m;
	return ifindex ? 0 : -ENODEV;
}

int mgm_dp_detach(struct mgm_dp *dp, uint32_t ifindex)
{
	(void)dp, (void)ifindex;
	return -ENOENT;
}

int mgm_dp_is_attached(uint32_t ifindex)
{
	(void)ifindex;
	return 0;
}

int mgm_dp_if_counters(struct mgm_dp *dp, uint32_t ifindex,
		       struct mgm_dp_if_counters *out)
{
	(void)dp, (void)ifindex;
	memset(out, 0, sizeof(*out));
	return 0;
}

/* How interfaces are served (cmd.c show interfaces; issue #16). */
enum mgm_dp_rx mgm_dp_if_rx(uint32_t ifindex)
{
	(void)ifindex;
	return MGM_DP_RX_NONE;
}

const char *mgm_dp_rx_name(enum mgm_dp_rx rx)
{
	(void)rx;
	return "-";
}

const char *mgm_dp_tx_name(enum mgm_dp_tx tx)
{
	return tx == MGM_DP_TX_XDP ? "xdp" : "tc";
}

int mgm_dp_if_tx(struct mgm_dp *dp, uint32_t ifindex)
{
	(void)dp, (void)ifindex;
	return -ENOENT;
}

int mgm_dp_if_probe(uint32_t ifindex, struct mgm_dp_if_caps *out)
{
	(void)ifindex;
	memset(out, 0, sizeof(*out));
	return -ENODEV;
}

int mgm_dp_mfe_counters(struct mgm_dp *dp, uint32_t source, uint32_t group,
			struct mgm_dp_mfe_counters *out)
{
	(void)dp, (void)source, (void)group;
	memset(out, 0, sizeof(*out));
	return 0;
}

int mgm_dp_counters(struct mgm_dp *dp, struct mgm_counters *out)
{
	(void)dp;
	memset(out, 0, sizeof(*out));
	return 0;
}

uint32_t mgm_dp_mfe_count(struct mgm_dp *dp)
{
	(void)dp;
	return (uint32_t)fake_dp_num_mfes(fdp);
}

/* The fake counts both families in mgm_dp_mfe_count(). */
uint32_t mgm_dp_mfe6_count(struct mgm_dp *dp)
{
	(void)dp;
	return 0;
}

uint32_t mgm_dp_oset_count(struct mgm_dp *dp)
{
	(void)dp;
	return 0;
}

uint64_t mgm_dp_now_ns(void)
{
	return fake_dp_now(fdp);
}

/* ---- the harness --------------------------------------------------------- */

static struct conn *conn_new(struct ctl *ctl, int *peer)
{
	struct conn *c = calloc(1, sizeof(*c));
	int sv[2];

	if (!c)
		return NULL;
	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0,
		       sv)) {
		free(c);
		return NULL;
	}
	c->ctl = ctl;
	c->fd = sv[0];
	*peer = sv[1];
	c->next = ctl->conns;
	ctl->conns = c;
	return c;
}

/* What the peer would read: thrown away (mgmd must never block on it). */
static void drain(int peer)
{
	char buf[4096];

	while (recv(peer, buf, sizeof(buf), MSG_DONTWAIT) > 0)
		;
}

/*
 * MGM's handles carry a random per-instance nonce, so an input cannot
 * know them: it names them by placeholders, replaced before each message
 * is handled.  "MGMH" k ff ff ff (a u64, little-endian): the k-th protocol
 * this connection registered; "MGME" k ff ff ff: its k-th enumeration.
 */
static mgm_handle_t placeholder(struct conn *c, const uint8_t *p)
{
	struct rconn *rc = conn_remote(c);
	struct rproto *rp;
	int k = p[4], n = 0;

	if (!rc || memcmp(p, "MGM", 3) || p[5] != 0xff || p[6] != 0xff ||
	    p[7] != 0xff)
		return 0;
	if (p[3] == 'E')
		return k < rc->n_enums ? rc->enums[k].h : 0;
	if (p[3] != 'H')
		return 0;
	for (rp = R->protos; rp; rp = rp->next)
		n += rp->rc == rc;
	/* The list is newest first. */
	for (rp = R->protos; rp; rp = rp->next)
		if (rp->rc == rc && --n == k)
			return rp->h;
	return 0;
}

static void substitute(struct conn *c)
{
	size_t i;

	for (i = 0; i + 8 <= c->in_len; i++) {
		mgm_handle_t h;

		if (c->in[i] != 'M')
			continue;
		h = placeholder(c, c->in + i);
		if (h) {
			memcpy(c->in + i, &h, sizeof(h));
			i += sizeof(h) - 1;
		}
	}
}

/* conn_process(), with the placeholders replaced before each message. */
static void process(struct conn *c)
{
	while (!c->dead && !c->closing) {
		ssize_t n = message_len(c->in, c->in_len);
		struct mgm_ipc_hdr h;
		uint8_t *msg;

		if (n <= 0) {
			conn_process(c); /* the same refusal, or nothing */
			return;
		}
		substitute(c);
		msg = malloc(n);
		if (!msg)
			abort();
		memcpy(msg, c->in, n);
		memmove(c->in, c->in + n, c->in_len - n);
		c->in_len -= n;
		memcpy(&h, msg, sizeof(h));
		handle_message(c, &h, msg + sizeof(h), n - sizeof(h));
		free(msg);
	}
}

/* Put as much of p[len] as fits into c's input; returns what was taken. */
static size_t fill(struct conn *c, const uint8_t *p, size_t len)
{
	size_t n = sizeof(c->in) - c->in_len;

	if (n > len)
		n = len;
	memcpy(c->in + c->in_len, p, n);
	c->in_len += n;
	return n;
}

/* A client sends p[len]: mgmd handles each message as it is complete. */
static void feed(struct conn *c, int peer, const uint8_t *p, size_t len)
{
	size_t off = 0;

	do {
		off += fill(c, p + off, len - off);
		process(c);
		drain(peer);
	} while (off < len && !c->dead && !c->closing);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const uint32_t groups[] = { 0x010101ef, 0x020202ef, 0x010000e8 };
	struct mgmd d = { 0 };
	struct ctl ctl = { .d = &d, .fd = -1 };
	struct mgm_options mo = { .default_timeout = 60 };
	struct conn *c1, *c2;
	size_t a, b, i;
	int p1 = -1, p2 = -1;

	if (size < 4 || size > 4 + 3 * MGM_IPC_MAX)
		return 0;
	a = data[0] | (size_t)data[1] << 8;
	b = data[2] | (size_t)data[3] << 8;
	data += 4;
	size -= 4;
	if (a > size)
		a = size;
	if (b > size - a)
		b = size - a;

	mgmd = &d;
	fdp = fake_dp_new();
	if (!fdp)
		abort();
	fake_dp_set_quiet(fdp, true);
	fake_dp_set_now(fdp, 1000 * SEC_NS);
	/* The RPF interface of 192.0.2.0/24 is 1; of 198.51.100.0/24, 2. */
	fake_dp_add_route(fdp, A("192.0.2.0"), 24, 1, 0, 0);
	fake_dp_add_route(fdp, A("198.51.100.0"), 24, 2, 0, 0);
	d.ops = fake_dp_ops;
	mo.dp_ops = &d.ops;
	mo.dp = fdp;
	if (mgm_create(&mo, &d.m) || static_create(d.m, &d.st) ||
	    remote_init(&d))
		abort();
	/* Callbacks never wait (mgmd applies answers afterwards): a long
	 * timeout, so that the answers in the input are on time and the
	 * code applying them is fuzzed too. */
	R->cb_timeout_ms = 10000;
	d.ctl = &ctl;

	c1 = conn_new(&ctl, &p1);
	if (!c1)
		abort();
	feed(c1, p1, data, a);
	/* B arrives; meanwhile packets of new flows miss in the fast path. */
	if (!c1->dead && !c1->closing) {
		i = fill(c1, data + a, b);
		substitute(c1);
		for (size_t k = 0; k < sizeof(groups) / sizeof(groups[0]);
		     k++) {
			fake_dp_inject_miss(fdp, 1, A("192.0.2.10"), groups[k]);
			fake_dp_inject_miss(fdp, 2, A("198.51.100.7"),
					    groups[k]);
		}
		mgm_dispatch(d.m);
		fake_dp_advance(fdp, 120 * SEC_NS);
		mgm_dispatch(d.m);
		drain(p1);
		if (!c1->dead && !c1->closing) {
			process(c1);
			drain(p1);
			if (i < b)
				feed(c1, p1, data + a + i, b - i);
		}
	}
	/* A second client (mgmctl) while the first one is connected. */
	if (size > a + b) {
		c2 = conn_new(&ctl, &p2);
		if (!c2)
			abort();
		feed(c2, p2, data + a + b, size - a - b);
	}

	/* Connections close; then mgmd shuts down as main.c does. */
	while (ctl.conns)
		conn_free(ctl.conns);
	remote_fini(&d);
	if (d.st)
		static_destroy(d.st);
	mgm_destroy(d.m);
	fake_dp_free(fdp);
	free(d.extra);
	free(d.extra_on);
	if (p1 >= 0)
		close(p1);
	if (p2 >= 0)
		close(p2);
	fdp = NULL;
	mgmd = NULL;
	return 0;
}
