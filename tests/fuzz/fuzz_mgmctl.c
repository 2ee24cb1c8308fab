// SPDX-License-Identifier: GPL-2.0
/*
 * fuzz_mgmctl.c - mgmctl's reading and rendering of mgmd's answers
 * (user/mgmctl/ipc.c: framing, the incremental JSON tokener, DONE and
 * ERROR; render.c: every table view, JSON and pretty output, streams).
 *
 * Input: [mode][the byte stream mgmd sends].  mode bits 0-3: the view
 * (enum view, modulo its count), bit 4: a stream (shutdown's steps),
 * bit 5: -j, bit 6: -p.  The stream is written to mgmd's end of a
 * socketpair, closed for writing, and mgmctl runs one command on the
 * other end as main.c's run_on() does.  Output goes to /dev/null.
 */
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "mgmctl/ipc.c"
#include "mgmctl/render.c"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerInitialize(int *argc, char ***argv);

struct mgmctl_opts opts = {
	.socket = MGM_IPC_SOCKET_DEFAULT,
	.timeout_ms = 1000,
};

struct run {
	enum view view;
	bool stream;
};

static void on_value(void *arg, json_object *o)
{
	struct run *r = arg;

	if (r->stream)
		stream_value(r->view, o);
	else
		render(r->view, o);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	int fd = open("/dev/null", O_WRONLY | O_CLOEXEC);

	(void)argc, (void)argv;
	if (fd >= 0) {
		fflush(stdout);
		dup2(fd, 1);
		close(fd);
	}
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *argv[] = { "show", "interfaces", NULL };
	struct run r;
	char err[1024];
	size_t off = 0;
	int sv[2], status;

	if (!size || size > 2 * MGM_IPC_MAX)
		return 0;
	r.view = (enum view)((data[0] & 0xf) % (VIEW_RESULT + 1));
	r.stream = data[0] & 0x10;
	opts.json = data[0] & 0x60;
	opts.pretty = data[0] & 0x40;
	data++;
	size--;
	n_streamed = 0;
	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv))
		abort();
	while (off < size) {
		ssize_t w = send(sv[1], data + off, size - off,
				 MSG_NOSIGNAL | MSG_DONTWAIT);

		if (w <= 0)
			break; /* the socket buffer is full: the rest is lost */
		off += w;
	}
	shutdown(sv[1], SHUT_WR);
	status = ipc_command(sv[0], 2, argv, on_value, &r, err, sizeof(err));
	if (status < 0 || status > 255)
		abort(); /* an exit status */
	if (r.stream)
		stream_end(*err ? err : NULL);
	else if (*err)
		p_err("%s", err);
	fflush(stdout);
	close(sv[0]);
	close(sv[1]);
	return 0;
}
