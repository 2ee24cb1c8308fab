/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * client.h - libmgmclient: the MGM API for routing protocols in other
 * processes, over mgmd's control socket (protocol: mgm_ipc_proto.h and
 * doc/external-protocols.md).
 *
 * Every mgmc_* MGM function mirrors the mgm_* function of mgm.h with the
 * same name: same arguments (the connection instead of the MGM instance),
 * same semantics, same MGM return codes, including the buffer contract of
 * the Get* functions (MGM_ERROR_INSUFFICIENT_BUFFER with *buffer_size set
 * to the size needed -- the only case it is written --, MORE_DATA,
 * NO_MORE_ITEMS with entries possibly returned).  On top of those:
 *
 *  - MGM_ERROR_CAN_NOT_COMPLETE also means the daemon could not be asked
 *    (connection lost, no reply within the request timeout, or a call
 *    made from inside a callback an older mgmd is waiting on, see below);
 *    mgmc_last_error() says which.
 *  - MGM_ERROR_INVALID_PARAMETER also means mgmd refused the request as
 *    malformed (MGM_IPC_ERROR); mgmc_last_error() has its text.
 *  - Handles are valid on the connection that obtained them only: another
 *    connection's handle is refused with MGM_ERROR_INVALID_PARAMETER.
 *    When the connection closes (mgmc_close, exit, crash), mgmd shuts its
 *    protocols down as MGM's shutdown sequence says: it releases every
 *    interface they own, then deregisters them.
 *
 * Callbacks.  MGM's callbacks arrive as messages; the library calls the
 * function in the struct mgm_protocol_config given at registration (ctx
 * first, as in mgm.h) and, for the three that return data -- RPF (iif,
 * next hop, upstream, route), creation alert (the enabled flags of the
 * oif list) and prune alert (the timeout) -- sends the values back.
 * Callbacks run inside mgmc_dispatch() and inside any mgmc_* call that is
 * waiting for its reply, so a request that makes MGM call back into the
 * same process cannot deadlock.  mgmd does not wait for those three
 * answers: it applies MGM's values at once and an answer that comes within
 * mgmc_callback_timeout_ms() (250 ms by default) after the fact; a later
 * one is ignored (doc/external-protocols.md says what changes).  Answer
 * promptly, and call mgmc_dispatch() whenever mgmc_fd() is readable.
 *
 * Inside a callback, mgmc_* calls are allowed.  With an older mgmd that
 * blocked waiting for the answers (no MGM_IPC_FEAT_ASYNC_CB in
 * mgmc_daemon_features()), calls inside the three that return data would
 * be served only after it gave up on them, so they fail at once with
 * MGM_ERROR_CAN_NOT_COMPLETE.
 *
 * Threads: a connection may be used from several threads.  A recursive
 * mutex serialises the socket: one request at a time per connection, and
 * callbacks run with it held (a callback calling mgmc_* on its own thread
 * works; other threads wait until the callback returns).  Do not call
 * mgmc_* on the same connection from a callback while another thread
 * holds a lock that thread needs to finish its own mgmc_* call.
 * mgmc_close() must not race with other calls on the same connection.
 */
#ifndef MGM_CLIENT_H
#define MGM_CLIENT_H

#include <stddef.h>
#include <stdint.h>

#include "mgm/mgm.h"
#include "mgm/mgm_ipc_proto.h"

#ifdef __cplusplus
extern "C" {
#endif

struct mgmc;

/*
 * Connect to mgmd (path NULL: MGM_IPC_SOCKET_DEFAULT).  The peer must be
 * root or in mgmd's socket group.  mgmc_connect_as() also names the
 * connection: its protocols are shown by mgmctl as "remote:NAME" (the
 * default name is the process ID).  NULL on failure, errno set
 * (EACCES if mgmd refused the peer, EPROTO on a version mismatch).
 */
struct mgmc *mgmc_connect(const char *path);
struct mgmc *mgmc_connect_as(const char *path, const char *name);
/* Close; mgmd shuts down every protocol still registered on it. */
void mgmc_close(struct mgmc *c);

/* Event loop integration: when mgmc_fd() is readable, call
 * mgmc_dispatch(); it handles every message that is buffered, without
 * blocking.  Returns the number handled, or -EPIPE once mgmd is gone.
 * (Callbacks that arrive along with a reply are run by that call before
 * it returns, so nothing waits in the library unannounced.) */
int mgmc_fd(const struct mgmc *c);
int mgmc_dispatch(struct mgmc *c);

/* How long a request waits for its reply (ms, default 30000; -1: no
 * limit).  Callbacks are handled meanwhile. */
void mgmc_set_timeout(struct mgmc *c, int timeout_ms);
/* How long mgmd waits for the answer of a callback (from HELLO). */
uint32_t mgmc_callback_timeout_ms(const struct mgmc *c);
/* Why the last mgmc_* call of this thread failed, "" if it did not. */
const char *mgmc_last_error(void);

/*
 * Called when a protocol of this connection was shut down from outside
 * (mgmctl shutdown remote:NAME): its interfaces were released and it was
 * deregistered, so its handle is dead.  reason: MGM_IPC_SHUTDOWN_*
 * (mgm_ipc_proto.h).
 */
typedef void (*mgmc_shutdown_cb)(void *arg, mgm_handle_t protocol,
				 uint32_t reason);
void mgmc_on_shutdown(struct mgmc *c, mgmc_shutdown_cb fn, void *arg);

/*
 * Interfaces that go and come (optional; without a handler the events
 * are dropped, and nothing else changes).  MGMC_IF_GONE: an interface
 * the protocol owned (or, for IGMP, ran on) was deleted, renamed away or
 * left mgmd's namespace; mgmd has already released it on the protocol's
 * behalf the seed's way (IGMP disabled and re-enabled around it where
 * IGMP shares it, every entry tied to it deleted), whether or not a
 * handler is set: do not release it again.  MGMC_IF_APPEARED: later, an
 * interface with the same name is there (ifindex: its new index,
 * old_ifindex: the one that went); mgmd does not take it back on the
 * protocol's behalf: call mgmc_take_interface_ownership() to.  Handlers
 * run like callbacks (mgmc_* calls are allowed in them).  Only from a
 * daemon with MGM_IPC_FEAT_IF_EVENTS (see mgmc_daemon_features()).
 */
enum mgmc_if_event_type {
	MGMC_IF_GONE = 1,
	MGMC_IF_APPEARED = 2,
};

struct mgmc_if_event {
	enum mgmc_if_event_type type;
	uint32_t ifindex;
	uint32_t nexthop; /* GONE: the next hop released */
	uint32_t old_ifindex; /* APPEARED: the index that went */
	uint32_t status; /* GONE: the release's MGM result */
	char name[16]; /* the interface's name, "" if unknown */
};

typedef void (*mgmc_interface_cb)(void *arg, mgm_handle_t protocol,
				  const struct mgmc_if_event *ev);
void mgmc_on_interface(struct mgmc *c, mgmc_interface_cb fn, void *arg);
/* What the daemon said it sends besides callbacks (MGM_IPC_FEAT_*). */
uint32_t mgmc_daemon_features(const struct mgmc *c);

/* ---- the MGM functions (see mgm.h) ----------------------------------- */

uint32_t mgmc_register_protocol(struct mgmc *c,
				const struct mgm_protocol_config *config,
				uint32_t protocol_id, uint32_t component_id,
				mgm_handle_t *protocol);
uint32_t mgmc_deregister_protocol(struct mgmc *c, mgm_handle_t protocol);
uint32_t mgmc_take_interface_ownership(struct mgmc *c, mgm_handle_t protocol,
				       uint32_t ifindex, uint32_t nexthop);
uint32_t mgmc_release_interface_ownership(struct mgmc *c, mgm_handle_t protocol,
					  uint32_t ifindex, uint32_t nexthop);
uint32_t mgmc_get_protocol_on_interface(struct mgmc *c, uint32_t ifindex,
					uint32_t nexthop, uint32_t *protocol_id,
					uint32_t *component_id);
uint32_t mgmc_add_group_membership_entry(struct mgmc *c, mgm_handle_t protocol,
					 uint32_t source, uint32_t source_mask,
					 uint32_t group, uint32_t group_mask,
					 uint32_t ifindex, uint32_t nexthop,
					 uint32_t flags);
uint32_t mgmc_delete_group_membership_entry(
	struct mgmc *c, mgm_handle_t protocol, uint32_t source,
	uint32_t source_mask, uint32_t group, uint32_t group_mask,
	uint32_t ifindex, uint32_t nexthop, uint32_t flags);
uint32_t mgmc_get_mfe(struct mgmc *c, const struct mgm_ipmcast_mfe *mfe,
		      uint32_t *buffer_size, uint8_t *buffer);
uint32_t mgmc_get_first_mfe(struct mgmc *c, uint32_t *buffer_size,
			    uint8_t *buffer, uint32_t *num_entries);
uint32_t mgmc_get_next_mfe(struct mgmc *c, const struct mgm_ipmcast_mfe *start,
			   uint32_t *buffer_size, uint8_t *buffer,
			   uint32_t *num_entries);
uint32_t mgmc_get_mfe_stats(struct mgmc *c, const struct mgm_ipmcast_mfe *mfe,
			    uint32_t *buffer_size, uint8_t *buffer,
			    uint32_t flags);
uint32_t mgmc_get_first_mfe_stats(struct mgmc *c, uint32_t *buffer_size,
				  uint8_t *buffer, uint32_t *num_entries,
				  uint32_t flags);
uint32_t mgmc_get_next_mfe_stats(struct mgmc *c,
				 const struct mgm_ipmcast_mfe *start,
				 uint32_t *buffer_size, uint8_t *buffer,
				 uint32_t *num_entries, uint32_t flags);
uint32_t mgmc_set_mfe(struct mgmc *c, mgm_handle_t protocol,
		      const struct mgm_ipmcast_mfe *mfe);
uint32_t mgmc_group_enumeration_start(struct mgmc *c, mgm_handle_t protocol,
				      enum mgm_enum_type type,
				      mgm_handle_t *enum_handle);
uint32_t mgmc_group_enumeration_get_next(struct mgmc *c,
					 mgm_handle_t enum_handle,
					 uint32_t *buffer_size, uint8_t *buffer,
					 uint32_t *num_entries);
uint32_t mgmc_group_enumeration_end(struct mgmc *c, mgm_handle_t enum_handle);

/*
 * Both address families: mgm.h's _x functions ("Both address families"),
 * over the control socket.  A protocol registered with
 * mgmc_register_protocol_x() gets its callbacks with struct mgm_addr
 * addresses, for the families it named; its handle works with every
 * mgmc_* function above (interfaces, enumeration start and end), and
 * mgmc_group_enumeration_get_next_x() returns struct mgm_source_group_x
 * records of either family.  Records of the MFE functions are struct
 * mgm_mfe_x, each padded to 8 bytes (step with
 * (MGM_SIZEOF_MFE_X(num_oifs) + 7) & ~7).  A daemon without
 * MGM_IPC_FEAT_FAMILY_X (mgmc_daemon_features()) cannot serve them: they
 * return MGM_ERROR_CAN_NOT_COMPLETE at once, mgmc_last_error() says so.
 */
uint32_t mgmc_register_protocol_x(struct mgmc *c,
				  const struct mgm_protocol_config_x *config,
				  uint32_t protocol_id, uint32_t component_id,
				  mgm_handle_t *protocol);
uint32_t mgmc_add_group_membership_x(struct mgmc *c, mgm_handle_t protocol,
				     const struct mgm_addr *source,
				     const struct mgm_addr *group,
				     uint32_t ifindex, uint32_t nexthop,
				     uint32_t flags);
uint32_t mgmc_delete_group_membership_x(struct mgmc *c, mgm_handle_t protocol,
					const struct mgm_addr *source,
					const struct mgm_addr *group,
					uint32_t ifindex, uint32_t nexthop,
					uint32_t flags);
uint32_t mgmc_get_mfe_x(struct mgmc *c, const struct mgm_addr *source,
			const struct mgm_addr *group, uint32_t *buffer_size,
			uint8_t *buffer);
uint32_t mgmc_get_first_mfe_x(struct mgmc *c, uint32_t *buffer_size,
			      uint8_t *buffer, uint32_t *num_entries);
uint32_t mgmc_get_next_mfe_x(struct mgmc *c, const struct mgm_addr *source,
			     const struct mgm_addr *group,
			     uint32_t *buffer_size, uint8_t *buffer,
			     uint32_t *num_entries);
uint32_t mgmc_group_enumeration_get_next_x(struct mgmc *c,
					   mgm_handle_t enum_handle,
					   uint32_t *buffer_size,
					   uint8_t *buffer,
					   uint32_t *num_entries);

/*
 * Low level: send one request of any type with any payload and wait for
 * its answer (for tests and diagnostics).  Returns the answer's status;
 * *reply_type (if not NULL) is MGM_IPC_REPLY or MGM_IPC_ERROR; up to
 * *reply_len bytes of its payload are copied to reply and *reply_len is
 * set to the payload's full length.  A transport failure returns
 * MGM_ERROR_CAN_NOT_COMPLETE with *reply_type 0.
 */
uint32_t mgmc_raw_request(struct mgmc *c, uint16_t type, const void *payload,
			  size_t len, uint16_t *reply_type, void *reply,
			  size_t *reply_len);
/* Low level: send any message without waiting (e.g. a bogus CB_REPLY).
 * 0 or a negative errno. */
int mgmc_raw_send(struct mgmc *c, uint16_t type, uint32_t seq,
		  const void *payload, size_t len);

#ifdef __cplusplus
}
#endif
#endif /* MGM_CLIENT_H */
