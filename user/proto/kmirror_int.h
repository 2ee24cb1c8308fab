/* SPDX-License-Identifier: GPL-2.0 */
/*
 * kmirror_int.h - state shared by the files of the kernel mirror:
 * kmirror.c (the mirror and its MGM side), kmirror_policy.c (the datapath
 * policy, introspection) and kmirror_nl.c (netlink).
 */
#ifndef MGM_PROTO_KMIRROR_INT_H
#define MGM_PROTO_KMIRROR_INT_H

#include <stdbool.h>
#include <stdint.h>

#include "proto/kmirror.h"

#define KM_MAX_IFS 64 /* VIFs of one table (32), with room for churn */

struct km_if {
	uint32_t ifindex;
	uint32_t refs; /* mirrored entries using it (as iif or oif) */
	int usable; /* ops->if_usable(); -2: not asked yet */
	bool owned; /* we own it in MGM */
	bool attached; /* we attached the forwarder (detach on release) */
	int ttl; /* the fast path's threshold, while ttl_users */
	uint32_t ttl_users; /* mirrored entries using it as an oif */
	/* When we gave it back: misses the fast path reported before that
	 * (still in its ring) were the kernel's, not MGM's. */
	uint64_t released_ns;
};

struct km_ent {
	struct km_ent *next;
	struct km_mfc k; /* the kernel's entry as last reported */
	enum km_state state;
	const char *reason; /* KM_KERNEL: why */
	bool seen; /* resync mark */
	uint64_t since_ns;
};

struct kmirror {
	struct mgm *m;
	mgm_handle_t h;
	struct kmirror_ops ops;
	struct kmirror_opts o;
	uint32_t table, table6; /* ipmr's, ip6mr's */
	uint32_t families; /* MGM_FAMILY_* mirrored */
	bool keepalive;
	struct km_nl *nl;
	struct km_ent **tab;
	uint32_t mask, n;
	struct km_if ifs[KM_MAX_IFS];
	uint32_t n_ifs;
	/* (*,*) entries per family ([0] IPv4, [1] IPv6): that family's
	 * (*,G) entries then stay with the kernel. */
	uint32_t n_star_star[2];
	uint32_t n_stuck; /* entries held back by R_TTL or R_STATIC_TREE */
	bool reeval; /* a threshold or the (*,*) count changed */
	bool in_resync;
	struct km_stats st;
};

/* Internal names, kept out of the library's namespace. */
#define ent_find km_i_ent_find
#define route_of km_i_route_of
#define if_find km_i_if_find
#define eff_oifs km_i_eff_oifs
#define km_log km_i_log

struct km_ent *ent_find(struct kmirror *k, const struct mgm_addr *s,
			const struct mgm_addr *g);
/* The kernel's route for (S,G): the exact entry, else the (*,G) one. */
struct km_ent *route_of(struct kmirror *k, const struct mgm_addr *s,
			const struct mgm_addr *g);
/* Is a's family one kmirror mirrors? */
bool km_family_on(const struct kmirror *k, const struct mgm_addr *a);
struct km_if *if_find(struct kmirror *k, uint32_t ifindex);
/* The interfaces XDP sends c's copies out of. */
uint32_t eff_oifs(const struct km_mfc *c, struct km_oif *out);
void km_log(struct kmirror *k, int level, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* ---- netlink (kmirror_nl.c) ---------------------------------------------- */

struct km_nl;

/* What the notifications say, for the mirror to apply. */
struct km_nl_sink {
	void (*route)(void *arg, bool add, const struct km_mfc *mfc);
	/* A VIF (MIF) came or went (an interface's mc_forwarding changed). */
	void (*vif)(void *arg, uint16_t family, int32_t ifindex,
		    int32_t mc_forwarding);
	void (*link_gone)(void *arg, uint32_t ifindex);
	void *arg;
};

/* Two sockets: one subscribed to the groups of the families
 * (MGM_FAMILY_*), one for dumps. */
int km_nl_open(uint32_t families, struct km_nl **out);
void km_nl_close(struct km_nl *nl);
int km_nl_fd(const struct km_nl *nl);

#endif /* MGM_PROTO_KMIRROR_INT_H */
