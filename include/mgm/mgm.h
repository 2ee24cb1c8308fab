/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * mgm.h - the Multicast Group Manager API.
 *
 * A Linux re-creation of the Windows RRAS Multicast Group Manager (mgm.h,
 * Rtm.dll).  Routing protocols register, take ownership of interfaces,
 * add and delete group memberships and receive callbacks; MGM builds the
 * multicast forwarding entries (MFEs) from all memberships and programs the
 * fast path.  Each function names the MGM function it implements; the
 * semantics follow ../shared/reference/mgm-api.md, with the decisions for
 * what the MGM documentation leaves open listed in README ("MGM API").
 *
 * Differences from the Windows API, all deliberate:
 *  - Every function takes the MGM instance (struct mgm *) first, so that a
 *    process (or a test) can run more than one.
 *  - Every callback takes the protocol's ctx pointer first (from
 *    struct mgm_protocol_config), so one callback can serve many clients.
 *  - Handles are 64-bit values (0 is never valid) carrying a generation
 *    and an instance nonce: a handle that was deregistered, or that came
 *    from an earlier instance, is rejected even if its slot was reused.
 *    An instance never issues the same handle value twice (protocol or
 *    enumeration handle), however many register/deregister or start/end
 *    cycles it runs: a dead handle can never act for a later protocol.
 *    Each instance has about 1.1e12 handles of each kind (35 years at a
 *    thousand registrations a second); after that, registration fails
 *    rather than reissue one.
 *  - Times in every MFE record (uptime, expiry, timeout) are in seconds;
 *    the MGM documentation contradicts itself (seconds vs hundredths).
 *
 * Addresses, masks and next hops are IPv4 in network byte order, as the
 * DWORDs of the Win32 MIB structures are.  Interfaces are identified by
 * (ifindex, next hop); the next hop is 0 except on point-to-multipoint
 * interfaces.
 *
 * Thread safety: every function may be called from any thread and from
 * inside any callback; MGM never holds its lock while calling back.  The
 * one exception MGM itself makes: IGMP must not re-add memberships from
 * inside its enable callback (it must defer them); such calls fail with
 * MGM_ERROR_CAN_NOT_COMPLETE.
 *
 * Order: each protocol receives its callbacks one at a time and in the
 * order MGM made the decisions, whichever threads caused them.  The
 * thread that caused a callback normally delivers it before its call
 * returns; when the protocol is receiving another callback at that
 * moment (on another thread), that delivery brings it afterwards, so it
 * may arrive after the causing call returned.  (RPF and creation alerts
 * and IGMP's disable callback are part of the operation itself and are
 * made during it.)
 */
#ifndef MGM_MGM_H
#define MGM_MGM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Return values: the Win32 error codes MGM uses, with their values. */
#define MGM_NO_ERROR 0U
#define MGM_ERROR_NOT_ENOUGH_MEMORY 8U
#define MGM_ERROR_INVALID_PARAMETER 87U
#define MGM_ERROR_INSUFFICIENT_BUFFER 122U
#define MGM_ERROR_ALREADY_EXISTS 183U
#define MGM_ERROR_MORE_DATA 234U
#define MGM_ERROR_NO_MORE_ITEMS 259U
#define MGM_ERROR_CAN_NOT_COMPLETE 1003U
#define MGM_ERROR_NOT_FOUND 1168U

/* "ERROR_INVALID_PARAMETER" etc.; "NO_ERROR"; "ERROR_<n>" if unknown. */
const char *mgm_strerror(uint32_t err);

/* Flags of mgm_add/delete_group_membership_entry(). */
#define MGM_JOIN_STATE_FLAG 0x00000001U
#define MGM_FORWARD_STATE_FLAG 0x00000002U

/* Flags of the MFE statistics functions. */
#define MGM_MFE_STATS_0 0x00000001U /* struct mgm_ipmcast_mfe_stats */
#define MGM_MFE_STATS_1 0x00000002U /* struct mgm_ipmcast_mfe_stats_ex */

/* MGM_ENUM_TYPES of mgm_group_enumeration_start(). */
enum mgm_enum_type {
	/* One record per group that has any member: (*,G) form. */
	MGM_ANY_SOURCE = 0,
	/* Every distinct (*,G) and (S,G) membership record. */
	MGM_ALL_SOURCES = 1,
};

/*
 * Protocol IDs (routprot.h).  MGM recognises IGMP by its protocol ID: a
 * protocol registered as MGM_MS_IP_IGMP may share an interface with one
 * other protocol and receives the disable/enable callbacks.
 */
#define MGM_PROTO_TYPE_MCAST 1U
#define MGM_PROTO_VENDOR_MS1 0x137U
#define MGM_PROTOCOL_ID(type, vendor, proto) \
	((((type)&3U) << 30) | (((vendor)&0x3FFFU) << 16) | (proto))
#define MGM_PROTO_IP_MSDP 9U
#define MGM_PROTO_IP_IGMP 10U
#define MGM_PROTO_IP_BGMP 11U
#define MGM_MS_IP_IGMP                                              \
	MGM_PROTOCOL_ID(MGM_PROTO_TYPE_MCAST, MGM_PROTO_VENDOR_MS1, \
			MGM_PROTO_IP_IGMP) /* 0x4137000A */

/* Opaque handles; 0 is never a valid handle. */
typedef uint64_t mgm_handle_t;

/* SOURCE_GROUP_ENTRY */
struct mgm_source_group {
	uint32_t source;
	uint32_t source_mask;
	uint32_t group;
	uint32_t group_mask;
};

/* MGM_IF_ENTRY; BOOLs are 32-bit as in Win32. */
struct mgm_if_entry {
	uint32_t ifindex;
	uint32_t nexthop;
	int32_t igmp; /* IGMP is enabled on this interface */
	int32_t enabled; /* in/out: set to 0 to leave it out of this MFE */
};

/*
 * The route used for the RPF check (pbRoute of the RPF callback, which
 * Windows types as an RTM_DEST_INFO).  MGM fills it from the kernel's
 * unicast route toward the source; the RPF callback may overwrite it.
 */
struct mgm_route_info {
	uint32_t protocol; /* who provided the route (dwRouteProtocol) */
	uint32_t network; /* dwRouteNetwork */
	uint32_t mask; /* dwRouteMask */
	uint32_t ifindex; /* interface toward the source, 0 = no route */
	uint32_t nexthop; /* gateway toward the source, 0 = on-link */
};

/*
 * The nine callbacks (ROUTING_PROTOCOL_CONFIG).  Return values ignored.
 * A prune alert for an MFE's oif list (member_delete 0) may write the
 * MFE's idle lifetime to *timeout, in seconds; 0 means the MFE does not
 * age (its expiry then reads 0; an ageing MFE's expiry is at least 1).
 */
typedef uint32_t (*mgm_rpf_cb)(void *ctx, uint32_t source, uint32_t source_mask,
			       uint32_t group, uint32_t group_mask,
			       uint32_t *in_ifindex, uint32_t *in_nexthop,
			       uint32_t *upstream, uint32_t hdr_size,
			       const uint8_t *hdr,
			       struct mgm_route_info *route);
typedef uint32_t (*mgm_creation_alert_cb)(
	void *ctx, uint32_t source, uint32_t source_mask, uint32_t group,
	uint32_t group_mask, uint32_t in_ifindex, uint32_t in_nexthop,
	uint32_t if_count, struct mgm_if_entry *oifs);
typedef uint32_t (*mgm_prune_alert_cb)(void *ctx, uint32_t source,
				       uint32_t source_mask, uint32_t group,
				       uint32_t group_mask, uint32_t ifindex,
				       uint32_t nexthop, int32_t member_delete,
				       uint32_t *timeout);
typedef uint32_t (*mgm_join_alert_cb)(void *ctx, uint32_t source,
				      uint32_t source_mask, uint32_t group,
				      uint32_t group_mask,
				      int32_t member_update);
typedef uint32_t (*mgm_wrong_if_cb)(void *ctx, uint32_t source, uint32_t group,
				    uint32_t ifindex, uint32_t nexthop,
				    uint32_t hdr_size, const uint8_t *hdr);
typedef uint32_t (*mgm_local_join_cb)(void *ctx, uint32_t source,
				      uint32_t source_mask, uint32_t group,
				      uint32_t group_mask, uint32_t ifindex,
				      uint32_t nexthop);
typedef uint32_t (*mgm_local_leave_cb)(void *ctx, uint32_t source,
				       uint32_t source_mask, uint32_t group,
				       uint32_t group_mask, uint32_t ifindex,
				       uint32_t nexthop);
typedef uint32_t (*mgm_disable_igmp_cb)(void *ctx, uint32_t ifindex,
					uint32_t nexthop);
typedef uint32_t (*mgm_enable_igmp_cb)(void *ctx, uint32_t ifindex,
				       uint32_t nexthop);

/* ROUTING_PROTOCOL_CONFIG.  A NULL callback is simply not called. */
struct mgm_protocol_config {
	uint32_t callback_flags; /* reserved, must be 0 */
	void *ctx; /* passed to every callback */
	mgm_rpf_cb rpf;
	mgm_creation_alert_cb creation_alert;
	mgm_prune_alert_cb prune_alert;
	mgm_join_alert_cb join_alert;
	mgm_wrong_if_cb wrong_if;
	mgm_local_join_cb local_join;
	mgm_local_leave_cb local_leave;
	mgm_disable_igmp_cb disable_igmp;
	mgm_enable_igmp_cb enable_igmp;
};

/*
 * MIB structures (ipmib.h), with the Win32 layouts: every field is 32 bits.
 * Records are variable-sized; step through a buffer with the SIZEOF macros.
 */
struct mgm_ipmcast_oif { /* MIB_IPMCAST_OIF_XP */
	uint32_t out_ifindex;
	uint32_t nexthop;
	uint32_t reserved;
	uint32_t reserved1;
};

struct mgm_ipmcast_mfe { /* MIB_IPMCAST_MFE */
	uint32_t group; /* 0 = wildcard group */
	uint32_t source; /* 0 = wildcard source */
	uint32_t source_mask;
	uint32_t upstream; /* dwUpStrmNgbr, the field mgm_set_mfe() changes */
	uint32_t in_ifindex;
	uint32_t in_if_protocol; /* protocol ID of the iif owner */
	uint32_t route_protocol; /* who created the route used for RPF */
	uint32_t route_network;
	uint32_t route_mask;
	uint32_t uptime; /* seconds since creation */
	uint32_t expiry; /* seconds until deletion; 0 = does not age */
	uint32_t timeout; /* lifetime when idle, seconds; 0 = does not age */
	uint32_t num_oifs;
	uint32_t flags; /* reserved */
	uint32_t reserved;
	struct mgm_ipmcast_oif oifs[];
};
#define MGM_SIZEOF_BASIC_MFE ((uint32_t)sizeof(struct mgm_ipmcast_mfe))
#define MGM_SIZEOF_MFE(n) \
	(MGM_SIZEOF_BASIC_MFE + (uint32_t)(n) * sizeof(struct mgm_ipmcast_oif))

struct mgm_ipmcast_oif_stats { /* MIB_IPMCAST_OIF_STATS_LH */
	uint32_t out_ifindex;
	uint32_t nexthop;
	uint32_t dial_context;
	uint32_t ttl_too_low;
	uint32_t frag_needed;
	uint32_t out_packets;
	uint32_t out_discards;
};

struct mgm_ipmcast_mfe_stats { /* MIB_IPMCAST_MFE_STATS */
	uint32_t group;
	uint32_t source;
	uint32_t source_mask;
	uint32_t upstream;
	uint32_t in_ifindex;
	uint32_t in_if_protocol;
	uint32_t route_protocol;
	uint32_t route_network;
	uint32_t route_mask;
	uint32_t uptime;
	uint32_t expiry;
	uint32_t num_oifs;
	uint32_t in_packets;
	uint32_t in_octets;
	uint32_t pkts_different_if;
	uint32_t queue_overflow;
	struct mgm_ipmcast_oif_stats oif_stats[];
};
#define MGM_SIZEOF_BASIC_MFE_STATS \
	((uint32_t)sizeof(struct mgm_ipmcast_mfe_stats))
#define MGM_SIZEOF_MFE_STATS(n)       \
	(MGM_SIZEOF_BASIC_MFE_STATS + \
	 (uint32_t)(n) * sizeof(struct mgm_ipmcast_oif_stats))

struct mgm_ipmcast_mfe_stats_ex { /* MIB_IPMCAST_MFE_STATS_EX_XP */
	uint32_t group;
	uint32_t source;
	uint32_t source_mask;
	uint32_t upstream;
	uint32_t in_ifindex;
	uint32_t in_if_protocol;
	uint32_t route_protocol;
	uint32_t route_network;
	uint32_t route_mask;
	uint32_t uptime;
	uint32_t expiry;
	uint32_t num_oifs;
	uint32_t in_packets;
	uint32_t in_octets;
	uint32_t pkts_different_if;
	uint32_t queue_overflow;
	uint32_t uninit_mfe;
	uint32_t negative_mfe;
	uint32_t in_discards;
	uint32_t in_hdr_errors;
	uint32_t total_out_packets;
	struct mgm_ipmcast_oif_stats oif_stats[];
};
#define MGM_SIZEOF_BASIC_MFE_STATS_EX \
	((uint32_t)sizeof(struct mgm_ipmcast_mfe_stats_ex))
#define MGM_SIZEOF_MFE_STATS_EX(n)       \
	(MGM_SIZEOF_BASIC_MFE_STATS_EX + \
	 (uint32_t)(n) * sizeof(struct mgm_ipmcast_oif_stats))

_Static_assert(sizeof(struct mgm_ipmcast_oif) == 16, "MIB_IPMCAST_OIF");
_Static_assert(sizeof(struct mgm_ipmcast_mfe) == 60, "MIB_IPMCAST_MFE");
_Static_assert(sizeof(struct mgm_ipmcast_oif_stats) == 28,
	       "MIB_IPMCAST_OIF_STATS");
_Static_assert(sizeof(struct mgm_ipmcast_mfe_stats) == 64,
	       "MIB_IPMCAST_MFE_STATS");
_Static_assert(sizeof(struct mgm_ipmcast_mfe_stats_ex) == 84,
	       "MIB_IPMCAST_MFE_STATS_EX");

/* ------------------------------------------------------------------ */
/* The MGM instance                                                    */

struct mgm;
struct mgm_datapath_ops; /* include/mgm/mgm_datapath.h */

/* mgmd's defaults for mgm_options.negative_timeout / negative_per_if. */
#define MGM_NEGATIVE_TIMEOUT_DEFAULT 10U /* s: the kernel's unresolved */
#define MGM_NEGATIVE_PER_IF_DEFAULT 4096U

struct mgm_options {
	const struct mgm_datapath_ops *dp_ops; /* required */
	void *dp; /* passed to every dp_ops function */
	uint32_t default_timeout; /* MFE lifetime when idle, s (0 = 900) */
	/* Optional; level is a syslog LOG_* value.  Called with MGM's lock
	 * held: it must not call back into MGM. */
	void (*log)(void *log_ctx, int level, const char *msg);
	void *log_ctx;
	/*
	 * Packets on an interface no protocol owns (issue 13 item 5).
	 * When set, a miss whose incoming interface (the RPF interface, see
	 * mgm_dispatch() below) no protocol owns creates no MFE and is
	 * counted in mgm_stats.misses_unowned, and mgm_adopt_mfe() refuses
	 * such an entry (MGM_ERROR_NOT_FOUND) and deletes it from the fast
	 * path: no protocol vouched for that RPF interface, and after the
	 * seed's release forwarding from it must not come back with the next
	 * packet.  When clear (the library's default, for programs written
	 * to MGM's documentation), such misses create MFEs as MGM does, with
	 * in_if_protocol 0.  mgmd sets it.
	 */
	bool unowned_iif_no_mfe;
	/*
	 * Optional, used only with unowned_iif_no_mfe: the host's standing
	 * permission for an interface no protocol owns.  Returning true lets
	 * a miss there make its MFE (with in_if_protocol 0, counted in
	 * misses_unowned) as if the option were clear.  mgmd answers true
	 * for its configured phyints: the operator's "phyint IF" vouches for
	 * traffic arriving there, for whatever receivers the protocols have.
	 * Called with MGM's lock held: it must not call back into MGM.
	 */
	bool (*iif_permitted)(void *ctx, uint32_t ifindex);
	void *iif_permitted_ctx;
	/*
	 * Unwanted entries (issue 15 item 6).  A negative MFE is one with
	 * no outgoing interface once the protocols were asked (no receiver
	 * matched, or the creation alerts disabled every one): it drops the
	 * flow in the fast path, and while it lives the flow's packets are
	 * no miss (that is its purpose: a flood of new sources does not
	 * reach the controller twice).  Such entries can be made cheap and
	 * bounded; the zero values keep MGM's behaviour (negative MFEs are
	 * MFEs like the others), mgmd uses the MGM_NEGATIVE_*_DEFAULT ones:
	 *  - negative_timeout: the idle lifetime of an MFE created negative,
	 *    in seconds (0: default_timeout).  Idle as for every MFE: a flow
	 *    still sending keeps its entry, so expiry never turns an active
	 *    flood back into misses.  Once it gains an outgoing interface it
	 *    takes default_timeout, counted from then.
	 *  - negative_per_if: most negative MFEs one incoming interface (the
	 *    MFE's iif) may hold (0: no cap).  A miss that would make one
	 *    more is refused, before the RPF callback when no membership
	 *    matches it, and counted (mgm_stats.negative_refused).
	 *  - max_mfes: most MFEs MGM holds (0: only the fast path's own
	 *    limit, its -ENOSPC).  Whatever the options: when the table (MGM's
	 *    or the fast path's) is full, a new MFE with outgoing interfaces
	 *    evicts negative MFEs, oldest first (mfes_evicted), and is refused
	 *    only when none is left (mfes_refused); a new negative MFE never
	 *    evicts: it is refused (negative_refused).
	 */
	uint32_t negative_timeout;
	uint32_t negative_per_if;
	uint32_t max_mfes;
};

/* Returns 0 or a negative errno. */
int mgm_create(const struct mgm_options *opts, struct mgm **out);
/* Frees the instance; every handle it issued becomes invalid. */
void mgm_destroy(struct mgm *m);

/*
 * Event loop integration: mgm_fd() becomes readable when fast-path events
 * or deferred work are pending; mgm_dispatch() handles them (MFE creation
 * on misses, wrong-interface callbacks, idle expiry, retries of updates
 * the fast path refused) without blocking, and mgm_timeout_ms() says how
 * long the caller may sleep before the next call (-1: until the fd is
 * readable).
 *
 * A miss's MFE has as incoming interface the RPF interface: the route
 * toward the source, or where the packet arrived without one, or what the
 * owner's RPF callback chose.  If no protocol (a routing protocol or
 * IGMP) owns that interface, what happens depends on
 * mgm_options.unowned_iif_no_mfe.  Clear (the default): the MFE is
 * created anyway, with in_if_protocol 0.  Set: the miss creates nothing,
 * also right after the interface's last owner released it, unless
 * mgm_options.iif_permitted says the host permits that interface; each
 * refused miss is counted (misses_unowned) and the flow is created on a
 * later miss once a protocol owns the interface.
 */
int mgm_fd(struct mgm *m);
int mgm_dispatch(struct mgm *m);
int mgm_timeout_ms(struct mgm *m);

/* ------------------------------------------------------------------ */
/* The MGM functions                                                   */

/* MgmRegisterMProtocol */
uint32_t mgm_register_protocol(struct mgm *m,
			       const struct mgm_protocol_config *config,
			       uint32_t protocol_id, uint32_t component_id,
			       mgm_handle_t *protocol);
/*
 * MgmDeRegisterMProtocol.  Once it returns, no callback of the protocol
 * starts, and the ones that were running on other threads have ended (so
 * ctx may be freed), with one exception that would otherwise never end:
 * a callback that is itself waiting, in a deregistration of its own,
 * for the calling thread (protocols deregistering each other from their
 * callbacks on different threads).  The last deregistration to close
 * such a cycle does not wait; the others then finish.
 */
uint32_t mgm_deregister_protocol(struct mgm *m, mgm_handle_t protocol);
/* MgmTakeInterfaceOwnership */
uint32_t mgm_take_interface_ownership(struct mgm *m, mgm_handle_t protocol,
				      uint32_t ifindex, uint32_t nexthop);
/* MgmReleaseInterfaceOwnership */
uint32_t mgm_release_interface_ownership(struct mgm *m, mgm_handle_t protocol,
					 uint32_t ifindex, uint32_t nexthop);
/*
 * MgmGetProtocolOnInterface.  When IGMP shares the interface, the other
 * (routing) protocol is returned; IGMP only when it is alone.
 */
uint32_t mgm_get_protocol_on_interface(struct mgm *m, uint32_t ifindex,
				       uint32_t nexthop, uint32_t *protocol_id,
				       uint32_t *component_id);
/* MgmAddGroupMembershipEntry */
uint32_t mgm_add_group_membership_entry(struct mgm *m, mgm_handle_t protocol,
					uint32_t source, uint32_t source_mask,
					uint32_t group, uint32_t group_mask,
					uint32_t ifindex, uint32_t nexthop,
					uint32_t flags);
/* MgmDeleteGroupMembershipEntry */
uint32_t mgm_delete_group_membership_entry(struct mgm *m, mgm_handle_t protocol,
					   uint32_t source,
					   uint32_t source_mask, uint32_t group,
					   uint32_t group_mask,
					   uint32_t ifindex, uint32_t nexthop,
					   uint32_t flags);
/* MgmGetMfe: one MFE keyed by mfe->source and mfe->group. */
uint32_t mgm_get_mfe(struct mgm *m, const struct mgm_ipmcast_mfe *mfe,
		     uint32_t *buffer_size, uint8_t *buffer);
/* MgmGetFirstMfe */
uint32_t mgm_get_first_mfe(struct mgm *m, uint32_t *buffer_size,
			   uint8_t *buffer, uint32_t *num_entries);
/* MgmGetNextMfe: continues after (start->source, start->group). */
uint32_t mgm_get_next_mfe(struct mgm *m, const struct mgm_ipmcast_mfe *start,
			  uint32_t *buffer_size, uint8_t *buffer,
			  uint32_t *num_entries);
/* MgmGetMfeStats */
uint32_t mgm_get_mfe_stats(struct mgm *m, const struct mgm_ipmcast_mfe *mfe,
			   uint32_t *buffer_size, uint8_t *buffer,
			   uint32_t flags);
/* MgmGetFirstMfeStats */
uint32_t mgm_get_first_mfe_stats(struct mgm *m, uint32_t *buffer_size,
				 uint8_t *buffer, uint32_t *num_entries,
				 uint32_t flags);
/* MgmGetNextMfeStats */
uint32_t mgm_get_next_mfe_stats(struct mgm *m,
				const struct mgm_ipmcast_mfe *start,
				uint32_t *buffer_size, uint8_t *buffer,
				uint32_t *num_entries, uint32_t flags);
/* MgmSetMfe: changes the upstream neighbour of (source, group). */
uint32_t mgm_set_mfe(struct mgm *m, mgm_handle_t protocol,
		     const struct mgm_ipmcast_mfe *mfe);
/* MgmGroupEnumerationStart */
uint32_t mgm_group_enumeration_start(struct mgm *m, mgm_handle_t protocol,
				     enum mgm_enum_type type,
				     mgm_handle_t *enum_handle);
/* MgmGroupEnumerationGetNext: struct mgm_source_group records. */
uint32_t mgm_group_enumeration_get_next(struct mgm *m, mgm_handle_t enum_handle,
					uint32_t *buffer_size, uint8_t *buffer,
					uint32_t *num_entries);
/* MgmGroupEnumerationEnd */
uint32_t mgm_group_enumeration_end(struct mgm *m, mgm_handle_t enum_handle);

/* ------------------------------------------------------------------ */
/* Both address families (a Linux extension)                           */

/*
 * MGM's functions above are IPv4 (DWORD addresses, as in Windows).  The
 * functions below take an address of either family: one core serves
 * both, and each IPv4 function above is the family-neutral one called
 * with an IPv4 address (README, "IPv6": why one set and not a parallel
 * "...6" set).  A wildcard is the family's unspecified address (0.0.0.0
 * or ::), never a mask: (*,G) has an unspecified source, (*,*) both.
 * The two addresses of a call are of one family.  Interfaces (ifindex,
 * next hop) are family-independent: a next hop stays a 32-bit neighbour
 * identifier (0 on a broadcast link, which is every IPv6 link MGM sees).
 */
#define MGM_AF_INET 2U /* AF_INET */
#define MGM_AF_INET6 10U /* AF_INET6 */

struct mgm_addr {
	uint16_t family; /* MGM_AF_INET or MGM_AF_INET6 */
	uint16_t reserved; /* 0 */
	union {
		uint32_t v4; /* network byte order */
		uint8_t v6[16];
		uint32_t w[4];
	};
};

_Static_assert(sizeof(struct mgm_addr) == 20, "struct mgm_addr");

/* An IPv4 address (network byte order) as a struct mgm_addr. */
static inline struct mgm_addr mgm_addr4(uint32_t v4)
{
	struct mgm_addr a = { .family = MGM_AF_INET };

	a.v4 = v4;
	return a;
}

/* An IPv6 address (16 bytes, network order) as a struct mgm_addr. */
static inline struct mgm_addr mgm_addr6(const void *v6)
{
	struct mgm_addr a = { .family = MGM_AF_INET6 };

	__builtin_memcpy(a.v6, v6, 16);
	return a;
}

static inline bool mgm_addr_is_unspec(const struct mgm_addr *a)
{
	return !(a->w[0] | a->w[1] | a->w[2] | a->w[3]);
}

/* Same family and address (canonical addresses: reserved 0, an IPv4
 * address's other words 0). */
static inline bool mgm_addr_eq(const struct mgm_addr *a,
			       const struct mgm_addr *b)
{
	return a->family == b->family && a->w[0] == b->w[0] &&
	       a->w[1] == b->w[1] && a->w[2] == b->w[2] && a->w[3] == b->w[3];
}

/*
 * The largest string mgm_addr_ntop() writes (an IPv6 address in text,
 * INET6_ADDRSTRLEN), and the function: buf, or "?" for a bad family.
 */
#define MGM_ADDRSTRLEN 46U
const char *mgm_addr_ntop(const struct mgm_addr *a, char *buf, size_t len);

/* Bits of mgm_protocol_config_x.families. */
#define MGM_FAMILY_IPV4 0x1U
#define MGM_FAMILY_IPV6 0x2U

/* The route MGM used for RPF, either family. */
struct mgm_route_info_x {
	uint32_t protocol; /* who provided the route */
	uint32_t prefix_len; /* of network */
	struct mgm_addr network;
	uint32_t ifindex; /* interface toward the source, 0 = no route */
	uint32_t nexthop; /* neighbour toward the source, 0 = on-link */
};

/*
 * The callbacks of a family-neutral protocol: those of struct
 * mgm_protocol_config with addresses of either family (wildcards
 * unspecified, no masks).  A protocol is asked only about the families
 * it registered for: to any other it is as if it had not registered
 * (its interfaces count as unowned for that family's traffic, and none
 * of its callbacks is called for it).
 */
typedef uint32_t (*mgm_rpf_x_cb)(void *ctx, const struct mgm_addr *source,
				 const struct mgm_addr *group,
				 uint32_t *in_ifindex, uint32_t *in_nexthop,
				 struct mgm_addr *upstream, uint32_t hdr_size,
				 const uint8_t *hdr,
				 struct mgm_route_info_x *route);
typedef uint32_t (*mgm_creation_alert_x_cb)(
	void *ctx, const struct mgm_addr *source, const struct mgm_addr *group,
	uint32_t in_ifindex, uint32_t in_nexthop, uint32_t if_count,
	struct mgm_if_entry *oifs);
typedef uint32_t (*mgm_prune_alert_x_cb)(void *ctx,
					 const struct mgm_addr *source,
					 const struct mgm_addr *group,
					 uint32_t ifindex, uint32_t nexthop,
					 int32_t member_delete,
					 uint32_t *timeout);
typedef uint32_t (*mgm_join_alert_x_cb)(void *ctx,
					const struct mgm_addr *source,
					const struct mgm_addr *group,
					int32_t member_update);
typedef uint32_t (*mgm_wrong_if_x_cb)(void *ctx, const struct mgm_addr *source,
				      const struct mgm_addr *group,
				      uint32_t ifindex, uint32_t nexthop,
				      uint32_t hdr_size, const uint8_t *hdr);
/* Local join and local leave. */
typedef uint32_t (*mgm_local_x_cb)(void *ctx, const struct mgm_addr *source,
				   const struct mgm_addr *group,
				   uint32_t ifindex, uint32_t nexthop);

struct mgm_protocol_config_x {
	uint32_t families; /* MGM_FAMILY_*: at least one */
	uint32_t reserved; /* 0 */
	void *ctx; /* passed to every callback */
	mgm_rpf_x_cb rpf;
	mgm_creation_alert_x_cb creation_alert;
	mgm_prune_alert_x_cb prune_alert;
	mgm_join_alert_x_cb join_alert;
	mgm_wrong_if_x_cb wrong_if;
	mgm_local_x_cb local_join;
	mgm_local_x_cb local_leave;
	/* Per interface, both families (the seed's handoff, unchanged). */
	mgm_disable_igmp_cb disable_igmp;
	mgm_enable_igmp_cb enable_igmp;
};

/*
 * mgm_register_protocol() with family-neutral callbacks.  Registered as
 * MGM_MS_IP_IGMP, the protocol is the local-membership protocol of every
 * family it names (IGMP and MLD are one MGM protocol: the seed's
 * disable/enable handoff covers both).
 */
uint32_t mgm_register_protocol_x(struct mgm *m,
				 const struct mgm_protocol_config_x *config,
				 uint32_t protocol_id, uint32_t component_id,
				 mgm_handle_t *protocol);

/* mgm_add/delete_group_membership_entry(), either family. */
uint32_t mgm_add_group_membership_x(struct mgm *m, mgm_handle_t protocol,
				    const struct mgm_addr *source,
				    const struct mgm_addr *group,
				    uint32_t ifindex, uint32_t nexthop,
				    uint32_t flags);
uint32_t mgm_delete_group_membership_x(struct mgm *m, mgm_handle_t protocol,
				       const struct mgm_addr *source,
				       const struct mgm_addr *group,
				       uint32_t ifindex, uint32_t nexthop,
				       uint32_t flags);

/*
 * One MFE of either family with its statistics: MIB_IPMCAST_MFE and
 * MIB_IPMCAST_MFE_STATS_EX in one record, addresses as struct mgm_addr.
 */
struct mgm_mfe_x {
	struct mgm_addr source; /* unspecified: wildcard */
	struct mgm_addr group;
	struct mgm_addr upstream;
	struct mgm_addr route_network;
	uint32_t route_prefix_len;
	uint32_t in_ifindex;
	uint32_t in_if_protocol;
	uint32_t route_protocol;
	uint32_t uptime;
	uint32_t expiry;
	uint32_t timeout;
	uint32_t num_oifs;
	uint64_t in_packets;
	uint64_t in_octets;
	uint64_t pkts_different_if;
	uint64_t queue_overflow;
	uint64_t negative_mfe;
	uint64_t in_discards;
	uint64_t in_hdr_errors;
	uint64_t total_out_packets;
	struct mgm_ipmcast_oif_stats oifs[];
};

#define MGM_SIZEOF_MFE_X(n)                   \
	((uint32_t)sizeof(struct mgm_mfe_x) + \
	 (uint32_t)(n) * sizeof(struct mgm_ipmcast_oif_stats))

/*
 * mgm_get_mfe_stats() and the first/next enumeration, either family:
 * records are struct mgm_mfe_x, each padded to 8 bytes.  The order is
 * IPv4 before IPv6, then group, then source (unsigned, network order);
 * next continues after start's (source, group).
 */
uint32_t mgm_get_mfe_x(struct mgm *m, const struct mgm_addr *source,
		       const struct mgm_addr *group, uint32_t *buffer_size,
		       uint8_t *buffer);
uint32_t mgm_get_first_mfe_x(struct mgm *m, uint32_t *buffer_size,
			     uint8_t *buffer, uint32_t *num_entries);
uint32_t mgm_get_next_mfe_x(struct mgm *m, const struct mgm_addr *source,
			    const struct mgm_addr *group, uint32_t *buffer_size,
			    uint8_t *buffer, uint32_t *num_entries);

/* mgm_group_enumeration_get_next(), either family. */
struct mgm_source_group_x {
	struct mgm_addr source;
	struct mgm_addr group;
};
uint32_t mgm_group_enumeration_get_next_x(struct mgm *m,
					  mgm_handle_t enum_handle,
					  uint32_t *buffer_size,
					  uint8_t *buffer,
					  uint32_t *num_entries);

/* mgm_adopt_mfe(), mgm_delete_mfe(), mgm_set_mfe_timeout(), either family. */
uint32_t mgm_adopt_mfe_x(struct mgm *m, const struct mgm_addr *source,
			 const struct mgm_addr *group, uint32_t ifindex);
uint32_t mgm_delete_mfe_x(struct mgm *m, mgm_handle_t protocol,
			  const struct mgm_addr *source,
			  const struct mgm_addr *group);
uint32_t mgm_set_mfe_timeout_x(struct mgm *m, mgm_handle_t protocol,
			       const struct mgm_addr *source,
			       const struct mgm_addr *group, uint32_t timeout);

/* ------------------------------------------------------------------ */
/* Introspection (Linux extensions, for mgmd and mgmctl)               */

struct mgm_protocol_info {
	mgm_handle_t handle;
	uint32_t protocol_id;
	uint32_t component_id;
	uint32_t num_interfaces; /* interfaces it owns */
	uint32_t num_memberships;
};

struct mgm_interface_info {
	uint32_t ifindex;
	uint32_t nexthop;
	uint32_t owner_protocol_id; /* 0 if only IGMP runs on it */
	uint32_t owner_component_id;
	bool igmp; /* IGMP also (or only) runs on it */
	uint32_t igmp_component_id;
};

struct mgm_membership_info {
	uint32_t protocol_id;
	uint32_t component_id;
	/* IPv4 only (0 for IPv6: see xsource and xgroup) */
	uint32_t source, source_mask, group, group_mask;
	uint32_t ifindex, nexthop;
	struct mgm_addr xsource, xgroup; /* either family */
};

/* Each calls fn for every item, under a consistent snapshot; fn must not
 * call back into MGM.  Stops early and returns fn's value if non-zero. */
int mgm_foreach_protocol(struct mgm *m,
			 int (*fn)(void *arg, const struct mgm_protocol_info *),
			 void *arg);
int mgm_foreach_interface(struct mgm *m,
			  int (*fn)(void *arg,
				    const struct mgm_interface_info *),
			  void *arg);
int mgm_foreach_membership(struct mgm *m,
			   int (*fn)(void *arg,
				     const struct mgm_membership_info *),
			   void *arg);

/*
 * Treat (source, group) arriving on ifindex as a fresh miss: MGM builds
 * its entry (RPF, creation alerts) from the current memberships and
 * installs it; an identical entry already in the fast path is left alone.
 * mgmd uses it to adopt the entries a previous instance left forwarding
 * (--keep-forwarding), so a restart reconciles without a gap.  A no-op if
 * MGM already has the entry.  Returns MGM_NO_ERROR or
 * MGM_ERROR_INVALID_PARAMETER (group not multicast, source 0).  With
 * mgm_options.unowned_iif_no_mfe set it follows the miss rule: when no
 * protocol owns the entry's incoming interface it makes no MFE, deletes
 * the fast path's entry of (source, group) (MGM would not manage it) and
 * returns MGM_ERROR_NOT_FOUND; the flow's next packet is a miss again.
 * With the option clear (default) such an entry is adopted with
 * in_if_protocol 0, as a miss would make it.  An entry the bounds on
 * negative MFEs refuse (mgm_options.negative_per_if, max_mfes) is treated
 * the same way: deleted from the fast path, MGM_ERROR_NOT_FOUND.
 */
uint32_t mgm_adopt_mfe(struct mgm *m, uint32_t source, uint32_t group,
		       uint32_t ifindex);

/*
 * Delete the MFE of (source, group) now, from MGM and from the fast path;
 * the next packet of the flow is a miss again and re-creates it from the
 * memberships of that moment (RPF, creation alerts).  Only the protocol
 * that owns the MFE's incoming interface may: a routing protocol whose
 * own table (the kernel's MFC, for the "kernel" protocol) dropped the
 * route, or moved it to another incoming interface, which MgmSetMfe cannot
 * change.  MGM has no such function (its MFEs only expire).  Returns
 * MGM_NO_ERROR, MGM_ERROR_NOT_FOUND (no such MFE) or
 * MGM_ERROR_INVALID_PARAMETER (bad handle, or not the iif's owner).
 */
uint32_t mgm_delete_mfe(struct mgm *m, mgm_handle_t protocol, uint32_t source,
			uint32_t group);

/*
 * Set the timeout (seconds after its last use; 0: it never ages) of the
 * MFE of (source, group), as a prune alert's answer does.  Only the
 * protocol that owns the MFE's incoming interface may: mgmd applies a
 * prune alert's answer from a protocol in another process this way when
 * it arrives after the callback returned (MGM has no such function).
 * Returns MGM_NO_ERROR, MGM_ERROR_NOT_FOUND (no such MFE) or
 * MGM_ERROR_INVALID_PARAMETER (bad handle, or not the iif's owner).
 */
uint32_t mgm_set_mfe_timeout(struct mgm *m, mgm_handle_t protocol,
			     uint32_t source, uint32_t group, uint32_t timeout);

/*
 * Counters of the controller itself (for `mgmctl show stats`).
 *
 * When the fast path refuses to update an MFE (a membership change, a
 * forward-state edit, a release or handoff), the change that caused it
 * still succeeds, MgmGetMfe goes on showing what the fast path holds,
 * and the MFE is retried about once a second (from mgm_dispatch) until
 * the fast path takes it; a newer change to the MFE that succeeds also
 * ends the wait.  The first refusal is logged (LOG_ERR), the catching up
 * too (LOG_NOTICE); failed retries are only counted.
 */
struct mgm_stats {
	uint64_t events; /* fast-path events handled */
	uint64_t mfes_created;
	uint64_t mfes_deleted;
	uint64_t mfes_expired;
	uint64_t install_errors; /* fast path refused an install (full?) */
	uint64_t callbacks;
	/* Now: MFEs whose fast-path entry lags their memberships because
	 * the fast path refused the update; each is being retried. */
	uint64_t mfes_out_of_sync;
	uint64_t install_retries; /* retries of those MFEs */
	/*
	 * Misses (and mgm_adopt_mfe calls) whose incoming interface no
	 * protocol owns.  With mgm_options.unowned_iif_no_mfe set: each
	 * that made no MFE, plus the MFEs made on an interface the host
	 * permits (mgm_options.iif_permitted).  Clear (default): the MFEs
	 * made on an interface nobody owns (in_if_protocol 0), each counted
	 * once it is in the fast path.
	 */
	uint64_t misses_unowned;
	/* Unwanted entries (mgm_options.negative_timeout and below). */
	uint64_t mfes_negative; /* now: MFEs without outgoing interfaces */
	/* misses that would have made a negative MFE, refused: their
	 * incoming interface held negative_per_if, or the table was full */
	uint64_t negative_refused;
	uint64_t mfes_evicted; /* negative MFEs deleted to make room */
	/* MFEs with outgoing interfaces refused: table full, nothing left
	 * to evict */
	uint64_t mfes_refused;
};
void mgm_get_stats(struct mgm *m, struct mgm_stats *out);

#ifdef __cplusplus
}
#endif
#endif /* MGM_MGM_H */
