// SPDX-License-Identifier: GPL-2.0
/*
 * config.c - mgmd's configuration file, close to smcroute's:
 *
 *   phyint IF [ttl-threshold N] [igmp [v2|v3]] [mld [v1|v2]]
 *   mroute from IF [source ADDR] group GROUP[/LEN] to IF [IF ...]
 *   igmp query-interval SECONDS | query-response-interval SECONDS |
 *        last-member-query-interval MS | robustness N
 *        (for MLD as well: one router, one set of timers)
 *   socket-group GROUP
 *   mirror-kernel [table N] [keepalive MS|off]
 *   mfe negative-timeout SECONDS | negative-per-interface N|off | max N
 *   metrics-listen ADDR:PORT | [IPV6]:PORT
 *   metrics-mfe-limit N
 *
 * '#' starts a comment.  Every error names the file, the line and the
 * problem; a file with any error is refused whole.
 *
 * Interfaces are named, not resolved, here: an interface may be absent
 * when the file is read and appear later (config_resolve() makes the
 * configuration that applies to the interfaces present now).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mgmd.h"

#define MAX_WORDS 64

struct perr {
	const char *path;
	int line;
	char *buf;
	size_t len;
};

static int fail(struct perr *e, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static int fail(struct perr *e, const char *fmt, ...)
{
	va_list ap;
	int n = 0;

	if (e->path)
		n = snprintf(e->buf, e->len, "%s:%d: ", e->path, e->line);
	if (n < 0 || (size_t)n >= e->len)
		n = 0;
	va_start(ap, fmt);
	vsnprintf(e->buf + n, e->len - n, fmt, ap);
	va_end(ap);
	return -EINVAL;
}

static int parse_uint(const char *s, unsigned long max, unsigned long *out)
{
	char *end;

	if (!*s || *s == '-')
		return -1;
	errno = 0;
	*out = strtoul(s, &end, 10);
	return errno || *end || *out > max ? -1 : 0;
}

static int if_name(struct perr *e, const char *name, char *out)
{
	if (!*name || strlen(name) >= IF_NAMESIZE || strchr(name, '/'))
		return fail(e, "bad interface name '%s'", name);
	snprintf(out, IF_NAMESIZE, "%s", name);
	return 0;
}

/* The words of a route, interfaces by name (their ifindexes left 0). */
static int route_words(struct perr *e, char *const *w, int n,
		       struct cfg_route *cr)
{
	struct static_route *r = &cr->r;
	unsigned long len;
	char grp[64], *slash;
	uint8_t a[16];
	int i = 0, k, fam;

	memset(cr, 0, sizeof(*cr));
	cr->line = e->line;
	if (n < 1 || strcmp(w[0], "from"))
		return fail(e, "expected 'from IF'");
	if (n < 2)
		return fail(e, "'from' needs an interface");
	if (if_name(e, w[1], cr->iif_name))
		return -EINVAL;
	i = 2;
	if (i < n && !strcmp(w[i], "source")) {
		if (i + 1 < n && inet_pton(AF_INET, w[i + 1], a) == 1) {
			uint32_t sh = ntohl(*(uint32_t *)a);

			r->source = mgm_addr4(*(uint32_t *)a);
			if ((sh >> 28) >= 0xe || !(sh >> 24))
				return fail(
					e, "source %s is not a unicast address",
					w[i + 1]);
		} else if (i + 1 < n && inet_pton(AF_INET6, w[i + 1], a) == 1) {
			static const uint8_t zero[16], loop[16] = { [15] = 1 };

			r->source = mgm_addr6(a);
			if (a[0] == 0xff || !memcmp(a, zero, 16) ||
			    !memcmp(a, loop, 16))
				return fail(
					e, "source %s is not a unicast address",
					w[i + 1]);
		} else {
			return fail(e,
				    "'source' needs an IPv4 or IPv6 address");
		}
		i += 2;
	}
	if (i >= n || strcmp(w[i], "group") || i + 1 >= n)
		return fail(e, "expected 'group GROUP[/LEN]'");
	snprintf(grp, sizeof(grp), "%s", w[i + 1]);
	slash = strchr(grp, '/');
	if (slash)
		*slash = '\0';
	if (inet_pton(AF_INET, grp, a) == 1)
		fam = MGM_AF_INET;
	else if (inet_pton(AF_INET6, grp, a) == 1)
		fam = MGM_AF_INET6;
	else
		return fail(e, "bad group address '%s'", grp);
	len = fam == MGM_AF_INET ? 32 : 128;
	if (slash && parse_uint(slash + 1, len, &len))
		return fail(e, "bad prefix length '%s'", slash + 1);
	r->group = fam == MGM_AF_INET ? mgm_addr4(*(uint32_t *)a) :
					mgm_addr6(a);
	if (r->source.family && r->source.family != fam)
		return fail(e, "source %s and group %s are not of one family",
			    w[i - 1], grp);
	if (!r->source.family)
		r->source.family = (uint16_t)fam; /* any source */
	if (fam == MGM_AF_INET) {
		uint32_t g = ntohl(r->group.v4);

		if ((g >> 28) != 0xe)
			return fail(e, "%s is not a multicast group", grp);
		if ((g & 0xffffff00) == 0xe0000000)
			return fail(
				e,
				"%s is link-local (224.0.0.0/24), never routed",
				grp);
		if (len < STATIC_MIN_PREFIX)
			return fail(e,
				    "group prefix /%lu too wide (at most /%d)",
				    len, STATIC_MIN_PREFIX);
		if (len < 32 && (g & ~(~0U << (32 - len))))
			return fail(e, "%s/%lu has host bits set", grp, len);
	} else {
		uint32_t tail = ntohl(r->group.w[3]);

		if (a[0] != 0xff)
			return fail(e, "%s is not a multicast group", grp);
		if ((a[1] & 0x0f) <= 2)
			return fail(
				e,
				"%s has scope %u (interface- or link-local), never routed",
				grp, a[1] & 0x0f);
		if (len < STATIC_MIN_PREFIX6)
			return fail(e,
				    "group prefix /%lu too wide (at most /%d)",
				    len, STATIC_MIN_PREFIX6);
		if (len < 128 && (tail & ~(~0U << (128 - len))))
			return fail(e, "%s/%lu has host bits set", grp, len);
	}
	r->prefix_len = (uint8_t)len;
	i += 2;
	if (i >= n || strcmp(w[i], "to"))
		return fail(e, "expected 'to IF [IF ...]'");
	if (++i >= n)
		return fail(e, "'to' needs at least one interface");
	for (; i < n; i++) {
		if (r->n_oifs == STATIC_MAX_OIFS)
			return fail(e, "more than %d outgoing interfaces",
				    STATIC_MAX_OIFS);
		if (if_name(e, w[i], cr->oif_name[r->n_oifs]))
			return -EINVAL;
		if (!strcmp(w[i], cr->iif_name))
			return fail(e, "'%s' is both incoming and outgoing",
				    w[i]);
		for (k = 0; k < (int)r->n_oifs; k++)
			if (!strcmp(cr->oif_name[k], w[i]))
				return fail(e, "'%s' listed twice", w[i]);
		r->n_oifs++;
	}
	return 0;
}

/*
 * The interfaces of a route as present now: those absent (or gone, the
 * ifindex "gone", whatever the kernel says) are left out.  true if the
 * route can forward: its iif and at least one oif are there.
 */
bool config_route_resolve(const struct cfg_route *t, struct cfg_route *out,
			  uint32_t gone)
{
	uint32_t i, o;

	*out = *t;
	out->r.iif = if_nametoindex(t->iif_name);
	if (out->r.iif == gone)
		out->r.iif = 0;
	out->r.n_oifs = 0;
	for (i = 0; i < t->r.n_oifs; i++) {
		o = if_nametoindex(t->oif_name[i]);
		if (!o || o == gone)
			continue;
		snprintf(out->oif_name[out->r.n_oifs], IF_NAMESIZE, "%s",
			 t->oif_name[i]);
		out->r.oifs[out->r.n_oifs++] = o;
	}
	return out->r.iif && out->r.n_oifs;
}

int config_parse_route(char *const *w, int n, struct cfg_route *r, char *err,
		       size_t len)
{
	struct perr e = { .buf = err, .len = len };
	struct cfg_route t;
	uint32_t i;
	int ret;

	ret = route_words(&e, w, n, &t);
	if (ret)
		return ret;
	/* Given by hand, to act now: every interface must be there. */
	if (!if_nametoindex(t.iif_name))
		return fail(&e, "unknown interface '%s'", t.iif_name);
	for (i = 0; i < t.r.n_oifs; i++)
		if (!if_nametoindex(t.oif_name[i]))
			return fail(&e, "unknown interface '%s'",
				    t.oif_name[i]);
	config_route_resolve(&t, r, 0);
	return 0;
}

void config_route_str(const struct static_route *r, char *buf, size_t len)
{
	char s[MGM_ADDRSTRLEN], g[MGM_ADDRSTRLEN], ifn[IF_NAMESIZE];
	size_t n;
	uint32_t i;

	mgm_addr_ntop(&r->group, g, sizeof(g));
	n = snprintf(buf, len, "from %s", mgmd_ifname(r->iif, ifn));
	if (!mgm_addr_is_unspec(&r->source) && n < len)
		n += snprintf(buf + n, len - n, " source %s",
			      mgm_addr_ntop(&r->source, s, sizeof(s)));
	if (n < len)
		n += snprintf(buf + n, len - n, " group %s", g);
	if (r->prefix_len < (r->group.family == MGM_AF_INET ? 32 : 128) &&
	    n < len)
		n += snprintf(buf + n, len - n, "/%u", r->prefix_len);
	if (n < len)
		n += snprintf(buf + n, len - n, " to");
	for (i = 0; i < r->n_oifs && n < len; i++)
		n += snprintf(buf + n, len - n, " %s",
			      mgmd_ifname(r->oifs[i], ifn));
}

static int line_phyint(struct perr *e, char **w, int n, struct config *c)
{
	struct cfg_phyint p = { .ttl_threshold = -1, .line = e->line };
	unsigned long v;
	size_t k;
	int i;

	if (n < 2)
		return fail(e, "'phyint' needs an interface");
	if (if_name(e, w[1], p.name))
		return -EINVAL;
	for (i = 2; i < n; i++) {
		if (!strcmp(w[i], "ttl-threshold")) {
			if (i + 1 >= n || parse_uint(w[i + 1], 255, &v))
				return fail(e, "'ttl-threshold' needs 0..255");
			p.ttl_threshold = (int)v;
			i++;
		} else if (!strcmp(w[i], "igmp")) {
			p.igmp = 3;
			if (i + 1 < n && !strcmp(w[i + 1], "v2")) {
				p.igmp = 2;
				i++;
			} else if (i + 1 < n && !strcmp(w[i + 1], "v3")) {
				i++;
			}
		} else if (!strcmp(w[i], "mld")) {
			p.mld = 2;
			if (i + 1 < n && !strcmp(w[i + 1], "v1")) {
				p.mld = 1;
				i++;
			} else if (i + 1 < n && !strcmp(w[i + 1], "v2")) {
				i++;
			} else if (i + 1 < n && w[i + 1][0] == 'v') {
				return fail(e, "'mld' takes v1 or v2, not '%s'",
					    w[i + 1]);
			}
		} else {
			return fail(e, "unknown phyint option '%s'", w[i]);
		}
	}
	for (k = 0; k < c->n_phy; k++)
		if (!strcmp(c->phy[k].name, p.name))
			return fail(e, "phyint %s already declared on line %d",
				    w[1], c->phy[k].line);
	c->phy = realloc(c->phy, (c->n_phy + 1) * sizeof(*c->phy));
	if (!c->phy)
		return -ENOMEM;
	c->phy[c->n_phy++] = p;
	return 0;
}

static int line_mroute(struct perr *e, char **w, int n, struct config *c)
{
	struct cfg_route r;
	size_t k;
	int err;

	err = route_words(e, w + 1, n - 1, &r);
	if (err)
		return err;
	for (k = 0; k < c->n_routes; k++) {
		const struct static_route *o = &c->routes[k].r;

		if (!strcmp(c->routes[k].iif_name, r.iif_name) &&
		    static_route_same_traffic(o, &r.r))
			return fail(e, "same route as line %d",
				    c->routes[k].line);
	}
	c->routes = realloc(c->routes, (c->n_routes + 1) * sizeof(*c->routes));
	if (!c->routes)
		return -ENOMEM;
	c->routes[c->n_routes++] = r;
	return 0;
}

static int line_igmp(struct perr *e, char **w, int n, struct config *c)
{
	unsigned long v;

	if (n != 3 || parse_uint(w[2], 3600000, &v) || !v)
		return fail(e, "expected 'igmp SETTING VALUE' (VALUE > 0)");
	if (!strcmp(w[1], "query-interval"))
		c->igmp.query_interval_ms = v * 1000;
	else if (!strcmp(w[1], "query-response-interval"))
		c->igmp.query_response_interval_ms = v * 1000;
	else if (!strcmp(w[1], "last-member-query-interval"))
		c->igmp.last_member_query_interval_ms = v;
	else if (!strcmp(w[1], "robustness") && v <= 10)
		c->igmp.robustness = v;
	else
		return fail(e, "unknown igmp setting '%s' (or bad value)",
			    w[1]);
	return 0;
}

/*
 * mirror-kernel [table N] [keepalive MS|off]: mirror the kernel's
 * multicast routes (a routing daemon's) into the fast path.
 */
static int line_mirror(struct perr *e, char **w, int n, struct config *c)
{
	unsigned long v;
	int i;

	if (c->kmirror.on)
		return fail(e, "mirror-kernel already given on line %d",
			    c->kmirror.line);
	c->kmirror = (struct cfg_kmirror){ .on = true,
					   .keepalive_ms = -1,
					   .line = e->line };
	for (i = 1; i < n; i++) {
		if (!strcmp(w[i], "table") && i + 1 < n &&
		    !parse_uint(w[i + 1], 999999999UL, &v)) {
			c->kmirror.table = (uint32_t)v;
			i++;
		} else if (!strcmp(w[i], "keepalive") && i + 1 < n &&
			   !strcmp(w[i + 1], "off")) {
			c->kmirror.keepalive_ms = 0;
			i++;
		} else if (!strcmp(w[i], "keepalive") && i + 1 < n &&
			   !parse_uint(w[i + 1], 3600000UL, &v) && v >= 10) {
			c->kmirror.keepalive_ms = (int)v;
			i++;
		} else {
			return fail(e, "expected 'mirror-kernel [table N] "
				       "[keepalive MS|off]' (MS >= 10)");
		}
	}
	return 0;
}

/*
 * mfe negative-timeout SECONDS | negative-per-interface N|off | max N:
 * the bounds on MFEs nobody asked for (README, "Unwanted entries").
 */
static int line_mfe(struct perr *e, char **w, int n, struct config *c)
{
	unsigned long v;

	if (n != 3)
		return fail(e, "expected 'mfe negative-timeout SECONDS', "
			       "'mfe negative-per-interface N|off' or "
			       "'mfe max N'");
	if (!strcmp(w[1], "negative-timeout")) {
		if (parse_uint(w[2], 86400, &v) || !v)
			return fail(e,
				    "negative-timeout needs 1..86400 "
				    "seconds, not '%s'",
				    w[2]);
		c->mfe.negative_timeout = (uint32_t)v;
	} else if (!strcmp(w[1], "negative-per-interface")) {
		if (!strcmp(w[2], "off"))
			v = UINT32_MAX;
		else if (parse_uint(w[2], 16777216, &v) || !v)
			return fail(e,
				    "negative-per-interface needs 1..16777216 "
				    "or 'off', not '%s'",
				    w[2]);
		c->mfe.negative_per_if = (uint32_t)v;
	} else if (!strcmp(w[1], "max")) {
		if (parse_uint(w[2], 16777216, &v) || !v)
			return fail(e, "max needs 1..16777216, not '%s'", w[2]);
		c->mfe.max = (uint32_t)v;
	} else {
		return fail(e, "unknown mfe setting '%s'", w[1]);
	}
	return 0;
}

/* metrics-mfe-limit N: per-MFE series in a scrape, 0 (default): none. */
static int line_metrics_limit(struct perr *e, char **w, int n, struct config *c)
{
	unsigned long v;

	if (n != 2 || parse_uint(w[1], METRICS_MFE_LIMIT_MAX, &v))
		return fail(e, "metrics-mfe-limit needs 0..%u, not '%s'",
			    METRICS_MFE_LIMIT_MAX, n > 1 ? w[1] : "nothing");
	c->metrics.mfe_limit = (uint32_t)v;
	return 0;
}

/*
 * metrics-listen ADDR:PORT or [IPV6]:PORT: where mgmd serves GET /metrics
 * (metrics.c).  Numeric addresses only: no name is looked up.
 */
static int line_metrics_listen(struct perr *e, char **w, int n,
			       struct config *c)
{
	struct cfg_metrics *m = &c->metrics;
	struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)&m->addr;
	struct sockaddr_in *s4 = (struct sockaddr_in *)&m->addr;
	char host[64], *colon;
	unsigned long port;

	if (n != 2)
		return fail(e, "expected 'metrics-listen ADDR:PORT' or "
			       "'metrics-listen [IPV6]:PORT'");
	if (m->addr_len)
		return fail(e, "metrics-listen already given on line %d",
			    m->listen_line);
	if (strlen(w[1]) >= sizeof(host))
		return fail(e, "metrics-listen: '%s' is too long", w[1]);
	snprintf(host, sizeof(host), "%s", w[1]);
	colon = strrchr(host, ':');
	if (!colon || parse_uint(colon + 1, 65535, &port) || !port)
		return fail(e,
			    "metrics-listen: '%s' needs a port 1..65535 "
			    "after the last ':'",
			    w[1]);
	*colon = '\0';
	memset(&m->addr, 0, sizeof(m->addr));
	if (host[0] == '[') {
		size_t l = strlen(host);

		if (l < 3 || host[l - 1] != ']')
			return fail(e, "metrics-listen: bad address '%s'",
				    w[1]);
		host[l - 1] = '\0';
		if (inet_pton(AF_INET6, host + 1, &s6->sin6_addr) != 1)
			return fail(e,
				    "metrics-listen: '%s' is not an IPv6 "
				    "address",
				    host + 1);
		s6->sin6_family = AF_INET6;
		s6->sin6_port = htons((uint16_t)port);
		m->addr_len = sizeof(*s6);
	} else {
		if (inet_pton(AF_INET, host, &s4->sin_addr) != 1)
			return fail(e,
				    "metrics-listen: '%s' is not an IPv4 "
				    "address (IPv6: [ADDR]:PORT)",
				    host);
		s4->sin_family = AF_INET;
		s4->sin_port = htons((uint16_t)port);
		m->addr_len = sizeof(*s4);
	}
	snprintf(m->listen, sizeof(m->listen), "%s", w[1]);
	m->listen_line = e->line;
	return 0;
}

/*
 * control max-connections N | max-connections-per-uid N | max-output
 * BYTES[k|m] | max-output-total BYTES[k|m] | max-interfaces N |
 * max-memberships N | max-enumerations N:
 * what a permitted peer of the control socket may hold (README, "The
 * control socket").
 */
static int line_control(struct perr *e, char **w, int n, struct config *c)
{
	static const struct {
		const char *word;
		size_t off;
		unsigned long max;
		bool bytes; /* N, Nk or Nm, at least 64k */
	} lim[] = {
		{ "max-connections", offsetof(struct cfg_control, max_conns),
		  65536, false },
		{ "max-connections-per-uid",
		  offsetof(struct cfg_control, max_conns_uid), 65536, false },
		{ "max-output", offsetof(struct cfg_control, max_output),
		  1UL << 30, true },
		{ "max-output-total",
		  offsetof(struct cfg_control, max_output_total), 1UL << 31,
		  true },
		{ "max-interfaces",
		  offsetof(struct cfg_control, max_interfaces), 1UL << 24,
		  false },
		{ "max-memberships",
		  offsetof(struct cfg_control, max_memberships), 1UL << 24,
		  false },
		{ "max-enumerations", offsetof(struct cfg_control, max_enums),
		  1024, false },
	};
	unsigned long v, mul = 1;
	char num[32];
	size_t i, l;

	if (n != 3)
		return fail(e, "expected 'control SETTING N' (settings: "
			       "max-connections, max-connections-per-uid, "
			       "max-output, max-output-total, max-interfaces, "
			       "max-memberships, "
			       "max-enumerations)");
	for (i = 0; i < sizeof(lim) / sizeof(lim[0]); i++)
		if (!strcmp(w[1], lim[i].word))
			break;
	if (i == sizeof(lim) / sizeof(lim[0]))
		return fail(e, "unknown control setting '%s'", w[1]);
	snprintf(num, sizeof(num), "%s", w[2]);
	l = strlen(num);
	if (lim[i].bytes && l > 1 && strchr("kKmM", num[l - 1])) {
		mul = strchr("kK", num[l - 1]) ? 1024 : 1024 * 1024;
		num[l - 1] = '\0';
	}
	if (parse_uint(num, lim[i].max / mul, &v) || !v ||
	    (lim[i].bytes && v * mul < 65536))
		return fail(e, "%s needs %s..%lu%s, not '%s'", lim[i].word,
			    lim[i].bytes ? "65536" : "1", lim[i].max,
			    lim[i].bytes ? " bytes (or Nk, Nm)" : "", w[2]);
	*(uint32_t *)((char *)&c->control + lim[i].off) = (uint32_t)(v * mul);
	return 0;
}

int config_parse(const char *path, const char *text, struct config *c,
		 char *err, size_t len)
{
	struct perr e = { .path = path, .line = 1, .buf = err, .len = len };
	char *copy = strdup(text), *line, *save = NULL;
	int ret = 0;

	memset(c, 0, sizeof(*c));
	snprintf(c->path, sizeof(c->path), "%s", path);
	if (!copy)
		return -ENOMEM;
	/* strtok would merge empty lines and break the numbering. */
	for (line = copy; line && !ret; e.line++) {
		char *next = strchr(line, '\n'), *w[MAX_WORDS], *tok;
		int n = 0;

		if (next)
			*next++ = '\0';
		if (strchr(line, '#'))
			*strchr(line, '#') = '\0';
		for (tok = strtok_r(line, " \t\r", &save); tok;
		     tok = strtok_r(NULL, " \t\r", &save)) {
			if (n == MAX_WORDS) {
				ret = fail(&e, "line too long");
				break;
			}
			w[n++] = tok;
		}
		if (!ret && n) {
			if (!strcmp(w[0], "phyint"))
				ret = line_phyint(&e, w, n, c);
			else if (!strcmp(w[0], "mroute"))
				ret = line_mroute(&e, w, n, c);
			else if (!strcmp(w[0], "igmp"))
				ret = line_igmp(&e, w, n, c);
			else if (!strcmp(w[0], "mld"))
				ret = fail(&e,
					   "MLD uses the igmp settings: "
					   "write 'igmp %s ...' (they "
					   "apply to both)",
					   n > 1 ? w[1] : "SETTING");
			else if (!strcmp(w[0], "mirror-kernel"))
				ret = line_mirror(&e, w, n, c);
			else if (!strcmp(w[0], "mfe"))
				ret = line_mfe(&e, w, n, c);
			else if (!strcmp(w[0], "control"))
				ret = line_control(&e, w, n, c);
			else if (!strcmp(w[0], "metrics-listen"))
				ret = line_metrics_listen(&e, w, n, c);
			else if (!strcmp(w[0], "metrics-mfe-limit"))
				ret = line_metrics_limit(&e, w, n, c);
			else if (!strcmp(w[0], "socket-group") && n == 2) {
				snprintf(c->socket_group,
					 sizeof(c->socket_group), "%s", w[1]);
				c->socket_group_line = e.line;
			} else
				ret = fail(&e, "unknown statement '%s'", w[0]);
		}
		line = next;
	}
	free(copy);
	if (ret)
		config_free(c);
	return ret;
}

int config_load(const char *path, struct config *c, char *err, size_t len)
{
	FILE *f = fopen(path, "r");
	char *text = NULL;
	size_t n = 0, cap = 0, r;
	int ret;

	if (!f) {
		snprintf(err, len, "%s: %s", path, strerror(errno));
		return -errno;
	}
	do {
		if (n + 4096 + 1 > cap) {
			char *p = realloc(text, cap = (cap ? cap * 2 : 8192));

			if (!p) {
				fclose(f);
				free(text);
				return -ENOMEM;
			}
			text = p;
		}
		r = fread(text + n, 1, cap - n - 1, f);
		n += r;
	} while (r > 0 && n < (1 << 24));
	fclose(f);
	text[n] = '\0';
	if (strlen(text) != n) {
		free(text);
		snprintf(err, len, "%s: not a text file", path);
		return -EINVAL;
	}
	ret = config_parse(path, text, c, err, len);
	free(text);
	return ret;
}

int config_resolve(const struct config *t, struct config *out, uint32_t gone)
{
	size_t i;

	*out = *t;
	out->phy = calloc(t->n_phy + 1, sizeof(*out->phy));
	out->routes = calloc(t->n_routes + 1, sizeof(*out->routes));
	if (!out->phy || !out->routes) {
		config_free(out);
		return -ENOMEM;
	}
	out->n_phy = out->n_routes = 0;
	for (i = 0; i < t->n_phy; i++) {
		struct cfg_phyint p = t->phy[i];

		p.ifindex = if_nametoindex(p.name);
		if (p.ifindex && p.ifindex != gone)
			out->phy[out->n_phy++] = p;
	}
	for (i = 0; i < t->n_routes; i++)
		if (config_route_resolve(&t->routes[i],
					 &out->routes[out->n_routes], gone))
			out->n_routes++;
	return 0;
}

int config_dup(const struct config *c, struct config *out)
{
	*out = *c;
	out->phy = malloc((c->n_phy + 1) * sizeof(*c->phy));
	out->routes = malloc((c->n_routes + 1) * sizeof(*c->routes));
	if (!out->phy || !out->routes) {
		config_free(out);
		return -ENOMEM;
	}
	/* An empty configuration has NULL arrays: not for memcpy. */
	if (c->n_phy)
		memcpy(out->phy, c->phy, c->n_phy * sizeof(*c->phy));
	if (c->n_routes)
		memcpy(out->routes, c->routes,
		       c->n_routes * sizeof(*c->routes));
	return 0;
}

void config_free(struct config *c)
{
	free(c->phy);
	free(c->routes);
	c->phy = NULL;
	c->routes = NULL;
	c->n_phy = c->n_routes = 0;
}
