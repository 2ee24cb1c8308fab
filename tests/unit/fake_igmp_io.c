// SPDX-License-Identifier: GPL-2.0
/*
 * fake_igmp_io.c - the IGMP router on a fake clock and a fake wire (see
 * fake_igmp_io.h).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>

#include "fake_igmp_io.h"
#include "proto/mld_pkt.h"

#define NS_MS 1000000ULL

static int fi_sendfn(void *ctx, uint32_t ifindex, uint32_t dst,
		     const void *igmp, size_t len)
{
	struct fake_igmp *f = ctx;
	struct fi_tx *t;

	if (f->send_err)
		return f->send_err;
	if (f->ntx == f->captx) {
		size_t nc = f->captx ? f->captx * 2 : 64;
		struct fi_tx *nv = realloc(f->tx, nc * sizeof(*nv));

		if (!nv)
			abort();
		f->tx = nv;
		f->captx = nc;
	}
	t = &f->tx[f->ntx++];
	t->v6 = false;
	t->ifindex = ifindex;
	t->dst = dst;
	t->at = f->now;
	t->len = len < FI_TX_MAX ? len : FI_TX_MAX;
	memcpy(t->buf, igmp, t->len);
	return 0;
}

static int fi_send6fn(void *ctx, uint32_t ifindex, const void *ip6, size_t len)
{
	struct fake_igmp *f = ctx;
	int err = fi_sendfn(ctx, ifindex, 0, ip6, len);

	if (!err)
		f->tx[f->ntx - 1].v6 = true;
	return err;
}

static bool fi_addr6fn(void *ctx, uint32_t ifindex, uint8_t ll[16])
{
	struct fake_igmp *f = ctx;
	static const uint8_t zero[16];

	if (ifindex >= FI_MAX_IF || !memcmp(f->if_ll[ifindex], zero, 16))
		return false;
	memcpy(ll, f->if_ll[ifindex], 16);
	return true;
}

static uint32_t fi_addrfn(void *ctx, uint32_t ifindex)
{
	struct fake_igmp *f = ctx;

	return ifindex < FI_MAX_IF ? f->if_addr[ifindex] : 0;
}

static uint64_t fi_nowfn(void *ctx)
{
	return ((struct fake_igmp *)ctx)->now;
}

static void fi_logfn(void *ctx, int level, const char *msg)
{
	struct fake_igmp *f = ctx;

	(void)level;
	__atomic_add_fetch(&f->n_logged, 1, __ATOMIC_RELAXED);
	if (getenv("V"))
		fprintf(stderr, "igmp log: %s\n", msg);
}

static void fi_eventfn(void *ctx, const struct igmp_event *ev)
{
	static const char *const names[] = {
		[IGMP_EV_MGM_ADD] = "add",     [IGMP_EV_MGM_DEL] = "del",
		[IGMP_EV_FWD_ADD] = "fwd-add", [IGMP_EV_FWD_DEL] = "fwd-del",
		[IGMP_EV_BLOCK] = "block",
	};
	struct fake_igmp *f = ctx;
	char sa[INET6_ADDRSTRLEN], ga[INET6_ADDRSTRLEN];

	/* Atomic: events also come from other threads (handoff storms). */
	if ((size_t)ev->kind < 16)
		__atomic_add_fetch(&f->n_events[ev->kind], 1, __ATOMIC_RELAXED);
	switch (ev->kind) {
	case IGMP_EV_MGM_ADD:
	case IGMP_EV_MGM_DEL:
	case IGMP_EV_FWD_ADD:
	case IGMP_EV_FWD_DEL:
		if (ev->result == MGM_ERROR_CAN_NOT_COMPLETE)
			__atomic_add_fetch(&f->n_refused, 1, __ATOMIC_RELAXED);
		/*
		 * A delete of what MGM no longer holds is done (settle() in
		 * igmp_mgm.c): during a handoff MGM drops IGMP's memberships
		 * itself, and a delete racing with that finds nothing.
		 */
		if (ev->result && !(ev->result == MGM_ERROR_NOT_FOUND &&
				    (ev->kind == IGMP_EV_MGM_DEL ||
				     ev->kind == IGMP_EV_FWD_DEL)))
			__atomic_add_fetch(&f->n_mgm_failed, 1,
					   __ATOMIC_RELAXED);
		if (ev->family == MGM_AF_INET6) {
			/* "mld add *,ff3e::1 if=1 NO_ERROR" */
			if (mgm_addr_is_unspec(&ev->source_x))
				strcpy(sa, "*");
			else
				inet_ntop(AF_INET6, ev->source_x.v6, sa,
					  sizeof(sa));
			inet_ntop(AF_INET6, ev->group_x.v6, ga, sizeof(ga));
			fake_log(f->fd, "mld %s%s %s,%s if=%u %s",
				 ev->readd ? "re-" : "", names[ev->kind], sa,
				 ga, ev->ifindex, mgm_strerror(ev->result));
			break;
		}
		fake_log(f->fd, "igmp %s%s %s,%s if=%u %s",
			 ev->readd ? "re-" : "", names[ev->kind],
			 fake_addr(sa, ev->source, ev->source ? ~0U : 0),
			 fake_addr(ga, ev->group, ~0U), ev->ifindex,
			 mgm_strerror(ev->result));
		break;
	case IGMP_EV_BLOCK:
		if (ev->family == MGM_AF_INET6) {
			inet_ntop(AF_INET6, ev->source_x.v6, sa, sizeof(sa));
			inet_ntop(AF_INET6, ev->group_x.v6, ga, sizeof(ga));
			fake_log(f->fd, "mld block %s,%s if=%u", sa, ga,
				 ev->ifindex);
			break;
		}
		fake_log(f->fd, "igmp block %s,%s if=%u",
			 fake_addr(sa, ev->source, ~0U),
			 fake_addr(ga, ev->group, ~0U), ev->ifindex);
		break;
	case IGMP_EV_DISABLE:
		fake_log(f->fd, "igmp disable_igmp if=%u", ev->ifindex);
		break;
	case IGMP_EV_ENABLE:
		fake_log(f->fd, "igmp enable_igmp if=%u", ev->ifindex);
		break;
	default:
		break;
	}
}

struct igmp_opts fi_opts(void)
{
	return (struct igmp_opts){
		.robustness = 2,
		.query_interval_ms = 10000,
		.query_response_interval_ms = 2000,
		.last_member_query_interval_ms = 1000,
	};
}

int fi_init(struct fake_igmp *f, const struct igmp_opts *o)
{
	struct igmp_opts opts = o ? *o : fi_opts();
	struct igmp_io io = {
		.send = fi_sendfn,
		.if_addr = fi_addrfn,
		.now_ns = fi_nowfn,
		.ctx = f,
		.send6 = fi_send6fn,
		.if_addr6 = fi_addr6fn,
	};
	uint32_t i;
	int err;

	memset(f, 0, sizeof(*f));
	f->now = 1000 * 1000 * NS_MS; /* 1000 s: 0 means "off" in places */
	for (i = 1; i < FI_MAX_IF; i++) {
		f->if_addr[i] = htonl(0x0a000000U | i << 8 | 1); /* 10.0.i.1 */
		/* fe80::<i>:100 */
		f->if_ll[i][0] = 0xfe;
		f->if_ll[i][1] = 0x80;
		f->if_ll[i][13] = (uint8_t)i;
		f->if_ll[i][14] = 0x01;
	}
	f->fd = fake_dp_new();
	f->m = fake_mgm_new(f->fd, 0);
	if (!f->m)
		return -ENOMEM;
	fake_dp_set_quiet(f->fd, true);
	opts.log = fi_logfn;
	opts.event = fi_eventfn;
	opts.ctx = f;
	err = igmp_create(f->m, &io, &opts, &f->g);
	return err;
}

void fi_fini(struct fake_igmp *f)
{
	igmp_destroy(f->g);
	mgm_destroy(f->m);
	fake_dp_free(f->fd);
	free(f->tx);
	memset(f, 0, sizeof(*f));
}

void fi_settle(struct fake_igmp *f)
{
	int n = 0;

	while (igmp_timeout_ms(f->g) == 0) {
		igmp_tick(f->g);
		if (++n > 100000) {
			fprintf(stderr, "igmp_timeout_ms() stays 0\n");
			abort();
		}
	}
}

void fi_advance(struct fake_igmp *f, uint64_t ms)
{
	uint64_t end = f->now + ms * NS_MS;
	int t;

	fi_settle(f);
	for (;;) {
		t = igmp_timeout_ms(f->g);
		if (t < 0 || f->now + (uint64_t)t * NS_MS > end)
			break;
		f->now += (uint64_t)t * NS_MS;
		fi_settle(f);
	}
	f->now = end;
	fi_settle(f);
}

/* ---- packets --------------------------------------------------------- */

void fi_igmp_csum(uint8_t *igmp, size_t len)
{
	uint32_t sum = 0;
	size_t i;

	igmp[2] = igmp[3] = 0;
	for (i = 0; i + 1 < len; i += 2)
		sum += (uint32_t)igmp[i] << 8 | igmp[i + 1];
	if (len & 1)
		sum += (uint32_t)igmp[len - 1] << 8;
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	sum = ~sum & 0xffff;
	igmp[2] = (uint8_t)(sum >> 8);
	igmp[3] = (uint8_t)sum;
}

size_t fi_ip(uint8_t *out, uint32_t src, uint32_t dst, uint8_t ttl, bool ra,
	     const uint8_t *igmp, size_t len)
{
	size_t ihl = ra ? 24 : 20, tot = ihl + len;
	uint32_t sum = 0;
	size_t i;

	memset(out, 0, ihl);
	out[0] = (uint8_t)(0x40 | ihl / 4);
	out[1] = 0xc0;
	out[2] = (uint8_t)(tot >> 8);
	out[3] = (uint8_t)tot;
	out[8] = ttl;
	out[9] = 2;
	memcpy(out + 12, &src, 4);
	memcpy(out + 16, &dst, 4);
	if (ra) {
		out[20] = 148;
		out[21] = 4;
	}
	for (i = 0; i < ihl; i += 2)
		sum += (uint32_t)out[i] << 8 | out[i + 1];
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	sum = ~sum & 0xffff;
	out[10] = (uint8_t)(sum >> 8);
	out[11] = (uint8_t)sum;
	memcpy(out + ihl, igmp, len);
	return tot;
}

size_t fi_v3_report(uint8_t *out, const struct fi_rec *recs, int nrec)
{
	size_t off = 8;
	int r;
	uint32_t k;

	memset(out, 0, 8);
	out[0] = 0x22;
	out[6] = (uint8_t)(nrec >> 8);
	out[7] = (uint8_t)nrec;
	for (r = 0; r < nrec; r++) {
		out[off] = recs[r].type;
		out[off + 1] = 0;
		out[off + 2] = (uint8_t)(recs[r].nsrc >> 8);
		out[off + 3] = (uint8_t)recs[r].nsrc;
		memcpy(out + off + 4, &recs[r].group, 4);
		off += 8;
		for (k = 0; k < recs[r].nsrc; k++, off += 4)
			memcpy(out + off, &recs[r].src[k], 4);
	}
	fi_igmp_csum(out, off);
	return off;
}

void fi_send_v12(struct fake_igmp *f, uint32_t ifindex, uint32_t src,
		 uint8_t type, uint32_t group)
{
	uint8_t igmp[8] = { type }, pkt[64];
	uint32_t dst = type == 0x17 ? htonl(0xe0000002U) : group;
	size_t n;

	memcpy(igmp + 4, &group, 4);
	fi_igmp_csum(igmp, 8);
	n = fi_ip(pkt, src, dst, 1, type != 0x12, igmp, 8);
	igmp_input(f->g, ifindex, pkt, n);
}

static struct in6_addr in6(const char *s)
{
	struct in6_addr a;

	memset(&a, 0, sizeof(a));
	if (inet_pton(AF_INET6, s, &a) != 1)
		memset(&a, 0, sizeof(a));
	return a;
}

/* Space-separated addresses of one family (size: 4 or 16 bytes each)
 * into v, at most max; a bad one is the unspecified address. */
static uint32_t parse_addrs(const char *s, void *v, size_t size, uint32_t max)
{
	char buf[2048], *tok, *save = NULL;
	uint32_t n = 0, a4;
	struct in6_addr a6;

	snprintf(buf, sizeof(buf), "%s", s ? s : "");
	for (tok = strtok_r(buf, " ", &save); tok && n < max;
	     tok = strtok_r(NULL, " ", &save)) {
		uint8_t *at = (uint8_t *)v + size * n++;

		if (size == 4) {
			a4 = A(tok);
			memcpy(at, &a4, 4);
		} else {
			a6 = in6(tok);
			memcpy(at, &a6, 16);
		}
	}
	return n;
}

static uint32_t parse_list(const char *s, uint32_t *v, uint32_t max)
{
	return parse_addrs(s, v, sizeof(*v), max);
}

void fi_send_v3(struct fake_igmp *f, uint32_t ifindex, uint32_t src,
		uint8_t rtype, uint32_t group, const char *sources)
{
	struct fi_rec r = { .type = rtype, .group = group };
	uint8_t igmp[256], pkt[300];
	size_t n;

	r.nsrc = parse_list(sources, r.src, 16);
	n = fi_v3_report(igmp, &r, 1);
	n = fi_ip(pkt, src, htonl(0xe0000016U), 1, true, igmp, n);
	igmp_input(f->g, ifindex, pkt, n);
}

void fi_send_query(struct fake_igmp *f, uint32_t ifindex, uint32_t src,
		   int version, uint32_t group, uint8_t max_resp, bool s_flag,
		   uint8_t qrv, uint8_t qqic, const char *sources)
{
	uint8_t igmp[128] = { 0x11, max_resp }, pkt[200];
	uint32_t srcs[16], ns = 0, k;
	size_t len = 8, n;

	memcpy(igmp + 4, &group, 4);
	if (version == 3) {
		ns = parse_list(sources, srcs, 16);
		igmp[8] = (uint8_t)((s_flag ? 8 : 0) | (qrv & 7));
		igmp[9] = qqic;
		igmp[11] = (uint8_t)ns;
		for (k = 0; k < ns; k++)
			memcpy(igmp + 12 + 4 * k, &srcs[k], 4);
		len = 12 + 4 * ns;
	}
	fi_igmp_csum(igmp, len);
	n = fi_ip(pkt, src, group ? group : htonl(0xe0000001U), 1, true, igmp,
		  len);
	igmp_input(f->g, ifindex, pkt, n);
}

/* ---- what went out --------------------------------------------------- */

static uint32_t decode(uint8_t c)
{
	if (c < 128)
		return c;
	return (uint32_t)((c & 0x0f) | 0x10) << (((c >> 4) & 7) + 3);
}

bool fi_parse_tx(const struct fi_tx *t, struct fi_query *q)
{
	const uint8_t *b = t->buf;
	uint32_t sum = 0, k;
	size_t i;

	memset(q, 0, sizeof(*q));
	if (t->len < 8 || b[0] != 0x11)
		return false;
	for (i = 0; i + 1 < t->len; i += 2)
		sum += (uint32_t)b[i] << 8 | b[i + 1];
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	if (sum != 0xffff)
		return false;
	q->dst = t->dst;
	memcpy(&q->group, b + 4, 4);
	if (t->len == 8) {
		q->version = 2;
		q->max_resp = b[1];
		return true;
	}
	if (t->len < 12)
		return false;
	q->version = 3;
	q->max_resp = decode(b[1]);
	q->s_flag = b[8] & 8;
	q->qrv = b[8] & 7;
	q->qqi = decode(b[9]);
	q->nsrc = (uint32_t)(b[10] << 8 | b[11]);
	if (12 + 4 * (size_t)q->nsrc != t->len || q->nsrc > 256)
		return false;
	for (k = 0; k < q->nsrc; k++)
		memcpy(&q->src[k], b + 12 + 4 * k, 4);
	return true;
}

/* A query's kind: 'G' general, 'g' group-specific, 's' group-and-
 * source-specific; 0 if t is not a query of that family. */
static char tx_kind(const struct fi_tx *t, bool v6)
{
	struct fi_query6 q6;
	struct fi_query q;

	if (v6)
		return !fi_parse_tx6(t, &q6)	     ? 0 :
		       mgm_addr_is_unspec(&q6.group) ? 'G' :
		       q6.nsrc			     ? 's' :
						       'g';
	return !fi_parse_tx(t, &q) ? 0 : !q.group ? 'G' : q.nsrc ? 's' : 'g';
}

static size_t count_tx(struct fake_igmp *f, uint32_t ifindex, char kind,
		       bool v6)
{
	size_t i, n = 0;

	for (i = 0; i < f->ntx; i++)
		if (!ifindex || f->tx[i].ifindex == ifindex)
			n += kind && tx_kind(&f->tx[i], v6) == kind;
	return n;
}

size_t fi_count_tx(struct fake_igmp *f, uint32_t ifindex, char kind)
{
	return count_tx(f, ifindex, kind, false);
}

void fi_tx_clear(struct fake_igmp *f)
{
	f->ntx = 0;
}

/* ---- state ----------------------------------------------------------- */

struct mbuf {
	char s[2048];
};

static int memb_fn(void *arg, const struct mgm_membership_info *i)
{
	struct mbuf *b = arg;
	char sa[INET6_ADDRSTRLEN], ga[INET6_ADDRSTRLEN], one[120];

	if (i->protocol_id != MGM_MS_IP_IGMP)
		return 0;
	if (i->xgroup.family == MGM_AF_INET6) {
		/* "1:*,ff0e::1:1 1:2001:db8::1,ff3e::1" */
		if (mgm_addr_is_unspec(&i->xsource))
			strcpy(sa, "*");
		else
			inet_ntop(AF_INET6, i->xsource.v6, sa, sizeof(sa));
		inet_ntop(AF_INET6, i->xgroup.v6, ga, sizeof(ga));
		snprintf(one, sizeof(one), "%s%u:%s,%s", b->s[0] ? " " : "",
			 i->ifindex, sa, ga);
		strncat(b->s, one, sizeof(b->s) - strlen(b->s) - 1);
		return 0;
	}
	snprintf(one, sizeof(one), "%s%u:%s,%s", b->s[0] ? " " : "", i->ifindex,
		 fake_addr(sa, i->source, i->source_mask),
		 fake_addr(ga, i->group, i->group_mask));
	strncat(b->s, one, sizeof(b->s) - strlen(b->s) - 1);
	return 0;
}

const char *fi_members(struct fake_igmp *f)
{
	static struct mbuf b;

	b.s[0] = 0;
	mgm_foreach_membership(f->m, memb_fn, &b);
	return b.s;
}

/*
 * Groups and interfaces of either family, as igmp_foreach_* show them:
 * the IPv4 accessors (fi_group, fi_state, ...) and the IPv6 ones (fi_*6,
 * addresses in text) are thin wrappers around these.
 */
struct grp_find {
	struct mgm_addr group;
	bool found;
	struct igmp_group_info info;
	struct igmp_source_info src[64];
};

static int grp_fn(void *arg, const struct igmp_group_info *i)
{
	struct grp_find *gf = arg;
	uint32_t k;

	if (i->family != gf->group.family ||
	    !mgm_addr_eq(&i->group_x, &gf->group))
		return 0;
	gf->found = true;
	gf->info = *i;
	for (k = 0; k < i->n_sources && k < 64; k++)
		gf->src[k] = i->sources[k];
	gf->info.sources = gf->src;
	if (gf->info.n_sources > 64)
		gf->info.n_sources = 64;
	return 1;
}

static bool find_group(struct fake_igmp *f, uint32_t ifindex,
		       struct mgm_addr group, struct grp_find *gf)
{
	memset(gf, 0, sizeof(*gf));
	gf->group = group;
	igmp_foreach_group(f->g, ifindex, grp_fn, gf);
	return gf->found;
}

static bool group_of(struct fake_igmp *f, uint32_t ifindex,
		     struct mgm_addr group, struct igmp_group_info *out)
{
	static struct grp_find gf;

	if (!find_group(f, ifindex, group, &gf))
		return false;
	*out = gf.info;
	return true;
}

static void add_list(char *s, size_t cap, const struct grp_find *gf,
		     bool running)
{
	char a[MGM_ADDRSTRLEN];
	bool first = true;
	uint32_t k;

	strncat(s, "{", cap - strlen(s) - 1);
	for (k = 0; k < gf->info.n_sources; k++) {
		if ((gf->src[k].timer_ms != 0) != running)
			continue;
		if (!first)
			strncat(s, ",", cap - strlen(s) - 1);
		first = false;
		mgm_addr_ntop(&gf->src[k].addr_x, a, sizeof(a));
		strncat(s, a, cap - strlen(s) - 1);
	}
	strncat(s, "}", cap - strlen(s) - 1);
}

static const char *state_of(struct fake_igmp *f, uint32_t ifindex,
			    struct mgm_addr group)
{
	static char s[2048];
	static struct grp_find gf;

	if (!find_group(f, ifindex, group, &gf))
		return "-";
	snprintf(s, sizeof(s), "%s",
		 gf.info.mode == IGMP_EXCLUDE ? "EX" : "IN");
	add_list(s, sizeof(s), &gf, true);
	if (gf.info.mode == IGMP_EXCLUDE)
		add_list(s, sizeof(s), &gf, false);
	return s;
}

static long src_timer_of(struct fake_igmp *f, uint32_t ifindex,
			 struct mgm_addr group, struct mgm_addr source)
{
	static struct grp_find gf;
	uint32_t k;

	if (!find_group(f, ifindex, group, &gf))
		return -1;
	for (k = 0; k < gf.info.n_sources; k++)
		if (mgm_addr_eq(&gf.src[k].addr_x, &source))
			return gf.src[k].timer_ms;
	return -1;
}

struct if_find {
	uint32_t ifindex;
	uint16_t family;
	bool found;
	struct igmp_if_info info;
};

static int if_fn(void *arg, const struct igmp_if_info *i)
{
	struct if_find *x = arg;

	if (i->ifindex != x->ifindex || i->family != x->family)
		return 0;
	x->found = true;
	x->info = *i;
	return 1;
}

static bool if_of(struct fake_igmp *f, uint32_t ifindex, uint16_t family,
		  struct igmp_if_info *out)
{
	struct if_find x = { .ifindex = ifindex, .family = family };

	igmp_foreach_if(f->g, if_fn, &x);
	if (x.found)
		*out = x.info;
	return x.found;
}

bool fi_group(struct fake_igmp *f, uint32_t ifindex, uint32_t group,
	      struct igmp_group_info *out)
{
	return group_of(f, ifindex, mgm_addr4(group), out);
}

const char *fi_state(struct fake_igmp *f, uint32_t ifindex, uint32_t group)
{
	return state_of(f, ifindex, mgm_addr4(group));
}

long fi_src_timer(struct fake_igmp *f, uint32_t ifindex, uint32_t group,
		  uint32_t source)
{
	return src_timer_of(f, ifindex, mgm_addr4(group), mgm_addr4(source));
}

bool fi_if(struct fake_igmp *f, uint32_t ifindex, struct igmp_if_info *out)
{
	return if_of(f, ifindex, MGM_AF_INET, out);
}

/* ---- MLD ------------------------------------------------------------- */

static uint32_t parse_list6(const char *s, struct in6_addr *v, uint32_t max)
{
	return parse_addrs(s, v, sizeof(*v), max);
}

void fi_input(struct fake_igmp *f, uint32_t ifindex, const uint8_t *p, size_t n)
{
	igmp_input(f->g, ifindex, p, n);
}

size_t fi_mld_v1_pkt(uint8_t *out, const char *src, uint8_t type,
		     const char *group)
{
	struct in6_addr s = in6(src), g = in6(group);

	return mld_build_v1(out, 1500, type, &s, &g);
}

size_t fi_mld_v2_pkt(uint8_t *out, const char *src, uint8_t rtype,
		     const char *group, const char *sources)
{
	struct in6_addr s = in6(src), v[64];
	struct mld_rec_fields r = { .type = rtype, .group = in6(group) };

	r.nsrc = (uint16_t)parse_list6(sources, v, 64);
	r.srcs = v;
	return mld_build_v2_report(out, 1500 + 64 * 16, &s, &r, 1);
}

void fi_mld_v1(struct fake_igmp *f, uint32_t ifindex, const char *src,
	       uint8_t type, const char *group)
{
	uint8_t pkt[1500];
	size_t n = fi_mld_v1_pkt(pkt, src, type, group);

	if (!n)
		abort();
	igmp_input(f->g, ifindex, pkt, n);
}

void fi_mld_v2(struct fake_igmp *f, uint32_t ifindex, const char *src,
	       uint8_t rtype, const char *group, const char *sources)
{
	uint8_t pkt[1500 + 64 * 16];
	size_t n = fi_mld_v2_pkt(pkt, src, rtype, group, sources);

	if (!n)
		abort();
	igmp_input(f->g, ifindex, pkt, n);
}

void fi_mld_query(struct fake_igmp *f, uint32_t ifindex, const char *src,
		  int version, const char *group, uint32_t max_resp_ms,
		  bool s_flag, uint8_t qrv, uint32_t qqi_s, const char *sources)
{
	struct in6_addr v[MLD_QUERY_MAX_SOURCES];
	struct mld_query_fields q = {
		.version = version,
		.src = in6(src),
		.group = in6(group),
		.max_resp_ms = max_resp_ms,
		.s_flag = s_flag,
		.qrv = qrv,
		.qqi_s = qqi_s,
		.srcs = v,
	};
	uint8_t pkt[MLD_QUERY_MAX_LEN];
	size_t n;

	q.nsrc = parse_list6(sources, v, MLD_QUERY_MAX_SOURCES);
	n = mld_build_query(pkt, sizeof(pkt), &q);
	if (!n)
		abort();
	igmp_input(f->g, ifindex, pkt, n);
}

bool fi_parse_tx6(const struct fi_tx *t, struct fi_query6 *q)
{
	struct mld_msg m;
	uint32_t k;

	memset(q, 0, sizeof(*q));
	if (!t->v6 || mld_pkt_parse(t->buf, t->len, &m) != MLD_RX_OK ||
	    m.type != MLD_QUERY)
		return false;
	q->version = m.version;
	q->src = mgm_addr6(&m.src);
	q->dst = mgm_addr6(&m.dst);
	q->group = mgm_addr6(&m.group);
	q->max_resp_ms = m.max_resp_ms;
	q->s_flag = m.s_flag;
	q->qrv = m.qrv;
	q->qqi_s = m.qqi_s;
	q->nsrc = m.nsrc;
	for (k = 0; k < m.nsrc && k < 80; k++)
		q->srcs[k] = mgm_addr6(m.srcs + 16 * k);
	return true;
}

size_t fi_count_tx6(struct fake_igmp *f, uint32_t ifindex, char kind)
{
	return count_tx(f, ifindex, kind, true);
}

bool fi_group6(struct fake_igmp *f, uint32_t ifindex, const char *group,
	       struct igmp_group_info *out)
{
	return group_of(f, ifindex, A6(group), out);
}

const char *fi_state6(struct fake_igmp *f, uint32_t ifindex, const char *group)
{
	return state_of(f, ifindex, A6(group));
}

long fi_src_timer6(struct fake_igmp *f, uint32_t ifindex, const char *group,
		   const char *source)
{
	return src_timer_of(f, ifindex, A6(group), A6(source));
}

bool fi_if6(struct fake_igmp *f, uint32_t ifindex, struct igmp_if_info *out)
{
	return if_of(f, ifindex, MGM_AF_INET6, out);
}
