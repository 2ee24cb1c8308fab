// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* compat_remote.c - <mgm.h> on mgmd, over its socket (libmgmclient). */
#include "compat/compat_ops.h"
#include "mgm/client.h"

#define COMPAT_PREFIX(name) mgmc_##name
#define COMPAT_NAME(name) remote_##name
COMPAT_BACKEND(compat_remote_ops)
#undef COMPAT_PREFIX
#undef COMPAT_NAME
