// SPDX-License-Identifier: GPL-2.0
/*
 * offline.c - "show mfe" and "show stats" without mgmd.
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

struct mfe_list {
	struct mgm_dp_mfe_info *v;
	size_t n, cap;
};

static int collect(void *arg, const struct mgm_dp_mfe_info *e)
{
	struct mfe_list *l = arg;

	if (l->n == l->cap) {
		size_t cap = l->cap ? l->cap * 2 : 64;
		void *p = realloc(l->v, cap * sizeof(*l->v));

		if (!p)
			return -ENOMEM;
		l->v = p;
		l->cap = cap;
	}
	l->v[l->n++] = *e;
	return 0;
}

/* The map iterates in hash order; print in (group, source) order. */
static int cmp_mfe(const void *a, const void *b)
{
	const struct mgm_dp_mfe_info *x = a, *y = b;
	uint32_t xg = ntohl(x->group), yg = ntohl(y->group);
	uint32_t xs = ntohl(x->source), ys = ntohl(y->source);

	if (xg != yg)
		return xg < yg ? -1 : 1;
	return xs < ys ? -1 : xs > ys;
}

static int read_mfes(struct mgm_dp *dp, struct mfe_list *l, char *err,
		     size_t len)
{
	int ret = mgm_dp_mfe_foreach(dp, collect, l);

	if (ret) {
		snprintf(err, len, "reading %s/mgm_mfe: %s", opts.pin_root,
			 strerror(-ret));
		return ret;
	}
	if (l->n)
		qsort(l->v, l->n, sizeof(*l->v), cmp_mfe);
	return 0;
}

int offline_mfe(json_object **out, char *err, size_t len)
{
	struct mfe_list l = { 0 };
	struct mgm_dp *dp;
	json_object *a;
	size_t i;
	uint32_t k;
	int ret;

	ret = open_maps(&dp, err, len);
	if (ret)
		return ret;
	ret = read_mfes(dp, &l, err, len);
	mgm_dp_close(dp);
	if (ret) {
		free(l.v);
		return ret;
	}
	a = json_object_new_array();
	for (i = 0; i < l.n; i++) {
		const struct mgm_dp_mfe_info *e = &l.v[i];
		json_object *o = json_object_new_object(), *oifs;

		ADD(o, "source", jaddr(e->source));
		ADD(o, "group", jaddr(e->group));
		ADD(o, "iif", jif(e->iif));
		oifs = json_object_new_array();
		for (k = 0; k < e->n_oifs; k++)
			json_object_array_add(oifs, jif(e->oifs[k]));
		ADD(o, "oifs", oifs);
		ADD(o, "packets", INT(e->counters.packets));
		ADD(o, "bytes", INT(e->counters.bytes));
		ADD(o, "wrong_if", INT(e->counters.wrong_if));
		ADD(o, "kernel_passes", INT(e->counters.kernel_passes));
		/* The controller's knowledge: gone with the controller. */
		ADD(o, "uptime", NULL);
		ADD(o, "expires", NULL);
		ADD(o, "timeout", NULL);
		ADD(o, "upstream", NULL);
		ADD(o, "protocol", NULL);
		ADD(o, "origin", NULL);
		json_object_array_add(a, o);
	}
	free(l.v);
	*out = a;
	return 0;
}

static int cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return x < y ? -1 : x > y;
}

/* Out-sets in use: the distinct slots of the entries that forward. */
static uint32_t count_osets(const struct mfe_list *l)
{
	uint32_t *s = malloc((l->n + 1) * sizeof(*s)), n = 0, k = 0;
	size_t i;

	if (!s)
		return 0;
	for (i = 0; i < l->n; i++)
		if (!l->v[i].negative)
			s[n++] = l->v[i].oset_slot;
	qsort(s, n, sizeof(*s), cmp_u32);
	for (i = 0; i < n; i++)
		k += !i || s[i] != s[i - 1];
	free(s);
	return k;
}

int offline_stats(json_object **out, char *err, size_t len)
{
	struct mfe_list l = { 0 };
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
	else
		ret = read_mfes(dp, &l, err, len);
	mgm_dp_close(dp);
	if (ret) {
		free(l.v);
		return ret;
	}
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
	ADD(ctl, "callbacks", NULL);
	ADD(ctl, "out_sets", INT(count_osets(&l)));
	ADD(ctl, "uptime", NULL);
	ADD(o, "controller", ctl);
	free(l.v);
	*out = o;
	return 0;
}
