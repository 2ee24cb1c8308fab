/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * mgm_ipc.h - the wire format of mgmd's control socket.
 *
 * One UNIX stream socket (default /run/mgmd/mgmd.sock, mode 0660; peers must be
 * root or in the configured group, checked with SO_PEERCRED) carries two
 * kinds of conversation:
 *
 *  - mgmctl: one MGM_IPC_CMD per connection (the command line as argv
 *    strings); the daemon answers with any number of MGM_IPC_OUTPUT
 *    messages (JSON text) and one MGM_IPC_DONE carrying the exit status.
 *  - external routing protocols (libmgmclient): the MGM API as requests and
 *    replies, and MGM's callbacks as messages from the daemon, see
 *    "External protocols" below.
 *
 * Every message starts with struct mgm_ipc_hdr.  Integers are in host byte
 * order (both ends are on one machine); IPv4 addresses, masks and next hops
 * are in network byte order, as in the MGM API.  A message is at most
 * MGM_IPC_MAX bytes.  The daemon checks every length before it reads a
 * field: a malformed or oversized message is answered with MGM_IPC_ERROR
 * (and an oversized one also closes the connection); the daemon never
 * blocks on a client.
 */
#ifndef MGM_MGM_IPC_H
#define MGM_MGM_IPC_H

#include <stdint.h>

#define MGM_IPC_SOCKET_DEFAULT "/run/mgmd/mgmd.sock"
#define MGM_IPC_VERSION 1
#define MGM_IPC_MAX 65536U

struct mgm_ipc_hdr {
	uint32_t len; /* whole message, header included */
	uint16_t type; /* enum mgm_ipc_type */
	uint16_t flags;
	uint32_t seq; /* chosen by the sender of a request, echoed back */
	uint32_t status; /* replies: MGM error code or exit status */
};

enum mgm_ipc_type {
	/* mgmctl */
	MGM_IPC_CMD = 1, /* argv: NUL-terminated strings back to back */
	MGM_IPC_OUTPUT = 2, /* JSON text: a value, or one event of a stream */
	MGM_IPC_DONE = 3, /* end of the answer; status 0 = success */
	MGM_IPC_ERROR = 4, /* request refused; payload: message text */

	/* External protocols: requests 32..63, reply 64, callbacks 96..127,
	 * defined with the client library (see below). */
	MGM_IPC_REQ_FIRST = 32,
	MGM_IPC_REQ_LAST = 63,
	MGM_IPC_REPLY = 64,
	MGM_IPC_CB_FIRST = 96,
	MGM_IPC_CB_LAST = 126,
	MGM_IPC_CB_REPLY = 127,
};

/* Flags of MGM_IPC_CMD. */
#define MGM_IPC_F_JSON 0x1 /* the caller wants JSON, not a table */
#define MGM_IPC_F_PRETTY 0x2
/*
 * The caller reads long answers (show mfe) as pages: one JSON array per
 * OUTPUT message, their elements together being the answer.  Without it
 * the same answer comes as one array split over OUTPUT messages.  Either
 * way mgmd produces it a page at a time, as the caller reads.
 */
#define MGM_IPC_F_PAGED 0x4

_Static_assert(sizeof(struct mgm_ipc_hdr) == 16, "ipc header layout");

/*
 * External protocols
 * ------------------
 * Defined in include/mgm/mgm_ipc_proto.h (requests, replies, callbacks and
 * their payload structs) next to the client library, include/mgm/client.h.
 */

#endif /* MGM_MGM_IPC_H */
