// SPDX-License-Identifier: GPL-2.0
/*
 * offline.c - "show mfe" and "show stats" without mgmd.
 *
 * show mfe streams (offline_mfe_pages): a page of JSON at a time, in the
 * map's order, so that a table of a million entries costs no more memory
 * than a page.
 *
 * The fast path keeps forwarding when mgmd stops with --keep-forwarding
 * (or dies): its maps stay pinned and are the truth about what is being
 * forwarded.  These functions read them read-only through the datapath
 * layer (mgm_dp_open with .readonly: no program loaded, nothing created
 * or changed) and build the daemon's JSON shapes, so that scripts read
 * both the same way.  What only the daemon knows (MFE uptime, expiry,
 * timeout, upstream neighbour and protocol; the controller's counters)
 * is null.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dp/dp.h"
#include "mgm/mgm_ipc_proto.h"
#include "mgmctl.h"

static int open_maps(struct mgm_dp **dp, char *err, size_t len)
{
	struct mgm_dp_opts o = { .pin_root = opts.pin_root, .readonly = true };
	int ret = mgm_dp_open(&o, dp);

	if (ret)
		snprintf(err, len,
			 "cannot read the fast path's maps under %s: %s",
			 opts.pin_root, strerror(-ret));
	return ret;
}

/* As mgmd names them: "*" for 0 (any source). */
static json_object *jaddr(uint32_t a)
{
	char buf[INET_ADDRSTRLEN];

	if (!a)
		return json_object_new_string("*");
	return json_object_new_string(inet_ntop(AF_INET, &a, buf, sizeof(buf)));
}

/* As mgmd names them: the name, or "ifN" when it has none (any more). */
static json_object *jif(uint32_t ifindex)
{
	char buf[IF_NAMESIZE];

	if (!if_indextoname(ifindex, buf))
		snprintf(buf, sizeof(buf), "if%u", ifindex);
	return json_object_new_string(buf);
}

#define ADD(o, k, v) json_object_object_add(o, k, v)
#define INT(v) json_object_new_int64((int64_t)(v))

/*
 * What show stats needs from the MFE map, in one pass and bounded memory:
 * the number of entries and the distinct out-set slots in use (a bitmap
 * as large as the highest slot, not a copy of the map).
 */
struct mfe_census {
	size_t n;
	uint8_t *bits;
	size_t nbytes;
	uint32_t osets;
};

static int census_one(void *arg, const struct mgm_dp_mfe_info *e)
{
	struct mfe_census *c = arg;
	size_t byte = e->oset_slot / 8;

	c->n++;
	if (e->negative)
		return 0;
	if (byte >= c->nbytes) {
		size_t nb = byte + 1 > 2 * c->nbytes ? byte + 1 : 2 * c->nbytes;
		uint8_t *p = realloc(c->bits, nb);

		if (!p)
			return -ENOMEM;
		memset(p + c->nbytes, 0, nb - c->nbytes);
		c->bits = p;
		c->nbytes = nb;
	}
	if (!(c->bits[byte] & (1U << (e->oset_slot % 8)))) {
		c->bits[byte] |= 1U << (e->oset_slot % 8);
		c->osets++;
	}
	return 0;
}

static int census_one6(void *arg, const struct mgm_dp_mfe6_info *e)
{
	struct mgm_dp_mfe_info v4 = { .negative = e->negative,
				      .oset_slot = e->oset_slot };

	return census_one(arg, &v4);
}

/* ---- show mfe [filters], streamed --------------------------------------- */

/* A filter's interface: its name, or "ifN" (as listed once it is gone). */
static uint32_t ifindex_of(const char *name)
{
	unsigned int i;
	char end;

	if (sscanf(name, "if%u%c", &i, &end) == 1 && i)
		return i;
	return if_nametoindex(name);
}

int mfe_filter_parse(int argc, char **argv, struct mfe_filter *f, char *err,
		     size_t len)
{
	unsigned long long v;
	struct in6_addr a6;
	struct in_addr a;
	char *end;
	int i;

	memset(f, 0, sizeof(*f));
	for (i = 0; i < argc; i += 2) {
		const char *k = argv[i],
			   *val = i + 1 < argc ? argv[i + 1] : NULL;
		bool known = !strcmp(k, "group") || !strcmp(k, "source") ||
			     !strcmp(k, "interface") || !strcmp(k, "limit");

		if (!known) {
			snprintf(err, len, "unexpected '%s'", k);
			return -EINVAL;
		}
		if (!val) {
			snprintf(err, len, "'%s' needs a value", k);
			return -EINVAL;
		}
		if (!strcmp(k, "group") && inet_pton(AF_INET6, val, &a6) == 1 &&
		    a6.s6_addr[0] == 0xff) {
			f->ipv6 = true; /* ff00::/8 */
			f->group6 = a6;
		} else if (!strcmp(k, "source") &&
			   inet_pton(AF_INET6, val, &a6) == 1 &&
			   !IN6_IS_ADDR_UNSPECIFIED(&a6) &&
			   a6.s6_addr[0] != 0xff) {
			f->ipv6 = true;
			f->source6 = a6;
		} else if (!strcmp(k, "group")) {
			if (inet_pton(AF_INET, val, &a) != 1 ||
			    (ntohl(a.s_addr) >> 28) != 0xe) {
				snprintf(err, len,
					 "'group' needs a multicast group, "
					 "not '%s'",
					 val);
				return -EINVAL;
			}
			f->group = a.s_addr;
		} else if (!strcmp(k, "source")) {
			if (inet_pton(AF_INET, val, &a) != 1 || !a.s_addr) {
				snprintf(err, len,
					 "'source' needs a unicast source "
					 "address, not '%s'",
					 val);
				return -EINVAL;
			}
			f->source = a.s_addr;
		} else if (!strcmp(k, "interface")) {
			/* Checked by mgmd, or here when reading the maps. */
			f->ifname = val;
		} else {
			errno = 0;
			v = strtoull(val, &end, 10);
			if (*val == '-' || errno || *end || !v) {
				snprintf(err, len,
					 "'limit' needs a count > 0, not '%s'",
					 val);
				return -EINVAL;
			}
			f->limit = v;
		}
	}
	return 0;
}

#define OFFLINE_PAGE 256

struct walk {
	const struct mfe_filter *f;
	uint32_t ifindex;
	uint64_t n;
	json_object *page;
};

static void flush_page(struct walk *w)
{
	if (json_object_array_length(w->page))
		page_value(VIEW_MFE, w->page);
	json_object_put(w->page);
	w->page = json_object_new_array();
}

static bool match(const struct walk *w, const struct mgm_dp_mfe_info *e)
{
	uint32_t k;

	if (w->f->ipv6 || (w->f->group && e->group != w->f->group) ||
	    (w->f->source && e->source != w->f->source))
		return false;
	if (!w->ifindex || e->iif == w->ifindex)
		return true;
	for (k = 0; k < e->n_oifs; k++)
		if (e->oifs[k] == w->ifindex)
			return true;
	return false;
}

/* One entry into the page; 1 once the limit is reached (stops the walk). */
static int walk_add(struct walk *w, json_object *src, json_object *grp,
		    const char *family, uint32_t iif, const uint32_t *oifv,
		    uint32_t n_oifs, const struct mgm_dp_mfe_counters *c)
{
	json_object *o, *oifs;
	uint32_t k;

	o = json_object_new_object();
	ADD(o, "source", src);
	ADD(o, "group", grp);
	/* The pinned table's family (mgmd's JSON names it too). */
	ADD(o, "family", json_object_new_string(family));
	ADD(o, "iif", jif(iif));
	oifs = json_object_new_array();
	for (k = 0; k < n_oifs; k++)
		json_object_array_add(oifs, jif(oifv[k]));
	ADD(o, "oifs", oifs);
	ADD(o, "packets", INT(c->packets));
	ADD(o, "bytes", INT(c->bytes));
	ADD(o, "wrong_if", INT(c->wrong_if));
	ADD(o, "kernel_passes", INT(c->kernel_passes));
	/* The controller's knowledge: gone with the controller. */
	ADD(o, "uptime", NULL);
	ADD(o, "expires", NULL);
	ADD(o, "timeout", NULL);
	ADD(o, "upstream", NULL);
	ADD(o, "protocol", NULL);
	ADD(o, "origin", NULL);
	json_object_array_add(w->page, o);
	if (json_object_array_length(w->page) == OFFLINE_PAGE)
		flush_page(w);
	/* 1: the limit is reached, stop the walk (not an error). */
	return w->f->limit && ++w->n >= w->f->limit;
}

static int walk_one(void *arg, const struct mgm_dp_mfe_info *e)
{
	struct walk *w = arg;

	if (!match(w, e))
		return 0;
	return walk_add(w, jaddr(e->source), jaddr(e->group), "ipv4", e->iif,
			e->oifs, e->n_oifs, &e->counters);
}

/* An IPv6 entry of the pinned IPv6 table, as walk_one() an IPv4 one. */
static bool match6(const struct walk *w, const struct mgm_dp_mfe6_info *e)
{
	static const struct in6_addr any;
	uint32_t k;

	if ((w->f->group || w->f->source) ||
	    (memcmp(&w->f->group6, &any, 16) &&
	     memcmp(&w->f->group6, &e->group, 16)) ||
	    (memcmp(&w->f->source6, &any, 16) &&
	     memcmp(&w->f->source6, &e->source, 16)))
		return false;
	if (!w->ifindex || e->iif == w->ifindex)
		return true;
	for (k = 0; k < e->n_oifs; k++)
		if (e->oifs[k] == w->ifindex)
			return true;
	return false;
}

static int walk_one6(void *arg, const struct mgm_dp_mfe6_info *e)
{
	char s[INET6_ADDRSTRLEN], g[INET6_ADDRSTRLEN];
	struct walk *w = arg;

	if (!match6(w, e))
		return 0;
	inet_ntop(AF_INET6, &e->source, s, sizeof(s));
	inet_ntop(AF_INET6, &e->group, g, sizeof(g));
	return walk_add(w, json_object_new_string(s), json_object_new_string(g),
			"ipv6", e->iif, e->oifs, e->n_oifs, &e->counters);
}

int offline_mfe_open(struct mgm_dp **dp, char *err, size_t len)
{
	return open_maps(dp, err, len);
}

/*
 * The entries as they are read, a page at a time: memory stays bounded
 * whatever the map holds (one page of JSON), which is why they come in
 * the map's (hash) order, not mgmd's (group, source) one.
 */
int offline_mfe_pages(struct mgm_dp *dp, const struct mfe_filter *f, char *err,
		      size_t len)
{
	struct walk w = { .f = f };
	int ret;

	if (f->ifname) {
		w.ifindex = ifindex_of(f->ifname);
		if (!w.ifindex) {
			mgm_dp_close(dp);
			snprintf(err, len, "unknown interface '%s'", f->ifname);
			return -ENODEV;
		}
	}
	w.page = json_object_new_array();
	ret = mgm_dp_mfe_foreach(dp, walk_one, &w);
	/* Then the IPv6 table, unless the limit was reached. */
	if (!ret && !(f->limit && w.n >= f->limit))
		ret = mgm_dp_mfe6_foreach(dp, walk_one6, &w);
	mgm_dp_close(dp);
	flush_page(&w);
	json_object_put(w.page);
	if (ret < 0) {
		snprintf(err, len, "reading %s/mgm_mfe: %s", opts.pin_root,
			 strerror(-ret));
		return ret;
	}
	return 0;
}

int offline_stats(json_object **out, char *err, size_t len)
{
	struct mfe_census l = { 0 };
	struct mgm_counters cnt;
	const __u64 *v = (const __u64 *)&cnt;
	json_object *o, *fp, *ctl;
	struct mgm_dp *dp;
	int ret, i = 0;

	ret = open_maps(&dp, err, len);
	if (ret)
		return ret;
	ret = mgm_dp_counters(dp, &cnt);
	if (ret)
		snprintf(err, len, "reading %s/mgm_counters: %s", opts.pin_root,
			 strerror(-ret));
	else if ((ret = mgm_dp_mfe_foreach(dp, census_one, &l)))
		snprintf(err, len, "reading %s/mgm_mfe: %s", opts.pin_root,
			 strerror(-ret));
	else if ((ret = mgm_dp_mfe6_foreach(dp, census_one6, &l)))
		snprintf(err, len, "reading %s/mgm_mfe6: %s", opts.pin_root,
			 strerror(-ret));
	mgm_dp_close(dp);
	free(l.bits);
	if (ret)
		return ret;
	o = json_object_new_object();
	fp = json_object_new_object();
#define X(name, desc) ADD(fp, #name, INT(v[i++]));
	MGM_COUNTERS(X)
#undef X
	ADD(o, "fastpath", fp);
	/* The daemon's keys, in its order; the maps answer two of them. */
	ctl = json_object_new_object();
	ADD(ctl, "events", NULL);
	ADD(ctl, "mfes", INT(l.n));
	ADD(ctl, "mfes_created", NULL);
	ADD(ctl, "mfes_deleted", NULL);
	ADD(ctl, "mfes_expired", NULL);
	ADD(ctl, "install_errors", NULL);
	ADD(ctl, "mfes_out_of_sync", NULL);
	ADD(ctl, "install_retries", NULL);
	ADD(ctl, "misses_unowned", NULL);
	ADD(ctl, "mfes_negative", NULL);
	ADD(ctl, "negative_refused", NULL);
	ADD(ctl, "mfes_evicted", NULL);
	ADD(ctl, "mfes_refused", NULL);
	ADD(ctl, "callbacks", NULL);
	ADD(ctl, "out_sets", INT(l.osets));
	ADD(ctl, "uptime", NULL);
	ADD(o, "controller", ctl);
	/* mgmd's control socket counters: gone with it. */
	ctl = json_object_new_object();
#define X(name, desc) ADD(ctl, #name, NULL);
	MGM_CTL_STATS(X)
#undef X
	ADD(o, "control", ctl);
	*out = o;
	return 0;
}
