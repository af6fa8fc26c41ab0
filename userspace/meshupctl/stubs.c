// SPDX-License-Identifier: GPL-2.0
/* TEMPORARY during parallel development: weak stand-ins, removed before landing. */
#include <stdio.h>
#include "commands.h"
#define STUB(n) int __attribute__((weak)) n(int argc, char **argv) \
	{ fprintf(stderr, "meshupctl: %s not built yet\n", #n); return 1; }
STUB(cmd_keygen) STUB(cmd_sign) STUB(cmd_verify) STUB(cmd_inspect)
STUB(cmd_inject) STUB(cmd_status) STUB(cmd_neighbors) STUB(cmd_stats) STUB(cmd_monitor)
