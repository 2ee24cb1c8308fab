// SPDX-License-Identifier: GPL-2.0
/* remote.c - routing protocols in other processes (being written). */
#include "mgmd.h"

int remote_init(struct mgmd *d)
{
	(void)d;
	return 0;
}

void remote_fini(struct mgmd *d)
{
	(void)d;
}

void remote_message(struct conn *c, const struct mgm_ipc_hdr *h,
		    const void *payload, size_t len)
{
	(void)payload;
	(void)len;
	conn_send(c, MGM_IPC_ERROR, h->seq, MGM_ERROR_CAN_NOT_COMPLETE,
		  "external protocols are not available", 36);
}

void remote_conn_closed(struct conn *c)
{
	(void)c;
}
