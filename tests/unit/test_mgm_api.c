// SPDX-License-Identifier: GPL-2.0
/*
 * test_mgm_api.c - every MGM function's success and error paths, the
 * error names, and handle validation (stale, foreign, reused slots).
 */
#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "fake_dp.h"

#define PID_A 0x40000101U
#define PID_B 0x40000102U
#define IGMP MGM_MS_IP_IGMP

static struct fake_dp *fd;
static struct mgm *m;

static void setup(void)
{
	fd = fake_dp_new();
	m = fake_mgm_new(fd, 0);
	if (!m)
		abort();
}

static void teardown(void)
{
	mgm_destroy(m);
	fake_dp_free(fd);
	m = NULL;
	fd = NULL;
}

static void test_create(void)
{
	struct mgm_datapath_ops no_install = fake_dp_ops;
	struct mgm_options o = { 0 };
	struct mgm *x = (struct mgm *)&o;
	struct pollfd pfd;

	check_begin("create");
	CHECK_EQ(mgm_create(NULL, &x), -EINVAL, "NULL options");
	CHECK_EQ(mgm_create(&o, &x), -EINVAL, "no dp_ops");
	o.dp_ops = &fake_dp_ops;
	CHECK_EQ(mgm_create(&o, NULL), -EINVAL, "NULL out");
	no_install.mfe_install = NULL;
	o.dp_ops = &no_install;
	CHECK_EQ(mgm_create(&o, &x), -EINVAL, "dp_ops without mfe_install");

	setup();
	CHECK(mgm_fd(m) >= 0, "mgm_fd is an fd");
	CHECK_EQ(mgm_timeout_ms(m), -1, "no MFE: no timeout");
	CHECK_EQ(mgm_dispatch(m), 0, "nothing to dispatch");
	pfd = (struct pollfd){ .fd = mgm_fd(m), .events = POLLIN };
	CHECK_EQ(poll(&pfd, 1, 0), 0, "fd idle without events");
	fake_dp_inject_miss(fd, 1, A("10.0.0.1"), A("239.1.1.1"));
	CHECK_EQ(poll(&pfd, 1, 0), 1, "fd readable with a dp event pending");
	CHECK_EQ(mgm_dispatch(m), 1, "one event dispatched");
	CHECK_EQ(poll(&pfd, 1, 0), 0, "fd idle after dispatch");
	CHECK_EQ(mgm_timeout_ms(m), 900000, "next expiry in 900 s");
	teardown();
}

static void test_strerror(void)
{
	static const struct {
		uint32_t code;
		const char *name;
	} names[] = {
		{ MGM_NO_ERROR, "NO_ERROR" },
		{ MGM_ERROR_NOT_ENOUGH_MEMORY, "ERROR_NOT_ENOUGH_MEMORY" },
		{ MGM_ERROR_INVALID_PARAMETER, "ERROR_INVALID_PARAMETER" },
		{ MGM_ERROR_INSUFFICIENT_BUFFER, "ERROR_INSUFFICIENT_BUFFER" },
		{ MGM_ERROR_ALREADY_EXISTS, "ERROR_ALREADY_EXISTS" },
		{ MGM_ERROR_MORE_DATA, "ERROR_MORE_DATA" },
		{ MGM_ERROR_NO_MORE_ITEMS, "ERROR_NO_MORE_ITEMS" },
		{ MGM_ERROR_CAN_NOT_COMPLETE, "ERROR_CAN_NOT_COMPLETE" },
		{ MGM_ERROR_NOT_FOUND, "ERROR_NOT_FOUND" },
	};
	size_t i;

	check_begin("strerror");
	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		CHECK(!strcmp(mgm_strerror(names[i].code), names[i].name),
		      "%u -> %s", names[i].code, mgm_strerror(names[i].code));
	CHECK(!strcmp(mgm_strerror(42), "ERROR_42"), "unknown: %s",
	      mgm_strerror(42));
	CHECK_EQ(MGM_MS_IP_IGMP, 0x4137000A, "MS_IP_IGMP value");
}

static void test_register(void)
{
	struct mgm_protocol_config cfg = { 0 }, flags = { .callback_flags = 1 };
	mgm_handle_t h1 = 0, h2 = 0, h3 = 0, old;

	check_begin("register");
	setup();
	CHECK_ERR(mgm_register_protocol(NULL, &cfg, PID_A, 1, &h1),
		  MGM_ERROR_INVALID_PARAMETER);
	CHECK_ERR(mgm_register_protocol(m, NULL, PID_A, 1, &h1),
		  MGM_ERROR_INVALID_PARAMETER);
	CHECK_ERR(mgm_register_protocol(m, &cfg, PID_A, 1, NULL),
		  MGM_ERROR_INVALID_PARAMETER);
	CHECK_ERR(mgm_register_protocol(m, &flags, PID_A, 1, &h1),
		  MGM_ERROR_INVALID_PARAMETER);
	CHECK_ERR(mgm_register_protocol(m, &cfg, PID_A, 1, &h1), MGM_NO_ERROR);
	CHECK(h1 != 0, "handle is never 0");
	CHECK_ERR(mgm_register_protocol(m, &cfg, PID_A, 1, &h2),
		  MGM_ERROR_ALREADY_EXISTS);
	CHECK_ERR(mgm_register_protocol(m, &cfg, PID_A, 2, &h2), MGM_NO_ERROR);
	CHECK_ERR(mgm_register_protocol(m, &cfg, PID_B, 1, &h3), MGM_NO_ERROR);
	CHECK(h1 != h2 && h2 != h3 && h1 != h3, "distinct handles");

	CHECK_ERR(mgm_deregister_protocol(m, 0), MGM_ERROR_INVALID_PARAMETER);
	CHECK_ERR(mgm_deregister_protocol(m, h1 ^ 0x1000000),
		  MGM_ERROR_INVALID_PARAMETER); /* other generation */
	CHECK_ERR(mgm_deregister_protocol(m, h1 + 100),
		  MGM_ERROR_INVALID_PARAMETER); /* slot out of range */
	CHECK_ERR(mgm_deregister_protocol(NULL, h1),
		  MGM_ERROR_INVALID_PARAMETER);
	CHECK_ERR(mgm_deregister_protocol(m, h1), MGM_NO_ERROR);
	CHECK_ERR(mgm_deregister_protocol(m, h1), MGM_ERROR_INVALID_PARAMETER);

	/* The freed slot is reused: the old handle stays invalid. */
	old = h1;
	CHECK_ERR(mgm_register_protocol(m, &cfg, PID_A, 1, &h1), MGM_NO_ERROR);
	CHECK(h1 != old, "reused slot gets a new handle");
	CHECK((h1 & 0xffffff) == (old & 0xffffff), "same slot reused");
	CHECK_ERR(mgm_take_interface_ownership(m, old, 1, 0),
		  MGM_ERROR_INVALID_PARAMETER);
	CHECK_ERR(mgm_take_interface_ownership(m, h1, 1, 0), MGM_NO_ERROR);
	teardown();
}

static void test_foreign_handles(void)
{
	struct mgm_protocol_config cfg = { 0 };
	mgm_handle_t h1, h2, hold, e1;
	struct fake_dp *fd2 = fake_dp_new();
	struct mgm *m2 = fake_mgm_new(fd2, 0), *m3;

	check_begin("foreign handles");
	setup();
	CHECK_ERR(mgm_register_protocol(m, &cfg, PID_A, 1, &h1), MGM_NO_ERROR);
	CHECK_ERR(mgm_register_protocol(m2, &cfg, PID_A, 1, &h2), MGM_NO_ERROR);
	CHECK(h1 != h2, "same slot, different instances: different handles");
	CHECK_ERR(mgm_take_interface_ownership(m, h2, 1, 0),
		  MGM_ERROR_INVALID_PARAMETER);
	CHECK_ERR(mgm_take_interface_ownership(m2, h1, 1, 0),
		  MGM_ERROR_INVALID_PARAMETER);
	CHECK_ERR(mgm_deregister_protocol(m, h2), MGM_ERROR_INVALID_PARAMETER);
	CHECK_ERR(mgm_group_enumeration_start(m, h1, MGM_ANY_SOURCE, &e1),
		  MGM_NO_ERROR);
	CHECK_ERR(mgm_group_enumeration_end(m2, e1),
		  MGM_ERROR_INVALID_PARAMETER);
	/* Handles of each kind are not accepted as the other kind. */
	CHECK_ERR(mgm_group_enumeration_end(m, h1),
		  MGM_ERROR_INVALID_PARAMETER);
	CHECK_ERR(mgm_take_interface_ownership(m, e1, 1, 0),
		  MGM_ERROR_INVALID_PARAMETER);
	CHECK_ERR(mgm_group_enumeration_end(m, e1), MGM_NO_ERROR);

	/* A destroyed instance's handle on a new instance. */
	hold = h2;
	mgm_destroy(m2);
	m3 = fake_mgm_new(fd2, 0);
	CHECK_ERR(mgm_register_protocol(m3, &cfg, PID_A, 1, &h2), MGM_NO_ERROR);
	CHECK(h2 != hold, "a new instance issues new handles");
	CHECK_ERR(mgm_take_interface_ownership(m3, hold, 1, 0),
		  MGM_ERROR_INVALID_PARAMETER);
	CHECK_ERR(mgm_deregister_protocol(m3, hold),
		  MGM_ERROR_INVALID_PARAMETER);
	mgm_destroy(m3);
	fake_dp_free(fd2);
	teardown();
}

static void test_ownership(void)
{
	struct fake_proto a, b, ig, ig2;
	uint32_t pid = 0, cid = 0;

	check_begin("ownership");
	setup();
	CHECK_ERR(fake_proto_register(&a, fd, m, "A", PID_A, 1), MGM_NO_ERROR);
	CHECK_ERR(fake_proto_register(&b, fd, m, "B", PID_B, 1), MGM_NO_ERROR);
	CHECK_ERR(fake_proto_register(&ig, fd, m, "IGMP", IGMP, 1),
		  MGM_NO_ERROR);
	CHECK_ERR(fake_proto_register(&ig2, fd, m, "IGMP2", IGMP, 2),
		  MGM_NO_ERROR);

	CHECK_ERR(mgm_take_interface_ownership(m, 0, 1, 0),
		  MGM_ERROR_INVALID_PARAMETER);
	CHECK_ERR(mgm_take_interface_ownership(NULL, a.h, 1, 0),
		  MGM_ERROR_INVALID_PARAMETER);
	CHECK_ERR(mgm_take_interface_ownership(m, a.h, 0, 0),
		  MGM_ERROR_INVALID_PARAMETER);
	CHECK_ERR(mgm_get_protocol_on_interface(m, 1, 0, &pid, &cid),
		  MGM_ERROR_NOT_FOUND);
	CHECK_ERR(mgm_take_interface_ownership(m, a.h, 1, 0), MGM_NO_ERROR);
	CHECK_ERR(mgm_take_interface_ownership(m, a.h, 1, 0),
		  MGM_ERROR_ALREADY_EXISTS);
	CHECK_ERR(mgm_take_interface_ownership(m, b.h, 1, 0),
		  MGM_ERROR_ALREADY_EXISTS);
	/* Another next hop is another interface. */
	CHECK_ERR(mgm_take_interface_ownership(m, b.h, 1, A("10.9.9.9")),
		  MGM_NO_ERROR);
	CHECK_ERR(mgm_take_interface_ownership(m, ig.h, 1, 0), MGM_NO_ERROR);
	CHECK_ERR(mgm_take_interface_ownership(m, ig.h, 1, 0),
		  MGM_ERROR_ALREADY_EXISTS);
	CHECK_ERR(mgm_take_interface_ownership(m, ig2.h, 1, 0),
		  MGM_ERROR_ALREADY_EXISTS);

	CHECK_ERR(mgm_get_protocol_on_interface(m, 1, 0, NULL, &cid),
		  MGM_ERROR_INVALID_PARAMETER);
	CHECK_ERR(mgm_get_protocol_on_interface(m, 1, 0, &pid, NULL),
		  MGM_ERROR_INVALID_PARAMETER);
	CHECK_ERR(mgm_get_protocol_on_interface(m, 1, 0, &pid, &cid),
		  MGM_NO_ERROR);
	CHECK(pid == PID_A && cid == 1, "owner, not IGMP: %x/%u", pid, cid);
	CHECK_ERR(mgm_get_protocol_on_interface(m, 1, A("10.9.9.9"), &pid,
						&cid),
		  MGM_NO_ERROR);
	CHECK(pid == PID_B, "next-hop interface owner %x", pid);
	CHECK_ERR(mgm_take_interface_ownership(m, ig.h, 2, 0), MGM_NO_ERROR);
	CHECK_ERR(mgm_get_protocol_on_interface(m, 2, 0, &pid, &cid),
		  MGM_NO_ERROR);
	CHECK(pid == IGMP && cid == 1, "IGMP alone: %x/%u", pid, cid);
	/* A routing protocol may join IGMP on an interface. */
	CHECK_ERR(mgm_take_interface_ownership(m, b.h, 2, 0), MGM_NO_ERROR);
	CHECK_ERR(mgm_get_protocol_on_interface(m, 2, 0, &pid, &cid),
		  MGM_NO_ERROR);
	CHECK(pid == PID_B, "owner after taking from IGMP: %x", pid);

	/* Release: only what one owns. */
	CHECK_ERR(mgm_release_interface_ownership(m, a.h, 7, 0),
		  MGM_ERROR_INVALID_PARAMETER);
	CHECK_ERR(mgm_release_interface_ownership(m, b.h, 1, 0),
		  MGM_ERROR_INVALID_PARAMETER);
	CHECK_ERR(mgm_release_interface_ownership(m, ig2.h, 1, 0),
		  MGM_ERROR_INVALID_PARAMETER);
	CHECK_ERR(mgm_release_interface_ownership(m, 0, 1, 0),
		  MGM_ERROR_INVALID_PARAMETER);
	CHECK_ERR(mgm_release_interface_ownership(NULL, a.h, 1, 0),
		  MGM_ERROR_INVALID_PARAMETER);

	/* Deregister while owning: refused, nothing changed. */
	CHECK_ERR(mgm_deregister_protocol(m, a.h), MGM_ERROR_CAN_NOT_COMPLETE);
	CHECK_ERR(mgm_get_protocol_on_interface(m, 1, 0, &pid, &cid),
		  MGM_NO_ERROR);
	CHECK(pid == PID_A, "still owned by A");

	CHECK_ERR(mgm_release_interface_ownership(m, a.h, 1, 0), MGM_NO_ERROR);
	CHECK_ERR(mgm_release_interface_ownership(m, a.h, 1, 0),
		  MGM_ERROR_INVALID_PARAMETER);
	CHECK_ERR(mgm_get_protocol_on_interface(m, 1, 0, &pid, &cid),
		  MGM_NO_ERROR);
	CHECK(pid == IGMP, "IGMP left on if 1: %x", pid);
	CHECK_ERR(mgm_take_interface_ownership(m, b.h, 1, 0), MGM_NO_ERROR);
	CHECK_ERR(mgm_deregister_protocol(m, a.h), MGM_NO_ERROR);
	CHECK_ERR(mgm_release_interface_ownership(m, ig.h, 1, 0), MGM_NO_ERROR);
	CHECK_ERR(mgm_release_interface_ownership(m, b.h, 1, 0), MGM_NO_ERROR);
	CHECK_ERR(mgm_get_protocol_on_interface(m, 1, 0, &pid, &cid),
		  MGM_ERROR_NOT_FOUND);
	teardown();
}

static void test_membership_errors(void)
{
	const uint32_t S = A("10.0.0.1"), G = A("239.1.1.1"), M = 0xffffffffU;
	const uint32_t J = MGM_JOIN_STATE_FLAG, F = MGM_FORWARD_STATE_FLAG;
	struct fake_proto a, b, ig;
	mgm_handle_t h;

	check_begin("membership errors");
	setup();
	fake_proto_register(&a, fd, m, "A", PID_A, 1);
	fake_proto_register(&b, fd, m, "B", PID_B, 1);
	fake_proto_register(&ig, fd, m, "IGMP", IGMP, 1);
	h = a.h;
	mgm_take_interface_ownership(m, h, 1, 0);
	mgm_take_interface_ownership(m, b.h, 2, 0);
	mgm_take_interface_ownership(m, ig.h, 3, 0);

	CHECK_ERR(mgm_add_group_membership_entry(NULL, h, 0, 0, G, M, 1, 0, J),
		  MGM_ERROR_INVALID_PARAMETER);
	CHECK_ERR(mgm_add_group_membership_entry(m, 0, 0, 0, G, M, 1, 0, J),
		  MGM_ERROR_INVALID_PARAMETER);
	CHECK_ERR(mgm_add_group_membership_entry(m, h, 0, 0, G, M, 1, 0, 0),
		  MGM_ERROR_INVALID_PARAMETER);
	CHECK_ERR(mgm_add_group_membership_entry(m, h, 0, 0, G, M, 1, 0, 4),
		  MGM_ERROR_INVALID_PARAMETER);
	/* Malformed forms: ranges, non-class-D, half wildcards. */
	CHECK_ERR(mgm_add_group_membership_entry(m, h, S, 0, G, M, 1, 0, J),
		  MGM_ERROR_INVALID_PARAMETER);
	CHECK_ERR(mgm_add_group_membership_entry(m, h, S, A("255.255.255.0"), G,
						 M, 1, 0, J),
		  MGM_ERROR_INVALID_PARAMETER);
	CHECK_ERR(mgm_add_group_membership_entry(m, h, 0, M, G, M, 1, 0, J),
		  MGM_ERROR_INVALID_PARAMETER);
	CHECK_ERR(mgm_add_group_membership_entry(m, h, 0, 0, A("10.1.1.1"), M,
						 1, 0, J),
		  MGM_ERROR_INVALID_PARAMETER);
	CHECK_ERR(mgm_add_group_membership_entry(m, h, 0, 0, G,
						 A("255.255.255.0"), 1, 0, J),
		  MGM_ERROR_INVALID_PARAMETER);
	CHECK_ERR(mgm_add_group_membership_entry(m, h, 0, 0, G, 0, 1, 0, J),
		  MGM_ERROR_INVALID_PARAMETER);
	CHECK_ERR(mgm_add_group_membership_entry(m, h, 0, 0, 0, M, 1, 0, J),
		  MGM_ERROR_INVALID_PARAMETER);
	CHECK_ERR(mgm_add_group_membership_entry(m, h, S, M, 0, 0, 1, 0, J),
		  MGM_ERROR_INVALID_PARAMETER);
	/* Forward state needs an (S,G) and an existing MFE. */
	CHECK_ERR(mgm_add_group_membership_entry(m, h, 0, 0, G, M, 1, 0, F),
		  MGM_ERROR_INVALID_PARAMETER);
	CHECK_ERR(mgm_add_group_membership_entry(m, h, S, M, G, M, 1, 0, F),
		  MGM_ERROR_NOT_FOUND);
	CHECK_ERR(mgm_add_group_membership_entry(m, h, S, M, G, M, 1, 0, F | J),
		  MGM_ERROR_NOT_FOUND);
	CHECK_EQ(fake_log_len(fd), 0, "failed calls made no callbacks");
	/* Interfaces: unknown, another's, ifindex 0. */
	CHECK_ERR(mgm_add_group_membership_entry(m, h, 0, 0, G, M, 9, 0, J),
		  MGM_ERROR_NOT_FOUND);
	CHECK_ERR(mgm_add_group_membership_entry(m, h, 0, 0, G, M, 2, 0, J),
		  MGM_ERROR_INVALID_PARAMETER);
	CHECK_ERR(mgm_add_group_membership_entry(m, h, 0, 0, G, M, 3, 0, J),
		  MGM_ERROR_INVALID_PARAMETER);
	CHECK_ERR(mgm_add_group_membership_entry(m, h, 0, 0, G, M, 0, 0, J),
		  MGM_ERROR_INVALID_PARAMETER);
	CHECK_ERR(mgm_add_group_membership_entry(m, ig.h, 0, 0, G, M, 1, 0, J),
		  MGM_ERROR_INVALID_PARAMETER); /* IGMP not on if 1 */
	/* The valid forms. */
	CHECK_ERR(mgm_add_group_membership_entry(m, h, S, M, G, M, 1, 0, J),
		  MGM_NO_ERROR);
	CHECK_ERR(mgm_add_group_membership_entry(m, h, 0, 0, G, M, 1, 0, J),
		  MGM_NO_ERROR);
	CHECK_ERR(mgm_add_group_membership_entry(m, h, 0, 0, 0, 0, 1, 0, J),
		  MGM_NO_ERROR);
	CHECK_ERR(mgm_add_group_membership_entry(m, ig.h, 0, 0, G, M, 3, 0, J),
		  MGM_NO_ERROR);
	fake_log_clear(fd);
	CHECK_ERR(mgm_add_group_membership_entry(m, h, 0, 0, G, M, 1, 0, J),
		  MGM_NO_ERROR);
	CHECK_EQ(fake_log_len(fd), 0, "existing membership: no alerts");

	/* Delete. */
	CHECK_ERR(mgm_delete_group_membership_entry(m, h, 0, 0, G, M, 2, 0, J),
		  MGM_ERROR_INVALID_PARAMETER);
	CHECK_ERR(mgm_delete_group_membership_entry(m, h, 0, 0, G, M, 9, 0, J),
		  MGM_ERROR_NOT_FOUND);
	CHECK_ERR(mgm_delete_group_membership_entry(m, h, 0, 0, A("239.9.9.9"),
						    M, 1, 0, J),
		  MGM_ERROR_NOT_FOUND);
	CHECK_ERR(mgm_delete_group_membership_entry(m, h, S, M, G, M, 1, 0, F),
		  MGM_ERROR_NOT_FOUND);
	CHECK_ERR(mgm_delete_group_membership_entry(m, h, 0, 0, G, M, 1, 0, 8),
		  MGM_ERROR_INVALID_PARAMETER);
	CHECK_ERR(mgm_delete_group_membership_entry(m, 0, 0, 0, G, M, 1, 0, J),
		  MGM_ERROR_INVALID_PARAMETER);
	CHECK_ERR(mgm_delete_group_membership_entry(m, h, 0, 0, G, M, 1, 0, J),
		  MGM_NO_ERROR);
	CHECK_ERR(mgm_delete_group_membership_entry(m, h, 0, 0, G, M, 1, 0, J),
		  MGM_ERROR_NOT_FOUND);
	teardown();
}

static void test_mfe_api_errors(void)
{
	struct mgm_ipmcast_mfe key = { .source = A("10.0.0.1"),
				       .group = A("239.1.1.1") };
	uint8_t buf[512];
	uint32_t size = sizeof(buf), n = 7;
	struct fake_proto a;

	check_begin("mfe api errors");
	setup();
	fake_proto_register(&a, fd, m, "A", PID_A, 1);
	CHECK_ERR(mgm_get_mfe(m, &key, &size, buf), MGM_ERROR_NOT_FOUND);
	CHECK_ERR(mgm_get_mfe(m, NULL, &size, buf),
		  MGM_ERROR_INVALID_PARAMETER);
	CHECK_ERR(mgm_get_mfe(m, &key, NULL, buf), MGM_ERROR_INVALID_PARAMETER);
	CHECK_ERR(mgm_get_mfe(NULL, &key, &size, buf),
		  MGM_ERROR_INVALID_PARAMETER);
	CHECK_ERR(mgm_get_mfe_stats(m, &key, &size, buf, MGM_MFE_STATS_0),
		  MGM_ERROR_NOT_FOUND);
	CHECK_ERR(mgm_get_mfe_stats(m, &key, &size, buf, 0),
		  MGM_ERROR_INVALID_PARAMETER);
	CHECK_ERR(mgm_get_mfe_stats(m, &key, &size, buf, 3),
		  MGM_ERROR_INVALID_PARAMETER);
	CHECK_ERR(mgm_get_first_mfe(m, &size, buf, NULL),
		  MGM_ERROR_INVALID_PARAMETER);
	CHECK_ERR(mgm_get_first_mfe(m, NULL, buf, &n),
		  MGM_ERROR_INVALID_PARAMETER);
	CHECK_ERR(mgm_get_first_mfe(m, &size, NULL, &n),
		  MGM_ERROR_INVALID_PARAMETER); /* NULL buffer, size > 0 */
	CHECK_ERR(mgm_get_next_mfe(m, NULL, &size, buf, &n),
		  MGM_ERROR_INVALID_PARAMETER);
	CHECK_ERR(mgm_get_first_mfe_stats(m, &size, buf, &n, 4),
		  MGM_ERROR_INVALID_PARAMETER);
	CHECK_ERR(mgm_get_next_mfe_stats(m, &key, &size, buf, &n, 0),
		  MGM_ERROR_INVALID_PARAMETER);
	CHECK_ERR(mgm_get_first_mfe(m, &size, buf, &n),
		  MGM_ERROR_NO_MORE_ITEMS);
	CHECK_EQ(n, 0, "empty table: no entries");
	CHECK_EQ(size, sizeof(buf), "size untouched unless insufficient");
	CHECK_ERR(mgm_set_mfe(m, a.h, &key), MGM_ERROR_NOT_FOUND);
	CHECK_ERR(mgm_set_mfe(m, 0, &key), MGM_ERROR_INVALID_PARAMETER);
	CHECK_ERR(mgm_set_mfe(m, a.h, NULL), MGM_ERROR_INVALID_PARAMETER);

	/* set_mfe changes the upstream neighbour, nothing else. */
	mgm_take_interface_ownership(m, a.h, 1, 0);
	fake_dp_inject_miss(fd, 1, key.source, key.group);
	mgm_dispatch(m);
	key.upstream = A("10.1.1.254");
	key.in_ifindex = 9;
	key.timeout = 5;
	CHECK_ERR(mgm_set_mfe(m, a.h, &key), MGM_NO_ERROR);
	size = sizeof(buf);
	CHECK_ERR(mgm_get_mfe(m, &key, &size, buf), MGM_NO_ERROR);
	{
		struct mgm_ipmcast_mfe r;

		memcpy(&r, buf, sizeof(r));
		CHECK(r.upstream == A("10.1.1.254"), "upstream set");
		CHECK_EQ(r.in_ifindex, 1, "iif unchanged");
		CHECK_EQ(r.timeout, 900, "timeout unchanged (default 900)");
	}
	teardown();
}

/* MgmGetMfe's route fields of (source, 239.1.1.1). */
static struct mgm_ipmcast_mfe route_rec(uint32_t source)
{
	struct mgm_ipmcast_mfe r = { .source = source,
				     .group = A("239.1.1.1") };
	uint8_t buf[512];
	uint32_t size = sizeof(buf);

	CHECK_ERR(mgm_get_mfe(m, &r, &size, buf), MGM_NO_ERROR);
	memcpy(&r, buf, sizeof(r));
	return r;
}

/*
 * MFEs reached by one route share its record inside MGM: setting one's
 * upstream (MgmSetMfe) leaves the others' and its own route as they were.
 */
static void test_set_mfe_shared_route(void)
{
	struct mgm_ipmcast_mfe key = { .source = A("10.0.0.1"),
				       .group = A("239.1.1.1") },
			       r;
	struct fake_proto a;

	check_begin("set_mfe on one MFE of a shared route");
	setup();
	fake_proto_register(&a, fd, m, "A", PID_A, 1);
	mgm_take_interface_ownership(m, a.h, 1, 0);
	fake_dp_add_route(fd, A("10.0.0.0"), 8, 1, A("10.9.9.9"), 7);
	fake_dp_inject_miss(fd, 1, A("10.0.0.1"), key.group);
	fake_dp_inject_miss(fd, 1, A("10.0.0.2"), key.group);
	mgm_dispatch(m);
	r = route_rec(A("10.0.0.1"));
	CHECK(r.upstream == A("10.9.9.9"), "upstream from the route");
	CHECK(r.route_network == A("10.0.0.0") &&
		      r.route_mask == A("255.0.0.0") && r.route_protocol == 7,
	      "route recorded");
	key.upstream = A("10.1.1.254");
	CHECK_ERR(mgm_set_mfe(m, a.h, &key), MGM_NO_ERROR);
	r = route_rec(A("10.0.0.1"));
	CHECK(r.upstream == A("10.1.1.254"), "upstream set");
	CHECK(r.route_network == A("10.0.0.0") &&
		      r.route_mask == A("255.0.0.0") && r.route_protocol == 7,
	      "its route unchanged");
	r = route_rec(A("10.0.0.2"));
	CHECK(r.upstream == A("10.9.9.9") && r.route_network == A("10.0.0.0") &&
		      r.route_protocol == 7,
	      "the other MFE's record unchanged");
	key.upstream = A("10.9.9.9");
	CHECK_ERR(mgm_set_mfe(m, a.h, &key), MGM_NO_ERROR);
	r = route_rec(A("10.0.0.1"));
	CHECK(r.upstream == A("10.9.9.9") && r.route_protocol == 7, "set back");
	CHECK_ERR(mgm_delete_mfe(m, a.h, A("10.0.0.2"), key.group),
		  MGM_NO_ERROR);
	r = route_rec(A("10.0.0.1"));
	CHECK(r.upstream == A("10.9.9.9") && r.route_mask == A("255.0.0.0"),
	      "kept when the other MFE goes");
	teardown();
}

static void test_group_enum_api(void)
{
	struct fake_proto a;
	mgm_handle_t e = 0;
	uint8_t buf[64];
	uint32_t size = sizeof(buf), n = 0;

	check_begin("group enumeration api");
	setup();
	fake_proto_register(&a, fd, m, "A", PID_A, 1);
	CHECK_ERR(mgm_group_enumeration_start(m, 0, MGM_ANY_SOURCE, &e),
		  MGM_ERROR_INVALID_PARAMETER);
	CHECK_ERR(mgm_group_enumeration_start(m, a.h, MGM_ANY_SOURCE, NULL),
		  MGM_ERROR_INVALID_PARAMETER);
	CHECK_ERR(mgm_group_enumeration_start(m, a.h, (enum mgm_enum_type)2,
					      &e),
		  MGM_ERROR_INVALID_PARAMETER);
	CHECK_ERR(mgm_group_enumeration_start(m, a.h, MGM_ALL_SOURCES, &e),
		  MGM_NO_ERROR);
	CHECK(e != 0, "enum handle non-zero");
	CHECK_ERR(mgm_group_enumeration_get_next(m, e, NULL, buf, &n),
		  MGM_ERROR_INVALID_PARAMETER);
	CHECK_ERR(mgm_group_enumeration_get_next(m, e, &size, buf, NULL),
		  MGM_ERROR_INVALID_PARAMETER);
	CHECK_ERR(mgm_group_enumeration_get_next(m, 0, &size, buf, &n),
		  MGM_ERROR_INVALID_PARAMETER);
	CHECK_ERR(mgm_group_enumeration_get_next(m, e, &size, buf, &n),
		  MGM_ERROR_NO_MORE_ITEMS);
	CHECK_EQ(n, 0, "nothing joined");
	CHECK_ERR(mgm_group_enumeration_end(m, e), MGM_NO_ERROR);
	CHECK_ERR(mgm_group_enumeration_end(m, e), MGM_ERROR_INVALID_PARAMETER);
	CHECK_ERR(mgm_group_enumeration_get_next(m, e, &size, buf, &n),
		  MGM_ERROR_INVALID_PARAMETER);

	/* Deregistration frees the protocol's open enumerations. */
	CHECK_ERR(mgm_group_enumeration_start(m, a.h, MGM_ANY_SOURCE, &e),
		  MGM_NO_ERROR);
	CHECK_ERR(mgm_deregister_protocol(m, a.h), MGM_NO_ERROR);
	CHECK_ERR(mgm_group_enumeration_get_next(m, e, &size, buf, &n),
		  MGM_ERROR_INVALID_PARAMETER);
	CHECK_ERR(mgm_group_enumeration_end(m, e), MGM_ERROR_INVALID_PARAMETER);
	teardown();
}

/* IGMP calls from inside its own disable/enable callbacks. */
static uint32_t hook_ret_add, hook_ret_add_other, hook_ret_del;
static uint32_t hook_ret_release, hook_ret_take, hook_ret_owner;

static void igmp_hook(struct fake_proto *fp, const char *ev, uint32_t ifindex,
		      uint32_t nexthop)
{
	const uint32_t G = A("239.1.1.1"), M = 0xffffffffU;
	uint32_t pid, cid;

	if (!strcmp(ev, "disable_igmp")) {
		hook_ret_del = mgm_delete_group_membership_entry(
			fp->m, fp->h, 0, 0, G, M, ifindex, nexthop,
			MGM_JOIN_STATE_FLAG);
		hook_ret_release = mgm_release_interface_ownership(
			fp->m, fp->h, ifindex, nexthop);
		hook_ret_owner = mgm_get_protocol_on_interface(
			fp->m, ifindex, nexthop, &pid, &cid);
	} else if (!strcmp(ev, "enable_igmp")) {
		hook_ret_add = mgm_add_group_membership_entry(
			fp->m, fp->h, 0, 0, G, M, ifindex, nexthop,
			MGM_JOIN_STATE_FLAG);
		hook_ret_add_other = mgm_add_group_membership_entry(
			fp->m, fp->h, 0, 0, G, M, 5, 0, MGM_JOIN_STATE_FLAG);
	}
}

static struct fake_proto *owner_for_hook;

static void owner_hook(struct fake_proto *fp, const char *ev, uint32_t ifindex,
		       uint32_t nexthop)
{
	(void)fp;
	if (!strcmp(ev, "disable_igmp"))
		hook_ret_take = mgm_release_interface_ownership(
			owner_for_hook->m, owner_for_hook->h, ifindex, nexthop);
}

static void test_igmp_reentrance(void)
{
	struct fake_proto a, ig;
	const uint32_t G = A("239.1.1.1"), M = 0xffffffffU;

	check_begin("IGMP calls inside disable/enable");
	setup();
	fake_proto_register(&a, fd, m, "A", PID_A, 1);
	fake_proto_register(&ig, fd, m, "IGMP", IGMP, 1);
	mgm_take_interface_ownership(m, ig.h, 1, 0);
	mgm_take_interface_ownership(m, ig.h, 5, 0);
	mgm_add_group_membership_entry(m, ig.h, 0, 0, G, M, 1, 0,
				       MGM_JOIN_STATE_FLAG);
	ig.hook = igmp_hook;
	CHECK_ERR(mgm_take_interface_ownership(m, a.h, 1, 0), MGM_NO_ERROR);
	CHECK_EQ(ig.n_disable, 1, "disable called");
	CHECK_EQ(ig.n_enable, 1, "enable called");
	CHECK_ERR(hook_ret_del, MGM_ERROR_CAN_NOT_COMPLETE);
	CHECK_ERR(hook_ret_release, MGM_ERROR_CAN_NOT_COMPLETE);
	CHECK_ERR(hook_ret_owner, MGM_NO_ERROR); /* reads still work */
	CHECK_ERR(hook_ret_add, MGM_ERROR_CAN_NOT_COMPLETE);
	CHECK_ERR(hook_ret_add_other, MGM_NO_ERROR);
	/* Deferred, after enable returned: accepted. */
	ig.hook = NULL;
	CHECK_ERR(mgm_add_group_membership_entry(m, ig.h, 0, 0, G, M, 1, 0,
						 MGM_JOIN_STATE_FLAG),
		  MGM_NO_ERROR);

	/* The owner cannot release again while its release is in flight. */
	owner_for_hook = &a;
	ig.hook = owner_hook;
	CHECK_ERR(mgm_release_interface_ownership(m, a.h, 1, 0), MGM_NO_ERROR);
	CHECK_ERR(hook_ret_take, MGM_ERROR_CAN_NOT_COMPLETE);
	teardown();
}

static int count_cb(void *arg, const struct mgm_protocol_info *p)
{
	int *n = arg;

	(*n)++;
	return p->num_interfaces == 99 ? 1 : 0;
}

struct if_list {
	struct mgm_interface_info v[8];
	int n;
};

static int if_cb(void *arg, const struct mgm_interface_info *i)
{
	struct if_list *l = arg;

	if (l->n < 8)
		l->v[l->n++] = *i;
	return 0;
}

struct memb_list {
	struct mgm_membership_info v[8];
	int n;
};

static int memb_cb(void *arg, const struct mgm_membership_info *i)
{
	struct memb_list *l = arg;

	if (l->n < 8)
		l->v[l->n++] = *i;
	return l->n == 2 ? 7 : 0;
}

static struct mgm_protocol_info pinfo[4];
static int npinfo;

static int pinfo_cb(void *arg, const struct mgm_protocol_info *p)
{
	(void)arg;
	if (npinfo < 4)
		pinfo[npinfo++] = *p;
	return 0;
}

static void test_introspection(void)
{
	const uint32_t G = A("239.1.1.1"), M = 0xffffffffU;
	struct memb_list ml = { 0 };
	struct if_list il = { 0 };
	struct mgm_stats st;
	struct fake_proto a, ig;
	int n = 0;

	check_begin("introspection");
	setup();
	fake_proto_register(&a, fd, m, "A", PID_A, 3);
	fake_proto_register(&ig, fd, m, "IGMP", IGMP, 1);
	mgm_take_interface_ownership(m, a.h, 2, 0);
	mgm_take_interface_ownership(m, a.h, 1, 0);
	mgm_take_interface_ownership(m, ig.h, 1, 0);
	mgm_add_group_membership_entry(m, a.h, 0, 0, G, M, 2, 0,
				       MGM_JOIN_STATE_FLAG);
	mgm_add_group_membership_entry(m, ig.h, A("10.0.0.1"), M, G, M, 1, 0,
				       MGM_JOIN_STATE_FLAG);
	mgm_add_group_membership_entry(m, ig.h, 0, 0, G, M, 1, 0,
				       MGM_JOIN_STATE_FLAG);

	CHECK_EQ(mgm_foreach_protocol(m, count_cb, &n), 0, "foreach rc");
	CHECK_EQ(n, 2, "two protocols");
	CHECK_EQ(mgm_foreach_protocol(m, pinfo_cb, NULL), 0, "foreach rc");
	CHECK(npinfo == 2 && pinfo[0].handle == a.h &&
		      pinfo[0].protocol_id == PID_A &&
		      pinfo[0].component_id == 3 &&
		      pinfo[0].num_interfaces == 2 &&
		      pinfo[0].num_memberships == 1,
	      "protocol A info");
	CHECK(pinfo[1].protocol_id == IGMP && pinfo[1].num_interfaces == 1 &&
		      pinfo[1].num_memberships == 2,
	      "IGMP info");
	CHECK_EQ(mgm_foreach_interface(m, if_cb, &il), 0, "foreach rc");
	CHECK_EQ(il.n, 2, "two interfaces");
	CHECK(il.v[0].ifindex == 1 && il.v[0].owner_protocol_id == PID_A &&
		      il.v[0].owner_component_id == 3 && il.v[0].igmp &&
		      il.v[0].igmp_component_id == 1,
	      "if 1 shared with IGMP");
	CHECK(il.v[1].ifindex == 2 && !il.v[1].igmp, "if 2 without IGMP");
	CHECK_EQ(mgm_foreach_membership(m, memb_cb, &ml), 7,
		 "stops early with fn's value");
	CHECK_EQ(ml.n, 2, "stopped after two");
	CHECK(ml.v[0].ifindex == 1 && ml.v[0].protocol_id == IGMP &&
		      ml.v[0].source == 0 && ml.v[0].group == G &&
		      ml.v[0].group_mask == M,
	      "first membership, sorted by interface then group/source");
	CHECK(ml.v[1].ifindex == 1 && ml.v[1].source == A("10.0.0.1") &&
		      ml.v[1].source_mask == M,
	      "second membership");
	CHECK_EQ(mgm_foreach_protocol(m, NULL, NULL), -EINVAL, "NULL fn");

	fake_dp_inject_miss(fd, 3, A("10.0.0.1"), G);
	fake_dp_inject_wrong_if(fd, 3, A("10.0.0.1"), G);
	mgm_dispatch(m);
	mgm_get_stats(m, &st);
	CHECK_EQ(st.events, 2, "events");
	CHECK_EQ(st.mfes_created, 1, "created");
	CHECK_EQ(st.mfes_deleted, 0, "deleted");
	CHECK(st.callbacks >= 2, "callbacks counted: %llu",
	      (unsigned long long)st.callbacks);
	teardown();
}

static uint32_t reentrant_dispatch_ret = 99;

static void dispatch_hook(struct fake_proto *fp, const char *ev, uint32_t i,
			  uint32_t nh)
{
	(void)i;
	(void)nh;
	if (!strcmp(ev, "rpf"))
		reentrant_dispatch_ret = (uint32_t)mgm_dispatch(fp->m);
}

static void test_dispatch_reentrant(void)
{
	struct fake_proto a;

	check_begin("dispatch from a callback");
	setup();
	fake_proto_register(&a, fd, m, "A", PID_A, 1);
	mgm_take_interface_ownership(m, a.h, 1, 0);
	a.hook = dispatch_hook;
	fake_dp_inject_miss(fd, 1, A("10.0.0.1"), A("239.1.1.1"));
	CHECK_EQ(mgm_dispatch(m), 1, "outer dispatch");
	CHECK_EQ(reentrant_dispatch_ret, 0, "inner dispatch returns at once");
	CHECK(fake_dp_get(fd, A("10.0.0.1"), A("239.1.1.1"), NULL),
	      "MFE installed");
	teardown();
}

int main(void)
{
	test_create();
	test_strerror();
	test_register();
	test_foreign_handles();
	test_ownership();
	test_membership_errors();
	test_mfe_api_errors();
	test_set_mfe_shared_route();
	test_group_enum_api();
	test_igmp_reentrance();
	test_introspection();
	test_dispatch_reentrant();
	return check_summary();
}
