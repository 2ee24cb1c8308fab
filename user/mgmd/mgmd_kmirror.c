// SPDX-License-Identifier: GPL-2.0
/*
 * mgmd_kmirror.c - the kernel mirror (user/proto/kmirror.c) inside mgmd:
 * its netlink socket in the event loop, the fast path behind its
 * operations, its policy in front of MGM's datapath, and the
 * configuration line
 *
 *   mirror-kernel [table N] [keepalive MS|off]
 *
 * which starts it (SIGHUP applies changes: a new table restarts it, a new
 * keepalive is applied to every mirrored entry at once).
 *
 * It mirrors the families the kernel routes: ipmr's routes where it has
 * CONFIG_IP_MROUTE, ip6mr's where it has CONFIG_IPV6_MROUTE (probed at
 * every start; one missing is logged with the reason), and refuses the
 * line where it has neither.
 */
#include <errno.h>
#include <net/if_arp.h>
#include <stdio.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include "mgmd.h"

/* ---- what the mirror needs: the fast path -------------------------------- */

static int km_attach(void *ctx, uint32_t ifindex)
{
	struct mgmd *d = ctx;
	char ifn[IF_NAMESIZE];
	int err;

	/* Someone else's forwarder (a phyint line): use it, leave it. */
	if (mgm_dp_is_attached(ifindex) > 0) {
		mgm_dp_if_refresh(d->dp, ifindex);
		return 0;
	}
	err = mgm_dp_attach(d->dp, ifindex, MGM_DP_XDP_AUTO);
	if (err) {
		log_warn("kernel: attach %s: %s", mgmd_ifname(ifindex, ifn),
			 err == -EEXIST ? "another XDP program runs there" :
					  strerror(-err));
		return err;
	}
	mgm_dp_if_refresh(d->dp, ifindex);
	return 1;
}

static void km_detach(void *ctx, uint32_t ifindex)
{
	struct mgmd *d = ctx;

	mgm_dp_detach(d->dp, ifindex);
}

static int km_threshold(void *ctx, uint32_t ifindex, uint8_t ttl)
{
	struct mgmd *d = ctx;

	return mgm_dp_if_set(d->dp, ifindex, ttl);
}

/* Only Ethernet devices: not the PIM register VIF, not tunnels. */
static int km_usable(void *ctx, uint32_t ifindex)
{
	struct ifreq ifr;
	int fd, ret;

	(void)ctx;
	memset(&ifr, 0, sizeof(ifr));
	if (!if_indextoname(ifindex, ifr.ifr_name))
		return -ENODEV;
	fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	ret = ioctl(fd, SIOCGIFHWADDR, &ifr) ? -errno : 0;
	close(fd);
	if (ret)
		return ret;
	return ifr.ifr_hwaddr.sa_family == ARPHRD_ETHER;
}

/*
 * IPv4 entries with their flags (keepalive); IPv6 ones through the
 * datapath operations, which carry no flags (the layer has no IPv6 install
 * with flags yet): such an entry forwards without the keepalive, so the
 * kernel's counters of it move only on misses.
 */
static int km_install(void *ctx, const struct mgm_addr *source,
		      const struct mgm_addr *group, uint32_t iif,
		      const uint32_t *oifs, uint32_t n, uint16_t flags)
{
	struct mgmd *d = ctx;

	if (group->family == MGM_AF_INET)
		return mgm_dp_mfe_install_flags(d->dp, source->v4, group->v4,
						iif, oifs, n, flags);
	/* The keepalive flag too: the kernel's IPv6 counters stay alive. */
	return mgm_dp_mfe6_install_flags(d->dp,
					 (const struct in6_addr *)source->v6,
					 (const struct in6_addr *)group->v6,
					 iif, oifs, n, flags);
}

static int km_delete(void *ctx, const struct mgm_addr *source,
		     const struct mgm_addr *group)
{
	struct mgmd *d = ctx;

	return mgm_dp_ops()->mfe_delete(d->dp, source, group);
}

static void km_log(void *ctx, int level, const char *msg)
{
	(void)ctx;
	log_msg(level, "kernel: %s", msg);
}

static uint64_t km_now(void *ctx)
{
	(void)ctx;
	return mgm_dp_now_ns();
}

/* ---- MGM's datapath with the mirror's policy in front --------------------- */

/* Entries of a family the mirror does not mirror go straight through
 * (kmirror_mfe_install() answers 1 for them). */
int mgmd_kmirror_mfe_install(void *dp, const struct mgm_addr *source,
			     const struct mgm_addr *group, uint32_t iif,
			     const uint32_t *oifs, uint32_t n)
{
	int ret = 1;

	if (mgmd->km)
		ret = kmirror_mfe_install(mgmd->km, source, group, iif, oifs,
					  n);
	if (ret == 1)
		ret = mgm_dp_ops()->mfe_install(dp, source, group, iif, oifs,
						n);
	return ret;
}

struct poll_ctx {
	mgm_dp_event_cb cb;
	void *ctx;
};

/* Misses of flows the kernel routes on its own stay with the kernel. */
static void filter_event(void *arg, const struct mgm_dp_event *ev)
{
	const struct poll_ctx *p = arg;

	if (ev->type == MGM_DP_EV_MISS && mgmd->km &&
	    !kmirror_miss_wanted(mgmd->km, ev->ifindex, &ev->source, &ev->group,
				 ev->ts_ns))
		return;
	p->cb(p->ctx, ev);
}

int mgmd_kmirror_event_poll(void *dp, mgm_dp_event_cb cb, void *cb_ctx)
{
	struct poll_ctx p = { cb, cb_ctx };

	return mgm_dp_ops()->event_poll(dp, filter_event, &p);
}

/* ---- life cycle ----------------------------------------------------------- */

static void on_input(void *arg, int fd, uint32_t events)
{
	struct mgmd *d = arg;
	int err;

	(void)fd, (void)events;
	if (!d->km)
		return;
	err = kmirror_input(d->km);
	if (err)
		log_err("kernel: reading the kernel's routes: %s",
			strerror(-err));
}

static int start(struct mgmd *d, const struct cfg_kmirror *c, uint32_t families,
		 char *err, size_t len)
{
	const struct kmirror_ops ops = {
		.attach = km_attach,
		.detach = km_detach,
		.set_threshold = km_threshold,
		.if_usable = km_usable,
		.mfe_install = km_install,
		.mfe_delete = km_delete,
		.log = km_log,
		.now_ns = km_now,
		.ctx = d,
	};
	struct kmirror_opts o = {
		.table = c->table,
		.families = families,
		.no_keepalive = c->keepalive_ms == 0,
	};
	struct km_stats st;
	int ret;

	/* Before the first entry is installed with the flag. */
	mgm_dp_set_keepalive(
		d->dp, c->keepalive_ms > 0 ? (uint32_t)c->keepalive_ms : 0);
	ret = kmirror_create(d->m, &ops, &o, &d->km);
	if (!ret)
		ret = loop_add(d->loop, kmirror_fd(d->km), EPOLLIN, on_input,
			       d);
	if (ret) {
		snprintf(err, len, "mirror-kernel: %s",
			 ret == -EEXIST ? "already running" : strerror(-ret));
		kmirror_destroy(d->km);
		d->km = NULL;
		return ret;
	}
	kmirror_get_stats(d->km, &st);
	if (families == (MGM_FAMILY_IPV4 | MGM_FAMILY_IPV6))
		log_msg(LOG_NOTICE,
			"kernel: mirroring ipmr table %u and ip6mr table %u: "
			"%llu entries, %llu through XDP",
			kmirror_table(d->km), kmirror_table6(d->km),
			(unsigned long long)st.entries,
			(unsigned long long)st.mirrored);
	else
		log_msg(LOG_NOTICE,
			"kernel: mirroring %s table %u: %llu entries, "
			"%llu through XDP",
			families & MGM_FAMILY_IPV4 ? "ipmr" : "ip6mr",
			families & MGM_FAMILY_IPV4 ? kmirror_table(d->km) :
						     kmirror_table6(d->km),
			(unsigned long long)st.entries,
			(unsigned long long)st.mirrored);
	return 0;
}

uint32_t mgmd_kmirror_families(char *why4, char *why6, size_t len)
{
	uint32_t f = 0;

	if (mgm_feature_probe(MGM_FEAT_IPMR, why4, len) == 1)
		f |= MGM_FAMILY_IPV4;
	if (mgm_feature_probe(MGM_FEAT_IP6MR, why6, len) == 1)
		f |= MGM_FAMILY_IPV6;
	return f;
}

void mgmd_kmirror_stop(struct mgmd *d)
{
	if (!d->km)
		return;
	loop_del(d->loop, kmirror_fd(d->km));
	kmirror_destroy(d->km);
	d->km = NULL;
	log_msg(LOG_NOTICE, "kernel: mirror stopped, the kernel forwards all");
}

int mgmd_kmirror_apply(struct mgmd *d, const struct config *cur,
		       const struct config *next, char *err, size_t len)
{
	const struct cfg_kmirror *a = &cur->kmirror, *b = &next->kmirror;
	char why4[200] = "", why6[200] = "";
	uint32_t fam;

	if (!b->on) {
		mgmd_kmirror_stop(d);
		return 0;
	}
	/*
	 * Without the kernel's multicast routing no daemon can route, so
	 * there is nothing to mirror: refuse the line (at start and at
	 * reload, where what runs is kept), whatever else mgmd does.  With
	 * one family of it, that family is mirrored.
	 */
	fam = mgmd_kmirror_families(why4, why6, sizeof(why4));
	if (!fam) {
		snprintf(err, len, "%s:%d: mirror-kernel: %s; %s", next->path,
			 b->line, why4, why6);
		return -EOPNOTSUPP;
	}
	if (d->km && a->on && a->table == b->table &&
	    kmirror_families(d->km) == fam) {
		if (a->keepalive_ms != b->keepalive_ms) {
			mgm_dp_set_keepalive(d->dp,
					     b->keepalive_ms > 0 ?
						     (uint32_t)b->keepalive_ms :
						     0);
			kmirror_set_keepalive(d->km, b->keepalive_ms != 0);
		}
		return 0;
	}
	mgmd_kmirror_stop(d);
	if (!(fam & MGM_FAMILY_IPV4))
		log_warn("kernel: IPv4 multicast routes not mirrored: %s",
			 why4);
	if (!(fam & MGM_FAMILY_IPV6))
		log_warn("kernel: IPv6 multicast routes not mirrored: %s",
			 why6);
	return start(d, b, fam, err, len);
}
