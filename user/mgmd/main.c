// SPDX-License-Identifier: GPL-2.0
/*
 * mgmd - the multicast routing daemon: the MGM controller on the XDP fast
 * path, with the built-in protocols (static routes, IGMP), routing
 * protocols in other processes, and a control socket for mgmctl.
 *
 * Signals: SIGHUP reloads the configuration and applies only the
 * difference (a bad file is refused whole, the running state kept).
 * SIGTERM/SIGINT shut every protocol down with the seed's sequence
 * (release each interface, then deregister) and detach; with
 * --keep-forwarding the fast path is left forwarding instead, and the next
 * mgmd adopts its pinned maps and reconciles.
 *
 * Under systemd (Type=notify) mgmd says READY=1 once its configuration is
 * applied (the forwarder attached) and its control socket listens, and
 * RELOADING=1 / STOPPING=1 around reloads and the stop; elsewhere
 * sd_notify() does nothing.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
#include <grp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/signalfd.h>
#include <unistd.h>

#include <systemd/sd-daemon.h>

#include "mgmd.h"

struct mgmd *mgmd;

static const char usage_text[] =
	"Usage: mgmd [-f CONFIG] [-n] [-s SOCKET] [--pin-root DIR] "
	"[--keep-forwarding] [-v]\n"
	"       mgmd -t [-f CONFIG]\n"
	"\n"
	"  -f, --config FILE     configuration (default /etc/mgmd.conf)\n"
	"  -t, --check-config    check the configuration and exit (0: good,\n"
	"                        1: errors); absent interfaces are warnings\n"
	"  -n, --foreground      stay in the foreground, log to stderr\n"
	"  -s, --socket PATH     control socket (default " MGM_IPC_SOCKET_DEFAULT
	")\n"
	"      --pin-root DIR    pinned BPF maps (default " MGM_PIN_ROOT_DEFAULT
	")\n"
	"      --keep-forwarding on SIGTERM leave the fast path forwarding;\n"
	"                        the next mgmd adopts it without a gap\n"
	"  -v, --verbose         more logging (twice: debug)\n"
	"  -h, --help\n";

const char *mgmd_ifname(uint32_t ifindex, char *buf)
{
	if (!if_indextoname(ifindex, buf))
		snprintf(buf, IF_NAMESIZE, "if%u", ifindex);
	return buf;
}

const char *mgmd_protocol_name(uint32_t protocol_id, uint32_t component_id,
			       char *buf, size_t len)
{
	const char *remote = remote_name(protocol_id, component_id);

	if (protocol_id == MGM_PROTO_STATIC)
		snprintf(buf, len, "static");
	else if (protocol_id == MGM_PROTO_KERNEL)
		snprintf(buf, len, "kernel");
	else if (remote)
		snprintf(buf, len, "%s", remote);
	else if (protocol_id == MGM_MS_IP_IGMP)
		snprintf(buf, len, "igmp");
	else
		snprintf(buf, len, "0x%08x/%u", protocol_id, component_id);
	return buf;
}

/* ---- MGM's datapath: static routes in front of the kernel's RPF -------- */

static int rpf_lookup(void *dp, const struct mgm_addr *source,
		      const struct mgm_addr *group,
		      struct mgm_route_info_x *out)
{
	uint32_t iif;

	/* The kernel's parent for the flows it mirrors (ipmr's, ip6mr's),
	 * as the kernel has it; static routes cannot share its
	 * interfaces. */
	if (mgmd->km && kmirror_rpf(mgmd->km, source, group, &iif)) {
		memset(out, 0, sizeof(*out));
		out->protocol = MGM_PROTO_KERNEL;
		out->network = *source;
		out->prefix_len = mgm_addr_is_unspec(source)	 ? 0 :
				  source->family == MGM_AF_INET6 ? 128 :
								   32;
		out->ifindex = iif;
		return 0;
	}
	if (mgmd->st && static_rpf_x(mgmd->st, source, group, &iif)) {
		memset(out, 0, sizeof(*out));
		out->protocol = MGM_PROTO_STATIC;
		out->network = *source;
		out->prefix_len = source->family == MGM_AF_INET ? 32 : 128;
		out->ifindex = iif;
		return 0;
	}
	return mgm_dp_ops()->rpf_lookup(dp, source, group, out);
}

/*
 * Packets on an interface no protocol owns make no MFE (mgm_options.
 * unowned_iif_no_mfe), except on a configured phyint: the operator's line
 * vouches for traffic arriving there, for whatever receivers the
 * protocols have (an upstream interface feeding IGMP receivers needs no
 * route).  An interface a route or an external protocol took, once
 * released (the seed), forwards nothing more from it.
 */
static bool iif_permitted(void *ctx, uint32_t ifindex)
{
	const struct mgmd *d = ctx;
	size_t i;

	for (i = 0; i < d->cfg.n_phy; i++)
		if (d->cfg.phy[i].ifindex == ifindex)
			return true;
	return false;
}

static void mgm_log(void *ctx, int level, const char *msg)
{
	(void)ctx;
	log_msg(level, "mgm: %s", msg);
}

/* ---- interfaces ------------------------------------------------------- */

static void attach(struct mgmd *d, uint32_t ifindex)
{
	char ifn[IF_NAMESIZE];
	int err = mgm_dp_attach(d->dp, ifindex, MGM_DP_XDP_AUTO);

	if (err)
		log_warn("attach %s: %s", mgmd_ifname(ifindex, ifn),
			 err == -EEXIST ? "another XDP program runs there" :
					  strerror(-err));
	/* Known to the egress program now, not at the first flow's install:
	 * every microsecond there is a first packet left to the kernel. */
	mgm_dp_if_refresh(d->dp, ifindex);
}

static bool route_uses(const struct static_route *r, uint32_t ifindex)
{
	uint32_t i;

	if (r->iif == ifindex)
		return true;
	for (i = 0; i < r->n_oifs; i++)
		if (r->oifs[i] == ifindex)
			return true;
	return false;
}

/* Does any configured or added route, or phyint, name the interface? */
static bool if_in_use(const struct mgmd *d, const struct config *c,
		      uint32_t ifindex)
{
	size_t i;

	for (i = 0; i < c->n_phy; i++)
		if (c->phy[i].ifindex == ifindex)
			return true;
	for (i = 0; i < c->n_routes; i++)
		if (route_uses(&c->routes[i].r, ifindex))
			return true;
	for (i = 0; i < d->n_extra; i++)
		if (route_uses(&d->extra_on[i], ifindex))
			return true;
	return false;
}

bool mgmd_if_used(const struct mgmd *d, uint32_t ifindex)
{
	return ifindex && if_in_use(d, &d->cfg, ifindex);
}

static void attach_config(struct mgmd *d, const struct config *c)
{
	size_t i;
	uint32_t k;

	for (i = 0; i < c->n_phy; i++) {
		attach(d, c->phy[i].ifindex);
		if (c->phy[i].ttl_threshold >= 0)
			mgm_dp_if_set(d->dp, c->phy[i].ifindex,
				      (uint8_t)c->phy[i].ttl_threshold);
	}
	for (i = 0; i < c->n_routes; i++) {
		attach(d, c->routes[i].r.iif);
		for (k = 0; k < c->routes[i].r.n_oifs; k++)
			attach(d, c->routes[i].r.oifs[k]);
	}
}

/* The route of c with r's iif, source, group and prefix, or NULL. */
static const struct static_route *route_key_in(const struct static_route *r,
					       const struct config *c)
{
	size_t i;

	for (i = 0; i < c->n_routes; i++) {
		const struct static_route *o = &c->routes[i].r;

		if (o->iif == r->iif && static_route_same_traffic(o, r))
			return o;
	}
	return NULL;
}

static const char *route_errstr(int err)
{
	switch (err) {
	case -EEXIST:
		return "the route exists";
	case -EBUSY:
		return "an interface belongs to another routing protocol, or "
		       "the same traffic already comes from another interface";
	case -EINVAL:
		return "malformed route";
	default:
		return strerror(-err);
	}
}

/*
 * Bring the static routes from cur to next, touching only what differs.
 * Order matters for traffic: a route whose outgoing interfaces change is
 * updated in place (its interfaces stay held, so its entries survive);
 * new routes come before removed ones, so interfaces both share are never
 * released in between -- except a new route that conflicts with one being
 * removed (same traffic, other iif), which waits for the removal.
 */
static int routes_apply(struct mgmd *d, const struct config *cur,
			const struct config *next, char *err, size_t len,
			bool force)
{
	const struct static_route *o;
	size_t i, n_def = 0, *def;
	int ret = 0;

	def = calloc(next->n_routes + 1, sizeof(*def));
	if (!def)
		return -ENOMEM;
	for (i = 0; i < next->n_routes && !ret; i++) {
		const struct static_route *r = &next->routes[i].r;

		o = route_key_in(r, cur);
		if (o && !static_route_equal(o, r))
			ret = static_route_update(d->st, r);
		else if (!o)
			ret = static_route_add(d->st, r);
		if (ret == -EBUSY && !o) {
			def[n_def++] = i;
			ret = 0;
		}
		if (ret)
			snprintf(err, len, "%s:%d: %s", next->path,
				 next->routes[i].line, route_errstr(ret));
		if (force) /* rolling back: do all that can be done */
			ret = 0;
	}
	for (i = 0; i < cur->n_routes && !ret; i++)
		if (!route_key_in(&cur->routes[i].r, next))
			static_route_del(d->st, &cur->routes[i].r);
	for (i = 0; i < n_def && !ret; i++) {
		ret = static_route_add(d->st, &next->routes[def[i]].r);
		if (ret)
			snprintf(err, len, "%s:%d: %s", next->path,
				 next->routes[def[i]].line, route_errstr(ret));
		if (force)
			ret = 0;
	}
	free(def);
	return ret;
}

static void note_names(struct mgmd *d, uint32_t gone, bool quiet);

static int apply_resolved(struct mgmd *d, struct config *next, char *err,
			  size_t len)
{
	struct config *cur = &d->cfg;
	char ignored[256];
	size_t i, j;
	int ret;

	if (!d->st) {
		snprintf(err, len, "the static protocol is shut down");
		return -ESHUTDOWN;
	}
	ret = routes_apply(d, cur, next, err, len, false);
	ret = ret ?: mgmd_kmirror_apply(d, cur, next, err, len);
	if (ret) {
		/* Back to what ran before, by the same rules. */
		routes_apply(d, next, cur, ignored, sizeof(ignored), true);
		return ret;
	}
	attach_config(d, next);
	mgmd_igmp_apply(d, cur, next);
	/* Interfaces nobody names any more are detached. */
	for (i = 0; i < cur->n_phy; i++)
		if (!if_in_use(d, next, cur->phy[i].ifindex))
			mgm_dp_detach(d->dp, cur->phy[i].ifindex);
	for (i = 0; i < cur->n_routes; i++) {
		const struct static_route *r = &cur->routes[i].r;

		if (!if_in_use(d, next, r->iif))
			mgm_dp_detach(d->dp, r->iif);
		for (j = 0; j < r->n_oifs; j++)
			if (!if_in_use(d, next, r->oifs[j]))
				mgm_dp_detach(d->dp, r->oifs[j]);
	}
	config_free(cur);
	*cur = *next;
	memset(next, 0, sizeof(*next));
	return 0;
}

/* Interfaces a configuration names that are not there: said once each. */
static void log_absent(const struct config *t, const struct config *now)
{
	size_t i, k;
	uint32_t j;

	for (i = 0; i < t->n_phy; i++) {
		for (k = 0; k < now->n_phy; k++)
			if (!strcmp(now->phy[k].name, t->phy[i].name))
				break;
		if (k == now->n_phy)
			log_warn("%s:%d: interface %s is absent: used when it "
				 "appears",
				 t->path, t->phy[i].line, t->phy[i].name);
	}
	for (i = 0; i < t->n_routes; i++) {
		const struct cfg_route *r = &t->routes[i];

		if (!if_nametoindex(r->iif_name))
			log_warn("%s:%d: interface %s is absent: the route "
				 "waits for it",
				 t->path, r->line, r->iif_name);
		for (j = 0; j < r->r.n_oifs; j++)
			if (!if_nametoindex(r->oif_name[j]))
				log_warn("%s:%d: interface %s is absent: used "
					 "when it appears",
					 t->path, r->line, r->oif_name[j]);
	}
}

/*
 * An interface the configuration names and that is there but cannot be
 * served at all (not Ethernet: loopback, a tun device, ...): the first
 * one as "FILE:LINE: interface IF cannot be served: why".  Absent ones
 * are not checked (they are warnings, and used when they appear).
 */
static int if_unservable(const char *path, int line, const char *name,
			 char *err, size_t len)
{
	struct mgm_dp_if_caps caps;
	uint32_t ifindex = if_nametoindex(name);

	if (!ifindex || mgm_dp_if_probe(ifindex, &caps) || caps.servable)
		return 0;
	snprintf(err, len, "%s:%d: interface %s cannot be served: %s", path,
		 line, name, caps.why);
	return -EINVAL;
}

static int config_unservable(const struct config *c, char *err, size_t len)
{
	size_t i;
	uint32_t k;
	int ret = 0;

	for (i = 0; !ret && i < c->n_phy; i++)
		ret = if_unservable(c->path, c->phy[i].line, c->phy[i].name,
				    err, len);
	for (i = 0; !ret && i < c->n_routes; i++) {
		const struct cfg_route *r = &c->routes[i];

		ret = if_unservable(c->path, r->line, r->iif_name, err, len);
		for (k = 0; !ret && k < r->r.n_oifs; k++)
			ret = if_unservable(c->path, r->line, r->oif_name[k],
					    err, len);
	}
	return ret;
}

int mgmd_apply_config(struct mgmd *d, struct config *tmpl, char *err,
		      size_t len)
{
	struct config next;
	int ret;

	ret = config_unservable(tmpl, err, len);
	if (ret)
		return ret;
	ret = config_resolve(tmpl, &next, 0);
	if (ret) {
		snprintf(err, len, "%s", strerror(-ret));
		return ret;
	}
	ret = apply_resolved(d, &next, err, len);
	if (ret) {
		config_free(&next);
		return ret;
	}
	log_absent(tmpl, &d->cfg);
	config_free(&d->tmpl);
	d->tmpl = *tmpl;
	memset(tmpl, 0, sizeof(*tmpl));
	note_names(d, 0, true);
	return 0;
}

/*
 * Routes added with mgmctl follow their interfaces too: one whose
 * interfaces changed is taken out as it was and put back as it is now
 * (or waits, if its iif or every oif is gone).
 */
static void extras_relink(struct mgmd *d, uint32_t gone)
{
	char text[512];
	size_t i, k;
	int err;

	for (i = 0; d->st && i < d->n_extra; i++) {
		struct static_route *on = &d->extra_on[i], want = { 0 };
		struct cfg_route now;

		if (config_route_resolve(&d->extra[i], &now, gone))
			want = now.r;
		if (on->iif == want.iif &&
		    (!on->iif || static_route_equal(on, &want)))
			continue;
		if (on->iif)
			static_route_del(d->st, on);
		memset(on, 0, sizeof(*on));
		if (!want.iif)
			continue;
		err = static_route_add(d->st, &want);
		config_route_str(&want, text, sizeof(text));
		if (err) {
			log_err("route %s (added with mgmctl): %s", text,
				route_errstr(err));
			continue;
		}
		*on = want;
		attach(d, want.iif);
		for (k = 0; k < want.n_oifs; k++)
			attach(d, want.oifs[k]);
	}
}

static void log_change(const char *name, uint32_t was, uint32_t now)
{
	if (was == now)
		return;
	if (!now)
		log_msg(LOG_NOTICE,
			"interface %s (ifindex %u) is gone: its routes and "
			"IGMP are released",
			name, was);
	else if (!was)
		log_msg(LOG_NOTICE, "interface %s appeared (ifindex %u)", name,
			now);
	else
		log_msg(LOG_NOTICE,
			"interface %s is now ifindex %u (was %u): released "
			"and taken again",
			name, now, was);
}

static void note_name(struct mgmd *d, struct mgmd_name *v, size_t *n,
		      const char *name, uint32_t gone, bool quiet)
{
	uint32_t now = if_nametoindex(name), was = 0;
	size_t i;

	for (i = 0; i < *n; i++)
		if (!strcmp(v[i].name, name))
			return; /* said already */
	for (i = 0; i < d->n_names; i++)
		if (!strcmp(d->names[i].name, name))
			was = d->names[i].ifindex;
	if (now == gone)
		now = 0;
	if (!quiet)
		log_change(name, was, now);
	snprintf(v[*n].name, IF_NAMESIZE, "%s", name);
	v[(*n)++].ifindex = now;
}

/*
 * Every interface name the configuration and mgmctl's routes use, with
 * the ifindex it has now: what changed since the last look is logged.
 */
static void note_names(struct mgmd *d, uint32_t gone, bool quiet)
{
	const struct config *t = &d->tmpl;
	struct mgmd_name *v;
	size_t i, n = 0, cap = t->n_phy;
	uint32_t k;

	for (i = 0; i < t->n_routes; i++)
		cap += 1 + t->routes[i].r.n_oifs;
	for (i = 0; i < d->n_extra; i++)
		cap += 1 + d->extra[i].r.n_oifs;
	v = calloc(cap + 1, sizeof(*v));
	if (!v)
		return;
	for (i = 0; i < t->n_phy; i++)
		note_name(d, v, &n, t->phy[i].name, gone, quiet);
	for (i = 0; i < t->n_routes; i++)
		for (k = 0; k <= t->routes[i].r.n_oifs; k++)
			note_name(d, v, &n,
				  k ? t->routes[i].oif_name[k - 1] :
				      t->routes[i].iif_name,
				  gone, quiet);
	for (i = 0; i < d->n_extra; i++)
		for (k = 0; k <= d->extra[i].r.n_oifs; k++)
			note_name(d, v, &n,
				  k ? d->extra[i].oif_name[k - 1] :
				      d->extra[i].iif_name,
				  gone, quiet);
	free(d->names);
	d->names = v;
	d->n_names = n;
}

void mgmd_relink(struct mgmd *d, uint32_t gone)
{
	struct config next;
	char err[512];

	if (!d->st || config_resolve(&d->tmpl, &next, gone))
		return;
	note_names(d, gone, false);
	if (apply_resolved(d, &next, err, sizeof(err))) {
		log_err("interfaces changed, but the configuration cannot be "
			"applied to them: %s",
			err);
		config_free(&next);
	}
	extras_relink(d, gone);
}

/* ---- reload: what changes ------------------------------------------------ */

/* "to IF ...": a route's outgoing interfaces, by name. */
static void oifs_text(const struct cfg_route *r, char *buf, size_t len)
{
	size_t n = snprintf(buf, len, "to");
	uint32_t i;

	for (i = 0; i < r->r.n_oifs && n < len; i++)
		n += snprintf(buf + n, len - n, " %s", r->oif_name[i]);
}

/* A route of a configuration as its file names it (interfaces by name). */
static void route_text(const struct cfg_route *r, char *buf, size_t len)
{
	char s[MGM_ADDRSTRLEN + 8] = "", g[MGM_ADDRSTRLEN], plen[8] = "";
	char o[IF_NAMESIZE * (STATIC_MAX_OIFS + 1)];

	if (!mgm_addr_is_unspec(&r->r.source)) {
		strcpy(s, " source ");
		mgm_addr_ntop(&r->r.source, s + 8, MGM_ADDRSTRLEN);
	}
	mgm_addr_ntop(&r->r.group, g, sizeof(g));
	if (r->r.prefix_len < (r->r.group.family == MGM_AF_INET ? 32 : 128))
		snprintf(plen, sizeof(plen), "/%u", r->r.prefix_len);
	oifs_text(r, o, sizeof(o));
	snprintf(buf, len, "from %s%s group %s%s %s", r->iif_name, s, g, plen,
		 o);
}

static const struct cfg_route *route_named(const struct cfg_route *r,
					   const struct config *c)
{
	size_t i;

	for (i = 0; i < c->n_routes; i++) {
		const struct cfg_route *o = &c->routes[i];

		if (!strcmp(o->iif_name, r->iif_name) &&
		    static_route_same_traffic(&o->r, &r->r))
			return o;
	}
	return NULL;
}

static bool route_oifs_equal(const struct cfg_route *a,
			     const struct cfg_route *b)
{
	uint32_t i;

	if (a->r.n_oifs != b->r.n_oifs)
		return false;
	for (i = 0; i < a->r.n_oifs; i++)
		if (strcmp(a->oif_name[i], b->oif_name[i]))
			return false;
	return true;
}

static const struct cfg_phyint *phy_named(const char *name,
					  const struct config *c)
{
	size_t i;

	for (i = 0; i < c->n_phy; i++)
		if (!strcmp(c->phy[i].name, name))
			return &c->phy[i];
	return NULL;
}

static void phy_text(const struct cfg_phyint *p, char *buf, size_t len)
{
	size_t n = snprintf(buf, len, "%s", p->name);

	if (p->ttl_threshold >= 0 && n < len)
		n += snprintf(buf + n, len - n, " ttl-threshold %d",
			      p->ttl_threshold);
	if (p->igmp && n < len)
		n += snprintf(buf + n, len - n, " igmp v%d", p->igmp);
	if (p->mld && n < len)
		snprintf(buf + n, len - n, " mld v%d", p->mld);
}

static void kmirror_text(const struct cfg_kmirror *k, char *buf, size_t len)
{
	if (!k->on)
		snprintf(buf, len, "off");
	else if (k->keepalive_ms < 0)
		snprintf(buf, len, "table %u", k->table);
	else if (!k->keepalive_ms)
		snprintf(buf, len, "table %u keepalive off", k->table);
	else
		snprintf(buf, len, "table %u keepalive %d", k->table,
			 k->keepalive_ms);
}

typedef void (*note_fn)(void *arg, const char *change);

/*
 * Every difference between the configuration that runs (a) and the one
 * read (b), one line each, in the file's words.
 */
static int config_changes(const struct config *a, const struct config *b,
			  note_fn note, void *arg)
{
	static const struct {
		const char *name, *unit;
		size_t off;
	} igmp_v[] = {
		{ "query-interval", "ms",
		  offsetof(struct cfg_igmp, query_interval_ms) },
		{ "query-response-interval", "ms",
		  offsetof(struct cfg_igmp, query_response_interval_ms) },
		{ "last-member-query-interval", "ms",
		  offsetof(struct cfg_igmp, last_member_query_interval_ms) },
		{ "robustness", "", offsetof(struct cfg_igmp, robustness) },
	};
	char t1[1024], t2[1024], line[2200];
	const struct cfg_route *r;
	const struct cfg_phyint *p;
	size_t i;
	int n = 0;

#define NOTE(...)                                          \
	do {                                               \
		snprintf(line, sizeof(line), __VA_ARGS__); \
		note(arg, line);                           \
		n++;                                       \
	} while (0)

	for (i = 0; i < b->n_phy; i++) {
		p = phy_named(b->phy[i].name, a);
		phy_text(&b->phy[i], t2, sizeof(t2));
		if (!p) {
			NOTE("phyint added: %s (line %d)", t2, b->phy[i].line);
			continue;
		}
		if (p->ttl_threshold == b->phy[i].ttl_threshold &&
		    p->igmp == b->phy[i].igmp && p->mld == b->phy[i].mld)
			continue;
		phy_text(p, t1, sizeof(t1));
		NOTE("phyint changed: %s -> %s (line %d)", t1, t2,
		     b->phy[i].line);
	}
	for (i = 0; i < a->n_phy; i++)
		if (!phy_named(a->phy[i].name, b)) {
			phy_text(&a->phy[i], t1, sizeof(t1));
			NOTE("phyint removed: %s", t1);
		}
	for (i = 0; i < b->n_routes; i++) {
		r = route_named(&b->routes[i], a);
		if (!r) {
			route_text(&b->routes[i], t2, sizeof(t2));
			NOTE("route added: %s (line %d)", t2,
			     b->routes[i].line);
		} else if (!route_oifs_equal(r, &b->routes[i])) {
			route_text(r, t1, sizeof(t1));
			oifs_text(&b->routes[i], t2, sizeof(t2));
			NOTE("route changed: %s -> %s (line %d)", t1, t2,
			     b->routes[i].line);
		}
	}
	for (i = 0; i < a->n_routes; i++)
		if (!route_named(&a->routes[i], b)) {
			route_text(&a->routes[i], t1, sizeof(t1));
			NOTE("route removed: %s", t1);
		}
	/* IGMP's timers are read when it starts (see mgmd_igmp_start). */
	for (i = 0; i < sizeof(igmp_v) / sizeof(igmp_v[0]); i++) {
		uint32_t x = *(const uint32_t *)((const char *)&a->igmp +
						 igmp_v[i].off);
		uint32_t y = *(const uint32_t *)((const char *)&b->igmp +
						 igmp_v[i].off);

		if (x != y)
			NOTE("igmp %s: %u%s -> %u%s (0: the default; applies "
			     "at the next start)",
			     igmp_v[i].name, x, igmp_v[i].unit, y,
			     igmp_v[i].unit);
	}
	/* MGM's options are set when it is created (see main). */
	if (memcmp(&a->mfe, &b->mfe, sizeof(a->mfe)))
		NOTE("mfe: negative-timeout %u, negative-per-interface %u, max "
		     "%u -> %u, %u, %u (0: the default; applies at the next "
		     "start)",
		     a->mfe.negative_timeout, a->mfe.negative_per_if,
		     a->mfe.max, b->mfe.negative_timeout,
		     b->mfe.negative_per_if, b->mfe.max);
	kmirror_text(&a->kmirror, t1, sizeof(t1));
	kmirror_text(&b->kmirror, t2, sizeof(t2));
	if (strcmp(t1, t2))
		NOTE("mirror-kernel: %s -> %s", t1, t2);
	/* The control socket's group is set when the socket is made. */
	if (strcmp(a->socket_group, b->socket_group))
		NOTE("socket-group: '%s' -> '%s' (applies at the next start)",
		     a->socket_group, b->socket_group);
	/* The listener is opened at start (see main). */
	if (strcmp(a->metrics.listen, b->metrics.listen))
		NOTE("metrics-listen: '%s' -> '%s' (applies at the next start)",
		     a->metrics.listen, b->metrics.listen);
	if (a->metrics.mfe_limit != b->metrics.mfe_limit)
		NOTE("metrics-mfe-limit: %u -> %u", a->metrics.mfe_limit,
		     b->metrics.mfe_limit);
#undef NOTE
	return n;
}

int mgmd_reload(struct mgmd *d, note_fn note, void *arg, char *err, size_t len)
{
	struct config next, was;
	int ret;

	ret = config_load(d->o.config, &next, err, len);
	if (ret)
		return ret;
	ret = config_dup(&d->tmpl, &was);
	if (ret)
		snprintf(err, len, "out of memory");
	else
		ret = mgmd_apply_config(d, &next, err, len);
	if (ret) {
		config_free(&was);
		config_free(&next);
		return ret;
	}
	/* Said once applied: a refused reload changed nothing. */
	config_changes(&was, &d->tmpl, note, arg);
	config_free(&was);
	return 0;
}

static void log_change_line(void *arg, const char *change)
{
	(void)arg;
	log_msg(LOG_NOTICE, "reload: %s", change);
}

static void reload(struct mgmd *d)
{
	char err[512];

	sd_notify(0, "RELOADING=1");
	if (mgmd_reload(d, log_change_line, NULL, err, sizeof(err)))
		log_err("reload refused, running state kept: %s", err);
	else
		log_msg(LOG_NOTICE, "configuration reloaded from %s",
			d->o.config);
	sd_notify(0, "READY=1");
}

/* ---- mgmd -t: check a configuration, change nothing ---------------------- */

static int check_config(const char *path)
{
	struct config c;
	char err[512], why[256], why6[256];
	unsigned int warnings = 0;
	size_t i;
	uint32_t k;

	if (config_load(path, &c, err, sizeof(err))) {
		fprintf(stderr, "mgmd: %s\n", err);
		return 1;
	}
#define WARN(line, ...)                                                \
	do {                                                           \
		fprintf(stderr, "mgmd: %s:%d: warning: ", path, line); \
		fprintf(stderr, __VA_ARGS__);                          \
		fputc('\n', stderr);                                   \
		warnings++;                                            \
	} while (0)
	for (i = 0; i < c.n_phy; i++)
		if (!if_nametoindex(c.phy[i].name))
			WARN(c.phy[i].line,
			     "interface %s is absent: used when it appears",
			     c.phy[i].name);
	for (i = 0; i < c.n_routes; i++) {
		const struct cfg_route *r = &c.routes[i];

		if (!if_nametoindex(r->iif_name))
			WARN(r->line,
			     "interface %s is absent: the route waits for it",
			     r->iif_name);
		for (k = 0; k < r->r.n_oifs; k++)
			if (!if_nametoindex(r->oif_name[k]))
				WARN(r->line,
				     "interface %s is absent: used when it "
				     "appears",
				     r->oif_name[k]);
	}
#undef WARN
	/* What the start would refuse, beyond the file's syntax. */
	if (config_unservable(&c, err, sizeof(err))) {
		fprintf(stderr, "mgmd: %s\n", err);
		config_free(&c);
		return 1;
	}
	if (c.socket_group_line && !getgrnam(c.socket_group)) {
		fprintf(stderr, "mgmd: %s:%d: unknown socket group '%s'\n",
			path, c.socket_group_line, c.socket_group);
		config_free(&c);
		return 1;
	}
	if (c.kmirror.on && !mgmd_kmirror_families(why, why6, sizeof(why6))) {
		fprintf(stderr, "mgmd: %s:%d: mirror-kernel: %s; %s\n", path,
			c.kmirror.line, why, why6);
		config_free(&c);
		return 1;
	}
	printf("mgmd: %s: configuration OK (phyints %zu, routes %zu, "
	       "warnings %u)\n",
	       path, c.n_phy, c.n_routes, warnings);
	config_free(&c);
	return 0;
}

/* ---- event loop glue ---------------------------------------------------- */

static void on_signal(void *arg, int fd, uint32_t events)
{
	struct mgmd *d = arg;
	struct signalfd_siginfo si;

	(void)events;
	while (read(fd, &si, sizeof(si)) == sizeof(si)) {
		if (si.ssi_signo == SIGHUP) {
			reload(d);
		} else {
			d->stop = true;
			d->stop_keep = d->o.keep_forwarding &&
				       si.ssi_signo == SIGTERM;
		}
	}
}

static void on_mgm(void *arg, int fd, uint32_t events)
{
	(void)fd;
	(void)events;
	mgm_dispatch(((struct mgmd *)arg)->m);
}

static int mgm_timeout(void *arg)
{
	return mgm_timeout_ms(((struct mgmd *)arg)->m);
}

static void mgm_tick(void *arg)
{
	mgm_dispatch(((struct mgmd *)arg)->m);
}

static int setup_signals(struct mgmd *d)
{
	sigset_t set;

	signal(SIGPIPE, SIG_IGN);
	sigemptyset(&set);
	sigaddset(&set, SIGHUP);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	if (sigprocmask(SIG_BLOCK, &set, NULL))
		return -errno;
	d->sig_fd = signalfd(-1, &set, SFD_NONBLOCK | SFD_CLOEXEC);
	if (d->sig_fd < 0)
		return -errno;
	return loop_add(d->loop, d->sig_fd, EPOLLIN, on_signal, d);
}

/*
 * Entries a previous mgmd left forwarding (--keep-forwarding): MGM builds
 * each from the current configuration as if its first packet had just
 * arrived; unchanged entries stay untouched in the fast path, so traffic
 * never stops, and changed ones are brought up to date.
 */
static int adopt_one(void *arg, const struct mgm_dp_mfe_info *e)
{
	struct mgm_ipmcast_mfe key = { .source = e->source, .group = e->group };
	uint8_t buf[MGM_SIZEOF_MFE(MGM_DP_MAX_OIFS)];
	uint32_t size = sizeof(buf), *n = arg;

	/* Already MGM's: the kernel mirror, started first, made it. */
	if (mgm_get_mfe(mgmd->m, &key, &size, buf) != MGM_ERROR_NOT_FOUND)
		return 0;
	/* A mirrored entry the kernel no longer has (or mgmd mirrors no
	 * more): only the kernel knows the flow now. */
	if (e->flags & MGM_MFE_F_KERNEL_KEEPALIVE) {
		mgm_dp_mfe_delete(mgmd->dp, e->source, e->group);
		return 0;
	}
	if (mgm_adopt_mfe(mgmd->m, e->source, e->group, e->iif) == MGM_NO_ERROR)
		(*n)++;
	return 0;
}

static int adopt_one6(void *arg, const struct mgm_dp_mfe6_info *e)
{
	struct mgm_addr s = mgm_addr6(&e->source), g = mgm_addr6(&e->group);
	uint8_t buf[MGM_SIZEOF_MFE_X(MGM_DP_MAX_OIFS)];
	uint32_t size = sizeof(buf), *n = arg;

	if (mgm_get_mfe_x(mgmd->m, &s, &g, &size, buf) != MGM_ERROR_NOT_FOUND)
		return 0;
	if (e->flags & MGM_MFE_F_KERNEL_KEEPALIVE) {
		mgm_dp_mfe6_delete(mgmd->dp, &e->source, &e->group);
		return 0;
	}
	if (mgm_adopt_mfe_x(mgmd->m, &s, &g, e->iif) == MGM_NO_ERROR)
		(*n)++;
	return 0;
}

static void reconcile(struct mgmd *d)
{
	uint32_t n = 0;

	if (!mgm_dp_mfe_count(d->dp) && !mgm_dp_mfe6_count(d->dp))
		return;
	mgm_dp_mfe_foreach(d->dp, adopt_one, &n);
	mgm_dp_mfe6_foreach(d->dp, adopt_one6, &n);
	log_msg(LOG_NOTICE, "reconciled %u entries left by a previous mgmd", n);
}

/* Every interface the daemon attached: detach them on the way out. */
static void detach_all(struct mgmd *d)
{
	size_t i;
	uint32_t k;

	for (i = 0; i < d->cfg.n_phy; i++)
		mgm_dp_detach(d->dp, d->cfg.phy[i].ifindex);
	for (i = 0; i < d->cfg.n_routes; i++) {
		mgm_dp_detach(d->dp, d->cfg.routes[i].r.iif);
		for (k = 0; k < d->cfg.routes[i].r.n_oifs; k++)
			mgm_dp_detach(d->dp, d->cfg.routes[i].r.oifs[k]);
	}
	for (i = 0; i < d->n_extra; i++) {
		mgm_dp_detach(d->dp, d->extra_on[i].iif);
		for (k = 0; k < d->extra_on[i].n_oifs; k++)
			mgm_dp_detach(d->dp, d->extra_on[i].oifs[k]);
	}
}

int main(int argc, char **argv)
{
	static const struct option lopts[] = {
		{ "config", required_argument, NULL, 'f' },
		{ "foreground", no_argument, NULL, 'n' },
		{ "socket", required_argument, NULL, 's' },
		{ "pin-root", required_argument, NULL, 'P' },
		{ "keep-forwarding", no_argument, NULL, 'K' },
		{ "check-config", no_argument, NULL, 't' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "help", no_argument, NULL, 'h' },
		{},
	};
	static struct mgmd daemon_state;
	struct mgmd *d = &daemon_state;
	struct mgm_dp_opts dpo = { 0 };
	struct mgm_options mo = { 0 };
	struct config cfg;
	char err[512];
	int c, ret;

	mgmd = d;
	d->o.config = "/etc/mgmd.conf";
	d->o.socket = MGM_IPC_SOCKET_DEFAULT;
	d->o.pin_root = MGM_PIN_ROOT_DEFAULT;
	while ((c = getopt_long(argc, argv, "f:ns:tvh", lopts, NULL)) != -1) {
		switch (c) {
		case 'f':
			d->o.config = optarg;
			break;
		case 'n':
			d->o.foreground = true;
			break;
		case 's':
			d->o.socket = optarg;
			break;
		case 'P':
			d->o.pin_root = optarg;
			break;
		case 'K':
			d->o.keep_forwarding = true;
			break;
		case 't':
			d->o.check_only = true;
			break;
		case 'v':
			d->o.verbose++;
			break;
		case 'h':
			fputs(usage_text, stdout);
			return 0;
		default:
			fputs(usage_text, stderr);
			return 2;
		}
	}
	if (optind != argc) {
		fprintf(stderr, "mgmd: unexpected argument '%s'\n",
			argv[optind]);
		return 2;
	}
	/* Nothing is opened, attached, pinned or bound for a check. */
	if (d->o.check_only)
		return check_config(d->o.config);
	/* A bad configuration is reported before anything changes. */
	if (config_load(d->o.config, &cfg, err, sizeof(err)) ||
	    config_unservable(&cfg, err, sizeof(err))) {
		fprintf(stderr, "mgmd: %s\n", err);
		return 1;
	}
	/* daemon() leaves for /: a reload must find the same file. */
	if (d->o.config[0] != '/') {
		char *abs = realpath(d->o.config, NULL);

		if (abs)
			d->o.config = abs;
	}
	if (!d->o.foreground && daemon(0, 0)) {
		perror("mgmd: daemon");
		return 1;
	}
	log_open(d->o.foreground, d->o.verbose);
	d->started_ns = mgm_dp_now_ns();

	ret = loop_create(&d->loop);
	ret = ret ?: setup_signals(d);
	if (ret) {
		log_err("event loop: %s", strerror(-ret));
		return 1;
	}
	/* Before anything is attached: a taken port changes nothing. */
	ret = metrics_open(d, &cfg.metrics);
	if (ret) {
		log_err("%s:%d: metrics-listen %s: %s", d->o.config,
			cfg.metrics.listen_line, cfg.metrics.listen,
			strerror(-ret));
		return 1;
	}
	dpo.pin_root = d->o.pin_root;
	ret = mgm_dp_open(&dpo, &d->dp);
	if (ret) {
		log_err("fast path under %s: %s", d->o.pin_root,
			strerror(-ret));
		return 1;
	}
	d->ops = *mgm_dp_ops();
	d->ops.rpf_lookup = rpf_lookup;
	d->ops.mfe_install = mgmd_kmirror_mfe_install;
	d->ops.event_poll = mgmd_kmirror_event_poll;
	mo.dp_ops = &d->ops;
	mo.dp = d->dp;
	mo.log = mgm_log;
	mo.unowned_iif_no_mfe = true;
	mo.iif_permitted = iif_permitted;
	mo.iif_permitted_ctx = d;
	/* Unwanted entries: short-lived and bounded (config.c, "mfe"). */
	mo.negative_timeout = cfg.mfe.negative_timeout ?:
				      MGM_NEGATIVE_TIMEOUT_DEFAULT;
	mo.negative_per_if = cfg.mfe.negative_per_if ?:
				     MGM_NEGATIVE_PER_IF_DEFAULT;
	mo.max_mfes = cfg.mfe.max;
	ret = mgm_create(&mo, &d->m);
	ret = ret ?: loop_add(d->loop, mgm_fd(d->m), EPOLLIN, on_mgm, d);
	ret = ret ?: loop_add_ticker(d->loop, mgm_timeout, mgm_tick, d);
	ret = ret ?: static_create(d->m, &d->st);
	/* IGMP's timers come from the configuration: read them first. */
	d->cfg.igmp = cfg.igmp;
	ret = ret ?: mgmd_igmp_start(d);
	ret = ret ?: remote_init(d);
	if (ret) {
		log_err("controller: %s", strerror(-ret));
		return 1;
	}
	snprintf(d->cfg.path, sizeof(d->cfg.path), "%s", d->o.config);
	/* Before the configuration is applied: no appearance is missed. */
	ret = mgmd_link_open(d);
	if (ret) {
		log_err("rtnetlink: %s", strerror(-ret));
		return 1;
	}
	if (mgmd_apply_config(d, &cfg, err, sizeof(err))) {
		log_err("%s", err);
		return 1;
	}
	reconcile(d);
	ret = ctl_open(d, d->o.socket, d->cfg.socket_group);
	if (ret) {
		log_err("control socket %s: %s", d->o.socket, strerror(-ret));
		/* Not left forwarding with nobody to control it. */
		detach_all(d);
		return 1;
	}
	log_msg(LOG_NOTICE,
		"started: %zu interfaces, %zu routes, %u MFEs "
		"adopted from %s",
		d->cfg.n_phy, d->cfg.n_routes, mgm_dp_mfe_count(d->dp),
		d->o.pin_root);
	/* Configuration applied (forwarder attached), socket listening. */
	sd_notifyf(0, "READY=1\nSTATUS=%zu interfaces, %zu routes",
		   d->cfg.n_phy, d->cfg.n_routes);

	while (!d->stop)
		if (loop_run_once(d->loop, -1))
			break;

	sd_notify(0, d->stop_keep ? "STOPPING=1\nSTATUS=stopping, fast path "
				    "left forwarding" :
				    "STOPPING=1\nSTATUS=stopping: shutting "
				    "the protocols down");
	metrics_close(d);
	ctl_close(d->ctl);
	/* Mirrored entries never outlive mgmd: nothing would follow the
	 * kernel's changes.  The kernel forwards them from here. */
	mgmd_kmirror_stop(d);
	if (d->stop_keep) {
		/* Leave the fast path as it is: pins and programs stay. */
		log_msg(LOG_NOTICE, "stopping, fast path left forwarding");
		mgm_destroy(d->m);
		mgm_dp_close(d->dp);
		return 0;
	}
	log_msg(LOG_NOTICE, "stopping: shutting the protocols down");
	mgmd_link_close(d);
	remote_fini(d);
	static_destroy(d->st);
	d->st = NULL;
	mgmd_igmp_stop(d);
	detach_all(d);
	mgm_destroy(d->m);
	mgm_dp_close(d->dp);
	config_free(&d->cfg);
	config_free(&d->tmpl);
	free(d->names);
	loop_destroy(d->loop);
	return 0;
}
