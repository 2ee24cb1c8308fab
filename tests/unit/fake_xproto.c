// SPDX-License-Identifier: GPL-2.0
/*
 * fake_xproto.c - the recording family-neutral protocol of the unit tests
 * (see fake_xproto.h).
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "fake_xproto.h"

static void xp_log(const struct xp *p, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void xp_log(const struct xp *p, const char *fmt, ...)
{
	char line[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	p->log(line);
}

const char *xp_sg(char *buf, const struct mgm_addr *s, const struct mgm_addr *g)
{
	char a[MGM_ADDRSTRLEN], b[MGM_ADDRSTRLEN];

	snprintf(buf, 128, "%s,%s", mgm_addr_ntop(s, a, sizeof(a)),
		 mgm_addr_ntop(g, b, sizeof(b)));
	return buf;
}

static uint32_t x_rpf(void *ctx, const struct mgm_addr *s,
		      const struct mgm_addr *g, uint32_t *iif, uint32_t *nh,
		      struct mgm_addr *up, uint32_t hdr_size,
		      const uint8_t *hdr, struct mgm_route_info_x *route)
{
	struct xp *p = ctx;
	char b[128];

	(void)nh, (void)hdr;
	xp_log(p, "%s rpf %s iif %u up fam %u route /%u fam %u hdr %u", p->name,
	       xp_sg(b, s, g), *iif, up->family, route->prefix_len,
	       route->network.family, hdr_size);
	if (p->rpf_iif) {
		*iif = p->rpf_iif;
		route->ifindex = p->rpf_iif;
	}
	return MGM_NO_ERROR;
}

static uint32_t x_creation(void *ctx, const struct mgm_addr *s,
			   const struct mgm_addr *g, uint32_t iif, uint32_t nh,
			   uint32_t n, struct mgm_if_entry *oifs)
{
	struct xp *p = ctx;
	char b[128], list[64] = "";
	uint32_t i;

	(void)nh;
	for (i = 0; i < n; i++) {
		snprintf(list + strlen(list), sizeof(list) - strlen(list),
			 " %u", oifs[i].ifindex);
		if (oifs[i].ifindex == p->disable_oif)
			oifs[i].enabled = 0;
	}
	xp_log(p, "%s creation %s iif %u oifs%s", p->name, xp_sg(b, s, g), iif,
	       list);
	return MGM_NO_ERROR;
}

static uint32_t x_prune(void *ctx, const struct mgm_addr *s,
			const struct mgm_addr *g, uint32_t ifindex, uint32_t nh,
			int32_t del, uint32_t *timeout)
{
	struct xp *p = ctx;
	char b[128];

	(void)nh;
	xp_log(p, "%s prune %s if %u del %d", p->name, xp_sg(b, s, g), ifindex,
	       del);
	if (p->prune_timeout)
		*timeout = p->prune_timeout;
	return MGM_NO_ERROR;
}

static uint32_t x_join(void *ctx, const struct mgm_addr *s,
		       const struct mgm_addr *g, int32_t upd)
{
	struct xp *p = ctx;
	char b[128];

	xp_log(p, "%s join %s upd %d", p->name, xp_sg(b, s, g), upd);
	return MGM_NO_ERROR;
}

static uint32_t x_wrong_if(void *ctx, const struct mgm_addr *s,
			   const struct mgm_addr *g, uint32_t ifindex,
			   uint32_t nh, uint32_t hdr_size, const uint8_t *hdr)
{
	struct xp *p = ctx;
	char b[128];

	(void)nh;
	xp_log(p, "%s wrong_if %s if %u hdr %u v%u", p->name, xp_sg(b, s, g),
	       ifindex, hdr_size, hdr_size ? hdr[0] >> 4 : 0);
	return MGM_NO_ERROR;
}

static uint32_t x_local(void *ctx, const char *what, const struct mgm_addr *s,
			const struct mgm_addr *g, uint32_t ifindex, uint32_t nh)
{
	struct xp *p = ctx;
	char b[128];

	(void)nh;
	xp_log(p, "%s %s %s if %u", p->name, what, xp_sg(b, s, g), ifindex);
	return MGM_NO_ERROR;
}

static uint32_t x_local_join(void *ctx, const struct mgm_addr *s,
			     const struct mgm_addr *g, uint32_t ifindex,
			     uint32_t nh)
{
	return x_local(ctx, "local_join", s, g, ifindex, nh);
}

static uint32_t x_local_leave(void *ctx, const struct mgm_addr *s,
			      const struct mgm_addr *g, uint32_t ifindex,
			      uint32_t nh)
{
	return x_local(ctx, "local_leave", s, g, ifindex, nh);
}

static uint32_t x_disable(void *ctx, uint32_t ifindex, uint32_t nh)
{
	struct xp *p = ctx;

	(void)nh;
	xp_log(p, "%s disable_igmp %u", p->name, ifindex);
	return MGM_NO_ERROR;
}

static uint32_t x_enable(void *ctx, uint32_t ifindex, uint32_t nh)
{
	struct xp *p = ctx;

	(void)nh;
	xp_log(p, "%s enable_igmp %u", p->name, ifindex);
	return MGM_NO_ERROR;
}

struct mgm_protocol_config_x xp_config(struct xp *p, const char *name,
				       void (*log)(const char *line),
				       uint32_t families)
{
	p->name = name;
	p->log = log;
	return (struct mgm_protocol_config_x){
		.families = families,
		.ctx = p,
		.rpf = x_rpf,
		.creation_alert = x_creation,
		.prune_alert = x_prune,
		.join_alert = x_join,
		.wrong_if = x_wrong_if,
		.local_join = x_local_join,
		.local_leave = x_local_leave,
		.disable_igmp = x_disable,
		.enable_igmp = x_enable,
	};
}
