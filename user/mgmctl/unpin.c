// SPDX-License-Identifier: GPL-2.0
/*
 * unpin.c - "mgmctl unpin": remove the fast path's pinned maps under the
 * pin root, for an upgrade to a forwarder whose map layout (ABI) changed.
 *
 * Refused while a process holds those maps (mgmd running on that pin
 * root, an mgm-dp, a benchmark): found by their map IDs in every
 * process's /proc/PID/fdinfo.  Forwarders of this pin root still attached
 * in this network namespace (left by mgmd --keep-forwarding, or by an
 * mgmd that was killed) are detached first: with their maps unpinned they
 * would keep forwarding from orphaned maps, and a new mgmd could not
 * attach its own program there.  Forwarding through this pin root stops
 * here, until the next mgmd attaches.
 */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <bpf/bpf.h>

#include "dp/dp.h"
#include "mgmctl.h"

#define MAX_IDS 32

/* The IDs of the maps pinned directly under root. */
static int pinned_map_ids(const char *root, __u32 *ids, int max)
{
	struct dirent *de;
	DIR *dir = opendir(root);
	int n = 0;

	if (!dir)
		return -errno;
	while ((de = readdir(dir)) && n < max) {
		struct bpf_map_info info = {};
		__u32 len = sizeof(info);
		char path[PATH_MAX];
		int fd;

		if (de->d_name[0] == '.' ||
		    snprintf(path, sizeof(path), "%s/%s", root, de->d_name) >=
			    (int)sizeof(path))
			continue;
		fd = bpf_obj_get(path);
		if (fd < 0)
			continue;
		if (!bpf_obj_get_info_by_fd(fd, &info, &len))
			ids[n++] = info.id;
		close(fd);
	}
	closedir(dir);
	return n;
}

/* Does an fdinfo file name one of the map IDs? */
static bool fdinfo_uses(const char *path, const __u32 *ids, int n)
{
	char line[128];
	bool hit = false;
	FILE *f = fopen(path, "r");
	unsigned int id;
	int i;

	if (!f)
		return false;
	while (!hit && fgets(line, sizeof(line), f))
		if (sscanf(line, "map_id: %u", &id) == 1)
			for (i = 0; i < n; i++)
				hit |= id == ids[i];
	fclose(f);
	return hit;
}

/*
 * The first other process holding one of the maps: its pid (and name in
 * comm), 0 if none.
 */
static pid_t map_user(const __u32 *ids, int n, char *comm, size_t len)
{
	DIR *proc = opendir("/proc");
	struct dirent *pe, *fe;
	pid_t found = 0, self = getpid();

	if (!proc)
		return 0;
	while (!found && (pe = readdir(proc))) {
		char path[600];
		DIR *fds;

		if (!isdigit((unsigned char)pe->d_name[0]) ||
		    atoi(pe->d_name) == self)
			continue;
		snprintf(path, sizeof(path), "/proc/%s/fdinfo", pe->d_name);
		fds = opendir(path);
		if (!fds)
			continue;
		while (!found && (fe = readdir(fds))) {
			if (fe->d_name[0] == '.')
				continue;
			snprintf(path, sizeof(path), "/proc/%s/fdinfo/%s",
				 pe->d_name, fe->d_name);
			if (fdinfo_uses(path, ids, n))
				found = atoi(pe->d_name);
		}
		closedir(fds);
	}
	closedir(proc);
	if (found) {
		char path[64];
		FILE *f;

		snprintf(comm, len, "?");
		snprintf(path, sizeof(path), "/proc/%d/comm", (int)found);
		f = fopen(path, "r");
		if (f) {
			if (fgets(comm, (int)len, f))
				comm[strcspn(comm, "\n")] = '\0';
			fclose(f);
		}
	}
	return found;
}

int unpin_run(json_object **out, char *err, size_t len)
{
	/* Maps of any layout: an upgrade unpins those of the old one. */
	struct mgm_dp_opts o = { .pin_root = opts.pin_root,
				 .readonly = true,
				 .identify_only = true };
	struct if_nameindex *ifs, *i;
	struct mgm_dp *dp = NULL;
	json_object *det;
	__u32 ids[MAX_IDS];
	char comm[64];
	struct stat st;
	pid_t pid;
	int n, ret;

	if (stat(opts.pin_root, &st)) {
		snprintf(err, len, "nothing pinned under %s: %s", opts.pin_root,
			 strerror(errno));
		return -ENOENT;
	}
	n = pinned_map_ids(opts.pin_root, ids, MAX_IDS);
	if (n < 0) {
		snprintf(err, len, "cannot read %s: %s", opts.pin_root,
			 strerror(-n));
		return n;
	}
	pid = n ? map_user(ids, n, comm, sizeof(comm)) : 0;
	if (pid) {
		snprintf(err, len,
			 "%s (pid %d) uses the maps under %s: stop it first "
			 "(nothing was removed)",
			 comm, (int)pid, opts.pin_root);
		return -EBUSY;
	}
	det = json_object_new_array();
	/* Our forwarders of this pin root, where they are still attached. */
	if (n && !mgm_dp_open(&o, &dp)) {
		ifs = if_nameindex();
		for (i = ifs; i && i->if_index; i++)
			if (mgm_dp_is_attached(i->if_index) > 0 &&
			    !mgm_dp_detach(dp, i->if_index))
				json_object_array_add(
					det,
					json_object_new_string(i->if_name));
		if (ifs)
			if_freenameindex(ifs);
		mgm_dp_close(dp);
	}
	ret = mgm_dp_unpin(opts.pin_root);
	if (ret) {
		json_object_put(det);
		snprintf(err, len, "unpin %s: %s", opts.pin_root,
			 strerror(-ret));
		return ret;
	}
	*out = json_object_new_object();
	json_object_object_add(*out, "unpinned",
			       json_object_new_string(opts.pin_root));
	json_object_object_add(*out, "maps", json_object_new_int(n));
	json_object_object_add(*out, "detached", det);
	return 0;
}
