// SPDX-License-Identifier: GPL-2.0
/*
 * dp.c - open, pin and adopt the fast path's maps; attach and detach the
 * XDP program; the barrier; events.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <linux/if_ether.h>
#include <linux/if_link.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <xdp/libxdp.h>

#include "dp/dp_internal.h"
#include "mgm_fwd.skel.h"

/* The core's view of the fast path's limits (mgm_datapath.h). */
_Static_assert(MGM_DP_MAX_OIFS == MGM_OSET_MAX_OIFS, "oifs per set");
_Static_assert(MGM_DP_EVENT_HDR_MAX == MGM_EVENT_HDR_MAX, "event header");
_Static_assert(MGM_EV_AF_INET == AF_INET && MGM_EV_AF_INET6 == AF_INET6,
	       "event families");

/* Every map of the fast path: pinning, adoption, iproute2, unpin. */
static const char *const map_names[] = {
	MGM_MAP_MFE,	    MGM_MAP_MFE_STATS,	MGM_MAP_OSETS,
	MGM_MAP_IFS,	    MGM_MAP_IF_STATS,	MGM_MAP_COUNTERS,
	MGM_MAP_EVENTS,	    MGM_MAP_MISS_SEEN,	MGM_MAP_CONFIG,
	MGM_MAP_BUDGET,	    MGM_MAP_IFS_DIRECT, MGM_MAP_OSET_LIST,
	MGM_MAP_MFE6,	    MGM_MAP_MISS_SEEN6, MGM_MAP_MFE_TAB,
	MGM_MAP_MFE_SHARED,
};
#define N_MAPS (sizeof(map_names) / sizeof(map_names[0]))

/* bpf_ktime_get_coarse_ns() is CLOCK_MONOTONIC_COARSE: the same clock. */
uint64_t mgm_dp_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC_COARSE, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

static int *map_fd_slot(struct mgm_dp *dp, unsigned int i)
{
	int *fds[N_MAPS] = {
		&dp->fd_mfe,	    &dp->fd_mfe_stats,	&dp->fd_osets,
		&dp->fd_ifs,	    &dp->fd_if_stats,	&dp->fd_counters,
		&dp->fd_events,	    &dp->fd_miss_seen,	&dp->fd_config,
		&dp->fd_budget,	    &dp->fd_ifs_direct, &dp->fd_oset_list,
		&dp->fd_mfe6,	    &dp->fd_miss_seen6, &dp->fd_mfe_tab,
		&dp->fd_mfe_shared,
	};
	return fds[i];
}

static int pin_path(char *buf, size_t len, const char *root, const char *name)
{
	int n = snprintf(buf, len, "%s/%s", root, name);

	return n < 0 || (size_t)n >= len ? -ENAMETOOLONG : 0;
}

static int mkdir_p(const char *path)
{
	char tmp[PATH_MAX];
	char *p;

	if (snprintf(tmp, sizeof(tmp), "%s", path) >= (int)sizeof(tmp))
		return -ENAMETOOLONG;
	for (p = tmp + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(tmp, 0700) && errno != EEXIST)
			return -errno;
		*p = '/';
	}
	if (mkdir(tmp, 0700) && errno != EEXIST)
		return -errno;
	return 0;
}

static uint32_t map_max_entries(int fd)
{
	struct bpf_map_info info = {};
	__u32 len = sizeof(info);

	if (bpf_obj_get_info_by_fd(fd, &info, &len))
		return 0;
	return info.max_entries;
}

static uint32_t map_id(int fd)
{
	struct bpf_map_info info = {};
	__u32 len = sizeof(info);

	if (bpf_obj_get_info_by_fd(fd, &info, &len))
		return 0;
	return info.id;
}

/*
 * Size a map of the skeleton before load: the size of the map already
 * pinned (libbpf refuses to reuse a pin of another size), else the
 * requested one, else the object's default.
 */
static int size_map(struct bpf_map *map, const char *root, uint32_t want)
{
	char path[PATH_MAX];
	int fd, err;

	err = pin_path(path, sizeof(path), root, bpf_map__name(map));
	if (err)
		return err;
	fd = bpf_obj_get(path);
	if (fd >= 0) {
		want = map_max_entries(fd);
		close(fd);
	}
	if (want)
		return bpf_map__set_max_entries(map, want);
	return 0;
}

/*
 * iproute2's bpffs layout.  `ip link set dev IF xdp obj ...` looks for the
 * object's pinned maps in <bpffs>/xdp/globals, tc in <bpffs>/tc/globals.
 * iproute2 makes xdp a link to tc; libxdp, when it runs first, makes xdp a
 * directory of its own (and iproute2 then no longer links it).  So the
 * maps are linked into both globals directories, whatever xdp is, and
 * where neither tool ran yet xdp is made a link to tc as iproute2 would,
 * so that one later libxdp run cannot split the layout.
 *
 * Every directory or link made for this is recorded in the pin root as a
 * link named "iproute2-made-N" pointing at it, so that unpin removes
 * exactly what init made, in reverse order, and nothing else.
 */
#define BPFFS "/sys/fs/bpf"
#define MADE_PREFIX "iproute2-made-"
#define MADE_MAX 8

static int made_record(const char *root, int *n, const char *what)
{
	char rec[PATH_MAX];

	if (*n >= MADE_MAX)
		return -ENOSPC;
	if (snprintf(rec, sizeof(rec), "%s/" MADE_PREFIX "%d", root, *n) >=
	    (int)sizeof(rec))
		return -ENAMETOOLONG;
	if (symlink(what, rec))
		return -errno;
	(*n)++;
	return 0;
}

/* mkdir, recorded if this call made it. */
static int made_dir(const char *root, int *n, const char *dir)
{
	if (!mkdir(dir, 0700))
		return made_record(root, n, dir);
	return errno == EEXIST ? 0 : -errno;
}

/*
 * Link one map into dir (only check, if dry); an entry of that name that
 * is not ours fails.
 */
static int link_map(const char *root, const char *dir, const char *name,
		    bool dry)
{
	char target[PATH_MAX], link[PATH_MAX], cur[PATH_MAX];
	ssize_t n;

	if (pin_path(target, sizeof(target), root, name) ||
	    pin_path(link, sizeof(link), dir, name))
		return -ENAMETOOLONG;
	n = readlink(link, cur, sizeof(cur) - 1);
	if (n >= 0) {
		cur[n] = '\0';
		if (!strcmp(cur, target))
			return 0;
	} else if (errno == ENOENT || errno == ENOTDIR) {
		return dry || !symlink(target, link) ? 0 : -errno;
	}
	fprintf(stderr,
		"mgm-dp: %s is there and is not a link to %s: `ip link ... "
		"xdp obj` would use it instead of these maps; remove it "
		"(or the instance that made it) first\n",
		link, target);
	return -EEXIST;
}

static void unlink_map(const char *root, const char *dir, const char *name)
{
	char target[PATH_MAX], link[PATH_MAX], cur[PATH_MAX];
	ssize_t n;

	if (pin_path(target, sizeof(target), root, name) ||
	    pin_path(link, sizeof(link), dir, name))
		return;
	n = readlink(link, cur, sizeof(cur) - 1);
	if (n < 0)
		return;
	cur[n] = '\0';
	if (!strcmp(cur, target))
		unlink(link);
}

static void iproute2_unlink(const char *root)
{
	static const char *const dirs[] = { BPFFS "/tc/globals",
					    BPFFS "/xdp/globals" };
	char rec[PATH_MAX], what[PATH_MAX];
	struct stat st;
	unsigned int i, d;
	ssize_t len;
	int n;

	for (d = 0; d < 2; d++)
		for (i = 0; i < N_MAPS; i++)
			unlink_map(root, dirs[d], map_names[i]);
	for (n = MADE_MAX - 1; n >= 0; n--) {
		snprintf(rec, sizeof(rec), "%s/" MADE_PREFIX "%d", root, n);
		len = readlink(rec, what, sizeof(what) - 1);
		if (len < 0)
			continue;
		what[len] = '\0';
		/* A directory only if empty: others may have pinned there. */
		if (!lstat(what, &st))
			S_ISDIR(st.st_mode) ? rmdir(what) : unlink(what);
		unlink(rec);
	}
}

/* Before anything is created: would iproute2 find other maps? */
static int iproute2_check(const char *root)
{
	unsigned int i;
	int err = 0;

	for (i = 0; !err && i < N_MAPS; i++) {
		err = link_map(root, BPFFS "/tc/globals", map_names[i], true);
		if (!err)
			err = link_map(root, BPFFS "/xdp/globals", map_names[i],
				       true);
	}
	return err;
}

static int iproute2_link(const char *root)
{
	static const char *const dirs[] = { BPFFS "/tc", BPFFS "/tc/globals",
					    BPFFS "/xdp/globals" };
	struct stat st;
	unsigned int i, d;
	int n = 0, err;

	/* Records of an earlier init of this root stand: number after them. */
	for (; n < MADE_MAX; n++) {
		char rec[PATH_MAX];

		snprintf(rec, sizeof(rec), "%s/" MADE_PREFIX "%d", root, n);
		if (lstat(rec, &st))
			break;
	}
	err = made_dir(root, &n, dirs[0]);
	err = err ?: made_dir(root, &n, dirs[1]);
	if (err)
		goto fail;
	if (lstat(BPFFS "/xdp", &st) && errno == ENOENT) {
		if (symlink(BPFFS "/tc/", BPFFS "/xdp") && errno != EEXIST) {
			err = -errno;
			goto fail;
		}
		err = made_record(root, &n, BPFFS "/xdp");
	} else if (!stat(BPFFS "/xdp", &st) && !S_ISDIR(st.st_mode)) {
		err = -ENOTDIR;
	}
	err = err ?: made_dir(root, &n, dirs[2]);
	for (d = 1; !err && d < 3; d++)
		for (i = 0; !err && i < N_MAPS; i++)
			err = link_map(root, dirs[d], map_names[i], false);
	if (!err)
		return 0;
fail:
	fprintf(stderr,
		"mgm-dp: cannot serve iproute2's layout under " BPFFS ": %s\n",
		strerror(-err));
	iproute2_unlink(root);
	return err;
}

static int write_config(struct mgm_dp *dp, const struct mgm_dp_opts *o)
{
	struct mgm_config cfg = {};
	__u32 zero = 0;

	if (bpf_map_lookup_elem(dp->fd_config, &zero, &cfg))
		return -errno;
	if (cfg.abi_version && cfg.abi_version != MGM_FWD_ABI_VERSION) {
		fprintf(stderr,
			"mgm-dp: maps under %s are of ABI %u, this is %u; "
			"remove them first (mgmctl unpin)\n",
			dp->pin_root, cfg.abi_version, MGM_FWD_ABI_VERSION);
		return -EPROTO;
	}
	cfg.abi_version = MGM_FWD_ABI_VERSION;
	if (o->events_per_sec)
		cfg.events_per_sec = o->events_per_sec;
	if (o->miss_retry_ms)
		cfg.miss_retry_ms = o->miss_retry_ms;
	if (o->wrong_if_ms)
		cfg.wrong_if_ms = o->wrong_if_ms;
	if (o->keepalive_ms)
		cfg.keepalive_ms = o->keepalive_ms;
	/*
	 * The table's seed, random and set once: entries are created by
	 * traffic, so no sender may know which sources share a window.
	 */
	while (!cfg.mfe_seed)
		if (getrandom(&cfg.mfe_seed, sizeof(cfg.mfe_seed), 0) < 0)
			return -errno;
	cfg.tab_mask = map_max_entries(dp->fd_mfe_tab) - 1;
	cfg.shared_mask = map_max_entries(dp->fd_mfe_shared) - 1;
	/* Generations of this owner's installs: 2^40 of its own. */
	dp->gen_next = cfg.gen_next ? cfg.gen_next : 1;
	cfg.gen_next = dp->gen_next + (1ULL << 40);
	if (bpf_map_update_elem(dp->fd_config, &zero, &cfg, BPF_ANY))
		return -errno;
	return 0;
}

/* Open one pinned map by name into *fd. */
static int open_pinned(struct mgm_dp *dp, const char *name, int *fd)
{
	char path[PATH_MAX];
	int err = pin_path(path, sizeof(path), dp->pin_root, name);

	if (err)
		return err;
	*fd = bpf_obj_get(path);
	return *fd < 0 ? -errno : 0;
}

static int open_readonly(struct mgm_dp *dp, bool identify_only)
{
	struct mgm_config cfg = {};
	char path[PATH_MAX];
	unsigned int i;
	__u32 zero = 0;
	int err;

	/*
	 * The maps our programs use whatever the layout (every ABI had
	 * them): enough to know our programs (prog_named_ours()).
	 */
	if (identify_only) {
		err = open_pinned(dp, MGM_MAP_MFE, &dp->fd_mfe);
		return err   ?:
			       open_pinned(dp, MGM_MAP_COUNTERS,
					   &dp->fd_counters);
	}
	/* Maps of another layout are not read as if they were ours. */
	err = pin_path(path, sizeof(path), dp->pin_root, MGM_MAP_CONFIG);
	if (err)
		return err;
	dp->fd_config = bpf_obj_get(path);
	if (dp->fd_config < 0)
		return -errno;
	if (!bpf_map_lookup_elem(dp->fd_config, &zero, &cfg) &&
	    cfg.abi_version && cfg.abi_version != MGM_FWD_ABI_VERSION) {
		fprintf(stderr,
			"mgm-dp: maps under %s are of ABI %u, this is %u; "
			"remove them first (mgmctl unpin)\n",
			dp->pin_root, cfg.abi_version, MGM_FWD_ABI_VERSION);
		return -EPROTO;
	}
	close(dp->fd_config);
	dp->fd_config = -1;

	for (i = 0; i < N_MAPS; i++) {
		err = pin_path(path, sizeof(path), dp->pin_root, map_names[i]);
		if (err)
			return err;
		*map_fd_slot(dp, i) = bpf_obj_get(path);
		if (*map_fd_slot(dp, i) < 0)
			return -errno;
	}
	return 0;
}

static int open_full(struct mgm_dp *dp, const struct mgm_dp_opts *o)
{
	LIBBPF_OPTS(bpf_object_open_opts, oo, .pin_root_path = dp->pin_root);
	struct mgm_fwd *skel;
	unsigned int i;
	int err;

	err = mkdir_p(dp->pin_root);
	if (err)
		return err;
	skel = mgm_fwd__open_opts(&oo);
	if (!skel)
		return -errno;
	dp->skel = skel;
	/* The table: 2 x entries, a power of two; the overflow: a few. */
	err = size_map(skel->maps.mgm_mfe_tab, dp->pin_root,
		       o->mfe_max ? mgm_mfe_tab_slots(o->mfe_max) : 0);
	err = err   ?:
		      size_map(skel->maps.mgm_mfe, dp->pin_root,
			       o->mfe_max && o->mfe_max < MGM_MFE_OVF_MAX ?
				       o->mfe_max :
				       0);
	err = err ?: size_map(skel->maps.mgm_mfe6, dp->pin_root, o->mfe_max);
	err = err   ?:
		      size_map(skel->maps.mgm_mfe_stats, dp->pin_root,
			       o->mfe_max);
	err = err   ?:
		      size_map(skel->maps.mgm_mfe_shared, dp->pin_root,
			       o->mfe_max && o->mfe_max < MGM_MFE_SHARED_MAX ?
				       mgm_mfe_tab_slots(o->mfe_max) / 2 :
				       0);
	err = err ?: size_map(skel->maps.mgm_osets, dp->pin_root, o->oset_max);
	err = err   ?:
		      size_map(skel->maps.mgm_oset_list, dp->pin_root,
			       o->oset_max);
	if (err)
		return err;
	/*
	 * In-place entry changes (dp_mfe.c) and the clock calibration; "?":
	 * loaded here only, never by other loaders of the object.
	 */
	bpf_program__set_autoload(skel->progs.mgm_mfe_ctl, true);
	bpf_program__set_autoload(skel->progs.mgm_mfe6_ctl, true);
	bpf_program__set_autoload(skel->progs.mgm_clock_ctl, true);
	if (o->lazy_forwarders) {
		bpf_program__set_autoload(skel->progs.mgm_xdp_fwd, false);
		bpf_program__set_autoload(skel->progs.mgm_tc_xmit, false);
		bpf_program__set_autoload(skel->progs.mgm_tc_fwd, false);
	}
	err = mgm_fwd__load(skel);
	if (err)
		return err;

	for (i = 0; i < N_MAPS; i++) {
		struct bpf_map *map =
			bpf_object__find_map_by_name(skel->obj, map_names[i]);

		if (!map)
			return -ENOENT;
		*map_fd_slot(dp, i) = dup(bpf_map__fd(map));
		if (*map_fd_slot(dp, i) < 0)
			return -errno;
	}
	if (!o->lazy_forwarders) {
		dp->fd_fwd_prog = bpf_program__fd(skel->progs.mgm_xdp_fwd);
		dp->fd_tc_xmit_prog = bpf_program__fd(skel->progs.mgm_tc_xmit);
		dp->fd_tc_fwd_prog = bpf_program__fd(skel->progs.mgm_tc_fwd);
	}
	dp->fd_egress_prog = bpf_program__fd(skel->progs.mgm_xdp_egress);
	dp->fd_ctl_prog = bpf_program__fd(skel->progs.mgm_mfe_ctl);
	dp->fd_ctl6_prog = bpf_program__fd(skel->progs.mgm_mfe6_ctl);
	err = write_config(dp, o);
	if (err)
		return err;
	/* Both clocks at one instant, into mgm_config (for every reader). */
	{
		static const __u8 frame[ETH_HLEN * 4];
		LIBBPF_OPTS(bpf_test_run_opts, ro, .data_in = frame,
			    .data_size_in = sizeof(frame), .repeat = 1);

		if (bpf_prog_test_run_opts(
			    bpf_program__fd(skel->progs.mgm_clock_ctl), &ro) ||
		    ro.retval)
			return -EIO;
	}
	return 0;
}

/* A private map-of-maps: updating it waits for an RCU grace period. */
static int barrier_init(struct mgm_dp *dp)
{
	LIBBPF_OPTS(bpf_map_create_opts, mo);

	dp->fd_barrier_inner = bpf_map_create(BPF_MAP_TYPE_ARRAY,
					      "mgm_barrier_in", 4, 4, 1, NULL);
	if (dp->fd_barrier_inner < 0)
		return -errno;
	mo.inner_map_fd = dp->fd_barrier_inner;
	dp->fd_barrier = bpf_map_create(BPF_MAP_TYPE_ARRAY_OF_MAPS,
					"mgm_barrier", 4, 4, 1, &mo);
	if (dp->fd_barrier < 0)
		return -errno;
	return 0;
}

/* The jiffies-to-CLOCK_MONOTONIC_COARSE reference from mgm_config. */
static void clock_init(struct mgm_dp *dp)
{
	struct mgm_config cfg = {};
	struct timespec res;
	__u32 zero = 0;

	if (!bpf_map_lookup_elem(dp->fd_config, &zero, &cfg)) {
		dp->clock_jiffies = cfg.clock_jiffies;
		dp->clock_ns = cfg.clock_ns;
	}
	/* The coarse clock's resolution is the tick (TICK_NSEC). */
	dp->tick_ns = 4000000;
	if (!clock_getres(CLOCK_MONOTONIC_COARSE, &res))
		dp->tick_ns = res.tv_sec * 1000000000ULL + res.tv_nsec;
}

/*
 * Adoption and listings read whole arrays (4096 interfaces, 4096 out-set
 * slots, the table's slots): one lookup per key was ~12,000 system calls
 * per mgm-dp command, seconds in an emulated guest.
 */
int dp_array_read(int fd, uint32_t first, uint32_t n, size_t vsize, void *out)
{
	enum { CHUNK = 256 };
	uint32_t keys[CHUNK], pos = first, end = first + n, prev, next, i;
	bool batch = true;
	char *o = out;
	__u32 count;

	while (pos < end) {
		if (!batch) {
			if (bpf_map_lookup_elem(fd, &pos,
						o + (size_t)(pos - first) *
								vsize))
				return -errno;
			pos++;
			continue;
		}
		count = end - pos < CHUNK ? end - pos : CHUNK;
		prev = pos - 1;
		/* A batch starts after the key given (none: at 0). */
		if (bpf_map_lookup_batch(fd, pos ? &prev : NULL, &next, keys,
					 o + (size_t)(pos - first) * vsize,
					 &count, NULL) &&
		    errno != ENOENT) {
			/* EINVAL, EOPNOTSUPP or ENOTSUPP (524): no batch. */
			if (errno == EINVAL || errno == EOPNOTSUPP ||
			    errno == 524) {
				batch = false;
				continue;
			}
			return -errno;
		}
		if (!count)
			return -EIO;
		for (i = 0; i < count; i++)
			if (keys[i] != pos + i)
				return -EIO;
		pos += count;
	}
	return 0;
}

/* A slot of mgm_mfe_tab by a lookup (readers do not map the table). */
static int tab_read(void *ctx, uint32_t i, struct mgm_mfe_slot *out)
{
	const struct mgm_dp *dp = ctx;

	return bpf_map_lookup_elem(dp->fd_mfe_tab, &i, out) ? -errno : 0;
}

/*
 * mgm_mfe_tab's seed and size, and for the owner its mapping: the IPv4
 * entries are written there directly.  A reader does not map it: a
 * mapping of a BPF array is populated whole at mmap() (all of it in the
 * reader's RSS); it reads slots by lookups (dp_mfe.c).
 */
static int tab_init(struct mgm_dp *dp)
{
	uint32_t slots = map_max_entries(dp->fd_mfe_tab);
	struct mgm_config cfg = {};
	__u32 zero = 0;
	void *p;

	if (slots < 2 || (slots & (slots - 1)) ||
	    bpf_map_lookup_elem(dp->fd_config, &zero, &cfg) ||
	    (cfg.tab_mask && cfg.tab_mask != slots - 1))
		return -EINVAL;
	dp->tab.mask = slots - 1;
	dp->tab.seed = cfg.mfe_seed;
	dp->tab.window = MGM_MFE_PROBE_MAX;
	dp->tab.read = tab_read;
	dp->tab.ctx = dp;
	if (dp->readonly)
		return 0;
	dp->tab_bytes = (size_t)slots * sizeof(struct mgm_mfe_slot);
	p = mmap(NULL, dp->tab_bytes, PROT_READ | PROT_WRITE, MAP_SHARED,
		 dp->fd_mfe_tab, 0);
	if (p == MAP_FAILED)
		return -errno;
	dp->tab.s = p;
	return 0;
}

uint64_t dp_jiffies_ns(const struct mgm_dp *dp, uint64_t j)
{
	int64_t ticks = (int64_t)(j - dp->clock_jiffies);

	if (!j || !dp->clock_ns)
		return 0; /* never used (or no owner ever calibrated) */
	return dp->clock_ns + ticks * (int64_t)dp->tick_ns;
}

int mgm_dp_sync(struct mgm_dp *dp)
{
	__u32 zero = 0;
	uint32_t i;

	if (dp->readonly)
		return -EPERM;
	if (bpf_map_update_elem(dp->fd_barrier, &zero, &dp->fd_barrier_inner,
				BPF_ANY))
		return -errno;
	/*
	 * Everything freed before the grace period is now unreachable: no
	 * packet still counts into the elements of deleted entries, which
	 * can leave the map (and be recycled by the kernel) now.
	 */
	dp_mfe_dead_flush(dp);
	for (i = 0; i < dp->oset_pending.n; i++)
		dp_slots_push(&dp->oset_free, dp->oset_pending.v[i]);
	dp->oset_pending.n = 0;
	/* Their generations end: their per-CPU elements are stale. */
	dp_stats_clear(dp, dp->stats_pending.v, dp->stats_pending.n);
	for (i = 0; i < dp->stats_pending.n; i++)
		dp_slots_push(&dp->stats_free, dp->stats_pending.v[i]);
	dp->stats_pending.n = 0;
	return 0;
}

/* Anything freed that only a grace period (mgm_dp_sync) makes reusable? */
static bool sync_pending(const struct mgm_dp *dp)
{
	return dp->oset_pending.n || dp->stats_pending.n || dp->mfe_dead.n ||
	       dp->mfe6_dead.n || dp->tab_dead.n;
}

void mgm_dp_maintain(struct mgm_dp *dp)
{
	uint64_t now = mgm_dp_now_ns();

	if (dp->readonly || now - dp->last_maintain_ns < 1000000000ULL)
		return;
	dp->last_maintain_ns = now;
	dp_if_watch_drain(dp);
	if (sync_pending(dp))
		mgm_dp_sync(dp);
}

int mgm_dp_open(const struct mgm_dp_opts *opts, struct mgm_dp **out)
{
	static const struct mgm_dp_opts defaults;
	const struct mgm_dp_opts *o = opts ? opts : &defaults;
	struct mgm_dp *dp;
	unsigned int i;
	int err;

	dp = calloc(1, sizeof(*dp));
	if (!dp)
		return -ENOMEM;
	for (i = 0; i < N_MAPS; i++)
		*map_fd_slot(dp, i) = -1;
	dp->fd_barrier = dp->fd_barrier_inner = -1;
	dp->fd_fwd_prog = dp->fd_egress_prog = -1;
	dp->fd_tc_xmit_prog = dp->fd_tc_fwd_prog = dp->fd_ctl_prog = -1;
	dp->fd_ctl6_prog = -1;
	dp->readonly = o->readonly;
	snprintf(dp->pin_root, sizeof(dp->pin_root), "%s",
		 o->pin_root ? o->pin_root : MGM_PIN_ROOT_DEFAULT);
	dp->ncpus = libbpf_num_possible_cpus();
	if (dp->ncpus <= 0) {
		err = dp->ncpus ? dp->ncpus : -EINVAL;
		goto fail;
	}

	if (!dp->readonly && o->iproute2_links) {
		err = iproute2_check(dp->pin_root);
		if (err)
			goto fail;
	}
	err = dp->readonly ? open_readonly(dp, o->identify_only) :
			     open_full(dp, o);
	if (err)
		goto fail;
	if (dp->readonly && o->identify_only) {
		dp->mfe_map_id = map_id(dp->fd_mfe);
		dp->counters_map_id = map_id(dp->fd_counters);
		*out = dp;
		return 0;
	}
	clock_init(dp);
	/* Sized with the entries (the table with twice as many slots). */
	dp->mfe_max = map_max_entries(dp->fd_mfe_stats);
	dp->mfe6_max = map_max_entries(dp->fd_mfe6);
	dp->shared_max = map_max_entries(dp->fd_mfe_shared);
	dp->oset_max = map_max_entries(dp->fd_osets);
	dp->if_max = map_max_entries(dp->fd_ifs);
	dp->mfe_map_id = map_id(dp->fd_mfe);
	dp->counters_map_id = map_id(dp->fd_counters);
	if (map_max_entries(dp->fd_mfe_tab) < mgm_mfe_tab_slots(dp->mfe_max) ||
	    !dp->shared_max || (dp->shared_max & (dp->shared_max - 1)) ||
	    map_max_entries(dp->fd_if_stats) < dp->if_max ||
	    map_max_entries(dp->fd_oset_list) < dp->oset_max ||
	    dp->oset_max > MGM_OSET_LIMIT) {
		err = -EINVAL;
		goto fail;
	}
	err = tab_init(dp);
	if (err)
		goto fail;
	if (!dp->readonly) {
		err = barrier_init(dp);
		err = err ?: dp_pool_init(dp);
		err = err ?: dp_if_adopt(dp);
		err = err ?: dp_adopt(dp);
		/*
		 * Slots a previous owner left with stale contents wait for a
		 * grace period: take it now, at start-up, rather than on the
		 * first new flow, whose packets would wait for it.
		 */
		if (!err && sync_pending(dp))
			err = mgm_dp_sync(dp);
		if (err)
			goto fail;
		/* Best effort: without it, changes come with refreshes. */
		dp_if_watch_open(dp);
		if (o->iproute2_links) {
			err = iproute2_link(dp->pin_root);
			if (err)
				goto fail;
		}
	}
	*out = dp;
	return 0;
fail:
	mgm_dp_close(dp);
	return err;
}

void mgm_dp_close(struct mgm_dp *dp)
{
	unsigned int i;

	if (!dp)
		return;
	ring_buffer__free(dp->rb);
	dp_if_watch_close(dp);
	for (i = 0; i < N_MAPS; i++)
		if (*map_fd_slot(dp, i) >= 0)
			close(*map_fd_slot(dp, i));
	if (dp->fd_barrier >= 0)
		close(dp->fd_barrier);
	if (dp->fd_barrier_inner >= 0)
		close(dp->fd_barrier_inner);
	if (dp->tab.s)
		munmap(dp->tab.s, dp->tab_bytes);
	mgm_fwd__destroy(dp->skel_fwd);
	mgm_fwd__destroy(dp->skel);
	dp_pool_free(dp);
	dp_if_free_all(dp);
	free(dp);
}

int mgm_dp_unpin(const char *pin_root)
{
	char path[PATH_MAX];
	unsigned int i;
	int err, ret = 0;

	if (!pin_root)
		pin_root = MGM_PIN_ROOT_DEFAULT;
	iproute2_unlink(pin_root);
	for (i = 0; i < N_MAPS; i++) {
		err = pin_path(path, sizeof(path), pin_root, map_names[i]);
		if (err)
			return err;
		if (unlink(path) && errno != ENOENT)
			ret = -errno;
	}
	if (rmdir(pin_root) && errno != ENOENT && errno != ENOTEMPTY)
		ret = ret ?: -errno;
	return ret;
}

int mgm_dp_set_config(struct mgm_dp *dp, uint32_t events_per_sec,
		      uint32_t miss_retry_ms, uint32_t wrong_if_ms)
{
	struct mgm_config cfg = {};
	__u32 zero = 0;

	if (dp->readonly)
		return -EPERM;
	/* Read-modify-write: the keepalive interval is set on its own. */
	if (bpf_map_lookup_elem(dp->fd_config, &zero, &cfg))
		return -errno;
	cfg.abi_version = MGM_FWD_ABI_VERSION;
	cfg.events_per_sec = events_per_sec;
	cfg.miss_retry_ms = miss_retry_ms;
	cfg.wrong_if_ms = wrong_if_ms;
	if (bpf_map_update_elem(dp->fd_config, &zero, &cfg, BPF_ANY))
		return -errno;
	return 0;
}

int mgm_dp_set_keepalive(struct mgm_dp *dp, uint32_t keepalive_ms)
{
	struct mgm_config cfg = {};
	__u32 zero = 0;

	if (dp->readonly)
		return -EPERM;
	if (bpf_map_lookup_elem(dp->fd_config, &zero, &cfg))
		return -errno;
	cfg.keepalive_ms = keepalive_ms;
	if (bpf_map_update_elem(dp->fd_config, &zero, &cfg, BPF_ANY))
		return -errno;
	return 0;
}

int mgm_dp_prog_fd(const struct mgm_dp *dp)
{
	return dp->fd_fwd_prog;
}

int mgm_dp_egress_prog_fd(const struct mgm_dp *dp)
{
	return dp->fd_egress_prog;
}

int mgm_dp_tc_xmit_prog_fd(const struct mgm_dp *dp)
{
	return dp->fd_tc_xmit_prog;
}

int mgm_dp_tc_fwd_prog_fd(const struct mgm_dp *dp)
{
	return dp->fd_tc_fwd_prog;
}

const char *mgm_dp_pin_root(const struct mgm_dp *dp)
{
	return dp->pin_root;
}

uint32_t mgm_dp_mfe_max(const struct mgm_dp *dp)
{
	return dp->mfe_max;
}

uint32_t mgm_dp_oset_max(const struct mgm_dp *dp)
{
	return dp->oset_max;
}

uint32_t mgm_dp_mfe6_max(const struct mgm_dp *dp)
{
	return dp->mfe6_max;
}

/* ------------------------------------------------------------------ */
/* Attach and detach                                                    */

/*
 * Is prog our forwarder?  By name, and when we know our maps, by using
 * our MFE map: another instance's forwarder (other pin root) is not ours.
 */
static bool prog_named_ours(struct mgm_dp *dp, int prog_fd, const char *name)
{
	struct bpf_prog_info info = {};
	__u32 ids[16], len = sizeof(info), i;

	info.nr_map_ids = 16;
	info.map_ids = (__u64)(unsigned long)ids;
	if (bpf_obj_get_info_by_fd(prog_fd, &info, &len))
		return false;
	if (strcmp(info.name, name))
		return false;
	if (!dp)
		return true;
	/* Every program of ours uses the counters, the forwarders the MFEs. */
	for (i = 0; i < info.nr_map_ids && i < 16; i++)
		if (ids[i] == dp->mfe_map_id || ids[i] == dp->counters_map_id)
			return true;
	return false;
}

static bool prog_is_ours(struct mgm_dp *dp, int prog_fd)
{
	return prog_named_ours(dp, prog_fd, "mgm_xdp_fwd");
}

/*
 * Our tc programs sit on clsact ingress under one handle and priority
 * (mgm_tc_xmit beside XDP, or mgm_tc_fwd alone), so they are found and
 * replaced or removed without touching anyone else's filters.
 */
#define TC_HANDLE 0x4d474dU
#define TC_PRIO 0x4d47U

enum tc_which { TC_NONE, TC_XMIT, TC_FWD, TC_OTHER };

/* Which program is at our handle on ifindex's clsact ingress. */
static enum tc_which tc_query(struct mgm_dp *dp, uint32_t ifindex)
{
	LIBBPF_OPTS(bpf_tc_hook, hook, .ifindex = ifindex,
		    .attach_point = BPF_TC_INGRESS);
	LIBBPF_OPTS(bpf_tc_opts, opts, .handle = TC_HANDLE,
		    .priority = TC_PRIO);
	libbpf_print_fn_t old = libbpf_set_print(NULL);
	enum tc_which w = TC_NONE;
	int fd, err;

	err = bpf_tc_query(&hook, &opts);
	libbpf_set_print(old);
	if (err || !opts.prog_id)
		return TC_NONE;
	fd = bpf_prog_get_fd_by_id(opts.prog_id);
	if (fd < 0)
		return TC_OTHER;
	if (prog_named_ours(dp, fd, "mgm_tc_xmit"))
		w = TC_XMIT;
	else if (prog_named_ours(dp, fd, "mgm_tc_fwd"))
		w = TC_FWD;
	else
		w = TC_OTHER;
	close(fd);
	return w;
}

static int tc_attach(struct mgm_dp *dp, uint32_t ifindex, int prog_fd)
{
	LIBBPF_OPTS(bpf_tc_hook, hook, .ifindex = ifindex,
		    .attach_point = BPF_TC_INGRESS);
	LIBBPF_OPTS(bpf_tc_opts, opts, .handle = TC_HANDLE, .priority = TC_PRIO,
		    .prog_fd = prog_fd, .flags = BPF_TC_F_REPLACE);
	int err;

	libbpf_print_fn_t old;

	if (tc_query(dp, ifindex) == TC_OTHER)
		return -EEXIST;
	/* An existing clsact is fine: keep the kernel's note about it quiet. */
	old = libbpf_set_print(NULL);
	err = bpf_tc_hook_create(&hook);
	libbpf_set_print(old);
	if (err && err != -EEXIST)
		return err;
	return bpf_tc_attach(&hook, &opts);
}

/* Remove our tc program from ifindex: 0, or -ENOENT if none is ours. */
static int tc_detach(struct mgm_dp *dp, uint32_t ifindex)
{
	LIBBPF_OPTS(bpf_tc_hook, hook, .ifindex = ifindex,
		    .attach_point = BPF_TC_INGRESS);
	LIBBPF_OPTS(bpf_tc_opts, opts, .handle = TC_HANDLE,
		    .priority = TC_PRIO);
	enum tc_which w = tc_query(dp, ifindex);

	if (w != TC_XMIT && w != TC_FWD)
		return -ENOENT;
	return bpf_tc_detach(&hook, &opts);
}

/* The program attached to ifindex in any mode: fd, or -ENOENT. */
static int attached_prog_fd(uint32_t ifindex, __u32 *id_out)
{
	LIBBPF_OPTS(bpf_xdp_query_opts, q);
	int err, fd;

	err = bpf_xdp_query(ifindex, 0, &q);
	if (err)
		return err;
	if (!q.prog_id)
		return -ENOENT;
	fd = bpf_prog_get_fd_by_id(q.prog_id);
	if (fd < 0)
		return -errno;
	if (id_out)
		*id_out = q.prog_id;
	return fd;
}

int mgm_dp_is_attached(uint32_t ifindex)
{
	int fd = attached_prog_fd(ifindex, NULL);
	int ret;

	if (fd == -ENOENT)
		return tc_query(NULL, ifindex) == TC_FWD;
	if (fd < 0)
		return fd;
	ret = prog_is_ours(NULL, fd);
	close(fd);
	return ret;
}

enum mgm_dp_rx mgm_dp_if_rx(uint32_t ifindex)
{
	LIBBPF_OPTS(bpf_xdp_query_opts, q);
	int fd = attached_prog_fd(ifindex, NULL);
	bool ours;

	if (fd == -ENOENT)
		return tc_query(NULL, ifindex) == TC_FWD ? MGM_DP_RX_TC :
							   MGM_DP_RX_NONE;
	if (fd < 0)
		return MGM_DP_RX_NONE;
	ours = prog_is_ours(NULL, fd);
	close(fd);
	if (!ours || bpf_xdp_query(ifindex, 0, &q))
		return MGM_DP_RX_NONE;
	return q.attach_mode == XDP_ATTACHED_SKB ? MGM_DP_RX_XDP_GENERIC :
						   MGM_DP_RX_XDP_NATIVE;
}

const char *mgm_dp_rx_name(enum mgm_dp_rx rx)
{
	switch (rx) {
	case MGM_DP_RX_XDP_NATIVE:
		return "xdp-native";
	case MGM_DP_RX_XDP_GENERIC:
		return "xdp-generic";
	case MGM_DP_RX_TC:
		return "tc";
	default:
		return "-";
	}
}

/*
 * libxdp first tries its multi-program dispatcher; where that cannot load
 * (this kernel: EPERM on the freplace check) it says so loudly through
 * libbpf and libxdp, then falls back to attaching our program alone, which
 * is what we want.  Keep that expected noise out of the logs.
 */
static int quiet_libbpf(enum libbpf_print_level l, const char *f, va_list a)
{
	(void)l;
	(void)f;
	(void)a;
	return 0;
}

static int quiet_libxdp(enum libxdp_print_level l, const char *f, va_list a)
{
	(void)l;
	(void)f;
	(void)a;
	return 0;
}

static int attach_quietly(struct xdp_program *prog, uint32_t ifindex,
			  enum xdp_attach_mode mode)
{
	libbpf_print_fn_t old_bpf = NULL;
	libxdp_print_fn_t old_xdp = NULL;
	bool quiet = !getenv("MGM_DEBUG");
	int err;

	if (quiet) {
		old_bpf = libbpf_set_print(quiet_libbpf);
		old_xdp = libxdp_set_print(quiet_libxdp);
	}
	err = xdp_program__attach(prog, ifindex, mode, 0);
	if (quiet) {
		libbpf_set_print(old_bpf);
		libxdp_set_print(old_xdp);
	}
	return err;
}

/*
 * The forwarders of a lazy open (mgm_dp_opts.lazy_forwarders): a second
 * instance of the object, every map of it dp's own (none created, none
 * pinned), only those programs loaded.
 */
static int forwarders_load(struct mgm_dp *dp)
{
	struct mgm_fwd *s;
	struct bpf_program *p;
	struct bpf_map *m, *mine;
	int err;

	if (dp->fd_fwd_prog >= 0)
		return 0;
	s = mgm_fwd__open();
	if (!s)
		return -errno;
	bpf_object__for_each_map(m, s->obj) {
		mine = bpf_object__find_map_by_name(dp->skel->obj,
						    bpf_map__name(m));
		err = mine ? bpf_map__set_pin_path(m, NULL) : -ENOENT;
		err = err ?: bpf_map__reuse_fd(m, bpf_map__fd(mine));
		if (err)
			goto fail;
	}
	bpf_object__for_each_program(p, s->obj)
		bpf_program__set_autoload(p,
					  p == s->progs.mgm_xdp_fwd ||
						  p == s->progs.mgm_tc_xmit ||
						  p == s->progs.mgm_tc_fwd);
	err = mgm_fwd__load(s);
	if (err)
		goto fail;
	dp->skel_fwd = s;
	dp->fd_fwd_prog = bpf_program__fd(s->progs.mgm_xdp_fwd);
	dp->fd_tc_xmit_prog = bpf_program__fd(s->progs.mgm_tc_xmit);
	dp->fd_tc_fwd_prog = bpf_program__fd(s->progs.mgm_tc_fwd);
	return 0;
fail:
	mgm_fwd__destroy(s);
	return err;
}

int mgm_dp_attach(struct mgm_dp *dp, uint32_t ifindex,
		  enum mgm_dp_xdp_mode mode)
{
	struct mgm_dp_if_caps caps;
	struct xdp_program *prog;
	int fd, err;

	if (dp->readonly)
		return -EPERM;
	err = forwarders_load(dp);
	if (err)
		return err;
	err = mgm_dp_if_probe(ifindex, &caps);
	if (err)
		return err;
	if (!caps.servable)
		return -EOPNOTSUPP;
	fd = attached_prog_fd(ifindex, NULL);
	if (fd >= 0) {
		bool ours = prog_is_ours(dp, fd);

		close(fd);
		if (!ours)
			return -EEXIST;
		/* Ours: make sure its tc half is there too. */
		return tc_query(dp, ifindex) == TC_XMIT ?
			       0 :
			       tc_attach(dp, ifindex, dp->fd_tc_xmit_prog);
	}
	if (fd != -ENOENT)
		return fd;
	if (mode == MGM_DP_TC_ONLY)
		return tc_attach(dp, ifindex, dp->fd_tc_fwd_prog);
	if (tc_query(dp, ifindex) == TC_FWD && mode == MGM_DP_XDP_AUTO)
		return 0; /* receives through tc already */

	fd = dup(dp->fd_fwd_prog); /* xdp_program__close() closes it */
	if (fd < 0)
		return -errno;
	prog = xdp_program__from_fd(fd);
	err = libxdp_get_error(prog);
	if (err) {
		close(fd);
		return err;
	}
	switch (mode) {
	case MGM_DP_XDP_NATIVE:
		err = attach_quietly(prog, ifindex, XDP_MODE_NATIVE);
		break;
	case MGM_DP_XDP_SKB:
		err = attach_quietly(prog, ifindex, XDP_MODE_SKB);
		break;
	default:
		err = attach_quietly(prog, ifindex, XDP_MODE_NATIVE);
		if (err == -EOPNOTSUPP)
			err = attach_quietly(prog, ifindex, XDP_MODE_SKB);
		break;
	}
	xdp_program__close(prog);
	if (err == -EOPNOTSUPP && mode == MGM_DP_XDP_AUTO)
		return tc_attach(dp, ifindex, dp->fd_tc_fwd_prog);
	if (err)
		return err;
	err = tc_attach(dp, ifindex, dp->fd_tc_xmit_prog);
	if (err)
		mgm_dp_detach(dp, ifindex); /* half a forwarder is none */
	return err;
}

static int xdp_detach(struct mgm_dp *dp, uint32_t ifindex)
{
	struct xdp_multiprog *mp;
	struct xdp_program *p;
	int err;

	mp = xdp_multiprog__get_from_ifindex(ifindex);
	err = libxdp_get_error(mp);
	if (err)
		return err;
	if (!mp)
		return -ENOENT;
	if (xdp_multiprog__is_legacy(mp)) {
		p = xdp_multiprog__main_prog(mp);
		if (!p)
			err = -ENOENT;
		else if (!prog_is_ours(dp, xdp_program__fd(p)))
			err = -EBUSY;
		else
			err = xdp_multiprog__detach(mp);
		goto out;
	}
	/* libxdp's dispatcher: detach only our program from it. */
	err = -EBUSY;
	for (p = xdp_multiprog__next_prog(NULL, mp); p;
	     p = xdp_multiprog__next_prog(p, mp)) {
		if (!prog_is_ours(dp, xdp_program__fd(p)))
			continue;
		err = xdp_program__detach(p, ifindex,
					  xdp_multiprog__attach_mode(mp), 0);
		break;
	}
out:
	xdp_multiprog__close(mp);
	return err;
}

int mgm_dp_detach(struct mgm_dp *dp, uint32_t ifindex)
{
	int err = xdp_detach(dp, ifindex);
	int tc = tc_detach(dp, ifindex);

	/* The XDP program's answer, unless only a tc program was there. */
	if (err == -ENOENT && !tc)
		return 0;
	return err;
}

/* ------------------------------------------------------------------ */
/* Events                                                               */

/* The fast path's record (a BPF ABI) in the core's terms. */
static int rb_sample(void *ctx, void *data, size_t size)
{
	const struct mgm_event *r = data;
	struct mgm_dp *dp = ctx;
	struct mgm_dp_event ev;

	if (size < sizeof(*r))
		return 0;
	if (!dp->ev_cb)
		return 0;
	memset(&ev, 0, sizeof(ev));
	ev.type = r->type == MGM_EV_MISS ? MGM_DP_EV_MISS : MGM_DP_EV_WRONG_IF;
	ev.ifindex = r->ifindex;
	if (r->family == MGM_EV_AF_INET6) {
		ev.source = mgm_addr6(r->source6);
		ev.group = mgm_addr6(r->group6);
	} else {
		ev.source = mgm_addr4(r->source);
		ev.group = mgm_addr4(r->group);
	}
	ev.ts_ns = r->ts_ns;
	ev.ip_len = r->ip_len;
	ev.hdr_len = r->hdr_len < sizeof(ev.hdr) ? r->hdr_len : sizeof(ev.hdr);
	memcpy(ev.hdr, r->hdr, ev.hdr_len);
	dp->ev_cb(dp->ev_ctx, &ev);
	return 0;
}

static int rb_open(struct mgm_dp *dp)
{
	if (dp->rb)
		return 0;
	dp->rb = ring_buffer__new(dp->fd_events, rb_sample, dp, NULL);
	return dp->rb ? 0 : -errno;
}

int mgm_dp_event_fd(struct mgm_dp *dp)
{
	int err = rb_open(dp);

	return err ? err : ring_buffer__epoll_fd(dp->rb);
}

int mgm_dp_event_poll(struct mgm_dp *dp, mgm_dp_event_cb cb, void *cb_ctx)
{
	int err = rb_open(dp);

	if (err)
		return err;
	dp->ev_cb = cb;
	dp->ev_ctx = cb_ctx;
	err = ring_buffer__consume(dp->rb);
	dp->ev_cb = NULL;
	return err;
}
