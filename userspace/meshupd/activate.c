// SPDX-License-Identifier: GPL-2.0
/*
 * meshupd activation (PROTOCOL.md section 5): the active bundle of a channel
 * is the newest held one with start_time <= mesh time < end_time (or end 0).
 * When it differs from the one whose hook last succeeded, the channel's hook
 * runs once (fork/exec, reaped through SIGCHLD on the signalfd) with
 * MESHUP_CHANNEL, MESHUP_VERSION, MESHUP_PAYLOAD, MESHUP_REASON. A failing
 * hook is retried with exponential back-off (1 s doubling up to 5 min).
 * A timer fires at the next start_time/end_time of any held bundle; a 1 s
 * housekeeping timer catches jumps of mesh time.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/wait.h>

#include "meshupd.h"
#include "log.h"

static struct d_timer act_timer;

static void act_timer_cb(struct d_timer *t)
{
	d_activate_eval_all();
}

void d_activate_init(void)
{
	act_timer.cb = act_timer_cb;
}

static void run_hook(int chan, struct d_held *h, bool revert)
{
	struct d_chan *c = &D.chans[chan];
	char v[MU_VERSION_STRLEN], payload[PATH_MAX];
	pid_t pid;

	mu_version_str(h->m.version, v);
	snprintf(payload, sizeof(payload), "%s/%s.payload", D.cfg.state_dir, h->hex);
	pid = fork();
	if (pid < 0) {
		d_err("%s: cannot fork the hook: %s", c->cfg->name, strerror(errno));
		c->hook_retry_at = d_mono_ms() + 1000;
		return;
	}
	if (pid == 0) {
		sigset_t all;

		sigemptyset(&all);
		sigprocmask(SIG_SETMASK, &all, NULL);
		/* the hook gets stdin/stdout/stderr only (not our netlink sockets) */
		for (int fd = 3; fd < 1024; fd++)
			close(fd);
		setenv("MESHUP_CHANNEL", c->cfg->name, 1);
		setenv("MESHUP_VERSION", v, 1);
		setenv("MESHUP_PAYLOAD", payload, 1);
		setenv("MESHUP_REASON", revert ? "revert" : "activate", 1);
		execl(c->cfg->hook, c->cfg->hook, (char *)NULL);
		_exit(127);
	}
	c->hook_pid = pid;
	memcpy(c->hook_digest, h->digest, 32);
	c->hook_version = h->m.version;
	c->hook_revert = revert;
	d_dbg("%s: hook %s started for %s (%s)", c->cfg->name, c->cfg->hook, v,
	      revert ? "revert" : "activate");
}

static struct d_held *held_by_digest(struct d_chan *c, const uint8_t *dg)
{
	for (int i = 0; i < D_HELD_MAX; i++)
		if (c->held[i].used && !memcmp(c->held[i].digest, dg, 32))
			return &c->held[i];
	return NULL;
}

void d_activate_eval(int chan)
{
	struct d_chan *c = &D.chans[chan];
	struct d_bref b[D_HELD_MAX];
	int idx[D_HELD_MAX], n, a;
	uint64_t now = d_mesh_s();
	struct d_held *h, *prev;
	bool revert;

	if (c->hook_pid)
		return;		/* re-evaluated when it ends */
	n = d_chan_brefs(c, b, idx);
	a = d_active(b, n, now);
	if (a < 0) {
		if (c->have_applied) {
			d_info("%s: no bundle is active any more", c->cfg->name);
			c->have_applied = false;
			d_store_write_state(chan);
		}
		return;
	}
	h = &c->held[idx[a]];
	if (c->have_applied && !memcmp(c->applied, h->digest, 32))
		return;
	/* back-off applies to retrying the same bundle, not a new one */
	if (d_mono_ms() < c->hook_retry_at && !memcmp(c->hook_digest, h->digest, 32))
		return;
	if (memcmp(c->hook_digest, h->digest, 32))
		c->hook_failures = 0;
	prev = c->have_applied ? held_by_digest(c, c->applied) : NULL;
	revert = false;
	if (prev) {
		struct d_bref pb;

		d_held_bref(prev, &pb);
		revert = d_key_cmp(&b[a], &pb) < 0;
	} else if (c->have_applied && c->applied_version_known) {
		/* the applied bundle is gone (damaged, moved aside): the
		 * record still says which version it was */
		struct d_bref pb = { .version = c->applied_version };

		memcpy(pb.prefix, c->applied, 8);
		revert = d_key_cmp(&b[a], &pb) < 0;
	}
	run_hook(chan, h, revert);
}

/* Next boundary (start or end time in the future) over all channels. */
static void arm_next(void)
{
	uint64_t now = d_mesh_s(), next = 0;
	int64_t mesh_ms;

	for (int c = 0; c < D.cfg.n_chans; c++)
		for (int i = 0; i < D_HELD_MAX; i++) {
			const struct d_held *h = &D.chans[c].held[i];

			if (!h->used)
				continue;
			if (h->m.start_time > now && (!next || h->m.start_time < next))
				next = h->m.start_time;
			if (h->m.end_time > now && (!next || h->m.end_time < next))
				next = h->m.end_time;
		}
	if (!next) {
		d_timer_cancel(&act_timer);
		return;
	}
	mesh_ms = d_mesh_ms(NULL);
	{
		int64_t delay = (int64_t)next * 1000 - mesh_ms;

		if (delay < 0)
			delay = 0;
		if (delay > 1000)
			delay = 1000;	/* mesh time may move: look again soon */
		d_timer_arm(&act_timer, (uint64_t)delay + 1);
	}
}

void d_activate_eval_all(void)
{
	for (int c = 0; c < D.cfg.n_chans; c++)
		d_activate_eval(c);
	arm_next();
}

void d_activate_sigchld(void)
{
	int status;
	pid_t pid;

	while ((pid = waitpid(-1, &status, WNOHANG)) > 0) {
		for (int ci = 0; ci < D.cfg.n_chans; ci++) {
			struct d_chan *c = &D.chans[ci];
			char v[MU_VERSION_STRLEN], hx[17];
			int rc;

			if (c->hook_pid != pid)
				continue;
			c->hook_pid = 0;
			rc = WIFEXITED(status) ? WEXITSTATUS(status) :
			     128 + (WIFSIGNALED(status) ? WTERMSIG(status) : 0);
			c->hook_status = rc;
			mu_version_str(c->hook_version, v);
			mu_hex(c->hook_digest, 8, hx);
			if (rc == 0) {
				c->have_applied = true;
				memcpy(c->applied, c->hook_digest, 32);
				c->applied_version = c->hook_version;
				c->applied_version_known = true;
				c->hook_failures = 0;
				c->hook_retry_at = 0;
				d_info("%s %s %s (digest %s)",
				       c->hook_revert ? "reverted to" : "activated",
				       c->cfg->name, v, hx);
			} else {
				uint64_t backoff = 1000ull << (c->hook_failures < 9 ?
							       c->hook_failures : 9);

				if (backoff > 300000)
					backoff = 300000;
				c->hook_failures++;
				c->hook_retry_at = d_mono_ms() + backoff;
				d_err("%s: hook %s failed for %s (exit %d), retry in %llu s",
				      c->cfg->name, c->cfg->hook, v, rc,
				      (unsigned long long)(backoff / 1000));
			}
			d_store_write_state(ci);
			d_store_retain(ci);
		}
	}
	d_activate_eval_all();
}
