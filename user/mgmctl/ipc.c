// SPDX-License-Identifier: GPL-2.0
/*
 * ipc.c - mgmctl's side of the control socket (include/mgm/mgm_ipc.h).
 *
 * One connection per command: one MGM_IPC_CMD out, then MGM_IPC_OUTPUT
 * messages (JSON text) until MGM_IPC_DONE, whose status is the exit
 * status and whose payload is the error message.  The daemon may split a
 * long value over several OUTPUT messages and a stream (shutdown) sends
 * one value per message, so the text goes through one incremental JSON
 * tokener and every value is handed on the moment it is complete: steps
 * are printed as they happen, not when the command ends.
 *
 * Nothing here waits without a bound: connect and send are limited by
 * SO_SNDTIMEO, every read by poll() with opts.timeout_ms.  The timeout is
 * per message, so a long stream that keeps talking is never cut off.
 */
#include <errno.h>
#include <poll.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/un.h>
#include <unistd.h>

#include "mgm/mgm_ipc.h"
#include "mgmctl.h"

int ipc_connect(int *fd)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	struct timeval tv = {
		.tv_sec = opts.timeout_ms / 1000,
		.tv_usec = (opts.timeout_ms % 1000) * 1000,
	};
	int s, err;

	if (strlen(opts.socket) >= sizeof(sa.sun_path))
		return -ENAMETOOLONG;
	strcpy(sa.sun_path, opts.socket);
	s = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (s < 0)
		return -errno;
	/*
	 * A UNIX connect() blocks while the listener's backlog is full (a
	 * stuck daemon); SO_SNDTIMEO bounds that wait (it ends in EAGAIN),
	 * and also every send().
	 */
	setsockopt(s, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
	if (connect(s, (struct sockaddr *)&sa, sizeof(sa))) {
		err = errno == EAGAIN ? -ETIMEDOUT : -errno;
		close(s);
		return err;
	}
	*fd = s;
	return 0;
}

/*
 * Read exactly len bytes.  0; 1 on a clean end of file before the first
 * byte; -ETIMEDOUT or -errno.
 */
static int read_full(int fd, void *buf, size_t len)
{
	size_t have = 0;

	while (have < len) {
		struct pollfd p = { .fd = fd, .events = POLLIN };
		ssize_t n;
		int r;

		r = poll(&p, 1, opts.timeout_ms);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			return -errno;
		if (r == 0)
			return -ETIMEDOUT;
		n = recv(fd, (char *)buf + have, len - have, 0);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		if (n == 0)
			return have ? -EPIPE : 1;
		have += n;
	}
	return 0;
}

static int send_cmd(int fd, int argc, char **argv)
{
	static uint8_t msg[MGM_IPC_MAX];
	struct mgm_ipc_hdr h = { .type = MGM_IPC_CMD, .seq = 1 };
	size_t len = sizeof(h), off = 0;
	ssize_t n;
	int i;

	for (i = 0; i < argc; i++) {
		size_t l = strlen(argv[i]) + 1;

		if (len + l > sizeof(msg))
			return -EMSGSIZE;
		memcpy(msg + len, argv[i], l);
		len += l;
	}
	/* They tell the daemon what we print, and that we read pages. */
	h.flags |= MGM_IPC_F_PAGED;
	if (opts.json)
		h.flags |= MGM_IPC_F_JSON;
	if (opts.pretty)
		h.flags |= MGM_IPC_F_PRETTY;
	h.len = (uint32_t)len;
	memcpy(msg, &h, sizeof(h));
	while (off < len) {
		n = send(fd, msg + off, len - off, MSG_NOSIGNAL);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return errno == EAGAIN ? -ETIMEDOUT : -errno;
		off += n;
	}
	return 0;
}

struct answer {
	json_tokener *tok;
	ipc_value_cb cb;
	void *arg;
	bool partial; /* the tokener holds the start of a value */
};

/* Feed OUTPUT text to the tokener; hand on every complete value. */
static int feed(struct answer *a, const char *text, size_t len)
{
	size_t off = 0;

	while (off < len) {
		enum json_tokener_error e;
		json_object *o;

		/* Values may be separated by white space: skip it. */
		if (!a->partial && strchr(" \t\r\n", text[off])) {
			off++;
			continue;
		}
		o = json_tokener_parse_ex(a->tok, text + off, (int)(len - off));
		e = json_tokener_get_error(a->tok);
		if (e == json_tokener_continue) {
			a->partial = true;
			return 0;
		}
		if (e != json_tokener_success)
			return -EBADMSG;
		off += json_tokener_get_parse_end(a->tok);
		json_tokener_reset(a->tok);
		a->partial = false;
		a->cb(a->arg, o);
		json_object_put(o);
	}
	return 0;
}

static void set_err(char *err, size_t len, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void set_err(char *err, size_t len, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(err, len, fmt, ap);
	va_end(ap);
}

/* Text from the peer is printed: no control characters (escapes). */
static void clean(char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s < 0x20 || *s == 0x7f)
			*s = '?';
}

int ipc_command(int fd, int argc, char **argv, ipc_value_cb cb, void *arg,
		char *err, size_t err_len)
{
	struct answer a = { .cb = cb, .arg = arg };
	char *payload = malloc(MGM_IPC_MAX);
	int ret, status = 1;
	bool sent;

	*err = '\0';
	a.tok = json_tokener_new();
	if (!payload || !a.tok) {
		set_err(err, err_len, "out of memory");
		goto out;
	}
	/*
	 * A refused peer gets MGM_IPC_ERROR and the connection closed,
	 * possibly before our command is even written: a failed send is not
	 * the end, the refusal may be waiting to be read.
	 */
	ret = send_cmd(fd, argc, argv);
	sent = !ret;
	if (ret == -EMSGSIZE) {
		set_err(err, err_len, "command longer than %u bytes",
			MGM_IPC_MAX);
		status = EXIT_USAGE;
		goto out;
	}
	for (;;) {
		struct mgm_ipc_hdr h;
		size_t len;

		ret = read_full(fd, &h, sizeof(h));
		if (ret == 1) {
			set_err(err, err_len, "%s",
				sent ? "mgmd closed the connection before "
				       "the end of its answer" :
				       "mgmd closed the connection before "
				       "the command could be sent");
			goto out;
		}
		if (ret == -ETIMEDOUT) {
			set_err(err, err_len,
				"no answer from mgmd within %d.%03d s "
				"(-t sets the timeout)",
				opts.timeout_ms / 1000, opts.timeout_ms % 1000);
			goto out;
		}
		if (ret) {
			set_err(err, err_len, "reading from mgmd: %s",
				strerror(-ret));
			goto out;
		}
		if (h.len < sizeof(h) || h.len > MGM_IPC_MAX) {
			set_err(err, err_len,
				"malformed message from mgmd "
				"(length %u)",
				h.len);
			goto out;
		}
		len = h.len - sizeof(h);
		ret = len ? read_full(fd, payload, len) : 0;
		if (ret) {
			set_err(err, err_len, "reading from mgmd: %s",
				ret == -ETIMEDOUT ?
					"timed out" :
					strerror(ret > 0 ? EPIPE : -ret));
			goto out;
		}
		switch (h.type) {
		case MGM_IPC_OUTPUT:
			if (feed(&a, payload, len)) {
				set_err(err, err_len,
					"mgmd sent text that is not JSON");
				goto out;
			}
			break;
		case MGM_IPC_DONE:
			if (a.partial) {
				set_err(err, err_len,
					"mgmd's answer ended in the middle "
					"of a JSON value");
				goto out;
			}
			status = (int)h.status;
			if (status && len) {
				set_err(err, err_len, "%.*s", (int)len,
					payload);
				clean(err);
			} else if (status) {
				set_err(err, err_len,
					"mgmd: the command failed "
					"(status %d)",
					status);
			}
			if (status < 0 || status > 255)
				status = 1;
			goto out;
		case MGM_IPC_ERROR:
			/* Refusals: "permission denied", malformed, ... */
			if (len == 17 &&
			    !memcmp(payload, "permission denied", 17))
				set_err(err, err_len,
					"mgmd refused the connection: "
					"permission denied (its control "
					"socket %s admits root and the "
					"members of its socket-group only)",
					opts.socket);
			else
				set_err(err, err_len,
					"mgmd refused the command: %.*s",
					(int)len, payload);
			clean(err);
			goto out;
		default:
			set_err(err, err_len,
				"unexpected message type %u from mgmd", h.type);
			goto out;
		}
	}
out:
	if (a.tok)
		json_tokener_free(a.tok);
	free(payload);
	return status;
}
