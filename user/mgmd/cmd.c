// SPDX-License-Identifier: GPL-2.0
/*
 * cmd.c - mgmctl's commands.  Every answer is JSON (json-c); mgmctl prints
 * it as it is (-j, -p) or as a table, so the two always agree.  The schema
 * of each answer is documented in mgmctl's help and in README.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <net/if.h>

#include <json-c/json.h>

#include "mgmd.h"

static struct conn *cur; /* the connection of the running command */

/* Step timings want more than the coarse clock's 4 ms resolution. */
static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

/* An address of either family: its text, "*" for a wildcard. */
static json_object *jxaddr(const struct mgm_addr *a)
{
	char buf[MGM_ADDRSTRLEN];

	if (mgm_addr_is_unspec(a))
		return json_object_new_string("*");
	return json_object_new_string(mgm_addr_ntop(a, buf, sizeof(buf)));
}

/* The "family" of an object carrying addresses. */
static json_object *jfamily(uint16_t family)
{
	return json_object_new_string(family == MGM_AF_INET6 ? "ipv6" : "ipv4");
}

/* Entries in the fast path, both families. */
static uint32_t dp_mfes(void)
{
	return mgm_dp_mfe_count(mgmd->dp) + mgm_dp_mfe6_count(mgmd->dp);
}

static json_object *jif(uint32_t ifindex)
{
	char buf[IF_NAMESIZE];

	return json_object_new_string(mgmd_ifname(ifindex, buf));
}

static json_object *jproto(uint32_t id, uint32_t comp)
{
	char buf[64];

	if (!id)
		return json_object_new_string("-");
	return json_object_new_string(
		mgmd_protocol_name(id, comp, buf, sizeof(buf)));
}

#define ADD(o, k, v) json_object_object_add(o, k, v)
#define INT(v) json_object_new_int64((int64_t)(v))

static void reply(json_object *o)
{
	conn_output(cur, json_object_to_json_string_ext(
				 o, JSON_C_TO_STRING_PLAIN |
					    JSON_C_TO_STRING_NOSLASHESCAPE));
	json_object_put(o);
}

static int fail(int status, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static int fail(int status, const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	conn_done(cur, status, msg);
	return status;
}

void cmd_event(const char *fmt, ...)
{
	char msg[1024];
	va_list ap;

	if (!cur)
		return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	conn_output(cur, msg);
}

/* ---- show ------------------------------------------------------------- */

static int add_protocol(void *arg, const struct mgm_protocol_info *p)
{
	json_object *o = json_object_new_object();

	ADD(o, "name", jproto(p->protocol_id, p->component_id));
	ADD(o, "protocol_id", INT(p->protocol_id));
	ADD(o, "component_id", INT(p->component_id));
	ADD(o, "interfaces", INT(p->num_interfaces));
	ADD(o, "memberships", INT(p->num_memberships));
	json_object_array_add(arg, o);
	return 0;
}

struct if_row {
	uint32_t ifindex;
	json_object *o;
};

struct if_table {
	struct if_row v[512];
	int n;
};

static json_object *if_row(struct if_table *t, uint32_t ifindex)
{
	struct mgm_dp_if_counters ic = { 0 };
	struct mgm_dp_if_caps caps = { 0 };
	json_object *o;
	int i, att, tx;
	bool probed;

	for (i = 0; i < t->n; i++)
		if (t->v[i].ifindex == ifindex)
			return t->v[i].o;
	if (t->n == 512)
		return NULL;
	o = json_object_new_object();
	ADD(o, "name", jif(ifindex));
	ADD(o, "ifindex", INT(ifindex));
	ADD(o, "owner", json_object_new_string("-"));
	ADD(o, "igmp", json_object_new_boolean(0));
	att = mgm_dp_is_attached(ifindex);
	ADD(o, "state",
	    json_object_new_string(att > 0 ? "attached" : "present"));
	ADD(o, "xdp", json_object_new_boolean(att > 0));
	/* How it receives (our program on it) and how copies reach it. */
	ADD(o, "rx",
	    json_object_new_string(mgm_dp_rx_name(mgm_dp_if_rx(ifindex))));
	probed = !mgm_dp_if_probe(ifindex, &caps);
	tx = mgm_dp_if_tx(mgmd->dp, ifindex); /* as the fast path holds it */
	if (tx < 0 && probed)
		tx = caps.tx; /* what it would be */
	ADD(o, "tx",
	    json_object_new_string(probed && !caps.servable ? "refused" :
				   tx < 0		    ? "-" :
					    mgm_dp_tx_name(tx)));
	if (probed)
		ADD(o, "tx_why", json_object_new_string(caps.why));
	ADD(o, "mtu", INT(caps.mtu));
	ADD(o, "ttl_threshold", INT(1));
	mgm_dp_if_counters(mgmd->dp, ifindex, &ic);
	ADD(o, "out_packets", INT(ic.out_packets));
	ADD(o, "out_bytes", INT(ic.out_bytes));
	ADD(o, "ttl_too_low", INT(ic.ttl_too_low));
	ADD(o, "discards", INT(ic.discards));
	ADD(o, "frag_needed", INT(ic.frag_needed));
	t->v[t->n++] = (struct if_row){ ifindex, o };
	return o;
}

static int add_interface(void *arg, const struct mgm_interface_info *i)
{
	json_object *o = if_row(arg, i->ifindex);

	if (!o)
		return 0;
	if (i->owner_protocol_id)
		ADD(o, "owner",
		    jproto(i->owner_protocol_id, i->owner_component_id));
	ADD(o, "igmp", json_object_new_boolean(i->igmp));
	if (i->igmp && mgmd_igmp_version(i->ifindex))
		ADD(o, "igmp_version", INT(mgmd_igmp_version(i->ifindex)));
	if (i->igmp && mgmd_mld_version(i->ifindex))
		ADD(o, "mld_version", INT(mgmd_mld_version(i->ifindex)));
	return 0;
}

static void show_interfaces(void)
{
	struct if_table *t = calloc(1, sizeof(*t));
	json_object *a = json_object_new_array();
	size_t k;
	int i;

	if (!t) {
		fail(1, "out of memory");
		return;
	}
	for (k = 0; k < mgmd->cfg.n_phy; k++) {
		json_object *o = if_row(t, mgmd->cfg.phy[k].ifindex);

		if (o && mgmd->cfg.phy[k].ttl_threshold >= 0)
			ADD(o, "ttl_threshold",
			    INT(mgmd->cfg.phy[k].ttl_threshold));
	}
	mgm_foreach_interface(mgmd->m, add_interface, t);
	for (k = 0; k < mgmd->n_names; k++)
		if (mgmd->names[k].ifindex)
			if_row(t, mgmd->names[k].ifindex);
	for (i = 0; i < t->n; i++)
		json_object_array_add(a, t->v[i].o);
	/* Named by the configuration (or mgmctl), and not there now. */
	for (k = 0; k < mgmd->n_names; k++) {
		json_object *o;

		if (mgmd->names[k].ifindex)
			continue;
		o = json_object_new_object();
		ADD(o, "name", json_object_new_string(mgmd->names[k].name));
		ADD(o, "ifindex", INT(0));
		ADD(o, "state", json_object_new_string("absent"));
		ADD(o, "owner", json_object_new_string("-"));
		ADD(o, "igmp", json_object_new_boolean(0));
		ADD(o, "xdp", json_object_new_boolean(0));
		json_object_array_add(a, o);
	}
	free(t);
	reply(a);
}

static int add_membership(void *arg, const struct mgm_membership_info *mi)
{
	json_object *o = json_object_new_object();

	ADD(o, "protocol", jproto(mi->protocol_id, mi->component_id));
	ADD(o, "interface", jif(mi->ifindex));
	ADD(o, "source", jxaddr(&mi->xsource));
	ADD(o, "group", jxaddr(&mi->xgroup));
	ADD(o, "family", jfamily(mi->xgroup.family));
	json_object_array_add(arg, o);
	return 0;
}

static void mfe_json(json_object *a, const struct mgm_mfe_x *e)
{
	struct mgm_dp_mfe_counters c = { 0 };
	json_object *o = json_object_new_object(), *oifs;
	uint32_t i;

	ADD(o, "source", jxaddr(&e->source));
	ADD(o, "group", jxaddr(&e->group));
	ADD(o, "family", jfamily(e->group.family));
	ADD(o, "iif", jif(e->in_ifindex));
	oifs = json_object_new_array();
	for (i = 0; i < e->num_oifs; i++)
		json_object_array_add(oifs, jif(e->oifs[i].out_ifindex));
	ADD(o, "oifs", oifs);
	/* 64-bit counters straight from the fast path (MIB ones are 32). */
	if (mgmd->ops.mfe_counters)
		mgmd->ops.mfe_counters(mgmd->dp, &e->source, &e->group, &c);
	ADD(o, "packets", INT(c.packets));
	ADD(o, "bytes", INT(c.bytes));
	ADD(o, "wrong_if", INT(c.wrong_if));
	/* Kernel-mirrored entries: packets left to the kernel (keepalive). */
	ADD(o, "kernel_passes", INT(c.kernel_passes));
	ADD(o, "uptime", INT(e->uptime));
	ADD(o, "expires", INT(e->expiry));
	ADD(o, "timeout", INT(e->timeout));
	ADD(o, "upstream", jxaddr(&e->upstream));
	ADD(o, "protocol", jproto(e->in_if_protocol, 0));
	ADD(o, "origin", jproto(e->in_if_protocol, 0));
	json_object_array_add(a, o);
}

/*
 * show mfe [group G] [source S] [interface IF] [limit N]: produced a page
 * at a time as the peer reads (conn_stream), never the whole table at
 * once: mgmd's memory for it stays bounded whatever the table's size,
 * and the loop is held for one page (at most MFE_PAGE_BYTES of records,
 * ~270 MFEs) at a time, so IGMP, misses and other clients go on between
 * pages.  The walk continues after the last (S,G) seen, like
 * MgmGetNextMfe (mgm_get_next_mfe_x: both families, IPv4 first): MFEs
 * created or deleted meanwhile may or may not be listed, each listed one
 * is listed once, in (family, group, source) order.
 */
#define MFE_PAGE_BYTES 16384U

struct mfe_walk {
	struct mgm_addr last_s, last_g; /* the cursor */
	bool started;
	/* filters: family 0 (group, source) or ifindex 0: any */
	struct mgm_addr group, source;
	uint32_t ifindex;
	uint64_t limit, n; /* limit 0: none */
	bool opened; /* unpaged: the array's "[" is out */
	uint8_t *buf;
	uint32_t cap;
};

static bool addr_eq(const struct mgm_addr *a, const struct mgm_addr *b)
{
	return a->family == b->family && !memcmp(a->v6, b->v6, 16);
}

static bool mfe_match(const struct mfe_walk *w, const struct mgm_mfe_x *e)
{
	uint32_t i;

	if (w->source.family && !addr_eq(&e->source, &w->source))
		return false;
	if (!w->ifindex || e->in_ifindex == w->ifindex)
		return true;
	for (i = 0; i < e->num_oifs; i++)
		if (e->oifs[i].out_ifindex == w->ifindex)
			return true;
	return false;
}

/* The unpaged form: the elements of one array over several messages. */
static void mfe_emit(struct conn *c, struct mfe_walk *w, json_object *a,
		     bool last)
{
	const char *t = json_object_to_json_string_ext(
		a, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE);
	size_t len = strlen(t);
	char *s;

	if (conn_paged(c)) {
		if (json_object_array_length(a))
			conn_output(c, t);
		return;
	}
	s = malloc(len + 3);
	if (!s)
		return;
	/* t is "[...]": its inside, after "[" or ",". */
	len = json_object_array_length(a) ? len - 2 : 0;
	snprintf(s, len + 3, "%s%.*s%s",
		 !w->opened ? "[" :
		 len	    ? "," :
			      "",
		 (int)len, t + 1, last ? "]" : "");
	w->opened = true;
	if (*s)
		conn_output(c, s);
	free(s);
}

static bool mfe_step(struct conn *c, void *st)
{
	struct mfe_walk *w = st;
	json_object *a = json_object_new_array();
	uint32_t size, n = 0, r, k, off;
	bool done;

	for (;;) {
		size = w->cap;
		r = w->started ?
			    mgm_get_next_mfe_x(mgmd->m, &w->last_s, &w->last_g,
					       &size, w->buf, &n) :
			    mgm_get_first_mfe_x(mgmd->m, &size, w->buf, &n);
		if (r != MGM_ERROR_INSUFFICIENT_BUFFER || size <= w->cap)
			break;
		/* One MFE with more oifs than a page holds. */
		free(w->buf);
		w->buf = malloc(size);
		w->cap = w->buf ? size : 0;
		if (!w->buf)
			break;
	}
	w->started = true;
	done = r != MGM_ERROR_MORE_DATA;
	if (r != MGM_ERROR_MORE_DATA && r != MGM_ERROR_NO_MORE_ITEMS)
		n = 0;
	for (k = 0, off = 0; k < n; k++) {
		const struct mgm_mfe_x *e = (void *)(w->buf + off);

		w->last_s = e->source;
		w->last_g = e->group;
		/* Records are padded to 8 bytes. */
		off += (MGM_SIZEOF_MFE_X(e->num_oifs) + 7U) & ~7U;
		if (w->group.family && !addr_eq(&e->group, &w->group)) {
			done = true; /* past the group's MFEs */
			break;
		}
		if (!mfe_match(w, e))
			continue;
		mfe_json(a, e);
		if (w->limit && ++w->n >= w->limit) {
			done = true;
			break;
		}
	}
	mfe_emit(c, w, a, done);
	json_object_put(a);
	return done;
}

static void mfe_walk_free(void *st)
{
	struct mfe_walk *w = st;

	free(w->buf);
	free(w);
}

/* A filter's interface: its name, or "ifN" as listed once it is gone. */
static uint32_t ifindex_of(const char *name)
{
	unsigned int i;
	char end;

	if (sscanf(name, "if%u%c", &i, &end) == 1 && i)
		return i;
	return if_nametoindex(name);
}

static void show_mfe(int argc, char **argv)
{
	struct mfe_walk *w = calloc(1, sizeof(*w));
	struct in6_addr a6;
	struct in_addr a;
	unsigned long long v;
	char *end;
	int i;

	if (!w || !(w->buf = malloc(MFE_PAGE_BYTES))) {
		if (w)
			free(w);
		fail(1, "out of memory");
		return;
	}
	w->cap = MFE_PAGE_BYTES;
	for (i = 2; i < argc; i += 2) {
		const char *k = argv[i],
			   *val = i + 1 < argc ? argv[i + 1] : NULL;

		if (!strcmp(k, "group") && val &&
		    inet_pton(AF_INET, val, &a) == 1 &&
		    (ntohl(a.s_addr) >> 28) == 0xe) {
			w->group = mgm_addr4(a.s_addr);
		} else if (!strcmp(k, "group") && val &&
			   inet_pton(AF_INET6, val, &a6) == 1 &&
			   a6.s6_addr[0] == 0xff) {
			w->group = mgm_addr6(a6.s6_addr);
		} else if (!strcmp(k, "source") && val &&
			   inet_pton(AF_INET, val, &a) == 1 && a.s_addr) {
			w->source = mgm_addr4(a.s_addr);
		} else if (!strcmp(k, "source") && val &&
			   inet_pton(AF_INET6, val, &a6) == 1 &&
			   !IN6_IS_ADDR_UNSPECIFIED(&a6) &&
			   a6.s6_addr[0] != 0xff) {
			w->source = mgm_addr6(a6.s6_addr);
		} else if (!strcmp(k, "interface") && val) {
			w->ifindex = ifindex_of(val);
			if (!w->ifindex) {
				fail(2, "unknown interface '%s'", val);
				goto bad;
			}
		} else if (!strcmp(k, "limit") && val && *val != '-' &&
			   (errno = 0, v = strtoull(val, &end, 10), !errno) &&
			   !*end && v) {
			w->limit = v;
		} else if (!strcmp(k, "group") || !strcmp(k, "source") ||
			   !strcmp(k, "limit")) {
			fail(2, "'%s' needs %s, not '%s'", k,
			     !strcmp(k, "group")  ? "a multicast group" :
			     !strcmp(k, "source") ? "a unicast source address" :
						    "a count > 0",
			     val ? val : "nothing");
			goto bad;
		} else {
			fail(2,
			     "unexpected '%s' (filters: group G, source S, "
			     "interface IF, limit N)",
			     k);
			goto bad;
		}
	}
	if (w->source.family && w->group.family &&
	    w->source.family != w->group.family) {
		fail(2, "source and group of one family");
		goto bad;
	}
	if (w->group.family) {
		/* Start at the group: no MFE has an unspecified source. */
		w->last_s = (struct mgm_addr){ .family = w->group.family };
		w->last_g = w->group;
		w->started = true;
	}
	conn_stream(cur, mfe_step, mfe_walk_free, w);
	return;
bad:
	mfe_walk_free(w);
}

static void show_stats(void)
{
	json_object *o = json_object_new_object(), *fp, *ctl;
	struct mgm_counters cnt;
	struct mgm_stats st;
	const __u64 *v = (const __u64 *)&cnt;
	int i = 0;

	fp = json_object_new_object();
	if (!mgm_dp_counters(mgmd->dp, &cnt)) {
#define X(name, desc) ADD(fp, #name, INT(v[i++]));
		MGM_COUNTERS(X)
#undef X
	}
	ADD(o, "fastpath", fp);
	mgm_get_stats(mgmd->m, &st);
	ctl = json_object_new_object();
	ADD(ctl, "events", INT(st.events));
	ADD(ctl, "mfes", INT(dp_mfes()));
	ADD(ctl, "mfes_created", INT(st.mfes_created));
	ADD(ctl, "mfes_deleted", INT(st.mfes_deleted));
	ADD(ctl, "mfes_expired", INT(st.mfes_expired));
	ADD(ctl, "install_errors", INT(st.install_errors));
	ADD(ctl, "mfes_out_of_sync", INT(st.mfes_out_of_sync));
	ADD(ctl, "install_retries", INT(st.install_retries));
	ADD(ctl, "misses_unowned", INT(st.misses_unowned));
	ADD(ctl, "mfes_negative", INT(st.mfes_negative));
	ADD(ctl, "negative_refused", INT(st.negative_refused));
	ADD(ctl, "mfes_evicted", INT(st.mfes_evicted));
	ADD(ctl, "mfes_refused", INT(st.mfes_refused));
	ADD(ctl, "callbacks", INT(st.callbacks));
	ADD(ctl, "out_sets", INT(mgm_dp_oset_count(mgmd->dp)));
	ADD(ctl, "uptime",
	    INT((mgm_dp_now_ns() - mgmd->started_ns) / 1000000000ULL));
	ADD(o, "controller", ctl);
	/* The control socket's refusals, external protocols' answers. */
	ctl = json_object_new_object();
#define X(name, desc) ADD(ctl, #name, INT(mgmd->cstats.name));
	MGMD_CTL_STATS(X)
#undef X
	ADD(o, "control", ctl);
	reply(o);
}

/* ---- the kernel mirror ------------------------------------------------- */

static int add_kentry(void *arg, const struct km_entry_info *ki)
{
	const struct km_mfc *c = ki->mfc;
	json_object *o = json_object_new_object(), *oifs;
	char buf[IF_NAMESIZE + 8];
	uint32_t i;

	ADD(o, "source", jxaddr(&c->source));
	ADD(o, "group", jxaddr(&c->group));
	/* ipv4: ipmr's entry, ipv6: ip6mr's */
	ADD(o, "family", jfamily(c->group.family));
	ADD(o, "iif", c->iif ? jif(c->iif) : json_object_new_string("-"));
	oifs = json_object_new_array();
	for (i = 0; i < c->n_oifs; i++) {
		char ifn[IF_NAMESIZE];

		/* name:threshold, as /proc/net/ip_mr_cache shows vif:ttl */
		snprintf(buf, sizeof(buf), "%s:%u",
			 mgmd_ifname(c->oifs[i].ifindex, ifn), c->oifs[i].ttl);
		json_object_array_add(oifs, json_object_new_string(buf));
	}
	ADD(o, "oifs", oifs);
	ADD(o, "path",
	    json_object_new_string(ki->state == KM_XDP ? "xdp" : "kernel"));
	ADD(o, "reason", json_object_new_string(ki->reason ? ki->reason : "-"));
	ADD(o, "since",
	    INT(ki->since_ns ?
			(mgm_dp_now_ns() - ki->since_ns) / 1000000000ULL :
			0));
	/* As of the last notification or dump: the daemon's view. */
	ADD(o, "kernel_packets", INT(c->packets));
	json_object_array_add(arg, o);
	return 0;
}

static void show_kernel(void)
{
	json_object *o = json_object_new_object(), *a, *st, *fam;
	struct km_stats s;

	if (!mgmd->km) {
		fail(1, "the kernel mirror is off (no mirror-kernel line)");
		json_object_put(o);
		return;
	}
	kmirror_get_stats(mgmd->km, &s);
	ADD(o, "table", INT(kmirror_table(mgmd->km)));
	ADD(o, "table6", INT(kmirror_table6(mgmd->km)));
	/* The families mirrored: those the kernel routes (ipmr, ip6mr). */
	fam = json_object_new_array();
	if (kmirror_families(mgmd->km) & MGM_FAMILY_IPV4)
		json_object_array_add(fam, json_object_new_string("ipv4"));
	if (kmirror_families(mgmd->km) & MGM_FAMILY_IPV6)
		json_object_array_add(fam, json_object_new_string("ipv6"));
	ADD(o, "families", fam);
	st = json_object_new_object();
	ADD(st, "entries", INT(s.entries));
	ADD(st, "mirrored", INT(s.mirrored));
	ADD(st, "updates", INT(s.updates));
	ADD(st, "deletes", INT(s.deletes));
	ADD(st, "resyncs", INT(s.resyncs));
	ADD(st, "overruns", INT(s.overruns));
	ADD(st, "vif_changes", INT(s.vif_changes));
	ADD(st, "mgm_errors", INT(s.mgm_errors));
	ADD(o, "stats", st);
	a = json_object_new_array();
	kmirror_foreach(mgmd->km, add_kentry, a);
	ADD(o, "entries", a);
	reply(o);
}

static int add_remote(void *arg, const struct remote_info *ri)
{
	json_object *o = json_object_new_object(), *fam;

	ADD(o, "name", json_object_new_string(ri->name));
	ADD(o, "protocol_id", INT(ri->protocol_id));
	ADD(o, "component_id", INT(ri->component_id));
	ADD(o, "pid", INT(ri->pid));
	ADD(o, "connected", json_object_new_boolean(ri->connected));
	ADD(o, "callbacks", INT(ri->callbacks));
	ADD(o, "timeouts", INT(ri->timeouts));
	ADD(o, "bad_answers", INT(ri->bad_answers));
	/* The address families it takes part in (REGISTER_X). */
	fam = json_object_new_array();
	if (ri->families & MGM_FAMILY_IPV4)
		json_object_array_add(fam, json_object_new_string("ipv4"));
	if (ri->families & MGM_FAMILY_IPV6)
		json_object_array_add(fam, json_object_new_string("ipv6"));
	ADD(o, "families", fam);
	json_object_array_add(arg, o);
	return 0;
}

/* The Prometheus text (metrics.c) as one JSON string: mgmctl prints it. */
static void show_metrics(void)
{
	struct pbuf b = { .max = 64U << 20 };

	if (metrics_render(mgmd, &b)) {
		pb_free(&b);
		fail(1, "metrics: out of memory");
		return;
	}
	reply(json_object_new_string_len(b.p ? b.p : "", (int)b.len));
	pb_free(&b);
}

static void cmd_show(int argc, char **argv)
{
	json_object *a;

	if (argc < 2)
		return (void)fail(2, "show what? interfaces, protocols, "
				     "groups, mfe, stats or kernel");
	if (!strcmp(argv[1], "interfaces")) {
		show_interfaces();
	} else if (!strcmp(argv[1], "protocols")) {
		a = json_object_new_array();
		mgm_foreach_protocol(mgmd->m, add_protocol, a);
		reply(a);
	} else if (!strcmp(argv[1], "groups")) {
		a = json_object_new_array();
		mgm_foreach_membership(mgmd->m, add_membership, a);
		reply(a);
	} else if (!strcmp(argv[1], "remotes")) {
		a = json_object_new_array();
		remote_foreach(add_remote, a);
		reply(a);
	} else if (!strcmp(argv[1], "mfe")) {
		show_mfe(argc, argv);
	} else if (!strcmp(argv[1], "stats")) {
		show_stats();
	} else if (!strcmp(argv[1], "kernel")) {
		show_kernel();
	} else if (!strcmp(argv[1], "metrics")) {
		show_metrics();
	} else {
		fail(2,
		     "unknown object '%s' (interfaces, protocols, groups, "
		     "mfe, stats)",
		     argv[1]);
	}
}

/* ---- routes ------------------------------------------------------------ */

static void cmd_route(bool add, int argc, char **argv)
{
	struct cfg_route cr;
	struct static_route r;
	char err[256], text[512];
	size_t i;
	int ret;

	if (argc < 2 || strcmp(argv[1], "route"))
		return (void)fail(2,
				  "usage: %s route from IF [source ADDR] "
				  "group GROUP[/LEN] to IF [IF ...]",
				  argv[0]);
	if (!mgmd->st)
		return (void)fail(1, "the static protocol is shut down");
	if (config_parse_route(argv + 2, argc - 2, &cr, err, sizeof(err)))
		return (void)fail(2, "%s", err);
	r = cr.r;
	config_route_str(&r, text, sizeof(text));
	if (add) {
		struct static_route *on;
		struct cfg_route *p;

		ret = static_route_add(mgmd->st, &r);
		if (ret == -EEXIST)
			return (void)fail(1, "route exists: %s", text);
		if (ret == -EBUSY)
			return (void)fail(1,
					  "%s: an interface belongs to "
					  "another routing protocol, or "
					  "the traffic already comes from "
					  "another interface",
					  text);
		if (ret)
			return (void)fail(1, "%s: %s", text, strerror(-ret));
		/* Kept by name, to follow its interfaces (mgmd_relink). */
		p = realloc(mgmd->extra, (mgmd->n_extra + 1) * sizeof(*p));
		if (p)
			mgmd->extra = p;
		on = realloc(mgmd->extra_on, (mgmd->n_extra + 1) * sizeof(*on));
		if (on)
			mgmd->extra_on = on;
		if (p && on) {
			mgmd->extra[mgmd->n_extra] = cr;
			mgmd->extra_on[mgmd->n_extra++] = r;
		}
		mgm_dp_attach(mgmd->dp, r.iif, MGM_DP_XDP_AUTO);
		for (i = 0; i < r.n_oifs; i++)
			mgm_dp_attach(mgmd->dp, r.oifs[i], MGM_DP_XDP_AUTO);
	} else {
		ret = static_route_del(mgmd->st, &r);
		if (ret == -ENOENT)
			return (void)fail(1, "no such route: %s", text);
		for (i = 0; i < mgmd->n_extra; i++)
			if (!strcmp(mgmd->extra[i].iif_name, cr.iif_name) &&
			    static_route_same_traffic(&mgmd->extra[i].r, &r)) {
				mgmd->n_extra--;
				mgmd->extra[i] = mgmd->extra[mgmd->n_extra];
				mgmd->extra_on[i] =
					mgmd->extra_on[mgmd->n_extra];
				break;
			}
	}
	{
		json_object *o = json_object_new_object();

		ADD(o, add ? "added" : "deleted", json_object_new_string(text));
		reply(o);
	}
}

/* ---- interfaces ------------------------------------------------------------ */

static int if_arg(const char *name, uint32_t *ifindex)
{
	*ifindex = if_nametoindex(name);
	if (!*ifindex)
		return fail(2, "unknown interface '%s'", name);
	return 0;
}

static void cmd_attach(bool attach, int argc, char **argv)
{
	uint32_t ifindex;
	int ret;

	if (argc != 2)
		return (void)fail(2, "usage: %s IF", argv[0]);
	if (if_arg(argv[1], &ifindex))
		return;
	ret = attach ? mgm_dp_attach(mgmd->dp, ifindex, MGM_DP_XDP_AUTO) :
		       mgm_dp_detach(mgmd->dp, ifindex);
	if (ret == -EEXIST || ret == -EBUSY)
		return (void)fail(1, "%s runs another XDP program; left alone",
				  argv[1]);
	if (ret == -ENOENT)
		return (void)fail(1, "no forwarder attached to %s", argv[1]);
	if (ret)
		return (void)fail(1, "%s %s: %s", argv[0], argv[1],
				  strerror(-ret));
	{
		json_object *o = json_object_new_object();

		ADD(o, attach ? "attached" : "detached",
		    json_object_new_string(argv[1]));
		reply(o);
	}
}

/*
 * The seed, step by step, for the static protocol: release each interface
 * it owns (MGM deletes the entries tied to it, IGMP handing over around it
 * where it shares the interface), then deregister.  Each step is streamed
 * as it happens.
 */
struct igmp_q {
	uint32_t ifindex;
	bool *igmp;
};

static int igmp_on(void *arg, const struct mgm_interface_info *i)
{
	struct igmp_q *q = arg;

	if (i->ifindex == q->ifindex && i->igmp)
		*q->igmp = true;
	return 0;
}

static void shutdown_static(void)
{
	uint32_t ifs[256];
	mgm_handle_t h;
	int n, i;
	char ifn[IF_NAMESIZE];

	if (!mgmd->st)
		return (void)fail(1, "static is not running");
	h = static_handle(mgmd->st);
	n = static_interfaces(mgmd->st, ifs, 256);
	cmd_event("{\"step\":\"begin\",\"protocol\":\"static\","
		  "\"interfaces\":%d,\"mfes\":%u}",
		  n, dp_mfes());
	for (i = 0; i < n && i < 256; i++) {
		double t0 = now_ms();
		bool igmp = false;
		uint32_t r;

		/* Is IGMP also on it?  Then MGM disables and re-enables it. */
		mgm_foreach_interface(mgmd->m, igmp_on,
				      &(struct igmp_q){ ifs[i], &igmp });
		mgmd_ifname(ifs[i], ifn);
		r = mgm_release_interface_ownership(mgmd->m, h, ifs[i], 0);
		cmd_event("{\"step\":\"release\",\"interface\":\"%s\","
			  "\"result\":\"%s\",\"igmp_handoff\":%s,"
			  "\"mfes_left\":%u,\"ms\":%.2f}",
			  ifn, mgm_strerror(r), igmp ? "true" : "false",
			  dp_mfes(), now_ms() - t0);
		/* IGMP re-adds its members now, outside MGM's callback, as
		 * it would on its next tick: show it among the steps. */
		if (igmp && mgmd->igmp)
			igmp_tick(mgmd->igmp);
	}
	cmd_event("{\"step\":\"deregister\",\"result\":\"%s\"}",
		  mgm_strerror(mgm_deregister_protocol(mgmd->m, h)));
	/* The handle is dead now: show it. */
	cmd_event("{\"step\":\"handle\",\"result\":\"%s\"}",
		  mgm_strerror(mgm_take_interface_ownership(
			  mgmd->m, h, n ? ifs[0] : 1, 0)));
	/* Released and deregistered above: only the memory is left. */
	static_forget(mgmd->st);
	mgmd->st = NULL;
}

/* The operator's take and release, one interface at a time. */
static void cmd_own(bool take, int argc, char **argv)
{
	double t0 = now_ms();
	uint32_t ifindex;
	json_object *o;
	int ret;

	if (argc != 3)
		return (void)fail(2, "usage: %s IF PROTOCOL", argv[0]);
	if (if_arg(argv[1], &ifindex))
		return;
	if (!strcmp(argv[2], "igmp")) {
		if (!mgmd->igmp)
			return (void)fail(1, "igmp is not running");
		if (take == (mgmd_igmp_version(ifindex) != 0))
			return (void)fail(1, "igmp %s on %s",
					  take ? "already runs" :
						 "does not run",
					  argv[1]);
		ret = mgmd_igmp_if(mgmd, ifindex, take ? 3 : 0);
	} else if (!strcmp(argv[2], "mld")) {
		/* MLD is IGMP's IPv6 half: the same MGM protocol. */
		if (!mgmd->igmp)
			return (void)fail(1, "mld is not running");
		if (take == (mgmd_mld_version(ifindex) != 0))
			return (void)fail(1, "mld %s on %s",
					  take ? "already runs" :
						 "does not run",
					  argv[1]);
		ret = mgmd_mld_if(mgmd, ifindex, take ? 2 : 0);
	} else if (!strcmp(argv[2], "static")) {
		if (!mgmd->st)
			return (void)fail(1, "static is not running");
		ret = take ? static_if_take(mgmd->st, ifindex) :
			     static_if_release(mgmd->st, ifindex);
	} else {
		return (void)fail(1,
				  "unknown protocol '%s' (static, igmp, mld)",
				  argv[2]);
	}
	if (ret == -EBUSY)
		return (void)fail(1, "%s belongs to another routing protocol",
				  argv[1]);
	if (ret == -EEXIST)
		return (void)fail(1, "static already owns %s", argv[1]);
	if (ret == -ENOENT)
		return (void)fail(1, "static does not own %s", argv[1]);
	if (ret)
		return (void)fail(1, "%s %s static: %s", argv[0], argv[1],
				  strerror(-ret));
	o = json_object_new_object();
	ADD(o, take ? "taken" : "released", json_object_new_string(argv[1]));
	ADD(o, "protocol", json_object_new_string(argv[2]));
	ADD(o, "mfes", INT(dp_mfes()));
	ADD(o, "ms", json_object_new_double(now_ms() - t0));
	reply(o);
}

static void shutdown_igmp(void)
{
	if (!mgmd->igmp)
		return (void)fail(1, "igmp is not running");
	cmd_event("{\"step\":\"begin\",\"protocol\":\"igmp\","
		  "\"mfes\":%u}",
		  dp_mfes());
	/* igmp_destroy is the seed: releases, then deregistration. */
	mgmd_igmp_stop(mgmd);
	cmd_event("{\"step\":\"deregister\",\"result\":\"NO_ERROR\","
		  "\"mfes_left\":%u}",
		  dp_mfes());
}

/* Each step of a remote protocol's shutdown, streamed as it happens. */
static void remote_step(const char *json_event)
{
	cmd_event("%s", json_event);
}

static void cmd_shutdown(int argc, char **argv)
{
	int err;

	if (argc != 2)
		return (void)fail(2, "usage: shutdown PROTOCOL");
	if (!strcmp(argv[1], "static"))
		return shutdown_static();
	if (!strcmp(argv[1], "igmp"))
		return shutdown_igmp();
	err = remote_shutdown(argv[1], remote_step);
	if (err == -EBUSY)
		return (void)fail(1,
				  "%s: MGM refused to deregister it; it keeps "
				  "running",
				  argv[1]);
	if (err)
		fail(1, "unknown protocol '%s'", argv[1]);
}

/* ---- reload -------------------------------------------------------------- */

static void add_change(void *arg, const char *change)
{
	json_object_array_add(arg, json_object_new_string(change));
	log_msg(LOG_NOTICE, "reload: %s", change);
}

/* As SIGHUP, answering what changed: {"reloaded": FILE, "changes": [..]} */
static void cmd_reload(int argc, char **argv)
{
	json_object *o, *a;
	char err[512];

	(void)argv;
	if (argc != 1)
		return (void)fail(2, "usage: reload");
	a = json_object_new_array();
	if (mgmd_reload(mgmd, add_change, a, err, sizeof(err))) {
		json_object_put(a);
		log_err("reload refused, running state kept: %s", err);
		return (void)fail(1, "reload refused, running state kept: %s",
				  err);
	}
	log_msg(LOG_NOTICE, "configuration reloaded from %s (mgmctl)",
		mgmd->o.config);
	o = json_object_new_object();
	ADD(o, "reloaded", json_object_new_string(mgmd->o.config));
	ADD(o, "changes", a);
	reply(o);
}

static const char help_text[] =
	"{\"commands\":["
	"\"show interfaces|protocols|groups|stats|kernel|metrics\","
	"\"show mfe [group G] [source S] [interface IF] [limit N]\","
	"\"add route from IF [source ADDR] group GROUP[/LEN] to IF [IF ...]\","
	"\"del route from IF [source ADDR] group GROUP[/LEN] to IF [IF ...]\","
	"\"take IF PROTOCOL\",\"release IF PROTOCOL\","
	"\"shutdown PROTOCOL\",\"attach IF\",\"detach IF\",\"reload\","
	"\"help\"]}";

void cmd_run(struct conn *c, int argc, char **argv)
{
	cur = c;
	if (!argc || !strcmp(argv[0], "help"))
		conn_output(c, help_text);
	else if (!strcmp(argv[0], "show"))
		cmd_show(argc, argv);
	else if (!strcmp(argv[0], "add"))
		cmd_route(true, argc, argv);
	else if (!strcmp(argv[0], "del"))
		cmd_route(false, argc, argv);
	else if (!strcmp(argv[0], "attach"))
		cmd_attach(true, argc, argv);
	else if (!strcmp(argv[0], "detach"))
		cmd_attach(false, argc, argv);
	else if (!strcmp(argv[0], "take"))
		cmd_own(true, argc, argv);
	else if (!strcmp(argv[0], "release"))
		cmd_own(false, argc, argv);
	else if (!strcmp(argv[0], "shutdown"))
		cmd_shutdown(argc, argv);
	else if (!strcmp(argv[0], "reload"))
		cmd_reload(argc, argv);
	else
		fail(2, "unknown command '%s' (try help)", argv[0]);
	cur = NULL;
}
