// SPDX-License-Identifier: GPL-2.0
/*
 * mgm_core.c - the MGM instance: creation, handles, the lock and the
 * callback queue, the event loop hooks (fd, dispatch, timeout) and the
 * controller's own statistics.
 */
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/random.h>

#include "mgm_int.h"

/* ------------------------------------------------------------------ */
/* Handles                                                             */

/*
 * A handle is  [63] type | [62:40] instance nonce | [39:24] generation |
 * [23:0] slot.  The nonce is never 0, so neither is a handle.  The nonce
 * differs between instances of one process (a counter) and, with a random
 * start, between processes.
 *
 * Within an instance a handle value is never issued twice.  A slot's
 * generation is bumped when it is freed, so a stale handle fails after its
 * slot is reused; a slot whose generation is used up (after 65,535
 * registrations on it) is retired, never reused, instead of letting the
 * generation wrap back to a value a dead handle still carries.  The slot
 * and generation bits together name 2^40 - 2^24 (about 1.1e12) handles of
 * each type (protocols, enumerations): 35 years at a thousand
 * registrations a second, far beyond any protocol's churn.  Once they are
 * used up, registrations fail (ERROR_CAN_NOT_COMPLETE; enumerations
 * ERROR_NOT_ENOUGH_MEMORY): never a reissued handle.  A retired slot
 * costs its table entry, 16 bytes per 65,535 registrations.  (Wider
 * generations would not raise the total: it is set by the 40 bits beside
 * the type and the nonce, which stays wide to reject handles from other
 * instances and earlier processes.)
 */
#define H_SLOT_BITS 24
#define H_GEN_BITS 16
#define H_NONCE_BITS 23
#define H_SLOT_MASK ((1U << H_SLOT_BITS) - 1)
#define H_GEN_MASK ((1U << H_GEN_BITS) - 1)
#define H_NONCE_MASK ((1U << H_NONCE_BITS) - 1)
#define H_NONCE_SHIFT (H_SLOT_BITS + H_GEN_BITS)
_Static_assert(H_NONCE_SHIFT + H_NONCE_BITS == 63, "handle layout");

static uint32_t nonce_counter;
static pthread_once_t nonce_once = PTHREAD_ONCE_INIT;

static void nonce_seed(void)
{
	uint32_t r;

	if (getrandom(&r, sizeof(r), GRND_NONBLOCK) != sizeof(r))
		r = (uint32_t)time(NULL) ^ ((uint32_t)getpid() << 12);
	__atomic_store_n(&nonce_counter, r, __ATOMIC_RELAXED);
}

static uint32_t nonce_next(void)
{
	uint32_t n;

	pthread_once(&nonce_once, nonce_seed);
	do {
		n = __atomic_add_fetch(&nonce_counter, 1, __ATOMIC_RELAXED) &
		    H_NONCE_MASK;
	} while (!n);
	return n;
}

mgm_handle_t handle_make(struct mgm *m, enum handle_type t, struct slotab *st,
			 uint32_t slot)
{
	return ((uint64_t)t << 63) | ((uint64_t)m->nonce << H_NONCE_SHIFT) |
	       ((uint64_t)st->s[slot].gen << H_SLOT_BITS) | slot;
}

void *handle_get(struct mgm *m, enum handle_type t, struct slotab *st,
		 mgm_handle_t h)
{
	uint32_t slot = h & H_SLOT_MASK;
	uint32_t gen = (h >> H_SLOT_BITS) & H_GEN_MASK;
	uint32_t nonce = (h >> H_NONCE_SHIFT) & H_NONCE_MASK;

	if ((h >> 63) != (uint64_t)t || nonce != m->nonce || slot >= st->n)
		return NULL;
	/* A retired slot's generation (H_GEN_MASK + 1) matches no handle. */
	if (st->s[slot].gen != gen)
		return NULL;
	return st->s[slot].obj;
}

int slot_alloc(struct slotab *st, void *obj, uint32_t *slot)
{
	uint32_t i;

	if (st->free_head != UINT32_MAX) {
		i = st->free_head;
		st->free_head = st->s[i].next_free;
	} else {
		size_t cap = st->cap;

		if (st->n > H_SLOT_MASK)
			return -ENOSPC;
		if (vec_reserve((void **)&st->s, &cap, st->n + 1,
				sizeof(*st->s)))
			return -ENOMEM;
		st->cap = (uint32_t)cap;
		i = st->n++;
		st->s[i].gen = 1;
	}
	st->s[i].obj = obj;
	st->s[i].next_free = UINT32_MAX;
	*slot = i;
	return 0;
}

void slot_free(struct slotab *st, uint32_t slot)
{
	st->s[slot].obj = NULL;
	/* Generations 1..H_GEN_MASK; then the slot retires (see above). */
	if (++st->s[slot].gen > H_GEN_MASK)
		return;
	st->s[slot].next_free = st->free_head;
	st->free_head = slot;
}

/* ------------------------------------------------------------------ */
/* Lock, logging, callback queue                                       */

void mgm_lock(struct mgm *m, struct cbq *q)
{
	pthread_mutex_lock(&m->lock);
	m->q = q;
}

void mgm_unlock(struct mgm *m)
{
	m->q = NULL;
	pthread_mutex_unlock(&m->lock);
}

void mgm_logf(struct mgm *m, int level, const char *fmt, ...)
{
	char buf[256];
	va_list ap;

	if (!m->log)
		return;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	m->log(m->log_ctx, level, buf);
}

void mgm_count_callback(struct mgm *m)
{
	__atomic_add_fetch(&m->stats.callbacks, 1, __ATOMIC_RELAXED);
}

void cbq_push(struct mgm *m, const struct cb_rec *r)
{
	struct cbq *q = m->q;

	if (!q ||
	    vec_reserve((void **)&q->v, &q->cap, q->n + 1, sizeof(*q->v))) {
		mgm_logf(m, LOG_ERR, "out of memory: callback %d dropped",
			 r->kind);
		return;
	}
	q->v[q->n++] = *r;
	r->p->refs++;
}

void proto_put(struct proto *p)
{
	if (!--p->refs)
		free(p);
}

/* The callbacks this thread is executing, innermost first. */
static __thread struct cb_frame *tls_frames;

bool cb_begin(struct mgm *m, struct proto *p, struct cb_frame *f)
{
	bool ok;

	pthread_mutex_lock(&m->lock);
	ok = !p->dead;
	if (ok) {
		p->running++;
		f->m = m;
		f->p = p;
		f->thread = pthread_self();
		dlist_add_tail(&m->frames, &f->mlink);
	}
	pthread_mutex_unlock(&m->lock);
	if (ok) {
		f->next = tls_frames;
		tls_frames = f;
		mgm_count_callback(m);
	}
	return ok;
}

void cb_end(struct mgm *m, struct proto *p, struct cb_frame *f, bool ran,
	    bool put)
{
	if (ran)
		tls_frames = f->next;
	if (!ran && !put)
		return;
	pthread_mutex_lock(&m->lock);
	if (ran)
		dlist_del(&f->mlink);
	if (ran && !--p->running && p->dead)
		pthread_cond_broadcast(&m->cb_done);
	if (put)
		proto_put(p);
	pthread_mutex_unlock(&m->lock);
}

uint32_t cb_self_count(struct mgm *m, const struct proto *p)
{
	const struct cb_frame *f;
	uint32_t n = 0;

	for (f = tls_frames; f; f = f->next)
		n += f->m == m && f->p == p;
	return n;
}

/*
 * The wait-for graph of deregistrations (issue 13 item 3).  A thread
 * deregistering p waits for p's callbacks running on other threads.  If
 * one of those threads is itself waiting in a deregistration, for
 * callbacks running on yet other threads, and so on back to this thread,
 * nobody can ever go on: two protocols deregistering each other from
 * inside their callbacks.  The thread that would close such a cycle
 * (the last one to start waiting) does not wait; the others then finish.
 * A handful of threads at most take part: plain depth-first search.
 */
#define WAITFOR_MAX 64

static bool thread_seen(const pthread_t *v, size_t n, pthread_t t)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (pthread_equal(v[i], t))
			return true;
	return false;
}

/*
 * Add to v the threads running callbacks of p, but not "except" (a
 * deregistration does not wait for its own thread's).  True if self is
 * one of them.
 */
static bool push_runners(struct mgm *m, const struct proto *p, pthread_t except,
			 pthread_t self, pthread_t *v, size_t *n)
{
	struct dlist *pos, *tmp;

	dlist_for_each_safe(pos, tmp, &m->frames)
	{
		struct cb_frame *f = container_of(pos, struct cb_frame, mlink);

		if (f->p != p || pthread_equal(f->thread, except))
			continue;
		if (pthread_equal(f->thread, self))
			return true;
		if (!thread_seen(v, *n, f->thread) && *n < WAITFOR_MAX)
			v[(*n)++] = f->thread;
	}
	return false;
}

bool cb_would_deadlock(struct mgm *m, const struct proto *p)
{
	pthread_t self = pthread_self(), v[WAITFOR_MAX];
	struct dlist *pos, *tmp;
	size_t n = 0, i;

	push_runners(m, p, self, self, v, &n);
	for (i = 0; i < n; i++) {
		/* v[i] runs a callback we would wait for; if it is waiting
		 * itself, we wait for whoever it waits for. */
		dlist_for_each_safe(pos, tmp, &m->waiters)
		{
			struct cb_waiter *w =
				container_of(pos, struct cb_waiter, link);

			if (pthread_equal(w->thread, v[i]) &&
			    push_runners(m, w->p, v[i], self, v, &n))
				return true;
		}
	}
	return false;
}

/* Which interface, if any, this thread is announcing to IGMP as enabled. */
static __thread struct {
	struct mgm *m;
	uint32_t ifindex;
	uint32_t nexthop;
} tls_enable;

bool in_enable_callback(struct mgm *m, uint32_t ifindex, uint32_t nexthop)
{
	return tls_enable.m == m && tls_enable.ifindex == ifindex &&
	       tls_enable.nexthop == nexthop;
}

static void cb_invoke(struct mgm *m, struct cb_rec *r)
{
	uint32_t to = r->timeout;

	switch (r->kind) {
	case CB_JOIN:
		r->fn.join(r->ctx, &r->source, &r->group, r->flag);
		break;
	case CB_PRUNE:
		r->fn.prune(r->ctx, &r->source, &r->group, r->ifindex,
			    r->nexthop, r->flag, &to);
		/* Only an oif-list prune (member_delete 0) sets a timeout. */
		if (r->mfe_serial)
			mfe_set_timeout(m, r->mfe_serial, &r->source, &r->group,
					to);
		break;
	case CB_LOCAL_JOIN:
		r->fn.local_join(r->ctx, &r->source, &r->group, r->ifindex,
				 r->nexthop);
		break;
	case CB_LOCAL_LEAVE:
		r->fn.local_leave(r->ctx, &r->source, &r->group, r->ifindex,
				  r->nexthop);
		break;
	case CB_WRONG_IF:
		r->fn.wrong_if(r->ctx, &r->source, &r->group, r->ifindex,
			       r->nexthop, r->hdr_len, r->hdr);
		break;
	case CB_ENABLE: {
		/* Saved and restored: enable callbacks may nest. */
		typeof(tls_enable) saved = tls_enable;

		tls_enable.m = m;
		tls_enable.ifindex = r->ifindex;
		tls_enable.nexthop = r->nexthop;
		r->fn.enable(r->ctx, r->ifindex, r->nexthop);
		tls_enable = saved;
		break;
	}
	}
}

/*
 * Called with the lock held at the end of an operation: append the
 * callbacks it queued to the instance's queue, then deliver, with the
 * lock dropped around each callback, the oldest queued callback whose
 * protocol is not receiving one right now, until none is left.  One
 * callback at a time per protocol, taken oldest first: each protocol
 * hears MGM's decisions in the order MGM made them, whichever threads
 * made them (issue 13 item 2), and without contention everything is
 * delivered by the thread that queued it.  The operation's own callbacks
 * go first when no earlier one of the same protocol waits (so that an
 * operation called from inside a callback has its effects announced
 * before it returns, as it always had).  A callback of
 * a protocol busy elsewhere (on another thread, or further up this
 * thread's stack: an operation called from inside its callback) is left
 * to that delivery, which picks it up when the callback returns, so it
 * may arrive after the operation that caused it returned.
 */
/* Is a callback of p queued before position i? */
static bool cb_earlier(const struct mgm *m, const struct proto *p, size_t i)
{
	size_t j;

	for (j = m->cbs_head; j < i; j++)
		if (m->cbs[j].p == p)
			return true;
	return false;
}

/* Position of the callback to deliver next, or m->cbs_n: first among
 * [mine, mine_end) if one may go now, else the oldest whose protocol is
 * free (nothing of that protocol can be older). */
static size_t cb_next(const struct mgm *m, size_t mine, size_t mine_end)
{
	size_t i;

	for (i = mine; i < mine_end && i < m->cbs_n; i++)
		if (m->cbs[i].p && !m->cbs[i].p->delivering &&
		    !cb_earlier(m, m->cbs[i].p, i))
			return i;
	for (i = m->cbs_head; i < m->cbs_n; i++)
		if (m->cbs[i].p && !m->cbs[i].p->delivering)
			return i;
	return m->cbs_n;
}

void mgm_unlock_run(struct mgm *m, struct cbq *q)
{
	size_t i, mine;

	if (q->n && vec_reserve((void **)&m->cbs, &m->cbs_cap, m->cbs_n + q->n,
				sizeof(*m->cbs))) {
		mgm_logf(m, LOG_ERR, "out of memory: %zu callbacks dropped",
			 q->n);
		for (i = 0; i < q->n; i++)
			proto_put(q->v[i].p);
		q->n = 0;
	}
	mine = m->cbs_n;
	for (i = 0; i < q->n; i++)
		m->cbs[m->cbs_n++] = q->v[i];
	for (;;) {
		struct cb_frame f;
		struct cb_rec r;
		struct proto *p;
		bool ran;

		/* (Once the queue empties, positions are reused: the
		 * preference for [mine, ...) is then only a preference.) */
		i = cb_next(m, mine, mine + q->n);
		if (i == m->cbs_n)
			break;
		r = m->cbs[i];
		m->cbs[i].p = NULL;
		while (m->cbs_head < m->cbs_n && !m->cbs[m->cbs_head].p)
			m->cbs_head++;
		if (m->cbs_head == m->cbs_n)
			m->cbs_head = m->cbs_n = 0;
		p = r.p;
		p->delivering = true;
		p->refs++; /* the delivery's; the record's goes in cb_end */
		mgm_unlock(m);
		ran = cb_begin(m, p, &f);
		if (ran)
			cb_invoke(m, &r);
		cb_end(m, p, &f, ran, true);
		mgm_lock(m, NULL);
		p->delivering = false;
		proto_put(p);
	}
	mgm_unlock(m);
	free(q->v);
	q->v = NULL;
	q->n = q->cap = 0;
}

uint64_t mgm_now(struct mgm *m)
{
	struct timespec ts;

	if (m->ops->now_ns)
		return m->ops->now_ns(m->dp);
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * NS_PER_SEC + (uint64_t)ts.tv_nsec;
}

/* Make mgm_fd() readable: the loop must call dispatch and re-read
 * mgm_timeout_ms() (e.g. an MFE now expires earlier than it slept for). */
void mgm_wake(struct mgm *m)
{
	uint64_t one = 1;

	if (write(m->efd, &one, sizeof(one)) < 0 && errno != EAGAIN)
		mgm_logf(m, LOG_WARNING, "eventfd write: %s", strerror(errno));
}

/* ------------------------------------------------------------------ */
/* Instance                                                            */

static uint32_t iface_hash(const struct hnode *n)
{
	const struct iface *i = container_of(n, struct iface, hn);

	return mgm_hash(i->ifindex, i->nexthop);
}

static uint32_t ifx_hash(const struct hnode *n)
{
	return mgm_hash(container_of(n, struct ifx, hn)->ifindex, 0);
}

static uint32_t memb_hash(const struct hnode *n)
{
	const struct memb *b = container_of(n, struct memb, hn);

	return memb_hash_key(b->p->serial, b->ifc->ifindex, b->ifc->nexthop,
			     &b->g->source, &b->g->group);
}

static uint32_t grp_hash(const struct hnode *n)
{
	const struct grp *g = container_of(n, struct grp, hn);

	return sg_hash(&g->source, &g->group);
}

static uint32_t mfe_hash(const struct hnode *n)
{
	const struct mfe *e = container_of(n, struct mfe, hn);
	struct mgm_addr s = mfe_source(e), g = mfe_group(e);

	return sg_hash(&s, &g);
}

static struct avl_node *mfe_tree_at(const struct avl_tree *t, uint32_t id)
{
	return &mfe_at(container_of(t, struct mgm, mfe_tree), id)->an;
}

static uint32_t mfe_tree_id(const struct avl_node *n)
{
	return mfe_id(container_of(n, struct mfe, an));
}

static int mfe_tree_cmp(const struct avl_node *n, const void *key)
{
	const struct mfe *e = container_of(n, struct mfe, an);
	const struct sgref *k = key;
	int c;

	/* sg_cmp()'s order: family, group, source. */
	if (e->family != k->group->family)
		return e->family == MGM_AF_INET ? -1 : 1;
	c = memcmp(e->grp, k->group->w, sizeof(e->grp));
	return c ? c : memcmp(e->src, k->source->w, sizeof(e->src));
}

int mgm_create(const struct mgm_options *opts, struct mgm **out)
{
	struct epoll_event ev = { .events = EPOLLIN };
	struct mgm *m;
	int dfd, err = -ENOMEM;

	if (!opts || !out || !opts->dp_ops || !opts->dp_ops->mfe_install ||
	    !opts->dp_ops->mfe_delete)
		return -EINVAL;
	m = calloc(1, sizeof(*m));
	if (!m)
		return -ENOMEM;
	m->epfd = m->efd = -1;
	pthread_mutex_init(&m->lock, NULL);
	pthread_mutex_init(&m->dispatch_lock, NULL);
	pthread_cond_init(&m->cb_done, NULL);
	dlist_init(&m->frames);
	dlist_init(&m->waiters);
	m->ops = opts->dp_ops;
	m->dp = opts->dp;
	m->default_timeout = opts->default_timeout ? opts->default_timeout :
						     DEFAULT_TIMEOUT_S;
	m->log = opts->log;
	m->unowned_iif_no_mfe = opts->unowned_iif_no_mfe;
	m->iif_permitted = opts->iif_permitted;
	m->iif_permitted_ctx = opts->iif_permitted_ctx;
	m->neg_timeout = opts->negative_timeout ? opts->negative_timeout :
						  m->default_timeout;
	m->neg_per_if = opts->negative_per_if ? opts->negative_per_if :
						UINT32_MAX;
	m->max_mfes = opts->max_mfes;
	dlist_init(&m->negs);
	dlist_init(&m->slab.partial);
	m->log_ctx = opts->log_ctx;
	m->nonce = nonce_next();
	m->ptab.free_head = m->etab.free_head = UINT32_MAX;
	dlist_init(&m->protos);
	m->mfe_tree.cmp = mfe_tree_cmp;
	m->mfe_tree.at = mfe_tree_at;
	m->mfe_tree.id = mfe_tree_id;
	if (htab_init(&m->ifaces, iface_hash) ||
	    htab_init(&m->ifxs, ifx_hash) || htab_init(&m->membs, memb_hash) ||
	    htab_init(&m->grps, grp_hash) || htab_init(&m->mfes, mfe_hash) ||
	    htab_init(&m->routes, mfe_route_hash))
		goto fail;

	m->epfd = epoll_create1(EPOLL_CLOEXEC);
	m->efd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	if (m->epfd < 0 || m->efd < 0)
		goto fail_errno;
	ev.data.fd = m->efd;
	if (epoll_ctl(m->epfd, EPOLL_CTL_ADD, m->efd, &ev))
		goto fail_errno;
	dfd = m->ops->event_fd ? m->ops->event_fd(m->dp) : -1;
	if (dfd >= 0) {
		ev.data.fd = dfd;
		if (epoll_ctl(m->epfd, EPOLL_CTL_ADD, dfd, &ev))
			goto fail_errno;
	}
	*out = m;
	return 0;

fail_errno:
	err = -errno;
fail:
	mgm_destroy(m);
	return err;
}

void mgm_destroy(struct mgm *m)
{
	struct dlist *pos, *tmp;
	size_t i;

	if (!m)
		return;
	/*
	 * The datapath is left as it is: it may already be closed, and the
	 * owner decides whether forwarding outlives the controller.
	 * Protocols that shut down properly (release, deregister) have
	 * already removed their MFEs from it.
	 */
	dlist_for_each_safe(pos, tmp, &m->protos)
	{
		struct proto *p = container_of(pos, struct proto, link);

		while (!dlist_empty(&p->enums))
			genum_free(m, container_of(p->enums.next, struct genum,
						   plink));
		free(p);
	}
	free(m->cbs);
	memb_free_all(m);
	mfe_free_all(m);
	mfe_slab_fini(m);
	for (i = 0; m->ifaces.b && i <= m->ifaces.mask; i++) {
		while (m->ifaces.b[i]) {
			struct hnode *n = m->ifaces.b[i];

			m->ifaces.b[i] = n->next;
			free(container_of(n, struct iface, hn));
		}
	}
	for (i = 0; m->ifxs.b && i <= m->ifxs.mask; i++) {
		while (m->ifxs.b[i]) {
			struct hnode *n = m->ifxs.b[i];
			struct ifx *x = container_of(n, struct ifx, hn);

			m->ifxs.b[i] = n->next;
			idset_fini(&x->mfes);
			free(x);
		}
	}
	htab_fini(&m->ifaces);
	htab_fini(&m->ifxs);
	htab_fini(&m->membs);
	htab_fini(&m->grps);
	htab_fini(&m->mfes);
	htab_fini(&m->routes);
	idset_fini(&m->unsynced);
	free(m->ptab.s);
	free(m->etab.s);
	free(m->heap);
	free(m->scratch);
	free(m->oifv);
	free(m->dpv);
	if (m->epfd >= 0)
		close(m->epfd);
	if (m->efd >= 0)
		close(m->efd);
	pthread_mutex_destroy(&m->lock);
	pthread_mutex_destroy(&m->dispatch_lock);
	pthread_cond_destroy(&m->cb_done);
	free(m);
}

int mgm_fd(struct mgm *m)
{
	return m ? m->epfd : -EINVAL;
}

struct evvec {
	struct mgm_dp_event *v;
	size_t n, cap;
	size_t dropped;
};

static void ev_collect(void *ctx, const struct mgm_dp_event *ev)
{
	struct evvec *vv = ctx;

	if (vec_reserve((void **)&vv->v, &vv->cap, vv->n + 1, sizeof(*vv->v))) {
		vv->dropped++;
		return;
	}
	vv->v[vv->n++] = *ev;
}

static void handle_wrong_if(struct mgm *m, const struct mgm_dp_event *ev)
{
	struct cbq q = { 0 };
	struct proto *p;

	mgm_lock(m, &q);
	p = owner_of(m, ev->ifindex, 0, addr_fambit(&ev->group));
	if (proto_routes(p, &ev->group) && p->x.wrong_if) {
		struct cb_rec r = {
			.kind = CB_WRONG_IF,
			.p = p,
			.ctx = p->x.ctx,
			.fn.wrong_if = p->x.wrong_if,
			.source = ev->source,
			.group = ev->group,
			.ifindex = ev->ifindex,
			.hdr_len = ev->hdr_len > MGM_DP_EVENT_HDR_MAX ?
					   MGM_DP_EVENT_HDR_MAX :
					   ev->hdr_len,
		};

		memcpy(r.hdr, ev->hdr, r.hdr_len);
		cbq_push(m, &r);
	}
	mgm_unlock_run(m, &q);
}

int mgm_dispatch(struct mgm *m)
{
	struct evvec vv = { 0 };
	struct cbq q = { 0 };
	uint64_t junk, now;
	size_t i;
	int n = 0;

	if (!m)
		return -EINVAL;
	/* One dispatcher at a time; a second one (or a callback calling
	 * dispatch) returns at once instead of blocking. */
	if (pthread_mutex_trylock(&m->dispatch_lock))
		return 0;
	while (read(m->efd, &junk, sizeof(junk)) > 0)
		;

	/* Datapath calls are made under the lock: the dp is not assumed
	 * to be thread-safe. */
	mgm_lock(m, &q);
	if (m->ops->event_poll)
		n = m->ops->event_poll(m->dp, ev_collect, &vv);
	m->stats.events += vv.n;
	mgm_unlock(m);
	if (vv.dropped)
		mgm_logf(m, LOG_ERR, "out of memory: %zu events dropped",
			 vv.dropped);

	for (i = 0; i < vv.n; i++) {
		if (vv.v[i].type == MGM_DP_EV_MISS)
			mfe_handle_miss(m, &vv.v[i]);
		else if (vv.v[i].type == MGM_DP_EV_WRONG_IF)
			handle_wrong_if(m, &vv.v[i]);
	}
	free(vv.v);

	mgm_lock(m, &q);
	now = mgm_now(m);
	if (!m->scanned || now - m->last_scan_ns >= SCAN_INTERVAL_NS) {
		/*
		 * A scan that ran out of budget continues on the next
		 * dispatch without waiting for the rate limit; the wakeup
		 * makes the event loop come back at once.
		 */
		bool more = mfe_expire_scan(m, now);

		m->last_scan_ns = now;
		m->scanned = !more;
		if (more)
			mgm_wake(m);
	}
	/* Updates the fast path refused: once a second (its own limit). */
	mfe_resync(m, now);
	mgm_unlock_run(m, &q);
	pthread_mutex_unlock(&m->dispatch_lock);
	return n < 0 ? n : (int)vv.n;
}

int mgm_timeout_ms(struct mgm *m)
{
	struct cbq q = { 0 };
	int64_t deadline;
	uint64_t now, due = 0, ms;
	bool any = false;

	if (!m)
		return -1;
	mgm_lock(m, &q);
	deadline = mfe_next_deadline(m);
	now = mgm_now(m);
	if (deadline >= 0) {
		/* Never sooner than the scan rate limit allows a scan. */
		due = (uint64_t)deadline;
		if (m->scanned && due < m->last_scan_ns + SCAN_INTERVAL_NS)
			due = m->last_scan_ns + SCAN_INTERVAL_NS;
		any = true;
	}
	if (m->unsynced.n) {
		/* The next retry round of refused fast-path updates. */
		uint64_t r = sat_add(m->last_resync_ns, SCAN_INTERVAL_NS);

		if (!any || r < due)
			due = r;
		any = true;
	}
	mgm_unlock(m);
	if (!any)
		return -1;
	if (due <= now)
		return 0;
	ms = (due - now + 999999) / 1000000;
	return ms > INT_MAX ? INT_MAX : (int)ms;
}

void mgm_get_stats(struct mgm *m, struct mgm_stats *out)
{
	struct cbq q = { 0 };

	if (!m || !out)
		return;
	mgm_lock(m, &q);
	*out = m->stats;
	out->callbacks = __atomic_load_n(&m->stats.callbacks, __ATOMIC_RELAXED);
	out->mfes_out_of_sync = m->unsynced.n;
	out->mfes_negative = m->n_neg;
	mgm_unlock(m);
}
