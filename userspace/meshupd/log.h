/* SPDX-License-Identifier: GPL-2.0 */
/* meshupd logging: syslog, or stderr with -f. Levels as syslog's. */
#ifndef MESHUPD_LOG_H
#define MESHUPD_LOG_H

#include <syslog.h>

/** d_log_init() - @to_stderr: log to stderr; @verbosity: 0 info, 1+ debug. */
void d_log_init(int to_stderr, int verbosity);

/** d_log() - one line; LOG_DEBUG lines only with -v. */
void d_log(int level, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#define d_err(...)	d_log(LOG_ERR, __VA_ARGS__)
#define d_warn(...)	d_log(LOG_WARNING, __VA_ARGS__)
#define d_info(...)	d_log(LOG_INFO, __VA_ARGS__)
#define d_dbg(...)	d_log(LOG_DEBUG, __VA_ARGS__)

#endif
