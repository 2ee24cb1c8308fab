// SPDX-License-Identifier: GPL-2.0
/*
 * mgmctl - the command-line tool of mgmd, the multicast routing daemon.
 *
 *   mgmctl [-j|-p] [-s SOCKET] [--pin-root DIR] [-t SECONDS] COMMAND
 *
 * Grammar as bpftool's: command and object words match on any
 * unambiguous prefix ("sh mfe"), an ambiguous or unknown word is an error
 * with exit status 2.  mgmctl checks the shape of a command line itself
 * (so that a typo is a usage error even when mgmd is down), sends the
 * canonical words to mgmd over its control socket, and prints the JSON
 * answer as JSON (-j, -p) or as a table drawn from that JSON (render.c).
 *
 * Without a daemon, "show mfe" and "show stats" read the fast path's
 * pinned maps (offline.c), and "unpin" works on them (unpin.c); every
 * other command says mgmd is not running.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "mgm/mgm_ipc.h"
#include "mgm_fwd.h"
#include "mgmctl.h"

struct mgmctl_opts opts = {
	.socket = MGM_IPC_SOCKET_DEFAULT,
	.pin_root = MGM_PIN_ROOT_DEFAULT,
	.timeout_ms = 30000,
};

/* --format: table (default), json (as -j) or prometheus (show stats). */
static bool fmt_prometheus;

#define ROUTE_SYNTAX "from IF [source ADDR] group GROUP[/LEN] to IF [IF ...]"

/* ---- help texts ---------------------------------------------------------- */

static const char usage_text[] =
	"Usage: mgmctl [OPTIONS] COMMAND\n"
	"\n"
	"Commands (any unambiguous prefix will do, e.g. \"sh mfe\"):\n"
	"  show interfaces|protocols|groups|mfe|stats|remotes|kernel\n"
	"  add route " ROUTE_SYNTAX "\n"
	"  del route " ROUTE_SYNTAX "\n"
	"  take IF PROTOCOL          PROTOCOL takes ownership of IF\n"
	"  release IF PROTOCOL       PROTOCOL releases IF (the seed's release)\n"
	"  shutdown PROTOCOL         release every interface, then deregister\n"
	"  attach IF                 attach the XDP forwarder to IF\n"
	"  detach IF                 detach it\n"
	"  reload                    reload mgmd's configuration, say what changed\n"
	"  unpin                     remove the pinned maps (mgmd stopped)\n"
	"  help [COMMAND [OBJECT]]   this text, or a command's\n"
	"\n"
	"Options:\n"
	"  -j, --json           JSON output (errors too: {\"error\": \"...\"})\n"
	"  -p, --pretty         indented JSON output (implies -j)\n"
	"      --format FMT     table (default), json (as -j), or prometheus:\n"
	"                       \"show stats\" in the Prometheus text format\n"
	"  -s, --socket PATH    mgmd's control socket (default " MGM_IPC_SOCKET_DEFAULT
	")\n"
	"      --pin-root DIR   the fast path's pinned maps, read when mgmd is\n"
	"                       not running (default " MGM_PIN_ROOT_DEFAULT
	")\n"
	"  -t, --timeout SECS   give up when mgmd is silent that long (default 30;\n"
	"                       per message, so a long shutdown that keeps\n"
	"                       reporting its steps is never cut off)\n"
	"  -h, --help           help (after a command: that command's help)\n"
	"\n"
	"Output: tables by default, drawn from the JSON that mgmd sends, so the\n"
	"table and -j always agree.  Errors go to stderr as \"Error: ...\", or\n"
	"to stdout as {\"error\": \"...\"} with -j/-p.\n"
	"\n"
	"Exit status: 0 success; 1 the command failed (mgmd not running,\n"
	"refused, an MGM error); 2 bad command line (unknown, ambiguous or\n"
	"malformed words).\n"
	"\n"
	"Without mgmd, \"show mfe\" and \"show stats\" read the fast path's pinned\n"
	"maps (values only mgmd knows are null, \"-\" in tables) and \"unpin\"\n"
	"works on them; other commands fail with \"mgmd is not running\".\n"
	"\n"
	"Examples:\n"
	"  mgmctl show mfe\n"
	"  mgmctl -p sh st\n"
	"  mgmctl add route from eth0 group 239.1.1.1 to eth1 eth2\n"
	"  mgmctl shutdown static\n";

struct help {
	const char *name;
	const char *usage;
	const char *text;
	const char *example;
};

static const struct help show_help[] = {
	{ "interfaces", "show interfaces",
	  "Interfaces the daemon knows (configured, owned or in a route), with\n"
	  "their state (attached: the forwarder runs there; present: not\n"
	  "attached; absent: configured but not there, ifindex 0, used when it\n"
	  "appears), owner, IGMP, XDP attachment, TTL threshold and the fast\n"
	  "path's per-interface egress counters.\n"
	  "JSON: [{\"name\", \"ifindex\", \"state\", \"owner\" (protocol or \"-\"),\n"
	  "        \"igmp\" (bool), \"xdp\" (bool), \"ttl_threshold\",\n"
	  "        \"out_packets\", \"out_bytes\", \"ttl_too_low\", \"discards\"}]",
	  "mgmctl show interfaces" },
	{ "protocols", "show protocols",
	  "Routing protocols registered with the MGM, with the number of\n"
	  "interfaces they own and of their group memberships.\n"
	  "JSON: [{\"name\", \"protocol_id\", \"component_id\", \"interfaces\",\n"
	  "        \"memberships\"}]   (the table shows protocol_id in hex)",
	  "mgmctl -j show protocols" },
	{ "groups", "show groups",
	  "Group memberships: which protocol wants (source, group) on which\n"
	  "interface; source \"*\" is any source, (*,G).  IPv4 and IPv6\n"
	  "(family \"ipv4\" or \"ipv6\").\n"
	  "JSON: [{\"protocol\", \"interface\", \"source\", \"group\",\n"
	  "        \"family\"}]",
	  "mgmctl show groups" },
	{ "mfe", "show mfe [group G] [source S] [interface IF] [limit N]",
	  "Multicast forwarding entries: (source, group), incoming interface,\n"
	  "outgoing interfaces (none: a negative entry, dropping), the fast\n"
	  "path's 64-bit counters, and the controller's times in seconds.\n"
	  "IPv4 entries first, then IPv6 (family \"ipv4\" or \"ipv6\").\n"
	  "Filters: one group, one source (either family), an interface\n"
	  "(incoming or outgoing), at most N entries.  Read page by page,\n"
	  "printed as "
	  "they come (any table size costs mgmd and mgmctl one page).\n"
	  "Without mgmd the pinned maps are read, in the map's order:\n"
	  "uptime, expires, timeout, upstream, protocol and origin are\n"
	  "then null (\"-\").\n"
	  "JSON: [{\"source\", \"group\", \"family\", \"iif\", \"oifs\": [names],\n"
	  "        \"packets\",\n"
	  "        \"bytes\", \"wrong_if\", \"uptime\", \"expires\", \"timeout\",\n"
	  "        \"upstream\", \"protocol\", \"origin\"}]\n"
	  "Tables show times as 1h02m03s (exact to the second).",
	  "mgmctl show mfe\n"
	  "  mgmctl -j sh m | jq '.[] | select(.group == \"239.1.1.1\")'" },
	{ "stats", "show stats",
	  "The fast path's verdict counters (summed over CPUs) and the\n"
	  "controller's counters.  Without mgmd the pinned maps are read: the\n"
	  "controller's counters are null except mfes and out_sets.\n"
	  "JSON: {\"fastpath\": {\"rx\", \"forwarded\", \"no_entry\", ...},\n"
	  "       \"controller\": {\"events\", \"mfes\", \"mfes_created\",\n"
	  "         \"mfes_deleted\", \"mfes_expired\", \"install_errors\",\n"
	  "         \"mfes_out_of_sync\", \"install_retries\", \"misses_unowned\",\n"
	  "         \"mfes_negative\", \"negative_refused\", \"mfes_evicted\",\n"
	  "         \"mfes_refused\",\n"
	  "         \"callbacks\", \"out_sets\", \"uptime\"}}\n"
	  "With --format prometheus: every counter of mgmd (fast path,\n"
	  "controller, per interface, IGMP and MLD, protocols, kernel mirror,\n"
	  "and per MFE up to metrics-mfe-limit) in the Prometheus text\n"
	  "format 0.0.4, as mgmd's metrics-listen serves it (needs mgmd).",
	  "mgmctl show stats\n"
	  "  mgmctl show stats --format prometheus > mgm.prom" },
	{ "remotes", "show remotes",
	  "Routing protocols in other processes (libmgmclient), by the name\n"
	  "mgmctl uses for them (remote:NAME), with their process, whether\n"
	  "they are connected, and how their callbacks went.\n"
	  "JSON: [{\"name\", \"protocol_id\", \"component_id\", \"pid\",\n"
	  "        \"connected\" (bool), \"callbacks\", \"timeouts\",\n"
	  "        \"bad_answers\", \"families\": [\"ipv4\", \"ipv6\"]}]",
	  "mgmctl show remotes" },
	{ "kernel", "show kernel",
	  "The kernel's multicast routes as mgmd mirrors them (mirror-kernel):\n"
	  "each MFC entry of the tables (ipmr's, ip6mr's) with its family,\n"
	  "incoming interface, outgoing interfaces with TTL (hop limit)\n"
	  "thresholds (name:ttl), whether XDP forwards it (path xdp) or the\n"
	  "kernel (path kernel, and why), and the kernel's packet counter as\n"
	  "of its last notification.\n"
	  "JSON: {\"table\" (ipmr's), \"table6\" (ip6mr's), \"families\":\n"
	  "        [\"ipv4\", \"ipv6\"] (those the kernel routes),\n"
	  "        \"stats\": {\"entries\", \"mirrored\", \"updates\",\n"
	  "        \"deletes\", \"resyncs\", \"overruns\", \"vif_changes\",\n"
	  "        \"mgm_errors\"},\n"
	  "       \"entries\": [{\"source\", \"group\",\n"
	  "        \"family\" (\"ipv4\": ipmr's, \"ipv6\": ip6mr's),\n"
	  "        \"iif\", \"oifs\", \"path\", \"reason\", \"since\",\n"
	  "        \"kernel_packets\"}]}",
	  "mgmctl show kernel" },
};

#define N_SHOW (sizeof(show_help) / sizeof(show_help[0]))

static const struct help cmd_help[] = {
	{ "show", "show interfaces|protocols|groups|mfe|stats|remotes|kernel",
	  "Show the daemon's state; \"mgmctl help show OBJECT\" describes each\n"
	  "object and its JSON.",
	  "mgmctl show mfe\n  mgmctl -p show stats" },
	{ "add", "add route " ROUTE_SYNTAX,
	  "Add a static multicast route, as an \"mroute\" line of the\n"
	  "configuration: traffic to GROUP (a prefix: every group in it), from\n"
	  "ADDR or from any source, arriving on the first IF, is forwarded out\n"
	  "of the others.  The forwarder is attached to every interface named.\n"
	  "Routes added here survive a reload of the configuration.\n"
	  "JSON: {\"added\": \"ROUTE\"}",
	  "mgmctl add route from eth0 source 192.0.2.1 group 239.1.1.1 to eth1 eth2" },
	{ "del", "del route " ROUTE_SYNTAX,
	  "Delete a static route; it is named by its incoming interface,\n"
	  "source and group (the words are those of \"add route\").\n"
	  "JSON: {\"deleted\": \"ROUTE\"}",
	  "mgmctl del route from eth0 group 239.1.1.1 to eth1" },
	{ "take", "take IF PROTOCOL",
	  "PROTOCOL (static, igmp, mld, ...) takes ownership of IF, as\n"
	  "MgmTakeInterfaceOwnership (igmp: IGMPv3, mld: MLDv2 on IF; the\n"
	  "two are one MGM protocol, which owns IF while either runs).",
	  "mgmctl take eth3 static" },
	{ "release", "release IF PROTOCOL",
	  "PROTOCOL releases IF, as MgmReleaseInterfaceOwnership: the entries\n"
	  "arriving on IF are deleted and IF leaves every out-set; when the\n"
	  "command returns nothing is forwarded to or from IF for PROTOCOL.",
	  "mgmctl release eth3 static" },
	{ "shutdown", "shutdown PROTOCOL",
	  "Shut PROTOCOL down with the seed's sequence: release every\n"
	  "interface it owns, then deregister it; finally the old handle is\n"
	  "shown to be rejected.  Each step is printed as it happens.\n"
	  "JSON: one array, streamed element by element:\n"
	  "  {\"step\": \"begin\", \"protocol\", \"interfaces\", \"mfes\"}\n"
	  "  {\"step\": \"release\", \"interface\", \"result\", \"igmp_handoff\",\n"
	  "   \"mfes_left\", \"ms\"}   (one per interface)\n"
	  "  {\"step\": \"deregister\", \"result\"}\n"
	  "  {\"step\": \"handle\", \"result\"}\n"
	  "An error after the first step is the array's last element.",
	  "mgmctl shutdown static" },
	{ "attach", "attach IF",
	  "Attach the XDP forwarder to IF (native mode if the driver has it).\n"
	  "Another program already attached there is left alone (an error).\n"
	  "JSON: {\"attached\": \"IF\"}",
	  "mgmctl attach eth1" },
	{ "detach", "detach IF",
	  "Detach the forwarder from IF; never touches another program.\n"
	  "JSON: {\"detached\": \"IF\"}",
	  "mgmctl detach eth1" },
	{ "reload", "reload",
	  "Read mgmd's configuration file again and apply the difference, as\n"
	  "SIGHUP does, then print each change (routes and phyints added,\n"
	  "removed or changed, settings that apply at the next start).  A bad\n"
	  "file is refused whole (exit 1, FILE:LINE: problem) and nothing\n"
	  "changes.  Routes added with \"add route\" are kept.\n"
	  "JSON: {\"reloaded\": FILE, \"changes\": [\"route added: ...\", ...]}",
	  "mgmctl reload" },
	{ "unpin", "unpin",
	  "Remove the fast path's pinned maps under the pin root (--pin-root),\n"
	  "as an upgrade to a forwarder of another map layout (ABI) needs.\n"
	  "Refused while a process (mgmd) uses them.  This pin root's\n"
	  "forwarders still attached in this network namespace (left by\n"
	  "mgmd --keep-forwarding) are detached first: forwarding through them\n"
	  "stops here, until the next mgmd attaches.  Works without mgmd.\n"
	  "JSON: {\"unpinned\": DIR, \"maps\": N, \"detached\": [names]}",
	  "mgmctl unpin\n  mgmctl --pin-root /sys/fs/bpf/mgm2 unpin" },
	{ "help", "help [COMMAND [OBJECT]]",
	  "Help, in general or on a command.", "mgmctl help show mfe" },
};

#define N_CMDS (sizeof(cmd_help) / sizeof(cmd_help[0]))

static int print_help(const struct help *h)
{
	char text[4096];

	snprintf(text, sizeof(text),
		 "Usage: mgmctl [OPTIONS] %s\n\n%s\n\nExample:\n  %s\n",
		 h->usage, h->text, h->example);
	if (opts.json) {
		json_object *o = json_object_new_object();

		json_object_object_add(o, "help", json_object_new_string(text));
		render(VIEW_RESULT, o);
		json_object_put(o);
	} else {
		fputs(text, stdout);
	}
	return 0;
}

static int print_usage(void)
{
	if (opts.json) {
		json_object *o = json_object_new_object();

		json_object_object_add(o, "help",
				       json_object_new_string(usage_text));
		render(VIEW_RESULT, o);
		json_object_put(o);
	} else {
		fputs(usage_text, stdout);
	}
	return 0;
}

/* ---- prefix matching ----------------------------------------------------- */

/*
 * The shortest prefix accepted for a name.  "sh" must mean show, as in
 * bpftool, although it also starts shutdown: that one, which stops a
 * protocol, needs "shu" at least.
 */
static size_t min_prefix(const char *name)
{
	return !strcmp(name, "shutdown") ? 3 : 1;
}

/*
 * The index of the name that word is a prefix of (an exact name wins, a
 * name's minimum prefix length counts); -1 with an error printed if none
 * or several match.
 */
static int match(const char *word, const struct help *names, size_t n,
		 const char *what)
{
	char list[256] = "", amb[256] = "";
	size_t i, len = strlen(word), la = 0, ll = 0;
	int found = -1, count = 0, cands = 0;

	for (i = 0; i < n; i++) {
		ll += snprintf(list + ll, sizeof(list) - ll, "%s%s",
			       i ? ", " : "", names[i].name);
		if (ll >= sizeof(list))
			ll = sizeof(list) - 1;
		if (!strcmp(word, names[i].name))
			return (int)i;
		if (len && !strncmp(word, names[i].name, len)) {
			la += snprintf(amb + la, sizeof(amb) - la, "%s%s",
				       cands ? ", " : "", names[i].name);
			if (la >= sizeof(amb))
				la = sizeof(amb) - 1;
			cands++;
			if (len >= min_prefix(names[i].name)) {
				found = (int)i;
				count++;
			}
		}
	}
	if (count == 1)
		return found;
	if (cands > 1)
		p_err("ambiguous %s '%s': %s", what, word, amb);
	else
		p_err("unknown %s '%s' (%s)", what, word, list);
	return -1;
}

static bool is_help(const char *w)
{
	return !strcmp(w, "help") || !strcmp(w, "--help") || !strcmp(w, "-h");
}

static int usage_err(const struct help *h, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static int usage_err(const struct help *h, const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	p_err("%s; usage: mgmctl %s", msg, h->usage);
	return EXIT_USAGE;
}

/* ---- talking to mgmd ----------------------------------------------------- */

static bool not_running(int err)
{
	/* No socket file, or a stale one nobody listens on. */
	return err == -ENOENT || err == -ECONNREFUSED || err == -ENOTDIR;
}

static void connect_error(int err)
{
	if (not_running(err))
		p_err("mgmd is not running (cannot connect to %s): %s",
		      opts.socket, strerror(-err));
	else if (err == -EACCES || err == -EPERM)
		p_err("permission denied: cannot connect to %s (mgmd's control "
		      "socket admits root and the members of its "
		      "socket-group)",
		      opts.socket);
	else if (err == -ETIMEDOUT)
		p_err("mgmd did not accept the connection on %s within "
		      "%d.%03d s",
		      opts.socket, opts.timeout_ms / 1000,
		      opts.timeout_ms % 1000);
	else
		p_err("cannot connect to mgmd at %s: %s", opts.socket,
		      strerror(-err));
}

struct run {
	enum view view;
	bool stream;
	bool paged; /* show mfe: pages (MGM_IPC_F_PAGED) */
};

static void on_value(void *arg, json_object *o)
{
	struct run *r = arg;

	if (r->paged)
		page_value(r->view, o);
	else if (r->stream)
		stream_value(r->view, o);
	else
		render(r->view, o);
}

/* Run argv on mgmd; fd is connected.  The exit status. */
static int run_on(int fd, enum view v, bool stream, int argc, char **argv)
{
	struct run r = { .view = v, .stream = stream };
	char err[1024];
	int status;

	r.paged = v == VIEW_MFE;
	status = ipc_command(fd, argc, argv, on_value, &r, err, sizeof(err));
	close(fd);
	if (r.paged)
		page_end(v, *err ? err : NULL);
	else if (stream)
		stream_end(*err ? err : NULL);
	else if (*err)
		p_err("%s", err);
	if (!status && *err)
		status = 1;
	return status;
}

static int daemon_cmd(enum view v, bool stream, int argc, char **argv)
{
	int fd, err;

	err = ipc_connect(&fd);
	if (err) {
		connect_error(err);
		return 1;
	}
	return run_on(fd, v, stream, argc, argv);
}

/* ---- commands ------------------------------------------------------------ */

/* The table of each object of show_help, in its order. */
static const enum view show_views[] = {
	VIEW_INTERFACES, VIEW_PROTOCOLS, VIEW_GROUPS, VIEW_MFE,
	VIEW_STATS,	 VIEW_REMOTES,	 VIEW_KERNEL,
};

_Static_assert(sizeof(show_views) / sizeof(show_views[0]) == N_SHOW,
	       "one view per object of show");

static void on_metrics(void *arg, json_object *o)
{
	(void)arg;
	if (json_object_is_type(o, json_type_string))
		fputs(json_object_get_string(o), stdout);
	else
		p_err("unexpected answer to show metrics");
}

/* show stats --format prometheus: mgmd's text (metrics.c), as it is. */
static int show_prometheus(void)
{
	char *words[2] = { "show", "metrics" }, err[1024];
	int fd, status;

	status = ipc_connect(&fd);
	if (status) {
		connect_error(status);
		if (not_running(status))
			p_note("--format prometheus needs mgmd (the pinned maps "
			       "hold the fast path's counters only: see "
			       "\"show stats\")");
		return 1;
	}
	status = ipc_command(fd, 2, words, on_metrics, NULL, err, sizeof(err));
	close(fd);
	if (*err)
		p_err("%s", err);
	if (fflush(stdout)) {
		p_err("writing the metrics: %s", strerror(errno));
		return 1;
	}
	return !status && *err ? 1 : status;
}

/* show mfe [group G] [source S] [interface IF] [limit N], page by page. */
static int show_mfe(const struct help *h, int argc, char **argv)
{
	char *words[2 + 8 + 1] = { "show", "mfe" }, err[512];
	struct mfe_filter f;
	struct mgm_dp *dp;
	int fd, ret, k;

	if (argc > 8 || mfe_filter_parse(argc, argv, &f, err, sizeof(err)))
		return usage_err(h, "%s", argc > 8 ? "too many filters" : err);
	for (k = 0; k < argc; k++)
		words[2 + k] = argv[k];
	ret = ipc_connect(&fd);
	if (!ret)
		return run_on(fd, VIEW_MFE, false, 2 + argc, words);
	if (!not_running(ret)) {
		connect_error(ret);
		return 1;
	}
	/* The fast path outlives the daemon: read what it forwards. */
	if (offline_mfe_open(&dp, err, sizeof(err))) {
		p_err("mgmd is not running (cannot connect to %s) and %s",
		      opts.socket, err);
		return 1;
	}
	p_note("mgmd is not running; reading the fast path's pinned maps "
	       "under %s",
	       opts.pin_root);
	ret = offline_mfe_pages(dp, &f, err, sizeof(err));
	page_end(VIEW_MFE, ret ? err : NULL);
	return ret ? 1 : 0;
}

static int cmd_show(const struct help *h, int argc, char **argv)
{
	char *words[2] = { "show", NULL };
	char err[512];
	json_object *o = NULL;
	int i, fd, ret;

	if (argc < 2)
		return usage_err(h, "show what?");
	i = match(argv[1], show_help, N_SHOW, "object");
	if (i < 0)
		return EXIT_USAGE;
	if (argc > 2 && is_help(argv[2]))
		return print_help(&show_help[i]);
	if (fmt_prometheus && show_views[i] != VIEW_STATS)
		return usage_err(&show_help[i],
				 "--format prometheus is for show stats only");
	if (show_views[i] == VIEW_MFE)
		return show_mfe(&show_help[i], argc - 2, argv + 2);
	if (argc > 2)
		return usage_err(&show_help[i], "unexpected '%s'", argv[2]);
	if (fmt_prometheus)
		return show_prometheus();
	words[1] = (char *)show_help[i].name;
	ret = ipc_connect(&fd);
	if (!ret)
		return run_on(fd, show_views[i], false, 2, words);
	if (!not_running(ret) || show_views[i] != VIEW_STATS) {
		connect_error(ret);
		return 1;
	}
	/* The fast path outlives the daemon: read what it forwards. */
	ret = offline_stats(&o, err, sizeof(err));
	if (ret) {
		p_err("mgmd is not running (cannot connect to %s) and %s",
		      opts.socket, err);
		return 1;
	}
	p_note("mgmd is not running; reading the fast path's pinned maps "
	       "under %s",
	       opts.pin_root);
	render(show_views[i], o);
	json_object_put(o);
	return 0;
}

/*
 * The shape of a route, checked here so that a malformed one is a usage
 * error even without a daemon; the daemon checks the rest (interfaces
 * exist, the group is multicast, ...) with the configuration's parser.
 */
static int check_route(char **w, int n, char *err, size_t len)
{
	struct in6_addr a;
	char grp[64], *slash, *end;
	int i = 2, v6 = 0;

	if (n < 1 || strcmp(w[0], "from"))
		return snprintf(err, len, "expected 'from IF'");
	if (n < 2)
		return snprintf(err, len, "'from' needs an interface");
	if (i < n && !strcmp(w[i], "source")) {
		if (i + 1 >= n || (inet_pton(AF_INET, w[i + 1], &a) != 1 &&
				   inet_pton(AF_INET6, w[i + 1], &a) != 1))
			return snprintf(
				err, len,
				"'source' needs an IPv4 or IPv6 address");
		i += 2;
	}
	if (i + 1 >= n || strcmp(w[i], "group"))
		return snprintf(err, len, "expected 'group GROUP[/LEN]'%s%s%s",
				i < n ? ", not '" : "", i < n ? w[i] : "",
				i < n ? "'" : "");
	snprintf(grp, sizeof(grp), "%s", w[i + 1]);
	slash = strchr(grp, '/');
	if (slash)
		*slash++ = '\0';
	if (inet_pton(AF_INET6, grp, &a) == 1)
		v6 = 1;
	else if (inet_pton(AF_INET, grp, &a) != 1)
		return snprintf(err, len, "bad group address '%s'", grp);
	if (slash &&
	    (!*slash || strtoul(slash, &end, 10) > (v6 ? 128U : 32U) || *end))
		return snprintf(err, len, "bad prefix length '%s'", slash);
	i += 2;
	if (i >= n || strcmp(w[i], "to"))
		return snprintf(err, len, "expected 'to IF [IF ...]'%s%s%s",
				i < n ? ", not '" : "", i < n ? w[i] : "",
				i < n ? "'" : "");
	if (i + 1 >= n)
		return snprintf(err, len, "'to' needs at least one interface");
	return 0;
}

static const struct help route_obj[] = {
	{ "route", NULL, NULL, NULL },
};

static int cmd_route(const struct help *h, int argc, char **argv)
{
	char err[256];

	if (argc < 2)
		return usage_err(h, "%s what?", h->name);
	if (match(argv[1], route_obj, 1, "object") < 0)
		return EXIT_USAGE;
	if (argc > 2 && is_help(argv[2]))
		return print_help(h);
	if (check_route(argv + 2, argc - 2, err, sizeof(err)))
		return usage_err(h, "bad route: %s", err);
	argv[0] = (char *)h->name;
	argv[1] = "route";
	return daemon_cmd(VIEW_RESULT, false, argc, argv);
}

/* take/release IF PROTOCOL, shutdown PROTOCOL, attach/detach IF */
static int cmd_simple(const struct help *h, int argc, char **argv)
{
	int want = !strcmp(h->name, "take") || !strcmp(h->name, "release") ? 3 :
									     2;
	bool stream = !strcmp(h->name, "shutdown");

	if (argc == 2 && is_help(argv[1]))
		return print_help(h);
	if (argc != want)
		return usage_err(h, "%s arguments to %s",
				 argc < want ? "missing" : "too many", h->name);
	argv[0] = (char *)h->name;
	return daemon_cmd(stream ? VIEW_STEPS : VIEW_RESULT, stream, argc,
			  argv);
}

/* Text from the peer is printed: no control characters (escapes). */
static void print_clean(const char *fmt, const char *text)
{
	char *t = strdup(text ? text : "?");

	if (!t)
		return;
	for (char *c = t; *c; c++)
		if ((unsigned char)*c < 0x20 || *c == 0x7f)
			*c = '?';
	printf(fmt, t);
	free(t);
}

/* reload: "reloaded FILE", then one line per change (or "no changes"). */
static void on_reload(void *arg, json_object *o)
{
	json_object *f, *a;
	size_t i, n;

	(void)arg;
	if (opts.json || !json_object_object_get_ex(o, "reloaded", &f) ||
	    !json_object_object_get_ex(o, "changes", &a) ||
	    !json_object_is_type(a, json_type_array)) {
		render(VIEW_RESULT, o);
		return;
	}
	print_clean("reloaded %s\n", json_object_get_string(f));
	n = json_object_array_length(a);
	if (!n)
		puts("  no changes");
	for (i = 0; i < n; i++)
		print_clean("  %s\n", json_object_get_string(
					      json_object_array_get_idx(a, i)));
}

static int cmd_reload(const struct help *h, int argc, char **argv)
{
	char err[1024];
	int fd, status;

	if (argc == 2 && is_help(argv[1]))
		return print_help(h);
	if (argc != 1)
		return usage_err(h, "unexpected '%s'", argv[1]);
	argv[0] = (char *)h->name;
	status = ipc_connect(&fd);
	if (status) {
		connect_error(status);
		return 1;
	}
	status = ipc_command(fd, 1, argv, on_reload, NULL, err, sizeof(err));
	close(fd);
	if (*err)
		p_err("%s", err);
	return !status && *err ? 1 : status;
}

static int cmd_unpin(const struct help *h, int argc, char **argv)
{
	json_object *o = NULL;
	char err[512];

	if (argc == 2 && is_help(argv[1]))
		return print_help(h);
	if (argc != 1)
		return usage_err(h, "unexpected '%s'", argv[1]);
	if (unpin_run(&o, err, sizeof(err))) {
		p_err("%s", err);
		return 1;
	}
	render(VIEW_RESULT, o);
	json_object_put(o);
	return 0;
}

static int cmd_helpcmd(int argc, char **argv)
{
	int i, k;

	if (argc < 2)
		return print_usage();
	i = match(argv[1], cmd_help, N_CMDS, "command");
	if (i < 0)
		return EXIT_USAGE;
	if (argc > 2 && !strcmp(cmd_help[i].name, "show")) {
		k = match(argv[2], show_help, N_SHOW, "object");
		return k < 0 ? EXIT_USAGE : print_help(&show_help[k]);
	}
	return print_help(&cmd_help[i]);
}

static int dispatch(int argc, char **argv, bool help)
{
	const struct help *h;
	int i;

	i = match(argv[0], cmd_help, N_CMDS, "command");
	if (i < 0)
		return EXIT_USAGE;
	h = &cmd_help[i];
	if (!strcmp(h->name, "help"))
		return cmd_helpcmd(argc, argv);
	if (help) {
		/* "show mfe --help": the object's help */
		if (!strcmp(h->name, "show") && argc > 1) {
			i = match(argv[1], show_help, N_SHOW, "object");
			return i < 0 ? EXIT_USAGE : print_help(&show_help[i]);
		}
		return print_help(h);
	}
	if (!strcmp(h->name, "show"))
		return cmd_show(h, argc, argv);
	if (fmt_prometheus)
		return usage_err(h, "--format prometheus is for show stats "
				    "only");
	if (!strcmp(h->name, "add") || !strcmp(h->name, "del"))
		return cmd_route(h, argc, argv);
	if (!strcmp(h->name, "reload"))
		return cmd_reload(h, argc, argv);
	if (!strcmp(h->name, "unpin"))
		return cmd_unpin(h, argc, argv);
	return cmd_simple(h, argc, argv);
}

int main(int argc, char **argv)
{
	static const struct option lopts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "pretty", no_argument, NULL, 'p' },
		{ "socket", required_argument, NULL, 's' },
		{ "pin-root", required_argument, NULL, 'P' },
		{ "timeout", required_argument, NULL, 't' },
		{ "format", required_argument, NULL, 'F' },
		{ "help", no_argument, NULL, 'h' },
		{},
	};
	bool help = false;
	char *end;
	double t;
	int c;

	/*
	 * Options may also follow the command ("show mfe -j"), as getopt
	 * permutes; no command word starts with '-'.
	 */
	opterr = 0;
	while ((c = getopt_long(argc, argv, "jps:t:h", lopts, NULL)) != -1) {
		switch (c) {
		case 'j':
			opts.json = true;
			break;
		case 'p':
			opts.json = opts.pretty = true;
			break;
		case 's':
			opts.socket = optarg;
			break;
		case 'P':
			opts.pin_root = optarg;
			break;
		case 't':
			t = strtod(optarg, &end);
			if (*end || !(t > 0) || t > 86400) {
				p_err("bad timeout '%s' (seconds, > 0)",
				      optarg);
				return EXIT_USAGE;
			}
			opts.timeout_ms = (int)(t * 1000) ?: 1;
			break;
		case 'F':
			if (!strcmp(optarg, "json")) {
				opts.json = true;
			} else if (!strcmp(optarg, "prometheus")) {
				fmt_prometheus = true;
			} else if (strcmp(optarg, "table")) {
				p_err("bad format '%s' (table, json or "
				      "prometheus)",
				      optarg);
				return EXIT_USAGE;
			}
			break;
		case 'h':
			help = true;
			break;
		default:
			/* Now that -j may have been seen, fail in kind. */
			if (optopt)
				p_err("unknown option '-%c' or missing "
				      "argument (see mgmctl help)",
				      optopt);
			else
				p_err("unknown option '%s' (see mgmctl help)",
				      argv[optind - 1]);
			return EXIT_USAGE;
		}
	}
	if (optind == argc) {
		if (help)
			return print_usage();
		p_err("no command (see mgmctl help)");
		return EXIT_USAGE;
	}
	return dispatch(argc - optind, argv + optind, help);
}
