/* SPDX-License-Identifier: GPL-2.0 */
/*
 * mgm_mfe_tab.h - the lookup of an IPv4 entry in mgm_mfe_tab (see
 * include/mgm_fwd.h), shared by the forwarder (mgm_fwd_path.h) and the
 * cost probe of mcbench (mcbench_probe.bpf.c), so that the probe measures
 * the forwarder's own lookup, and the table's definition: pinned by name
 * in the forwarder (MGM_MFE_TAB_PINNING), the probe's reuses the pin.
 */
#ifndef MGM_MFE_TAB_H
#define MGM_MFE_TAB_H

#ifndef MGM_MFE_TAB_PINNING
#define MGM_MFE_TAB_PINNING LIBBPF_PIN_NONE
#endif

/* IPv4 entries, one cache line each (mgm_fwd.h). */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(map_flags, BPF_F_MMAPABLE);
	__type(key, __u32);
	__type(value, struct mgm_mfe_slot);
	__uint(max_entries, MGM_MFE_TAB_SLOTS);
	__uint(pinning, MGM_MFE_TAB_PINNING);
} mgm_mfe_tab SEC(".maps");

/* Loads the compiler may neither split, repeat nor reorder. */
#define READ_ONCE_U64(p) (*(const volatile __u64 *)(p))
#define READ_ONCE_U32(p) (*(const volatile __u32 *)(p))

/*
 * The entry of key: the slots of its window in order, EMPTY ends it; each
 * slot's route word in one load first (into *word), then its key copy.  A
 * slot of another key, a TOMB and a dead slot of this key (deleted: a
 * re-install lives further on, or in the overflow) are skipped.  NULL
 * when absent; *ovf then says whether the home slot counts entries in
 * the overflow hash mgm_mfe.  cfg: mgm_config (seed and mask).
 */
static __always_inline struct mgm_mfe_ent *
mgm_tab_lookup(const struct mgm_config *cfg, const struct mgm_mfe_key *key,
	       __u64 *word, bool *ovf)
{
	struct mgm_mfe_slot *s;
	__u32 home, mask, idx, used, i;
	__u16 flags;

	*ovf = false;
	if (!cfg)
		return NULL;
	mask = cfg->tab_mask;
	home = mgm_mfe_hash(key->source, key->group, cfg->mfe_seed) & mask;
	for (i = 0; i < MGM_MFE_PROBE_MAX; i++) {
		idx = (home + i) & mask;
		s = bpf_map_lookup_elem(&mgm_mfe_tab, &idx);
		if (!s)
			break;
		used = READ_ONCE_U32(&s->used);
		if (used == MGM_MFE_SLOT_EMPTY)
			break;
		*word = READ_ONCE_U64(&s->e.iif);
		/* flags: bytes 6-7 of the route word (struct mgm_mfe_ent) */
		__builtin_memcpy(&flags, (__u8 *)word + 6, sizeof(flags));
		if (READ_ONCE_U32(&s->source) == key->source &&
		    READ_ONCE_U32(&s->group) == key->group &&
		    !(flags & MGM_MFE_F_DEAD) && used == MGM_MFE_SLOT_OCCUPIED)
			return &s->e;
	}
	s = bpf_map_lookup_elem(&mgm_mfe_tab, &home);
	*ovf = s && READ_ONCE_U32(&s->ovf);
	return NULL;
}

#endif /* MGM_MFE_TAB_H */
