// SPDX-License-Identifier: GPL-2.0
/*
 * fuzz_config.c - mgmd's configuration parser (user/mgmd/config.c).
 *
 * The input is the text of a configuration file.  config_load() refuses
 * a file with a NUL byte before parsing, so such inputs stop there too.
 * A configuration that parses is also copied (config_dup), printed route
 * by route (config_route_str) and resolved against this machine's
 * interfaces (config_resolve), as mgmd does on start-up and SIGHUP.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mgmd/mgmd.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* As main.c names interfaces in route texts. */
const char *mgmd_ifname(uint32_t ifindex, char *buf)
{
	if (!if_indextoname(ifindex, buf))
		snprintf(buf, IF_NAMESIZE, "if%u", ifindex);
	return buf;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct config c, dup, res;
	char err[256], text[512];
	char *buf;
	size_t i;

	if (size > 1 << 16 || memchr(data, 0, size))
		return 0;
	buf = malloc(size + 1);
	if (!buf)
		return 0;
	memcpy(buf, data, size);
	buf[size] = '\0';
	err[0] = '\0';
	if (config_parse("fuzz.conf", buf, &c, err, sizeof(err))) {
		/* Every error names the file and the line. */
		if (strncmp(err, "fuzz.conf:", 10))
			abort();
		free(buf);
		return 0;
	}
	if (!config_dup(&c, &dup)) {
		for (i = 0; i < dup.n_routes; i++)
			config_route_str(&dup.routes[i].r, text, sizeof(text));
		config_free(&dup);
	}
	if (!config_resolve(&c, &res, 0))
		config_free(&res);
	config_free(&c);
	free(buf);
	return 0;
}
