// SPDX-License-Identifier: GPL-2.0
/*
 * fuzz_kmirror.c - the kernel mirror's netlink input (user/proto/
 * kmirror_nl.c and what it feeds: kmirror.c), through the entries its
 * socket reads use, as tests/unit/test_kmirror_netlink.c does:
 * kmirror_input_buf() for notifications (RTM_NEWROUTE / RTM_DELROUTE of
 * ipmr and ip6mr, RTM_NEWNETCONF of AF_INET and AF_INET6, RTM_DELLINK), kmirror_dump_input() for the
 * answer to a dump.  MGM runs on the unit tests' fake datapath; no
 * netlink socket is opened.
 *
 * Input: datagrams, each [kind][len: u16 little-endian][len bytes].
 * kind bit 0: 0 a notification, 1 a dump answer (expected seq 1, port
 * 0); bit 1: from a user process (port 4242) instead of the kernel.
 * Each datagram goes to its own 8-byte aligned buffer of exactly len
 * bytes, as recv() would leave it.  Then the mirror shuts down (the
 * seed) and everything is freed.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fake_dp.h"
#include "proto/kmirror.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct fake_dp *fdp;

static int h_attach(void *ctx, uint32_t ifindex)
{
	(void)ctx;
	return ifindex && ifindex < 64 ? 0 : -ENODEV;
}

static int h_usable(void *ctx, uint32_t ifindex)
{
	(void)ctx;
	return ifindex != 13;
}

static int h_install(void *ctx, const struct mgm_addr *s,
		     const struct mgm_addr *g, uint32_t iif,
		     const uint32_t *oifs, uint32_t n, uint16_t flags)
{
	(void)ctx, (void)flags;
	return fake_dp_ops.mfe_install(fdp, s, g, iif, oifs, n);
}

static int h_delete(void *ctx, const struct mgm_addr *s,
		    const struct mgm_addr *g)
{
	(void)ctx;
	return fake_dp_ops.mfe_delete(fdp, s, g);
}

static uint64_t h_now(void *ctx)
{
	(void)ctx;
	return fake_dp_now(fdp);
}

static void h_log(void *ctx, int level, const char *msg)
{
	(void)ctx, (void)level, (void)msg;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct mgm_datapath_ops ops;
	const struct kmirror_ops ko = {
		.attach = h_attach,
		.if_usable = h_usable,
		.mfe_install = h_install,
		.mfe_delete = h_delete,
		.log = h_log,
		.now_ns = h_now,
	};
	/* Both families: ipmr's and ip6mr's messages are heard. */
	struct kmirror_opts o = { .no_netlink = true,
				  .families = MGM_FAMILY_IPV4 |
					      MGM_FAMILY_IPV6 };
	struct mgm_options mo = { .dp_ops = &ops };
	struct kmirror *km = NULL;
	struct km_stats st;
	struct mgm *m = NULL;
	size_t off = 0;

	if (size > 1 << 18)
		return 0;
	fdp = fake_dp_new();
	if (!fdp)
		abort();
	fake_dp_set_quiet(fdp, true);
	ops = fake_dp_ops;
	mo.dp = fdp;
	if (mgm_create(&mo, &m))
		abort();
	fake_dp_add_route(fdp, A("192.0.2.0"), 24, 1, 0, 2);
	{
		struct mgm_addr p6 = A6("2001:db8::");

		fake_dp_add_route_x(fdp, &p6, 32, 1, 0, 2);
	}
	if (kmirror_create(m, &ko, &o, &km))
		abort();

	while (size - off >= 3) {
		uint8_t kind = data[off];
		size_t len = data[off + 1] | (size_t)data[off + 2] << 8;
		uint32_t sender = kind & 2 ? 4242 : 0;
		uint64_t *buf;
		bool intr = false;

		off += 3;
		if (len > size - off)
			len = size - off;
		buf = malloc(len ? len : 1);
		if (!buf)
			abort();
		memcpy(buf, data + off, len);
		off += len;
		if (kind & 1)
			kmirror_dump_input(km, buf, len, sender, 1, 0, &intr);
		else
			kmirror_input_buf(km, buf, len, sender);
		free(buf);
		mgm_dispatch(m);
	}
	kmirror_get_stats(km, &st);
	kmirror_destroy(km);
	mgm_destroy(m);
	fake_dp_free(fdp);
	fdp = NULL;
	return 0;
}
