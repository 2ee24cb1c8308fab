// SPDX-License-Identifier: GPL-2.0
/*
 * fake_dp.c - the in-memory datapath and recording protocol of the MGM
 * unit tests (see fake_dp.h).
 */
#include <errno.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/eventfd.h>

#include "fake_dp.h"

#define FAKE_BUCKETS (1U << 16)

struct fake_entry {
	struct fake_entry *next;
	struct fake_mfe mfe;
	struct mgm_dp_mfe_counters c;
};

struct fake_route {
	struct mgm_addr prefix; /* host bits cleared */
	int plen;
	uint32_t ifindex, nexthop, protocol;
};

/* Do the first plen bits of a and b agree? */
static bool prefix_match(const struct mgm_addr *a, const struct mgm_addr *b,
			 int plen)
{
	int i;

	if (a->family != b->family)
		return false;
	for (i = 0; i < plen; i++)
		if ((a->v6[i / 8] ^ b->v6[i / 8]) & (0x80 >> (i % 8)))
			return false;
	return true;
}

struct fake_dp {
	pthread_mutex_t lock;
	struct fake_entry **b;
	size_t n_mfes;
	struct fake_dp_counts counts;
	uint8_t txoff[4096]; /* by ifindex (tests use small ones) */
	uint64_t now;
	struct mgm_dp_event *ev;
	size_t n_ev, cap_ev;
	int efd;
	struct fake_route routes[64];
	int n_routes;
	int fail_count, fail_err;
	size_t max_mfes; /* 0: no limit */
	uint64_t cost_ns;
	bool quiet;
	char **log;
	size_t n_log, cap_log;
	size_t errors;
};

static uint32_t bucket(const struct mgm_addr *s, const struct mgm_addr *g)
{
	uint64_t x = ((uint64_t)(s->w[0] ^ s->w[1] ^ s->w[2] ^ s->w[3]) << 32 |
		      (g->w[0] ^ g->w[1] ^ g->w[2] ^ g->w[3])) *
		     0x9e3779b97f4a7c15ULL;

	return (uint32_t)(x >> 40) & (FAKE_BUCKETS - 1);
}

static struct fake_entry *find(struct fake_dp *fd, const struct mgm_addr *s,
			       const struct mgm_addr *g)
{
	struct fake_entry *e = fd->b[bucket(s, g)];

	for (; e; e = e->next)
		if (mgm_addr_eq(&e->mfe.xsource, s) &&
		    mgm_addr_eq(&e->mfe.xgroup, g))
			return e;
	return NULL;
}

static void burn(struct fake_dp *fd)
{
	struct timespec t0, t;

	if (!fd->cost_ns)
		return;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	do {
		clock_gettime(CLOCK_MONOTONIC, &t);
	} while ((uint64_t)(t.tv_sec - t0.tv_sec) * 1000000000ULL +
			 (uint64_t)(t.tv_nsec - t0.tv_nsec) <
		 fd->cost_ns);
}

static void log_locked(struct fake_dp *fd, const char *s)
{
	if (fd->n_log == fd->cap_log) {
		size_t nc = fd->cap_log ? fd->cap_log * 2 : 64;
		char **nv = realloc(fd->log, nc * sizeof(*nv));

		if (!nv)
			abort();
		fd->log = nv;
		fd->cap_log = nc;
	}
	fd->log[fd->n_log] = strdup(s);
	if (!fd->log[fd->n_log])
		abort();
	fd->n_log++;
}

void fake_log(struct fake_dp *fd, const char *fmt, ...)
{
	char buf[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	pthread_mutex_lock(&fd->lock);
	log_locked(fd, buf);
	pthread_mutex_unlock(&fd->lock);
}

static const char *sg_str(char *buf, size_t len, const struct mgm_addr *s,
			  const struct mgm_addr *g)
{
	char a[MGM_ADDRSTRLEN], b[MGM_ADDRSTRLEN];

	snprintf(buf, len, "%s,%s", mgm_addr_ntop(s, a, sizeof(a)),
		 mgm_addr_ntop(g, b, sizeof(b)));
	return buf;
}

/* ------------------------------------------------------------------ */
/* The ops                                                             */

static int cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return x < y ? -1 : x > y;
}

static int op_install(void *dp, const struct mgm_addr *source,
		      const struct mgm_addr *group, uint32_t iif,
		      const uint32_t *oifs, uint32_t n_oifs)
{
	struct fake_dp *fd = dp;
	char sg[128], line[512];
	struct fake_entry *e;
	uint32_t i;
	int len, ret = 0;
	bool bad = n_oifs > MGM_DP_MAX_OIFS;

	for (i = 0; !bad && i < n_oifs; i++)
		if (oifs[i] == iif || (i && oifs[i] <= oifs[i - 1]))
			bad = true;
	pthread_mutex_lock(&fd->lock);
	burn(fd);
	line[0] = 0;
	if (!fd->quiet) {
		sg_str(sg, sizeof(sg), source, group);
		len = snprintf(line, sizeof(line), "install %s iif %u ", sg,
			       iif);
		if (!n_oifs)
			snprintf(line + len, sizeof(line) - len, "negative");
		else
			len += snprintf(line + len, sizeof(line) - len,
					"oifs ");
		for (i = 0; i < n_oifs && len < (int)sizeof(line) - 16; i++)
			len += snprintf(line + len, sizeof(line) - len, "%s%u",
					i ? "," : "", oifs[i]);
	}
	if (bad) {
		fd->counts.bad_install++;
		if (n_oifs > MGM_DP_MAX_OIFS) {
			ret = -E2BIG;
			goto fail;
		}
	}
	if (fd->fail_count) {
		if (fd->fail_count > 0)
			fd->fail_count--;
		ret = fd->fail_err;
		goto fail;
	}
	e = find(fd, source, group);
	/* As the real datapath: installing what is there costs nothing. */
	if (e && e->mfe.iif == iif && e->mfe.n_oifs == n_oifs &&
	    e->mfe.negative == !n_oifs &&
	    !memcmp(e->mfe.oifs, oifs, n_oifs * sizeof(*oifs))) {
		fd->counts.install_noop++;
		pthread_mutex_unlock(&fd->lock);
		return 0;
	}
	if (!e && fd->max_mfes && fd->n_mfes >= fd->max_mfes) {
		ret = -ENOSPC; /* as the BPF hash map's E2BIG */
		goto fail;
	}
	if (!e) {
		uint32_t k = bucket(source, group);

		e = calloc(1, sizeof(*e));
		if (!e)
			abort();
		e->next = fd->b[k];
		fd->b[k] = e;
		fd->n_mfes++;
	}
	e->mfe.xsource = *source;
	e->mfe.xgroup = *group;
	e->mfe.source = source->family == MGM_AF_INET ? source->v4 : 0;
	e->mfe.group = group->family == MGM_AF_INET ? group->v4 : 0;
	e->mfe.iif = iif;
	e->mfe.n_oifs = n_oifs;
	e->mfe.negative = !n_oifs;
	memcpy(e->mfe.oifs, oifs, n_oifs * sizeof(*oifs));
	qsort(e->mfe.oifs, n_oifs, sizeof(*oifs), cmp_u32);
	fd->counts.install++;
	if (!fd->quiet)
		log_locked(fd, line);
	pthread_mutex_unlock(&fd->lock);
	return 0;
fail:
	fd->counts.install_failed++;
	if (!fd->quiet) {
		char l2[600];

		snprintf(l2, sizeof(l2), "%s FAILED %d", line, ret);
		log_locked(fd, l2);
	}
	pthread_mutex_unlock(&fd->lock);
	return ret;
}

static int op_delete(void *dp, const struct mgm_addr *source,
		     const struct mgm_addr *group)
{
	struct fake_dp *fd = dp;
	struct fake_entry **pp;
	char sg[128], line[160];
	int ret = -ENOENT;

	pthread_mutex_lock(&fd->lock);
	burn(fd);
	for (pp = &fd->b[bucket(source, group)]; *pp; pp = &(*pp)->next) {
		struct fake_entry *e = *pp;

		if (mgm_addr_eq(&e->mfe.xsource, source) &&
		    mgm_addr_eq(&e->mfe.xgroup, group)) {
			*pp = e->next;
			free(e);
			fd->n_mfes--;
			ret = 0;
			break;
		}
	}
	if (ret)
		fd->counts.del_missing++;
	else
		fd->counts.del++;
	if (!fd->quiet) {
		snprintf(line, sizeof(line), "delete %s%s",
			 sg_str(sg, sizeof(sg), source, group),
			 ret ? " MISSING" : "");
		log_locked(fd, line);
	}
	pthread_mutex_unlock(&fd->lock);
	return ret;
}

static int op_counters(void *dp, const struct mgm_addr *source,
		       const struct mgm_addr *group,
		       struct mgm_dp_mfe_counters *out)
{
	struct fake_dp *fd = dp;
	struct fake_entry *e;
	int ret = -ENOENT;

	pthread_mutex_lock(&fd->lock);
	fd->counts.counters++;
	e = find(fd, source, group);
	if (e) {
		*out = e->c;
		ret = 0;
	}
	pthread_mutex_unlock(&fd->lock);
	return ret;
}

static int op_if_counters(void *dp, uint32_t ifindex,
			  struct mgm_dp_if_counters *out)
{
	(void)dp;
	(void)ifindex;
	memset(out, 0, sizeof(*out));
	return 0;
}

static int op_tx_disable(void *dp, uint32_t ifindex, bool disabled)
{
	struct fake_dp *fd = dp;
	char line[32];

	pthread_mutex_lock(&fd->lock);
	burn(fd);
	if (ifindex < sizeof(fd->txoff))
		fd->txoff[ifindex] = disabled;
	if (disabled)
		fd->counts.tx_off++;
	else
		fd->counts.tx_on++;
	if (!fd->quiet) {
		snprintf(line, sizeof(line), "%s %u",
			 disabled ? "txoff" : "txon", ifindex);
		log_locked(fd, line);
	}
	pthread_mutex_unlock(&fd->lock);
	return 0;
}

/*
 * Like the fast path: the ifindex leaves every out-set in place; entries
 * keep their (possibly now empty) sets and stay positive.
 */
static int op_if_release(void *dp, uint32_t ifindex)
{
	struct fake_dp *fd = dp;
	struct fake_entry *e;
	uint32_t b, i, j;
	char line[32];

	pthread_mutex_lock(&fd->lock);
	burn(fd);
	fd->counts.if_release++;
	for (b = 0; b < FAKE_BUCKETS; b++) {
		for (e = fd->b[b]; e; e = e->next) {
			for (i = j = 0; i < e->mfe.n_oifs; i++)
				if (e->mfe.oifs[i] != ifindex)
					e->mfe.oifs[j++] = e->mfe.oifs[i];
			e->mfe.n_oifs = j;
		}
	}
	if (!fd->quiet) {
		snprintf(line, sizeof(line), "unlink %u", ifindex);
		log_locked(fd, line);
	}
	pthread_mutex_unlock(&fd->lock);
	return 0;
}

static int op_sync(void *dp)
{
	struct fake_dp *fd = dp;

	pthread_mutex_lock(&fd->lock);
	burn(fd);
	fd->counts.sync++;
	if (!fd->quiet)
		log_locked(fd, "sync");
	pthread_mutex_unlock(&fd->lock);
	return 0;
}

static int op_event_fd(void *dp)
{
	return ((struct fake_dp *)dp)->efd;
}

static int op_event_poll(void *dp, mgm_dp_event_cb cb, void *cb_ctx)
{
	struct fake_dp *fd = dp;
	struct mgm_dp_event *v;
	uint64_t junk;
	size_t n, i;

	pthread_mutex_lock(&fd->lock);
	fd->counts.event_poll++;
	v = fd->ev;
	n = fd->n_ev;
	fd->ev = NULL;
	fd->n_ev = fd->cap_ev = 0;
	/* Readable exactly while events are queued: reset with the queue. */
	if (read(fd->efd, &junk, sizeof(junk)) < 0 && errno != EAGAIN)
		abort();
	pthread_mutex_unlock(&fd->lock);
	for (i = 0; i < n; i++)
		cb(cb_ctx, &v[i]);
	free(v);
	return (int)n;
}

static int op_rpf_lookup(void *dp, const struct mgm_addr *source,
			 const struct mgm_addr *group,
			 struct mgm_route_info_x *out)
{
	struct fake_dp *fd = dp;
	int i, best = -1;

	(void)group; /* the fake routes by source only */
	pthread_mutex_lock(&fd->lock);
	fd->counts.rpf_lookup++;
	for (i = 0; i < fd->n_routes; i++) {
		const struct fake_route *r = &fd->routes[i];

		if (prefix_match(source, &r->prefix, r->plen) &&
		    (best < 0 || r->plen > fd->routes[best].plen))
			best = i;
	}
	memset(out, 0, sizeof(*out));
	if (best >= 0) {
		const struct fake_route *r = &fd->routes[best];

		out->protocol = r->protocol;
		out->network = r->prefix;
		out->prefix_len = (uint32_t)r->plen;
		out->ifindex = r->ifindex;
		out->nexthop = r->nexthop;
	}
	pthread_mutex_unlock(&fd->lock);
	return 0;
}

static uint64_t op_now(void *dp)
{
	struct fake_dp *fd = dp;
	uint64_t now;

	pthread_mutex_lock(&fd->lock);
	now = fd->now;
	pthread_mutex_unlock(&fd->lock);
	return now;
}

const struct mgm_datapath_ops fake_dp_ops = {
	.mfe_install = op_install,
	.mfe_delete = op_delete,
	.mfe_counters = op_counters,
	.if_counters = op_if_counters,
	.if_tx_disable = op_tx_disable,
	.if_release = op_if_release,
	.sync = op_sync,
	.event_fd = op_event_fd,
	.event_poll = op_event_poll,
	.rpf_lookup = op_rpf_lookup,
	.now_ns = op_now,
};

/* ------------------------------------------------------------------ */
/* Test controls                                                       */

struct fake_dp *fake_dp_new(void)
{
	struct fake_dp *fd = calloc(1, sizeof(*fd));

	if (!fd)
		abort();
	pthread_mutex_init(&fd->lock, NULL);
	fd->b = calloc(FAKE_BUCKETS, sizeof(*fd->b));
	fd->efd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	if (!fd->b || fd->efd < 0)
		abort();
	/* Not 0: a zero clock would hide uptime arithmetic errors. */
	fd->now = 1000 * 1000000000ULL;
	return fd;
}

void fake_dp_free(struct fake_dp *fd)
{
	size_t i;

	if (!fd)
		return;
	for (i = 0; i < FAKE_BUCKETS; i++) {
		while (fd->b[i]) {
			struct fake_entry *e = fd->b[i];

			fd->b[i] = e->next;
			free(e);
		}
	}
	free(fd->b);
	for (i = 0; i < fd->n_log; i++)
		free(fd->log[i]);
	free(fd->log);
	free(fd->ev);
	close(fd->efd);
	pthread_mutex_destroy(&fd->lock);
	free(fd);
}

static void mgm_log_cb(void *ctx, int level, const char *msg)
{
	struct fake_dp *fd = ctx;

	if (level <= 3) {
		pthread_mutex_lock(&fd->lock);
		fd->errors++;
		pthread_mutex_unlock(&fd->lock);
	}
	if (getenv("V"))
		fprintf(stderr, "mgm[%d]: %s\n", level, msg);
}

struct mgm *fake_mgm_new(struct fake_dp *fd, uint32_t default_timeout)
{
	struct mgm_options o = { .default_timeout = default_timeout };

	return fake_mgm_new_opts(fd, &o);
}

struct mgm *fake_mgm_new_opts(struct fake_dp *fd,
			      const struct mgm_options *base)
{
	struct mgm_options o = *base;
	struct mgm *m = NULL;

	o.dp_ops = &fake_dp_ops;
	o.dp = fd;
	o.log = mgm_log_cb;
	o.log_ctx = fd;
	if (mgm_create(&o, &m))
		return NULL;
	return m;
}

size_t fake_dp_entry_size(void)
{
	return sizeof(struct fake_entry);
}

size_t fake_errors(struct fake_dp *fd)
{
	size_t n;

	pthread_mutex_lock(&fd->lock);
	n = fd->errors;
	pthread_mutex_unlock(&fd->lock);
	return n;
}

bool fake_dp_get_x(struct fake_dp *fd, const struct mgm_addr *source,
		   const struct mgm_addr *group, struct fake_mfe *out)
{
	struct fake_entry *e;

	pthread_mutex_lock(&fd->lock);
	e = find(fd, source, group);
	if (e && out)
		*out = e->mfe;
	pthread_mutex_unlock(&fd->lock);
	return e != NULL;
}

size_t fake_dp_num_mfes(struct fake_dp *fd)
{
	size_t n;

	pthread_mutex_lock(&fd->lock);
	n = fd->n_mfes;
	pthread_mutex_unlock(&fd->lock);
	return n;
}

bool fake_dp_get(struct fake_dp *fd, uint32_t source, uint32_t group,
		 struct fake_mfe *out)
{
	struct mgm_addr s = mgm_addr4(source), g = mgm_addr4(group);

	return fake_dp_get_x(fd, &s, &g, out);
}

const char *fake_dp_oifs_x(struct fake_dp *fd, const struct mgm_addr *source,
			   const struct mgm_addr *group)
{
	static __thread char buf[512];
	struct fake_mfe f;
	uint32_t i;
	int len = 0;

	if (!fake_dp_get_x(fd, source, group, &f))
		return "absent";
	if (f.negative)
		return "negative";
	buf[0] = 0;
	for (i = 0; i < f.n_oifs && len < (int)sizeof(buf) - 16; i++)
		len += snprintf(buf + len, sizeof(buf) - len, "%s%u",
				i ? "," : "", f.oifs[i]);
	return buf;
}

const char *fake_dp_oifs(struct fake_dp *fd, uint32_t source, uint32_t group)
{
	struct mgm_addr s = mgm_addr4(source), g = mgm_addr4(group);

	return fake_dp_oifs_x(fd, &s, &g);
}

void fake_dp_counts(struct fake_dp *fd, struct fake_dp_counts *out)
{
	pthread_mutex_lock(&fd->lock);
	*out = fd->counts;
	pthread_mutex_unlock(&fd->lock);
}

bool fake_dp_tx_disabled(struct fake_dp *fd, uint32_t ifindex)
{
	bool off;

	pthread_mutex_lock(&fd->lock);
	off = ifindex < sizeof(fd->txoff) && fd->txoff[ifindex];
	pthread_mutex_unlock(&fd->lock);
	return off;
}

int fake_dp_set_counters_x(struct fake_dp *fd, const struct mgm_addr *source,
			   const struct mgm_addr *group,
			   const struct mgm_dp_mfe_counters *c)
{
	struct fake_entry *e;

	pthread_mutex_lock(&fd->lock);
	e = find(fd, source, group);
	if (e)
		e->c = *c;
	pthread_mutex_unlock(&fd->lock);
	return e ? 0 : -ENOENT;
}

int fake_dp_set_counters(struct fake_dp *fd, uint32_t source, uint32_t group,
			 const struct mgm_dp_mfe_counters *c)
{
	struct mgm_addr s = mgm_addr4(source), g = mgm_addr4(group);

	return fake_dp_set_counters_x(fd, &s, &g, c);
}

void fake_dp_set_now(struct fake_dp *fd, uint64_t ns)
{
	pthread_mutex_lock(&fd->lock);
	fd->now = ns;
	pthread_mutex_unlock(&fd->lock);
}

void fake_dp_advance(struct fake_dp *fd, uint64_t ns)
{
	pthread_mutex_lock(&fd->lock);
	fd->now += ns;
	pthread_mutex_unlock(&fd->lock);
}

uint64_t fake_dp_now(struct fake_dp *fd)
{
	return op_now(fd);
}

void fake_dp_inject(struct fake_dp *fd, const struct mgm_dp_event *ev)
{
	uint64_t one = 1;

	pthread_mutex_lock(&fd->lock);
	if (fd->n_ev == fd->cap_ev) {
		size_t nc = fd->cap_ev ? fd->cap_ev * 2 : 16;
		struct mgm_dp_event *nv = realloc(fd->ev, nc * sizeof(*nv));

		if (!nv)
			abort();
		fd->ev = nv;
		fd->cap_ev = nc;
	}
	fd->ev[fd->n_ev++] = *ev;
	if (fd->n_ev == 1 && write(fd->efd, &one, sizeof(one)) != sizeof(one))
		abort();
	pthread_mutex_unlock(&fd->lock);
}

static void inject(struct fake_dp *fd, uint32_t type, uint32_t ifindex,
		   const struct mgm_addr *source, const struct mgm_addr *group)
{
	struct mgm_dp_event ev = {
		.type = type,
		.ifindex = ifindex,
		.source = *source,
		.group = *group,
		.ip_len = 100,
	};

	if (group->family == MGM_AF_INET) {
		/* A plausible IPv4 header: version/IHL, TTL 64, UDP. */
		ev.hdr_len = 20;
		ev.hdr[0] = 0x45;
		ev.hdr[8] = 64;
		ev.hdr[9] = 17;
		memcpy(&ev.hdr[12], source->v6, 4);
		memcpy(&ev.hdr[16], group->v6, 4);
	} else {
		/* IPv6: version, payload length 60, UDP, hop limit 64. */
		ev.hdr_len = 40;
		ev.hdr[0] = 0x60;
		ev.hdr[5] = 60;
		ev.hdr[6] = 17;
		ev.hdr[7] = 64;
		memcpy(&ev.hdr[8], source->v6, 16);
		memcpy(&ev.hdr[24], group->v6, 16);
	}
	fake_dp_inject(fd, &ev);
}

void fake_dp_inject_miss_x(struct fake_dp *fd, uint32_t ifindex,
			   const struct mgm_addr *source,
			   const struct mgm_addr *group)
{
	inject(fd, MGM_DP_EV_MISS, ifindex, source, group);
}

void fake_dp_inject_miss(struct fake_dp *fd, uint32_t ifindex, uint32_t source,
			 uint32_t group)
{
	struct mgm_addr s = mgm_addr4(source), g = mgm_addr4(group);

	inject(fd, MGM_DP_EV_MISS, ifindex, &s, &g);
}

void fake_dp_inject_wrong_if_x(struct fake_dp *fd, uint32_t ifindex,
			       const struct mgm_addr *source,
			       const struct mgm_addr *group)
{
	inject(fd, MGM_DP_EV_WRONG_IF, ifindex, source, group);
}

void fake_dp_inject_wrong_if(struct fake_dp *fd, uint32_t ifindex,
			     uint32_t source, uint32_t group)
{
	struct mgm_addr s = mgm_addr4(source), g = mgm_addr4(group);

	inject(fd, MGM_DP_EV_WRONG_IF, ifindex, &s, &g);
}

size_t fake_dp_pending(struct fake_dp *fd)
{
	size_t n;

	pthread_mutex_lock(&fd->lock);
	n = fd->n_ev;
	pthread_mutex_unlock(&fd->lock);
	return n;
}

int fake_dp_event_fd(struct fake_dp *fd)
{
	return fd->efd;
}

void fake_dp_add_route_x(struct fake_dp *fd, const struct mgm_addr *prefix,
			 int plen, uint32_t ifindex, uint32_t nexthop,
			 uint32_t protocol)
{
	struct fake_route r = { *prefix, plen, ifindex, nexthop, protocol };
	int i;

	for (i = plen; i < 128; i++)
		r.prefix.v6[i / 8] &= (uint8_t) ~(0x80 >> (i % 8));
	pthread_mutex_lock(&fd->lock);
	if (fd->n_routes < (int)(sizeof(fd->routes) / sizeof(fd->routes[0])))
		fd->routes[fd->n_routes++] = r;
	pthread_mutex_unlock(&fd->lock);
}

void fake_dp_add_route(struct fake_dp *fd, uint32_t prefix, int plen,
		       uint32_t ifindex, uint32_t nexthop, uint32_t protocol)
{
	struct mgm_addr p = mgm_addr4(prefix);

	fake_dp_add_route_x(fd, &p, plen, ifindex, nexthop, protocol);
}

void fake_dp_clear_routes(struct fake_dp *fd)
{
	pthread_mutex_lock(&fd->lock);
	fd->n_routes = 0;
	pthread_mutex_unlock(&fd->lock);
}

void fake_dp_fail_install(struct fake_dp *fd, int count, int err)
{
	pthread_mutex_lock(&fd->lock);
	fd->fail_count = count;
	fd->fail_err = err;
	pthread_mutex_unlock(&fd->lock);
}

void fake_dp_set_op_cost_ns(struct fake_dp *fd, uint64_t ns)
{
	pthread_mutex_lock(&fd->lock);
	fd->cost_ns = ns;
	pthread_mutex_unlock(&fd->lock);
}

void fake_dp_set_quiet(struct fake_dp *fd, bool quiet)
{
	pthread_mutex_lock(&fd->lock);
	fd->quiet = quiet;
	pthread_mutex_unlock(&fd->lock);
}

/* ------------------------------------------------------------------ */
/* The log                                                             */

size_t fake_log_len(struct fake_dp *fd)
{
	size_t n;

	pthread_mutex_lock(&fd->lock);
	n = fd->n_log;
	pthread_mutex_unlock(&fd->lock);
	return n;
}

const char *fake_log_at(struct fake_dp *fd, size_t i)
{
	static __thread char buf[512];

	pthread_mutex_lock(&fd->lock);
	snprintf(buf, sizeof(buf), "%s", i < fd->n_log ? fd->log[i] : "");
	pthread_mutex_unlock(&fd->lock);
	return buf;
}

void fake_log_clear(struct fake_dp *fd)
{
	size_t i;

	pthread_mutex_lock(&fd->lock);
	for (i = 0; i < fd->n_log; i++)
		free(fd->log[i]);
	fd->n_log = 0;
	pthread_mutex_unlock(&fd->lock);
}

long fake_log_find(struct fake_dp *fd, const char *s, size_t from)
{
	long ret = -1;
	size_t i;

	pthread_mutex_lock(&fd->lock);
	for (i = from; i < fd->n_log; i++) {
		if (!strcmp(fd->log[i], s)) {
			ret = (long)i;
			break;
		}
	}
	pthread_mutex_unlock(&fd->lock);
	return ret;
}

size_t fake_log_count(struct fake_dp *fd, const char *prefix)
{
	size_t i, n = 0, len = strlen(prefix);

	pthread_mutex_lock(&fd->lock);
	for (i = 0; i < fd->n_log; i++)
		n += !strncmp(fd->log[i], prefix, len);
	pthread_mutex_unlock(&fd->lock);
	return n;
}

void fake_log_dump(struct fake_dp *fd, const char *why)
{
	size_t i;

	pthread_mutex_lock(&fd->lock);
	fprintf(stderr, "---- log (%s), %zu entries\n", why, fd->n_log);
	for (i = 0; i < fd->n_log; i++)
		fprintf(stderr, "  [%zu] %s\n", i, fd->log[i]);
	pthread_mutex_unlock(&fd->lock);
}

/* Split "{a|b|c}" into its parts (modifies buf). */
static size_t split_set(char *buf, char **parts, size_t max)
{
	size_t n = 0;
	char *s = buf + 1, *end = strrchr(buf, '}');

	if (end)
		*end = 0;
	while (s && n < max) {
		char *bar = strchr(s, '|');

		if (bar)
			*bar = 0;
		parts[n++] = s;
		s = bar ? bar + 1 : NULL;
	}
	return n;
}

bool fake_log_expect(struct fake_dp *fd, const char *const *exp, size_t n)
{
	size_t i, pos = 0;
	bool ok = true;

	pthread_mutex_lock(&fd->lock);
	for (i = 0; i < n && ok; i++) {
		if (exp[i][0] == '{') {
			char buf[4096], *parts[64];
			bool used[64] = { 0 };
			size_t k = 0, j, p;

			snprintf(buf, sizeof(buf), "%s", exp[i]);
			k = split_set(buf, parts, 64);
			for (j = 0; j < k && ok; j++, pos++) {
				bool hit = false;

				for (p = 0; p < k && pos < fd->n_log; p++) {
					if (!used[p] &&
					    !strcmp(parts[p], fd->log[pos])) {
						used[p] = hit = true;
						break;
					}
				}
				if (!hit) {
					fprintf(stderr,
						"log[%zu] \"%s\" not in set %s\n",
						pos,
						pos < fd->n_log ? fd->log[pos] :
								  "(end)",
						exp[i]);
					ok = false;
				}
			}
		} else {
			if (pos >= fd->n_log || strcmp(exp[i], fd->log[pos])) {
				fprintf(stderr,
					"log[%zu] is \"%s\", expected \"%s\"\n",
					pos,
					pos < fd->n_log ? fd->log[pos] :
							  "(end)",
					exp[i]);
				ok = false;
			}
			pos++;
		}
	}
	if (ok && pos != fd->n_log) {
		fprintf(stderr, "log has %zu entries, expected %zu\n",
			fd->n_log, pos);
		ok = false;
	}
	pthread_mutex_unlock(&fd->lock);
	if (!ok)
		fake_log_dump(fd, "mismatch");
	return ok;
}

/* ------------------------------------------------------------------ */
/* The recording protocol                                              */

const char *fake_addr(char *buf, uint32_t addr, uint32_t mask)
{
	char a[INET_ADDRSTRLEN], b[INET_ADDRSTRLEN];

	if (!addr && !mask) {
		strcpy(buf, "*");
	} else if (mask == 0xffffffffU) {
		inet_ntop(AF_INET, &addr, buf, INET_ADDRSTRLEN);
	} else {
		inet_ntop(AF_INET, &addr, a, sizeof(a));
		inet_ntop(AF_INET, &mask, b, sizeof(b));
		sprintf(buf, "%s/%s", a, b);
	}
	return buf;
}

static const char *if_str(char *buf, uint32_t ifindex, uint32_t nexthop)
{
	char a[INET_ADDRSTRLEN];

	if (!nexthop) {
		sprintf(buf, "%u", ifindex);
	} else {
		inet_ntop(AF_INET, &nexthop, a, sizeof(a));
		sprintf(buf, "%u/%s", ifindex, a);
	}
	return buf;
}

#define SG(s, sm, g, gm) fake_addr(sa, s, sm), fake_addr(ga, g, gm)

static void record(struct fake_proto *fp, unsigned *counter, const char *ev,
		   uint32_t ifindex, uint32_t nexthop)
{
	__atomic_add_fetch(counter, 1, __ATOMIC_RELAXED);
	if (fp->hook)
		fp->hook(fp, ev, ifindex, nexthop);
}

static uint32_t cb_rpf(void *ctx, uint32_t s, uint32_t sm, uint32_t g,
		       uint32_t gm, uint32_t *iif, uint32_t *nh, uint32_t *up,
		       uint32_t hdr_size, const uint8_t *hdr,
		       struct mgm_route_info *route)
{
	struct fake_proto *fp = ctx;
	char sa[40], ga[40], ia[40], ua[INET_ADDRSTRLEN];

	(void)hdr;
	fp->rpf_in_iif = *iif;
	fp->rpf_in_nh = *nh;
	fp->rpf_in_upstream = *up;
	fp->rpf_in_hdr_len = hdr_size;
	fp->rpf_in_route = *route;
	if (!fp->quiet)
		fake_log(fp->fd, "%s rpf %s,%s iif=%s up=%s hdr=%u", fp->name,
			 SG(s, sm, g, gm), if_str(ia, *iif, *nh),
			 inet_ntop(AF_INET, up, ua, sizeof(ua)), hdr_size);
	if (fp->rpf_set_iif) {
		*iif = fp->rpf_iif;
		*nh = fp->rpf_nh;
	}
	if (fp->rpf_set_upstream)
		*up = fp->rpf_upstream;
	if (fp->rpf_set_route)
		*route = fp->rpf_route;
	record(fp, &fp->n_rpf, "rpf", *iif, *nh);
	return 0;
}

static uint32_t cb_creation(void *ctx, uint32_t s, uint32_t sm, uint32_t g,
			    uint32_t gm, uint32_t iif, uint32_t nh, uint32_t n,
			    struct mgm_if_entry *oifs)
{
	struct fake_proto *fp = ctx;
	char sa[40], ga[40], ia[40], list[400] = "", one[64];
	uint32_t i;
	int k;

	for (i = 0; i < n; i++) {
		if (!fp->quiet) {
			snprintf(one, sizeof(one), "%s%s%s%s", i ? "," : "",
				 if_str(ia, oifs[i].ifindex, oifs[i].nexthop),
				 oifs[i].igmp ? "(igmp)" : "",
				 oifs[i].enabled == 1 ? "" : "(disabled-in)");
			strncat(list, one, sizeof(list) - strlen(list) - 1);
		}
		for (k = 0; k < fp->n_disable_oifs; k++)
			if (fp->disable_oifs[k] == oifs[i].ifindex)
				oifs[i].enabled = 0;
	}
	if (!fp->quiet)
		fake_log(fp->fd, "%s creation_alert %s,%s iif=%s oifs=%s",
			 fp->name, SG(s, sm, g, gm), if_str(ia, iif, nh), list);
	record(fp, &fp->n_creation, "creation_alert", iif, nh);
	return 0;
}

static uint32_t cb_prune(void *ctx, uint32_t s, uint32_t sm, uint32_t g,
			 uint32_t gm, uint32_t ifindex, uint32_t nh,
			 int32_t del, uint32_t *timeout)
{
	struct fake_proto *fp = ctx;
	char sa[40], ga[40], ia[40];

	if (!fp->quiet)
		fake_log(fp->fd, "%s prune_alert %s,%s if=%s del=%d timeout=%u",
			 fp->name, SG(s, sm, g, gm), if_str(ia, ifindex, nh),
			 del, *timeout);
	if (fp->prune_set_timeout)
		*timeout = fp->prune_timeout;
	record(fp, &fp->n_prune, "prune_alert", ifindex, nh);
	return 0;
}

static uint32_t cb_join(void *ctx, uint32_t s, uint32_t sm, uint32_t g,
			uint32_t gm, int32_t upd)
{
	struct fake_proto *fp = ctx;
	char sa[40], ga[40];

	if (!fp->quiet)
		fake_log(fp->fd, "%s join_alert %s,%s upd=%d", fp->name,
			 SG(s, sm, g, gm), upd);
	record(fp, &fp->n_join, "join_alert", 0, 0);
	return 0;
}

static uint32_t cb_wrong_if(void *ctx, uint32_t s, uint32_t g, uint32_t ifindex,
			    uint32_t nh, uint32_t hdr_size, const uint8_t *hdr)
{
	struct fake_proto *fp = ctx;
	char sa[40], ga[40], ia[40];

	if (!fp->quiet)
		fake_log(fp->fd, "%s wrong_if %s,%s if=%s hdr=%u ver=%x",
			 fp->name, fake_addr(sa, s, 0xffffffffU),
			 fake_addr(ga, g, 0xffffffffU), if_str(ia, ifindex, nh),
			 hdr_size, hdr_size ? hdr[0] : 0);
	record(fp, &fp->n_wrong_if, "wrong_if", ifindex, nh);
	return 0;
}

static uint32_t cb_local(struct fake_proto *fp, const char *what,
			 unsigned *counter, uint32_t s, uint32_t sm, uint32_t g,
			 uint32_t gm, uint32_t ifindex, uint32_t nh)
{
	char sa[40], ga[40], ia[40];

	if (!fp->quiet)
		fake_log(fp->fd, "%s %s %s,%s if=%s", fp->name, what,
			 SG(s, sm, g, gm), if_str(ia, ifindex, nh));
	record(fp, counter, what, ifindex, nh);
	return 0;
}

static uint32_t cb_local_join(void *ctx, uint32_t s, uint32_t sm, uint32_t g,
			      uint32_t gm, uint32_t ifindex, uint32_t nh)
{
	struct fake_proto *fp = ctx;

	return cb_local(fp, "local_join", &fp->n_local_join, s, sm, g, gm,
			ifindex, nh);
}

static uint32_t cb_local_leave(void *ctx, uint32_t s, uint32_t sm, uint32_t g,
			       uint32_t gm, uint32_t ifindex, uint32_t nh)
{
	struct fake_proto *fp = ctx;

	return cb_local(fp, "local_leave", &fp->n_local_leave, s, sm, g, gm,
			ifindex, nh);
}

static uint32_t cb_disable(void *ctx, uint32_t ifindex, uint32_t nh)
{
	struct fake_proto *fp = ctx;
	char ia[40];

	if (!fp->quiet)
		fake_log(fp->fd, "%s disable_igmp if=%s", fp->name,
			 if_str(ia, ifindex, nh));
	record(fp, &fp->n_disable, "disable_igmp", ifindex, nh);
	return 0;
}

static uint32_t cb_enable(void *ctx, uint32_t ifindex, uint32_t nh)
{
	struct fake_proto *fp = ctx;
	char ia[40];

	if (!fp->quiet)
		fake_log(fp->fd, "%s enable_igmp if=%s", fp->name,
			 if_str(ia, ifindex, nh));
	record(fp, &fp->n_enable, "enable_igmp", ifindex, nh);
	return 0;
}

struct mgm_protocol_config fake_proto_config(struct fake_proto *fp)
{
	return (struct mgm_protocol_config){
		.ctx = fp,
		.rpf = cb_rpf,
		.creation_alert = cb_creation,
		.prune_alert = cb_prune,
		.join_alert = cb_join,
		.wrong_if = cb_wrong_if,
		.local_join = cb_local_join,
		.local_leave = cb_local_leave,
		.disable_igmp = cb_disable,
		.enable_igmp = cb_enable,
	};
}

uint32_t fake_proto_register(struct fake_proto *fp, struct fake_dp *fd,
			     struct mgm *m, const char *name,
			     uint32_t protocol_id, uint32_t component_id)
{
	struct mgm_protocol_config cfg;

	memset(fp, 0, sizeof(*fp));
	fp->fd = fd;
	fp->m = m;
	fp->name = name;
	fp->protocol_id = protocol_id;
	fp->component_id = component_id;
	cfg = fake_proto_config(fp);
	return mgm_register_protocol(m, &cfg, protocol_id, component_id,
				     &fp->h);
}

void fake_dp_set_max_mfes(struct fake_dp *fd, size_t max)
{
	pthread_mutex_lock(&fd->lock);
	fd->max_mfes = max;
	pthread_mutex_unlock(&fd->lock);
}
