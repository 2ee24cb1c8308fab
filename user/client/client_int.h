/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * client_int.h - libmgmclient's internals, shared by client.c (the
 * connection: framing, waiting for replies, running callbacks) and api.c
 * (one function per MGM function).
 */
#ifndef MGM_CLIENT_INT_H
#define MGM_CLIENT_INT_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "mgm/client.h"
#include "mgm/mgm_ipc.h"
#include "mgm/mgm_ipc_proto.h"

/* Requests waiting at once: nested calls from callbacks. */
#define MGMC_MAX_NEST 16

/* One message received, copied out of the input buffer. */
struct mgmc_msg {
	struct mgm_ipc_hdr h;
	size_t len; /* of payload */
	struct mgmc_msg *next;
	/* Payload, 8-byte aligned (the structs hold 64-bit handles). */
	uint64_t payload[];
};

struct mgmc_proto {
	mgm_handle_t h;
	/* cfg: an IPv4 protocol's callbacks; for a family-neutral one (x)
	 * only ctx and the two IGMP ones, copied from cfgx. */
	struct mgm_protocol_config cfg;
	bool x;
	struct mgm_protocol_config_x cfgx;
};

struct mgmc {
	int fd;
	/* Recursive: callbacks run with it held and may call mgmc_*. */
	pthread_mutex_t lock;
	uint32_t seq;
	int timeout_ms;
	uint32_t cb_timeout_ms;
	bool broken; /* the connection is unusable */
	uint8_t *rx;
	size_t rx_len;
	struct mgmc_proto *protos;
	size_t n_protos, cap_protos;
	/* Sequence numbers of the requests waiting, innermost last. */
	uint32_t waiting[MGMC_MAX_NEST];
	int n_waiting;
	/* Replies that arrived for an outer request while an inner one
	 * waited. */
	struct mgmc_msg *stash;
	/* Depth of callbacks running, and of those mgmd is waiting on
	 * (RPF, creation, prune). */
	int in_cb;
	int in_answer;
	mgmc_shutdown_cb on_shutdown;
	void *on_shutdown_arg;
	mgmc_interface_cb on_interface;
	void *on_interface_arg;
	uint32_t features; /* the daemon's, from HELLO */
};

/* Record why the current call failed (thread-local). */
void mgmc_set_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void mgmc_clear_error(void);

/*
 * Send a request and wait for its reply (MGM_IPC_REPLY or MGM_IPC_ERROR),
 * handling callbacks meanwhile.  0 with *out (free() it), or a negative
 * errno with the error recorded.
 */
int mgmc_call(struct mgmc *c, uint16_t type, const void *req, size_t len,
	      struct mgmc_msg **out);

/*
 * mgmc_call() as an MGM status: the reply's status with its fixed part
 * (exactly rep_len bytes, or at least that many if keep) copied to rep;
 * keep, if not NULL, receives the message for its tail (NULL unless a
 * well-formed MGM_IPC_REPLY came back).  Transport failures give
 * MGM_ERROR_CAN_NOT_COMPLETE, MGM_IPC_ERROR its status
 * (MGM_ERROR_INVALID_PARAMETER).
 */
uint32_t mgmc_request(struct mgmc *c, uint16_t type, const void *req,
		      size_t len, void *rep, size_t rep_len,
		      struct mgmc_msg **keep);

/* The protocol table (lock held by the caller). */
int mgmc_proto_reserve(struct mgmc *c);
void mgmc_proto_add(struct mgmc *c, mgm_handle_t h,
		    const struct mgm_protocol_config *cfg);
void mgmc_proto_add_x(struct mgmc *c, mgm_handle_t h,
		      const struct mgm_protocol_config_x *cfg);
void mgmc_proto_del(struct mgmc *c, mgm_handle_t h);

#endif /* MGM_CLIENT_INT_H */
