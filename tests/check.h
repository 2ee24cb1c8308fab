/* SPDX-License-Identifier: GPL-2.0 */
/*
 * check.h - the tiny assertion harness every C test uses.
 *
 * CHECK(cond, fmt, ...) records one pass or one failure (printing the
 * failure with file and line), and check_summary() prints the final
 * "N passed, N failed, N skipped" line that tests/run.sh adds up, returning
 * the exit status.  Tests keep running after a failure so one run shows
 * them all.  A part that cannot run on this machine (a kernel feature, a
 * package) calls check_skip(), which prints "SKIP name: reason" and counts
 * one skip: never a pass, never a failure.
 */
#ifndef MGM_TESTS_CHECK_H
#define MGM_TESTS_CHECK_H

#include <stdio.h>
#include <stdlib.h>

static int check_passed, check_failed, check_skipped;
static const char *check_section = "";

#define CHECK(cond, ...)                                              \
	do {                                                          \
		if (cond) {                                           \
			check_passed++;                               \
		} else {                                              \
			check_failed++;                               \
			fprintf(stderr, "FAIL %s:%d [%s] ", __FILE__, \
				__LINE__, check_section);             \
			fprintf(stderr, __VA_ARGS__);                 \
			fputc('\n', stderr);                          \
		}                                                     \
	} while (0)

/* Evaluates a and b once each (they may be calls with side effects). */
#define CHECK_EQ(a, b, what)                                                 \
	do {                                                                 \
		long long check_a_ = (long long)(a);                         \
		long long check_b_ = (long long)(b);                         \
		CHECK(check_a_ == check_b_, "%s: got %lld, want %lld", what, \
		      check_a_, check_b_);                                   \
	} while (0)

/* Strings: equal, naming both. */
#define CHECK_STR(got, want, what)                                          \
	do {                                                                \
		const char *g_ = (got), *w_ = (want);                       \
		CHECK(!strcmp(g_, w_), "%s: got '%s', want '%s'", what, g_, \
		      w_);                                                  \
	} while (0)

static inline void check_begin(const char *name)
{
	check_section = name;
	if (getenv("V"))
		fprintf(stderr, "-- %s\n", name);
}

static inline void check_skip(const char *name, const char *reason)
{
	check_skipped++;
	printf("SKIP %s: %s\n", name, reason);
}

static inline int check_summary(void)
{
	printf("%d passed, %d failed, %d skipped\n", check_passed,
	       check_failed, check_skipped);
	return check_failed ? 1 : 0;
}

#endif
