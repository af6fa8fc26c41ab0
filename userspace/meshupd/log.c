// SPDX-License-Identifier: GPL-2.0
/* meshupd logging. */
#include <stdarg.h>
#include <stdio.h>
#include <time.h>

#include "log.h"

static int log_stderr = 1;
static int log_verbosity;
static int log_opened;

void d_log_init(int to_stderr, int verbosity)
{
	log_stderr = to_stderr;
	log_verbosity = verbosity;
	if (!to_stderr && !log_opened) {
		openlog("meshupd", LOG_PID, LOG_DAEMON);
		log_opened = 1;
	}
}

void d_log(int level, const char *fmt, ...)
{
	static const char *const names[] = {
		"emerg", "alert", "crit", "error", "warning", "notice", "info", "debug",
	};
	va_list ap;

	if (level == LOG_DEBUG && log_verbosity < 1)
		return;
	va_start(ap, fmt);
	if (log_stderr) {
		char msg[1024];

		vsnprintf(msg, sizeof(msg), fmt, ap);
		fprintf(stderr, "meshupd: %s: %s\n", names[level & 7], msg);
	} else {
		vsyslog(level, fmt, ap);
	}
	va_end(ap);
}
