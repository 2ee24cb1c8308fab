// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * client.c - libmgmclient's connection to mgmd: framing, requests and
 * their replies, and MGM's callbacks arriving as messages.
 *
 * A request is sent and then its reply is awaited by reading the socket;
 * whatever else arrives meanwhile is handled on the spot: callbacks are
 * run (and answered when they return data), replies to outer requests --
 * a callback may itself call mgmc_* -- are stashed for them, replies that
 * nobody waits for any more (timed out) are dropped.  So a request whose
 * MGM call makes mgmd call back into this process cannot deadlock: the
 * callback is served while the request waits.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "client_int.h"

#define RX_CAP (2 * MGM_IPC_MAX)
#define DEFAULT_TIMEOUT_MS 30000

static __thread char last_error[192];

void mgmc_set_error(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(last_error, sizeof(last_error), fmt, ap);
	va_end(ap);
}

void mgmc_clear_error(void)
{
	last_error[0] = '\0';
}

const char *mgmc_last_error(void)
{
	return last_error;
}

static int64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* ---- the protocol table -------------------------------------------- */

int mgmc_proto_reserve(struct mgmc *c)
{
	struct mgmc_proto *p;
	size_t cap;

	if (c->n_protos < c->cap_protos)
		return 0;
	cap = c->cap_protos ? 2 * c->cap_protos : 4;
	p = realloc(c->protos, cap * sizeof(*p));
	if (!p)
		return -ENOMEM;
	c->protos = p;
	c->cap_protos = cap;
	return 0;
}

void mgmc_proto_add(struct mgmc *c, mgm_handle_t h,
		    const struct mgm_protocol_config *cfg)
{
	/* Reserved beforehand: registration cannot fail after the fact. */
	c->protos[c->n_protos++] = (struct mgmc_proto){ .h = h, .cfg = *cfg };
}

void mgmc_proto_add_x(struct mgmc *c, mgm_handle_t h,
		      const struct mgm_protocol_config_x *cfg)
{
	struct mgmc_proto *p = &c->protos[c->n_protos++];

	*p = (struct mgmc_proto){ .h = h, .x = true, .cfgx = *cfg };
	/* DISABLE_IGMP and ENABLE_IGMP carry no address: one path. */
	p->cfg.ctx = cfg->ctx;
	p->cfg.disable_igmp = cfg->disable_igmp;
	p->cfg.enable_igmp = cfg->enable_igmp;
}

void mgmc_proto_del(struct mgmc *c, mgm_handle_t h)
{
	size_t i;

	for (i = 0; i < c->n_protos; i++) {
		if (c->protos[i].h == h) {
			c->protos[i] = c->protos[--c->n_protos];
			return;
		}
	}
}

/* A copy of h's entry (false if none): the callback may deregister and
 * so change the table.  An IPv4 protocol's cfgx is all NULL, and a
 * family-neutral one's cfg holds only ctx and the two IGMP callbacks:
 * each form of a callback finds only its own kind of protocol. */
static bool proto_get(struct mgmc *c, mgm_handle_t h, struct mgmc_proto *out)
{
	size_t i;

	for (i = 0; i < c->n_protos; i++) {
		if (c->protos[i].h == h) {
			*out = c->protos[i];
			return true;
		}
	}
	return false;
}

/* ---- sending ----------------------------------------------------------- */

static int wait_fd(struct mgmc *c, short events, int64_t deadline)
{
	struct pollfd pfd = { .fd = c->fd, .events = events };
	int t = -1, n;

	if (deadline >= 0) {
		int64_t left = deadline - now_ms();

		if (left <= 0)
			return -ETIMEDOUT;
		t = left > 1000000 ? 1000000 : (int)left;
	}
	n = poll(&pfd, 1, t);
	if (n < 0)
		return errno == EINTR ? 0 : -errno;
	return n ? 0 : -ETIMEDOUT;
}

static int64_t deadline_of(const struct mgmc *c)
{
	return c->timeout_ms < 0 ? -1 : now_ms() + c->timeout_ms;
}

static int send_msg(struct mgmc *c, uint16_t type, uint32_t seq,
		    const void *payload, size_t len)
{
	struct mgm_ipc_hdr h = {
		.len = (uint32_t)(sizeof(h) + len),
		.type = type,
		.seq = seq,
	};
	int64_t deadline = deadline_of(c);
	size_t off = 0, total = sizeof(h) + len;
	uint8_t *buf;
	int err = 0;

	if (c->broken)
		return -EPIPE;
	if (total > MGM_IPC_MAX)
		return -EMSGSIZE;
	buf = malloc(total);
	if (!buf)
		return -ENOMEM;
	memcpy(buf, &h, sizeof(h));
	if (len)
		memcpy(buf + sizeof(h), payload, len);
	while (off < total) {
		ssize_t n = send(c->fd, buf + off, total - off,
				 MSG_NOSIGNAL | MSG_DONTWAIT);

		if (n >= 0) {
			off += n;
			continue;
		}
		if (errno == EINTR)
			continue;
		if (errno != EAGAIN) {
			err = -errno;
			break;
		}
		err = wait_fd(c, POLLOUT, deadline);
		if (err)
			break;
	}
	free(buf);
	/* Half a message on the wire: the stream cannot be resynced. */
	if (err && (off || err != -ETIMEDOUT))
		c->broken = true;
	if (err)
		mgmc_set_error("sending to mgmd: %s", strerror(-err));
	return err;
}

int mgmc_raw_send(struct mgmc *c, uint16_t type, uint32_t seq,
		  const void *payload, size_t len)
{
	int err;

	if (!c)
		return -EINVAL;
	pthread_mutex_lock(&c->lock);
	err = send_msg(c, type, seq, payload, len);
	pthread_mutex_unlock(&c->lock);
	return err;
}

/* ---- receiving --------------------------------------------------------- */

/* Read what is there: >0 bytes read, 0 nothing (EAGAIN), -EPIPE. */
static int read_some(struct mgmc *c)
{
	ssize_t n;

	if (c->broken)
		return -EPIPE;
	if (c->rx_len == RX_CAP)
		return 0; /* a whole message is buffered: parse first */
	n = recv(c->fd, c->rx + c->rx_len, RX_CAP - c->rx_len, MSG_DONTWAIT);
	if (n > 0) {
		c->rx_len += n;
		return 1;
	}
	if (n < 0 && (errno == EAGAIN || errno == EINTR))
		return 0;
	c->broken = true;
	mgmc_set_error("mgmd closed the connection");
	return -EPIPE;
}

/* The next complete message from the input buffer, or NULL. */
static struct mgmc_msg *next_msg(struct mgmc *c)
{
	struct mgm_ipc_hdr h;
	struct mgmc_msg *m;

	if (c->rx_len < sizeof(h))
		return NULL;
	memcpy(&h, c->rx, sizeof(h));
	if (h.len < sizeof(h) || h.len > MGM_IPC_MAX) {
		c->broken = true;
		mgmc_set_error("mgmd sent a message of bad length %u", h.len);
		return NULL;
	}
	if (c->rx_len < h.len)
		return NULL;
	m = malloc(sizeof(*m) + h.len - sizeof(h) + 1);
	if (!m)
		return NULL;
	m->h = h;
	m->len = h.len - sizeof(h);
	m->next = NULL;
	memcpy(m->payload, c->rx + sizeof(h), m->len);
	((uint8_t *)m->payload)[m->len] = '\0'; /* error texts */
	memmove(c->rx, c->rx + h.len, c->rx_len - h.len);
	c->rx_len -= h.len;
	return m;
}

/* ---- callbacks ------------------------------------------------------- */

static void answer(struct mgmc *c, uint32_t seq, const void *p, size_t len)
{
	send_msg(c, MGM_IPC_CB_REPLY, seq, p, len);
}

/*
 * Copy a callback's fixed part (size bytes) to q: true if the message is
 * well-formed, that is exactly size bytes long, or with hdr (a packet
 * header follows) size plus the hdr_size at offset hdr.
 */
static bool take(const struct mgmc_msg *m, void *q, size_t size, size_t hdr)
{
	uint32_t hs = 0;

	if (m->len < size)
		return false;
	memcpy(q, m->payload, size);
	if (hdr)
		memcpy(&hs, (const uint8_t *)q + hdr, sizeof(hs));
	return m->len == size + hs;
}

/* The protocol a callback is for (its payload starts with the handle). */
static bool cb_proto(struct mgmc *c, const struct mgmc_msg *m,
		     struct mgmc_proto *p)
{
	uint64_t h;

	if (m->len < sizeof(h))
		return false;
	memcpy(&h, m->payload, sizeof(h));
	return proto_get(c, h, p);
}

/* RPF of either form: the answer is the callback's out values, MGM's
 * unless it changes them. */
static void cb_rpf(struct mgmc *c, const struct mgmc_msg *m)
{
	bool x = m->h.type == MGM_IPC_CB_RPF_X;
	struct mgm_ipc_cb_rpf q;
	struct mgm_ipc_cb_rpf_x qx;
	struct mgm_ipc_cb_rpf_reply a;
	struct mgm_ipc_cb_rpf_x_reply ax;
	const uint8_t *hdr = (const uint8_t *)m->payload;
	struct mgmc_proto p;
	bool found;

	if (x ? !take(m, &qx, sizeof(qx),
		      offsetof(struct mgm_ipc_cb_rpf_x, hdr_size)) :
		!take(m, &q, sizeof(q),
		      offsetof(struct mgm_ipc_cb_rpf, hdr_size)))
		return; /* malformed: mgmd keeps MGM's values */
	found = cb_proto(c, m, &p);
	c->in_answer++;
	if (x) {
		ax = (struct mgm_ipc_cb_rpf_x_reply){ qx.in_ifindex,
						      qx.in_nexthop,
						      qx.upstream, qx.route };
		if (found && p.cfgx.rpf)
			p.cfgx.rpf(p.cfgx.ctx, &qx.source, &qx.group,
				   &ax.in_ifindex, &ax.in_nexthop, &ax.upstream,
				   qx.hdr_size, hdr + sizeof(qx), &ax.route);
	} else {
		a = (struct mgm_ipc_cb_rpf_reply){ q.in_ifindex, q.in_nexthop,
						   q.upstream, q.route };
		if (found && p.cfg.rpf)
			p.cfg.rpf(p.cfg.ctx, q.source, q.source_mask, q.group,
				  q.group_mask, &a.in_ifindex, &a.in_nexthop,
				  &a.upstream, q.hdr_size, hdr + sizeof(q),
				  &a.route);
	}
	c->in_answer--;
	answer(c, m->h.seq, x ? (const void *)&ax : &a,
	       x ? sizeof(ax) : sizeof(a));
}

/*
 * A creation alert of either form: its n interfaces follow the fixed
 * part.  The answer is the list itself, edited in place by the
 * callback: a reply header and a copy of the list, in one buffer.
 */
static void cb_creation(struct mgmc *c, const struct mgmc_msg *m)
{
	bool x = m->h.type == MGM_IPC_CB_CREATION_ALERT_X;
	struct mgm_ipc_cb_creation q;
	struct mgm_ipc_cb_creation_x qx;
	struct mgm_ipc_cb_creation_reply a = { 0 };
	size_t qsize = x ? sizeof(qx) : sizeof(q), n, sz;
	struct mgm_if_entry *oifs;
	struct mgmc_proto p;
	uint8_t *buf;

	if (m->len < qsize)
		return;
	memcpy(x ? (void *)&qx : &q, m->payload, qsize);
	n = x ? qx.if_count : q.if_count;
	if (n > MGM_IPC_MAX / sizeof(struct mgm_if_entry) ||
	    m->len != qsize + n * sizeof(struct mgm_if_entry))
		return;
	a.if_count = (uint32_t)n;
	sz = sizeof(a) + n * sizeof(struct mgm_if_entry);
	buf = malloc(sz);
	if (!buf)
		return;
	memcpy(buf, &a, sizeof(a));
	oifs = (struct mgm_if_entry *)(buf + sizeof(a));
	memcpy(oifs, (const uint8_t *)m->payload + qsize,
	       n * sizeof(struct mgm_if_entry));
	if (cb_proto(c, m, &p) &&
	    (x ? !!p.cfgx.creation_alert : !!p.cfg.creation_alert)) {
		c->in_answer++;
		if (x)
			p.cfgx.creation_alert(p.cfgx.ctx, &qx.source, &qx.group,
					      qx.in_ifindex, qx.in_nexthop,
					      (uint32_t)n, oifs);
		else
			p.cfg.creation_alert(p.cfg.ctx, q.source, q.source_mask,
					     q.group, q.group_mask,
					     q.in_ifindex, q.in_nexthop,
					     (uint32_t)n, oifs);
		c->in_answer--;
	}
	answer(c, m->h.seq, buf, sz);
	free(buf);
}

static void cb_prune(struct mgmc *c, const struct mgmc_msg *m)
{
	bool x = m->h.type == MGM_IPC_CB_PRUNE_ALERT_X;
	struct mgm_ipc_cb_prune q;
	struct mgm_ipc_cb_prune_x qx;
	struct mgm_ipc_cb_prune_reply a = { 0 };
	struct mgmc_proto p;

	if (x ? !take(m, &qx, sizeof(qx), 0) : !take(m, &q, sizeof(q), 0))
		return;
	a.timeout = x ? qx.timeout : q.timeout;
	if (cb_proto(c, m, &p) &&
	    (x ? !!p.cfgx.prune_alert : !!p.cfg.prune_alert)) {
		c->in_answer++;
		if (x)
			p.cfgx.prune_alert(p.cfgx.ctx, &qx.source, &qx.group,
					   qx.ifindex, qx.nexthop,
					   qx.member_delete, &a.timeout);
		else
			p.cfg.prune_alert(p.cfg.ctx, q.source, q.source_mask,
					  q.group, q.group_mask, q.ifindex,
					  q.nexthop, q.member_delete,
					  &a.timeout);
		c->in_answer--;
	}
	answer(c, m->h.seq, &a, sizeof(a));
}

/* mgmd's events about a protocol (not MGM callbacks). */
static void cb_event(struct mgmc *c, const struct mgmc_msg *m)
{
	if (m->h.type == MGM_IPC_EV_SHUTDOWN) {
		struct mgm_ipc_ev_shutdown q;

		if (!take(m, &q, sizeof(q), 0))
			return;
		mgmc_proto_del(c, q.handle);
		if (c->on_shutdown)
			c->on_shutdown(c->on_shutdown_arg, q.handle, q.reason);
	} else {
		struct mgm_ipc_ev_interface q;
		struct mgmc_if_event ev = { 0 };

		if (!c->on_interface || !take(m, &q, sizeof(q), 0))
			return;
		ev.type = m->h.type == MGM_IPC_EV_IF_GONE ? MGMC_IF_GONE :
							    MGMC_IF_APPEARED;
		ev.ifindex = q.ifindex;
		ev.nexthop = q.nexthop;
		ev.old_ifindex = q.old_ifindex;
		ev.status = q.status;
		memcpy(ev.name, q.name, sizeof(ev.name) - 1);
		c->on_interface(c->on_interface_arg, q.handle, &ev);
	}
}

/* The callbacks that return nothing, either form: no answer. */
static void cb_other(struct mgmc *c, const struct mgmc_msg *m)
{
	const uint8_t *hdr = (const uint8_t *)m->payload;
	struct mgm_protocol_config_x *fx;
	struct mgm_protocol_config *f;
	struct mgmc_proto p;
	union {
		struct mgm_ipc_cb_join join;
		struct mgm_ipc_cb_join_x joinx;
		struct mgm_ipc_cb_wrong_if wif;
		struct mgm_ipc_cb_wrong_if_x wifx;
		struct mgm_ipc_cb_local local;
		struct mgm_ipc_cb_local_x localx;
		struct mgm_ipc_cb_igmp igmp;
	} q;
	mgm_local_join_cb local;
	mgm_local_x_cb localx;
	mgm_enable_igmp_cb igmp;

	if (!cb_proto(c, m, &p))
		return;
	f = &p.cfg;
	fx = &p.cfgx;
	switch (m->h.type) {
	case MGM_IPC_CB_JOIN_ALERT:
		if (take(m, &q.join, sizeof(q.join), 0) && f->join_alert)
			f->join_alert(f->ctx, q.join.source, q.join.source_mask,
				      q.join.group, q.join.group_mask,
				      q.join.member_update);
		break;
	case MGM_IPC_CB_JOIN_ALERT_X:
		if (take(m, &q.joinx, sizeof(q.joinx), 0) && fx->join_alert)
			fx->join_alert(fx->ctx, &q.joinx.source, &q.joinx.group,
				       q.joinx.member_update);
		break;
	case MGM_IPC_CB_WRONG_IF:
		if (f->wrong_if &&
		    take(m, &q.wif, sizeof(q.wif),
			 offsetof(struct mgm_ipc_cb_wrong_if, hdr_size)))
			f->wrong_if(f->ctx, q.wif.source, q.wif.group,
				    q.wif.ifindex, q.wif.nexthop,
				    q.wif.hdr_size, hdr + sizeof(q.wif));
		break;
	case MGM_IPC_CB_WRONG_IF_X:
		if (fx->wrong_if &&
		    take(m, &q.wifx, sizeof(q.wifx),
			 offsetof(struct mgm_ipc_cb_wrong_if_x, hdr_size)))
			fx->wrong_if(fx->ctx, &q.wifx.source, &q.wifx.group,
				     q.wifx.ifindex, q.wifx.nexthop,
				     q.wifx.hdr_size, hdr + sizeof(q.wifx));
		break;
	case MGM_IPC_CB_LOCAL_JOIN:
	case MGM_IPC_CB_LOCAL_LEAVE:
		local = m->h.type == MGM_IPC_CB_LOCAL_JOIN ? f->local_join :
							     f->local_leave;
		if (take(m, &q.local, sizeof(q.local), 0) && local)
			local(f->ctx, q.local.source, q.local.source_mask,
			      q.local.group, q.local.group_mask,
			      q.local.ifindex, q.local.nexthop);
		break;
	case MGM_IPC_CB_LOCAL_JOIN_X:
	case MGM_IPC_CB_LOCAL_LEAVE_X:
		localx = m->h.type == MGM_IPC_CB_LOCAL_JOIN_X ? fx->local_join :
								fx->local_leave;
		if (take(m, &q.localx, sizeof(q.localx), 0) && localx)
			localx(fx->ctx, &q.localx.source, &q.localx.group,
			       q.localx.ifindex, q.localx.nexthop);
		break;
	case MGM_IPC_CB_DISABLE_IGMP:
	case MGM_IPC_CB_ENABLE_IGMP:
		/* No address: one form for both kinds of protocol. */
		igmp = m->h.type == MGM_IPC_CB_ENABLE_IGMP ? f->enable_igmp :
							     f->disable_igmp;
		if (take(m, &q.igmp, sizeof(q.igmp), 0) && igmp)
			igmp(f->ctx, q.igmp.ifindex, q.igmp.nexthop);
		break;
	default:
		break; /* a newer daemon's: ignored */
	}
}

static bool is_waiting(const struct mgmc *c, uint32_t seq)
{
	int i;

	for (i = 0; i < c->n_waiting; i++)
		if (c->waiting[i] == seq)
			return true;
	return false;
}

/* Act on a message that is not the reply being waited for; frees it. */
static void handle_msg(struct mgmc *c, struct mgmc_msg *m)
{
	uint16_t t = m->h.type;

	if (t == MGM_IPC_REPLY || t == MGM_IPC_ERROR) {
		if (t == MGM_IPC_ERROR && !m->h.seq) {
			/* Not about a request: mgmd is closing us. */
			mgmc_set_error("mgmd: %s", (char *)m->payload);
			c->broken = true;
		} else if (is_waiting(c, m->h.seq)) {
			m->next = c->stash;
			c->stash = m;
			return;
		}
	} else if (t >= MGM_IPC_CB_FIRST && t <= MGM_IPC_CB_LAST) {
		c->in_cb++;
		if (t == MGM_IPC_CB_RPF || t == MGM_IPC_CB_RPF_X)
			cb_rpf(c, m);
		else if (t == MGM_IPC_CB_CREATION_ALERT ||
			 t == MGM_IPC_CB_CREATION_ALERT_X)
			cb_creation(c, m);
		else if (t == MGM_IPC_CB_PRUNE_ALERT ||
			 t == MGM_IPC_CB_PRUNE_ALERT_X)
			cb_prune(c, m);
		else if (t == MGM_IPC_EV_SHUTDOWN || t == MGM_IPC_EV_IF_GONE ||
			 t == MGM_IPC_EV_IF_APPEARED)
			cb_event(c, m);
		else
			cb_other(c, m);
		c->in_cb--;
	}
	free(m);
}

static struct mgmc_msg *stash_take(struct mgmc *c, uint32_t seq)
{
	struct mgmc_msg **pp, *m;

	for (pp = &c->stash; *pp; pp = &(*pp)->next) {
		if ((*pp)->h.seq == seq) {
			m = *pp;
			*pp = m->next;
			return m;
		}
	}
	return NULL;
}

static int wait_reply(struct mgmc *c, uint32_t seq, struct mgmc_msg **out)
{
	int64_t deadline = deadline_of(c);
	struct mgmc_msg *m;
	int err;

	for (;;) {
		m = stash_take(c, seq);
		if (m) {
			*out = m;
			return 0;
		}
		m = next_msg(c);
		if (m) {
			if ((m->h.type == MGM_IPC_REPLY ||
			     m->h.type == MGM_IPC_ERROR) &&
			    m->h.seq == seq) {
				*out = m;
				return 0;
			}
			handle_msg(c, m);
			continue;
		}
		if (c->broken)
			return -EPIPE;
		err = read_some(c);
		if (err < 0)
			return err;
		if (err > 0)
			continue;
		err = wait_fd(c, POLLIN, deadline);
		if (err) {
			mgmc_set_error("no reply from mgmd: %s",
				       strerror(-err));
			return err;
		}
	}
}

int mgmc_call(struct mgmc *c, uint16_t type, const void *req, size_t len,
	      struct mgmc_msg **out)
{
	uint32_t seq;
	int err;

	pthread_mutex_lock(&c->lock);
	/* An older mgmd waits for the answer and would serve this call
	 * only after giving up on it. */
	if (c->in_answer && !(c->features & MGM_IPC_FEAT_ASYNC_CB)) {
		mgmc_set_error("called from inside a callback mgmd is waiting "
			       "on");
		err = -EDEADLK;
		goto out;
	}
	if (c->n_waiting == MGMC_MAX_NEST) {
		mgmc_set_error("too many nested calls");
		err = -ELOOP;
		goto out;
	}
	if (!++c->seq)
		++c->seq;
	seq = c->seq;
	err = send_msg(c, type, seq, req, len);
	if (err)
		goto out;
	c->waiting[c->n_waiting++] = seq;
	err = wait_reply(c, seq, out);
	/* Nested calls finish first: ours is the innermost. */
	c->n_waiting--;
	/*
	 * Callbacks read together with the reply would wait in our buffer
	 * with no poll() on mgmc_fd() to announce them: run them now (the
	 * outermost call does; a callback's own calls leave it to the loop
	 * that runs the callback).
	 */
	if (!c->n_waiting && !c->in_cb) {
		char saved[sizeof(last_error)];
		struct mgmc_msg *m;

		/* The callbacks' own calls must not hide why ours failed. */
		memcpy(saved, last_error, sizeof(saved));
		while ((m = next_msg(c)))
			handle_msg(c, m);
		memcpy(last_error, saved, sizeof(saved));
	}
out:
	pthread_mutex_unlock(&c->lock);
	return err;
}

uint32_t mgmc_request(struct mgmc *c, uint16_t type, const void *req,
		      size_t len, void *rep, size_t rep_len,
		      struct mgmc_msg **keep)
{
	struct mgmc_msg *m;
	uint32_t status;

	if (keep)
		*keep = NULL;
	mgmc_clear_error();
	if (mgmc_call(c, type, req, len, &m))
		return MGM_ERROR_CAN_NOT_COMPLETE;
	status = m->h.status;
	if (m->h.type == MGM_IPC_ERROR) {
		mgmc_set_error("mgmd refused the request: %s",
			       (char *)m->payload);
		free(m);
		return status ? status : MGM_ERROR_INVALID_PARAMETER;
	}
	if (m->len < rep_len || (!keep && m->len != rep_len)) {
		mgmc_set_error("malformed reply from mgmd (%zu bytes)", m->len);
		free(m);
		return MGM_ERROR_CAN_NOT_COMPLETE;
	}
	if (rep_len)
		memcpy(rep, m->payload, rep_len);
	if (keep)
		*keep = m;
	else
		free(m);
	return status;
}

uint32_t mgmc_raw_request(struct mgmc *c, uint16_t type, const void *payload,
			  size_t len, uint16_t *reply_type, void *reply,
			  size_t *reply_len)
{
	struct mgmc_msg *m;
	uint32_t status;

	if (reply_type)
		*reply_type = 0;
	if (!c || (len && !payload))
		return MGM_ERROR_INVALID_PARAMETER;
	mgmc_clear_error();
	if (mgmc_call(c, type, payload, len, &m))
		return MGM_ERROR_CAN_NOT_COMPLETE;
	if (reply_type)
		*reply_type = m->h.type;
	if (reply_len) {
		memcpy(reply, m->payload,
		       m->len < *reply_len ? m->len : *reply_len);
		*reply_len = m->len;
	}
	status = m->h.status;
	free(m);
	return status;
}

/* ---- the connection ---------------------------------------------------- */

int mgmc_fd(const struct mgmc *c)
{
	return c ? c->fd : -1;
}

int mgmc_dispatch(struct mgmc *c)
{
	struct mgmc_msg *m;
	int n = 0, r;

	if (!c)
		return -EINVAL;
	pthread_mutex_lock(&c->lock);
	do {
		while ((m = next_msg(c))) {
			handle_msg(c, m);
			n++;
		}
		r = read_some(c);
	} while (r > 0);
	if (c->broken && !n)
		n = -EPIPE;
	pthread_mutex_unlock(&c->lock);
	return n;
}

void mgmc_set_timeout(struct mgmc *c, int timeout_ms)
{
	if (c)
		c->timeout_ms = timeout_ms < 0 ? -1 : timeout_ms;
}

uint32_t mgmc_callback_timeout_ms(const struct mgmc *c)
{
	return c ? c->cb_timeout_ms : 0;
}

void mgmc_on_shutdown(struct mgmc *c, mgmc_shutdown_cb fn, void *arg)
{
	if (!c)
		return;
	pthread_mutex_lock(&c->lock);
	c->on_shutdown = fn;
	c->on_shutdown_arg = arg;
	pthread_mutex_unlock(&c->lock);
}

void mgmc_on_interface(struct mgmc *c, mgmc_interface_cb fn, void *arg)
{
	if (!c)
		return;
	pthread_mutex_lock(&c->lock);
	c->on_interface = fn;
	c->on_interface_arg = arg;
	pthread_mutex_unlock(&c->lock);
}

uint32_t mgmc_daemon_features(const struct mgmc *c)
{
	return c ? c->features : 0;
}

/* Did mgmd refuse us?  It says so (an error with seq 0) and closes,
 * possibly before our HELLO is even written. */
static bool refused(struct mgmc *c)
{
	struct mgmc_msg *m;
	ssize_t n = recv(c->fd, c->rx + c->rx_len, RX_CAP - c->rx_len,
			 MSG_DONTWAIT);

	if (n > 0)
		c->rx_len += n;
	while ((m = next_msg(c)))
		handle_msg(c, m);
	return strstr(last_error, "permission") != NULL;
}

static int hello(struct mgmc *c, const char *name)
{
	struct mgm_ipc_hello q = { .version = MGM_IPC_VERSION,
				   .pid = (uint32_t)getpid() };
	struct mgm_ipc_hello_reply a;
	struct mgmc_msg *m;
	int err;

	if (name)
		strncpy(q.name, name, sizeof(q.name) - 1);
	err = mgmc_call(c, MGM_IPC_REQ_HELLO, &q, sizeof(q), &m);
	if (err)
		return refused(c) ? -EACCES : err;
	if (m->h.type != MGM_IPC_REPLY || m->len != sizeof(a)) {
		mgmc_set_error("mgmd refused HELLO: %s",
			       m->h.type == MGM_IPC_ERROR ? (char *)m->payload :
							    "bad reply");
		free(m);
		return -EPROTO;
	}
	memcpy(&a, m->payload, sizeof(a));
	free(m);
	if (a.version != MGM_IPC_VERSION) {
		mgmc_set_error("mgmd speaks version %u, we speak %u", a.version,
			       MGM_IPC_VERSION);
		return -EPROTO;
	}
	c->cb_timeout_ms = a.cb_timeout_ms;
	c->features = a.features;
	return 0;
}

struct mgmc *mgmc_connect_as(const char *path, const char *name)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	pthread_mutexattr_t ma;
	struct mgmc *c;
	int err;

	if (!path)
		path = MGM_IPC_SOCKET_DEFAULT;
	if (strlen(path) >= sizeof(sa.sun_path)) {
		errno = ENAMETOOLONG;
		return NULL;
	}
	strcpy(sa.sun_path, path);
	c = calloc(1, sizeof(*c));
	if (!c)
		return NULL;
	c->rx = malloc(RX_CAP);
	c->timeout_ms = DEFAULT_TIMEOUT_MS;
	c->cb_timeout_ms = MGM_IPC_CB_TIMEOUT_MS;
	c->fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (!c->rx || c->fd < 0) {
		err = errno;
		goto fail;
	}
	if (connect(c->fd, (struct sockaddr *)&sa, sizeof(sa)) ||
	    fcntl(c->fd, F_SETFL, fcntl(c->fd, F_GETFL) | O_NONBLOCK)) {
		err = errno;
		mgmc_set_error("connecting to %s: %s", path, strerror(err));
		goto fail;
	}
	pthread_mutexattr_init(&ma);
	pthread_mutexattr_settype(&ma, PTHREAD_MUTEX_RECURSIVE);
	pthread_mutex_init(&c->lock, &ma);
	pthread_mutexattr_destroy(&ma);
	err = hello(c, name);
	if (err) {
		pthread_mutex_destroy(&c->lock);
		err = -err;
		goto fail;
	}
	return c;
fail:
	if (c->fd >= 0)
		close(c->fd);
	free(c->rx);
	free(c);
	errno = err;
	return NULL;
}

struct mgmc *mgmc_connect(const char *path)
{
	return mgmc_connect_as(path, NULL);
}

void mgmc_close(struct mgmc *c)
{
	struct mgmc_msg *m;

	if (!c)
		return;
	close(c->fd);
	while ((m = c->stash)) {
		c->stash = m->next;
		free(m);
	}
	pthread_mutex_destroy(&c->lock);
	free(c->protos);
	free(c->rx);
	free(c);
}
