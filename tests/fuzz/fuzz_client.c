// SPDX-License-Identifier: GPL-2.0
/*
 * fuzz_client.c - libmgmclient's decoding of what mgmd sends (user/client/):
 * framing, replies to each MGM function (the buffer contract), callbacks
 * (and their answers), events, stashed replies of nested calls.
 *
 * The client runs a fixed script of calls: HELLO, register (the handle
 * comes from the reply), take an interface, a membership, the owner of an
 * interface, every MFE query with and without a buffer, set MFE, a group
 * enumeration (start, get next, end), dispatch, deregister; then the
 * family-neutral calls (only sent if HELLO announced
 * MGM_IPC_FEAT_FAMILY_X): register_x, an IPv6 membership, the three MFE
 * queries, a group enumeration's get next, dispatch, deregister; then
 * dispatch.
 * Input: what mgmd sends, as chunks [len: u16 little-endian][len bytes]:
 * before step i, chunk i is written to mgmd's end of a socketpair (its
 * reply, and callbacks or events before it); the rest goes before the
 * last dispatch, after which the stream ends.  The client's timeout is 0:
 * a reply not on the wire is never waited for.  Sequence numbers are the
 * client's: 1, 2, 3... in order.  Callbacks do what a protocol would (the
 * join alert makes a nested call).  Nothing survives an input.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "client/api.c"
#include "client/client.c"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct mgmc *cur;
static int depth;

static uint32_t f_rpf(void *ctx, uint32_t s, uint32_t sm, uint32_t g,
		      uint32_t gm, uint32_t *iif, uint32_t *nh, uint32_t *up,
		      uint32_t hs, const uint8_t *hdr,
		      struct mgm_route_info *route)
{
	uint32_t sum = 0, i;

	(void)ctx, (void)sm, (void)g, (void)gm, (void)nh;
	/* Read the header the daemon says it sent. */
	for (i = 0; i < hs; i++)
		sum += hdr[i];
	*iif = (s & 0xff) + 1;
	*up = sum;
	route->network = s;
	return MGM_NO_ERROR;
}

static uint32_t f_creation(void *ctx, uint32_t s, uint32_t sm, uint32_t g,
			   uint32_t gm, uint32_t iif, uint32_t nh, uint32_t n,
			   struct mgm_if_entry *oifs)
{
	uint32_t i;

	(void)ctx, (void)s, (void)sm, (void)g, (void)gm, (void)nh;
	for (i = 0; i < n; i++)
		oifs[i].enabled = oifs[i].ifindex != iif;
	return MGM_NO_ERROR;
}

static uint32_t f_prune(void *ctx, uint32_t s, uint32_t sm, uint32_t g,
			uint32_t gm, uint32_t ifindex, uint32_t nh, int32_t del,
			uint32_t *timeout)
{
	(void)ctx, (void)s, (void)sm, (void)g, (void)gm, (void)ifindex;
	(void)nh;
	*timeout = del ? 0 : *timeout + 1;
	return MGM_NO_ERROR;
}

static uint32_t f_join(void *ctx, uint32_t s, uint32_t sm, uint32_t g,
		       uint32_t gm, int32_t upd)
{
	uint32_t pid, cid;

	(void)ctx, (void)s, (void)sm, (void)g, (void)gm, (void)upd;
	/* Calls from a callback that returns nothing are allowed. */
	if (depth < 2) {
		depth++;
		mgmc_get_protocol_on_interface(cur, 1, 0, &pid, &cid);
		depth--;
	}
	return MGM_NO_ERROR;
}

static uint32_t f_wrong_if(void *ctx, uint32_t s, uint32_t g, uint32_t ifx,
			   uint32_t nh, uint32_t hs, const uint8_t *hdr)
{
	uint32_t sum = 0, i;

	(void)ctx, (void)s, (void)g, (void)ifx, (void)nh;
	for (i = 0; i < hs; i++)
		sum += hdr[i];
	return sum ? MGM_NO_ERROR : MGM_NO_ERROR;
}

static uint32_t f_local(void *ctx, uint32_t s, uint32_t sm, uint32_t g,
			uint32_t gm, uint32_t ifindex, uint32_t nh)
{
	(void)ctx, (void)s, (void)sm, (void)g, (void)gm, (void)ifindex;
	(void)nh;
	return MGM_NO_ERROR;
}

static uint32_t f_igmp(void *ctx, uint32_t ifindex, uint32_t nh)
{
	(void)ctx, (void)ifindex, (void)nh;
	return MGM_NO_ERROR;
}

/* The family-neutral callbacks: read every byte they are given. */
static uint32_t fx_sum(const struct mgm_addr *s, const struct mgm_addr *g)
{
	uint32_t sum = 0, i;

	for (i = 0; i < sizeof(*s); i++)
		sum += ((const uint8_t *)s)[i] + ((const uint8_t *)g)[i];
	return sum;
}

static uint32_t fx_rpf(void *ctx, const struct mgm_addr *s,
		       const struct mgm_addr *g, uint32_t *iif, uint32_t *nh,
		       struct mgm_addr *up, uint32_t hs, const uint8_t *hdr,
		       struct mgm_route_info_x *route)
{
	uint32_t sum = fx_sum(s, g), i;

	(void)ctx, (void)nh;
	for (i = 0; i < hs; i++)
		sum += hdr[i];
	*iif = sum & 7;
	up->family = route->network.family;
	return 0;
}

static uint32_t fx_creation(void *ctx, const struct mgm_addr *s,
			    const struct mgm_addr *g, uint32_t iif, uint32_t nh,
			    uint32_t n, struct mgm_if_entry *oifs)
{
	uint32_t i;

	(void)ctx, (void)iif, (void)nh;
	for (i = 0; i < n; i++)
		oifs[i].enabled = (fx_sum(s, g) + oifs[i].ifindex) & 1;
	return 0;
}

static uint32_t fx_prune(void *ctx, const struct mgm_addr *s,
			 const struct mgm_addr *g, uint32_t ifindex,
			 uint32_t nh, int32_t del, uint32_t *timeout)
{
	(void)ctx, (void)ifindex, (void)nh, (void)del;
	*timeout = fx_sum(s, g);
	return 0;
}

static uint32_t fx_join(void *ctx, const struct mgm_addr *s,
			const struct mgm_addr *g, int32_t upd)
{
	(void)ctx, (void)upd;
	return fx_sum(s, g) & 0;
}

static uint32_t fx_wrong_if(void *ctx, const struct mgm_addr *s,
			    const struct mgm_addr *g, uint32_t ifindex,
			    uint32_t nh, uint32_t hs, const uint8_t *hdr)
{
	uint32_t sum = fx_sum(s, g), i;

	(void)ctx, (void)ifindex, (void)nh;
	for (i = 0; i < hs; i++)
		sum += hdr[i];
	return sum & 0;
}

static uint32_t fx_local(void *ctx, const struct mgm_addr *s,
			 const struct mgm_addr *g, uint32_t ifindex,
			 uint32_t nh)
{
	(void)ctx, (void)ifindex, (void)nh;
	return fx_sum(s, g) & 0;
}

static void f_shutdown(void *arg, mgm_handle_t h, uint32_t reason)
{
	(void)arg, (void)h, (void)reason;
}

#ifdef MGM_IPC_FEAT_IF_EVENTS
static void f_interface(void *arg, mgm_handle_t h,
			const struct mgmc_if_event *ev)
{
	(void)arg, (void)h;
	if (strnlen(ev->name, sizeof(ev->name)) == sizeof(ev->name))
		abort(); /* the name must come NUL-terminated */
}
#endif

static void drain(int peer)
{
	char buf[4096];

	while (recv(peer, buf, sizeof(buf), MSG_DONTWAIT) > 0)
		;
}

/* What mgmc_connect_as() makes, on an already connected socket. */
static struct mgmc *client_on(int fd)
{
	pthread_mutexattr_t ma;
	struct mgmc *c = calloc(1, sizeof(*c));

	if (!c)
		return NULL;
	c->rx = malloc(RX_CAP);
	if (!c->rx) {
		free(c);
		return NULL;
	}
	c->fd = fd;
	c->timeout_ms = DEFAULT_TIMEOUT_MS;
	c->cb_timeout_ms = MGM_IPC_CB_TIMEOUT_MS;
	pthread_mutexattr_init(&ma);
	pthread_mutexattr_settype(&ma, PTHREAD_MUTEX_RECURSIVE);
	pthread_mutex_init(&c->lock, &ma);
	pthread_mutexattr_destroy(&ma);
	return c;
}

/* The input, chunk by chunk. */
struct feed {
	const uint8_t *p;
	size_t len, off;
	int peer;
};

/* mgmd answers the next request: its next chunk goes on the wire. */
static void next_chunk(struct feed *f)
{
	size_t len;

	drain(f->peer);
	if (f->len - f->off < 2) {
		f->off = f->len;
		return;
	}
	len = f->p[f->off] | (size_t)f->p[f->off + 1] << 8;
	f->off += 2;
	if (len > f->len - f->off)
		len = f->len - f->off;
	/* The socket buffer holds far more than one chunk (<= 64 KiB). */
	if (send(f->peer, f->p + f->off, len, MSG_NOSIGNAL | MSG_DONTWAIT) < 0)
		abort();
	f->off += len;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct mgm_protocol_config cfg = {
		.rpf = f_rpf,
		.creation_alert = f_creation,
		.prune_alert = f_prune,
		.join_alert = f_join,
		.wrong_if = f_wrong_if,
		.local_join = f_local,
		.local_leave = f_local,
		.disable_igmp = f_igmp,
		.enable_igmp = f_igmp,
	};
	struct mgm_protocol_config_x cfgx = {
		.families = MGM_FAMILY_IPV4 | MGM_FAMILY_IPV6,
		.rpf = fx_rpf,
		.creation_alert = fx_creation,
		.prune_alert = fx_prune,
		.join_alert = fx_join,
		.wrong_if = fx_wrong_if,
		.local_join = fx_local,
		.local_leave = fx_local,
		.disable_igmp = f_igmp,
		.enable_igmp = f_igmp,
	};
	static const uint8_t g6b[16] = { 0xff, 0x0e, [13] = 1, [15] = 1 };
	static const uint8_t s6b[16] = { 0x20, 0x01, 0x0d, 0xb8, [15] = 1 };
	struct mgm_addr g6 = mgm_addr6(g6b), s6 = mgm_addr6(s6b);
	struct mgm_addr any6 = { .family = MGM_AF_INET6 };
	struct mgm_ipmcast_mfe key = { .group = 0x010101ef,
				       .source = 0x0a0200c0 };
	mgm_handle_t hx = 0;
	static uint8_t buf[8192];
	mgm_handle_t h = 0, eh = 0;
	uint32_t size_b, n, pid, cid;
	struct feed f = { data, size, 0, -1 };
	struct mgmc *c;
	int sv[2];

	if (size > 4 * MGM_IPC_MAX)
		return 0;
	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0,
		       sv))
		abort();
	f.peer = sv[1];
	c = client_on(sv[0]);
	if (!c)
		abort();
	/* A reply not on the wire yet never comes: no waiting. */
	c->timeout_ms = 0;
	cur = c;
	depth = 0;
	mgmc_on_shutdown(c, f_shutdown, NULL);
#ifdef MGM_IPC_FEAT_IF_EVENTS
	mgmc_on_interface(c, f_interface, NULL);
#endif

	next_chunk(&f);
	hello(c, "fuzz");
	next_chunk(&f);
	mgmc_register_protocol(c, &cfg, 0x4d474d01, 1, &h);
	next_chunk(&f);
	mgmc_take_interface_ownership(c, h, 1, 0);
	next_chunk(&f);
	mgmc_add_group_membership_entry(c, h, 0, 0, 0x010101ef, 0xffffffff, 2,
					0, MGM_JOIN_STATE_FLAG);
	next_chunk(&f);
	mgmc_get_protocol_on_interface(c, 1, 0, &pid, &cid);
	next_chunk(&f);
	size_b = sizeof(buf);
	mgmc_get_mfe(c, &key, &size_b, buf);
	next_chunk(&f);
	size_b = 0;
	mgmc_get_mfe(c, &key, &size_b, NULL);
	next_chunk(&f);
	size_b = sizeof(buf);
	mgmc_get_first_mfe(c, &size_b, buf, &n);
	next_chunk(&f);
	size_b = sizeof(buf);
	mgmc_get_next_mfe(c, &key, &size_b, buf, &n);
	next_chunk(&f);
	size_b = sizeof(buf);
	mgmc_get_mfe_stats(c, &key, &size_b, buf, MGM_MFE_STATS_1);
	next_chunk(&f);
	size_b = sizeof(buf);
	mgmc_get_first_mfe_stats(c, &size_b, buf, &n, 0);
	next_chunk(&f);
	size_b = sizeof(buf);
	mgmc_get_next_mfe_stats(c, &key, &size_b, buf, &n, MGM_MFE_STATS_1);
	next_chunk(&f);
	mgmc_set_mfe(c, h, &key);
	next_chunk(&f);
	mgmc_group_enumeration_start(c, h, MGM_ALL_SOURCES, &eh);
	next_chunk(&f);
	size_b = sizeof(buf);
	mgmc_group_enumeration_get_next(c, eh, &size_b, buf, &n);
	next_chunk(&f);
	mgmc_group_enumeration_end(c, eh);
	next_chunk(&f);
	mgmc_dispatch(c);
	next_chunk(&f);
	mgmc_deregister_protocol(c, h);
	next_chunk(&f);
	mgmc_register_protocol_x(c, &cfgx, 0x4d474d06, 1, &hx);
	next_chunk(&f);
	mgmc_add_group_membership_x(c, hx, &any6, &g6, 2, 0,
				    MGM_JOIN_STATE_FLAG);
	next_chunk(&f);
	size_b = sizeof(buf);
	mgmc_get_mfe_x(c, &s6, &g6, &size_b, buf);
	next_chunk(&f);
	size_b = sizeof(buf);
	mgmc_get_first_mfe_x(c, &size_b, buf, &n);
	next_chunk(&f);
	size_b = sizeof(buf);
	mgmc_get_next_mfe_x(c, &s6, &g6, &size_b, buf, &n);
	next_chunk(&f);
	size_b = sizeof(buf);
	mgmc_group_enumeration_get_next_x(c, eh, &size_b, buf, &n);
	next_chunk(&f);
	mgmc_dispatch(c);
	next_chunk(&f);
	mgmc_deregister_protocol(c, hx);
	/* The rest, then the end of the stream. */
	while (f.off < f.len)
		next_chunk(&f);
	shutdown(sv[1], SHUT_WR);
	mgmc_dispatch(c);
	drain(sv[1]);

	mgmc_close(c);
	close(sv[1]);
	cur = NULL;
	return 0;
}
