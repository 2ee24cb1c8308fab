/* SPDX-License-Identifier: GPL-2.0 */
/*
 * mgmd.h - the daemon's modules and their shared state.
 *
 *   main.c    start-up, signals, reload, shutdown
 *   loop.c    epoll event loop with tickers
 *   log.c     syslog or stderr
 *   config.c  the configuration file (and route syntax shared with mgmctl)
 *   ctl.c     the control socket: peers, framing, connections
 *   cmd.c     mgmctl's commands, answered in JSON
 *   remote.c  routing protocols in other processes
 *   mgmd_igmp.c  the IGMP router in the loop
 *   mgmd_kmirror.c  the kernel's multicast routes mirrored ("kernel")
 *   metrics.c the counters for Prometheus, and its HTTP listener
 *   prom.c    the Prometheus text format (pure functions)
 */
#ifndef MGMD_H
#define MGMD_H

#include <net/if.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>
#include <syslog.h>

#include "dp/dp.h"
#include "mgm/mgm.h"
#include "mgm/mgm_datapath.h"
#include "mgm/mgm_ipc.h"
#include "mgm/mgm_ipc_proto.h"
#include "proto/igmp.h"
#include "proto/kmirror.h"
#include "proto/static.h"

/* ---- log.c ------------------------------------------------------------ */

void log_open(bool foreground, int verbose);
void log_msg(int level, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
#define log_err(...) log_msg(LOG_ERR, __VA_ARGS__)
#define log_warn(...) log_msg(LOG_WARNING, __VA_ARGS__)
#define log_info(...) log_msg(LOG_INFO, __VA_ARGS__)
#define log_debug(...) log_msg(LOG_DEBUG, __VA_ARGS__)

/* ---- loop.c ----------------------------------------------------------- */

struct loop;
typedef void (*loop_fd_cb)(void *arg, int fd, uint32_t events);
/* A ticker says how long the loop may sleep (ms, -1: no limit) and does
 * its work when called after every wake-up. */
typedef int (*loop_timeout_cb)(void *arg);
typedef void (*loop_tick_cb)(void *arg);

int loop_create(struct loop **out);
void loop_destroy(struct loop *l);
int loop_add(struct loop *l, int fd, uint32_t events, loop_fd_cb cb, void *arg);
int loop_mod(struct loop *l, int fd, uint32_t events);
void loop_del(struct loop *l, int fd);
int loop_add_ticker(struct loop *l, loop_timeout_cb timeout, loop_tick_cb tick,
		    void *arg);
/* One round: wait (at most max_ms), handle fds, run the tickers. */
int loop_run_once(struct loop *l, int max_ms);

/* ---- config.c ---------------------------------------------------------- */

struct cfg_phyint {
	char name[IF_NAMESIZE];
	uint32_t ifindex; /* 0 in a file's configuration: see config_resolve */
	int ttl_threshold; /* -1: not set */
	int igmp; /* 0: off, 2 or 3 */
	int mld; /* 0: off, 1 or 2 */
	int line;
};

/*
 * A route by interface names; r's ifindexes are filled in (and absent
 * outgoing interfaces left out) by config_resolve.  line 0: from mgmctl.
 */
struct cfg_route {
	struct static_route r;
	int line;
	char iif_name[IF_NAMESIZE];
	char oif_name[STATIC_MAX_OIFS][IF_NAMESIZE];
};

struct cfg_igmp {
	uint32_t query_interval_ms;
	uint32_t query_response_interval_ms;
	uint32_t last_member_query_interval_ms;
	uint32_t robustness;
};

/* mirror-kernel [table N] [keepalive MS|off] */
struct cfg_kmirror {
	bool on;
	uint32_t table; /* 0: the default table */
	int keepalive_ms; /* -1: default (1000), 0: off */
	int line;
};

/*
 * mfe negative-timeout S | negative-per-interface N|off | max N: the
 * bounds on unwanted MFEs (struct mgm_options); 0: mgmd's default
 * (MGM_NEGATIVE_*_DEFAULT; max: the fast path's size).  Taken at start.
 */
struct cfg_mfe {
	uint32_t negative_timeout;
	uint32_t negative_per_if; /* UINT32_MAX: off */
	uint32_t max;
};

/*
 * "control ...": what a permitted peer of the control socket may hold
 * (README, "The control socket").  0: the default (CTL_DEF_*); read at
 * each use, so a reload applies to the next request or connection.
 */
struct cfg_control {
	uint32_t max_conns; /* connections in all */
	uint32_t max_conns_uid; /* connections of one peer uid */
	uint32_t max_output; /* bytes queued for a peer that does not read */
	uint32_t max_output_total; /* bytes queued for all peers together */
	uint32_t max_interfaces; /* per external protocol */
	uint32_t max_memberships; /* per external protocol */
	uint32_t max_enums; /* open group enumerations per connection */
};

#define CTL_DEF_MAX_CONNS 1024U
#define CTL_DEF_MAX_CONNS_UID 512U
#define CTL_DEF_MAX_OUTPUT (16U << 20)
#define CTL_DEF_MAX_OUTPUT_TOTAL (64U << 20)
#define CTL_DEF_MAX_INTERFACES 4096U
#define CTL_DEF_MAX_MEMBERSHIPS 65536U
#define CTL_DEF_MAX_ENUMS 16U

/*
 * metrics-listen ADDR:PORT ([IPv6]:PORT), metrics-mfe-limit N: mgmd's
 * Prometheus listener (metrics.c; taken at start) and how many per-MFE
 * series a scrape carries (0: none; read at each scrape).
 */
struct cfg_metrics {
	struct sockaddr_storage addr;
	socklen_t addr_len; /* 0: no listener */
	char listen[64]; /* as written */
	int listen_line;
	uint32_t mfe_limit;
};

#define METRICS_MFE_LIMIT_MAX 10000U

struct config {
	char path[256];
	struct cfg_phyint *phy;
	size_t n_phy;
	struct cfg_route *routes;
	size_t n_routes;
	struct cfg_igmp igmp;
	struct cfg_kmirror kmirror;
	char socket_group[64];
	struct cfg_mfe mfe;
	struct cfg_control control;
	int socket_group_line; /* 0: not given */
	struct cfg_metrics metrics;
};

/* Parse a configuration file; on error, err says "FILE:LINE: problem". */
int config_load(const char *path, struct config *c, char *err, size_t len);
/* Parse the text of a configuration (path names it in errors). */
int config_parse(const char *path, const char *text, struct config *c,
		 char *err, size_t len);
/*
 * "from IF [source ADDR] group GROUP[/LEN] to IF [IF ...]": words after
 * "add route" (mgmctl); every interface must exist, r comes resolved.
 */
int config_parse_route(char *const *w, int n, struct cfg_route *r, char *err,
		       size_t len);
/*
 * The configuration for the interfaces present now: phyints and routes
 * get their ifindexes; absent interfaces are left out (a route without
 * its iif or without any oif is left out whole).  The ifindex "gone" (0:
 * none) counts as absent, whatever the kernel says: an interface just
 * deleted whose name a new one may already carry.
 */
int config_resolve(const struct config *t, struct config *out, uint32_t gone);
/* One route of it: true if it can forward (its iif and an oif are there). */
bool config_route_resolve(const struct cfg_route *t, struct cfg_route *out,
			  uint32_t gone);
int config_dup(const struct config *c, struct config *out);
/* "from eth0 source 192.0.2.1 group 239.1.1.1 to eth1 eth2" */
void config_route_str(const struct static_route *r, char *buf, size_t len);
void config_free(struct config *c);

/* ---- the daemon --------------------------------------------------------- */

struct mgmd_opts {
	const char *config;
	const char *socket;
	const char *pin_root;
	bool foreground;
	bool keep_forwarding;
	bool check_only; /* -t: check the configuration, change nothing */
	int verbose;
};

struct ctl;
struct remote;

struct mgmd_name {
	char name[IF_NAMESIZE];
	uint32_t ifindex;
};

struct mgmd {
	struct mgmd_opts o;
	struct loop *loop;
	struct mgm_dp *dp;
	struct mgm *m;
	/* MGM's datapath: the fast path, with static routes as the
	 * multicast view of the routing table in front of its RPF. */
	struct mgm_datapath_ops ops;
	struct mgm_static *st; /* NULL once shut down */
	struct igmp *igmp; /* NULL once shut down */
	struct igmp_sock *isock;
	struct kmirror *km; /* NULL unless mirror-kernel */
	/* The configuration as read (interfaces by name), and as applied
	 * to the interfaces present (config_resolve). */
	struct config tmpl;
	struct config cfg;
	/* Routes added with mgmctl, kept across reloads: by name, and as
	 * applied (r.iif 0: waiting for its interfaces). */
	struct cfg_route *extra;
	struct static_route *extra_on;
	size_t n_extra;
	struct mgmd_link *link; /* rtnetlink: interfaces followed */
	/* Every interface name in use, with its ifindex at the last look. */
	struct mgmd_name *names;
	size_t n_names;
	struct ctl *ctl;
	struct remote *remote;
	int sig_fd;
	bool stop;
	bool stop_keep; /* leave forwarding on (SIGTERM + keep-forwarding) */
	/* "show stats", "control" (MGM_CTL_STATS, mgm/mgm_ipc_proto.h). */
	struct mgmd_ctl_stats {
#define MGMD_CTL_STATS(X) MGM_CTL_STATS(X)
#define X(name, desc) uint64_t name;
		MGMD_CTL_STATS(X)
#undef X
	} cstats;
	uint64_t started_ns;
};

extern struct mgmd *mgmd;

/* A limit of cfg_control, or its default. */
#define ctl_limit(d, field, def) \
	((d)->cfg.control.field ? (d)->cfg.control.field : (def))

/*
 * main.c: apply a configuration as read (start-up and SIGHUP) to the
 * interfaces present; on success it is mgmd's (*tmpl is emptied).
 */
int mgmd_apply_config(struct mgmd *d, struct config *tmpl, char *err,
		      size_t len);
/*
 * Read the configuration file again and apply the difference (SIGHUP and
 * mgmctl reload).  Once applied, each change is passed to note as one
 * line of text ("route added: ..."); on error nothing changed and err
 * says why (FILE:LINE: problem).  Routes added with mgmctl are kept.
 */
int mgmd_reload(struct mgmd *d, void (*note)(void *arg, const char *change),
		void *arg, char *err, size_t len);
/*
 * Interfaces came, went or changed: apply the configuration again to the
 * interfaces present, the ifindex "gone" counting as absent (0: none).
 */
void mgmd_relink(struct mgmd *d, uint32_t gone);
/* Is ifindex one mgmd forwards on (configured or added, now)? */
bool mgmd_if_used(const struct mgmd *d, uint32_t ifindex);

/* ---- link.c: interfaces followed with rtnetlink --------------------------- */

int mgmd_link_open(struct mgmd *d);
void mgmd_link_close(struct mgmd *d);
/* Names of a protocol ID ("static", "igmp", "remote:NAME", ...). */
const char *mgmd_protocol_name(uint32_t protocol_id, uint32_t component_id,
			       char *buf, size_t len);
/* Interface name or "ifN". */
const char *mgmd_ifname(uint32_t ifindex, char *buf);

/* ---- mgmd_igmp.c ----------------------------------------------------------- */

int mgmd_igmp_start(struct mgmd *d);
void mgmd_igmp_stop(struct mgmd *d);
/* Run IGMP (version 2 or 3) on ifindex, or stop it there (0). */
int mgmd_igmp_if(struct mgmd *d, uint32_t ifindex, int version);
int mgmd_igmp_version(uint32_t ifindex);
/* MLD on ifindex (version 1 or 2, 0: off), as mgmd_igmp_if(). */
int mgmd_mld_if(struct mgmd *d, uint32_t ifindex, int version);
int mgmd_mld_version(uint32_t ifindex);
void mgmd_igmp_apply(struct mgmd *d, const struct config *cur,
		     const struct config *next);

/* ---- mgmd_kmirror.c ------------------------------------------------------- */

/* Start, stop or retune the kernel mirror from cur's settings to next's.
 * 0, or a negative errno with err set (then nothing changed). */
int mgmd_kmirror_apply(struct mgmd *d, const struct config *cur,
		       const struct config *next, char *err, size_t len);
/* The seed for "kernel": its entries back to the kernel, its interfaces
 * released and detached; also on a --keep-forwarding stop, since no one
 * would follow the kernel's changes while mgmd is gone. */
void mgmd_kmirror_stop(struct mgmd *d);
/* The families the kernel routes (MGM_FAMILY_*: ipmr, ip6mr, probed);
 * why4 / why6[len] say why one is missing. */
uint32_t mgmd_kmirror_families(char *why4, char *why6, size_t len);
/* MGM's datapath with the mirror's policy in front (see kmirror.h). */
int mgmd_kmirror_mfe_install(void *dp, const struct mgm_addr *source,
			     const struct mgm_addr *group, uint32_t iif,
			     const uint32_t *oifs, uint32_t n);
int mgmd_kmirror_event_poll(void *dp, mgm_dp_event_cb cb, void *cb_ctx);

/* ---- ctl.c ---------------------------------------------------------------- */

struct conn;
int ctl_open(struct mgmd *d, const char *path, const char *group);
void ctl_close(struct ctl *c);
/* Queue a message to a connection (never blocks; drops the connection if
 * it does not read). */
int conn_send(struct conn *c, uint16_t type, uint32_t seq, uint32_t status,
	      const void *payload, size_t len);
/* Answer text (one MGM_IPC_OUTPUT). */
int conn_output(struct conn *c, const char *text);
/* End a command (MGM_IPC_DONE) and close once flushed. */
void conn_done(struct conn *c, int status, const char *error);
bool conn_json(const struct conn *c);
/*
 * Answer c step by step (a command handler's last call): step runs once
 * now and again each time the peer has read most of what was sent, one
 * step per event-loop iteration, until it returns true (then DONE is
 * sent, unless step ended the answer with conn_done); step_free(st) runs
 * at the end, also when the peer goes away first.
 */
void conn_stream(struct conn *c, bool (*step)(struct conn *c, void *st),
		 void (*step_free)(void *st), void *st);
/* The peer reads answers in pages (MGM_IPC_F_STREAM). */
bool conn_paged(const struct conn *c);
bool conn_pretty(const struct conn *c);
/* Per-connection slot for the remote-protocol module. */
void *conn_remote(struct conn *c);
void conn_set_remote(struct conn *c, void *r);

/* ---- cmd.c ----------------------------------------------------------------- */

/* Run one mgmctl command (argv) and answer on c. */
void cmd_run(struct conn *c, int argc, char **argv);
/* Stream one event of a running command (JSON object text). */
void cmd_event(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* ---- prom.c: the Prometheus text format, pure functions ------------------ */

/* Text that grows; max (0: none) bounds it: past it, oom is set. */
struct pbuf {
	char *p;
	size_t len, cap, max;
	bool oom;
};
void pb_add(struct pbuf *b, const char *s, size_t n);
void pb_printf(struct pbuf *b, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void pb_free(struct pbuf *b);
/* "# HELP name help" (escaped) and "# TYPE name type". */
void prom_family(struct pbuf *b, const char *name, const char *type,
		 const char *help);
/* "name{k="v",...} value": label name, value pairs, then NULL. */
void prom_sample(struct pbuf *b, const char *name, double value, ...)
	__attribute__((sentinel));
/* An HTTP request head so far: 0 incomplete, or 200, 400, 404, 405. */
int prom_http_status(const char *req, size_t len);

/* ---- metrics.c: what mgmd exposes, and its HTTP listener -------------------- */

/* Every metric, in the text format, into b: 0, or -ENOMEM. */
int metrics_render(struct mgmd *d, struct pbuf *b);
/* Listen as m says (nothing if no metrics-listen): 0 or -errno. */
int metrics_open(struct mgmd *d, const struct cfg_metrics *m);
void metrics_close(struct mgmd *d);

/* ---- remote.c --------------------------------------------------------------- */

int remote_init(struct mgmd *d);
void remote_fini(struct mgmd *d);
/* A request (types MGM_IPC_REQ_FIRST..LAST or MGM_IPC_CB_REPLY) from c. */
void remote_message(struct conn *c, const struct mgm_ipc_hdr *h,
		    const void *payload, size_t len);
/* c is closing: shut its protocols down as the seed says. */
void remote_conn_closed(struct conn *c);

/*
 * An interface is gone (name as the kernel said, may be ""): each remote
 * protocol that owned it, or ran IGMP there, has it released on its
 * behalf (owners first) and is told (MGM_IPC_EV_IF_GONE).
 */
void remote_if_gone(uint32_t ifindex, const char *name);
/* An interface named name is there (any RTM_NEWLINK, renames too): the
 * protocols that lost one by that name are told, once
 * (MGM_IPC_EV_IF_APPEARED). */
void remote_if_appeared(uint32_t ifindex, const char *name);
/* Link events were lost: every device a remote protocol took that is no
 * longer there (its ifindex absent, or under another name: a stranger)
 * is handled as gone. */
void remote_if_sweep(void);

/* For mgmctl: one remote protocol. */
struct remote_info {
	const char *name; /* "remote:LABEL", see remote_name() */
	mgm_handle_t handle;
	uint32_t protocol_id;
	uint32_t component_id;
	uint32_t pid; /* the client's, as it said; 0 if unknown */
	bool connected; /* false: gone, but MGM refused to deregister it */
	uint64_t callbacks; /* sent to it */
	uint64_t timeouts; /* answers that did not come in time */
	uint64_t bad_answers; /* malformed answers */
	uint32_t families; /* MGM_FAMILY_*: IPv4 unless REGISTER_X said */
};
/* Calls fn for each remote protocol; stops at fn's first non-zero. */
int remote_foreach(int (*fn)(void *arg, const struct remote_info *ri),
		   void *arg);
/* "remote:LABEL" of a remote protocol (LABEL: the name the client gave,
 * else its pid; "-2", "-3"... appended if taken), or NULL if it is not
 * one.  Valid until that protocol goes. */
const char *remote_name(uint32_t protocol_id, uint32_t component_id);
/* The seed for one remote protocol ("remote:LABEL" or "LABEL"): release
 * its interfaces, deregister, tell its process; each step is passed to
 * step as a JSON object.  0, -ENOENT (no such protocol) or -EBUSY (MGM
 * refused the deregistration; it keeps running). */
int remote_shutdown(const char *name, void (*step)(const char *json_event));

#endif /* MGMD_H */
