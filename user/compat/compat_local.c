// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * compat_local.c - <mgm.h> on an in-process libmgm instance
 * (MgmCompatUseInstance).  Its own object file, so that a protocol that
 * only talks to mgmd does not link libmgm.
 */
#include "compat/compat_ops.h"

#define COMPAT_PREFIX(name) mgm_##name
#define COMPAT_NAME(name) local_##name
COMPAT_BACKEND(compat_local_ops)
#undef COMPAT_PREFIX
#undef COMPAT_NAME

#include "mgm/compat/mgm.h"

DWORD MgmCompatUseInstance(void *mgm_instance)
{
	return compat_use(&compat_local_ops, mgm_instance);
}
