/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * mgm_ipc_proto.h - the MGM API on mgmd's control socket, for routing
 * protocols in other processes (doc/external-protocols.md explains it in
 * prose; include/mgm/client.h is the library that speaks it).
 *
 * Framing is mgm_ipc.h's: struct mgm_ipc_hdr, then a payload.  Payloads
 * are the fixed-size structs below, in host byte order (addresses in
 * network order, as in the MGM API), with explicit padding so that both
 * ends agree without packing pragmas; a few carry a counted tail of
 * variable data after the fixed part (MFE records, a packet header, an
 * interface list).  The daemon checks each request's payload length
 * exactly: any other length is answered with MGM_IPC_ERROR.
 *
 *   client -> daemon   request (MGM_IPC_REQ_*), seq chosen by the client
 *   daemon -> client   MGM_IPC_REPLY with the same seq, status = the MGM
 *                      return code, payload = the request's reply struct
 *                      (always present, zeroed where meaningless)
 *   daemon -> client   callback (MGM_IPC_CB_*), seq chosen by the daemon
 *   client -> daemon   MGM_IPC_CB_REPLY with the callback's seq, only for
 *                      the three callbacks that return data (RPF,
 *                      creation alert, prune alert)
 */
#ifndef MGM_MGM_IPC_PROTO_H
#define MGM_MGM_IPC_PROTO_H

#include <stdint.h>

#include "mgm/mgm.h"
#include "mgm/mgm_ipc.h"

/* Requests (MGM_IPC_REQ_FIRST..LAST).  Payload -> reply payload. */
enum mgm_ipc_req {
	MGM_IPC_REQ_HELLO = 32, /* hello -> hello_reply */
	MGM_IPC_REQ_REGISTER = 33, /* register -> handle */
	MGM_IPC_REQ_DEREGISTER = 34, /* handle -> (none) */
	MGM_IPC_REQ_TAKE_INTERFACE = 35, /* interface -> (none) */
	MGM_IPC_REQ_RELEASE_INTERFACE = 36, /* interface -> (none) */
	MGM_IPC_REQ_GET_PROTOCOL_ON_INTERFACE = 37, /* if_query -> if_owner */
	MGM_IPC_REQ_ADD_MEMBERSHIP = 38, /* membership -> (none) */
	MGM_IPC_REQ_DELETE_MEMBERSHIP = 39, /* membership -> (none) */
	MGM_IPC_REQ_GET_MFE = 40, /* mfe_query -> buffer_reply + data */
	MGM_IPC_REQ_GET_FIRST_MFE = 41, /* mfe_query -> buffer_reply + data */
	MGM_IPC_REQ_GET_NEXT_MFE = 42, /* mfe_query -> buffer_reply + data */
	MGM_IPC_REQ_GET_MFE_STATS = 43, /* mfe_query -> buffer_reply + data */
	MGM_IPC_REQ_GET_FIRST_MFE_STATS = 44, /* ditto */
	MGM_IPC_REQ_GET_NEXT_MFE_STATS = 45, /* ditto */
	MGM_IPC_REQ_SET_MFE = 46, /* set_mfe -> (none) */
	MGM_IPC_REQ_GROUP_ENUM_START = 47, /* enum_start -> handle */
	MGM_IPC_REQ_GROUP_ENUM_GET_NEXT = 48, /* enum_next -> buffer_reply */
	MGM_IPC_REQ_GROUP_ENUM_END = 49, /* handle -> (none) */
	/* Both address families (MGM_IPC_FEAT_FAMILY_X): the mgm_*_x
	 * functions of mgm.h.  Addresses are struct mgm_addr. */
	MGM_IPC_REQ_REGISTER_X = 50, /* register_x -> handle */
	MGM_IPC_REQ_ADD_MEMBERSHIP_X = 51, /* membership_x -> (none) */
	MGM_IPC_REQ_DELETE_MEMBERSHIP_X = 52, /* membership_x -> (none) */
	MGM_IPC_REQ_GET_MFE_X = 53, /* mfe_query_x -> buffer_reply + data */
	MGM_IPC_REQ_GET_FIRST_MFE_X = 54, /* ditto (key ignored) */
	MGM_IPC_REQ_GET_NEXT_MFE_X = 55, /* ditto */
	MGM_IPC_REQ_GROUP_ENUM_GET_NEXT_X = 56, /* enum_next -> buffer_reply
						 * + mgm_source_group_x */
};

/* Callbacks (MGM_IPC_CB_FIRST..LAST), daemon to client. */
enum mgm_ipc_cb {
	MGM_IPC_CB_RPF = 96, /* cb_rpf + hdr; answer: cb_rpf_reply */
	MGM_IPC_CB_CREATION_ALERT = 97, /* cb_creation + oifs; answer:
					 * cb_creation_reply + oifs */
	MGM_IPC_CB_PRUNE_ALERT = 98, /* cb_prune; answer: cb_prune_reply */
	MGM_IPC_CB_JOIN_ALERT = 99, /* cb_join */
	MGM_IPC_CB_WRONG_IF = 100, /* cb_wrong_if + hdr */
	MGM_IPC_CB_LOCAL_JOIN = 101, /* cb_local */
	MGM_IPC_CB_LOCAL_LEAVE = 102, /* cb_local */
	MGM_IPC_CB_DISABLE_IGMP = 103, /* cb_igmp */
	MGM_IPC_CB_ENABLE_IGMP = 104, /* cb_igmp */
	/* Not an MGM callback: the protocol was shut down from outside
	 * (mgmctl); its handle is dead.  No answer. */
	MGM_IPC_EV_SHUTDOWN = 112, /* ev_shutdown */
	/* Not MGM callbacks either (MGM_IPC_FEAT_IF_EVENTS): an interface
	 * the protocol owned is gone, and mgmd released it on its behalf;
	 * later, an interface with that name appeared.  No answer; a
	 * client that does not know them ignores them. */
	MGM_IPC_EV_IF_GONE = 113, /* ev_interface */
	MGM_IPC_EV_IF_APPEARED = 114, /* ev_interface */
	/*
	 * The callbacks of a protocol registered with REGISTER_X, either
	 * family (the IPv4 ones above go to REGISTER's protocols only).
	 * DISABLE_IGMP and ENABLE_IGMP carry no address: both kinds of
	 * protocol get those above.
	 */
	MGM_IPC_CB_RPF_X = 115, /* cb_rpf_x + hdr; answer: cb_rpf_x_reply */
	MGM_IPC_CB_CREATION_ALERT_X = 116, /* cb_creation_x + oifs; answer:
					    * cb_creation_reply + oifs */
	MGM_IPC_CB_PRUNE_ALERT_X = 117, /* cb_prune_x; answer: cb_prune_reply */
	MGM_IPC_CB_JOIN_ALERT_X = 118, /* cb_join_x */
	MGM_IPC_CB_WRONG_IF_X = 119, /* cb_wrong_if_x + hdr */
	MGM_IPC_CB_LOCAL_JOIN_X = 120, /* cb_local_x */
	MGM_IPC_CB_LOCAL_LEAVE_X = 121, /* cb_local_x */
};

/* Does a callback of this type wait for an MGM_IPC_CB_REPLY? */
#define MGM_IPC_CB_WANTS_REPLY(t)                                     \
	((t) == MGM_IPC_CB_RPF || (t) == MGM_IPC_CB_CREATION_ALERT || \
	 (t) == MGM_IPC_CB_PRUNE_ALERT || (t) == MGM_IPC_CB_RPF_X ||  \
	 (t) == MGM_IPC_CB_CREATION_ALERT_X ||                        \
	 (t) == MGM_IPC_CB_PRUNE_ALERT_X)

/*
 * The "control" object of `mgmctl show stats`, in order: what the control
 * socket refused (mgmd.conf "control" limits) and what became of external
 * protocols' callback answers (doc/external-protocols.md).
 */
#define MGM_CTL_STATS(X)                                                       \
	X(connections_refused,                                                 \
	  "connections refused: max-connections(-per-uid)")                    \
	X(output_overflows, "peers dropped: max-output left unread")           \
	X(interfaces_refused, "interface takes over max-interfaces")           \
	X(memberships_refused, "memberships over max-memberships")             \
	X(enumerations_refused, "group enumerations over max-enumerations")    \
	X(callbacks_async,                                                     \
	  "RPF/creation/prune callbacks sent, MGM's values kept")              \
	X(answers_on_time, "callback answers within the timeout")              \
	X(answers_applied, "of those, answers that changed an MFE afterwards") \
	X(answers_late, "answers after the timeout, or repeated: ignored")     \
	X(answers_bad, "answers malformed, or to no callback: ignored")        \
	X(callback_timeouts, "callbacks not answered within the timeout")

/* How long mgmd waits for a callback's answer by default (ms). */
#define MGM_IPC_CB_TIMEOUT_MS 250U
/* Longest packet header a callback carries, and a connection's label. */
#define MGM_IPC_HDR_MAX 256U
#define MGM_IPC_NAME_MAX 32U

/* ---- requests and their replies ------------------------------------ */

/* HELLO: optional, first.  Names the connection for mgmctl ("remote:NAME"
 * or, if name is empty, "remote:PID") and checks the version. */
struct mgm_ipc_hello {
	uint32_t version; /* MGM_IPC_VERSION */
	uint32_t pid; /* the client's, for display only */
	char name[MGM_IPC_NAME_MAX]; /* NUL-padded; [A-Za-z0-9_.-] */
};

struct mgm_ipc_hello_reply {
	uint32_t version; /* the daemon's */
	uint32_t cb_timeout_ms; /* how long it waits for callback answers */
	uint32_t max_msg; /* MGM_IPC_MAX */
	uint32_t features; /* MGM_IPC_FEAT_*; 0 from an older daemon */
};

/* Bits of mgm_ipc_hello_reply.features: what the daemon sends besides
 * MGM's callbacks.  Additions within a version never need an answer. */
#define MGM_IPC_FEAT_IF_EVENTS 0x1U /* EV_IF_GONE, EV_IF_APPEARED */
/* mgmd never waits for a callback's answer (it applies MGM's values at
 * once and the answer after the fact): a client may call mgmd from inside
 * RPF, creation and prune alerts. */
#define MGM_IPC_FEAT_ASYNC_CB 0x2U
/* The family-neutral requests and callbacks (REGISTER_X ... CB_*_X): an
 * older daemon answers them "unknown request type" (MGM_IPC_ERROR). */
#define MGM_IPC_FEAT_FAMILY_X 0x4U

/* Bits of mgm_ipc_register.callbacks: which callbacks the client has.
 * MGM calls only those (a NULL callback is simply not called). */
#define MGM_IPC_CBM_RPF 0x001U
#define MGM_IPC_CBM_CREATION_ALERT 0x002U
#define MGM_IPC_CBM_PRUNE_ALERT 0x004U
#define MGM_IPC_CBM_JOIN_ALERT 0x008U
#define MGM_IPC_CBM_WRONG_IF 0x010U
#define MGM_IPC_CBM_LOCAL_JOIN 0x020U
#define MGM_IPC_CBM_LOCAL_LEAVE 0x040U
#define MGM_IPC_CBM_DISABLE_IGMP 0x080U
#define MGM_IPC_CBM_ENABLE_IGMP 0x100U
#define MGM_IPC_CBM_ALL 0x1ffU

/* REGISTER: MgmRegisterMProtocol. */
struct mgm_ipc_register {
	uint32_t protocol_id;
	uint32_t component_id;
	uint32_t callback_flags; /* reserved, must be 0 (as in MGM) */
	uint32_t callbacks; /* MGM_IPC_CBM_* */
};

/* REGISTER_X: mgm_register_protocol_x.  The callbacks are the bits of
 * MGM_IPC_CBM_* (same meaning); families: MGM_FAMILY_* (at least one). */
struct mgm_ipc_register_x {
	uint32_t protocol_id;
	uint32_t component_id;
	uint32_t families;
	uint32_t callbacks;
};

/* DEREGISTER, GROUP_ENUM_END; and the reply of REGISTER and
 * GROUP_ENUM_START. */
struct mgm_ipc_handle {
	uint64_t handle;
};

/* TAKE_INTERFACE, RELEASE_INTERFACE. */
struct mgm_ipc_interface {
	uint64_t handle;
	uint32_t ifindex;
	uint32_t nexthop;
};

/* GET_PROTOCOL_ON_INTERFACE and its reply. */
struct mgm_ipc_if_query {
	uint32_t ifindex;
	uint32_t nexthop;
};

struct mgm_ipc_if_owner {
	uint32_t protocol_id;
	uint32_t component_id;
};

/* ADD_MEMBERSHIP, DELETE_MEMBERSHIP. */
struct mgm_ipc_membership {
	uint64_t handle;
	uint32_t source;
	uint32_t source_mask;
	uint32_t group;
	uint32_t group_mask;
	uint32_t ifindex;
	uint32_t nexthop;
	uint32_t flags; /* MGM_JOIN_STATE_FLAG, MGM_FORWARD_STATE_FLAG */
	uint32_t reserved;
};

/* ADD_MEMBERSHIP_X, DELETE_MEMBERSHIP_X: wildcards are unspecified
 * addresses (no masks); source and group of one family. */
struct mgm_ipc_membership_x {
	uint64_t handle;
	struct mgm_addr source;
	struct mgm_addr group;
	uint32_t ifindex;
	uint32_t nexthop;
	uint32_t flags; /* MGM_JOIN_STATE_FLAG, MGM_FORWARD_STATE_FLAG */
	uint32_t reserved;
};

/* The fixed part of struct mgm_ipmcast_mfe (its 15 words) on the wire. */
#define MGM_IPC_MFE_WORDS 15

/*
 * GET_MFE, GET_FIRST_MFE, GET_NEXT_MFE and the three STATS variants.
 * mfe: the key (GetMfe*) or the start (GetNext*), ignored by GetFirst*;
 * buffer_size: the caller's buffer (the daemon may use less, at most
 * MGM_IPC_BUF_MAX); flags: MGM_MFE_STATS_0/1 for the STATS variants, 0
 * otherwise.
 */
struct mgm_ipc_mfe_query {
	uint32_t mfe[MGM_IPC_MFE_WORDS];
	uint32_t buffer_size;
	uint32_t flags;
	uint32_t reserved;
};

/*
 * Reply of every request that fills a buffer: the MFE ones and
 * GROUP_ENUM_GET_NEXT.  buffer_size is the size needed when the status is
 * MGM_ERROR_INSUFFICIENT_BUFFER (otherwise the caller's, unchanged);
 * num_entries records follow, as MGM wrote them (variable-sized MFE
 * records: step with MGM_SIZEOF_MFE* of each record's num_oifs).
 */
struct mgm_ipc_buffer_reply {
	uint32_t buffer_size;
	uint32_t num_entries;
	/* uint8_t data[]; */
};

#define MGM_IPC_BUF_MAX                                       \
	(MGM_IPC_MAX - (uint32_t)sizeof(struct mgm_ipc_hdr) - \
	 (uint32_t)sizeof(struct mgm_ipc_buffer_reply))

/*
 * GET_MFE_X (source, group: the key), GET_FIRST_MFE_X (ignored),
 * GET_NEXT_MFE_X (the start).  The reply's records are struct mgm_mfe_x,
 * each padded to 8 bytes, as mgm_get_*_mfe_x write them.
 */
struct mgm_ipc_mfe_query_x {
	struct mgm_addr source;
	struct mgm_addr group;
	uint32_t buffer_size;
	uint32_t reserved;
};

/* SET_MFE: MgmSetMfe (MGM reads source, group and upstream). */
struct mgm_ipc_set_mfe {
	uint64_t handle;
	uint32_t mfe[MGM_IPC_MFE_WORDS];
	uint32_t reserved;
};

/* GROUP_ENUM_START (reply: struct mgm_ipc_handle, the enum handle). */
struct mgm_ipc_enum_start {
	uint64_t handle;
	uint32_t type; /* enum mgm_enum_type */
	uint32_t reserved;
};

/* GROUP_ENUM_GET_NEXT (reply: buffer_reply + mgm_source_group records). */
struct mgm_ipc_enum_next {
	uint64_t enum_handle;
	uint32_t buffer_size;
	uint32_t reserved;
};

/* ---- callbacks and their answers ------------------------------------- */

/* Every callback starts with the handle of the protocol it is for. */

/* RPF, then hdr_size bytes of packet header. */
struct mgm_ipc_cb_rpf {
	uint64_t handle;
	uint32_t source;
	uint32_t source_mask;
	uint32_t group;
	uint32_t group_mask;
	uint32_t in_ifindex; /* in: MGM's choice */
	uint32_t in_nexthop;
	uint32_t upstream;
	uint32_t hdr_size;
	struct mgm_route_info route;
	uint32_t reserved;
	/* uint8_t hdr[hdr_size]; */
};

/* The answer: the (possibly changed) in/out values. */
struct mgm_ipc_cb_rpf_reply {
	uint32_t in_ifindex;
	uint32_t in_nexthop;
	uint32_t upstream;
	struct mgm_route_info route;
};

/* Creation alert, then if_count struct mgm_if_entry (this protocol's). */
struct mgm_ipc_cb_creation {
	uint64_t handle;
	uint32_t source;
	uint32_t source_mask;
	uint32_t group;
	uint32_t group_mask;
	uint32_t in_ifindex;
	uint32_t in_nexthop;
	uint32_t if_count;
	uint32_t reserved;
	/* struct mgm_if_entry oifs[if_count]; */
};

/* The answer: the same list, in the same order, with enabled set. */
struct mgm_ipc_cb_creation_reply {
	uint32_t if_count;
	uint32_t reserved;
	/* struct mgm_if_entry oifs[if_count]; */
};

struct mgm_ipc_cb_prune {
	uint64_t handle;
	uint32_t source;
	uint32_t source_mask;
	uint32_t group;
	uint32_t group_mask;
	uint32_t ifindex;
	uint32_t nexthop;
	int32_t member_delete;
	uint32_t timeout; /* in: MGM's value (seconds) */
};

struct mgm_ipc_cb_prune_reply {
	uint32_t timeout; /* out: seconds the MFE stays */
	uint32_t reserved;
};

struct mgm_ipc_cb_join {
	uint64_t handle;
	uint32_t source;
	uint32_t source_mask;
	uint32_t group;
	uint32_t group_mask;
	int32_t member_update;
	uint32_t reserved;
};

/* Wrong interface, then hdr_size bytes of packet header. */
struct mgm_ipc_cb_wrong_if {
	uint64_t handle;
	uint32_t source;
	uint32_t group;
	uint32_t ifindex;
	uint32_t nexthop;
	uint32_t hdr_size;
	uint32_t reserved;
	/* uint8_t hdr[hdr_size]; */
};

/* LOCAL_JOIN, LOCAL_LEAVE. */
struct mgm_ipc_cb_local {
	uint64_t handle;
	uint32_t source;
	uint32_t source_mask;
	uint32_t group;
	uint32_t group_mask;
	uint32_t ifindex;
	uint32_t nexthop;
};

/* The family-neutral callbacks: those above, addresses as struct
 * mgm_addr (wildcards unspecified, no masks). */

/* RPF_X, then hdr_size bytes of packet header. */
struct mgm_ipc_cb_rpf_x {
	uint64_t handle;
	struct mgm_addr source;
	struct mgm_addr group;
	struct mgm_addr upstream; /* in: MGM's choice */
	uint32_t in_ifindex; /* in: MGM's choice */
	uint32_t in_nexthop;
	uint32_t hdr_size;
	uint32_t reserved;
	struct mgm_route_info_x route;
	/* uint8_t hdr[hdr_size]; */
};

struct mgm_ipc_cb_rpf_x_reply {
	uint32_t in_ifindex;
	uint32_t in_nexthop;
	struct mgm_addr upstream;
	struct mgm_route_info_x route;
};

/* CREATION_ALERT_X, then if_count struct mgm_if_entry; the answer is
 * struct mgm_ipc_cb_creation_reply, as for CREATION_ALERT. */
struct mgm_ipc_cb_creation_x {
	uint64_t handle;
	struct mgm_addr source;
	struct mgm_addr group;
	uint32_t in_ifindex;
	uint32_t in_nexthop;
	uint32_t if_count;
	uint32_t reserved;
	/* struct mgm_if_entry oifs[if_count]; */
};

/* PRUNE_ALERT_X; the answer is struct mgm_ipc_cb_prune_reply. */
struct mgm_ipc_cb_prune_x {
	uint64_t handle;
	struct mgm_addr source;
	struct mgm_addr group;
	uint32_t ifindex;
	uint32_t nexthop;
	int32_t member_delete;
	uint32_t timeout; /* in: MGM's value (seconds) */
};

struct mgm_ipc_cb_join_x {
	uint64_t handle;
	struct mgm_addr source;
	struct mgm_addr group;
	int32_t member_update;
	uint32_t reserved;
};

/* WRONG_IF_X, then hdr_size bytes of packet header. */
struct mgm_ipc_cb_wrong_if_x {
	uint64_t handle;
	struct mgm_addr source;
	struct mgm_addr group;
	uint32_t ifindex;
	uint32_t nexthop;
	uint32_t hdr_size;
	uint32_t reserved;
	/* uint8_t hdr[hdr_size]; */
};

/* LOCAL_JOIN_X, LOCAL_LEAVE_X. */
struct mgm_ipc_cb_local_x {
	uint64_t handle;
	struct mgm_addr source;
	struct mgm_addr group;
	uint32_t ifindex;
	uint32_t nexthop;
};

/* DISABLE_IGMP, ENABLE_IGMP. */
struct mgm_ipc_cb_igmp {
	uint64_t handle;
	uint32_t ifindex;
	uint32_t nexthop;
};

/* Reasons of MGM_IPC_EV_SHUTDOWN. */
#define MGM_IPC_SHUTDOWN_ADMIN 1U /* mgmctl shutdown */

struct mgm_ipc_ev_shutdown {
	uint64_t handle;
	uint32_t reason;
	uint32_t reserved;
};

/*
 * EV_IF_GONE: the interface (ifindex, nexthop) that the protocol owned
 * (or, for an IGMP protocol, ran on) was deleted, renamed away or moved
 * out of mgmd's namespace.  mgmd has already released it on the
 * protocol's behalf, as MgmReleaseInterfaceOwnership would (status: its
 * result); a release from the client now fails.
 * EV_IF_APPEARED: an interface named like one the protocol lost is
 * there (again): ifindex is its new index, old_ifindex the one it lost.
 * mgmd does not take it back; the protocol may.  nexthop and status: 0.
 */
struct mgm_ipc_ev_interface {
	uint64_t handle;
	uint32_t ifindex;
	uint32_t nexthop;
	uint32_t old_ifindex; /* APPEARED only, else 0 */
	uint32_t status; /* GONE: the release's MGM result */
	char name[16]; /* IF_NAMESIZE, NUL-padded; may be empty */
};

/* The wire layout is ABI: sizes are fixed, padding explicit. */
_Static_assert(sizeof(struct mgm_route_info) == 20, "route_info");
_Static_assert(sizeof(struct mgm_if_entry) == 16, "if_entry");
_Static_assert(sizeof(struct mgm_source_group) == 16, "source_group");
_Static_assert(MGM_IPC_MFE_WORDS * 4 == MGM_SIZEOF_BASIC_MFE, "mfe words");
_Static_assert(sizeof(struct mgm_ipc_hello) == 40, "hello");
_Static_assert(sizeof(struct mgm_ipc_hello_reply) == 16, "hello_reply");
_Static_assert(sizeof(struct mgm_ipc_register) == 16, "register");
_Static_assert(sizeof(struct mgm_ipc_handle) == 8, "handle");
_Static_assert(sizeof(struct mgm_ipc_interface) == 16, "interface");
_Static_assert(sizeof(struct mgm_ipc_if_query) == 8, "if_query");
_Static_assert(sizeof(struct mgm_ipc_if_owner) == 8, "if_owner");
_Static_assert(sizeof(struct mgm_ipc_membership) == 40, "membership");
_Static_assert(sizeof(struct mgm_ipc_mfe_query) == 72, "mfe_query");
_Static_assert(sizeof(struct mgm_ipc_buffer_reply) == 8, "buffer_reply");
_Static_assert(sizeof(struct mgm_ipc_set_mfe) == 72, "set_mfe");
_Static_assert(sizeof(struct mgm_ipc_enum_start) == 16, "enum_start");
_Static_assert(sizeof(struct mgm_ipc_enum_next) == 16, "enum_next");
_Static_assert(sizeof(struct mgm_ipc_cb_rpf) == 64, "cb_rpf");
_Static_assert(sizeof(struct mgm_ipc_cb_rpf_reply) == 32, "cb_rpf_reply");
_Static_assert(sizeof(struct mgm_ipc_cb_creation) == 40, "cb_creation");
_Static_assert(sizeof(struct mgm_ipc_cb_creation_reply) == 8,
	       "cb_creation_reply");
_Static_assert(sizeof(struct mgm_ipc_cb_prune) == 40, "cb_prune");
_Static_assert(sizeof(struct mgm_ipc_cb_prune_reply) == 8, "cb_prune_reply");
_Static_assert(sizeof(struct mgm_ipc_cb_join) == 32, "cb_join");
_Static_assert(sizeof(struct mgm_ipc_cb_wrong_if) == 32, "cb_wrong_if");
_Static_assert(sizeof(struct mgm_ipc_cb_local) == 32, "cb_local");
_Static_assert(sizeof(struct mgm_ipc_cb_igmp) == 16, "cb_igmp");
_Static_assert(sizeof(struct mgm_ipc_ev_shutdown) == 16, "ev_shutdown");
_Static_assert(sizeof(struct mgm_ipc_ev_interface) == 40, "ev_interface");
_Static_assert(sizeof(struct mgm_addr) == 20, "addr");
_Static_assert(sizeof(struct mgm_route_info_x) == 36, "route_info_x");
_Static_assert(sizeof(struct mgm_source_group_x) == 40, "source_group_x");
_Static_assert(sizeof(struct mgm_ipc_register_x) == 16, "register_x");
_Static_assert(sizeof(struct mgm_ipc_membership_x) == 64, "membership_x");
_Static_assert(sizeof(struct mgm_ipc_mfe_query_x) == 48, "mfe_query_x");
_Static_assert(sizeof(struct mgm_ipc_cb_rpf_x) == 120, "cb_rpf_x");
_Static_assert(sizeof(struct mgm_ipc_cb_rpf_x_reply) == 64, "cb_rpf_x_reply");
_Static_assert(sizeof(struct mgm_ipc_cb_creation_x) == 64, "cb_creation_x");
_Static_assert(sizeof(struct mgm_ipc_cb_prune_x) == 64, "cb_prune_x");
_Static_assert(sizeof(struct mgm_ipc_cb_join_x) == 56, "cb_join_x");
_Static_assert(sizeof(struct mgm_ipc_cb_wrong_if_x) == 64, "cb_wrong_if_x");
_Static_assert(sizeof(struct mgm_ipc_cb_local_x) == 56, "cb_local_x");

#endif /* MGM_MGM_IPC_PROTO_H */
