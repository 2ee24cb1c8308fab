// SPDX-License-Identifier: GPL-2.0
/*
 * test_set_mfe_timeout.c - mgm_set_mfe_timeout(): how mgmd applies a prune
 * alert's answer that an external protocol sent after the callback
 * returned (issue 15, item 4).  Only the owner of the MFE's incoming
 * interface may; the new timeout counts from the MFE's last use and the
 * MFE then expires by it; bad handles and unknown MFEs change nothing.
 */
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "fake_dp.h"

#define PID1 0x40000001U
#define PID2 0x40000002U

static struct fake_dp *fd;
static struct mgm *m;
static struct fake_proto p1, p2;

static void setup(void)
{
	fd = fake_dp_new();
	m = fake_mgm_new_opts(fd, &(struct mgm_options){ 0 });
	if (!m)
		abort();
	fake_proto_register(&p1, fd, m, "P1", PID1, 1);
	fake_proto_register(&p2, fd, m, "P2", PID2, 1);
	mgm_take_interface_ownership(m, p1.h, 1, 0);
	mgm_take_interface_ownership(m, p2.h, 4, 0);
	fake_dp_add_route(fd, A("10.1.0.0"), 16, 1, 0, 2);
}

static void teardown(void)
{
	mgm_destroy(m);
	fake_dp_free(fd);
}

static uint32_t get_mfe(uint32_t s, uint32_t g, struct mgm_ipmcast_mfe *r)
{
	uint8_t buf[MGM_SIZEOF_MFE(16)];
	uint32_t size = sizeof(buf), ret;

	memset(r, 0, sizeof(*r));
	ret = mgm_get_mfe(m,
			  &(struct mgm_ipmcast_mfe){ .source = s, .group = g },
			  &size, buf);
	if (ret == MGM_NO_ERROR)
		memcpy(r, buf, sizeof(*r));
	return ret;
}

static void test_set_timeout(void)
{
	const uint32_t S = A("10.1.0.1"), G = A("239.1.1.1");
	struct mgm_dp_mfe_counters c = { 0 };
	struct mgm_ipmcast_mfe r;
	uint32_t t0;

	check_begin("mgm_set_mfe_timeout: the iif's owner sets it");
	setup();
	fake_dp_inject_miss(fd, 1, S, G);
	mgm_dispatch(m);
	CHECK_ERR(get_mfe(S, G, &r), MGM_NO_ERROR);
	t0 = r.timeout;
	CHECK_EQ(t0, 900, "MGM's default timeout");

	/* Refusals change nothing. */
	CHECK_ERR(mgm_set_mfe_timeout(m, p2.h, S, G, 5),
		  MGM_ERROR_INVALID_PARAMETER);
	CHECK_ERR(mgm_set_mfe_timeout(m, 0x1234, S, G, 5),
		  MGM_ERROR_INVALID_PARAMETER);
	CHECK_ERR(mgm_set_mfe_timeout(m, p1.h, A("10.1.0.2"), G, 5),
		  MGM_ERROR_NOT_FOUND);
	CHECK_ERR(mgm_set_mfe_timeout(NULL, p1.h, S, G, 5),
		  MGM_ERROR_INVALID_PARAMETER);
	CHECK_ERR(get_mfe(S, G, &r), MGM_NO_ERROR);
	CHECK_EQ(r.timeout, t0, "unchanged by the refusals");

	/* The owner: from the last use on, 5 s. */
	c.packets = 1;
	c.last_used_ns = fake_dp_now(fd);
	fake_dp_set_counters(fd, S, G, &c);
	CHECK_ERR(mgm_set_mfe_timeout(m, p1.h, S, G, 5), MGM_NO_ERROR);
	CHECK_ERR(get_mfe(S, G, &r), MGM_NO_ERROR);
	CHECK_EQ(r.timeout, 5, "timeout set");
	CHECK(mgm_timeout_ms(m) >= 0 && mgm_timeout_ms(m) <= 5000,
	      "the loop wakes for it: %d", mgm_timeout_ms(m));
	fake_dp_advance(fd, 4 * SEC_NS);
	mgm_dispatch(m);
	CHECK_ERR(get_mfe(S, G, &r), MGM_NO_ERROR);
	fake_dp_advance(fd, 2 * SEC_NS);
	mgm_dispatch(m);
	CHECK_ERR(get_mfe(S, G, &r), MGM_ERROR_NOT_FOUND);

	/* 0: it does not age. */
	fake_dp_inject_miss(fd, 1, S, G);
	mgm_dispatch(m);
	CHECK_ERR(mgm_set_mfe_timeout(m, p1.h, S, G, 0), MGM_NO_ERROR);
	fake_dp_advance(fd, 10000 * SEC_NS);
	mgm_dispatch(m);
	CHECK_ERR(get_mfe(S, G, &r), MGM_NO_ERROR);
	CHECK_EQ(r.timeout, 0, "does not age");
	teardown();
}

int main(void)
{
	test_set_timeout();
	return check_summary();
}
