// SPDX-License-Identifier: GPL-2.0
/*
 * mcbench_probe.bpf.c - pieces of the forwarder's hit path, for the
 * per-packet cost breakdown of tools/mcbench.c.  They run behind the
 * generator in non-live BPF_PROG_TEST_RUN on the forwarder's own maps
 * (mcbench points these definitions at the pinned maps before loading),
 * so the difference between them says where the time of a hit goes: the
 * (S,G) lookup (the forwarder's own, mgm_mfe_tab.h: our table, then the
 * overflow hash), then the per-entry counters (in the slot the lookup
 * read, mgm_mfe_count.h; the array mgm_mfe_stats holds only the rare
 * ones), then the rest.
 */
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/ip.h>
#include <bpf/bpf_helpers.h>
#include <stdbool.h>

#include "mgm_fwd.h"

/* Reused from the forwarder's pins; sizes are set to match at load. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__type(key, struct mgm_mfe_key);
	__type(value, struct mgm_mfe_val);
	__uint(max_entries, MGM_MFE_OVF_MAX);
} mgm_mfe SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__type(key, __u32);
	__type(value, struct mgm_mfe_stats);
	__uint(max_entries, MGM_MFE_MAX);
} mgm_mfe_stats SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__type(key, __u32);
	__type(value, struct mgm_config);
	__uint(max_entries, 1);
} mgm_config SEC(".maps");

/* mgm_mfe_tab and mgm_mfe_shared (not pinned here: mcbench reuses the
 * forwarder's). */
#include "mgm_mfe_tab.h"
#include "mgm_mfe_count.h"

/* The entry of the packet's (S,G), as the forwarder finds it. */
static __always_inline struct mgm_mfe_ent *lookup(struct xdp_md *ctx,
						  struct mgm_mfe_ent *v)
{
	void *data = (void *)(long)ctx->data;
	void *end = (void *)(long)ctx->data_end;
	struct iphdr *iph = data + sizeof(struct ethhdr);
	struct mgm_mfe_key key;
	struct mgm_mfe_ent *vp;
	struct mgm_mfe_val *hv;
	__u32 zero = 0;
	__u64 word;
	bool ovf;

	if ((void *)(iph + 1) > end)
		return NULL;
	key.source = iph->saddr;
	key.group = iph->daddr;
	vp = mgm_tab_lookup(bpf_map_lookup_elem(&mgm_config, &zero), &key,
			    &word, &ovf);
	if (!vp && ovf) {
		hv = bpf_map_lookup_elem(&mgm_mfe, &key);
		if (hv && hv->source == key.source && hv->group == key.group)
			vp = (struct mgm_mfe_ent *)&hv->iif;
	}
	if (!vp)
		return NULL;
	*v = *vp;
	return vp;
}

/* The (S,G) lookup and the copy of the value, nothing else. */
SEC("xdp")
int mcbench_probe_lookup(struct xdp_md *ctx)
{
	struct mgm_mfe_ent v;

	return lookup(ctx, &v) ? XDP_DROP : XDP_PASS;
}

/*
 * The same plus the per-entry counters, with the forwarder's own code: in
 * the slot the lookup found (struct mgm_mfe_ent), plain adds by the
 * entry's owner CPU (mgm_mfe_count.h).
 */
SEC("xdp")
int mcbench_probe_stats(struct xdp_md *ctx)
{
	struct mgm_mfe_ent v, *vp;
	bool full;

	vp = lookup(ctx, &v);
	if (!vp)
		return XDP_PASS;
	mgm_mfe_count(vp, 64, &full);
	return XDP_DROP;
}

char _license[] SEC("license") = "GPL";
