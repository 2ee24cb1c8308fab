// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * compat.c - the Win32 MGM functions of <mgm.h> (include/mgm/compat) on
 * one MGM instance per process: mgmd's by default (libmgmclient, with a
 * thread of ours that dispatches its callbacks), or an in-process libmgm
 * instance chosen with MgmCompatUseInstance().
 *
 * The MIB records, SOURCE_GROUP_ENTRY and MGM_IF_ENTRY have the same
 * layout as libmgm's (asserted below), so buffers pass through as they
 * are; the callbacks go through trampolines that drop MGM's ctx, the one
 * difference between the two callback families.
 */
#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include "compat/compat_ops.h"
#include "mgm/client.h"
/* After mgm/mgm.h, whose flag macros it then leaves alone. */
#include "mgm/compat/mgm.h"

#define SAME(a, b)                                                           \
	_Static_assert(sizeof(a) == sizeof(b) && _Alignof(a) == _Alignof(b), \
		       #a " and " #b " must have one layout")
SAME(MIB_IPMCAST_OIF, struct mgm_ipmcast_oif);
SAME(MIB_IPMCAST_OIF_STATS, struct mgm_ipmcast_oif_stats);
SAME(SOURCE_GROUP_ENTRY, struct mgm_source_group);
SAME(MGM_IF_ENTRY, struct mgm_if_entry);
_Static_assert(SIZEOF_BASIC_MIB_MFE == MGM_SIZEOF_BASIC_MFE, "MFE");
_Static_assert(SIZEOF_BASIC_MIB_MFE_STATS == MGM_SIZEOF_BASIC_MFE_STATS,
	       "MFE_STATS");
_Static_assert(SIZEOF_BASIC_MIB_MFE_STATS_EX == MGM_SIZEOF_BASIC_MFE_STATS_EX,
	       "MFE_STATS_EX");
_Static_assert(offsetof(MIB_IPMCAST_MFE, dwUpStrmNgbr) ==
			       offsetof(struct mgm_ipmcast_mfe, upstream) &&
		       offsetof(MIB_IPMCAST_MFE, ulNumOutIf) ==
			       offsetof(struct mgm_ipmcast_mfe, num_oifs),
	       "MIB_IPMCAST_MFE fields");
_Static_assert(sizeof(HANDLE) >= sizeof(mgm_handle_t),
	       "MGM handles are 64 bits: <mgm.h> needs a 64-bit build");
_Static_assert(NO_ERROR == MGM_NO_ERROR &&
		       ERROR_INVALID_PARAMETER == MGM_ERROR_INVALID_PARAMETER &&
		       ERROR_NOT_FOUND == MGM_ERROR_NOT_FOUND &&
		       ERROR_CAN_NOT_COMPLETE == MGM_ERROR_CAN_NOT_COMPLETE,
	       "error codes");
_Static_assert(ANY_SOURCE == (int)MGM_ANY_SOURCE &&
		       ALL_SOURCES == (int)MGM_ALL_SOURCES,
	       "MGM_ENUM_TYPES");

/* A registered protocol: its Win32 callbacks, reached through ctx. */
struct compat_proto {
	ROUTING_PROTOCOL_CONFIG cfg;
	mgm_handle_t h;
	struct compat_proto *next;
};

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static const struct compat_ops *ops; /* NULL until the first use */
static void *inst; /* struct mgm * or struct mgmc * */
static struct compat_proto *protos;
static pthread_t dispatcher;
static atomic_bool stopping;

static HANDLE to_handle(mgm_handle_t h)
{
	return (HANDLE)(uintptr_t)h;
}

static mgm_handle_t from_handle(HANDLE h)
{
	return (mgm_handle_t)(uintptr_t)h;
}

/* ---- callbacks --------------------------------------------------------- */

/*
 * PBYTE is writable in the Win32 signatures: callbacks get a copy of
 * MGM's packet header, in small or (if larger) on the heap; hdr_free()
 * after the call.  An allocation failure hands out no header.
 */
static uint8_t *hdr_copy(const uint8_t *hdr, uint32_t *size, uint8_t *small,
			 size_t small_len)
{
	uint8_t *copy = small;

	if (*size > small_len && !(copy = malloc(*size))) {
		*size = 0;
		return small;
	}
	if (*size)
		memcpy(copy, hdr, *size);
	return copy;
}

static void hdr_free(uint8_t *copy, const uint8_t *small)
{
	if (copy != small)
		free(copy);
}

static uint32_t t_rpf(void *ctx, uint32_t s, uint32_t sm, uint32_t g,
		      uint32_t gm, uint32_t *iif, uint32_t *inh, uint32_t *up,
		      uint32_t hdr_size, const uint8_t *hdr,
		      struct mgm_route_info *route)
{
	struct compat_proto *p = ctx;
	uint8_t small[256];
	uint8_t *copy = hdr_copy(hdr, &hdr_size, small, sizeof(small));
	uint32_t r;

	r = p->cfg.pfnRpfCallback(s, sm, g, gm, iif, inh, up, hdr_size, copy,
				  (PBYTE)route);
	hdr_free(copy, small);
	return r;
}

static uint32_t t_creation(void *ctx, uint32_t s, uint32_t sm, uint32_t g,
			   uint32_t gm, uint32_t iif, uint32_t inh, uint32_t n,
			   struct mgm_if_entry *oifs)
{
	struct compat_proto *p = ctx;

	return p->cfg.pfnCreationAlertCallback(s, sm, g, gm, iif, inh, n,
					       (PMGM_IF_ENTRY)oifs);
}

static uint32_t t_prune(void *ctx, uint32_t s, uint32_t sm, uint32_t g,
			uint32_t gm, uint32_t ifi, uint32_t nh, int32_t del,
			uint32_t *timeout)
{
	struct compat_proto *p = ctx;

	return p->cfg.pfnPruneAlertCallback(s, sm, g, gm, ifi, nh, del,
					    timeout);
}

static uint32_t t_join(void *ctx, uint32_t s, uint32_t sm, uint32_t g,
		       uint32_t gm, int32_t update)
{
	struct compat_proto *p = ctx;

	return p->cfg.pfnJoinAlertCallback(s, sm, g, gm, update);
}

static uint32_t t_wrong_if(void *ctx, uint32_t s, uint32_t g, uint32_t ifi,
			   uint32_t nh, uint32_t hdr_size, const uint8_t *hdr)
{
	struct compat_proto *p = ctx;
	uint8_t small[256];
	uint8_t *copy = hdr_copy(hdr, &hdr_size, small, sizeof(small));
	uint32_t r;

	r = p->cfg.pfnWrongIfCallback(s, g, ifi, nh, hdr_size, copy);
	hdr_free(copy, small);
	return r;
}

static uint32_t t_local_join(void *ctx, uint32_t s, uint32_t sm, uint32_t g,
			     uint32_t gm, uint32_t ifi, uint32_t nh)
{
	struct compat_proto *p = ctx;

	return p->cfg.pfnLocalJoinCallback(s, sm, g, gm, ifi, nh);
}

static uint32_t t_local_leave(void *ctx, uint32_t s, uint32_t sm, uint32_t g,
			      uint32_t gm, uint32_t ifi, uint32_t nh)
{
	struct compat_proto *p = ctx;

	return p->cfg.pfnLocalLeaveCallback(s, sm, g, gm, ifi, nh);
}

static uint32_t t_disable_igmp(void *ctx, uint32_t ifi, uint32_t nh)
{
	struct compat_proto *p = ctx;

	return p->cfg.pfnDisableIgmpCallback(ifi, nh);
}

static uint32_t t_enable_igmp(void *ctx, uint32_t ifi, uint32_t nh)
{
	struct compat_proto *p = ctx;

	return p->cfg.pfnEnableIgmpCallback(ifi, nh);
}

/* ---- the instance -------------------------------------------------------- */

/* mgmd's callbacks arrive on the socket: dispatch them from here. */
static void *dispatch_loop(void *arg)
{
	struct mgmc *c = arg;
	struct pollfd pfd = { .fd = mgmc_fd(c), .events = POLLIN };

	while (!atomic_load(&stopping)) {
		if (poll(&pfd, 1, 100) < 0 && errno != EINTR)
			break;
		if ((pfd.revents & (POLLIN | POLLHUP | POLLERR)) &&
		    mgmc_dispatch(c) == -EPIPE)
			break;
	}
	return NULL;
}

static void at_exit(void)
{
	pthread_mutex_lock(&lock);
	if (ops == &compat_remote_ops) {
		atomic_store(&stopping, true);
		pthread_join(dispatcher, NULL);
		/* mgmd shuts down whatever is still registered. */
		mgmc_close(inst);
		ops = NULL;
		inst = NULL;
	}
	pthread_mutex_unlock(&lock);
}

static const char *env_or(const char *name, const char *dflt)
{
	const char *v = getenv(name);

	return v && *v ? v : dflt;
}

/* Called with lock held. */
static uint32_t connect_locked(const char *path, const char *name)
{
	struct mgmc *c;

	if (!path)
		path = env_or("MGM_SOCKET", MGM_IPC_SOCKET_DEFAULT);
	if (!name)
		name = env_or("MGM_NAME", program_invocation_short_name);
	c = mgmc_connect_as(path, name);
	if (!c)
		return MGM_ERROR_CAN_NOT_COMPLETE;
	atomic_store(&stopping, false);
	if (pthread_create(&dispatcher, NULL, dispatch_loop, c)) {
		mgmc_close(c);
		return MGM_ERROR_NOT_ENOUGH_MEMORY;
	}
	ops = &compat_remote_ops;
	inst = c;
	atexit(at_exit);
	return MGM_NO_ERROR;
}

/* The instance of this process; connects to mgmd at the first use. */
static const struct compat_ops *instance(uint32_t *err)
{
	const struct compat_ops *o;

	pthread_mutex_lock(&lock);
	*err = ops ? MGM_NO_ERROR : connect_locked(NULL, NULL);
	o = ops;
	pthread_mutex_unlock(&lock);
	return o;
}

#define CALL(fn, ...)                                          \
	do {                                                   \
		uint32_t err_;                                 \
		const struct compat_ops *o_ = instance(&err_); \
		if (!o_)                                       \
			return err_;                           \
		return o_->fn(inst, __VA_ARGS__);              \
	} while (0)

/* MgmCompatUseInstance() (compat_local.c): this instance, from now on. */
uint32_t compat_use(const struct compat_ops *o, void *instance)
{
	uint32_t r = MGM_NO_ERROR;

	if (!instance)
		return MGM_ERROR_INVALID_PARAMETER;
	pthread_mutex_lock(&lock);
	if (ops) {
		r = MGM_ERROR_ALREADY_EXISTS;
	} else {
		ops = o;
		inst = instance;
	}
	pthread_mutex_unlock(&lock);
	return r;
}

DWORD MgmCompatConnect(const char *socket_path, const char *name)
{
	DWORD r;

	pthread_mutex_lock(&lock);
	r = ops ? (DWORD)ERROR_ALREADY_EXISTS :
		  connect_locked(socket_path, name);
	pthread_mutex_unlock(&lock);
	return r;
}

/* ---- the 17 functions ------------------------------------------------------ */

DWORD MgmRegisterMProtocol(PROUTING_PROTOCOL_CONFIG prpiInfo,
			   DWORD dwProtocolId, DWORD dwComponentId,
			   HANDLE *phProtocol)
{
	const struct compat_ops *o;
	struct compat_proto *p;
	struct mgm_protocol_config cfg;
	mgm_handle_t h;
	uint32_t r;

	if (!prpiInfo || !phProtocol)
		return ERROR_INVALID_PARAMETER;
	o = instance(&r);
	if (!o)
		return r;
	p = calloc(1, sizeof(*p));
	if (!p)
		return ERROR_NOT_ENOUGH_MEMORY;
	p->cfg = *prpiInfo;
	cfg = (struct mgm_protocol_config){
		.callback_flags = prpiInfo->dwCallbackFlags,
		.ctx = p,
		.rpf = prpiInfo->pfnRpfCallback ? t_rpf : NULL,
		.creation_alert =
			prpiInfo->pfnCreationAlertCallback ? t_creation : NULL,
		.prune_alert = prpiInfo->pfnPruneAlertCallback ? t_prune : NULL,
		.join_alert = prpiInfo->pfnJoinAlertCallback ? t_join : NULL,
		.wrong_if = prpiInfo->pfnWrongIfCallback ? t_wrong_if : NULL,
		.local_join = prpiInfo->pfnLocalJoinCallback ? t_local_join :
							       NULL,
		.local_leave = prpiInfo->pfnLocalLeaveCallback ? t_local_leave :
								 NULL,
		.disable_igmp = prpiInfo->pfnDisableIgmpCallback ?
					t_disable_igmp :
					NULL,
		.enable_igmp = prpiInfo->pfnEnableIgmpCallback ? t_enable_igmp :
								 NULL,
	};
	r = o->register_protocol(inst, &cfg, dwProtocolId, dwComponentId, &h);
	if (r != MGM_NO_ERROR) {
		free(p);
		return r;
	}
	p->h = h;
	pthread_mutex_lock(&lock);
	p->next = protos;
	protos = p;
	pthread_mutex_unlock(&lock);
	*phProtocol = to_handle(h);
	return NO_ERROR;
}

DWORD MgmDeRegisterMProtocol(HANDLE hProtocol)
{
	const struct compat_ops *o;
	struct compat_proto **pp, *p = NULL;
	mgm_handle_t h = from_handle(hProtocol);
	uint32_t r;

	o = instance(&r);
	if (!o)
		return r;
	r = o->deregister_protocol(inst, h);
	if (r != MGM_NO_ERROR)
		return r;
	/* No callback of it runs once MGM has deregistered it. */
	pthread_mutex_lock(&lock);
	for (pp = &protos; *pp; pp = &(*pp)->next) {
		if ((*pp)->h == h) {
			p = *pp;
			*pp = p->next;
			break;
		}
	}
	pthread_mutex_unlock(&lock);
	free(p);
	return NO_ERROR;
}

DWORD MgmTakeInterfaceOwnership(HANDLE hProtocol, DWORD dwIfIndex,
				DWORD dwIfNextHopAddr)
{
	CALL(take_interface_ownership, from_handle(hProtocol), dwIfIndex,
	     dwIfNextHopAddr);
}

DWORD MgmReleaseInterfaceOwnership(HANDLE hProtocol, DWORD dwIfIndex,
				   DWORD dwIfNextHopAddr)
{
	CALL(release_interface_ownership, from_handle(hProtocol), dwIfIndex,
	     dwIfNextHopAddr);
}

DWORD MgmGetProtocolOnInterface(DWORD dwIfIndex, DWORD dwIfNextHopAddr,
				PDWORD pdwIfProtocolId, PDWORD pdwIfComponentId)
{
	CALL(get_protocol_on_interface, dwIfIndex, dwIfNextHopAddr,
	     pdwIfProtocolId, pdwIfComponentId);
}

DWORD MgmAddGroupMembershipEntry(HANDLE hProtocol, DWORD dwSourceAddr,
				 DWORD dwSourceMask, DWORD dwGroupAddr,
				 DWORD dwGroupMask, DWORD dwIfIndex,
				 DWORD dwIfNextHopIPAddr, DWORD dwFlags)
{
	CALL(add_group_membership_entry, from_handle(hProtocol), dwSourceAddr,
	     dwSourceMask, dwGroupAddr, dwGroupMask, dwIfIndex,
	     dwIfNextHopIPAddr, dwFlags);
}

DWORD MgmDeleteGroupMembershipEntry(HANDLE hProtocol, DWORD dwSourceAddr,
				    DWORD dwSourceMask, DWORD dwGroupAddr,
				    DWORD dwGroupMask, DWORD dwIfIndex,
				    DWORD dwIfNextHopIPAddr, DWORD dwFlags)
{
	CALL(delete_group_membership_entry, from_handle(hProtocol),
	     dwSourceAddr, dwSourceMask, dwGroupAddr, dwGroupMask, dwIfIndex,
	     dwIfNextHopIPAddr, dwFlags);
}

DWORD MgmGetMfe(PMIB_IPMCAST_MFE pimm, PDWORD pdwBufferSize, PBYTE pbBuffer)
{
	CALL(get_mfe, (const struct mgm_ipmcast_mfe *)pimm, pdwBufferSize,
	     pbBuffer);
}

DWORD MgmGetFirstMfe(PDWORD pdwBufferSize, PBYTE pbBuffer, PDWORD pdwNumEntries)
{
	CALL(get_first_mfe, pdwBufferSize, pbBuffer, pdwNumEntries);
}

DWORD MgmGetNextMfe(PMIB_IPMCAST_MFE pimmStart, PDWORD pdwBufferSize,
		    PBYTE pbBuffer, PDWORD pdwNumEntries)
{
	CALL(get_next_mfe, (const struct mgm_ipmcast_mfe *)pimmStart,
	     pdwBufferSize, pbBuffer, pdwNumEntries);
}

DWORD MgmGetMfeStats(PMIB_IPMCAST_MFE pimm, PDWORD pdwBufferSize,
		     PBYTE pbBuffer, DWORD dwFlags)
{
	CALL(get_mfe_stats, (const struct mgm_ipmcast_mfe *)pimm, pdwBufferSize,
	     pbBuffer, dwFlags);
}

DWORD MgmGetFirstMfeStats(PDWORD pdwBufferSize, PBYTE pbBuffer,
			  PDWORD pdwNumEntries, DWORD dwFlags)
{
	CALL(get_first_mfe_stats, pdwBufferSize, pbBuffer, pdwNumEntries,
	     dwFlags);
}

DWORD MgmGetNextMfeStats(PMIB_IPMCAST_MFE pimmStart, PDWORD pdwBufferSize,
			 PBYTE pbBuffer, PDWORD pdwNumEntries, DWORD dwFlags)
{
	CALL(get_next_mfe_stats, (const struct mgm_ipmcast_mfe *)pimmStart,
	     pdwBufferSize, pbBuffer, pdwNumEntries, dwFlags);
}

DWORD MgmSetMfe(HANDLE hProtocol, PMIB_IPMCAST_MFE pmimm)
{
	CALL(set_mfe, from_handle(hProtocol),
	     (const struct mgm_ipmcast_mfe *)pmimm);
}

DWORD MgmGroupEnumerationStart(HANDLE hProtocol, MGM_ENUM_TYPES metEnumType,
			       HANDLE *phEnumHandle)
{
	const struct compat_ops *o;
	mgm_handle_t e;
	uint32_t r;

	if (!phEnumHandle)
		return ERROR_INVALID_PARAMETER;
	o = instance(&r);
	if (!o)
		return r;
	r = o->group_enumeration_start(inst, from_handle(hProtocol),
				       (enum mgm_enum_type)metEnumType, &e);
	if (r == MGM_NO_ERROR)
		*phEnumHandle = to_handle(e);
	return r;
}

DWORD MgmGroupEnumerationGetNext(HANDLE hEnum, PDWORD pdwBufferSize,
				 PBYTE pbBuffer, PDWORD pdwNumEntries)
{
	CALL(group_enumeration_get_next, from_handle(hEnum), pdwBufferSize,
	     pbBuffer, pdwNumEntries);
}

DWORD MgmGroupEnumerationEnd(HANDLE hEnum)
{
	CALL(group_enumeration_end, from_handle(hEnum));
}
