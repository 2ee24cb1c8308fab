/* SPDX-License-Identifier: GPL-2.0 */
/*
 * fake_xproto.h - a recording family-neutral MGM protocol for the unit
 * tests: struct mgm_protocol_config_x callbacks that log one line each,
 * through the test's sink, and answer as told.  The same protocol serves
 * in-process (test_mgm_v6: mgm_register_protocol_x) and through
 * libmgmclient and remote.c (test_remote_x: mgmc_register_protocol_x).
 *
 * The lines ("S,G": mgm_addr_ntop of source and group):
 *   "NAME rpf S,G iif I up fam F route /P fam F hdr N"
 *   "NAME creation S,G iif I oifs 2 3"
 *   "NAME prune S,G if I del D"        "NAME join S,G upd U"
 *   "NAME wrong_if S,G if I hdr N vV"  (V: the header's IP version)
 *   "NAME local_join S,G if I"         "NAME local_leave S,G if I"
 *   "NAME disable_igmp I"              "NAME enable_igmp I"
 */
#ifndef MGM_TESTS_FAKE_XPROTO_H
#define MGM_TESTS_FAKE_XPROTO_H

#include <stdint.h>

#include "mgm/mgm.h"

struct xp {
	const char *name;
	mgm_handle_t h;
	void (*log)(const char *line); /* the sink of its lines */
	uint32_t rpf_iif; /* RPF answers this incoming interface, if set */
	uint32_t disable_oif; /* creation alerts disable it */
	uint32_t prune_timeout; /* prune alerts answer it, if set */
};

/* "S,G" into buf (128 bytes). */
const char *xp_sg(char *buf, const struct mgm_addr *s,
		  const struct mgm_addr *g);

/* The callbacks of p (every one) for families: register them. */
struct mgm_protocol_config_x xp_config(struct xp *p, const char *name,
				       void (*log)(const char *line),
				       uint32_t families);

#endif /* MGM_TESTS_FAKE_XPROTO_H */
