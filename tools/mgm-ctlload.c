// SPDX-License-Identifier: GPL-2.0
/*
 * mgm-ctlload - many clients of mgmd's control socket at once, most of
 * them misbehaving, while a probe measures how long `show stats` takes.
 *
 * Kinds of clients (each a count; all run for --duration seconds):
 *   --good N     mgmctl-like: "show stats", read the whole answer, repeat
 *   --idle N     connect and never send a byte
 *   --garbage N  send random bytes (bad headers, bad lengths), read what
 *                comes back until the daemon closes, reconnect
 *   --noread N   send "show interfaces" and never read the answer
 *   --slow N     send a command one byte every 100 ms (slowloris)
 *   --churn N    connect and close at once, over and over
 * and one probe, on its own thread, that runs "show stats" every
 * --probe-ms milliseconds and times each answer (a probe that gets no
 * complete answer within 5 s counts as failed).
 *
 * Prints one JSON object: the probe's count, failures, worst and 99th
 * percentile latency (ms), what each kind managed, and how many
 * connections were refused or reset.  Exit status 0 unless the tool
 * itself failed (the caller judges the numbers).
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "mgm/mgm_ipc.h"

static const char *prog = "mgm-ctlload";
#include "mctool.h" /* now_ns(), the strict argument parsers */

enum kind { GOOD, IDLE, GARBAGE, NOREAD, SLOW, CHURN, N_KINDS };
static const char *const kind_name[N_KINDS] = { "good",	  "idle", "garbage",
						"noread", "slow", "churn" };

struct client {
	enum kind kind;
	int fd;
	uint8_t out[256]; /* what is left to send */
	size_t out_len, out_off;
	uint64_t next_ns; /* SLOW: next byte; GARBAGE: reconnect */
	size_t in_len; /* GOOD: bytes of the current message read */
	uint8_t in[MGM_IPC_MAX];
};

struct kind_stats {
	unsigned long connects, refused, resets, answers, bytes_in;
};

static const char *sock_path = MGM_IPC_SOCKET_DEFAULT;
static double duration = 5;
static int probe_ms = 50;
static unsigned counts[N_KINDS];
static struct kind_stats kst[N_KINDS];
static volatile sig_atomic_t stop;

static int connect_nb(bool nonblock)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int fd = socket(
		AF_UNIX,
		SOCK_STREAM | SOCK_CLOEXEC | (nonblock ? SOCK_NONBLOCK : 0), 0);

	if (fd < 0)
		return -errno;
	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", sock_path);
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) &&
	    errno != EINPROGRESS) {
		int err = -errno;

		close(fd);
		return err;
	}
	return fd;
}

/* An MGM_IPC_CMD message with argv words; returns its length. */
static size_t make_cmd(uint8_t *buf, size_t cap, uint16_t flags, int n,
		       const char *const *words)
{
	struct mgm_ipc_hdr h = { .type = MGM_IPC_CMD,
				 .flags = flags,
				 .seq = 1 };
	size_t len = sizeof(h);
	int i;

	for (i = 0; i < n; i++) {
		size_t l = strlen(words[i]) + 1;

		if (len + l > cap)
			break;
		memcpy(buf + len, words[i], l);
		len += l;
	}
	h.len = len;
	memcpy(buf, &h, sizeof(h));
	return len;
}

static const char *const show_stats[] = { "show", "stats" };
static const char *const show_ifs[] = { "show", "interfaces" };

static void client_open(struct client *c)
{
	int fd = connect_nb(true);

	c->in_len = 0;
	c->out_off = 0;
	c->out_len = 0;
	if (fd < 0) {
		kst[c->kind].refused++;
		c->fd = -1;
		c->next_ns = now_ns() + 50000000ULL;
		return;
	}
	kst[c->kind].connects++;
	c->fd = fd;
	switch (c->kind) {
	case GOOD:
		c->out_len = make_cmd(c->out, sizeof(c->out), MGM_IPC_F_JSON, 2,
				      show_stats);
		break;
	case NOREAD:
		c->out_len = make_cmd(c->out, sizeof(c->out), MGM_IPC_F_JSON, 2,
				      show_ifs);
		break;
	case SLOW:
		c->out_len = make_cmd(c->out, sizeof(c->out), 0, 2, show_stats);
		c->next_ns = now_ns();
		break;
	case GARBAGE: {
		size_t i;

		c->out_len = sizeof(c->out);
		for (i = 0; i < c->out_len; i++)
			c->out[i] = (uint8_t)random();
		/* Sometimes a plausible header with a lying length. */
		if (random() & 1) {
			struct mgm_ipc_hdr h = {
				.len = (uint32_t)random(),
				.type = (uint16_t)(random() % 130),
			};

			memcpy(c->out, &h, sizeof(h));
		}
		break;
	}
	case CHURN:
		close(fd);
		c->fd = -1;
		c->next_ns = now_ns() + 1000000ULL; /* ~1000 connects/s */
		break;
	default:
		break;
	}
}

static void client_close(struct client *c, uint64_t again_in_ns)
{
	if (c->fd >= 0)
		close(c->fd);
	c->fd = -1;
	c->next_ns = now_ns() + again_in_ns;
}

static void client_write(struct client *c)
{
	size_t n = c->out_len - c->out_off;
	ssize_t w;

	if (c->kind == SLOW) {
		if (now_ns() < c->next_ns)
			return;
		n = 1;
		c->next_ns = now_ns() + 100000000ULL;
	}
	w = send(c->fd, c->out + c->out_off, n, MSG_NOSIGNAL | MSG_DONTWAIT);
	if (w > 0) {
		c->out_off += w;
	} else if (w < 0 && errno != EAGAIN) {
		kst[c->kind].resets++;
		client_close(c, 10000000ULL);
	}
}

static void client_read(struct client *c)
{
	ssize_t r = recv(c->fd, c->in + c->in_len, sizeof(c->in) - c->in_len,
			 MSG_DONTWAIT);

	if (r == 0 || (r < 0 && errno != EAGAIN)) {
		/* Closed by the daemon: garbage is meant to end that way. */
		if (c->kind != GARBAGE)
			kst[c->kind].resets++;
		client_close(c,
			     c->kind == GARBAGE ? 100000000ULL : 10000000ULL);
		return;
	}
	if (r < 0)
		return;
	kst[c->kind].bytes_in += r;
	if (c->kind != GOOD) {
		c->in_len = 0;
		return;
	}
	c->in_len += r;
	/* Walk complete messages; an MGM_IPC_DONE ends one answer. */
	while (c->in_len >= sizeof(struct mgm_ipc_hdr)) {
		struct mgm_ipc_hdr h;

		memcpy(&h, c->in, sizeof(h));
		if (h.len < sizeof(h) || h.len > MGM_IPC_MAX) {
			kst[GOOD].resets++;
			client_close(c, 0);
			return;
		}
		if (c->in_len < h.len)
			break;
		memmove(c->in, c->in + h.len, c->in_len - h.len);
		c->in_len -= h.len;
		if (h.type == MGM_IPC_DONE) {
			kst[GOOD].answers++;
			client_close(c, 0);
			return;
		}
	}
}

/* ---- the probe ---------------------------------------------------------- */

static double *lat;
static size_t n_lat, cap_lat;
static unsigned long probe_failures;

/* One "show stats": ms until its MGM_IPC_DONE, or -1. */
static double probe_once(void)
{
	uint8_t buf[256], in[4096];
	size_t len = make_cmd(buf, sizeof(buf), MGM_IPC_F_JSON, 2, show_stats);
	uint64_t t0 = now_ns(), deadline = t0 + 5000000000ULL;
	size_t have = 0;
	int fd = connect_nb(false);

	if (fd < 0)
		return -1;
	if (send(fd, buf, len, MSG_NOSIGNAL) != (ssize_t)len)
		goto fail;
	for (;;) {
		struct pollfd p = { .fd = fd, .events = POLLIN };
		uint64_t now = now_ns();
		ssize_t r;

		if (now >= deadline ||
		    poll(&p, 1, (int)((deadline - now) / 1000000 + 1)) <= 0)
			goto fail;
		r = recv(fd, in + have, sizeof(in) - have, 0);
		if (r <= 0)
			goto fail;
		have += r;
		while (have >= sizeof(struct mgm_ipc_hdr)) {
			struct mgm_ipc_hdr h;

			memcpy(&h, in, sizeof(h));
			if (h.len < sizeof(h) || h.len > sizeof(in))
				goto fail;
			if (have < h.len)
				break;
			if (h.type == MGM_IPC_DONE) {
				close(fd);
				return (now_ns() - t0) / 1e6;
			}
			memmove(in, in + h.len, have - h.len);
			have -= h.len;
		}
	}
fail:
	close(fd);
	return -1;
}

static void *probe_loop(void *arg)
{
	(void)arg;
	while (!stop) {
		double ms = probe_once();

		if (ms < 0) {
			probe_failures++;
		} else {
			if (n_lat == cap_lat) {
				cap_lat = cap_lat ? 2 * cap_lat : 256;
				lat = realloc(lat, cap_lat * sizeof(*lat));
				if (!lat)
					abort();
			}
			lat[n_lat++] = ms;
		}
		usleep(probe_ms * 1000);
	}
	return NULL;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

/* ---- main --------------------------------------------------------------- */

static void usage(FILE *f)
{
	fprintf(f,
		"usage: mgm-ctlload [-s SOCKET] [-d SECONDS] [--probe-ms MS]\n"
		"         [--good N] [--idle N] [--garbage N] [--noread N]\n"
		"         [--slow N] [--churn N]\n");
}

int main(int argc, char **argv)
{
	static const struct option lo[] = {
		{ "socket", required_argument, NULL, 's' },
		{ "duration", required_argument, NULL, 'd' },
		{ "probe-ms", required_argument, NULL, 'p' },
		{ "good", required_argument, NULL, 'G' },
		{ "idle", required_argument, NULL, 'I' },
		{ "garbage", required_argument, NULL, 'B' },
		{ "noread", required_argument, NULL, 'N' },
		{ "slow", required_argument, NULL, 'L' },
		{ "churn", required_argument, NULL, 'C' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	struct rlimit rl;
	struct client *cl;
	struct pollfd *pfd;
	unsigned total = 0, i, k, open_max = 0;
	pthread_t probe;
	uint64_t end;
	int c;

	while ((c = getopt_long(argc, argv, "s:d:h", lo, NULL)) != -1) {
		uint64_t v;

		switch (c) {
		case 's':
			sock_path = optarg;
			break;
		case 'd':
			if (!parse_seconds(optarg, &duration))
				bad_arg("bad --duration '%s'", optarg);
			break;
		case 'p':
			if (!parse_u64(optarg, 10, 60000, &v) || !v)
				bad_arg("bad --probe-ms '%s' (1..60000)",
					optarg);
			probe_ms = (int)v;
			break;
		case 'G':
		case 'I':
		case 'B':
		case 'N':
		case 'L':
		case 'C':
			if (!parse_u64(optarg, 10, 100000, &v))
				bad_arg("bad count '%s' (0..100000)", optarg);
			counts[strchr("GIBNLC", c) - "GIBNLC"] = (unsigned)v;
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	if (duration <= 0 || probe_ms <= 0) {
		usage(stderr);
		return 2;
	}
	for (k = 0; k < N_KINDS; k++)
		total += counts[k];
	/* One descriptor per client, the probe's, and a margin. */
	if (!getrlimit(RLIMIT_NOFILE, &rl) && rl.rlim_cur < total + 64) {
		rl.rlim_cur = rl.rlim_max < total + 64 ? rl.rlim_max :
							 total + 64;
		setrlimit(RLIMIT_NOFILE, &rl);
	}
	cl = calloc(total ? total : 1, sizeof(*cl));
	pfd = calloc(total ? total : 1, sizeof(*pfd));
	if (!cl || !pfd)
		return 1;
	srandom(getpid());
	for (k = 0, i = 0; k < N_KINDS; k++) {
		unsigned j;

		for (j = 0; j < counts[k]; j++, i++) {
			cl[i].kind = k;
			cl[i].fd = -1;
		}
	}
	if (pthread_create(&probe, NULL, probe_loop, NULL))
		return 1;

	end = now_ns() + (uint64_t)(duration * 1e9);
	while (now_ns() < end) {
		uint64_t now = now_ns();
		unsigned open = 0;

		for (i = 0; i < total; i++) {
			struct client *x = &cl[i];

			if (x->fd < 0 && now >= x->next_ns)
				client_open(x);
			pfd[i].fd = x->fd;
			pfd[i].events = 0;
			pfd[i].revents = 0;
			if (x->fd < 0)
				continue;
			open++;
			if (x->out_off < x->out_len)
				pfd[i].events |= POLLOUT;
			if (x->kind == GOOD || x->kind == GARBAGE ||
			    (x->kind != NOREAD && x->kind != IDLE &&
			     x->out_off == x->out_len))
				pfd[i].events |= POLLIN;
		}
		if (open > open_max)
			open_max = open;
		poll(pfd, total, 10);
		for (i = 0; i < total; i++) {
			struct client *x = &cl[i];

			if (x->fd < 0)
				continue;
			if (pfd[i].revents & POLLIN)
				client_read(x);
			else if (pfd[i].revents & (POLLHUP | POLLERR))
				client_close(x, 10000000ULL);
			if (x->fd >= 0 && x->out_off < x->out_len)
				client_write(x);
		}
	}
	stop = 1;
	pthread_join(probe, NULL);
	for (i = 0; i < total; i++)
		if (cl[i].fd >= 0)
			close(cl[i].fd);

	qsort(lat, n_lat, sizeof(*lat), cmp_double);
	printf("{\"probes\":%zu,\"probe_failures\":%lu,"
	       "\"probe_max_ms\":%.1f,\"probe_p99_ms\":%.1f,"
	       "\"probe_median_ms\":%.1f,\"open_max\":%u",
	       n_lat, probe_failures, n_lat ? lat[n_lat - 1] : -1.0,
	       n_lat ? lat[(size_t)(n_lat * 0.99)] : -1.0,
	       n_lat ? lat[n_lat / 2] : -1.0, open_max);
	for (k = 0; k < N_KINDS; k++)
		printf(",\"%s_connects\":%lu,\"%s_refused\":%lu,"
		       "\"%s_resets\":%lu,\"%s_answers\":%lu",
		       kind_name[k], kst[k].connects, kind_name[k],
		       kst[k].refused, kind_name[k], kst[k].resets,
		       kind_name[k], kst[k].answers);
	printf("}\n");
	free(lat);
	free(cl);
	free(pfd);
	return 0;
}
