// SPDX-License-Identifier: GPL-2.0
/*
 * metrics.c - mgmd's counters in the Prometheus text format (prom.c), one
 * renderer for both ways out: "show metrics" on the control socket
 * (mgmctl show stats --format prometheus) and GET /metrics on the
 * optional HTTP listener (metrics-listen ADDR:PORT).
 *
 * The listener lives in mgmd's event loop and never blocks it: sockets
 * are non-blocking; a request head is at most METRICS_REQ_MAX bytes and
 * must come within METRICS_READ_MS; at most METRICS_CONNS connections
 * are open (a new one evicts the oldest still sending its request, so
 * idle clients cannot lock scrapers out); the answer is rendered once
 * into memory when the request is complete and written as the socket
 * takes it, within METRICS_WRITE_MS; then the connection closes
 * (Connection: close, HTTP/1.0 and 1.1).
 *
 * Per-MFE series are off by default: metrics-mfe-limit N emits those of
 * the first N MFEs in (group, source) order, and mgm_mfe_series_omitted
 * says how many of the fast path's entries were left out.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <netinet/in.h>

#include "mgmd.h"

/* ---- what is exposed ----------------------------------------------------- */

#define C "counter"
#define G "gauge"

static void one(struct pbuf *b, const char *name, const char *type,
		const char *help, double v)
{
	prom_family(b, name, type, help);
	prom_sample(b, name, v, NULL);
}

static void fastpath(struct mgmd *d, struct pbuf *b)
{
	struct mgm_counters cnt;
	const __u64 *v = (const __u64 *)&cnt;
	char name[96];
	int i = 0;

	if (mgm_dp_counters(d->dp, &cnt))
		return;
#define X(n, desc)                                                 \
	snprintf(name, sizeof(name), "mgm_fastpath_%s_total", #n); \
	one(b, name, C, "Fast path: " desc, (double)v[i++]);
	MGM_COUNTERS(X)
#undef X
}

static void controller(struct mgmd *d, struct pbuf *b)
{
	struct mgm_stats st;

	mgm_get_stats(d->m, &st);
	one(b, "mgm_controller_events_total", C,
	    "Fast-path events the controller handled", st.events);
	one(b, "mgm_mfes", G, "MFEs in the fast path", mgm_dp_mfe_count(d->dp));
	one(b, "mgm_mfes_created_total", C, "MFEs created", st.mfes_created);
	one(b, "mgm_mfes_deleted_total", C, "MFEs deleted", st.mfes_deleted);
	one(b, "mgm_mfes_expired_total", C, "MFEs expired", st.mfes_expired);
	one(b, "mgm_install_errors_total", C, "Installs the fast path refused",
	    st.install_errors);
	one(b, "mgm_mfes_out_of_sync", G,
	    "MFEs whose fast-path entry lags their memberships (retried)",
	    st.mfes_out_of_sync);
	one(b, "mgm_install_retries_total", C, "Retries of out-of-sync MFEs",
	    st.install_retries);
	one(b, "mgm_misses_unowned_total", C,
	    "Misses whose incoming interface no protocol owns",
	    st.misses_unowned);
	one(b, "mgm_mfes_negative", G, "MFEs without outgoing interfaces",
	    st.mfes_negative);
	one(b, "mgm_negative_refused_total", C,
	    "Negative MFEs refused (per-interface bound or table full)",
	    st.negative_refused);
	one(b, "mgm_mfes_evicted_total", C,
	    "Negative MFEs deleted to make room", st.mfes_evicted);
	one(b, "mgm_mfes_refused_total", C,
	    "MFEs with outgoing interfaces refused (table full)",
	    st.mfes_refused);
	one(b, "mgm_callbacks_total", C, "Callbacks to routing protocols",
	    st.callbacks);
	one(b, "mgm_out_sets", G, "Out-set slots in use",
	    mgm_dp_oset_count(d->dp));
	one(b, "mgm_uptime_seconds", G, "Seconds since mgmd started",
	    (double)((mgm_dp_now_ns() - d->started_ns) / 1000000000ULL));
#define X(n, desc)                            \
	one(b, "mgm_control_" #n "_total", C, \
	    "Control socket and external protocols: " desc, d->cstats.n);
	MGMD_CTL_STATS(X)
#undef X
}

/* ---- per interface -------------------------------------------------------- */

#define MAX_IFS 512

struct ifrow {
	uint32_t ifindex;
	char name[IF_NAMESIZE];
	struct mgm_dp_if_counters c;
	bool attached;
};

struct iftab {
	struct ifrow v[MAX_IFS];
	int n;
};

static void if_add(struct iftab *t, uint32_t ifindex)
{
	int i;

	if (!ifindex)
		return;
	for (i = 0; i < t->n; i++)
		if (t->v[i].ifindex == ifindex)
			return;
	if (t->n == MAX_IFS)
		return;
	t->v[t->n].ifindex = ifindex;
	t->n++;
}

static int if_of_mgm(void *arg, const struct mgm_interface_info *i)
{
	if_add(arg, i->ifindex);
	return 0;
}

#define IFSAMPLES(nm, type, help, field)                                 \
	do {                                                             \
		prom_family(b, nm, type, help);                          \
		for (i = 0; i < t->n; i++)                               \
			prom_sample(b, nm, (double)(field), "interface", \
				    t->v[i].name, NULL);                 \
	} while (0)

static void interfaces(struct mgmd *d, struct pbuf *b, struct iftab *t)
{
	size_t k;
	int i;

	/* The interfaces of "show interfaces", present now. */
	for (k = 0; k < d->cfg.n_phy; k++)
		if_add(t, d->cfg.phy[k].ifindex);
	mgm_foreach_interface(d->m, if_of_mgm, t);
	for (k = 0; k < d->n_names; k++)
		if_add(t, d->names[k].ifindex);
	for (i = 0; i < t->n; i++) {
		struct ifrow *r = &t->v[i];

		mgmd_ifname(r->ifindex, r->name);
		mgm_dp_if_counters(d->dp, r->ifindex, &r->c);
		r->attached = mgm_dp_is_attached(r->ifindex) > 0;
	}
	IFSAMPLES("mgm_interface_out_packets_total", C,
		  "Copies the fast path sent out of the interface",
		  t->v[i].c.out_packets);
	IFSAMPLES("mgm_interface_out_bytes_total", C,
		  "Bytes the fast path sent out of the interface",
		  t->v[i].c.out_bytes);
	IFSAMPLES("mgm_interface_ttl_too_low_total", C,
		  "Copies not sent: TTL not above the interface's threshold",
		  t->v[i].c.ttl_too_low);
	IFSAMPLES("mgm_interface_discards_total", C,
		  "Copies the interface did not take", t->v[i].c.discards);
	IFSAMPLES("mgm_interface_frag_needed_total", C,
		  "Copies larger than the interface's MTU (dropped)",
		  t->v[i].c.frag_needed);
	IFSAMPLES("mgm_interface_xdp_attached", G,
		  "1 if the XDP forwarder is attached to the interface",
		  t->v[i].attached);
}

/* ---- IGMP and MLD, per interface ----------------------------------------------- */

/*
 * MLD is IGMP's IPv6 half (one state machine, user/proto/igmp.c), but its
 * rows are their own series, mgm_mld_*, not mgm_igmp_* with a family
 * label: the IGMP series keep exactly the label sets dashboards and
 * alerts were written for (sum(mgm_igmp_groups), one series per
 * interface), MLD's versions (1, 2) are not IGMP's (1, 2, 3), and a few
 * counters exist for one family only (IGMPv1/v2 without Router Alert;
 * MLD's link-local source check).  README, "Metrics".
 */
struct gm_rows {
	uint16_t family; /* the rows of this family only */
	int n;
	struct igmp_if_info v[MAX_IFS];
	char ifn[MAX_IFS][IF_NAMESIZE];
};

static int gm_row(void *arg, const struct igmp_if_info *ii)
{
	struct gm_rows *r = arg;

	if (ii->family != r->family || r->n == MAX_IFS)
		return 0;
	r->v[r->n] = *ii;
	mgmd_ifname(ii->ifindex, r->ifn[r->n]);
	r->n++;
	return 0;
}

/* Help for IGMP (h4) and MLD (h6); "": no series for that family. */
static const struct {
	const char *name, *h4, *h6;
	size_t off;
} gm_fields[] = {
#define F2(f, n, h4, h6)                                     \
	{                                                    \
		n, h4, h6, offsetof(struct igmp_counters, f) \
	}
#define F(f, n, h) F2(f, n, h, h)
	F2(rx_packets, "rx_packets", "IGMP packets received",
	   "MLD packets received"),
	F2(rx_leave, "rx_leaves", "IGMPv2 leaves received",
	   "MLDv1 dones received"),
	F2(rx_no_ra, "rx_no_router_alert_accepted",
	   "v1/v2 messages accepted without Router Alert", ""),
	F2(bad_ip, "rx_bad_ip", "Rejected: bad IPv4 header",
	   "Rejected: bad IPv6 header or extension headers"),
	F(too_short, "rx_too_short", "Rejected: message too short"),
	F2(truncated, "rx_truncated", "Rejected: v3 list beyond the end",
	   "Rejected: MLDv2 list beyond the end"),
	F2(bad_checksum, "rx_bad_checksum", "Rejected: bad checksum",
	   "Rejected: bad ICMPv6 checksum"),
	F2(bad_ttl, "rx_bad_ttl", "Rejected: IP TTL other than 1",
	   "Rejected: hop limit other than 1"),
	F2(no_router_alert, "rx_no_router_alert",
	   "Rejected: IGMPv3 without Router Alert",
	   "Rejected: MLD without Router Alert"),
	F2(bad_src, "rx_bad_source", "",
	   "Rejected: source not link-local (or :: in a query)"),
	F(bad_dest, "rx_bad_destination", "Rejected: wrong destination"),
	F(bad_group, "rx_bad_group", "Rejected: group not multicast"),
	F2(unknown_type, "rx_unknown_type", "Rejected: other IGMP types",
	   "Rejected: other ICMPv6 types"),
	F(ignored_own, "rx_ignored_own", "Ignored: our own queries"),
	F2(ignored_version, "rx_ignored_version",
	   "Ignored: v3 reports on an IGMPv2 interface",
	   "Ignored: MLDv2 reports on an MLDv1 interface"),
	F(rec_processed, "records", "Group records processed"),
	F(rec_limit, "records_limited",
	  "Groups or sources dropped: limits reached"),
	F(tx_general_query, "tx_general_queries", "General queries sent"),
	F2(tx_group_query, "tx_group_queries", "Group-specific queries sent",
	   "Multicast-address-specific queries sent"),
	F2(tx_group_source_query, "tx_group_source_queries",
	   "Group-and-source-specific queries sent",
	   "Multicast-address-and-source-specific queries sent"),
	F(tx_errors, "tx_errors", "Send errors"),
	F(mgm_errors, "mgm_errors", "MGM calls that failed"),
#undef F
#undef F2
};

/* One family's series: IGMP (mgm_igmp_*) or MLD (mgm_mld_*). */
struct gm_family {
	uint16_t family;
	const char *prefix, *proto;
	int first, last; /* its versions, the "version" label */
	int index0; /* rx_query[] and rx_report[] index of version first */
};

static const struct gm_family gm_families[] = {
	{ MGM_AF_INET, "mgm_igmp_", "IGMP", 1, 3, 0 },
	/* MLDv1 counts in [1], MLDv2 in [2] (struct igmp_counters). */
	{ MGM_AF_INET6, "mgm_mld_", "MLD", 1, 2, 1 },
};

static double gm_count(const struct igmp_if_info *ii, size_t off)
{
	uint64_t v;

	memcpy(&v, (const char *)&ii->cnt + off, sizeof(v));
	return (double)v;
}

static void gm_versions(struct pbuf *b, const struct gm_rows *r,
			const struct gm_family *fam, const char *what,
			const char *help, bool reports)
{
	char name[64], ver[4];
	int i, v;

	snprintf(name, sizeof(name), "%s%s", fam->prefix, what);
	prom_family(b, name, C, help);
	for (i = 0; i < r->n; i++)
		for (v = fam->first; v <= fam->last; v++) {
			const struct igmp_counters *c = &r->v[i].cnt;
			int k = fam->index0 + v - fam->first;

			snprintf(ver, sizeof(ver), "%d", v);
			prom_sample(b, name,
				    (double)(reports ? c->rx_report[k] :
						       c->rx_query[k]),
				    "interface", r->ifn[i], "version", ver,
				    NULL);
		}
}

/* A gauge per interface. */
#define GM_GAUGE(what, help, field)                                      \
	do {                                                             \
		snprintf(name, sizeof(name), "%s" what, fam->prefix);    \
		prom_family(b, name, G, help);                           \
		for (i = 0; i < r->n; i++)                               \
			prom_sample(b, name, r->v[i].field, "interface", \
				    r->ifn[i], NULL);                    \
	} while (0)

static void gm_family(struct pbuf *b, const struct gm_rows *r,
		      const struct gm_family *fam)
{
	char name[64], help[96];
	size_t f;
	int i;

	if (!r->n)
		return; /* the family runs on no interface */
	for (f = 0; f < sizeof(gm_fields) / sizeof(gm_fields[0]); f++) {
		const char *h = fam->family == MGM_AF_INET ? gm_fields[f].h4 :
							     gm_fields[f].h6;

		if (!*h)
			continue;
		snprintf(name, sizeof(name), "%s%s_total", fam->prefix,
			 gm_fields[f].name);
		prom_family(b, name, C, h);
		for (i = 0; i < r->n; i++)
			prom_sample(b, name,
				    gm_count(&r->v[i], gm_fields[f].off),
				    "interface", r->ifn[i], NULL);
	}
	snprintf(help, sizeof(help),
		 "%s queries received from other routers, by version",
		 fam->proto);
	gm_versions(b, r, fam, "rx_queries_total", help, false);
	snprintf(help, sizeof(help),
		 "%s membership reports received, by version", fam->proto);
	gm_versions(b, r, fam, "rx_reports_total", help, true);
	snprintf(help, sizeof(help), "Groups %s holds", fam->proto);
	GM_GAUGE("groups", help, n_groups);
	GM_GAUGE("querier", "1 if mgmd is the querier", querier);
}

static void igmp(struct mgmd *d, struct pbuf *b)
{
	struct gm_rows *r;
	size_t k;

	if (!d->igmp)
		return;
	r = malloc(sizeof(*r));
	if (!r) {
		b->oom = true;
		return;
	}
	for (k = 0; k < sizeof(gm_families) / sizeof(gm_families[0]); k++) {
		r->family = gm_families[k].family;
		r->n = 0;
		igmp_foreach_if(d->igmp, gm_row, r);
		gm_family(b, r, &gm_families[k]);
	}
	free(r);
}

/* ---- protocols: MGM's and the remote ones ------------------------------------- */

#define MAX_PROTOS 256

struct protos {
	struct {
		char name[80];
		uint64_t a, b, c;
		bool up;
	} v[MAX_PROTOS];
	int n;
};

static int proto_row(void *arg, const struct mgm_protocol_info *p)
{
	struct protos *t = arg;

	if (t->n == MAX_PROTOS)
		return 1;
	mgmd_protocol_name(p->protocol_id, p->component_id, t->v[t->n].name,
			   sizeof(t->v[t->n].name));
	t->v[t->n].a = p->num_interfaces;
	t->v[t->n].b = p->num_memberships;
	t->n++;
	return 0;
}

static int remote_row(void *arg, const struct remote_info *ri)
{
	struct protos *t = arg;

	if (t->n == MAX_PROTOS)
		return 1;
	snprintf(t->v[t->n].name, sizeof(t->v[t->n].name), "%s", ri->name);
	t->v[t->n].a = ri->callbacks;
	t->v[t->n].b = ri->timeouts;
	t->v[t->n].c = ri->bad_answers;
	t->v[t->n].up = ri->connected;
	t->n++;
	return 0;
}

#define PSAMPLES(nm, type, help, field)                                       \
	do {                                                                  \
		prom_family(b, nm, type, help);                               \
		for (i = 0; i < t->n; i++)                                    \
			prom_sample(b, nm, (double)t->v[i].field, "protocol", \
				    t->v[i].name, NULL);                      \
	} while (0)

static void protocols(struct mgmd *d, struct pbuf *b)
{
	struct protos *t = calloc(1, sizeof(*t));
	int i;

	if (!t) {
		b->oom = true;
		return;
	}
	mgm_foreach_protocol(d->m, proto_row, t);
	if (t->n) {
		PSAMPLES("mgm_protocol_interfaces", G,
			 "Interfaces the protocol owns", a);
		PSAMPLES("mgm_protocol_memberships", G,
			 "Group memberships of the protocol", b);
	}
	t->n = 0;
	remote_foreach(remote_row, t);
	if (t->n) {
		PSAMPLES("mgm_remote_connected", G,
			 "1 if the external protocol's process is connected",
			 up);
		PSAMPLES("mgm_remote_callbacks_total", C,
			 "Callbacks sent to the external protocol", a);
		PSAMPLES("mgm_remote_timeouts_total", C,
			 "Callback answers that did not come in time", b);
		PSAMPLES("mgm_remote_bad_answers_total", C,
			 "Malformed callback answers", c);
	}
	free(t);
}

/* ---- the kernel mirror -------------------------------------------------------- */

static void kmirror(struct mgmd *d, struct pbuf *b)
{
	struct km_stats s;

	if (!d->km)
		return;
	kmirror_get_stats(d->km, &s);
	one(b, "mgm_kmirror_entries", G, "Kernel MFC entries mirrored",
	    s.entries);
	one(b, "mgm_kmirror_xdp_entries", G,
	    "Mirrored entries the fast path forwards", s.mirrored);
	one(b, "mgm_kmirror_updates_total", C,
	    "Route notifications applied (new or changed)", s.updates);
	one(b, "mgm_kmirror_deletes_total", C, "Route deletions applied",
	    s.deletes);
	one(b, "mgm_kmirror_resyncs_total", C, "Full dumps of the table",
	    s.resyncs);
	one(b, "mgm_kmirror_overruns_total", C,
	    "Full dumps after lost notifications (ENOBUFS)", s.overruns);
	one(b, "mgm_kmirror_vif_changes_total", C,
	    "mc_forwarding notifications", s.vif_changes);
	one(b, "mgm_kmirror_mgm_errors_total", C, "MGM calls that failed",
	    s.mgm_errors);
	one(b, "mgm_kmirror_bad_messages_total", C,
	    "Netlink datagrams ignored (not from the kernel, malformed)",
	    s.bad_messages);
}

/* ---- per MFE, bounded ------------------------------------------------------------ */

#define MFE_BUF 16384U

struct mfe_row {
	struct mgm_addr source, group;
	struct mgm_dp_mfe_counters c;
};

/* The first limit MFEs in (family, group, source) order, from MGM: IPv4
 * first, then IPv6 (mgm_get_*_mfe_x). */
static int mfe_rows(struct mgmd *d, struct mfe_row *rows, uint32_t limit)
{
	struct mgm_addr last_s = { 0 }, last_g = { 0 };
	uint32_t size, n, r, k, off, cap = MFE_BUF, got = 0;
	uint8_t *buf = malloc(cap);
	bool started = false, done = false;

	if (!buf)
		return -ENOMEM;
	while (!done && got < limit) {
		for (;;) {
			size = cap;
			n = 0;
			r = started ? mgm_get_next_mfe_x(d->m, &last_s, &last_g,
							 &size, buf, &n) :
				      mgm_get_first_mfe_x(d->m, &size, buf, &n);
			if (r != MGM_ERROR_INSUFFICIENT_BUFFER || size <= cap)
				break;
			free(buf);
			buf = malloc(size);
			cap = buf ? size : 0;
			if (!buf)
				return -ENOMEM;
		}
		started = true;
		done = r != MGM_ERROR_MORE_DATA;
		if (r != MGM_ERROR_MORE_DATA && r != MGM_ERROR_NO_MORE_ITEMS)
			n = 0;
		if (!n)
			break;
		for (k = 0, off = 0; k < n && got < limit; k++) {
			const struct mgm_mfe_x *e = (void *)(buf + off);

			last_s = e->source;
			last_g = e->group;
			/* Records are padded to 8 bytes. */
			off += (MGM_SIZEOF_MFE_X(e->num_oifs) + 7U) & ~7U;
			rows[got].source = e->source;
			rows[got].group = e->group;
			memset(&rows[got].c, 0, sizeof(rows[got].c));
			if (d->ops.mfe_counters)
				d->ops.mfe_counters(d->dp, &e->source,
						    &e->group, &rows[got].c);
			got++;
		}
	}
	free(buf);
	return (int)got;
}

/* Labels: source ("*" for any), group, family ("ipv4", "ipv6"). */
#define MSAMPLES(nm, help, field)                                              \
	do {                                                                   \
		prom_family(b, nm, C, help);                                   \
		for (i = 0; i < n; i++) {                                      \
			const struct mfe_row *w = &rows[i];                    \
                                                                               \
			mgm_addr_ntop(&w->source, s, sizeof(s));               \
			mgm_addr_ntop(&w->group, g, sizeof(g));                \
			prom_sample(b, nm, (double)w->c.field, "source",       \
				    mgm_addr_is_unspec(&w->source) ? "*" : s,  \
				    "group", g, "family",                      \
				    w->group.family == MGM_AF_INET6 ? "ipv6" : \
								      "ipv4",  \
				    NULL);                                     \
		}                                                              \
	} while (0)

static void mfes(struct mgmd *d, struct pbuf *b)
{
	uint32_t limit = d->cfg.metrics.mfe_limit, total;
	char s[MGM_ADDRSTRLEN], g[MGM_ADDRSTRLEN];
	struct mfe_row *rows = NULL;
	int i, n = 0;

	if (limit) {
		rows = calloc(limit, sizeof(*rows));
		n = rows ? mfe_rows(d, rows, limit) : -ENOMEM;
		if (n < 0) {
			b->oom = true;
			free(rows);
			return;
		}
	}
	one(b, "mgm_mfe_series_limit", G,
	    "Most MFEs with per-MFE series in a scrape (metrics-mfe-limit)",
	    limit);
	total = mgm_dp_mfe_count(d->dp);
	one(b, "mgm_mfe_series_omitted", G,
	    "MFEs of the fast path without per-MFE series in this scrape",
	    total > (uint32_t)n ? total - (uint32_t)n : 0);
	if (n > 0) {
		MSAMPLES("mgm_mfe_packets_total",
			 "Packets that matched the MFE", packets);
		MSAMPLES("mgm_mfe_bytes_total", "Bytes that matched the MFE",
			 bytes);
		MSAMPLES("mgm_mfe_wrong_if_total",
			 "Packets of the MFE on another interface than its "
			 "incoming one",
			 wrong_if);
		MSAMPLES("mgm_mfe_kernel_passes_total",
			 "Keepalive packets of the MFE left to the kernel",
			 kernel_passes);
	}
	free(rows);
}

static void listener(struct pbuf *b);

int metrics_render(struct mgmd *d, struct pbuf *b)
{
	struct iftab *t = calloc(1, sizeof(*t));

	if (!t)
		return -ENOMEM;
	fastpath(d, b);
	controller(d, b);
	interfaces(d, b, t);
	free(t);
	igmp(d, b);
	protocols(d, b);
	kmirror(d, b);
	mfes(d, b);
	listener(b);
	return b->oom ? -ENOMEM : 0;
}

/* ---- the HTTP listener ------------------------------------------------------------ */

#define METRICS_CONNS 16
#define METRICS_REQ_MAX 4096
#define METRICS_READ_MS 5000
#define METRICS_WRITE_MS 10000
#define METRICS_EVICT_MS 200 /* an idle request may be evicted after */
#define METRICS_OUT_MAX (64U << 20)

enum mstate { M_FREE, M_READ, M_WRITE };

struct mconn {
	enum mstate state;
	int fd;
	uint64_t since, deadline; /* ms */
	char req[METRICS_REQ_MAX];
	size_t rlen;
	char *out;
	size_t olen, off;
};

static struct {
	struct mgmd *d;
	int fd; /* -1: no listener */
	bool paused; /* full: not accepting (EPOLLIN off) */
	uint64_t evicted, timeouts;
	uint64_t answers[6]; /* by status: see codes[] */
	struct mconn c[METRICS_CONNS];
} mx = { .fd = -1 };

static const int codes[] = { 200, 400, 404, 405, 431, 500 };

/* The listener's own counters (this answer not counted yet). */
static void listener(struct pbuf *b)
{
	char code[12];
	size_t i;

	if (mx.fd < 0)
		return;
	prom_family(b, "mgm_metrics_http_answers_total", C,
		    "Answers of the metrics listener, by HTTP status");
	for (i = 0; i < sizeof(codes) / sizeof(codes[0]); i++) {
		snprintf(code, sizeof(code), "%d", codes[i]);
		prom_sample(b, "mgm_metrics_http_answers_total",
			    (double)mx.answers[i], "code", code, NULL);
	}
	one(b, "mgm_metrics_http_evicted_total", C,
	    "Connections closed to make room: no request within 200 ms, "
	    "all slots taken",
	    (double)mx.evicted);
	one(b, "mgm_metrics_http_timeouts_total", C,
	    "Connections closed at their read or write deadline",
	    (double)mx.timeouts);
}

static uint64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

static void mconn_close(struct mconn *c)
{
	if (c->state == M_FREE)
		return;
	loop_del(mx.d->loop, c->fd);
	close(c->fd);
	free(c->out);
	c->out = NULL;
	c->state = M_FREE;
	if (mx.paused && mx.fd >= 0) {
		mx.paused = false;
		loop_mod(mx.d->loop, mx.fd, EPOLLIN);
	}
}

static void mconn_write(struct mconn *c)
{
	ssize_t w;

	while (c->off < c->olen) {
		w = send(c->fd, c->out + c->off, c->olen - c->off,
			 MSG_NOSIGNAL | MSG_DONTWAIT);
		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
			return; /* EPOLLOUT brings us back */
		if (w <= 0) {
			mconn_close(c);
			return;
		}
		c->off += (size_t)w;
	}
	shutdown(c->fd, SHUT_WR);
	mconn_close(c);
}

static const char *reason(int status)
{
	switch (status) {
	case 200:
		return "OK";
	case 404:
		return "Not Found";
	case 405:
		return "Method Not Allowed";
	case 431:
		return "Request Header Fields Too Large";
	case 500:
		return "Internal Server Error";
	default:
		return "Bad Request";
	}
}

static void mconn_answer(struct mconn *c, int status)
{
	struct pbuf body = { .max = METRICS_OUT_MAX };
	struct pbuf out = { .max = METRICS_OUT_MAX + 512 };

	if (status == 200 && metrics_render(mx.d, &body)) {
		log_warn("metrics: the answer did not fit in memory");
		status = 500;
	}
	if (status != 200) {
		pb_free(&body);
		body.max = 0;
		pb_printf(&body, "%d %s\n", status, reason(status));
	}
	pb_printf(&out,
		  "HTTP/1.1 %d %s\r\n"
		  "Content-Type: %s\r\n"
		  "Content-Length: %zu\r\n"
		  "%s"
		  "Connection: close\r\n\r\n",
		  status, reason(status),
		  status == 200 ? "text/plain; version=0.0.4; charset=utf-8" :
				  "text/plain; charset=utf-8",
		  body.len, status == 405 ? "Allow: GET\r\n" : "");
	if (body.len)
		pb_add(&out, body.p, body.len);
	pb_free(&body);
	if (out.oom) {
		pb_free(&out);
		mconn_close(c);
		return;
	}
	for (size_t i = 0; i < sizeof(codes) / sizeof(codes[0]); i++)
		if (codes[i] == status)
			mx.answers[i]++;
	c->out = out.p;
	c->olen = out.len;
	c->off = 0;
	c->state = M_WRITE;
	c->deadline = now_ms() + METRICS_WRITE_MS;
	/* Nothing more is read: only whether it can take the answer. */
	loop_mod(mx.d->loop, c->fd, EPOLLOUT);
	mconn_write(c);
}

static void mconn_event(void *arg, int fd, uint32_t events)
{
	struct mconn *c = arg;
	ssize_t r;
	int status;

	(void)fd;
	if (c->state == M_WRITE) {
		if (events & (EPOLLERR | EPOLLHUP))
			mconn_close(c);
		else
			mconn_write(c);
		return;
	}
	if (c->state != M_READ)
		return;
	r = recv(c->fd, c->req + c->rlen, sizeof(c->req) - c->rlen,
		 MSG_DONTWAIT);
	if (r < 0 &&
	    (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR))
		return;
	if (r <= 0) {
		mconn_close(c); /* gone before a whole request */
		return;
	}
	c->rlen += (size_t)r;
	status = prom_http_status(c->req, c->rlen);
	if (!status && c->rlen == sizeof(c->req))
		status = 431;
	if (status)
		mconn_answer(c, status);
}

/*
 * A free slot, or (evict: a connection is known to wait) one freed by
 * answering requests already here or by evicting the oldest idle one.
 */
static struct mconn *slot(uint64_t now, bool evict)
{
	struct mconn *old = NULL;
	int i;

	for (i = 0; i < METRICS_CONNS; i++)
		if (mx.c[i].state == M_FREE)
			return &mx.c[i];
	if (!evict)
		return NULL;
	/* Requests already here are answered first: not evicted. */
	for (i = 0; i < METRICS_CONNS; i++)
		if (mx.c[i].state == M_READ)
			mconn_event(&mx.c[i], mx.c[i].fd, EPOLLIN);
	for (i = 0; i < METRICS_CONNS; i++) {
		if (mx.c[i].state == M_FREE)
			return &mx.c[i];
		if (mx.c[i].state == M_READ &&
		    mx.c[i].since + METRICS_EVICT_MS <= now &&
		    (!old || mx.c[i].since < old->since))
			old = &mx.c[i];
	}
	/* Full of clients slow to send their request: the oldest goes. */
	if (old) {
		mconn_close(old);
		mx.evicted++;
	}
	return old;
}

static void on_accept(void *arg, int fd, uint32_t events)
{
	uint64_t now = now_ms();
	struct mconn *c;
	int cfd, k;

	(void)arg;
	(void)events;
	for (k = 0; k < METRICS_CONNS; k++) {
		/* Only the first surely waits: epoll calls again for more. */
		c = slot(now, k == 0);
		if (!c && k)
			return;
		if (!c) {
			/* Left in the kernel's backlog until a slot frees
			 * (mconn_close) or one can be evicted (mx_tick). */
			loop_mod(mx.d->loop, fd, 0);
			mx.paused = true;
			return;
		}
		cfd = accept4(fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
		if (cfd < 0)
			return;
		c->fd = cfd;
		c->rlen = 0;
		c->since = now;
		c->deadline = now + METRICS_READ_MS;
		c->state = M_READ;
		if (loop_add(mx.d->loop, cfd, EPOLLIN | EPOLLRDHUP, mconn_event,
			     c)) {
			close(cfd);
			c->state = M_FREE;
		}
	}
}

static void resume(void)
{
	if (mx.paused && mx.fd >= 0) {
		mx.paused = false;
		loop_mod(mx.d->loop, mx.fd, EPOLLIN);
	}
}

static int mx_timeout(void *arg)
{
	uint64_t now = now_ms(), first = 0;
	int i;

	(void)arg;
	for (i = 0; i < METRICS_CONNS; i++) {
		uint64_t t = mx.c[i].deadline;

		if (mx.c[i].state == M_FREE)
			continue;
		/* Paused: wake when the oldest idle request can go. */
		if (mx.paused && mx.c[i].state == M_READ &&
		    mx.c[i].since + METRICS_EVICT_MS < t)
			t = mx.c[i].since + METRICS_EVICT_MS;
		if (!first || t < first)
			first = t;
	}
	if (!first)
		return -1;
	return first <= now ? 0 : (int)(first - now);
}

static void mx_tick(void *arg)
{
	uint64_t now = now_ms();
	int i;

	(void)arg;
	for (i = 0; i < METRICS_CONNS; i++) {
		if (mx.c[i].state == M_FREE)
			continue;
		if (mx.c[i].deadline <= now) {
			mconn_close(&mx.c[i]);
			mx.timeouts++;
		} else if (mx.paused && mx.c[i].state == M_READ &&
			   mx.c[i].since + METRICS_EVICT_MS <= now)
			resume(); /* on_accept evicts it for the next */
	}
}

int metrics_open(struct mgmd *d, const struct cfg_metrics *m)
{
	int fd, one_ = 1, err;

	mx.d = d;
	if (!m->addr_len)
		return 0;
	fd = socket(m->addr.ss_family,
		    SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one_, sizeof(one_));
	if (m->addr.ss_family == AF_INET6)
		setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one_, sizeof(one_));
	if (bind(fd, (const struct sockaddr *)&m->addr, m->addr_len) ||
	    listen(fd, 64)) {
		err = -errno;
		close(fd);
		return err;
	}
	err = loop_add(d->loop, fd, EPOLLIN, on_accept, NULL);
	if (err) {
		close(fd);
		return err;
	}
	mx.fd = fd;
	/* The ticker stays (tickers cannot be removed): idle once closed. */
	err = loop_add_ticker(d->loop, mx_timeout, mx_tick, NULL);
	if (err) {
		metrics_close(d);
		return err;
	}
	log_info("metrics: listening on %s", m->listen);
	return 0;
}

void metrics_close(struct mgmd *d)
{
	int i;

	(void)d;
	for (i = 0; i < METRICS_CONNS; i++)
		mconn_close(&mx.c[i]);
	if (mx.fd >= 0) {
		loop_del(mx.d->loop, mx.fd);
		close(mx.fd);
		mx.fd = -1;
	}
}
