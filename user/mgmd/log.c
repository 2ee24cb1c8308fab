// SPDX-License-Identifier: GPL-2.0
/* log.c - to syslog, or to stderr when mgmd runs in the foreground (-n). */
#include <stdio.h>
#include <time.h>

#include "mgmd.h"

static bool to_stderr;
static int max_level = LOG_NOTICE;

void log_open(bool foreground, int verbose)
{
	to_stderr = foreground;
	max_level = verbose >= 2 ? LOG_DEBUG : verbose ? LOG_INFO : LOG_NOTICE;
	if (!to_stderr)
		openlog("mgmd", LOG_PID | LOG_NDELAY, LOG_DAEMON);
}

void log_msg(int level, const char *fmt, ...)
{
	static const char *const names[] = { "emerg", "alert",	 "crit",
					     "error", "warning", "notice",
					     "info",  "debug" };
	va_list ap;

	if (level > max_level && level > LOG_WARNING)
		return;
	va_start(ap, fmt);
	if (to_stderr) {
		struct timespec ts;

		clock_gettime(CLOCK_REALTIME, &ts);
		fprintf(stderr,
			"mgmd[%ld.%03ld] %s: ", (long)ts.tv_sec % 100000,
			ts.tv_nsec / 1000000, names[level & 7]);
		vfprintf(stderr, fmt, ap);
		fputc('\n', stderr);
	} else {
		vsyslog(level, fmt, ap);
	}
	va_end(ap);
}
