// SPDX-License-Identifier: GPL-2.0
/*
 * meshupd - the meshup helper daemon: d_main().
 *
 *   meshupd [-c FILE] [-f] [-v] [-t]
 *     -c FILE  configuration (default /etc/meshup/meshupd.conf)
 *     -f       stay in the foreground and log to stderr (else syslog)
 *     -v       debug messages
 *     -t       check the configuration and the keys, then exit
 *
 * SIGTERM/SIGINT: clean exit. SIGHUP: ignored (restart to reload).
 *
 * The daemon is d_main() in daemon.c so that tests can run it in a process
 * of their own; main.c only calls it.
 */
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/epoll.h>
#include <sys/signalfd.h>

#include "meshupd.h"
#include "meshtime.h"
#include "log.h"

static void on_signal(int fd, uint32_t events, void *arg)
{
	struct signalfd_siginfo si;

	while (read(fd, &si, sizeof(si)) == sizeof(si)) {
		switch (si.ssi_signo) {
		case SIGTERM:
		case SIGINT:
			d_info("signal %u: exiting", si.ssi_signo);
			D.stop = 1;
			break;
		case SIGCHLD:
			d_activate_sigchld();
			break;
		default:
			break;
		}
	}
}

static void bad_key(const char *msg, void *arg)
{
	d_warn("keys_dir: %s: skipped (not trusted)", msg);
}

static void usage(FILE *f)
{
	fprintf(f, "usage: meshupd [-c FILE] [-f] [-v] [-t]\n");
}

int d_main(int argc, char **argv)
{
	const char *conf = D_DEFAULT_CONFIG;
	int fg = 0, verbose = 0, check = 0, opt, sfd;
	char err[MU_ERR_LEN];
	sigset_t set;

	optind = 1;
	while ((opt = getopt(argc, argv, "c:fvth")) != -1) {
		switch (opt) {
		case 'c':
			conf = optarg;
			break;
		case 'f':
			fg = 1;
			break;
		case 'v':
			verbose++;
			break;
		case 't':
			check = 1;
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	if (optind != argc) {
		usage(stderr);
		return 2;
	}
	if (d_config_load(conf, &D.cfg, err)) {
		fprintf(stderr, "meshupd: %s\n", err);
		return 1;
	}
	mu_keyring_init(&D.keys);
	if (check) {
		/* -t: a bad key file is an error */
		if (mu_keyring_load_dir(&D.keys, D.cfg.keys_dir, err)) {
			fprintf(stderr, "meshupd: keys_dir: %s\n", err);
			return 1;
		}
		printf("meshupd: %s: %d channel(s), %zu trusted key(s), threshold %u\n",
		       conf, D.cfg.n_chans, D.keys.n, D.cfg.threshold);
		return 0;
	}
	d_log_init(fg, verbose);
	/* running: a bad key file is skipped with a warning, the others count */
	if (mu_keyring_load_dir_skip(&D.keys, D.cfg.keys_dir, bad_key, NULL, err)) {
		d_err("keys_dir: %s", err);
		return 1;
	}
	if (!D.keys.n)
		d_warn("no trusted keys in %s: every bundle will be rejected", D.cfg.keys_dir);
	D.own_offset_ms = d_test_offset_ms();
	if (D.own_offset_ms)
		d_warn("MESHUP_TEST_CLOCK_OFFSET: own clock shifted by %lld s (test only)",
		       (long long)(D.own_offset_ms / 1000));
	for (int i = 0; i < D.cfg.n_chans; i++) {
		D.chans[i].cfg = &D.cfg.chans[i];
		D.chans[i].hook_status = -1;
		for (int k = 0; k < D_HELD_MAX; k++)
			D.chans[i].held[k].payload_fd = -1;
	}
	for (int k = 0; k < D_XFER_MAX; k++)
		D.xfers[k].fd = -1;
	if (d_store_init(err)) {
		d_err("%s", err);
		return 1;
	}
	if (d_loop_init()) {
		d_err("epoll: %s", strerror(errno));
		return 1;
	}
	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGHUP);
	sigaddset(&set, SIGCHLD);
	sigprocmask(SIG_BLOCK, &set, NULL);
	signal(SIGPIPE, SIG_IGN);
	sfd = signalfd(-1, &set, SFD_NONBLOCK | SFD_CLOEXEC);
	if (sfd < 0 || d_loop_add_fd(sfd, EPOLLIN, on_signal, NULL)) {
		d_err("signalfd: %s", strerror(errno));
		return 1;
	}
	if (d_ctl_start(err)) {
		d_err("%s", err);
		return 1;
	}
	d_store_load();
	d_activate_init();
	d_nlink_start();
	d_advert_start();
	d_activate_eval_all();
	d_info("started: %d channel(s), %zu trusted key(s), threshold %u, clock %s",
	       D.cfg.n_chans, D.keys.n, D.cfg.threshold,
	       D.cfg.clock == D_CLOCK_AUTO ? "auto" :
	       D.cfg.clock == D_CLOCK_SYNCED ? "synced" : "unsynced");
	while (!D.stop) {
		if (d_loop_once(1000)) {
			d_err("epoll_wait: %s", strerror(errno));
			break;
		}
		if (D.advert_dirty)
			d_advert_refresh(false);
	}
	for (int k = 0; k < D_XFER_MAX; k++)
		d_xfer_free(&D.xfers[k]);
	d_ctl_stop();
	mu_nl_close(D.nl);
	for (int i = 0; i < D.cfg.n_chans; i++)
		for (int k = 0; k < D_HELD_MAX; k++)
			d_held_free(&D.chans[i].held[k]);
	mu_keyring_free(&D.keys);
	d_loop_fini();
	return 0;
}
