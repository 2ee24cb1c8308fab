// SPDX-License-Identifier: GPL-2.0
/*
 * dp_probe.c - optional kernel features, probed rather than assumed.
 *
 * Machines of one kind run kernels built differently (one has IPv4
 * multicast routing, the next not), so whatever needs an optional feature
 * asks here first, and says why it cannot run instead of failing later.
 * MGM_NO_FEATURES (names separated by commas or spaces) makes features
 * count as absent, so the paths taken without them run on every machine.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <linux/mroute.h>
#include <linux/mroute6.h>

#include "dp/dp.h"

static const struct {
	const char *name;
	const char *what;
	const char *config;
} features[MGM_FEAT__N] = {
	[MGM_FEAT_IPMR] = { "ipmr", "IPv4 multicast routing",
			    "CONFIG_IP_MROUTE" },
	[MGM_FEAT_IP6MR] = { "ip6mr", "IPv6 multicast routing",
			     "CONFIG_IPV6_MROUTE" },
};

const char *mgm_feature_name(enum mgm_feature f)
{
	return f < MGM_FEAT__N ? features[f].name : "?";
}

int mgm_feature_by_name(const char *name)
{
	int f;

	for (f = 0; f < MGM_FEAT__N; f++)
		if (!strcmp(name, features[f].name))
			return f;
	return -ENOENT;
}

bool mgm_feature_disabled(const char *name)
{
	const char *l = getenv("MGM_NO_FEATURES");
	size_t n = strlen(name);

	while (l && *l) {
		size_t k;

		l += strspn(l, ", \t");
		k = strcspn(l, ", \t");
		if (k == n && !strncmp(l, name, n))
			return true;
		l += k;
	}
	return false;
}

/*
 * The multicast-routing socket itself: MRT_INIT (MRT6_INIT) fails with
 * ENOPROTOOPT where the kernel has none; EADDRINUSE means a routing daemon
 * holds it in this network namespace, so it is there.  Closing the socket
 * gives it back at once.
 */
static int probe_mrt(int family, int proto, int level, int opt)
{
	int fd, one = 1, err = 0;

	fd = socket(family, SOCK_RAW | SOCK_CLOEXEC, proto);
	if (fd < 0)
		return -errno;
	if (setsockopt(fd, level, opt, &one, sizeof(one)))
		err = errno == EADDRINUSE ? 0 : -errno;
	close(fd);
	return err;
}

int mgm_feature_probe(enum mgm_feature f, char *why, size_t len)
{
	int err;

	if (f >= MGM_FEAT__N)
		return -EINVAL;
	if (mgm_feature_disabled(features[f].name)) {
		snprintf(why, len, "%s treated as absent (MGM_NO_FEATURES)",
			 features[f].what);
		return 0;
	}
	switch (f) {
	case MGM_FEAT_IPMR:
		err = probe_mrt(AF_INET, IPPROTO_IGMP, IPPROTO_IP, MRT_INIT);
		break;
	case MGM_FEAT_IP6MR:
		err = probe_mrt(AF_INET6, IPPROTO_ICMPV6, IPPROTO_IPV6,
				MRT6_INIT);
		break;
	default:
		return -EINVAL;
	}
	if (!err)
		return 1;
	if (err == -ENOPROTOOPT)
		snprintf(why, len, "this kernel has no %s (%s)",
			 features[f].what, features[f].config);
	else
		snprintf(why, len, "%s cannot be used here: %s",
			 features[f].what, strerror(-err));
	return 0;
}
