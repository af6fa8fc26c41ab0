/* SPDX-License-Identifier: GPL-2.0 */
/*
 * meshupctl subcommands. Each takes the arguments after its name
 * (argv[0] is the subcommand name, ready for getopt_long) and returns the
 * process exit status: 0 on success, 1 on a failure of the operation, 2 on bad
 * usage or bad input. Errors are one line on stderr, "meshupctl: ...".
 */
#ifndef MESHUPCTL_COMMANDS_H
#define MESHUPCTL_COMMANDS_H

/* bundles (cmd_bundle.c) */
int cmd_keygen(int argc, char **argv);
int cmd_sign(int argc, char **argv);
int cmd_verify(int argc, char **argv);
int cmd_inspect(int argc, char **argv);

/* the local daemon over its control socket (cmd_ctl.c) */
int cmd_inject(int argc, char **argv);
int cmd_status(int argc, char **argv);

/* the kernel module over generic netlink (cmd_nl.c) */
int cmd_neighbors(int argc, char **argv);
int cmd_stats(int argc, char **argv);
int cmd_monitor(int argc, char **argv);

#endif
