// SPDX-License-Identifier: GPL-2.0
/*
 * meshupctl: the one user tool of meshup (PROTOCOL.md section 6).
 */
#include <stdio.h>
#include <string.h>

#include "commands.h"

static const struct {
	const char *name;
	int (*fn)(int argc, char **argv);
	const char *usage;
} commands[] = {
	{ "keygen", cmd_keygen, "keygen --out KEY.pem" },
	{ "sign", cmd_sign, "sign --key KEY.pem --channel NAME --version X.Y.Z "
			    "[--start TIME] [--end TIME] --payload FILE --out B.mub\n"
			    "       meshupctl sign --add --key KEY.pem B.mub" },
	{ "verify", cmd_verify, "verify --keys DIR [--threshold N] [--json] B.mub" },
	{ "inspect", cmd_inspect, "inspect [--json] B.mub" },
	{ "inject", cmd_inject, "inject [--socket PATH] B.mub" },
	{ "status", cmd_status, "status [--socket PATH] [--json]" },
	{ "neighbors", cmd_neighbors, "neighbors [--json]" },
	{ "stats", cmd_stats, "stats [--json]" },
	{ "monitor", cmd_monitor, "monitor [--json]" },
};

#define N_COMMANDS (sizeof(commands) / sizeof(commands[0]))

static void usage(FILE *f)
{
	size_t i;

	fprintf(f, "usage:\n");
	for (i = 0; i < N_COMMANDS; i++)
		fprintf(f, "  meshupctl %s\n", commands[i].usage);
	fprintf(f, "TIME is Unix seconds or an ISO 8601 date. "
		   "The daemon's socket: --socket, $MESHUP_SOCKET or "
		   "/run/meshup/meshupd.sock.\n");
}

int main(int argc, char **argv)
{
	size_t i;

	if (argc < 2) {
		usage(stderr);
		return 2;
	}
	if (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help") ||
	    !strcmp(argv[1], "help")) {
		usage(stdout);
		return 0;
	}
	for (i = 0; i < N_COMMANDS; i++)
		if (!strcmp(argv[1], commands[i].name))
			return commands[i].fn(argc - 1, argv + 1);
	fprintf(stderr, "meshupctl: unknown command '%s' (try meshupctl --help)\n",
		argv[1]);
	return 2;
}
