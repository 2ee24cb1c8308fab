// SPDX-License-Identifier: GPL-2.0
/*
 * link.c - interfaces followed with rtnetlink (RTNLGRP_LINK).
 *
 * The configuration names interfaces; the kernel numbers them, and may
 * give a number of a deleted interface to a stranger.  So:
 *   - an interface mgmd forwards on disappears: the configuration is
 *     applied again without it (mgmd_relink), which is the seed for every
 *     route and phyint on it: static releases it (MGM deletes every entry
 *     tied to it, IGMP disabled and re-enabled around the change where
 *     IGMP shares it), IGMP stops there; then the fast path forgets the
 *     ifindex, so nothing points at the old number any more;
 *   - a configured name appears, comes back with a new ifindex or is
 *     renamed: applied again, it gets the forwarder, its routes and IGMP;
 *   - its MAC or MTU changes: the fast path re-reads them;
 *   - the kernel mirror takes the kernel's table again when a device it
 *     uses goes (the kernel dropped its VIF);
 *   - external protocols (remote.c) that owned a deleted interface have
 *     it released on their behalf, the same seed, before the above, and
 *     are told; when an interface with that name appears they are told
 *     again, and may take it (mgmd does not take it for them).
 * Only the kernel is heard (sender port 0), and message lengths are
 * checked before they are walked.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>

#include <libmnl/libmnl.h>

#include "mgmd.h"

struct mgmd_link {
	struct mnl_socket *nl;
	uint64_t names_sig; /* the configured names as resolved last */
};

static uint64_t fnv(uint64_t h, const void *p, size_t n)
{
	const unsigned char *c = p;

	while (n--)
		h = (h ^ *c++) * 0x100000001b3ULL;
	return h;
}

static uint64_t sig_name(uint64_t h, const char *name)
{
	uint32_t idx = if_nametoindex(name);

	h = fnv(h, name, strlen(name) + 1);
	return fnv(h, &idx, sizeof(idx));
}

/* Every configured name with the ifindex it has now. */
static uint64_t names_sig(const struct mgmd *d)
{
	uint64_t h = 0xcbf29ce484222325ULL;
	size_t i;
	uint32_t k;

	for (i = 0; i < d->tmpl.n_phy; i++)
		h = sig_name(h, d->tmpl.phy[i].name);
	for (i = 0; i < d->tmpl.n_routes; i++) {
		h = sig_name(h, d->tmpl.routes[i].iif_name);
		for (k = 0; k < d->tmpl.routes[i].r.n_oifs; k++)
			h = sig_name(h, d->tmpl.routes[i].oif_name[k]);
	}
	for (i = 0; i < d->n_extra; i++) {
		h = sig_name(h, d->extra[i].iif_name);
		for (k = 0; k < d->extra[i].r.n_oifs; k++)
			h = sig_name(h, d->extra[i].oif_name[k]);
	}
	return h;
}

static int name_attr(const struct nlattr *a, void *data)
{
	char *name = data;

	if (mnl_attr_get_type(a) == IFLA_IFNAME &&
	    !mnl_attr_validate(a, MNL_TYPE_NUL_STRING))
		snprintf(name, IF_NAMESIZE, "%s", mnl_attr_get_str(a));
	return MNL_CB_OK;
}

static void on_msg(struct mgmd *d, const struct nlmsghdr *nh, bool *relink)
{
	const struct ifinfomsg *ifm;
	char name[IF_NAMESIZE] = "";
	uint32_t idx;

	if ((nh->nlmsg_type != RTM_NEWLINK && nh->nlmsg_type != RTM_DELLINK) ||
	    nh->nlmsg_len < NLMSG_LENGTH(sizeof(*ifm)))
		return;
	ifm = mnl_nlmsg_get_payload(nh);
	if (ifm->ifi_index <= 0)
		return;
	idx = (uint32_t)ifm->ifi_index;
	mnl_attr_parse(nh, sizeof(*ifm), name_attr, name);
	if (nh->nlmsg_type == RTM_DELLINK) {
		/* External protocols first: their release may need IGMP,
		 * which the configuration's release stops there. */
		remote_if_gone(idx, name);
		/* The kernel dropped the device's VIF with it: the mirror
		 * takes the table again (the entries lose that oif, its
		 * ownership goes once unused). */
		if (d->km && kmirror_owns(d->km, idx))
			kmirror_resync(d->km);
		if (mgmd_if_used(d, idx))
			mgmd_relink(d, idx);
		/* Nothing may keep the number: a stranger may get it. */
		mgm_dp_if_del(d->dp, idx);
		*relink = true;
		return;
	}
	/* A new MAC or MTU: from the next copy on. */
	if (mgmd_if_used(d, idx))
		mgm_dp_if_refresh(d->dp, idx);
	/* A name an external protocol lost (told once; only if the name
	 * still means this interface: events may be stale). */
	if (name[0] && if_nametoindex(name) == idx)
		remote_if_appeared(idx, name);
	*relink = true;
}

static void on_input(void *arg, int fd, uint32_t events)
{
	struct mgmd *d = arg;
	struct mgmd_link *l = d->link;
	bool relink = false, overrun = false;
	char buf[32768] __attribute__((aligned(NLMSG_ALIGNTO)));
	struct sockaddr_nl sa;
	socklen_t salen;
	ssize_t n;
	uint64_t sig;
	char ifn[IF_NAMESIZE];
	size_t i;

	(void)events;
	for (;;) {
		const struct nlmsghdr *nh;
		size_t left;

		salen = sizeof(sa);
		n = recvfrom(fd, buf, sizeof(buf), MSG_DONTWAIT,
			     (struct sockaddr *)&sa, &salen);
		if (n < 0) {
			if (errno == ENOBUFS) { /* events lost: look again */
				overrun = true;
				continue;
			}
			break;
		}
		if (salen != sizeof(sa) || sa.nl_pid != 0)
			continue; /* not the kernel */
		for (nh = (const struct nlmsghdr *)buf, left = (size_t)n;
		     left >= sizeof(*nh) && nh->nlmsg_len >= sizeof(*nh) &&
		     nh->nlmsg_len <= left;) {
			size_t step = NLMSG_ALIGN(nh->nlmsg_len);

			on_msg(d, nh, &relink);
			if (step >= left)
				break;
			left -= step;
			nh = (const struct nlmsghdr *)((const char *)nh + step);
		}
	}
	if (overrun) {
		log_warn("rtnetlink: events lost, interfaces looked at again");
		remote_if_sweep();
		l->names_sig = 0;
		relink = true;
	}
	if (!relink)
		return;
	/* Only when a configured name now means another interface (or
	 * none): attaching the forwarder itself makes NEWLINK events. */
	sig = names_sig(d);
	if (sig == l->names_sig)
		return;
	/* A configured interface already gone, its DELLINK still to come:
	 * external protocols release it first, as on DELLINK. */
	for (i = 0; i < d->n_names; i++)
		if (d->names[i].ifindex &&
		    !if_indextoname(d->names[i].ifindex, ifn))
			remote_if_gone(d->names[i].ifindex, d->names[i].name);
	mgmd_relink(d, 0);
	l->names_sig = names_sig(d);
}

int mgmd_link_open(struct mgmd *d)
{
	struct mgmd_link *l = calloc(1, sizeof(*l));
	int err;

	if (!l)
		return -ENOMEM;
	l->nl = mnl_socket_open2(NETLINK_ROUTE, SOCK_CLOEXEC | SOCK_NONBLOCK);
	if (!l->nl || mnl_socket_bind(l->nl, RTMGRP_LINK, MNL_SOCKET_AUTOPID)) {
		err = -errno;
		goto fail;
	}
	err = loop_add(d->loop, mnl_socket_get_fd(l->nl), EPOLLIN, on_input, d);
	if (err)
		goto fail;
	d->link = l;
	return 0;
fail:
	if (l->nl)
		mnl_socket_close(l->nl);
	free(l);
	return err;
}

void mgmd_link_close(struct mgmd *d)
{
	if (!d->link)
		return;
	loop_del(d->loop, mnl_socket_get_fd(d->link->nl));
	mnl_socket_close(d->link->nl);
	free(d->link);
	d->link = NULL;
}
