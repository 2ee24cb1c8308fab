/* SPDX-License-Identifier: GPL-2.0 */
/*
 * fake_dp.h - an in-memory datapath for the MGM unit tests, and a
 * recording MGM protocol.
 *
 * The fake implements struct mgm_datapath_ops: it keeps the installed MFEs
 * (iif, sorted oifs, negative), counts every operation, and appends each
 * state-changing one to an event log as a string:
 *   "install 10.0.0.1,239.1.1.1 iif 2 oifs 3,4"
 *   "install 10.0.0.1,239.1.1.1 iif 2 negative"
 *   "delete 10.0.0.1,239.1.1.1"   "txoff 3"   "txon 3"   "sync"
 * The same log takes the test protocols' callbacks (fake_proto below), so
 * one sequence shows the exact interleaving of callbacks and datapath
 * changes.  Tests set counters, the clock and RPF routes, inject events
 * and make installs fail.  Every function is thread-safe.
 */
#ifndef MGM_TESTS_FAKE_DP_H
#define MGM_TESTS_FAKE_DP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <arpa/inet.h>

#include "mgm/mgm.h"
#include "mgm/mgm_datapath.h"

/* An IPv4 address in network byte order, from dotted-quad text. */
static inline uint32_t A(const char *s)
{
	struct in_addr a;

	return inet_pton(AF_INET, s, &a) == 1 ? a.s_addr : 0;
}

/* CHECK (tests/check.h) that an MGM call returns want, naming both. */
#define CHECK_ERR(call, want)                                      \
	do {                                                       \
		uint32_t got_ = (call), want_ = (want);            \
		CHECK(got_ == want_, "%s: got %s, want %s", #call, \
		      mgm_strerror(got_), mgm_strerror(want_));    \
	} while (0)

/* CHECK that the event log is exactly the arguments, then clear it. */
#define EXPECT_LOG(fd, ...)                                            \
	do {                                                           \
		const char *const exp_[] = { __VA_ARGS__ };            \
		CHECK(fake_log_expect(fd, exp_,                        \
				      sizeof(exp_) / sizeof(exp_[0])), \
		      "event log differs (see above)");                \
		fake_log_clear(fd);                                    \
	} while (0)

#define EXPECT_NO_LOG(fd)                                                   \
	do {                                                                \
		CHECK(fake_log_len(fd) == 0, "expected no events, got %zu", \
		      fake_log_len(fd));                                    \
		if (fake_log_len(fd))                                       \
			fake_log_dump(fd, "unexpected");                    \
		fake_log_clear(fd);                                         \
	} while (0)

#define SEC_NS 1000000000ULL

extern const struct mgm_datapath_ops fake_dp_ops;

struct fake_dp;

struct fake_mfe {
	uint32_t source, group; /* IPv4 (0 for IPv6) */
	struct mgm_addr xsource, xgroup; /* either family */
	uint32_t iif;
	uint32_t oifs[MGM_DP_MAX_OIFS];
	uint32_t n_oifs;
	bool negative;
};

struct fake_dp_counts {
	unsigned install, install_failed, del, del_missing, counters;
	unsigned tx_off, tx_on, sync, event_poll, rpf_lookup;
	unsigned if_release, install_noop;
	/* installs MGM should never make: unsorted or duplicate oifs, the
	 * iif among the oifs, more oifs than the fast path holds */
	unsigned bad_install;
};

struct fake_dp *fake_dp_new(void);
void fake_dp_free(struct fake_dp *fd);
/* mgm_create() with the fake and a log function that collects errors. */
struct mgm *fake_mgm_new(struct fake_dp *fd, uint32_t default_timeout);
/* The same with other options (dp_ops, dp and log are filled in). */
struct mgm *fake_mgm_new_opts(struct fake_dp *fd,
			      const struct mgm_options *base);

bool fake_dp_get(struct fake_dp *fd, uint32_t source, uint32_t group,
		 struct fake_mfe *out);
size_t fake_dp_num_mfes(struct fake_dp *fd);
/* "3,4", "negative" or "absent": the installed oifs of (S,G). */
const char *fake_dp_oifs(struct fake_dp *fd, uint32_t source, uint32_t group);
void fake_dp_counts(struct fake_dp *fd, struct fake_dp_counts *out);
bool fake_dp_tx_disabled(struct fake_dp *fd, uint32_t ifindex);

/* Settable counters of an installed MFE (-ENOENT if not installed). */
int fake_dp_set_counters(struct fake_dp *fd, uint32_t source, uint32_t group,
			 const struct mgm_dp_mfe_counters *c);
void fake_dp_set_now(struct fake_dp *fd, uint64_t ns);
void fake_dp_advance(struct fake_dp *fd, uint64_t ns);
uint64_t fake_dp_now(struct fake_dp *fd);

void fake_dp_inject(struct fake_dp *fd, const struct mgm_dp_event *ev);
void fake_dp_inject_miss(struct fake_dp *fd, uint32_t ifindex, uint32_t source,
			 uint32_t group);
void fake_dp_inject_wrong_if(struct fake_dp *fd, uint32_t ifindex,
			     uint32_t source, uint32_t group);
size_t fake_dp_pending(struct fake_dp *fd);
int fake_dp_event_fd(struct fake_dp *fd);

/* RPF: longest prefix match; prefix in network order. */
void fake_dp_add_route(struct fake_dp *fd, uint32_t prefix, int plen,
		       uint32_t ifindex, uint32_t nexthop, uint32_t protocol);
void fake_dp_clear_routes(struct fake_dp *fd);

/* The same, for addresses of either family. */
bool fake_dp_get_x(struct fake_dp *fd, const struct mgm_addr *source,
		   const struct mgm_addr *group, struct fake_mfe *out);
const char *fake_dp_oifs_x(struct fake_dp *fd, const struct mgm_addr *source,
			   const struct mgm_addr *group);
int fake_dp_set_counters_x(struct fake_dp *fd, const struct mgm_addr *source,
			   const struct mgm_addr *group,
			   const struct mgm_dp_mfe_counters *c);
void fake_dp_inject_miss_x(struct fake_dp *fd, uint32_t ifindex,
			   const struct mgm_addr *source,
			   const struct mgm_addr *group);
void fake_dp_inject_wrong_if_x(struct fake_dp *fd, uint32_t ifindex,
			       const struct mgm_addr *source,
			       const struct mgm_addr *group);
void fake_dp_add_route_x(struct fake_dp *fd, const struct mgm_addr *prefix,
			 int plen, uint32_t ifindex, uint32_t nexthop,
			 uint32_t protocol);

/* The fake's ops with IPv4 addresses (network order). */
static inline int fake_dp_install4(void *fd, uint32_t source, uint32_t group,
				   uint32_t iif, const uint32_t *oifs,
				   uint32_t n)
{
	struct mgm_addr s = mgm_addr4(source), g = mgm_addr4(group);

	return fake_dp_ops.mfe_install(fd, &s, &g, iif, oifs, n);
}

static inline int fake_dp_delete4(void *fd, uint32_t source, uint32_t group)
{
	struct mgm_addr s = mgm_addr4(source), g = mgm_addr4(group);

	return fake_dp_ops.mfe_delete(fd, &s, &g);
}

/* An IPv6 address from text (all zero if it does not parse). */
static inline struct mgm_addr A6(const char *s) {
	uint8_t b[16] = { 0 };

	if (inet_pton(AF_INET6, s, b) != 1)
		memset(b, 0, sizeof(b));
	return mgm_addr6(b);
}

/* The next count installs fail with err (count -1: all until reset 0). */
void fake_dp_fail_install(struct fake_dp *fd, int count, int err);
/* At most max entries (0: no limit): installing one more is -ENOSPC. */
void fake_dp_set_max_mfes(struct fake_dp *fd, size_t max);
/* Busy-wait this long in every state-changing op (a real dp's cost). */
void fake_dp_set_op_cost_ns(struct fake_dp *fd, uint64_t ns);
/* Stop logging datapath ops (big tables); callbacks still log. */
void fake_dp_set_quiet(struct fake_dp *fd, bool quiet);

/* The event log. */
void fake_log(struct fake_dp *fd, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
size_t fake_log_len(struct fake_dp *fd);
/* A copy of entry i (static buffer per thread), or "" past the end. */
const char *fake_log_at(struct fake_dp *fd, size_t i);
void fake_log_clear(struct fake_dp *fd);
/* Index of the first entry >= from equal to s, or -1. */
long fake_log_find(struct fake_dp *fd, const char *s, size_t from);
/* Entries that start with prefix. */
size_t fake_log_count(struct fake_dp *fd, const char *prefix);
/* Print the log to stderr (on failures). */
void fake_log_dump(struct fake_dp *fd, const char *why);
/*
 * Compare the log with exp[0..n): equal entries in order; an entry
 * "{a|b|c}" in exp matches the next k log entries as an unordered set
 * of a, b, c (for datapath changes made in hash order).  Prints the
 * difference on a mismatch.
 */
bool fake_log_expect(struct fake_dp *fd, const char *const *exp, size_t n);

/* Messages the MGM core logged at LOG_ERR or worse. */
size_t fake_errors(struct fake_dp *fd);
/* Bytes the fake allocates per installed MFE (memory measurements). */
size_t fake_dp_entry_size(void);

/* ------------------------------------------------------------------ */
/* A recording protocol                                                */

struct fake_proto;
typedef void (*fake_hook)(struct fake_proto *fp, const char *event,
			  uint32_t ifindex, uint32_t nexthop);

struct fake_proto {
	struct fake_dp *fd;
	struct mgm *m;
	mgm_handle_t h;
	const char *name;
	uint32_t protocol_id, component_id;
	bool quiet; /* do not log (thread stress) */

	/* RPF callback: overwrite these when set */
	bool rpf_set_iif;
	uint32_t rpf_iif, rpf_nh;
	bool rpf_set_upstream;
	uint32_t rpf_upstream;
	bool rpf_set_route;
	struct mgm_route_info rpf_route;
	/* what the RPF callback was given */
	uint32_t rpf_in_iif, rpf_in_nh, rpf_in_upstream, rpf_in_hdr_len;
	struct mgm_route_info rpf_in_route;

	/* creation alert: set enabled = 0 on these ifindexes */
	uint32_t disable_oifs[8];
	int n_disable_oifs;

	/* prune alert: write this timeout back (when set) */
	bool prune_set_timeout;
	uint32_t prune_timeout;

	/* called after every callback was logged (re-entrance tests) */
	fake_hook hook;
	void *user;

	/* callback counts (atomic) */
	unsigned n_rpf, n_creation, n_join, n_prune, n_wrong_if;
	unsigned n_local_join, n_local_leave, n_disable, n_enable;
};

/* A config whose callbacks all record into fp (ctx = fp). */
struct mgm_protocol_config fake_proto_config(struct fake_proto *fp);
/* Fill fp and register it; returns the MGM error code. */
uint32_t fake_proto_register(struct fake_proto *fp, struct fake_dp *fd,
			     struct mgm *m, const char *name,
			     uint32_t protocol_id, uint32_t component_id);
/* "*", "10.0.0.1", or "10.0.0.0/255.0.0.0": address with its mask. */
const char *fake_addr(char *buf, uint32_t addr, uint32_t mask);

#endif /* MGM_TESTS_FAKE_DP_H */
