/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * <mgm.h> for routing protocols written against the Windows RRAS
 * Multicast Group Manager documentation: the Win32 names and signatures,
 * unchanged (../shared/reference/mgm-api.md sections 2 and 3).
 *
 * Build with the directory of this file first on the include path:
 *
 *     cc -I/usr/include/mgm/compat proto.c $(pkg-config --libs mgmcompat)
 *     (in the build tree: -Iinclude/mgm/compat ... build/libmgmcompat.a
 *      build/libmgmclient.a -lpthread)
 *
 * Behind these functions there is one MGM instance per process:
 *
 *  - By default, mgmd's, over its control socket (libmgmclient): the first
 *    Mgm* call connects to $MGM_SOCKET, or /run/mgmd/mgmd.sock if that is not
 *    set, under the name $MGM_NAME (default: the program's name), and the
 *    process is an external protocol of mgmd.  mgmd must be running.
 *  - Or an instance of libmgm in this process: call
 *    MgmCompatUseInstance() with the `struct mgm *` (mgm_create(), see
 *    <mgm/mgm.h>) before any other Mgm* function.  That one is in the
 *    static library only (libmgmcompat.a, linked with libmgm); the
 *    shared one is mgmd's side alone, so as not to load libbpf.
 *
 * Callbacks are called on a thread this library owns, or, when an Mgm*
 * call of the protocol makes MGM call the same process back (for example
 * a join alert caused by its own membership), on the calling thread
 * before that call returns -- as RRAS calls back in the caller's
 * context.  Every Mgm* function may be called from inside a callback,
 * except from inside the three callbacks that return data (RPF, creation
 * and prune alerts) when connected to mgmd: mgmd is waiting for their
 * answer, and such calls fail with ERROR_CAN_NOT_COMPLETE.
 *
 * Deviations from Windows that a port may notice:
 *  - pbRoute of the RPF callback points at a `struct mgm_route_info`
 *    (<mgm/mgm.h>: protocol, network, mask, ifindex, next hop, 5 DWORDs),
 *    not at an RTM_DEST_INFO.
 *  - MFE times (ulUpTime, ulExpiryTime, ulTimeOut) are in seconds
 *    everywhere (the documentation contradicts itself).
 *  - HANDLE values carry MGM's 64-bit handles: 64-bit builds only.
 *  - ULONG is 32 bits, as on Windows (LLP64), not the C `unsigned long`.
 *  - No WINAPI/CALLBACK calling convention (none on x86-64 anyway).
 */
#ifndef MGM_COMPAT_MGM_H
#define MGM_COMPAT_MGM_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* ---- Win32 base types -------------------------------------------------- */
#ifndef MGM_COMPAT_NO_WIN32_TYPES
typedef uint32_t DWORD, *PDWORD;
typedef uint32_t ULONG, *PULONG;
typedef int32_t BOOL, *PBOOL;
typedef uint8_t BYTE, *PBYTE;
typedef void *PVOID;
typedef void *HANDLE, **PHANDLE;
#ifndef TRUE
#define TRUE 1
#endif
#ifndef FALSE
#define FALSE 0
#endif
#ifndef ANY_SIZE
#define ANY_SIZE 1
#endif
#ifndef FIELD_OFFSET
#define FIELD_OFFSET(type, field) ((long)offsetof(type, field))
#endif
#endif /* MGM_COMPAT_NO_WIN32_TYPES */

/* ---- error codes (winerror.h), the ones MGM returns --------------------- */
#ifndef NO_ERROR
#define NO_ERROR 0L
#endif
#ifndef ERROR_NOT_ENOUGH_MEMORY
#define ERROR_NOT_ENOUGH_MEMORY 8L
#endif
#ifndef ERROR_INVALID_PARAMETER
#define ERROR_INVALID_PARAMETER 87L
#endif
#ifndef ERROR_INSUFFICIENT_BUFFER
#define ERROR_INSUFFICIENT_BUFFER 122L
#endif
#ifndef ERROR_ALREADY_EXISTS
#define ERROR_ALREADY_EXISTS 183L
#endif
#ifndef ERROR_MORE_DATA
#define ERROR_MORE_DATA 234L
#endif
#ifndef ERROR_NO_MORE_ITEMS
#define ERROR_NO_MORE_ITEMS 259L
#endif
#ifndef ERROR_CAN_NOT_COMPLETE
#define ERROR_CAN_NOT_COMPLETE 1003L
#endif
#ifndef ERROR_NOT_FOUND
#define ERROR_NOT_FOUND 1168L
#endif

/* ---- mgm.h: flags, enumeration types ------------------------------------ */
#ifndef MGM_JOIN_STATE_FLAG
#define MGM_JOIN_STATE_FLAG 0x00000001
#endif
#ifndef MGM_FORWARD_STATE_FLAG
#define MGM_FORWARD_STATE_FLAG 0x00000002
#endif
#ifndef MGM_MFE_STATS_0
#define MGM_MFE_STATS_0 0x00000001
#endif
#ifndef MGM_MFE_STATS_1
#define MGM_MFE_STATS_1 0x00000002
#endif

typedef enum _MGM_ENUM_TYPES { ANY_SOURCE = 0, ALL_SOURCES } MGM_ENUM_TYPES;

typedef struct _SOURCE_GROUP_ENTRY {
	DWORD dwSourceAddr;
	DWORD dwSourceMask;
	DWORD dwGroupAddr;
	DWORD dwGroupMask;
} SOURCE_GROUP_ENTRY, *PSOURCE_GROUP_ENTRY;

typedef struct _MGM_IF_ENTRY {
	DWORD dwIfIndex;
	DWORD dwIfNextHopAddr;
	BOOL bIGMP;
	BOOL bIsEnabled;
} MGM_IF_ENTRY, *PMGM_IF_ENTRY;

/* ---- the nine callbacks and ROUTING_PROTOCOL_CONFIG ----------------------- */
typedef DWORD (*PMGM_RPF_CALLBACK)(DWORD dwSourceAddr, DWORD dwSourceMask,
				   DWORD dwGroupAddr, DWORD dwGroupMask,
				   PDWORD pdwInIfIndex,
				   PDWORD pdwInIfNextHopAddr,
				   PDWORD pdwUpStreamNbr, DWORD dwHdrSize,
				   PBYTE pbPacketHdr, PBYTE pbRoute);
typedef DWORD (*PMGM_CREATION_ALERT_CALLBACK)(
	DWORD dwSourceAddr, DWORD dwSourceMask, DWORD dwGroupAddr,
	DWORD dwGroupMask, DWORD dwInIfIndex, DWORD dwInIfNextHopAddr,
	DWORD dwIfCount, PMGM_IF_ENTRY pmieOutIfList);
typedef DWORD (*PMGM_PRUNE_ALERT_CALLBACK)(
	DWORD dwSourceAddr, DWORD dwSourceMask, DWORD dwGroupAddr,
	DWORD dwGroupMask, DWORD dwIfIndex, DWORD dwIfNextHopAddr,
	BOOL bMemberDelete, PDWORD pdwTimeout);
typedef DWORD (*PMGM_JOIN_ALERT_CALLBACK)(DWORD dwSourceAddr,
					  DWORD dwSourceMask, DWORD dwGroupAddr,
					  DWORD dwGroupMask,
					  BOOL bMemberUpdate);
typedef DWORD (*PMGM_WRONG_IF_CALLBACK)(DWORD dwSourceAddr, DWORD dwGroupAddr,
					DWORD dwIfIndex, DWORD dwIfNextHopAddr,
					DWORD dwHdrSize, PBYTE pbPacketHdr);
typedef DWORD (*PMGM_LOCAL_JOIN_CALLBACK)(DWORD dwSourceAddr,
					  DWORD dwSourceMask, DWORD dwGroupAddr,
					  DWORD dwGroupMask, DWORD dwIfIndex,
					  DWORD dwIfNextHopAddr);
typedef DWORD (*PMGM_LOCAL_LEAVE_CALLBACK)(DWORD dwSourceAddr,
					   DWORD dwSourceMask,
					   DWORD dwGroupAddr, DWORD dwGroupMask,
					   DWORD dwIfIndex,
					   DWORD dwIfNextHopAddr);
typedef DWORD (*PMGM_DISABLE_IGMP_CALLBACK)(DWORD dwIfIndex,
					    DWORD dwIfNextHopAddr);
typedef DWORD (*PMGM_ENABLE_IGMP_CALLBACK)(DWORD dwIfIndex,
					   DWORD dwIfNextHopAddr);

typedef struct _ROUTING_PROTOCOL_CONFIG {
	DWORD dwCallbackFlags;
	PMGM_RPF_CALLBACK pfnRpfCallback;
	PMGM_CREATION_ALERT_CALLBACK pfnCreationAlertCallback;
	PMGM_PRUNE_ALERT_CALLBACK pfnPruneAlertCallback;
	PMGM_JOIN_ALERT_CALLBACK pfnJoinAlertCallback;
	PMGM_WRONG_IF_CALLBACK pfnWrongIfCallback;
	PMGM_LOCAL_JOIN_CALLBACK pfnLocalJoinCallback;
	PMGM_LOCAL_LEAVE_CALLBACK pfnLocalLeaveCallback;
	PMGM_DISABLE_IGMP_CALLBACK pfnDisableIgmpCallback;
	PMGM_ENABLE_IGMP_CALLBACK pfnEnableIgmpCallback;
} ROUTING_PROTOCOL_CONFIG, *PROUTING_PROTOCOL_CONFIG;

/* ---- ipmib.h: MFE records ------------------------------------------------- */
typedef struct _MIB_IPMCAST_OIF_XP {
	DWORD dwOutIfIndex;
	DWORD dwNextHopAddr;
	DWORD dwReserved;
	DWORD dwReserved1;
} MIB_IPMCAST_OIF_XP, *PMIB_IPMCAST_OIF_XP;
typedef MIB_IPMCAST_OIF_XP MIB_IPMCAST_OIF, *PMIB_IPMCAST_OIF;

typedef struct _MIB_IPMCAST_MFE {
	DWORD dwGroup;
	DWORD dwSource;
	DWORD dwSrcMask;
	DWORD dwUpStrmNgbr;
	DWORD dwInIfIndex;
	DWORD dwInIfProtocol;
	DWORD dwRouteProtocol;
	DWORD dwRouteNetwork;
	DWORD dwRouteMask;
	ULONG ulUpTime;
	ULONG ulExpiryTime;
	ULONG ulTimeOut;
	ULONG ulNumOutIf;
	DWORD fFlags;
	DWORD dwReserved;
	MIB_IPMCAST_OIF rgmioOutInfo[ANY_SIZE];
} MIB_IPMCAST_MFE, *PMIB_IPMCAST_MFE;

typedef struct _MIB_MFE_TABLE {
	DWORD dwNumEntries;
	MIB_IPMCAST_MFE table[ANY_SIZE];
} MIB_MFE_TABLE, *PMIB_MFE_TABLE;

#define SIZEOF_BASIC_MIB_MFE \
	(ULONG)(FIELD_OFFSET(MIB_IPMCAST_MFE, rgmioOutInfo[0]))
#define SIZEOF_MIB_MFE(X) \
	(SIZEOF_BASIC_MIB_MFE + ((X) * sizeof(MIB_IPMCAST_OIF)))

typedef struct _MIB_IPMCAST_OIF_STATS_LH {
	DWORD dwOutIfIndex;
	DWORD dwNextHopAddr;
	DWORD dwDialContext;
	ULONG ulTtlTooLow;
	ULONG ulFragNeeded;
	ULONG ulOutPackets;
	ULONG ulOutDiscards;
} MIB_IPMCAST_OIF_STATS_LH, *PMIB_IPMCAST_OIF_STATS_LH;
typedef MIB_IPMCAST_OIF_STATS_LH MIB_IPMCAST_OIF_STATS, *PMIB_IPMCAST_OIF_STATS;

typedef struct _MIB_IPMCAST_MFE_STATS {
	DWORD dwGroup;
	DWORD dwSource;
	DWORD dwSrcMask;
	DWORD dwUpStrmNgbr;
	DWORD dwInIfIndex;
	DWORD dwInIfProtocol;
	DWORD dwRouteProtocol;
	DWORD dwRouteNetwork;
	DWORD dwRouteMask;
	ULONG ulUpTime;
	ULONG ulExpiryTime;
	ULONG ulNumOutIf;
	ULONG ulInPkts;
	ULONG ulInOctets;
	ULONG ulPktsDifferentIf;
	ULONG ulQueueOverflow;
	MIB_IPMCAST_OIF_STATS rgmiosOutStats[ANY_SIZE];
} MIB_IPMCAST_MFE_STATS, *PMIB_IPMCAST_MFE_STATS;

typedef struct _MIB_MFE_STATS_TABLE {
	DWORD dwNumEntries;
	MIB_IPMCAST_MFE_STATS table[ANY_SIZE];
} MIB_MFE_STATS_TABLE, *PMIB_MFE_STATS_TABLE;

#define SIZEOF_BASIC_MIB_MFE_STATS \
	(ULONG)(FIELD_OFFSET(MIB_IPMCAST_MFE_STATS, rgmiosOutStats[0]))
#define SIZEOF_MIB_MFE_STATS(X) \
	(SIZEOF_BASIC_MIB_MFE_STATS + ((X) * sizeof(MIB_IPMCAST_OIF_STATS)))

typedef struct _MIB_IPMCAST_MFE_STATS_EX_XP {
	DWORD dwGroup;
	DWORD dwSource;
	DWORD dwSrcMask;
	DWORD dwUpStrmNgbr;
	DWORD dwInIfIndex;
	DWORD dwInIfProtocol;
	DWORD dwRouteProtocol;
	DWORD dwRouteNetwork;
	DWORD dwRouteMask;
	ULONG ulUpTime;
	ULONG ulExpiryTime;
	ULONG ulNumOutIf;
	ULONG ulInPkts;
	ULONG ulInOctets;
	ULONG ulPktsDifferentIf;
	ULONG ulQueueOverflow;
	ULONG ulUninitMfe;
	ULONG ulNegativeMfe;
	ULONG ulInDiscards;
	ULONG ulInHdrErrors;
	ULONG ulTotalOutPackets;
	MIB_IPMCAST_OIF_STATS rgmiosOutStats[ANY_SIZE];
} MIB_IPMCAST_MFE_STATS_EX_XP, *PMIB_IPMCAST_MFE_STATS_EX_XP;
typedef MIB_IPMCAST_MFE_STATS_EX_XP MIB_IPMCAST_MFE_STATS_EX,
	*PMIB_IPMCAST_MFE_STATS_EX;

typedef struct _MIB_MFE_STATS_TABLE_EX_XP {
	DWORD dwNumEntries;
	PMIB_IPMCAST_MFE_STATS_EX_XP table[ANY_SIZE];
} MIB_MFE_STATS_TABLE_EX_XP, *PMIB_MFE_STATS_TABLE_EX_XP;

#define SIZEOF_BASIC_MIB_MFE_STATS_EX \
	(ULONG)(FIELD_OFFSET(MIB_IPMCAST_MFE_STATS_EX, rgmiosOutStats[0]))
#define SIZEOF_MIB_MFE_STATS_EX(X) \
	(SIZEOF_BASIC_MIB_MFE_STATS_EX + ((X) * sizeof(MIB_IPMCAST_OIF_STATS)))

/* ---- the 17 functions ------------------------------------------------------ */
DWORD MgmRegisterMProtocol(PROUTING_PROTOCOL_CONFIG prpiInfo,
			   DWORD dwProtocolId, DWORD dwComponentId,
			   HANDLE *phProtocol);
DWORD MgmDeRegisterMProtocol(HANDLE hProtocol);
DWORD MgmTakeInterfaceOwnership(HANDLE hProtocol, DWORD dwIfIndex,
				DWORD dwIfNextHopAddr);
DWORD MgmReleaseInterfaceOwnership(HANDLE hProtocol, DWORD dwIfIndex,
				   DWORD dwIfNextHopAddr);
DWORD MgmGetProtocolOnInterface(DWORD dwIfIndex, DWORD dwIfNextHopAddr,
				PDWORD pdwIfProtocolId,
				PDWORD pdwIfComponentId);
DWORD MgmAddGroupMembershipEntry(HANDLE hProtocol, DWORD dwSourceAddr,
				 DWORD dwSourceMask, DWORD dwGroupAddr,
				 DWORD dwGroupMask, DWORD dwIfIndex,
				 DWORD dwIfNextHopIPAddr, DWORD dwFlags);
DWORD MgmDeleteGroupMembershipEntry(HANDLE hProtocol, DWORD dwSourceAddr,
				    DWORD dwSourceMask, DWORD dwGroupAddr,
				    DWORD dwGroupMask, DWORD dwIfIndex,
				    DWORD dwIfNextHopIPAddr, DWORD dwFlags);
DWORD MgmGetMfe(PMIB_IPMCAST_MFE pimm, PDWORD pdwBufferSize, PBYTE pbBuffer);
DWORD MgmGetFirstMfe(PDWORD pdwBufferSize, PBYTE pbBuffer,
		     PDWORD pdwNumEntries);
DWORD MgmGetNextMfe(PMIB_IPMCAST_MFE pimmStart, PDWORD pdwBufferSize,
		    PBYTE pbBuffer, PDWORD pdwNumEntries);
DWORD MgmGetMfeStats(PMIB_IPMCAST_MFE pimm, PDWORD pdwBufferSize,
		     PBYTE pbBuffer, DWORD dwFlags);
DWORD MgmGetFirstMfeStats(PDWORD pdwBufferSize, PBYTE pbBuffer,
			  PDWORD pdwNumEntries, DWORD dwFlags);
DWORD MgmGetNextMfeStats(PMIB_IPMCAST_MFE pimmStart, PDWORD pdwBufferSize,
			 PBYTE pbBuffer, PDWORD pdwNumEntries, DWORD dwFlags);
DWORD MgmSetMfe(HANDLE hProtocol, PMIB_IPMCAST_MFE pmimm);
DWORD MgmGroupEnumerationStart(HANDLE hProtocol, MGM_ENUM_TYPES metEnumType,
			       HANDLE *phEnumHandle);
DWORD MgmGroupEnumerationGetNext(HANDLE hEnum, PDWORD pdwBufferSize,
				 PBYTE pbBuffer, PDWORD pdwNumEntries);
DWORD MgmGroupEnumerationEnd(HANDLE hEnum);

/* ---- not Win32: choosing the instance (see the top of this file) ----------- */

/* Use this in-process libmgm instance (a `struct mgm *`) instead of mgmd.
 * Call before any other Mgm* function: ERROR_ALREADY_EXISTS once an
 * instance (mgmd's or another) is in use, ERROR_INVALID_PARAMETER if
 * NULL. */
DWORD MgmCompatUseInstance(void *mgm_instance);
/* Connect to mgmd at socket_path (NULL: $MGM_SOCKET or /run/mgmd/mgmd.sock)
 * under name (NULL: $MGM_NAME or the program's name) now, rather than
 * at the first Mgm* call.  ERROR_CAN_NOT_COMPLETE if mgmd cannot be
 * reached, ERROR_ALREADY_EXISTS if an instance is already in use. */
DWORD MgmCompatConnect(const char *socket_path, const char *name);

#ifdef __cplusplus
}
#endif
#endif /* MGM_COMPAT_MGM_H */
