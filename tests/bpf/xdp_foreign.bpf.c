// SPDX-License-Identifier: GPL-2.0
/*
 * xdp_foreign.bpf.c - somebody else's XDP program, for the tests that
 * check that our loader never replaces or detaches a program it does not
 * own.
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

SEC("xdp")
int someone_elses(struct xdp_md *ctx)
{
	(void)ctx;
	return XDP_PASS;
}

char _license[] SEC("license") = "GPL";
