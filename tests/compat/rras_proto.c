// SPDX-License-Identifier: GPL-2.0
/*
 * rras_proto - a multicast routing protocol written only against the
 * Windows RRAS MGM documentation: <mgm.h> with the Win32 names, no mgm
 * header of ours.  tests/integration/test_compat.sh runs it against
 * mgmd (the default instance of <mgm.h>) under real traffic.
 *
 * rras_proto IIF OIF1 OIF2 SOURCE GROUP DIR
 *
 * Registers, takes IIF, OIF1 and OIF2, joins (*,GROUP) on OIF1 and OIF2,
 * then steps through phases the test drives with files in DIR (it
 * creates NAME.ready when a phase is done and waits for NAME to go on):
 *   setup   -> setup.ready,  waits for "traffic"
 *   mfe     (the flow's MFE: Get, GetFirst/Next, stats, SetMfe)
 *           -> mfe.ready,    waits for "prune"
 *   prune   (OIF2's membership deleted) -> prune.ready, waits for "stop"
 *   stop    (the shutdown sequence: release every interface, deregister)
 *           -> stop.ready
 * Every result is printed as "name value" on stdout for the test.
 */
#include <arpa/inet.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <mgm.h>

#define PROTO_ID 0x41370014 /* a made-up multicast protocol of vendor MS1 */
#define COMPONENT_ID 1

static DWORD iif, oif1, oif2, source, group;
static const char *dir;
static volatile DWORD rpf_calls, creation_calls, creation_oifs;
static volatile DWORD prune_calls, join_calls;

static DWORD RpfCallback(DWORD dwSourceAddr, DWORD dwSourceMask,
			 DWORD dwGroupAddr, DWORD dwGroupMask,
			 PDWORD pdwInIfIndex, PDWORD pdwInIfNextHopAddr,
			 PDWORD pdwUpStreamNbr, DWORD dwHdrSize,
			 PBYTE pbPacketHdr, PBYTE pbRoute)
{
	(void)dwSourceMask;
	(void)dwGroupMask;
	(void)pdwInIfNextHopAddr;
	(void)pdwUpStreamNbr;
	(void)pbRoute;
	if (dwSourceAddr == source && dwGroupAddr == group) {
		rpf_calls++;
		/* The header handed to us: an IPv4 header from SOURCE. */
		if (dwHdrSize >= 20 && (pbPacketHdr[0] >> 4) == 4 &&
		    !memcmp(pbPacketHdr + 12, &dwSourceAddr, 4))
			printf("rpf_header ok\n");
		printf("rpf_iif %u\n", *pdwInIfIndex == iif);
		*pdwInIfIndex = iif;
	}
	return NO_ERROR;
}

static DWORD CreationAlertCallback(DWORD dwSourceAddr, DWORD dwSourceMask,
				   DWORD dwGroupAddr, DWORD dwGroupMask,
				   DWORD dwInIfIndex, DWORD dwInIfNextHopAddr,
				   DWORD dwIfCount, PMGM_IF_ENTRY pmieOutIfList)
{
	DWORD i;

	(void)dwSourceMask;
	(void)dwGroupMask;
	(void)dwInIfIndex;
	(void)dwInIfNextHopAddr;
	if (dwSourceAddr != source || dwGroupAddr != group)
		return NO_ERROR;
	creation_calls++;
	for (i = 0; i < dwIfCount; i++)
		if ((pmieOutIfList[i].dwIfIndex == oif1 ||
		     pmieOutIfList[i].dwIfIndex == oif2) &&
		    pmieOutIfList[i].bIsEnabled)
			creation_oifs++;
	return NO_ERROR;
}

static DWORD PruneAlertCallback(DWORD dwSourceAddr, DWORD dwSourceMask,
				DWORD dwGroupAddr, DWORD dwGroupMask,
				DWORD dwIfIndex, DWORD dwIfNextHopAddr,
				BOOL bMemberDelete, PDWORD pdwTimeout)
{
	(void)dwSourceAddr;
	(void)dwSourceMask;
	(void)dwGroupAddr;
	(void)dwGroupMask;
	(void)dwIfIndex;
	(void)dwIfNextHopAddr;
	(void)bMemberDelete;
	(void)pdwTimeout;
	prune_calls++;
	return NO_ERROR;
}

static DWORD JoinAlertCallback(DWORD dwSourceAddr, DWORD dwSourceMask,
			       DWORD dwGroupAddr, DWORD dwGroupMask,
			       BOOL bMemberUpdate)
{
	(void)dwSourceAddr;
	(void)dwSourceMask;
	(void)dwGroupAddr;
	(void)dwGroupMask;
	(void)bMemberUpdate;
	join_calls++;
	return NO_ERROR;
}

/* CLOCK_MONOTONIC ns, the clock mcsend stamps its packets with. */
static unsigned long long now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

static void touch(const char *name)
{
	char path[512];
	FILE *f;

	fflush(stdout);
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "w");
	if (f)
		fclose(f);
}

static int wait_file(const char *name, int seconds)
{
	char path[512];
	struct stat st;
	int i;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	for (i = 0; i < seconds * 20; i++) {
		if (!stat(path, &st))
			return 0;
		usleep(50000);
	}
	fprintf(stderr, "rras_proto: no %s after %d s\n", path, seconds);
	return -1;
}

/* The flow's MFE through the MIB functions. */
static void mfe_phase(HANDLE h)
{
	BYTE buf[4096];
	MIB_IPMCAST_MFE key, *m = (PMIB_IPMCAST_MFE)buf;
	PMIB_IPMCAST_MFE_STATS_EX st = (PMIB_IPMCAST_MFE_STATS_EX)buf;
	DWORD size, n, r = ERROR_NOT_FOUND, found = 0, total = 0, i;
	int tries;

	memset(&key, 0, sizeof(key));
	key.dwSource = source;
	key.dwGroup = group;
	for (tries = 0; tries < 100 && r != NO_ERROR; tries++) {
		size = sizeof(buf);
		r = MgmGetMfe(&key, &size, buf);
		if (r != NO_ERROR)
			usleep(50000);
	}
	printf("get_mfe %u\n", r);
	if (r != NO_ERROR)
		return;
	printf("mfe_iif %u\n", m->dwInIfIndex == iif);
	printf("mfe_iif_protocol %u\n", m->dwInIfProtocol == PROTO_ID);
	printf("mfe_oifs %u\n", m->ulNumOutIf);
	printf("rpf_calls %u\n", rpf_calls);
	printf("creation_calls %u\n", creation_calls);
	printf("creation_oifs %u\n", creation_oifs);

	/* Too small a buffer: the size of this record is returned. */
	size = 8;
	r = MgmGetMfe(&key, &size, buf);
	printf("get_mfe_small %u %u\n", r, size == SIZEOF_MIB_MFE(2));

	/* Enumerate: the flow is among the MFEs, in records of
	 * SIZEOF_MIB_MFE(ulNumOutIf) bytes. */
	size = sizeof(buf);
	r = MgmGetFirstMfe(&size, buf, &n);
	while (r == NO_ERROR || r == ERROR_MORE_DATA ||
	       r == ERROR_NO_MORE_ITEMS) {
		PBYTE p = buf;
		MIB_IPMCAST_MFE last;

		for (i = 0; i < n; i++) {
			PMIB_IPMCAST_MFE e = (PMIB_IPMCAST_MFE)p;

			total++;
			if (e->dwSource == source && e->dwGroup == group)
				found++;
			last = *e;
			p += SIZEOF_MIB_MFE(e->ulNumOutIf);
		}
		if (r == ERROR_NO_MORE_ITEMS || n == 0)
			break;
		size = sizeof(buf);
		r = MgmGetNextMfe(&last, &size, buf, &n);
	}
	printf("enum_found %u\n", found);
	printf("enum_total_ge1 %u\n", total >= 1);

	/*
	 * The MFE exists from its first packet's miss on; the packets after
	 * it are counted.  Read until some are (the traffic runs at 200 pps),
	 * so that a read right after the creation is not taken for a fault.
	 */
	for (tries = 0; tries < 40; tries++) {
		size = sizeof(buf);
		r = MgmGetMfeStats(&key, &size, buf, MGM_MFE_STATS_1);
		if (r != NO_ERROR || st->ulInPkts > 0)
			break;
		usleep(50000);
	}
	printf("get_mfe_stats %u\n", r);
	if (r == NO_ERROR) {
		printf("stats_in_pkts_gt0 %u\n", st->ulInPkts > 0);
		printf("stats_oifs %u\n", st->ulNumOutIf);
		for (i = 0; i < st->ulNumOutIf && i < 2; i++)
			printf("stats_oif_out_gt0 %u\n",
			       st->rgmiosOutStats[i].ulOutPackets > 0);
	}

	/* MgmSetMfe changes the upstream neighbour. */
	key.dwUpStrmNgbr = inet_addr("192.0.2.77");
	r = MgmSetMfe(h, &key);
	printf("set_mfe %u\n", r);
	size = sizeof(buf);
	if (MgmGetMfe(&key, &size, buf) == NO_ERROR)
		printf("upstream_set %u\n",
		       m->dwUpStrmNgbr == inet_addr("192.0.2.77"));
}

static DWORD count_groups(HANDLE h, MGM_ENUM_TYPES type)
{
	SOURCE_GROUP_ENTRY e[16];
	HANDLE en;
	DWORD size, n, r, i, count = 0;

	if (MgmGroupEnumerationStart(h, type, &en) != NO_ERROR)
		return 0;
	do {
		size = sizeof(e);
		r = MgmGroupEnumerationGetNext(en, &size, (PBYTE)e, &n);
		for (i = 0; (r == NO_ERROR || r == ERROR_MORE_DATA ||
			     r == ERROR_NO_MORE_ITEMS) &&
			    i < n;
		     i++)
			if (e[i].dwGroupAddr == group)
				count++;
	} while (r == ERROR_MORE_DATA);
	printf("group_enum_end %u\n", MgmGroupEnumerationEnd(en));
	return count;
}

int main(int argc, char **argv)
{
	ROUTING_PROTOCOL_CONFIG cfg;
	HANDLE h, h2;
	DWORD pid = 0, cid = 0;

	if (argc != 7) {
		fprintf(stderr,
			"usage: rras_proto IIF OIF1 OIF2 SOURCE GROUP DIR\n");
		return 2;
	}
	iif = if_nametoindex(argv[1]);
	oif1 = if_nametoindex(argv[2]);
	oif2 = if_nametoindex(argv[3]);
	source = inet_addr(argv[4]);
	group = inet_addr(argv[5]);
	dir = argv[6];
	if (!iif || !oif1 || !oif2) {
		fprintf(stderr, "rras_proto: unknown interface\n");
		return 2;
	}
	setvbuf(stdout, NULL, _IOLBF, 0);

	memset(&cfg, 0, sizeof(cfg));
	cfg.pfnRpfCallback = RpfCallback;
	cfg.pfnCreationAlertCallback = CreationAlertCallback;
	cfg.pfnPruneAlertCallback = PruneAlertCallback;
	cfg.pfnJoinAlertCallback = JoinAlertCallback;

	/* Startup (sequence 5.1): register, take interfaces, join. */
	printf("register %u\n",
	       MgmRegisterMProtocol(&cfg, PROTO_ID, COMPONENT_ID, &h));
	printf("register_again %u\n",
	       MgmRegisterMProtocol(&cfg, PROTO_ID, COMPONENT_ID, &h2));
	printf("take_iif %u\n", MgmTakeInterfaceOwnership(h, iif, 0));
	printf("take_oif1 %u\n", MgmTakeInterfaceOwnership(h, oif1, 0));
	printf("take_oif2 %u\n", MgmTakeInterfaceOwnership(h, oif2, 0));
	printf("take_again %u\n", MgmTakeInterfaceOwnership(h, oif1, 0));
	printf("owner %u\n", MgmGetProtocolOnInterface(oif1, 0, &pid, &cid));
	printf("owner_ids %u\n", pid == PROTO_ID && cid == COMPONENT_ID);
	printf("join_oif1 %u\n",
	       MgmAddGroupMembershipEntry(h, 0, 0, group, 0xffffffff, oif1, 0,
					  MGM_JOIN_STATE_FLAG));
	printf("join_oif2 %u\n",
	       MgmAddGroupMembershipEntry(h, 0, 0, group, 0xffffffff, oif2, 0,
					  MGM_JOIN_STATE_FLAG));
	printf("groups_all %u\n", count_groups(h, ALL_SOURCES));
	printf("groups_any %u\n", count_groups(h, ANY_SOURCE));
	touch("setup.ready");
	if (wait_file("traffic", 30))
		return 1;

	mfe_phase(h);
	touch("mfe.ready");
	if (wait_file("prune", 30))
		return 1;

	printf("leave_oif2 %u\n",
	       MgmDeleteGroupMembershipEntry(h, 0, 0, group, 0xffffffff, oif2,
					     0, MGM_JOIN_STATE_FLAG));
	printf("t_pruned %llu\n", now_ns());
	touch("prune.ready");
	if (wait_file("stop", 30))
		return 1;

	/* Shutdown (sequence 5.6): release every interface, deregister. */
	printf("deregister_owning %u\n", MgmDeRegisterMProtocol(h));
	printf("release_iif %u\n", MgmReleaseInterfaceOwnership(h, iif, 0));
	printf("release_oif1 %u\n", MgmReleaseInterfaceOwnership(h, oif1, 0));
	printf("release_oif2 %u\n", MgmReleaseInterfaceOwnership(h, oif2, 0));
	printf("t_released %llu\n", now_ns());
	printf("deregister %u\n", MgmDeRegisterMProtocol(h));
	printf("deregister_again %u\n", MgmDeRegisterMProtocol(h));
	printf("take_dead %u\n", MgmTakeInterfaceOwnership(h, oif1, 0));
	printf("owner_after %u\n",
	       MgmGetProtocolOnInterface(oif1, 0, &pid, &cid));
	touch("stop.ready");
	return 0;
}
