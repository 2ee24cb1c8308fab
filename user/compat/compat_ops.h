/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * compat_ops.h - the two instances behind <mgm.h> (include/mgm/compat):
 * libmgm in this process (mgm_*) or mgmd over its socket (mgmc_*).  Both
 * families have the same functions with the same arguments but the
 * first, so one list generates both backends and their tables.
 */
#ifndef MGM_COMPAT_OPS_H
#define MGM_COMPAT_OPS_H

#include "mgm/mgm.h"

/* X(name, (parameters), (arguments)); inst is the instance. */
#define COMPAT_FUNCS(X)                                                        \
	X(register_protocol,                                                   \
	  (void *inst, const struct mgm_protocol_config *cfg, uint32_t pid,    \
	   uint32_t cid, mgm_handle_t *h),                                     \
	  (inst, cfg, pid, cid, h))                                            \
	X(deregister_protocol, (void *inst, mgm_handle_t h), (inst, h))        \
	X(take_interface_ownership,                                            \
	  (void *inst, mgm_handle_t h, uint32_t ifi, uint32_t nh),             \
	  (inst, h, ifi, nh))                                                  \
	X(release_interface_ownership,                                         \
	  (void *inst, mgm_handle_t h, uint32_t ifi, uint32_t nh),             \
	  (inst, h, ifi, nh))                                                  \
	X(get_protocol_on_interface,                                           \
	  (void *inst, uint32_t ifi, uint32_t nh, uint32_t *pid,               \
	   uint32_t *cid),                                                     \
	  (inst, ifi, nh, pid, cid))                                           \
	X(add_group_membership_entry,                                          \
	  (void *inst, mgm_handle_t h, uint32_t s, uint32_t sm, uint32_t g,    \
	   uint32_t gm, uint32_t ifi, uint32_t nh, uint32_t fl),               \
	  (inst, h, s, sm, g, gm, ifi, nh, fl))                                \
	X(delete_group_membership_entry,                                       \
	  (void *inst, mgm_handle_t h, uint32_t s, uint32_t sm, uint32_t g,    \
	   uint32_t gm, uint32_t ifi, uint32_t nh, uint32_t fl),               \
	  (inst, h, s, sm, g, gm, ifi, nh, fl))                                \
	X(get_mfe,                                                             \
	  (void *inst, const struct mgm_ipmcast_mfe *k, uint32_t *sz,          \
	   uint8_t *b),                                                        \
	  (inst, k, sz, b))                                                    \
	X(get_first_mfe, (void *inst, uint32_t *sz, uint8_t *b, uint32_t *n),  \
	  (inst, sz, b, n))                                                    \
	X(get_next_mfe,                                                        \
	  (void *inst, const struct mgm_ipmcast_mfe *k, uint32_t *sz,          \
	   uint8_t *b, uint32_t *n),                                           \
	  (inst, k, sz, b, n))                                                 \
	X(get_mfe_stats,                                                       \
	  (void *inst, const struct mgm_ipmcast_mfe *k, uint32_t *sz,          \
	   uint8_t *b, uint32_t fl),                                           \
	  (inst, k, sz, b, fl))                                                \
	X(get_first_mfe_stats,                                                 \
	  (void *inst, uint32_t *sz, uint8_t *b, uint32_t *n, uint32_t fl),    \
	  (inst, sz, b, n, fl))                                                \
	X(get_next_mfe_stats,                                                  \
	  (void *inst, const struct mgm_ipmcast_mfe *k, uint32_t *sz,          \
	   uint8_t *b, uint32_t *n, uint32_t fl),                              \
	  (inst, k, sz, b, n, fl))                                             \
	X(set_mfe,                                                             \
	  (void *inst, mgm_handle_t h, const struct mgm_ipmcast_mfe *k),       \
	  (inst, h, k))                                                        \
	X(group_enumeration_start,                                             \
	  (void *inst, mgm_handle_t h, enum mgm_enum_type t, mgm_handle_t *e), \
	  (inst, h, t, e))                                                     \
	X(group_enumeration_get_next,                                          \
	  (void *inst, mgm_handle_t e, uint32_t *sz, uint8_t *b, uint32_t *n), \
	  (inst, e, sz, b, n))                                                 \
	X(group_enumeration_end, (void *inst, mgm_handle_t e), (inst, e))

struct compat_ops {
#define COMPAT_MEMBER(name, params, args) uint32_t(*name) params;
	COMPAT_FUNCS(COMPAT_MEMBER)
#undef COMPAT_MEMBER
};

/*
 * One backend: a wrapper COMPAT_NAME(name) per function, calling
 * COMPAT_PREFIX(name), and TABLE listing them (the including file
 * defines both macros).
 */
#define COMPAT_WRAP(name, params, args)          \
	static uint32_t COMPAT_NAME(name) params \
	{                                        \
		return COMPAT_PREFIX(name) args; \
	}
#define COMPAT_ENTRY(name, params, args) .name = COMPAT_NAME(name),
#define COMPAT_BACKEND(table)     \
	COMPAT_FUNCS(COMPAT_WRAP) \
	const struct compat_ops table = { COMPAT_FUNCS(COMPAT_ENTRY) };

extern const struct compat_ops compat_local_ops; /* compat_local.c */
extern const struct compat_ops compat_remote_ops; /* compat_remote.c */

/* Make o on instance the one of this process (compat.c); 0 or an MGM
 * error (ALREADY_EXISTS once one is in use). */
uint32_t compat_use(const struct compat_ops *o, void *instance);

#endif /* MGM_COMPAT_OPS_H */
