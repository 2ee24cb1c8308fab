/* SPDX-License-Identifier: GPL-2.0 */
/*
 * mgmctl.h - the modules of mgmctl, mgmd's command-line tool.
 *
 *   main.c     options, the command grammar (prefix matching), help texts
 *   ipc.c      the control socket: connect, send one command, read the
 *              answer (bounded by a timeout), split it into JSON values
 *   render.c   JSON or tables, both from the same parsed JSON; errors
 *   offline.c  show mfe / show stats from the pinned maps when mgmd is down
 *   unpin.c    unpin: remove the pinned maps (an upgrade of the layout)
 */
#ifndef MGMCTL_H
#define MGMCTL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <netinet/in.h>

#include <json-c/json.h>

/* Exit statuses (the daemon's DONE status is passed through as is). */
#define EXIT_USAGE 2 /* bad command line: unknown, ambiguous, malformed */

struct mgmctl_opts {
	bool json; /* -j or -p */
	bool pretty; /* -p */
	const char *socket;
	const char *pin_root;
	int timeout_ms; /* connect, and each wait for the next message */
};

extern struct mgmctl_opts opts;

/* ---- render.c ------------------------------------------------------------ */

/* What an answer is, so that its table can be drawn. */
enum view {
	VIEW_INTERFACES,
	VIEW_PROTOCOLS,
	VIEW_GROUPS,
	VIEW_MFE,
	VIEW_STATS,
	VIEW_REMOTES, /* external protocols (libmgmclient) */
	VIEW_KERNEL, /* the kernel mirror: its counters, then its entries */
	VIEW_STEPS, /* a stream of steps (shutdown) */
	VIEW_RESULT, /* a small object: "added", "attached", ... */
};

/*
 * Errors follow the output mode, as bpftool's p_err(): {"error": "..."}
 * on stdout with -j/-p (scripts always get parseable output), else
 * "Error: ..." on stderr.
 */
void p_err(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* A note for the human on stderr (also in JSON mode: stdout stays JSON). */
void p_note(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* One complete answer: printed as JSON, or drawn as the view's table. */
void render(enum view v, json_object *o);

/*
 * Streams (shutdown): each value is printed as it arrives.  In JSON mode
 * the values form one array, opened at the first and closed by
 * stream_end(), so the whole output is still one JSON document; an error
 * after the first value becomes the array's last element.
 */
void stream_value(enum view v, json_object *o);
/* Close the stream; err (may be NULL) is the error that ended it. */
void stream_end(const char *err);
bool stream_started(void);

/*
 * Paged answers (show mfe, MGM_IPC_F_PAGED): each value is one page, an
 * array; its elements are printed at once, all pages together forming
 * one JSON array (-j) or one table (header once).  page_end() closes it
 * ("[]" or the header alone when there was nothing) and reports err.
 */
void page_value(enum view v, json_object *o);
void page_end(enum view v, const char *err);

/* ---- ipc.c --------------------------------------------------------------- */

/*
 * Connect to mgmd.  0 and *fd, or -errno: -ENOENT / -ECONNREFUSED mean no
 * daemon listens there, -EACCES the socket is not ours to use,
 * -ETIMEDOUT it did not accept in time.
 */
int ipc_connect(int *fd);

/* Called for every JSON value of the answer, in order. */
typedef void (*ipc_value_cb)(void *arg, json_object *o);

/*
 * Send argv as one MGM_IPC_CMD and read the answer until MGM_IPC_DONE.
 * Returns the exit status (the daemon's, or 1 for a refusal, a broken or
 * silent connection) and copies the error text, if any, to err.  Never
 * waits longer than opts.timeout_ms for any one message.
 */
int ipc_command(int fd, int argc, char **argv, ipc_value_cb cb, void *arg,
		char *err, size_t err_len);

/* ---- offline.c ----------------------------------------------------------- */

/* show mfe's filters (the words after "mfe"); 0: any, NULL: any. */
struct mfe_filter {
	uint32_t group, source; /* network order */
	/* An IPv6 group or source: only IPv6 entries match (then group6
	 * and source6, all zero where not given). */
	bool ipv6;
	struct in6_addr group6, source6;
	const char *ifname; /* iif or an oif */
	uint64_t limit;
};

/* Parse "group G source S interface IF limit N" (any order, any subset);
 * -EINVAL with the problem in err ("unexpected 'x'", ...). */
int mfe_filter_parse(int argc, char **argv, struct mfe_filter *f, char *err,
		     size_t err_len);
struct mgm_dp;
int offline_mfe_open(struct mgm_dp **dp, char *err, size_t err_len);
/* The matching entries, a page at a time through page_value() (the
 * caller ends with page_end()); the map's order.  Closes dp. */
int offline_mfe_pages(struct mgm_dp *dp, const struct mfe_filter *f, char *err,
		      size_t err_len);
/*
 * The answer of "show stats" built from the pinned maps, in the daemon's
 * shape (what only the daemon knows is null).  0 and *out, or -errno
 * with a message in err.
 */
int offline_stats(json_object **out, char *err, size_t err_len);

/* ---- unpin.c ------------------------------------------------------------- */

/*
 * Remove the pinned maps under opts.pin_root, after detaching this pin
 * root's forwarders still attached in this network namespace; refused
 * (-EBUSY, nothing changed) while a process holds the maps.  0 and *out
 * ({"unpinned", "maps", "detached": [names]}), or -errno and err.
 */
int unpin_run(json_object **out, char *err, size_t err_len);

#endif /* MGMCTL_H */
