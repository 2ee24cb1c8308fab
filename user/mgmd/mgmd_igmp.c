// SPDX-License-Identifier: GPL-2.0
/*
 * mgmd_igmp.c - the IGMP and MLD router (user/proto/igmp*.c, mld.c) inside
 * mgmd: one instance for both families (phyint ... igmp / mld), its
 * sockets in the event loop, its timers as a ticker, its events in the
 * log and in the steps a running command streams (shutdown).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/epoll.h>

#include "mgmd.h"

struct igmp_fd {
	uint32_t ifindex;
	int fd;
	int version;
	bool v6; /* MLD */
};

static struct igmp_fd ifds[256];
static int n_ifds;

static void on_packet(void *arg, int fd, uint32_t events)
{
	struct mgmd *d = arg;

	(void)events;
	igmp_sock_input(d->isock, d->igmp, fd);
}

static int timeout(void *arg)
{
	struct mgmd *d = arg;

	return d->igmp ? igmp_timeout_ms(d->igmp) : -1;
}

static void tick(void *arg)
{
	struct mgmd *d = arg;

	if (d->igmp)
		igmp_tick(d->igmp);
}

static void on_log(void *ctx, int level, const char *msg)
{
	(void)ctx;
	log_msg(level, "igmp: %s", msg);
}

/* Called with IGMP's lock held: log and stream, nothing else. */
static void on_event(void *ctx, const struct igmp_event *ev)
{
	static const char *const kinds[] = {
		[IGMP_EV_MGM_ADD] = "join",
		[IGMP_EV_MGM_DEL] = "leave",
		[IGMP_EV_FWD_ADD] = "forward",
		[IGMP_EV_FWD_DEL] = "unforward",
		[IGMP_EV_DISABLE] = "disable",
		[IGMP_EV_ENABLE] = "enable",
		[IGMP_EV_BLOCK] = "block",
		[IGMP_EV_QUERIER] = "querier",
		[IGMP_EV_NON_QUERIER] = "non-querier",
	};
	char s[MGM_ADDRSTRLEN], g[MGM_ADDRSTRLEN], ifn[IF_NAMESIZE];
	const char *fam = ev->family == MGM_AF_INET6 ? "mld" : "igmp";
	const char *kind =
		(unsigned)ev->kind < sizeof(kinds) / sizeof(*kinds) &&
				kinds[ev->kind] ?
			kinds[ev->kind] :
			"?";

	(void)ctx;
	/* DISABLE/ENABLE name an interface (family 0): both families. */
	if (!ev->family)
		strcpy(s, "*"), strcpy(g, "*");
	else if (mgm_addr_is_unspec(&ev->source_x))
		strcpy(s, "*");
	else
		mgm_addr_ntop(&ev->source_x, s, sizeof(s));
	if (ev->family)
		mgm_addr_ntop(&ev->group_x, g, sizeof(g));
	mgmd_ifname(ev->ifindex, ifn);
	log_info("%s: %s%s (%s,%s) on %s%s%s", fam, kind,
		 ev->readd ? " (re-add)" : "", s, g, ifn,
		 ev->kind == IGMP_EV_MGM_ADD || ev->kind == IGMP_EV_MGM_DEL ?
			 " -> " :
			 "",
		 ev->kind == IGMP_EV_MGM_ADD || ev->kind == IGMP_EV_MGM_DEL ?
			 mgm_strerror(ev->result) :
			 "");
	if (ev->kind == IGMP_EV_DISABLE || ev->kind == IGMP_EV_ENABLE)
		cmd_event("{\"step\":\"igmp-%s\",\"interface\":\"%s\"}", kind,
			  ifn);
	else if (ev->kind == IGMP_EV_MGM_ADD && ev->readd)
		cmd_event(
			"{\"step\":\"igmp-re-add\",\"interface\":\"%s\","
			"\"source\":\"%s\",\"group\":\"%s\",\"result\":\"%s\"}",
			ifn, s, g, mgm_strerror(ev->result));
}

int mgmd_igmp_start(struct mgmd *d)
{
	struct igmp_opts o = {
		.query_interval_ms = d->cfg.igmp.query_interval_ms,
		.query_response_interval_ms =
			d->cfg.igmp.query_response_interval_ms,
		.last_member_query_interval_ms =
			d->cfg.igmp.last_member_query_interval_ms,
		.robustness = d->cfg.igmp.robustness,
		.log = on_log,
		.event = on_event,
		.ctx = d,
	};
	struct igmp_io io;
	int err;

	err = igmp_sock_open(&d->isock);
	if (err)
		return err;
	igmp_sock_io(d->isock, &io);
	err = igmp_create(d->m, &io, &o, &d->igmp);
	if (err) {
		igmp_sock_close(d->isock);
		d->isock = NULL;
		return err;
	}
	return loop_add_ticker(d->loop, timeout, tick, d);
}

static struct igmp_fd *find(uint32_t ifindex, bool v6)
{
	int i;

	for (i = 0; i < n_ifds; i++)
		if (ifds[i].ifindex == ifindex && ifds[i].v6 == v6)
			return &ifds[i];
	return NULL;
}

/* IGMP (v6 false) or MLD on ifindex: version, or 0 for off. */
static int family_if(struct mgmd *d, uint32_t ifindex, bool v6, int version)
{
	struct igmp_fd *f = find(ifindex, v6);
	const char *what = v6 ? "mld" : "igmp";
	char ifn[IF_NAMESIZE];
	int fd, err;

	if (!d->igmp)
		return -ESHUTDOWN;
	if (f && (!version || f->version != version)) {
		/* Off, or another version: stop it first. */
		if (v6)
			mld_if_disable(d->igmp, ifindex);
		else
			igmp_if_disable(d->igmp, ifindex);
		loop_del(d->loop, f->fd);
		if (v6)
			igmp_sock_del_if6(d->isock, ifindex);
		else
			igmp_sock_del_if(d->isock, ifindex);
		*f = ifds[--n_ifds];
		f = NULL;
	}
	if (!version || f)
		return 0;
	if (n_ifds == (int)(sizeof(ifds) / sizeof(ifds[0])))
		return -ENOSPC;
	fd = v6 ? igmp_sock_add_if6(d->isock, ifindex) :
		  igmp_sock_add_if(d->isock, ifindex);
	if (fd < 0)
		return fd;
	err = loop_add(d->loop, fd, EPOLLIN, on_packet, d);
	if (!err)
		err = v6 ? mld_if_enable(d->igmp, ifindex, version) :
			   igmp_if_enable(d->igmp, ifindex, version);
	if (err) {
		loop_del(d->loop, fd);
		if (v6)
			igmp_sock_del_if6(d->isock, ifindex);
		else
			igmp_sock_del_if(d->isock, ifindex);
		log_err("%s on %s: %s", what, mgmd_ifname(ifindex, ifn),
			strerror(-err));
		return err;
	}
	ifds[n_ifds++] = (struct igmp_fd){ ifindex, fd, version, v6 };
	return 0;
}

int mgmd_igmp_if(struct mgmd *d, uint32_t ifindex, int version)
{
	return family_if(d, ifindex, false, version);
}

int mgmd_mld_if(struct mgmd *d, uint32_t ifindex, int version)
{
	return family_if(d, ifindex, true, version);
}

/* Bring IGMP's and MLD's interfaces from cur's phyints to next's. */
void mgmd_igmp_apply(struct mgmd *d, const struct config *cur,
		     const struct config *next)
{
	size_t i, j;

	for (i = 0; i < cur->n_phy; i++) {
		for (j = 0; j < next->n_phy; j++)
			if (next->phy[j].ifindex == cur->phy[i].ifindex)
				break;
		if (j == next->n_phy || !next->phy[j].igmp)
			mgmd_igmp_if(d, cur->phy[i].ifindex, 0);
		if (j == next->n_phy || !next->phy[j].mld)
			mgmd_mld_if(d, cur->phy[i].ifindex, 0);
	}
	for (j = 0; j < next->n_phy; j++) {
		if (next->phy[j].igmp)
			mgmd_igmp_if(d, next->phy[j].ifindex,
				     next->phy[j].igmp);
		if (next->phy[j].mld)
			mgmd_mld_if(d, next->phy[j].ifindex, next->phy[j].mld);
	}
}

int mgmd_igmp_version(uint32_t ifindex)
{
	struct igmp_fd *f = find(ifindex, false);

	return f ? f->version : 0;
}

int mgmd_mld_version(uint32_t ifindex)
{
	struct igmp_fd *f = find(ifindex, true);

	return f ? f->version : 0;
}

void mgmd_igmp_stop(struct mgmd *d)
{
	int i;

	/* The seed: igmp_destroy releases every interface, deregisters. */
	igmp_destroy(d->igmp);
	d->igmp = NULL;
	for (i = 0; i < n_ifds; i++)
		loop_del(d->loop, ifds[i].fd);
	n_ifds = 0;
	igmp_sock_close(d->isock);
	d->isock = NULL;
}
