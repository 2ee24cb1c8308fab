// SPDX-License-Identifier: GPL-2.0
/*
 * remote.c - routing protocols in other processes (libmgmclient) on the
 * control socket.  Wire format: include/mgm/mgm_ipc_proto.h; prose, with
 * the reasons: doc/external-protocols.md.
 *
 * Requests are length-checked against their struct before any field is
 * read (else MGM_IPC_ERROR; the connection stays usable), then become the
 * MGM call and its reply.  Every protocol or enumeration handle a request
 * names must be one its own connection obtained, else
 * MGM_ERROR_INVALID_PARAMETER before MGM sees it.
 *
 * MGM's callbacks (ctx: struct rproto) become messages.  Nothing waits
 * for a client: RPF, creation and prune alerts return MGM's values at once
 * and remember what they asked (struct rpend); an answer within
 * cb_timeout_ms is applied after the fact through MGM (apply_*), a later
 * one is counted and ignored.  So a slow or stuck process costs the router
 * nothing but its own answers.
 *
 * What a permitted peer may hold is bounded (mgmd.conf "control"): over
 * a limit a request gets MGM_ERROR_NOT_ENOUGH_MEMORY (over_limit()).
 *
 * A connection that closes has its protocols shut down as the seed says:
 * each interface released (MGM runs the IGMP handoff and deletes the
 * entries tied to it), then deregistration; its enumerations end first.
 *
 * An interface that is deleted is the same seed for one interface (link.c
 * calls remote_if_gone): every remote protocol that owned it, then every
 * remote IGMP that ran there, has it released on its behalf and is told
 * (MGM_IPC_EV_IF_GONE); a later interface with that name is announced to
 * them (MGM_IPC_EV_IF_APPEARED), and taking it back is theirs to do.
 */
#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mgm/mgm_ipc_proto.h"
#include "mgmd.h"

/* How long a callback waits for its answer (MGMD_REMOTE_CB_TIMEOUT_MS in
 * the environment overrides it, 1..10000). */
#ifndef REMOTE_CB_TIMEOUT_MS
#define REMOTE_CB_TIMEOUT_MS MGM_IPC_CB_TIMEOUT_MS
#endif
#define REMOTE_MAX_PROTOS 16 /* per connection */
#define REMOTE_MAX_ENUMS 1024 /* per connection; max-enumerations below */
/* Callbacks awaiting their answer per connection: beyond, the oldest is
 * given up (a timeout).  At 10,000 new flows/s and 250 ms: 2,500. */
#define REMOTE_MAX_PENDING 8192U
#define REMOTE_MAX_LOST 16 /* names remembered per protocol */

struct rconn;

/* A device a remote protocol took (not a made-up ifindex). */
struct rtaken {
	uint32_t ifindex;
	char name[IF_NAMESIZE];
};

struct rproto {
	struct rconn *rc; /* NULL: connection gone, deregistration failed */
	mgm_handle_t h;
	uint32_t protocol_id;
	uint32_t component_id;
	/* Registered with REGISTER_X: its callbacks are the CB_*_X
	 * messages, for these families (MGM_FAMILY_*). */
	bool x;
	uint32_t families;
	char name[MGM_IPC_NAME_MAX + 24];
	bool dying; /* being shut down: its callbacks are not sent */
	uint64_t n_cb, n_timeouts, n_bad;
	uint64_t log_ns[3]; /* last timeout logged, per answered type */
	/* Interfaces released on its behalf because they went, by name:
	 * it is told when one with that name appears (oldest dropped). */
	struct {
		char name[IF_NAMESIZE];
		uint32_t ifindex;
	} lost[REMOTE_MAX_LOST];
	int n_lost;
	/* Devices it took, with the name they had then: looked for again
	 * when link events were lost (remote_if_sweep). */
	struct rtaken *taken;
	size_t n_taken, cap_taken;
	struct rproto *next;
};

struct renum {
	mgm_handle_t h;
	mgm_handle_t proto;
};

struct rconn {
	struct conn *c;
	uint32_t id;
	uint32_t pid; /* as the client said in HELLO */
	char label[MGM_IPC_NAME_MAX];
	uint32_t cb_seq;
	bool closing;
	/* Callbacks sent that want an answer, oldest first (a ring). */
	struct rpend *pend;
	uint32_t pend_head, pend_n, pend_cap;
	struct renum enums[REMOTE_MAX_ENUMS];
	int n_enums;
};

struct remote {
	struct mgmd *d;
	int cb_timeout_ms;
	uint32_t next_id;
	struct rproto *protos;
};

static struct remote *R;

/* The three callbacks answered, either family: 0 RPF, 1 creation,
 * 2 prune. */
static int cb_kind(uint16_t type)
{
	return type == MGM_IPC_CB_RPF || type == MGM_IPC_CB_RPF_X ? 0 :
	       type == MGM_IPC_CB_CREATION_ALERT ||
			       type == MGM_IPC_CB_CREATION_ALERT_X ?
								    1 :
								    2;
}

static const char *cb_name(uint16_t type)
{
	static const char *const names[] = { "rpf", "creation alert",
					     "prune alert" };

	return names[cb_kind(type)];
}

/* "(S, G)" of a log line. */
static const char *sg_text(char *buf, size_t len, const struct mgm_addr *s,
			   const struct mgm_addr *g)
{
	char a[MGM_ADDRSTRLEN], b[MGM_ADDRSTRLEN];

	snprintf(buf, len, "%s %s", mgm_addr_ntop(s, a, sizeof(a)),
		 mgm_addr_ntop(g, b, sizeof(b)));
	return buf;
}

/* ---- callbacks: MGM -> message (-> answer, applied later) -------------- */

/*
 * RPF, creation and prune alerts never wait: MGM's values are what the
 * callback returns, the message is sent, and what it asked is remembered
 * here (struct rpend, a ring per connection in the order sent) until the
 * answer comes or its deadline (cb_timeout_ms after sending) passes.  An
 * answer on time is applied after the fact through MGM (apply_*); one
 * after the deadline, or for a seq already answered, is counted as late
 * and ignored; one that names no callback sent is a bad answer.
 */
struct rpend {
	uint32_t seq;
	uint16_t type;
	bool done; /* answered, expired or superseded */
	bool superseded; /* its entry was re-created meanwhile */
	uint64_t deadline_ns;
	struct rproto *rp;
	struct mgm_addr s, g;
	/* What MGM used (its defaults): compared with the answer. */
	uint32_t iif, nh; /* RPF; prune: iif = the interface */
	struct mgm_addr up; /* RPF */
	struct mgm_route_info route; /* RPF (IPv4 callback) */
	struct mgm_route_info_x routex; /* RPF_X */
	int32_t del; /* prune */
	uint32_t timeout; /* prune */
	uint32_t n; /* creation */
	struct mgm_if_entry *oifs;
};

static void pend_clear(struct rpend *p)
{
	free(p->oifs);
	p->oifs = NULL;
	p->done = true;
}

static void pend_expired(struct rpend *p)
{
	struct rproto *rp = p->rp;
	uint64_t now = mgm_dp_now_ns(), *last;

	R->d->cstats.callback_timeouts++;
	if (rp) {
		rp->n_timeouts++;
		last = &rp->log_ns[cb_kind(p->type)];
		/* One line a second at most per protocol and type. */
		if (now - *last >= 1000000000ULL) {
			log_warn("%s: no answer to the %s callback within %d "
				 "ms, MGM's values stay%s",
				 rp->name, cb_name(p->type), R->cb_timeout_ms,
				 rp->n_timeouts > 1 ? " (one line a second)" :
						      "");
			*last = now;
		}
	}
	pend_clear(p);
}

static struct rpend *pend_at(struct rconn *rc, uint32_t i)
{
	return &rc->pend[(rc->pend_head + i) & (rc->pend_cap - 1)];
}

/* Drop answered entries and expire those past their deadline from the
 * head (deadlines grow with seq: one timeout for all). */
static void pend_sweep(struct rconn *rc, uint64_t now)
{
	struct rpend *p;

	while (rc->pend_n) {
		p = pend_at(rc, 0);
		/* A superseded entry is kept until its deadline: its answer
		 * is on time, not late. */
		if ((!p->done || p->superseded) && p->deadline_ns > now)
			break;
		if (!p->done)
			pend_expired(p);
		rc->pend_head = (rc->pend_head + 1) & (rc->pend_cap - 1);
		rc->pend_n--;
	}
}

/* A slot for a new entry at the tail; the oldest is expired if the ring
 * is at REMOTE_MAX_PENDING. */
static struct rpend *pend_push(struct rconn *rc)
{
	struct rpend *v, *p;
	uint32_t i, cap;

	pend_sweep(rc, mgm_dp_now_ns());
	if (rc->pend_n == rc->pend_cap && rc->pend_cap < REMOTE_MAX_PENDING) {
		cap = rc->pend_cap ? 2 * rc->pend_cap : 64;
		v = calloc(cap, sizeof(*v));
		if (!v)
			return NULL;
		for (i = 0; i < rc->pend_n; i++)
			v[i] = *pend_at(rc, i);
		free(rc->pend);
		rc->pend = v;
		rc->pend_cap = cap;
		rc->pend_head = 0;
	}
	if (rc->pend_n == rc->pend_cap) {
		p = pend_at(rc, 0);
		if (!p->done)
			pend_expired(p);
		rc->pend_head = (rc->pend_head + 1) & (rc->pend_cap - 1);
		rc->pend_n--;
	}
	p = pend_at(rc, rc->pend_n++);
	memset(p, 0, sizeof(*p));
	return p;
}

/* The entry of seq, answered or not, or NULL. */
static struct rpend *pend_find(struct rconn *rc, uint32_t seq)
{
	uint32_t lo = 0, hi = rc->pend_n, mid;
	struct rpend *p;

	/* seq wraps after 2^32 callbacks: compare as a distance. */
	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		p = pend_at(rc, mid);
		if (p->seq == seq)
			return p;
		if ((int32_t)(p->seq - seq) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

/* Entries of rp (going away), or of (s, g) (its MFE re-created): done. */
static void pend_forget(struct rconn *rc, const struct rproto *rp,
			const struct mgm_addr *s, const struct mgm_addr *g)
{
	struct rpend *p;
	uint32_t i;

	for (i = 0; rc && i < rc->pend_n; i++) {
		p = pend_at(rc, i);
		if (p->done)
			continue;
		if (rp ? p->rp == rp :
			 mgm_addr_eq(&p->s, s) && mgm_addr_eq(&p->g, g)) {
			pend_clear(p);
			p->superseded = !rp;
			if (rp)
				p->rp = NULL;
		}
	}
}

/* The earliest deadline of any connection's callbacks (the ticker). */
static int pend_timeout(void *arg)
{
	uint64_t now = mgm_dp_now_ns(), first = UINT64_MAX;
	struct rproto *rp;
	uint32_t i;

	(void)arg;
	for (rp = R ? R->protos : NULL; rp; rp = rp->next) {
		for (i = 0; rp->rc && i < rp->rc->pend_n; i++) {
			struct rpend *p = pend_at(rp->rc, i);

			if (!p->done) {
				if (p->deadline_ns < first)
					first = p->deadline_ns;
				break;
			}
		}
	}
	if (first == UINT64_MAX)
		return -1;
	if (first <= now)
		return 0;
	/* Rounded up: woken before the deadline would spin. */
	return (int)((first - now + 999999) / 1000000);
}

static void pend_tick(void *arg)
{
	uint64_t now = mgm_dp_now_ns();
	struct rproto *rp;

	(void)arg;
	for (rp = R ? R->protos : NULL; rp; rp = rp->next)
		if (rp->rc)
			pend_sweep(rp->rc, now);
}

/*
 * Send a callback to rp's process.  With pend, it wants an answer: an
 * entry is made for it (*pend), to be filled by the caller.
 */
static bool cb_send(struct rproto *rp, uint16_t type, const void *msg,
		    size_t len, struct rpend **pend)
{
	struct rconn *rc = rp->rc;
	struct rpend *p = NULL;
	uint32_t seq;

	if (!R || !rc || rc->closing || rp->dying)
		return false;
	if (pend && !(p = pend_push(rc)))
		return false;
	if (!++rc->cb_seq)
		++rc->cb_seq;
	seq = rc->cb_seq;
	if (conn_send(rc->c, type, seq, 0, msg, len)) {
		if (p) {
			/* Never sent: the tail entry goes. */
			rc->pend_n--;
			p->done = true;
		}
		return false;
	}
	rp->n_cb++;
	if (p) {
		p->seq = seq;
		p->type = type;
		p->rp = rp;
		p->deadline_ns =
			mgm_dp_now_ns() + (uint64_t)R->cb_timeout_ms * 1000000;
		R->d->cstats.callbacks_async++;
		*pend = p;
	}
	return true;
}

static bool answer_ok(struct rproto *rp, uint16_t type, size_t got, size_t want)
{
	if (got == want)
		return true;
	rp->n_bad++;
	R->d->cstats.answers_bad++;
	log_warn("%s: malformed answer to the %s callback (%zu bytes, want "
		 "%zu), MGM's values stay",
		 rp->name, cb_name(type), got, want);
	return false;
}

/*
 * MGM's callbacks come in the form the protocol registered with: the
 * IPv4 ones (REGISTER, CB_* messages) or the family-neutral ones
 * (REGISTER_X, CB_*_X).  An IPv4 callback is a thin conversion at the
 * boundary: its addresses become struct mgm_addr, and what only its
 * message carries (MGM's masks, the IPv4 route) rides along in a struct
 * v4; one function per callback then builds the message of either form
 * (v4 NULL: the family-neutral one) and remembers what it asked.
 */
struct v4 {
	uint32_t sm, gm; /* MGM's masks */
	struct mgm_route_info *route; /* RPF's route */
};

/* Bytes of packet header a callback carries. */
static uint32_t hdr_len(uint32_t hs, const uint8_t *hdr)
{
	return !hdr ? 0 : hs > MGM_IPC_HDR_MAX ? MGM_IPC_HDR_MAX : hs;
}

/* cb_send() of q, qlen bytes, followed by hlen bytes of hdr. */
static bool cb_send_hdr(struct rproto *rp, uint16_t type, const void *q,
			size_t qlen, const uint8_t *hdr, uint32_t hlen,
			struct rpend **pend)
{
	uint8_t buf[sizeof(struct mgm_ipc_cb_rpf_x) + MGM_IPC_HDR_MAX];

	memcpy(buf, q, qlen);
	if (hlen)
		memcpy(buf + qlen, hdr, hlen);
	return cb_send(rp, type, buf, qlen + hlen, pend);
}

/*
 * An RPF answer being applied: the entry is re-created, and this RPF
 * callback (for the same protocol, source and group) returns the answer
 * at once, without asking again.
 */
static struct {
	const struct rproto *rp;
	struct mgm_addr s, g;
	struct mgm_ipc_cb_rpf_reply a; /* an RPF answer */
	struct mgm_ipc_cb_rpf_x_reply ax; /* an RPF_X answer */
} inject;

static uint32_t rpf_send(struct rproto *rp, const struct mgm_addr *s,
			 const struct mgm_addr *g, uint32_t *iif, uint32_t *nh,
			 struct mgm_addr *up, uint32_t hs, const uint8_t *hdr,
			 struct mgm_route_info_x *route, const struct v4 *v4)
{
	uint32_t hlen = hdr_len(hs, hdr);
	struct rpend *p;
	bool sent;

	if (inject.rp == rp && mgm_addr_eq(&inject.s, s) &&
	    mgm_addr_eq(&inject.g, g)) {
		if (v4) {
			*iif = inject.a.in_ifindex;
			*nh = inject.a.in_nexthop;
			*up = mgm_addr4(inject.a.upstream);
			*v4->route = inject.a.route;
		} else {
			*iif = inject.ax.in_ifindex;
			*nh = inject.ax.in_nexthop;
			*up = inject.ax.upstream;
			*route = inject.ax.route;
		}
		return MGM_NO_ERROR;
	}
	if (v4) {
		struct mgm_ipc_cb_rpf q = { rp->h,  s->v4,	v4->sm, g->v4,
					    v4->gm, *iif,	*nh,	up->v4,
					    hlen,   *v4->route, 0 };

		sent = cb_send_hdr(rp, MGM_IPC_CB_RPF, &q, sizeof(q), hdr, hlen,
				   &p);
	} else {
		struct mgm_ipc_cb_rpf_x q = {
			.handle = rp->h,
			.source = *s,
			.group = *g,
			.upstream = *up,
			.in_ifindex = *iif,
			.in_nexthop = *nh,
			.hdr_size = hlen,
			.route = *route,
		};

		sent = cb_send_hdr(rp, MGM_IPC_CB_RPF_X, &q, sizeof(q), hdr,
				   hlen, &p);
	}
	if (sent) {
		p->s = *s;
		p->g = *g;
		p->iif = *iif;
		p->nh = *nh;
		p->up = *up;
		if (v4)
			p->route = *v4->route;
		else
			p->routex = *route;
	}
	return MGM_NO_ERROR; /* MGM's values, for now */
}

static uint32_t cb_rpf(void *ctx, uint32_t s, uint32_t sm, uint32_t g,
		       uint32_t gm, uint32_t *iif, uint32_t *nh, uint32_t *up,
		       uint32_t hs, const uint8_t *hdr,
		       struct mgm_route_info *route)
{
	struct mgm_addr sa = mgm_addr4(s), ga = mgm_addr4(g),
			ua = mgm_addr4(*up);
	struct v4 v4 = { sm, gm, route };
	uint32_t r = rpf_send(ctx, &sa, &ga, iif, nh, &ua, hs, hdr, NULL, &v4);

	*up = ua.v4;
	return r;
}

static uint32_t cb_rpf_x(void *ctx, const struct mgm_addr *s,
			 const struct mgm_addr *g, uint32_t *iif, uint32_t *nh,
			 struct mgm_addr *up, uint32_t hs, const uint8_t *hdr,
			 struct mgm_route_info_x *route)
{
	return rpf_send(ctx, s, g, iif, nh, up, hs, hdr, route, NULL);
}

/*
 * Re-create p's entry with rp's RPF answer (inject): the entry MGM made
 * with its values is deleted and made again at once, as a miss where the
 * flow arrived, this protocol's RPF callback answering with what it said.
 * Other callbacks still pending for the old entry are void: the new one
 * asks again.
 */
static void rpf_recreate(struct rpend *p, uint32_t new_iif)
{
	struct rproto *rp = p->rp;
	struct mgm *m = R->d->m;
	char b[2 * MGM_ADDRSTRLEN + 2];
	struct rproto *o;
	uint32_t r;

	r = mgm_delete_mfe_x(m, rp->h, &p->s, &p->g);
	if (r != MGM_NO_ERROR) {
		log_debug("%s: RPF answer for %s not applied: %s", rp->name,
			  sg_text(b, sizeof(b), &p->s, &p->g), mgm_strerror(r));
		return;
	}
	for (o = R->protos; o; o = o->next)
		pend_forget(o->rc, NULL, &p->s, &p->g);
	inject.rp = rp;
	inject.s = p->s;
	inject.g = p->g;
	r = mgm_adopt_mfe_x(m, &p->s, &p->g, p->iif);
	memset(&inject, 0, sizeof(inject));
	R->d->cstats.answers_applied++;
	log_debug("%s: late RPF answer for %s: iif %u -> %u: %s", rp->name,
		  sg_text(b, sizeof(b), &p->s, &p->g), p->iif, new_iif,
		  mgm_strerror(r));
}

/* An RPF answer of either form (p->type). */
static void apply_rpf(struct rpend *p, const void *ans, size_t len)
{
	bool x = p->type == MGM_IPC_CB_RPF_X;
	struct rproto *rp = p->rp;
	struct mgm_ipc_cb_rpf_x_reply ax;
	struct mgm_ipc_cb_rpf_reply a;
	struct mgm_ipmcast_mfe e;
	char b[2 * MGM_ADDRSTRLEN + 2];
	size_t want = x ? sizeof(ax) : sizeof(a);
	uint32_t r, iif, nh;
	struct mgm_addr up;
	bool same_route;

	if (!answer_ok(rp, p->type, len, want))
		return;
	if (x) {
		memcpy(&ax, ans, sizeof(ax));
		if ((ax.upstream.family && ax.upstream.family != p->s.family) ||
		    (ax.route.network.family &&
		     ax.route.network.family != p->s.family)) {
			answer_ok(rp, p->type, 0, want);
			return; /* another family: not this entry's */
		}
		iif = ax.in_ifindex;
		nh = ax.in_nexthop;
		up = ax.upstream;
		same_route = !memcmp(&ax.route, &p->routex, sizeof(ax.route));
	} else {
		memcpy(&a, ans, sizeof(a));
		iif = a.in_ifindex;
		nh = a.in_nexthop;
		up = mgm_addr4(a.upstream);
		same_route = !memcmp(&a.route, &p->route, sizeof(a.route));
	}
	if (iif == p->iif && nh == p->nh && same_route) {
		if (mgm_addr_eq(&up, &p->up))
			return; /* MGM's values were the answer */
		if (p->s.family == MGM_AF_INET) {
			/* Only the upstream neighbour: MgmSetMfe's. */
			memset(&e, 0, sizeof(e));
			e.source = p->s.v4;
			e.group = p->g.v4;
			e.upstream = up.v4;
			r = mgm_set_mfe(R->d->m, rp->h, &e);
			log_debug("%s: late RPF answer for %s: upstream set: "
				  "%s",
				  rp->name, sg_text(b, sizeof(b), &p->s, &p->g),
				  mgm_strerror(r));
			R->d->cstats.answers_applied += r == MGM_NO_ERROR;
			return;
		}
		/* IPv6 has no MgmSetMfe: the entry is made again. */
	}
	/* Another incoming interface (or route). */
	if (x)
		inject.ax = ax;
	else
		inject.a = a;
	rpf_recreate(p, iif);
}

static uint32_t creation_send(struct rproto *rp, const struct mgm_addr *s,
			      const struct mgm_addr *g, uint32_t iif,
			      uint32_t nh, uint32_t n,
			      const struct mgm_if_entry *oifs,
			      const struct v4 *v4)
{
	const size_t ent = sizeof(struct mgm_if_entry);
	struct mgm_ipc_cb_creation q = { rp->h, s->v4, 0, g->v4, 0,
					 iif,	nh,    n, 0 };
	struct mgm_ipc_cb_creation_x qx = {
		.handle = rp->h,
		.source = *s,
		.group = *g,
		.in_ifindex = iif,
		.in_nexthop = nh,
		.if_count = n,
	};
	size_t qsize = v4 ? sizeof(q) : sizeof(qx);
	size_t qlen = qsize + (size_t)n * ent;
	struct mgm_if_entry *keep;
	struct rpend *p;
	uint8_t *buf;

	if (qlen > MGM_IPC_MAX - sizeof(struct mgm_ipc_hdr))
		return MGM_NO_ERROR; /* cannot be said: all stay enabled */
	buf = malloc(qlen);
	keep = malloc((size_t)n * ent + 1);
	if (!buf || !keep) {
		free(buf);
		free(keep);
		return MGM_NO_ERROR;
	}
	if (v4) {
		q.source_mask = v4->sm;
		q.group_mask = v4->gm;
	}
	memcpy(buf, v4 ? (const void *)&q : &qx, qsize);
	memcpy(buf + qsize, oifs, (size_t)n * ent);
	memcpy(keep, oifs, (size_t)n * ent);
	if (cb_send(rp,
		    v4 ? MGM_IPC_CB_CREATION_ALERT :
			 MGM_IPC_CB_CREATION_ALERT_X,
		    buf, qlen, &p)) {
		p->s = *s;
		p->g = *g;
		p->iif = iif;
		p->nh = nh;
		p->n = n;
		p->oifs = keep;
		keep = NULL;
	}
	free(keep);
	free(buf);
	return MGM_NO_ERROR; /* every interface enabled, for now */
}

static uint32_t cb_creation(void *ctx, uint32_t s, uint32_t sm, uint32_t g,
			    uint32_t gm, uint32_t iif, uint32_t nh, uint32_t n,
			    struct mgm_if_entry *oifs)
{
	struct mgm_addr sa = mgm_addr4(s), ga = mgm_addr4(g);
	struct v4 v4 = { sm, gm, NULL };

	return creation_send(ctx, &sa, &ga, iif, nh, n, oifs, &v4);
}

static uint32_t cb_creation_x(void *ctx, const struct mgm_addr *s,
			      const struct mgm_addr *g, uint32_t iif,
			      uint32_t nh, uint32_t n,
			      struct mgm_if_entry *oifs)
{
	return creation_send(ctx, s, g, iif, nh, n, oifs, NULL);
}

static void apply_creation(struct rpend *p, const uint8_t *ans, size_t len)
{
	const size_t ent = sizeof(struct mgm_if_entry);
	struct mgm_ipc_cb_creation_reply a;
	struct rproto *rp = p->rp;
	struct mgm_if_entry e;
	char b[2 * MGM_ADDRSTRLEN + 2];
	size_t want = sizeof(a) + (size_t)p->n * ent;
	uint32_t i, r;
	bool any = false;

	if (!answer_ok(rp, p->type, len, want))
		return;
	memcpy(&a, ans, sizeof(a));
	/* Only the enabled flags may change; the list must be ours. */
	for (i = 0; i < p->n && a.if_count == p->n; i++) {
		memcpy(&e, ans + sizeof(a) + i * ent, ent);
		if (e.ifindex != p->oifs[i].ifindex ||
		    e.nexthop != p->oifs[i].nexthop)
			break;
	}
	if (a.if_count != p->n || i != p->n) {
		answer_ok(rp, p->type, 0, want);
		return;
	}
	/* MGM enabled them all; the ones the answer disables leave the
	 * entry as MGM_FORWARD_STATE_FLAG deletes do (for this entry
	 * only, until it goes). */
	for (i = 0; i < p->n; i++) {
		memcpy(&e, ans + sizeof(a) + i * ent, ent);
		if (e.enabled || !p->oifs[i].enabled)
			continue;
		r = mgm_delete_group_membership_x(R->d->m, rp->h, &p->s, &p->g,
						  e.ifindex, e.nexthop,
						  MGM_FORWARD_STATE_FLAG);
		any |= r == MGM_NO_ERROR;
		log_debug("%s: creation answer for %s: ifindex %u "
			  "disabled: %s",
			  rp->name, sg_text(b, sizeof(b), &p->s, &p->g),
			  e.ifindex, mgm_strerror(r));
	}
	R->d->cstats.answers_applied += any;
}

static uint32_t prune_send(struct rproto *rp, const struct mgm_addr *s,
			   const struct mgm_addr *g, uint32_t ifindex,
			   uint32_t nh, int32_t del, uint32_t *timeout,
			   const struct v4 *v4)
{
	struct rpend *p;
	bool sent;

	if (v4) {
		struct mgm_ipc_cb_prune q = { rp->h, s->v4,  v4->sm,
					      g->v4, v4->gm, ifindex,
					      nh,    del,    *timeout };

		sent = cb_send(rp, MGM_IPC_CB_PRUNE_ALERT, &q, sizeof(q), &p);
	} else {
		struct mgm_ipc_cb_prune_x q = {
			.handle = rp->h,
			.source = *s,
			.group = *g,
			.ifindex = ifindex,
			.nexthop = nh,
			.member_delete = del,
			.timeout = *timeout,
		};

		sent = cb_send(rp, MGM_IPC_CB_PRUNE_ALERT_X, &q, sizeof(q), &p);
	}
	if (sent) {
		p->s = *s;
		p->g = *g;
		p->iif = ifindex;
		p->nh = nh;
		p->del = del;
		p->timeout = *timeout;
	}
	return MGM_NO_ERROR; /* the entry's timeout stays, for now */
}

static uint32_t cb_prune(void *ctx, uint32_t s, uint32_t sm, uint32_t g,
			 uint32_t gm, uint32_t ifindex, uint32_t nh,
			 int32_t del, uint32_t *timeout)
{
	struct mgm_addr sa = mgm_addr4(s), ga = mgm_addr4(g);
	struct v4 v4 = { sm, gm, NULL };

	return prune_send(ctx, &sa, &ga, ifindex, nh, del, timeout, &v4);
}

static uint32_t cb_prune_x(void *ctx, const struct mgm_addr *s,
			   const struct mgm_addr *g, uint32_t ifindex,
			   uint32_t nh, int32_t del, uint32_t *timeout)
{
	return prune_send(ctx, s, g, ifindex, nh, del, timeout, NULL);
}

static void apply_prune(struct rpend *p, const void *ans, size_t len)
{
	struct mgm_ipc_cb_prune_reply a;
	struct rproto *rp = p->rp;
	char b[2 * MGM_ADDRSTRLEN + 2];
	uint32_t r;

	if (!answer_ok(rp, p->type, len, sizeof(a)))
		return;
	memcpy(&a, ans, sizeof(a));
	/* Only an oif-list prune (member_delete 0) has a timeout to set,
	 * and only for an (S,G) entry. */
	if (p->del || mgm_addr_is_unspec(&p->s) || a.timeout == p->timeout)
		return;
	r = mgm_set_mfe_timeout_x(R->d->m, rp->h, &p->s, &p->g, a.timeout);
	R->d->cstats.answers_applied += r == MGM_NO_ERROR;
	log_debug("%s: prune answer for %s: timeout %u s: %s", rp->name,
		  sg_text(b, sizeof(b), &p->s, &p->g), a.timeout,
		  mgm_strerror(r));
}

/* An MGM_IPC_CB_REPLY from rc's process. */
static void cb_answer(struct rconn *rc, uint32_t seq, const void *ans,
		      size_t len)
{
	struct rpend *p;

	struct rpend cp;

	pend_sweep(rc, mgm_dp_now_ns());
	p = seq ? pend_find(rc, seq) : NULL;
	if (p && p->superseded) {
		/* On time, for an entry an RPF answer re-created: the new
		 * one was asked again. */
		R->d->cstats.answers_on_time++;
		p->superseded = false;
		return;
	}
	if (!p || p->done || !p->rp) {
		/* After its deadline (the entry is gone or expired), or a
		 * second answer: ignored, never waited for. */
		if (seq && (int32_t)(rc->cb_seq - seq) >= 0) {
			R->d->cstats.answers_late++;
			log_debug("remote: answer %u came too late, ignored",
				  seq);
		} else {
			R->d->cstats.answers_bad++;
			log_debug("remote: answer %u to no callback, ignored",
				  seq);
		}
		return;
	}
	R->d->cstats.answers_on_time++;
	/* Applying it calls MGM, whose callbacks may grow the ring: the
	 * entry is taken out first. */
	cp = *p;
	p->oifs = NULL;
	p->done = true;
	switch (cp.type) {
	case MGM_IPC_CB_RPF:
	case MGM_IPC_CB_RPF_X:
		apply_rpf(&cp, ans, len);
		break;
	case MGM_IPC_CB_CREATION_ALERT:
	case MGM_IPC_CB_CREATION_ALERT_X:
		apply_creation(&cp, ans, len);
		break;
	default:
		apply_prune(&cp, ans, len);
		break;
	}
	free(cp.oifs);
}

/* The callbacks that return nothing. */

static uint32_t join_send(struct rproto *rp, const struct mgm_addr *s,
			  const struct mgm_addr *g, int32_t upd,
			  const struct v4 *v4)
{
	if (v4) {
		struct mgm_ipc_cb_join q = { rp->h,  s->v4, v4->sm, g->v4,
					     v4->gm, upd,   0 };

		cb_send(rp, MGM_IPC_CB_JOIN_ALERT, &q, sizeof(q), NULL);
	} else {
		struct mgm_ipc_cb_join_x q = {
			.handle = rp->h,
			.source = *s,
			.group = *g,
			.member_update = upd,
		};

		cb_send(rp, MGM_IPC_CB_JOIN_ALERT_X, &q, sizeof(q), NULL);
	}
	return MGM_NO_ERROR;
}

static uint32_t cb_join(void *ctx, uint32_t s, uint32_t sm, uint32_t g,
			uint32_t gm, int32_t upd)
{
	struct mgm_addr sa = mgm_addr4(s), ga = mgm_addr4(g);
	struct v4 v4 = { sm, gm, NULL };

	return join_send(ctx, &sa, &ga, upd, &v4);
}

static uint32_t cb_join_x(void *ctx, const struct mgm_addr *s,
			  const struct mgm_addr *g, int32_t upd)
{
	return join_send(ctx, s, g, upd, NULL);
}

/* Wrong interface: the IPv4 form has no masks (v4: any non-NULL). */
static uint32_t wrong_if_send(struct rproto *rp, const struct mgm_addr *s,
			      const struct mgm_addr *g, uint32_t ifx,
			      uint32_t nh, uint32_t hs, const uint8_t *hdr,
			      bool v4)
{
	uint32_t hlen = hdr_len(hs, hdr);

	if (v4) {
		struct mgm_ipc_cb_wrong_if q = { rp->h, s->v4, g->v4, ifx,
						 nh,	hlen,  0 };

		cb_send_hdr(rp, MGM_IPC_CB_WRONG_IF, &q, sizeof(q), hdr, hlen,
			    NULL);
	} else {
		struct mgm_ipc_cb_wrong_if_x q = {
			.handle = rp->h,
			.source = *s,
			.group = *g,
			.ifindex = ifx,
			.nexthop = nh,
			.hdr_size = hlen,
		};

		cb_send_hdr(rp, MGM_IPC_CB_WRONG_IF_X, &q, sizeof(q), hdr, hlen,
			    NULL);
	}
	return MGM_NO_ERROR;
}

static uint32_t cb_wrong_if(void *ctx, uint32_t s, uint32_t g, uint32_t ifx,
			    uint32_t nh, uint32_t hs, const uint8_t *hdr)
{
	struct mgm_addr sa = mgm_addr4(s), ga = mgm_addr4(g);

	return wrong_if_send(ctx, &sa, &ga, ifx, nh, hs, hdr, true);
}

static uint32_t cb_wrong_if_x(void *ctx, const struct mgm_addr *s,
			      const struct mgm_addr *g, uint32_t ifx,
			      uint32_t nh, uint32_t hs, const uint8_t *hdr)
{
	return wrong_if_send(ctx, s, g, ifx, nh, hs, hdr, false);
}

/* Local join and leave: join selects the type of either form. */
static uint32_t local_send(struct rproto *rp, bool join,
			   const struct mgm_addr *s, const struct mgm_addr *g,
			   uint32_t ifindex, uint32_t nh, const struct v4 *v4)
{
	if (v4) {
		struct mgm_ipc_cb_local q = { rp->h,  s->v4,   v4->sm, g->v4,
					      v4->gm, ifindex, nh };

		cb_send(rp,
			join ? MGM_IPC_CB_LOCAL_JOIN : MGM_IPC_CB_LOCAL_LEAVE,
			&q, sizeof(q), NULL);
	} else {
		struct mgm_ipc_cb_local_x q = {
			.handle = rp->h,
			.source = *s,
			.group = *g,
			.ifindex = ifindex,
			.nexthop = nh,
		};

		cb_send(rp,
			join ? MGM_IPC_CB_LOCAL_JOIN_X :
			       MGM_IPC_CB_LOCAL_LEAVE_X,
			&q, sizeof(q), NULL);
	}
	return MGM_NO_ERROR;
}

static uint32_t cb_local4(void *ctx, bool join, uint32_t s, uint32_t sm,
			  uint32_t g, uint32_t gm, uint32_t ifindex,
			  uint32_t nh)
{
	struct mgm_addr sa = mgm_addr4(s), ga = mgm_addr4(g);
	struct v4 v4 = { sm, gm, NULL };

	return local_send(ctx, join, &sa, &ga, ifindex, nh, &v4);
}

static uint32_t cb_local_join(void *ctx, uint32_t s, uint32_t sm, uint32_t g,
			      uint32_t gm, uint32_t ifindex, uint32_t nh)
{
	return cb_local4(ctx, true, s, sm, g, gm, ifindex, nh);
}

static uint32_t cb_local_leave(void *ctx, uint32_t s, uint32_t sm, uint32_t g,
			       uint32_t gm, uint32_t ifindex, uint32_t nh)
{
	return cb_local4(ctx, false, s, sm, g, gm, ifindex, nh);
}

static uint32_t cb_local_join_x(void *ctx, const struct mgm_addr *s,
				const struct mgm_addr *g, uint32_t ifindex,
				uint32_t nh)
{
	return local_send(ctx, true, s, g, ifindex, nh, NULL);
}

static uint32_t cb_local_leave_x(void *ctx, const struct mgm_addr *s,
				 const struct mgm_addr *g, uint32_t ifindex,
				 uint32_t nh)
{
	return local_send(ctx, false, s, g, ifindex, nh, NULL);
}

/* DISABLE_IGMP, ENABLE_IGMP: no address, one form for both kinds. */
static void cb_igmp(struct rproto *rp, uint16_t type, uint32_t ifindex,
		    uint32_t nh)
{
	struct mgm_ipc_cb_igmp q = { rp->h, ifindex, nh };

	cb_send(rp, type, &q, sizeof(q), NULL);
}

static uint32_t cb_disable_igmp(void *ctx, uint32_t ifindex, uint32_t nh)
{
	cb_igmp(ctx, MGM_IPC_CB_DISABLE_IGMP, ifindex, nh);
	return MGM_NO_ERROR;
}

static uint32_t cb_enable_igmp(void *ctx, uint32_t ifindex, uint32_t nh)
{
	cb_igmp(ctx, MGM_IPC_CB_ENABLE_IGMP, ifindex, nh);
	return MGM_NO_ERROR;
}

/* ---- protocols ------------------------------------------------------- */

static bool name_taken(const char *name)
{
	const struct rproto *p;

	for (p = R->protos; p; p = p->next)
		if (!strcmp(p->name, name))
			return true;
	return false;
}

/* "remote:LABEL" (LABEL: the HELLO name, else the pid), unique. */
static void name_proto(struct rproto *rp, const struct rconn *rc)
{
	char base[MGM_IPC_NAME_MAX + 8];
	int k;

	if (rc->label[0])
		snprintf(base, sizeof(base), "remote:%s", rc->label);
	else if (rc->pid)
		snprintf(base, sizeof(base), "remote:%u", rc->pid);
	else
		snprintf(base, sizeof(base), "remote:c%u", rc->id);
	snprintf(rp->name, sizeof(rp->name), "%s", base);
	for (k = 2; name_taken(rp->name); k++)
		snprintf(rp->name, sizeof(rp->name), "%s-%d", base, k);
}

static void proto_free(struct rproto *rp)
{
	struct rproto **pp;

	for (pp = &R->protos; *pp; pp = &(*pp)->next) {
		if (*pp == rp) {
			*pp = rp->next;
			break;
		}
	}
	/* Answers to its callbacks now name no one. */
	pend_forget(rp->rc, rp, NULL, NULL);
	free(rp->taken);
	free(rp);
}

/* A device (not a made-up ifindex) rp took: remembered by ifindex. */
static void taken_add(struct rproto *rp, uint32_t ifindex)
{
	char name[IF_NAMESIZE];
	size_t i;

	if (!if_indextoname(ifindex, name))
		return;
	for (i = 0; i < rp->n_taken; i++)
		if (rp->taken[i].ifindex == ifindex)
			break;
	if (i == rp->n_taken) {
		if (rp->n_taken == rp->cap_taken) {
			size_t cap = rp->cap_taken ? 2 * rp->cap_taken : 8;
			void *v = realloc(rp->taken, cap * sizeof(*rp->taken));

			if (!v)
				return;
			rp->taken = v;
			rp->cap_taken = cap;
		}
		rp->n_taken++;
	}
	rp->taken[i].ifindex = ifindex;
	snprintf(rp->taken[i].name, IF_NAMESIZE, "%s", name);
}

/* rc's live protocol with handle h. */
static struct rproto *proto_of(const struct rconn *rc, mgm_handle_t h)
{
	struct rproto *rp;

	for (rp = R->protos; rp; rp = rp->next)
		if (rp->rc == rc && rp->h == h && h && !rp->dying)
			return rp;
	return NULL;
}

static void enums_forget(struct rconn *rc, mgm_handle_t proto)
{
	int i;

	for (i = 0; i < rc->n_enums;)
		if (rc->enums[i].proto == proto)
			rc->enums[i] = rc->enums[--rc->n_enums];
		else
			i++;
}

/* The interfaces a protocol owns (or, for IGMP, runs on), any number. */
struct owned {
	uint32_t protocol_id, component_id;
	bool igmp;
	struct mgm_interface_info *v;
	size_t n, cap;
};

static int collect_owned(void *arg, const struct mgm_interface_info *i)
{
	struct owned *o = arg;
	bool mine = o->igmp ?
			    i->igmp && i->igmp_component_id == o->component_id :
			    i->owner_protocol_id == o->protocol_id &&
				    i->owner_component_id == o->component_id;

	if (!mine)
		return 0;
	if (o->n == o->cap) {
		size_t cap = o->cap ? 2 * o->cap : 64;
		void *v = realloc(o->v, cap * sizeof(*o->v));

		if (!v)
			return 1; /* these for now; the next round the rest */
		o->v = v;
		o->cap = cap;
	}
	o->v[o->n++] = *i;
	return 0;
}

/*
 * While a protocol's interfaces are released, the datapath's errors
 * (an ifindex that never existed, or is gone: made up by a client) are
 * counted and summarised in one line, instead of MGM logging one line
 * for each tx disable and enable of each interface.  MGM only logs these
 * errors, so what it is told changes nothing else.
 */
static struct {
	int depth;
	int (*tx_disable)(void *dp, uint32_t ifindex, bool disabled);
	int (*release)(void *dp, uint32_t ifindex);
	uint64_t errors;
	uint32_t first_ifindex;
	int first_err;
} quiet;

static void quiet_error(uint32_t ifindex, int err)
{
	if (!quiet.errors++) {
		quiet.first_ifindex = ifindex;
		quiet.first_err = err;
	}
}

static int quiet_tx_disable(void *dp, uint32_t ifindex, bool disabled)
{
	int err = quiet.tx_disable(dp, ifindex, disabled);

	if (err)
		quiet_error(ifindex, err);
	return 0;
}

static int quiet_release(void *dp, uint32_t ifindex)
{
	int err = quiet.release(dp, ifindex);

	if (err)
		quiet_error(ifindex, err);
	return 0;
}

static void quiet_begin(void)
{
	struct mgm_datapath_ops *ops = &R->d->ops;

	if (quiet.depth++)
		return;
	quiet.errors = 0;
	quiet.tx_disable = ops->if_tx_disable;
	quiet.release = ops->if_release;
	if (ops->if_tx_disable)
		ops->if_tx_disable = quiet_tx_disable;
	if (ops->if_release)
		ops->if_release = quiet_release;
}

static void quiet_end(void)
{
	struct mgm_datapath_ops *ops = &R->d->ops;

	if (--quiet.depth)
		return;
	ops->if_tx_disable = quiet.tx_disable;
	ops->if_release = quiet.release;
}

static void step_event(void (*step)(const char *), const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void step_event(void (*step)(const char *), const char *fmt, ...)
{
	char buf[512];
	va_list ap;

	if (!step)
		return;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	step(buf);
}

/*
 * The seed: release every interface rp owns (MGM deletes the entries tied
 * to each, running IGMP's disable/enable handoff where IGMP shares it),
 * then deregister.  True if it is deregistered.  Each step is reported to
 * step (JSON) if given.  Any number of interfaces: the list is taken
 * again after each round of releases, until rp owns nothing or a round
 * releases nothing (then deregistration fails, and says so).
 */
static bool proto_shutdown(struct rproto *rp, void (*step)(const char *))
{
	struct mgm *m = R->d->m;
	struct owned o = {
		.protocol_id = rp->protocol_id,
		.component_id = rp->component_id,
		.igmp = rp->protocol_id == MGM_MS_IP_IGMP,
	};
	size_t released = 0, failed = 0, i, progress;
	uint64_t dp_errors = 0, e0;
	uint32_t dp_err_if = 0;
	char ifn[IF_NAMESIZE];
	int dp_err = 0;
	bool first = true;
	uint32_t r;

	rp->dying = true;
	quiet_begin();
	e0 = quiet.errors;
	do {
		o.n = 0;
		mgm_foreach_interface(m, collect_owned, &o);
		if (first)
			step_event(step,
				   "{\"step\":\"begin\",\"protocol\":\"%s\","
				   "\"interfaces\":%zu,\"mfes\":%u}",
				   rp->name, o.n, mgm_dp_mfe_count(R->d->dp));
		first = false;
		progress = 0;
		for (i = 0; i < o.n; i++) {
			uint64_t t0 = mgm_dp_now_ns();

			r = mgm_release_interface_ownership(
				m, rp->h, o.v[i].ifindex, o.v[i].nexthop);
			if (r == MGM_NO_ERROR)
				progress++;
			else
				failed++;
			step_event(step,
				   "{\"step\":\"release\",\"interface\":\"%s\","
				   "\"result\":\"%s\",\"igmp_handoff\":%s,"
				   "\"mfes_left\":%u,\"ms\":%.2f}",
				   mgmd_ifname(o.v[i].ifindex, ifn),
				   mgm_strerror(r),
				   !o.igmp && o.v[i].igmp ? "true" : "false",
				   mgm_dp_mfe_count(R->d->dp),
				   (mgm_dp_now_ns() - t0) / 1e6);
		}
		released += progress;
	} while (o.n && progress);
	if (quiet.errors > e0) {
		dp_errors = quiet.errors - e0;
		dp_err_if = quiet.first_ifindex;
		dp_err = quiet.first_err;
	}
	quiet_end();
	free(o.v);
	if (dp_errors)
		log_warn("%s: %" PRIu64 " datapath errors while releasing its "
			 "interfaces (the first: ifindex %u: %s)",
			 rp->name, dp_errors, dp_err_if, strerror(-dp_err));
	r = mgm_deregister_protocol(m, rp->h);
	step_event(step, "{\"step\":\"deregister\",\"result\":\"%s\"}",
		   mgm_strerror(r));
	if (r == MGM_NO_ERROR)
		/* The handle is dead now: show it (harmless if it is). */
		step_event(step, "{\"step\":\"handle\",\"result\":\"%s\"}",
			   mgm_strerror(mgm_deregister_protocol(m, rp->h)));
	if (r == MGM_NO_ERROR)
		log_info("%s: %zu interfaces released, deregistered", rp->name,
			 released);
	else
		log_err("%s: deregistration after releasing %zu interfaces "
			"(%zu releases failed): %s",
			rp->name, released, failed, mgm_strerror(r));
	return r == MGM_NO_ERROR;
}

/* ---- requests ------------------------------------------------------- */

union req {
	struct mgm_ipc_hello hello;
	struct mgm_ipc_register reg;
	struct mgm_ipc_register_x regx;
	struct mgm_ipc_membership_x membx;
	struct mgm_ipc_mfe_query_x mfeqx;
	struct mgm_ipc_handle handle;
	struct mgm_ipc_interface iface;
	struct mgm_ipc_if_query ifq;
	struct mgm_ipc_membership memb;
	struct mgm_ipc_mfe_query mfeq;
	struct mgm_ipc_set_mfe set_mfe;
	struct mgm_ipc_enum_start estart;
	struct mgm_ipc_enum_next enext;
};

static void reply(struct rconn *rc, uint32_t seq, uint32_t status,
		  const void *p, size_t len)
{
	conn_send(rc->c, MGM_IPC_REPLY, seq, status, p, len);
}

static void refuse(struct conn *c, uint32_t seq, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void refuse(struct conn *c, uint32_t seq, const char *fmt, ...)
{
	char msg[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	conn_send(c, MGM_IPC_ERROR, seq, MGM_ERROR_INVALID_PARAMETER, msg,
		  strlen(msg));
}

static void req_hello(struct rconn *rc, uint16_t t, uint32_t seq,
		      const union req *q)
{
	struct mgm_ipc_hello_reply a = { MGM_IPC_VERSION, R->cb_timeout_ms,
					 MGM_IPC_MAX,
					 MGM_IPC_FEAT_IF_EVENTS |
						 MGM_IPC_FEAT_ASYNC_CB |
						 MGM_IPC_FEAT_FAMILY_X };
	size_t i;

	(void)t;
	rc->pid = q->hello.pid;
	/* A label for mgmctl: keep it to characters safe in JSON and
	 * command lines. */
	for (i = 0; i < sizeof(rc->label) - 1 && q->hello.name[i]; i++) {
		char ch = q->hello.name[i];

		rc->label[i] = isalnum((unsigned char)ch) || ch == '_' ||
					       ch == '.' || ch == '-' ?
				       ch :
				       '_';
	}
	rc->label[i] = '\0';
	reply(rc, seq,
	      q->hello.version == MGM_IPC_VERSION ? MGM_NO_ERROR :
						    MGM_ERROR_INVALID_PARAMETER,
	      &a, sizeof(a));
}

static void req_register(struct rconn *rc, uint16_t t, uint32_t seq,
			 const union req *q)
{
	const struct mgm_ipc_register *g = &q->reg;
	const struct mgm_ipc_register_x *gx = &q->regx;
	bool x = t == MGM_IPC_REQ_REGISTER_X;
	struct mgm_ipc_handle a = { 0 };
	struct mgm_protocol_config cfg = { .callback_flags =
						   g->callback_flags };
	struct mgm_protocol_config_x cx = { 0 };
	struct rproto *rp;
	uint32_t r, cb = x ? gx->callbacks : g->callbacks;
	int n = 0;

	for (rp = R->protos; rp; rp = rp->next)
		n += rp->rc == rc;
	if (cb & ~MGM_IPC_CBM_ALL) {
		r = MGM_ERROR_INVALID_PARAMETER;
		goto out;
	}
	if (n >= REMOTE_MAX_PROTOS) {
		r = MGM_ERROR_CAN_NOT_COMPLETE;
		goto out;
	}
	rp = calloc(1, sizeof(*rp));
	if (!rp) {
		r = MGM_ERROR_NOT_ENOUGH_MEMORY;
		goto out;
	}
	rp->rc = rc;
	rp->protocol_id = g->protocol_id;
	rp->component_id = g->component_id;
	/* Only the callbacks the process has: MGM skips NULL ones (and
	 * uses its own defaults), which saves a round trip each. */
	cfg.ctx = rp;
	cfg.rpf = cb & MGM_IPC_CBM_RPF ? cb_rpf : NULL;
	cfg.creation_alert = cb & MGM_IPC_CBM_CREATION_ALERT ? cb_creation :
							       NULL;
	cfg.prune_alert = cb & MGM_IPC_CBM_PRUNE_ALERT ? cb_prune : NULL;
	cfg.join_alert = cb & MGM_IPC_CBM_JOIN_ALERT ? cb_join : NULL;
	cfg.wrong_if = cb & MGM_IPC_CBM_WRONG_IF ? cb_wrong_if : NULL;
	cfg.local_join = cb & MGM_IPC_CBM_LOCAL_JOIN ? cb_local_join : NULL;
	cfg.local_leave = cb & MGM_IPC_CBM_LOCAL_LEAVE ? cb_local_leave : NULL;
	cfg.disable_igmp = cb & MGM_IPC_CBM_DISABLE_IGMP ? cb_disable_igmp :
							   NULL;
	cfg.enable_igmp = cb & MGM_IPC_CBM_ENABLE_IGMP ? cb_enable_igmp : NULL;
	if (x) {
		/* The same callbacks, family-neutral (MGM checks families). */
		rp->x = true;
		rp->families = gx->families;
		cx.families = gx->families;
		cx.ctx = rp;
		cx.rpf = cfg.rpf ? cb_rpf_x : NULL;
		cx.creation_alert = cfg.creation_alert ? cb_creation_x : NULL;
		cx.prune_alert = cfg.prune_alert ? cb_prune_x : NULL;
		cx.join_alert = cfg.join_alert ? cb_join_x : NULL;
		cx.wrong_if = cfg.wrong_if ? cb_wrong_if_x : NULL;
		cx.local_join = cfg.local_join ? cb_local_join_x : NULL;
		cx.local_leave = cfg.local_leave ? cb_local_leave_x : NULL;
		cx.disable_igmp = cfg.disable_igmp;
		cx.enable_igmp = cfg.enable_igmp;
		r = mgm_register_protocol_x(R->d->m, &cx, gx->protocol_id,
					    gx->component_id, &rp->h);
	} else {
		rp->families = MGM_FAMILY_IPV4;
		r = mgm_register_protocol(R->d->m, &cfg, g->protocol_id,
					  g->component_id, &rp->h);
	}
	if (r != MGM_NO_ERROR) {
		free(rp);
		goto out;
	}
	name_proto(rp, rc);
	rp->next = R->protos;
	R->protos = rp;
	a.handle = rp->h;
	log_info("%s: registered protocol 0x%08x component %u%s", rp->name,
		 rp->protocol_id, rp->component_id,
		 !x				 ? "" :
		 rp->families == MGM_FAMILY_IPV6 ? " (IPv6)" :
		 rp->families == MGM_FAMILY_IPV4 ? " (IPv4, family-neutral)" :
						   " (IPv4 and IPv6)");
out:
	reply(rc, seq, r, &a, sizeof(a));
}

/* What MGM counts for a protocol (interfaces owned, memberships). */
struct pcount {
	mgm_handle_t h;
	struct mgm_protocol_info info;
};

static int pcount_fn(void *arg, const struct mgm_protocol_info *pi)
{
	struct pcount *c = arg;

	if (pi->handle != c->h)
		return 0;
	c->info = *pi;
	return 1;
}

/*
 * Is rp at its limit for this request (README, "The control socket")?
 * A refusal is MGM_ERROR_NOT_ENOUGH_MEMORY, what MGM returns when it
 * cannot allocate the entry, counted in "show stats" and logged at most
 * once a second.
 */
static bool over_limit(struct rproto *rp, uint16_t t, const union req *q)
{
	struct mgmd *d = R->d;
	struct pcount c = { .h = rp->h };
	static uint64_t last_log;
	uint64_t now, *count;
	uint32_t have, max;
	const char *what;

	if (t == MGM_IPC_REQ_GROUP_ENUM_START) {
		have = (uint32_t)rp->rc->n_enums;
		max = ctl_limit(d, max_enums, CTL_DEF_MAX_ENUMS);
		if (max > REMOTE_MAX_ENUMS)
			max = REMOTE_MAX_ENUMS;
		count = &d->cstats.enumerations_refused;
		what = "open group enumerations (max-enumerations)";
	} else if (t == MGM_IPC_REQ_TAKE_INTERFACE) {
		mgm_foreach_protocol(d->m, pcount_fn, &c);
		have = c.info.num_interfaces;
		max = ctl_limit(d, max_interfaces, CTL_DEF_MAX_INTERFACES);
		count = &d->cstats.interfaces_refused;
		what = "interfaces (max-interfaces)";
	} else if ((t == MGM_IPC_REQ_ADD_MEMBERSHIP &&
		    (q->memb.flags & MGM_JOIN_STATE_FLAG)) ||
		   (t == MGM_IPC_REQ_ADD_MEMBERSHIP_X &&
		    (q->membx.flags & MGM_JOIN_STATE_FLAG))) {
		mgm_foreach_protocol(d->m, pcount_fn, &c);
		have = c.info.num_memberships;
		max = ctl_limit(d, max_memberships, CTL_DEF_MAX_MEMBERSHIPS);
		count = &d->cstats.memberships_refused;
		what = "memberships (max-memberships)";
	} else {
		return false;
	}
	if (have < max)
		return false;
	(*count)++;
	now = mgm_dp_now_ns();
	if (now - last_log >= 1000000000ULL) {
		last_log = now;
		log_warn("%s: refused: it holds %u %s, the limit", rp->name,
			 have, what);
	}
	return true;
}

/* Requests that name a protocol handle: it must be one of rc's. */
static void req_proto(struct rconn *rc, uint16_t t, uint32_t seq,
		      const union req *q)
{
	/* Every such struct starts with the handle. */
	struct rproto *rp = proto_of(rc, q->handle.handle);
	const struct mgm_ipc_membership *b = &q->memb;
	const struct mgm_ipc_membership_x *bx = &q->membx;
	const struct mgm_ipc_interface *i = &q->iface;
	struct mgm_ipc_handle a = { 0 };
	struct mgm *m = R->d->m;
	struct mgm_ipmcast_mfe e;
	uint32_t r = MGM_ERROR_INVALID_PARAMETER;
	bool refused = rp && over_limit(rp, t, q);

	if (refused)
		r = MGM_ERROR_NOT_ENOUGH_MEMORY;
	switch (rp && !refused ? t : 0) {
	case MGM_IPC_REQ_DEREGISTER:
		r = mgm_deregister_protocol(m, rp->h);
		if (r == MGM_NO_ERROR) {
			log_info("%s: deregistered", rp->name);
			enums_forget(rc, rp->h);
			proto_free(rp);
		}
		break;
	case MGM_IPC_REQ_TAKE_INTERFACE:
		r = mgm_take_interface_ownership(m, rp->h, i->ifindex,
						 i->nexthop);
		if (r == MGM_NO_ERROR)
			taken_add(rp, i->ifindex);
		break;
	case MGM_IPC_REQ_RELEASE_INTERFACE:
		r = mgm_release_interface_ownership(m, rp->h, i->ifindex,
						    i->nexthop);
		break;
	case MGM_IPC_REQ_ADD_MEMBERSHIP:
	case MGM_IPC_REQ_DELETE_MEMBERSHIP:
		r = (t == MGM_IPC_REQ_ADD_MEMBERSHIP ?
			     mgm_add_group_membership_entry :
			     mgm_delete_group_membership_entry)(
			m, rp->h, b->source, b->source_mask, b->group,
			b->group_mask, b->ifindex, b->nexthop, b->flags);
		break;
	case MGM_IPC_REQ_ADD_MEMBERSHIP_X:
	case MGM_IPC_REQ_DELETE_MEMBERSHIP_X:
		r = (t == MGM_IPC_REQ_ADD_MEMBERSHIP_X ?
			     mgm_add_group_membership_x :
			     mgm_delete_group_membership_x)(
			m, rp->h, &bx->source, &bx->group, bx->ifindex,
			bx->nexthop, bx->flags);
		break;
	case MGM_IPC_REQ_SET_MFE:
		memcpy(&e, q->set_mfe.mfe, sizeof(q->set_mfe.mfe));
		r = mgm_set_mfe(m, rp->h, &e);
		break;
	case MGM_IPC_REQ_GROUP_ENUM_START:
		r = mgm_group_enumeration_start(
			m, rp->h, (enum mgm_enum_type)q->estart.type,
			&a.handle);
		if (r == MGM_NO_ERROR)
			rc->enums[rc->n_enums++] =
				(struct renum){ a.handle, rp->h };
		break;
	}
	/* The enumeration start's reply has the handle, even if 0. */
	reply(rc, seq, r, &a,
	      t == MGM_IPC_REQ_GROUP_ENUM_START ? sizeof(a) : 0);
}

static void req_owner(struct rconn *rc, uint16_t t, uint32_t seq,
		      const union req *q)
{
	struct mgm_ipc_if_owner a = { 0 };
	uint32_t r;

	(void)t;
	r = mgm_get_protocol_on_interface(R->d->m, q->ifq.ifindex,
					  q->ifq.nexthop, &a.protocol_id,
					  &a.component_id);
	reply(rc, seq, r, &a, sizeof(a));
}

static int enum_of(const struct rconn *rc, mgm_handle_t h)
{
	int i;

	for (i = 0; i < rc->n_enums; i++)
		if (h && rc->enums[i].h == h)
			return i;
	return -1;
}

static void req_enum_end(struct rconn *rc, uint16_t t, uint32_t seq,
			 const union req *q)
{
	uint32_t r = MGM_ERROR_INVALID_PARAMETER;
	int i = enum_of(rc, q->handle.handle);

	(void)t;
	if (i >= 0) {
		r = mgm_group_enumeration_end(R->d->m, rc->enums[i].h);
		rc->enums[i] = rc->enums[--rc->n_enums];
	}
	reply(rc, seq, r, NULL, 0);
}

/* Bytes of the n records MGM wrote to data (trusted, but bounded). */
static uint32_t records_len(uint16_t t, uint32_t flags, const uint8_t *data,
			    uint32_t size, uint32_t n)
{
	bool stats = t == MGM_IPC_REQ_GET_MFE_STATS ||
		     t == MGM_IPC_REQ_GET_FIRST_MFE_STATS ||
		     t == MGM_IPC_REQ_GET_NEXT_MFE_STATS;
	size_t off = stats ? offsetof(struct mgm_ipmcast_mfe_stats, num_oifs) :
			     offsetof(struct mgm_ipmcast_mfe, num_oifs);
	uint32_t used = 0, k, no, sz;
	bool x = t == MGM_IPC_REQ_GET_MFE_X ||
		 t == MGM_IPC_REQ_GET_FIRST_MFE_X ||
		 t == MGM_IPC_REQ_GET_NEXT_MFE_X;

	if (t == MGM_IPC_REQ_GROUP_ENUM_GET_NEXT)
		return n * (uint32_t)sizeof(struct mgm_source_group);
	if (t == MGM_IPC_REQ_GROUP_ENUM_GET_NEXT_X)
		return n * (uint32_t)sizeof(struct mgm_source_group_x);
	for (k = 0; x && k < n; k++) {
		/* struct mgm_mfe_x records, each padded to 8 bytes. */
		if (size - used < sizeof(struct mgm_mfe_x))
			break;
		memcpy(&no, data + used + offsetof(struct mgm_mfe_x, num_oifs),
		       sizeof(no));
		if (no > MGM_IPC_MAX / sizeof(struct mgm_ipmcast_oif_stats))
			break;
		sz = (MGM_SIZEOF_MFE_X(no) + 7U) & ~7U;
		if (sz > size - used)
			break;
		used += sz;
	}
	for (k = 0; !x && k < n; k++) {
		if (size - used < MGM_SIZEOF_BASIC_MFE)
			break;
		memcpy(&no, data + used + off, sizeof(no));
		sz = !stats		      ? MGM_SIZEOF_MFE(no) :
		     flags == MGM_MFE_STATS_1 ? MGM_SIZEOF_MFE_STATS_EX(no) :
						MGM_SIZEOF_MFE_STATS(no);
		if (sz > size - used)
			break;
		used += sz;
	}
	return used;
}

/* The requests that fill a buffer: the MFE ones and enumeration. */
static void req_buffer(struct rconn *rc, uint16_t t, uint32_t seq,
		       const union req *q)
{
	const struct mgm_ipc_mfe_query *f = &q->mfeq;
	const struct mgm_ipc_mfe_query_x *fx = &q->mfeqx;
	bool en = t == MGM_IPC_REQ_GROUP_ENUM_GET_NEXT ||
		  t == MGM_IPC_REQ_GROUP_ENUM_GET_NEXT_X;
	bool x = t == MGM_IPC_REQ_GET_MFE_X ||
		 t == MGM_IPC_REQ_GET_FIRST_MFE_X ||
		 t == MGM_IPC_REQ_GET_NEXT_MFE_X;
	struct mgm_ipc_buffer_reply a = { 0 };
	uint32_t size = en ? q->enext.buffer_size :
			x  ? fx->buffer_size :
			     f->buffer_size;
	uint32_t n = 0, r, fl = en || x ? 0 : f->flags;
	int ei = en ? enum_of(rc, q->enext.enum_handle) : 0;
	struct mgm_ipmcast_mfe key;
	struct mgm *m = R->d->m;
	uint8_t *buf, *data;

	if (size > MGM_IPC_BUF_MAX)
		size = MGM_IPC_BUF_MAX;
	buf = ei < 0 ? NULL : malloc(sizeof(a) + size);
	if (!buf) {
		reply(rc, seq,
		      ei < 0 ? MGM_ERROR_INVALID_PARAMETER :
			       MGM_ERROR_NOT_ENOUGH_MEMORY,
		      &a, sizeof(a));
		return;
	}
	/* MGM writes records of 8-byte aligned sizes at data: aligned. */
	data = buf + sizeof(a);
	memcpy(&key, f->mfe, sizeof(f->mfe));
	switch (t) {
	case MGM_IPC_REQ_GET_MFE:
		r = mgm_get_mfe(m, &key, &size, data);
		n = r == MGM_NO_ERROR;
		break;
	case MGM_IPC_REQ_GET_FIRST_MFE:
		r = mgm_get_first_mfe(m, &size, data, &n);
		break;
	case MGM_IPC_REQ_GET_NEXT_MFE:
		r = mgm_get_next_mfe(m, &key, &size, data, &n);
		break;
	case MGM_IPC_REQ_GET_MFE_STATS:
		r = mgm_get_mfe_stats(m, &key, &size, data, fl);
		n = r == MGM_NO_ERROR;
		break;
	case MGM_IPC_REQ_GET_FIRST_MFE_STATS:
		r = mgm_get_first_mfe_stats(m, &size, data, &n, fl);
		break;
	case MGM_IPC_REQ_GET_NEXT_MFE_STATS:
		r = mgm_get_next_mfe_stats(m, &key, &size, data, &n, fl);
		break;
	case MGM_IPC_REQ_GET_MFE_X:
		r = mgm_get_mfe_x(m, &fx->source, &fx->group, &size, data);
		n = r == MGM_NO_ERROR;
		break;
	case MGM_IPC_REQ_GET_FIRST_MFE_X:
		r = mgm_get_first_mfe_x(m, &size, data, &n);
		break;
	case MGM_IPC_REQ_GET_NEXT_MFE_X:
		r = mgm_get_next_mfe_x(m, &fx->source, &fx->group, &size, data,
				       &n);
		break;
	case MGM_IPC_REQ_GROUP_ENUM_GET_NEXT_X:
		r = mgm_group_enumeration_get_next_x(m, rc->enums[ei].h, &size,
						     data, &n);
		break;
	default:
		r = mgm_group_enumeration_get_next(m, rc->enums[ei].h, &size,
						   data, &n);
		break;
	}
	if (r != MGM_NO_ERROR && r != MGM_ERROR_MORE_DATA &&
	    r != MGM_ERROR_NO_MORE_ITEMS)
		n = 0;
	a.buffer_size = size;
	a.num_entries = n;
	memcpy(buf, &a, sizeof(a));
	reply(rc, seq, r, buf, sizeof(a) + records_len(t, fl, data, size, n));
	free(buf);
}

typedef void (*req_fn)(struct rconn *rc, uint16_t type, uint32_t seq,
		       const union req *q);

static const struct {
	uint16_t type;
	uint16_t len;
	const char *name;
	req_fn fn;
} reqs[] = {
#define REQ(t, s, fn)                                     \
	{                                                 \
		MGM_IPC_REQ_##t, sizeof(struct s), #t, fn \
	}
	REQ(HELLO, mgm_ipc_hello, req_hello),
	REQ(REGISTER, mgm_ipc_register, req_register),
	REQ(DEREGISTER, mgm_ipc_handle, req_proto),
	REQ(TAKE_INTERFACE, mgm_ipc_interface, req_proto),
	REQ(RELEASE_INTERFACE, mgm_ipc_interface, req_proto),
	REQ(GET_PROTOCOL_ON_INTERFACE, mgm_ipc_if_query, req_owner),
	REQ(ADD_MEMBERSHIP, mgm_ipc_membership, req_proto),
	REQ(DELETE_MEMBERSHIP, mgm_ipc_membership, req_proto),
	REQ(GET_MFE, mgm_ipc_mfe_query, req_buffer),
	REQ(GET_FIRST_MFE, mgm_ipc_mfe_query, req_buffer),
	REQ(GET_NEXT_MFE, mgm_ipc_mfe_query, req_buffer),
	REQ(GET_MFE_STATS, mgm_ipc_mfe_query, req_buffer),
	REQ(GET_FIRST_MFE_STATS, mgm_ipc_mfe_query, req_buffer),
	REQ(GET_NEXT_MFE_STATS, mgm_ipc_mfe_query, req_buffer),
	REQ(SET_MFE, mgm_ipc_set_mfe, req_proto),
	REQ(GROUP_ENUM_START, mgm_ipc_enum_start, req_proto),
	REQ(GROUP_ENUM_GET_NEXT, mgm_ipc_enum_next, req_buffer),
	REQ(GROUP_ENUM_END, mgm_ipc_handle, req_enum_end),
	REQ(REGISTER_X, mgm_ipc_register_x, req_register),
	REQ(ADD_MEMBERSHIP_X, mgm_ipc_membership_x, req_proto),
	REQ(DELETE_MEMBERSHIP_X, mgm_ipc_membership_x, req_proto),
	REQ(GET_MFE_X, mgm_ipc_mfe_query_x, req_buffer),
	REQ(GET_FIRST_MFE_X, mgm_ipc_mfe_query_x, req_buffer),
	REQ(GET_NEXT_MFE_X, mgm_ipc_mfe_query_x, req_buffer),
	REQ(GROUP_ENUM_GET_NEXT_X, mgm_ipc_enum_next, req_buffer),
#undef REQ
};

static struct rconn *rconn_get(struct conn *c)
{
	struct rconn *rc = conn_remote(c);

	if (rc)
		return rc;
	rc = calloc(1, sizeof(*rc));
	if (!rc)
		return NULL;
	rc->c = c;
	rc->id = ++R->next_id;
	conn_set_remote(c, rc);
	return rc;
}

void remote_message(struct conn *c, const struct mgm_ipc_hdr *h,
		    const void *payload, size_t len)
{
	struct rconn *rc = conn_remote(c);
	union req q;
	size_t i;

	if (h->type == MGM_IPC_CB_REPLY) {
		/* Never answered.  Without a callback sent, bogus. */
		if (R && rc)
			cb_answer(rc, h->seq, payload, len);
		else if (R)
			R->d->cstats.answers_bad++;
		return;
	}
	if (!R || !(rc = rconn_get(c))) {
		refuse(c, h->seq, "external protocols are not available");
		return;
	}
	for (i = 0; i < sizeof(reqs) / sizeof(reqs[0]); i++)
		if (reqs[i].type == h->type)
			break;
	if (i == sizeof(reqs) / sizeof(reqs[0])) {
		refuse(c, h->seq, "unknown request type %u", h->type);
		return;
	}
	if (len != reqs[i].len) {
		refuse(c, h->seq, "%s: payload of %zu bytes, want %u",
		       reqs[i].name, len, reqs[i].len);
		return;
	}
	memset(&q, 0, sizeof(q));
	memcpy(&q, payload, len);
	reqs[i].fn(rc, h->type, h->seq, &q);
}

void remote_conn_closed(struct conn *c)
{
	struct rconn *rc = conn_remote(c);
	struct rproto *rp, *next;
	int i;

	if (!rc)
		return;
	conn_set_remote(c, NULL);
	/* Nothing more is sent to it, nor waited for. */
	rc->closing = true;
	if (R) {
		for (i = 0; i < rc->n_enums; i++)
			mgm_group_enumeration_end(R->d->m, rc->enums[i].h);
		for (rp = R->protos; rp; rp = next) {
			next = rp->next;
			if (rp->rc != rc)
				continue;
			/* mgmd stops and leaves the fast path forwarding
			 * (--keep-forwarding): so do its flows. */
			if (R->d->stop_keep) {
				rp->rc = NULL;
				continue;
			}
			log_info("%s: connection closed, shutting it down",
				 rp->name);
			if (proto_shutdown(rp, NULL)) {
				proto_free(rp);
			} else {
				/* MGM keeps it: retried at exit, and
				 * "mgmctl shutdown NAME" may retry now. */
				rp->rc = NULL;
				rp->dying = false;
			}
		}
	}
	while (rc->pend_n) {
		pend_clear(pend_at(rc, 0));
		rc->pend_head = (rc->pend_head + 1) & (rc->pend_cap - 1);
		rc->pend_n--;
	}
	free(rc->pend);
	free(rc);
}

/* ---- interfaces that go and come --------------------------------------- */

/* The interfaces with this ifindex (any next hop) that rp owns, or for
 * an IGMP protocol runs on. */
static void collect_if(struct rproto *rp, uint32_t ifindex, struct owned *o)
{
	size_t i, k;

	o->protocol_id = rp->protocol_id;
	o->component_id = rp->component_id;
	o->igmp = rp->protocol_id == MGM_MS_IP_IGMP;
	o->n = 0;
	mgm_foreach_interface(R->d->m, collect_owned, o);
	for (i = k = 0; i < o->n; i++)
		if (o->v[i].ifindex == ifindex)
			o->v[k++] = o->v[i];
	o->n = k;
}

static void lost_add(struct rproto *rp, const char *name, uint32_t ifindex)
{
	int i;

	if (!name[0])
		return;
	for (i = 0; i < rp->n_lost; i++)
		if (!strcmp(rp->lost[i].name, name))
			break;
	if (i == rp->n_lost && rp->n_lost == REMOTE_MAX_LOST) {
		memmove(&rp->lost[0], &rp->lost[1],
			(REMOTE_MAX_LOST - 1) * sizeof(rp->lost[0]));
		i = --rp->n_lost;
	}
	if (i == rp->n_lost)
		rp->n_lost++;
	snprintf(rp->lost[i].name, IF_NAMESIZE, "%s", name);
	rp->lost[i].ifindex = ifindex;
}

static void ev_interface(struct rproto *rp, uint16_t type, uint32_t ifindex,
			 uint32_t nexthop, uint32_t old_ifindex,
			 uint32_t status, const char *name)
{
	struct mgm_ipc_ev_interface ev = {
		.handle = rp->h,
		.ifindex = ifindex,
		.nexthop = nexthop,
		.old_ifindex = old_ifindex,
		.status = status,
	};

	if (!rp->rc || rp->rc->closing)
		return;
	strncpy(ev.name, name, sizeof(ev.name) - 1);
	if (!conn_send(rp->rc->c, type, 0, 0, &ev, sizeof(ev)))
		rp->n_cb++;
}

/*
 * The seed for one interface, driven by the router: each remote protocol
 * that owned it releases it (mgmd on its behalf: MGM deletes the entries
 * tied to it, with IGMP's disable/enable handoff where IGMP shares it),
 * owners first, then IGMP protocols that ran there; each is told.
 */
void remote_if_gone(uint32_t ifindex, const char *name)
{
	struct owned o = { 0 };
	struct rproto *rp;
	char label[IF_NAMESIZE + 24], known[IF_NAMESIZE];
	uint64_t e0;
	size_t i;
	uint32_t r;
	int pass;

	if (!R || !ifindex)
		return;
	/* Forgotten as taken; its name from then if the kernel's is
	 * unknown. */
	for (rp = R->protos; rp; rp = rp->next) {
		for (i = 0; i < rp->n_taken;) {
			if (rp->taken[i].ifindex != ifindex) {
				i++;
				continue;
			}
			if (!name || !name[0]) {
				snprintf(known, sizeof(known), "%s",
					 rp->taken[i].name);
				name = known;
			}
			rp->taken[i] = rp->taken[--rp->n_taken];
		}
	}
	if (name && name[0])
		snprintf(label, sizeof(label), "%s (ifindex %u)", name,
			 ifindex);
	else
		snprintf(label, sizeof(label), "ifindex %u", ifindex);
	/* The device is gone: the datapath may refuse to touch it. */
	quiet_begin();
	e0 = quiet.errors;
	for (pass = 0; pass < 2; pass++) {
		for (rp = R->protos; rp; rp = rp->next) {
			if (rp->dying ||
			    (rp->protocol_id == MGM_MS_IP_IGMP) != (pass == 1))
				continue;
			collect_if(rp, ifindex, &o);
			for (i = 0; i < o.n; i++) {
				r = mgm_release_interface_ownership(
					R->d->m, rp->h, ifindex,
					o.v[i].nexthop);
				log_msg(LOG_NOTICE,
					"%s: interface %s is gone: released "
					"on its behalf: %s",
					rp->name, label, mgm_strerror(r));
				lost_add(rp, name ? name : "", ifindex);
				ev_interface(rp, MGM_IPC_EV_IF_GONE, ifindex,
					     o.v[i].nexthop, 0, r,
					     name ? name : "");
			}
		}
	}
	if (quiet.errors > e0)
		log_debug("%s: %" PRIu64 " datapath errors while releasing it "
			  "(the first: %s)",
			  label, quiet.errors - e0, strerror(-quiet.first_err));
	quiet_end();
	free(o.v);
}

void remote_if_sweep(void)
{
	struct rtaken gone;
	struct rproto *rp;
	char ifn[IF_NAMESIZE];
	size_t i;
	bool again = true;

	/* remote_if_gone() forgets the device in every protocol: after
	 * each one, look again from the start. */
	while (R && again) {
		again = false;
		for (rp = R->protos; rp && !again; rp = rp->next) {
			for (i = 0; i < rp->n_taken && !again; i++) {
				/* Still there, as we knew it (renames are
				 * followed by remote_if_appeared)? */
				if (if_indextoname(rp->taken[i].ifindex, ifn) &&
				    !strcmp(ifn, rp->taken[i].name))
					continue;
				gone = rp->taken[i];
				remote_if_gone(gone.ifindex, gone.name);
				again = true;
			}
		}
	}
}

void remote_if_appeared(uint32_t ifindex, const char *name)
{
	struct rproto *rp;
	int i;

	if (!R || !ifindex || !name || !name[0])
		return;
	for (rp = R->protos; rp; rp = rp->next) {
		for (i = 0; i < (int)rp->n_taken; i++)
			if (rp->taken[i].ifindex == ifindex)
				snprintf(rp->taken[i].name, IF_NAMESIZE, "%s",
					 name);
		for (i = 0; i < rp->n_lost; i++)
			if (!strcmp(rp->lost[i].name, name))
				break;
		if (i == rp->n_lost || rp->dying)
			continue;
		log_info("%s: interface %s appeared (ifindex %u, was %u): "
			 "told, it may take it again",
			 rp->name, name, ifindex, rp->lost[i].ifindex);
		ev_interface(rp, MGM_IPC_EV_IF_APPEARED, ifindex, 0,
			     rp->lost[i].ifindex, 0, name);
		rp->lost[i] = rp->lost[--rp->n_lost];
	}
}

/* ---- mgmctl ------------------------------------------------------------ */

int remote_foreach(int (*fn)(void *arg, const struct remote_info *ri),
		   void *arg)
{
	struct rproto *rp;
	int ret = 0;

	for (rp = R ? R->protos : NULL; rp && !ret; rp = rp->next) {
		struct remote_info ri = {
			.name = rp->name,
			.handle = rp->h,
			.protocol_id = rp->protocol_id,
			.component_id = rp->component_id,
			.pid = rp->rc ? rp->rc->pid : 0,
			.connected = rp->rc != NULL,
			.callbacks = rp->n_cb,
			.timeouts = rp->n_timeouts,
			.bad_answers = rp->n_bad,
			.families = rp->families,
		};

		ret = fn(arg, &ri);
	}
	return ret;
}

const char *remote_name(uint32_t protocol_id, uint32_t component_id)
{
	struct rproto *rp;

	for (rp = R ? R->protos : NULL; rp; rp = rp->next)
		if (rp->protocol_id == protocol_id &&
		    rp->component_id == component_id)
			return rp->name;
	return NULL;
}

int remote_shutdown(const char *name, void (*step)(const char *json_event))
{
	struct mgm_ipc_ev_shutdown ev = { 0, MGM_IPC_SHUTDOWN_ADMIN, 0 };
	struct rproto *rp;
	char full[sizeof(rp->name) + 8];

	if (!R || !name)
		return -ENOENT;
	if (strncmp(name, "remote:", 7))
		snprintf(full, sizeof(full), "remote:%s", name);
	else
		snprintf(full, sizeof(full), "%s", name);
	for (rp = R->protos; rp; rp = rp->next)
		if (!strcmp(rp->name, full) && !rp->dying)
			break;
	if (!rp)
		return -ENOENT;
	if (!proto_shutdown(rp, step)) {
		rp->dying = false; /* still registered: still usable */
		return -EBUSY;
	}
	if (rp->rc) {
		/* Its process learns that the handle is dead. */
		ev.handle = rp->h;
		enums_forget(rp->rc, rp->h);
		conn_send(rp->rc->c, MGM_IPC_EV_SHUTDOWN, 0, 0, &ev,
			  sizeof(ev));
	}
	proto_free(rp);
	return 0;
}

/* ---- life cycle ------------------------------------------------------ */

int remote_init(struct mgmd *d)
{
	const char *env = getenv("MGMD_REMOTE_CB_TIMEOUT_MS");

	R = calloc(1, sizeof(*R));
	if (!R)
		return -ENOMEM;
	R->d = d;
	R->cb_timeout_ms = REMOTE_CB_TIMEOUT_MS;
	if (env && atoi(env) >= 1 && atoi(env) <= 10000)
		R->cb_timeout_ms = atoi(env);
	d->remote = R;
	/* Callbacks past their deadline are counted as they pass. */
	return loop_add_ticker(d->loop, pend_timeout, pend_tick, NULL);
}

void remote_fini(struct mgmd *d)
{
	if (!R)
		return;
	/* Connections are closed first (ctl_close), which shut their
	 * protocols down; what is left failed to deregister then. */
	while (R->protos) {
		R->protos->rc = NULL;
		proto_shutdown(R->protos, NULL);
		proto_free(R->protos);
	}
	free(R);
	R = NULL;
	d->remote = NULL;
}
