// SPDX-License-Identifier: GPL-2.0
/*
 * ctl.c - mgmd's control socket (wire format: include/mgm/mgm_ipc.h).
 *
 * A filesystem UNIX stream socket, mode 0660.  Peers are checked with
 * SO_PEERCRED: root, or a member of the configured socket group.  Every
 * connection has bounded input and output buffers and is non-blocking: a
 * malformed message gets an MGM_IPC_ERROR, an oversized one also closes
 * the connection, and a peer that does not read its answers is dropped
 * rather than allowed to stall the daemon.
 */
#include <errno.h>
#include <grp.h>
#include <poll.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "mgmd.h"

/* Answers a peer has not read yet: "control max-output" (mgmd.h). */
/* A streamed answer's next step runs once less than this is unsent. */
#define STREAM_LOW (64U << 10)
#define MAX_ARGS 64

struct conn {
	struct ctl *ctl;
	int fd;
	uid_t uid;
	uint8_t in[MGM_IPC_MAX];
	size_t in_len;
	uint8_t *out;
	size_t out_len, out_cap;
	uint16_t flags; /* of the running command */
	bool closing; /* close once the output is flushed */
	bool dead;
	void *remote;
	/* An answer produced step by step (conn_stream()), or NULL. */
	bool (*step)(struct conn *c, void *st);
	void (*step_free)(void *st);
	void *step_st;
	struct conn *next;
};

struct ctl {
	struct mgmd *d;
	int fd;
	char path[sizeof(((struct sockaddr_un *)0)->sun_path)];
	gid_t group;
	bool have_group;
	struct conn *conns;
	size_t queued; /* output of all connections not sent yet */
};

static void conn_free(struct conn *c);

/* c is dropped: its unsent output goes at once (and out of the total). */
static void conn_drop_output(struct conn *c)
{
	c->ctl->queued -= c->out_len;
	free(c->out);
	c->out = NULL;
	c->out_len = c->out_cap = 0;
	c->dead = true;
}

static void conn_update_events(struct conn *c)
{
	/*
	 * A stream waits for the socket to take more, one step per loop
	 * iteration while it does (level-triggered EPOLLOUT); its peer's
	 * input waits until it ends (a hang-up is still reported).
	 */
	loop_mod(c->ctl->d->loop, c->fd,
		 (c->step ? 0 : EPOLLIN) |
			 (c->out_len || c->step ? EPOLLOUT : 0));
}

static void conn_flush(struct conn *c)
{
	ssize_t n;

	while (c->out_len) {
		n = send(c->fd, c->out, c->out_len,
			 MSG_NOSIGNAL | MSG_DONTWAIT);
		if (n < 0) {
			if (errno == EAGAIN || errno == EINTR)
				break;
			c->dead = true;
			return;
		}
		memmove(c->out, c->out + n, c->out_len - n);
		c->out_len -= n;
		c->ctl->queued -= n;
	}
	if (!c->out_len && c->closing)
		c->dead = true;
	else
		conn_update_events(c);
}

int conn_send(struct conn *c, uint16_t type, uint32_t seq, uint32_t status,
	      const void *payload, size_t len)
{
	struct mgm_ipc_hdr h = {
		.len = (uint32_t)(sizeof(h) + len),
		.type = type,
		.seq = seq,
		.status = status,
	};
	size_t need = c->out_len + sizeof(h) + len;

	if (c->dead)
		return -EPIPE;
	if (sizeof(h) + len > MGM_IPC_MAX)
		return -EMSGSIZE;
	if (need > ctl_limit(c->ctl->d, max_output, CTL_DEF_MAX_OUTPUT)) {
		c->ctl->d->cstats.output_overflows++;
		log_warn("control: peer uid %d does not read its answers "
			 "(max-output): dropped",
			 (int)c->uid);
		conn_drop_output(c);
		return -ENOBUFS;
	}
	/* All peers together: the one holding most goes first. */
	while (c->ctl->queued + sizeof(h) + len >
	       ctl_limit(c->ctl->d, max_output_total,
			 CTL_DEF_MAX_OUTPUT_TOTAL)) {
		struct conn *x, *big = c;

		for (x = c->ctl->conns; x; x = x->next)
			if (!x->dead && x->out_len > big->out_len)
				big = x;
		c->ctl->d->cstats.output_overflows++;
		log_warn("control: peer uid %d holds the most unread output "
			 "(%zu bytes; max-output-total): dropped",
			 (int)big->uid, big->out_len);
		conn_drop_output(big);
		if (big == c)
			return -ENOBUFS;
	}
	if (need > c->out_cap) {
		size_t cap = c->out_cap ? c->out_cap : 65536;
		uint8_t *p;

		while (cap < need)
			cap *= 2;
		p = realloc(c->out, cap);
		if (!p)
			return -ENOMEM;
		c->out = p;
		c->out_cap = cap;
	}
	memcpy(c->out + c->out_len, &h, sizeof(h));
	if (len)
		memcpy(c->out + c->out_len + sizeof(h), payload, len);
	c->out_len = need;
	c->ctl->queued += sizeof(h) + len;
	conn_flush(c);
	return c->dead ? -EPIPE : 0;
}

int conn_output(struct conn *c, const char *text)
{
	size_t len = strlen(text), off = 0;
	int err = 0;

	/* Long answers go out in chunks; the client concatenates them. */
	do {
		size_t n = len - off;

		if (n > MGM_IPC_MAX - sizeof(struct mgm_ipc_hdr))
			n = MGM_IPC_MAX - sizeof(struct mgm_ipc_hdr);
		err = conn_send(c, MGM_IPC_OUTPUT, 0, 0, text + off, n);
		off += n;
	} while (!err && off < len);
	return err;
}

void conn_done(struct conn *c, int status, const char *error)
{
	conn_send(c, MGM_IPC_DONE, 0, (uint32_t)status, error,
		  error ? strlen(error) : 0);
	c->closing = true;
	conn_flush(c);
}

void conn_stream(struct conn *c, bool (*step)(struct conn *c, void *st),
		 void (*step_free)(void *st), void *st)
{
	c->step = step;
	c->step_free = step_free;
	c->step_st = st;
}

static void stream_stop(struct conn *c)
{
	if (c->step_free)
		c->step_free(c->step_st);
	c->step = NULL;
	c->step_free = NULL;
	c->step_st = NULL;
}

/*
 * One step of a streamed answer, when the peer has read enough of what
 * came before: the daemon's memory for it stays bounded (the unsent
 * output and one step's worth), and the loop is held for one step only.
 * The last step (true) ends the answer with DONE, unless it ended it
 * itself (an error).
 */
static void conn_pump(struct conn *c)
{
	if (!c->step || c->dead)
		return;
	if (!c->closing && c->out_len >= STREAM_LOW)
		return;
	if (c->closing || c->step(c, c->step_st)) {
		stream_stop(c);
		if (!c->closing && !c->dead)
			conn_done(c, 0, NULL);
	}
	if (!c->dead)
		conn_update_events(c);
}

bool conn_json(const struct conn *c)
{
	return c->flags & (MGM_IPC_F_JSON | MGM_IPC_F_PRETTY);
}

bool conn_paged(const struct conn *c)
{
	return c->flags & MGM_IPC_F_PAGED;
}

bool conn_pretty(const struct conn *c)
{
	return c->flags & MGM_IPC_F_PRETTY;
}

void *conn_remote(struct conn *c)
{
	return c->remote;
}

void conn_set_remote(struct conn *c, void *r)
{
	c->remote = r;
}

static void conn_error(struct conn *c, uint32_t seq, const char *msg)
{
	conn_send(c, MGM_IPC_ERROR, seq, MGM_ERROR_INVALID_PARAMETER, msg,
		  strlen(msg));
}

static void handle_cmd(struct conn *c, const struct mgm_ipc_hdr *h,
		       char *payload, size_t len)
{
	char *argv[MAX_ARGS + 1];
	size_t off = 0;
	int argc = 0;

	if (!len || payload[len - 1] != '\0') {
		conn_done(c, 2, "malformed command: arguments not terminated");
		return;
	}
	while (off < len) {
		if (argc == MAX_ARGS) {
			conn_done(c, 2, "too many arguments");
			return;
		}
		argv[argc++] = payload + off;
		off += strlen(payload + off) + 1;
	}
	argv[argc] = NULL;
	c->flags = h->flags;
	cmd_run(c, argc, argv);
	if (c->step)
		conn_pump(c); /* the first step now, the others as it reads */
	else if (!c->closing)
		conn_done(c, 0, NULL);
}

/* One complete message at the start of c->in: act on it. */
static void handle_message(struct conn *c, const struct mgm_ipc_hdr *h,
			   uint8_t *payload, size_t len)
{
	if (h->type == MGM_IPC_CMD) {
		if (c->remote) {
			conn_error(c, h->seq,
				   "commands need their own "
				   "connection");
			return;
		}
		handle_cmd(c, h, (char *)payload, len);
	} else if ((h->type >= MGM_IPC_REQ_FIRST &&
		    h->type <= MGM_IPC_REQ_LAST) ||
		   h->type == MGM_IPC_CB_REPLY) {
		remote_message(c, h, payload, len);
	} else {
		conn_error(c, h->seq, "unknown message type");
	}
}

/* Length of the complete message at buf, 0 if incomplete, -1 if bad. */
static ssize_t message_len(const uint8_t *buf, size_t have)
{
	struct mgm_ipc_hdr h;

	if (have < sizeof(h))
		return 0;
	memcpy(&h, buf, sizeof(h));
	if (h.len < sizeof(h) || h.len > MGM_IPC_MAX)
		return -1;
	return h.len <= have ? (ssize_t)h.len : 0;
}

static void conn_process(struct conn *c)
{
	/* Nothing more from a peer before its streamed answer is done. */
	while (!c->dead && !c->closing && !c->step) {
		ssize_t n = message_len(c->in, c->in_len);
		struct mgm_ipc_hdr h;
		uint8_t *msg;

		if (n < 0) {
			conn_error(c, 0, "bad message length");
			c->closing = true;
			conn_flush(c);
			return;
		}
		if (!n)
			return;
		/* Copy it out: handlers may read more input (callback
		 * replies) while they run. */
		msg = malloc(n);
		if (!msg) {
			c->dead = true;
			return;
		}
		memcpy(msg, c->in, n);
		memmove(c->in, c->in + n, c->in_len - n);
		c->in_len -= n;
		memcpy(&h, msg, sizeof(h));
		handle_message(c, &h, msg + sizeof(h), n - sizeof(h));
		free(msg);
	}
}

static int conn_read(struct conn *c)
{
	ssize_t n;

	if (c->in_len == sizeof(c->in))
		return 0;
	n = recv(c->fd, c->in + c->in_len, sizeof(c->in) - c->in_len,
		 MSG_DONTWAIT);
	if (n == 0)
		return -EPIPE;
	if (n < 0)
		return errno == EAGAIN || errno == EINTR ? 0 : -errno;
	c->in_len += n;
	return 1;
}

static void conn_event(void *arg, int fd, uint32_t events)
{
	struct conn *c = arg;
	int r;

	(void)fd;
	if (events & EPOLLOUT)
		conn_flush(c);
	if (events & (EPOLLIN | EPOLLHUP | EPOLLERR)) {
		r = conn_read(c);
		if (r < 0)
			c->dead = true;
		else
			conn_process(c);
	}
	conn_pump(c);
	if (c->dead)
		conn_free(c);
}

static void conn_free(struct conn *c)
{
	struct conn **pp;

	for (pp = &c->ctl->conns; *pp; pp = &(*pp)->next) {
		if (*pp == c) {
			*pp = c->next;
			break;
		}
	}
	/* A routing protocol that disconnects is shut down as the seed
	 * says: its interfaces released, then deregistered. */
	if (c->remote)
		remote_conn_closed(c);
	stream_stop(c);
	loop_del(c->ctl->d->loop, c->fd);
	close(c->fd);
	c->ctl->queued -= c->out_len;
	free(c->out);
	free(c);
}

static bool peer_allowed(struct ctl *ctl, const struct ucred *cr)
{
	struct passwd *pw;
	gid_t groups[256];
	int n = 256, i;

	if (cr->uid == 0)
		return true;
	if (!ctl->have_group)
		return false;
	if (cr->gid == ctl->group)
		return true;
	pw = getpwuid(cr->uid);
	if (!pw || getgrouplist(pw->pw_name, pw->pw_gid, groups, &n) < 0)
		return false;
	for (i = 0; i < n; i++)
		if (groups[i] == ctl->group)
			return true;
	return false;
}

/* Over max-connections (in all, or of its uid): told, closed, counted;
 * logged at most once a second. */
static void conn_limit(struct ctl *ctl, struct conn *c)
{
	struct mgmd *d = ctl->d;
	static uint64_t last_log;
	uint32_t all = 0, uid = 0;
	const char *why = NULL;
	struct conn *o;
	uint64_t now;

	for (o = ctl->conns; o; o = o->next) {
		if (o == c || o->dead)
			continue;
		all++;
		uid += o->uid == c->uid;
	}
	if (all >= ctl_limit(d, max_conns, CTL_DEF_MAX_CONNS))
		why = "max-connections";
	else if (uid >= ctl_limit(d, max_conns_uid, CTL_DEF_MAX_CONNS_UID))
		why = "max-connections-per-uid";
	if (!why)
		return;
	d->cstats.connections_refused++;
	now = mgm_dp_now_ns();
	if (now - last_log >= 1000000000ULL) {
		last_log = now;
		log_warn("control: refused a connection of uid %d: %s (%u in "
			 "all, %u of that uid)",
			 (int)c->uid, why, all, uid);
	}
	conn_send(c, MGM_IPC_ERROR, 0, MGM_ERROR_NOT_ENOUGH_MEMORY,
		  "too many connections", 20);
	c->closing = true;
	conn_flush(c);
	if (c->dead)
		conn_free(c);
}

static void ctl_accept(void *arg, int fd, uint32_t events)
{
	struct ctl *ctl = arg;
	struct ucred cr;
	socklen_t len = sizeof(cr);
	struct conn *c;
	int cfd;

	(void)events;
	cfd = accept4(fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
	if (cfd < 0)
		return;
	c = calloc(1, sizeof(*c));
	if (!c) {
		close(cfd);
		return;
	}
	c->ctl = ctl;
	c->fd = cfd;
	if (loop_add(ctl->d->loop, cfd, EPOLLIN, conn_event, c)) {
		close(cfd);
		free(c);
		return;
	}
	c->next = ctl->conns;
	ctl->conns = c;
	if (getsockopt(cfd, SOL_SOCKET, SO_PEERCRED, &cr, &len) ||
	    !peer_allowed(ctl, &cr)) {
		log_warn("control: refused peer uid %d pid %d", (int)cr.uid,
			 (int)cr.pid);
		conn_send(c, MGM_IPC_ERROR, 0, MGM_ERROR_INVALID_PARAMETER,
			  "permission denied", 17);
		c->closing = true;
		conn_flush(c);
		if (c->dead)
			conn_free(c);
		return;
	}
	c->uid = cr.uid;
	conn_limit(ctl, c);
}

/*
 * A connection needs the loop's attention without an event when it died
 * outside its own event, or when whole messages sit in its input buffer
 * that no EPOLLIN will announce (a handler stopped reading mid-buffer).
 */
static bool conn_pending(struct conn *c)
{
	return !c->dead && !c->closing && message_len(c->in, c->in_len) != 0;
}

static int ctl_timeout(void *arg)
{
	struct ctl *ctl = arg;
	struct conn *c;

	for (c = ctl->conns; c; c = c->next)
		if (c->dead || conn_pending(c))
			return 0;
	return -1;
}

static void ctl_reap(void *arg)
{
	struct ctl *ctl = arg;
	struct conn *c, *next;

	for (c = ctl->conns; c; c = next) {
		next = c->next;
		if (conn_pending(c))
			conn_process(c);
		if (c->dead)
			conn_free(c);
	}
}

int ctl_open(struct mgmd *d, const char *path, const char *group)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	struct ctl *ctl;
	int err;

	if (strlen(path) >= sizeof(sa.sun_path))
		return -ENAMETOOLONG;
	ctl = calloc(1, sizeof(*ctl));
	if (!ctl)
		return -ENOMEM;
	ctl->d = d;
	snprintf(ctl->path, sizeof(ctl->path), "%s", path);
	if (group && *group) {
		struct group *gr = getgrnam(group);

		if (!gr) {
			log_err("control: unknown socket group '%s'", group);
			free(ctl);
			return -ENOENT;
		}
		ctl->group = gr->gr_gid;
		ctl->have_group = true;
	}
	ctl->fd =
		socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (ctl->fd < 0) {
		err = -errno;
		free(ctl);
		return err;
	}
	strcpy(sa.sun_path, path);
	/* Its directory (the default's /run/mgmd) is made if missing, one
	 * level only, readable by all: the socket's mode guards it. */
	{
		char dir[sizeof(sa.sun_path)], *slash;

		snprintf(dir, sizeof(dir), "%s", path);
		slash = strrchr(dir, '/');
		if (slash && slash != dir) {
			*slash = 0;
			if (mkdir(dir, 0755) && errno != EEXIST) {
				err = -errno;
				log_err("control: cannot make %s: %s", dir,
					strerror(errno));
				close(ctl->fd);
				free(ctl);
				return err;
			}
		}
	}
	unlink(path);
	if (bind(ctl->fd, (struct sockaddr *)&sa, sizeof(sa)) ||
	    chmod(path, 0660) ||
	    (ctl->have_group && chown(path, 0, ctl->group)) ||
	    listen(ctl->fd, 64)) {
		err = -errno;
		close(ctl->fd);
		unlink(path);
		free(ctl);
		return err;
	}
	err = loop_add(d->loop, ctl->fd, EPOLLIN, ctl_accept, ctl);
	err = err ?: loop_add_ticker(d->loop, ctl_timeout, ctl_reap, ctl);
	if (err) {
		close(ctl->fd);
		unlink(path);
		free(ctl);
		return err;
	}
	d->ctl = ctl;
	return 0;
}

void ctl_close(struct ctl *ctl)
{
	if (!ctl)
		return;
	while (ctl->conns)
		conn_free(ctl->conns);
	loop_del(ctl->d->loop, ctl->fd);
	close(ctl->fd);
	unlink(ctl->path);
	ctl->d->ctl = NULL;
	free(ctl);
}
