// SPDX-License-Identifier: GPL-2.0
/*
 * test_client_ifevents.c - libmgmclient and the interface events
 * (EV_IF_GONE, EV_IF_APPEARED), against a fake daemon on a UNIX socket:
 *  1. a daemon that announces them (features) and a client with a
 *     handler: each event reaches it with every field, malformed ones
 *     and unknown types do not, nothing is answered, and the request
 *     they came with gets its reply;
 *  2. a daemon from before them (features 0) and a client without a
 *     handler (as an older one): the same messages are ignored and the
 *     connection goes on.
 */
#include <pthread.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "check.h"
#include "client/api.c"
#include "client/client.c"

#define H 0x5151ULL

static char path[108];
static int lfd;
static int f_fail;

static void f_send(int fd, uint16_t type, uint32_t seq, const void *p,
		   size_t len)
{
	struct mgm_ipc_hdr h = { (uint32_t)(sizeof(h) + len), type, 0, seq, 0 };
	uint8_t buf[512];

	memcpy(buf, &h, sizeof(h));
	if (len)
		memcpy(buf + sizeof(h), p, len);
	if (write(fd, buf, sizeof(h) + len) != (ssize_t)(sizeof(h) + len))
		abort();
}

static bool read_all(int fd, void *p, size_t len)
{
	size_t off = 0;

	while (off < len) {
		ssize_t n = read(fd, (uint8_t *)p + off, len - off);

		if (n <= 0)
			return false;
		off += n;
	}
	return true;
}

/* The next message must be of type: its seq (0 and a failure if not). */
static uint32_t expect(int fd, uint16_t type)
{
	struct mgm_ipc_hdr h;
	uint8_t buf[512];

	if (!read_all(fd, &h, sizeof(h)) || h.len < sizeof(h) ||
	    h.len - sizeof(h) > sizeof(buf) ||
	    !read_all(fd, buf, h.len - sizeof(h)) || h.type != type) {
		fprintf(stderr, "FAIL [fake] message type %u, want %u\n",
			h.type, type);
		f_fail++;
		return 0;
	}
	return h.seq;
}

static struct mgm_ipc_ev_interface ev(uint32_t ifindex, uint32_t nexthop,
				      uint32_t old, uint32_t status,
				      const char *name)
{
	struct mgm_ipc_ev_interface e = { H,   ifindex, nexthop,
					  old, status,	{ 0 } };

	strncpy(e.name, name, sizeof(e.name) - 1);
	return e;
}

/* One connection: hello (features), register, then a request answered
 * after the events; then the deregistration must follow (no answer to
 * any event came in between). */
static void serve(uint32_t features)
{
	struct mgm_ipc_hello_reply hr = { MGM_IPC_VERSION, 100, MGM_IPC_MAX,
					  features };
	struct mgm_ipc_if_owner own = { 0x77, 1 };
	struct mgm_ipc_ev_interface e;
	uint8_t junk[8] = { 0 };
	uint32_t seq;
	int fd = accept(lfd, NULL, NULL);

	if (fd < 0)
		abort();
	seq = expect(fd, MGM_IPC_REQ_HELLO);
	f_send(fd, MGM_IPC_REPLY, seq, &hr, sizeof(hr));
	seq = expect(fd, MGM_IPC_REQ_REGISTER);
	f_send(fd, MGM_IPC_REPLY, seq, &(struct mgm_ipc_handle){ H }, 8);
	seq = expect(fd, MGM_IPC_REQ_GET_PROTOCOL_ON_INTERFACE);
	e = ev(7, 0x0101a8c0, 0, MGM_NO_ERROR, "eth7");
	f_send(fd, MGM_IPC_EV_IF_GONE, 0, &e, sizeof(e));
	/* Malformed (short, long) and unknown: ignored. */
	f_send(fd, MGM_IPC_EV_IF_GONE, 0, &e, sizeof(e) - 4);
	f_send(fd, MGM_IPC_EV_IF_APPEARED, 0, junk, sizeof(junk));
	f_send(fd, 120, 0, &e, sizeof(e));
	e = ev(12, 0, 7, 0, "eth7");
	/* A name filling its field without a NUL. */
	memset(e.name, 'x', sizeof(e.name));
	f_send(fd, MGM_IPC_EV_IF_APPEARED, 0, &e, sizeof(e));
	f_send(fd, MGM_IPC_REPLY, seq, &own, sizeof(own));
	seq = expect(fd, MGM_IPC_REQ_DEREGISTER);
	f_send(fd, MGM_IPC_REPLY, seq, NULL, 0);
	close(fd);
}

static void *fake(void *arg)
{
	(void)arg;
	serve(MGM_IPC_FEAT_IF_EVENTS);
	serve(0);
	return NULL;
}

static struct {
	int n;
	mgm_handle_t h[4];
	struct mgmc_if_event e[4];
} got;

static void on_if(void *arg, mgm_handle_t h, const struct mgmc_if_event *e)
{
	CHECK(arg == &got, "handler arg");
	if (got.n < 4) {
		got.h[got.n] = h;
		got.e[got.n] = *e;
	}
	got.n++;
}

static void run(bool handler, uint32_t want_features)
{
	struct mgm_protocol_config cfg = { 0 };
	struct mgmc *c = mgmc_connect_as(path, "unit");
	uint32_t pid = 0, cid = 0;
	mgm_handle_t h = 0;

	CHECK(c != NULL, "connect: %s", mgmc_last_error());
	if (!c)
		return;
	CHECK_EQ(mgmc_daemon_features(c), want_features, "daemon features");
	if (handler)
		mgmc_on_interface(c, on_if, &got);
	CHECK_EQ(mgmc_register_protocol(c, &cfg, 0x77, 1, &h), MGM_NO_ERROR,
		 "register");
	memset(&got, 0, sizeof(got));
	CHECK_EQ(mgmc_get_protocol_on_interface(c, 7, 0, &pid, &cid),
		 MGM_NO_ERROR, "the request the events came with");
	CHECK(pid == 0x77 && cid == 1, "its reply: %x %u", pid, cid);
	CHECK_EQ(mgmc_deregister_protocol(c, h), MGM_NO_ERROR,
		 "deregister (no answer to an event in between)");
	mgmc_close(c);
}

int main(void)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	pthread_t t;

	snprintf(path, sizeof(path), "/tmp/mgm-ifev-%d.sock", (int)getpid());
	strcpy(sa.sun_path, path);
	unlink(path);
	lfd = socket(AF_UNIX, SOCK_STREAM, 0);
	if (lfd < 0 || bind(lfd, (struct sockaddr *)&sa, sizeof(sa)) ||
	    listen(lfd, 4)) {
		perror("listen");
		return 1;
	}
	pthread_create(&t, NULL, fake, NULL);

	check_begin("a handler: the events, well-formed ones only");
	run(true, MGM_IPC_FEAT_IF_EVENTS);
	CHECK_EQ(got.n, 2, "two events reached the handler");
	CHECK(got.h[0] == H && got.e[0].type == MGMC_IF_GONE &&
		      got.e[0].ifindex == 7 && got.e[0].nexthop == 0x0101a8c0 &&
		      got.e[0].old_ifindex == 0 &&
		      got.e[0].status == MGM_NO_ERROR &&
		      !strcmp(got.e[0].name, "eth7"),
	      "gone: handle, ifindex, next hop, status, name");
	CHECK(got.h[1] == H && got.e[1].type == MGMC_IF_APPEARED &&
		      got.e[1].ifindex == 12 && got.e[1].old_ifindex == 7,
	      "appeared: new and old ifindex");
	CHECK(strlen(got.e[1].name) == sizeof(got.e[1].name) - 1,
	      "a name without its NUL is cut, not overrun (%zu)",
	      strlen(got.e[1].name));

	check_begin("no handler, an older daemon: ignored");
	run(false, 0);
	CHECK_EQ(got.n, 0, "nothing reached any handler");

	pthread_join(t, NULL);
	close(lfd);
	unlink(path);
	CHECK_EQ(f_fail, 0, "the fake daemon's checks");
	return check_summary();
}
