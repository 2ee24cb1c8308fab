// SPDX-License-Identifier: GPL-2.0
/*
 * <mgm.h> with the Win32 names (include/mgm/compat) on an in-process MGM
 * instance with the fake datapath: choosing the instance, every callback
 * trampoline (RPF, creation, join, prune, wrong interface, local join and
 * leave, IGMP disable/enable) with its Win32 arguments, MIB records
 * passed through unchanged, handles, and the shutdown sequence.  The same
 * functions against mgmd: tests/integration/test_compat.sh.
 */
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "fake_dp.h"
#include "client/api.c"
#include "client/client.c"
#include "compat/compat.c"
#include "compat/compat_local.c"
#include "compat/compat_remote.c"

#define PID_P 0x40000101U
#define PID_Q 0x40000102U
#define M 0xffffffffU

/* What each protocol's callbacks saw, in order. */
static char trace[4096];

static void note(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void note(const char *fmt, ...)
{
	size_t n = strlen(trace);
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(trace + n, sizeof(trace) - n, fmt, ap);
	va_end(ap);
}

static DWORD p_rpf(DWORD s, DWORD sm, DWORD g, DWORD gm, PDWORD iif, PDWORD inh,
		   PDWORD up, DWORD hs, PBYTE hdr, PBYTE route)
{
	(void)sm;
	(void)gm;
	(void)inh;
	(void)hdr;
	note("P:rpf %u %u iif %u hs %u route %d;", s == A("192.0.2.1"),
	     g == A("239.1.1.1"), *iif, hs, route != NULL);
	*up = A("192.0.2.9");
	return NO_ERROR;
}

static DWORD p_creation(DWORD s, DWORD sm, DWORD g, DWORD gm, DWORD iif,
			DWORD inh, DWORD n, PMGM_IF_ENTRY oifs)
{
	DWORD i;

	(void)s;
	(void)sm;
	(void)g;
	(void)gm;
	(void)inh;
	note("P:creation iif %u n %u", iif, n);
	for (i = 0; i < n; i++) {
		note(" %u", oifs[i].dwIfIndex);
		/* Leave interface 3 out of this (S,G). */
		if (oifs[i].dwIfIndex == 3)
			oifs[i].bIsEnabled = FALSE;
	}
	note(";");
	return NO_ERROR;
}

static DWORD p_prune(DWORD s, DWORD sm, DWORD g, DWORD gm, DWORD ifi, DWORD nh,
		     BOOL del, PDWORD timeout)
{
	(void)s;
	(void)sm;
	(void)g;
	(void)gm;
	(void)nh;
	(void)timeout;
	note("P:prune if %u del %d;", ifi, del);
	return NO_ERROR;
}

static DWORD join_cb(const char *who, DWORD g, BOOL update)
{
	note("%s:join %u upd %d;", who, g == A("239.1.1.1"), update);
	return NO_ERROR;
}

static DWORD p_join(DWORD s, DWORD sm, DWORD g, DWORD gm, BOOL update)
{
	(void)s;
	(void)sm;
	(void)gm;
	return join_cb("P", g, update);
}

static DWORD q_join(DWORD s, DWORD sm, DWORD g, DWORD gm, BOOL update)
{
	(void)s;
	(void)sm;
	(void)gm;
	return join_cb("Q", g, update);
}

static DWORD p_wrong_if(DWORD s, DWORD g, DWORD ifi, DWORD nh, DWORD hs,
			PBYTE hdr)
{
	(void)s;
	(void)g;
	(void)nh;
	(void)hdr;
	note("P:wrong_if %u hs %u;", ifi, hs);
	return NO_ERROR;
}

static DWORD p_local_join(DWORD s, DWORD sm, DWORD g, DWORD gm, DWORD ifi,
			  DWORD nh)
{
	(void)s;
	(void)sm;
	(void)g;
	(void)gm;
	(void)nh;
	note("P:local_join %u;", ifi);
	return NO_ERROR;
}

static DWORD p_local_leave(DWORD s, DWORD sm, DWORD g, DWORD gm, DWORD ifi,
			   DWORD nh)
{
	(void)s;
	(void)sm;
	(void)g;
	(void)gm;
	(void)nh;
	note("P:local_leave %u;", ifi);
	return NO_ERROR;
}

static DWORD i_disable(DWORD ifi, DWORD nh)
{
	(void)nh;
	note("IGMP:disable %u;", ifi);
	return NO_ERROR;
}

static DWORD i_enable(DWORD ifi, DWORD nh)
{
	(void)nh;
	note("IGMP:enable %u;", ifi);
	return NO_ERROR;
}

int main(void)
{
	ROUTING_PROTOCOL_CONFIG pc = {
		.pfnRpfCallback = p_rpf,
		.pfnCreationAlertCallback = p_creation,
		.pfnPruneAlertCallback = p_prune,
		.pfnJoinAlertCallback = p_join,
		.pfnWrongIfCallback = p_wrong_if,
		.pfnLocalJoinCallback = p_local_join,
		.pfnLocalLeaveCallback = p_local_leave,
	};
	ROUTING_PROTOCOL_CONFIG qc = { .pfnJoinAlertCallback = q_join };
	ROUTING_PROTOCOL_CONFIG ic = {
		.pfnDisableIgmpCallback = i_disable,
		.pfnEnableIgmpCallback = i_enable,
	};
	uint32_t S = A("192.0.2.1"), G = A("239.1.1.1");
	BYTE buf[1024];
	PMIB_IPMCAST_MFE mfe = (PMIB_IPMCAST_MFE)buf;
	MIB_IPMCAST_MFE key = { .dwSource = S, .dwGroup = G };
	SOURCE_GROUP_ENTRY sg[8];
	HANDLE p, q, ig, en, dup;
	DWORD size, n, pid, cid;
	struct fake_dp *fd;
	struct mgm *m;

	check_begin("choosing the instance");
	CHECK_EQ(MgmCompatConnect("/nonexistent/mgmd.sock", "t"),
		 ERROR_CAN_NOT_COMPLETE,
		 "no mgmd there: ERROR_CAN_NOT_COMPLETE");
	fd = fake_dp_new();
	m = fake_mgm_new(fd, 0);
	if (!m)
		abort();
	CHECK_EQ(MgmCompatUseInstance(NULL), ERROR_INVALID_PARAMETER,
		 "NULL instance refused");
	CHECK_EQ(MgmCompatUseInstance(m), NO_ERROR, "in-process instance");
	CHECK_EQ(MgmCompatUseInstance(m), ERROR_ALREADY_EXISTS,
		 "only one instance per process");
	CHECK_EQ(MgmCompatConnect(NULL, NULL), ERROR_ALREADY_EXISTS,
		 "no connecting once an instance is in use");

	check_begin("startup");
	fake_dp_add_route(fd, A("192.0.2.0"), 24, 1, 0, 0);
	CHECK_EQ(MgmRegisterMProtocol(NULL, PID_P, 1, &p),
		 ERROR_INVALID_PARAMETER, "NULL config refused");
	CHECK_EQ(MgmRegisterMProtocol(&pc, PID_P, 1, &p), NO_ERROR, "P");
	CHECK_EQ(MgmRegisterMProtocol(&pc, PID_P, 1, &dup),
		 ERROR_ALREADY_EXISTS, "P twice");
	CHECK_EQ(MgmRegisterMProtocol(&qc, PID_Q, 1, &q), NO_ERROR, "Q");
	CHECK_EQ(MgmRegisterMProtocol(&ic, 0x4137000A, 1, &ig), NO_ERROR,
		 "IGMP (MS_IP_IGMP)");
	CHECK(p && q && ig && p != q, "distinct non-NULL HANDLEs");
	CHECK_EQ(MgmTakeInterfaceOwnership(p, 1, 0), NO_ERROR, "P takes 1");
	CHECK_EQ(MgmTakeInterfaceOwnership(p, 2, 0), NO_ERROR, "P takes 2");
	CHECK_EQ(MgmTakeInterfaceOwnership(p, 3, 0), NO_ERROR, "P takes 3");
	CHECK_EQ(MgmTakeInterfaceOwnership(q, 4, 0), NO_ERROR, "Q takes 4");
	CHECK_EQ(MgmTakeInterfaceOwnership(q, 2, 0), ERROR_ALREADY_EXISTS,
		 "Q cannot take P's 2");
	CHECK_EQ(MgmGetProtocolOnInterface(4, 0, &pid, &cid), NO_ERROR,
		 "owner");
	CHECK(pid == PID_Q && cid == 1, "owner of 4 is Q");
	trace[0] = 0;
	CHECK_EQ(MgmTakeInterfaceOwnership(ig, 2, 0), NO_ERROR,
		 "IGMP shares 2 with P");

	check_begin("joins: join, prune and local join alerts");
	trace[0] = 0;
	CHECK_EQ(MgmAddGroupMembershipEntry(p, 0, 0, G, M, 3, 0,
					    MGM_JOIN_STATE_FLAG),
		 NO_ERROR, "P joins (*,G) on 3");
	CHECK(strstr(trace, "Q:join 1 upd 1;") != NULL,
	      "the first join alerts the others (Q): %s", trace);
	trace[0] = 0;
	CHECK_EQ(MgmAddGroupMembershipEntry(q, 0, 0, G, M, 4, 0,
					    MGM_JOIN_STATE_FLAG),
		 NO_ERROR, "Q joins (*,G) on 4");
	CHECK(!strcmp(trace, "P:join 1 upd 1;"),
	      "the second client alerts the first (P) only: %s", trace);
	trace[0] = 0;
	CHECK_EQ(MgmDeleteGroupMembershipEntry(q, 0, 0, G, M, 4, 0,
					       MGM_JOIN_STATE_FLAG),
		 NO_ERROR, "Q leaves");
	CHECK(!strcmp(trace, "P:prune if 4 del 1;"),
	      "the remaining client (P) gets the prune: %s", trace);
	trace[0] = 0;
	CHECK_EQ(MgmAddGroupMembershipEntry(ig, 0, 0, G, M, 2, 0,
					    MGM_JOIN_STATE_FLAG),
		 NO_ERROR, "IGMP joins (*,G) on 2");
	CHECK(strstr(trace, "P:local_join 2;") != NULL,
	      "IGMP's join reaches P, the owner of 2: %s", trace);

	check_begin("first packet: RPF and creation alert");
	trace[0] = 0;
	fake_dp_inject_miss(fd, 1, S, G);
	mgm_dispatch(m);
	CHECK(strstr(trace, "P:rpf 1 1 iif 1 hs ") != NULL &&
		      strstr(trace, "route 1;") != NULL,
	      "RPF callback with the route pointer: %s", trace);
	/* 2's membership is IGMP's: P is alerted of its own oif only. */
	CHECK(strstr(trace, "P:creation iif 1 n 1 3;") != NULL,
	      "creation alert lists P's own oif 3: %s", trace);
	size = sizeof(buf);
	CHECK_EQ(MgmGetMfe(&key, &size, buf), NO_ERROR, "MgmGetMfe");
	CHECK_EQ(mfe->ulNumOutIf, 1, "3 was disabled in the creation alert");
	CHECK_EQ(mfe->rgmioOutInfo[0].dwOutIfIndex, 2, "2 forwards");
	CHECK_EQ(mfe->dwUpStrmNgbr, A("192.0.2.9"), "RPF's upstream kept");
	CHECK(!strcmp(fake_dp_oifs(fd, S, G), "2"), "fast path: %s",
	      fake_dp_oifs(fd, S, G));
	size = 4;
	CHECK_EQ(MgmGetMfe(&key, &size, buf), ERROR_INSUFFICIENT_BUFFER,
		 "small buffer");
	CHECK_EQ(size, SIZEOF_MIB_MFE(1), "size needed: SIZEOF_MIB_MFE(1)");
	size = sizeof(buf);
	CHECK_EQ(MgmGetFirstMfe(&size, buf, &n), ERROR_NO_MORE_ITEMS,
		 "GetFirstMfe: everything at once");
	CHECK_EQ(n, 1, "one MFE");
	size = sizeof(buf);
	CHECK_EQ(MgmGetMfeStats(&key, &size, buf, MGM_MFE_STATS_1), NO_ERROR,
		 "MgmGetMfeStats EX");
	CHECK_EQ(((PMIB_IPMCAST_MFE_STATS_EX)buf)->ulNumOutIf, 1,
		 "stats record with one oif");

	check_begin("wrong interface");
	trace[0] = 0;
	fake_dp_inject_wrong_if(fd, 2, S, G);
	mgm_dispatch(m);
	CHECK(strstr(trace, "P:wrong_if 2 hs ") != NULL,
	      "the owner of the arrival interface hears: %s", trace);

	check_begin("group enumeration");
	CHECK_EQ(MgmGroupEnumerationStart(p, ALL_SOURCES, &en), NO_ERROR,
		 "start");
	size = sizeof(sg);
	CHECK_EQ(MgmGroupEnumerationGetNext(en, &size, (PBYTE)sg, &n),
		 ERROR_NO_MORE_ITEMS, "all in one buffer");
	CHECK(n == 1 && sg[0].dwGroupAddr == G && sg[0].dwSourceAddr == 0,
	      "(*,G) once (%u records)", n);
	CHECK_EQ(MgmGroupEnumerationEnd(en), NO_ERROR, "end");
	CHECK_EQ(MgmGroupEnumerationEnd(en), ERROR_INVALID_PARAMETER,
		 "ended handle refused");

	check_begin("local leave");
	trace[0] = 0;
	CHECK_EQ(MgmDeleteGroupMembershipEntry(ig, 0, 0, G, M, 2, 0,
					       MGM_JOIN_STATE_FLAG),
		 NO_ERROR, "IGMP leaves 2");
	CHECK(strstr(trace, "P:local_leave 2;") != NULL,
	      "IGMP's leave reaches P: %s", trace);

	check_begin("shutdown");
	trace[0] = 0;
	CHECK_EQ(MgmDeRegisterMProtocol(p), ERROR_CAN_NOT_COMPLETE,
		 "deregister while owning interfaces refused");
	CHECK_EQ(MgmReleaseInterfaceOwnership(p, 2, 0), NO_ERROR, "release 2");
	CHECK(strstr(trace, "IGMP:disable 2;IGMP:enable 2;") != NULL,
	      "IGMP disabled then enabled around the release: %s", trace);
	CHECK_EQ(MgmReleaseInterfaceOwnership(p, 1, 0), NO_ERROR, "release 1");
	CHECK_EQ(MgmReleaseInterfaceOwnership(p, 3, 0), NO_ERROR, "release 3");
	size = sizeof(buf);
	CHECK_EQ(MgmGetMfe(&key, &size, buf), ERROR_NOT_FOUND,
		 "the MFE went with its interfaces");
	CHECK_EQ(MgmDeRegisterMProtocol(p), NO_ERROR, "deregister P");
	CHECK_EQ(MgmDeRegisterMProtocol(p), ERROR_INVALID_PARAMETER,
		 "dead handle refused");
	CHECK_EQ(MgmTakeInterfaceOwnership(p, 1, 0), ERROR_INVALID_PARAMETER,
		 "dead handle takes nothing");
	CHECK_EQ(MgmReleaseInterfaceOwnership(q, 4, 0), NO_ERROR, "Q releases");
	CHECK_EQ(MgmDeRegisterMProtocol(q), NO_ERROR, "deregister Q");
	CHECK_EQ(MgmReleaseInterfaceOwnership(ig, 2, 0), NO_ERROR,
		 "IGMP releases");
	CHECK_EQ(MgmDeRegisterMProtocol(ig), NO_ERROR, "deregister IGMP");
	CHECK(protos == NULL, "every protocol record freed");

	mgm_destroy(m);
	fake_dp_free(fd);
	return check_summary();
}
